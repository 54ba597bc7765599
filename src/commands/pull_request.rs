//! `--pr`: deliver a change as a pull request (DESIGN.md §7). The plan, its
//! preconditions and its validation read the base commit; the change is committed on
//! it from Git objects alone — the working tree, the index and the current branch are
//! never touched — pushed with the `git` binary, and the branch's one open pull request
//! is created or updated. Running again with the same inputs pushes and creates
//! nothing; a branch holding commits portolan did not make is never overwritten.

use super::change::{self, Extra, Request};
use super::validate::git_error;
use super::{CommandError, Outcome};
use crate::cli::ChangeFormat;
use crate::config::{self, Config};
use crate::forge::askpass::Credentials;
use crate::forge::github::{Github, NewPull, Pull};
use crate::forge::{self, Target};
use crate::git::{branch_name_problem, GitError, Repo};
use crate::output::progress::Spinner;
use crate::output::{Printer, Summary};
use crate::source::{Source, Worktree};
use crate::template::escape;
use crate::template::plan::hash8;
use serde_json::{json, Value};
use std::sync::Arc;

/// The remote portolan pushes to.
pub const REMOTE: &str = "origin";
/// The trailer that marks commits portolan made.
pub const MARKER: &str = "Portolan-Key: ";

/// The Git and GitHub side of a delivery: where, and with which credentials.
pub struct Delivery {
    pub repo: Repo,
    pub remote_url: String,
    pub target: Target,
    /// `None` with `--dry-run`: no network at all.
    pub token: Option<String>,
    pub base_branch: String,
    pub config: Config,
}

impl Delivery {
    /// The token for git, and the forge's Git host: git is given it only for a URL
    /// there (HTTPS; see [`forge::GitHost`]); other remotes use the user's own
    /// credentials. `None` with `--dry-run`.
    pub fn git_auth(&self) -> Option<Credentials<'_>> {
        Some(Credentials {
            token: self.token.as_deref()?,
            host: self.target.git.as_ref()?,
        })
    }

    /// The forge's API for the platform repository.
    pub fn github(&self) -> Github {
        let token = self.token.clone().unwrap_or_default();
        Github::new(&self.target.api_url, &self.target.repo, token)
    }
}

/// Find the repository, its remote, the forge and the token; `offline` (dry run)
/// resolves the base from what the last fetch recorded. An invalid `portolan.yaml`
/// gets the report `validate` gives (as JSON on stdout with `json`).
pub fn prepare(
    root: &std::path::Path,
    offline: bool,
    json: Option<&Printer>,
) -> Result<Delivery, CommandError> {
    let repo = Repo::discover(root).map_err(|e| {
        git_error(e).hint("--pr needs a Git repository with an `origin` remote on GitHub")
    })?;
    let remote_url = repo.remote_url(REMOTE).ok_or_else(|| {
        CommandError::new("the repository has no `origin` remote to push to")
            .hint("add it: `git remote add origin https://github.com/OWNER/NAME.git`")
    })?;
    let config = load_config(root, json)?;
    let target = forge::target(&config, Some(&remote_url)).ok_or_else(|| {
        CommandError::new("cannot tell which GitHub repository this is")
            .hint("set `github: { repo: OWNER/NAME }` in portolan.yaml")
    })?;
    if target.git.is_none() && !offline {
        return Err(CommandError::new(format!(
            "the GitHub API `{}` is not an https:// address",
            target.api_url
        ))
        .hint("portolan sends the token only over HTTPS (plain HTTP only to this machine): set `github.api_url` to the https:// address of the API; nothing was pushed"));
    }
    let token = if offline {
        None
    } else {
        Some(forge::token(&target.host).ok_or_else(|| {
            CommandError::new(format!("no GitHub token for {}", target.host)).hint(
                "set GH_TOKEN (or GITHUB_TOKEN), or log in with `gh auth login`; nothing was pushed",
            )
        })?)
    };
    let mut delivery = Delivery {
        repo,
        remote_url,
        target,
        token,
        base_branch: String::new(),
        config,
    };
    delivery.base_branch = match &delivery.config.git.base {
        Some(base) => {
            valid_branch(
                base,
                "`git.base` in portolan.yaml",
                "name the base branch, like `base: main`",
            )?;
            base.clone()
        }
        None if offline => {
            let head = delivery
                .repo
                .local_remote_head(REMOTE)
                .unwrap_or_else(|| "main".into());
            valid_branch(
                &head,
                "the default branch recorded for `origin`",
                "run `git remote set-head origin --auto`, or set `git.base` in portolan.yaml",
            )?;
            head
        }
        None => delivery
            .repo
            .remote_default_branch(REMOTE, delivery.git_auth())
            .map_err(push_error)?,
    };
    Ok(delivery)
}

