//! Kendall's tau-b between two paired series, and its permutation test.
//!
//! [`kendall_tau_b`] measures rank association with the tau-b tie correction.
//! [`kendall_test`] adds permutation p-values: under the null hypothesis every ordering
//! of the second series against the first is equally likely. Up to [`EXACT_MAX_N`]
//! pairs all n! orderings are enumerated; up to [`MONTE_CARLO_MAX_N`] a seeded Monte
//! Carlo sample of orderings is drawn; above that the permutation distribution is
//! approximated by a normal one with Kendall's tie-corrected variance. The result says
//! which was done.
//!
//! Comparisons between permuted and observed statistics are made on the integer
//! numerator S = (concordant − discordant pairs). Permuting one series keeps both
//! tie corrections, so tau-b is S over a constant and comparing S is exact: no float
//! epsilon is involved.
//!
//! S itself is counted in O(n log n) (sort by x, then count the inversions of y with a
//! merge sort, Knight's algorithm), so tau-b of long series is cheap; the permutation
//! tests keep an O(n²) table of signs, which they only build for short series.
//!
//! This module does not interpret a p-value or pick a significance level, and it does
//! not handle missing values: callers pair and filter their series first.

use std::cmp::Ordering;

use rand::seq::SliceRandom;

use crate::analysis::seed::seeded_rng;

/// The largest number of pairs for which [`kendall_test`] enumerates every ordering
/// (10! = 3,628,800); longer series use Monte Carlo.
pub const EXACT_MAX_N: usize = 10;

/// The largest number of pairs for which [`kendall_test`] draws Monte Carlo orderings;
/// longer series use the normal approximation ([`PermutationMethod::Normal`]).
///
/// Each draw scores one ordering over all n(n−1)/2 pairs, so a Monte Carlo test costs
/// draws × n(n−1)/2 sign products. With the default 100,000 draws that is 2.4 × 10^8
/// at n = 70, a fraction of a second, and it grows with n²: 5 × 10^12 at n = 10,000,
/// which takes hours. The limit keeps the cost under about 2.5 × 10^8. Long before 70
/// pairs the distribution of S is close to normal (the approximation is commonly used
/// from about 10 pairs), so above the limit little accuracy is given up.
pub const MONTE_CARLO_MAX_N: usize = 70;

/// Which of the two input series a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    /// The first series (`x`), usually the time order.
    X,
    /// The second series (`y`), usually the measured score.
    Y,
}

impl std::fmt::Display for Series {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Series::X => f.write_str("first (x)"),
            Series::Y => f.write_str("second (y)"),
        }
    }
}

/// Why Kendall's tau or its test could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KendallError {
    /// The two series have different lengths, so they cannot be paired.
    #[error("the two series differ in length: {x_len} and {y_len} values")]
    LengthMismatch {
        /// Length of the first series.
        x_len: usize,
        /// Length of the second series.
        y_len: usize,
    },
    /// Fewer than two pairs: there is no pair of observations to compare.
    #[error("Kendall's tau needs at least 2 paired values, got {n}")]
    TooFewValues {
        /// Number of pairs given.
        n: usize,
    },
    /// A value is NaN or infinite.
    #[error("value at index {index} of the {series} series is not a finite number")]
    NonFinite {
        /// The series holding the value.
        series: Series,
        /// Zero-based position of the value.
        index: usize,
    },
    /// Every value of one series is equal, so tau-b's denominator is zero.
    #[error("every value of the {series} series is the same, so tau-b is undefined")]
    AllTied {
        /// The constant series.
        series: Series,
    },
    /// A Monte Carlo test was needed but asked for zero draws.
    #[error("a Monte Carlo permutation test needs at least one draw")]
    NoDraws,
}

/// How the Monte Carlo test runs when there are more than [`EXACT_MAX_N`] and at most
/// [`MONTE_CARLO_MAX_N`] pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonteCarlo {
    /// Number of random orderings to draw; must be at least 1.
    pub draws: usize,
    /// Seed of the generator; the same seed gives the same p-values.
    pub seed: u64,
}

impl Default for MonteCarlo {
    /// 100,000 draws (a p-value near 0.05 then has a standard error near 0.0007), seed 0.
    fn default() -> Self {
        MonteCarlo {
            draws: 100_000,
            seed: 0,
        }
    }
}

/// How the p-values of a [`KendallTest`] were obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermutationMethod {
    /// Every ordering of the second series was enumerated; p-values are exact.
    Exact {
        /// Number of orderings enumerated (n!).
        permutations: u64,
    },
    /// Random orderings were drawn; each p-value is (1 + hits) / (1 + draws), which
    /// counts the observed ordering and is never 0.
    MonteCarlo {
        /// Number of random orderings drawn.
        draws: usize,
        /// Seed the orderings were drawn with.
        seed: u64,
    },
    /// An approximation, not a permutation count: S is taken as normal with mean 0
    /// and Kendall's tie-corrected permutation variance, with a continuity correction
    /// of 1 on S. Used above [`MONTE_CARLO_MAX_N`] pairs, where it is close to the
    /// permutation distribution except far out in the tails.
    Normal,
}

/// Kendall's tau-b with its permutation p-values.
#[derive(Debug, Clone, PartialEq)]
pub struct KendallTest {
    /// Kendall's tau-b of the observed pairing, in [-1, 1].
    pub tau: f64,
    /// Probability under the null that tau is at least the observed tau (evidence of
    /// an increasing trend when small).
    pub p_increasing: f64,
    /// Probability under the null that tau is at most the observed tau (evidence of a
    /// decreasing trend when small).
    pub p_decreasing: f64,
    /// Probability under the null that |tau| is at least the observed |tau|. Counted
    /// directly, not doubled from a one-sided value, so it stays right when ties make
    /// the null distribution asymmetric.
    pub p_two_sided: f64,
    /// Number of pairs.
    pub n: usize,
    /// Whether the p-values are exact, Monte Carlo estimates or normal approximations.
    pub method: PermutationMethod,
    /// The smallest one-sided p-value any ordering could produce for this n and tie
    /// pattern, in either direction (1/24 for 4 distinct values). With Monte Carlo it
    /// is the resolution floor 1 / (1 + draws). With the normal approximation it is the
    /// approximate p at the largest (or smallest) S any ordering reaches, which is tiny
    /// and underflows to 0 beyond a few hundred pairs. If this is above the level you
    /// test at, the test cannot reject whatever the data.
    pub min_p_one_sided: f64,
}

