//! `cargo xtask test`: every test of the workspace, in one command.
//!
//! Runs the Rust tests of every crate, then the checks that need tools from outside the Rust
//! toolchain; those tools are installed by this crate into `target/tools/`, so a fresh machine
//! needs only cargo (plus the Node.js and Python that the machine image provides).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// One named check; `run` says whether it passed.
struct Step<'a> {
    name: &'a str,
    run: Box<dyn FnOnce() -> bool + 'a>,
}

/// Runs every step, even after a failure, and prints a summary. True when all passed.
pub fn run(root: &Path) -> bool {
    let steps = vec![
        Step {
            name: "cargo test --workspace",
            run: Box::new(|| cargo(root, &["test", "--workspace", "--locked"])),
        },
        Step {
            name: "spec lint: own rules and Redocly (cargo xtask lint)",
            run: Box::new(|| crate::lint::run(root)),
        },
        Step {
            name: "no breaking change since the last version bump (cargo xtask breaking --since-version)",
            run: Box::new(|| match crate::breaking::version_base(root) {
                Ok(base) => crate::breaking::run(root, Some(&base), false),
                Err(e) => {
                    eprintln!("error: {e}");
                    false
                }
            }),
        },
        Step {
            name: "conformance fuzzing: Schemathesis against the reference server (cargo xtask conformance)",
            run: Box::new(|| crate::conformance::run(root)),
        },
    ];
    let mut results = Vec::new();
    for step in steps {
        println!("\n==> {}", step.name);
        let started = Instant::now();
        let passed = (step.run)();
        results.push((step.name, passed, started.elapsed()));
    }
    println!("\n==> summary");
    for (name, passed, took) in &results {
        println!(
            "{:>4}  {name} ({took:.1?})",
            if *passed { "ok" } else { "FAIL" }
        );
    }
    let passed = results.iter().filter(|(_, passed, _)| *passed).count();
    println!("steps: {passed} passed, {} failed", results.len() - passed);
    passed == results.len()
}

/// Runs the cargo that runs this xtask, in `root`.
pub fn cargo(root: &Path, args: &[&str]) -> bool {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    match Command::new(&cargo).args(args).current_dir(root).status() {
        Ok(status) => status.success(),
        Err(e) => {
            eprintln!("error: cannot run `{cargo}`: {e}");
            false
        }
    }
}
