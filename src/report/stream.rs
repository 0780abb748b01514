//! `thirdside report` from files, in memory that does not grow with the case files.
//!
//! [`super::render`] needs the whole corpus in memory; a coding project of thousands of
//! cases does not fit in it comfortably (10,000 synthetic cases take about 400 MB as
//! parsed records). Here the cases are validated one chunk at a time
//! ([`crate::corpus::validate::validate_each`]); each valid case is scored, its page rendered
//! (in parallel, a batch at a time) and its record dropped, keeping only its score and
//! where it came from. After the last case, the few records the rest of the report
//! shows are read again, and checked to be the bytes read the first time:
//! - the first coder's record of a case coded several times (its page shows the
//!   combined score, so it is rendered again);
//! - the efforts' records when the progression tells its steps (at most
//!   [`super::view::STEPS_MAX`] efforts);
//! - the records of the few past efforts whose evidence the initiatives' audits show
//!   ([`Efforts::needed`]) and the pass did not keep a view of, a chunk at a time: what
//!   the audits show of each is made from its record ([`Efforts::prepare_needed`]) and
//!   the record dropped.
//!
//! The audits mostly show past efforts at the highest level reached on a criterion, so
//! the pass keeps what an audit would show of each effort at the highest level seen so
//! far ([`Candidates`]); at 10,000 synthetic cases that leaves 3 of about 2,000 records
//! to read again.
//!
//! The initiatives' own records are kept from the pass whole: an audit shows, for every
//! flagged criterion or indicator, the initiative's own claims beside its observations.
//!
//! The files written are the same bytes [`super::render`] writes (tested).

use super::templating::templates::Templates;
use super::write::Output;
use super::{Extra, audit_pages, case_pages, data_files, summary, view};
use crate::audit::{Candidates, Efforts};
use crate::corpus::model::Kind;
use crate::corpus::reread::{Kept, Reread};
use crate::corpus::validate::{CaseRecord, Checked, Corpus, Options};
use crate::error::Error;
use crate::score::{CaseScore, Scores};
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Cases whose pages are rendered together, in parallel, while the next files are
/// parsed: enough to keep both cores busy.
const BATCH: usize = 128;

/// Cases between two returns of freed memory to the system during the pass.
const RELEASE_EVERY: usize = 1024;

/// Initiatives audited together, their audits rendered before the next chunk's.
const AUDIT_CHUNK: usize = 256;

/// What a streamed report produced.
#[derive(Debug)]
pub struct Streamed {
    /// The outcome of validation (with no cases kept).
    pub checked: Checked,
    /// The scores and the rendered report; `None` when the input has errors.
    pub report: Option<(Scores, Output)>,
    /// The files of the codings the trend leaves out, sorted
    /// ([`crate::analysis::trend::leaves_out`]).
    pub left_out: Vec<PathBuf>,
}

