//! `cargo xtask breaking`: what changed in `openapi.yaml` between a git base and the working
//! tree, each change classified as breaking for clients, breaking for servers, or compatible.
//!
//! - [`diff()`] is the pure classifier over two parsed documents (tests call it directly);
//! - [`report()`] renders its result as markdown to paste into a pull request;
//! - [`run`] reads the base with `git show`, prints the report and decides the exit status.
//!
//! "Breaking for clients": a client written against the base may fail against a server that
//! implements the head (it sends requests the head rejects, or gets responses it cannot read).
//! "Breaking for servers": a server written against the base no longer meets the head (it
//! receives requests it does not expect, or sends responses the head forbids, or lacks an
//! operation). The same schema change is therefore classified by where the schema is used: a
//! value added to an enum widens what is allowed, which breaks clients in a response and
//! servers in a request; narrowing does the opposite.

mod diff;
mod raw;
mod schema;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

pub use diff::diff;

/// The spec file, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi.yaml";

/// Every rule the classifier applies; `xtask/tests/breaking/` pins each with a corpus case.
pub const RULES: &[&str] = &[
    "operation-removed",
    "operation-added",
    "operation-moved",
    "operation-id-changed",
    "path-parameter-renamed",
    "required-parameter-added",
    "parameter-added",
    "parameter-removed",
    "parameter-made-required",
    "parameter-made-optional",
    "parameter-location-changed",
    "parameter-serialization-changed",
    "request-body-added",
    "request-body-removed",
    "request-body-made-required",
    "request-body-made-optional",
    "request-media-type-added",
    "request-media-type-removed",
    "response-media-type-added",
    "response-media-type-removed",
    "body-schema-added",
    "body-schema-removed",
    "success-status-changed",
    "success-status-added",
    "error-status-added",
    "response-status-removed",
    "response-header-added",
    "response-header-removed",
    "response-header-made-required",
    "response-header-made-optional",
    "security-added",
    "security-removed",
    "security-alternative-added",
    "security-alternative-removed",
    "security-scheme-added",
    "security-scheme-removed",
    "security-scheme-changed",
    "schema-added",
    "schema-removed",
    "made-nullable",
    "made-non-nullable",
    "type-changed",
    "format-changed",
    "enum-value-added",
    "enum-value-removed",
    "enum-added",
    "enum-removed",
    "constraint-changed",
    "composition-changed",
    "property-added",
    "required-property-added",
    "property-removed",
    "property-made-required",
    "property-made-optional",
    "additional-properties-changed",
    "docs-changed",
    "deprecation-changed",
    "extension-changed",
    "servers-changed",
    "ref-changed",
    "unused-component-changed",
    "unclassified",
];

/// Who a change breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Existing clients and existing servers.
    Both,
    /// Existing clients.
    Clients,
    /// Existing servers.
    Servers,
    /// Nobody.
    Compatible,
    /// No rule classifies the change: a human must look at it.
    Unclassified,
}

impl Class {
    /// The tag used in corpus files (`xtask/tests/breaking/*/expected.txt`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::Both => "breaking-both",
            Self::Clients => "breaking-clients",
            Self::Servers => "breaking-servers",
            Self::Compatible => "compatible",
            Self::Unclassified => "unclassified",
        }
    }

    /// The report section heading.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Both => "Breaking for clients and servers",
            Self::Clients => "Breaking for clients",
            Self::Servers => "Breaking for servers",
            Self::Compatible => "Compatible",
            Self::Unclassified => "Not classified: review by hand",
        }
    }

    /// Whether existing clients or servers break.
    pub fn is_breaking(self) -> bool {
        matches!(self, Self::Both | Self::Clients | Self::Servers)
    }

    /// The union of two classes (`Clients` + `Servers` = `Both`).
    pub fn and(self, other: Self) -> Self {
        let clients = matches!(self, Self::Both | Self::Clients)
            || matches!(other, Self::Both | Self::Clients);
        let servers = matches!(self, Self::Both | Self::Servers)
            || matches!(other, Self::Both | Self::Servers);
        match (clients, servers) {
            (true, true) => Self::Both,
            (true, false) => Self::Clients,
            (false, true) => Self::Servers,
            _ if self == Self::Unclassified || other == Self::Unclassified => Self::Unclassified,
            _ => Self::Compatible,
        }
    }
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub class: Class,
    /// The rule that classified it, e.g. `enum-value-added`.
    pub rule: &'static str,
    /// Where, for a human: `` `POST /v2/x` response 201 (application/json), field `data.id` ``.
    pub at: String,
    /// A JSON pointer into the head spec (into the base one for something removed).
    pub pointer: String,
    /// What changed and why that breaks whom.
    pub message: String,
    /// Further pointers (in either spec) this change accounts for.
    pub(crate) covers: Vec<String>,
}

impl Change {
    /// One line of the report: rule, where, what and why, pointer.
    pub fn line(&self) -> String {
        format!(
            "`{}` {}: {} (`{}`)",
            self.rule, self.at, self.message, self.pointer
        )
    }
}

