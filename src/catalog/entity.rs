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

/// One relation target an entity names: the compact form kept for graph checks, so a
/// large catalog does not hold every document in memory (DESIGN.md §8, < 300 MB).
#[derive(Debug, Clone)]
pub struct Link {
    pub relation: Box<str>,
    /// The position in a many relation's list; `None` for a single relation.
    pub index: Option<u32>,
    pub target: Box<str>,
}

/// One loaded entity.
#[derive(Debug)]
pub struct Entity {
    /// Index of its blueprint in [`super::Catalog::blueprints`]; `None` when unknown.
    pub blueprint: Option<usize>,
    /// The blueprint name as written, when it names no blueprint.
    pub unknown_blueprint: Option<String>,
    pub identifier: String,
    /// Whether the document has an `identifier` key (else it is the file stem).
    pub explicit_identifier: bool,
    /// Index of its file in [`super::Catalog::files`].
    pub file: usize,
    /// Its document in the file.
    pub document: usize,
    /// Every relation target it names (strings only; other shapes are reported).
    pub links: Vec<Link>,
    /// The whole document, kept when the loader is asked to (commands that show
    /// entities); `validate` drops it once the entity is checked.
    pub value: Option<Value>,
}

impl Entity {
    fn field(&self, key: &str) -> Option<&Value> {
        self.value.as_ref().and_then(|v| v.get(key))
    }

    pub fn title(&self) -> Option<&str> {
        self.field("title").and_then(Value::as_str)
    }

    pub fn properties(&self) -> Option<&serde_json::Map<String, Value>> {
        self.field("properties").and_then(Value::as_object)
    }

    pub fn relations(&self) -> Option<&serde_json::Map<String, Value>> {
        self.field("relations").and_then(Value::as_object)
    }

    /// The targets of one relation, with their position in the list.
    pub fn targets<'a>(&'a self, relation: &'a str) -> impl Iterator<Item = &'a Link> + 'a {
        self.links.iter().filter(move |l| &*l.relation == relation)
    }
}

/// The relation targets a document names, in document order.
pub fn links_of(value: &Value) -> Vec<Link> {
    let Some(relations) = value.get("relations").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut links = Vec::new();
    for (key, targets) in relations {
        match targets {
            Value::String(s) => links.push(Link {
                relation: key.as_str().into(),
                index: None,
                target: s.as_str().into(),
            }),
            Value::Array(items) => links.extend(items.iter().enumerate().filter_map(|(i, v)| {
                let target = v.as_str()?;
                Some(Link {
                    relation: key.as_str().into(),
                    index: u32::try_from(i).ok(),
                    target: target.into(),
                })
            })),
            _ => {}
        }
    }
    links
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
/// identifier can name its file: `%` and those characters become `%XX`, and so does a
/// leading `.` — a hidden file is not part of the catalog, and `.git` is never
/// written.
pub fn file_name_for(identifier: &str) -> String {
    let mut out = String::with_capacity(identifier.len());
    for (i, c) in identifier.chars().enumerate() {
        if matches!(
            c,
            '%' | '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'
        ) || (i == 0 && c == '.')
        {
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
        assert_eq!(file_name_for(".git"), "%2Egit");
        assert_eq!(file_name_for("a.b"), "a.b");
    }
}
