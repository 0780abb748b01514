//! Krippendorff's alpha for coder agreement, and a bootstrap interval for it.
//!
//! Input is a reliability data matrix: one row per unit (an item that was coded), one
//! column per coder, `None` where a coder gave no value. Alpha is computed from the
//! coincidence matrix as in Krippendorff (2011), "Computing Krippendorff's
//! Alpha-Reliability": every unit with m ≥ 2 values adds 1/(m − 1) for each ordered
//! pair of its values; units with fewer than two values are dropped; then
//! alpha = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck.
//!
//! [`bootstrap_alpha`] adds a percentile interval from resampling the pairable units
//! with replacement. (Krippendorff's own bootstrap resamples pairs of values instead;
//! resampling units keeps each unit's values together.)
//!
//! This module does not judge whether an alpha is good enough, and it does not map
//! categories to numbers: nominal codes must already be numbers, whose order matters
//! only for the ordinal, interval and ratio metrics.

use rand::RngExt;

use crate::analysis::seed::seeded_rng;

/// The difference function δ² that says how far apart two values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Unordered categories: δ² = 0 if equal, 1 otherwise.
    Nominal,
    /// Ranks: δ² = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², using the frequencies n_g of
    /// the values in the coincidence matrix.
    Ordinal,
    /// Equal-interval numbers: δ² = (c − k)².
    Interval,
    /// Numbers with a true zero: δ² = ((c − k)/(c + k))², 0 when both are 0. Values
    /// must not be negative.
    Ratio,
}

/// Why alpha or its interval could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AgreementError {
    /// Rows of the matrix have different numbers of coder columns.
    #[error("unit {unit} has {found} coder columns but unit 0 has {expected}")]
    RaggedMatrix {
        /// Zero-based index of the first unit whose length differs.
        unit: usize,
        /// Number of columns of unit 0.
        expected: usize,
        /// Number of columns of this unit.
        found: usize,
    },
    /// A value is NaN or infinite (use `None` for a missing value).
    #[error("unit {unit}, coder {coder}: the value is not a finite number")]
    NonFinite {
        /// Zero-based unit index.
        unit: usize,
        /// Zero-based coder index.
        coder: usize,
    },
    /// The ratio metric was given a negative value.
    #[error("unit {unit}, coder {coder}: the ratio metric needs values >= 0, got {value}")]
    NegativeRatioValue {
        /// Zero-based unit index.
        unit: usize,
        /// Zero-based coder index.
        coder: usize,
        /// The negative value.
        value: f64,
    },
    /// No unit has two or more values, so no pair of values can be compared.
    #[error("no unit has two or more values to pair, so alpha is undefined")]
    NoPairableValues,
    /// All pairable values are equal, so the expected disagreement is 0.
    #[error("all pairable values are equal, so expected disagreement is 0 and alpha is undefined")]
    NoVariation,
    /// The bootstrap was asked for zero draws.
    #[error("the bootstrap needs at least one draw")]
    NoDraws,
    /// The interval's level is not strictly between 0 and 1.
    #[error("the interval level must lie strictly between 0 and 1, got {level}")]
    InvalidLevel {
        /// The level given.
        level: f64,
    },
    /// Alpha was undefined in every bootstrap draw.
    #[error("alpha was undefined in every one of the {draws} bootstrap draws")]
    NoDefinedDraws {
        /// Number of draws made.
        draws: usize,
    },
}

/// Settings of [`bootstrap_alpha`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BootstrapOptions {
    /// Number of resamples; must be at least 1.
    pub draws: usize,
    /// Seed of the generator; the same seed gives the same interval.
    pub seed: u64,
    /// Coverage of the interval, strictly between 0 and 1 (0.95 gives the 2.5 % and
    /// 97.5 % percentiles).
    pub level: f64,
}

impl Default for BootstrapOptions {
    /// 2,000 draws, seed 0, level 0.95.
    fn default() -> Self {
        BootstrapOptions {
            draws: 2_000,
            seed: 0,
            level: 0.95,
        }
    }
}

