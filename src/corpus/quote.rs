//! Checking that quotations are verbatim.
//!
//! A quotation in a case must appear in its source's text, `DIR/<key>.txt`, apart from
//! differences of whitespace and of the style of quote marks and apostrophes. Sources
//! without a text file are not checked (a book on a shelf cannot be); the texts are read
//! once and kept, normalised in place and indexed by their word starts, and may be read
//! ahead on other threads ([`SourceTexts::prefetch`]): what is found does not depend on
//! which thread read a text or when. This module only compares text; it does not decide
//! where an error is shown.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Compares quotations with source texts, reading each text at most once.
#[derive(Debug, Default)]
pub struct QuoteChecker {
    /// The folder's texts; none without a folder.
    texts: Option<Arc<SourceTexts>>,
    /// The sources whose text could not be read and that an error has said so for.
    reported: HashSet<String>,
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
}

/// The source texts of one folder, each read, normalised and indexed at most once by
/// whichever thread needs it first: a [`QuoteChecker`] as its quotations come, or
/// [`SourceTexts::prefetch`] ahead of them.
#[derive(Debug)]
pub struct SourceTexts {
    dir: PathBuf,
    texts: Mutex<HashMap<String, Arc<OnceLock<Text>>>>,
}

impl SourceTexts {
    /// The place of `source`'s text, read or not.
    fn cell(&self, source: &str) -> Arc<OnceLock<Text>> {
        // Nothing panics while the lock is held, so a poisoned lock still holds whole
        // entries.
        let mut texts = self
            .texts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(cell) = texts.get(source) {
            return Arc::clone(cell);
        }
        Arc::clone(texts.entry(source.to_string()).or_default())
    }

    /// Reads, normalises and indexes `source`'s text.
    fn load(&self, source: &str) -> Text {
        // Keys are safe ids, so the name cannot leave the folder.
        if crate::corpus::id::problem(source).is_some() {
            return Text::Absent;
        }
        let path = self.dir.join(format!("{source}.txt"));
        if std::fs::symlink_metadata(&path).is_err() {
            return Text::Absent;
        }
        match crate::corpus::read::read_text(&path, MAX_SOURCE_BYTES) {
            Ok(text) => Text::Read(Indexed::new(normalized(text))),
            Err(error) => Text::Unreadable(error.to_string()),
        }
    }

    /// Reads the texts of `sources` not read yet, in parallel, so that their quotations
    /// are checked without waiting for them. A text being read when a quotation needs it
    /// is waited for, not read twice.
    pub fn prefetch<'a>(&self, sources: impl IntoIterator<Item = &'a str>) {
        use rayon::prelude::*;
        let unread: Vec<(&str, Arc<OnceLock<Text>>)> = sources
            .into_iter()
            .map(|source| (source, self.cell(source)))
            .filter(|(_, cell)| cell.get().is_none())
            .collect();
        unread.par_iter().for_each(|(source, cell)| {
            cell.get_or_init(|| self.load(source));
        });
    }
}

impl QuoteChecker {
    /// A checker reading `<key>.txt` files from `dir`; with no folder, nothing is checked.
    pub fn new(dir: Option<PathBuf>) -> Self {
        QuoteChecker {
            texts: dir.map(|dir| {
                Arc::new(SourceTexts {
                    dir,
                    texts: Mutex::default(),
                })
            }),
            reported: HashSet::new(),
        }
    }

    /// The texts this checker reads, for reading them ahead on other threads; none
    /// without a folder.
    pub fn texts(&self) -> Option<Arc<SourceTexts>> {
        self.texts.clone()
    }

