//! The command line through the binary: exit codes, defaults, formats, documentation.

mod common;

use common::{Test, root_dir};
use std::fs;

/// The ```toml blocks of a Markdown file, in order.
fn toml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

#[test]
fn the_readme_examples_pass_check() {
    let rubric_doc = fs::read_to_string(root_dir().join("rubrics/README.md")).expect("readme");
    let case_doc = fs::read_to_string(root_dir().join("cases/README.md")).expect("readme");
    let rubric_blocks = toml_blocks(&rubric_doc);
    let case_blocks = toml_blocks(&case_doc);
    assert_eq!(
        rubric_blocks.len(),
        2,
        "a rubric and a bibliography example"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("rubrics")).expect("mkdir");
    fs::create_dir_all(dir.path().join("cases")).expect("mkdir");
    fs::write(dir.path().join("rubrics/mini.toml"), &rubric_blocks[0]).expect("write");
    fs::write(
        dir.path().join("rubrics/bibliography.toml"),
        &rubric_blocks[1],
    )
    .expect("write");
    fs::write(dir.path().join("cases/example.toml"), &case_blocks[0]).expect("write");
    let out = Test::new().current_dir(dir.path()).arg("check").success();
    assert!(
        out.stdout
            .starts_with("0 errors, 0 warnings in 3 files; checked 1 rubric and 1 valid case"),
        "{}",
        out.stdout
    );
    // The table form of an observation shown in cases/README.md is the same TOML.
    let table_form = format!(
        "{}\n{}",
        case_blocks[0].replace(
            "adapts-design = { status = \"unknown\", note = \"The source is silent on the design.\" }\n",
            ""
        ),
        case_blocks[1]
    );
    fs::write(dir.path().join("cases/example.toml"), table_form).expect("write");
    Test::new().current_dir(dir.path()).arg("check").success();
}

#[test]
fn check_reports_every_problem_in_every_file_at_once() {
    let out = Test::new()
        .args(["check", "fixtures/rubrics", "fixtures/invalid"])
        .code(1);
    let files = fs::read_dir(common::tests_dir().join("fixtures/invalid"))
        .expect("fixtures")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml"))
        })
        .count();
    let reported: std::collections::BTreeSet<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains(": error: "))
        .filter_map(|l| l.split(':').next())
        .collect();
    assert!(
        reported.len() >= files,
        "{} files, {} reported:\n{}",
        files,
        reported.len(),
        out.stdout
    );
    let last = out.stdout.lines().last().unwrap_or_default();
    assert!(
        last.contains(" errors, ") && last.contains("checked"),
        "{last}"
    );
}

#[test]
fn a_clean_corpus_exits_zero() {
    let out = Test::new()
        .args(["check", "fixtures/rubrics", "fixtures/valid"])
        .success();
    assert!(
        out.stdout
            .starts_with("0 errors, 0 warnings in 5 files; checked 1 rubric and 3 valid cases"),
        "{}",
        out.stdout
    );
}

#[test]
fn io_and_usage_errors_exit_two() {
    let out = Test::new().args(["check", "no/such/folder"]).code(2);
    assert!(out.stderr.contains("no/such/folder"), "{}", out.stderr);
    Test::new().args(["check", "--no-such-flag"]).code(2);
    Test::new().args(["score", "--format", "xml"]).code(2);
    let out = Test::new()
        .args(["check", "--sources", "no/such/dir", "fixtures/valid"])
        .code(2);
    assert!(out.stderr.contains("--sources"), "{}", out.stderr);
    Test::new().code(2);
}

#[test]
fn score_refuses_invalid_input() {
    let out = Test::new()
        .args([
            "score",
            "fixtures/rubrics",
            "fixtures/invalid/met-without-evidence.toml",
        ])
        .code(1);
    assert!(
        out.stderr.contains("marked met but cites no evidence"),
        "{}",
        out.stderr
    );
}

