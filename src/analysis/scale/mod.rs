//! Does the scale hold? For every criterion, over all cases of its rubric: the pairs of
//! indicators that break the rubric's order, and Loevinger's H of the criterion's
//! indicators with each indicator's H_i ([`mokken`]).
//!
//! A rubric orders each criterion's indicators by level: a lower level's indicators
//! should be met whenever a higher level's are. Whether that cumulative order holds in
//! the cases is an empirical question, and this analysis asks it of the corpus.
//!
//! **Responses.** Each case is one respondent and each indicator one item: `met` and
//! `unmet` are observed, `unknown` and `not-applicable` are not (silence is never a
//! response). A case coded by several coders counts once: its adjudicated coding when
//! one is marked, otherwise an indicator is observed only where every coder gives the
//! same `met` or `unmet` (a disagreement is not a response).
//!
//! **Too few cases.** H from fewer than [`MIN_CASES`] cases is shown but flagged as too
//! few to mean anything; H below Mokken's 0.3 ([`mokken::MOKKEN_THRESHOLD`]) is flagged
//! as not a scale. Neither flag changes a score: this is a check of the rubric against
//! the corpus, not of a case.

pub mod mokken;

use crate::corpus::model::{Rubric, Status};
use crate::corpus::validate::CaseRecord;
use crate::score::output::{EngineJson, RubricJson, align};
use mokken::{MOKKEN_THRESHOLD, loevinger, order_violations};
use serde::Serialize;
use std::collections::BTreeMap;

/// The fewest cases (with at least two indicators of the criterion observed) from which
/// thirdside reads H; below, the figure is shown and said to mean nothing yet. The
/// threshold is this project's choice: Mokken scale analysis is ordinarily done on
/// samples far larger.
pub const MIN_CASES: usize = 20;

/// One coding's statuses, every indicator of the rubric in order.
#[derive(Debug, Clone)]
struct Coding {
    statuses: Vec<Status>,
    adjudicated: bool,
}

/// The responses of the cases of one rubric, gathered one coding at a time (so a
/// streamed report can gather them as the records pass).
#[derive(Debug, Clone, Default)]
pub struct Collector {
    cases: BTreeMap<String, Vec<Coding>>,
}

impl Collector {
    /// Adds one coding; the caller gives the rubric it is coded against.
    pub fn add(&mut self, record: &CaseRecord) {
        let statuses = record
            .coding
            .iter()
            .flat_map(|c| c.statuses.iter().flatten().copied())
            .collect();
        self.cases
            .entry(record.id().to_string())
            .or_default()
            .push(Coding {
                statuses,
                adjudicated: record.case.coding.adjudicated,
            });
    }

    /// Each case's responses, cases by id ([`responses`]).
    fn responses(&self) -> Vec<Vec<Option<bool>>> {
        self.cases.values().map(|c| responses(c)).collect()
    }
}

/// A status as a response: `Some(true)` met, `Some(false)` unmet, `None` not observed.
fn observed(s: Status) -> Option<bool> {
    match s {
        Status::Met => Some(true),
        Status::Unmet => Some(false),
        Status::Unknown | Status::NotApplicable => None,
    }
}

/// One case's responses from its codings, one per indicator of the rubric in order:
/// the adjudicated coding's when one is marked, otherwise a response only where every
/// coder gives the same `met` or `unmet`.
fn responses(codings: &[Coding]) -> Vec<Option<bool>> {
    if let Some(adjudicated) = codings.iter().find(|c| c.adjudicated) {
        return adjudicated.statuses.iter().map(|s| observed(*s)).collect();
    }
    let width = codings.iter().map(|c| c.statuses.len()).max().unwrap_or(0);
    (0..width)
        .map(|k| {
            let mut answers = codings.iter().map(|c| c.statuses.get(k).copied());
            let first = answers.next().flatten().and_then(observed)?;
            answers
                .all(|a| a.and_then(observed) == Some(first))
                .then_some(first)
        })
        .collect()
}

/// A pair of indicators whose order cases break.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairViolation {
    /// The indicator of the lower level (unmet in those cases).
    pub lower: String,
    /// The indicator of the higher level (met in those cases).
    pub higher: String,
    /// How many cases.
    pub cases: u64,
}

/// An indicator's own H.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemH {
    /// The indicator id.
    pub id: String,
    /// H_i, or null when none of its pairs expects an error.
    pub h: Option<f64>,
}

/// What the analysis found for one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionScale {
    /// The criterion id.
    pub id: String,
    /// Its rule (`cumulative`, `highest` or `count`).
    pub rule: &'static str,
    /// The pairs of indicators that cases break (lower level unmet, higher met), in the
    /// rubric's order.
    pub order_violations: Vec<PairViolation>,
    /// Loevinger's H, rounded to three decimals, or null when undefined.
    pub h: Option<f64>,
    /// Each indicator's H_i, in the rubric's order.
    pub items: Vec<ItemH>,
    /// The cases with at least two of its indicators observed.
    pub cases_used: usize,
    /// True when `cases_used` is below [`MIN_CASES`]: the figures mean nothing yet.
    pub too_few_cases: bool,
    /// True when H is defined and below Mokken's 0.3.
    pub below_threshold: bool,
}

