//! Rules about blueprints that need the other blueprints: relation and aggregation
//! targets that exist, mirror paths that resolve through relations.
//! (Shape rules are checked while reading, in `catalog::blueprint`.)

use crate::catalog::identifier::closest;
use crate::catalog::{Blueprint, Blueprints};
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::source::spans::{escape_segment, Target};

/// Meta fields a mirror path may end with.
const META_FIELDS: &[&str] = &[
    "$identifier",
    "$title",
    "$team",
    "$icon",
    "$createdAt",
    "$updatedAt",
    "$blueprint",
];

pub fn check(blueprints: &Blueprints) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for blueprint in blueprints.list.iter().filter(|b| !b.broken) {
        let place = |pointer: String, target: Target| {
            Place::pointer(
                &blueprint.file,
                blueprint.document,
                format!("{}{pointer}", blueprint.prefix),
                target,
            )
        };
        let mut push = |d: Diagnostic| findings.push(d.blueprint(blueprint.identifier.clone()));
        for (key, relation) in &blueprint.relations {
            if blueprints.get(&relation.target).is_none() {
                push(unknown_target(
                    blueprints,
                    place(
                        format!("/relations/{}/target", escape_segment(key)),
                        Target::Value,
                    ),
                    &format!("relation `{key}`"),
                    &relation.target,
                ));
            }
        }
        for (key, def) in &blueprint.aggregations {
            if let Some(target) = def.get("target").and_then(|t| t.as_str()) {
                if blueprints.get(target).is_none() {
                    push(unknown_target(
                        blueprints,
                        place(
                            format!("/aggregationProperties/{}/target", escape_segment(key)),
                            Target::Value,
                        ),
                        &format!("aggregation property `{key}`"),
                        target,
                    ));
                }
            }
        }
        for (key, path) in &blueprint.mirrors {
            if let Err((message, help)) = resolve_mirror(blueprints, blueprint, path) {
                push(
                    Diagnostic::new(
                        &rules::BLUEPRINT_INVALID,
                        place(
                            format!("/mirrorProperties/{}/path", escape_segment(key)),
                            Target::Value,
                        ),
                        format!("mirror property `{key}`: {message}"),
                    )
                    .help(help),
                );
            }
        }
    }
    findings
}

fn unknown_target(blueprints: &Blueprints, place: Place, what: &str, target: &str) -> Diagnostic {
    let help = closest(target, blueprints.ids())
        .map(|b| format!("did you mean `{b}`?"))
        .unwrap_or_else(|| {
            format!(
                "define the blueprint `{target}`, or point to one of: {}",
                blueprints.ids().collect::<Vec<_>>().join(", ")
            )
        });
    Diagnostic::new(
        &rules::BLUEPRINT_INVALID,
        place,
        format!("{what} targets the blueprint `{target}`, which does not exist"),
    )
    .help(help)
}

/// Follow a mirror path (`relation.relation.property`) from a blueprint; the error is
/// a message and a hint.
pub fn resolve_mirror<'a>(
    blueprints: &'a Blueprints,
    from: &'a Blueprint,
    path: &str,
) -> Result<(), (String, String)> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.len() < 2 {
        return Err((
            format!("the path `{path}` must go through at least one relation"),
            "write `relation.property`, e.g. `system.domain` or `system.$title`".into(),
        ));
    }
    let mut current = from;
    for segment in &segments[..segments.len() - 1] {
        let Some(relation) = current.relations.get(*segment) else {
            let help = closest(segment, current.relations.keys().map(String::as_str))
                .map(|r| format!("did you mean `{r}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "{} has relations: {}",
                        current.identifier,
                        current
                            .relations
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            return Err((
                format!(
                    "`{segment}` in `{path}` is not a relation of {}",
                    current.identifier
                ),
                help,
            ));
        };
        let Some(next) = blueprints.get(&relation.target) else {
            return Err((
                format!(
                    "`{segment}` targets `{}`, which does not exist",
                    relation.target
                ),
                "fix the relation's target first".into(),
            ));
        };
        current = next;
    }
    let last = segments[segments.len() - 1];
    let found = META_FIELDS.contains(&last)
        || current.properties.contains_key(last)
        || current.mirrors.contains_key(last)
        || current.calculations.contains_key(last)
        || current.aggregations.contains_key(last)
        || current.relations.contains_key(last);
    if found {
        Ok(())
    } else {
        let help = closest(
            last,
            current
                .properties
                .keys()
                .map(String::as_str)
                .chain(META_FIELDS.iter().copied()),
        )
        .map(|p| format!("did you mean `{p}`?"))
        .unwrap_or_else(|| {
            format!(
                "{} has properties: {}",
                current.identifier,
                current
                    .properties
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        Err((
            format!("`{last}` is not a property of {}", current.identifier),
            help,
        ))
    }
}
