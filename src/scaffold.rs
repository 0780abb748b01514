//! `thirdside new`: a case file to fill in, with every indicator `unknown` and the
//! rubric's scale and indicator statements as comments.
//!
//! The scaffold is valid as written (`check` accepts it and `audit` shows its full
//! intervals); every placeholder a person must replace is marked `EDIT`. Writing is
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
        "# Case file scaffolded by `thirdside new` against rubric `{}` {}.",
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
