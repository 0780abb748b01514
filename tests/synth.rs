//! The synthetic corpus generator: what it writes passes `check` clean, has the promised
//! shape, scores, and depends on the seed alone.

mod common;

use std::path::PathBuf;
use thirdside::corpus::validate::Options;
use thirdside::testing::synth;

#[test]
fn a_written_corpus_checks_clean_and_scores() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let corpus = synth::generate(25, 7);
    synth::write(&corpus, dir.path()).expect("the corpus is written");
    let checked = thirdside::load(
        &[dir.path().join("rubrics"), dir.path().join("cases")],
        &Options::default(),
    )
    .expect("the corpus is read");
    assert!(
        checked.errors() == 0 && checked.warnings() == 0,
        "{}",
        checked.report()
    );
    assert_eq!(checked.files, 27);
    assert_eq!(checked.corpus.cases.len(), 25);
    let works = checked.corpus.bibliography.works.len();
    assert!((18..=22).contains(&works), "{works} works");

    let rubric = thirdside::select_rubric(&checked.corpus, None).expect("one rubric");
    assert_eq!(rubric.id.get_ref(), synth::RUBRIC_ID);
    let criteria = rubric.criteria.get_ref();
    assert_eq!(criteria.len(), 6);
    let indicators: usize = criteria.iter().map(|c| c.indicators().count()).sum();
    assert!((20..=30).contains(&indicators), "{indicators} indicators");
    assert!(criteria.iter().all(|c| c.levels.get_ref().len() == 5));

    for record in &checked.corpus.cases {
        let evidence = record.case.evidence.len();
        assert!((26..=34).contains(&evidence), "{}: {evidence}", record.id());
        let observed: usize = record.case.observations.values().map(|o| o.len()).sum();
        assert_eq!(observed, indicators, "{}", record.id());
    }

    let scores = thirdside::score::score(&checked.corpus, rubric);
    assert_eq!(scores.cases.len(), 25);
}

