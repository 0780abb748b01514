//! Synthetic corpora for benchmarks and tests: a rubric, a bibliography and any number
//! of cases of realistic size that pass `thirdside check` without an error or a warning.
//!
//! The words come from a small fixed vocabulary, so the text does not read well, but the
//! shape does: 6 criteria of 5 levels with 24–30 indicators in all, a bibliography of
//! about 20 works, and cases of 26–34 evidence records (most with a quotation), a mix of
//! met, unmet and unknown observations, a few overrides and initiatives, and start dates
//! spread over 1990–2025. A case file is 15–30 KB, like the shipped ones.
//!
//! Generation is deterministic: the same seed gives byte-identical files. The rubric and
//! bibliography are drawn from ChaCha8 stream 0 of the seed and case *i* from stream
//! *i*, so a corpus of *n* cases is a prefix of a larger one with the same seed.
//!
//! ```no_run
//! let corpus = thirdside::testing::synth::generate(100, 1);
//! thirdside::testing::synth::write(&corpus, std::path::Path::new("/tmp/synth"))?;
//! # Ok::<(), thirdside::error::Error>(())
//! ```

use crate::error::Error;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The id of the synthetic rubric.
pub const RUBRIC_ID: &str = "synth";

/// A generated corpus, in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corpus {
    /// Every file: its path relative to the corpus folder (`rubrics/synth.toml`,
    /// `rubrics/bibliography.toml`, `cases/synth-00001.toml`, …) and its text. The rubric
    /// comes first, then the bibliography, then the cases in id order.
    pub files: Vec<(PathBuf, String)>,
}

impl Corpus {
    /// The number of case files.
    pub fn cases(&self) -> usize {
        self.files
            .iter()
            .filter(|(p, _)| p.starts_with("cases"))
            .count()
    }

    /// The corpus validated in memory, as `thirdside check` would from its files.
    pub fn validate(&self) -> crate::corpus::validate::Checked {
        let mut inputs = crate::corpus::load::Inputs::default();
        for (path, text) in &self.files {
            inputs.add_bytes(
                path,
                text.as_bytes(),
                crate::corpus::load::FileKind::of(path),
            );
        }
        crate::corpus::validate::validate(inputs, &crate::corpus::validate::Options::default())
    }
}

/// Generates a rubric, a bibliography and `cases` cases from `seed`.
pub fn generate(cases: usize, seed: u64) -> Corpus {
    let mut rng = stream(seed, 0);
    let bibliography = Bibliography::generate(&mut rng);
    let rubric = RubricSpec::generate(&mut rng, &bibliography);
    let mut files = vec![
        (
            PathBuf::from("rubrics").join(format!("{RUBRIC_ID}.toml")),
            rubric.to_toml(),
        ),
        (
            PathBuf::from("rubrics").join("bibliography.toml"),
            bibliography.to_toml(),
        ),
    ];
    let width = cases.to_string().len().max(5);
    for i in 1..=cases {
        let id = format!("synth-{i:0width$}");
        let mut rng = stream(seed, i as u64);
        let text = case(&mut rng, &id, &rubric, &bibliography);
        files.push((PathBuf::from("cases").join(format!("{id}.toml")), text));
    }
    Corpus { files }
}

/// Writes `corpus` under `out`, creating `out/rubrics` and `out/cases`. Files already
/// there with other names are left alone.
pub fn write(corpus: &Corpus, out: &Path) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    for dir in ["rubrics", "cases"] {
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    }
    for (relative, text) in &corpus.files {
        let path = out.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, text).map_err(io(&path))?;
    }
    Ok(())
}

fn stream(seed: u64, n: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(n);
    rng
}

// --- Vocabulary ------------------------------------------------------------------------

