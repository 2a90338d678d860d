//! Open string enums: the spec's known values plus an `Unknown(String)` variant.
//!
//! The real API adds enum values over time. typify's enums are closed, so a response carrying a
//! new value would fail to decode; these keep the value as sent, so the caller can see it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::codegen::docs;
use crate::spec::Spec;
use crate::validate::{enum_values, variant_name};

/// A string enum declared in `components/schemas`.
pub struct OpenEnum {
    pub name: String,
    pub doc: String,
    pub description: Option<String>,
    pub values: Vec<String>,
}

/// Every top-level string enum of the spec, in name order.
pub fn collect(spec: &Spec) -> Vec<OpenEnum> {
    let Some(components) = &spec.api.components else {
        return Vec::new();
    };
    let mut out: Vec<OpenEnum> = components
        .schemas
        .iter()
        .filter_map(|(name, schema)| {
            let schema = schema.as_item()?;
            let values = enum_values(schema)?;
            let data = &schema.schema_data;
            Some(OpenEnum {
                name: name.clone(),
                doc: docs::join([
                    data.description.as_deref(),
                    docs::example(data.example.as_ref()).as_deref(),
                ]),
                description: data.description.clone(),
                values: values.into_iter().map(str::to_owned).collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The Rust code of one open enum.
pub fn emit(e: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let name_str = &e.name;
    let doc = docs::attrs(&e.doc);
    let values = &e.values;
    let variants: Vec<_> = values
        .iter()
        .map(|v| format_ident!("{}", variant_name(v)))
        .collect();
    let variant_docs = values.iter().map(|v| docs::attrs(&format!("`{v}`")));
    let description = e
        .description
        .as_ref()
        .map(|d| quote! { "description": #d, });
    quote! {
        #doc
        ///
        /// Values the spec does not list decode to [`Self::Unknown`], keeping the value as sent.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #( #variant_docs #variants, )*
            /// A value this version of the spec does not list; the API adds values over time.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the spec lists, in the spec's order.
            pub const KNOWN: &'static [Self] = &[ #( Self::#variants ),* ];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #values, )*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether the spec lists this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #( #values => Self::#variants, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #( #values => Self::#variants, )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                ::std::string::String::deserialize(deserializer).map(Self::from)
            }
        }

        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name_str)
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    #description
                    "enum": [ #( #values ),* ],
                })
            }
        }
    }
}
