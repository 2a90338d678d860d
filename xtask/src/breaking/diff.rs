//! The classifier: operations, parameters, bodies, responses, security and components of two
//! documents, compared where they are used.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value};

use super::schema::{Side, compare};
use super::{Change, Class, members, members_at, normalize};
use crate::lint::{METHODS, template_params};
use crate::spec::{escape_pointer, pointer};

/// The state of one comparison.
pub(super) struct Cx<'a> {
    pub(super) base: &'a Value,
    pub(super) head: &'a Value,
    pub(super) out: Vec<Change>,
    /// Schema pairs already compared at a place (base pointer, head pointer, side, place).
    pub(super) seen: HashSet<(String, String, Side, String)>,
    /// Pointers explained without a change of their own (`$ref` and `allOf` wrappers compared
    /// through).
    pub(super) covered: Vec<String>,
}

impl Cx<'_> {
    pub(super) fn push(
        &mut self,
        class: Class,
        rule: &'static str,
        at: &str,
        pointer: String,
        message: String,
    ) -> &mut Change {
        self.out.push(Change {
            class,
            rule,
            at: at.to_owned(),
            pointer,
            message,
            covers: Vec::new(),
        });
        let last = self.out.len() - 1;
        &mut self.out[last]
    }
}

impl Change {
    pub(super) fn cover(&mut self, p: &str) -> &mut Self {
        self.covers.push(p.to_owned());
        self
    }

    pub(super) fn covers_all(&mut self, ps: &[String]) -> &mut Self {
        self.covers.extend(ps.iter().cloned());
        self
    }
}

/// Every change from `base` to `head` (two raw OpenAPI 3.0 documents), classified, in report order.
pub fn diff(base: &Value, head: &Value) -> Vec<Change> {
    let mut cx = Cx {
        base,
        head,
        out: Vec::new(),
        seen: HashSet::new(),
        covered: Vec::new(),
    };
    operations(&mut cx);
    security_schemes(&mut cx);
    component_schemas(&mut cx);
    super::raw::rest(&mut cx);
    normalize(cx.out)
}

/// Follows `$ref`s from `v` (at `ptr`) to the object they stand for.
pub(super) fn resolve<'a>(
    root: &'a Value,
    mut v: &'a Value,
    mut ptr: String,
) -> (&'a Value, String) {
    for _ in 0..32 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(target) => {
                v = target;
                ptr = r.to_owned();
            }
            None => break,
        }
    }
    (v, ptr)
}

struct Op<'a> {
    path: &'a str,
    method: &'static str,
    op: &'a Value,
    item: &'a Value,
}

impl Op<'_> {
    fn label(&self) -> String {
        format!("`{} {}`", self.method.to_uppercase(), self.path)
    }

    fn ptr(&self) -> String {
        pointer(["paths", self.path, self.method])
    }

    fn id(&self) -> Option<&str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    fn shape(&self) -> (String, &'static str) {
        (shape(self.path), self.method)
    }
}

/// A path template without parameter names: `/a/{id}` → `/a/{}`.
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push_str("{}");
            }
            '}' => in_braces = false,
            _ if in_braces => {}
            _ => out.push(c),
        }
    }
    out
}

fn ops(root: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = root.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(op) = item.get(method) {
                    out.push(Op {
                        path,
                        method,
                        op,
                        item,
                    });
                }
            }
        }
    }
    out
}

