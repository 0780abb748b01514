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

/// The series `trend --format json` prints, or the report's trend as read back.
fn efforts_of_trend(json: &str) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(json).expect("trend JSON");
    value["efforts"]
        .as_array()
        .expect("efforts")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn the_report_leaves_a_scaffolded_effort_out_of_its_trend_as_trend_does() {
    let dir = corpus_copy();
    Test::new()
        .current_dir(dir.path())
        .args(["new", "2020-later-talks", "--kind", "effort"])
        .success();
    let trend = Test::new()
        .current_dir(dir.path())
        .args(["trend", "--format", "json"])
        .success();
    let series = efforts_of_trend(&trend.stdout);
    assert!(series.len() >= 2, "{series:?}");
    assert!(!series.iter().any(|id| id == "2020-later-talks"));
    let report = Test::new()
        .current_dir(dir.path())
        .args(["report", "--out", "out"])
        .success();
    // The same warning from both commands.
    let warning = "warning: cases/2020-later-talks.toml is a scaffolded effort with placeholders left; the trend leaves it out until they are replaced";
    assert!(trend.stderr.contains(warning), "{}", trend.stderr);
    assert!(report.stderr.contains(warning), "{}", report.stderr);
    let out = dir.path().join("out");
    // trend.csv steps between exactly the efforts `trend` reads, in its order.
    let csv = fs::read_to_string(out.join("data/trend.csv")).expect("trend.csv");
    assert!(!csv.contains("2020-later-talks"), "{csv}");
    let mut header = csv.lines().next().expect("header").split(',');
    let from = header.position(|c| c == "from_case").expect("from_case");
    let steps: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some("total"))
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[from].to_string(), cells[from + 1].to_string())
        })
        .collect();
    let expected: Vec<(String, String)> = series
        .windows(2)
        .map(|w| (w[0].clone(), w[1].clone()))
        .collect();
    assert_eq!(steps, expected);
    // The key findings count the trend's efforts, not the scaffold.
    let index = fs::read_to_string(out.join("index.md")).expect("index.md");
    assert!(
        index.contains(&format!("Across {} efforts from", series.len())),
        "{index}"
    );
    assert!(
        index.contains(
            "Left out of the trend, the chart and the key findings: 2020-later-talks.toml, a scaffolded effort with placeholders left"
        ),
        "{index}"
    );
    let html = fs::read_to_string(out.join("index.html")).expect("index.html");
    assert!(
        html.contains(
            "Left out of the trend, the chart and the key findings: 2020-later-talks.toml"
        ),
        "the HTML page says so too"
    );
    // The chart has no panel point for it; the sensitivity's progression counts the
    // trend's efforts.
    let svg = fs::read_to_string(out.join("progression.svg")).expect("chart");
    assert!(!svg.contains("later talks") && !svg.contains("2020-later-talks"));
    assert!(
        index.contains(&format!("Progression across the {} efforts", series.len())),
        "{index}"
    );
    // The case is still a case: its page is rendered, marked as a scaffold, and it is
    // scored.
    let page = fs::read_to_string(out.join("cases/2020-later-talks.md")).expect("its page");
    assert!(
        page.contains("**Scaffold.** This case file is a scaffold"),
        "{page}"
    );
    let scores = fs::read_to_string(out.join("scores.csv")).expect("scores.csv");
    assert!(scores.contains("2020-later-talks"));
    // `sensitivity` reads the same progression.
    let sensitivity = Test::new()
        .current_dir(dir.path())
        .args(["sensitivity", "--format", "json", "--samples", "200"])
        .success();
    let value: serde_json::Value = serde_json::from_str(&sensitivity.stdout).expect("json");
    assert_eq!(
        value["progression"]["efforts"].as_u64(),
        Some(series.len() as u64)
    );
    assert!(
        sensitivity.stderr.contains(warning),
        "{}",
        sensitivity.stderr
    );
}
