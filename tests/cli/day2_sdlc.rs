//! Day-2 templates of the delivery lifecycle — canary, blue-green, add-infrastructure,
//! force-merge — checked like the others (`crate::day2`): the exact diff (a snapshot in
//! `tests/snapshots/day2/`), a result that validates strictly, comments that survive; plus
//! the paths a snapshot does not show (a re-run, a switch, a refusal).

use crate::day2::{applied, assert_valid, check, refused, run, scaffolded};
use crate::util::{git, repo_dir, text};
use std::path::Path;

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn canary() {
    check("canary", &["--set", "env=prod"], &[]);
}

#[test]
fn blue_green() {
    check("blue-green", &["--set", "env=prod"], &[]);
}

#[test]
fn rollouts_switch_strategy_and_keep_one_of_everything() {
    let dir = scaffolded();
    let path = dir.path();
    let overlay = "apps/cart/envs/prod";
    applied(path, &["canary", "cart", "--set", "env=prod"]);
    let application = read(path, "argocd/apps/cart-prod.yaml");

    // canary → blue-green: the strategy changes, a preview Service appears.
    applied(path, &["blue-green", "cart", "--set", "env=prod"]);
    let rollout = read(path, &format!("{overlay}/rollout.yaml"));
    assert!(
        rollout.contains("blueGreen:") && !rollout.contains("canary:"),
        "{rollout}"
    );
    assert!(path
        .join(format!("{overlay}/preview-service.yaml"))
        .exists());
    let kustomization = read(path, &format!("{overlay}/kustomization.yaml"));
    for resource in ["rollout.yaml", "preview-service.yaml"] {
        assert_eq!(
            kustomization.matches(&format!("- {resource}")).count(),
            1,
            "{kustomization}"
        );
    }
    assert_eq!(
        kustomization.matches("rollout-transform.yaml").count(),
        1,
        "{kustomization}"
    );
    assert_eq!(
        read(path, "argocd/apps/cart-prod.yaml"),
        application,
        "the Application is set up once"
    );
    assert_valid(path, "blue-green after canary");

    // blue-green → canary with other steps: the preview Service goes.
    applied(
        path,
        &[
            "canary",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "weights=10,25,50",
            "--set",
            "pause=manual",
        ],
    );
    let rollout = read(path, &format!("{overlay}/rollout.yaml"));
    assert!(
        rollout.contains("- setWeight: 25") && !rollout.contains("blueGreen"),
        "{rollout}"
    );
    assert_eq!(rollout.matches("- pause: {}").count(), 3, "{rollout}");
    assert!(!path
        .join(format!("{overlay}/preview-service.yaml"))
        .exists());
    assert!(!read(path, &format!("{overlay}/kustomization.yaml")).contains("preview"));
    assert_eq!(read(path, "argocd/apps/cart-prod.yaml"), application);
    assert_valid(path, "canary after blue-green");
    // The other environment is untouched.
    assert!(!path.join("apps/cart/envs/dev/rollout.yaml").exists());
}

