//! The shipped corpus as revised for rubric 2.0.0: context and results coded for every
//! case, the two February-2019 initiatives coded as designed at their launch, and the
//! levels the review turned on.
mod common;

use common::{Test, root_dir};
use serde_json::Value;

fn scores() -> Value {
    let out = Test::new()
        .current_dir(root_dir())
        .args(["score", "--format", "json"])
        .success();
    serde_json::from_str(&out.stdout).expect("json")
}

fn case<'a>(scores: &'a Value, id: &str) -> &'a Value {
    scores["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

fn criterion<'a>(case: &'a Value, id: &str) -> &'a Value {
    case["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no criterion {id}"))
}

#[test]
fn every_shipped_case_carries_context_and_results_and_every_finding_cites_evidence() {
    let scores = scores();
    assert_eq!(scores["rubric"]["version"], "2.0.0");
    let cases = scores["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 7);
    for c in cases {
        let factors = c["context"].as_array().expect("context");
        assert_eq!(factors.len(), 6, "{}", c["id"]);
        for f in factors {
            if f["reading"] != "unknown" {
                assert!(
                    !f["evidence"].as_array().expect("evidence").is_empty(),
                    "{} {}",
                    c["id"],
                    f["factor"]
                );
            }
        }
        let results = &c["results"];
        if results["agreement"] != "unknown" {
            assert!(!results["evidence"].as_array().expect("evidence").is_empty());
        }
    }
    // The paper's conclusion: each side's allies gave it a solid alternative (2019).
    let norway = case(&scores, "2019-norway-barbados");
    let reading = |case: &Value, factor: &str| {
        case["context"]
            .as_array()
            .expect("context")
            .iter()
            .find(|f| f["factor"] == factor)
            .map(|f| f["reading"].clone())
    };
    assert_eq!(
        reading(norway, "government-alternative"),
        Some("strong".into())
    );
    assert_eq!(norway["results"]["agreement"], "none");
}

#[test]
fn the_levels_the_review_turned_on() {
    let scores = scores();
    // Rival texts are not the paper's peak: 2017-18 stops at operational terms, Norway
    // reaches one proposal worked on the parties' interests.
    let dr = criterion(case(&scores, "2017-dominican-republic"), "concreteness");
    assert_eq!(
        (dr["level"].as_u64(), dr["established"].as_bool()),
        (Some(3), Some(true))
    );
    let norway = criterion(case(&scores, "2019-norway-barbados"), "concreteness");
    assert_eq!(norway["level"], 4);
    assert_eq!(norway["label"], "One proposal, on interests");
    // The paper is silent on 2016's history: not a finding.
    let history = criterion(case(&scores, "2016-vatican"), "history");
    assert_eq!(history["label"], "not established");
    // Met evidence above an unknown counts under `count`: Norway's monitoring phase.
    let leverage = criterion(case(&scores, "2019-norway-barbados"), "leverage");
    assert_eq!(leverage["level"], 2);
    assert_eq!(leverage["blocked"], serde_json::json!([]));
}

#[test]
fn the_february_initiatives_are_coded_as_designed_at_their_launch() {
    for (id, launch) in [
        ("2019-montevideo-mechanism", "2019-02-07"),
        ("2019-international-contact-group", "2019-02-07"),
    ] {
        let text =
            std::fs::read_to_string(root_dir().join(format!("cases/{id}.toml"))).expect("case");
        let case: toml::Value = toml::from_str(&text).expect("toml");
        assert_eq!(case["kind"].as_str(), Some("initiative"));
        for evidence in case["evidence"].as_array().expect("evidence") {
            // Nothing dated after the day after the launch, and nothing from the
            // account of what happened later in 2019 (Section III.4).
            if let Some(date) = evidence.get("date").and_then(toml::Value::as_str) {
                assert!(date <= launch, "{id}: {date}");
            }
            // The one passage of Section III.4 kept is about the ICG's beginning.
            let locator = evidence["locator"].as_str().expect("locator");
            let quote = evidence.get("quote").and_then(toml::Value::as_str);
            assert!(
                !locator.starts_with("III.4")
                    || quote.is_some_and(|q| q.contains("from the beginning")),
                "{id}: {} ({locator})",
                evidence["id"]
            );
        }
    }
    // The ICG's later record is a case of its own.
    let out = Test::new()
        .current_dir(root_dir())
        .args(["check", "rubrics", "cases/2019-contact-group-record.toml"])
        .success();
    assert!(out.stdout.contains("1 valid case"), "{}", out.stdout);
}
