//! Every problem of one file in one run: TOML parsed with recovery, then the typed pass
//! repeated on a repaired document until it goes through.
//!
//! serde stops at a file's first type, enum or unknown-field error. Here the document
//! is first parsed tolerantly ([`toml::de::DeTable::parse_recoverable`], which returns
//! every syntax error); when it has none, the typed pass runs on the spanned document,
//! and each error it gives is recorded, then repaired in the document so the next
//! attempt gets past it: an unknown field is removed, an unknown enum value becomes the
//! nearest allowed one, a value of the wrong type and a missing field become a
//! placeholder of the expected type. Placeholders carry a *synthetic* span
//! ([`is_synthetic`]), so errors they cause are repaired without being reported: the
//! root cause is reported once.
//!
//! This module decides nothing about what is valid: it reports what serde reports,
//! with a "did you mean" where the expected names are known. What the repaired value
//! may be used for is the caller's decision ([`Recovered::checkable`]).

use crate::corpus::diagnostic::Diagnostic;
use serde::de::DeserializeOwned;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Where synthetic spans start: far beyond any file that is read (files are limited
/// to [`crate::corpus::load::MAX_FILE_BYTES`]).
const SYNTHETIC: usize = usize::MAX / 2;

/// The most repairs tried on one file before giving up on the rest.
const MAX_REPAIRS: usize = 120;

/// The most problems reported for one file; more are summarised in one line.
const MAX_REPORTED: usize = 100;

/// True for a span made by a repair, not found in the file.
pub fn is_synthetic(span: &Range<usize>) -> bool {
    span.start >= SYNTHETIC
}

/// A file parsed as far as it goes.
#[derive(Debug)]
pub struct Recovered<T> {
    /// The value, when the typed pass went through (after repairs, if `problems` is
    /// not empty).
    pub value: Option<T>,
    /// Every problem found, in the order found.
    pub problems: Vec<Diagnostic>,
    /// Whether the repaired value may still be validated for problems of its own: no
    /// repair replaced a table, an array or an `id`, which other parts refer to.
    pub checkable: bool,
    /// Spans in the file where a problem found by validating the repaired value may
    /// follow from a placeholder: the keys of the tables around each one. The caller
    /// leaves out validation problems at these spans. (String placeholders are not
    /// empty, so that checks of empty text do not fire on them.)
    pub tainted: Vec<Range<usize>>,
}

/// Parses `text` (read from `path`) as a `T`, collecting every problem.
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str) -> Recovered<T> {
    // The common case, at the cost it always had: a file that parses at once.
    let first = match toml::from_str::<T>(text) {
        Ok(value) => {
            return Recovered {
                value: Some(value),
                problems: Vec::new(),
                checkable: true,
                tainted: Vec::new(),
            };
        }
        Err(err) => err,
    };
    if text.trim().is_empty() {
        return Recovered {
            value: None,
            problems: vec![crate::corpus::load::toml_diagnostic(path, text, &first)],
            checkable: false,
            tainted: Vec::new(),
        };
    }
    let (document, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        let mut problems: Vec<Diagnostic> = Vec::new();
        for err in &syntax {
            let d = crate::corpus::load::toml_diagnostic(path, text, err);
            if !problems
                .iter()
                .any(|p| p.span == d.span && p.message == d.message)
            {
                problems.push(d);
            }
        }
        return Recovered {
            value: None,
            problems: limit(path, problems),
            checkable: false,
            tainted: Vec::new(),
        };
    }
    let mut repair = Repair {
        document,
        next: SYNTHETIC,
        checkable: true,
        tainted: Vec::new(),
    };
    let mut problems = Vec::new();
    let mut error = first;
    for _ in 0..MAX_REPAIRS {
        let span = error.span();
        let synthetic = span.as_ref().is_some_and(is_synthetic);
        let fixed = span
            .as_ref()
            .is_some_and(|s| repair.fix(s, error.message()));
        if !synthetic {
            let mut d = crate::corpus::load::toml_diagnostic(path, text, &error);
            if let Some(help) = did_you_mean(error.message()) {
                if let Some((short, _)) = d.message.split_once(", expected") {
                    d.message = short.to_string();
                }
                d = d.with_help(help);
            } else if d.help.is_none() {
                d.help = type_help(error.message()).map(str::to_string);
            }
            problems.push(d);
        }
        if !fixed {
            return Recovered {
                value: None,
                problems: limit(path, problems),
                checkable: false,
                tainted: Vec::new(),
            };
        }
        match T::deserialize(toml::de::Deserializer::from(repair.document.clone())) {
            Ok(value) => {
                return Recovered {
                    value: Some(value),
                    problems: limit(path, problems),
                    checkable: repair.checkable,
                    tainted: repair.tainted,
                };
            }
            Err(err) => error = err,
        }
    }
    problems.push(
        Diagnostic::error(
            path,
            None,
            format!("more than {MAX_REPAIRS} problems; the rest of the file was not read"),
        )
        .with_help("fix the problems above and run again"),
    );
    Recovered {
        value: None,
        problems: limit(path, problems),
        checkable: false,
        tainted: Vec::new(),
    }
}

