//! New events whose names are a few edits from known ones, as platforms name them
//! (`…/post.created`, then `…/post.updated`), declared with their provider.
use webhook_core::amity::Amity;
use webhook_core::{Dispatcher, Provider, webhook_handler};

#[webhook_handler(event = "push-notification/post.updated", provider = Amity)]
async fn on_post_updated(ev: serde_json::Value) {
    let _ = ev;
}

#[webhook_handler(event = "push-notification/video-streaming.stopped", provider = Amity)]
async fn on_stream_stopped(ev: serde_json::Value) {
    let _ = ev;
}

#[webhook_handler(event = "push-notification/message.reacted", provider = Amity)]
async fn on_message_reacted(ev: serde_json::Value) {
    let _ = ev;
}

fn main() {
    let dispatcher = Dispatcher::new(Amity::verifier(["secret"]).expect("secret"), ())
        .handler(on_post_updated)
        .handler(on_stream_stopped)
        .handler(on_message_reacted);
    let _ = dispatcher;
}
