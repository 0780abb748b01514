//! Property tests of the scoring engine on random rubrics and cases, written as TOML and
//! put through the same load → validate → score path as the command line:
//!
//! - every criterion and total satisfies `lower ≤ score ≤ upper`;
//! - turning an indicator from unmet to met never lowers a level or a total;
//! - resolving an unknown (to met or unmet) never widens an interval;
//! - scaling every weight by the same factor leaves the totals unchanged;
//! - the JSON output reads back into the same values and writes the same bytes.
//!
//! Cases have one to three coders, and a criterion is sometimes overridden, so the
//! combination of coders and overrides is under the same properties.

use proptest::prelude::*;
use proptest::sample::Index;
use std::path::Path;
use thirdside::corpus::load::{FileKind, Inputs};
use thirdside::score::output::{ScoresJson, from_json, to_json};
use thirdside::score::{CaseScore, Interval, Scores};

#[derive(Debug, Clone, Copy, PartialEq)]
enum S {
    Met,
    Unmet,
    Unknown,
}

impl S {
    fn as_str(self) -> &'static str {
        match self {
            S::Met => "met",
            S::Unmet => "unmet",
            S::Unknown => "unknown",
        }
    }
}

/// One coder's statuses: criterion → level (1..=top) → indicator.
type Statuses = Vec<Vec<Vec<S>>>;

#[derive(Debug, Clone)]
struct Spec {
    /// Per criterion: its weight and the number of indicators at levels 1..=top.
    shape: Vec<(f64, Vec<usize>)>,
    /// One entry per coder: the statuses and, per criterion, an override level.
    coders: Vec<(Statuses, Vec<Option<usize>>)>,
}

fn status() -> impl Strategy<Value = S> {
    prop_oneof![Just(S::Met), Just(S::Unmet), Just(S::Unknown)]
}

fn coding(
    shape: &[(f64, Vec<usize>)],
) -> impl Strategy<Value = (Statuses, Vec<Option<usize>>)> + use<> {
    let statuses: Vec<_> = shape
        .iter()
        .map(|(_, levels)| {
            levels
                .iter()
                .map(|&n| prop::collection::vec(status(), n))
                .collect::<Vec<_>>()
        })
        .collect();
    let overrides: Vec<_> = shape
        .iter()
        .map(|(_, levels)| prop::option::weighted(0.1, 0..=levels.len()))
        .collect();
    (statuses, overrides)
}

fn spec() -> impl Strategy<Value = Spec> {
    let criterion = (0.05f64..10.0, prop::collection::vec(1usize..=3, 1..=5));
    prop::collection::vec(criterion, 1..=6).prop_flat_map(|shape| {
        let coders = prop::collection::vec(coding(&shape), 1..=3);
        (Just(shape), coders).prop_map(|(shape, coders)| Spec { shape, coders })
    })
}

const BIBLIOGRAPHY: &str = r#"[work]
authors = ["Author, An"]
year = 2020
title = "A work"
published = "Somewhere"
"#;

fn indicator_id(c: usize, level: usize, k: usize) -> String {
    format!("c{c}-l{level}-i{k}")
}

fn rubric_toml(spec: &Spec, scale: f64) -> String {
    let mut t = String::from(
        "id = \"prop\"\ntitle = \"Property rubric\"\nversion = \"1.0.0\"\nsources = [\"work\"]\nweights_rationale = \"Random.\"\n",
    );
    for (c, (weight, levels)) in spec.shape.iter().enumerate() {
        t.push_str(&format!(
            "\n[[criteria]]\nid = \"c{c}\"\nname = \"Criterion {c}\"\nquestion = \"Q?\"\nweight = {:?}\nguidance = \"G.\"\n",
            weight * scale
        ));
        t.push_str("[[criteria.levels]]\nlabel = \"L0\"\ndescriptor = \"D.\"\n");
        for (l, &n) in levels.iter().enumerate() {
            let level = l + 1;
            t.push_str(&format!(
                "[[criteria.levels]]\nlabel = \"L{level}\"\ndescriptor = \"D.\"\n"
            ));
            for k in 0..n {
                t.push_str(&format!(
                    "[[criteria.levels.indicators]]\nid = \"{}\"\ntext = \"T.\"\n",
                    indicator_id(c, level, k)
                ));
            }
        }
    }
    t
}

