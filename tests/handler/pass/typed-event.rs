use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider, webhook_handler};

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned) {
    let _ = ev.channel.id;
}

fn main() {
    let verifier = TalkPlus::verifier(["key"]).unwrap();
    let _dispatcher = Dispatcher::new(verifier, ()).handler(on_member_banned);
}
