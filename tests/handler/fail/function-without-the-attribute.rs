use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider};

async fn on_member_banned(ev: MemberBanned) {
    let _ = ev;
}

fn main() {
    let verifier = TalkPlus::verifier(["key"]).unwrap();
    let _dispatcher = Dispatcher::new(verifier, ()).handler(on_member_banned);
}
