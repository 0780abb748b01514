//! The data release in `data/`: tidy CSV tables an analyst loads without cleaning
//! (cases, criteria, indicators, evidence, bibliography, and the analyses: trend,
//! sensitivity, agreement), one Excel workbook with a sheet
//! per table, and the data dictionary (`data/README.md`) naming every column.
//!
//! Every table's columns are declared once, in [`TABLES`]: the CSV headers, the
//! workbook's first rows and the dictionary are all made from it, and writing a row of
//! another length is an error. Conventions, the same in every table: a missing value is
//! `NA`; booleans are `true`/`false`; lists are ids joined by `;`; a date as written
//! (`2014-04`) comes with its precision and the first day it can mean (`2014-04-01`),
//! which sorts and parses everywhere; numbers have at most two decimals (agreement's
//! alphas four, as `thirdside agreement` gives them); a text cell
//! starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'` so
//! that spreadsheets never run it as a formula (OWASP's advice).
//!
//! The per-record tables (indicators, evidence) are made from each case record as the
//! report sees it ([`Release::add_record`]), so a streamed report of thousands of cases
//! never holds the records; their rows wait as CSV bytes in a temporary file, in the
//! order the codings pass, and are read back in case order into the tables and the
//! workbook a piece at a time: the report holds where each coding's rows are, not them.

use crate::corpus::date::PartialDate;
use crate::corpus::model::{Bibliography, Factor, Rubric};
use crate::corpus::validate::CaseRecord;
use crate::error::Error;
use crate::report::write::Output;
use crate::score::Scores;
use crate::score::output::round2;
use std::fmt::Write as _;

/// The folder of the data release, inside the report.
pub const DIR: &str = "data";

/// What a missing value reads in every table.
pub const NA: &str = "NA";

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Its header.
    pub name: &'static str,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    pub kind: &'static str,
    /// The values it takes or its unit; empty for free text.
    pub values: &'static str,
    /// What it means.
    pub meaning: &'static str,
}

/// One table of the release.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// File name under `data/`, and the workbook sheet's name without `.csv`.
    pub file: &'static str,
    /// What one row is.
    pub row: &'static str,
    /// Its columns, in order.
    pub columns: &'static [Column],
}

const fn col(
    name: &'static str,
    kind: &'static str,
    values: &'static str,
    meaning: &'static str,
) -> Column {
    Column {
        name,
        kind,
        values,
        meaning,
    }
}

const RUBRIC: Column = col("rubric", "string", "", "The rubric's id.");
const RUBRIC_VERSION: Column = col("rubric_version", "string", "", "The rubric's version.");
const CASE: Column = col("case", "string", "", "The case id (joins the tables).");
const CODER: Column = col(
    "coder",
    "string",
    "",
    "Who coded the case; for a combined case in cases.csv and criteria.csv, the coders joined by `; `.",
);

