//! OpenAPI 3.0 schemas as JSON Schema Draft 4, to validate examples and real responses.
//!
//! OpenAPI 3.0's schema dialect is Draft 4 plus `nullable`; rewriting `nullable: true` into a
//! `null`-admitting schema is all a standard validator needs.

use serde_json::{Map, Value, json};

use crate::spec::Spec;

/// A validator for the schema at `pointer` (e.g. `#/components/schemas/ErrorResponse`), with
/// every `$ref` into the spec's components resolvable.
pub fn validator_for(spec: &Spec, pointer: &str) -> Result<jsonschema::Validator, String> {
    let target = pointer
        .strip_prefix('#')
        .and_then(|p| spec.raw.pointer(p))
        .ok_or_else(|| format!("no schema at {pointer}"))?;
    let components = spec
        .raw
        .get("components")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let root = json!({
        "allOf": [to_draft4(target)],
        "components": to_draft4(&components),
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("the schema at {pointer} is not a valid JSON Schema: {e}"))
}

/// Every way `instance` breaks the validator's schema, as `at <path>: <what>` lines.
pub fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| {
            let at = e.instance_path().to_string();
            format!("at {}: {e}", if at.is_empty() { "/" } else { &at })
        })
        .collect()
}

/// Rewrites OpenAPI 3.0 schema keywords into Draft 4 ones, leaving examples untouched.
pub fn to_draft4(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                let converted = match key.as_str() {
                    "example" | "examples" | "nullable" => continue,
                    "enum" | "default" => value.clone(),
                    _ => to_draft4(value),
                };
                out.insert(key.clone(), converted);
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                admit_null(out)
            } else {
                Value::Object(out)
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(to_draft4).collect()),
        other => other.clone(),
    }
}

fn admit_null(mut schema: Map<String, Value>) -> Value {
    match schema.get("type").cloned() {
        Some(Value::String(t)) => {
            schema.insert("type".into(), json!([t, "null"]));
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(schema)
        }
        // `allOf: [$ref]`, `oneOf`, …: null, or whatever the rest admits.
        _ => json!({ "anyOf": [{ "type": "null" }, Value::Object(schema)] }),
    }
}
