//! Running a parsed command line: load, validate, act, print. The only module that
//! writes to standard output and standard error.

use crate::cli::exit_code::ExitCode;
use crate::cli::{
    AgreementArgs, AnalysisFormat, AuditArgs, AuditFormat, CheckArgs, Cli, Command,
    CompletionsArgs, InputArgs, NewArgs, NewKind, PlainFormat, ReportArgs, ScaleArgs, ScoreArgs,
    ScoreFormat, SensitivityArgs, TrendArgs,
};
use crate::corpus::validate::{Checked, Corpus, Progress as ProgressCounter};
use crate::error::Error;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Runs a command and returns how the process should exit. Errors are printed here.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Score(args) => score(args),
        Command::Audit(args) => audit(args),
        Command::New(args) => new(args),
        Command::Report(args) => report(args),
        Command::Trend(args) => trend(args),
        Command::Sensitivity(args) => sensitivity(args),
        Command::Agreement(args) => agreement(args),
        Command::Scale(args) => scale(args),
        Command::Completions(args) => completions(args),
        Command::Man => man(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let message = err.to_string();
            let _ = writeln!(std::io::stderr(), "thirdside: {}", terminal_safe(&message));
            err.exit_code()
        }
    }
}

/// The input paths, defaulting to `rubrics/` and `cases/`.
/// Writes to standard output. A reader that stopped reading (a closed pipe, as with
/// `| head`) is not an error: the rest of the output is dropped and the command ends
/// with its own exit code.
fn emit(text: std::fmt::Arguments) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    let text = text.to_string();
    let text = terminal_safe(&text);
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
            path: PathBuf::from("<standard output>"),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// `text` with every control character but line ends and tabs replaced by a visible
/// picture of it (`␛` for escape, `␡` for delete, `�` for the C1 controls), so that text
/// from case files (a title holding an escape sequence) cannot retitle, clear or
/// otherwise drive the terminal that shows it. A carriage return is kept only before a
/// line feed.
fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_at = |(i, c): (usize, char)| {
        c.is_control() && c != '\n' && c != '\t' && !(c == '\r' && text[i + 1..].starts_with('\n'))
    };
    if !text.char_indices().any(unsafe_at) {
        return text.into();
    }
    text.char_indices()
        .map(|(i, c)| {
            if !unsafe_at((i, c)) {
                c
            } else if (c as u32) < 0x20 {
                char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}')
            } else if c == '\u{7f}' {
                '\u{2421}'
            } else {
                '\u{FFFD}'
            }
        })
        .collect::<String>()
        .into()
}

/// [`emit`] with a line end.
fn emitln(text: std::fmt::Arguments) -> Result<(), Error> {
    emit(format_args!("{text}\n"))
}

/// What to read: the paths given, completed from the corpus found as every command
/// finds it ([`crate::audit::input::CorpusSource`]); says on standard error when that is
/// the corpus built into the binary.
fn paths(input: &InputArgs) -> Result<Vec<PathBuf>, Error> {
    let source = crate::audit::input::CorpusSource::resolve(input.corpus.as_deref())?;
    let paths = source.paths(&input.paths)?;
    if source.is_embedded()
        && paths
            .iter()
            .any(|p| crate::corpus::embedded::is_embedded(p))
    {
        note_built_in();
    }
    Ok(paths)
}

/// Says that the built-in corpus is read, and how to read another.
fn note_built_in() {
    let _ = writeln!(
        std::io::stderr(),
        "note: no rubrics/ folder here or in any folder above: using the rubric, bibliography and cases built into thirdside (give --corpus DIR for another)"
    );
}

/// Loads and validates the input.
fn load(input: &InputArgs) -> Result<Checked, Error> {
    crate::load(&paths(input)?, &options(input)?)
}

/// Loads, validates and insists on a valid corpus; prints the problems otherwise.
fn load_valid(input: &InputArgs) -> Result<Corpus, Error> {
    let checked = load(input)?;
    insist_valid(&checked)?;
    Ok(checked.corpus)
}

