//! Rules across files: ids, references, dates, coverage of the rubric, evidence and
//! quotations. Validation turns parsed [`Inputs`] into a checked [`Corpus`] plus every
//! [`Diagnostic`] found, all at once.
//!
//! After validation nothing downstream re-checks: every case in the corpus names a
//! loaded rubric, has a status for every indicator of it (aligned in
//! [`CriterionCoding`]), and has dates that parse. Validation does not score.

use crate::corpus::date::PartialDate;
use crate::corpus::diagnostic::{Diagnostic, Severity, SourceMap};
use crate::corpus::id;
use crate::corpus::load::{Inputs, Loaded};
use crate::corpus::model::context::{self, AGREEMENT, IMPLEMENTATION, UNKNOWN};
use crate::corpus::model::rubric::{UNPINNED_VERSION, compare_versions};
use crate::corpus::model::{
    Bibliography, Case, CodedContext, Criterion, Factor, FactorReading, Results, Rubric, Rule,
    Status,
};
use crate::corpus::quote::QuoteChecker;

/// The smallest weight a criterion may have: weights count only relative to each other,
/// and bounded ones keep every total and its interval finite (never NaN or infinite).
pub const MIN_WEIGHT: f64 = 1e-6;

/// The largest weight a criterion may have (see [`MIN_WEIGHT`]).
pub const MAX_WEIGHT: f64 = 1e6;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Options that change what is checked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Folder of source texts (`<key>.txt`) to verify quotations against.
    pub sources_dir: Option<PathBuf>,
    /// A case id and the one file that stands for it: other case files with that id are
    /// left out unchecked and listed in [`Checked::replaced`] (`audit` puts the file it
    /// audits in place of the corpus's copy).
    pub replace: Option<(String, PathBuf)>,
    /// Counts the case files checked of those found, for a progress bar; validation
    /// never reads it.
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// How far [`validate_each`] is: the case files checked of those found. Updated a chunk
/// of files at a time, with relaxed atomics (a count to show, not to synchronise on).
#[derive(Debug, Default)]
pub struct Progress {
    total: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicUsize,
}

impl Progress {
    /// The case files found, once they are listed (0 before).
    pub fn total(&self) -> usize {
        self.total.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The case files checked so far.
    pub fn done(&self) -> usize {
        self.done.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn start(&self, total: usize) {
        self.total
            .store(total, std::sync::atomic::Ordering::Relaxed);
        self.done.store(0, std::sync::atomic::Ordering::Relaxed);
    }

    fn advance(&self, files: usize) {
        self.done
            .fetch_add(files, std::sync::atomic::Ordering::Relaxed);
    }
}

/// A corpus that passed validation (or the valid part of one that did not).
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    /// The bibliography (empty when none was loaded).
    pub bibliography: Bibliography,
    /// A hash of the bibliography file's text ([`crate::corpus::load::digest`]; 0 when none).
    pub bibliography_digest: u64,
    /// The rubrics.
    pub rubrics: Vec<Loaded<Rubric>>,
    /// The cases whose rubric is known, in the order read.
    pub cases: Vec<CaseRecord>,
}

impl Corpus {
    /// The rubric named `id@version`, or, for a bare `id`, the highest version of that
    /// id loaded (see [`compare_versions`]).
    pub fn rubric(&self, name: &str) -> Option<&Rubric> {
        if let Some(found) = self
            .rubrics
            .iter()
            .map(|r| &r.value)
            .find(|r| r.key() == name)
        {
            return Some(found);
        }
        self.versions(name).last().copied()
    }

    /// The loaded versions of rubric `id`, lowest first.
    pub fn versions(&self, id: &str) -> Vec<&Rubric> {
        let mut found: Vec<&Rubric> = self
            .rubrics
            .iter()
            .map(|r| &r.value)
            .filter(|r| r.id.get_ref() == id)
            .collect();
        found.sort_by(|a, b| compare_versions(&a.version, &b.version));
        found
    }

    /// The rubric (id and resolved version) `record` is coded against.
    pub fn rubric_of(&self, record: &CaseRecord) -> Option<&Rubric> {
        self.rubrics
            .iter()
            .map(|r| &r.value)
            .find(|r| record.uses(r))
    }
}

/// A case with its checked, rubric-aligned coding.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    /// The file it came from.
    pub path: PathBuf,
    /// The case as written.
    pub case: Case,
    /// Its start date.
    pub start: PartialDate,
    /// Its end date, if any.
    pub end: Option<PartialDate>,
    /// One entry per criterion of its rubric, in the rubric's order.
    pub coding: Vec<CriterionCoding>,
    /// Its context factors and results, checked.
    pub context: CodedContext,
    /// A hash of the file's text ([`crate::corpus::load::digest`]).
    pub digest: u64,
    /// The version of its rubric it is scored under: the one it pins, or the one it
    /// resolved to (see [`crate::corpus::model::case::Case::rubric_version`]).
    pub rubric_version: String,
    /// The file is a scaffold of `thirdside new` with placeholders still in it
    /// ([`crate::scaffold::placeholders`]): an effort left out of the trend.
    pub scaffold: bool,
}

impl CaseRecord {
    /// Whether the case is coded against `rubric` (its id and version both): cases
    /// of different versions of one rubric are never compared with one another.
    pub fn uses(&self, rubric: &Rubric) -> bool {
        rubric.is(self.case.rubric.get_ref(), &self.rubric_version)
    }

    /// The case id.
    pub fn id(&self) -> &str {
        self.case.id.get_ref()
    }

    /// The coder.
    pub fn coder(&self) -> &str {
        self.case.coding.coder.get_ref()
    }

    /// How many indicator observations it holds.
    pub fn observations(&self) -> usize {
        self.coding
            .iter()
            .flat_map(|c| c.statuses.iter().flatten())
            .count()
    }
}

/// The statuses of one criterion's indicators, level by level, and any override.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CriterionCoding {
    /// `statuses[level][k]` is the status of the k-th indicator of that level.
    pub statuses: Vec<Vec<Status>>,
    /// An override, checked.
    pub overridden: Option<OverrideCoding>,
}

/// A checked override: the coder's level, the interval the coder gives (if any) and
/// the justification.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideCoding {
    /// The level the coder assigns.
    pub level: usize,
    /// The lowest level the coder holds possible, if given.
    pub lower: Option<usize>,
    /// The highest level the coder holds possible, if given.
    pub upper: Option<usize>,
    /// Why.
    pub justification: String,
}

/// The outcome of validation.
#[derive(Debug)]
pub struct Checked {
    /// The valid part of the input.
    pub corpus: Corpus,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of every file, for rendering diagnostics.
    pub sources: SourceMap,
    /// How many files were read.
    pub files: usize,
    /// How many cases passed (also those handed to a visitor and not kept).
    pub valid_cases: usize,
    /// The case files left out for [`Options::replace`].
    pub replaced: Vec<PathBuf>,
}

