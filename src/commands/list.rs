//! `portolan list`: entities, optionally of one blueprint and kept by a jq predicate
//! over their JSON (derived values merged into `.properties`), as a table, JSON, YAML
//! or one `BLUEPRINT/ID` a line.
//!
//! Also the loading every read command shares ([`load`]): the catalog is loaded as
//! `validate` loads it, and a catalog with errors still gets an answer.

use super::{platform_root, CommandError, Outcome};
use crate::catalog::derived::{self, Derived, Deriver, Exceeded, Graph, Located};
use crate::catalog::{self, Blueprints, Catalog};
use crate::cli::{ListArgs, ListFormat};
use crate::diagnostic::{self, Severity};
use crate::engine::{LoadOptions, Sieve};
use crate::jq::Failure;
use crate::output::table::{Keep, Table};
use crate::output::Printer;
use crate::source::Worktree;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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
    load_sieved(root, keep_values, None, printer)
}

/// [`load`], keeping only the documents `sieve` keeps when it applies.
fn load_sieved(
    root: Option<&Path>,
    keep_values: bool,
    sieve: Option<&dyn Sieve>,
    printer: &Printer,
) -> Result<Catalog, CommandError> {
    let root = platform_root(root)?;
    super::warn_if_interrupted_at(&root, printer)?;
    let options = LoadOptions {
        keep_values,
        ..LoadOptions::default()
    };
    let loaded = crate::engine::load_sieved(&Worktree::new(&root), options, sieve)
        .map_err(crate::commands::load_error)?;
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

/// Why an entity stops the listing.
enum Stop {
    /// The `--where` filter failed on it (the message names the entity).
    Where(String),
    /// The `--where` filter was stopped by its budget on it.
    WhereExceeded(String),
    /// A calculation property was stopped by its budget on it.
    Calculation(Exceeded),
}

impl Stop {
    fn into_error(self) -> CommandError {
        match self {
            Stop::Where(message) => filter_error(message),
            Stop::WhereExceeded(message) => CommandError::new(message).hint(
                "a filter is run on each entity and needs a few hundred steps for one; look for a definition that calls itself, or a `range`, `repeat` or `recurse` that does not end",
            ),
            Stop::Calculation(exceeded) => calculation_error(&exceeded),
        }
    }
}

/// A calculation property stopped by its budget, as `list` and `show` report it.
pub(super) fn calculation_error(exceeded: &Exceeded) -> CommandError {
    let hint = format!(
        "fix `calculationProperties.{}.calculation` of blueprint `{}`: a calculation is run on each entity and needs a few hundred steps for one",
        exceeded.property, exceeded.blueprint
    );
    CommandError::new(exceeded.to_string()).hint(hint)
}

/// Whether the `--where` filter keeps an entity: any output that is not null or false.
/// The filter is compiled once per thread.
fn passes(code: &str, located: &Located, derived: Option<&Derived>) -> Result<bool, Stop> {
    crate::jq::with_compiled(code, |filter| {
        let filter = filter.map_err(|e| Stop::Where(e.to_owned()))?;
        filter
            .holds(derived::entity_val(located, derived))
            .map_err(|failure| match failure {
                Failure::Error(e) => {
                    Stop::Where(format!("--where failed on {}: {e}", located.reference()))
                }
                Failure::Exceeded(limit) => Stop::WhereExceeded(format!(
                    "--where {} was stopped on {}: {limit}",
                    crate::jq::quoted(code),
                    located.reference()
                )),
            })
    })
}

/// The first place (in catalog order) where the listing stopped, shared by the
/// threads: past it nothing needs judging, since the answer is that error. The first
/// failure in catalog order is never skipped, so which is reported does not depend on
/// the threads' timing.
struct FirstStop(AtomicUsize);

impl FirstStop {
    fn new() -> Self {
        FirstStop(AtomicUsize::new(usize::MAX))
    }

    fn passed(&self, at: usize) -> bool {
        at > self.0.load(Ordering::Relaxed)
    }

    fn at(&self, at: usize) {
        self.0.fetch_min(at, Ordering::Relaxed);
    }
}

/// The entities `list` shows: of its blueprint (any known one when none is named) and
/// kept by its filter. Chosen while the catalog loads when no such blueprint has
/// derived values, since each entity's JSON is then its document alone: the documents
/// not shown are dropped at once, and no relation graph is built.
struct Choice<'a> {
    blueprint: Option<&'a str>,
    filter: Option<&'a str>,
    /// Whether the output prints documents (`--format ids` does not, and keeps none).
    documents: bool,
    /// The chosen entities, by (file, document).
    chosen: Mutex<Vec<(usize, usize)>>,
    /// Where the filter failed: (file, document) and why; the first in catalog order is
    /// reported.
    failures: Mutex<Vec<((usize, usize), Stop)>>,
    /// The first file with a failure.
    first_stop: FirstStop,
}

impl Choice<'_> {
    fn chooses(&self, located: &Located) -> bool {
        if located.entity.blueprint.is_none()
            || self
                .blueprint
                .is_some_and(|name| located.blueprint != Some(name))
        {
            return false;
        }
        let Some(code) = self.filter else {
            return true;
        };
        if self.first_stop.passed(located.entity.file) {
            return false;
        }
        passes(code, located, None).unwrap_or_else(|failure| {
            self.first_stop.at(located.entity.file);
            if let Ok(mut failures) = self.failures.lock() {
                failures.push((place(located), failure));
            }
            false
        })
    }
}