/// What would fix a value of the wrong type.
fn type_help(message: &str) -> Option<&'static str> {
    let expected = message.split(", expected ").nth(1)?;
    if expected.contains("sequence") {
        Some(r#"write a list in brackets, as in ["a", "b"]"#)
    } else if expected.contains("string") {
        Some(r#"write the value in quotes, as in "text""#)
    } else if expected.contains("bool") {
        Some("write true or false, without quotes")
    } else if expected.contains("f64") {
        Some("write a number, as in 1.0, without quotes")
    } else if expected.starts_with("struct") || expected.contains("map") {
        Some("write a table here: a [header] with its fields below, or { key = value }")
    } else {
        None
    }
}

/// The first [`MAX_REPORTED`] problems in the order of the file, and a line saying how
/// many more there are.
fn limit(path: &Path, problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut problems = merge_missing(problems);
    problems.sort_by_key(|d| d.span.as_ref().map_or(usize::MAX, |s| s.start));
    if problems.len() > MAX_REPORTED {
        let more = problems.len() - MAX_REPORTED;
        problems.truncate(MAX_REPORTED);
        problems.push(Diagnostic::error(
            path,
            None,
            format!("{more} more problems in this file are not shown"),
        ));
    }
    problems
}

/// The fields missing from one table as one problem: "missing fields `kind`, `title`".
fn merge_missing(problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut fields: Vec<Vec<String>> = Vec::new();
    for d in problems {
        let field = d
            .message
            .strip_prefix("missing field `")
            .and_then(|r| r.strip_suffix('`'))
            .map(str::to_string);
        let Some(field) = field else {
            out.push(d);
            fields.push(Vec::new());
            continue;
        };
        match out
            .iter()
            .position(|o| o.span == d.span && o.message.starts_with("missing field"))
        {
            Some(i) => fields[i].push(field),
            None => {
                out.push(d);
                fields.push(vec![field]);
            }
        }
    }
    for (d, names) in out.iter_mut().zip(fields) {
        if names.len() > 1 {
            let list: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            d.message = format!("missing fields {}", list.join(", "));
            d.help = Some(
                "add the fields; see cases/README.md or rubrics/README.md for every required field"
                    .to_string(),
            );
        }
    }
    out
}

/// "did you mean `title`?" for an unknown field or enum value near an expected one.
fn did_you_mean(message: &str) -> Option<String> {
    let (found, expected) = unknown_and_expected(message)?;
    let what = if message.starts_with("unknown variant") {
        "the values are"
    } else {
        "the fields here are"
    };
    let list = expected
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match nearest(&found, &expected) {
        Some(n) => Some(format!("did you mean `{n}`? {what} {list}")),
        None if expected.is_empty() => None,
        None => Some(format!("{what} {list}")),
    }
}

/// From "unknown field `titel`, expected `id` or `title`" (or "expected one of `a`, `b`"):
/// the name found and the names expected.
fn unknown_and_expected(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message
        .strip_prefix("unknown field ")
        .or_else(|| message.strip_prefix("unknown variant "))?;
    let names: Vec<String> = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let (found, expected) = names.split_first()?;
    Some((found.clone(), expected.to_vec()))
}

/// The expected name nearest to `found`: equal but for case, or within a small edit
/// distance.
fn nearest<'a>(found: &str, expected: &'a [String]) -> Option<&'a str> {
    let lower = found.to_lowercase();
    if let Some(same) = expected.iter().find(|e| e.to_lowercase() == lower) {
        return Some(same);
    }
    let limit = found.chars().count().div_ceil(3).max(1);
    expected
        .iter()
        .map(|e| (distance(&lower, &e.to_lowercase()), e))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, e)| (*d, e.as_str()))
        .map(|(_, e)| e.as_str())
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// The document being repaired.
struct Repair<'i> {
    document: Spanned<DeTable<'i>>,
    /// The next synthetic span's start.
    next: usize,
    /// No repair so far touched what other parts refer to.
    checkable: bool,
    /// [`Recovered::tainted`].
    tainted: Vec<Range<usize>>,
}