fn case_toml(coder: usize, statuses: &Statuses, overrides: &[Option<usize>]) -> String {
    let mut t = format!(
        "id = \"case\"\ntitle = \"Case\"\nkind = \"effort\"\nrubric = \"prop\"\nstart = \"2020\"\nconflict = \"C\"\nmediators = [\"M\"]\nparties = [\"A\", \"B\"]\nsummary = \"S.\"\noutcome = \"O.\"\nstrategy = \"unknown\"\n\n[coding]\ncoder = \"Coder {coder}\"\ndate = \"2026-01-01\"\n\n[[evidence]]\nid = \"e1\"\nclaim = \"A claim.\"\nsource = \"work\"\nlocator = \"p. 1\"\n"
    );
    for (c, levels) in statuses.iter().enumerate() {
        t.push_str(&format!("\n[observations.c{c}]\n"));
        for (l, indicators) in levels.iter().enumerate() {
            for (k, s) in indicators.iter().enumerate() {
                let rest = match s {
                    S::Unknown => ", note = \"Silent.\"",
                    _ => ", evidence = [\"e1\"]",
                };
                t.push_str(&format!(
                    "{} = {{ status = \"{}\"{rest} }}\n",
                    indicator_id(c, l + 1, k),
                    s.as_str()
                ));
            }
        }
    }
    for (c, o) in overrides.iter().enumerate() {
        if let Some(level) = o {
            t.push_str(&format!(
                "\n[overrides.c{c}]\nlevel = {level}\njustification = \"The coder's reading.\"\n"
            ));
        }
    }
    t
}

/// Scores the spec's case with every weight multiplied by `scale`.
fn score(spec: &Spec, scale: f64) -> Scores {
    let mut inputs = Inputs::default();
    inputs.add_bytes(
        Path::new("rubrics/bibliography.toml"),
        BIBLIOGRAPHY.as_bytes(),
        FileKind::Bibliography,
    );
    inputs.add_bytes(
        Path::new("rubrics/prop.toml"),
        rubric_toml(spec, scale).as_bytes(),
        FileKind::Rubric,
    );
    for (i, (statuses, overrides)) in spec.coders.iter().enumerate() {
        inputs.add_bytes(
            Path::new(&format!("cases/case-{i}.toml")),
            case_toml(i, statuses, overrides).as_bytes(),
            FileKind::Case,
        );
    }
    let checked = thirdside::corpus::validate::validate(inputs, &Default::default());
    assert_eq!(checked.errors(), 0, "{}", checked.report());
    let rubric = thirdside::select_rubric(&checked.corpus, None).expect("one rubric");
    thirdside::score::score(&checked.corpus, rubric)
}

fn the_case(scores: &Scores) -> &CaseScore {
    assert_eq!(scores.cases.len(), 1, "the coders combine into one case");
    &scores.cases[0]
}

/// The positions (criterion, level index, indicator) in coder 0's statuses that hold `s`.
fn positions(spec: &Spec, s: S) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (c, levels) in spec.coders[0].0.iter().enumerate() {
        for (l, indicators) in levels.iter().enumerate() {
            for (k, x) in indicators.iter().enumerate() {
                if *x == s {
                    out.push((c, l, k));
                }
            }
        }
    }
    out
}

fn with_status(spec: &Spec, (c, l, k): (usize, usize, usize), s: S) -> Spec {
    let mut changed = spec.clone();
    changed.coders[0].0[c][l][k] = s;
    changed
}

fn assert_ordered(what: &str, i: Interval) {
    assert!(
        i.lower <= i.score && i.score <= i.upper,
        "{what}: lower {} ≤ score {} ≤ upper {} does not hold",
        i.lower,
        i.score,
        i.upper
    );
}

