//! Problems found in input files, and how they are shown to a person.
//!
//! A [`Diagnostic`] names the file, a byte span inside it (where there is one), the
//! message and, optionally, what would fix it. [`SourceMap`] keeps the text of every file
//! read so that a diagnostic can be rendered as
//! `path:line:column: error: message`, followed by the offending line and a caret.
//! This module does not decide what is a problem; loading and validation do.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The input is invalid: `check` fails and nothing is scored.
    Error,
    /// Worth a look, but the input is still valid.
    Warning,
}

impl Severity {
    /// The word printed before the message.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub path: PathBuf,
    /// Byte range of the offending text, when the problem has a place.
    pub span: Option<Range<usize>>,
    /// How serious it is.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What would fix it, when that can be said.
    pub help: Option<String>,
    /// The file whose errors this problem follows from (a bibliography that could not be
    /// read, say): while that file has errors, [`collapse`] shows its root error alone.
    pub cause: Option<Box<Path>>,
    /// How many problems that follow from this one [`collapse`] left out.
    pub hides: u32,
}

impl Diagnostic {
    /// An error at a place in a file.
    pub fn error(path: &Path, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            span,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            cause: None,
            hides: 0,
        }
    }

    /// A warning at a place in a file.
    pub fn warning(path: &Path, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, span, message)
        }
    }

    /// Adds what would fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks the problem as following from the errors of the file at `cause`.
    pub fn caused_by(mut self, cause: &Path) -> Self {
        self.cause = Some(cause.into());
        self
    }
}

/// Problems as a person should read them, root causes once: a problem that follows from
/// another file's errors ([`Diagnostic::cause`]) is left out while that file has errors
/// and counted on its first error; the same message repeated in one file is shown once,
/// with its count. Keeps the order of the rest.
pub fn collapse(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let broken: BTreeMap<PathBuf, usize> = diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.severity == Severity::Error && d.cause.is_none())
        .fold(BTreeMap::new(), |mut first, (i, d)| {
            first.entry(d.path.clone()).or_insert(i);
            first
        });
    let mut hidden: BTreeMap<usize, u32> = BTreeMap::new();
    let mut repeats: BTreeMap<(PathBuf, Severity, String), usize> = BTreeMap::new();
    let mut kept: Vec<(usize, Diagnostic)> = Vec::new();
    for (i, d) in diagnostics.into_iter().enumerate() {
        if let Some(root) = d.cause.as_ref().and_then(|c| broken.get(&c.to_path_buf())) {
            *hidden.entry(*root).or_default() += 1;
            continue;
        }
        let key = (d.path.clone(), d.severity, d.message.clone());
        let count = repeats.entry(key).or_default();
        *count += 1;
        if *count == 1 {
            kept.push((i, d));
        }
    }
    kept.into_iter()
        .map(|(i, mut d)| {
            d.hides += hidden.get(&i).copied().unwrap_or(0);
            let key = (d.path.clone(), d.severity, d.message.clone());
            if let Some(n) = repeats.get(&key).filter(|n| **n > 1) {
                d.message = format!("{} (and {} more like it in this file)", d.message, n - 1);
            }
            d
        })
        .collect()
}

/// The text of every file read, so that diagnostics can show lines and columns.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: BTreeMap<PathBuf, String>,
}

