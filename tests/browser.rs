//! The inbox page in a real browser: headless Chromium, driven through WebDriver, signs
//! in, finds a dead letter, opens it, presses Replay and sees it handled. A screenshot of
//! each page is written under `target/tmp/browser/`.
//!
//! Needs Debian's `chromium` and `chromium-driver`; without them it says so in one line
//! and passes, unless `WEBHOOK_TEST_REQUIRE` names `browser` (as `.ci/run` does).

#[path = "support/outside.rs"]
mod outside;
#[path = "support/server_process.rs"]
mod server_process;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use outside::ChromeDriver;
use server_process::{ServerProcess, post, talkplus_delivery, test_dir};
use webhook_examples::server::{DEMO_TALKPLUS_API_KEY, INBOX_PAGE_PATH};

/// Runs the example server when this binary is started as one (see `server_process`).
#[test]
fn example_server_process() {
    server_process::run_if_child();
}

const TOKEN: &str = "browser-test-token-0123456789";

#[test]
fn a_person_replays_a_dead_letter_from_the_inbox_page() {
    let Some(driver) = ChromeDriver::start() else {
        return;
    };
    let dir = test_dir(env!("CARGO_TARGET_TMPDIR"), "browser");
    // The handler fails its first attempt only: the dead letter succeeds when replayed.
    let server = ServerProcess::start(
        &dir,
        "browser",
        &[
            ("WEBHOOK_INBOX_TOKEN", TOKEN),
            ("WEBHOOK_DEMO_FAIL", "member_banned:first"),
        ],
    );
    let (status, reply) = post(
        &server.url("talkplus"),
        talkplus_delivery(DEMO_TALKPLUS_API_KEY, "night-shift"),
    );
    assert_eq!(status, 500, "{reply}");
    assert_eq!(server.handled("night-shift"), 0);

    let screenshots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let _ = std::fs::remove_dir_all(&screenshots);
    std::fs::create_dir_all(&screenshots).expect("a screenshot directory");
    let page = format!("http://{}{INBOX_PAGE_PATH}", server.addr);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(async {
            let browser = headless_chromium(&driver).await;
            let result = replay_through_the_page(&browser, &page, &screenshots).await;
            let _ = browser.close().await;
            result
        })
        .unwrap_or_else(|err| panic!("{err}\nserver log:\n{}", server.log()));

    // The replayed delivery ran once more, and this time its handler succeeded.
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.handled("night-shift") < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.handled("night-shift"), 1, "{}", server.log());
}

async fn headless_chromium(driver: &ChromeDriver) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                // A phone's width: the page must read there too.
                "--window-size=420,900",
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url())
        .await
        .expect("a browser session")
}

/// Signs in, opens the dead letter, presses Replay, and waits for the page to show it
/// done. An `Err` says which step failed.
async fn replay_through_the_page(
    browser: &Client,
    page: &str,
    screenshots: &std::path::Path,
) -> Result<(), String> {
    let step =
        |what: &'static str| move |err: fantoccini::error::CmdError| format!("{what}: {err}");

    // Without the session, the page is the sign-in form.
    browser.goto(page).await.map_err(step("open the page"))?;
    let token = browser
        .find(Locator::Id("token"))
        .await
        .map_err(step("find the token field"))?;
    token
        .send_keys(TOKEN)
        .await
        .map_err(step("type the token"))?;
    browser
        .find(Locator::Css("button[type=submit]"))
        .await
        .map_err(step("find Sign in"))?
        .click()
        .await
        .map_err(step("press Sign in"))?;

    // The list shows the dead letter.
    let dead_row = browser
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css("tr.state-dead td a"))
        .await
        .map_err(step("find the dead letter in the list"))?;
    save_screenshot(browser, screenshots, "1-list.png").await?;
    dead_row
        .click()
        .await
        .map_err(step("open the dead letter"))?;

    let state = browser
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Id("state"))
        .await
        .map_err(step("find the delivery's state"))?;
    let shown = state.text().await.map_err(step("read the state"))?;
    if shown != "dead" {
        return Err(format!("the opened delivery is {shown:?}, not dead"));
    }
    let error = browser
        .find(Locator::Id("error"))
        .await
        .map_err(step("find the last error"))?
        .text()
        .await
        .map_err(step("read the last error"))?;
    if !error.contains("demo failure of `member_banned`") {
        return Err(format!("the page shows another error: {error}"));
    }
    let replay = browser
        .find(Locator::Id("replay"))
        .await
        .map_err(step("find Replay"))?;
    replay.click().await.map_err(step("press Replay"))?;
    // The form's answer is a new page: wait until the button pressed is gone with the old
    // one, so that nothing below reads the old page (or reloads it mid-submission).
    let deadline = Instant::now() + Duration::from_secs(5);
    while replay.is_displayed().await.is_ok() {
        if Instant::now() >= deadline {
            return Err("the page did not answer the Replay button".to_owned());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Back on the delivery; reloaded until a worker has run it.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = browser
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Id("state"))
            .await
            .map_err(step("find the state after replay"))?
            .text()
            .await
            .map_err(step("read the state after replay"))?;
        if shown == "done" {
            break;
        }
        if Instant::now() >= deadline {
            save_screenshot(browser, screenshots, "2-not-replayed.png").await?;
            return Err(format!("10 s after Replay the delivery is still {shown:?}"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        browser
            .refresh()
            .await
            .map_err(step("reload the delivery"))?;
    }
    if browser.find(Locator::Id("replay")).await.is_ok() {
        return Err("a handled delivery still offers Replay".to_owned());
    }
    save_screenshot(browser, screenshots, "2-replayed.png").await
}

async fn save_screenshot(
    browser: &Client,
    dir: &std::path::Path,
    name: &str,
) -> Result<(), String> {
    let png = browser
        .screenshot()
        .await
        .map_err(|err| format!("take a screenshot: {err}"))?;
    std::fs::write(dir.join(name), png).map_err(|err| format!("write {name}: {err}"))
}