/// Validates the files under `paths` and renders the report of the rubric `choice`
/// (or the only one) into `out`, as [`super::render`] would from the loaded corpus.
pub fn render(
    paths: &[PathBuf],
    options: &Options,
    choice: Option<&str>,
    templates: &Templates,
    out: Output,
) -> Result<Streamed, Error> {
    let mut pass = Pass {
        choice,
        rubric: None,
        templates,
        out: &out,
        codings: Vec::new(),
        left_out: Vec::new(),
        kept: Vec::new(),
        times: HashMap::new(),
        initiatives: Vec::new(),
        candidates: Candidates::default(),
        pending: Vec::new(),
        options,
        context: None,
        failed: None,
        release: Default::default(),
        scale: Default::default(),
        agreement: Default::default(),
    };
    let checked = crate::corpus::validate::validate_each(paths, options, |corpus, record| {
        pass.visit(corpus, record)
    })?;
    if checked.errors() > 0 {
        return Ok(Streamed {
            checked,
            report: None,
            left_out: Vec::new(),
        });
    }
    // The pass is over: its parsing and rendering buffers go back before the summary.
    crate::report::memory::release();
    let corpus = &checked.corpus;
    let rubric = crate::select_rubric(corpus, choice)?;
    pass.flush(corpus);
    let Pass {
        codings,
        left_out,
        kept,
        times,
        mut initiatives,
        candidates,
        failed,
        mut release,
        scale,
        agreement,
        ..
    } = pass;
    if let Some(error) = failed {
        return Err(error);
    }
    let reread = Reread::new(paths, options, &kept, "report")?;
    let coded_once = |id: &str| times.get(id).is_none_or(|n| *n == 1);
    // The audits compare with each coding of an effort. A case coded once has its
    // coding's score as its score; the codings of the others are kept aside.
    let efforts_coded_again: Vec<CaseScore> = codings
        .iter()
        .filter(|s| s.kind == Kind::Effort && !coded_once(&s.id))
        .cloned()
        .collect();
    let trend_input = crate::analysis::trend::TrendInput::new(
        rubric,
        left_out.iter().map(|(_, path)| path.clone()).collect(),
        || {
            let skip: std::collections::HashSet<usize> = left_out.iter().map(|(i, _)| *i).collect();
            codings
                .iter()
                .enumerate()
                .filter(|(i, _)| !skip.contains(i))
                .map(|(_, score)| score.clone())
                .collect()
        },
    );
    let scores = crate::score::from_codings(rubric, codings);
    let bibliography = &corpus.bibliography;

    // The records the summary and the combined cases' pages show (the trend's efforts
    // for the steps of the progression).
    let effort_scores: Vec<&CaseScore> = trend_input
        .scores(&scores)
        .cases
        .iter()
        .filter(|c| c.kind == Kind::Effort)
        .collect();
    let told = if effort_scores.len() <= view::STEPS_MAX {
        effort_scores.as_slice()
    } else {
        &[]
    };
    let combined: Vec<&CaseScore> = scores.cases.iter().filter(|c| !coded_once(&c.id)).collect();
    let shown: Vec<&Kept> = told
        .iter()
        .chain(&combined)
        .filter_map(|c| view::shown(c, |id, coder| reread.kept(id, coder)))
        .collect();
    let records = reread.records(&shown)?;
    let index = view::Records::new(&records);
    case_pages(
        rubric,
        bibliography,
        templates,
        &out,
        combined
            .par_iter()
            .filter_map(|case| Some((*case, index.of(case)?, None))),
    )?;
    let observations = scores
        .cases
        .iter()
        .filter_map(|c| view::shown(c, |id, coder| reread.kept(id, coder)))
        .map(|k| k.observations)
        .sum();
    // The analyses and the data files, side by side: the analyses leave some of the
    // second core free, and the data files are written on one.
    let digest = release.corpus_digest(
        super::rubric_digest(corpus, rubric),
        corpus.bibliography_digest,
    );
    // The analyses first (the sensitivity's draws use both cores), then the data files,
    // which include the analyses' tables.
    let extra = Extra::for_report(rubric, &scores, trend_input, &scale, &agreement)?;
    data_files(&scores, &digest, &out)?;
    // The data release is written on a thread of its own while the initiatives are
    // audited: its workbook is compressed on one core, and the audits use the others.
    let verdicts = std::thread::scope(|scope| {
        let written = scope.spawn(|| {
            let written = release.write(rubric, &scores, &extra, bibliography, &digest, &out);
            crate::report::memory::release();
            written
        });
        let audited = (|| {
            // The audits first, for the key findings; their pages share the rubric's view.
            let rubric_view = view::page_rubric(rubric, bibliography, &digest);
            // The audits, a chunk of initiatives at a time (each is a page of its own: their
            // order does not matter).
            let efforts: Vec<CaseScore> = scores
                .cases
                .iter()
                .filter(|c| c.kind == Kind::Effort && coded_once(&c.id))
                .cloned()
                .chain(efforts_coded_again)
                .collect();
            let mut efforts = Efforts::new(rubric, efforts);
            // Each past effort an audit shows is read again once, its best past views made, and
            // its record dropped.
            let needed: Vec<(usize, usize)> = initiatives
                .iter()
                .flat_map(|i| efforts.needed(i.id(), &i.start))
                .collect();
            // Most were made during the pass; the others are read again.
            let missing = efforts.adopt(&candidates, needed);
            drop(candidates);
            efforts.prepare_needed(corpus, rubric, missing, |codings| {
                reread.records_of(codings)
            })?;
            crate::report::memory::release();
            let options = crate::audit::Options {
                policy: extra.policy.as_ref(),
                fail_under: None,
                ..Default::default()
            };
            // In the order the in-memory report audits them, so the key findings name them alike.
            initiatives
                .sort_by(|a, b| (a.start, a.id(), a.coder()).cmp(&(b.start, b.id(), b.coder())));
            let mut verdicts = Vec::new();
            for chunk in initiatives.chunks(AUDIT_CHUNK) {
                let chunk: Vec<&CaseRecord> = chunk.iter().collect();
                let audits = crate::audit::audit_each(corpus, rubric, &chunk, &options, &efforts)?;
                verdicts.extend(audits.iter().map(view::Verdict::of));
                audit_pages(audits, &rubric_view, templates, &out)?;
            }
            Ok(verdicts)
        })();
        let written = written.join().unwrap_or_else(|_| {
            Err(Error::Invalid(
                "the data release stopped before it was written".to_string(),
            ))
        });
        written.and(audited)
    })?;
    summary(
        rubric,
        bibliography,
        &scores,
        &index,
        observations,
        templates,
        &extra,
        &digest,
        &verdicts,
        &out,
    )?;
    drop(records);
    crate::report::memory::release();

    Ok(Streamed {
        checked,
        left_out: extra.trend_input.left_out.clone(),
        report: Some((scores, out)),
    })
}

