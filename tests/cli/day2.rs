//! Day-2 templates on a repository scaffolded by `portolan init` + `new service`: for
//! each built-in one, the exact diff (a snapshot in `tests/snapshots/day2/`), a result
//! that validates (catalog and manifests, strict), and comments that survive in every
//! file it touches. `PORTOLAN_UPDATE_GENERATED=1` rewrites the snapshots.

use crate::util::{git, portolan, repo_dir, text, write};
use std::path::Path;

pub(crate) const NOW: &str = "2026-11-29T12:00:00Z";

/// init + new service `cart` (with a database), committed.
pub(crate) fn scaffolded() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    for args in [
        vec!["init", "--set", "repo=acme/platform"],
        vec![
            "new",
            "service",
            "--set",
            "name=cart",
            "--set",
            "database=true",
        ],
        vec![
            "new",
            "create-dev-env",
            "--set",
            "name=alice",
            "--set",
            "owner=alice@acme.io",
            "--set",
            "components=cart",
            "--now",
            NOW,
        ],
        vec![
            "new",
            "create-model",
            "--set",
            "name=churn",
            "--set",
            "framework=sklearn",
            "--set",
            "storage_uri=s3://models/churn/v1",
            "--set",
            "version=v1",
        ],
        vec![
            "new",
            "create-customer",
            "--set",
            "name=initech",
            "--set",
            "tier=team",
        ],
    ] {
        let mut cmd = portolan();
        cmd.args(&args).args(["--no-input"]);
        // A fixed time, so what the runs record is the same on every test run.
        if args[0] == "new" && !args.contains(&"--now") {
            cmd.args(["--now", NOW]);
        }
        let output = cmd.current_dir(dir.path()).output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "scaffold"]);
    dir
}

pub(crate) fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    portolan()
        .arg("run")
        .args(args)
        .args(["--no-input", "--now", NOW])
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `portolan validate --strict` passes on `dir`; `what` names the case when not.
pub(crate) fn assert_valid(dir: &Path, what: &str) {
    let validate = portolan()
        .args(["validate", "--strict", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(validate.status.success(), "{what}: {}", text(&validate));
}

/// Run a template that must succeed, and commit what it wrote.
pub(crate) fn applied(dir: &Path, args: &[&str]) {
    let output = run(dir, args);
    assert!(output.status.success(), "{args:?}: {}", text(&output));
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "applied"]);
}

/// A run that failed with exit code 2 and said `expected`.
pub(crate) fn exits_2_saying(output: &std::process::Output, expected: &str) {
    assert_eq!(output.status.code(), Some(2));
    assert!(text(output).contains(expected), "{}", text(output));
}

/// Run a template that must be refused: exit 2, a message that says `expected`, and
/// nothing written.
pub(crate) fn refused(dir: &Path, args: &[&str], expected: &str) {
    let output = run(dir, args);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
    assert!(
        text(&output).contains(expected),
        "{args:?}: expected `{expected}` in {}",
        text(&output)
    );
    let status = git(dir, &["status", "--porcelain"]);
    assert!(
        status.is_empty(),
        "{args:?}: nothing written, and: {status}"
    );
}

/// Comment lines of a file.
pub(crate) fn comments(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.find('#').map(|i| l[i..].trim().to_owned()))
        .filter(|c| c.len() > 1)
        .collect()
}

pub(crate) fn check(template: &str, args: &[&str], prepare: &[&[&str]]) {
    check_on(template, "Component/cart", args, prepare);
}

pub(crate) fn check_on(template: &str, entity: &str, args: &[&str], prepare: &[&[&str]]) {
    check_with(template, entity, args, &|dir| {
        // Each preparing run is committed as GitHub squash-merges pull request N.
        for (n, step) in prepare.iter().enumerate() {
            let output = run(dir, step);
            assert!(output.status.success(), "{step:?}: {}", text(&output));
            git(dir, &["add", "-A"]);
            let message = format!("Prepare {} (#{})", step[0], n + 1);
            git(dir, &["commit", "-qm", &message]);
        }
    });
}

/// As `check_on`, with any preparation of the scaffolded repository (committed by it).
pub(crate) fn check_with(template: &str, entity: &str, args: &[&str], setup: &dyn Fn(&Path)) {
    check_any(template, Some(entity), args, setup);
}

