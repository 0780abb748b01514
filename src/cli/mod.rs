//! The command line: the arguments ([`args`], whose doc comments are the help text), the
//! run of a parsed command ([`run`], the only code that prints), the exit codes
//! ([`exit_code`]) and the CSV of the analyses, made from their JSON ([`tabular`]). The
//! binary itself is `main.rs` in this folder; it parses, calls
//! [`run::run`] and exits with its code.
//!
//! Everything here is a thin shell over the library: it resolves arguments into calls
//! of [`crate::corpus`], [`crate::score`], [`crate::analysis`], [`crate::audit`],
//! [`crate::report`] and [`crate::scaffold`], and decides nothing they decide.

pub mod args;
pub mod exit_code;
pub mod run;
pub mod tabular;

pub use args::{
    AgreementArgs, AnalysisFormat, AuditArgs, AuditFormat, CheckArgs, Cli, Command,
    CompletionsArgs, InputArgs, NewArgs, NewKind, PlainFormat, ReportArgs, ScaleArgs, ScoreArgs,
    ScoreFormat, SensitivityArgs, TrendArgs,
};
