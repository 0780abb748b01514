//! The least and the greatest Kendall tau-b of a series against time over every
//! completion of its intervals.
//!
//! Each of n values may lie anywhere in its closed interval `[lower, upper]`: on the
//! whole numbers in it ([`Domain::Integers`], the levels of a criterion) or on the
//! reals ([`Domain::Reals`], a total). Time is the position 1..n, without ties, so
//! tau-b depends only on the weak order of the values: S = concordant − discordant
//! pairs over sqrt(n0 · (n0 − n2)), where n0 = n(n−1)/2 and n2 counts the tied pairs.
//!
//! [`tau_bounds`] enumerates the weak orders (ordered partitions into tie groups,
//! lowest group first) that some completion realises. A partial order is extended one
//! group at a time, and each group takes the smallest value that fits every interval
//! in it and lies above the group before: if that greedy choice fails, no choice does,
//! so infeasible branches are cut at once and every feasible order is reached exactly
//! once. Completions in which every value ties leave tau undefined and are skipped.
//! When more than `budget` candidate tie groups would be tried, the enumeration stops and
//! the result holds *outer* bounds instead (`exact: false`): each pair of positions
//! contributes to S at most +1 if it can be concordant (0 if it can only tie, −1
//! otherwise) and at least the mirror; the denominator is bounded by the pairs that can
//! tie. The true least and greatest tau then lie inside.
//!
//! Pure function of numbers; it knows nothing of criteria or efforts.

/// Where the values of a series may lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// The whole numbers in each interval (levels).
    Integers,
    /// Every real number in each interval (totals).
    Reals,
}

/// The candidate tie groups [`tau_bounds`] tries before it gives outer bounds instead:
/// a million, a fraction of a second. Every series of up to 7 values fits whatever its
/// intervals (7 values have 47,293 weak orders); longer ones fit when their intervals
/// leave few orders open.
pub const TAU_BOUNDS_BUDGET: u64 = 1_000_000;

/// The least and greatest tau-b over the completions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TauBounds {
    /// The least tau-b, or `None` when no completion defines it (fewer than 2 values,
    /// or every completion ties every value).
    pub min: Option<f64>,
    /// The greatest tau-b, or `None` likewise.
    pub max: Option<f64>,
    /// True when every completion was enumerated; false when `min` and `max` are outer
    /// bounds (the true least is at least `min`, the true greatest at most `max`).
    pub exact: bool,
}

/// Where the last group placed its values: on the reals, the value or (when the group
/// had to sit just above the one before) the infimum of the values it can take; either
/// way the next group must lie strictly above it, which is possible exactly when its
/// intervals reach above it.
#[derive(Debug, Clone, Copy)]
struct Floor {
    value: f64,
}

struct Search<'a> {
    intervals: &'a [(f64, f64)],
    domain: Domain,
    visited: u64,
    budget: u64,
    n0: f64,
    min: Option<f64>,
    max: Option<f64>,
    over: bool,
}

