//! Where bytes come from, and how text becomes documents with positions.
//!
//! Every command reads the platform repository through a [`Source`], so that the
//! working tree, the Git index and a commit give the same answer for the same content.

mod git_snapshot;
pub mod parse;
#[cfg(test)]
pub(crate) mod reference_spans;
mod simple_yaml;
pub mod spans;
pub mod strict;
pub mod text;
mod worktree;

pub use worktree::Worktree;

use std::io;

/// A tree of files to read, addressed by `/`-separated paths relative to its root.
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
}
