//! The Zola functions templates may call, with Zola's semantics:
//! `get_url` and `load_data`.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::config::toml_to_json;
use super::markdown::resolve_internal;

/// `get_url(path="@/apply/mentee.md")` → the content's URL;
/// `get_url(path="main.css")` → "/main.css" (a trailing slash only with
/// `trailing_slash=true`), as Zola builds them from `base_url` = "".
pub(super) struct GetUrl {
    pub(super) permalinks: HashMap<String, String>,
    pub(super) default_language: String,
    pub(super) feed_filenames: Vec<String>,
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
pub(super) struct LoadData {
    pub(super) site_dir: PathBuf,
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
