//! The `#[webhook_handler]` attribute of the chat webhook framework.
//!
//! Use it through `webhook-core`, which re-exports it and whose docs show the whole flow.

mod args;
mod errors;
mod expand;
mod known_events;

use proc_macro::TokenStream;

/// Turns an `async fn` into a webhook handler: a registration value of the same name that
/// a `Dispatcher` registers (`.handler(on_member_banned)`), that carries its provider,
/// event and name, and that is still called like the function (`on_member_banned(ev)`).
/// Every mistake in the signature is reported at the offending tokens.
///
/// ```
/// # use hooks as webhook_core; // this crate's own doc tests see webhook-core as `hooks`
/// use webhook_core::talkplus::MemberBanned;
/// use webhook_core::{Shared, webhook_handler};
///
/// #[derive(Clone)]
/// struct Bans(std::sync::Arc<std::sync::Mutex<Vec<String>>>);
///
/// #[webhook_handler]
/// async fn on_member_banned(ev: MemberBanned, Shared(bans): Shared<Bans>) -> Result<(), String> {
///     let mut bans = bans.0.lock().map_err(|err| err.to_string())?;
///     bans.push(ev.channel.id);
///     Ok(())
/// }
/// ```
///
/// The first parameter is the event; its type decides which deliveries the handler gets
/// and of which provider. Further parameters are `Shared<T>` (the dispatcher's state) and
/// `DeliveryInfo`. The return type is `()` or `Result<(), E>` with `E: Display`.
///
/// Arguments:
/// - `event = "v3.post.didCreate"`: the handler takes a type of your own (`Deserialize +
///   Clone`) for that event. A name a built-in provider sends gives the provider; a name
///   close to one it sends is an error naming it; any other name needs
///   `provider = Path` (with it, only a name one edit from a known one is taken for a
///   typo, so that a new event named like a known one, `…/post.updated` beside
///   `…/post.created`, can be declared).
/// - `crate = "path"` names the runtime crate when it cannot be found in `Cargo.toml`
///   (re-exported through another crate, say).
///
/// The function may be written by a `macro_rules!` macro and keeps its visibility. Its
/// doc comments and `#[cfg]`s apply to the function as called and registered; its other
/// attributes (`#[tracing::instrument]`, `#[allow(...)]`) apply to its body. It cannot be
/// generic, `unsafe`, `extern`, `const` or a method, nor have a `#[cfg]` on one of its
/// parameters; each is refused with an error at that token.
#[proc_macro_attribute]
pub fn webhook_handler(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::webhook_handler(args.into(), input.into()).into()
}
