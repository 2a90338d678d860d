//! `cargo xtask bench`: every benchmark of the workspace in one run, with the ratios side by side.
//!
//! 1. The criterion benches of `benches/` (`apify-api-benches`): the generated server against
//!    hand-written axum (in process and over loopback), the generated client against reqwest +
//!    serde_json, and decoding the spec's 201 example as the generated type against
//!    `serde_json::Value`. Their paired phase, where the contenders take turns in short rounds,
//!    gives the ratios (see that crate's docs for why).
//! 2. Codegen wall time: this binary's `codegen --check` (the same work as `codegen` without
//!    writing, so the working tree is never touched) against openapi-generator's `rust` and
//!    `rust-axum` generators on the same `openapi.yaml`, and the lines each one generates.
//!    openapi-generator comes from PyPI (`openapi-generator-cli`, which ships the jar) and is
//!    installed into a venv under `target/tools/`; it runs on the machine's `java`.
//!
//! Benchmarks are never assertions: this command reports, and fails only when a tool fails. The
//! summary is printed and written as markdown to `target/bench-report.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The pinned openapi-generator release (PyPI `openapi-generator-cli`).
pub const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";
/// Where it is installed, relative to the workspace root.
pub const OPENAPI_GENERATOR_DIR: &str = "target/tools/openapi-generator-cli";
/// Where the report is written, relative to the workspace root.
pub const REPORT: &str = "target/bench-report.md";

/// The goals of issue #5.
const OVERHEAD_GOAL: f64 = 1.05;
const CODEGEN_SPEEDUP_GOAL: f64 = 10.0;

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Shorter measurements and fewer codegen runs: a smoke run, not figures to record.
    pub quick: bool,
    pub criterion: bool,
    pub codegen: bool,
}

impl Options {
    /// Parses `[--quick] [--only criterion|codegen]`.
    pub fn parse(args: &[&str]) -> Result<Self, String> {
        let mut options = Self {
            quick: false,
            criterion: true,
            codegen: true,
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match *arg {
                "--quick" => options.quick = true,
                "--only" => match args.next().copied() {
                    Some("criterion") => options.codegen = false,
                    Some("codegen") => options.criterion = false,
                    Some(other) => {
                        return Err(format!(
                            "`--only` takes `criterion` or `codegen`, not `{other}`"
                        ));
                    }
                    None => return Err("`--only` takes `criterion` or `codegen`".to_owned()),
                },
                other => return Err(format!("unknown option `{other}`")),
            }
        }
        Ok(options)
    }

    fn codegen_runs(&self) -> (usize, usize) {
        // (this generator, each openapi-generator generator): medians over that many runs.
        if self.quick { (3, 1) } else { (15, 5) }
    }
}

/// Runs what `options` selects and prints the summary; false if a step failed.
pub fn run(root: &Path, options: Options) -> bool {
    let started = Instant::now();
    let machine = Machine::read();
    println!("{}", machine.describe());
    let mut report = String::new();
    let mut ok = true;
    if options.criterion {
        match criterion(root, options) {
            Ok(section) => report.push_str(&section),
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
            }
        }
    }
    if options.codegen {
        match codegen(root, options) {
            Ok(section) => report.push_str(&section),
            Err(e) => {
                eprintln!("error: {e}");
                ok = false;
            }
        }
    }
    let load_after = Machine::load_average();
    let header = format!(
        "## Run of {}\n\n{}\n- load average (1, 5, 15 min) at the end: {load_after}\n- `cargo xtask bench{}` took {:.0?} (builds excluded when already built)\n\n",
        machine.date,
        machine.markdown(),
        if options.quick { " --quick" } else { "" },
        started.elapsed()
    );
    let report = header + &report;
    println!("\n{report}");
    let path = root.join(REPORT);
    match std::fs::write(&path, &report) {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            ok = false;
        }
    }
    ok
}

/// What the figures were measured on.
struct Machine {
    cores: String,
    cpu: String,
    memory: String,
    load: String,
    rustc: String,
    date: String,
}

