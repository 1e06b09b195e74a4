use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

#[webhook_handler]
async fn on_banned(ev: MemberBanned)
where
    MemberBanned: Send,
{
    let _ = ev;
}

fn main() {}
