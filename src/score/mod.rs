//! Scoring: observations → levels → criterion scores → a weighted total, each with the
//! interval that unknown observations leave open.
//!
//! Under the `cumulative` rule a criterion reaches level k when every indicator of levels
//! 1..=k is met. The **score** counts unknown indicators as unmet (the level on the
//! evidence recorded); **lower** counts every unknown unmet and **upper** every unknown
//! met. Criterion scores run from 0 to 100 (`100 × level / top level`); the total is the
//! mean weighted by the rubric's weights. A coder's override replaces the derived level
//! (and collapses its interval to that level); the derived level is kept alongside.
//!
//! **Several coders.** When a case is coded by more than one coder (the same case id in
//! several files, each with its own `coding.coder`), [`score`] combines the codings
//! into one [`CaseScore`]: per criterion the level is the **median** of the coders'
//! levels (the *lower* median when the number of coders is even), the interval runs
//! from the lowest coder's lower level to the highest coder's upper level, and the
//! total is recomputed from the combined criteria. A coder's override enters the
//! combination as that coder's level (and interval); the combined criterion itself
//! carries no override. The combined case is marked ([`CaseScore::combined`]) and
//! lists its coders ([`CaseScore::coders`]).
//!
//! This module computes numbers only; formatting them is [`crate::score::output`]'s job.

pub mod output;

use crate::corpus::date::PartialDate;
use crate::corpus::model::{Kind, Rubric, Rule, Status};
use crate::corpus::validate::{CaseRecord, Corpus, CriterionCoding};
use std::path::PathBuf;

/// The scores of every case coded against one rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    /// The rubric's id.
    pub rubric_id: String,
    /// The rubric's version.
    pub rubric_version: String,
    /// The rubric's title.
    pub rubric_title: String,
    /// Cases in time order (start, then id, then coder).
    pub cases: Vec<CaseScore>,
}

/// A score with the bounds that unknown observations leave open.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Interval {
    /// On the evidence recorded (unknown counts as unmet).
    pub score: f64,
    /// Every unknown unmet.
    pub lower: f64,
    /// Every unknown met.
    pub upper: f64,
}

impl Interval {
    /// True when the bounds differ.
    pub fn is_open(&self) -> bool {
        self.upper > self.lower
    }
}

/// One case's scores.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseScore {
    /// Case id.
    pub id: String,
    /// Case title.
    pub title: String,
    /// Effort or initiative.
    pub kind: Kind,
    /// Start date.
    pub start: PartialDate,
    /// End date.
    pub end: Option<PartialDate>,
    /// Who coded it; for a combined case, the coders joined by `; `.
    pub coder: String,
    /// Every coder, sorted; one entry unless the case is combined.
    pub coders: Vec<String>,
    /// True when several codings were combined into this score.
    pub combined: bool,
    /// The file it came from (for a combined case, the first coder's file).
    pub path: PathBuf,
    /// The weighted total.
    pub total: Interval,
    /// One entry per criterion, in the rubric's order.
    pub criteria: Vec<CriterionScore>,
}

/// One criterion's result for one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionScore {
    /// Criterion id.
    pub id: String,
    /// The level used (the override's, if any).
    pub level: usize,
    /// The label of that level.
    pub label: String,
    /// The highest level on the scale.
    pub top: usize,
    /// The criterion's weight.
    pub weight: f64,
    /// Lowest level the unknowns allow.
    pub lower_level: usize,
    /// Highest level the unknowns allow.
    pub upper_level: usize,
    /// Scores on 0–100.
    pub interval: Interval,
    /// How many indicators are unknown.
    pub unknown: usize,
    /// The override, if the coder replaced the derived level.
    pub overridden: Option<Overridden>,
}

/// What an override replaced.
#[derive(Debug, Clone, PartialEq)]
pub struct Overridden {
    /// The level the rule derived.
    pub derived_level: usize,
    /// The derived interval, in levels.
    pub derived_lower: usize,
    /// The derived upper level.
    pub derived_upper: usize,
    /// The coder's justification.
    pub justification: String,
}

/// The level a rule derives from statuses, counting unknown as `unknown_as`.
pub fn derive_level(rule: Rule, statuses: &[Vec<Status>], unknown_as: Status) -> usize {
    match rule {
        Rule::Cumulative => statuses
            .iter()
            .skip(1)
            .take_while(|level| {
                level.iter().all(|s| match s {
                    Status::Met => true,
                    Status::Unmet => false,
                    Status::Unknown => unknown_as == Status::Met,
                })
            })
            .count(),
    }
}

/// Score on 0–100 of a level on a scale whose top is `top`.
pub fn level_score(level: usize, top: usize) -> f64 {
    if top == 0 {
        0.0
    } else {
        100.0 * level as f64 / top as f64
    }
}

