//! Running a parsed command line: load, validate, act, print. The only module that
//! writes to standard output and standard error.

use crate::cli::{
    AgreementArgs, AnalysisFormat, CheckArgs, Cli, Command, InputArgs, ReportArgs, ScoreArgs,
    ScoreFormat, SensitivityArgs, TrendArgs,
};
use crate::error::Error;
use crate::exit_code::ExitCode;
use crate::validate::{Checked, Corpus};
use std::io::Write;
use std::path::PathBuf;

/// Runs a command and returns how the process should exit. Errors are printed here.
pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Score(args) => score(args),
        Command::Report(args) => report(args),
        Command::Trend(args) => trend(args),
        Command::Sensitivity(args) => sensitivity(args),
        Command::Agreement(args) => agreement(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "thirdside: {err}");
            err.exit_code()
        }
    }
}

/// The input paths, defaulting to `rubrics/` and `cases/`.
fn paths(input: &InputArgs) -> Vec<PathBuf> {
    if input.paths.is_empty() {
        vec![PathBuf::from("rubrics"), PathBuf::from("cases")]
    } else {
        input.paths.clone()
    }
}

/// Loads and validates the input.
fn load(input: &InputArgs) -> Result<Checked, Error> {
    if let Some(dir) = &input.sources
        && !dir.is_dir()
    {
        return Err(Error::Usage(format!(
            "--sources {}: no such folder",
            dir.display()
        )));
    }
    crate::load(
        &paths(input),
        &crate::validate::Options {
            sources_dir: input.sources.clone(),
        },
    )
}

/// Loads, validates and insists on a valid corpus; prints the problems otherwise.
fn load_valid(input: &InputArgs) -> Result<Corpus, Error> {
    let checked = load(input)?;
    if checked.errors() > 0 {
        let _ = write!(std::io::stderr(), "{}", checked.report());
        return Err(Error::Invalid(
            "the input has errors; run `thirdside check` for the full list".to_string(),
        ));
    }
    Ok(checked.corpus)
}

fn check(args: CheckArgs) -> Result<ExitCode, Error> {
    let checked = load(&args.input)?;
    print!("{}", checked.report());
    Ok(if checked.errors() > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

fn score(args: ScoreArgs) -> Result<ExitCode, Error> {
    let corpus = load_valid(&args.input)?;
    let rubric = crate::select_rubric(&corpus, args.rubric.as_deref())?;
    let scores = crate::score::score(&corpus, rubric);
    let text = match args.format {
        ScoreFormat::Table => crate::score_output::to_table(&scores),
        ScoreFormat::Json => crate::score_output::to_json(&scores),
        ScoreFormat::Csv => crate::score_output::to_csv(&scores),
    };
    print!("{text}");
    Ok(ExitCode::Success)
}

fn report(args: ReportArgs) -> Result<ExitCode, Error> {
    // Templates first: a bad --templates folder is a usage error before any work.
    let templates = crate::report::templates::Templates::load(args.templates.as_deref())?;
    let corpus = load_valid(&args.input)?;
    let rubric = crate::select_rubric(&corpus, args.rubric.as_deref())?;
    let scores = crate::score::score(&corpus, rubric);
    let extra = crate::report::analysis::extra(&scores)?;
    let output = crate::report::build(&corpus, rubric, &scores, &templates, &extra)?;
    if args.check {
        let stale = crate::report::write::stale(&args.out, &output);
        if stale.is_empty() {
            println!(
                "{} is current ({} files)",
                args.out.display(),
                output.files().len()
            );
            return Ok(ExitCode::Success);
        }
        for file in &stale {
            println!("stale: {file}");
        }
        return Err(Error::Stale(format!(
            "{} of {} files in {} are stale: run `thirdside report` and commit the result",
            stale.len(),
            output.files().len() + 1,
            args.out.display()
        )));
    }
    crate::report::write::write(&args.out, &output)?;
    println!(
        "wrote {} files to {} ({} cases)",
        output.files().len(),
        args.out.display(),
        scores.cases.len()
    );
    Ok(ExitCode::Success)
}

fn trend(args: TrendArgs) -> Result<ExitCode, Error> {
    let corpus = load_valid(&args.input)?;
    let rubric = crate::select_rubric(&corpus, args.rubric.as_deref())?;
    let scores = crate::score::score(&corpus, rubric);
    let trend = crate::trend::trend(&scores);
    let text = match args.format {
        AnalysisFormat::Text => crate::trend::to_text(&scores, &trend),
        AnalysisFormat::Json => crate::trend::to_json(&scores, &trend),
    };
    print!("{text}");
    Ok(ExitCode::Success)
}

fn sensitivity(args: SensitivityArgs) -> Result<ExitCode, Error> {
    let corpus = load_valid(&args.input)?;
    let rubric = crate::select_rubric(&corpus, args.rubric.as_deref())?;
    let scores = crate::score::score(&corpus, rubric);
    let settings = crate::sensitivity::Settings {
        samples: usize::try_from(args.samples)
            .map_err(|_| Error::Usage("--samples is too large".to_string()))?,
        seed: args.seed,
        concentration: args.concentration,
    };
    let result = crate::sensitivity::sensitivity(&scores, settings)?;
    let text = match args.format {
        AnalysisFormat::Text => crate::sensitivity::to_text(&scores, &result),
        AnalysisFormat::Json => crate::sensitivity::to_json(&scores, &result),
    };
    print!("{text}");
    Ok(ExitCode::Success)
}

fn agreement(args: AgreementArgs) -> Result<ExitCode, Error> {
    let corpus = load_valid(&args.input)?;
    let rubric = crate::select_rubric(&corpus, args.rubric.as_deref())?;
    let result = crate::coder_agreement::agreement(&corpus, rubric);
    let text = match args.format {
        AnalysisFormat::Text => crate::coder_agreement::to_text(rubric, &result),
        AnalysisFormat::Json => crate::coder_agreement::to_json(rubric, &result),
    };
    print!("{text}");
    Ok(ExitCode::Success)
}
