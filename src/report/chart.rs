//! The progression chart as small multiples: one small panel per criterion and one for
//! the weighted total, sharing the time axis. Each point is a score on 0–100; a level
//! whose interval is open is drawn hollow with its interval as a bar, an established one
//! filled; two consecutive points are joined only where the change between them holds
//! (both established, or intervals that do not overlap), so no line shows a rise or a
//! fall that the intervals do not support.
//!
//! Two renderings of the same panels ([`panel`]): [`chart`], one standalone SVG with a
//! visible title, subtitle, key of the efforts and source line (`progression.svg`, fit
//! for a slide); and [`panels`], the HTML block of the report, one small SVG per panel
//! in a grid that reflows from one column on a phone to three on a laptop, so that no
//! text is drawn under 11 CSS px at 390 px.
//!
//! Built in Rust (not a template) because it is geometry; all text in it goes through
//! [`xml`]. Hand-written SVG, no JavaScript.

use crate::report::templating::escape::xml;
use crate::score::output::fmt1;
use crate::score::{CaseScore, Interval};
use std::fmt::Write as _;

/// One panel of the chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Criterion id, or `total`.
    pub id: String,
    /// Name shown as the panel's title.
    pub name: String,
    /// One point per effort.
    pub points: Vec<Interval>,
}

/// The colour of the criteria's panels and of the total's (Okabe–Ito blue; black).
const COLOUR: &str = "#0072B2";
const TOTAL_COLOUR: &str = "#000000";

/// A panel's size in user units; inline, one unit is one CSS px up to this width.
const PANEL_W: f64 = 340.0;
const PANEL_H: f64 = 150.0;
const LEFT: f64 = 34.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 24.0;
/// Text sizes in user units: at most 8% below one CSS px per unit on a 390 px phone,
/// they stay at or above 11 px.
const TEXT: f64 = 12.5;
const SMALL: f64 = 12.0;
/// The standalone chart's title.
const TITLE: f64 = 18.0;

/// The standalone chart: two columns of panels.
const SVG_W: f64 = 720.0;
const GAP: f64 = 14.0;
const KEY_LINE: f64 = 18.0;

/// The chart shows each effort up to this many; beyond, one point per start year.
pub const EFFORTS_MAX: usize = 24;

/// What a chart plots.
#[derive(Debug, Clone)]
pub struct Plot {
    /// Each point's label: year and short name (the case id without its year).
    pub labels: Vec<(String, String)>,
    /// Each point's full name, for the key of the report (a title, or "5 efforts").
    pub titles: Vec<String>,
    /// One series per criterion, then the total.
    pub series: Vec<Series>,
    /// What a point is, for the x-axis title.
    pub axis: &'static str,
    /// What a point is, for the description read by screen readers.
    pub each: &'static str,
}

/// The chart of the efforts (in time order): a point per effort, or with more than
/// [`EFFORTS_MAX`] efforts a point per start year — the mean of the efforts that began
/// in it, with the interval from the mean of their lower bounds to the mean of their
/// upper bounds (the mean's own bounds, since the mean is linear).
pub fn plot(criteria: &[(String, String)], efforts: &[&CaseScore]) -> Plot {
    if efforts.len() <= EFFORTS_MAX {
        return Plot {
            labels: efforts
                .iter()
                .map(|e| (e.start.year.to_string(), short_name(&e.id, e.start.year)))
                .collect(),
            titles: efforts.iter().map(|e| e.title.clone()).collect(),
            series: series(criteria, efforts),
            axis: "Efforts in time order",
            each: "for each effort in time order",
        };
    }
    let years: Vec<&[&CaseScore]> = efforts
        .chunk_by(|a, b| a.start.year == b.start.year)
        .collect();
    let labels: Vec<(String, String)> = years
        .iter()
        .map(|year| {
            let first = year.first().map_or(0, |e| e.start.year);
            (first.to_string(), format!("{} efforts", year.len()))
        })
        .collect();
    let mean_of = |pick: &dyn Fn(&CaseScore) -> Option<Interval>| -> Vec<Interval> {
        years
            .iter()
            .map(|year| mean(year.iter().filter_map(|e| pick(e))))
            .collect()
    };
    let mut series: Vec<Series> = criteria
        .iter()
        .enumerate()
        .map(|(k, (id, name))| Series {
            id: id.clone(),
            name: name.clone(),
            points: mean_of(&|e: &CaseScore| e.criteria.get(k).map(|c| c.interval)),
        })
        .collect();
    series.push(Series {
        id: "total".to_string(),
        name: "Total (weighted)".to_string(),
        points: mean_of(&|e: &CaseScore| Some(e.total)),
    });
    Plot {
        titles: labels.iter().map(|(y, n)| format!("{y}: {n}")).collect(),
        labels,
        series,
        axis: "Start year (mean of the efforts that began in it)",
        each: "for each start year, the mean of the efforts that began in it",
    }
}

