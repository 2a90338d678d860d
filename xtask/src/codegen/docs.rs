//! Rustdoc text from the spec's descriptions and examples.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

/// Joins the non-empty parts into one doc text, separated by blank lines.
pub fn join<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    parts
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `Example: `value`` for a spec example: strings as written, anything else as JSON.
pub fn example(example: Option<&Value>) -> Option<String> {
    let text = match example? {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Some(format!("Example: `{}`", text.replace('`', "'")))
}

/// One `#[doc = " line"]` attribute a line, which rustfmt renders as `/// line`.
pub fn attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}