fn operations(cx: &mut Cx<'_>) {
    let base_ops = ops(cx.base);
    let head_ops = ops(cx.head);
    let base_shapes: BTreeSet<_> = base_ops.iter().map(Op::shape).collect();
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    for b in &base_ops {
        let same_place = head_ops.iter().position(|h| h.shape() == b.shape());
        let moved = || {
            head_ops.iter().position(|h| {
                h.id().is_some() && h.id() == b.id() && !base_shapes.contains(&h.shape())
            })
        };
        if let Some(i) = same_place {
            matched.insert(i);
            compare_op(cx, b, &head_ops[i]);
        } else if let Some(i) = moved().filter(|i| !matched.contains(i)) {
            matched.insert(i);
            let h = &head_ops[i];
            cx.push(
                Class::Both,
                "operation-moved",
                &h.label(),
                h.ptr(),
                format!(
                    "operation `{}` moved from {}: clients written for the base call the old URL; servers written for the base serve only the old one",
                    h.id().unwrap_or_default(),
                    b.label()
                ),
            )
            .cover(&b.ptr());
            compare_op(cx, b, h);
        } else {
            cx.push(
                Class::Clients,
                "operation-removed",
                &b.label(),
                b.ptr(),
                format!(
                    "operation {}removed: clients written for the base still call it; servers may keep serving it (the generated server trait drops the method)",
                    b.id().map(|id| format!("`{id}` ")).unwrap_or_default()
                ),
            );
        }
    }
    for (i, h) in head_ops.iter().enumerate() {
        if !matched.contains(&i) {
            cx.push(
                Class::Servers,
                "operation-added",
                &h.label(),
                h.ptr(),
                format!(
                    "operation {}added: servers written for the base do not implement it (the generated server trait gains a method); compatible for clients",
                    h.id().map(|id| format!("`{id}` ")).unwrap_or_default()
                ),
            );
        }
    }
}

fn compare_op(cx: &mut Cx<'_>, b: &Op<'_>, h: &Op<'_>) {
    let at = h.label();
    // Path parameter names, base → head, when only the names in the template changed.
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    if b.path != h.path && shape(b.path) == shape(h.path) {
        for (x, y) in template_params(b.path)
            .into_iter()
            .zip(template_params(h.path))
        {
            if x != y {
                renamed.insert(x.to_owned(), y.to_owned());
                cx.push(
                    Class::Compatible,
                    "path-parameter-renamed",
                    &at,
                    pointer(["paths", h.path]),
                    format!(
                        "path parameter `{x}` renamed `{y}` (was {}): the URLs are the same; the generated methods' argument is renamed",
                        b.label()
                    ),
                )
                .cover(&pointer(["paths", b.path]));
            }
        }
    }
    match (b.id(), h.id()) {
        (Some(x), Some(y)) if x != y => {
            cx.push(
                Class::Both,
                "operation-id-changed",
                &at,
                format!("{}/operationId", h.ptr()),
                format!(
                    "operationId `{x}` → `{y}`: the generated client method and server trait method are renamed, so code written for the base stops compiling (the wire format is unchanged)"
                ),
            );
        }
        (Some(x), None) => {
            cx.push(
                Class::Both,
                "operation-id-changed",
                &at,
                h.ptr(),
                format!("operationId `{x}` removed: the generated method names change"),
            )
            .cover(&format!("{}/operationId", b.ptr()));
        }
        (None, Some(y)) => {
            cx.push(
                Class::Both,
                "operation-id-changed",
                &at,
                format!("{}/operationId", h.ptr()),
                format!("operationId `{y}` added: the generated method names change"),
            );
        }
        _ => {}
    }
    parameters(cx, b, h, &at, &renamed);
    request_body(cx, b, h, &at);
    responses(cx, b, h, &at);
    security(cx, b, h, &at);
}

struct Param<'a> {
    location: String,
    name: String,
    v: &'a Value,
    ptr: String,
}

/// The parameters in effect for an operation: the path item's, overridden by the operation's.
fn params<'a>(root: &'a Value, op: &Op<'a>) -> Vec<Param<'a>> {
    let mut out: Vec<Param<'a>> = Vec::new();
    let lists = [
        (
            op.item.get("parameters"),
            pointer(["paths", op.path, "parameters"]),
        ),
        (op.op.get("parameters"), format!("{}/parameters", op.ptr())),
    ];
    for (list, at) in lists {
        for (i, p) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let (v, ptr) = resolve(root, p, format!("{at}/{i}"));
            let location = v.get("in").and_then(Value::as_str).unwrap_or("").to_owned();
            let name = v
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            out.retain(|q| !(q.location == location && q.name == name));
            out.push(Param {
                location,
                name,
                v,
                ptr,
            });
        }
    }
    out
}

fn is_required(v: &Value) -> bool {
    v.get("required") == Some(&Value::Bool(true))
}

