//! Coder agreement: Krippendorff's alpha between the coders of cases coded more than
//! once, per criterion and overall, with a bootstrap interval, and the disagreements.
//!
//! Only cases with two or more codings contribute. Two kinds of unit are compared:
//!
//! - **levels** (ordinal alpha): one unit per (case, criterion), each coder's value the
//!   level that coder's coding gives (an override's level where there is one). The
//!   overall value pools every criterion's units, comparing levels as ranks.
//! - **indicators** (nominal alpha): one unit per (case, criterion, indicator), each
//!   coder's value `met`, `unmet` or `not-applicable`. `unknown` says the sources are silent, not what
//!   the coder judged, so it is treated as **missing**; a met/unknown difference is
//!   still listed among the disagreements.
//!
//! The bootstrap resamples units (2,000 draws, seed 1, 95 %). The statistics are
//! [`crate::analysis::agreement::alpha`]'s; this module pairs codings and formats.

pub mod alpha;

use crate::analysis::{AlphaInterval, BootstrapOptions, Metric, bootstrap_alpha};
use crate::corpus::model::{Rubric, Status};
use crate::corpus::validate::{CaseRecord, Corpus};
use crate::score::output::align;
use crate::score::output::{EngineJson, RubricJson};
use crate::score::{CaseScore, score_case};
use serde::Serialize;
use std::collections::BTreeMap;

/// Alpha for one set of units, or why it is undefined.
#[derive(Debug, Clone, PartialEq)]
pub struct AlphaResult {
    /// Criterion id, or `overall`.
    pub id: String,
    /// Units compared.
    pub units: usize,
    /// Alpha with its interval, or the reason it is undefined.
    pub alpha: Result<AlphaInterval, String>,
}

/// One disagreement between coders.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// Case id.
    pub case: String,
    /// Criterion id.
    pub criterion: String,
    /// Indicator id, or empty for a level.
    pub indicator: String,
    /// Each coder's value, in coder order: `Ann: 2`.
    pub values: Vec<(String, String)>,
}

/// Agreement between coders.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Cases with two or more codings.
    pub cases: Vec<String>,
    /// Every coder of those cases, sorted.
    pub coders: Vec<String>,
    /// Ordinal alpha on levels, per criterion then `overall`.
    pub levels: Vec<AlphaResult>,
    /// Nominal alpha on indicator statuses, per criterion then `overall`.
    pub indicators: Vec<AlphaResult>,
    /// Level disagreements, then indicator disagreements.
    pub disagreements: Vec<Disagreement>,
}

/// The bootstrap settings of every interval here.
pub fn bootstrap_options() -> BootstrapOptions {
    BootstrapOptions {
        seed: 1,
        ..BootstrapOptions::default()
    }
}

fn alpha_result(id: &str, units: &[Vec<Option<f64>>], metric: Metric) -> AlphaResult {
    AlphaResult {
        id: id.to_string(),
        units: units
            .iter()
            .filter(|u| u.iter().flatten().count() >= 2)
            .count(),
        alpha: bootstrap_alpha(units, metric, &bootstrap_options()).map_err(|e| e.to_string()),
    }
}

/// What agreement needs of one coding: its coder, the level it gives each criterion
/// and its status of each indicator, criterion by criterion in the rubric's order.
#[derive(Debug, Clone)]
struct Coding {
    coder: String,
    /// Per criterion, the level the coding's score gives (`None`: no such criterion).
    levels: Vec<Option<usize>>,
    /// Per criterion, each indicator's status, level by level (`unknown` where the
    /// coding has none).
    statuses: Vec<Vec<Status>>,
}

/// The codings of one rubric, gathered one at a time (so a streamed report can gather
/// them as the records pass and drop the records): a few bytes per indicator.
#[derive(Debug, Clone, Default)]
pub struct Collector {
    cases: BTreeMap<String, Vec<Coding>>,
}

impl Collector {
    /// Adds one coding of `rubric` with its score; the caller adds only codings of
    /// that rubric.
    pub fn add(&mut self, rubric: &Rubric, record: &CaseRecord, score: &CaseScore) {
        let criteria = rubric.criteria.get_ref();
        let statuses = criteria
            .iter()
            .enumerate()
            .map(|(ci, criterion)| {
                criterion
                    .levels
                    .get_ref()
                    .iter()
                    .enumerate()
                    .flat_map(|(li, level)| {
                        (0..level.indicators.len()).map(move |ii| {
                            record
                                .coding
                                .get(ci)
                                .and_then(|c| c.statuses.get(li))
                                .and_then(|l| l.get(ii))
                                .copied()
                                .unwrap_or(Status::Unknown)
                        })
                    })
                    .collect()
            })
            .collect();
        let levels = (0..criteria.len())
            .map(|ci| score.criteria.get(ci).map(|c| c.level))
            .collect();
        self.cases
            .entry(record.id().to_string())
            .or_default()
            .push(Coding {
                coder: record.coder().to_string(),
                levels,
                statuses,
            });
    }
}

