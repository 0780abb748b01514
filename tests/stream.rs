//! The streamed report (`report::stream`, what `thirdside report` runs) writes exactly
//! the files the in-memory report writes from the loaded corpus: on the shipped corpus,
//! on cases coded by several coders, on a corpus with initiatives to audit, and on a
//! synthetic corpus of hundreds of cases with some cases coded twice. And `check
//! --sources`, which reads source texts ahead, finds what the in-memory check finds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thirdside::corpus::validate::Options;
use thirdside::report::templating::templates::Templates;
use thirdside::report::write::Output;

fn files(output: &Output) -> BTreeMap<PathBuf, Vec<u8>> {
    output
        .paths()
        .into_iter()
        .map(|p| {
            let bytes = output.get(&p.to_string_lossy()).expect("kept in memory");
            (p, bytes)
        })
        .collect()
}

/// Both reports of the input under `paths`, file by file, and the number of files.
fn assert_same_report(paths: &[PathBuf]) -> usize {
    let templates = Templates::load(None).expect("templates");
    let options = Options::default();
    let checked = thirdside::load(paths, &options).expect("read");
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    let rubric = thirdside::select_rubric(&checked.corpus, None).expect("one rubric");
    let (scores, memory) =
        thirdside::report::render(&checked.corpus, rubric, &templates, Output::new())
            .expect("in memory");
    let streamed =
        thirdside::report::stream::render(paths, &options, None, &templates, Output::new())
            .expect("streamed");
    assert_eq!(streamed.checked.errors(), 0);
    let (streamed_scores, streamed) = streamed.report.expect("a report");
    assert_eq!(
        thirdside::score::output::to_json(&streamed_scores),
        thirdside::score::output::to_json(&scores)
    );
    let (a, b) = (files(&memory), files(&streamed));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a {
        assert!(
            b.get(path) == Some(bytes),
            "{} differs between the in-memory and the streamed report",
            path.display()
        );
    }
    a.len()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_shipped_corpus() {
    let n = assert_same_report(&[root().join("rubrics"), root().join("cases")]);
    // Seven corpus files, two pages per case (seven cases) and per initiative audit
    // (three initiatives), ten in data/.
    assert_eq!(n, 7 + 2 * 7 + 2 * 3 + 10);
}

#[test]
fn cases_coded_by_several_coders() {
    let fixtures = root().join("tests/fixtures");
    assert_same_report(&[fixtures.join("rubrics"), fixtures.join("coders")]);
}

#[test]
fn initiatives_and_their_audits() {
    let corpus = root().join("tests/fixtures/audit/corpus");
    let dir = tempfile::tempdir().expect("temp");
    copy(&corpus, dir.path());
    std::fs::copy(
        root().join("tests/fixtures/audit/initiative.toml"),
        dir.path().join("cases/initiative.toml"),
    )
    .expect("initiative");
    assert_same_report(&[dir.path().join("rubrics"), dir.path().join("cases")]);
}

#[test]
fn a_synthetic_corpus_with_second_codings() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = thirdside::testing::synth::generate(300, 11);
    thirdside::testing::synth::write(&corpus, dir.path()).expect("written");
    // A second coder for every 50th case, more than a batch of pages apart from the
    // first coding in path order.
    let mut second = 0;
    for (path, text) in corpus.files.iter().filter(|(p, _)| p.starts_with("cases")) {
        let name = path
            .file_stem()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let number: usize = name.trim_start_matches("synth-").parse().expect("number");
        if number % 50 != 7 {
            continue;
        }
        let coder = text
            .lines()
            .find(|l| l.starts_with("coder = "))
            .expect("a coder line");
        let other = text.replace(coder, "coder = \"Second Coder\"").replacen(
            "status = \"met\"",
            "status = \"unknown\"",
            3,
        );
        std::fs::write(
            dir.path().join(format!("cases/zz-second-{name}.toml")),
            other,
        )
        .expect("second coding");
        second += 1;
    }
    assert_eq!(second, 6);
    let n = assert_same_report(&[dir.path().join("rubrics"), dir.path().join("cases")]);
    assert!(n > 600, "{n} files");
}

