//! Parameter names a lint faults, allowed by the function's author, and attributes on
//! parameters that do not make them conditional: the expansion adds no warning.
#![deny(warnings)]
use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{DeliveryInfo, Dispatcher, Provider, webhook_handler};

#[webhook_handler]
#[allow(non_snake_case)]
async fn on_banned(Ev: MemberBanned, mut info: DeliveryInfo) {
    let _ = (Ev, info.attempt());
    info = info.clone();
    let _ = info;
}

#[webhook_handler]
async fn self_(ev: MemberBanned, #[cfg_attr(test, allow(unused_variables))] info: DeliveryInfo) {
    let _ = (ev, info);
}

fn main() {
    let dispatcher = Dispatcher::new(TalkPlus::verifier(["key"]).expect("key"), ())
        .handler(on_banned)
        .handler(self_);
    let _ = dispatcher;
}
