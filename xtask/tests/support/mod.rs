//! Throwaway workspaces for the codegen tests: a spec plus copies of the committed generated
//! files, and a byte-for-byte picture of every file in them.

use std::path::{Path, PathBuf};

use xtask::codegen::SPEC_PATH;
use xtask::workspace_root;

/// The files `cargo xtask codegen` owns, relative to the workspace root.
pub const GENERATED: [&str; 3] = [
    "crates/apify-api-types/src/generated.rs",
    "crates/apify-api-client/src/generated.rs",
    "crates/apify-api-server/src/generated.rs",
];

/// A throwaway workspace: `spec` as `openapi.yaml` plus copies of the committed generated files.
pub fn workspace_with_spec(spec: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(SPEC_PATH), spec).expect("write spec");
    for file in GENERATED {
        let target = dir.path().join(file);
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(workspace_root().join(file), &target).expect("copy generated file");
    }
    dir
}

/// Every file under `root` with its bytes, sorted by path.
pub fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read file");
                files.push((path, bytes));
            }
        }
    }
    files.sort();
    files
}
