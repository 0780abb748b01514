//! Every problem of a file in one run, root causes once (issue 19.1): the many-mistakes
//! fixture, a broken bibliography, a policy with several mistakes.

mod common;

use common::{Test, root_dir};
use std::fs;
use std::path::Path;

/// A copy of the shipped rubrics/ and cases/ in a temporary folder.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for folder in ["rubrics", "cases"] {
        fs::create_dir_all(dir.path().join(folder)).expect("mkdir");
        for entry in fs::read_dir(root_dir().join(folder)).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "toml") {
                let to = dir
                    .path()
                    .join(folder)
                    .join(path.file_name().expect("name"));
                fs::copy(&path, to).expect("copy");
            }
        }
    }
    dir
}

fn errors(stdout: &str) -> usize {
    stdout.matches(": error: ").count()
}

#[test]
fn a_case_with_a_dozen_mistakes_is_reported_whole_in_one_run() {
    let out = Test::new()
        .args([
            "check",
            "fixtures/rubrics",
            "fixtures/invalid/many-mistakes.toml",
        ])
        .code(1);
    let expected = [
        ("3:1", "unknown field `titel`", "did you mean `title`?"),
        ("4:8", "unknown variant `Effort`", "did you mean `effort`?"),
        (
            "6:9",
            "a TOML date where a quoted string",
            "put the date in quotes",
        ),
        ("8:13", "expected a sequence", "write a list in brackets"),
        (
            "12:12",
            "unknown variant `facilitaton`",
            "did you mean `facilitation`?",
        ),
        ("13:1", "unknown field `notes`", "the fields here are"),
        ("17:8", "there is no month 13", "YYYY-MM-DD"),
        (
            "22:10",
            "`fixture-reprot` is not in the bibliography",
            "did you mean `fixture-report`?",
        ),
        ("26:6", "evidence id `e1` is used twice", "its own id"),
        ("29:11", "expected a string", "in quotes"),
        ("32:25", "unknown variant `Met`", "did you mean `met`?"),
        (
            "34:42",
            "evidence `e9` does not exist",
            "did you mean `e1`?",
        ),
    ];
    for (at, message, help) in expected {
        let line = format!("many-mistakes.toml:{at}: error: ");
        let block = out
            .stdout
            .split("\n\n")
            .find(|b| b.contains(&line))
            .unwrap_or_else(|| panic!("no error at {at}:\n{}", out.stdout));
        assert!(block.contains(message), "{block}");
        assert!(block.contains(help), "{block}");
    }
    assert_eq!(errors(&out.stdout), expected.len(), "{}", out.stdout);
    // The placeholders that let the typed pass go on are never reported.
    assert!(!out.stdout.contains("missing field"), "{}", out.stdout);
}

#[test]
fn a_type_error_in_the_bibliography_is_one_error() {
    let dir = corpus_copy();
    let path = dir.path().join("rubrics/bibliography.toml");
    let text = fs::read_to_string(&path).expect("read");
    let broken = text.replacen(
        "authors = [\"Smilde, David\", \"Ramsey, Geoff\"]",
        "authors = \"International Crisis Group\"",
        1,
    );
    assert_ne!(broken, text);
    fs::write(&path, broken).expect("write");
    let out = Test::new().current_dir(dir.path()).arg("check").code(1);
    assert_eq!(errors(&out.stdout), 1, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("rubrics/bibliography.toml:5:11: error: invalid type"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("no bibliography"), "{}", out.stdout);
}

#[test]
fn a_bibliography_that_does_not_parse_hides_what_follows_from_it() {
    let dir = corpus_copy();
    let path = dir.path().join("rubrics/bibliography.toml");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, format!("{text}\n[broken\n")).expect("write");
    let out = Test::new().current_dir(dir.path()).arg("check").code(1);
    assert_eq!(errors(&out.stdout), 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("rubrics/bibliography.toml:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("= note: this hides ")
            && out.stdout.contains(" errors that follow from it"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("not in the bibliography"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_source_missing_many_times_in_one_file_is_shown_once_with_its_count() {
    let dir = corpus_copy();
    let path = dir.path().join("cases/2016-vatican.toml");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(
        &path,
        text.replace(
            "source = \"smilde-ramsey-2020\"",
            "source = \"smilde-2020\"",
        ),
    )
    .expect("write");
    let out = Test::new().current_dir(dir.path()).arg("check").code(1);
    let shown = out
        .stdout
        .matches("source `smilde-2020` is not in the bibliography")
        .count();
    assert_eq!(shown, 1, "{}", out.stdout);
    assert!(
        out.stdout.contains("more like it in this file)"),
        "{}",
        out.stdout
    );
    assert!(Path::new(&path).exists());
}
