//! The `portolan` binary: parse the command line, run, and map the outcome to an exit
//! code. Nothing else happens here.

use clap::Parser;
use portolan::cli::Cli;
use portolan::commands::{self, Outcome};
use portolan::forge::askpass::Asked;
use portolan::output::Printer;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Started by git as GIT_ASKPASS, to hand it the token of a push.
    let args: Vec<String> = std::env::args().collect();
    match portolan::forge::askpass::asked(&args) {
        Some(Asked::Reply(reply)) => {
            portolan::output::askpass_reply(&reply);
            return ExitCode::SUCCESS;
        }
        Some(Asked::Refused) => return ExitCode::from(1),
        None => {}
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let printer = Printer::new(cli.color);
    match commands::run(cli, &printer) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(error) if error.broken_pipe => ExitCode::SUCCESS,
        Err(error) => {
            portolan::output::report_error(&printer, &error.failure());
            ExitCode::from(2)
        }
    }
}

/// Loading a catalog allocates many small values from two threads; mimalloc makes
/// that measurably faster than the system allocator (see the README's benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
