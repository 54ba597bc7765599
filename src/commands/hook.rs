//! `portolan hook install`: Git hooks that run `portolan validate --staged` before a
//! commit is made — `pre-commit` for commits, `pre-merge-commit` for merges (two valid
//! branches can merge into a dangling reference).
//!
//! The hooks go where Git actually looks (`core.hooksPath`, the common folder of a
//! worktree), found by asking Git itself. Each records the platform folder it was
//! installed for, relative to the top level where Git runs hooks, so a platform kept in
//! a sub-folder is the one validated. An existing hook is never replaced silently:
//! without `--force` the command refuses; with it, the old hook is kept as
//! `<hook>.local` and runs first.

use super::validate::git_error;
use super::{platform_root, CommandError, Outcome};
use crate::cli::{HookArgs, HookCommand};
use crate::git::Repo;
use crate::output::Printer;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The hooks portolan installs: Git runs each before it records a commit.
const HOOKS: [&str; 2] = ["pre-commit", "pre-merge-commit"];

/// Marks a hook portolan wrote, so re-installing updates it in place.
fn marker(hook: &str) -> String {
    format!("# portolan {hook} hook")
}

pub fn run(args: HookArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    match args.command {
        HookCommand::Install { force, path } => install(path.as_deref(), force, printer),
    }
}

fn install(path: Option<&Path>, force: bool, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = platform_root(path)?;
    let repo = Repo::discover(&root).map_err(git_error)?;
    let hooks = hooks_dir(repo.top())?;
    std::fs::create_dir_all(&hooks)?;
    // Decide for every hook before writing any, so a refusal leaves all as they were.
    let mut plans = Vec::new();
    for name in HOOKS {
        plans.push(plan(&hooks, name, force)?);
    }
    let mut message = String::new();
    for (name, chain) in HOOKS.iter().zip(plans) {
        let hook = hooks.join(name);
        let chained = hooks.join(format!("{name}.local"));
        if chain == Chain::Move {
            std::fs::rename(&hook, &chained)?;
        }
        write_executable(&hook, &script(name, repo.prefix(), chain != Chain::None))?;
        message.push_str(&format!("installed the {name} hook: {}\n", hook.display()));
        if chain != Chain::None {
            message.push_str(&format!(
                "the previous {name} hook runs first: {}\n",
                chained.display()
            ));
        }
    }
    let folder = if repo.prefix().is_empty() {
        "the top level".to_owned()
    } else {
        format!("`{}`", repo.prefix())
    };
    message.push_str(&format!(
        "the hooks validate the platform at {folder} as each commit will contain it\n"
    ));
    printer.message(&message)?;
    Ok(Outcome::Success)
}

/// What happens to a hook that is not portolan's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chain {
    /// There is none: portolan's runs alone.
    None,
    /// `<hook>.local` already holds the user's hook (an earlier `--force`).
    Keep,
    /// The user's hook becomes `<hook>.local` (with `--force`).
    Move,
}

fn plan(hooks: &Path, name: &str, force: bool) -> Result<Chain, CommandError> {
    let hook = hooks.join(name);
    let chained = hooks.join(format!("{name}.local"));
    for path in [&hook, &chained] {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(CommandError::new(format!(
                "{} is a symbolic link",
                path.display()
            ))
            .hint("portolan does not write through links: replace it with the hook itself (or remove it); nothing was installed"));
        }
    }
    let kept = if chained.is_file() {
        Chain::Keep
    } else {
        Chain::None
    };
    match std::fs::read_to_string(&hook) {
        Ok(existing) if is_ours(&existing, name) => Ok(kept),
        Ok(_) if !force => Err(CommandError::new(format!("a {name} hook already exists: {}", hook.display()))
            .hint(format!("`portolan hook install --force` keeps it (as {name}.local) and runs it before portolan; or add `portolan validate --staged` to it yourself; nothing was installed"))),
        Ok(_) if chained.exists() => Err(CommandError::new(format!(
            "both {} and {} exist",
            hook.display(),
            chained.display()
        ))
        .hint("merge or remove one of them, then install again; nothing was installed")),
        Ok(_) => Ok(Chain::Move),
        Err(_) if hook.exists() => Err(CommandError::new(format!(
            "{} exists but cannot be read",
            hook.display()
        ))
        .hint("check its permissions; nothing was installed")),
        Err(_) => Ok(kept),
    }
}

/// Whether a hook's text is one portolan wrote (this version's marker, or the
/// pre-commit marker of earlier versions).
fn is_ours(text: &str, name: &str) -> bool {
    text.contains(&marker(name))
}

/// The hooks folder Git uses for this working tree.
fn hooks_dir(top: &Path) -> Result<PathBuf, CommandError> {
    let output = Command::new("git")
        .args(["rev-parse", "--git-path", "hooks"])
        .current_dir(top)
        .output()
        .map_err(|e| {
            CommandError::new(format!("cannot run git: {e}"))
                .hint("install Git and make sure `git` is on PATH")
        })?;
    if !output.status.success() {
        return Err(CommandError::new(format!(
            "git rev-parse failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    Ok(if dir.is_absolute() {
        dir
    } else {
        top.join(dir)
    })
}

/// The hook script. Git runs hooks at the top level of the working tree, so the
/// platform folder is given relative to it.
fn script(name: &str, prefix: &str, chain: bool) -> String {
    let mut s = format!(
        "#!/bin/sh\n{}: validates what the commit will contain.\n# Installed by `portolan hook install`; delete this file to uninstall.\nset -e\n",
        marker(name)
    );
    if chain {
        s.push_str(&format!(
            "hook_dir=$(dirname \"$0\")\n\"$hook_dir/{name}.local\" \"$@\"\n"
        ));
    }
    s.push_str("if ! command -v portolan >/dev/null 2>&1; then\n  echo \"portolan is not on PATH: install it, or skip this check once with git commit --no-verify\" >&2\n  exit 1\nfi\n");
    if prefix.is_empty() {
        s.push_str("exec portolan validate --staged .\n");
    } else {
        s.push_str(&format!(
            "exec portolan validate --staged -- '{}'\n",
            prefix.replace('\'', "'\\''")
        ));
    }
    s
}

/// Write a hook atomically with mode 0755, through a new temporary file (never one a
/// repository could have planted as a link: the hooks folder may be a tracked one).
fn write_executable(path: &Path, content: &str) -> std::io::Result<()> {
    crate::safe_fs::write_atomically(path, content.as_bytes(), Some(0o755))
}
