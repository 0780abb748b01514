//! The report's templates give the same bytes whichever engine renders them: the fast
//! evaluator for templates within its subset, Handlebars itself for the rest. Every
//! file of a report is compared with the same report rendered by Handlebars alone, on
//! the shipped corpus, on a synthetic one, and with overrides inside and outside the
//! subset; a missing field still gives Handlebars' strict-mode error, and a view the
//! fast evaluator's data cannot hold is rendered by Handlebars.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use thirdside::corpus::validate::{Corpus, Options};
use thirdside::report::templating::templates::{HTML, MARKDOWN, Templates};
use thirdside::report::write::Output;

/// Every file of the report on `corpus`, path → bytes, or the error.
fn report(corpus: &Corpus, templates: &Templates) -> Result<BTreeMap<PathBuf, Vec<u8>>, String> {
    let rubric = thirdside::select_rubric(corpus, None).expect("one rubric");
    let (_, output) = thirdside::report::render(corpus, rubric, templates, Output::new())
        .map_err(|e| e.to_string())?;
    Ok(output
        .paths()
        .into_iter()
        .map(|path| {
            let bytes = output
                .get(path.to_str().expect("utf-8 path"))
                .expect("kept in memory");
            (path, bytes)
        })
        .collect())
}

/// Renders the report fast and with Handlebars alone, asserts every file is the same,
/// and returns the files with how many pages Handlebars rendered in the fast run.
fn same_bytes_both_ways(
    corpus: &Corpus,
    dir: Option<&Path>,
) -> (BTreeMap<PathBuf, Vec<u8>>, usize) {
    let templates = Templates::load(dir).expect("templates");
    let fast = report(corpus, &templates).expect("renders");
    let declined = templates.rendered_by_handlebars();
    let handlebars = Templates::load(dir).expect("templates").handlebars_only();
    let slow = report(corpus, &handlebars).expect("renders");
    assert!(handlebars.rendered_by_handlebars() > 0);
    assert_eq!(
        fast.keys().collect::<Vec<_>>(),
        slow.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &slow {
        if fast[path] != *bytes {
            let (fast, slow) = (
                String::from_utf8_lossy(&fast[path]),
                String::from_utf8_lossy(bytes),
            );
            let line = fast
                .lines()
                .zip(slow.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{} differs from line {}:\nfast:       {:?}\nHandlebars: {:?}",
                path.display(),
                line + 1,
                fast.lines().nth(line),
                slow.lines().nth(line)
            );
        }
    }
    (fast, declined)
}

fn shipped_corpus() -> Corpus {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let checked = thirdside::load(
        &[root.join("rubrics"), root.join("cases")],
        &Options::default(),
    )
    .expect("the shipped corpus is read");
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    checked.corpus
}

#[test]
fn every_embedded_template_is_within_the_fast_subset() {
    let templates = Templates::load(None).expect("templates");
    let all: Vec<String> = HTML
        .iter()
        .map(|(name, _)| format!("html/{name}"))
        .chain(MARKDOWN.iter().map(|(name, _)| format!("md/{name}")))
        .collect();
    assert_eq!(templates.fast_templates(), all);
    assert!(
        templates.handlebars_only().fast_templates().is_empty(),
        "forced off"
    );
}

#[test]
fn the_shipped_corpus_renders_the_same_bytes_both_ways() {
    let (files, declined) = same_bytes_both_ways(&shipped_corpus(), None);
    assert_eq!(declined, 0, "the fast evaluator rendered every page");
    for page in ["index.md", "index.html", "codebook.md"] {
        assert!(files.contains_key(Path::new(page)), "{page}");
    }
    let pages = files
        .keys()
        .filter(|p| p.starts_with("cases") || p.starts_with("audits"))
        .count();
    assert!(pages >= 14, "{pages} case and audit pages");
}

#[test]
fn a_synthetic_corpus_renders_the_same_bytes_both_ways() {
    let (files, declined) = same_bytes_both_ways(&common::synthetic_corpus(200, 11), None);
    assert_eq!(declined, 0, "the fast evaluator rendered every page");
    assert!(files.len() > 400, "{} files", files.len());
}

/// A theme whose overrides fall outside the subset: another helper, `lookup`, a
/// partial with a parameter.
fn theme_outside_the_subset(dir: &Path) {
    fs::create_dir_all(dir.join("html")).expect("mkdir");
    fs::create_dir_all(dir.join("md")).expect("mkdir");
    fs::write(
        dir.join("html/cell.hbs"),
        "{{#unless overridden}}<i>{{value}}</i>{{else}}<b>{{value}}</b>{{/unless}}{{lookup this \"interval\"}}",
    )
    .expect("write");
    fs::write(
        dir.join("html/footer.hbs"),
        "<footer>{{> header this}}{{engine_version}}</footer>\n",
    )
    .expect("write");
    fs::write(
        dir.join("md/cell.hbs"),
        "{{#unless open}}{{text}}{{else}}{{text}} (open){{/unless}}",
    )
    .expect("write");
}

#[test]
fn overrides_outside_the_subset_render_through_handlebars_with_the_same_bytes() {
    let dir = tempfile::tempdir().expect("temp");
    theme_outside_the_subset(dir.path());
    let templates = Templates::load(Some(dir.path())).expect("templates");
    // What includes an override outside the subset goes to Handlebars whole.
    assert_eq!(
        templates.fast_templates(),
        [
            "html/head",
            "html/header",
            "html/evidence",
            "html/bibliography",
            "md/evidence",
            "md/bibliography",
            "md/case",
            "md/codebook",
        ]
    );
    let (files, declined) =
        same_bytes_both_ways(&common::synthetic_corpus(12, 5), Some(dir.path()));
    assert!(declined > 0);
    let index = String::from_utf8_lossy(&files[Path::new("index.html")]).into_owned();
    assert!(index.contains("<i>"), "the override is used");
    assert!(
        index.contains("<footer><header>"),
        "the partial with a parameter"
    );
    let index = String::from_utf8_lossy(&files[Path::new("index.md")]).into_owned();
    assert!(index.contains(" (open)"), "the Markdown override is used");
}

#[test]
fn overrides_within_the_subset_are_rendered_fast_with_the_same_bytes() {
    let dir = tempfile::tempdir().expect("temp");
    fs::create_dir_all(dir.path().join("html")).expect("mkdir");
    fs::write(
        dir.path().join("html/cell.hbs"),
        "{{#with this}}{{#if open}}[{{interval}}]{{else}}{{{value}}}{{/if}}{{/with}}",
    )
    .expect("write");
    let templates = Templates::load(Some(dir.path())).expect("templates");
    assert_eq!(
        templates.fast_templates().len(),
        HTML.len() + MARKDOWN.len()
    );
    same_bytes_both_ways(&common::synthetic_corpus(12, 5), Some(dir.path()));
}

#[test]
fn a_missing_field_gives_handlebars_strict_mode_error() {
    let dir = tempfile::tempdir().expect("temp");
    fs::create_dir_all(dir.path().join("html")).expect("mkdir");
    fs::write(dir.path().join("html/cell.hbs"), "{{value}} {{valeu}}").expect("write");
    let corpus = shipped_corpus();
    let templates = Templates::load(Some(dir.path())).expect("templates");
    // A path is within the subset: the fast evaluator declines at render time.
    assert!(templates.fast_templates().contains(&"html/cell".to_owned()));
    let fast = report(&corpus, &templates).expect_err("a missing field");
    let slow = report(&corpus, &templates.handlebars_only()).expect_err("a missing field");
    assert_eq!(fast, slow);
    assert!(
        fast.contains("html/index.hbs: Error rendering \"cell\" line 1, col 11: Failed to access variable in strict mode Some(\"valeu\")"),
        "{fast}"
    );
}

/// A cell whose `extra` is a map with an `f32` key, which serde_json writes in a way of
/// its own: the fast evaluator's data declines to guess it.
#[derive(serde::Serialize)]
struct CellWithF32Keys {
    text: String,
    value: String,
    overridden: bool,
    open: bool,
    interval: String,
    extra: F32Keys,
}

struct F32Keys;

impl serde::Serialize for F32Keys {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map([(0.1f32, "a tenth")])
    }
}

fn cell_with_f32_keys() -> CellWithF32Keys {
    CellWithF32Keys {
        text: "1 [1–3]".to_owned(),
        value: "1".to_owned(),
        overridden: true,
        open: true,
        interval: "1–3".to_owned(),
        extra: F32Keys,
    }
}

#[test]
fn a_view_the_fast_evaluators_data_cannot_hold_is_rendered_by_handlebars() {
    let templates = Templates::load(None).expect("templates");
    let handlebars = Templates::load(None).expect("templates").handlebars_only();
    let cell = cell_with_f32_keys();
    let md = templates.markdown("cell", &cell).expect("renders");
    let html = templates.html("cell", &cell).expect("renders");
    assert_eq!(templates.rendered_by_handlebars(), 2);
    assert_eq!(md, handlebars.markdown("cell", &cell).expect("renders"));
    assert_eq!(html, handlebars.html("cell", &cell).expect("renders"));
    assert_eq!(md, "1 \\[1–3\\]");
    let both = templates
        .both_owned("cell", cell_with_f32_keys(), 0)
        .expect("renders");
    assert_eq!(templates.rendered_by_handlebars(), 4);
    assert_eq!(both, (md, html));
}
