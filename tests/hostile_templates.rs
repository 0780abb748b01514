//! User templates that would recurse without end or grow without bound: each must end
//! with a clear template error (exit 1), never a stack overflow or an aborted
//! allocation. Each test fails on the templates before the limits and passes after.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

fn report_with(theme: &Path, out: &Path) -> (i32, String) {
    let run = Command::new(env!("CARGO_BIN_EXE_thirdside"))
        .arg("report")
        .arg("fixtures/rubrics")
        .arg("fixtures/valid")
        .arg("--out")
        .arg(out)
        .arg("--templates")
        .arg(theme)
        .current_dir(common::tests_dir())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(
        !stderr.contains("overflow") && !stderr.contains("panicked"),
        "{stderr}"
    );
    (run.status.code().unwrap_or(-1), stderr)
}

#[test]
fn partials_that_include_each_other_are_a_template_error() {
    let dir = tempfile::tempdir().expect("temp");
    let theme = dir.path().join("theme");
    fs::create_dir_all(theme.join("md")).expect("mkdir");
    fs::write(theme.join("md/cell.hbs"), "{{> evidence}}").expect("write");
    fs::write(
        theme.join("md/evidence.hbs"),
        "{{#if rubric}}{{> cell}}{{/if}}",
    )
    .expect("write");
    let (code, stderr) = report_with(&theme, &dir.path().join("out"));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("include each other"), "{stderr}");
    assert!(
        stderr.contains("cell → evidence → cell") || stderr.contains("evidence → cell → evidence"),
        "{stderr}"
    );
    assert!(!dir.path().join("out/index.md").exists());

    // One that includes itself.
    fs::remove_file(theme.join("md/evidence.hbs")).expect("rm");
    fs::write(theme.join("md/cell.hbs"), "a{{> cell}}").expect("write");
    let (code, stderr) = report_with(&theme, &dir.path().join("out"));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("md/cell.hbs") && stderr.contains("include"),
        "{stderr}"
    );
}

#[test]
fn a_page_that_grows_without_bound_is_a_template_error() {
    let dir = tempfile::tempdir().expect("temp");
    let theme = dir.path().join("theme");
    fs::create_dir_all(theme.join("md")).expect("mkdir");
    // Ten nested loops over the criteria, each innermost pass 100 KB.
    let template = format!(
        "{}{}{}",
        "{{#each @root.criteria}}".repeat(10),
        "x".repeat(100_000),
        "{{/each}}".repeat(10)
    );
    fs::write(theme.join("md/index.hbs"), template).expect("write");
    let (code, stderr) = report_with(&theme, &dir.path().join("out"));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("md/index.hbs") && stderr.contains("larger than"),
        "{stderr}"
    );
}
