//! Planned file changes: the only way portolan writes (DESIGN.md §4).
//!
//! Every write path builds a [`Changeset`], checks it against the repository
//! ([`Changeset::prepare`]: paths stay inside, no case-only collisions, no symbolic
//! link out, no overwrite the template did not ask for, no uncommitted user edits
//! touched), validates the catalog with it overlaid ([`Overlay`]), and only then
//! applies it ([`apply()`]): all or nothing, even across a crash (see [`apply`]).

mod apply;
mod paths;

pub use apply::{apply, interrupted, recover, ApplyError, Recovered, Undone};
pub use paths::{is_dotgit, safe_path};

use crate::git::Repo;
use crate::source::Source;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One planned change to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Create or replace the file. `overwrite` says an existing file may be replaced.
    Write {
        content: Vec<u8>,
        overwrite: bool,
    },
    Delete,
}

/// Why a plan cannot be applied; said with what to do next.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ChangeError {
    pub message: String,
    pub hint: String,
}

impl ChangeError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ChangeError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// Planned changes by path (relative to the platform root, `/`-separated).
#[derive(Debug, Default, Clone)]
pub struct Changeset {
    changes: BTreeMap<String, Change>,
}

impl Changeset {
    pub fn new() -> Self {
        Changeset::default()
    }

    /// Plan to write `content` at `path`. Writing one path twice in one plan is an
    /// error: two steps disagree about a file.
    pub fn write(
        &mut self,
        path: &str,
        content: Vec<u8>,
        overwrite: bool,
    ) -> Result<(), ChangeError> {
        let path = safe_path(path)?;
        if self.changes.contains_key(&path) {
            return Err(ChangeError::new(
                format!("two steps write `{path}`"),
                "give each step its own files, or use `when:` so only one of them runs",
            ));
        }
        self.changes
            .insert(path, Change::Write { content, overwrite });
        Ok(())
    }

    /// Replace a planned write (a later step editing what an earlier one wrote).
    pub fn replace(&mut self, path: &str, content: Vec<u8>) -> Result<(), ChangeError> {
        let path = safe_path(path)?;
        let overwrite = match self.changes.get(&path) {
            Some(Change::Write { overwrite, .. }) => *overwrite,
            _ => true,
        };
        self.changes
            .insert(path, Change::Write { content, overwrite });
        Ok(())
    }

    /// Plan to delete `path`.
    pub fn delete(&mut self, path: &str) -> Result<(), ChangeError> {
        let path = safe_path(path)?;
        self.changes.insert(path, Change::Delete);
        Ok(())
    }

    pub fn get(&self, path: &str) -> Option<&Change> {
        self.changes.get(path)
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.changes.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Change)> {
        self.changes.iter().map(|(p, c)| (p.as_str(), c))
    }