/// Scores one criterion from its coding.
pub fn score_criterion(
    rubric: &Rubric,
    index: usize,
    coding: &CriterionCoding,
) -> Option<CriterionScore> {
    let criterion = rubric.criteria.get_ref().get(index)?;
    let top = criterion.top_level();
    let rule = criterion.rule;
    let derived = derive_level(rule, &coding.statuses, Status::Unmet);
    let lower = derived;
    let upper = derive_level(rule, &coding.statuses, Status::Met);
    let unknown = coding
        .statuses
        .iter()
        .flatten()
        .filter(|s| **s == Status::Unknown)
        .count();
    let (level, lower_level, upper_level, overridden) = match &coding.override_level {
        Some((level, justification)) => (
            *level,
            *level,
            *level,
            Some(Overridden {
                derived_level: derived,
                derived_lower: lower,
                derived_upper: upper,
                justification: justification.clone(),
            }),
        ),
        None => (derived, lower, upper, None),
    };
    let label = criterion
        .levels
        .get_ref()
        .get(level)
        .map(|l| l.label.clone())
        .unwrap_or_default();
    Some(CriterionScore {
        id: criterion.id.get_ref().clone(),
        level,
        label,
        top,
        weight: *criterion.weight.get_ref(),
        lower_level,
        upper_level,
        interval: Interval {
            score: level_score(level, top),
            lower: level_score(lower_level, top),
            upper: level_score(upper_level, top),
        },
        unknown,
        overridden,
    })
}

/// The weighted mean of criterion scores, bound by bound.
pub fn total(criteria: &[CriterionScore]) -> Interval {
    let weight: f64 = criteria.iter().map(|c| c.weight).sum();
    let mean = |f: fn(&Interval) -> f64| {
        if weight > 0.0 {
            criteria
                .iter()
                .map(|c| c.weight * f(&c.interval))
                .sum::<f64>()
                / weight
        } else {
            0.0
        }
    };
    Interval {
        score: mean(|i| i.score),
        lower: mean(|i| i.lower),
        upper: mean(|i| i.upper),
    }
}

/// Scores one case against its rubric.
pub fn score_case(rubric: &Rubric, record: &CaseRecord) -> CaseScore {
    let criteria: Vec<CriterionScore> = record
        .coding
        .iter()
        .enumerate()
        .filter_map(|(i, coding)| score_criterion(rubric, i, coding))
        .collect();
    CaseScore {
        id: record.id().to_string(),
        title: record.case.title.clone(),
        kind: record.case.kind,
        start: record.start,
        end: record.end,
        coder: record.coder().to_string(),
        coders: vec![record.coder().to_string()],
        combined: false,
        path: record.path.clone(),
        total: total(&criteria),
        criteria,
    }
}

/// The lower median of `values` (the middle value, or the lower of the two middle
/// values when their number is even); `None` when empty.
pub fn lower_median(values: &[usize]) -> Option<usize> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len().saturating_sub(1) / 2).copied()
}

/// Combines several coders' scores of one case (sorted by coder) into one: per
/// criterion the lower median level, the interval from the lowest lower level to the
/// highest upper level, the most unknown indicators any coder left, no override; the
/// total recomputed. One score is returned as it is.
pub fn combine(rubric: &Rubric, mut codings: Vec<CaseScore>) -> Option<CaseScore> {
    codings.sort_by(|a, b| a.coder.cmp(&b.coder));
    if codings.len() < 2 {
        return codings.pop();
    }
    let first = codings.first()?.clone();
    let criteria: Vec<CriterionScore> = first
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let of_coders: Vec<&CriterionScore> =
                codings.iter().filter_map(|k| k.criteria.get(i)).collect();
            let levels: Vec<usize> = of_coders.iter().map(|k| k.level).collect();
            let level = lower_median(&levels).unwrap_or(c.level);
            let lower_level = of_coders
                .iter()
                .map(|k| k.lower_level)
                .min()
                .unwrap_or(level);
            let upper_level = of_coders
                .iter()
                .map(|k| k.upper_level)
                .max()
                .unwrap_or(level);
            let label = rubric
                .criteria
                .get_ref()
                .get(i)
                .and_then(|k| k.levels.get_ref().get(level))
                .map(|l| l.label.clone())
                .unwrap_or_default();
            CriterionScore {
                id: c.id.clone(),
                level,
                label,
                top: c.top,
                weight: c.weight,
                lower_level,
                upper_level,
                interval: Interval {
                    score: level_score(level, c.top),
                    lower: level_score(lower_level, c.top),
                    upper: level_score(upper_level, c.top),
                },
                unknown: of_coders.iter().map(|k| k.unknown).max().unwrap_or(0),
                overridden: None,
            }
        })
        .collect();
    let coders: Vec<String> = codings.iter().map(|k| k.coder.clone()).collect();
    Some(CaseScore {
        coder: coders.join("; "),
        coders,
        combined: true,
        total: total(&criteria),
        criteria,
        ..first
    })
}

