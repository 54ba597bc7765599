//! `portolan pr [BRANCH]`: push a branch the user committed by hand and open or
//! update its pull request, exactly as `--pr` does for a template's change.

use super::pull_request::{
    prepare, publish, push_error, valid_branch, Publication, MARKER, REMOTE,
};
use super::{platform_root, CommandError, Outcome};
use crate::cli::PrArgs;
use crate::output::Printer;

pub fn run(args: PrArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    let root = platform_root(args.root.as_deref())?;
    if let Some(branch) = &args.branch {
        valid_branch(
            branch,
            "the branch",
            "name a local branch, as `git branch` lists it",
        )?;
    }
    let delivery = prepare(&root, false, None)?;
    let repo = &delivery.repo;
    let branch = match args.branch.or_else(|| repo.current_branch()) {
        Some(branch) => branch,
        None => {
            return Err(CommandError::new("HEAD is not on a branch")
                .hint("name the branch: `portolan pr BRANCH`"))
        }
    };
    valid_branch(
        &branch,
        "the current branch",
        "switch to a branch with a valid name",
    )?;
    if branch == delivery.base_branch {
        return Err(CommandError::new(format!(
            "`{branch}` is the base branch; a pull request needs a branch of its own"
        ))
        .hint("commit on a new branch (`git switch -c my-change`), then run `portolan pr`"));
    }
    let tip = repo.branch_commit(&branch).ok_or_else(|| {
        CommandError::new(format!("there is no local branch `{branch}`"))
            .hint("check the name with `git branch`")
    })?;
    let base = repo
        .fetch_branch(REMOTE, &delivery.base_branch, delivery.git_auth())
        .map_err(push_error)?;
    let commits = repo
        .commits_between(&base, &tip, MARKER)
        .map_err(super::validate::git_error)?;
    if commits.is_empty() {
        printer.message(&format!(
            "`{branch}` has no commits beyond `{}`: no pull request\n",
            delivery.base_branch
        ))?;
        return Ok(Outcome::Success);
    }
    let title = args.title.unwrap_or_else(|| commits[0].0.clone());
    let mut body = String::from("Commits:\n\n");
    for (subject, _) in &commits {
        body.push_str(&format!("- {subject}\n"));
    }
    body.push_str("\n<!-- portolan pr -->\n");

    // The branch is the user's: push it as it is, never forced.
    let mut pushed_here = false;
    let remote_tip = repo
        .remote_branch(REMOTE, &branch, delivery.git_auth())
        .map_err(push_error)?;
    if remote_tip.as_deref() != Some(tip.as_str()) {
        repo.push_branch(REMOTE, &branch, delivery.git_auth())
            .map_err(push_error)?;
        pushed_here = true;
    }
    let published = publish(
        &delivery,
        printer,
        &Publication {
            branch: &branch,
            base: &base,
            title: &title,
            body: &body,
            labels: &args.labels,
            reviewers: &args.reviewers,
            draft: args.draft,
            build: &|| Ok(tip.clone()),
            same_run: "",
            owned: false,
        },
    )?;
    let verb = if published.created {
        "opened"
    } else if published.updated {
        "updated"
    } else {
        "unchanged:"
    };
    let pushed = if pushed_here {
        format!("pushed `{branch}`; ")
    } else {
        String::new()
    };
    printer.result(&format!(
        "{pushed}{verb} pull request #{}: {}\n",
        published.pull.number, published.pull.url
    ))?;
    Ok(Outcome::Success)
}
