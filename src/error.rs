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
    #[error("{}: {}", path.display(), plain(source))]
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

/// What the system said, in plain words and without its error number ("(os error 2)").
pub fn plain(error: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let words = match error.kind() {
        K::NotFound => "there is no such file or folder",
        K::PermissionDenied => "permission denied",
        K::AlreadyExists => "it already exists",
        K::IsADirectory => "it is a folder, not a file",
        K::NotADirectory => "a part of the path is a file, not a folder",
        K::DirectoryNotEmpty => "the folder is not empty",
        K::ReadOnlyFilesystem => "the file system is read-only",
        K::StorageFull => "the disk is full",
        K::InvalidData => "the file is not valid text",
        K::Interrupted => "interrupted",
        K::UnexpectedEof => "the file ended early",
        _ => "",
    };
    if !words.is_empty() {
        return words.to_string();
    }
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn io_errors_read_plainly() {
        let missing = std::fs::read("/no/such/thirdside/file").unwrap_err();
        let error = super::Error::Io {
            path: "/no/such/thirdside/file".into(),
            source: missing,
        };
        assert_eq!(
            error.to_string(),
            "/no/such/thirdside/file: there is no such file or folder"
        );
        let other = std::io::Error::from_raw_os_error(5);
        assert!(!super::plain(&other).contains("os error"));
    }
}
