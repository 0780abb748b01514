//! Auditing one case — usually an `initiative` — against its rubric, a [`Policy`] and
//! the past efforts of the corpus.
//!
//! For each criterion the audit gives the case's level and interval, whether the policy
//! flags it (its level on the evidence recorded is below the policy's minimum) and the
//! sin of mediation the rubric ties to what fails, the past effort that did best on it
//! with the evidence of how, and the rubric's guidance. Then the policy's gates on single
//! indicators, the total, where it would rank among the past efforts, the case's coded
//! context and results, and the unknown indicators whose answers would move the total
//! most.
//!
//! Definitions, also in the README:
//! - **past efforts** are the corpus's cases of kind `effort` coded against the same
//!   rubric, other than the audited case itself;
//! - the **best past effort** on a criterion has the highest level; ties go to the most
//!   recent start (then the later id), since a later effort could learn from the earlier;
//!   its **evidence** is the records cited by its `met` indicators of levels 1 to its
//!   level. It is chosen among the efforts that began before the audited case (or may
//!   have: those not certainly begun after its start); so is the **rank**. A later
//!   effort is shown only with [`Options::hindsight`], apart and labelled hindsight
//!   (`hindsight` per criterion, `hindsight_efforts`);
//! - **as of** a day ([`Options::as_of`], [`as_of`]): evidence certainly dated after it
//!   is ignored, an observation resting only on such evidence counts as unknown, and the
//!   past efforts that certainly began after it are left out;
//! - a criterion is **flagged** when its level (unknown counted as unmet) is below its
//!   gate's minimum; the gate's verdict is `open` when the upper level reaches the
//!   minimum (finding out could clear it) and `fail` when even that does not, and
//!   `not-applicable` (never flagged) when no indicator of the criterion applies, or
//!   (under `cumulative` and `highest`) none of the minimum level's, so that the gate
//!   asks for what the case cannot show;
//! - an **indicator gate** requires one indicator met: `pass` when it is, `open` when
//!   unknown, `fail` when unmet, `not-applicable` when it cannot apply; `open` and
//!   `fail` flag it;
//! - the **sin** named: for a failed criterion gate, the sin the rubric ties to the
//!   first unmet indicator of levels 1 to the minimum, or to that indicator's level; for
//!   a failed indicator gate, its indicator's; none for an open gate (silence is no sin)
//!   and never the criterion's own by default (`guards_against`);
//! - the audit **passes** unless an `enforced` gate (criterion or indicator) is flagged
//!   or the total is below `fail_under`;
//! - **rank** `r` of `n`: one plus the number of past efforts begun before the case
//!   whose total is strictly higher (ties share a rank), among those and this case;
//! - the past efforts are **listed** with their totals when there are at most
//!   [`PAST_LISTED`]; with more, the ones nearest this case's total are listed;
//! - an unknown indicator's **gain** is how much the total would rise were it met, the
//!   others held at their recorded values; its **at stake** is how much the total's upper
//!   bound would fall were it unmet. Unknowns sort by gain, then at stake, then rubric
//!   order.
//!
//! The result, [`Audit`], is the view model: it serializes as the JSON contract of
//! `thirdside audit --format json` and is what [`crate::audit::render`] renders. Numbers
//! in it are rounded to two decimals; `display` fields hold them formatted for people.

pub mod as_of;
pub mod input;
pub mod policy;
pub mod render;

use crate::audit::policy::{Enforcement, Policy};
use crate::corpus::date::PartialDate;
use crate::corpus::model::{Kind, Rubric, Status};
use crate::corpus::validate::{CaseRecord, Corpus};
use crate::error::Error;
use crate::score::output::{
    ContextJson, EngineJson, IntervalJson, OverrideJson, ResultsJson, RubricJson, level_cell,
    round2, total_cell,
};
use crate::score::{self, CaseScore, CriterionScore};
use serde::Serialize;
use std::collections::HashMap;

/// What the audit is measured against besides the rubric.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The per-criterion gates; `None` gates nothing.
    pub policy: Option<&'a Policy>,
    /// Fail the audit when the total's score is below this (0–100).
    pub fail_under: Option<f64>,
    /// Judge the case as of this day ([`as_of`]): evidence dated after it is ignored and
    /// past efforts that began after it are left out.
    pub as_of: Option<PartialDate>,
    /// Show, apart and labelled hindsight, the past efforts that began after the audited
    /// case; they never give the best past effort or the rank.
    pub hindsight: bool,
}

/// The audit of one case: the view model and the JSON contract.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// The engine that produced it.
    pub engine: EngineJson,
    /// The rubric the case is coded against.
    pub rubric: RubricJson,
    /// The audited case.
    pub case: AuditedCase,
    /// The policy applied, or null when none was.
    pub policy: Option<PolicyView>,
    /// One entry per criterion, in the rubric's order.
    pub criteria: Vec<CriterionAudit>,
    /// The policy's gates on single indicators, in the rubric's order.
    pub indicator_gates: Vec<IndicatorGateView>,
    /// The weighted total.
    pub total: IntervalJson,
    /// The total formatted for people: `33.3 [33.3–66.7]`.
    pub total_display: String,
    /// The threshold on the total's score, if one was set.
    pub fail_under: Option<f64>,
    /// Where the total would rank among the past efforts; null when there are none.
    pub rank: Option<Rank>,
    /// The past efforts listed, in time order: all of them, or, when there are more
    /// than [`PAST_LISTED`], those nearest this case's total (`rank.of − 1` says how
    /// many there are). Only those that began before the audited case.
    pub past_efforts: Vec<PastEffort>,
    /// True when hindsight was asked for ([`Options::hindsight`]).
    pub hindsight: bool,
    /// With hindsight: the past efforts that began after the audited case, in time order
    /// (at most [`PAST_LISTED`], the earliest), never ranked against; else empty.
    pub hindsight_efforts: Vec<PastEffort>,
    /// The day the case is judged as of (`--as-of`), or null.
    pub as_of: Option<String>,
    /// The audited case's coded context factors, every factor in order, `unknown` where
    /// not coded; never folded into a score.
    pub context: Vec<ContextJson>,
    /// The audited case's coded results.
    pub results: ResultsJson,
    /// Every unknown indicator, those that would move the total most first.
    pub unknowns: Vec<UnknownIndicator>,
    /// Why the audit failed, one sentence each; empty when it passed.
    pub failures: Vec<String>,
    /// True when no enforced gate (on a criterion or an indicator) is flagged and the
    /// total is not below `fail_under`.
    pub passed: bool,
}

/// The audited case's identity.
#[derive(Debug, Clone, Serialize)]
pub struct AuditedCase {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// `effort` or `initiative`.
    pub kind: &'static str,
    /// Start date as written.
    pub start: String,
    /// End date, or null.
    pub end: Option<String>,
    /// The coder.
    pub coder: String,
}

/// The policy an audit applied.
#[derive(Debug, Clone, Serialize)]
pub struct PolicyView {
    /// Where it came from (a path, or the built-in default's name).
    pub source: String,
    /// Its description.
    pub description: Option<String>,
}