/// Sorts changes into report order and merges repeats: a change in a schema reached from
/// several places is one line naming every place.
pub fn normalize(changes: Vec<Change>) -> Vec<Change> {
    let mut index = std::collections::HashMap::new();
    let mut kept: Vec<(Change, Vec<String>)> = Vec::new();
    for c in changes {
        let key = (c.class, c.rule, c.pointer.clone(), c.message.clone());
        match index.get(&key) {
            Some(&i) => {
                let (first, also): &mut (Change, Vec<String>) = &mut kept[i];
                if first.at != c.at && !also.contains(&c.at) {
                    also.push(c.at);
                }
            }
            None => {
                index.insert(key, kept.len());
                kept.push((c, Vec::new()));
            }
        }
    }
    let mut out: Vec<Change> = kept
        .into_iter()
        .map(|(mut c, also)| {
            if !also.is_empty() {
                c.at = format!("{} (also {})", c.at, also.join("; "));
            }
            c
        })
        .collect();
    // Stable: within a class, the order the diff found them (operations in file order).
    out.sort_by_key(|c| c.class);
    out
}

/// `MAJOR.MINOR.PATCH` (a `-pre` or `+build` suffix is allowed and ignored).
pub fn parse_semver(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let out = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(out)
}

/// How the check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// No breaking change.
    Compatible,
    /// Breaking changes, and the major version was raised.
    MajorRaised,
    /// Breaking changes let through by `--allow-breaking`.
    Allowed,
    /// Breaking changes without a major version bump.
    Fails,
}

/// Whether the changes may land: breaking ones need a raised major version or `allow`.
pub fn verdict(changes: &[Change], base_version: &str, head_version: &str, allow: bool) -> Verdict {
    if !changes.iter().any(|c| c.class.is_breaking()) {
        return Verdict::Compatible;
    }
    let raised = match (parse_semver(base_version), parse_semver(head_version)) {
        (Some(b), Some(h)) => h.0 > b.0,
        _ => false,
    };
    if raised {
        Verdict::MajorRaised
    } else if allow {
        Verdict::Allowed
    } else {
        Verdict::Fails
    }
}

fn version_of(raw: &Value) -> &str {
    raw.pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("(none)")
}

/// The markdown report: header, counts, one section per class, the verdict.
pub fn report(
    base_label: &str,
    head_label: &str,
    base: &Value,
    head: &Value,
    changes: &[Change],
    verdict: Verdict,
) -> String {
    let (bv, hv) = (version_of(base), version_of(head));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## API changes: `{SPEC_PATH}` at {base_label} → {head_label}\n"
    );
    let version_note = if bv == hv {
        "unchanged".to_owned()
    } else {
        format!("`{bv}` → `{hv}`")
    };
    let _ = writeln!(out, "`info.version`: `{hv}` ({version_note})\n");
    if changes.is_empty() {
        let _ = writeln!(out, "No changes to the API.\n");
    } else {
        let count = |f: fn(Class) -> bool| changes.iter().filter(|c| f(c.class)).count();
        let _ = writeln!(
            out,
            "| breaking for clients | breaking for servers | compatible | not classified |\n|---|---|---|---|\n| {} | {} | {} | {} |\n",
            count(|c| matches!(c, Class::Both | Class::Clients)),
            count(|c| matches!(c, Class::Both | Class::Servers)),
            count(|c| c == Class::Compatible),
            count(|c| c == Class::Unclassified),
        );
        for class in [
            Class::Both,
            Class::Clients,
            Class::Servers,
            Class::Unclassified,
            Class::Compatible,
        ] {
            let in_class: Vec<&Change> = changes.iter().filter(|c| c.class == class).collect();
            if in_class.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {} ({})\n", class.heading(), in_class.len());
            for c in in_class {
                let _ = writeln!(out, "- {}", c.line());
            }
            let _ = writeln!(out);
        }
    }
    let next_major = parse_semver(bv).map_or("the next major version".to_owned(), |v| {
        format!("`{}.0.0`", v.0 + 1)
    });
    let _ = writeln!(
        out,
        "**Result:** {}",
        match verdict {
            Verdict::Compatible => "no breaking change.".to_owned(),
            Verdict::MajorRaised =>
                "breaking changes, and the major version was raised: allowed.".to_owned(),
            Verdict::Allowed => "breaking changes, allowed by `--allow-breaking`.".to_owned(),
            Verdict::Fails => format!(
                "**fails**: breaking changes without a major version bump. Raise `info.version` to {next_major}, make the change compatible, or, if every client and server is updated together, run `cargo xtask breaking --allow-breaking`."
            ),
        }
    );
    out
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| {
            format!(
                "cannot run `git {}`: {e}\n  help: install git",
                args.join(" ")
            )
        })?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The default base: `git merge-base HEAD main`, or HEAD when there is none (with why).
