//! Validation and expansion of `#[webhook_handler]`.
//!
//! For `async fn on_member_banned(ev: MemberBanned, ...) -> R` the expansion is:
//!
//! - a hidden type `on_member_banned` describing the handler (`HandlerFn`: its event,
//!   provider, name, and how to run it), with the function's body as its associated
//!   `async fn`, and the trait impls that say which dispatchers take it;
//! - the function itself, same name, same parameters, returning
//!   `WebhookHandler<on_member_banned, impl Future<Output = R>>`: awaited as before, and
//!   registrable by a dispatcher (`.handler(on_member_banned)`);
//! - an entry in `webhook_core::handler::LINKED`, so `Dispatcher::linked_handlers` finds
//!   it.
//!
//! Every use of a user's type is spanned on that type, so a mistake is reported under it.
//! When the signature cannot be a handler at all, the function is emitted unchanged with
//! the errors, so calls of it still type-check; registering it fails too, with a note
//! that points back at the attribute's errors.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ext::IdentExt as _;
use syn::spanned::Spanned as _;
use syn::{Attribute, FnArg, ItemFn, ReturnType, Type};

use crate::args::{self, Args};
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

    let krate = args::runtime_path(&args);
    let provider = args::event_provider(&args, &krate, &mut errors);
    let signature = check_signature(&function, &mut errors);
    match signature {
        Some(signature) if errors.is_empty() => {
            expand(&function, &signature, &args, provider.as_ref(), &krate)
        }
        _ => {
            // Keep the function as written, so nothing else fails because of it.
            let errors = errors.into_compile_errors();
            quote!(#function #errors)
        }
    }
}

/// The event plus at most four extractors.
const MAX_PARAMETERS: usize = 5;

/// The types of a valid signature.
struct Signature<'a> {
    event: &'a Type,
    extractors: Vec<&'a Type>,
    returns: Option<&'a Type>,
}

/// Reports every mistake the syntax shows; `None` when the signature cannot be expanded.
fn check_signature<'a>(function: &'a ItemFn, errors: &mut Errors) -> Option<Signature<'a>> {
    let sig = &function.sig;
    let mut valid = true;
    if sig.asyncness.is_none() {
        errors.push_spanned(
            sig.fn_token,
            "a webhook handler must be an `async fn`: write `async fn` here",
        );
        valid = false;
    }
    if let Some(receiver) = sig.receiver() {
        errors.push_spanned(
            receiver,
            "a webhook handler cannot take `self`: write it as a free `async fn` and pass shared data with `Shared<T>`",
        );
        valid = false;
    }
    if sig.inputs.is_empty() {
        errors.push(syn::Error::new(
            sig.paren_token.span.join(),
            "a webhook handler takes its event as the first parameter, e.g. `ev: talkplus::MemberBanned`",
        ));
        valid = false;
    }
    if let Some(variadic) = &sig.variadic {
        errors.push_spanned(variadic, "a webhook handler cannot be variadic");
        valid = false;
    }
    if let Some(extra) = sig.inputs.iter().nth(MAX_PARAMETERS) {
        errors.push_spanned(
            extra,
            "a webhook handler takes at most 4 parameters after the event (`Shared<T>`, `DeliveryInfo`)",
        );
        valid = false;
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        let message =
            "a webhook handler cannot be generic: the dispatcher routes by the concrete event type";
        // Generics print nothing without parameters, so a lone `where` is spanned itself.
        match &sig.generics.where_clause {
            Some(where_clause) if sig.generics.params.is_empty() => {
                errors.push_spanned(where_clause, message);
            }
            _ => errors.push_spanned(&sig.generics, message),
        }
        valid = false;
    }
    if let Some(constness) = &sig.constness {
        errors.push_spanned(constness, "a webhook handler cannot be `const`");
        valid = false;
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.push_spanned(
            unsafety,
            "a webhook handler cannot be `unsafe`: the dispatcher calls it with no safety contract to uphold; use `unsafe` blocks inside it",
        );
        valid = false;
    }
    if let Some(abi) = &sig.abi {
        errors.push_spanned(abi, "a webhook handler cannot be `extern`");
        valid = false;
    }
    let mut types = Vec::new();
    for input in &sig.inputs {
        if let FnArg::Typed(typed) = input {
            for attr in &typed.attrs {
                if attr.path().is_ident("cfg") {
                    errors.push_spanned(
                        attr,
                        "a webhook handler's parameters cannot be conditional: the dispatcher passes each one; put the `#[cfg]` on the whole function, or read the value inside it",
                    );
                    valid = false;
                }
            }
            if let Type::ImplTrait(_) = *typed.ty {
                errors.push_spanned(
                    &typed.ty,
                    "a webhook handler cannot take `impl Trait`: name the concrete event or parameter type",
                );
                valid = false;
            }
            types.push(&*typed.ty);
        }
    }
    let returns = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => {
            if let Type::ImplTrait(_) = **ty {
                errors.push_spanned(
                    ty,
                    "a webhook handler returns `()` or `Result<(), E>`, not `impl Trait`",
                );
                valid = false;
            }
            Some(&**ty)
        }
    };
    let mut types = types.into_iter();
    let event = types.next()?;
    valid.then(|| Signature {
        event,
        extractors: types.collect(),
        returns,
    })
}

