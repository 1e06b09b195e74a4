use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

#[webhook_handler]
async unsafe fn on_banned(ev: MemberBanned) {
    let _ = ev;
}

fn main() {}