/// Alpha with a bootstrap percentile interval.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaInterval {
    /// Alpha of the data as given.
    pub alpha: f64,
    /// Lower percentile, at (1 − level)/2, of the alphas of the resamples used.
    pub lower: f64,
    /// Upper percentile, at (1 + level)/2, of the alphas of the resamples used.
    pub upper: f64,
    /// The interval's coverage, as requested.
    pub level: f64,
    /// Resamples drawn.
    pub draws: usize,
    /// Resamples in which alpha was defined; only these make the interval.
    pub draws_used: usize,
    /// Seed the resamples were drawn with.
    pub seed: u64,
    /// Units with two or more values: the ones alpha uses and the bootstrap resamples.
    pub pairable_units: usize,
}

/// Krippendorff's alpha of `units` (rows: units, columns: coders) under `metric`.
///
/// # Errors
/// [`AgreementError`] when rows differ in length, a value is not finite, a ratio value
/// is negative, no unit has two values, or all pairable values are equal.
pub fn krippendorff_alpha<U: AsRef<[Option<f64>]>>(
    units: &[U],
    metric: Metric,
) -> Result<f64, AgreementError> {
    let data = Reliability::new(units, metric)?;
    data.alpha(0..data.units.len())
}

/// Krippendorff's alpha of `units` with a bootstrap percentile interval.
///
/// Each draw resamples the pairable units with replacement (as many as there are) and
/// recomputes alpha, ordinal frequencies included. Draws where alpha is undefined
/// (e.g. every resampled value equal) are skipped and counted in
/// [`AlphaInterval::draws_used`]. Percentiles interpolate linearly between order
/// statistics (Hyndman and Fan type 7, numpy's default).
///
/// # Errors
/// As [`krippendorff_alpha`], plus [`AgreementError::NoDraws`],
/// [`AgreementError::InvalidLevel`] and [`AgreementError::NoDefinedDraws`].
pub fn bootstrap_alpha<U: AsRef<[Option<f64>]>>(
    units: &[U],
    metric: Metric,
    options: &BootstrapOptions,
) -> Result<AlphaInterval, AgreementError> {
    if options.draws == 0 {
        return Err(AgreementError::NoDraws);
    }
    if !(options.level > 0.0 && options.level < 1.0) {
        return Err(AgreementError::InvalidLevel {
            level: options.level,
        });
    }
    let data = Reliability::new(units, metric)?;
    let count = data.units.len();
    let alpha = data.alpha(0..count)?;
    let mut rng = seeded_rng(options.seed);
    let mut picks = vec![0usize; count];
    let mut alphas = Vec::with_capacity(options.draws);
    for _ in 0..options.draws {
        for pick in picks.iter_mut() {
            *pick = rng.random_range(0..count);
        }
        if let Ok(value) = data.alpha(picks.iter().copied()) {
            alphas.push(value);
        }
    }
    alphas.sort_by(f64::total_cmp);
    let tail = (1.0 - options.level) / 2.0;
    match (percentile(&alphas, tail), percentile(&alphas, 1.0 - tail)) {
        (Some(lower), Some(upper)) => Ok(AlphaInterval {
            alpha,
            lower,
            upper,
            level: options.level,
            draws: options.draws,
            draws_used: alphas.len(),
            seed: options.seed,
            pairable_units: count,
        }),
        _ => Err(AgreementError::NoDefinedDraws {
            draws: options.draws,
        }),
    }
}

/// Validated reliability data reduced to what alpha needs.
struct Reliability {
    metric: Metric,
    /// Distinct values of the pairable units, ascending.
    values: Vec<f64>,
    /// Each pairable unit as indices into `values`.
    units: Vec<Vec<usize>>,
}