/// Whether a criterion clears its gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The level on the evidence recorded reaches the minimum.
    Pass,
    /// It does not, but the upper level does: finding out could clear the gate.
    Open,
    /// Not even the upper level reaches the minimum.
    Fail,
    /// Nothing gated applies to the case (every indicator of the criterion, or the
    /// gated indicator, is not applicable): the gate neither passes nor blocks.
    NotApplicable,
}

impl Verdict {
    /// The name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Open => "open",
            Verdict::Fail => "fail",
            Verdict::NotApplicable => "not-applicable",
        }
    }
}

/// One criterion's gate and how the case fares against it.
#[derive(Debug, Clone, Serialize)]
pub struct GateView {
    /// The lowest acceptable level.
    pub minimum: usize,
    /// That level's label.
    pub minimum_label: String,
    /// `enforced` or `advisory`.
    pub enforcement: Enforcement,
    /// Pass, open, fail or not-applicable.
    pub verdict: Verdict,
    /// Why the policy gates the criterion, or null.
    pub reason: Option<String>,
}

/// A gate on one indicator: it must be met. Unknown gives `open`, unmet `fail`.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorGateView {
    /// Criterion id.
    pub criterion: String,
    /// Indicator id.
    pub indicator: String,
    /// The level the indicator belongs to.
    pub level: usize,
    /// The statement.
    pub text: String,
    /// `enforced` or `advisory`.
    pub gate: Enforcement,
    /// The audited case's status of the indicator.
    pub status: Status,
    /// `pass` (met), `open` (unknown), `fail` (unmet) or `not-applicable`.
    pub verdict: Verdict,
    /// The sin the rubric ties to the indicator, named when the gate fails; else null.
    pub sin: Option<&'static str>,
    /// Why the policy gates it, or null.
    pub reason: Option<String>,
    /// The coder's note on the indicator, or null.
    pub note: Option<String>,
    /// The evidence records the case cites for it, with their claims.
    pub evidence: Vec<EvidenceView>,
}

/// One criterion of the audit.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionAudit {
    /// Criterion id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The question it asks.
    pub question: String,
    /// Its weight in the total.
    pub weight: f64,
    /// The case's level (the override's, if any).
    pub level: usize,
    /// The finding: that level's label when established, else "at least `<label>`" or
    /// "not established" (see [`crate::score::finding`]).
    pub label: String,
    /// True when the level is established (its interval is closed).
    pub established: bool,
    /// False when no indicator of the criterion applies to the case.
    pub applicable: bool,
    /// Met indicators the level does not reflect, in rubric order.
    pub blocked: Vec<String>,
    /// The top of the scale.
    pub top_level: usize,
    /// Score on 0–100.
    pub score: f64,
    /// Lower bound on 0–100 (every unknown unmet).
    pub lower: f64,
    /// Upper bound on 0–100 (every unknown met).
    pub upper: f64,
    /// Lower bound in levels.
    pub lower_level: usize,
    /// Upper bound in levels.
    pub upper_level: usize,
    /// Unknown indicators.
    pub unknown: usize,
    /// The level formatted for people: `1 [1–3]`, `2*` when overridden.
    pub level_display: String,
    /// The coder's override, or null.
    #[serde(rename = "override")]
    pub override_: Option<OverrideJson>,
    /// The gate, or null when the policy does not gate the criterion.
    pub gate: Option<GateView>,
    /// True when the level is below the gate's minimum.
    pub flagged: bool,
    /// The sin of mediation (Brahimi and Ahmed 2008) the audit names for this criterion:
    /// when its gate fails, the sin the rubric ties to the first unmet indicator below
    /// the minimum (or to that indicator's level); null otherwise, and never the whole
    /// criterion's by default.
    pub sin: Option<&'static str>,
    /// The sin the criterion guards against in the rubric, or null (not a finding).
    pub guards_against: Option<&'static str>,
    /// The rubric's guidance for an initiative that scores low.
    pub guidance: String,
    /// The case's own observations, in the rubric's order.
    pub indicators: Vec<IndicatorView>,
    /// The past effort that did best among those that began before the audited case,
    /// or null when there are none.
    pub best_past: Option<BestPast>,
    /// With hindsight asked for: the effort that did best of all, when it began after
    /// the audited case (so it could not have been a lesson at the time); else null.
    pub hindsight: Option<BestPast>,
}

/// One indicator as the audited case codes it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    /// Indicator id.
    pub id: String,
    /// The level it belongs to.
    pub level: usize,
    /// The statement.
    pub text: String,
    /// Met, unmet or unknown.
    pub status: Status,
    /// Evidence ids cited.
    pub evidence: Vec<String>,
    /// The coder's note.
    pub note: Option<String>,
    /// The evidence records cited, with their claims.
    pub cited: Vec<EvidenceView>,
}

/// The past effort that did best on a criterion, and how.
#[derive(Debug, Clone, Serialize)]
pub struct BestPast {
    /// Its case id.
    pub case: String,
    /// Its title.
    pub title: String,
    /// Its start date.
    pub start: String,
    /// Its level on the criterion.
    pub level: usize,
    /// That level's label.
    pub label: String,
    /// Its level formatted for people.
    pub level_display: String,
    /// The lowest level its unknowns leave possible (not in the JSON, which gives
    /// `level_display`).
    #[serde(skip)]
    pub lower_level: usize,
    /// The highest level its unknowns leave possible.
    #[serde(skip)]
    pub upper_level: usize,
    /// True when it began after the audited case (so it could not have been a lesson
    /// at the time).
    pub began_after: bool,
    /// Its coder's override justification, if its level is overridden.
    pub override_justification: Option<String>,
    /// Its met indicators of levels 1 to its level: how it got there.
    pub met: Vec<MetIndicator>,
    /// The evidence records those indicators cite, in order of first citation.
    pub evidence: Vec<EvidenceView>,
}

/// A met indicator of a past effort.
#[derive(Debug, Clone, Serialize)]
pub struct MetIndicator {
    /// Indicator id.
    pub id: String,
    /// The level it belongs to.
    pub level: usize,
    /// The statement.
    pub text: String,
    /// Evidence ids cited.
    pub evidence: Vec<String>,
}

/// An evidence record, with its source resolved.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceView {
    /// Id within its case.
    pub id: String,
    /// The claim, in the coder's words.
    pub claim: String,
    /// A verbatim quotation, if any.
    pub quote: Option<String>,
    /// The bibliography key.
    pub source: String,
    /// The source for people: `Smilde and Ramsey (2020)`.
    pub citation: String,
    /// Section or page.
    pub locator: String,
    /// The source's own citation, if any.
    pub cites: Option<String>,
}

/// Where a total ranks among the past efforts and the audited case (1 = best).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rank {
    /// How many totals are ranked: the past efforts and this case.
    pub of: usize,
    /// Rank of the score.
    pub score: usize,
    /// Rank of the lower bound.
    pub lower: usize,
    /// Rank of the upper bound.
    pub upper: usize,
}

/// A past effort's total.
#[derive(Debug, Clone, Serialize)]
pub struct PastEffort {
    /// Case id.
    pub case: String,
    /// Title.
    pub title: String,
    /// Start date.
    pub start: String,
    /// Its total.
    pub total: IntervalJson,
    /// The total formatted for people.
    pub total_display: String,
}

