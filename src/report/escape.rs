//! Escaping text for the formats reports are written in.
//!
//! HTML escaping is Handlebars' own (`{{x}}`). Markdown has none, so [`markdown`] makes
//! case and rubric text inert there: it cannot break a table (`|`, line breaks), open
//! raw HTML (`<`, `>`, `&`), or form a link (`[`, `]`). [`xml`] is for the SVG chart,
//! which is built in Rust.

/// Escapes text for a Markdown page, including inside a table cell.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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