/// Lowercase ASCII words: safe in ids as they are.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "accord", "agenda", "alliance", "amnesty", "army", "assembly", "backchannel", "balance",
    "ballot", "border", "bridge", "cabinet", "calendar", "ceasefire", "charter", "church",
    "civic", "coalition", "commission", "committee", "compact", "concession", "congress",
    "consent", "council", "court", "crisis", "custody", "deadline", "decree", "delegate",
    "dialogue", "diplomat", "draft", "election", "embassy", "envoy", "exchange", "exile",
    "faction", "federal", "forum", "framework", "frontier", "guarantee", "harbour",
    "hearing", "hostage", "initiative", "inquiry", "interim", "justice", "labour", "ledger",
    "liaison", "mandate", "march", "memorandum", "militia", "minister", "mission",
    "monitor", "movement", "neutral", "observer", "office", "opposition", "outline", "pact",
    "parliament", "partner", "petition", "pledge", "police", "position", "prisoner",
    "protocol", "province", "quorum", "ratify", "recall", "reform", "refugee", "region",
    "release", "report", "roadmap", "roundtable", "sanction", "schedule", "secretary",
    "security", "senate", "session", "settlement", "shuttle", "signal", "sponsor",
    "statement", "summit", "survey", "table", "talks", "territory", "timeline", "tribunal",
    "truce", "trust", "union", "verdict", "verify", "veto", "vote", "withdraw", "workshop",
];

/// Verbs and linking words that give sentences some rhythm.
#[rustfmt::skip]
const LINKS: &[&str] = &[
    "and", "of", "the", "with", "for", "against", "after", "before", "under", "between",
    "proposed", "rejected", "accepted", "named", "delayed", "opened", "closed", "signed",
    "reviewed", "announced", "suspended", "resumed", "backed", "questioned", "drafted",
];

#[rustfmt::skip]
const SURNAMES: &[&str] = &[
    "abbott", "barros", "castillo", "dlamini", "eriksen", "fonseca", "garcia", "haddad",
    "ibarra", "jensen", "kamau", "lindqvist", "mendoza", "nakamura", "okafor", "petrov",
    "quiroga", "rahman", "salazar", "tanaka", "uribe", "vasquez", "weber", "xu", "yilmaz",
    "zapata",
];

#[rustfmt::skip]
const GIVEN: &[&str] = &[
    "Ana", "Bruno", "Carmen", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Karin", "Luis", "Maria", "Nadia", "Omar", "Paula", "Rafael", "Sofia", "Tomas", "Yara",
];

#[rustfmt::skip]
const CITIES: &[&str] = &[
    "New York", "London", "Oslo", "Geneva", "Bogota", "Caracas", "Nairobi", "Washington",
    "Cambridge", "Madrid",
];

const PUBLISHERS: &[&str] = &[
    "University Press",
    "Institute of Peace",
    "Centre for Dialogue",
    "Journal of Conflict Studies",
    "International Crisis Group",
    "Peace Research Institute",
];

const CRITERIA: &[&str] = &[
    "preparation",
    "inclusion",
    "backing",
    "framing",
    "substance",
    "conduct",
];

const WEIGHTS: &[f64] = &[0.5, 0.75, 1.0, 1.0, 1.0, 1.25, 1.5];

const LABELS: &[[&str; 5]] = &[
    ["Absent", "Emerging", "Partial", "Substantial", "Full"],
    ["Uninformed", "In contact", "Mapped", "Informed", "Building"],
    ["None", "Nominal", "Working", "Strong", "Exemplary"],
];

const SINS: &[&str] = &[
    "ignorance",
    "arrogance",
    "partiality",
    "impotence",
    "haste",
    "inflexibility",
    "false-promises",
];

const FUNDAMENTALS: &[&str] = &[
    "preparedness",
    "consent",
    "impartiality",
    "inclusivity",
    "national-ownership",
    "international-law",
    "coherence",
    "quality-agreements",
];

const STRATEGIES: &[&str] = &["facilitation", "formulation", "manipulation", "unknown"];

const CODERS: &[&str] = &[
    "Synthetic Coder A",
    "Synthetic Coder B",
    "Synthetic Coder C",
];

// --- Random helpers --------------------------------------------------------------------

fn pick<'a, T: ?Sized>(rng: &mut ChaCha8Rng, items: &[&'a T]) -> &'a T {
    items[rng.random_range(0..items.len())]
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `n` words, mostly vocabulary with a linking word now and then, lowercase.
fn words(rng: &mut ChaCha8Rng, n: usize) -> String {
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let word = if k > 0 && k + 1 < n && rng.random_bool(0.35) {
            pick(rng, LINKS)
        } else {
            pick(rng, WORDS)
        };
        out.push(word);
    }
    out.join(" ")
}

