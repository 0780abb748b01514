//! Coded context and results: what the sources record of the circumstances an effort
//! worked in and of what it achieved, each on a small closed scale, apart from the
//! rubric's criteria and never folded into a score. See `cases/README.md`.
//!
//! The raw types ([`FactorCoding`], [`ResultsCoding`]) are read from a case's
//! `[[context.factors]]` and `[results]` tables; validation turns them into a checked
//! [`CodedContext`], where every factor has a reading and a factor the file does not
//! code reads `unknown`.

use serde::Deserialize;
use toml::Spanned;

/// What every closed scale here offers when the sources are silent.
pub const UNKNOWN: &str = "unknown";

/// A context factor the case may code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Factor {
    /// The government's best alternative to a negotiated agreement.
    GovernmentAlternative,
    /// The opposition's best alternative to a negotiated agreement.
    OppositionAlternative,
    /// The stance of the government's principal international allies.
    GovernmentAllies,
    /// The stance of the opposition's principal international allies.
    OppositionAllies,
    /// Spoilers: actors who see the settlement as a threat and act to undermine it.
    Spoilers,
    /// A mutually hurting stalemate recognised by both sides.
    Ripeness,
}

impl Factor {
    /// Every factor, in the order outputs list them.
    pub const ALL: [Factor; 6] = [
        Factor::GovernmentAlternative,
        Factor::OppositionAlternative,
        Factor::GovernmentAllies,
        Factor::OppositionAllies,
        Factor::Spoilers,
        Factor::Ripeness,
    ];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::GovernmentAlternative => "government-alternative",
            Factor::OppositionAlternative => "opposition-alternative",
            Factor::GovernmentAllies => "government-allies",
            Factor::OppositionAllies => "opposition-allies",
            Factor::Spoilers => "spoilers",
            Factor::Ripeness => "ripeness",
        }
    }

    /// A short heading for tables.
    pub fn heading(self) -> &'static str {
        match self {
            Factor::GovernmentAlternative => "Government's alternative",
            Factor::OppositionAlternative => "Opposition's alternative",
            Factor::GovernmentAllies => "Government's allies",
            Factor::OppositionAllies => "Opposition's allies",
            Factor::Spoilers => "Spoilers",
            Factor::Ripeness => "Ripeness",
        }
    }

    /// What the factor asks, for the codebook.
    pub fn question(self) -> &'static str {
        match self {
            Factor::GovernmentAlternative => {
                "Does the government have a solid alternative to a negotiated settlement?"
            }
            Factor::OppositionAlternative => {
                "Does the opposition have a solid alternative to a negotiated settlement?"
            }
            Factor::GovernmentAllies => {
                "How do the government's principal international allies stand toward a negotiated settlement?"
            }
            Factor::OppositionAllies => {
                "How do the opposition's principal international allies stand toward a negotiated settlement?"
            }
            Factor::Spoilers => {
                "Are there actors who see a settlement as a threat and act to undermine it?"
            }
            Factor::Ripeness => "Do both sides recognise a mutually hurting stalemate?",
        }
    }

    /// The readings the factor's scale allows, besides `unknown`.
    pub fn readings(self) -> &'static [&'static str] {
        match self {
            Factor::GovernmentAlternative | Factor::OppositionAlternative => &["strong", "weak"],
            Factor::GovernmentAllies | Factor::OppositionAllies => {
                &["supportive", "conditional", "hostile"]
            }
            Factor::Spoilers => &["present", "absent"],
            Factor::Ripeness => &["ripe", "not-ripe"],
        }
    }

    /// The factor named `name` in files.
    pub fn parse(name: &str) -> Option<Factor> {
        Factor::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// The readings of `results.agreement`, besides `unknown`.
pub const AGREEMENT: [&str; 3] = ["none", "partial", "comprehensive"];

/// The readings of `results.implementation`, besides `unknown`: PAM's 0–3 scale, then
/// `not-applicable` when no agreement was reached.
pub const IMPLEMENTATION: [&str; 5] = ["none", "minimal", "intermediate", "full", "not-applicable"];

/// The reading of `value` on a closed scale, or `unknown`'s, as a static string; None
/// when the scale does not hold it.
pub fn reading_of(scale: &[&'static str], value: &str) -> Option<&'static str> {
    if value == UNKNOWN {
        return Some(UNKNOWN);
    }
    scale.iter().copied().find(|r| *r == value)
}

/// One `[[context.factors]]` entry as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactorCoding {
    /// The factor ([`Factor::as_str`]).
    pub factor: Spanned<String>,
    /// Its reading on the factor's scale, or `unknown`.
    pub reading: Spanned<String>,
    /// Evidence ids behind the reading; required unless it is `unknown`.
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
    /// The coder's note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A case's `[results]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultsCoding {
    /// Whether an agreement was reached ([`AGREEMENT`]); `unknown` when left out.
    #[serde(default)]
    pub agreement: Option<Spanned<String>>,
    /// How far it was implemented ([`IMPLEMENTATION`]); `unknown` when left out.
    #[serde(default)]
    pub implementation: Option<Spanned<String>>,
    /// Evidence ids behind the readings; required unless both are `unknown`.
    #[serde(default)]
    pub evidence: Vec<Spanned<String>>,
    /// The coder's note.
    #[serde(default)]
    pub note: Option<String>,
}

/// One factor's checked reading.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorReading {
    /// The factor.
    pub factor: Factor,
    /// Its reading, or `unknown`.
    pub reading: &'static str,
    /// Evidence ids behind it.
    pub evidence: Vec<String>,
    /// The coder's note, or empty.
    pub note: String,
}

impl FactorReading {
    /// The reading of a factor the sources are silent on.
    pub fn unknown(factor: Factor) -> Self {
        FactorReading {
            factor,
            reading: UNKNOWN,
            evidence: Vec::new(),
            note: String::new(),
        }
    }
}

/// The checked results.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Whether an agreement was reached.
    pub agreement: &'static str,
    /// How far it was implemented.
    pub implementation: &'static str,
    /// Evidence ids behind the readings.
    pub evidence: Vec<String>,
    /// The coder's note, or empty.
    pub note: String,
}

