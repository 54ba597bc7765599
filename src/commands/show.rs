//! `portolan show`: one entity — its properties, its derived values (or why one cannot
//! be computed offline), its relations out and in, and where it is defined.

use super::list::{calculation_error, load, serialize};
use super::{CommandError, Outcome};
use crate::catalog::derived::{self, Deriver, Graph};
use crate::cli::{ShowArgs, ShowFormat};
use crate::output::table::{clip, Keep};
use crate::output::Printer;
use serde_json::{json, Value};

/// The version of the JSON and YAML document.
pub const VERSION: u32 = 1;

pub fn run(args: ShowArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let catalog = load(args.root.as_deref(), true, printer)?;
    let (blueprint, id) = catalog.resolve(&args.entity).map_err(|m| {
        CommandError::new(m).hint("name the entity as BLUEPRINT/ID, e.g. `Component/CartService`; `portolan list` lists them")
    })?;
    let graph = Graph::new(&catalog);
    let i = graph
        .index_of(&blueprint, &id)
        .ok_or_else(|| CommandError::new(format!("there is no {blueprint} `{id}`")))?;
    let entity = &catalog.entities[i];
    let derived = Deriver::new(&graph).derive(i);
    if let Some(exceeded) = derived.exceeded() {
        return Err(calculation_error(exceeded));
    }
    let value = derived::entity_json(&catalog, entity, Some(&derived));

    let outgoing: Vec<Value> = graph
        .outgoing(i)
        .iter()
        .map(|o| {
            json!({
                "relation": o.relation,
                "blueprint": o.blueprint.map(|b| catalog.blueprints.list[b].identifier.as_str()),
                "identifier": o.target,
                "exists": o.entity.is_some(),
            })
        })
        .collect();
    let mut incoming: Vec<(String, &str, usize)> = graph
        .incoming(i)
        .iter()
        .map(|n| (graph.reference(n.source), n.relation, n.source))
        .collect();
    incoming.sort();
    let incoming: Vec<Value> = incoming
        .iter()
        .map(|(_, relation, source)| {
            let e = &catalog.entities[*source];
            json!({
                "relation": relation,
                "blueprint": e.blueprint.map(|b| catalog.blueprints.list[b].identifier.as_str()),
                "identifier": e.identifier,
                "file": catalog.file_of(e),
                "line": derived::line_of(&catalog, e),
            })
        })
        .collect();
    let derived_json: serde_json::Map<String, Value> = derived
        .kinds
        .iter()
        .map(|(k, kind)| (k.clone(), json!(kind)))
        .collect();
    let report = json!({
        "version": VERSION,
        "entity": value,
        "derived": derived_json,
        "problems": derived.problems,
        "relations": {"out": outgoing, "in": incoming},
    });
    let text = match args.format {
        ShowFormat::Json => serialize(&report, false),
        ShowFormat::Yaml => serialize(&report, true),
        ShowFormat::Human => human(&report, printer.stdout_colored()),
    };
    printer.result(&text)?;
    Ok(Outcome::Success)
}

/// A value on one line: strings bare, the rest as JSON.
fn inline(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value as a cell of human output: on one line, capped in width.
fn cell(value: &Value) -> String {
    clip(&inline(value), Keep::Start).into_owned()
}

fn human(report: &Value, colored: bool) -> String {
    let (bold, dim, reset) = if colored {
        let b = anstyle::Style::new().bold();
        let d = anstyle::Style::new().dimmed();
        (
            b.render().to_string(),
            d.render().to_string(),
            b.render_reset().to_string(),
        )
    } else {
        (String::new(), String::new(), String::new())
    };
    let entity = &report["entity"];
    let reference = format!(
        "{}/{}",
        inline(&entity["blueprint"]),
        inline(&entity["identifier"])
    );
    let mut out = format!("{bold}{}{reset}", clip(&reference, Keep::Start));
    if let Some(title) = entity["title"].as_str() {
        out.push_str(&format!("  {}", clip(title, Keep::Start)));
    }
    out.push('\n');
    let file = format!("{}:{}", inline(&entity["file"]), inline(&entity["line"]));
    out.push_str(&format!(
        "  {dim}defined at{reset} {}\n",
        clip(&file, Keep::End)
    ));
    for key in ["icon", "team"] {
        if let Some(v) = entity.get(key) {
            let v = match v {
                Value::Array(items) => items.iter().map(inline).collect::<Vec<_>>().join(", "),
                other => inline(other),
            };
            out.push_str(&format!("  {dim}{key}{reset} {}\n", clip(&v, Keep::Start)));
        }
    }
    let derived = report["derived"].as_object();
    let problems = report["problems"].as_array().cloned().unwrap_or_default();
    let properties = entity["properties"].as_object();
    let (own, computed): (Vec<_>, Vec<_>) = properties
        .into_iter()
        .flatten()
        .partition(|(k, _)| !derived.is_some_and(|d| d.contains_key(*k)));
    if !own.is_empty() {
        out.push_str(&format!("\n{bold}properties{reset}\n"));
        for (k, v) in own {
            out.push_str(&format!("  {}: {}\n", clip(k, Keep::Start), cell(v)));
        }
    }
    if !computed.is_empty() {
        out.push_str(&format!("\n{bold}derived{reset}\n"));
        for (key, v) in computed {
            let k = clip(key, Keep::Start);
            let kind = derived
                .and_then(|d| d.get(key))
                .map(cell)
                .unwrap_or_default();
            let problem = problems
                .iter()
                .find(|p| p["property"].as_str() == Some(key.as_str()));
            match problem {
                Some(p) => out.push_str(&format!(
                    "  {k} {dim}({kind}){reset}: not computed: {}\n",
                    inline(&p["message"])
                )),
                None => out.push_str(&format!("  {k} {dim}({kind}){reset}: {}\n", cell(v))),
            }
        }
    }
    let outgoing = report["relations"]["out"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !outgoing.is_empty() {
        out.push_str(&format!("\n{bold}relations out{reset}\n"));
        for o in &outgoing {
            let target = match o["blueprint"].as_str() {
                Some(b) => format!("{b}/{}", inline(&o["identifier"])),
                None => inline(&o["identifier"]),
            };
            let target = clip(&target, Keep::Start);
            let missing = if o["exists"] == json!(true) {
                ""
            } else {
                " (missing)"
            };
            out.push_str(&format!("  {} → {target}{missing}\n", cell(&o["relation"])));
        }
    }
    let incoming = report["relations"]["in"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if !incoming.is_empty() {
        out.push_str(&format!("\n{bold}relations in{reset}\n"));
        for n in &incoming {
            let source = format!("{}/{}", inline(&n["blueprint"]), inline(&n["identifier"]));
            out.push_str(&format!(
                "  {} {dim}via{reset} {}\n",
                clip(&source, Keep::Start),
                cell(&n["relation"])
            ));
        }
    }
    out
}
