//! View models: everything a report template shows, already computed and formatted.
//!
//! Templates hold layout, not logic, so every number reaches them here as a string, every
//! list is in display order, and every choice ("is this interval open?") is a boolean.
//! Text from case and rubric files is passed as it is; the templates' escaping makes it
//! inert. Nothing here writes files or renders templates.

use crate::corpus::model::{
    Bibliography, Case, CodedContext, Criterion, Kind, Rubric, Rule, Status,
};
use crate::corpus::validate::CaseRecord;
use crate::report::templating::escape::linkable;
use crate::score::output::fmt1;
use crate::score::{CaseScore, CriterionScore, Interval, Scores};
use serde::Serialize;

/// The rubric, as shown at the top of every page.
#[derive(Debug, Clone, Serialize)]
pub struct RubricView {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Description, or empty.
    pub description: String,
    /// Why the weights are what they are, or empty.
    pub weights_rationale: String,
    /// Citations of the rubric's sources.
    pub sources: Vec<String>,
    /// What identifies the inputs of the page, for its footer: the corpus digest on the
    /// pages about the whole corpus, the case file's digest on a case page (which depends
    /// on that file, the rubric and the bibliography only); empty when not known.
    pub stamp: String,
}

/// A criterion in a table header or the codebook.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The question it asks.
    pub question: String,
    /// Why it matters, or empty.
    pub rationale: String,
    /// The weight, as written.
    pub weight: String,
    /// The weight's share of the total, as a percentage.
    pub weight_share: String,
    /// The sin it guards against, or empty.
    pub sin: String,
    /// The UN Guidance fundamental, or empty.
    pub un_fundamental: String,
    /// Guidance for a low score.
    pub guidance: String,
    /// The rule, as written.
    pub rule: String,
    /// The top level.
    pub top: String,
    /// Citations of its sources.
    pub sources: Vec<String>,
    /// Its levels, lowest first.
    pub levels: Vec<LevelView>,
}

/// One level of a scale, for the codebook.
#[derive(Debug, Clone, Serialize)]
pub struct LevelView {
    /// Level number.
    pub number: String,
    /// Label.
    pub label: String,
    /// Descriptor.
    pub descriptor: String,
    /// Its indicators.
    pub indicators: Vec<IndicatorHead>,
}

/// An indicator, for the codebook.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorHead {
    /// Id.
    pub id: String,
    /// Statement.
    pub text: String,
}

/// One score cell: a level (or total) with its interval and marks.
#[derive(Debug, Clone, Serialize)]
pub struct CellView {
    /// The level, or the total's score.
    pub value: String,
    /// The level's label (empty for totals).
    pub label: String,
    /// The score on 0–100.
    pub score: String,
    /// "1–3" when the interval is open, else empty.
    pub interval: String,
    /// True when unknowns leave the interval open.
    pub open: bool,
    /// True when the coder overrode the derived level.
    pub overridden: bool,
    /// The whole cell as plain text: `2`, `1 [1–3]`, `0*`.
    pub text: String,
}

/// One case in a comparative table.
#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// `effort` or `initiative`.
    pub kind: String,
    /// Start date.
    pub start: String,
    /// "2014-04 – 2014-05-13" or "2019-02-06 –".
    pub dates: String,
    /// Link to the HTML case page, relative to the index.
    pub href_html: String,
    /// Link to the Markdown case page, relative to the index.
    pub href_md: String,
    /// Link to the HTML audit page, or empty.
    pub audit_html: String,
    /// Link to the Markdown audit page, or empty.
    pub audit_md: String,
    /// Who coded it.
    pub coder: String,
    /// The total.
    pub total: CellView,
    /// One cell per criterion.
    pub cells: Vec<CellView>,
    /// The coded results and context factors, in [`CONTEXT_HEADINGS`]' order.
    pub context: Vec<String>,
}

/// The headings of the context-and-results table, in [`RowView::context`]'s order.
pub const CONTEXT_HEADINGS: [&str; 8] = [
    "Agreement",
    "Implementation (PAM 0–3)",
    "Government's alternative",
    "Opposition's alternative",
    "Government's allies",
    "Opposition's allies",
    "Spoilers",
    "Ripeness",
];

/// A case's coded results and context factors as table cells
/// ([`CONTEXT_HEADINGS`]); implementation carries its PAM level.
pub fn context_cells(context: &CodedContext) -> Vec<String> {
    let r = &context.results;
    let implementation = match r.implementation_level() {
        Some(n) => format!("{} ({n})", r.implementation),
        None => r.implementation.to_string(),
    };
    [r.agreement.to_string(), implementation]
        .into_iter()
        .chain(context.readings().map(|f| f.reading.to_string()))
        .collect()
}

/// One coded context factor or result on a case page.
#[derive(Debug, Clone, Serialize)]
pub struct CodedView<'a> {
    /// What is coded.
    pub heading: &'static str,
    /// The question it answers.
    pub question: &'static str,
    /// The reading.
    pub reading: String,
    /// The coder's note, or empty.
    pub note: String,
    /// The evidence behind it.
    pub evidence: Vec<EvidenceView<'a>>,
}

