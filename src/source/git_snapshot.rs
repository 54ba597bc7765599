//! An index or a commit, read like a working tree.

use super::{PassedKind, PassedOver, Source};
use crate::git::{Snapshot, SpecialEntry};
use std::io;

impl Snapshot {
    /// The files under `dir` (every file for `""`), hidden ones only when asked: the
    /// working tree skips hidden files and folders in the catalog's listings; so does
    /// a snapshot. A `dir` reached through a link or a submodule holds nothing.
    fn list(&self, dir: &str, hidden: bool) -> Vec<String> {
        let dir = dir.trim_end_matches('/');
        if let Some((passed, _)) = self.passed_on_path(dir) {
            self.listed(&passed);
            return Vec::new();
        }
        self.listed(dir);
        self.paths()
            .filter(|p| {
                dir.is_empty()
                    || p.strip_prefix(dir)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .filter(|p| hidden || !p.split('/').any(|part| part.starts_with('.')))
            .map(str::to_owned)
            .collect()
    }
}

impl Source for Snapshot {
    fn files_under(&self, dir: &str) -> io::Result<Vec<String>> {
        Ok(self.list(dir, false))
    }

    fn all_files_under(&self, dir: &str) -> io::Result<Vec<String>> {
        Ok(self.list(dir, true))
    }

    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        Snapshot::read(self, path)
    }

    fn exists(&self, path: &str) -> bool {
        self.contains(path)
    }

    fn names_in(&self, dir: &str) -> Vec<String> {
        Snapshot::names_in(self, dir)
    }

    fn passed_over(&self) -> Vec<PassedOver> {
        Snapshot::passed_over(self)
            .into_iter()
            .map(passed)
            .collect()
    }

    fn passed_on_path(&self, path: &str) -> Option<PassedOver> {
        Snapshot::passed_on_path(self, path).map(passed)
    }
}

/// A special entry of the snapshot, as every source tells it.
fn passed((path, kind): (String, SpecialEntry)) -> PassedOver {
    let kind = match kind {
        SpecialEntry::Link => PassedKind::Link,
        SpecialEntry::Submodule => PassedKind::Submodule,
    };
    PassedOver { path, kind }
}
