use webhook_core::amity::{self, Amity, AmityEvent};
use webhook_core::talkplus::{self, TalkPlus, TalkPlusEvent};
use webhook_core::{Dispatcher, Provider, webhook_handler};

#[webhook_handler]
async fn audit_talkplus(ev: TalkPlusEvent) {
    let _ = ev.name();
}

#[webhook_handler]
async fn unknown_talkplus(ev: talkplus::UnknownEvent) {
    let _ = ev.name;
}

#[webhook_handler]
async fn audit_amity(ev: AmityEvent) {
    let _ = ev.name();
}

#[webhook_handler]
async fn unknown_amity(ev: webhook_core::UnknownEvent<Amity>) {
    let _ = ev.raw;
}

#[webhook_handler]
async fn on_message(ev: amity::MessageDidCreate) {
    let _ = ev.data.messages;
}

fn main() {
    let _talkplus = Dispatcher::new(TalkPlus::verifier(["key"]).unwrap(), ())
        .handler(audit_talkplus)
        .handler(unknown_talkplus);
    let _amity = Dispatcher::new(Amity::verifier(["secret"]).unwrap(), ())
        .handler(audit_amity)
        .handler(unknown_amity)
        .handler(on_message);
}