/// `portolan.yaml`, or the located report `validate` gives for it.
fn load_config(root: &std::path::Path, json: Option<&Printer>) -> Result<Config, CommandError> {
    use crate::engine::{LoadError, LoadOptions};
    let source = Worktree::new(root);
    let unlocated = match config::load(&source) {
        Ok(config) => return Ok(config),
        Err(diagnostics) => diagnostics,
    };
    // Loading the catalog stops at the same findings, located in the file.
    let (diagnostics, files) = match crate::engine::load(&source, LoadOptions::default()) {
        Err(LoadError::Config(diagnostics, files)) => (diagnostics, files),
        _ => (unlocated, Vec::new()),
    };
    if let Some(printer) = json {
        let summary = Summary {
            errors: crate::diagnostic::count(&diagnostics, crate::diagnostic::Severity::Error),
            ..Summary::default()
        };
        printer.result(&crate::output::json::render(&diagnostics, summary))?;
        return Err(crate::commands::load_error(LoadError::Config(
            Vec::new(),
            Vec::new(),
        )));
    }
    Err(crate::commands::load_error(LoadError::Config(
        diagnostics,
        files,
    )))
}

/// `Ok` when `name` may be a branch: git's rules, and no leading `-` (it would reach
/// git in a refspec, and the forge as a base or head).
pub fn valid_branch(name: &str, what: &str, hint: &str) -> Result<(), CommandError> {
    match branch_name_problem(name) {
        None => Ok(()),
        Some(problem) => Err(CommandError::new(format!(
            "{what} is `{}`, which is not a valid branch name: {problem}",
            name.escape_debug()
        ))
        .hint(format!("{hint}; nothing was pushed"))),
    }
}

