//! Scores as text: a table for people, JSON (the machine-readable contract) and tidy CSV
//! (one row per case and criterion) for R and pandas.
//!
//! Numbers are rounded here, once, to two decimals, so that every output agrees and the
//! same input gives the same bytes. The JSON view types are public: the reports and the
//! audit embed the same contract.

use crate::corpus::model::{FactorReading, Results};
use crate::score::{CaseScore, CriterionScore, Interval, Scores};
use serde::{Deserialize, Serialize};

/// Rounds to two decimals, the precision of every score output.
pub fn round2(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

/// A score with one decimal, as people read it: `62.5`.
pub fn fmt1(x: f64) -> String {
    format!("{:.1}", x)
}

/// The engine that produced an output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EngineJson {
    /// Always `thirdside`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

impl EngineJson {
    /// This build.
    pub fn current() -> Self {
        EngineJson {
            name: "thirdside".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The rubric scores refer to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RubricJson {
    /// Id.
    pub id: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
}

/// `thirdside score --format json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoresJson {
    /// The engine.
    pub engine: EngineJson,
    /// The rubric.
    pub rubric: RubricJson,
    /// Cases in time order.
    pub cases: Vec<CaseJson>,
}

/// What a report's data were made from: the same stamp as its data dictionary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseJson {
    /// thirdside's version.
    pub tool: String,
    /// The rubric's id.
    pub rubric: String,
    /// The rubric's version.
    pub rubric_version: String,
    /// A digest of the rubric, the bibliography and every case file.
    pub corpus_digest: String,
}

/// One case in the JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseJson {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// `effort` or `initiative`.
    pub kind: String,
    /// Start date as written.
    pub start: String,
    /// End date as written, or null.
    pub end: Option<String>,
    /// The coder; for a combined case, the coders joined by `; `.
    pub coder: String,
    /// Every coder.
    pub coders: Vec<String>,
    /// True when several codings were combined (median level; interval spanning the
    /// coders' bounds).
    pub combined: bool,
    /// The coder whose coding is marked adjudicated (for a combined case, the one that
    /// replaced the combination), or null.
    #[serde(default)]
    pub adjudicated: Option<String>,
    /// The weighted total.
    pub total: IntervalJson,
    /// One entry per criterion.
    pub criteria: Vec<CriterionJson>,
    /// Every context factor, in a fixed order, `unknown` where the case codes none;
    /// never folded into a score.
    #[serde(default)]
    pub context: Vec<ContextJson>,
    /// What the effort achieved.
    #[serde(default)]
    pub results: ResultsJson,
}

/// One context factor's reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContextJson {
    /// The factor, as written in case files.
    pub factor: String,
    /// Its reading on the factor's closed scale, or `unknown`.
    pub reading: String,
    /// Evidence ids behind the reading.
    pub evidence: Vec<String>,
    /// The coder's note, or empty.
    #[serde(default)]
    pub note: String,
}

/// A case's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultsJson {
    /// `none`, `partial`, `comprehensive` or `unknown`.
    pub agreement: String,
    /// `none`, `minimal`, `intermediate`, `full` (PAM's 0–3), `not-applicable` or
    /// `unknown`.
    pub implementation: String,
    /// Implementation on PAM's 0–3 scale, or null when unknown or not applicable.
    pub implementation_level: Option<u8>,
    /// Evidence ids behind the readings.
    pub evidence: Vec<String>,
    /// The coder's note, or empty.
    #[serde(default)]
    pub note: String,
}

impl Default for ResultsJson {
    fn default() -> Self {
        ResultsJson::from(&Results::default())
    }
}

impl From<&Results> for ResultsJson {
    fn from(r: &Results) -> Self {
        ResultsJson {
            agreement: r.agreement.to_string(),
            implementation: r.implementation.to_string(),
            implementation_level: r.implementation_level(),
            evidence: r.evidence.clone(),
            note: r.note.clone(),
        }
    }
}

