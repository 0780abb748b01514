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
//! the largest absolute Pearson correlation with the displacement across draws. It is
//! named only when that lead holds under resampling of the draws: the draws are summed
//! in batches (of [`BATCH_MIN`] draws or more, at most [`BATCHES_MAX`] batches), the
//! batches are resampled with replacement [`RESAMPLES`] times (seeded, on a stream of
//! its own), and the leader must keep the largest |correlation| in at least
//! [`LEAD_HOLDS`] (95 %) of the resamples. Otherwise the output says that no single
//! criterion stands out; the runner-up is shown either way.
//!
//! Draws are made in fixed chunks of [`CHUNK`]; chunk k uses the generator seeded with
//! the seed, on ChaCha stream k, and chunks run in parallel (rayon) but are merged in
//! order, so the result depends on the seed alone, not on the number of threads.

pub mod dirichlet;

use crate::analysis::{CentredDirichlet, seeded_rng};
use crate::corpus::model::Kind;
use crate::error::Error;
use crate::score::Scores;
use crate::score::output::align;
use crate::score::output::{EngineJson, RubricJson};
use rayon::prelude::*;
use serde::Serialize;

/// Draws per chunk, each chunk with its own generator stream.
pub const CHUNK: usize = 1_000;

/// The number of draws when none is given: the same for `thirdside sensitivity` and the
/// report, so the two never disagree on the same corpus.
pub const DEFAULT_SAMPLES: usize = 10_000;

/// Bootstrap resamples of the draws behind the "most influential criterion".
pub const RESAMPLES: usize = 1_000;

/// The share of resamples in which the leading criterion must stay in the lead to be
/// named ([`Sensitivity::stands_out`]).
pub const LEAD_HOLDS: f64 = 0.95;

/// The most batches of draws the bootstrap resamples (the draws are summed in batches
/// of at least [`BATCH_MIN`] and, past `BATCHES_MAX` × `BATCH_MIN` draws, in longer
/// ones, so its memory stays small).
pub const BATCHES_MAX: usize = 2_000;

/// The fewest draws in a batch.
pub const BATCH_MIN: usize = 50;

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
    /// [`DEFAULT_SAMPLES`] draws, seed 1, concentration 50.
    fn default() -> Self {
        Settings {
            samples: DEFAULT_SAMPLES,
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
    /// `rank_counts.get(case, r)`: draws in which the case had rank r; kept with at
    /// most [`RANK_TABLE_MAX`] cases (empty bands otherwise).
    pub rank_counts: RankCounts,
    /// With more than [`RANK_TABLE_MAX`] cases, what [`Sensitivity::rank_summary`]
    /// needs, per case, instead of the whole distribution; empty otherwise.
    summaries: Vec<Tracked>,
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
    /// Share of the [`RESAMPLES`] bootstrap resamples of the draws (in batches) in which
    /// the leading criterion ([`Sensitivity::most_influential`]) is still the one with
    /// the largest absolute correlation; `None` when no criterion leads.
    pub lead_share: Option<f64>,
    /// Number of efforts.
    pub efforts: usize,
}

impl Sensitivity {
    /// The index of the criterion whose weight has the largest absolute correlation
    /// with the displacement, if any moved it; whether it stands out is
    /// [`Sensitivity::stands_out`].
    pub fn most_influential(&self) -> Option<usize> {
        leaders(&self.correlations).0
    }

    /// The criterion with the second largest absolute correlation, if any.
    pub fn runner_up(&self) -> Option<usize> {
        leaders(&self.correlations).1
    }

    /// True when the leading criterion's lead over the runner-up holds under
    /// resampling: it leads in at least [`LEAD_HOLDS`] of the bootstrap resamples.
    pub fn stands_out(&self) -> bool {
        self.lead_share.is_some_and(|s| s >= LEAD_HOLDS)
    }

    /// Share of draws.
    pub fn share(&self, count: usize) -> f64 {
        count as f64 / self.settings.samples.max(1) as f64
    }
}

/// The indices of the largest and second largest |correlation| (the first index wins
/// a tie).
fn leaders(correlations: &[Option<f64>]) -> (Option<usize>, Option<usize>) {
    let mut ranked: Vec<(usize, f64)> = correlations
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, c.abs())))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    (ranked.first().map(|r| r.0), ranked.get(1).map(|r| r.0))
}

/// Each criterion's correlation of its drawn weight with the displacement, from sums.
fn correlations(total: &Sums) -> Vec<Option<f64>> {
    let n = total.n;
    let var_d = total.sum_dd / n - (total.sum_d / n).powi(2);
    (0..total.sum_w.len())
        .map(|i| {
            let var_w = total.sum_ww[i] / n - (total.sum_w[i] / n).powi(2);
            let cov = total.sum_wd[i] / n - (total.sum_w[i] / n) * (total.sum_d / n);
            (var_d > 1e-12 && var_w > 0.0).then(|| cov / (var_w * var_d).sqrt())
        })
        .collect()
}

/// The share of bootstrap resamples of `batches` in which `leader` still has the
/// largest |correlation|: [`RESAMPLES`] resamples, each of as many batches drawn with
/// replacement, from the generator of `seed` on its own stream.
fn lead_share(batches: &[&Sums], leader: usize, seed: u64) -> f64 {
    use rand::RngExt;
    let Some(first) = batches.first() else {
        return 0.0;
    };
    let mut rng = seeded_rng(seed);
    rng.set_stream(u64::MAX);
    let mut held = 0usize;
    let mut total = Sums::new(first.sum_w.len());
    for _ in 0..RESAMPLES {
        total.clear();
        for _ in 0..batches.len() {
            total.merge(batches[rng.random_range(0..batches.len())]);
        }
        // Strictly in the lead: a dead heat is no lead.
        let c = correlations(&total);
        let of = |i: usize| c.get(i).copied().flatten().map(f64::abs);
        if let Some(lead) = of(leader)
            && (0..c.len()).all(|i| i == leader || of(i).is_none_or(|o| o < lead))
        {
            held += 1;
        }
    }
    held as f64 / RESAMPLES as f64
}

