//! Writing generated files all or nothing, and checking that committed ones are current.

use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::codegen::GeneratedFile;

/// What [`write_all`] changed.
#[derive(Debug, Default)]
pub struct Written {
    pub changed: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

/// Writes every file whose contents differ, or none of them.
///
/// New contents go to a temporary file beside each target first; only when all of them are
/// written are they renamed into place. If a rename fails, the files already replaced get their
/// old contents back.
pub fn write_all(root: &Path, files: &[GeneratedFile]) -> std::io::Result<Written> {
    let mut written = Written::default();
    let mut staged: Vec<(PathBuf, PathBuf, Option<Vec<u8>>)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, PathBuf, Option<Vec<u8>>)]| {
        for (tmp, _, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
    };
    for file in files {
        let target = root.join(&file.path);
        let old = std::fs::read(&target).ok();
        if old.as_deref() == Some(file.contents.as_bytes()) {
            written.unchanged.push(file.path.clone());
            continue;
        }
        let tmp = target.with_extension("rs.codegen-tmp");
        let result = target
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|()| std::fs::write(&tmp, &file.contents));
        if let Err(e) = result {
            cleanup(&staged);
            let _ = std::fs::remove_file(&tmp);
            return Err(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", tmp.display()),
            ));
        }
        staged.push((tmp, target, old));
        written.changed.push(file.path.clone());
    }
    for (i, (tmp, target, _)) in staged.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, target) {
            for (_, done, old) in &staged[..i] {
                let _ = match old {
                    Some(bytes) => std::fs::write(done, bytes),
                    None => std::fs::remove_file(done),
                };
            }
            cleanup(&staged[i..]);
            return Err(std::io::Error::new(
                e.kind(),
                format!("{}: {e}", target.display()),
            ));
        }
    }
    Ok(written)
}

/// A unified diff for every file on disk that differs from what the spec generates.
pub fn stale(root: &Path, files: &[GeneratedFile]) -> Vec<String> {
    files
        .iter()
        .filter_map(|file| {
            let on_disk = std::fs::read_to_string(root.join(&file.path)).unwrap_or_default();
            (on_disk != file.contents).then(|| {
                let name = file.path.display().to_string();
                TextDiff::from_lines(&on_disk, &file.contents)
                    .unified_diff()
                    .context_radius(3)
                    .header(
                        &format!("{name} (committed)"),
                        &format!("{name} (generated from openapi.yaml)"),
                    )
                    .to_string()
            })
        })
        .collect()
}
