//! Running a template into a plan: inputs, preconditions, then each step adds to a
//! [`Changeset`]. Nothing here writes; the command validates the plan on an overlay
//! and applies it (DESIGN.md §4).

use super::engine::{entity_json, Engine, Escape, Files, RenderError};
use super::escape;
use super::inputs::{self, Given, InputError, Inputs, Prompter};
use super::{entity_yaml, patch, Operation, Step, Template};
use crate::catalog::entity::file_name_for;
use crate::catalog::Catalog;
use crate::changeset::{safe_path, ChangeError, Changeset};
use crate::source::parse::Format;
use crate::source::Source;
use crate::time::Instant;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Everything a run needs besides the template.
pub struct Run<'a> {
    pub catalog: Arc<Catalog>,
    /// What the plan reads: the working tree, or the base commit with `--pr`.
    pub source: Arc<dyn Source + Send + Sync>,
    /// `owner/name` of the platform repository (config, else the origin remote).
    pub platform_repo: Option<String>,
    pub given: Given,
    pub now: Instant,
    /// The entity a day-2 or delete template runs on: (blueprint, identifier).
    pub entity: Option<(String, String)>,
    /// Asks for missing inputs; `Some` only on a terminal.
    pub prompter: Option<&'a dyn Prompter>,
    /// `--repo`: the service's own repository, `{full_name, url}`.
    pub service_repo: Option<Value>,
    /// The Git history the plan is based on, for `revert` steps.
    pub history: Option<History<'a>>,
}

/// A repository and the commit a plan reads (`HEAD`, or the base of a pull request).
#[derive(Clone, Copy)]
pub struct History<'a> {
    pub repo: &'a crate::git::Repo,
    pub commit: &'a str,
}

/// A planned run.
#[derive(Debug)]
pub struct Plan {
    pub changes: Changeset,
    pub inputs: Inputs,
    /// Eight hex digits identifying the template, entity and inputs of the run.
    pub run_key: String,
    pub now: String,
    /// The template's `pr:` block, rendered.
    pub pr: PrFields,
    /// A `done` precondition held: the run has nothing to do, and this says why (the
    /// changeset is empty).
    pub done: Option<String>,
    /// The rendering work the run took, in minijinja fuel (see [`super::limits`]).
    pub fuel: u64,
}

/// What a template says about its pull request, rendered with the run's context.
#[derive(Debug, Clone, Default)]
pub struct PrFields {
    pub title: Option<String>,
    pub body: Option<String>,
    /// Which re-runs update the same pull request.
    pub key: Option<String>,
    pub labels: Vec<String>,
    pub reviewers: Vec<String>,
    pub draft: bool,
}

/// Why a run could not be planned.
#[derive(Debug)]
pub enum PlanError {
    Inputs(InputError),
    /// A precondition failed: its message, rendered.
    Precondition(String),
    /// A step failed: which, and why.
    Step {
        step: usize,
        kind: &'static str,
        message: String,
        hint: String,
    },
    Change(ChangeError),
}

impl From<InputError> for PlanError {
    fn from(e: InputError) -> Self {
        PlanError::Inputs(e)
    }
}

/// What every expression of a template sees before its inputs: `config`, `platform`,
/// `service_repo` (with `--repo`), `now`, `template` and `entity` (day-2 and delete).
/// One place, so `templates --for` judges preconditions on the variables a run has.
fn base_variables(
    template: &Template,
    catalog: &Catalog,
    platform_repo: Option<&str>,
    service_repo: Option<&Value>,
    now: &str,
    entity: Option<Value>,
) -> BTreeMap<String, Value> {
    let mut variables: BTreeMap<String, Value> = BTreeMap::new();
    variables.insert(
        "config".into(),
        serde_json::to_value(&catalog.config).unwrap_or(Value::Null),
    );
    let mut platform = Map::new();
    if let Some(repo) = platform_repo {
        platform.insert("repo".into(), repo.into());
        platform.insert(
            "repo_url".into(),
            format!("https://github.com/{repo}.git").into(),
        );
    }
    variables.insert("platform".into(), Value::Object(platform));
    if let Some(service_repo) = service_repo {
        variables.insert("service_repo".into(), service_repo.clone());
    }
    variables.insert("now".into(), now.into());
    variables.insert(
        "template".into(),
        json!({"name": template.spec.name, "version": template.spec.version}),
    );
    if let Some(entity) = entity {
        variables.insert("entity".into(), entity);
    }
    variables
}

/// The `entity` variable: the JSON of `blueprint`/`id`, when it exists.
fn entity_value(catalog: &Catalog, blueprint: &str, id: &str) -> Option<Value> {
    let b = catalog.blueprints.index_of(blueprint)?;
    catalog.entity(b, id).map(|e| entity_json(catalog, e))
}

