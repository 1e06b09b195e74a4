use webhook_core::webhook_handler;

#[webhook_handler(retries = 3)]
fn on_any<E>(ev: E) {
    let _ = ev;
}

fn main() {}
