//! Rubric versions: the shipped rubric in 1.0.0 and 2.0.0 side by side, cases pinning
//! one with `rubric_version`, unpinned cases resolving to 1.0.0 with a warning, and no
//! comparison mixing cases of two versions.
mod common;

use common::{Test, root_dir, tests_dir};
use std::fs;
use std::path::{Path, PathBuf};
use thirdside::corpus::validate::Options;

fn compat_dir() -> PathBuf {
    tests_dir().join("fixtures/compat/v1")
}

/// `case criterion level lower upper score lower upper` rows, from scores.
fn rows(scores: &thirdside::Scores) -> Vec<String> {
    let mut out = Vec::new();
    for case in &scores.cases {
        out.push(format!(
            "{}\ttotal\t-\t-\t-\t{:.3}\t{:.3}\t{:.3}",
            case.id, case.total.score, case.total.lower, case.total.upper
        ));
        for c in &case.criteria {
            out.push(format!(
                "{}\t{}\t{}\t{}\t{}\t{:.3}\t{:.3}\t{:.3}",
                case.id,
                c.id,
                c.level,
                c.lower_level,
                c.upper_level,
                c.interval.score,
                c.interval.lower,
                c.interval.upper
            ));
        }
    }
    out
}

#[test]
fn unpinned_copies_of_the_shipped_cases_score_exactly_as_before_under_1_0_0() {
    let paths = [root_dir().join("rubrics"), compat_dir()];
    let checked = thirdside::load(&paths, &Options::default()).expect("load");
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    // Every unpinned case is told to pin, and resolves to 1.0.0.
    let pin = checked
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("does not pin `rubric_version`"))
        .count();
    assert_eq!(pin, 6, "{}", checked.report());
    assert_eq!(checked.corpus.cases.len(), 6);
    assert!(
        checked
            .corpus
            .cases
            .iter()
            .all(|r| r.rubric_version == "1.0.0")
    );
    let v1 = thirdside::select_rubric(&checked.corpus, Some("peacemaking@1.0.0")).expect("1.0.0");
    assert_eq!(v1.version, "1.0.0");
    let scores = thirdside::score::score(&checked.corpus, v1);
    let expected: Vec<String> = fs::read_to_string(compat_dir().join("expected-scores.tsv"))
        .expect("expected scores")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    assert_eq!(expected.len(), 6 * 7);
    assert_eq!(rows(&scores), expected);
    // Under the default choice (the highest version) none of them is scored.
    let v2 = thirdside::select_rubric(&checked.corpus, None).expect("default");
    assert_eq!(v2.version, "2.0.0");
    assert!(
        thirdside::score::score(&checked.corpus, v2)
            .cases
            .is_empty()
    );
}

#[test]
fn the_1_0_0_rubric_file_is_the_rubric_as_it_shipped_before_versions() {
    // Content unchanged: the same criteria, levels, indicators and rules.
    let text = fs::read_to_string(root_dir().join("rubrics/peacemaking-1.0.toml")).expect("read");
    let rubric: thirdside::Rubric = toml::from_str(&text).expect("parse");
    assert_eq!(rubric.version, "1.0.0");
    let ids: Vec<String> = rubric
        .criteria
        .get_ref()
        .iter()
        .map(|c| format!("{}:{}", c.id.get_ref(), c.rule.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            "history:cumulative",
            "impartiality:cumulative",
            "leverage:cumulative",
            "expectations:cumulative",
            "concreteness:cumulative",
            "role:cumulative"
        ]
    );
}

/// A copy of the compat cases with ids prefixed `v1-`, beside copies of the shipped
/// rubrics and cases, so both versions' cases are loaded together.
fn mixed_corpus(dir: &Path) {
    for folder in ["rubrics", "cases"] {
        fs::create_dir_all(dir.join(folder)).expect("mkdir");
        for entry in fs::read_dir(root_dir().join(folder))
            .expect("list")
            .flatten()
        {
            fs::copy(entry.path(), dir.join(folder).join(entry.file_name())).expect("copy");
        }
    }
    let v1 = dir.join("cases/v1");
    fs::create_dir_all(&v1).expect("mkdir");
    for entry in fs::read_dir(compat_dir()).expect("list").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".toml") {
            continue;
        }
        let text = fs::read_to_string(entry.path()).expect("read");
        let text = text.replacen("id = \"", "id = \"v1-", 1);
        fs::write(v1.join(name), text).expect("write");
    }
}

