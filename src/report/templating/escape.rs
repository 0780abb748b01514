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
pub fn markdown_into(text: &str, out: &mut String) {
    replace_ascii(text, out, &MARKDOWN, true);
}

/// Handlebars' HTML escaping ([`handlebars::html_escape`], what `{{x}}` does in an
/// HTML template), appended to `out`.
pub fn html_into(text: &str, out: &mut String) {
    replace_ascii(text, out, &HTML, false);
}

/// What [`markdown_into`] puts for each byte it replaces.
const MARKDOWN_PAIRS: [(u8, &str); 12] = [
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

    /// The char-by-char escaping `markdown` replaced, as the reference.
    fn markdown_by_char(text: &str) -> String {
        let mut out = String::new();
        let mut last_space = false;
        for c in text.chars() {
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
                c => out.push(c),
            }
            last_space = false;
        }
        out
    }

    #[test]
    fn markdown_collapses_a_run_of_line_breaks_into_one_space() {
        assert_eq!(markdown("\na\r\n\nb\n"), " a b ");
        assert_eq!(markdown("a \n_é_"), "a  \\_é\\_");
        assert_eq!(markdown(""), "");
    }

    proptest::proptest! {
        #[test]
        fn markdown_is_the_char_by_char_escaping(text in "[a-zé€ \\r\n|<>&\\[\\]\\\\`*_\"'=]{0,100}") {
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