impl Reliability {
    fn new<U: AsRef<[Option<f64>]>>(
        units: &[U],
        metric: Metric,
    ) -> Result<Reliability, AgreementError> {
        let expected = units.first().map_or(0, |unit| unit.as_ref().len());
        let mut pairable: Vec<Vec<f64>> = Vec::new();
        for (unit_index, unit) in units.iter().enumerate() {
            let row = unit.as_ref();
            if row.len() != expected {
                return Err(AgreementError::RaggedMatrix {
                    unit: unit_index,
                    expected,
                    found: row.len(),
                });
            }
            let mut present = Vec::with_capacity(row.len());
            for (coder, value) in row.iter().enumerate() {
                let Some(value) = *value else { continue };
                if !value.is_finite() {
                    return Err(AgreementError::NonFinite {
                        unit: unit_index,
                        coder,
                    });
                }
                if metric == Metric::Ratio && value < 0.0 {
                    return Err(AgreementError::NegativeRatioValue {
                        unit: unit_index,
                        coder,
                        value,
                    });
                }
                // Adding 0.0 turns -0.0 into 0.0, so the two are one value below.
                present.push(value + 0.0);
            }
            if present.len() >= 2 {
                pairable.push(present);
            }
        }
        let mut values: Vec<f64> = pairable.iter().flatten().copied().collect();
        values.sort_by(f64::total_cmp);
        values.dedup();
        let units = pairable
            .iter()
            .map(|unit| {
                unit.iter()
                    .map(|v| values.partition_point(|w| w < v))
                    .collect()
            })
            .collect();
        Ok(Reliability {
            metric,
            values,
            units,
        })
    }

    /// Alpha over the pairable units at `picks` (repeats allowed).
    fn alpha(&self, picks: impl Iterator<Item = usize>) -> Result<f64, AgreementError> {
        let v = self.values.len();
        let mut coincidences = vec![0.0f64; v * v];
        for pick in picks {
            let Some(unit) = self.units.get(pick) else {
                continue;
            };
            let weight = 1.0 / (unit.len() - 1) as f64;
            for (a, &c) in unit.iter().enumerate() {
                for (b, &k) in unit.iter().enumerate() {
                    if a != b {
                        coincidences[c * v + k] += weight;
                    }
                }
            }
        }
        let totals: Vec<f64> = coincidences
            .chunks_exact(v.max(1))
            .map(|row| row.iter().sum())
            .collect();
        let n: f64 = totals.iter().sum();
        if n <= 0.0 {
            return Err(AgreementError::NoPairableValues);
        }
        let distance = Distance::new(self.metric, &self.values, &totals);
        let mut observed = 0.0;
        let mut expected = 0.0;
        for c in 0..v {
            for k in 0..v {
                if c == k {
                    continue;
                }
                let d = distance.squared(c, k);
                observed += coincidences[c * v + k] * d;
                expected += totals[c] * totals[k] * d;
            }
        }
        if expected <= 0.0 {
            return Err(AgreementError::NoVariation);
        }
        Ok(1.0 - (n - 1.0) * observed / expected)
    }
}

/// δ² between value indices, for one metric and one set of value frequencies.
struct Distance<'a> {
    metric: Metric,
    values: &'a [f64],
    /// `cumulative[i]` = Σ_{g < i} n_g, for the ordinal metric.
    cumulative: Vec<f64>,
    totals: &'a [f64],
}

impl<'a> Distance<'a> {
    fn new(metric: Metric, values: &'a [f64], totals: &'a [f64]) -> Distance<'a> {
        let mut cumulative = Vec::with_capacity(totals.len() + 1);
        let mut running = 0.0;
        cumulative.push(running);
        for total in totals {
            running += total;
            cumulative.push(running);
        }
        Distance {
            metric,
            values,
            cumulative,
            totals,
        }
    }

    fn squared(&self, c: usize, k: usize) -> f64 {
        let (low, high) = if c <= k { (c, k) } else { (k, c) };
        let (a, b) = (self.values[low], self.values[high]);
        match self.metric {
            Metric::Nominal => {
                if low == high {
                    0.0
                } else {
                    1.0
                }
            }
            Metric::Ordinal => {
                let between = self.cumulative[high + 1] - self.cumulative[low];
                let d = between - (self.totals[low] + self.totals[high]) / 2.0;
                d * d
            }
            Metric::Interval => (b - a) * (b - a),
            Metric::Ratio => {
                let sum = a + b;
                if sum == 0.0 {
                    0.0
                } else {
                    let d = (b - a) / sum;
                    d * d
                }
            }
        }
    }
}