/// As `check`, for a create template (run with `portolan new`).
pub(crate) fn check_new(template: &str, args: &[&str]) {
    check_any(template, None, args, &|_| {});
}

fn check_any(template: &str, entity: Option<&str>, args: &[&str], setup: &dyn Fn(&Path)) {
    let dir = scaffolded();
    setup(dir.path());
    let mut full: Vec<&str> = vec![template];
    full.extend(entity);
    full.extend_from_slice(args);
    let invoke = |extra: &[&str]| match entity {
        Some(_) => run(dir.path(), &[&full[..], extra].concat()),
        None => portolan()
            .arg("new")
            .args(&full)
            .args(extra)
            .args(["--no-input", "--now", NOW])
            .current_dir(dir.path())
            .output()
            .unwrap(),
    };
    let dry = invoke(&["--dry-run"]);
    assert!(dry.status.success(), "{template}: {}", text(&dry));
    let diff = String::from_utf8(dry.stdout).unwrap();
    let snapshot = repo_dir().join(format!("tests/snapshots/day2/{template}.diff"));
    if std::env::var_os("PORTOLAN_UPDATE_GENERATED").is_some() {
        std::fs::write(&snapshot, &diff).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with PORTOLAN_UPDATE_GENERATED=1",
            snapshot.display()
        )
    });
    assert_eq!(diff, expected, "{template}: the diff changed");

    let touched: Vec<String> = diff
        .lines()
        .filter_map(|l| l.strip_prefix("  ~ ").map(str::to_owned))
        .collect();
    let before: Vec<(String, String)> = touched
        .iter()
        .map(|f| {
            (
                f.clone(),
                std::fs::read_to_string(dir.path().join(f)).unwrap(),
            )
        })
        .collect();
    let output = invoke(&[]);
    assert!(output.status.success(), "{template}: {}", text(&output));
    for (file, old) in before {
        let new = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        for comment in comments(&old) {
            assert!(
                new.contains(&comment),
                "{template}: the comment `{comment}` of {file} is gone:\n{new}"
            );
        }
    }
    assert_valid(dir.path(), template);
}

#[test]
fn set_replicas() {
    check(
        "set-replicas",
        &["--set", "env=prod", "--set", "replicas=4"],
        &[],
    );
}

#[test]
fn deploy_image() {
    check(
        "deploy-image",
        &["--set", "env=dev", "--set", "tag=3f2a9c1"],
        &[],
    );
}

#[test]
fn add_env_var() {
    check(
        "add-env-var",
        &["--set", "key=LOG_LEVEL", "--set", "value=debug"],
        &[],
    );
}

#[test]
fn lock_deployments() {
    check(
        "lock-deployments",
        &["--set", "env=prod", "--set", "reason=incident 42"],
        &[],
    );
}

#[test]
fn unlock_deployments() {
    check(
        "unlock-deployments",
        &["--set", "env=prod"],
        &[&[
            "lock-deployments",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "reason=incident 42",
        ]],
    );
}

#[test]
fn run_runbook() {
    check(
        "run-runbook",
        &[
            "--set",
            "runbook=restart",
            "--set",
            "env=prod",
            "--set",
            "reason=pods stuck",
        ],
        &[],
    );
}

