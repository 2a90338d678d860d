//! Loading the spec: YAML text → JSON value → [`openapiv3::OpenAPI`], with errors that say where.

use std::fmt;
use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::Value;

/// A parsed spec: the raw document (for rules that need every key) and the typed model.
pub struct Spec {
    /// The document as JSON, keys in file order.
    pub raw: Value,
    /// The typed OpenAPI 3.0 model.
    pub api: OpenAPI,
}

/// One problem found in the spec: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A JSON pointer into the spec (`#/paths/~1v2~1webhooks/post`) or a `line L, column C` position.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Diagnostic {
    pub fn new(
        location: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Self {
            location: location.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error at {}: {}", self.location, self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  help: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Every problem that stopped a command, in the order found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Self(vec![d])
    }
}

/// Escapes one key for use in a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Builds `#/a/b~1c` from keys.
pub fn pointer<I, S>(keys: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::from("#");
    for k in keys {
        out.push('/');
        out.push_str(&escape_pointer(k.as_ref()));
    }
    out
}

/// Reads and parses the spec file.
pub fn load(path: &Path) -> Result<Spec, Diagnostics> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::new(
            path.display().to_string(),
            format!("cannot read the spec: {e}"),
            "run the command from the workspace root, where openapi.yaml lives",
        )
    })?;
    parse(&text)
}

/// Parses spec text (YAML or JSON).
pub fn parse(text: &str) -> Result<Spec, Diagnostics> {
    let yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
        let location = match e.location() {
            Some(l) => format!("line {}, column {}", l.line(), l.column()),
            None => "the start of the file".to_owned(),
        };
        Diagnostic::new(
            location,
            format!("the spec is not valid YAML: {e}"),
            "fix the YAML syntax (indentation, quoting, `:` after keys)",
        )
    })?;
    let raw = yaml_to_json(yaml, &mut Vec::new())?;
    if !raw.is_object() {
        return Err(Diagnostic::new(
            "#",
            "the spec is not a mapping",
            "an OpenAPI document starts with `openapi: 3.0.3`, `info:` and `paths:`",
        )
        .into());
    }
    check_version(&raw)?;
    let api: OpenAPI = serde_path_to_error::deserialize(raw.clone()).map_err(|e| {
        let keys: Vec<String> = e
            .path()
            .iter()
            .filter_map(|seg| match seg {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => None,
            })
            .collect();
        Diagnostic::new(
            pointer(&keys),
            format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
            "compare this part of the spec with the OpenAPI 3.0.3 specification (field names, types, required fields)",
        )
    })?;
    Ok(Spec { raw, api })
}

fn check_version(raw: &Value) -> Result<(), Diagnostic> {
    let hint = "progenitor reads OpenAPI 3.0.x only: write `openapi: 3.0.3` and use 3.0 constructs (`nullable: true`, not `type: [string, 'null']`)";
    match raw.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) => Err(Diagnostic::new(
            "#/openapi",
            format!("OpenAPI version {v} is not supported"),
            hint,
        )),
        Some(other) => Err(Diagnostic::new(
            "#/openapi",
            format!("the version must be a string such as '3.0.3', found {other}"),
            hint,
        )),
        None if raw.get("swagger").is_some() => Err(Diagnostic::new(
            "#/swagger",
            "Swagger 2.0 documents are not supported",
            hint,
        )),
        None => Err(Diagnostic::new(
            "#/openapi",
            "the `openapi` version field is missing",
            hint,
        )),
    }
}

/// Converts YAML to JSON. Keys that YAML reads as numbers or booleans (`201:`) become strings,
/// as OpenAPI means them.
fn yaml_to_json(value: serde_norway::Value, at: &mut Vec<String>) -> Result<Value, Diagnostic> {
    use serde_norway::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Diagnostic::new(
                            pointer(at.iter()),
                            format!("the number {n} has no JSON form"),
                            "write a finite number",
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                at.push(i.to_string());
                out.push(yaml_to_json(item, at)?);
                at.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(Diagnostic::new(
                            pointer(at.iter()),
                            format!("a mapping key must be a string, found {other:?}"),
                            "quote the key",
                        ));
                    }
                };
                at.push(key.clone());
                let v = yaml_to_json(v, at)?;
                at.pop();
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err(Diagnostic::new(
                pointer(at.iter()),
                format!(
                    "YAML tags ({}) are not allowed in an OpenAPI document",
                    tagged.tag
                ),
                "remove the `!tag`",
            ));
        }
    })
}

/// The target of a `$ref`, or None for an inline item.
pub fn ref_str<T>(r: &openapiv3::ReferenceOr<T>) -> Option<&str> {
    match r {
        openapiv3::ReferenceOr::Reference { reference } => Some(reference),
        openapiv3::ReferenceOr::Item(_) => None,
    }
}
