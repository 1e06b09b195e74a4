use webhook_core::talkplus::MemberBanned;
use webhook_core::{DeliveryInfo, Shared, webhook_handler};

#[webhook_handler]
async fn on_member_banned(
    ev: MemberBanned,
    a: Shared<()>,
    b: DeliveryInfo,
    c: DeliveryInfo,
    d: DeliveryInfo,
    e: DeliveryInfo,
) {
    let _ = (ev, a, b, c, d, e);
}

fn main() {}
