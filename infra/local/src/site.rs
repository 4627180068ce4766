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

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use tera::{Context, Tera};

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
        Renderer::new(site_dir)?.run()
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

// ---------------------------------------------------------------------------
// Configuration

/// The `config.toml` keys the renderer understands. Zola rejects unknown keys
/// too; keys Zola knows but this renderer does not implement are rejected here
/// so the local site never silently differs from the built one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    /// Required by Zola; replaced by "" locally.
    #[serde(rename = "base_url")]
    _base_url: String,
    title: Option<String>,
    description: Option<String>,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default)]
    compile_sass: bool,
    #[serde(default)]
    minify_html: bool,
    #[serde(default)]
    build_search_index: bool,
    #[serde(default)]
    generate_feeds: bool,
    /// The site's feeds, each rendered by the template of the same name.
    #[serde(default = "default_feed_filenames")]
    feed_filenames: Vec<String>,
    /// Accepted; search-engine files are not produced locally.
    #[serde(default, rename = "generate_sitemap")]
    _generate_sitemap: Option<bool>,
    #[serde(default, rename = "generate_robots_txt")]
    _generate_robots_txt: Option<bool>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    extra: toml::Table,
}

fn default_language() -> String {
    "en".to_string()
}

fn default_feed_filenames() -> Vec<String> {
    vec!["atom.xml".to_string()]
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MarkdownConfig {
    #[serde(default)]
    smart_punctuation: bool,
    #[serde(default)]
    definition_list: bool,
    #[serde(default)]
    github_alerts: bool,
}

struct Config {
    title: Option<String>,
    /// Feeds to render (`feed_filenames` when `generate_feeds` is on).
    feeds: Vec<String>,
    /// `feed_filenames` whether or not feeds are on: Zola's permalinks
    /// never get a trailing slash after one of them.
    feed_filenames: Vec<String>,
    description: Option<String>,
    default_language: String,
    compile_sass: bool,
    markdown: MarkdownConfig,
    extra: Value,
}

impl Config {
    fn load(path: &Path, shown: PathBuf) -> Result<Config, SiteError> {
        let text = read_text(path, &shown)?;
        let raw: RawConfig = toml::from_str(&text).map_err(|e| SiteError::Invalid {
            path: shown.clone(),
            message: format!("not a configuration this renderer supports: {e}"),
        })?;
        let unsupported = [
            (raw.minify_html, "minify_html"),
            (raw.build_search_index, "build_search_index"),
        ];
        if let Some((_, key)) = unsupported.iter().find(|(on, _)| *on) {
            return Err(SiteError::Invalid {
                path: shown,
                message: format!("`{key} = true` is not supported by the local renderer"),
            });
        }
        Ok(Config {
            title: raw.title,
            feeds: if raw.generate_feeds {
                raw.feed_filenames.clone()
            } else {
                Vec::new()
            },
            feed_filenames: raw.feed_filenames,
            description: raw.description,
            default_language: raw.default_language,
            compile_sass: raw.compile_sass,
            markdown: raw.markdown,
            extra: toml_to_json(toml::Value::Table(raw.extra)),
        })
    }

    /// The `config` variable of every template, with Zola's names.
    fn to_tera(&self) -> Value {
        json!({
            "base_url": "",
            "title": self.title,
            "description": self.description,
            "default_language": self.default_language,
            "extra": self.extra,
        })
    }
}

// ---------------------------------------------------------------------------
// Content

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
enum Kind {
    Section,
    Page,
}

struct Content {
    kind: Kind,
    /// Path shown in errors, e.g. `content/apply/mentee.md`.
    shown: PathBuf,
    /// Path relative to `content/` with "/" separators: the key of `@/` links.
    relative: String,
    /// URL path, e.g. "/apply/mentee/".
    path: String,
    components: Vec<String>,
    slug: String,
    title: Option<String>,
    description: Option<String>,
    template: String,
    render: bool,
    extra: Value,
    markdown: String,
}

// ---------------------------------------------------------------------------
// Rendering

struct Renderer {
    dir: PathBuf,
    config: Config,
    files: BTreeMap<String, Output>,
}

impl Renderer {
    fn new(site_dir: &Path) -> Result<Renderer, SiteError> {
        let config = Config::load(&site_dir.join("config.toml"), PathBuf::from("config.toml"))?;
        Ok(Renderer {
            dir: site_dir.to_path_buf(),
            config,
            files: BTreeMap::new(),
        })
    }

    fn run(mut self) -> Result<Site, SiteError> {
        // Zola copies static/ first, compiles Sass, then renders content.
        self.copy_static()?;
        if self.config.compile_sass {
            self.compile_sass()?;
        }
        let contents = self.load_content()?;
        let permalinks: HashMap<String, String> = contents
            .iter()
            .map(|c| (c.relative.clone(), c.path.clone()))
            .collect();
        let tera = self.load_templates(&permalinks)?;
        let config = self.config.to_tera();
        for content in contents.iter().filter(|c| c.render) {
            let html = render_markdown(
                &content.markdown,
                &self.config.markdown,
                &permalinks,
                &content.path,
            )
            .map_err(|message| SiteError::Invalid {
                path: content.shown.clone(),
                message,
            })?;
            if !tera.get_template_names().any(|n| n == content.template) {
                return Err(SiteError::MissingTemplate {
                    content: content.shown.clone(),
                    template: content.template.clone(),
                });
            }
            let mut context = Context::new();
            context.insert("config", &config);
            context.insert("current_url", &content.path);
            context.insert("current_path", &content.path);
            context.insert("lang", &self.config.default_language);
            let object = json!({
                "title": content.title,
                "description": content.description,
                "content": html,
                "extra": content.extra,
                "permalink": content.path,
                "path": content.path,
                "components": content.components,
                "relative_path": content.relative,
                "lang": self.config.default_language,
                "draft": false,
            });
            match content.kind {
                Kind::Section => context.insert("section", &object),
                Kind::Page => {
                    let mut object = object;
                    if let Value::Object(map) = &mut object {
                        map.insert("slug".into(), Value::String(content.slug.clone()));
                    }
                    context.insert("zola_version", ZOLA_VERSION);
                    context.insert("page", &object);
                }
            }
            let output =
                tera.render(&content.template, &context)
                    .map_err(|e| SiteError::Render {
                        content: content.shown.clone(),
                        template: content.template.clone(),
                        message: error_chain(&e),
                    })?;
            let url = format!("{}index.html", content.path);
            self.add(
                url,
                "text/html; charset=utf-8",
                output.into_bytes(),
                &content.shown,
            )?;
        }
        self.render_feeds(&tera, &config)?;
        // Zola always writes a 404 page; ours comes from templates/404.html.
        if tera.get_template_names().any(|n| n == "404.html") {
            let mut context = Context::new();
            context.insert("config", &config);
            context.insert("lang", &self.config.default_language);
            let shown = PathBuf::from("templates/404.html");
            let output = tera
                .render("404.html", &context)
                .map_err(|e| SiteError::Render {
                    content: shown.clone(),
                    template: "404.html".into(),
                    message: error_chain(&e),
                })?;
            self.add(
                "/404.html".into(),
                "text/html; charset=utf-8",
                output.into_bytes(),
                &shown,
            )?;
        }
        Ok(Site { files: self.files })
    }

    /// Zola renders each of `feed_filenames` at the root with the template
    /// of that name, given `config`, `lang`, `feed_url`, `pages` (the pages
    /// with a `date`, newest first) and `last_updated` (absent without any).
    /// Front matter here has no `date`, so `pages` is always empty.
    fn render_feeds(&mut self, tera: &Tera, config: &Value) -> Result<(), SiteError> {
        for name in self.config.feeds.clone() {
            let shown = PathBuf::from("templates").join(&name);
            if !tera.get_template_names().any(|n| n == name) {
                return Err(SiteError::Invalid {
                    path: PathBuf::from("config.toml"),
                    message: format!(
                        "feed `{name}` needs templates/{name}: Zola's built-in feed \
                         templates are not supported by the local renderer"
                    ),
                });
            }
            let mut context = Context::new();
            context.insert("config", config);
            context.insert("lang", &self.config.default_language);
            context.insert("feed_url", &format!("/{name}"));
            context.insert("pages", &Vec::<Value>::new());
            let output = tera
                .render(&name, &context)
                .map_err(|e| SiteError::Render {
                    content: shown.clone(),
                    template: name.clone(),
                    message: error_chain(&e),
                })?;
            self.add(
                format!("/{name}"),
                content_type(&name),
                output.into_bytes(),
                &shown,
            )?;
        }
        Ok(())
    }

    fn add(
        &mut self,
        url: String,
        content_type: &'static str,
        bytes: Vec<u8>,
        source: &Path,
    ) -> Result<(), SiteError> {
        if let Some(existing) = self.files.get(&url) {
            return Err(SiteError::Conflict {
                url,
                first: existing.source.clone(),
                second: source.to_path_buf(),
            });
        }
        self.files.insert(
            url,
            Output {
                content_type,
                bytes,
                source: source.to_path_buf(),
            },
        );
        Ok(())
    }

    fn copy_static(&mut self) -> Result<(), SiteError> {
        let root = self.dir.join("static");
        if !root.is_dir() {
            return Ok(());
        }
        for file in walk(&root, &mut |_| true)? {
            let relative = slash_path(&file, &root);
            let bytes = fs::read(&file).map_err(|source| SiteError::Io {
                path: file.clone(),
                source,
            })?;
            let shown = PathBuf::from("static").join(&relative);
            self.add(
                format!("/{relative}"),
                content_type(&relative),
                bytes,
                &shown,
            )?;
        }
        Ok(())
    }

    /// Like Zola: every `.scss`/`.sass` under `sass/` whose name (or any of
    /// whose folders) does not start with `_` becomes `/<same path>.css`,
    /// compressed.
    fn compile_sass(&mut self) -> Result<(), SiteError> {
        let root = self.dir.join("sass");
        if !root.is_dir() {
            return Ok(());
        }
        let entries = walk(&root, &mut |name| !name.starts_with('_'))?;
        let options = grass::Options::default().style(grass::OutputStyle::Compressed);
        for file in entries {
            let relative = slash_path(&file, &root);
            let Some(stem) = relative
                .strip_suffix(".scss")
                .or_else(|| relative.strip_suffix(".sass"))
            else {
                continue;
            };
            let shown = PathBuf::from("sass").join(&relative);
            let css = grass::from_path(&file, &options).map_err(|e| SiteError::Sass {
                path: shown.clone(),
                message: e.to_string(),
            })?;
            self.add(
                format!("/{stem}.css"),
                "text/css; charset=utf-8",
                css.into_bytes(),
                &shown,
            )?;
        }
        Ok(())
    }

    fn load_content(&self) -> Result<Vec<Content>, SiteError> {
        let root = self.dir.join("content");
        if !root.is_dir() {
            return Ok(Vec::new());
        }
        let mut contents = Vec::new();
        for file in walk(&root, &mut |name| !name.starts_with('.'))? {
            let relative = slash_path(&file, &root);
            let shown = PathBuf::from("content").join(&relative);
            if !relative.ends_with(".md") {
                return Err(SiteError::Invalid {
                    path: shown,
                    message: "only Markdown files are supported in content/ by the local \
                              renderer (no colocated assets); put files in static/"
                        .into(),
                });
            }
            let text = read_text(&file, &shown)?;
            let (front, body) = split_front_matter(&text).ok_or_else(|| SiteError::Invalid {
                path: shown.clone(),
                message: "no TOML front matter between `+++` lines".into(),
            })?;
            let mut dirs: Vec<String> = relative.split('/').map(str::to_string).collect();
            let file_name = dirs.pop().unwrap_or_default();
            let front_matter_error = |e: toml::de::Error| SiteError::Invalid {
                path: shown.clone(),
                message: format!("front matter: {e}"),
            };
            if file_name == "_index.md" {
                let meta: SectionMeta = toml::from_str(front).map_err(front_matter_error)?;
                if meta.draft {
                    continue;
                }
                let template = meta.template.unwrap_or_else(|| {
                    if dirs.is_empty() {
                        "index.html".into()
                    } else {
                        "section.html".into()
                    }
                });
                contents.push(Content {
                    kind: Kind::Section,
                    shown,
                    relative,
                    path: url_path(&dirs),
                    slug: dirs.last().cloned().unwrap_or_default(),
                    components: dirs,
                    title: meta.title,
                    description: meta.description,
                    template,
                    render: meta.render,
                    extra: toml_to_json(toml::Value::Table(meta.extra)),
                    markdown: body.to_string(),
                });
            } else if file_name == "index.md" {
                return Err(SiteError::Invalid {
                    path: shown,
                    message: "page bundles (index.md) are not supported by the local renderer; \
                              name the page <slug>.md"
                        .into(),
                });
            } else {
                let meta: PageMeta = toml::from_str(front).map_err(front_matter_error)?;
                if meta.draft {
                    continue;
                }
                let slug = slugify(file_name.trim_end_matches(".md"));
                let mut components = dirs;
                components.push(slug.clone());
                contents.push(Content {
                    kind: Kind::Page,
                    shown,
                    relative,
                    path: url_path(&components),
                    components,
                    slug,
                    title: meta.title,
                    description: meta.description,
                    template: meta.template.unwrap_or_else(|| "page.html".into()),
                    render: meta.render,
                    extra: toml_to_json(toml::Value::Table(meta.extra)),
                    markdown: body.to_string(),
                });
            }
        }
        Ok(contents)
    }

    /// Zola loads `templates/**/*.{*ml,md,txt,json,ics}`, named by their path
    /// under `templates/`.
    fn load_templates(&self, permalinks: &HashMap<String, String>) -> Result<Tera, SiteError> {
        let root = self.dir.join("templates");
        let mut sources = Vec::new();
        if root.is_dir() {
            for file in walk(&root, &mut |name| !name.starts_with('.'))? {
                let name = slash_path(&file, &root);
                let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
                if extension.ends_with("ml") || ["md", "txt", "json", "ics"].contains(&extension) {
                    let shown = PathBuf::from("templates").join(&name);
                    sources.push((name, read_text(&file, &shown)?));
                }
            }
        }
        let mut tera = Tera::default();
        tera.add_raw_templates(sources)
            .map_err(|e| SiteError::Template {
                path: PathBuf::from("templates"),
                message: error_chain(&e),
            })?;
        tera.register_function(
            "get_url",
            GetUrl {
                permalinks: permalinks.clone(),
                default_language: self.config.default_language.clone(),
                feed_filenames: self.config.feed_filenames.clone(),
            },
        );
        tera.register_function(
            "load_data",
            LoadData {
                site_dir: self.dir.clone(),
            },
        );
        Ok(tera)
    }
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
fn slugify(text: &str) -> String {
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

/// Markdown → HTML with Zola's pulldown-cmark options and its rewrites:
/// every heading gets an id (explicit `{#id}` or the slug of its text, made
/// unique with -1, -2, ...), and links are fixed as Zola's `fix_link` does
/// (see `resolve_link`) for the page at `permalink`.
fn render_markdown(
    markdown: &str,
    config: &MarkdownConfig,
    permalinks: &HashMap<String, String>,
    permalink: &str,
) -> Result<String, String> {
    if markdown.contains("{{") || markdown.contains("{%") {
        return Err("shortcodes are not supported by the local renderer".into());
    }
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if config.smart_punctuation {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    if config.definition_list {
        options |= Options::ENABLE_DEFINITION_LIST;
    }
    if config.github_alerts {
        options |= Options::ENABLE_GFM;
    }
    let mut events: Vec<Event<'_>> = Vec::new();
    for event in Parser::new_ext(markdown, options) {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                dest_url: resolve_link(link_type, dest_url, permalinks, permalink)?,
                link_type,
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                dest_url: resolve_link(link_type, dest_url, permalinks, permalink)?,
                link_type,
                title,
                id,
            }),
            Event::Start(Tag::FootnoteDefinition(_)) | Event::FootnoteReference(_) => {
                return Err("footnotes are not supported by the local renderer".into());
            }
            Event::Start(Tag::CodeBlock(_)) => {
                return Err("code blocks are not supported by the local renderer".into());
            }
            other => other,
        };
        events.push(event);
    }

    // Explicit ids are reserved first, as Zola does, then the others are
    // derived from the heading text.
    let mut taken: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading {
            level, id, classes, ..
        }) = &events[i]
        {
            let end = events[i..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(events.len(), |p| i + p);
            let id = match id {
                Some(id) => id.to_string(),
                None => {
                    let text: String = events[i + 1..end]
                        .iter()
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    let id = unique_anchor(&taken, slugify(&text));
                    taken.push(id.clone());
                    id
                }
            };
            let mut html = format!("<{level} id=\"{}\"", escape_attr(&id));
            if !classes.is_empty() {
                let classes: Vec<&str> = classes.iter().map(|c| c.as_ref()).collect();
                let _ = write!(html, " class=\"{}\"", escape_attr(&classes.join(" ")));
            }
            html.push('>');
            events[i] = Event::Html(CowStr::from(html));
        }
        i += 1;
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(html)
}

fn unique_anchor(taken: &[String], name: String) -> String {
    if !taken.contains(&name) {
        return name;
    }
    (1..)
        .map(|n| format!("{name}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(name)
}

/// Zola's `fix_link`: `@/file.md#anchor` becomes the content's URL; an
/// anchor alone (`#faq`) and a relative link (`photo.png`, a colocated
/// asset in Zola) are put after the page's own permalink; `#`, absolute,
/// `../` and scheme links (`https:`, `mailto:`) and email autolinks stay.
fn resolve_link<'a>(
    link_type: LinkType,
    dest: CowStr<'a>,
    permalinks: &HashMap<String, String>,
    permalink: &str,
) -> Result<CowStr<'a>, String> {
    if link_type == LinkType::Email {
        return Ok(dest);
    }
    if let Some(target) = dest.strip_prefix("@/") {
        return resolve_internal(target, permalinks)
            .map(CowStr::from)
            .ok_or_else(|| format!("link to `{dest}`: no such content file"));
    }
    let scheme = dest.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    let relative = !dest.starts_with('/') && !dest.starts_with("..") && !scheme;
    if dest.as_ref() != "#" && relative {
        return Ok(CowStr::from(format!("{permalink}{dest}")));
    }
    Ok(dest)
}

/// `apply/mentee.md#skills` → "/apply/mentee/#skills".
fn resolve_internal(target: &str, permalinks: &HashMap<String, String>) -> Option<String> {
    let (file, anchor) = match target.split_once('#') {
        Some((file, anchor)) => (file, Some(anchor)),
        None => (target, None),
    };
    let permalink = permalinks.get(file)?;
    Some(match anchor {
        Some(anchor) => format!("{permalink}#{anchor}"),
        None => permalink.clone(),
    })
}

fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Tera functions, with Zola's semantics

/// `get_url(path="@/apply/mentee.md")` → the content's URL;
/// `get_url(path="main.css")` → "/main.css" (a trailing slash only with
/// `trailing_slash=true`), as Zola builds them from `base_url` = "".
struct GetUrl {
    permalinks: HashMap<String, String>,
    default_language: String,
    feed_filenames: Vec<String>,
}

impl tera::Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = string_arg(args, "get_url", "path")?
            .ok_or("`get_url` requires a `path` argument with a string value")?;
        let trailing_slash = bool_arg(args, "get_url", "trailing_slash")?.unwrap_or(false);
        if bool_arg(args, "get_url", "cachebust")?.unwrap_or(false) {
            return Err("`get_url`: `cachebust` is not supported by the local renderer".into());
        }
        if let Some(lang) = string_arg(args, "get_url", "lang")?
            && lang != self.default_language
        {
            return Err(format!("`get_url`: `{lang}` is not an authorized language").into());
        }
        if let Some(target) = path.strip_prefix("@/") {
            return resolve_internal(target, &self.permalinks)
                .map(Value::String)
                .ok_or_else(|| {
                    format!("`get_url`: could not resolve URL for link `{path}` not found.").into()
                });
        }
        // Config::make_permalink with base_url "", then get_url's slash rule.
        let mut url = if path == "/" || path.is_empty() {
            "/".to_string()
        } else {
            let slash = if path.ends_with('/')
                || path.contains('#')
                || self
                    .feed_filenames
                    .iter()
                    .any(|f| path.ends_with(f.as_str()))
            {
                ""
            } else {
                "/"
            };
            if path.starts_with('/') {
                format!("{path}{slash}")
            } else {
                format!("/{path}{slash}")
            }
        };
        if !trailing_slash && url.ends_with('/') {
            url.pop();
        }
        Ok(Value::String(url))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `load_data(path="data/catalogue.toml")`: the path is looked up as Zola
/// does: relative to the site root, then under static/ and content/ (`@/`
/// means content/, a leading "/" is dropped); never outside the site.
struct LoadData {
    site_dir: PathBuf,
}

impl tera::Function for LoadData {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        for unsupported in ["url", "literal"] {
            if args.contains_key(unsupported) {
                return Err(format!(
                    "`load_data`: `{unsupported}` is not supported by the local renderer"
                )
                .into());
            }
        }
        let path = string_arg(args, "load_data", "path")?
            .ok_or("`load_data`: requires a `path` argument")?;
        let required = bool_arg(args, "load_data", "required")?.unwrap_or(true);
        let Some(file) = search_for_file(&self.site_dir, &path)? else {
            if required {
                return Err(format!(
                    "`load_data`: {} doesn't exist",
                    self.site_dir.join(&path).display()
                )
                .into());
            }
            return Ok(Value::Null);
        };
        let format = match string_arg(args, "load_data", "format")? {
            Some(format) => format,
            None => file
                .extension()
                .and_then(|e| e.to_str())
                .filter(|e| ["toml", "json"].contains(e))
                .unwrap_or("plain")
                .to_string(),
        };
        let text = fs::read_to_string(&file)
            .map_err(|e| format!("`load_data`: error reading file {}: {e}", file.display()))?;
        match format.as_str() {
            "toml" => toml::from_str::<toml::Table>(&text)
                .map(|t| toml_to_json(toml::Value::Table(t)))
                .map_err(|e| format!("`load_data`: {}: {e}", file.display()).into()),
            "json" => serde_json::from_str(&text)
                .map_err(|e| format!("`load_data`: {}: {e}", file.display()).into()),
            "plain" => Ok(Value::String(text)),
            other => Err(format!(
                "`load_data`: format `{other}` is not supported by the local renderer \
                 (toml, json, plain)"
            )
            .into()),
        }
    }
}

