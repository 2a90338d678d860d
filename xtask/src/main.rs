//! `cargo xtask <command>`: the workspace's spec tooling. See `cargo xtask help`.

use std::process::ExitCode;
use std::time::Instant;

use xtask::codegen::{self, Mode, Outcome};
use xtask::workspace_root;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen          validate openapi.yaml and regenerate the generated file of every crate
  codegen --check  change nothing; fail with a diff if a generated file is not current
  test             run every test: the Rust tests of all crates and the external spec checks
  lint             check openapi.yaml: codegen rules, hygiene rules, every example against its
                   schema, then Redocly CLI's lint (pinned; installed into target/tools)
  breaking [--base REF | --since-version] [--allow-breaking]
                   report every API change since REF (default: `git merge-base HEAD main`;
                   --since-version: since the commit that set the current info.version) as
                   markdown; fail on a breaking change unless the major version was raised
  conformance      fuzz the reference server with Schemathesis (pinned; installed into target/tools)
  docs             render the API reference into target/api-reference.html (works offline)
  bench [--quick] [--only criterion|codegen]
                   run the benchmarks (criterion: server, client, decode; codegen against
                   openapi-generator, installed into target/tools) and print the ratios
  help             print this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["test"] => exit_code(xtask::test_all::run(&workspace_root())),
        ["lint"] => exit_code(xtask::lint::run(&workspace_root())),
        ["conformance"] => exit_code(xtask::conformance::run(&workspace_root())),
        ["breaking", rest @ ..] => run_breaking(rest),
        ["docs"] => run_docs(),
        ["bench", rest @ ..] => match xtask::bench::Options::parse(rest) {
            Ok(options) => exit_code(xtask::bench::run(&workspace_root(), options)),
            Err(e) => {
                eprintln!("error: {e}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_codegen(check: bool) -> ExitCode {
    let started = Instant::now();
    let mode = if check { Mode::Check } else { Mode::Write };
    match codegen::run(&workspace_root(), mode) {
        Ok(Outcome::Checked { files, stale }) if stale.is_empty() => {
            println!(
                "generated code is current ({files} files, {:.2?})",
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Ok(Outcome::Checked { stale, .. }) => {
            for diff in &stale {
                eprintln!("{diff}");
            }
            eprintln!(
                "{} generated file(s) are stale: run `cargo xtask codegen` and commit the result.",
                stale.len()
            );
            ExitCode::FAILURE
        }
        Ok(Outcome::Written(written)) => {
            for path in &written.changed {
                println!("updated   {}", path.display());
            }
            for path in &written.unchanged {
                println!("unchanged {}", path.display());
            }
            println!("codegen done in {:.2?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::FAILURE
        }
    }
}

fn exit_code(passed: bool) -> ExitCode {
    if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_breaking(args: &[&str]) -> ExitCode {
    let root = workspace_root();
    let mut base: Option<String> = None;
    let mut allow = false;
    let mut i = 0;
    while i < args.len() {
        match (args[i], args.get(i + 1)) {
            ("--base", Some(r)) => {
                base = Some((*r).to_owned());
                i += 1;
            }
            ("--since-version", _) => match xtask::breaking::version_base(&root) {
                Ok(b) => base = Some(b),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            },
            ("--allow-breaking", _) => allow = true,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
        i += 1;
    }
    exit_code(xtask::breaking::run(&root, base.as_deref(), allow))
}

fn run_docs() -> ExitCode {
    let started = Instant::now();
    match xtask::reference_docs::build(&workspace_root()) {
        Ok(path) => {
            println!(
                "API reference written to {} in {:.2?}; open it in a browser (file://{})",
                path.display(),
                started.elapsed(),
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
