use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

struct Database;

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned, db: Database) {
    let _ = (ev, db);
}

fn main() {}
