//! `--render-to`: the site written out as it is served, and
//! `site/compare.py`, which compares that tree with `zola build`'s. CI runs
//! the comparison against real Zola; here it is checked against itself, so
//! a pass means the trees match and a failure says where they differ.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::real_site;

/// The real site written into `<tmp>/<name>`, as `--render-to` writes it.
fn rendered(tmp: &TempDir, name: &str) -> PathBuf {
    let dir = tmp.path().join(name);
    if let Err(e) = real_site().write_to(&dir) {
        panic!("write the site to {}: {e}", dir.display());
    }
    dir
}

/// `python3 site/compare.py local zola`: whether it passed, and its output.
fn compare(local: &Path, zola: &Path) -> (bool, String) {
    let script = moments_local::site_dir().join("compare.py");
    let output = match Command::new("python3")
        .arg(&script)
        .arg(local)
        .arg(zola)
        .output()
    {
        Ok(output) => output,
        Err(e) => panic!(
            "python3 {}: {e} (the test command needs Python 3)",
            script.display()
        ),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    match output.status.code() {
        Some(0) => (true, text),
        Some(1) => (false, text),
        other => panic!("compare.py exited with {other:?}: {text}"),
    }
}

fn edit(path: &Path, change: impl FnOnce(String) -> String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Err(e) = fs::write(path, change(text)) {
        panic!("{}: {e}", path.display());
    }
}

#[test]
fn render_to_writes_every_file_the_site_serves() {
    let tmp = TempDir::new().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let dir = rendered(&tmp, "public");
    let site = real_site();
    for path in site.paths() {
        let written = fs::read(dir.join(path.trim_start_matches('/')))
            .unwrap_or_else(|e| panic!("{path} was not written: {e}"));
        assert_eq!(
            Some(written.as_slice()),
            site.get(path).map(|p| p.1),
            "{path}"
        );
    }
    // Pages, the stylesheet, scripts and the 404 page, where
    // `zola build` puts them in public/.
    for file in [
        "index.html",
        "apply/mentee/index.html",
        "main.css",
        "calendar/index.html",
        "js/api.js",
        "favicon.svg",
        "404.html",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
}

#[test]
fn the_comparison_passes_a_render_compared_with_itself() {
    let tmp = TempDir::new().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (local, zola) = (rendered(&tmp, "local"), rendered(&tmp, "zola"));
    let (passed, output) = compare(&local, &zola);
    assert!(passed, "{output}");
    let count = real_site().paths().count();
    assert!(
        output.contains(&format!("{count} files identical")),
        "{output}"
    );

    // Zola's sitemap and robots.txt are left out locally by design.
    for file in ["sitemap.xml", "robots.txt"] {
        if let Err(e) = fs::write(zola.join(file), "zola only") {
            panic!("{file}: {e}");
        }
    }
    let (passed, output) = compare(&local, &zola);
    assert!(passed, "{output}");
}

#[test]
fn the_comparison_fails_on_any_changed_missing_or_extra_file_and_shows_where() {
    let tmp = TempDir::new().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (local, zola) = (rendered(&tmp, "local"), rendered(&tmp, "zola"));
    edit(&zola.join("faq/index.html"), |t| {
        t.replacen("<h1>", "<h1>Changed ", 1)
    });
    edit(&zola.join("404.html"), |t| t.replace('\n', "\r\n"));
    edit(&zola.join("main.css"), |t| {
        t.replacen("color:", "colour:", 1)
    });
    if let Err(e) = fs::remove_file(zola.join("js/ui.js")) {
        panic!("{e}");
    }
    if let Err(e) = fs::write(zola.join("extra.html"), "") {
        panic!("{e}");
    }

    let (passed, output) = compare(&local, &zola);
    assert!(!passed, "{output}");
    for expected in [
        "js/ui.js: only in the local render",
        "extra.html: only in Zola's build",
        "404.html: same text, different line ends (LF locally, CRLF from Zola",
        "faq/index.html: differs from line",
        "+  <h1>Changed ",
        "main.css: differs from line 1",
        "colour:",
    ] {
        assert!(output.contains(expected), "{expected} in\n{output}");
    }
    // Whitespace is compared too: nothing but the file set is forgiven.
    let (local, zola) = (rendered(&tmp, "local2"), rendered(&tmp, "zola2"));
    edit(&zola.join("index.html"), |t| t.replacen("\n", "\n ", 1));
    let (passed, output) = compare(&local, &zola);
    assert!(
        !passed && output.contains("index.html: differs"),
        "{output}"
    );
}