/// A case's coded results and context factors, with their evidence, for its page;
/// empty when the case codes none.
pub fn coded_views<'a>(
    case: &'a Case,
    context: &CodedContext,
    bibliography: &'a Bibliography,
) -> Vec<CodedView<'a>> {
    if *context == CodedContext::default() {
        return Vec::new();
    }
    let cells = context_cells(context);
    let r = &context.results;
    let results = [
        (
            "Was an agreement reached (none, partial, comprehensive)?",
            r,
        ),
        (
            "How far was it implemented (PAM: none 0, minimal 1, intermediate 2, full 3)?",
            r,
        ),
    ]
    .into_iter()
    .map(|(question, r)| (question, r.note.clone(), r.evidence.clone()));
    let factors = context
        .readings()
        .map(|f| (f.factor.question(), f.note, f.evidence));
    CONTEXT_HEADINGS
        .iter()
        .zip(cells)
        .zip(results.chain(factors))
        .map(
            |((heading, reading), (question, note, evidence))| CodedView {
                heading,
                question,
                reading,
                note,
                evidence: evidence_views(
                    case,
                    evidence
                        .iter()
                        .filter_map(|id| case.evidence(id).map(|e| e.id.get_ref().as_str())),
                    bibliography,
                    "",
                ),
            },
        )
        .collect()
}

/// A piece of evidence, fully resolved.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView<'a> {
    /// The case it belongs to.
    pub case: &'a str,
    /// Its id.
    pub id: &'a str,
    /// The claim.
    pub claim: &'a str,
    /// The quotation, or empty.
    pub quote: &'a str,
    /// The source key.
    pub source_key: &'a str,
    /// "Smilde and Ramsey 2020".
    pub source: &'a str,
    /// Locator.
    pub locator: &'a str,
    /// The source's own citation, or empty.
    pub cites: &'a str,
    /// The folder of the case pages relative to the page showing the record: `cases/`
    /// from the comparative report, empty from a case page; the record's own entry is
    /// at `{base}{case}.html#evidence-{id}`.
    pub base: &'static str,
}

/// How one criterion changed between two consecutive efforts.
#[derive(Debug, Clone, Serialize)]
pub struct StepView<'a> {
    /// Earlier effort's title.
    pub from: String,
    /// Later effort's title.
    pub to: String,
    /// Earlier level with label: "1 (Aware)".
    pub from_level: String,
    /// Later level with label.
    pub to_level: String,
    /// "+1", "−2" or "0" for a step the intervals establish; for one they do not, the
    /// change on the evidence recorded, said to be not established.
    pub change: String,
    /// `up` or `down` for an established rise or decline, else `same`.
    pub direction: String,
    /// Indicators whose status differs between the two, with the evidence on each side.
    pub indicators: Vec<IndicatorChange<'a>>,
}

/// An indicator whose status changed between two efforts.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorChange<'a> {
    /// The statement.
    pub text: &'a str,
    /// Status in the earlier effort.
    pub from_status: String,
    /// Status in the later effort.
    pub to_status: String,
    /// Evidence the earlier effort cites for it.
    pub from_evidence: Vec<EvidenceView<'a>>,
    /// Evidence the later effort cites for it.
    pub to_evidence: Vec<EvidenceView<'a>>,
}

/// The progression of one criterion across the efforts.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressionView<'a> {
    /// Criterion id.
    pub id: String,
    /// Criterion name.
    pub name: String,
    /// Levels in time order: "1 → 1 → 2 → 3".
    pub path: String,
    /// One step per consecutive pair.
    pub steps: Vec<StepView<'a>>,
}

/// An override, listed where a reader of the index can see it.
#[derive(Debug, Clone, Serialize)]
pub struct OverrideView {
    /// Case title.
    pub case: String,
    /// Criterion name.
    pub criterion: String,
    /// Level assigned.
    pub level: String,
    /// Level derived.
    pub derived_level: String,
    /// Why.
    pub justification: String,
}

/// A bibliography entry.
#[derive(Debug, Clone, Serialize)]
pub struct WorkView {
    /// Key.
    pub key: String,
    /// Full citation.
    pub citation: String,
    /// URL, only when it is http or https; else empty.
    pub url: String,
}

/// The comparative report.
#[derive(Debug, Clone, Serialize)]
pub struct IndexView<'a> {
    /// The rubric.
    pub rubric: RubricView,
    /// The engine's version.
    pub engine_version: String,
    /// Criteria in rubric order.
    pub criteria: Vec<CriterionView>,
    /// Past efforts in time order.
    pub efforts: Rows<'a>,
    /// Initiatives in time order.
    pub initiatives: Rows<'a>,
    /// The headings of the context-and-results table ([`CONTEXT_HEADINGS`]).
    pub context_headings: Vec<&'static str>,
    /// True when some case codes a context factor or a result.
    pub context_coded: bool,
    /// The progression chart, an SVG element (already escaped).
    pub chart: String,
    /// The sentences the report opens with ([`key_findings`]).
    pub key_findings: Vec<String>,
    /// Per criterion, what changed from one effort to the next.
    pub progression: Vec<ProgressionView<'a>>,
    /// Why the steps are left out, when there are too many efforts; empty otherwise.
    pub progression_note: String,
    /// The line naming the files the trend leaves out ([`crate::analysis::trend::TrendInput::line`]),
    /// empty when it leaves none out.
    pub trend_left_out: String,
    /// Every override.
    pub overrides: Vec<OverrideView>,
    /// "14 of 150 indicator observations are unknown."
    pub unknowns: String,
    /// Sections added by analyses (trend, sensitivity), rendered already.
    pub analysis_md: String,
    /// The same sections as HTML (already escaped).
    pub analysis_html: String,
    /// Every work cited.
    pub bibliography: Vec<WorkView>,
}