/// "unasur-vatican" for the case `2014-unasur-vatican` begun in 2014; the id itself when
/// it does not start with its year.
fn short_name(id: &str, year: u16) -> String {
    id.strip_prefix(&format!("{year}-"))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(id)
        .to_string()
}

/// The mean of intervals, bound by bound; zero when there are none.
fn mean(intervals: impl Iterator<Item = Interval>) -> Interval {
    let (mut n, mut sum) = (0.0, Interval::default());
    for i in intervals {
        n += 1.0;
        sum.score += i.score;
        sum.lower += i.lower;
        sum.upper += i.upper;
    }
    if n > 0.0 {
        sum.score /= n;
        sum.lower /= n;
        sum.upper /= n;
    }
    sum
}

/// The series of a chart: one per criterion, then the total.
fn series(criteria: &[(String, String)], efforts: &[&CaseScore]) -> Vec<Series> {
    let mut out: Vec<Series> = criteria
        .iter()
        .enumerate()
        .map(|(k, (id, name))| Series {
            id: id.clone(),
            name: name.clone(),
            points: efforts
                .iter()
                .filter_map(|e| e.criteria.get(k).map(|c| c.interval))
                .collect(),
        })
        .collect();
    out.push(Series {
        id: "total".to_string(),
        name: "Total (weighted)".to_string(),
        points: efforts.iter().map(|e| e.total).collect(),
    });
    out
}

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

/// True when a line may join two consecutive points: the change between them holds
/// (both established, or intervals that share no point).
pub fn joined(a: &Interval, b: &Interval) -> bool {
    (!a.is_open() && !b.is_open()) || a.apart_from(b)
}

/// Roughly how wide `text` is drawn at `size` (an average glyph of 0.56 em).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.56
}

/// Every how many points the x axis is numbered so that the numbers do not overlap.
fn tick_step(n: usize, plot_w: f64) -> usize {
    if n == 0 {
        return 1;
    }
    let widest = text_width(&n.to_string(), SMALL) + 6.0;
    let spacing = plot_w / n as f64;
    (widest / spacing).ceil().max(1.0) as usize
}

