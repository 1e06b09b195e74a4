use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider, webhook_handler};

#[webhook_handler]
async fn on_member_banned(MemberBanned { channel, users, .. }: MemberBanned) {
    let _ = (channel.id, users.len());
}

fn main() {
    let verifier = TalkPlus::verifier(["key"]).unwrap();
    let _dispatcher = Dispatcher::new(verifier, ()).handler(on_member_banned);
}
