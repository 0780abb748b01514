//! Placeholders are warnings (issue 19.3): `EDIT` marks, `TODO` justifications and a
//! scaffold still dated the day it was made; a scaffolded effort stays out of the trend
//! until edited.

mod common;

use common::{Test, root_dir};
use std::fs;

fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["rubrics", "cases"] {
        fs::create_dir_all(dir.path().join(folder)).expect("mkdir");
        for entry in fs::read_dir(root_dir().join(folder)).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                fs::copy(
                    &path,
                    dir.path()
                        .join(folder)
                        .join(path.file_name().expect("name")),
                )
                .expect("copy");
            }
        }
    }
    dir
}

#[test]
fn a_fresh_scaffold_checks_with_a_warning_for_each_placeholder() {
    let dir = corpus_copy();
    Test::new()
        .current_dir(dir.path())
        .args(["new", "fresh", "--kind", "initiative"])
        .success();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["check", "rubrics", "cases/fresh.toml"])
        .success();
    let warnings = out.stdout.matches("cases/fresh.toml:").count();
    assert!(warnings >= 8, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("warning: a placeholder is left: \"EDIT: your name\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("the day this file was scaffolded"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("0 errors, "), "{}", out.stdout);
    assert!(!out.stdout.contains("0 warnings"), "{}", out.stdout);
}

#[test]
fn a_todo_justification_is_a_warning() {
    let dir = corpus_copy();
    let path = dir.path().join("cases/2016-vatican.toml");
    let text = fs::read_to_string(&path).expect("read");
    let with = format!("{text}\n[overrides.history]\nlevel = 1\njustification = \"TODO\"\n");
    fs::write(&path, with).expect("write");
    let out = Test::new().current_dir(dir.path()).arg("check").run();
    assert!(
        out.stdout
            .contains("warning: `\"TODO\"` is a placeholder, not a text"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_scaffolded_effort_joins_the_trend_only_once_edited() {
    let dir = corpus_copy();
    Test::new()
        .current_dir(dir.path())
        .args(["new", "2020-later-talks", "--kind", "effort"])
        .success();
    let out = Test::new().current_dir(dir.path()).arg("trend").success();
    assert!(!out.stdout.contains("2020-later-talks"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("cases/2020-later-talks.toml is a scaffolded effort"),
        "{}",
        out.stderr
    );
    // Edited: every EDIT placeholder replaced and a start of its own.
    let path = dir.path().join("cases/2020-later-talks.toml");
    let text = fs::read_to_string(&path).expect("read");
    let mut edited = String::new();
    for line in text.lines() {
        let line = if line.starts_with("start = ") {
            "start = \"2020-01\"".to_string()
        } else {
            line.replace("\"EDIT: ", "\"Written: ")
        };
        edited.push_str(&line);
        edited.push('\n');
    }
    fs::write(&path, edited).expect("write");
    let check = Test::new()
        .current_dir(dir.path())
        .args(["check", "rubrics", "cases/2020-later-talks.toml"])
        .success();
    assert!(!check.stdout.contains("placeholder"), "{}", check.stdout);
    let out = Test::new().current_dir(dir.path()).arg("trend").success();
    assert!(out.stdout.contains("2020-later-talks"), "{}", out.stdout);
    assert!(!out.stderr.contains("scaffolded"), "{}", out.stderr);
}
