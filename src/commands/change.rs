//! The write path every template command shares (DESIGN.md §4): plan a run, validate
//! the catalog and manifests with the plan overlaid, then show it (`--dry-run`) or
//! apply it. A run that fails at any point has written nothing.

use super::validate::key;
use super::{CommandError, Outcome};
use crate::catalog::{self, SourceFile};
use crate::changeset::{self, ChangeError, Changeset, FileChange};
use crate::cli::{ChangeFormat, PrOptions};
use crate::commands::load_error as loader_error_message;
use crate::config::Config;
use crate::diagnostic::{Anchor, Diagnostic, Severity};
use crate::engine::LoadOptions;
use crate::git::Repo;
use crate::output::prompt::TerminalPrompter;
use crate::output::{changes, human, Printer};
use crate::source::parse::{parse_bytes, Format};
use crate::source::{Source, Worktree};
use crate::state::{Lock, State, StateError};
use crate::template::inputs::{Given, Prompter};
use crate::template::plan::{self, History, Plan, PlanError, Run};
use crate::template::{self, answers, Template};
use crate::time::Instant;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One template run, as the command line asked for it.
#[derive(Clone)]
pub struct Request {
    pub root: PathBuf,
    pub template: String,
    pub given: Given,
    pub now: Option<String>,
    pub dry_run: bool,
    pub no_input: bool,
    pub format: ChangeFormat,
    /// The entity a day-2 template runs on.
    pub entity: Option<(String, String)>,
    /// Deliver as a pull request instead of writing the working tree.
    pub pr: PrOptions,
    /// A delete template run over every entity it selects itself (`portolan env gc`),
    /// not on one entity.
    pub sweep: bool,
}

impl Request {
    /// A run as `new` and `run` take it on the command line.
    pub fn from_options(
        template: String,
        options: crate::cli::RunOptions,
        entity: Option<(String, String)>,
    ) -> Result<Request, CommandError> {
        let root = super::platform_root(options.root.as_deref())?;
        let file = options.values.as_deref().map(read_values).transpose()?;
        Ok(Request {
            root,
            template,
            given: Given {
                set: options.set,
                file,
            },
            now: options.now,
            dry_run: options.dry_run,
            no_input: options.no_input,
            format: options.format,
            entity,
            pr: options.pr,
            sweep: false,
        })
    }
}

/// Files a command adds to the plan besides the template's (init's blueprints).
pub type Extra = Box<dyn FnOnce(&mut Changeset) -> Result<(), ChangeError>>;

/// A planned run, checked: what it changes and what it would bring.
pub struct Checked {
    pub template: Template,
    pub plan: Plan,
    pub prepared: Vec<FileChange>,
    /// Findings the change brings (errors mean it must not land).
    pub brought: Vec<Diagnostic>,
    pub errors: usize,
    /// The files of the repository as it would be, for snippets.
    pub files: Vec<SourceFile>,
    pub config: Config,
}

