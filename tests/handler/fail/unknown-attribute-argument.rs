use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

#[webhook_handler(retries = 3)]
async fn on_member_banned(ev: MemberBanned) {
    let _ = ev;
}

fn main() {}
