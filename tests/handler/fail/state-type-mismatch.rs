use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider, Shared, webhook_handler};

#[derive(Clone)]
struct Database;

#[derive(Clone)]
struct Cache;

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned, Shared(db): Shared<Database>) {
    let _ = (ev, db);
}

fn main() {
    let verifier = TalkPlus::verifier(["key"]).unwrap();
    let _dispatcher = Dispatcher::new(verifier, Cache).handler(on_member_banned);
}
