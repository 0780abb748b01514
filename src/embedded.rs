//! What ships inside the binary: the default audit policy and (once committed) the
//! shipped rubric, bibliography and cases, so that `thirdside audit mine.toml` works
//! with nothing but the binary.
//!
//! Embedded files keep their repository paths under the prefix [`PREFIX`], so a
//! diagnostic in one of them reads `(built-in)/rubrics/peacemaking.toml:12:3: …`.
//! This module only holds bytes; [`crate::audit_input`] decides when to use them.

use crate::load::{FileKind, Inputs};
use crate::model::Rubric;
use crate::policy::{self, Policy, PolicyFile, PolicyProblems};
use std::path::{Path, PathBuf};

/// The prefix of every embedded file's path.
pub const PREFIX: &str = "(built-in)";

/// The default audit policy, `policies/default.toml`.
pub const DEFAULT_POLICY: &str = include_str!("../policies/default.toml");

/// The shipped corpus: repository path and text of every file, rubrics first.
pub const CORPUS: &[(&str, FileKind, &str)] = &[];

/// The path an embedded file is shown under.
pub fn path(relative: &str) -> PathBuf {
    Path::new(PREFIX).join(relative)
}

/// The shipped corpus as [`Inputs`], parsed and ready to validate.
pub fn corpus() -> Inputs {
    let mut inputs = Inputs::default();
    for (relative, kind, text) in CORPUS {
        inputs.add_bytes(&path(relative), text.as_bytes(), *kind);
    }
    inputs
}

/// The default policy checked against `rubric`, or `None` when it is written for
/// another rubric (a case coded against it is then audited without gates).
pub fn default_policy(rubric: &Rubric) -> Option<Result<(Policy, PolicyProblems), PolicyProblems>> {
    let written_for = toml::from_str::<PolicyFile>(DEFAULT_POLICY)
        .map(|f| f.rubric.into_inner())
        .ok();
    if written_for.as_deref() != Some(rubric.id.get_ref().as_str()) {
        return None;
    }
    Some(policy::parse(
        &path("policies/default.toml"),
        DEFAULT_POLICY,
        rubric,
    ))
}
