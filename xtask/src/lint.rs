//! `cargo xtask lint`: the codegen rules, spec hygiene rules, and every example checked against
//! its schema; then Redocly CLI's lint as an independent second opinion.
//!
//! The own rules are pure functions over a parsed [`Spec`] ([`lint_spec`], [`lint_text`]), so
//! tests run them without a subprocess. [`run`] adds Redocly and prints everything.

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::openapi_schema;
use crate::spec::{Spec, escape_pointer, pointer};

/// The spec file, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi.yaml";

/// The HTTP methods an OpenAPI 3.0 path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One rule broken somewhere in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule, e.g. `example-matches-schema`.
    pub rule: &'static str,
    /// A JSON pointer into the spec (or `line L, column C` when the file does not parse).
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Finding {
    fn new(
        rule: &'static str,
        location: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            location: location.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error[{}] at {}: {}",
            self.rule, self.location, self.message
        )?;
        if !self.hint.is_empty() {
            write!(f, "\n  help: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Every rule, with what it checks (printed by `cargo xtask lint` and listed in docs/REVIEWING.md).
pub const RULES: &[(&str, &str)] = &[
    (
        "spec-parse",
        "the file is YAML and an OpenAPI 3.0.x document",
    ),
    (
        "codegen",
        "the rules of `cargo xtask codegen` (xtask/src/validate.rs)",
    ),
    (
        "example-matches-schema",
        "every media-type, parameter, header and schema `example`/`examples` value matches its schema",
    ),
    (
        "default-matches-schema",
        "every schema `default` matches its schema",
    ),
    (
        "example-ref",
        "`examples` entries given by `$ref` resolve and carry an inline `value`",
    ),
    (
        "example-exclusive",
        "`example` and `examples` are not both given",
    ),
    ("info-version-semver", "`info.version` is MAJOR.MINOR.PATCH"),
    ("operation-summary", "every operation has a `summary`"),
    (
        "operation-description",
        "every operation has a `description`",
    ),
    ("operation-tags", "every operation has at least one tag"),
    (
        "operation-tag-defined",
        "every operation tag is declared in the top-level `tags`",
    ),
    ("tag-description", "every top-level tag has a description"),
    (
        "operation-success-response",
        "every operation documents a 2xx response",
    ),
    (
        "path-params-defined",
        "every `{name}` of a path template is a declared path parameter",
    ),
    ("parameter-description", "every parameter has a description"),
    (
        "schema-description",
        "every component schema has a description",
    ),
    (
        "security-defined",
        "every security requirement names a declared security scheme",
    ),
    (
        "unused-component",
        "every component is referenced from somewhere",
    ),
];

/// Lints spec text: parse errors, or the findings of [`lint_spec`].
pub fn lint_text(text: &str) -> Vec<Finding> {
    match crate::spec::parse(text) {
        Ok(spec) => lint_spec(&spec),
        Err(problems) => problems
            .0
            .into_iter()
            .map(|d| Finding::new("spec-parse", d.location, d.message, d.hint))
            .collect(),
    }
}

/// Runs every own rule over a parsed spec, in a stable order.
pub fn lint_spec(spec: &Spec) -> Vec<Finding> {
    let mut found: Vec<Finding> = crate::validate::validate(spec)
        .into_iter()
        .map(|d| Finding::new("codegen", d.location, d.message, d.hint))
        .collect();
    let raw = &spec.raw;
    check_info(raw, &mut found);
    check_operations(raw, &mut found);
    check_tags(raw, &mut found);
    check_component_schemas(raw, &mut found);
    check_security(raw, &mut found);
    check_unused_components(raw, &mut found);
    check_examples(spec, &mut found);
    found
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn non_blank(v: &Value, key: &str) -> bool {
    str_at(v, key).is_some_and(|s| !s.trim().is_empty())
}

fn check_info(raw: &Value, found: &mut Vec<Finding>) {
    let version = raw.pointer("/info/version").and_then(Value::as_str);
    if version.is_none_or(|v| crate::breaking::parse_semver(v).is_none()) {
        found.push(Finding::new(
            "info-version-semver",
            "#/info/version",
            format!(
                "`info.version` is {}, not MAJOR.MINOR.PATCH",
                version.map_or("missing".to_owned(), |v| format!("`{v}`"))
            ),
            "write e.g. `version: 2.1.0`; `cargo xtask breaking` lets a breaking change through only when the major part is raised",
        ));
    }
}

/// Every `(path, method, operation)` of the raw document, in file order.
pub fn operations(raw: &Value) -> Vec<(&str, &'static str, &Value)> {
    let mut out = Vec::new();
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push((path.as_str(), method, op));
                }
            }
        }
    }
    out
}

