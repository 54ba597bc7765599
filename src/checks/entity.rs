//! The shape of an entity document: blueprint, identifier and top-level keys.
//!
//! Rules: `entity-invalid`, `identifier-invalid`, `blueprint-unknown`.

use crate::catalog::entity::{
    file_stem, folder_under_root, links_of, Entity, ENTITY_KEYS, META_KEYS,
};
use crate::catalog::identifier::{self, closest, Kind};
use crate::catalog::{blueprint::describe, Blueprints};
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::source::spans::{escape_segment, Target};
use serde_json::Value;

/// Where a document is.
pub struct DocumentContext<'a> {
    pub blueprints: &'a Blueprints,
    /// The file, relative to the platform root.
    pub path: &'a str,
    /// The catalog root the file was found under.
    pub root: &'a str,
    /// Index of the file in the catalog.
    pub file: usize,
    pub document: usize,
    /// Whether the file holds exactly one document (the identifier may then default to
    /// the file stem).
    pub single: bool,
}

impl DocumentContext<'_> {
    pub fn place(&self, pointer: &str, target: Target) -> Place {
        Place::pointer(self.path, self.document, pointer, target)
    }
}

/// What reading a document gave.
pub struct Read {
    pub entity: Option<Entity>,
    pub findings: Vec<Diagnostic>,
}

/// Read one document as an entity, reporting its shape problems.
pub fn read(ctx: &DocumentContext, value: Value) -> Read {
    let mut findings = Vec::new();
    let Some(map) = value.as_object() else {
        let json = crate::source::parse::Format::of_path(ctx.path)
            == Some(crate::source::parse::Format::Json);
        let help = if value.is_array() && json {
            // A JSON file has one document: `---` is YAML's separator.
            "a `.json` file holds one entity, a mapping; write one file per entity"
        } else if value.is_array() {
            "write one entity per document (separate documents with `---`), each a mapping"
        } else {
            "an entity is a mapping with `identifier`, `title`, `properties` and `relations`"
        };
        findings.push(
            Diagnostic::new(
                &rules::ENTITY_INVALID,
                ctx.place("", Target::Value),
                format!("an entity is a mapping, not {}", describe(&value)),
            )
            .help(help),
        );
        return Read {
            entity: None,
            findings,
        };
    };

    for key in map.keys() {
        if !ENTITY_KEYS.contains(&key.as_str()) && !META_KEYS.contains(&key.as_str()) {
            let help = closest(key, ENTITY_KEYS.iter().copied())
                .map(|k| format!("did you mean `{k}`?"))
                .unwrap_or_else(|| format!("an entity's keys are {}", ENTITY_KEYS.join(", ")));
            findings.push(
                Diagnostic::new(
                    &rules::ENTITY_INVALID,
                    ctx.place(&format!("/{}", escape_segment(key)), Target::Key),
                    format!("unknown key `{key}` in an entity"),
                )
                .help(help),
            );
        }
    }

    let identifier = match map.get("identifier") {
        Some(Value::String(id)) => {
            if let Some(problem) = identifier::problem(Kind::Entity, id) {
                findings.push(
                    Diagnostic::new(
                        &rules::IDENTIFIER_INVALID,
                        ctx.place("/identifier", Target::Value),
                        problem,
                    )
                    .help(identifier::help(Kind::Entity))
                    .entity(id.clone()),
                );
            }
            Some(id.clone())
        }
        Some(other) => {
            findings.push(
                Diagnostic::new(
                    &rules::IDENTIFIER_INVALID,
                    ctx.place("/identifier", Target::Value),
                    format!("the identifier must be a string, not {}", describe(other)),
                )
                .help("quote it: identifier: \"123\""),
            );
            None
        }
        None if ctx.single => {
            let stem = file_stem(ctx.path);
            if let Some(problem) = identifier::problem(Kind::Entity, stem) {
                findings.push(
                    Diagnostic::new(
                        &rules::IDENTIFIER_INVALID,
                        ctx.place("", Target::Value),
                        format!("no `identifier`, and the file name is not one: {problem}"),
                    )
                    .help("add an `identifier:` key, or rename the file"),
                );
                None
            } else {
                Some(stem.to_owned())
            }
        }
        None => {
            findings.push(
                Diagnostic::new(
                    &rules::IDENTIFIER_INVALID,
                    ctx.place("", Target::Value),
                    "this document has no `identifier`",
                )
                .help("in a file with several documents, each entity needs its own `identifier:`"),
            );
            None
        }
    };

    for key in ["title", "icon"] {
        if let Some(v) = map.get(key).filter(|v| !v.is_string() && !v.is_null()) {
            findings.push(
                Diagnostic::new(
                    &rules::ENTITY_INVALID,
                    ctx.place(&format!("/{key}"), Target::Value),
                    format!("`{key}` must be a string, not {}", describe(v)),
                )
                .help("quote the value"),
            );
        }
    }
    if let Some(team) = map.get("team") {
        let ok = match team {
            Value::Null | Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        };
        if !ok {
            findings.push(
                Diagnostic::new(
                    &rules::ENTITY_INVALID,
                    ctx.place("/team", Target::Value),
                    "`team` must be a team identifier or a list of them",
                )
                .help("team: [payments]"),
            );
        }
    }
    for key in ["properties", "relations"] {
        if let Some(v) = map.get(key).filter(|v| !v.is_object() && !v.is_null()) {
            findings.push(
                Diagnostic::new(
                    &rules::ENTITY_INVALID,
                    ctx.place(&format!("/{key}"), Target::Value),
                    format!("`{key}` must be a mapping, not {}", describe(v)),
                )
                .help(format!("{key}: {{ key: value }}")),
            );
        }
    }

    let blueprint = resolve_blueprint(ctx, map.get("blueprint"), &mut findings);
    let blueprint_name = match (&blueprint, map.get("blueprint")) {
        (Some(i), _) => Some(ctx.blueprints.list[*i].identifier.clone()),
        (None, Some(Value::String(name))) => Some(name.clone()),
        _ => None,
    };
    for finding in &mut findings {
        if finding.entity.is_none() {
            finding.entity = identifier.clone();
        }
        if finding.blueprint.is_none() {
            finding.blueprint = blueprint_name.clone();
        }
    }
    let unknown_blueprint = match (&blueprint, map.get("blueprint")) {
        (None, Some(Value::String(name))) => Some(name.clone()),
        _ => None,
    };
    let explicit_identifier = map.contains_key("identifier");
    let entity = identifier.map(|identifier| Entity {
        blueprint,
        unknown_blueprint,
        identifier,
        explicit_identifier,
        file: ctx.file,
        document: ctx.document,
        links: links_of(&value),
        value: Some(value),
    });
    Read { entity, findings }
}

