use std::fmt;

use webhook_core::talkplus::{MemberBanned, TalkPlus};
use webhook_core::{Dispatcher, Provider, webhook_handler};

#[derive(Debug)]
struct AppError;

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("app error")
    }
}

#[webhook_handler]
async fn with_own_error(_ev: MemberBanned) -> Result<(), AppError> {
    Ok(())
}

#[webhook_handler]
async fn with_io_result(_ev: MemberBanned) -> std::io::Result<()> {
    Ok(())
}

#[webhook_handler]
async fn with_boxed_error(_ev: MemberBanned) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    Ok(())
}

#[webhook_handler]
async fn with_explicit_unit(_ev: MemberBanned) -> () {}

fn main() {
    let verifier = TalkPlus::verifier(["key"]).unwrap();
    let _dispatcher = Dispatcher::new(verifier, ())
        .handler(with_own_error)
        .handler(with_io_result)
        .handler(with_boxed_error)
        .handler(with_explicit_unit);
}
