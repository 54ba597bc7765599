//! `portolan diff REV1 [REV2]`: what changed in the catalog between two revisions (the
//! second defaults to the working tree), for a reviewer or a script.

use super::validate::git_error;
use super::{platform_root, CommandError, Outcome};
use crate::catalog::diff::{diff, CatalogDiff, EntityRef};
use crate::catalog::Catalog;
use crate::cli::{DiffArgs, DiffFormat};
use crate::commands::load_error as loader_error_message;
use crate::engine::LoadOptions;
use crate::git::Repo;
use crate::output::table::{clip, pad, Keep};
use crate::output::Printer;
use crate::source::{Source, Worktree};
use serde_json::{json, Value};
use std::fmt::Write;

/// The version of the JSON report of `diff`.
pub const VERSION: u32 = 1;

pub fn run(args: DiffArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = platform_root(args.root.as_deref())?;
    super::warn_if_interrupted_at(&root, printer)?;
    let repo = Repo::discover(&root).map_err(git_error)?;
    let before = load(&repo.commit_snapshot(&args.rev1).map_err(git_error)?)?;
    let (after, to) = match &args.rev2 {
        Some(rev) => (
            load(&repo.commit_snapshot(rev).map_err(git_error)?)?,
            rev.clone(),
        ),
        None => (load(&Worktree::new(&root))?, "the working tree".to_owned()),
    };
    let changes = diff(&before, &after);
    let text = match args.format {
        DiffFormat::Human => human(&changes, &args.rev1, &to, printer.stdout_colored()),
        DiffFormat::Json => {
            let report = Report {
                version: VERSION,
                from: &args.rev1,
                to: args.rev2.as_deref(),
                summary: json!({"added": changes.added.len(), "removed": changes.removed.len(), "changed": changes.changed.len()}),
                changes: &changes,
            };
            format!(
                "{}\n",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            )
        }
    };
    printer.result(&text)?;
    Ok(Outcome::Success)
}

/// The JSON report: `to` is `null` for the working tree.
#[derive(serde::Serialize)]
struct Report<'a> {
    version: u32,
    from: &'a str,
    to: Option<&'a str>,
    #[serde(flatten)]
    changes: &'a CatalogDiff,
    summary: Value,
}

fn load(source: &dyn Source) -> Result<Catalog, CommandError> {
    let options = LoadOptions {
        keep_values: true,
        ..LoadOptions::default()
    };
    Ok(crate::engine::load(source, options)
        .map_err(loader_error_message)?
        .catalog)
}

fn human(changes: &CatalogDiff, from: &str, to: &str, colored: bool) -> String {
    let paint = |color: anstyle::AnsiColor, text: &str| {
        if colored {
            let style = anstyle::Style::new().fg_color(Some(color.into()));
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    if changes.is_empty() {
        let _ = writeln!(out, "No catalog changes from {from} to {to}.");
        return out;
    }
    let _ = writeln!(out, "Catalog changes from {from} to {to}:");
    let entry = |out: &mut String,
                 mark: &str,
                 color: anstyle::AnsiColor,
                 entity: &EntityRef,
                 file: &str| {
        let name = format!("{}/{}", entity.blueprint, entity.identifier);
        let name = pad(&clip(&name, Keep::Start), 40);
        let file = clip(file, Keep::End);
        let _ = writeln!(out, "  {} {name} {file}", paint(color, mark));
    };
    for e in &changes.added {
        entry(&mut out, "+", anstyle::AnsiColor::Green, &e.entity, &e.file);
    }
    for e in &changes.removed {
        entry(&mut out, "-", anstyle::AnsiColor::Red, &e.entity, &e.file);
    }
    for e in &changes.changed {
        entry(
            &mut out,
            "~",
            anstyle::AnsiColor::Yellow,
            &e.entity,
            &e.file,
        );
        for c in &e.changes {
            let _ = writeln!(
                out,
                "      {}: {} → {}",
                clip(&c.field, Keep::Start),
                clip(&show(&c.before), Keep::Start),
                clip(&show(&c.after), Keep::Start)
            );
        }
    }
    let _ = writeln!(
        out,
        "{} added, {} removed, {} changed",
        changes.added.len(),
        changes.removed.len(),
        changes.changed.len()
    );
    out
}

/// A value in one line: `unset` for null, compact JSON otherwise.
fn show(value: &Value) -> String {
    match value {
        Value::Null => "unset".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
