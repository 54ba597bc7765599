//! Checking the repository again with some files changed — a planned change laid
//! over it (`new`, `run`), or an editor's unsaved buffers — reading only what changed.
//!
//! An entity file's own findings (its parse errors, its shape, its properties and
//! relations against their blueprint) depend on nothing but the file and the
//! blueprints, so a file the change does not touch keeps them, and keeps its entities,
//! as the earlier load left them. What depends on the whole catalog — the index,
//! relation targets, cycles, manifests, templates, positions — is computed again. A
//! change to the config or to a blueprint changes every entity's checks: then the
//! repository is loaded whole. Either way the result is the one a full load of the
//! same files gives (the tests compare them).

use super::load::{assemble, prelude, FileOutcome, Loaded, Reusable, Work};
use super::{load, LoadError, LoadOptions};
use crate::catalog::Catalog;
use crate::config::Config;
use crate::source::parse::Format;
use crate::source::Source;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Check `source` — the repository an earlier [`load`] read, with the files in
/// `changed` changed — reusing what that load found in the files that did not change
/// (`catalog` and `reusable` are that load, [`Loaded::split`]). The earlier load must
/// have been made with `reusable`; otherwise, or when the config or a blueprint
/// changed, this is a full load.
pub fn recheck(
    catalog: Catalog,
    reusable: Reusable,
    source: &dyn Source,
    changed: &BTreeSet<String>,
    options: LoadOptions,
) -> Result<Loaded, LoadError> {
    let Some(reuse) = reusable.0 else {
        return load(source, options);
    };
    let old_config = &catalog.config;
    let blueprints_dir = format!("{}/", old_config.blueprints.dir.trim_end_matches('/'));
    let everything = changed.iter().any(|path| {
        path == crate::config::CONFIG_FILE
            || path.starts_with(&blueprints_dir)
            || reuse.blueprint_paths.contains(path)
    });
    if everything {
        return load(source, options);
    }
    let prelude = prelude(source)?;

    // The entities and texts of the files that did not change, taken out of the
    // earlier catalog in its order.
    let mut catalog = catalog;
    let mut entities = std::mem::take(&mut catalog.entities).into_iter();
    let mut files = std::mem::take(&mut catalog.files)
        .into_iter()
        .skip(reuse.first_entity_file);
    let mut kept: HashMap<String, FileOutcome> = HashMap::with_capacity(reuse.entity_files.len());
    let mut before: Vec<(String, String)> = Vec::with_capacity(reuse.entity_files.len());
    for part in reuse.entity_files {
        let file_entities: Vec<_> = entities.by_ref().take(part.entities).collect();
        let Some(file) = files.next() else {
            break; // an earlier load keeps one file per part: cannot happen
        };
        before.push((part.root.clone(), part.path.clone()));
        if !changed.contains(&part.path) {
            kept.insert(
                part.path,
                FileOutcome {
                    root: part.root,
                    file,
                    entities: file_entities,
                    findings: part.findings,
                    shadows: part.shadows,
                },
            );
        }
    }
    let work = entity_paths_after(&prelude.config, &before, changed, source)
        .into_iter()
        .map(|(root, path)| match kept.remove(&path) {
            Some(outcome) if outcome.root == root => Work::Reuse(outcome),
            _ => Work::Read { root, path },
        })
        .collect();
    assemble(source, prelude, work, options, None)
}

/// The entity files the repository holds once `changed` is applied: those of the
/// earlier load, with the changed paths that are entity files added where they exist
/// and removed where they do not — the list a fresh listing would give, in its order
/// (each root in turn, sorted; a file under two roots belongs to the first).
fn entity_paths_after(
    config: &Config,
    before: &[(String, String)],
    changed: &BTreeSet<String>,
    source: &dyn Source,
) -> Vec<(String, String)> {
    let mut exclude = globset::GlobSetBuilder::new();
    for glob in &config.catalog.exclude {
        if let Ok(glob) = globset::Glob::new(glob) {
            exclude.add(glob);
        }
    }
    let exclude = exclude
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());
    let mut seen: HashSet<String> = HashSet::new();
    let mut paths = Vec::new();
    for root in &config.catalog.roots {
        let root = root.trim_end_matches('/');
        let mut under: BTreeSet<String> = before
            .iter()
            .filter(|(r, _)| r == root)
            .map(|(_, p)| p.clone())
            .collect();
        for path in changed {
            let is_entity_file =
                in_root(root, path) && Format::of_path(path).is_some() && !exclude.is_match(path);
            if !is_entity_file {
                continue;
            }
            if source.exists(path) {
                under.insert(path.clone());
            } else {
                under.remove(path);
            }
        }
        for path in under {
            if seen.insert(path.clone()) {
                paths.push((root.to_owned(), path));
            }
        }
    }
    paths
}

