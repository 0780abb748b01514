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
    texts: HashMap<String, Text>,
}

/// A source text larger than this is refused before it is read (a long report is a few
/// megabytes).
pub const MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

/// What was found of a source's text.
#[derive(Debug)]
enum Text {
    /// No `<key>.txt`: the source is not checked (a book on a shelf cannot be).
    Absent,
    /// Read, normalised and indexed.
    Read(Indexed),
    /// There but not readable as text (not UTF-8, a folder, a device, too large): why.
    Unreadable(String),
    /// Unreadable, and said so at an earlier quotation.
    Reported,
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
                return Text::Absent;
            }
            let path = dir.join(format!("{source}.txt"));
            if std::fs::symlink_metadata(&path).is_err() {
                return Text::Absent;
            }
            match crate::corpus::read::read_text(&path, MAX_SOURCE_BYTES) {
                Ok(text) => Text::Read(Indexed::new(normalize(&text))),
                Err(error) => Text::Unreadable(error.to_string()),
            }
        });
        let text = match text {
            Text::Absent => return Ok(()),
            Text::Unreadable(why) => {
                // Said once, at the first quotation of the source; the run fails, so
                // the quotations after it are not silently passed.
                let message =
                    format!("the source text of `{source}` cannot be checked against: {why}");
                *text = Text::Reported;
                return Err(message);
            }
            Text::Reported => return Ok(()),
            Text::Read(text) => text,
        };
        if text.contains(&needle) {
            Ok(())
        } else {
            Err(format!(
                "the quotation is not verbatim from `{source}`{}",
                closest_hint(&text.text, &needle)
            ))
        }
    }
}

/// How many bytes of a quotation the index keys on.
const KEY: usize = 8;

/// When more places than this share a quotation's first bytes (a text that repeats
/// itself), the text is searched whole instead.
const MAX_CANDIDATES: usize = 256;

/// A normalised source text with an index of where each word starts, by its first
/// [`KEY`] bytes: a quotation that starts where a word starts is found by looking up
/// its first bytes and comparing at those few places, not by reading the whole text.
/// Built once per text in time linear in it; others (a quotation starting inside a
/// word, or shorter than the key) fall back to a search of the whole text.
#[derive(Debug)]
struct Indexed {
    text: String,
    /// Key → the last word start with that key.
    heads: HashMap<u64, u32>,
    /// Word start → the previous word start with the same key (`u32::MAX`: none), in
    /// the order of [`Indexed::starts`].
    next: Vec<u32>,
    /// Every word start, in text order.
    starts: Vec<u32>,
}