/// The draws summed in one batch of the bootstrap: at least [`BATCH_MIN`], more when
/// there would be over [`BATCHES_MAX`] batches; at most a chunk.
fn batch_len(samples: usize) -> usize {
    samples.div_ceil(BATCHES_MAX).clamp(BATCH_MIN, CHUNK)
}

/// Ranks (1 = highest; ties share the better rank, that is 1 + the number of strictly
/// greater totals). The totals are expected to be numbers (not NaN).
pub fn ranks(totals: &[f64]) -> Vec<usize> {
    let mut out = vec![0; totals.len()];
    Ranker::default().rank(totals, |case, rank| out[case] = rank);
    out
}

/// Ranks totals in expected linear time, with buffers kept between calls.
///
/// The totals are spread over as many buckets as there are cases by their distance to the
/// highest total (a monotone map, so a higher total never lands in a later bucket), laid
/// out bucket by bucket (a counting sort), and an insertion sort then only reorders
/// within buckets, which hold about one case each. Which bucket a total lands in only
/// affects the speed: the insertion sort orders whatever the buckets leave.
#[derive(Debug, Clone, Default)]
struct Ranker {
    /// (total, case), highest total first once sorted.
    sorted: Vec<(f64, usize)>,
    /// Bucket starts, then (after the scatter) bucket ends.
    starts: Vec<usize>,
    /// Each total's bucket.
    buckets: Vec<usize>,
}

impl Ranker {
    /// Calls `visit(case, rank)` for every case, in order of rank.
    fn rank(&mut self, totals: &[f64], mut visit: impl FnMut(usize, usize)) {
        let n = totals.len();
        // Twice as many buckets as totals: fewer share a bucket where totals crowd.
        let buckets = 2 * n.max(1);
        let (lo, hi) = totals
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
                (lo.min(*t), hi.max(*t))
            });
        let range = hi - lo;
        // 0 when every total is equal (or the range is not a finite positive number):
        // everything then goes to bucket 0 and the insertion sort does the work.
        let scale = if range > 0.0 && range.is_finite() {
            (buckets - 1) as f64 / range
        } else {
            0.0
        };
        // `as usize` saturates (and maps NaN to 0); `min` keeps rounding in range.
        let bucket = |t: f64| (((hi - t) * scale) as usize).min(buckets - 1);
        self.starts.clear();
        self.starts.resize(buckets + 1, 0);
        self.buckets.clear();
        self.buckets.extend(totals.iter().map(|t| bucket(*t)));
        for b in &self.buckets {
            self.starts[b + 1] += 1;
        }
        for i in 1..=buckets {
            self.starts[i] += self.starts[i - 1];
        }
        self.sorted.clear();
        self.sorted.resize(n, (0.0, 0));
        for (case, (t, b)) in totals.iter().zip(&self.buckets).enumerate() {
            let slot = &mut self.starts[*b];
            self.sorted[*slot] = (*t, case);
            *slot += 1;
        }
        insertion_sort_descending(&mut self.sorted);
        let mut rank = 1;
        let mut group = f64::NAN;
        for (position, &(total, case)) in self.sorted.iter().enumerate() {
            // Equal totals are adjacent (0.0 and -0.0 too), so a tie group starts where
            // the total differs from the group's first; its rank is 1 + the cases before.
            if total != group {
                rank = position + 1;
                group = total;
            }
            visit(case, rank);
        }
    }
}

/// Sorts by total, highest first (`f64::total_cmp`), in time linear in the length plus
/// the number of pairs out of order.
fn insertion_sort_descending(items: &mut [(f64, usize)]) {
    for i in 1..items.len() {
        let item = items[i];
        let mut j = i;
        while j > 0 && items[j - 1].0.total_cmp(&item.0).is_lt() {
            items[j] = items[j - 1];
            j -= 1;
        }
        items[j] = item;
    }
}

/// How often one case had each rank, kept as the band of ranks it was seen at (under
/// weights near the rubric's, a case's rank moves little): `counts[i]` is the number of
/// draws with zero-based rank `lo + i`. Empty when no draw was counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Band<C> {
    lo: usize,
    counts: Vec<C>,
}

impl Band<u32> {
    /// Counts one draw with zero-based rank `rank`. The band only ever spans seen ranks,
    /// so the band of a set of draws does not depend on how they were split up.
    #[inline]
    fn add(&mut self, rank: usize) {
        if let Some(i) = rank.checked_sub(self.lo)
            && let Some(count) = self.counts.get_mut(i)
        {
            *count += 1;
            return;
        }
        self.grow(rank);
    }

    #[cold]
    fn grow(&mut self, rank: usize) {
        if self.counts.is_empty() {
            self.lo = rank;
            self.counts.push(1);
        } else if rank < self.lo {
            self.counts
                .splice(0..0, std::iter::repeat_n(0, self.lo - rank));
            self.lo = rank;
            self.counts[0] = 1;
        } else {
            self.counts.resize(rank - self.lo, 0);
            self.counts.push(1);
        }
    }

