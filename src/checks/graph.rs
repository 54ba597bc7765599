//! Rules over the whole entity graph: unique identifiers and relation cycles.
//!
//! Rules: `identifier-duplicate`, `identifier-case-clash`, `relation-cycle`.

use crate::catalog::{Catalog, Entity, FastMap, IdMap};
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::source::spans::Target;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

fn identifier_place(catalog: &Catalog, entity: &Entity) -> Place {
    let pointer = if entity.explicit_identifier {
        "/identifier"
    } else {
        ""
    };
    Place::pointer(
        catalog.file_of(entity),
        entity.document,
        pointer,
        Target::Value,
    )
}

/// Build the per-blueprint index, reporting duplicates (the later one, by file order)
/// and identifiers that differ only by case. Blueprints are indexed in parallel, each
/// over its entities in file order.
pub fn index(catalog: &mut Catalog) -> Vec<Diagnostic> {
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); catalog.blueprints.list.len()];
    for (i, entity) in catalog.entities.iter().enumerate() {
        if let Some(bp) = entity.blueprint {
            members[bp].push(i);
        }
    }
    let indexed: Vec<(IdMap<usize>, Vec<Diagnostic>)> = members
        .par_iter()
        .enumerate()
        .map(|(bp, members)| index_blueprint(catalog, bp, members))
        .collect();
    let mut findings = Vec::new();
    catalog.by_blueprint = indexed
        .into_iter()
        .map(|(ids, found)| {
            findings.extend(found);
            ids
        })
        .collect();
    findings
}

/// The index of one blueprint's entities (`members`, in file order) and its findings.
fn index_blueprint(
    catalog: &Catalog,
    bp: usize,
    members: &[usize],
) -> (IdMap<usize>, Vec<Diagnostic>) {
    let mut findings = Vec::new();
    let bp_name = &catalog.blueprints.list[bp].identifier;
    let mut ids = IdMap::with_capacity_and_hasher(members.len(), Default::default());
    // Identifiers by their lowercase form; most are lowercase already and not copied.
    let mut lowercase: FastMap<Cow<str>, usize> =
        FastMap::with_capacity_and_hasher(members.len(), Default::default());
    for &i in members {
        let entity = &catalog.entities[i];
        if let Some(&first) = ids.get(&entity.identifier) {
            let first = &catalog.entities[first];
            findings.push(
                Diagnostic::new(
                    &rules::IDENTIFIER_DUPLICATE,
                    identifier_place(catalog, entity),
                    format!("{bp_name} `{}` is defined twice", entity.identifier),
                )
                .help("rename or remove one of the two definitions")
                .blueprint(bp_name.clone())
                .entity(entity.identifier.clone())
                .related(identifier_place(catalog, first), "first defined here"),
            );
            continue;
        }
        let id = entity.identifier.as_str();
        let lower = if id.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
            Cow::Borrowed(id)
        } else {
            Cow::Owned(id.to_lowercase())
        };
        if let Some(&other) = lowercase.get(&lower) {
            let other = &catalog.entities[other];
            findings.push(
                Diagnostic::new(&rules::IDENTIFIER_CASE_CLASH, identifier_place(catalog, entity), format!("{bp_name} `{}` differs only by case from `{}`", entity.identifier, other.identifier))
                    .help("rename one of them, unless both are meant: their files collide on case-insensitive file systems")
                    .blueprint(bp_name.clone())
                    .entity(entity.identifier.clone())
                    .related(identifier_place(catalog, other), format!("`{}` is defined here", other.identifier)),
            );
        } else {
            lowercase.insert(lower, i);
        }
        ids.insert(entity.identifier.clone(), i);
    }
    (ids, findings)
}