impl From<FactorReading> for ContextJson {
    fn from(r: FactorReading) -> Self {
        ContextJson {
            factor: r.factor.as_str().to_string(),
            reading: r.reading.to_string(),
            evidence: r.evidence,
            note: r.note,
        }
    }
}

/// A rounded interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalJson {
    /// On the evidence recorded.
    pub score: f64,
    /// Every unknown unmet.
    pub lower: f64,
    /// Every unknown met.
    pub upper: f64,
}

impl From<Interval> for IntervalJson {
    fn from(i: Interval) -> Self {
        IntervalJson {
            score: round2(i.score),
            lower: round2(i.lower),
            upper: round2(i.upper),
        }
    }
}

/// One criterion in the JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionJson {
    /// Criterion id.
    pub id: String,
    /// The level used (for coders split evenly, the lower of the two middle levels).
    pub level: usize,
    /// The finding: the level's label when established, else "at least `<label>`",
    /// "not established", "between `<a>` and `<b>`" or "n/a".
    pub label: String,
    /// True when the level is established: its interval is closed.
    #[serde(default)]
    pub established: bool,
    /// The label of the level on the rubric's scale.
    #[serde(default)]
    pub level_label: String,
    /// The middle levels of several coders: one level, or the two an even number of
    /// coders split on (the score is then the mean of theirs).
    #[serde(default)]
    pub middle_levels: Vec<usize>,
    /// False when no indicator applies to the case (left out of the total).
    #[serde(default = "applicable")]
    pub applicable: bool,
    /// Met indicators the level does not reflect, in rubric order.
    #[serde(default)]
    pub blocked: Vec<String>,
    /// The top of the scale.
    pub top_level: usize,
    /// Score on 0–100.
    pub score: f64,
    /// Lower bound on 0–100.
    pub lower: f64,
    /// Upper bound on 0–100.
    pub upper: f64,
    /// Lower bound in levels.
    pub lower_level: usize,
    /// Upper bound in levels.
    pub upper_level: usize,
    /// Unknown indicators.
    pub unknown: usize,
    /// The criterion's weight.
    pub weight: f64,
    /// The override, or null.
    #[serde(rename = "override")]
    pub override_: Option<OverrideJson>,
}

/// The default of [`CriterionJson::applicable`] when reading older JSON.
fn applicable() -> bool {
    true
}

/// An override in the JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverrideJson {
    /// The level the coder assigned.
    pub level: usize,
    /// The level the rule derived.
    pub derived_level: usize,
    /// The derived lower level.
    pub derived_lower_level: usize,
    /// The derived upper level.
    pub derived_upper_level: usize,
    /// Why.
    pub justification: String,
}

impl From<&CriterionScore> for CriterionJson {
    fn from(c: &CriterionScore) -> Self {
        CriterionJson {
            id: c.id.clone(),
            level: c.level,
            label: c.label.clone(),
            established: c.established(),
            level_label: c.level_label.clone(),
            middle_levels: std::iter::once(c.level).chain(c.split).collect(),
            applicable: c.applicable,
            blocked: c.blocked.clone(),
            top_level: c.top,
            score: round2(c.interval.score),
            lower: round2(c.interval.lower),
            upper: round2(c.interval.upper),
            lower_level: c.lower_level,
            upper_level: c.upper_level,
            unknown: c.unknown,
            weight: c.weight,
            override_: c.overridden.as_ref().map(|o| OverrideJson {
                level: c.level,
                derived_level: o.derived_level,
                derived_lower_level: o.derived_lower,
                derived_upper_level: o.derived_upper,
                justification: o.justification.clone(),
            }),
        }
    }
}

impl From<&CaseScore> for CaseJson {
    fn from(c: &CaseScore) -> Self {
        CaseJson {
            id: c.id.clone(),
            title: c.title.clone(),
            kind: c.kind.as_str().to_string(),
            start: c.start.to_string(),
            end: c.end.map(|e| e.to_string()),
            coder: c.coder.clone(),
            coders: c.coders.clone(),
            combined: c.combined,
            adjudicated: c.adjudicated.clone(),
            total: c.total.into(),
            criteria: c.criteria.iter().map(CriterionJson::from).collect(),
            context: c.context.readings().map(ContextJson::from).collect(),
            results: ResultsJson::from(&c.context.results),
        }
    }
}