/// An unknown indicator of the audited case and what its answer would change.
#[derive(Debug, Clone, Serialize)]
pub struct UnknownIndicator {
    /// Criterion id.
    pub criterion: String,
    /// Indicator id.
    pub indicator: String,
    /// The level it belongs to.
    pub level: usize,
    /// The statement to find out about.
    pub text: String,
    /// How much the total's score would rise were it met (others as recorded).
    pub gain: f64,
    /// How much the total's upper bound would fall were it unmet.
    pub at_stake: f64,
    /// The criterion's level were it met (others as recorded).
    pub level_if_met: usize,
}

/// At most this many past efforts are listed with their totals: all of them when
/// there are no more, otherwise those nearest the audited case's total. The rank and
/// the best past effort per criterion always consider every past effort.
pub const PAST_LISTED: usize = 20;

/// Audits `record` against its rubric, the options' policy and the corpus's past
/// efforts.
///
/// Errors only when the case's rubric is not in the corpus, which validation rules out.
pub fn audit(corpus: &Corpus, record: &CaseRecord, options: &Options) -> Result<Audit, Error> {
    let rubric = rubric_of(corpus, record)?;
    let Some(day) = &options.as_of else {
        return audit_against(
            corpus,
            rubric,
            record,
            options,
            &past_efforts(corpus, rubric),
        );
    };
    let known: Vec<CaseRecord> = corpus
        .cases
        .iter()
        .filter(|r| {
            r.case.kind == Kind::Effort && r.uses(rubric) && !as_of::began_after(&r.start, day)
        })
        .map(|r| as_of::record(rubric, r, day))
        .collect();
    let efforts = Efforts::with_records(
        rubric,
        known
            .iter()
            .map(|r| (score::score_case(rubric, r), Some(r)))
            .collect(),
    );
    audit_against(corpus, rubric, record, options, &efforts)
}

fn rubric_of<'a>(corpus: &'a Corpus, record: &CaseRecord) -> Result<&'a Rubric, Error> {
    corpus.rubric_of(record).ok_or_else(|| {
        Error::Invalid(format!(
            "rubric `{}` version `{}` of case `{}` is not loaded",
            record.case.rubric.get_ref(),
            record.rubric_version,
            record.id()
        ))
    })
}

/// The past efforts an audit compares with: every effort coding against the rubric,
/// scored, in time order; per criterion their positions from best to worst; and how
/// each did best, from its record. A report that streams its cases keeps the scores
/// alone; for the (effort, criterion) pairs [`Efforts::needed`] names it reads each
/// record once, has the best past views made from it ([`Efforts::prepare_needed`]), and
/// drops it.
pub struct Efforts<'a> {
    scored: Vec<CaseScore>,
    /// `best_first[k]`: positions in `scored` by level on criterion k, then start, then
    /// id, highest first; equal keys keep the later position first.
    best_first: Vec<Vec<usize>>,
    /// `levels[k]`: the ranges of `best_first[k]` that share a level, best first.
    levels: Vec<Vec<std::ops::Range<usize>>>,
    /// Positions in `scored` by total, lowest first (ties by position).
    by_total: Vec<usize>,
    /// The positions of each case id's codings.
    by_id: HashMap<String, Vec<usize>>,
    /// Aligned with `scored`: the coding's record, where the corpus is in memory.
    records: Vec<Option<&'a CaseRecord>>,
    /// The best past views made ahead, by (position, criterion), `began_after` unset.
    prepared: HashMap<(usize, usize), BestPast>,
}