fn style(p: &Param<'_>) -> (String, bool) {
    let default_style = match p.location.as_str() {
        "query" | "cookie" => "form",
        _ => "simple",
    };
    let style =
        p.v.get("style")
            .and_then(Value::as_str)
            .unwrap_or(default_style)
            .to_owned();
    let explode =
        p.v.get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == "form");
    (style, explode)
}

fn parameters(
    cx: &mut Cx<'_>,
    b: &Op<'_>,
    h: &Op<'_>,
    at: &str,
    renamed: &BTreeMap<String, String>,
) {
    let bp = params(cx.base, b);
    let hp = params(cx.head, h);
    let key = |p: &Param<'_>, map: Option<&BTreeMap<String, String>>| {
        let name = match map {
            Some(m) if p.location == "path" => m.get(&p.name).cloned().unwrap_or(p.name.clone()),
            _ => p.name.clone(),
        };
        let name = if p.location == "header" {
            name.to_ascii_lowercase()
        } else {
            name
        };
        (p.location.clone(), name)
    };
    let head_keys: Vec<_> = hp.iter().map(|p| key(p, None)).collect();
    let base_keys: Vec<_> = bp.iter().map(|p| key(p, Some(renamed))).collect();
    let mut used = vec![false; hp.len()];
    for (bi, x) in bp.iter().enumerate() {
        let here = format!("{at}, {} parameter `{}`", x.location, x.name);
        if let Some(hi) = (0..hp.len()).find(|&hi| !used[hi] && head_keys[hi] == base_keys[bi]) {
            used[hi] = true;
            compare_param(cx, x, &hp[hi], at);
            continue;
        }
        // The same name in another place (query → header, ...)?
        if let Some(hi) = (0..hp.len())
            .find(|&hi| !used[hi] && hp[hi].name == x.name && !base_keys.contains(&head_keys[hi]))
        {
            used[hi] = true;
            let y = &hp[hi];
            cx.push(
                Class::Both,
                "parameter-location-changed",
                &here,
                y.ptr.clone(),
                format!(
                    "parameter `{}` moved from the {} to the {}: clients written for the base send it where servers written for the head do not look",
                    x.name, x.location, y.location
                ),
            )
            .cover(&x.ptr);
            continue;
        }
        cx.push(
            Class::Servers,
            "parameter-removed",
            &here,
            x.ptr.clone(),
            format!(
                "{} parameter removed: servers written for the base may rely on it, and clients written for the head do not send it; compatible for clients",
                if is_required(x.v) { "required" } else { "optional" }
            ),
        );
    }
    for (hi, y) in hp.iter().enumerate() {
        if used[hi] {
            continue;
        }
        let here = format!("{at}, {} parameter `{}`", y.location, y.name);
        if is_required(y.v) {
            cx.push(
                Class::Clients,
                "required-parameter-added",
                &here,
                y.ptr.clone(),
                "required parameter added: clients written for the base do not send it and are rejected; compatible for servers, which need not read it".to_owned(),
            );
        } else {
            cx.push(
                Class::Compatible,
                "parameter-added",
                &here,
                y.ptr.clone(),
                "optional parameter added: clients written for the base omit it, servers written for the base ignore it".to_owned(),
            );
        }
    }
}

fn compare_param(cx: &mut Cx<'_>, x: &Param<'_>, y: &Param<'_>, at: &str) {
    let here = format!("{at}, {} parameter `{}`", y.location, y.name);
    match (is_required(x.v), is_required(y.v)) {
        (false, true) => {
            cx.push(
                Class::Clients,
                "parameter-made-required",
                &here,
                format!("{}/required", y.ptr),
                "parameter made required: clients written for the base may omit it and be rejected; compatible for servers".to_owned(),
            )
            .cover(&format!("{}/required", x.ptr));
        }
        (true, false) => {
            cx.push(
                Class::Servers,
                "parameter-made-optional",
                &here,
                format!("{}/required", y.ptr),
                "parameter made optional: servers written for the base rely on getting it; compatible for clients".to_owned(),
            )
            .cover(&format!("{}/required", x.ptr));
        }
        _ => {}
    }
    let (bs, hs) = (style(x), style(y));
    if bs != hs {
        cx.push(
            Class::Both,
            "parameter-serialization-changed",
            &here,
            y.ptr.clone(),
            format!(
                "serialization changed (style `{}`, explode {} → style `{}`, explode {}): the two sides write and read the value differently",
                bs.0, bs.1, hs.0, hs.1
            ),
        )
        .cover(&format!("{}/style", x.ptr))
        .cover(&format!("{}/explode", x.ptr))
        .cover(&format!("{}/style", y.ptr))
        .cover(&format!("{}/explode", y.ptr));
    }
    if let (Some(s), Some(t)) = (x.v.get("schema"), y.v.get("schema")) {
        compare(
            cx,
            Side::Request,
            &here,
            "",
            s,
            format!("{}/schema", x.ptr),
            t,
            format!("{}/schema", y.ptr),
        );
    }
    content(cx, Side::Request, &here, (x.v, &x.ptr), (y.v, &y.ptr));
}