    /// `Ok` when the quotation is found in the source's text, or when there is no text to
    /// check against; otherwise why not.
    pub fn check(&mut self, source: &str, quote: &str) -> Result<(), String> {
        let Some(texts) = &self.texts else {
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
        let cell = texts.cell(source);
        match cell.get_or_init(|| texts.load(source)) {
            Text::Absent => Ok(()),
            // Said once, at the first quotation of the source; the run fails, so the
            // quotations after it are not silently passed.
            Text::Unreadable(why) if self.reported.insert(source.to_string()) => Err(format!(
                "the source text of `{source}` cannot be checked against: {why}"
            )),
            Text::Unreadable(_) => Ok(()),
            Text::Read(text) if text.contains(needle.as_bytes()) => Ok(()),
            Text::Read(text) => Err(format!(
                "the quotation is not verbatim from `{source}`{}",
                closest_hint(text.as_str(), &needle)
            )),
        }
    }
}

/// How many bytes of a quotation the index keys on: two machine words, enough that in
/// prose most keys are rare (eight bytes are one long word).
const KEY: usize = 16;

/// The low bits of an index entry that hold a position in the text (a text has at most
/// [`MAX_SOURCE_BYTES`], 2^26, bytes); the bits above hold a tag, more bits of the
/// key's hash, so that most places of other keys in a bucket are passed over without
/// reading the text there.
const POSITION_BITS: u32 = 26;
const POSITION_MASK: u32 = (1 << POSITION_BITS) - 1;

/// When more places than this have a quotation's key and tag and none is the
/// quotation (a text that repeats itself), the text is searched whole instead; and when
/// a bucket has more places than [`MAX_VISITED`] to pass over.
const MAX_CANDIDATES: usize = 256;
const MAX_VISITED: usize = 1 << 16;

/// A normalised source text with an index of where each word starts (the text's start
/// and every byte after a space), by the hash of its first [`KEY`] bytes: a quotation is
/// found by looking up one of its word starts and comparing at the few places with the
/// same key, not by reading the whole text. Built once per text in time linear in it (a
/// counting sort into buckets); a quotation shorter than the key, or one whose keys are
/// all too common, falls back to a search of the whole text.
#[derive(Debug)]
struct Indexed {
    /// The normalised text, UTF-8.
    text: Vec<u8>,
    /// Bucket `b` holds `entries[first[b]..first[b + 1]]`; empty when nothing is indexed.
    first: Vec<u32>,
    /// The word starts with at least [`KEY`] bytes after them, by bucket, each bucket in
    /// text order: the position, and the tag above [`POSITION_BITS`].
    entries: Vec<u32>,
    /// A key's bucket is the top `bits` bits of its hash.
    bits: u32,
}

/// The hash of the [`KEY`] bytes at the start of `bytes` (which has at least that many),
/// its top 32 bits: the bucket's bits, then the tag's.
fn hash(bytes: &[u8]) -> u32 {
    let word = |at: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(word)
    };
    // Multiplicative hashing, twice: the top bits of a product depend on every bit of
    // what is multiplied.
    let mixed =
        (word(0).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ word(8)).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (mixed >> 32) as u32
}

/// Calls `visit` with every word start below `limit` (the text's start and every byte
/// after a space), the last first; the spaces are found eight bytes at a time.
fn word_starts_back(text: &[u8], limit: usize, mut visit: impl FnMut(usize)) {
    // A space starts a word at the byte after it.
    let spaces = &text[..limit.saturating_sub(1).min(text.len())];
    let whole = spaces.len() / 8 * 8;
    for space in (whole..spaces.len()).rev() {
        if spaces[space] == b' ' {
            visit(space + 1);
        }
    }
    for (at, eight) in spaces[..whole].chunks_exact(8).enumerate().rev() {
        let mut word = [0u8; 8];
        word.copy_from_slice(eight);
        let mut found = equal_bytes(u64::from_le_bytes(word), b' ');
        while found != 0 {
            // The high bit of byte k is bit 8k + 7.
            let bit = 63 - found.leading_zeros();
            found &= !(1 << bit);
            visit(at * 8 + (bit / 8) as usize + 1);
        }
    }
    if limit > 0 {
        visit(0);
    }
}

/// The bucket of a hash, for an index of `2^bits` buckets (at most 2^24).
fn bucket_of(hash: u32, bits: u32) -> usize {
    hash.checked_shr(32 - bits).unwrap_or(0) as usize
}

