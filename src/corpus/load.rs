//! Reading input files: finding them, decoding them, parsing their TOML into the
//! [`crate::corpus::model`] types, and collecting a [`Diagnostic`] for every file that cannot
//! be parsed.
//!
//! Which kind a file is follows from its place: `bibliography.toml` is the
//! bibliography, any other `.toml` file under a folder named `rubrics` is a rubric, and
//! every other `.toml` file is a case. Loading never checks references between files;
//! that is [`crate::corpus::validate`]'s job. An unreadable path is an I/O error, not a
//! diagnostic: the caller cannot fix it by editing a file.

use crate::corpus::diagnostic::{Diagnostic, SourceMap};
use crate::corpus::model::{Bibliography, Case, Rubric};
use crate::corpus::read::Contents;
use crate::error::Error;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// Files larger than this are refused: no real case or rubric comes near it.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// What a file holds, decided by its name and place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `bibliography.toml`.
    Bibliography,
    /// A `.toml` file under a `rubrics` folder.
    Rubric,
    /// Any other `.toml` file.
    Case,
}

impl FileKind {
    /// The kind of the file at `path`.
    pub fn of(path: &Path) -> FileKind {
        if path.file_name().is_some_and(|n| n == "bibliography.toml") {
            FileKind::Bibliography
        } else if path
            .parent()
            .is_some_and(|p| p.components().any(|c| c.as_os_str() == "rubrics"))
        {
            FileKind::Rubric
        } else {
            FileKind::Case
        }
    }
}

/// A parsed file and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The path it was read from (or the name it was embedded under).
    pub path: PathBuf,
    /// Its content.
    pub value: T,
    /// A hash of its text ([`digest`]), to notice the file changing between two reads.
    pub digest: u64,
}

/// A hash of a file's text (XXH3, 64 bits): equal texts give equal digests. It notices
/// a file edited between two reads of one command, and stands for the file in the
/// report's render cache keys; not for security. Every case file's whole text goes
/// through it, so it is a fast hash rather than the standard library's.
pub fn digest(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// Everything read from the inputs, parsed as far as each file allows.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The text of every file, for rendering diagnostics.
    pub sources: SourceMap,
    /// Bibliography files (a valid corpus has exactly one).
    pub bibliographies: Vec<Loaded<Bibliography>>,
    /// Rubric files.
    pub rubrics: Vec<Loaded<Rubric>>,
    /// Case files.
    pub cases: Vec<Loaded<Case>>,
    /// Problems found while decoding and parsing.
    pub diagnostics: Vec<Diagnostic>,
    /// Case files that had parse problems, as repaired to be checked for problems of
    /// their own ([`crate::corpus::recover`]); never scored.
    pub repaired: Vec<Loaded<Case>>,
    /// Per file, the spans where a problem found in a repaired value may follow from a
    /// repair; validation leaves out its problems there.
    pub tainted: Vec<(PathBuf, std::ops::Range<usize>)>,
    /// How many files were read.
    pub files: usize,
}

impl Inputs {
    /// Reads every `.toml` file under the given paths (files or folders, searched
    /// recursively in name order).
    pub fn read(paths: &[PathBuf]) -> Result<Inputs, Error> {
        let mut inputs = Inputs::default();
        for path in files(paths)? {
            inputs.add_file(&path)?;
        }
        Ok(inputs)
    }

    /// Reads and adds one file, of the kind its name and place say.
    pub fn add_file(&mut self, path: &Path) -> Result<(), Error> {
        match read(path)? {
            Contents::Bytes(bytes) => self.add_bytes(path, &bytes, FileKind::of(path)),
            Contents::TooLarge(len) => {
                self.files += 1;
                self.diagnostics.push(crate::corpus::read::too_large(
                    path,
                    len,
                    MAX_FILE_BYTES as u64,
                ));
                self.sources.insert(path, String::new());
            }
        }
        Ok(())
    }

    /// Adds one file's bytes, as if read from `path`.
    pub fn add_bytes(&mut self, path: &Path, bytes: &[u8], kind: FileKind) {
        self.files += 1;
        match kind {
            FileKind::Bibliography => {
                let (text, value) = parse_bytes(path, bytes);
                // A repaired bibliography or rubric still stands for its file, so that
                // what refers to it is not reported as dangling; its errors keep the
                // corpus invalid.
                if let Some(loaded) = self.keep(path, text, value) {
                    self.bibliographies.push(loaded);
                }
            }
            FileKind::Rubric => {
                let (text, value) = parse_bytes(path, bytes);
                if let Some(loaded) = self.keep(path, text, value) {
                    self.rubrics.push(loaded);
                }
            }
            FileKind::Case => {
                let (text, value) = parse_bytes(path, bytes);
                let clean = value.is_ok();
                if let Some(loaded) = self.keep(path, text, value) {
                    if clean {
                        self.cases.push(loaded);
                    } else {
                        self.repaired.push(loaded);
                    }
                }
            }
        }
    }

