//! Scoring: observations → levels → criterion scores → a weighted total, each with the
//! interval that unknown observations leave open.
//!
//! The criterion's rule ([`rule`]: `cumulative`, `highest` or `count`) turns its
//! indicators into a level. The **score** counts unknown indicators as unmet (the level
//! on the evidence recorded); **lower** counts every unknown unmet and **upper** every
//! unknown met. Criterion scores run from 0 to 100; the total is the mean weighted by
//! the rubric's weights over the criteria that apply to the case (one whose every
//! indicator is `not-applicable` is left out and its weight shared by the rest), held
//! at the outputs' precision (two decimals) so that totals equal in exact arithmetic
//! are equal here, and are ranked and trended as ties.
//!
//! **Established or not.** A level is *established* when its interval is closed. Only
//! then is its label the finding; otherwise the finding reads "at least `<label>`", or
//! "not established" at level 0 ([`finding`]). Every output shows that text, never the
//! bare label of an open level. Met indicators the level does not reflect are listed
//! ([`CriterionScore::blocked`], [`rule::blocked`]).
//!
//! **Overrides.** A coder's override sets the level; it keeps the interval the unknowns
//! leave (widened to hold the level) unless the override gives its own `lower` and
//! `upper`, so an override equal to the derived level changes nothing.
//!
//! **Several coders.** When a case is coded by more than one coder (the same case id in
//! several files, each with its own `coding.coder`), [`score`] combines the codings
//! into one [`CaseScore`] ([`combine()`]): per criterion the median of the coders' levels;
//! with an even number of coders whose two middle levels differ, the score is the mean
//! of the two middle levels' scores and both levels are shown; the interval runs from
//! the lowest coder's lower level to the highest coder's upper level. A coding marked
//! `adjudicated` replaces the combination. The combined case is marked
//! ([`CaseScore::combined`]) and lists its coders ([`CaseScore::coders`]).
//!
//! This module computes numbers only; formatting them is [`crate::score::output`]'s job.

pub mod combine;
pub mod output;
pub mod rule;

pub use combine::combine;

use crate::corpus::date::PartialDate;
use crate::corpus::model::{CodedContext, Kind, Rubric, Status};
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

    /// True when the two intervals share no point: only then is a change between them
    /// a rise or a decline.
    pub fn apart_from(&self, other: &Interval) -> bool {
        self.upper < other.lower || other.upper < self.lower
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
    /// The coder whose coding is marked adjudicated: for a single coding, whether it is
    /// so marked; for a combined case, the coding that replaced the combination.
    pub adjudicated: Option<String>,
    /// The file it came from (for a combined case, the first coder's file).
    pub path: PathBuf,
    /// The weighted total over the criteria that apply.
    pub total: Interval,
    /// One entry per criterion, in the rubric's order.
    pub criteria: Vec<CriterionScore>,
    /// The context factors and results the case codes, never folded into a score; for a
    /// combined case, what the coders agree on ([`CodedContext::agreed`]).
    pub context: CodedContext,
}

/// One criterion's result for one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionScore {
    /// Criterion id.
    pub id: String,
    /// The level used (the override's, if any; for coders split evenly, the lower of
    /// the two middle levels).
    pub level: usize,
    /// The finding, as every output states it ([`finding`]): the level's label when it
    /// is established, "at least `<label>`" or "not established" when it is not, "n/a"
    /// when the criterion does not apply.
    pub label: String,
    /// The label of the level on the rubric's scale, whatever the evidence.
    pub level_label: String,
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
    /// The upper of the two middle levels when an even number of coders split on
    /// them; the score is then the mean of the two levels' scores.
    pub split: Option<usize>,
    /// False when no indicator of the criterion applies to the case (all
    /// `not-applicable`): it is left out of the total and shown as "n/a".
    pub applicable: bool,
    /// The met indicators the level does not reflect, as indicator ids in rubric order
    /// ([`rule::blocked`]).
    pub blocked: Vec<String>,
}