/// Plan against the base, commit, push, and open or update the pull request.
pub fn deliver(
    request: &Request,
    extra: Option<Extra>,
    printer: &Printer,
) -> Result<Outcome, CommandError> {
    let json = (request.format == ChangeFormat::Json).then_some(printer);
    let delivery = prepare(&request.root, request.dry_run, json)?;
    let mut request = request.clone();
    request.pr.host = Some(delivery.target.host.clone());
    let request = &request;
    let base = if request.dry_run {
        delivery
            .repo
            .local_remote_branch(REMOTE, &delivery.base_branch)
            .or_else(|| delivery.repo.branch_commit(&delivery.base_branch))
            .ok_or_else(|| {
                CommandError::new(format!(
                    "the base branch `{}` is not known locally",
                    delivery.base_branch
                ))
                .hint("run `git fetch` once; --dry-run makes no network call")
            })?
    } else {
        let spinner = Spinner::start(printer, &format!("fetching {}", delivery.base_branch));
        let base = delivery
            .repo
            .fetch_branch(REMOTE, &delivery.base_branch, delivery.git_auth())
            .map_err(push_error)?;
        spinner.finish();
        base
    };
    let snapshot: Arc<dyn Source + Send + Sync> =
        Arc::new(delivery.repo.commit_snapshot(&base).map_err(git_error)?);
    let history = crate::template::plan::History {
        repo: &delivery.repo,
        commit: &base,
    };
    let checked = change::check(request, snapshot, None, false, extra, Some(history))?;
    if checked.errors > 0 {
        return change::report_invalid(request, &checked, printer);
    }
    if checked.prepared.is_empty() {
        change::report(request, &checked, printer, None)?;
        printer.message(&format!(
            "no difference from `{}`: the base already has this change; no pull request\n",
            delivery.base_branch
        ))?;
        return Ok(Outcome::Success);
    }

    let spec = &checked.template.spec;
    let entity = request.entity.as_ref();
    let key = checked.plan.pr.key.clone().unwrap_or_else(|| {
        format!(
            "{}/{}/{}/{}",
            spec.name,
            spec.blueprint.as_deref().unwrap_or(""),
            entity.map(|(_, id)| id.as_str()).unwrap_or(""),
            checked.plan.run_key
        )
    });
    let key_hash = hash8(&Value::String(key.clone()));
    let slug_source = checked
        .plan
        .pr
        .key
        .clone()
        .or_else(|| entity.map(|(_, id)| id.clone()))
        .or_else(|| {
            checked
                .plan
                .inputs
                .values
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "change".into());
    let blueprint = entity
        .map(|(b, _)| b.clone())
        .or_else(|| spec.blueprint.clone())
        .unwrap_or_else(|| "new".into());
    let branch = format!(
        "{}/{}/{}/{}-{key_hash}",
        delivery.config.git.branch_prefix.trim_end_matches('/'),
        spec.name,
        slug(&blueprint),
        slug(&slug_source)
    );
    valid_branch(
        &branch,
        "the pull request's branch",
        "check `git.branch_prefix` in portolan.yaml and the template's name",
    )?;
    let title = request
        .pr
        .title
        .clone()
        .or_else(|| checked.plan.pr.title.clone())
        .unwrap_or_else(|| format!("{}: {}", spec.name, slug_source));
    let body = body(&checked, &delivery.base_branch, &key_hash);
    let mut labels = checked.plan.pr.labels.clone();
    labels.extend(request.pr.labels.iter().cloned());
    labels.dedup();
    let mut reviewers = checked.plan.pr.reviewers.clone();
    reviewers.extend(request.pr.reviewers.iter().cloned());
    let draft = request.pr.draft || checked.plan.pr.draft;

    // `--repo`: the application goes to its own repository, the rest to the platform.
    let (service, platform_changes) = split_service(request, &checked)?;

    if request.dry_run {
        let pull = json!({"branch": branch, "base": delivery.base_branch, "title": title, "repository": request.pr.repo});
        change::report(request, &checked, printer, Some(pull))?;
        if request.format == ChangeFormat::Human {
            if let (Some(full_name), Some(files)) = (&request.pr.repo, &service) {
                printer.message(&format!(
                    "would create the repository {full_name} with {} file(s) at its root\n",
                    files.len()
                ))?;
            }
            printer.message(&format!(
                "would push `{branch}` (on `{}`) and open or update its pull request \"{title}\"; nothing was pushed (--dry-run)\n",
                delivery.base_branch
            ))?;
        }
        return Ok(Outcome::Success);
    }
    let mut service_repo = Value::Null;
    if let (Some(full_name), Some(files)) = (&request.pr.repo, &service) {
        service_repo = publish_service(&delivery, printer, full_name, files, &checked)?;
    }

    // One subject line, then values that cannot start a line: the trailers below are
    // the only `Portolan-*:` lines.
    let message = format!(
        "{}\n\n{}\n\n{MARKER}{key_hash}\nPortolan-Run: {}\nPortolan-Base: {base}\n",
        title.replace(['\n', '\r'], " "),
        commit_summary(&checked),
        checked.plan.run_key
    );
    let outcome = publish(
        &delivery,
        printer,
        &Publication {
            branch: &branch,
            base: &base,
            title: &title,
            body: &body,
            labels: &labels,
            reviewers: &reviewers,
            draft,
            build: &|| {
                delivery
                    .repo
                    .commit_changes(&base, &platform_changes, &message)
                    .map_err(git_error)
            },
            same_run: &format!(
                "Portolan-Run: {}\nPortolan-Base: {base}",
                checked.plan.run_key
            ),
            owned: true,
        },
    )?;
    let mut pull = outcome.json(&branch, &delivery.base_branch);
    if let Some(map) = pull.as_object_mut() {
        map.insert("repository".into(), service_repo);
    }
    change::report(request, &checked, printer, Some(pull))?;
    if request.format == ChangeFormat::Human {
        printer.message(&outcome.sentence(&branch))?;
    }
    Ok(Outcome::Success)
}

/// With `--repo`: the files of the application (under `services/<name>/`, moved to
/// the root) and the changes that stay in the platform repository.
type Split = (
    Option<Vec<(String, Vec<u8>)>>,
    Vec<crate::changeset::FileChange>,
);

fn split_service(request: &Request, checked: &change::Checked) -> Result<Split, CommandError> {
    let Some(full_name) = &request.pr.repo else {
        return Ok((None, checked.prepared.clone()));
    };
    let shaped = crate::forge::owner_and_name(&format!("https://host/{full_name}"));
    if shaped.as_deref() != Some(full_name.as_str()) {
        return Err(
            CommandError::new(format!("`{full_name}` is not OWNER/NAME"))
                .hint("write it like `--repo acme/checkout`"),
        );
    }
    let name = checked
        .plan
        .inputs
        .values
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            CommandError::new(format!(
                "--repo needs a template with a `name` input; `{}` has none",
                checked.template.spec.name
            ))
            .hint("use --repo with `portolan new service`")
        })?;
    let prefix = format!("services/{name}/");
    let mut app = Vec::new();
    let mut rest = Vec::new();
    for change in &checked.prepared {
        match (change.path.strip_prefix(&prefix), &change.new) {
            (Some(relative), Some(content)) => app.push((relative.to_owned(), content.clone())),
            _ => rest.push(change.clone()),
        }
    }
    if app.is_empty() {
        return Err(CommandError::new(format!(
            "the template wrote nothing under `{prefix}` to move into {full_name}"
        ))
        .hint(
            "--repo moves the application folder of `portolan new service` into its own repository",
        ));
    }
    Ok((Some(app), rest))
}

