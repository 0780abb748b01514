//! Benchmarks of the inputs issue 17 found super-linear, each at four sizes, so that
//! their growth can be read off: quotation checking against source texts of 1 to 8 MB
//! (with quotations in proportion), the mismatch hint for quotations of 5,000 to 40,000
//! words, and the one-case pathological corpora (many evidence records cited by one
//! indicator, a criterion with many levels, a level with many indicators) through
//! validation, scoring and the whole report in memory. The corpora are those of
//! `scripts/pathological.py`, written here in Rust.
//!
//! `cargo bench --bench hostile`. Whole-command timings are in the closing note of
//! issue 17 (`scripts/pathological.py` and `scripts/quote-sources.py`).

use std::path::Path;
use thirdside::corpus::load::{FileKind, Inputs};
use thirdside::corpus::quote::QuoteChecker;
use thirdside::corpus::validate::{Options, validate};
use thirdside::report::templating::templates::Templates;

fn main() {
    divan::main();
}

const WORDS: &[&str] = &[
    "the",
    "talks",
    "were",
    "held",
    "in",
    "a",
    "climate",
    "of",
    "mistrust",
    "while",
    "both",
    "sides",
    "sought",
    "guarantees",
    "from",
    "their",
    "allies",
    "and",
    "mediators",
];

/// Filler prose of about `bytes` bytes with `quotes` quotations of twelve words placed
/// through it; the quotations too.
fn source(bytes: usize, quotes: usize) -> (String, Vec<String>) {
    let mut text = String::with_capacity(bytes + 64);
    let mut state = 1u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut placed = Vec::new();
    let every = bytes / quotes.max(1);
    while text.len() < bytes {
        text.push_str(WORDS[next() % WORDS.len()]);
        text.push(' ');
        if placed.len() < quotes && text.len() > every * (placed.len() + 1) {
            let q: Vec<String> = (0..12)
                .map(|k| format!("{}{k}", WORDS[next() % WORDS.len()]))
                .collect();
            let q = q.join(" ");
            text.push_str(&q);
            text.push(' ');
            placed.push(q);
        }
    }
    (text, placed)
}

#[divan::bench(args = [1, 2, 4, 8], sample_count = 5)]
fn quotes_against_a_text_of_megabytes(bencher: divan::Bencher, megabytes: usize) {
    let dir = tempfile::tempdir().expect("temp");
    let (text, quotes) = source(megabytes << 20, 1_000 * megabytes);
    std::fs::write(dir.path().join("paper.txt"), text).expect("write");
    bencher.bench(|| {
        let mut checker = QuoteChecker::new(Some(dir.path().to_path_buf()));
        for q in &quotes {
            assert!(checker.check("paper", q).is_ok());
        }
    });
}

#[divan::bench(args = [5_000, 10_000, 20_000, 40_000], sample_count = 5)]
fn mismatch_hint_for_a_quotation_of_words(bencher: divan::Bencher, words: usize) {
    let dir = tempfile::tempdir().expect("temp");
    let (text, _) = source(1 << 20, 0);
    let quote = format!(
        "{} not in the text",
        text.split(' ').take(words).collect::<Vec<_>>().join(" ")
    );
    std::fs::write(dir.path().join("paper.txt"), text).expect("write");
    bencher.bench(|| {
        let mut checker = QuoteChecker::new(Some(dir.path().to_path_buf()));
        assert!(checker.check("paper", &quote).is_err());
    });
}

/// The fixtures' rubric `mini` with the levels of `history` given as indicator ids.
fn rubric(levels: &[Vec<String>]) -> String {
    let mut t = String::from(
        "id = \"mini\"\ntitle = \"Fixture rubric\"\nversion = \"0.1.0\"\nsources = [\"fisher-ury-2011\"]\n\n[[criteria]]\nid = \"history\"\nname = \"History\"\nquestion = \"Q?\"\nweight = 1.0\nguidance = \"G.\"\n",
    );
    for (n, ids) in levels.iter().enumerate() {
        t.push_str(&format!(
            "[[criteria.levels]]\nlabel = \"Level {n}\"\ndescriptor = \"Level {n}.\"\n"
        ));
        for id in ids {
            t.push_str(&format!(
                "[[criteria.levels.indicators]]\nid = \"{id}\"\ntext = \"Indicator {id}.\"\n"
            ));
        }
    }
    t.push_str("[[criteria]]\nid = \"concreteness\"\nname = \"Concreteness\"\nquestion = \"Q?\"\nweight = 2.0\nguidance = \"G.\"\n[[criteria.levels]]\nlabel = \"Vague\"\ndescriptor = \"None.\"\n[[criteria.levels]]\nlabel = \"Agenda\"\ndescriptor = \"An agenda.\"\n[[criteria.levels.indicators]]\nid = \"agenda\"\ntext = \"An agenda.\"\n");
    t
}