/// A sentence of `lo..=hi` words, capitalized, with a full stop.
fn sentence(rng: &mut ChaCha8Rng, lo: usize, hi: usize) -> String {
    let n = rng.random_range(lo..=hi);
    format!("{}.", capitalize(&words(rng, n)))
}

/// `lo..=hi` sentences of 12–24 words.
fn sentences(rng: &mut ChaCha8Rng, lo: usize, hi: usize) -> String {
    let n = rng.random_range(lo..=hi);
    (0..n)
        .map(|_| sentence(rng, 12, 24))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `n` capitalized words.
fn title(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| capitalize(pick(rng, WORDS)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A TOML string literal, escaped by the `toml` crate.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML array of string literals.
fn array<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<String> = items.iter().map(|s| q(s.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// `k` distinct items of `items` (or all of them when there are fewer), in draw order.
fn sample<T: Clone>(rng: &mut ChaCha8Rng, items: &[T], k: usize) -> Vec<T> {
    let mut indices: Vec<usize> = (0..items.len()).collect();
    let k = k.min(items.len());
    for i in 0..k {
        let j = rng.random_range(i..indices.len());
        indices.swap(i, j);
    }
    indices[..k].iter().map(|&i| items[i].clone()).collect()
}

// --- Bibliography ----------------------------------------------------------------------

struct Bibliography {
    keys: Vec<String>,
    text: String,
}

impl Bibliography {
    fn generate(rng: &mut ChaCha8Rng) -> Bibliography {
        let n = rng.random_range(18..=22);
        let mut keys = Vec::new();
        let mut text =
            String::from("# A synthetic bibliography generated by thirdside::testing::synth.\n");
        let mut used = BTreeSet::new();
        for _ in 0..n {
            let surname = pick(rng, SURNAMES);
            let year: i64 = rng.random_range(1950..=2025);
            let mut key = format!("{surname}-{year}");
            let mut suffix = b'b';
            while used.contains(&key) {
                key = format!("{surname}-{year}{}", suffix as char);
                suffix += 1;
            }
            used.insert(key.clone());
            let mut authors = vec![format!("{}, {}", capitalize(surname), pick(rng, GIVEN))];
            for _ in 0..rng.random_range(0..=2) {
                authors.push(format!(
                    "{}, {}",
                    capitalize(pick(rng, SURNAMES)),
                    pick(rng, GIVEN)
                ));
            }
            let work_title = {
                let n = rng.random_range(4..=10);
                title(rng, n)
            };
            let published = format!("{}: {}", pick(rng, CITIES), pick(rng, PUBLISHERS));
            text.push_str(&format!(
                "\n[{key}]\nauthors = {}\nyear = {year}\ntitle = {}\npublished = {}\n",
                array(&authors),
                q(&work_title),
                q(&published),
            ));
            if rng.random_bool(0.4) {
                text.push_str(&format!(
                    "url = {}\n",
                    q(&format!("https://example.org/{key}"))
                ));
            }
            keys.push(key);
        }
        Bibliography { keys, text }
    }

    fn to_toml(&self) -> String {
        self.text.clone()
    }
}

// --- Rubric ----------------------------------------------------------------------------

struct CriterionSpec {
    id: String,
    /// Indicator ids by level; level 0 has none.
    levels: Vec<Vec<String>>,
}

struct RubricSpec {
    criteria: Vec<CriterionSpec>,
    text: String,
}

impl RubricSpec {
    fn generate(rng: &mut ChaCha8Rng, bibliography: &Bibliography) -> RubricSpec {
        let mut text = String::new();
        text.push_str(&format!("id = {}\n", q(RUBRIC_ID)));
        text.push_str(&format!(
            "title = {}\n",
            q("A synthetic rubric for benchmarks and tests")
        ));
        text.push_str("version = \"1.0.0\"\n");
        text.push_str(&format!("description = {}\n", q(&sentences(rng, 3, 5))));
        let sources = sample(rng, &bibliography.keys, 6);
        text.push_str(&format!("sources = {}\n", array(&sources)));
        text.push_str(&format!(
            "weights_rationale = {}\n",
            q(&sentences(rng, 2, 4))
        ));
        let mut criteria = Vec::new();
        for (number, &id) in CRITERIA.iter().enumerate() {
            text.push_str(&format!("\n[[criteria]]\nid = {}\n", q(id)));
            let name = {
                let n = rng.random_range(3..=6);
                title(rng, n)
            };
            text.push_str(&format!("name = {}\n", q(&name)));
            let question = format!("{}?", sentence(rng, 10, 20).trim_end_matches('.'));
            text.push_str(&format!("question = {}\n", q(&question)));
            text.push_str(&format!("rationale = {}\n", q(&sentences(rng, 3, 6))));
            let n_sources = rng.random_range(2..=4);
            let sources = sample(rng, &bibliography.keys, n_sources);
            text.push_str(&format!("sources = {}\n", array(&sources)));
            text.push_str(&format!("weight = {:?}\n", pick_f64(rng, WEIGHTS)));
            text.push_str(&format!("sin = {}\n", q(pick(rng, SINS))));
            text.push_str(&format!(
                "un_fundamental = {}\n",
                q(pick(rng, FUNDAMENTALS))
            ));
            // Observations are drawn independently of the levels, as in no cumulative
            // scale: the synthetic criteria take the rules that do not presuppose one.
            let rule = if number % 2 == 0 { "highest" } else { "count" };
            text.push_str(&format!("rule = {}\n", q(rule)));
            text.push_str(&format!("guidance = {}\n", q(&sentences(rng, 2, 4))));
            let labels = LABELS[rng.random_range(0..LABELS.len())];
            // Levels 1–4 each need an indicator; one level in four gets a second.
            let extra = if rng.random_bool(0.25) {
                Some(rng.random_range(1..=4usize))
            } else {
                None
            };
            let mut used = BTreeSet::new();
            let mut levels = Vec::new();
            for (n, label) in labels.iter().enumerate() {
                text.push_str(&format!(
                    "\n  [[criteria.levels]]\n  label = {}\n  descriptor = {}\n",
                    q(label),
                    q(&sentence(rng, 12, 22))
                ));
                let count = match n {
                    0 => 0,
                    _ if extra == Some(n) => 2,
                    _ => 1,
                };
                let mut indicators = Vec::new();
                for _ in 0..count {
                    let base = format!("{}-{}", pick(rng, WORDS), pick(rng, WORDS));
                    let mut indicator = base.clone();
                    let mut k = 2;
                    while used.contains(&indicator) {
                        indicator = format!("{base}-{k}");
                        k += 1;
                    }
                    used.insert(indicator.clone());
                    text.push_str(&format!(
                        "\n    [[criteria.levels.indicators]]\n    id = {}\n    text = {}\n",
                        q(&indicator),
                        q(&sentence(rng, 14, 26))
                    ));
                    indicators.push(indicator);
                }
                levels.push(indicators);
            }
            criteria.push(CriterionSpec {
                id: id.to_string(),
                levels,
            });
        }
        RubricSpec { criteria, text }
    }

    fn to_toml(&self) -> String {
        self.text.clone()
    }
}

fn pick_f64(rng: &mut ChaCha8Rng, items: &[f64]) -> f64 {
    items[rng.random_range(0..items.len())]
}

// --- Cases -----------------------------------------------------------------------------

/// A calendar date with the day kept below 29, so every month has it.
#[derive(Clone, Copy)]
struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    fn random(rng: &mut ChaCha8Rng, years: std::ops::RangeInclusive<i32>) -> Date {
        Date {
            year: rng.random_range(years),
            month: rng.random_range(1..=12),
            day: rng.random_range(1..=28),
        }
    }

    fn plus_months(self, months: u32) -> Date {
        let total = self.month - 1 + months;
        Date {
            year: self.year + (total / 12) as i32,
            month: total % 12 + 1,
            day: self.day,
        }
    }

    /// The date written as precisely as a source might give it: mostly to the day,
    /// sometimes to the month or the year. Any coarsening of a later date still ends
    /// after any coarsening of an earlier one starts, so `end` is never before `start`.
    fn written(self, rng: &mut ChaCha8Rng) -> String {
        let precision: f64 = rng.random();
        if precision < 0.1 {
            format!("{:04}", self.year)
        } else if precision < 0.4 {
            format!("{:04}-{:02}", self.year, self.month)
        } else {
            format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
        }
    }
}

struct Observation {
    criterion: usize,
    indicator: String,
    status: &'static str,
    evidence: Vec<String>,
    note: Option<String>,
}

fn case(
    rng: &mut ChaCha8Rng,
    id: &str,
    rubric: &RubricSpec,
    bibliography: &Bibliography,
) -> String {
    let mut t = String::new();
    let initiative = rng.random_bool(0.15);
    let start = Date::random(rng, 1990..=2025);
    let end = (!initiative && rng.random_bool(0.85)).then(|| {
        let months = rng.random_range(1..=36);
        start.plus_months(months)
    });
    let place = title(rng, 1);
    t.push_str(&format!("id = {}\n", q(id)));
    t.push_str(&format!(
        "title = {}\n",
        q(&format!("{} {} {} talks", start.year, place, title(rng, 1)))
    ));
    t.push_str(&format!(
        "kind = {}\n",
        q(if initiative { "initiative" } else { "effort" })
    ));
    t.push_str(&format!("rubric = {}\n", q(RUBRIC_ID)));
    t.push_str(&format!("start = {}\n", q(&start.written(rng))));
    if let Some(end) = end {
        t.push_str(&format!("end = {}\n", q(&end.written(rng))));
    }
    t.push_str(&format!(
        "conflict = {}\n",
        q(&format!(
            "{place}: government versus the {} opposition",
            pick(rng, WORDS)
        ))
    ));
    let mediators: Vec<String> = (0..rng.random_range(1..=3))
        .map(|_| {
            format!(
                "{} {} ({})",
                pick(rng, GIVEN),
                capitalize(pick(rng, SURNAMES)),
                words(rng, 4)
            )
        })
        .collect();
    t.push_str(&format!("mediators = {}\n", array(&mediators)));
    let mut parties = vec![
        format!("Government of {place}"),
        format!("{} opposition coalition", title(rng, 1)),
    ];
    if rng.random_bool(0.3) {
        parties.push(format!(
            "{} {}",
            title(rng, 1),
            pick(rng, &["movement", "militia", "front"])
        ));
    }
    t.push_str(&format!("parties = {}\n", array(&parties)));
    if rng.random_bool(0.6) {
        t.push_str(&format!("host = {}\n", q(pick(rng, CITIES))));
    }
    t.push_str(&format!("summary = {}\n", q(&sentences(rng, 4, 7))));
    t.push_str(&format!("outcome = {}\n", q(&sentences(rng, 3, 5))));
    t.push_str(&format!("strategy = {}\n", q(pick(rng, STRATEGIES))));
    if rng.random_bool(0.7) {
        t.push_str(&format!("strategy_note = {}\n", q(&sentences(rng, 1, 3))));
    }

    t.push_str("\n[coding]\n");
    t.push_str(&format!("coder = {}\n", q(pick(rng, CODERS))));
    let coded = Date::random(rng, 2024..=2026);
    t.push_str(&format!(
        "date = \"{:04}-{:02}-{:02}\"\n",
        coded.year, coded.month, coded.day
    ));
    if rng.random_bool(0.5) {
        t.push_str(&format!("note = {}\n", q(&sentence(rng, 10, 20))));
    }

    // Evidence ids first: the context and the observations cite them.
    let n_evidence = rng.random_range(26..=34usize);
    let ids: Vec<String> = (1..=n_evidence).map(|i| format!("e{i}")).collect();
    let mut cited = BTreeSet::new();
    let cite = |rng: &mut ChaCha8Rng, lo: usize, hi: usize, cited: &mut BTreeSet<String>| {
        let k = rng.random_range(lo..=hi);
        let chosen = sample(rng, &ids, k);
        cited.extend(chosen.iter().cloned());
        chosen
    };

    let context = rng.random_bool(0.7).then(|| {
        let mut c = String::from("\n[context]\n");
        for field in [
            "government_alternative",
            "opposition_alternative",
            "spoilers",
            "sponsors",
        ] {
            if rng.random_bool(0.8) {
                c.push_str(&format!("{field} = {}\n", q(&sentences(rng, 2, 3))));
            }
        }
        c
    });
    let context_evidence = match context {
        Some(_) => cite(rng, 1, 4, &mut cited),
        None => Vec::new(),
    };

    let mut observations = Vec::new();
    for (c, criterion) in rubric.criteria.iter().enumerate() {
        for indicator in criterion.levels.iter().flatten() {
            let roll: f64 = rng.random();
            let (status, evidence, note) = if roll < 0.5 {
                let evidence = cite(rng, 1, 3, &mut cited);
                let note = rng.random_bool(0.2).then(|| sentence(rng, 10, 22));
                ("met", evidence, note)
            } else if roll < 0.75 {
                let evidence = if rng.random_bool(0.6) {
                    cite(rng, 1, 2, &mut cited)
                } else {
                    Vec::new()
                };
                let note = rng.random_bool(0.5).then(|| sentence(rng, 10, 22));
                ("unmet", evidence, note)
            } else {
                let evidence = if rng.random_bool(0.2) {
                    cite(rng, 1, 2, &mut cited)
                } else {
                    Vec::new()
                };
                let n = rng.random_range(6..=16);
                let note = format!("The source is silent on {}.", words(rng, n));
                ("unknown", evidence, Some(note))
            };
            observations.push(Observation {
                criterion: c,
                indicator: indicator.clone(),
                status,
                evidence,
                note,
            });
        }
    }
    // Every record is cited somewhere, or `check` warns: the uncited ones go to
    // observations chosen at random.
    for id in &ids {
        if !cited.contains(id) && !observations.is_empty() {
            let k = rng.random_range(0..observations.len());
            observations[k].evidence.push(id.clone());
        }
    }

    if let Some(context) = context {
        t.push_str(&context);
        t.push_str(&format!("evidence = {}\n", array(&context_evidence)));
    }

    let sources = {
        let k = rng.random_range(1..=4);
        sample(rng, &bibliography.keys, k)
    };
    for id in &ids {
        t.push_str(&format!("\n[[evidence]]\nid = {}\n", q(id)));
        t.push_str(&format!("claim = {}\n", q(&sentence(rng, 15, 25))));
        if rng.random_bool(0.8) {
            let n = rng.random_range(8..=20);
            t.push_str(&format!("quote = {}\n", q(&words(rng, n))));
        }
        t.push_str(&format!("source = {}\n", q(pick_string(rng, &sources))));
        let locator = match rng.random_range(0..3) {
            0 => format!("p. {}", rng.random_range(1..=400)),
            1 => format!(
                "section {}.{}",
                rng.random_range(1..=9),
                rng.random_range(1..=12)
            ),
            _ => format!("para. {}", rng.random_range(1..=120)),
        };
        t.push_str(&format!("locator = {}\n", q(&locator)));
        if rng.random_bool(0.25) {
            let cites = format!(
                "{} {}, {}",
                title(rng, 1),
                pick(rng, &["Daily", "Times", "Herald", "Review"]),
                rng.random_range(1990..=2025)
            );
            t.push_str(&format!("cites = {}\n", q(&cites)));
        }
    }

    for (c, criterion) in rubric.criteria.iter().enumerate() {
        t.push_str(&format!("\n[observations.{}]\n", criterion.id));
        for o in observations.iter().filter(|o| o.criterion == c) {
            let mut fields = vec![format!("status = {}", q(o.status))];
            if !o.evidence.is_empty() {
                fields.push(format!("evidence = {}", array(&o.evidence)));
            }
            if let Some(note) = &o.note {
                fields.push(format!("note = {}", q(note)));
            }
            t.push_str(&format!("{} = {{ {} }}\n", o.indicator, fields.join(", ")));
        }
    }

    for criterion in &rubric.criteria {
        if rng.random_bool(0.05) {
            let top = criterion.levels.len() - 1;
            t.push_str(&format!(
                "\n[overrides.{}]\nlevel = {}\njustification = {}\n",
                criterion.id,
                rng.random_range(0..=top),
                q(&sentences(rng, 2, 3))
            ));
        }
    }
    t
}

fn pick_string<'a>(rng: &mut ChaCha8Rng, items: &'a [String]) -> &'a str {
    &items[rng.random_range(0..items.len())]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let s = q("a \"quoted\" back\\slash\nline");
        let parsed: toml::Table = toml::from_str(&format!("x = {s}")).expect("valid TOML");
        assert_eq!(parsed["x"].as_str(), Some("a \"quoted\" back\\slash\nline"));
    }

    #[test]
    fn end_never_precedes_start() {
        let d = Date {
            year: 2000,
            month: 11,
            day: 28,
        };
        let e = d.plus_months(3);
        assert_eq!((e.year, e.month, e.day), (2001, 2, 28));
    }
}
