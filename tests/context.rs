//! Coded context factors and results: validated, carried in the score JSON and shown
//! beside the scores in the report, never folded into a score.

mod common;

use common::Test;
use std::fs;

const CODED: &[&str] = &["fixtures/rubrics", "fixtures/context/coded.toml"];

fn case_json(args: &[&str]) -> serde_json::Value {
    let out = Test::new()
        .args(["score", "--format", "json"])
        .args(args)
        .success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    json["cases"][0].clone()
}

#[test]
fn score_json_carries_every_factor_and_the_results() {
    let case = case_json(CODED);
    let context = case["context"].as_array().expect("context");
    let factors: Vec<&str> = context
        .iter()
        .map(|f| f["factor"].as_str().unwrap())
        .collect();
    assert_eq!(
        factors,
        [
            "government-alternative",
            "opposition-alternative",
            "government-allies",
            "opposition-allies",
            "spoilers",
            "ripeness"
        ]
    );
    assert_eq!(context[4]["reading"], "absent");
    assert_eq!(context[4]["evidence"], serde_json::json!(["e2"]));
    assert_eq!(context[4]["note"], "The report names none.");
    for f in context.iter().filter(|f| f["factor"] != "spoilers") {
        assert_eq!(f["reading"], "unknown", "{f}");
        assert_eq!(f["evidence"], serde_json::json!([]));
    }
    let results = &case["results"];
    assert_eq!(results["agreement"], "none");
    assert_eq!(results["implementation"], "not-applicable");
    assert!(results["implementation_level"].is_null());
    assert_eq!(results["evidence"], serde_json::json!(["e2"]));
}

#[test]
fn context_changes_no_score() {
    // The same case without its coded context scores the same.
    let plain = case_json(&["fixtures/rubrics", "fixtures/valid/unknowns.toml"]);
    let coded = case_json(CODED);
    assert_eq!(plain["total"], coded["total"]);
    assert_eq!(plain["criteria"], coded["criteria"]);
    // A case file that codes none reads unknown throughout: old files stay valid.
    assert!(
        plain["context"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["reading"] == "unknown")
    );
    assert_eq!(plain["results"]["agreement"], "unknown");
    assert_eq!(plain["results"]["implementation"], "unknown");
}

#[test]
fn the_report_shows_context_beside_the_scores_and_on_the_case_page() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    Test::new()
        .arg("report")
        .args(CODED)
        .args(["--out", out.to_str().unwrap()])
        .success();
    let index = fs::read_to_string(out.join("index.md")).expect("index");
    assert!(
        index.contains("| Case | Agreement | Implementation (PAM 0–3) |"),
        "{index}"
    );
    assert!(
        index.contains(
            "| [Coded context](cases/coded-context.md) (initiative) | none | not-applicable | unknown | unknown | unknown | unknown | absent | unknown |"
        ),
        "{index}"
    );
    let html = fs::read_to_string(out.join("index.html")).expect("index");
    assert!(html.contains(r#"<table class="scores context" id="context-table">"#));
    let page = fs::read_to_string(out.join("cases/coded-context.md")).expect("page");
    assert!(page.contains("## Context and results, coded"), "{page}");
    assert!(
        page.contains("- **Spoilers**: absent — The report names none."),
        "{page}"
    );
    assert!(page.contains("No agenda was agreed."), "{page}");
}

#[test]
fn a_report_with_no_coded_context_has_no_context_table() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    Test::new()
        .args(["report", "fixtures/rubrics", "fixtures/valid"])
        .args(["--out", out.to_str().unwrap()])
        .success();
    let index = fs::read_to_string(out.join("index.md")).expect("index");
    assert!(!index.contains("Context and results"));
    let page = fs::read_to_string(out.join("cases/unknowns.md")).expect("page");
    assert!(!page.contains("Context and results, coded"));
}
