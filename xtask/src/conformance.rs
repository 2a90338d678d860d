//! Conformance fuzzing: Schemathesis against the reference server, with `openapi.yaml`.
//!
//! Schemathesis is installed from the pinned `tools/schemathesis/requirements.txt` into a virtual
//! environment under `target/tools/schemathesis` (never globally) and reused while the pins match.
//! The reference server runs on a free loopback port with its built-in demo configuration (the
//! spec's example webhook id is the demo webhook, so the examples phase really dispatches) and
//! no rate limit; every Schemathesis check runs, positive and negative, deterministic, and a run whose requests
//! all fail authentication fails (`schemathesis.toml`: `fail-on = ["missing_auth"]`).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The committed pins and configuration, relative to the workspace root.
pub const TOOLS_DIR: &str = "tools/schemathesis";
/// Where the virtual environment goes, relative to the workspace root.
pub const INSTALL_DIR: &str = "target/tools/schemathesis";
/// The demo token of the reference server's built-in configuration.
pub const TOKEN: &str = "apify_api_demo_token";
/// Test cases per phase and operation: enough to cover the operation, bounded in time.
const MAX_EXAMPLES: &str = "200";

/// Runs Schemathesis against a fresh reference server. True when it finds nothing.
pub fn run(root: &Path) -> bool {
    match try_run(root) {
        Ok(passed) => passed,
        Err(e) => {
            eprintln!("error: {e}");
            false
        }
    }
}

fn try_run(root: &Path) -> Result<bool, String> {
    let schemathesis = ensure_installed(root)?;
    let server = ReferenceServer::start(root)?;
    let url = format!("http://{}", server.addr);
    println!("schemathesis against the reference server at {url}");
    let passed = schemathesis_run(root, &schemathesis, &url, TOKEN)?;
    if !passed {
        return Ok(false);
    }
    // The control: with a wrong token every request gets 401, and the run must fail rather than
    // pass on answers that never reach the implementation.
    println!("\ncontrol: the same run with a wrong token must fail");
    if schemathesis_run(root, &schemathesis, &url, "not-a-valid-token")? {
        eprintln!(
            "error: Schemathesis passed with a wrong token: the missing-auth guard in \
             {TOOLS_DIR}/schemathesis.toml (`fail-on = [\"missing_auth\"]`) is not in effect"
        );
        return Ok(false);
    }
    println!("control failed as it must: a run with a wrong token does not pass");
    Ok(true)
}

/// One Schemathesis run with every check, positive and negative, deterministic. True when it
/// reports nothing.
fn schemathesis_run(
    root: &Path,
    schemathesis: &Path,
    url: &str,
    token: &str,
) -> Result<bool, String> {
    let status = Command::new(schemathesis)
        .current_dir(root.join(TOOLS_DIR))
        .args([
            "run",
            "../../openapi.yaml",
            "--url",
            url,
            "--checks",
            "all",
            "--mode",
            "all",
        ])
        .args([
            "--generation-deterministic",
            "--workers",
            "1",
            "--max-examples",
            MAX_EXAMPLES,
        ])
        .args([
            "--request-timeout",
            "10",
            "--header",
            &format!("Authorization: Bearer {token}"),
        ])
        .args(["--no-color"])
        .env("SCHEMATHESIS_TELEMETRY", "false")
        .status()
        .map_err(|e| format!("cannot run {}: {e}", schemathesis.display()))?;
    Ok(status.success())
}

/// Installs the pinned Schemathesis unless `target/tools/schemathesis` already holds it.
pub fn ensure_installed(root: &Path) -> Result<PathBuf, String> {
    let requirements = root.join(TOOLS_DIR).join("requirements.txt");
    let venv = root.join(INSTALL_DIR);
    let bin = venv.join("bin").join("schemathesis");
    let stamp = venv.join("installed-requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: cannot read the pins: {e}", requirements.display()))?;
    if bin.exists() && std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(bin);
    }
    let started = Instant::now();
    println!("installing Schemathesis into {INSTALL_DIR} (pinned in {TOOLS_DIR}/requirements.txt)");
    let _ = std::fs::remove_dir_all(&venv);
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    run_quiet(Command::new(&python).arg("-m").arg("venv").arg(&venv), "create the virtual environment")
        .map_err(|e| format!("{e}\n  help: install Python 3 with its venv module (Debian: python3-venv), or set PYTHON"))?;
    let pip = venv.join("bin").join("pip");
    run_quiet(
        Command::new(&pip)
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
        "install Schemathesis",
    )
    .map_err(|e| {
        format!("{e}\n  help: PyPI must be reachable; the pins are in {TOOLS_DIR}/requirements.txt")
    })?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    println!("installed Schemathesis in {:.1?}", started.elapsed());
    Ok(bin)
}

fn run_quiet(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("cannot {what}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "could not {what} ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// The reference server as a child process, stopped when dropped.
pub struct ReferenceServer {
    child: Child,
    pub addr: SocketAddr,
}

impl ReferenceServer {
    /// Builds the reference server and starts it on a free loopback port.
    pub fn start(root: &Path) -> Result<Self, String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let built = Command::new(&cargo)
            .args([
                "build",
                "--quiet",
                "--locked",
                "--package",
                "apify-api-reference-server",
            ])
            .current_dir(root)
            .status()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if !built.success() {
            return Err("the reference server does not build".to_owned());
        }
        let addr = free_port()?;
        let binary = root.join("target/debug/apify-api-reference-server");
        // The server's log goes to a file: a pipe nobody reads could fill up and stall it.
        let log_path = root
            .join(INSTALL_DIR)
            .with_file_name("reference-server.log");
        let log =
            std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let mut child = Command::new(&binary)
            .arg("--listen")
            .arg(addr.to_string())
            .args(["--no-rate-limit", "--log-level", "warn"])
            .stdin(Stdio::null())
            .stdout(
                log.try_clone()
                    .map_err(|e| format!("{}: {e}", log_path.display()))?,
            )
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(format!(
                    "the reference server exited ({status}) before listening:\n{log}"
                ));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err(format!(
                    "the reference server did not listen on {addr} within 30 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(Self { child, addr })
    }
}

impl Drop for ReferenceServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address whose port was free a moment ago.
fn free_port() -> Result<SocketAddr, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free loopback port: {e}"))
}
