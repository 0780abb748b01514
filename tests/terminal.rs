//! Terminal conventions (issue 19.4): one `--format` vocabulary, CSV where the output is
//! tabular, completions and a man page, help and tables that fit the terminal, failures
//! printed once, plain I/O errors, honest counts.

mod common;

use common::Test;
use std::fs;
use std::process::Command;

const FIXTURES: [&str; 2] = ["fixtures/rubrics", "fixtures/valid"];

fn longest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn every_command_accepts_format_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("out");
    let out_dir = out_dir.to_string_lossy().into_owned();
    let new_dir = dir.path().to_string_lossy().into_owned();
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", FIXTURES[0], FIXTURES[1]],
        vec!["score", FIXTURES[0], FIXTURES[1]],
        vec!["trend", FIXTURES[0], FIXTURES[1]],
        vec!["sensitivity", "--samples", "100", FIXTURES[0], FIXTURES[1]],
        vec!["agreement", "fixtures/rubrics", "fixtures/coders"],
        vec!["scale", FIXTURES[0], FIXTURES[1]],
        vec![
            "report",
            "--out",
            out_dir.as_str(),
            FIXTURES[0],
            FIXTURES[1],
        ],
        vec![
            "audit",
            "../cases/2019-montevideo-mechanism.toml",
            "--corpus",
            "..",
        ],
        vec!["new", "fresh", "--dir", new_dir.as_str(), "--corpus", ".."],
    ];
    for args in runs {
        let out = Test::new().args(&args).args(["--format", "json"]).run();
        assert!(
            out.code == 0 || args[0] == "audit",
            "{args:?}: {}",
            out.stderr
        );
        let parsed: Result<serde_json::Value, _> = serde_json::from_str(&out.stdout);
        assert!(parsed.is_ok(), "{args:?} gave no JSON:\n{}", out.stdout);
    }
}

#[test]
fn tabular_output_is_csv_with_one_header() {
    let runs: [Vec<&str>; 5] = [
        vec!["scale", FIXTURES[0], FIXTURES[1]],
        vec!["score", FIXTURES[0], FIXTURES[1]],
        vec!["trend", FIXTURES[0], FIXTURES[1]],
        vec!["sensitivity", "--samples", "100", FIXTURES[0], FIXTURES[1]],
        vec!["agreement", "fixtures/rubrics", "fixtures/coders"],
    ];
    for args in runs {
        let out = Test::new().args(&args).args(["--format", "csv"]).success();
        let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
        let header = reader.headers().expect("a header").clone();
        assert!(
            header.iter().any(|h| h == "id" || h == "case"),
            "{args:?}: {header:?}"
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
        assert!(!rows.is_empty(), "{args:?}");
        assert!(rows.iter().all(|r| r.len() == header.len()), "{args:?}");
    }
}

#[test]
fn score_takes_text_and_keeps_table_as_its_alias() {
    let text = Test::new()
        .args(["score", "--format", "text"])
        .args(FIXTURES)
        .success();
    let table = Test::new()
        .args(["score", "--format", "table"])
        .args(FIXTURES)
        .success();
    assert_eq!(text.stdout, table.stdout);
}

#[test]
fn score_takes_md_for_a_markdown_table() {
    let out = Test::new()
        .args(["score", "--format", "md"])
        .args(FIXTURES)
        .success();
    let table: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert!(table.len() >= 5, "{}", out.stdout);
    assert!(
        table[0].starts_with("| case | kind | start |"),
        "{}",
        out.stdout
    );
    assert!(
        table[1].starts_with("| --- | --- | --- | ---: |"),
        "{}",
        out.stdout
    );
    let columns = table[0].matches(" | ").count();
    assert!(
        table.iter().all(|l| l.matches(" | ").count() == columns),
        "{}",
        out.stdout
    );
}

#[test]
fn the_score_table_fits_a_narrow_terminal_unless_wide() {
    let wide = Test::new()
        .arg("score")
        .current_dir(common::root_dir())
        .env("COLUMNS", "300")
        .success();
    assert!(longest(&wide.stdout) > 100, "{}", wide.stdout);
    let narrow = Test::new()
        .args(["score"])
        .current_dir(common::root_dir())
        .env("COLUMNS", "60")
        .success();
    assert!(longest(&narrow.stdout) <= 60, "{}", narrow.stdout);
    assert!(
        narrow.stdout.contains("  total (0–100)"),
        "{}",
        narrow.stdout
    );
    let forced = Test::new()
        .args(["score", "--wide"])
        .current_dir(common::root_dir())
        .env("COLUMNS", "60")
        .success();
    assert!(longest(&forced.stdout) > 100, "{}", forced.stdout);
}

#[test]
fn help_wraps_to_the_terminal_and_summaries_are_one_line() {
    let help = Test::new()
        .args(["audit", "--help"])
        .env("COLUMNS", "60")
        .success();
    assert!(longest(&help.stdout) <= 60, "{}", help.stdout);
    let top = Test::new().arg("--help").success();
    let commands: Vec<&str> = top
        .stdout
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert!(commands.len() >= 10, "{}", top.stdout);
    assert!(
        commands.iter().all(|l| l.chars().count() <= 80),
        "{}",
        top.stdout
    );
}

#[test]
fn completions_pass_bash_n_and_the_man_page_renders() {
    let script = Test::new().args(["completions", "bash"]).success();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("thirdside.bash");
    fs::write(&path, &script.stdout).expect("write");
    let bash = Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .expect("bash runs");
    assert!(bash.success());
    assert!(script.stdout.contains("sensitivity"));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        Test::new().args(["completions", shell]).success();
    }
    let page = Test::new().arg("man").success();
    assert!(
        page.stdout.starts_with(".ie") || page.stdout.contains(".TH thirdside"),
        "{}",
        &page.stdout[..200.min(page.stdout.len())]
    );
    let man_path = dir.path().join("thirdside.1");
    fs::write(&man_path, &page.stdout).expect("write");
    if let Ok(out) = Command::new("man")
        .arg("-l")
        .arg(&man_path)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
    {
        // Where man is installed, the page renders.
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("NAME") && text.contains("thirdside"),
            "{text}"
        );
    }
}

