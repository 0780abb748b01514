//! Escaping text for the formats reports are written in.
//!
//! HTML escaping is Handlebars' own (`{{x}}`); [`html_into`] is the same escaping
//! appended to a buffer, for the report's fast template evaluator. Markdown has none, so [`markdown`] makes
//! case and rubric text inert there: it cannot break a table (`|`, line breaks), open
//! raw HTML (`<`, `>`, `&`), or form a link (`[`, `]`). [`xml`] is for the SVG chart,
//! which is built in Rust.

/// Escapes text for a Markdown page, including inside a table cell.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    markdown_into(text, &mut out);
    out
}

/// [`markdown`], appended to `out`: the runs of text that need no escaping are copied
/// whole, and a run of line breaks becomes one space.
///
/// The text is one line, so a block can only begin where it begins (a template may put
/// it at a line's start, or after a list marker): there a heading (`#`), a list item
/// (`-`, `+`, `1.`, `1)`), a setext underline or thematic break (`=`, `-`) is escaped,
/// and leading indentation, which could open a code block, becomes one space. Anywhere,
/// `~` (fences, strikethrough) is escaped, and a bare URL or e-mail address (`://`,
/// `www.`, `@`), which GitHub would make a link, gets an entity that breaks the pattern
/// and renders as the same character.
pub fn markdown_into(text: &str, out: &mut String) {
    let start = out.len();
    let body = text.trim_start_matches([' ', '\t']);
    if body.len() != text.len() {
        out.push(' ');
    }
    let rest = match block_start(body) {
        Some(at) => {
            // `body[..at]` is ASCII digits.
            out.push_str(&body[..at]);
            out.push('\\');
            &body[at..]
        }
        None => body,
    };
    replace_ascii(rest, out, &MARKDOWN, true);
    let written = &out[start..];
    if written.contains("://")
        || written
            .as_bytes()
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"www."))
    {
        let defanged = defang_links(written);
        out.truncate(start);
        out.push_str(&defanged);
    }
}

/// Where a backslash must go for `text`, at a line's start, to begin no block: before
/// the marker of a heading (`#` to `######` then a space or the end), a bullet (`-` or
/// `+` then a space or the end), an ordered item (up to nine digits, `.` or `)`, then a
/// space or the end), or a line that is all `=` or all `-` (a setext underline or a
/// thematic break). `None` when `text` starts none of them.
fn block_start(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let ends = |at: usize| matches!(b.get(at), None | Some(b' ' | b'\t'));
    let all = |c: u8| {
        text.trim_end_matches([' ', '\t'])
            .bytes()
            .all(|x| x == c || (c == b'-' && x == b' '))
    };
    match b.first()? {
        b'#' => {
            let n = b.iter().take_while(|x| **x == b'#').count();
            (n <= 6 && ends(n)).then_some(0)
        }
        b'-' | b'+' if ends(1) => Some(0),
        b'-' if all(b'-') => Some(0),
        b'=' if all(b'=') => Some(0),
        b'0'..=b'9' => {
            let n = b.iter().take_while(|x| x.is_ascii_digit()).count();
            (n <= 9 && matches!(b.get(n), Some(b'.' | b')')) && ends(n + 1)).then_some(n)
        }
        _ => None,
    }
}

/// `text` with `://` and `www.` broken by an entity (`&#58;`, `&#46;`), so that
/// Markdown renderers that link bare URLs leave them as text.
fn defang_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while !rest.is_empty() {
        if rest.starts_with("://") {
            out.push_str("&#58;//");
            rest = &rest[3..];
        } else if rest.len() >= 4 && rest.as_bytes()[..4].eq_ignore_ascii_case(b"www.") {
            out.push_str(&rest[..3]);
            out.push_str("&#46;");
            rest = &rest[4..];
        } else {
            let next = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(&rest[..next]);
            rest = &rest[next..];
        }
    }
    out
}

/// Handlebars' HTML escaping ([`handlebars::html_escape`], what `{{x}}` does in an
/// HTML template), appended to `out`.
pub fn html_into(text: &str, out: &mut String) {
    replace_ascii(text, out, &HTML, false);
}

