//! The catalog: blueprints and entities loaded once into one index (DESIGN.md §3–§4).
//!
//! This module is the model and its index only: blueprints, entities, identifiers,
//! references, the relation graph and derived values. It reads nothing and checks
//! nothing itself; [`crate::engine`] loads it from a source and runs the checks.

pub mod blueprint;
pub mod builtin;
pub mod derived;
pub mod diff;
pub mod entity;
pub mod identifier;

pub use crate::source::SourceFile;
pub use blueprint::Blueprint;
pub use entity::Entity;

use crate::config::Config;
use std::collections::HashMap;

/// A map hashed with foldhash: resolving every relation of a 100k-entity catalog hashes
/// a few hundred thousand identifiers, which the standard SipHash made a tenth of
/// `impact`'s time. Its seed is random per process, like the standard one, and no
/// result depends on the maps' order. For the maps on a large catalog's hot paths.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A [`FastMap`] keyed by identifiers.
pub type IdMap<V> = FastMap<String, V>;

/// The blueprints in force, by identifier.
#[derive(Default)]
pub struct Blueprints {
    pub list: Vec<Blueprint>,
    pub by_id: HashMap<String, usize>,
}

impl Blueprints {
    pub fn get(&self, id: &str) -> Option<&Blueprint> {
        self.by_id.get(id).map(|&i| &self.list[i])
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.list.iter().map(|b| b.identifier.as_str())
    }
}

/// The loaded catalog.
pub struct Catalog {
    pub config: Config,
    pub files: Vec<SourceFile>,
    pub blueprints: Blueprints,
    pub entities: Vec<Entity>,
    /// Per blueprint index: identifier → entity index.
    pub by_blueprint: Vec<IdMap<usize>>,
    /// Identifiers that exist but could not be loaded (a file that failed to parse, an
    /// entity whose blueprint is unknown): references to them are not reported, since
    /// the cause already is.
    pub shadows: Shadows,
    /// Number of files read (blueprints, entities and the config).
    pub files_read: usize,
}

/// Identifiers known to exist without a loaded entity, per blueprint name or for any.
#[derive(Default, Debug)]
pub struct Shadows {
    pub by_blueprint: HashMap<String, std::collections::HashSet<String>>,
    pub any_blueprint: std::collections::HashSet<String>,
}

impl Shadows {
    pub fn contains(&self, blueprint: &str, id: &str) -> bool {
        self.any_blueprint.contains(id)
            || self
                .by_blueprint
                .get(blueprint)
                .is_some_and(|ids| ids.contains(id))
    }
}

impl Catalog {
    /// The entity `id` of blueprint `blueprint`.
    pub fn entity(&self, blueprint: usize, id: &str) -> Option<&Entity> {
        self.by_blueprint
            .get(blueprint)
            .and_then(|ids| ids.get(id))
            .map(|&i| &self.entities[i])
    }

    /// Resolve a command-line reference: `BLUEPRINT/ID` (split at the first `/`), or a
    /// bare ID when it is unique across blueprints. The error says what was meant.
    pub fn resolve(&self, reference: &str) -> Result<(String, String), String> {
        if let Some((blueprint, id)) = reference.split_once('/') {
            let Some(b) = self.blueprints.index_of(blueprint) else {
                let hint = identifier::closest(blueprint, self.blueprints.ids())
                    .map(|c| format!("; did you mean `{c}/{id}`?"))
                    .unwrap_or_default();
                return Err(format!("there is no blueprint `{blueprint}`{hint}"));
            };
            if self.entity(b, id).is_some() {
                return Ok((blueprint.to_owned(), id.to_owned()));
            }
            let hint = self
                .by_blueprint
                .get(b)
                .and_then(|ids| identifier::closest(id, ids.keys().map(String::as_str)))
                .map(|c| format!("; did you mean `{blueprint}/{c}`?"))
                .unwrap_or_default();
            return Err(format!("there is no {blueprint} `{id}`{hint}"));
        }
        let found: Vec<&Entity> = self
            .entities
            .iter()
            .filter(|e| e.identifier == reference && e.blueprint.is_some())
            .collect();
        match found.as_slice() {
            [one] => {
                let b = one.blueprint.and_then(|b| self.blueprints.list.get(b));
                Ok((
                    b.map(|b| b.identifier.clone()).unwrap_or_default(),
                    reference.to_owned(),
                ))
            }
            [] => {
                let hint = identifier::closest(
                    reference,
                    self.entities.iter().map(|e| e.identifier.as_str()),
                )
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
                Err(format!("no entity is called `{reference}`{hint}"))
            }
            many => {
                let names: Vec<String> = many
                    .iter()
                    .filter_map(|e| e.blueprint.and_then(|b| self.blueprints.list.get(b)))
                    .map(|b| format!("`{}/{reference}`", b.identifier))
                    .collect();
                Err(format!(
                    "`{reference}` is ambiguous: say {}",
                    names.join(" or ")
                ))
            }
        }
    }

    /// The path of an entity's file.
    pub fn file_of(&self, entity: &Entity) -> &str {
        &self.files[entity.file].path
    }
}