/// Agreement among the codings against `rubric` in `corpus`.
pub fn agreement(corpus: &Corpus, rubric: &Rubric) -> Agreement {
    let mut collector = Collector::default();
    for record in corpus.cases.iter().filter(|r| r.uses(rubric)) {
        collector.add(rubric, record, &score_case(rubric, record));
    }
    agreement_of(rubric, &collector)
}

/// Agreement among the codings gathered in `collected` against `rubric`.
pub fn agreement_of(rubric: &Rubric, collected: &Collector) -> Agreement {
    let mut by_id: BTreeMap<&str, Vec<&Coding>> = collected
        .cases
        .iter()
        .filter(|(_, codings)| codings.len() >= 2)
        .map(|(id, codings)| (id.as_str(), codings.iter().collect()))
        .collect();
    for records in by_id.values_mut() {
        records.sort_by(|a, b| a.coder.cmp(&b.coder));
    }
    let mut coders: Vec<String> = by_id.values().flatten().map(|r| r.coder.clone()).collect();
    coders.sort();
    coders.dedup();
    let column = |coder: &str| coders.iter().position(|c| c == coder);
    let criteria = rubric.criteria.get_ref();
    let mut level_units: Vec<Vec<Vec<Option<f64>>>> = vec![Vec::new(); criteria.len()];
    let mut indicator_units: Vec<Vec<Vec<Option<f64>>>> = vec![Vec::new(); criteria.len()];
    let mut level_disagreements = Vec::new();
    let mut indicator_disagreements = Vec::new();
    for (case, records) in &by_id {
        for (ci, criterion) in criteria.iter().enumerate() {
            let mut unit = vec![None; coders.len()];
            let mut values = Vec::new();
            for record in records {
                if let (Some(col), Some(Some(level))) =
                    (column(&record.coder), record.levels.get(ci))
                {
                    unit[col] = Some(*level as f64);
                    values.push((record.coder.clone(), level.to_string()));
                }
            }
            if values.iter().any(|v| v.1 != values[0].1) {
                level_disagreements.push(Disagreement {
                    case: case.to_string(),
                    criterion: criterion.id.get_ref().clone(),
                    indicator: String::new(),
                    values,
                });
            }
            level_units[ci].push(unit);
            let indicators = criterion
                .levels
                .get_ref()
                .iter()
                .flat_map(|level| level.indicators.iter());
            for (k, indicator) in indicators.enumerate() {
                let mut unit = vec![None; coders.len()];
                let mut values = Vec::new();
                for record in records {
                    let status = record
                        .statuses
                        .get(ci)
                        .and_then(|s| s.get(k))
                        .copied()
                        .unwrap_or(Status::Unknown);
                    if let Some(col) = column(&record.coder) {
                        unit[col] = match status {
                            Status::Met => Some(1.0),
                            Status::Unmet => Some(0.0),
                            // A judgment of its own, not silence: a third
                            // nominal value.
                            Status::NotApplicable => Some(2.0),
                            Status::Unknown => None,
                        };
                    }
                    values.push((record.coder.clone(), status.as_str().to_string()));
                }
                if values.iter().any(|v| v.1 != values[0].1) {
                    indicator_disagreements.push(Disagreement {
                        case: case.to_string(),
                        criterion: criterion.id.get_ref().clone(),
                        indicator: indicator.id.get_ref().clone(),
                        values,
                    });
                }
                indicator_units[ci].push(unit);
            }
        }
    }
    let results = |units: &[Vec<Vec<Option<f64>>>], metric: Metric| -> Vec<AlphaResult> {
        let mut out: Vec<AlphaResult> = criteria
            .iter()
            .zip(units)
            .map(|(c, u)| alpha_result(c.id.get_ref(), u, metric))
            .collect();
        let all: Vec<Vec<Option<f64>>> = units.iter().flatten().cloned().collect();
        out.push(alpha_result("overall", &all, metric));
        out
    };
    let (levels, indicators) = if by_id.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            results(&level_units, Metric::Ordinal),
            results(&indicator_units, Metric::Nominal),
        )
    };
    level_disagreements.extend(indicator_disagreements);
    Agreement {
        cases: by_id.keys().map(|k| k.to_string()).collect(),
        coders,
        levels,
        indicators,
        disagreements: level_disagreements,
    }
}

fn alpha_rows(results: &[AlphaResult]) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        "criterion".to_string(),
        "units".to_string(),
        "alpha".to_string(),
        "95% interval".to_string(),
    ]];
    for r in results {
        rows.push(match &r.alpha {
            Ok(a) => vec![
                r.id.clone(),
                r.units.to_string(),
                format!("{:.3}", a.alpha),
                format!("{:.3} – {:.3}", a.lower, a.upper),
            ],
            Err(e) => vec![
                r.id.clone(),
                r.units.to_string(),
                "n/a".to_string(),
                e.clone(),
            ],
        });
    }
    rows
}

