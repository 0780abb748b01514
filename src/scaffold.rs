//! `thirdside new`: a case file to fill in, with every indicator `unknown` and the
//! rubric's scale and indicator statements as comments.
//!
//! The scaffold is valid as written (`check` accepts it and `audit` shows its full
//! intervals); every placeholder a person must replace is marked `EDIT`, and `check`
//! warns of each one left ([`placeholders`]). Its first line ([`MARK`]) says the file
//! is a scaffold: an effort whose scaffold still has placeholders is left out of the
//! trend. Writing is
//! atomic and never overwrites: the text goes to a temporary file beside the target,
//! which is then hard-linked into place (a link fails if the name exists, so a file
//! created meanwhile is not lost) and the temporary name removed.

use crate::corpus::date::PartialDate;
use crate::corpus::model::{Kind, Rubric};
use crate::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Width of wrapped comments.
const WIDTH: usize = 88;

/// What to scaffold.
#[derive(Debug, Clone)]
pub struct Scaffold<'a> {
    /// The case id (already checked with [`crate::corpus::id::problem`]).
    pub id: &'a str,
    /// The title.
    pub title: &'a str,
    /// Effort or initiative.
    pub kind: Kind,
    /// The rubric to code against.
    pub rubric: &'a Rubric,
    /// The date written as the placeholder start and as the coding date.
    pub today: PartialDate,
}

/// A title made from an id: `2019-montevideo-mechanism` → `2019 montevideo mechanism`.
pub fn title_from_id(id: &str) -> String {
    let words: Vec<&str> = id.split(['-', '_']).filter(|w| !w.is_empty()).collect();
    let mut title = words.join(" ");
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + title.get(1..).unwrap_or("");
    }
    title
}

/// A TOML basic string holding `text`, escaped.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `text` as comment lines wrapped to [`WIDTH`], each starting with `prefix`.
fn comment(out: &mut String, prefix: &str, text: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty()
            && prefix.len() + line.chars().count() + 1 + word.chars().count() > WIDTH
        {
            let _ = writeln!(out, "{prefix}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{prefix}{line}");
    }
}

/// The text of the scaffolded case file.
pub fn render(s: &Scaffold) -> String {
    let rubric = s.rubric;
    let today = s.today.to_string();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{MARK} against rubric `{}` {}.",
        rubric.id.get_ref(),
        rubric.version
    );
    out.push_str(
        "# Replace every placeholder marked EDIT; the format is described in cases/README.md.\n\
         # Every indicator starts `unknown`: the audit then shows the full interval. Mark one\n\
         # `met` only with evidence: { status = \"met\", evidence = [\"e1\"] }; mark it `unmet`\n\
         # when the sources show it did not hold (cite them where they say so).\n\n",
    );
    let _ = writeln!(out, "id = {}", quoted(s.id));
    let _ = writeln!(out, "title = {}", quoted(s.title));
    let _ = writeln!(
        out,
        "kind = \"{}\"  # effort (a past process) | initiative (one being audited)",
        s.kind.as_str()
    );
    let _ = writeln!(out, "rubric = {}", quoted(rubric.id.get_ref()));
    let _ = writeln!(out, "rubric_version = {}", quoted(&rubric.version));
    let _ = writeln!(
        out,
        "start = \"{today}\"  # EDIT: when it began: YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source"
    );
    out.push_str("# end = \"YYYY-MM-DD\"  # optional: when it ended\n");
    out.push_str("conflict = \"EDIT: the conflict it addresses\"\n");
    out.push_str("mediators = [\"EDIT: a mediator or facilitator\"]\n");
    out.push_str("parties = [\"EDIT: a party\", \"EDIT: another party\"]\n");
    out.push_str("# host = \"EDIT: where it is hosted\"   # optional\n");
    out.push_str("summary = \"EDIT: what it is and what happened, in your own words.\"\n");
    out.push_str("outcome = \"EDIT: how it ended, or where it stands.\"\n");
    out.push_str("strategy = \"unknown\"  # facilitation | formulation | manipulation | unknown\n");
    out.push_str("# strategy_note = \"EDIT: why that strategy\"   # optional\n\n");
    out.push_str("[coding]\ncoder = \"EDIT: your name\"\n");
    let _ = writeln!(out, "date = \"{today}\"  # EDIT: the date of coding");
    out.push_str(
        "\n# Evidence: one [[evidence]] table per record; observations cite records by id.\n\
         # [[evidence]]\n\
         # id = \"e1\"\n\
         # claim = \"What the source shows, in your own words.\"\n\
         # quote = \"a short verbatim quotation\"   # optional\n\
         # source = \"a-bibliography-key\"          # a key of rubrics/bibliography.toml\n\
         # locator = \"p. 12\"                      # section, page or paragraph\n\
         # date = \"2025-03\"                      # optional: when the fact became known (audit --as-of)\n",
    );
    for criterion in rubric.criteria.get_ref() {
        out.push('\n');
        let _ = writeln!(
            out,
            "# ── {}: {} (weight {}{})",
            criterion.id.get_ref(),
            criterion.name,
            criterion.weight.get_ref(),
            criterion
                .sin
                .map(|s| format!("; guards against {}", s.as_str()))
                .unwrap_or_default()
        );
        comment(&mut out, "# ", &criterion.question);
        let _ = writeln!(out, "[observations.{}]", criterion.id.get_ref());
        for (n, level) in criterion.levels.get_ref().iter().enumerate() {
            comment(
                &mut out,
                "# ",
                &format!("Level {n}, {}: {}", level.label, level.descriptor),
            );
            for indicator in &level.indicators {
                comment(&mut out, "#   ", &indicator.text);
                let _ = writeln!(
                    out,
                    "{} = {{ status = \"unknown\" }}",
                    indicator.id.get_ref()
                );
            }
        }
    }
    out
}

