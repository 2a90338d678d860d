//! Reading `openapi.yaml` in tests.
//!
//! Each test file includes this module and uses a part of it.
#![allow(dead_code)]

use serde_json::Value;

/// The workspace's spec as JSON.
pub fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi.yaml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path} is not valid YAML: {e}"))
}

/// Follows a local `$ref` (`#/components/...`).
pub fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let target = spec
                .pointer(&reference[1..])
                .unwrap_or_else(|| panic!("dangling $ref {reference}"));
            resolve(spec, target)
        }
        None => node,
    }
}

/// The component schema name a `$ref` points at.
pub fn ref_name(node: &Value) -> Option<&str> {
    node.get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}