impl Machine {
    fn read() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
            .unwrap_or_else(|| "unknown".to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory = meminfo
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or_else(
                || "unknown".to_owned(),
                |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0),
            );
        let cores = std::thread::available_parallelism()
            .map_or_else(|_| "unknown".to_owned(), |n| n.to_string());
        Self {
            cores,
            cpu,
            memory,
            load: Self::load_average(),
            rustc: capture("rustc", &["--version"]).unwrap_or_else(|| "unknown".to_owned()),
            date: capture("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
                .unwrap_or_else(|| "unknown date".to_owned()),
        }
    }

    fn load_average() -> String {
        std::fs::read_to_string("/proc/loadavg")
            .ok()
            .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
            .unwrap_or_else(|| "unknown".to_owned())
    }

    fn describe(&self) -> String {
        format!(
            "machine: {} cores (nproc), {}, {} memory; load average {}; {}",
            self.cores, self.cpu, self.memory, self.load, self.rustc
        )
    }

    fn markdown(&self) -> String {
        format!(
            "- machine: {} cores (nproc), CPU `{}` (/proc/cpuinfo), {} memory (/proc/meminfo)\n- toolchain: {}\n- load average (1, 5, 15 min) at the start: {}",
            self.cores, self.cpu, self.memory, self.rustc, self.load
        )
    }
}

/// The first line a command prints, if it runs.
fn capture(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    let text = if output.stdout.is_empty() {
        output.stderr
    } else {
        output.stdout
    };
    String::from_utf8(text)
        .ok()?
        .lines()
        .next()
        .map(|l| l.trim().to_owned())
}

/// The comparisons the criterion benches make: (group, contenders, ratios, goal).
struct Comparison {
    group: &'static str,
    title: &'static str,
    contenders: &'static [&'static str],
    /// (numerator, denominator, goal: the ratio must be at most this, if any).
    ratios: &'static [(&'static str, &'static str, Option<f64>)],
}

const COMPARISONS: [Comparison; 4] = [
    Comparison {
        group: "server_in_process",
        title: "Server overhead, in process (tower `oneshot`)",
        contenders: &["generated", "handwritten", "handwritten_owned", "static"],
        ratios: &[
            ("generated", "handwritten", Some(OVERHEAD_GOAL)),
            ("generated", "handwritten_owned", None),
            ("generated", "static", None),
        ],
    },
    Comparison {
        group: "server_loopback",
        title: "Server overhead, over loopback (keep-alive reqwest client)",
        contenders: &["generated", "handwritten", "static"],
        ratios: &[("generated", "handwritten", Some(OVERHEAD_GOAL))],
    },
    Comparison {
        group: "client",
        title: "Client overhead (same local server, same connection pool)",
        contenders: &["generated", "raw_reqwest"],
        ratios: &[("generated", "raw_reqwest", Some(OVERHEAD_GOAL))],
    },
    Comparison {
        group: "decode",
        title: "Decoding the spec's 201 example body",
        contenders: &["typed", "value"],
        ratios: &[("value", "typed", None)],
    },
];

