//! What changed in the catalog between two loads: entities added, removed and changed
//! (title, properties, relations, and the file they live in) — the summary a reviewer
//! wants on a catalog pull request.

use super::Catalog;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One entity, named as on the command line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct EntityRef {
    pub blueprint: String,
    pub identifier: String,
}

/// One changed field: `before` or `after` is `null` when the field was unset.
#[derive(Debug, Serialize)]
pub struct FieldChange {
    /// `title`, `properties.<key>`, `relations.<key>`, `team`, `icon` or `file`.
    pub field: String,
    pub before: Value,
    pub after: Value,
}

#[derive(Debug, Serialize)]
pub struct Changed {
    #[serde(flatten)]
    pub entity: EntityRef,
    pub file: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
pub struct Located {
    #[serde(flatten)]
    pub entity: EntityRef,
    pub file: String,
}

/// The difference between two catalogs, sorted by blueprint and identifier.
#[derive(Debug, Default, Serialize)]
pub struct CatalogDiff {
    pub added: Vec<Located>,
    pub removed: Vec<Located>,
    pub changed: Vec<Changed>,
}

impl CatalogDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Entities by (blueprint, identifier), with their document and file. Both catalogs
/// must have been loaded with `keep_values`.
fn entities(catalog: &Catalog) -> BTreeMap<EntityRef, (&Value, &str)> {
    catalog
        .entities
        .iter()
        .filter_map(|e| {
            let blueprint = match e.blueprint {
                Some(i) => catalog.blueprints.list[i].identifier.clone(),
                None => e.unknown_blueprint.clone()?,
            };
            let value = e.value.as_ref()?;
            Some((
                EntityRef {
                    blueprint,
                    identifier: e.identifier.clone(),
                },
                (value, catalog.file_of(e)),
            ))
        })
        .collect()
}

/// Compare two catalogs.
pub fn diff(before: &Catalog, after: &Catalog) -> CatalogDiff {
    let old = entities(before);
    let new = entities(after);
    let mut result = CatalogDiff::default();
    for (entity, (value, file)) in &new {
        match old.get(entity) {
            None => result.added.push(Located {
                entity: entity.clone(),
                file: (*file).to_owned(),
            }),
            Some((old_value, old_file)) => {
                let mut changes = field_changes(old_value, value);
                if old_file != file {
                    changes.insert(
                        0,
                        FieldChange {
                            field: "file".into(),
                            before: Value::from(*old_file),
                            after: Value::from(*file),
                        },
                    );
                }
                if !changes.is_empty() {
                    result.changed.push(Changed {
                        entity: entity.clone(),
                        file: (*file).to_owned(),
                        changes,
                    });
                }
            }
        }
    }
    for (entity, (_, file)) in &old {
        if !new.contains_key(entity) {
            result.removed.push(Located {
                entity: entity.clone(),
                file: (*file).to_owned(),
            });
        }
    }
    result
}

/// Field by field: the top-level keys, then each property and relation. `null` and
/// absent are the same (unset), as in Port.
fn field_changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for key in ["title", "icon", "team"] {
        push_if_changed(
            &mut changes,
            key.to_owned(),
            before.get(key),
            after.get(key),
        );
    }
    for section in ["properties", "relations"] {
        let empty = Map::new();
        let old = before
            .get(section)
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let new = after
            .get(section)
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for key in keys {
            push_if_changed(
                &mut changes,
                format!("{section}.{key}"),
                old.get(key),
                new.get(key),
            );
        }
    }
    changes
}

fn push_if_changed(
    changes: &mut Vec<FieldChange>,
    field: String,
    before: Option<&Value>,
    after: Option<&Value>,
) {
    let before = before.cloned().unwrap_or(Value::Null);
    let after = after.cloned().unwrap_or(Value::Null);
    if before != after {
        changes.push(FieldChange {
            field,
            before,
            after,
        });
    }
}
