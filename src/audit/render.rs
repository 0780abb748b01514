//! An [`Audit`] as text: plain text for the terminal, Markdown for reports and issue
//! trackers, and JSON (the machine-readable contract, the [`Audit`] view model as is).
//!
//! Renderers only lay out what [`crate::audit`] computed; numbers arrive rounded and
//! the `display` strings arrive formatted. Text from case files is escaped in Markdown.

use crate::audit::{Audit, BestPast, CriterionAudit, EvidenceView, IndicatorGateView, Verdict};
use crate::score::output::fmt1;
use std::fmt::Write as _;

/// Width of wrapped prose in the text output.
const WIDTH: usize = 88;

/// How many unknown indicators the text and Markdown outputs list by name.
pub const UNKNOWNS_SHOWN: usize = 8;

/// Pretty JSON with a final newline.
pub fn to_json(audit: &Audit) -> String {
    let mut out =
        serde_json::to_string_pretty(audit).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}

/// `1st`, `2nd`, `3rd`, `4th`, … `11th`, `21st`.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The gate of a criterion in words: `minimum 2 (Mapped), enforced: open`.
fn gate_words(c: &CriterionAudit) -> String {
    match &c.gate {
        None => "not gated by the policy".to_string(),
        Some(g) => {
            let verdict = match g.verdict {
                Verdict::Pass => "passes".to_string(),
                Verdict::Open => format!(
                    "FLAGGED (below on the evidence recorded; level {} if every unknown is met)",
                    c.upper_level
                ),
                Verdict::Fail => "FLAGGED (below even if every unknown is met)".to_string(),
                Verdict::NotApplicable => {
                    "not applicable (no indicator of it applies to this case)".to_string()
                }
            };
            format!(
                "minimum {} ({}), {}: {verdict}",
                g.minimum,
                g.minimum_label,
                g.enforcement.as_str()
            )
        }
    }
}

/// An indicator gate in words: `enforced: FAILED (unmet)`.
fn indicator_gate_words(g: &IndicatorGateView) -> String {
    let verdict = match g.verdict {
        Verdict::Pass => "passes (met)",
        Verdict::Open => "FLAGGED, open (unknown: finding out could clear it)",
        Verdict::Fail => "FLAGGED, fails (unmet)",
        Verdict::NotApplicable => "not applicable to this case",
    };
    format!("requires it met, {}: {verdict}", g.gate.as_str())
}

/// An evidence record of the audited case in one line: id (as `id` gives it), claim,
/// quotation, source.
fn claim_line(e: &EvidenceView, id: &str, escape: fn(&str) -> String) -> String {
    let mut line = format!("{id}: {}", escape(&e.claim));
    if let Some(q) = &e.quote {
        let _ = write!(line, " “{}”", escape(q));
    }
    let _ = write!(line, " — {}, {}", escape(&e.citation), escape(&e.locator));
    if let Some(cites) = &e.cites {
        let _ = write!(line, ", citing {}", escape(cites));
    }
    line
}

/// Text as it is, for the plain-text output.
fn plain(text: &str) -> String {
    text.to_string()
}

/// The line saying what the case is compared with: as of a day, and with or without
/// hindsight.
fn comparison_note(audit: &Audit) -> String {
    let mut note = match &audit.as_of {
        Some(day) => format!(
            "Judged as of {day}: evidence dated after it is ignored (an observation resting only on such evidence counts as unknown) and past efforts begun after it are left out. "
        ),
        None => String::new(),
    };
    note.push_str(if audit.hindsight {
        "The best past effort and the rank come only from efforts begun before this case; later efforts are shown apart, as hindsight."
    } else {
        "The best past effort and the rank come only from efforts begun before this case (--hindsight shows later ones apart)."
    });
    note
}

