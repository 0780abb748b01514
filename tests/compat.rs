//! Old-format case files stay valid: the shipped corpus as it stood before evidence
//! dates, indicator gates and sins on indicators (`fixtures/compat/`, see its README)
//! loads without an error, scores as it did then, and audits.

mod common;

use common::Test;
use serde_json::Value;

/// The shipped rubric, bibliography and cases of that day (`fixtures/compat/v1` holds
/// the same cases unpinned, for the rubric-version tests).
const COMPAT: [&str; 2] = ["fixtures/compat/rubrics", "fixtures/compat/cases"];

#[test]
fn old_case_files_load_without_an_error() {
    let out = Test::new().arg("check").args(COMPAT).success();
    // Warnings (met indicators a cumulative criterion leaves uncounted) but no error.
    assert!(
        out.stdout.contains("0 errors, 5 warnings"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("checked 1 rubric and 6 valid cases"),
        "{}",
        out.stdout
    );
}

#[test]
fn old_case_files_score_as_they_did() {
    let out = Test::new()
        .args(["score", "--format", "json"])
        .args(COMPAT)
        .success();
    let json: Value = serde_json::from_str(&out.stdout).expect("JSON");
    let got: Vec<(String, String, Vec<String>)> = json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let t = &c["total"];
            (
                c["id"].as_str().unwrap_or("").to_string(),
                format!("{} [{}–{}]", t["score"], t["lower"], t["upper"]),
                c["criteria"]
                    .as_array()
                    .expect("criteria")
                    .iter()
                    .map(|k| format!("{} [{}–{}]", k["level"], k["lower_level"], k["upper_level"]))
                    .collect(),
            )
        })
        .collect();
    // The scores of 2026-12-03, criteria in rubric order: history, impartiality,
    // leverage, expectations, concreteness, role.
    let expected: [(&str, &str, [&str; 6]); 6] = [
        (
            "2014-unasur-vatican",
            "29.0 [29.0–63.0]",
            [
                "1 [1–4]",
                "2 [2–2]",
                "1 [1–1]",
                "1 [1–4]",
                "1 [1–2]",
                "1 [1–1]",
            ],
        ),
        (
            "2016-vatican",
            "37.0 [37.0–92.0]",
            [
                "0 [0–4]",
                "2 [2–2]",
                "2 [2–4]",
                "1 [1–4]",
                "2 [2–4]",
                "3 [3–4]",
            ],
        ),
        (
            "2017-dominican-republic",
            "47.0 [47.0–80.0]",
            [
                "1 [1–4]",
                "2 [2–2]",
                "1 [1–4]",
                "1 [1–1]",
                "4 [4–4]",
                "3 [3–4]",
            ],
        ),
        (
            "2019-montevideo-mechanism",
            "8.0 [8.0–32.0]",
            [
                "0 [0–2]",
                "0 [0–0]",
                "1 [1–1]",
                "1 [1–4]",
                "0 [0–0]",
                "0 [0–0]",
            ],
        ),
        (
            "2019-international-contact-group",
            "51.0 [51.0–83.0]",
            [
                "4 [4–4]",
                "2 [2–4]",
                "2 [2–3]",
                "1 [1–3]",
                "1 [1–4]",
                "1 [1–1]",
            ],
        ),
        (
            "2019-norway-barbados",
            "68.0 [68.0–96.0]",
            [
                "2 [2–4]",
                "4 [4–4]",
                "1 [1–3]",
                "2 [2–4]",
                "4 [4–4]",
                "4 [4–4]",
            ],
        ),
    ];
    let expected: Vec<(String, String, Vec<String>)> = expected
        .iter()
        .map(|(id, total, levels)| {
            (
                id.to_string(),
                total.to_string(),
                levels.iter().map(|l| l.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn old_case_files_audit_under_a_policy_with_indicator_gates() {
    // The old files with the new default policy: the indicator gates read their
    // observations as they are.
    let out = Test::new()
        .args([
            "audit",
            "fixtures/compat/cases/2019-montevideo-mechanism.toml",
            "--corpus",
            "fixtures/compat",
            "--policy",
        ])
        .arg(
            common::root_dir()
                .join("policies/default.toml")
                .to_str()
                .expect("path"),
        )
        .args(["--format", "json"])
        .code(1);
    let json: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["passed"], false);
    let gates: Vec<(&str, &str)> = json["indicator_gates"]
        .as_array()
        .expect("gates")
        .iter()
        .map(|g| {
            (
                g["indicator"].as_str().unwrap_or(""),
                g["verdict"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        gates,
        [
            ("cites-past-efforts", "fail"),
            ("adapts-to-past-failures", "fail")
        ]
    );
    for c in json["criteria"].as_array().expect("criteria") {
        let start = c["best_past"]["start"].as_str().unwrap_or("");
        assert!(start < "2019-02-06", "{}: {start}", c["id"]);
    }
}
