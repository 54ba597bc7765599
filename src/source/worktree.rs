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
        read_whole(&self.absolute(path))
    }

    fn exists(&self, path: &str) -> bool {
        self.absolute(path).is_file()
    }
}

/// How much of a file one system call asks for: more than nearly every catalog file.
const READ_CHUNK: usize = 16 * 1024;

/// Read a whole file without asking its size first. `std::fs::read` stats the file to
/// size its buffer, a fifth of the system calls of loading a catalog of small files
/// (76k of them at 100k entities); here a per-thread buffer takes each read and the
/// bytes are copied out, so the result is exactly as long as the file.
fn read_whole(path: &Path) -> io::Result<Vec<u8>> {
    use std::cell::RefCell;
    use std::io::Read;
    thread_local! {
        static CHUNK: RefCell<Vec<u8>> = RefCell::new(vec![0; READ_CHUNK]);
    }
    let mut file = std::fs::File::open(path)?;
    CHUNK.with(|chunk| {
        let mut chunk = chunk.borrow_mut();
        let mut bytes = Vec::new();
        loop {
            match file.read(&mut chunk[..]) {
                Ok(0) => return Ok(bytes),
                Ok(n) => bytes.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_whole_files_of_any_size() {
        let dir = tempfile::tempdir().unwrap();
        let worktree = Worktree::new(dir.path());
        for len in [
            0,
            1,
            READ_CHUNK - 1,
            READ_CHUNK,
            READ_CHUNK + 1,
            3 * READ_CHUNK + 7,
        ] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(dir.path().join("f.yaml"), &bytes).unwrap();
            let read = worktree.read("f.yaml").unwrap();
            assert_eq!(read, bytes, "{len} bytes");
        }
        let missing = worktree.read("missing.yaml").unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        assert!(worktree.read("folder").is_err());
    }
}
