//! Everything the semantic rules do not look at: documentation (compatible), extensions, and
//! any other difference, which is listed as not classified so that a human looks at it.

use std::collections::HashSet;

use serde_json::Value;

use super::Class;
use super::diff::Cx;
use crate::lint::METHODS;

/// Keys whose values are documentation: a change there never breaks anyone.
const DOCS: [&str; 10] = [
    "description",
    "summary",
    "title",
    "externalDocs",
    "example",
    "examples",
    "contact",
    "license",
    "termsOfService",
    "tags",
];

/// Keys whose children are names (of paths, properties, media types...), not keywords.
const NAME_MAPS: [&str; 15] = [
    "paths",
    "properties",
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
    "mapping",
];

/// Walks both documents and reports what the semantic rules did not account for.
pub(super) fn rest(cx: &mut Cx<'_>) {
    let used: HashSet<String> = reachable(cx.base)
        .into_iter()
        .chain(reachable(cx.head))
        .collect();
    let mut found = Vec::new();
    walk(
        Some(cx.base),
        Some(cx.head),
        &mut Vec::new(),
        false,
        &mut found,
    );
    for (path, in_name_map, b, h) in found {
        let ptr = crate::spec::pointer(&path);
        let key = path.last().map(String::as_str).unwrap_or("");
        let what = describe(b, h);
        let at = human(&path);
        if path == ["info", "version"] {
            continue; // shown in the report's header
        }
        if !in_name_map && (DOCS.contains(&key) || key == "deprecated") {
            let rule = if key == "deprecated" {
                "deprecation-changed"
            } else {
                "docs-changed"
            };
            cx.push(
                Class::Compatible,
                rule,
                &at,
                ptr,
                format!("`{key}` {what} (documentation only)"),
            );
            continue;
        }
        if !in_name_map && key.starts_with("x-") {
            cx.push(
                Class::Compatible,
                "extension-changed",
                &at,
                ptr,
                format!("extension `{key}` {what}: not part of the API contract"),
            );
            continue;
        }
        if covered(cx, &ptr) {
            continue;
        }
        if !in_name_map && key == "servers" {
            cx.push(
                Class::Compatible,
                "servers-changed",
                &at,
                ptr,
                format!("`servers` {what}: the generated client takes the base URL as an argument"),
            );
            continue;
        }
        if !in_name_map && key == "$ref" {
            cx.push(
                Class::Compatible,
                "ref-changed",
                &at,
                ptr,
                format!("`$ref` {what}: what the reference stands for is compared in place, and any change is listed with its own rule"),
            );
            continue;
        }
        if let Some(component) = component_of(&path)
            && !used.contains(&component)
        {
            cx.push(
                Class::Compatible,
                "unused-component-changed",
                &at,
                ptr,
                format!(
                    "{what} in `{}`, which no operation uses: no effect on the wire",
                    &component[2..]
                ),
            );
            continue;
        }
        cx.push(
            Class::Unclassified,
            "unclassified",
            &at,
            ptr,
            format!("`{key}` {what}: no rule classifies this change; review it by hand"),
        );
    }
}

/// `#/components/<kind>/<name>` for a pointer inside a component.
fn component_of(path: &[String]) -> Option<String> {
    match path {
        [c, kind, name, ..] if c == "components" => Some(crate::spec::pointer([c, kind, name])),
        _ => None,
    }
}

/// Whether a change the rules found accounts for the pointer (one contains the other).
fn covered(cx: &Cx<'_>, ptr: &str) -> bool {
    let related = |a: &str| {
        a == ptr
            || ptr.strip_prefix(a).is_some_and(|r| r.starts_with('/'))
            || a.strip_prefix(ptr).is_some_and(|r| r.starts_with('/'))
    };
    cx.out
        .iter()
        .any(|c| related(&c.pointer) || c.covers.iter().any(|p| related(p)))
        || cx.covered.iter().any(|p| related(p))
}

/// A differing place: its key path, whether its key is a name, the base and head values.
type Found<'a> = (Vec<String>, bool, Option<&'a Value>, Option<&'a Value>);

/// Collects every differing place; arrays are compared whole.
fn walk<'a>(
    b: Option<&'a Value>,
    h: Option<&'a Value>,
    path: &mut Vec<String>,
    names: bool,
    found: &mut Vec<Found<'a>>,
) {
    if b == h {
        return;
    }
    let key = path.last().cloned().unwrap_or_default();
    let stop = !names && (DOCS.contains(&key.as_str()) || key.starts_with("x-"));
    match (b, h) {
        (Some(Value::Object(x)), Some(Value::Object(y))) if !stop => {
            let child_names = !names && NAME_MAPS.contains(&key.as_str());
            let mut keys: Vec<&String> = x.keys().collect();
            keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                path.push(k.clone());
                walk(x.get(k), y.get(k), path, child_names, found);
                path.pop();
            }
        }
        _ => found.push((path.clone(), names, b, h)),
    }
}

fn describe(b: Option<&Value>, h: Option<&Value>) -> String {
    let show = |v: &Value| {
        let s = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let s = s.replace('\n', " ");
        if s.chars().count() > 60 {
            format!("`{}…`", s.chars().take(60).collect::<String>())
        } else {
            format!("`{s}`")
        }
    };
    match (b, h) {
        (None, Some(_)) => "added".to_owned(),
        (Some(_), None) => "removed".to_owned(),
        (Some(x), Some(y)) if x.is_object() || y.is_object() || x.is_array() || y.is_array() => {
            "changed".to_owned()
        }
        (Some(x), Some(y)) => format!("changed ({} → {})", show(x), show(y)),
        (None, None) => "unchanged".to_owned(),
    }
}

/// A readable place: `` `POST /v2/x` `` for an operation, else the key path.
fn human(path: &[String]) -> String {
    match path {
        [p, route, method, rest @ ..] if p == "paths" && METHODS.contains(&method.as_str()) => {
            let tail = if rest.is_empty() {
                String::new()
            } else {
                format!(", `{}`", rest.join("."))
            };
            format!("`{} {route}`{tail}", method.to_uppercase())
        }
        _ if path.is_empty() => "the document".to_owned(),
        _ => format!("`{}`", path.join(".")),
    }
}

/// Every component pointer reachable from `paths` through `$ref`s.
fn reachable(root: &Value) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut todo: Vec<&Value> = root.get("paths").into_iter().collect();
    while let Some(v) = todo.pop() {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str)
                    && let Some(target) = r.strip_prefix('#').and_then(|p| root.pointer(p))
                {
                    let parts: Vec<&str> = r.trim_start_matches("#/").splitn(4, '/').collect();
                    if parts.len() >= 3 {
                        let id = format!("#/{}/{}/{}", parts[0], parts[1], parts[2]);
                        if out.insert(id) {
                            todo.push(target);
                        }
                    }
                }
                for (k, child) in m {
                    if k != "example" && k != "examples" {
                        todo.push(child);
                    }
                }
            }
            Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    out
}
