//! `portolan validate`: check the catalog offline and report every finding.

use super::{platform_root, CommandError, Outcome};
use crate::catalog::{self, loader_error_message};
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::diagnostic::{self, Severity};
use crate::output::{human, json, Printer, Summary};
use crate::source::Worktree;

pub fn run(args: ValidateArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = platform_root(args.path.as_deref())?;
    let source = Worktree::new(&root);
    let loaded =
        catalog::load(&source, catalog::LoadOptions::default()).map_err(loader_error_message)?;
    let diagnostics = loaded.diagnostics;
    let summary = Summary {
        files: loaded.catalog.files_read,
        blueprints: loaded.catalog.blueprints.list.len(),
        entities: loaded.catalog.entities.len(),
        errors: diagnostic::count(&diagnostics, Severity::Error),
        warnings: diagnostic::count(&diagnostics, Severity::Warning),
    };
    let text = match args.format {
        ValidateFormat::Human => human::render(
            &diagnostics,
            &loaded.catalog.files,
            summary,
            printer.stdout_colored(),
        ),
        ValidateFormat::Json => json::render(&diagnostics, summary),
    };
    printer.result(&text)?;
    if summary.files == 0 {
        let roots = loaded.catalog.config.catalog.roots.join("`, `");
        printer.message(&format!(
            "note: no catalog files in `{roots}` under {}: is this a platform repository?\n",
            root.display()
        ))?;
    }
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    Ok(if failed {
        Outcome::Invalid
    } else {
        Outcome::Success
    })
}
