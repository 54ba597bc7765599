//! `portolan list`: entities, optionally of one blueprint and kept by a jq predicate
//! over their JSON (derived values merged into `.properties`), as a table, JSON, YAML
//! or one `BLUEPRINT/ID` a line.
//!
//! Also the loading every read command shares ([`load`]): the catalog is loaded as
//! `validate` loads it, and a catalog with errors still gets an answer.

use super::{platform_root, CommandError, Outcome};
use crate::catalog::derived::{self, Deriver, Graph};
use crate::catalog::{self, Catalog, LoadOptions};
use crate::cli::{ListArgs, ListFormat};
use crate::diagnostic::{self, Severity};
use crate::output::Printer;
use crate::source::Worktree;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::path::Path;

/// The version of the JSON and YAML listing.
pub const VERSION: u32 = 1;

/// Load the catalog the way `validate` does. Errors do not stop a read command: the
/// answer comes with a warning on stderr, counting them. `keep_values` keeps every
/// document (for properties); `graph` and `impact` need only the links.
pub fn load(
    root: Option<&Path>,
    keep_values: bool,
    printer: &Printer,
) -> Result<Catalog, CommandError> {
    let root = platform_root(root)?;
    let options = LoadOptions {
        keep_values,
        ..LoadOptions::default()
    };
    let loaded =
        catalog::load(&Worktree::new(&root), options).map_err(catalog::loader_error_message)?;
    let errors = diagnostic::count(&loaded.diagnostics, Severity::Error);
    if errors > 0 {
        let s = if errors == 1 { "" } else { "s" };
        printer.message(&format!(
            "warning: the catalog has {errors} error{s}; this answer may be incomplete (`portolan validate` shows them)\n"
        ))?;
    }
    Ok(loaded.catalog)
}

/// Why the `--where` filter is not usable, with a hint.
fn filter_error(message: String) -> CommandError {
    CommandError::new(message).hint(
        "--where takes a jq filter over each entity's JSON, e.g. `.properties.lifecycle == \"production\"`",
    )
}

