//! Examples and cross-crate tests of the chat webhook framework.
//!
//! This package exists so that `examples/` and `tests/` can live at the top of the
//! workspace; the framework itself is in `crates/`.
