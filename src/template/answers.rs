//! Answers records: how each entity was made and what was run on it, for later updates.
//!
//! One file per entity and template, `.portolan/answers/<Blueprint>/<id>/<template>.yaml`
//! (DESIGN.md §6), holding every run of that template on that entity — its version,
//! run key, time and inputs (never a `writeOnly` one). Keyed this way, a customer and
//! a service that share a name, or two templates run on one entity, never share a
//! file; runs are added, never replaced, so no record is lost; a run already recorded
//! (same run key) changes nothing. The records of a deleted entity go with it.
//!
//! Records of the first layout (`.portolan/answers/<name>.yaml`, keyed by name alone)
//! are moved into this one by the first writing run, in the same change: under the
//! entity of that name whose blueprint the record's template creates, or under
//! `.portolan/answers/_unkeyed/` when no single entity fits.

use super::{Step, Template};
use crate::catalog::entity::file_name_for;
use crate::catalog::Catalog;
use crate::changeset::{Change, ChangeError, Changeset};
use crate::source::parse::{parse_bytes, Format};
use crate::source::Source;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Where the records live, relative to the platform root.
pub const DIR: &str = ".portolan/answers";

/// One run, as recorded.
pub struct Run<'a> {
    pub template: &'a Template,
    pub run_key: &'a str,
    pub now: &'a str,
    /// The inputs that may be recorded (no `writeOnly` one).
    pub inputs: Map<String, Value>,
    /// The entity a day-2 template ran on: (blueprint, identifier).
    pub entity: Option<(&'a str, &'a str)>,
}

/// The record file of one entity and template.
pub fn path_of(blueprint: &str, id: &str, template: &str) -> String {
    format!(
        "{DIR}/{}/{}/{}.yaml",
        file_name_for(blueprint),
        file_name_for(id),
        file_name_for(template)
    )
}

/// Add to `changes` what the run means for the records: the run recorded under each
/// entity it ran on or created, the records of the entities it deleted removed, and
/// records of the first layout moved. `was` and `is` are the entities of the catalog
/// without and with the change ([`entities`]); `templates` every template, to key old
/// records.
pub fn record(
    changes: &mut Changeset,
    source: &dyn Source,
    was: &Entities,
    is: &Entities,
    run: &Run<'_>,
    templates: &[Template],
) -> Result<(), ChangeError> {
    migrate(changes, source, was, templates)?;
    for (blueprint, id) in was.difference(is) {
        let folder = format!("{DIR}/{}/{}", file_name_for(blueprint), file_name_for(id));
        let mut files = source.all_files_under(&folder).unwrap_or_default();
        // A record the migration just moved there goes too.
        files.extend(
            changes
                .iter()
                .map(|(path, _)| path)
                .filter(|path| path.starts_with(&format!("{folder}/")))
                .map(str::to_owned)
                .collect::<Vec<_>>(),
        );
        for file in files {
            changes.delete(&file)?;
        }
    }
    if run.template.spec.operation == super::Operation::Delete {
        return Ok(());
    }
    let mut subjects: Vec<(&str, &str)> = run.entity.into_iter().collect();
    subjects.extend(is.difference(was).map(|(b, i)| (b.as_str(), i.as_str())));
    for (blueprint, id) in subjects {
        add_run(
            changes,
            source,
            &path_of(blueprint, id, &run.template.spec.name),
            blueprint,
            id,
            run,
        )?;
    }
    Ok(())
}

/// Entities as records are keyed: (blueprint, identifier).
pub type Entities = BTreeSet<(String, String)>;

/// Every (blueprint, identifier) of a catalog.
pub fn entities(catalog: &Catalog) -> Entities {
    catalog
        .entities
        .iter()
        .filter_map(|e| {
            let blueprint = catalog.blueprints.list.get(e.blueprint?)?;
            Some((blueprint.identifier.clone(), e.identifier.clone()))
        })
        .collect()
}

/// The record as the plan has it so far (an earlier step, a migration), else as the
/// repository has it.
fn current(changes: &Changeset, source: &dyn Source, path: &str) -> Option<Vec<u8>> {
    match changes.get(path) {
        Some(Change::Write { content, .. }) => Some(content.clone()),
        Some(Change::Delete) => None,
        None => source.read(path).ok(),
    }
}

fn add_run(
    changes: &mut Changeset,
    source: &dyn Source,
    path: &str,
    blueprint: &str,
    id: &str,
    run: &Run<'_>,
) -> Result<(), ChangeError> {
    let mut runs = match current(changes, source, path) {
        Some(bytes) => read_runs(&bytes).ok_or_else(|| {
            ChangeError::new(
                format!("`{path}` is not an answers record portolan can add a run to"),
                "it records earlier runs of this template on this entity: fix its YAML (or move it away) and run again; nothing was written",
            )
        })?,
        None => Vec::new(),
    };
    if runs
        .iter()
        .any(|r| r.get("run_key").and_then(Value::as_str) == Some(run.run_key))
    {
        return Ok(()); // this very run is recorded already
    }
    runs.push(json!({
        "version": run.template.spec.version,
        "run_key": run.run_key,
        "now": run.now,
        "inputs": run.inputs,
    }));
    let text = render(&run.template.spec.name, blueprint, id, &runs)?;
    if changes.get(path).is_some() {
        changes.replace(path, text.into_bytes())
    } else {
        changes.write(path, text.into_bytes(), true)
    }
}

/// The runs of a record file, `None` when it is not one.
fn read_runs(bytes: &[u8]) -> Option<Vec<Value>> {
    let parsed = parse_bytes(bytes.to_vec(), Format::Yaml);
    if !parsed.errors.is_empty() {
        return None;
    }
    let value = parsed.documents.into_iter().next()?.value;
    value.get("runs")?.as_array().cloned()
}