#[test]
fn a_rollout_takes_over_the_autoscaler_of_its_environment() {
    let dir = scaffolded();
    let path = dir.path();
    applied(
        path,
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
    applied(path, &["canary", "cart", "--set", "env=prod"]);
    let hpa = read(path, "apps/cart/envs/prod/hpa.yaml");
    assert!(
        hpa.contains("apiVersion: argoproj.io/v1alpha1") && hpa.contains("kind: Rollout"),
        "{hpa}"
    );
    assert_valid(path, "a rollout over an autoscaler");
}

#[test]
fn rollouts_are_refused_where_the_service_does_not_run() {
    let dir = scaffolded();
    let path = dir.path();
    // Not an environment of portolan.yaml.
    refused(
        path,
        &["canary", "cart", "--set", "env=staging"],
        "`staging` is not an environment; portolan.yaml lists dev, prod",
    );
    // An environment, where the service has no overlay.
    let config = read(path, "portolan.yaml").replace(
        "environments: [\"dev\", \"prod\"]",
        "environments: [\"dev\", \"staging\", \"prod\"]",
    );
    assert!(config.contains("staging"), "{config}");
    std::fs::write(path.join("portolan.yaml"), config).unwrap();
    git(path, &["commit", "-qam", "staging"]);
    refused(
        path,
        &["blue-green", "cart", "--set", "env=staging"],
        "has no overlay for staging",
    );
    // Steps that do not grow.
    refused(
        path,
        &[
            "canary",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "weights=50,20",
        ],
        "must increase",
    );
}

// Cloud resources.

#[test]
fn add_resource() {
    check(
        "add-resource",
        &[
            "--set",
            "env=prod",
            "--set",
            "type=s3-bucket",
            "--set",
            "name=cart-receipts",
            "--set",
            "parameters={versioning: true}",
        ],
        &[],
    );
}

#[test]
fn add_resource_environment_by_environment() {
    let dir = scaffolded();
    let path = dir.path();
    let topic = ["--set", "type=kafka-topic", "--set", "name=cart-events"];
    applied(
        path,
        &[&["add-resource", "cart", "--set", "env=dev"][..], &topic].concat(),
    );
    assert!(!path.join("apps/cart-events/envs/prod").exists());
    let catalog = read(path, "catalog/Component/cart.yaml");

    // Another environment: its claim and its overlay, nothing else.
    let output = run(
        path,
        &[
            &["add-resource", "cart", "--set", "env=prod", "--dry-run"][..],
            &topic,
        ]
        .concat(),
    );
    assert!(output.status.success(), "{}", text(&output));
    let changed: Vec<&str> = std::str::from_utf8(&output.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .collect();
    assert_eq!(
        changed,
        [
            "  ~ .portolan/answers/Component/cart/add-resource.yaml",
            "  + apps/cart-events/envs/prod/cart-events.yaml",
            "  + apps/cart-events/envs/prod/kustomization.yaml",
            "  ~ apps/cart/envs/prod/kustomization.yaml",
        ],
        "{}",
        text(&output)
    );
    applied(
        path,
        &[&["add-resource", "cart", "--set", "env=prod"][..], &topic].concat(),
    );
    assert_eq!(read(path, "catalog/Component/cart.yaml"), catalog);
    assert_valid(path, "resources per environment");

    // modify-resource finds the claim.
    applied(
        path,
        &[
            "modify-resource",
            "Resource/cart-events",
            "--set",
            "env=prod",
            "--set",
            "parameters={partitions: 12}",
        ],
    );
    assert!(read(path, "apps/cart-events/envs/prod/cart-events.yaml").contains("partitions: 12"));

    // Twice in one environment, the service's own database, another application's name.
    refused(
        path,
        &[&["add-resource", "cart", "--set", "env=prod"][..], &topic].concat(),
        "`cart-events` already exists in prod",
    );
    refused(
        path,
        &[
            "add-resource",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "type=postgress",
            "--set",
            "name=cart-db",
        ],
        "the Resource `cart-db` already exists and is not a resource that add-resource gave `cart`",
    );
    refused(
        path,
        &[
            "add-resource",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "type=s3-bucket",
            "--set",
            "name=churn",
        ],
        "`churn` is taken",
    );
}

#[test]
fn add_resource_defines_the_kinds_create_resource_defines() {
    // The XRDs are copies (a template cannot render another's files): they must not drift.
    let ours = repo_dir().join("templates/add-resource/files");
    let theirs = repo_dir().join("templates/create-resource/files");
    let mut compared = 0;
    for folder in std::fs::read_dir(&ours).unwrap() {
        let folder = folder.unwrap().path();
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("xrd-") {
            continue;
        }
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            let relative = file.strip_prefix(&ours).unwrap();
            assert_eq!(
                std::fs::read_to_string(&file).unwrap(),
                std::fs::read_to_string(theirs.join(relative)).unwrap_or_default(),
                "{} differs from create-resource's",
                relative.display()
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 4, "one XRD per Resource type");
}

// Force-merge.

const FORCE_MERGE: &[&str] = &[
    "--set",
    "pr=123",
    "--set",
    "reason=checkout is down; the fix waits on a flaky check",
    "--set",
    "incident=https://acme.pagerduty.com/incidents/Q1W2E3",
    "--set",
    "requested_by=alice",
];

#[test]
fn force_merge() {
    check("force-merge", FORCE_MERGE, &[]);
}

#[test]
fn force_merge_needs_a_reason_and_the_requests_workflow() {
    let dir = scaffolded();
    let path = dir.path();
    let without = |input: &str| -> Vec<&str> {
        FORCE_MERGE
            .chunks(2)
            .filter(|pair| !pair[1].starts_with(&format!("{input}=")))
            .flatten()
            .copied()
            .collect()
    };
    let with_reason = |reason: &'static str| -> Vec<&str> {
        let mut args = without("reason");
        args.extend(["--set", reason]);
        args
    };
    refused(
        path,
        &[&["force-merge", "cart"][..], &without("reason")].concat(),
        "the input `reason` is missing (Why it cannot wait",
    );
    refused(
        path,
        &[&["force-merge", "cart"][..], &with_reason("reason=urgent")].concat(),
        "input `reason`: \"urgent\" is shorter than 10 characters",
    );
    refused(
        path,
        &[
            &["force-merge", "cart"][..],
            &with_reason("reason=     x      "),
        ]
        .concat(),
        "say why the merge cannot wait, in 10 characters at least",
    );
    refused(
        path,
        &[&["force-merge", "cart"][..], &without("incident")].concat(),
        "the input `incident` is missing",
    );

    // Once requested, the same request again is refused; another pull request is not.
    applied(path, &[&["force-merge", "cart"][..], FORCE_MERGE].concat());
    refused(
        path,
        &[&["force-merge", "cart"][..], FORCE_MERGE].concat(),
        "this force-merge was already requested",
    );
    let output = run(
        path,
        &[
            &["force-merge", "cart", "--dry-run"][..],
            FORCE_MERGE,
            &["--set", "pr=124"],
        ]
        .concat(),
    );
    assert!(output.status.success(), "{}", text(&output));
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(
        !diff.contains("  + platform/runbooks/force-merge.sh"),
        "the runbook is written once: {diff}"
    );

    // Nothing would act on a request.
    git(
        path,
        &["rm", "-q", ".github/workflows/portolan-requests.yaml"],
    );
    git(path, &["commit", "-qm", "no requests workflow"]);
    refused(
        path,
        &[
            &["force-merge", "cart"][..],
            FORCE_MERGE,
            &["--set", "pr=125"],
        ]
        .concat(),
        "this repository has no requests workflow",
    );
}

/// The request's `run`, as the requests workflow runs it (`sh -c`, in the repository,
/// with REQUEST_FILE), against a `gh` that records its arguments.
#[cfg(unix)]
#[test]
fn force_merge_request_runs_gh_with_the_admin_token_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scaffolded();
    let path = dir.path();
    applied(
        path,
        &[
            &["force-merge", "cart"][..],
            FORCE_MERGE,
            &["--set", "method=squash"],
        ]
        .concat(),
    );
    let request = std::fs::read_dir(path.join("requests/force-merge"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let command = read(path, request.strip_prefix(path).unwrap().to_str().unwrap())
        .lines()
        .find_map(|l| l.strip_prefix("run: ").map(str::to_owned))
        .unwrap();
    assert_eq!(
        command,
        "sh platform/runbooks/force-merge.sh 123 acme/platform squash"
    );
    let bin = tempfile::tempdir().unwrap();
    let gh = bin.path().join("gh");
    std::fs::write(
        &gh,
        "#!/bin/sh\necho \"token=$GH_TOKEN\"\nfor a in \"$@\"; do echo \"arg=$a\"; done\n",
    )
    .unwrap();
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let sh = |token: Option<&str>| {
        let mut cmd = std::process::Command::new("sh");
        cmd.args(["-c", &command])
            .current_dir(path)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.path().display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("REQUEST_FILE", request.strip_prefix(path).unwrap())
            .env_remove("PORTOLAN_FORCE_MERGE_TOKEN");
        if let Some(token) = token {
            cmd.env("PORTOLAN_FORCE_MERGE_TOKEN", token);
        }
        cmd.output().unwrap()
    };

    let output = sh(None);
    assert_eq!(output.status.code(), Some(78), "{}", text(&output));
    assert!(
        text(&output).contains("PORTOLAN_FORCE_MERGE_TOKEN is not set, so nothing was merged"),
        "{}",
        text(&output)
    );
    assert!(
        !text(&output).contains("arg="),
        "gh must not run: {}",
        text(&output)
    );

    let output = sh(Some("t0ken"));
    assert!(output.status.success(), "{}", text(&output));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("token=t0ken"), "{out}");
    assert!(
        out.contains("arg=pr\narg=merge\narg=123\narg=--repo\narg=acme/platform\narg=--admin\narg=--squash\n"),
        "{out}"
    );
}

#[test]
fn force_merge_targets_the_services_own_repository() {
    let dir = scaffolded();
    let path = dir.path();
    let entity = read(path, "catalog/Component/cart.yaml").replace(
        "  app: cart\n",
        "  app: cart\n  repository: https://github.com/acme/cart.git\n",
    );
    std::fs::write(path.join("catalog/Component/cart.yaml"), entity).unwrap();
    git(path, &["commit", "-qam", "cart has its own repository"]);
    let output = run(
        path,
        &[&["force-merge", "cart", "--dry-run"][..], FORCE_MERGE].concat(),
    );
    assert!(output.status.success(), "{}", text(&output));
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(
        diff.contains("+run: sh platform/runbooks/force-merge.sh 123 acme/cart merge\n")
            && diff.contains("+pull_request: https://github.com/acme/cart/pull/123\n"),
        "{diff}"
    );
}
