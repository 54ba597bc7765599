//! `portolan validate`: check the catalog offline and report every finding — of the
//! working tree, the Git index (`--staged`) or a commit (`--rev`), optionally only
//! what changed since a reference (`--since`).

use super::{platform_root, CommandError, Outcome};
use crate::catalog;
use crate::cli::{ValidateArgs, ValidateFormat};
use crate::commands::load_error as loader_error_message;
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::engine::{LoadError, LoadOptions};
use crate::git::{GitError, Repo};
use crate::output::{github, human, json, sarif, Printer, Summary};
use crate::source::{Source, Worktree};
use std::collections::HashSet;
use std::path::Path;

pub fn run(args: ValidateArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = platform_root(args.path.as_deref())?;
    super::warn_if_interrupted_at(&root, printer)?;
    let needs_git = args.staged || args.rev.is_some() || args.since.is_some();
    let repo = if needs_git {
        Some(Repo::discover(&root).map_err(git_error)?)
    } else if matches!(args.format, ValidateFormat::Github | ValidateFormat::Sarif) {
        // Annotations use paths relative to the Git top level, when there is one.
        Repo::discover(&root).ok()
    } else {
        None
    };
    let source: Box<dyn Source> = match (&repo, args.staged, &args.rev) {
        (Some(repo), true, _) => Box::new(repo.index_snapshot().map_err(git_error)?),
        (Some(repo), false, Some(rev)) => Box::new(repo.commit_snapshot(rev).map_err(git_error)?),
        _ => Box::new(Worktree::new(&root)),
    };
    let prefix = repo.as_ref().map_or("", |r| r.prefix());
    let options = LoadOptions {
        strict: args.strict,
        ..LoadOptions::default()
    };
    let loaded = match crate::engine::load(source.as_ref(), options) {
        Ok(loaded) => loaded,
        // A machine-readable format still gets its report, so CI sees the finding.
        Err(LoadError::Config(diagnostics, files)) if args.format != ValidateFormat::Human => {
            let summary = Summary {
                errors: diagnostic::count(&diagnostics, Severity::Error),
                ..Summary::default()
            };
            render(args.format, &diagnostics, &files, summary, prefix, printer)?;
            return Err(loader_error_message(LoadError::Config(
                Vec::new(),
                Vec::new(),
            )));
        }
        Err(error) => return Err(loader_error_message(error)),
    };
    let mut diagnostics = loaded.diagnostics;
    if let (Some(repo), Some(since)) = (&repo, &args.since) {
        let before = repo.commit_snapshot(since).map_err(git_error)?;
        // A base whose catalog cannot be loaded at all has no findings to subtract.
        let known: HashSet<Key> = crate::engine::load(&before, options)
            .map(|l| l.diagnostics.iter().map(key).collect())
            .unwrap_or_default();
        diagnostics.retain(|d| !known.contains(&key(d)));
    }

    let summary = Summary {
        files: loaded.catalog.files_read,
        blueprints: loaded.catalog.blueprints.list.len(),
        entities: loaded.catalog.entities.len(),
        errors: diagnostic::count(&diagnostics, Severity::Error),
        warnings: diagnostic::count(&diagnostics, Severity::Warning),
    };
    render(
        args.format,
        &diagnostics,
        &loaded.catalog.files,
        summary,
        prefix,
        printer,
    )?;
    if summary.files == 0 {
        let roots = loaded.catalog.config.catalog.roots.join("`, `");
        printer.message(&format!(
            "note: no catalog files in `{roots}` under {}: is this a platform repository?\n",
            root.display()
        ))?;
    }
    // Freeing a big catalog one allocation at a time costs tens of milliseconds that
    // the process exit does at once; the command is done with it.
    std::mem::forget(loaded.catalog);
    let failed = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    Ok(if failed {
        Outcome::Invalid
    } else {
        Outcome::Success
    })
}

/// Print the report in the chosen format (and the GitHub step summary, when asked).
fn render(
    format: ValidateFormat,
    diagnostics: &[Diagnostic],
    files: &[catalog::SourceFile],
    summary: Summary,
    prefix: &str,
    printer: &Printer,
) -> Result<(), CommandError> {
    let text = match format {
        ValidateFormat::Human => {
            human::render(diagnostics, files, summary, printer.stdout_colored())
        }
        ValidateFormat::Json => json::render(diagnostics, summary),
        ValidateFormat::Github => {
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                append(
                    Path::new(&path),
                    &github::step_summary(diagnostics, summary, prefix),
                )?;
            }
            github::render(diagnostics, prefix)
        }
        ValidateFormat::Sarif => sarif::render(diagnostics, prefix),
    };
    printer.result(&text)?;
    Ok(())
}

/// What identifies a finding across revisions (DESIGN.md §5): its rule, blueprint,
/// entity and pointer — and its file, for findings that name no entity (a parse error),
/// so that one file's old error does not hide another file's new one.
pub type Key = (
    &'static str,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn key(d: &Diagnostic) -> Key {
    let file = if d.entity.is_none() {
        d.place.file.clone()
    } else {
        None
    };
    (
        d.rule.id,
        d.blueprint.clone(),
        d.entity.clone(),
        d.pointer().map(str::to_owned),
        file,
    )
}

fn append(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// A Git failure as a command error with a hint.
pub fn git_error(error: GitError) -> CommandError {
    let hint = match &error {
        GitError::NotARepository(_) => "--staged, --rev and --since read Git; run inside a Git repository, or validate the working tree without them",
        GitError::UnknownRevision { .. } => "check the name with `git rev-parse --verify <rev>`; in CI, fetch enough history (e.g. `fetch-depth: 0`)",
        GitError::Conflicts(_) => "resolve the conflicts and stage the result, then validate again",
        GitError::Other(_) => "check the repository with `git status`",
    };
    CommandError::new(error.to_string()).hint(hint)
}
