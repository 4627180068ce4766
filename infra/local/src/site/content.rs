//! `content/`: sections (`_index.md`) and pages (any other `.md`), their
//! front matter and the URLs Zola gives them.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::SiteError;
use super::config::toml_to_json;
use super::files::{read_text, slash_path, walk};

/// Section front matter (`_index.md`): the supported part of Zola's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionMeta {
    title: Option<String>,
    description: Option<String>,
    template: Option<String>,
    #[serde(default = "yes")]
    render: bool,
    #[serde(default)]
    draft: bool,
    /// Orders `section.pages` in Zola, which this renderer does not expose.
    #[serde(default, rename = "weight")]
    _weight: usize,
    #[serde(default)]
    extra: toml::Table,
}

/// Page front matter (any other `.md`): the supported part of Zola's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageMeta {
    title: Option<String>,
    description: Option<String>,
    template: Option<String>,
    #[serde(default = "yes")]
    render: bool,
    #[serde(default)]
    draft: bool,
    /// Orders `section.pages` in Zola, which this renderer does not expose.
    #[serde(default, rename = "weight")]
    _weight: Option<usize>,
    #[serde(default)]
    extra: toml::Table,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Section,
    Page,
}

/// A section or page, as the renderer needs it: where it came from, where
/// it goes, its front matter and its Markdown.
pub(super) struct Content {
    pub(super) kind: Kind,
    /// Path shown in errors, e.g. `content/apply/mentee.md`.
    pub(super) shown: PathBuf,
    /// Path relative to `content/` with "/" separators: the key of `@/` links.
    pub(super) relative: String,
    /// URL path, e.g. "/apply/mentee/".
    pub(super) path: String,
    pub(super) components: Vec<String>,
    pub(super) slug: String,
    pub(super) title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) template: String,
    pub(super) render: bool,
    pub(super) extra: Value,
    pub(super) markdown: String,
}

/// Every content file under `site_dir/content`, in path order, without
/// drafts (Zola leaves them out of a build).
pub(super) fn load(site_dir: &Path) -> Result<Vec<Content>, SiteError> {
    let root = site_dir.join("content");
    if !root.is_dir() {
        return Ok(Vec::new());
    }
    let mut contents = Vec::new();
    for file in walk(&root, &mut |name| !name.starts_with('.'))? {
        if let Some(content) = Content::load(&file, &root)? {
            contents.push(content);
        }
    }
    Ok(contents)
}

/// Where a content file is: its path for errors, its path under
/// `content/`, and the folders above it.
struct Source {
    shown: PathBuf,
    relative: String,
    dirs: Vec<String>,
}

impl Content {
    /// The content file `file` under `root`; `None` for a draft.
    fn load(file: &Path, root: &Path) -> Result<Option<Content>, SiteError> {
        let relative = slash_path(file, root);
        let shown = PathBuf::from("content").join(&relative);
        if !relative.ends_with(".md") {
            return Err(SiteError::Invalid {
                path: shown,
                message: "only Markdown files are supported in content/ by the local \
                          renderer (no colocated assets); put files in static/"
                    .into(),
            });
        }
        let text = read_text(file, &shown)?;
        let (front, body) = split_front_matter(&text).ok_or_else(|| SiteError::Invalid {
            path: shown.clone(),
            message: "no TOML front matter between `+++` lines".into(),
        })?;
        let mut dirs: Vec<String> = relative.split('/').map(str::to_string).collect();
        let file_name = dirs.pop().unwrap_or_default();
        let source = Source {
            shown,
            relative,
            dirs,
        };
        match file_name.as_str() {
            "_index.md" => Ok(Content::section(
                front_matter(front, &source.shown)?,
                body,
                source,
            )),
            "index.md" => Err(SiteError::Invalid {
                path: source.shown,
                message: "page bundles (index.md) are not supported by the local renderer; \
                          name the page <slug>.md"
                    .into(),
            }),
            _ => Ok(Content::page(
                front_matter(front, &source.shown)?,
                body,
                &file_name,
                source,
            )),
        }
    }

    /// A section is at the URL of its folder; the root one uses
    /// `index.html`, the others `section.html`, unless they name a template.
    fn section(meta: SectionMeta, body: &str, source: Source) -> Option<Content> {
        if meta.draft {
            return None;
        }
        let dirs = source.dirs;
        let template = meta.template.unwrap_or_else(|| {
            if dirs.is_empty() {
                "index.html".into()
            } else {
                "section.html".into()
            }
        });
        Some(Content {
            kind: Kind::Section,
            shown: source.shown,
            relative: source.relative,
            path: url_path(&dirs),
            slug: dirs.last().cloned().unwrap_or_default(),
            components: dirs,
            title: meta.title,
            description: meta.description,
            template,
            render: meta.render,
            extra: toml_to_json(toml::Value::Table(meta.extra)),
            markdown: body.to_string(),
        })
    }

    /// A page is at its folder's URL plus the slug of its file name.
    fn page(meta: PageMeta, body: &str, file_name: &str, source: Source) -> Option<Content> {
        if meta.draft {
            return None;
        }
        let slug = slugify(file_name.trim_end_matches(".md"));
        let mut components = source.dirs;
        components.push(slug.clone());
        Some(Content {
            kind: Kind::Page,
            shown: source.shown,
            relative: source.relative,
            path: url_path(&components),
            components,
            slug,
            title: meta.title,
            description: meta.description,
            template: meta.template.unwrap_or_else(|| "page.html".into()),
            render: meta.render,
            extra: toml_to_json(toml::Value::Table(meta.extra)),
            markdown: body.to_string(),
        })
    }
}

/// Front matter as `T`, or an error naming the file and the key at fault.
fn front_matter<T: DeserializeOwned>(front: &str, shown: &Path) -> Result<T, SiteError> {
    toml::from_str(front).map_err(|e| SiteError::Invalid {
        path: shown.to_path_buf(),
        message: format!("front matter: {e}"),
    })
}

/// Zola's front matter: optional leading whitespace, a `+++` line, TOML, a
/// `+++` line, then the body.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.trim_start().strip_prefix("+++")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Some((front, body));
        }
        offset += line.len();
    }
    None
}

fn url_path(components: &[String]) -> String {
    if components.is_empty() {
        "/".into()
    } else {
        format!("/{}/", components.join("/"))
    }
}

/// Zola's slugify for ASCII text (the `slug` crate): lowercase letters and
/// digits kept, runs of anything else become one "-", none at either end.
pub(super) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = true;
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            slug.push(c);
            dash = false;
        } else if !dash {
            slug.push('-');
            dash = true;
        }
    }
    if slug.ends_with('-') {
        slug.pop();
    }
    slug
}
