//! thirdside scores peacemaking efforts against rubrics drawn from the
//! conflict-resolution literature, from case files in which every judgment is backed by
//! evidence, and renders comparative reports.
//!
//! Data flows one way: files → [`model`] ([`mod@load`]) → a checked [`validate::Corpus`]
//! ([`validate`]) → [`score::Scores`] ([`score`]) → text ([`score_output`]). An
//! initiative is audited against its rubric, a [`policy`] and the past efforts by
//! [`audit`] into an [`audit::Audit`] view model, rendered by [`audit_output`];
//! [`embedded`] holds the shipped corpus and default policy, [`scaffold`] writes new
//! case files.
//! The analyses read scores ([`trend`], [`sensitivity`]) or the codings themselves
//! ([`coder_agreement`]); their statistics are in [`analysis`].
//!
//! At scale: [`validate::validate_each`] checks case files parsed in parallel and hands
//! each valid case to a visitor, so a corpus need not fit in memory (the `check` and
//! score-only commands use it); [`synth`] builds synthetic corpora for the benchmarks
//! (`benches/pipeline.rs`, `scripts/bench`). [`synth`] builds
//! synthetic corpora of any size for benchmarks and tests.
//!
//! ```no_run
//! use std::path::PathBuf;
//! let checked = thirdside::load(
//!     &[PathBuf::from("rubrics"), PathBuf::from("cases")],
//!     &thirdside::validate::Options::default(),
//! )?;
//! assert_eq!(checked.errors(), 0, "{}", checked.report());
//! let rubric = thirdside::select_rubric(&checked.corpus, None)?;
//! let scores = thirdside::score::score(&checked.corpus, rubric);
//! println!("{}", thirdside::score_output::to_table(&scores));
//! # Ok::<(), thirdside::error::Error>(())
//! ```

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod analysis;
pub mod app;
pub mod audit;
pub mod audit_input;
pub mod audit_output;
pub mod cli;
pub mod coder_agreement;
pub mod date;
pub mod diagnostic;
pub mod embedded;
pub mod error;
pub mod exit_code;
pub mod id;
pub mod load;
pub mod memory;
pub mod model;
pub mod policy;
pub mod quote;
pub mod report;
pub mod reread;
pub mod scaffold;
pub mod score;
pub mod score_output;
pub mod sensitivity;
pub mod synth;
pub mod trend;
pub mod validate;

use error::Error;
use model::Rubric;
use std::path::PathBuf;
use validate::{Checked, Corpus, Options};

/// Reads every file under `paths` and validates the lot, collecting every problem.
/// Case files are parsed in parallel; see [`validate::validate_each`] to check a
/// corpus too large to hold.
///
/// An unreadable path is an [`Error`]; problems in the files are diagnostics in the
/// returned [`Checked`].
pub fn load(paths: &[PathBuf], options: &Options) -> Result<Checked, Error> {
    let mut cases = Vec::new();
    let mut checked = validate::validate_each(paths, options, |_, record| cases.push(record))?;
    checked.corpus.cases = cases;
    Ok(checked)
}

/// The rubric to score against: the one named, or the only one loaded.
pub fn select_rubric<'a>(corpus: &'a Corpus, id: Option<&str>) -> Result<&'a Rubric, Error> {
    let ids = || {
        corpus
            .rubrics
            .iter()
            .map(|r| r.value.id.get_ref().as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match id {
        Some(id) => corpus.rubric(id).ok_or_else(|| {
            Error::Usage(format!("no rubric `{id}` was loaded (loaded: {})", ids()))
        }),
        None => match corpus.rubrics.as_slice() {
            [one] => Ok(&one.value),
            [] => Err(Error::Invalid(
                "no rubric was loaded: add one under rubrics/".to_string(),
            )),
            _ => Err(Error::Usage(format!(
                "several rubrics are loaded ({}): choose one with --rubric ID",
                ids()
            ))),
        },
    }
}