/// Plan a run of `template`, whose files are `files`. With `writeOnly` inputs, the
/// run is planned again with other values in their place, and refused when anything
/// it would write or show changes with them ([`super::taint`]).
pub fn plan(
    template: &Template,
    files: &BTreeMap<String, Vec<u8>>,
    run: Run<'_>,
) -> Result<Plan, PlanError> {
    let catalog = Arc::clone(&run.catalog);
    let known_files = Files::new(Arc::clone(&run.source));
    let now = run.now.rfc3339();
    let entity = run
        .entity
        .as_ref()
        .and_then(|(blueprint, id)| entity_value(&catalog, blueprint, id));
    let entity_ref = run
        .entity
        .as_ref()
        .map(|(blueprint, id)| format!("{blueprint}/{id}"));
    let variables = base_variables(
        template,
        &catalog,
        run.platform_repo.as_deref(),
        run.service_repo.as_ref(),
        &now,
        entity,
    );

    let defaults = Engine::new(variables.clone(), Arc::clone(&catalog), known_files);
    let inputs = inputs::collect(
        template,
        &run.given,
        &catalog.config,
        &catalog,
        &defaults,
        run.prompter,
    )?;
    let run_key = hash8(&json!({
        "template": template.spec.name,
        "entity": entity_ref,
        "inputs": inputs.recordable(),
    }));
    let known = Known {
        variables,
        run_key,
        now,
        entity_ref,
    };
    let planned = plan_with(template, files, &run, &known, &inputs);
    super::taint::refuse_dependence(&inputs, &planned, |other| {
        plan_with(template, files, &run, &known, other)
    })?;
    planned
}

/// What a run knows before its steps: the same for every value of its `writeOnly`
/// inputs.
struct Known {
    variables: BTreeMap<String, Value>,
    run_key: String,
    now: String,
    entity_ref: Option<String>,
}

/// Preconditions, steps and the `pr:` block, with these inputs.
fn plan_with(
    template: &Template,
    files: &BTreeMap<String, Vec<u8>>,
    run: &Run<'_>,
    known: &Known,
    inputs: &Inputs,
) -> Result<Plan, PlanError> {
    let catalog = Arc::clone(&run.catalog);
    let known_files = Files::new(Arc::clone(&run.source));
    let (run_key, now, entity_ref) = (known.run_key.clone(), known.now.clone(), &known.entity_ref);
    let mut variables = known.variables.clone();
    variables.insert("inputs".into(), Value::Object(inputs.values.clone()));
    variables.insert("run_key".into(), run_key.clone().into());
    let mut engine = Engine::new(variables, Arc::clone(&catalog), known_files.clone());

    for precondition in &template.spec.preconditions {
        let expression = precondition.expression();
        let holds = engine.truthy(expression).map_err(|e| {
            PlanError::Precondition(format!(
                "the precondition `{expression}` cannot be evaluated: {e}"
            ))
        })?;
        if holds == precondition.is_done() {
            let message = match engine.render(&precondition.message) {
                Ok(message) => message,
                Err(e) if e.limit => {
                    return Err(PlanError::Precondition(format!(
                        "the message of a precondition cannot be rendered: {e}"
                    )))
                }
                Err(_) => precondition.message.clone(),
            };
            if !holds {
                return Err(PlanError::Precondition(message));
            }
            let pr = render_pr(&engine, template.spec.pr.as_ref())?;
            return Ok(Plan {
                changes: Changeset::new(),
                inputs: inputs.clone(),
                run_key,
                now,
                pr,
                done: Some(message.trim().to_owned()),
                fuel: engine.fuel_spent(),
            });
        }
    }

    let run_info = json!({
        "template": template.spec.name,
        "version": template.spec.version,
        "run_key": run_key,
        "now": now,
        "entity": entity_ref,
        "inputs": inputs.recordable(),
    });
    let mut changes = Changeset::new();
    for (index, step) in template.spec.steps.iter().enumerate() {
        let fail = |message: String, hint: &str| PlanError::Step {
            step: index + 1,
            kind: step.kind(),
            message,
            hint: hint.to_owned(),
        };
        let guard = step.guard();
        let items: Vec<Option<Value>> = match &guard.for_each {
            Some(list) => engine
                .list(list)
                .map_err(|e| fail(format!("`for_each`: {e}"), "`for_each` takes an expression that gives a list, like `{{ config.environments }}`"))?
                .into_iter()
                .map(Some)
                .collect(),
            None => vec![None],
        };
        let name = guard.as_name.as_deref().unwrap_or("item");
        for item in items {
            engine
                .charge_step()
                .map_err(|e| fail(e.to_string(), "a run has room for some tens of thousands of step runs, and less when each renders much: give `for_each` a shorter list, or split the work"))?;
            let looping = item.is_some();
            if looping {
                engine.set(name, item);
            }
            let wanted = match &guard.when {
                Some(when) => engine
                    .truthy(when)
                    .map_err(|e| fail(format!("`when`: {e}"), "fix the expression"))?,
                None => true,
            };
            if wanted {
                let mut step_run = StepRun {
                    engine: &engine,
                    catalog: &catalog,
                    files,
                    known_files: &known_files,
                    changes: &mut changes,
                    source: run.source.as_ref(),
                    run_info: &run_info,
                    history: run.history,
                };
                step_run
                    .run(step)
                    .map_err(|(message, hint)| fail(message, &hint))?;
            }
            if looping {
                engine.set(name, None);
            }
        }
    }

    let pr = render_pr(&engine, template.spec.pr.as_ref())?;
    Ok(Plan {
        changes,
        inputs: inputs.clone(),
        run_key,
        now,
        pr,
        done: None,
        fuel: engine.fuel_spent(),
    })
}

