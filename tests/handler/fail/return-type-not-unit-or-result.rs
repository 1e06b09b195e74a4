use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned) -> u32 {
    ev.users.len() as u32
}

fn main() {}
