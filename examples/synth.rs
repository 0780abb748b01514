//! Writes a synthetic corpus for benchmarks: a rubric, a bibliography and N cases of
//! realistic size that `thirdside check` passes clean.
//!
//! ```text
//! cargo run --release --example synth -- --cases 1000 --seed 1 --out /tmp/synth1k
//! cd /tmp/synth1k && thirdside check
//! ```

use clap::Parser;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write a synthetic corpus (rubrics/ and cases/) under a folder.
#[derive(Debug, Parser)]
#[command(name = "synth")]
struct Args {
    /// How many cases to write.
    #[arg(long)]
    cases: usize,
    /// The seed: the same seed and number of cases give byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The folder to write rubrics/ and cases/ into; created if missing.
    #[arg(long)]
    out: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let corpus = thirdside::testing::synth::generate(args.cases, args.seed);
    match thirdside::testing::synth::write(&corpus, &args.out) {
        Ok(()) => {
            println!(
                "wrote 1 rubric, 1 bibliography, {} cases to {}",
                corpus.cases(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "synth: {e}");
            ExitCode::from(2)
        }
    }
}
