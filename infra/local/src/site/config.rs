//! `config.toml`: the keys Zola knows that the local renderer implements.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::SiteError;
use super::files::read_text;

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
pub(super) struct MarkdownConfig {
    #[serde(default)]
    pub(super) smart_punctuation: bool,
    #[serde(default)]
    pub(super) definition_list: bool,
    #[serde(default)]
    pub(super) github_alerts: bool,
}

pub(super) struct Config {
    title: Option<String>,
    /// Feeds to render (`feed_filenames` when `generate_feeds` is on).
    pub(super) feeds: Vec<String>,
    /// `feed_filenames` whether or not feeds are on: Zola's permalinks
    /// never get a trailing slash after one of them.
    pub(super) feed_filenames: Vec<String>,
    description: Option<String>,
    pub(super) default_language: String,
    pub(super) compile_sass: bool,
    pub(super) markdown: MarkdownConfig,
    extra: Value,
}

impl Config {
    pub(super) fn load(path: &Path, shown: PathBuf) -> Result<Config, SiteError> {
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
    pub(super) fn to_tera(&self) -> Value {
        json!({
            "base_url": "",
            "title": self.title,
            "description": self.description,
            "default_language": self.default_language,
            "extra": self.extra,
        })
    }
}

/// TOML → the template value Zola gives: datetimes become strings.
pub(super) fn toml_to_json(value: toml::Value) -> Value {
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