fn render_pr(engine: &Engine, pr: Option<&Value>) -> Result<PrFields, PlanError> {
    let Some(pr) = pr else {
        return Ok(PrFields::default());
    };
    let fail = |field: &str, e: RenderError| PlanError::Step {
        step: 0,
        kind: "pr",
        message: format!("`pr.{field}`: {e}"),
        hint: "fix the template's `pr:` block".into(),
    };
    // Values in the title and body are escaped so that none can forge what a
    // reviewer reads; the key is portolan's own, as written.
    let text = |field: &str, escape: Escape| -> Result<Option<String>, PlanError> {
        match pr.get(field).and_then(Value::as_str) {
            Some(source) => engine
                .render_as(source, escape)
                .map(|t| Some(t.trim().to_owned()).filter(|t| !t.is_empty()))
                .map_err(|e| fail(field, e)),
            None => Ok(None),
        }
    };
    let list = |field: &str| -> Result<Vec<String>, PlanError> {
        let mut out = Vec::new();
        for item in pr
            .get(field)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(source) = item.as_str() {
                let rendered = engine.render(source).map_err(|e| fail(field, e))?;
                if !rendered.trim().is_empty() {
                    out.push(rendered.trim().to_owned());
                }
            }
        }
        Ok(out)
    };
    Ok(PrFields {
        // A title is one line, whatever the template's text says.
        title: text("title", Escape::Line)?.map(|t| t.replace(['\n', '\r'], " ")),
        body: text("body", Escape::Markdown)?,
        key: text("key", Escape::None)?,
        labels: list("labels")?,
        reviewers: list("reviewers")?,
        draft: pr.get("draft").and_then(Value::as_bool).unwrap_or(false),
    })
}

/// Eight hex digits of a Git blob hash of the value's JSON: stable across runs and
/// machines, since serde_json writes maps with sorted keys.
pub fn hash8(value: &Value) -> String {
    let text = value.to_string();
    git2::Oid::hash_object(git2::ObjectType::Blob, text.as_bytes())
        .map(|oid| oid.to_string()[..8].to_owned())
        .unwrap_or_else(|_| "00000000".into())
}

struct StepRun<'a> {
    engine: &'a Engine,
    catalog: &'a Catalog,
    files: &'a BTreeMap<String, Vec<u8>>,
    known_files: &'a Files,
    changes: &'a mut Changeset,
    /// What the plan reads, for the current content of a file to patch.
    source: &'a dyn Source,
    run_info: &'a Value,
    history: Option<History<'a>>,
}

type StepError = (String, String);

fn not_yaml(path: &str) -> StepError {
    (
        format!("`{path}` is not a YAML or JSON file"),
        "patch and merge edit `.yaml`, `.yml` and `.json` files".to_owned(),
    )
}

fn render_error(what: &str, e: RenderError) -> StepError {
    (format!("{what}: {e}"), "fix the template".into())
}

fn change(e: ChangeError) -> StepError {
    (e.message, e.hint)
}