    /// Check the plan against the repository and say, per file, what it does.
    ///
    /// `base` is what the plan applies to (the working tree, or the base commit with
    /// `--pr`); `dirty` enables the check for uncommitted edits. Writes that change
    /// nothing are dropped.
    pub fn prepare(
        &self,
        base: &dyn Source,
        dirty: Option<DirtyCheck<'_>>,
    ) -> Result<Vec<FileChange>, ChangeError> {
        self.check_case_collisions(base)?;
        let mut planned = Vec::new();
        let mut refused = Vec::new();
        for (path, change) in &self.changes {
            if let Some(passed) = base.passed_on_path(path) {
                return Err(passed_error(path, &passed));
            }
            let old = if base.exists(path) {
                Some(base.read(path).map_err(|e| {
                    ChangeError::new(
                        format!("cannot read `{path}`: {e}"),
                        "check the file's permissions",
                    )
                })?)
            } else {
                None
            };
            match (change, old) {
                (Change::Write { content, .. }, None) => planned.push(FileChange {
                    path: path.clone(),
                    kind: ChangeKind::Create,
                    old: None,
                    new: Some(content.clone()),
                }),
                (Change::Write { content, overwrite }, Some(old)) => {
                    let content = keep_line_endings(&old, content);
                    if content == old {
                        continue;
                    }
                    if !overwrite {
                        refused.push(path.clone());
                        continue;
                    }
                    planned.push(FileChange {
                        path: path.clone(),
                        kind: ChangeKind::Modify,
                        old: Some(old),
                        new: Some(content),
                    });
                }
                (Change::Delete, Some(old)) => planned.push(FileChange {
                    path: path.clone(),
                    kind: ChangeKind::Delete,
                    old: Some(old),
                    new: None,
                }),
                (Change::Delete, None) => {}
            }
        }
        if !refused.is_empty() {
            return Err(ChangeError::new(
                format!(
                    "the plan would overwrite {} existing file{}: {}",
                    refused.len(),
                    plural(refused.len()),
                    list(&refused)
                ),
                "nothing was written; move or remove those files, or choose other inputs (a template overwrites only files it marks `overwrite: true`)",
            ));
        }
        if let Some(check) = dirty {
            let touched: Vec<&str> = planned
                .iter()
                .filter(|c| c.kind != ChangeKind::Create)
                .map(|c| c.path.as_str())
                .collect();
            let dirty: Vec<String> = check
                .repo
                .uncommitted(&touched)
                .map_err(|e| {
                    ChangeError::new(e.to_string(), "check the repository with `git status`")
                })?
                .into_iter()
                // What portolan itself last wrote there is no one's work in progress.
                .filter(|path| {
                    let current = planned
                        .iter()
                        .find(|c| c.path == *path)
                        .and_then(|c| c.old.as_deref());
                    !check.own.is_own(path, current)
                })
                .collect();
            if !dirty.is_empty() {
                return Err(ChangeError::new(
                    format!(
                        "uncommitted changes in {} file{} the plan would change: {}",
                        dirty.len(),
                        plural(dirty.len()),
                        list(&dirty)
                    ),
                    "nothing was written; commit or stash your changes (`git stash`), then run again",
                ));
            }
        }
        Ok(planned)
    }

    /// Names that differ only by case at any level — within the plan, or from a file
    /// or folder that exists (`Apps/` next to `apps/`, `Readme.md` next to
    /// `README.md`): on macOS and Windows they are one.
    fn check_case_collisions(&self, base: &dyn Source) -> Result<(), ChangeError> {
        // The names the plan uses, by the folder they are in.
        let mut named: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for path in self.changes.keys() {
            let mut start = 0;
            for end in path.match_indices('/').map(|(i, _)| i).chain([path.len()]) {
                let dir = if start == 0 { "" } else { &path[..start - 1] };
                named.entry(dir).or_default().insert(&path[start..end]);
                start = end + 1;
            }
        }
        for (dir, names) in &named {
            let full = |n: &str| {
                if dir.is_empty() {
                    n.to_owned()
                } else {
                    format!("{dir}/{n}")
                }
            };
            // Names already side by side are not this plan's doing; a file the plan
            // deletes no longer collides (a rename by case).
            let existing: Vec<String> = base
                .names_in(dir)
                .into_iter()
                .filter(|name| self.changes.get(&full(name)) != Some(&Change::Delete))
                .collect();
            let mut seen: HashMap<String, &str> = HashMap::new();
            for name in names.iter().copied() {
                if self.changes.get(&full(name)) == Some(&Change::Delete) {
                    continue;
                }
                match seen.get(&name.to_lowercase()) {
                    Some(other) if *other != name => {
                        return Err(case_error(&full(other), &full(name)))
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(name.to_lowercase(), name);
                    }
                }
            }
            for name in &existing {
                if let Some(planned) = seen.get(&name.to_lowercase()) {
                    if *planned != name {
                        return Err(case_error(&full(planned), &full(name)));
                    }
                }
            }
        }
        Ok(())
    }
}

/// A write or delete through a link or into a submodule, refused.
pub fn passed_error(path: &str, passed: &crate::source::PassedOver) -> ChangeError {
    use crate::source::PassedKind;
    let at = &passed.path;
    match passed.kind {
        PassedKind::Link => ChangeError::new(
            if at == path {
                format!("`{path}` is a symbolic link")
            } else {
                format!("`{path}` goes through the symbolic link `{at}`")
            },
            "portolan does not write through symbolic links; replace the link with a folder or file; nothing was written",
        ),
        PassedKind::Submodule => ChangeError::new(
            format!("`{path}` is inside `{at}`, a Git submodule or a repository of its own"),
            "portolan changes only this repository's files: make the change in that repository; nothing was written",
        ),
    }
}

