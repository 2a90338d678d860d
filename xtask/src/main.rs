//! `cargo xtask <command>`: the workspace's spec tooling. See `cargo xtask help`.

use std::process::ExitCode;
use std::time::Instant;

use xtask::codegen::{self, SPEC_PATH};
use xtask::{files, spec, workspace_root};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen          validate openapi.yaml and regenerate the generated file of every crate
  codegen --check  change nothing; fail with a diff if a generated file is not current
  help             print this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => run_codegen(false),
        ["codegen", "--check"] => run_codegen(true),
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
    let root = workspace_root();
    let spec_path = root.join(SPEC_PATH);
    let generated = spec::load(&spec_path).and_then(|spec| codegen::generate(&spec));
    let generated = match generated {
        Ok(files) => files,
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!(
                "\n{SPEC_PATH} was not generated from: {} problem(s); no file was changed.",
                problems.0.len()
            );
            return ExitCode::FAILURE;
        }
    };
    if check {
        let stale = files::stale(&root, &generated);
        if stale.is_empty() {
            println!(
                "generated code is current ({} files, {:.2?})",
                generated.len(),
                started.elapsed()
            );
            return ExitCode::SUCCESS;
        }
        for diff in &stale {
            eprintln!("{diff}");
        }
        eprintln!(
            "{} generated file(s) are stale: run `cargo xtask codegen` and commit the result.",
            stale.len()
        );
        return ExitCode::FAILURE;
    }
    match files::write_all(&root, &generated) {
        Ok(written) => {
            for path in &written.changed {
                println!("updated   {}", path.display());
            }
            for path in &written.unchanged {
                println!("unchanged {}", path.display());
            }
            println!("codegen done in {:.2?}", started.elapsed());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: could not write the generated files: {e}\nno file was changed.");
            ExitCode::FAILURE
        }
    }
}
