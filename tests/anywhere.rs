//! Every command works from anywhere (issue 19.2): `--corpus DIR`, else the nearest
//! folder upward holding `rubrics/`, else the corpus built into the binary, said on
//! standard error.

mod common;

use common::{Test, root_dir};
use std::fs;

const BUILT_IN: &str = "using the rubric, bibliography and cases built into thirdside";

/// An advisory policy for the shipped rubric: the audit reports, and never fails.
const ADVISORY: &str =
    "rubric = \"peacemaking\"\n[criteria.history]\nminimum = 1\ngate = \"advisory\"\n";

#[test]
fn every_command_runs_from_an_empty_folder_on_the_built_in_corpus() {
    let dir = tempfile::tempdir().expect("temp dir");
    let montevideo =
        fs::read_to_string(root_dir().join("cases/2019-montevideo-mechanism.toml")).expect("case");
    fs::write(dir.path().join("mine.toml"), montevideo).expect("write");
    fs::write(dir.path().join("advisory.toml"), ADVISORY).expect("write");
    let runs: &[&[&str]] = &[
        &["score"],
        &["check"],
        &["report", "--out", "X"],
        &["trend"],
        &["sensitivity", "--samples", "200"],
        &["agreement"],
        &["audit", "mine.toml", "--policy", "advisory.toml"],
        &["check", "mine.toml"],
        &["score", "mine.toml"],
    ];
    for args in runs {
        let out = Test::new().current_dir(dir.path()).args(*args).success();
        assert!(out.stderr.contains(BUILT_IN), "{args:?}: {}", out.stderr);
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    assert!(dir.path().join("X/index.html").is_file());
}

#[test]
fn a_case_outside_any_corpus_uses_the_bibliography_beside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text =
        fs::read_to_string(root_dir().join("cases/2019-montevideo-mechanism.toml")).expect("case");
    let own = text.replacen(
        "source = \"smilde-ramsey-2020\"",
        "source = \"my-notes\"",
        1,
    );
    assert_ne!(own, text);
    fs::write(dir.path().join("mine.toml"), own).expect("write");
    // Without a bibliography of its own, the advice names a file the user can write.
    let out = Test::new()
        .current_dir(dir.path())
        .args(["check", "mine.toml"])
        .code(1);
    assert!(
        out.stdout
            .contains("source `my-notes` is not in the bibliography"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("a bibliography.toml beside the case file"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("(built-in)/rubrics/bibliography.toml"),
        "{}",
        out.stdout
    );
    fs::write(
        dir.path().join("bibliography.toml"),
        "[my-notes]\nauthors = [\"Me\"]\nyear = 2024\ntitle = \"My notes\"\npublished = \"Unpublished\"\n",
    )
    .expect("write");
    for args in [&["check", "mine.toml"][..], &["score", "mine.toml"]] {
        Test::new().current_dir(dir.path()).args(args).success();
    }
    fs::write(dir.path().join("advisory.toml"), ADVISORY).expect("write");
    let out = Test::new()
        .current_dir(dir.path())
        .args(["audit", "mine.toml", "--policy", "advisory.toml"])
        .success();
    assert!(
        !out.stderr.contains("not in the bibliography"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_nearest_corpus_upward_is_found_and_corpus_names_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["rubrics", "cases"] {
        fs::create_dir_all(dir.path().join(folder)).expect("mkdir");
    }
    for file in ["rubrics/mini.toml", "rubrics/bibliography.toml"] {
        fs::copy(
            common::tests_dir().join("fixtures").join(file),
            dir.path().join(file),
        )
        .expect("copy");
    }
    let deep = dir.path().join("cases/deeper/still");
    fs::create_dir_all(&deep).expect("mkdir");
    let out = Test::new().current_dir(&deep).arg("check").success();
    assert!(!out.stderr.contains(BUILT_IN), "{}", out.stderr);
    assert!(out.stdout.contains("checked 1 rubric"), "{}", out.stdout);
    // `new` writes into the corpus found, not into a cases/ of the folder it runs in.
    let out = Test::new()
        .current_dir(&deep)
        .args(["new", "from-deep"])
        .success();
    assert!(
        out.stdout
            .starts_with("wrote ../../../cases/from-deep.toml"),
        "{}",
        out.stdout
    );
    assert!(dir.path().join("cases/from-deep.toml").is_file());
    assert!(!deep.join("cases").exists());
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().to_string_lossy().into_owned();
    let out = Test::new()
        .current_dir(elsewhere.path())
        .args(["check", "--corpus", corpus.as_str()])
        .success();
    assert!(!out.stderr.contains(BUILT_IN), "{}", out.stderr);
    let out = Test::new()
        .current_dir(elsewhere.path())
        .args(["check", "--corpus", "nowhere"])
        .code(2);
    assert!(
        out.stderr.contains("no rubrics/ folder there"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("os error"), "{}", out.stderr);
}
