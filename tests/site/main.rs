//! The site's own pages, rendered by the local platform exactly as it
//! serves them: every page on the shared layout, links that lead somewhere,
//! forms that carry the API's field names and a label for every control,
//! page weights, the FAQ's anchors, the calendar's seed and pages, and
//! `--render-to` with the comparison against `zola build` (`site/compare.py`).
//! How the renderer follows Zola is tested beside it, in
//! `infra/local/src/site/tests.rs`.

mod calendar;
mod forms;
mod pages;
mod render_to;

use std::fs;
use std::sync::OnceLock;

use moments_local::site::Site;
use serde::Deserialize;

/// The real site, rendered once for every test.
fn real_site() -> Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| match Site::render(&moments_local::site_dir()) {
        Ok(site) => site,
        Err(e) => panic!("the site does not render: {e}"),
    })
    .clone()
}

fn html(site: &Site, path: &str) -> String {
    let Some((content_type, bytes)) = site.get(path) else {
        panic!("no page at {path}");
    };
    assert_eq!(content_type, "text/html; charset=utf-8", "{path}");
    String::from_utf8_lossy(bytes).into_owned()
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
    let path = moments_local::site_dir().join("data").join(name);
    let text = fs::read_to_string(&path).unwrap_or_default();
    match toml::from_str(&text) {
        Ok(data) => data,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn catalogue() -> Catalogue {
    data_file("catalogue.toml")
}