    /// Adds another band's counts, widening this band to cover the other's span.
    fn absorb(&mut self, other: &Band<u32>) {
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.lo = other.lo;
        } else if other.lo < self.lo {
            self.counts
                .splice(0..0, std::iter::repeat_n(0, self.lo - other.lo));
            self.lo = other.lo;
        }
        let end = other.lo + other.counts.len() - self.lo;
        if end > self.counts.len() {
            self.counts.resize(end, 0);
        }
        for (total, count) in self.counts[other.lo - self.lo..]
            .iter_mut()
            .zip(&other.counts)
        {
            *total += *count;
        }
    }
}

/// `get(case, rank)`: the number of draws in which the case had rank `rank` (1 =
/// highest). Stored per case as the band of ranks it was seen at, so memory grows with
/// how far ranks move rather than with the square of the number of cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankCounts {
    bands: Vec<Band<u32>>,
}

impl RankCounts {
    /// Merges per-worker bands (integer sums, so the order does not matter) into the
    /// first worker's, so that no second copy of the counts is made.
    fn merge(cases: usize, parts: Vec<Vec<Band<u32>>>) -> RankCounts {
        let mut parts = parts.into_iter();
        let mut bands = parts.next().unwrap_or_default();
        bands.resize_with(cases, Band::default);
        for part in parts {
            for (band, other) in bands.iter_mut().zip(&part) {
                band.absorb(other);
            }
        }
        RankCounts { bands }
    }

    /// Number of cases.
    pub fn cases(&self) -> usize {
        self.bands.len()
    }

    /// Draws in which `case` had rank `rank` (1 = highest); 0 out of range.
    pub fn get(&self, case: usize, rank: usize) -> usize {
        self.bands.get(case).map_or(0, |b| {
            rank.checked_sub(1 + b.lo)
                .and_then(|i| b.counts.get(i))
                .map_or(0, |c| *c as usize)
        })
    }

    /// The counts of ranks 1, 2, … n of `case` (all zero for an unknown case).
    pub fn row(&self, case: usize) -> impl Iterator<Item = usize> + '_ {
        (1..=self.cases()).map(move |rank| self.get(case, rank))
    }

    /// The ranks `case` was seen at, with their counts, best first; only the band it
    /// was seen in is read.
    pub fn seen(&self, case: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.bands.get(case).into_iter().flat_map(|b| {
            b.counts
                .iter()
                .enumerate()
                .filter(|(_, c)| **c > 0)
                .map(move |(i, c)| (b.lo + i + 1, *c as usize))
        })
    }
}

/// Float sums of one chunk, merged in chunk order so that the rounding does not depend on
/// the number of threads.
#[derive(Debug, Clone)]
struct Sums {
    n: f64,
    sum_d: f64,
    sum_dd: f64,
    sum_w: Vec<f64>,
    sum_ww: Vec<f64>,
    sum_wd: Vec<f64>,
}

impl Sums {
    fn new(criteria: usize) -> Sums {
        Sums {
            n: 0.0,
            sum_d: 0.0,
            sum_dd: 0.0,
            sum_w: vec![0.0; criteria],
            sum_ww: vec![0.0; criteria],
            sum_wd: vec![0.0; criteria],
        }
    }

    fn clear(&mut self) {
        self.n = 0.0;
        self.sum_d = 0.0;
        self.sum_dd = 0.0;
        for v in [&mut self.sum_w, &mut self.sum_ww, &mut self.sum_wd] {
            v.iter_mut().for_each(|x| *x = 0.0);
        }
    }

    fn merge(&mut self, other: &Sums) {
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

/// What one rayon worker accumulates over the chunks it runs: integer counts (order does
/// not matter), each chunk's float sums with the chunk's index, and buffers reused
/// across draws.
struct Worker {
    bands: Vec<Band<u32>>,
    /// With more than [`RANK_TABLE_MAX`] cases, instead of `bands`.
    summaries: Vec<Tracked>,
    first_below_last: usize,
    monotone: usize,
    unchanged: usize,
    sums: Vec<((usize, usize), Sums)>,
    weights: Vec<f64>,
    totals: Vec<f64>,
    ranker: Ranker,
}

/// `out[i]` = Σ_j matrix[i·K + j] · w[j], summed in order j = 0, 1, ….
fn weighted_totals<const K: usize>(matrix: &[f64], w: &[f64], out: &mut [f64]) {
    let w = &w[..K];
    for (total, row) in out.iter_mut().zip(matrix.chunks_exact(K)) {
        *total = row.iter().zip(w).map(|(s, w)| s * w).sum();
    }
}

/// What does not change between draws.
struct Problem<'a> {
    dirichlet: &'a CentredDirichlet,
    /// Criterion scores, row-major: case i's are `matrix[i * criteria..][..criteria]`.
    matrix: &'a [f64],
    criteria: usize,
    efforts: &'a [usize],
    base_ranks: &'a [usize],
    settings: Settings,
    /// Whether whole rank distributions are tallied, or only their summaries.
    full: bool,
    /// Draws summed per batch for the bootstrap ([`batch_len`]).
    batch: usize,
}

impl Problem<'_> {
    fn cases(&self) -> usize {
        self.base_ranks.len()
    }

    /// Each case's weighted total: the same sum, in the same order, whatever the number
    /// of criteria; common numbers get a copy the compiler can unroll.
    fn totals(&self, w: &[f64], out: &mut [f64]) {
        match self.criteria {
            4 => weighted_totals::<4>(self.matrix, w, out),
            5 => weighted_totals::<5>(self.matrix, w, out),
            6 => weighted_totals::<6>(self.matrix, w, out),
            7 => weighted_totals::<7>(self.matrix, w, out),
            8 => weighted_totals::<8>(self.matrix, w, out),
            k => {
                for (total, row) in out.iter_mut().zip(self.matrix.chunks_exact(k)) {
                    *total = row.iter().zip(w).map(|(s, w)| s * w).sum();
                }
            }
        }
    }