impl From<&Scores> for ScoresJson {
    fn from(s: &Scores) -> Self {
        ScoresJson {
            engine: EngineJson::current(),
            rubric: RubricJson {
                id: s.rubric_id.clone(),
                version: s.rubric_version.clone(),
                title: s.rubric_title.clone(),
            },
            cases: s.cases.iter().map(CaseJson::from).collect(),
        }
    }
}

/// Reads `thirdside score --format json` (or a report's `scores.json`) back.
///
/// # Errors
/// When the text is not JSON of that shape.
pub fn from_json(text: &str) -> Result<ScoresJson, serde_json::Error> {
    serde_json::from_str(text)
}

/// [`ScoresJson`]'s shape, for writing: each case is converted as it is written, so a
/// corpus of thousands of cases is not copied whole first.
#[derive(Serialize)]
struct ScoresJsonOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    release: Option<ReleaseJson>,
    engine: EngineJson,
    rubric: RubricJson,
    cases: CasesOut<'a>,
}

struct CasesOut<'a>(&'a [CaseScore]);

impl Serialize for CasesOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(CaseJson::from))
    }
}

/// Pretty JSON of [`ScoresJson`] with a final newline.
pub fn to_json(scores: &Scores) -> String {
    // About 2.5 KB per case: one allocation instead of doubling up to it.
    let mut out = Vec::with_capacity(1024 + 2600 * scores.cases.len());
    if let Err(e) = write_json(scores, &mut out) {
        return format!("{{\"error\": \"{e}\"}}\n");
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`to_json`], written to `out` as it is made.
pub fn write_json(scores: &Scores, out: impl std::io::Write) -> std::io::Result<()> {
    write_json_stamped(scores, None, out)
}

/// [`write_json`] with the release stamp of a report (`release`: the tool's version,
/// the rubric and the corpus digest, as in `data/README.md`).
pub fn write_json_stamped(
    scores: &Scores,
    corpus_digest: Option<&str>,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    let view = ScoresJsonOut {
        release: corpus_digest.map(|digest| ReleaseJson {
            tool: env!("CARGO_PKG_VERSION").to_string(),
            rubric: scores.rubric_id.clone(),
            rubric_version: scores.rubric_version.clone(),
            corpus_digest: digest.to_string(),
        }),
        engine: EngineJson::current(),
        rubric: RubricJson {
            id: scores.rubric_id.clone(),
            version: scores.rubric_version.clone(),
            title: scores.rubric_title.clone(),
        },
        cases: CasesOut(&scores.cases),
    };
    serde_json::to_writer_pretty(&mut out, &view)?;
    out.write_all(b"\n")
}

/// A CSV cell as a spreadsheet may read it: text that would start a formula (`=`, `+`,
/// `-`, `@`, a tab or a carriage return first) gets a `'` before it, as OWASP advises
/// against CSV injection. Every CSV thirdside writes (`score --format csv`,
/// `scores.csv`, the tables in `data/`) passes its text cells through this.
pub fn spreadsheet_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

/// Tidy CSV: one row per case and criterion. Text cells go through
/// [`spreadsheet_cell`].
pub fn to_csv(scores: &Scores) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_csv(scores, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`to_csv`], written to `out` row by row.
pub fn write_csv(scores: &Scores, out: impl std::io::Write) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let header = [
        "rubric",
        "rubric_version",
        "case",
        "title",
        "kind",
        "start",
        "end",
        "coder",
        "combined",
        "criterion",
        "weight",
        "level",
        "label",
        "established",
        "applicable",
        "top_level",
        "score",
        "lower",
        "upper",
        "lower_level",
        "upper_level",
        "unknown",
        "override",
        "derived_level",
        "justification",
        "blocked",
    ];
    writer.write_record(header)?;
    let number = |x: f64| round2(x).to_string();
    for case in &scores.cases {
        let (start, end) = (
            case.start.to_string(),
            case.end.map(|e| e.to_string()).unwrap_or_default(),
        );
        let combined = if case.combined { "true" } else { "false" };
        for c in &case.criteria {
            let overridden = c.overridden.as_ref();
            let text = spreadsheet_cell;
            writer.write_record([
                &*text(&scores.rubric_id),
                &*text(&scores.rubric_version),
                &*text(&case.id),
                &*text(&case.title),
                case.kind.as_str(),
                &start,
                &end,
                &*text(&case.coder),
                combined,
                &*text(&c.id),
                &c.weight.to_string(),
                &c.level.to_string(),
                &*text(&c.label),
                if c.established() { "true" } else { "false" },
                if c.applicable { "true" } else { "false" },
                &c.top.to_string(),
                &number(c.interval.score),
                &number(c.interval.lower),
                &number(c.interval.upper),
                &c.lower_level.to_string(),
                &c.upper_level.to_string(),
                &c.unknown.to_string(),
                if overridden.is_some() {
                    "true"
                } else {
                    "false"
                },
                &overridden
                    .map(|o| o.derived_level.to_string())
                    .unwrap_or_default(),
                &*text(overridden.map_or("", |o| o.justification.as_str())),
                &*text(&c.blocked.join(" ")),
            ])?;
        }
    }
    writer.flush()
}