fn search_for_file(site_dir: &Path, path: &str) -> tera::Result<Option<PathBuf>> {
    let actual = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    let relative = Path::new(&actual);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(format!("{path:?} is not inside the base site directory").into());
    }
    let found = [
        site_dir.join(relative),
        site_dir.join("static").join(relative),
        site_dir.join("content").join(relative),
    ]
    .into_iter()
    .find(|p| p.is_file());
    Ok(found)
}

fn string_arg(
    args: &HashMap<String, Value>,
    function: &str,
    name: &str,
) -> tera::Result<Option<String>> {
    match args.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{function}`: `{name}` must be a string").into()),
    }
}

fn bool_arg(
    args: &HashMap<String, Value>,
    function: &str,
    name: &str,
) -> tera::Result<Option<bool>> {
    match args.get(name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(format!("`{function}`: `{name}` must be a boolean (true or false)").into()),
    }
}

// ---------------------------------------------------------------------------
// Helpers

/// TOML → the template value Zola gives: datetimes become strings.
fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect::<Map<String, Value>>(),
        ),
    }
}

fn read_text(path: &Path, shown: &Path) -> Result<String, SiteError> {
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
fn walk(root: &Path, keep: &mut dyn FnMut(&str) -> bool) -> Result<Vec<PathBuf>, SiteError> {
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
fn slash_path(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(message, ": {cause}");
        source = cause.source();
    }
    message
}

fn content_type(path: &str) -> &'static str {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn real_site_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../site")
    }

    fn real_site() -> Site {
        match Site::render(&real_site_dir()) {
            Ok(site) => site,
            Err(e) => panic!("the site does not render: {e}"),
        }
    }

    fn html(site: &Site, path: &str) -> String {
        let Some((content_type, bytes)) = site.get(path) else {
            panic!("no page at {path}");
        };
        assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// A throwaway site: `files` are (path under the site folder, text).
    fn scratch(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = match tempfile::tempdir() {
            Ok(dir) => dir,
            Err(e) => panic!("tempdir: {e}"),
        };
        let mut all = files.to_vec();
        if !files.iter().any(|(path, _)| *path == "config.toml") {
            all.push((
                "config.toml",
                "base_url = \"https://example.gov\"\ntitle = \"T\"\n",
            ));
        }
        for (path, text) in all {
            let path = dir.path().join(path);
            if let Some(parent) = path.parent()
                && let Err(e) = fs::create_dir_all(parent)
            {
                panic!("mkdir: {e}");
            }
            if let Err(e) = fs::write(&path, text) {
                panic!("write {}: {e}", path.display());
            }
        }
        dir
    }

    fn render_err(dir: &tempfile::TempDir) -> SiteError {
        match Site::render(dir.path()) {
            Ok(_) => panic!("expected the site to fail"),
            Err(e) => e,
        }
    }

    fn render_ok(dir: &tempfile::TempDir) -> Site {
        match Site::render(dir.path()) {
            Ok(site) => site,
            Err(e) => panic!("render: {e}"),
        }
    }

    #[derive(Deserialize)]
    struct Entry {
        id: String,
        name: String,
    }

    #[derive(Deserialize)]
    struct Catalogue {
        career_skills: Vec<Entry>,
        soft_skills: Vec<Entry>,
        departments: Vec<Entry>,
        working_hours: Vec<Entry>,
    }

    /// A data file of the real site, e.g. "catalogue.toml".
    fn data_file<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = real_site_dir().join("data").join(name);
        let text = fs::read_to_string(&path).unwrap_or_default();
        match toml::from_str(&text) {
            Ok(data) => data,
            Err(e) => panic!("{name}: {e}"),
        }
    }

    fn catalogue() -> Catalogue {
        data_file("catalogue.toml")
    }

    /// The content pages, beside the application pages.
    const CONTENT_PAGES: [&str; 11] = [
        "/how-it-works/",
        "/handbook/",
        "/faq/",
        "/calendar/",
        "/resources/",
        "/resources/mentors/",
        "/resources/mentees/",
        "/resources/training-credits/",
        "/resources/agreement/",
        "/privacy/",
        "/accessibility/",
    ];

    #[test]
    fn every_page_is_built_on_the_shared_layout() {
        let site = real_site();
        let application_pages = [
            "/",
            "/apply/",
            "/apply/mentee/",
            "/apply/mentor/",
            "/signin/",
            "/signin/confirm/",
            "/my/applications/",
            "/review/",
            "/404.html",
        ];
        for path in application_pages.iter().chain(&CONTENT_PAGES) {
            let page = html(&site, path);
            assert!(page.starts_with("<!doctype html>"), "{path}");
            assert!(page.contains("<html lang=\"en\">"), "{path}");
            assert!(page.contains("<main id=\"main\""), "{path}");
            assert!(page.contains("To teach, to learn, to connect"), "{path}");
        }
        // /my/ is a folder for the signed-in person's pages, not a page.
        assert!(site.get("/my/").is_none());
    }

    #[test]
    fn urls_resolve_with_or_without_slash_or_index() {
        let site = real_site();
        let canonical = site.get("/apply/mentee/");
        assert!(canonical.is_some());
        assert_eq!(
            site.get("/apply/mentee").map(|p| p.1),
            canonical.map(|p| p.1)
        );
        assert_eq!(
            site.get("/apply/mentee/index.html").map(|p| p.1),
            canonical.map(|p| p.1)
        );
        assert_eq!(
            site.get("/").map(|p| p.1),
            site.get("/index.html").map(|p| p.1)
        );
        assert!(site.get("/nowhere/").is_none());
        assert_eq!(
            site.get("/review/?application=01J").map(|p| p.1),
            site.get("/review/").map(|p| p.1)
        );
        assert!(site.get("/../config.toml").is_none());
    }

    #[test]
    fn stylesheet_scripts_and_static_files_are_served() {
        let site = real_site();
        let css = site.get("/main.css");
        assert_eq!(css.map(|c| c.0), Some("text/css; charset=utf-8"));
        assert!(css.is_some_and(|c| !c.1.is_empty()));
        for script in [
            "/js/api.js",
            "/js/ui.js",
            "/js/apply.js",
            "/js/signin.js",
            "/js/signin-confirm.js",
            "/js/my-applications.js",
            "/js/review.js",
            "/js/mentoring.js",
            "/js/mentors.js",
            "/js/mentor-profile.js",
            "/js/dashboard.js",
            "/js/request.js",
            "/js/mentorship.js",
            "/js/survey.js",
            "/js/skills.js",
            "/js/calendar.js",
            "/js/privacy.js",
        ] {
            assert_eq!(
                site.get(script).map(|s| s.0),
                Some("text/javascript; charset=utf-8"),
                "{script}"
            );
        }
        assert_eq!(site.get("/favicon.svg").map(|s| s.0), Some("image/svg+xml"));
        // Partials are pulled into main.css, never compiled on their own.
        assert!(
            site.paths()
                .all(|p| !p.contains("/_") && !p.starts_with("/parts"))
        );
    }

    #[test]
    fn links_are_root_relative_and_lead_to_pages_that_exist() {
        let site = real_site();
        let pages: Vec<String> = site
            .paths()
            .filter(|p| p.ends_with(".html"))
            .map(str::to_string)
            .collect();
        for page in &pages {
            let text = html(&site, page);
            assert!(
                !text.contains("moments.example.gov"),
                "{page} keeps base_url"
            );
            for attribute in ["href=\"", "src=\""] {
                for piece in text.split(attribute).skip(1) {
                    let target = piece.split('"').next().unwrap_or_default();
                    if target.starts_with('#') {
                        continue;
                    }
                    assert!(target.starts_with('/'), "{page}: {attribute}{target}");
                    let path = target.split(['?', '#']).next().unwrap_or_default();
                    assert!(site.get(path).is_some(), "{page} links to missing {target}");
                }
            }
        }
    }

    #[test]
    fn apply_forms_offer_every_catalogue_skill_department_and_working_hours() {
        let site = real_site();
        let catalogue = catalogue();
        for path in ["/apply/mentee/", "/apply/mentor/"] {
            let page = html(&site, path);
            for skill in catalogue.career_skills.iter().chain(&catalogue.soft_skills) {
                let option = format!("<option value=\"{}\">{}</option>", skill.id, skill.name);
                assert_eq!(page.matches(&option).count(), 6, "{path}: {}", skill.id);
            }
            for department in &catalogue.departments {
                let option = format!(
                    "<option value=\"{}\">{}</option>",
                    department.id, department.name
                );
                assert!(page.contains(&option), "{path}: {}", department.id);
            }
            for hours in &catalogue.working_hours {
                assert!(
                    page.contains(&format!("name=\"working_hours\" value=\"{}\"", hours.id)),
                    "{path}: {}",
                    hours.id
                );
            }
            assert_eq!(page.matches("name=\"skills\"").count(), 6, "{path}");
            for rank in 1..=6 {
                assert!(
                    page.contains(&format!("Rank {rank}")),
                    "{path}: rank {rank}"
                );
            }
            assert_eq!(
                page.matches("<optgroup label=\"Career skills\">").count(),
                6
            );
            assert_eq!(page.matches("<optgroup label=\"Soft skills\">").count(), 6);
        }
    }

    #[test]
    fn apply_forms_carry_every_field_of_the_api_body() {
        let site = real_site();
        let common = [
            "first_name",
            "last_name",
            "phone",
            "department",
            "job_title",
            "work_location",
            "supervisor_first_name",
            "supervisor_last_name",
            "supervisor_email",
            "working_hours",
            "bio",
            "skills",
            "full_time",
            "not_at_risk",
            "no_disciplinary_action",
            "agreement",
        ];
        let mentee = html(&site, "/apply/mentee/");
        let mentor = html(&site, "/apply/mentor/");
        for name in common {
            for (role, page) in [("mentee", &mentee), ("mentor", &mentor)] {
                assert!(page.contains(&format!("name=\"{name}\"")), "{role}: {name}");
                assert!(
                    page.contains(&format!("data-field=\"{name}\"")),
                    "{role}: {name}"
                );
            }
        }
        assert!(mentee.contains("data-role=\"mentee\""));
        assert!(mentee.contains("<textarea class=\"textarea\" id=\"f-goals\" name=\"goals\""));
        assert!(!mentee.contains("name=\"prior_mentees\""));
        assert!(mentor.contains("data-role=\"mentor\""));
        assert!(mentor.contains(
            "<textarea class=\"textarea\" id=\"f-prior_mentees\" name=\"prior_mentees\""
        ));
        assert!(!mentor.contains("name=\"goals\""));
    }

    #[test]
    fn every_form_control_has_a_label() {
        let site = real_site();
        for page in [
            "/apply/mentee/",
            "/apply/mentor/",
            "/signin/",
            "/my/applications/",
            "/review/",
            "/mentors/",
            "/mentors/profile/",
            "/dashboard/",
            "/requests/",
            "/mentorships/",
            "/survey/",
        ] {
            let text = html(&site, page);
            for tag in ["<input ", "<select ", "<textarea "] {
                for piece in text.split(tag).skip(1) {
                    let id = piece
                        .split("id=\"")
                        .nth(1)
                        .and_then(|rest| rest.split('"').next())
                        .unwrap_or_default();
                    assert!(!id.is_empty(), "{page}: {tag} without id");
                    assert!(
                        text.contains(&format!("for=\"{id}\"")),
                        "{page}: no label for {id}"
                    );
                }
            }
        }
    }

    #[test]
    fn scripts_never_insert_markup() {
        let site = real_site();
        for path in site.paths().filter(|p| p.ends_with(".js")) {
            let text = site
                .get(path)
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            for sink in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
            ] {
                assert!(!text.contains(sink), "{path} uses {sink}");
            }
        }
    }

    /// The pages of finding a mentor and living a mentorship, and the module each runs.
    const MENTORING_PAGES: [(&str, &str); 6] = [
        ("/mentors/", "/js/mentors.js"),
        ("/mentors/profile/", "/js/mentor-profile.js"),
        ("/dashboard/", "/js/dashboard.js"),
        ("/requests/", "/js/request.js"),
        ("/mentorships/", "/js/mentorship.js"),
        ("/survey/", "/js/survey.js"),
    ];

    #[test]
    fn every_mentoring_page_is_built_and_runs_its_module() {
        let site = real_site();
        for (path, script) in MENTORING_PAGES {
            let page = html(&site, path);
            assert!(page.starts_with("<!doctype html>"), "{path}");
            assert!(page.contains("<main id=\"main\""), "{path}");
            assert!(
                page.contains(&format!("<script type=\"module\" src=\"{script}\">")),
                "{path} runs {script}"
            );
            // Signed out, each one offers the same way back in.
            assert!(page.contains("id=\"signin-needed\""), "{path}");
            assert!(
                page.contains("id=\"page-status\" role=\"status\""),
                "{path}"
            );
            assert!(page.contains("<noscript>"), "{path}");
        }
    }

    #[test]
    fn header_and_footer_lead_to_find_a_mentor_and_the_dashboard() {
        let site = real_site();
        let home = html(&site, "/");
        let header = home.split("</header>").next().unwrap_or_default();
        let footer = home.split("<footer").nth(1).unwrap_or_default();
        for (href, text) in [
            ("/mentors/", "Find a mentor"),
            ("/dashboard/", "My dashboard"),
        ] {
            let link = format!("<a href=\"{href}\">{text}</a>");
            assert!(header.contains(&link), "header: {link}");
            assert!(footer.contains(&link), "footer: {link}");
        }
        assert!(footer.contains("<a href=\"/my/applications/\">My applications</a>"));
        let find = html(&site, "/mentors/");
        assert!(find.contains("<a href=\"/mentors/\" aria-current=\"page\">Find a mentor</a>"));
        let dashboard = html(&site, "/dashboard/");
        assert!(
            dashboard.contains("<a href=\"/dashboard/\" aria-current=\"page\">My dashboard</a>")
        );
    }

    #[test]
    fn find_a_mentor_is_a_get_form_with_every_filter_of_the_api() {
        let site = real_site();
        let catalogue = catalogue();
        let page = html(&site, "/mentors/");
        assert!(page.contains("method=\"get\" action=\"/mentors/\""));
        assert!(page.contains("name=\"name\" type=\"search\""));
        assert!(page.contains("<option value=\"\">Any department</option>"));
        for department in &catalogue.departments {
            let option = format!(
                "<option value=\"{}\">{}</option>",
                department.id, department.name
            );
            assert!(page.contains(&option), "{}", department.id);
        }
        assert!(page.contains("name=\"hours\" value=\"\" checked"));
        for hours in &catalogue.working_hours {
            assert!(
                page.contains(&format!("name=\"hours\" value=\"{}\"", hours.id)),
                "{}",
                hours.id
            );
        }
        // Skills: one checkbox each, career skills and soft skills in their own groups.
        let soft_at = page
            .find("<legend class=\"skill-filter__legend\">Soft skills</legend>")
            .unwrap_or_else(|| panic!("no soft skills group"));
        let career_at = page
            .find("<legend class=\"skill-filter__legend\">Career skills</legend>")
            .unwrap_or_else(|| panic!("no career skills group"));
        for (skills, soft) in [
            (&catalogue.career_skills, false),
            (&catalogue.soft_skills, true),
        ] {
            for skill in skills {
                let checkbox = format!(
                    "type=\"checkbox\" id=\"f-skill-{0}\" name=\"skills\" value=\"{0}\"",
                    skill.id
                );
                let at = page
                    .find(&checkbox)
                    .unwrap_or_else(|| panic!("no checkbox for {}", skill.id));
                assert_eq!(page.matches(&checkbox).count(), 1, "{}", skill.id);
                assert_eq!(at > soft_at, soft, "{} in the wrong group", skill.id);
                assert!(at > career_at, "{}", skill.id);
            }
        }
        assert_eq!(
            page.matches("name=\"skills\"").count(),
            catalogue.career_skills.len() + catalogue.soft_skills.len()
        );
        assert!(page.contains("id=\"results\"") && page.contains("id=\"pager\""));
    }

    #[test]
    fn mentoring_forms_carry_the_api_field_names() {
        let site = real_site();
        let fields: [(&str, &[&str]); 5] = [
            ("/mentors/profile/", &["message"]),
            ("/dashboard/", &["reason", "available"]),
            ("/requests/", &["reason"]),
            (
                "/mentorships/",
                &[
                    "goals",
                    "steps",
                    "schedule",
                    "end_date",
                    "off_limits",
                    "date",
                    "minutes",
                    "topic",
                    "outcome",
                    "reason",
                ],
            ),
            (
                "/survey/",
                &[
                    "satisfaction",
                    "goals_met",
                    "meetings",
                    "cadence",
                    "would_recommend",
                    "went_well",
                    "improve",
                    "platform_feedback",
                ],
            ),
        ];
        for (path, names) in fields {
            let page = html(&site, path);
            for name in names {
                assert!(page.contains(&format!("name=\"{name}\"")), "{path}: {name}");
                assert!(
                    page.contains(&format!("data-field=\"{name}\"")),
                    "{path}: {name} has no place for its error"
                );
            }
            assert!(page.contains("class=\"error-summary\""), "{path}");
        }
        let profile = html(&site, "/mentors/profile/");
        assert!(profile.contains(">Select as Mentor</button>"));
        let mentorship = html(&site, "/mentorships/");
        for value in ["completed", "discontinued"] {
            assert!(mentorship.contains(&format!("name=\"outcome\" value=\"{value}\"")));
        }
        assert!(mentorship.contains("id=\"f-end_date\" name=\"end_date\" type=\"date\""));
        assert!(mentorship.contains("id=\"f-date\" name=\"date\" type=\"date\""));
        assert!(mentorship.contains("inputmode=\"numeric\""));
        let survey = html(&site, "/survey/");
        for value in 1..=5 {
            assert!(survey.contains(&format!("name=\"satisfaction\" value=\"{value}\"")));
        }
        for value in ["yes", "partly", "no"] {
            assert!(survey.contains(&format!("name=\"goals_met\" value=\"{value}\"")));
        }
        for value in [
            "weekly",
            "every-two-weeks",
            "monthly",
            "less-often",
            "irregular",
        ] {
            assert!(survey.contains(&format!("name=\"cadence\" value=\"{value}\"")));
        }
        for value in ["true", "false"] {
            assert!(survey.contains(&format!("name=\"would_recommend\" value=\"{value}\"")));
        }
    }

    #[test]
    fn the_mentorship_page_prints_the_agreement_and_explains_training_credit() {
        let site = real_site();
        let page = html(&site, "/mentorships/");
        assert!(page.contains("id=\"print-agreement\""));
        assert!(page.contains("class=\"print-only signatures\""));
        for step in [
            "ESS portal",
            "“My Information”",
            "“My Development”",
            "“View Training Log”",
            "“Add Training”",
            "“Mentorship Meeting”",
        ] {
            assert!(page.contains(step), "training credit step {step}");
        }
        // The program's best practice is on the page, not only in its script.
        assert!(page.contains("about an hour each month") && page.contains("travel or overtime"));
        let css = site
            .get("/main.css")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        assert!(css.contains("@media print"));
        assert!(css.contains(".printing-agreement .print-section:not(.print-agreement)"));
    }

    /// The scripts a page loads: its module and, transitively, what it imports.
    fn scripts_of(site: &Site, page: &str) -> Vec<String> {
        let mut found: Vec<String> = page
            .split("<script type=\"module\" src=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect();
        let mut i = 0;
        while i < found.len() {
            let text = site
                .get(&found[i])
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_else(|| panic!("missing script {}", found[i]));
            let dir = found[i]
                .rsplit_once('/')
                .map(|(d, _)| d)
                .unwrap_or_default()
                .to_string();
            for rest in text.split("from \"./").skip(1) {
                let name = rest.split('"').next().unwrap_or_default();
                let path = format!("{dir}/{name}");
                if !found.contains(&path) {
                    found.push(path);
                }
            }
            i += 1;
        }
        found
    }

    #[test]
    fn every_page_weighs_at_most_100_kb_with_its_css_and_scripts() {
        let site = real_site();
        let size = |path: &str| site.get(path).map_or(0, |(_, b)| b.len());
        let css = size("/main.css");
        for path in site.paths().filter(|p| p.ends_with(".html")) {
            let page = html(&site, path);
            let scripts = scripts_of(&site, &page);
            let total = page.len() + css + scripts.iter().map(|s| size(s)).sum::<usize>();
            assert!(
                total <= 100 * 1024,
                "{path} weighs {total} bytes with {scripts:?}"
            );
        }
        // The mentorship page pulls in the most; make sure its imports were followed.
        let scripts = scripts_of(&site, &html(&site, "/mentorships/"));
        for script in [
            "/js/mentorship.js",
            "/js/api.js",
            "/js/ui.js",
            "/js/mentoring.js",
        ] {
            assert!(
                scripts.iter().any(|s| s == script),
                "{script} in {scripts:?}"
            );
        }
    }

    #[test]
    fn the_footer_reaches_every_content_page() {
        let site = real_site();
        let home = html(&site, "/");
        let footer = home
            .split("<footer")
            .nth(1)
            .unwrap_or_else(|| panic!("no footer"));
        for path in CONTENT_PAGES {
            assert!(
                footer.contains(&format!("href=\"{path}\"")),
                "the footer links to {path}"
            );
        }
    }

    #[test]
    fn the_blank_agreement_has_every_field_and_ruled_space() {
        let site = real_site();
        let agreement = html(&site, "/resources/agreement/");
        for heading in [
            "Goals",
            "Steps toward the goals",
            "Meetings",
            "Confidential",
        ] {
            assert!(agreement.contains(heading), "agreement: {heading}");
        }
        let css = site
            .get("/main.css")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        assert!(
            css.contains(".write-space"),
            "the blank agreement has ruled space"
        );
    }

    #[test]
    fn every_faq_question_has_its_own_anchor() {
        let site = real_site();
        let faq = html(&site, "/faq/");
        let questions: Vec<&str> = faq
            .split("<h3 id=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert!(questions.len() >= 32, "{} questions", questions.len());
        let mut unique = questions.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), questions.len(), "anchors are unique");
        for id in &questions {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}"
            );
        }
    }

    #[derive(Deserialize)]
    struct CalendarData {
        updated: toml::value::Datetime,
        groups: Vec<Entry>,
        events: Vec<CalendarEvent>,
    }

    #[derive(Deserialize)]
    struct CalendarEvent {
        id: String,
        group: String,
        kind: String,
        date: toml::value::Datetime,
        start: Option<String>,
        end: Option<String>,
        title: String,
        details: String,
    }

    fn calendar() -> CalendarData {
        data_file("calendar.toml")
    }

    fn civil(date: &toml::value::Datetime) -> jiff::civil::Date {
        match date.to_string().parse() {
            Ok(d) => d,
            Err(e) => panic!("{date} is not a date: {e}"),
        }
    }

    #[test]
    fn calendar_data_is_in_date_order_with_known_groups_and_kinds() {
        let calendar = calendar();
        assert!(!calendar.events.is_empty());
        let _ = civil(&calendar.updated);
        let mut ids = Vec::new();
        let mut previous = None;
        for e in &calendar.events {
            let date = civil(&e.date);
            assert!(
                previous.is_none_or(|p| p <= date),
                "{} is out of date order",
                e.id
            );
            previous = Some(date);
            assert!(
                !e.id.is_empty()
                    && e.id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: id",
                e.id
            );
            assert!(!ids.contains(&e.id), "{}: id used twice", e.id);
            ids.push(e.id.clone());
            assert!(
                calendar.groups.iter().any(|g| g.id == e.group),
                "{}: group {}",
                e.id,
                e.group
            );
            assert!(
                ["window", "training", "office-hours", "deadline", "matches"]
                    .contains(&e.kind.as_str()),
                "{}: kind {}",
                e.id,
                e.kind
            );
            // The feed needs plain ASCII text on one line.
            for text in [&e.title, &e.details] {
                assert!(text.is_ascii() && !text.contains('\n'), "{}: {text}", e.id);
            }
            match (&e.start, &e.end) {
                (None, None) => {}
                (Some(start), Some(end)) => {
                    let at = |t: &str| match jiff::civil::Time::strptime("%H:%M", t) {
                        Ok(t) => t,
                        Err(err) => panic!("{}: {t}: {err}", e.id),
                    };
                    assert!(at(start) < at(end), "{}: starts after it ends", e.id);
                }
                _ => panic!("{}: a start needs an end, and the other way round", e.id),
            }
        }
    }

    #[test]
    fn the_calendar_page_and_home_show_every_date_with_its_weekday() {
        let site = real_site();
        let page = html(&site, "/calendar/");
        let home = html(&site, "/");
        assert!(page.contains("href=\"/calendar.ics\""));
        for e in calendar().events {
            let date = civil(&e.date);
            let long = date.strftime("%A, %B %-d, %Y").to_string();
            let item = format!("id=\"{}\" data-date=\"{date}\"", e.id);
            let shown = page
                .split(&item)
                .nth(1)
                .unwrap_or_else(|| panic!("{} is not on the calendar page", e.id));
            let shown = shown.split("</li>").next().unwrap_or_default();
            assert!(shown.contains(&long), "{}: {long} in {shown}", e.id);
            assert!(shown.contains(&e.title), "{}", e.id);
            if let Some(start) = &e.start {
                let Ok(at) = jiff::civil::Time::strptime("%H:%M", start) else {
                    panic!("{}: start {start}", e.id);
                };
                let half = if at.hour() < 12 { "a.m." } else { "p.m." };
                let time = format!("{} {half}", at.strftime("%-I:%M"));
                assert!(shown.contains(&time), "{}: {time}", e.id);
            }
            // Home lists every date, hidden until its script picks the next few.
            assert!(
                home.contains(&format!("data-date=\"{date}\" hidden>")),
                "{} on the home page",
                e.id
            );
        }
    }

    /// The feed's content lines, unfolded (RFC 5545, 3.1).
    fn unfold(text: &str) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for line in text.split("\r\n") {
            match line.strip_prefix(' ') {
                Some(rest) => {
                    if let Some(last) = lines.last_mut() {
                        last.push_str(rest);
                    }
                }
                None => lines.push(line.to_string()),
            }
        }
        lines
    }

    #[test]
    fn the_calendar_feed_is_valid_icalendar_with_every_event() {
        let site = real_site();
        let Some((content_type, bytes)) = site.get("/calendar.ics") else {
            panic!("no /calendar.ics");
        };
        assert_eq!(content_type, "text/calendar; charset=utf-8");
        let text = String::from_utf8_lossy(bytes).into_owned();
        assert!(text.is_ascii());
        // Every line ends with CRLF, and none is longer than 75 octets.
        assert!(text.ends_with("\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF");
        assert!(!text.replace("\r\n", "").contains('\r'), "a bare CR");
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let lines = unfold(text.trim_end_matches("\r\n"));
        assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
        assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
        for required in ["VERSION:2.0", "PRODID:-//MOments//Program dates//EN"] {
            assert!(lines.iter().any(|l| l == required), "{required}");
        }
        assert!(lines.iter().any(|l| l == "TZID:America/Chicago"));

        let calendar = calendar();
        let stamp = format!(
            "DTSTAMP:{}T000000Z",
            civil(&calendar.updated).strftime("%Y%m%d")
        );
        let events: Vec<&[String]> = lines
            .split(|l| l == "BEGIN:VEVENT")
            .skip(1)
            .map(|rest| {
                let end = rest.iter().position(|l| l == "END:VEVENT");
                &rest[..end.unwrap_or_else(|| panic!("an event without END:VEVENT"))]
            })
            .collect();
        assert_eq!(events.len(), calendar.events.len());
        for (event, e) in events.iter().zip(&calendar.events) {
            let has = |line: &str| event.iter().any(|l| l == line);
            assert!(has(&format!("UID:{}@moments.mo.gov", e.id)), "{}", e.id);
            assert!(has(&stamp), "{}: {stamp}", e.id);
            assert!(has(&format!("SUMMARY:MOments: {}", e.title)), "{}", e.id);
            assert!(
                has(&format!("URL:/calendar/#{}", e.id)),
                "{}: link to the page",
                e.id
            );
            let day = civil(&e.date).strftime("%Y%m%d").to_string();
            match (&e.start, &e.end) {
                (Some(start), Some(end)) => {
                    let at = |t: &str| format!("{day}T{}00", t.replace(':', ""));
                    assert!(has(&format!("DTSTART;TZID=America/Chicago:{}", at(start))));
                    assert!(has(&format!("DTEND;TZID=America/Chicago:{}", at(end))));
                }
                _ => {
                    // A whole day: a DATE and no end (RFC 5545, 3.6.1).
                    assert!(has(&format!("DTSTART;VALUE=DATE:{day}")), "{}", e.id);
                    assert!(!event.iter().any(|l| l.starts_with("DTEND")), "{}", e.id);
                }
            }
            // TEXT values escape commas and semicolons (3.3.11).
            let description = event
                .iter()
                .find_map(|l| l.strip_prefix("DESCRIPTION:"))
                .unwrap_or_else(|| panic!("{}: no DESCRIPTION", e.id));
            assert_eq!(
                description
                    .replace("\\,", ",")
                    .replace("\\;", ";")
                    .replace("\\\\", "\\"),
                format!(
                    "{}. {}",
                    calendar
                        .groups
                        .iter()
                        .find(|g| g.id == e.group)
                        .map(|g| g.name.as_str())
                        .unwrap_or_default(),
                    e.details
                )
            );
        }
    }

    #[test]
    fn feeds_render_with_the_template_of_their_name_like_zola() {
        let config = "base_url = \"https://example.gov\"\ngenerate_feeds = true\n\
                      feed_filenames = [\"dates.ics\"]\n";
        let dir = scratch(&[
            ("config.toml", config),
            (
                "templates/dates.ics",
                "{{ feed_url }}|{{ pages | length }}|{{ get_url(path='dates.ics', trailing_slash=true) }}",
            ),
        ]);
        let site = render_ok(&dir);
        assert_eq!(
            site.get("/dates.ics")
                .map(|(t, b)| (t, String::from_utf8_lossy(b).into_owned())),
            // Zola never gives a feed's address a trailing slash.
            Some((
                "text/calendar; charset=utf-8",
                "/dates.ics|0|/dates.ics".to_string()
            ))
        );

        // Without generate_feeds there is no feed, as in Zola.
        let dir = scratch(&[
            (
                "config.toml",
                "base_url = \"https://example.gov\"\nfeed_filenames = [\"dates.ics\"]\n",
            ),
            ("templates/dates.ics", "x"),
        ]);
        assert!(render_ok(&dir).get("/dates.ics").is_none());

        // Zola's built-in atom.xml is not available here: say so.
        let dir = scratch(&[(
            "config.toml",
            "base_url = \"https://example.gov\"\ngenerate_feeds = true\n",
        )]);
        let message = render_err(&dir).to_string();
        assert!(
            message.contains("config.toml") && message.contains("atom.xml"),
            "{message}"
        );
    }

    #[test]
    fn a_missing_template_names_the_content_file_and_template() {
        let dir = scratch(&[
            ("templates/index.html", "home"),
            ("content/_index.md", "+++\ntitle = \"Home\"\n+++\n"),
            (
                "content/about.md",
                "+++\ntitle = \"About\"\ntemplate = \"nope.html\"\n+++\n",
            ),
        ]);
        let error = render_err(&dir);
        assert!(
            matches!(error, SiteError::MissingTemplate { .. }),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(message.contains("content/about.md"), "{message}");
        assert!(message.contains("nope.html"), "{message}");
    }

    #[test]
    fn a_page_without_template_needs_page_html() {
        let dir = scratch(&[("content/about.md", "+++\ntitle = \"About\"\n+++\n")]);
        let message = render_err(&dir).to_string();
        assert!(
            message.contains("content/about.md") && message.contains("page.html"),
            "{message}"
        );
    }

    #[test]
    fn bad_front_matter_names_the_file() {
        let dir = scratch(&[
            ("templates/page.html", "{{ page.title }}"),
            (
                "content/a.md",
                "+++\ntitle = \"A\"\npermalink_style = 1\n+++\n",
            ),
        ]);
        let message = render_err(&dir).to_string();
        assert!(
            message.contains("content/a.md") && message.contains("permalink_style"),
            "{message}"
        );

        let dir = scratch(&[
            ("templates/page.html", ""),
            ("content/b.md", "no front matter\n"),
        ]);
        assert!(render_err(&dir).to_string().contains("content/b.md"));
    }

    #[test]
    fn a_template_that_does_not_parse_is_named() {
        let dir = scratch(&[
            ("templates/page.html", "{% if %}"),
            ("content/a.md", "+++\n+++\n"),
        ]);
        let message = render_err(&dir).to_string();
        assert!(message.contains("page.html"), "{message}");
    }

    #[test]
    fn a_template_error_names_the_content_and_template() {
        let dir = scratch(&[
            ("templates/page.html", "{{ page.nothing_here }}"),
            ("content/a.md", "+++\ntitle = \"A\"\n+++\n"),
        ]);
        let message = render_err(&dir).to_string();
        assert!(
            message.contains("content/a.md") && message.contains("page.html"),
            "{message}"
        );
    }

    #[test]
    fn sections_and_pages_render_like_zola() {
        let dir = scratch(&[
            (
                "templates/index.html",
                "I:{{ section.title }}|{{ current_path | safe }}|{{ section.content | safe }}",
            ),
            (
                "templates/section.html",
                "S:{{ section.path | safe }}|{{ section.extra.colour }}",
            ),
            (
                "templates/page.html",
                "P:{{ page.path | safe }}|{{ page.slug }}|{{ page.content | safe }}",
            ),
            (
                "content/_index.md",
                "+++\ntitle = \"Home\"\n+++\n## How it works\n\n## How it works\n\nSee [the guide](@/guide/First_Steps.md#start).\n\n\
                 [up](#how-it-works) [top](#) [file](notes.txt) [web](https://example.gov/a) \
                 [mail](mailto:a@example.gov) [root](/x/) [parent](../y/) <b@example.gov>\n",
            ),
            (
                "content/guide/_index.md",
                "+++\ntitle = \"Guide\"\n[extra]\ncolour = \"navy\"\n+++\n",
            ),
            (
                "content/guide/First_Steps.md",
                "+++\ntitle = \"First\"\n+++\n# Start {#start}\n",
            ),
            ("content/hidden/_index.md", "+++\nrender = false\n+++\n"),
            ("content/hidden/inside.md", "+++\ntitle = \"Inside\"\n+++\n"),
            (
                "content/draft.md",
                "+++\ntitle = \"Draft\"\ndraft = true\n+++\n",
            ),
        ]);
        let site = render_ok(&dir);
        let text = |path: &str| {
            site.get(path)
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()
        };
        let home = text("/");
        assert!(home.starts_with("I:Home|/|"), "{home}");
        assert!(
            home.contains("<h2 id=\"how-it-works\">How it works</h2>"),
            "{home}"
        );
        assert!(
            home.contains("<h2 id=\"how-it-works-1\">How it works</h2>"),
            "{home}"
        );
        assert!(
            home.contains("href=\"/guide/first-steps/#start\""),
            "{home}"
        );
        // Zola's fix_link: anchors and relative links follow the page's permalink.
        for link in [
            "href=\"/#how-it-works\"",
            "href=\"#\"",
            "href=\"/notes.txt\"",
            "href=\"https://example.gov/a\"",
            "href=\"mailto:a@example.gov\"",
            "href=\"/x/\"",
            "href=\"../y/\"",
            "href=\"mailto:b@example.gov\"",
        ] {
            assert!(home.contains(link), "{link} in {home}");
        }
        assert_eq!(text("/guide/"), "S:/guide/|navy");
        assert!(
            text("/guide/first-steps/")
                .starts_with("P:/guide/first-steps/|first-steps|<h1 id=\"start\">")
        );
        assert!(site.get("/hidden/").is_none());
        assert!(site.get("/hidden/inside/").is_some());
        assert!(site.get("/draft/").is_none());
    }

    #[test]
    fn an_internal_link_to_missing_content_is_an_error() {
        let dir = scratch(&[
            ("templates/page.html", "{{ page.content | safe }}"),
            (
                "content/a.md",
                "+++\ntitle = \"A\"\n+++\n[gone](@/gone.md)\n",
            ),
        ]);
        let message = render_err(&dir).to_string();
        assert!(
            message.contains("content/a.md") && message.contains("@/gone.md"),
            "{message}"
        );
    }

    #[test]
    fn get_url_follows_zola() {
        let dir = scratch(&[
            (
                "templates/page.html",
                "{{ get_url(path='main.css') }} {{ get_url(path='/js/a.js') }} \
                 {{ get_url(path='dir/') }} {{ get_url(path='dir', trailing_slash=true) }} \
                 {{ get_url(path='@/a.md') }} {{ get_url(path='@/_index.md') }} {{ get_url(path='/') }}",
            ),
            ("templates/index.html", ""),
            ("content/_index.md", "+++\n+++\n"),
            ("content/a.md", "+++\n+++\n"),
        ]);
        let site = render_ok(&dir);
        let page = site
            .get("/a/")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        // As in Zola, `get_url(path="/")` loses its only slash.
        assert_eq!(page, "/main.css /js/a.js /dir /dir/ /a/ / ");

        let dir = scratch(&[
            ("templates/page.html", "{{ get_url(path='@/missing.md') }}"),
            ("content/a.md", "+++\n+++\n"),
        ]);
        assert!(render_err(&dir).to_string().contains("@/missing.md"));
    }

    #[test]
    fn load_data_reads_from_the_site_root_like_zola() {
        let dir = scratch(&[
            (
                "templates/page.html",
                "{% set d = load_data(path='data/x.toml') %}{{ d.items | length }}{{ d.items.0.id }}\
                 {% set s = load_data(path='/static-data.json') %}{{ s.n }}\
                 {% set none = load_data(path='data/none.toml', required=false) %}{{ none is defined }}",
            ),
            ("content/a.md", "+++\n+++\n"),
            (
                "data/x.toml",
                "items = [{ id = \"one\" }, { id = \"two\" }]\n",
            ),
            ("static/static-data.json", "{\"n\": 7}"),
        ]);
        let site = render_ok(&dir);
        let page = site
            .get("/a/")
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        assert_eq!(page, "2one7true");

        let dir = scratch(&[
            (
                "templates/page.html",
                "{{ load_data(path='../outside.toml') }}",
            ),
            ("content/a.md", "+++\n+++\n"),
        ]);
        assert!(render_err(&dir).to_string().contains("content/a.md"));
    }

    #[test]
    fn sass_compiles_like_zola_and_reports_the_file() {
        let config = "base_url = \"https://example.gov\"\ncompile_sass = true\n";
        let dir = scratch(&[
            ("config.toml", config),
            (
                "sass/site.scss",
                "@use \"parts/colour\";\nbody { color: colour.$ink; }\n",
            ),
            ("sass/parts/_colour.scss", "$ink: #123456;\n"),
            ("sass/_skipped.scss", "p { color: red; }\n"),
            ("sass/_folder/x.scss", "p { color: red; }\n"),
        ]);
        let site = render_ok(&dir);
        let paths: Vec<&str> = site.paths().collect();
        assert_eq!(paths, ["/site.css"]);
        assert_eq!(
            site.get("/site.css")
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned()),
            Some("body{color:#123456}".to_string())
        );

        let dir = scratch(&[
            ("config.toml", config),
            ("sass/broken.scss", "body { color: ; \n"),
        ]);
        let message = render_err(&dir).to_string();
        assert!(message.contains("sass/broken.scss"), "{message}");
    }

    #[test]
    fn two_sources_for_one_url_is_an_error() {
        let dir = scratch(&[
            ("templates/page.html", "page"),
            ("content/a.md", "+++\n+++\n"),
            ("static/a/index.html", "static"),
        ]);
        let message = render_err(&dir).to_string();
        assert!(
            message.contains("/a/index.html") && message.contains("content/a.md"),
            "{message}"
        );
    }

    #[test]
    fn unsupported_zola_settings_are_refused_not_ignored() {
        let dir = scratch(&[
            ("content/a.md", "+++\n+++\n{{ youtube(id=\"x\") }}\n"),
            ("templates/page.html", ""),
        ]);
        assert!(render_err(&dir).to_string().contains("shortcodes"));
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        if let Err(e) = fs::write(
            dir.path().join("config.toml"),
            "base_url = \"x\"\nminify_html = true\n",
        ) {
            panic!("{e}");
        }
        let message = render_err(&dir).to_string();
        assert!(
            message.contains("config.toml") && message.contains("minify_html"),
            "{message}"
        );
    }
}
