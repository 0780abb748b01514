//! Weight sensitivity: would the ranking and the progression survive other reasonable
//! weights?
//!
//! Weight vectors are drawn from a Dirichlet distribution centred on the rubric's
//! weights ([`crate::analysis::CentredDirichlet`]); the **concentration** says how
//! tightly (higher = closer to the rubric's weights; 50 gives a weight of 0.2 a standard
//! deviation near 0.056). For each draw every case's total is recomputed from its
//! criterion scores (the levels are not re-derived) as the weighted mean, and:
//!
//! - every case is **ranked among all cases scored** (efforts and initiatives alike;
//!   rank 1 is the highest total, tied cases share the better rank);
//! - the **progression** holds when the first effort's total is below the last effort's,
//!   and is **fully monotone** when each effort's total is above the one before;
//! - the **displacement** is the sum over cases of |rank under the draw − rank under the
//!   rubric's weights|.
//!
//! The criterion whose weight "moves the ranking most" is the one whose drawn weight has
//! the largest absolute Pearson correlation with the displacement across draws.
//!
//! Draws are made in fixed chunks of [`CHUNK`]; chunk k uses the generator seeded with
//! the seed, on ChaCha stream k, and chunks run in parallel (rayon) but are merged in
//! order, so the result depends on the seed alone, not on the number of threads.

use crate::analysis::{CentredDirichlet, seeded_rng};
use crate::error::Error;
use crate::model::Kind;
use crate::score::Scores;
use crate::score_output::align;
use crate::score_output::{EngineJson, RubricJson};
use rayon::prelude::*;
use serde::Serialize;

/// Draws per chunk, each chunk with its own generator stream.
pub const CHUNK: usize = 1_000;

/// Settings of a sensitivity analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Number of weight vectors drawn (at least 1).
    pub samples: usize,
    /// Seed of the generator.
    pub seed: u64,
    /// Dirichlet concentration: higher keeps the draws closer to the rubric's weights.
    pub concentration: f64,
}

impl Default for Settings {
    /// 10,000 draws, seed 1, concentration 50.
    fn default() -> Self {
        Settings {
            samples: 10_000,
            seed: 1,
            concentration: 50.0,
        }
    }
}

/// What the draws showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The settings used.
    pub settings: Settings,
    /// Case ids, in the scores' order.
    pub cases: Vec<String>,
    /// Whether each case is an effort.
    pub is_effort: Vec<bool>,
    /// Each case's rank (1 = highest) under the rubric's weights.
    pub base_ranks: Vec<usize>,
    /// `rank_counts[case][r]`: draws in which the case had rank r + 1.
    pub rank_counts: Vec<Vec<usize>>,
    /// Draws in which the first effort's total was below the last effort's.
    pub first_below_last: usize,
    /// Draws in which every effort's total was above the one before.
    pub monotone: usize,
    /// Draws in which every case kept its rank.
    pub unchanged: usize,
    /// Criterion ids with their normalised rubric weight.
    pub criteria: Vec<(String, f64)>,
    /// Per criterion, the correlation of its drawn weight with the displacement (None
    /// when the displacement never varied).
    pub correlations: Vec<Option<f64>>,
    /// Number of efforts.
    pub efforts: usize,
}

impl Sensitivity {
    /// The index of the criterion whose weight moves the ranking most, if any moved it.
    pub fn most_influential(&self) -> Option<usize> {
        self.correlations
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.map(|c| (i, c.abs())))
            .fold(None, |best: Option<(usize, f64)>, (i, c)| match best {
                Some((_, b)) if b >= c => best,
                _ => Some((i, c)),
            })
            .map(|(i, _)| i)
    }

    /// Share of draws.
    pub fn share(&self, count: usize) -> f64 {
        count as f64 / self.settings.samples.max(1) as f64
    }
}

/// Ranks (1 = highest; ties share the better rank).
pub fn ranks(totals: &[f64]) -> Vec<usize> {
    totals
        .iter()
        .map(|t| 1 + totals.iter().filter(|o| **o > *t).count())
        .collect()
}

/// Sums of one chunk, merged in chunk order.
#[derive(Debug, Clone)]
struct Tally {
    rank_counts: Vec<Vec<usize>>,
    first_below_last: usize,
    monotone: usize,
    unchanged: usize,
    n: f64,
    sum_d: f64,
    sum_dd: f64,
    sum_w: Vec<f64>,
    sum_ww: Vec<f64>,
    sum_wd: Vec<f64>,
}

