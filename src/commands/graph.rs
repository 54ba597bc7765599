//! `portolan graph`: the relation graph, whole or around one entity, as a Mermaid
//! flowchart, Graphviz DOT or JSON. Nodes and edges are sorted, so the same catalog
//! always draws the same text (and diffs well in a pull request).

use super::list::{load, serialize};
use super::{CommandError, Outcome};
use crate::catalog::derived::Graph;
use crate::cli::{GraphArgs, GraphFormat};
use crate::output::Printer;
use serde_json::json;
use std::collections::{BTreeSet, HashSet, VecDeque};

/// The version of the JSON graph.
pub const VERSION: u32 = 1;

pub fn run(args: GraphArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let catalog = load(args.root.as_deref(), false, printer)?;
    let graph = Graph::new(&catalog);
    let depth = args.depth.unwrap_or(1);
    let (root, nodes): (Option<usize>, HashSet<usize>) = match &args.entity {
        Some(reference) => {
            let (blueprint, id) = catalog.resolve(reference).map_err(|m| {
                CommandError::new(m)
                    .hint("name the entity as BLUEPRINT/ID, e.g. `Component/CartService`")
            })?;
            let i = graph
                .index_of(&blueprint, &id)
                .ok_or_else(|| CommandError::new(format!("there is no {blueprint} `{id}`")))?;
            (Some(i), neighbourhood(&graph, i, depth))
        }
        None => (
            None,
            (0..catalog.entities.len())
                .filter(|&i| catalog.entities[i].blueprint.is_some())
                .collect(),
        ),
    };
    // Sorted by reference; edges by (from, relation, to).
    let names: BTreeSet<(String, usize)> = nodes.iter().map(|&i| (graph.reference(i), i)).collect();
    let mut edges: Vec<(String, &str, String)> = Vec::new();
    for &i in &nodes {
        for out in graph.outgoing(i) {
            if let Some(t) = out.entity.filter(|t| nodes.contains(t)) {
                edges.push((graph.reference(i), out.relation, graph.reference(t)));
            }
        }
    }
    edges.sort();
    edges.dedup();
    let root_ref = root.map(|r| graph.reference(r));
    let text = match args.format {
        GraphFormat::Mermaid => mermaid(&names, &edges, root_ref.as_deref()),
        GraphFormat::Dot => dot(&names, &edges, root_ref.as_deref()),
        GraphFormat::Json => {
            let nodes: Vec<_> = names
                .iter()
                .map(|(r, i)| {
                    let e = &catalog.entities[*i];
                    json!({
                        "id": r,
                        "blueprint": e.blueprint.map(|b| catalog.blueprints.list[b].identifier.as_str()),
                        "identifier": e.identifier,
                    })
                })
                .collect();
            let edges: Vec<_> = edges
                .iter()
                .map(|(from, relation, to)| json!({"from": from, "relation": relation, "to": to}))
                .collect();
            serialize(
                &json!({
                    "version": VERSION,
                    "root": root_ref,
                    "depth": root.map(|_| depth),
                    "nodes": nodes,
                    "edges": edges,
                }),
                false,
            )
        }
    };
    printer.result(&text)?;
    std::mem::forget(graph);
    std::mem::forget(catalog);
    Ok(Outcome::Success)
}

/// The entities at most `depth` relations away from `root`, following relations both ways.
fn neighbourhood(graph: &Graph, root: usize, depth: usize) -> HashSet<usize> {
    let mut seen = HashSet::from([root]);
    let mut queue = VecDeque::from([(root, 0)]);
    while let Some((e, d)) = queue.pop_front() {
        if d == depth {
            continue;
        }
        let forward = graph.outgoing(e).iter().filter_map(|o| o.entity);
        let backward = graph.incoming(e).iter().map(|n| n.source);
        for n in forward.chain(backward) {
            if seen.insert(n) {
                queue.push_back((n, d + 1));
            }
        }
    }
    seen
}

fn mermaid(
    nodes: &BTreeSet<(String, usize)>,
    edges: &[(String, &str, String)],
    root: Option<&str>,
) -> String {
    // Mermaid node ids are positional (`n0`, `n1`…); labels carry the references,
    // with quotes escaped as Mermaid entities.
    let ids: std::collections::HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(n, (r, _))| (r.as_str(), n))
        .collect();
    let label = |s: &str| s.replace('"', "#quot;");
    let mut out = String::from("flowchart LR\n");
    for (n, (r, _)) in nodes.iter().enumerate() {
        out.push_str(&format!("  n{n}[\"{}\"]\n", label(r)));
    }
    for (from, relation, to) in edges {
        out.push_str(&format!(
            "  n{} -->|{}| n{}\n",
            ids[from.as_str()],
            label(relation),
            ids[to.as_str()]
        ));
    }
    if let Some(n) = root.and_then(|r| ids.get(r)) {
        out.push_str(&format!("  style n{n} stroke-width:3px\n"));
    }
    out
}

fn dot(
    nodes: &BTreeSet<(String, usize)>,
    edges: &[(String, &str, String)],
    root: Option<&str>,
) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from("digraph catalog {\n  rankdir=LR;\n  node [shape=box];\n");
    for (r, _) in nodes {
        let bold = if Some(r.as_str()) == root {
            " [penwidth=3]"
        } else {
            ""
        };
        out.push_str(&format!("  {}{bold};\n", quote(r)));
    }
    for (from, relation, to) in edges {
        out.push_str(&format!(
            "  {} -> {} [label={}];\n",
            quote(from),
            quote(to),
            quote(relation)
        ));
    }
    out.push_str("}\n");
    out
}