/// The state of the pass over the cases.
struct Pass<'a> {
    choice: Option<&'a str>,
    /// The rubric reported on, once the first case is seen (`None` inside when the
    /// choice is not valid: the error is given after validation).
    rubric: Option<Option<String>>,
    templates: &'a Templates,
    out: &'a Output,
    /// Each coding's score against the rubric, in the order checked.
    codings: Vec<CaseScore>,
    /// The codings the trend leaves out: their places in `codings` and their files.
    left_out: Vec<(usize, PathBuf)>,
    /// Aligned with `codings`.
    kept: Vec<Kept>,
    /// How many codings each case id has.
    times: HashMap<String, usize>,
    /// The initiatives' records.
    initiatives: Vec<CaseRecord>,
    /// The best past views the efforts' codings could give the audits.
    candidates: Candidates,
    /// Codings whose pages are not rendered yet, with their records and their pages'
    /// keys.
    pending: Vec<(CaseScore, CaseRecord, Option<u64>)>,
    /// The data release's rows of every coding seen.
    release: super::release::Release,
    /// Every coding's statuses, for the scale check.
    scale: crate::analysis::scale::Collector,
    /// Every coding's levels and statuses, for the agreement between coders.
    agreement: crate::analysis::agreement::Collector,
    /// The validation options.
    options: &'a Options,
    /// The key of what every case page depends on besides its case ([`Pass::context`]).
    context: Option<Option<u64>>,
    /// The first rendering error; no page is rendered after it.
    failed: Option<Error>,
}