impl<'a> Efforts<'a> {
    /// The efforts of these scored codings ([`score::score_case`], any order), with no
    /// records lent yet.
    pub fn new(rubric: &Rubric, scored: Vec<CaseScore>) -> Efforts<'a> {
        Self::with_records(rubric, scored.into_iter().map(|s| (s, None)).collect())
    }

    fn with_records(
        rubric: &Rubric,
        mut scored: Vec<(CaseScore, Option<&'a CaseRecord>)>,
    ) -> Efforts<'a> {
        scored.sort_by(|a, b| (a.0.start, &a.0.id).cmp(&(b.0.start, &b.0.id)));
        let (scored, records): (Vec<CaseScore>, Vec<Option<&CaseRecord>>) =
            scored.into_iter().unzip();
        let best_first = (0..rubric.criteria.get_ref().len())
            .map(|k| {
                let mut order: Vec<usize> = (0..scored.len())
                    .filter(|i| scored[*i].criteria.get(k).is_some())
                    .collect();
                let key = |i: usize| {
                    let s = &scored[i];
                    (
                        s.criteria.get(k).map_or(0, |c| c.level),
                        s.start,
                        s.id.as_str(),
                        i,
                    )
                };
                order.sort_by(|a, b| key(*b).cmp(&key(*a)));
                order
            })
            .collect::<Vec<_>>();
        let levels = best_first
            .iter()
            .enumerate()
            .map(|(k, order)| {
                let level = |i: usize| scored[i].criteria.get(k).map_or(0, |c| c.level);
                order
                    .chunk_by(|a, b| level(*a) == level(*b))
                    .scan(0, |from, group| {
                        let range = *from..*from + group.len();
                        *from = range.end;
                        Some(range)
                    })
                    .collect()
            })
            .collect();
        let mut by_total: Vec<usize> = (0..scored.len()).collect();
        by_total.sort_by(|a, b| {
            (scored[*a].total.score)
                .total_cmp(&scored[*b].total.score)
                .then(a.cmp(b))
        });
        let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in scored.iter().enumerate() {
            by_id.entry(s.id.clone()).or_default().push(i);
        }
        Efforts {
            scored,
            best_first,
            levels,
            by_total,
            by_id,
            records,
            prepared: HashMap::new(),
        }
    }

    /// The positions of the codings of the case `id` (none for a new case).
    fn codings_of(&self, id: &str) -> &[usize] {
        self.by_id.get(id).map_or(&[], Vec::as_slice)
    }

    /// The positions of the codings that began before a case starting at `start` or
    /// may have (those certainly begun after it are the rest): `0..cut`. The codings are
    /// in time order, so the later ones are a trailing run, found by halving.
    fn cut(&self, start: &PartialDate) -> usize {
        self.scored
            .partition_point(|s| !start.certainly_before(&s.start))
    }

    /// How many codings the case `id` is compared with: those at positions below
    /// `limit` ([`Efforts::cut`]) but its own.
    fn past_len(&self, id: &str, limit: usize) -> usize {
        limit.min(self.scored.len()) - self.codings_of(id).iter().filter(|i| **i < limit).count()
    }

    /// The rank of a total `x` among the codings at positions below `limit` other than
    /// the case `id`'s: one more than how many of them have a higher total, as shown
    /// (rounded to 2 decimals).
    fn rank_of(&self, id: &str, x: f64, limit: usize) -> usize {
        let x = round2(x);
        // Rounding keeps the order, so the totals shown are in `by_total` order too.
        let shown = |i: &usize| round2(self.scored[*i].total.score);
        let higher = self.by_total.len() - self.by_total.partition_point(|i| shown(i) <= x);
        // The later efforts are few for a recent initiative: visited.
        let later = (limit..self.scored.len()).filter(|i| shown(i) > x).count();
        let own = self
            .codings_of(id)
            .iter()
            .filter(|i| **i < limit && shown(i) > x)
            .count();
        1 + higher - later - own
    }

    /// The codings at positions below `limit` ([`Efforts::cut`]) other than the case
    /// `id`'s whose totals are nearest `total`, at least
    /// [`PAST_LISTED`] of them (all when there are no more) and with them every one as
    /// near as the farthest of those: the candidates [`listed`] chooses from, by
    /// position. Found from the totals' order, not by visiting every coding.
    fn nearest(&self, id: &str, total: f64, limit: usize) -> Vec<(usize, &CaseScore)> {
        let own = self.codings_of(id);
        let past = |i: &usize| *i < limit && !own.contains(i);
        let distance = |i: usize| (self.scored[i].total.score - total).abs();
        let order = &self.by_total;
        let middle = order.partition_point(|i| self.scored[*i].total.score < total);
        let (mut left, mut right) = (middle, middle);
        let (mut taken, mut bound) = (0, 0.0_f64);
        while taken < PAST_LISTED && (left > 0 || right < order.len()) {
            // Take the nearer of the next on each side: distances grow outward.
            let take_left = match (left.checked_sub(1), order.get(right)) {
                (Some(l), Some(r)) => distance(order[l]).total_cmp(&distance(*r)).is_le(),
                (Some(_), None) => true,
                _ => false,
            };
            let i = if take_left {
                left -= 1;
                order[left]
            } else {
                right += 1;
                order[right - 1]
            };
            if past(&i) {
                taken += 1;
                bound = distance(i);
            }
        }
        while left > 0 && distance(order[left - 1]).total_cmp(&bound).is_le() {
            left -= 1;
        }
        while right < order.len() && distance(order[right]).total_cmp(&bound).is_le() {
            right += 1;
        }
        let mut chosen: Vec<(usize, &CaseScore)> = order[left..right]
            .iter()
            .filter(|i| past(i))
            .map(|i| (*i, &self.scored[*i]))
            .collect();
        chosen.sort_by_key(|(i, _)| *i);
        chosen
    }

    /// The position of the best past effort on criterion `k` for the case `id` that
    /// starts at `start`: the first in best-first order other than the case itself and,
    /// with `earlier_only`, none that began after it.
    fn best(&self, k: usize, id: &str, start: &PartialDate, earlier_only: bool) -> Option<usize> {
        let order = self.best_first.get(k)?;
        // Within a level the later start comes first, so the efforts that began after
        // `start` are a leading run of it, found by halving rather than visited.
        self.levels.get(k)?.iter().find_map(|range| {
            let group = order.get(range.clone())?;
            let first = if earlier_only {
                group.partition_point(|i| start.certainly_before(&self.scored[*i].start))
            } else {
                0
            };
            group[first..]
                .iter()
                .copied()
                .find(|i| self.scored[*i].id != id)
        })
    }

    /// The (effort position, criterion) pairs whose best past view auditing the case
    /// `id`, starting at `start`, shows: its best past effort on each criterion, and the
    /// best earlier one where the best began after it.
    pub fn needed(&self, id: &str, start: &PartialDate) -> Vec<(usize, usize)> {
        let mut pairs = Vec::new();
        for k in 0..self.best_first.len() {
            if let Some(i) = self.best(k, id, start, false) {
                pairs.push((i, k));
                if start.certainly_before(&self.scored[i].start)
                    && let Some(j) = self.best(k, id, start, true)
                {
                    pairs.push((j, k));
                }
            }
        }
        pairs
    }

    /// The case id and coder of the effort coding at `position`.
    fn coding(&self, position: usize) -> Option<(&str, &str)> {
        self.scored
            .get(position)
            .map(|s| (s.id.as_str(), s.coder.as_str()))
    }

    /// Makes, from `record` (the coding at `position`), the best past view of each
    /// criterion in `criteria`, for the audits to show without the record.
    fn prepare(
        &mut self,
        corpus: &Corpus,
        rubric: &Rubric,
        position: usize,
        record: &CaseRecord,
        criteria: impl IntoIterator<Item = usize>,
    ) {
        let Some(scored) = self.scored.get(position) else {
            return;
        };
        for k in criteria {
            if let Some(c) = scored.criteria.get(k) {
                let view = best_past(corpus, rubric, k, record, scored, c);
                self.prepared.insert((position, k), view);
            }
        }
    }

    /// Makes ahead the best past views of these (position, criterion) pairs
    /// ([`Efforts::needed`]) from the records `read` gives for the codings (case id,
    /// coder) it is asked for, a chunk of efforts at a time, so that each record is read
    /// once and dropped.
    pub fn prepare_needed(
        &mut self,
        corpus: &Corpus,
        rubric: &Rubric,
        needed: impl IntoIterator<Item = (usize, usize)>,
        mut read: impl FnMut(&[(&str, &str)]) -> Result<Vec<CaseRecord>, Error>,
    ) -> Result<(), Error> {
        /// Efforts whose records are held at once.
        const CHUNK: usize = 64;
        let mut by_position: std::collections::BTreeMap<usize, Vec<usize>> =
            std::collections::BTreeMap::new();
        for (position, k) in needed {
            let criteria = by_position.entry(position).or_default();
            if !criteria.contains(&k) {
                criteria.push(k);
            }
        }
        let by_position: Vec<(usize, Vec<usize>)> = by_position.into_iter().collect();
        for chunk in by_position.chunks(CHUNK) {
            let codings: Vec<(String, String)> = chunk
                .iter()
                .filter_map(|(position, _)| self.coding(*position))
                .map(|(id, coder)| (id.to_string(), coder.to_string()))
                .collect();
            let asked: Vec<(&str, &str)> = codings
                .iter()
                .map(|(id, coder)| (id.as_str(), coder.as_str()))
                .collect();
            let records = read(&asked)?;
            for (position, criteria) in chunk {
                let Some(record) = self.coding(*position).and_then(|(id, coder)| {
                    records.iter().find(|r| r.id() == id && r.coder() == coder)
                }) else {
                    continue;
                };
                self.prepare(corpus, rubric, *position, record, criteria.iter().copied());
            }
        }
        Ok(())
    }

    /// Takes, for the (position, criterion) pairs in `needed` ([`Efforts::needed`]), the
    /// best past views `candidates` made as the cases were read; returns the pairs it
    /// holds none for, whose records [`Efforts::prepare_needed`] must read again.
    pub fn adopt(
        &mut self,
        candidates: &Candidates,
        needed: impl IntoIterator<Item = (usize, usize)>,
    ) -> Vec<(usize, usize)> {
        let mut missing = Vec::new();
        for (position, k) in needed {
            if self.prepared.contains_key(&(position, k)) {
                continue;
            }
            let view = self
                .coding(position)
                .and_then(|(id, coder)| candidates.view(k, id, coder));
            match view {
                Some(view) => {
                    self.prepared.insert((position, k), view.clone());
                }
                None => missing.push((position, k)),
            }
        }
        missing
    }

    /// The best past view of the effort at position `i` on criterion `k`, for a case
    /// that starts at `start`: made ahead, or from the record in memory; an error naming
    /// the effort when neither is at hand.
    fn best_view(
        &self,
        corpus: &Corpus,
        rubric: &Rubric,
        i: usize,
        k: usize,
        start: &PartialDate,
    ) -> Result<Option<BestPast>, Error> {
        let Some(scored) = self.scored.get(i) else {
            return Ok(None);
        };
        let Some(c) = scored.criteria.get(k) else {
            return Ok(None);
        };
        let view = match (
            self.prepared.get(&(i, k)),
            self.records.get(i).copied().flatten(),
        ) {
            (Some(view), _) => view.clone(),
            (None, Some(record)) => best_past(corpus, rubric, k, record, scored, c),
            (None, None) => {
                return Err(Error::Invalid(format!(
                    "the record of past effort `{}` (coded by {}) was not loaded for the audit",
                    scored.id, scored.coder
                )));
            }
        };
        Ok(Some(BestPast {
            began_after: start.certainly_before(&scored.start),
            ..view
        }))
    }
}

