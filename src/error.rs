//! The errors that stop a command, and the exit code each maps to.
//!
//! Invalid input is not an [`Error`] in this sense: it is a list of
//! [`crate::corpus::diagnostic::Diagnostic`]s, reported together. An [`Error`] is what makes the
//! run itself impossible (an unreadable path, a failed write) or what ends it with a
//! verdict (the input is invalid, an audit failed).

use crate::cli::exit_code::ExitCode;
use std::path::PathBuf;

/// A failure that ends a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A path could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The input has problems; they were printed already.
    #[error("{0}")]
    Invalid(String),
    /// The command was used wrongly in a way clap cannot see.
    #[error("{0}")]
    Usage(String),
    /// An audit did not pass its policy.
    #[error("{0}")]
    AuditFailed(String),
    /// A template failed to render.
    #[error("template error: {0}")]
    Template(String),
    /// Generated output differs from what is on disk (`report --check`).
    #[error("{0}")]
    Stale(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Invalid(_) | Error::AuditFailed(_) | Error::Stale(_) => ExitCode::Failure,
            Error::Template(_) => ExitCode::Failure,
            Error::Io { .. } | Error::Usage(_) => ExitCode::Usage,
        }
    }
}