/// The tag of a hash: the six bits below the bucket's.
fn tag_of(hash: u32, bits: u32) -> u32 {
    (hash >> (26 - bits)) & 0x3F
}

impl Indexed {
    fn new(text: Vec<u8>) -> Indexed {
        let n = text.len();
        if !(KEY..=1 << POSITION_BITS).contains(&n) {
            // Nothing to key on, or positions that do not fit (texts over
            // MAX_SOURCE_BYTES are refused before reading): every search reads the text.
            return Indexed {
                text,
                first: Vec::new(),
                entries: Vec::new(),
                bits: 0,
            };
        }
        // Word starts with a whole key after them. Two passes (count, then place) find
        // them again rather than keep them: finding is cheaper than memory.
        let limit = n - KEY + 1;
        // About forty places a bucket, for words of about six bytes: the counts stay in
        // the processor's nearest cache while they are made, and the tags pass over
        // most places of other keys.
        let buckets = (n / 256).max(1).next_power_of_two();
        let bits = buckets.trailing_zeros();
        let mut first = vec![0u32; buckets + 1];
        let mut total = 0;
        word_starts_back(&text, limit, |p| {
            first[bucket_of(hash(&text[p..]), bits)] += 1;
            total += 1;
        });
        let mut sum = 0;
        for count in &mut first[..buckets] {
            sum += *count;
            *count = sum;
        }
        first[buckets] = sum;
        // Each bucket is filled from its end, the text's last place first, so it ends in
        // text order and `first` at the buckets' starts.
        let mut entries = vec![0u32; total];
        word_starts_back(&text, limit, |p| {
            let h = hash(&text[p..]);
            let b = bucket_of(h, bits);
            first[b] -= 1;
            entries[first[b] as usize] = p as u32 | (tag_of(h, bits) << POSITION_BITS);
        });
        Indexed {
            text,
            first,
            entries,
            bits,
        }
    }

