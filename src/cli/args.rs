//! The command line: clap structures whose doc comments are the help text.
//!
//! Arguments are parsed here and nowhere else; [`crate::cli::run`] runs them.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Score peacemaking efforts against rubrics, from case files in which every judgment is
/// backed by evidence.
///
/// Every command finds its corpus the same way: --corpus DIR, else the nearest folder
/// upward holding rubrics/, else the corpus built into the binary.
#[derive(Debug, Parser)]
#[command(name = "thirdside", version, about, long_about = None)]
#[command(after_help = "Examples:
  thirdside check                      validate rubrics/ and cases/
  thirdside check --sources ../shared/sources
                                       also verify every quotation
  thirdside score --format json        scores as JSON, the machine-readable contract
  thirdside new my-initiative          scaffold cases/my-initiative.toml
  thirdside audit cases/my-initiative.toml
                                       audit it against the rubric and the past efforts
  thirdside trend                      the progression across the efforts
  thirdside sensitivity --seed 7       how the ranking fares under other weights
  thirdside agreement                  agreement between coders of cases coded twice

Exit codes: 0 success; 1 invalid input (or a failed audit, or stale reports); 2 usage or I/O error.")]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate rubrics, the bibliography and cases
    ///
    /// Reports every problem of every file at once, each as file:line:column with the
    /// offending line, the root cause once.
    #[command(after_help = "Examples:
  thirdside check
  thirdside check cases/2016-vatican.toml rubrics/
  thirdside check --sources ../shared/sources")]
    Check(CheckArgs),
    /// Derive and print the scores of every case
    ///
    /// The table fits the terminal: narrower than its columns, each case is shown as a
    /// block of lines (--wide for the one-line-per-case table).
    #[command(after_help = "Examples:
  thirdside score
  thirdside score --format json > scores.json
  thirdside score --format csv > scores.csv")]
    Score(ScoreArgs),
    /// Audit a case against the rubric, a policy and the past efforts
    ///
    /// Usually an initiative: per criterion its level, the risk, the best past effort
    /// and its evidence, the guidance; then the total, its rank, and what to find out
    /// next.
    #[command(after_help = "Examples:
  thirdside audit cases/2019-montevideo-mechanism.toml
  thirdside audit mine.toml --format md > audit.md
  thirdside audit mine.toml --policy my-policy.toml --format json

The corpus is --corpus DIR, else the nearest folder upward holding rubrics/, else the
rubric, bibliography and past efforts built into the binary (with a bibliography.toml
beside the case, which adds to the built-in one). The default policy is
policies/default.toml, built in too. Exit codes: 0 the audit passed; 1 an enforced gate
(or --fail-under) failed, or the input is invalid; 2 usage or I/O error.")]
    Audit(AuditArgs),
    /// Write a new case file to fill in, cases/ID.toml
    ///
    /// Every indicator is `unknown`, with the rubric's levels and indicators as
    /// comments. Never overwrites a file.
    #[command(after_help = "Examples:
  thirdside new 2025-new-talks --title \"New talks\"
  thirdside new 2016-vatican-recoded --kind effort
  thirdside new mine && thirdside audit cases/mine.toml")]
    New(NewArgs),
    /// Write the comparative report and its pages into reports/
    ///
    /// The comparative report, a page per case, the chart, the codebook and the data
    /// files, into reports/ (or --out).
    #[command(after_help = "Examples:
  thirdside report                     write reports/
  thirdside report --check             exit 1 naming the files in reports/ that are stale
  thirdside report --templates my-theme --out /tmp/reports

Templates: copy any of html/NAME.hbs or md/NAME.hbs from src/report/templates/ into
DIR/html/ or DIR/md/ and edit it; each replaces the embedded template of that name.")]
    Report(ReportArgs),
    /// The progression across the efforts in time order
    ///
    /// The change between consecutive efforts and Kendall's tau-b against time, per
    /// criterion and for the total.
    #[command(after_help = "Examples:
  thirdside trend
  thirdside trend --format json

