//! `cargo xtask lint`: the own rules on the real spec, on fixtures under `tests/lint/`, and on
//! mutations of the real spec; then the whole command, Redocly included, on good and bad specs.
//!
//! Each fixture `tests/lint/<name>.yaml` has `<name>.expected.txt`: one `rule location` line per
//! finding (the `codegen` ones left out). `BLESS=1 cargo test -p xtask --test lint` rewrites them after a deliberate change.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use xtask::lint::{self, Finding, RULES};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint")
}

fn real_spec() -> String {
    std::fs::read_to_string(xtask::workspace_root().join("openapi.yaml")).expect("openapi.yaml")
}

/// The findings as `rule location` lines, without the `codegen` ones: those rules belong to
/// xtask/src/validate.rs and are tested there, so the fixtures do not change when they grow.
fn lines(found: &[Finding]) -> String {
    found
        .iter()
        .filter(|f| f.rule != "codegen")
        .map(|f| format!("{} {}\n", f.rule, f.location))
        .collect()
}

#[test]
fn the_spec_passes_every_own_rule() {
    let found = lint::lint_text(&real_spec());
    assert!(
        found.is_empty(),
        "openapi.yaml breaks lint rules:\n{}",
        found
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn fixtures_give_the_expected_findings() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 2, "fixtures went missing: {names:?}");
    let mut failures = Vec::new();
    for path in names {
        let found = lint::lint_text(&std::fs::read_to_string(&path).unwrap());
        let got = lines(&found);
        let expected_path = path.with_extension("expected.txt");
        if bless {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!(
                "{}:\n{}\nall findings:\n{}",
                path.display(),
                similar::TextDiff::from_lines(&expected, &got)
                    .unified_diff()
                    .header("expected", "found"),
                found
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn mutate(from: &str, to: &str) -> Vec<Finding> {
    let text = real_spec();
    assert!(
        text.contains(from),
        "openapi.yaml no longer contains {from:?}"
    );
    lint::lint_text(&text.replacen(from, to, 1))
}

fn rules_at(found: &[Finding]) -> Vec<(&'static str, &str)> {
    found
        .iter()
        .map(|f| (f.rule, f.location.as_str()))
        .collect()
}

#[test]
fn an_example_that_contradicts_its_schema_is_an_error() {
    // Media-type example: an enum value the schema does not list (through two `$ref`s).
    let found = mutate("status: ACTIVE\n", "status: PAUSED\n");
    assert_eq!(
        rules_at(&found),
        [(
            "example-matches-schema",
            "#/paths/~1v2~1webhooks~1{webhookId}~1test/post/responses/201/content/application~1json/example"
        )]
    );
    assert!(
        found[0].message.contains("at /data/status"),
        "{}",
        found[0].message
    );

    // `null` where the nullable reference (`nullable: true` + `allOf`) allows it, and where not.
    let found = mutate(
        "                  eventData:\n                    actorId: vvE7iMKuMc5qTHHsR\n                    actorRunId: JgwXN9BdwxGcu9MMF\n",
        "                  eventData: null\n",
    );
    assert!(
        found.is_empty(),
        "a nullable reference admits null: {found:#?}"
    );
    assert_eq!(
        rules_at(&mutate(
            "                  status: ACTIVE\n",
            "                  status: null\n"
        )),
        [(
            "example-matches-schema",
            "#/paths/~1v2~1webhooks~1{webhookId}~1test/post/responses/201/content/application~1json/example"
        )]
    );

    // A schema example, a parameter example, and an error response example.
    assert_eq!(
        rules_at(&mutate(
            "      example: ACTIVE\n",
            "      example: PAUSED\n"
        )),
        [(
            "example-matches-schema",
            "#/components/schemas/WebhookDispatchStatus/example"
        )]
    );
    assert_eq!(
        rules_at(&mutate(
            "example: pVJtoTelgYUq4qJOt\n      responses",
            "example: 12\n      responses"
        )),
        [(
            "example-matches-schema",
            "#/paths/~1v2~1webhooks~1{webhookId}~1test/post/parameters/0/example"
        )]
    );
    assert_eq!(
        rules_at(&mutate("type: invalid-input\n", "type: no-such-type\n")),
        [(
            "example-matches-schema",
            "#/components/responses/BadRequest/content/application~1json/example"
        )]
    );
    // A format: date-time is checked.
    let found = mutate(
        "createdAt: '2019-12-12T07:34:14.202Z'\n                  status",
        "createdAt: yesterday\n                  status",
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("date-time"),
        "{}",
        found[0].message
    );
}

#[test]
fn an_invalid_spec_is_an_error_with_a_location() {
    let found = lint::lint_text("openapi: 3.0.3\ninfo: [unclosed\n");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule, "spec-parse");
    assert!(found[0].location.starts_with("line "), "{found:?}");

    let found = mutate("openapi: 3.0.3", "openapi: 3.1.0");
    assert_eq!(rules_at(&found), [("spec-parse", "#/openapi")]);

    let found = mutate("  title: Apify API\n", "");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule, "spec-parse");
    assert_eq!(found[0].location, "#/info");

    // The codegen rules are lint rules too.
    let found = mutate("      operationId: webhook_test_post\n", "");
    assert!(
        found.iter().any(|f| f.rule == "codegen"
            && f.location == "#/paths/~1v2~1webhooks~1{webhookId}~1test/post"),
        "{found:#?}"
    );
}

#[test]
fn every_rule_is_exercised_and_listed() {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for name in ["hygiene.yaml", "examples.yaml"] {
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        seen.extend(lint::lint_text(&text).iter().map(|f| f.rule));
    }
    seen.extend(lint::lint_text("{").iter().map(|f| f.rule));
    seen.extend(
        mutate("      operationId: webhook_test_post\n", "")
            .iter()
            .map(|f| f.rule),
    );
    let listed: BTreeSet<&str> = RULES.iter().map(|(name, _)| *name).collect();
    assert!(
        seen.is_subset(&listed),
        "rules missing from lint::RULES: {:?}",
        seen.difference(&listed).collect::<Vec<_>>()
    );
    assert_eq!(
        listed.difference(&seen).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "rules no fixture exercises"
    );
}

// --- the whole command, with Redocly -------------------------------------------------------

/// A scratch workspace holding `spec`, the real redocly.yaml and Redocly pin, and the
/// workspace's Redocly install (linked, so it is installed once).
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, spec: &str) -> Self {
        let root = xtask::workspace_root();
        xtask::redocly::ensure_installed(&root).expect("Redocly CLI installs");
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("lint-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("tools/redocly")).unwrap();
        std::fs::create_dir_all(dir.join("target/tools")).unwrap();
        for file in [
            "redocly.yaml",
            "tools/redocly/package.json",
            "tools/redocly/package-lock.json",
        ] {
            std::fs::copy(root.join(file), dir.join(file)).unwrap();
        }
        std::os::unix::fs::symlink(
            root.join(xtask::redocly::INSTALL_DIR),
            dir.join(xtask::redocly::INSTALL_DIR),
        )
        .unwrap();
        std::fs::write(dir.join("openapi.yaml"), spec).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn lint_command_passes_on_the_spec_and_fails_on_bad_specs() {
    assert!(
        lint::run(&xtask::workspace_root()),
        "`cargo xtask lint` fails on openapi.yaml"
    );

    // An example that contradicts its schema: both our rule and Redocly's catch it.
    let bad_example = real_spec().replacen("type: invalid-input\n", "type: no-such-type\n", 1);
    let scratch = Scratch::new("bad-example", &bad_example);
    assert!(!lint::run(&scratch.0));
    let cli = xtask::redocly::ensure_installed(&scratch.0).unwrap();
    let problems = cli.lint("openapi.yaml").unwrap();
    assert!(
        problems.iter().any(|p| p.is_error()
            && p.rule == "no-invalid-media-type-examples"
            && p.pointer
                .starts_with("#/components/responses/BadRequest/content/application~1json")),
        "Redocly did not flag the example: {problems:#?}"
    );
    drop(scratch);

    // A spec that is not valid OpenAPI: Redocly's own structure check catches it too.
    let invalid = real_spec().replacen("  title: Apify API\n", "", 1);
    let scratch = Scratch::new("invalid", &invalid);
    assert!(!lint::run(&scratch.0));
    let problems = xtask::redocly::ensure_installed(&scratch.0)
        .unwrap()
        .lint("openapi.yaml")
        .unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p.is_error() && p.rule == "struct" && p.pointer == "#/info"),
        "Redocly did not flag the missing title: {problems:#?}"
    );
}

#[test]
fn redocly_pin_matches_the_installer() {
    let root = xtask::workspace_root();
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("tools/redocly/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest["dependencies"]["@redocly/cli"],
        xtask::redocly::VERSION,
        "tools/redocly/package.json and redocly::VERSION disagree"
    );
    let parsed = xtask::redocly::parse_lint_json(
        r##"{"totals":{"errors":1},"problems":[{"ruleId":"struct","severity":"error","message":"m","location":[{"source":{"ref":"openapi.yaml"},"pointer":"#/info","start":{"line":2,"col":1}}],"reference":"r"}]}"##,
    )
    .unwrap();
    assert_eq!(parsed.len(), 1);
    assert_eq!(parsed[0].position, "openapi.yaml:2:1");
    assert!(xtask::redocly::parse_lint_json("not json").is_err());
}