impl StepRun<'_> {
    fn run(&mut self, step: &Step) -> Result<(), StepError> {
        match step {
            Step::Render {
                from,
                to,
                overwrite,
                ..
            } => self.render(from, to, *overwrite),
            Step::Write {
                file,
                content,
                overwrite,
                ..
            } => {
                let path = self
                    .engine
                    .render(file)
                    .map_err(|e| render_error("`file`", e))?;
                if path.trim().is_empty() {
                    return Ok(());
                }
                let text = self
                    .engine
                    .render(content)
                    .map_err(|e| render_error("`content`", e))?;
                self.write(&path, text.into_bytes(), *overwrite)
            }
            Step::Delete { file, .. } => {
                let path = self
                    .engine
                    .render(file)
                    .map_err(|e| render_error("`file`", e))?;
                // `dir/` deletes every file under the folder (what the repository has
                // and what earlier steps wrote there).
                if let Some(dir) = path.strip_suffix('/') {
                    let dir = safe_path(dir).map_err(change)?;
                    if let Some(passed) = self.source.passed_on_path(&dir) {
                        return Err(change(crate::changeset::passed_error(
                            &format!("{dir}/"),
                            &passed,
                        )));
                    }
                    let mut files = self.source.all_files_under(&dir).unwrap_or_default();
                    let prefix = format!("{dir}/");
                    files.extend(
                        self.changes
                            .iter()
                            .filter(|(p, _)| p.starts_with(&prefix))
                            .map(|(p, _)| p.to_owned())
                            .collect::<Vec<_>>(),
                    );
                    for file in files {
                        self.changes.delete(&file).map_err(change)?;
                        self.sync(&file);
                    }
                    return Ok(());
                }
                let path = safe_path(&path).map_err(change)?;
                self.changes.delete(&path).map_err(change)?;
                self.sync(&path);
                Ok(())
            }
            Step::Patch {
                file,
                document,
                ops,
                ..
            } => {
                let path = self.path(file)?;
                let mut rendered = Vec::with_capacity(ops.len());
                for (i, op) in ops.iter().enumerate() {
                    let op = self.value(op, &format!("ops/{i}"))?.unwrap_or(Value::Null);
                    rendered.push(patch::Op::from_json(&op).map_err(|e| {
                        (
                            format!("`{path}`: {e}"),
                            "fix the template's `ops`".to_owned(),
                        )
                    })?);
                }
                self.edit(&path, document.as_ref(), &rendered)
            }
            Step::Merge {
                file,
                document,
                value,
                ..
            } => {
                let path = self.path(file)?;
                let value = self.value(value, "value")?.unwrap_or(Value::Null);
                let current = self.current_value(&path, document.as_ref())?;
                let ops = patch::merge_ops(&current, "", &value);
                if ops.is_empty() {
                    return Ok(());
                }
                self.edit(&path, document.as_ref(), &ops)
            }
            Step::Request {
                kind, with, run, ..
            } => {
                let kind = self
                    .engine
                    .render(kind)
                    .map_err(|e| render_error("`kind`", e))?;
                let with = match with {
                    Some(v) => self.value(v, "with")?.unwrap_or(Value::Null),
                    None => Value::Object(Map::new()),
                };
                let info = self.run_info;
                let template = info["template"].as_str().unwrap_or_default();
                let run_key = info["run_key"].as_str().unwrap_or_default();
                let record = json!({
                    "kind": kind,
                    "template": template,
                    "version": info["version"],
                    "run_key": run_key,
                    "requested_at": info["now"],
                    "entity": info["entity"],
                    "inputs": info["inputs"],
                    "with": with,
                });
                let mut record = record;
                if let (Some(command), Some(map)) = (run, record.as_object_mut()) {
                    let words = self.command_words(command)?;
                    if !words.is_empty() {
                        map.insert("run".into(), Value::String(escape::shell_line(&words)));
                    }
                }
                // The comment is one line whatever `kind` holds: a line break there
                // would add keys (a `run:`) to the request.
                let text = format!(
                    "# Work for the requests workflow: it runs `{}`, records the outcome and removes this file.\n{}",
                    escape::line(&kind),
                    entity_yaml::to_yaml_ordered(&record, &["kind", "run", "template", "version", "run_key", "requested_at", "entity"])
                        .map_err(|e| (e, "report this as a bug".to_owned()))?
                );
                self.write(
                    &format!("requests/{template}/{run_key}.yaml"),
                    text.into_bytes(),
                    false,
                )
            }
            Step::Revert {
                commit,
                pull_request,
                ..
            } => self.revert(commit.as_deref(), pull_request.as_deref()),
            Step::Entity { upsert, delete, .. } => {
                if let Some(value) = upsert {
                    self.upsert(value)?;
                }
                if let Some(reference) = delete {
                    let reference = self
                        .engine
                        .render(reference)
                        .map_err(|e| render_error("`delete`", e))?;
                    self.delete_entity(&reference)?;
                }
                Ok(())
            }
        }
    }

    /// Undo a commit, or the merge of a pull request, on the commit the plan reads:
    /// each file it changed goes back, unless a later change touched the same lines.
    fn revert(&mut self, commit: Option<&str>, pull: Option<&str>) -> Result<(), StepError> {
        let Some(history) = self.history else {
            return Err((
                "a revert needs the Git history, and the platform folder is not in a Git repository".into(),
                "run it inside the platform repository's working tree".into(),
            ));
        };
        let undo_hint = |e: &crate::git::RevertError| -> String {
            match e {
                crate::git::RevertError::Conflicts { .. } => "later commits changed the same lines: revert by hand (`git revert`) and resolve the conflict, or revert the later change first".into(),
                crate::git::RevertError::NotAncestor(_) => "with --pr the change is based on the base branch: is the commit merged there?".into(),
                crate::git::RevertError::Unknown(_) => "give a commit hash, or a pull request number with `pull_request`; run `git fetch` if it is recent".into(),
                _ => "check the commit with `git show`".into(),
            }
        };
        let target = match (commit, pull) {
            (Some(commit), _) => {
                let rev = self
                    .engine
                    .render(commit)
                    .map_err(|e| render_error("`commit`", e))?;
                let rev = rev.trim();
                if rev.is_empty() {
                    return Ok(());
                }
                // `HEAD` is the commit the plan reads: with --pr the fetched base, not
                // the local checkout.
                let rev = match rev.strip_prefix("HEAD") {
                    Some(rest) => format!("{}{rest}", history.commit),
                    None => rev.to_owned(),
                };
                let rev = rev.as_str();
                history.repo.resolve_commit(rev).map_err(|e| {
                    let hint = undo_hint(&e);
                    (e.to_string(), hint)
                })?
            }
            (None, Some(pull)) => {
                let number = self
                    .engine
                    .render(pull)
                    .map_err(|e| render_error("`pull_request`", e))?;
                let number = number.trim();
                if number.is_empty() {
                    return Ok(());
                }
                let parsed: u64 = number.trim_start_matches('#').parse().map_err(|_| {
                    (
                        format!("`{number}` is not a pull request number"),
                        "give the number GitHub shows, like 42".to_owned(),
                    )
                })?;
                history
                    .repo
                    .merged_pull(history.commit, parsed)
                    .map_err(|e| (e.to_string(), "check the repository with `git log`".to_owned()))?
                    .ok_or_else(|| {
                        (
                            format!("pull request #{parsed} was not merged into the history this change is based on"),
                            "its merge commit says `Merge pull request #N` or ends in `(#N)`; give the commit with `commit` instead".to_owned(),
                        )
                    })?
            }
            (None, None) => {
                return Err((
                    "`revert` needs `commit` or `pull_request`".into(),
                    "fix the template".into(),
                ))
            }
        };
        let reverted = history
            .repo
            .revert_changes(history.commit, &target)
            .map_err(|e| {
                let hint = undo_hint(&e);
                (e.to_string(), hint)
            })?;
        // A request comes back only as a new request: reverting the requests
        // workflow's own commit must not run its commands a second time.
        if let Some((path, _)) = reverted.iter().find(|(path, content)| {
            path.starts_with("requests/") && content.is_some() && !self.known_files.exists(path)
        }) {
            return Err((
                format!("the revert would bring back `{path}`, a request the requests workflow already ran: merged, it would run again"),
                "run the request's template again if its work must be repeated; revert the other files of that commit by hand".into(),
            ));
        }
        for (path, content) in reverted {
            match content {
                Some(content) => self.write(&path, content, true)?,
                None => {
                    self.changes.delete(&path).map_err(change)?;
                    self.sync(&path);
                }
            }
        }
        Ok(())
    }

    /// A request's `run:` as the words of one command. Each value the template prints
    /// is one word, whatever it holds; the template's own text may hold words and
    /// quotes only, since the requests workflow runs the words without a shell.
    fn command_words(&self, command: &str) -> Result<Vec<String>, StepError> {
        let line = self
            .engine
            .render_as(command, Escape::Shell)
            .map_err(|e| render_error("`run`", e))?;
        escape::shell_words(&line).map_err(|problem| {
            (
                format!("`run` has {problem}: the requests workflow runs a command and its words, without a shell"),
                "write `run:` as a command and its arguments (values are quoted for you); put pipes, `&&`, redirections and variables in a script under platform/runbooks/ and run that".into(),
            )
        })
    }

    fn path(&self, file: &str) -> Result<String, StepError> {
        let path = self
            .engine
            .render(file)
            .map_err(|e| render_error("`file`", e))?;
        safe_path(&path).map_err(change)
    }

    /// A file's text as the plan has it so far: written by an earlier step, or read.
    fn current_text(&self, path: &str) -> Result<String, StepError> {
        let bytes = match self.changes.get(path) {
            Some(crate::changeset::Change::Write { content, .. }) => content.clone(),
            Some(crate::changeset::Change::Delete) => {
                return Err((
                    format!("`{path}` is deleted by an earlier step"),
                    "reorder the steps".into(),
                ))
            }
            None => self.source.read(path).map_err(|_| {
                (
                    format!("`{path}` does not exist"),
                    "a patch edits a file that exists; check the path (and the entity's `app`)"
                        .to_owned(),
                )
            })?,
        };
        String::from_utf8(bytes).map_err(|_| {
            (
                format!("`{path}` is not text"),
                "patch YAML or JSON files only".to_owned(),
            )
        })
    }

    fn current_value(&self, path: &str, document: Option<&Value>) -> Result<Value, StepError> {
        let text = self.current_text(path)?;
        let invalid = |e: String| {
            (
                format!("`{path}`: {e}"),
                "fix the file or `document:`".to_owned(),
            )
        };
        match Format::of_path(path) {
            Some(Format::Yaml) => {
                let select = patch::Select::from_json(document).map_err(invalid)?;
                patch::document_value(&text, &select).map_err(invalid)
            }
            Some(Format::Json) => serde_json::from_str(&text)
                .map_err(|e| invalid(format!("the file is not valid JSON: {e}"))),
            None => Err(not_yaml(path)),
        }
    }

    /// Apply patch operations to a YAML or JSON file of the repository (or of the plan).
    fn edit(
        &mut self,
        path: &str,
        document: Option<&Value>,
        ops: &[patch::Op],
    ) -> Result<(), StepError> {
        let text = self.current_text(path)?;
        let result = match Format::of_path(path) {
            Some(Format::Yaml) => {
                let select = patch::Select::from_json(document)
                    .map_err(|e| (e, "fix `document:`".to_owned()))?;
                patch::apply(&text, &select, ops)
            }
            Some(Format::Json) => patch::apply_json(&text, ops),
            None => return Err(not_yaml(path)),
        };
        let updated = result.map_err(|e| {
            (
                format!("cannot patch `{path}`: {e}"),
                "check the path against the file".to_owned(),
            )
        })?;
        if self.changes.get(path).is_some() {
            self.changes
                .replace(path, updated.into_bytes())
                .map_err(change)?;
        } else {
            self.changes
                .write(path, updated.into_bytes(), true)
                .map_err(change)?;
        }
        self.sync(path);
        Ok(())
    }

    /// Tell `file_exists` and `read_yaml` what the plan now holds at `path`.
    fn sync(&self, path: &str) {
        match self.changes.get(path) {
            Some(crate::changeset::Change::Write { content, .. }) => {
                self.known_files.plan(path, Some(content))
            }
            _ => self.known_files.plan(path, None),
        }
    }

    fn write(&mut self, path: &str, content: Vec<u8>, overwrite: bool) -> Result<(), StepError> {
        let path = safe_path(path).map_err(change)?;
        self.changes
            .write(&path, content, overwrite)
            .map_err(change)?;
        self.sync(&path);
        Ok(())
    }

    fn render(&mut self, from: &str, to: &str, overwrite: bool) -> Result<(), StepError> {
        let from = from.trim_start_matches("./").trim_end_matches('/');
        let prefix = if from.is_empty() {
            String::new()
        } else {
            format!("{from}/")
        };
        let to = self
            .engine
            .render(to)
            .map_err(|e| render_error("`to`", e))?;
        let mut found = false;
        for (path, bytes) in self.files.range(prefix.clone()..) {
            let Some(relative) = path.strip_prefix(&prefix) else {
                break;
            };
            found = true;
            let what = format!("template file `{path}`");
            let rendered = self
                .engine
                .render(relative)
                .map_err(|e| render_error(&format!("the path of {what}"), e))?;
            let (rendered, is_template) = match rendered.strip_suffix(".jinja") {
                Some(stripped) => (stripped.to_owned(), true),
                None => (rendered, false),
            };
            // A path with a segment that renders empty skips the file.
            if rendered.split('/').any(|segment| segment.trim().is_empty()) {
                continue;
            }
            let content = if is_template {
                let text = std::str::from_utf8(bytes).map_err(|_| {
                    (
                        format!("{what} is not UTF-8 text"),
                        "only text files can end in `.jinja`; drop the suffix to copy it as is"
                            .to_owned(),
                    )
                })?;
                self.engine
                    .render(text)
                    .map_err(|e| render_error(&what, e))?
                    .into_bytes()
            } else {
                bytes.clone()
            };
            let to = to.trim().trim_start_matches("./").trim_end_matches('/');
            let destination = if to.is_empty() || to == "." {
                rendered
            } else {
                format!("{to}/{rendered}")
            };
            self.write(&destination, content, overwrite)?;
        }
        if !found {
            return Err((
                format!("`from: {from}` names no files in the template"),
                "`from` is a folder of the template, relative to its template.yaml".into(),
            ));
        }
        Ok(())
    }

    /// Render every string leaf; a leaf that is one expression keeps its type, and
    /// one that gives nothing is dropped.
    fn value(&self, value: &Value, pointer: &str) -> Result<Option<Value>, StepError> {
        Ok(match value {
            Value::String(text) => self
                .engine
                .value(text)
                .map_err(|e| render_error(&format!("`{pointer}`"), e))?,
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    out.extend(self.value(item, &format!("{pointer}/{i}"))?);
                }
                Some(Value::Array(out))
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, item) in map {
                    // Keys are templates too (`"CONFIG_{{ inputs.key | upper }}": …`).
                    let key = if key.contains("{{") || key.contains("{%") {
                        self.engine
                            .render(key)
                            .map_err(|e| render_error(&format!("the key `{pointer}/{key}`"), e))?
                    } else {
                        key.clone()
                    };
                    if let Some(v) = self.value(item, &format!("{pointer}/{key}"))? {
                        out.insert(key, v);
                    }
                }
                Some(Value::Object(out))
            }
            other => Some(other.clone()),
        })
    }

    fn upsert(&mut self, value: &Value) -> Result<(), StepError> {
        let entity = self.value(value, "upsert")?.unwrap_or(Value::Null);
        let text = |key: &str| entity.get(key).and_then(Value::as_str).map(str::to_owned);
        let (Some(blueprint), Some(id)) = (text("blueprint"), text("identifier")) else {
            return Err((
                "`entity: upsert` needs a `blueprint` and an `identifier`".into(),
                "add both to the entity in the template".into(),
            ));
        };
        let Some(b) = self.catalog.blueprints.index_of(&blueprint) else {
            let builtin = crate::catalog::builtin::BLUEPRINTS
                .iter()
                .any(|(id, _)| *id == blueprint);
            let hint = if builtin && !self.catalog.config.blueprints.builtins {
                format!(
                    "portolan has a built-in `{blueprint}`, and this repository turned the built-ins off (`blueprints.builtins: false`): add it to `{}/` (its source is portolan's `blueprints/{blueprint}.json`)",
                    self.catalog.config.blueprints.dir
                )
            } else {
                crate::catalog::identifier::closest(&blueprint, self.catalog.blueprints.ids())
                    .map_or_else(
                        || "define the blueprint in `blueprints/`".to_owned(),
                        |c| format!("did you mean `{c}`?"),
                    )
            };
            return Err((
                format!("`entity: upsert` names the blueprint `{blueprint}`, which does not exist"),
                hint,
            ));
        };
        let yaml =
            entity_yaml::to_yaml(&entity).map_err(|e| (e, "report this as a bug".to_owned()))?;
        match self.catalog.entity(b, &id) {
            Some(existing) => {
                let file = &self.catalog.files[existing.file];
                let updated =
                    replace_document(&file.text, &file.documents, existing.document, Some(&yaml));
                self.changes
                    .replace(&file.path, updated.into_bytes())
                    .map_err(change)?;
                self.sync(&file.path);
                Ok(())
            }
            None => {
                let root = self
                    .catalog
                    .config
                    .catalog
                    .roots
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "catalog".into());
                let path = format!("{root}/{blueprint}/{}.yaml", file_name_for(&id));
                self.write(&path, yaml.into_bytes(), false)
            }
        }
    }

    fn delete_entity(&mut self, reference: &str) -> Result<(), StepError> {
        let (blueprint, id) = reference.split_once('/').ok_or_else(|| {
            (
                format!("`entity: delete` takes BLUEPRINT/ID, not `{reference}`"),
                "write it like `Component/cart`".to_owned(),
            )
        })?;
        let entity = self
            .catalog
            .blueprints
            .index_of(blueprint)
            .and_then(|b| self.catalog.entity(b, id))
            .ok_or_else(|| {
                (
                    format!("there is no {blueprint} `{id}` to delete"),
                    "check the reference with `portolan validate`".to_owned(),
                )
            })?;
        let file = &self.catalog.files[entity.file];
        if file.documents.len() <= 1 {
            self.changes.delete(&file.path).map_err(change)?;
            self.sync(&file.path);
        } else {
            let updated = replace_document(&file.text, &file.documents, entity.document, None);
            self.changes
                .replace(&file.path, updated.into_bytes())
                .map_err(change)?;
        }
        Ok(())
    }
}

