//! Snapshot of `score --format json` for every valid fixture.

mod common;

use common::Test;

#[test]
fn valid_cases_score() {
    insta::glob!("fixtures/valid/*.toml", |path| {
        let file = path
            .strip_prefix(common::tests_dir())
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        Test::new()
            .args(["check", "fixtures/rubrics", file.as_str()])
            .success();
        let out = Test::new()
            .args([
                "score",
                "--format",
                "json",
                "fixtures/rubrics",
                file.as_str(),
            ])
            .success();
        insta::assert_snapshot!(out.stdout);
    });
}
