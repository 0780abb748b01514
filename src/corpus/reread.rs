//! Reading chosen case files a second time, checked to be unchanged.
//!
//! A command that streams its cases ([`crate::corpus::validate::validate_each`]) keeps only a
//! little of each — a [`Kept`] — and, once it knows which few records it needs whole
//! (a report's combined cases, an audit's best past efforts), reads those again with
//! the rubrics and the bibliography. Each comes back checked against the hash of its
//! first read: a file edited in between is an error, never a report or an audit that
//! mixes two versions of it.
//!
//! Not responsible for: choosing what to read again; that is the command's business.

use crate::corpus::validate::{CaseRecord, Options};
use crate::error::Error;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a streaming command keeps of a case coding it has dropped.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The case id.
    pub id: String,
    /// The coder.
    pub coder: String,
    /// The file.
    pub path: PathBuf,
    /// A hash of the file's text ([`crate::corpus::load::digest`]).
    pub digest: u64,
    /// How many indicator observations the record holds.
    pub observations: usize,
}

impl Kept {
    /// What is kept of `record`.
    pub fn of(record: &CaseRecord) -> Kept {
        Kept {
            id: record.id().to_string(),
            coder: record.coder().to_string(),
            path: record.path.clone(),
            digest: record.digest,
            observations: record.observations(),
        }
    }
}

/// Reads kept codings' files a second time.
pub struct Reread<'a> {
    /// The input's files other than cases (rubrics, bibliography), read with each case.
    others: Vec<PathBuf>,
    options: &'a Options,
    kept: HashMap<(&'a str, &'a str), &'a Kept>,
    /// The command, for the message that says to run it again.
    command: &'static str,
}

impl<'a> Reread<'a> {
    /// For the input under `paths`, read with `options`, of which `kept` was kept, by
    /// `command` (`report`, `audit`).
    pub fn new(
        paths: &[PathBuf],
        options: &'a Options,
        kept: &'a [Kept],
        command: &'static str,
    ) -> Result<Self, Error> {
        Ok(Reread {
            others: crate::corpus::load::files(paths)?
                .into_iter()
                .filter(|p| {
                    crate::corpus::load::FileKind::of(p) != crate::corpus::load::FileKind::Case
                })
                .collect(),
            options,
            kept: kept
                .iter()
                .map(|k| ((k.id.as_str(), k.coder.as_str()), k))
                .collect(),
            command,
        })
    }

    /// The kept coding of case `id` by `coder`.
    pub fn kept(&self, id: &str, coder: &str) -> Option<&'a Kept> {
        self.kept.get(&(id, coder)).copied()
    }

    /// The records of the kept codings (case id, coder) among `codings`, as
    /// [`Reread::records`].
    pub fn records_of(&self, codings: &[(&str, &str)]) -> Result<Vec<CaseRecord>, Error> {
        let wanted: Vec<&Kept> = codings
            .iter()
            .filter_map(|(id, coder)| self.kept(id, coder))
            .collect();
        self.records(&wanted)
    }

    /// The records of these codings, read and validated again with the rubrics and the
    /// bibliography; an error when a file changed since the first read.
    pub fn records(&self, wanted: &[&Kept]) -> Result<Vec<CaseRecord>, Error> {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut list = self.others.clone();
        let mut cases: Vec<&Path> = wanted.iter().map(|k| k.path.as_path()).collect();
        cases.sort();
        cases.dedup();
        list.extend(cases.into_iter().map(Path::to_path_buf));
        let mut records = Vec::new();
        // The few files read again are no progress of the pass that counted the rest.
        let options = Options {
            progress: None,
            ..self.options.clone()
        };
        let checked =
            crate::corpus::validate::validate_each(&list, &options, |_, r| records.push(r))?;
        let again = format!(
            "changed while the {} was being made; run `thirdside {}` again",
            self.command, self.command
        );
        for want in wanted {
            let back = records
                .iter()
                .find(|r| r.id() == want.id && r.coder() == want.coder);
            if back.is_none_or(|r| r.digest != want.digest) {
                return Err(Error::Invalid(format!("{}: {again}", want.path.display())));
            }
        }
        if checked.errors() > 0 {
            return Err(Error::Invalid(format!(
                "the rubrics or the bibliography {again}"
            )));
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_the_first_read_is_an_error() {
        let dir = tempfile::tempdir().expect("temp");
        crate::testing::synth::write(&crate::testing::synth::generate(2, 3), dir.path())
            .expect("written");
        let paths = [dir.path().join("rubrics"), dir.path().join("cases")];
        let options = Options::default();
        let mut first = Vec::new();
        let checked =
            crate::corpus::validate::validate_each(&paths, &options, |_, r| first.push(r))
                .expect("read");
        assert_eq!(checked.errors(), 0, "{}", checked.report());
        let kept: Vec<Kept> = first.iter().map(Kept::of).collect();
        let reread = Reread::new(&paths, &options, &kept, "report").expect("listed");
        let wanted: Vec<&Kept> = kept.iter().collect();
        let again = reread.records(&wanted).expect("unchanged files read again");
        assert_eq!(again.len(), 2);
        // An edit that keeps the file valid is still noticed.
        let path = &kept[1].path;
        let text = std::fs::read_to_string(path).expect("text");
        std::fs::write(path, format!("{text}\n# edited\n")).expect("edit");
        let error = reread.records(&wanted).expect_err("a changed file");
        let message = error.to_string();
        assert!(
            message
                .contains("changed while the report was being made; run `thirdside report` again"),
            "{message}"
        );
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
}
