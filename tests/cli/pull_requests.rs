//! `--pr` and `portolan pr` against real Git remotes (bare repositories by path, and
//! over HTTP through `git http-backend`) and a stateful fake of GitHub's REST API with
//! injectable faults. Nothing here touches the internet.

use crate::fakes::git_http::{bare_repo, GitHttp};
use crate::fakes::github::{FakeGithub, Fault};
use crate::util::{copy_dir, git, portolan, repo_dir, text};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const TOKEN: &str = "ghp_test_token_4e8f1a";

/// A platform repository (examples/orders, on `main`) whose `origin` is a bare
/// repository, and whose portolan.yaml points at the fake GitHub.
struct Platform {
    work: tempfile::TempDir,
    remotes: tempfile::TempDir,
    bare: PathBuf,
    github: FakeGithub,
}

impl Platform {
    fn new(refuse_workflows: bool) -> Platform {
        let github = FakeGithub::start(TOKEN);
        let remotes = tempfile::tempdir().unwrap();
        let bare = bare_repo(remotes.path(), "acme", "orders", refuse_workflows);
        let work = tempfile::tempdir().unwrap();
        copy_dir(&repo_dir().join("examples/orders"), work.path());
        let config = std::fs::read_to_string(work.path().join("portolan.yaml")).unwrap();
        let config = config.replace(
            "github: { repo: acme/orders }",
            &format!(
                "github: {{ repo: acme/orders, api_url: \"{}\" }}",
                github.url()
            ),
        );
        std::fs::write(work.path().join("portolan.yaml"), config).unwrap();
        let dir = work.path();
        git(dir, &["init", "-q", "-b", "main"]);
        git(dir, &["config", "user.name", "Dev"]);
        git(dir, &["config", "user.email", "dev@example.com"]);
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "orders"]);
        git(dir, &["remote", "add", "origin", bare.to_str().unwrap()]);
        git(dir, &["push", "-q", "origin", "main"]);
        Platform {
            work,
            remotes,
            bare,
            github,
        }
    }

    fn dir(&self) -> &Path {
        self.work.path()
    }

    fn portolan(&self, args: &[&str]) -> std::process::Output {
        portolan()
            .args(args)
            .current_dir(self.dir())
            .env("GH_TOKEN", TOKEN)
            .env_remove("GITHUB_TOKEN")
            .env("PORTOLAN_RETRY_DELAY_MS", "10")
            .env("HOME", self.dir())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap()
    }

    /// The branches of the remote, with their commits.
    fn remote_branches(&self) -> BTreeMap<String, String> {
        git(
            self.dir(),
            &["ls-remote", "--heads", self.bare.to_str().unwrap()],
        )
        .lines()
        .filter_map(|l| {
            let (oid, name) = l.split_once('\t')?;
            Some((
                name.trim_start_matches("refs/heads/").to_owned(),
                oid.to_owned(),
            ))
        })
        .collect()
    }

    fn posts_to_pulls(&self) -> usize {
        self.github
            .requests()
            .iter()
            .filter(|(m, p)| m == "POST" && p.ends_with("/pulls"))
            .count()
    }
}

fn new_service(p: &Platform, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "new",
        "service",
        "--no-input",
        "--pr",
        "--set",
        "name=checkout",
        "--set",
        "system=Cart",
        "--now",
        "2026-11-29T12:00:00Z",
    ];
    args.extend_from_slice(extra);
    p.portolan(&args)
}

