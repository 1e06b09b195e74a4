//! Validation and expansion of `#[webhook_handler]`.
//!
//! The function is always emitted unchanged, so IDEs and other code keep working even
//! when the attribute reports errors. The expansion adds, in an anonymous `const`, calls
//! whose trait bounds check each type; they are spanned on the user's own tokens so a
//! mistake is reported under the type that causes it.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{FnArg, ItemFn, ReturnType};

use crate::args;
use crate::errors::Errors;

pub(crate) fn webhook_handler(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let args = args::parse(args, &mut errors);
    let function: ItemFn = match syn::parse2(input.clone()) {
        Ok(function) => function,
        Err(_) => {
            errors.push_spanned(
                &input,
                "#[webhook_handler] goes on an `async fn` whose first parameter is an event",
            );
            let errors = errors.into_compile_errors();
            return quote!(#input #errors);
        }
    };

    let checks = check_signature(&function, &mut errors);
    let type_checks =
        checks.map(|checks| type_checks(&function, &checks, &args::runtime_path(&args)));
    let errors = errors.into_compile_errors();
    quote! {
        #function
        #type_checks
        #errors
    }
}

/// The event plus at most four extractors: what `IntoHandler` is implemented for.
const MAX_PARAMETERS: usize = 5;

/// What the signature allows checking by type.
struct Checkable {
    /// The function is async and can be called with its parameters.
    callable: bool,
}

/// Reports every syntactic mistake. Returns `None` when type checks would only repeat
/// the errors (generic functions, whose types cannot be named outside them).
fn check_signature(function: &ItemFn, errors: &mut Errors) -> Option<Checkable> {
    let sig = &function.sig;
    let mut callable = true;
    if sig.asyncness.is_none() {
        errors.push_spanned(
            sig.fn_token,
            "a webhook handler must be an `async fn`: write `async fn` here",
        );
        callable = false;
    }
    // A method sits in an `impl` block, where the checks' anonymous `const` cannot go.
    let method = sig.receiver().is_some();
    if let Some(receiver) = sig.receiver() {
        errors.push_spanned(
            receiver,
            "a webhook handler cannot take `self`: write it as a free `async fn` and pass shared data with `State<T>`",
        );
    }
    if sig.inputs.is_empty() {
        errors.push(syn::Error::new(
            sig.paren_token.span.join(),
            "a webhook handler takes its event as the first parameter, e.g. `ev: talkplus::MemberBanned`",
        ));
        callable = false;
    }
    if let Some(variadic) = &sig.variadic {
        errors.push_spanned(variadic, "a webhook handler cannot be variadic");
        callable = false;
    }
    if let Some(extra) = sig.inputs.iter().nth(MAX_PARAMETERS) {
        errors.push_spanned(
            extra,
            "a webhook handler takes at most 4 parameters after the event (`State<T>`, `DeliveryInfo`)",
        );
        callable = false;
    }
    let generic = !sig.generics.params.is_empty() || sig.generics.where_clause.is_some();
    if generic {
        errors.push_spanned(
            &sig.generics,
            "a webhook handler cannot be generic: the dispatcher routes by the concrete event type",
        );
    }
    for input in &sig.inputs {
        if let FnArg::Typed(typed) = input
            && let syn::Type::ImplTrait(_) = *typed.ty
        {
            errors.push_spanned(
                &typed.ty,
                "a webhook handler cannot take `impl Trait`: name the concrete event or extractor type",
            );
            return None;
        }
    }
    (!generic && !method).then_some(Checkable { callable })
}

fn type_checks(function: &ItemFn, checks: &Checkable, krate: &TokenStream) -> TokenStream {
    let sig = &function.sig;
    let name = &sig.ident;
    let private = quote!(#krate::__private);
    let mut typed = sig.inputs.iter().filter_map(|input| match input {
        FnArg::Typed(typed) => Some(&typed.ty),
        FnArg::Receiver(_) => None,
    });
    let event = typed.next().map(|ty| {
        quote_spanned! {ty.span()=> #private::assert_event::<#ty>(); }
    });
    let extractors = typed.map(|ty| {
        quote_spanned! {ty.span()=> #private::assert_extractor::<#ty>(); }
    });
    let returns = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => {
            Some(quote_spanned! {ty.span()=> #private::assert_return::<#ty>(); })
        }
    };
    let future_is_send = checks.callable.then(|| {
        quote_spanned! {name.span()=> #private::assert_send_future(#name); }
    });
    // The function is referenced, so no lint needs silencing: the expansion stays
    // clean even where the user forbids lints.
    quote! {
        const _: fn() = {
            fn __webhook_handler_checks() {
                #event
                #(#extractors)*
                #returns
                #future_is_send
            }
            __webhook_handler_checks
        };
    }
}
