//! `portolan init`: make the current Git repository, or a new folder, a platform
//! repository, by running the built-in `platform` template and writing the built-in
//! blueprints out to edit (`blueprints.builtins: false` in the new portolan.yaml).

use super::change::{execute, Extra, Request};
use super::{CommandError, Outcome};
use crate::catalog::builtin;
use crate::cli::InitArgs;
use crate::git::{self, Repo};
use crate::output::Printer;
use crate::template::inputs::Given;
use std::path::PathBuf;

/// The built-in template `init` renders.
pub const PLATFORM_TEMPLATE: &str = "platform";

pub fn run(args: InitArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    if root.exists() && !root.is_dir() {
        return Err(
            CommandError::new(format!("`{}` is not a folder", root.display()))
                .hint("give a folder to make a platform repository, or a new path to create one"),
        );
    }
    let created = !root.exists();
    if created && !args.dry_run {
        std::fs::create_dir_all(&root)?;
    }
    let mut set = Vec::new();
    // The repository's own GitHub name, when its origin says it.
    if let Some(origin) = Repo::discover(&root).ok().and_then(|r| r.origin_repo()) {
        set.push(("repo".to_owned(), origin));
    }
    set.extend(args.set);
    let extra: Extra = Box::new(|changes| {
        for (id, text) in builtin::BLUEPRINTS {
            changes.write(
                &format!("blueprints/{id}.json"),
                text.as_bytes().to_vec(),
                false,
            )?;
        }
        Ok(())
    });
    let request = Request {
        root: root.clone(),
        template: PLATFORM_TEMPLATE.into(),
        given: Given { set, file: None },
        now: None,
        dry_run: args.dry_run,
        no_input: args.no_input,
        format: args.format,
        entity: None,
        pr: crate::cli::PrOptions::default(),
        sweep: false,
    };
    let outcome = execute(request, Some(extra), printer);
    if args.dry_run {
        return outcome;
    }
    match outcome {
        Ok(Outcome::Success) => {
            if git::init_if_needed(&root).map_err(super::validate::git_error)? {
                printer.message(&format!(
                    "initialized a Git repository in {}\n",
                    root.display()
                ))?;
            }
            Ok(Outcome::Success)
        }
        other => {
            if created {
                // A failed run leaves nothing behind, not even the folder it made.
                let _ = std::fs::remove_dir(&root);
            }
            other
        }
    }
}