/// What a case page says of a case whose file is a scaffold with placeholders left
/// ([`CaseView::scaffold`]).
fn scaffold_note(record: &CaseRecord) -> &'static str {
    if crate::analysis::trend::leaves_out(record) {
        "This case file is a scaffold of `thirdside new` with placeholders left: its levels are the scaffold's, not yet coded from the sources, and the trend, the chart and the key findings leave it out until the placeholders are replaced (`thirdside check` lists them)."
    } else if record.scaffold {
        "This case file is a scaffold of `thirdside new` with placeholders left: its levels are the scaffold's, not yet coded from the sources (`thirdside check` lists the placeholders)."
    } else {
        ""
    }
}

/// The page of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView<'a> {
    /// The rubric.
    pub rubric: RubricView,
    /// The engine's version.
    pub engine_version: &'static str,
    /// The case's row (id, title, dates, total, cells).
    pub row: RowView,
    /// Conflict.
    pub conflict: &'a str,
    /// Mediators, joined.
    pub mediators: String,
    /// Parties, joined.
    pub parties: String,
    /// Host, or empty.
    pub host: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Outcome.
    pub outcome: &'a str,
    /// Strategy.
    pub strategy: &'a str,
    /// Why that strategy, or empty.
    pub strategy_note: &'a str,
    /// Coding note, or empty.
    pub coding_note: &'a str,
    /// Coding date.
    pub coded: &'a str,
    /// Context entries: label and text.
    pub context: Vec<LabelledText<'a>>,
    /// Evidence behind the context.
    pub context_evidence: Vec<EvidenceView<'a>>,
    /// The coded results and context factors.
    pub coded_context: Vec<CodedView<'a>>,
    /// Criteria in rubric order.
    pub criteria: Vec<CriterionDetail<'a>>,
    /// Every evidence record of the case, in file order, each once (the anchors the
    /// evidence ids link to).
    pub evidence: Vec<EvidenceView<'a>>,
    /// When its file is a scaffold of `thirdside new` with placeholders left, a
    /// sentence saying so (and, for an effort, that the trend leaves it out); else empty.
    pub scaffold: &'static str,
}

/// A labelled piece of text.
#[derive(Debug, Clone, Serialize)]
pub struct LabelledText<'a> {
    /// Label.
    pub label: &'a str,
    /// Text.
    pub text: &'a str,
}

/// A criterion on a case page.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionDetail<'a> {
    /// Id.
    pub id: &'a str,
    /// Name.
    pub name: &'a str,
    /// The question.
    pub question: &'a str,
    /// The level cell.
    pub cell: CellView,
    /// The top level.
    pub top: String,
    /// The descriptor of the level reached when it is established; otherwise what the
    /// evidence does and does not establish.
    pub descriptor: String,
    /// The override's justification, or empty.
    pub justification: &'a str,
    /// The derived level when overridden, or empty.
    pub derived_level: String,
    /// Every indicator with its status and evidence.
    pub indicators: Vec<IndicatorView<'a>>,
}

/// An indicator on a case page.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView<'a> {
    /// The level it is listed under, with its label (the number alone under a count
    /// rule, whose labels are counts).
    pub level: String,
    /// Id.
    pub id: &'a str,
    /// Statement.
    pub text: &'a str,
    /// `met`, `unmet`, `unknown` or `not-applicable`.
    pub status: &'static str,
    /// For a met indicator the level does not reflect, why it is not counted; else
    /// empty.
    pub uncounted: String,
    /// The coder's note, or empty.
    pub note: &'a str,
    /// The evidence cited.
    pub evidence: Vec<EvidenceView<'a>>,
}

/// The codebook.
#[derive(Debug, Clone, Serialize)]
pub struct CodebookView {
    /// The rubric.
    pub rubric: RubricView,
    /// The engine's version.
    pub engine_version: String,
    /// Criteria with their scales.
    pub criteria: Vec<CriterionView>,
    /// Every work cited.
    pub bibliography: Vec<WorkView>,
}

/// "Smilde and Ramsey 2020", or the key when the work is unknown.
pub fn short_citation(bibliography: &Bibliography, key: &str) -> String {
    bibliography.short_citation(key).unwrap_or(key).to_string()
}

/// The rubric's header view.
pub fn rubric_view(rubric: &Rubric, bibliography: &Bibliography) -> RubricView {
    RubricView {
        id: rubric.id.get_ref().clone(),
        version: rubric.version.clone(),
        title: rubric.title.clone(),
        description: rubric.description.clone().unwrap_or_default(),
        weights_rationale: rubric.weights_rationale.clone().unwrap_or_default(),
        sources: rubric
            .sources
            .iter()
            .map(|k| short_citation(bibliography, k.get_ref()))
            .collect(),
        stamp: String::new(),
    }
}

/// The rubric's view on the pages about the whole corpus, stamped with its digest.
pub fn page_rubric(
    rubric: &Rubric,
    bibliography: &Bibliography,
    corpus_digest: &str,
) -> RubricView {
    RubricView {
        stamp: format!("corpus digest {corpus_digest}"),
        ..rubric_view(rubric, bibliography)
    }
}

/// Every criterion's header and scale.
pub fn criteria_views(rubric: &Rubric, bibliography: &Bibliography) -> Vec<CriterionView> {
    let criteria = rubric.criteria.get_ref();
    let total_weight: f64 = criteria.iter().map(|c| *c.weight.get_ref()).sum();
    criteria
        .iter()
        .map(|c| criterion_view(c, total_weight, bibliography))
        .collect()
}

