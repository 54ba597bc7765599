//! The engine: the one pipeline every command, the editor server to come and the
//! cache use (DESIGN.md §4) — sources (a working tree, the index, a commit, with an
//! overlay of planned or unsaved files) in, the catalog and every finding out.
//!
//! It owns the order of the work: the config, the blueprints, then every entity file
//! read and parsed in parallel with each entity checked on the thread that parsed it
//! (the value is still hot in cache), the manifests at the same time, then the index
//! and the graph-wide checks, the manifest and template checks, and positions last,
//! only for files with findings. The model it fills is [`crate::catalog`], which knows
//! nothing of checks; the checks know the model; the command line knows the engine.

mod load;
pub mod positions;
mod recheck;

pub use load::{load, load_sieved, LoadError, LoadOptions, Loaded, Reusable, Sieve};
pub use recheck::recheck;

/// The engine as a library user drives it: no binary, no disk, no command line.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use crate::source::{Empty, Overlay};
    use std::collections::BTreeMap;

    fn files(list: &[(&str, Option<&str>)]) -> BTreeMap<String, Option<Vec<u8>>> {
        list.iter()
            .map(|(p, c)| ((*p).to_owned(), c.map(|c| c.as_bytes().to_vec())))
            .collect()
    }

    /// Rule, file, line and entity of every finding.
    fn findings(loaded: &Loaded) -> Vec<(&'static str, String, usize, String)> {
        loaded
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.rule.id,
                    d.place.file.clone().unwrap_or_default(),
                    d.place.position.map_or(0, |p| p.line),
                    d.entity.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    const REPOSITORY: &[(&str, Option<&str>)] = &[
        ("portolan.yaml", Some("version: 1\n")),
        ("catalog/Domain/Orders.yaml", Some("identifier: Orders\n")),
        (
            "catalog/System/systems.yaml",
            Some("identifier: Cart\nrelations: { domain: Orders }\n---\nidentifier: Shop\nrelations: { domain: Payments }\n"),
        ),
    ];

    #[test]
    fn a_catalog_held_in_memory_is_checked_with_an_unsaved_buffer_laid_over_it() {
        let repository = Overlay::new(&Empty, files(REPOSITORY));
        let options = LoadOptions::default();

        let saved = load(&repository, options).unwrap();
        let mut ids: Vec<&str> = saved
            .catalog
            .entities
            .iter()
            .map(|e| e.identifier.as_str())
            .collect();
        ids.sort_unstable();
        assert_eq!(ids, ["Cart", "Orders", "Shop"]);
        assert_eq!(
            findings(&saved),
            [(
                rules::RELATION_DANGLING.id,
                "catalog/System/systems.yaml".to_owned(),
                5,
                "Shop".to_owned()
            )]
        );

        // The buffers an editor holds: the missing domain written, Orders deleted.
        let buffers = Overlay::new(
            &repository,
            files(&[
                (
                    "catalog/Domain/Payments.yaml",
                    Some("identifier: Payments\n"),
                ),
                ("catalog/Domain/Orders.yaml", None),
            ]),
        );
        let unsaved = load(&buffers, options).unwrap();
        assert_eq!(unsaved.catalog.entities.len(), 3);
        assert_eq!(
            findings(&unsaved),
            [(
                rules::RELATION_DANGLING.id,
                "catalog/System/systems.yaml".to_owned(),
                2,
                "Cart".to_owned()
            )]
        );
        // The repository under the buffers is unchanged.
        assert_eq!(
            findings(&load(&repository, options).unwrap()),
            findings(&saved)
        );
    }

    #[test]
    fn a_broken_config_in_memory_is_an_error_with_its_place() {
        let repository = Overlay::new(&Empty, files(&[("portolan.yaml", Some("version: [\n"))]));
        match load(&repository, LoadOptions::default()) {
            Err(LoadError::Config(findings, _)) => {
                assert_eq!(findings[0].place.file.as_deref(), Some("portolan.yaml"));
            }
            Err(other) => panic!("another error: {other:?}"),
            Ok(_) => panic!("a broken config loaded"),
        }
    }
}