impl Search<'_> {
    /// The smallest value above `floor` that every interval in `group` holds.
    fn place(&self, group: u32, floor: Option<Floor>) -> Option<Floor> {
        let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
        for (i, (l, h)) in self.intervals.iter().enumerate() {
            if group & (1 << i) != 0 {
                lo = lo.max(*l);
                hi = hi.min(*h);
            }
        }
        if self.domain == Domain::Integers {
            lo = lo.ceil();
            hi = hi.floor();
        }
        let value = match (floor, self.domain) {
            (None, _) => Floor { value: lo },
            (Some(f), Domain::Integers) => Floor {
                value: lo.max(f.value + 1.0),
            },
            (Some(f), Domain::Reals) if lo > f.value => Floor { value: lo },
            (Some(f), Domain::Reals) => {
                return (hi > f.value).then_some(Floor { value: f.value });
            }
        };
        (value.value <= hi).then_some(value)
    }

    /// Whether every interval in `rest` still holds a value above `floor`.
    fn room(&self, rest: u32, floor: Floor) -> bool {
        self.intervals.iter().enumerate().all(|(i, (l, h))| {
            rest & (1 << i) == 0
                || match self.domain {
                    Domain::Integers => h.floor() > floor.value && l.ceil() <= h.floor(),
                    Domain::Reals => *h > floor.value,
                }
        })
    }

    /// Extends the order placed so far (`placed`, with S and the tied pairs n2).
    fn extend(&mut self, placed: u32, floor: Option<Floor>, s: i64, n2: i64) {
        if self.over {
            return;
        }
        let n = self.intervals.len();
        let all = (1u32 << n) - 1;
        let rest = all & !placed;
        if rest == 0 {
            let denominator = (self.n0 * (self.n0 - n2 as f64)).sqrt();
            if denominator > 0.0 {
                let tau = s as f64 / denominator;
                self.min = Some(self.min.map_or(tau, |m| m.min(tau)));
                self.max = Some(self.max.map_or(tau, |m| m.max(tau)));
            }
            return;
        }
        // Every non-empty subset of the rest, as the next tie group.
        let mut group = rest;
        while group != 0 {
            self.visited += 1;
            if self.visited > self.budget {
                self.over = true;
                return;
            }
            if let Some(next) = self.place(group, floor)
                && self.room(rest & !group, next)
            {
                // Each placed value is below each of the group's: concordant when it is
                // earlier in time, discordant when later.
                let mut ds = 0i64;
                for j in (0..n).filter(|j| group & (1 << j) != 0) {
                    let earlier = i64::from((placed & ((1u32 << j) - 1)).count_ones());
                    ds += 2 * earlier - i64::from(placed.count_ones());
                }
                let k = i64::from(group.count_ones());
                self.extend(placed | group, Some(next), s + ds, n2 + k * (k - 1) / 2);
            }
            group = (group - 1) & rest;
        }
    }
}

/// The least and the greatest tau-b of `intervals` (in time order) against time, over
/// every completion in `domain`, trying at most `budget` tie groups; see the
/// module doc. Intervals with `lower > upper`, non-finite bounds, or an integer
/// interval with no whole number give `None` bounds.
pub fn tau_bounds(intervals: &[(f64, f64)], domain: Domain, budget: u64) -> TauBounds {
    let n = intervals.len();
    let none = TauBounds {
        min: None,
        max: None,
        exact: true,
    };
    let empty = |(l, h): &(f64, f64)| {
        !(l.is_finite() && h.is_finite() && l <= h)
            || (domain == Domain::Integers && l.ceil() > h.floor())
    };
    if n < 2 || intervals.iter().any(empty) {
        return none;
    }
    let n0 = (n * (n - 1) / 2) as f64;
    if n <= 31 {
        let mut search = Search {
            intervals,
            domain,
            visited: 0,
            budget,
            n0,
            min: None,
            max: None,
            over: false,
        };
        search.extend(0, None, 0, 0);
        if !search.over {
            return TauBounds {
                min: search.min,
                max: search.max,
                exact: true,
            };
        }
    }
    outer_bounds(intervals, domain)
}