/// Rows of cells as aligned columns, two spaces apart, trailing spaces trimmed.
pub fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// [`align`]ed rows when they fit in `width` columns, else each row after the first as
/// a block: its first three cells on a line, then one line per further cell, named by
/// the first row's cell above it.
pub fn fit(rows: &[Vec<String>], width: Option<usize>) -> String {
    let aligned = align(rows);
    let widest = aligned
        .lines()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0);
    let (Some(width), Some((header, body))) = (width, rows.split_first()) else {
        return aligned;
    };
    if widest <= width {
        return aligned;
    }
    let mut out = String::new();
    for (n, row) in body.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let head: Vec<&str> = row.iter().take(3).map(String::as_str).collect();
        out.push_str(head.join("  ").trim_end());
        out.push('\n');
        let pairs: Vec<Vec<String>> = header
            .iter()
            .zip(row)
            .skip(3)
            .map(|(name, cell)| vec![format!("  {name}"), cell.clone()])
            .collect();
        out.push_str(&align(&pairs));
    }
    out
}

/// `text` wrapped at spaces to lines of at most `width` characters (a longer word
/// stands alone on its line); unchanged for `None`.
pub fn wrap(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        let n = word.chars().count();
        if line > 0 && line + 1 + n > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += n;
    }
    out
}

/// A level with its interval: `2`, `1 [1–3]`; `2*` when overridden (`2* [1–3]` when
/// the unknowns still leave an interval); `1/2` for coders split on two levels; `n/a`
/// when the criterion does not apply.
pub fn level_cell(c: &CriterionScore) -> String {
    if !c.applicable {
        return "n/a".to_string();
    }
    let mut cell = c.level.to_string();
    if let Some(high) = c.split {
        cell = format!("{cell}/{high}");
    }
    if c.overridden.is_some() {
        cell.push('*');
    }
    if c.upper_level > c.lower_level {
        cell = format!("{cell} [{}–{}]", c.lower_level, c.upper_level);
    }
    cell
}

/// A total with its interval: `62.5` or `62.5 [50.0–80.0]`.
pub fn total_cell(t: &Interval) -> String {
    if t.is_open() {
        format!("{} [{}–{}]", fmt1(t.score), fmt1(t.lower), fmt1(t.upper))
    } else {
        fmt1(t.score)
    }
}