impl Checked {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Every diagnostic rendered, then a summary line.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&self.sources.render(d));
            out.push('\n');
        }
        let files_with_errors: BTreeSet<&Path> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.path.as_path())
            .collect();
        // "in 0 of 8 files" reads oddly: the count of files with errors only when some have.
        let files = match files_with_errors.len() {
            0 => plural(self.files, "file"),
            n => format!("{n} of {}", plural(self.files, "file")),
        };
        out.push_str(&format!(
            "{}, {} in {files}; checked {} and {}\n",
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning"),
            plural(self.corpus.rubrics.len(), "rubric"),
            plural(self.valid_cases, "valid case"),
        ));
        out
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Validates everything read, collecting every problem.
pub fn validate(inputs: Inputs, options: &Options) -> Checked {
    let Inputs {
        sources,
        bibliographies,
        rubrics,
        cases,
        diagnostics,
        files,
        repaired,
        tainted,
    } = inputs;
    let mut session = Session::new(bibliographies, rubrics, diagnostics, sources, options);
    session.files = files;
    session.tainted.extend(tainted);
    for loaded in repaired {
        session.repaired(loaded);
    }
    let mut kept = Vec::new();
    for loaded in cases {
        if session.replaced(&loaded.value, &loaded.path) {
            continue;
        }
        let text = session
            .sources
            .text(&loaded.path)
            .unwrap_or_default()
            .to_string();
        if let Some(record) = session.case(loaded, &text) {
            kept.push(record);
        }
    }
    session.finish(kept)
}

/// Reads and validates the files under `paths` like [`crate::load()`], but hands every
/// valid case to `visit` as soon as it is checked instead of keeping it, so memory
/// does not grow with the number of cases: a file's text is kept only when it has a
/// diagnostic to show. Case files are read and parsed in parallel, a chunk at a time,
/// and checked in path order, so the diagnostics are those of [`crate::load()`].
///
/// The returned [`Checked`] has no cases; `visit` receives the rubrics and the
/// bibliography in the [`Corpus`] it is given.
pub fn validate_each(
    paths: &[PathBuf],
    options: &Options,
    mut visit: impl FnMut(&Corpus, CaseRecord) + Send,
) -> Result<Checked, crate::error::Error> {
    use rayon::prelude::*;
    /// Files parsed in parallel before their cases are checked in order: enough to keep
    /// both cores busy, few enough that their texts take little memory.
    const CHUNK: usize = 64;
    let files = crate::corpus::load::files(paths)?;
    let (case_files, other_files): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|p| crate::corpus::load::FileKind::of(p) == crate::corpus::load::FileKind::Case);
    let mut inputs = Inputs::default();
    for path in &other_files {
        inputs.add_file(path)?;
    }
    let Inputs {
        sources,
        bibliographies,
        rubrics,
        diagnostics,
        files,
        tainted,
        ..
    } = inputs;
    let mut session = Session::new(bibliographies, rubrics, diagnostics, sources, options);
    session.files = files;
    session.tainted.extend(tainted);
    // The source texts a chunk quotes are read with the chunk, ahead of its checking,
    // beside the checking of the chunk before it.
    let texts = session.validator.quotes.texts();
    let parse =
        |chunk: &[PathBuf]| -> Vec<Result<crate::corpus::load::Parsed<Case>, crate::error::Error>> {
            let parsed: Vec<_> = chunk
                .par_iter()
                .map(|path| crate::corpus::load::parse_file::<Case>(path))
                .collect();
            if let Some(texts) = &texts {
                let quoted: std::collections::BTreeSet<&str> = parsed
                    .iter()
                    .filter_map(|file| file.as_ref().ok()?.value.as_ref().ok())
                    .flat_map(|case| &case.evidence)
                    .filter(|evidence| evidence.quote.is_some())
                    .map(|evidence| evidence.source.get_ref().as_str())
                    .collect();
                texts.prefetch(quoted);
            }
            parsed
        };
    // Checking is sequential (cases are checked in order against those before them):
    // while one chunk is checked, the next is parsed on the other threads.
    let progress = options.progress.as_deref();
    if let Some(progress) = progress {
        progress.start(case_files.len());
    }
    let mut chunks = case_files.chunks(CHUNK);
    let mut next = chunks.next().map(parse).unwrap_or_default();
    while !next.is_empty() {
        let current = std::mem::take(&mut next);
        let files = current.len();
        let following = chunks.next();
        let (parsed, checked) = rayon::join(
            || following.map(parse).unwrap_or_default(),
            || session.check_chunk(current, &mut visit),
        );
        checked?;
        if let Some(progress) = progress {
            progress.advance(files);
        }
        next = parsed;
    }
    Ok(session.finish(Vec::new()))
}

/// What validation knows across cases: the checked rubrics and bibliography, and the
/// cases seen so far.
struct Session {
    validator: Validator,
    bibliography: Option<Loaded<Bibliography>>,
    corpus: Corpus,
    seen: Seen,
    sources: SourceMap,
    files: usize,
    valid_cases: usize,
    /// [`Options::replace`].
    replace: Option<(String, PathBuf)>,
    /// The files it left out.
    replaced: Vec<PathBuf>,
    /// Spans of repaired files where validation's problems may follow from a repair
    /// ([`crate::corpus::load::Unparsed::tainted`]).
    tainted: HashSet<(PathBuf, std::ops::Range<usize>)>,
}

/// Cases seen so far: (id, coder) → file, and id → rubric.
#[derive(Default)]
struct Seen {
    cases: HashMap<(String, String), PathBuf>,
    /// Case id → the file of its adjudicated coding.
    adjudicated: HashMap<String, PathBuf>,
    rubrics: HashMap<String, String>,
}

impl Session {
    /// Checks the bibliography and rubrics; cases come one at a time after.
    fn new(
        bibliographies: Vec<Loaded<Bibliography>>,
        rubrics: Vec<Loaded<Rubric>>,
        diagnostics: Vec<Diagnostic>,
        sources: SourceMap,
        options: &Options,
    ) -> Session {
        // A file that could not be read stands behind every problem that its absence
        // causes: those are shown as one count on its first error.
        let broken = |kind| {
            diagnostics
                .iter()
                .find(|d| {
                    d.severity == Severity::Error
                        && crate::corpus::load::FileKind::of(&d.path) == kind
                })
                .map(|d| d.path.clone())
        };
        let broken_bibliography = broken(crate::corpus::load::FileKind::Bibliography);
        let broken_rubric = broken(crate::corpus::load::FileKind::Rubric);
        let mut validator = Validator {
            diagnostics,
            quotes: QuoteChecker::new(options.sources_dir.clone()),
            broken_bibliography,
            broken_rubric,
        };
        let bibliography = validator.bibliography(bibliographies);
        let rubrics = validator.rubrics(rubrics, &bibliography);
        Session {
            validator,
            corpus: Corpus {
                bibliography: bibliography
                    .as_ref()
                    .map(|b| b.value.clone())
                    .unwrap_or_default(),
                bibliography_digest: bibliography.as_ref().map_or(0, |b| b.digest),
                rubrics,
                cases: Vec::new(),
            },
            bibliography,
            seen: Seen::default(),
            sources,
            files: 0,
            valid_cases: 0,
            replace: options.replace.clone(),
            replaced: Vec::new(),
            tainted: HashSet::new(),
        }
    }