/// A position in a file, both 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line number, from 1.
    pub line: usize,
    /// Column, in characters, from 1.
    pub column: usize,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Remembers the text of a file.
    pub fn insert(&mut self, path: &Path, text: String) {
        self.files.insert(path.to_path_buf(), text);
    }

    /// The text of a file, if it was read.
    pub fn text(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// Line and column of a byte offset in a file.
    pub fn position(&self, path: &Path, offset: usize) -> Option<Position> {
        self.text(path).map(|text| position_in(text, offset))
    }

    /// Renders a diagnostic: the `path:line:column: severity: message` line, then the
    /// offending line with a caret under the span, then the help.
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let path = diagnostic.path.display();
        let severity = diagnostic.severity.as_str();
        let mut out = String::new();
        let located = diagnostic
            .span
            .as_ref()
            .and_then(|span| self.text(&diagnostic.path).map(|text| (span, text)));
        match located {
            Some((span, text)) => {
                let start = position_in(text, span.start);
                let _ = writeln!(
                    out,
                    "{path}:{}:{}: {severity}: {}",
                    start.line,
                    start.column,
                    clip(&diagnostic.message)
                );
                let line_text = line_at(text, span.start);
                let width = caret_width(text, span, line_text.len() + line_start(text, span.start));
                let (shown, column) = window(line_text, start.column);
                let number = start.line.to_string();
                let gutter = " ".repeat(number.len());
                let _ = writeln!(out, "{gutter} |");
                let _ = writeln!(out, "{number} | {}", shown.trim_end());
                let _ = writeln!(
                    out,
                    "{gutter} | {}{}",
                    " ".repeat(column - 1),
                    "^".repeat(width.min(WINDOW))
                );
            }
            None => {
                let _ = writeln!(out, "{path}: {severity}: {}", clip(&diagnostic.message));
            }
        }
        if let Some(help) = &diagnostic.help {
            let _ = writeln!(out, "  = help: {}", clip(help));
        }
        match diagnostic.hides {
            0 => {}
            1 => out.push_str("  = note: this hides 1 error that follows from it\n"),
            n => {
                let _ = writeln!(out, "  = note: this hides {n} errors that follow from it");
            }
        }
        out
    }
}

/// The most characters of a line shown around a caret.
const WINDOW: usize = 120;

/// The most characters of a message or help shown: they quote ids and dates from the
/// file, which hostile input can make a megabyte long.
const MESSAGE: usize = 300;

/// The message with its middle cut out when it is longer than [`MESSAGE`] characters:
/// the start says what was found, the end what is wrong with it.
fn clip(message: &str) -> std::borrow::Cow<'_, str> {
    let count = message.chars().count();
    if count <= MESSAGE {
        return message.into();
    }
    let head: String = message.chars().take(MESSAGE * 2 / 3).collect();
    let tail: String = message.chars().skip(count - MESSAGE / 3).collect();
    format!("{head}…{tail}").into()
}

/// The part of a long line around `column` (1-based, in characters), with `…` where it
/// was cut, and the caret's column within it.
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().map(visible).collect();
    if chars.len() <= WINDOW {
        return (chars.into_iter().collect(), column);
    }
    let from = column.saturating_sub(1).saturating_sub(WINDOW / 3);
    let to = (from + WINDOW).min(chars.len());
    let mut shown = String::new();
    let mut caret = column - from;
    if from > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend(&chars[from..to]);
    if to < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

/// Replaces characters that would garble a terminal line with visible stand-ins.
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        '\u{0}'..='\u{1f}' | '\u{7f}' => '\u{fffd}',
        '\u{feff}' => ' ',
        other => other,
    }
}

