//! Clients that stop sending, against the example server served exactly as
//! `cargo run --example server` serves it (`webhook_axum::serve`): each is cut off after the
//! configured read timeout with no handler run, and real deliveries are answered at once
//! while they hang.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use webhook_core::talkplus;
use webhook_examples::server::{self, Config};

/// The example server with `read_timeout`, on a free loopback port; it stops when the
/// test's runtime does.
async fn example_server(read_timeout: Duration) -> (SocketAddr, Config) {
    example_server_with_handler_delay(read_timeout, Duration::ZERO).await
}

/// The same, its demo handlers sleeping `delay` first.
async fn example_server_with_handler_delay(
    read_timeout: Duration,
    delay: Duration,
) -> (SocketAddr, Config) {
    let mut config = Config::demo(([127, 0, 0, 1], 0).into());
    config.read_timeout = read_timeout;
    config.demo.delay = delay;
    let router = server::app(&config).expect("demo configuration");
    (served(router, config.read_timeout).await, config)
}

/// `router` served as `cargo run --example server` serves it, on a free loopback port.
async fn served(router: axum::Router, read_timeout: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(webhook_axum::serve(
        listener,
        router,
        read_timeout,
        std::future::pending(),
    ));
    addr
}

fn banned(channel: &str) -> String {
    format!(
        r#"{{"event":"member_banned","channel":{{"id":"{channel}"}},"users":[{{"id":"troll"}}]}}"#
    )
}

/// Everything the server sends until it closes the connection (a reset ends it too).
async fn read_until_closed(mut stream: TcpStream) -> Vec<u8> {
    let mut reply = Vec::new();
    let _ = stream.read_to_end(&mut reply).await;
    reply
}

/// A connection that sent `bytes` and then nothing more: what the server answered, and
/// how long after it started connecting the server closed it.
struct Stalled {
    reply: Vec<u8>,
    closed_after: Duration,
}

/// Opens a connection, sends `bytes`, and waits on its own task for the server to close it;
/// `closed` counts the connections closed so far.
async fn stall(
    addr: SocketAddr,
    bytes: Vec<u8>,
    closed: Arc<AtomicUsize>,
) -> tokio::task::JoinHandle<Stalled> {
    // Timed from before the connection: the server may start its read timeout as soon as
    // it accepts, before `connect` returns here.
    let sent = Instant::now();
    let mut stream = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(addr))
        .await
        .expect("connected within 5 s")
        .expect("connect");
    stream.write_all(&bytes).await.expect("send the first part");
    tokio::spawn(async move {
        let reply = read_until_closed(stream).await;
        let closed_after = sent.elapsed();
        closed.fetch_add(1, Ordering::SeqCst);
        Stalled {
            reply,
            closed_after,
        }
    })
}

