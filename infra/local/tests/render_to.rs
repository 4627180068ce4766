//! The binary's `--render-to DIR`: the site as the platform serves it,
//! written and nothing else done: no server, no data directory.

use std::path::Path;
use std::process::{Command, Output};

use moments_local::site::Site;

fn moments_local(args: &[&std::ffi::OsStr], data_dir: &Path) -> Output {
    match Command::new(env!("CARGO_BIN_EXE_moments-local"))
        .args(args)
        .env("MOMENTS_DATA_DIR", data_dir)
        .output()
    {
        Ok(output) => output,
        Err(e) => panic!("run moments-local: {e}"),
    }
}

#[test]
fn render_to_writes_the_served_site_and_leaves_the_data_directory_alone() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let out = tmp.path().join("site");
    let data = tmp.path().join("data");
    let output = moments_local(&["--render-to".as_ref(), out.as_os_str()], &data);
    assert!(output.status.success(), "{output:?}");
    assert!(!data.exists(), "the data directory was created");

    let site = match Site::render(&moments_local::site_dir()) {
        Ok(site) => site,
        Err(e) => panic!("render: {e}"),
    };
    for file in [
        "/index.html",
        "/main.css",
        "/calendar/index.html",
        "/js/api.js",
    ] {
        let written = std::fs::read(out.join(&file[1..])).unwrap_or_default();
        assert_eq!(
            Some(written.as_slice()),
            site.get(file).map(|f| f.1),
            "{file}"
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let count = site.paths().count();
    assert!(stdout.contains(&format!("wrote {count} files")), "{stdout}");

    // Again into the same directory: refused, as stale files would pass
    // for output.
    let again = moments_local(&["--render-to".as_ref(), out.as_os_str()], &data);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
}

#[test]
fn a_wrong_argument_is_refused_with_the_usage() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let data = tmp.path().join("data");
    for args in [
        &["--render"][..],
        &["--render-to"],
        &["--render-to", "a", "b"],
    ] {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let output = moments_local(&args, &data);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("usage: moments-local"), "{stderr}");
    }
    assert!(!data.exists());
}
