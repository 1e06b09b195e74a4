use webhook_core::webhook_handler;

#[derive(Clone, serde::Deserialize)]
struct PostCreated {}

#[webhook_handler(event = "v3.post.didCreate", event = "v3.post.didUpdate")]
async fn on_post(ev: PostCreated) {
    let _ = ev;
}

fn main() {}