#[test]
fn the_files_have_realistic_sizes() {
    let corpus = synth::generate(25, 7);
    for (path, text) in &corpus.files {
        if path.starts_with("cases") {
            let kb = text.len() / 1024;
            assert!((12..=32).contains(&kb), "{}: {kb} KB", path.display());
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_files() {
    let a = synth::generate(25, 7);
    assert_eq!(a, synth::generate(25, 7));
    assert_ne!(a, synth::generate(25, 8));
    assert_eq!(a.cases(), 25);
    let paths: Vec<&PathBuf> = a.files.iter().map(|(p, _)| p).collect();
    assert_eq!(paths[0], &PathBuf::from("rubrics/synth.toml"));
    assert_eq!(paths[1], &PathBuf::from("rubrics/bibliography.toml"));
    assert_eq!(paths[2], &PathBuf::from("cases/synth-00001.toml"));
    // A smaller corpus is a prefix of a larger one with the same seed.
    assert_eq!(synth::generate(5, 7).files[..], a.files[..7]);
}

/// Scores of a synthetic corpus, loaded in memory.
fn synthetic_scores(cases: usize) -> thirdside::score::Scores {
    let corpus = common::synthetic_corpus(cases, 3);
    let rubric = thirdside::select_rubric(&corpus, None).expect("one rubric");
    thirdside::score::score(&corpus, rubric)
}

#[test]
fn a_large_sensitivity_summarises_each_rank_distribution() {
    use thirdside::analysis::sensitivity::{
        RANK_TABLE_MAX, Settings, rank_rows, sensitivity, to_json,
    };
    let scores = synthetic_scores(40);
    let settings = Settings {
        samples: 3_000,
        seed: 5,
        concentration: 5.0,
    };
    let s = sensitivity(&scores, settings).expect("runs");
    assert!(s.cases.len() > RANK_TABLE_MAX);
    let moved = (0..s.cases.len())
        .map(|i| s.rank_summary(i))
        .filter(|r| r.worst > r.best)
        .count();
    assert!(moved > 0, "a concentration of 5 moves some ranks");
    let rows = rank_rows(&s);
    assert_eq!(
        rows[0],
        [
            "case",
            "rubric rank",
            "mean rank",
            "ranks seen",
            "P(rubric rank)"
        ]
    );
    assert_eq!(rows.len(), 41);
    let json: serde_json::Value = serde_json::from_str(&to_json(&scores, &s)).expect("json");
    let first = &json["cases"][0];
    assert!(first.get("rank_probabilities").is_none(), "{first}");
    assert!(
        first["ranks_seen"].is_array() && first["mean_rank"].is_number(),
        "{first}"
    );
}

#[test]
fn an_audit_among_many_past_efforts_lists_the_nearest() {
    use thirdside::audit::{Options as AuditOptions, PAST_LISTED, audit};
    use thirdside::corpus::model::Kind;
    let corpus = common::synthetic_corpus(80, 3);
    let rubric = thirdside::select_rubric(&corpus, None).expect("one rubric");
    let scores = thirdside::score::score(&corpus, rubric);
    // The latest initiative: most efforts began before it.
    let record = corpus
        .cases
        .iter()
        .filter(|r| r.case.kind == Kind::Initiative)
        .max_by_key(|r| (r.start, r.id().to_string()))
        .expect("an initiative");
    let options = AuditOptions::default();
    let a = audit(&corpus, record, &options).expect("audits");
    let rank = a.rank.as_ref().expect("ranked");
    let efforts: Vec<_> = scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort && !record.start.certainly_before(&c.start))
        .collect();
    assert_eq!(
        rank.of,
        efforts.len() + 1,
        "ranked among every past effort begun before it"
    );
    assert!(efforts.len() > PAST_LISTED);
    assert_eq!(a.past_efforts.len(), PAST_LISTED);
    // No effort left out is nearer the audited total than every one listed.
    let total = a.total.score;
    let distance = |t: f64| (thirdside::score::output::round2(t) - total).abs();
    let farthest_listed = a
        .past_efforts
        .iter()
        .map(|p| distance(p.total.score))
        .fold(0.0, f64::max);
    for e in &efforts {
        if !a.past_efforts.iter().any(|p| p.case == e.id) {
            assert!(
                distance(e.total.score) >= farthest_listed - 1e-9,
                "{}",
                e.id
            );
        }
    }
    let starts: Vec<&str> = a.past_efforts.iter().map(|p| p.start.as_str()).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "listed in time order");
    let text = thirdside::audit::render::to_text(&a);
    assert!(
        text.contains(&format!(
            "The {PAST_LISTED} past efforts nearest this total are listed, of {}.",
            efforts.len()
        )),
        "{text}"
    );
}

#[test]
fn a_report_of_many_efforts_summarises_the_progression() {
    use thirdside::report::templating::templates::Templates;
    let corpus = common::synthetic_corpus(40, 3);
    let rubric = thirdside::select_rubric(&corpus, None).expect("one rubric");
    let templates = Templates::load(None).expect("templates");
    let (scores, output) =
        thirdside::report::render(&corpus, rubric, &templates, Default::default())
            .expect("renders");
    let efforts = scores
        .cases
        .iter()
        .filter(|c| c.kind == thirdside::corpus::model::Kind::Effort)
        .count();
    assert!(efforts > thirdside::report::view::STEPS_MAX);
    let index = String::from_utf8(output.get("index.md").expect("index")).expect("utf-8");
    assert!(
        index.contains(&format!(
            "With {efforts} efforts the changes are not told step by step"
        )),
        "{index}"
    );
    assert!(index.contains(&format!("over {efforts} efforts")));
    assert!(
        !index.contains("No indicator changed status"),
        "no steps told"
    );
    assert!(
        index.contains(&format!("{} steps: ", efforts - 1)),
        "trend summarised"
    );
    assert!(!index.contains("P(rank 1)"), "rank table summarised");
    assert_eq!(
        output.len(),
        scores.cases.len() * 2
            + 2 * scores
                .cases
                .iter()
                .filter(|c| c.kind == thirdside::corpus::model::Kind::Initiative)
                .count()
            + 7
            + 10,
        "pages, audits, the seven corpus files and the ten data files"
    );
}

#[test]
fn the_best_past_effort_is_the_highest_level_then_the_latest() {
    use thirdside::audit::{Options as AuditOptions, audit_initiatives};
    use thirdside::corpus::model::Kind;
    let corpus = common::synthetic_corpus(60, 3);
    let rubric = thirdside::select_rubric(&corpus, None).expect("one rubric");
    let scores = thirdside::score::score(&corpus, rubric);
    let efforts: Vec<_> = scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort)
        .collect();
    let options = AuditOptions {
        hindsight: true,
        ..AuditOptions::default()
    };
    let audits = audit_initiatives(&corpus, rubric, &options).expect("audits");
    assert!(!audits.is_empty());
    let mut earlier = 0;
    for a in &audits {
        let audited = scores
            .cases
            .iter()
            .find(|c| c.id == a.case.id)
            .expect("scored");
        for (k, c) in a.criteria.iter().enumerate() {
            let best_of = |only_earlier: bool| {
                efforts
                    .iter()
                    .filter(|e| !(only_earlier && audited.start.certainly_before(&e.start)))
                    .max_by(|x, y| {
                        (x.criteria[k].level, x.start, &x.id).cmp(&(
                            y.criteria[k].level,
                            y.start,
                            &y.id,
                        ))
                    })
                    .map(|e| e.id.clone())
            };
            // The best past effort began before the case; a later one that did best
            // of all is shown apart, as hindsight.
            assert_eq!(
                c.best_past.as_ref().map(|b| b.case.clone()),
                best_of(true),
                "{} {}",
                a.case.id,
                c.id
            );
            assert!(c.best_past.as_ref().is_none_or(|b| !b.began_after));
            let best = best_of(false);
            let later = best.filter(|id| {
                efforts
                    .iter()
                    .any(|e| &e.id == id && audited.start.certainly_before(&e.start))
            });
            assert_eq!(
                c.hindsight.as_ref().map(|b| b.case.clone()),
                later,
                "{} {}",
                a.case.id,
                c.id
            );
            earlier += usize::from(c.hindsight.is_some());
        }
    }
    assert!(
        earlier > 0,
        "some best past effort began after the initiative"
    );
}

