//! The rules a spec must pass before code is generated from it.
//!
//! Each rule exists because a generator would otherwise panic, silently mistype a value, or
//! produce a client and a server that disagree. Every finding names the JSON pointer of the
//! offending part and how to fix it.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use crate::spec::{Diagnostic, Spec, pointer};

/// Runs every rule; an empty result means the spec can be generated from.
pub fn validate(spec: &Spec) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    check_refs(&spec.raw, &spec.raw, &mut Vec::new(), &mut found);
    check_merge_keys(&spec.raw, &mut Vec::new(), &mut found);
    check_operations(spec, &mut found);
    check_schemas(spec, &mut found);
    found
}

/// YAML merge keys (`<<: *anchor`) are not applied by the YAML reader: the merged keys would
/// silently be missing.
fn check_merge_keys(node: &Value, at: &mut Vec<String>, found: &mut Vec<Diagnostic>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                at.push(k.clone());
                if k == "<<" {
                    found.push(Diagnostic::new(
                        pointer(at.iter()),
                        "YAML merge keys (`<<`) are not applied: the keys they would merge are silently missing",
                        "write the keys out in place (an alias `*anchor` of a whole value works)",
                    ));
                } else {
                    check_merge_keys(v, at, found);
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(i.to_string());
                check_merge_keys(v, at, found);
                at.pop();
            }
        }
        _ => {}
    }
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
    // UpperCamelCase form → (operationId, where).
    let mut ids: BTreeMap<String, (String, String)> = BTreeMap::new();
    // openapiv3 silently drops paths that do not start with `/`: the raw document still has them.
    let raw_paths = spec.raw.get("paths").and_then(Value::as_object);
    for path in raw_paths.into_iter().flat_map(|paths| paths.keys()) {
        if !path.starts_with('/') && !path.starts_with("x-") {
            found.push(Diagnostic::new(
                pointer(["paths", path]),
                format!("the path `{path}` does not start with `/`, so its operations would be silently left out"),
                format!("write `/{path}`"),
            ));
        }
    }
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
                Some(id) if is_keyword(id) => found.push(Diagnostic::new(
                    pointer(["paths", path, method, "operationId"]),
                    format!("operationId `{id}` is a Rust keyword and cannot name a method"),
                    "use a descriptive name such as `webhook_test_post`",
                )),
                Some(id) if id != id.to_snake_case() => found.push(Diagnostic::new(
                    pointer(["paths", path, method, "operationId"]),
                    format!("operationId `{id}` is not snake_case: the client would call the method `{}`, the server trait `{id}`", id.to_snake_case()),
                    format!("write `operationId: {}`", id.to_snake_case()),
                )),
                Some(id) => {
                    // The server names `<Id>Request` and `<Id>Response` after the UpperCamelCase form.
                    let rust_name = id.to_upper_camel_case();
                    if let Some((first_id, first)) = ids.get(&rust_name) {
                        let message = if first_id == id {
                            format!("operationId `{id}` is used twice (first at {first})")
                        } else {
                            format!("operationId `{id}` gives the same Rust names (`{rust_name}Request`) as `{first_id}` at {first}")
                        };
                        found.push(Diagnostic::new(
                            pointer(["paths", path, method, "operationId"]),
                            message,
                            "give every operation its own operationId",
                        ));
                    } else {
                        ids.insert(rust_name, (id.to_owned(), here.clone()));
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
    let mut declared: Vec<&str> = Vec::new();
    // A dangling or misnamed parameter is reported once, not again as an undeclared variable.
    let mut reported_path_parameter = false;
    for (i, param) in op.parameters.iter().enumerate() {
        let here = pointer(["paths", path, method, "parameters", &i.to_string()]);
        let Some(param) = resolve_parameter(spec, param) else {
            reported_path_parameter = true; // dangling, reported by check_refs
            continue;
        };
        let openapiv3::Parameter::Path { parameter_data, .. } = param else {
            found.push(Diagnostic::new(
                here,
                "only path parameters are supported by the server generator",
                "model the input as a path parameter, or extend xtask/src/codegen/server.rs",
            ));
            continue;
        };
        declared.push(&parameter_data.name);
        if !path.contains(&format!("{{{}}}", parameter_data.name)) {
            reported_path_parameter = true;
            found.push(Diagnostic::new(
                here.clone(),
                format!(
                    "path parameter `{}` does not appear in the path `{path}`",
                    parameter_data.name
                ),
                "name it exactly as in the `{braces}` of the path",
            ));
        }
        let field = parameter_data.name.to_snake_case();
        if !is_identifier(&field) || is_keyword(&field) {
            found.push(Diagnostic::new(
                format!("{here}/name"),
                format!(
                    "path parameter `{}` gives no Rust field name (`{field}`)",
                    parameter_data.name
                ),
                "start the name with a letter, use letters, digits, `_` or `-`, and avoid Rust keywords such as `type`",
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
    if reported_path_parameter {
        return;
    }
    for variable in path_variables(path) {
        if !declared.contains(&variable) {
            found.push(Diagnostic::new(
                pointer(["paths", path, method, "parameters"]),
                format!("the path has `{{{variable}}}` but the operation declares no path parameter `{variable}` (progenitor crashes on it)"),
                format!("add `- {{name: {variable}, in: path, required: true, schema: {{type: string}}}}` to the operation's `parameters`"),
            ));
        }
    }
}

/// The `{name}` variables of a path template.
fn path_variables(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
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
    // progenitor asserts that all success responses, and all error responses, have one body type.
    let mut successes_without_body = Vec::new();
    let mut errors_without_body = Vec::new();
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
            if is_success(*n) {
                successes_without_body.push(status);
            } else if *n >= 400 {
                errors_without_body.push(status);
            }
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
        if is_success(*n) {
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
    let with_and_without = [
        (
            "success",
            successes_with_body.first(),
            successes_without_body.first(),
        ),
        (
            "error",
            error_schemas.first().map(|(status, _)| status),
            errors_without_body.first(),
        ),
    ];
    for (kind, with, without) in with_and_without {
        if let (Some(with), Some(without)) = (with, without) {
            found.push(Diagnostic::new(
                at(without),
                format!("{kind} status {without} has no body while {with} has one; progenitor crashes on {kind} responses of different body types"),
                format!("give status {without} the same body as {with}, or remove the body from every {kind} status of the operation"),
            ));
        }
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
        check_schema_kinds(schema, &here, found);
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

/// The `type` values of OpenAPI 3.0.
const SCHEMA_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Constructs the types generator (typify) cannot convert and crashes on: an unknown `type`
/// (openapiv3 reads `type: strng` as an untyped schema) and `not`.
fn check_schema_kinds(schema: &Schema, here: &str, found: &mut Vec<Diagnostic>) {
    let not_supported = |at: String| {
        Diagnostic::new(
            at,
            "`not` schemas are not supported by the types generator (typify)",
            "describe the allowed values instead (an enum, a pattern or a bound)",
        )
    };
    match &schema.schema_kind {
        SchemaKind::Not { .. } => found.push(not_supported(format!("{here}/not"))),
        SchemaKind::Any(any) => {
            if let Some(typ) = any.typ.as_deref().filter(|t| !SCHEMA_TYPES.contains(t)) {
                found.push(Diagnostic::new(
                    format!("{here}/type"),
                    format!("`type: {typ}` is not an OpenAPI 3.0 type"),
                    format!("use one of {}", SCHEMA_TYPES.join(", ")),
                ));
            }
            if any.not.is_some() {
                found.push(not_supported(format!("{here}/not")));
            }
        }
        _ => {}
    }
    for (at, sub) in subschemas(schema) {
        check_schema_kinds(sub, &format!("{here}/{at}"), found);
    }
}

/// The schemas written inline inside `schema`, each with its pointer relative to `schema`.
fn subschemas(schema: &Schema) -> Vec<(String, &Schema)> {
    use openapiv3::AdditionalProperties;
    let mut properties = Vec::new();
    let mut items = None;
    let mut additional = None;
    let mut lists: Vec<(&str, &Vec<ReferenceOr<Schema>>)> = Vec::new();
    let mut not = None;
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            properties.extend(o.properties.iter());
            additional = o.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(a)) => items = a.items.as_ref(),
        SchemaKind::AllOf { all_of } => lists.push(("allOf", all_of)),
        SchemaKind::OneOf { one_of } => lists.push(("oneOf", one_of)),
        SchemaKind::AnyOf { any_of } => lists.push(("anyOf", any_of)),
        SchemaKind::Not { not: n } => not = Some(&**n),
        SchemaKind::Any(any) => {
            properties.extend(any.properties.iter());
            additional = any.additional_properties.as_ref();
            items = any.items.as_ref();
            lists.extend([
                ("allOf", &any.all_of),
                ("oneOf", &any.one_of),
                ("anyOf", &any.any_of),
            ]);
            not = any.not.as_deref();
        }
        SchemaKind::Type(_) => {}
    }
    let mut out: Vec<(String, Option<&Schema>)> = Vec::new();
    for (name, s) in properties {
        let at = format!("properties/{}", crate::spec::escape_pointer(name));
        out.push((at, s.as_item().map(|s| &**s)));
    }
    if let Some(s) = items {
        out.push(("items".to_owned(), s.as_item().map(|s| &**s)));
    }
    if let Some(AdditionalProperties::Schema(s)) = additional {
        out.push(("additionalProperties".to_owned(), s.as_item()));
    }
    for (key, list) in lists {
        for (i, s) in list.iter().enumerate() {
            out.push((format!("{key}/{i}"), s.as_item()));
        }
    }
    if let Some(s) = not {
        out.push(("not".to_owned(), s.as_item()));
    }
    // References are checked where they point.
    out.into_iter()
        .filter_map(|(at, s)| s.map(|s| (at, s)))
        .collect()
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

/// The statuses progenitor treats as success (the others are errors from 400 on).
fn is_success(status: u16) -> bool {
    status == 101 || (200..300).contains(&status)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
        && !is_keyword(s)
}

/// Rust's strict and reserved keywords (2024 edition): they cannot name a method, field or type.
fn is_keyword(s: &str) -> bool {
    const KEYWORDS: [&str; 52] = [
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod",
        "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
        "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box",
        "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
    ];
    KEYWORDS.contains(&s)
}