tau is 1 when every effort scores above the one before. p is the exact one-sided
permutation p-value for an increasing trend; with n efforts it cannot fall below 1/n!
(1/24 for four efforts), however steady the rise.")]
    Trend(TrendArgs),
    /// How often the ranking survives other weights
    ///
    /// How often the ranking and the progression survive other weights, drawn from a
    /// Dirichlet distribution centred on the rubric's.
    #[command(after_help = "Examples:
  thirdside sensitivity
  thirdside sensitivity --samples 100000 --seed 7
  thirdside sensitivity --concentration 10 --format json

Each draw recomputes every total from the criterion scores with the drawn weights.
Cases are ranked among all cases (rank 1 = highest). The same seed gives the same
output, byte for byte, whatever the number of threads.")]
    Sensitivity(SensitivityArgs),
    /// Agreement between coders of cases coded more than once
    ///
    /// Krippendorff's alpha per criterion and overall, with a bootstrap interval, and
    /// every disagreement.
    #[command(after_help = "Examples:
  thirdside agreement
  thirdside agreement --format json
  thirdside agreement rubrics/ cases/ second-coding/

A second coding is a case file with the same case id and a different coding.coder.
Levels use ordinal alpha; indicators use nominal alpha on met/unmet, with unknown
treated as missing.")]
    Agreement(AgreementArgs),
    /// Whether each criterion's indicators hold their order
    ///
    /// The pairs of indicators that break the order, and Loevinger's H with each
    /// indicator's H_i.
    #[command(after_help = "Examples:
  thirdside scale
  thirdside scale --format json

Each case is a respondent, each indicator an item; unknown is not a response. H is 1
for a perfect cumulative order and near 0 for none; below 0.3 (Mokken's threshold)
the indicators do not form a scale. With few cases the figures mean nothing yet, and
the output says so.")]
    Scale(ScaleArgs),
    /// Print a shell completion script
    ///
    /// Writes the completion script for SHELL to standard output.
    #[command(after_help = "Examples:
  thirdside completions bash > ~/.local/share/bash-completion/completions/thirdside
  thirdside completions zsh > ~/.zfunc/_thirdside
  thirdside completions fish > ~/.config/fish/completions/thirdside.fish")]
    Completions(CompletionsArgs),
    /// Print the manual page
    ///
    /// Writes thirdside(1) in roff to standard output.
    #[command(after_help = "Examples:
  thirdside man > thirdside.1 && man -l thirdside.1")]
    Man,
}

/// `thirdside completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Where the input is.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Files or folders to read (default: the corpus's rubrics/ and cases/). Folders are
    /// searched for .toml files; bibliography.toml is the bibliography, files under a
    /// folder named rubrics are rubrics, every other file is a case. Case files given
    /// without a rubric are checked against the corpus's rubric and bibliography.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Verify every quotation against DIR/<source key>.txt where that file exists.
    #[arg(long, value_name = "DIR")]
    pub sources: Option<PathBuf>,
    /// Read the corpus from DIR/rubrics and DIR/cases (default: the nearest folder
    /// upward holding rubrics/, else the corpus built into thirdside).
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
}

/// `thirdside check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PlainFormat::Text)]
    pub format: PlainFormat,
}

/// Formats of the commands whose output is a message, not a table (`check`, `report`,
/// `new`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlainFormat {
    /// Plain text for people.
    Text,
    /// JSON for programs.
    Json,
}

/// `thirdside score`.
#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScoreFormat::Text)]
    pub format: ScoreFormat,
    /// One line per case, however wide (the default fits the terminal).
    #[arg(long)]
    pub wide: bool,
    /// The rubric to score against (ID, its highest version, or ID@VERSION; needed only when several are loaded).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
}

