//! The corpus of broken or unsupported specs in `tests/bad_specs/`: each is refused with a clear
//! error naming its location and a fix, none makes the generator panic, and none changes a file.
//!
//! Every case is `openapi.yaml` with one defect (or, for the cases about the document as a whole,
//! a small document). Its first lines say what is wrong and what the error must say:
//!
//! ```yaml
//! # defect: `openapi: 3.1.0`
//! # expect: #/openapi | OpenAPI version 3.1.0 is not supported
//! ```
//!
//! `expect` is `<location> | <message>`: one diagnostic, and only one, must have a location
//! containing `<location>` and a message containing `<message>`. A case whose `expect` is
//! `accepted` documents a construct that looks risky but generates fine.

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use support::{snapshot, workspace_with_spec};
use xtask::codegen::{self, Failure, Mode, Outcome, SPEC_PATH};
use xtask::spec::Diagnostic;
use xtask::workspace_root;

/// The corpus must keep at least this many refused cases.
const MIN_REFUSED_CASES: usize = 25;

/// One spec of the corpus.
struct Case {
    name: String,
    text: String,
    expect: Expect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Refused, with one diagnostic matching both substrings.
    Refused { location: String, message: String },
    /// Generated from without complaint.
    Accepted,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_specs")
}

/// Every case in the corpus, by file name.
fn corpus() -> Vec<Case> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/bad_specs exists")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| {
            matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "txt")
            )
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("utf-8 file name")
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("read case");
            let expect = parse_expect(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            Case { name, text, expect }
        })
        .collect()
}

/// Reads the `# defect:` and `# expect:` header of a case.
fn parse_expect(text: &str) -> Result<Expect, String> {
    let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    let field = |key: &str| {
        header
            .iter()
            .find_map(|l| l.strip_prefix(&format!("# {key}:")))
            .map(str::trim)
    };
    match field("defect") {
        Some(d) if !d.is_empty() => {}
        _ => return Err("the header has no `# defect: <what is wrong>` line".to_owned()),
    }
    let expect = field("expect").ok_or("the header has no `# expect:` line")?;
    if expect == "accepted" {
        return Ok(Expect::Accepted);
    }
    let (location, message) = expect
        .split_once(" | ")
        .ok_or("`# expect:` must be `<location> | <message>` or `accepted`")?;
    if location.trim().is_empty() || message.trim().is_empty() {
        return Err("`# expect:` has an empty location or message".to_owned());
    }
    Ok(Expect::Refused {
        location: location.trim().to_owned(),
        message: message.trim().to_owned(),
    })
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// Runs one case; `Ok` holds the printed error of a refused case (empty for an accepted one).
fn check(case: &Case) -> Result<String, String> {
    let dir = workspace_with_spec(&case.text);
    let before = snapshot(dir.path());
    let result = catch_unwind(AssertUnwindSafe(|| codegen::run(dir.path(), Mode::Write)))
        .map_err(|panic| format!("codegen panicked: {}", panic_text(&*panic)))?;
    let outcome = match (&case.expect, result) {
        (Expect::Refused { location, message }, Err(Failure::Spec(problems))) => {
            let text = Failure::Spec(problems.clone()).to_string();
            let matching: Vec<&Diagnostic> = problems
                .0
                .iter()
                .filter(|d| {
                    d.location.contains(location.as_str()) && d.message.contains(message.as_str())
                })
                .collect();
            if matching.len() != 1 {
                return Err(format!(
                    "expected one error at `{location}` saying `{message}`, found {}:\n{text}",
                    matching.len()
                ));
            }
            if problems.0.len() != 1 {
                return Err(format!(
                    "one defect must give one error, found {}:\n{text}",
                    problems.0.len()
                ));
            }
            if matching[0].hint.trim().is_empty() || !text.contains("\n  help: ") {
                return Err(format!("the error says no fix (`help:`):\n{text}"));
            }
            if !text.contains("no file was changed") {
                return Err(format!(
                    "the error does not say that no file changed:\n{text}"
                ));
            }
            Ok(text)
        }
        (Expect::Refused { .. }, other) => Err(format!("expected a refused spec, got {other:?}")),
        (Expect::Accepted, Ok(Outcome::Written(_))) => Ok(String::new()),
        (Expect::Accepted, other) => {
            Err(format!("expected the spec to be accepted, got {other:?}"))
        }
    };
    let after = snapshot(dir.path());
    if outcome.is_ok() && matches!(case.expect, Expect::Refused { .. }) && after != before {
        let changed: Vec<String> = after
            .iter()
            .filter(|file| !before.contains(file))
            .map(|(path, _)| path.display().to_string())
            .collect();
        return Err(format!(
            "a refused spec changed files: {}",
            changed.join(", ")
        ));
    }
    outcome
}

#[test]
fn every_bad_spec_is_refused_with_its_location_and_a_fix_and_changes_no_file() {
    let cases = corpus();
    let mut failures = Vec::new();
    let mut outputs: Vec<(&str, String)> = Vec::new();
    for case in &cases {
        match check(case) {
            Ok(text) => {
                // Shown with `cargo test -p xtask --test bad_specs -- --nocapture`.
                println!("--- {}\n{text}\n", case.name);
                outputs.push((&case.name, text))
            }
            Err(e) => failures.push(format!("--- {}\n{e}", case.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
    // Distinct cases must give distinct errors: no two refused cases print the same text.
    let refused: Vec<&(&str, String)> = outputs.iter().filter(|(_, t)| !t.is_empty()).collect();
    for (i, (a, text_a)) in refused.iter().enumerate() {
        for (b, text_b) in &refused[i + 1..] {
            assert_ne!(text_a, text_b, "{a} and {b} give the same error");
        }
    }
}

#[test]
fn the_corpus_has_enough_distinct_cases() {
    let cases = corpus();
    let refused: Vec<(&str, &str, &str)> = cases
        .iter()
        .filter_map(|c| match &c.expect {
            Expect::Refused { location, message } => {
                Some((c.name.as_str(), location.as_str(), message.as_str()))
            }
            Expect::Accepted => None,
        })
        .collect();
    assert!(
        refused.len() >= MIN_REFUSED_CASES,
        "the corpus has {} refused cases; keep at least {MIN_REFUSED_CASES}",
        refused.len()
    );
    for (i, (a, loc_a, msg_a)) in refused.iter().enumerate() {
        for (b, loc_b, msg_b) in &refused[i + 1..] {
            assert!(
                (loc_a, msg_a) != (loc_b, msg_b),
                "{a} and {b} expect the same error; each case must test its own rule"
            );
        }
    }
}

#[test]
fn the_committed_spec_passes_so_each_case_isolates_its_defect() {
    let spec = xtask::spec::load(&workspace_root().join(SPEC_PATH)).expect("openapi.yaml loads");
    let problems = xtask::validate::validate(&spec);
    assert!(
        problems.is_empty(),
        "openapi.yaml itself is refused: {problems:?}"
    );
}

#[test]
fn a_malformed_header_is_reported() {
    assert!(parse_expect("openapi: 3.0.3\n").is_err());
    assert!(parse_expect("# defect: x\nopenapi: 3.0.3\n").is_err());
    assert!(parse_expect("# defect: x\n# expect: only a location\n").is_err());
    assert_eq!(
        parse_expect("# defect: x\n# expect: #/a | b c\n"),
        Ok(Expect::Refused {
            location: "#/a".to_owned(),
            message: "b c".to_owned()
        })
    );
    assert_eq!(
        parse_expect("# defect: x\n# expect: accepted\n"),
        Ok(Expect::Accepted)
    );
}
