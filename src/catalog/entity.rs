//! Entities: one YAML or JSON document each (DESIGN.md §3).
//!
//! Reading an entity decides its blueprint (the `blueprint` key, else the first folder
//! under the catalog root) and its identifier (the `identifier` key, else the file stem
//! of a single-document file). Everything else about an entity is checked in `checks`.

use serde_json::Value;

/// Top-level keys an entity may have; Port's meta keys are accepted and ignored.
pub const ENTITY_KEYS: &[&str] = &[
    "identifier",
    "title",
    "blueprint",
    "icon",
    "team",
    "properties",
    "relations",
];
/// Port's meta keys, accepted and ignored.
pub const META_KEYS: &[&str] = &["createdAt", "updatedAt", "createdBy", "updatedBy"];

/// One loaded entity.
#[derive(Debug)]
pub struct Entity {
    /// Index of its blueprint in [`super::Catalog::blueprints`]; `None` when unknown.
    pub blueprint: Option<usize>,
    /// The blueprint's name as written or inferred (for messages), if any.
    pub blueprint_name: Option<String>,
    pub identifier: String,
    /// Index of its file in [`super::Catalog::files`].
    pub file: usize,
    /// Its document in the file.
    pub document: usize,
    /// The whole document.
    pub value: Value,
}

impl Entity {
    pub fn title(&self) -> Option<&str> {
        self.value.get("title").and_then(Value::as_str)
    }

    pub fn properties(&self) -> Option<&serde_json::Map<String, Value>> {
        self.value.get("properties").and_then(Value::as_object)
    }

    pub fn relations(&self) -> Option<&serde_json::Map<String, Value>> {
        self.value.get("relations").and_then(Value::as_object)
    }

    /// The identifiers a relation points to (one for a single relation, any number for
    /// a many relation); non-strings are skipped (they are reported elsewhere).
    pub fn targets<'a>(&'a self, relation: &str) -> impl Iterator<Item = (usize, &'a str)> + 'a {
        let value = self.relations().and_then(|r| r.get(relation));
        let (single, list) = match value {
            Some(Value::String(s)) => (Some(s.as_str()), None),
            Some(Value::Array(items)) => (None, Some(items)),
            _ => (None, None),
        };
        single.map(|s| (usize::MAX, s)).into_iter().chain(
            list.into_iter()
                .flatten()
                .enumerate()
                .filter_map(|(i, v)| v.as_str().map(|s| (i, s))),
        )
    }
}

/// The file stem (name without its extension) of a `/`-separated path.
pub fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// The first folder of `path` under `root`, which may name the blueprint
/// (`catalog/Component/payments/x.yaml` → `Component`).
pub fn folder_under_root<'a>(root: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(root)?.strip_prefix('/')?;
    let (folder, remainder) = rest.split_once('/')?;
    (!remainder.is_empty()).then_some(folder)
}

/// Escape the characters that are unsafe in file names (`/ \ : * ? " < > |`) so an
/// identifier can name its file: `%` and those characters become `%XX`.
pub fn file_name_for(identifier: &str) -> String {
    let mut out = String::with_capacity(identifier.len());
    for c in identifier.chars() {
        if matches!(
            c,
            '%' | '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'
        ) {
            out.push_str(&format!("%{:02X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(
            file_stem("catalog/Component/cart.service.yaml"),
            "cart.service"
        );
        assert_eq!(
            folder_under_root("catalog", "catalog/Component/payments/x.yaml"),
            Some("Component")
        );
        assert_eq!(folder_under_root("catalog", "catalog/x.yaml"), None);
        assert_eq!(file_name_for("a/b:c"), "a%2Fb%3Ac");
    }
}