/// Waits for every stalled connection, never longer than `bound` plus a margin.
async fn all_closed(tasks: Vec<tokio::task::JoinHandle<Stalled>>, bound: Duration) -> Vec<Stalled> {
    let mut stalled = Vec::with_capacity(tasks.len());
    let deadline = tokio::time::Instant::now() + bound + Duration::from_secs(2);
    for task in tasks {
        let done = tokio::time::timeout_at(deadline, task)
            .await
            .expect("the server closes every stalled connection")
            .expect("reader task");
        stalled.push(done);
    }
    stalled
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_stalled_bodies_are_cut_off_while_a_real_delivery_is_served() {
    // Long enough that opening the 200 connections and one delivery fit well inside it.
    const READ_TIMEOUT: Duration = Duration::from_secs(1);
    const BOUND: Duration = Duration::from_secs(3);
    let (addr, config) = example_server(READ_TIMEOUT).await;
    let key = config.talkplus_api_key.value.as_bytes();

    // Correctly signed, so only the missing half of the body is wrong.
    let closed = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for n in 0..200 {
        let body = banned(&format!("stalled-{n}"));
        let head = format!(
            "POST /webhooks/talkplus HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\nx-talkplus-signature: {}\r\ncontent-length: {}\r\n\r\n",
            talkplus::SIGNATURE.sign(key, body.as_bytes()),
            body.len()
        );
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
        tasks.push(stall(addr, bytes, Arc::clone(&closed)).await);
    }

    let body = banned("real");
    let response = tokio::time::timeout(
        Duration::from_secs(2),
        reqwest::Client::new()
            .post(format!("http://{addr}/webhooks/talkplus"))
            .header(
                "x-talkplus-signature",
                talkplus::SIGNATURE.sign(key, body.as_bytes()),
            )
            .body(body)
            .send(),
    )
    .await
    .expect("a real delivery is answered within 2 s while 200 connections stall")
    .expect("sent");
    assert_eq!(
        closed.load(Ordering::SeqCst),
        0,
        "the stalled connections were all still open when the delivery was answered"
    );
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.expect("reply"), "handled\n");

    let stalled = all_closed(tasks, BOUND).await;
    assert_eq!(stalled.len(), 200);
    for (n, connection) in stalled.iter().enumerate() {
        let reply = String::from_utf8_lossy(&connection.reply);
        assert!(
            reply.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "connection {n}: {reply}"
        );
        assert!(
            reply.contains("\r\nconnection: close\r\n")
                && reply.ends_with("body not received within 1000 ms\n"),
            "connection {n}: {reply}"
        );
        assert!(
            (READ_TIMEOUT..=BOUND).contains(&connection.closed_after),
            "connection {n} closed after {:?}, expected {READ_TIMEOUT:?} to {BOUND:?}",
            connection.closed_after
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_or_missing_headers_are_cut_off_without_an_answer() {
    const READ_TIMEOUT: Duration = Duration::from_millis(500);
    const BOUND: Duration = Duration::from_millis(1500);
    let (addr, _config) = example_server(READ_TIMEOUT).await;

    let closed = Arc::new(AtomicUsize::new(0));
    let partial_headers =
        format!("POST /webhooks/talkplus HTTP/1.1\r\nhost: {addr}\r\ncontent-le").into_bytes();
    let tasks = vec![
        stall(addr, partial_headers, Arc::clone(&closed)).await,
        // Connects and sends nothing at all.
        stall(addr, Vec::new(), Arc::clone(&closed)).await,
    ];
    for (case, connection) in ["part of the headers", "nothing"]
        .iter()
        .zip(all_closed(tasks, BOUND).await)
    {
        assert!(
            connection.reply.is_empty(),
            "{case}: closed without an answer, got {:?}",
            String::from_utf8_lossy(&connection.reply)
        );
        assert!(
            (READ_TIMEOUT..=BOUND).contains(&connection.closed_after),
            "{case}: closed after {:?}, expected {READ_TIMEOUT:?} to {BOUND:?}",
            connection.closed_after
        );
    }

    // The server still serves: a complete request on a new connection is answered.
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhooks/talkplus"))
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn routes_served_this_way_read_the_peer_address() {
    use axum::extract::ConnectInfo;
    let router = axum::Router::new().route(
        "/peer",
        axum::routing::get(
            |ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.to_string() },
        ),
    );
    let addr = served(router, Duration::from_secs(5)).await;
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let local = stream.local_addr().expect("the client's address");
    stream
        .write_all(b"GET /peer HTTP/1.1\r\nhost: test\r\nconnection: close\r\n\r\n")
        .await
        .expect("request sent");
    let reply = String::from_utf8(read_until_closed(stream).await).expect("text");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with(&local.to_string()), "{reply}");
}

#[tokio::test]
async fn a_client_that_closes_its_sending_side_still_gets_its_answer() {
    // The handler takes a while, so the client's end of sending comes before the answer.
    let (addr, config) =
        example_server_with_handler_delay(Duration::from_secs(5), Duration::from_millis(300)).await;
    let key = config.talkplus_api_key.value.as_bytes();
    let body = banned("half-closed");
    let request = format!(
        "POST /webhooks/talkplus HTTP/1.1\r\nhost: {addr}\r\nx-talkplus-signature: {}\r\ncontent-length: {}\r\n\r\n{body}",
        talkplus::SIGNATURE.sign(key, body.as_bytes()),
        body.len()
    );
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("sent");
    // Done sending; still reading.
    stream.shutdown().await.expect("half-close");
    let reply = tokio::time::timeout(Duration::from_secs(5), read_until_closed(stream))
        .await
        .expect("answered before the timeout");
    let reply = String::from_utf8_lossy(&reply);
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with("handled\n"), "{reply}");
}

#[tokio::test]
async fn a_body_in_one_byte_chunks_is_read_whole() {
    let (addr, config) = example_server(Duration::from_secs(5)).await;
    let key = config.talkplus_api_key.value.as_bytes();
    let body = banned("one-byte-chunks");
    let mut request = format!(
        "POST /webhooks/talkplus HTTP/1.1\r\nhost: {addr}\r\nx-talkplus-signature: {}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        talkplus::SIGNATURE.sign(key, body.as_bytes()),
    );
    for byte in body.chars() {
        request.push_str(&format!("1\r\n{byte}\r\n"));
    }
    request.push_str("0\r\n\r\n");
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let reply = String::from_utf8_lossy(&read_until_closed(stream).await).into_owned();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with("handled\n"), "{reply}");
}