/// The names between braces in a path template: `/a/{id}/b` → `["id"]`.
pub fn template_params(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name))
        .collect()
}

/// The object a `$ref` points at (following chains), or the value itself.
pub fn deref<'a>(root: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(target) => v = target,
                None => return v,
            },
            None => return v,
        }
    }
    v
}

fn check_operations(raw: &Value, found: &mut Vec<Finding>) {
    let declared: BTreeSet<&str> = raw
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| tags.iter().filter_map(|t| str_at(t, "name")).collect())
        .unwrap_or_default();
    for (path, method, op) in operations(raw) {
        let here = pointer(["paths", path, method]);
        let name = format!("`{} {path}`", method.to_uppercase());
        if !non_blank(op, "summary") {
            found.push(Finding::new(
                "operation-summary",
                &here,
                format!("{name} has no summary"),
                "add `summary:`, a few words shown as the operation's title in the API reference and the generated docs",
            ));
        }
        if !non_blank(op, "description") {
            found.push(Finding::new(
                "operation-description",
                &here,
                format!("{name} has no description"),
                "add `description:` saying what the operation does and when to use it",
            ));
        }
        let tags: Vec<&str> = op
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if tags.is_empty() {
            found.push(Finding::new(
                "operation-tags",
                &here,
                format!("{name} has no tag"),
                "add `tags: [Name]` with a tag declared in the top-level `tags`; the API reference groups operations by tag",
            ));
        }
        for (i, tag) in tags.iter().enumerate() {
            if !declared.contains(tag) {
                found.push(Finding::new(
                    "operation-tag-defined",
                    pointer(["paths", path, method, "tags", &i.to_string()]),
                    format!("tag `{tag}` of {name} is not declared in the top-level `tags`"),
                    format!(
                        "add `- name: {tag}` with a `description:` to the top-level `tags`, or use a declared tag"
                    ),
                ));
            }
        }
        let has_success = op
            .get("responses")
            .and_then(Value::as_object)
            .is_some_and(|r| r.keys().any(|k| k.starts_with('2')));
        if !has_success {
            found.push(Finding::new(
                "operation-success-response",
                pointer(["paths", path, method, "responses"]),
                format!("{name} documents no 2xx response"),
                "document the success status and its body, e.g. `'200': {description: ..., content: ...}`",
            ));
        }
        // Parameters: the path item's and the operation's.
        let mut in_path: BTreeSet<String> = BTreeSet::new();
        let lists = [
            raw.pointer(&format!("/paths/{}/parameters", escape_pointer(path))),
            op.get("parameters"),
        ];
        for p in lists
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
        {
            let p = deref(raw, p);
            if str_at(p, "in") == Some("path")
                && let Some(n) = str_at(p, "name")
            {
                in_path.insert(n.to_owned());
            }
        }
        for name in template_params(path) {
            if !in_path.contains(name) {
                found.push(Finding::new(
                    "path-params-defined",
                    &here,
                    format!("`{{{name}}}` in the path `{path}` is not declared as a path parameter of {} {path}", method.to_uppercase()),
                    format!("add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}` to the operation's `parameters`"),
                ));
            }
        }
    }
    // Parameter descriptions: inline ones where they are written, components once.
    for (path, method, op) in operations(raw) {
        if let Some(list) = op.get("parameters").and_then(Value::as_array) {
            for (i, p) in list.iter().enumerate() {
                if p.get("$ref").is_none() {
                    check_parameter_description(
                        p,
                        pointer(["paths", path, method, "parameters", &i.to_string()]),
                        found,
                    );
                }
            }
        }
    }
    if let Some(params) = raw
        .pointer("/components/parameters")
        .and_then(Value::as_object)
    {
        for (name, p) in params {
            check_parameter_description(p, pointer(["components", "parameters", name]), found);
        }
    }
}