/// The coded context and results in lines: `factor: reading (e1, e2)`, each id as
/// `id` gives it.
fn context_lines(
    audit: &Audit,
    escape: fn(&str) -> String,
    id: &dyn Fn(&str) -> String,
) -> Vec<String> {
    let ids = |evidence: &[String]| {
        if evidence.is_empty() {
            String::new()
        } else {
            let ids: Vec<String> = evidence.iter().map(|e| id(e)).collect();
            format!(" ({})", ids.join(", "))
        }
    };
    let mut lines: Vec<String> = audit
        .context
        .iter()
        .map(|f| {
            let note = if f.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", escape(&f.note))
            };
            format!("{}: {}{}{note}", f.factor, f.reading, ids(&f.evidence))
        })
        .collect();
    let r = &audit.results;
    let note = if r.note.is_empty() {
        String::new()
    } else {
        format!(" — {}", escape(&r.note))
    };
    lines.push(format!(
        "results: agreement {}, implementation {}{}{note}",
        r.agreement,
        r.implementation,
        ids(&r.evidence)
    ));
    lines
}

/// What the best past effort did relative to the audited case: better or worse only
/// when the two levels' intervals do not overlap, as well only when both are closed;
/// otherwise the comparison on the evidence recorded, said to be not established.
fn comparison(c: &CriterionAudit, best: &BestPast) -> String {
    let phrase = match best.level.cmp(&c.level) {
        std::cmp::Ordering::Greater => "did better",
        std::cmp::Ordering::Equal => "did as well",
        std::cmp::Ordering::Less => "did worse",
    };
    let apart = best.lower_level > c.upper_level || best.upper_level < c.lower_level;
    let closed = best.lower_level == best.upper_level && c.lower_level == c.upper_level;
    if apart || closed {
        phrase.to_string()
    } else {
        format!(
            "{phrase} on the evidence recorded (not established: the levels' intervals overlap)"
        )
    }
}