/// A scaffolded effort (`thirdside new --kind effort`, placeholders left) is left out of
/// the trend, the chart and the key findings alike by both reports, and its page is
/// rendered by both.
#[test]
fn a_scaffolded_effort_left_out_of_the_trend() {
    let dir = tempfile::tempdir().expect("temp");
    for folder in ["rubrics", "cases"] {
        std::fs::create_dir_all(dir.path().join(folder)).expect("folder");
        copy(&root().join(folder), &dir.path().join(folder));
    }
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_thirdside"))
        .args(["new", "2020-later-talks", "--kind", "effort"])
        .current_dir(dir.path())
        .output()
        .expect("thirdside new runs");
    assert!(status.status.success(), "{status:?}");
    let paths = [dir.path().join("rubrics"), dir.path().join("cases")];
    let n = assert_same_report(&paths);
    // The shipped corpus's files and the scaffold's page, in two formats.
    assert_eq!(n, 7 + 2 * 8 + 2 * 3 + 10);
    let streamed = thirdside::report::stream::render(
        &paths,
        &Options::default(),
        None,
        &Templates::load(None).expect("templates"),
        Output::new(),
    )
    .expect("streamed");
    assert_eq!(
        streamed.left_out,
        vec![dir.path().join("cases/2020-later-talks.toml")]
    );
    let (_, output) = streamed.report.expect("a report");
    let index = String::from_utf8(output.get("index.md").expect("index")).expect("text");
    assert!(index.contains("Left out of the trend"), "{index}");
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("list").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("folder");
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `audit` reads a corpus on disk case by case; what it says is what an audit of the
/// corpus loaded whole says, for an initiative and for an effort.
#[test]
fn a_streamed_audit_is_the_audit_of_the_corpus_in_memory() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = thirdside::testing::synth::generate(150, 5);
    thirdside::testing::synth::write(&corpus, dir.path()).expect("written");
    let paths = [dir.path().join("rubrics"), dir.path().join("cases")];
    let checked = thirdside::load(&paths, &Options::default()).expect("read");
    let options = thirdside::audit::Options {
        policy: None,
        fail_under: None,
        ..Default::default()
    };
    let mut kinds = Vec::new();
    for record in checked.corpus.cases.iter().step_by(37) {
        let expected = thirdside::audit::render::to_json(
            &thirdside::audit::audit(&checked.corpus, record, &options).expect("audit"),
        );
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_thirdside"))
            .args(["audit", "--format", "json", "--corpus"])
            .arg(dir.path())
            .arg(&record.path)
            .output()
            .expect("runs");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            expected,
            "{}: {}",
            record.id(),
            String::from_utf8_lossy(&out.stderr)
        );
        kinds.push(record.case.kind);
    }
    assert!(kinds.contains(&thirdside::corpus::model::Kind::Effort));
    assert!(
        kinds.contains(&thirdside::corpus::model::Kind::Initiative),
        "{kinds:?}"
    );
}

/// `check --sources` reads the texts a chunk of cases quotes ahead of it, on other
/// threads: its diagnostics are those of the in-memory check, which reads each text at
/// its first quotation. Over several chunks of cases: quotations missing from a text
/// (each an error with its hint), a text that is not UTF-8 (one error, at its first
/// quotation), and sources with no text (not checked).
#[test]
fn quotations_checked_against_texts_read_ahead_are_checked_as_in_memory() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = thirdside::testing::synth::generate(200, 5);
    thirdside::testing::synth::write(&corpus, dir.path()).expect("written");
    let mut quotes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, text) in corpus.files.iter().filter(|(p, _)| p.starts_with("cases")) {
        let case: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        for evidence in case["evidence"].as_array().expect("evidence") {
            if let (Some(quote), Some(source)) = (
                evidence.get("quote").and_then(toml::Value::as_str),
                evidence.get("source").and_then(toml::Value::as_str),
            ) {
                quotes
                    .entry(source.to_string())
                    .or_default()
                    .push(quote.to_string());
            }
        }
    }
    assert!(quotes.len() >= 4, "{quotes:?}");
    let sources = dir.path().join("sources");
    std::fs::create_dir(&sources).expect("mkdir");
    let mut keys = quotes.keys();
    let (whole, missing, latin1) = (
        keys.next().expect("a source"),
        keys.next().expect("a source"),
        keys.next().expect("a source"),
    );
    // One text with every quotation, on lines of their own; one with every third left
    // out and a word changed in every fifth; one that is not UTF-8.
    std::fs::write(
        sources.join(format!("{whole}.txt")),
        quotes[whole].join("\n"),
    )
    .expect("write");
    let mut partial = String::new();
    for (n, quote) in quotes[missing].iter().enumerate() {
        match n % 15 {
            0 | 3 | 6 | 9 | 12 => {}
            5 | 10 => partial.push_str(&quote.replacen(' ', " changed ", 1)),
            _ => partial.push_str(quote),
        }
        partial.push_str("\r\n\r\n");
    }
    std::fs::write(sources.join(format!("{missing}.txt")), partial).expect("write");
    std::fs::write(sources.join(format!("{latin1}.txt")), b"caf\xe9 au lait").expect("write");

    let paths = [dir.path().join("rubrics"), dir.path().join("cases")];
    let options = Options {
        sources_dir: Some(sources),
        ..Options::default()
    };
    let streamed =
        thirdside::corpus::validate::validate_each(&paths, &options, |_, _| {}).expect("checked");
    let mut inputs = thirdside::corpus::load::Inputs::default();
    for path in thirdside::corpus::load::files(&paths).expect("files") {
        inputs.add_file(&path).expect("read");
    }
    let in_memory = thirdside::corpus::validate::validate(inputs, &options);
    let report = streamed.report();
    assert_eq!(report, in_memory.report());
    assert!(
        report.contains(&format!("the quotation is not verbatim from `{missing}`")),
        "{report}"
    );
    assert_eq!(
        report
            .matches(&format!(
                "the source text of `{latin1}` cannot be checked against"
            ))
            .count(),
        1,
        "{report}"
    );
    assert!(!report.contains(&format!("from `{whole}`")), "{report}");
    // Every quotation left out or changed is an error, and only those.
    let wrong = (0..quotes[missing].len())
        .filter(|n| [0, 3, 5, 6, 9, 10, 12].contains(&(n % 15)))
        .count();
    assert_eq!(
        streamed
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("not verbatim"))
            .count(),
        wrong,
        "{report}"
    );
}
