//! Making files without following a link: every file portolan creates is new.
//!
//! A temporary file beside its destination has a name anyone who can commit to the
//! repository could plant first — as a symbolic link to `~/.ssh/authorized_keys`, say.
//! Opening such a name with `File::create` follows the link and writes through it, and
//! `set_permissions` on the path would change the target's mode. So files are created
//! with `O_CREAT | O_EXCL` (`create_new`), which fails on any existing name, a dangling
//! link included, under a name with a random part, and their mode is set through the
//! open handle.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file that did not exist, created for writing.
pub fn create_new(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

/// A name for a temporary file beside `path`: hidden, for this process, and with a
/// random part no one can guess ahead.
pub fn temp_name_beside(name: &str) -> String {
    format!(".{name}.portolan-{}-{:08x}", std::process::id(), random32())
}

/// Create a new temporary file beside `path`, trying new names if one is taken.
pub fn create_temp_beside(path: &Path) -> io::Result<(File, PathBuf)> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for _ in 0..8 {
        let temp = path.with_file_name(temp_name_beside(&name));
        match create_new(&temp) {
            Ok(file) => return Ok((file, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// Write a file's whole content through a new temporary file beside it, flushed, and
/// a rename: a reader sees the old file or the new one, never a part. `mode` is the
/// new file's permissions (Unix mode bits), when it must have some.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let (mut file, temp) = create_temp_beside(path)?;
    let written = (|| {
        file.write_all(bytes)?;
        set_mode(&file, mode)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Set an open file's permissions (Unix mode bits), when given.
pub fn set_mode(file: &File, mode: Option<u32>) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = (file, mode);
    Ok(())
}

/// The Unix mode bits of a file that exists (not following a link).
pub fn mode_of(path: &Path) -> Option<u32> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// 32 bits no one can guess ahead: the standard library's per-process random hash
/// keys, mixed with the time and a counter.
fn random32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "precious\n").unwrap();
        let planted = dir.path().join("planted");
        std::os::unix::fs::symlink(&target, &planted).unwrap();
        assert_eq!(
            create_new(&planted).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("dangling"))
            .unwrap();
        assert!(create_new(&dir.path().join("dangling")).is_err());
        assert!(!dir.path().join("nowhere").exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
    }

    #[test]
    fn writes_atomically_with_a_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.sh");
        write_atomically(&path, b"#!/bin/sh\n", Some(0o755)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"#!/bin/sh\n");
        #[cfg(unix)]
        assert_eq!(mode_of(&path), Some(0o755));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
        assert_ne!(temp_name_beside("x"), temp_name_beside("x"));
    }
}
