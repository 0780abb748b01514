//! The progression trend: the efforts in time order, the change between consecutive
//! efforts, and Kendall's tau-b of each criterion's score and of the total against
//! time, with its permutation p-value.
//!
//! Time is the effort's position (1..n) in the scores' time order; initiatives are left
//! out. The p-value is one-sided, for an *increasing* trend. It is exact up to
//! [`EXACT_MAX_N`] efforts, a Monte Carlo estimate up to [`MONTE_CARLO_MAX_N`], and the
//! normal approximation beyond; the text and JSON outputs say which when it is not
//! exact. With few efforts the smallest p-value any data could give is large (1/24 ≈
//! 0.042 for four efforts), and the text output says so. Whether the ordering "holds at both bounds" is judged on
//! the intervals: tau is recomputed on the lower bounds and on the upper bounds, and
//! the rise from first to last effort holds when the last effort's lower bound exceeds
//! the first effort's upper bound.
//!
//! This module computes and formats; the statistics themselves are
//! [`crate::analysis::trend::kendall`]'s.

pub mod kendall;

use crate::analysis::{
    EXACT_MAX_N, KendallTest, MONTE_CARLO_MAX_N, MonteCarlo, PermutationMethod, kendall_tau_b,
    kendall_test, method_for, smallest_p_one_sided,
};
use crate::corpus::model::Kind;
use crate::score::output::align;
use crate::score::output::{EngineJson, RubricJson, fmt1, round2};
use crate::score::{CaseScore, Interval, Scores};
use serde::Serialize;

/// The trend of one series (a criterion or the total) across the efforts.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesTrend {
    /// The criterion id, or `total`.
    pub id: String,
    /// The score of each effort, in time order.
    pub values: Vec<Interval>,
    /// The test on the scores, or why it could not be computed.
    pub test: Result<KendallTest, String>,
    /// Tau on the lower bounds, when defined.
    pub tau_lower: Option<f64>,
    /// Tau on the upper bounds, when defined.
    pub tau_upper: Option<f64>,
}

impl SeriesTrend {
    /// The change of the score between consecutive efforts.
    pub fn changes(&self) -> Vec<f64> {
        self.values
            .windows(2)
            .map(|w| match w {
                [a, b] => b.score - a.score,
                _ => 0.0,
            })
            .collect()
    }

    /// True when the last effort's lower bound exceeds the first effort's upper bound:
    /// the rise holds whatever the unknowns turn out to be.
    pub fn rise_holds_at_bounds(&self) -> bool {
        match (self.values.first(), self.values.last()) {
            (Some(first), Some(last)) if self.values.len() >= 2 => last.lower > first.upper,
            _ => false,
        }
    }

    fn tau(&self) -> Option<f64> {
        self.test.as_ref().ok().map(|t| t.tau)
    }

    fn p_value(&self) -> Option<f64> {
        self.test.as_ref().ok().map(|t| t.p_increasing)
    }
}

/// The trend across the efforts.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    /// The efforts, in time order: (id, start).
    pub efforts: Vec<(String, String)>,
    /// The total.
    pub total: SeriesTrend,
    /// One per criterion, in the rubric's order.
    pub criteria: Vec<SeriesTrend>,
    /// The smallest one-sided p-value n efforts can give: 1/n! when exact, 1/(1 +
    /// draws) with Monte Carlo, the approximate p of a perfect rise (often 0) with the
    /// normal approximation. `None` below 2 efforts.
    pub min_p: Option<f64>,
    /// How the p-values were obtained; `None` below 2 efforts.
    pub method: Option<PermutationMethod>,
}

fn series(id: &str, values: Vec<Interval>) -> SeriesTrend {
    let x: Vec<f64> = (1..=values.len()).map(|i| i as f64).collect();
    let pick = |f: fn(&Interval) -> f64| values.iter().map(f).collect::<Vec<f64>>();
    let test =
        kendall_test(&x, &pick(|i| i.score), MonteCarlo::default()).map_err(|e| e.to_string());
    SeriesTrend {
        id: id.to_string(),
        tau_lower: kendall_tau_b(&x, &pick(|i| i.lower)).ok(),
        tau_upper: kendall_tau_b(&x, &pick(|i| i.upper)).ok(),
        values,
        test,
    }
}

