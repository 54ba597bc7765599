//! `portolan impact`: everything that depends on an entity, transitively — what points
//! at it, what points at those, and so on — each with the shortest relation path that
//! connects it, e.g. `Component/CartService --resources--> Resource/cart-sql-sb`.

use super::list::{load, serialize};
use super::{CommandError, Outcome};
use crate::catalog::derived::Graph;
use crate::cli::{DiffFormat, ImpactArgs};
use crate::output::table::{clip, Keep};
use crate::output::Printer;
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};

/// The version of the JSON report.
pub const VERSION: u32 = 1;

/// One dependent: its distance and the next hop towards the entity.
struct Dependent<'a> {
    distance: usize,
    /// The relation it names the next entity by, and that entity.
    via: &'a str,
    next: usize,
}

pub fn run(args: ImpactArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let catalog = load(args.root.as_deref(), false, printer)?;
    let (blueprint, id) = catalog.resolve(&args.entity).map_err(|m| {
        CommandError::new(m).hint("name the entity as BLUEPRINT/ID, e.g. `Resource/cart-sql-sb`")
    })?;
    let graph = Graph::new(&catalog);
    let root = graph
        .index_of(&blueprint, &id)
        .ok_or_else(|| CommandError::new(format!("there is no {blueprint} `{id}`")))?;

    // Breadth first over the reverse index; each level in reference order, so the
    // path reported for an entity reachable two ways is always the same one.
    let mut found: HashMap<usize, Dependent> = HashMap::new();
    let mut queue = VecDeque::from([(root, 0usize)]);
    while let Some((e, d)) = queue.pop_front() {
        let mut sources: Vec<(String, &str, usize)> = graph
            .incoming(e)
            .iter()
            .map(|n| (graph.reference(n.source), n.relation, n.source))
            .collect();
        sources.sort();
        for (_, relation, source) in sources {
            if source == root || found.contains_key(&source) {
                continue;
            }
            found.insert(
                source,
                Dependent {
                    distance: d + 1,
                    via: relation,
                    next: e,
                },
            );
            queue.push_back((source, d + 1));
        }
    }
    let mut dependents: Vec<(usize, String, usize)> = found
        .iter()
        .map(|(&i, dep)| (dep.distance, graph.reference(i), i))
        .collect();
    dependents.sort();
    let path = |start: usize| {
        let mut hops = Vec::new();
        let mut e = start;
        while let Some(dep) = found.get(&e) {
            hops.push((graph.reference(e), dep.via, graph.reference(dep.next)));
            e = dep.next;
        }
        hops
    };
    let root_ref = graph.reference(root);
    let text = match args.format {
        DiffFormat::Json => {
            let list: Vec<Value> = dependents
                .iter()
                .map(|(distance, reference, i)| {
                    let e = &catalog.entities[*i];
                    let hops: Vec<Value> = path(*i)
                        .into_iter()
                        .map(|(from, relation, to)| json!({"from": from, "relation": relation, "to": to}))
                        .collect();
                    json!({
                        "entity": reference,
                        "blueprint": e.blueprint.map(|b| catalog.blueprints.list[b].identifier.as_str()),
                        "identifier": e.identifier,
                        "distance": distance,
                        "path": hops,
                    })
                })
                .collect();
            serialize(
                &json!({"version": VERSION, "entity": root_ref, "dependents": list}),
                false,
            )
        }
        DiffFormat::Human => {
            if dependents.is_empty() {
                format!("nothing depends on {}\n", clip(&root_ref, Keep::Start))
            } else {
                let n = dependents.len();
                let s = if n == 1 { "y" } else { "ies" };
                let root = clip(&root_ref, Keep::Start);
                let mut out = format!("{n} entit{s} depend on {root}:\n");
                for (_, _, i) in &dependents {
                    let hops = path(*i);
                    let mut line = String::new();
                    for (from, relation, _) in &hops {
                        let (from, relation) =
                            (clip(from, Keep::Start), clip(relation, Keep::Start));
                        line.push_str(&format!("{from} --{relation}--> "));
                    }
                    line.push_str(&root);
                    out.push_str(&format!("  {line}\n"));
                }
                out
            }
        }
    };
    printer.result(&text)?;
    std::mem::forget(graph);
    std::mem::forget(catalog);
    Ok(Outcome::Success)
}
