//! thirdside scores peacemaking efforts against rubrics drawn from the
//! conflict-resolution literature, from case files in which every judgment is backed by
//! evidence, and renders comparative reports.
//!
//! Data flows one way, stage by stage, and each stage is a module:
//!
//! 1. [`corpus`]: rubric, bibliography and case files are read ([`corpus::load`]) and
//!    checked across files ([`corpus::validate`]) into a [`Corpus`], every problem a
//!    positioned diagnostic;
//! 2. [`score`]: the rubric's rules turn observations into levels and the weights turn
//!    levels into a total, each with the interval unknown observations leave open;
//! 3. [`analysis`]: the trend across efforts, weight sensitivity and coder agreement
//!    read the scores;
//! 4. the products: the [`report`] (pages, chart, data files, written atomically), the
//!    [`audit`] of an initiative against a policy and the past efforts, and the
//!    [`scaffold`] of a new case file. The command line (the `thirdside` binary) is a
//!    thin shell over them.
//!
//! `ARCHITECTURE.md` at the repository's top level maps every folder.
//!
//! # Example
//!
//! Score the corpus shipped inside the library (the Venezuela efforts of 2014–2019 and
//! the two initiatives of February 2019) and read one criterion:
//!
//! ```
//! let checked = thirdside::corpus::validate::validate(
//!     thirdside::corpus::embedded::corpus(),
//!     &thirdside::Options::default(),
//! );
//! assert_eq!(checked.errors(), 0, "{}", checked.report());
//! let rubric = thirdside::select_rubric(&checked.corpus, None)?;
//! let scores = thirdside::score::score(&checked.corpus, rubric);
//! let norway = scores.cases.iter().find(|c| c.id == "2019-norway-barbados").unwrap();
//! let impartiality = norway.criteria.iter().find(|c| c.id == "impartiality").unwrap();
//! // Every indicator of impartiality is coded met for Norway: the level is closed.
//! assert_eq!((impartiality.lower_level, impartiality.upper_level), (4, 4));
//! println!("{}", thirdside::score::output::to_table(&scores));
//! # Ok::<(), thirdside::Error>(())
//! ```
//!
//! On disk, [`load`] reads folders of files (`rubrics/`, `cases/`) the same way.

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod analysis;
pub mod audit;
#[doc(hidden)]
pub mod cli;
pub mod corpus;
pub mod error;
pub mod report;
pub mod scaffold;
pub mod score;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use audit::Audit;
pub use corpus::model::{Bibliography, Case, Rubric};
pub use corpus::validate::{Checked, Corpus, Options};
pub use error::Error;
pub use report::templating::templates::Templates;
pub use score::{CaseScore, CriterionScore, Interval, Scores};

use std::path::PathBuf;

/// Reads every file under `paths` and validates the lot, collecting every problem.
/// Case files are parsed in parallel; see [`corpus::validate::validate_each`] to check a
/// corpus too large to hold.
///
/// An unreadable path is an [`Error`]; problems in the files are diagnostics in the
/// returned [`Checked`].
pub fn load(paths: &[PathBuf], options: &Options) -> Result<Checked, Error> {
    let mut cases = Vec::new();
    let mut checked =
        corpus::validate::validate_each(paths, options, |_, record| cases.push(record))?;
    checked.corpus.cases = cases;
    Ok(checked)
}

/// The rubric to score against: the one named (`id`, its highest version, or
/// `id@version`), or the only one loaded; when one rubric id is loaded in several
/// versions, its highest. Cases coded against other rubrics or other versions of it
/// are left out of every comparison.
pub fn select_rubric<'a>(corpus: &'a Corpus, id: Option<&str>) -> Result<&'a Rubric, Error> {
    let keys = || {
        corpus
            .rubrics
            .iter()
            .map(|r| r.value.key())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match id {
        Some(id) => corpus.rubric(id).ok_or_else(|| {
            Error::Usage(format!(
                "no rubric `{id}` was loaded (loaded: {}); name one as ID or ID@VERSION",
                keys()
            ))
        }),
        None => match corpus.rubrics.as_slice() {
            [one] => Ok(&one.value),
            [] => Err(Error::Invalid(
                "no rubric was loaded: add one under rubrics/".to_string(),
            )),
            [first, rest @ ..]
                if rest
                    .iter()
                    .all(|r| r.value.id.get_ref() == first.value.id.get_ref()) =>
            {
                corpus.rubric(first.value.id.get_ref()).ok_or_else(|| {
                    Error::Invalid("no rubric was loaded: add one under rubrics/".to_string())
                })
            }
            _ => Err(Error::Usage(format!(
                "several rubrics are loaded ({}): choose one with --rubric ID or ID@VERSION",
                keys()
            ))),
        },
    }
}
