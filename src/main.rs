//! The `thirdside` binary: parse the command line, run it, exit with its code.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clap::Parser;

/// mimalloc: parsing thousands of case files is mostly small allocations, which it
/// serves faster than the system allocator (measured in the README's performance table).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = match thirdside::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            let code = if err.use_stderr() { 2 } else { 0 };
            std::process::exit(code);
        }
    };
    std::process::exit(thirdside::app::run(cli).code());
}