/// Scores every case of the corpus coded against `rubric`, in time order; several
/// codings of one case are combined ([`combine`]).
pub fn score(corpus: &Corpus, rubric: &Rubric) -> Scores {
    let codings = corpus
        .cases
        .iter()
        .filter(|r| r.case.rubric.get_ref() == rubric.id.get_ref())
        .map(|record| score_case(rubric, record))
        .collect();
    from_codings(rubric, codings)
}

/// The scores of codings already scored against `rubric` ([`score_case`]), in time
/// order, several codings of one case combined ([`combine`]).
pub fn from_codings(rubric: &Rubric, codings: Vec<CaseScore>) -> Scores {
    let mut by_id: std::collections::BTreeMap<String, Vec<CaseScore>> =
        std::collections::BTreeMap::new();
    for coding in codings {
        by_id.entry(coding.id.clone()).or_default().push(coding);
    }
    let mut cases: Vec<CaseScore> = by_id
        .into_values()
        .filter_map(|codings| combine(rubric, codings))
        .collect();
    cases.sort_by(|a, b| (a.start, &a.id, &a.coder).cmp(&(b.start, &b.id, &b.coder)));
    Scores {
        rubric_id: rubric.id.get_ref().clone(),
        rubric_version: rubric.version.clone(),
        rubric_title: rubric.title.clone(),
        cases,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Met, Unknown, Unmet};

    fn levels(rows: &[&[Status]]) -> Vec<Vec<Status>> {
        std::iter::once(Vec::new())
            .chain(rows.iter().map(|r| r.to_vec()))
            .collect()
    }

    #[test]
    fn cumulative_stops_at_the_first_level_not_met() {
        let s = levels(&[&[Met], &[Met, Unmet], &[Met]]);
        assert_eq!(derive_level(Rule::Cumulative, &s, Unmet), 1);
        assert_eq!(derive_level(Rule::Cumulative, &s, Met), 1);
        let all = levels(&[&[Met], &[Met, Met], &[Met]]);
        assert_eq!(derive_level(Rule::Cumulative, &all, Unmet), 3);
        let none = levels(&[&[Unmet], &[Met]]);
        assert_eq!(derive_level(Rule::Cumulative, &none, Met), 0);
    }

    #[test]
    fn unknowns_open_an_interval() {
        let s = levels(&[&[Met], &[Unknown, Met], &[Unknown]]);
        assert_eq!(derive_level(Rule::Cumulative, &s, Unmet), 1);
        assert_eq!(derive_level(Rule::Cumulative, &s, Met), 3);
        let blocked = levels(&[&[Unknown], &[Unmet], &[Unknown]]);
        assert_eq!(derive_level(Rule::Cumulative, &blocked, Unmet), 0);
        assert_eq!(derive_level(Rule::Cumulative, &blocked, Met), 1);
    }

    #[test]
    fn the_lower_median_takes_the_lower_middle_value() {
        assert_eq!(lower_median(&[3, 1, 2]), Some(2));
        assert_eq!(lower_median(&[4, 1]), Some(1));
        assert_eq!(lower_median(&[0, 4, 2, 3]), Some(2));
        assert_eq!(lower_median(&[]), None);
    }

    #[test]
    fn level_scores_span_zero_to_one_hundred() {
        assert_eq!(level_score(0, 3), 0.0);
        assert_eq!(level_score(3, 3), 100.0);
        assert_eq!(level_score(1, 4), 25.0);
        assert_eq!(level_score(0, 0), 0.0);
    }

    fn criterion(id: &str, weight: f64, score: f64, lower: f64, upper: f64) -> CriterionScore {
        CriterionScore {
            id: id.to_string(),
            level: 0,
            label: String::new(),
            top: 4,
            weight,
            lower_level: 0,
            upper_level: 0,
            interval: Interval {
                score,
                lower,
                upper,
            },
            unknown: 0,
            overridden: None,
        }
    }

    #[test]
    fn total_is_the_weighted_mean_of_each_bound() {
        let c = [
            criterion("a", 1.0, 100.0, 50.0, 100.0),
            criterion("b", 3.0, 0.0, 0.0, 100.0),
        ];
        let t = total(&c);
        assert_eq!(t.score, 25.0);
        assert_eq!(t.lower, 12.5);
        assert_eq!(t.upper, 100.0);
    }

    #[test]
    fn scaling_weights_leaves_the_total_unchanged() {
        let a = [
            criterion("a", 1.0, 75.0, 50.0, 100.0),
            criterion("b", 2.0, 25.0, 0.0, 50.0),
        ];
        let b = [
            criterion("a", 10.0, 75.0, 50.0, 100.0),
            criterion("b", 20.0, 25.0, 0.0, 50.0),
        ];
        assert_eq!(total(&a), total(&b));
    }
}