pub fn default_base(root: &Path) -> (String, Option<String>) {
    match git(root, &["merge-base", "HEAD", "main"]) {
        Ok(sha) if !sha.trim().is_empty() => (sha.trim().to_owned(), None),
        Ok(_) => (
            "HEAD".to_owned(),
            Some("`git merge-base HEAD main` found nothing".to_owned()),
        ),
        Err(e) => ("HEAD".to_owned(), Some(e)),
    }
}

/// The commit that set the working tree's `info.version`: the oldest commit of the newest run
/// of commits touching the spec that all carry that version (HEAD when the working tree raises
/// it). Comparing with it checks that nothing broke since that version was set.
pub fn version_base(root: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join(SPEC_PATH))
        .map_err(|e| format!("{}: cannot read: {e}", root.join(SPEC_PATH).display()))?;
    let head = crate::spec::parse(&text).map_err(|d| format!("{SPEC_PATH}: {d}"))?;
    let version = version_of(&head.raw).to_owned();
    let log = git(
        root,
        &["log", "--first-parent", "--format=%H", "--", SPEC_PATH],
    )?;
    let mut base: Option<String> = None;
    for sha in log.lines().map(str::trim).filter(|s| !s.is_empty()) {
        let at = git(root, &["show", &format!("{sha}:./{SPEC_PATH}")])
            .ok()
            .and_then(|t| crate::spec::parse(&t).ok());
        match at {
            Some(spec) if version_of(&spec.raw) == version => base = Some(sha.to_owned()),
            _ => break,
        }
    }
    Ok(base.unwrap_or_else(|| "HEAD".to_owned()))
}

/// The comparison without printing: the report text and whether the check passes.
pub fn check(root: &Path, base: Option<&str>, allow: bool) -> Result<(String, bool), String> {
    let (base_ref, note) = match base {
        Some(b) => (b.to_owned(), None),
        None => default_base(root),
    };
    let head_path = root.join(SPEC_PATH);
    let head_text = std::fs::read_to_string(&head_path).map_err(|e| {
        format!(
            "{}: cannot read the spec: {e}\n  help: run from the workspace root",
            head_path.display()
        )
    })?;
    let head = crate::spec::parse(&head_text).map_err(|d| {
        format!("{SPEC_PATH} (working tree) does not parse:\n{d}\n  help: run `cargo xtask lint`")
    })?;
    let base_text = git(root, &["show", &format!("{base_ref}:./{SPEC_PATH}")]).map_err(|e| {
        format!(
            "cannot read {SPEC_PATH} at `{base_ref}`: {e}\n  help: pass an existing commit or branch that has the spec, e.g. `--base main` or `--base HEAD~1`"
        )
    })?;
    let base_spec = crate::spec::parse(&base_text).map_err(|d| {
        format!(
            "{SPEC_PATH} at `{base_ref}` does not parse:\n{d}\n  help: compare with a later base, e.g. `--base HEAD`"
        )
    })?;
    let short = git(
        root,
        &["rev-parse", "--short", &format!("{base_ref}^{{commit}}")],
    )
    .map(|s| s.trim().to_owned())
    .unwrap_or_default();
    let base_label = if short.is_empty() || base_ref.starts_with(&short) {
        format!("`{}`", if short.is_empty() { &base_ref } else { &short })
    } else {
        format!("`{base_ref}` ({short})")
    };
    let changes = diff(&base_spec.raw, &head.raw);
    let verdict = verdict(
        &changes,
        version_of(&base_spec.raw),
        version_of(&head.raw),
        allow,
    );
    let mut text = report(
        &base_label,
        "the working tree",
        &base_spec.raw,
        &head.raw,
        &changes,
        verdict,
    );
    if let Some(note) = note {
        text.push_str(&format!(
            "\n_Compared with HEAD because the merge-base with `main` is unknown ({note}); pass `--base <ref>` to choose._\n"
        ));
    }
    Ok((text, verdict != Verdict::Fails))
}

/// `cargo xtask breaking`: prints the report (and writes it to `target/api-changes.md`);
/// true unless there is a breaking change without a major version bump or `allow`.
pub fn run(root: &Path, base: Option<&str>, allow: bool) -> bool {
    match check(root, base, allow) {
        Ok((text, ok)) => {
            println!("{text}");
            let out = root.join("target/api-changes.md");
            if std::fs::create_dir_all(root.join("target"))
                .and_then(|()| std::fs::write(&out, &text))
                .is_ok()
            {
                eprintln!("(report written to {})", out.display());
            }
            ok
        }
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// The members of the object at `key` of `value`; an empty map when there is none.
fn members<'a>(value: &'a Value, key: &str) -> &'a serde_json::Map<String, Value> {
    value
        .get(key)
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY_OBJECT)
}

/// The members of the object at the JSON `pointer` in `value`; an empty map when there is none.
fn members_at<'a>(value: &'a Value, pointer: &str) -> &'a serde_json::Map<String, Value> {
    value
        .pointer(pointer)
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY_OBJECT)
}

static EMPTY_OBJECT: std::sync::LazyLock<serde_json::Map<String, Value>> =
    std::sync::LazyLock::new(serde_json::Map::new);
