//! `portolan templates`: the templates a repository can run — built in and its own —
//! with their inputs.

use super::{platform_root, CommandError, Outcome};
use crate::cli::{DiffFormat, TemplatesArgs};
use crate::config;
use crate::output::table::{clip, Keep};
use crate::output::Printer;
use crate::source::Worktree;
use crate::template::{self, Origin, Template};
use serde_json::{json, Value};

/// The version of the JSON listing.
pub const VERSION: u32 = 1;

pub fn run(args: TemplatesArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = platform_root(args.root.as_deref())?;
    super::warn_if_interrupted_at(&root, printer)?;
    let source = Worktree::new(&root);
    let config = config::load(&source).map_err(|diagnostics| {
        crate::commands::load_error(crate::engine::LoadError::Config(diagnostics, Vec::new()))
    })?;
    let mut templates = template::all(&source, &config).map_err(|e| {
        CommandError::new(e.to_string())
            .hint("`portolan validate` locates the problem in the template")
    })?;
    if let Some(reference) = &args.for_entity {
        let options = crate::engine::LoadOptions {
            keep_values: true,
            ..Default::default()
        };
        let catalog = crate::engine::load(&source, options)
            .map_err(crate::commands::load_error)?
            .catalog;
        let (blueprint, id) = catalog.resolve(reference).map_err(|m| {
            CommandError::new(m).hint("name the entity as BLUEPRINT/ID, e.g. `Component/checkout`")
        })?;
        let repo = crate::git::Repo::discover(&root).ok();
        let platform_repo = super::change::platform_repo(&catalog.config, repo.as_ref());
        let catalog = std::sync::Arc::new(catalog);
        let shared: std::sync::Arc<dyn crate::source::Source + Send + Sync> =
            std::sync::Arc::new(Worktree::new(&root));
        templates.retain(|t| {
            crate::template::plan::applies(
                t,
                std::sync::Arc::clone(&catalog),
                std::sync::Arc::clone(&shared),
                platform_repo.as_deref(),
                (&blueprint, &id),
            )
        });
    }
    let text = match args.format {
        DiffFormat::Json => {
            let list: Vec<Value> = templates.iter().map(describe).collect();
            let mut text =
                serde_json::to_string_pretty(&json!({"version": VERSION, "templates": list}))
                    .unwrap_or_default();
            text.push('\n');
            text
        }
        DiffFormat::Human => human(&templates),
    };
    printer.result(&text)?;
    Ok(Outcome::Success)
}

fn origin(t: &Template) -> String {
    match &t.origin {
        Origin::Builtin => "built-in".into(),
        Origin::Repository(folder) => folder.clone(),
    }
}

fn describe(t: &Template) -> Value {
    json!({
        "name": t.spec.name,
        "title": t.spec.title,
        "description": t.spec.description,
        "version": t.spec.version,
        "operation": t.spec.operation.as_str(),
        "blueprint": t.spec.blueprint,
        "origin": origin(t),
        "inputs": t.spec.inputs.clone().unwrap_or_else(|| json!({"type": "object"})),
    })
}

fn human(templates: &[Template]) -> String {
    let mut out = String::new();
    for t in templates {
        let command = match t.spec.operation {
            template::Operation::Create => format!("portolan new {}", t.spec.name),
            _ => format!(
                "portolan run {} {}/ID",
                t.spec.name,
                t.spec.blueprint.as_deref().unwrap_or("BLUEPRINT")
            ),
        };
        out.push_str(&format!(
            "{}  ({}, {}, v{})\n  {}\n",
            clip(&t.spec.name, Keep::Start),
            t.spec.operation.as_str(),
            clip(&origin(t), Keep::End),
            t.spec.version,
            t.spec.title.as_deref().unwrap_or(""),
        ));
        if let Some(description) = &t.spec.description {
            out.push_str(&format!("  {}\n", description.trim()));
        }
        out.push_str(&format!("  usage: {command}\n"));
        let schema = t.spec.inputs.as_ref();
        let required: Vec<&str> = schema
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = schema
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object);
        for (name, p) in properties.into_iter().flatten() {
            let kind = p
                .get("enum")
                .and_then(Value::as_array)
                .map(|e| {
                    e.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .or_else(|| {
                    p.pointer("/x-portolan-entity/blueprint")
                        .and_then(Value::as_str)
                        .map(|b| format!("{b} id"))
                })
                .or_else(|| p.get("type").and_then(Value::as_str).map(str::to_owned))
                .unwrap_or_else(|| "any".into());
            let mut notes = Vec::new();
            if required.contains(&name.as_str()) {
                notes.push("required".to_owned());
            }
            if let Some(default) = p.get("default") {
                notes.push(format!(
                    "default {}",
                    clip(&default.to_string(), Keep::Start)
                ));
            }
            if p.get("writeOnly").and_then(Value::as_bool) == Some(true) {
                notes.push("secret".into());
            }
            let about = p
                .get("description")
                .or_else(|| p.get("title"))
                .and_then(Value::as_str)
                .unwrap_or("");
            let (name, kind) = (clip(name, Keep::Start), clip(&kind, Keep::Start));
            out.push_str(&format!(
                "    --set {name}=<{kind}>{}  {about}\n",
                if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join(", "))
                }
            ));
        }
        out.push('\n');
    }
    out
}
