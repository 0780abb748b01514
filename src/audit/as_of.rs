//! A case as it could be known on a day: `audit --as-of DATE`.
//!
//! An evidence record may carry a `date` (when the fact became known). As of a day,
//! a record is **ignored** when it is certainly dated after that day (its earliest
//! possible day is after the day's latest possible day: `2019-05` is after
//! `2019-02-06`; `2019` is not, since it may be earlier). Then:
//!
//! - an observation (`met` or `unmet`) whose **every** cited evidence record is ignored
//!   becomes `unknown`, its note saying why; one that cites at least one record not
//!   ignored keeps its status and cites only those records;
//! - a context factor or the results resting only on ignored records read `unknown`;
//! - undated evidence is never ignored; `unknown` and `not-applicable` observations,
//!   and overrides, are kept as coded.
//!
//! A case (a past effort) that certainly began after the day is left out of the audit
//! altogether ([`began_after`]). This module decides nothing else: [`crate::audit`]
//! scores what it returns.

use crate::corpus::date::PartialDate;
use crate::corpus::model::context::UNKNOWN;
use crate::corpus::model::{Rubric, Status};
use crate::corpus::validate::CaseRecord;
use std::collections::HashSet;

/// True when a case that starts at `start` certainly began after `day`.
pub fn began_after(start: &PartialDate, day: &PartialDate) -> bool {
    day.certainly_before(start)
}

/// The evidence ids of `record` ignored as of `day`, each with its date.
fn ignored(record: &CaseRecord, day: &PartialDate) -> HashSet<String> {
    record
        .case
        .evidence
        .iter()
        .filter(|e| e.known_on().is_some_and(|d| day.certainly_before(&d)))
        .map(|e| e.id.get_ref().clone())
        .collect()
}

/// `record` as it could be known on `day`, coded against `rubric` (see the module doc).
pub fn record(rubric: &Rubric, record: &CaseRecord, day: &PartialDate) -> CaseRecord {
    let ignored = ignored(record, day);
    let mut out = record.clone();
    if ignored.is_empty() {
        return out;
    }
    let later = |ids: &[String]| !ids.is_empty() && ids.iter().all(|e| ignored.contains(e));
    let note = |ids: &[String]| {
        format!(
            "as of {day}, unknown: it rests only on evidence dated after that day ({})",
            ids.join(", ")
        )
    };
    for (index, criterion) in rubric.criteria.get_ref().iter().enumerate() {
        let Some(observed) = out
            .case
            .observations
            .get_mut(criterion.id.get_ref().as_str())
        else {
            continue;
        };
        for (level, row) in criterion.levels.get_ref().iter().enumerate() {
            for (k, indicator) in row.indicators.iter().enumerate() {
                let Some(o) = observed.get_mut(indicator.id.get_ref().as_str()) else {
                    continue;
                };
                if !matches!(o.status, Status::Met | Status::Unmet) {
                    continue;
                }
                let cited: Vec<String> = o.evidence.iter().map(|e| e.get_ref().clone()).collect();
                if later(&cited) {
                    o.status = Status::Unknown;
                    o.note = Some(match o.note.take() {
                        Some(n) => format!("{} (coded: {n})", note(&cited)),
                        None => note(&cited),
                    });
                    o.evidence.clear();
                    if let Some(cell) = out
                        .coding
                        .get_mut(index)
                        .and_then(|c| c.statuses.get_mut(level))
                        .and_then(|r| r.get_mut(k))
                    {
                        *cell = Status::Unknown;
                    }
                } else {
                    o.evidence.retain(|e| !ignored.contains(e.get_ref()));
                }
            }
        }
    }
    for f in &mut out.context.factors {
        if f.reading != UNKNOWN && later(&f.evidence) {
            f.note = note(&f.evidence);
            f.reading = UNKNOWN;
            f.evidence.clear();
        } else {
            f.evidence.retain(|e| !ignored.contains(e));
        }
    }
    let results = &mut out.context.results;
    if later(&results.evidence) {
        results.note = note(&results.evidence);
        results.agreement = UNKNOWN;
        results.implementation = UNKNOWN;
        results.evidence.clear();
    } else {
        results.evidence.retain(|e| !ignored.contains(e));
    }
    out
}
