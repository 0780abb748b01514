//! `thirdside report` through the binary: what it writes, determinism, `--check`,
//! templates, escaping, and that a failure never loses or half-writes output.

mod common;

use common::{Test, root_dir};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Every file under a folder, path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("list").flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == ".thirdside-cache") {
                // The render cache is not part of the report.
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("inside")
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, fs::read(&p).expect("read"));
            }
        }
    }
    files
}

fn report(out: &Path, input: &[&str]) -> Test {
    Test::new()
        .arg("report")
        .args(input)
        .args(["--out", out.to_str().expect("utf-8 path")])
}

const FIXTURES: &[&str] = &["fixtures/rubrics", "fixtures/valid"];

#[test]
fn writes_every_page_and_data_file() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    let run = report(&out, FIXTURES).success();
    assert!(run.stdout.contains("wrote 25 files"), "{}", run.stdout);
    let files = snapshot(&out);
    for name in [
        "index.md",
        "index.html",
        "progression.svg",
        "scores.json",
        "scores.csv",
        "codebook.md",
        "codebook.html",
        "cases/all-met.md",
        "cases/all-met.html",
        "cases/override.html",
        "cases/unknowns.md",
        "data/README.md",
        "data/cases.csv",
        "data/criteria.csv",
        "data/indicators.csv",
        "data/evidence.csv",
        "data/bibliography.csv",
        "data/trend.csv",
        "data/sensitivity.csv",
        "data/agreement.csv",
        "data/thirdside.xlsx",
        ".thirdside-manifest",
    ] {
        assert!(
            files.contains_key(name),
            "{name} missing: {:?}",
            files.keys()
        );
    }
    // The data files are the same contract as `score`.
    let json = Test::new()
        .args(["score", "--format", "json"])
        .args(FIXTURES)
        .success();
    // The data files are `score`'s contract, the report's JSON stamped with what the
    // release was made from.
    let mut report: serde_json::Value =
        serde_json::from_slice(&files["scores.json"]).expect("json");
    let stamp = report
        .as_object_mut()
        .and_then(|o| o.remove("release"))
        .expect("release stamp");
    assert_eq!(stamp["rubric"], "mini");
    assert_eq!(stamp["corpus_digest"].as_str().map(str::len), Some(16));
    let scored: serde_json::Value = serde_json::from_str(&json.stdout).expect("json");
    assert_eq!(report, scored);
    let csv = Test::new()
        .args(["score", "--format", "csv"])
        .args(FIXTURES)
        .success();
    assert_eq!(files["scores.csv"], csv.stdout.as_bytes());
    let index = String::from_utf8_lossy(&files["index.html"]);
    assert!(index.contains("<table class=\"scores cards\" id=\"scores\">"));
    assert!(
        index.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "chart inline"
    );
    assert!(!index.contains("<script"), "no JavaScript");
    // No external requests: nothing is fetched (the SVG namespace URI is only a name).
    for fetch in ["src=\"http", "<link", "url(http", "@import"] {
        assert!(!index.contains(fetch), "external request: {fetch}");
    }
    assert!(index.contains("href=\"cases/unknowns.html\""));
    assert!(
        index.contains("href=\"audits/unknowns.html\""),
        "initiatives link their audit"
    );
    // Overrides and unknowns are marked.
    assert!(index.contains("class=\"override\""));
    assert!(index.contains("[1–3]"));
    let case = String::from_utf8_lossy(&files["cases/override.md"]);
    assert!(
        case.contains("**Override:** the rule derives level 1; the coder assigns 0."),
        "{case}"
    );
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let dir = tempfile::tempdir().expect("temp");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    report(&a, FIXTURES).success();
    report(&b, FIXTURES).success();
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn check_names_stale_files_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    let missing = report(&out, FIXTURES).arg("--check").code(1);
    assert!(
        missing.stdout.contains("index.html (missing)"),
        "{}",
        missing.stdout
    );
    assert!(!out.exists(), "--check writes nothing");
    report(&out, FIXTURES).success();
    let current = report(&out, FIXTURES).arg("--check").success();
    assert!(current.stdout.contains("is current"), "{}", current.stdout);
    fs::write(out.join("index.md"), "edited by hand").expect("edit");
    let stale = report(&out, FIXTURES).arg("--check").code(1);
    assert!(
        stale.stdout.contains("index.md (differs)"),
        "{}",
        stale.stdout
    );
    assert!(stale.stderr.contains("stale"), "{}", stale.stderr);
    assert_eq!(
        fs::read_to_string(out.join("index.md")).expect("read"),
        "edited by hand"
    );
}

