//! Audit policies: for each criterion of a rubric, the minimum level an initiative
//! should reach and whether falling short fails the audit (`enforced`) or only flags
//! the criterion (`advisory`); and, for single indicators that matter on their own,
//! a gate requiring the indicator met (`[indicators.<criterion>.<indicator>]`). Each
//! gate may give its `reason`. See the README's "Auditing an initiative" section.
//!
//! A policy file is TOML, read with unknown fields refused and checked against the
//! rubric it names; every problem becomes a positioned [`Diagnostic`]. This module
//! decides nothing about a case: [`crate::audit`] applies the checked [`Policy`].

use crate::corpus::diagnostic::{Diagnostic, SourceMap};
use crate::corpus::embedded;
use crate::corpus::model::Rubric;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A policy file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// The id of the rubric whose criteria the policy gates.
    pub rubric: Spanned<String>,
    /// What the policy is for, in prose.
    #[serde(default)]
    pub description: Option<String>,
    /// Criterion id → its gate.
    #[serde(default)]
    pub criteria: BTreeMap<Spanned<String>, GateFile>,
    /// Criterion id → indicator id → a gate requiring that indicator met.
    #[serde(default)]
    pub indicators: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, IndicatorGateFile>>,
}

/// One indicator's gate as written: the indicator must be met.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorGateFile {
    /// Whether an indicator not met fails the audit.
    pub gate: Enforcement,
    /// Why the indicator is gated, citing the literature; shown with the audit.
    #[serde(default)]
    pub reason: Option<String>,
}

/// One criterion's gate as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateFile {
    /// The lowest acceptable level (0 … the criterion's top level).
    pub minimum: Spanned<i64>,
    /// Whether falling short fails the audit.
    pub gate: Enforcement,
    /// Why the criterion is gated at that level; shown with the audit.
    #[serde(default)]
    pub reason: Option<String>,
}

/// What falling short of a gate does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Enforcement {
    /// The audit fails (exit code 1).
    Enforced,
    /// The criterion is flagged; the audit does not fail on it.
    Advisory,
}

impl Enforcement {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Enforced => "enforced",
            Enforcement::Advisory => "advisory",
        }
    }
}

/// A policy checked against its rubric.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Where it came from: a path, or the built-in default's name.
    pub path: PathBuf,
    /// The rubric it gates.
    pub rubric: String,
    /// Its description.
    pub description: Option<String>,
    /// One gate per gated criterion, in the rubric's order. Criteria without a gate are
    /// never flagged.
    pub gates: Vec<Gate>,
    /// One gate per gated indicator, in the rubric's order.
    pub indicator_gates: Vec<IndicatorGate>,
}

impl Policy {
    /// The gate of a criterion, if it has one.
    pub fn gate(&self, criterion: &str) -> Option<&Gate> {
        self.gates.iter().find(|g| g.criterion == criterion)
    }
}

/// One indicator's checked gate: the indicator must be met.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorGate {
    /// The criterion id.
    pub criterion: String,
    /// The indicator id.
    pub indicator: String,
    /// Whether an indicator not met fails the audit.
    pub enforcement: Enforcement,
    /// Why it is gated.
    pub reason: Option<String>,
}

/// One criterion's checked gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// The criterion id.
    pub criterion: String,
    /// The lowest acceptable level.
    pub minimum: usize,
    /// Whether falling short fails the audit.
    pub enforcement: Enforcement,
    /// Why it is gated at that level.
    pub reason: Option<String>,
}

/// The problems found in a policy (errors, or warnings beside a usable policy), with
/// the text to show them in.
#[derive(Debug, Clone)]
pub struct PolicyProblems {
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// The policy's text, for rendering.
    pub sources: SourceMap,
}

impl PolicyProblems {
    /// Every problem rendered as `path:line:column: error: …` with the offending line.
    pub fn report(&self) -> String {
        self.diagnostics
            .iter()
            .map(|d| self.sources.render(d) + "\n")
            .collect()
    }
}

/// The criterion a policy names by `key`, or an error at the key with a near miss
/// (`what`: the gate or gates to remove otherwise).
fn criterion_of<'r>(
    rubric: &'r Rubric,
    key: &Spanned<String>,
    path: &Path,
    what: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<&'r crate::corpus::model::Criterion> {
    let criteria = rubric.criteria.get_ref();
    let found = criteria.iter().find(|c| c.id.get_ref() == key.get_ref());
    if found.is_none() {
        let near = crate::corpus::validate::nearest(
            key.get_ref(),
            criteria.iter().map(|c| c.id.get_ref().as_str()),
        );
        diagnostics.push(
            Diagnostic::error(
                path,
                Some(key.span()),
                format!(
                    "rubric `{}` has no criterion `{}`",
                    rubric.id.get_ref(),
                    key.get_ref()
                ),
            )
            .with_help(match near {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("remove the {what} or fix the criterion id"),
            }),
        );
    }
    found
}