fn past_efforts<'a>(corpus: &'a Corpus, rubric: &Rubric) -> Efforts<'a> {
    Efforts::with_records(
        rubric,
        corpus
            .cases
            .iter()
            .filter(|r| r.case.kind == Kind::Effort && r.uses(rubric))
            .map(|r| (score::score_case(rubric, r), Some(r)))
            .collect(),
    )
}

/// The audit of `record` against `efforts` (from [`past_efforts`]; the case itself is
/// left out here).
fn audit_against(
    corpus: &Corpus,
    rubric: &Rubric,
    record: &CaseRecord,
    options: &Options,
    efforts: &Efforts,
) -> Result<Audit, Error> {
    let known;
    let record = match &options.as_of {
        Some(day) => {
            known = as_of::record(rubric, record, day);
            &known
        }
        None => record,
    };
    let scored = score::score_case(rubric, record);
    let cut = efforts.cut(&record.start);
    let past = efforts.past_len(record.id(), cut);
    let criteria: Vec<CriterionAudit> = scored
        .criteria
        .iter()
        .enumerate()
        .map(|(index, c)| criterion_audit(corpus, rubric, record, index, c, efforts, options))
        .collect::<Result<_, _>>()?;
    let mut failures = Vec::new();
    for c in &criteria {
        if let Some(gate) = &c.gate
            && c.flagged
            && gate.enforcement == Enforcement::Enforced
        {
            failures.push(match gate.verdict {
                // Silence is not a verdict: an open gate fails the audit because the
                // minimum is not shown, and says the unknowns could still clear it.
                Verdict::Open => format!(
                    "{}: the enforced minimum {} ({}) is not shown: level {} on the evidence recorded ({}), up to {} were the unknown indicators met (finding out could clear it)",
                    c.id, gate.minimum, gate.minimum_label, c.level, c.label, c.upper_level
                ),
                _ => format!(
                    "{}: level {} ({}) is below the enforced minimum {} ({})",
                    c.id, c.level, c.label, gate.minimum, gate.minimum_label
                ),
            });
        }
    }
    let indicator_gates = indicator_gates(corpus, rubric, record, options);
    for g in &indicator_gates {
        if g.gate == Enforcement::Enforced && matches!(g.verdict, Verdict::Open | Verdict::Fail) {
            failures.push(format!(
                "{}/{}: {} where the enforced gate requires it met{}",
                g.criterion,
                g.indicator,
                g.status.as_str(),
                if g.verdict == Verdict::Open {
                    " (finding out could clear it)"
                } else {
                    ""
                }
            ));
        }
    }
    if let Some(threshold) = options.fail_under
        && round2(scored.total.score) < round2(threshold)
    {
        failures.push(format!(
            "the total {} is below the threshold {}",
            crate::score::output::fmt1(scored.total.score),
            crate::score::output::fmt1(threshold)
        ));
    }
    let rank = (past > 0).then(|| {
        let rank_of = |x: f64| efforts.rank_of(record.id(), x, cut);
        Rank {
            of: past + 1,
            score: rank_of(scored.total.score),
            lower: rank_of(scored.total.lower),
            upper: rank_of(scored.total.upper),
        }
    });
    Ok(Audit {
        engine: EngineJson::current(),
        rubric: RubricJson {
            id: rubric.id.get_ref().clone(),
            version: rubric.version.clone(),
            title: rubric.title.clone(),
        },
        case: AuditedCase {
            id: scored.id.clone(),
            title: scored.title.clone(),
            kind: scored.kind.as_str(),
            start: scored.start.to_string(),
            end: scored.end.map(|e| e.to_string()),
            coder: scored.coder.clone(),
        },
        policy: options.policy.map(|p| PolicyView {
            source: p.path.to_string_lossy().replace('\\', "/"),
            description: p.description.clone(),
        }),
        criteria,
        indicator_gates,
        total: scored.total.into(),
        total_display: total_cell(&scored.total),
        fail_under: options.fail_under.map(round2),
        rank,
        past_efforts: listed(
            efforts.nearest(record.id(), scored.total.score, cut),
            scored.total.score,
        )
        .into_iter()
        .map(past_effort)
        .collect(),
        hindsight: options.hindsight,
        hindsight_efforts: if options.hindsight {
            efforts.scored[cut.min(efforts.scored.len())..]
                .iter()
                .filter(|p| p.id != record.id())
                .take(PAST_LISTED)
                .map(past_effort)
                .collect()
        } else {
            Vec::new()
        },
        as_of: options.as_of.map(|d| d.to_string()),
        context: scored.context.readings().map(ContextJson::from).collect(),
        results: ResultsJson::from(&scored.context.results),
        unknowns: unknowns(rubric, record, &scored),
        passed: failures.is_empty(),
        failures,
    })
}

/// A past effort's line in the audit.
fn past_effort(p: &CaseScore) -> PastEffort {
    PastEffort {
        case: p.id.clone(),
        title: p.title.clone(),
        start: p.start.to_string(),
        total: p.total.into(),
        total_display: total_cell(&p.total),
    }
}

/// Audits every `initiative` of the corpus coded against `rubric`, in time order: what
/// `report` needs for its audit pages.
pub fn audit_initiatives(
    corpus: &Corpus,
    rubric: &Rubric,
    options: &Options,
) -> Result<Vec<Audit>, Error> {
    let mut records: Vec<&CaseRecord> = corpus
        .cases
        .iter()
        .filter(|r| r.case.kind == Kind::Initiative && r.uses(rubric))
        .collect();
    records.sort_by(|a, b| (a.start, a.id(), a.coder()).cmp(&(b.start, b.id(), b.coder())));
    audit_each(
        corpus,
        rubric,
        &records,
        options,
        &past_efforts(corpus, rubric),
    )
}

/// Audits each of `records` against `efforts`, which must have been lent the records
/// [`Efforts::needed`] names for them; in parallel, in the order given. `corpus`
/// gives the bibliography; its cases are not read. With [`Options::as_of`], each record
/// is taken as of that day here, but `efforts` must already be (scored from
/// [`as_of::record`], those begun after the day left out), as `audit` does.
pub fn audit_each(
    corpus: &Corpus,
    rubric: &Rubric,
    records: &[&CaseRecord],
    options: &Options,
    efforts: &Efforts,
) -> Result<Vec<Audit>, Error> {
    // Each audit reads the same scored efforts: independent, so run in parallel.
    use rayon::prelude::*;
    records
        .par_iter()
        .map(|r| audit_against(corpus, rubric, r, options, efforts))
        .collect()
}

