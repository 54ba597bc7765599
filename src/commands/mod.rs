//! One file per verb; this module dispatches and defines the error every command
//! returns, whose kind decides the exit code.

pub mod change;
pub mod completions;
pub mod diff;
pub mod env;
pub mod explain;
pub mod graph;
pub mod hook;
pub mod impact;
pub mod init;
pub mod list;
pub mod new;
pub mod pr;
pub mod pull_request;
pub mod run;
pub mod show;
pub mod templates;
pub mod validate;

use crate::cli::{Cli, Command};
use crate::output::Printer;
use std::path::{Path, PathBuf};

/// How a command ended, when it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit code 0.
    Success,
    /// Exit code 1: the catalog or the change is invalid.
    Invalid,
}

/// A command that could not run (exit code 2), with a hint that says what to do next.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub message: String,
    pub hint: Option<String>,
    /// Findings that explain the failure (an invalid `portolan.yaml`), rendered like
    /// any others.
    pub diagnostics: Vec<crate::diagnostic::Diagnostic>,
    /// The files those findings point into, for snippets.
    pub files: Vec<crate::catalog::SourceFile>,
    /// The failure was a closed output pipe (`portolan list | head`): not an error.
    pub broken_pipe: bool,
}

impl CommandError {
    /// The error as the printer reports it.
    pub fn failure(&self) -> crate::output::Failure<'_> {
        crate::output::Failure {
            message: &self.message,
            hint: self.hint.as_deref(),
            diagnostics: &self.diagnostics,
            files: &self.files,
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        CommandError {
            message: message.into(),
            hint: None,
            diagnostics: Vec::new(),
            files: Vec::new(),
            broken_pipe: false,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl From<std::io::Error> for CommandError {
    fn from(error: std::io::Error) -> Self {
        let mut e = CommandError::new(format!("I/O error: {error}"));
        e.broken_pipe = error.kind() == std::io::ErrorKind::BrokenPipe;
        e
    }
}

impl From<crate::engine::LoadError> for CommandError {
    fn from(error: crate::engine::LoadError) -> Self {
        load_error(error)
    }
}

/// The command error for a catalog that could not be loaded: an invalid
/// `portolan.yaml` carries its located findings, for the report.
pub fn load_error(error: crate::engine::LoadError) -> CommandError {
    use crate::engine::LoadError;
    match error {
        LoadError::Config(diagnostics, files) => CommandError {
            diagnostics,
            files,
            ..CommandError::new(format!("{} is invalid", crate::config::CONFIG_FILE))
                .hint("fix what the report says about portolan.yaml; `portolan explain config-invalid` shows the accepted shape")
        },
        LoadError::Io { .. } => CommandError::new(error.to_string())
            .hint("check that the folder exists and is readable"),
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli, printer: &Printer) -> Result<Outcome, CommandError> {
    match cli.command {
        Command::Validate(args) => validate::run(args, printer),
        Command::Explain(args) => explain::run(args, printer),
        Command::Completions(args) => completions::run(args, printer),
        Command::Hook(args) => hook::run(args, printer),
        Command::Diff(args) => diff::run(args, printer),
        Command::New(args) => new::run(args, printer),
        Command::Templates(args) => templates::run(args, printer),
        Command::Init(args) => init::run(args, printer),
        Command::Pr(args) => pr::run(args, printer),
        Command::Run(args) => run::run(args, printer),
        Command::Env(args) => env::run(args, printer),
        Command::List(args) => list::run(args, printer),
        Command::Show(args) => show::run(args, printer),
        Command::Graph(args) => graph::run(args, printer),
        Command::Impact(args) => impact::run(args, printer),
    }
}

/// The platform root: the given path, else, looking up from the current folder to the
/// top of its Git repository, the nearest folder with a `portolan.yaml`, else the
/// nearest with a `catalog/` or `blueprints/` folder (the default layout), else — from
/// the top level — the one folder of the repository whose `portolan.yaml` Git tracks,
/// else the Git top level, else the current folder.
///
/// The last search is what lets `portolan validate --staged` (and the hook, which Git
/// runs at the top level) find a platform kept in a sub-folder such as `platform/`.
pub fn platform_root(path: Option<&Path>) -> Result<PathBuf, CommandError> {
    if let Some(path) = path {
        if !path.is_dir() {
            return Err(CommandError::new(format!("`{}` is not a directory", path.display()))
                .hint("give the folder of a platform repository, e.g. `portolan validate examples/orders`"));
        }
        refuse_a_linked_folder(path)?;
        return Ok(path.to_path_buf());
    }
    let cwd = std::env::current_dir()?;
    let mut up_to_top = Vec::new();
    let mut git_top = None;
    for dir in cwd.ancestors() {
        up_to_top.push(dir);
        if dir.join(".git").exists() {
            git_top = Some(dir);
            break;
        }
    }
    let marked = |dir: &&&Path| {
        ["catalog", "blueprints"]
            .iter()
            .any(|marker| dir.join(marker).is_dir())
    };
    if let Some(dir) = up_to_top
        .iter()
        .find(|dir| dir.join(crate::config::CONFIG_FILE).is_file())
        .or_else(|| up_to_top.iter().find(marked))
    {
        return Ok(relative_to(&cwd, dir));
    }
    let Some(top) = git_top else {
        return Ok(PathBuf::from("."));
    };
    let configs = crate::git::Repo::discover(top)
        .map(|repo| repo.tracked_named(crate::config::CONFIG_FILE))
        .unwrap_or_default();
    match configs.as_slice() {
        [one] => {
            let folder = one
                .rsplit_once('/')
                .map_or("", |(folder, _)| folder)
                .to_owned();
            Ok(relative_to(&cwd, top).join(folder))
        }
        [] => Ok(relative_to(&cwd, top)),
        several => Err(CommandError::new(format!(
            "this Git repository holds {} platform folders ({})",
            several.len(),
            several
                .iter()
                .map(|p| format!("`{}`", p.rsplit_once('/').map_or(".", |(f, _)| f)))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .hint("name the one you mean, e.g. `portolan validate FOLDER`, or run portolan inside it")),
    }
}

/// Read-only commands change nothing, but say when a writing run was interrupted and
/// left a change half-applied (the next writing command undoes it).
pub fn warn_if_interrupted(state: &crate::state::State, printer: &Printer) -> std::io::Result<()> {
    if crate::changeset::interrupted(state) {
        printer.message("warning: an interrupted portolan run left a change half-applied in this working tree; the next `portolan new`, `run` or `env gc` undoes it first\n")?;
    }
    Ok(())
}

/// A platform folder given inside a Git working tree must be reached without a
/// symbolic link from the top: a link there is repository content, and could point
/// anywhere. (A link of the user's own, outside any repository, is theirs to follow.)
fn refuse_a_linked_folder(path: &Path) -> Result<(), CommandError> {
    let absolute = lexical(&std::env::current_dir()?.join(path));
    let Some(top) = absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
    else {
        return Ok(());
    };
    let mut current = top.to_path_buf();
    for part in absolute
        .strip_prefix(top)
        .unwrap_or(Path::new(""))
        .components()
    {
        current.push(part);
        if std::fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(CommandError::new(format!(
                "`{}` is reached through the symbolic link `{}` of the repository",
                path.display(),
                current.display()
            ))
            .hint("portolan does not follow links in a repository: give the folder itself"));
        }
    }
    Ok(())
}

/// A path with `.` and `..` resolved by its text, not through the file system.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// [`warn_if_interrupted`] for the platform folder `root`, when its state can be found.
pub fn warn_if_interrupted_at(root: &Path, printer: &Printer) -> std::io::Result<()> {
    match crate::state::State::of(root) {
        Ok(state) => warn_if_interrupted(&state, printer),
        Err(_) => Ok(()),
    }
}

/// `dir` as a path relative to `cwd` when it is an ancestor (nicer in messages).
fn relative_to(cwd: &Path, dir: &Path) -> PathBuf {
    let depth = cwd
        .strip_prefix(dir)
        .map(|rest| rest.components().count())
        .unwrap_or(0);
    if depth == 0 {
        PathBuf::from(".")
    } else {
        std::iter::repeat_n("..", depth).collect()
    }
}
