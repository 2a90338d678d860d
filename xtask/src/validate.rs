//! The rules a spec must pass before code is generated from it.
//!
//! Each rule exists because a generator would otherwise panic, silently mistype a value, or
//! produce a client and a server that disagree. Every finding names the JSON pointer of the
//! offending part and how to fix it.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::spec::{Diagnostic, Spec, pointer};

/// Runs every rule; an empty result means the spec can be generated from.
pub fn validate(spec: &Spec) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_refs(&spec.raw, &spec.raw, &mut Vec::new(), &mut found);
    check_operations(spec, &mut found);
    check_schemas(spec, &mut found);
    found
}

/// Every `$ref` is local, resolves, and stands alone (OpenAPI 3.0 ignores keys beside it).
fn check_refs(root: &Value, node: &Value, at: &mut Vec<String>, found: &mut Vec<Diagnostic>) {
    match node {
        Value::Object(map) => {
            if let Some(target) = map.get("$ref") {
                let here = pointer(at.iter());
                match target.as_str() {
                    Some(t) if t.starts_with("#/") => {
                        if root.pointer(&t[1..]).is_none() {
                            found.push(Diagnostic::new(
                                here.clone(),
                                format!("`$ref: '{t}'` points at nothing"),
                                "fix the name or add the missing component",
                            ));
                        }
                    }
                    Some(t) => found.push(Diagnostic::new(
                        here.clone(),
                        format!("`$ref: '{t}'` is not a reference into this document"),
                        "copy the referenced part into `components` and use `#/components/...`",
                    )),
                    None => found.push(Diagnostic::new(
                        here.clone(),
                        "`$ref` must be a string",
                        "write `$ref: '#/components/schemas/Name'`",
                    )),
                }
                let siblings: Vec<&str> = map
                    .keys()
                    .map(String::as_str)
                    .filter(|k| *k != "$ref")
                    .collect();
                if !siblings.is_empty() {
                    found.push(Diagnostic::new(
                        here,
                        format!("keys beside `$ref` are ignored in OpenAPI 3.0: {}", siblings.join(", ")),
                        "wrap the reference: `allOf: [{$ref: ...}]` with `nullable: true` or `description:` beside `allOf`",
                    ));
                }
            }
            for (k, v) in map {
                // Examples are data, not schema: a `$ref` key inside one is just a value.
                let in_properties = at.last().is_some_and(|p| p == "properties");
                if !in_properties && (k == "example" || k == "value") {
                    continue;
                }
                at.push(k.clone());
                check_refs(root, v, at, found);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                check_refs(root, v, at, found);
                at.pop();
            }
        }
        _ => {}
    }
}

fn check_operations(spec: &Spec, found: &mut Vec<Diagnostic>) {
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in spec.api.paths.paths.iter() {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                found.push(Diagnostic::new(
                    pointer(["paths", path]),
                    "path items given by `$ref` are not supported",
                    "write the path item in place",
                ));
                continue;
            }
        };
        if !item.parameters.is_empty() {
            found.push(Diagnostic::new(
                pointer(["paths", path, "parameters"]),
                "parameters shared by a whole path item are not supported",
                "move them into each operation's `parameters`",
            ));
        }
        for (method, op) in item.iter() {
            let here = pointer(["paths", path, method]);
            match op.operation_id.as_deref() {
                None | Some("") => found.push(Diagnostic::new(
                    here.clone(),
                    format!("`{} {path}` has no operationId", method.to_uppercase()),
                    "add `operationId: snake_case_name`; it names the client method and the server trait method",
                )),
                Some(id) if !is_identifier(id) => found.push(Diagnostic::new(
                    pointer(["paths", path, method, "operationId"]),
                    format!("operationId `{id}` is not a plain identifier"),
                    "use letters, digits and `_` only, starting with a letter, e.g. `webhook_test_post`",
                )),
                Some(id) => {
                    if let Some(first) = ids.insert(id.to_owned(), here.clone()) {
                        found.push(Diagnostic::new(
                            pointer(["paths", path, method, "operationId"]),
                            format!("operationId `{id}` is used twice (first at {first})"),
                            "give every operation its own operationId",
                        ));
                    }
                }
            }
            check_parameters(spec, path, method, op, found);
            if op.request_body.is_some() {
                found.push(Diagnostic::new(
                    pointer(["paths", path, method, "requestBody"]),
                    "request bodies are not supported by the server generator yet",
                    "remove the requestBody, or extend xtask/src/codegen/server.rs to extract it",
                ));
            }
            check_responses(spec, path, method, op, found);
        }
    }
}