/// Linear-interpolation percentile (type 7) of ascending `sorted` at `q` in [0, 1].
fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = q * last as f64;
    let below = (position.floor() as usize).min(last);
    let above = (below + 1).min(last);
    let fraction = position - below as f64;
    Some(sorted[below] + fraction * (sorted[above] - sorted[below]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Metric; 4] = [
        Metric::Nominal,
        Metric::Ordinal,
        Metric::Interval,
        Metric::Ratio,
    ];

    fn alpha(units: &[[Option<f64>; 4]], metric: Metric) -> f64 {
        krippendorff_alpha(units, metric).expect("alpha defined")
    }

    fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
        assert!(
            (actual - expected).abs() < tolerance,
            "{what}: got {actual}, expected {expected}"
        );
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example C:
    /// 12 units (rows) by observers A, B, C, D (columns), with missing values.
    const PAPER: [[Option<f64>; 4]; 12] = [
        [Some(1.0), Some(1.0), None, Some(1.0)],
        [Some(2.0), Some(2.0), Some(3.0), Some(2.0)],
        [Some(3.0), Some(3.0), Some(3.0), Some(3.0)],
        [Some(3.0), Some(3.0), Some(3.0), Some(3.0)],
        [Some(2.0), Some(2.0), Some(2.0), Some(2.0)],
        [Some(1.0), Some(2.0), Some(3.0), Some(4.0)],
        [Some(4.0), Some(4.0), Some(4.0), Some(4.0)],
        [Some(1.0), Some(1.0), Some(2.0), Some(1.0)],
        [Some(2.0), Some(2.0), Some(2.0), Some(2.0)],
        [None, Some(5.0), Some(5.0), Some(5.0)],
        [None, None, Some(1.0), Some(1.0)],
        [None, Some(3.0), None, None],
    ];

    #[test]
    fn paper_example_matches_published_values() {
        // Published in the paper to three decimals.
        let published = [0.743, 0.815, 0.849, 0.797];
        for (metric, expected) in ALL.into_iter().zip(published) {
            assert_close(
                alpha(&PAPER, metric),
                expected,
                5e-4,
                &format!("{metric:?}"),
            );
        }
    }

    #[test]
    fn paper_example_matches_python_krippendorff() {
        // Python package krippendorff 0.9.0, krippendorff.alpha(reliability_data=
        // <the same data, observers as rows>, level_of_measurement=...).
        let python = [
            0.743421052631579,
            0.8153875037548814,
            0.8491071428571428,
            0.7974027747116121,
        ];
        for (metric, expected) in ALL.into_iter().zip(python) {
            assert_close(
                alpha(&PAPER, metric),
                expected,
                1e-12,
                &format!("{metric:?}"),
            );
        }
    }

    #[test]
    fn wikipedia_example_matches_published_and_python_values() {
        // Wikipedia, "Krippendorff's alpha", "A computational example": 15 units by
        // coders A, B, C. Published: nominal 0.691, interval 0.811. All four values
        // below are Python krippendorff 0.9.0 on the same data.
        let none = None;
        let wiki: [[Option<f64>; 3]; 15] = [
            [none, Some(1.0), none],
            [none, none, none],
            [none, Some(2.0), Some(2.0)],
            [none, Some(1.0), Some(1.0)],
            [none, Some(3.0), Some(3.0)],
            [Some(3.0), Some(3.0), Some(4.0)],
            [Some(4.0), Some(4.0), Some(4.0)],
            [Some(1.0), Some(3.0), none],
            [Some(2.0), none, Some(2.0)],
            [Some(1.0), none, Some(1.0)],
            [Some(1.0), none, Some(1.0)],
            [Some(3.0), none, Some(3.0)],
            [Some(3.0), none, Some(3.0)],
            [none, none, none],
            [Some(3.0), none, Some(4.0)],
        ];
        let get = |metric| krippendorff_alpha(&wiki, metric).expect("defined");
        assert_close(get(Metric::Nominal), 0.691, 5e-4, "published nominal");
        assert_close(get(Metric::Interval), 0.811, 5e-4, "published interval");
        let python = [
            0.691358024691358,
            0.8067214199413153,
            0.8108448928121059,
            0.8089436707842471,
        ];
        for (metric, expected) in ALL.into_iter().zip(python) {
            assert_close(get(metric), expected, 1e-12, &format!("{metric:?}"));
        }
    }

    #[test]
    fn random_integer_matrix_matches_python_krippendorff() {
        // numpy default_rng(20240611): 10 units x 4 coders, integers 1..5, ~20 %
        // missing. Expected: Python krippendorff 0.9.0 (data transposed to coders x
        // units). Alpha is negative here: disagreement beyond chance.
        let n = None;
        let data: [[Option<f64>; 4]; 10] = [
            [Some(3.0), Some(1.0), n, Some(5.0)],
            [Some(2.0), Some(3.0), Some(5.0), Some(5.0)],
            [Some(2.0), n, Some(5.0), Some(1.0)],
            [Some(4.0), n, Some(1.0), Some(3.0)],
            [Some(1.0), Some(5.0), n, Some(4.0)],
            [Some(2.0), n, Some(4.0), Some(3.0)],
            [Some(5.0), Some(4.0), Some(5.0), Some(4.0)],
            [Some(2.0), Some(2.0), Some(1.0), Some(4.0)],
            [Some(2.0), Some(3.0), n, n],
            [Some(2.0), Some(3.0), Some(3.0), Some(1.0)],
        ];
        let python = [
            -0.09118773946360137,
            -0.037032349249543906,
            -0.03482587064676612,
            -0.09599133285738248,
        ];
        for (metric, expected) in ALL.into_iter().zip(python) {
            assert_close(
                alpha(&data, metric),
                expected,
                1e-12,
                &format!("{metric:?}"),
            );
        }
    }

    #[test]
    fn random_continuous_matrix_matches_python_krippendorff() {
        // Same generator as above, continued: 15 units x 3 coders, a true value in
        // [0.5, 10) plus N(0, 1.5) noise, rounded to 0.1, absolute value, ~15 %
        // missing (unit 11 has one value and is dropped). Expected: Python
        // krippendorff 0.9.0.
        let n = None;
        let data: [[Option<f64>; 3]; 15] = [
            [Some(9.4), n, Some(10.4)],
            [Some(8.7), Some(10.4), Some(7.6)],
            [Some(3.1), Some(0.1), Some(2.6)],
            [Some(7.4), Some(6.9), n],
            [Some(0.5), Some(0.2), Some(2.0)],
            [Some(10.8), Some(6.4), Some(9.6)],
            [Some(6.9), Some(3.6), n],
            [Some(4.9), Some(2.8), Some(5.7)],
            [Some(8.7), Some(9.9), Some(8.0)],
            [Some(7.2), Some(8.5), Some(6.1)],
            [Some(7.3), Some(5.9), Some(8.5)],
            [n, n, Some(8.6)],
            [Some(4.5), n, Some(5.1)],
            [n, Some(7.4), Some(9.4)],
            [Some(0.7), Some(2.9), Some(4.0)],
        ];
        let python = [
            -0.009090909090909038,
            0.7804174281042608,
            0.7902649202813905,
            0.459446433818838,
        ];
        for (metric, expected) in ALL.into_iter().zip(python) {
            let actual = krippendorff_alpha(&data, metric).expect("defined");
            assert_close(actual, expected, 1e-12, &format!("{metric:?}"));
        }
    }

    #[test]
    fn unpairable_units_and_coder_order_do_not_matter() {
        let mut extended: Vec<Vec<Option<f64>>> = PAPER.iter().map(|u| u.to_vec()).collect();
        extended.push(vec![None, None, None, None]);
        extended.push(vec![None, Some(9.0), None, None]);
        let reordered: Vec<Vec<Option<f64>>> =
            PAPER.iter().map(|u| vec![u[3], u[1], u[0], u[2]]).collect();
        for metric in ALL {
            let base = alpha(&PAPER, metric);
            let with_extra = krippendorff_alpha(&extended, metric).expect("defined");
            let shuffled = krippendorff_alpha(&reordered, metric).expect("defined");
            assert_close(with_extra, base, 1e-12, "extra unpairable units");
            assert_close(shuffled, base, 1e-12, "coder order");
        }
    }

    #[test]
    fn perfect_agreement_is_one() {
        let data = [
            [Some(1.0), Some(1.0)],
            [Some(2.0), Some(2.0)],
            [Some(3.0), None],
            [Some(0.0), Some(-0.0)],
        ];
        for metric in ALL {
            let value = krippendorff_alpha(&data, metric).expect("defined");
            assert_close(value, 1.0, 1e-12, &format!("{metric:?}"));
        }
    }

    #[test]
    fn undefined_and_invalid_inputs_are_errors() {
        let empty: [[Option<f64>; 2]; 0] = [];
        assert_eq!(
            krippendorff_alpha(&empty, Metric::Nominal),
            Err(AgreementError::NoPairableValues)
        );
        assert_eq!(
            krippendorff_alpha(&[[Some(1.0), None], [None, Some(2.0)]], Metric::Nominal),
            Err(AgreementError::NoPairableValues)
        );
        assert_eq!(
            krippendorff_alpha(
                &[[Some(2.0), Some(2.0)], [Some(2.0), Some(2.0)]],
                Metric::Interval
            ),
            Err(AgreementError::NoVariation)
        );
        let ragged = vec![vec![Some(1.0), Some(2.0)], vec![Some(1.0)]];
        assert_eq!(
            krippendorff_alpha(&ragged, Metric::Nominal),
            Err(AgreementError::RaggedMatrix {
                unit: 1,
                expected: 2,
                found: 1
            })
        );
        assert_eq!(
            krippendorff_alpha(&[[Some(1.0), Some(f64::NAN)]], Metric::Nominal),
            Err(AgreementError::NonFinite { unit: 0, coder: 1 })
        );
        assert_eq!(
            krippendorff_alpha(
                &[[Some(1.0), Some(2.0)], [Some(-1.0), Some(2.0)]],
                Metric::Ratio
            ),
            Err(AgreementError::NegativeRatioValue {
                unit: 1,
                coder: 0,
                value: -1.0
            })
        );
    }

    /// 30 units x 3 coders from numpy default_rng(7): a true value 1..5 plus a coder
    /// offset in {-1, 0, 1}, clipped to 1..5, ~10 % missing; 29 units are pairable.
    const BOOT: [[Option<f64>; 3]; 30] = [
        [Some(5.0), Some(5.0), Some(5.0)],
        [Some(5.0), Some(5.0), Some(5.0)],
        [Some(5.0), None, Some(4.0)],
        [Some(5.0), Some(5.0), Some(4.0)],
        [Some(4.0), Some(2.0), Some(4.0)],
        [Some(4.0), Some(3.0), Some(3.0)],
        [Some(5.0), Some(4.0), Some(4.0)],
        [Some(2.0), Some(3.0), Some(2.0)],
        [Some(2.0), Some(2.0), Some(2.0)],
        [Some(2.0), Some(2.0), Some(2.0)],
        [None, Some(2.0), Some(2.0)],
        [Some(4.0), Some(5.0), Some(4.0)],
        [None, Some(4.0), None],
        [Some(2.0), Some(2.0), Some(1.0)],
        [Some(4.0), Some(3.0), Some(3.0)],
        [Some(4.0), Some(5.0), Some(5.0)],
        [Some(1.0), Some(1.0), Some(1.0)],
        [Some(3.0), Some(5.0), Some(5.0)],
        [None, Some(1.0), Some(2.0)],
        [Some(4.0), Some(4.0), Some(3.0)],
        [None, Some(5.0), Some(5.0)],
        [Some(1.0), Some(1.0), Some(2.0)],
        [Some(3.0), Some(2.0), Some(2.0)],
        [Some(3.0), Some(3.0), Some(2.0)],
        [Some(4.0), Some(4.0), Some(3.0)],
        [Some(1.0), Some(2.0), Some(2.0)],
        [Some(5.0), Some(4.0), Some(4.0)],
        [Some(2.0), Some(3.0), Some(4.0)],
        [Some(3.0), Some(3.0), None],
        [Some(4.0), Some(3.0), Some(3.0)],
    ];

    #[test]
    fn bootstrap_interval_is_close_to_an_independent_python_bootstrap() {
        // A Python bootstrap (numpy resampling of the 29 pairable units, alpha from
        // the krippendorff 0.9.0 package, np.percentile [2.5, 97.5], 20,000 draws)
        // gave interval [0.6604, 0.8749], alpha 0.7954545454545454, and nominal
        // [0.1834, 0.4753], alpha 0.3400909435392194. Its 2,000-draw intervals over
        // ten seeds stayed within 0.012 of these; the tolerance here is 0.02.
        let options = BootstrapOptions {
            draws: 4_000,
            seed: 2024,
            level: 0.95,
        };
        let cases = [
            (Metric::Interval, 0.7954545454545454, 0.66035525, 0.87494372),
            (Metric::Nominal, 0.3400909435392194, 0.18335281, 0.4752671),
        ];
        for (metric, alpha, lower, upper) in cases {
            let interval = bootstrap_alpha(&BOOT, metric, &options).expect("defined");
            assert_close(interval.alpha, alpha, 1e-12, "alpha");
            assert_close(interval.lower, lower, 0.02, "lower");
            assert_close(interval.upper, upper, 0.02, "upper");
            assert_eq!(interval.draws, 4_000);
            assert_eq!(interval.draws_used, 4_000);
            assert_eq!(interval.pairable_units, 29);
            assert_eq!(interval.seed, 2024);
        }
    }

    #[test]
    fn bootstrap_same_seed_same_interval_other_seed_differs() {
        let options = BootstrapOptions {
            draws: 500,
            seed: 5,
            level: 0.9,
        };
        let a = bootstrap_alpha(&BOOT, Metric::Ordinal, &options).expect("defined");
        let b = bootstrap_alpha(&BOOT, Metric::Ordinal, &options).expect("defined");
        assert_eq!(a, b);
        let c = bootstrap_alpha(
            &BOOT,
            Metric::Ordinal,
            &BootstrapOptions { seed: 6, ..options },
        )
        .expect("defined");
        assert_ne!((a.lower, a.upper), (c.lower, c.upper));
        assert!(a.lower <= a.upper);
    }

    #[test]
    fn bootstrap_skips_draws_where_alpha_is_undefined() {
        // Two pairable units; a resample that picks the same unit twice has no
        // variation (about half of them). Every defined draw agrees perfectly.
        let data = [
            [Some(1.0), Some(1.0)],
            [Some(2.0), Some(2.0)],
            [None, Some(3.0)],
        ];
        let options = BootstrapOptions {
            draws: 400,
            seed: 1,
            level: 0.95,
        };
        let interval = bootstrap_alpha(&data, Metric::Nominal, &options).expect("defined");
        assert!(interval.draws_used > 100 && interval.draws_used < 300);
        assert_eq!(interval.draws, 400);
        assert_eq!(interval.pairable_units, 2);
        assert_close(interval.lower, 1.0, 1e-12, "lower");
        assert_close(interval.upper, 1.0, 1e-12, "upper");
    }

    #[test]
    fn bootstrap_rejects_bad_options() {
        let bad = |draws, level| {
            bootstrap_alpha(
                &BOOT,
                Metric::Nominal,
                &BootstrapOptions {
                    draws,
                    seed: 0,
                    level,
                },
            )
        };
        assert_eq!(bad(0, 0.95), Err(AgreementError::NoDraws));
        assert_eq!(
            bad(10, 0.0),
            Err(AgreementError::InvalidLevel { level: 0.0 })
        );
        assert_eq!(
            bad(10, 1.0),
            Err(AgreementError::InvalidLevel { level: 1.0 })
        );
        assert!(matches!(
            bad(10, f64::NAN),
            Err(AgreementError::InvalidLevel { .. })
        ));
    }

    #[test]
    fn percentile_interpolates_like_numpy() {
        // numpy.percentile([1, 2, 3, 4], [0, 25, 50, 100]) = [1, 1.75, 2.5, 4].
        let sorted = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&sorted, 0.0), Some(1.0));
        assert_eq!(percentile(&sorted, 0.25), Some(1.75));
        assert_eq!(percentile(&sorted, 0.5), Some(2.5));
        assert_eq!(percentile(&sorted, 1.0), Some(4.0));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
