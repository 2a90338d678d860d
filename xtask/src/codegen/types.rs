//! The shared types crate: every schema in `components/schemas`, generated once.
//!
//! Structs come from typify (through progenitor, so the client sees the same conversion of the
//! spec); string enums come from [`super::enums`] so they stay open to new values.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::quote;

use crate::codegen::{docs, enums, run_generator};
use crate::spec::{Diagnostic, Spec, ref_str};

/// The code of `crates/apify-api-types/src/generated.rs`.
pub fn generate(spec: &Spec) -> Result<TokenStream, Diagnostic> {
    let open_enums = enums::collect(spec);
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    for e in &open_enums {
        // Refer to the open enum emitted beside the structs instead of letting typify close it.
        let impls = [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr];
        settings.with_replacement(&e.name, &e.name, impls.into_iter());
    }
    let documented = with_field_docs(&spec.api);
    let mut generator = progenitor::Generator::new(&settings);
    run_generator("the types generator (typify)", || {
        generator.generate_tokens(&documented).map(drop)
    })?;
    let structs = generator.get_type_space().to_stream();
    let enum_code = open_enums.iter().map(enums::emit);
    let names: Vec<&String> = spec
        .api
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .collect();
    let idents = names.iter().map(|n| quote::format_ident!("{n}"));
    Ok(quote! {
        /// The JSON Schema of every type generated from the spec's `components/schemas`, by
        /// schema name, in the spec's order.
        pub fn json_schemas() -> ::std::vec::Vec<(&'static str, ::schemars::Schema)> {
            ::std::vec![ #( (#names, ::schemars::schema_for!(#idents)) ),* ]
        }

        #( #enum_code )*
        #structs
    })
}

/// A copy of the spec whose schemas carry their examples, and whose `$ref` fields carry the
/// referenced schema's description, so that every generated type and field has documentation.
fn with_field_docs(api: &OpenAPI) -> OpenAPI {
    let mut api = api.clone();
    let Some(components) = api.components.as_mut() else {
        return api;
    };
    let originals = components.schemas.clone();
    let describe = |reference: &str| -> Option<String> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        let data = &originals.get(name)?.as_item()?.schema_data;
        Some(docs::join([
            data.description.as_deref(),
            docs::example(data.example.as_ref()).as_deref(),
        ]))
    };
    for (name, schema) in components.schemas.iter_mut() {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        if schema.schema_data.description.is_none() {
            // The crates deny missing docs; `cargo xtask lint` asks for a real description.
            schema.schema_data.description = Some(format!("The `{name}` schema of the API."));
        }
        add_example(&mut schema.schema_data);
        let SchemaKind::Type(Type::Object(object)) = &mut schema.schema_kind else {
            continue;
        };
        for (field, property) in object.properties.iter_mut() {
            match property {
                ReferenceOr::Reference { reference } => {
                    let description =
                        describe(reference).unwrap_or_else(|| format!("The `{field}` field."));
                    *property = ReferenceOr::Item(Box::new(Schema {
                        schema_data: SchemaData {
                            description: Some(description),
                            ..Default::default()
                        },
                        schema_kind: SchemaKind::AllOf {
                            all_of: vec![ReferenceOr::Reference {
                                reference: reference.clone(),
                            }],
                        },
                    }));
                }
                ReferenceOr::Item(inner) => {
                    add_example(&mut inner.schema_data);
                    if inner.schema_data.description.is_none() {
                        inner.schema_data.description = Some(match &inner.schema_kind {
                            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                                ref_str(&all_of[0])
                                    .and_then(describe)
                                    .unwrap_or_else(|| format!("The `{field}` field."))
                            }
                            SchemaKind::Type(Type::Array(array)) => {
                                let item =
                                    array.items.as_ref().and_then(ref_str).and_then(describe);
                                match item {
                                    Some(item) => format!("A list, each item: {item}"),
                                    None => format!("The `{field}` list."),
                                }
                            }
                            _ => format!("The `{field}` field."),
                        });
                    }
                }
            }
        }
    }
    api
}

fn add_example(data: &mut SchemaData) {
    if let Some(example) = docs::example(data.example.as_ref()) {
        data.description = Some(docs::join([
            data.description.as_deref(),
            Some(example.as_str()),
        ]));
    }
}
