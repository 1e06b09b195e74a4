//! What the demo handlers do besides logging: wait, to show slow handlers, and fail on
//! purpose, to show retries, dead letters and replay.

use std::sync::Arc;
use std::time::Duration;

use webhook_core::DeliveryInfo;

/// The demo handlers' shared state.
#[derive(Debug, Clone, Default)]
pub struct Demo {
    /// How long each handler sleeps before it logs (`WEBHOOK_HANDLER_DELAY_MS`).
    pub delay: Duration,
    /// Which handlers fail on purpose (`WEBHOOK_DEMO_FAIL`).
    pub failures: Arc<[DemoFailure]>,
}

/// A handler made to fail: `WEBHOOK_DEMO_FAIL=member_banned` fails every attempt at
/// `member_banned`, `WEBHOOK_DEMO_FAIL=member_banned:first` only the first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFailure {
    /// The event whose handler fails.
    pub event: String,
    /// Only its first attempt fails.
    pub first_attempt_only: bool,
}

impl DemoFailure {
    /// Reads a comma-separated `event[:first]` list.
    ///
    /// # Errors
    /// When an entry is empty or its suffix is not `:first`.
    pub fn parse_list(list: &str) -> Result<Vec<Self>, String> {
        list.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| match entry.split_once(':') {
                None => Ok(Self {
                    event: entry.to_owned(),
                    first_attempt_only: false,
                }),
                Some((event, "first")) if !event.is_empty() => Ok(Self {
                    event: event.to_owned(),
                    first_attempt_only: true,
                }),
                Some(_) => Err(format!(
                    "WEBHOOK_DEMO_FAIL entry {entry:?}: expected `event` or `event:first`"
                )),
            })
            .collect()
    }
}

impl Demo {
    /// Handles one event: waits the configured delay, fails if told to, else logs the one
    /// INFO line `handled event=… channel=…`.
    ///
    /// # Errors
    /// When `WEBHOOK_DEMO_FAIL` names this event (and attempt).
    pub async fn handled(
        &self,
        event: &str,
        channel: Option<&str>,
        info: &DeliveryInfo,
    ) -> Result<(), String> {
        self.wait_or_fail(event, info).await?;
        tracing::info!(event, channel = channel.unwrap_or("-"), "handled");
        Ok(())
    }

    /// Like [`Self::handled`] for events about users rather than a channel.
    ///
    /// # Errors
    /// When `WEBHOOK_DEMO_FAIL` names this event (and attempt).
    pub async fn handled_users(
        &self,
        event: &str,
        users: &str,
        info: &DeliveryInfo,
    ) -> Result<(), String> {
        self.wait_or_fail(event, info).await?;
        tracing::info!(event, users, "handled");
        Ok(())
    }

    async fn wait_or_fail(&self, event: &str, info: &DeliveryInfo) -> Result<(), String> {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        let fails = self.failures.iter().any(|failure| {
            failure.event == event && (!failure.first_attempt_only || info.attempt() == 1)
        });
        if fails {
            return Err(format!(
                "demo failure of `{event}` (attempt {}), set by WEBHOOK_DEMO_FAIL",
                info.attempt()
            ));
        }
        Ok(())
    }
}
