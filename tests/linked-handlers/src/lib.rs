//! Handlers defined in a crate other than the one that collects them: what
//! `tests/linked.rs` at the workspace root collects with `Dispatcher::linked_handlers`.

use webhook_core::talkplus::{MemberMuted, MemberUnmuted};
use webhook_core::webhook_handler;

/// Handles `member_muted` in this crate.
#[webhook_handler]
pub async fn on_muted_elsewhere(ev: MemberMuted) {
    assert!(!ev.channel.id.is_empty(), "a muted member's channel");
}

/// Handles `member_unmuted` in this crate.
#[webhook_handler]
pub async fn on_unmuted_elsewhere(_ev: MemberUnmuted) -> Result<(), String> {
    Ok(())
}
