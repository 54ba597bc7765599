//! Templates (DESIGN.md §6): `templates/<name>/template.yaml` and the files it uses.
//!
//! Built-in templates are the project's `templates/` folder, embedded in the binary; a
//! repository's own templates folder adds to them or overrides one by name. A template
//! is read in two steps: its `template.yaml` (enough to list it), then, when it runs,
//! its files. Running one is [`plan::plan`]: inputs, preconditions, steps → a
//! [`Changeset`](crate::changeset::Changeset).

pub mod answers;
pub mod check;
mod end_state;
pub mod engine;
pub mod entity_yaml;
pub mod escape;
pub mod inputs;
mod json_text;
pub mod limits;
mod literals;
pub mod patch;
pub mod plan;
mod taint;

use crate::config::Config;
use crate::schema;
use crate::source::parse::{parse_bytes, Format};
use crate::source::Source;
use include_dir::{include_dir, Dir};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The built-in templates, embedded at build time.
static BUILTIN: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The file that describes a template, in its folder.
pub const TEMPLATE_FILE: &str = "template.yaml";

/// `template.yaml`, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub name: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "first_version")]
    pub version: u64,
    pub operation: Operation,
    #[serde(default)]
    pub blueprint: Option<String>,
    /// JSON Schema of the inputs.
    #[serde(default)]
    pub inputs: Option<Value>,
    #[serde(default)]
    pub preconditions: Vec<Precondition>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub pr: Option<Value>,
}

fn first_version() -> u64 {
    1
}

/// What a template does to the catalog, which decides the command that runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// Creates something new: `portolan new`.
    Create,
    /// Changes an existing entity: `portolan run`.
    #[serde(rename = "day-2")]
    Day2,
    /// Removes an entity: `portolan run`.
    Delete,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Day2 => "day-2",
            Operation::Delete => "delete",
        }
    }
}

/// A check before any step, in the order written: `that` must hold, or the run is
/// refused with `message` (exit 2); `done` holding means the run has nothing to do —
/// what it would do is already so — and it ends there with `message`, exit 0, nothing
/// written. Exactly one of the two (the template schema says so).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Precondition {
    #[serde(default)]
    pub that: Option<String>,
    #[serde(default)]
    pub done: Option<String>,
    pub message: String,
}

impl Precondition {
    /// The expression to evaluate, whichever kind it is.
    pub fn expression(&self) -> &str {
        self.that
            .as_deref()
            .or(self.done.as_deref())
            .unwrap_or_default()
    }

    /// Whether the expression holding ends the run as already done.
    pub fn is_done(&self) -> bool {
        self.that.is_none() && self.done.is_some()
    }
}

/// Repetition and condition, shared by every step.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Guard {
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub for_each: Option<String>,
    #[serde(default, rename = "as")]
    pub as_name: Option<String>,
}

/// One step: each only adds to the changeset.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Render {
        from: String,
        to: String,
        #[serde(default)]
        overwrite: bool,
        #[serde(flatten)]
        guard: Guard,
    },
    Write {
        file: String,
        content: String,
        #[serde(default)]
        overwrite: bool,
        #[serde(flatten)]
        guard: Guard,
    },
    Delete {
        file: String,
        #[serde(flatten)]
        guard: Guard,
    },
    Patch {
        file: String,
        #[serde(default)]
        document: Option<Value>,
        ops: Vec<Value>,
        #[serde(flatten)]
        guard: Guard,
    },
    Merge {
        file: String,
        #[serde(default)]
        document: Option<Value>,
        value: Value,
        #[serde(flatten)]
        guard: Guard,
    },
    Request {
        kind: String,
        #[serde(default, rename = "with")]
        with: Option<Value>,
        /// The command the requests workflow runs for it after merge.
        #[serde(default)]
        run: Option<String>,
        #[serde(flatten)]
        guard: Guard,
    },
    /// Undo a commit (`commit`: any revision) or the merge of a pull request
    /// (`pull_request`: its number), as the change of this run.
    Revert {
        #[serde(default)]
        commit: Option<String>,
        #[serde(default)]
        pull_request: Option<String>,
        #[serde(flatten)]
        guard: Guard,
    },
    Entity {
        #[serde(default)]
        upsert: Option<Value>,
        #[serde(default)]
        delete: Option<String>,
        #[serde(flatten)]
        guard: Guard,
    },
}

