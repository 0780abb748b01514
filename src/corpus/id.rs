//! Identifiers that are safe to use as file names.
//!
//! Case, rubric, criterion, indicator, evidence and bibliography ids end up in file
//! names (`reports/cases/<id>.html`) and URLs, so they are restricted to lowercase ASCII
//! letters, digits, `-` and `_`, start with a letter or digit, are at most
//! [`MAX_ID_LEN`] characters long, and are not a name Windows reserves.

/// The longest id accepted.
pub const MAX_ID_LEN: usize = 64;

/// Names that Windows refuses as file names, whatever the extension.
const RESERVED: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why an id is not safe; `None` when it is.
pub fn problem(id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("the id is empty".to_string());
    }
    if id.chars().count() > MAX_ID_LEN {
        return Some(format!("the id is longer than {MAX_ID_LEN} characters"));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Some(format!(
            "the id contains {}, which is not safe in a file name",
            describe(bad)
        ));
    }
    if !id.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Some("the id must start with a letter or a digit".to_string());
    }
    if RESERVED.contains(&id) {
        return Some(format!("`{id}` is a reserved file name on Windows"));
    }
    None
}

/// The help text shown with every unsafe id.
pub const HELP: &str =
    "use lowercase letters a-z, digits, '-' and '_', starting with a letter or digit";

fn describe(c: char) -> String {
    match c {
        '/' | '\\' => format!("a path separator `{c}`"),
        '.' => "`.`".to_string(),
        c if c.is_whitespace() => "a space".to_string(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_ordinary_ids() {
        for id in ["2014-unasur-vatican", "history", "e1", "a_b"] {
            assert_eq!(problem(id), None, "{id}");
        }
    }

    #[test]
    fn rejects_unsafe_ids() {
        for id in [
            "", "..", "a/b", "a\\b", "A", "x.toml", "-x", "_x", "con", "lpt1", "a b", "é",
        ] {
            assert!(problem(id).is_some(), "{id:?} should be rejected");
        }
        assert!(problem(&"a".repeat(65)).is_some());
        assert!(problem(&"a".repeat(64)).is_none());
    }
}