/// The tables, in the order the dictionary and the workbook give them.
pub const TABLES: [Table; 8] = [
    Table {
        file: "cases.csv",
        row: "one case (several codings of a case are combined into one row)",
        columns: &[
            RUBRIC,
            RUBRIC_VERSION,
            CASE,
            col("title", "string", "", "The case's title."),
            col(
                "kind",
                "string",
                "`effort`, `initiative`",
                "A past effort or an initiative under audit.",
            ),
            CODER,
            col(
                "coders",
                "integer",
                "≥ 1",
                "How many codings the row combines.",
            ),
            col(
                "start",
                "string",
                "`YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
                "The start date as written.",
            ),
            col(
                "start_precision",
                "string",
                "`year`, `month`, `day`",
                "How precise `start` is.",
            ),
            col(
                "start_first_day",
                "date",
                "ISO 8601 `YYYY-MM-DD`",
                "The first day `start` can mean; sorts and parses everywhere.",
            ),
            col(
                "end",
                "string",
                "as `start`; `NA` when it has not ended",
                "The end date as written.",
            ),
            col(
                "end_precision",
                "string",
                "`year`, `month`, `day`, `NA`",
                "How precise `end` is.",
            ),
            col(
                "end_first_day",
                "date",
                "ISO 8601 `YYYY-MM-DD`, `NA`",
                "The first day `end` can mean.",
            ),
            col(
                "total",
                "number",
                "0–100",
                "The weighted total on the evidence recorded (unknown indicators counted unmet).",
            ),
            col(
                "total_lower",
                "number",
                "0–100",
                "The total with every unknown indicator unmet.",
            ),
            col(
                "total_upper",
                "number",
                "0–100",
                "The total with every unknown indicator met.",
            ),
            col(
                "total_established",
                "boolean",
                "",
                "True when `total_lower` equals `total_upper`.",
            ),
            col(
                "unknown",
                "integer",
                "≥ 0",
                "How many indicator observations are unknown.",
            ),
            col(
                "agreement",
                "string",
                "`none`, `partial`, `comprehensive`, `unknown`",
                "Whether an agreement was reached (coded result, never part of a score).",
            ),
            col(
                "implementation",
                "string",
                "`none`, `minimal`, `intermediate`, `full`, `not-applicable`, `unknown`",
                "How far it was implemented (PAM's scale).",
            ),
            col(
                "implementation_level",
                "integer",
                "0–3, `NA`",
                "`implementation` on PAM's 0–3 scale; `NA` when unknown or not applicable.",
            ),
            col(
                "government_alternative",
                "string",
                "`strong`, `weak`, `unknown`",
                "The government's alternative to a negotiated settlement (coded context).",
            ),
            col(
                "opposition_alternative",
                "string",
                "`strong`, `weak`, `unknown`",
                "The opposition's alternative to a negotiated settlement.",
            ),
            col(
                "government_allies",
                "string",
                "`supportive`, `conditional`, `hostile`, `unknown`",
                "The stance of the government's principal international allies.",
            ),
            col(
                "opposition_allies",
                "string",
                "`supportive`, `conditional`, `hostile`, `unknown`",
                "The stance of the opposition's principal international allies.",
            ),
            col(
                "spoilers",
                "string",
                "`present`, `absent`, `unknown`",
                "Actors who act to undermine a settlement.",
            ),
            col(
                "ripeness",
                "string",
                "`ripe`, `not-ripe`, `unknown`",
                "A mutually hurting stalemate recognised by both sides.",
            ),
        ],
    },
    Table {
        file: "criteria.csv",
        row: "one case and criterion",
        columns: &[
            RUBRIC,
            RUBRIC_VERSION,
            CASE,
            CODER,
            col("criterion", "string", "", "The criterion's id."),
            col(
                "weight",
                "number",
                "> 0",
                "The criterion's weight in the total.",
            ),
            col(
                "level",
                "integer",
                "0 … `top_level`",
                "The level used: derived from the observations, or the override's.",
            ),
            col(
                "finding",
                "string",
                "",
                "The level as every output states it: its label when established, else `at least <label>`, `not established`, `between <a> and <b>` or `n/a`.",
            ),
            col(
                "established",
                "boolean",
                "",
                "True when the level's interval is closed (`lower_level` = `upper_level`).",
            ),
            col(
                "applicable",
                "boolean",
                "",
                "False when every indicator of the criterion is not applicable; it is then left out of the total.",
            ),
            col(
                "top_level",
                "integer",
                "≥ 1",
                "The highest level of the criterion's scale.",
            ),
            col(
                "score",
                "number",
                "0–100",
                "The level as a score: 100 × level / top_level (coders split evenly: the mean of their two levels' scores).",
            ),
            col(
                "lower",
                "number",
                "0–100",
                "The score with every unknown indicator unmet.",
            ),
            col(
                "upper",
                "number",
                "0–100",
                "The score with every unknown indicator met.",
            ),
            col(
                "lower_level",
                "integer",
                "0 … `top_level`",
                "The lowest level the unknowns allow.",
            ),
            col(
                "upper_level",
                "integer",
                "0 … `top_level`",
                "The highest level the unknowns allow.",
            ),
            col(
                "unknown",
                "integer",
                "≥ 0",
                "How many of the criterion's indicators are unknown.",
            ),
            col(
                "override",
                "boolean",
                "",
                "True when a coder's override sets the level.",
            ),
            col(
                "derived_level",
                "integer",
                "0 … `top_level`, `NA`",
                "The level the rule derives, when overridden.",
            ),
            col(
                "justification",
                "string",
                "`NA` unless overridden",
                "The override's justification.",
            ),
            col(
                "blocked",
                "string",
                "indicator ids joined by `;`, `NA`",
                "Met indicators the level does not reflect (a lower level is unknown or unmet).",
            ),
        ],
    },
    Table {
        file: "indicators.csv",
        row: "one coding and indicator",
        columns: &[
            RUBRIC,
            RUBRIC_VERSION,
            CASE,
            CODER,
            col("criterion", "string", "", "The criterion's id."),
            col(
                "level",
                "integer",
                "≥ 1",
                "The level the indicator belongs to.",
            ),
            col("indicator", "string", "", "The indicator's id."),
            col(
                "status",
                "string",
                "`met`, `unmet`, `unknown`, `not-applicable`",
                "The coded observation; `unknown` where the sources are silent.",
            ),
            col(
                "evidence",
                "string",
                "evidence ids joined by `;`, `NA`",
                "The evidence records behind the status (see evidence.csv).",
            ),
            col("note", "string", "`NA` when none", "The coder's note."),
        ],
    },
    Table {
        file: "evidence.csv",
        row: "one evidence record of one coding",
        columns: &[
            CASE,
            CODER,
            col(
                "evidence",
                "string",
                "",
                "The record's id, unique within the coding.",
            ),
            col(
                "claim",
                "string",
                "",
                "What the evidence shows, in the coder's words.",
            ),
            col(
                "quote",
                "string",
                "`NA` when none",
                "A short verbatim quotation from the source.",
            ),
            col(
                "source",
                "string",
                "",
                "The source's key (see bibliography.csv).",
            ),
            col(
                "locator",
                "string",
                "",
                "Section, page or paragraph in the source.",
            ),
            col(
                "cites",
                "string",
                "`NA` when none",
                "The source's own citation for the passage.",
            ),
        ],
    },
    Table {
        file: "bibliography.csv",
        row: "one work cited",
        columns: &[
            col(
                "key",
                "string",
                "",
                "The citation key (`source` in evidence.csv).",
            ),
            col(
                "citation",
                "string",
                "",
                "The short citation used in the text, e.g. `Smilde and Ramsey 2020`.",
            ),
            col(
                "authors",
                "string",
                "joined by `; `",
                "Authors, family name first, or an organisation.",
            ),
            col("year", "integer", "", "Year of publication."),
            col(
                "year_label",
                "string",
                "",
                "The year as cited, with a letter when the same authors have several works that year (`2023a`).",
            ),
            col("title", "string", "", "Title."),
            col("published", "string", "", "Where it was published."),
            col("url", "string", "`NA` when none", "Where it can be read."),
        ],
    },
    Table {
        file: "trend.csv",
        row: "one step between two consecutive efforts (kind `effort`, in time order) of one series: a criterion, or the weighted total; the series' trend figures repeat on each of its rows",
        columns: &[
            RUBRIC,
            RUBRIC_VERSION,
            col(
                "series",
                "string",
                "a criterion id, or `total`",
                "The criterion, or the weighted total.",
            ),
            col("from_case", "string", "", "The earlier effort's case id."),
            col("to_case", "string", "", "The later effort's case id."),
            col(
                "delta",
                "number",
                "−100–100",
                "The change of the score on the evidence recorded (unknown indicators counted unmet).",
            ),
            col(
                "change",
                "string",
                "`rise`, `decline`, `held`, `not-established`",
                "`rise` or `decline` only when the two intervals do not overlap; `held` when both are closed and equal; otherwise `not-established`: the sources do not say whether it changed.",
            ),
            col(
                "tau",
                "number",
                "−1–1, `NA`",
                "Kendall's tau-b of the series against the efforts' time order.",
            ),
            col(
                "p_value",
                "number",
                "0–1, `NA`",
                "Its one-sided permutation p-value for an increasing trend.",
            ),
            col(
                "tau_min",
                "number",
                "−1–1, `NA`",
                "The least tau over every completion of the unknowns.",
            ),
            col(
                "tau_max",
                "number",
                "−1–1, `NA`",
                "The greatest tau over every completion of the unknowns.",
            ),
            col(
                "tau_bounds_exact",
                "boolean",
                "",
                "False when `tau_min` and `tau_max` are outer bounds (too many completions to enumerate).",
            ),
            col(
                "rise_holds",
                "boolean",
                "",
                "True only when `tau_min` is above 0: the rise holds however the unknowns turn out.",
            ),
        ],
    },
    Table {
        file: "sensitivity.csv",
        row: "one case: how its rank among all cases moved when the weights were drawn around the rubric's (the report's sensitivity run; its settings repeat on each row)",
        columns: &[
            RUBRIC,
            RUBRIC_VERSION,
            CASE,
            col(
                "kind",
                "string",
                "`effort`, `initiative`",
                "A past effort or an initiative under audit.",
            ),
            col(
                "rank",
                "integer",
                "≥ 1",
                "Its rank by total under the rubric's weights (1 = highest; ties share the better rank).",
            ),
            col(
                "mean_rank",
                "number",
                "≥ 1",
                "Its mean rank over the draws.",
            ),
            col(
                "best_rank",
                "integer",
                "≥ 1",
                "The best rank it had in any draw.",
            ),
            col(
                "worst_rank",
                "integer",
                "≥ 1",
                "The worst rank it had in any draw.",
            ),
            col(
                "kept_rank",
                "number",
                "0–1",
                "The share of draws in which it kept `rank`.",
            ),
            col(
                "samples",
                "integer",
                "≥ 1",
                "Weight vectors drawn (Dirichlet around the rubric's weights).",
            ),
            col("seed", "integer", "", "The seed of the draws."),
            col(
                "concentration",
                "number",
                "> 0",
                "How tightly the draws cluster around the rubric's weights.",
            ),
        ],
    },
    Table {
        file: "agreement.csv",
        row: "measure and criterion: Krippendorff's alpha between the coders of the cases coded more than once, as `thirdside agreement --format csv` gives it (with the rubric first). When no case is coded twice, as in the shipped corpus, the file holds its header only",
        columns: &[
            RUBRIC,
            RUBRIC_VERSION,
            col(
                "measure",
                "string",
                "`levels`, `indicators`",
                "What is compared: each coder's level of a criterion (ordinal alpha, one unit per case and criterion), or each coder's status of an indicator (nominal alpha on `met`, `unmet`, `not-applicable`; `unknown` counts as missing).",
            ),
            col(
                "id",
                "string",
                "a criterion id, `overall`",
                "The criterion, or `overall` for every criterion's units pooled.",
            ),
            col(
                "alpha",
                "number",
                "−1–1, four decimals; `NA` when undefined",
                "Krippendorff's alpha (1 = perfect agreement, 0 = as by chance).",
            ),
            col(
                "lower",
                "number",
                "−1–1, four decimals; `NA` when undefined",
                "The 2.5th percentile of alpha over 2,000 bootstrap draws of the units (seed 1).",
            ),
            col(
                "note",
                "string",
                "`NA` when alpha is defined",
                "Why alpha is undefined (too few units with two values, or no variation).",
            ),
            col(
                "units",
                "integer",
                "≥ 0",
                "Units with values from two or more coders.",
            ),
            col(
                "upper",
                "number",
                "−1–1, four decimals; `NA` when undefined",
                "The 97.5th percentile of alpha over the same draws.",
            ),
        ],
    },
];

