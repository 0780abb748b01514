//! Fuzz target: what `check` does to one case file, fast. The bytes are a case set
//! beside the shipped rubric and bibliography (no other cases), then validated and,
//! when valid, scored: about five times as many runs a second as `pipeline`,
//! which also renders the report.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use thirdside::corpus::embedded::{self, CORPUS};
use thirdside::corpus::load::{FileKind, Inputs};

fuzz_target!(|data: &[u8]| {
    let mut inputs = Inputs::default();
    for (relative, kind, text) in CORPUS {
        if *kind != FileKind::Case {
            inputs.add_bytes(&embedded::path(relative), text.as_bytes(), *kind);
        }
    }
    inputs.add_bytes(Path::new("cases/fuzzed.toml"), data, FileKind::Case);
    let checked = thirdside::corpus::validate::validate(inputs, &Default::default());
    let report = checked.report();
    assert!(report.ends_with('\n'), "a check report ends with a newline");
    if checked.errors() == 0
        && let Ok(rubric) = thirdside::select_rubric(&checked.corpus, None)
    {
        let scores = thirdside::score::score(&checked.corpus, rubric);
        for case in &scores.cases {
            let t = case.total;
            assert!(
                t.lower <= t.score && t.score <= t.upper,
                "{}: {t:?}",
                case.id
            );
        }
    }
});