/// Cycles through relations whose target is the entity's own blueprint, once per
/// cycle (per strongly connected component), on its first entity by file order.
pub fn cycles(catalog: &Catalog) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for (bp_index, blueprint) in catalog.blueprints.list.iter().enumerate() {
        let keys: Vec<&String> = blueprint
            .relations
            .iter()
            .filter(|(_, r)| r.target == blueprint.identifier)
            .map(|(k, _)| k)
            .collect();
        if keys.is_empty() {
            continue;
        }
        let ids = &catalog.by_blueprint[bp_index];
        let mut graph: DiGraph<usize, (&str, Option<u32>)> = DiGraph::new();
        let mut nodes: FastMap<usize, NodeIndex> = FastMap::default();
        let mut members: Vec<usize> = ids.values().copied().collect();
        members.sort_unstable();
        // Only entities on a self-relation edge can be on a cycle: the graph holds
        // those alone, not every entity of the blueprint (40k Components at 100k).
        for &e in &members {
            for key in &keys {
                for link in catalog.entities[e].targets(key) {
                    if let Some(&t) = ids.get(&*link.target) {
                        let from = *nodes.entry(e).or_insert_with(|| graph.add_node(e));
                        let to = *nodes.entry(t).or_insert_with(|| graph.add_node(t));
                        graph.add_edge(from, to, (key.as_str(), link.index));
                    }
                }
            }
        }
        for scc in petgraph::algo::tarjan_scc(&graph) {
            let first = scc.iter().copied().min_by_key(|n| graph[*n]);
            let Some(first) = first else { continue };
            let self_loop = graph.find_edge(first, first).is_some();
            if scc.len() < 2 && !self_loop {
                continue;
            }
            let path = cycle_from(&graph, first, &scc);
            let entity = &catalog.entities[graph[first]];
            let names: Vec<&str> = path
                .iter()
                .map(|(n, _)| catalog.entities[graph[*n]].identifier.as_str())
                .chain(std::iter::once(entity.identifier.as_str()))
                .collect();
            let (key, index) = path.first().map(|(_, e)| *e).unwrap_or(("", None));
            let pointer = super::relations::pointer(key, index);
            let mut diagnostic = Diagnostic::new(
                &rules::RELATION_CYCLE,
                Place::pointer(
                    catalog.file_of(entity),
                    entity.document,
                    pointer,
                    Target::Value,
                ),
                format!(
                    "{} `{}` is part of a relation cycle: {}",
                    blueprint.identifier,
                    entity.identifier,
                    names.join(" → ")
                ),
            )
            .help("remove one relation of the cycle")
            .blueprint(blueprint.identifier.clone())
            .entity(entity.identifier.clone());
            for (n, _) in path.iter().skip(1) {
                let other = &catalog.entities[graph[*n]];
                diagnostic = diagnostic.related(
                    identifier_place(catalog, other),
                    format!("`{}` is in the cycle", other.identifier),
                );
            }
            findings.push(diagnostic);
        }
    }
    findings
}

/// A shortest cycle from `start` back to itself inside its component, as the list of
/// (node, edge taken from it).
fn cycle_from<'a>(
    graph: &DiGraph<usize, (&'a str, Option<u32>)>,
    start: NodeIndex,
    scc: &[NodeIndex],
) -> Vec<(NodeIndex, (&'a str, Option<u32>))> {
    use petgraph::visit::EdgeRef;
    let mut previous: HashMap<NodeIndex, (NodeIndex, (&'a str, Option<u32>))> = HashMap::new();
    let mut queue = VecDeque::from([start]);
    let mut end = None;
    'search: while let Some(node) = queue.pop_front() {
        let mut edges: Vec<_> = graph
            .edges(node)
            .filter(|e| scc.contains(&e.target()))
            .collect();
        edges.sort_by_key(|e| (graph[e.target()], *e.weight()));
        for edge in edges {
            let next = edge.target();
            if next == start {
                end = Some((node, *edge.weight()));
                break 'search;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = previous.entry(next) {
                slot.insert((node, *edge.weight()));
                queue.push_back(next);
            }
        }
    }
    let mut path = Vec::new();
    let Some((mut node, weight)) = end else {
        return path;
    };
    path.push((node, weight));
    while node != start {
        let Some(&(prev, w)) = previous.get(&node) else {
            break;
        };
        path.push((prev, w));
        node = prev;
    }
    path.reverse();
    path
}
