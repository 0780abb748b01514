//! The three kinds of input file, as read from TOML: rubrics, the bibliography and
//! cases.
//!
//! These are plain serde types. Fields whose value is checked after parsing carry their
//! byte span ([`toml::Spanned`]) so that a problem found later still points at the
//! offending text. Nothing here checks references between files: that is
//! [`crate::corpus::validate`]'s job.

pub mod bibliography;
pub mod case;
pub mod context;
pub mod rubric;

pub use bibliography::{Bibliography, Work};
pub use case::{Case, Coding, Context, Evidence, Kind, Observation, Override, Status, Strategy};
pub use context::{CodedContext, Factor, FactorCoding, FactorReading, Results, ResultsCoding};
pub use rubric::{Criterion, Indicator, Level, Rubric, Rule, Sin, UnFundamental};
