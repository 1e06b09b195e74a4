use webhook_core::webhook_handler;

#[webhook_handler]
async fn on_member_banned() {}

fn main() {}