#[test]
fn files_thirdside_did_not_write_are_kept() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    fs::create_dir_all(out.join("cases")).expect("mkdir");
    fs::write(out.join("notes.txt"), "mine").expect("write");
    fs::write(out.join("cases/draft.md"), "mine too").expect("write");
    report(&out, FIXTURES).success();
    // A case removed from the input disappears from the report; the user's files stay.
    report(&out, &["fixtures/rubrics", "fixtures/valid/all-met.toml"]).success();
    assert!(!out.join("cases/unknowns.md").exists());
    assert!(out.join("cases/all-met.md").exists());
    assert_eq!(
        fs::read_to_string(out.join("notes.txt")).expect("read"),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(out.join("cases/draft.md")).expect("read"),
        "mine too"
    );
}

#[test]
fn a_failure_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    report(&out, FIXTURES).success();
    let before = snapshot(&out);

    // Invalid input.
    report(
        &out,
        &[
            "fixtures/rubrics",
            "fixtures/invalid/met-without-evidence.toml",
        ],
    )
    .code(1);
    assert_eq!(snapshot(&out), before);

    // A template that does not parse, and one that names a missing field (strict mode).
    let broken = dir.path().join("broken");
    fs::create_dir_all(broken.join("md")).expect("mkdir");
    fs::write(
        broken.join("md/cell.hbs"),
        "{{#if text}}mismatched{{/each}}",
    )
    .expect("write");
    let run = report(&out, FIXTURES)
        .args(["--templates", broken.to_str().expect("path")])
        .code(1);
    assert!(run.stderr.contains("md/cell.hbs"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before);
    fs::write(broken.join("md/cell.hbs"), "{{no_such_field}}").expect("write");
    let run = report(&out, FIXTURES)
        .args(["--templates", broken.to_str().expect("path")])
        .code(1);
    assert!(run.stderr.contains("no_such_field"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before);

    // A folder that cannot be written: its parent is a file.
    let blocker = dir.path().join("file");
    fs::write(&blocker, "x").expect("write");
    report(&blocker.join("reports"), FIXTURES).code(2);
    assert_eq!(fs::read_to_string(&blocker).expect("read"), "x");

    let leftovers: Vec<String> = fs::read_dir(dir.path())
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("thirdside-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn templates_are_overridable_one_file_at_a_time() {
    let dir = tempfile::tempdir().expect("temp");
    let theme = dir.path().join("theme");
    fs::create_dir_all(theme.join("html")).expect("mkdir");
    fs::write(
        theme.join("html/footer.hbs"),
        "<footer>Our own footer for {{rubric.id}}</footer>",
    )
    .expect("write");
    let out = dir.path().join("reports");
    report(&out, FIXTURES)
        .args(["--templates", theme.to_str().expect("path")])
        .success();
    let index = fs::read_to_string(out.join("index.html")).expect("read");
    assert!(index.contains("<footer>Our own footer for mini</footer>"));
    assert!(
        index.contains("<table class=\"scores cards\""),
        "the rest is still embedded"
    );

    // A folder that does not exist, or a file that replaces nothing, is an error.
    report(&out, FIXTURES)
        .args(["--templates", "no/such/theme"])
        .code(2);
    fs::write(theme.join("html/footr.hbs"), "x").expect("write");
    let run = report(&out, FIXTURES)
        .args(["--templates", theme.to_str().expect("path")])
        .code(2);
    assert!(
        run.stderr.contains("no html template named `footr`"),
        "{}",
        run.stderr
    );
}

/// Tags in markup that carry an `on…=` event attribute.
fn event_attributes(markup: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in markup.match_indices('<') {
        let rest = &markup[i + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        let lower = tag.to_ascii_lowercase();
        if lower
            .split(|c: char| c.is_whitespace() || c == '/')
            .skip(1)
            .any(|attr| attr.starts_with("on") && attr.contains('='))
        {
            found.push(tag.to_string());
        }
    }
    found
}

#[test]
fn text_from_case_and_rubric_files_is_inert() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("reports");
    report(&out, &["fixtures/hostile"]).success();
    for (name, bytes) in snapshot(&out) {
        let text = String::from_utf8_lossy(&bytes);
        if name.ends_with(".html") || name.ends_with(".svg") {
            assert!(!text.contains("<script"), "{name}: script tag");
            assert!(!text.contains("<img"), "{name}: img tag");
            assert_eq!(event_attributes(&text), Vec::<String>::new(), "{name}");
            assert!(
                !text.contains("href=\"javascript"),
                "{name}: javascript link"
            );
        }
        if name.ends_with(".md") {
            assert!(!text.contains("<script"), "{name}: script tag");
            assert!(!text.contains("<img"), "{name}: img tag");
            let unescaped = text.replace("\\]", "");
            assert!(
                !unescaped.contains("](javascript"),
                "{name}: javascript link"
            );
        }
    }
    let case = fs::read_to_string(out.join("cases/unknowns.html")).expect("read");
    assert!(case.contains("&lt;script&gt;alert"), "shown as text");
    assert!(
        case.contains("{{rubric.id}}"),
        "Handlebars syntax in data is not evaluated"
    );
    let md = fs::read_to_string(out.join("cases/unknowns.md")).expect("read");
    assert!(
        md.contains("a \\| pipe and a new line"),
        "a pipe cannot break a table"
    );
    let index = fs::read_to_string(out.join("index.md")).expect("read");
    // Every table row still has as many cells as its table's header.
    let cells = |l: &str| l.replace("\\|", "").matches('|').count();
    let lines: Vec<&str> = index.lines().collect();
    let mut header = None;
    let mut rows = 0;
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        if lines
            .get(i + 1)
            .is_some_and(|next| next.starts_with("|---"))
        {
            header = Some(cells(line));
        } else if let Some(expected) = header
            && !line.starts_with("|---")
        {
            assert_eq!(cells(line), expected, "{line}");
            rows += 1;
        }
    }
    assert!(rows >= 1, "the hostile case's row was checked");
    // Only http(s) URLs are linked.
    let html = fs::read_to_string(out.join("index.html")).expect("read");
    assert!(
        !html.contains("javascript:alert"),
        "the javascript: URL is not even shown as a link"
    );
}

#[test]
fn the_committed_reports_are_current() {
    Test::new()
        .current_dir(root_dir())
        .args(["report", "--check"])
        .success();
}

/// A copy of the fixture corpus that a test may edit.
fn editable_corpus(dir: &Path) -> [String; 2] {
    let root = root_dir().join("tests/fixtures");
    for (from, to) in [("rubrics", "rubrics"), ("valid", "cases")] {
        fs::create_dir_all(dir.join(to)).expect("mkdir");
        for entry in fs::read_dir(root.join(from)).expect("list").flatten() {
            fs::copy(entry.path(), dir.join(to).join(entry.file_name())).expect("copy");
        }
    }
    ["rubrics", "cases"].map(|p| dir.join(p).to_str().expect("utf-8").to_string())
}

fn kept(stdout: &str) -> usize {
    stdout
        .split("; ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// A second run keeps the case pages whose inputs did not change and renders the rest;
/// what it writes is always what a first run writes.
#[test]
fn a_second_run_renders_only_what_changed() {
    let dir = tempfile::tempdir().expect("temp");
    let input = editable_corpus(dir.path());
    let input: Vec<&str> = input.iter().map(String::as_str).collect();
    let out = dir.path().join("reports");
    let fresh = |name: &str| {
        let other = dir.path().join(name);
        let run = report(&other, &input).success();
        assert_eq!(kept(&run.stdout), 0, "{}", run.stdout);
        snapshot(&other)
    };

    let first = report(&out, &input).success();
    assert_eq!(kept(&first.stdout), 0, "{}", first.stdout);
    assert!(out.join(".thirdside-cache").is_file());
    let second = report(&out, &input).success();
    assert_eq!(
        kept(&second.stdout),
        6,
        "3 cases, 2 pages each: {}",
        second.stdout
    );
    assert!(
        second
            .stdout
            .contains("6 pages unchanged since the last run"),
        "{}",
        second.stdout
    );
    assert_eq!(snapshot(&out), fresh("a"));

    // An edited case is rendered again; the others are kept.
    let case = dir.path().join("cases/unknowns.toml");
    let text = fs::read_to_string(&case).expect("case");
    fs::write(&case, text.replacen("title = \"", "title = \"Edited: ", 1)).expect("edit");
    let third = report(&out, &input).success();
    assert_eq!(kept(&third.stdout), 4, "{}", third.stdout);
    assert!(
        fs::read_to_string(out.join("cases/unknowns.md"))
            .expect("page")
            .contains("Edited: "),
        "the edited case's page is new"
    );
    assert_eq!(snapshot(&out), fresh("b"));

    // A page changed by hand in the output is rendered again (and so restored).
    let page = out.join("cases/all-met.html");
    let original = fs::read(&page).expect("page");
    fs::write(&page, b"edited by hand").expect("edit");
    let fourth = report(&out, &input).success();
    assert_eq!(kept(&fourth.stdout), 4, "{}", fourth.stdout);
    assert_eq!(fs::read(&page).expect("page"), original);

    // A changed bibliography or rubric renders every page again.
    let bibliography = dir.path().join("rubrics/bibliography.toml");
    let text = fs::read_to_string(&bibliography).expect("bibliography");
    fs::write(&bibliography, format!("{text}\n# a comment\n")).expect("edit");
    let fifth = report(&out, &input).success();
    assert_eq!(kept(&fifth.stdout), 0, "{}", fifth.stdout);

    // So do overriding templates, and changing them again.
    let theme = dir.path().join("theme");
    fs::create_dir_all(theme.join("md")).expect("mkdir");
    fs::write(theme.join("md/evidence.hbs"), "- {{claim}} [{{id}}]").expect("theme");
    let themed = || {
        report(&out, &input)
            .args(["--templates", theme.to_str().expect("path")])
            .success()
    };
    assert_eq!(kept(&themed().stdout), 0);
    assert_eq!(kept(&themed().stdout), 6);
    fs::write(theme.join("md/evidence.hbs"), "- {{claim}} ({{id}})").expect("theme");
    assert_eq!(kept(&themed().stdout), 0);

    // A damaged cache is ignored: everything is rendered, and the report is whole.
    fs::write(
        out.join(".thirdside-cache"),
        "not\u{0}a cache\n12 x y ../escape\n",
    )
    .expect("damage");
    assert_eq!(kept(&report(&out, &input).success().stdout), 0);
    assert_eq!(kept(&report(&out, &input).success().stdout), 6);
    assert_eq!(snapshot(&out), fresh("c"));
    // `--check` compares every page's bytes and keeps nothing.
    report(&out, &input).arg("--check").success();
}

/// Silence is never a finding: in the committed report, no criterion whose interval is
/// open is stated by its level's label, and a level 0 with an open interval reads "not
/// established" everywhere its label appears.
#[test]
fn the_committed_report_never_states_an_open_level_by_its_label() {
    let reports = root_dir().join("reports");
    let scores: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(reports.join("scores.json")).expect("scores"))
            .expect("json");
    let mut open = 0;
    let pages: Vec<String> = snapshot(&reports)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".md") || path.ends_with(".html"))
        .map(|(_, bytes)| String::from_utf8(bytes).expect("utf-8"))
        .collect();
    for case in scores["cases"].as_array().expect("cases") {
        for c in case["criteria"].as_array().expect("criteria") {
            if c["established"] == true {
                continue;
            }
            open += 1;
            let level = c["level"].as_u64().expect("level");
            let label = c["level_label"].as_str().expect("label");
            let _ = level;
            assert_ne!(c["label"].as_str(), Some(label), "{c}");
            if level == 0 {
                assert_eq!(c["label"], "not established", "{c}");
            }
        }
    }
    assert!(open > 0, "the shipped corpus has open levels to check");
    for page in &pages {
        assert!(
            !page.contains("0 (Uninformed)"),
            "2016's history stated as a finding"
        );
    }
}

