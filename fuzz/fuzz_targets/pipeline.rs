//! Fuzz target: parse + validate + score + render, the whole pipeline behind `check`,
//! `score`, `report` and `audit`, on one file of arbitrary bytes set among the shipped
//! corpus.
//!
//! The first byte chooses which file the rest replaces: 0 adds it as a case beside the
//! shipped cases, 1 replaces the rubric, 2 the bibliography, 3 replaces one shipped case
//! (the Montevideo initiative, so the audit path runs on it). Anything may fail with a
//! diagnostic or an error; nothing may panic, overflow the stack or hang, and every
//! output of a valid corpus must be well-formed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;
use thirdside::corpus::embedded::{self, CORPUS};
use thirdside::corpus::load::{FileKind, Inputs};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let mut inputs = Inputs::default();
    for (relative, kind, text) in CORPUS {
        let replaced = match mode % 4 {
            1 => *kind == FileKind::Rubric,
            2 => *kind == FileKind::Bibliography,
            3 => relative.contains("montevideo"),
            _ => false,
        };
        let content = if replaced { bytes } else { text.as_bytes() };
        inputs.add_bytes(&embedded::path(relative), content, *kind);
    }
    if mode % 4 == 0 {
        inputs.add_bytes(Path::new("cases/fuzzed.toml"), bytes, FileKind::Case);
    }
    let checked = thirdside::corpus::validate::validate(inputs, &Default::default());
    let report = checked.report();
    assert!(report.ends_with('\n'), "a check report ends with a newline");
    if checked.errors() > 0 {
        return;
    }
    let corpus = &checked.corpus;
    let Ok(templates) = thirdside::report::templating::templates::Templates::load(None) else {
        panic!("the embedded templates load");
    };
    for rubric in corpus.rubrics.iter().map(|r| &r.value) {
        let scores = thirdside::score::score(corpus, rubric);
        for case in &scores.cases {
            let t = case.total;
            assert!(
                t.lower <= t.score && t.score <= t.upper,
                "{}: {t:?}",
                case.id
            );
        }
        let json = thirdside::score::output::to_json(&scores);
        assert!(
            serde_json::from_str::<serde_json::Value>(&json).is_ok(),
            "score JSON parses"
        );
        let _ = thirdside::score::output::to_csv(&scores);
        let _ = thirdside::score::output::to_table(&scores);
        let trend = thirdside::analysis::trend::trend(&scores);
        let _ = thirdside::analysis::trend::to_text(&scores, &trend);
        let _ = thirdside::analysis::trend::to_json(&scores, &trend);
        // The report: rendered in memory only; rendering errors are allowed, panics not.
        if let Ok((_, output)) =
            thirdside::report::render(corpus, rubric, &templates, Default::default())
        {
            for name in output.paths() {
                assert!(
                    name.is_relative()
                        && name
                            .components()
                            .all(|c| matches!(c, std::path::Component::Normal(_))),
                    "report file {} stays inside --out",
                    name.display()
                );
            }
        }
        let policy = thirdside::audit::policy::default_policy(rubric)
            .and_then(Result::ok)
            .map(|(policy, _)| policy);
        for record in corpus.cases.iter() {
            if record.case.rubric.get_ref() != rubric.id.get_ref() {
                continue;
            }
            // With the shipped default policy's gates when it is written for this
            // rubric, and with hindsight on or off by the mode byte.
            let options = thirdside::audit::Options {
                policy: policy.as_ref(),
                fail_under: Some(50.0),
                hindsight: mode & 4 != 0,
                ..Default::default()
            };
            if let Ok(audit) = thirdside::audit::audit(corpus, record, &options) {
                let _ = thirdside::audit::render::to_text(&audit);
                let _ = thirdside::audit::render::to_markdown(&audit);
                let json = thirdside::audit::render::to_json(&audit);
                assert!(
                    serde_json::from_str::<serde_json::Value>(&json).is_ok(),
                    "audit JSON parses"
                );
            }
        }
    }
});
