//! Checking that quotations are verbatim.
//!
//! A quotation in a case must appear in its source's text, `DIR/<key>.txt`, apart from
//! differences of whitespace and of the style of quote marks and apostrophes. Sources
//! without a text file are not checked (a book on a shelf cannot be); the texts are read
//! once and kept. This module only compares text; it does not decide where an error is
//! shown.

use std::collections::HashMap;
use std::path::PathBuf;

/// Compares quotations with source texts, reading each text at most once.
#[derive(Debug, Default)]
pub struct QuoteChecker {
    dir: Option<PathBuf>,
    texts: HashMap<String, Option<String>>,
}

impl QuoteChecker {
    /// A checker reading `<key>.txt` files from `dir`; with no folder, nothing is checked.
    pub fn new(dir: Option<PathBuf>) -> Self {
        QuoteChecker {
            dir,
            texts: HashMap::new(),
        }
    }

    /// `Ok` when the quotation is found in the source's text, or when there is no text to
    /// check against; otherwise why not.
    pub fn check(&mut self, source: &str, quote: &str) -> Result<(), String> {
        let Some(dir) = &self.dir else {
            // Without texts only emptiness is checked: normalizing is the costly part.
            return if quote.trim().is_empty() {
                Err("the quotation is empty".to_string())
            } else {
                Ok(())
            };
        };
        let needle = normalize(quote);
        if needle.is_empty() {
            return Err("the quotation is empty".to_string());
        }
        let text = self.texts.entry(source.to_string()).or_insert_with(|| {
            // Keys are safe ids, so the name cannot leave the folder.
            if crate::corpus::id::problem(source).is_some() {
                return None;
            }
            std::fs::read_to_string(dir.join(format!("{source}.txt")))
                .ok()
                .map(|t| normalize(&t))
        });
        match text {
            None => Ok(()),
            Some(text) if text.contains(&needle) => Ok(()),
            Some(_) => Err(format!(
                "the quotation is not verbatim from `{source}`{}",
                closest_hint(text.as_deref().unwrap_or_default(), &needle)
            )),
        }
    }
}

/// Where the quotation stops matching: the longest prefix of it found in the text.
fn closest_hint(text: &str, needle: &str) -> String {
    let words: Vec<&str> = needle.split(' ').collect();
    let mut matched = 0;
    for n in 1..=words.len() {
        if text.contains(&words[..n].join(" ")) {
            matched = n;
        } else {
            break;
        }
    }
    if matched == 0 {
        String::new()
    } else {
        format!(
            " (it matches up to \"{}\", then differs at \"{}\")",
            words[..matched].join(" "),
            words.get(matched).copied().unwrap_or_default()
        )
    }
}

/// Collapses whitespace and maps every quote mark and apostrophe style to ASCII.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
                '\''
            }
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
            | '\u{00BB}' => '"',
            c => c,
        };
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_whitespace_and_quote_marks() {
        assert_eq!(normalize("  “a”\n\t b’s  "), "\"a\" b's");
    }

    #[test]
    fn checks_against_a_source_file() {
        let dir = std::env::temp_dir().join(format!("thirdside-quote-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("paper.txt"), "The talks were “in crisis”\nby May.")
            .expect("write");
        let mut checker = QuoteChecker::new(Some(dir.clone()));
        assert!(checker.check("paper", "were \"in crisis\" by May.").is_ok());
        let err = checker.check("paper", "were in crisis").unwrap_err();
        assert!(err.contains("matches up to \"were\""), "{err}");
        assert!(checker.check("other", "anything").is_ok());
        assert!(checker.check("paper", "   ").is_err());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn without_a_folder_only_empty_quotes_fail() {
        let mut checker = QuoteChecker::new(None);
        assert!(checker.check("x", "any text").is_ok());
        assert!(checker.check("x", "").is_err());
    }
}
