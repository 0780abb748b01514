//! What ships inside the binary: the default audit policy's text and the shipped rubric,
//! bibliography and cases, so that `thirdside audit mine.toml` works
//! with nothing but the binary.
//!
//! Embedded files keep their repository paths under the prefix [`PREFIX`], so a
//! diagnostic in one of them reads `(built-in)/rubrics/peacemaking.toml:12:3: …`.
//! Reading a path under the prefix reads the binary's copy ([`text_at`], [`files_under`]),
//! so every command works on the embedded corpus as on a folder. This module only holds
//! bytes; [`crate::audit::input`] decides when to use them.

use crate::corpus::load::{FileKind, Inputs};
use std::path::{Path, PathBuf};

/// The prefix of every embedded file's path.
pub const PREFIX: &str = "(built-in)";

/// The default audit policy, `policies/default.toml`.
pub const DEFAULT_POLICY: &str = include_str!("../../policies/default.toml");

/// The shipped corpus: repository path, kind and text of every file. A test checks
/// that every file of `rubrics/` and `cases/` is here. Both versions of the shipped
/// rubric ship: 1.0.0 (`peacemaking-1.0.toml`), which case files written before
/// versions could be pinned resolve to, and 2.0.0 (`peacemaking.toml`), which the
/// shipped cases pin.
pub const CORPUS: &[(&str, FileKind, &str)] = &[
    (
        "rubrics/bibliography.toml",
        FileKind::Bibliography,
        include_str!("../../rubrics/bibliography.toml"),
    ),
    (
        "rubrics/peacemaking-1.0.toml",
        FileKind::Rubric,
        include_str!("../../rubrics/peacemaking-1.0.toml"),
    ),
    (
        "rubrics/peacemaking.toml",
        FileKind::Rubric,
        include_str!("../../rubrics/peacemaking.toml"),
    ),
    (
        "cases/2014-unasur-vatican.toml",
        FileKind::Case,
        include_str!("../../cases/2014-unasur-vatican.toml"),
    ),
    (
        "cases/2016-vatican.toml",
        FileKind::Case,
        include_str!("../../cases/2016-vatican.toml"),
    ),
    (
        "cases/2017-dominican-republic.toml",
        FileKind::Case,
        include_str!("../../cases/2017-dominican-republic.toml"),
    ),
    (
        "cases/2019-norway-barbados.toml",
        FileKind::Case,
        include_str!("../../cases/2019-norway-barbados.toml"),
    ),
    (
        "cases/2019-montevideo-mechanism.toml",
        FileKind::Case,
        include_str!("../../cases/2019-montevideo-mechanism.toml"),
    ),
    (
        "cases/2019-international-contact-group.toml",
        FileKind::Case,
        include_str!("../../cases/2019-international-contact-group.toml"),
    ),
    (
        "cases/2019-contact-group-record.toml",
        FileKind::Case,
        include_str!("../../cases/2019-contact-group-record.toml"),
    ),
];

/// The path an embedded file is shown under.
pub fn path(relative: &str) -> PathBuf {
    Path::new(PREFIX).join(relative)
}

/// The text of the embedded file shown under `path` (as [`path`] makes it), if `path`
/// is one: reading `(built-in)/rubrics/peacemaking.toml` reads the binary's copy.
pub fn text_at(path: &Path) -> Option<&'static str> {
    let relative = path.strip_prefix(PREFIX).ok()?;
    CORPUS
        .iter()
        .find(|(p, _, _)| Path::new(p) == relative)
        .map(|(_, _, text)| *text)
}

/// The embedded files under `path` (`(built-in)`, `(built-in)/rubrics`, …) in name
/// order, as a folder on disk would list them; `None` when `path` is not under
/// [`PREFIX`].
pub fn files_under(path: &Path) -> Option<Vec<PathBuf>> {
    let relative = path.strip_prefix(PREFIX).ok()?;
    let mut files: Vec<PathBuf> = CORPUS
        .iter()
        .map(|(p, _, _)| Path::new(p))
        .filter(|p| p.starts_with(relative))
        .map(|p| Path::new(PREFIX).join(p))
        .collect();
    files.sort();
    Some(files)
}

/// True for a path shown under [`PREFIX`]: a file the user cannot edit.
pub fn is_embedded(path: &Path) -> bool {
    path.starts_with(PREFIX)
}

/// The shipped corpus as [`Inputs`], parsed and ready to validate.
pub fn corpus() -> Inputs {
    let mut inputs = Inputs::default();
    for (relative, kind, text) in CORPUS {
        inputs.add_bytes(&path(relative), text.as_bytes(), *kind);
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_file_of_the_repository_corpus_is_embedded_and_valid() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = BTreeSet::new();
        for folder in ["rubrics", "cases"] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                if name.ends_with(".toml") {
                    on_disk.insert(format!("{folder}/{name}"));
                }
            }
        }
        let embedded: BTreeSet<String> = CORPUS.iter().map(|(p, _, _)| p.to_string()).collect();
        assert_eq!(embedded, on_disk);
        let checked = crate::corpus::validate::validate(corpus(), &Default::default());
        assert_eq!(checked.errors(), 0, "{}", checked.report());
        let cases = CORPUS
            .iter()
            .filter(|(_, k, _)| *k == FileKind::Case)
            .count();
        assert_eq!(checked.corpus.cases.len(), cases);
        assert!(
            !checked.report().contains("rubric_version"),
            "{}",
            checked.report()
        );
        let versions: Vec<&str> = checked
            .corpus
            .versions("peacemaking")
            .iter()
            .map(|r| r.version.as_str())
            .collect();
        assert_eq!(versions, ["1.0.0", "2.0.0"]);
        assert!(
            checked
                .corpus
                .cases
                .iter()
                .all(|r| r.rubric_version == "2.0.0")
        );
    }

    #[test]
    fn embedded_files_are_read_and_listed_like_files_on_disk() {
        let listed = files_under(&path("rubrics")).unwrap();
        assert_eq!(
            listed,
            vec![
                path("rubrics/bibliography.toml"),
                path("rubrics/peacemaking-1.0.toml"),
                path("rubrics/peacemaking.toml")
            ]
        );
        assert_eq!(files_under(Path::new(PREFIX)).unwrap().len(), CORPUS.len());
        assert!(files_under(Path::new("rubrics")).is_none());
        assert!(text_at(&path("rubrics/peacemaking.toml")).is_some());
        assert!(text_at(Path::new("rubrics/peacemaking.toml")).is_none());
        let on_disk = crate::load(&[path("rubrics"), path("cases")], &Default::default()).unwrap();
        assert_eq!(on_disk.errors(), 0, "{}", on_disk.report());
        assert_eq!(
            on_disk.corpus.cases.len(),
            CORPUS.len() - 3,
            "all but two rubrics and the bibliography"
        );
    }
}
