//! One build: static files, Sass, then every section and page through its
//! template, the feeds and the 404 page, in the order `zola build` takes.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tera::{Context, Tera};

use super::config::Config;
use super::content::{self, Content, Kind};
use super::files::{content_type, read_text, slash_path, walk};
use super::functions::{GetUrl, LoadData};
use super::markdown::render_markdown;
use super::{Output, Site, SiteError, ZOLA_VERSION, error_chain};

pub(super) struct Renderer {
    dir: PathBuf,
    config: Config,
    files: BTreeMap<String, Output>,
}

/// What every template of one build shares: the templates themselves, the
/// `config` variable, and each content file's URL by its path under
/// `content/` (for `@/` links).
struct Shared {
    tera: Tera,
    config: Value,
    permalinks: HashMap<String, String>,
}

impl Renderer {
    pub(super) fn new(site_dir: &Path) -> Result<Renderer, SiteError> {
        let config = Config::load(&site_dir.join("config.toml"), PathBuf::from("config.toml"))?;
        Ok(Renderer {
            dir: site_dir.to_path_buf(),
            config,
            files: BTreeMap::new(),
        })
    }

    pub(super) fn run(mut self) -> Result<Site, SiteError> {
        // Zola copies static/ first, compiles Sass, then renders content.
        self.copy_static()?;
        if self.config.compile_sass {
            self.compile_sass()?;
        }
        let contents = content::load(&self.dir)?;
        let permalinks: HashMap<String, String> = contents
            .iter()
            .map(|c| (c.relative.clone(), c.path.clone()))
            .collect();
        let shared = Shared {
            tera: self.load_templates(&permalinks)?,
            config: self.config.to_tera(),
            permalinks,
        };
        for content in contents.iter().filter(|c| c.render) {
            self.render_content(&shared, content)?;
        }
        self.render_feeds(&shared.tera, &shared.config)?;
        self.render_404(&shared)?;
        Ok(Site { files: self.files })
    }

    /// A section or page: its Markdown, then its template, written to
    /// `<path>index.html`.
    fn render_content(&mut self, shared: &Shared, content: &Content) -> Result<(), SiteError> {
        let html = render_markdown(
            &content.markdown,
            &self.config.markdown,
            &shared.permalinks,
            &content.path,
        )
        .map_err(|message| SiteError::Invalid {
            path: content.shown.clone(),
            message,
        })?;
        if !shared
            .tera
            .get_template_names()
            .any(|n| n == content.template)
        {
            return Err(SiteError::MissingTemplate {
                content: content.shown.clone(),
                template: content.template.clone(),
            });
        }
        let context = self.content_context(&shared.config, content, html);
        let output = shared
            .tera
            .render(&content.template, &context)
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
        )
    }

    /// The variables Zola gives a section's or a page's template, with
    /// Zola's names: `section` or `page` (which adds `slug`, and
    /// `zola_version` beside it).
    fn content_context(&self, config: &Value, content: &Content, html: String) -> Context {
        let mut context = Context::new();
        context.insert("config", config);
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
        context
    }

    /// Zola always writes a 404 page; ours comes from templates/404.html,
    /// given `config` and `lang` only.
    fn render_404(&mut self, shared: &Shared) -> Result<(), SiteError> {
        if !shared.tera.get_template_names().any(|n| n == "404.html") {
            return Ok(());
        }
        let mut context = Context::new();
        context.insert("config", &shared.config);
        context.insert("lang", &self.config.default_language);
        let shown = PathBuf::from("templates/404.html");
        let output = shared
            .tera
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
        )
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