/// The score table's rows: a header, then one row per case (criteria, then the total).
fn table_rows(scores: &Scores) -> Vec<Vec<String>> {
    let criteria: Vec<String> = scores
        .cases
        .first()
        .map(|c| {
            c.criteria
                .iter()
                .map(|k| format!("{} (0–{})", k.id, k.top))
                .collect()
        })
        .unwrap_or_default();
    let mut header = vec!["case".to_string(), "kind".to_string(), "start".to_string()];
    header.extend(criteria);
    header.push("total (0–100)".to_string());
    let mut rows = vec![header];
    for case in &scores.cases {
        let mut row = vec![
            if case.combined {
                format!("{} †", case.id)
            } else {
                case.id.clone()
            },
            case.kind.as_str().to_string(),
            case.start.to_string(),
        ];
        row.extend(case.criteria.iter().map(level_cell));
        row.push(total_cell(&case.total));
        rows.push(row);
    }
    rows
}

/// The score table as a Markdown table (`score --format md`), cells escaped, with the
/// table's legend above it.
pub fn to_markdown(scores: &Scores) -> String {
    // What would break a table or form emphasis, a link or raw HTML, from any file.
    let cell = |c: &str| {
        let mut out = String::with_capacity(c.len());
        for ch in c.chars() {
            match ch {
                '\\' | '|' | '*' | '_' | '[' | ']' | '`' => {
                    out.push('\\');
                    out.push(ch);
                }
                '<' => out.push_str("&lt;"),
                '\n' | '\r' => out.push(' '),
                other => out.push(other),
            }
        }
        out
    };
    let rows = table_rows(scores);
    let mut out = format!(
        "**Rubric {} {}** — {}\n\nLevels per criterion (0 = lowest); [a–b] is the interval left open by unknown indicators (the level is then not established); \\* marks an override; n/a, a criterion that does not apply.\n\n",
        cell(&scores.rubric_id),
        cell(&scores.rubric_version),
        cell(&scores.rubric_title)
    );
    for (n, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if n == 0 {
            let rule: Vec<&str> = row
                .iter()
                .enumerate()
                .map(|(i, _)| if i < 3 { "---" } else { "---:" })
                .collect();
            out.push_str(&format!("| {} |\n", rule.join(" | ")));
        }
    }
    out
}

/// The table for people, one line per case however wide.
pub fn to_table(scores: &Scores) -> String {
    to_table_within(scores, None)
}

/// The table for people in `width` columns: when one line per case is wider, each case
/// is a block of lines (its criteria one per line) and the prose is wrapped; `None`
/// for one line per case.
pub fn to_table_within(scores: &Scores, width: Option<usize>) -> String {
    let legend = "Levels per criterion (0 = lowest); [a–b] is the interval left open by unknown indicators (the level is then not established); * marks an override; n/a, a criterion that does not apply.";
    let title = format!(
        "Rubric {} {} — {}",
        scores.rubric_id, scores.rubric_version, scores.rubric_title
    );
    let mut out = format!("{}\n{}\n\n", wrap(&title, width), wrap(legend, width));
    let rows = table_rows(scores);
    out.push_str(&fit(&rows, width));
    let overrides: Vec<String> = scores
        .cases
        .iter()
        .flat_map(|case| {
            case.criteria.iter().filter_map(move |c| {
                c.overridden.as_ref().map(|o| {
                    format!(
                        "* {} / {}: level {} overrides the derived level {}: {}",
                        case.id, c.id, c.level, o.derived_level, o.justification
                    )
                })
            })
        })
        .collect();
    let combined: Vec<String> = scores
        .cases
        .iter()
        .filter(|c| c.combined)
        .map(|c| {
            format!(
                "† {}: {} codings combined ({}): median level (the lower median for an even number of coders), interval from the lowest to the highest coder's bound.",
                c.id,
                c.coders.len(),
                c.coder
            )
        })
        .collect();
    if !combined.is_empty() {
        out.push('\n');
        for line in combined {
            out.push_str(&wrap(&line, width));
            out.push('\n');
        }
    }
    if !overrides.is_empty() {
        out.push('\n');
        for line in overrides {
            out.push_str(&wrap(&line, width));
            out.push('\n');
        }
    }
    if scores.cases.is_empty() {
        out.push_str("(no cases are coded against this rubric)\n");
    }
    out
}