/// One panel's marks, drawn in a box of 340 × 150 user units at the origin: its
/// title, the grid, each point with its interval, the joins that hold and the numbered
/// time axis.
pub fn panel(line: &Series, labels: &[(String, String)]) -> String {
    let is_total = line.id == "total";
    let colour = if is_total { TOTAL_COLOUR } else { COLOUR };
    let plot_w = PANEL_W - LEFT - RIGHT;
    let plot_h = PANEL_H - TOP - BOTTOM;
    let n = labels.len();
    let x_of = |i: usize| -> f64 {
        if n <= 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * (i as f64 + 0.5) / n as f64
        }
    };
    let y_of = |score: f64| -> f64 { TOP + plot_h * (1.0 - score.clamp(0.0, 100.0) / 100.0) };
    let mut svg = String::new();
    // The panel's own title: the criterion's name, or its id when the name is too long
    // to fit (never cut).
    let title = if text_width(&line.name, TEXT) <= PANEL_W - 8.0 {
        line.name.as_str()
    } else {
        line.id.as_str()
    };
    let _ = writeln!(
        svg,
        r#"<text x="2" y="{y}" font-size="{TEXT}" font-weight="600">{t}</text>"#,
        y = fmt(TEXT + 2.0),
        t = xml(title),
    );
    for tick in [0.0, 50.0, 100.0] {
        let y = y_of(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="#dddddd"/><text x="{tx}" y="{ty}" text-anchor="end" font-size="{SMALL}" fill="#555555">{v}</text>"##,
            l = fmt(LEFT),
            r = fmt(LEFT + plot_w),
            y = fmt(y),
            tx = fmt(LEFT - 5.0),
            ty = fmt(y + 4.0),
            v = tick as i64
        );
    }
    let step = tick_step(n, plot_w);
    for i in (0..n).filter(|i| i % step == 0) {
        let _ = writeln!(
            svg,
            r##"<text x="{x}" y="{y}" text-anchor="middle" font-size="{SMALL}" fill="#555555">{k}</text>"##,
            x = fmt(x_of(i)),
            y = fmt(PANEL_H - 6.0),
            k = i + 1,
        );
    }
    let _ = writeln!(
        svg,
        r#"<g class="series" data-series="{id}"><title>{name}</title>"#,
        id = xml(&line.id),
        name = xml(&line.name)
    );
    for (i, pair) in line.points.windows(2).enumerate() {
        if joined(&pair[0], &pair[1]) {
            let _ = writeln!(
                svg,
                r#"<line class="join" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" stroke-width="2"/>"#,
                x1 = fmt(x_of(i)),
                y1 = fmt(y_of(pair[0].score)),
                x2 = fmt(x_of(i + 1)),
                y2 = fmt(y_of(pair[1].score)),
            );
        }
    }
    for (i, p) in line.points.iter().enumerate() {
        let x = x_of(i);
        if p.is_open() {
            let _ = writeln!(
                svg,
                r#"<rect class="interval" x="{x}" y="{y}" width="8" height="{h}" fill="{colour}" fill-opacity="0.22"/>"#,
                x = fmt(x - 4.0),
                y = fmt(y_of(p.upper)),
                h = fmt(y_of(p.lower) - y_of(p.upper)),
            );
        }
        let (fill, class) = if p.is_open() {
            ("#ffffff", "open")
        } else {
            (colour, "established")
        };
        let label = labels
            .get(i)
            .map(|(y, s)| format!("{y} {s}"))
            .unwrap_or_default();
        let _ = writeln!(
            svg,
            r#"<circle class="{class}" cx="{x}" cy="{y}" r="4" fill="{fill}" stroke="{colour}" stroke-width="2"><title>{name}, {label}: {value}</title></circle>"#,
            x = fmt(x),
            y = fmt(y_of(p.score)),
            name = xml(&line.name),
            label = xml(&label),
            value = xml(&interval_text(p)),
        );
    }
    svg.push_str("</g>\n");
    if n == 0 {
        let _ = writeln!(
            svg,
            r#"<text x="{x}" y="{y}" text-anchor="middle" font-size="{SMALL}">No efforts to chart.</text>"#,
            x = fmt(LEFT + plot_w / 2.0),
            y = fmt(TOP + plot_h / 2.0)
        );
    }
    svg
}

/// What the marks mean, in words (the subtitle of the standalone chart and the legend
/// of the report's).
pub const READING: &str = "Scores on 0–100. Filled point: an established level; hollow point and bar: a level not established, with the interval the unknown observations leave open. A line joins two points only where the change between them holds; a gap means the intervals overlap.";

