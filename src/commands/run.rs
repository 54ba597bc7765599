//! `portolan run TEMPLATE BLUEPRINT/ID`: a day-2 or delete template on an existing
//! entity — the same plan, validation and delivery as `portolan new`.

use super::change::{execute, read_values, Request};
use super::{platform_root, CommandError, Outcome};
use crate::catalog::{self, LoadOptions};
use crate::cli::RunArgs;
use crate::output::Printer;
use crate::source::Worktree;
use crate::template::inputs::Given;

pub fn run(args: RunArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let options = args.run;
    let root = platform_root(options.root.as_deref())?;
    // The reference is resolved on the working tree; with --pr, the base commit must
    // have the entity too (the plan reads it there).
    let loaded = catalog::load(&Worktree::new(&root), LoadOptions::default())
        .map_err(catalog::loader_error_message)?;
    let entity = loaded.catalog.resolve(&args.entity).map_err(|message| {
        CommandError::new(message)
            .hint("name the entity as BLUEPRINT/ID, e.g. `Component/checkout`")
    })?;
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
        entity: Some(entity),
        pr: options.pr,
        sweep: false,
    };
    execute(request, None, printer)
}
