//! `cargo xtask codegen`: openapi.yaml → the generated file of each crate.
//!
//! The pipeline: [`crate::spec::load`] → [`crate::validate::validate`] → one emitter per crate
//! ([`types`], [`client`], [`server`]) → [`format`] → [`crate::files`] (write all or nothing, or
//! check). Everything before the write happens in memory, so a failure changes no file.

pub mod client;
pub mod docs;
pub mod enums;
pub mod format;
pub mod server;
pub mod types;

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use proc_macro2::TokenStream;

use crate::spec::{Diagnostic, Diagnostics, Spec};

/// The spec file, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi.yaml";

/// One file the generator owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// The whole file, header included.
    pub contents: String,
}

/// What `cargo xtask codegen` should do with the generated files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the files that changed.
    Write,
    /// Change nothing; report stale files.
    Check,
}

/// How a codegen run ended, when the spec could be generated from.
#[derive(Debug)]
pub enum Outcome {
    /// [`Mode::Write`]: what was written.
    Written(crate::files::Written),
    /// [`Mode::Check`]: a unified diff per stale file (empty when everything is current).
    Checked { files: usize, stale: Vec<String> },
}

/// Why a codegen run changed nothing.
#[derive(Debug)]
pub enum Failure {
    /// The spec cannot be generated from.
    Spec(Diagnostics),
    /// The files could not be written (and were left as they were).
    Write(std::io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Spec(problems) => write!(
                f,
                "{problems}\n\n{SPEC_PATH}: {} problem(s); no file was changed.",
                problems.0.len()
            ),
            Self::Write(e) => write!(
                f,
                "error: could not write the generated files: {e}\nno file was changed."
            ),
        }
    }
}

/// Runs codegen for the workspace at `root` (the folder holding `openapi.yaml`).
pub fn run(root: &Path, mode: Mode) -> Result<Outcome, Failure> {
    let spec = crate::spec::load(&root.join(SPEC_PATH)).map_err(Failure::Spec)?;
    let files = generate(&spec).map_err(Failure::Spec)?;
    match mode {
        Mode::Check => Ok(Outcome::Checked {
            files: files.len(),
            stale: crate::files::stale(root, &files),
        }),
        Mode::Write => crate::files::write_all(root, &files)
            .map(Outcome::Written)
            .map_err(Failure::Write),
    }
}

/// A function from the spec to the code of one generated file.
type Emitter = fn(&Spec) -> Result<TokenStream, Diagnostic>;

/// Validates the spec and renders every generated file in memory.
pub fn generate(spec: &Spec) -> Result<Vec<GeneratedFile>, Diagnostics> {
    let problems = crate::validate::validate(spec);
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let emitters: [(&str, Emitter); 3] = [
        ("crates/apify-api-types/src/generated.rs", types::generate),
        ("crates/apify-api-client/src/generated.rs", client::generate),
        ("crates/apify-api-server/src/generated.rs", server::generate),
    ];
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for (path, emit) in emitters {
        match emit(spec).and_then(|tokens| format::render(path, tokens)) {
            Ok(contents) => files.push(GeneratedFile {
                path: PathBuf::from(path),
                contents,
            }),
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(Diagnostics(problems))
    }
}

/// Runs a third-party generator, turning its errors and its panics into a [`Diagnostic`].
///
/// progenitor and typify assert on inputs they do not support; a user must see which part of
/// the spec to change, not a backtrace.
pub fn run_generator<T>(
    what: &str,
    f: impl FnOnce() -> Result<T, progenitor::Error>,
) -> Result<T, Diagnostic> {
    static HOOK: Mutex<()> = Mutex::new(());
    let _guard = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    let hint = "the validation rules missed this construct: simplify that part of the spec, \
                and add a rule to xtask/src/validate.rs so the next person gets a precise message";
    match result {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Diagnostic::new(
            "openapi.yaml",
            format!("{what} rejected the spec: {e}"),
            hint,
        )),
        Err(panic) => Err(Diagnostic::new(
            "openapi.yaml",
            format!("{what} crashed on the spec: {}", panic_message(&*panic)),
            hint,
        )),
    }
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}