/// The past efforts to list ([`PAST_LISTED`]), in time order, from the candidates
/// [`Efforts::nearest`] gives.
fn listed(mut chosen: Vec<(usize, &CaseScore)>, total: f64) -> Vec<&CaseScore> {
    if chosen.len() > PAST_LISTED {
        // Nearest in total first; ties to the later effort, as for the best past effort.
        // The order is total (ties by position), so selecting gives what sorting would.
        chosen.select_nth_unstable_by(PAST_LISTED - 1, |(i, a), (j, b)| {
            let (da, db) = ((a.total.score - total).abs(), (b.total.score - total).abs());
            da.total_cmp(&db).then(j.cmp(i))
        });
        chosen.truncate(PAST_LISTED);
        chosen.sort_by_key(|(i, _)| *i);
    }
    chosen.into_iter().map(|(_, p)| p).collect()
}

fn criterion_audit(
    corpus: &Corpus,
    rubric: &Rubric,
    record: &CaseRecord,
    index: usize,
    c: &CriterionScore,
    efforts: &Efforts,
    options: &Options,
) -> Result<CriterionAudit, Error> {
    let criterion = rubric.criteria.get_ref().get(index);
    let label_of = |level: usize| {
        criterion
            .and_then(|k| k.levels.get_ref().get(level))
            .map(|l| l.label.clone())
            .unwrap_or_default()
    };
    let observed = record.case.observations.get(c.id.as_str());
    let status_of = |id: &str| {
        observed
            .and_then(|o| o.get(id))
            .map_or(Status::Unknown, |o| o.status)
    };
    // Under `cumulative` and `highest` a minimum is a level of the scale: when none of
    // its indicators applies to the case (a proposal that cannot yet show it), the gate
    // has nothing to judge. Under `count` the minimum is a number of levels.
    let minimum_applies = |minimum: usize| {
        criterion.is_none_or(|k| {
            k.rule == crate::corpus::model::Rule::Count
                || k.indicators()
                    .filter(|(level, _)| *level == minimum)
                    .any(|(_, i)| status_of(i.id.get_ref()) != Status::NotApplicable)
        })
    };
    let gate = options
        .policy
        .and_then(|p| p.gate(&c.id))
        .map(|g| GateView {
            minimum: g.minimum,
            minimum_label: label_of(g.minimum),
            enforcement: g.enforcement,
            reason: g.reason.clone(),
            verdict: if !c.applicable || !minimum_applies(g.minimum) {
                Verdict::NotApplicable
            } else if c.level >= g.minimum {
                Verdict::Pass
            } else if c.upper_level >= g.minimum {
                Verdict::Open
            } else {
                Verdict::Fail
            },
        });
    let indicators = criterion
        .map(|k| {
            k.indicators()
                .map(|(level, i)| {
                    let o = observed.and_then(|o| o.get(i.id.get_ref().as_str()));
                    IndicatorView {
                        id: i.id.get_ref().clone(),
                        level,
                        text: i.text.clone(),
                        status: o.map_or(Status::Unknown, |o| o.status),
                        evidence: o
                            .map(|o| o.evidence.iter().map(|e| e.get_ref().clone()).collect())
                            .unwrap_or_default(),
                        note: o.and_then(|o| o.note.clone()),
                        cited: o
                            .map(|o| evidence_views(corpus, record, &o.evidence))
                            .unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    // The first past effort in best-first order that qualifies: the case itself never,
    // and with `earlier_only` none that began after it.
    let best_among = |earlier_only: bool| -> Result<Option<BestPast>, Error> {
        match efforts.best(index, record.id(), &record.start, earlier_only) {
            Some(i) => efforts.best_view(corpus, rubric, i, index, &record.start),
            None => Ok(None),
        }
    };
    let best_past = best_among(true)?;
    let hindsight = if options.hindsight {
        best_among(false)?.filter(|b| b.began_after)
    } else {
        None
    };
    Ok(CriterionAudit {
        id: c.id.clone(),
        name: criterion.map(|k| k.name.clone()).unwrap_or_default(),
        question: criterion.map(|k| k.question.clone()).unwrap_or_default(),
        weight: c.weight,
        level: c.level,
        label: c.label.clone(),
        established: c.established(),
        applicable: c.applicable,
        blocked: c.blocked.clone(),
        top_level: c.top,
        score: round2(c.interval.score),
        lower: round2(c.interval.lower),
        upper: round2(c.interval.upper),
        lower_level: c.lower_level,
        upper_level: c.upper_level,
        unknown: c.unknown,
        level_display: level_cell(c),
        override_: c.overridden.as_ref().map(|o| OverrideJson {
            level: c.level,
            derived_level: o.derived_level,
            derived_lower_level: o.derived_lower,
            derived_upper_level: o.derived_upper,
            justification: o.justification.clone(),
        }),
        flagged: gate
            .as_ref()
            .is_some_and(|g| matches!(g.verdict, Verdict::Open | Verdict::Fail)),
        sin: match (&gate, criterion, record.coding.get(index)) {
            (Some(g), Some(k), Some(coding)) if g.verdict == Verdict::Fail => {
                named_sin(k, &coding.statuses, g.minimum).map(|s| s.as_str())
            }
            _ => None,
        },
        gate,
        guards_against: criterion.and_then(|k| k.sin).map(|s| s.as_str()),
        guidance: criterion.map(|k| k.guidance.clone()).unwrap_or_default(),
        indicators,
        best_past,
        hindsight,
    })
}

/// The best past views a streamed corpus's effort codings could give an audit, made as
/// the cases are read so that their records need not be read again: for each criterion,
/// those of the codings at the highest level seen on it so far. An audit shows the best
/// past effort on a criterion, which is at the highest level, unless every effort at that
/// level is the audited case itself or, for the best earlier one, began after it; only
/// then does it need a record these do not cover ([`Efforts::adopt`] says which).
#[derive(Debug, Default)]
pub struct Candidates {
    /// Per criterion: the highest level seen, and the views of the codings at it, by
    /// case id and coder.
    by_criterion: Vec<(usize, Views)>,
}

/// Best past views by case id and coder.
type Views = HashMap<(String, String), BestPast>;

impl Candidates {
    /// Offers the effort coding `record`, scored `scored` against `rubric`.
    pub fn offer(
        &mut self,
        corpus: &Corpus,
        rubric: &Rubric,
        record: &CaseRecord,
        scored: &CaseScore,
    ) {
        if self.by_criterion.len() < scored.criteria.len() {
            self.by_criterion
                .resize_with(scored.criteria.len(), Default::default);
        }
        for (k, c) in scored.criteria.iter().enumerate() {
            let (level, views) = &mut self.by_criterion[k];
            if c.level > *level {
                views.clear();
                *level = c.level;
            }
            if c.level == *level {
                let view = best_past(corpus, rubric, k, record, scored, c);
                let coding = (record.id().to_string(), record.coder().to_string());
                views.insert(coding, view);
            }
        }
    }

    /// The view of the coding of case `id` by `coder` on criterion `k`, if it was at the
    /// highest level.
    fn view(&self, k: usize, id: &str, coder: &str) -> Option<&BestPast> {
        let (_, views) = self.by_criterion.get(k)?;
        views.get(&(id.to_string(), coder.to_string()))
    }
}

/// How the effort `record` (scored `scored`, `c` on criterion `index`) got its level:
/// the best past view, with `began_after` left for the audit to set.
fn best_past(
    corpus: &Corpus,
    rubric: &Rubric,
    index: usize,
    record: &CaseRecord,
    scored: &CaseScore,
    c: &CriterionScore,
) -> BestPast {
    let observed = record.case.observations.get(c.id.as_str());
    let mut met = Vec::new();
    // In the order first cited; the set keeps it linear in the evidence cited.
    let mut cited: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    if let Some(criterion) = rubric.criteria.get_ref().get(index) {
        for (level, indicator) in criterion.indicators() {
            if level == 0 || level > c.level {
                continue;
            }
            let Some(o) = observed.and_then(|o| o.get(indicator.id.get_ref().as_str())) else {
                continue;
            };
            if o.status != Status::Met {
                continue;
            }
            let evidence: Vec<String> = o.evidence.iter().map(|e| e.get_ref().clone()).collect();
            for e in &evidence {
                if seen.insert(e.clone()) {
                    cited.push(e.clone());
                }
            }
            met.push(MetIndicator {
                id: indicator.id.get_ref().clone(),
                level,
                text: indicator.text.clone(),
                evidence,
            });
        }
    }
    // The case's evidence by id, once, rather than a search of it for every id cited.
    let by_id: std::collections::HashMap<&str, &crate::corpus::model::Evidence> = record
        .case
        .evidence
        .iter()
        .map(|e| (e.id.get_ref().as_str(), e))
        .collect();
    let evidence = cited
        .iter()
        .filter_map(|id| by_id.get(id.as_str()).copied())
        .map(|e| evidence_view(corpus, e))
        .collect();
    BestPast {
        case: scored.id.clone(),
        title: scored.title.clone(),
        start: scored.start.to_string(),
        level: c.level,
        label: c.label.clone(),
        level_display: level_cell(c),
        lower_level: c.lower_level,
        upper_level: c.upper_level,
        began_after: false,
        override_justification: c.overridden.as_ref().map(|o| o.justification.clone()),
        met,
        evidence,
    }
}

/// An evidence record with its source resolved.
fn evidence_view(corpus: &Corpus, e: &crate::corpus::model::Evidence) -> EvidenceView {
    let key = e.source.get_ref();
    let citation = corpus.bibliography.get(key).map_or_else(
        || key.clone(),
        |w| format!("{} ({})", w.short_authors(), w.year.get_ref()),
    );
    EvidenceView {
        id: e.id.get_ref().clone(),
        claim: e.claim.clone(),
        quote: e.quote.as_ref().map(|q| q.get_ref().clone()),
        source: key.clone(),
        citation,
        locator: e.locator.clone(),
        cites: e.cites.clone(),
    }
}

/// The records of `record` that `ids` name, in that order.
fn evidence_views(
    corpus: &Corpus,
    record: &CaseRecord,
    ids: &[toml::Spanned<String>],
) -> Vec<EvidenceView> {
    ids.iter()
        .filter_map(|id| record.case.evidence(id.get_ref()))
        .map(|e| evidence_view(corpus, e))
        .collect()
}

/// The sin a failed criterion gate names: going up the levels 1 to `minimum`, the
/// first unmet indicator's sin, or, failing that, the sin of the level it belongs to
/// (each from the rubric; a level without an unmet indicator names nothing).
fn named_sin(
    criterion: &crate::corpus::model::Criterion,
    statuses: &[Vec<Status>],
    minimum: usize,
) -> Option<crate::corpus::model::Sin> {
    for (n, level) in criterion.levels.get_ref().iter().enumerate() {
        if n == 0 || n > minimum {
            continue;
        }
        let unmet: Vec<&crate::corpus::model::Indicator> = level
            .indicators
            .iter()
            .enumerate()
            .filter(|(k, _)| statuses.get(n).and_then(|r| r.get(*k)) == Some(&Status::Unmet))
            .map(|(_, i)| i)
            .collect();
        if let Some(sin) = unmet.iter().find_map(|i| i.sin) {
            return Some(sin);
        }
        if !unmet.is_empty()
            && let Some(sin) = level.sin
        {
            return Some(sin);
        }
    }
    None
}

/// The policy's indicator gates applied to `record`, in the policy's (rubric) order.
fn indicator_gates(
    corpus: &Corpus,
    rubric: &Rubric,
    record: &CaseRecord,
    options: &Options,
) -> Vec<IndicatorGateView> {
    let Some(policy) = options.policy else {
        return Vec::new();
    };
    policy
        .indicator_gates
        .iter()
        .filter_map(|g| {
            let criterion = rubric
                .criteria
                .get_ref()
                .iter()
                .find(|c| c.id.get_ref() == &g.criterion)?;
            let (level, indicator) = criterion
                .indicators()
                .find(|(_, i)| i.id.get_ref() == &g.indicator)?;
            let observation = record
                .case
                .observations
                .get(g.criterion.as_str())
                .and_then(|o| o.get(g.indicator.as_str()));
            let status = observation.map_or(Status::Unknown, |o| o.status);
            let verdict = match status {
                Status::Met => Verdict::Pass,
                Status::Unknown => Verdict::Open,
                Status::Unmet => Verdict::Fail,
                Status::NotApplicable => Verdict::NotApplicable,
            };
            Some(IndicatorGateView {
                criterion: g.criterion.clone(),
                indicator: g.indicator.clone(),
                level,
                text: indicator.text.clone(),
                gate: g.enforcement,
                status,
                verdict,
                sin: (verdict == Verdict::Fail)
                    .then_some(indicator.sin)
                    .flatten()
                    .map(|s| s.as_str()),
                reason: g.reason.clone(),
                note: observation.and_then(|o| o.note.clone()),
                evidence: observation
                    .map(|o| evidence_views(corpus, record, &o.evidence))
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Every unknown indicator with its gain and what is at stake, sorted.
fn unknowns(rubric: &Rubric, record: &CaseRecord, scored: &CaseScore) -> Vec<UnknownIndicator> {
    let mut found: Vec<(usize, UnknownIndicator, f64, f64)> = Vec::new();
    let mut order = 0;
    for (index, coding) in record.coding.iter().enumerate() {
        let Some(criterion) = rubric.criteria.get_ref().get(index) else {
            continue;
        };
        let indicators: Vec<_> = criterion.indicators().collect();
        let mut flat = 0;
        for (level, row) in coding.statuses.iter().enumerate() {
            for (k, status) in row.iter().enumerate() {
                let this = flat;
                flat += 1;
                if *status != Status::Unknown {
                    continue;
                }
                let with = |s: Status| {
                    let mut changed = coding.clone();
                    if let Some(cell) = changed.statuses.get_mut(level).and_then(|r| r.get_mut(k)) {
                        *cell = s;
                    }
                    let replaced = score::score_criterion(rubric, index, &changed)?;
                    let mut criteria = scored.criteria.clone();
                    let level = replaced.level;
                    *criteria.get_mut(index)? = replaced;
                    Some((score::total(&criteria), level))
                };
                let (Some((if_met, level_if_met)), Some((if_unmet, _))) =
                    (with(Status::Met), with(Status::Unmet))
                else {
                    continue;
                };
                let gain = if_met.score - scored.total.score;
                let at_stake = scored.total.upper - if_unmet.upper;
                let (id, text) = indicators
                    .get(this)
                    .map(|(_, i)| (i.id.get_ref().clone(), i.text.clone()))
                    .unwrap_or_default();
                found.push((
                    order,
                    UnknownIndicator {
                        criterion: criterion.id.get_ref().clone(),
                        indicator: id,
                        level,
                        text,
                        gain: round2(gain),
                        at_stake: round2(at_stake),
                        level_if_met,
                    },
                    round2(gain),
                    round2(at_stake),
                ));
                order += 1;
            }
        }
    }
    found.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| b.3.total_cmp(&a.3))
            .then_with(|| a.0.cmp(&b.0))
    });
    found.into_iter().map(|(_, u, _, _)| u).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic corpus checked in memory.
    fn corpus(cases: usize, seed: u64) -> Corpus {
        let checked = crate::testing::synth::generate(cases, seed).validate();
        assert_eq!(checked.errors(), 0, "{}", checked.report());
        checked.corpus
    }

    /// The best past effort as first written: a walk down the best-first order.
    fn best_by_walking(
        efforts: &Efforts,
        k: usize,
        id: &str,
        start: &PartialDate,
        earlier_only: bool,
    ) -> Option<usize> {
        efforts.best_first[k]
            .iter()
            .copied()
            .filter(|i| efforts.scored[*i].id != id)
            .find(|i| !(earlier_only && start.certainly_before(&efforts.scored[*i].start)))
    }

    /// The rank and the listed efforts as first written: by visiting every past effort
    /// (those at positions below `limit`).
    fn rank_and_listed_by_visiting<'a>(
        efforts: &'a Efforts,
        id: &str,
        total: f64,
        limit: usize,
    ) -> (usize, Vec<&'a CaseScore>) {
        let past: Vec<&CaseScore> = efforts.scored[..limit]
            .iter()
            .filter(|s| s.id != id)
            .collect();
        let rank = 1 + past
            .iter()
            .filter(|p| round2(p.total.score) > round2(total))
            .count();
        let mut chosen: Vec<(usize, &CaseScore)> = past.iter().copied().enumerate().collect();
        if chosen.len() > PAST_LISTED {
            chosen.sort_by(|(i, a), (j, b)| {
                let (da, db) = ((a.total.score - total).abs(), (b.total.score - total).abs());
                da.total_cmp(&db).then(j.cmp(i))
            });
            chosen.truncate(PAST_LISTED);
            chosen.sort_by_key(|(i, _)| *i);
        }
        (rank, chosen.into_iter().map(|(_, p)| p).collect())
    }

    #[test]
    fn views_made_while_reading_are_those_made_from_the_records() {
        let corpus = corpus(700, 2);
        let rubric = &corpus.rubrics[0].value;
        let mut candidates = Candidates::default();
        let records: Vec<&CaseRecord> = corpus
            .cases
            .iter()
            .filter(|r| r.case.kind == Kind::Effort)
            .collect();
        for record in &records {
            candidates.offer(&corpus, rubric, record, &score::score_case(rubric, record));
        }
        let scored = records
            .iter()
            .map(|r| score::score_case(rubric, r))
            .collect();
        let mut efforts = Efforts::new(rubric, scored);
        let needed: Vec<(usize, usize)> = corpus
            .cases
            .iter()
            .flat_map(|r| efforts.needed(r.id(), &r.start))
            .collect();
        let missing = efforts.adopt(&candidates, needed.iter().copied());
        // Cases that began before every effort at the highest level need a lower one.
        assert!(
            !missing.is_empty(),
            "some views are not among the candidates"
        );
        assert!(
            missing.len() < needed.len() / 10,
            "{} of {}",
            missing.len(),
            needed.len()
        );
        let json = |view: &BestPast| serde_json::to_string(view).expect("json");
        for (position, k) in needed {
            let from_record = {
                let (id, coder) = efforts.coding(position).expect("coding");
                let record = records
                    .iter()
                    .find(|r| r.id() == id && r.coder() == coder)
                    .expect("record");
                let s = &efforts.scored[position];
                best_past(&corpus, rubric, k, record, s, &s.criteria[k])
            };
            match efforts.prepared.get(&(position, k)) {
                Some(view) => assert_eq!(json(view), json(&from_record)),
                None => assert!(missing.contains(&(position, k))),
            }
        }
    }

    #[test]
    fn the_indexed_comparisons_agree_with_visiting_every_past_effort() {
        // Hundreds of efforts share each level and many share a total, so ties are
        // everywhere; efforts are audited too, to leave their own coding out.
        for (cases, seed) in [(5, 3), (30, 1), (700, 2)] {
            let corpus = corpus(cases, seed);
            let rubric = &corpus.rubrics[0].value;
            let efforts = past_efforts(&corpus, rubric);
            assert!(!efforts.scored.is_empty());
            for record in &corpus.cases {
                let scored = score::score_case(rubric, record);
                let id = record.id();
                for k in 0..rubric.criteria.get_ref().len() {
                    for earlier_only in [false, true] {
                        assert_eq!(
                            efforts.best(k, id, &record.start, earlier_only),
                            best_by_walking(&efforts, k, id, &record.start, earlier_only),
                            "{id}, criterion {k}, earlier only: {earlier_only}"
                        );
                    }
                }
                for total in [
                    scored.total.score,
                    scored.total.lower,
                    scored.total.upper,
                    -1.0,
                    1000.0,
                ] {
                    // Every effort, and those begun before the case (the default).
                    let cut = efforts.cut(&record.start);
                    assert!(
                        efforts.scored[..cut]
                            .iter()
                            .all(|s| !record.start.certainly_before(&s.start))
                            && efforts.scored[cut..]
                                .iter()
                                .all(|s| record.start.certainly_before(&s.start))
                    );
                    for limit in [efforts.scored.len(), cut] {
                        let (rank, listed_all) =
                            rank_and_listed_by_visiting(&efforts, id, total, limit);
                        assert_eq!(efforts.rank_of(id, total, limit), rank, "{id} at {total}");
                        assert_eq!(
                            efforts.past_len(id, limit),
                            efforts.scored[..limit]
                                .iter()
                                .filter(|s| s.id != id)
                                .count()
                        );
                        let ids = |l: Vec<&CaseScore>| -> Vec<(String, String)> {
                            l.iter().map(|s| (s.id.clone(), s.coder.clone())).collect()
                        };
                        assert_eq!(
                            ids(listed(efforts.nearest(id, total, limit), total)),
                            ids(listed_all),
                            "{id} at {total}, limit {limit}"
                        );
                    }
                }
            }
        }
    }
}