fn check_parameter_description(p: &Value, at: String, found: &mut Vec<Finding>) {
    if !non_blank(p, "description") {
        found.push(Finding::new(
            "parameter-description",
            at,
            format!(
                "parameter `{}` has no description",
                str_at(p, "name").unwrap_or("?")
            ),
            "add `description:` saying what the value means and where a client gets it",
        ));
    }
}

fn check_tags(raw: &Value, found: &mut Vec<Finding>) {
    let Some(tags) = raw.get("tags").and_then(Value::as_array) else {
        return;
    };
    for (i, tag) in tags.iter().enumerate() {
        if !non_blank(tag, "description") {
            found.push(Finding::new(
                "tag-description",
                pointer(["tags", &i.to_string()]),
                format!(
                    "tag `{}` has no description",
                    str_at(tag, "name").unwrap_or("?")
                ),
                "add `description:`; the API reference shows it above the tag's operations",
            ));
        }
    }
}

fn check_component_schemas(raw: &Value, found: &mut Vec<Finding>) {
    let Some(schemas) = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, schema) in schemas {
        if schema.get("$ref").is_none() && !non_blank(schema, "description") {
            found.push(Finding::new(
                "schema-description",
                pointer(["components", "schemas", name]),
                format!("schema `{name}` has no description"),
                "add `description:`; it becomes the doc comment of the generated Rust type and its entry in the API reference",
            ));
        }
    }
}

fn check_security(raw: &Value, found: &mut Vec<Finding>) {
    let schemes = raw
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    let mut lists: Vec<(String, &Value)> = Vec::new();
    if let Some(s) = raw.get("security") {
        lists.push(("#/security".to_owned(), s));
    }
    for (path, method, op) in operations(raw) {
        if let Some(s) = op.get("security") {
            lists.push((pointer(["paths", path, method, "security"]), s));
        }
    }
    for (at, list) in lists {
        let Some(list) = list.as_array() else {
            continue;
        };
        for (i, requirement) in list.iter().enumerate() {
            let Some(requirement) = requirement.as_object() else {
                continue;
            };
            for name in requirement.keys() {
                if !schemes.is_some_and(|s| s.contains_key(name)) {
                    found.push(Finding::new(
                        "security-defined",
                        format!("{at}/{i}/{}", escape_pointer(name)),
                        format!("security requirement names `{name}`, which `components/securitySchemes` does not declare"),
                        format!("declare `{name}` under `components/securitySchemes`, or fix the name"),
                    ));
                }
            }
        }
    }
}

/// Every `$ref` target in the document, plus security scheme names that are used.
fn used_refs(node: &Value, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.insert(r.to_owned());
            }
            for (k, v) in map {
                if k == "example" {
                    continue;
                }
                used_refs(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| used_refs(v, out)),
        _ => {}
    }
}