/// The standalone chart, `progression.svg`: the title, a subtitle saying how to read
/// it, the panels in two columns, a key of the numbered points and a source line.
pub fn chart(title: &str, source: &str, plot: &Plot) -> String {
    let title_lines = wrap(title, SVG_W - 20.0, TITLE);
    let subtitle_lines = wrap(READING, SVG_W - 20.0, SMALL);
    let subtitle_top = 10.0 + TITLE * 1.25 * title_lines.len() as f64 + 4.0;
    let top = subtitle_top + 15.0 * subtitle_lines.len() as f64 + 8.0;
    let rows = plot.series.len().div_ceil(2);
    let panels_h = rows as f64 * (PANEL_H + GAP);
    let key_rows = plot.labels.len().div_ceil(2);
    let key_top = top + panels_h + 8.0;
    let height = key_top + 22.0 + key_rows as f64 * KEY_LINE + 34.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="chart-title chart-desc" class="progression" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="{TEXT}">
<title id="chart-title">{title}</title>
<desc id="chart-desc">{desc}</desc>
<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>
"##,
        w = fmt(SVG_W),
        h = fmt(height),
        title = xml(title),
        desc = xml(&describe(plot)),
    );
    for (k, line) in title_lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<text x="10" y="{y}" font-size="{TITLE}" font-weight="700">{t}</text>"#,
            y = fmt(10.0 + TITLE * (1.0 + 1.25 * k as f64)),
            t = xml(line),
        );
    }
    // The subtitle, wrapped to the width.
    for (k, line) in subtitle_lines.iter().enumerate() {
        let _ = writeln!(
            svg,
            r##"<text x="10" y="{y}" font-size="{SMALL}" fill="#333333">{t}</text>"##,
            y = fmt(subtitle_top + SMALL + 15.0 * k as f64),
            t = xml(line),
        );
    }
    for (s, line) in plot.series.iter().enumerate() {
        let x = 10.0 + (s % 2) as f64 * (PANEL_W + GAP + 6.0);
        let y = top + (s / 2) as f64 * (PANEL_H + GAP);
        let _ = writeln!(
            svg,
            r#"<g class="panel" transform="translate({x} {y})">"#,
            x = fmt(x),
            y = fmt(y)
        );
        svg.push_str(&panel(line, &plot.labels));
        svg.push_str("</g>\n");
    }
    let _ = writeln!(
        svg,
        r#"<text x="10" y="{y}" font-weight="600">{axis}</text>"#,
        y = fmt(key_top + 12.0),
        axis = xml(plot.axis),
    );
    for (i, (year, name)) in plot.labels.iter().enumerate() {
        let x = 10.0 + (i / key_rows.max(1)) as f64 * (SVG_W / 2.0);
        let y = key_top + 30.0 + (i % key_rows.max(1)) as f64 * KEY_LINE;
        let _ = writeln!(
            svg,
            r#"<text x="{x}" y="{y}" font-size="{SMALL}"><tspan font-weight="600">{k}</tspan> {year} {name}</text>"#,
            x = fmt(x),
            y = fmt(y),
            k = i + 1,
            year = xml(year),
            name = xml(name),
        );
    }
    let _ = writeln!(
        svg,
        r##"<text x="10" y="{y}" font-size="{SMALL}" fill="#555555">{source}</text>"##,
        y = fmt(height - 12.0),
        source = xml(source),
    );
    svg.push_str("</svg>\n");
    svg
}