/// Prints the problems and fails when the input has errors.
fn insist_valid(checked: &Checked) -> Result<(), Error> {
    if checked.errors() > 0 {
        let _ = write!(std::io::stderr(), "{}", terminal_safe(&checked.report()));
        return Err(Error::Invalid(format!(
            "the input has {} (above): nothing was done; fix them and run again",
            match checked.errors() {
                1 => "1 error".to_string(),
                n => format!("{n} errors"),
            }
        )));
    }
    Ok(())
}

/// The validation options of the input arguments.
fn options(input: &InputArgs) -> Result<crate::corpus::validate::Options, Error> {
    if let Some(dir) = &input.sources
        && !dir.is_dir()
    {
        return Err(Error::Usage(format!(
            "--sources {}: no such folder",
            dir.display()
        )));
    }
    Ok(crate::corpus::validate::Options {
        sources_dir: input.sources.clone(),
        ..Default::default()
    })
}

/// Loads and validates the input, scoring each case as it is checked and keeping only
/// the scores: what the commands that read scores alone need, in memory that does not
/// grow with the case files' text. Prints the problems when the input has errors.
fn load_scores(input: &InputArgs, rubric: Option<&str>) -> Result<crate::score::Scores, Error> {
    Ok(load_scores_and_trend(input, rubric)?.0)
}

/// [`load_scores`], with what the trend reads of them: without the codings it leaves out
/// ([`crate::analysis::trend::leaves_out`]), each named in a warning.
fn load_scores_and_trend(
    input: &InputArgs,
    rubric: Option<&str>,
) -> Result<(crate::score::Scores, crate::analysis::trend::TrendInput), Error> {
    // Each coding with its rubric and, when the trend leaves it out, its file.
    let mut codings: Vec<(String, crate::score::CaseScore, Option<PathBuf>)> = Vec::new();
    let (paths, mut options) = (paths(input)?, options(input)?);
    let (progress, counter) = Progress::files(
        "case files checked and scored",
        "files scored; combining the codings",
    );
    options.progress = counter;
    let checked = crate::corpus::validate::validate_each(&paths, &options, |corpus, record| {
        if let Some(rubric) = corpus.rubric_of(&record) {
            let left_out = crate::analysis::trend::leaves_out(&record).then(|| record.path.clone());
            codings.push((
                rubric.key(),
                crate::score::score_case(rubric, &record),
                left_out,
            ));
        }
    });
    drop(progress);
    let checked = checked?;
    insist_valid(&checked)?;
    let rubric = crate::select_rubric(&checked.corpus, rubric)?;
    codings.retain(|(key, _, _)| *key == rubric.key());
    let left_out: Vec<PathBuf> = codings
        .iter()
        .filter_map(|(_, _, path)| path.clone())
        .collect();
    let trend = crate::analysis::trend::TrendInput::new(rubric, left_out, || {
        codings
            .iter()
            .filter(|(_, _, left_out)| left_out.is_none())
            .map(|(_, score, _)| score.clone())
            .collect()
    });
    let scores = crate::score::from_codings(
        rubric,
        codings.into_iter().map(|(_, score, _)| score).collect(),
    );
    Ok((scores, trend))
}