/// The evidence ids of a best effort, each as `id` gives it, or `none` (it stayed at
/// level 0).
fn evidence_ids(b: &BestPast, id: &dyn Fn(&str) -> String) -> String {
    if b.evidence.is_empty() {
        "none".to_string()
    } else {
        b.evidence
            .iter()
            .map(|e| id(&e.id))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `text`, an evidence id of the case `case` as the Markdown shows it, made a link to
/// the record's entry on that case's page when `cases` is the folder of the case pages
/// (in the report); as it is otherwise. Ids are safe in a URL ([`crate::corpus::id`]).
fn linked(text: String, case: &str, id: &str, cases: Option<&str>) -> String {
    match cases {
        Some(folder) => format!("[{text}]({folder}{case}.md#evidence-{id})"),
        None => text,
    }
}

/// Wraps prose to [`WIDTH`]: the first line starts with `indent`, the others with
/// `indent` and two more spaces.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    let hanging = format!("{indent}  ");
    for word in text.split_whitespace() {
        let current = if out.is_empty() { indent } else { &hanging };
        if !line.is_empty()
            && current.len() + line.chars().count() + 1 + word.chars().count() > WIDTH
        {
            let _ = writeln!(out, "{current}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let current = if out.is_empty() { indent } else { &hanging };
        let _ = writeln!(out, "{current}{line}");
    }
    out
}

/// The verdict line.
fn verdict_line(audit: &Audit) -> String {
    if audit.passed {
        let flagged = audit.criteria.iter().filter(|c| c.flagged).count()
            + audit
                .indicator_gates
                .iter()
                .filter(|g| matches!(g.verdict, Verdict::Open | Verdict::Fail))
                .count();
        if flagged == 0 {
            "PASSED: no criterion is flagged.".to_string()
        } else {
            format!(
                "PASSED: no enforced gate fails; {flagged} advisory gate{} flagged.",
                if flagged == 1 { " is" } else { "s are" }
            )
        }
    } else {
        format!("FAILED: {}.", audit.failures.join("; "))
    }
}

/// When not every past effort is listed, a sentence saying which are.
pub fn listing_note(audit: &Audit) -> Option<String> {
    let all = audit.rank.as_ref().map_or(0, |r| r.of - 1);
    (audit.past_efforts.len() < all).then(|| {
        format!(
            "The {} past efforts nearest this total are listed, of {all}.",
            audit.past_efforts.len()
        )
    })
}

/// The rank in words.
fn rank_words(audit: &Audit) -> String {
    match &audit.rank {
        None => "no past effort is coded against this rubric, so there is nothing to rank against"
            .to_string(),
        Some(r) => {
            let mut s = format!("{} of {} on the evidence recorded", ordinal(r.score), r.of);
            if r.upper != r.score || r.lower != r.score {
                let _ = write!(
                    s,
                    " ({} at the lower bound, {} at the upper bound)",
                    ordinal(r.lower),
                    ordinal(r.upper)
                );
            }
            s
        }
    }
}

/// Plain text for the terminal.
pub fn to_text(audit: &Audit) -> String {
    let mut out = String::new();
    let case = &audit.case;
    let _ = writeln!(
        out,
        "Audit of {} — {} ({}, {})",
        case.id, case.title, case.kind, case.start
    );
    let _ = writeln!(
        out,
        "Rubric {} {} — {}; coded by {}",
        audit.rubric.id, audit.rubric.version, audit.rubric.title, case.coder
    );
    let _ = writeln!(
        out,
        "Policy: {}",
        audit
            .policy
            .as_ref()
            .map_or("none (nothing is gated)".to_string(), |p| p.source.clone())
    );
    out.push_str(&wrap(&comparison_note(audit), ""));
    out.push_str("Context and results (coded from the sources; never part of a score):\n");
    for line in context_lines(audit, plain, &|e| e.to_string()) {
        out.push_str(&wrap(&line, "  "));
    }
    out.push_str(
        "Levels run from 0; [a–b] is the interval left open by unknown indicators, and such a level is not established (\"at least\"); * marks an override.\n",
    );
    for c in &audit.criteria {
        out.push('\n');
        let _ = writeln!(
            out,
            "{} — {}: level {} of {} ({})",
            c.id, c.name, c.level_display, c.top_level, c.label
        );
        out.push_str(&wrap(&format!("gate: {}", gate_words(c)), "  "));
        if let Some(reason) = c.gate.as_ref().and_then(|g| g.reason.as_ref()) {
            out.push_str(&wrap(&format!("why gated: {reason}"), "    "));
        }
        if let Some(sin) = c.sin {
            let _ = writeln!(
                out,
                "  sin: risks {sin} (the sin the rubric ties to the unmet indicator or its level)"
            );
        } else if let (Some(sin), false) = (c.guards_against, c.flagged) {
            let _ = writeln!(out, "  sin: guards against {sin}");
        }
        if let Some(o) = &c.override_ {
            out.push_str(&wrap(
                &format!(
                    "override: the coder set level {} (derived {}): {}",
                    o.level, o.derived_level, o.justification
                ),
                "  ",
            ));
        }
        out.push_str("  indicators:\n");
        for i in &c.indicators {
            let evidence = if i.evidence.is_empty() {
                String::new()
            } else {
                format!(" ({})", i.evidence.join(", "))
            };
            let uncounted = if c.blocked.contains(&i.id) {
                " — met, but not counted in the level"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "    {:<9} level {} {}{evidence}{uncounted}",
                format!("[{}]", i.status.as_str()),
                i.level,
                i.id
            );
            if c.flagged {
                // What the case itself says, for every indicator of a flagged criterion.
                if let Some(note) = &i.note {
                    out.push_str(&wrap(&format!("note: {note}"), "      "));
                }
                for e in &i.cited {
                    out.push_str(&wrap(&claim_line(e, &e.id, plain), "      "));
                }
            }
        }
        match &c.best_past {
            None => out.push_str("  best past effort: none coded against this rubric\n"),
            Some(b) => {
                let after = if b.began_after {
                    ", began after this case"
                } else {
                    ""
                };
                out.push_str(&wrap(
                    &format!(
                        "best past effort: {} ({}{after}), level {} ({}): {}",
                        b.case,
                        b.start,
                        b.level_display,
                        b.label,
                        comparison(c, b)
                    ),
                    "  ",
                ));
                if let Some(j) = &b.override_justification {
                    out.push_str(&wrap(&format!("its coder's override: {j}"), "    "));
                }
                if b.met.is_empty() {
                    out.push_str("    it met no indicator above level 0\n");
                }
                for m in &b.met {
                    out.push_str(&wrap(
                        &format!(
                            "met level {} {} ({}): {}",
                            m.level,
                            m.id,
                            m.evidence.join(", "),
                            m.text
                        ),
                        "    ",
                    ));
                }
                for e in &b.evidence {
                    let mut line = format!("{}: {}", e.id, e.claim);
                    if let Some(q) = &e.quote {
                        let _ = write!(line, " “{q}”");
                    }
                    let _ = write!(line, " — {}, {}", e.citation, e.locator);
                    if let Some(cites) = &e.cites {
                        let _ = write!(line, ", citing {cites}");
                    }
                    out.push_str(&wrap(&line, "      "));
                }
            }
        }
        if let Some(e) = &c.hindsight {
            out.push_str(&wrap(
                &format!(
                    "hindsight (began after this case, so no lesson at the time): {} ({}), level {} ({}); its evidence: {}",
                    e.case,
                    e.start,
                    e.level_display,
                    e.label,
                    evidence_ids(e, &|e| e.to_string())
                ),
                "  ",
            ));
        }
        out.push_str(&wrap(&format!("guidance: {}", c.guidance), "  "));
    }
    if !audit.indicator_gates.is_empty() {
        out.push_str("\nIndicator gates:\n");
        for g in &audit.indicator_gates {
            out.push_str(&wrap(
                &format!(
                    "{}/{} (level {}) {}",
                    g.criterion,
                    g.indicator,
                    g.level,
                    indicator_gate_words(g)
                ),
                "  ",
            ));
            if let Some(sin) = g.sin {
                let _ = writeln!(out, "    sin: risks {sin} (the sin the rubric ties to it)");
            }
            if let Some(reason) = &g.reason {
                out.push_str(&wrap(&format!("why gated: {reason}"), "    "));
            }
            if g.verdict != Verdict::Pass {
                if let Some(note) = &g.note {
                    out.push_str(&wrap(&format!("note: {note}"), "    "));
                }
                for e in &g.evidence {
                    out.push_str(&wrap(&claim_line(e, &e.id, plain), "    "));
                }
            } else if !g.evidence.is_empty() {
                let ids: Vec<&str> = g.evidence.iter().map(|e| e.id.as_str()).collect();
                let _ = writeln!(out, "    evidence: {}", ids.join(", "));
            }
        }
    }
    out.push('\n');
    let _ = writeln!(out, "Total: {} of 100", audit.total_display);
    let _ = writeln!(out, "Rank: {}", rank_words(audit));
    if let Some(note) = listing_note(audit) {
        let _ = writeln!(out, "{note}");
    }
    if !audit.past_efforts.is_empty() {
        let width = audit
            .past_efforts
            .iter()
            .map(|p| p.case.chars().count())
            .max()
            .unwrap_or(0);
        for p in &audit.past_efforts {
            let _ = writeln!(
                out,
                "  {}{}  {:<10}  {}",
                p.case,
                " ".repeat(width - p.case.chars().count()),
                p.start,
                p.total_display
            );
        }
    }
    if audit.hindsight {
        if audit.hindsight_efforts.is_empty() {
            out.push_str("Hindsight: no past effort began after this case.\n");
        } else {
            out.push_str("Hindsight (began after this case, so not ranked against):\n");
            for p in &audit.hindsight_efforts {
                let _ = writeln!(out, "  {}  {:<10}  {}", p.case, p.start, p.total_display);
            }
        }
    }
    out.push('\n');
    if audit.unknowns.is_empty() {
        out.push_str("What to find out next: nothing; every indicator is met or unmet.\n");
    } else {
        out.push_str(&wrap(
            &format!(
                "What to find out next ({} unknown indicator{}; +gain: the rise of the total were it met; at stake: the fall of its upper bound were it unmet):",
                audit.unknowns.len(),
                if audit.unknowns.len() == 1 { "" } else { "s" }
            ),
            "",
        ));
        for u in audit.unknowns.iter().take(UNKNOWNS_SHOWN) {
            out.push_str(&wrap(
                &format!(
                    "+{} (at stake {}) {}/{} (level {}): {}",
                    fmt1(u.gain),
                    fmt1(u.at_stake),
                    u.criterion,
                    u.indicator,
                    u.level,
                    u.text
                ),
                "  ",
            ));
        }
        if audit.unknowns.len() > UNKNOWNS_SHOWN {
            let _ = writeln!(
                out,
                "  … and {} more (--format json lists them all)",
                audit.unknowns.len() - UNKNOWNS_SHOWN
            );
        }
    }
    if let Some(t) = audit.fail_under {
        let _ = writeln!(out, "\nThreshold on the total: {}", fmt1(t));
    }
    out.push('\n');
    out.push_str(&wrap(&verdict_line(audit), ""));
    out
}

/// Escapes text from case files for Markdown prose and table cells.
pub fn escape_md(text: &str) -> String {
    // One escaping for every Markdown page: the report's.
    crate::report::templating::escape::markdown(text)
}

/// Markdown: a summary table, a section per criterion, the total and rank, and what to
/// find out next. Headings start at level 1 (`# Audit: …`).
pub fn to_markdown(audit: &Audit) -> String {
    markdown(audit, None)
}

/// [`to_markdown`] as a page of the report in `audits/`: every evidence id links to its
/// record's entry on its case's page in `../cases/`.
pub fn to_report_markdown(audit: &Audit) -> String {
    markdown(audit, Some("../cases/"))
}

/// The Markdown, its evidence ids linked to the case pages in the folder `cases` when
/// it is given.
fn markdown(audit: &Audit, cases: Option<&str>) -> String {
    let mut out = String::new();
    let case = &audit.case;
    // The audited case's own records.
    let own = |text: String, id: &str| linked(text, &case.id, id, cases);
    let _ = writeln!(out, "# Audit: {}\n", escape_md(&case.title));
    let _ = writeln!(
        out,
        "Case `{}` ({}, from {}), coded by {} against rubric `{}` {}. Policy: {}.\n",
        case.id,
        case.kind,
        case.start,
        escape_md(&case.coder),
        audit.rubric.id,
        escape_md(&audit.rubric.version),
        audit
            .policy
            .as_ref()
            .map_or("none, so nothing is gated".to_string(), |p| format!(
                "`{}`",
                p.source
            ))
    );
    let _ = writeln!(out, "**{}**\n", escape_md(&verdict_line(audit)));
    let _ = writeln!(
        out,
        "Total **{}** of 100; rank {}.\n",
        audit.total_display,
        rank_words(audit)
    );
    let _ = writeln!(out, "{}\n", escape_md(&comparison_note(audit)));
    out.push_str("**Context and results** (coded from the sources; never part of a score):\n\n");
    for line in context_lines(audit, escape_md, &|e| own(e.to_string(), e)) {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
    out.push_str("| criterion | level | gate | sin | best past effort |\n");
    out.push_str("|---|---|---|---|---|\n");
    for c in &audit.criteria {
        let gate = match &c.gate {
            None => "—".to_string(),
            Some(g) => format!(
                "≥ {} {}: {}{}",
                g.minimum,
                g.enforcement.as_str(),
                g.verdict.as_str(),
                if c.flagged { " ⚑" } else { "" }
            ),
        };
        let best = c.best_past.as_ref().map_or("—".to_string(), |b| {
            format!("`{}`: {}", b.case, b.level_display)
        });
        let _ = writeln!(
            out,
            "| `{}` {} | {} of {} ({}) | {} | {} | {} |",
            c.id,
            escape_md(&c.name),
            c.level_display,
            c.top_level,
            escape_md(&c.label),
            gate,
            c.sin.unwrap_or("—"),
            best
        );
    }
    out.push_str(
        "\nLevels run from 0; [a–b] is the interval left open by unknown indicators; * marks an override; ⚑ a flagged criterion.\n",
    );
    for c in &audit.criteria {
        let _ = writeln!(out, "\n## `{}`: {}\n", c.id, escape_md(&c.name));
        let _ = writeln!(out, "{}\n", escape_md(&c.question));
        let _ = writeln!(
            out,
            "- **Level** {} of {}: {}",
            c.level_display,
            c.top_level,
            escape_md(&c.label)
        );
        let _ = writeln!(out, "- **Gate**: {}", escape_md(&gate_words(c)));
        if let Some(reason) = c.gate.as_ref().and_then(|g| g.reason.as_ref()) {
            let _ = writeln!(out, "- **Why gated**: {}", escape_md(reason));
        }
        if let Some(sin) = c.sin {
            let _ = writeln!(
                out,
                "- **Sin**: risks *{sin}* (the sin the rubric ties to the unmet indicator or its level)"
            );
        } else if let (Some(sin), false) = (c.guards_against, c.flagged) {
            let _ = writeln!(out, "- **Sin**: guards against *{sin}*");
        }
        if let Some(o) = &c.override_ {
            let _ = writeln!(
                out,
                "- **Override**: level {} (derived {}): {}",
                o.level,
                o.derived_level,
                escape_md(&o.justification)
            );
        }
        out.push_str("\n| level | indicator | status | evidence |\n|---|---|---|---|\n");
        for i in &c.indicators {
            let _ = writeln!(
                out,
                "| {} | `{}`: {} | {} | {} |",
                i.level,
                i.id,
                escape_md(&i.text),
                if c.blocked.contains(&i.id) {
                    "met, not counted"
                } else {
                    i.status.as_str()
                },
                i.evidence
                    .iter()
                    .map(|e| own(format!("`{e}`"), e))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push('\n');
        if c.flagged {
            let said: Vec<_> = c
                .indicators
                .iter()
                .filter(|i| i.note.is_some() || !i.cited.is_empty())
                .collect();
            if !said.is_empty() {
                out.push_str("What the case records for each indicator:\n\n");
                for i in said {
                    let _ = writeln!(out, "- `{}` ({}):", i.id, i.status.as_str());
                    if let Some(note) = &i.note {
                        let _ = writeln!(out, "  - note: {}", escape_md(note));
                    }
                    for e in &i.cited {
                        let _ = writeln!(
                            out,
                            "  - {}",
                            claim_line(e, &own(e.id.clone(), &e.id), escape_md)
                        );
                    }
                }
                out.push('\n');
            }
        }
        match &c.best_past {
            None => out.push_str(
                "**Best past effort**: none coded against this rubric began before this case.\n",
            ),
            Some(b) => {
                let _ = writeln!(
                    out,
                    "**Best past effort**: `{}`, {} ({}{}), level {} ({}): it {}.\n",
                    b.case,
                    escape_md(&b.title),
                    b.start,
                    if b.began_after {
                        ", began after this case"
                    } else {
                        ""
                    },
                    b.level_display,
                    escape_md(&b.label),
                    comparison(c, b)
                );
                if let Some(j) = &b.override_justification {
                    let _ = writeln!(out, "Its coder overrode the level: {}\n", escape_md(j));
                }
                if b.met.is_empty() {
                    out.push_str("It met no indicator above level 0.\n\n");
                }
                for m in &b.met {
                    let _ = writeln!(
                        out,
                        "- met level {} `{}`: {} ({})",
                        m.level,
                        m.id,
                        escape_md(&m.text),
                        m.evidence
                            .iter()
                            .map(|e| linked(format!("`{e}`"), &b.case, e, cases))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    // A set, not a search of the indicator's ids for every record (a
                    // past effort citing 40,000 records was quadratic to render).
                    let cited: std::collections::HashSet<&str> =
                        m.evidence.iter().map(String::as_str).collect();
                    for e in b.evidence.iter().filter(|e| cited.contains(e.id.as_str())) {
                        let mut line = format!(
                            "  - {}: {}",
                            linked(format!("`{}`", e.id), &b.case, &e.id, cases),
                            escape_md(&e.claim)
                        );
                        if let Some(q) = &e.quote {
                            let _ = write!(line, " “{}”", escape_md(q));
                        }
                        let _ = write!(
                            line,
                            " — {}, {}",
                            escape_md(&e.citation),
                            escape_md(&e.locator)
                        );
                        if let Some(cites) = &e.cites {
                            let _ = write!(line, ", citing {}", escape_md(cites));
                        }
                        let _ = writeln!(out, "{line}");
                    }
                }
                if !b.met.is_empty() {
                    out.push('\n');
                }
            }
        }
        if let Some(e) = &c.hindsight {
            let _ = writeln!(
                out,
                "**Hindsight** (began after this case, so no lesson at the time): `{}`, {} ({}), level {} ({}); its evidence: {}.\n",
                e.case,
                escape_md(&e.title),
                e.start,
                e.level_display,
                escape_md(&e.label),
                evidence_ids(e, &|id| linked(escape_md(id), &e.case, id, cases))
            );
        }
        let _ = writeln!(out, "**Guidance**: {}", escape_md(&c.guidance));
    }
    if !audit.indicator_gates.is_empty() {
        out.push_str("\n## Indicator gates\n\n");
        out.push_str(
            "| indicator | level | gate | status | verdict | sin |\n|---|---|---|---|---|---|\n",
        );
        for g in &audit.indicator_gates {
            let _ = writeln!(
                out,
                "| `{}/{}`: {} | {} | {} | {} | {}{} | {} |",
                g.criterion,
                g.indicator,
                escape_md(&g.text),
                g.level,
                g.gate.as_str(),
                g.status.as_str(),
                g.verdict.as_str(),
                if matches!(g.verdict, Verdict::Open | Verdict::Fail) {
                    " ⚑"
                } else {
                    ""
                },
                g.sin.unwrap_or("—")
            );
        }
        for g in &audit.indicator_gates {
            let shown = g.reason.is_some()
                || (g.verdict != Verdict::Pass && (g.note.is_some() || !g.evidence.is_empty()));
            if !shown {
                continue;
            }
            let _ = writeln!(out, "\n`{}/{}`:\n", g.criterion, g.indicator);
            if let Some(reason) = &g.reason {
                let _ = writeln!(out, "- why gated: {}", escape_md(reason));
            }
            if g.verdict != Verdict::Pass {
                if let Some(note) = &g.note {
                    let _ = writeln!(out, "- note: {}", escape_md(note));
                }
                for e in &g.evidence {
                    let _ = writeln!(
                        out,
                        "- {}",
                        claim_line(e, &own(e.id.clone(), &e.id), escape_md)
                    );
                }
            }
        }
    }
    out.push_str("\n## Total and rank\n\n");
    let _ = writeln!(
        out,
        "Total **{}** of 100; rank {}.\n",
        audit.total_display,
        rank_words(audit)
    );
    if let Some(note) = listing_note(audit) {
        let _ = writeln!(out, "{note}\n");
    }
    if !audit.past_efforts.is_empty() {
        out.push_str("| past effort | start | total |\n|---|---|---|\n");
        for p in &audit.past_efforts {
            let _ = writeln!(
                out,
                "| `{}` {} | {} | {} |",
                p.case,
                escape_md(&p.title),
                p.start,
                p.total_display
            );
        }
    }
    if audit.hindsight {
        if audit.hindsight_efforts.is_empty() {
            out.push_str("\nHindsight: no past effort began after this case.\n");
        } else {
            out.push_str("\n**Hindsight** (began after this case, so not ranked against):\n\n| later effort | start | total |\n|---|---|---|\n");
            for p in &audit.hindsight_efforts {
                let _ = writeln!(
                    out,
                    "| `{}` {} | {} | {} |",
                    p.case,
                    escape_md(&p.title),
                    p.start,
                    p.total_display
                );
            }
        }
    }
    out.push_str("\n## What to find out next\n\n");
    if audit.unknowns.is_empty() {
        out.push_str("Nothing: every indicator is met or unmet.\n");
    } else {
        out.push_str("*Gain*: how much the total would rise were the indicator met, the others as recorded. *At stake*: how much the total's upper bound would fall were it unmet.\n\n");
        out.push_str(
            "| gain | at stake | criterion | indicator | level |\n|---|---|---|---|---|\n",
        );
        for u in audit.unknowns.iter().take(UNKNOWNS_SHOWN) {
            let _ = writeln!(
                out,
                "| +{} | {} | `{}` | `{}`: {} | {} |",
                fmt1(u.gain),
                fmt1(u.at_stake),
                u.criterion,
                u.indicator,
                escape_md(&u.text),
                u.level
            );
        }
        if audit.unknowns.len() > UNKNOWNS_SHOWN {
            let _ = writeln!(
                out,
                "\n… and {} more unknown indicators.",
                audit.unknowns.len() - UNKNOWNS_SHOWN
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101]
            .iter()
            .map(|n| ordinal(*n))
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"
            ]
        );
    }

    #[test]
    fn markdown_escapes_what_would_break_a_table_or_inject_html() {
        assert_eq!(
            escape_md("a | b <script>*x*\nnext"),
            "a \\| b &lt;script&gt;\\*x\\* next"
        );
    }

    #[test]
    fn wrap_keeps_lines_short_and_words_whole() {
        let text = "word ".repeat(40);
        let wrapped = wrap(&text, "  ");
        assert!(wrapped.lines().all(|l| l.chars().count() <= WIDTH));
        assert!(wrapped.starts_with("  word"));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    word")));
        assert_eq!(wrapped.split_whitespace().count(), 40);
    }
}
