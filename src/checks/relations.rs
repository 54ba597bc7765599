//! Relations: declared, of the right cardinality, present when required, and
//! pointing at entities that exist.
//!
//! Rules: `relation-unknown`, `relation-cardinality`, `relation-required` (per entity,
//! while loading) and `relation-dangling` (over the whole graph, afterwards).

use super::entity::DocumentContext;
use crate::catalog::blueprint::describe;
use crate::catalog::identifier::closest;
use crate::catalog::{Blueprint, Catalog, Entity};
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::source::spans::{escape_segment, Target};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashMap;

/// The shape of an entity's relations against its blueprint.
pub fn check_shape(
    ctx: &DocumentContext,
    blueprint: &Blueprint,
    entity: &Entity,
    findings: &mut Vec<Diagnostic>,
) {
    let bp = &blueprint.identifier;
    let id = &entity.identifier;
    let relations = entity.relations();
    let mut push = |d: Diagnostic| findings.push(d.blueprint(bp.clone()).entity(id.clone()));

    for (key, value) in relations.into_iter().flatten() {
        let pointer = format!("/relations/{}", escape_segment(key));
        let Some(relation) = blueprint.relations.get(key) else {
            let help = closest(key, blueprint.relations.keys().map(String::as_str))
                .map(|k| format!("did you mean `{k}`?"))
                .unwrap_or_else(|| {
                    format!("declare `{key}` under the {bp} blueprint's `relations`, or remove it")
                });
            push(
                Diagnostic::new(
                    &rules::RELATION_UNKNOWN,
                    ctx.place(&pointer, Target::Key),
                    format!("{bp} has no relation `{key}`"),
                )
                .help(help),
            );
            continue;
        };
        match (value, relation.many) {
            (Value::Null, _) => {}
            (Value::String(s), true) => push(
                Diagnostic::new(
                    &rules::RELATION_CARDINALITY,
                    ctx.place(&pointer, Target::Value),
                    format!("relation `{key}` is `many`: it takes a list, not a single identifier"),
                )
                .help(format!("write `{key}: [{s}]`")),
            ),
            (Value::Array(items), false) => {
                let help = match items.as_slice() {
                    [Value::String(one)] => format!("write `{key}: {one}`"),
                    _ => format!("`{key}` takes one identifier; make the relation `many: true` in the blueprint to allow several"),
                };
                push(
                    Diagnostic::new(
                        &rules::RELATION_CARDINALITY,
                        ctx.place(&pointer, Target::Value),
                        format!("relation `{key}` is single: it takes one identifier, not a list"),
                    )
                    .help(help),
                );
            }
            (Value::Array(items), true) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_string() {
                        push(
                            Diagnostic::new(
                                &rules::ENTITY_INVALID,
                                ctx.place(&format!("{pointer}/{i}"), Target::Value),
                                format!(
                                    "relation `{key}` lists {}, not an identifier",
                                    describe(item)
                                ),
                            )
                            .help("relation targets are identifiers (strings); quote numbers"),
                        );
                    }
                }
            }
            (Value::String(_), false) => {}
            (other, _) => push(
                Diagnostic::new(
                    &rules::ENTITY_INVALID,
                    ctx.place(&pointer, Target::Value),
                    format!("relation `{key}` is {}, not an identifier", describe(other)),
                )
                .help("relation targets are identifiers (strings)"),
            ),
        }
    }

    for (key, relation) in &blueprint.relations {
        if !relation.required {
            continue;
        }
        let set = relations.and_then(|r| r.get(key)).is_some_and(|v| match v {
            Value::Null => false,
            Value::Array(items) => !items.is_empty(),
            _ => true,
        });
        if !set {
            let (pointer, target) = match relations.and_then(|r| r.get(key)) {
                Some(_) => (format!("/relations/{}", escape_segment(key)), Target::Value),
                None if relations.is_some() => ("/relations".to_owned(), Target::Key),
                None => (String::new(), Target::Value),
            };
            push(
                Diagnostic::new(
                    &rules::RELATION_REQUIRED,
                    ctx.place(&pointer, target),
                    format!(
                        "{bp} `{id}` must set the required relation `{key}` (to a {})",
                        relation.target
                    ),
                )
                .help(format!(
                    "add `{key}: <{} identifier>` under `relations:`",
                    relation.target
                )),
            );
        }
    }
}

/// A reference to an entity that does not exist.
struct Dangling<'a> {
    entity: &'a Entity,
    relation: &'a str,
    index: Option<u32>,
    target_blueprint: usize,
    target: &'a str,
}

/// Fuzzy hints are computed for the first references in report order only, within a
/// budget of candidate comparisons, so that a catalog with thousands of broken
/// references stays fast (a person reads the first ones anyway) and its output stays
/// identical from run to run. Case-only mistakes are always found, through a map.
const HINT_BUDGET: usize = 500_000;