/// Warns, on standard error, of each file the trend leaves out.
fn warn_left_out(left_out: &[PathBuf]) {
    for path in left_out {
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            terminal_safe(&crate::analysis::trend::left_out_warning(path))
        );
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, Error> {
    let (paths, mut options) = (paths(&args.input)?, options(&args.input)?);
    let (progress, counter) = Progress::files("case files checked", "files checked");
    options.progress = counter;
    let checked = crate::corpus::validate::validate_each(&paths, &options, |_, _| {});
    drop(progress);
    let checked = checked?;
    match args.format {
        PlainFormat::Text => emit(format_args!("{}", checked.report()))?,
        PlainFormat::Json => emitln(format_args!("{}", check_json(&checked)))?,
    }
    Ok(if checked.errors() > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

fn score(args: ScoreArgs) -> Result<ExitCode, Error> {
    let scores = load_scores(&args.input, args.rubric.as_deref())?;
    let text = match args.format {
        ScoreFormat::Text => crate::score::output::to_table_within(
            &scores,
            if args.wide { None } else { terminal_width() },
        ),
        ScoreFormat::Json => crate::score::output::to_json(&scores),
        ScoreFormat::Csv => crate::score::output::to_csv(&scores),
        ScoreFormat::Md => crate::score::output::to_markdown(&scores),
    };
    emit(format_args!("{text}"))?;
    Ok(ExitCode::Success)
}

fn audit(args: AuditArgs) -> Result<ExitCode, Error> {
    if let Some(t) = args.fail_under
        && !(t.is_finite() && (0.0..=100.0).contains(&t))
    {
        return Err(Error::Usage(format!(
            "--fail-under {t}: give a score between 0 and 100"
        )));
    }
    let as_of = match &args.as_of {
        Some(text) => Some(crate::corpus::date::PartialDate::parse(text).map_err(|e| {
            Error::Usage(format!(
                "--as-of {text}: {e} (write the date as YYYY, YYYY-MM or YYYY-MM-DD)"
            ))
        })?),
        None => None,
    };
    let source = crate::audit::input::CorpusSource::resolve(args.corpus.as_deref())?;
    if source.is_embedded() {
        note_built_in();
    }
    let input = crate::audit::input::read(&source, &args.case)?;
    let (checked, case_path) = (&input.checked, &input.case_path);
    let mut stderr = std::io::stderr();
    for path in &checked.replaced {
        let _ = writeln!(
            stderr,
            "note: {} replaces {} (the same case id)",
            case_path.display(),
            path.display()
        );
    }
    if checked.errors() > 0 {
        let _ = write!(stderr, "{}", terminal_safe(&checked.report()));
        return Err(Error::Invalid("the input has errors".to_string()));
    }
    let corpus = &checked.corpus;
    let record = input
        .record
        .as_ref()
        .ok_or_else(|| Error::Invalid(format!("{} is not a case file", args.case.display())))?;
    let rubric = corpus.rubric_of(record).ok_or_else(|| {
        Error::Invalid(format!(
            "rubric `{}` version `{}` of case `{}` is not loaded",
            record.case.rubric.get_ref(),
            record.rubric_version,
            record.id()
        ))
    })?;
    let policy = match &args.policy {
        Some(path) => {
            let bytes =
                crate::corpus::read::read_within(path, crate::corpus::load::MAX_FILE_BYTES as u64)?;
            let text = String::from_utf8_lossy(&bytes);
            Some(crate::audit::policy::parse(path, &text, rubric))
        }
        None => crate::audit::policy::default_policy(rubric),
    };
    let policy = match policy {
        Some(Ok((policy, warnings))) => {
            let _ = write!(stderr, "{}", terminal_safe(&warnings.report()));
            Some(policy)
        }
        Some(Err(problems)) => {
            let _ = write!(stderr, "{}", terminal_safe(&problems.report()));
            return Err(Error::Invalid("the policy has errors".to_string()));
        }
        None => {
            let _ = writeln!(
                stderr,
                "note: the default policy is not written for rubric `{}`, so nothing is gated; give one with --policy FILE",
                rubric.id.get_ref()
            );
            None
        }
    };
    let options = crate::audit::Options {
        policy: policy.as_ref(),
        fail_under: args.fail_under,
        as_of,
        hindsight: args.hindsight,
    };
    let audit = input.audit(rubric, record, &options)?;
    let text = match args.format {
        AuditFormat::Text => crate::audit::render::to_text(&audit),
        AuditFormat::Json => crate::audit::render::to_json(&audit),
        AuditFormat::Md => crate::audit::render::to_markdown(&audit),
    };
    emit(format_args!("{text}"))?;
    if audit.passed {
        Ok(ExitCode::Success)
    } else {
        // Printed once: a text audit on the terminal already says it failed, and why.
        if args.format != AuditFormat::Text || !std::io::stdout().is_terminal() {
            let _ = writeln!(
                stderr,
                "thirdside: the audit failed: {}",
                audit.failures.join("; ")
            );
        }
        Ok(ExitCode::Failure)
    }
}

fn new(args: NewArgs) -> Result<ExitCode, Error> {
    if let Some(problem) = crate::corpus::id::problem(&args.id) {
        return Err(Error::Usage(format!(
            "case id `{}`: {problem}; {}",
            args.id,
            crate::corpus::id::HELP
        )));
    }
    let source = crate::audit::input::CorpusSource::resolve(args.corpus.as_deref())?;
    // Into the corpus found, wherever in it the command runs.
    let dir = match (&args.dir, &source) {
        (Some(dir), _) => dir.clone(),
        (None, crate::audit::input::CorpusSource::Dir(root)) => root.join("cases"),
        (None, crate::audit::input::CorpusSource::Embedded) => PathBuf::from("cases"),
    };
    let path = dir.join(format!("{}.toml", args.id));
    if path.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{} already exists; `thirdside new` never overwrites a file: choose another id, or move the file away",
            path.display()
        )));
    }
    let inputs = source.rubric_inputs()?;
    let checked =
        crate::corpus::validate::validate(inputs, &crate::corpus::validate::Options::default());
    if checked.errors() > 0 {
        let _ = write!(std::io::stderr(), "{}", terminal_safe(&checked.report()));
        return Err(Error::Invalid("the rubrics have errors".to_string()));
    }
    let rubric = crate::select_rubric(&checked.corpus, args.rubric.as_deref())?;
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| crate::scaffold::title_from_id(&args.id));
    let text = crate::scaffold::render(&crate::scaffold::Scaffold {
        id: &args.id,
        title: &title,
        kind: match args.kind {
            NewKind::Initiative => crate::corpus::model::Kind::Initiative,
            NewKind::Effort => crate::corpus::model::Kind::Effort,
        },
        rubric,
        today: crate::scaffold::today(),
    });
    crate::scaffold::write_new(&path, &text)?;
    let indicators: usize = rubric
        .criteria
        .get_ref()
        .iter()
        .map(|c| c.indicators().count())
        .sum();
    match args.format {
        PlainFormat::Text => emitln(format_args!(
            "wrote {}: rubric `{}`, {indicators} indicators, all unknown.\nNext: replace the EDIT placeholders, add evidence, mark what it shows, then run\n  thirdside audit {}",
            path.display(),
            rubric.id.get_ref(),
            path.display()
        ))?,
        PlainFormat::Json => emitln(format_args!(
            "{}",
            serde_json::json!({
                "written": path.display().to_string(),
                "id": args.id,
                "rubric": rubric.id.get_ref(),
                "indicators": indicators,
            })
        ))?,
    }
    Ok(ExitCode::Success)
}

