use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

struct StoreDown;

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned) -> Result<(), StoreDown> {
    let _ = ev;
    Err(StoreDown)
}

fn main() {}