/// The first line of every scaffold: how a file is known to have been made by
/// `thirdside new`.
pub const MARK: &str = "# Case file scaffolded by `thirdside new`";

/// True when `text` is a scaffold of `thirdside new` (its first line is [`MARK`]).
pub fn is_scaffold(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').starts_with(MARK)
}

/// A placeholder left in a case file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    /// Byte range of the quoted value.
    pub span: std::ops::Range<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What would fix it.
    pub help: &'static str,
}

/// The placeholders a person must still replace in a case file's `text`: string values
/// that begin with `EDIT:` (the scaffold's marks) or are `TODO`, `TBD`, `FIXME` or
/// `XXX` (a justification or note to be written), and, in a scaffold, a `start` still
/// the scaffold's date (the day it was made, which it also wrote as the coding date).
/// Comments are not values: a placeholder in a comment is not one.
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut offset = 0;
    let mut dates: Vec<(std::ops::Range<usize>, &str, &str)> = Vec::new();
    for line in text.split_inclusive('\n') {
        for (range, value) in quoted_values(line) {
            let span = offset + range.start..offset + range.end;
            let word = value.trim();
            let upper = word.to_ascii_uppercase();
            if upper == "EDIT" || upper.starts_with("EDIT:") {
                found.push(Placeholder {
                    span,
                    message: format!("a placeholder is left: {}", shorten(word)),
                    help: "replace it with what the sources say, or remove the field where it is optional",
                });
            } else if matches!(
                upper.trim_end_matches(['.', ':']),
                "TODO" | "TBD" | "FIXME" | "XXX"
            ) || word.starts_with("TODO:")
                || word.starts_with("TODO ")
            {
                found.push(Placeholder {
                    span,
                    message: format!("`{}` is a placeholder, not a text", shorten(word)),
                    help: "write it out: a justification or note says why, from the sources",
                });
            } else if let Some(key) = line.split('=').next().map(str::trim)
                && matches!(key, "start" | "date")
                && line.contains("# EDIT")
            {
                dates.push((span, key, value));
            }
        }
        offset += line.len();
    }
    if is_scaffold(text)
        && let [(span, "start", start), (_, "date", coded)] = dates.as_slice()
        && start == coded
    {
        found.push(Placeholder {
            span: span.clone(),
            message: format!("`start` is still {start}, the day this file was scaffolded"),
            help: "write when it began, as precise as the source (YYYY, YYYY-MM or YYYY-MM-DD)",
        });
    }
    found.sort_by_key(|p| p.span.start);
    found
}

/// A placeholder quoted in a message, at most 60 characters.
fn shorten(word: &str) -> String {
    let mut short: String = word.chars().take(60).collect();
    if short.len() < word.len() {
        short.push('…');
    }
    format!("\"{short}\"")
}

