//! Every test that needs a real `redis-server`, in one binary so that a machine without
//! one hears about it once (see `support/outside.rs`).

#[macro_use]
#[path = "../support/store_contract.rs"]
mod contract;
#[path = "../support/outside.rs"]
mod outside;
#[macro_use]
#[path = "../support/dedup_semantics.rs"]
mod semantics;

mod dedup;
#[path = "../support/server_process.rs"]
mod server_process;
mod store;

mod outage;
mod processes;
mod readiness;
mod settle;

/// The entry point of the server processes `processes` starts (see `server_process.rs`).
#[test]
fn example_server_process() {
    server_process::run_if_child();
}
