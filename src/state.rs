//! portolan's local state: what it keeps between runs, and where.
//!
//! Nothing here may ever be committed, so none of it lives in the repository's working
//! tree (DESIGN.md §4):
//! - per worktree, under `$(git rev-parse --git-dir)/portolan/`: the lock writing
//!   commands hold, the journal of a change being applied, records of portolan's own
//!   pending edits;
//! - shared by the worktrees of one repository, under the common Git folder
//!   (`.git/portolan/`): caches;
//! - outside Git, under `$XDG_CACHE_HOME/portolan/<key>/` (else `~/.cache`), one folder
//!   per platform folder, keyed by its absolute path.
//!
//! The lock is an OS advisory lock on a file ([`std::fs::File::try_lock`]): the kernel
//! releases it when the process ends, however it ends, so there is no stale PID file
//! to clean up after a crash.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The name of portolan's folder inside a Git folder or the cache folder.
const FOLDER: &str = "portolan";

/// How long a writing command waits for another one to finish before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// Where one platform folder's local state lives.
#[derive(Debug, Clone)]
pub struct State {
    /// This worktree's state folder (may not exist yet).
    dir: PathBuf,
    /// The folder paths in a journal are relative to: the Git top level, or the
    /// platform folder outside Git.
    base: PathBuf,
    /// Where the platform folder is under `base` (`/`-separated, empty at the top).
    prefix: String,
}

/// Why the local state cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("another portolan command is changing this repository (it holds {0})")]
    Busy(PathBuf),
    #[error("cannot use portolan's local state in {path}: {error}")]
    Io { path: PathBuf, error: io::Error },
}

impl State {
    /// The state of the platform folder `root`: in its Git folder when it is in a Git
    /// working tree, else in the user's cache folder.
    pub fn of(root: &Path) -> io::Result<State> {
        let absolute = root.canonicalize()?;
        if let Ok(repo) = git2::Repository::discover(&absolute) {
            if let Some(top) = repo.workdir().and_then(|t| t.canonicalize().ok()) {
                let prefix = absolute
                    .strip_prefix(&top)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                return Ok(State {
                    dir: repo.path().join(FOLDER),
                    base: top,
                    prefix,
                });
            }
        }
        Ok(State {
            dir: cache_home().join(FOLDER).join(key_of(&absolute)),
            base: absolute,
            prefix: String::new(),
        })
    }

    /// This worktree's state folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder journal paths are relative to.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// A platform-relative path as a path from [`State::base`].
    pub fn from_base(&self, path: &str) -> String {
        if self.prefix.is_empty() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.prefix)
        }
    }

    /// Make the state folder, private to the user.
    pub fn create(&self) -> Result<(), StateError> {
        let io = |error| StateError::Io {
            path: self.dir.clone(),
            error,
        };
        std::fs::create_dir_all(&self.dir).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o700))
                .map_err(io)?;
        }
        Ok(())
    }

    /// Take the lock of writing commands, waiting a few seconds for another run to
    /// finish. Held until the returned [`Lock`] is dropped or the process ends.
    pub fn lock(&self) -> Result<Lock, StateError> {
        self.lock_waiting(lock_wait())
    }

    fn lock_waiting(&self, wait: Duration) -> Result<Lock, StateError> {
        self.create()?;
        let path = self.dir.join("lock");
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| StateError::Io {
                path: path.clone(),
                error,
            })?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock { _file: file }),
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(std::fs::TryLockError::WouldBlock) => return Err(StateError::Busy(path)),
                Err(std::fs::TryLockError::Error(error)) => {
                    return Err(StateError::Io { path, error })
                }
            }
        }
    }
}

impl State {
    /// The files portolan wrote in this worktree, as it wrote them.
    pub fn own_edits(&self) -> OwnEdits {
        let path = self.dir.join(OWN_EDITS);
        let written = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        OwnEdits {
            written,
            prefix: self.prefix.clone(),
            path,
        }
    }
}

/// The file that records portolan's own pending edits.
const OWN_EDITS: &str = "own-edits.json";