/// Kendall's tau-b of `x` against `y`.
///
/// Tied pairs are handled as tau-b: S / sqrt((n0 − n1)(n0 − n2)), where n0 = n(n−1)/2
/// and n1, n2 count the pairs tied in `x` and in `y`.
///
/// # Errors
/// [`KendallError`] when the lengths differ, n < 2, a value is not finite, or one
/// series is constant.
pub fn kendall_tau_b(x: &[f64], y: &[f64]) -> Result<f64, KendallError> {
    Ok(Summary::new(x, y)?.tau())
}

/// Kendall's tau-b of `x` against `y` with permutation p-values.
///
/// With at most [`EXACT_MAX_N`] pairs all n! orderings of `y` are enumerated and
/// `monte_carlo` is ignored; with at most [`MONTE_CARLO_MAX_N`], `monte_carlo.draws`
/// random orderings are drawn from `monte_carlo.seed`, at O(n²) time per ordering and
/// O(n²) memory. Longer series use the normal approximation
/// ([`PermutationMethod::Normal`]), in O(n log n) time and O(n) memory, and
/// `monte_carlo` is ignored again.
///
/// # Errors
/// As [`kendall_tau_b`], plus [`KendallError::NoDraws`] when Monte Carlo is needed and
/// `monte_carlo.draws` is 0.
pub fn kendall_test(
    x: &[f64],
    y: &[f64],
    monte_carlo: MonteCarlo,
) -> Result<KendallTest, KendallError> {
    if x.len() > MONTE_CARLO_MAX_N {
        return Summary::new(x, y)?.normal_test(x, y);
    }
    let pairing = Pairing::new(x, y)?;
    if pairing.n <= EXACT_MAX_N {
        Ok(pairing.exact_test())
    } else if monte_carlo.draws == 0 {
        Err(KendallError::NoDraws)
    } else {
        Ok(pairing.monte_carlo_test(monte_carlo))
    }
}

/// The method [`kendall_test`] uses for `n` pairs (at least 2) with these Monte Carlo
/// settings; it depends on n only.
pub fn method_for(n: usize, monte_carlo: MonteCarlo) -> PermutationMethod {
    if n <= EXACT_MAX_N {
        PermutationMethod::Exact {
            permutations: (1..=n as u64).product(),
        }
    } else if n <= MONTE_CARLO_MAX_N {
        PermutationMethod::MonteCarlo {
            draws: monte_carlo.draws,
            seed: monte_carlo.seed,
        }
    } else {
        PermutationMethod::Normal
    }
}

/// The one-sided p-value [`kendall_test`] gives for `n` distinct values in the same
/// order, or `None` below 2 pairs: 1/n! when exact, 1/(1 + draws) with Monte Carlo
/// (no data can go below either), and the normal tail at S = n(n−1)/2 with the
/// normal approximation, which underflows to 0 beyond a few hundred pairs.
pub fn smallest_p_one_sided(n: usize, monte_carlo: MonteCarlo) -> Option<f64> {
    if n < 2 {
        return None;
    }
    Some(match method_for(n, monte_carlo) {
        PermutationMethod::Exact { .. } => 1.0 / (1..=n).map(|k| k as f64).product::<f64>(),
        PermutationMethod::MonteCarlo { draws, .. } => 1.0 / (draws as f64 + 1.0),
        PermutationMethod::Normal => {
            let sigma = null_variance(n as u64, &[], &[]).sqrt();
            normal_p_values((n * (n - 1) / 2) as i64, sigma, 1.0).at_least
        }
    })
}

/// Checks lengths, size and finiteness; returns n.
fn validate(x: &[f64], y: &[f64]) -> Result<usize, KendallError> {
    if x.len() != y.len() {
        return Err(KendallError::LengthMismatch {
            x_len: x.len(),
            y_len: y.len(),
        });
    }
    let n = x.len();
    if n < 2 {
        return Err(KendallError::TooFewValues { n });
    }
    check_finite(x, Series::X)?;
    check_finite(y, Series::Y)?;
    Ok(n)
}

