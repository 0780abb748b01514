//! Appraisal in the audit: judged as of a day (`--as-of`), compared only with earlier
//! efforts unless `--hindsight`, gates on single indicators (pass, open, fail,
//! not-applicable) with the sin the rubric ties to the indicator or level, criteria
//! that do not apply left out of the total, and the case's own claims and notes shown.
//!
//! Fixtures in `fixtures/appraisal/`: the audit fixtures' corpus (efforts 2015-a,
//! 2017-b with dated evidence, 2020-c) and rubric `mini` with sins on the indicator
//! `adapts` and on level 3 of history; the initiative `gated.toml` of 2019-02.

mod common;

use common::{Output, Test, root_dir};
use serde_json::Value;

const CASE: &str = "fixtures/appraisal/gated.toml";
const CORPUS: &str = "fixtures/appraisal/corpus";
const GATES: &str = "fixtures/appraisal/policies/gates.toml";

fn audit(extra: &[&str]) -> Test {
    Test::new()
        .args(["audit", CASE, "--corpus", CORPUS, "--policy", GATES])
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

fn indicator<'a>(json: &'a Value, criterion_id: &str, id: &str) -> &'a Value {
    criterion(json, criterion_id)["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["id"] == id)
        .expect("indicator")
}

fn gate<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["indicator_gates"]
        .as_array()
        .expect("indicator_gates")
        .iter()
        .find(|g| g["indicator"] == id)
        .expect("indicator gate")
}

fn cases(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|p| p["case"].as_str().unwrap_or(""))
        .collect()
}