#[test]
fn patches_that_miss_fail_located_and_write_nothing() {
    let dir = scaffolded();
    write(
        dir.path(),
        "templates/bad-patch/template.yaml",
        b"name: bad-patch\noperation: day-2\nblueprint: Component\ninputs:\n  type: object\n  properties:\n    file: { type: string }\n    path: { type: string }\nsteps:\n  - patch:\n      file: \"{{ inputs.file }}\"\n      ops: [ { op: replace, path: \"{{ inputs.path }}\", value: 1 } ]\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "template"]);
    for (file, path, expected) in [
        (
            "apps/cart/envs/dev/kustomization.yaml",
            "/replicas/[name=web]/count",
            "no item has `name: web`",
        ),
        (
            "apps/cart/envs/dev/kustomization.yaml",
            "/spec/replicas",
            "/spec/replicas",
        ),
        ("apps/cart/envs/dev/nothere.yaml", "/a", "does not exist"),
        ("services/cart/service.py", "/a", "not a YAML or JSON file"),
    ] {
        let output = run(
            dir.path(),
            &[
                "bad-patch",
                "Component/cart",
                "--set",
                &format!("file={file}"),
                "--set",
                &format!("path={path}"),
            ],
        );
        assert_eq!(
            output.status.code(),
            Some(2),
            "{file} {path}: {}",
            text(&output)
        );
        assert!(
            text(&output).contains(expected),
            "{file} {path}: {}",
            text(&output)
        );
        assert!(
            text(&output).contains(file),
            "the error names the file: {}",
            text(&output)
        );
        let status = git(dir.path(), &["status", "--porcelain"]);
        assert!(status.is_empty(), "nothing written: {status}");
    }
}

/// `templates --for` judges preconditions over the variables a run has: `platform`,
/// `template` and `now` besides `config` and `entity`.
#[test]
fn templates_for_sees_the_variables_of_a_run() {
    let dir = scaffolded();
    let precondition = |that: &str| {
        format!(
            "name: ping\noperation: day-2\nblueprint: Component\npreconditions:\n  - that: \"{that}\"\n    message: not here\nsteps:\n  - request: {{ kind: ping }}\n"
        )
    };
    let listed = |dir: &Path| {
        let output = portolan()
            .args(["templates", "--for", "Component/cart", "--format", "json"])
            .current_dir(dir)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", text(&output));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["templates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "ping")
    };
    let holds = "{{ platform.repo == 'acme/platform' and template.name == 'ping' and now is defined and entity.identifier == 'cart' }}";
    write(
        dir.path(),
        "templates/ping/template.yaml",
        precondition(holds).as_bytes(),
    );
    assert!(listed(dir.path()));
    let fails = "{{ platform.repo == 'someone/else' }}";
    write(
        dir.path(),
        "templates/ping/template.yaml",
        precondition(fails).as_bytes(),
    );
    assert!(!listed(dir.path()));
}

