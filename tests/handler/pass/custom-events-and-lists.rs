use webhook_core::amity::Amity;
use webhook_core::talkplus::{MemberBanned, MemberLeft, TalkPlus};
use webhook_core::{Dispatcher, Provider, handlers, webhook_handler};

#[derive(Clone, serde::Deserialize)]
struct PostCreated {
    #[allow(dead_code)]
    data: serde_json::Value,
}

#[webhook_handler(event = "v3.post.didCreate")]
async fn on_post(ev: PostCreated) {
    let _ = ev;
}

#[webhook_handler(event = "v4.story.didCreate", provider = Amity)]
async fn on_new_event(ev: serde_json::Value) {
    let _ = ev;
}

#[webhook_handler(event = "member_banned")]
pub(crate) async fn on_ban_as_value(ev: serde_json::Value) -> Result<(), String> {
    let _ = ev;
    Ok(())
}

#[webhook_handler]
async fn on_ban(ev: MemberBanned) {
    let _ = ev;
}

#[webhook_handler]
async fn on_leave(ev: MemberLeft) {
    let _ = ev;
}

fn main() {
    let _amity = Dispatcher::new(Amity::verifier(["secret"]).unwrap(), ())
        .handler(on_post)
        .handler(on_new_event);
    let _talkplus = Dispatcher::new(TalkPlus::verifier(["key"]).unwrap(), ())
        .handlers(handlers![on_ban, on_leave, on_ban_as_value]);
    // Still a function: called as written.
    let _future = on_ban(MemberBanned::default());
    let on_ban = "a local of the same name is fine";
    let _ = on_ban;
}