#[test]
fn indicator_gates_pass_open_fail_and_not_applicable() {
    let out = audit(&["--format", "json"]).code(1);
    let json = json(&out);
    let gates: Vec<(&str, &str, &str, &str)> = json["indicator_gates"]
        .as_array()
        .expect("indicator_gates")
        .iter()
        .map(|g| {
            (
                g["criterion"].as_str().unwrap_or(""),
                g["indicator"].as_str().unwrap_or(""),
                g["status"].as_str().unwrap_or(""),
                g["verdict"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        gates,
        [
            ("history", "names-past", "met", "pass"),
            ("history", "adapts", "unmet", "fail"),
            ("history", "builds-on", "unknown", "open"),
            ("concreteness", "agenda", "not-applicable", "not-applicable"),
        ]
    );
    for g in json["indicator_gates"].as_array().expect("gates") {
        for key in ["criterion", "indicator", "gate", "status", "verdict", "sin"] {
            assert!(g.get(key).is_some(), "indicator_gates[].{key}");
        }
    }
    // The sin is the indicator's, named only where the gate fails.
    assert_eq!(gate(&json, "adapts")["sin"], "inflexibility");
    assert_eq!(gate(&json, "adapts")["gate"], "enforced");
    assert!(gate(&json, "builds-on")["sin"].is_null());
    assert!(gate(&json, "names-past")["sin"].is_null());
    assert_eq!(
        gate(&json, "names-past")["reason"],
        "Fixture: name the earlier efforts."
    );
    // The enforced gate that fails fails the audit; the advisory open one and the
    // not-applicable one do not.
    assert_eq!(json["passed"], false);
    assert_eq!(
        json["failures"],
        serde_json::json!(["history/adapts: unmet where the enforced gate requires it met"])
    );
    assert!(
        out.stderr.contains("history/adapts: unmet"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_met_enforced_indicator_gate_passes_the_audit() {
    let dir = tempfile::tempdir().expect("temp");
    let policy = dir.path().join("p.toml");
    std::fs::write(
        &policy,
        "rubric = \"mini\"\n[indicators.history.names-past]\ngate = \"enforced\"\n",
    )
    .expect("write");
    let out = Test::new()
        .args(["audit", CASE, "--corpus", CORPUS, "--policy"])
        .arg(policy.to_str().expect("path"))
        .args(["--format", "json"])
        .success();
    let json = json(&out);
    assert_eq!(json["passed"], true);
    assert_eq!(gate(&json, "names-past")["verdict"], "pass");
}

#[test]
fn a_failed_criterion_gate_names_the_sin_of_the_failing_indicator_not_the_criterion() {
    let json = json(&audit(&["--format", "json"]).code(1));
    let history = criterion(&json, "history");
    assert_eq!(history["gate"]["verdict"], "fail");
    assert_eq!(history["flagged"], true);
    // The rubric's criterion guards against ignorance; the unmet indicator of level 2
    // is tied to inflexibility, and that is the sin the audit names.
    assert_eq!(history["guards_against"], "ignorance");
    assert_eq!(history["sin"], "inflexibility");
    assert_eq!(
        history["gate"]["reason"],
        "Fixture: learning from the past is the point."
    );
    let text = audit(&[]).code(1).stdout;
    assert!(text.contains("sin: risks inflexibility"), "{text}");
    assert!(!text.contains("risks ignorance"), "{text}");
}

#[test]
fn an_open_gate_names_no_sin() {
    // The audit fixture's history is open (unknowns could clear it): silence is no sin.
    let out = Test::new()
        .args([
            "audit",
            "fixtures/audit/initiative.toml",
            "--corpus",
            CORPUS,
            "--policy",
            "fixtures/audit/policies/fail.toml",
            "--format",
            "json",
        ])
        .code(1);
    let json = json(&out);
    let history = criterion(&json, "history");
    assert_eq!(history["gate"]["verdict"], "open");
    assert!(history["sin"].is_null(), "{history}");
}

#[test]
fn a_criterion_that_does_not_apply_is_left_out_of_the_total_and_shown_n_a() {
    let json = json(&audit(&["--format", "json"]).code(1));
    let concreteness = criterion(&json, "concreteness");
    assert_eq!(concreteness["applicable"], false);
    assert_eq!(concreteness["label"], "n/a");
    assert_eq!(concreteness["level_display"], "n/a");
    assert_eq!(concreteness["flagged"], false);
    assert_eq!(concreteness["gate"]["verdict"], "not-applicable");
    // History alone (level 1 of 3, weight 1; concreteness's weight 2 renormalised away).
    assert_eq!(json["total"]["score"], 33.33);
    assert_eq!(json["total"]["lower"], 33.33);
    assert_eq!(json["total"]["upper"], 33.33);
    let text = audit(&[]).code(1).stdout;
    assert!(
        text.contains("concreteness — Concreteness: level n/a"),
        "{text}"
    );
    let md = audit(&["--format", "md"]).code(1).stdout;
    assert!(md.contains("| n/a of 2 (n/a) |"), "{md}");
}

#[test]
fn not_applicable_scoring_everywhere() {
    let score = |format: &str| {
        Test::new()
            .args(["score", "--format", format, CORPUS, CASE])
            .success()
            .stdout
    };
    let json: Value = serde_json::from_str(&score("json")).expect("json");
    let case = json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| c["id"] == "2019-gated")
        .expect("case");
    assert_eq!(case["total"]["score"], 33.33);
    let concreteness = &case["criteria"][1];
    assert_eq!(concreteness["id"], "concreteness");
    assert_eq!(concreteness["applicable"], false);
    assert_eq!(concreteness["label"], "n/a");
    let table = score("table");
    let row = table
        .lines()
        .find(|l| l.contains("2019-gated"))
        .expect("row");
    assert!(row.contains("n/a"), "{row}");
    assert!(row.contains("33.3"), "{row}");
    let csv = score("csv");
    let rows: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains("2019-gated") && l.contains("concreteness"))
        .collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(
        rows[0].contains("n/a") && rows[0].contains("false"),
        "{}",
        rows[0]
    );
}

#[test]
fn hindsight_is_off_by_default() {
    let json = json(&audit(&["--format", "json"]).code(1));
    assert_eq!(json["hindsight"], false);
    // 2020-c began after the initiative (2019-02): not ranked against, not listed,
    // never the best past effort, although it reached concreteness's top.
    assert_eq!(cases(&json["past_efforts"]), ["2015-a", "2017-b"]);
    assert_eq!(json["hindsight_efforts"], serde_json::json!([]));
    assert_eq!(json["rank"]["of"], 3);
    for c in json["criteria"].as_array().expect("criteria") {
        assert_ne!(c["best_past"]["case"], "2020-c", "{}", c["id"]);
        assert_eq!(c["best_past"]["began_after"], false, "{}", c["id"]);
        assert!(c["hindsight"].is_null(), "{}", c["id"]);
    }
    assert_eq!(
        criterion(&json, "concreteness")["best_past"]["case"],
        "2015-a"
    );
    let text = audit(&[]).code(1).stdout;
    assert!(!text.contains("2020-c"), "{text}");
    assert!(
        text.contains("--hindsight shows later ones apart"),
        "{text}"
    );
}

#[test]
fn hindsight_shows_later_efforts_apart_and_labelled() {
    let json = json(&audit(&["--format", "json", "--hindsight"]).code(1));
    assert_eq!(json["hindsight"], true);
    assert_eq!(cases(&json["past_efforts"]), ["2015-a", "2017-b"]);
    assert_eq!(cases(&json["hindsight_efforts"]), ["2020-c"]);
    assert_eq!(
        json["rank"]["of"], 3,
        "later efforts are never ranked against"
    );
    let concreteness = criterion(&json, "concreteness");
    assert_eq!(concreteness["best_past"]["case"], "2015-a");
    assert_eq!(concreteness["hindsight"]["case"], "2020-c");
    assert_eq!(concreteness["hindsight"]["began_after"], true);
    // History's best of all began before: no hindsight to show.
    assert!(criterion(&json, "history")["hindsight"].is_null());
    let text = audit(&["--hindsight"]).code(1).stdout;
    assert!(
        text.contains("hindsight (began after this case, so no lesson at the time): 2020-c"),
        "{text}"
    );
    assert!(text.contains("Hindsight (began after this case, so not ranked against):"));
    let md = audit(&["--hindsight", "--format", "md"]).code(1).stdout;
    assert!(md.contains("**Hindsight** (began after this case"), "{md}");
    assert!(md.contains("| `2020-c` Effort C |"), "{md}");
}

#[test]
fn as_of_ignores_later_evidence_and_later_efforts() {
    let plain = json(&audit(&["--format", "json"]).code(1));
    assert!(plain["as_of"].is_null());
    let dated = json(&audit(&["--format", "json", "--as-of", "2019-03", "--hindsight"]).code(1));
    assert_eq!(dated["as_of"], "2019-03");
    // `adapts` rested on d2 alone (May 2019): unknown as of March, its gate open.
    let adapts = indicator(&dated, "history", "adapts");
    assert_eq!(adapts["status"], "unknown");
    assert_eq!(adapts["evidence"], serde_json::json!([]));
    assert!(
        adapts["note"].as_str().unwrap_or("").starts_with(
            "as of 2019-03, unknown: it rests only on evidence dated after that day (d2)"
        ),
        "{adapts}"
    );
    assert_eq!(gate(&dated, "adapts")["verdict"], "open");
    // `consults` cites d1 (Feb 2019) and d3 (July): still met, on d1 alone.
    let consults = indicator(&dated, "history", "consults");
    assert_eq!(consults["status"], "met");
    assert_eq!(consults["evidence"], serde_json::json!(["d1"]));
    let history = criterion(&dated, "history");
    assert_eq!(history["level_display"], "1 [1–3]");
    assert_eq!(history["gate"]["verdict"], "open");
    // 2020-c began after the day: left out, even with hindsight.
    assert_eq!(cases(&dated["past_efforts"]), ["2015-a", "2017-b"]);
    assert_eq!(dated["hindsight_efforts"], serde_json::json!([]));
    // 2017-b's history rested on b2 (June 2019) for level 2: as of March it is
    // 1 [1–3], so the best past effort on history is 2015-a.
    assert_eq!(history["best_past"]["case"], "2015-a");
    assert_eq!(plain["criteria"][0]["best_past"]["case"], "2017-b");
    let past = dated["past_efforts"].as_array().expect("past");
    assert_eq!(past[1]["total_display"], "11.1 [11.1–33.3]");
    let text = audit(&["--as-of", "2019-03"]).code(1).stdout;
    assert!(text.contains("Judged as of 2019-03: evidence dated after it is ignored"));
    // A day as precise as the evidence's, or less: `2019` may be after May 2019, so
    // nothing is ignored.
    let year = json(&audit(&["--format", "json", "--as-of", "2019"]).code(1));
    assert_eq!(indicator(&year, "history", "adapts")["status"], "unmet");
}

#[test]
fn as_of_must_be_a_date() {
    for bad in ["2019-13", "yesterday", "2019-02-30"] {
        let out = audit(&["--as-of", bad]).code(2);
        assert!(
            out.stderr.contains(&format!("--as-of {bad}")),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("YYYY-MM-DD"), "{}", out.stderr);
    }
}

#[test]
fn as_of_gives_the_same_audit_from_disk_and_from_the_embedded_corpus() {
    // Read case by case from the repository, and whole from the binary's own copy.
    let case = "cases/2019-montevideo-mechanism.toml";
    let args = ["--as-of", "2019-02-06", "--hindsight", "--format", "json"];
    let inside = Test::new()
        .current_dir(root_dir())
        .args(["audit", case])
        .args(args)
        .run();
    let dir = tempfile::tempdir().expect("temp");
    std::fs::copy(root_dir().join(case), dir.path().join("m.toml")).expect("copy");
    let outside = Test::new()
        .current_dir(dir.path())
        .args(["audit", "m.toml"])
        .args(args)
        .run();
    assert_eq!(inside.code, outside.code, "{}", outside.stderr);
    let (a, b) = (json(&inside), json(&outside));
    assert_eq!(a["criteria"], b["criteria"]);
    assert_eq!(a["past_efforts"], b["past_efforts"]);
    assert_eq!(a["rank"], b["rank"]);
    // Every past effort began before 6 February 2019.
    for p in a["past_efforts"].as_array().expect("past") {
        assert!(p["start"].as_str().unwrap_or("9") < "2019-02-06", "{p}");
    }
    assert_eq!(a["hindsight_efforts"], serde_json::json!([]));
}

#[test]
fn flagged_criteria_show_the_cases_own_claims_and_notes() {
    let text = audit(&[]).code(1).stdout;
    assert!(text.contains("note: Same format as effort B."), "{text}");
    assert!(
        text.contains("d2: A later review found it kept effort B's format unchanged."),
        "{text}"
    );
    let md = audit(&["--format", "md"]).code(1).stdout;
    assert!(
        md.contains("What the case records for each indicator:"),
        "{md}"
    );
    assert!(md.contains("  - note: Same format as effort B."), "{md}");
    assert!(
        md.contains("  - d2: A later review found it kept effort B's format unchanged."),
        "{md}"
    );
    // The indicator gate that fails shows them too.
    assert!(md.contains("## Indicator gates"), "{md}");
    assert!(
        md.contains("| `history/adapts`: Its design differs from an earlier effort's in a way tied to that effort's failure. | 2 | enforced | unmet | fail ⚑ | inflexibility |"),
        "{md}"
    );
}

#[test]
fn every_audit_shows_the_context_and_results() {
    let json = json(&audit(&["--format", "json"]).code(1));
    let factors: Vec<&str> = json["context"]
        .as_array()
        .expect("context")
        .iter()
        .map(|f| f["factor"].as_str().unwrap_or(""))
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
    assert_eq!(json["results"]["agreement"], "unknown");
    let text = audit(&[]).code(1).stdout;
    assert!(text.contains("Context and results (coded from the sources; never part of a score):"));
    assert!(text.contains("  ripeness: unknown"), "{text}");
    let md = audit(&["--format", "md"]).code(1).stdout;
    assert!(
        md.contains("- results: agreement unknown, implementation unknown"),
        "{md}"
    );
}

#[test]
fn indicator_gates_with_unknown_ids_are_reported_with_positions_and_suggestions() {
    let out = Test::new()
        .args([
            "audit",
            CASE,
            "--corpus",
            CORPUS,
            "--policy",
            "fixtures/appraisal/policies/misspelt.toml",
        ])
        .code(1);
    let err = &out.stderr;
    assert!(
        err.contains("misspelt.toml:4:21: error: criterion `history` has no indicator `adapt`"),
        "{err}"
    );
    assert!(err.contains("did you mean `adapts`?"), "{err}");
    assert!(
        err.contains("misspelt.toml:7:13: error: rubric `mini` has no criterion `histroy`"),
        "{err}"
    );
    assert!(err.contains("did you mean `history`?"), "{err}");
}

#[test]
fn as_of_leaves_context_and_results_resting_on_later_evidence_unknown() {
    let run = |extra: &[&str]| {
        let out = Test::new()
            .args([
                "audit",
                "fixtures/appraisal/context-dated.toml",
                "--corpus",
                CORPUS,
                "--format",
                "json",
            ])
            .args(extra)
            .run();
        assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
        json(&out)
    };
    let spoilers = |json: &Value| {
        json["context"]
            .as_array()
            .expect("context")
            .iter()
            .find(|f| f["factor"] == "spoilers")
            .expect("spoilers")
            .clone()
    };
    let now = run(&[]);
    assert_eq!(spoilers(&now)["reading"], "absent");
    assert_eq!(now["results"]["agreement"], "none");
    assert_eq!(indicator(&now, "concreteness", "agenda")["status"], "unmet");
    let then = run(&["--as-of", "2019-06-30"]);
    let factor = spoilers(&then);
    assert_eq!(factor["reading"], "unknown");
    assert_eq!(factor["evidence"], serde_json::json!([]));
    assert_eq!(
        factor["note"],
        "as of 2019-06-30, unknown: it rests only on evidence dated after that day (e2)"
    );
    assert_eq!(then["results"]["agreement"], "unknown");
    assert_eq!(then["results"]["implementation"], "unknown");
    // The unmet agenda rested on e2 alone; the history resting on e1 is kept.
    assert_eq!(
        indicator(&then, "concreteness", "agenda")["status"],
        "unknown"
    );
    assert_eq!(indicator(&then, "history", "names-past")["status"], "met");
    // Undated, or not certainly after: kept. `2020` is certainly after 2019-06-30, but
    // not after `2020-03`.
    let later = run(&["--as-of", "2020-03"]);
    assert_eq!(spoilers(&later)["reading"], "absent");
}

#[test]
fn the_report_shows_a_criterion_that_does_not_apply_as_n_a() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    Test::new()
        .args(["report", CORPUS, CASE, "--out"])
        .arg(out.to_str().expect("path"))
        .success();
    let index = std::fs::read_to_string(out.join("index.md")).expect("index");
    let row = index
        .lines()
        .find(|l| l.contains("cases/2019-gated.md"))
        .expect("the case's row");
    assert!(row.contains("| n/a |"), "{row}");
    assert!(row.contains("33.3"), "{row}");
    let page = std::fs::read_to_string(out.join("cases/2019-gated.md")).expect("page");
    assert!(page.contains("n/a"), "{page}");
    let audit = std::fs::read_to_string(out.join("audits/2019-gated.md")).expect("audit");
    assert!(audit.contains("| n/a of 2 (n/a) |"), "{audit}");
}

#[test]
fn a_passed_audit_counts_flagged_advisory_indicator_gates() {
    let dir = tempfile::tempdir().expect("temp");
    let policy = dir.path().join("p.toml");
    std::fs::write(
        &policy,
        "rubric = \"mini\"\n[indicators.history.names-past]\ngate = \"enforced\"\n[indicators.history.builds-on]\ngate = \"advisory\"\n",
    )
    .expect("write");
    let out = Test::new()
        .args(["audit", CASE, "--corpus", CORPUS, "--policy"])
        .arg(policy.to_str().expect("path"))
        .success();
    assert!(
        out.stdout
            .contains("PASSED: no enforced gate fails; 1 advisory gate is flagged."),
        "{}",
        out.stdout
    );
}
