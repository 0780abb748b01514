//! The progression trend: the efforts in time order, the change between consecutive
//! efforts, and Kendall's tau-b of each criterion's score and of the total against
//! time, with its permutation p-value.
//!
//! Time is the effort's position (1..n) in the scores' time order; initiatives are left
//! out. The p-value is one-sided, for an *increasing* trend. It is exact up to
//! [`EXACT_MAX_N`] efforts, a Monte Carlo estimate up to [`MONTE_CARLO_MAX_N`], and the
//! normal approximation beyond; the text and JSON outputs say which when it is not
//! exact. With few efforts the smallest p-value any data could give is large (1/24 ≈
//! 0.042 for four efforts), and tied scores raise it to 1 over the number of distinct
//! orderings (n!/Π t!); the outputs give that floor per series.
//!
//! **What the unknowns allow.** Each effort's level may lie anywhere between its lower
//! and upper bound (the total anywhere in its interval): [`bounds::tau_bounds`] gives
//! the least and greatest tau over every such completion, exactly within
//! [`bounds::TAU_BOUNDS_BUDGET`], as outer bounds (marked) beyond. The rise *holds*
//! only when the least tau is above 0. A step between consecutive efforts is a rise or
//! a decline only when their intervals do not overlap ([`step`]); otherwise it is not
//! established.
//!
//! This module computes and formats; the statistics themselves are
//! [`crate::analysis::trend::kendall`]'s.

pub mod bounds;
pub mod kendall;

use crate::analysis::{
    EXACT_MAX_N, KendallTest, MONTE_CARLO_MAX_N, MonteCarlo, PermutationMethod, kendall_test,
    method_for, smallest_p_one_sided,
};
use crate::corpus::model::Kind;
use crate::score::output::align;
use crate::score::output::{EngineJson, RubricJson, fmt1, round2};
use crate::score::{CaseScore, Interval, Scores};
use bounds::{Domain, TAU_BOUNDS_BUDGET, TauBounds, tau_bounds};
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
    /// The least and greatest tau over every completion of the unknowns.
    pub bounds: TauBounds,
}

/// Whether a step between consecutive efforts is a change the intervals support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sure {
    /// The later interval lies wholly above the earlier.
    Rise,
    /// The later interval lies wholly below the earlier.
    Decline,
    /// Both intervals are closed and equal: the level held.
    Held,
    /// The intervals overlap and one is open: the change is not established.
    NotEstablished,
}

/// A step between consecutive efforts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The change of the score on the evidence recorded.
    pub delta: f64,
    /// Whether the intervals support it.
    pub sure: Sure,
}

/// The step from `a` to `b`.
pub fn step(a: &Interval, b: &Interval) -> Step {
    let sure = if a.upper < b.lower {
        Sure::Rise
    } else if b.upper < a.lower {
        Sure::Decline
    } else if a.is_open() || b.is_open() {
        Sure::NotEstablished
    } else {
        Sure::Held
    };
    Step {
        delta: b.score - a.score,
        sure,
    }
}

impl SeriesTrend {
    /// The change of the score between consecutive efforts.
    pub fn changes(&self) -> Vec<f64> {
        self.steps().iter().map(|s| s.delta).collect()
    }

    /// The steps between consecutive efforts, with whether each is established.
    pub fn steps(&self) -> Vec<Step> {
        self.values
            .windows(2)
            .filter_map(|w| match w {
                [a, b] => Some(step(a, b)),
                _ => None,
            })
            .collect()
    }

    /// True when the rise holds whatever the unknowns turn out to be: the least tau
    /// over every completion is above 0.
    pub fn rise_holds(&self) -> bool {
        self.bounds.min.is_some_and(|t| t > 0.0)
    }

    fn tau(&self) -> Option<f64> {
        self.test.as_ref().ok().map(|t| t.tau)
    }

    fn p_value(&self) -> Option<f64> {
        self.test.as_ref().ok().map(|t| t.p_increasing)
    }

    /// The smallest one-sided p-value the series' ties allow, as (value, the number
    /// of distinct orderings when the test is exact).
    pub fn p_floor(&self) -> Option<(f64, Option<u128>)> {
        let test = self.test.as_ref().ok()?;
        let orderings = match test.method {
            PermutationMethod::Exact { .. } => distinct_orderings(&self.values),
            _ => None,
        };
        Some((test.min_p_one_sided, orderings))
    }
}