/// What an error asks of the repair.
enum Fix<'i> {
    /// Remove the key at the span.
    Remove,
    /// Rename the key at the span (a near miss of a field the table lacks).
    Rename(String),
    /// Replace the value at the span with this one.
    Replace(DeValue<'i>),
    /// Add the field to the table at the span.
    Insert(String),
}

impl Repair<'_> {
    /// Repairs the document at `span` as `message` asks; false when it cannot.
    fn fix(&mut self, span: &Range<usize>, message: &str) -> bool {
        let fix = if message.starts_with("unknown field") {
            match unknown_and_expected(message) {
                Some((found, expected)) => match nearest(&found, &expected) {
                    Some(near) => Fix::Rename(near.to_string()),
                    None => Fix::Remove,
                },
                None => Fix::Remove,
            }
        } else if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Fix::Insert(field.to_string())
        } else if message.starts_with("unknown variant") {
            match unknown_and_expected(message) {
                Some((found, expected)) if !expected.is_empty() => {
                    // The near miss stands for what the coder meant; without one,
                    // `unknown` is what silence says, and anything else is a guess
                    // whose consequences must not be reported.
                    let chosen = match nearest(&found, &expected) {
                        Some(near) => near,
                        None if expected.iter().any(|e| e == "unknown") => "unknown",
                        None => {
                            self.checkable = false;
                            &expected[0]
                        }
                    };
                    Fix::Replace(DeValue::String(chosen.to_string().into()))
                }
                _ => return false,
            }
        } else if let Some(expected) = message.split(", expected ").nth(1) {
            match placeholder(expected) {
                Some(value) => Fix::Replace(value),
                None => return false,
            }
        } else {
            return false;
        };
        let synthetic = self.next..self.next;
        self.next += 1;
        let root_span = self.document.span();
        let mut checkable = true;
        let done = apply(
            root_span,
            self.document.get_mut(),
            span,
            &fix,
            synthetic.clone(),
            &mut checkable,
        );
        self.checkable &= checkable;
        if done && let Some(trail) = trail(self.document.get_ref(), &synthetic) {
            self.tainted.extend(trail);
        }
        done
    }
}

/// The key spans of the tables around the value at `target`, from the inside out;
/// `None` when it is not in `table`.
fn trail(table: &DeTable<'_>, target: &Range<usize>) -> Option<Vec<Range<usize>>> {
    for (key, value) in table.iter() {
        let mut found = if value.span() == *target {
            Some(Vec::new())
        } else {
            match value.get_ref() {
                DeValue::Table(inner) => trail(inner, target),
                DeValue::Array(array) => array.iter().find_map(|element| match element.get_ref() {
                    DeValue::Table(inner) => trail(inner, target).map(|mut t| {
                        t.push(element.span());
                        t
                    }),
                    _ => (element.span() == *target).then(Vec::new),
                }),
                _ => None,
            }
        };
        if let Some(found) = &mut found {
            found.push(key.span());
            return Some(found.clone());
        }
    }
    None
}

