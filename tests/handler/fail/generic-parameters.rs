use webhook_core::webhook_handler;

#[webhook_handler]
async fn on_any<E: Send>(ev: E) {
    let _ = ev;
}

fn main() {}