/// Where an entity is: (file, document), which orders entities as the catalog does.
fn place(located: &Located) -> (usize, usize) {
    (located.entity.file, located.entity.document)
}

impl Sieve for Choice<'_> {
    fn applies(&self, blueprints: &Blueprints) -> bool {
        blueprints
            .list
            .iter()
            .filter(|b| self.blueprint.is_none_or(|name| b.identifier == name))
            .all(|b| !b.has_derived())
    }

    fn keep(&self, located: &Located) -> bool {
        let chosen = self.chooses(located);
        if chosen {
            if let Ok(mut all) = self.chosen.lock() {
                all.push(place(located));
            }
        }
        chosen && self.documents
    }
}

pub fn run(args: ListArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    // A filter that does not compile is a usage error before any loading.
    if let Some(code) = &args.filter {
        crate::jq::compile(code).map_err(|e| filter_error(format!("--where: {e}")))?;
    }
    let choice = Choice {
        blueprint: args.blueprint.as_deref(),
        filter: args.filter.as_deref(),
        documents: args.format != ListFormat::Ids,
        chosen: Mutex::default(),
        failures: Mutex::default(),
        first_stop: FirstStop::new(),
    };
    let catalog = load_sieved(args.root.as_deref(), true, Some(&choice), printer)?;
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
    // Whether the entities were chosen while loading (see `Choice`).
    let sieved = choice.applies(&catalog.blueprints);
    let failures = choice.failures.into_inner().unwrap_or_default();
    if let Some((_, failure)) = failures.into_iter().min_by_key(|(at, _)| *at) {
        return Err(failure.into_error());
    }
    let mut chosen_at = choice.chosen.into_inner().unwrap_or_default();
    chosen_at.sort_unstable();
    let candidates: Vec<usize> = catalog
        .entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.blueprint.is_some() && (blueprint.is_none() || e.blueprint == blueprint))
        .filter(|(_, e)| !sieved || chosen_at.binary_search(&(e.file, e.document)).is_ok())
        .map(|(i, _)| i)
        .collect();

    // Otherwise each entity is judged here, with its derived values over the graph.
    // Each worker builds its own calculations (jaq filters are not shared between
    // threads) once per task — compiling loads jq's standard library, so tasks are
    // kept few and large; results keep catalog order. The filter reads each entity as
    // a jq value built straight from its document; JSON is built only for the entities
    // kept, and only for the formats that print it.
    let graph = (!sieved).then(|| Graph::new(&catalog));
    let filter = args.filter.as_deref().filter(|_| !sieved);
    let structured = matches!(args.format, ListFormat::Json | ListFormat::Yaml);
    let tasks = 4 * rayon::current_num_threads();
    let first_stop = FirstStop::new();
    let rows: Vec<Result<Option<Row>, Stop>> = candidates
        .par_iter()
        .with_min_len(candidates.len().div_ceil(tasks).max(1))
        .map_init(
            || graph.as_ref().map(Deriver::new).filter(Deriver::any),
            |deriver, &i| {
                if first_stop.passed(i) {
                    return Ok(None);
                }
                let entity = &catalog.entities[i];
                let derived = deriver.as_ref().map(|d| d.derive(i));
                let problems = derived.as_ref().map_or(0, |d| d.problems.len());
                let stop = |stop| {
                    first_stop.at(i);
                    stop
                };
                if let Some(exceeded) = derived.as_ref().and_then(Derived::exceeded) {
                    return Err(stop(Stop::Calculation(exceeded.clone())));
                }
                if let Some(code) = filter {
                    let located = Located::of(&catalog, entity);
                    if !passes(code, &located, derived.as_ref()).map_err(stop)? {
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
        if let Some(row) = row.map_err(Stop::into_error)? {
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
                out.push_str(&derived::reference(&catalog, &catalog.entities[row.index]));
                out.push('\n');
            }
            out
        }
        ListFormat::Json | ListFormat::Yaml => {
            let entities: Vec<Value> = kept.into_iter().filter_map(|r| r.value).collect();
            let report = json!({"version": VERSION, "entities": entities});
            serialize(&report, args.format == ListFormat::Yaml)
        }
        ListFormat::Table => table(&catalog, &kept, printer.stdout_colored()),
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

/// Aligned columns: ENTITY, TITLE, TEAM, FILE (with its line), each capped in width
/// (a path keeps its end).
fn table(catalog: &Catalog, rows: &[Row], colored: bool) -> String {
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
    let cells = rows.iter().map(|r| {
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
            derived::reference(catalog, entity),
            field("title"),
            field("team"),
            format!("{}{}", catalog.file_of(entity), line.unwrap_or_default()),
        ]
    });
    let mut table = Table::new(&[
        ("ENTITY", Keep::Start),
        ("TITLE", Keep::Start),
        ("TEAM", Keep::Start),
        ("FILE", Keep::End),
    ]);
    for row in cells {
        table.row(row);
    }
    table.render(colored)
}
