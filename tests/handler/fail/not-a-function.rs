use webhook_core::webhook_handler;

#[webhook_handler]
struct OnMemberBanned;

fn main() {}