/// Total order on finite values; -0.0 and 0.0 compare equal, as in [`sign_matrix`].
fn compare(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// S and the tie structure of validated pairs, computed in O(n log n).
struct Summary {
    n: usize,
    /// S = concordant − discordant pairs.
    s: i64,
    /// Sizes of the groups of equal values in `x`, only those of 2 or more.
    x_ties: Vec<u64>,
    /// Sizes of the groups of equal values in `y`, only those of 2 or more.
    y_ties: Vec<u64>,
    /// sqrt((n0 − n1)(n0 − n2)), never zero.
    denominator: f64,
}

impl Summary {
    fn new(x: &[f64], y: &[f64]) -> Result<Summary, KendallError> {
        let n = validate(x, y)?;
        // Sort by x, then y: pairs tied in x are then in increasing y and are never
        // counted as inversions, and pairs tied in both are adjacent.
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_unstable_by(|&a, &b| compare(x[a], x[b]).then(compare(y[a], y[b])));
        let equal = |a: usize, b: usize, v: &[f64]| compare(v[a], v[b]) == Ordering::Equal;
        let x_ties = tie_groups(&order, |a, b| equal(a, b, x));
        let joint_ties = tie_groups(&order, |a, b| equal(a, b, x) && equal(a, b, y));
        let mut ys: Vec<f64> = order.iter().map(|&i| y[i]).collect();
        let discordant = sort_counting_inversions(&mut ys);
        let y_ties = tie_groups(&ys, |a, b| compare(a, b) == Ordering::Equal);
        let pairs = (n * (n - 1) / 2) as u64;
        let untied_x = pairs - tied_pair_count(&x_ties);
        let untied_y = pairs - tied_pair_count(&y_ties);
        if untied_x == 0 {
            return Err(KendallError::AllTied { series: Series::X });
        }
        if untied_y == 0 {
            return Err(KendallError::AllTied { series: Series::Y });
        }
        // Pairs untied in both are concordant or discordant.
        let untied_both = untied_x + tied_pair_count(&joint_ties) - tied_pair_count(&y_ties);
        let s = untied_both as i64 - 2 * discordant as i64;
        Ok(Summary {
            n,
            s,
            x_ties,
            y_ties,
            denominator: ((untied_x as f64) * (untied_y as f64)).sqrt(),
        })
    }

    fn tau(&self) -> f64 {
        (self.s as f64 / self.denominator).clamp(-1.0, 1.0)
    }

    /// The normal approximation; `x` and `y` are the validated series this summarises.
    fn normal_test(&self, x: &[f64], y: &[f64]) -> Result<KendallTest, KendallError> {
        let sigma = null_variance(self.n as u64, &self.x_ties, &self.y_ties).sqrt();
        let p = normal_p_values(self.s, sigma, 1.0);
        // The extremes of S over all orderings: y sorted against x sorted, increasing
        // and decreasing (the comonotone and antitone pairings).
        let mut x_sorted = x.to_vec();
        x_sorted.sort_unstable_by(|a, b| compare(*a, *b));
        let mut y_sorted = y.to_vec();
        y_sorted.sort_unstable_by(|a, b| compare(*a, *b));
        let s_max = Summary::new(&x_sorted, &y_sorted)?.s;
        y_sorted.reverse();
        let s_min = Summary::new(&x_sorted, &y_sorted)?.s;
        let at_max = normal_p_values(s_max, sigma, 1.0).at_least;
        let at_min = normal_p_values(s_min, sigma, 1.0).at_most;
        Ok(KendallTest {
            tau: self.tau(),
            p_increasing: p.at_least,
            p_decreasing: p.at_most,
            p_two_sided: p.as_extreme,
            n: self.n,
            method: PermutationMethod::Normal,
            min_p_one_sided: at_max.min(at_min),
        })
    }
}

/// Approximate P(S ≥ s), P(S ≤ s) and P(|S| ≥ |s|) for S normal with mean 0 and
/// standard deviation `sigma`, with `correction` taken off |s| towards 0 (1 for the
/// continuity correction of an integer S stepping by 2, 0 for none).
fn normal_p_values(s: i64, sigma: f64, correction: f64) -> NormalP {
    let s = s as f64;
    NormalP {
        at_least: upper_tail((s - correction) / sigma),
        at_most: upper_tail(-(s + correction) / sigma),
        as_extreme: (2.0 * upper_tail((s.abs() - correction) / sigma)).min(1.0),
    }
}

/// One-sided and two-sided normal p-values.
struct NormalP {
    at_least: f64,
    at_most: f64,
    as_extreme: f64,
}

/// 1 − Φ(z) for the standard normal Φ, accurate far into the upper tail.
fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// Kendall's variance of S under the permutation null with ties: t are the tie-group
/// sizes of x and u those of y,
///
/// Var(S) = [n(n−1)(2n+5) − Σt(t−1)(2t+5) − Σu(u−1)(2u+5)] / 18
///        + [Σt(t−1)(t−2)]·[Σu(u−1)(u−2)] / [9n(n−1)(n−2)]
///        + [Σt(t−1)]·[Σu(u−1)] / [2n(n−1)].
fn null_variance(n: u64, x_ties: &[u64], y_ties: &[u64]) -> f64 {
    let sum = |ties: &[u64], f: fn(i128) -> i128| -> i128 {
        ties.iter().map(|&t| f(i128::from(t))).sum()
    };
    let v0 = |t: i128| t * (t - 1) * (2 * t + 5);
    let v1 = |t: i128| t * (t - 1);
    let v2 = |t: i128| t * (t - 1) * (t - 2);
    let n = i128::from(n);
    let first = (v0(n) - sum(x_ties, v0) - sum(y_ties, v0)) as f64 / 18.0;
    let second = if n > 2 {
        (sum(x_ties, v2) as f64) * (sum(y_ties, v2) as f64) / (9.0 * v2(n) as f64)
    } else {
        0.0
    };
    let third = (sum(x_ties, v1) as f64) * (sum(y_ties, v1) as f64) / (2.0 * v1(n) as f64);
    first + second + third
}

/// Sizes (2 or more) of the runs of consecutive items that are `equal`.
fn tie_groups<T: Copy>(items: &[T], equal: impl Fn(T, T) -> bool) -> Vec<u64> {
    let mut groups = Vec::new();
    let mut run = 1u64;
    for pair in items.windows(2) {
        if let [a, b] = pair
            && equal(*a, *b)
        {
            run += 1;
        } else {
            if run >= 2 {
                groups.push(run);
            }
            run = 1;
        }
    }
    if run >= 2 {
        groups.push(run);
    }
    groups
}

/// Number of pairs within the tie groups: Σ t(t−1)/2.
fn tied_pair_count(groups: &[u64]) -> u64 {
    groups.iter().map(|t| t * (t - 1) / 2).sum()
}

/// Sorts `values` (bottom-up merge sort) and returns the number of pairs i < j with
/// values[i] > values[j] before sorting; equal values are not inversions.
fn sort_counting_inversions(values: &mut Vec<f64>) -> u64 {
    let n = values.len();
    let mut buffer = values.clone();
    let mut inversions = 0u64;
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j, mut k) = (start, mid, start);
            while i < mid && j < end {
                if values[j] < values[i] {
                    buffer[k] = values[j];
                    j += 1;
                    inversions += (mid - i) as u64;
                } else {
                    buffer[k] = values[i];
                    i += 1;
                }
                k += 1;
            }
            let rest = mid - i;
            buffer[k..k + rest].copy_from_slice(&values[i..mid]);
            buffer[k + rest..end].copy_from_slice(&values[j..end]);
            start = end;
        }
        std::mem::swap(values, &mut buffer);
        width *= 2;
    }
    inversions
}

