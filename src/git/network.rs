//! The `git` binary, for the network: `ls-remote`, `fetch` and `push`, so the user's
//! credential helpers, SSH configuration and proxies apply.
//!
//! Every invocation is built in one place, [`Repo::run_git`], and every one:
//!
//! - runs no hook and no file-system monitor of the repository
//!   (`-c core.hooksPath=<an empty directory> -c core.fsmonitor=false`): a push must
//!   not run a `pre-push` hook the repository's owner never meant portolan to run, and
//!   a hook must not see what portolan's git run carries;
//! - puts `--end-of-options` between portolan's own options and the operands — remote
//!   names, URLs from the forge, refspecs and patterns — so that no value from the
//!   network, a file or the command line is ever read as an option (`--upload-pack=…`
//!   runs a command). Refspecs are built only from names that passed git's branch name
//!   rules ([`branch_name_problem`]) and object ids, so a `:` cannot redirect them;
//! - keeps the token out of git's environment: the variables it was read from are
//!   removed, and where the token is granted (a URL on the forge's Git host) git asks
//!   portolan for it through [`askpass`], with no credential helper that could store
//!   it. Anywhere else git gets no token and uses the user's own credentials.

use super::refname::{branch_name_problem, is_object_id};
use super::{GitError, Repo};
use crate::forge::askpass::{self, Credentials};
use std::process::Command;

/// The oldest git that knows `--end-of-options`.
const MINIMUM_GIT: &str = "2.24";

impl Repo {
    /// The remote's default branch (`git ls-remote --symref REMOTE HEAD`), checked as
    /// a branch name: it comes from the network.
    pub fn remote_default_branch(
        &self,
        remote: &str,
        auth: Option<Credentials<'_>>,
    ) -> Result<String, GitError> {
        let out = self.run_git("ls-remote", &["--symref"], remote, &["HEAD"], auth)?;
        let branch = out
            .lines()
            .find_map(|l| l.strip_prefix("ref: refs/heads/"))
            .and_then(|l| l.strip_suffix("\tHEAD"))
            .ok_or_else(|| {
                GitError::Other(format!("the remote `{remote}` names no default branch"))
            })?;
        checked_branch(branch, &format!("the default branch of `{remote}`"))?;
        Ok(branch.to_owned())
    }

    /// The commit a remote branch points at, if the branch exists.
    pub fn remote_branch(
        &self,
        remote: &str,
        branch: &str,
        auth: Option<Credentials<'_>>,
    ) -> Result<Option<String>, GitError> {
        checked_branch(branch, "a branch")?;
        let pattern = format!("refs/heads/{branch}");
        let out = self.run_git("ls-remote", &[], remote, &[&pattern], auth)?;
        let found = out.lines().find_map(|line| {
            let (oid, name) = line.split_once('\t')?;
            (name == pattern).then_some(oid)
        });
        match found {
            Some(oid) if is_object_id(oid) => Ok(Some(oid.to_owned())),
            Some(oid) => Err(GitError::Other(format!(
                "the remote `{remote}` answered `{oid}` for `{branch}`, which is not a commit id"
            ))),
            None => Ok(None),
        }
    }

    /// Fetch a remote branch into `refs/remotes/REMOTE/BRANCH`; its commit.
    pub fn fetch_branch(
        &self,
        remote: &str,
        branch: &str,
        auth: Option<Credentials<'_>>,
    ) -> Result<String, GitError> {
        checked_branch(branch, "a branch")?;
        checked_branch(remote, "a remote name")?;
        let refspec = format!("+refs/heads/{branch}:refs/remotes/{remote}/{branch}");
        self.run_git(
            "fetch",
            &["--quiet", "--no-tags"],
            remote,
            &[&refspec],
            auth,
        )?;
        self.local_remote_branch(remote, branch)
            .ok_or_else(|| GitError::UnknownRevision {
                rev: format!("{remote}/{branch}"),
                message: "not found after fetching".into(),
            })
    }

    /// Fetch `branch` of any remote or URL into the private ref `local`; its commit.
    pub fn fetch_into(
        &self,
        remote: &str,
        branch: &str,
        local: &str,
        auth: Option<Credentials<'_>>,
    ) -> Result<String, GitError> {
        checked_branch(branch, "a branch")?;
        let refspec = format!("+refs/heads/{branch}:{local}");
        self.run_git(
            "fetch",
            &["--quiet", "--no-tags"],
            remote,
            &[&refspec],
            auth,
        )?;
        let repo = self.open()?;
        let reference = repo.find_reference(local)?;
        let id = reference.peel_to_commit()?.id().to_string();
        Ok(id)
    }

