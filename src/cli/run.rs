//! Running a parsed command line: load, validate, act, print. The only module that
//! writes to standard output and standard error.

use crate::cli::exit_code::ExitCode;
use crate::cli::{
    AgreementArgs, AnalysisFormat, AuditArgs, AuditFormat, CheckArgs, Cli, Command, InputArgs,
    NewArgs, NewKind, ReportArgs, ScaleArgs, ScoreArgs, ScoreFormat, SensitivityArgs, TrendArgs,
};
use crate::corpus::validate::{Checked, Corpus};
use crate::error::Error;
use std::io::Write;
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
        let _ = write!(std::io::stderr(), "{}", checked.report());
        return Err(Error::Invalid(
            "the input has errors; run `thirdside check` for the full list".to_string(),
        ));
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
    let mut codings: Vec<(String, crate::score::CaseScore)> = Vec::new();
    let checked = crate::corpus::validate::validate_each(
        &paths(input)?,
        &options(input)?,
        |corpus, record| {
            if let Some(rubric) = corpus.rubric_of(&record) {
                codings.push((rubric.key(), crate::score::score_case(rubric, &record)));
            }
        },
    )?;
    insist_valid(&checked)?;
    let rubric = crate::select_rubric(&checked.corpus, rubric)?;
    let codings = codings
        .into_iter()
        .filter(|(key, _)| *key == rubric.key())
        .map(|(_, score)| score)
        .collect();
    Ok(crate::score::from_codings(rubric, codings))
}

fn check(args: CheckArgs) -> Result<ExitCode, Error> {
    let checked = crate::corpus::validate::validate_each(
        &paths(&args.input)?,
        &options(&args.input)?,
        |_, _| {},
    )?;
    emit(format_args!("{}", checked.report()))?;
    Ok(if checked.errors() > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

fn score(args: ScoreArgs) -> Result<ExitCode, Error> {
    let scores = load_scores(&args.input, args.rubric.as_deref())?;
    let text = match args.format {
        ScoreFormat::Table => crate::score::output::to_table(&scores),
        ScoreFormat::Json => crate::score::output::to_json(&scores),
        ScoreFormat::Csv => crate::score::output::to_csv(&scores),
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
        let _ = write!(stderr, "{}", checked.report());
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
            let _ = write!(stderr, "{}", warnings.report());
            Some(policy)
        }
        Some(Err(problems)) => {
            let _ = write!(stderr, "{}", problems.report());
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
        let _ = writeln!(
            stderr,
            "thirdside: the audit failed: {}",
            audit.failures.join("; ")
        );
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
    let path = args.dir.join(format!("{}.toml", args.id));
    if path.symlink_metadata().is_ok() {
        return Err(Error::Usage(format!(
            "{} already exists; `thirdside new` never overwrites a file: choose another id, or move the file away",
            path.display()
        )));
    }
    let source = crate::audit::input::CorpusSource::resolve(args.corpus.as_deref())?;
    let inputs = source.rubric_inputs()?;
    let checked =
        crate::corpus::validate::validate(inputs, &crate::corpus::validate::Options::default());
    if checked.errors() > 0 {
        let _ = write!(std::io::stderr(), "{}", checked.report());
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
    emitln(format_args!(
        "wrote {}: rubric `{}`, {indicators} indicators, all unknown.\nNext: replace the EDIT placeholders, add evidence, mark what it shows, then run\n  thirdside audit {}",
        path.display(),
        rubric.id.get_ref(),
        path.display()
    ))?;
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
    let streamed = crate::report::stream::render(
        &paths(&args.input)?,
        &options(&args.input)?,
        args.rubric.as_deref(),
        &templates,
        sink,
    )?;
    insist_valid(&streamed.checked)?;
    let Some((scores, mut output)) = streamed.report else {
        return Err(Error::Invalid("the input has errors".to_string()));
    };
    if args.check {
        let stale = crate::report::write::stale(&args.out, &output);
        if stale.is_empty() {
            emitln(format_args!(
                "{} is current ({} files)",
                args.out.display(),
                output.len()
            ))?;
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
    crate::report::write::write(&args.out, &mut output)?;
    let kept = match output.kept() {
        0 => String::new(),
        1 => "; 1 page unchanged since the last run, not rendered again".to_string(),
        n => format!("; {n} pages unchanged since the last run, not rendered again"),
    };
    emitln(format_args!(
        "wrote {} files to {} ({} {}{kept})",
        output.len(),
        args.out.display(),
        scores.cases.len(),
        if scores.cases.len() == 1 {
            "case"
        } else {
            "cases"
        }
    ))?;
    Ok(ExitCode::Success)
}

fn trend(args: TrendArgs) -> Result<ExitCode, Error> {
    let scores = load_scores(&args.input, args.rubric.as_deref())?;
    let trend = crate::analysis::trend::trend(&scores);
    let text = match args.format {
        AnalysisFormat::Text => crate::analysis::trend::to_text(&scores, &trend),
        AnalysisFormat::Json => crate::analysis::trend::to_json(&scores, &trend),
    };
    emit(format_args!("{text}"))?;
    Ok(ExitCode::Success)
}

fn sensitivity(args: SensitivityArgs) -> Result<ExitCode, Error> {
    let scores = load_scores(&args.input, args.rubric.as_deref())?;
    let settings = crate::analysis::sensitivity::Settings {
        samples: usize::try_from(args.samples)
            .map_err(|_| Error::Usage("--samples is too large".to_string()))?,
        seed: args.seed,
        concentration: args.concentration,
    };
    let result = crate::analysis::sensitivity::sensitivity(&scores, settings)?;
    let text = match args.format {
        AnalysisFormat::Text => crate::analysis::sensitivity::to_text(&scores, &result),
        AnalysisFormat::Json => crate::analysis::sensitivity::to_json(&scores, &result),
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
    };
    emit(format_args!("{text}"))?;
    Ok(ExitCode::Success)
}
