//! The analysis commands and several coders, through the binary.

mod common;

use common::Test;

const CODERS: [&str; 2] = ["fixtures/rubrics", "fixtures/coders"];

#[test]
fn check_accepts_second_codings_by_other_coders() {
    let out = Test::new().arg("check").args(CODERS).success();
    assert!(out.stdout.contains("0 errors"), "{}", out.stdout);
}

#[test]
fn score_combines_codings_by_median_level_and_widest_interval() {
    let out = Test::new()
        .args(["score", "--format", "json"])
        .args(CODERS)
        .success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let cases = json["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), 3, "one score per case id");
    let alpha = &cases[0];
    assert_eq!(alpha["id"], "alpha");
    assert_eq!(alpha["combined"], true);
    assert_eq!(alpha["coder"], "Ann Coder; Ben Coder; Cy Coder");
    // history: levels 2, 1, 3 → median 2; bounds 1..3.
    let history = &alpha["criteria"][0];
    assert_eq!(history["level"], 2);
    assert_eq!(history["lower_level"], 1);
    assert_eq!(history["upper_level"], 3);
    // concreteness: levels 1, 2, 1 (Cy's upper 2) → median 1; bounds 1..2.
    let concreteness = &alpha["criteria"][1];
    assert_eq!(concreteness["level"], 1);
    assert_eq!(concreteness["upper_level"], 2);
    assert_eq!(alpha["total"]["score"], 55.56);
    assert_eq!(alpha["total"]["lower"], 44.44);
    assert_eq!(alpha["total"]["upper"], 100.0);
    // beta: two coders, levels 1 and 2 → the lower median, 1.
    let beta = &cases[1];
    assert_eq!(beta["criteria"][0]["level"], 1);
    assert_eq!(beta["criteria"][0]["upper_level"], 2);
    assert_eq!(cases[2]["combined"], false);
}

#[test]
fn score_table_and_csv_mark_combined_cases() {
    let table = Test::new().arg("score").args(CODERS).success();
    assert!(table.stdout.contains("alpha †"), "{}", table.stdout);
    assert!(table.stdout.contains("† beta: 2 codings combined"));
    let csv = Test::new()
        .args(["score", "--format", "csv"])
        .args(CODERS)
        .success();
    assert!(
        csv.stdout
            .contains("Ann Coder; Ben Coder; Cy Coder,true,history")
    );
}

#[test]
fn trend_on_the_shipped_corpus() {
    let out = Test::new()
        .current_dir(common::root_dir())
        .arg("trend")
        .success();
    assert!(out.stdout.contains("1/24"), "{}", out.stdout);
    insta::assert_snapshot!("trend_text", out.stdout);
    let json = Test::new()
        .current_dir(common::root_dir())
        .args(["trend", "--format", "json"])
        .success();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["total"]["tau"], 1.0);
    assert_eq!(v["total"]["p_value"], 0.0417);
    assert_eq!(v["criteria"].as_array().map(Vec::len), Some(6));
    assert!(v["criteria"][0]["id"].is_string());
    // The shipped total's tau is 1 on the evidence recorded, but a completion of the
    // unknowns gives -1 (every total at a point of its interval, each below the one
    // before): the rise does not hold.
    assert_eq!(v["total"]["tau_min"], -1.0);
    assert_eq!(v["total"]["tau_max"], 1.0);
    assert_eq!(v["total"]["tau_bounds_exact"], true);
    assert_eq!(v["total"]["rise_holds"], false);
    assert!(v["total"].get("tau_lower").is_none());
    assert!(v["total"].get("rise_holds_at_bounds").is_none());
    // History 2014 -> 2016 is a step from met to unknown: not a decline.
    let history = &v["criteria"][0];
    assert_eq!(history["id"], "history");
    assert_eq!(history["steps"][0]["delta"], -25.0);
    assert!(history["steps"][0]["sure"].is_null());
    let sure: Vec<&serde_json::Value> = v["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .flat_map(|c| c["steps"].as_array().expect("steps"))
        .map(|s| &s["sure"])
        .filter(|s| !s.is_null())
        .collect();
    assert!(sure.iter().all(|s| *s == "rise" || *s == "decline"));
    assert!(sure.contains(&&serde_json::json!("rise")));
    insta::assert_snapshot!("trend_json", json.stdout);
}

fn sensitivity(args: &[&str]) -> String {
    Test::new()
        .current_dir(common::root_dir())
        .arg("sensitivity")
        .args(args)
        .success()
        .stdout
}

#[test]
fn sensitivity_same_seed_same_bytes_different_seed_different_draws() {
    let a = sensitivity(&["--samples", "2500", "--seed", "7", "--format", "json"]);
    let b = sensitivity(&["--samples", "2500", "--seed", "7", "--format", "json"]);
    let c = sensitivity(&["--samples", "2500", "--seed", "8", "--format", "json"]);
    assert_eq!(a, b);
    assert_ne!(a, c);
    let v: serde_json::Value = serde_json::from_str(&a).expect("json");
    assert_eq!(v["samples"], 2500);
    assert_eq!(v["ranked_among"], "all cases");
    let cases = v["cases"].as_array().expect("cases");
    for case in cases {
        let sum: f64 = case["rank_probabilities"]
            .as_array()
            .expect("probabilities")
            .iter()
            .filter_map(|p| p.as_f64())
            .sum();
        assert!((sum - 1.0).abs() < 1e-3, "{case}");
    }
    let p = v["progression"]["first_below_last"]
        .as_f64()
        .expect("share");
    assert!(p >= v["progression"]["monotone"].as_f64().expect("share"));
}

#[test]
fn sensitivity_text_on_the_shipped_corpus() {
    let out = sensitivity(&["--samples", "2000"]);
    insta::assert_snapshot!("sensitivity_text", out);
}

#[test]
fn sensitivity_rejects_a_bad_concentration_and_zero_samples() {
    let out = Test::new()
        .current_dir(common::root_dir())
        .args(["sensitivity", "--concentration", "0"])
        .code(2);
    assert!(out.stderr.contains("concentration"), "{}", out.stderr);
    Test::new()
        .current_dir(common::root_dir())
        .args(["sensitivity", "--samples", "0"])
        .code(2);
}

#[test]
fn agreement_on_the_shipped_corpus_says_there_is_none_to_measure() {
    let out = Test::new()
        .current_dir(common::root_dir())
        .arg("agreement")
        .success();
    assert!(
        out.stdout.contains("No case has two codings"),
        "{}",
        out.stdout
    );
}

/// The alphas were checked with Python's `krippendorff` 0.9.0 on the same units:
/// ordinal history −0.1778, concreteness 0.2000, overall 0.1191; nominal (unknown as
/// missing) history −0.1667, concreteness −0.2000, overall −0.2353.
#[test]
fn agreement_on_the_coder_fixtures() {
    let text = Test::new().arg("agreement").args(CODERS).success();
    insta::assert_snapshot!("agreement_text", text.stdout);
    let json = Test::new()
        .args(["agreement", "--format", "json"])
        .args(CODERS)
        .success();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["cases"], serde_json::json!(["alpha", "beta"]));
    let alpha = |kind: &str, i: usize| v[kind][i]["alpha"].as_f64().expect("alpha");
    assert_eq!(alpha("levels", 0), -0.1778);
    assert_eq!(alpha("levels", 1), 0.2);
    assert_eq!(alpha("levels", 2), 0.1191);
    assert_eq!(v["levels"][2]["id"], "overall");
    assert_eq!(alpha("indicators", 0), -0.1667);
    assert_eq!(alpha("indicators", 1), -0.2);
    assert_eq!(alpha("indicators", 2), -0.2353);
    assert_eq!(v["disagreements"].as_array().map(Vec::len), Some(12));
    insta::assert_snapshot!("agreement_json", json.stdout);
}

