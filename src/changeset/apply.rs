//! Writing a prepared change into the working tree: all or nothing, even across a
//! crash.
//!
//! A change is applied in three phases, each recorded in a journal in portolan's local
//! state ([`State`]) before it starts, so a process killed at any instant leaves
//! enough behind to put the tree back:
//! 1. **staging** — the journal names every temporary file and folder about to be made;
//!    then each new content is written to a temporary file beside its destination and
//!    flushed to disk. The tree's own files are untouched.
//! 2. **renaming** — every file the change replaces or deletes is copied into the
//!    journal's folder and checked against what the plan read (an edit made since is
//!    never overwritten); then the journal says so, and the temporary files are renamed
//!    over their destinations and deleted files removed.
//! 3. the journal is removed: the change is in place.
//!
//! An error in any phase undoes what was done ([`undo`]); a journal left by a killed
//! process is undone by the next writing command ([`recover`]), which runs under the
//! lock. Undoing restores a file only while it still holds what this change wrote: a
//! file someone edited since is left as it is, and said.

use super::{ChangeKind, FileChange};
use crate::faults;
use crate::safe_fs::{self, write_atomically};
use crate::state::{content_hash as hash, State};
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::path::Path;

/// The journal's file name in the state folder.
const JOURNAL: &str = "journal.json";
/// The folder beside it that holds what replaced and deleted files held.
const BACKUPS: &str = "journal";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Phase {
    Staging,
    Renaming,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    version: u32,
    phase: Phase,
    entries: Vec<Entry>,
    /// Folders made for new files, outermost first, from the state's base.
    dirs: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The file, from the state's base.
    path: String,
    /// Its temporary file (a write), from the state's base.
    temp: Option<String>,
    /// The backup of what the file held, in the backups folder (`None`: no file).
    backup: Option<String>,
    /// The hash of what the change writes (`None`: the change deletes the file).
    new: Option<String>,
    /// The permissions (Unix mode bits) of the file that was there, to restore them.
    #[serde(default)]
    mode: Option<u32>,
}

/// Why applying failed, and what that left.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// Nothing was changed: every file is as it was.
    #[error("{0}")]
    RolledBack(io::Error),
    /// A file changed since the plan read it: nothing was written.
    #[error("`{0}` changed while portolan was preparing to write it")]
    Changed(String),
    /// The failure could not be fully undone.
    #[error("{error}; undoing it left {}", list(left))]
    Incomplete { error: io::Error, left: Vec<String> },
}

/// What undoing a change did.
#[derive(Debug, Default)]
pub struct Undone {
    /// Files put back as they were (or removed, if the change had created them).
    pub restored: Vec<String>,
    /// Temporary files removed.
    pub temporaries: usize,
    /// Files left as they are because they changed since, with why.
    pub left: Vec<String>,
}

/// A journal an interrupted run left behind, undone.
#[derive(Debug)]
pub struct Recovered {
    /// The run had started replacing files (not only staging them).
    pub was_renaming: bool,
    pub undone: Undone,
}