/// The trend of the efforts among `scores`.
pub fn trend(scores: &Scores) -> Trend {
    let efforts: Vec<&CaseScore> = scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort)
        .collect();
    let total = series("total", efforts.iter().map(|c| c.total).collect());
    let criteria = efforts
        .first()
        .map(|first| {
            first
                .criteria
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    series(
                        &c.id,
                        efforts
                            .iter()
                            .filter_map(|e| e.criteria.get(i).map(|k| k.interval))
                            .collect(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let min_p = minimum_p(efforts.len());
    Trend {
        efforts: efforts
            .iter()
            .map(|c| (c.id.clone(), c.start.to_string()))
            .collect(),
        total,
        criteria,
        min_p,
        method: (efforts.len() >= 2).then(|| method_for(efforts.len(), MonteCarlo::default())),
    }
}

/// The smallest one-sided p-value of n efforts (1/n! up to [`EXACT_MAX_N`]); `None`
/// below 2. See [`smallest_p_one_sided`].
pub fn minimum_p(n: usize) -> Option<f64> {
    smallest_p_one_sided(n, MonteCarlo::default())
}

/// A number with three decimals, or `n/a`.
fn fmt3(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |x| format!("{:.3}", x))
}

/// A signed change with one decimal: `+8.0`, `-3.5`, `0.0`.
pub fn fmt_change(x: f64) -> String {
    let r = round2(x);
    if r > 0.0 {
        format!("+{}", fmt1(r))
    } else {
        fmt1(r)
    }
}

/// The most efforts whose consecutive steps are told one by one (here, and in the
/// report's progression); with more, they are summarised.
pub const STEPS_MAX: usize = 12;

/// The changes between consecutive efforts, each one when there are at most
/// [`STEPS_MAX`] efforts; otherwise how many rose, fell and held.
pub fn changes_cell(changes: &[f64]) -> String {
    if changes.len() < STEPS_MAX {
        return changes
            .iter()
            .map(|c| fmt_change(*c))
            .collect::<Vec<_>>()
            .join(", ");
    }
    let up = changes.iter().filter(|c| **c > 0.0).count();
    let down = changes.iter().filter(|c| **c < 0.0).count();
    format!(
        "{} steps: {up} up, {down} down, {} level",
        changes.len(),
        changes.len() - up - down
    )
}

/// Rows of the trend table: series, tau, p, tau at the bounds, rise at bounds, changes.
pub fn rows(trend: &Trend) -> Vec<Vec<String>> {
    std::iter::once(&trend.total)
        .chain(&trend.criteria)
        .map(|s| {
            vec![
                s.id.clone(),
                fmt3(s.tau()),
                fmt3(s.p_value()),
                format!("{} / {}", fmt3(s.tau_lower), fmt3(s.tau_upper)),
                if s.rise_holds_at_bounds() {
                    "yes"
                } else {
                    "no"
                }
                .to_string(),
                changes_cell(&s.changes()),
            ]
        })
        .collect()
}

/// The header of [`rows`].
pub const HEADER: [&str; 6] = [
    "series",
    "tau",
    "p (increasing)",
    "tau lower / upper",
    "rise holds at bounds",
    "change per step",
];

/// How p was obtained, as a phrase: "p is {this} for an increasing trend".
pub fn p_phrase(trend: &Trend) -> &'static str {
    match trend.method {
        Some(PermutationMethod::MonteCarlo { .. }) => {
            "a Monte Carlo estimate of its one-sided permutation p-value"
        }
        Some(PermutationMethod::Normal) => {
            "the normal approximation (Kendall's tie-corrected variance, continuity correction) to its one-sided permutation p-value"
        }
        Some(PermutationMethod::Exact { .. }) | None => "its exact one-sided permutation p-value",
    }
}

/// What the smallest p-value means, in a sentence.
pub fn min_p_sentence(trend: &Trend) -> String {
    let n = trend.efforts.len();
    match (trend.min_p, trend.method) {
        (Some(p), Some(PermutationMethod::MonteCarlo { draws, seed })) => format!(
            "With {n} efforts (more than {EXACT_MAX_N}) p is estimated from {draws} random orderings (seed {seed}) and is never below 1/{} ({p:.1e}), whatever the scores.",
            draws as u64 + 1
        ),
        (Some(p), Some(PermutationMethod::Normal)) => format!(
            "With {n} efforts (more than {MONTE_CARLO_MAX_N}) p comes from the normal approximation, which is least accurate far in the tails; a perfect rise would give {}.",
            if p > 0.0 {
                format!("about {p:.1e}")
            } else {
                "a p-value that rounds to 0".to_string()
            }
        ),
        (Some(p), _) => format!(
            "With {n} efforts the smallest one-sided p-value any data could give is {} ({p:.4}), reached only when every effort scores above the one before; the test cannot be more confident than that, whatever the scores.",
            fraction(n)
        ),
        (None, _) => format!("With {n} efforts there is no trend to test."),
    }
}

/// "1/n!" for the exact test's sizes.
fn fraction(n: usize) -> String {
    let factorial: u128 = (1..=n.min(EXACT_MAX_N) as u128).product();
    format!("1/{factorial}")
}

/// `thirdside trend` for people.
pub fn to_text(scores: &Scores, trend: &Trend) -> String {
    let mut out = format!(
        "Rubric {} {} — progression across {} efforts in time order\n",
        scores.rubric_id,
        scores.rubric_version,
        trend.efforts.len()
    );
    for (i, (id, start)) in trend.efforts.iter().enumerate() {
        out.push_str(&format!("  {}. {id} ({start})\n", i + 1));
    }
    out.push('\n');
    if trend.efforts.len() < 2 {
        out.push_str("Fewer than two efforts: there is no trend to test.\n");
        return out;
    }
    let mut table = vec![HEADER.iter().map(|s| s.to_string()).collect()];
    table.extend(rows(trend));
    out.push_str(&align(&table));
    out.push('\n');
    out.push_str(&format!(
        "tau is Kendall's tau-b of the score against the effort's position in time (1 = every effort above the one before); p is {} for an increasing trend; n/a where every effort has the same score. Tau lower / upper repeats the test's tau on the lower and upper bounds of the intervals; the rise holds at bounds when the last effort's lower bound exceeds the first effort's upper bound.\n",
        p_phrase(trend)
    ));
    out.push_str(&min_p_sentence(trend));
    out.push('\n');
    out
}

/// One series in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesJson {
    /// Criterion id, or `total`.
    pub id: String,
    /// Kendall's tau-b on the scores, or null when undefined.
    pub tau: Option<f64>,
    /// One-sided p-value for an increasing trend, or null; exact unless the trend's
    /// `p_method` says otherwise.
    pub p_value: Option<f64>,
    /// Two-sided p-value, or null.
    pub p_two_sided: Option<f64>,
    /// Tau on the lower bounds, or null.
    pub tau_lower: Option<f64>,
    /// Tau on the upper bounds, or null.
    pub tau_upper: Option<f64>,
    /// The last effort's lower bound exceeds the first effort's upper bound.
    pub rise_holds_at_bounds: bool,
    /// Change of the score between consecutive efforts.
    pub changes: Vec<f64>,
    /// Why tau is null, or null.
    pub note: Option<String>,
}

