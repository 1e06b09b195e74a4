#![deny(unused_must_use)]
use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

#[webhook_handler]
async fn on_banned(ev: MemberBanned) {
    let _ = ev;
}

async fn forwards(ev: MemberBanned) {
    on_banned(ev);
}

fn main() {
    let _ = forwards;
}
