//! `portolan run TEMPLATE BLUEPRINT/ID`: a day-2 or delete template on an existing
//! entity — the same plan, validation and delivery as `portolan new`.

use super::change::{execute, Request};
use super::{platform_root, CommandError, Outcome};
use crate::cli::RunArgs;
use crate::engine::LoadOptions;
use crate::output::Printer;
use crate::source::Worktree;

pub fn run(args: RunArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = platform_root(args.run.root.as_deref())?;
    // The reference is resolved on the working tree; with --pr, the base commit must
    // have the entity too (the plan reads it there).
    let loaded = crate::engine::load(&Worktree::new(&root), LoadOptions::default())
        .map_err(crate::commands::load_error)?;
    let entity = loaded.catalog.resolve(&args.entity).map_err(|message| {
        CommandError::new(message)
            .hint("name the entity as BLUEPRINT/ID, e.g. `Component/checkout`")
    })?;
    let request = Request::from_options(args.template, args.run, Some(entity))?;
    execute(request, None, printer)
}
