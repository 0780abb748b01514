//! The analysis section of the comparative report: the progression trend, the weight
//! sensitivity and a short note on whether each criterion's scale holds, rendered as
//! Markdown and escaped HTML for [`super::Extra`].
//!
//! The sensitivity here uses fixed settings ([`SETTINGS`]) so the committed report is
//! reproducible byte for byte and quick to build. This module renders; the numbers are
//! [`crate::analysis::trend`]'s and [`crate::analysis::sensitivity`]'s.

use super::Extra;
use super::templating::escape::{markdown, xml};
use crate::analysis::scale::{self, Scale};
use crate::analysis::sensitivity::{self, Settings};
use crate::analysis::trend;
use crate::analysis::trend::TrendInput;
use crate::error::Error;
use crate::score::Scores;

/// The sensitivity settings of the report: the command's defaults
/// ([`sensitivity::DEFAULT_SAMPLES`] draws, seed 1, concentration 50).
pub const SETTINGS: Settings = Settings {
    samples: sensitivity::DEFAULT_SAMPLES,
    seed: 1,
    concentration: 50.0,
};

fn md_table(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| markdown(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if i == 0 {
            out.push_str(&format!("|{}\n", " --- |".repeat(row.len())));
        }
    }
    out
}

fn html_table(rows: &[Vec<String>]) -> String {
    let mut out = String::from("<div class=\"table-wrap\">\n<table>\n");
    for (i, row) in rows.iter().enumerate() {
        let tag = if i == 0 { "th" } else { "td" };
        let cells: String = row
            .iter()
            .map(|c| format!("<{tag}>{}</{tag}>", xml(c)))
            .collect();
        out.push_str(&format!("<tr>{cells}</tr>\n"));
    }
    out.push_str("</table>\n</div>\n");
    out
}

/// The analysis section for `scores`, with the trend (of what `trend_input` reads,
/// without the codings it leaves out) and the sensitivity (of every case) it shows.
///
/// # Errors
/// As [`sensitivity::sensitivity`] (only when there are no cases).
pub fn extra(scores: &Scores, trend_input: &TrendInput, scale: &Scale) -> Result<Extra, Error> {
    let t = trend::trend(trend_input.scores(scores));
    let mut trend_rows = vec![trend::HEADER.iter().map(|s| s.to_string()).collect()];
    trend_rows.extend(trend::rows(&t));
    let trend_note = format!(
        "tau is Kendall's tau-b of the score against the effort's position in time; p is {} for an increasing trend. {} {}",
        trend::p_phrase(&t),
        trend::COLUMNS_NOTE,
        trend::min_p_sentence(&t)
    );
    let mut md = String::from("## Trend and weight sensitivity\n\n");
    let mut html = String::from("<h2 id=\"analysis\">Trend and weight sensitivity</h2>\n");
    if t.efforts.len() >= 2 {
        md.push_str(&md_table(&trend_rows));
        md.push('\n');
        md.push_str(&markdown(&trend_note));
        md.push_str("\n\n");
        html.push_str(&html_table(&trend_rows));
        html.push_str(&format!("<p>{}</p>\n", xml(&trend_note)));
    }
    let mut kept = None;
    if !scores.cases.is_empty() {
        // Its progression is the trend's: the efforts the trend leaves out are ranked
        // among the cases but are no step of it.
        let reads = trend_input.reads();
        let s = sensitivity::sensitivity_with(
            scores,
            SETTINGS,
            sensitivity::Run {
                progression: Some(&reads),
                done: None,
            },
        )?;
        let sentences = [
            sensitivity::settings_sentence(&s),
            sensitivity::progression_sentence(&s),
            sensitivity::influence_sentence(&s),
        ];
        for sentence in &sentences {
            md.push_str(&markdown(sentence));
            md.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>\n", xml(sentence)));
        }
        let ranks = sensitivity::rank_rows(&s);
        md.push_str(&md_table(&ranks));
        html.push_str(&html_table(&ranks));
        kept = Some(s);
    }
    if !scale.criteria.is_empty() && scale.cases > 0 {
        md.push_str("\n### Does the scale hold?\n\n");
        html.push_str("<h3 id=\"scale\">Does the scale hold?</h3>\n");
        for sentence in scale::report_note(scale) {
            md.push_str(&markdown(&sentence));
            md.push_str("\n\n");
            html.push_str(&format!("<p>{}</p>\n", xml(&sentence)));
        }
    }
    Ok(Extra {
        markdown: md,
        html,
        policy: None,
        trend: Some(t),
        sensitivity: kept,
        agreement: None,
        trend_input: TrendInput::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_escape_their_cells() {
        let rows = vec![
            vec!["a".to_string(), "b".to_string()],
            vec!["<x>".to_string(), "1|2".to_string()],
        ];
        assert_eq!(
            md_table(&rows),
            "| a | b |\n| --- | --- |\n| &lt;x&gt; | 1\\|2 |\n"
        );
        assert!(html_table(&rows).contains("<td>&lt;x&gt;</td>"));
    }
}