/// Create the service's repository (or reuse the one an earlier run created) and push
/// the application as its first commit on `main`; a `main` holding other commits is
/// never overwritten.
fn publish_service(
    delivery: &Delivery,
    printer: &Printer,
    full_name: &str,
    files: &[(String, Vec<u8>)],
    checked: &change::Checked,
) -> Result<Value, CommandError> {
    let github = delivery.github();
    let spinner = Spinner::start(printer, &format!("creating {full_name}"));
    let description = format!("Created by portolan for {}", delivery.target.repo);
    let (clone_url, html_url) = github
        .create_repository(full_name, true, &description)
        .map_err(|e| CommandError::new(e.message).hint(e.hint))?;
    spinner.finish();
    if !delivery.target.git_allows(&clone_url) {
        let host = delivery.target.git.as_ref().map_or_else(
            || "no host (`github.api_url` is not HTTPS)".to_owned(),
            |g| g.describe(),
        );
        return Err(CommandError::new(format!(
            "GitHub answered the clone URL `{}` for {full_name}; portolan pushes only over HTTPS to the forge's Git host, {host}",
            clone_url.escape_debug()
        ))
        .hint("check `github.api_url` in portolan.yaml; nothing was pushed to the new repository"));
    }
    let git_token = delivery.git_auth();
    let message = format!(
        "Create {full_name} with portolan\n\nThe `{}` template (v{}) of {}.\n\n{MARKER}{full_name}\nPortolan-Run: {}\n",
        checked.template.spec.name,
        checked.template.spec.version,
        delivery.target.repo,
        checked.plan.run_key
    );
    let repo = &delivery.repo;
    let remote_main = repo
        .remote_branch(&clone_url, "main", git_token)
        .map_err(push_error)?;
    let pushed = match remote_main {
        None => {
            let paths: Vec<(String, Option<&[u8]>)> = files
                .iter()
                .map(|(p, c)| (p.clone(), Some(c.as_slice())))
                .collect();
            let commit = repo
                .commit_files(None, &paths, &message)
                .map_err(git_error)?;
            let spinner = Spinner::start(printer, &format!("pushing {full_name}"));
            repo.push(&clone_url, &commit, "main", None, git_token)
                .map_err(push_error)?;
            spinner.finish();
            true
        }
        Some(_) => {
            let local = format!("refs/portolan/service/{}", slug(full_name));
            let tip = repo
                .fetch_into(&clone_url, "main", &local, git_token)
                .map_err(push_error)?;
            let ours = repo
                .commit_message(&tip)
                .is_some_and(|m| m.contains(&format!("{MARKER}{full_name}")));
            if !ours {
                return Err(CommandError::new(format!(
                    "{full_name} already has a `main` branch that portolan did not make; it is never overwritten"
                ))
                .hint("choose another --repo, or push the application there yourself and register it with `portolan new register`"));
            }
            false
        }
    };
    Ok(json!({"full_name": full_name, "url": html_url, "pushed": pushed}))
}