fn key(bytes: &[u8]) -> u64 {
    let mut k = [0u8; KEY];
    let n = bytes.len().min(KEY);
    k[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(k)
}

impl Indexed {
    fn new(text: String) -> Indexed {
        let bytes = text.as_bytes();
        // Texts over 4 GiB are refused before reading (MAX_SOURCE_BYTES), so positions
        // fit in u32; beyond that nothing is indexed and every search reads the text.
        let mut indexed = Indexed {
            heads: HashMap::new(),
            next: Vec::new(),
            starts: Vec::new(),
            text: String::new(),
        };
        if u32::try_from(bytes.len()).is_ok() {
            for p in 0..bytes.len() {
                let starts_word = p == 0 || !word_byte(bytes[p - 1]);
                if starts_word && bytes.len() - p >= KEY {
                    let k = key(&bytes[p..]);
                    let previous = indexed.heads.insert(k, indexed.starts.len() as u32);
                    indexed.next.push(previous.unwrap_or(u32::MAX));
                    indexed.starts.push(p as u32);
                }
            }
        }
        indexed.text = text;
        indexed
    }

    /// True when `needle` occurs in the text.
    fn contains(&self, needle: &str) -> bool {
        let bytes = self.text.as_bytes();
        let wanted = needle.as_bytes();
        if wanted.len() >= KEY {
            let mut at = self.heads.get(&key(wanted)).copied();
            let mut looked = 0;
            while let Some(i) = at.filter(|i| *i != u32::MAX) {
                let p = self.starts[i as usize] as usize;
                if bytes[p..].starts_with(wanted) {
                    return true;
                }
                looked += 1;
                if looked > MAX_CANDIDATES {
                    break;
                }
                at = self.next.get(i as usize).copied();
            }
            // Not found where a word starts: the quotation may start inside a word, or
            // be absent (an error, reported once): then the whole text is searched.
        }
        self.text.contains(needle)
    }
}

/// A byte that continues a word: ASCII letters and digits and every byte of a
/// non-ASCII character.
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// One character folded for a comparison that ignores letter case (one character for
/// one, so positions stay aligned).
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The longest prefix of `needle` (folded characters) found anywhere in `text` with
/// letter case ignored: its length in characters and the byte range of the passage in
/// `text`. One pass over the text (Knuth–Morris–Pratt), so linear in both.
fn longest_prefix(text: &str, needle: &[char]) -> (usize, std::ops::Range<usize>) {
    if needle.is_empty() {
        return (0, 0..0);
    }
    // failure[i]: the length of the longest proper border of needle[..=i].
    let mut failure = vec![0usize; needle.len()];
    let mut k = 0;
    for i in 1..needle.len() {
        while k > 0 && needle[i] != needle[k] {
            k = failure[k - 1];
        }
        if needle[i] == needle[k] {
            k += 1;
        }
        failure[i] = k;
    }
    let (mut best, mut best_end) = (0, 0);
    let mut state = 0;
    for (at, c) in text.char_indices() {
        let c = fold(c);
        while state > 0 && (state == needle.len() || needle[state] != c) {
            state = failure[state - 1];
        }
        if needle[state] == c {
            state += 1;
        }
        if state > best {
            best = state;
            best_end = at + text[at..].chars().next().map_or(1, char::len_utf8);
            if best == needle.len() {
                break;
            }
        }
    }
    // The passage starts `best` characters before its end.
    let start = text[..best_end]
        .char_indices()
        .rev()
        .nth(best.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    (best, start..best_end)
}

/// At most `n` characters of `text`, as a short excerpt.
fn excerpt(text: &str, n: usize) -> String {
    let mut out: String = text.chars().take(n).collect();
    if text.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}

/// Where the quotation stops matching, in the passage of the source that matches it
/// best: found with letter case ignored first, so a quotation that differs only in case
/// says so, and one that differs in a word is shown the source's word there. Linear in
/// the text and the quotation.
fn closest_hint(text: &str, needle: &str) -> String {
    let chars: Vec<char> = needle.chars().collect();
    let folded: Vec<char> = chars.iter().copied().map(fold).collect();
    let (matched, passage) = longest_prefix(text, &folded);
    if matched == 0 {
        return String::new();
    }
    let source = &text[passage.clone()];
    if matched == chars.len() {
        return format!(
            " (it differs only in letter case: the source has \"{}\")",
            excerpt(source, 80)
        );
    }
    // Back to the start of the word where the difference is, in both.
    let quoted: String = chars[..matched].iter().collect();
    let word_start = quoted.rfind(' ').map_or(0, |i| i + 1);
    let same = quoted[..word_start].trim_end();
    let case_too = source
        .get(..word_start)
        .is_some_and(|s| s.trim_end() != same);
    let quote_word: String = needle[word_start..]
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    let source_rest = text.get(passage.start + word_start..).unwrap_or_default();
    let source_word = source_rest.split(' ').next().unwrap_or_default();
    let up_to = if same.is_empty() {
        String::new()
    } else {
        format!("it matches up to \"{}\", then ", excerpt(same, 80))
    };
    format!(
        " ({up_to}the quotation has \"{}\" where the source has \"{}\"{})",
        excerpt(&quote_word, 40),
        excerpt(source_word, 40),
        if case_too {
            "; letter case differs before that too"
        } else {
            ""
        }
    )
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
    fn hints_ignore_letter_case_first_and_show_the_source_word() {
        let text = normalize("Mi dispiace, ci vediamo domani. Poi Ci Vediamo ancora.");
        let hint = closest_hint(&text, "ci vediamo domani!");
        assert_eq!(
            hint,
            " (it matches up to \"ci vediamo\", then the quotation has \"domani!\" where the source has \"domani.\")"
        );
        let hint = closest_hint(&text, "Ci vediamo domani.");
        assert_eq!(
            hint,
            " (it differs only in letter case: the source has \"ci vediamo domani.\")"
        );
        let hint = closest_hint(&text, "CI VEDIAMO dopo");
        assert!(
            hint.contains("letter case differs before that too"),
            "{hint}"
        );
        assert_eq!(closest_hint(&text, "zzz"), "");
        // Linear: a long quotation against a long text is answered at once.
        let long_text = "word ".repeat(200_000);
        let long_quote = format!("{} different", "word ".repeat(40_000).trim_end());
        let hint = closest_hint(&long_text, &long_quote);
        assert!(
            hint.contains("\"different\""),
            "{}",
            &hint[hint.len() - 80..]
        );
    }

    #[test]
    fn the_index_finds_quotations_wherever_they_start() {
        let text = Indexed::new(normalize(
            "The talks were \u{201C}in crisis\u{201D} by May; talkshow.",
        ));
        for found in [
            "The talks",
            "talks were",
            "in crisis",
            "alks were \"in",
            "s",
            "show.",
            "by May; talkshow.",
        ] {
            assert!(text.contains(found), "{found}");
        }
        for absent in ["The talkz", "in crisis by", "talkshow!", "x"] {
            assert!(!text.contains(absent), "{absent}");
        }
        // A text that repeats itself still answers (by the whole-text search).
        let text = Indexed::new("ab ".repeat(10_000) + "end");
        assert!(text.contains("ab ab ab end"));
        assert!(!text.contains("ab ab ab ba"));
    }

    #[test]
    fn an_unreadable_source_text_is_an_error_naming_it_once() {
        let dir = tempfile::tempdir().expect("temp");
        std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9").expect("write");
        std::fs::create_dir(dir.path().join("folder.txt")).expect("mkdir");
        let mut checker = QuoteChecker::new(Some(dir.path().to_path_buf()));
        let err = checker.check("latin1", "caf").expect_err("not UTF-8");
        assert!(err.contains("latin1.txt") && err.contains("UTF-8"), "{err}");
        assert!(checker.check("latin1", "caf").is_ok(), "said once");
        let err = checker.check("folder", "x").expect_err("a folder");
        assert!(
            err.contains("folder.txt") && err.contains("is a folder"),
            "{err}"
        );
        assert!(checker.check("absent", "x").is_ok(), "no text: not checked");
    }

    #[test]
    fn without_a_folder_only_empty_quotes_fail() {
        let mut checker = QuoteChecker::new(None);
        assert!(checker.check("x", "any text").is_ok());
        assert!(checker.check("x", "").is_err());
    }
}
