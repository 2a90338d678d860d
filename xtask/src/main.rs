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
  help             print this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
        ["test"] => exit_code(xtask::test_all::run(&workspace_root())),
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