/// The basic strings (`"…"`) of one line before any comment, with their byte ranges
/// (quotes included) and contents (escapes left as written).
fn quoted_values(line: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut values = Vec::new();
    let mut start = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (start, c) {
            (None, '#') => break,
            (None, '"') => start = Some(i),
            (Some(_), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(from), '"') if !escaped => {
                values.push((from..i + 1, &line[from + 1..i]));
                start = None;
            }
            _ => {}
        }
        escaped = false;
    }
    values
}

/// Today's date in UTC, from the system clock.
pub fn today() -> PartialDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0);
    civil_from_days(days as i64)
}

/// The calendar date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> PartialDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    PartialDate {
        year: year.clamp(1000, 9999) as u16,
        month: Some(month as u8),
        day: Some(day as u8),
    }
}

/// Writes `text` to `path` atomically, refusing to replace an existing file.
///
/// Creates the parent folder if needed. An existing file is a usage error (exit 2) and
/// is left untouched.
pub fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    let exists = || {
        Error::Usage(format!(
            "{} already exists; `thirdside new` never overwrites a file: choose another id, or move the file away",
            path.display()
        ))
    };
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|source| Error::Io {
        path: dir.clone(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        drop(file);
        std::fs::hard_link(&temp, path)
    })();
    let _ = std::fs::remove_file(&temp);
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
        Err(e) => Err(io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0).to_string(), "1970-01-01");
        assert_eq!(civil_from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(civil_from_days(17_933).to_string(), "2019-02-06");
        assert_eq!(civil_from_days(20_454).to_string(), "2026-01-01");
    }

    #[test]
    fn titles_from_ids() {
        assert_eq!(title_from_id("my-new_talks"), "My new talks");
        assert_eq!(title_from_id("2019-talks"), "2019 talks");
    }

    #[test]
    fn placeholders_in_values_are_found_and_comments_are_not() {
        let text = "# Case file scaffolded by `thirdside new` against rubric `r` 1.\n# EDIT in a comment\nid = \"x\"\nstart = \"2026-01-01\"  # EDIT: when it began\nparties = [\"EDIT: a party\", \"B\"]\nnote = \"a \\\"quoted\\\" # not a comment\"\n[coding]\ndate = \"2026-01-01\"  # EDIT: the date of coding\n[overrides.h]\njustification = \"TODO\"\n";
        let found = placeholders(text);
        let shown: Vec<&str> = found.iter().map(|p| &text[p.span.clone()]).collect();
        assert_eq!(
            shown,
            vec!["\"2026-01-01\"", "\"EDIT: a party\"", "\"TODO\""],
            "{found:#?}"
        );
        assert!(
            found[0]
                .message
                .contains("the day this file was scaffolded")
        );
        // An edited start, or a file that is no scaffold, has no date placeholder.
        let edited = text.replacen("start = \"2026-01-01\"", "start = \"2019-02\"", 1);
        assert_eq!(placeholders(&edited).len(), 2);
        assert!(!is_scaffold(&text[text.find('\n').unwrap_or(0)..]));
        let prose =
            "title = \"Editing the record\"\nsummary = \"Todo list\"\noutcome = \"TODOs\"\n";
        assert!(placeholders(prose).is_empty(), "{:#?}", placeholders(prose));
    }

    #[test]
    fn a_fresh_scaffold_is_a_scaffold_full_of_placeholders() {
        let checked = crate::corpus::validate::validate(
            crate::corpus::embedded::corpus(),
            &Default::default(),
        );
        let rubric = &checked.corpus.rubrics[0].value;
        let text = render(&Scaffold {
            id: "fresh",
            title: "Fresh",
            kind: Kind::Effort,
            rubric,
            today: civil_from_days(20_454),
        });
        assert!(is_scaffold(&text));
        let found = placeholders(&text);
        assert!(found.len() >= 8, "{found:#?}");
        assert!(found.iter().any(|p| p.message.contains("scaffolded")));
    }

    #[test]
    fn write_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cases/a.toml");
        write_new(&path, "one").unwrap();
        let err = write_new(&path, "two").unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one");
        let left: Vec<_> = std::fs::read_dir(dir.path().join("cases"))
            .unwrap()
            .collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