/// The analysis of every criterion of a rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    /// Cases of the rubric (each counted once).
    pub cases: usize,
    /// One per criterion, in the rubric's order.
    pub criteria: Vec<CriterionScale>,
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Runs the analysis on the cases gathered for `rubric`.
pub fn scale(rubric: &Rubric, collected: &Collector) -> Scale {
    let responses = collected.responses();
    let mut offset = 0;
    let criteria = rubric
        .criteria
        .get_ref()
        .iter()
        .map(|criterion| {
            let indicators: Vec<(usize, String)> = criterion
                .indicators()
                .map(|(level, i)| (level, i.id.get_ref().clone()))
                .collect();
            let rows: Vec<Vec<Option<bool>>> = (0..indicators.len())
                .map(|k| {
                    responses
                        .iter()
                        .map(|case| case.get(offset + k).copied().flatten())
                        .collect()
                })
                .collect();
            offset += indicators.len();
            let items: Vec<&[Option<bool>]> = rows.iter().map(Vec::as_slice).collect();
            let levels: Vec<usize> = indicators.iter().map(|(l, _)| *l).collect();
            let l = loevinger(&items);
            let cases_used = (0..responses.len())
                .filter(|c| rows.iter().filter(|r| r[*c].is_some()).count() >= 2)
                .count();
            let h = l.h.map(r3);
            CriterionScale {
                id: criterion.id.get_ref().clone(),
                rule: criterion.rule.as_str(),
                order_violations: order_violations(&items, &levels)
                    .into_iter()
                    .map(|v| PairViolation {
                        lower: indicators[v.lower].1.clone(),
                        higher: indicators[v.higher].1.clone(),
                        cases: v.count,
                    })
                    .collect(),
                h,
                items: indicators
                    .iter()
                    .zip(&l.items)
                    .map(|((_, id), h)| ItemH {
                        id: id.clone(),
                        h: h.map(r3),
                    })
                    .collect(),
                cases_used,
                too_few_cases: cases_used < MIN_CASES,
                below_threshold: h.is_some_and(|h| h < MOKKEN_THRESHOLD),
            }
        })
        .collect();
    Scale {
        cases: responses.len(),
        criteria,
    }
}

fn fmt_h(h: Option<f64>) -> String {
    h.map_or_else(|| "n/a".to_string(), |h| format!("{h:.3}"))
}

/// What a criterion's figures say, in a few words.
fn verdict(c: &CriterionScale) -> String {
    let mut words = Vec::new();
    if c.too_few_cases {
        words.push(format!("too few cases (fewer than {MIN_CASES})"));
    }
    match c.h {
        None => words.push("H undefined".to_string()),
        Some(_) if c.below_threshold => words.push("below 0.3: not a scale".to_string()),
        Some(_) => {}
    }
    if words.is_empty() {
        "holds".to_string()
    } else {
        words.join("; ")
    }
}

/// The table rows: criterion, rule, cases, H, order violations, verdict.
pub fn rows(s: &Scale) -> Vec<Vec<String>> {
    let mut out = vec![
        ["criterion", "rule", "cases", "H", "order broken", "verdict"]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    ];
    for c in &s.criteria {
        let broken: u64 = c.order_violations.iter().map(|v| v.cases).sum();
        out.push(vec![
            c.id.clone(),
            c.rule.to_string(),
            c.cases_used.to_string(),
            fmt_h(c.h),
            format!(
                "{} {}, {broken} {}",
                c.order_violations.len(),
                if c.order_violations.len() == 1 {
                    "pair"
                } else {
                    "pairs"
                },
                if broken == 1 { "time" } else { "times" }
            ),
            verdict(c),
        ]);
    }
    out
}

/// How to read the analysis, in sentences.
pub const HOW_TO_READ: &str = "Each case is a respondent and each indicator an item; met and unmet are observed, unknown and not-applicable are not. Order broken counts the pairs of indicators (and the times, over cases) where a lower level's indicator is unmet while a higher level's is met. H is Loevinger's coefficient as in Mokken scale analysis: for each pair of indicators, over the cases where both are observed, the easier is the one met more often, an error is the easier unmet while the harder is met, and H = 1 − observed / expected errors (n · (1 − p easy) · p hard) over all pairs; 1 is a perfect cumulative order, 0 no more order than chance. Below 0.3 (Mokken's threshold) the indicators do not form a scale, and a cumulative rule is not supported; under the highest or count rule no order is assumed.";