    /// Checks parsed case files in order, handing each valid case to `visit`; keeps a
    /// file's text only when it has a diagnostic.
    fn check_chunk(
        &mut self,
        parsed: Vec<Result<crate::corpus::load::Parsed<Case>, crate::error::Error>>,
        visit: &mut impl FnMut(&Corpus, CaseRecord),
    ) -> Result<(), crate::error::Error> {
        for file in parsed {
            let file = file?;
            self.files += 1;
            let before = self.validator.diagnostics.len();
            match file.value {
                Ok(case) if self.replaced(&case, &file.path) => {}
                Ok(case) => {
                    let loaded = Loaded {
                        path: file.path.clone(),
                        value: case,
                        digest: crate::corpus::load::digest(&file.text),
                    };
                    if let Some(record) = self.case(loaded, &file.text) {
                        visit(&self.corpus, record);
                    }
                }
                Err(unparsed) => {
                    self.validator.diagnostics.extend(unparsed.problems);
                    self.tainted
                        .extend(unparsed.tainted.into_iter().map(|s| (file.path.clone(), s)));
                    if let Some(case) = unparsed.repaired {
                        self.repaired(Loaded {
                            path: file.path.clone(),
                            value: case,
                            digest: 0,
                        });
                    }
                }
            }
            if self.validator.diagnostics.len() > before {
                self.sources.insert(&file.path, file.text);
            }
        }
        Ok(())
    }

    /// True, and noted, when `case` at `path` is left out for [`Options::replace`].
    fn replaced(&mut self, case: &Case, path: &Path) -> bool {
        let out = self
            .replace
            .as_ref()
            .is_some_and(|(id, kept)| case.id.get_ref() == id && path != kept);
        if out {
            self.replaced.push(path.to_path_buf());
        }
        out
    }

    /// Checks a case file repaired after parse problems for problems of its own; it
    /// is neither kept nor counted valid.
    fn repaired(&mut self, loaded: Loaded<Case>) {
        if self.replaced(&loaded.value, &loaded.path) {
            return;
        }
        let _ = self.validator.case(
            loaded,
            &self.corpus,
            self.bibliography.as_ref(),
            &mut self.seen,
        );
    }

    fn case(&mut self, loaded: Loaded<Case>, text: &str) -> Option<CaseRecord> {
        let path = loaded.path.clone();
        let effort = loaded.value.kind == crate::corpus::model::Kind::Effort;
        let id_span = loaded.value.id.span();
        let mut record = self.validator.case(
            loaded,
            &self.corpus,
            self.bibliography.as_ref(),
            &mut self.seen,
        );
        // Placeholders are warnings: the file is valid, but not yet coded.
        let placeholders = crate::scaffold::placeholders(text);
        for p in &placeholders {
            self.validator.diagnostics.push(
                Diagnostic::warning(&path, Some(p.span.clone()), p.message.clone())
                    .with_help(p.help),
            );
        }
        if let Some(record) = &mut record {
            record.scaffold = !placeholders.is_empty() && crate::scaffold::is_scaffold(text);
            if record.scaffold && effort {
                self.validator.diagnostics.push(
                    Diagnostic::warning(
                        &path,
                        Some(id_span),
                        format!(
                            "`{}` is a scaffolded effort with {} placeholders left: the trend leaves it out until they are replaced",
                            record.id(),
                            placeholders.len()
                        ),
                    )
                    .with_help("replace every EDIT placeholder (see the warnings of this file)"),
                );
            }
        }
        self.valid_cases += usize::from(record.is_some());
        record
    }

    /// The outcome, with `cases` as the corpus's cases.
    fn finish(self, cases: Vec<CaseRecord>) -> Checked {
        // A problem at a repair's placeholder follows from a parse problem already
        // reported: the root cause is reported once.
        let tainted = &self.tainted;
        let mut diagnostics: Vec<Diagnostic> = self
            .validator
            .diagnostics
            .into_iter()
            .filter(|d| {
                !d.span.as_ref().is_some_and(|s| {
                    crate::corpus::recover::is_synthetic(s)
                        || tainted.contains(&(d.path.clone(), s.clone()))
                })
            })
            .collect();
        diagnostics.sort_by(|a, b| {
            (&a.path, a.span.as_ref().map(|s| s.start), a.severity).cmp(&(
                &b.path,
                b.span.as_ref().map(|s| s.start),
                b.severity,
            ))
        });
        let diagnostics = crate::corpus::diagnostic::collapse(diagnostics);
        Checked {
            valid_cases: self.valid_cases,
            corpus: Corpus {
                cases,
                ..self.corpus
            },
            diagnostics,
            sources: self.sources,
            files: self.files,
            replaced: self.replaced,
        }
    }
}

struct Validator {
    diagnostics: Vec<Diagnostic>,
    quotes: QuoteChecker,
    /// A bibliography file that could not be read, if any.
    broken_bibliography: Option<PathBuf>,
    /// A rubric file that could not be read, if any.
    broken_rubric: Option<PathBuf>,
}