/// Every byte of the working tree, the index and HEAD.
fn user_state(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel == ".git" {
                for file in ["index", "HEAD"] {
                    out.insert(
                        format!(".git/{file}"),
                        std::fs::read(path.join(file)).unwrap(),
                    );
                }
                out.insert(
                    ".git/refs/heads/main".into(),
                    std::fs::read(path.join("refs/heads/main")).unwrap_or_default(),
                );
                continue;
            }
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn new_service_pr_pushes_a_branch_and_opens_one_pull_request_leaving_the_user_alone() {
    let p = Platform::new(false);
    // Uncommitted work in progress, staged and not: --pr must not touch any of it.
    std::fs::write(
        p.dir().join("catalog/Domain/Orders.yaml"),
        "identifier: Orders\ntitle: WIP\n",
    )
    .unwrap();
    std::fs::write(p.dir().join("notes.txt"), "draft\n").unwrap();
    git(p.dir(), &["add", "notes.txt"]);
    let before = user_state(p.dir());

    let output = new_service(&p, &["--label", "team-cart", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        user_state(p.dir()),
        before,
        "working tree, index and HEAD are unchanged"
    );
    assert!(!text(&output).contains(TOKEN));

    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let pull = &report["pull_request"];
    assert_eq!(pull["created"], true, "{report:#}");
    assert_eq!(pull["pushed"], true);
    let branch = pull["branch"].as_str().unwrap().to_owned();
    assert!(
        branch.starts_with("portolan/service/component/checkout-"),
        "{branch}"
    );
    assert!(p.remote_branches().contains_key(&branch));

    let pulls = p.github.pulls();
    assert_eq!(pulls.len(), 1);
    assert_eq!(pulls[0]["head"]["ref"], branch.as_str());
    assert_eq!(pulls[0]["base"]["ref"], "main");
    assert_eq!(pulls[0]["title"], "Create the service checkout");
    let body = pulls[0]["body"].as_str().unwrap();
    assert!(
        body.contains("catalog/Component/checkout.yaml") && body.contains("portolan-key"),
        "{body}"
    );
    let labels: Vec<&str> = pulls[0]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"team-cart") && labels.contains(&"new-service"),
        "{labels:?}"
    );

    // The pushed commit holds the service on top of main.
    let files = git(
        p.dir(),
        &["ls-tree", "-r", "--name-only", &format!("origin/{branch}")],
    );
    assert!(
        files.contains("services/checkout/Dockerfile")
            && files.contains("argocd/apps/checkout-dev.yaml"),
        "{files}"
    );

    // Again with the same inputs: nothing pushed, nothing created.
    let tip = p.remote_branches()[&branch].clone();
    let posts = p.posts_to_pulls();
    let again = new_service(&p, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(p.remote_branches()[&branch], tip, "nothing pushed");
    assert_eq!(p.posts_to_pulls(), posts, "nothing created");
    assert_eq!(p.github.pulls().len(), 1);

    // New inputs: the same branch is updated, and the same pull request.
    let rust = new_service(&p, &["--set", "language=rust"]);
    assert_eq!(rust.status.code(), Some(0), "{}", text(&rust));
    assert_ne!(p.remote_branches()[&branch], tip, "pushed again");
    assert_eq!(p.github.pulls().len(), 1);
    let files = git(
        p.dir(),
        &["ls-tree", "-r", "--name-only", &format!("origin/{branch}")],
    );
    assert!(
        files.contains("services/checkout/Cargo.toml") && !files.contains("service.py"),
        "{files}"
    );
    assert_eq!(user_state(p.dir()), before);
}

#[test]
fn dry_run_makes_no_network_call() {
    let p = Platform::new(false);
    git(p.dir(), &["fetch", "-q", "origin"]);
    let output = new_service(&p, &["--dry-run"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(p.github.requests().is_empty(), "{:?}", p.github.requests());
    assert_eq!(p.remote_branches().len(), 1, "only main");
    assert!(text(&output).contains("would push"), "{}", text(&output));
}

#[test]
fn a_lost_response_a_server_error_and_a_duplicate_are_survived_without_duplicates() {
    let p = Platform::new(false);
    p.github.inject(Fault::ServerError(502));
    p.github.inject(Fault::LostResponse);
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(p.github.pulls().len(), 1);

    // A create refused as a duplicate: the run fails or finds it; a re-run completes.
    let p = Platform::new(false);
    p.github.inject(Fault::Duplicate422);
    let first = new_service(&p, &[]);
    assert!(
        matches!(first.status.code(), Some(0 | 2)),
        "{}",
        text(&first)
    );
    let again = new_service(&p, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(p.github.pulls().len(), 1);
}

#[test]
fn rate_limits_are_waited_out_or_reported_with_their_reset_time() {
    let p = Platform::new(false);
    p.github.inject(Fault::RateLimited { reset_in_secs: 1 });
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(p.github.pulls().len(), 1);

    let p = Platform::new(false);
    p.github.inject(Fault::RateLimited {
        reset_in_secs: 3600,
    });
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("rate limit") && text(&output).contains("until 20"),
        "{}",
        text(&output)
    );
    assert!(
        text(&output).contains("running the command again completes"),
        "{}",
        text(&output)
    );
    let again = new_service(&p, &[]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(p.github.pulls().len(), 1);
}

#[test]
fn a_branch_with_someone_elses_commits_is_never_overwritten() {
    let p = Platform::new(false);
    let output = new_service(&p, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let branch = report["pull_request"]["branch"]
        .as_str()
        .unwrap()
        .to_owned();

    // A reviewer pushes a fix-up onto the branch.
    let other = tempfile::tempdir().unwrap();
    git(
        other.path(),
        &["clone", "-q", "-b", &branch, p.bare.to_str().unwrap(), "."],
    );
    std::fs::write(
        other.path().join("services/checkout/NOTES.md"),
        "reviewed\n",
    )
    .unwrap();
    git(other.path(), &["add", "-A"]);
    git(other.path(), &["commit", "-q", "-m", "Reviewer notes"]);
    git(other.path(), &["push", "-q", "origin", &branch]);
    let tip = p.remote_branches()[&branch].clone();

    let output = new_service(&p, &["--set", "language=rust"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("Reviewer notes") && text(&output).contains("never overwritten"),
        "{}",
        text(&output)
    );
    assert_eq!(p.remote_branches()[&branch], tip);
}

#[test]
fn a_token_without_workflow_permission_is_explained() {
    let p = Platform::new(true);
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("`workflow` scope"),
        "{}",
        text(&output)
    );
    assert!(p.github.pulls().is_empty());
    assert_eq!(p.remote_branches().len(), 1);
}

#[test]
fn over_http_the_token_reaches_git_through_askpass_only() {
    let p = Platform::new(false);
    let server = GitHttp::start(p.remotes.path(), Some(("x-access-token", TOKEN)));
    let url = format!("{}/acme/orders.git", server.url());
    git(p.dir(), &["remote", "set-url", "origin", &url]);
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(server
        .authorizations()
        .iter()
        .any(|a| a == &format!("x-access-token:{TOKEN}")));
    let config = std::fs::read_to_string(p.dir().join(".git/config")).unwrap();
    assert!(!config.contains(TOKEN), "{config}");
    assert!(!text(&output).contains(TOKEN));
    assert_eq!(p.github.pulls().len(), 1);
    assert_eq!(p.remote_branches().len(), 2);
}

#[test]
fn two_different_changes_get_two_pull_requests() {
    let p = Platform::new(false);
    for name in ["LegacyBilling", "LegacyShipping"] {
        let output = p.portolan(&[
            "new",
            "register",
            "--no-input",
            "--pr",
            "--set",
            &format!("name={name}"),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    }
    assert_eq!(p.github.pulls().len(), 2);
    assert_eq!(p.remote_branches().len(), 3);
}

#[test]
fn no_difference_from_the_base_opens_nothing() {
    let p = Platform::new(false);
    let run = [
        "new",
        "register",
        "--no-input",
        "--pr",
        "--set",
        "name=Legacy",
        "--now",
        "2026-11-29T12:00:00Z",
        "--format",
        "json",
    ];
    let output = p.portolan(&run);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let branch = report["pull_request"]["branch"]
        .as_str()
        .unwrap()
        .to_owned();
    // The pull request is merged (fast-forward) and closed.
    let tip = p.remote_branches()[&branch].clone();
    git(
        p.dir(),
        &["push", "-q", "origin", &format!("{tip}:refs/heads/main")],
    );
    p.github.close_pull(1);
    let requests = p.github.requests().len();

    // The same run again: the base already has it. The precondition (the entity does not
    // exist) now fails on the base, which is the answer too: nothing to do.
    let output = p.portolan(&run);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("already exists"),
        "{}",
        text(&output)
    );
    assert_eq!(p.github.pulls().len(), 1);
    assert_eq!(p.github.requests().len(), requests, "no API call");

    // A change already on the base: no pull request, said so.
    git(p.dir(), &["pull", "-q", "--ff-only", "origin", "main"]);
    crate::util::write(
        p.dir(),
        "templates/same/template.yaml",
        b"name: same\noperation: create\nsteps:\n  - write: { file: catalog/Domain/Orders.yaml, content: \"identifier: Orders\\n\", overwrite: true }\n",
    );
    git(p.dir(), &["add", "-A"]);
    git(p.dir(), &["commit", "-q", "-m", "template"]);
    let same = ["new", "same", "--no-input", "--now", "2026-11-29T12:00:00Z"];
    let output = p.portolan(&same);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    git(p.dir(), &["add", "-A"]);
    git(p.dir(), &["commit", "-q", "-m", "ran it by hand"]);
    git(p.dir(), &["push", "-q", "origin", "HEAD:main"]);
    let output = p.portolan(&[&same[..], &["--pr"]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(text(&output).contains("no difference"), "{}", text(&output));
    assert_eq!(p.github.pulls().len(), 1);
}

#[test]
fn pr_opens_and_updates_the_pull_request_of_a_hand_made_branch() {
    let p = Platform::new(false);
    git(p.dir(), &["switch", "-q", "-c", "fix-owner"]);
    std::fs::write(
        p.dir().join("catalog/Domain/Orders.yaml"),
        "identifier: Orders\ntitle: Orders domain\n",
    )
    .unwrap();
    git(
        p.dir(),
        &["commit", "-qam", "Give the Orders domain a title"],
    );
    let output = p.portolan(&["pr", "--label", "catalog"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let pulls = p.github.pulls();
    assert_eq!(pulls.len(), 1);
    assert_eq!(pulls[0]["title"], "Give the Orders domain a title");
    assert_eq!(pulls[0]["head"]["ref"], "fix-owner");

    std::fs::write(
        p.dir().join("catalog/Domain/Orders.yaml"),
        "identifier: Orders\ntitle: The Orders domain\n",
    )
    .unwrap();
    git(p.dir(), &["commit", "-qam", "Better title"]);
    let output = p.portolan(&["pr"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("updated"),
        "{}",
        text(&output)
    );
    assert_eq!(p.github.pulls().len(), 1);
    assert!(p.github.pulls()[0]["body"]
        .as_str()
        .unwrap()
        .contains("Better title"));
}

#[test]
fn repo_creates_the_service_repository_and_the_platform_pull_request_points_at_it() {
    let p = Platform::new(false);
    let server = GitHttp::start(p.remotes.path(), Some(("x-access-token", TOKEN)));
    p.github.set_git_root(p.remotes.path());
    p.github.set_git_base(&server.url());
    let output = new_service(&p, &["--repo", "acme/checkout", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["pull_request"]["repository"]["full_name"], "acme/checkout",
        "{report:#}"
    );
    assert_eq!(p.github.repos().len(), 1);

    // The application is at the root of its own repository, with its pipeline.
    let service = p.remotes.path().join("acme/checkout.git");
    let files = git(
        p.dir(),
        &[
            "--git-dir",
            service.to_str().unwrap(),
            "ls-tree",
            "-r",
            "--name-only",
            "main",
        ],
    );
    for file in [
        "service.py",
        "Dockerfile",
        "tests/test_service.py",
        ".github/workflows/checkout.yaml",
    ] {
        assert!(
            files.lines().any(|f| f == file),
            "{file} missing from:\n{files}"
        );
    }
    let workflow = git(
        p.dir(),
        &[
            "--git-dir",
            service.to_str().unwrap(),
            "show",
            "main:.github/workflows/checkout.yaml",
        ],
    );
    assert!(
        workflow.contains("repository: acme/orders"),
        "the pipeline bumps the platform repository:\n{workflow}"
    );

    // The platform pull request holds the rest, pointing at it.
    let branch = report["pull_request"]["branch"].as_str().unwrap();
    let platform = git(
        p.dir(),
        &["ls-tree", "-r", "--name-only", &format!("origin/{branch}")],
    );
    assert!(
        !platform.contains("services/checkout/")
            && !platform.contains(".github/workflows/checkout.yaml"),
        "{platform}"
    );
    assert!(
        platform.contains("argocd/apps/checkout-dev.yaml"),
        "{platform}"
    );
    let entity = git(
        p.dir(),
        &[
            "show",
            &format!("origin/{branch}:catalog/Component/checkout.yaml"),
        ],
    );
    assert!(
        entity.contains("repository: https://") && entity.contains("acme/checkout"),
        "{entity}"
    );
    let deployment = git(
        p.dir(),
        &[
            "show",
            &format!("origin/{branch}:apps/checkout/base/deployment.yaml"),
        ],
    );
    assert!(deployment.contains("ghcr.io/acme/checkout"), "{deployment}");

    // Again: the repository and the pull request are reused, nothing is duplicated.
    let again = new_service(&p, &["--repo", "acme/checkout"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert_eq!(p.github.repos().len(), 1);
    assert_eq!(p.github.pulls().len(), 1);
}

#[test]
fn the_token_can_come_from_the_gh_command() {
    let p = Platform::new(false);
    let bin = tempfile::tempdir().unwrap();
    let gh = bin.path().join("gh");
    std::fs::write(
        &gh,
        format!("#!/bin/sh\n[ \"$1 $2 $3\" = \"auth token --hostname\" ] && echo {TOKEN}\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = portolan()
        .args([
            "new",
            "register",
            "--no-input",
            "--pr",
            "--set",
            "name=Legacy",
        ])
        .current_dir(p.dir())
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .env("PATH", path)
        .env("HOME", p.dir())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(p.github.pulls().len(), 1);

    // No token anywhere: a clear error before anything is pushed.
    let output = portolan()
        .args([
            "new",
            "register",
            "--no-input",
            "--pr",
            "--set",
            "name=Other",
        ])
        .current_dir(p.dir())
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN")
        .env("PATH", bin.path().join("nowhere"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("GH_TOKEN"), "{}", text(&output));
    assert_eq!(p.remote_branches().len(), 2);
}

/// A `checkout` service in the Cart system, committed and pushed to `main`.
fn checkout_service(p: &Platform) {
    let output = p.portolan(&[
        "new",
        "service",
        "--no-input",
        "--set",
        "name=checkout",
        "--set",
        "system=Cart",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    git(p.dir(), &["add", "-A"]);
    git(p.dir(), &["commit", "-q", "-m", "checkout"]);
    git(p.dir(), &["push", "-q", "origin", "main"]);
}

#[test]
fn two_environment_variables_on_one_service_get_two_pull_requests() {
    let p = Platform::new(false);
    checkout_service(&p);
    for (key, value) in [("LOG_LEVEL", "debug"), ("FEATURE_X", "on")] {
        let output = p.portolan(&[
            "run",
            "add-env-var",
            "Component/checkout",
            "--no-input",
            "--pr",
            "--set",
            &format!("key={key}"),
            "--set",
            &format!("value={value}"),
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    }
    let pulls = p.github.pulls();
    assert_eq!(pulls.len(), 2);
    assert_ne!(pulls[0]["head"]["ref"], pulls[1]["head"]["ref"]);
    for (pull, key) in pulls.iter().zip(["LOG_LEVEL", "FEATURE_X"]) {
        let branch = pull["head"]["ref"].as_str().unwrap();
        assert!(
            branch.starts_with("portolan/add-env-var/component/checkout-"),
            "{branch}"
        );
        let deployment = git(
            p.dir(),
            &[
                "show",
                &format!("origin/{branch}:apps/checkout/base/deployment.yaml"),
            ],
        );
        assert!(deployment.contains(key), "{branch}: {deployment}");
    }
}

/// A revert with --pr reads the fetched base, not the local branch: the pull request
/// merged on the remote is found there and undone in a pull request of its own.
#[test]
fn a_merged_pull_request_is_reverted_in_a_pull_request() {
    let p = Platform::new(false);
    checkout_service(&p);
    let base = git(
        p.dir(),
        &["show", "HEAD:apps/checkout/base/deployment.yaml"],
    );
    let output = p.portolan(&[
        "run",
        "add-env-var",
        "Component/checkout",
        "--no-input",
        "--pr",
        "--set",
        "key=LOG_LEVEL",
        "--set",
        "value=debug",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let branch = p.github.pulls()[0]["head"]["ref"]
        .as_str()
        .unwrap()
        .to_owned();

    // Merged on GitHub: a merge commit on the remote's main; the local main stays behind.
    git(p.dir(), &["fetch", "-q", "origin"]);
    git(p.dir(), &["checkout", "-q", "-b", "merging", "origin/main"]);
    git(
        p.dir(),
        &[
            "merge",
            "-q",
            "--no-ff",
            &format!("origin/{branch}"),
            "-m",
            &format!("Merge pull request #1 from acme/{branch}"),
        ],
    );
    git(p.dir(), &["push", "-q", "origin", "merging:main"]);
    git(p.dir(), &["checkout", "-q", "main"]);

    let output = p.portolan(&[
        "run",
        "revert",
        "Component/checkout",
        "--no-input",
        "--pr",
        "--set",
        "pull_request=1",
        "--set",
        "reason=debug logs flood the collector",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let pulls = p.github.pulls();
    assert_eq!(pulls.len(), 2);
    assert_eq!(pulls[1]["title"], "Revert #1 on checkout");
    let revert = pulls[1]["head"]["ref"].as_str().unwrap();
    let reverted = git(
        p.dir(),
        &[
            "show",
            &format!("origin/{revert}:apps/checkout/base/deployment.yaml"),
        ],
    );
    assert_eq!(reverted, base);
}

/// `--upload-pack=touch MARKER`: what git would run if the value were read as an
/// option, and the file whose existence would show it ran.
fn upload_pack(p: &Platform) -> (String, PathBuf) {
    let marker = p.remotes.path().join("pwned");
    (format!("--upload-pack=touch {}", marker.display()), marker)
}

#[test]
fn a_clone_url_from_the_forge_is_used_only_over_https_on_its_git_host() {
    let p = Platform::new(false);
    let server = GitHttp::start(p.remotes.path(), Some(("x-access-token", TOKEN)));
    p.github.set_git_root(p.remotes.path());
    let (option, marker) = upload_pack(&p);
    let elsewhere = format!(
        "{}/acme/checkout.git",
        server.url().replace("127.0.0.1", "localhost")
    );
    for hostile in [option.as_str(), "ext::sh -c touch% /tmp/x", &elsewhere] {
        p.github.set_clone_url(hostile);
        let output = new_service(&p, &["--repo", "acme/checkout"]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{hostile}: {}",
            text(&output)
        );
        assert!(
            text(&output).contains("clone URL") && text(&output).contains("http(s)://127.0.0.1"),
            "{}",
            text(&output)
        );
        assert!(
            !marker.exists(),
            "{hostile}: git ran the forge's value as an option"
        );
        assert!(p.github.pulls().is_empty());
    }
    assert!(
        server.authorizations().is_empty(),
        "nothing reached a git server: {:?}",
        server.authorizations()
    );
}

#[test]
fn a_base_branch_that_is_not_a_branch_name_never_reaches_git() {
    let p = Platform::new(false);
    let (option, marker) = upload_pack(&p);
    let config = std::fs::read_to_string(p.dir().join("portolan.yaml")).unwrap();
    for base in [option.as_str(), "main:refs/heads/evil", "-main", "a..b"] {
        std::fs::write(
            p.dir().join("portolan.yaml"),
            format!("{config}git: {{ base: \"{base}\" }}\n"),
        )
        .unwrap();
        let output = new_service(&p, &[]);
        assert_eq!(output.status.code(), Some(2), "{base}: {}", text(&output));
        assert!(
            text(&output).contains("`git.base` in portolan.yaml")
                && text(&output).contains("not a valid branch name"),
            "{}",
            text(&output)
        );
        assert!(!marker.exists());
    }
    assert!(p.github.requests().is_empty(), "{:?}", p.github.requests());
    assert_eq!(p.remote_branches().len(), 1, "only main");
}

#[test]
fn a_remote_default_branch_that_is_not_a_branch_name_is_refused() {
    let p = Platform::new(false);
    let bare = p.bare.to_str().unwrap();
    let main = git(p.dir(), &["rev-parse", "HEAD"]);
    git(
        p.dir(),
        &[
            "--git-dir",
            bare,
            "update-ref",
            "refs/heads/-evil",
            main.trim(),
        ],
    );
    git(
        p.dir(),
        &[
            "--git-dir",
            bare,
            "symbolic-ref",
            "HEAD",
            "refs/heads/-evil",
        ],
    );
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("default branch of `origin` `-evil`")
            && text(&output).contains("starts with `-`")
            && text(&output).contains("set `git.base`"),
        "{}",
        text(&output)
    );
    assert!(p.github.pulls().is_empty());
    assert_eq!(
        p.remote_branches().len(),
        2,
        "main and -evil, nothing pushed"
    );
}

#[test]
fn pr_refuses_a_branch_name_that_git_would_read_as_an_option() {
    let p = Platform::new(false);
    let (option, marker) = upload_pack(&p);
    for branch in [option.as_str(), "-x", "topic:refs/heads/main"] {
        let output = p.portolan(&["pr", "--", branch]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            text(&output).contains("not a valid branch name"),
            "{}",
            text(&output)
        );
    }
    assert!(!marker.exists());
    assert!(p.github.requests().is_empty(), "{:?}", p.github.requests());
}

/// Hooks and a credential helper in the platform repository that record, in `dumps`,
/// that they ran, with their environment and their input.
fn spy_on_git(p: &Platform, dumps: &Path) {
    let record = format!(
        "env > \"{d}/$NAME-env-$$\"; cat > \"{d}/$NAME-input-$$\"",
        d = dumps.display()
    );
    for hook in ["pre-push", "reference-transaction", "post-checkout"] {
        let path = p.dir().join(".git/hooks").join(hook);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("#!/bin/sh\nNAME=hook-{hook}; {record}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let helper = format!("!f() {{ NAME=credential-$1; {record}; }}; f");
    git(p.dir(), &["config", "credential.helper", &helper]);
}

/// What the spies recorded: file name → content.
fn recorded(dumps: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dumps)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let content = std::fs::read_to_string(e.path()).unwrap();
            (e.file_name().to_string_lossy().into_owned(), content)
        })
        .collect()
}

#[test]
fn git_runs_no_hook_and_no_child_of_git_sees_the_token() {
    let p = Platform::new(false);
    let server = GitHttp::start(p.remotes.path(), Some(("x-access-token", TOKEN)));
    let url = format!("{}/acme/orders.git", server.url());
    git(p.dir(), &["remote", "set-url", "origin", &url]);
    let dumps = tempfile::tempdir().unwrap();
    spy_on_git(&p, dumps.path());

    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(
        server
            .authorizations()
            .contains(&format!("x-access-token:{TOKEN}")),
        "the forge's Git host got the token"
    );
    assert_eq!(p.remote_branches().len(), 2);
    let seen = recorded(dumps.path());
    assert!(
        !seen.keys().any(|name| name.starts_with("hook-")),
        "hooks ran: {:?}",
        seen.keys()
    );
    for (name, content) in &seen {
        assert!(!content.contains(TOKEN), "{name} saw the token:\n{content}");
    }
}

#[test]
fn a_remote_on_another_host_gets_no_token_and_the_user_s_credentials_apply() {
    let p = Platform::new(false);
    let server = GitHttp::start(p.remotes.path(), Some(("x-access-token", TOKEN)));
    // The API is on 127.0.0.1; "localhost" is another host name, over plain HTTP.
    let url = format!(
        "{}/acme/orders.git",
        server.url().replace("127.0.0.1", "localhost")
    );
    git(p.dir(), &["remote", "set-url", "origin", &url]);
    let dumps = tempfile::tempdir().unwrap();
    spy_on_git(&p, dumps.path());

    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("authenticate"), "{}", text(&output));
    assert!(
        !server.authorizations().iter().any(|a| a.contains(TOKEN)),
        "{:?}",
        server.authorizations()
    );
    let seen = recorded(dumps.path());
    assert!(
        seen.keys()
            .any(|name| name.starts_with("credential-get-env")),
        "the user's credential helper was asked: {:?}",
        seen.keys()
    );
    for (name, content) in &seen {
        assert!(!content.contains(TOKEN), "{name} saw the token:\n{content}");
    }
    assert!(p.github.pulls().is_empty());
}

#[test]
fn an_api_error_that_echoes_the_token_prints_no_token() {
    let p = Platform::new(false);
    p.github
        .inject(crate::fakes::github::Fault::EchoAuthorization);
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(!text(&output).contains(TOKEN), "{}", text(&output));
    assert!(
        text(&output).contains("Authorization: Bearer ***"),
        "{}",
        text(&output)
    );
}

#[test]
fn pr_reports_an_invalid_portolan_yaml_as_validate_does() {
    let p = Platform::new(false);
    let config = std::fs::read_to_string(p.dir().join("portolan.yaml")).unwrap();
    std::fs::write(
        p.dir().join("portolan.yaml"),
        format!("{config}git: {{ base: 7 }}\n"),
    )
    .unwrap();
    let line = config.lines().count() + 1;

    let validate = p.portolan(&["validate"]);
    let pr = new_service(&p, &[]);
    assert_eq!(validate.status.code(), Some(2), "{}", text(&validate));
    assert_eq!(pr.status.code(), Some(2), "{}", text(&pr));
    let stderr = String::from_utf8_lossy(&pr.stderr);
    assert!(
        stderr.contains(&format!("--> portolan.yaml:{line}:14")),
        "{stderr}"
    );
    assert_eq!(stderr, String::from_utf8_lossy(&validate.stderr));

    let validate = p.portolan(&["validate", "--format", "json"]);
    let pr = new_service(&p, &["--format", "json"]);
    assert_eq!(pr.status.code(), Some(2), "{}", text(&pr));
    let report: Value = serde_json::from_slice(&pr.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}", text(&pr)));
    assert_eq!(report["diagnostics"][0]["line"], line, "{report:#}");
    assert_eq!(
        report,
        serde_json::from_slice::<Value>(&validate.stdout).unwrap()
    );
    assert!(p.github.requests().is_empty());
}

/// The token goes only over HTTPS, or plain HTTP to this machine: an `api_url` on
/// another host over plain HTTP gets no request at all.
#[test]
fn a_plain_http_api_on_another_host_is_refused_before_the_token_is_sent() {
    let p = Platform::new(false);
    let config = std::fs::read_to_string(p.dir().join("portolan.yaml")).unwrap();
    let config = config.replace(&p.github.url(), "http://api.example.com");
    std::fs::write(p.dir().join("portolan.yaml"), config).unwrap();
    git(p.dir(), &["commit", "-q", "-am", "plain http api"]);
    let output = new_service(&p, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("is not an https:// address"),
        "{}",
        text(&output)
    );
    assert!(p.github.pulls().is_empty());
}