/// Compares `content` maps: media types and their schemas.
fn content(cx: &mut Cx<'_>, side: Side, at: &str, b: (&Value, &str), h: (&Value, &str)) {
    let bc = members(b.0, "content");
    let hc = members(h.0, "content");
    for (media, bm) in bc {
        let here = format!("{at} ({media})");
        let b_ptr = format!("{}/content/{}", b.1, escape_pointer(media));
        let Some(hm) = hc.get(media) else {
            let (rule, why) = match side {
                Side::Request => (
                    "request-media-type-removed",
                    "clients written for the base send it and are rejected; compatible for servers",
                ),
                Side::Response => (
                    "response-media-type-removed",
                    "clients written for the base expect it; compatible for servers",
                ),
            };
            cx.push(
                Class::Clients,
                rule,
                &here,
                b_ptr,
                format!("media type `{media}` removed: {why}"),
            );
            continue;
        };
        let h_ptr = format!("{}/content/{}", h.1, escape_pointer(media));
        match (bm.get("schema"), hm.get("schema")) {
            (Some(s), Some(t)) => compare(
                cx,
                side,
                &here,
                "",
                s,
                format!("{b_ptr}/schema"),
                t,
                format!("{h_ptr}/schema"),
            ),
            (Some(_), None) => {
                cx.push(
                    side.widening(),
                    "body-schema-removed",
                    &here,
                    h_ptr,
                    format!(
                        "the body schema was removed (any body allowed now): {}",
                        side.widen_why()
                    ),
                )
                .cover(&format!("{b_ptr}/schema"));
            }
            (None, Some(_)) => {
                cx.push(
                    side.narrowing(),
                    "body-schema-added",
                    &here,
                    format!("{h_ptr}/schema"),
                    format!(
                        "a body schema was added (any body was allowed): {}",
                        side.narrow_why()
                    ),
                );
            }
            (None, None) => {}
        }
    }
    for media in hc.keys().filter(|m| !bc.contains_key(*m)) {
        let here = format!("{at} ({media})");
        let h_ptr = format!("{}/content/{}", h.1, escape_pointer(media));
        let (class, rule, why) = match side {
            Side::Request => (
                Class::Servers,
                "request-media-type-added",
                "servers written for the base do not accept it; compatible for clients",
            ),
            Side::Response => (
                Class::Compatible,
                "response-media-type-added",
                "servers written for the base never send it; clients get it only when they ask for it",
            ),
        };
        cx.push(
            class,
            rule,
            &here,
            h_ptr,
            format!("media type `{media}` added: {why}"),
        );
    }
}

