//! `cargo xtask breaking`: the classifier on the corpus of spec pairs under
//! `tests/breaking/<case>/{base.yaml,head.yaml,expected.txt}`, the verdict, the report, and the
//! git plumbing on a scratch repository.
//!
//! `expected.txt` holds one `<class>: <report line>` per change and the verdict. After a
//! deliberate change of the classifier, rewrite them with `BLESS=1 cargo test -p xtask --test
//! breaking` and review the diff.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use xtask::breaking::{self, Change, Class, RULES, Verdict};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/breaking")
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/breaking exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 40, "the corpus went missing: {dirs:?}");
    dirs
}

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match xtask::spec::parse(&text) {
        Ok(spec) => spec.raw,
        Err(d) => panic!("{}: not a valid spec:\n{d}", path.display()),
    }
}

fn version(raw: &Value) -> &str {
    raw.pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The classified changes of a case and its verdict.
fn classify(dir: &Path) -> (Vec<Change>, Verdict) {
    let base = load(&dir.join("base.yaml"));
    let head = load(&dir.join("head.yaml"));
    let changes = breaking::diff(&base, &head);
    let verdict = breaking::verdict(&changes, version(&base), version(&head), false);
    (changes, verdict)
}

fn render(changes: &[Change], verdict: Verdict) -> String {
    let mut out = String::new();
    for c in changes {
        out.push_str(&format!("{}: {}\n", c.class.tag(), c.line()));
    }
    out.push_str(&format!("verdict: {verdict:?}\n"));
    out
}

#[test]
fn corpus_cases_classify_as_expected() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for dir in cases() {
        let (changes, verdict) = classify(&dir);
        let got = render(&changes, verdict);
        let expected_path = dir.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &got).expect("write expected.txt");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != got {
            let diff = similar::TextDiff::from_lines(&expected, &got)
                .unified_diff()
                .header("expected.txt", "classified now")
                .to_string();
            failures.push(format!("{}:\n{diff}", dir.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus case(s) classify differently (BLESS=1 rewrites expected.txt after a deliberate change):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_pins_every_rule_and_only_known_rules() {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for dir in cases() {
        for c in classify(&dir).0 {
            assert!(
                RULES.contains(&c.rule),
                "{}: rule `{}` is not listed in breaking::RULES",
                dir.display(),
                c.rule
            );
            seen.insert(c.rule);
        }
    }
    // Rules that need a spec shape the corpus template does not have are exercised below.
    let elsewhere = [
        "parameter-serialization-changed",
        "request-body-made-required",
        "response-media-type-added",
        "body-schema-added",
        "body-schema-removed",
        "response-header-removed",
        "response-header-made-required",
        "response-header-made-optional",
        "security-scheme-added",
        "security-scheme-removed",
        "enum-added",
        "enum-removed",
        "composition-changed",
        "extension-changed",
        "servers-changed",
        "ref-changed",
        "unused-component-changed",
    ];
    let missing: Vec<&&str> = RULES
        .iter()
        .filter(|r| !seen.contains(**r) && !elsewhere.contains(r))
        .collect();
    assert!(
        missing.is_empty(),
        "no corpus case pins these rules: {missing:?}"
    );
}

/// One case by name.
fn case(name: &str) -> Vec<Change> {
    classify(&corpus_dir().join(name)).0
}

fn classes(changes: &[Change], rule: &str) -> Vec<Class> {
    changes
        .iter()
        .filter(|c| c.rule == rule)
        .map(|c| c.class)
        .collect()
}

#[test]
fn the_same_change_is_classified_by_direction() {
    assert_eq!(
        classes(&case("response-enum-value-added"), "enum-value-added"),
        [Class::Clients],
        "an enum value added in a response breaks exhaustive clients"
    );
    let added = &case("response-enum-value-added")[0];
    assert!(
        added.at.contains("`GET /items`") && added.at.contains("(also `GET /items/{itemId}`"),
        "one line names every operation that returns the enum: {}",
        added.at
    );
    assert_eq!(
        classes(&case("request-enum-value-added"), "enum-value-added"),
        [Class::Servers],
        "an enum value added in a request is compatible for clients"
    );
    assert_eq!(
        classes(&case("request-enum-value-removed"), "enum-value-removed"),
        [Class::Clients]
    );
    assert_eq!(
        classes(&case("response-enum-value-removed"), "enum-value-removed")[0],
        Class::Servers
    );
    assert_eq!(
        classes(
            &case("request-field-made-required"),
            "property-made-required"
        ),
        [Class::Clients]
    );
    assert_eq!(
        classes(
            &case("response-field-made-required"),
            "property-made-required"
        )[0],
        Class::Servers
    );
    assert_eq!(
        classes(
            &case("response-field-made-optional"),
            "property-made-optional"
        )[0],
        Class::Clients
    );
    assert_eq!(
        classes(&case("response-field-made-nullable"), "made-nullable")[0],
        Class::Clients
    );
    assert_eq!(
        classes(&case("request-field-made-nullable"), "made-nullable"),
        [Class::Servers]
    );
}

/// A minimal spec with one operation whose pieces the extra cases below replace.
fn tiny(op_extra: &str, components: &str) -> Value {
    let text = format!(
        r#"
openapi: 3.0.3
info: {{title: T, version: 1.0.0}}
paths:
  /x:
    post:
      operationId: x_post
{op_extra}
components:
{components}
"#
    );
    match xtask::spec::parse(&text) {
        Ok(s) => s.raw,
        Err(d) => panic!("test spec does not parse:\n{d}\n{text}"),
    }
}

fn rules_of(base: &Value, head: &Value) -> Vec<(Class, &'static str)> {
    breaking::diff(base, head)
        .into_iter()
        .map(|c| (c.class, c.rule))
        .collect()
}

#[test]
fn rules_outside_the_corpus_template() {
    let ok = "      responses:\n        '200':\n          description: ok\n";
    let with_body = |schema: &str| {
        format!(
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n{schema}"
        )
    };
    let empty = "  schemas: {}";

    // Parameter serialization.
    let p = |style: &str| {
        tiny(
            &format!(
                "      parameters:\n        - {{name: ids, in: query, style: {style}, schema: {{type: array, items: {{type: string}}}}}}\n{ok}"
            ),
            empty,
        )
    };
    assert_eq!(
        rules_of(&p("form"), &p("pipeDelimited")),
        [(Class::Both, "parameter-serialization-changed")]
    );

    // Request body made required.
    let b = |req: bool| {
        tiny(
            &format!(
                "      requestBody:\n        required: {req}\n        content:\n          application/json:\n            schema: {{type: object}}\n{ok}"
            ),
            empty,
        )
    };
    assert_eq!(
        rules_of(&b(false), &b(true)),
        [(Class::Clients, "request-body-made-required")]
    );

    // Response media type added; body schema added / removed.
    let r0 = tiny(ok, empty);
    let r1 = tiny(
        &format!("{ok}          content:\n            text/plain: {{}}\n"),
        empty,
    );
    let r2 = tiny(
        &format!("{ok}          content:\n            text/plain: {{schema: {{type: string}}}}\n"),
        empty,
    );
    assert_eq!(
        rules_of(&r0, &r1),
        [(Class::Compatible, "response-media-type-added")]
    );
    assert_eq!(rules_of(&r1, &r2), [(Class::Servers, "body-schema-added")]);
    assert_eq!(
        rules_of(&r2, &r1),
        [(Class::Clients, "body-schema-removed")]
    );

    // Response headers.
    let h = |headers: &str| tiny(&format!("{ok}          headers:\n{headers}"), empty);
    let opt = h("            ETag: {schema: {type: string}}\n");
    let req = h("            ETag: {required: true, schema: {type: string}}\n");
    let none = tiny(ok, empty);
    assert_eq!(
        rules_of(&opt, &none),
        [(Class::Clients, "response-header-removed")]
    );
    assert_eq!(
        rules_of(&opt, &req),
        [(Class::Servers, "response-header-made-required")]
    );
    assert_eq!(
        rules_of(&req, &opt),
        [(Class::Clients, "response-header-made-optional")]
    );

    // Enum restriction added / removed, composition changed, in a response.
    let s = |schema: &str| {
        tiny(
            &with_body(&format!("              schema: {schema}\n")),
            empty,
        )
    };
    assert_eq!(
        rules_of(&s("{type: string}"), &s("{type: string, enum: [a]}")),
        [(Class::Servers, "enum-added")]
    );
    assert_eq!(
        rules_of(&s("{type: string, enum: [a]}"), &s("{type: string}")),
        [(Class::Clients, "enum-removed")]
    );
    assert_eq!(
        rules_of(
            &s("{oneOf: [{type: string}, {type: integer}]}"),
            &s("{oneOf: [{type: string}]}")
        ),
        [(Class::Both, "composition-changed")]
    );

    // Extensions, servers, security scheme declarations, unused components, $ref retargeting.
    let c = |components: &str| tiny(ok, components);
    assert_eq!(
        rules_of(
            &c(empty),
            &c("  schemas: {}\n  securitySchemes: {k: {type: http, scheme: basic}}")
        ),
        [(Class::Compatible, "security-scheme-added")]
    );
    assert_eq!(
        rules_of(
            &c("  schemas: {}\n  securitySchemes: {k: {type: http, scheme: basic}}"),
            &c(empty)
        ),
        [(Class::Compatible, "security-scheme-removed")]
    );
    assert_eq!(
        rules_of(
            &c("  schemas: {U: {type: object, description: a}}"),
            &c("  schemas: {U: {type: string, description: a}}")
        ),
        [(Class::Compatible, "unused-component-changed")]
    );
    let mut with_ext = tiny(ok, empty);
    with_ext["x-owner"] = "team".into();
    with_ext["servers"] = serde_json::json!([{"url": "https://example.test"}]);
    let mut got = rules_of(&tiny(ok, empty), &with_ext);
    got.sort();
    assert_eq!(
        got,
        [
            (Class::Compatible, "extension-changed"),
            (Class::Compatible, "servers-changed")
        ]
    );
    let refs = |name: &str| {
        tiny(
            &with_body(&format!(
                "              schema: {{$ref: '#/components/schemas/{name}'}}\n"
            )),
            "  schemas:\n    A: {type: string}\n    B: {type: string}",
        )
    };
    assert_eq!(
        rules_of(&refs("A"), &refs("B")),
        [(Class::Compatible, "ref-changed")]
    );
}

#[test]
fn verdict_needs_a_major_bump_or_the_allow_flag() {
    let changes = case("response-enum-value-added");
    assert_eq!(
        breaking::verdict(&changes, "1.0.0", "1.1.0", false),
        Verdict::Fails
    );
    assert_eq!(
        breaking::verdict(&changes, "1.0.0", "2.0.0", false),
        Verdict::MajorRaised
    );
    assert_eq!(
        breaking::verdict(&changes, "1.0.0", "1.0.0", true),
        Verdict::Allowed
    );
    assert_eq!(
        breaking::verdict(&changes, "1.0.0", "banana", false),
        Verdict::Fails,
        "an unreadable version is not a bump"
    );
    assert_eq!(
        breaking::verdict(&case("docs-changed"), "1.0.0", "1.0.0", false),
        Verdict::Compatible
    );
    assert_eq!(
        breaking::verdict(&case("unclassified-keyword"), "1.0.0", "1.0.0", false),
        Verdict::Compatible,
        "a change no rule classifies is listed for a human, not failed"
    );
    assert_eq!(breaking::parse_semver("2.0.0"), Some((2, 0, 0)));
    assert_eq!(breaking::parse_semver("2.1.3-beta.1"), Some((2, 1, 3)));
    assert_eq!(breaking::parse_semver("2.0"), None);
    assert_eq!(breaking::parse_semver("v2.0.0"), None);
}

#[test]
fn report_is_pasteable_markdown() {
    let dir = corpus_dir().join("response-field-made-optional");
    let base = load(&dir.join("base.yaml"));
    let head = load(&dir.join("head.yaml"));
    let changes = breaking::diff(&base, &head);
    let v = breaking::verdict(&changes, "1.0.0", "1.0.0", false);
    let text = breaking::report("`main`", "the working tree", &base, &head, &changes, v);
    assert!(text.starts_with("## API changes: `openapi.yaml` at `main` → the working tree"));
    assert!(
        text.contains(
            "| breaking for clients | breaking for servers | compatible | not classified |"
        )
    );
    assert!(text.contains("### Breaking for clients (1)"), "{text}");
    assert!(
        text.contains("- `property-made-optional` `GET /items`"),
        "{text}"
    );
    assert!(text.contains("**Result:** **fails**"), "{text}");
    assert!(text.contains("Raise `info.version` to `2.0.0`"), "{text}");

    let same = breaking::report(
        "`main`",
        "the working tree",
        &base,
        &base,
        &[],
        Verdict::Compatible,
    );
    assert!(same.contains("No changes to the API."));
    assert!(same.contains("**Result:** no breaking change."));
}

// --- git plumbing on a scratch repository ---------------------------------------------------

struct Repo(PathBuf);

impl Repo {
    fn new(name: &str) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("breaking-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let repo = Self(dir);
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.email", "test@example.test"]);
        repo.git(&["config", "user.name", "test"]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.0)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn write_case(&self, case: &str, file: &str, version: Option<&str>) {
        let mut text = std::fs::read_to_string(corpus_dir().join(case).join(file)).unwrap();
        if let Some(v) = version {
            text = text.replace("version: 1.0.0", &format!("version: {v}"));
        }
        std::fs::write(self.0.join("openapi.yaml"), text).unwrap();
    }

    fn commit(&self, msg: &str) -> String {
        self.git(&["add", "openapi.yaml"]);
        self.git(&["commit", "-q", "-m", msg]);
        self.git(&["rev-parse", "HEAD"])
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn git_base_is_the_merge_base_with_main() {
    let repo = Repo::new("merge-base");
    repo.write_case("response-enum-value-added", "base.yaml", None);
    repo.commit("base");
    // On main with a clean tree: nothing to report.
    let (text, ok) = breaking::check(&repo.0, None, false).expect("check runs");
    assert!(ok && text.contains("No changes to the API."), "{text}");

    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write_case("response-enum-value-added", "head.yaml", None);
    repo.commit("add PAUSED");
    let (text, ok) = breaking::check(&repo.0, None, false).expect("check runs");
    assert!(!ok, "a breaking change without a bump must fail:\n{text}");
    assert!(text.contains("`enum-value-added`"), "{text}");
    assert!(!breaking::run(&repo.0, None, false));
    assert!(
        repo.0.join("target/api-changes.md").is_file(),
        "run writes the report under target/"
    );
    assert!(
        breaking::run(&repo.0, None, true),
        "--allow-breaking lets it through"
    );

    // Raising the major version lets it through too.
    repo.write_case("response-enum-value-added", "head.yaml", Some("2.0.0"));
    let (text, ok) = breaking::check(&repo.0, None, false).expect("check runs");
    assert!(ok, "{text}");
    assert!(text.contains("the major version was raised"), "{text}");

    // An explicit base that does not exist says how to fix it.
    let err = breaking::check(&repo.0, Some("no-such-ref"), false).unwrap_err();
    assert!(
        err.contains("no-such-ref") && err.contains("--base"),
        "{err}"
    );
}

#[test]
fn since_version_compares_with_the_commit_that_set_the_version() {
    let repo = Repo::new("since-version");
    repo.write_case("docs-changed", "base.yaml", Some("0.9.0"));
    repo.commit("0.9.0");
    repo.write_case("docs-changed", "base.yaml", None);
    let set = repo.commit("1.0.0");
    repo.write_case("docs-changed", "head.yaml", None);
    repo.commit("compatible docs change");
    assert_eq!(breaking::version_base(&repo.0).unwrap(), set);

    // A breaking change on main without a bump is caught against that commit.
    repo.write_case("response-enum-value-added", "head.yaml", None);
    repo.commit("breaking, same version");
    let base = breaking::version_base(&repo.0).unwrap();
    assert_eq!(base, set);
    let (text, ok) = breaking::check(&repo.0, Some(&base), false).unwrap();
    assert!(!ok, "{text}");

    // Raising the version in the working tree compares with HEAD and passes.
    repo.write_case("response-enum-value-added", "head.yaml", Some("2.0.0"));
    assert_eq!(breaking::version_base(&repo.0).unwrap(), "HEAD");
    let (text, ok) = breaking::check(&repo.0, Some("HEAD"), false).unwrap();
    assert!(ok, "{text}");
}

#[test]
fn real_spec_event_type_added_breaks_clients() {
    let root = xtask::workspace_root();
    let text = std::fs::read_to_string(root.join("openapi.yaml")).unwrap();
    let base = xtask::spec::parse(&text).unwrap().raw;
    let head_text = text.replacen(
        "        - TEST\n",
        "        - TEST\n        - ACTOR.RUN.PAUSED\n",
        1,
    );
    assert_ne!(text, head_text, "the spec still lists the TEST event type");
    let head = xtask::spec::parse(&head_text).unwrap().raw;
    let changes = breaking::diff(&base, &head);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].class, Class::Clients);
    assert_eq!(changes[0].rule, "enum-value-added");
    assert_eq!(
        changes[0].pointer,
        "#/components/schemas/WebhookEventType/enum/12"
    );
    assert!(
        changes[0].at.contains("`data.eventType`"),
        "{}",
        changes[0].at
    );
}

#[test]
fn recursive_schemas_end_and_report_the_change_once() {
    let spec = |extra: &str| {
        tiny(
            "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Node'}\n",
            &format!(
                "  schemas:\n    Node:\n      type: object\n      properties:\n        children: {{type: array, items: {{$ref: '#/components/schemas/Node'}}}}\n        parent: {{$ref: '#/components/schemas/Node'}}\n{extra}"
            ),
        )
    };
    let changes = breaking::diff(
        &spec(""),
        &spec("        label: {type: string}\n      required: [label]\n"),
    );
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(
        (changes[0].class, changes[0].rule),
        (Class::Servers, "required-property-added")
    );
    // The lint rules terminate on it too.
    let text = "openapi: 3.0.3\ninfo: {title: T, version: 1.0.0}\npaths: {}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      description: A node.\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n      example: {next: {next: {}}}\n";
    let found = xtask::lint::lint_text(text);
    assert_eq!(
        found.iter().map(|f| f.rule).collect::<Vec<_>>(),
        ["unused-component"],
        "{found:#?}"
    );
}
