use webhook_core::webhook_handler;

#[derive(Clone, serde::Deserialize)]
struct PostCreated {}

#[webhook_handler(event = "v3.post.didCreat")]
async fn on_post(ev: PostCreated) {
    let _ = ev;
}

fn main() {}
