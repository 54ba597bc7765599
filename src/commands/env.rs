//! `portolan env gc`: remove every development environment expired at `--now`, in one
//! change (the built-in `env-gc` template, run over all Environments), written to the
//! working tree or delivered as one pull request.

use super::change::{execute, Request};
use super::{platform_root, CommandError, Outcome};
use crate::cli::{EnvArgs, EnvCommand};
use crate::output::Printer;
use crate::template::inputs::Given;

/// The built-in template that does the work.
pub const GC_TEMPLATE: &str = "env-gc";

pub fn run(args: EnvArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    match args.command {
        EnvCommand::Gc(gc) => {
            let request = Request {
                root: platform_root(gc.root.as_deref())?,
                template: GC_TEMPLATE.into(),
                given: Given::default(),
                now: gc.now,
                dry_run: gc.dry_run,
                no_input: true,
                format: gc.format,
                entity: None,
                pr: gc.pr,
                sweep: true,
            };
            execute(request, None, printer)
        }
    }
}
