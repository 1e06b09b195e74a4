//! The attribute's arguments: `#[webhook_handler]` or `#[webhook_handler(crate = "path")]`.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser as _;

use crate::errors::Errors;

pub(crate) struct Args {
    /// Path to the runtime crate, from `crate = "..."`.
    pub(crate) krate: Option<syn::Path>,
}

pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Args {
    let mut args = Args { krate: None };
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("crate") {
            let value: syn::LitStr = meta.value()?.parse()?;
            if args.krate.is_some() {
                return Err(meta.error("duplicate `crate` argument"));
            }
            args.krate = Some(value.parse()?);
            Ok(())
        } else {
            let path = &meta.path;
            let name = quote!(#path).to_string().replace(' ', "");
            Err(meta.error(format!(
                "unknown argument `{name}`; expected `crate = \"path::to::webhook_core\"` or no argument"
            )))
        }
    });
    if let Err(error) = parser.parse2(tokens) {
        errors.push(error);
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
