//! Snapshot of `check` on every invalid fixture: one per validation rule at least.
//! A fixture `x.toml` is checked with the fixture rubric and, if present, the files in
//! `x.d/` beside it. Rubric fixtures under `invalid/rubrics/` are checked with the
//! fixture bibliography alone. Bibliography fixtures, `invalid/bibliographies/NAME/
//! bibliography.toml` (the name makes a file a bibliography), are checked alone.

mod common;

use common::Test;
use std::path::Path;

fn relative(path: &Path) -> String {
    path.strip_prefix(common::tests_dir())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn invalid_cases() {
    insta::glob!("fixtures/invalid/*.toml", |path| {
        let file = relative(path);
        let mut test = Test::new().args(["check", "fixtures/rubrics", file.as_str()]);
        let companions = path.with_extension("d");
        if companions.is_dir() {
            test = test.arg(relative(&companions));
        }
        let out = test.code(1);
        assert!(out.stdout.contains(&format!("{file}:")) || out.stdout.contains(".d/"));
        insta::assert_snapshot!(out.stdout);
    });
}

#[test]
fn invalid_rubrics() {
    insta::glob!("fixtures/invalid/rubrics/*.toml", |path| {
        let file = relative(path);
        let out = Test::new()
            .args(["check", "fixtures/rubrics/bibliography.toml", file.as_str()])
            .code(1);
        assert!(out.stdout.contains(&format!("{file}:")));
        insta::assert_snapshot!(out.stdout);
    });
}

#[test]
fn invalid_bibliographies() {
    insta::glob!(
        "fixtures/invalid/bibliographies/*/bibliography.toml",
        |path| {
            let file = relative(path);
            let out = Test::new().args(["check", file.as_str()]).code(1);
            assert!(out.stdout.contains(&format!("{file}:")));
            insta::assert_snapshot!(out.stdout);
        }
    );
}
