//! Git, through one narrow API: git2 for local objects (the index, commits, blobs), the
//! `git` binary for the network ([`network`]: ls-remote, fetch, push).
//!
//! Commands never touch git2 directly. They ask this module for the repository around
//! a platform root and for snapshots of its index or of a commit, which the
//! [`source`](crate::source) module reads like a working tree.

mod network;
mod refname;
mod revert;

pub use refname::{branch_name_problem, is_object_id};
pub use revert::{RevertError, Reverted};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A Git failure, said in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("`{0}` is not inside a Git repository")]
    NotARepository(PathBuf),
    #[error("the revision `{rev}` does not exist: {message}")]
    UnknownRevision { rev: String, message: String },
    #[error("the index has unresolved merge conflicts in {0}")]
    Conflicts(String),
    #[error("git: {0}")]
    Other(String),
}

impl From<git2::Error> for GitError {
    fn from(e: git2::Error) -> Self {
        GitError::Other(e.message().to_owned())
    }
}

/// One file of a commit made from objects: its path relative to the platform root, and
/// its new content (`None`: removed). The one type through which a change set reaches
/// Git, so that Git knows nothing of how change sets are planned.
pub trait TreeChange {
    fn path(&self) -> &str;
    fn content(&self) -> Option<&[u8]>;
}

/// A special entry of an index or a tree, which portolan passes over rather than reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialEntry {
    /// A symbolic link (mode 0o120000).
    Link,
    /// A submodule (mode 0o160000).
    Submodule,
}

/// The repository around a platform root.
pub struct Repo {
    /// The `.git` folder (or the bare repository), for reopening on other threads.
    git_dir: PathBuf,
    /// The working tree's top level.
    top: PathBuf,
    /// The platform root relative to the top level, `/`-separated, empty at the top.
    prefix: String,
    /// The index Git named in `GIT_INDEX_FILE` for this repository (the temporary index
    /// of `git commit -a` or `git commit PATH`), read instead of `.git/index`.
    index_file: Option<PathBuf>,
}

impl Repo {
    /// Find the repository that contains `root`.
    pub fn discover(root: &Path) -> Result<Repo, GitError> {
        let repo = git2::Repository::discover(root)
            .map_err(|_| GitError::NotARepository(root.to_path_buf()))?;
        let top = repo
            .workdir()
            .ok_or_else(|| {
                GitError::Other("the repository is bare: it has no working tree".into())
            })?
            .to_path_buf();
        let absolute_root = root
            .canonicalize()
            .map_err(|e| GitError::Other(e.to_string()))?;
        let absolute_top = top
            .canonicalize()
            .map_err(|e| GitError::Other(e.to_string()))?;
        let prefix = absolute_root
            .strip_prefix(&absolute_top)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .map_err(|_| {
                GitError::Other(format!(
                    "`{}` is not inside the working tree of its Git repository ({})",
                    root.display(),
                    top.display()
                ))
            })?;
        let index_file = index_from_env(repo.path());
        Ok(Repo {
            git_dir: repo.path().to_path_buf(),
            top,
            prefix,
            index_file,
        })
    }

    /// The working tree's top level.
    pub fn top(&self) -> &Path {
        &self.top
    }

    /// The platform root relative to the top level (`""` at the top).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The repository, with the index Git named for it when it named one, so every
    /// reader of the index (the staged snapshot, the status of files) sees the same.
    fn open(&self) -> Result<git2::Repository, GitError> {
        let repo = git2::Repository::open(&self.git_dir)?;
        if let Some(path) = &self.index_file {
            let mut index = git2::Index::open(path)?;
            repo.set_index(&mut index)?;
        }
        Ok(repo)
    }

    /// Files Git tracks (in the index) whose name is `name`, at any depth, as paths
    /// from the top level.
    pub fn tracked_named(&self, name: &str) -> Vec<String> {
        let Ok(index) = self.open().and_then(|repo| Ok(repo.index()?)) else {
            return Vec::new();
        };
        let mut found: Vec<String> = index
            .iter()
            .map(|entry| String::from_utf8_lossy(&entry.path).into_owned())
            .filter(|path| path.rsplit('/').next() == Some(name))
            .collect();
        found.dedup();
        found
    }

