//! Spec tooling for this workspace: `openapi.yaml` is the source of truth, and this crate turns it
//! into the generated files of `crates/apify-api-{types,client,server}` and checks they are current.
//!
//! The binary (`cargo xtask ...`) is a thin shell over this library, so tests run the same code.

pub mod bench;
pub mod breaking;
pub mod codegen;
pub mod conformance;
pub mod files;
pub mod lint;
pub mod openapi_schema;
pub mod redocly;
pub mod reference_docs;
pub mod spec;
pub mod test_all;
pub mod validate;

use std::path::{Path, PathBuf};

/// The workspace root: the parent of this crate's directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}
