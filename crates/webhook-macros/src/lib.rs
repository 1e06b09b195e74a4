//! Procedural macros of the chat webhook framework. Use them through `webhook-core`.