impl Validator {
    fn error<T>(&mut self, path: &Path, at: &Spanned<T>, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(path, Some(at.span()), message));
    }

    /// Warns of each met indicator that a cumulative criterion leaves uncounted because
    /// an unknown or unmet indicator of a lower level stops the rule below it.
    fn warn_blocked(
        &mut self,
        path: &Path,
        criterion: &Criterion,
        observed: Option<
            &std::collections::BTreeMap<Spanned<String>, crate::corpus::model::Observation>,
        >,
        statuses: &[Vec<Status>],
    ) {
        let Some(observed) = observed else { return };
        let levels = criterion.levels.get_ref();
        let stop = statuses.iter().enumerate().skip(1).find_map(|(n, row)| {
            let k = row
                .iter()
                .position(|s| matches!(s, Status::Unknown | Status::Unmet))?;
            Some((n, k, row[k]))
        });
        let Some((stop_level, stop_index, stop_status)) = stop else {
            return;
        };
        let Some(blocker) = levels
            .get(stop_level)
            .and_then(|l| l.indicators.get(stop_index))
        else {
            return;
        };
        for (n, row) in statuses.iter().enumerate().skip(stop_level + 1) {
            for (k, status) in row.iter().enumerate() {
                let Some(indicator) = levels.get(n).and_then(|l| l.indicators.get(k)) else {
                    continue;
                };
                // Keys are ordered by their text, so a binary search finds the one
                // spelled like the indicator.
                let key = observed
                    .get_key_value(indicator.id.get_ref().as_str())
                    .map(|(key, _)| key);
                if *status != Status::Met {
                    continue;
                }
                let Some(key) = key else { continue };
                self.diagnostics.push(
                    Diagnostic::warning(
                        path,
                        Some(key.span()),
                        format!(
                            "`{}` (level {n} of `{}`) is met but not counted: the cumulative rule stops at level {} because `{}` (level {stop_level}) is {}",
                            indicator.id.get_ref(),
                            criterion.id.get_ref(),
                            stop_level - 1,
                            blocker.id.get_ref(),
                            stop_status.as_str(),
                        ),
                    )
                    .with_help(format!(
                        "find out whether `{}` holds (the level is an interval until then), or, if the literature does not order these levels, give `{}` rule = \"highest\" or \"count\" in the rubric",
                        blocker.id.get_ref(),
                        criterion.id.get_ref()
                    )),
                );
            }
        }
    }

    fn help(&mut self, help: impl Into<String>) {
        if let Some(last) = self.diagnostics.last_mut() {
            last.help = Some(help.into());
        }
    }

    fn check_id(&mut self, path: &Path, what: &str, value: &Spanned<String>) -> bool {
        match id::problem(value.get_ref()) {
            None => true,
            Some(problem) => {
                let message = if value.get_ref().is_empty() {
                    format!("{what}: {problem}")
                } else {
                    format!("{what} `{}`: {problem}", value.get_ref())
                };
                self.error(path, value, message);
                self.help(id::HELP);
                false
            }
        }
    }

    fn check_source(
        &mut self,
        path: &Path,
        bibliography: Option<&Loaded<Bibliography>>,
        key: &Spanned<String>,
    ) {
        let known = bibliography.is_some_and(|b| b.value.contains(key.get_ref()));
        if !known {
            self.error(
                path,
                key,
                format!("source `{}` is not in the bibliography", key.get_ref()),
            );
            match bibliography {
                Some(b) => {
                    let near = nearest(
                        key.get_ref(),
                        b.value.works.keys().map(|k| k.get_ref().as_str()),
                    );
                    // Advice never points into the built-in corpus, which no one can edit.
                    let file = if crate::corpus::embedded::is_embedded(&b.path) {
                        "a bibliography.toml beside the case file (it adds to the built-in bibliography)".to_string()
                    } else {
                        b.path.display().to_string()
                    };
                    let help = match near {
                        Some(n) => format!(
                            "did you mean `{n}`? otherwise add `[{}]` to {file}",
                            key.get_ref(),
                        ),
                        None => format!("add `[{}]` to {file}", key.get_ref()),
                    };
                    self.help(help);
                }
                None => match self.broken_bibliography.clone() {
                    Some(broken) => {
                        self.help(format!("fix the errors of {} first", broken.display()));
                        if let Some(last) = self.diagnostics.last_mut() {
                            last.cause = Some(broken.into());
                        }
                    }
                    None => self.help(
                        "no bibliography was found among the inputs: add rubrics/bibliography.toml",
                    ),
                },
            }
        }
    }

    fn bibliography(
        &mut self,
        bibliographies: Vec<Loaded<Bibliography>>,
    ) -> Option<Loaded<Bibliography>> {
        // The user's own bibliography beside a case file checked against the built-in
        // corpus adds to the built-in one: its works first, then the built-in works it
        // lacks, under the user's file (the one the user can edit).
        let (embedded, own): (Vec<_>, Vec<_>) = bibliographies
            .into_iter()
            .partition(|b| crate::corpus::embedded::is_embedded(&b.path));
        let mut embedded = embedded.into_iter();
        let mut iter = own.into_iter();
        let first = match iter.next() {
            Some(own) => {
                if let Some(built_in) = embedded.next() {
                    let mut works = own.value.works.clone();
                    for (key, work) in built_in.value.works {
                        works.entry(key).or_insert(work);
                    }
                    let mut merged = own;
                    merged.value = Bibliography::default();
                    merged.value.works = works;
                    merged.digest ^= built_in.digest.rotate_left(1);
                    merged
                } else {
                    own
                }
            }
            None => embedded.next()?,
        };
        let iter = iter.chain(embedded);
        for extra in iter {
            self.diagnostics.push(
                Diagnostic::error(
                    &extra.path,
                    None,
                    format!(
                        "a second bibliography; {} is already the bibliography",
                        first.path.display()
                    ),
                )
                .with_help("merge the two files into one bibliography.toml"),
            );
        }
        let path = first.path.clone();
        for (key, work) in &first.value.works {
            self.check_id(&path, "bibliography key", key);
            let year = *work.year.get_ref();
            if !(1000..=2100).contains(&year) {
                self.error(&path, &work.year, format!("year {year} is out of range"));
                self.help("use the year of publication, between 1000 and 2100");
            }
            if work.authors.iter().all(|a| a.trim().is_empty()) {
                self.error(&path, key, format!("`{}` has no authors", key.get_ref()));
                self.help("give at least one author or the publishing organisation");
            }
            if let Some(url) = &work.url {
                let u = url.get_ref();
                if !(u.starts_with("https://") || u.starts_with("http://")) {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            &path,
                            Some(url.span()),
                            format!("url `{u}` is not http or https, so reports will not link it"),
                        )
                        .with_help("give an http:// or https:// address, or remove the url"),
                    );
                }
            }
        }
        Some(first)
    }

    fn rubrics(
        &mut self,
        rubrics: Vec<Loaded<Rubric>>,
        bibliography: &Option<Loaded<Bibliography>>,
    ) -> Vec<Loaded<Rubric>> {
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        let mut kept = Vec::new();
        for loaded in rubrics {
            let path = loaded.path.clone();
            let rubric = &loaded.value;
            let mut ok = self.check_id(&path, "rubric id", &rubric.id);
            if let Some(first) = seen.get(&rubric.key()) {
                let first = first.display().to_string();
                self.error(
                    &path,
                    &rubric.id,
                    format!(
                        "rubric id `{}` in version `{}` is already defined by {first}",
                        rubric.id.get_ref(),
                        rubric.version
                    ),
                );
                self.help(
                    "give each rubric its own id, or each version of one rubric its own `version`",
                );
                ok = false;
            }
            seen.insert(rubric.key(), path.clone());
            for key in &rubric.sources {
                self.check_source(&path, bibliography.as_ref(), key);
            }
            if rubric.criteria.get_ref().is_empty() {
                self.error(&path, &rubric.criteria, "the rubric has no criteria");
                self.help("add at least one [[criteria]] table");
                ok = false;
            }
            let mut criterion_ids = HashSet::new();
            for criterion in rubric.criteria.get_ref() {
                ok &= self.check_id(&path, "criterion id", &criterion.id);
                if !criterion_ids.insert(criterion.id.get_ref().as_str()) {
                    self.error(
                        &path,
                        &criterion.id,
                        format!("criterion `{}` is defined twice", criterion.id.get_ref()),
                    );
                    self.help("give each criterion its own id");
                    ok = false;
                }
                let weight = *criterion.weight.get_ref();
                if !(weight.is_finite() && (MIN_WEIGHT..=MAX_WEIGHT).contains(&weight)) {
                    // Huge and tiny numbers as 1e308, not three hundred digits.
                    let weight = if weight.is_finite()
                        && weight != 0.0
                        && !(1e-4..1e7).contains(&weight.abs())
                    {
                        format!("{weight:e}")
                    } else {
                        weight.to_string()
                    };
                    self.error(
                        &path,
                        &criterion.weight,
                        format!(
                            "weight {weight} of `{}` is not a number from {MIN_WEIGHT} to {MAX_WEIGHT}",
                            criterion.id.get_ref()
                        ),
                    );
                    self.help("use a number of ordinary size above 0, such as 1.0: weights count only relative to each other, and extreme ones would make totals overflow (NaN)");
                    ok = false;
                }
                for key in &criterion.sources {
                    self.check_source(&path, bibliography.as_ref(), key);
                }
                let levels = criterion.levels.get_ref();
                if levels.len() < 2 {
                    self.error(
                        &path,
                        &criterion.levels,
                        format!(
                            "criterion `{}` has {} level(s); a scale needs at least 2",
                            criterion.id.get_ref(),
                            levels.len()
                        ),
                    );
                    self.help("add [[criteria.levels]] tables, lowest first");
                    ok = false;
                }
                let mut indicator_ids = HashSet::new();
                for (n, level) in levels.iter().enumerate() {
                    if n == 0 {
                        if let Some(first) = level.indicators.first() {
                            self.error(&path, &first.id, format!("level 0 (`{}`) of `{}` has indicators; level 0 is the floor and is always reached", level.label, criterion.id.get_ref()));
                            self.help("move the indicators to level 1 or above");
                            ok = false;
                        }
                    } else if level.indicators.is_empty() {
                        self.error(&path, &criterion.levels, format!("level {n} (`{}`) of `{}` has no indicators, so nothing can decide it", level.label, criterion.id.get_ref()));
                        self.help("add at least one [[criteria.levels.indicators]] to the level");
                        ok = false;
                    }
                    for indicator in &level.indicators {
                        ok &= self.check_id(&path, "indicator id", &indicator.id);
                        if !indicator_ids.insert(indicator.id.get_ref().as_str()) {
                            self.error(
                                &path,
                                &indicator.id,
                                format!(
                                    "indicator `{}` appears twice in `{}`",
                                    indicator.id.get_ref(),
                                    criterion.id.get_ref()
                                ),
                            );
                            self.help("give each indicator of a criterion its own id");
                            ok = false;
                        }
                    }
                }
            }
            if ok {
                kept.push(loaded);
            }
        }
        kept
    }

    /// The rubric a case is coded against: its id in the version it pins, or, unpinned,
    /// the only loaded version of that id, or [`UNPINNED_VERSION`] (with a warning) when
    /// several are loaded. `None`, with an error, when there is no such rubric.
    fn resolve_rubric<'r>(
        &mut self,
        path: &Path,
        case: &Case,
        corpus: &'r Corpus,
    ) -> Option<&'r Rubric> {
        let id = case.rubric.get_ref();
        let versions: Vec<&Rubric> = corpus.versions(id);
        if versions.is_empty() {
            self.error(
                path,
                &case.rubric,
                format!("rubric `{id}` is not among the inputs"),
            );
            let near = nearest(
                id,
                corpus.rubrics.iter().map(|r| r.value.id.get_ref().as_str()),
            );
            self.help(match near {
                Some(n) => format!("did you mean `{n}`?"),
                None => {
                    "check the rubric id, and that rubrics/ is among the paths checked".to_string()
                }
            });
            // A rubric file that does not parse is the root cause: say so, once.
            if let (None, Some(broken)) = (near, self.broken_rubric.clone())
                && let Some(last) = self.diagnostics.last_mut()
            {
                last.help = Some(format!("fix the errors of {} first", broken.display()));
                last.cause = Some(broken.into());
            }
            return None;
        }
        let listed = || {
            versions
                .iter()
                .map(|r| r.version.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &case.rubric_version {
            Some(pinned) => {
                let found = versions.iter().find(|r| r.version == *pinned.get_ref());
                if found.is_none() {
                    self.error(
                        path,
                        pinned,
                        format!(
                            "rubric `{id}` is not loaded in version `{}` (loaded: {})",
                            pinned.get_ref(),
                            listed()
                        ),
                    );
                    self.help(format!(
                        "pin one of the loaded versions ({}), or add the rubric file of version `{}` to the paths checked",
                        listed(),
                        pinned.get_ref()
                    ));
                }
                found.copied()
            }
            None => match versions.as_slice() {
                [only] => Some(*only),
                _ => {
                    let found = versions.iter().find(|r| r.version == UNPINNED_VERSION);
                    match found {
                        Some(_) => self.diagnostics.push(
                            Diagnostic::warning(
                                path,
                                Some(case.rubric.span()),
                                format!(
                                    "the case does not pin `rubric_version` and rubric `{id}` is loaded in several versions ({}): it is scored under {UNPINNED_VERSION} and compared only with cases of {UNPINNED_VERSION}",
                                    listed()
                                ),
                            )
                            .with_help(format!(
                                "add `rubric_version = \"{UNPINNED_VERSION}\"` after `rubric` if the case was coded against {UNPINNED_VERSION} (score it with --rubric {id}@{UNPINNED_VERSION}), or recode it against another version and pin that one"
                            )),
                        ),
                        None => {
                            self.error(
                                path,
                                &case.rubric,
                                format!(
                                    "rubric `{id}` is loaded in several versions ({}) and the case does not pin one",
                                    listed()
                                ),
                            );
                            self.help(format!(
                                "add `rubric_version = \"…\"` after `rubric`, naming the version the case was coded against ({})",
                                listed()
                            ));
                        }
                    }
                    found.copied()
                }
            },
        }
    }

    /// Checks one case against the rubrics, the bibliography and the cases checked
    /// before it; the case when it has no error.
    fn case(
        &mut self,
        loaded: Loaded<Case>,
        corpus: &Corpus,
        bibliography: Option<&Loaded<Bibliography>>,
        seen: &mut Seen,
    ) -> Option<CaseRecord> {
        let seen_cases = &mut seen.cases;
        let first_rubric = &mut seen.rubrics;
        {
            let Loaded {
                path,
                value: case,
                digest,
            } = loaded;
            let diagnostics_before = self.diagnostics.len();
            self.check_id(&path, "case id", &case.id);
            let key = (
                case.id.get_ref().clone(),
                case.coding.coder.get_ref().trim().to_string(),
            );
            if let Some(first) = seen_cases.get(&key) {
                let first = first.display().to_string();
                self.error(
                    &path,
                    &case.id,
                    format!(
                        "case `{}` coded by `{}` is already defined in {first}",
                        key.0, key.1
                    ),
                );
                self.help("give the case its own id, or, for a second coding of the same case, a different coding.coder");
            } else {
                seen_cases.insert(key, path.clone());
            }
            if case.coding.adjudicated {
                if let Some(first) = seen.adjudicated.get(case.id.get_ref()) {
                    let first = first.display().to_string();
                    self.error(
                        &path,
                        &case.coding.coder,
                        format!(
                            "case `{}` has a second adjudicated coding (the first is in {first})",
                            case.id.get_ref()
                        ),
                    );
                    self.help(
                        "mark only the coding that reconciles the others `adjudicated = true`",
                    );
                } else {
                    seen.adjudicated
                        .insert(case.id.get_ref().clone(), path.clone());
                }
            }
            if case.coding.coder.get_ref().trim().is_empty() {
                self.error(&path, &case.coding.coder, "the coder is empty");
                self.help("name who coded the case");
            }
            let start = self.date(&path, &case.start);
            let end = case
                .end
                .as_ref()
                .and_then(|e| self.date(&path, e).map(|d| (e, d)));
            if let (Some(start), Some((end_span, end))) = (start, end)
                && end.certainly_before(&start)
            {
                self.error(
                    &path,
                    end_span,
                    format!("the case ends ({end}) before it starts ({start})"),
                );
                self.help("check both dates; end must not be before start");
            }
            self.date(&path, &case.coding.date);
            let end = end.map(|(_, d)| d);

            // Evidence.
            let mut evidence_ids = HashSet::new();
            for evidence in &case.evidence {
                self.check_id(&path, "evidence id", &evidence.id);
                if !evidence_ids.insert(evidence.id.get_ref().as_str()) {
                    self.error(
                        &path,
                        &evidence.id,
                        format!("evidence id `{}` is used twice", evidence.id.get_ref()),
                    );
                    self.help("give each evidence record its own id");
                }
                self.check_source(&path, bibliography, &evidence.source);
                if let Some(date) = &evidence.date {
                    self.date(&path, date);
                }
                if evidence.claim.trim().is_empty() {
                    self.error(
                        &path,
                        &evidence.id,
                        format!("evidence `{}` has an empty claim", evidence.id.get_ref()),
                    );
                    self.help("say in your own words what the evidence shows");
                }
                if let Some(quote) = &evidence.quote
                    && let Err(message) = self
                        .quotes
                        .check(evidence.source.get_ref(), quote.get_ref())
                {
                    self.error(&path, quote, message);
                    self.help("copy the quotation exactly from the source, or remove it and paraphrase in the claim");
                }
            }
            let mut cited: HashSet<&str> = HashSet::new();
            if let Some(context) = &case.context {
                for e in &context.evidence {
                    self.check_reference(&path, &evidence_ids, e);
                    cited.insert(e.get_ref());
                }
            }
            let context = self.coded_context(&path, &case, &evidence_ids, &mut cited);

            // Rubric and observations.
            let rubric = self.resolve_rubric(&path, &case, corpus)?;
            let rubric_version = &rubric.version;
            match first_rubric.get(case.id.get_ref()) {
                Some(r) if *r != rubric.key() => {
                    self.error(
                        &path,
                        &case.rubric,
                        format!(
                            "another coding of `{}` uses rubric `{r}`",
                            case.id.get_ref()
                        ),
                    );
                    self.help("every coding of a case must use the same rubric");
                }
                _ => {
                    first_rubric.insert(case.id.get_ref().clone(), rubric.key());
                }
            }
            for (criterion_key, observed) in &case.observations {
                let Some(criterion) = rubric
                    .criteria
                    .get_ref()
                    .iter()
                    .find(|c| c.id.get_ref() == criterion_key.get_ref())
                else {
                    let names = rubric
                        .criteria
                        .get_ref()
                        .iter()
                        .map(|c| c.id.get_ref().as_str());
                    let near = nearest(criterion_key.get_ref(), names);
                    self.error(
                        &path,
                        criterion_key,
                        format!(
                            "rubric `{}` has no criterion `{}`",
                            rubric.id.get_ref(),
                            criterion_key.get_ref()
                        ),
                    );
                    self.help(match near {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => "remove the observations or fix the criterion id".to_string(),
                    });
                    continue;
                };
                // The criterion's indicator ids, once: a lookup each, not a search.
                let indicator_ids: HashSet<&str> = criterion
                    .indicators()
                    .map(|(_, i)| i.id.get_ref().as_str())
                    .collect();
                for (indicator_key, observation) in observed {
                    if !indicator_ids.contains(indicator_key.get_ref().as_str()) {
                        let names = criterion.indicators().map(|(_, i)| i.id.get_ref().as_str());
                        let near = nearest(indicator_key.get_ref(), names);
                        self.error(
                            &path,
                            indicator_key,
                            format!(
                                "criterion `{}` has no indicator `{}`",
                                criterion.id.get_ref(),
                                indicator_key.get_ref()
                            ),
                        );
                        self.help(match near {
                            Some(n) => format!("did you mean `{n}`?"),
                            None => "remove the observation or fix the indicator id".to_string(),
                        });
                    }
                    if observation.status == Status::NotApplicable
                        && observation
                            .note
                            .as_deref()
                            .is_none_or(|n| n.trim().is_empty())
                    {
                        self.error(
                            &path,
                            indicator_key,
                            format!(
                                "`{}` is marked not-applicable without a note",
                                indicator_key.get_ref()
                            ),
                        );
                        self.help("add note = \"...\" saying why the indicator cannot apply to this case (a proposal that never ran, say), or mark it unknown");
                    }
                    if observation.status == Status::Met && observation.evidence.is_empty() {
                        self.error(
                            &path,
                            indicator_key,
                            format!(
                                "`{}` is marked met but cites no evidence",
                                indicator_key.get_ref()
                            ),
                        );
                        self.help("add evidence = [\"<id>\"] naming the record that shows it, or mark it unknown");
                    }
                    for e in &observation.evidence {
                        self.check_reference(&path, &evidence_ids, e);
                        cited.insert(e.get_ref());
                    }
                }
            }
            let mut coding = Vec::new();
            for criterion in rubric.criteria.get_ref() {
                let observed = case.observations.get(criterion.id.get_ref().as_str());
                let mut statuses = Vec::new();
                let mut missing = Vec::new();
                for level in criterion.levels.get_ref() {
                    let mut row = Vec::new();
                    for indicator in &level.indicators {
                        let status = observed
                            .and_then(|o| o.get(indicator.id.get_ref().as_str()))
                            .map(|o| o.status);
                        if status.is_none() {
                            missing.push(indicator.id.get_ref().as_str());
                        }
                        row.push(status.unwrap_or(Status::Unknown));
                    }
                    statuses.push(row);
                }
                if !missing.is_empty() {
                    let at = case
                        .observations
                        .keys()
                        .find(|k| k.get_ref() == criterion.id.get_ref())
                        .map(|k| k.span())
                        .unwrap_or_else(|| case.id.span());
                    self.diagnostics.push(
                        Diagnostic::error(&path, Some(at), format!(
                            "criterion `{}`: no observation for indicator{} {}",
                            criterion.id.get_ref(),
                            if missing.len() == 1 { "" } else { "s" },
                            missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                        ))
                        .with_help(format!(
                            "add `{} = {{ status = \"unknown\" }}` (or met/unmet) under [observations.{}]; an omission is never counted as unmet",
                            missing[0],
                            criterion.id.get_ref()
                        )),
                    );
                }
                let overridden = case
                    .overrides
                    .iter()
                    .find(|(k, _)| k.get_ref() == criterion.id.get_ref())
                    .and_then(|(_, o)| {
                        let level = *o.level.get_ref();
                        let top = criterion.top_level() as i64;
                        let id = criterion.id.get_ref();
                        let mut good = true;
                        if !(0..=top).contains(&level) {
                            self.error(&path, &o.level, format!("override level {level} is not on the scale of `{id}` (0 to {top})"));
                            self.help(format!("use a level between 0 and {top}"));
                            good = false;
                        }
                        if o.justification.get_ref().trim().is_empty() {
                            self.error(&path, &o.justification, format!("the override of `{id}` has no justification"));
                            self.help("say why the derived level is wrong; every output shows it");
                            good = false;
                        }
                        let mut bound = |b: &Option<Spanned<i64>>, name: &str, ok: fn(i64, i64) -> bool| {
                            let b = b.as_ref()?;
                            let v = *b.get_ref();
                            if !(0..=top).contains(&v) || !ok(v, level) {
                                self.error(&path, b, format!("the override's {name} {v} of `{id}` must lie between 0 and {top} and on the {} side of its level {level}", if name == "lower" { "lower" } else { "upper" }));
                                self.help(format!("give a {name} level between 0 and {top} that holds the override's level, or leave it out to keep the interval the unknowns leave"));
                                good = false;
                                return None;
                            }
                            Some(v as usize)
                        };
                        let lower = bound(&o.lower, "lower", |v, l| v <= l);
                        let upper = bound(&o.upper, "upper", |v, l| v >= l);
                        good.then(|| OverrideCoding {
                            level: level as usize,
                            lower,
                            upper,
                            justification: o.justification.get_ref().trim().to_string(),
                        })
                    });
                if criterion.rule == Rule::Cumulative {
                    self.warn_blocked(&path, criterion, observed, &statuses);
                }
                coding.push(CriterionCoding {
                    statuses,
                    overridden,
                });
            }
            for key in case.overrides.keys() {
                if !rubric
                    .criteria
                    .get_ref()
                    .iter()
                    .any(|c| c.id.get_ref() == key.get_ref())
                {
                    self.error(
                        &path,
                        key,
                        format!(
                            "override of `{}`, which rubric `{}` does not have",
                            key.get_ref(),
                            rubric.id.get_ref()
                        ),
                    );
                    self.help("remove the override or fix the criterion id");
                }
            }
            for evidence in &case.evidence {
                if !cited.contains(evidence.id.get_ref().as_str()) {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            &path,
                            Some(evidence.id.span()),
                            format!(
                                "evidence `{}` is not cited by any observation or the context",
                                evidence.id.get_ref()
                            ),
                        )
                        .with_help("cite it where it is relevant, or remove it"),
                    );
                }
            }
            let errors = self.diagnostics[diagnostics_before..]
                .iter()
                .any(|d| d.severity == Severity::Error);
            match start {
                Some(start) if !errors => Some(CaseRecord {
                    path,
                    case,
                    start,
                    end,
                    coding,
                    context,
                    digest,
                    rubric_version: rubric_version.clone(),
                    scaffold: false,
                }),
                _ => None,
            }
        }
    }

    /// Checks a case's `[[context.factors]]` and `[results]`: known factors, each at most
    /// once, readings on their scales, evidence that exists (required unless the reading
    /// is `unknown`), and results that agree with one another.
    fn coded_context<'c>(
        &mut self,
        path: &Path,
        case: &'c Case,
        evidence_ids: &HashSet<&str>,
        cited: &mut HashSet<&'c str>,
    ) -> CodedContext {
        let mut coded = CodedContext::default();
        let mut references = |this: &mut Self, evidence: &'c [Spanned<String>]| {
            for e in evidence {
                this.check_reference(path, evidence_ids, e);
                cited.insert(e.get_ref());
            }
            evidence
                .iter()
                .map(|e| e.get_ref().clone())
                .collect::<Vec<_>>()
        };
        for f in case.context.iter().flat_map(|c| &c.factors) {
            let Some(factor) = Factor::parse(f.factor.get_ref()) else {
                self.error(
                    path,
                    &f.factor,
                    format!("`{}` is not a context factor", f.factor.get_ref()),
                );
                let near = nearest(f.factor.get_ref(), Factor::ALL.iter().map(|f| f.as_str()));
                self.help(match near {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!(
                        "the factors are {}",
                        Factor::ALL.map(|f| format!("`{}`", f.as_str())).join(", ")
                    ),
                });
                continue;
            };
            if coded.factors.iter().any(|r| r.factor == factor) {
                self.error(
                    path,
                    &f.factor,
                    format!("context factor `{}` is coded twice", factor.as_str()),
                );
                self.help("code each factor once; say in its note what the sources disagree on");
                continue;
            }
            let Some(reading) =
                self.closed_reading(path, &f.reading, factor.readings(), factor.as_str())
            else {
                continue;
            };
            let evidence = references(self, &f.evidence);
            if reading != UNKNOWN && evidence.is_empty() {
                self.error(
                    path,
                    &f.reading,
                    format!(
                        "context factor `{}` reads `{reading}` without evidence",
                        factor.as_str()
                    ),
                );
                self.help("cite the evidence records behind the reading, or code it `unknown`");
            }
            coded.factors.push(FactorReading {
                factor,
                reading,
                evidence,
                note: f.note.as_deref().unwrap_or_default().trim().to_string(),
            });
        }
        coded.factors.sort_by_key(|r| r.factor);
        if let Some(r) = &case.results {
            let read =
                |this: &mut Self, value: &Option<Spanned<String>>, scale: &[&'static str], name| {
                    match value {
                        Some(v) => this.closed_reading(path, v, scale, name),
                        None => Some(UNKNOWN),
                    }
                };
            let agreement = read(self, &r.agreement, &AGREEMENT, "results.agreement");
            let implementation = read(
                self,
                &r.implementation,
                &IMPLEMENTATION,
                "results.implementation",
            );
            let evidence = references(self, &r.evidence);
            if let (Some(agreement), Some(implementation)) = (agreement, implementation) {
                let at = r.implementation.as_ref().or(r.agreement.as_ref());
                let without =
                    agreement == "none" && !matches!(implementation, "not-applicable" | UNKNOWN);
                let with = matches!(agreement, "partial" | "comprehensive")
                    && implementation == "not-applicable";
                if let Some(at) = at.filter(|_| without || with) {
                    self.error(
                        path,
                        at,
                        format!("results: agreement `{agreement}` with implementation `{implementation}`"),
                    );
                    self.help(if without {
                        "with no agreement, implementation is `not-applicable`"
                    } else {
                        "an agreement that was reached is implemented `none`, `minimal`, `intermediate` or `full`"
                    });
                }
                if (agreement != UNKNOWN || implementation != UNKNOWN)
                    && evidence.is_empty()
                    && let Some(at) = at
                {
                    self.error(path, at, "the results are coded without evidence");
                    self.help("cite the evidence records behind them, or leave them `unknown`");
                }
                coded.results = Results {
                    agreement,
                    implementation,
                    evidence,
                    note: r.note.as_deref().unwrap_or_default().trim().to_string(),
                };
            }
        }
        coded
    }

    /// `value` on a closed scale (or `unknown`), or an error naming the scale.
    fn closed_reading(
        &mut self,
        path: &Path,
        value: &Spanned<String>,
        scale: &[&'static str],
        name: &str,
    ) -> Option<&'static str> {
        let found = context::reading_of(scale, value.get_ref());
        if found.is_none() {
            self.error(
                path,
                value,
                format!("`{}` is not a reading of `{name}`", value.get_ref()),
            );
            let near = nearest(value.get_ref(), scale.iter().copied().chain([UNKNOWN]));
            let all = scale
                .iter()
                .chain(&[UNKNOWN])
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>();
            self.help(match near {
                Some(n) => format!("did you mean `{n}`? the readings are {}", all.join(", ")),
                None => format!("the readings are {}", all.join(", ")),
            });
        }
        found
    }

    fn check_reference(&mut self, path: &Path, ids: &HashSet<&str>, reference: &Spanned<String>) {
        if !ids.contains(reference.get_ref().as_str()) {
            self.error(
                path,
                reference,
                format!(
                    "evidence `{}` does not exist in this case",
                    reference.get_ref()
                ),
            );
            let near = nearest(reference.get_ref(), ids.iter().copied());
            self.help(match near {
                Some(n) => {
                    format!("did you mean `{n}`? otherwise add an [[evidence]] record with this id")
                }
                None => "add an [[evidence]] record with this id".to_string(),
            });
        }
    }

    fn date(&mut self, path: &Path, text: &Spanned<String>) -> Option<PartialDate> {
        match PartialDate::parse(text.get_ref()) {
            Ok(d) => Some(d),
            Err(message) => {
                self.error(path, text, message);
                self.help(
                    "write the date as YYYY, YYYY-MM or YYYY-MM-DD, only as precise as the source",
                );
                None
            }
        }
    }
}

