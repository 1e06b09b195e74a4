use webhook_core::amity::Amity;
use webhook_core::talkplus::TalkPlus;
use webhook_core::{Dispatcher, Provider};

fn talkplus_dispatcher(secret: &str) -> Dispatcher<TalkPlus> {
    Dispatcher::new(Amity::verifier([secret]).unwrap(), ())
}

fn main() {
    let _ = talkplus_dispatcher("secret");
}
