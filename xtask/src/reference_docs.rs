//! `cargo xtask docs`: the spec rendered by Redocly (`build-docs --inlineBundle`) into one HTML
//! page, `target/api-reference.html`, that needs no network to view.

use std::path::{Path, PathBuf};

/// The page, relative to the workspace root.
pub const OUTPUT: &str = "target/api-reference.html";

/// Renders `openapi.yaml` into [`OUTPUT`] and returns its path.
///
/// Fails when Redocly fails, or when the page would load anything from the network.
pub fn build(root: &Path) -> Result<PathBuf, String> {
    let cli = crate::redocly::ensure_installed(root)?;
    let out = root.join(OUTPUT);
    // Render next to the target, then move it into place: a failed build keeps the old page.
    let tmp = root.join(format!(
        "target/api-reference.html.{}.tmp",
        std::process::id()
    ));
    cli.build_docs(crate::lint::SPEC_PATH, &tmp)?;
    let html = std::fs::read_to_string(&tmp).map_err(|e| {
        format!(
            "{}: Redocly reported success but the page cannot be read: {e}",
            tmp.display()
        )
    })?;
    if let Some(remote) = remote_resource(&html) {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!(
            "{OUTPUT}: the page loads `{remote}` from the network, so it cannot be viewed offline\n  help: keep `--inlineBundle` in xtask/src/redocly.rs (build_docs) and remove remote fonts or logos from redocly.yaml"
        ));
    }
    std::fs::rename(&tmp, &out)
        .map_err(|e| format!("{}: cannot write the page: {e}", out.display()))?;
    Ok(out)
}

/// The first script, stylesheet or font the page would fetch from another host, if any.
pub fn remote_resource(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    for marker in [
        "<script src=\"http",
        "<script src='http",
        "<script src=\"//",
        "<link rel=\"stylesheet\" href=\"http",
        "@import url(http",
        "@import url(\"http",
        "url(https://fonts",
    ] {
        if let Some(i) = lower.find(marker) {
            let from = i + marker.len();
            let end = lower[from..]
                .find(['>', ')', ' ', '\n'])
                .map_or(lower.len(), |e| from + e);
            return Some(html[i..end.min(i + 120)].to_owned());
        }
    }
    None
}