fn criterion_view(c: &Criterion, total_weight: f64, bibliography: &Bibliography) -> CriterionView {
    let weight = *c.weight.get_ref();
    CriterionView {
        id: c.id.get_ref().clone(),
        name: c.name.clone(),
        question: c.question.clone(),
        rationale: c.rationale.clone().unwrap_or_default(),
        weight: format!("{weight}"),
        weight_share: if total_weight > 0.0 {
            format!("{:.0}%", 100.0 * weight / total_weight)
        } else {
            String::new()
        },
        sin: c.sin.map(|s| s.as_str().to_string()).unwrap_or_default(),
        un_fundamental: c
            .un_fundamental
            .map(|u| u.as_str().to_string())
            .unwrap_or_default(),
        guidance: c.guidance.clone(),
        rule: c.rule.as_str().to_string(),
        top: c.top_level().to_string(),
        sources: c
            .sources
            .iter()
            .map(|k| short_citation(bibliography, k.get_ref()))
            .collect(),
        levels: c
            .levels
            .get_ref()
            .iter()
            .enumerate()
            .map(|(n, l)| LevelView {
                number: n.to_string(),
                label: l.label.clone(),
                descriptor: l.descriptor.clone(),
                indicators: l
                    .indicators
                    .iter()
                    .map(|i| IndicatorHead {
                        id: i.id.get_ref().clone(),
                        text: i.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A criterion's cell.
pub fn level_cell(c: &CriterionScore) -> CellView {
    let open = c.upper_level > c.lower_level;
    CellView {
        value: match (c.applicable, c.split) {
            (false, _) => "n/a".to_string(),
            (true, Some(high)) => format!("{}/{high}", c.level),
            (true, None) => c.level.to_string(),
        },
        label: c.label.clone(),
        score: fmt1(c.interval.score),
        interval: if open {
            format!("{}–{}", c.lower_level, c.upper_level)
        } else {
            String::new()
        },
        open,
        overridden: c.overridden.is_some(),
        text: crate::score::output::level_cell(c),
    }
}

/// A total's cell.
pub fn total_cell(t: &Interval) -> CellView {
    CellView {
        value: fmt1(t.score),
        label: String::new(),
        score: fmt1(t.score),
        interval: if t.is_open() {
            format!("{}–{}", fmt1(t.lower), fmt1(t.upper))
        } else {
            String::new()
        },
        open: t.is_open(),
        overridden: false,
        text: crate::score::output::total_cell(t),
    }
}

/// The path of a case page, relative to the report's root.
pub fn case_page(id: &str, ext: &str) -> String {
    format!("cases/{id}.{ext}")
}

/// The path of an audit page, relative to the report's root.
pub fn audit_page(id: &str, ext: &str) -> String {
    format!("audits/{id}.{ext}")
}

/// Cases' rows ([`RowView`]), made as they are serialized: the comparative report of
/// ten thousand cases never holds all its rows as views at once, only their data for
/// the templates.
#[derive(Debug, Clone)]
pub struct Rows<'a>(pub Vec<&'a CaseScore>);

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|score| row_view(score)))
    }
}

/// A case's row.
pub fn row_view(score: &CaseScore) -> RowView {
    let initiative = score.kind == Kind::Initiative;
    let dates = match &score.end {
        Some(end) => format!("{} – {end}", score.start),
        None => format!("{} –", score.start),
    };
    RowView {
        id: score.id.clone(),
        title: if score.combined {
            format!(
                "{} (codings by {} coders combined)",
                score.title,
                score.coders.len()
            )
        } else {
            score.title.clone()
        },
        kind: score.kind.as_str().to_string(),
        start: score.start.to_string(),
        dates,
        href_html: case_page(&score.id, "html"),
        href_md: case_page(&score.id, "md"),
        audit_html: if initiative {
            audit_page(&score.id, "html")
        } else {
            String::new()
        },
        audit_md: if initiative {
            audit_page(&score.id, "md")
        } else {
            String::new()
        },
        coder: if score.combined {
            format!(
                "{} (codings combined: median level, interval spanning the coders' bounds)",
                score.coder
            )
        } else {
            score.coder.clone()
        },
        total: total_cell(&score.total),
        cells: score.criteria.iter().map(level_cell).collect(),
        context: context_cells(&score.context),
    }
}

/// The number of indicator observations a case record holds.
pub fn observations(record: &CaseRecord) -> usize {
    record.observations()
}

/// The evidence records with these ids, resolved.
pub fn evidence_views<'a>(
    case: &'a Case,
    ids: impl IntoIterator<Item = &'a str>,
    bibliography: &'a Bibliography,
    base: &'static str,
) -> Vec<EvidenceView<'a>> {
    ids.into_iter()
        .filter_map(|id| case.evidence(id))
        .map(|e| {
            let key = e.source.get_ref();
            EvidenceView {
                case: case.id.get_ref(),
                id: e.id.get_ref(),
                claim: &e.claim,
                quote: e.quote.as_ref().map_or("", |q| q.get_ref()),
                source_key: key,
                source: bibliography.short_citation(key).unwrap_or(key),
                locator: &e.locator,
                cites: e.cites.as_deref().unwrap_or_default(),
                base,
            }
        })
        .collect()
}

/// The evidence ids a case cites for one indicator.
fn indicator_evidence<'a>(case: &'a Case, criterion: &str, indicator: &str) -> Vec<&'a str> {
    case.observations
        .get(criterion)
        .and_then(|o| o.get(indicator))
        .map(|o| o.evidence.iter().map(|e| e.get_ref().as_str()).collect())
        .unwrap_or_default()
}