/// What to publish: a branch built by `build` (unless the remote already holds the
/// same run), and its pull request.
pub struct Publication<'a> {
    pub branch: &'a str,
    pub base: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub labels: &'a [String],
    pub reviewers: &'a [String],
    pub draft: bool,
    pub build: &'a dyn Fn() -> Result<String, CommandError>,
    /// Text in the remote tip's message that means "this very run is already there".
    pub same_run: &'a str,
    /// The branch is portolan's: refuse it if someone else committed on it. (`false`
    /// for `portolan pr`, whose branch is the user's and already pushed.)
    pub owned: bool,
}

/// What publishing did.
pub struct Published {
    pub commit: String,
    pub pushed: bool,
    pub pull: Pull,
    pub created: bool,
    pub updated: bool,
}

impl Published {
    fn json(&self, branch: &str, base: &str) -> Value {
        json!({
            "branch": branch, "base": base, "commit": self.commit, "pushed": self.pushed,
            "number": self.pull.number, "url": self.pull.url,
            "created": self.created, "updated": self.updated,
        })
    }

    fn sentence(&self, branch: &str) -> String {
        let what = match (self.created, self.updated || self.pushed) {
            (true, _) => "opened",
            (false, true) => "updated",
            (false, false) => "unchanged:",
        };
        let push = if self.pushed {
            format!("pushed `{branch}`; ")
        } else {
            format!("`{branch}` already up to date; ")
        };
        format!(
            "{push}{what} pull request #{}: {}\n",
            self.pull.number, self.pull.url
        )
    }
}

/// Push the branch (unless it already holds this run) and create or update its pull
/// request. Shared by `--pr` and `portolan pr`.
pub fn publish(
    delivery: &Delivery,
    printer: &Printer,
    p: &Publication<'_>,
) -> Result<Published, CommandError> {
    let token = delivery.git_auth();
    let repo = &delivery.repo;
    let remote_tip = repo
        .remote_branch(REMOTE, p.branch, token)
        .map_err(push_error)?;
    let (commit, pushed) = match remote_tip {
        None => {
            let commit = (p.build)()?;
            let spinner = Spinner::start(printer, &format!("pushing {}", p.branch));
            repo.push(REMOTE, &commit, p.branch, None, token)
                .map_err(push_error)?;
            spinner.finish();
            (commit, true)
        }
        Some(tip) if !p.owned => (tip, false),
        Some(tip) => {
            repo.fetch_branch(REMOTE, p.branch, token)
                .map_err(push_error)?;
            let foreign: Vec<String> = repo
                .commits_between(p.base, &tip, MARKER)
                .map_err(git_error)?
                .into_iter()
                .filter(|(_, ours)| !ours)
                .map(|(subject, _)| subject)
                .collect();
            if !foreign.is_empty() {
                return Err(CommandError::new(format!(
                    "the branch `{}` has {} commit{} portolan did not make ({}); it is never overwritten",
                    p.branch,
                    foreign.len(),
                    if foreign.len() == 1 { "" } else { "s" },
                    foreign.join("; ")
                ))
                .hint("merge or close its pull request first, or delete the branch; nothing was pushed"));
            }
            if repo
                .commit_message(&tip)
                .is_some_and(|m| m.contains(p.same_run))
            {
                (tip, false)
            } else {
                let commit = (p.build)()?;
                let spinner = Spinner::start(printer, &format!("pushing {}", p.branch));
                repo.push(REMOTE, &commit, p.branch, Some(&tip), token)
                    .map_err(push_error)?;
                spinner.finish();
                (commit, true)
            }
        }
    };

    let github = delivery.github();
    let spinner = Spinner::start(printer, "opening the pull request");
    let forge = |e: crate::forge::github::ForgeError| {
        CommandError::new(e.message).hint(format!(
            "{}; the branch `{}` is pushed, so running the command again completes the job",
            e.hint, p.branch
        ))
    };
    let (pull, created, updated) = match github.find_open_pull(p.branch).map_err(forge)? {
        Some(existing) if existing.title == p.title && existing.body == p.body => {
            (existing, false, false)
        }
        Some(existing) => {
            let pull = github
                .update_pull(existing.number, p.title, p.body)
                .map_err(forge)?;
            (pull, false, true)
        }
        None => {
            let pull = github
                .create_pull(&NewPull {
                    title: p.title,
                    body: p.body,
                    head: p.branch,
                    base: &delivery.base_branch,
                    draft: p.draft,
                })
                .map_err(forge)?;
            (pull, true, false)
        }
    };
    let missing: Vec<String> = p
        .labels
        .iter()
        .filter(|l| !pull.labels.contains(l))
        .cloned()
        .collect();
    github.add_labels(pull.number, &missing).map_err(forge)?;
    if created {
        github
            .request_reviewers(pull.number, p.reviewers)
            .map_err(forge)?;
    }
    spinner.finish();
    Ok(Published {
        commit,
        pushed,
        pull,
        created,
        updated,
    })
}