/// Runs the criterion benches, then reads criterion's estimates and the paired ratios.
fn criterion(root: &Path, options: Options) -> Result<String, String> {
    let criterion_home = root.join("target/criterion");
    let paired_path = criterion_home.join("paired.json");
    // A stale file must not pass for this run's figures.
    let _ = std::fs::remove_file(&paired_path);
    let mut args = vec![
        "bench",
        "-p",
        "apify-api-benches",
        "--bench",
        "overhead",
        "--",
    ];
    if options.quick {
        args.extend(["--warm-up-time", "0.5", "--measurement-time", "1"]);
    }
    println!("\n==> cargo {}", args.join(" "));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(&args)
        .current_dir(root)
        .env("CRITERION_HOME", &criterion_home)
        .env("PAIRED_SECONDS", if options.quick { "1" } else { "4" })
        .status()
        .map_err(|e| format!("cannot run `{cargo}`: {e}"))?;
    if !status.success() {
        return Err(format!("`cargo {}` failed ({status})", args.join(" ")));
    }
    let paired: Value = read_json(&paired_path)?;

    let mut out = String::new();
    let command = format!("cargo {}", args.join(" "));
    let _ = writeln!(
        out,
        "### Criterion benches\n\nCommand: `CRITERION_HOME=target/criterion PAIRED_SECONDS={} {command}` (what `cargo xtask bench` runs).\nCriterion median with its 95% confidence interval (each contender measured on its own), then the paired median (contenders taking turns) and the paired ratio: the median of the per-round ratios, with its quartiles.\n",
        if options.quick { 1 } else { 4 }
    );
    for comparison in &COMPARISONS {
        let group = &paired[comparison.group];
        let rounds = group["rounds"].as_u64().unwrap_or(0);
        let _ = writeln!(
            out,
            "#### {}\n\n| contender | criterion median [95% CI] | paired median ({rounds} rounds) |\n| --- | --- | --- |",
            comparison.title
        );
        for contender in comparison.contenders {
            let estimate = criterion_median(&criterion_home, comparison.group, contender)?;
            let paired_ns = group["median_ns"][contender].as_f64();
            let _ = writeln!(
                out,
                "| `{contender}` | {} [{} – {}] | {} |",
                duration(estimate.0),
                duration(estimate.1),
                duration(estimate.2),
                paired_ns.map_or_else(|| "–".to_owned(), duration)
            );
        }
        let _ = writeln!(
            out,
            "\n| ratio | criterion medians | paired (quartiles) | goal |\n| --- | --- | --- | --- |"
        );
        for (num, den, goal) in comparison.ratios {
            let a = criterion_median(&criterion_home, comparison.group, num)?.0;
            let b = criterion_median(&criterion_home, comparison.group, den)?.0;
            let paired_ratio = group["ratios"]
                .as_array()
                .and_then(|ratios| {
                    ratios
                        .iter()
                        .find(|r| r["numerator"] == *num && r["denominator"] == *den)
                })
                .ok_or_else(|| format!("{}: no paired ratio {num}/{den}", paired_path.display()))?;
            let median = paired_ratio["median"].as_f64().unwrap_or(f64::NAN);
            // Four decimals beside the verdict, so that 1.050 is not both met and not met.
            let goal = match goal {
                Some(g) if median <= *g => format!("≤ {g:.2}: **met** ({median:.4})"),
                Some(g) => format!("≤ {g:.2}: **not met** ({median:.4})"),
                None => "–".to_owned(),
            };
            let _ = writeln!(
                out,
                "| `{num}` / `{den}` | {:.3} | **{median:.3}** ({:.3} – {:.3}) | {goal} |",
                a / b,
                paired_ratio["p25"].as_f64().unwrap_or(f64::NAN),
                paired_ratio["p75"].as_f64().unwrap_or(f64::NAN),
            );
        }
        if comparison.group == "decode" {
            let bytes = decode_body_len(&criterion_home);
            for contender in comparison.contenders {
                let ns = criterion_median(&criterion_home, comparison.group, contender)?.0;
                if let Some(bytes) = bytes {
                    let _ = writeln!(
                        out,
                        "\n`{contender}` throughput: {:.0} MiB/s ({bytes} bytes per body, criterion median)",
                        bytes as f64 / (ns / 1e9) / 1024.0 / 1024.0
                    );
                }
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// (median, lower, upper) in nanoseconds, from criterion's `new/estimates.json`.
fn criterion_median(home: &Path, group: &str, id: &str) -> Result<(f64, f64, f64), String> {
    let path = home.join(group).join(id).join("new/estimates.json");
    let json = read_json(&path)?;
    let median = &json["median"];
    let get = |v: &Value| {
        v.as_f64()
            .ok_or_else(|| format!("{}: no median estimate", path.display()))
    };
    Ok((
        get(&median["point_estimate"])?,
        get(&median["confidence_interval"]["lower_bound"])?,
        get(&median["confidence_interval"]["upper_bound"])?,
    ))
}

/// The length of the decode benchmark's body, read from the throughput criterion recorded.
fn decode_body_len(home: &Path) -> Option<u64> {
    let json = read_json(&home.join("decode/typed/new/benchmark.json")).ok()?;
    json["throughput"]["Bytes"].as_u64()
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

fn duration(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The generators compared, and the lines they produce.
struct Timed {
    label: String,
    times: Vec<Duration>,
    rs_files: usize,
    rs_lines: usize,
    all_files: usize,
    all_lines: usize,
}

impl Timed {
    fn median(&self) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        times[times.len() / 2]
    }

    fn min(&self) -> Duration {
        self.times.iter().copied().min().unwrap_or_default()
    }
}

/// `cargo xtask codegen` (this binary, `codegen --check`) against openapi-generator.
fn codegen(root: &Path, options: Options) -> Result<String, String> {
    let (ours_runs, theirs_runs) = options.codegen_runs();
    let this = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    println!(
        "\n==> {} codegen --check, {ours_runs} timed runs after one warm-up",
        this.display()
    );
    let mut ours = Timed {
        label: "`cargo xtask codegen` (progenitor + this xtask)".to_owned(),
        times: Vec::new(),
        rs_files: 0,
        rs_lines: 0,
        all_files: 0,
        all_lines: 0,
    };
    for i in 0..=ours_runs {
        let started = Instant::now();
        let output = Command::new(&this)
            .args(["codegen", "--check"])
            .current_dir(root)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", this.display()))?;
        let took = started.elapsed();
        if !output.status.success() {
            eprintln!(
                "warning: `codegen --check` reports stale files; the time is still that of a full generation"
            );
        }
        if i > 0 {
            ours.times.push(took);
        }
    }
    let spec = crate::spec::load(&root.join(crate::codegen::SPEC_PATH))
        .and_then(|spec| crate::codegen::generate(&spec))
        .map_err(|problems| format!("openapi.yaml cannot be generated from:\n{problems}"))?;
    for file in &spec {
        let lines = file.contents.lines().count();
        ours.rs_files += 1;
        ours.rs_lines += lines;
        ours.all_files += 1;
        ours.all_lines += lines;
    }

    let cli = install_openapi_generator(root)?;
    let java = capture("java", &["-version"]).unwrap_or_else(|| "unknown java".to_owned());
    let out_root = root.join("target/bench-codegen");
    let mut theirs = Vec::new();
    for generator in ["rust", "rust-axum"] {
        println!(
            "\n==> openapi-generator-cli generate -g {generator}: {theirs_runs} timed runs after one warm-up"
        );
        let out = out_root.join(generator);
        let mut timed = Timed {
            label: format!("openapi-generator {OPENAPI_GENERATOR_VERSION} `{generator}`"),
            times: Vec::new(),
            rs_files: 0,
            rs_lines: 0,
            all_files: 0,
            all_lines: 0,
        };
        for i in 0..=theirs_runs {
            let _ = std::fs::remove_dir_all(&out);
            let started = Instant::now();
            let output = Command::new(&cli)
                .args([
                    "generate",
                    "-i",
                    crate::codegen::SPEC_PATH,
                    "-g",
                    generator,
                    "-o",
                ])
                .arg(&out)
                .current_dir(root)
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run {}: {e}", cli.display()))?;
            let took = started.elapsed();
            if !output.status.success() {
                return Err(format!(
                    "openapi-generator `{generator}` failed:\n{}{}",
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            if i > 0 {
                timed.times.push(took);
            }
        }
        for (path, lines) in files_with_lines(&out) {
            timed.all_files += 1;
            timed.all_lines += lines;
            if path.extension().is_some_and(|e| e == "rs") {
                timed.rs_files += 1;
                timed.rs_lines += lines;
            }
        }
        theirs.push(timed);
    }

    let theirs_total: Duration = theirs.iter().map(Timed::median).sum();
    let speedup = theirs_total.as_secs_f64() / ours.median().as_secs_f64();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Codegen: `cargo xtask codegen` against openapi-generator\n\nCommands, from the workspace root (each timed as a whole process, wall clock, after one untimed warm-up run):\n\n- `{} codegen --check` ({ours_runs} runs): the xtask binary `cargo xtask` builds, run directly (no `cargo run`); `--check` generates exactly as `codegen` does (types, client, server, rustfmt) and compares instead of writing;\n- `{} generate -i openapi.yaml -g <rust|rust-axum> -o target/bench-codegen/<generator>` ({theirs_runs} runs each): PyPI `openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}` in a venv, on `{java}`.\n",
        this.strip_prefix(root).unwrap_or(&this).display(),
        cli.strip_prefix(root).unwrap_or(&cli).display(),
    );
    let _ = writeln!(
        out,
        "| generator | median | fastest | .rs files | .rs lines | all files | all lines |\n| --- | --- | --- | --- | --- | --- | --- |"
    );
    for t in std::iter::once(&ours).chain(&theirs) {
        let _ = writeln!(
            out,
            "| {} | {:.3} s | {:.3} s | {} | {} | {} | {} |",
            t.label,
            t.median().as_secs_f64(),
            t.min().as_secs_f64(),
            t.rs_files,
            t.rs_lines,
            t.all_files,
            t.all_lines
        );
    }
    let _ = writeln!(
        out,
        "\nopenapi-generator `rust` + `rust-axum` (client and server, as `cargo xtask codegen` makes both): {:.3} s, **{speedup:.1}×** the time of `cargo xtask codegen` (goal: at least {CODEGEN_SPEEDUP_GOAL:.0}×: **{}**).\nOur lines are the three `generated.rs` files (types, client, server); the hand-written glue is not counted. openapi-generator's \"all files\" include its README, docs, Cargo.toml and metadata.\n",
        theirs_total.as_secs_f64(),
        if speedup >= CODEGEN_SPEEDUP_GOAL {
            "met"
        } else {
            "not met"
        }
    );
    Ok(out)
}

/// Installs the pinned `openapi-generator-cli` into a venv under `target/tools/` (never
/// globally) unless it is there; returns its console script.
fn install_openapi_generator(root: &Path) -> Result<PathBuf, String> {
    let venv = root
        .join(OPENAPI_GENERATOR_DIR)
        .join(OPENAPI_GENERATOR_VERSION);
    let cli = venv.join("bin/openapi-generator-cli");
    if cli.exists() {
        return Ok(cli);
    }
    if capture("java", &["-version"]).is_none() {
        return Err("openapi-generator needs Java 11 or newer, and `java` is not on PATH\n  help: install a JRE, e.g. `apt-get install default-jre-headless`".to_owned());
    }
    println!(
        "\n==> installing openapi-generator-cli=={OPENAPI_GENERATOR_VERSION} into {}",
        venv.display()
    );
    let _ = std::fs::remove_dir_all(&venv);
    run_ok(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    run_ok(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--disable-pip-version-check", "--quiet"])
            .arg(format!(
                "openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"
            )),
    )?;
    if cli.exists() {
        Ok(cli)
    } else {
        Err(format!("{}: not there after the install", cli.display()))
    }
}

fn run_ok(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

fn count_lines(path: &Path) -> usize {
    std::fs::read(path).map_or(0, |bytes| bytes.iter().filter(|b| **b == b'\n').count())
}

/// Every file under `dir` with its number of lines, in path order.
fn files_with_lines(dir: &Path) -> Vec<(PathBuf, usize)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let lines = count_lines(&path);
                out.push((path, lines));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse() {
        assert_eq!(
            Options::parse(&[]),
            Ok(Options {
                quick: false,
                criterion: true,
                codegen: true
            })
        );
        assert_eq!(
            Options::parse(&["--quick", "--only", "codegen"]),
            Ok(Options {
                quick: true,
                criterion: false,
                codegen: true
            })
        );
        assert!(Options::parse(&["--only"]).is_err());
        assert!(Options::parse(&["--fast"]).is_err());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(950.0), "950 ns");
        assert_eq!(duration(3_041.0), "3.04 µs");
        assert_eq!(duration(2_500_000.0), "2.50 ms");
        assert_eq!(duration(1.5e9), "1.500 s");
    }

    #[test]
    fn lines_are_counted_per_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("src")).expect("mkdir");
        std::fs::write(dir.path().join("src/lib.rs"), "a\nb\n").expect("write");
        std::fs::write(dir.path().join("README.md"), "x\n").expect("write");
        let files = files_with_lines(dir.path());
        assert_eq!(
            files,
            vec![
                (dir.path().join("README.md"), 1),
                (dir.path().join("src/lib.rs"), 2)
            ]
        );
    }
}
