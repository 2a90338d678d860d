//! Comparing two schemas where they are used: in a request or in a response.
//!
//! Every difference is either a widening (the head admits values the base did not), a
//! narrowing (the head rejects values the base admitted), or both. Which side that breaks
//! depends on who produces the value: see [`Side`].

use serde_json::Value;

use super::diff::Cx;
use super::{Class, members};

/// Who produces the value a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Side {
    /// Clients produce it, servers read it.
    Request,
    /// Servers produce it, clients read it.
    Response,
}

impl Side {
    /// The head admits more: the reader, written for the base, may get values it cannot handle.
    pub(super) fn widening(self) -> Class {
        match self {
            Self::Request => Class::Servers,
            Self::Response => Class::Clients,
        }
    }

    /// The head admits less: the producer, written for the base, may make values the head forbids.
    pub(super) fn narrowing(self) -> Class {
        match self {
            Self::Request => Class::Clients,
            Self::Response => Class::Servers,
        }
    }

    pub(super) fn widen_why(self) -> &'static str {
        match self {
            Self::Request => {
                "servers written for the base may receive values they do not handle; compatible for clients"
            }
            Self::Response => {
                "clients written for the base may receive values they cannot read; compatible for servers"
            }
        }
    }

    pub(super) fn narrow_why(self) -> &'static str {
        match self {
            Self::Request => {
                "clients written for the base may send values the head rejects; compatible for servers"
            }
            Self::Response => {
                "servers written for the base may send values the head forbids; compatible for clients"
            }
        }
    }
}

/// A schema after following `$ref`s and a lone `allOf: [x]` wrapper (the nullable-reference form).
struct View<'a> {
    v: &'a Value,
    ptr: String,
    nullable: bool,
    /// Where `nullable: true` is written.
    nullable_at: Option<String>,
    /// The `$ref` targets followed, in order.
    refs: Vec<String>,
    /// The wrapper keys passed on the way (`<ptr>/$ref`, `<ptr>/allOf`).
    wrappers: Vec<String>,
}

fn view<'a>(root: &'a Value, mut v: &'a Value, mut ptr: String) -> View<'a> {
    let mut nullable_at = None;
    let mut refs = Vec::new();
    let mut wrappers = Vec::new();
    for _ in 0..32 {
        if let Some(r) = v.get("$ref").and_then(Value::as_str) {
            match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
                Some(target) => {
                    wrappers.push(format!("{ptr}/$ref"));
                    refs.push(r.to_owned());
                    ptr = r.to_owned();
                    v = target;
                    continue;
                }
                None => break,
            }
        }
        if v.get("nullable") == Some(&Value::Bool(true)) && nullable_at.is_none() {
            nullable_at = Some(format!("{ptr}/nullable"));
        }
        let single = v
            .get("allOf")
            .and_then(Value::as_array)
            .filter(|a| a.len() == 1);
        let plain = ["type", "properties", "items", "enum", "oneOf", "anyOf"]
            .iter()
            .all(|k| v.get(*k).is_none());
        if let (Some(list), true) = (single, plain) {
            wrappers.push(format!("{ptr}/allOf"));
            ptr = format!("{ptr}/allOf/0");
            v = &list[0];
            continue;
        }
        break;
    }
    View {
        v,
        ptr,
        nullable: nullable_at.is_some(),
        nullable_at,
        refs,
        wrappers,
    }
}

/// Where a change is, for a human: the place plus the field path.
fn place(at: &str, field: &str) -> String {
    if field.is_empty() {
        at.to_owned()
    } else {
        format!("{at}, field `{field}`")
    }
}

