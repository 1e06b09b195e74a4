use std::rc::Rc;

use webhook_core::talkplus::MemberBanned;
use webhook_core::webhook_handler;

async fn save(_channel: &str) {}

#[webhook_handler]
async fn on_member_banned(ev: MemberBanned) {
    let channel = Rc::new(ev.channel.id);
    save(&channel).await;
}

fn main() {}