/// Validated pairs, reduced to the signs tau depends on.
struct Pairing {
    n: usize,
    /// `x_sign[i * n + j]` = sign(x[j] − x[i]).
    x_sign: Vec<i8>,
    /// `y_sign[a * n + b]` = sign(y[b] − y[a]), indexed by original positions of `y`.
    y_sign: Vec<i8>,
    /// Observed S = Σ_{i<j} sign(x[j] − x[i]) · sign(y[j] − y[i]).
    s_observed: i64,
    /// sqrt((n0 − n1)(n0 − n2)), never zero.
    denominator: f64,
}

impl Pairing {
    fn new(x: &[f64], y: &[f64]) -> Result<Pairing, KendallError> {
        let n = validate(x, y)?;
        let x_sign = sign_matrix(x);
        let y_sign = sign_matrix(y);
        let pairs = (n * (n - 1) / 2) as u64;
        let untied_x = pairs - tied_pairs(&x_sign, n);
        let untied_y = pairs - tied_pairs(&y_sign, n);
        if untied_x == 0 {
            return Err(KendallError::AllTied { series: Series::X });
        }
        if untied_y == 0 {
            return Err(KendallError::AllTied { series: Series::Y });
        }
        let identity: Vec<usize> = (0..n).collect();
        let mut pairing = Pairing {
            n,
            x_sign,
            y_sign,
            s_observed: 0,
            denominator: ((untied_x as f64) * (untied_y as f64)).sqrt(),
        };
        pairing.s_observed = pairing.s_of(&identity);
        Ok(pairing)
    }

    fn tau(&self) -> f64 {
        (self.s_observed as f64 / self.denominator).clamp(-1.0, 1.0)
    }

    /// S when position i of `x` is paired with `y[order[i]]`.
    fn s_of(&self, order: &[usize]) -> i64 {
        let n = self.n;
        let mut s = 0i64;
        for i in 0..n {
            let x_row = &self.x_sign[i * n..(i + 1) * n];
            let y_row = &self.y_sign[order[i] * n..(order[i] + 1) * n];
            for j in (i + 1)..n {
                s += i64::from(x_row[j] * y_row[order[j]]);
            }
        }
        s
    }

    fn exact_test(&self) -> KendallTest {
        let max_s = (self.n * (self.n - 1) / 2) as i64;
        // counts[s + max_s] = number of orderings with statistic s.
        let mut counts = vec![0u64; (2 * max_s + 1) as usize];
        let mut order: Vec<usize> = (0..self.n).collect();
        for_each_permutation(&mut order, |p| {
            let s = self.s_of(p);
            counts[(s + max_s) as usize] += 1;
        });
        let total: u64 = counts.iter().sum();
        let mut tally = Tally::default();
        let mut lowest = None;
        let mut highest = None;
        for (slot, &count) in counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            let s = slot as i64 - max_s;
            tally.add(s, self.s_observed, count);
            lowest.get_or_insert(count);
            highest = Some(count);
        }
        let total_f = total as f64;
        let fewest_at_extreme = lowest.unwrap_or(1).min(highest.unwrap_or(1));
        KendallTest {
            tau: self.tau(),
            p_increasing: tally.at_least as f64 / total_f,
            p_decreasing: tally.at_most as f64 / total_f,
            p_two_sided: tally.as_extreme as f64 / total_f,
            n: self.n,
            method: PermutationMethod::Exact {
                permutations: total,
            },
            min_p_one_sided: fewest_at_extreme as f64 / total_f,
        }
    }

    fn monte_carlo_test(&self, options: MonteCarlo) -> KendallTest {
        let mut rng = seeded_rng(options.seed);
        let mut order: Vec<usize> = (0..self.n).collect();
        let mut tally = Tally::default();
        for _ in 0..options.draws {
            order.shuffle(&mut rng);
            tally.add(self.s_of(&order), self.s_observed, 1);
        }
        let denominator = options.draws as f64 + 1.0;
        KendallTest {
            tau: self.tau(),
            p_increasing: (tally.at_least as f64 + 1.0) / denominator,
            p_decreasing: (tally.at_most as f64 + 1.0) / denominator,
            p_two_sided: (tally.as_extreme as f64 + 1.0) / denominator,
            n: self.n,
            method: PermutationMethod::MonteCarlo {
                draws: options.draws,
                seed: options.seed,
            },
            min_p_one_sided: 1.0 / denominator,
        }
    }
}

/// Counts of null statistics at least, at most, and at least as extreme as observed.
#[derive(Default)]
struct Tally {
    at_least: u64,
    at_most: u64,
    as_extreme: u64,
}

impl Tally {
    fn add(&mut self, s: i64, observed: i64, count: u64) {
        if s >= observed {
            self.at_least += count;
        }
        if s <= observed {
            self.at_most += count;
        }
        if s.abs() >= observed.abs() {
            self.as_extreme += count;
        }
    }
}

fn check_finite(values: &[f64], series: Series) -> Result<(), KendallError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(KendallError::NonFinite { series, index }),
        None => Ok(()),
    }
}