pub fn run(args: ListArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    // A filter that does not compile is a usage error before any loading.
    if let Some(code) = &args.filter {
        crate::jq::compile(code).map_err(|e| filter_error(format!("--where: {e}")))?;
    }
    let catalog = load(args.root.as_deref(), true, printer)?;
    let blueprint = match &args.blueprint {
        Some(name) => Some(catalog.blueprints.index_of(name).ok_or_else(|| {
            let hint = catalog::identifier::closest(name, catalog.blueprints.ids())
                .map(|c| format!("did you mean `{c}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "the blueprints are: {}",
                        catalog.blueprints.ids().collect::<Vec<_>>().join(", ")
                    )
                });
            CommandError::new(format!("there is no blueprint `{name}`")).hint(hint)
        })?),
        None => None,
    };
    let graph = Graph::new(&catalog);
    let candidates: Vec<usize> = catalog
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.blueprint.is_some() && (blueprint.is_none() || e.blueprint == blueprint))
        .map(|(i, _)| i)
        .collect();

    // Each worker compiles its own filter and calculations (jaq filters are not
    // shared between threads) once per task — compiling loads jq's standard library,
    // so tasks are kept few and large; results keep catalog order. The filter reads
    // each entity as a jq value built straight from its document; JSON is built only
    // for the entities kept, and only for the formats that print it: at 100k
    // entities, copies of every document cost more than the filter.
    let structured = matches!(args.format, ListFormat::Json | ListFormat::Yaml);
    let tasks = 4 * rayon::current_num_threads();
    let rows: Vec<Result<Option<Row>, String>> = candidates
        .par_iter()
        .with_min_len(candidates.len().div_ceil(tasks).max(1))
        .map_init(
            || {
                let filter = args.filter.as_deref().map(crate::jq::compile);
                (Deriver::new(&graph), filter)
            },
            |(deriver, filter), &i| {
                let entity = &catalog.entities[i];
                let derived = deriver.any().then(|| deriver.derive(i));
                let problems = derived.as_ref().map_or(0, |d| d.problems.len());
                if filter.is_none() && !structured {
                    return Ok(Some(Row {
                        index: i,
                        value: None,
                        problems,
                    }));
                }
                if let Some(Ok(filter)) = filter {
                    let input = derived::entity_val(&catalog, entity, derived.as_ref());
                    let keep = filter
                        .run_val(input)
                        .map_err(|e| format!("--where failed on {}: {e}", graph.reference(i)))?
                        .iter()
                        .any(|v| !matches!(v, Value::Null | Value::Bool(false)));
                    if !keep {
                        return Ok(None);
                    }
                }
                // The JSON only of what is kept, and only when it is printed.
                let value =
                    structured.then(|| derived::entity_json(&catalog, entity, derived.as_ref()));
                Ok(Some(Row {
                    index: i,
                    value,
                    problems,
                }))
            },
        )
        .collect();
    let mut kept = Vec::new();
    for row in rows {
        if let Some(row) = row.map_err(filter_error)? {
            kept.push(row);
        }
    }

    let problems: usize = kept.iter().map(|r| r.problems).sum();
    if problems > 0 {
        let s = if problems == 1 { " was" } else { "s were" };
        printer.message(&format!(
            "note: {problems} derived value{s} not computed offline and show as null; `portolan show BLUEPRINT/ID` says why\n"
        ))?;
    }
    let text = match args.format {
        ListFormat::Ids => {
            let mut out = String::new();
            for row in &kept {
                out.push_str(&graph.reference(row.index));
                out.push('\n');
            }
            out
        }
        ListFormat::Json | ListFormat::Yaml => {
            let entities: Vec<Value> = kept.into_iter().filter_map(|r| r.value).collect();
            let report = json!({"version": VERSION, "entities": entities});
            serialize(&report, args.format == ListFormat::Yaml)
        }
        ListFormat::Table => table(&catalog, &graph, &kept, printer.stdout_colored()),
    };
    printer.result(&text)?;
    // As in `validate`: the process exit frees a big catalog at once.
    std::mem::forget(graph);
    std::mem::forget(catalog);
    Ok(Outcome::Success)
}

/// One kept entity.
struct Row {
    index: usize,
    /// Its JSON, for the json and yaml formats.
    value: Option<Value>,
    problems: usize,
}

/// A value as pretty JSON or as YAML, ending with a newline.
pub fn serialize(value: &Value, yaml: bool) -> String {
    let mut text = if yaml {
        yaml_serde::to_string(value).unwrap_or_default()
    } else {
        serde_json::to_string_pretty(value).unwrap_or_default()
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// Aligned columns: ENTITY, TITLE, TEAM, FILE (with its line).
fn table(catalog: &Catalog, graph: &Graph, rows: &[Row], colored: bool) -> String {
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    };
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|r| {
            let entity = &catalog.entities[r.index];
            let field = |key: &str| {
                entity
                    .value
                    .as_ref()
                    .and_then(|v| v.get(key))
                    .map(text)
                    .unwrap_or_default()
            };
            let line = derived::line_of(catalog, entity).map(|l| format!(":{l}"));
            [
                graph.reference(r.index),
                field("title"),
                field("team"),
                format!("{}{}", catalog.file_of(entity), line.unwrap_or_default()),
            ]
        })
        .collect();
    let headers = ["ENTITY", "TITLE", "TEAM", "FILE"];
    let mut widths = headers.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let (bold, reset) = if colored {
        let style = anstyle::Style::new().bold();
        (style.render().to_string(), style.render_reset().to_string())
    } else {
        (String::new(), String::new())
    };
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count() + 2;
                l.push_str(cell);
                l.push_str(&" ".repeat(pad));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    out.push_str(&bold);
    line(&headers.map(str::to_owned), &mut out);
    // The reset goes before the newline's successor line, not inside padding.
    if colored {
        out.insert_str(out.len() - 1, &reset);
    }
    for row in &cells {
        line(row, &mut out);
    }
    out
}