/// A value of the type an error message expects ("a string", "a sequence", "i64",
/// "struct Coding", "a boolean").
fn placeholder(expected: &str) -> Option<DeValue<'static>> {
    let e = expected.trim();
    let text = if e.starts_with("struct") || e.contains("map") || e.contains("table") {
        "{}"
    } else if e.contains("string")
        || e.contains("str")
        || e.starts_with("enum")
        || e.contains("variant")
    {
        "\"?\""
    } else if e.contains("sequence") || e.contains("array") || e.starts_with("tuple") {
        "[]"
    } else if e.contains("i64")
        || e.contains("u64")
        || e.contains("i32")
        || e.contains("u32")
        || e.contains("usize")
        || e.contains("integer")
    {
        "0"
    } else if e.contains("f64") || e.contains("f32") || e.contains("float") {
        "0.0"
    } else if e.contains("bool") {
        "false"
    } else {
        return None;
    };
    DeValue::parse(text).ok().map(Spanned::into_inner)
}

/// Applies `fix` to the node of `table` (whose own span is `table_span`) at `span`.
fn apply<'i>(
    table_span: Range<usize>,
    table: &mut DeTable<'i>,
    span: &Range<usize>,
    fix: &Fix<'i>,
    synthetic: Range<usize>,
    checkable: &mut bool,
) -> bool {
    if let Fix::Insert(field) = fix
        && table_span == *span
        && !table.contains_key(field.as_str())
    {
        *checkable &= field != "id";
        table.insert(
            Spanned::new(synthetic.clone(), field.clone().into()),
            Spanned::new(synthetic, string("?")),
        );
        return true;
    }
    let mut target = None;
    for (key, value) in table.iter() {
        if key.span() == *span || value.span() == *span {
            target = Some(key.get_ref().to_string());
            break;
        }
    }
    if let Some(key) = target {
        return match fix {
            Fix::Remove => table.remove(key.as_str()).is_some(),
            Fix::Rename(new) if !table.contains_key(new.as_str()) => {
                match table.remove_entry(key.as_str()) {
                    Some((old, value)) => {
                        table.insert(Spanned::new(old.span(), new.clone().into()), value);
                        true
                    }
                    None => false,
                }
            }
            Fix::Rename(_) => table.remove(key.as_str()).is_some(),
            Fix::Replace(new) => match table.get_mut(key.as_str()) {
                Some(value) => {
                    let structural =
                        matches!(value.get_ref(), DeValue::Table(_) | DeValue::Array(_));
                    *checkable &= !structural && key != "id";
                    *value = Spanned::new(synthetic, new.clone());
                    true
                }
                None => false,
            },
            Fix::Insert(_) => match table.get_mut(key.as_str()) {
                Some(value) => {
                    let value_span = value.span();
                    descend(value_span, value.get_mut(), span, fix, synthetic, checkable)
                }
                None => false,
            },
        };
    }
    table.iter_mut().any(|(_, value)| {
        let value_span = value.span();
        within(&value_span, span)
            && descend(
                value_span,
                value.get_mut(),
                span,
                fix,
                synthetic.clone(),
                checkable,
            )
    })
}

/// Whether the node at `span` may lie inside the value at `outer`: a synthetic span may
/// lie anywhere, since placeholders sit inside real values.
/// toml's spans of arrays of tables and their elements cover their headers only, so
/// every node is searched.
fn within(_outer: &Range<usize>, _span: &Range<usize>) -> bool {
    true
}

