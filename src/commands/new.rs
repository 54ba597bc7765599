//! `portolan new TEMPLATE`: create something from a `create` template — a service
//! with its pipeline, manifests and catalog entity, or the entity of an existing one.

use super::change::{execute, Request};
use super::{CommandError, Outcome};
use crate::cli::NewArgs;
use crate::output::Printer;

pub fn run(args: NewArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let request = Request::from_options(args.template, args.run, None)?;
    execute(request, None, printer)
}
