use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

#[webhook_handler]
fn on_member_banned(ev: MemberBanned) {
    let _ = ev;
}

fn main() {}
