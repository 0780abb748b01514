//! The README and the user guide stay true (issue 19.6): the README's commands come
//! first, the guide's pages are all in its summary and link to pages that exist, and the
//! scores the guide shows are the binary's.

mod common;

use common::{Test, root_dir};
use std::fs;

#[test]
fn the_readme_opens_with_the_two_commands_and_says_how_to_install() {
    let readme = fs::read_to_string(root_dir().join("README.md")).expect("README");
    let first = readme.find("```sh\n").expect("a shell block");
    let block = &readme[first..first + readme[first..].find("\n```\n").expect("its end")];
    assert!(block.contains("cargo run --release -- report"), "{block}");
    assert!(block.contains("cargo test --locked"), "{block}");
    assert!(readme.contains("cargo install --path ."));
    assert!(readme.lines().count() < 120, "the README stays short");
    for command in ["new", "check", "score", "audit", "report"] {
        assert!(
            readme.contains(&format!("thirdside {command}")),
            "{command}"
        );
    }
    assert!(root_dir().join("docs/src/images/report.png").is_file());
}

#[test]
fn every_page_of_the_guide_is_in_its_summary_and_every_link_resolves() {
    let src = root_dir().join("docs/src");
    let summary = fs::read_to_string(src.join("SUMMARY.md")).expect("summary");
    for entry in fs::read_dir(&src).expect("docs/src") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".md") && name != "SUMMARY.md" {
            assert!(
                summary.contains(&format!("({name})")),
                "{name} is not in SUMMARY.md"
            );
            let page = fs::read_to_string(src.join(&name)).expect("page");
            for link in page.split("](").skip(1) {
                let target = link.split([')', '#']).next().unwrap_or_default();
                if target.ends_with(".md") || target.ends_with(".png") {
                    assert!(
                        src.join(target).is_file(),
                        "{name} links to missing {target}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_scores_in_the_guide_are_the_binarys() {
    let page = fs::read_to_string(root_dir().join("docs/src/corpus.md")).expect("page");
    let start = page.find("```text\n").expect("the table") + 8;
    let end = start + page[start..].find("```").expect("its end");
    let out = Test::new()
        .current_dir(root_dir())
        .args(["score", "--wide"])
        .success();
    assert_eq!(
        &page[start..end],
        out.stdout,
        "run `thirdside score --wide` and paste it"
    );
}