#[test]
fn a_chart_of_many_efforts_plots_the_mean_of_each_start_year() {
    use thirdside::corpus::model::Kind;
    use thirdside::report::chart::{EFFORTS_MAX, chart, plot};
    let scores = synthetic_scores(120);
    let efforts: Vec<&thirdside::score::CaseScore> = scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort)
        .collect();
    assert!(efforts.len() > EFFORTS_MAX);
    let mut years: Vec<u16> = efforts.iter().map(|e| e.start.year).collect();
    years.dedup();
    let p = plot(&[("c1".to_string(), "One".to_string())], &efforts);
    assert_eq!(p.labels.len(), years.len(), "one point per start year");
    assert!(years.len() < efforts.len());
    // The first year's total is the mean of its efforts' totals, bound by bound.
    let first: Vec<_> = efforts
        .iter()
        .filter(|e| e.start.year == years[0])
        .collect();
    let n = first.len() as f64;
    let total = p.series.last().expect("total").points[0];
    let mean = |f: &dyn Fn(&thirdside::score::Interval) -> f64| {
        first.iter().map(|e| f(&e.total)).sum::<f64>() / n
    };
    assert!((total.score - mean(&|i| i.score)).abs() < 1e-9);
    assert!((total.lower - mean(&|i| i.lower)).abs() < 1e-9);
    assert!((total.upper - mean(&|i| i.upper)).abs() < 1e-9);
    assert_eq!(
        p.labels[0],
        (years[0].to_string(), format!("{} efforts", first.len()))
    );
    let svg = chart("t", "s", &p);
    assert!(svg.contains("Start year (mean of the efforts that began in it)"));
    assert_eq!(
        svg.matches("<circle").count(),
        2 * years.len(),
        "one circle per year in each of the two panels"
    );
}