/// The sentence that says when the figures mean nothing yet.
fn too_few_sentence(s: &Scale) -> Option<String> {
    let few = s.criteria.iter().filter(|c| c.too_few_cases).count();
    (few > 0).then(|| {
        if few == s.criteria.len() {
            format!(
                "With {} cases there are too few for these figures to mean anything (thirdside reads H from {MIN_CASES} cases up): they are shown so that a growing corpus can be watched, not to judge the rubric.",
                s.cases
            )
        } else {
            format!(
                "{few} of {} criteria have fewer than {MIN_CASES} cases with two indicators observed: their figures do not mean anything yet.",
                s.criteria.len()
            )
        }
    })
}

/// `thirdside scale` for people.
pub fn to_text(rubric: &Rubric, s: &Scale) -> String {
    let mut out = format!(
        "Rubric {} {} — does each criterion's order of indicators hold across {} cases?\n\n",
        rubric.id.get_ref(),
        rubric.version,
        s.cases
    );
    out.push_str(&align(&rows(s)));
    out.push('\n');
    for c in &s.criteria {
        let items: Vec<String> = c
            .items
            .iter()
            .map(|i| format!("{} {}", i.id, fmt_h(i.h)))
            .collect();
        out.push_str(&format!("{}: H_i {}\n", c.id, items.join(", ")));
        for v in &c.order_violations {
            out.push_str(&format!(
                "  {} unmet while {} met: {} {}\n",
                v.lower,
                v.higher,
                v.cases,
                if v.cases == 1 { "case" } else { "cases" }
            ));
        }
    }
    out.push('\n');
    out.push_str(HOW_TO_READ);
    out.push('\n');
    if let Some(sentence) = too_few_sentence(s) {
        out.push_str(&sentence);
        out.push('\n');
    }
    out
}

/// The report's short note on scale validity: one sentence per finding that matters,
/// and how to read it.
pub fn report_note(s: &Scale) -> Vec<String> {
    let mut out = Vec::new();
    let summary: Vec<String> = s
        .criteria
        .iter()
        .map(|c| {
            let broken: u64 = c.order_violations.iter().map(|v| v.cases).sum();
            format!(
                "{} H {} ({} cases; order broken {broken} {})",
                c.id,
                fmt_h(c.h),
                c.cases_used,
                if broken == 1 { "time" } else { "times" }
            )
        })
        .collect();
    out.push(format!(
        "Scale validity (thirdside scale): {}.",
        summary.join("; ")
    ));
    let below: Vec<&str> = s
        .criteria
        .iter()
        .filter(|c| c.below_threshold && !c.too_few_cases)
        .map(|c| c.id.as_str())
        .collect();
    if !below.is_empty() {
        out.push(format!(
            "Below Mokken's 0.3, so not a scale on this corpus: {}.",
            below.join(", ")
        ));
    }
    if let Some(sentence) = too_few_sentence(s) {
        out.push(sentence);
    }
    out.push(HOW_TO_READ.to_string());
    out
}

/// `thirdside scale --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct ScaleJson<'a> {
    /// The engine.
    pub engine: EngineJson,
    /// The rubric.
    pub rubric: RubricJson,
    /// Cases of the rubric, each counted once.
    pub cases: usize,
    /// The fewest cases from which H is read.
    pub min_cases: usize,
    /// Mokken's threshold.
    pub threshold: f64,
    /// One per criterion.
    pub criteria: &'a [CriterionScale],
}

/// Pretty JSON with a final newline.
pub fn to_json(rubric: &Rubric, s: &Scale) -> String {
    let view = ScaleJson {
        engine: EngineJson::current(),
        rubric: RubricJson {
            id: rubric.id.get_ref().clone(),
            version: rubric.version.clone(),
            title: rubric.title.clone(),
        },
        cases: s.cases,
        min_cases: MIN_CASES,
        threshold: MOKKEN_THRESHOLD,
        criteria: &s.criteria,
    };
    let mut out =
        serde_json::to_string_pretty(&view).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Met, NotApplicable, Unknown, Unmet};

    fn coding(statuses: &[Status], adjudicated: bool) -> Coding {
        Coding {
            statuses: statuses.to_vec(),
            adjudicated,
        }
    }

    #[test]
    fn silence_is_not_a_response() {
        let one = [coding(&[Met, Unmet, Unknown, NotApplicable], false)];
        assert_eq!(responses(&one), vec![Some(true), Some(false), None, None]);
    }

    #[test]
    fn coders_give_a_response_only_where_they_agree() {
        let two = [
            coding(&[Met, Unmet, Met, Unknown], false),
            coding(&[Met, Unmet, Unmet, Unknown], false),
        ];
        assert_eq!(responses(&two), vec![Some(true), Some(false), None, None]);
    }

    #[test]
    fn an_adjudicated_coding_replaces_the_others() {
        let two = [
            coding(&[Met, Unmet], false),
            coding(&[Unmet, Unknown], true),
        ];
        assert_eq!(responses(&two), vec![Some(false), None]);
    }
}
