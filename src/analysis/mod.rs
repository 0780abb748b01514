//! The analyses read the scores: each is a folder that holds the analysis (what it
//! computes from [`crate::score::Scores`] or the codings, and how it is printed) and the
//! statistics it rests on, which are pure functions of plain numbers.
//!
//! - [`trend`]: the progression across efforts in time order; its maths, Kendall's
//!   tau-b and its permutation test, in [`trend::kendall`].
//! - [`sensitivity`]: how often the ranking and the progression survive other
//!   reasonable weights; weight vectors drawn around the rubric's in
//!   [`sensitivity::dirichlet`].
//! - [`agreement`]: agreement between the coders of cases coded more than once;
//!   Krippendorff's alpha and its bootstrap interval in [`agreement::alpha`].
//! - [`scale`]: whether each criterion's order of indicators holds in the cases; the
//!   pairs that break it and Loevinger's H in [`scale::mokken`].
//! - [`seed`]: the one portable generator every randomised procedure uses, so the same
//!   seed gives the same result on every platform.
//!
//! The statistics modules (`kendall`, `bounds`, `mokken`, `dirichlet`, `alpha`) know nothing of rubrics,
//! cases or evidence, read no files, clocks or environment, and decide nothing about
//! what a result means; the analyses around them do. Their main items are re-exported
//! here.

pub mod agreement;
pub mod scale;
pub mod seed;
pub mod sensitivity;
pub mod trend;

pub use agreement::alpha::{
    AgreementError, AlphaInterval, BootstrapOptions, Metric, bootstrap_alpha, krippendorff_alpha,
};
pub use seed::{AnalysisRng, seeded_rng};
pub use sensitivity::dirichlet::{CentredDirichlet, DirichletError};
pub use trend::kendall::{
    EXACT_MAX_N, KendallError, KendallTest, MONTE_CARLO_MAX_N, MonteCarlo, PermutationMethod,
    Series, kendall_tau_b, kendall_test, method_for, smallest_p_one_sided,
};