#[test]
fn the_report_has_the_trend_and_sensitivity_section() {
    let dir = tempfile::tempdir().expect("tempdir");
    Test::new()
        .current_dir(common::root_dir())
        .args(["report", "--out"])
        .arg(dir.path().to_string_lossy())
        .success();
    let md = std::fs::read_to_string(dir.path().join("index.md")).expect("index.md");
    assert!(md.contains("## Trend and weight sensitivity"));
    assert!(md.contains("| total | 1.000 | 0.042 |"), "{md}");
    assert!(md.contains("first effort scores below the last"));
    let html = std::fs::read_to_string(dir.path().join("index.html")).expect("index.html");
    assert!(html.contains("<h2 id=\"analysis\">Trend and weight sensitivity</h2>"));
}

#[test]
fn the_report_marks_combined_cases() {
    let dir = tempfile::tempdir().expect("tempdir");
    Test::new()
        .arg("report")
        .args(CODERS)
        .arg("--out")
        .arg(dir.path().to_string_lossy())
        .success();
    let index = std::fs::read_to_string(dir.path().join("index.md")).expect("index.md");
    assert!(
        index.contains("Alpha talks (codings by 3 coders combined)"),
        "{index}"
    );
    assert!(!index.contains("Gamma talks (codings"));
}

