//! What reverting a commit would change, computed from objects alone: the `revert`
//! step of a template turns it into a reviewable change like any other, so a revert
//! goes through validation and a pull request instead of `git revert` on someone's
//! machine.

use super::{GitError, Repo};

/// How far back a pull request number is looked for on the first-parent history.
const PULL_SEARCH_DEPTH: usize = 10_000;

/// Why a commit cannot be reverted.
#[derive(Debug, thiserror::Error)]
pub enum RevertError {
    #[error("`{0}` is not a commit of this repository")]
    Unknown(String),
    #[error("commit {0} is not in the history the change is based on")]
    NotAncestor(String),
    #[error("commit {0} is the first commit: there is nothing before it to go back to")]
    Root(String),
    #[error("reverting {commit} conflicts with later changes to {paths}")]
    Conflicts { commit: String, paths: String },
    #[error("commit {commit} changes files outside the platform folder: {paths}")]
    Outside { commit: String, paths: String },
    #[error(transparent)]
    Git(#[from] GitError),
}

impl From<git2::Error> for RevertError {
    fn from(e: git2::Error) -> Self {
        RevertError::Git(e.into())
    }
}

/// One file a revert changes: its path relative to the platform root and its content
/// afterwards (`None`: removed).
pub type Reverted = (String, Option<Vec<u8>>);

impl Repo {
    /// The full hash of a revision (`HEAD`, a branch, an abbreviated hash).
    pub fn resolve_commit(&self, rev: &str) -> Result<String, RevertError> {
        let repo = self.open()?;
        let commit = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| RevertError::Unknown(rev.to_owned()))?;
        Ok(commit.id().to_string())
    }

    /// The files that change when `target` is reverted on top of `ours` (both full
    /// hashes). A merge commit is reverted against its first parent — what the branch
    /// looked like before the pull request was merged. Later edits to the same lines
    /// are a conflict, reported with their paths, never resolved by guessing.
    pub fn revert_changes(&self, ours: &str, target: &str) -> Result<Vec<Reverted>, RevertError> {
        let repo = self.open()?;
        let find = |id: &str| {
            git2::Oid::from_str(id)
                .and_then(|oid| repo.find_commit(oid))
                .map_err(|_| RevertError::Unknown(id.to_owned()))
        };
        let ours = find(ours)?;
        let target = find(target)?;
        let short = short(&target);
        if ours.id() != target.id() && !repo.graph_descendant_of(ours.id(), target.id())? {
            return Err(RevertError::NotAncestor(short));
        }
        let mainline = match target.parent_count() {
            0 => return Err(RevertError::Root(short)),
            1 => 0,
            _ => 1,
        };
        let mut index = repo.revert_commit(&target, &ours, mainline, None)?;
        if index.has_conflicts() {
            let mut paths: Vec<String> = index
                .conflicts()?
                .filter_map(Result::ok)
                .filter_map(|c| c.our.or(c.their).or(c.ancestor))
                .map(|entry| String::from_utf8_lossy(&entry.path).into_owned())
                .collect();
            paths.dedup();
            return Err(RevertError::Conflicts {
                commit: short,
                paths: paths.join(", "),
            });
        }
        let tree = repo.find_tree(index.write_tree_to(&repo)?)?;
        let diff = repo.diff_tree_to_tree(Some(&ours.tree()?), Some(&tree), None)?;
        let mut changed = Vec::new();
        let mut outside = Vec::new();
        for delta in diff.deltas() {
            let file = match delta.status() {
                git2::Delta::Deleted => delta.old_file(),
                _ => delta.new_file(),
            };
            let Some(path) = file.path().map(|p| p.to_string_lossy().replace('\\', "/")) else {
                continue;
            };
            let Some(relative) = self.relative(&path) else {
                outside.push(path);
                continue;
            };
            let content = match delta.status() {
                git2::Delta::Deleted => None,
                _ => Some(repo.find_blob(file.id())?.content().to_vec()),
            };
            changed.push((relative, content));
        }
        if !outside.is_empty() {
            return Err(RevertError::Outside {
                commit: short,
                paths: outside.join(", "),
            });
        }
        Ok(changed)
    }

    /// The commit that merged pull request `number` into the first-parent history of
    /// `ours`: a merge commit ("Merge pull request #N from …") or a squash-merge
    /// ("… (#N)"), as GitHub writes them. Found offline, in the history itself.
    pub fn merged_pull(&self, ours: &str, number: u64) -> Result<Option<String>, RevertError> {
        let repo = self.open()?;
        let mut walk = repo.revwalk()?;
        walk.push(git2::Oid::from_str(ours)?)?;
        walk.simplify_first_parent()?;
        let merge = format!("Merge pull request #{number} ");
        let squash = format!("(#{number})");
        for oid in walk.take(PULL_SEARCH_DEPTH) {
            let commit = repo.find_commit(oid?)?;
            let summary = commit.summary().ok().flatten().unwrap_or_default();
            if summary.starts_with(&merge) || summary.trim_end().ends_with(&squash) {
                return Ok(Some(commit.id().to_string()));
            }
        }
        Ok(None)
    }
}

fn short(commit: &git2::Commit<'_>) -> String {
    commit.id().to_string()[..10].to_owned()
}