/// [`apply`] inside a value: a table, or the elements of an array.
fn descend<'i>(
    value_span: Range<usize>,
    value: &mut DeValue<'i>,
    span: &Range<usize>,
    fix: &Fix<'i>,
    synthetic: Range<usize>,
    checkable: &mut bool,
) -> bool {
    match value {
        DeValue::Table(table) => apply(value_span, table, span, fix, synthetic, checkable),
        DeValue::Array(array) => {
            for element in array.iter_mut() {
                let element_span = element.span();
                if element_span == *span
                    && let Fix::Replace(new) = fix
                {
                    *checkable &=
                        !matches!(element.get_ref(), DeValue::Table(_) | DeValue::Array(_));
                    *element = Spanned::new(synthetic, new.clone());
                    return true;
                }
                if within(&element_span, span)
                    && descend(
                        element_span,
                        element.get_mut(),
                        span,
                        fix,
                        synthetic.clone(),
                        checkable,
                    )
                {
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

fn string(text: &str) -> DeValue<'static> {
    DeValue::String(text.to_string().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        kind: Kind,
        count: i64,
        tags: Vec<String>,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        status: Kind,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    enum Kind {
        Effort,
        Initiative,
    }

    fn problems(text: &str) -> Vec<String> {
        let r = parse::<Doc>(Path::new("a.toml"), text);
        r.problems
            .iter()
            .map(|d| format!("{} | {}", d.message, d.help.clone().unwrap_or_default()))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_once() {
        let text = "titel = \"x\"\nkind = \"Effort\"\ncount = \"3\"\ntags = \"a\"\n[[items]]\nid = \"a\"\nstatus = \"initiativ\"\nnote = 1\n";
        let found = problems(text);
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(
            found[0].starts_with("unknown field `titel` |"),
            "{found:#?}"
        );
        assert!(found[0].contains("did you mean `title`?"), "{found:#?}");
        assert!(found.iter().any(
            |p| p.contains("unknown variant `Effort`") && p.contains("did you mean `effort`?")
        ));
        assert!(
            found
                .iter()
                .any(|p| p.contains("unknown variant `initiativ`")
                    && p.contains("did you mean `initiative`?"))
        );
        assert!(found.iter().any(|p| p.contains("unknown field `note`")));
        // `titel` stands for `title`: no "missing field" follows from it.
        assert!(!found.iter().any(|p| p.contains("missing field")));
        assert!(
            found
                .iter()
                .any(|p| p.contains("invalid type") && p.contains("string"))
        );
    }

    #[test]
    fn placeholders_cause_no_further_reports() {
        // `tags` is missing: its placeholder is repaired silently to an array.
        let found = problems("title = \"x\"\nkind = \"effort\"\ncount = 1\n");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("missing field `tags`"));
    }

    #[test]
    fn a_valid_file_has_no_problems_and_is_checkable() {
        let r = parse::<Doc>(
            Path::new("a.toml"),
            "title = \"x\"\nkind = \"effort\"\ncount = 1\ntags = []\n",
        );
        assert!(r.problems.is_empty() && r.value.is_some() && r.checkable);
    }

    #[test]
    fn syntax_errors_are_all_reported_and_nothing_is_typed() {
        let r = parse::<Doc>(Path::new("a.toml"), "title = \"x\nkind = = 1\ncount = [\n");
        assert!(r.value.is_none());
        assert!(!r.problems.is_empty());
    }

    #[test]
    fn replacing_a_table_makes_the_value_uncheckable() {
        let r = parse::<Doc>(
            Path::new("a.toml"),
            "title = \"x\"\nkind = \"effort\"\ncount = 1\ntags = []\nitems = [1]\n",
        );
        assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);
        assert!(r.value.is_some());
        // An integer replaced by a table is not structural, but the items' ids are
        // placeholders now.
        let r = parse::<Doc>(
            Path::new("a.toml"),
            "title = \"x\"\nkind = \"effort\"\ncount = 1\ntags = []\n[[items]]\nstatus = \"effort\"\n",
        );
        assert!(!r.checkable);
    }

    #[test]
    fn the_keys_around_a_placeholder_are_tainted() {
        let text = "title = \"x\"\nkind = \"effort\"\ncount = 1\ntags = []\n[[items]]\nid = \"a\"\nstatus = \"effrt\"\n";
        let r = parse::<Doc>(Path::new("a.toml"), text);
        assert_eq!(r.problems.len(), 1, "{:#?}", r.problems);
        let shown: Vec<&str> = r
            .tainted
            .iter()
            .filter_map(|s| text.get(s.clone()))
            .collect();
        assert!(shown.contains(&"status"), "{shown:?}");
        assert!(shown.contains(&"items"), "{shown:?}");
    }

    #[test]
    fn hostile_input_ends() {
        let mut text = String::from("title = \"x\"\nkind = \"effort\"\ncount = 1\ntags = []\n");
        for i in 0..500 {
            text.push_str(&format!("extra{i} = 1\n"));
        }
        let r = parse::<Doc>(Path::new("a.toml"), &text);
        assert!(r.problems.len() <= MAX_REPORTED + 2);
        assert!(r.value.is_none());
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("titel", "title"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("same", "same"), 0);
    }
}
