//! The JSON Schema of every generated type is pinned by a snapshot and checked against the spec,
//! so that neither a hand edit nor a generator change can alter the wire format unnoticed.

mod support;

use std::collections::BTreeSet;

use serde_json::Value;

/// Every component schema of the spec has a generated type, and no type lacks a schema.
#[test]
fn every_component_schema_has_a_type() {
    let spec = support::spec();
    let in_spec: Vec<&str> = spec["components"]["schemas"]
        .as_object()
        .expect("components/schemas")
        .keys()
        .map(String::as_str)
        .collect();
    let generated: Vec<&str> = apify_api_types::json_schemas()
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(generated, in_spec);
}

/// The snapshots in `tests/snapshots/` are what reviewers read when the wire format changes.
#[test]
fn json_schemas_match_snapshots() {
    for (name, schema) in apify_api_types::json_schemas() {
        insta::assert_json_snapshot!(name, schema);
    }
}

/// Fields, required fields, base types, nullability and enum values agree with `openapi.yaml`.
#[test]
fn json_schemas_agree_with_the_spec() {
    let spec = support::spec();
    let mut problems = Vec::new();
    for (name, generated) in apify_api_types::json_schemas() {
        let generated = generated.as_value();
        let declared = &spec["components"]["schemas"][name];
        compare_schema(name, declared, generated, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "the generated types disagree with openapi.yaml:\n{}",
        problems.join("\n")
    );
}

fn compare_schema(at: &str, declared: &Value, generated: &Value, problems: &mut Vec<String>) {
    if let Some(values) = declared.get("enum") {
        if generated.get("enum") != Some(values) {
            problems.push(format!(
                "{at}: enum values {} in the spec, {} generated",
                values,
                generated.get("enum").unwrap_or(&Value::Null)
            ));
        }
        return;
    }
    if declared.get("type").and_then(Value::as_str) != Some("object") {
        return;
    }
    let names = |v: &Value| -> BTreeSet<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    let list = |v: Option<&Value>| -> BTreeSet<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let declared_props = &declared["properties"];
    let generated_props = &generated["properties"];
    if names(declared_props) != names(generated_props) {
        problems.push(format!(
            "{at}: fields {:?} in the spec, {:?} generated",
            names(declared_props),
            names(generated_props)
        ));
    }
    let required = list(declared.get("required"));
    if required != list(generated.get("required")) {
        problems.push(format!(
            "{at}: required {:?} in the spec, {:?} generated",
            required,
            list(generated.get("required"))
        ));
    }
    for (field, declared_field) in declared_props.as_object().into_iter().flatten() {
        let Some(generated_field) = generated_props.get(field) else {
            continue;
        };
        let at = format!("{at}.{field}");
        let nullable = declared_field.get("nullable") == Some(&Value::Bool(true));
        let admits_null = admits_null(generated_field);
        if nullable && !admits_null {
            problems.push(format!(
                "{at}: nullable in the spec, but the generated type rejects null"
            ));
        }
        if !nullable && required.contains(field) && admits_null {
            problems.push(format!(
                "{at}: required and not nullable in the spec, but the generated type admits null"
            ));
        }
        let expected = base_type(declared_field);
        let actual = generated_base_type(generated_field);
        if expected != actual {
            problems.push(format!("{at}: {expected} in the spec, {actual} generated"));
        }
    }
}

/// `string`, `string/date-time`, `integer`, `array of X`, `X` (a component) …
fn base_type(schema: &Value) -> String {
    if let Some(name) = support::ref_name(schema) {
        return name.to_owned();
    }
    if let Some([only]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        return base_type(only);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!("array of {}", base_type(&schema["items"])),
        Some(t) => match schema.get("format").and_then(Value::as_str) {
            Some(f @ "date-time") => format!("{t}/{f}"),
            _ => t.to_owned(),
        },
        None => "untyped".to_owned(),
    }
}

fn generated_base_type(schema: &Value) -> String {
    if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
        return name.rsplit('/').next().unwrap_or(name).to_owned();
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = options
            .iter()
            .filter(|o| o.get("type") != Some(&Value::from("null")))
            .collect();
        if let [only] = non_null.as_slice() {
            return generated_base_type(only);
        }
    }
    let t = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ => return "untyped".to_owned(),
    };
    match t.as_str() {
        "array" => format!("array of {}", generated_base_type(&schema["items"])),
        _ => match schema.get("format").and_then(Value::as_str) {
            Some(f @ "date-time") => format!("{t}/{f}"),
            _ => t,
        },
    }
}

fn admits_null(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => schema
            .get("anyOf")
            .and_then(Value::as_array)
            .is_some_and(|options| options.iter().any(admits_null)),
    }
}