/// Whether `path` is a file a listing of `root` gives: under it, and hidden nowhere
/// on the way below it.
fn in_root(root: &str, path: &str) -> bool {
    let rest = if root.is_empty() || root == "." {
        Some(path)
    } else {
        path.strip_prefix(root).and_then(|r| r.strip_prefix('/'))
    };
    rest.is_some_and(|rest| !rest.split('/').any(|part| part.starts_with('.')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Overlay, Worktree};
    use std::collections::BTreeMap;

    fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, text).unwrap();
        }
        dir
    }

    /// What a load found, in a form two loads can be compared by.
    fn summary(loaded: &Loaded) -> (Vec<String>, Vec<String>, Vec<String>, usize) {
        let entities = loaded
            .catalog
            .entities
            .iter()
            .map(|e| {
                format!(
                    "{:?}/{} in {} #{} {:?}",
                    e.blueprint,
                    e.identifier,
                    loaded.catalog.files[e.file].path,
                    e.document,
                    e.value
                )
            })
            .collect();
        let diagnostics = loaded
            .diagnostics
            .iter()
            .map(|d| format!("{d:?}"))
            .collect();
        let files = loaded
            .catalog
            .files
            .iter()
            .map(|f| format!("{} {:?} {}", f.path, f.documents, f.text.len()))
            .collect();
        (entities, diagnostics, files, loaded.catalog.files_read)
    }

    fn options() -> LoadOptions {
        LoadOptions {
            keep_values: true,
            reusable: true,
            ..LoadOptions::default()
        }
    }

    /// A recheck gives what a full load of the changed repository gives.
    fn same_as_a_full_load(base: &[(&str, &str)], change: &[(&str, Option<&str>)]) {
        let dir = repo(base);
        let worktree = Worktree::new(dir.path());
        let first = load(&worktree, options()).unwrap();
        let files: BTreeMap<String, Option<Vec<u8>>> = change
            .iter()
            .map(|(p, c)| ((*p).to_owned(), c.map(|c| c.as_bytes().to_vec())))
            .collect();
        let overlay = Overlay::new(&worktree, files);
        let changed = overlay.changed();
        let (catalog, _, reusable) = first.split();
        let again = recheck(catalog, reusable, &overlay, &changed, options()).unwrap();
        let fresh = Worktree::new(dir.path());
        let overlay = Overlay::new(&fresh, overlay_files(change));
        let full = load(&overlay, options()).unwrap();
        assert_eq!(summary(&again), summary(&full), "{change:?}");
    }

    fn overlay_files(change: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<Vec<u8>>> {
        change
            .iter()
            .map(|(p, c)| ((*p).to_owned(), c.map(|c| c.as_bytes().to_vec())))
            .collect()
    }

    const BASE: &[(&str, &str)] = &[
        ("catalog/Domain/Orders.yaml", "identifier: Orders\n"),
        (
            "catalog/System/systems.yaml",
            "identifier: Cart\nrelations: { domain: Orders }\n---\nidentifier: Shop\nrelations: { domain: Nowhere }\n",
        ),
        ("catalog/Component/broken.yaml", "identifier: [oops\n"),
        ("catalog/Component/svc.json", "{\"identifier\": \"svc\", \"properties\": {\"type\": \"service\"}, \"relations\": {\"system\": \"Cart\"}}\n"),
        ("catalog/.hidden/x.yaml", "identifier: hidden\n"),
        ("blueprints/Squad.yaml", "identifier: Squad\ntitle: Squad\n"),
    ];

    #[test]
    fn a_recheck_gives_what_a_full_load_gives() {
        same_as_a_full_load(BASE, &[]);
        // A new entity, one that fixes a dangling reference, one that breaks another.
        same_as_a_full_load(
            BASE,
            &[("catalog/Domain/Nowhere.yaml", Some("identifier: Nowhere\n"))],
        );
        same_as_a_full_load(BASE, &[("catalog/Domain/Orders.yaml", None)]);
        same_as_a_full_load(
            BASE,
            &[("catalog/Component/broken.yaml", Some("identifier: fixed\nproperties: { type: library }\nrelations: { system: Shop }\n"))],
        );
        // Files that are not entity files, hidden ones, a new folder.
        same_as_a_full_load(
            BASE,
            &[
                ("catalog/.hidden/y.yaml", Some("identifier: y\n")),
                ("catalog/Component/notes.txt", Some("not an entity\n")),
                ("catalog/Squad/new/team.yaml", Some("identifier: team\n")),
                (
                    "apps/x/kustomization.yaml",
                    Some("resources: [missing.yaml]\n"),
                ),
            ],
        );
        // A blueprint or the config: a full load.
        same_as_a_full_load(
            BASE,
            &[("blueprints/Squad.yaml", Some("identifier: Squad\ntitle: Squad\nschema: { properties: { size: { type: number } }, required: [size] }\n"))],
        );
        same_as_a_full_load(
            BASE,
            &[(
                "portolan.yaml",
                Some("version: 1\ncatalog: { exclude: [\"**/System/**\"] }\n"),
            )],
        );
    }

    #[test]
    fn an_excluded_root_and_overlapping_roots_list_as_a_fresh_listing_does() {
        let config = "version: 1\ncatalog: { roots: [catalog, catalog/Domain], exclude: [\"**/drafts/**\"] }\n";
        let base: Vec<(&str, &str)> = BASE
            .iter()
            .copied()
            .chain([("portolan.yaml", config)])
            .collect();
        same_as_a_full_load(
            &base,
            &[
                ("catalog/Domain/drafts/d.yaml", Some("identifier: d\n")),
                ("catalog/Domain/Billing.yaml", Some("identifier: Billing\n")),
            ],
        );
    }
}