#[test]
fn io_errors_are_plain_and_printed_once() {
    let out = Test::new().args(["check", "no-such-file.toml"]).code(2);
    assert!(!out.stderr.contains("os error"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("no-such-file.toml: there is no such file or folder"),
        "{}",
        out.stderr
    );
    assert_eq!(
        out.stderr.matches("no such file").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn a_re_run_that_changes_nothing_says_it_wrote_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("reports");
    let out = out.to_string_lossy().into_owned();
    let first = Test::new()
        .args(["report", "--out", out.as_str()])
        .args(FIXTURES)
        .success();
    assert!(first.stdout.starts_with("wrote "), "{}", first.stdout);
    let again = Test::new()
        .args(["report", "--out", out.as_str()])
        .args(FIXTURES)
        .success();
    assert!(
        again.stdout.contains(" is current: ") && again.stdout.contains(" files, 0 written"),
        "{}",
        again.stdout
    );
}

/// Runs the binary in a pseudo-terminal (util-linux `script`), with `env` set; `None`
/// where `script` is not installed.
fn in_terminal(args: &str, env: &str) -> Option<String> {
    let binary = env!("CARGO_BIN_EXE_thirdside");
    let out = Command::new("script")
        .args(["-qc", &format!("{env} {binary} {args}"), "/dev/null"])
        .env_remove("NO_COLOR")
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn no_color_is_respected_on_a_terminal() {
    // Where no pseudo-terminal can be had (`script` missing or failing), nothing to test.
    let Some(coloured) = in_terminal("scroe", "").filter(|o| o.contains("unrecognized")) else {
        return;
    };
    assert!(
        coloured.contains('\u{1b}'),
        "a terminal gets colour: {coloured:?}"
    );
    let plain = in_terminal("scroe", "NO_COLOR=1").unwrap_or_default();
    assert!(plain.contains("unrecognized subcommand"), "{plain:?}");
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
}

#[test]
fn no_color_and_pipes_get_no_escape_codes() {
    let out = Test::new().args(["scroe"]).env("NO_COLOR", "1").code(2);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    let out = Test::new()
        .args(["sensitivity", "--samples", "100"])
        .args(FIXTURES)
        .success();
    assert!(
        !out.stderr.contains('\u{1b}'),
        "a pipe shows no progress: {}",
        out.stderr
    );
}

#[test]
fn progress_counts_on_a_terminal_and_never_in_a_pipe() {
    // Piped (as every run here is): no bar, no carriage returns, no count.
    let piped = Test::new()
        .args(["sensitivity", "--samples", "100000"])
        .args(FIXTURES)
        .success();
    for drawn in ["weight vectors drawn", "\r", "100,000"] {
        assert!(!piped.stderr.contains(drawn), "{:?}", piped.stderr);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let report = Test::new()
        .arg("report")
        .args(FIXTURES)
        .arg("--out")
        .arg(out.to_string_lossy())
        .success();
    assert!(
        report.stderr.is_empty(),
        "a piped report prints no progress: {:?}",
        report.stderr
    );
    // On a terminal, the draws are counted of their total (work of about a second,
    // well past the moment a bar is first drawn).
    let tests = common::tests_dir();
    let inputs = FIXTURES.map(|f| tests.join(f).to_string_lossy().into_owned());
    let Some(shown) = in_terminal(
        &format!(
            "sensitivity --samples 400000 {} {} >/dev/null",
            inputs[0], inputs[1]
        ),
        "",
    )
    .filter(|o| !o.is_empty()) else {
        return;
    };
    assert!(shown.contains("weight vectors drawn ["), "{shown:?}");
    assert!(shown.contains("/400,000"), "{shown:?}");
}