/// Every level and bound of `after` is at least that of `before`.
fn assert_not_lower(before: &CaseScore, after: &CaseScore) {
    for (b, a) in before.criteria.iter().zip(&after.criteria) {
        assert!(
            a.level >= b.level,
            "{}: level fell {} → {}",
            b.id,
            b.level,
            a.level
        );
        assert!(a.lower_level >= b.lower_level, "{}: lower level fell", b.id);
        assert!(a.upper_level >= b.upper_level, "{}: upper level fell", b.id);
    }
    let (b, a) = (before.total, after.total);
    assert!(a.score >= b.score - 1e-9, "total fell {b:?} → {a:?}");
    assert!(a.lower >= b.lower - 1e-9, "total lower fell {b:?} → {a:?}");
    assert!(a.upper >= b.upper - 1e-9, "total upper fell {b:?} → {a:?}");
}

/// The interval of every criterion and of the total in `after` lies within `before`'s.
fn assert_within(before: &CaseScore, after: &CaseScore) {
    for (b, a) in before.criteria.iter().zip(&after.criteria) {
        assert!(
            a.lower_level >= b.lower_level && a.upper_level <= b.upper_level,
            "{}: [{}, {}] widened to [{}, {}]",
            b.id,
            b.lower_level,
            b.upper_level,
            a.lower_level,
            a.upper_level
        );
    }
    let (b, a) = (before.total, after.total);
    assert!(
        a.lower >= b.lower - 1e-9 && a.upper <= b.upper + 1e-9,
        "total [{}, {}] widened to [{}, {}]",
        b.lower,
        b.upper,
        a.lower,
        a.upper
    );
}

proptest! {
    // A failure prints its minimal input; it becomes a fixture or a unit test, so no
    // regression file is kept.
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn lower_le_score_le_upper(spec in spec()) {
        let scores = score(&spec, 1.0);
        let case = the_case(&scores);
        assert_ordered("total", case.total);
        for c in &case.criteria {
            assert_ordered(&c.id, c.interval);
            prop_assert!(c.lower_level <= c.level && c.level <= c.upper_level, "{}: levels {} {} {}", c.id, c.lower_level, c.level, c.upper_level);
            prop_assert!(c.upper_level <= c.top);
        }
    }

    #[test]
    fn meeting_an_unmet_indicator_never_lowers_a_level(spec in spec(), pick in any::<Index>()) {
        let unmet = positions(&spec, S::Unmet);
        prop_assume!(!unmet.is_empty());
        let at = unmet[pick.index(unmet.len())];
        let before = score(&spec, 1.0);
        let after = score(&with_status(&spec, at, S::Met), 1.0);
        assert_not_lower(the_case(&before), the_case(&after));
    }

    #[test]
    fn resolving_an_unknown_never_widens_an_interval(spec in spec(), pick in any::<Index>(), met in any::<bool>()) {
        let unknown = positions(&spec, S::Unknown);
        prop_assume!(!unknown.is_empty());
        let at = unknown[pick.index(unknown.len())];
        let to = if met { S::Met } else { S::Unmet };
        let before = score(&spec, 1.0);
        let after = score(&with_status(&spec, at, to), 1.0);
        assert_within(the_case(&before), the_case(&after));
    }

    #[test]
    fn scaling_every_weight_leaves_totals_unchanged(spec in spec(), scale in prop_oneof![0.001f64..0.1, 0.1f64..10.0, 10.0f64..1000.0]) {
        let a = score(&spec, 1.0);
        let b = score(&spec, scale);
        let (x, y) = (the_case(&a).total, the_case(&b).total);
        for (p, q) in [(x.score, y.score), (x.lower, y.lower), (x.upper, y.upper)] {
            prop_assert!((p - q).abs() <= 1e-9 * p.abs().max(1.0), "×{scale}: {x:?} became {y:?}");
        }
    }

    #[test]
    fn json_output_round_trips(spec in spec()) {
        let scores = score(&spec, 1.0);
        let json = to_json(&scores);
        let read = from_json(&json).expect("the JSON output reads back");
        prop_assert_eq!(&read, &ScoresJson::from(&scores));
        let again = serde_json::to_string_pretty(&read).expect("serializes") + "\n";
        prop_assert_eq!(again, json);
    }
}