/// A record file's text: a comment saying what it is, then its keys in reading order.
fn render(
    template: &str,
    blueprint: &str,
    id: &str,
    runs: &[Value],
) -> Result<String, ChangeError> {
    let bug = |e: String| ChangeError::new(e, "report this as a bug in portolan");
    let mut list = Vec::with_capacity(runs.len());
    for run in runs {
        let mut entry = yaml_serde::Mapping::new();
        for key in ["version", "run_key", "now", "inputs"] {
            if let Some(value) = run.get(key) {
                entry.insert(
                    yaml_serde::Value::String(key.into()),
                    yaml_serde::to_value(value).map_err(|e| bug(e.to_string()))?,
                );
            }
        }
        list.push(yaml_serde::Value::Mapping(entry));
    }
    let mut record = yaml_serde::Mapping::new();
    record.insert("template".into(), template.into());
    record.insert("entity".into(), format!("{blueprint}/{id}").into());
    record.insert("runs".into(), yaml_serde::Value::Sequence(list));
    let yaml = yaml_serde::to_string(&record).map_err(|e| bug(e.to_string()))?;
    Ok(format!(
        "# Written by portolan: the runs of `{template}` on {blueprint}/{id}, for later updates.\n{yaml}"
    ))
}

/// Move records of the first layout (`.portolan/answers/<name>.yaml`) to their entity
/// (in the catalog as it was before the run).
fn migrate(
    changes: &mut Changeset,
    source: &dyn Source,
    catalog: &Entities,
    templates: &[Template],
) -> Result<(), ChangeError> {
    let old: Vec<String> = source
        .all_files_under(DIR)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| {
            p.strip_prefix(&format!("{DIR}/"))
                .is_some_and(|name| !name.contains('/') && name.ends_with(".yaml"))
        })
        .collect();
    for path in old {
        let Some(bytes) = source.read(&path).ok() else {
            continue;
        };
        let stem = path
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".yaml"))
            .unwrap_or_default();
        let parsed = parse_bytes(bytes.clone(), Format::Yaml);
        let value = parsed
            .documents
            .into_iter()
            .next()
            .map(|d| d.value)
            .filter(|_| parsed.errors.is_empty());
        let template = value
            .as_ref()
            .and_then(|v| v.get("template"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let home = match (&value, &template) {
            (Some(value), Some(template)) => {
                owner(catalog, templates, template, stem).map(|(b, id)| {
                    let run = json!({
                        "version": value.get("version").cloned().unwrap_or(Value::Null),
                        "now": value.get("now").cloned().unwrap_or(Value::Null),
                        "inputs": value.get("inputs").cloned().unwrap_or_else(|| json!({})),
                    });
                    (
                        path_of(&b, &id, template),
                        render(template, &b, &id, &[run]),
                    )
                })
            }
            _ => None,
        };
        changes.delete(&path)?;
        match home {
            Some((new_path, text)) if current(changes, source, &new_path).is_none() => {
                changes.write(&new_path, text?.into_bytes(), false)?;
            }
            _ => {
                // Kept aside whole; a name already taken there gets the content's hash.
                let mut kept = format!("{DIR}/_unkeyed/{stem}.yaml");
                match current(changes, source, &kept) {
                    Some(there) if there == bytes => continue,
                    Some(_) => {
                        let hash = crate::state::content_hash(&bytes);
                        kept = format!("{DIR}/_unkeyed/{stem}-{}.yaml", &hash[..8.min(hash.len())]);
                    }
                    None => {}
                }
                if current(changes, source, &kept).is_none() {
                    changes.write(&kept, bytes, false)?;
                }
            }
        }
    }
    Ok(())
}

/// The one entity an old record named `stem` belongs to: of that identifier, and of a
/// blueprint the record's template creates (its `entity: upsert` steps).
fn owner(
    catalog: &Entities,
    templates: &[Template],
    template: &str,
    stem: &str,
) -> Option<(String, String)> {
    let creates: BTreeSet<&str> = templates
        .iter()
        .find(|t| t.spec.name == template)
        .map(|t| {
            t.spec
                .steps
                .iter()
                .filter_map(|step| match step {
                    Step::Entity {
                        upsert: Some(upsert),
                        ..
                    } => upsert.get("blueprint").and_then(Value::as_str),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut found = catalog
        .iter()
        .filter(|(blueprint, id)| id == stem && creates.contains(blueprint.as_str()));
    let first = found.next()?.clone();
    found.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_keyed_by_blueprint_entity_and_template() {
        assert_eq!(
            path_of("Customer", "orders", "create-customer"),
            ".portolan/answers/Customer/orders/create-customer.yaml"
        );
        assert_eq!(
            path_of("Component", "a/b:c", "x"),
            ".portolan/answers/Component/a%2Fb%3Ac/x.yaml"
        );
    }

    #[test]
    fn a_record_reads_back_its_runs() {
        let text = render(
            "set-replicas",
            "Component",
            "cart",
            &[json!({"version": 1, "run_key": "abcd1234", "now": "2026-12-01T00:00:00Z", "inputs": {"env": "dev", "replicas": 3}})],
        )
        .unwrap();
        assert!(text.starts_with("# Written by portolan"), "{text}");
        assert!(text.contains("entity: Component/cart"), "{text}");
        let runs = read_runs(text.as_bytes()).unwrap();
        assert_eq!(runs[0]["run_key"], "abcd1234");
        assert_eq!(runs[0]["inputs"]["replicas"], 3);
        assert!(read_runs(b"not: [a record").is_none());
    }
}