fn request_body(cx: &mut Cx<'_>, b: &Op<'_>, h: &Op<'_>, at: &str) {
    let bb =
        b.op.get("requestBody")
            .map(|v| resolve(cx.base, v, format!("{}/requestBody", b.ptr())));
    let hb =
        h.op.get("requestBody")
            .map(|v| resolve(cx.head, v, format!("{}/requestBody", h.ptr())));
    let here = format!("{at}, request body");
    match (bb, hb) {
        (None, None) => {}
        (None, Some((y, ptr))) => {
            if is_required(y) {
                cx.push(
                    Class::Clients,
                    "request-body-added",
                    &here,
                    ptr,
                    "required request body added: clients written for the base send none and are rejected; compatible for servers".to_owned(),
                );
            } else {
                cx.push(
                    Class::Compatible,
                    "request-body-added",
                    &here,
                    ptr,
                    "optional request body added: clients written for the base send none; servers written for the base ignore it".to_owned(),
                );
            }
        }
        (Some((_, ptr)), None) => {
            cx.push(
                Class::Servers,
                "request-body-removed",
                &here,
                ptr,
                "request body removed: servers written for the base may rely on it; compatible for clients, whose body is ignored".to_owned(),
            );
        }
        (Some((x, xp)), Some((y, yp))) => {
            match (is_required(x), is_required(y)) {
                (false, true) => {
                    cx.push(
                        Class::Clients,
                        "request-body-made-required",
                        &here,
                        format!("{yp}/required"),
                        "request body made required: clients written for the base may send none and be rejected; compatible for servers".to_owned(),
                    )
                    .cover(&format!("{xp}/required"));
                }
                (true, false) => {
                    cx.push(
                        Class::Servers,
                        "request-body-made-optional",
                        &here,
                        format!("{yp}/required"),
                        "request body made optional: servers written for the base rely on getting one; compatible for clients".to_owned(),
                    )
                    .cover(&format!("{xp}/required"));
                }
                _ => {}
            }
            content(cx, Side::Request, &here, (x, &xp), (y, &yp));
        }
    }
}

fn responses(cx: &mut Cx<'_>, b: &Op<'_>, h: &Op<'_>, at: &str) {
    let br = members(b.op, "responses");
    let hr = members(h.op, "responses");
    let b_ptr = |s: &str| format!("{}/responses/{}", b.ptr(), escape_pointer(s));
    let h_ptr = |s: &str| format!("{}/responses/{}", h.ptr(), escape_pointer(s));
    let is_success = |s: &&String| s.starts_with('2');
    let gone: Vec<&String> = br.keys().filter(|s| !hr.contains_key(*s)).collect();
    let new: Vec<&String> = hr.keys().filter(|s| !br.contains_key(*s)).collect();
    let gone_ok: Vec<&String> = gone.iter().copied().filter(is_success).collect();
    let new_ok: Vec<&String> = new.iter().copied().filter(is_success).collect();
    let mut pairs: Vec<(String, String)> = br
        .keys()
        .filter(|s| hr.contains_key(*s))
        .map(|s| (s.clone(), s.clone()))
        .collect();
    let mut skip: Vec<&String> = Vec::new();
    if let ([x], [y]) = (gone_ok.as_slice(), new_ok.as_slice()) {
        cx.push(
            Class::Both,
            "success-status-changed",
            &format!("{at}, response {y}"),
            h_ptr(y),
            format!(
                "success status {x} → {y}: clients written for the base expect {x}; servers written for the base return {x}"
            ),
        )
        .cover(&b_ptr(x));
        pairs.push(((*x).clone(), (*y).clone()));
        skip.extend([*x, *y]);
    }
    for s in gone.iter().filter(|s| !skip.contains(s)) {
        cx.push(
            Class::Servers,
            "response-status-removed",
            &format!("{at}, response {s}"),
            b_ptr(s),
            format!(
                "status {s} removed: servers written for the base may still return it, which clients written for the head do not expect; compatible for clients"
            ),
        );
    }
    for s in new.iter().filter(|s| !skip.contains(s)) {
        if s.starts_with('2') {
            cx.push(
                Class::Clients,
                "success-status-added",
                &format!("{at}, response {s}"),
                h_ptr(s),
                format!(
                    "success status {s} added: clients written for the base do not expect it; compatible for servers, which need not return it"
                ),
            );
        } else {
            cx.push(
                Class::Compatible,
                "error-status-added",
                &format!("{at}, response {s}"),
                h_ptr(s),
                format!(
                    "status {s} documented: clients already treat undocumented error statuses as errors; servers need not return it"
                ),
            );
        }
    }
    for (x, y) in pairs {
        let (bv, bp) = resolve(cx.base, &br[&x], b_ptr(&x));
        let (hv, hp) = resolve(cx.head, &hr[&y], h_ptr(&y));
        let here = format!("{at}, response {y}");
        content(cx, Side::Response, &here, (bv, &bp), (hv, &hp));
        headers(cx, &here, (bv, &bp), (hv, &hp));
    }
}