/// The status and note a case records for one indicator.
/// What a case page says of a criterion's level: the level's descriptor when the level
/// is established; otherwise what the evidence does establish, never the descriptor of
/// a level the sources leave open.
pub fn descriptor(criterion: &Criterion, c: &CriterionScore) -> String {
    let levels = criterion.levels.get_ref();
    let of = |n: usize| levels.get(n).map_or("", |l| l.descriptor.as_str());
    let unknown = match c.unknown {
        1 => "1 indicator is unknown".to_string(),
        n => format!("{n} indicators are unknown"),
    };
    if !c.applicable {
        "Not applicable: no indicator of this criterion applies to the case.".to_string()
    } else if let Some(high) = c.split {
        format!(
            "Not established: the coders split between level {} and level {high}; the score is the mean of the two.",
            c.level
        )
    } else if c.established() {
        of(c.level).to_string()
    } else if c.level == 0 {
        format!(
            "Not established: the evidence recorded reaches no level of the scale, and {unknown}; the level lies between {} and {}.",
            c.lower_level, c.upper_level
        )
    } else {
        format!(
            "At least this, on the evidence recorded: {} The level lies between {} and {}; {unknown}.",
            of(c.lower_level.min(c.level)),
            c.lower_level,
            c.upper_level
        )
    }
}

/// Why a met indicator is not counted in its criterion's level, or empty when it is.
fn uncounted(
    criterion: &Criterion,
    case: &Case,
    c: &CriterionScore,
    level: usize,
    indicator: &str,
) -> String {
    if !c.blocked.iter().any(|b| b == indicator) {
        return String::new();
    }
    if c.overridden.is_some() {
        return format!("the coder's override sets level {}", c.level);
    }
    let cid = criterion.id.get_ref();
    match criterion.rule {
        Rule::Cumulative => {
            let stop = criterion
                .levels
                .get_ref()
                .iter()
                .enumerate()
                .skip(1)
                .find_map(|(n, l)| {
                    let holding: Vec<String> = l
                        .indicators
                        .iter()
                        .filter_map(|i| {
                            let (status, _) = indicator_status(case, cid, i.id.get_ref());
                            matches!(status, Status::Unknown | Status::Unmet).then(|| {
                                format!("{} (level {n}) is {}", i.id.get_ref(), status.as_str())
                            })
                        })
                        .collect();
                    (!holding.is_empty()).then(|| (n, holding.join(" and ")))
                });
            match stop {
                Some((n, why)) => format!("the cumulative rule stops at level {}: {why}", n - 1),
                None => format!("level {level} is above the level reached"),
            }
        }
        Rule::Highest | Rule::Count => {
            format!("level {level} is not wholly met on the evidence recorded")
        }
    }
}

fn indicator_status<'a>(case: &'a Case, criterion: &str, indicator: &str) -> (Status, &'a str) {
    case.observations
        .get(criterion)
        .and_then(|o| o.get(indicator))
        .map(|o| (o.status, o.note.as_deref().unwrap_or_default()))
        .unwrap_or((Status::Unknown, ""))
}

/// The case records by id and coder, to find the record behind a score.
pub struct Records<'a> {
    by_key: std::collections::HashMap<(&'a str, &'a str), &'a CaseRecord>,
}

impl<'a> Records<'a> {
    /// Indexes these case records (the first of each id and coder counts).
    pub fn new(records: impl IntoIterator<Item = &'a CaseRecord>) -> Self {
        let mut by_key = std::collections::HashMap::new();
        for r in records {
            by_key.entry((r.id(), r.coder())).or_insert(r);
        }
        Records { by_key }
    }

    /// The record a score was computed from; for a combined case, the first coder's.
    pub fn of(&self, score: &CaseScore) -> Option<&'a CaseRecord> {
        shown(score, |id, coder| self.by_key.get(&(id, coder)).copied())
    }
}

/// What `find` gives for the coding whose record a case's page shows, by case id and
/// coder: the score's own coding or, for a combined case, the first coder's (its
/// evidence is shown from that coder's file).
pub fn shown<T>(score: &CaseScore, find: impl Fn(&str, &str) -> Option<T>) -> Option<T> {
    find(&score.id, &score.coder).or_else(|| {
        score
            .coders
            .first()
            .and_then(|first| find(&score.id, first))
    })
}

fn level_with_label(c: &CriterionScore) -> String {
    format!("{} ({})", c.level, c.label)
}

pub use crate::analysis::trend::STEPS_MAX;

/// What the progression section says when there are too many efforts to tell step by
/// step; empty otherwise.
pub fn progression_note(efforts: usize) -> String {
    if efforts > STEPS_MAX {
        format!(
            "With {efforts} efforts the changes are not told step by step (that is done for at most {STEPS_MAX}); the chart shows every effort, and each case page its evidence."
        )
    } else {
        String::new()
    }
}