impl Tally {
    fn new(cases: usize, criteria: usize) -> Tally {
        Tally {
            rank_counts: vec![vec![0; cases]; cases],
            first_below_last: 0,
            monotone: 0,
            unchanged: 0,
            n: 0.0,
            sum_d: 0.0,
            sum_dd: 0.0,
            sum_w: vec![0.0; criteria],
            sum_ww: vec![0.0; criteria],
            sum_wd: vec![0.0; criteria],
        }
    }

    fn merge(&mut self, other: &Tally) {
        for (a, b) in self.rank_counts.iter_mut().zip(&other.rank_counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.first_below_last += other.first_below_last;
        self.monotone += other.monotone;
        self.unchanged += other.unchanged;
        self.n += other.n;
        self.sum_d += other.sum_d;
        self.sum_dd += other.sum_dd;
        for i in 0..self.sum_w.len() {
            self.sum_w[i] += other.sum_w[i];
            self.sum_ww[i] += other.sum_ww[i];
            self.sum_wd[i] += other.sum_wd[i];
        }
    }
}

/// Runs the analysis on `scores` (criterion scores on 0–100, rubric weights).
///
/// # Errors
/// [`Error::Usage`] when there are no samples, no cases or the concentration is not a
/// positive number.
pub fn sensitivity(scores: &Scores, settings: Settings) -> Result<Sensitivity, Error> {
    if settings.samples == 0 {
        return Err(Error::Usage("--samples must be at least 1".to_string()));
    }
    let Some(first) = scores.cases.first() else {
        return Err(Error::Usage(
            "no cases are coded against this rubric".to_string(),
        ));
    };
    let weights: Vec<f64> = first.criteria.iter().map(|c| c.weight).collect();
    let dirichlet = CentredDirichlet::new(&weights, settings.concentration)
        .map_err(|e| Error::Usage(format!("--concentration: {e}")))?;
    let matrix: Vec<Vec<f64>> = scores
        .cases
        .iter()
        .map(|c| c.criteria.iter().map(|k| k.interval.score).collect())
        .collect();
    let is_effort: Vec<bool> = scores
        .cases
        .iter()
        .map(|c| c.kind == Kind::Effort)
        .collect();
    let efforts: Vec<usize> = (0..is_effort.len()).filter(|i| is_effort[*i]).collect();
    let totals = |w: &[f64]| -> Vec<f64> {
        matrix
            .iter()
            .map(|row| row.iter().zip(w).map(|(s, w)| s * w).sum())
            .collect()
    };
    let base_ranks = ranks(&totals(dirichlet.centre()));
    let cases = matrix.len();
    let criteria = weights.len();
    let chunks = settings.samples.div_ceil(CHUNK);
    let tallies: Vec<Tally> = (0..chunks)
        .into_par_iter()
        .map(|k| {
            let mut rng = seeded_rng(settings.seed);
            rng.set_stream(k as u64);
            let count = CHUNK.min(settings.samples - k * CHUNK);
            let mut tally = Tally::new(cases, criteria);
            for _ in 0..count {
                let w = dirichlet.sample(&mut rng);
                let t = totals(&w);
                let r = ranks(&t);
                for (case, rank) in r.iter().enumerate() {
                    tally.rank_counts[case][rank - 1] += 1;
                }
                let effort_totals: Vec<f64> = efforts.iter().map(|i| t[*i]).collect();
                if let (Some(a), Some(b)) = (effort_totals.first(), effort_totals.last())
                    && effort_totals.len() >= 2
                {
                    if a < b {
                        tally.first_below_last += 1;
                    }
                    if effort_totals.windows(2).all(|p| p[0] < p[1]) {
                        tally.monotone += 1;
                    }
                }
                let d: f64 = r
                    .iter()
                    .zip(&base_ranks)
                    .map(|(a, b)| a.abs_diff(*b) as f64)
                    .sum();
                if d == 0.0 {
                    tally.unchanged += 1;
                }
                tally.n += 1.0;
                tally.sum_d += d;
                tally.sum_dd += d * d;
                for (i, wi) in w.iter().enumerate() {
                    tally.sum_w[i] += wi;
                    tally.sum_ww[i] += wi * wi;
                    tally.sum_wd[i] += wi * d;
                }
            }
            tally
        })
        .collect();
    let mut total = Tally::new(cases, criteria);
    for t in &tallies {
        total.merge(t);
    }
    let n = total.n;
    let var_d = total.sum_dd / n - (total.sum_d / n).powi(2);
    let correlations = (0..criteria)
        .map(|i| {
            let var_w = total.sum_ww[i] / n - (total.sum_w[i] / n).powi(2);
            let cov = total.sum_wd[i] / n - (total.sum_w[i] / n) * (total.sum_d / n);
            (var_d > 1e-12 && var_w > 0.0).then(|| cov / (var_w * var_d).sqrt())
        })
        .collect();
    Ok(Sensitivity {
        settings,
        cases: scores.cases.iter().map(|c| c.id.clone()).collect(),
        is_effort,
        base_ranks,
        rank_counts: total.rank_counts,
        first_below_last: total.first_below_last,
        monotone: total.monotone,
        unchanged: total.unchanged,
        criteria: first
            .criteria
            .iter()
            .zip(dirichlet.centre())
            .map(|(c, w)| (c.id.clone(), *w))
            .collect(),
        correlations,
        efforts: efforts.len(),
    })
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn fmt_corr(c: Option<f64>) -> String {
    c.map_or_else(|| "n/a".to_string(), |c| format!("{:+.3}", c))
}

/// The progression sentence.
pub fn progression_sentence(s: &Sensitivity) -> String {
    if s.efforts < 2 {
        return "Fewer than two efforts: there is no progression to test.".to_string();
    }
    format!(
        "Progression across the {} efforts: the first effort scores below the last in {} of draws; every effort scores above the one before in {}.",
        s.efforts,
        pct(s.share(s.first_below_last)),
        pct(s.share(s.monotone))
    )
}

/// The most-influential-criterion sentence.
pub fn influence_sentence(s: &Sensitivity) -> String {
    match s.most_influential() {
        Some(i) => format!(
            "The weight that moves the ranking most is {}'s: its correlation with the rank displacement is {}.",
            s.criteria.get(i).map_or("", |c| c.0.as_str()),
            fmt_corr(s.correlations.get(i).copied().flatten())
        ),
        None => "No draw changed the ranking, so no weight moves it.".to_string(),
    }
}

/// The settings sentence.
pub fn settings_sentence(s: &Sensitivity) -> String {
    format!(
        "{} weight vectors drawn from a Dirichlet distribution centred on the rubric's weights (concentration {}, higher = closer to the rubric's weights; seed {}). The ranking among all {} cases is unchanged in {} of draws.",
        s.settings.samples,
        s.settings.concentration,
        s.settings.seed,
        s.cases.len(),
        pct(s.share(s.unchanged))
    )
}

/// Rows: case, kind, rank under the rubric's weights, P(rank 1) … P(rank n).
pub fn rank_rows(s: &Sensitivity) -> Vec<Vec<String>> {
    let mut header = vec!["case".to_string(), "rubric rank".to_string()];
    header.extend((1..=s.cases.len()).map(|r| format!("P(rank {r})")));
    let mut rows = vec![header];
    for (i, id) in s.cases.iter().enumerate() {
        let mut row = vec![id.clone(), s.base_ranks[i].to_string()];
        row.extend(
            s.rank_counts[i]
                .iter()
                .map(|c| format!("{:.3}", s.share(*c))),
        );
        rows.push(row);
    }
    rows
}

/// Rows: criterion, rubric weight (normalised), correlation with displacement.
pub fn weight_rows(s: &Sensitivity) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "criterion".to_string(),
        "weight (normalised)".to_string(),
        "correlation with rank displacement".to_string(),
    ]];
    for ((id, w), c) in s.criteria.iter().zip(&s.correlations) {
        rows.push(vec![id.clone(), format!("{:.3}", w), fmt_corr(*c)]);
    }
    rows
}

