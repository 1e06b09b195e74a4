//! Every test that needs a real `redis-server`, in one binary so that a machine without
//! one hears about it once (see `support/outside.rs`).

#[path = "../support/outside.rs"]
mod outside;
#[path = "../support/dedup_semantics.rs"]
mod semantics;

mod dedup;