/// The candidate closest to `word` by edit distance, if any is close enough to be a typo.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    // Ids are at most id::MAX_ID_LEN characters, so nothing longer is a typo of one;
    // and the edit distance is quadratic, so a megabyte-long word must not reach it.
    // Candidates whose length alone puts them too far are skipped for the same reason.
    let length = word.chars().count();
    if length > 2 * id::MAX_ID_LEN {
        return None;
    }
    let limit = 2.max(word.len() / 4);
    // Ties go to the alphabetically first candidate, so the hint never depends on the
    // order candidates come in.
    let (distance, best) = candidates
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (edit_distance(word, c), c))
        .min()?;
    (distance > 0 && distance <= limit).then_some(best)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{edit_distance, nearest};

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(edit_distance("histroy", "history"), 2);
        let ids = ["history", "impartiality", "leverage"];
        assert_eq!(nearest("histroy", ids.iter().copied()), Some("history"));
        assert_eq!(nearest("zzz", ids.iter().copied()), None);
        assert_eq!(nearest("history", ids.iter().copied()), None);
    }

    #[test]
    fn the_progress_counter_counts_case_files_as_they_are_checked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let corpus = crate::testing::synth::generate(150, 5);
        crate::testing::synth::write(&corpus, dir.path()).expect("written");
        let progress = std::sync::Arc::new(super::Progress::default());
        let options = super::Options {
            progress: Some(std::sync::Arc::clone(&progress)),
            ..Default::default()
        };
        let paths = [dir.path().join("rubrics"), dir.path().join("cases")];
        // What the counter said as each case was visited.
        let mut seen = Vec::new();
        let checked = super::validate_each(&paths, &options, |_, _| {
            seen.push((progress.done(), progress.total()));
        })
        .expect("read");
        assert_eq!(checked.errors(), 0, "{}", checked.report());
        assert_eq!(seen.len(), 150);
        // The total is known from the start; the count grows a chunk at a time while
        // the pass runs, and ends at every file.
        assert!(seen.iter().all(|(_, total)| *total == 150), "{seen:?}");
        assert_eq!(seen.first(), Some(&(0, 150)));
        assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(
            seen.iter().any(|(done, _)| (1..150).contains(done)),
            "{seen:?}"
        );
        assert_eq!((progress.done(), progress.total()), (150, 150));
        // Without a counter, validation is the same.
        let again =
            super::validate_each(&paths, &super::Options::default(), |_, _| {}).expect("read");
        assert_eq!(again.valid_cases, checked.valid_cases);
    }

    #[test]
    fn huge_words_get_no_suggestion_and_take_no_time() {
        let long = "e".repeat(4 << 20);
        let longer = format!("{long}x");
        let ids = [long.as_str(), "e1"];
        assert_eq!(nearest(&longer, ids.iter().copied()), None);
        assert_eq!(nearest("e2", ids.iter().copied()), Some("e1"));
    }
}
