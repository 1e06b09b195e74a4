use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

struct Moderation;

impl Moderation {
    #[webhook_handler]
    async fn on_member_banned(&self, ev: MemberBanned) {
        let _ = ev;
    }
}

fn main() {}