/// What changed, criterion by criterion, between consecutive efforts.
pub fn progression<'a>(
    rubric: &'a Rubric,
    bibliography: &'a Bibliography,
    records: &Records<'a>,
    efforts: &[&CaseScore],
) -> Vec<ProgressionView<'a>> {
    rubric
        .criteria
        .get_ref()
        .iter()
        .enumerate()
        .map(|(k, criterion)| {
            let cid = criterion.id.get_ref();
            let cells: Vec<String> = efforts
                .iter()
                .filter_map(|e| e.criteria.get(k))
                .map(crate::score::output::level_cell)
                .collect();
            let path = match cells.as_slice() {
                [first, .., last] if efforts.len() > STEPS_MAX => {
                    format!("{first} → … → {last} over {} efforts", efforts.len())
                }
                _ => cells.join(" → "),
            };
            // The steps are told only for a corpus small enough to read them.
            let told: &[&CaseScore] = if efforts.len() <= STEPS_MAX {
                efforts
            } else {
                &[]
            };
            let steps = told
                .windows(2)
                .filter_map(|pair| {
                    let (a, b) = (pair[0], pair[1]);
                    let (ca, cb) = (a.criteria.get(k)?, b.criteria.get(k)?);
                    let (ra, rb) = (records.of(a)?, records.of(b)?);
                    let delta = cb.level as i64 - ca.level as i64;
                    // A rise or a decline only when the two intervals do not overlap;
                    // otherwise the sources' silence could account for the change.
                    let sure = if cb.lower_level > ca.upper_level {
                        Some(true)
                    } else if cb.upper_level < ca.lower_level {
                        Some(false)
                    } else {
                        None
                    };
                    let indicators = criterion
                        .indicators()
                        .filter_map(|(_, indicator)| {
                            let iid = indicator.id.get_ref();
                            let (sa, _) = indicator_status(&ra.case, cid, iid);
                            let (sb, _) = indicator_status(&rb.case, cid, iid);
                            (sa != sb).then(|| IndicatorChange {
                                text: &indicator.text,
                                from_status: sa.as_str().to_string(),
                                to_status: sb.as_str().to_string(),
                                from_evidence: evidence_views(
                                    &ra.case,
                                    indicator_evidence(&ra.case, cid, iid),
                                    bibliography,
                                    "cases/",
                                ),
                                to_evidence: evidence_views(
                                    &rb.case,
                                    indicator_evidence(&rb.case, cid, iid),
                                    bibliography,
                                    "cases/",
                                ),
                            })
                        })
                        .collect();
                    Some(StepView {
                        from: a.title.clone(),
                        to: b.title.clone(),
                        from_level: level_with_label(ca),
                        to_level: level_with_label(cb),
                        change: match (delta, sure) {
                            // Held only when both levels are closed: with one open, the
                            // same level on the evidence recorded says nothing of a change.
                            (0, _) if ca.lower_level == ca.upper_level
                                && cb.lower_level == cb.upper_level =>
                            {
                                "0".to_string()
                            }
                            (0, _) => {
                                "0 on the evidence recorded; not established, the intervals overlap"
                                    .to_string()
                            }
                            (d, Some(_)) if d > 0 => format!("+{d}"),
                            (d, Some(_)) => format!("−{}", -d),
                            (d, None) if d > 0 => format!(
                                "+{d} on the evidence recorded; not established, the intervals overlap"
                            ),
                            (d, None) => format!(
                                "−{} on the evidence recorded; not established, the intervals overlap",
                                -d
                            ),
                        },
                        direction: match sure {
                            Some(true) => "up",
                            Some(false) => "down",
                            None => "same",
                        }
                        .to_string(),
                        indicators,
                    })
                })
                .collect();
            ProgressionView {
                id: cid.clone(),
                name: criterion.name.clone(),
                path,
                steps,
            }
        })
        .collect()
}

/// Every override in the scores.
pub fn overrides(rubric: &Rubric, scores: &Scores) -> Vec<OverrideView> {
    scores
        .cases
        .iter()
        .flat_map(|case| {
            case.criteria.iter().enumerate().filter_map(move |(k, c)| {
                c.overridden.as_ref().map(|o| OverrideView {
                    case: case.title.clone(),
                    criterion: rubric
                        .criteria
                        .get_ref()
                        .get(k)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    level: c.level.to_string(),
                    derived_level: o.derived_level.to_string(),
                    justification: o.justification.clone(),
                })
            })
        })
        .collect()
}

/// The bibliography, in key order.
pub fn bibliography_views(bibliography: &Bibliography) -> Vec<WorkView> {
    bibliography
        .in_order()
        .into_iter()
        .map(|(key, w)| {
            let url = w
                .url
                .as_ref()
                .map(|u| u.get_ref().clone())
                .filter(|u| linkable(u))
                .unwrap_or_default();
            WorkView {
                key: key.to_string(),
                citation: format!(
                    "{} ({}). {}. {}.",
                    w.authors.join("; "),
                    bibliography.year_label(key),
                    w.title.trim_end_matches('.'),
                    w.published.trim_end_matches('.')
                ),
                url,
            }
        })
        .collect()
}