fn find_header<'a>(m: &'a Map<String, Value>, name: &str) -> Option<(String, &'a Value)> {
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.clone(), v))
}

fn headers(cx: &mut Cx<'_>, at: &str, b: (&Value, &str), h: (&Value, &str)) {
    let bh = members(b.0, "headers");
    let hh = members(h.0, "headers");
    for (name, x) in bh {
        let here = format!("{at}, header `{name}`");
        let xp = format!("{}/headers/{}", b.1, escape_pointer(name));
        let (x, xp) = resolve(cx.base, x, xp);
        let Some((hname, y)) = find_header(hh, name) else {
            cx.push(
                Class::Clients,
                "response-header-removed",
                &here,
                xp,
                "response header removed: clients written for the base may read it; compatible for servers".to_owned(),
            );
            continue;
        };
        let (y, yp) = resolve(
            cx.head,
            y,
            format!("{}/headers/{}", h.1, escape_pointer(&hname)),
        );
        match (is_required(x), is_required(y)) {
            (false, true) => {
                cx.push(
                    Class::Servers,
                    "response-header-made-required",
                    &here,
                    format!("{yp}/required"),
                    "response header made required: servers written for the base may omit it; compatible for clients".to_owned(),
                )
                .cover(&format!("{xp}/required"));
            }
            (true, false) => {
                cx.push(
                    Class::Clients,
                    "response-header-made-optional",
                    &here,
                    format!("{yp}/required"),
                    "response header made optional: clients written for the base rely on it; compatible for servers".to_owned(),
                )
                .cover(&format!("{xp}/required"));
            }
            _ => {}
        }
        if let (Some(s), Some(t)) = (x.get("schema"), y.get("schema")) {
            compare(
                cx,
                Side::Response,
                &here,
                "",
                s,
                format!("{xp}/schema"),
                t,
                format!("{yp}/schema"),
            );
        }
    }
    for (name, y) in hh {
        if find_header(bh, name).is_some() {
            continue;
        }
        let here = format!("{at}, header `{name}`");
        let yp = format!("{}/headers/{}", h.1, escape_pointer(name));
        let (y, yp) = resolve(cx.head, y, yp);
        let (class, why) = if is_required(y) {
            (
                Class::Servers,
                "required response header added: servers written for the base do not send it; compatible for clients",
            )
        } else {
            (
                Class::Compatible,
                "optional response header added: clients written for the base ignore it",
            )
        };
        cx.push(class, "response-header-added", &here, yp, why.to_owned());
    }
}

/// The security alternatives in effect: each a set of schemes (with scopes); `{}` is anonymous.
fn effective_security(root: &Value, op: &Op<'_>) -> (BTreeSet<String>, String) {
    let (list, ptr) = match op.op.get("security") {
        Some(s) => (Some(s), format!("{}/security", op.ptr())),
        None => (root.get("security"), "#/security".to_owned()),
    };
    let alternatives = list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|req| {
            if req.is_empty() {
                return "no authentication".to_owned();
            }
            let mut parts: Vec<String> = req
                .iter()
                .map(|(name, scopes)| {
                    let mut scopes: Vec<&str> = scopes
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    scopes.sort_unstable();
                    if scopes.is_empty() {
                        format!("`{name}`")
                    } else {
                        format!("`{name}` ({})", scopes.join(", "))
                    }
                })
                .collect();
            parts.sort();
            parts.join(" + ")
        })
        .collect();
    (alternatives, ptr)
}

