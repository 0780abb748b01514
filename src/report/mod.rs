//! `thirdside report`: the comparative report, a page per case, the chart, the codebook
//! and the data files, rendered in memory from the scores and written atomically.
//!
//! Flow: [`crate::score::Scores`] → view models ([`view`]) → templates ([`templating`])
//! and the chart ([`chart`]) → an [`write::Output`] (in memory, staged on disk, or
//! compared with the files there) → [`write::write`] or [`write::stale`]. Nothing here
//! scores or validates.

mod beneath;
pub mod chart;
pub mod memory;
pub mod release;
pub mod statistics;
pub mod stream;
pub mod templating;
pub mod view;
pub mod write;

use crate::corpus::model::{Bibliography, Kind, Rubric};
use crate::corpus::validate::{CaseRecord, Corpus};
use crate::error::Error;
use crate::score::{CaseScore, Scores};
use rayon::prelude::*;
use templating::templates::Templates;
use view::{CodebookView, IndexView};
use write::Output;

/// Extra sections for the comparative report, already rendered (analysis results).
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// Markdown, inserted before the overrides section.
    pub markdown: String,
    /// HTML, inserted at the same place; must be escaped already.
    pub html: String,
    /// The policy the initiatives' audit pages apply (none: no gates).
    pub policy: Option<crate::audit::policy::Policy>,
    /// The trend of the efforts, for the key findings and `data/trend.csv` (none: not
    /// computed).
    pub trend: Option<crate::analysis::trend::Trend>,
    /// The weight sensitivity, for `data/sensitivity.csv` (none: not computed, or no
    /// cases).
    pub sensitivity: Option<crate::analysis::sensitivity::Sensitivity>,
    /// The agreement between coders, for `data/agreement.csv` (none: not computed).
    pub agreement: Option<crate::analysis::agreement::Agreement>,
    /// What the trend reads, the chart and the key findings with it: the codings it
    /// keeps and the files of those it leaves out.
    pub trend_input: crate::analysis::trend::TrendInput,
}

impl Extra {
    /// What `thirdside report` adds: the analysis section of `scores` (its trend of
    /// what `trend_input` reads, with the scale check of the responses in `scale`), kept
    /// also for the key findings and the data release; the agreement between the coders
    /// of the codings in `agreement`; and, when it is written for this rubric, the
    /// shipped default policy.
    pub fn for_report(
        rubric: &Rubric,
        scores: &Scores,
        trend_input: crate::analysis::trend::TrendInput,
        scale: &crate::analysis::scale::Collector,
        agreement: &crate::analysis::agreement::Collector,
    ) -> Result<Extra, Error> {
        let extra = statistics::extra(
            scores,
            &trend_input,
            &crate::analysis::scale::scale(rubric, scale),
        )?;
        Ok(Extra {
            policy: crate::audit::policy::default_policy(rubric)
                .and_then(Result::ok)
                .map(|(policy, _)| policy),
            agreement: Some(crate::analysis::agreement::agreement_of(rubric, agreement)),
            trend_input,
            ..extra
        })
    }
}

/// Scores the corpus against `rubric` and renders the whole report into `out`, with the
/// analysis section and, when it is written for this rubric, the shipped default
/// policy on the initiatives' audit pages: what `thirdside report` writes.
pub fn render(
    corpus: &Corpus,
    rubric: &Rubric,
    templates: &Templates,
    out: Output,
) -> Result<(Scores, Output), Error> {
    // Each coding scored once, for the scores, the agreement and the trend's input
    // alike (as `score::score` would, in the same order).
    let used: Vec<&CaseRecord> = corpus.cases.iter().filter(|r| r.uses(rubric)).collect();
    let codings: Vec<CaseScore> = used
        .iter()
        .map(|r| crate::score::score_case(rubric, r))
        .collect();
    let mut scale = crate::analysis::scale::Collector::default();
    let mut agreement = crate::analysis::agreement::Collector::default();
    for (record, coding) in used.iter().zip(&codings) {
        scale.add(record);
        agreement.add(rubric, record, coding);
    }
    let left_out = used
        .iter()
        .filter(|r| crate::analysis::trend::leaves_out(r))
        .map(|r| r.path.clone())
        .collect();
    let trend_input = crate::analysis::trend::TrendInput::new(rubric, left_out, || {
        used.iter()
            .zip(&codings)
            .filter(|(r, _)| !crate::analysis::trend::leaves_out(r))
            .map(|(_, coding)| coding.clone())
            .collect()
    });
    let scores = crate::score::from_codings(rubric, codings);
    let extra = Extra::for_report(rubric, &scores, trend_input, &scale, &agreement)?;
    let output = build(corpus, rubric, &scores, templates, &extra, out)?;
    Ok((scores, output))
}