fn short(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// Compares the schema at `b_ptr` in the base with the one at `h_ptr` in the head.
#[allow(clippy::too_many_arguments)]
pub(super) fn compare(
    cx: &mut Cx<'_>,
    side: Side,
    at: &str,
    field: &str,
    b: &Value,
    b_ptr: String,
    h: &Value,
    h_ptr: String,
) {
    let bv = view(cx.base, b, b_ptr);
    let hv = view(cx.head, h, h_ptr);
    // Each pair of schemas once per place: this also ends the walk of recursive schemas.
    if !cx
        .seen
        .insert((bv.ptr.clone(), hv.ptr.clone(), side, at.to_owned()))
    {
        return;
    }
    let here = place(at, field);
    let (b, h) = (bv.v, hv.v);

    // The wrappers are compared through: what they stand for is compared below.
    cx.covered.extend(bv.wrappers.iter().cloned());
    cx.covered.extend(hv.wrappers.iter().cloned());
    let name = |r: &str| r.rsplit('/').next().unwrap_or(r).to_owned();
    if bv.refs.last() != hv.refs.last() && !bv.refs.is_empty() && !hv.refs.is_empty() {
        let (x, y) = (
            name(&bv.refs[bv.refs.len() - 1]),
            name(&hv.refs[hv.refs.len() - 1]),
        );
        cx.push(
            Class::Compatible,
            "ref-changed",
            &here,
            hv.wrappers.first().cloned().unwrap_or_else(|| hv.ptr.clone()),
            format!(
                "now refers to `{y}` instead of `{x}`: compared by what they describe, any difference is listed separately"
            ),
        );
    }

    // nullable
    if bv.nullable != hv.nullable {
        let (class, rule, what, why) = if hv.nullable {
            (
                side.widening(),
                "made-nullable",
                "now nullable (`null` allowed)",
                side.widen_why(),
            )
        } else {
            (
                side.narrowing(),
                "made-non-nullable",
                "no longer nullable",
                side.narrow_why(),
            )
        };
        let at_ptr = hv
            .nullable_at
            .clone()
            .or_else(|| bv.nullable_at.clone())
            .unwrap_or_else(|| hv.ptr.clone());
        cx.push(class, rule, &here, at_ptr, format!("{what}: {why}"))
            .cover(&bv.nullable_at.clone().unwrap_or_default());
    }

    // type
    let bt = b.get("type").and_then(Value::as_str);
    let ht = h.get("type").and_then(Value::as_str);
    match (bt, ht) {
        (Some(x), Some(y)) if x != y => {
            let (class, why) = match (x, y) {
                ("integer", "number") => (side.widening(), side.widen_why()),
                ("number", "integer") => (side.narrowing(), side.narrow_why()),
                _ => (
                    Class::Both,
                    "values of the old type are invalid now and values of the new one were invalid before",
                ),
            };
            cx.push(
                class,
                "type-changed",
                &here,
                format!("{}/type", hv.ptr),
                format!("type `{x}` → `{y}`: {why}"),
            )
            .cover(&bv.ptr);
            return;
        }
        (None, Some(y)) => {
            cx.push(
                side.narrowing(),
                "type-changed",
                &here,
                format!("{}/type", hv.ptr),
                format!(
                    "type `{y}` added (any type was allowed): {}",
                    side.narrow_why()
                ),
            );
        }
        (Some(x), None) => {
            cx.push(
                side.widening(),
                "type-changed",
                &here,
                hv.ptr.clone(),
                format!(
                    "type `{x}` removed (any type allowed now): {}",
                    side.widen_why()
                ),
            )
            .cover(&format!("{}/type", bv.ptr));
        }
        _ => {}
    }

    // format
    let bf = b.get("format").and_then(Value::as_str);
    let hf = h.get("format").and_then(Value::as_str);
    let format_change = match (bf, hf) {
        _ if bf == hf => None,
        (None, Some(y)) => Some((
            side.narrowing(),
            format!("format `{y}` added"),
            side.narrow_why(),
        )),
        (Some(x), None) => Some((
            side.widening(),
            format!("format `{x}` removed"),
            side.widen_why(),
        )),
        (Some(x), Some(y)) => {
            let widen = matches!((x, y), ("int32", "int64") | ("float", "double"));
            let narrow = matches!((x, y), ("int64", "int32") | ("double", "float"));
            let (class, why) = if widen {
                (side.widening(), side.widen_why())
            } else if narrow {
                (side.narrowing(), side.narrow_why())
            } else {
                (
                    Class::Both,
                    "values in the old format are invalid now and values in the new one were invalid before",
                )
            };
            Some((class, format!("format `{x}` → `{y}`"), why))
        }
        (None, None) => None,
    };
    if let Some((class, what, why)) = format_change {
        cx.push(
            class,
            "format-changed",
            &here,
            format!("{}/format", if hf.is_some() { &hv.ptr } else { &bv.ptr }),
            format!("{what}: {why}"),
        )
        .cover(&format!("{}/format", bv.ptr))
        .cover(&format!("{}/format", hv.ptr));
    }

    compare_enum(cx, side, &here, &bv, &hv);
    compare_constraints(cx, side, &here, &bv, &hv);
    compare_object(cx, side, at, field, &bv, &hv);

    // items
    if let (Some(bi), Some(hi)) = (b.get("items"), h.get("items")) {
        compare(
            cx,
            side,
            at,
            &format!("{field}[]"),
            bi,
            format!("{}/items", bv.ptr),
            hi,
            format!("{}/items", hv.ptr),
        );
    }

    // composition (what is left after unwrapping a lone allOf)
    for key in ["allOf", "oneOf", "anyOf"] {
        let bl = b.get(key).and_then(Value::as_array);
        let hl = h.get(key).and_then(Value::as_array);
        match (bl, hl) {
            (Some(x), Some(y)) if x.len() == y.len() => {
                for (i, (bs, hs)) in x.iter().zip(y).enumerate() {
                    compare(
                        cx,
                        side,
                        at,
                        field,
                        bs,
                        format!("{}/{key}/{i}", bv.ptr),
                        hs,
                        format!("{}/{key}/{i}", hv.ptr),
                    );
                }
            }
            (None, None) => {}
            _ => {
                cx.push(
                    Class::Both,
                    "composition-changed",
                    &here,
                    format!("{}/{key}", hv.ptr),
                    format!(
                        "the `{key}` list changed ({} → {} schemas): values valid before may be invalid now and the other way round",
                        bl.map_or(0, Vec::len),
                        hl.map_or(0, Vec::len)
                    ),
                )
                .cover(&format!("{}/{key}", bv.ptr));
            }
        }
    }
}

fn compare_enum(cx: &mut Cx<'_>, side: Side, here: &str, bv: &View<'_>, hv: &View<'_>) {
    let be = bv.v.get("enum").and_then(Value::as_array);
    let he = hv.v.get("enum").and_then(Value::as_array);
    let covers = [format!("{}/enum", bv.ptr), format!("{}/enum", hv.ptr)];
    match (be, he) {
        (Some(b), Some(h)) => {
            for (i, value) in h.iter().enumerate() {
                if !b.contains(value) {
                    let why = match side {
                        Side::Response => {
                            "clients that match every value (closed enums, like the generated Rust enums) cannot read it; compatible for servers"
                        }
                        Side::Request => {
                            "servers written for the base do not expect it; compatible for clients"
                        }
                    };
                    cx.push(
                        side.widening(),
                        "enum-value-added",
                        here,
                        format!("{}/enum/{i}", hv.ptr),
                        format!("enum value {} added: {why}", short(value)),
                    )
                    .covers_all(&covers);
                }
            }
            for (i, value) in b.iter().enumerate() {
                if !h.contains(value) {
                    let why = match side {
                        Side::Request => {
                            "clients written for the base may still send it and be rejected; compatible for servers"
                        }
                        Side::Response => {
                            "servers written for the base may still send it; compatible for clients"
                        }
                    };
                    cx.push(
                        side.narrowing(),
                        "enum-value-removed",
                        here,
                        format!("{}/enum/{i}", bv.ptr),
                        format!("enum value {} removed: {why}", short(value)),
                    )
                    .covers_all(&covers);
                }
            }
        }
        (None, Some(_)) => {
            cx.push(
                side.narrowing(),
                "enum-added",
                here,
                covers[1].clone(),
                format!("values restricted to an enum: {}", side.narrow_why()),
            );
        }
        (Some(_), None) => {
            cx.push(
                side.widening(),
                "enum-removed",
                here,
                covers[0].clone(),
                format!("enum restriction removed: {}", side.widen_why()),
            );
        }
        (None, None) => {}
    }
}

/// How a constraint keyword restricts values.
enum Bound {
    /// A bigger value admits more (`maxLength`).
    Upper,
    /// A smaller value admits more (`minLength`).
    Lower,
    /// `true` admits less (`exclusiveMaximum`, `uniqueItems`).
    Flag,
    /// Any change admits other values (`pattern`, `multipleOf`).
    Other,
}

const CONSTRAINTS: [(&str, Bound); 13] = [
    ("maxLength", Bound::Upper),
    ("maximum", Bound::Upper),
    ("maxItems", Bound::Upper),
    ("maxProperties", Bound::Upper),
    ("minLength", Bound::Lower),
    ("minimum", Bound::Lower),
    ("minItems", Bound::Lower),
    ("minProperties", Bound::Lower),
    ("exclusiveMaximum", Bound::Flag),
    ("exclusiveMinimum", Bound::Flag),
    ("uniqueItems", Bound::Flag),
    ("pattern", Bound::Other),
    ("multipleOf", Bound::Other),
];

fn compare_constraints(cx: &mut Cx<'_>, side: Side, here: &str, bv: &View<'_>, hv: &View<'_>) {
    for (key, bound) in CONSTRAINTS {
        let b = bv.v.get(key);
        let h = hv.v.get(key);
        if b == h {
            continue;
        }
        let num = |v: Option<&Value>| v.and_then(Value::as_f64);
        // true = the head admits more, false = less, None = neither contains the other
        let wider: Option<bool> = match bound {
            Bound::Upper => match (num(b), num(h)) {
                (Some(x), Some(y)) => Some(y > x),
                (None, Some(_)) => Some(false),
                (Some(_), None) => Some(true),
                (None, None) => None,
            },
            Bound::Lower => match (num(b), num(h)) {
                (Some(x), Some(y)) => Some(y < x),
                (None, Some(_)) => Some(false),
                (Some(_), None) => Some(true),
                (None, None) => None,
            },
            Bound::Flag => {
                let flag = |v: Option<&Value>| v == Some(&Value::Bool(true));
                Some(flag(b) && !flag(h))
            }
            Bound::Other => match (b, h) {
                (None, Some(_)) => Some(false),
                (Some(_), None) => Some(true),
                _ => None,
            },
        };
        let show = |v: Option<&Value>| v.map_or("none".to_owned(), short);
        let what = format!("`{key}` {} → {}", show(b), show(h));
        let (class, why) = match wider {
            Some(true) => (side.widening(), side.widen_why()),
            Some(false) => (side.narrowing(), side.narrow_why()),
            None => (
                Class::Both,
                "values valid before may be invalid now and the other way round",
            ),
        };
        cx.push(
            class,
            "constraint-changed",
            here,
            format!("{}/{key}", if h.is_some() { &hv.ptr } else { &bv.ptr }),
            format!("{what}: {why}"),
        )
        .cover(&format!("{}/{key}", bv.ptr))
        .cover(&format!("{}/{key}", hv.ptr));
    }
}

fn required(v: &Value) -> Vec<&str> {
    v.get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn closed(v: &Value) -> bool {
    v.get("additionalProperties") == Some(&Value::Bool(false))
}

fn compare_object(
    cx: &mut Cx<'_>,
    side: Side,
    at: &str,
    field: &str,
    bv: &View<'_>,
    hv: &View<'_>,
) {
    let bp = members(bv.v, "properties");
    let hp = members(hv.v, "properties");
    let (br, hr) = (required(bv.v), required(hv.v));
    let sub = |name: &str| {
        if field.is_empty() {
            name.to_owned()
        } else {
            format!("{field}.{name}")
        }
    };
    let req_covers = [
        format!("{}/required", bv.ptr),
        format!("{}/required", hv.ptr),
    ];
    for (name, _) in bp.iter().filter(|(n, _)| !hp.contains_key(*n)) {
        let was_required = br.contains(&name.as_str());
        let ptr = format!(
            "{}/properties/{}",
            bv.ptr,
            crate::spec::escape_pointer(name)
        );
        let (class, why) = match side {
            Side::Response => (
                Class::Clients,
                if was_required {
                    "clients written for the base expect it (it was required); compatible for servers, which may keep sending it"
                } else {
                    "clients written for the base that read it get nothing (the generated field is gone); compatible for servers, which may keep sending it"
                },
            ),
            Side::Request if closed(hv.v) => (
                Class::Both,
                "servers written for the base may rely on it, and clients that still send it are rejected (`additionalProperties: false`)",
            ),
            Side::Request => (
                Class::Servers,
                "servers written for the base may rely on it, and clients written for the head do not send it; compatible for clients, whose extra field is ignored",
            ),
        };
        cx.push(
            class,
            "property-removed",
            &place(at, &sub(name)),
            ptr,
            format!(
                "{} property `{name}` removed: {why}",
                if was_required { "required" } else { "optional" }
            ),
        )
        .covers_all(&req_covers);
    }
    for (name, _) in hp.iter().filter(|(n, _)| !bp.contains_key(*n)) {
        let is_required = hr.contains(&name.as_str());
        let ptr = format!(
            "{}/properties/{}",
            hv.ptr,
            crate::spec::escape_pointer(name)
        );
        let mut class = Class::Compatible;
        let mut why: Vec<&str> = Vec::new();
        let rule;
        if is_required {
            rule = "required-property-added";
            class = class.and(side.narrowing());
            why.push(match side {
                Side::Request => {
                    "clients written for the base do not send it and are rejected; compatible for servers, which need not read it"
                }
                Side::Response => {
                    "servers written for the base do not send it; compatible for clients"
                }
            });
        } else {
            rule = "property-added";
        }
        if closed(bv.v) {
            class = class.and(side.widening());
            why.push(match side {
                Side::Request => {
                    "servers written for the base reject unknown properties (`additionalProperties: false`)"
                }
                Side::Response => {
                    "clients written for the base reject unknown properties (`additionalProperties: false`)"
                }
            });
        }
        if why.is_empty() {
            why.push(match side {
                Side::Request => {
                    "clients written for the base omit it, servers written for the base ignore it"
                }
                Side::Response => {
                    "servers written for the base omit it, clients written for the base ignore it"
                }
            });
        }
        cx.push(
            class,
            rule,
            &place(at, &sub(name)),
            ptr,
            format!(
                "{} property `{name}` added: {}",
                if is_required { "required" } else { "optional" },
                why.join("; ")
            ),
        )
        .covers_all(&req_covers);
    }
    for (name, b_schema) in bp {
        let Some(h_schema) = hp.get(name) else {
            continue;
        };
        let esc = crate::spec::escape_pointer(name);
        let (was, is) = (br.contains(&name.as_str()), hr.contains(&name.as_str()));
        if was != is {
            let (class, rule, why) = if is {
                (
                    side.narrowing(),
                    "property-made-required",
                    match side {
                        Side::Request => {
                            "clients written for the base may omit it and be rejected; compatible for servers"
                        }
                        Side::Response => {
                            "servers written for the base may omit it; compatible for clients"
                        }
                    },
                )
            } else {
                (
                    side.widening(),
                    "property-made-optional",
                    match side {
                        Side::Request => {
                            "servers written for the base rely on getting it; compatible for clients"
                        }
                        Side::Response => {
                            "clients written for the base rely on getting it; compatible for servers"
                        }
                    },
                )
            };
            cx.push(
                class,
                rule,
                &place(at, &sub(name)),
                format!("{}/required", hv.ptr),
                format!(
                    "property `{name}` made {}: {why}",
                    if is { "required" } else { "optional" }
                ),
            )
            .covers_all(&req_covers);
        }
        compare(
            cx,
            side,
            at,
            &sub(name),
            b_schema,
            format!("{}/properties/{esc}", bv.ptr),
            h_schema,
            format!("{}/properties/{esc}", hv.ptr),
        );
    }
    // additionalProperties
    let ba = bv.v.get("additionalProperties");
    let ha = hv.v.get("additionalProperties");
    match (ba.filter(|v| v.is_object()), ha.filter(|v| v.is_object())) {
        (Some(x), Some(y)) => compare(
            cx,
            side,
            at,
            &format!("{field}.*"),
            x,
            format!("{}/additionalProperties", bv.ptr),
            y,
            format!("{}/additionalProperties", hv.ptr),
        ),
        _ if closed(bv.v) != closed(hv.v) => {
            let (class, what, why) = if closed(hv.v) {
                (
                    side.narrowing(),
                    "closed (`additionalProperties: false`)",
                    side.narrow_why(),
                )
            } else {
                (
                    side.widening(),
                    "opened (`additionalProperties: false` removed)",
                    side.widen_why(),
                )
            };
            cx.push(
                class,
                "additional-properties-changed",
                &place(at, field),
                format!(
                    "{}/additionalProperties",
                    if ha.is_some() { &hv.ptr } else { &bv.ptr }
                ),
                format!("object {what}: {why}"),
            )
            .cover(&format!("{}/additionalProperties", bv.ptr));
        }
        (x, y) if x.is_some() != y.is_some() => {
            cx.push(
                Class::Both,
                "additional-properties-changed",
                &place(at, field),
                format!("{}/additionalProperties", if ha.is_some() { &hv.ptr } else { &bv.ptr }),
                "the schema of additional properties was added or removed: values valid before may be invalid now and the other way round".to_owned(),
            )
            .cover(&format!("{}/additionalProperties", bv.ptr));
        }
        _ => {}
    }
}
