//! Mounts chat webhook dispatchers into an axum server.