fn report(args: ReportArgs) -> Result<ExitCode, Error> {
    // Templates first: a bad --templates folder is a usage error before any work.
    let templates =
        crate::report::templating::templates::Templates::load(args.templates.as_deref())?;
    // Pages go straight to disk (staged beside --out) or are compared with it as they are
    // rendered, and cases are read a chunk at a time: neither the report nor the corpus
    // of thousands of cases is ever held in memory.
    let sink = if args.check {
        crate::report::write::Output::compare(&args.out)
    } else {
        let staged = crate::report::write::Output::staged(&args.out)?;
        for note in staged.recovered() {
            let _ = writeln!(std::io::stderr(), "thirdside: {note}");
        }
        staged
    };
    let (paths, mut options) = (paths(&args.input)?, options(&args.input)?);
    let (progress, counter) = Progress::files(
        "case files read and their pages rendered",
        "the summary, the analyses and the audits",
    );
    options.progress = counter;
    let streamed =
        crate::report::stream::render(&paths, &options, args.rubric.as_deref(), &templates, sink);
    drop(progress);
    let streamed = streamed?;
    insist_valid(&streamed.checked)?;
    warn_left_out(&streamed.left_out);
    let Some((scores, mut output)) = streamed.report else {
        return Err(Error::Invalid("the input has errors".to_string()));
    };
    if args.check {
        let stale = crate::report::write::stale(&args.out, &output);
        if stale.is_empty() {
            match args.format {
                PlainFormat::Text => emitln(format_args!(
                    "{} is current ({} files)",
                    args.out.display(),
                    output.len()
                ))?,
                PlainFormat::Json => emitln(format_args!(
                    "{}",
                    serde_json::json!({
                        "out": args.out.display().to_string(),
                        "files": output.len(),
                        "stale": [],
                    })
                ))?,
            }
            return Ok(ExitCode::Success);
        }
        for file in &stale {
            emitln(format_args!("stale: {file}"))?;
        }
        return Err(Error::Stale(format!(
            "{} of {} files in {} are stale: run `thirdside report` and commit the result",
            stale.len(),
            output.len() + 1,
            args.out.display()
        )));
    }
    let current = output.unchanged();
    crate::report::write::write(&args.out, &mut output)?;
    let total = output.len();
    let written = total.saturating_sub(current);
    if args.format == PlainFormat::Json {
        emitln(format_args!(
            "{}",
            serde_json::json!({
                "out": args.out.display().to_string(),
                "files": total,
                "written": written,
                "current": current,
                "cases": scores.cases.len(),
                "not_rendered_again": output.kept(),
            })
        ))?;
        return Ok(ExitCode::Success);
    }
    let kept = match output.kept() {
        0 => String::new(),
        1 => "; 1 page unchanged since the last run, not rendered again".to_string(),
        n => format!("; {n} pages unchanged since the last run, not rendered again"),
    };
    let cases = match scores.cases.len() {
        1 => "1 case".to_string(),
        n => format!("{n} cases"),
    };
    let out = args.out.display();
    // Counts that say what happened: a re-run that changed nothing wrote nothing.
    match (written, current) {
        (_, 0) => emitln(format_args!("wrote {total} files to {out} ({cases}{kept})"))?,
        (0, _) => emitln(format_args!(
            "{out} is current: {total} files, 0 written ({cases}{kept})"
        ))?,
        _ => emitln(format_args!(
            "wrote {written} files to {out}, {current} already current ({cases}{kept})"
        ))?,
    }
    Ok(ExitCode::Success)
}