    /// Keeps the file's text and problems; the value, parsed or repaired, if there is one.
    fn keep<T>(
        &mut self,
        path: &Path,
        text: String,
        value: Result<T, Unparsed<T>>,
    ) -> Option<Loaded<T>> {
        let digest = digest(&text);
        self.sources.insert(path, text);
        let value = match value {
            Ok(value) => Some(value),
            Err(unparsed) => {
                self.diagnostics.extend(unparsed.problems);
                self.tainted.extend(
                    unparsed
                        .tainted
                        .into_iter()
                        .map(|s| (path.to_path_buf(), s)),
                );
                unparsed.repaired
            }
        };
        value.map(|value| Loaded {
            path: path.to_path_buf(),
            value,
            digest,
        })
    }
}

/// What could not be parsed of a file: every problem found, and the value as repaired
/// when its own problems can still be checked ([`crate::corpus::recover`]).
#[derive(Debug)]
pub struct Unparsed<T> {
    /// Every problem, in the order of the file.
    pub problems: Vec<Diagnostic>,
    /// The value with every problem repaired, when the repairs left alone what other
    /// parts refer to; for finding its other problems, never for scoring.
    pub repaired: Option<T>,
    /// Where a problem found in the repaired value may follow from a repair
    /// ([`crate::corpus::recover::Recovered::tainted`]).
    pub tainted: Vec<std::ops::Range<usize>>,
}

/// One file read and parsed on its own, with its text for rendering diagnostics.
#[derive(Debug)]
pub struct Parsed<T> {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text (lossily decoded when it is not UTF-8).
    pub text: String,
    /// Its content, or why it could not be read as one.
    pub value: Result<T, Unparsed<T>>,
}

/// Reads and parses one file as a `T`. Only an unreadable file is an error.
pub fn parse_file<T: DeserializeOwned>(path: &Path) -> Result<Parsed<T>, Error> {
    let (text, value) = match read(path)? {
        Contents::Bytes(bytes) => parse_bytes(path, &bytes),
        Contents::TooLarge(len) => (
            String::new(),
            Err(Unparsed {
                problems: vec![crate::corpus::read::too_large(
                    path,
                    len,
                    MAX_FILE_BYTES as u64,
                )],
                repaired: None,
                tainted: Vec::new(),
            }),
        ),
    };
    Ok(Parsed {
        path: path.to_path_buf(),
        text,
        value,
    })
}

/// Reads a file, never more than the size limit ([`crate::corpus::read`]); a path of
/// the embedded corpus ([`crate::corpus::embedded`]) is read from the binary.
fn read(path: &Path) -> Result<Contents, Error> {
    if let Some(text) = crate::corpus::embedded::text_at(path) {
        return Ok(Contents::Bytes(text.as_bytes().to_vec()));
    }
    crate::corpus::read::read(path, MAX_FILE_BYTES as u64)
}

/// Decodes and parses `bytes`: the text (lossy when it is not UTF-8) and the value or
/// every problem found in it.
fn parse_bytes<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> (String, Result<T, Unparsed<T>>) {
    match decode(path, bytes) {
        Ok(text) => {
            let recovered = crate::corpus::recover::parse::<T>(path, &text);
            let value = match recovered.value {
                Some(value) if recovered.problems.is_empty() => Ok(value),
                value => Err(Unparsed {
                    problems: recovered.problems,
                    repaired: value.filter(|_| recovered.checkable),
                    tainted: recovered.tainted,
                }),
            };
            (text, value)
        }
        Err(diagnostic) => (
            String::from_utf8_lossy(bytes).into_owned(),
            Err(Unparsed {
                problems: vec![diagnostic],
                repaired: None,
                tainted: Vec::new(),
            }),
        ),
    }
}

/// Every `.toml` file under the given paths (files or folders, searched recursively in
/// name order).
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    let mut on_disk = Vec::new();
    for path in paths {
        match crate::corpus::embedded::files_under(path) {
            Some(embedded) if !embedded.is_empty() => {
                files.extend(crate::corpus::read::toml_files(&on_disk)?);
                on_disk.clear();
                files.extend(embedded);
            }
            _ => on_disk.push(path.clone()),
        }
    }
    files.extend(crate::corpus::read::toml_files(&on_disk)?);
    Ok(files)
}