impl Pass<'_> {
    /// The key of what every case page depends on besides its case file: the binary, the
    /// templates, the rubric, the bibliography and the quotation check's folder. `None`
    /// when the binary cannot be read: then nothing is kept from an earlier run.
    fn context(&mut self, corpus: &Corpus, rubric: &crate::corpus::model::Rubric) -> Option<u64> {
        *self.context.get_or_insert_with(|| {
            let engine = engine()?;
            let rubric = corpus
                .rubrics
                .iter()
                .find(|r| r.value.key() == rubric.key())?
                .digest;
            let mut hasher = std::hash::DefaultHasher::new();
            (
                engine,
                self.templates.overrides(),
                rubric,
                corpus.bibliography_digest,
                &self.options.sources_dir,
            )
                .hash(&mut hasher);
            Some(hasher.finish())
        })
    }

    fn visit(&mut self, corpus: &Corpus, record: CaseRecord) {
        let chosen = self.rubric.get_or_insert_with(|| {
            crate::select_rubric(corpus, self.choice)
                .ok()
                .map(|r| r.key())
        });
        let Some(rubric) = chosen.as_deref().and_then(|id| corpus.rubric(id)) else {
            return;
        };
        if !record.uses(rubric) {
            return;
        }
        let score = crate::score::score_case(rubric, &record);
        if crate::analysis::trend::leaves_out(&record) {
            self.left_out
                .push((self.codings.len(), record.path.clone()));
        }
        self.release.add_record(rubric, &record);
        self.scale.add(&record);
        self.agreement.add(rubric, &record, &score);
        *self.times.entry(score.id.clone()).or_default() += 1;
        self.kept.push(Kept::of(&record));
        match record.case.kind {
            Kind::Initiative => self.initiatives.push(record.clone()),
            Kind::Effort => self.candidates.offer(corpus, rubric, &record, &score),
        }
        let key = self.context(corpus, rubric).map(|context| {
            let mut hasher = std::hash::DefaultHasher::new();
            (context, record.digest).hash(&mut hasher);
            hasher.finish()
        });
        // A page rendered before from the same inputs is kept; a case seen before (a
        // second coding) is rendered again at the end with the combined score anyway.
        let pages = [
            view::case_page(&score.id, "md"),
            view::case_page(&score.id, "html"),
        ];
        let kept = self.times.get(&score.id) == Some(&1)
            && key.is_some_and(|key| {
                pages.iter().all(|p| self.out.fresh(Path::new(p), key))
                    && pages.iter().all(|p| self.out.keep(p, key).is_ok())
            });
        if !kept && self.failed.is_none() {
            self.pending.push((score.clone(), record, key));
        }
        self.codings.push(score);
        if self.pending.len() >= BATCH {
            self.flush(corpus);
        }
        if self.codings.len().is_multiple_of(RELEASE_EVERY) {
            crate::report::memory::release();
        }
    }

    /// Renders the pending pages.
    fn flush(&mut self, corpus: &Corpus) {
        let pending = std::mem::take(&mut self.pending);
        let Some(rubric) = self
            .rubric
            .as_ref()
            .and_then(Option::as_deref)
            .and_then(|id| corpus.rubric(id))
        else {
            return;
        };
        if self.failed.is_some() || pending.is_empty() {
            return;
        }
        if let Err(error) = case_pages(
            rubric,
            &corpus.bibliography,
            self.templates,
            self.out,
            pending.par_iter().map(|(s, r, key)| (s, r, *key)),
        ) {
            self.failed = Some(error);
        }
    }
}

/// What tells this build of thirdside from another — the running binary's path, size
/// and modification time, as `make` would tell — so that pages rendered by another build
/// are rendered again; `None` when the binary cannot be found.
fn engine() -> Option<u64> {
    static ENGINE: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    *ENGINE.get_or_init(|| {
        let path = std::env::current_exe().ok()?;
        let meta = std::fs::metadata(&path).ok()?;
        let modified = meta.modified().ok()?;
        let mut hasher = std::hash::DefaultHasher::new();
        (env!("CARGO_PKG_VERSION"), &path, meta.len(), modified).hash(&mut hasher);
        Some(hasher.finish())
    })
}