/// n!/Π t! for the tie groups of the scores: the number of distinct orderings of the
/// values, whose inverse is the smallest exact p (`None` on overflow).
pub fn distinct_orderings(values: &[Interval]) -> Option<u128> {
    let mut scores: Vec<f64> = values.iter().map(|v| v.score).collect();
    scores.sort_by(f64::total_cmp);
    let factorial = |k: usize| (1..=k as u128).try_fold(1u128, |a, b| a.checked_mul(b));
    let mut count = factorial(scores.len())?;
    for group in scores.chunk_by(|a, b| a == b) {
        count /= factorial(group.len())?;
    }
    Some(count)
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

fn series(id: &str, values: Vec<Interval>, levels: Option<Vec<(f64, f64)>>) -> SeriesTrend {
    let x: Vec<f64> = (1..=values.len()).map(|i| i as f64).collect();
    let scores: Vec<f64> = values.iter().map(|i| i.score).collect();
    let test = kendall_test(&x, &scores, MonteCarlo::default()).map_err(|e| e.to_string());
    let bounds = match levels {
        Some(levels) => tau_bounds(&levels, Domain::Integers, TAU_BOUNDS_BUDGET),
        None => {
            let intervals: Vec<(f64, f64)> = values.iter().map(|i| (i.lower, i.upper)).collect();
            tau_bounds(&intervals, Domain::Reals, TAU_BOUNDS_BUDGET)
        }
    };
    SeriesTrend {
        id: id.to_string(),
        values,
        test,
        bounds,
    }
}

/// Whether the trend leaves out the coding of `record`: an effort whose file is a
/// scaffold of `thirdside new` with placeholders still in it
/// ([`crate::corpus::validate::CaseRecord::scaffold`]), until they are replaced. Its
/// levels are the scaffold's unknowns, not what the sources say. The one decision
/// `thirdside trend` and `thirdside report` both take.
pub fn leaves_out(record: &crate::corpus::validate::CaseRecord) -> bool {
    record.scaffold && record.case.kind == Kind::Effort
}

/// The warning on standard error for a coding the trend leaves out ([`leaves_out`]),
/// the same from every command.
pub fn left_out_warning(path: &std::path::Path) -> String {
    format!(
        "warning: {} is a scaffolded effort with placeholders left; the trend leaves it out until they are replaced (`thirdside check` lists them)",
        path.display()
    )
}

/// The line the report shows where its trend is, naming the files the trend leaves out
/// ([`leaves_out`]) by their names (not their paths, which depend on where the report
/// is run); empty when it leaves none out.
pub fn left_out_line(paths: &[std::path::PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!(
            "Left out of the trend, the chart and the key findings: {one}, a scaffolded effort with placeholders left (its case page is shown; `thirdside check` lists the placeholders)."
        ),
        _ => format!(
            "Left out of the trend, the chart and the key findings: {}, scaffolded efforts with placeholders left (their case pages are shown; `thirdside check` lists the placeholders).",
            names.join(", ")
        ),
    }
}

/// What a trend reads — in `thirdside trend`, and in the report its table,
/// `data/trend.csv`, the chart, the steps of "what changed", the key findings about the
/// efforts and the sensitivity's progression — when it leaves out some codings
/// ([`leaves_out`]).
#[derive(Debug, Clone, Default)]
pub struct TrendInput {
    /// The scores of the codings the trend keeps, when it leaves some out (`None`: all
    /// the scores).
    pub scores: Option<Scores>,
    /// The files of the codings it leaves out, sorted.
    pub left_out: Vec<std::path::PathBuf>,
}

impl TrendInput {
    /// What the trend reads when it leaves out the codings of the files `left_out`:
    /// `kept` gives the scores of the other codings against `rubric`, in the order
    /// checked, and is called only when something is left out.
    pub fn new(
        rubric: &crate::corpus::model::Rubric,
        mut left_out: Vec<std::path::PathBuf>,
        kept: impl FnOnce() -> Vec<CaseScore>,
    ) -> TrendInput {
        if left_out.is_empty() {
            return TrendInput::default();
        }
        left_out.sort();
        TrendInput {
            scores: Some(crate::score::from_codings(rubric, kept())),
            left_out,
        }
    }

    /// The scores the trend reads, of `all`.
    pub fn scores<'a>(&'a self, all: &'a Scores) -> &'a Scores {
        self.scores.as_ref().unwrap_or(all)
    }

    /// Whether the trend reads the case `id` (for an effort: whether it is one of the
    /// trend's efforts).
    pub fn reads(&self) -> impl Fn(&str) -> bool + Sync + '_ {
        let ids: Option<std::collections::HashSet<&str>> = self
            .scores
            .as_ref()
            .map(|s| s.cases.iter().map(|c| c.id.as_str()).collect());
        move |id| ids.as_ref().is_none_or(|ids| ids.contains(id))
    }

    /// The line naming the files left out ([`left_out_line`]), empty when none is.
    pub fn line(&self) -> String {
        left_out_line(&self.left_out)
    }
}