/// `thirdside sensitivity` for people.
pub fn to_text(scores: &Scores, s: &Sensitivity) -> String {
    let mut out = format!(
        "Rubric {} {} — weight sensitivity\n{}\n\nRank probabilities (rank 1 = highest total among all cases; tied cases share the better rank):\n",
        scores.rubric_id,
        scores.rubric_version,
        settings_sentence(s)
    );
    out.push_str(&align(&rank_rows(s)));
    out.push('\n');
    out.push_str(&progression_sentence(s));
    out.push_str("\n\n");
    out.push_str(&align(&weight_rows(s)));
    out.push_str("\nThe rank displacement of a draw is the sum over cases of |its rank − its rank under the rubric's weights|.\n");
    out.push_str(&influence_sentence(s));
    out.push('\n');
    out
}

/// A case in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct CaseJson {
    /// Case id.
    pub id: String,
    /// `effort` or `initiative`.
    pub kind: &'static str,
    /// Rank under the rubric's weights.
    pub rubric_rank: usize,
    /// Share of draws with rank 1, 2, …
    pub rank_probabilities: Vec<f64>,
}

/// A criterion in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionJson {
    /// Criterion id.
    pub id: String,
    /// The rubric's weight, normalised to sum to 1.
    pub weight: f64,
    /// Correlation of the drawn weight with the rank displacement, or null.
    pub correlation: Option<f64>,
}