/// The blueprint from the `blueprint` key, else from the first folder under the root.
fn resolve_blueprint(
    ctx: &DocumentContext,
    key: Option<&Value>,
    findings: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let folder = folder_under_root(ctx.root, ctx.path);
    let from_folder = folder.and_then(|f| ctx.blueprints.index_of(f));
    match key {
        Some(Value::String(name)) => match ctx.blueprints.index_of(name) {
            Some(i) => {
                if let Some(f) = from_folder.filter(|f| *f != i) {
                    let folder_bp = &ctx.blueprints.list[f].identifier;
                    findings.push(Diagnostic::new(&rules::ENTITY_INVALID, ctx.place("/blueprint", Target::Value), format!("`blueprint: {name}` contradicts the folder `{}/{folder_bp}/`, which holds {folder_bp} entities", ctx.root)).help(format!("move the file under `{}/{name}/`, or correct the key", ctx.root)));
                }
                Some(i)
            }
            None => {
                let help = closest(name, ctx.blueprints.ids())
                    .map(|b| format!("did you mean `{b}`?"))
                    .unwrap_or_else(|| {
                        "define the blueprint in the blueprints folder, or correct the name".into()
                    });
                findings.push(
                    Diagnostic::new(
                        &rules::BLUEPRINT_UNKNOWN,
                        ctx.place("/blueprint", Target::Value),
                        format!("blueprint `{name}` does not exist"),
                    )
                    .help(help),
                );
                None
            }
        },
        Some(Value::Null) | None => {
            if from_folder.is_none() {
                let message = match folder {
                    Some(f) => {
                        format!("no `blueprint` key, and the folder `{f}` names no blueprint")
                    }
                    None => format!(
                        "no `blueprint` key, and the file is not in a blueprint folder under `{}/`",
                        ctx.root
                    ),
                };
                let help = folder
                    .and_then(|f| closest(f, ctx.blueprints.ids()))
                    .map(|b| format!("did you mean the folder `{b}`?"))
                    .unwrap_or_else(|| format!("add `blueprint: <Blueprint>`, or move the file under `{}/<Blueprint>/`", ctx.root));
                findings.push(
                    Diagnostic::new(
                        &rules::BLUEPRINT_UNKNOWN,
                        ctx.place("", Target::Value),
                        message,
                    )
                    .help(help),
                );
            }
            from_folder
        }
        Some(other) => {
            findings.push(Diagnostic::new(
                &rules::ENTITY_INVALID,
                ctx.place("/blueprint", Target::Value),
                format!(
                    "`blueprint` must be a blueprint identifier, not {}",
                    describe(other)
                ),
            ));
            from_folder
        }
    }
}
