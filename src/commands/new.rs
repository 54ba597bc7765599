//! `portolan new TEMPLATE`: create something from a `create` template — a service
//! with its pipeline, manifests and catalog entity, or the entity of an existing one.

use super::change::{execute, read_values, Request};
use super::{platform_root, CommandError, Outcome};
use crate::cli::NewArgs;
use crate::output::Printer;
use crate::template::inputs::Given;

pub fn run(args: NewArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let options = args.run;
    let root = platform_root(options.root.as_deref())?;
    let file = options.values.as_deref().map(read_values).transpose()?;
    let request = Request {
        root,
        template: args.template,
        given: Given {
            set: options.set,
            file,
        },
        now: options.now,
        dry_run: options.dry_run,
        no_input: options.no_input,
        format: options.format,
        entity: None,
        pr: options.pr,
        sweep: false,
    };
    execute(request, None, printer)
}
