//! Kendall's tau-b between two paired series, and its permutation test.
//!
//! [`kendall_tau_b`] measures rank association with the tau-b tie correction.
//! [`kendall_test`] adds permutation p-values: under the null hypothesis every ordering
//! of the second series against the first is equally likely. Up to [`EXACT_MAX_N`]
//! pairs all n! orderings are enumerated; above that a seeded Monte Carlo sample of
//! orderings is drawn, and the result says which was done.
//!
//! Comparisons between permuted and observed statistics are made on the integer
//! numerator S = (concordant − discordant pairs). Permuting one series keeps both
//! tie corrections, so tau-b is S over a constant and comparing S is exact: no float
//! epsilon is involved.
//!
//! This module does not interpret a p-value or pick a significance level, and it does
//! not handle missing values: callers pair and filter their series first.

use rand::seq::SliceRandom;

use super::seed::seeded_rng;

/// The largest number of pairs for which [`kendall_test`] enumerates every ordering
/// (10! = 3,628,800); longer series use Monte Carlo.
pub const EXACT_MAX_N: usize = 10;

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

/// How the Monte Carlo test runs when there are more than [`EXACT_MAX_N`] pairs.
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
    /// Whether the p-values are exact or Monte Carlo estimates.
    pub method: PermutationMethod,
    /// The smallest one-sided p-value any ordering could produce for this n and tie
    /// pattern, in either direction (1/24 for 4 distinct values). With Monte Carlo it
    /// is the resolution floor 1 / (1 + draws). If this is above the level you test
    /// at, the test cannot reject whatever the data.
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
    Ok(Pairing::new(x, y)?.tau())
}

/// Kendall's tau-b of `x` against `y` with permutation p-values.
///
/// With at most [`EXACT_MAX_N`] pairs all n! orderings of `y` are enumerated and
/// `monte_carlo` is ignored; with more, `monte_carlo.draws` random orderings are drawn
/// from `monte_carlo.seed`. Time is O(n²) per ordering and memory O(n²): this is meant
/// for series of tens or hundreds of points, such as scores over time.
///
/// # Errors
/// As [`kendall_tau_b`], plus [`KendallError::NoDraws`] when Monte Carlo is needed and
/// `monte_carlo.draws` is 0.
pub fn kendall_test(
    x: &[f64],
    y: &[f64],
    monte_carlo: MonteCarlo,
) -> Result<KendallTest, KendallError> {
    let pairing = Pairing::new(x, y)?;
    if pairing.n <= EXACT_MAX_N {
        Ok(pairing.exact_test())
    } else if monte_carlo.draws == 0 {
        Err(KendallError::NoDraws)
    } else {
        Ok(pairing.monte_carlo_test(monte_carlo))
    }
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
