//! The pinned Redocly CLI: installed from `tools/redocly/package-lock.json` with `npm ci` into
//! `target/tools/redocly`, then run with Node for `lint` and `build-docs`.
//!
//! Nothing is written outside `target/`: the lock file is copied next to the install, and the
//! install is reused while the copy matches the committed lock file. A file lock keeps two test
//! binaries (or two engineers' builds) from installing at the same time.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The pinned `@redocly/cli` version; `tools/redocly/package.json` must name the same one.
pub const VERSION: &str = "2.77.0";

/// The committed manifest and lock file, relative to the workspace root.
pub const TOOLS_DIR: &str = "tools/redocly";
/// Where the CLI is installed, relative to the workspace root.
pub const INSTALL_DIR: &str = "target/tools/redocly";

/// An installed Redocly CLI.
#[derive(Debug, Clone)]
pub struct Redocly {
    /// `node_modules/@redocly/cli/bin/cli.js`.
    cli: PathBuf,
    /// The workspace root, the working directory of every run.
    root: PathBuf,
    /// How long the install (or the check that it is current) took.
    pub install_time: Duration,
    /// Whether this call installed it (false: an earlier install was reused).
    pub installed_now: bool,
}

/// One problem Redocly reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The Redocly rule, e.g. `no-invalid-media-type-examples`.
    pub rule: String,
    /// `error` or `warn`.
    pub severity: String,
    pub message: String,
    /// A JSON pointer into the linted file.
    pub pointer: String,
    /// `file:line:column` of the problem.
    pub position: String,
    /// Redocly's page on the rule.
    pub reference: String,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }
}

/// Installs the pinned CLI if `target/tools/redocly` does not hold it yet, and returns it.
pub fn ensure_installed(root: &Path) -> Result<Redocly, String> {
    let started = Instant::now();
    let tools = root.join(TOOLS_DIR);
    let install = root.join(INSTALL_DIR);
    let manifest = read(&tools.join("package.json"))?;
    let lock = read(&tools.join("package-lock.json"))?;
    check_pin(&tools, &manifest, &lock)?;

    std::fs::create_dir_all(&install).map_err(|e| {
        format!(
            "{}: cannot create the Redocly install folder: {e}\n  help: check that target/ is writable",
            install.display()
        )
    })?;
    let lock_file = std::fs::File::create(install.with_extension("lock")).map_err(|e| {
        format!(
            "{}: cannot create the install lock: {e}\n  help: check that target/tools is writable",
            install.with_extension("lock").display()
        )
    })?;
    lock_file.lock().map_err(|e| {
        format!(
            "{}: cannot take the install lock: {e}",
            install.with_extension("lock").display()
        )
    })?;

    let cli = install.join("node_modules/@redocly/cli/bin/cli.js");
    let stamp = install.join("installed-from.package-lock.json");
    let current = std::fs::read_to_string(&stamp).is_ok_and(|s| s == lock)
        && cli.is_file()
        && installed_version(&install).as_deref() == Some(VERSION);
    if !current {
        check_node()?;
        let _ = std::fs::remove_file(&stamp);
        for (name, text) in [("package.json", &manifest), ("package-lock.json", &lock)] {
            std::fs::write(install.join(name), text)
                .map_err(|e| format!("{}: cannot write: {e}", install.join(name).display()))?;
        }
        let output = Command::new("npm")
            .arg("ci")
            .arg("--prefix")
            .arg(&install)
            .args(["--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"])
            .env("REDOCLY_TELEMETRY", "off")
            .current_dir(root)
            .output()
            .map_err(|e| {
                format!(
                    "cannot run `npm ci` to install Redocly CLI {VERSION}: {e}\n  help: install Node.js >= 20.19 with npm (Debian: `apt-get install nodejs npm`)"
                )
            })?;
        if !output.status.success() {
            return Err(format!(
                "`npm ci --prefix {INSTALL_DIR}` failed ({}):\n{}\n  help: the npm registry must be reachable; check `npm ping`, or the lock file {TOOLS_DIR}/package-lock.json (regenerate it with `npm install --package-lock-only --prefix {TOOLS_DIR}`)",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let got = installed_version(&install);
        if got.as_deref() != Some(VERSION) || !cli.is_file() {
            return Err(format!(
                "{INSTALL_DIR}: `npm ci` finished but installed @redocly/cli {} instead of {VERSION}\n  help: make {TOOLS_DIR}/package-lock.json pin {VERSION}",
                got.unwrap_or_else(|| "nothing".into())
            ));
        }
        std::fs::write(&stamp, &lock)
            .map_err(|e| format!("{}: cannot write: {e}", stamp.display()))?;
    }
    drop(lock_file);
    Ok(Redocly {
        cli,
        root: root.to_path_buf(),
        install_time: started.elapsed(),
        installed_now: !current,
    })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: cannot read: {e}\n  help: it pins Redocly CLI; restore it from git",
            path.display()
        )
    })
}