/// `thirdside agreement` for people.
pub fn to_text(rubric: &Rubric, a: &Agreement) -> String {
    let mut out = format!(
        "Rubric {} {} — agreement between coders\n",
        rubric.id.get_ref(),
        rubric.version
    );
    if a.cases.is_empty() {
        out.push_str("No case has two codings, so there is no agreement to measure. A second coding is a case file with the same case id and a different coding.coder.\n");
        return out;
    }
    out.push_str(&format!(
        "{} cases coded more than once ({}); coders: {}.\n\nLevels (ordinal alpha; one unit per case and criterion):\n",
        a.cases.len(),
        a.cases.join(", "),
        a.coders.join(", ")
    ));
    out.push_str(&align(&alpha_rows(&a.levels)));
    out.push_str("\nIndicators (nominal alpha on met/unmet; unknown counts as missing):\n");
    out.push_str(&align(&alpha_rows(&a.indicators)));
    out.push_str(
        "\nIntervals: bootstrap over units, 2,000 draws, seed 1, 2.5th and 97.5th percentiles.\n\n",
    );
    if a.disagreements.is_empty() {
        out.push_str("The coders agree on every level and indicator.\n");
        return out;
    }
    out.push_str("Disagreements:\n");
    let mut rows = vec![vec![
        "case".to_string(),
        "criterion".to_string(),
        "indicator".to_string(),
        "values".to_string(),
    ]];
    for d in &a.disagreements {
        rows.push(vec![
            d.case.clone(),
            d.criterion.clone(),
            if d.indicator.is_empty() {
                "(level)".to_string()
            } else {
                d.indicator.clone()
            },
            d.values
                .iter()
                .map(|(c, v)| format!("{c}: {v}"))
                .collect::<Vec<_>>()
                .join("; "),
        ]);
    }
    out.push_str(&align(&rows));
    out
}

/// Alpha in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct AlphaJson {
    /// Criterion id, or `overall`.
    pub id: String,
    /// Units with two or more values.
    pub units: usize,
    /// Alpha, or null when undefined.
    pub alpha: Option<f64>,
    /// Bootstrap lower bound, or null.
    pub lower: Option<f64>,
    /// Bootstrap upper bound, or null.
    pub upper: Option<f64>,
    /// Why alpha is undefined, or null.
    pub note: Option<String>,
}

impl From<&AlphaResult> for AlphaJson {
    fn from(r: &AlphaResult) -> Self {
        let r4 = |x: f64| (x * 10_000.0).round() / 10_000.0;
        let ok = r.alpha.as_ref().ok();
        AlphaJson {
            id: r.id.clone(),
            units: r.units,
            alpha: ok.map(|a| r4(a.alpha)),
            lower: ok.map(|a| r4(a.lower)),
            upper: ok.map(|a| r4(a.upper)),
            note: r.alpha.as_ref().err().cloned(),
        }
    }
}

/// A disagreement in the JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct DisagreementJson {
    /// Case id.
    pub case: String,
    /// Criterion id.
    pub criterion: String,
    /// Indicator id, or null for a level.
    pub indicator: Option<String>,
    /// Coder → value.
    pub values: BTreeMap<String, String>,
}

/// `thirdside agreement --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementJson {
    /// The engine.
    pub engine: EngineJson,
    /// The rubric.
    pub rubric: RubricJson,
    /// Cases coded more than once.
    pub cases: Vec<String>,
    /// Their coders.
    pub coders: Vec<String>,
    /// Ordinal alpha on levels.
    pub levels: Vec<AlphaJson>,
    /// Nominal alpha on indicators (unknown = missing).
    pub indicators: Vec<AlphaJson>,
    /// Every disagreement.
    pub disagreements: Vec<DisagreementJson>,
}

/// Pretty JSON with a final newline.
pub fn to_json(rubric: &Rubric, a: &Agreement) -> String {
    let view = AgreementJson {
        engine: EngineJson::current(),
        rubric: RubricJson {
            id: rubric.id.get_ref().clone(),
            version: rubric.version.clone(),
            title: rubric.title.clone(),
        },
        cases: a.cases.clone(),
        coders: a.coders.clone(),
        levels: a.levels.iter().map(AlphaJson::from).collect(),
        indicators: a.indicators.iter().map(AlphaJson::from).collect(),
        disagreements: a
            .disagreements
            .iter()
            .map(|d| DisagreementJson {
                case: d.case.clone(),
                criterion: d.criterion.clone(),
                indicator: (!d.indicator.is_empty()).then(|| d.indicator.clone()),
                values: d.values.iter().cloned().collect(),
            })
            .collect(),
    };
    let mut out =
        serde_json::to_string_pretty(&view).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// `thirdside agreement --format csv` and the report's `data/agreement.csv`: the JSON's
/// alpha tables flattened ([`crate::cli::tabular`]), one row per measure (`levels`,
/// `indicators`) and criterion, `overall` last; empty text when no case is coded twice;
/// `None` only if the JSON could not be read back.
pub fn to_csv(rubric: &Rubric, a: &Agreement) -> Option<String> {
    crate::cli::tabular::csv(
        &to_json(rubric, a),
        &[("levels", "/levels"), ("indicators", "/indicators")],
        Some("measure"),
    )
}