/// Plan a run against `source` and validate the repository with it overlaid;
/// `dirty_check` says whether `repo`'s uncommitted edits must be checked for (they are
/// never touched).
pub fn check(
    request: &Request,
    source: Arc<dyn Source + Send + Sync>,
    repo: Option<&Repo>,
    dirty_check: bool,
    extra: Option<Extra>,
    history: Option<History<'_>>,
) -> Result<Checked, CommandError> {
    // Loaded once: the plan reads this catalog, and the check of the repository with
    // the change laid over it reads again only the files the change touches.
    let options = LoadOptions {
        keep_values: true,
        reusable: true,
        ..LoadOptions::default()
    };
    let (catalog, diagnostics, reusable) = crate::engine::load(source.as_ref(), options)
        .map_err(loader_error_message)?
        .split();
    let before: HashSet<_> = diagnostics.iter().map(key).collect();
    let catalog = Arc::new(catalog);

    let templates = template::all(source.as_ref(), &catalog.config).map_err(|e| {
        CommandError::new(e.to_string())
            .hint("`portolan validate` locates the problem in the template")
    })?;
    let all_templates = templates.clone();
    let template = template::find(templates, &request.template).map_err(|hint| {
        CommandError::new(format!("there is no template `{}`", request.template)).hint(hint)
    })?;
    let expected = if request.entity.is_some() {
        "a day-2 or delete template, run with `portolan run`"
    } else {
        "a create template, run with `portolan new`"
    };
    let is_create = template.spec.operation == crate::template::Operation::Create;
    let sweeps = request.sweep && template.spec.operation == crate::template::Operation::Delete;
    if !sweeps && is_create == request.entity.is_some() {
        return Err(CommandError::new(format!(
            "`{}` is a {} template, not {expected}",
            template.spec.name,
            template.spec.operation.as_str()
        ))
        .hint(if is_create {
            format!("run it with `portolan new {}`", template.spec.name)
        } else {
            format!(
                "run it on an entity: `portolan run {} {}/ID`",
                template.spec.name,
                template.spec.blueprint.as_deref().unwrap_or("BLUEPRINT")
            )
        }));
    }
    if let Some((blueprint, id)) = &request.entity {
        if template.spec.blueprint.as_deref() != Some(blueprint.as_str()) {
            return Err(CommandError::new(format!(
                "`{}` runs on {} entities, and `{blueprint}/{id}` is a {blueprint}",
                template.spec.name,
                template.spec.blueprint.as_deref().unwrap_or("no")
            ))
            .hint(format!(
                "`portolan templates --for {blueprint}/{id}` lists what runs on it"
            )));
        }
        let Some(entity) = catalog
            .blueprints
            .index_of(blueprint)
            .and_then(|b| catalog.entity(b, id))
        else {
            return Err(CommandError::new(format!(
                "there is no {blueprint} `{id}` in what the plan reads"
            ))
            .hint("with --pr the plan reads the base branch: merge the entity first"));
        };
        refuse_broken_entity(&catalog, entity, &diagnostics, &format!("{blueprint}/{id}"))?;
    }
    let files = template.files(source.as_ref())?;
    let platform_repo = platform_repo(&catalog.config, repo);
    let now = match &request.now {
        Some(text) => Instant::parse(text).map_err(|e| {
            CommandError::new(e).hint("--now takes a time like 2026-11-29T18:00:00Z")
        })?,
        None => Instant::now(),
    };
    let prompter = TerminalPrompter::when_interactive(request.no_input);
    let run = Run {
        catalog: Arc::clone(&catalog),
        source: Arc::clone(&source),
        platform_repo,
        given: request.given.clone(),
        now,
        entity: request.entity.clone(),
        prompter: prompter.as_ref().map(|p| p as &dyn Prompter),
        service_repo: request.pr.repo.as_ref().map(|full_name| {
            serde_json::json!({
                "full_name": full_name,
                "url": format!("https://{}/{full_name}", request.pr.host.as_deref().unwrap_or("github.com")),
            })
        }),
        history,
    };
    let mut planned = plan::plan(&template, &files, run).map_err(|e| plan_error(&template, e))?;
    if let Some(extra) = extra {
        extra(&mut planned.changes).map_err(change_error)?;
    }

    // Safety first (paths, overwrites, uncommitted edits): exit 2, whatever the catalog.
    let own = State::of(&request.root)
        .map(|state| state.own_edits())
        .unwrap_or_default();
    let dirty = repo
        .filter(|_| dirty_check)
        .map(|repo| changeset::DirtyCheck { repo, own: &own });
    let mut prepared = planned
        .changes
        .prepare(source.as_ref(), dirty)
        .map_err(change_error)?;

    // Validate the repository as it will be: only what this change brings counts.
    let overlay = crate::source::Overlay::new(source.as_ref(), planned.changes.overlay());
    let config = catalog.config.clone();
    let entities_before = answers::entities(&catalog);
    let after = match Arc::try_unwrap(catalog) {
        Ok(catalog) => crate::engine::recheck(
            catalog,
            reusable,
            &overlay,
            &overlay.changed(),
            LoadOptions::default(),
        ),
        // Still shared (cannot happen once the plan is made): load it whole.
        Err(_) => crate::engine::load(&overlay, LoadOptions::default()),
    }
    .map_err(|e| {
        let mut error = loader_error_message(e);
        error.message = format!("the change would break {}", error.message);
        error.hint =
            Some("nothing was written; the template writes an invalid portolan.yaml".into());
        error
    })?;
    // A run that changes something is recorded with the entities it ran on or made.
    if !prepared.is_empty() {
        let run = answers::Run {
            template: &template,
            run_key: &planned.run_key,
            now: &planned.now,
            inputs: planned.inputs.recordable(),
            entity: request
                .entity
                .as_ref()
                .filter(|_| !request.sweep)
                .map(|(b, id)| (b.as_str(), id.as_str())),
        };
        answers::record(
            &mut planned.changes,
            source.as_ref(),
            &entities_before,
            &answers::entities(&after.catalog),
            &run,
            &all_templates,
        )
        .map_err(change_error)?;
        prepared = planned
            .changes
            .prepare(source.as_ref(), dirty)
            .map_err(change_error)?;
    }
    let brought: Vec<Diagnostic> = after
        .diagnostics
        .into_iter()
        .filter(|d| !before.contains(&key(d)))
        .collect();
    let errors = brought
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    Ok(Checked {
        template,
        plan: planned,
        prepared,
        brought,
        errors,
        files: after.catalog.files,
        config,
    })
}