/// A case with every indicator in `history` met, the first citing all of `evidence`.
fn case(id: &str, kind: &str, history: &[String], evidence: &[String]) -> String {
    let start = if kind == "effort" {
        "2015-06-01"
    } else {
        "2019-02"
    };
    let mut t = format!(
        "id = \"{id}\"\ntitle = \"Case {id}\"\nkind = \"{kind}\"\nrubric = \"mini\"\nstart = \"{start}\"\nconflict = \"C\"\nmediators = [\"M\"]\nparties = [\"A\", \"B\"]\nsummary = \"S.\"\noutcome = \"O.\"\nstrategy = \"formulation\"\n[coding]\ncoder = \"Fixture Coder\"\ndate = \"2026-01-01\"\n"
    );
    for e in evidence {
        t.push_str(&format!("[[evidence]]\nid = \"{e}\"\nclaim = \"Claim {e}.\"\nsource = \"fixture-report\"\nlocator = \"p. 1\"\n"));
    }
    let all = evidence
        .iter()
        .map(|e| format!("\"{e}\""))
        .collect::<Vec<_>>()
        .join(", ");
    t.push_str("[observations.history]\n");
    for (k, i) in history.iter().enumerate() {
        let cited = if k == 0 {
            all.clone()
        } else {
            format!("\"{}\"", evidence[0])
        };
        t.push_str(&format!(
            "{i} = {{ status = \"met\", evidence = [{cited}] }}\n"
        ));
    }
    t.push_str(&format!(
        "[observations.concreteness]\nagenda = {{ status = \"met\", evidence = [\"{}\"] }}\n",
        evidence[0]
    ));
    t
}

/// The pathological corpus `kind` at size `n`, parsed.
fn corpus(kind: &str, n: usize) -> Inputs {
    let ids = |prefix: &str, range: std::ops::Range<usize>| -> Vec<String> {
        range.map(|k| format!("{prefix}{k}")).collect()
    };
    let (levels, history, evidence) = match kind {
        "evidence" => (
            vec![vec![], vec!["names-past".to_string()]],
            vec!["names-past".to_string()],
            ids("e", 1..n + 1),
        ),
        "levels" => {
            let mut levels = vec![vec![]];
            levels.extend((1..n).map(|k| vec![format!("i{k}")]));
            (levels, ids("i", 1..n), vec!["e1".to_string()])
        }
        _ => (
            vec![vec![], ids("i", 1..n + 1)],
            ids("i", 1..n + 1),
            vec!["e1".to_string()],
        ),
    };
    let bibliography = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rubrics/bibliography.toml"),
    )
    .expect("the fixtures' bibliography");
    let mut inputs = Inputs::default();
    inputs.add_bytes(
        Path::new("rubrics/bibliography.toml"),
        &bibliography,
        FileKind::Bibliography,
    );
    inputs.add_bytes(
        Path::new("rubrics/mini.toml"),
        rubric(&levels).as_bytes(),
        FileKind::Rubric,
    );
    inputs.add_bytes(
        Path::new("cases/big.toml"),
        case("big", "effort", &history, &evidence).as_bytes(),
        FileKind::Case,
    );
    inputs.add_bytes(
        Path::new("cases/next.toml"),
        case("next", "initiative", &history, &evidence[..1]).as_bytes(),
        FileKind::Case,
    );
    inputs
}

/// Validation, scoring and the whole report in memory of one pathological corpus.
fn pipeline(inputs: Inputs) {
    let checked = validate(inputs, &Options::default());
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    let rubric = thirdside::select_rubric(&checked.corpus, None).expect("one rubric");
    let templates = Templates::load(None).expect("embedded templates");
    // The workbook refuses a cell over Excel's 32,767 characters (the evidence list of
    // the largest case), so the report's bytes are what is timed, not its success.
    let _ = thirdside::report::render(&checked.corpus, rubric, &templates, Default::default());
}

#[divan::bench(args = [5_000, 10_000, 20_000, 40_000], sample_count = 3)]
fn evidence_records_in_one_case(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| corpus("evidence", n))
        .bench_values(pipeline);
}

#[divan::bench(args = [2_000, 4_000, 8_000, 16_000], sample_count = 3)]
fn levels_of_one_criterion(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| corpus("levels", n))
        .bench_values(pipeline);
}

#[divan::bench(args = [12_500, 25_000, 50_000, 100_000], sample_count = 3)]
fn indicators_of_one_level(bencher: divan::Bencher, n: usize) {
    bencher
        .with_inputs(|| corpus("indicators", n))
        .bench_values(pipeline);
}
