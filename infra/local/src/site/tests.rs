//! The renderer against Zola's behaviour, on scratch sites: what Zola
//! does, this does, and what this does not implement is refused. The real
//! site's pages are checked with the product's tests, in `tests/site/`.

use std::fs;

use super::{Site, SiteError};

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

/// Files under `dir`, as "/"-separated paths relative to it.
fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            found.extend(
                files_under(&entry.path())
                    .into_iter()
                    .map(|f| format!("{name}/{f}")),
            );
        } else {
            found.push(name);
        }
    }
    found.sort();
    found
}

#[test]
fn write_to_lays_files_out_as_zola_build_does_and_refuses_a_used_directory() {
    let dir = scratch(&[
        ("templates/index.html", "home"),
        ("templates/page.html", "{{ page.slug }}"),
        ("content/_index.md", "+++\n+++\n"),
        ("content/guide/First.md", "+++\n+++\n"),
        ("static/js/a.js", "let a;"),
    ]);
    let site = render_ok(&dir);
    let out = dir.path().join("public");
    if let Err(e) = site.write_to(&out) {
        panic!("write_to: {e}");
    }
    assert_eq!(
        files_under(&out),
        ["guide/first/index.html", "index.html", "js/a.js"]
    );
    for path in site.paths() {
        let written = fs::read(out.join(path.trim_start_matches('/'))).unwrap_or_default();
        assert_eq!(
            Some(written.as_slice()),
            site.get(path).map(|p| p.1),
            "{path}"
        );
    }

    // A second run would mix old files with new ones: refused, named.
    let message = match site.write_to(&out) {
        Ok(()) => panic!("wrote into a used directory"),
        Err(e) => e.to_string(),
    };
    assert!(
        message.contains("public") && message.contains("not empty"),
        "{message}"
    );
}
