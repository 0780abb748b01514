//! A rubric: criteria, their anchored levels, the indicators that decide a level, and
//! the rule from indicators to level. See `rubrics/README.md` for the file format.

use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A rubric file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    /// Stable id, used by cases to name the rubric they are coded against.
    pub id: Spanned<String>,
    /// Human title.
    pub title: String,
    /// Version string; printed with every score. A rubric is identified by its id and
    /// version together: several versions of one id may be loaded side by side, and a
    /// case picks one with `rubric_version` (see [`Rubric::key`]).
    pub version: String,
    /// What the rubric is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Bibliography keys of the works the rubric rests on.
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    /// Why the weights are what they are.
    #[serde(default)]
    pub weights_rationale: Option<String>,
    /// The criteria, in display order.
    pub criteria: Spanned<Vec<Criterion>>,
}

impl Rubric {
    /// `id@version`: what names one version of a rubric on the command line and in
    /// messages.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id.get_ref(), self.version)
    }

    /// Whether this is the rubric `id` in `version`.
    pub fn is(&self, id: &str, version: &str) -> bool {
        self.id.get_ref() == id && self.version == version
    }
}

/// The version an unpinned case resolves to when several versions of its rubric are
/// loaded: the version every rubric had before versions could be pinned.
pub const UNPINNED_VERSION: &str = "1.0.0";

/// Orders version strings: dot-separated parts compared as numbers when both are
/// numbers (so `1.10.0` follows `1.9.0`), otherwise as text; ties by the whole text.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &'_ str| -> Vec<String> { v.split('.').map(str::to_string).collect() };
    let (pa, pb) = (parts(a), parts(b));
    for (x, y) in pa.iter().zip(pb.iter()) {
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            _ => x.cmp(y),
        };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
    pa.len().cmp(&pb.len()).then_with(|| a.cmp(b))
}

/// One criterion of a rubric.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Stable id, unique within the rubric.
    pub id: Spanned<String>,
    /// Short name.
    pub name: String,
    /// The question the criterion asks of an effort.
    pub question: String,
    /// Why it matters.
    #[serde(default)]
    pub rationale: Option<String>,
    /// Bibliography keys of the literature it comes from.
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    /// Weight in the total; positive and finite.
    pub weight: Spanned<f64>,
    /// The sin of mediation it guards against.
    #[serde(default)]
    pub sin: Option<Sin>,
    /// The matching fundamental of the UN Guidance for Effective Mediation.
    #[serde(default)]
    pub un_fundamental: Option<UnFundamental>,
    /// What an initiative that scores low should do.
    pub guidance: String,
    /// How indicators become a level.
    #[serde(default)]
    pub rule: Rule,
    /// The ordinal scale, lowest first; level numbers are positions in this list.
    pub levels: Spanned<Vec<Level>>,
}

impl Criterion {
    /// The highest level number on the scale.
    pub fn top_level(&self) -> usize {
        self.levels.get_ref().len().saturating_sub(1)
    }

    /// Every indicator with the level it belongs to, lowest level first.
    pub fn indicators(&self) -> impl Iterator<Item = (usize, &Indicator)> {
        self.levels
            .get_ref()
            .iter()
            .enumerate()
            .flat_map(|(n, level)| level.indicators.iter().map(move |i| (n, i)))
    }
}

/// One anchored level of a criterion's scale.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Short label ("Passive", "Hands-on").
    pub label: String,
    /// What an effort at this level looks like, so two coders pick the same one.
    pub descriptor: String,
    /// The observable indicators that must be met to reach this level.
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// The sin of mediation an effort risks when this level fails for an unmet
    /// indicator of it (optional); an audit names it instead of the criterion's.
    #[serde(default)]
    pub sin: Option<Sin>,
}

/// An observable indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable id, unique within the criterion.
    pub id: Spanned<String>,
    /// The statement a coder marks met, unmet or unknown.
    pub text: String,
    /// The sin of mediation an effort risks when this indicator is unmet (optional); an
    /// audit names it when a gate fails on the indicator.
    #[serde(default)]
    pub sin: Option<Sin>,
}

/// The rule that turns a criterion's indicators into a level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// Level k is reached when every indicator of levels 1..=k is met: the levels are
    /// steps, each resting on the ones below.
    #[default]
    Cumulative,
    /// The level is the highest k all of whose indicators are met, whatever the levels
    /// below: the levels are ranked, but a higher one does not presuppose a lower one.
    Highest,
    /// The level is the number of levels 1..=n all of whose indicators are met: the
    /// levels are elements of equal standing, in no order.
    Count,
}

impl Rule {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Cumulative => "cumulative",
            Rule::Highest => "highest",
            Rule::Count => "count",
        }
    }
}

/// Brahimi and Ahmed's (2008) seven deadly sins of mediation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sin {
    /// Not knowing the conflict's history and what has been tried.
    Ignorance,
    /// Assuming one knows enough.
    Arrogance,
    /// Being, or being seen as, biased.
    Partiality,
    /// Lacking the leverage to bring about and enforce an agreement.
    Impotence,
    /// Artificial deadlines.
    Haste,
    /// Rigid templates or mandates.
    Inflexibility,
    /// Promising a quick resolution or what cannot be delivered.
    FalsePromises,
}

impl Sin {
    /// The name as written in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Sin::Ignorance => "ignorance",
            Sin::Arrogance => "arrogance",
            Sin::Partiality => "partiality",
            Sin::Impotence => "impotence",
            Sin::Haste => "haste",
            Sin::Inflexibility => "inflexibility",
            Sin::FalsePromises => "false-promises",
        }
    }
}

/// The eight fundamentals of the UN Guidance for Effective Mediation (2012).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnFundamental {
    /// Conflict analysis, stakeholder mapping, study of past efforts.
    Preparedness,
    /// The parties' consent to mediation.
    Consent,
    /// Impartiality of the mediator.
    Impartiality,
    /// Inclusion of the relevant actors.
    Inclusivity,
    /// National ownership of the process.
    NationalOwnership,
    /// International law and normative frameworks.
    InternationalLaw,
    /// Coherence, coordination and complementarity of the mediation effort.
    Coherence,
    /// Quality peace agreements.
    QualityAgreements,
}

impl UnFundamental {
    /// The name as written in files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            UnFundamental::Preparedness => "preparedness",
            UnFundamental::Consent => "consent",
            UnFundamental::Impartiality => "impartiality",
            UnFundamental::Inclusivity => "inclusivity",
            UnFundamental::NationalOwnership => "national-ownership",
            UnFundamental::InternationalLaw => "international-law",
            UnFundamental::Coherence => "coherence",
            UnFundamental::QualityAgreements => "quality-agreements",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::compare_versions;
    use std::cmp::Ordering::*;

    #[test]
    fn versions_order_numerically_then_as_text() {
        assert_eq!(compare_versions("1.0.0", "2.0.0"), Less);
        assert_eq!(compare_versions("1.10.0", "1.9.0"), Greater);
        assert_eq!(compare_versions("1.0", "1.0.0"), Less);
        assert_eq!(compare_versions("1.0.0", "1.0.0"), Equal);
        assert_eq!(compare_versions("1.0.0-beta", "1.0.0-alpha"), Greater);
        assert_eq!(compare_versions("", "1"), Less);
    }
}
