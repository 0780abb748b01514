//! Statistics behind the scores: trend tests, coder agreement and weight sensitivity.
//!
//! Every function here is pure and works on plain numbers (`f64` and `usize` slices);
//! nothing in this module knows about rubrics, cases or evidence, and nothing reads
//! files, clocks or the environment. Randomised procedures take an explicit `u64`
//! seed and use one portable generator ([`seeded_rng`]), so the same seed gives the
//! same result on every platform.
//!
//! - [`kendall`]: Kendall's tau-b and its permutation test (or its normal approximation for long series), for "is this effort's
//!   score trending up?".
//! - [`agreement`]: Krippendorff's alpha and a bootstrap interval for it, for "do the
//!   coders agree?".
//! - [`dirichlet`]: weight vectors drawn around given weights, for "does the ranking
//!   survive other reasonable weights?".
//!
//! This module does not decide what a result means (thresholds, wording, gating);
//! callers do.

pub mod agreement;
pub mod dirichlet;
pub mod kendall;
pub mod seed;

pub use agreement::{
    AgreementError, AlphaInterval, BootstrapOptions, Metric, bootstrap_alpha, krippendorff_alpha,
};
pub use dirichlet::{CentredDirichlet, DirichletError};
pub use kendall::{
    EXACT_MAX_N, KendallError, KendallTest, MONTE_CARLO_MAX_N, MonteCarlo, PermutationMethod,
    Series, kendall_tau_b, kendall_test, method_for, smallest_p_one_sided,
};
pub use seed::{AnalysisRng, seeded_rng};
