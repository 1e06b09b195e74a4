use webhook_core::webhook_handler;

#[derive(Clone)]
struct PostCreated {
    title: String,
}

#[webhook_handler(event = "v3.post.didCreate")]
async fn on_post(ev: PostCreated) {
    let _ = ev.title;
}

fn main() {}
