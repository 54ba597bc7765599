//! A template's inputs: gathered from `--values`, `--set` and the schema's defaults,
//! asked for on a terminal, and validated before anything renders.
//!
//! Values given on the command line are text; each is read as its declared type
//! (`--set replicas=3` is the number 3, `--set envs=dev,prod` a list). The extensions
//! `x-portolan-entity` and `x-portolan-enum-from` are checked against the catalog and
//! the configuration. `writeOnly` inputs are remembered only for the run.

use super::engine::Engine;
use super::Template;
use crate::catalog::identifier::closest;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::schema;
use serde_json::{Map, Value};

/// What the user gave.
#[derive(Debug, Default, Clone)]
pub struct Given {
    /// `--set key=value`, in order (a later one wins).
    pub set: Vec<(String, String)>,
    /// `--values FILE`, parsed.
    pub file: Option<Map<String, Value>>,
}

/// Inputs that failed, each said in a sentence, with what to do.
#[derive(Debug, Clone)]
pub struct InputError {
    pub problems: Vec<String>,
    pub hint: String,
}

/// Validated inputs.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub values: Map<String, Value>,
    /// Names of `writeOnly` inputs: never recorded, never printed.
    pub write_only: Vec<String>,
}

impl Inputs {
    /// The inputs that may be recorded and shown.
    pub fn recordable(&self) -> Map<String, Value> {
        self.values
            .iter()
            .filter(|(k, _)| !self.write_only.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Asks for one missing input on a terminal.
pub trait Prompter {
    /// `None` when the user gave nothing (an optional input left empty).
    fn ask(&self, question: &Question) -> Result<Option<Value>, String>;
}

/// What a prompt needs to know about one input.
#[derive(Debug, Clone)]
pub struct Question {
    pub name: String,
    pub message: String,
    pub help: Option<String>,
    pub kind: QuestionKind,
    pub default: Option<Value>,
    pub required: bool,
    pub secret: bool,
}

#[derive(Debug, Clone)]
pub enum QuestionKind {
    Text { schema_type: Option<String> },
    Confirm,
    Choose(Vec<String>),
}

fn properties(template: &Template) -> Map<String, Value> {
    template
        .spec
        .inputs
        .as_ref()
        .and_then(|i| i.get("properties"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn required(template: &Template) -> Vec<String> {
    template
        .spec
        .inputs
        .as_ref()
        .and_then(|i| i.get("required"))
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Gather and validate the inputs of a run. `defaults` renders string defaults that
/// are templates (`ghcr.io/{{ platform.repo }}`); `prompter` is `Some` only on a
/// terminal.
pub fn collect(
    template: &Template,
    given: &Given,
    config: &Config,
    catalog: &Catalog,
    defaults: &Engine,
    prompter: Option<&dyn Prompter>,
) -> Result<Inputs, InputError> {
    let properties = properties(template);
    let required = required(template);
    let mut values = Map::new();
    let mut problems = Vec::new();
    let unknown = |name: &str| {
        let hint = closest(name, properties.keys().map(String::as_str))
            .map(|c| format!(" (did you mean `{c}`?)"))
            .unwrap_or_default();
        let known: Vec<&str> = properties.keys().map(String::as_str).collect();
        format!(
            "`{name}` is not an input of `{}`{hint}; its inputs are: {}",
            template.spec.name,
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )
    };
    if let Some(file) = &given.file {
        for (name, value) in file {
            if properties.contains_key(name) {
                values.insert(name.clone(), value.clone());
            } else {
                problems.push(unknown(name));
            }
        }
    }
    for (name, text) in &given.set {
        match properties.get(name) {
            Some(schema) => {
                values.insert(name.clone(), from_text(text, schema));
            }
            None => problems.push(unknown(name)),
        }
    }
    if !problems.is_empty() {
        return Err(InputError {
            problems,
            hint: format!(
                "`portolan templates` lists the inputs of `{}`",
                template.spec.name
            ),
        });
    }

    // Required inputs are asked first, in the order the schema requires them.
    let mut order: Vec<&String> = required
        .iter()
        .filter(|r| properties.contains_key(*r))
        .collect();
    order.extend(properties.keys().filter(|k| !required.contains(k)));
    for name in order {
        let Some(schema) = properties.get(name) else {
            continue;
        };
        if values.contains_key(name) {
            continue;
        }
        let default = match schema.get("default") {
            Some(Value::String(text)) if text.contains("{{") => match defaults.value(text) {
                Ok(value) => value,
                Err(e) => {
                    problems.push(format!("the default of `{name}` cannot be rendered: {e}"));
                    None
                }
            },
            other => other.cloned(),
        };
        let is_required = required.contains(name);
        if let Some(prompter) = prompter {
            let question = question(name, schema, default.clone(), is_required, config, catalog);
            match prompter.ask(&question) {
                Ok(Some(value)) => {
                    values.insert(name.clone(), value);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(InputError {
                        problems: vec![e],
                        hint: "run again, or give the inputs with --set key=value".into(),
                    })
                }
            }
        } else if let Some(default) = default {
            values.insert(name.clone(), default);
        }
    }

    let missing: Vec<&String> = required
        .iter()
        .filter(|r| !values.contains_key(*r))
        .collect();
    for name in &missing {
        let about = properties
            .get(*name)
            .and_then(|s| s.get("description").or_else(|| s.get("title")))
            .and_then(Value::as_str)
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        problems.push(format!("the input `{name}` is missing{about}"));
    }
    if !problems.is_empty() {
        let example = missing
            .iter()
            .map(|n| format!("--set {n}=…"))
            .collect::<Vec<_>>()
            .join(" ");
        return Err(InputError {
            problems,
            hint: if missing.is_empty() {
                format!(
                    "`portolan templates` lists the inputs of `{}`",
                    template.spec.name
                )
            } else {
                format!("give it on the command line ({example}), in a --values file, or run on a terminal to be asked")
            },
        });
    }

    validate(template, &properties, &values, config, catalog)?;
    let write_only = properties
        .iter()
        .filter(|(_, s)| s.get("writeOnly").and_then(Value::as_bool) == Some(true))
        .map(|(k, _)| k.clone())
        .collect();
    Ok(Inputs { values, write_only })
}

/// Read command-line text as the input's declared type.
fn from_text(text: &str, schema: &Value) -> Value {
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string");
    match kind {
        "string" => Value::String(text.to_owned()),
        "array" if !text.trim_start().starts_with('[') => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|item| {
                    let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
                    from_text(item, &item_schema)
                })
                .collect(),
        ),
        _ => yaml_serde::from_str::<Value>(text).unwrap_or_else(|_| Value::String(text.to_owned())),
    }
}

fn question(
    name: &str,
    schema: &Value,
    default: Option<Value>,
    required: bool,
    config: &Config,
    catalog: &Catalog,
) -> Question {
    let text = |key: &str| schema.get(key).and_then(Value::as_str).map(str::to_owned);
    let kind = if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        QuestionKind::Choose(options.iter().map(crate::template::plain_text).collect())
    } else if let Some(blueprint) = schema
        .pointer("/x-portolan-entity/blueprint")
        .and_then(Value::as_str)
    {
        let ids = catalog
            .blueprints
            .index_of(blueprint)
            .and_then(|b| catalog.by_blueprint.get(b))
            .map(|ids| {
                let mut ids: Vec<String> = ids.keys().cloned().collect();
                ids.sort();
                ids
            })
            .unwrap_or_default();
        QuestionKind::Choose(ids)
    } else if schema.get("x-portolan-enum-from").and_then(Value::as_str) == Some("environments") {
        QuestionKind::Choose(config.environments.clone())
    } else if schema.get("type").and_then(Value::as_str) == Some("boolean") {
        QuestionKind::Confirm
    } else {
        QuestionKind::Text {
            schema_type: text("type"),
        }
    };
    Question {
        name: name.to_owned(),
        message: text("title").unwrap_or_else(|| name.to_owned()),
        help: text("description"),
        kind,
        default,
        required,
        secret: schema.get("writeOnly").and_then(Value::as_bool) == Some(true),
    }
}

/// Parse what a user typed at a prompt as the input's type.
pub fn parse_answer(text: &str, schema_type: Option<&str>) -> Value {
    let schema = serde_json::json!({ "type": schema_type.unwrap_or("string") });
    from_text(text, &schema)
}

fn validate(
    template: &Template,
    properties: &Map<String, Value>,
    values: &Map<String, Value>,
    config: &Config,
    catalog: &Catalog,
) -> Result<(), InputError> {
    let mut problems = Vec::new();
    if let Some(schema) = &template.spec.inputs {
        match schema::compile(schema) {
            Ok(validator) => {
                for v in schema::violations(&validator, &Value::Object(values.clone())) {
                    let name = v.pointer.trim_start_matches('/');
                    let name = name.split('/').next().unwrap_or(name);
                    let shown = if properties
                        .get(name)
                        .and_then(|s| s.get("writeOnly"))
                        .and_then(Value::as_bool)
                        == Some(true)
                    {
                        "the value is not valid".to_owned()
                    } else {
                        v.message
                    };
                    if name.is_empty() {
                        problems.push(format!("inputs: {shown}"));
                    } else {
                        problems.push(format!("input `{name}`: {shown}"));
                    }
                }
            }
            Err(e) => problems.push(format!("the template's input schema does not compile: {e}")),
        }
    }
    for (name, schema) in properties {
        let Some(value) = values.get(name).and_then(Value::as_str) else {
            continue;
        };
        // A secret's value is never shown, not even to say it is wrong.
        let secret = schema.get("writeOnly").and_then(Value::as_bool) == Some(true);
        let shown = if secret {
            "the value".to_owned()
        } else {
            format!("`{value}`")
        };
        if let Some(blueprint) = schema
            .pointer("/x-portolan-entity/blueprint")
            .and_then(Value::as_str)
        {
            let ids = catalog
                .blueprints
                .index_of(blueprint)
                .and_then(|b| catalog.by_blueprint.get(b));
            if !ids.is_some_and(|ids| ids.contains_key(value)) {
                let suggestion = ids
                    .and_then(|ids| closest(value, ids.keys().map(String::as_str)))
                    .filter(|_| !secret)
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                problems.push(format!(
                    "input `{name}`: there is no {blueprint} {shown} in the catalog{suggestion}"
                ));
            }
        }
        if schema.get("x-portolan-enum-from").and_then(Value::as_str) == Some("environments")
            && !config.environments.iter().any(|e| e == value)
        {
            problems.push(format!(
                "input `{name}`: {shown} is not an environment; portolan.yaml lists {}",
                config.environments.join(", ")
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InputError {
            problems,
            hint: format!(
                "correct the values; `portolan templates` describes the inputs of `{}`",
                template.spec.name
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn command_line_text_takes_the_declared_type() {
        assert_eq!(from_text("3", &json!({"type": "integer"})), json!(3));
        assert_eq!(from_text("true", &json!({"type": "boolean"})), json!(true));
        assert_eq!(from_text("007", &json!({"type": "string"})), json!("007"));
        assert_eq!(
            from_text(
                "dev, prod",
                &json!({"type": "array", "items": {"type": "string"}})
            ),
            json!(["dev", "prod"])
        );
        assert_eq!(from_text("x", &json!({"type": "integer"})), json!("x"));
    }
}