/// The case page.
pub fn case_view<'a>(
    rubric: &'a Rubric,
    bibliography: &'a Bibliography,
    score: &'a CaseScore,
    record: &'a CaseRecord,
) -> CaseView<'a> {
    let case = &record.case;
    let mut context = Vec::new();
    let mut context_evidence = Vec::new();
    if let Some(c) = &case.context {
        for (label, text) in [
            (
                "The government's alternative to agreement",
                &c.government_alternative,
            ),
            (
                "The opposition's alternative to agreement",
                &c.opposition_alternative,
            ),
            ("Spoilers", &c.spoilers),
            ("International sponsors", &c.sponsors),
        ] {
            if let Some(text) = text {
                context.push(LabelledText { label, text });
            }
        }
        context_evidence = evidence_views(
            case,
            c.evidence.iter().map(|e| e.get_ref().as_str()),
            bibliography,
            "",
        );
    }
    let criteria = rubric
        .criteria
        .get_ref()
        .iter()
        .zip(&score.criteria)
        .map(|(criterion, c)| {
            let cid = criterion.id.get_ref();
            let levels = criterion.levels.get_ref();
            CriterionDetail {
                id: cid,
                name: &criterion.name,
                question: &criterion.question,
                cell: level_cell(c),
                top: criterion.top_level().to_string(),
                descriptor: descriptor(criterion, c),
                justification: c
                    .overridden
                    .as_ref()
                    .map_or("", |o| o.justification.as_str()),
                derived_level: c
                    .overridden
                    .as_ref()
                    .map(|o| o.derived_level.to_string())
                    .unwrap_or_default(),
                indicators: criterion
                    .indicators()
                    .map(|(n, indicator)| {
                        let iid = indicator.id.get_ref();
                        let (status, note) = indicator_status(case, cid, iid);
                        IndicatorView {
                            // Under a count rule the levels are counts ("One of the
                            // four"), not what one indicator shows: the number alone.
                            level: match (criterion.rule, levels.get(n)) {
                                (Rule::Count, _) | (_, None) => n.to_string(),
                                (_, Some(l)) => format!("{n} ({})", l.label),
                            },
                            id: iid,
                            text: &indicator.text,
                            status: status.as_str(),
                            uncounted: uncounted(criterion, case, c, n, iid),
                            note,
                            evidence: evidence_views(
                                case,
                                indicator_evidence(case, cid, iid),
                                bibliography,
                                "",
                            ),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    CaseView {
        rubric: RubricView {
            stamp: format!("case file digest {:016x}", record.digest),
            ..rubric_view(rubric, bibliography)
        },
        engine_version: env!("CARGO_PKG_VERSION"),
        row: row_view(score),
        conflict: &case.conflict,
        mediators: case.mediators.join("; "),
        parties: case.parties.join("; "),
        host: case.host.as_deref().unwrap_or_default(),
        summary: &case.summary,
        outcome: &case.outcome,
        strategy: case.strategy.as_str(),
        strategy_note: case.strategy_note.as_deref().unwrap_or_default(),
        coding_note: case.coding.note.as_deref().unwrap_or_default(),
        coded: case.coding.date.get_ref(),
        context,
        context_evidence,
        coded_context: coded_views(case, &score.context, bibliography),
        criteria,
        scaffold: scaffold_note(record),
        evidence: evidence_views(
            case,
            case.evidence.iter().map(|e| e.id.get_ref().as_str()),
            bibliography,
            "",
        ),
    }
}

/// An audit page: the audit and what the page shows around it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditPageView<'a> {
    /// The audit itself (its JSON contract).
    pub audit: &'a crate::audit::Audit,
    /// The rubric.
    pub rubric: RubricView,
    /// The engine's version.
    pub engine_version: String,
    /// "Passes the policy" or "Fails the policy".
    pub verdict: String,
    /// Where the total would rank among the past efforts, in words.
    pub rank: String,
    /// The unknowns, with their gain formatted.
    pub unknowns: Vec<UnknownView>,
}

/// An unknown indicator on an audit page.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownView {
    /// Criterion id.
    pub criterion: String,
    /// The level it gates.
    pub level: String,
    /// The statement.
    pub text: String,
    /// What it would add to the total if met.
    pub gain: String,
}

/// The audit page's view.
pub fn audit_view<'a>(audit: &'a crate::audit::Audit, rubric: &RubricView) -> AuditPageView<'a> {
    let rank = match &audit.rank {
        Some(r) => format!(
            "On its total it would rank {} of {} among the past efforts begun before it and itself ({} at its lower bound, {} at its upper bound).",
            crate::audit::render::ordinal(r.score),
            r.of,
            crate::audit::render::ordinal(r.lower),
            crate::audit::render::ordinal(r.upper)
        ),
        None => "There are no past efforts to rank it against.".to_string(),
    };
    AuditPageView {
        audit,
        rubric: rubric.clone(),
        engine_version: env!("CARGO_PKG_VERSION").to_string(),
        verdict: if audit.passed {
            "Passes the policy".to_string()
        } else {
            "Fails the policy".to_string()
        },
        rank,
        unknowns: audit
            .unknowns
            .iter()
            .map(|u| UnknownView {
                criterion: u.criterion.clone(),
                level: u.level.to_string(),
                text: u.text.clone(),
                gain: fmt1(u.gain),
            })
            .collect(),
    }
}

/// How many indicator observations of `scores` are unknown.
pub fn unknown_observations(scores: &Scores) -> usize {
    scores
        .cases
        .iter()
        .flat_map(|c| &c.criteria)
        .map(|c| c.unknown)
        .sum()
}

/// What the key findings say of one initiative's audit.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The initiative's title.
    pub title: String,
    /// True when it passes the policy.
    pub passed: bool,
    /// The first reason it fails, when it does.
    pub reason: Option<String>,
}

impl Verdict {
    /// The verdict of `audit`.
    pub fn of(audit: &crate::audit::Audit) -> Verdict {
        Verdict {
            title: audit.case.title.clone(),
            passed: audit.passed,
            reason: audit.failures.first().cloned(),
        }
    }
}

/// Initiatives whose verdicts the key findings name one by one; beyond, they count.
pub const VERDICTS_NAMED: usize = 5;

/// Criteria named in a key finding before the rest are counted.
const NAMED: usize = 6;

/// "a, b and c", or "a, b, … and 3 more".
fn and_list(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(NAMED).map(String::as_str).collect();
    let rest = items.len().saturating_sub(NAMED);
    match (shown.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => (*one).to_string(),
        (many, 0) => format!(
            "{} and {}",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        ),
        (many, rest) => format!("{} and {rest} more", many.join(", ")),
    }
}