fn check_unused_components(raw: &Value, found: &mut Vec<Finding>) {
    let Some(components) = raw.get("components").and_then(Value::as_object) else {
        return;
    };
    // Used: referenced from outside `components`, or from a used component (a schema that only
    // refers to itself is not used).
    let mut refs = BTreeSet::new();
    if let Some(top) = raw.as_object() {
        for (key, value) in top {
            if key != "components" {
                used_refs(value, &mut refs);
            }
        }
    }
    let mut todo: Vec<String> = refs.iter().cloned().collect();
    while let Some(r) = todo.pop() {
        let Some(target) = r.strip_prefix('#').and_then(|p| raw.pointer(p)) else {
            continue;
        };
        let mut inner = BTreeSet::new();
        used_refs(target, &mut inner);
        for found in inner {
            if refs.insert(found.clone()) {
                todo.push(found);
            }
        }
    }
    // A `$ref` into a component (`#/components/schemas/A/properties/b`) uses the component.
    let refs: BTreeSet<String> = refs
        .into_iter()
        .map(|r| r.splitn(5, '/').take(4).collect::<Vec<_>>().join("/"))
        .collect();
    let mut security_used: BTreeSet<String> = BTreeSet::new();
    let mut lists: Vec<&Value> = raw.get("security").into_iter().collect();
    lists.extend(
        operations(raw)
            .into_iter()
            .filter_map(|(_, _, op)| op.get("security")),
    );
    for list in lists {
        for req in list.as_array().into_iter().flatten() {
            if let Some(req) = req.as_object() {
                security_used.extend(req.keys().cloned());
            }
        }
    }
    for (kind, items) in components {
        let Some(items) = items.as_object() else {
            continue;
        };
        for name in items.keys() {
            let target = pointer(["components", kind, name]);
            let used = if kind == "securitySchemes" {
                security_used.contains(name)
            } else {
                refs.contains(&target)
            };
            if !used {
                found.push(Finding::new(
                    "unused-component",
                    &target,
                    format!("`{kind}/{name}` is not referenced from anywhere"),
                    "remove it, or refer to it with `$ref` where it is meant to be used (generated crates would carry a type nobody uses)",
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Examples

/// Checks every example and default value against its schema.
fn check_examples(spec: &Spec, found: &mut Vec<Finding>) {
    let raw = &spec.raw;
    let mut checker = ExampleChecker { spec, found };
    // Media types, parameters and headers wherever they occur.
    for (path, method, op) in operations(raw) {
        let op_at = vec!["paths".to_owned(), path.to_owned(), method.to_owned()];
        if let Some(list) = op.get("parameters").and_then(Value::as_array) {
            for (i, p) in list.iter().enumerate() {
                let mut at = op_at.clone();
                at.extend(["parameters".to_owned(), i.to_string()]);
                checker.parameter_like(p, &at);
            }
        }
        if let Some(body) = op.get("requestBody") {
            let mut at = op_at.clone();
            at.push("requestBody".to_owned());
            checker.content_holder(body, &at);
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                let mut at = op_at.clone();
                at.extend(["responses".to_owned(), status.clone()]);
                checker.response(response, &at);
            }
        }
    }
    if let Some(paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            if let Some(list) = item.get("parameters").and_then(Value::as_array) {
                for (i, p) in list.iter().enumerate() {
                    let at = vec![
                        "paths".to_owned(),
                        path.clone(),
                        "parameters".to_owned(),
                        i.to_string(),
                    ];
                    checker.parameter_like(p, &at);
                }
            }
        }
    }
    let component = |kind: &str| {
        raw.pointer(&format!("/components/{kind}"))
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v))
                    .collect::<Vec<(String, &Value)>>()
            })
            .unwrap_or_default()
    };
    for (name, p) in component("parameters") {
        checker.parameter_like(p, &keys(["components", "parameters", &name]));
    }
    for (name, h) in component("headers") {
        checker.parameter_like(h, &keys(["components", "headers", &name]));
    }
    for (name, r) in component("responses") {
        checker.response(r, &keys(["components", "responses", &name]));
    }
    for (name, b) in component("requestBodies") {
        checker.content_holder(b, &keys(["components", "requestBodies", &name]));
    }
    for (name, s) in component("schemas") {
        checker.schema_tree(s, &mut keys(["components", "schemas", &name]));
    }
}

fn keys<const N: usize>(k: [&str; N]) -> Vec<String> {
    k.iter().map(|s| (*s).to_owned()).collect()
}

struct ExampleChecker<'a> {
    spec: &'a Spec,
    found: &'a mut Vec<Finding>,
}

