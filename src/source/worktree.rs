//! The working tree: files on disk under the platform root.

use super::Source;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A directory on disk (a Git working tree or any folder).
///
/// Hidden files and whatever `.gitignore` excludes are not part of the catalog, the
/// same files Git would not commit. Symbolic links are not followed, so nothing outside
/// the root is ever read.
pub struct Worktree {
    root: PathBuf,
}

impl Worktree {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Worktree { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn absolute(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }
}

impl Source for Worktree {
    fn files_under(&self, dir: &str) -> io::Result<Vec<String>> {
        self.walk(dir, true)
    }

    fn all_files_under(&self, dir: &str) -> io::Result<Vec<String>> {
        self.walk(dir, false)
    }

    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.absolute(path))
    }

    fn exists(&self, path: &str) -> bool {
        self.absolute(path).is_file()
    }
}

impl Worktree {
    /// Files under `dir`, skipping hidden ones when `skip_hidden`.
    fn walk(&self, dir: &str, skip_hidden: bool) -> io::Result<Vec<String>> {
        let base = self.absolute(dir);
        if !base.is_dir() {
            return Ok(Vec::new());
        }
        let found = Mutex::new(Vec::new());
        let failure = Mutex::new(None);
        ignore::WalkBuilder::new(&base)
            .hidden(skip_hidden)
            .follow_links(false)
            .parents(true)
            .build_parallel()
            .run(|| {
                Box::new(|entry| {
                    match entry {
                        Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                            if let Ok(rel) = entry.path().strip_prefix(&self.root) {
                                let rel = rel.to_string_lossy().replace('\\', "/");
                                if let Ok(mut found) = found.lock() {
                                    found.push(rel);
                                }
                            }
                        }
                        Ok(_) => {}
                        Err(error) => {
                            if let Ok(mut failure) = failure.lock() {
                                failure.get_or_insert(error);
                            }
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
        if let Some(error) = failure.into_inner().ok().flatten() {
            return Err(io::Error::other(error.to_string()));
        }
        let mut files = found.into_inner().unwrap_or_default();
        files.sort_unstable();
        Ok(files)
    }
}