    /// The files the next commit will contain: the index (stage 0), over HEAD.
    pub fn index_snapshot(&self) -> Result<Snapshot, GitError> {
        let repo = self.open()?;
        let index = repo.index()?;
        let mut files = Entries::default();
        let mut conflicts = Vec::new();
        for entry in index.iter() {
            let path = String::from_utf8_lossy(&entry.path).into_owned();
            let stage = (entry.flags >> 12) & 0x3;
            if stage != 0 {
                conflicts.push(path);
                continue;
            }
            if let Some(relative) = self.relative(&path) {
                files.add(relative, entry.mode, entry.id);
            }
        }
        if !conflicts.is_empty() {
            conflicts.dedup();
            return Err(GitError::Conflicts(conflicts.join(", ")));
        }
        Ok(Snapshot::new(self, files, "the index".into()))
    }

    /// The files of a commit (any revision Git understands: `HEAD~1`, `main`, a hash).
    pub fn commit_snapshot(&self, rev: &str) -> Result<Snapshot, GitError> {
        let repo = self.open()?;
        let object = repo
            .revparse_single(rev)
            .map_err(|e| GitError::UnknownRevision {
                rev: rev.to_owned(),
                message: e.message().to_owned(),
            })?;
        let tree = object
            .peel_to_tree()
            .map_err(|e| GitError::UnknownRevision {
                rev: rev.to_owned(),
                message: e.message().to_owned(),
            })?;
        let mut files = Entries::default();
        tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() != Some(git2::ObjectType::Tree) {
                let path = format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes()));
                if let Some(relative) = self.relative(&path) {
                    files.add(relative, entry.filemode() as u32, entry.id());
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        Ok(Snapshot::new(self, files, format!("revision `{rev}`")))
    }

    /// Which of `paths` (relative to the platform root) hold changes that are not
    /// committed: modified, staged, or untracked. A plan that would touch one of them
    /// stops, so a user's work in progress is never overwritten.
    pub fn uncommitted(&self, paths: &[&str]) -> Result<Vec<String>, GitError> {
        let repo = self.open()?;
        let mut dirty = Vec::new();
        for path in paths {
            let top_path = if self.prefix.is_empty() {
                (*path).to_owned()
            } else {
                format!("{}/{path}", self.prefix)
            };
            let status = match repo.status_file(Path::new(&top_path)) {
                Ok(status) => status,
                // Not in the index, HEAD or the working tree: nothing to lose.
                Err(e) if e.code() == git2::ErrorCode::NotFound => continue,
                Err(e) => return Err(e.into()),
            };
            // An ignored file holds work Git keeps nowhere else: as dirty as any.
            if !(status.is_empty() || status == git2::Status::CURRENT) {
                dirty.push((*path).to_owned());
            }
        }
        Ok(dirty)
    }

    /// `owner/name` of the `origin` remote when it is on a GitHub-like host
    /// (`https://host/owner/name(.git)` or `git@host:owner/name.git`).
    pub fn origin_repo(&self) -> Option<String> {
        let repo = self.open().ok()?;
        let remote = repo.find_remote("origin").ok()?;
        crate::forge::owner_and_name(remote.url().ok()?)
    }

    /// The URL of a remote.
    pub fn remote_url(&self, remote: &str) -> Option<String> {
        let repo = self.open().ok()?;
        let remote = repo.find_remote(remote).ok()?;
        remote.url().ok().map(str::to_owned)
    }

    /// `refs/remotes/REMOTE/BRANCH` as it is locally (no network).
    pub fn local_remote_branch(&self, remote: &str, branch: &str) -> Option<String> {
        let repo = self.open().ok()?;
        let reference = repo
            .find_reference(&format!("refs/remotes/{remote}/{branch}"))
            .ok()?;
        reference.peel_to_commit().ok().map(|c| c.id().to_string())
    }

    /// The remote's default branch as the last fetch recorded it (no network).
    pub fn local_remote_head(&self, remote: &str) -> Option<String> {
        let repo = self.open().ok()?;
        let reference = repo
            .find_reference(&format!("refs/remotes/{remote}/HEAD"))
            .ok()?;
        let target = reference.symbolic_target().ok()??.to_owned();
        target
            .strip_prefix(&format!("refs/remotes/{remote}/"))
            .map(str::to_owned)
    }

    /// The current branch's name, if HEAD is on one.
    pub fn current_branch(&self) -> Option<String> {
        let repo = self.open().ok()?;
        let head = repo.head().ok()?;
        if !head.is_branch() {
            return None;
        }
        head.shorthand().ok().map(str::to_owned)
    }

    /// The commit a local branch points at.
    pub fn branch_commit(&self, branch: &str) -> Option<String> {
        let repo = self.open().ok()?;
        let reference = repo.find_reference(&format!("refs/heads/{branch}")).ok()?;
        reference.peel_to_commit().ok().map(|c| c.id().to_string())
    }