/// The key findings the comparative report opens with, on the shipped corpus: each
/// sentence agrees with what `trend`, `score` and `audit` say as JSON, and none states
/// more than the intervals support.
#[test]
fn the_key_findings_say_what_the_analyses_say() {
    let index = fs::read_to_string(root_dir().join("reports/index.md")).expect("index.md");
    let start = index.find("## Key findings").expect("key findings first");
    assert!(
        start < index.find("## Past efforts").expect("efforts table"),
        "the findings come before the table"
    );
    let findings = &index[start..index[start..].find("\nContents:").expect("contents") + start];
    let json = |args: &[&str]| -> serde_json::Value {
        let out = Test::new().current_dir(root_dir()).args(args).success();
        serde_json::from_str(&out.stdout).expect("json")
    };
    let trend = json(&["trend", "--format", "json"]);
    if trend["total"]["rise_holds"] == true {
        assert!(findings.contains("The rise holds"), "{findings}");
    } else {
        assert!(
            findings.contains("Whether it rose is not established"),
            "{findings}"
        );
        assert!(!findings.contains("The rise holds"), "{findings}");
    }
    // A criterion is said to have risen for sure only when one of its steps is a sure rise.
    let criteria = trend["criteria"].as_array().expect("criteria");
    let rose: Vec<&str> = criteria
        .iter()
        .filter(|c| {
            c["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .any(|s| s["sure"] == "rise")
        })
        .map(|c| c["id"].as_str().expect("id"))
        .collect();
    for c in criteria {
        let id = c["id"].as_str().expect("id");
        let said = findings
            .split("Rose for sure at some step: ")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .is_some_and(|list| list.split([',', ' ']).any(|w| w == id));
        assert_eq!(said, rose.contains(&id), "{id}: {findings}");
    }
    let scores = json(&["score", "--format", "json"]);
    let unknown: u64 = scores["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .flat_map(|c| c["criteria"].as_array().expect("criteria"))
        .map(|c| c["unknown"].as_u64().expect("unknown"))
        .sum();
    assert!(
        findings.contains(&format!("- {unknown} of ")),
        "{unknown} unknown: {findings}"
    );
    for case in scores["cases"].as_array().expect("cases") {
        if case["kind"] != "initiative" {
            continue;
        }
        let id = case["id"].as_str().expect("id");
        let title = case["title"].as_str().expect("title");
        let audit = Test::new().current_dir(root_dir()).args([
            "audit",
            &format!("cases/{id}.toml"),
            "--format",
            "json",
        ]);
        let audit = audit.run();
        let audit: serde_json::Value = serde_json::from_str(&audit.stdout).expect("audit json");
        let verdict = if audit["passed"] == true {
            format!("{title} passes its audit")
        } else {
            format!("{title} fails its audit")
        };
        assert!(findings.contains(&verdict), "{verdict}: {findings}");
    }
}

/// The committed comparative report, case pages and audits in one format (`md`, `html`).
fn committed_pages(reports: &std::path::Path, ext: &str) -> Vec<std::path::PathBuf> {
    let mut pages = vec![reports.join(format!("index.{ext}"))];
    for folder in ["cases", "audits"] {
        let mut found: Vec<_> = fs::read_dir(reports.join(folder))
            .expect("list")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        found.sort();
        pages.extend(found);
    }
    pages
}

/// What kind of page `page` is: `index.md`, `cases` or `audits`.
fn page_kind(reports: &std::path::Path, page: &std::path::Path) -> String {
    page.strip_prefix(reports)
        .expect("inside")
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .expect("a name")
}

/// In the committed Markdown pages — the comparative report, the case pages and the
/// audits — evidence ids are links, and every one leads to an anchor that GitHub and
/// CommonMark renderers keep (`<a name="evidence-…">`) in the evidence records of the
/// page it names.
#[test]
fn markdown_evidence_ids_link_to_their_records() {
    use pulldown_cmark::{Event, Parser, Tag};
    let reports = root_dir().join("reports");
    let pages = committed_pages(&reports, "md");
    let mut linked: BTreeMap<String, usize> = BTreeMap::new();
    for page in &pages {
        let text = fs::read_to_string(page).expect("page");
        let folder = page.parent().expect("a folder");
        for event in Parser::new(&text) {
            let Event::Start(Tag::Link { dest_url, .. }) = event else {
                continue;
            };
            let Some((file, anchor)) = dest_url.split_once("#evidence-") else {
                continue;
            };
            let target = fs::read_to_string(folder.join(file))
                .unwrap_or_else(|e| panic!("{}: {dest_url} names no page: {e}", page.display()));
            assert!(
                target.contains(&format!("<a name=\"evidence-{anchor}\"></a>")),
                "{}: {dest_url} leads to no record",
                page.display()
            );
            let kind = page_kind(&reports, page);
            *linked.entry(kind).or_default() += 1;
        }
    }
    for kind in ["index.md", "cases", "audits"] {
        assert!(
            linked.get(kind).is_some_and(|n| *n > 0),
            "no evidence link in {kind}: {linked:?}"
        );
    }
}

/// In the committed HTML pages — the comparative report, the case pages and the audits
/// — every evidence id is a link, and every link leads to a record with that id
/// (`id="evidence-…"`) in the page it names.
#[test]
fn html_evidence_ids_link_to_their_records() {
    let reports = root_dir().join("reports");
    let pages = committed_pages(&reports, "html");
    let mut linked: BTreeMap<String, usize> = BTreeMap::new();
    for page in &pages {
        let text = fs::read_to_string(page).expect("page");
        let folder = page.parent().expect("a folder");
        let kind = page_kind(&reports, page);
        for (at, _) in text.match_indices("#evidence-") {
            let start = text[..at].rfind("href=\"").expect("inside an href") + 6;
            let end = at + text[at..].find('"').expect("a closing quote");
            let href = &text[start..end];
            let (file, anchor) = href.split_once("#evidence-").expect("an anchor");
            let target = if file.is_empty() {
                text.clone()
            } else {
                fs::read_to_string(folder.join(file))
                    .unwrap_or_else(|e| panic!("{}: {href} names no page: {e}", page.display()))
            };
            assert!(
                target.contains(&format!("id=\"evidence-{anchor}\"")),
                "{}: {href} leads to no record",
                page.display()
            );
            *linked.entry(kind.clone()).or_default() += 1;
        }
        // No id is left as plain text: each `[eN]` is a link's text or a record's own
        // label on the case page.
        for (at, _) in text.match_indices("[e") {
            let rest = &text[at + 2..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || rest.as_bytes().get(digits) != Some(&b']') {
                continue;
            }
            let before = &text[..at];
            assert!(
                before.ends_with("\">"),
                "{}: an evidence id not linked near {:?}",
                page.display(),
                &text[at.saturating_sub(80)..(at + 10).min(text.len())]
            );
        }
    }
    for kind in ["index.html", "cases", "audits"] {
        assert!(
            linked.get(kind).is_some_and(|n| *n > 0),
            "no evidence link in {kind}: {linked:?}"
        );
    }
}

/// A step between two levels either of which is open is never told as "no change": the
/// same level on the evidence recorded says nothing of what the unknowns hide.
#[test]
fn a_step_between_open_levels_is_never_told_as_held() {
    let index = fs::read_to_string(root_dir().join("reports/index.md")).expect("index.md");
    let mut told = 0;
    for line in index
        .lines()
        .filter(|l| l.starts_with("**") && l.contains(" → "))
    {
        let Some((levels, change)) = line.rsplit_once(" (") else {
            continue;
        };
        let open = levels.contains("at least") || levels.contains("not established");
        if open && change.starts_with('0') {
            told += 1;
            assert!(change.contains("not established"), "{line}");
        }
        if !open && change.starts_with('0') {
            assert_eq!(change, "0)", "{line}");
        }
    }
    assert!(told > 0, "the shipped corpus has such steps");
}