fn security(cx: &mut Cx<'_>, b: &Op<'_>, h: &Op<'_>, at: &str) {
    let (bs, bp) = effective_security(cx.base, b);
    let (hs, hp) = effective_security(cx.head, h);
    // Security from the top level is the same for every operation: one place, one line.
    let here = if hp == "#/security" && bp == "#/security" {
        "top-level `security` (every operation without its own)".to_owned()
    } else {
        format!("{at}, security")
    };
    const ANON: &str = "no authentication";
    let anon = |s: &BTreeSet<String>| s.is_empty() || s.contains(ANON);
    match (anon(&bs), anon(&hs)) {
        (false, true) => {
            cx.push(
                Class::Servers,
                "security-removed",
                &here,
                hp.clone(),
                "authentication no longer required: servers written for the base reject requests without credentials; compatible for clients".to_owned(),
            )
            .cover(&bp);
        }
        (true, false) => {
            cx.push(
                Class::Clients,
                "security-added",
                &here,
                hp.clone(),
                format!(
                    "authentication now required ({}): clients written for the base send no credentials and are rejected; compatible for servers",
                    hs.iter().cloned().collect::<Vec<_>>().join(" or ")
                ),
            )
            .cover(&bp);
        }
        _ => {
            for alt in hs.difference(&bs).filter(|a| *a != ANON) {
                cx.push(
                    Class::Servers,
                    "security-alternative-added",
                    &here,
                    hp.clone(),
                    format!(
                        "{alt} accepted now: servers written for the base do not accept it; compatible for clients"
                    ),
                )
                .cover(&bp);
            }
            for alt in bs.difference(&hs).filter(|a| *a != ANON) {
                cx.push(
                    Class::Clients,
                    "security-alternative-removed",
                    &here,
                    hp.clone(),
                    format!(
                        "{alt} no longer accepted: clients written for the base that authenticate this way are rejected; compatible for servers"
                    ),
                )
                .cover(&bp);
            }
        }
    }
}

fn security_schemes(cx: &mut Cx<'_>) {
    let at = "#/components/securitySchemes";
    let bs = members_at(cx.base, "/components/securitySchemes");
    let hs = members_at(cx.head, "/components/securitySchemes");
    for (name, x) in bs {
        let ptr = format!("{at}/{}", escape_pointer(name));
        let here = format!("security scheme `{name}`");
        let Some(y) = hs.get(name) else {
            cx.push(
                Class::Compatible,
                "security-scheme-removed",
                &here,
                ptr,
                "declaration removed (which operations accept which credentials is listed separately)".to_owned(),
            );
            continue;
        };
        let keys: BTreeSet<&String> = x
            .as_object()
            .into_iter()
            .chain(y.as_object())
            .flat_map(|m| m.keys())
            .filter(|k| *k != "description" && !k.starts_with("x-"))
            .collect();
        let diffs: Vec<String> = keys
            .into_iter()
            .filter(|k| x.get(*k) != y.get(*k))
            .map(|k| {
                let show = |v: Option<&Value>| {
                    v.map_or("none".to_owned(), |v| {
                        format!("`{}`", v.as_str().map_or(v.to_string(), str::to_owned))
                    })
                };
                format!("`{k}` {} → {}", show(x.get(k)), show(y.get(k)))
            })
            .collect();
        if !diffs.is_empty() {
            cx.push(
                Class::Both,
                "security-scheme-changed",
                &here,
                ptr,
                format!(
                    "how credentials are sent changed ({}): clients and servers written for the base disagree with the head",
                    diffs.join(", ")
                ),
            );
        }
    }
    for name in hs.keys().filter(|n| !bs.contains_key(*n)) {
        cx.push(
            Class::Compatible,
            "security-scheme-added",
            &format!("security scheme `{name}`"),
            format!("{at}/{}", escape_pointer(name)),
            "declaration added (which operations accept which credentials is listed separately)"
                .to_owned(),
        );
    }
}

fn component_schemas(cx: &mut Cx<'_>) {
    let bs = members_at(cx.base, "/components/schemas");
    let hs = members_at(cx.head, "/components/schemas");
    for name in bs.keys().filter(|n| !hs.contains_key(*n)) {
        cx.push(
            Class::Both,
            "schema-removed",
            &format!("schema `{name}`"),
            pointer(["components", "schemas", name]),
            format!(
                "component removed or renamed: the generated type `{name}` is gone, so client and server code that names it stops compiling (wire changes are listed with the operations)"
            ),
        );
    }
    for name in hs.keys().filter(|n| !bs.contains_key(*n)) {
        cx.push(
            Class::Compatible,
            "schema-added",
            &format!("schema `{name}`"),
            pointer(["components", "schemas", name]),
            "component added (where it is used is listed with the operations)".to_owned(),
        );
    }
}