    /// A new commit: `base` with `changes` (paths relative to the platform root)
    /// applied, made from objects alone — the working tree, the index and every branch
    /// stay as they are.
    pub fn commit_changes<C: TreeChange>(
        &self,
        base: &str,
        changes: &[C],
        message: &str,
    ) -> Result<String, GitError> {
        let files: Vec<(String, Option<&[u8]>)> = changes
            .iter()
            .map(|change| {
                let path = if self.prefix.is_empty() {
                    change.path().to_owned()
                } else {
                    format!("{}/{}", self.prefix, change.path())
                };
                (path, change.content())
            })
            .collect();
        self.commit_files(Some(base), &files, message)
    }

    /// A new commit on `base` (or a first commit, with `None`) where each file is
    /// written (`Some`) or removed (`None`); paths are relative to the top level.
    pub fn commit_files(
        &self,
        base: Option<&str>,
        files: &[(String, Option<&[u8]>)],
        message: &str,
    ) -> Result<String, GitError> {
        let repo = self.open()?;
        let base = base
            .map(|b| git2::Oid::from_str(b).and_then(|oid| repo.find_commit(oid)))
            .transpose()?;
        let base_tree = match &base {
            Some(commit) => commit.tree()?,
            None => {
                let empty = repo.treebuilder(None)?.write()?;
                repo.find_tree(empty)?
            }
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, content) in files {
            match content {
                Some(content) => {
                    let blob = repo.blob(content)?;
                    let executable = base_tree
                        .get_path(Path::new(path))
                        .is_ok_and(|e| e.filemode() == i32::from(git2::FileMode::BlobExecutable));
                    let mode = if executable {
                        git2::FileMode::BlobExecutable
                    } else {
                        git2::FileMode::Blob
                    };
                    update.upsert(path, blob, mode);
                }
                None => {
                    update.remove(path);
                }
            }
        }
        let tree_id = update.create_updated(&repo, &base_tree)?;
        let tree = repo.find_tree(tree_id)?;
        let signature = repo
            .signature()
            .or_else(|_| git2::Signature::now("portolan", "portolan@localhost"))?;
        let parents: Vec<&git2::Commit<'_>> = base.iter().collect();
        let commit = repo.commit(None, &signature, &signature, message, &tree, &parents)?;
        Ok(commit.to_string())
    }

    /// A commit's tree and parents.
    pub fn commit_shape(&self, commit: &str) -> Result<(String, Vec<String>), GitError> {
        let repo = self.open()?;
        let commit = repo.find_commit(git2::Oid::from_str(commit)?)?;
        Ok((
            commit.tree_id().to_string(),
            commit.parent_ids().map(|p| p.to_string()).collect(),
        ))
    }

    /// A commit's message.
    pub fn commit_message(&self, commit: &str) -> Option<String> {
        let repo = self.open().ok()?;
        let commit = repo.find_commit(git2::Oid::from_str(commit).ok()?).ok()?;
        commit.message().ok().map(str::to_owned)
    }

    /// Subjects of the commits on `tip` that `base` does not have, oldest first, and
    /// whether each carries `marker` in its message.
    pub fn commits_between(
        &self,
        base: &str,
        tip: &str,
        marker: &str,
    ) -> Result<Vec<(String, bool)>, GitError> {
        let repo = self.open()?;
        let mut walk = repo.revwalk()?;
        walk.push(git2::Oid::from_str(tip)?)?;
        walk.hide(git2::Oid::from_str(base)?)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        let mut out = Vec::new();
        for oid in walk {
            let commit = repo.find_commit(oid?)?;
            let message = commit.message().unwrap_or_default();
            let summary = commit.summary().ok().flatten().unwrap_or_default();
            out.push((summary.to_owned(), message.contains(marker)));
        }
        Ok(out)
    }

    /// A top-level path relative to the platform root, if it is under it.
    fn relative(&self, path: &str) -> Option<String> {
        if self.prefix.is_empty() {
            return Some(path.to_owned());
        }
        path.strip_prefix(&self.prefix)?
            .strip_prefix('/')
            .map(str::to_owned)
    }
}