/// The rows of the per-record tables made from one coding, as CSV bytes without
/// headers.
#[derive(Debug, Clone, Default)]
struct RecordRows {
    /// (case id, coder): the order the rows are written in.
    key: (String, String),
    /// The file's digest, for the corpus digest.
    digest: u64,
    indicators: Vec<u8>,
    evidence: Vec<u8>,
}

/// Where one coding's rows of a per-record table are in the spool: offset and length.
type Span = (u64, u64);

/// One coding as the release keeps it until the end: its key and digest, and where its
/// rows are in the spool.
#[derive(Debug, Clone)]
struct Coding {
    key: (String, String),
    digest: u64,
    indicators: Span,
    evidence: Span,
}

/// The release being gathered while a report is made. The per-record rows (about
/// 13 KB a coding with the synthetic rubric) wait in a temporary file, the spool, in
/// the order the codings pass, and are read back in case order at the end: a streamed
/// report of thousands of cases holds only where each coding's rows are.
#[derive(Debug, Default)]
pub struct Release {
    codings: Vec<Coding>,
    /// The spool, made at the first coding (deleted when dropped).
    spool: Option<std::io::BufWriter<std::fs::File>>,
    /// Its length so far.
    spooled: u64,
    /// The first error writing it, given by [`Release::write`].
    failed: Option<std::io::Error>,
}