#[test]
fn no_comparison_mixes_cases_of_two_versions() {
    let dir = tempfile::tempdir().expect("tempdir");
    mixed_corpus(dir.path());
    let paths = [dir.path().join("rubrics"), dir.path().join("cases")];
    let checked = thirdside::load(&paths, &Options::default()).expect("load");
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    // Seven shipped cases (2.0.0) and six unpinned copies of the cases as first shipped.
    assert_eq!(checked.corpus.cases.len(), 13);
    for (choice, version, prefix, cases) in [
        (None, "2.0.0", false, 7),
        (Some("peacemaking"), "2.0.0", false, 7),
        (Some("peacemaking@2.0.0"), "2.0.0", false, 7),
        (Some("peacemaking@1.0.0"), "1.0.0", true, 6),
    ] {
        let rubric = thirdside::select_rubric(&checked.corpus, choice).expect("rubric");
        assert_eq!(rubric.version, version);
        let scores = thirdside::score::score(&checked.corpus, rubric);
        assert_eq!(scores.rubric_version, version);
        assert_eq!(scores.cases.len(), cases, "{choice:?}");
        assert!(
            scores
                .cases
                .iter()
                .all(|c| c.id.starts_with("v1-") == prefix),
            "{choice:?}"
        );
    }
    // The CLI's trend and score agree: one version per run.
    let out = Test::new()
        .current_dir(dir.path())
        .args(["trend", "--format", "json", "--rubric", "peacemaking@1.0.0"])
        .success();
    assert!(
        out.stdout.contains("v1-2014-unasur-vatican"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("\"2014-unasur-vatican\""),
        "{}",
        out.stdout
    );
    let out = Test::new()
        .current_dir(dir.path())
        .args(["score", "--format", "json"])
        .success();
    assert!(
        out.stdout.contains("\"version\": \"2.0.0\""),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("v1-"), "{}", out.stdout);
    for (choice, cases) in [("peacemaking@1.0.0", 6), ("peacemaking@2.0.0", 7)] {
        let out = Test::new()
            .current_dir(dir.path())
            .args(["scale", "--format", "json", "--rubric", choice])
            .success();
        let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
        assert_eq!(v["cases"], cases, "{choice}");
    }
    let out = Test::new()
        .current_dir(dir.path())
        .args(["score", "--rubric", "peacemaking@9.9.9"])
        .run();
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("peacemaking@1.0.0, peacemaking@2.0.0"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_audit_compares_a_case_only_with_past_efforts_of_its_own_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    mixed_corpus(dir.path());
    let case = dir.path().join("cases/v1/2019-montevideo-mechanism.toml");
    let out = Test::new()
        .current_dir(dir.path())
        .args(["audit", "--format", "json", "--corpus"])
        .arg(dir.path().to_str().expect("utf-8"))
        .arg(case.to_str().expect("utf-8"))
        .run();
    assert!(
        out.stdout.contains("\"version\": \"1.0.0\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("v1-2017-dominican-republic"),
        "{}",
        out.stdout
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let text = json.to_string();
    for shipped in ["\"2019-norway-barbados\"", "\"2017-dominican-republic\""] {
        assert!(!text.contains(shipped), "{shipped} compared: {text}");
    }
}

fn write_case(dir: &Path, pin: Option<&str>) -> PathBuf {
    let text = fs::read_to_string(compat_dir().join("2016-vatican.toml")).expect("read");
    let text = match pin {
        Some(v) => text.replacen(
            "rubric = \"peacemaking\"\n",
            &format!("rubric = \"peacemaking\"\nrubric_version = \"{v}\"\n"),
            1,
        ),
        None => text,
    };
    let path = dir.join("case.toml");
    fs::write(&path, text).expect("write");
    path
}

#[test]
fn a_pinned_version_that_is_not_loaded_is_an_error_at_its_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = write_case(dir.path(), Some("3.0.0"));
    let out = Test::new()
        .current_dir(dir.path())
        .arg("check")
        .arg(root_dir().join("rubrics").to_str().expect("utf-8"))
        .arg(case.to_str().expect("utf-8"))
        .code(1);
    assert!(
        out.stdout.contains("case.toml:5:18")
            && out.stdout.contains(
                "rubric `peacemaking` is not loaded in version `3.0.0` (loaded: 1.0.0, 2.0.0)"
            ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_case_pinned_to_1_0_0_or_alone_with_its_rubric_needs_no_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    let case = write_case(dir.path(), Some("1.0.0"));
    let paths = [root_dir().join("rubrics"), case];
    let checked = thirdside::load(&paths, &Options::default()).expect("load");
    assert_eq!(
        (checked.errors(), checked.warnings()),
        (0, 0),
        "{}",
        checked.report()
    );
    // Unpinned, with only one version loaded: that version, silently.
    let case = write_case(dir.path(), None);
    let paths = [
        root_dir().join("rubrics/peacemaking-1.0.toml"),
        root_dir().join("rubrics/bibliography.toml"),
        case,
    ];
    let checked = thirdside::load(&paths, &Options::default()).expect("load");
    assert_eq!(
        (checked.errors(), checked.warnings()),
        (0, 0),
        "{}",
        checked.report()
    );
    assert_eq!(checked.corpus.cases[0].rubric_version, "1.0.0");
}

#[test]
fn without_1_0_0_an_unpinned_case_among_several_versions_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rubrics = dir.path().join("rubrics");
    fs::create_dir_all(&rubrics).expect("mkdir");
    fs::copy(
        root_dir().join("rubrics/bibliography.toml"),
        rubrics.join("bibliography.toml"),
    )
    .expect("copy");
    let v2 = fs::read_to_string(root_dir().join("rubrics/peacemaking.toml")).expect("read");
    fs::write(rubrics.join("a.toml"), &v2).expect("write");
    fs::write(
        rubrics.join("b.toml"),
        v2.replacen("version = \"2.0.0\"", "version = \"2.1.0\"", 1),
    )
    .expect("write");
    let case = write_case(dir.path(), None);
    let checked = thirdside::load(&[rubrics, case], &Options::default()).expect("load");
    assert_eq!(checked.errors(), 1, "{}", checked.report());
    assert!(
        checked
            .report()
            .contains("is loaded in several versions (2.0.0, 2.1.0) and the case does not pin one"),
        "{}",
        checked.report()
    );
}

#[test]
fn two_files_of_one_rubric_version_are_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rubrics = dir.path().join("rubrics");
    fs::create_dir_all(&rubrics).expect("mkdir");
    fs::copy(
        root_dir().join("rubrics/bibliography.toml"),
        rubrics.join("bibliography.toml"),
    )
    .expect("copy");
    let v2 = fs::read_to_string(root_dir().join("rubrics/peacemaking.toml")).expect("read");
    fs::write(rubrics.join("a.toml"), &v2).expect("write");
    fs::write(rubrics.join("b.toml"), &v2).expect("write");
    let checked = thirdside::load(&[rubrics], &Options::default()).expect("load");
    assert!(
        checked
            .report()
            .contains("rubric id `peacemaking` in version `2.0.0` is already defined by"),
        "{}",
        checked.report()
    );
}

#[test]
fn a_scaffolded_case_pins_the_version_it_was_scaffolded_against() {
    let dir = tempfile::tempdir().expect("tempdir");
    Test::new()
        .current_dir(dir.path())
        .args(["new", "mine", "--title", "My initiative"])
        .success();
    let text = fs::read_to_string(dir.path().join("cases/mine.toml")).expect("scaffold");
    assert!(
        text.contains("rubric = \"peacemaking\"\nrubric_version = \"2.0.0\"\n"),
        "{text}"
    );
}
