//! `cargo xtask codegen` as a test: the committed files are current, output is deterministic, a
//! spec change shows up as a stale file, and a refused spec or a failed write changes nothing.

mod support;

use std::path::PathBuf;

use support::{GENERATED, snapshot, workspace_with_spec};
use xtask::codegen::{self, Failure, Mode, Outcome, SPEC_PATH};
use xtask::workspace_root;

fn committed_spec() -> String {
    std::fs::read_to_string(workspace_root().join(SPEC_PATH)).expect("read openapi.yaml")
}

/// The spec with `from` replaced by `to`, failing loudly if the spec no longer contains `from`.
fn spec_with(from: &str, to: &str) -> String {
    let spec = committed_spec();
    assert!(
        spec.contains(from),
        "openapi.yaml no longer contains {from:?}; update this test"
    );
    spec.replacen(from, to, 1)
}

#[test]
fn committed_generated_files_are_current() {
    match codegen::run(&workspace_root(), Mode::Check) {
        Ok(Outcome::Checked { files, stale }) => {
            assert_eq!(files, GENERATED.len());
            assert!(
                stale.is_empty(),
                "run `cargo xtask codegen` and commit the result:\n{}",
                stale.join("\n")
            );
        }
        other => panic!("codegen --check failed: {other:?}"),
    }
}

#[test]
fn generation_is_deterministic() {
    let spec = xtask::spec::load(&workspace_root().join(SPEC_PATH)).expect("spec loads");
    let first = codegen::generate(&spec).expect("generates");
    let second = codegen::generate(&spec).expect("generates again");
    assert_eq!(first, second);
    for file in &first {
        assert!(
            file.contents.starts_with(codegen::format::HEADER),
            "{} lacks the @generated header",
            file.path.display()
        );
    }
}

#[test]
fn a_changed_enum_value_makes_check_fail_until_regenerated() {
    let dir = workspace_with_spec(&spec_with("        - TEST\n", "        - TESTED\n"));
    let Ok(Outcome::Checked { stale, .. }) = codegen::run(dir.path(), Mode::Check) else {
        panic!("check ran")
    };
    assert_eq!(stale.len(), 1, "only the types file changes");
    assert!(
        stale[0].contains("apify-api-types") && stale[0].contains("+            \"TESTED\""),
        "{}",
        stale[0]
    );

    let Ok(Outcome::Written(written)) = codegen::run(dir.path(), Mode::Write) else {
        panic!("write ran")
    };
    assert_eq!(written.changed, vec![PathBuf::from(GENERATED[0])]);
    let Ok(Outcome::Checked { stale, .. }) = codegen::run(dir.path(), Mode::Check) else {
        panic!("check ran")
    };
    assert!(stale.is_empty());
    let Ok(Outcome::Written(again)) = codegen::run(dir.path(), Mode::Write) else {
        panic!("write ran")
    };
    assert!(
        again.changed.is_empty(),
        "an unchanged spec changes nothing"
    );
}

/// Each refused spec names the location, says how to fix it, and leaves every file as it was.
#[test]
fn refused_specs_change_no_file() {
    let cases = [
        (
            "openapi 3.1",
            spec_with("openapi: 3.0.3", "openapi: 3.1.0"),
            "#/openapi",
            "3.0",
        ),
        (
            "missing operationId",
            spec_with("      operationId: webhook_test_post\n", ""),
            "#/paths/~1v2~1webhooks~1{webhookId}~1test/post",
            "operationId",
        ),
        (
            "inline error schema",
            spec_with(
                "    Unauthorized:\n      description: Unauthorized - authentication required or invalid token.\n      content:\n        application/json:\n          schema:\n            $ref: '#/components/schemas/ErrorResponse'",
                "    Unauthorized:\n      description: Unauthorized - authentication required or invalid token.\n      content:\n        application/json:\n          schema:\n            type: object\n            properties:\n              message:\n                type: string",
            ),
            "#/components/responses/Unauthorized/content/application~1json/schema",
            "components/schemas",
        ),
        (
            "not YAML",
            "openapi: 3.0.3\ninfo: [unclosed\n".to_owned(),
            "line ",
            "YAML",
        ),
    ];
    for (name, spec, location, hint) in cases {
        let dir = workspace_with_spec(&spec);
        let before = snapshot(dir.path());
        let result = codegen::run(dir.path(), Mode::Write);
        let Err(Failure::Spec(problems)) = result else {
            panic!("{name}: expected a refusal, got {result:?}")
        };
        let text = Failure::Spec(problems).to_string();
        assert!(
            text.contains(location),
            "{name}: the message does not name {location}:\n{text}"
        );
        assert!(
            text.contains("help:") && text.contains(hint),
            "{name}: the message gives no fix mentioning {hint}:\n{text}"
        );
        assert!(text.contains("no file was changed"), "{name}:\n{text}");
        assert_eq!(snapshot(dir.path()), before, "{name}: a file changed");
    }
}

/// A write that fails half-way leaves the files already staged as they were, and no temp files.
#[test]
fn a_failed_write_changes_no_file() {
    // Changing the operation's description changes both the client and the server file.
    let dir = workspace_with_spec(&spec_with(
        "description: Tests a webhook. Creates a webhook dispatch with a dummy payload.",
        "description: Tests a webhook by creating a webhook dispatch with a dummy payload.",
    ));
    // A directory where the server file's temp file would go makes that write fail.
    let blocker = dir
        .path()
        .join("crates/apify-api-server/src/generated.rs.codegen-tmp");
    std::fs::create_dir(&blocker).expect("create blocker");
    let before = snapshot(dir.path());
    let result = codegen::run(dir.path(), Mode::Write);
    assert!(matches!(result, Err(Failure::Write(_))), "{result:?}");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "a file changed, or a temp file was left behind"
    );
}

#[test]
fn a_generator_panic_becomes_a_diagnostic() {
    let result: Result<(), _> =
        codegen::run_generator("the test generator", || panic!("assertion failed: boom"));
    let diagnostic = result.expect_err("a panic is an error");
    assert!(
        diagnostic.message.contains("crashed") && diagnostic.message.contains("boom"),
        "{diagnostic}"
    );
    assert!(!diagnostic.hint.is_empty());
}