/// A push or fetch failure, with what to do about it.
pub fn push_error(e: GitError) -> CommandError {
    let text = e.to_string();
    let hint = if text.contains("workflow") && text.contains("scope") {
        "the token may not change files under .github/workflows/: give it the `workflow` scope (`gh auth refresh -s workflow`) or use a token with workflow permission; nothing else was changed"
    } else if text.contains("not a valid branch name") {
        "portolan gives git only names that follow git's branch rules: set `git.base` in portolan.yaml, or rename the branch on the remote; nothing was pushed"
    } else if text.contains("stale info") || text.contains("rejected") {
        "the branch moved on the remote since portolan looked; run the command again"
    } else if text.contains("Authentication")
        || text.contains("could not read Username")
        || text.contains("403")
    {
        "git could not authenticate: set GH_TOKEN (or GITHUB_TOKEN), or configure a credential helper or SSH key for the remote"
    } else {
        "check the remote with `git remote -v` and `git fetch`; run the command again, what exists is reused"
    };
    CommandError::new(text).hint(hint)
}

/// The commit message's summary: the template and one line per input, each value
/// kept to its line ([`escape::line`]) so that none can forge a trailer.
fn commit_summary(checked: &change::Checked) -> String {
    let mut out = format!(
        "Made by `portolan` with the template `{}` (v{}).",
        checked.template.spec.name, checked.template.spec.version
    );
    for (name, value) in checked.plan.inputs.recordable() {
        out.push_str(&format!(
            "\n{}: {}",
            escape::line(&name),
            escape::line(&crate::template::plain_text(&value))
        ));
    }
    out
}

/// The pull request's body: the template's, or what changed, the inputs (never
/// `writeOnly` ones), the validation result, and a hidden run key on the last line.
/// Every value and path is inert Markdown ([`escape::markdown`]) in `<code>`, which
/// GitHub never scans for mentions: none can end a table cell, open an HTML comment
/// (so the key comment is portolan's alone), link or mention.
fn body(checked: &change::Checked, base: &str, key_hash: &str) -> String {
    let spec = &checked.template.spec;
    let mut out = String::new();
    if let Some(text) = &checked.plan.pr.body {
        out.push_str(text);
        out.push_str("\n\n");
    } else if let Some(description) = &spec.description {
        out.push_str(description.trim());
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "Made with `portolan new {}` (template v{}) on <code>{}</code>.\n\n",
        spec.name,
        spec.version,
        escape::markdown(base)
    ));
    out.push_str("| input | value |\n|---|---|\n");
    for (name, value) in checked.plan.inputs.recordable() {
        out.push_str(&format!(
            "| <code>{}</code> | <code>{}</code> |\n",
            escape::markdown(&name),
            escape::markdown(&crate::template::plain_text(&value))
        ));
    }
    out.push_str(&format!("\n{} file(s):\n\n", checked.prepared.len()));
    for change in &checked.prepared {
        out.push_str(&format!(
            "- {} <code>{}</code>\n",
            change.kind.as_str(),
            escape::markdown(&change.path)
        ));
    }
    let warnings = checked.brought.len();
    out.push_str(&format!(
        "\nValidation: `portolan validate` passes with this change ({warnings} new warning{}).\n",
        if warnings == 1 { "" } else { "s" }
    ));
    out.push_str(&format!(
        "\n<!-- portolan-key: {key_hash} run: {} -->\n",
        checked.plan.run_key
    ));
    out
}

/// A branch-name segment: lowercase letters, digits and dashes, at most 40.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(40).collect();
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "change".into()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("CartService"), "cartservice");
        assert_eq!(slug("add FOO to cart/dev"), "add-foo-to-cart-dev");
        assert_eq!(slug("///"), "change");
    }
}