/// A run on an entity with errors of its own — findings located in its own document —
/// would build on what is wrong, and the change's validation counts only what it
/// brings: refused, showing those errors. Exit code 2, as for a failing precondition:
/// the run did not happen (`portolan validate` exits 1 for the same findings).
fn refuse_broken_entity(
    catalog: &catalog::Catalog,
    entity: &catalog::Entity,
    diagnostics: &[Diagnostic],
    reference: &str,
) -> Result<(), CommandError> {
    let file = &catalog.files[entity.file];
    let document = file.documents.get(entity.document);
    let own: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && d.place.file.as_deref() == Some(&file.path))
        .filter(|d| match &d.place.anchor {
            Some(Anchor::Pointer { document: doc, .. }) => *doc == entity.document,
            Some(Anchor::Offset(offset)) => document.is_some_and(|r| r.contains(offset)),
            None => true,
        })
        .cloned()
        .collect();
    if own.is_empty() {
        return Ok(());
    }
    Err(CommandError {
        diagnostics: own.clone(),
        files: vec![SourceFile {
            path: file.path.clone(),
            format: file.format,
            text: file.text.clone(),
            documents: file.documents.clone(),
        }],
        ..CommandError::new(format!(
            "`{reference}` has {} error{} of its own (above): a run on it is refused until {} fixed",
            own.len(),
            if own.len() == 1 { "" } else { "s" },
            if own.len() == 1 { "it is" } else { "they are" }
        ))
        .hint("fix the entity (`portolan validate` lists every finding), then run again; nothing was written")
    })
}

/// Plan, validate, then show or apply one template run (or deliver it with `--pr`).
pub fn execute(
    request: Request,
    extra: Option<Extra>,
    printer: &Printer,
) -> Result<Outcome, CommandError> {
    // One writing run at a time, from plan to apply; a dry run only reads.
    let state = State::of(&request.root)?;
    let _lock = if request.dry_run {
        super::warn_if_interrupted(&state, printer)?;
        None
    } else {
        Some(lock(&state, printer)?)
    };
    if request.pr.pr {
        return super::pull_request::deliver(&request, extra, printer);
    }
    let root = request.root.clone();
    let source: Arc<dyn Source + Send + Sync> = Arc::new(Worktree::new(&root));
    let repo = Repo::discover(&root).ok();
    let head = repo.as_ref().and_then(|r| r.resolve_commit("HEAD").ok());
    let history = repo
        .as_ref()
        .zip(head.as_deref())
        .map(|(repo, commit)| History { repo, commit });
    let checked = check(
        &request,
        source,
        repo.as_ref(),
        !request.dry_run,
        extra,
        history,
    )?;
    if checked.errors > 0 {
        return report_invalid(&request, &checked, printer);
    }
    if !request.dry_run {
        changeset::apply(&state, &checked.prepared).map_err(apply_error)?;
        let written = checked
            .prepared
            .iter()
            .map(|c| (c.path.as_str(), c.new.as_deref()));
        if let Err(e) = state.own_edits().remember(written) {
            printer.message(&format!(
                "note: portolan could not record the files it wrote ({e}); the next run treats them as your own edits\n"
            ))?;
        }
    }
    report(&request, &checked, printer, None)?;
    if request.format == ChangeFormat::Human && checked.plan.done.is_none() {
        let text = if request.sweep && checked.prepared.is_empty() {
            format!("`{}`: nothing to remove\n", checked.template.spec.name)
        } else {
            summary(&checked.template, &checked.prepared, request.dry_run, &root)
        };
        printer.message(&text)?;
    }
    Ok(Outcome::Success)
}

