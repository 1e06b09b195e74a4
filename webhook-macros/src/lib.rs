//! The `#[webhook_handler]` attribute of the chat webhook framework.
//!
//! Use it through `webhook-core`, which re-exports it and whose docs show the whole flow.

mod args;
mod errors;
mod expand;

use proc_macro::TokenStream;

/// Checks that an `async fn` is a valid webhook handler and reports every mistake at
/// the offending tokens, leaving the function itself unchanged (it stays an ordinary
/// function that unit tests can call).
///
/// ```
/// # use hooks as webhook_core; // this crate's own doc tests see webhook-core as `hooks`
/// use webhook_core::talkplus::MemberBanned;
/// use webhook_core::{State, webhook_handler};
///
/// #[derive(Clone)]
/// struct Bans(std::sync::Arc<std::sync::Mutex<Vec<String>>>);
///
/// #[webhook_handler]
/// async fn on_member_banned(ev: MemberBanned, State(bans): State<Bans>) -> Result<(), String> {
///     let mut bans = bans.0.lock().map_err(|err| err.to_string())?;
///     bans.push(ev.channel.id);
///     Ok(())
/// }
/// ```
///
/// The first parameter is the event; its type decides which deliveries the handler gets
/// and of which provider. Further parameters are `State<T>` and `DeliveryInfo`. The return
/// type is `()` or `Result<(), E>` with `E: Display`.
///
/// Argument: `crate = "path"` names the runtime crate when it cannot be found in
/// `Cargo.toml` (re-exported through another crate, say).
#[proc_macro_attribute]
pub fn webhook_handler(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::webhook_handler(args.into(), input.into()).into()
}
