//! `thirdside audit` and `thirdside new` through the binary, on the fixture corpus in
//! `fixtures/audit/` (rubric `mini`; efforts 2015-a, 2017-b, 2020-c; the initiative
//! `initiative.toml` of 2019, history 1 [1–3], concreteness 0 [0–2], total 11.1).

mod common;

use common::{Output, Test};
use serde_json::Value;
use std::fs;
use std::path::Path;

const CASE: &str = "fixtures/audit/initiative.toml";
const CORPUS: &str = "fixtures/audit/corpus";
const PASS: &str = "fixtures/audit/policies/pass.toml";
const FAIL: &str = "fixtures/audit/policies/fail.toml";

/// Audits the fixture initiative against the fixture corpus, with extra arguments.
fn audit(extra: &[&str]) -> Test {
    Test::new()
        .args(["audit", CASE, "--corpus", CORPUS])
        .args(extra)
}

fn json(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).expect("valid JSON")
}

fn criterion<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .find(|c| c["id"] == id)
        .expect("criterion")
}

#[test]
fn a_policy_that_passes_exits_zero_and_still_flags_advisory_gates() {
    let out = audit(&["--policy", PASS, "--format", "json"]).success();
    let json = json(&out);
    assert_eq!(json["passed"], true);
    assert_eq!(json["failures"].as_array().map(Vec::len), Some(0));
    let history = criterion(&json, "history");
    assert_eq!(history["flagged"], false);
    assert_eq!(history["gate"]["verdict"], "pass");
    let concreteness = criterion(&json, "concreteness");
    assert_eq!(concreteness["flagged"], true);
    assert_eq!(concreteness["gate"]["enforcement"], "advisory");
    assert_eq!(concreteness["gate"]["verdict"], "open");
    let text = audit(&["--policy", PASS]).success().stdout;
    assert!(
        text.contains("PASSED: no enforced gate fails; 1 advisory gate is flagged."),
        "{text}"
    );
}

#[test]
fn a_policy_that_fails_exits_one_and_says_why() {
    let out = audit(&["--policy", FAIL, "--format", "json"]).code(1);
    let json = json(&out);
    assert_eq!(json["passed"], false);
    let history = criterion(&json, "history");
    assert_eq!(history["flagged"], true);
    // Level 1 on the evidence, 3 if every unknown is met: finding out could clear it.
    assert_eq!(history["gate"]["verdict"], "open");
    // Open on unknowns alone: no sin is named (the criterion's is what it guards
    // against, not a finding).
    assert!(history["sin"].is_null());
    assert_eq!(history["guards_against"], "ignorance");
    assert!(
        out.stderr.contains(
            "the audit failed: history: the enforced minimum 2 (Learning) is not shown: level 1 on the evidence recorded (at least Aware), up to 3 were the unknown indicators met (finding out could clear it)"
        ),
        "{}",
        out.stderr
    );
    let text = audit(&["--policy", FAIL]).code(1).stdout;
    assert!(!text.contains("risks ignorance"), "{text}");
    assert!(
        text.contains("FAILED: history: the enforced minimum 2 (Learning) is not shown"),
        "{text}"
    );
}

#[test]
fn fail_under_gates_the_total_and_is_range_checked() {
    // The total is 11.11.
    audit(&["--policy", PASS, "--fail-under", "11.1"]).success();
    let out = audit(&["--policy", PASS, "--fail-under", "11.2", "--format", "json"]).code(1);
    assert_eq!(json(&out)["fail_under"], 11.2);
    assert!(
        out.stderr
            .contains("the total 11.1 is below the threshold 11.2")
    );
    for bad in ["--fail-under=101", "--fail-under=-1", "--fail-under=NaN"] {
        let out = audit(&[bad]).code(2);
        assert!(out.stderr.contains("--fail-under"), "{}", out.stderr);
    }
}