    fn worker(&self) -> Worker {
        let cases = self.cases();
        let full = self.full;
        Worker {
            bands: if full {
                vec![Band::default(); cases]
            } else {
                Vec::new()
            },
            summaries: if full {
                Vec::new()
            } else {
                vec![Tracked::default(); cases]
            },
            first_below_last: 0,
            monotone: 0,
            unchanged: 0,
            sums: Vec::new(),
            weights: Vec::with_capacity(self.criteria),
            totals: vec![0.0; cases],
            ranker: Ranker::default(),
        }
    }

    /// Runs chunk `k` on `worker`.
    fn chunk(&self, worker: &mut Worker, k: usize) {
        let mut rng = seeded_rng(self.settings.seed);
        rng.set_stream(k as u64);
        let count = CHUNK.min(self.settings.samples - k * CHUNK);
        let mut sums = Sums::new(self.criteria);
        let mut batch = 0;
        let Worker {
            bands,
            summaries,
            first_below_last,
            monotone,
            unchanged,
            sums: chunk_sums,
            weights,
            totals,
            ranker,
        } = worker;
        for _ in 0..count {
            self.dirichlet.sample_into(&mut rng, weights);
            self.totals(weights, totals);
            let mut displacement: u64 = 0;
            ranker.rank(totals, |case, rank| {
                if let Some(base) = self.base_ranks.get(case) {
                    if let Some(band) = bands.get_mut(case) {
                        band.add(rank - 1);
                    } else if let Some(tracked) = summaries.get_mut(case) {
                        tracked.add(rank, *base);
                    }
                    displacement += rank.abs_diff(*base) as u64;
                }
            });
            if let (Some(&a), Some(&b)) = (self.efforts.first(), self.efforts.last())
                && self.efforts.len() >= 2
            {
                if totals[a] < totals[b] {
                    *first_below_last += 1;
                }
                if self.efforts.windows(2).all(|p| totals[p[0]] < totals[p[1]]) {
                    *monotone += 1;
                }
            }
            // Whole numbers well below 2^53: the same value as summing them as floats.
            let d = displacement as f64;
            if d == 0.0 {
                *unchanged += 1;
            }
            sums.n += 1.0;
            sums.sum_d += d;
            sums.sum_dd += d * d;
            for (i, wi) in weights.iter().enumerate() {
                sums.sum_w[i] += wi;
                sums.sum_ww[i] += wi * wi;
                sums.sum_wd[i] += wi * d;
            }
            if sums.n as usize == self.batch {
                let full = std::mem::replace(&mut sums, Sums::new(self.criteria));
                chunk_sums.push(((k, batch), full));
                batch += 1;
            }
        }
        if sums.n > 0.0 {
            chunk_sums.push(((k, batch), sums));
        }
    }
}

/// The most weight vectors one analysis draws: a million draws give every probability
/// to about a thousandth, and take seconds; more would run for hours on a large corpus
/// without changing a printed digit.
pub const MAX_SAMPLES: usize = 1_000_000;

/// Runs the analysis on `scores` (criterion scores on 0–100, rubric weights).
///
/// # Errors
/// [`Error::Usage`] when there are no samples or more than [`MAX_SAMPLES`], no cases or
/// the concentration is not a positive number.
pub fn sensitivity(scores: &Scores, settings: Settings) -> Result<Sensitivity, Error> {
    sensitivity_with(scores, settings, Run::default())
}

/// What a run of the analysis takes beyond its [`Settings`]: which efforts its
/// progression reads, and a counter of the draws done.
#[derive(Clone, Copy, Default)]
pub struct Run<'a> {
    /// Whether the progression reads the effort of this id (`None`: every effort).
    /// The trend's ([`crate::analysis::trend::TrendInput::reads`]): an effort it leaves
    /// out is still ranked among the cases, but is no step of the progression.
    pub progression: Option<&'a (dyn Fn(&str) -> bool + Sync)>,
    /// Counts the draws as they are done (a chunk at a time), for a progress bar; never
    /// read by the analysis.
    pub done: Option<&'a std::sync::atomic::AtomicUsize>,
}

impl std::fmt::Debug for Run<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("progression", &self.progression.is_some())
            .field("done", &self.done)
            .finish()
    }
}

/// [`sensitivity`] with what `run` gives.
///
/// # Errors
/// As [`sensitivity`].
pub fn sensitivity_with(
    scores: &Scores,
    settings: Settings,
    run: Run<'_>,
) -> Result<Sensitivity, Error> {
    run_all(scores, settings, scores.cases.len() <= RANK_TABLE_MAX, run)
}