/// Every relation target must exist (`relation-dangling`).
pub fn check_targets(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut dangling: Vec<Dangling> = catalog
        .entities
        .par_iter()
        .filter_map(|entity| {
            let blueprint = &catalog.blueprints.list[entity.blueprint?];
            if blueprint.broken {
                return None;
            }
            let mut found = Vec::new();
            for (key, relation) in &blueprint.relations {
                let Some(target_bp) = catalog.blueprints.index_of(&relation.target) else {
                    continue;
                };
                for link in entity.targets(key) {
                    let (index, target) = (link.index, &*link.target);
                    if catalog.entity(target_bp, target).is_none()
                        && !catalog.shadows.contains(&relation.target, target)
                    {
                        found.push(Dangling {
                            entity,
                            relation: key,
                            index,
                            target_blueprint: target_bp,
                            target,
                        });
                    }
                }
            }
            (!found.is_empty()).then_some(found)
        })
        .flatten()
        .collect();
    dangling.sort_by(|a, b| {
        (a.entity.file, a.entity.document, a.relation, a.index).cmp(&(
            b.entity.file,
            b.entity.document,
            b.relation,
            b.index,
        ))
    });

    // Which references get a fuzzy hint is decided in report order against the budget,
    // so the output is the same on every run; the hints are then computed in parallel.
    let mut budget = HINT_BUDGET;
    let fuzzy: Vec<bool> = dangling
        .iter()
        .map(|d| {
            let cost = catalog.by_blueprint[d.target_blueprint].len();
            let affordable = budget >= cost;
            if affordable {
                budget -= cost;
            }
            affordable
        })
        .collect();
    let mut targets: HashMap<usize, Targets> = HashMap::new();
    for d in &dangling {
        targets.entry(d.target_blueprint).or_insert_with(|| {
            let ids = &catalog.by_blueprint[d.target_blueprint];
            Targets {
                by_case: ids.keys().map(|k| (k.to_lowercase(), k.as_str())).collect(),
                ids: ids.keys().map(String::as_str).collect(),
            }
        });
    }
    dangling
        .par_iter()
        .zip(fuzzy.par_iter())
        .map(|(d, &fuzzy)| {
            let help = hint(catalog, d, targets.get(&d.target_blueprint), fuzzy);
            let target_bp = &catalog.blueprints.list[d.target_blueprint].identifier;
            let file = catalog.file_of(d.entity);
            Diagnostic::new(
                &rules::RELATION_DANGLING,
                Place::pointer(
                    file,
                    d.entity.document,
                    pointer(d.relation, d.index),
                    Target::Value,
                ),
                format!(
                    "relation `{}` points to {target_bp} `{}`, which does not exist",
                    d.relation, d.target
                ),
            )
            .help(help)
            .blueprint(
                catalog.blueprints.list[d.entity.blueprint.unwrap_or_default()]
                    .identifier
                    .clone(),
            )
            .entity(d.entity.identifier.clone())
        })
        .collect()
}

/// The identifiers of a blueprint that dangling references point to, prepared once:
/// lower-cased for case-only mistakes, and in a list for the fuzzy search.
struct Targets<'a> {
    by_case: HashMap<String, &'a str>,
    ids: Vec<&'a str>,
}

/// The hint for a dangling reference: the same identifier in another case, a close
/// one (when `fuzzy`), the same identifier in another blueprint, or what to do.
fn hint(catalog: &Catalog, d: &Dangling, targets: Option<&Targets>, fuzzy: bool) -> String {
    let target_bp = &catalog.blueprints.list[d.target_blueprint].identifier;
    if let Some(k) = targets.and_then(|t| t.by_case.get(&d.target.to_lowercase())) {
        return format!("did you mean `{k}`? identifiers are case-sensitive");
    }
    if let Some(t) = targets.filter(|_| fuzzy) {
        if let Some(k) = closest(d.target, t.ids.iter().copied()) {
            return format!("did you mean `{k}`?");
        }
    }
    let elsewhere =
        catalog.blueprints.list.iter().enumerate().find(|(i, _)| {
            *i != d.target_blueprint && catalog.by_blueprint[*i].contains_key(d.target)
        });
    match elsewhere {
        Some((_, b)) => format!(
            "`{}` is a {}, but `{}` points to {target_bp} entities",
            d.target, b.identifier, d.relation
        ),
        None => format!(
            "create the {target_bp} `{}`, or correct the reference",
            d.target
        ),
    }
}

/// The JSON pointer of a relation target: `/relations/<key>` for a single relation,
/// `/relations/<key>/<index>` for an item of a many relation.
pub fn pointer(relation: &str, index: Option<u32>) -> String {
    match index {
        None => format!("/relations/{}", escape_segment(relation)),
        Some(i) => format!("/relations/{}/{i}", escape_segment(relation)),
    }
}
