//! The rules that turn one criterion's indicator statuses into a level, and the met
//! indicators a level leaves uncounted.
//!
//! A criterion's levels are numbered 0..=top; level 0 has no indicators and is always
//! reached. Under every rule a level *holds* when each of its indicators that applies
//! is met; an indicator marked `not-applicable` neither counts nor blocks, and a level
//! none of whose indicators applies is left out of the case's scale. The score is the
//! level's rank among the levels that apply, over their number, on 0–100: with nothing
//! marked not applicable that is `100 × level / top`.
//!
//! - `cumulative`: the highest k such that every level 1..=k that applies holds;
//! - `highest`: the highest k that holds, whatever the levels below;
//! - `count`: the number of levels that hold.
//!
//! Each rule is monotone: turning an unknown into met never lowers the level, so
//! counting every unknown unmet and then met gives the bounds of every completion.

use crate::corpus::model::{Rule, Status};

/// What a rule gives for one criterion of one case under one reading of the unknowns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    /// The level reached, on the criterion's scale.
    pub level: usize,
    /// Its rank among the levels that apply to the case (0 for level 0).
    pub rank: usize,
    /// How many levels above 0 apply; 0 when no indicator of the criterion applies.
    pub of: usize,
}

impl Reached {
    /// The score on 0–100; 0 when nothing applies.
    pub fn score(&self) -> f64 {
        fraction(self.rank, self.of)
    }

    /// True when at least one indicator of the criterion applies to the case.
    pub fn applies(&self) -> bool {
        self.of > 0
    }
}

/// `100 × rank / of`, 0 when `of` is 0.
pub fn fraction(rank: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * rank as f64 / of as f64
    }
}

/// Whether a level holds when unknown counts as `unknown_as`; `None` when none of its
/// indicators applies.
fn holds(level: &[Status], unknown_as: Status) -> Option<bool> {
    let mut applies = false;
    for status in level {
        match status {
            Status::NotApplicable => {}
            Status::Met => applies = true,
            Status::Unmet => return Some(false),
            Status::Unknown if unknown_as == Status::Met => applies = true,
            Status::Unknown => return Some(false),
        }
    }
    applies.then_some(true)
}

/// The level `rule` derives from `statuses` (`statuses[level][k]`, level 0 first),
/// counting unknown as `unknown_as`.
pub fn derive(rule: Rule, statuses: &[Vec<Status>], unknown_as: Status) -> Reached {
    let levels: Vec<(usize, Option<bool>)> = statuses
        .iter()
        .enumerate()
        .skip(1)
        .map(|(n, level)| (n, holds(level, unknown_as)))
        .collect();
    let of = levels.iter().filter(|(_, h)| h.is_some()).count();
    let mut reached = Reached {
        level: 0,
        rank: 0,
        of,
    };
    match rule {
        Rule::Cumulative => {
            for (n, held) in &levels {
                match held {
                    None => {}
                    Some(true) => {
                        reached.level = *n;
                        reached.rank += 1;
                    }
                    Some(false) => break,
                }
            }
        }
        Rule::Highest => {
            let mut rank = 0;
            for (n, held) in &levels {
                if held.is_some() {
                    rank += 1;
                }
                if *held == Some(true) {
                    reached.level = *n;
                    reached.rank = rank;
                }
            }
        }
        Rule::Count => {
            let count = levels.iter().filter(|(_, h)| *h == Some(true)).count();
            reached.level = count;
            reached.rank = count;
        }
    }
    reached
}

/// The rank on the case's scale of a level given by hand (an override), and how many
/// levels apply: under `count` the level is itself a count.
pub fn rank_of(rule: Rule, statuses: &[Vec<Status>], level: usize) -> Reached {
    let applies: Vec<bool> = statuses
        .iter()
        .skip(1)
        .map(|l| l.iter().any(|s| *s != Status::NotApplicable))
        .collect();
    let of = applies.iter().filter(|a| **a).count();
    let rank = match rule {
        Rule::Count => level.min(of),
        Rule::Cumulative | Rule::Highest => applies.iter().take(level).filter(|a| **a).count(),
    };
    Reached { level, rank, of }
}

