//! Where every command finds its corpus, and how the audited case joins it.
//!
//! The corpus is, in order of preference ([`CorpusSource::resolve`]): the folder given
//! with `--corpus DIR` (`DIR/rubrics/` and `DIR/cases/`); the nearest folder upward
//! from the current one that holds `rubrics/`, as cargo finds `Cargo.toml`; otherwise
//! the corpus embedded in the binary ([`crate::corpus::embedded`]), read through its
//! `(built-in)/…` paths like files on disk. [`CorpusSource::paths`] turns the paths a
//! user gave into what is read: a case file alone is checked against the corpus's
//! rubric and bibliography (with, against the built-in corpus, the user's own
//! `bibliography.toml` beside the file).
//!
//! The audited case file is read once: when it lies inside the corpus's `cases/` it is
//! the copy read from there. When it has the id of another file of the corpus, it
//! replaces that file, so an edited copy of a shipped case is audited in its place.

use crate::corpus::load::{FileKind, Inputs};
use crate::corpus::validate::{self, Checked};
use crate::error::Error;
use std::path::{Path, PathBuf};

/// Where the corpus comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusSource {
    /// A folder holding `rubrics/` and, usually, `cases/` (empty: the current folder).
    Dir(PathBuf),
    /// The corpus embedded in the binary.
    Embedded,
}

impl CorpusSource {
    /// `--corpus DIR` if given (it must hold `rubrics/`), else the nearest folder upward
    /// from the current one that holds `rubrics/`, else the embedded corpus.
    pub fn resolve(flag: Option<&Path>) -> Result<CorpusSource, Error> {
        match flag {
            Some(dir) if dir.join("rubrics").is_dir() => Ok(CorpusSource::Dir(dir.to_path_buf())),
            Some(dir) => Err(Error::Usage(format!(
                "--corpus {}: there is no rubrics/ folder there; give the folder that holds rubrics/ and cases/",
                dir.display()
            ))),
            None => Ok(Self::upward(Path::new("")).unwrap_or(CorpusSource::Embedded)),
        }
    }

    /// The nearest of `start` (relative to the current folder) and the folders above
    /// it that holds `rubrics/`, named relative to the current folder (`""`, `".."`,
    /// `"../.."`).
    fn upward(start: &Path) -> Option<CorpusSource> {
        let here = std::env::current_dir().ok()?.join(start);
        let mut relative = start.to_path_buf();
        for dir in here.ancestors() {
            if dir.join("rubrics").is_dir() {
                return Some(CorpusSource::Dir(relative));
            }
            relative.push("..");
        }
        None
    }

    /// True for the embedded corpus.
    pub fn is_embedded(&self) -> bool {
        *self == CorpusSource::Embedded
    }

    /// The folders read: `rubrics/`, and `cases/` if it exists.
    pub fn folders(&self) -> Vec<PathBuf> {
        match self {
            CorpusSource::Dir(dir) => {
                let mut folders = vec![dir.join("rubrics")];
                let cases = dir.join("cases");
                if cases.is_dir() {
                    folders.push(cases);
                }
                folders
            }
            CorpusSource::Embedded => vec![
                crate::corpus::embedded::path("rubrics"),
                crate::corpus::embedded::path("cases"),
            ],
        }
    }

    /// The rubrics folder.
    fn rubrics(&self) -> PathBuf {
        match self {
            CorpusSource::Dir(dir) => dir.join("rubrics"),
            CorpusSource::Embedded => crate::corpus::embedded::path("rubrics"),
        }
    }

    /// What a command reads for the paths a user gave: the corpus's folders when none
    /// were given; the paths as given when they hold a rubric; otherwise the paths and
    /// the corpus's rubrics and bibliography (a bibliography among the paths stands in
    /// for the corpus's), and, against the built-in corpus, the `bibliography.toml`
    /// beside each case file given, which adds to the built-in bibliography.
    pub fn paths(&self, given: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
        if given.is_empty() {
            return Ok(self.folders());
        }
        let files = crate::corpus::load::files(given)?;
        let kinds = |kind| files.iter().any(|p| FileKind::of(p) == kind);
        if kinds(FileKind::Rubric) || !kinds(FileKind::Case) {
            return Ok(given.to_vec());
        }
        let has_bibliography = files
            .iter()
            .any(|p| FileKind::of(p) == FileKind::Bibliography);
        let mut paths = given.to_vec();
        let rubrics = crate::corpus::load::files(&[self.rubrics()])?
            .into_iter()
            .filter(|p| !has_bibliography || FileKind::of(p) != FileKind::Bibliography);
        paths.extend(rubrics);
        if self.is_embedded() && !has_bibliography {
            let mut beside: Vec<PathBuf> = files
                .iter()
                .filter_map(|p| Some(p.parent()?.join("bibliography.toml")))
                .filter(|p| p.is_file())
                .collect();
            beside.sort();
            beside.dedup();
            paths.extend(beside.into_iter().take(1));
        }
        Ok(paths)
    }