/// Turns a TOML error into a diagnostic with its span and, where it helps, a hint.
pub(crate) fn toml_diagnostic(path: &Path, text: &str, err: &toml::de::Error) -> Diagnostic {
    let mut message = err.message().trim().to_string();
    let span = err.span();
    // toml hands a bare date (`start = 2019-05-01`) to serde as a map.
    let bare_date = message == "invalid type: map, expected a string"
        && span
            .as_ref()
            .and_then(|s| text.get(s.clone()))
            .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_digit()));
    if bare_date {
        message = "a TOML date where a quoted string is expected".to_string();
    }
    let help = if bare_date {
        Some("put the date in quotes, as in \"2019-05-01\"")
    } else if let Some(help) = syntax_help(&message) {
        Some(help)
    } else if message.starts_with("unknown field") {
        Some("remove the field or fix its spelling; see cases/README.md or rubrics/README.md")
    } else if message.starts_with("missing field") {
        Some("add the field; see cases/README.md or rubrics/README.md for every required field")
    } else if message.contains("duplicate key") {
        Some("keep one of the two definitions")
    } else if text.trim().is_empty() {
        Some("the file is empty: write a rubric, case or bibliography, or remove the file")
    } else {
        None
    };
    let mut d = Diagnostic::error(path, span, message);
    if let Some(help) = help {
        d = d.with_help(help);
    }
    d
}

/// What would fix a TOML syntax or number error, for the messages toml gives without one.
fn syntax_help(message: &str) -> Option<&'static str> {
    let unclosed = message.ends_with("expected `\"`") || message.ends_with("expected `'`");
    if unclosed && message.starts_with("invalid multi-line basic string") {
        Some(r#"a string opened with """ is never closed: end it with """"#)
    } else if unclosed && message.starts_with("invalid multi-line literal string") {
        Some("a string opened with ''' is never closed: end it with '''")
    } else if unclosed && message.contains(" string") {
        Some("close the string on the line where it starts, with the quote it opens with")
    } else if message.contains(" string") && message.contains("visible characters") {
        Some(
            "remove the control character; in a \"...\" string, write it as an escape such as \\u0000",
        )
    } else if message.contains("expected i64") {
        Some("write a whole number without a decimal point, as small as the field needs")
    } else if message.contains("floating-point number overflowed") {
        Some("write a finite number of ordinary size, such as 1.0")
    } else {
        None
    }
}

/// Checks size and encoding; drops a leading byte-order mark.
fn decode(path: &Path, bytes: &[u8]) -> Result<String, Diagnostic> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            path,
            None,
            format!(
                "the file is {} bytes, more than the limit of {} bytes",
                bytes.len(),
                MAX_FILE_BYTES
            ),
        )
        .with_help("split the file; no rubric or case needs to be this large"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(err) => {
            let at = err.valid_up_to();
            Err(Diagnostic::error(
                path,
                Some(at..at + 1),
                format!("the file is not valid UTF-8 (invalid byte at offset {at})"),
            )
            .with_help("save the file as UTF-8"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_names_and_places() {
        assert_eq!(
            FileKind::of(Path::new("rubrics/bibliography.toml")),
            FileKind::Bibliography
        );
        assert_eq!(
            FileKind::of(Path::new("rubrics/peacemaking.toml")),
            FileKind::Rubric
        );
        assert_eq!(
            FileKind::of(Path::new("x/rubrics/sub/a.toml")),
            FileKind::Rubric
        );
        assert_eq!(FileKind::of(Path::new("cases/a.toml")), FileKind::Case);
        assert_eq!(FileKind::of(Path::new("rubrics.toml")), FileKind::Case);
    }

    #[test]
    fn bad_bytes_become_diagnostics_not_panics() {
        let mut inputs = Inputs::default();
        inputs.add_bytes(Path::new("a.toml"), b"id = \"\xff\"", FileKind::Case);
        inputs.add_bytes(Path::new("b.toml"), b"", FileKind::Case);
        inputs.add_bytes(Path::new("c.toml"), b"\xEF\xBB\xBFid = 1", FileKind::Case);
        let of = |name: &str| -> Vec<&Diagnostic> {
            inputs
                .diagnostics
                .iter()
                .filter(|d| d.path == Path::new(name))
                .collect()
        };
        assert_eq!(of("a.toml").len(), 1);
        assert!(of("a.toml")[0].message.contains("UTF-8"));
        assert_eq!(of("a.toml")[0].span, Some(6..7));
        assert_eq!(of("b.toml").len(), 1);
        assert!(of("b.toml")[0].message.contains("missing field"));
        assert!(!of("c.toml").is_empty());
        assert!(of("c.toml").iter().all(|d| !d.message.contains("UTF-8")));
        assert!(inputs.cases.is_empty());
    }
}