/// A file's text with one document replaced (or removed, with `None`), the others
/// and their comments left as they were.
fn replace_document(
    text: &str,
    documents: &[std::ops::Range<usize>],
    index: usize,
    replacement: Option<&str>,
) -> String {
    let Some(range) = documents.get(index) else {
        return replacement.unwrap_or_default().to_owned();
    };
    if documents.len() <= 1 {
        // The whole file: keep a leading comment block, if any.
        return replacement.unwrap_or_default().to_owned();
    }
    let old = &text[range.clone()];
    let marker = old.starts_with("---");
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..range.start]);
    if let Some(new) = replacement {
        if marker || range.start > 0 {
            out.push_str("---\n");
        }
        out.push_str(new);
    }
    out.push_str(&text[range.end..]);
    out
}

/// Whether a day-2 or delete template can run on an entity: its blueprint matches and
/// every precondition that does not depend on inputs holds, over the variables a run
/// would have (`platform_repo` as [`Run::platform_repo`]).
pub fn applies(
    template: &Template,
    catalog: Arc<Catalog>,
    source: Arc<dyn Source + Send + Sync>,
    platform_repo: Option<&str>,
    (blueprint, id): (&str, &str),
) -> bool {
    if template.spec.operation == Operation::Create
        || template.spec.blueprint.as_deref() != Some(blueprint)
    {
        return false;
    }
    let Some(entity) = entity_value(&catalog, blueprint, id) else {
        return false;
    };
    let now = Instant::now().rfc3339();
    let variables = base_variables(template, &catalog, platform_repo, None, &now, Some(entity));
    let engine = Engine::new(variables, Arc::clone(&catalog), Files::new(source));
    template
        .spec
        .preconditions
        .iter()
        // What depends on the run (its inputs, its key) is decided when it runs; a
        // `done` one says the run would change nothing, not that it cannot run.
        .filter(|p| !p.is_done())
        .filter(|p| !p.expression().contains("inputs") && !p.expression().contains("run_key"))
        .all(|p| engine.truthy(p.expression()).unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Plan a built-in create template in `dir` and write what it plans; its fuel.
    fn fuel_of(dir: &std::path::Path, name: &str, set: &[(&str, &str)]) -> u64 {
        let source: Arc<dyn Source + Send + Sync> = Arc::new(crate::source::Worktree::new(dir));
        let catalog = crate::engine::load(source.as_ref(), Default::default())
            .unwrap()
            .catalog;
        let template = crate::template::find(
            crate::template::all(source.as_ref(), &catalog.config).unwrap(),
            name,
        )
        .unwrap();
        let files = template.files(source.as_ref()).unwrap();
        let run = Run {
            catalog: Arc::new(catalog),
            source,
            platform_repo: Some("acme/platform".into()),
            given: Given {
                set: set
                    .iter()
                    .map(|(k, v)| ((*k).into(), (*v).into()))
                    .collect(),
                file: None,
            },
            now: Instant::parse("2026-11-29T12:00:00Z").unwrap(),
            entity: None,
            prompter: None,
            service_repo: None,
            history: None,
        };
        let planned = plan(&template, &files, run).unwrap();
        for (path, change) in planned.changes.iter() {
            if let crate::changeset::Change::Write { content, .. } = change {
                let path = dir.join(path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, content).unwrap();
            }
        }
        planned.fuel
    }

    /// The built-in templates stay far below the limits (see `limits`): the heaviest
    /// take under a hundredth of a run's fuel.
    #[test]
    fn built_in_templates_stay_well_within_the_limits() {
        let limit = crate::template::limits::FUEL_PER_RUN;
        let dir = tempfile::tempdir().unwrap();
        // What `portolan init` adds to the platform template's files.
        std::fs::create_dir_all(dir.path().join("blueprints")).unwrap();
        for (id, text) in crate::catalog::builtin::BLUEPRINTS {
            std::fs::write(dir.path().join(format!("blueprints/{id}.json")), text).unwrap();
        }
        for (name, set) in [
            (
                "platform",
                &[
                    ("repo", "acme/platform"),
                    ("environments", "dev,staging,prod"),
                ][..],
            ),
            (
                "service",
                &[("name", "cart"), ("api", "true"), ("database", "true")][..],
            ),
            (
                "service",
                &[("name", "orders"), ("language", "rust"), ("api", "true")][..],
            ),
        ] {
            let fuel = fuel_of(dir.path(), name, set);
            assert!(fuel > 0 && fuel < limit / 100, "{name}: {fuel} of {limit}");
        }
    }

    #[test]
    fn replaces_one_document_of_many() {
        let text = "a: 1\n---\nb: 2\n---\nc: 3\n";
        let docs = crate::source::parse::split_yaml_documents(text);
        assert_eq!(
            replace_document(text, &docs, 1, Some("b: 9\n")),
            "a: 1\n---\nb: 9\n---\nc: 3\n"
        );
        assert_eq!(replace_document(text, &docs, 1, None), "a: 1\n---\nc: 3\n");
        assert_eq!(hash8(&json!({"a": 1})), hash8(&json!({"a": 1})));
    }
}