/// Valid outer bounds on tau-b from what each pair can be (module doc).
fn outer_bounds(intervals: &[(f64, f64)], domain: Domain) -> TauBounds {
    let n = intervals.len();
    let n0 = (n * (n - 1) / 2) as f64;
    let (mut s_max, mut s_min, mut can_tie, mut must_tie) = (0i64, 0i64, 0i64, 0i64);
    let range = |(l, h): (f64, f64)| match domain {
        Domain::Integers => (l.ceil(), h.floor()),
        Domain::Reals => (l, h),
    };
    for j in 0..n {
        for i in 0..j {
            let (li, hi) = range(intervals[i]);
            let (lj, hj) = range(intervals[j]);
            let up = li < hj;
            let down = lj < hi;
            let tie = li.max(lj) <= hi.min(hj);
            s_max += if up {
                1
            } else if tie {
                0
            } else {
                -1
            };
            s_min += if down {
                -1
            } else if tie {
                0
            } else {
                1
            };
            if tie {
                can_tie += 1;
            }
            if tie && !up && !down {
                must_tie += 1;
            }
        }
    }
    if must_tie as f64 >= n0 {
        return TauBounds {
            min: None,
            max: None,
            exact: true,
        };
    }
    // The denominator lies between sqrt(n0 (n0 − can_tie)) and sqrt(n0 (n0 − must_tie));
    // when every pair can tie the smallest defined denominator is sqrt(n0).
    let small = (n0 * (n0 - (can_tie as f64).min(n0 - 1.0))).sqrt();
    let large = (n0 * (n0 - must_tie as f64)).sqrt();
    let bound = |s: i64, upper: bool| {
        let s = s as f64;
        let t = if (s >= 0.0) == upper {
            s / small
        } else {
            s / large
        };
        t.clamp(-1.0, 1.0)
    };
    TauBounds {
        min: Some(bound(s_min, false)),
        max: Some(bound(s_max, true)),
        exact: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::kendall_tau_b;

    fn exact(intervals: &[(f64, f64)], domain: Domain) -> (Option<f64>, Option<f64>) {
        let b = tau_bounds(intervals, domain, TAU_BOUNDS_BUDGET);
        assert!(b.exact);
        (b.min, b.max)
    }

    #[test]
    fn closed_intervals_give_the_observed_tau() {
        let x = [1.0, 2.0, 3.0, 4.0];
        let y = [10.0, 30.0, 20.0, 40.0];
        let tau = kendall_tau_b(&x, &y).expect("defined");
        let intervals: Vec<(f64, f64)> = y.iter().map(|v| (*v, *v)).collect();
        assert_eq!(exact(&intervals, Domain::Reals), (Some(tau), Some(tau)));
    }

    #[test]
    fn the_issues_example_attains_zero_and_one() {
        // Overlapping totals: any order is possible, including a perfect fall.
        let intervals = [(0.0, 50.0), (10.0, 60.0), (20.0, 70.0), (30.0, 80.0)];
        assert_eq!(exact(&intervals, Domain::Reals), (Some(-1.0), Some(1.0)));
    }

    #[test]
    fn levels_cannot_fall_between_whole_numbers() {
        // A = 1, B in [1, 2], C = 2: on the reals B can lie strictly between, on the
        // levels it ties one of them.
        let intervals = [(1.0, 1.0), (1.0, 2.0), (2.0, 2.0)];
        let (_, reals) = exact(&intervals, Domain::Reals);
        let (_, levels) = exact(&intervals, Domain::Integers);
        assert_eq!(reals, Some(1.0));
        let expected = 2.0 / (3.0f64 * 2.0).sqrt();
        assert!((levels.expect("defined") - expected).abs() < 1e-12);
    }

    #[test]
    fn all_ties_leave_tau_undefined() {
        assert_eq!(
            exact(&[(5.0, 5.0), (5.0, 5.0)], Domain::Reals),
            (None, None)
        );
        assert_eq!(exact(&[(5.0, 5.0)], Domain::Reals), (None, None));
    }

    #[test]
    fn over_budget_bounds_are_outer_and_marked() {
        let intervals = [(0.0, 2.0), (1.0, 3.0), (2.0, 4.0), (3.0, 3.0)];
        let (min, max) = exact(&intervals, Domain::Integers);
        let outer = tau_bounds(&intervals, Domain::Integers, 0);
        assert!(!outer.exact);
        assert!(outer.min.expect("min") <= min.expect("min") + 1e-12);
        assert!(outer.max.expect("max") >= max.expect("max") - 1e-12);
    }

    #[test]
    fn bad_intervals_give_no_bounds() {
        let b = tau_bounds(&[(2.0, 1.0), (0.0, 1.0)], Domain::Reals, 10);
        assert_eq!((b.min, b.max), (None, None));
        let b = tau_bounds(&[(0.2, 0.8), (0.0, 1.0)], Domain::Integers, 10);
        assert_eq!((b.min, b.max), (None, None));
    }
}
