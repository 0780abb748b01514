//! The data release in `data/`: every table loads with Python's `csv` module with the
//! dictionary's types, every column is in the dictionary, and the workbook holds one
//! sheet per table (`scripts/check-data.py`, standard library only).

mod common;

use common::Test;
use std::path::Path;
use std::process::Command;

fn check_data(dir: &Path) {
    let out = Command::new("python3")
        .arg(common::root_dir().join("scripts/check-data.py"))
        .arg(dir)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_shipped_release_loads_as_the_dictionary_says() {
    check_data(&common::root_dir().join("reports/data"));
}

#[test]
fn a_release_of_overrides_coders_and_coded_context_loads_too() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    Test::new()
        .args([
            "report",
            "fixtures/rubrics",
            "fixtures/valid",
            "fixtures/context/coded.toml",
            "--out",
            out.to_str().unwrap(),
        ])
        .success();
    check_data(&out.join("data"));
    let cases = std::fs::read_to_string(out.join("data/cases.csv")).expect("cases");
    assert!(
        cases.contains(",none,not-applicable,NA,unknown,unknown,unknown,unknown,absent,unknown"),
        "{cases}"
    );
    let json = std::fs::read_to_string(out.join("scores.json")).expect("json");
    let dictionary = std::fs::read_to_string(out.join("data/README.md")).expect("readme");
    let digest: serde_json::Value = serde_json::from_str(&json).expect("json");
    let digest = digest["release"]["corpus_digest"].as_str().expect("digest");
    assert!(dictionary.contains(&format!("corpus digest `{digest}`")));
}

#[test]
fn a_formula_in_a_claim_is_neutralised() {
    let dir = tempfile::tempdir().expect("temp");
    let case = std::fs::read_to_string(common::tests_dir().join("fixtures/valid/unknowns.toml"))
        .expect("fixture")
        .replacen("claim = \"", "claim = \"=HYPERLINK(1)", 1);
    let file = dir.path().join("formula.toml");
    std::fs::write(&file, case).expect("write");
    let out = dir.path().join("reports");
    Test::new()
        .args(["report", "fixtures/rubrics", file.to_str().unwrap()])
        .args(["--out", out.to_str().unwrap()])
        .success();
    let evidence = std::fs::read_to_string(out.join("data/evidence.csv")).expect("evidence");
    assert!(evidence.contains(",'=HYPERLINK(1)"), "{evidence}");
    check_data(&out.join("data"));
}

/// The cases coded by several coders give `agreement.csv` the rows `thirdside agreement
/// --format csv` prints, after the rubric, with `NA` where it leaves a cell empty; the
/// shipped corpus, where no case is coded twice, gives the header only.
#[test]
fn the_agreement_table_is_the_agreement_commands() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    let coders = ["fixtures/rubrics", "fixtures/coders"];
    Test::new()
        .arg("report")
        .args(coders)
        .args(["--out", out.to_str().unwrap()])
        .success();
    check_data(&out.join("data"));
    let table = std::fs::read_to_string(out.join("data/agreement.csv")).expect("agreement");
    let cli = Test::new()
        .args(["agreement", "--format", "csv"])
        .args(coders)
        .success()
        .stdout;
    let json = Test::new()
        .args(["score", "--format", "json"])
        .args(coders)
        .success()
        .stdout;
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let rubric = format!(
        "{},{}",
        json["rubric"]["id"].as_str().expect("id"),
        json["rubric"]["version"].as_str().expect("version")
    );
    let mut lines = cli.lines();
    let header = lines.next().expect("a header");
    let mut expected = vec![format!("rubric,rubric_version,{header}")];
    for line in lines {
        let cells: Vec<&str> = line
            .split(',')
            .map(|c| if c.is_empty() { "NA" } else { c })
            .collect();
        expected.push(format!("{rubric},{}", cells.join(",")));
    }
    // Two measures, each with two criteria and `overall`.
    assert_eq!(expected.len(), 1 + 2 * 3, "{cli}");
    assert_eq!(table.lines().collect::<Vec<_>>(), expected);
    assert!(table.contains(",levels,overall,0.1191,"), "{table}");

    let shipped = std::fs::read_to_string(common::root_dir().join("reports/data/agreement.csv"))
        .expect("the shipped release has agreement.csv");
    assert_eq!(
        shipped,
        "rubric,rubric_version,measure,id,alpha,lower,note,units,upper\n"
    );
}