/// The report's chart: one small SVG per panel in a grid that reflows, the legend, and
/// the key of the numbered points with the efforts' full names. Escaped already.
pub fn panels(title: &str, plot: &Plot) -> String {
    let mut html = String::new();
    let _ = writeln!(
        html,
        r#"<p class="muted" id="progression-title">{t}</p>
<div class="progression" role="group" aria-labelledby="progression-title">"#,
        t = xml(title)
    );
    for line in &plot.series {
        let _ = write!(
            html,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" class="panel" role="img" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="{TEXT}">
<title>{name}: {values}</title>"##,
            w = fmt(PANEL_W),
            h = fmt(PANEL_H),
            name = xml(&line.name),
            values = xml(&line
                .points
                .iter()
                .map(interval_text)
                .collect::<Vec<_>>()
                .join(", ")),
        );
        html.push('\n');
        html.push_str(&panel(line, &plot.labels));
        html.push_str("</svg>\n");
    }
    html.push_str("</div>\n");
    let _ = writeln!(html, r#"<p class="muted">{}</p>"#, xml(READING));
    let _ = writeln!(
        html,
        r#"<p class="muted">{}:</p>
<ol class="effort-key">"#,
        xml(plot.axis)
    );
    for ((year, _), title) in plot.labels.iter().zip(&plot.titles) {
        let _ = writeln!(html, "<li>{} — {}</li>", xml(year), xml(title));
    }
    html.push_str("</ol>\n");
    html
}

/// `text` broken into lines no wider than `width` at `size`, at spaces.
fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, size) > width {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn interval_text(p: &Interval) -> String {
    if p.is_open() {
        format!(
            "{} (not established: interval {}–{})",
            fmt1(p.score),
            fmt1(p.lower),
            fmt1(p.upper)
        )
    } else {
        fmt1(p.score)
    }
}

/// The chart's content in words, for screen readers.
fn describe(plot: &Plot) -> String {
    let mut out = format!(
        "Scores on 0 to 100 of each criterion and of the weighted total {}",
        plot.each
    );
    let efforts: Vec<String> = plot
        .labels
        .iter()
        .zip(&plot.titles)
        .map(|((y, _), t)| format!("{t} ({y})"))
        .collect();
    if !efforts.is_empty() {
        out.push_str(": ");
        out.push_str(&efforts.join(", "));
    }
    out.push_str(". ");
    for line in &plot.series {
        let values: Vec<String> = line.points.iter().map(interval_text).collect();
        let _ = write!(out, "{}: {}. ", line.name, values.join(", "));
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(score: f64, lower: f64, upper: f64) -> Interval {
        Interval {
            score,
            lower,
            upper,
        }
    }

    fn per_effort(labels: Vec<(String, String)>, series: Vec<Series>) -> Plot {
        Plot {
            titles: labels.iter().map(|(_, n)| n.clone()).collect(),
            labels,
            series,
            axis: "Efforts in time order",
            each: "for each effort in time order",
        }
    }

    fn two() -> Plot {
        let labels = vec![
            ("2014".to_string(), "A <b>".to_string()),
            ("2016".to_string(), "B".to_string()),
        ];
        let series = vec![
            Series {
                id: "history".into(),
                name: "History & co".into(),
                points: vec![p(0.0, 0.0, 50.0), p(50.0, 50.0, 50.0)],
            },
            Series {
                id: "total".into(),
                name: "Total".into(),
                points: vec![p(10.0, 10.0, 20.0), p(40.0, 40.0, 40.0)],
            },
        ];
        per_effort(labels, series)
    }

    #[test]
    fn one_panel_per_series_escaped_with_title_and_source() {
        let svg = chart("Progression", "Source: <here>", &two());
        assert_eq!(svg.matches("<g class=\"series\"").count(), 2);
        assert_eq!(svg.matches("<g class=\"panel\"").count(), 2);
        assert_eq!(svg.matches("class=\"interval\"").count(), 2);
        assert!(svg.contains("A &lt;b&gt;"));
        assert!(svg.contains("History &amp; co"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("<title id=\"chart-title\">Progression</title>"));
        assert!(svg.contains(">Progression</text>"), "a visible title");
        assert!(
            svg.contains(">Source: &lt;here&gt;</text>"),
            "a source line"
        );
        assert!(svg.contains("History &amp; co: 0.0 (not established: interval 0.0–50.0), 50.0."));
    }

    #[test]
    fn no_line_where_the_intervals_overlap() {
        // history: 0 [0–50] then 50 [50–50]: the intervals touch, the rise is not
        // established, so no join; total: 10 [10–20] then 40: apart, joined.
        let svg = chart("t", "s", &two());
        assert_eq!(svg.matches("class=\"join\"").count(), 1, "{svg}");
        assert!(
            joined(&p(25.0, 25.0, 25.0), &p(0.0, 0.0, 0.0)),
            "both established"
        );
        assert!(
            !joined(&p(50.0, 50.0, 50.0), &p(0.0, 0.0, 100.0)),
            "a fall from silence"
        );
        assert!(
            joined(&p(75.0, 75.0, 100.0), &p(0.0, 0.0, 25.0)),
            "a fall that holds"
        );
        // The open points are hollow, the established filled.
        assert_eq!(svg.matches("<circle class=\"open\"").count(), 2);
        assert_eq!(svg.matches("<circle class=\"established\"").count(), 2);
    }

    #[test]
    fn the_report_has_one_small_svg_per_panel_and_a_key() {
        let html = panels("Progression", &two());
        assert_eq!(html.matches("<svg ").count(), 2);
        assert!(html.contains("<li>2014 — A &lt;b&gt;</li>"));
    }

    #[test]
    fn axis_numbers_never_crowd() {
        let plot_w = PANEL_W - LEFT - RIGHT;
        for n in 1..=EFFORTS_MAX {
            let step = tick_step(n, plot_w);
            let spacing = plot_w / n as f64 * step as f64;
            assert!(
                spacing >= text_width(&n.to_string(), SMALL) + 6.0,
                "{n} points"
            );
        }
        assert_eq!(tick_step(4, plot_w), 1);
    }

    #[test]
    fn short_names_drop_the_year() {
        assert_eq!(short_name("2014-unasur-vatican", 2014), "unasur-vatican");
        assert_eq!(short_name("vatican", 2016), "vatican");
        assert_eq!(short_name("2014-", 2014), "2014-");
    }

    #[test]
    fn scores_map_to_the_plot_area() {
        let labels = vec![("2014".to_string(), "A".to_string())];
        let series = vec![Series {
            id: "total".into(),
            name: "Total".into(),
            points: vec![p(100.0, 100.0, 100.0)],
        }];
        let svg = chart("t", "s", &per_effort(labels, series));
        // 100 maps to the top of the plot area.
        assert!(svg.contains(&format!("cy=\"{}\"", fmt(TOP))), "{svg}");
    }
}