fn trend(args: TrendArgs) -> Result<ExitCode, Error> {
    let (all, input) = load_scores_and_trend(&args.input, args.rubric.as_deref())?;
    warn_left_out(&input.left_out);
    let scores = input.scores(&all);
    let trend = crate::analysis::trend::trend(scores);
    let text = match args.format {
        AnalysisFormat::Text => crate::analysis::trend::to_text(scores, &trend),
        AnalysisFormat::Json => crate::analysis::trend::to_json(scores, &trend),
        AnalysisFormat::Csv => table(
            &crate::analysis::trend::to_json(scores, &trend),
            &[("criterion", "/criteria"), ("total", "/total")],
            None,
        )?,
    };
    emit(format_args!("{text}"))?;
    Ok(ExitCode::Success)
}

fn sensitivity(args: SensitivityArgs) -> Result<ExitCode, Error> {
    let (scores, input) = load_scores_and_trend(&args.input, args.rubric.as_deref())?;
    let settings = crate::analysis::sensitivity::Settings {
        samples: usize::try_from(args.samples)
            .map_err(|_| Error::Usage("--samples is too large".to_string()))?,
        seed: args.seed,
        concentration: args.concentration,
    };
    // Its progression is the trend's: an effort the trend leaves out is ranked, but is
    // no step of it.
    warn_left_out(&input.left_out);
    let reads = input.reads();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let progress = {
        let done = std::sync::Arc::clone(&done);
        let samples = settings.samples;
        Progress::new(
            "weight vectors drawn",
            "draws done; summing them up",
            move || (done.load(std::sync::atomic::Ordering::Relaxed), samples),
        )
    };
    let result = crate::analysis::sensitivity::sensitivity_with(
        &scores,
        settings,
        crate::analysis::sensitivity::Run {
            progression: Some(&reads),
            done: Some(&done),
        },
    );
    drop(progress);
    let result = result?;
    let text = match args.format {
        AnalysisFormat::Text => crate::analysis::sensitivity::to_text(&scores, &result),
        AnalysisFormat::Json => crate::analysis::sensitivity::to_json(&scores, &result),
        AnalysisFormat::Csv => table(
            &crate::analysis::sensitivity::to_json(&scores, &result),
            &[("case", "/cases")],
            None,
        )?,
    };
    emit(format_args!("{text}"))?;
    Ok(ExitCode::Success)
}