impl Release {
    /// Adds the rows of one coding of `rubric`.
    pub fn add_record(&mut self, rubric: &Rubric, record: &CaseRecord) {
        let rows = record_rows(rubric, record);
        let indicators = self.spool(&rows.indicators);
        let evidence = self.spool(&rows.evidence);
        self.codings.push(Coding {
            key: rows.key,
            digest: rows.digest,
            indicators,
            evidence,
        });
    }

    /// Appends `bytes` to the spool; where they are.
    fn spool(&mut self, bytes: &[u8]) -> Span {
        use std::io::Write as _;
        let at = self.spooled;
        if self.failed.is_some() {
            return (at, 0);
        }
        if self.spool.is_none() {
            match tempfile::tempfile() {
                Ok(file) => self.spool = Some(std::io::BufWriter::with_capacity(1 << 16, file)),
                Err(e) => {
                    self.failed = Some(e);
                    return (at, 0);
                }
            }
        }
        if let Some(spool) = self.spool.as_mut()
            && let Err(e) = spool.write_all(bytes)
        {
            self.failed = Some(e);
            return (at, 0);
        }
        self.spooled += bytes.len() as u64;
        (at, bytes.len() as u64)
    }

    /// A digest of the corpus the release comes from: the rubric, the bibliography and
    /// every case file, in a fixed order (XXH3, hexadecimal).
    pub fn corpus_digest(&mut self, rubric_digest: u64, bibliography_digest: u64) -> String {
        self.sort();
        let mut text = format!("{rubric_digest:016x} {bibliography_digest:016x}\n");
        for r in &self.codings {
            let _ = writeln!(text, "{} {} {:016x}", r.key.0, r.key.1, r.digest);
        }
        format!("{:016x}", crate::corpus::load::digest(&text))
    }

    fn sort(&mut self) {
        self.codings.sort_by(|a, b| a.key.cmp(&b.key));
    }

    /// Writes the release into `out` under [`DIR`]: the tables, the workbook and the
    /// dictionary, stamped with the tool, the rubric and `corpus_digest`.
    /// The analyses' tables are made from `extra`'s results.
    pub fn write(
        mut self,
        rubric: &Rubric,
        scores: &Scores,
        extra: &crate::report::Extra,
        bibliography: &Bibliography,
        corpus_digest: &str,
        out: &Output,
    ) -> Result<(), Error> {
        self.sort();
        if let Some(e) = self.failed.take() {
            return Err(spool_error(e));
        }
        let spool = match self.spool.take() {
            Some(spool) => Some(
                spool
                    .into_inner()
                    .map_err(|e| spool_error(e.into_error()))?,
            ),
            None => None,
        };
        let tables = [
            cases(scores),
            criteria(scores),
            Rows::new(Some(TABLES[2])).bytes(),
            Rows::new(Some(TABLES[3])).bytes(),
            bibliography_table(bibliography),
            trend_table(scores, extra.trend.as_ref()),
            sensitivity_table(scores, extra.sensitivity.as_ref()),
            agreement_table(rubric, extra.agreement.as_ref())?,
        ];
        // Each table read as one stream: the per-record tables are their header, then
        // each coding's rows read back from the spool in case order.
        let spans = |k: usize| -> Vec<Span> {
            match k {
                2 => self.codings.iter().map(|c| c.indicators).collect(),
                3 => self.codings.iter().map(|c| c.evidence).collect(),
                _ => Vec::new(),
            }
        };
        let read = |k: usize| {
            let header: &[u8] = &tables[k];
            std::io::Read::chain(header, Spooled::new(spool.as_ref(), spans(k)))
        };
        // The workbook first, then each table, written a piece at a time.
        out.add(
            format!("{DIR}/{WORKBOOK}"),
            workbook((0..TABLES.len()).map(read))?,
        )?;
        for (k, table) in TABLES.iter().enumerate() {
            out.add_written(format!("{DIR}/{}", table.file), |w| {
                std::io::copy(&mut read(k), w).map(|_| ())
            })?;
        }
        drop(tables);
        drop(spool);
        drop(self);
        let stamp = Stamp {
            tool: env!("CARGO_PKG_VERSION"),
            rubric: &scores.rubric_id,
            rubric_version: &scores.rubric_version,
            corpus_digest,
        };
        out.add(format!("{DIR}/README.md"), dictionary(&stamp))?;
        Ok(())
    }
}