/// Write prepared changes (paths relative to the platform root) all or nothing.
pub fn apply(state: &State, changes: &[FileChange]) -> Result<(), ApplyError> {
    if changes.is_empty() {
        return Ok(());
    }
    let base = state.base().to_path_buf();
    let mut journal = Journal {
        version: 1,
        phase: Phase::Staging,
        entries: Vec::with_capacity(changes.len()),
        dirs: missing_dirs(&base, state, changes),
    };
    for change in changes {
        let path = state.from_base(&change.path);
        let temp = change.new.as_ref().map(|_| temp_name(&path));
        let mode = safe_fs::mode_of(&base.join(&path));
        journal.entries.push(Entry {
            path,
            temp,
            backup: None,
            new: change.new.as_deref().map(hash),
            mode,
        });
    }
    state
        .create()
        .map_err(|e| ApplyError::RolledBack(io::Error::other(e.to_string())))?;
    write_journal(state, &journal).map_err(ApplyError::RolledBack)?;

    if let Err(error) = stage(&base, &journal, changes) {
        return Err(abandon(state, &journal, error));
    }
    match keep_backups(state, &base, &mut journal, changes) {
        Ok(()) => {}
        Err(Staged::Changed(path)) => {
            let _ = abandon(state, &journal, io::Error::other("changed"));
            return Err(ApplyError::Changed(path));
        }
        Err(Staged::Io(error)) => return Err(abandon(state, &journal, error)),
    }
    journal.phase = Phase::Renaming;
    if let Err(error) = faults::point("journal", 1).and_then(|()| write_journal(state, &journal)) {
        return Err(abandon(state, &journal, error));
    }

    for (i, entry) in journal.entries.iter().enumerate() {
        let done = faults::point("rename", i + 1).and_then(|()| {
            let destination = base.join(&entry.path);
            match &entry.temp {
                Some(temp) => std::fs::rename(base.join(temp), &destination),
                None => match std::fs::remove_file(&destination) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                },
            }
        });
        if let Err(error) = done {
            return Err(abandon(state, &journal, error));
        }
    }
    prune_emptied(&base, &journal);
    sync_parents(&base, &journal);
    remove_journal(state);
    Ok(())
}

/// Undo what a failed apply did; the error says whether that worked.
fn abandon(state: &State, journal: &Journal, error: io::Error) -> ApplyError {
    let undone = undo(state, journal);
    remove_journal(state);
    if undone.left.is_empty() {
        ApplyError::RolledBack(error)
    } else {
        ApplyError::Incomplete {
            error,
            left: undone.left,
        }
    }
}

/// Whether a run left a journal behind (read-only commands only say so).
pub fn interrupted(state: &State) -> bool {
    state.dir().join(JOURNAL).is_file()
}

/// Undo the change an interrupted run left half-applied, if any. Call with the lock
/// held.
pub fn recover(state: &State) -> io::Result<Option<Recovered>> {
    let path = state.dir().join(JOURNAL);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let unreadable = |why: String| {
        io::Error::other(format!(
            "{} cannot be read ({why}); move it away once you have checked the files it names",
            path.display()
        ))
    };
    let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| unreadable(e.to_string()))?;
    // The journal names only paths of this tree: never one outside it or in `.git`.
    for entry in &journal.entries {
        for path in std::iter::once(&entry.path).chain(&entry.temp) {
            if super::safe_path(path).ok().as_deref() != Some(path.as_str()) {
                return Err(unreadable(format!("it names `{path}`")));
            }
        }
    }
    let undone = undo(state, &journal);
    remove_journal(state);
    Ok(Some(Recovered {
        was_renaming: journal.phase == Phase::Renaming,
        undone,
    }))
}

/// Put every file of the journal back as it was, unless it changed since.
fn undo(state: &State, journal: &Journal) -> Undone {
    let base = state.base();
    let backups = state.dir().join(BACKUPS);
    let mut undone = Undone::default();
    for entry in journal.entries.iter().rev() {
        if let Some(temp) = &entry.temp {
            if std::fs::remove_file(base.join(temp)).is_ok() {
                undone.temporaries += 1;
            }
        }
        if journal.phase == Phase::Staging {
            continue; // no file of the tree was touched yet
        }
        let destination = base.join(&entry.path);
        let current = std::fs::read(&destination).ok();
        let old = match &entry.backup {
            Some(name) => match std::fs::read(backups.join(name)) {
                Ok(bytes) => Some(bytes),
                Err(_) => {
                    undone
                        .left
                        .push(format!("`{}` (its backup is missing)", entry.path));
                    continue;
                }
            },
            None => None,
        };
        if current == old {
            continue; // not reached yet, or already back
        }
        let written = current.as_deref().map(hash) == entry.new && current.is_some();
        let deleted = current.is_none() && entry.new.is_none();
        if !(written || deleted) {
            undone
                .left
                .push(format!("`{}` (it changed since)", entry.path));
            continue;
        }
        let restored = match &old {
            Some(bytes) => write_atomically(&destination, bytes, entry.mode),
            None => std::fs::remove_file(&destination),
        };
        match restored {
            Ok(()) => undone.restored.push(entry.path.clone()),
            Err(e) => undone.left.push(format!("`{}` ({e})", entry.path)),
        }
    }
    for dir in journal.dirs.iter().rev() {
        let _ = std::fs::remove_dir(base.join(dir));
    }
    undone
}