/// Files portolan wrote (path from the base → hash of what it wrote): an uncommitted
/// change that is exactly portolan's own is not a user's edit, so a second run may
/// change it again — two runs in a row need no commit between them — while any file a
/// person touched since is still never overwritten.
#[derive(Debug, Default)]
pub struct OwnEdits {
    written: BTreeMap<String, String>,
    prefix: String,
    path: PathBuf,
}

impl OwnEdits {
    fn key(&self, path: &str) -> String {
        if self.prefix.is_empty() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.prefix)
        }
    }

    /// Whether the file at `path` (from the platform root) holds, or lacks, exactly
    /// what portolan last left there.
    pub fn is_own(&self, path: &str, current: Option<&[u8]>) -> bool {
        match (self.written.get(&self.key(path)), current) {
            (Some(hash), Some(bytes)) => *hash == content_hash(bytes),
            (Some(hash), None) => hash.is_empty(),
            (None, _) => false,
        }
    }

    /// Remember what an applied change left: each written file's hash, and deleted
    /// files as gone (paths from the platform root).
    pub fn remember<'a>(
        &mut self,
        changes: impl IntoIterator<Item = (&'a str, Option<&'a [u8]>)>,
    ) -> io::Result<()> {
        for (path, content) in changes {
            let key = self.key(path);
            self.written
                .insert(key, content.map(content_hash).unwrap_or_default());
        }
        let text = serde_json::to_vec_pretty(&self.written).map_err(io::Error::other)?;
        crate::safe_fs::write_atomically(&self.path, &text, None)
    }
}

/// The Git blob hash of some bytes, in hex: how the journal and the records of own
/// edits recognise a file's content.
pub fn content_hash(bytes: &[u8]) -> String {
    git2::Oid::hash_object(git2::ObjectType::Blob, bytes)
        .map(|oid| oid.to_string())
        .unwrap_or_default()
}

/// The lock of writing commands; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// How long to wait for the lock. Debug builds let the tests shorten it.
fn lock_wait() -> Duration {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("PORTOLAN_TEST_LOCK_WAIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Duration::from_millis(ms);
    }
    LOCK_WAIT
}

/// `$XDG_CACHE_HOME`, else `~/.cache`, else the temporary folder.
fn cache_home() -> PathBuf {
    let from = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    from("XDG_CACHE_HOME")
        .or_else(|| from("HOME").map(|home| home.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
}

/// A folder name for an absolute path: its last segment (for people looking) and a
/// hash of the whole path (so two folders never share state).
fn key_of(path: &Path) -> String {
    let text = path.to_string_lossy();
    let hash = git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes())
        .map(|oid| oid.to_string()[..16].to_owned())
        .unwrap_or_default();
    let name: String = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
        .take(40)
        .collect();
    format!("{}-{hash}", name.trim_start_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_git_the_state_is_in_the_git_folder() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        std::fs::create_dir(dir.path().join("platform")).unwrap();
        let state = State::of(&dir.path().join("platform")).unwrap();
        assert_eq!(
            state.dir(),
            dir.path().canonicalize().unwrap().join(".git/portolan")
        );
        assert_eq!(state.from_base("catalog/x.yaml"), "platform/catalog/x.yaml");
    }

    #[test]
    fn outside_git_the_state_is_in_the_cache_keyed_by_folder() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let (sa, sb) = (State::of(a.path()).unwrap(), State::of(b.path()).unwrap());
        assert_ne!(sa.dir(), sb.dir());
        assert!(!sa.dir().starts_with(a.path()), "never inside the folder");
        assert!(sa
            .dir()
            .ends_with(key_of(&a.path().canonicalize().unwrap())));
    }

    #[test]
    fn a_second_lock_waits_then_fails_and_is_free_once_released() {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        let state = State::of(dir.path()).unwrap();
        let first = state.lock_waiting(Duration::ZERO).unwrap();
        let started = Instant::now();
        let second = state.lock_waiting(Duration::from_millis(200));
        assert!(matches!(second, Err(StateError::Busy(_))), "{second:?}");
        assert!(started.elapsed() >= Duration::from_millis(200));
        drop(first);
        assert!(state.lock_waiting(Duration::ZERO).is_ok());
    }
}