/// The workbook's file name under [`DIR`].
pub const WORKBOOK: &str = "thirdside.xlsx";

/// The workbook: one sheet per table, read back from the tables' CSV bytes so that the
/// two cannot differ; integer, number and boolean columns are typed cells, `NA` an
/// empty cell.
fn workbook<R: std::io::Read>(tables: impl Iterator<Item = R>) -> Result<Vec<u8>, Error> {
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Usage(format!("{DIR}/{WORKBOOK}: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    // A fixed creation date, not the clock: the same data, the same bytes.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).map_err(fail)?;
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title("thirdside data release")
            .set_creation_datetime(&created),
    );
    // Deflate level 3, Excel's own, not the zip default 6: compressing the sheets was a
    // fifth of a report's CPU time at ten thousand cases; rust_xlsxwriter measures
    // level 3 saving 30% of the time for a file 6% larger.
    book.set_zip_compression_level(3);
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (table, stream) in TABLES.iter().zip(tables) {
        // Row by row to a temporary file, not every cell held until the end: at ten
        // thousand cases the sheets hold millions of cells.
        let sheet = book.add_worksheet_with_constant_memory().map_err(fail)?;
        sheet
            .set_name(table.file.trim_end_matches(".csv"))
            .map_err(fail)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(stream);
        for (r, record) in reader.records().enumerate() {
            let record = record.map_err(|e| match e.into_kind() {
                csv::ErrorKind::Io(e) => spool_error(e),
                kind => Error::Usage(format!("{}: {kind:?}", table.file)),
            })?;
            let row = u32::try_from(r).map_err(|_| {
                Error::Usage(format!("{}: too many rows for a worksheet", table.file))
            })?;
            for (c, (text, column)) in record.iter().zip(table.columns).enumerate() {
                let c = c as u16;
                if r == 0 {
                    sheet
                        .write_string_with_format(row, c, text, &bold)
                        .map_err(fail)?;
                    continue;
                }
                match (column.kind, text) {
                    (_, NA) => {}
                    ("integer" | "number", t) if t.parse::<f64>().is_ok() => {
                        sheet
                            .write_number(row, c, t.parse::<f64>().unwrap_or_default())
                            .map_err(fail)?;
                    }
                    ("boolean", t) => {
                        sheet.write_boolean(row, c, t == "true").map_err(fail)?;
                    }
                    (_, t) => {
                        sheet
                            .write_string(row, c, excel_cell(t, table.file).as_ref())
                            .map_err(fail)?;
                    }
                }
            }
        }
    }
    book.save_to_buffer().map_err(fail)
}

/// The most characters Excel holds in a cell.
const EXCEL_CELL_MAX: usize = 32_767;

/// `text` as a workbook cell: whole when Excel can hold it, else cut at a character
/// boundary with a note naming the CSV that holds it whole.
fn excel_cell<'t>(text: &'t str, file: &str) -> std::borrow::Cow<'t, str> {
    if text.chars().count() <= EXCEL_CELL_MAX {
        return std::borrow::Cow::Borrowed(text);
    }
    let note =
        format!(" … [cut at Excel's limit of {EXCEL_CELL_MAX} characters: {file} holds it whole]");
    let keep = EXCEL_CELL_MAX - note.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(&note);
    std::borrow::Cow::Owned(cut)
}

/// What a release was made from.
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    /// thirdside's version.
    pub tool: &'a str,
    /// The rubric's id.
    pub rubric: &'a str,
    /// The rubric's version.
    pub rubric_version: &'a str,
    /// [`Release::corpus_digest`].
    pub corpus_digest: &'a str,
}

/// A cell as a spreadsheet may read it (the one neutralisation every CSV shares).
use crate::score::output::spreadsheet_cell as cell;

/// `text`, or `NA` when it is empty.
fn or_na(text: &str) -> &str {
    if text.trim().is_empty() { NA } else { text }
}

fn boolean(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

fn number(x: f64) -> String {
    round2(x).to_string()
}

/// A CSV writer over bytes that writes each record through [`cell`] and checks its
/// length against the table.
struct Rows {
    writer: csv::Writer<Vec<u8>>,
    /// The table's columns, when known: a number in a number column is written as it
    /// is (a numeral is not a formula, and `'-1` would not read as a number).
    columns: &'static [Column],
}

impl Rows {
    fn new(table: Option<Table>) -> Self {
        let mut rows = Rows {
            writer: csv::WriterBuilder::new()
                .flexible(false)
                .from_writer(Vec::new()),
            columns: &[],
        };
        if let Some(table) = table {
            rows.row(table.columns.iter().map(|c| c.name));
            rows.columns = table.columns;
        }
        rows
    }

    fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) {
        // Writing to a Vec cannot fail; a record of another length is a bug that the
        // tests catch (the writer is not flexible).
        let columns = self.columns;
        let record: Vec<std::borrow::Cow<str>> = cells
            .into_iter()
            .enumerate()
            .map(|(k, text)| match columns.get(k) {
                Some(c)
                    if matches!(c.kind, "integer" | "number")
                        && text.parse::<f64>().is_ok_and(f64::is_finite) =>
                {
                    std::borrow::Cow::Borrowed(text)
                }
                _ => cell(text),
            })
            .collect();
        let written = self
            .writer
            .write_record(record.iter().map(|c| c.as_bytes()));
        debug_assert!(written.is_ok(), "{written:?}");
    }

    fn bytes(self) -> Vec<u8> {
        self.writer.into_inner().unwrap_or_default()
    }
}