fn expand(
    function: &ItemFn,
    signature: &Signature<'_>,
    args: &Args,
    provider: Option<&TokenStream>,
    krate: &TokenStream,
) -> TokenStream {
    let name = &function.sig.ident;
    let vis = &function.vis;
    let (docs, cfgs, others) = split_attributes(&function.attrs);
    let inputs = &function.sig.inputs;
    let output = &function.sig.output;
    let block = &function.block;
    let event_ty = signature.event;
    let marker = marker_name(name);
    // The runtime crate's path, spanned on the event's type like what is built from it.
    let krate_at_event = respan(krate, event_ty.span());
    let returns = signature
        .returns
        .map_or_else(|| quote!(()), |ty| quote!(#ty));

    // The event the dispatcher routes: the parameter's own type, or, with `event = "..."`,
    // the parameter's type read as that event.
    let (routed_event, custom_name) = match (&args.event, provider) {
        (Some(event), Some(provider)) => (
            quote_spanned! {event_ty.span()=> #krate_at_event::Custom<#event_ty, #name::#marker> },
            Some(quote! {
                #(#cfgs)*
                impl #krate::event::CustomEventName for #name::#marker {
                    type Provider = #provider;
                    const NAME: &'static str = #event;
                }
            }),
        ),
        _ => (quote!(#event_ty), None),
    };
    // Named once, spanned on the user's type: a first parameter that is not an event is
    // reported there, once, and everything built on it inherits the error quietly.
    let provider_of = match (&args.event, provider) {
        (Some(_), Some(provider)) => quote!(#provider),
        _ => quote_spanned! {event_ty.span()=> <#event_ty as #krate_at_event::Event>::Provider },
    };
    // A custom event names its provider already; a typed one is wrapped to name it, so
    // that a first parameter that is no event is reported once, where it is written.
    let parsed_event = if custom_name.is_some() {
        routed_event.clone()
    } else {
        quote_spanned! {event_ty.span()=>
            #krate_at_event::handler::Parsed<#routed_event, #provider_of>
        }
    };
    let marker_provider = quote_spanned! {event_ty.span()=>
        <<#name::#marker as #krate_at_event::handler::HandlerFn>::Event as #krate_at_event::Event>::Provider
    };
    // A custom event names its provider outright: nothing to infer, nothing to fail twice.
    let handler_provider = if custom_name.is_some() {
        provider_of.clone()
    } else {
        marker_provider.clone()
    };

    // A custom event type that cannot be read from a body is reported once, by the first
    // use of the impl, with `CustomEvent`'s message. As a plain bound on a concrete type
    // it would be checked at the impl too (a second error); the binder defers the check,
    // and naming its lifetime (`'static` already holds) keeps `unused_lifetimes` quiet.
    let custom_bound = custom_name.is_some().then(|| {
        quote_spanned! {event_ty.span()=>
            where for<'__webhook> #event_ty: #krate_at_event::event::CustomEvent + '__webhook
        }
    });

    let all_types: Vec<&Type> = std::iter::once(event_ty)
        .chain(signature.extractors.iter().copied())
        .collect();
    // The expansion's own variables, each written with one span wherever it appears, so
    // that they resolve the same inside a `macro_rules!` whose tokens carry several.
    let local = |name: String| syn::Ident::new(&name, proc_macro2::Span::mixed_site());
    let (state, info) = (local("state".to_owned()), local("info".to_owned()));
    let arguments: Vec<_> = (0..all_types.len())
        .map(|index| local(format!("__webhook_arg{index}")))
        .collect();
    let extracted: Vec<_> = signature
        .extractors
        .iter()
        .zip(&arguments[1..])
        .map(|(ty, argument)| {
            let extract = quote_spanned! {ty.span()=>
                <#ty as #krate::handler::Extractor>::extract
            };
            quote!(let #argument = #extract(#state, #info)?;)
        })
        .collect();
    let state_types = signature.extractors.iter().map(|ty| {
        let read = quote_spanned! {ty.span()=> <#ty as #krate::handler::Extractor>::state_type() };
        quote! {
            if #state.is_none() {
                #state = #read;
            }
        }
    });
    let fits_state = signature.extractors.iter().map(|ty| {
        quote_spanned! {ty.span()=> #ty: #krate::handler::FromDelivery<__WebhookState> }
    });
    let extractor_args = &arguments[1..];
    let event_argument = &arguments[0];
    let into_result = match signature.returns {
        Some(ty) => quote_spanned! {ty.span()=>
            <#ty as #krate::handler::HandlerReturn>::into_result
        },
        None => quote!(<() as #krate::handler::HandlerReturn>::into_result),
    };
    let call = quote_spanned! {name.span()=>
        #krate::handler::handler_futures_must_be_send(
            #name::#marker::#name(#event_argument.event, #(#extractor_args),*),
            #into_result,
        )
    };
    let name_text = name.unraw().to_string();
    let inner_vis = inner_visibility(vis);
    // Without extractors the delivery's state and facts go unread; say so, or the
    // warning would land on the user's event type.
    let unused_inputs = signature
        .extractors
        .is_empty()
        .then(|| quote!(let _ = (#state, #info);));
    let state_variable = if signature.extractors.is_empty() {
        quote!(let #state = ::core::option::Option::None;)
    } else {
        quote!(let mut #state = ::core::option::Option::None;)
    };

    // Spanned on the event's type: should that type not be an event, every error these
    // items raise lands there, the same one, and is shown once.
    let described = quote_spanned! {event_ty.span()=>
        #(#cfgs)*
        impl #krate_at_event::handler::HandlerFn for #name::#marker #custom_bound {
            type Event = #parsed_event;
            const NAME: &'static str = #name_text;
            const PATH: &'static str = ::core::concat!(::core::module_path!(), "::", #name_text);

            fn state_type() -> ::core::option::Option<(::core::any::TypeId, &'static str)> {
                #state_variable
                #(#state_types)*
                #state
            }

            fn run(
                #event_argument: Self::Event,
                #state: &(dyn ::core::any::Any + ::core::marker::Send + ::core::marker::Sync),
                #info: &#krate_at_event::handler::DeliverySource<'_>,
            ) -> ::core::option::Option<#krate_at_event::handler::HandlerFuture> {
                #unused_inputs
                #(#extracted)*
                ::core::option::Option::Some(#call)
            }
        }

        #(#cfgs)*
        impl #krate_at_event::handler::HandlerOf<#handler_provider> for #name::#marker {}

        #(#cfgs)*
        impl<__WebhookState> #krate_at_event::handler::RunsWith<__WebhookState> for #name::#marker
        where
            #(#fits_state,)*
        {}

    };

    // The function's parameters keep the names written (docs show them), or get one of
    // the expansion's own where a pattern was written, or a name a lint could fault in
    // the wrapper, which no `allow` on the function reaches (`_ev`, which the wrapper
    // uses; `Ev`, not snake case).
    let parameters: Vec<syn::Ident> = inputs
        .iter()
        .zip(&arguments)
        .map(|(input, argument)| match input {
            FnArg::Typed(typed) => match &*typed.pat {
                syn::Pat::Ident(pat)
                    if pat.by_ref.is_none()
                        && pat.subpat.is_none()
                        && plain_snake_case(&pat.ident.unraw().to_string()) =>
                {
                    pat.ident.clone()
                }
                _ => argument.clone(),
            },
            FnArg::Receiver(_) => argument.clone(),
        })
        .collect();

    quote! {
        #(#cfgs)*
        #[doc(hidden)]
        #vis mod #name {
            /// What `#[webhook_handler]` knows of the function.
            #inner_vis struct #marker {}
        }

        #(#cfgs)*
        impl #name::#marker {
            #(#others)*
            async fn #name(#inputs) #output #block
        }

        #described
        #custom_name

        #(#cfgs)*
        #(#docs)*
        #vis fn #name(#(#parameters: #all_types),*) -> #krate::handler::WebhookHandler<#name::#marker, impl ::core::future::Future<Output = #returns>> {
            #krate::handler::WebhookHandler::new(#name::#marker::#name(#(#parameters),*))
        }

        #(#cfgs)*
        const _: () = {
            #[#krate::__private::linkme::distributed_slice(#krate::handler::LINKED)]
            #[linkme(crate = #krate::__private::linkme)]
            static LINKED_HANDLER: &'static dyn #krate::handler::Linked =
                &#krate::handler::Registration::<#marker_provider, #name::#marker>::new();
        };
    }
}

/// `tokens` with every span set to `span`.
fn respan(tokens: &TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let mut respanned =
                    proc_macro2::Group::new(group.delimiter(), respan(&group.stream(), span));
                respanned.set_span(span);
                return proc_macro2::TokenTree::Group(respanned);
            }
            token.set_span(span);
            token
        })
        .collect()
}

/// The name of the type describing handler `name`: `on_member_banned` gives
/// `OnMemberBanned`, which is how errors name the handler.
fn marker_name(name: &syn::Ident) -> syn::Ident {
    let text = name.unraw().to_string();
    let camel: String = text
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect()
            })
        })
        .collect();
    // A type name starts with a letter (`_2fa_enabled` gives `Handler2faEnabled`) and is
    // not a keyword (`self_` gives `HandlerSelf`).
    let camel = if camel.starts_with(|first: char| first.is_alphabetic()) && camel != "Self" {
        camel
    } else {
        format!("Handler{camel}")
    };
    syn::Ident::new(&camel, name.span())
}

/// Whether `name` is snake case that no lint faults when it is used: lower-case letters,
/// digits and inner underscores.
fn plain_snake_case(name: &str) -> bool {
    name.starts_with(|first: char| first.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The visibility, inside the module named after the function, that equals the
/// function's own visibility outside it.
fn inner_visibility(vis: &syn::Visibility) -> TokenStream {
    match vis {
        syn::Visibility::Public(_) => quote!(pub),
        syn::Visibility::Inherited => quote!(pub(super)),
        syn::Visibility::Restricted(restricted) => {
            let path = &restricted.path;
            let first = path
                .segments
                .first()
                .map(|segment| segment.ident.to_string());
            match first.as_deref() {
                Some("crate") => quote!(pub(in #path)),
                Some("self") if path.segments.len() == 1 => quote!(pub(super)),
                Some("self") => {
                    let rest = path.segments.iter().skip(1);
                    quote!(pub(in super #(::#rest)*))
                }
                _ => quote!(pub(in super::#path)),
            }
        }
    }
}

/// The function's attributes: docs (for the registration value), `cfg`s (for every item),
/// and the rest (for the function).
fn split_attributes(attrs: &[Attribute]) -> (Vec<&Attribute>, Vec<&Attribute>, Vec<&Attribute>) {
    let mut docs = Vec::new();
    let mut cfgs = Vec::new();
    let mut others = Vec::new();
    for attr in attrs {
        if attr.path().is_ident("doc") {
            docs.push(attr);
        } else if attr.path().is_ident("cfg") {
            cfgs.push(attr);
        } else {
            others.push(attr);
        }
    }
    (docs, cfgs, others)
}
