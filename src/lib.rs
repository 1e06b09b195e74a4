//! Examples and cross-crate tests of the chat webhook framework.
//!
//! This package exists so that `examples/` and `tests/` can live at the top of the
//! workspace; the framework itself is in the `webhook-*` folders beside them. [`server`] is the example server's
//! app, kept here so the end-to-end tests exercise exactly what `cargo run --example
//! server` serves.

pub mod server;

/// The README's code blocks, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The guide's code blocks, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../docs/guide.md")]
struct GuideDoctests;