impl From<&SeriesTrend> for SeriesJson {
    fn from(s: &SeriesTrend) -> Self {
        let r4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
        SeriesJson {
            id: s.id.clone(),
            tau: s.tau().map(r4),
            p_value: s.p_value().map(r4),
            p_two_sided: s.test.as_ref().ok().map(|t| r4(t.p_two_sided)),
            tau_lower: s.tau_lower.map(r4),
            tau_upper: s.tau_upper.map(r4),
            rise_holds_at_bounds: s.rise_holds_at_bounds(),
            changes: s.changes().into_iter().map(round2).collect(),
            note: s.test.as_ref().err().cloned(),
        }
    }
}

/// An effort in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct EffortJson {
    /// Case id.
    pub id: String,
    /// Start date.
    pub start: String,
}

/// `thirdside trend --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct TrendJson {
    /// The engine.
    pub engine: EngineJson,
    /// The rubric.
    pub rubric: RubricJson,
    /// The efforts in time order.
    pub efforts: Vec<EffortJson>,
    /// The smallest one-sided p-value these many efforts can give, or null.
    pub min_p: Option<f64>,
    /// How the p-values were obtained when not exact: `monte_carlo` (more than 10
    /// efforts) or `normal_approximation` (more than 70). Absent when exact, so the
    /// output of small corpora is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_method: Option<&'static str>,
    /// The total.
    pub total: SeriesJson,
    /// One per criterion.
    pub criteria: Vec<SeriesJson>,
}

