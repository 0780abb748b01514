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
    let bytes = text.as_bytes();
    replace_ascii(text, out, |i, byte| {
        Some(match byte {
            b'\r' | b'\n' => {
                let after_break = i > 0 && matches!(bytes[i - 1], b'\r' | b'\n');
                if after_break { "" } else { " " }
            }
            b'|' => "\\|",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'[' => "\\[",
            b']' => "\\]",
            b'\\' => "\\\\",
            b'`' => "\\`",
            b'*' => "\\*",
            b'_' => "\\_",
            _ => return None,
        })
    });
}

/// Handlebars' HTML escaping ([`handlebars::html_escape`], what `{{x}}` does in an
/// HTML template), appended to `out`.
pub fn html_into(text: &str, out: &mut String) {
    replace_ascii(text, out, |_, byte| {
        Some(match byte {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'&' => "&amp;",
            b'\'' => "&#x27;",
            b'`' => "&#x60;",
            b'=' => "&#x3D;",
            _ => return None,
        })
    });
}

/// Appends `text` to `out` with each ASCII byte that `replacement` (given its position)
/// maps replaced, copying the runs between them whole.
fn replace_ascii(
    text: &str,
    out: &mut String,
    replacement: impl Fn(usize, u8) -> Option<&'static str>,
) {
    let mut run = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        if !byte.is_ascii() {
            continue;
        }
        if let Some(with) = replacement(i, byte) {
            // The byte is ASCII, so `run..i` and `i + 1..` fall on characters.
            out.push_str(&text[run..i]);
            out.push_str(with);
            run = i + 1;
        }
    }
    out.push_str(&text[run..]);
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
        fn markdown_is_the_char_by_char_escaping(text in "[a-zé€ \\r\n|<>&\\[\\]\\\\`*_\"'=]{0,40}") {
            proptest::prop_assert_eq!(markdown(&text), markdown_by_char(&text));
        }

        #[test]
        fn html_into_is_handlebars_html_escape(text in "[a-zé€ \\n<>&\"'`=|\\[\\]*_]{0,40}") {
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