impl Step {
    pub fn guard(&self) -> &Guard {
        match self {
            Step::Render { guard, .. }
            | Step::Write { guard, .. }
            | Step::Delete { guard, .. }
            | Step::Patch { guard, .. }
            | Step::Merge { guard, .. }
            | Step::Request { guard, .. }
            | Step::Revert { guard, .. }
            | Step::Entity { guard, .. } => guard,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Step::Render { .. } => "render",
            Step::Write { .. } => "write",
            Step::Delete { .. } => "delete",
            Step::Patch { .. } => "patch",
            Step::Merge { .. } => "merge",
            Step::Request { .. } => "request",
            Step::Revert { .. } => "revert",
            Step::Entity { .. } => "entity",
        }
    }
}

/// Where a template comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Builtin,
    /// The repository's templates folder: the template's folder, relative to the
    /// platform root.
    Repository(String),
}

/// A template whose `template.yaml` was read and checked.
#[derive(Debug, Clone)]
pub struct Template {
    pub spec: Spec,
    pub origin: Origin,
    /// `template.yaml`'s path, for messages (`<builtin>/templates/service/template.yaml`).
    pub path: String,
}

impl Template {
    /// The template's files (everything in its folder but `template.yaml`), by path
    /// relative to the folder.
    pub fn files(&self, source: &dyn Source) -> std::io::Result<BTreeMap<String, Vec<u8>>> {
        let mut files = BTreeMap::new();
        match &self.origin {
            Origin::Builtin => {
                if let Some(dir) = BUILTIN.get_dir(&self.spec.name) {
                    collect_builtin(dir, &self.spec.name, &mut files);
                }
            }
            Origin::Repository(folder) => {
                for path in source.all_files_under(folder)? {
                    let relative = path[folder.len()..].trim_start_matches('/').to_owned();
                    if relative != TEMPLATE_FILE {
                        files.insert(relative, source.read(&path)?);
                    }
                }
            }
        }
        Ok(files)
    }

    /// The names of the inputs, in the order the schema lists them.
    pub fn input_names(&self) -> Vec<String> {
        self.spec
            .inputs
            .as_ref()
            .and_then(|i| i.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }
}

fn collect_builtin(dir: &Dir<'_>, base: &str, out: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let relative = path[base.len()..].trim_start_matches('/').to_owned();
        if relative != TEMPLATE_FILE {
            out.insert(relative, file.contents().to_vec());
        }
    }
    for sub in dir.dirs() {
        collect_builtin(sub, base, out);
    }
}

/// A `template.yaml` that could not be read, with where and why.
#[derive(Debug, Clone)]
pub struct SpecProblem {
    /// JSON pointer into the document, or empty for the whole file.
    pub pointer: String,
    pub message: String,
    /// Byte offset of a parse error.
    pub offset: Option<usize>,
}

fn meta_validator() -> &'static Result<jsonschema::Validator, String> {
    static META: OnceLock<Result<jsonschema::Validator, String>> = OnceLock::new();
    META.get_or_init(|| {
        let schema: Value = serde_json::from_str(include_str!("template.schema.json"))
            .map_err(|e| e.to_string())?;
        schema::compile(&schema)
    })
}