#[test]
fn score_json_is_the_contract() {
    let out = Test::new()
        .args([
            "score",
            "--format",
            "json",
            "fixtures/rubrics",
            "fixtures/valid",
        ])
        .success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
    assert_eq!(json["rubric"]["id"], "mini");
    assert_eq!(json["rubric"]["version"], "0.1.0");
    assert_eq!(json["engine"]["name"], "thirdside");
    let cases = json["cases"].as_array().expect("cases");
    let ids: Vec<&str> = cases
        .iter()
        .map(|c| c["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        ["all-met", "override", "unknowns"],
        "time order: 2015, 2016, 2019"
    );
    for case in cases {
        for key in ["id", "title", "kind", "start", "total"] {
            assert!(!case[key].is_null(), "{key}");
        }
        for key in ["score", "lower", "upper"] {
            assert!(case["total"][key].is_number(), "total.{key}");
        }
        for c in case["criteria"].as_array().expect("criteria") {
            for key in ["id", "level", "score", "lower", "upper"] {
                assert!(!c[key].is_null(), "{key}");
            }
            assert!(c.get("override").is_some());
        }
    }
    // unknowns: history reaches level 1 of 3 on the evidence, 3 if both unknowns hold;
    // concreteness is capped at 0 by an unmet agenda. Total = (1×33.33 + 2×0) / 3.
    let unknowns = &cases[2];
    assert_eq!(unknowns["criteria"][0]["level"], 1);
    assert_eq!(unknowns["criteria"][0]["upper"], 100.0);
    assert_eq!(unknowns["total"]["score"], 11.11);
    assert_eq!(unknowns["total"]["upper"], 33.33);
    // override: the derived level is kept beside the coder's.
    let o = &cases[1]["criteria"][1]["override"];
    assert_eq!(o["level"], 0);
    assert_eq!(o["derived_level"], 1);
    assert!(
        o["justification"]
            .as_str()
            .unwrap_or("")
            .contains("never written down")
    );
}

#[test]
fn score_table_marks_overrides_and_intervals() {
    let out = Test::new()
        .args(["score", "fixtures/rubrics", "fixtures/valid"])
        .success();
    assert!(out.stdout.contains("0*"), "{}", out.stdout);
    assert!(out.stdout.contains("1 [1–3]"), "{}", out.stdout);
    assert!(out.stdout.contains("11.1 [11.1–33.3]"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("* override / concreteness: level 0 overrides the derived level 1")
    );
}

#[test]
fn score_csv_has_one_row_per_case_and_criterion() {
    let out = Test::new()
        .args([
            "score",
            "--format",
            "csv",
            "fixtures/rubrics",
            "fixtures/valid",
        ])
        .success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1 + 3 * 2);
    assert!(lines[0].starts_with("rubric,rubric_version,case,title,kind,start"));
    assert!(lines.iter().any(|l| l.contains("unknowns")
        && l.contains(",history,")
        && l.contains(",33.33,33.33,100,")));
}

#[test]
fn quotations_are_checked_against_sources() {
    Test::new()
        .args([
            "check",
            "--sources",
            "fixtures/sources",
            "fixtures/rubrics",
            "fixtures/valid",
        ])
        .success();
    let out = Test::new()
        .args([
            "check",
            "--sources",
            "fixtures/sources",
            "fixtures/rubrics",
            "fixtures/quotes/misquoted.toml",
        ])
        .code(1);
    assert!(
        out.stdout.contains("fixtures/quotes/misquoted.toml:"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("the quotation is not verbatim from `fixture-report`"),
        "{}",
        out.stdout
    );
    // Without --sources, quotations are not compared.
    Test::new()
        .args([
            "check",
            "fixtures/rubrics",
            "fixtures/quotes/misquoted.toml",
        ])
        .success();
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let out = Test::new().arg("--help").success();
    assert!(out.stdout.contains("Exit codes"));
    for command in ["check", "score"] {
        let out = Test::new().args([command, "--help"]).success();
        assert!(out.stdout.contains("Examples:"), "{command}");
    }
}

#[test]
fn a_very_large_file_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp");
    let path = dir.path().join("huge.toml");
    let text = format!("id = \"{}\"\n", "a".repeat(9 * 1024 * 1024));
    fs::write(&path, text).expect("write");
    let out = Test::new()
        .args(["check", path.to_str().expect("utf-8")])
        .code(1);
    assert!(
        out.stdout.contains(
            "huge.toml: error: the file is 9437192 bytes, more than the limit of 8388608 bytes"
        ),
        "{}",
        out.stdout
    );
}

/// A megabyte-long string within the file-size limit: accepted where any text is, and
/// refused in a few lines, not a megabyte of output, where it is an id or a date.
#[test]
fn a_megabyte_string_is_accepted_or_refused_in_bounded_output() {
    let dir = tempfile::tempdir().expect("temp");
    let case = fs::read_to_string(common::tests_dir().join("fixtures/valid/unknowns.toml"))
        .expect("fixture");
    let big = "a".repeat(1 << 20);
    let write = |name: &str, edits: &[(&str, String)]| {
        let mut text = case.clone();
        for (from, to) in edits {
            assert!(text.contains(from), "{from}");
            text = text.replacen(from, to, 1);
        }
        let path = dir.path().join(name);
        fs::write(&path, text).expect("write");
        path.to_str().expect("utf-8").to_string()
    };
    let summary = write(
        "summary.toml",
        &[("A fixture with unknown indicators.", big.clone())],
    );
    let out = Test::new()
        .args(["check", "fixtures/rubrics", summary.as_str()])
        .success();
    assert!(out.stdout.len() < 1024, "{} bytes", out.stdout.len());
    let refused: [(&str, Vec<(&str, String)>); 4] = [
        (
            "id.toml",
            vec![("id = \"unknowns\"", format!("id = \"{big}\""))],
        ),
        (
            "start.toml",
            vec![("start = \"2019-02\"", format!("start = \"{big}\""))],
        ),
        (
            "rubric.toml",
            vec![("rubric = \"mini\"", format!("rubric = \"{big}\""))],
        ),
        // A megabyte-long evidence id and a reference one character longer: the "did
        // you mean" search must not compare them (edit distance is quadratic).
        (
            "evidence.toml",
            vec![
                ("id = \"e2\"", format!("id = \"{big}\"")),
                ("evidence = [\"e2\"]", format!("evidence = [\"{big}b\"]")),
            ],
        ),
    ];
    for (name, edits) in refused {
        let path = write(name, &edits);
        let out = Test::new()
            .args(["check", "fixtures/rubrics", path.as_str()])
            .code(1);
        assert!(
            out.stdout.contains(&format!("{name}:")),
            "{name}: {}",
            &out.stdout[..out.stdout.len().min(2000)]
        );
        assert!(
            out.stdout.len() < 8 * 1024,
            "{name}: {} bytes of output",
            out.stdout.len()
        );
    }
}

/// A reader that stops reading (`thirdside check | head -0`) ends the output quietly:
/// no panic, and the command's own exit code.
#[test]
fn a_closed_output_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
    for (args, code) in [
        (&["check"][..], 0),
        (&["score", "--format", "json"][..], 0),
        (&["audit", "cases/2019-montevideo-mechanism.toml"][..], 1),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_thirdside"))
            .args(args)
            .current_dir(common::root_dir())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("it ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    }
}