fn check_parameters(
    spec: &Spec,
    path: &str,
    method: &str,
    op: &openapiv3::Operation,
    found: &mut Vec<Diagnostic>,
) {
    for (i, param) in op.parameters.iter().enumerate() {
        let here = pointer(["paths", path, method, "parameters", &i.to_string()]);
        let Some(param) = resolve_parameter(spec, param) else {
            continue; // dangling, reported by check_refs
        };
        let openapiv3::Parameter::Path { parameter_data, .. } = param else {
            found.push(Diagnostic::new(
                here,
                "only path parameters are supported by the server generator",
                "model the input as a path parameter, or extend xtask/src/codegen/server.rs",
            ));
            continue;
        };
        if !path.contains(&format!("{{{}}}", parameter_data.name)) {
            found.push(Diagnostic::new(
                here.clone(),
                format!(
                    "path parameter `{}` does not appear in the path `{path}`",
                    parameter_data.name
                ),
                "name it exactly as in the `{braces}` of the path",
            ));
        }
        let plain_string = match &parameter_data.format {
            openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(s)) => {
                matches!(&s.schema_kind, SchemaKind::Type(Type::String(st)) if st.enumeration.is_empty() && st.pattern.is_none() && matches!(st.format, openapiv3::VariantOrUnknownOrEmpty::Empty))
            }
            _ => false,
        };
        if !plain_string {
            found.push(Diagnostic::new(
                here,
                format!("path parameter `{}` must have an inline `schema: {{type: string}}`", parameter_data.name),
                "the server generator passes path parameters as strings; validate their format in the implementation",
            ));
        }
    }
}

fn resolve_parameter<'a>(
    spec: &'a Spec,
    p: &'a ReferenceOr<openapiv3::Parameter>,
) -> Option<&'a openapiv3::Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match spec.api.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

/// The response a `$ref` in `responses` stands for.
pub fn resolve_response<'a>(
    spec: &'a Spec,
    r: &'a ReferenceOr<openapiv3::Response>,
) -> Option<&'a openapiv3::Response> {
    match r {
        ReferenceOr::Item(r) => Some(r),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            match spec.api.components.as_ref()?.responses.get(name)? {
                ReferenceOr::Item(r) => Some(r),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn check_responses(
    spec: &Spec,
    path: &str,
    method: &str,
    op: &openapiv3::Operation,
    found: &mut Vec<Diagnostic>,
) {
    let at = |status: &str| pointer(["paths", path, method, "responses", status]);
    if op.responses.default.is_some() {
        found.push(Diagnostic::new(
            at("default"),
            "a `default` response is not supported (progenitor panics on it beside typed responses)",
            "list each error status explicitly, each a `$ref` to `components/responses`",
        ));
    }
    let mut successes_with_body = Vec::new();
    let mut error_schemas: Vec<(String, String)> = Vec::new();
    for (code, response) in op.responses.responses.iter() {
        let status = code.to_string();
        let openapiv3::StatusCode::Code(n) = code else {
            found.push(Diagnostic::new(
                at(&status),
                format!("status range `{status}` is not supported"),
                "list each status code explicitly",
            ));
            continue;
        };
        let Some(resolved) = resolve_response(spec, response) else {
            continue; // dangling, reported by check_refs
        };
        let schema_at = match response {
            ReferenceOr::Reference { reference } => format!("#{}", &reference[1..]),
            ReferenceOr::Item(_) => at(&status),
        };
        if resolved.content.is_empty() {
            continue;
        }
        let mut types = resolved.content.keys();
        let (Some(media), None) = (types.next(), types.next()) else {
            found.push(Diagnostic::new(
                schema_at,
                "a response may have one media type only",
                "keep `application/json` alone",
            ));
            continue;
        };
        if media != "application/json" {
            found.push(Diagnostic::new(
                format!("{schema_at}/content/{}", crate::spec::escape_pointer(media)),
                format!("media type `{media}` is not supported"),
                "use `application/json` (progenitor panics on text bodies beside JSON ones)",
            ));
            continue;
        }
        let schema_ref = match &resolved.content[media].schema {
            Some(ReferenceOr::Reference { reference }) => Some(reference.clone()),
            _ => None,
        };
        let Some(schema_ref) = schema_ref else {
            let what = if *n >= 400 {
                "an inline error body schema is typed as the success type by progenitor and then fails to decode"
            } else {
                "an inline success body schema would give the client and the server two different types"
            };
            found.push(Diagnostic::new(
                format!("{schema_at}/content/application~1json/schema"),
                format!("the body schema of status {n} is written inline: {what}"),
                "move the schema into `components/schemas` and refer to it with `$ref`",
            ));
            continue;
        };
        if (200..300).contains(n) {
            successes_with_body.push(status.clone());
        } else if *n >= 400 {
            error_schemas.push((status.clone(), schema_ref));
        }
    }
    if successes_with_body.len() > 1 {
        found.push(Diagnostic::new(
            pointer(["paths", path, method, "responses"]),
            format!(
                "several success statuses have a body ({}); progenitor supports one",
                successes_with_body.join(", ")
            ),
            "keep one 2xx response with a body",
        ));
    }
    if let Some((first_status, first)) = error_schemas.first() {
        for (status, schema) in &error_schemas[1..] {
            if schema != first {
                found.push(Diagnostic::new(
                    at(status),
                    format!("error status {status} uses `{schema}` while {first_status} uses `{first}`; progenitor needs one error schema per operation"),
                    "use one error schema (such as ErrorResponse) for every error status of the operation",
                ));
            }
        }
    }
}

fn check_schemas(spec: &Spec, found: &mut Vec<Diagnostic>) {
    let Some(components) = &spec.api.components else {
        return;
    };
    for (name, schema) in &components.schemas {
        let here = pointer(["components", "schemas", name]);
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        if !is_type_name(name) {
            found.push(Diagnostic::new(
                here.clone(),
                format!("schema name `{name}` is not a Rust type name"),
                "use UpperCamelCase letters and digits",
            ));
        }
        if let Some(values) = enum_values(schema) {
            check_enum(&here, values, found);
        } else if matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty())
        {
            found.push(Diagnostic::new(
                here.clone(),
                "enum values must be non-null strings",
                "remove `null` from the enum; use `nullable: true` where the enum is used",
            ));
        } else if schema_has_enum(schema) {
            found.push(Diagnostic::new(
                here.clone(),
                "only string enums are supported",
                "write the enum as `type: string` with string values",
            ));
        }
        check_nested_enums(schema, &here, true, found);
    }
}

/// The values of a top-level string enum component, or None if the schema is no such enum.
pub fn enum_values(schema: &Schema) -> Option<Vec<&str>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            s.enumeration.iter().map(|v| v.as_deref()).collect()
        }
        _ => None,
    }
}