/// The progression in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressionJson {
    /// Number of efforts.
    pub efforts: usize,
    /// Share of draws in which the first effort scores below the last.
    pub first_below_last: f64,
    /// Share of draws in which every effort scores above the one before.
    pub monotone: f64,
}

/// `thirdside sensitivity --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityJson {
    /// The engine.
    pub engine: EngineJson,
    /// The rubric.
    pub rubric: RubricJson,
    /// Draws.
    pub samples: usize,
    /// Seed.
    pub seed: u64,
    /// Dirichlet concentration.
    pub concentration: f64,
    /// What cases are ranked among: `all cases`.
    pub ranked_among: &'static str,
    /// Share of draws in which no case changed rank.
    pub ranking_unchanged: f64,
    /// Per case.
    pub cases: Vec<CaseJson>,
    /// The progression.
    pub progression: ProgressionJson,
    /// Per criterion.
    pub criteria: Vec<CriterionJson>,
    /// The criterion whose weight moves the ranking most, or null.
    pub most_influential: Option<String>,
}

/// Pretty JSON with a final newline.
pub fn to_json(scores: &Scores, s: &Sensitivity) -> String {
    let r4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
    let view = SensitivityJson {
        engine: EngineJson::current(),
        rubric: RubricJson {
            id: scores.rubric_id.clone(),
            version: scores.rubric_version.clone(),
            title: scores.rubric_title.clone(),
        },
        samples: s.settings.samples,
        seed: s.settings.seed,
        concentration: s.settings.concentration,
        ranked_among: "all cases",
        ranking_unchanged: r4(s.share(s.unchanged)),
        cases: scores
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| CaseJson {
                id: c.id.clone(),
                kind: c.kind.as_str(),
                rubric_rank: s.base_ranks[i],
                rank_probabilities: s.rank_counts[i].iter().map(|n| r4(s.share(*n))).collect(),
            })
            .collect(),
        progression: ProgressionJson {
            efforts: s.efforts,
            first_below_last: r4(s.share(s.first_below_last)),
            monotone: r4(s.share(s.monotone)),
        },
        criteria: s
            .criteria
            .iter()
            .zip(&s.correlations)
            .map(|((id, w), c)| CriterionJson {
                id: id.clone(),
                weight: r4(*w),
                correlation: c.map(r4),
            })
            .collect(),
        most_influential: s
            .most_influential()
            .and_then(|i| s.criteria.get(i).map(|c| c.0.clone())),
    };
    let mut out =
        serde_json::to_string_pretty(&view).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_scores() -> Scores {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let checked = crate::load(
            &[root.join("rubrics"), root.join("cases")],
            &crate::validate::Options::default(),
        )
        .expect("loads");
        let rubric = crate::select_rubric(&checked.corpus, None).expect("one rubric");
        crate::score::score(&checked.corpus, rubric)
    }

    #[test]
    fn the_result_does_not_depend_on_the_number_of_threads() {
        let scores = fixture_scores();
        let settings = Settings {
            samples: 3_500,
            ..Settings::default()
        };
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool")
                .install(|| sensitivity(&scores, settings).expect("runs"))
        };
        assert_eq!(run(1), run(3));
    }

    #[test]
    fn ties_share_the_better_rank() {
        assert_eq!(ranks(&[10.0, 30.0, 30.0, 5.0]), vec![3, 1, 1, 4]);
    }
}