/// Write every new content to its temporary file, flushed to disk.
fn stage(base: &Path, journal: &Journal, changes: &[FileChange]) -> io::Result<()> {
    for dir in &journal.dirs {
        match std::fs::create_dir(base.join(dir)) {
            Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    let mut staged = 0;
    for (entry, change) in journal.entries.iter().zip(changes) {
        let (Some(temp), Some(content)) = (&entry.temp, &change.new) else {
            continue;
        };
        staged += 1;
        faults::point("stage", staged)?;
        // A new file, never one planted under the temporary name (a link).
        let mut file = safe_fs::create_new(&base.join(temp))?;
        file.write_all(content)?;
        safe_fs::set_mode(&file, entry.mode)?;
        file.sync_all()?;
    }
    Ok(())
}

enum Staged {
    Changed(String),
    Io(io::Error),
}

/// Copy what each replaced or deleted file holds into the journal's folder, first
/// checking it is still what the plan read.
fn keep_backups(
    state: &State,
    base: &Path,
    journal: &mut Journal,
    changes: &[FileChange],
) -> Result<(), Staged> {
    let folder = state.dir().join(BACKUPS);
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).map_err(Staged::Io)?;
    for (i, (entry, change)) in journal.entries.iter_mut().zip(changes).enumerate() {
        let current = match std::fs::read(base.join(&entry.path)) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(Staged::Io(e)),
        };
        let expected = match change.kind {
            ChangeKind::Create => None,
            ChangeKind::Modify | ChangeKind::Delete => change.old.clone(),
        };
        if current != expected {
            return Err(Staged::Changed(change.path.clone()));
        }
        if let Some(bytes) = current {
            let name = format!("{i}");
            write_synced(&folder.join(&name), &bytes).map_err(Staged::Io)?;
            entry.backup = Some(name);
        }
    }
    Ok(())
}