/// The example server, its demo handlers sleeping `delay` first, served with at most
/// `max_connections` connections.
async fn example_server_limited(max_connections: usize, delay: Duration) -> (SocketAddr, Config) {
    let mut config = Config::demo(([127, 0, 0, 1], 0).into());
    config.demo.delay = delay;
    let router = server::app(&config).expect("demo configuration");
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local address");
    let limits = webhook_axum::ConnectionLimits {
        read_timeout: Duration::from_secs(10),
        max_connections,
    };
    tokio::spawn(webhook_axum::serve_with_limits(
        listener,
        router,
        limits,
        std::future::pending(),
    ));
    (addr, config)
}

/// A signed delivery for `channel` as raw HTTP/1.1 bytes, closing the connection after.
fn raw_delivery(addr: SocketAddr, config: &Config, channel: &str) -> String {
    let body = banned(channel);
    format!(
        "POST /webhooks/talkplus HTTP/1.1\r\nhost: {addr}\r\nx-talkplus-signature: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        talkplus::SIGNATURE.sign(config.talkplus_api_key.value.as_bytes(), body.as_bytes()),
        body.len()
    )
}

/// Sends `request` on a new connection; the answer, and when it came.
async fn answered(addr: SocketAddr, request: String) -> (String, Instant) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let reply = read_until_closed(stream).await;
    (String::from_utf8_lossy(&reply).into_owned(), Instant::now())
}

#[tokio::test]
async fn at_the_connection_limit_an_idle_connection_makes_room_for_a_delivery() {
    let (addr, config) = example_server_limited(2, Duration::ZERO).await;
    // Two connections that send nothing take both slots.
    let idle = [
        TcpStream::connect(addr).await.expect("connect"),
        TcpStream::connect(addr).await.expect("connect"),
    ];
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (reply, _) = tokio::time::timeout(
        Duration::from_secs(2),
        answered(addr, raw_delivery(addr, &config, "room-made")),
    )
    .await
    .expect("answered at once, not after the idle connections' 10 s read timeout");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.ends_with("handled\n"), "{reply}");
    // The oldest idle connection was closed to make room; the other is still open.
    let [oldest, newer] = idle;
    let closed = tokio::time::timeout(Duration::from_secs(1), read_until_closed(oldest)).await;
    assert_eq!(closed.ok(), Some(Vec::new()), "closed without an answer");
    let still_open =
        tokio::time::timeout(Duration::from_millis(200), read_until_closed(newer)).await;
    assert!(still_open.is_err(), "the newer idle connection stays open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_connection_limit_with_a_request_on_each_the_next_waits_for_one_to_end() {
    const HANDLER: Duration = Duration::from_millis(800);
    let (addr, config) = example_server_limited(2, HANDLER).await;
    let started = Instant::now();
    let running: Vec<_> = (0..2)
        .map(|n| {
            tokio::spawn(answered(
                addr,
                raw_delivery(addr, &config, &format!("busy-{n}")),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (reply, third_at) = answered(addr, raw_delivery(addr, &config, "waits")).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    let mut first_done = None;
    for task in running {
        let (reply, at) = task.await.expect("answered");
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        first_done = Some(first_done.map_or(at, |earliest: Instant| earliest.min(at)));
    }
    let first_done = first_done.expect("two answers");
    assert!(
        third_at >= first_done,
        "the third was answered {:?} after the start, before a running one ended ({:?})",
        third_at - started,
        first_done - started
    );
    assert!(
        third_at - started >= HANDLER * 2,
        "it waited for a slot, then ran its own handler: {:?}",
        third_at - started
    );
}

#[tokio::test]
async fn at_the_connection_limit_one_stuck_in_its_headers_makes_room_too() {
    let (addr, config) = example_server_limited(2, Duration::ZERO).await;
    // Slowloris: each connection sends part of a request's headers, then nothing.
    let mut stuck = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(b"POST /webhooks/talkplus HTTP/1.1\r\nhost: x")
            .await
            .expect("sent");
        stuck.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (reply, _) = tokio::time::timeout(
        Duration::from_secs(2),
        answered(addr, raw_delivery(addr, &config, "past-slowloris")),
    )
    .await
    .expect("answered at once, not after the stuck connections' 10 s header timeout");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}