/// The trend of the efforts among `scores`.
pub fn trend(scores: &Scores) -> Trend {
    let efforts: Vec<&CaseScore> = scores
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort)
        .collect();
    let total = series("total", efforts.iter().map(|c| c.total).collect(), None);
    let criteria = efforts
        .first()
        .map(|first| {
            first
                .criteria
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let of = || efforts.iter().filter_map(|e| e.criteria.get(i));
                    series(
                        &c.id,
                        of().map(|k| k.interval).collect(),
                        Some(
                            of().map(|k| (k.lower_level as f64, k.upper_level as f64))
                                .collect(),
                        ),
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

/// A step as the tables show it: the signed change, followed by "(not established)"
/// when the intervals overlap and one is open.
pub fn step_cell(step: &Step) -> String {
    match step.sure {
        Sure::NotEstablished => format!("{} (not established)", fmt_change(step.delta)),
        _ => fmt_change(step.delta),
    }
}

/// The steps between consecutive efforts, each one when there are at most
/// [`STEPS_MAX`] efforts; otherwise how many rose, fell, held and were not established.
pub fn changes_cell(steps: &[Step]) -> String {
    if steps.len() < STEPS_MAX {
        return steps.iter().map(step_cell).collect::<Vec<_>>().join(", ");
    }
    let count = |sure: Sure| steps.iter().filter(|s| s.sure == sure).count();
    format!(
        "{} steps: {} up, {} down, {} level, {} not established",
        steps.len(),
        count(Sure::Rise),
        count(Sure::Decline),
        count(Sure::Held),
        count(Sure::NotEstablished)
    )
}

/// Tau's least and greatest value over the completions, "≥" / "≤" marking outer bounds.
fn bounds_cell(b: &TauBounds) -> String {
    if b.exact {
        format!("{} / {}", fmt3(b.min), fmt3(b.max))
    } else {
        format!("≥ {} / ≤ {}", fmt3(b.min), fmt3(b.max))
    }
}

/// The smallest p a series' ties allow: "1/24" when exact, else the number.
fn floor_cell(s: &SeriesTrend) -> String {
    match s.p_floor() {
        Some((_, Some(k))) => format!("1/{k}"),
        Some((p, None)) => format!("{p:.1e}"),
        None => "n/a".to_string(),
    }
}

/// Rows of the trend table: series, tau, p, the smallest p the ties allow, tau's least
/// and greatest value over the completions, whether the rise holds, the steps.
pub fn rows(trend: &Trend) -> Vec<Vec<String>> {
    std::iter::once(&trend.total)
        .chain(&trend.criteria)
        .map(|s| {
            vec![
                s.id.clone(),
                fmt3(s.tau()),
                fmt3(s.p_value()),
                floor_cell(s),
                bounds_cell(&s.bounds),
                if s.rise_holds() { "yes" } else { "no" }.to_string(),
                changes_cell(&s.steps()),
            ]
        })
        .collect()
}

/// The header of [`rows`].
pub const HEADER: [&str; 7] = [
    "series",
    "tau",
    "p (increasing)",
    "smallest p",
    "tau min / max",
    "rise holds",
    "change per step",
];

/// What the columns of [`rows`] beyond tau and p mean, in sentences.
pub const COLUMNS_NOTE: &str = "Smallest p is the least one-sided p-value the series' ties allow (1 over the number of distinct orderings of its scores, n!/Π t!). Tau min / max are the least and greatest tau over every completion of the unknowns (each effort's level anywhere between its lower and upper bound; the total anywhere in its interval), enumerated exactly (marked ≥ / ≤ when the enumeration's budget was exceeded and they are outer bounds); the rise holds only when tau min is above 0. A step is a rise or a decline only when the two efforts' intervals do not overlap; otherwise it is marked not established.";

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
            "With {n} efforts the smallest one-sided p-value any data could give is {} ({p:.4}), reached only when every effort scores above the one before; tied scores raise it (column smallest p), and the test cannot be more confident than that, whatever the scores.",
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
        "tau is Kendall's tau-b of the score against the effort's position in time (1 = every effort above the one before); p is {} for an increasing trend; n/a where every effort has the same score. {COLUMNS_NOTE}\n",
        p_phrase(trend)
    ));
    out.push_str(&min_p_sentence(trend));
    out.push('\n');
    out
}