/// `thirdside report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// The folder to write (created if missing; files thirdside did not write are kept).
    #[arg(long, value_name = "DIR", default_value = "reports")]
    pub out: PathBuf,
    /// A folder of templates (html/NAME.hbs, md/NAME.hbs) replacing the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Write nothing; exit 1 naming every file in --out that differs from what would be
    /// generated.
    #[arg(long)]
    pub check: bool,
    /// The rubric to report on (ID, its highest version, or ID@VERSION; needed only when several are loaded).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = PlainFormat::Text)]
    pub format: PlainFormat,
}

/// Formats of `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    /// Aligned columns for people (also: table).
    #[value(alias = "table")]
    Text,
    /// The machine-readable contract.
    Json,
    /// One row per case and criterion.
    Csv,
    /// A Markdown table.
    Md,
}

/// `thirdside audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// The case file to audit.
    #[arg(value_name = "CASE")]
    pub case: PathBuf,
    /// The policy: per criterion a minimum level, `enforced` or `advisory` (default: the
    /// built-in policies/default.toml, for the shipped rubric).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// Also fail when the total's score is below SCORE (0–100). Prefer per-criterion
    /// gates: one number hides which criterion is weak.
    #[arg(long, value_name = "SCORE")]
    pub fail_under: Option<f64>,
    /// Read the rubric and past efforts from DIR/rubrics and DIR/cases.
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Judge the case as of DATE (YYYY, YYYY-MM or YYYY-MM-DD): evidence dated after it
    /// is ignored (an observation resting only on such evidence counts as unknown) and
    /// past efforts that began after it are left out.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Also show, apart and labelled hindsight, the past efforts that began after the
    /// audited case. They never give the best past effort or the rank.
    #[arg(long)]
    pub hindsight: bool,
}

/// Formats of `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// Plain text for the terminal.
    Text,
    /// The machine-readable contract.
    Json,
    /// Markdown.
    Md,
}

/// `thirdside new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The case id: lowercase letters, digits, '-' and '_'; also the file name.
    #[arg(value_name = "ID")]
    pub id: String,
    /// The title (default: made from the id).
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// A past effort or an initiative to audit.
    #[arg(long, value_enum, default_value_t = NewKind::Initiative)]
    pub kind: NewKind,
    /// The rubric to code against (ID, its highest version, or ID@VERSION; needed only when several are loaded).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
    /// Take the rubric from DIR/rubrics.
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// The folder to write ID.toml into (default: the corpus's cases/, or cases/ here
    /// when the corpus is the built-in one).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = PlainFormat::Text)]
    pub format: PlainFormat,
}

/// The kinds `new` can scaffold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    /// An initiative being audited.
    Initiative,
    /// A past peacemaking process.
    Effort,
}

/// `thirdside trend`.
#[derive(Debug, clap::Args)]
pub struct TrendArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
    /// The rubric to analyse (ID, its highest version, or ID@VERSION; needed only when several are loaded).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
}

/// Formats of the analysis commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AnalysisFormat {
    /// Aligned text for people.
    Text,
    /// JSON for programs.
    Json,
    /// The main table as CSV, one row per series, case or measure.
    Csv,
}

/// `thirdside sensitivity`.
#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Number of weight vectors to draw, at most 1,000,000.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=crate::analysis::sensitivity::MAX_SAMPLES as u64))]
    pub samples: u64,
    /// Seed of the generator; the same seed gives the same output.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// How closely the draws follow the rubric's weights: higher = closer (a positive
    /// number).
    #[arg(long, value_name = "K", default_value_t = 50.0)]
    pub concentration: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
    /// The rubric to analyse (ID, its highest version, or ID@VERSION; needed only when several are loaded).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
}

/// `thirdside agreement`.
#[derive(Debug, clap::Args)]
pub struct AgreementArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
    /// The rubric to analyse (ID, its highest version, or ID@VERSION; needed only when several are loaded).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
}

/// `thirdside scale`.
#[derive(Debug, clap::Args)]
pub struct ScaleArgs {
    /// Input.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AnalysisFormat::Text)]
    pub format: AnalysisFormat,
    /// The rubric to analyse (needed only when several are loaded).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
}