/// Parses a policy and checks it against `rubric`, reporting every problem at once.
///
/// Errors: a TOML or shape error, a rubric other than `rubric`, a gate on a criterion
/// the rubric lacks, a minimum off the criterion's scale. A gate at level 0, which can
/// never fail, is a warning (returned beside the policy).
pub fn parse(
    path: &Path,
    text: &str,
    rubric: &Rubric,
) -> Result<(Policy, PolicyProblems), PolicyProblems> {
    let mut sources = SourceMap::new();
    sources.insert(path, text.to_string());
    // Every shape problem at once ([`crate::corpus::recover`]); then, when the repaired
    // file still says what it gates, its checks against the rubric too.
    let recovered = crate::corpus::recover::parse::<PolicyFile>(path, text);
    let mut parse_problems = recovered.problems;
    for d in &mut parse_problems {
        if d.message.starts_with("unknown field") && d.help.is_none() {
            d.help = Some("a policy has `rubric`, `description`, [criteria.<id>] tables with `minimum`, `gate` and `reason`, and [indicators.<criterion id>.<indicator id>] tables with `gate` and `reason`".to_string());
        }
    }
    let tainted = recovered.tainted;
    let file = match recovered.value {
        Some(file) if parse_problems.is_empty() || recovered.checkable => file,
        _ => {
            return Err(PolicyProblems {
                diagnostics: parse_problems,
                sources,
            });
        }
    };
    let mut diagnostics = Vec::new();
    if file.rubric.get_ref() != rubric.id.get_ref() {
        diagnostics.push(
            Diagnostic::error(
                path,
                Some(file.rubric.span()),
                format!(
                    "the policy is for rubric `{}`, but the case is coded against `{}`",
                    file.rubric.get_ref(),
                    rubric.id.get_ref()
                ),
            )
            .with_help("use a policy written for the case's rubric"),
        );
    }
    let criteria = rubric.criteria.get_ref();
    let mut gates = Vec::new();
    for (key, gate) in &file.criteria {
        let Some(criterion) = criterion_of(rubric, key, path, "gate", &mut diagnostics) else {
            continue;
        };
        let top = criterion.top_level();
        let minimum = *gate.minimum.get_ref();
        if !(0..=top as i64).contains(&minimum) {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    Some(gate.minimum.span()),
                    format!(
                        "minimum {minimum} is not on the scale of `{}` (0 to {top})",
                        key.get_ref()
                    ),
                )
                .with_help(format!("use a level between 1 and {top}")),
            );
            continue;
        }
        if minimum == 0 {
            diagnostics.push(
                Diagnostic::warning(
                    path,
                    Some(gate.minimum.span()),
                    format!(
                        "minimum 0 of `{}` is the floor, so the gate always passes",
                        key.get_ref()
                    ),
                )
                .with_help("raise the minimum, or remove the gate"),
            );
        }
        gates.push(Gate {
            criterion: key.get_ref().clone(),
            minimum: minimum as usize,
            enforcement: gate.gate,
            reason: gate.reason.clone(),
        });
    }
    let mut indicator_gates = Vec::new();
    for (key, indicators) in &file.indicators {
        let Some(criterion) = criterion_of(rubric, key, path, "gates", &mut diagnostics) else {
            continue;
        };
        for (id, gate) in indicators {
            if !criterion
                .indicators()
                .any(|(_, i)| i.id.get_ref() == id.get_ref())
            {
                let near = crate::corpus::validate::nearest(
                    id.get_ref(),
                    criterion.indicators().map(|(_, i)| i.id.get_ref().as_str()),
                );
                diagnostics.push(
                    Diagnostic::error(
                        path,
                        Some(id.span()),
                        format!(
                            "criterion `{}` has no indicator `{}`",
                            key.get_ref(),
                            id.get_ref()
                        ),
                    )
                    .with_help(match near {
                        Some(n) => format!("did you mean `{n}`?"),
                        None => format!(
                            "use one of {}",
                            criterion
                                .indicators()
                                .map(|(_, i)| format!("`{}`", i.id.get_ref()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    }),
                );
                continue;
            }
            indicator_gates.push(IndicatorGate {
                criterion: key.get_ref().clone(),
                indicator: id.get_ref().clone(),
                enforcement: gate.gate,
                reason: gate.reason.clone(),
            });
        }
    }
    diagnostics.retain(|d| {
        !d.span
            .as_ref()
            .is_some_and(|s| crate::corpus::recover::is_synthetic(s) || tainted.contains(s))
    });
    diagnostics.extend(parse_problems);
    diagnostics.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
    if diagnostics
        .iter()
        .any(|d| d.severity == crate::corpus::diagnostic::Severity::Error)
    {
        return Err(PolicyProblems {
            diagnostics,
            sources,
        });
    }
    let order = |g: &Gate| {
        criteria
            .iter()
            .position(|c| c.id.get_ref() == &g.criterion)
            .unwrap_or(usize::MAX)
    };
    gates.sort_by_key(order);
    let indicator_order = |g: &IndicatorGate| {
        criteria
            .iter()
            .position(|c| c.id.get_ref() == &g.criterion)
            .and_then(|k| {
                let position = criteria[k]
                    .indicators()
                    .position(|(_, i)| i.id.get_ref() == &g.indicator)?;
                Some((k, position))
            })
            .unwrap_or((usize::MAX, usize::MAX))
    };
    indicator_gates.sort_by_key(indicator_order);
    Ok((
        Policy {
            path: path.to_path_buf(),
            rubric: file.rubric.into_inner(),
            description: file.description,
            gates,
            indicator_gates,
        },
        PolicyProblems {
            diagnostics,
            sources,
        },
    ))
}

/// The default policy shipped in the binary ([`embedded::DEFAULT_POLICY`]) checked against `rubric`, or `None` when it is written for
/// another rubric (a case coded against it is then audited without gates).
pub fn default_policy(rubric: &Rubric) -> Option<Result<(Policy, PolicyProblems), PolicyProblems>> {
    let written_for = toml::from_str::<PolicyFile>(embedded::DEFAULT_POLICY)
        .map(|f| f.rubric.into_inner())
        .ok();
    if written_for.as_deref() != Some(rubric.id.get_ref().as_str()) {
        return None;
    }
    Some(parse(
        &embedded::path("policies/default.toml"),
        embedded::DEFAULT_POLICY,
        rubric,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Rubric {
        toml::from_str(
            r#"
id = "r"
title = "R"
version = "1"
[[criteria]]
id = "history"
name = "H"
question = "Q"
weight = 1.0
guidance = "G"
  [[criteria.levels]]
  label = "0"
  descriptor = "d"
  [[criteria.levels]]
  label = "1"
  descriptor = "d"
    [[criteria.levels.indicators]]
    id = "i"
    text = "t"
"#,
        )
        .unwrap()
    }

    #[test]
    fn a_good_policy_parses() {
        let text = "rubric = \"r\"\n[criteria.history]\nminimum = 1\ngate = \"enforced\"\n";
        let (policy, warnings) = parse(Path::new("p.toml"), text, &rubric()).unwrap();
        assert!(warnings.diagnostics.is_empty());
        assert_eq!(
            policy.gate("history"),
            Some(&Gate {
                criterion: "history".to_string(),
                minimum: 1,
                enforcement: Enforcement::Enforced,
                reason: None,
            })
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let text = "rubric = \"other\"\n[criteria.histroy]\nminimum = 1\ngate = \"advisory\"\n[criteria.history]\nminimum = 7\ngate = \"enforced\"\n";
        let problems = parse(Path::new("p.toml"), text, &rubric()).unwrap_err();
        let report = problems.report();
        assert_eq!(problems.diagnostics.len(), 3, "{report}");
        assert!(report.contains("p.toml:1:10: error: the policy is for rubric `other`"));
        assert!(report.contains("p.toml:2:11: error: rubric `r` has no criterion `histroy`"));
        assert!(report.contains("did you mean `history`?"));
        assert!(report.contains("p.toml:6:11: error: minimum 7 is not on the scale"));
    }

    #[test]
    fn unknown_fields_and_bad_gates_are_refused() {
        let text = "rubric = \"r\"\n[criteria.history]\nminimum = 1\ngate = \"strict\"\n";
        let problems = parse(Path::new("p.toml"), text, &rubric()).unwrap_err();
        assert!(problems.report().contains("p.toml:4:8: error:"));
        let text = "rubric = \"r\"\nfail_undr = 3\n";
        let problems = parse(Path::new("p.toml"), text, &rubric()).unwrap_err();
        assert!(problems.report().contains("unknown field `fail_undr`"));
    }

    #[test]
    fn a_policy_with_three_mistakes_is_reported_whole() {
        let text = "rubric = \"other\"\ndescripton = \"x\"\n[criteria.history]\nminimum = \"1\"\ngate = \"Enforced\"\n";
        let problems = parse(Path::new("p.toml"), text, &rubric()).unwrap_err();
        let report = problems.report();
        assert!(
            report.contains("p.toml:1:10: error: the policy is for rubric `other`"),
            "{report}"
        );
        assert!(
            report.contains("p.toml:2:1: error: unknown field `descripton`"),
            "{report}"
        );
        assert!(report.contains("did you mean `description`?"), "{report}");
        assert!(
            report.contains("p.toml:4:11: error: invalid type"),
            "{report}"
        );
        assert!(
            report.contains("p.toml:5:8: error: unknown variant `Enforced`"),
            "{report}"
        );
        assert_eq!(problems.diagnostics.len(), 4, "{report}");
    }

    #[test]
    fn a_zero_minimum_warns() {
        let text = "rubric = \"r\"\n[criteria.history]\nminimum = 0\ngate = \"enforced\"\n";
        let (_, warnings) = parse(Path::new("p.toml"), text, &rubric()).unwrap();
        assert_eq!(warnings.diagnostics.len(), 1);
        assert!(
            warnings
                .report()
                .contains("p.toml:3:11: warning: minimum 0")
        );
    }

    #[test]
    fn the_default_policy_fits_the_shipped_rubric() {
        let checked = crate::corpus::validate::validate(embedded::corpus(), &Default::default());
        let rubric = checked.corpus.rubric("peacemaking").unwrap();
        let (policy, warnings) = default_policy(rubric).unwrap().unwrap();
        assert!(warnings.diagnostics.is_empty(), "{}", warnings.report());
        assert_eq!(
            policy.gate("impartiality").map(|g| g.enforcement),
            Some(Enforcement::Enforced)
        );
        // Building on the previous efforts is enforced on its own indicator.
        let gated: Vec<(&str, &str, Enforcement)> = policy
            .indicator_gates
            .iter()
            .map(|g| (g.criterion.as_str(), g.indicator.as_str(), g.enforcement))
            .collect();
        assert!(gated.contains(&("history", "adapts-to-past-failures", Enforcement::Enforced)));
        // Every gate says why.
        assert!(policy.gates.iter().all(|g| g.reason.is_some()));
        assert!(policy.indicator_gates.iter().all(|g| g.reason.is_some()));
    }

    #[test]
    fn indicator_gates_parse_in_rubric_order_with_their_reasons() {
        let text =
            "rubric = \"r\"\n[indicators.history.i]\ngate = \"advisory\"\nreason = \"why\"\n";
        let (policy, warnings) = parse(Path::new("p.toml"), text, &rubric()).unwrap();
        assert!(warnings.diagnostics.is_empty());
        assert!(policy.gates.is_empty());
        assert_eq!(
            policy.indicator_gates,
            [IndicatorGate {
                criterion: "history".to_string(),
                indicator: "i".to_string(),
                enforcement: Enforcement::Advisory,
                reason: Some("why".to_string()),
            }]
        );
    }

    #[test]
    fn indicator_gates_on_unknown_ids_are_reported_with_their_place() {
        let text = "rubric = \"r\"\n[indicators.history.j]\ngate = \"enforced\"\n[indicators.histry.i]\ngate = \"enforced\"\n[indicators.history.i]\ngate = \"enforced\"\nrequire = \"met\"\n";
        let problems = parse(Path::new("p.toml"), text, &rubric()).unwrap_err();
        let report = problems.report();
        assert!(report.contains("unknown field `require`"), "{report}");
        let text = "rubric = \"r\"\n[indicators.history.zzz]\ngate = \"enforced\"\n[indicators.histry.i]\ngate = \"enforced\"\n";
        let problems = parse(Path::new("p.toml"), text, &rubric()).unwrap_err();
        let report = problems.report();
        assert_eq!(problems.diagnostics.len(), 2, "{report}");
        assert!(
            report.contains("p.toml:2:21: error: criterion `history` has no indicator `zzz`"),
            "{report}"
        );
        assert!(report.contains("use one of `i`"), "{report}");
        assert!(
            report.contains("p.toml:4:13: error: rubric `r` has no criterion `histry`"),
            "{report}"
        );
        assert!(report.contains("did you mean `history`?"), "{report}");
    }
}