/// A step in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct StepJson {
    /// Change of the score, on the evidence recorded.
    pub delta: f64,
    /// `rise` or `decline` when the two intervals do not overlap; null otherwise.
    pub sure: Option<&'static str>,
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
    /// The smallest one-sided p-value the series' ties allow, or null.
    pub p_floor: Option<f64>,
    /// The least tau-b over every completion of the unknowns, or null.
    pub tau_min: Option<f64>,
    /// The greatest tau-b over every completion of the unknowns, or null.
    pub tau_max: Option<f64>,
    /// True when `tau_min` and `tau_max` were enumerated exactly; false when they are
    /// outer bounds (the enumeration's budget was exceeded).
    pub tau_bounds_exact: bool,
    /// True only when `tau_min` is above 0: the rise holds whatever the unknowns are.
    pub rise_holds: bool,
    /// Change of the score between consecutive efforts.
    pub changes: Vec<f64>,
    /// The same steps, each with whether the intervals support it.
    pub steps: Vec<StepJson>,
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
            p_floor: s.p_floor().map(|(p, _)| (p * 1e6).round() / 1e6),
            tau_min: s.bounds.min.map(r4),
            tau_max: s.bounds.max.map(r4),
            tau_bounds_exact: s.bounds.exact,
            rise_holds: s.rise_holds(),
            changes: s.changes().into_iter().map(round2).collect(),
            steps: s
                .steps()
                .into_iter()
                .map(|step| StepJson {
                    delta: round2(step.delta),
                    sure: match step.sure {
                        Sure::Rise => Some("rise"),
                        Sure::Decline => Some("decline"),
                        Sure::Held | Sure::NotEstablished => None,
                    },
                })
                .collect(),
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
            None,
        );
        let test = s.test.as_ref().expect("defined");
        assert_eq!(test.tau, 1.0);
        assert!((test.p_increasing - 1.0 / 24.0).abs() < 1e-12);
        // The intervals overlap: completions exist with the first above the second.
        assert!(s.bounds.exact);
        assert_eq!(s.bounds.max, Some(1.0));
        assert!(s.bounds.min.expect("defined") < 1.0);
        assert!(s.rise_holds());
        assert_eq!(s.changes(), vec![10.0, 10.0, 10.0]);
        assert!(s.steps().iter().all(|s| s.sure == Sure::NotEstablished));
        assert_eq!(minimum_p(4), Some(1.0 / 24.0));
    }

    #[test]
    fn a_constant_series_has_no_tau_and_overlapping_bounds_do_not_hold() {
        let s = series("c", vec![interval(50.0, 0.0, 100.0); 3], None);
        assert!(s.test.is_err());
        assert_eq!((s.bounds.min, s.bounds.max), (Some(-1.0), Some(1.0)));
        assert!(!s.rise_holds());
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
            total: series("total", values, None),
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
    fn the_issues_total_has_a_tau_of_zero_within_reach() {
        // Shipped total, 2026-12: tau on the bounds was 1.000 / 0.667 and "holds at
        // bounds: yes", yet tau = 0 is attainable.
        let s = series(
            "total",
            vec![
                interval(35.0, 35.0, 60.0),
                interval(43.0, 43.0, 75.0),
                interval(53.0, 53.0, 70.0),
                interval(74.0, 74.0, 86.0),
            ],
            None,
        );
        let min = s.bounds.min.expect("defined");
        assert!(min <= 0.0, "{min}");
        assert!(!s.rise_holds());
    }

    #[test]
    fn steps_are_sure_only_when_the_intervals_do_not_overlap() {
        let closed = |v| interval(v, v, v);
        assert_eq!(step(&closed(10.0), &closed(20.0)).sure, Sure::Rise);
        assert_eq!(step(&closed(20.0), &closed(10.0)).sure, Sure::Decline);
        assert_eq!(step(&closed(20.0), &closed(20.0)).sure, Sure::Held);
        let open = interval(0.0, 0.0, 50.0);
        let s = step(&closed(25.0), &open);
        assert_eq!(s.sure, Sure::NotEstablished);
        assert_eq!(step_cell(&s), "-25.0 (not established)");
        let steps = vec![s; STEPS_MAX];
        assert_eq!(
            changes_cell(&steps),
            "12 steps: 0 up, 0 down, 0 level, 12 not established"
        );
    }

    #[test]
    fn the_p_floor_counts_the_distinct_orderings_of_tied_scores() {
        let closed = |v| interval(v, v, v);
        let values = vec![closed(0.0), closed(0.0), closed(50.0), closed(100.0)];
        assert_eq!(distinct_orderings(&values), Some(12));
        let s = series("c", values, None);
        let (p, k) = s.p_floor().expect("defined");
        assert_eq!(k, Some(12));
        assert!((p - 1.0 / 12.0).abs() < 1e-12, "{p}");
    }

    #[test]
    fn changes_are_signed() {
        assert_eq!(fmt_change(8.0), "+8.0");
        assert_eq!(fmt_change(-3.5), "-3.5");
        assert_eq!(fmt_change(0.0), "0.0");
    }
}
