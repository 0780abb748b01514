//! Benchmarks of each stage of the pipeline on synthetic corpora
//! ([`thirdside::testing::synth`]) of 100 and 1,000 cases: parse (decode + TOML), validate,
//! score, render (the whole report in memory; also with Handlebars alone, without the
//! fast template evaluator; and the case pages alone, on one thread), and the weight
//! sensitivity.
//!
//! `cargo bench --bench pipeline`. End-to-end timings of the command line at 100 to
//! 10,000 cases are `scripts/bench`'s.

use thirdside::corpus::load::{FileKind, Inputs};
use thirdside::corpus::validate::{Checked, Options, validate};
use thirdside::report::templating::templates::Templates;
use thirdside::testing::synth;

fn main() {
    divan::main();
}

const SIZES: &[usize] = &[100, 1_000];

fn parse(corpus: &synth::Corpus) -> Inputs {
    let mut inputs = Inputs::default();
    for (path, text) in &corpus.files {
        inputs.add_bytes(path, text.as_bytes(), FileKind::of(path));
    }
    inputs
}

fn checked(cases: usize) -> Checked {
    let checked = validate(parse(&synth::generate(cases, 1)), &Options::default());
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    checked
}

#[divan::bench(args = SIZES)]
fn parse_files(bencher: divan::Bencher, cases: usize) {
    let corpus = synth::generate(cases, 1);
    bencher.bench(|| parse(divan::black_box(&corpus)));
}

#[divan::bench(args = SIZES)]
fn validate_inputs(bencher: divan::Bencher, cases: usize) {
    let corpus = synth::generate(cases, 1);
    bencher
        .with_inputs(|| parse(&corpus))
        .bench_values(|inputs| validate(inputs, &Options::default()));
}

#[divan::bench(args = SIZES)]
fn score(bencher: divan::Bencher, cases: usize) {
    let checked = checked(cases);
    let corpus = &checked.corpus;
    let rubric = thirdside::select_rubric(corpus, None).expect("one rubric");
    bencher.bench(|| thirdside::score::score(divan::black_box(corpus), rubric));
}

#[divan::bench(args = SIZES)]
fn score_json(bencher: divan::Bencher, cases: usize) {
    let checked = checked(cases);
    let rubric = thirdside::select_rubric(&checked.corpus, None).expect("one rubric");
    let scores = thirdside::score::score(&checked.corpus, rubric);
    bencher.bench(|| thirdside::score::output::to_json(divan::black_box(&scores)));
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn render_report(bencher: divan::Bencher, cases: usize) {
    let checked = checked(cases);
    let corpus = &checked.corpus;
    let rubric = thirdside::select_rubric(corpus, None).expect("one rubric");
    let templates = Templates::load(None).expect("embedded templates");
    bencher.bench(|| {
        thirdside::report::render(corpus, rubric, &templates, Default::default()).expect("renders")
    });
}

/// `render_report` with every page rendered by Handlebars itself, none by the fast
/// evaluator: what the fast evaluator saves.
#[divan::bench(args = SIZES, sample_count = 10)]
fn render_report_handlebars_only(bencher: divan::Bencher, cases: usize) {
    let checked = checked(cases);
    let corpus = &checked.corpus;
    let rubric = thirdside::select_rubric(corpus, None).expect("one rubric");
    let templates = Templates::load(None)
        .expect("embedded templates")
        .handlebars_only();
    bencher.bench(|| {
        thirdside::report::render(corpus, rubric, &templates, Default::default()).expect("renders")
    });
}

/// The case pages of `render_report` alone, one after another on one thread: a page's
/// view converted for the templates and rendered in both formats, the path every case
/// page takes.
#[divan::bench(args = SIZES, sample_count = 10)]
fn render_case_pages(bencher: divan::Bencher, cases: usize) {
    use thirdside::report::view;
    let checked = checked(cases);
    let corpus = &checked.corpus;
    let rubric = thirdside::select_rubric(corpus, None).expect("one rubric");
    let scores = thirdside::score::score(corpus, rubric);
    let records = view::Records::new(&corpus.cases);
    let pages: Vec<view::CaseView> = scores
        .cases
        .iter()
        .filter_map(|case| {
            let record = records.of(case)?;
            Some(view::case_view(rubric, &corpus.bibliography, case, record))
        })
        .collect();
    let templates = Templates::load(None).expect("embedded templates");
    bencher.bench(|| {
        for page in &pages {
            divan::black_box(templates.both("case", page).expect("renders"));
        }
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn sensitivity_10k_draws(bencher: divan::Bencher, cases: usize) {
    let checked = checked(cases);
    let rubric = thirdside::select_rubric(&checked.corpus, None).expect("one rubric");
    let scores = thirdside::score::score(&checked.corpus, rubric);
    let settings = thirdside::analysis::sensitivity::Settings {
        samples: 10_000,
        ..Default::default()
    };
    bencher
        .bench(|| thirdside::analysis::sensitivity::sensitivity(&scores, settings).expect("runs"));
}
