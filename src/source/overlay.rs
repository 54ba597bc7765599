//! A source with files laid over it: what the repository will hold once a planned
//! change is applied, or what an editor shows in its unsaved buffers — read like any
//! source, validated before anything is written.

use super::{PassedOver, Source};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Component, Path};

/// `base`, with each path of `files` holding its new content (`None`: deleted).
pub struct Overlay<'a> {
    base: &'a dyn Source,
    files: BTreeMap<String, Option<Vec<u8>>>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a dyn Source, files: BTreeMap<String, Option<Vec<u8>>>) -> Self {
        Overlay { base, files }
    }

    /// The paths the overlay changes.
    pub fn changed(&self) -> BTreeSet<String> {
        self.files.keys().cloned().collect()
    }

    /// The base's files under `dir` with the overlay's written files added and its
    /// deleted ones removed; hidden overlay files only when `hidden`.
    fn list(&self, base: Vec<String>, dir: &str, hidden: bool) -> Vec<String> {
        let mut files: BTreeSet<String> = base.into_iter().collect();
        let prefix = if dir.is_empty() || dir == "." {
            String::new()
        } else {
            format!("{}/", dir.trim_end_matches('/'))
        };
        for (path, content) in self.files.range(prefix.clone()..) {
            if !path.starts_with(&prefix) {
                break;
            }
            if !hidden && is_hidden(&path[prefix.len()..]) {
                continue;
            }
            match content {
                Some(_) => files.insert(path.clone()),
                None => files.remove(path),
            };
        }
        files.into_iter().collect()
    }
}

impl Source for Overlay<'_> {
    fn files_under(&self, dir: &str) -> io::Result<Vec<String>> {
        Ok(self.list(self.base.files_under(dir)?, dir, false))
    }

    fn all_files_under(&self, dir: &str) -> io::Result<Vec<String>> {
        Ok(self.list(self.base.all_files_under(dir)?, dir, true))
    }

    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        match self.files.get(path) {
            Some(Some(content)) => Ok(content.clone()),
            Some(None) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("{path} is deleted by the change"),
            )),
            None => self.base.read(path),
        }
    }

    fn exists(&self, path: &str) -> bool {
        match self.files.get(path) {
            Some(content) => content.is_some(),
            None => self.base.exists(path),
        }
    }

    fn names_in(&self, dir: &str) -> Vec<String> {
        let mut names: BTreeSet<String> = self.base.names_in(dir).into_iter().collect();
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        for path in self.files.keys() {
            if let Some(name) = path.strip_prefix(&prefix).and_then(|r| r.split('/').next()) {
                names.insert(name.to_owned());
            }
        }
        names.into_iter().collect()
    }

    fn passed_over(&self) -> Vec<PassedOver> {
        self.base.passed_over()
    }

    fn passed_on_path(&self, path: &str) -> Option<PassedOver> {
        self.base.passed_on_path(path)
    }
}

/// Hidden files are not part of the catalog on disk either (the working tree skips
/// them), so the overlay skips them too: `.portolan/answers` stays out of the catalog.
fn is_hidden(relative: &str) -> bool {
    Path::new(relative)
        .components()
        .any(|c| matches!(c, Component::Normal(n) if n.to_string_lossy().starts_with('.')))
}
