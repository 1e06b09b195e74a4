//! `#[webhook_handler(event = "...")]` checks names at compile time against its own copy of
//! each provider's list (a procedural macro cannot read the runtime crate's); this holds
//! the copy equal to `webhook-core`'s lists.

use std::collections::BTreeSet;

use webhook_core::Provider;
use webhook_core::amity::Amity;
use webhook_core::talkplus::TalkPlus;

#[path = "../webhook-macros/src/known_events.rs"]
mod known_events;

fn macro_list(provider: &str) -> BTreeSet<&'static str> {
    known_events::KNOWN_EVENTS
        .iter()
        .find(|(name, _, _)| *name == provider)
        .map(|(_, _, names)| names.iter().copied().collect())
        .unwrap_or_else(|| panic!("the macro knows no provider named {provider}"))
}

#[test]
fn the_macro_knows_every_talkplus_event_and_no_other() {
    let core: BTreeSet<_> = TalkPlus::EVENT_NAMES.iter().copied().collect();
    assert_eq!(macro_list("TalkPlus"), core);
}

#[test]
fn the_macro_knows_every_amity_event_and_no_other() {
    let core: BTreeSet<_> = Amity::EVENT_NAMES.iter().copied().collect();
    assert_eq!(macro_list("Amity"), core);
}

#[test]
fn the_macro_names_each_providers_type_by_its_real_path() {
    let paths: Vec<_> = known_events::KNOWN_EVENTS
        .iter()
        .map(|(name, path, _)| (*name, *path))
        .collect();
    // The macro writes `<crate>::<path>` and names the provider in its errors.
    assert_eq!(
        paths,
        [
            ("TalkPlus", "talkplus::TalkPlus"),
            ("Amity", "amity::Amity")
        ]
    );
    assert_eq!(TalkPlus::NAME, "talkplus");
    assert_eq!(Amity::NAME, "amity");
}
