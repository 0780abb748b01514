//! The `thirdside` binary: parse the command line, run it, exit with its code.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use clap::Parser;

/// mimalloc: parsing thousands of case files is mostly small allocations, which it
/// serves faster than the system allocator (measured in the README's performance table).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns the calling thread's freed memory to the system (see `thirdside::report::memory`).
fn release_memory() {
    // SAFETY: mi_collect only frees memory mimalloc holds and no live allocation uses;
    // it may be called at any time, from any thread.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

fn main() {
    thirdside::report::memory::on_release(release_memory);
    let cli = match thirdside::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            let code = if err.use_stderr() { 2 } else { 0 };
            std::process::exit(code);
        }
    };
    std::process::exit(thirdside::cli::run::run(cli).code());
}