/// The few sentences the comparative report opens with, generated from the data with
/// their numbers: the progression of the total and whether its rise holds, which
/// criteria rose or fell for sure and how many steps are not established, how much is
/// unknown, and each initiative's audit verdict with its main reason. Nothing here is
/// stated beyond what the intervals support. `efforts` are the trend's efforts, in time
/// order (without those it leaves out, [`crate::analysis::trend::TrendInput`]); what is unknown is
/// counted over every case of `scores`.
pub fn key_findings(
    scores: &Scores,
    efforts: &[&CaseScore],
    trend: Option<&crate::analysis::trend::Trend>,
    observations: usize,
    verdicts: &[Verdict],
) -> Vec<String> {
    use crate::analysis::trend::Sure;
    use std::fmt::Write as _;
    let mut out = Vec::new();
    match (efforts.first(), efforts.last(), trend) {
        (Some(first), Some(last), Some(t)) if efforts.len() >= 2 => {
            let cell = |c: &CaseScore| crate::score::output::total_cell(&c.total);
            let mut s = format!(
                "Across {} efforts from {} to {}, the total went from {} ({}) to {} ({}) out of 100.",
                efforts.len(),
                first.start.year,
                last.start.year,
                cell(first),
                first.title,
                cell(last),
                last.title,
            );
            let bounds = &t.total.bounds;
            let exact = if bounds.exact { "" } else { "at least " };
            match bounds.min {
                Some(min) if t.total.rise_holds() => {
                    let _ = write!(
                        s,
                        " The rise holds however the unknowns turn out: Kendall's tau is {exact}{min:.3} over every completion of them."
                    );
                }
                Some(min) => {
                    let _ = write!(
                        s,
                        " Whether it rose is not established: completed otherwise, the unknowns allow a tau as low as {exact}{min:.3}."
                    );
                }
                None => {}
            }
            out.push(s);
            let mut rose = Vec::new();
            let mut fell = Vec::new();
            let (mut open, mut all) = (0, 0);
            for series in &t.criteria {
                let steps = series.steps();
                all += steps.len();
                open += steps
                    .iter()
                    .filter(|s| s.sure == Sure::NotEstablished)
                    .count();
                if steps.iter().any(|s| s.sure == Sure::Rise) {
                    rose.push(series.id.clone());
                }
                if steps.iter().any(|s| s.sure == Sure::Decline) {
                    fell.push(series.id.clone());
                }
            }
            let rose = if rose.is_empty() {
                "No criterion rose for sure from one effort to the next".to_string()
            } else {
                format!("Rose for sure at some step: {}", and_list(&rose))
            };
            let fell = if fell.is_empty() {
                "none fell for sure".to_string()
            } else {
                format!("fell for sure at some step: {}", and_list(&fell))
            };
            out.push(format!(
                "{rose}; {fell}. {open} of the {all} steps between consecutive efforts are not established: the intervals overlap, so the sources do not say whether the level changed."
            ));
        }
        _ => out.push(format!(
            "{} effort{} coded: a progression needs at least two.",
            efforts.len(),
            if efforts.len() == 1 { " is" } else { "s are" }
        )),
    }
    let unknown = unknown_observations(scores);
    let levels: Vec<&crate::score::CriterionScore> = scores
        .cases
        .iter()
        .flat_map(|c| &c.criteria)
        .filter(|c| c.applicable)
        .collect();
    let not_established = levels.iter().filter(|c| !c.established()).count();
    let share = (100 * unknown + observations / 2)
        .checked_div(observations)
        .map(|p| format!(" ({p}%)"))
        .unwrap_or_default();
    out.push(format!(
        "{unknown} of {observations} indicator observations{share} are unknown because the sources are silent, which leaves {not_established} of {} criterion levels not established (shown as intervals, never as findings).",
        levels.len()
    ));
    // The results, when coded: what the efforts reached, beside their scores.
    let coded: Vec<&&CaseScore> = efforts
        .iter()
        .filter(|c| c.context.results.agreement != crate::corpus::model::context::UNKNOWN)
        .collect();
    if !coded.is_empty() {
        let count = |reading: &str| {
            coded
                .iter()
                .filter(|c| c.context.results.agreement == reading)
                .count()
        };
        out.push(format!(
            "Results, coded beside the scores and never folded into them: of the {} efforts whose outcome the sources record, {} reached no agreement, {} a partial one and {} a comprehensive one{}.",
            coded.len(),
            count("none"),
            count("partial"),
            count("comprehensive"),
            match efforts.len() - coded.len() {
                0 => String::new(),
                n => format!("; for {n} more the sources are silent"),
            }
        ));
    }
    if verdicts.len() <= VERDICTS_NAMED {
        for v in verdicts {
            out.push(match (&v.reason, v.passed) {
                (_, true) => format!("{} passes its audit against the policy.", v.title),
                (Some(reason), false) => format!(
                    "{} fails its audit: {}{}",
                    v.title,
                    reason,
                    if reason.ends_with('.') { "" } else { "." }
                ),
                (None, false) => format!("{} fails its audit.", v.title),
            });
        }
    } else {
        let passed = verdicts.iter().filter(|v| v.passed).count();
        out.push(format!(
            "{passed} of {} initiatives pass their audits against the policy; each audit page gives its reasons.",
            verdicts.len()
        ));
    }
    out
}