impl Default for Results {
    fn default() -> Self {
        Results {
            agreement: UNKNOWN,
            implementation: UNKNOWN,
            evidence: Vec::new(),
            note: String::new(),
        }
    }
}

impl Results {
    /// Implementation on PAM's 0–3 scale; None when unknown or not applicable.
    pub fn implementation_level(&self) -> Option<u8> {
        IMPLEMENTATION[..4]
            .iter()
            .position(|r| *r == self.implementation)
            .map(|n| n as u8)
    }
}

/// A case's checked context factors and results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CodedContext {
    /// The factors the case codes, in [`Factor::ALL`]'s order (the others are unknown).
    pub factors: Vec<FactorReading>,
    /// The results.
    pub results: Results,
}

impl CodedContext {
    /// Every factor's reading, in [`Factor::ALL`]'s order, `unknown` where not coded.
    pub fn readings(&self) -> impl Iterator<Item = FactorReading> + '_ {
        Factor::ALL.into_iter().map(|f| {
            self.factors
                .iter()
                .find(|r| r.factor == f)
                .cloned()
                .unwrap_or_else(|| FactorReading::unknown(f))
        })
    }

    /// The context several coders agree on: a factor or result on which they differ
    /// reads `unknown`, with a note naming each coder's reading.
    pub fn agreed<'a>(codings: impl IntoIterator<Item = (&'a str, &'a CodedContext)>) -> Self {
        let codings: Vec<(&str, &CodedContext)> = codings.into_iter().collect();
        let Some((_, first)) = codings.first() else {
            return CodedContext::default();
        };
        let differ = |parts: Vec<String>| format!("the coders differ: {}", parts.join("; "));
        let mut factors = Vec::new();
        for f in Factor::ALL {
            let of: Vec<(&str, FactorReading)> = codings
                .iter()
                .map(|(coder, c)| {
                    (
                        *coder,
                        c.readings()
                            .nth(f as usize)
                            .unwrap_or_else(|| FactorReading::unknown(f)),
                    )
                })
                .collect();
            let same = of.iter().all(|(_, r)| r.reading == of[0].1.reading);
            let reading = if same {
                of[0].1.clone()
            } else {
                FactorReading {
                    note: differ(
                        of.iter()
                            .map(|(c, r)| format!("{c}: {}", r.reading))
                            .collect(),
                    ),
                    ..FactorReading::unknown(f)
                }
            };
            if reading.reading != UNKNOWN || !reading.note.is_empty() {
                factors.push(reading);
            }
        }
        let r = &first.results;
        let same = codings.iter().all(|(_, c)| {
            c.results.agreement == r.agreement && c.results.implementation == r.implementation
        });
        let results = if same {
            r.clone()
        } else {
            Results {
                note: differ(
                    codings
                        .iter()
                        .map(|(c, k)| {
                            format!("{c}: {}, {}", k.results.agreement, k.results.implementation)
                        })
                        .collect(),
                ),
                ..Results::default()
            }
        };
        CodedContext { factors, results }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coded(reading: &'static str) -> CodedContext {
        CodedContext {
            factors: vec![FactorReading {
                factor: Factor::Spoilers,
                reading,
                evidence: vec!["e1".into()],
                note: String::new(),
            }],
            results: Results {
                agreement: "none",
                implementation: "not-applicable",
                evidence: vec!["e2".into()],
                note: String::new(),
            },
        }
    }

    #[test]
    fn every_factor_reads_unknown_unless_coded() {
        let c = coded("present");
        let all: Vec<FactorReading> = c.readings().collect();
        assert_eq!(all.len(), 6);
        assert_eq!(all[4].reading, "present");
        assert!(all.iter().filter(|r| r.reading == UNKNOWN).count() == 5);
        assert_eq!(CodedContext::default().results.agreement, UNKNOWN);
    }

    #[test]
    fn coders_who_differ_leave_the_factor_unknown_and_say_so() {
        let (a, b) = (coded("present"), coded("absent"));
        let agreed = CodedContext::agreed([("ana", &a), ("ben", &b)]);
        let spoilers = agreed.readings().nth(4).unwrap();
        assert_eq!(spoilers.reading, UNKNOWN);
        assert_eq!(
            spoilers.note,
            "the coders differ: ana: present; ben: absent"
        );
        assert_eq!(agreed.results.agreement, "none");
        let same = CodedContext::agreed([("ana", &a), ("ben", &a)]);
        assert_eq!(same, a);
    }

    #[test]
    fn implementation_levels_follow_pam() {
        let mut r = Results::default();
        assert_eq!(r.implementation_level(), None);
        for (n, name) in IMPLEMENTATION[..4].iter().enumerate() {
            r.implementation = name;
            assert_eq!(r.implementation_level(), Some(n as u8));
        }
        r.implementation = "not-applicable";
        assert_eq!(r.implementation_level(), None);
        assert_eq!(
            reading_of(Factor::Ripeness.readings(), "ripe"),
            Some("ripe")
        );
        assert_eq!(reading_of(Factor::Ripeness.readings(), "hostile"), None);
    }
}