/// [`sensitivity_with`], tallying whole rank distributions when `full`, only their
/// summaries otherwise.
fn run_all(
    scores: &Scores,
    settings: Settings,
    full: bool,
    run: Run<'_>,
) -> Result<Sensitivity, Error> {
    if settings.samples == 0 {
        return Err(Error::Usage("--samples must be at least 1".to_string()));
    }
    if settings.samples > MAX_SAMPLES {
        return Err(Error::Usage(format!(
            "--samples must be at most {MAX_SAMPLES}: more draws change the probabilities by less than their rounding and would run for hours on a large corpus"
        )));
    }
    let Some(first) = scores.cases.first() else {
        return Err(Error::Usage(
            "no cases are coded against this rubric".to_string(),
        ));
    };
    let weights: Vec<f64> = first.criteria.iter().map(|c| c.weight).collect();
    let dirichlet = CentredDirichlet::new(&weights, settings.concentration)
        .map_err(|e| Error::Usage(format!("--concentration: {e}")))?;
    let criteria = weights.len();
    let matrix: Vec<f64> = scores
        .cases
        .iter()
        .flat_map(|c| {
            // Every case is scored against the same rubric; pad defensively so rows align.
            c.criteria
                .iter()
                .map(|k| k.interval.score)
                .chain(std::iter::repeat(0.0))
                .take(criteria)
        })
        .collect();
    let is_effort: Vec<bool> = scores
        .cases
        .iter()
        .map(|c| c.kind == Kind::Effort)
        .collect();
    let in_progression = |i: usize| {
        is_effort[i]
            && run
                .progression
                .is_none_or(|reads| scores.cases.get(i).is_some_and(|c| reads(&c.id)))
    };
    let efforts: Vec<usize> = (0..is_effort.len())
        .filter(|i| in_progression(*i))
        .collect();
    let cases = is_effort.len();
    let mut base_totals = vec![0.0; cases];
    let mut problem = Problem {
        dirichlet: &dirichlet,
        matrix: &matrix,
        criteria,
        efforts: &[],
        base_ranks: &[],
        settings,
        full,
        batch: batch_len(settings.samples),
    };
    problem.totals(dirichlet.centre(), &mut base_totals);
    let base_ranks = ranks(&base_totals);
    // The draws work on the cases laid out in the order of their rubric rank
    // (`layout[slot]` is the case in that slot): each draw's ranking is then close to
    // that layout, so the per-case tallies are visited almost in memory order. Totals,
    // ranks and counts are the same whatever the layout; the counts are put back in the
    // scores' order at the end.
    let mut layout: Vec<usize> = (0..cases).collect();
    layout.sort_by_key(|case| base_ranks.get(*case).copied().unwrap_or(0));
    let mut slot_of = vec![0; cases];
    for (slot, case) in layout.iter().enumerate() {
        slot_of[*case] = slot;
    }
    let laid_out_matrix: Vec<f64> = layout
        .iter()
        .flat_map(|case| matrix.chunks_exact(criteria).nth(*case).unwrap_or_default())
        .copied()
        .collect();
    let laid_out_efforts: Vec<usize> = efforts.iter().map(|case| slot_of[*case]).collect();
    let laid_out_ranks: Vec<usize> = layout.iter().map(|case| base_ranks[*case]).collect();
    problem.matrix = &laid_out_matrix;
    problem.efforts = &laid_out_efforts;
    problem.base_ranks = &laid_out_ranks;
    let chunks = settings.samples.div_ceil(CHUNK);
    let mut workers: Vec<Worker> = (0..chunks)
        .into_par_iter()
        .fold(
            || problem.worker(),
            |mut worker, k| {
                problem.chunk(&mut worker, k);
                if let Some(done) = run.done {
                    done.fetch_add(
                        CHUNK.min(settings.samples - k * CHUNK),
                        std::sync::atomic::Ordering::Relaxed,
                    );
                }
                worker
            },
        )
        .collect();
    let mut batches: Vec<((usize, usize), Sums)> = workers
        .iter_mut()
        .flat_map(|w| std::mem::take(&mut w.sums))
        .collect();
    batches.sort_by_key(|(k, _)| *k);
    let batches: Vec<&Sums> = batches.iter().map(|(_, sums)| sums).collect();
    let mut total = Sums::new(criteria);
    for sums in &batches {
        total.merge(sums);
    }
    let mut tracked = vec![Tracked::default(); cases];
    for w in &workers {
        for (t, other) in tracked.iter_mut().zip(&w.summaries) {
            t.absorb(other);
        }
    }
    let summaries: Vec<Tracked> = if !full {
        slot_of.iter().map(|slot| tracked[*slot]).collect()
    } else {
        Vec::new()
    };
    let bands: Vec<Vec<Band<u32>>> = workers
        .iter_mut()
        .map(|w| std::mem::take(&mut w.bands))
        .collect();
    let mut laid_out_counts = RankCounts::merge(cases, bands);
    let rank_counts = RankCounts {
        bands: slot_of
            .iter()
            .map(|slot| {
                laid_out_counts
                    .bands
                    .get_mut(*slot)
                    .map(std::mem::take)
                    .unwrap_or_default()
            })
            .collect(),
    };
    let correlations = correlations(&total);
    let lead_share = leaders(&correlations)
        .0
        .map(|leader| lead_share(&batches, leader, settings.seed));
    Ok(Sensitivity {
        settings,
        cases: scores.cases.iter().map(|c| c.id.clone()).collect(),
        is_effort,
        base_ranks,
        rank_counts,
        summaries,
        first_below_last: workers.iter().map(|w| w.first_below_last).sum(),
        monotone: workers.iter().map(|w| w.monotone).sum(),
        unchanged: workers.iter().map(|w| w.unchanged).sum(),
        criteria: first
            .criteria
            .iter()
            .zip(dirichlet.centre())
            .map(|(c, w)| (c.id.clone(), *w))
            .collect(),
        correlations,
        lead_share,
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

/// The most-influential-criterion sentence: the leader is named only when its lead
/// holds under resampling of the draws ([`Sensitivity::stands_out`]); the runner-up is
/// shown either way.
pub fn influence_sentence(s: &Sensitivity) -> String {
    let name = |i: usize| s.criteria.get(i).map_or("", |c| c.0.as_str());
    let corr = |i: usize| fmt_corr(s.correlations.get(i).copied().flatten());
    let share = s.lead_share.map_or_else(String::new, pct);
    match (s.most_influential(), s.runner_up()) {
        (Some(i), runner) => {
            let runner = runner.map_or_else(
                || "no other criterion's weight moved it".to_string(),
                |j| format!("the runner-up is {} ({})", name(j), corr(j)),
            );
            if s.stands_out() {
                format!(
                    "The weight that moves the ranking most is {}'s: its correlation with the rank displacement is {}, and it stays in the lead in {share} of {RESAMPLES} resamples of the draws; {runner}.",
                    name(i),
                    corr(i)
                )
            } else {
                format!(
                    "No single criterion stands out as moving the ranking most: {} leads (correlation with the rank displacement {}) but stays in the lead in only {share} of {RESAMPLES} resamples of the draws (it is named from {} up); {runner}.",
                    name(i),
                    corr(i),
                    pct(LEAD_HOLDS)
                )
            }
        }
        (None, _) => "No draw changed the ranking, so no weight moves it.".to_string(),
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

/// The most cases whose whole rank distribution is shown (a column per rank); with
/// more, each case's distribution is summarised, so the table grows with the number of
/// cases, not with its square.
pub const RANK_TABLE_MAX: usize = 12;

/// A case's best, worst and summed rank and the draws that kept its rubric rank:
/// constant memory per case, whatever the number of cases.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Tracked {
    best: usize,
    worst: usize,
    sum: u64,
    draws: u64,
    kept: u64,
}

impl Default for Tracked {
    fn default() -> Self {
        Tracked {
            best: usize::MAX,
            worst: 0,
            sum: 0,
            draws: 0,
            kept: 0,
        }
    }
}

impl Tracked {
    #[inline]
    fn add(&mut self, rank: usize, base: usize) {
        self.best = self.best.min(rank);
        self.worst = self.worst.max(rank);
        self.sum += rank as u64;
        self.draws += 1;
        self.kept += u64::from(rank == base);
    }

    /// Whole numbers, so the order of merging does not matter.
    fn absorb(&mut self, other: &Tracked) {
        self.best = self.best.min(other.best);
        self.worst = self.worst.max(other.worst);
        self.sum += other.sum;
        self.draws += other.draws;
        self.kept += other.kept;
    }
}

/// How one case's rank moved across the draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankSummary {
    /// The best (smallest) rank it had in any draw.
    pub best: usize,
    /// The worst (largest) rank it had in any draw.
    pub worst: usize,
    /// Its mean rank.
    pub mean: f64,
    /// Share of draws in which it kept its rank under the rubric's weights.
    pub kept: f64,
}

impl Sensitivity {
    /// How case `i`'s rank moved.
    pub fn rank_summary(&self, i: usize) -> RankSummary {
        if let Some(t) = self.summaries.get(i)
            && t.draws > 0
        {
            return RankSummary {
                best: t.best,
                worst: t.worst,
                mean: t.sum as f64 / t.draws as f64,
                kept: self.share(t.kept as usize),
            };
        }
        let counts: Vec<(usize, usize)> = self.rank_counts.seen(i).collect();
        let base = self.base_ranks.get(i).copied().unwrap_or(0);
        let total: usize = counts.iter().map(|(_, c)| c).sum();
        let weighted: f64 = counts.iter().map(|(r, c)| (*r * *c) as f64).sum();
        RankSummary {
            best: counts.first().map_or(base, |(r, _)| *r),
            worst: counts.last().map_or(base, |(r, _)| *r),
            mean: if total > 0 {
                weighted / total as f64
            } else {
                base as f64
            },
            kept: self.share(self.rank_counts.get(i, base)),
        }
    }
}

/// Rows: case, rank under the rubric's weights, then P(rank 1) … P(rank n) when there
/// are at most [`RANK_TABLE_MAX`] cases, otherwise the mean rank, the range of ranks
/// and the share of draws that kept the rubric's rank.
pub fn rank_rows(s: &Sensitivity) -> Vec<Vec<String>> {
    let mut header = vec!["case".to_string(), "rubric rank".to_string()];
    let full = s.cases.len() <= RANK_TABLE_MAX;
    if full {
        header.extend((1..=s.cases.len()).map(|r| format!("P(rank {r})")));
    } else {
        header.extend(
            ["mean rank", "ranks seen", "P(rubric rank)"]
                .iter()
                .map(|h| h.to_string()),
        );
    }
    let mut rows = vec![header];
    for (i, id) in s.cases.iter().enumerate() {
        let mut row = vec![id.clone(), s.base_ranks[i].to_string()];
        if full {
            row.extend(s.rank_counts.row(i).map(|c| format!("{:.3}", s.share(c))));
        } else {
            let r = s.rank_summary(i);
            row.push(format!("{:.1}", r.mean));
            row.push(format!("{}–{}", r.best, r.worst));
            row.push(format!("{:.3}", r.kept));
        }
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
    /// Share of draws with rank 1, 2, …; left out with more than [`RANK_TABLE_MAX`]
    /// cases (the summary below stands in for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank_probabilities: Option<Vec<f64>>,
    /// Mean rank over the draws; only with more than [`RANK_TABLE_MAX`] cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_rank: Option<f64>,
    /// Best and worst rank in any draw; only with more than [`RANK_TABLE_MAX`] cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ranks_seen: Option<[usize; 2]>,
    /// Share of draws that kept the rubric rank; only with more than
    /// [`RANK_TABLE_MAX`] cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept_rubric_rank: Option<f64>,
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
    /// The criterion whose weight moves the ranking most, named only when its lead
    /// holds in at least 95 % of the bootstrap resamples of the draws; null otherwise.
    pub most_influential: Option<String>,
    /// The criterion with the largest absolute correlation, whether or not it stands
    /// out; null when no draw changed the ranking.
    pub leading: Option<String>,
    /// The criterion with the second largest absolute correlation, or null.
    pub runner_up: Option<String>,
    /// Share of the bootstrap resamples in which `leading` stays in the lead, or null.
    pub lead_share: Option<f64>,
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
            .map(|(i, c)| {
                let full = s.cases.len() <= RANK_TABLE_MAX;
                let summary = (!full).then(|| s.rank_summary(i));
                CaseJson {
                    id: c.id.clone(),
                    kind: c.kind.as_str(),
                    rubric_rank: s.base_ranks[i],
                    rank_probabilities: full
                        .then(|| s.rank_counts.row(i).map(|n| r4(s.share(n))).collect()),
                    mean_rank: summary.map(|r| r4(r.mean)),
                    ranks_seen: summary.map(|r| [r.best, r.worst]),
                    kept_rubric_rank: summary.map(|r| r4(r.kept)),
                }
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
            .filter(|_| s.stands_out())
            .and_then(|i| s.criteria.get(i).map(|c| c.0.clone())),
        leading: s
            .most_influential()
            .and_then(|i| s.criteria.get(i).map(|c| c.0.clone())),
        runner_up: s
            .runner_up()
            .and_then(|i| s.criteria.get(i).map(|c| c.0.clone())),
        lead_share: s.lead_share.map(r4),
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
            &crate::corpus::validate::Options::default(),
        )
        .expect("loads");
        let rubric = crate::select_rubric(&checked.corpus, None).expect("one rubric");
        crate::score::score(&checked.corpus, rubric)
    }

    #[test]
    fn a_run_counts_its_draws_and_reads_the_progression_it_is_given() {
        let scores = fixture_scores();
        let settings = Settings {
            samples: 3_500,
            ..Settings::default()
        };
        let done = std::sync::atomic::AtomicUsize::new(0);
        let counted = sensitivity_with(
            &scores,
            settings,
            Run {
                progression: None,
                done: Some(&done),
            },
        )
        .expect("runs");
        // Every draw is counted, the last chunk's short count too; counting changes
        // nothing.
        assert_eq!(done.load(std::sync::atomic::Ordering::Relaxed), 3_500);
        assert_eq!(counted, sensitivity(&scores, settings).expect("runs"));
        // An effort the progression does not read is still ranked.
        let first = scores
            .cases
            .iter()
            .find(|c| c.kind == Kind::Effort)
            .expect("an effort")
            .id
            .clone();
        let reads = |id: &str| id != first;
        let without = sensitivity_with(
            &scores,
            settings,
            Run {
                progression: Some(&reads),
                done: None,
            },
        )
        .expect("runs");
        assert_eq!(without.efforts + 1, counted.efforts);
        assert_eq!(without.cases, counted.cases);
        assert_eq!(without.base_ranks, counted.base_ranks);
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

    /// Batches of 50 draws of two weights, with the displacement `d(w0, w1, noise)`.
    fn batches(d: impl Fn(f64, f64, f64) -> f64) -> Vec<Sums> {
        use rand::RngExt;
        let mut rng = seeded_rng(9);
        (0..40)
            .map(|_| {
                let mut sums = Sums::new(2);
                for _ in 0..50 {
                    let w = [rng.random::<f64>(), rng.random::<f64>()];
                    let d = d(w[0], w[1], rng.random::<f64>());
                    sums.n += 1.0;
                    sums.sum_d += d;
                    sums.sum_dd += d * d;
                    for (i, wi) in w.iter().enumerate() {
                        sums.sum_w[i] += wi;
                        sums.sum_ww[i] += wi * wi;
                        sums.sum_wd[i] += wi * d;
                    }
                }
                sums
            })
            .collect()
    }

    fn total(batches: &[Sums]) -> Sums {
        let mut total = Sums::new(2);
        batches.iter().for_each(|b| total.merge(b));
        total
    }

    #[test]
    fn a_clear_leader_holds_its_lead_under_resampling() {
        let b = batches(|w0, _, noise| 10.0 * w0 + noise);
        let c = correlations(&total(&b));
        assert_eq!(leaders(&c), (Some(0), Some(1)));
        let refs: Vec<&Sums> = b.iter().collect();
        assert_eq!(lead_share(&refs, 0, 1), 1.0);
    }

    #[test]
    fn two_criteria_of_equal_pull_do_not_stand_out() {
        let b = batches(|w0, w1, noise| w0 + w1 + noise);
        let c = correlations(&total(&b));
        let (Some(leader), Some(_)) = leaders(&c) else {
            panic!("two leaders expected: {c:?}");
        };
        let refs: Vec<&Sums> = b.iter().collect();
        let share = lead_share(&refs, leader, 1);
        assert!(share < LEAD_HOLDS, "{share}");
        assert!(share > 0.0, "{share}");
    }

    #[test]
    fn a_dead_heat_is_no_lead() {
        let b = batches(|w0, _, _| w0);
        // The same batches under both criteria: equal correlations.
        let twins: Vec<Sums> = b
            .iter()
            .map(|s| Sums {
                sum_w: vec![s.sum_w[0]; 2],
                sum_ww: vec![s.sum_ww[0]; 2],
                sum_wd: vec![s.sum_wd[0]; 2],
                ..s.clone()
            })
            .collect();
        let refs: Vec<&Sums> = twins.iter().collect();
        assert_eq!(leaders(&correlations(&total(&twins))).0, Some(0));
        assert_eq!(lead_share(&refs, 0, 1), 0.0);
    }

    #[test]
    fn batches_stay_few_and_at_least_fifty_draws() {
        assert_eq!(batch_len(1), BATCH_MIN);
        assert_eq!(batch_len(DEFAULT_SAMPLES), BATCH_MIN);
        assert_eq!(batch_len(1_000_000), 500);
        assert_eq!(batch_len(100_000_000), CHUNK);
    }

    #[test]
    fn ties_share_the_better_rank() {
        assert_eq!(ranks(&[10.0, 30.0, 30.0, 5.0]), vec![3, 1, 1, 4]);
    }

    /// The definition: 1 + the number of strictly greater totals (O(n²)).
    fn ranks_by_definition(totals: &[f64]) -> Vec<usize> {
        totals
            .iter()
            .map(|t| 1 + totals.iter().filter(|o| **o > *t).count())
            .collect()
    }

    #[test]
    fn fast_ranks_match_the_definition_on_random_totals_with_ties() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(8);
        for round in 0..500 {
            let n = rng.random_range(0..60);
            // Few distinct values so that ties are common; some rounds without ties.
            let distinct = if round % 5 == 0 { 1_000_000 } else { 1 + n / 3 };
            let mut totals: Vec<f64> = (0..n)
                .map(|_| rng.random_range(0..=distinct) as f64 * 0.25)
                .collect();
            if round % 7 == 0 && n > 0 {
                totals[0] = -0.0;
                totals[n - 1] = 0.0;
            }
            assert_eq!(ranks(&totals), ranks_by_definition(&totals), "{totals:?}");
        }
    }

    #[test]
    fn a_reused_ranker_gives_the_same_ranks() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let n = 200;
        let mut ranker = Ranker::default();
        for round in 0..50 {
            let n = if round % 2 == 0 { n } else { n / 3 };
            let totals: Vec<f64> = (0..n).map(|_| rng.random_range(0..40) as f64).collect();
            let mut got = vec![0; n];
            ranker.rank(&totals, |case, rank| got[case] = rank);
            assert_eq!(got, ranks_by_definition(&totals));
        }
    }

    #[test]
    fn rank_count_bands_merge_to_the_dense_counts() {
        let draws: [&[usize]; 3] = [&[4, 2, 2, 7], &[], &[0, 9, 4]];
        let parts: Vec<Vec<Band<u32>>> = draws
            .iter()
            .map(|ranks| {
                let mut band = Band::default();
                for r in ranks.iter() {
                    band.add(*r);
                }
                vec![band, Band::default()]
            })
            .collect();
        let counts = RankCounts::merge(2, parts);
        let mut dense = [0usize; 10];
        for r in draws.iter().flat_map(|d| d.iter()) {
            dense[*r] += 1;
        }
        assert_eq!(counts.cases(), 2);
        assert_eq!(
            (1..=10).map(|r| counts.get(0, r)).collect::<Vec<_>>(),
            dense.to_vec()
        );
        assert_eq!(counts.get(0, 0), 0);
        assert_eq!(counts.get(0, 11), 0);
        assert_eq!(counts.row(1).collect::<Vec<_>>(), vec![0, 0]);
    }

    /// Summaries tallied alone (large corpora) equal those read off the whole
    /// distribution, and the rest of the result does not depend on the mode.
    #[test]
    fn summaries_agree_with_whole_distributions() {
        use crate::score::{CaseScore, CriterionScore, Interval, Scores};
        let level = |i: usize, k: usize| (i * 7 + k * 3) % 5;
        let case = |i: usize| CaseScore {
            id: format!("c{i:02}"),
            title: String::new(),
            kind: if i.is_multiple_of(4) {
                Kind::Initiative
            } else {
                Kind::Effort
            },
            start: crate::corpus::date::PartialDate::parse("2000").expect("date"),
            end: None,
            coder: "x".to_string(),
            coders: vec!["x".to_string()],
            combined: false,
            adjudicated: None,
            path: Default::default(),
            total: Interval {
                score: 0.0,
                lower: 0.0,
                upper: 0.0,
            },
            criteria: (0..4)
                .map(|k| {
                    let l = level(i, k);
                    let score = 25.0 * l as f64;
                    CriterionScore {
                        id: format!("k{k}"),
                        level: l,
                        label: String::new(),
                        top: 4,
                        weight: 1.0 + k as f64,
                        lower_level: l,
                        upper_level: l,
                        interval: Interval {
                            score,
                            lower: score,
                            upper: score,
                        },
                        unknown: 0,
                        overridden: None,
                        level_label: String::new(),
                        split: None,
                        applicable: true,
                        blocked: Vec::new(),
                    }
                })
                .collect(),
            context: Default::default(),
        };
        let scores = Scores {
            rubric_id: "r".to_string(),
            rubric_version: "1".to_string(),
            rubric_title: "R".to_string(),
            cases: (0..30).map(case).collect(),
        };
        let settings = Settings {
            samples: 2_500,
            seed: 3,
            concentration: 4.0,
        };
        let full = run_all(&scores, settings, true, Run::default()).expect("full");
        let summarised = run_all(&scores, settings, false, Run::default()).expect("summarised");
        assert!(
            summarised.rank_counts.seen(0).next().is_none(),
            "no distribution kept"
        );
        let mut moved = 0;
        for i in 0..30 {
            let (a, b) = (full.rank_summary(i), summarised.rank_summary(i));
            assert_eq!(
                (a.best, a.worst, a.kept),
                (b.best, b.worst, b.kept),
                "case {i}"
            );
            assert!((a.mean - b.mean).abs() < 1e-9, "case {i}");
            moved += usize::from(a.worst > a.best);
        }
        assert!(moved > 5, "ranks move at concentration 4");
        assert_eq!(full.base_ranks, summarised.base_ranks);
        assert_eq!(full.unchanged, summarised.unchanged);
        assert_eq!(full.monotone, summarised.monotone);
        assert_eq!(full.correlations, summarised.correlations);
    }
}
