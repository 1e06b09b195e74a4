use webhook_core::amity::Amity;
use webhook_core::talkplus::MemberBanned;
use webhook_core::{Dispatcher, Provider, webhook_handler};

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned) {
    let _ = ev;
}

fn main() {
    let verifier = Amity::verifier(["secret"]).unwrap();
    let _dispatcher = Dispatcher::<Amity, ()>::new(verifier, ()).handler(on_member_banned);
}