#[test]
fn templates_for_lists_what_runs_on_an_entity() {
    let dir = scaffolded();
    let output = portolan()
        .args(["templates", "--for", "cart", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = report["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"set-replicas") && !names.contains(&"service"),
        "{names:?}"
    );

    let output = run(
        dir.path(),
        &[
            "set-replicas",
            "Component/crat",
            "--set",
            "env=dev",
            "--set",
            "replicas=1",
        ],
    );
    exits_2_saying(&output, "did you mean `Component/cart`?");
    let output = run(dir.path(), &["service", "Component/cart"]);
    exits_2_saying(&output, "portolan new service");
}

#[test]
fn extend_dev_env() {
    check_on(
        "extend-dev-env",
        "Environment/alice",
        &["--set", "days=3"],
        &[],
    );
}

#[test]
fn invite_developer() {
    check_on(
        "invite-developer",
        "Environment/alice",
        &["--set", "user=bob.smith@acme.io"],
        &[],
    );
}

#[test]
fn delete_dev_env() {
    check_on(
        "delete-dev-env",
        "Environment/alice",
        &[],
        &[&["invite-developer", "alice", "--set", "user=bob@acme.io"]],
    );
}

#[test]
fn create_dev_env_expires_after_its_days_from_now() {
    let dir = scaffolded();
    let entity =
        std::fs::read_to_string(dir.path().join("catalog/Environment/alice.yaml")).unwrap();
    assert!(
        entity.contains("expiresAt: 2026-12-04T12:00:00Z"),
        "five days by default:\n{entity}"
    );
    let output = portolan()
        .args([
            "new",
            "create-dev-env",
            "--no-input",
            "--dry-run",
            "--now",
            NOW,
        ])
        .args([
            "--set",
            "name=bob",
            "--set",
            "owner=bob@acme.io",
            "--set",
            "days=2",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let diff = String::from_utf8(output.stdout).unwrap();
    let snapshot = repo_dir().join("tests/snapshots/day2/create-dev-env.diff");
    if std::env::var_os("PORTOLAN_UPDATE_GENERATED").is_some() {
        std::fs::write(&snapshot, &diff).unwrap();
    }
    assert_eq!(diff, std::fs::read_to_string(&snapshot).unwrap_or_default());
    assert!(diff.contains("expiresAt: 2026-12-01T12:00:00Z"), "{diff}");
}

#[test]
fn add_secret() {
    // The second secret goes into the ExternalSecret the first one made.
    check(
        "add-secret",
        &["--set", "name=SMTP_PASSWORD"],
        &[&["add-secret", "cart", "--set", "name=STRIPE_KEY"]],
    );
}

#[test]
fn set_autoscaling() {
    check(
        "set-autoscaling",
        &["--set", "env=prod", "--set", "min=2", "--set", "max=6"],
        &[],
    );
}

#[test]
fn set_feature_flag() {
    check(
        "set-feature-flag",
        &["--set", "flag=new-checkout", "--set", "state=off"],
        &[&[
            "set-feature-flag",
            "cart",
            "--set",
            "flag=new-checkout",
            "--set",
            "state=on",
        ]],
    );
}

#[test]
fn add_column() {
    check(
        "add-column",
        &[
            "--set",
            "column=total",
            "--set",
            "type=numeric",
            "--set",
            "not_null=true",
        ],
        &[],
    );
}

#[test]
fn remove_column() {
    check("remove-column", &["--set", "column=created_at"], &[]);
}

#[test]
fn change_column() {
    check(
        "change-column",
        &["--set", "column=created_at", "--set", "type=timestamp"],
        &[],
    );
}

#[test]
fn replicas_owned_by_an_autoscaler_are_not_set() {
    let dir = scaffolded();
    let output = run(
        dir.path(),
        &[
            "set-autoscaling",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "min=2",
            "--set",
            "max=6",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "hpa"]);
    let output = run(
        dir.path(),
        &[
            "set-replicas",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "replicas=3",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("HorizontalPodAutoscaler owns"),
        "{}",
        text(&output)
    );
}

#[test]
fn set_customer_tier() {
    check_on(
        "set-customer-tier",
        "Customer/initech",
        &["--set", "tier=business"],
        &[],
    );
}

#[test]
fn set_customer_version() {
    check_on(
        "set-customer-version",
        "Customer/initech",
        &["--set", "version=2.4.1"],
        &[],
    );
}

#[test]
fn set_customer_config() {
    check_on(
        "set-customer-config",
        "Customer/initech",
        &["--set", "key=region", "--set", "value=eu"],
        &[&[
            "set-customer-config",
            "Customer/initech",
            "--set",
            "key=max_seats",
            "--set",
            "value=250",
        ]],
    );
}

#[test]
fn delete_customer() {
    check_on("delete-customer", "Customer/initech", &[], &[]);
}

#[test]
fn env_gc_removes_exactly_the_environments_expired_at_now() {
    let dir = scaffolded();
    // alice expires 2026-12-04T12:00Z (scaffold); bob on 2026-12-10T00:00Z.
    let output = portolan()
        .args([
            "new",
            "create-dev-env",
            "--no-input",
            "--now",
            "2026-12-05T00:00:00Z",
        ])
        .args(["--set", "name=bob", "--set", "owner=bob@acme.io"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "bob"]);
    let gc = |now: &str| {
        portolan()
            .args(["env", "gc", "--now", now])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };

    let output = gc("2026-12-04T11:59:59Z");
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("nothing to remove"),
        "{}",
        text(&output)
    );
    assert!(git(dir.path(), &["status", "--porcelain"]).is_empty());

    // An offset is an instant too: 13:00+01:00 is alice's 12:00Z exactly.
    let output = gc("2026-12-04T13:00:00+01:00");
    assert!(output.status.success(), "{}", text(&output));
    assert!(!dir.path().join("catalog/Environment/alice.yaml").exists());
    assert!(!dir.path().join("argocd/apps/dev-alice.yaml").exists());
    assert!(!dir.path().join("apps/dev-envs/alice").exists());
    assert!(dir.path().join("catalog/Environment/bob.yaml").exists());
    assert!(dir.path().join("argocd/apps/dev-bob.yaml").exists());
    assert_valid(dir.path(), "after gc");
}

#[test]
fn split_model_traffic() {
    check_on(
        "split-model-traffic",
        "Model/churn",
        &[
            "--set",
            "version=v2",
            "--set",
            "storage_uri=s3://models/churn/v2",
            "--set",
            "percent=10",
        ],
        &[],
    );
}

#[test]
fn deploy_model() {
    // Promoting the candidate ends the split.
    check_on(
        "deploy-model",
        "Model/churn",
        &[
            "--set",
            "version=v2",
            "--set",
            "storage_uri=s3://models/churn/v2",
        ],
        &[&[
            "split-model-traffic",
            "Model/churn",
            "--set",
            "version=v2",
            "--set",
            "storage_uri=s3://models/churn/v2",
            "--set",
            "percent=10",
        ]],
    );
}

#[test]
fn train_model() {
    check_on(
        "train-model",
        "Model/churn",
        &["--set", "job=train", "--set", "dataset=s3://data/churn"],
        &[],
    );
}

#[test]
fn revert_a_squash_merged_pull_request() {
    check(
        "revert",
        &[
            "--set",
            "pull_request=2",
            "--set",
            "reason=four is too many",
        ],
        &[
            &[
                "add-env-var",
                "Component/cart",
                "--set",
                "key=MODE",
                "--set",
                "value=fast",
            ],
            &[
                "set-replicas",
                "Component/cart",
                "--set",
                "env=prod",
                "--set",
                "replicas=4",
            ],
        ],
    );
}

/// A merge commit is reverted against its first parent; a later change to the same
/// lines is a conflict that writes nothing; an unknown pull request is said so.
#[test]
fn revert_a_merge_commit_and_refuse_conflicts() {
    let dir = scaffolded();
    let path = dir.path();
    let replicas = |n: &str| {
        let output = run(
            path,
            &[
                "set-replicas",
                "Component/cart",
                "--set",
                "env=prod",
                "--set",
                &format!("replicas={n}"),
            ],
        );
        assert!(output.status.success(), "{}", text(&output));
    };
    let file = path.join("apps/cart/envs/prod/kustomization.yaml");
    let original = std::fs::read_to_string(&file).unwrap();
    git(path, &["checkout", "-qb", "scale"]);
    replicas("4");
    git(path, &["commit", "-qam", "Scale cart"]);
    git(path, &["checkout", "-q", "main"]);
    git(
        path,
        &[
            "merge",
            "-q",
            "--no-ff",
            "scale",
            "-m",
            "Merge pull request #12 from acme/scale",
        ],
    );
    let scaled = std::fs::read_to_string(&file).unwrap();
    assert_ne!(scaled, original);

    let output = run(
        path,
        &[
            "revert",
            "Component/cart",
            "--set",
            "pull_request=12",
            "--set",
            "reason=rollback",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), original);
    git(path, &["checkout", "-q", "--", "."]);

    // Scaled again on top: reverting #12 now conflicts, and nothing is written.
    replicas("6");
    git(path, &["commit", "-qam", "Scale cart again"]);
    let again = std::fs::read_to_string(&file).unwrap();
    let output = run(
        path,
        &[
            "revert",
            "Component/cart",
            "--set",
            "pull_request=12",
            "--set",
            "reason=rollback",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let message = text(&output);
    assert!(
        message.contains("conflicts with later changes to apps/cart/envs/prod/kustomization.yaml"),
        "{message}"
    );
    assert!(message.contains("revert by hand"), "{message}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), again);

    // The last commit by hash works; an unknown pull request and a bad hash are said so.
    let output = run(
        path,
        &[
            "revert",
            "Component/cart",
            "--set",
            "commit=HEAD",
            "--set",
            "reason=rollback",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), scaled);
    git(path, &["checkout", "-q", "--", "."]);
    let output = run(
        path,
        &[
            "revert",
            "Component/cart",
            "--set",
            "pull_request=99",
            "--set",
            "reason=rollback",
        ],
    );
    exits_2_saying(&output, "pull request #99 was not merged");
    let output = run(
        path,
        &[
            "revert",
            "Component/cart",
            "--set",
            "commit=deadbeef",
            "--set",
            "reason=rollback",
        ],
    );
    exits_2_saying(&output, "`deadbeef` is not a commit");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), again);
}

/// A service with pinned Python dependencies: only the package's line changes, its
/// comment and markers stay.
#[test]
fn upgrade_package() {
    check_with(
        "upgrade-package",
        "Component/cart",
        &["--set", "package=requests", "--set", "version=2.32.3"],
        &|dir| {
            write(
                dir,
                "services/cart/requirements.txt",
                b"# pinned for reproducible builds\nrequests==2.31.0  # http client\nrequests-oauthlib>=1.0\nflask[async]>=2.0,<3 ; python_version >= \"3.8\"\n",
            );
            git(dir, &["add", "-A"]);
            git(dir, &["commit", "-qm", "pin dependencies"]);
        },
    );
}

/// Cargo.toml, package.json and go.mod: the version of the named package changes,
/// nothing else; a package the manifest lacks is refused.
#[test]
fn upgrade_package_in_each_manifest() {
    let dir = scaffolded();
    let path = dir.path();
    let cases = [
        (
            "Cargo.toml",
            "[package]\nname = \"cart\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = { version = \"1.0.100\", features = [\"derive\"] }\nserde_json = \"1.0.1\" # json\n",
            [("serde", "1.0.228", "\"1.0.100\"", "\"1.0.228\""), ("serde_json", "1.0.140", "\"1.0.1\" # json", "\"1.0.140\" # json")],
        ),
        (
            "package.json",
            "{\n  \"name\": \"cart\",\n  \"dependencies\": {\n    \"@acme/client\": \"^1.0.0\",\n    \"left-pad\": \"1.0.0\"\n  },\n  \"devDependencies\": { \"jest\": \"29.0.0\" }\n}\n",
            [("@acme/client", "^2.1.0", "\"^1.0.0\"", "\"^2.1.0\""), ("jest", "30.0.0", "\"29.0.0\"", "\"30.0.0\"")],
        ),
        (
            "go.mod",
            "module github.com/acme/cart\n\ngo 1.22\n\nrequire github.com/acme/lib v1.2.0\n\nrequire (\n\tgolang.org/x/net v0.20.0 // indirect\n)\n",
            [("github.com/acme/lib", "v1.3.0", "lib v1.2.0", "lib v1.3.0"), ("golang.org/x/net", "v0.30.0", "net v0.20.0 //", "net v0.30.0 //")],
        ),
    ];
    for (file, original, upgrades) in cases {
        let manifest = path.join("services/cart").join(file);
        write(path, &format!("services/cart/{file}"), original.as_bytes());
        git(path, &["add", "-A"]);
        git(path, &["commit", "-qm", file]);
        for (package, version, before, after) in upgrades {
            let output = run(
                path,
                &[
                    "upgrade-package",
                    "Component/cart",
                    "--set",
                    &format!("package={package}"),
                    "--set",
                    &format!("version={version}"),
                ],
            );
            assert!(
                output.status.success(),
                "{file} {package}: {}",
                text(&output)
            );
            assert_eq!(
                std::fs::read_to_string(&manifest).unwrap(),
                original.replace(before, after),
                "{file} {package}"
            );
            git(path, &["checkout", "-q", "--", "."]);
        }
        let output = run(
            path,
            &[
                "upgrade-package",
                "Component/cart",
                "--set",
                "package=absent",
                "--set",
                "version=1",
            ],
        );
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
        assert!(
            text(&output).contains("`absent` is not a dependency of cart"),
            "{}",
            text(&output)
        );
        assert_eq!(std::fs::read_to_string(&manifest).unwrap(), original);
        git(path, &["rm", "-q", &format!("services/cart/{file}")]);
        git(path, &["commit", "-qm", "next"]);
    }
}

#[test]
fn create_customer() {
    check_new(
        "create-customer",
        &["--set", "name=globex", "--set", "tier=enterprise"],
    );
}

#[test]
fn create_model() {
    check_new(
        "create-model",
        &[
            "--set",
            "name=fraud",
            "--set",
            "framework=xgboost",
            "--set",
            "storage_uri=gs://models/fraud/v3",
            "--set",
            "version=v3",
        ],
    );
}

/// Behind a canary the Rollout runs the pods, so a new autoscaler scales the Rollout.
#[test]
fn set_autoscaling_behind_a_rollout_scales_the_rollout() {
    let dir = scaffolded();
    let path = dir.path();
    applied(path, &["canary", "Component/cart", "--set", "env=prod"]);
    let output = run(
        path,
        &[
            "set-autoscaling",
            "Component/cart",
            "--set",
            "env=prod",
            "--set",
            "min=2",
            "--set",
            "max=6",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    let hpa = std::fs::read_to_string(path.join("apps/cart/envs/prod/hpa.yaml")).unwrap();
    assert!(
        hpa.contains("apiVersion: argoproj.io/v1alpha1\n    kind: Rollout\n    name: cart"),
        "{hpa}"
    );
    assert_valid(path, "autoscaling behind a rollout");
}

/// Every built-in template has its snapshot here, or its own tests elsewhere: a new
/// template without one fails this test.
#[test]
fn every_built_in_template_is_tested() {
    // Tested on their own: `service`, `register` and `platform` in templates.rs (the
    // generated services' own tests included), `env-gc` through `portolan env gc` here.
    let elsewhere = ["env-gc", "platform", "register", "service"];
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(repo_dir().join("templates")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let snapshot = repo_dir().join(format!("tests/snapshots/day2/{name}.diff"));
        if !elsewhere.contains(&name.as_str()) && !snapshot.exists() {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "built-in templates without a snapshot test: {missing:?}"
    );
}

/// Spaces around the operator and CRLF line ends are upgraded in place; a range for
/// pip, a Go version without `v`, and a Go module that is also replaced are refused.
#[test]
fn upgrade_package_edge_cases() {
    let dir = scaffolded();
    let path = dir.path();
    let upgrade = |package: &str, version: &str| {
        run(
            path,
            &[
                "upgrade-package",
                "Component/cart",
                "--set",
                &format!("package={package}"),
                "--set",
                &format!("version={version}"),
            ],
        )
    };
    write(
        path,
        "services/cart/requirements.txt",
        b"Django >= 4.2\r\nrequests==2.31.0\r\n",
    );
    git(path, &["add", "-A"]);
    git(path, &["commit", "-qm", "pip"]);
    let output = upgrade("Django", "5.0.1");
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        std::fs::read(path.join("services/cart/requirements.txt")).unwrap(),
        b"Django==5.0.1\r\nrequests==2.31.0\r\n"
    );
    git(path, &["checkout", "-q", "--", "."]);
    let output = upgrade("requests", "^2.1");
    exits_2_saying(&output, "pins an exact version");

    git(path, &["rm", "-q", "services/cart/requirements.txt"]);
    write(path, "services/cart/go.mod", b"module x\n\nrequire github.com/acme/lib v1.2.0\n\nreplace (\n\tgithub.com/acme/lib v1.2.0 => ../lib\n)\n");
    git(path, &["add", "-A"]);
    git(path, &["commit", "-qm", "go"]);
    let output = upgrade("github.com/acme/lib", "v1.4.0");
    exits_2_saying(&output, "also replaces or excludes");
    let output = upgrade("github.com/acme/lib", "1.4.0");
    exits_2_saying(&output, "look like v1.4.0");
}

/// Reverting the requests workflow's commit would bring a request back, and merging
/// that would run it again: refused.
#[test]
fn a_revert_never_brings_back_a_request_that_ran() {
    let dir = scaffolded();
    let path = dir.path();
    let output = run(
        path,
        &[
            "run-runbook",
            "Component/cart",
            "--set",
            "runbook=restart",
            "--set",
            "env=prod",
            "--set",
            "reason=incident 7",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    git(path, &["add", "-A"]);
    git(path, &["commit", "-qm", "Restart cart (#3)"]);
    // What the requests workflow commits after running it.
    git(path, &["rm", "-q", "-r", "requests"]);
    write(
        path,
        ".portolan/requests/run-runbook/outcome.yaml",
        b"status: done\n",
    );
    git(path, &["add", "-A"]);
    git(path, &["commit", "-qm", "Ran the requests of 1234567"]);
    let output = run(
        path,
        &[
            "revert",
            "Component/cart",
            "--set",
            "commit=HEAD",
            "--set",
            "reason=undo",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("a request the requests workflow already ran"),
        "{}",
        text(&output)
    );
    assert!(!path.join("requests").exists());
}