impl ExampleChecker<'_> {
    /// A response: its content and its headers (skipped when it is a `$ref`, which is checked
    /// where it is declared).
    fn response(&mut self, response: &Value, at: &[String]) {
        if response.get("$ref").is_some() {
            return;
        }
        self.content_holder(response, at);
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            for (name, h) in headers {
                let mut here = at.to_vec();
                here.extend(["headers".to_owned(), name.clone()]);
                self.parameter_like(h, &here);
            }
        }
    }

    /// Anything with `content: {media type: {schema, example, examples}}`.
    fn content_holder(&mut self, holder: &Value, at: &[String]) {
        if holder.get("$ref").is_some() {
            return;
        }
        let Some(content) = holder.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media, mt) in content {
            let mut here = at.to_vec();
            here.extend(["content".to_owned(), media.clone()]);
            self.examples_of(mt, &here);
            if let Some(schema) = mt.get("schema") {
                here.push("schema".to_owned());
                self.schema_tree(schema, &mut here);
            }
        }
    }

    /// A parameter or header: `schema` + `example`/`examples`, or `content`.
    fn parameter_like(&mut self, p: &Value, at: &[String]) {
        if p.get("$ref").is_some() {
            return;
        }
        if p.get("content").is_some() {
            self.content_holder(p, at);
        }
        self.examples_of(p, at);
        if let Some(schema) = p.get("schema") {
            let mut here = at.to_vec();
            here.push("schema".to_owned());
            self.schema_tree(schema, &mut here);
        }
    }

    /// `example` and `examples` of a media type, parameter or header, against its `schema`.
    fn examples_of(&mut self, holder: &Value, at: &[String]) {
        let has_example = holder.get("example").is_some();
        let examples = holder.get("examples");
        if has_example && examples.is_some() {
            self.found.push(Finding::new(
                "example-exclusive",
                pointer(at),
                "both `example` and `examples` are given; OpenAPI 3.0 allows one of them",
                "keep `examples:` (named) or `example:` (one value), not both",
            ));
        }
        if holder.get("schema").is_none() {
            return;
        }
        let mut schema_at = at.to_vec();
        schema_at.push("schema".to_owned());
        let schema_ptr = pointer(&schema_at);
        if let Some(example) = holder.get("example") {
            let mut here = at.to_vec();
            here.push("example".to_owned());
            self.check_value("example-matches-schema", example, &schema_ptr, &here);
        }
        let Some(examples) = examples else {
            return;
        };
        let Some(examples) = examples.as_object() else {
            self.found.push(Finding::new(
                "example-exclusive",
                format!("{}/examples", pointer(at)),
                "`examples` must be a map from names to Example objects",
                "write `examples: {name: {value: ...}}`, or use `example:` for one value",
            ));
            return;
        };
        for (name, ex) in examples {
            let mut here = at.to_vec();
            here.extend(["examples".to_owned(), name.clone()]);
            let resolved = if let Some(r) = ex.get("$ref").and_then(Value::as_str) {
                match r.strip_prefix('#').and_then(|p| self.spec.raw.pointer(p)) {
                    Some(target) => target,
                    None => {
                        self.found.push(Finding::new(
                            "example-ref",
                            pointer(&here),
                            format!("`$ref: '{r}'` points at nothing"),
                            "fix the name, or add the example under `components/examples`",
                        ));
                        continue;
                    }
                }
            } else {
                ex
            };
            match resolved.get("value") {
                Some(value) => {
                    here.push("value".to_owned());
                    self.check_value("example-matches-schema", value, &schema_ptr, &here);
                }
                None => self.found.push(Finding::new(
                    "example-ref",
                    pointer(&here),
                    if resolved.get("externalValue").is_some() {
                        "the example is an `externalValue`, which cannot be checked against the schema"
                    } else {
                        "the example has no `value`"
                    },
                    "write the example inline as `value:`",
                )),
            }
        }
    }

    /// Walks a schema and its subschemas, checking each `example` and `default` against the
    /// subschema it is written in.
    fn schema_tree(&mut self, schema: &Value, at: &mut Vec<String>) {
        let Some(map) = schema.as_object() else {
            return;
        };
        let here = pointer(at.iter());
        for (key, rule) in [
            ("example", "example-matches-schema"),
            ("default", "default-matches-schema"),
        ] {
            if let Some(value) = map.get(key) {
                at.push(key.to_owned());
                self.check_value(rule, value, &here, at);
                at.pop();
            }
        }
        for_each_subschema(map, |key, sub| {
            at.extend(key.iter().map(|k| (*k).to_owned()));
            self.schema_tree(sub, at);
            for _ in key {
                at.pop();
            }
        });
    }

    /// Validates `value` (at `value_at`) against the schema at `schema_ptr`.
    fn check_value(
        &mut self,
        rule: &'static str,
        value: &Value,
        schema_ptr: &str,
        value_at: &[String],
    ) {
        let what = if rule == "default-matches-schema" {
            "default"
        } else {
            "example"
        };
        match openapi_schema::validator_for(self.spec, schema_ptr) {
            Ok(validator) => {
                let errors = openapi_schema::errors(&validator, value);
                if !errors.is_empty() {
                    self.found.push(Finding::new(
                        rule,
                        pointer(value_at),
                        format!(
                            "the {what} does not match the schema at {schema_ptr}: {}",
                            errors.join("; ")
                        ),
                        format!(
                            "fix the {what}, or the schema if the {what} shows what the API really sends"
                        ),
                    ));
                }
            }
            Err(e) => self.found.push(Finding::new(
                rule,
                pointer(value_at),
                format!("the {what} cannot be checked: {e}"),
                "fix the schema so that it is a valid OpenAPI 3.0 schema (see the `codegen` findings)",
            )),
        }
    }
}