/// The manifest and the lock file must both name [`VERSION`].
fn check_pin(tools: &Path, manifest: &str, lock: &str) -> Result<(), String> {
    let parse = |name: &str, text: &str| -> Result<Value, String> {
        serde_json::from_str(text)
            .map_err(|e| format!("{}: not JSON: {e}", tools.join(name).display()))
    };
    let manifest = parse("package.json", manifest)?;
    let lock = parse("package-lock.json", lock)?;
    let wanted = manifest
        .pointer("/dependencies/@redocly~1cli")
        .and_then(Value::as_str);
    let locked = lock
        .pointer("/packages/node_modules~1@redocly~1cli/version")
        .and_then(Value::as_str);
    if wanted != Some(VERSION) || locked != Some(VERSION) {
        return Err(format!(
            "{TOOLS_DIR}: package.json asks for @redocly/cli {} and package-lock.json locks {}, but xtask expects exactly {VERSION}\n  help: pin `\"@redocly/cli\": \"{VERSION}\"` in package.json and run `npm install --package-lock-only --prefix {TOOLS_DIR}`, or change redocly::VERSION",
            wanted.unwrap_or("nothing"),
            locked.unwrap_or("nothing"),
        ));
    }
    Ok(())
}

fn installed_version(install: &Path) -> Option<String> {
    let text =
        std::fs::read_to_string(install.join("node_modules/@redocly/cli/package.json")).ok()?;
    let json: Value = serde_json::from_str(&text).ok()?;
    json.get("version")?.as_str().map(str::to_owned)
}

/// Redocly CLI 2.77 needs Node.js >= 20.19 (or >= 22.12).
fn check_node() -> Result<(), String> {
    let help = "install Node.js >= 20.19 (or >= 22.12) with npm, e.g. `apt-get install nodejs npm` on Debian trixie";
    let output = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run `node` for Redocly CLI: {e}\n  help: {help}"))?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let mut parts = text
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    let ok = (major == 20 && minor >= 19) || (major == 22 && minor >= 12) || major > 22;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "Node.js {text} is too old for Redocly CLI {VERSION}\n  help: {help}"
        ))
    }
}

impl Redocly {
    /// Runs the CLI with `args` in the workspace root, telemetry and notices off.
    pub fn command(&self, args: &[&str]) -> Result<Output, String> {
        Command::new("node")
            .arg(&self.cli)
            .args(args)
            .current_dir(&self.root)
            .env("REDOCLY_TELEMETRY", "off")
            .env("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true")
            .env("REDOCLY_SUPPRESS_NOTIFICATIONS", "true")
            .env("NO_COLOR", "1")
            .output()
            .map_err(|e| {
                format!(
                    "cannot run Redocly CLI ({}): {e}\n  help: check that `node` is on PATH",
                    self.cli.display()
                )
            })
    }

    /// `redocly lint <spec>` with the workspace's `redocly.yaml`; every problem, in Redocly's order.
    pub fn lint(&self, spec: &str) -> Result<Vec<Problem>, String> {
        let output = self.command(&["lint", spec, "--config", "redocly.yaml", "--format=json"])?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        parse_lint_json(&stdout).map_err(|e| {
            format!(
                "`redocly lint {spec}` gave no report ({e}; exit status {}):\n{}\n  help: run it by hand: node {} lint {spec}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim(),
                self.cli.display()
            )
        })
    }

    /// `redocly build-docs <spec> --inlineBundle -o <out>`: one HTML page that needs no network.
    pub fn build_docs(&self, spec: &str, out: &Path) -> Result<(), String> {
        let out_arg = out.to_string_lossy().into_owned();
        let output = self.command(&[
            "build-docs",
            spec,
            "--config",
            "redocly.yaml",
            "--inlineBundle",
            "-o",
            &out_arg,
        ])?;
        if !output.status.success() {
            return Err(format!(
                "`redocly build-docs {spec}` failed ({}):\n{}{}\n  help: run `cargo xtask lint` first; build-docs stops on a spec it cannot bundle",
                output.status,
                String::from_utf8_lossy(&output.stdout).trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(())
    }
}

/// Reads `redocly lint --format=json` output.
pub fn parse_lint_json(text: &str) -> Result<Vec<Problem>, String> {
    let start = text
        .find('{')
        .ok_or("no JSON object in the output".to_owned())?;
    let json: Value = serde_json::from_str(&text[start..]).map_err(|e| format!("not JSON: {e}"))?;
    let problems = json
        .get("problems")
        .and_then(Value::as_array)
        .ok_or("the JSON has no `problems` list".to_owned())?;
    Ok(problems
        .iter()
        .map(|p| {
            let s = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or("").to_owned();
            let loc = p.pointer("/location/0");
            let position = match loc {
                Some(l) => format!(
                    "{}:{}:{}",
                    s(l.pointer("/source/ref")),
                    l.pointer("/start/line")
                        .and_then(Value::as_u64)
                        .unwrap_or(0),
                    l.pointer("/start/col").and_then(Value::as_u64).unwrap_or(0)
                ),
                None => String::new(),
            };
            Problem {
                rule: s(p.get("ruleId")),
                severity: s(p.get("severity")),
                message: s(p.get("message")),
                pointer: s(loc.and_then(|l| l.get("pointer"))),
                position,
                reference: s(p.get("reference")),
            }
        })
        .collect())
}