/// Parse and check a `template.yaml`.
pub fn parse_spec(bytes: &[u8]) -> Result<Spec, Vec<SpecProblem>> {
    let parsed = parse_bytes(bytes.to_vec(), Format::Yaml);
    if let Some(error) = parsed.errors.first() {
        return Err(vec![SpecProblem {
            pointer: String::new(),
            message: error.message.clone(),
            offset: Some(error.offset),
        }]);
    }
    let Some(document) = parsed.documents.into_iter().next() else {
        return Err(vec![problem("", "the file is empty")]);
    };
    let value = document.value;
    match meta_validator() {
        Ok(meta) => {
            let violations = schema::violations(meta, &value);
            if !violations.is_empty() {
                return Err(violations
                    .into_iter()
                    .map(|v| problem(&v.pointer, &v.message))
                    .collect());
            }
        }
        Err(e) => return Err(vec![problem("", &format!("internal: {e}"))]),
    }
    serde_json::from_value(value).map_err(|e| vec![problem("", &e.to_string())])
}

fn problem(pointer: &str, message: &str) -> SpecProblem {
    SpecProblem {
        pointer: pointer.to_owned(),
        message: message.to_owned(),
        offset: None,
    }
}

/// Why the templates could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("`{path}` is not a valid template: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot read the templates folder: {0}")]
    Io(#[from] std::io::Error),
}

/// Every template: built-ins, then the repository's (which replace built-ins of the
/// same name), sorted by name.
pub fn all(source: &dyn Source, config: &Config) -> Result<Vec<Template>, TemplateError> {
    let mut by_name: BTreeMap<String, Template> = BTreeMap::new();
    for dir in BUILTIN.dirs() {
        let name = dir.path().to_string_lossy().into_owned();
        let Some(file) = BUILTIN.get_file(format!("{name}/{TEMPLATE_FILE}")) else {
            continue;
        };
        let path = format!("<builtin>/templates/{name}/{TEMPLATE_FILE}");
        let spec = parse_spec(file.contents()).map_err(|problems| TemplateError::Invalid {
            path: path.clone(),
            message: describe(&problems),
        })?;
        by_name.insert(
            spec.name.clone(),
            Template {
                spec,
                origin: Origin::Builtin,
                path,
            },
        );
    }
    for path in repository_template_files(source, config)? {
        let folder = path[..path.len() - TEMPLATE_FILE.len()]
            .trim_end_matches('/')
            .to_owned();
        let spec = parse_spec(&source.read(&path)?).map_err(|problems| TemplateError::Invalid {
            path: path.clone(),
            message: describe(&problems),
        })?;
        by_name.insert(
            spec.name.clone(),
            Template {
                spec,
                origin: Origin::Repository(folder),
                path,
            },
        );
    }
    Ok(by_name.into_values().collect())
}

/// `templates/<name>/template.yaml` files of the repository.
pub fn repository_template_files(
    source: &dyn Source,
    config: &Config,
) -> std::io::Result<Vec<String>> {
    let dir = config.templates.dir.trim_end_matches('/');
    Ok(source
        .files_under(dir)?
        .into_iter()
        .filter(|p| {
            p.strip_prefix(dir)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| rest.split_once('/'))
                .is_some_and(|(_, file)| file == TEMPLATE_FILE)
        })
        .collect())
}

fn describe(problems: &[SpecProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            if p.pointer.is_empty() {
                p.message.clone()
            } else {
                format!("at `{}`: {}", p.pointer, p.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A value as a person types it: a string bare, anything else as JSON (`3`, `true`).
pub fn plain_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The template called `name`, or an error with the closest name.
pub fn find(templates: Vec<Template>, name: &str) -> Result<Template, String> {
    let names: Vec<String> = templates.iter().map(|t| t.spec.name.clone()).collect();
    templates
        .into_iter()
        .find(|t| t.spec.name == name)
        .ok_or_else(|| {
            match crate::catalog::identifier::closest(name, names.iter().map(String::as_str)) {
                Some(close) => {
                    format!("did you mean `{close}`? (`portolan templates` lists them all)")
                }
                None => format!(
                    "the templates are: {}; `portolan templates` describes them",
                    names.join(", ")
                ),
            }
        })
}
