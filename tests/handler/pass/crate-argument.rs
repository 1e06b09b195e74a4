use webhook_core::talkplus::MemberBanned;

mod reexported {
    pub use webhook_core as hooks;
}

#[webhook_core::webhook_handler(crate = "reexported::hooks")]
async fn on_member_banned(ev: MemberBanned) {
    let _ = ev;
}

fn main() {}