/// Renders the whole report into `out` from scores already computed.
pub fn build(
    corpus: &Corpus,
    rubric: &Rubric,
    scores: &Scores,
    templates: &Templates,
    extra: &Extra,
    out: Output,
) -> Result<Output, Error> {
    let bibliography = &corpus.bibliography;
    let records = view::Records::new(&corpus.cases);
    let observations = scores
        .cases
        .iter()
        .filter_map(|c| records.of(c))
        .map(view::observations)
        .sum();
    let mut release = release::Release::default();
    for record in corpus.cases.iter().filter(|r| r.uses(rubric)) {
        release.add_record(rubric, record);
    }
    let digest = release.corpus_digest(rubric_digest(corpus, rubric), corpus.bibliography_digest);
    let options = crate::audit::Options {
        policy: extra.policy.as_ref(),
        fail_under: None,
        ..Default::default()
    };
    let audits = crate::audit::audit_initiatives(corpus, rubric, &options)?;
    let verdicts: Vec<view::Verdict> = audits.iter().map(view::Verdict::of).collect();
    let rubric_view = summary(
        rubric,
        bibliography,
        scores,
        &records,
        observations,
        templates,
        extra,
        &digest,
        &verdicts,
        &out,
    )?;
    data_files(scores, &digest, &out)?;
    release.write(rubric, scores, extra, bibliography, &digest, &out)?;
    case_pages(
        rubric,
        bibliography,
        templates,
        &out,
        scores
            .cases
            .par_iter()
            .filter_map(|case| Some((case, records.of(case)?, None))),
    )?;
    audit_pages(audits, &rubric_view, templates, &out)?;
    Ok(out)
}

/// Renders the pages about the whole corpus — the comparative report, the chart and
/// the codebook — into `out` ([`data_files`] are the rest), their footers stamped with
/// `corpus_digest`, and opening with key findings that name the initiatives' `verdicts`.
/// `records` needs to hold the
/// efforts' records only when the progression tells its steps (at most
/// [`view::STEPS_MAX`] efforts); `observations` is the number of indicator
/// observations behind `scores`. Returns the rubric's view, which every page shows.
#[allow(clippy::too_many_arguments)]
pub fn summary(
    rubric: &Rubric,
    bibliography: &Bibliography,
    scores: &Scores,
    records: &view::Records,
    observations: usize,
    templates: &Templates,
    extra: &Extra,
    corpus_digest: &str,
    verdicts: &[view::Verdict],
    out: &Output,
) -> Result<view::RubricView, Error> {
    // The efforts of the trend: without those it leaves out.
    let trend_scores = extra.trend_input.scores(scores);
    let efforts: Vec<&CaseScore> = trend_scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort)
        .collect();
    let criteria = view::criteria_views(rubric, bibliography);
    let names: Vec<(String, String)> = criteria
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let title = format!("{}: progression across the efforts", rubric.title);
    let plot = chart::plot(&names, &efforts);
    let svg = chart::chart(
        &title,
        &format!(
            "Source: thirdside {}, rubric {} {}, corpus digest {corpus_digest}; scores in scores.json.",
            env!("CARGO_PKG_VERSION"),
            rubric.id.get_ref(),
            rubric.version
        ),
        &plot,
    );
    let chart = chart::panels(&title, &plot);
    let unknown = view::unknown_observations(scores);
    let rows = |kind: Kind| view::Rows(scores.cases.iter().filter(|c| c.kind == kind).collect());
    let index = IndexView {
        rubric: view::page_rubric(rubric, bibliography, corpus_digest),
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
        criteria: criteria.clone(),
        efforts: rows(Kind::Effort),
        initiatives: rows(Kind::Initiative),
        context_headings: view::CONTEXT_HEADINGS.to_vec(),
        context_coded: scores
            .cases
            .iter()
            .any(|c| c.context != crate::corpus::model::CodedContext::default()),
        chart,
        key_findings: view::key_findings(
            scores,
            &efforts,
            extra.trend.as_ref(),
            observations,
            verdicts,
        ),
        progression: view::progression(rubric, bibliography, records, &efforts),
        progression_note: view::progression_note(efforts.len()),
        trend_left_out: extra.trend_input.line(),
        overrides: view::overrides(rubric, scores),
        unknowns: format!(
            "{unknown} of {observations} indicator observations are unknown, because the sources are silent on them."
        ),
        analysis_md: extra.markdown.clone(),
        analysis_html: extra.html.clone(),
        bibliography: view::bibliography_views(bibliography),
    };
    let codebook = CodebookView {
        rubric: index.rubric.clone(),
        engine_version: index.engine_version.clone(),
        criteria,
        bibliography: index.bibliography.clone(),
    };
    // About 1 KB of HTML per case with the synthetic rubric's six criteria (the
    // Markdown is shorter): a buffer that long from the start; it grows if need be.
    let capacity = 1024 * (scores.cases.len() + 64);
    let (index_md, index_html) = templates.both_owned("index", index, capacity)?;
    out.add("index.md", index_md)?;
    out.add("index.html", index_html)?;
    crate::report::memory::release();
    out.add("progression.svg", svg)?;
    let (codebook_md, codebook_html) = templates.both("codebook", &codebook)?;
    out.add("codebook.md", codebook_md)?;
    out.add("codebook.html", codebook_html)?;
    Ok(codebook.rubric)
}

