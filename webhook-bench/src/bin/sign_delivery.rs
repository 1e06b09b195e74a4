//! Prints the `x-talkplus-signature` of a body file: `sign_delivery KEY FILE`.
//!
//! Used by `webhook-bench/load/run.sh` to sign the body `wrk` posts.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(key), Some(path), None) = (args.next(), args.next(), args.next()) else {
        return Err("usage: sign_delivery KEY FILE".into());
    };
    let body = std::fs::read(&path)?;
    println!(
        "{}",
        webhook_core::talkplus::SIGNATURE.sign(key.as_bytes(), &body)
    );
    Ok(())
}