/// Pretty JSON with a final newline.
pub fn to_json(scores: &Scores, trend: &Trend) -> String {
    let view = TrendJson {
        engine: EngineJson::current(),
        rubric: RubricJson {
            id: scores.rubric_id.clone(),
            version: scores.rubric_version.clone(),
            title: scores.rubric_title.clone(),
        },
        efforts: trend
            .efforts
            .iter()
            .map(|(id, start)| EffortJson {
                id: id.clone(),
                start: start.clone(),
            })
            .collect(),
        min_p: trend.min_p.map(|p| (p * 1e6).round() / 1e6),
        p_method: match trend.method {
            Some(PermutationMethod::MonteCarlo { .. }) => Some("monte_carlo"),
            Some(PermutationMethod::Normal) => Some("normal_approximation"),
            Some(PermutationMethod::Exact { .. }) | None => None,
        },
        total: SeriesJson::from(&trend.total),
        criteria: trend.criteria.iter().map(SeriesJson::from).collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&view).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(score: f64, lower: f64, upper: f64) -> Interval {
        Interval {
            score,
            lower,
            upper,
        }
    }

    #[test]
    fn four_rising_efforts_reach_the_smallest_p() {
        let s = series(
            "total",
            vec![
                interval(10.0, 10.0, 20.0),
                interval(20.0, 20.0, 30.0),
                interval(30.0, 25.0, 40.0),
                interval(40.0, 35.0, 50.0),
            ],
        );
        let test = s.test.as_ref().expect("defined");
        assert_eq!(test.tau, 1.0);
        assert!((test.p_increasing - 1.0 / 24.0).abs() < 1e-12);
        assert!(s.rise_holds_at_bounds());
        assert_eq!(s.changes(), vec![10.0, 10.0, 10.0]);
        assert_eq!(minimum_p(4), Some(1.0 / 24.0));
    }

    #[test]
    fn a_constant_series_has_no_tau_and_overlapping_bounds_do_not_hold() {
        let s = series("c", vec![interval(50.0, 0.0, 100.0); 3]);
        assert!(s.test.is_err());
        assert!(!s.rise_holds_at_bounds());
        assert_eq!(SeriesJson::from(&s).tau, None);
    }

    /// A trend of `n` efforts whose total rises with some back-steps.
    fn rising_trend(n: usize) -> (Scores, Trend) {
        let values = (0..n)
            .map(|i| {
                let score = (i + 7 * (i % 5)) as f64;
                interval(score, score - 5.0, score + 5.0)
            })
            .collect();
        let trend = Trend {
            efforts: (0..n)
                .map(|i| (format!("e{i}"), "2020-01-01".to_string()))
                .collect(),
            total: series("total", values),
            criteria: Vec::new(),
            min_p: minimum_p(n),
            method: (n >= 2).then(|| method_for(n, MonteCarlo::default())),
        };
        let scores = Scores {
            rubric_id: "r".to_string(),
            rubric_version: "1".to_string(),
            rubric_title: "R".to_string(),
            cases: Vec::new(),
        };
        (scores, trend)
    }

    #[test]
    fn the_outputs_say_when_p_is_the_normal_approximation() {
        let (scores, trend) = rising_trend(200);
        let test = trend.total.test.as_ref().expect("defined");
        assert_eq!(test.method, PermutationMethod::Normal);
        assert_eq!(trend.method, Some(PermutationMethod::Normal));
        let text = to_text(&scores, &trend);
        assert!(
            text.contains("p is the normal approximation (Kendall's tie-corrected variance"),
            "{text}"
        );
        assert!(
            text.contains("With 200 efforts (more than 70) p comes from the normal approximation")
        );
        assert!(!text.contains("exact one-sided"), "{text}");
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&scores, &trend)).expect("json");
        assert_eq!(json["p_method"], "normal_approximation");
        assert_eq!(json["min_p"], 0.0);
    }

    #[test]
    fn the_outputs_say_when_p_is_a_monte_carlo_estimate() {
        let (scores, trend) = rising_trend(12);
        let text = to_text(&scores, &trend);
        assert!(
            text.contains("p is a Monte Carlo estimate of its one-sided"),
            "{text}"
        );
        assert!(
            text.contains("p is estimated from 100000 random orderings (seed 0) and is never below 1/100001 (1.0e-5)"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&scores, &trend)).expect("json");
        assert_eq!(json["p_method"], "monte_carlo");
    }

    #[test]
    fn an_exact_trend_has_no_method_field_and_says_exact() {
        let (scores, trend) = rising_trend(4);
        let text = to_text(&scores, &trend);
        assert!(text.contains("p is its exact one-sided permutation p-value"));
        assert!(text.contains("is 1/24 (0.0417)"), "{text}");
        assert!(!to_json(&scores, &trend).contains("p_method"));
    }

    #[test]
    fn minimum_p_follows_the_method_and_never_overflows() {
        assert_eq!(minimum_p(1), None);
        assert_eq!(minimum_p(10), Some(1.0 / 3_628_800.0));
        assert_eq!(minimum_p(11), Some(1.0 / 100_001.0));
        assert_eq!(minimum_p(40), Some(1.0 / 100_001.0));
        assert_eq!(minimum_p(10_000), Some(0.0));
    }

    #[test]
    fn changes_are_signed() {
        assert_eq!(fmt_change(8.0), "+8.0");
        assert_eq!(fmt_change(-3.5), "-3.5");
        assert_eq!(fmt_change(0.0), "0.0");
    }
}
