//! Several coders' scores of one case combined into one.
//!
//! Per criterion, the coders' levels are ordered and the middle taken. With an odd
//! number of coders that is one coding's level and score. With an even number the two
//! middle codings may differ: the combined score is then the mean of their two scores
//! and both levels are kept ([`CriterionScore::split`]), so a case coded twice is not
//! pulled down, as a lower median would, against a case coded once. The interval runs
//! from the lowest coder's lower level to the highest coder's upper level. A coder who
//! marked every indicator of a criterion not applicable is left out of its median.
//!
//! A coding marked `adjudicated` (at most one per case; validation checks) replaces the
//! combination, as reconciliation does in PAM's and V-Dem's practice: its scores stand,
//! and the case still lists every coder.

use super::{CaseScore, CriterionScore, Interval, finding, level_label, total};
use crate::corpus::model::{CodedContext, Rubric};

/// Combines several coders' scores of one case; one score is returned as it is.
pub fn combine(rubric: &Rubric, mut codings: Vec<CaseScore>) -> Option<CaseScore> {
    codings.sort_by(|a, b| a.coder.cmp(&b.coder));
    if codings.len() < 2 {
        return codings.pop();
    }
    let coders: Vec<String> = codings.iter().map(|k| k.coder.clone()).collect();
    if let Some(adopted) = codings.iter().find(|k| k.adjudicated.is_some()) {
        return Some(CaseScore {
            coder: coders.join("; "),
            coders,
            combined: true,
            ..adopted.clone()
        });
    }
    let first = codings.first()?.clone();
    let criteria: Vec<CriterionScore> = first
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let of_coders: Vec<&CriterionScore> =
                codings.iter().filter_map(|k| k.criteria.get(i)).collect();
            combine_criterion(rubric, i, c, &of_coders)
        })
        .collect();
    let context = CodedContext::agreed(codings.iter().map(|k| (k.coder.as_str(), &k.context)));
    Some(CaseScore {
        coder: coders.join("; "),
        coders,
        combined: true,
        context,
        total: total(&criteria),
        criteria,
        ..first
    })
}

/// One criterion of several codings combined (see the module doc).
fn combine_criterion(
    rubric: &Rubric,
    index: usize,
    first: &CriterionScore,
    of_coders: &[&CriterionScore],
) -> CriterionScore {
    let mut applying: Vec<&CriterionScore> =
        of_coders.iter().copied().filter(|k| k.applicable).collect();
    if applying.is_empty() {
        return CriterionScore {
            overridden: None,
            ..first.clone()
        };
    }
    applying.sort_by(|a, b| {
        (a.level, a.interval.score)
            .partial_cmp(&(b.level, b.interval.score))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let n = applying.len();
    let low_middle = applying[(n - 1) / 2];
    let high_middle = applying[n / 2];
    let level = low_middle.level;
    let split = (high_middle.level != level).then_some(high_middle.level);
    let score = (low_middle.interval.score + high_middle.interval.score) / 2.0;
    let lower = applying
        .iter()
        .min_by(|a, b| a.interval.lower.total_cmp(&b.interval.lower))
        .copied()
        .unwrap_or(low_middle);
    let upper = applying
        .iter()
        .max_by(|a, b| a.interval.upper.total_cmp(&b.interval.upper))
        .copied()
        .unwrap_or(high_middle);
    let (lower_level, upper_level) = (
        applying
            .iter()
            .map(|k| k.lower_level)
            .min()
            .unwrap_or(level),
        applying
            .iter()
            .map(|k| k.upper_level)
            .max()
            .unwrap_or(level),
    );
    let mut blocked: Vec<String> = Vec::new();
    if let Some(criterion) = rubric.criteria.get_ref().get(index) {
        for (_, indicator) in criterion.indicators() {
            let id = indicator.id.get_ref();
            if applying.iter().any(|k| k.blocked.contains(id)) {
                blocked.push(id.clone());
            }
        }
    }
    CriterionScore {
        id: first.id.clone(),
        level,
        label: finding(
            |l| level_label(rubric, index, l),
            level,
            (lower_level, upper_level),
            split,
            true,
        ),
        level_label: level_label(rubric, index, level),
        top: first.top,
        weight: first.weight,
        lower_level,
        upper_level,
        interval: Interval {
            score,
            lower: lower.interval.lower,
            upper: upper.interval.upper,
        },
        unknown: applying.iter().map(|k| k.unknown).max().unwrap_or(0),
        overridden: None,
        split,
        applicable: true,
        blocked,
    }
}
