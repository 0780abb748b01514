//! The progression chart: an SVG line chart of each criterion's score and the total
//! across the efforts in time order, with the interval left open by unknowns drawn as a
//! bar at every point. A point whose interval is open is hollow (its level is not
//! established), and a step between intervals that overlap is drawn faint and dotted:
//! the chart never draws a rise or a fall the intervals do not support.
//!
//! Built in Rust (not a template) because it is geometry; all text in it goes through
//! [`xml`]. The same markup is written to `progression.svg` and inlined in the HTML
//! report.

use crate::analysis::trend::{Sure, step};
use crate::report::templating::escape::xml;
use crate::score::output::fmt1;
use crate::score::{CaseScore, Interval};
use std::fmt::Write as _;

/// One line of the chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Criterion id, or `total`.
    pub id: String,
    /// Name shown in the legend.
    pub name: String,
    /// One point per effort.
    pub points: Vec<Interval>,
}

/// Distinct colours that survive greyscale printing reasonably (Okabe–Ito palette).
const COLOURS: &[&str] = &[
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8c6d31", "#7f7f7f",
];
/// The dash of a step that is not established: faint dots, unlike every series' dash.
const NOT_ESTABLISHED_DASH: &str = "0.5 4";
/// Dash patterns, so series differ without colour too.
const DASHES: &[&str] = &["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "3 6"];

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 210.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 90.0;

/// The chart shows each effort up to this many; beyond, one point per start year.
pub const EFFORTS_MAX: usize = 24;

/// What a chart plots.
#[derive(Debug, Clone)]
pub struct Plot {
    /// Each point's x-axis label: year and name.
    pub labels: Vec<(String, String)>,
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
                .map(|e| (e.start.year.to_string(), e.title.clone()))
                .collect(),
            series: series(criteria, efforts),
            axis: "Efforts in time order",
            each: "for each effort in time order",
        };
    }
    let years: Vec<&[&CaseScore]> = efforts
        .chunk_by(|a, b| a.start.year == b.start.year)
        .collect();
    let labels = years
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
        labels,
        series,
        axis: "Start year (mean of the efforts that began in it)",
        each: "for each start year, the mean of the efforts that began in it",
    }
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

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Renders the chart.
pub fn chart(title: &str, plot: &Plot) -> String {
    let (labels, series) = (&plot.labels, &plot.series);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
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
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="chart-title chart-desc" class="progression" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">
<title id="chart-title">{title}</title>
<desc id="chart-desc">{desc}</desc>
<rect x="0" y="0" width="{w}" height="{h}" fill="#ffffff"/>
"##,
        w = WIDTH,
        h = HEIGHT,
        title = xml(title),
        desc = xml(&describe(plot)),
    );
    // Grid and y axis.
    svg.push_str("<g class=\"axis y-axis\">\n");
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let y = y_of(tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{l}" y1="{y}" x2="{r}" y2="{y}" stroke="#dddddd"/><text x="{tx}" y="{ty}" text-anchor="end">{v}</text>"##,
            l = fmt(LEFT),
            r = fmt(LEFT + plot_w),
            y = fmt(y),
            tx = fmt(LEFT - 8.0),
            ty = fmt(y + 4.0),
            v = tick as i64
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="16" y="{y}" transform="rotate(-90 16 {y})" text-anchor="middle" font-weight="600">Score (0–100)</text>"#,
        y = fmt(TOP + plot_h / 2.0)
    );
    svg.push_str("</g>\n<g class=\"axis x-axis\">\n");
    let _ = writeln!(
        svg,
        r##"<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="#333333"/>"##,
        l = fmt(LEFT),
        r = fmt(LEFT + plot_w),
        b = fmt(TOP + plot_h)
    );
    for (i, (year, name)) in labels.iter().enumerate() {
        let x = fmt(x_of(i));
        let _ = writeln!(
            svg,
            r#"<text x="{x}" y="{y1}" text-anchor="middle" font-weight="600">{year}</text><text x="{x}" y="{y2}" text-anchor="middle" font-size="10">{name}</text>"#,
            y1 = fmt(TOP + plot_h + 18.0),
            y2 = fmt(TOP + plot_h + 33.0),
            year = xml(year),
            name = xml(&truncate(name, 22)),
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{x}" y="{y}" text-anchor="middle" font-weight="600">{axis}</text>"#,
        axis = xml(plot.axis),
        x = fmt(LEFT + plot_w / 2.0),
        y = fmt(HEIGHT - 18.0)
    );
    svg.push_str("</g>\n");
    // Series, dodged sideways so that equal points and their intervals stay visible.
    let count = series.len();
    for (s, line) in series.iter().enumerate() {
        let is_total = line.id == "total";
        let (colour, dash_attr, width) = style(s, is_total);
        let dodge = (s as f64 - (count as f64 - 1.0) / 2.0) * 4.0;
        let _ = writeln!(
            svg,
            r#"<g class="series" data-series="{id}"><title>{name}</title>"#,
            id = xml(&line.id),
            name = xml(&line.name)
        );
        // Runs of steps the intervals support are drawn in the series' style; a step
        // that is not established (the intervals overlap) is drawn faint and dotted, so
        // the chart never shows a rise or fall the intervals do not support.
        let at =
            |i: usize, p: &Interval| format!("{},{}", fmt(x_of(i) + dodge), fmt(y_of(p.score)));
        let mut runs: Vec<(bool, Vec<String>)> = Vec::new();
        for (i, pair) in line.points.windows(2).enumerate() {
            let [a, b] = pair else { continue };
            let sure = step(a, b).sure != Sure::NotEstablished;
            match runs.last_mut() {
                Some((kind, points)) if *kind == sure => points.push(at(i + 1, b)),
                _ => runs.push((sure, vec![at(i, a), at(i + 1, b)])),
            }
        }
        for (sure, points) in &runs {
            if *sure {
                let _ = writeln!(
                    svg,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="{width}"{dash_attr}/>"#,
                    points.join(" ")
                );
            } else {
                let _ = writeln!(
                    svg,
                    r#"<polyline class="not-established" points="{}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-opacity="0.4" stroke-dasharray="{NOT_ESTABLISHED_DASH}"/>"#,
                    points.join(" ")
                );
            }
        }
        for (i, p) in line.points.iter().enumerate() {
            let x = x_of(i) + dodge;
            if p.is_open() {
                let _ = writeln!(
                    svg,
                    r#"<line class="interval" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{colour}" stroke-width="{iw}" stroke-opacity="0.35"/>"#,
                    x = fmt(x),
                    y1 = fmt(y_of(p.lower)),
                    y2 = fmt(y_of(p.upper)),
                    iw = if is_total { 4.0 } else { 2.5 },
                );
            }
            // An open interval's point is hollow: its level is not established.
            let fill = if p.is_open() {
                format!(r##"#ffffff" stroke="{colour}" stroke-width="1.5"##)
            } else {
                colour.to_string()
            };
            let _ = writeln!(
                svg,
                r#"<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}"><title>{name}, {label}: {value}</title></circle>"#,
                x = fmt(x),
                y = fmt(y_of(p.score)),
                r = if is_total { 4.5 } else { 3.5 },
                name = xml(&line.name),
                label = xml(&labels.get(i).map(|l| l.0.clone()).unwrap_or_default()),
                value = xml(&interval_text(p)),
            );
        }
        svg.push_str("</g>\n");
    }
    // Legend.
    svg.push_str("<g class=\"legend\">\n");
    let lx = WIDTH - RIGHT + 20.0;
    let _ = writeln!(
        svg,
        r#"<text x="{x}" y="{y}" font-weight="600">Legend</text>"#,
        x = fmt(lx),
        y = fmt(TOP + 4.0)
    );
    for (s, line) in series.iter().enumerate() {
        let (colour, dash_attr, width) = style(s, line.id == "total");
        let y = TOP + 24.0 + 20.0 * s as f64;
        let _ = writeln!(
            svg,
            r#"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{colour}" stroke-width="{w}"{dash_attr}/><text x="{tx}" y="{ty}">{name}</text>"#,
            x1 = fmt(lx),
            x2 = fmt(lx + 26.0),
            y = fmt(y),
            w = width,
            tx = fmt(lx + 32.0),
            ty = fmt(y + 4.0),
            name = xml(&truncate(&line.id, 24)),
        );
    }
    let _ = writeln!(
        svg,
        r##"<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="#555555" stroke-width="4" stroke-opacity="0.45"/><text x="{tx}" y="{ty}">interval (unknowns)</text>"##,
        x = fmt(lx + 13.0),
        y1 = fmt(TOP + 24.0 + 20.0 * count as f64 - 6.0),
        y2 = fmt(TOP + 24.0 + 20.0 * count as f64 + 6.0),
        tx = fmt(lx + 32.0),
        ty = fmt(TOP + 28.0 + 20.0 * count as f64),
    );
    let y = TOP + 24.0 + 20.0 * (count + 1) as f64;
    let _ = writeln!(
        svg,
        r##"<circle cx="{cx}" cy="{y}" r="3.5" fill="#ffffff" stroke="#555555" stroke-width="1.5"/><text x="{tx}" y="{ty}">not established</text>"##,
        cx = fmt(lx + 13.0),
        y = fmt(y),
        tx = fmt(lx + 32.0),
        ty = fmt(y + 4.0),
    );
    let y = y + 20.0;
    let _ = writeln!(
        svg,
        r##"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#555555" stroke-width="1.8" stroke-opacity="0.4" stroke-dasharray="{NOT_ESTABLISHED_DASH}"/><text x="{tx}" y="{ty}">change not established</text>"##,
        x1 = fmt(lx),
        x2 = fmt(lx + 26.0),
        y = fmt(y),
        tx = fmt(lx + 32.0),
        ty = fmt(y + 4.0),
    );
    svg.push_str("</g>\n");
    if labels.is_empty() {
        let _ = writeln!(
            svg,
            r#"<text x="{x}" y="{y}" text-anchor="middle">No efforts to chart.</text>"#,
            x = fmt(LEFT + plot_w / 2.0),
            y = fmt(TOP + plot_h / 2.0)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// Colour, dash attribute and stroke width of the s-th series; the total is black,
/// solid and thick. One place, so the lines and the legend always agree.
fn style(s: usize, is_total: bool) -> (&'static str, String, f64) {
    if is_total {
        return ("#000000", String::new(), 3.0);
    }
    let dash = DASHES[s % DASHES.len()];
    let dash_attr = if dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{dash}""#)
    };
    (COLOURS[s % COLOURS.len()], dash_attr, 1.8)
}

fn interval_text(p: &Interval) -> String {
    if p.is_open() {
        format!(
            "{} (interval {}–{})",
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
        .map(|(y, t)| format!("{t} ({y})"))
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
            labels,
            series,
            axis: "Efforts in time order",
            each: "for each effort in time order",
        }
    }

    #[test]
    fn one_group_per_series_and_escaped_text() {
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
        let svg = chart("Progression", &per_effort(labels, series));
        assert_eq!(svg.matches("<g class=\"series\"").count(), 2);
        assert_eq!(svg.matches("class=\"interval\"").count(), 2);
        assert!(svg.contains("A &lt;b&gt;"));
        assert!(svg.contains("History &amp; co"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("<title id=\"chart-title\">Progression</title>"));
        assert!(svg.contains("History &amp; co: 0.0 (interval 0.0–50.0), 50.0."));
    }

    #[test]
    fn open_points_are_hollow_and_unsupported_falls_are_not_drawn_as_falls() {
        let labels = (2014..2018)
            .map(|y| (y.to_string(), format!("E{y}")))
            .collect();
        // 50 -> [0, 50] (a fall from silence), then a sure rise to 75, then 75 again.
        let series = vec![Series {
            id: "history".into(),
            name: "History".into(),
            points: vec![
                p(50.0, 50.0, 50.0),
                p(0.0, 0.0, 50.0),
                p(75.0, 75.0, 75.0),
                p(75.0, 75.0, 75.0),
            ],
        }];
        let svg = chart("t", &per_effort(labels, series));
        let hollow = svg.matches("fill=\"#ffffff\" stroke=\"#0072B2\"").count();
        assert_eq!(hollow, 1, "{svg}");
        // The fall into the open point is faint; the rise out of it (its upper bound
        // is below 75) and the hold are drawn in the series' style.
        assert_eq!(svg.matches("class=\"not-established\" points").count(), 1);
        let y = |v: f64| fmt(TOP + (HEIGHT - TOP - BOTTOM) * (1.0 - v / 100.0));
        let faint = svg
            .lines()
            .find(|l| l.contains("class=\"not-established\" points"))
            .expect("faint run");
        assert!(
            faint.contains(&y(50.0)) && faint.contains(&y(0.0)),
            "{faint}"
        );
        let solid: Vec<&str> = svg
            .lines()
            .filter(|l| l.starts_with("<polyline points"))
            .collect();
        assert_eq!(solid.len(), 1);
        let points = solid[0].split("points=\"").nth(1).expect("points");
        let points = points.split('"').next().expect("points");
        assert_eq!(points.split(' ').count(), 3, "{}", solid[0]);
        assert!(!points.contains(&y(50.0)), "{}", solid[0]);
        assert!(svg.contains("change not established"));
    }

    #[test]
    fn scores_map_to_the_plot_area() {
        let labels = vec![("2014".to_string(), "A".to_string())];
        let series = vec![Series {
            id: "total".into(),
            name: "Total".into(),
            points: vec![p(100.0, 100.0, 100.0)],
        }];
        let svg = chart("t", &per_effort(labels, series));
        // 100 maps to the top of the plot area.
        assert!(svg.contains(&format!("cy=\"{}\"", fmt(TOP))), "{svg}");
    }
}
