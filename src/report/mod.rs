//! `thirdside report`: the comparative report, a page per case, the chart, the codebook
//! and the data files, rendered in memory from the scores and written atomically.
//!
//! Flow: [`crate::score::Scores`] → view models ([`view`]) → templates ([`templates`])
//! and the chart ([`svg`]) → an [`write::Output`] (in memory, staged on disk, or
//! compared with the files there) → [`write::write`] or [`write::stale`]. Nothing here
//! scores or validates.

pub mod analysis;
pub mod escape;
pub mod svg;
pub mod templates;
pub mod view;
pub mod write;

use crate::error::Error;
use crate::model::{Kind, Rubric};
use crate::score::{CaseScore, Scores};
use crate::validate::Corpus;
use rayon::prelude::*;
use templates::Templates;
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
    pub policy: Option<crate::policy::Policy>,
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
    let scores = crate::score::score(corpus, rubric);
    let extra = Extra {
        policy: crate::embedded::default_policy(rubric)
            .and_then(Result::ok)
            .map(|(policy, _)| policy),
        ..analysis::extra(&scores)?
    };
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
    let efforts: Vec<&CaseScore> = scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort)
        .collect();
    let initiatives: Vec<&CaseScore> = scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Initiative)
        .collect();
    let criteria = view::criteria_views(rubric, bibliography);
    let names: Vec<(String, String)> = criteria
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let labels: Vec<(String, String)> = efforts
        .iter()
        .map(|e| (e.start.year.to_string(), e.title.clone()))
        .collect();
    let chart = svg::chart(
        &format!("{}: progression across the efforts", rubric.title),
        &labels,
        &svg::series(&names, &efforts),
    );
    let records = view::Records::new(corpus);
    let observations: usize = scores
        .cases
        .iter()
        .filter_map(|c| records.of(c))
        .map(|r| {
            r.coding
                .iter()
                .flat_map(|c| c.statuses.iter().flatten())
                .count()
        })
        .sum();
    let unknown: usize = scores
        .cases
        .iter()
        .flat_map(|c| &c.criteria)
        .map(|c| c.unknown)
        .sum();
    let index = IndexView {
        rubric: view::rubric_view(rubric, bibliography),
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
        criteria: criteria.clone(),
        efforts: efforts
            .iter()
            .map(|c| view::row_view(c, records.of(c)))
            .collect(),
        initiatives: initiatives
            .iter()
            .map(|c| view::row_view(c, records.of(c)))
            .collect(),
        chart: chart.clone(),
        progression: view::progression(rubric, corpus, &records, &efforts),
        progression_note: view::progression_note(efforts.len()),
        overrides: view::overrides(rubric, scores),
        unknowns: format!(
            "{unknown} of {observations} indicator observations are unknown, because the sources are silent on them."
        ),
        analysis_md: extra.markdown.clone(),
        analysis_html: extra.html.clone(),
        bibliography: view::bibliography_views(bibliography),
    };
    let (index_md, index_html) = templates.both("index", &index)?;
    out.add("index.md", index_md)?;
    out.add("index.html", index_html)?;
    out.add("progression.svg", chart)?;
    out.add("scores.json", crate::score_output::to_json(scores))?;
    out.add("scores.csv", crate::score_output::to_csv(scores))?;
    let codebook = CodebookView {
        rubric: index.rubric.clone(),
        engine_version: index.engine_version.clone(),
        criteria,
        bibliography: index.bibliography.clone(),
    };
    out.add("codebook.md", templates.markdown("codebook", &codebook)?)?;
    // Case pages are independent of each other: rendered and added in parallel.
    scores.cases.par_iter().try_for_each(|case| {
        let Some(record) = records.of(case) else {
            return Ok(());
        };
        let page = view::case_view(rubric, corpus, case, record);
        let (md, html) = templates.both("case", &page)?;
        out.add(view::case_page(&case.id, "md"), md)?;
        out.add(view::case_page(&case.id, "html"), html)
    })?;
    let options = crate::audit::Options {
        policy: extra.policy.as_ref(),
        fail_under: None,
    };
    crate::audit::audit_initiatives(corpus, rubric, &options)?
        .par_iter()
        .try_for_each(|audit| {
            let page = view::audit_view(audit, &index);
            out.add(
                view::audit_page(&audit.case.id, "md"),
                crate::audit_output::to_markdown(audit),
            )?;
            out.add(
                view::audit_page(&audit.case.id, "html"),
                templates.html("audit", &page)?,
            )
        })?;
    Ok(out)
}
