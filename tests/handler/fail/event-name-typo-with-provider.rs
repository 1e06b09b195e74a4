use webhook_core::webhook_handler;

#[webhook_handler(event = "channel.didjoin", provider = webhook_core::amity::Amity)]
async fn on_join(ev: serde_json::Value) {
    let _ = ev;
}

fn main() {}