/// The index `GIT_INDEX_FILE` names, when the repository Git's environment names is
/// the one at `git_dir`. Git hands hooks a temporary index this way (`git commit -a`,
/// `git commit PATH`); a relative value is relative to the current folder, which Git
/// sets to the top level for hooks. A variable left over from another repository's
/// hook does not apply to this one.
fn index_from_env(git_dir: &Path) -> Option<PathBuf> {
    let value = std::env::var_os("GIT_INDEX_FILE").filter(|v| !v.is_empty())?;
    let path = PathBuf::from(value);
    let path = if path.is_absolute() {
        path
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let named = git2::Repository::open_from_env().ok()?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    same(named.path(), git_dir).then_some(path)
}

/// Make `dir` a Git repository, unless it is already inside one.
pub fn init_if_needed(dir: &Path) -> Result<bool, GitError> {
    if git2::Repository::discover(dir).is_ok() {
        return Ok(false);
    }
    git2::Repository::init(dir)?;
    Ok(true)
}

/// The entries of an index or a tree: regular files are read; symbolic links
/// (0o120000) and submodules (0o160000) are passed over, as the working tree passes
/// over links and nested repositories.
#[derive(Default)]
struct Entries {
    files: BTreeMap<String, git2::Oid>,
    others: BTreeMap<String, SpecialEntry>,
}

impl Entries {
    fn add(&mut self, path: String, mode: u32, id: git2::Oid) {
        match mode & 0o170000 {
            0o100000 => {
                self.files.insert(path, id);
            }
            0o120000 => {
                self.others.insert(path, SpecialEntry::Link);
            }
            0o160000 => {
                self.others.insert(path, SpecialEntry::Submodule);
            }
            _ => {}
        }
    }
}

/// The files of an index or a commit under the platform root, by path.
pub struct Snapshot {
    files: BTreeMap<String, git2::Oid>,
    /// Links and submodules, passed over.
    others: BTreeMap<String, SpecialEntry>,
    /// The folders listed so far: what they hold of `others` was passed over.
    listed: Mutex<BTreeSet<String>>,
    git_dir: PathBuf,
    /// Open repositories, one per reading thread (`git2::Repository` is not `Sync`).
    pool: Mutex<Vec<git2::Repository>>,
    description: String,
}

impl Snapshot {
    fn new(repo: &Repo, entries: Entries, description: String) -> Self {
        Snapshot {
            files: entries.files,
            others: entries.others,
            listed: Mutex::default(),
            git_dir: repo.git_dir.clone(),
            pool: Mutex::new(Vec::new()),
            description,
        }
    }

    /// What this snapshot is ("the index", "revision `main`").
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Every path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Whether the file exists.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Remember that folder `dir` was listed.
    pub fn listed(&self, dir: &str) {
        if let Ok(mut listed) = self.listed.lock() {
            listed.insert(dir.to_owned());
        }
    }

    /// The links and submodules under the folders listed so far.
    pub fn passed_over(&self) -> Vec<(String, SpecialEntry)> {
        let listed = match self.listed.lock() {
            Ok(listed) => listed.clone(),
            Err(_) => return Vec::new(),
        };
        self.others
            .iter()
            // Hidden ones are not listed by the working tree either.
            .filter(|(path, _)| !path.split('/').any(|part| part.starts_with('.')))
            .filter(|(path, _)| {
                listed.iter().any(|dir| {
                    dir.is_empty()
                        || path.as_str() == dir
                        || path
                            .strip_prefix(dir.as_str())
                            .is_some_and(|r| r.starts_with('/'))
                })
            })
            .map(|(path, kind)| (path.clone(), *kind))
            .collect()
    }

    /// The first link or submodule on the way to `path` (itself included).
    pub fn passed_on_path(&self, path: &str) -> Option<(String, SpecialEntry)> {
        let mut prefix = String::new();
        for part in path.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            if let Some(kind) = self.others.get(&prefix) {
                return Some((prefix, *kind));
            }
        }
        None
    }

    /// The names directly in folder `dir` (files and folders).
    pub fn names_in(&self, dir: &str) -> Vec<String> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let under = |paths: &mut dyn Iterator<Item = &String>| -> Vec<String> {
            paths
                .map_while(|p| p.strip_prefix(&prefix))
                .filter_map(|rest| rest.split('/').next())
                .map(str::to_owned)
                .collect()
        };
        let mut names = under(&mut self.files.range(prefix.clone()..).map(|(p, _)| p));
        names.extend(under(
            &mut self.others.range(prefix.clone()..).map(|(p, _)| p),
        ));
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The bytes of a file.
    pub fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        let oid = *self.files.get(path).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("{path} is not in {}", self.description),
            )
        })?;
        let taken = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        let repo = match taken {
            Some(repo) => repo,
            None => git2::Repository::open(&self.git_dir).map_err(io_error)?,
        };
        let bytes = repo
            .find_blob(oid)
            .map(|blob| blob.content().to_vec())
            .map_err(io_error);
        if let Ok(mut pool) = self.pool.lock() {
            pool.push(repo);
        }
        bytes
    }
}

fn io_error(e: git2::Error) -> std::io::Error {
    std::io::Error::other(e.message().to_owned())
}
