//! `portolan completions SHELL`: a completion script on stdout.

use super::{CommandError, Outcome};
use crate::cli::{Cli, CompletionsArgs};
use crate::output::Printer;
use clap::CommandFactory;

/// The completion script for a shell (also checked into `completions/`).
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "portolan", &mut buffer);
    String::from_utf8_lossy(&buffer).into_owned()
}

/// The man page, in roff (checked into `man/portolan.1`).
pub fn man_page() -> Result<String, std::io::Error> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buffer)?;
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

pub fn run(args: CompletionsArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    printer.result(&script(args.shell))?;
    Ok(Outcome::Success)
}