/// Row-major n × n matrix of sign(v[j] − v[i]); -0.0 and 0.0 count as tied.
fn sign_matrix(values: &[f64]) -> Vec<i8> {
    let mut signs = Vec::with_capacity(values.len() * values.len());
    for a in values {
        for b in values {
            signs.push(i8::from(b > a) - i8::from(b < a));
        }
    }
    signs
}

fn tied_pairs(signs: &[i8], n: usize) -> u64 {
    let mut tied = 0;
    for i in 0..n {
        for j in (i + 1)..n {
            if signs[i * n + j] == 0 {
                tied += 1;
            }
        }
    }
    tied
}

/// Calls `visit` once with every ordering of `items` (Heap's algorithm, iterative).
fn for_each_permutation(items: &mut [usize], mut visit: impl FnMut(&[usize])) {
    let n = items.len();
    let mut counters = vec![0usize; n];
    visit(items);
    let mut i = 1;
    while i < n {
        if counters[i] < i {
            if i % 2 == 0 {
                items.swap(0, i);
            } else {
                items.swap(counters[i], i);
            }
            visit(items);
            counters[i] += 1;
            i = 1;
        } else {
            counters[i] = 0;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOL: f64 = 1e-12;

    fn assert_close(actual: f64, expected: f64, what: &str) {
        assert!(
            (actual - expected).abs() < TOL,
            "{what}: got {actual}, expected {expected}"
        );
    }

    /// Expected values for one exact case. `tau` is scipy 1.17.1
    /// `scipy.stats.kendalltau(x, y).statistic` (variant "b"). The p-values and the
    /// minimum one-sided p are exact fractions from a brute-force Python script that
    /// enumerated every ordering with `itertools.permutations(y)` and recomputed
    /// tau-b with `scipy.stats.kendalltau` for each (n = 10: numpy enumeration of all
    /// 10! orderings). min_p is min(P(tau = max tau), P(tau = min tau)).
    struct Expected {
        tau: f64,
        p_increasing: f64,
        p_decreasing: f64,
        p_two_sided: f64,
        min_p: f64,
    }

    fn check_exact(x: &[f64], y: &[f64], e: Expected) {
        let test = kendall_test(x, y, MonteCarlo::default()).expect("defined");
        assert_close(test.tau, e.tau, "tau");
        assert_close(test.p_increasing, e.p_increasing, "p_increasing");
        assert_close(test.p_decreasing, e.p_decreasing, "p_decreasing");
        assert_close(test.p_two_sided, e.p_two_sided, "p_two_sided");
        assert_close(test.min_p_one_sided, e.min_p, "min_p_one_sided");
        assert_eq!(test.n, x.len());
        let factorial: u64 = (1..=x.len() as u64).product();
        assert_eq!(
            test.method,
            PermutationMethod::Exact {
                permutations: factorial
            }
        );
        assert_close(
            kendall_tau_b(x, y).expect("defined"),
            e.tau,
            "kendall_tau_b",
        );
    }

    #[test]
    fn perfectly_increasing_four_points_has_p_one_in_24() {
        check_exact(
            &[1.0, 2.0, 3.0, 4.0],
            &[1.0, 2.0, 3.0, 4.0],
            Expected {
                tau: 1.0,
                p_increasing: 1.0 / 24.0,
                p_decreasing: 1.0,
                p_two_sided: 1.0 / 12.0,
                min_p: 1.0 / 24.0,
            },
        );
    }

    #[test]
    fn distinct_values_n7() {
        check_exact(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
            &[2.5, 1.0, 4.0, 3.2, 6.1, 5.0, 7.3],
            Expected {
                tau: 0.7142857142857143,
                p_increasing: 19.0 / 1260.0,
                p_decreasing: 557.0 / 560.0,
                p_two_sided: 19.0 / 630.0,
                min_p: 1.0 / 5040.0,
            },
        );
    }

    #[test]
    fn decreasing_n5() {
        check_exact(
            &[1.0, 2.0, 3.0, 4.0, 5.0],
            &[5.0, 3.0, 4.0, 1.0, 2.0],
            Expected {
                tau: -0.6,
                p_increasing: 23.0 / 24.0,
                p_decreasing: 7.0 / 60.0,
                p_two_sided: 7.0 / 30.0,
                min_p: 1.0 / 120.0,
            },
        );
    }

    #[test]
    fn weak_association_n6() {
        check_exact(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            &[3.0, 1.0, 6.0, 2.0, 5.0, 4.0],
            Expected {
                tau: 0.2,
                p_increasing: 259.0 / 720.0,
                p_decreasing: 551.0 / 720.0,
                p_two_sided: 259.0 / 360.0,
                min_p: 1.0 / 720.0,
            },
        );
    }

    #[test]
    fn ties_in_y_n7() {
        check_exact(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
            &[1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 3.0],
            Expected {
                tau: 0.8728715609439696,
                p_increasing: 1.0 / 210.0,
                p_decreasing: 1.0,
                p_two_sided: 1.0 / 105.0,
                min_p: 1.0 / 210.0,
            },
        );
    }

    #[test]
    fn ties_in_both_n6() {
        check_exact(
            &[1.0, 1.0, 2.0, 3.0, 3.0, 3.0],
            &[2.0, 1.0, 2.0, 4.0, 3.0, 3.0],
            Expected {
                tau: 0.8362420100070908,
                p_increasing: 1.0 / 30.0,
                p_decreasing: 1.0,
                p_two_sided: 1.0 / 15.0,
                min_p: 1.0 / 30.0,
            },
        );
    }

    #[test]
    fn asymmetric_null_two_sided_is_counted_not_doubled() {
        // Null S takes 2 with probability 1/3 and -1 with probability 2/3, so
        // doubling p_increasing (scipy.stats.permutation_test's two-sided rule)
        // would give 2/3; counting |tau| >= 1 gives 1/3.
        check_exact(
            &[1.0, 1.0, 2.0],
            &[1.0, 1.0, 2.0],
            Expected {
                tau: 1.0,
                p_increasing: 1.0 / 3.0,
                p_decreasing: 1.0,
                p_two_sided: 1.0 / 3.0,
                min_p: 1.0 / 3.0,
            },
        );
    }

    #[test]
    fn min_p_takes_the_rarer_extreme() {
        // Here the null S is -2 with probability 1/3 and 1 with probability 2/3:
        // the decreasing extreme is the rarer one.
        check_exact(
            &[1.0, 1.0, 2.0],
            &[2.0, 2.0, 1.0],
            Expected {
                tau: -1.0,
                p_increasing: 1.0,
                p_decreasing: 1.0 / 3.0,
                p_two_sided: 1.0 / 3.0,
                min_p: 1.0 / 3.0,
            },
        );
    }

    #[test]
    fn ties_in_y_n10_is_exact() {
        check_exact(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
            &[1.0, 2.0, 1.0, 3.0, 2.0, 3.0, 4.0, 3.0, 5.0, 4.0],
            Expected {
                tau: 0.7399853698407473,
                p_increasing: 1.0 / 630.0,
                p_decreasing: 1511.0 / 1512.0,
                p_two_sided: 1.0 / 315.0,
                min_p: 1.0 / 75600.0,
            },
        );
    }

    #[test]
    fn distinct_n10_matches_scipy_exact() {
        // scipy 1.17.1 kendalltau(x, y, method="exact", alternative=...).pvalue:
        // greater 0.0011064263668430336, less 0.9995268408289242,
        // two-sided 0.002212852733686067; statistic 0.7333333333333333.
        check_exact(
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0],
            &[3.0, 1.0, 2.0, 5.0, 4.0, 7.0, 6.0, 10.0, 8.0, 9.0],
            Expected {
                tau: 0.7333333333333333,
                p_increasing: 0.0011064263668430336,
                p_decreasing: 0.9995268408289242,
                p_two_sided: 0.002212852733686067,
                min_p: 1.0 / 3_628_800.0,
            },
        );
    }

    const X12: [f64; 12] = [
        1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0,
    ];
    const Y12: [f64; 12] = [
        5.0, 2.0, 8.0, 1.0, 12.0, 4.0, 7.0, 3.0, 10.0, 6.0, 11.0, 9.0,
    ];

    #[test]
    fn monte_carlo_n12_is_close_to_scipy_exact() {
        // scipy 1.17.1 kendalltau(X12, Y12, method="exact"): statistic
        // 0.303030303030303; p greater 0.09847497169111752, less 0.9237047705059858,
        // two-sided 0.19694994338223504. With 20,000 draws the standard error of a
        // p near 0.1 is about 0.002; the tolerance is 0.01.
        let options = MonteCarlo {
            draws: 20_000,
            seed: 7,
        };
        let test = kendall_test(&X12, &Y12, options).expect("defined");
        assert_close(test.tau, 0.303030303030303, "tau");
        assert!((test.p_increasing - 0.09847497169111752).abs() < 0.01);
        assert!((test.p_decreasing - 0.9237047705059858).abs() < 0.01);
        assert!((test.p_two_sided - 0.19694994338223504).abs() < 0.01);
        assert_eq!(
            test.method,
            PermutationMethod::MonteCarlo {
                draws: 20_000,
                seed: 7
            }
        );
        assert_close(test.min_p_one_sided, 1.0 / 20_001.0, "min_p_one_sided");
    }

    #[test]
    fn monte_carlo_same_seed_same_result_other_seed_differs() {
        let options = MonteCarlo {
            draws: 2_000,
            seed: 11,
        };
        let a = kendall_test(&X12, &Y12, options).expect("defined");
        let b = kendall_test(&X12, &Y12, options).expect("defined");
        assert_eq!(a, b);
        let c = kendall_test(
            &X12,
            &Y12,
            MonteCarlo {
                seed: 12,
                ..options
            },
        )
        .expect("defined");
        assert_ne!(a.p_increasing, c.p_increasing);
    }

    #[test]
    fn monte_carlo_p_is_never_zero() {
        let x: Vec<f64> = (0..15).map(f64::from).collect();
        let options = MonteCarlo {
            draws: 500,
            seed: 3,
        };
        let test = kendall_test(&x, &x, options).expect("defined");
        assert_close(test.p_increasing, 1.0 / 501.0, "p_increasing");
        assert_close(test.p_decreasing, 1.0, "p_decreasing");
    }

    #[test]
    fn undefined_inputs_are_errors() {
        assert_eq!(
            kendall_tau_b(&[1.0, 2.0], &[1.0]),
            Err(KendallError::LengthMismatch { x_len: 2, y_len: 1 })
        );
        assert_eq!(
            kendall_tau_b(&[1.0], &[1.0]),
            Err(KendallError::TooFewValues { n: 1 })
        );
        assert_eq!(
            kendall_tau_b(&[], &[]),
            Err(KendallError::TooFewValues { n: 0 })
        );
        assert_eq!(
            kendall_tau_b(&[2.0, 2.0, 2.0], &[1.0, 2.0, 3.0]),
            Err(KendallError::AllTied { series: Series::X })
        );
        assert_eq!(
            kendall_tau_b(&[1.0, 2.0, 3.0], &[0.0, -0.0, 0.0]),
            Err(KendallError::AllTied { series: Series::Y })
        );
        assert_eq!(
            kendall_tau_b(&[1.0, f64::NAN], &[1.0, 2.0]),
            Err(KendallError::NonFinite {
                series: Series::X,
                index: 1
            })
        );
        assert_eq!(
            kendall_tau_b(&[1.0, 2.0], &[f64::INFINITY, 2.0]),
            Err(KendallError::NonFinite {
                series: Series::Y,
                index: 0
            })
        );
        let zero = MonteCarlo { draws: 0, seed: 0 };
        assert_eq!(kendall_test(&X12, &Y12, zero), Err(KendallError::NoDraws));
        // Exact sizes never need draws.
        assert!(kendall_test(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0], zero).is_ok());
    }

    fn assert_relative(actual: f64, expected: f64, what: &str) {
        assert!(
            ((actual - expected) / expected).abs() < 1e-10,
            "{what}: got {actual}, expected {expected}"
        );
    }

    #[test]
    fn variance_matches_a_hand_computation_and_the_enumerated_null() {
        // No ties: n(n−1)(2n+5)/18 = 7·6·19/18 = 44.333...
        assert_close(null_variance(7, &[], &[]), 798.0 / 18.0, "no ties");
        // x = [1,1,1,2,3,4,5] (t = 3), y = [1,2,2,2,3,3,4] (u = 3, 2). By hand:
        // [7·6·19 − 3·2·11 − (3·2·11 + 2·1·9)] / 18 = (798 − 66 − 84) / 18 = 36;
        // (3·2·1)(3·2·1) / (9·7·6·5) = 36 / 1890 = 2/105;
        // (3·2)(3·2 + 2·1) / (2·7·6) = 48 / 84 = 4/7; total 36 + 62/105 = 3842/105.
        let x = [1.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [1.0, 2.0, 2.0, 2.0, 3.0, 3.0, 4.0];
        let summary = Summary::new(&x, &y).expect("defined");
        assert_eq!(summary.x_ties, vec![3]);
        assert_eq!(summary.y_ties, vec![3, 2]);
        let variance = null_variance(7, &summary.x_ties, &summary.y_ties);
        assert_close(variance, 3842.0 / 105.0, "hand");
        // Kendall's formula is the exact permutation variance (mean 0): the sum of S²
        // over all 5040 orderings is 5040 · 3842/105 = 184,416.
        let pairing = Pairing::new(&x, &y).expect("defined");
        let mut order: Vec<usize> = (0..7).collect();
        let (mut sum, mut sum_sq) = (0i64, 0i64);
        for_each_permutation(&mut order, |p| {
            let s = pairing.s_of(p);
            sum += s;
            sum_sq += s * s;
        });
        assert_eq!(sum, 0);
        assert_eq!(sum_sq, 184_416);
    }

    /// x = 1..=80, y = 37·i mod 83: 80 distinct values of each.
    fn distinct_n80() -> (Vec<f64>, Vec<f64>) {
        (1..=80)
            .map(|i| (f64::from(i), f64::from(i * 37 % 83)))
            .unzip()
    }

    /// x = i div 3, y = (7i mod 11) + i div 25 for i in 0..100: ties in both.
    fn tied_n100() -> (Vec<f64>, Vec<f64>) {
        (0..100)
            .map(|i| (f64::from(i / 3), f64::from(i * 7 % 11 + i / 25)))
            .unzip()
    }

    #[test]
    fn normal_p_values_match_scipy_asymptotic_and_a_python_continuity_correction() {
        // Reference values from Python (scipy 1.17.1, numpy), for each data set:
        // - scipy.stats.kendalltau(x, y, method="asymptotic", alternative=...) gives
        //   tau and the p-values WITHOUT a continuity correction: compared with
        //   normal_p_values(s, sigma, 0.0), this checks S and the tie-corrected variance.
        // - an independent Python S (double loop of sign products), the variance
        //   formula from collections.Counter tie counts, and scipy.stats.norm:
        //   sf((S−1)/σ), cdf((S+1)/σ), min(1, 2·sf((|S|−1)/σ)), which kendall_test must
        //   return.
        struct Reference {
            data: (Vec<f64>, Vec<f64>),
            tau: f64,
            s: i64,
            variance: f64,
            uncorrected: [f64; 3],
            corrected: [f64; 3],
        }
        let cases = [
            Reference {
                data: distinct_n80(),
                tau: 0.07721518987341772,
                s: 244,
                variance: 57933.333333333336,
                uncorrected: [0.15535398169312148, 0.8446460183068785, 0.31070796338624296],
                corrected: [0.15634756673880484, 0.8456354274391424, 0.3126951334776097],
            },
            Reference {
                data: tied_n100(),
                tau: 0.20232884798930048,
                s: 954,
                variance: 111676.79428571428,
                uncorrected: [
                    0.0021535883414166256,
                    0.9978464116585833,
                    0.004307176682833251,
                ],
                corrected: [
                    0.002173964917526614,
                    0.9978666149091132,
                    0.004347929835053228,
                ],
            },
        ];
        for case in cases {
            let (x, y) = &case.data;
            let summary = Summary::new(x, y).expect("defined");
            assert_eq!(summary.s, case.s);
            let variance = null_variance(x.len() as u64, &summary.x_ties, &summary.y_ties);
            assert_relative(variance, case.variance, "variance");
            let raw = normal_p_values(summary.s, variance.sqrt(), 0.0);
            assert_relative(raw.at_least, case.uncorrected[0], "uncorrected greater");
            assert_relative(raw.at_most, case.uncorrected[1], "uncorrected less");
            assert_relative(raw.as_extreme, case.uncorrected[2], "uncorrected two-sided");
            let test = kendall_test(x, y, MonteCarlo::default()).expect("defined");
            assert_eq!(test.method, PermutationMethod::Normal);
            assert_eq!(test.n, x.len());
            assert_close(test.tau, case.tau, "tau");
            assert_relative(test.p_increasing, case.corrected[0], "p_increasing");
            assert_relative(test.p_decreasing, case.corrected[1], "p_decreasing");
            assert_relative(test.p_two_sided, case.corrected[2], "p_two_sided");
            assert!(test.min_p_one_sided > 0.0 && test.min_p_one_sided < 1e-20);
        }
    }

    #[test]
    fn fast_s_equals_the_pairwise_s_on_random_data_with_ties() {
        use rand::RngExt;
        let mut rng = seeded_rng(42);
        let mut checked = 0;
        for round in 0..400 {
            let n = 2 + round % 60;
            // Few distinct values so that ties in x, in y and in both are common; -0.0
            // and 0.0 must count as tied.
            let levels = 1 + round % 7;
            let draw = |rng: &mut crate::analysis::AnalysisRng| -> Vec<f64> {
                (0..n)
                    .map(|_| {
                        let v = f64::from(rng.random_range(0..levels as u32)) - 1.0;
                        if v == 0.0 && rng.random_bool(0.5) {
                            -0.0
                        } else {
                            v
                        }
                    })
                    .collect()
            };
            let x = draw(&mut rng);
            let y = draw(&mut rng);
            match (Summary::new(&x, &y), Pairing::new(&x, &y)) {
                (Ok(fast), Ok(slow)) => {
                    assert_eq!(fast.s, slow.s_observed, "x {x:?} y {y:?}");
                    assert_eq!(fast.denominator, slow.denominator, "x {x:?} y {y:?}");
                    assert_eq!(fast.tau(), slow.tau());
                    checked += 1;
                }
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!(
                    "disagree: {:?} / {:?}",
                    a.map(|s| s.s),
                    b.map(|p| p.s_observed)
                ),
            }
        }
        assert!(checked > 300, "only {checked} defined cases");
    }

    #[test]
    fn normal_min_p_uses_the_extremes_of_s_that_enumeration_finds() {
        // The sorted pairings reach the largest and smallest S of all orderings.
        let mut rng = seeded_rng(5);
        use rand::RngExt;
        for _ in 0..30 {
            let x: Vec<f64> = (0..7)
                .map(|_| f64::from(rng.random_range(0..4u32)))
                .collect();
            let y: Vec<f64> = (0..7)
                .map(|_| f64::from(rng.random_range(0..4u32)))
                .collect();
            let Ok(pairing) = Pairing::new(&x, &y) else {
                continue;
            };
            let (mut lowest, mut highest) = (i64::MAX, i64::MIN);
            let mut order: Vec<usize> = (0..7).collect();
            for_each_permutation(&mut order, |p| {
                let s = pairing.s_of(p);
                lowest = lowest.min(s);
                highest = highest.max(s);
            });
            let mut xs = x.clone();
            xs.sort_unstable_by(|a, b| compare(*a, *b));
            let mut ys = y.clone();
            ys.sort_unstable_by(|a, b| compare(*a, *b));
            assert_eq!(Summary::new(&xs, &ys).expect("defined").s, highest);
            ys.reverse();
            assert_eq!(Summary::new(&xs, &ys).expect("defined").s, lowest);
        }
    }

    #[test]
    fn method_switches_at_the_limits() {
        let ramp = |n: usize| -> Vec<f64> { (0..n).map(|i| i as f64).collect() };
        let few = MonteCarlo { draws: 10, seed: 0 };
        let at = |n: usize| {
            kendall_test(&ramp(n), &ramp(n), few)
                .expect("defined")
                .method
        };
        assert_eq!(
            at(MONTE_CARLO_MAX_N),
            PermutationMethod::MonteCarlo { draws: 10, seed: 0 }
        );
        assert_eq!(at(MONTE_CARLO_MAX_N + 1), PermutationMethod::Normal);
        // Above the limit draws are not used, so zero draws is no error, and the
        // input errors are the same as below it.
        let long = ramp(200);
        let zero = MonteCarlo { draws: 0, seed: 0 };
        let test = kendall_test(&long, &long, zero).expect("defined");
        assert_eq!(test.tau, 1.0);
        // The largest S is the observed one, so min_p is p_increasing; with 200 pairs
        // the normal tail underflows to 0.
        assert_eq!(test.min_p_one_sided, test.p_increasing);
        assert_eq!(
            kendall_test(&long, &long[1..], zero),
            Err(KendallError::LengthMismatch {
                x_len: 200,
                y_len: 199
            })
        );
        let mut bad = long.clone();
        bad[150] = f64::NAN;
        assert_eq!(
            kendall_test(&long, &bad, zero),
            Err(KendallError::NonFinite {
                series: Series::Y,
                index: 150
            })
        );
        assert_eq!(
            kendall_test(&vec![1.0; 200], &long, zero),
            Err(KendallError::AllTied { series: Series::X })
        );
    }

    #[test]
    fn method_for_and_smallest_p_agree_with_kendall_test() {
        let options = MonteCarlo { draws: 50, seed: 1 };
        for n in [2, 4, 10, 11, 70, 71, 150] {
            let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
            let test = kendall_test(&x, &x, options).expect("defined");
            assert_eq!(method_for(n, options), test.method, "n = {n}");
            let smallest = smallest_p_one_sided(n, options).expect("n >= 2");
            assert_close(smallest, test.p_increasing, "p of a perfect rise");
        }
        assert_eq!(smallest_p_one_sided(1, options), None);
        assert_eq!(smallest_p_one_sided(4, options), Some(1.0 / 24.0));
    }

    #[test]
    fn inversions_are_counted_strictly() {
        let mut values = vec![3.0, 1.0, 2.0, 2.0, 0.0, -0.0];
        // 3 > 1, 2, 2, 0, -0 (5); 1 > 0, -0 (2); 2 > 0, -0 twice (4); 0 vs -0 tied.
        assert_eq!(sort_counting_inversions(&mut values), 11);
        assert_eq!(values[2..], [1.0, 2.0, 2.0, 3.0]);
    }

    #[test]
    fn heap_visits_every_permutation_once() {
        let mut items: Vec<usize> = (0..5).collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut visits = 0;
        for_each_permutation(&mut items, |p| {
            seen.insert(p.to_vec());
            visits += 1;
        });
        assert_eq!(visits, 120);
        assert_eq!(seen.len(), 120);
    }
}
