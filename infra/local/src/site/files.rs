//! The site's folders: walking them, reading their text, and the content
//! type each output file is served with.

use std::fs;
use std::path::{Path, PathBuf};

use super::SiteError;

/// A file's text, or an error naming it by `shown` (its path in the site).
pub(super) fn read_text(path: &Path, shown: &Path) -> Result<String, SiteError> {
    let bytes = fs::read(path).map_err(|source| SiteError::Io {
        path: shown.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|_| SiteError::Invalid {
        path: shown.to_path_buf(),
        message: "not UTF-8 text".into(),
    })
}

/// Files under `root`, sorted, entering only entries whose name `keep`
/// accepts.
pub(super) fn walk(
    root: &Path,
    keep: &mut dyn FnMut(&str) -> bool,
) -> Result<Vec<PathBuf>, SiteError> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let io_error = |source| SiteError::Io {
            path: dir.clone(),
            source,
        };
        for entry in fs::read_dir(&dir).map_err(io_error)? {
            let entry = entry.map_err(io_error)?;
            let name = entry.file_name();
            if !keep(&name.to_string_lossy()) {
                continue;
            }
            let path = entry.path();
            if entry.file_type().map_err(io_error)?.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// `path` relative to `root`, with "/" separators.
pub(super) fn slash_path(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The Content-Type the platform serves a file with, by its extension.
pub(super) fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}