fn agreement(args: AgreementArgs) -> Result<ExitCode, Error> {
    let corpus = load_valid(&args.input)?;
    let rubric = crate::select_rubric(&corpus, args.rubric.as_deref())?;
    let result = crate::analysis::agreement::agreement(&corpus, rubric);
    let text = match args.format {
        AnalysisFormat::Text => crate::analysis::agreement::to_text(rubric, &result),
        AnalysisFormat::Json => crate::analysis::agreement::to_json(rubric, &result),
        AnalysisFormat::Csv => crate::analysis::agreement::to_csv(rubric, &result)
            .ok_or_else(|| Error::Invalid("the analysis gave no table to write as CSV".into()))?,
    };
    emit(format_args!("{text}"))?;
    Ok(ExitCode::Success)
}

fn scale(args: ScaleArgs) -> Result<ExitCode, Error> {
    // Case by case: only each coding's statuses are kept.
    let mut collected: std::collections::HashMap<String, crate::analysis::scale::Collector> =
        std::collections::HashMap::new();
    let checked = crate::corpus::validate::validate_each(
        &paths(&args.input)?,
        &options(&args.input)?,
        |_, record| {
            // Keyed by rubric id and version: versions are never mixed.
            collected
                .entry(format!(
                    "{}@{}",
                    record.case.rubric.get_ref(),
                    record.rubric_version
                ))
                .or_default()
                .add(&record);
        },
    )?;
    insist_valid(&checked)?;
    let rubric = crate::select_rubric(&checked.corpus, args.rubric.as_deref())?;
    let collector = collected.remove(&rubric.key()).unwrap_or_default();
    let result = crate::analysis::scale::scale(rubric, &collector);
    let text = match args.format {
        AnalysisFormat::Text => crate::analysis::scale::to_text(rubric, &result),
        AnalysisFormat::Json => crate::analysis::scale::to_json(rubric, &result),
        AnalysisFormat::Csv => table(
            &crate::analysis::scale::to_json(rubric, &result),
            &[("criterion", "/criteria")],
            None,
        )?,
    };
    emit(format_args!("{text}"))?;
    Ok(ExitCode::Success)
}

fn completions(args: CompletionsArgs) -> Result<ExitCode, Error> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "thirdside", &mut script);
    emit(format_args!("{}", String::from_utf8_lossy(&script)))?;
    Ok(ExitCode::Success)
}

fn man() -> Result<ExitCode, Error> {
    use clap::CommandFactory;
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|source| Error::Io {
            path: PathBuf::from("<manual page>"),
            source,
        })?;
    emit(format_args!("{}", String::from_utf8_lossy(&page)))?;
    Ok(ExitCode::Success)
}

