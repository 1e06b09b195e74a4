//! Compile-time behaviour of `#[webhook_handler]`: every supported form compiles, every
//! mistake fails with the reviewed message in `tests/handler/fail/*.stderr`.
//! Regenerate with `TRYBUILD=overwrite cargo test --test handler_ui` and review the diff.

use std::fs;

#[test]
fn handler_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/handler/pass/*.rs");
    cases.compile_fail("tests/handler/fail/*.rs");
}

/// Names a user never writes and the docs never teach: an error that shows one speaks of
/// our internals instead of the user's mistake.
const INTERNAL_NAMES: &[&str] = &[
    "__private",
    "__webhook",
    "define_events",
    "linkme",
    "Parsed<",
    "HandlerEvent",
    "ProviderEvent",
    "EventOf",
    "IntoHandler",
    "LINKED",
];

#[test]
fn compile_errors_speak_of_the_users_code_not_our_internals() {
    let mut checked = 0;
    for entry in fs::read_dir("tests/handler/fail").expect("the compile-fail cases") {
        let path = entry.expect("a directory entry").path();
        if path
            .extension()
            .is_none_or(|extension| extension != "stderr")
        {
            continue;
        }
        let text = fs::read_to_string(&path).expect("a readable .stderr");
        for name in INTERNAL_NAMES {
            assert!(
                !text.contains(name),
                "{} shows the internal name `{name}`",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} .stderr files were found");
}
