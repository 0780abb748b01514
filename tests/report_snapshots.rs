//! Snapshots of the shipped corpus's report: the comparative report in Markdown, one case
//! page and the progression chart. A change to the rubric, a case, the engine or the
//! templates that moves them shows up here as a reviewed diff.

mod common;

use common::{Test, root_dir};

#[test]
fn shipped_report() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    Test::new()
        .current_dir(root_dir())
        .args(["report", "--out", out.to_str().expect("utf-8")])
        .success();
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect(name);
    insta::assert_snapshot!("index_md", read("index.md"));
    insta::assert_snapshot!(
        "case_2019_norway_barbados_md",
        read("cases/2019-norway-barbados.md")
    );
    insta::assert_snapshot!("progression_svg", read("progression.svg"));
}

#[test]
fn shipped_scores() {
    let out = Test::new()
        .current_dir(root_dir())
        .args(["score", "--format", "json"])
        .success();
    insta::assert_snapshot!("scores_json", out.stdout);
    let table = Test::new().current_dir(root_dir()).arg("score").success();
    insta::assert_snapshot!("scores_table", table.stdout);
}
