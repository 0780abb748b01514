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
    sums: Vec<(usize, Sums)>,
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
        }
        chunk_sums.push((k, sums));
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
    run(scores, settings, scores.cases.len() <= RANK_TABLE_MAX)
}

/// [`sensitivity`], tallying whole rank distributions when `full`, only their
/// summaries otherwise.
fn run(scores: &Scores, settings: Settings, full: bool) -> Result<Sensitivity, Error> {
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
    let efforts: Vec<usize> = (0..is_effort.len()).filter(|i| is_effort[*i]).collect();
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
                worker
            },
        )
        .collect();
    let mut chunk_sums: Vec<&(usize, Sums)> = workers.iter().flat_map(|w| &w.sums).collect();
    chunk_sums.sort_by_key(|(k, _)| *k);
    let mut total = Sums::new(criteria);
    for (_, sums) in chunk_sums {
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
            &crate::corpus::validate::Options::default(),
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
        let full = run(&scores, settings, true).expect("full");
        let summarised = run(&scores, settings, false).expect("summarised");
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
