//! Handlers that `macro_rules!` write, and names that are not plain identifiers.
use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{DeliveryInfo, Dispatcher, Provider, Shared, webhook_handler};

// The event type comes from the caller, the rest from the macro's body.
macro_rules! logging_handler {
    ($name:ident, $event:ty) => {
        #[webhook_handler]
        async fn $name(ev: $event, Shared(count): Shared<u32>, info: DeliveryInfo) {
            let _ = (ev, count, info.attempt());
        }
    };
}

// Everything but the name comes from the macro's body.
macro_rules! banned_handler {
    ($name:ident) => {
        #[webhook_handler]
        async fn $name(ev: MemberBanned) -> Result<(), String> {
            let _ = ev;
            Ok(())
        }
    };
}

logging_handler!(on_banned_logged, MemberBanned);
banned_handler!(on_banned_quietly);

#[webhook_handler]
async fn r#match(ev: MemberBanned) {
    let _ = ev;
}

#[webhook_handler]
async fn _2fa_banned(mut ev: MemberBanned, _: DeliveryInfo) {
    ev.users.clear();
}

fn main() {
    let dispatcher = Dispatcher::new(TalkPlus::verifier(["key"]).expect("key"), 0_u32)
        .handler(on_banned_logged)
        .handler(on_banned_quietly)
        .handler(r#match)
        .handler(_2fa_banned);
    let _ = dispatcher;
}