    /// Push `commit` to `refs/heads/BRANCH` of `remote`. `lease` is the commit the
    /// branch must still point at (`None`: it must not exist), so a branch someone
    /// else moved is never overwritten.
    pub fn push(
        &self,
        remote: &str,
        commit: &str,
        branch: &str,
        lease: Option<&str>,
        auth: Option<Credentials<'_>>,
    ) -> Result<(), GitError> {
        checked_branch(branch, "a branch")?;
        for id in std::iter::once(commit).chain(lease) {
            if !is_object_id(id) {
                return Err(GitError::Other(format!("`{id}` is not a commit id")));
            }
        }
        let target = format!("refs/heads/{branch}");
        let lease = format!("--force-with-lease={target}:{}", lease.unwrap_or(""));
        let refspec = format!("{commit}:{target}");
        self.run_git(
            "push",
            &["--quiet", "--porcelain", &lease],
            remote,
            &[&refspec],
            auth,
        )
        .map(|_| ())
    }

    /// Push a local branch as it is (no force): `git push REMOTE BRANCH`.
    pub fn push_branch(
        &self,
        remote: &str,
        branch: &str,
        auth: Option<Credentials<'_>>,
    ) -> Result<(), GitError> {
        checked_branch(branch, "a branch")?;
        let refspec = format!("refs/heads/{branch}:refs/heads/{branch}");
        self.run_git(
            "push",
            &["--quiet", "--porcelain"],
            remote,
            &[&refspec],
            auth,
        )
        .map(|_| ())
    }

    /// `git <subcommand> <options> --end-of-options <remote> <operands>` in the working
    /// tree: the one place a `git` process is made (see the module's documentation).
    /// `options` are portolan's own; `remote` (a remote's name or a URL) and `operands`
    /// may hold anything. Without a terminal, git never prompts.
    fn run_git(
        &self,
        subcommand: &str,
        options: &[&str],
        remote: &str,
        operands: &[&str],
        auth: Option<Credentials<'_>>,
    ) -> Result<String, GitError> {
        let failed = |e: std::io::Error| GitError::Other(format!("cannot run git: {e}"));
        let private = private_dir().map_err(failed)?;
        let hooks = private.path().join("hooks");
        std::fs::create_dir(&hooks).map_err(failed)?;

        let url = self.remote_url(remote).unwrap_or_else(|| remote.to_owned());
        let grant = auth.filter(|c| c.host.allows(&url));
        let server = grant
            .map(|c| askpass::serve(private.path(), c))
            .transpose()
            .map_err(failed)?;

        let mut cmd = Command::new("git");
        cmd.current_dir(self.top())
            .arg("-c")
            .arg(format!("core.hooksPath={}", hooks.display()))
            .args(["-c", "core.fsmonitor=false"]);
        if grant.is_some() {
            // No helper asked first, none told to store the token afterwards.
            cmd.args(["-c", "credential.helper="]);
        }
        cmd.arg(subcommand)
            .args(options)
            .arg("--end-of-options")
            .arg(remote)
            .args(operands);
        if !interactive() {
            cmd.env("GIT_TERMINAL_PROMPT", "0");
        }
        cmd.env_remove(askpass::CHANNEL_VAR);
        for name in crate::forge::TOKEN_VARS {
            cmd.env_remove(name);
        }
        if let Some(token) = auth.map(|c| c.token).filter(|t| !t.is_empty()) {
            for (name, value) in std::env::vars_os() {
                if value.to_string_lossy().contains(token) {
                    cmd.env_remove(name);
                }
            }
        }
        if let Some(server) = &server {
            cmd.envs(server.env());
        }
        let output = cmd.output().map_err(failed)?;
        drop(server);
        if output.status.success() {
            return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        let mut message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if let Some(token) = auth.map(|c| c.token).filter(|t| !t.is_empty()) {
            message = crate::forge::scrub(&message, token);
        }
        if message.contains("end-of-options") {
            return Err(GitError::Other(format!(
                "this git is too old for portolan, which needs git {MINIMUM_GIT} or newer: {message}"
            )));
        }
        Err(GitError::Other(format!(
            "`git {subcommand}` failed: {message}"
        )))
    }
}

/// A fresh directory for one git run, that only this user may enter (mode 0700): it
/// holds the empty hooks folder and the askpass socket.
fn private_dir() -> std::io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix("portolan-git-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Without it the folder gets 0777 less the umask: others could enter it.
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir()
}

/// `Ok` when `name` may be a branch (git's rules, and no leading `-`).
fn checked_branch(name: &str, what: &str) -> Result<(), GitError> {
    match branch_name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(GitError::Other(format!(
            "{what} `{}` is not a valid branch name: {problem}",
            name.escape_debug()
        ))),
    }
}

/// A terminal, and not CI: git may prompt the user.
fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal()
        && std::env::var_os("CI").is_none_or(|v| v.is_empty() || v == "false")
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn the_private_directory_is_the_user_s_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = super::private_dir().unwrap();
        let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}