/// The met indicators that the level `level` does not reflect, as `(level, index)` in
/// rubric order: under `cumulative` and `highest`, every met indicator of a level above
/// it; under `count`, every met indicator of a level that does not hold on the evidence
/// recorded (unknown counted unmet).
pub fn blocked(rule: Rule, statuses: &[Vec<Status>], level: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (n, row) in statuses.iter().enumerate().skip(1) {
        let uncounted = match rule {
            Rule::Cumulative | Rule::Highest => n > level,
            Rule::Count => holds(row, Status::Unmet) != Some(true),
        };
        if uncounted {
            for (k, status) in row.iter().enumerate() {
                if *status == Status::Met {
                    out.push((n, k));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Met as M, NotApplicable as NA, Unknown as U, Unmet as X};

    /// A scale of levels 1..=n with the given indicator statuses (level 0 empty).
    fn scale(levels: &[&[Status]]) -> Vec<Vec<Status>> {
        std::iter::once(Vec::new())
            .chain(levels.iter().map(|l| l.to_vec()))
            .collect()
    }

    fn levels(rule: Rule, statuses: &[Vec<Status>]) -> (usize, usize) {
        (
            derive(rule, statuses, X).level,
            derive(rule, statuses, M).level,
        )
    }

    #[test]
    fn cumulative_stops_at_the_first_level_that_does_not_hold() {
        let s = scale(&[&[M], &[U], &[M], &[X]]);
        assert_eq!(levels(Rule::Cumulative, &s), (1, 3));
        let s = scale(&[&[U], &[M], &[M], &[M]]);
        assert_eq!(levels(Rule::Cumulative, &s), (0, 4));
    }

    #[test]
    fn highest_takes_the_highest_level_that_holds_whatever_is_below() {
        let s = scale(&[&[U], &[M], &[X], &[M, U]]);
        // On the evidence, level 2 holds (level 1 unknown does not stop it); with the
        // unknowns met, level 4.
        assert_eq!(levels(Rule::Highest, &s), (2, 4));
        let s = scale(&[&[X], &[X]]);
        assert_eq!(levels(Rule::Highest, &s), (0, 0));
    }

    #[test]
    fn count_counts_the_levels_that_hold() {
        let s = scale(&[&[U], &[M], &[X], &[M, M]]);
        assert_eq!(levels(Rule::Count, &s), (2, 3));
        let s = scale(&[&[M], &[M], &[M], &[M]]);
        assert_eq!(levels(Rule::Count, &s), (4, 4));
    }

    #[test]
    fn the_rules_agree_on_a_scale_met_from_the_bottom() {
        for k in 0..=4 {
            let rows: Vec<&[Status]> = (1..=4)
                .map(|n| if n <= k { &[M][..] } else { &[X][..] })
                .collect();
            let s = scale(&rows);
            for rule in [Rule::Cumulative, Rule::Highest, Rule::Count] {
                let r = derive(rule, &s, X);
                assert_eq!((r.level, r.rank, r.of), (k, k, 4), "{rule:?} at {k}");
                assert_eq!(r.score(), 25.0 * k as f64);
            }
        }
    }

    #[test]
    fn not_applicable_neither_counts_nor_blocks() {
        // Level 2 does not apply: level 3 is reached over it, and the score is 2 of the
        // 3 levels that apply.
        let s = scale(&[&[M], &[NA], &[M], &[X]]);
        let r = derive(Rule::Cumulative, &s, X);
        assert_eq!((r.level, r.rank, r.of), (3, 2, 3));
        assert!((r.score() - 200.0 / 3.0).abs() < 1e-9);
        // An n/a indicator beside a met one: the level holds.
        let s = scale(&[&[M, NA]]);
        assert_eq!(derive(Rule::Cumulative, &s, X).level, 1);
        // Nothing applies: the criterion is not applicable.
        let s = scale(&[&[NA], &[NA]]);
        let r = derive(Rule::Count, &s, M);
        assert!(!r.applies());
        assert_eq!(r.score(), 0.0);
    }

    #[test]
    fn blocked_lists_met_indicators_the_level_does_not_reflect() {
        let s = scale(&[&[U], &[M], &[X, M]]);
        // Cumulative stops at 0: the met indicators of levels 2 and 3 are not counted.
        assert_eq!(blocked(Rule::Cumulative, &s, 0), vec![(2, 0), (3, 1)]);
        // Highest reaches 2: only level 3's met indicator is left out.
        assert_eq!(blocked(Rule::Highest, &s, 2), vec![(3, 1)]);
        // Count: level 3 does not hold, so its met indicator is not counted.
        assert_eq!(blocked(Rule::Count, &s, 1), vec![(3, 1)]);
    }

    #[test]
    fn an_override_is_ranked_on_the_levels_that_apply() {
        let s = scale(&[&[M], &[NA], &[X], &[X]]);
        let r = rank_of(Rule::Cumulative, &s, 3);
        assert_eq!((r.level, r.rank, r.of), (3, 2, 3));
        assert_eq!(rank_of(Rule::Count, &s, 4).rank, 3);
    }
}
