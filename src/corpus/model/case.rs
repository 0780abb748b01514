//! A case: one effort or initiative, its evidence and its observations. See
//! `cases/README.md` for the file format.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// A case file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Stable id, unique across the corpus (per coder).
    pub id: Spanned<String>,
    /// Human title.
    pub title: String,
    /// A past effort or an initiative under audit.
    pub kind: Kind,
    /// The id of the rubric the case is coded against.
    pub rubric: Spanned<String>,
    /// The version of that rubric, when the case pins one. Unpinned, the case uses the
    /// only loaded version of its rubric, or 1.0.0 (with a warning) when several are.
    #[serde(default)]
    pub rubric_version: Option<Spanned<String>>,
    /// When it started: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub start: Spanned<String>,
    /// When it ended, if it has.
    #[serde(default)]
    pub end: Option<Spanned<String>>,
    /// The conflict it addresses.
    pub conflict: String,
    /// Mediators or facilitators.
    pub mediators: Vec<String>,
    /// The parties.
    pub parties: Vec<String>,
    /// Where it was hosted.
    #[serde(default)]
    pub host: Option<String>,
    /// What happened, in the coder's words.
    pub summary: String,
    /// How it ended or where it stands.
    pub outcome: String,
    /// The mediator's strategy.
    pub strategy: Strategy,
    /// Why that strategy.
    #[serde(default)]
    pub strategy_note: Option<String>,
    /// Who coded the case, and when.
    pub coding: Coding,
    /// What the sources record apart from mediator performance.
    #[serde(default)]
    pub context: Option<Context>,
    /// What the effort achieved, coded (`[results]`).
    #[serde(default)]
    pub results: Option<super::ResultsCoding>,
    /// The evidence records.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Criterion id → indicator id → observation.
    #[serde(default)]
    pub observations: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Observation>>,
    /// Criterion id → an override of the derived level.
    #[serde(default)]
    pub overrides: BTreeMap<Spanned<String>, Override>,
    /// The positions of [`Case::evidence`] in the order of their ids, made the first
    /// time a case with many records is asked for one ([`Case::evidence`]).
    #[serde(skip)]
    by_id: std::sync::OnceLock<Vec<u32>>,
}

/// Up to this many records a search reads them all; beyond, the ids are sorted once.
const SEARCHED: usize = 32;

impl Case {
    /// The evidence record with this id. Every page and audit looks records up by the ids
    /// observations cite: with many records, a binary search over their ids sorted once
    /// (a case of 40,000 records, each cited, was quadratic to audit).
    pub fn evidence(&self, id: &str) -> Option<&Evidence> {
        let all = &self.evidence;
        if all.len() <= SEARCHED || u32::try_from(all.len()).is_err() {
            return all.iter().find(|e| e.id.get_ref() == id);
        }
        let order = self.by_id.get_or_init(|| {
            let mut order: Vec<u32> = (0..all.len() as u32).collect();
            order.sort_by(|a, b| {
                all[*a as usize]
                    .id
                    .get_ref()
                    .cmp(all[*b as usize].id.get_ref())
            });
            order
        });
        if order.len() != all.len() {
            // The records were changed after the first lookup: read them all.
            return all.iter().find(|e| e.id.get_ref() == id);
        }
        // The sort is stable: of records with one id, the first in the file comes first,
        // as a search in file order finds it.
        let at = order.partition_point(|i| all[*i as usize].id.get_ref().as_str() < id);
        order
            .get(at)
            .map(|i| &all[*i as usize])
            .filter(|e| e.id.get_ref() == id)
    }
}

/// Effort or initiative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A past peacemaking process.
    Effort,
    /// An initiative being audited.
    Initiative,
}

impl Kind {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Effort => "effort",
            Kind::Initiative => "initiative",
        }
    }
}

/// The mediator's strategy, from least to most intrusive (Beardsley et al. 2006).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Communication; bringing the parties together.
    Facilitation,
    /// Proposing agendas and solutions.
    Formulation,
    /// Using leverage: incentives, costs, guarantees.
    Manipulation,
    /// The sources do not say.
    Unknown,
}

impl Strategy {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Facilitation => "facilitation",
            Strategy::Formulation => "formulation",
            Strategy::Manipulation => "manipulation",
            Strategy::Unknown => "unknown",
        }
    }
}