/// What [`markdown_into`] puts for each byte it replaces.
const MARKDOWN_PAIRS: [(u8, &str); 14] = [
    (b'\r', " "),
    (b'\n', " "),
    (b'|', "\\|"),
    (b'<', "&lt;"),
    (b'>', "&gt;"),
    (b'&', "&amp;"),
    (b'[', "\\["),
    (b']', "\\]"),
    (b'\\', "\\\\"),
    (b'`', "\\`"),
    (b'*', "\\*"),
    (b'_', "\\_"),
    (b'~', "\\~"),
    (b'@', "&#64;"),
];
static MARKDOWN: Replacements = replacements(&MARKDOWN_PAIRS);

/// What [`html_into`] puts for each byte it replaces.
const HTML_PAIRS: [(u8, &str); 7] = [
    (b'<', "&lt;"),
    (b'>', "&gt;"),
    (b'"', "&quot;"),
    (b'&', "&amp;"),
    (b'\'', "&#x27;"),
    (b'`', "&#x60;"),
    (b'=', "&#x3D;"),
];
static HTML: Replacements = replacements(&HTML_PAIRS);

/// For each byte, what replaces it, if anything: one lookup a byte.
type Replacements = [Option<&'static str>; 256];

const fn replacements(pairs: &[(u8, &'static str)]) -> Replacements {
    let mut table = [None; 256];
    let mut i = 0;
    while i < pairs.len() {
        // Only ASCII bytes may be replaced: the runs between them must fall on
        // characters.
        assert!(pairs[i].0.is_ascii());
        table[pairs[i].0 as usize] = Some(pairs[i].1);
        i += 1;
    }
    table
}

/// Appends `text` to `out` with each byte that `table` replaces
/// replaced, copying the runs between them whole; with `one_break`, a line break right
/// after another is dropped (the first became a space).
fn replace_ascii(text: &str, out: &mut String, table: &Replacements, one_break: bool) {
    let bytes = text.as_bytes();
    let is_break = |b: u8| b == b'\r' || b == b'\n';
    let mut run = 0;
    positions(bytes, table, |at| {
        if let Some(with) = table[usize::from(bytes[at])] {
            // The byte is ASCII, so `run..at` and `at + 1..` fall on characters.
            out.push_str(&text[run..at]);
            if !(one_break && is_break(bytes[at]) && at > 0 && is_break(bytes[at - 1])) {
                out.push_str(with);
            }
            run = at + 1;
        }
    });
    out.push_str(&text[run..]);
}

/// Calls `each` with the position of every byte of `bytes` that `table` replaces, in
/// order: one table lookup a byte, in safe code. (An SSE2 search was measured against
/// it: 8 % less CPU for a first report at 10,000 cases, paired, which the report's
/// targets do not need; see ARCHITECTURE.md.)
fn positions(bytes: &[u8], table: &Replacements, mut each: impl FnMut(usize)) {
    for (at, byte) in bytes.iter().enumerate() {
        if table[usize::from(*byte)].is_some() {
            each(at);
        }
    }
}

/// Escapes text for XML (the SVG chart).
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// True when a URL may be linked: `http` or `https` only.
pub fn linkable(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_cannot_break_a_table_or_inject_html() {
        assert_eq!(markdown("a | b\nc"), "a \\| b c");
        assert_eq!(
            markdown("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            markdown("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        assert_eq!(markdown("{{x}}"), "{{x}}");
    }

    #[test]
    fn markdown_text_cannot_start_a_block_or_a_link() {
        assert_eq!(markdown("# text"), "\\# text");
        assert_eq!(markdown("~~~"), "\\~\\~\\~");
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("+ item"), "\\+ item");
        assert_eq!(markdown("==="), "\\===");
        assert_eq!(markdown("---"), "\\---");
        assert_eq!(markdown("12. item"), "12\\. item");
        assert_eq!(markdown("3) item"), "3\\) item");
        assert_eq!(markdown("    code"), " code");
        assert_eq!(markdown("2019 talks. 3. x"), "2019 talks. 3. x");
        assert_eq!(markdown("1.0.0"), "1.0.0");
        assert_eq!(markdown("-5 degrees"), "-5 degrees");
        assert_eq!(markdown("#hashtag"), "#hashtag");
        assert_eq!(markdown("- - -"), "\\- - -");
        assert_eq!(
            markdown("see https://x.org or www.y.org, a@b.org"),
            "see https&#58;//x.org or www&#46;y.org, a&#64;b.org"
        );
    }

    /// The char-by-char escaping `markdown` replaced, as the reference.
    fn markdown_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut last_space = false;
        let mut text = text;
        if text.starts_with([' ', '\t']) {
            out.push(' ');
            text = text.trim_start_matches([' ', '\t']);
        }
        let chars: Vec<char> = text.chars().collect();
        let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
        let hashes = chars.iter().take_while(|c| **c == '#').count();
        let space_or_end = |i: usize| matches!(chars.get(i), None | Some(' ' | '\t'));
        let line = text.trim_end_matches([' ', '\t']);
        let mut escape_at = None;
        if (hashes > 0 && hashes <= 6 && space_or_end(hashes))
            || (matches!(chars.first(), Some('-' | '+')) && space_or_end(1))
            || (line.starts_with('-') && line.chars().all(|c| c == '-' || c == ' '))
            || (line.starts_with('=') && line.chars().all(|c| c == '='))
        {
            escape_at = Some(0);
        } else if digits > 0
            && digits <= 9
            && matches!(chars.get(digits), Some('.' | ')'))
            && space_or_end(digits + 1)
        {
            escape_at = Some(digits);
        }
        for (i, c) in chars.into_iter().enumerate() {
            if escape_at == Some(i) {
                out.push('\\');
            }
            match c {
                '\r' | '\n' => {
                    if !last_space {
                        out.push(' ');
                    }
                    last_space = true;
                    continue;
                }
                '|' => out.push_str("\\|"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '\\' => out.push_str("\\\\"),
                '`' => out.push_str("\\`"),
                '*' => out.push_str("\\*"),
                '_' => out.push_str("\\_"),
                '~' => out.push_str("\\~"),
                '@' => out.push_str("&#64;"),
                c => out.push(c),
            }
            last_space = false;
        }
        out.replace("://", "&#58;//").replace("www.", "www&#46;")
    }

    #[test]
    fn markdown_collapses_a_run_of_line_breaks_into_one_space() {
        assert_eq!(markdown("\na\r\n\nb\n"), " a b ");
        assert_eq!(markdown("a \n_é_"), "a  \\_é\\_");
        assert_eq!(markdown(""), "");
    }

    proptest::proptest! {
        #[test]
        fn markdown_is_the_char_by_char_escaping(text in "[ \t]{0,2}[0-9#+=-]{0,3}[.)]?[ a-zé€ \\r\n|<>&\\[\\]\\\\`*_\"'=~@#:/.w-]{0,100}") {
            proptest::prop_assert_eq!(markdown(&text), markdown_by_char(&text));
        }

        #[test]
        fn html_into_is_handlebars_html_escape(text in "[a-zé€ \\n<>&\"'`=|\\[\\]*_]{0,100}") {
            let mut out = String::from("kept ");
            html_into(&text, &mut out);
            proptest::prop_assert_eq!(out, format!("kept {}", handlebars::html_escape(&text)));
        }
    }

    #[test]
    fn xml_escapes_markup() {
        assert_eq!(xml("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn only_http_urls_are_linked() {
        assert!(linkable("https://example.org/a"));
        assert!(linkable("http://example.org"));
        assert!(!linkable("javascript:alert(1)"));
        assert!(!linkable("JAVASCRIPT:alert(1)"));
        assert!(!linkable("data:text/html,x"));
        assert!(!linkable("https://x.org/\" onload=\"x"));
        assert!(!linkable("ftp://x.org"));
    }
}