    /// The corpus's files, parsed.
    pub fn inputs(&self) -> Result<Inputs, Error> {
        Inputs::read(&self.folders())
    }

    /// The rubrics and the bibliography alone, without a case: what `new` scaffolds
    /// from. The folders are listed, but no case file is read.
    pub fn rubric_inputs(&self) -> Result<Inputs, Error> {
        let files: Vec<PathBuf> = crate::corpus::load::files(&self.folders())?
            .into_iter()
            .filter(|p| FileKind::of(p) != FileKind::Case)
            .collect();
        Inputs::read(&files)
    }
}

/// The validated corpus with the audited case in it.
#[derive(Debug)]
pub struct AuditInput {
    /// Everything validated, the audited case included; its `replaced` lists the corpus
    /// files set aside because the audited case has their id. Read case by case from
    /// disk, it keeps no case.
    pub checked: Checked,
    /// The path under which the audited case was loaded.
    pub case_path: PathBuf,
    /// The audited case, when it is valid.
    pub record: Option<validate::CaseRecord>,
    /// For a corpus read case by case: its past efforts as scores.
    past: Option<PastOnDisk>,
}

/// The past efforts of a corpus read case by case ([`stream`]).
#[derive(Debug)]
struct PastOnDisk {
    /// The files read.
    paths: Vec<PathBuf>,
    /// Every other effort coding against the audited case's rubric, scored.
    efforts: Vec<crate::score::CaseScore>,
    /// What is kept of each of those codings, to read it again.
    kept: Vec<crate::corpus::reread::Kept>,
}

/// Reads the corpus and the case at `case` and validates them together: a corpus on
/// disk case by case, the small embedded one whole.
pub fn read(source: &CorpusSource, case: &Path) -> Result<AuditInput, Error> {
    match source {
        CorpusSource::Dir(_) => stream(source, case),
        CorpusSource::Embedded => load(source, case),
    }
}

impl AuditInput {
    /// The audit of `record` (the audited case, coded against `rubric`).
    pub fn audit(
        &self,
        rubric: &crate::corpus::model::Rubric,
        record: &validate::CaseRecord,
        options: &crate::audit::Options,
    ) -> Result<crate::audit::Audit, Error> {
        let corpus = &self.checked.corpus;
        let Some(past) = &self.past else {
            return crate::audit::audit(corpus, record, options);
        };
        let read_options = validate::Options::default();
        let reread =
            crate::corpus::reread::Reread::new(&past.paths, &read_options, &past.kept, "audit")?;
        // As of a day, every past effort is read again and scored on what was known then;
        // those that began after it are left out.
        let known = |records: Vec<validate::CaseRecord>| -> Vec<validate::CaseRecord> {
            match &options.as_of {
                None => records,
                Some(day) => records
                    .iter()
                    .filter(|r| !crate::audit::as_of::began_after(&r.start, day))
                    .map(|r| crate::audit::as_of::record(rubric, r, day))
                    .collect(),
            }
        };
        let scored = match &options.as_of {
            None => past.efforts.clone(),
            Some(_) => {
                let mut scored = Vec::new();
                for chunk in past.efforts.chunks(64) {
                    let codings: Vec<(&str, &str)> = chunk
                        .iter()
                        .map(|s| (s.id.as_str(), s.coder.as_str()))
                        .collect();
                    scored.extend(
                        known(reread.records_of(&codings)?)
                            .iter()
                            .map(|r| crate::score::score_case(rubric, r)),
                    );
                }
                scored
            }
        };
        // Only the best past efforts' records are read again, to show how they did it.
        let mut efforts = crate::audit::Efforts::new(rubric, scored);
        let needed = efforts.needed(record.id(), &record.start);
        efforts.prepare_needed(corpus, rubric, needed, |codings| {
            reread.records_of(codings).map(known)
        })?;
        crate::audit::audit_each(corpus, rubric, &[record], options, &efforts)?
            .pop()
            .ok_or_else(|| Error::Invalid("the audit gave no result".to_string()))
    }
}

