//! The working tree: files on disk under the platform root.

use super::{PassedKind, PassedOver, Source};
use std::collections::{BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// A directory on disk (a Git working tree or any folder).
///
/// Hidden files and whatever `.gitignore` excludes are not part of the catalog, the
/// same files Git would not commit. Symbolic links are never followed: not by a
/// listing, not by a read, not on the way to a file — so nothing outside the root is
/// ever read, whatever a repository's content names. Folders with a `.git` inside
/// (submodules, nested repositories) are not listed.
pub struct Worktree {
    root: PathBuf,
    /// Folders known to be reached from the root without a link: every folder a
    /// listing walked, and those a read checked. A read in one of them needs no
    /// check of the way, only of the file itself.
    clean: RwLock<HashSet<String>>,
    /// What listings passed over.
    passed: Mutex<BTreeSet<PassedOver>>,
}

impl Worktree {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Worktree {
            root: root.into(),
            clean: RwLock::default(),
            passed: Mutex::default(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn absolute(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    /// Refuse a path whose folders include a symbolic link; remember the folders.
    fn check_way(&self, path: &str) -> io::Result<()> {
        let Some((dir, _)) = path.rsplit_once('/') else {
            return Ok(());
        };
        if self.clean.read().is_ok_and(|clean| clean.contains(dir)) {
            return Ok(());
        }
        if let Some(link) = first_link(&self.root, dir) {
            return Err(through_link(path, &link));
        }
        // Only a folder that exists is known to be clean: one made later could be a link.
        if self.absolute(dir).is_dir() {
            if let Ok(mut clean) = self.clean.write() {
                clean.insert(dir.to_owned());
            }
        }
        Ok(())
    }

    /// A path on disk as a path from the root (as given, when it is not under it).
    fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    fn record(&self, path: String, kind: PassedKind) {
        if let Ok(mut passed) = self.passed.lock() {
            passed.insert(PassedOver { path, kind });
        }
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
        self.check_way(path)?;
        read_whole(&self.absolute(path)).map_err(|e| {
            if is_link(&self.absolute(path)) {
                through_link(path, path)
            } else {
                e
            }
        })
    }

    fn exists(&self, path: &str) -> bool {
        self.check_way(path).is_ok()
            && std::fs::symlink_metadata(self.absolute(path)).is_ok_and(|m| m.is_file())
    }

    fn names_in(&self, dir: &str) -> Vec<String> {
        if !dir.is_empty() && first_link(&self.root, dir).is_some() {
            return Vec::new();
        }
        let Ok(entries) = std::fs::read_dir(self.absolute(dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort_unstable();
        names
    }

    fn passed_over(&self) -> Vec<PassedOver> {
        self.passed
            .lock()
            .map(|p| p.iter().cloned().collect())
            .unwrap_or_default()
    }

    fn passed_on_path(&self, path: &str) -> Option<PassedOver> {
        first_passed(&self.root, path)
    }
}

/// The first symbolic link on the way from `root` to `path` (itself included).
fn first_link(root: &Path, path: &str) -> Option<String> {
    first_passed(root, path)
        .filter(|p| p.kind == PassedKind::Link)
        .map(|p| p.path)
}

/// The first symbolic link, or folder with a `.git` of its own (a submodule, a nested
/// repository), on the way from `root` to `path` (itself included).
fn first_passed(root: &Path, path: &str) -> Option<PassedOver> {
    let mut current = root.to_path_buf();
    let mut walked = Vec::new();
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        current.push(part);
        walked.push(part);
        let kind = match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => PassedKind::Link,
            Ok(meta)
                if meta.is_dir() && std::fs::symlink_metadata(current.join(".git")).is_ok() =>
            {
                PassedKind::Submodule
            }
            Ok(_) => continue,
            Err(_) => return None, // the rest does not exist
        };
        return Some(PassedOver {
            path: walked.join("/"),
            kind,
        });
    }
    None
}

/// A `.gitignore` that is a link, in `base` or a folder above it up to the top of its
/// Git repository (or the file system's root).
fn linked_gitignore_above(base: &Path) -> Option<PathBuf> {
    for dir in base.ancestors() {
        let ignore = dir.join(".gitignore");
        if is_link(&ignore) {
            return Some(ignore);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    None
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn through_link(path: &str, link: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        if path == link {
            format!("`{path}` is a symbolic link, which portolan does not follow")
        } else {
            format!(
                "`{path}` goes through the symbolic link `{link}`, which portolan does not follow"
            )
        },
    )
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
    let mut file = open_no_follow(path)?;
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

/// Open a file for reading, refusing a symbolic link at the last step (the folders on
/// the way are checked by the caller): `O_NOFOLLOW` costs no extra system call.
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    if is_link(path) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a symbolic link is not followed",
        ));
    }
    options.open(path)
}

impl Worktree {
    /// Files under `dir`, skipping hidden ones when `skip_hidden`. A `dir` reached
    /// through a link is not walked; links and nested repositories under it are passed
    /// over (and recorded); `.git` is never listed.
    fn walk(&self, dir: &str, skip_hidden: bool) -> io::Result<Vec<String>> {
        let dir = dir.trim_end_matches('/');
        if let Some(link) = first_link(&self.root, dir) {
            self.record(link, PassedKind::Link);
            return Ok(Vec::new());
        }
        let base = self.absolute(dir);
        if !base.is_dir() {
            return Ok(Vec::new());
        }
        // The walker reads the `.gitignore` of every folder above the one it starts
        // in, and of each it enters, following links: a linked one is never read
        // (Git does not follow them either), and its folder is not walked.
        if let Some(link) = linked_gitignore_above(&base) {
            self.record(self.relative(&link), PassedKind::Link);
            return Ok(Vec::new());
        }
        let found = Mutex::new(Vec::new());
        let folders = Mutex::new(Vec::new());
        let failure = Mutex::new(None);
        // Folders whose `.gitignore` is a link: filtered out before the walker enters
        // them (and reads that file).
        let linked_ignores: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
        let linked = Arc::clone(&linked_ignores);
        ignore::WalkBuilder::new(&base)
            .hidden(skip_hidden)
            .follow_links(false)
            .parents(true)
            // `.ignore` files are not Git's: Git commits what they name.
            .ignore(false)
            .filter_entry(move |entry| {
                let ignore = entry.path().join(".gitignore");
                let enter = !(entry.file_type().is_some_and(|t| t.is_dir()) && is_link(&ignore));
                if !enter {
                    if let Ok(mut linked) = linked.lock() {
                        linked.push(ignore);
                    }
                }
                enter
            })
            .build_parallel()
            .run(|| {
                Box::new(|entry| {
                    let entry = match entry {
                        Ok(entry) => entry,
                        Err(error) => {
                            if let Ok(mut failure) = failure.lock() {
                                failure.get_or_insert(error);
                            }
                            return ignore::WalkState::Continue;
                        }
                    };
                    if entry.file_name() == ".git" {
                        return ignore::WalkState::Skip;
                    }
                    let Ok(rel) = entry.path().strip_prefix(&self.root) else {
                        return ignore::WalkState::Continue;
                    };
                    let rel = rel.to_string_lossy().replace('\\', "/");
                    let Some(kind) = entry.file_type() else {
                        return ignore::WalkState::Continue;
                    };
                    if kind.is_symlink() {
                        self.record(rel, PassedKind::Link);
                    } else if kind.is_dir() {
                        // The platform root itself is the repository, not a nested one.
                        if !rel.is_empty()
                            && std::fs::symlink_metadata(entry.path().join(".git")).is_ok()
                        {
                            self.record(rel, PassedKind::Submodule);
                            return ignore::WalkState::Skip;
                        }
                        if let Ok(mut folders) = folders.lock() {
                            folders.push(rel);
                        }
                    } else if kind.is_file() {
                        if let Ok(mut found) = found.lock() {
                            found.push(rel);
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
        if let Some(error) = failure.into_inner().ok().flatten() {
            return Err(io::Error::other(error.to_string()));
        }
        for ignore in linked_ignores.lock().map(|l| l.clone()).unwrap_or_default() {
            self.record(self.relative(&ignore), PassedKind::Link);
        }
        if let (Ok(mut clean), Ok(folders)) = (self.clean.write(), folders.into_inner()) {
            clean.extend(folders);
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