/// The error of the data release's temporary file (the spool), named by the folder
/// it is in.
fn spool_error(source: std::io::Error) -> Error {
    Error::Io {
        path: std::env::temp_dir(),
        source: std::io::Error::new(
            source.kind(),
            format!(
                "the data release's temporary file: {source} (it is made in TMPDIR: name a folder with room)"
            ),
        ),
    }
}

/// The rows at `spans` of the spool, read in order as one stream.
struct Spooled<'a> {
    spool: Option<&'a std::fs::File>,
    spans: std::vec::IntoIter<Span>,
    /// What is left of the span being read.
    left: u64,
}

impl<'a> Spooled<'a> {
    fn new(spool: Option<&'a std::fs::File>, spans: Vec<Span>) -> Self {
        Spooled {
            spool,
            spans: spans.into_iter(),
            left: 0,
        }
    }
}

impl std::io::Read for Spooled<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::io::Seek as _;
        let Some(mut spool) = self.spool else {
            return Ok(0);
        };
        while self.left == 0 {
            match self.spans.next() {
                Some((at, len)) => {
                    spool.seek(std::io::SeekFrom::Start(at))?;
                    self.left = len;
                }
                None => return Ok(0),
            }
        }
        let most = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = spool.read(&mut buf[..most])?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "it is shorter than what was written to it",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

fn precision(d: &PartialDate) -> &'static str {
    match (d.month, d.day) {
        (None, _) => "year",
        (Some(_), None) => "month",
        (Some(_), Some(_)) => "day",
    }
}

fn first_day(d: &PartialDate) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        d.year,
        d.month.unwrap_or(1),
        d.day.unwrap_or(1)
    )
}

fn cases(scores: &Scores) -> Vec<u8> {
    let mut rows = Rows::new(Some(TABLES[0]));
    for c in &scores.cases {
        let end = c.end.as_ref();
        let r = &c.context.results;
        let unknown: usize = c.criteria.iter().map(|k| k.unknown).sum();
        let mut cells: Vec<String> = vec![
            scores.rubric_id.clone(),
            scores.rubric_version.clone(),
            c.id.clone(),
            c.title.clone(),
            c.kind.as_str().to_string(),
            c.coder.clone(),
            c.coders.len().to_string(),
            c.start.to_string(),
            precision(&c.start).to_string(),
            first_day(&c.start),
            end.map_or(NA.to_string(), |e| e.to_string()),
            end.map_or(NA, precision).to_string(),
            end.map_or(NA.to_string(), first_day),
            number(c.total.score),
            number(c.total.lower),
            number(c.total.upper),
            boolean(!c.total.is_open()).to_string(),
            unknown.to_string(),
            r.agreement.to_string(),
            r.implementation.to_string(),
            r.implementation_level()
                .map_or(NA.to_string(), |n| n.to_string()),
        ];
        debug_assert_eq!(Factor::ALL.len(), 6);
        cells.extend(c.context.readings().map(|f| f.reading.to_string()));
        rows.row(cells.iter().map(String::as_str));
    }
    rows.bytes()
}

fn criteria(scores: &Scores) -> Vec<u8> {
    let mut rows = Rows::new(Some(TABLES[1]));
    for case in &scores.cases {
        for c in &case.criteria {
            let o = c.overridden.as_ref();
            let cells = [
                scores.rubric_id.clone(),
                scores.rubric_version.clone(),
                case.id.clone(),
                case.coder.clone(),
                c.id.clone(),
                c.weight.to_string(),
                c.level.to_string(),
                c.label.clone(),
                boolean(c.established()).to_string(),
                boolean(c.applicable).to_string(),
                c.top.to_string(),
                number(c.interval.score),
                number(c.interval.lower),
                number(c.interval.upper),
                c.lower_level.to_string(),
                c.upper_level.to_string(),
                c.unknown.to_string(),
                boolean(o.is_some()).to_string(),
                o.map_or(NA.to_string(), |o| o.derived_level.to_string()),
                o.map_or(NA.to_string(), |o| or_na(&o.justification).to_string()),
                or_na(&c.blocked.join(";")).to_string(),
            ];
            rows.row(cells.iter().map(String::as_str));
        }
    }
    rows.bytes()
}

/// The trend table: a row per series and step between consecutive efforts (none when
/// the analysis did not run).
fn trend_table(scores: &Scores, trend: Option<&crate::analysis::trend::Trend>) -> Vec<u8> {
    use crate::analysis::trend::Sure;
    let mut rows = Rows::new(Some(TABLES[5]));
    let Some(trend) = trend else {
        return rows.bytes();
    };
    let opt = |x: Option<f64>| x.map_or(NA.to_string(), number);
    for series in std::iter::once(&trend.total).chain(&trend.criteria) {
        let test = series.test.as_ref().ok();
        let tau = opt(test.map(|t| t.tau));
        let p = opt(test.map(|t| t.p_increasing));
        let (min, max) = (opt(series.bounds.min), opt(series.bounds.max));
        let exact = boolean(series.bounds.exact);
        let holds = boolean(series.rise_holds());
        for (k, step) in series.steps().iter().enumerate() {
            let (Some(from), Some(to)) = (trend.efforts.get(k), trend.efforts.get(k + 1)) else {
                continue;
            };
            let change = match step.sure {
                Sure::Rise => "rise",
                Sure::Decline => "decline",
                Sure::Held => "held",
                Sure::NotEstablished => "not-established",
            };
            let delta = number(step.delta);
            let cells = [
                scores.rubric_id.as_str(),
                scores.rubric_version.as_str(),
                series.id.as_str(),
                from.0.as_str(),
                to.0.as_str(),
                delta.as_str(),
                change,
                tau.as_str(),
                p.as_str(),
                min.as_str(),
                max.as_str(),
                exact,
                holds,
            ];
            rows.row(cells);
        }
    }
    rows.bytes()
}