/// Who coded a case, and when.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coding {
    /// The coder.
    pub coder: Spanned<String>,
    /// The date of coding.
    pub date: Spanned<String>,
    /// Anything a reader of the coding should know.
    #[serde(default)]
    pub note: Option<String>,
    /// This coding is the adjudicated one among several coders of the case: it replaces
    /// their combination. At most one coding of a case may say so.
    #[serde(default)]
    pub adjudicated: bool,
}

/// What the sources record apart from mediator performance.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The government's best alternative to a negotiated agreement.
    #[serde(default)]
    pub government_alternative: Option<String>,
    /// The opposition's best alternative to a negotiated agreement.
    #[serde(default)]
    pub opposition_alternative: Option<String>,
    /// Spoilers.
    #[serde(default)]
    pub spoilers: Option<String>,
    /// International sponsors of each side.
    #[serde(default)]
    pub sponsors: Option<String>,
    /// Evidence ids behind the context.
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
    /// Context factors coded on their closed scales (`[[context.factors]]`).
    #[serde(default)]
    pub factors: Vec<super::FactorCoding>,
}

/// One evidence record.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Id, unique within the case.
    pub id: Spanned<String>,
    /// The claim, in the coder's words.
    pub claim: String,
    /// A short verbatim quotation from the source.
    #[serde(default)]
    pub quote: Option<Spanned<String>>,
    /// Bibliography key of the source.
    pub source: Spanned<String>,
    /// Section, page or paragraph.
    pub locator: String,
    /// The source's own citation for the passage.
    #[serde(default)]
    pub cites: Option<String>,
    /// When the fact became known (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as the
    /// source); `audit --as-of` ignores evidence dated after its date.
    #[serde(default)]
    pub date: Option<Spanned<String>>,
}

impl Evidence {
    /// The record's date, when it has a valid one (validation reports the others).
    pub fn known_on(&self) -> Option<crate::corpus::date::PartialDate> {
        self.date
            .as_ref()
            .and_then(|d| crate::corpus::date::PartialDate::parse(d.get_ref()).ok())
    }
}

/// The coding of one indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// Met, unmet or unknown.
    pub status: Status,
    /// Evidence ids behind the status.
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
    /// The coder's note.
    #[serde(default)]
    pub note: Option<String>,
}

/// Whether an indicator holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// It holds, on the evidence cited.
    Met,
    /// It does not hold.
    Unmet,
    /// The sources do not say.
    Unknown,
    /// It cannot apply to this case (what a proposal that never ran cannot yet show);
    /// needs a note. It neither counts nor blocks.
    NotApplicable,
}

impl Status {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Unmet => "unmet",
            Status::Unknown => "unknown",
            Status::NotApplicable => "not-applicable",
        }
    }
}

/// A coder's replacement of a derived level.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The level the coder assigns.
    pub level: Spanned<i64>,
    /// Why; shown wherever the level is.
    pub justification: Spanned<String>,
    /// The lowest level the coder holds possible, when the unknowns leave less room
    /// than the derived interval; by default the override keeps that interval.
    #[serde(default)]
    pub lower: Option<Spanned<i64>>,
    /// The highest level the coder holds possible (see `lower`).
    #[serde(default)]
    pub upper: Option<Spanned<i64>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shipped case with `n` records more, ids in an order unlike the sorted one.
    fn with_records(n: usize) -> Case {
        let mut text = include_str!("../../../cases/2019-norway-barbados.toml").to_string();
        for k in (0..n).rev() {
            text.push_str(&format!(
                "\n[[evidence]]\nid = \"z{k}\"\nclaim = \"Record {k}.\"\nsource = \"smilde-ramsey-2020\"\nlocator = \"p. {k}\"\n"
            ));
        }
        toml::from_str(&text).expect("the case parses")
    }

    #[test]
    fn records_are_found_by_id_among_few_and_many() {
        for n in [0, 5, 100, 1000] {
            let case = with_records(n);
            for e in &case.evidence {
                let found = case.evidence(e.id.get_ref()).expect("found");
                assert!(std::ptr::eq(found, e), "{n}: {}", e.id.get_ref());
            }
            assert!(case.evidence("missing").is_none());
            assert!(case.evidence("").is_none());
            assert!(case.evidence("zz").is_none());
        }
    }

    #[test]
    fn records_changed_after_a_lookup_are_still_found() {
        let mut case = with_records(100);
        assert!(case.evidence("z3").is_some());
        case.evidence.truncate(10);
        assert!(case.evidence("z3").is_none());
        let last = case.evidence[9].id.get_ref().clone();
        assert!(case.evidence(&last).is_some());
    }
}
