//! Renders the Zola site in `site/` the way `zola build` (Zola 0.22.1) does,
//! with the engines Zola itself uses: tera 1.20.1 for templates,
//! pulldown-cmark 0.13.0 for Markdown and grass for Sass. Zola cannot be
//! installed on the machines this platform runs on, so this stands in for it.
//!
//! `base_url` is replaced by "", so every link is root-relative and the site
//! works on whatever port the local platform listens on. Only the subset of
//! Zola that `site/README.md` lists is implemented; anything outside it is an
//! error rather than a silently different page, so a tree that renders here
//! is one `zola build` renders the same way.
//!
//! The modules follow a build's steps: `config` reads `config.toml`,
//! `files` walks the site's folders, `content` reads the Markdown and its
//! front matter, `markdown` turns it into HTML as Zola does, `functions`
//! gives templates Zola's `get_url` and `load_data`, and `render` puts them
//! together into the files of `public/`.

mod config;
mod content;
mod files;
mod functions;
mod markdown;
mod render;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The Zola version whose behaviour this renderer follows.
pub const ZOLA_VERSION: &str = "0.22.1";

/// The rendered site: output path (as `zola build` would write it under
/// `public/`, with a leading "/") → content type and bytes.
#[derive(Debug, Clone)]
pub struct Site {
    files: BTreeMap<String, Output>,
}

#[derive(Debug, Clone)]
struct Output {
    content_type: &'static str,
    bytes: Vec<u8>,
    /// Which source file produced it, to report two sources claiming one URL.
    source: PathBuf,
}

/// Why the site could not be rendered. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("{}: template `{template}` does not exist in templates/", content.display())]
    MissingTemplate { content: PathBuf, template: String },
    #[error("{}: {message}", path.display())]
    Template { path: PathBuf, message: String },
    #[error("{}: rendering with template `{template}` failed: {message}", content.display())]
    Render {
        content: PathBuf,
        template: String,
        message: String,
    },
    #[error("{}: {message}", path.display())]
    Sass { path: PathBuf, message: String },
    #[error("{url} is produced by both {} and {}", first.display(), second.display())]
    Conflict {
        url: String,
        first: PathBuf,
        second: PathBuf,
    },
}

impl Site {
    /// Render the Zola site rooted at `site_dir` (the folder holding
    /// `config.toml`).
    pub fn render(site_dir: &Path) -> Result<Site, SiteError> {
        render::Renderer::new(site_dir)?.run()
    }

    /// The file served at URL path `path`: "/", "/apply/mentee/",
    /// "/apply/mentee", "/apply/mentee/index.html", "/main.css". A query or
    /// fragment is ignored.
    pub fn get(&self, path: &str) -> Option<(&str, &[u8])> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        let candidates = if path.ends_with('/') {
            vec![format!("{path}index.html")]
        } else {
            vec![path.clone(), format!("{path}/index.html")]
        };
        candidates
            .iter()
            .find_map(|p| self.files.get(p))
            .map(|o| (o.content_type, o.bytes.as_slice()))
    }

    /// Every output path, e.g. "/index.html", "/apply/mentee/index.html",
    /// "/main.css", "/js/api.js".
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Write every file into `dir` as `zola build` writes `public/`, so the
    /// two trees can be compared (`site/compare.py`). `dir` must be missing
    /// or empty: a file left from an earlier run would pass for output.
    pub fn write_to(&self, dir: &Path) -> Result<(), SiteError> {
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SiteError::Io { path, source }
        };
        match fs::read_dir(dir) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(SiteError::Invalid {
                        path: dir.to_path_buf(),
                        message: "not empty: remove it or name a new directory".into(),
                    });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(dir)(e)),
        }
        for (url, output) in &self.files {
            let relative = Path::new(url.trim_start_matches('/'));
            if !relative
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
            {
                return Err(SiteError::Invalid {
                    path: output.source.clone(),
                    message: format!("{url} would be written outside {}", dir.display()),
                });
            }
            let path = dir.join(relative);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            fs::write(&path, &output.bytes).map_err(io_error(&path))?;
        }
        Ok(())
    }
}

/// An error with its causes, for messages that name what went wrong inside
/// tera (which keeps the template's own message in a source).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(message, ": {cause}");
        source = cause.source();
    }
    message
}