/// The folders new files need that do not exist, outermost first.
fn missing_dirs(base: &Path, state: &State, changes: &[FileChange]) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    for change in changes.iter().filter(|c| c.new.is_some()) {
        let path = state.from_base(&change.path);
        let mut missing = Vec::new();
        let mut dir = Path::new(&path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if base.join(d).is_dir() {
                break;
            }
            missing.push(d.to_string_lossy().replace('\\', "/"));
            dir = d.parent();
        }
        for d in missing.into_iter().rev() {
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    dirs
}

/// Folders the deletes emptied go too (Git does not keep empty folders either).
fn prune_emptied(base: &Path, journal: &Journal) {
    for entry in journal.entries.iter().filter(|e| e.new.is_none()) {
        let mut dir = Path::new(&entry.path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if std::fs::remove_dir(base.join(d)).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
}

/// The temporary file beside `path`: hidden, named for this process, with a random
/// part (see [`safe_fs`]).
fn temp_name(path: &str) -> String {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let temp = safe_fs::temp_name_beside(name);
    if dir.is_empty() {
        temp
    } else {
        format!("{dir}/{temp}")
    }
}

/// Replace the journal in one rename, so it is always whole.
fn write_journal(state: &State, journal: &Journal) -> io::Result<()> {
    let path = state.dir().join(JOURNAL);
    let text = serde_json::to_vec_pretty(journal).map_err(io::Error::other)?;
    write_atomically(&path, &text, None)?;
    sync_dir(state.dir());
    Ok(())
}

fn remove_journal(state: &State) {
    let _ = std::fs::remove_file(state.dir().join(JOURNAL));
    let _ = std::fs::remove_dir_all(state.dir().join(BACKUPS));
    sync_dir(state.dir());
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = safe_fs::create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Make the renames durable: flush every folder a file was renamed into or removed from.
fn sync_parents(base: &Path, journal: &Journal) {
    let mut dirs: Vec<&Path> = journal
        .entries
        .iter()
        .filter_map(|e| Path::new(&e.path).parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        sync_dir(&base.join(dir));
    }
}

/// Make a rename in `dir` durable (a no-op where folders cannot be opened).
fn sync_dir(dir: &Path) {
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
}

fn list(paths: &[String]) -> String {
    paths.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, kind: ChangeKind, old: Option<&str>, new: Option<&str>) -> FileChange {
        FileChange {
            path: path.into(),
            kind,
            old: old.map(|s| s.as_bytes().to_vec()),
            new: new.map(|s| s.as_bytes().to_vec()),
        }
    }

    fn tree(root: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for entry in walk(root) {
            let rel = entry
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel.starts_with(".git") {
                continue;
            }
            let content = std::fs::read_to_string(&entry).unwrap_or_else(|_| "<dir>".into());
            out.push((rel, content));
        }
        out.sort();
        out
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.push(path.clone());
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    fn setup() -> (tempfile::TempDir, State, Vec<FileChange>) {
        let dir = tempfile::tempdir().unwrap();
        git2::Repository::init(dir.path()).unwrap();
        std::fs::write(dir.path().join("keep.txt"), "old\n").unwrap();
        std::fs::write(dir.path().join("gone.txt"), "bye\n").unwrap();
        let state = State::of(dir.path()).unwrap();
        let changes = vec![
            change("a/b/new.txt", ChangeKind::Create, None, Some("new\n")),
            change("gone.txt", ChangeKind::Delete, Some("bye\n"), None),
            change(
                "keep.txt",
                ChangeKind::Modify,
                Some("old\n"),
                Some("changed\n"),
            ),
        ];
        (dir, state, changes)
    }

    #[test]
    fn applies_and_leaves_no_journal() {
        let (dir, state, changes) = setup();
        apply(&state, &changes).unwrap();
        assert_eq!(
            tree(dir.path()),
            vec![
                ("a".into(), "<dir>".into()),
                ("a/b".into(), "<dir>".into()),
                ("a/b/new.txt".into(), "new\n".into()),
                ("keep.txt".into(), "changed\n".into()),
            ]
        );
        assert!(!interrupted(&state));
    }

    #[test]
    fn a_file_changed_since_the_plan_read_it_stops_everything() {
        let (dir, state, changes) = setup();
        std::fs::write(dir.path().join("keep.txt"), "mine\n").unwrap();
        let before = tree(dir.path());
        let error = apply(&state, &changes).unwrap_err();
        assert!(
            matches!(error, ApplyError::Changed(ref p) if p == "keep.txt"),
            "{error}"
        );
        assert_eq!(tree(dir.path()), before);
        assert!(!interrupted(&state));
    }

    #[test]
    fn undo_of_a_half_renamed_journal_restores_only_what_it_wrote() {
        let (dir, state, changes) = setup();
        let before = tree(dir.path());
        apply(&state, &changes).unwrap();
        // Rebuild the journal a killed process would have left after its renames.
        let mut journal = Journal {
            version: 1,
            phase: Phase::Renaming,
            entries: Vec::new(),
            dirs: vec!["a".into(), "a/b".into()],
        };
        state.create().unwrap();
        let backups = state.dir().join(BACKUPS);
        std::fs::create_dir_all(&backups).unwrap();
        for (i, c) in changes.iter().enumerate() {
            let backup = c.old.as_ref().map(|old| {
                std::fs::write(backups.join(i.to_string()), old).unwrap();
                i.to_string()
            });
            journal.entries.push(Entry {
                path: c.path.clone(),
                temp: c.new.as_ref().map(|_| temp_name(&c.path)),
                backup,
                new: c.new.as_deref().map(hash),
                mode: None,
            });
        }
        write_journal(&state, &journal).unwrap();
        assert!(interrupted(&state));
        let recovered = recover(&state).unwrap().unwrap();
        assert!(recovered.was_renaming);
        assert!(recovered.undone.left.is_empty(), "{:?}", recovered.undone);
        assert_eq!(tree(dir.path()), before);
        assert!(!interrupted(&state));
        assert!(recover(&state).unwrap().is_none());
    }
}