/// The change report: JSON, or the findings, the file tree and (dry run) the diff.
pub fn report(
    request: &Request,
    checked: &Checked,
    printer: &Printer,
    pull: Option<serde_json::Value>,
) -> Result<(), CommandError> {
    let recorded = checked.plan.inputs.recordable();
    let report = changes::Report {
        template: &checked.template.spec.name,
        dry_run: request.dry_run || checked.errors > 0,
        run_key: &checked.plan.run_key,
        now: &checked.plan.now,
        inputs: &recorded,
        changes: &checked.prepared,
        diagnostics: &checked.brought,
        pull,
        done: checked.plan.done.as_deref(),
    };
    match request.format {
        ChangeFormat::Json => printer.result(&changes::json(&report))?,
        // A `done` precondition: what the template would do is already so.
        ChangeFormat::Human if checked.plan.done.is_some() => {
            let done = checked.plan.done.as_deref().unwrap_or_default();
            printer.message(&format!(
                "`{}`: {done}\nnothing to do; nothing was written\n",
                checked.template.spec.name
            ))?;
        }
        ChangeFormat::Human => {
            let colored = printer.stdout_colored();
            let mut text = String::new();
            if !checked.brought.is_empty() {
                text.push_str(&human::render_findings(
                    &checked.brought,
                    &checked.files,
                    colored,
                ));
            }
            if checked.errors == 0 {
                text.push_str(&changes::tree(&checked.prepared, colored));
                if request.dry_run {
                    text.push_str(&changes::diff(&checked.prepared, colored));
                }
            }
            printer.result(&text)?;
        }
    }
    Ok(())
}

/// A change that would make the repository invalid: its findings, exit code 1.
pub fn report_invalid(
    request: &Request,
    checked: &Checked,
    printer: &Printer,
) -> Result<Outcome, CommandError> {
    report(request, checked, printer, None)?;
    let errors = checked.errors;
    printer.message(&format!(
        "error: `{}` would make the repository invalid ({errors} error{}); nothing was written\nhint: the findings above come from the files the template would write; fix the inputs or the template\n",
        checked.template.spec.name,
        if errors == 1 { "" } else { "s" }
    ))?;
    Ok(Outcome::Invalid)
}

fn summary(template: &Template, prepared: &[FileChange], dry_run: bool, root: &Path) -> String {
    let n = prepared.len();
    let files = format!("{n} file{}", if n == 1 { "" } else { "s" });
    if n == 0 {
        return format!(
            "`{}`: nothing to change; the repository already has it\n",
            template.spec.name
        );
    }
    if dry_run {
        format!(
            "`{}` would change {files}; nothing was written (--dry-run)\n",
            template.spec.name
        )
    } else {
        format!(
            "`{}` changed {files} in {}\nnext: review with `git status` and `git diff`, then commit\n",
            template.spec.name,
            root.display()
        )
    }
}

/// Take the lock of writing commands, then undo what an interrupted run left behind.
pub fn lock(state: &State, printer: &Printer) -> Result<Lock, CommandError> {
    let lock = state.lock().map_err(|e| match e {
        StateError::Busy(_) => CommandError::new(e.to_string())
            .hint("wait for the other run to finish, then run again; nothing was written"),
        StateError::Io { .. } => CommandError::new(e.to_string())
            .hint("check the permissions of the repository's .git folder; nothing was written"),
    })?;
    let recovered = changeset::recover(state).map_err(|e| {
        CommandError::new(format!("cannot undo an interrupted change: {e}"))
            .hint("nothing else was written")
    })?;
    if let Some(recovered) = recovered {
        printer.message(&recovered_message(&recovered))?;
    }
    Ok(lock)
}