#[test]
fn scale_on_the_shipped_corpus_says_there_are_too_few_cases() {
    let out = Test::new()
        .current_dir(common::root_dir())
        .arg("scale")
        .success();
    assert!(
        out.stdout
            .contains("With 7 cases there are too few for these figures to mean anything"),
        "{}",
        out.stdout
    );
    insta::assert_snapshot!("scale_text", out.stdout);
    let json = Test::new()
        .current_dir(common::root_dir())
        .args(["scale", "--format", "json"])
        .success();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(v["cases"], 7);
    let criteria = v["criteria"].as_array().expect("criteria");
    assert_eq!(criteria.len(), 6);
    for c in criteria {
        for key in ["id", "rule", "order_violations", "h", "items", "cases_used"] {
            assert!(c.get(key).is_some(), "{key} missing in {c}");
        }
        assert_eq!(c["too_few_cases"], true);
    }
    // Role: the ICG (at its launch and over 2019) runs no process yet shapes the
    // substance: the 1.0.0 order broken, which 2.0.0 answers with `count`.
    let role = criteria.iter().find(|c| c["id"] == "role").expect("role");
    assert_eq!(
        role["order_violations"],
        serde_json::json!([{"lower": "runs-the-process", "higher": "shapes-substance", "cases": 2}])
    );
    insta::assert_snapshot!("scale_json", json.stdout);
}

#[test]
fn scale_counts_a_case_coded_twice_once() {
    let json = Test::new()
        .args(["scale", "--format", "json"])
        .args(CODERS)
        .success();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    let cases = Test::new()
        .args(["score", "--format", "json"])
        .args(CODERS)
        .success();
    let s: serde_json::Value = serde_json::from_str(&cases.stdout).expect("json");
    assert_eq!(
        v["cases"],
        s["cases"].as_array().map(Vec::len).expect("cases")
    );
}

#[test]
fn the_report_has_a_scale_validity_note() {
    let dir = tempfile::tempdir().expect("tempdir");
    Test::new()
        .current_dir(common::root_dir())
        .args(["report", "--out"])
        .arg(dir.path().to_string_lossy())
        .success();
    let md = std::fs::read_to_string(dir.path().join("index.md")).expect("index.md");
    assert!(md.contains("### Does the scale hold?"), "{md}");
    assert!(md.contains("Scale validity (thirdside scale): history H 1.000"));
}

/// The report and `thirdside sensitivity` use the same default draws, so they say the
/// same; a criterion is named only when its lead holds, and the runner-up is shown
/// either way.
#[test]
fn the_report_and_the_command_agree_on_the_most_influential_criterion() {
    let dir = tempfile::tempdir().expect("tempdir");
    Test::new()
        .current_dir(common::root_dir())
        .args(["report", "--out"])
        .arg(dir.path().to_string_lossy())
        .success();
    let md = std::fs::read_to_string(dir.path().join("index.md")).expect("index.md");
    let text = sensitivity(&[]);
    let sentence = text
        .lines()
        .find(|l| l.contains("moving the ranking most") || l.contains("moves the ranking most"))
        .expect("influence sentence");
    assert!(md.contains(sentence), "{sentence}\n{md}");
    let json = sensitivity(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let runner_up = v["runner_up"]
        .as_str()
        .expect("a runner-up, named either way");
    assert!(
        sentence.contains(&format!("the runner-up is {runner_up}")),
        "{sentence}"
    );
    if v["most_influential"].is_null() {
        // The lead does not hold under resampling: no criterion is named.
        assert!(
            sentence.starts_with("No single criterion stands out"),
            "{sentence}"
        );
    } else {
        // Named only as the leader whose lead holds.
        assert_eq!(v["most_influential"], v["leading"]);
        let leader = v["leading"].as_str().expect("leader");
        assert!(sentence.contains(&format!("is {leader}'s")), "{sentence}");
        assert!(v["lead_share"].as_f64().expect("share") >= 0.95);
    }
    assert_eq!(v["samples"], 10_000);
}
