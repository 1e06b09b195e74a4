//! Compile-time behaviour of `#[webhook_handler]`: every supported form compiles, every
//! mistake fails with the reviewed message in `tests/handler/fail/*.stderr`.
//! Regenerate with `TRYBUILD=overwrite cargo test --test handler_ui` and review the diff.

#[test]
fn handler_ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/handler/pass/*.rs");
    cases.compile_fail("tests/handler/fail/*.rs");
}