/// The CSV of an analysis's JSON ([`crate::cli::tabular`]).
fn table(json: &str, tables: &[(&str, &str)], label: Option<&str>) -> Result<String, Error> {
    crate::cli::tabular::csv(json, tables, label)
        .ok_or_else(|| Error::Invalid("the analysis gave no table to write as CSV".to_string()))
}

/// `check --format json`: the counts and every problem with its place.
fn check_json(checked: &Checked) -> String {
    let diagnostics: Vec<serde_json::Value> = checked
        .diagnostics
        .iter()
        .map(|d| {
            let position = d
                .span
                .as_ref()
                .and_then(|s| checked.sources.position(&d.path, s.start));
            serde_json::json!({
                "path": d.path.display().to_string(),
                "line": position.map(|p| p.line),
                "column": position.map(|p| p.column),
                "severity": d.severity.as_str(),
                "message": d.message,
                "help": d.help,
                "hides": d.hides,
            })
        })
        .collect();
    serde_json::json!({
        "errors": checked.errors(),
        "warnings": checked.warnings(),
        "files": checked.files,
        "rubrics": checked.corpus.rubrics.len(),
        "valid_cases": checked.valid_cases,
        "diagnostics": diagnostics,
    })
    .to_string()
}

/// The width to fit the score table in: `COLUMNS` when set, else the terminal's when
/// standard output is one; `None` (one line per case) in a pipe.
fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// Whether progress is drawn: only when standard error is a terminal (never in pipes
/// or logs) that is not a dumb one. The bars have no colour, so `NO_COLOR` holds.
fn draws_progress() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// How long work runs before its progress is drawn: a quick command draws nothing.
const PROGRESS_AFTER: std::time::Duration = std::time::Duration::from_millis(400);

/// How often the bar reads its count.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// A progress bar on standard error, counting what `count` says is done of its total
/// (read on a thread of its own, since the library counts and never draws): `what`
/// while it runs, `then` once all is counted and the rest of the work goes on. Hidden
/// unless [`draws_progress`]; cleared when dropped.
struct Progress {
    bar: indicatif::ProgressBar,
    ticker: Option<(
        std::sync::Arc<std::sync::atomic::AtomicBool>,
        std::thread::JoinHandle<()>,
    )>,
}

impl Progress {
    fn new(what: &str, then: &str, count: impl Fn() -> (usize, usize) + Send + 'static) -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
        if !draws_progress() {
            return Progress { bar, ticker: None };
        }
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {human_pos}/{human_len} ({elapsed})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_string());
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (ticking, then) = (bar.clone(), then.to_string());
        let stopped = std::sync::Arc::clone(&stop);
        let started = std::time::Instant::now();
        let thread = std::thread::spawn(move || {
            let mut drawn = false;
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let (done, total) = count();
                ticking.set_length(total as u64);
                ticking.set_position(done.min(total) as u64);
                if total > 0 && done >= total {
                    ticking.set_message(then.clone());
                }
                if !drawn && started.elapsed() >= PROGRESS_AFTER {
                    ticking.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                    drawn = true;
                }
                ticking.tick();
                // Woken early when the work is done (see `drop`).
                std::thread::park_timeout(PROGRESS_EVERY);
            }
        });
        Progress {
            bar,
            ticker: Some((stop, thread)),
        }
    }

    /// A bar of the case files [`crate::corpus::validate::validate_each`] checks, with
    /// the counter to hand it in [`crate::corpus::validate::Options::progress`].
    fn files(what: &str, then: &str) -> (Self, Option<std::sync::Arc<ProgressCounter>>) {
        if !draws_progress() {
            return (Progress::new(what, then, || (0, 0)), None);
        }
        let counter = std::sync::Arc::new(ProgressCounter::default());
        let read = std::sync::Arc::clone(&counter);
        (
            Progress::new(what, then, move || (read.done(), read.total())),
            Some(counter),
        )
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.ticker.take() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            thread.thread().unpark();
            let _ = thread.join();
        }
        self.bar.finish_and_clear();
    }
}