    /// The text as a string.
    fn as_str(&self) -> &str {
        // Normalising copies whole characters or replaces them with ASCII, so this is
        // the UTF-8 read.
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The places of the key at the start of `bytes`, and the tag they have.
    fn bucket(&self, bytes: &[u8]) -> (&[u32], u32) {
        let h = hash(bytes);
        let b = bucket_of(h, self.bits);
        let places = self.first[b] as usize..self.first[b + 1] as usize;
        (&self.entries[places], tag_of(h, self.bits))
    }

    /// True when `needle` occurs in the text.
    fn contains(&self, needle: &[u8]) -> bool {
        if !self.first.is_empty() && needle.len() >= KEY {
            // A word start inside the quotation is one in the text wherever the
            // quotation occurs (the byte before it, a space, is the quotation's own), so
            // the places of its key answer for certain: the rarest key is taken. The
            // quotation's first byte may be inside a word of the text, where nothing is
            // indexed: its key can find the quotation, never rule it out.
            let mut rarest: Option<(usize, &[u32], u32)> = None;
            // A bucket no larger than twice the average is taken at once.
            let typical = 2 * (self.entries.len() >> self.bits).max(1);
            for at in 1..=needle.len() - KEY {
                if needle[at - 1] != b' ' {
                    continue;
                }
                let (places, tag) = self.bucket(&needle[at..]);
                if rarest.is_none_or(|(_, fewest, _)| places.len() < fewest.len()) {
                    rarest = Some((at, places, tag));
                }
                if places.len() <= typical {
                    break;
                }
            }
            let (at, places, tag) = match rarest {
                Some(rarest) => rarest,
                None => {
                    let (places, tag) = self.bucket(needle);
                    (0, places, tag)
                }
            };
            match self.occurs_at(needle, at, places, tag) {
                Some(true) => return true,
                Some(false) if at > 0 => return false,
                // Not ruled out by the first byte's key, or too many places to tell.
                _ => {}
            }
        }
        memchr::memmem::find(&self.text, needle).is_some()
    }

    /// Whether `needle` occurs with its byte `at` at one of `places` whose tag is `tag`;
    /// `None` when there are too many places to tell ([`MAX_CANDIDATES`]).
    fn occurs_at(&self, needle: &[u8], at: usize, places: &[u32], tag: u32) -> Option<bool> {
        if places.len() > MAX_VISITED {
            return None;
        }
        let mut compared = 0;
        for entry in places {
            let p = (entry & POSITION_MASK) as usize;
            if entry >> POSITION_BITS != tag || p < at {
                continue;
            }
            if self.text[p - at..].starts_with(needle) {
                return Some(true);
            }
            compared += 1;
            if compared > MAX_CANDIDATES {
                return None;
            }
        }
        Some(false)
    }
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
    match String::from_utf8(normalized(text.to_owned())) {
        Ok(text) => text,
        // Not reached: whole characters are copied or replaced with ASCII.
        Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
    }
}

/// Eight bytes, each with its high bit.
const HIGH: u64 = 0x8080_8080_8080_8080;
/// Eight bytes of one.
const ONES: u64 = 0x0101_0101_0101_0101;

/// The bytes of `x` that are `c`: the high bit of each (exactly: adding to the low seven
/// bits of a byte carries into no other).
fn equal_bytes(x: u64, c: u8) -> u64 {
    let t = x ^ (ONES * u64::from(c));
    !(((t & !HIGH) + !HIGH) | t) & HIGH
}

/// The eight bytes at `read` when normalising leaves them as they are, written after
/// `written` bytes of output: printable ASCII other than the backtick, and spaces that
/// follow no space (whitespace after them is dropped when it comes).
fn unchanged(bytes: &[u8], read: usize, written: usize) -> Option<[u8; 8]> {
    let word = |at: usize| -> Option<u64> {
        let eight: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
        Some(u64::from_le_bytes(eight))
    };
    let x = word(read)?;
    // The byte before each: the output's last (none counts as a space: nothing starts
    // the output with one).
    let before = written
        .checked_sub(1)
        .and_then(|last| bytes.get(last))
        .copied()
        .unwrap_or(b' ');
    let previous = (x << 8) | u64::from(before);
    let not_ascii = x & HIGH;
    // Below 0x20 (every ASCII whitespace but the space is): adding 0x60 to the low seven
    // bits does not reach the high bit.
    let control = !((x & !HIGH) + (ONES * 0x60)) & !x & HIGH;
    let spaces = equal_bytes(x, b' ');
    let doubled = spaces & equal_bytes(previous, b' ');
    let changed = not_ascii | control | equal_bytes(x, b'`') | doubled;
    (changed == 0).then(|| x.to_le_bytes())
}

/// The ASCII a quote mark or apostrophe style stands for, if `c` is one.
fn plain_quote_mark(c: char) -> Option<u8> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => {
            Some(b'\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => Some(b'"'),
        _ => None,
    }
}

/// [`normalize`] in the text's own bytes, which it never lengthens (one space for a run
/// of whitespace, one ASCII byte for a quote mark): a source text is normalised where it
/// was read, without a second copy.
fn normalized(text: String) -> Vec<u8> {
    let mut bytes = text.into_bytes();
    let (mut read, mut written) = (0, 0);
    // The output is behind the input (`written <= read`): a pending space is written in
    // the place of the whitespace it stands for.
    while read < bytes.len() {
        // Eight bytes at a time while they stay as they are (most of any text).
        while let Some(eight) = unchanged(&bytes, read, written) {
            bytes[written..written + 8].copy_from_slice(&eight);
            read += 8;
            written += 8;
        }
        let Some(&b) = bytes.get(read) else { break };
        // Then ASCII byte by byte; other characters decoded one by one.
        if b < 0x80 {
            read += 1;
            if matches!(b, b'\t'..=b'\r' | b' ') {
                // One space between words: none at the start, none twice.
                if written > 0 && bytes[written - 1] != b' ' {
                    bytes[written] = b' ';
                    written += 1;
                }
            } else {
                bytes[written] = if b == b'`' { b'\'' } else { b };
                written += 1;
            }
            continue;
        }
        let len = match b {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        }
        .min(bytes.len() - read);
        let c = std::str::from_utf8(&bytes[read..read + len])
            .ok()
            .and_then(|c| c.chars().next());
        if c.is_some_and(char::is_whitespace) {
            if written > 0 && bytes[written - 1] != b' ' {
                bytes[written] = b' ';
                written += 1;
            }
        } else if let Some(plain) = c.and_then(plain_quote_mark) {
            bytes[written] = plain;
            written += 1;
        } else {
            bytes.copy_within(read..read + len, written);
            written += len;
        }
        read += len;
    }
    // None at the end.
    if written > 0 && bytes[written - 1] == b' ' {
        written -= 1;
    }
    bytes.truncate(written);
    bytes
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
        let text = Indexed::new(normalized(
            "The talks were \u{201C}in crisis\u{201D} by May; talkshow.".to_string(),
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
            assert!(text.contains(found.as_bytes()), "{found}");
        }
        for absent in ["The talkz", "in crisis by", "talkshow!", "x"] {
            assert!(!text.contains(absent.as_bytes()), "{absent}");
        }
        // A text that repeats itself still answers (by the whole-text search).
        let text = Indexed::new(("ab ".repeat(10_000) + "end").into_bytes());
        assert!(text.contains(b"ab ab ab end"));
        assert!(!text.contains(b"ab ab ab ba"));
    }

    /// Normalising as it was first written: into a new string, character by character.
    fn normalize_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut space = false;
        for c in text.chars() {
            let c = plain_quote_mark(c).map_or(c, char::from);
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

    proptest::proptest! {
        #[test]
        fn normalizing_in_place_is_normalizing_by_char(
            text in "([a-z.,\u{7F}]{0,12}[ \t\n\r\u{0B}\u{0C}\u{1F}\u{85}\u{A0}\u{2003}\u{3000}ab.,`\u{B4}\u{AB}\u{BB}\u{2018}\u{2019}\u{201C}\u{201D}\u{2032}\u{2033}é€😀]{0,3}){0,12}"
        ) {
            proptest::prop_assert_eq!(normalize(&text), normalize_by_char(&text));
        }

        /// Whatever the index finds, or says is not there, a search of the whole text
        /// agrees: in texts of a few short words, so that keys repeat and collide, and
        /// for quotations cut anywhere in them, changed or not.
        #[test]
        fn the_index_answers_as_a_search_of_the_whole_text(
            words in proptest::collection::vec("(ab|ba|a|talks|were|in|crisis|;|\u{201C}|é)", 1..400),
            cuts in proptest::collection::vec((0usize..2000, 1usize..60, 0u8..4), 1..40),
        ) {
            let text = normalize(&words.join(" "));
            let indexed = Indexed::new(normalized(text.clone()));
            for (start, len, change) in cuts {
                let start = start % text.len();
                let Some(quote) = (start..=text.len())
                    .find(|s| text.is_char_boundary(*s))
                    .and_then(|s| {
                        let end = (s + len..=text.len()).find(|e| text.is_char_boundary(*e))?;
                        text.get(s..end)
                    })
                else {
                    continue;
                };
                let quote = match change {
                    0 => quote.to_string(),
                    1 => format!("{quote} ab"),
                    2 => format!("ba {quote}"),
                    _ => quote.replacen("a", "b", 1),
                };
                let whole = memchr::memmem::find(text.as_bytes(), quote.as_bytes()).is_some();
                proptest::prop_assert_eq!(indexed.contains(quote.as_bytes()), whole, "{:?}", quote);
            }
        }
    }

    #[test]
    fn normalizing_never_lengthens_and_keeps_characters_whole() {
        // Quote marks of three bytes become one; whitespace of three bytes becomes one
        // space; a run of whitespace, one space.
        let text = "\u{3000}\u{201C}a\u{201D}\u{2003}\u{2003} \t b\u{2019}s 😀 ";
        let out = normalized(text.to_string());
        assert_eq!(out, "\"a\" b's 😀".as_bytes());
        assert!(normalized(String::new()).is_empty());
        assert!(normalized(" \n\u{A0} ".to_string()).is_empty());
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