/// Byte offset where the line holding `offset` starts.
fn line_start(text: &str, offset: usize) -> usize {
    let offset = clamp_to_boundary(text, offset);
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The line holding `offset`, without its line break.
fn line_at(text: &str, offset: usize) -> &str {
    let start = line_start(text, offset);
    let rest = &text[start..];
    let end = rest.find('\n').unwrap_or(rest.len());
    rest[..end].trim_end_matches('\r')
}

/// Number of characters to underline: the span's part on its first line, at least one.
fn caret_width(text: &str, span: &Range<usize>, line_end: usize) -> usize {
    let start = clamp_to_boundary(text, span.start);
    let end = clamp_to_boundary(text, span.end.min(line_end)).max(start);
    text[start..end].chars().count().max(1)
}

/// The largest char boundary not after `offset`, within the text.
fn clamp_to_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Line and column (both from 1, column in characters) of a byte offset.
pub fn position_in(text: &str, offset: usize) -> Position {
    let offset = clamp_to_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = line_start(text, offset);
    let column = text[start..offset].chars().count() + 1;
    Position { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "a = 1\nné = \"x\"\n";
        assert_eq!(position_in(text, 0), Position { line: 1, column: 1 });
        let x = text.find('"').unwrap_or(0);
        assert_eq!(position_in(text, x), Position { line: 2, column: 6 });
        assert_eq!(position_in(text, 10_000).line, 3);
    }

    #[test]
    fn render_shows_line_and_caret() {
        let mut map = SourceMap::new();
        let path = Path::new("cases/a.toml");
        map.insert(path, "id = \"a\"\nweight = -1\n".to_string());
        let d = Diagnostic::error(path, Some(18..20), "weight must be positive")
            .with_help("use a number above 0");
        let shown = map.render(&d);
        assert_eq!(
            shown,
            "cases/a.toml:2:10: error: weight must be positive\n  |\n2 | weight = -1\n  |          ^^\n  = help: use a number above 0\n"
        );
    }

    #[test]
    fn render_without_span_names_the_file() {
        let map = SourceMap::new();
        let d = Diagnostic::error(Path::new("x.toml"), None, "cannot read");
        assert_eq!(map.render(&d), "x.toml: error: cannot read\n");
    }

    #[test]
    fn long_messages_are_cut_in_the_middle() {
        let mut sources = SourceMap::new();
        let id = "a".repeat(1 << 20);
        let text = format!("id = \"{id}\"\n");
        sources.insert(Path::new("a.toml"), text);
        let d = Diagnostic::error(
            Path::new("a.toml"),
            Some(5..id.len() + 7),
            format!("case id `{id}`: too long"),
        )
        .with_help(format!("did you mean `{id}`?"));
        let out = sources.render(&d);
        assert!(out.len() < 4 * 1024, "{} bytes", out.len());
        assert!(out.starts_with("a.toml:1:6: error: case id `aaa"), "{out}");
        assert!(out.contains("a`: too long\n"), "{out}");
        assert!(out.contains("a`?\n"), "{out}");
        assert_eq!(out.matches("a…a").count(), 2, "{out}");
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let mut map = SourceMap::new();
        let path = Path::new("a.toml");
        let line = format!("id = \"{}x{}\"", "a".repeat(500), "b".repeat(500));
        map.insert(path, line.clone());
        let at = line.find('x').unwrap_or(0);
        let shown = map.render(&Diagnostic::error(path, Some(at..at + 1), "here"));
        let lines: Vec<&str> = shown.lines().collect();
        assert!(lines[2].chars().count() < 140, "{}", lines[2]);
        let code = lines[2].split_once(" | ").map(|x| x.1).unwrap_or_default();
        let caret = lines[3].split_once(" | ").map(|x| x.1).unwrap_or_default();
        let col = caret.chars().take_while(|c| *c == ' ').count();
        assert_eq!(code.chars().nth(col), Some('x'), "{shown}");
    }

    #[test]
    fn collapse_shows_root_causes_once() {
        let bib = Path::new("rubrics/bibliography.toml");
        let case = Path::new("cases/a.toml");
        let diagnostics = vec![
            Diagnostic::error(bib, Some(3..4), "invalid type"),
            Diagnostic::error(case, Some(1..2), "source `x` is not in the bibliography")
                .caused_by(bib),
            Diagnostic::error(case, Some(5..6), "source `y` is not in the bibliography"),
            Diagnostic::error(case, Some(9..10), "source `y` is not in the bibliography"),
            Diagnostic::error(case, Some(12..13), "other").caused_by(Path::new("fine.toml")),
        ];
        let shown = collapse(diagnostics);
        assert_eq!(shown.len(), 3, "{shown:#?}");
        assert_eq!(shown[0].hides, 1);
        assert_eq!(
            shown[1].message,
            "source `y` is not in the bibliography (and 1 more like it in this file)"
        );
        assert_eq!(shown[2].message, "other");
        let mut map = SourceMap::new();
        map.insert(bib, "a = 1\n".to_string());
        assert!(
            map.render(&shown[0])
                .ends_with("  = note: this hides 1 error that follows from it\n")
        );
    }

    #[test]
    fn empty_span_at_end_of_file_still_has_a_caret() {
        let mut map = SourceMap::new();
        let path = Path::new("a.toml");
        map.insert(path, "x = [".to_string());
        let d = Diagnostic::error(path, Some(5..5), "unclosed array");
        assert!(map.render(&d).contains("1 | x = [\n  |      ^\n"));
    }
}