/// The sensitivity table: a row per case (none when the analysis did not run).
fn sensitivity_table(
    scores: &Scores,
    sensitivity: Option<&crate::analysis::sensitivity::Sensitivity>,
) -> Vec<u8> {
    let mut rows = Rows::new(Some(TABLES[6]));
    let Some(s) = sensitivity else {
        return rows.bytes();
    };
    let settings = [
        s.settings.samples.to_string(),
        s.settings.seed.to_string(),
        number(s.settings.concentration),
    ];
    for (i, case) in s.cases.iter().enumerate() {
        let r = s.rank_summary(i);
        let kind = if s.is_effort.get(i).copied().unwrap_or(false) {
            "effort"
        } else {
            "initiative"
        };
        let cells = [
            scores.rubric_id.clone(),
            scores.rubric_version.clone(),
            case.clone(),
            kind.to_string(),
            s.base_ranks.get(i).map_or(NA.to_string(), usize::to_string),
            number(r.mean),
            r.best.to_string(),
            r.worst.to_string(),
            number(r.kept),
            settings[0].clone(),
            settings[1].clone(),
            settings[2].clone(),
        ];
        rows.row(cells.iter().map(String::as_str));
    }
    rows.bytes()
}

/// The agreement table: `thirdside agreement --format csv`'s rows (its one way of
/// making them, [`crate::analysis::agreement::to_csv`]) with the rubric first and `NA`
/// for its empty cells; the header only when no case is coded twice.
fn agreement_table(
    rubric: &Rubric,
    agreement: Option<&crate::analysis::agreement::Agreement>,
) -> Result<Vec<u8>, Error> {
    let table = TABLES[7];
    let mut rows = Rows::new(Some(table));
    let Some(agreement) = agreement else {
        return Ok(rows.bytes());
    };
    let fail = |what: String| Error::Invalid(format!("{DIR}/{}: {what}", table.file));
    let text = crate::analysis::agreement::to_csv(rubric, agreement)
        .ok_or_else(|| fail("the agreement gave no table".to_string()))?;
    if text.is_empty() {
        return Ok(rows.bytes());
    }
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| fail(e.to_string()))?.clone();
    let expected = table.columns.iter().skip(2).map(|c| c.name);
    if !header.iter().eq(expected) {
        return Err(fail(format!(
            "the agreement's columns ({}) are not the dictionary's",
            header.iter().collect::<Vec<_>>().join(", ")
        )));
    }
    let (id, version) = (rubric.id.get_ref().as_str(), rubric.version.as_str());
    for record in reader.records() {
        let record = record.map_err(|e| fail(e.to_string()))?;
        rows.row([id, version].into_iter().chain(record.iter().map(or_na)));
    }
    Ok(rows.bytes())
}

/// The indicator and evidence rows of one coding.
fn record_rows(rubric: &Rubric, record: &CaseRecord) -> RecordRows {
    let case = &record.case;
    let (id, coder) = (record.id(), record.coder());
    let version = rubric.version.as_str();
    let mut indicators = Rows::new(None);
    for (criterion, coding) in rubric.criteria.get_ref().iter().zip(&record.coding) {
        let cid = criterion.id.get_ref();
        // Looked up by key and walked by position: linear in the indicators, however
        // many a level has.
        let observed = case.observations.get(cid.as_str());
        let by_position = criterion
            .levels
            .get_ref()
            .iter()
            .enumerate()
            .flat_map(|(n, l)| l.indicators.iter().enumerate().map(move |(k, i)| (n, k, i)));
        for (level, position, indicator) in by_position {
            let iid = indicator.id.get_ref();
            let observation = observed.and_then(|o| o.get(iid.as_str()));
            let status = coding
                .statuses
                .get(level)
                .and_then(|row| row.get(position))
                .map_or("unknown", |s| s.as_str());
            let evidence = observation.map_or(String::new(), |o| {
                o.evidence
                    .iter()
                    .map(|e| e.get_ref().as_str())
                    .collect::<Vec<_>>()
                    .join(";")
            });
            let note = observation.and_then(|o| o.note.as_deref()).unwrap_or("");
            let level = level.to_string();
            indicators.row([
                rubric.id.get_ref().as_str(),
                version,
                id,
                coder,
                cid,
                &level,
                iid,
                status,
                or_na(&evidence),
                or_na(note),
            ]);
        }
    }
    let mut evidence = Rows::new(None);
    for e in &case.evidence {
        evidence.row([
            id,
            coder,
            e.id.get_ref(),
            &e.claim,
            e.quote.as_ref().map_or(NA, |q| or_na(q.get_ref())),
            e.source.get_ref(),
            or_na(&e.locator),
            e.cites.as_deref().map_or(NA, or_na),
        ]);
    }
    RecordRows {
        key: (id.to_string(), coder.to_string()),
        digest: record.digest,
        indicators: indicators.bytes(),
        evidence: evidence.bytes(),
    }
}