impl CriterionScore {
    /// True when the level is established: its interval is closed (and the coders, if
    /// several, do not split on it).
    pub fn established(&self) -> bool {
        self.applicable && self.lower_level == self.upper_level && self.split.is_none()
    }
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

/// The finding for a level, as every output states it: the label of an established
/// level; "at least `<label>`" for an open one whose level is its lower bound;
/// "`<label>` (not established)" for an override inside a wider interval; "not
/// established" at level 0 with an open interval; "between `<a>` and `<b>`" for coders
/// split on two levels; "n/a" when nothing applies.
pub fn finding(
    label: impl Fn(usize) -> String,
    level: usize,
    (lower, upper): (usize, usize),
    split: Option<usize>,
    applicable: bool,
) -> String {
    if !applicable {
        return "n/a".to_string();
    }
    if let Some(high) = split {
        return format!("between {} and {}", label(level), label(high));
    }
    if lower == upper {
        label(level)
    } else if level == 0 {
        "not established".to_string()
    } else if level == lower {
        format!("at least {}", label(level))
    } else {
        format!("{} (not established)", label(level))
    }
}

/// The label of `level` on criterion `index` of `rubric`, or empty.
pub fn level_label(rubric: &Rubric, index: usize, level: usize) -> String {
    rubric
        .criteria
        .get_ref()
        .get(index)
        .and_then(|c| c.levels.get_ref().get(level))
        .map(|l| l.label.clone())
        .unwrap_or_default()
}

/// The level a rule derives from statuses, counting unknown as `unknown_as`.
pub fn derive_level(
    rule: crate::corpus::model::Rule,
    statuses: &[Vec<Status>],
    unknown_as: Status,
) -> usize {
    rule::derive(rule, statuses, unknown_as).level
}

/// Score on 0–100 of a level on a scale whose top is `top`.
pub fn level_score(level: usize, top: usize) -> f64 {
    rule::fraction(level, top)
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
    let lower = rule::derive(rule, &coding.statuses, Status::Unmet);
    let upper = rule::derive(rule, &coding.statuses, Status::Met);
    let unknown = coding
        .statuses
        .iter()
        .flatten()
        .filter(|s| **s == Status::Unknown)
        .count();
    let (used, low, high, overridden) = match &coding.overridden {
        Some(o) => {
            let low = o.lower.unwrap_or(lower.level.min(o.level));
            let high = o.upper.unwrap_or(upper.level.max(o.level));
            (
                rule::rank_of(rule, &coding.statuses, o.level),
                rule::rank_of(rule, &coding.statuses, low),
                rule::rank_of(rule, &coding.statuses, high),
                Some(Overridden {
                    derived_level: lower.level,
                    derived_lower: lower.level,
                    derived_upper: upper.level,
                    justification: o.justification.clone(),
                }),
            )
        }
        None => (lower, lower, upper, None),
    };
    let applicable = lower.applies();
    let blocked = rule::blocked(rule, &coding.statuses, used.level)
        .into_iter()
        .filter_map(|(n, k)| criterion.levels.get_ref().get(n)?.indicators.get(k))
        .map(|i| i.id.get_ref().clone())
        .collect();
    Some(CriterionScore {
        id: criterion.id.get_ref().clone(),
        level: used.level,
        label: finding(
            |n| level_label(rubric, index, n),
            used.level,
            (low.level, high.level),
            None,
            applicable,
        ),
        level_label: level_label(rubric, index, used.level),
        top,
        weight: *criterion.weight.get_ref(),
        lower_level: low.level,
        upper_level: high.level,
        interval: Interval {
            score: used.score(),
            lower: low.score(),
            upper: high.score(),
        },
        unknown,
        overridden,
        split: None,
        applicable,
        blocked,
    })
}

/// The weighted mean of the scores of the criteria that apply, bound by bound, at the
/// outputs' precision (two decimals): totals equal in exact arithmetic compare equal.
pub fn total(criteria: &[CriterionScore]) -> Interval {
    let applying = || criteria.iter().filter(|c| c.applicable);
    let weight: f64 = applying().map(|c| c.weight).sum();
    let mean = |f: fn(&Interval) -> f64| {
        if weight > 0.0 {
            output::round2(applying().map(|c| c.weight * f(&c.interval)).sum::<f64>() / weight)
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
        adjudicated: record
            .case
            .coding
            .adjudicated
            .then(|| record.coder().to_string()),
        path: record.path.clone(),
        total: total(&criteria),
        criteria,
        context: record.context.clone(),
    }
}

/// Scores every case of the corpus coded against `rubric`, in time order; several
/// codings of one case are combined ([`combine()`]).
pub fn score(corpus: &Corpus, rubric: &Rubric) -> Scores {
    let codings = corpus
        .cases
        .iter()
        .filter(|r| r.uses(rubric))
        .map(|record| score_case(rubric, record))
        .collect();
    from_codings(rubric, codings)
}

/// The scores of codings already scored against `rubric` ([`score_case`]), in time
/// order, several codings of one case combined ([`combine()`]).
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
    use crate::corpus::model::Rule;
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
            level_label: String::new(),
            split: None,
            applicable: true,
            blocked: Vec::new(),
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

    #[test]
    fn totals_equal_in_exact_arithmetic_are_equal() {
        // Two criteria of weight 1 with 3 and 7 levels (tops 2 and 6): levels (0, 5) and
        // (1, 2) both give (0 + 250/3) / 2 = (50 + 100/3) / 2 = 125/3.
        let case =
            |a: f64, b: f64| total(&[criterion("a", 1.0, a, a, a), criterion("b", 1.0, b, b, b)]);
        let one = case(level_score(0, 2), level_score(5, 6));
        let other = case(level_score(1, 2), level_score(2, 6));
        assert_eq!(one, other);
        assert_eq!(one.score, 41.67);
    }

    #[test]
    fn a_criterion_that_does_not_apply_is_left_out_of_the_total() {
        let mut out = criterion("b", 3.0, 0.0, 0.0, 0.0);
        out.applicable = false;
        let t = total(&[criterion("a", 1.0, 50.0, 50.0, 75.0), out]);
        assert_eq!((t.score, t.lower, t.upper), (50.0, 50.0, 75.0));
    }

    fn labels(n: usize) -> String {
        ["Absent", "Some", "Much"][n].to_string()
    }

    #[test]
    fn an_open_level_is_never_stated_by_its_label() {
        assert_eq!(finding(labels, 1, (1, 1), None, true), "Some");
        assert_eq!(finding(labels, 0, (0, 2), None, true), "not established");
        assert_eq!(finding(labels, 1, (1, 2), None, true), "at least Some");
        assert_eq!(
            finding(labels, 2, (1, 2), None, true),
            "Much (not established)"
        );
        assert_eq!(
            finding(labels, 1, (0, 2), Some(2), true),
            "between Some and Much"
        );
        assert_eq!(finding(labels, 0, (0, 0), None, false), "n/a");
        // A closed level 0 is a finding: the sources show every indicator unmet.
        assert_eq!(finding(labels, 0, (0, 0), None, true), "Absent");
    }

    /// A rubric of one criterion `c` whose levels 1 and 2 have indicators `a` and `b`.
    fn rubric(rule: &str) -> Rubric {
        toml::from_str(&format!(
            r#"
id = "r"
title = "R"
version = "1"
[[criteria]]
id = "c"
name = "C"
question = "Q?"
weight = 1.0
guidance = "G"
rule = "{rule}"
[[criteria.levels]]
label = "Absent"
descriptor = "d0"
[[criteria.levels]]
label = "Some"
descriptor = "d1"
indicators = [{{ id = "a", text = "A" }}]
[[criteria.levels]]
label = "Much"
descriptor = "d2"
indicators = [{{ id = "b", text = "B" }}]
"#
        ))
        .expect("a valid rubric")
    }

    fn coding(
        a: Status,
        b: Status,
        overridden: Option<crate::corpus::validate::OverrideCoding>,
    ) -> CriterionCoding {
        CriterionCoding {
            statuses: vec![Vec::new(), vec![a], vec![b]],
            overridden,
        }
    }

    fn override_to(
        level: usize,
        bounds: Option<(usize, usize)>,
    ) -> crate::corpus::validate::OverrideCoding {
        crate::corpus::validate::OverrideCoding {
            level,
            lower: bounds.map(|b| b.0),
            upper: bounds.map(|b| b.1),
            justification: "why".to_string(),
        }
    }

    #[test]
    fn an_override_keeps_the_interval_the_unknowns_leave() {
        let r = rubric("cumulative");
        // Derived: 0 [0–2] (a unknown). An override to 0 changes nothing.
        let derived = score_criterion(&r, 0, &coding(Unknown, Met, None)).unwrap();
        let same =
            score_criterion(&r, 0, &coding(Unknown, Met, Some(override_to(0, None)))).unwrap();
        assert_eq!((same.level, same.lower_level, same.upper_level), (0, 0, 2));
        assert_eq!(same.interval, derived.interval);
        assert!(!same.established());
        // An override to 1 keeps [0–2]; with the coder's own bounds, [1–1].
        let up = score_criterion(&r, 0, &coding(Unknown, Met, Some(override_to(1, None)))).unwrap();
        assert_eq!((up.level, up.lower_level, up.upper_level), (1, 0, 2));
        assert_eq!(up.label, "Some (not established)");
        let closed = score_criterion(
            &r,
            0,
            &coding(Unknown, Met, Some(override_to(1, Some((1, 1))))),
        )
        .unwrap();
        assert_eq!((closed.lower_level, closed.upper_level), (1, 1));
        assert!(closed.established());
        assert_eq!(closed.label, "Some");
    }

    #[test]
    fn the_rules_and_blocked_evidence_reach_the_criterion_score() {
        // `a` unknown, `b` met: cumulative stops at 0 and leaves `b` uncounted; highest
        // reaches 2.
        let cumulative =
            score_criterion(&rubric("cumulative"), 0, &coding(Unknown, Met, None)).unwrap();
        assert_eq!((cumulative.level, cumulative.upper_level), (0, 2));
        assert_eq!(cumulative.blocked, vec!["b".to_string()]);
        assert_eq!(cumulative.label, "not established");
        let highest = score_criterion(&rubric("highest"), 0, &coding(Unknown, Met, None)).unwrap();
        assert_eq!(
            (highest.level, highest.lower_level, highest.upper_level),
            (2, 2, 2)
        );
        assert!(highest.blocked.is_empty());
        assert_eq!(highest.label, "Much");
        let count = score_criterion(&rubric("count"), 0, &coding(Unknown, Met, None)).unwrap();
        assert_eq!((count.level, count.upper_level), (1, 2));
        assert_eq!(count.label, "at least Some");
        assert_eq!(count.interval.score, 50.0);
    }

    fn case_of(coder: &str, r: &Rubric, a: Status, b: Status) -> CaseScore {
        let criteria = vec![score_criterion(r, 0, &coding(a, b, None)).unwrap()];
        CaseScore {
            id: "x".to_string(),
            title: "X".to_string(),
            kind: Kind::Effort,
            start: PartialDate::parse("2020").unwrap(),
            end: None,
            coder: coder.to_string(),
            coders: vec![coder.to_string()],
            combined: false,
            adjudicated: None,
            path: PathBuf::from("x.toml"),
            total: total(&criteria),
            criteria,
            context: CodedContext::default(),
        }
    }

    #[test]
    fn two_coders_who_split_get_the_mean_of_their_two_levels() {
        let r = rubric("cumulative");
        let combined = combine(
            &r,
            vec![case_of("a", &r, Met, Unmet), case_of("b", &r, Met, Met)],
        )
        .unwrap();
        let c = &combined.criteria[0];
        assert_eq!((c.level, c.split), (1, Some(2)));
        assert_eq!(c.interval.score, 75.0);
        assert_eq!(combined.total.score, 75.0);
        assert_eq!(c.label, "between Some and Much");
        assert!(!c.established());
        // Three coders: the median coding.
        let three = combine(
            &r,
            vec![
                case_of("a", &r, Met, Unmet),
                case_of("b", &r, Met, Met),
                case_of("c", &r, Unmet, Unmet),
            ],
        )
        .unwrap();
        assert_eq!(
            (three.criteria[0].level, three.criteria[0].split),
            (1, None)
        );
        assert_eq!(three.criteria[0].interval.score, 50.0);
    }

    #[test]
    fn an_adjudicated_coding_replaces_the_combination() {
        let r = rubric("cumulative");
        let mut judge = case_of("b", &r, Met, Met);
        judge.adjudicated = Some("b".to_string());
        let combined = combine(&r, vec![case_of("a", &r, Unmet, Unmet), judge]).unwrap();
        assert_eq!(combined.criteria[0].level, 2);
        assert_eq!(combined.coders, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(combined.adjudicated.as_deref(), Some("b"));
        assert!(combined.combined);
    }
}
