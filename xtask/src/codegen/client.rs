//! The client crate: progenitor's client, using the shared types crate for every schema.

use proc_macro2::TokenStream;

use crate::codegen::run_generator;
use crate::spec::{Diagnostic, Spec};

/// The Rust path of the shared types crate, as the client and server crates name it.
pub const TYPES_CRATE: &str = "apify_api_types";

/// The code of `crates/apify-api-client/src/generated.rs`.
pub fn generate(spec: &Spec) -> Result<TokenStream, Diagnostic> {
    let mut settings = progenitor::GenerationSettings::default();
    let enums = crate::codegen::enums::collect(spec);
    let names = spec.api.components.iter().flat_map(|c| c.schemas.keys());
    for name in names {
        let is_enum = enums.iter().any(|e| &e.name == name);
        let impls: &[progenitor::TypeImpl] = if is_enum {
            &[progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr]
        } else {
            &[]
        };
        settings.with_replacement(
            name,
            format!("{TYPES_CRATE}::{name}"),
            impls.iter().copied(),
        );
    }
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = run_generator("the client generator (progenitor)", || {
        generator.generate_tokens(&spec.api)
    })?;
    reexport_shared_types(tokens)
}

/// Puts the shared types into the client's `types` module, where progenitor users look for them
/// (`apify_api_client::types::WebhookDispatch`).
fn reexport_shared_types(tokens: TokenStream) -> Result<TokenStream, Diagnostic> {
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| {
        Diagnostic::new(
            "openapi.yaml",
            format!("progenitor produced invalid Rust: {e}"),
            "report this with the spec",
        )
    })?;
    let types_crate = quote::format_ident!("{TYPES_CRATE}");
    let types_mod = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    });
    let Some((_, items)) = types_mod else {
        return Err(Diagnostic::new(
            "openapi.yaml",
            "progenitor's output has no `types` module",
            "check the progenitor version",
        ));
    };
    items.insert(0, syn::parse_quote! { pub use ::#types_crate::*; });
    Ok(quote::ToTokens::into_token_stream(file))
}