/// The digest of the file `rubric` was read from (0 when it is not among the corpus's).
pub fn rubric_digest(corpus: &Corpus, rubric: &Rubric) -> u64 {
    corpus
        .rubrics
        .iter()
        .find(|r| r.value.key() == rubric.key())
        .map_or(0, |r| r.digest)
}

/// Writes the data files, `scores.json` (stamped with the corpus digest, see
/// [`release`]) and `scores.csv`, into `out`, a piece at a time: at ten thousand cases
/// each is tens of megabytes.
pub fn data_files(scores: &Scores, corpus_digest: &str, out: &Output) -> Result<(), Error> {
    out.add_written("scores.json", |w| {
        crate::score::output::write_json_stamped(scores, Some(corpus_digest), w)
    })?;
    out.add_written("scores.csv", |w| crate::score::output::write_csv(scores, w))
}

/// Renders the page of each case — its score, the record it shows and, where the page
/// may be kept by a later run, the key of its inputs ([`write::Output::add_keyed`]) —
/// into `out`, in parallel.
pub fn case_pages<'c>(
    rubric: &Rubric,
    bibliography: &Bibliography,
    templates: &Templates,
    out: &Output,
    cases: impl ParallelIterator<Item = (&'c CaseScore, &'c CaseRecord, Option<u64>)>,
) -> Result<(), Error> {
    cases.try_for_each(|(case, record, key)| {
        let page = view::case_view(rubric, bibliography, case, record);
        let (md, html) = templates.both("case", &page)?;
        for (path, bytes) in [
            (view::case_page(&case.id, "md"), md),
            (view::case_page(&case.id, "html"), html),
        ] {
            match key {
                Some(key) => out.add_keyed(path, bytes, key)?,
                None => out.add(path, bytes)?,
            }
        }
        Ok(())
    })
}

/// Renders the audit page of each audit into `out`, in parallel; each audit is dropped
/// once its pages are rendered.
pub fn audit_pages(
    audits: Vec<crate::audit::Audit>,
    rubric: &view::RubricView,
    templates: &Templates,
    out: &Output,
) -> Result<(), Error> {
    audits
        .into_par_iter()
        .try_for_each(|audit| audit_page(&audit, rubric, templates, out))
}

/// Renders the audit page of one audit, in both formats, into `out`.
fn audit_page(
    audit: &crate::audit::Audit,
    rubric: &view::RubricView,
    templates: &Templates,
    out: &Output,
) -> Result<(), Error> {
    let page = view::audit_view(audit, rubric);
    out.add(
        view::audit_page(&audit.case.id, "md"),
        crate::audit::render::to_report_markdown(audit),
    )?;
    out.add(
        view::audit_page(&audit.case.id, "html"),
        templates.html("audit", &page)?,
    )
}
