use webhook_core::webhook_handler;

#[webhook_handler]
async fn on_anything(ev: impl webhook_core::Event) {
    let _ = ev;
}

fn main() {}