/// What undoing an interrupted run did, in words.
fn recovered_message(recovered: &changeset::Recovered) -> String {
    let undone = &recovered.undone;
    let mut text = if recovered.was_renaming {
        format!(
            "note: an earlier portolan run was interrupted while writing its change; it was undone ({} file{} put back, {} temporary file{} removed)\n",
            undone.restored.len(),
            plural(undone.restored.len()),
            undone.temporaries,
            plural(undone.temporaries)
        )
    } else {
        format!(
            "note: an earlier portolan run was interrupted before it changed any file; its {} temporary file{} were removed\n",
            undone.temporaries,
            plural(undone.temporaries)
        )
    };
    if !undone.left.is_empty() {
        text.push_str(&format!(
            "note: left as they are, check them with `git status`: {}\n",
            undone.left.join(", ")
        ));
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn apply_error(e: changeset::ApplyError) -> CommandError {
    match e {
        changeset::ApplyError::RolledBack(error) => CommandError::new(format!(
            "cannot write the change: {error}"
        ))
        .hint("nothing was changed; check the folder's permissions and free space, then run again"),
        changeset::ApplyError::Changed(path) => CommandError::new(format!(
            "`{path}` changed while portolan was preparing to write it"
        ))
        .hint("nothing was changed; run again once nothing else edits the repository"),
        changeset::ApplyError::Incomplete { error, left } => {
            CommandError::new(format!("cannot write the change: {error}")).hint(format!(
                "the change was undone except for {}: check them with `git status` and `git diff`",
                left.join(", ")
            ))
        }
    }
}

pub fn change_error(e: ChangeError) -> CommandError {
    CommandError::new(e.message).hint(e.hint)
}

fn plan_error(template: &Template, e: PlanError) -> CommandError {
    match e {
        PlanError::Inputs(e) => {
            let message = if e.problems.len() == 1 {
                e.problems[0].clone()
            } else {
                format!(
                    "{} problems with the inputs of `{}`:\n  - {}",
                    e.problems.len(),
                    template.spec.name,
                    e.problems.join("\n  - ")
                )
            };
            CommandError::new(message).hint(e.hint)
        }
        PlanError::Precondition(message) => {
            CommandError::new(format!("`{}` cannot run: {message}", template.spec.name))
                .hint("nothing was written")
        }
        PlanError::Step {
            step,
            kind,
            message,
            hint,
        } => CommandError::new(format!(
            "step {step} (`{kind}`) of `{}` ({}) failed: {message}",
            template.spec.name, template.path
        ))
        .hint(format!("{hint}; nothing was written")),
        PlanError::Change(e) => change_error(e),
    }
}

/// `--values FILE`: a YAML or JSON mapping of inputs.
pub fn read_values(
    path: &Path,
) -> Result<serde_json::Map<String, serde_json::Value>, CommandError> {
    let bytes = std::fs::read(path).map_err(|e| {
        CommandError::new(format!("cannot read `{}`: {e}", path.display()))
            .hint("--values takes a YAML or JSON file of inputs")
    })?;
    let format = Format::of_path(&path.to_string_lossy()).unwrap_or(Format::Yaml);
    let parsed = parse_bytes(bytes, format);
    if let Some(error) = parsed.errors.first() {
        return Err(CommandError::new(format!(
            "`{}` is not valid: {}",
            path.display(),
            error.message
        ))
        .hint("--values takes a YAML or JSON mapping, like `name: checkout`"));
    }
    match parsed.documents.into_iter().next().map(|d| d.value) {
        Some(serde_json::Value::Object(map)) => Ok(map),
        None => Ok(serde_json::Map::new()),
        Some(_) => Err(CommandError::new(format!(
            "`{}` is not a mapping of inputs",
            path.display()
        ))
        .hint("write one `input: value` per line")),
    }
}

/// `owner/name` of the platform repository: `github.repo` in portolan.yaml, else the
/// origin remote of the Git repository.
pub fn platform_repo(config: &Config, repo: Option<&Repo>) -> Option<String> {
    config
        .github
        .repo
        .clone()
        .or_else(|| repo.and_then(Repo::origin_repo))
}
