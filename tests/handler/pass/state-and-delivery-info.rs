use std::sync::Arc;

use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{DeliveryInfo, Dispatcher, Provider, Shared, webhook_handler};

#[derive(Clone, Default)]
struct App {
    name: Arc<str>,
}

#[webhook_handler]
async fn state_only(_ev: MemberBanned, Shared(app): Shared<App>) {
    let _ = app.name;
}

#[webhook_handler]
async fn info_only(_ev: MemberBanned, info: DeliveryInfo) {
    let _ = (info.provider(), info.event_name(), info.delivery_id(), info.body(), info.headers(), info.received_at());
}

#[webhook_handler]
async fn both_in_any_order(_ev: MemberBanned, info: DeliveryInfo, state: Shared<App>) {
    let _ = (info, state);
}

fn main() {
    let verifier = TalkPlus::verifier(["key"]).unwrap();
    let _dispatcher = Dispatcher::new(verifier, App::default())
        .handler(state_only)
        .handler(info_only)
        .handler(both_in_any_order);
}
