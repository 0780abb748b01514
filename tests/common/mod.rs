//! A small harness for running the `thirdside` binary in tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The folder holding `fixtures/`; tests run the binary from here so that paths in the
/// output are short and stable.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The repository root.
pub fn root_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What a run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A run of the binary, built up with chained calls.
pub struct Test {
    args: Vec<String>,
    dir: PathBuf,
    envs: Vec<(String, String)>,
}

impl Test {
    /// A run from `tests/`.
    pub fn new() -> Self {
        Test {
            args: Vec::new(),
            dir: tests_dir(),
            envs: Vec::new(),
        }
    }

    /// Runs from another folder.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.dir = dir.as_ref().to_path_buf();
        self
    }

    /// Sets an environment variable for the run (`COLUMNS` and `NO_COLOR` are unset
    /// otherwise, so the output does not depend on the terminal the tests run in).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_string(), value.to_string()));
        self
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl AsRef<str>) -> Self {
        self.args.push(arg.as_ref().to_string());
        self
    }

    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        for a in args {
            self.args.push(a.as_ref().to_string());
        }
        self
    }

    /// Runs the binary.
    pub fn run(self) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_thirdside"))
            .args(&self.args)
            .current_dir(&self.dir)
            .env_remove("RUST_BACKTRACE")
            .env_remove("COLUMNS")
            .env_remove("NO_COLOR")
            .envs(self.envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .output()
            .expect("the binary runs");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and asserts the exit code; returns the output.
    pub fn code(self, code: i32) -> Output {
        let args = self.args.join(" ");
        let out = self.run();
        assert_eq!(
            out.code, code,
            "thirdside {args}\n--- stdout\n{}\n--- stderr\n{}",
            out.stdout, out.stderr
        );
        assert!(
            !out.stderr.contains("panicked"),
            "thirdside {args} panicked:\n{}",
            out.stderr
        );
        out
    }

    /// Runs and asserts success.
    pub fn success(self) -> Output {
        self.code(0)
    }
}

/// A synthetic corpus of `cases` cases from `seed` ([`thirdside::testing::synth`]), validated in
/// memory; it must be valid.
pub fn synthetic_corpus(cases: usize, seed: u64) -> thirdside::corpus::validate::Corpus {
    let checked = thirdside::testing::synth::generate(cases, seed).validate();
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    checked.corpus
}