#[test]
fn json_has_the_documented_fields() {
    let json = json(&audit(&["--policy", PASS, "--format", "json"]).success());
    assert_eq!(json["rubric"]["id"], "mini");
    assert_eq!(json["case"]["id"], "2019-initiative");
    assert_eq!(json["total"]["score"], 11.11);
    assert_eq!(json["total"]["upper"], 100.0);
    for c in json["criteria"].as_array().expect("criteria") {
        for key in [
            "id",
            "level",
            "lower",
            "upper",
            "flagged",
            "sin",
            "best_past",
        ] {
            assert!(c.get(key).is_some(), "criteria[].{key}");
        }
        for key in ["case", "level"] {
            assert!(!c["best_past"][key].is_null(), "best_past.{key}");
        }
    }
    let history = criterion(&json, "history");
    assert_eq!(history["level"], 1);
    assert_eq!(history["lower_level"], 1);
    assert_eq!(history["upper_level"], 3);
    assert_eq!(history["upper"], 100.0);
}

#[test]
fn the_best_past_effort_is_the_highest_level_and_ties_go_to_the_most_recent() {
    let json = json(&audit(&["--format", "json", "--policy", PASS]).success());
    // 2015-a and 2017-b both reach history level 2; 2017-b is more recent.
    let best = &criterion(&json, "history")["best_past"];
    assert_eq!(best["case"], "2017-b");
    assert_eq!(best["level"], 2);
    assert_eq!(best["began_after"], false);
    // How it got there: the records its met indicators of levels 1–2 cite, once each.
    let met: Vec<&str> = best["met"]
        .as_array()
        .expect("met")
        .iter()
        .map(|m| m["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(met, ["names-past", "adapts", "consults"]);
    let evidence: Vec<&str> = best["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|e| e["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(evidence, ["b1", "b2"]);
    assert_eq!(best["evidence"][0]["quote"], "effort A");
    assert_eq!(best["evidence"][0]["citation"], "Fixture Institute (2020)");
    assert_eq!(best["evidence"][0]["locator"], "p. 20");
    // Concreteness: 2020-c reached the top, but only after the initiative began, so
    // the best past effort is what could have been learnt at the time: 2015-a's agenda.
    let best = &criterion(&json, "concreteness")["best_past"];
    assert_eq!(best["case"], "2015-a");
    assert_eq!(best["level"], 1);
    assert_eq!(best["began_after"], false);
    assert_eq!(best["evidence"][0]["id"], "a3");
    assert!(criterion(&json, "concreteness")["hindsight"].is_null());
    // With hindsight, 2020-c is shown apart.
    let with =
        crate::json(&audit(&["--format", "json", "--policy", PASS, "--hindsight"]).success());
    let later = &criterion(&with, "concreteness")["hindsight"];
    assert_eq!(later["case"], "2020-c");
    assert_eq!(later["level"], 2);
    assert_eq!(later["began_after"], true);
    assert!(criterion(&with, "history")["hindsight"].is_null());
}

#[test]
fn rank_places_the_total_and_its_bounds_among_the_past_efforts() {
    let json = json(&audit(&["--format", "json", "--policy", PASS]).success());
    // Past totals: 2015-a 55.56, 2017-b 22.22 (2020-c, 66.67, began after this case
    // and is not ranked against); this case 11.11 [11.11–100].
    assert_eq!(json["rank"]["of"], 3);
    assert_eq!(json["rank"]["score"], 3);
    assert_eq!(json["rank"]["lower"], 3);
    assert_eq!(json["rank"]["upper"], 1);
    let past: Vec<&str> = json["past_efforts"]
        .as_array()
        .expect("past efforts")
        .iter()
        .map(|p| p["case"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        past,
        ["2015-a", "2017-b"],
        "time order, earlier efforts only"
    );
}

#[test]
fn unknowns_are_sorted_by_what_their_answer_would_move() {
    let json = json(&audit(&["--format", "json", "--policy", PASS]).success());
    let unknowns: Vec<(String, f64, f64)> = json["unknowns"]
        .as_array()
        .expect("unknowns")
        .iter()
        .map(|u| {
            (
                format!(
                    "{}/{}",
                    u["criterion"].as_str().unwrap_or(""),
                    u["indicator"].as_str().unwrap_or("")
                ),
                u["gain"].as_f64().unwrap_or(-1.0),
                u["at_stake"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    // agenda met: concreteness 0 → 1, total (33.33 + 2×50) / 3 = 44.44, +33.33.
    // adapts met: history 1 → 2 (consults is met), +11.11.
    // draft and builds-on raise nothing alone (they sit above an unknown); what is at
    // stake if they turn out unmet orders them.
    assert_eq!(
        unknowns,
        [
            ("concreteness/agenda".to_string(), 33.33, 66.67),
            ("history/adapts".to_string(), 11.11, 22.22),
            ("concreteness/draft".to_string(), 0.0, 33.33),
            ("history/builds-on".to_string(), 0.0, 11.11),
        ]
    );
}

#[test]
fn an_invalid_policy_is_reported_with_positions() {
    let out = audit(&["--policy", "fixtures/audit/policies/invalid.toml"]).code(1);
    assert!(
        out.stderr.contains(
            "fixtures/audit/policies/invalid.toml:4:11: error: rubric `mini` has no criterion `histroy`"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("did you mean `history`?"));
    assert!(out.stderr.contains(
        "fixtures/audit/policies/invalid.toml:9:11: error: minimum 5 is not on the scale of `concreteness` (0 to 2)"
    ));
    assert!(out.stdout.is_empty(), "no audit is printed");
    let out = audit(&["--policy", "fixtures/audit/policies/other-rubric.toml"]).code(1);
    assert!(
        out.stderr.contains(
            "the policy is for rubric `peacemaking`, but the case is coded against `mini`"
        ),
        "{}",
        out.stderr
    );
    audit(&["--policy", "no/such/policy.toml"]).code(2);
}

#[test]
fn an_invalid_case_is_reported_with_positions_and_exits_one() {
    let out = Test::new()
        .args([
            "audit",
            "fixtures/invalid/met-without-evidence.toml",
            "--corpus",
            CORPUS,
        ])
        .code(1);
    assert!(
        out.stderr
            .contains("fixtures/invalid/met-without-evidence.toml:"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("marked met but cites no evidence"));
    Test::new()
        .args(["audit", "no/such/case.toml", "--corpus", CORPUS])
        .code(2);
    Test::new()
        .args(["audit", CASE, "--corpus", "no/such/corpus"])
        .code(2);
}

#[test]
fn a_case_inside_the_corpus_is_read_once_and_left_out_of_the_past_efforts() {
    let corpus = common::tests_dir().join(CORPUS);
    let out = Test::new()
        .current_dir(&corpus)
        .args([
            "audit",
            "cases/2017-b.toml",
            "--format",
            "json",
            "--hindsight",
        ])
        .success();
    assert!(!out.stderr.contains("replaces"), "{}", out.stderr);
    let json = json(&out);
    assert_eq!(json["case"]["id"], "2017-b");
    // Ranked against the earlier effort alone; the later one shown apart.
    assert_eq!(json["rank"]["of"], 2);
    let listed = |key: &str| -> Vec<String> {
        json[key]
            .as_array()
            .expect("past")
            .iter()
            .map(|p| p["case"].as_str().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(listed("past_efforts"), ["2015-a"]);
    assert_eq!(listed("hindsight_efforts"), ["2020-c"]);
    // The same path spelt differently is still the same file.
    Test::new()
        .current_dir(&corpus)
        .args(["audit", "./cases/../cases/2017-b.toml"])
        .success();
}

#[test]
fn an_edited_copy_of_a_corpus_case_replaces_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("2017-b.toml");
    let original = fs::read_to_string(common::tests_dir().join(CORPUS).join("cases/2017-b.toml"))
        .expect("read");
    fs::write(
        &copy,
        original.replace(
            "builds-on = { status = \"unknown\" }",
            "builds-on = { status = \"met\", evidence = [\"b1\"] }",
        ),
    )
    .expect("write");
    let out = Test::new()
        .args([
            "audit",
            copy.to_str().expect("utf-8 path"),
            "--corpus",
            CORPUS,
            "--format",
            "json",
        ])
        .success();
    assert!(
        out.stderr
            .contains("replaces fixtures/audit/corpus/cases/2017-b.toml"),
        "{}",
        out.stderr
    );
    let json = json(&out);
    assert_eq!(
        criterion(&json, "history")["level"],
        3,
        "the edited copy is audited"
    );
}

#[test]
fn without_a_policy_for_the_rubric_nothing_is_gated() {
    let out = audit(&["--format", "json"]).success();
    assert!(out.stderr.contains("nothing is gated"), "{}", out.stderr);
    let json = json(&out);
    assert!(json["policy"].is_null());
    for c in json["criteria"].as_array().expect("criteria") {
        assert_eq!(c["flagged"], false);
        assert!(c["gate"].is_null());
    }
}

#[test]
fn markdown_has_a_summary_a_section_per_criterion_and_what_to_find_out() {
    let md = audit(&["--policy", FAIL, "--format", "md"]).code(1).stdout;
    assert!(md.starts_with("# Audit: An initiative of 2019\n"), "{md}");
    assert!(md.contains("| criterion | level | gate | sin | best past effort |"));
    assert!(md.contains("## `history`: History"));
    assert!(md.contains("## `concreteness`: Concreteness"));
    assert!(md.contains("## What to find out next"));
    assert!(md.contains("**FAILED: history: the enforced minimum 2 (Learning) is not shown"));
}

/// The fixture corpus copied into a fresh folder, to scaffold into.
fn scratch_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for sub in ["rubrics", "cases"] {
        let from = common::tests_dir().join(CORPUS).join(sub);
        fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        for entry in fs::read_dir(&from).expect("read dir") {
            let path = entry.expect("entry").path();
            fs::copy(
                &path,
                dir.path().join(sub).join(path.file_name().expect("name")),
            )
            .expect("copy");
        }
    }
    dir
}

#[test]
fn new_then_check_then_audit_shows_the_full_intervals() {
    let dir = scratch_corpus();
    let out = Test::new()
        .current_dir(dir.path())
        .args(["new", "2025-talks", "--title", "Talks of \"2025\""])
        .success();
    assert!(
        out.stdout.contains("wrote cases/2025-talks.toml"),
        "{}",
        out.stdout
    );
    let text = fs::read_to_string(dir.path().join("cases/2025-talks.toml")).expect("written");
    assert!(text.contains("title = 'Talks of \"2025\"'"), "{text}");
    assert!(text.contains("kind = \"initiative\""));
    // The indicator statements and level labels are there as comments.
    assert!(
        text.contains(
            "#   Names at least one earlier effort.\nnames-past = { status = \"unknown\" }"
        ),
        "{text}"
    );
    assert!(
        text.contains("# Level 2, Draft: A written draft agreement."),
        "{text}"
    );
    // Valid as written, with a warning for each placeholder left (issue 19.3).
    let check = Test::new().current_dir(dir.path()).arg("check").success();
    let summary = check.stdout.lines().last().unwrap_or_default();
    assert!(summary.starts_with("0 errors, "), "{}", check.stdout);
    assert!(!summary.contains(" 0 warnings"), "{}", check.stdout);
    assert!(
        check.stdout.contains("a placeholder is left"),
        "{}",
        check.stdout
    );
    let out = Test::new()
        .current_dir(dir.path())
        .args(["audit", "cases/2025-talks.toml", "--format", "json"])
        .success();
    let json = json(&out);
    for c in json["criteria"].as_array().expect("criteria") {
        assert_eq!(c["level"], 0);
        assert_eq!(c["lower"], 0.0);
        assert_eq!(c["upper"], 100.0, "{}", c["id"]);
    }
    assert_eq!(json["total"]["lower"], 0.0);
    assert_eq!(json["total"]["upper"], 100.0);
    assert_eq!(json["unknowns"].as_array().map(Vec::len), Some(6));
    // An effort can be scaffolded too.
    Test::new()
        .current_dir(dir.path())
        .args(["new", "2026-effort", "--kind", "effort"])
        .success();
    let text = fs::read_to_string(dir.path().join("cases/2026-effort.toml")).expect("written");
    assert!(text.contains("kind = \"effort\""));
    assert!(text.contains("title = \"2026 effort\""));
    Test::new().current_dir(dir.path()).arg("check").success();
}

#[test]
fn new_never_overwrites_and_refuses_unsafe_ids() {
    let dir = scratch_corpus();
    let target = dir.path().join("cases/2015-a.toml");
    let before = fs::read_to_string(&target).expect("read");
    let out = Test::new()
        .current_dir(dir.path())
        .args(["new", "2015-a"])
        .code(2);
    assert!(
        out.stderr.contains("cases/2015-a.toml already exists"),
        "{}",
        out.stderr
    );
    assert_eq!(fs::read_to_string(&target).expect("read"), before);
    for bad in ["../escape", "Upper", "con", "a.b"] {
        let out = Test::new()
            .current_dir(dir.path())
            .args(["new", bad])
            .code(2);
        assert!(out.stderr.contains("case id"), "{bad}: {}", out.stderr);
    }
    assert!(!dir.path().join("escape.toml").exists());
    let names: Vec<String> = fs::read_dir(dir.path().join("cases"))
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "nothing written: {names:?}");
}

#[test]
fn new_writes_where_asked_and_names_the_rubric_when_several_are_loaded() {
    let dir = scratch_corpus();
    Test::new()
        .current_dir(dir.path())
        .args(["new", "x", "--dir", "drafts/2025"])
        .success();
    assert!(Path::new(&dir.path().join("drafts/2025/x.toml")).is_file());
    let mut second = fs::read_to_string(dir.path().join("rubrics/mini.toml")).expect("read");
    second = second.replace("id = \"mini\"", "id = \"mini2\"");
    fs::write(dir.path().join("rubrics/mini2.toml"), second).expect("write");
    let out = Test::new()
        .current_dir(dir.path())
        .args(["new", "y"])
        .code(2);
    assert!(out.stderr.contains("--rubric"), "{}", out.stderr);
    Test::new()
        .current_dir(dir.path())
        .args(["new", "y", "--rubric", "mini2"])
        .success();
    let text = fs::read_to_string(dir.path().join("cases/y.toml")).expect("written");
    assert!(text.contains("rubric = \"mini2\""));
}

#[test]
fn help_documents_audit_and_new() {
    for command in ["audit", "new"] {
        let out = Test::new().args([command, "--help"]).success();
        assert!(out.stdout.contains("Examples:"), "{command}");
    }
    let out = Test::new().args(["audit", "--help"]).success();
    assert!(out.stdout.contains("Exit codes"));
    assert!(out.stdout.contains("--fail-under"));
}

#[test]
fn fixture_audits() {
    let text = audit(&["--policy", FAIL]).code(1).stdout;
    insta::assert_snapshot!("fixture_text", text);
    let md = audit(&["--policy", PASS, "--format", "md"])
        .success()
        .stdout;
    insta::assert_snapshot!("fixture_markdown", md);
    let json = audit(&["--policy", PASS, "--format", "json"])
        .success()
        .stdout;
    insta::assert_snapshot!("fixture_json", json);
}

/// `new` scaffolds from the rubrics alone: it does not read the corpus's cases, so a
/// broken case file (or ten thousand good ones) does not stand in its way.
#[test]
fn new_reads_the_rubrics_not_the_cases() {
    let dir = scratch_corpus();
    fs::write(dir.path().join("cases/broken.toml"), "id = \"unterminated").expect("write");
    Test::new()
        .current_dir(dir.path())
        .args(["new", "2027-talks"])
        .success();
    assert!(dir.path().join("cases/2027-talks.toml").is_file());
    // `audit` does read the cases, and says what is wrong.
    let out = Test::new()
        .current_dir(dir.path())
        .args(["audit", "cases/2027-talks.toml"])
        .code(1);
    assert!(out.stderr.contains("broken.toml"), "{}", out.stderr);
}
