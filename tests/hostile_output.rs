//! Hostile text in case files against the outputs' readers: spreadsheets (formula
//! injection in CSV), Markdown renderers (fences, headings, lists, tables, bare links)
//! and terminals (escape sequences). Each test fails on the escaping before it was
//! hardened and passes after.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Hostile text: a formula, a terminal escape sequence (retitles the window, then the
/// bell), a heading, a bare URL and an address.
const TITLE: &str = "=HYPERLINK(\"http://evil.example\") \\u001b]0;pwned\\u0007\\u001b[2J # x https://evil.example www.evil.example a@evil.example";
/// Every Markdown block that could start on a line of its own.
const SUMMARY: &str = "~~~\n# Heading\n- item\n1. one\n===\n    code\n| a | b |\n|---|---|\n> quote\n---\nhttps://evil.example";

/// The fixtures with hostile titles and summaries in every case, and the fixtures as
/// they are.
fn corpora(dir: &Path) -> (PathBuf, PathBuf) {
    let plain = common::tests_dir().join("fixtures/valid");
    let hostile = dir.join("hostile");
    fs::create_dir_all(&hostile).expect("mkdir");
    for entry in fs::read_dir(&plain).expect("list").flatten() {
        let text = fs::read_to_string(entry.path()).expect("read");
        let mut out = String::new();
        for line in text.lines() {
            if line.starts_with("title = ") {
                out.push_str(&format!("title = \"{}\"\n", TITLE.replace('"', "\\\"")));
            } else if line.starts_with("summary = ") {
                out.push_str(&format!("summary = \"{}\"\n", SUMMARY.replace('\n', "\\n")));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        fs::write(hostile.join(entry.file_name()), out).expect("write");
    }
    (plain, hostile)
}

fn thirdside(args: &[&std::ffi::OsStr]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_thirdside"))
        .args(args)
        .current_dir(common::tests_dir())
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report(cases: &Path, out: &Path) {
    let rubrics = common::tests_dir().join("fixtures/rubrics");
    let (code, _, stderr) = thirdside(&[
        "report".as_ref(),
        rubrics.as_os_str(),
        cases.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 0, "{stderr}");
}

/// The structure of a Markdown page as a CommonMark renderer (with tables and
/// strikethrough, as GitHub's) reads it: the blocks and inline elements, without their
/// text.
fn structure(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    Parser::new_ext(markdown, options)
        .filter_map(|event| match event {
            Event::Start(tag) => Some(format!("start {:?}", std::mem::discriminant(&tag))),
            Event::End(tag) => Some(format!("end {tag:?}")),
            Event::Html(_) | Event::InlineHtml(_) => Some("html".to_string()),
            Event::Code(_) => Some("code".to_string()),
            Event::Rule => Some("rule".to_string()),
            Event::SoftBreak | Event::HardBreak => Some("break".to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn hostile_text_leaves_the_structure_of_every_markdown_page_unchanged() {
    let dir = tempfile::tempdir().expect("temp");
    let (plain, hostile) = corpora(dir.path());
    let (a, b) = (dir.path().join("plain"), dir.path().join("hostile-out"));
    report(&plain, &a);
    report(&hostile, &b);
    let mut pages = vec![PathBuf::from("index.md")];
    for entry in fs::read_dir(a.join("cases")).expect("list").flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            pages.push(Path::new("cases").join(entry.file_name()));
        }
    }
    assert!(pages.len() > 2, "{pages:?}");
    for page in pages {
        let plain = fs::read_to_string(a.join(&page)).expect("plain page");
        let hostile = fs::read_to_string(b.join(&page)).expect("hostile page");
        assert_eq!(
            structure(&plain),
            structure(&hostile),
            "{}: hostile text changed the page's structure:\n{hostile}",
            page.display()
        );
        // Bare URLs and addresses stay text where renderers would link them.
        for raw in ["https://evil", "www.evil", "a@evil"] {
            assert!(
                !hostile.contains(raw),
                "{}: {raw} left linkable",
                page.display()
            );
        }
    }
}

#[test]
fn csv_cells_that_would_start_a_formula_are_neutralised() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, hostile) = corpora(dir.path());
    let rubrics = common::tests_dir().join("fixtures/rubrics");
    let (code, stdout, stderr) = thirdside(&[
        "score".as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
        rubrics.as_os_str(),
        hostile.as_os_str(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let check = |csv: &[u8], what: &str| {
        let mut reader = csv::Reader::from_reader(csv);
        let mut titles = 0;
        for record in reader.records() {
            for cell in record.expect("a record").iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{what}: a cell a spreadsheet would run: {cell:?}"
                );
                titles += usize::from(cell.starts_with("'=HYPERLINK"));
            }
        }
        assert!(titles > 0, "{what}: the title is there, neutralised");
    };
    check(&stdout, "score --format csv");
    let out = dir.path().join("out");
    report(&hostile, &out);
    check(
        &fs::read(out.join("scores.csv")).expect("scores.csv"),
        "scores.csv",
    );
    check(
        &fs::read(out.join("data/cases.csv")).expect("cases.csv"),
        "data/cases.csv",
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("temp");
    let (_, hostile) = corpora(dir.path());
    let rubrics = common::tests_dir().join("fixtures/rubrics");
    let runs: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec![
            "score".as_ref(),
            "--format".as_ref(),
            "csv".as_ref(),
            rubrics.as_os_str(),
            hostile.as_os_str(),
        ],
        vec!["score".as_ref(), rubrics.as_os_str(), hostile.as_os_str()],
    ];
    let corpus = dir.path().join("corpus");
    fs::create_dir_all(corpus.join("rubrics")).expect("mkdir");
    for entry in fs::read_dir(&rubrics).expect("list").flatten() {
        fs::copy(entry.path(), corpus.join("rubrics").join(entry.file_name())).expect("copy");
    }
    let case = hostile.join("unknowns.toml");
    let audit: Vec<&std::ffi::OsStr> = vec![
        "audit".as_ref(),
        case.as_os_str(),
        "--corpus".as_ref(),
        corpus.as_os_str(),
    ];
    for args in runs.iter().chain([&audit]) {
        let (code, stdout, stderr) = thirdside(args);
        assert!(code == 0 || code == 1, "{args:?}: {stderr}");
        let text = String::from_utf8_lossy(&stdout);
        // The score table shows ids, not titles.
        if !text.contains("pwned") {
            assert_eq!(args.len(), 3, "{args:?}: the title is shown: {text}");
            continue;
        }
        assert!(
            !text.contains(|c: char| c.is_control() && c != '\n' && c != '\t'),
            "{args:?}: a control character reached the terminal: {text:?}"
        );
        assert!(text.contains('\u{241B}'), "{args:?}: shown as ␛");
    }
}
