use webhook_core::webhook_handler;

#[webhook_handler(event = "v4.story.didCreate")]
async fn on_story(ev: serde_json::Value) {
    let _ = ev;
}

fn main() {}