fn case_error(a: &str, b: &str) -> ChangeError {
    ChangeError::new(
        format!("`{a}` and `{b}` differ only by case"),
        "they would be one file on macOS and Windows; choose a name that differs in more than case",
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn list(paths: &[String]) -> String {
    paths
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the check for uncommitted edits needs: the repository, and what portolan itself
/// wrote since the last commit (an uncommitted change that is exactly portolan's own
/// is not a user's edit).
#[derive(Clone, Copy)]
pub struct DirtyCheck<'a> {
    pub repo: &'a Repo,
    pub own: &'a crate::state::OwnEdits,
}

/// What one planned change does to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Create,
    Modify,
    Delete,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Modify => "modify",
            ChangeKind::Delete => "delete",
        }
    }
}

/// One file's change, with its contents before and after, for diffs and writing.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: String,
    pub kind: ChangeKind,
    pub old: Option<Vec<u8>>,
    pub new: Option<Vec<u8>>,
}

impl crate::git::TreeChange for FileChange {
    fn path(&self) -> &str {
        &self.path
    }

    fn content(&self) -> Option<&[u8]> {
        self.new.as_deref()
    }
}

/// New content for a file with CRLF line endings gets CRLF too.
fn keep_line_endings(old: &[u8], new: &[u8]) -> Vec<u8> {
    let crlf = old.windows(2).any(|w| w == b"\r\n");
    if !crlf || new.windows(2).any(|w| w == b"\r\n") {
        return new.to_vec();
    }
    let mut out = Vec::with_capacity(new.len() + new.len() / 20);
    for &b in new {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

impl Changeset {
    /// What the plan leaves at each path it touches (`None`: deleted), to lay over the
    /// repository with [`crate::source::Overlay`] and validate it before anything is
    /// written.
    pub fn overlay(&self) -> std::collections::BTreeMap<String, Option<Vec<u8>>> {
        self.changes
            .iter()
            .map(|(path, change)| {
                let content = match change {
                    Change::Write { content, .. } => Some(content.clone()),
                    Change::Delete => None,
                };
                (path.clone(), content)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Worktree;

    #[test]
    fn plans_then_applies_atomically() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let state = crate::state::State::of(dir.path()).unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine\r\n").unwrap();
        let source = Worktree::new(dir.path());
        let mut plan = Changeset::new();
        plan.write("a/b/new.txt", b"new\n".to_vec(), false).unwrap();
        plan.write("keep.txt", b"theirs\n".to_vec(), false).unwrap();
        let refused = plan.prepare(&source, None).unwrap_err();
        assert!(refused.message.contains("keep.txt"), "{refused}");

        let mut plan = Changeset::new();
        plan.write("a/b/new.txt", b"new\n".to_vec(), false).unwrap();
        plan.write("keep.txt", b"theirs\n".to_vec(), true).unwrap();
        let changes = plan.prepare(&source, None).unwrap();
        apply(&state, &changes).unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
            "theirs\r\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/b/new.txt")).unwrap(),
            "new\n"
        );
        // Applying the same plan again changes nothing.
        assert!(plan.prepare(&source, None).unwrap().is_empty());
    }

    #[test]
    fn refuses_case_collisions_and_symlinks_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("docs/README.md"), "x").unwrap();
        let source = Worktree::new(dir.path());
        let mut plan = Changeset::new();
        plan.write("docs/readme.md", b"y".to_vec(), true).unwrap();
        assert!(plan.prepare(&source, None).is_err());

        let outside = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        let mut plan = Changeset::new();
        plan.write("out/x.txt", b"y".to_vec(), false).unwrap();
        #[cfg(unix)]
        assert!(plan.prepare(&source, None).is_err());
        assert!(!outside.path().join("x.txt").exists());
    }
}
