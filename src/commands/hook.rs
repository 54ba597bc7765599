//! `portolan hook install`: a pre-commit hook that runs `portolan validate --staged`.
//!
//! The hook goes where Git actually looks (`core.hooksPath`, the common folder of a
//! worktree), found by asking Git itself. An existing hook is never replaced silently:
//! without `--force` the command refuses; with it, the old hook is kept as
//! `pre-commit.local` and runs first.

use super::validate::git_error;
use super::{platform_root, CommandError, Outcome};
use crate::cli::{HookArgs, HookCommand};
use crate::git::Repo;
use crate::output::Printer;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Marks a hook portolan wrote, so re-installing updates it in place.
const MARKER: &str = "# portolan pre-commit hook";

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
    let hook = hooks.join("pre-commit");
    let chained = hooks.join("pre-commit.local");
    let mut chain = chained.is_file();
    if let Ok(existing) = std::fs::read_to_string(&hook) {
        if !existing.contains(MARKER) {
            if !force {
                return Err(CommandError::new(format!("a pre-commit hook already exists: {}", hook.display()))
                    .hint("`portolan hook install --force` keeps it (as pre-commit.local) and runs it before portolan; or add `portolan validate --staged` to it yourself"));
            }
            if chained.exists() {
                return Err(CommandError::new(format!(
                    "both {} and {} exist",
                    hook.display(),
                    chained.display()
                ))
                .hint("merge or remove one of them, then install again"));
            }
            std::fs::rename(&hook, &chained)?;
            chain = true;
        }
    } else if hook.exists() {
        return Err(
            CommandError::new(format!("{} exists but cannot be read", hook.display()))
                .hint("check its permissions"),
        );
    }
    write_executable(&hook, &script(repo.prefix(), chain))?;
    let mut message = format!("installed the pre-commit hook: {}\n", hook.display());
    if chain {
        message.push_str(&format!(
            "the previous hook runs first: {}\n",
            chained.display()
        ));
    }
    printer.message(&message)?;
    Ok(Outcome::Success)
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

/// The hook script. Git runs hooks at the top level of the working tree.
fn script(prefix: &str, chain: bool) -> String {
    let mut s = format!("#!/bin/sh\n{MARKER}: validates what the commit will contain.\n# Installed by `portolan hook install`; delete this file to uninstall.\nset -e\n");
    if chain {
        s.push_str("hook_dir=$(dirname \"$0\")\n\"$hook_dir/pre-commit.local\" \"$@\"\n");
    }
    s.push_str("if ! command -v portolan >/dev/null 2>&1; then\n  echo \"portolan is not on PATH: install it, or skip this check once with git commit --no-verify\" >&2\n  exit 1\nfi\n");
    if prefix.is_empty() {
        s.push_str("exec portolan validate --staged\n");
    } else {
        s.push_str(&format!(
            "exec portolan validate --staged '{}'\n",
            prefix.replace('\'', "'\\''")
        ));
    }
    s
}

/// Write a file atomically (a temporary file renamed over it) with mode 0755.
fn write_executable(path: &Path, content: &str) -> std::io::Result<()> {
    let temporary = path.with_extension("portolan-tmp");
    std::fs::write(&temporary, content)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o755))?;
    }
    std::fs::rename(&temporary, path)
}