fn schema_has_enum(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(t)) => !t.enumeration.is_empty(),
        SchemaKind::Type(Type::Number(t)) => !t.enumeration.is_empty(),
        SchemaKind::Type(Type::Boolean(t)) => !t.enumeration.is_empty(),
        _ => false,
    }
}

/// The Rust variant name of an enum value: `ACTOR.BUILD.ABORTED` → `ActorBuildAborted`.
pub fn variant_name(value: &str) -> String {
    value.to_upper_camel_case()
}

fn check_enum(here: &str, values: Vec<&str>, found: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (i, value) in values.iter().enumerate() {
        let at = format!("{here}/enum/{i}");
        let name = variant_name(value);
        if !is_type_name(&name) {
            found.push(Diagnostic::new(
                at,
                format!("enum value `{value}` gives no Rust variant name (`{name}`)"),
                "enum values must start with a letter",
            ));
            continue;
        }
        if name == "Unknown" {
            found.push(Diagnostic::new(
                at,
                format!("enum value `{value}` collides with the `Unknown` variant that keeps values the spec does not list"),
                "rename the value",
            ));
            continue;
        }
        if let Some(other) = seen.insert(name.clone(), value) {
            found.push(Diagnostic::new(
                at,
                format!(
                    "enum values `{other}` and `{value}` both become the Rust variant `{name}`"
                ),
                "make the values differ by more than case and punctuation",
            ));
        }
    }
}

/// Enums written inside other schemas would be closed Rust enums that reject new values.
fn check_nested_enums(schema: &Schema, here: &str, top: bool, found: &mut Vec<Diagnostic>) {
    if !top && (enum_values(schema).is_some() || schema_has_enum(schema)) {
        found.push(Diagnostic::new(
            here,
            "enums must be named components: an inline enum cannot keep values added later",
            "move the enum into `components/schemas` and refer to it with `$ref`",
        ));
    }
    let mut visit = |s: &ReferenceOr<Box<Schema>>, at: String| {
        if let ReferenceOr::Item(s) = s {
            check_nested_enums(s, &at, false, found);
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            for (prop, s) in &o.properties {
                visit(
                    s,
                    format!("{here}/properties/{}", crate::spec::escape_pointer(prop)),
                );
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = &a.items {
                visit(items, format!("{here}/items"));
            }
        }
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::OneOf { one_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            let key = match &schema.schema_kind {
                SchemaKind::AllOf { .. } => "allOf",
                SchemaKind::OneOf { .. } => "oneOf",
                _ => "anyOf",
            };
            for (i, s) in list.iter().enumerate() {
                if let ReferenceOr::Item(s) = s {
                    check_nested_enums(s, &format!("{here}/{key}/{i}"), false, found);
                }
            }
        }
        _ => {}
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}