fn bibliography_table(bibliography: &Bibliography) -> Vec<u8> {
    let mut rows = Rows::new(Some(TABLES[4]));
    for (key, w) in bibliography.in_order() {
        let year = w.year.get_ref().to_string();
        rows.row([
            key,
            bibliography.short_citation(key).unwrap_or(key),
            &w.authors.join("; "),
            &year,
            bibliography.year_label(key),
            &w.title,
            &w.published,
            w.url.as_ref().map_or(NA, |u| or_na(u.get_ref())),
        ]);
    }
    rows.bytes()
}

/// The data dictionary: every table's columns, the conventions, the licence and the
/// stamp.
pub fn dictionary(stamp: &Stamp) -> String {
    let mut md = String::new();
    let _ = write!(
        md,
        "# Data release: dictionary\n\n\
         Made by thirdside {tool} from rubric `{rubric}` {version}; corpus digest `{digest}` \
         (XXH3 of the rubric, the bibliography and every case file: the same digest, the same \
         data). The same stamp is in `../scores.json` (`release`).\n\n\
         ## Conventions\n\n\
         - Files are UTF-8 CSV with a header row, comma-separated, fields quoted where needed \
         (RFC 4180). They load with `read.csv`, `readr::read_csv` and `pandas.read_csv` as \
         they are.\n\
         - A missing value is `NA`. Booleans are `true` or `false`. Lists are ids joined by \
         `;`. Numbers have at most two decimals (the alphas of `agreement.csv` four, \
         as `thirdside agreement` gives them).\n\
         - Dates as written keep their precision (`2014-04`); each date column comes with \
         `_precision` (`year`, `month`, `day`) and `_first_day`, the first day it can mean, \
         in ISO 8601 (`2014-04-01`).\n\
         - A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is \
         written with a leading `'` (a number in an `integer` or `number` column, such as \
         a negative change, is written as it is), so that a spreadsheet shows it as text and never runs \
         it as a formula (OWASP's advice on CSV injection); strip it to get the text as \
         coded.\n\
         - `unknown` is a coded value meaning the sources are silent; it is never a finding. \
         A level is a finding only when `established` is true.\n\
         - Tables join on `case` (and `coder` for the per-coding tables); `source` joins \
         `evidence.csv` to `bibliography.csv` on `key`.\n\
         - `thirdside.xlsx` holds the same tables, one sheet each, with the same headers.\n\n\
         ## Licence\n\n\
         The coding (claims, observations, notes, context and results) is licensed under \
         Creative Commons Attribution 4.0 International (CC BY 4.0). Quotations remain \
         their authors' and are reproduced as short scholarly quotations with their sources \
         named. The software is MIT-licensed (`LICENSE`); cite both as `CITATION.cff` \
         says.\n",
        tool = stamp.tool,
        rubric = stamp.rubric,
        version = stamp.rubric_version,
        digest = stamp.corpus_digest,
    );
    for table in TABLES {
        let _ = write!(
            md,
            "\n## `{}`\n\nOne row per {}.\n\n| column | type | values | meaning |\n|---|---|---|---|\n",
            table.file, table.row
        );
        for c in table.columns {
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} |",
                c.name,
                c.kind,
                c.values.replace('|', "\\|"),
                c.meaning.replace('|', "\\|")
            );
        }
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_start_a_formula_are_quoted() {
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-3"), "'-3");
        assert_eq!(cell("@x"), "'@x");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn dates_give_their_precision_and_first_day() {
        let d = PartialDate::parse("2014-04").expect("date");
        assert_eq!(
            (precision(&d), first_day(&d)),
            ("month", "2014-04-01".into())
        );
        let d = PartialDate::parse("2016").expect("date");
        assert_eq!(
            (precision(&d), first_day(&d)),
            ("year", "2016-01-01".into())
        );
        let d = PartialDate::parse("2016-10-23").expect("date");
        assert_eq!((precision(&d), first_day(&d)), ("day", "2016-10-23".into()));
    }

    #[test]
    fn every_column_is_in_the_dictionary_once() {
        let md = dictionary(&Stamp {
            tool: "0",
            rubric: "r",
            rubric_version: "1",
            corpus_digest: "d",
        });
        for table in TABLES {
            let mut names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), n, "{} repeats a column", table.file);
            assert!(md.contains(&format!("## `{}`", table.file)));
        }
    }

    #[test]
    fn a_cell_longer_than_excel_holds_is_cut_and_says_where_it_is_whole() {
        let short = "é".repeat(EXCEL_CELL_MAX);
        assert_eq!(excel_cell(&short, "evidence.csv"), short.as_str());
        let long = "é".repeat(EXCEL_CELL_MAX + 1);
        let cut = excel_cell(&long, "evidence.csv");
        assert_eq!(cut.chars().count(), EXCEL_CELL_MAX);
        assert!(
            cut.ends_with("evidence.csv holds it whole]"),
            "{}",
            &cut[cut.len() - 80..]
        );
    }
}
