//! The attribute's arguments: `#[webhook_handler]`, `#[webhook_handler(event = "name")]`,
//! `#[webhook_handler(event = "name", provider = Path)]`, and `crate = "path"`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser as _;

use crate::errors::Errors;
use crate::known_events::KNOWN_EVENTS;

pub(crate) struct Args {
    /// Path to the runtime crate, from `crate = "..."`.
    pub(crate) krate: Option<syn::Path>,
    /// The event a handler of a type of its own takes, from `event = "..."`.
    pub(crate) event: Option<syn::LitStr>,
    /// The provider of that event, from `provider = Path`.
    pub(crate) provider: Option<syn::Path>,
}

const EXPECTED: &str =
    "expected `event = \"name\"`, `provider = Provider` or `crate = \"path::to::webhook_core\"`";

pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args {
        krate: None,
        event: None,
        provider: None,
    };
    let parser = syn::meta::parser(|meta| {
        let duplicate = |name: &str| meta.error(format!("duplicate `{name}` argument"));
        if meta.path.is_ident("crate") {
            let value: syn::LitStr = meta.value()?.parse()?;
            if args.krate.is_some() {
                return Err(duplicate("crate"));
            }
            args.krate = Some(value.parse()?);
        } else if meta.path.is_ident("event") {
            let value: syn::LitStr = meta.value()?.parse()?;
            if args.event.is_some() {
                return Err(duplicate("event"));
            }
            if value.value().trim().is_empty() {
                return Err(syn::Error::new(value.span(), "the event name is empty"));
            }
            args.event = Some(value);
        } else if meta.path.is_ident("provider") {
            let value: syn::Path = meta.value()?.parse()?;
            if args.provider.is_some() {
                return Err(duplicate("provider"));
            }
            args.provider = Some(value);
        } else {
            let path = &meta.path;
            let name = quote!(#path).to_string().replace(' ', "");
            return Err(meta.error(format!("unknown argument `{name}`; {EXPECTED}")));
        }
        Ok(())
    });
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
    }
    if let (Some(provider), None) = (&args.provider, &args.event) {
        errors.push(syn::Error::new_spanned(
            provider,
            "`provider` goes with `event = \"...\"`: a handler of a provider's own event type gets its provider from that type",
        ));
    }
    args
}

/// The path generated code uses for the runtime crate: the user's `crate = "..."`, else
/// the name `webhook-core` has in the user's `Cargo.toml` (renamed or not).
pub(crate) fn runtime_path(args: &Args) -> TokenStream {
    if let Some(path) = &args.krate {
        return quote!(#path);
    }
    match proc_macro_crate::crate_name("webhook-core") {
        Ok(proc_macro_crate::FoundCrate::Name(name)) => {
            let ident = syn::Ident::new(&name, Span::call_site());
            quote!(::#ident)
        }
        // `Itself` is webhook-core's own tests and doc tests, which are separate crates.
        Ok(proc_macro_crate::FoundCrate::Itself) | Err(_) => quote!(::webhook_core),
    }
}

/// The provider of a handler's `event = "..."`, as a path to generate.
///
/// A name one built-in provider sends gives that provider. A name close to one it sends
/// (a typo) is an error naming the closest. Any other name needs `provider = ...`: a new
/// event of the platform, or another provider's.
pub(crate) fn event_provider(
    args: &Args,
    krate: &TokenStream,
    errors: &mut Errors,
) -> Option<TokenStream> {
    let event = args.event.as_ref()?;
    let name = event.value();
    // Built-in providers the arguments allow: the one named, or all.
    let named = args
        .provider
        .as_ref()
        .and_then(|path| path.segments.last())
        .map(|segment| segment.ident.to_string());
    let candidates: Vec<_> = KNOWN_EVENTS
        .iter()
        .filter(|(provider, _, _)| named.as_deref().is_none_or(|named| named == *provider))
        .collect();
    if let Some((_, path, _)) = candidates
        .iter()
        .find(|(_, _, names)| names.contains(&name.as_str()))
    {
        return Some(match &args.provider {
            Some(provider) => quote!(#provider),
            None => {
                let path: syn::Path = syn::parse_str(path).ok()?;
                quote!(#krate::#path)
            }
        });
    }
    let closest = candidates
        .iter()
        .flat_map(|(provider, _, names)| names.iter().map(move |known| (*provider, *known)))
        .map(|(provider, known)| (distance(&name, known), provider, known))
        .min();
    if let Some((distance, provider, known)) = closest
        && distance <= typo_distance(&name, args.provider.is_some())
    {
        errors.push(syn::Error::new(
            event.span(),
            format!("`{name}` is not an event {provider} sends; did you mean `{known}`?"),
        ));
        return None;
    }
    match &args.provider {
        Some(provider) => Some(quote!(#provider)),
        None => {
            errors.push(syn::Error::new(
                event.span(),
                format!(
                    "`{name}` is not an event of TalkPlus or Amity that this crate knows; for a new event, name its provider: `provider = webhook_core::amity::Amity`"
                ),
            ));
            None
        }
    }
}

/// How far a name may be from a known one to count as its typo: two edits, more for a
/// long last part (`didCreate`, after the last `.` or `/`: the parts before it are shared
/// by many events, as in `push-notification/post.created` and `…/post.updated`). One edit
/// only when the provider is named, which says the name is meant as a new event.
fn typo_distance(name: &str, provider_named: bool) -> usize {
    if provider_named {
        return 1;
    }
    let last = name.rsplit(['.', '/']).next().unwrap_or(name);
    (last.chars().count() / 8).max(2)
}

/// The edit distance between two names (insertions, deletions, substitutions), case
/// counting as a difference.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, a) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, b) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(a != *b);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{distance, typo_distance};

    #[test]
    fn edit_distance() {
        assert_eq!(distance("v3.post.didCreate", "v3.post.didCreate"), 0);
        assert_eq!(distance("v3.post.didCreat", "v3.post.didCreate"), 1);
        assert_eq!(distance("member_baned", "member_banned"), 1);
        assert_eq!(distance("channel.didjoin", "channel.didJoin"), 1);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn new_events_that_share_a_long_prefix_are_not_typos() {
        // Three edits from `push-notification/post.created`, in a name of 30 characters.
        let new = "push-notification/post.updated";
        assert_eq!(distance(new, "push-notification/post.created"), 3);
        assert!(typo_distance(new, false) < 3);
        assert_eq!(typo_distance("member_baned", false), 2);
        assert_eq!(typo_distance("channel.didjoin", true), 1);
    }
}
