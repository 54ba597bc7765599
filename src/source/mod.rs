//! Where bytes come from, and how text becomes documents with positions.
//!
//! Every command reads the platform repository through a [`Source`], so that the
//! working tree, the Git index and a commit give the same answer for the same content.

mod git_snapshot;
mod overlay;
pub mod parse;
mod read;
#[cfg(test)]
pub(crate) mod reference_spans;
mod simple_yaml;
pub mod spans;
pub mod strict;
pub mod text;
mod worktree;

pub use overlay::Overlay;
pub use read::{read_and_parse, SourceFile};
pub use worktree::Worktree;

use std::io;

/// A tree of files to read, addressed by `/`-separated paths relative to its root.
///
/// No source follows a symbolic link, in a listing or a read: what a repository's
/// content names can never reach outside it. Links and nested Git repositories
/// (submodules) are passed over and told by [`Source::passed_over`], so the same
/// content gives the same answer from the working tree, the index and a commit.
pub trait Source: Sync {
    /// Every file under `dir` (relative, `/`-separated), recursively, sorted.
    /// A missing directory is an empty list.
    fn files_under(&self, dir: &str) -> io::Result<Vec<String>>;
    /// Every file under `dir`, hidden ones (`.github/`, `.dockerignore`) included: a
    /// template's files are copied whatever their names.
    fn all_files_under(&self, dir: &str) -> io::Result<Vec<String>> {
        self.files_under(dir)
    }
    /// The bytes of one file.
    fn read(&self, path: &str) -> io::Result<Vec<u8>>;
    /// Whether a file exists.
    fn exists(&self, path: &str) -> bool;
    /// The names directly in folder `dir` (`""`: the root), files and folders, hidden
    /// ones included: what a new name must not collide with by case.
    fn names_in(&self, dir: &str) -> Vec<String> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names: Vec<String> = self
            .all_files_under(dir)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.strip_prefix(&prefix))
            .filter_map(|rest| rest.split('/').next())
            .map(str::to_owned)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
    /// What the listings made so far passed over without reading, sorted.
    fn passed_over(&self) -> Vec<PassedOver> {
        Vec::new()
    }
    /// The first symbolic link or submodule on the way to `path` (the path itself
    /// included), if any: nothing is written through either.
    fn passed_on_path(&self, _path: &str) -> Option<PassedOver> {
        None
    }
}

/// A tree with no file. With an [`Overlay`] laid over it, a repository held wholly in
/// memory: an editor's buffers before any is saved, or a test's catalog.
pub struct Empty;

impl Source for Empty {
    fn files_under(&self, _dir: &str) -> io::Result<Vec<String>> {
        Ok(Vec::new())
    }

    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{path}: no such file"),
        ))
    }

    fn exists(&self, _path: &str) -> bool {
        false
    }
}

/// A path a listing passed over.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PassedOver {
    /// Relative to the source's root, `/`-separated.
    pub path: String,
    pub kind: PassedKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PassedKind {
    /// A symbolic link: never followed.
    Link,
    /// A nested Git repository or submodule: its files belong to another repository.
    Submodule,
}