/// Reads the corpus and the case at `case` whole, and validates them together.
fn load(source: &CorpusSource, case: &Path) -> Result<AuditInput, Error> {
    let bytes = crate::corpus::read::read_within(case, crate::corpus::load::MAX_FILE_BYTES as u64)?;
    let mut inputs = source.inputs()?;
    let case_path = match loaded_path(source, case) {
        Some(path) if inputs.sources.text(&path).is_some() => path,
        _ => {
            inputs.add_bytes(case, &bytes, FileKind::Case);
            case.to_path_buf()
        }
    };
    // The user's own bibliography beside the case adds to the built-in one.
    if source.is_embedded()
        && let Some(beside) = case.parent().map(|p| p.join("bibliography.toml"))
        && beside.is_file()
    {
        inputs.add_file(&beside)?;
    }
    let id = inputs
        .cases
        .iter()
        .find(|c| c.path == case_path)
        .map(|c| c.value.id.get_ref().clone());
    let options = validate::Options {
        replace: id.map(|id| (id, case_path.clone())),
        ..validate::Options::default()
    };
    let checked = validate::validate(inputs, &options);
    Ok(AuditInput {
        record: checked
            .corpus
            .cases
            .iter()
            .find(|r| r.path == case_path)
            .cloned(),
        checked,
        case_path,
        past: None,
    })
}

/// The path under which the corpus already read `case`, if it lies inside one of its
/// folders.
fn loaded_path(source: &CorpusSource, case: &Path) -> Option<PathBuf> {
    let canonical = case.canonicalize().ok()?;
    source.folders().into_iter().find_map(|folder| {
        let rest = canonical.strip_prefix(folder.canonicalize().ok()?).ok()?;
        Some(folder.join(rest))
    })
}

/// [`load`] for a corpus on disk, in memory that does not grow with its case files:
/// the cases are validated a chunk at a time and each past effort is kept as its score.
fn stream(source: &CorpusSource, case: &Path) -> Result<AuditInput, Error> {
    let folders = source.folders();
    let files = crate::corpus::load::files(&folders)?;
    let mut paths = folders;
    let case_path = match loaded_path(source, case) {
        Some(path) if files.contains(&path) => path,
        _ => {
            paths.push(case.to_path_buf());
            case.to_path_buf()
        }
    };
    // The audited case's id and rubric, read first: its id decides which corpus file it
    // replaces. A file that does not parse gets its diagnostic from validation.
    let head = crate::corpus::load::parse_file::<crate::corpus::model::Case>(&case_path)?
        .value
        .ok()
        .map(|c| (c.id.get_ref().clone(), c.rubric.get_ref().clone()));
    let options = validate::Options {
        replace: head.as_ref().map(|(id, _)| (id.clone(), case_path.clone())),
        ..validate::Options::default()
    };
    let mut record: Option<validate::CaseRecord> = None;
    let mut efforts = Vec::new();
    let mut kept = Vec::new();
    let mut keys = Vec::new();
    let checked = validate::validate_each(&paths, &options, |corpus, r| {
        if r.path == case_path {
            record = Some(r);
        } else if r.case.kind == crate::corpus::model::Kind::Effort
            && head
                .as_ref()
                .is_some_and(|(_, rubric)| r.case.rubric.get_ref() == rubric)
            && let Some(rubric) = corpus.rubric_of(&r)
        {
            keys.push(rubric.key());
            efforts.push(crate::score::score_case(rubric, &r));
            kept.push(crate::corpus::reread::Kept::of(&r));
        }
    })?;
    // Past efforts coded against another version of the audited case's rubric are
    // never compared with it.
    if let Some(audited) = record.as_ref().and_then(|r| checked.corpus.rubric_of(r)) {
        let key = audited.key();
        let same: Vec<bool> = keys.iter().map(|k| *k == key).collect();
        let mut flags = same.iter();
        efforts.retain(|_| flags.next().copied().unwrap_or(false));
        let mut flags = same.iter();
        kept.retain(|_| flags.next().copied().unwrap_or(false));
    }
    Ok(AuditInput {
        checked,
        case_path,
        record,
        past: Some(PastOnDisk {
            paths,
            efforts,
            kept,
        }),
    })
}