/// Calls `f` with the relative path and value of each direct subschema of a schema object.
pub fn for_each_subschema<'a>(map: &'a Map<String, Value>, mut f: impl FnMut(&[&str], &'a Value)) {
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            f(&["properties", name], sub);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = map.get(key).filter(|v| v.is_object()) {
            f(&[key], sub);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = map.get(key).and_then(Value::as_array) {
            for (i, sub) in list.iter().enumerate() {
                let i = i.to_string();
                f(&[key, &i], sub);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The command

/// Redocly problems that come from the one form this spec uses on purpose and Redocly cannot
/// compile (see `nullable-type-sibling` in redocly.yaml): the example is checked by
/// `example-matches-schema` instead.
fn is_known_nullable_limit(p: &crate::redocly::Problem) -> bool {
    p.rule.starts_with("no-invalid-")
        && p.message
            .contains("\"nullable\" cannot be used without \"type\"")
}

/// `cargo xtask lint`: own rules, then Redocly's lint. Prints every finding; true when clean.
pub fn run(root: &Path) -> bool {
    let started = Instant::now();
    let text = match std::fs::read_to_string(root.join(SPEC_PATH)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error[spec-parse] at {}: cannot read the spec: {e}\n  help: run from the workspace root, where {SPEC_PATH} lives",
                root.join(SPEC_PATH).display()
            );
            return false;
        }
    };
    let own = lint_text(&text);
    for f in &own {
        eprintln!("{f}");
    }
    let own_time = started.elapsed();
    println!(
        "xtask lint: {} own rule(s) over {SPEC_PATH}: {} error(s) ({own_time:.2?})",
        RULES.len(),
        own.len()
    );

    let redocly_started = Instant::now();
    let redocly_ok = match crate::redocly::ensure_installed(root) {
        Err(e) => {
            eprintln!("error[redocly] {e}");
            false
        }
        Ok(cli) => {
            if cli.installed_now {
                println!(
                    "installed Redocly CLI {} into {} in {:.2?}",
                    crate::redocly::VERSION,
                    crate::redocly::INSTALL_DIR,
                    cli.install_time
                );
            }
            match cli.lint(SPEC_PATH) {
                Err(e) => {
                    eprintln!("error[redocly] {e}");
                    false
                }
                Ok(problems) => {
                    let mut errors = 0;
                    let mut warnings = 0;
                    for p in &problems {
                        if is_known_nullable_limit(p) {
                            println!(
                                "note[redocly/{}] at {} ({}): Redocly could not check this example: {}; `example-matches-schema` checked it (see `nullable-type-sibling` in redocly.yaml)",
                                p.rule, p.pointer, p.position, p.message
                            );
                            continue;
                        }
                        let kind = if p.is_error() {
                            errors += 1;
                            "error"
                        } else {
                            warnings += 1;
                            "warning"
                        };
                        eprintln!(
                            "{kind}[redocly/{}] at {} ({}): {}\n  help: see {}",
                            p.rule, p.pointer, p.position, p.message, p.reference
                        );
                    }
                    println!(
                        "redocly lint {SPEC_PATH} (@redocly/cli {}, redocly.yaml): {errors} error(s), {warnings} warning(s) ({:.2?})",
                        crate::redocly::VERSION,
                        redocly_started.elapsed()
                    );
                    errors == 0
                }
            }
        }
    };
    let ok = own.is_empty() && redocly_ok;
    if ok {
        println!("lint passed in {:.2?}", started.elapsed());
    } else {
        eprintln!(
            "lint failed: fix the errors above in {SPEC_PATH} (each names the JSON pointer and the rule)"
        );
    }
    ok
}
