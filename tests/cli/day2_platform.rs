//! The platform's built-in templates on the scaffolded repository of `day2`: cloud
//! resources (create, modify, grant temporary access, which `env gc` takes back), data
//! engineering requests, mock data and notebooks. Each has an exact diff (a snapshot in
//! `tests/snapshots/day2/`), a result that validates strictly, comments that survive in
//! the files it touches, and failures that say why and write nothing.

use crate::day2::{assert_valid, check_on, comments, run, scaffolded, NOW};
use crate::util::{git, portolan, repo_dir, text, write};
use std::path::Path;

/// `portolan new` on the scaffold, at `NOW`.
fn new(dir: &Path, args: &[&str]) -> std::process::Output {
    portolan()
        .arg("new")
        .args(args)
        .args(["--no-input", "--now", NOW])
        .current_dir(dir)
        .output()
        .unwrap()
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message]);
}

/// Compare a diff with its snapshot (`PORTOLAN_UPDATE_GENERATED=1` rewrites it).
fn snapshot(name: &str, diff: &str) {
    let path = repo_dir().join(format!("tests/snapshots/day2/{name}.diff"));
    if std::env::var_os("PORTOLAN_UPDATE_GENERATED").is_some() {
        std::fs::write(&path, diff).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with PORTOLAN_UPDATE_GENERATED=1",
            path.display()
        )
    });
    assert_eq!(diff, expected, "{name}: the diff changed");
}

/// The files a `--dry-run` diff modifies (`~`), with their current text.
fn touched(dir: &Path, diff: &str) -> Vec<(String, String)> {
    diff.lines()
        .filter_map(|l| l.strip_prefix("  ~ "))
        .map(|f| (f.to_owned(), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect()
}

fn assert_comments_kept(dir: &Path, what: &str, before: Vec<(String, String)>) {
    for (file, old) in before {
        let new = std::fs::read_to_string(dir.join(&file)).unwrap();
        for comment in comments(&old) {
            assert!(
                new.contains(&comment),
                "{what}: the comment `{comment}` of {file} is gone:\n{new}"
            );
        }
    }
}

/// A create template on the scaffold: its exact diff, then the real run, which keeps
/// the comments of the files it edits and leaves a repository that validates.
fn check_new(template: &str, args: &[&str]) -> tempfile::TempDir {
    let dir = scaffolded();
    let mut full = vec![template];
    full.extend_from_slice(args);
    let dry = new(dir.path(), &[&full[..], &["--dry-run"]].concat());
    assert!(dry.status.success(), "{template}: {}", text(&dry));
    let diff = String::from_utf8(dry.stdout).unwrap();
    snapshot(template, &diff);
    let before = touched(dir.path(), &diff);
    let output = new(dir.path(), &full);
    assert!(output.status.success(), "{template}: {}", text(&output));
    assert_comments_kept(dir.path(), template, before);
    assert_valid(dir.path(), template);
    dir
}

/// A run that must fail with `code`, say `expected`, and write nothing.
fn refused(dir: &Path, output: &std::process::Output, code: i32, expected: &str) {
    assert_eq!(output.status.code(), Some(code), "{}", text(output));
    assert!(text(output).contains(expected), "{}", text(output));
    let status = git(dir, &["status", "--porcelain"]);
    assert!(status.is_empty(), "nothing written: {status}");
}

// Cloud resources.

#[test]
fn create_resource() {
    // Owned by cart: a folder of its own, included by cart's overlays; cart lists it.
    let dir = check_new(
        "create-resource",
        &[
            "--set",
            "name=receipts",
            "--set",
            "type=s3-bucket",
            "--set",
            "owner=cart",
            "--set",
            "parameters={versioning: true}",
        ],
    );
    let cart = std::fs::read_to_string(dir.path().join("catalog/Component/cart.yaml")).unwrap();
    assert!(cart.contains("- cart-db\n  - receipts\n"), "{cart}");
}

#[test]
fn create_resource_without_owner_has_applications_of_its_own() {
    let dir = scaffolded();
    // A second service without a database: its Component has no `resources` yet.
    let output = new(dir.path(), &["service", "--set", "name=orders"]);
    assert!(output.status.success(), "{}", text(&output));
    commit(dir.path(), "orders");
    for args in [
        &["--set", "name=events", "--set", "type=kafka-topic"][..],
        &[
            "--set",
            "name=orders-jobs",
            "--set",
            "type=rabbit-queue",
            "--set",
            "owner=orders",
        ],
        &[
            "--set",
            "name=orders-archive",
            "--set",
            "type=postgress",
            "--set",
            "owner=orders",
            "--set",
            "parameters={storageGB: 50}",
        ],
    ] {
        let output = new(dir.path(), &[&["create-resource"][..], args].concat());
        assert!(output.status.success(), "{args:?}: {}", text(&output));
        assert_valid(dir.path(), &format!("{args:?}"));
        commit(dir.path(), "resource");
    }
    for file in [
        "apps/events/envs/dev/events.yaml",
        "argocd/apps/events-dev.yaml",
        "argocd/apps/events-prod.yaml",
        "platform/crossplane/kafka-topic.yaml",
        "platform/crossplane/rabbit-queue.yaml",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} is missing");
    }
    let events =
        std::fs::read_to_string(dir.path().join("apps/events/envs/prod/kustomization.yaml"))
            .unwrap();
    assert!(events.contains("namespace: events-prod"), "{events}");
    assert!(!dir.path().join("argocd/apps/orders-jobs-dev.yaml").exists());
    let orders = std::fs::read_to_string(dir.path().join("catalog/Component/orders.yaml")).unwrap();
    assert!(
        orders.contains("resources:\n  - orders-jobs\n  - orders-archive\n"),
        "{orders}"
    );
    let claim = std::fs::read_to_string(
        dir.path()
            .join("apps/orders-archive/envs/dev/orders-archive.yaml"),
    )
    .unwrap();
    assert!(
        claim.contains("storageGB: 50") && claim.contains("version: \"16\""),
        "{claim}"
    );
}

#[test]
fn create_resource_refuses_what_exists_and_parameters_its_xrd_does_not_know() {
    let dir = scaffolded();
    let output = new(
        dir.path(),
        &[
            "create-resource",
            "--set",
            "name=cart-db",
            "--set",
            "type=postgress",
        ],
    );
    refused(
        dir.path(),
        &output,
        2,
        "the Resource `cart-db` already exists; change it with `portolan run modify-resource Resource/cart-db`",
    );
    let output = new(
        dir.path(),
        &[
            "create-resource",
            "--set",
            "name=cart",
            "--set",
            "type=s3-bucket",
        ],
    );
    refused(dir.path(), &output, 2, "`cart` is taken");
    let output = new(
        dir.path(),
        &[
            "create-resource",
            "--set",
            "name=ledger",
            "--set",
            "type=postgress",
            "--set",
            "parameters={storageGb: 50}",
        ],
    );
    refused(dir.path(), &output, 1, "unknown field `storageGb`");
}

#[test]
fn modify_resource() {
    check_on(
        "modify-resource",
        "Resource/cart-db",
        &["--set", "env=prod", "--set", "parameters={storageGB: 50}"],
        &[],
    );
}

#[test]
fn modify_resource_finds_created_claims_and_refuses_what_it_cannot_find() {
    let dir = scaffolded();
    let output = new(
        dir.path(),
        &[
            "create-resource",
            "--set",
            "name=receipts",
            "--set",
            "type=s3-bucket",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    write(
        dir.path(),
        "catalog/Resource/legacy.yaml",
        b"# Made by hand, long ago.\nidentifier: legacy\nproperties:\n  type: s3-bucket\n",
    );
    commit(dir.path(), "resources");

    let output = run(
        dir.path(),
        &[
            "modify-resource",
            "Resource/receipts",
            "--set",
            "env=dev",
            "--set",
            "parameters={tier: archive}",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    let claim =
        std::fs::read_to_string(dir.path().join("apps/receipts/envs/dev/receipts.yaml")).unwrap();
    assert!(claim.contains("tier: archive"), "{claim}");
    git(dir.path(), &["checkout", "-q", "--", "."]);
    git(dir.path(), &["clean", "-q", "-fd"]);

    let output = run(
        dir.path(),
        &[
            "modify-resource",
            "Resource/receipts",
            "--set",
            "env=dev",
            "--set",
            "parameters={tier: cold}",
        ],
    );
    refused(dir.path(), &output, 1, "\"cold\" is not one of");
    let output = run(
        dir.path(),
        &[
            "modify-resource",
            "Resource/legacy",
            "--set",
            "env=dev",
            "--set",
            "parameters={tier: archive}",
        ],
    );
    refused(
        dir.path(),
        &output,
        2,
        "portolan cannot find the claim of `legacy` in dev",
    );
}

#[test]
fn grant_access() {
    // The second grant merges into the list the first one wrote.
    check_on(
        "grant-access",
        "Resource/cart-db",
        &[
            "--set",
            "env=prod",
            "--set",
            "user=bob.smith@acme.io",
            "--set",
            "reason=INC-42: orders stuck",
        ],
        &[&[
            "grant-access",
            "Resource/cart-db",
            "--set",
            "env=prod",
            "--set",
            "service=cart",
            "--set",
            "access=write",
            "--set",
            "days=30",
            "--set",
            "reason=nightly export",
        ]],
    );
}

#[test]
fn grant_access_refuses_an_expiry_that_is_not_ahead() {
    let dir = scaffolded();
    let grant = |extra: &[&str]| {
        run(
            dir.path(),
            &[
                &[
                    "grant-access",
                    "Resource/cart-db",
                    "--set",
                    "env=prod",
                    "--set",
                    "reason=debugging",
                ][..],
                extra,
            ]
            .concat(),
        )
    };
    let output = grant(&["--set", "user=bob@acme.io", "--set", "days=0"]);
    refused(
        dir.path(),
        &output,
        2,
        "input `days`: 0 is less than the minimum of 1",
    );
    let output = grant(&["--set", "user=bob@acme.io", "--set", "until=2026-11-01"]);
    refused(
        dir.path(),
        &output,
        2,
        "the access would end at 2026-11-01, which is not after now (2026-11-29T12:00:00Z)",
    );
    let output = grant(&["--set", "user=bob@acme.io", "--set", "until=2027-06-01"]);
    refused(
        dir.path(),
        &output,
        2,
        "temporary access lasts at most 90 days",
    );
    let output = grant(&["--set", "user=bob@acme.io", "--set", "service=cart"]);
    refused(dir.path(), &output, 2, "not both");
    let output = grant(&[]);
    refused(dir.path(), &output, 2, "say who gets access");
}

#[test]
fn env_gc_removes_exactly_the_grants_expired_at_now() {
    let dir = scaffolded();
    // bob until 2026-12-01T12:00Z, cart until 2026-12-09T12:00Z; alice's environment
    // (scaffold) expires on 2026-12-04T12:00Z.
    for (subject, days) in [("user=bob@acme.io", "2"), ("service=cart", "10")] {
        let output = run(
            dir.path(),
            &[
                "grant-access",
                "Resource/cart-db",
                "--set",
                "env=dev",
                "--set",
                subject,
                "--set",
                &format!("days={days}"),
                "--set",
                "reason=debugging",
            ],
        );
        assert!(output.status.success(), "{}", text(&output));
        commit(dir.path(), subject);
    }
    let gc = |now: &str| {
        portolan()
            .args(["env", "gc", "--now", now])
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let grants =
        || std::fs::read_to_string(dir.path().join("platform/access/grants.yaml")).unwrap();

    let output = gc("2026-12-01T11:59:59Z");
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("nothing to remove"),
        "{}",
        text(&output)
    );
    assert!(git(dir.path(), &["status", "--porcelain"]).is_empty());

    let output = gc("2026-12-01T12:00:00Z");
    assert!(output.status.success(), "{}", text(&output));
    let status = git(dir.path(), &["status", "--porcelain"]);
    assert_eq!(status.trim(), "M platform/access/grants.yaml", "{status}");
    let now = grants();
    assert!(!now.contains("bob@acme.io"), "{now}");
    assert!(now.contains("cart-db-dev-service-cart"), "{now}");
    assert!(now.contains("# Temporary access"), "{now}");
    assert_valid(dir.path(), "gc of bob's grant");
    commit(dir.path(), "gc");

    let output = gc("2026-12-09T12:00:00Z");
    assert!(output.status.success(), "{}", text(&output));
    assert!(!dir.path().join("catalog/Environment/alice.yaml").exists());
    let now = grants();
    assert!(!now.contains("service-cart"), "{now}");
    assert_valid(dir.path(), "gc of every grant");
    commit(dir.path(), "gc");

    // After the last one, the next grant writes the list again.
    let output = run(
        dir.path(),
        &[
            "grant-access",
            "Resource/cart-db",
            "--set",
            "env=prod",
            "--set",
            "user=carol@acme.io",
            "--set",
            "reason=audit",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(grants().contains("name: carol@acme.io"), "{}", grants());
    assert_valid(dir.path(), "a grant after gc");
}

// Requests, and the runbooks they run.

/// `portolan run` at another time than `NOW`.
fn run_at(dir: &Path, now: &str, args: &[&str]) -> std::process::Output {
    portolan()
        .arg("run")
        .args(args)
        .args(["--no-input", "--now", now])
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn load_mock_data() {
    check_on(
        "load-mock-data",
        "Environment/alice",
        &[
            "--set",
            "dataset=orders-small",
            "--set",
            "component=cart",
            "--set",
            "reset=true",
        ],
        &[],
    );
}

#[test]
fn load_mock_data_goes_only_into_live_development_environments() {
    let dir = scaffolded();
    write(
        dir.path(),
        "catalog/Environment/production.yaml",
        b"identifier: production\nproperties:\n  type: production\n  namespace: cart-prod\n",
    );
    write(
        dir.path(),
        "catalog/Component/search.yaml",
        b"identifier: search\nproperties:\n  type: service\n  app: search\n",
    );
    commit(dir.path(), "more entities");
    let output = run(
        dir.path(),
        &[
            "load-mock-data",
            "Environment/production",
            "--set",
            "dataset=orders-small",
        ],
    );
    refused(
        dir.path(),
        &output,
        2,
        "`production` is not a development environment: mock data goes only into development environments",
    );
    let output = run(
        dir.path(),
        &[
            "load-mock-data",
            "Environment/alice",
            "--set",
            "dataset=orders-small",
            "--set",
            "component=search",
        ],
    );
    refused(
        dir.path(),
        &output,
        2,
        "`search` is not a component of `alice` (it has: cart)",
    );
    let output = run_at(
        dir.path(),
        "2026-12-04T12:00:00Z",
        &[
            "load-mock-data",
            "Environment/alice",
            "--set",
            "dataset=orders-small",
        ],
    );
    refused(
        dir.path(),
        &output,
        2,
        "`alice` expired at 2026-12-04T12:00:00Z: extend it first",
    );
    let output = run(
        dir.path(),
        &[
            "load-mock-data",
            "Environment/alice",
            "--set",
            "dataset=../etc",
        ],
    );
    refused(dir.path(), &output, 2, "input `dataset`");
}

#[test]
fn run_dag() {
    check_on(
        "run-dag",
        "Component/cart",
        &[
            "--set",
            "dag=cart_daily_export",
            "--set",
            "env=prod",
            "--set",
            "conf={date: 2026-11-28, full: true}",
            "--set",
            "reason=backfill after INC-42",
        ],
        &[],
    );
}

#[test]
fn duplicate_table() {
    check_on(
        "duplicate-table",
        "Resource/cart-db",
        &[
            "--set",
            "table=cart",
            "--set",
            "new_name=cart_inc42",
            "--set",
            "env=prod",
            "--set",
            "to_env=dev",
            "--set",
            "reason=replay INC-42 in dev",
        ],
        &[],
    );
}

#[test]
fn duplicate_table_refuses_what_it_cannot_copy() {
    let dir = scaffolded();
    write(
        dir.path(),
        "catalog/Resource/receipts.yaml",
        b"identifier: receipts\nproperties:\n  type: s3-bucket\n",
    );
    commit(dir.path(), "a bucket");
    let copy = |resource: &str, table: &str, new_name: &str| {
        run(
            dir.path(),
            &[
                "duplicate-table",
                resource,
                "--set",
                &format!("table={table}"),
                "--set",
                &format!("new_name={new_name}"),
                "--set",
                "env=prod",
                "--set",
                "reason=testing",
            ],
        )
    };
    let output = copy("Resource/cart-db", "orders", "orders_copy");
    refused(
        dir.path(),
        &output,
        2,
        "`cart-db` has no table `orders` in prod",
    );
    let output = copy("Resource/cart-db", "cart", "cart");
    refused(
        dir.path(),
        &output,
        2,
        "the copy needs a new name, or another environment",
    );
    let output = copy("Resource/receipts", "cart", "cart_copy");
    refused(
        dir.path(),
        &output,
        2,
        "`receipts` is not a PostgreSQL database (its type is s3-bucket)",
    );
    let output = copy("Resource/cart-db", "cart", "cart; drop");
    refused(dir.path(), &output, 2, "input `new_name`");
}

/// The `run` line of the one request a template wrote.
fn request_command(dir: &Path, template: &str) -> String {
    let folder = dir.join("requests").join(template);
    let entry = std::fs::read_dir(&folder)
        .unwrap()
        .next()
        .expect("a request")
        .unwrap();
    let request = std::fs::read_to_string(entry.path()).unwrap();
    request
        .lines()
        .find_map(|l| l.strip_prefix("run: "))
        .expect("a `run` line")
        .to_owned()
}

/// Run a command line in `dir` with `sh`, the runbooks' settings unset but `set`.
fn shell(dir: &Path, command: &str, set: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", command]).current_dir(dir);
    for name in [
        "REQUEST_FILE",
        "ML_TRAIN_COMMAND",
        "ML_PREPROCESS_COMMAND",
        "MOCK_DATA_COMMAND",
        "TABLE_COPY_COMMAND",
        "AIRFLOW_URL",
        "AIRFLOW_URL_PROD",
        "AIRFLOW_TOKEN",
        "AIRFLOW_USERNAME",
        "AIRFLOW_PASSWORD",
    ] {
        cmd.env_remove(name);
    }
    cmd.envs(set.iter().copied());
    cmd.output().unwrap()
}

#[test]
fn requests_run_runbooks_that_hand_off_or_say_what_is_missing() {
    let dir = scaffolded();
    // A stand-in for curl that prints its arguments, one per line.
    write(
        dir.path(),
        "bin/curl",
        b"#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n",
    );
    let curl = dir.path().join("bin/curl");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&curl)
        .status()
        .unwrap();
    let path = format!(
        "{}:{}",
        dir.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let handed = "printf '<%s>'";
    for (template, entity, args, setting, configured, expected) in [
        (
            "load-mock-data",
            "Environment/alice",
            &["--set", "dataset=orders-small", "--set", "component=cart"][..],
            "MOCK_DATA_COMMAND",
            vec![("MOCK_DATA_COMMAND", handed)],
            "<--namespace><dev-alice><--dataset><orders-small><--app><cart>",
        ),
        (
            "duplicate-table",
            "Resource/cart-db",
            &[
                "--set",
                "table=cart",
                "--set",
                "new_name=cart_copy",
                "--set",
                "env=prod",
                "--set",
                "to_env=dev",
                "--set",
                "reason=debugging",
            ],
            "TABLE_COPY_COMMAND",
            vec![("TABLE_COPY_COMMAND", handed)],
            "<--from><cart-prod/cart-db-admin><--table><cart><--to><cart-dev/cart-db-admin><--to-table><cart_copy>",
        ),
        (
            "run-dag",
            "Component/cart",
            &["--set", "dag=cart_daily", "--set", "env=prod"],
            "AIRFLOW_URL",
            vec![
                ("AIRFLOW_URL_PROD", "https://airflow.prod.internal/"),
                ("AIRFLOW_TOKEN", "t0ken"),
                ("PATH", path.as_str()),
            ],
            "[https://airflow.prod.internal/api/v1/dags/cart_daily/dagRuns]",
        ),
    ] {
        let output = run(dir.path(), &[&[template, entity][..], args].concat());
        assert!(output.status.success(), "{template}: {}", text(&output));
        let command = request_command(dir.path(), template);
        assert!(
            dir.path()
                .join(command.split(' ').nth(1).unwrap())
                .is_file(),
            "{command}"
        );
        let output = shell(dir.path(), &command, &[]);
        assert_eq!(output.status.code(), Some(78), "{command}: {}", text(&output));
        assert!(
            text(&output).contains(&format!("{setting} is not set"))
                || text(&output).contains(&format!("nor {setting} is set")),
            "{command}: {}",
            text(&output)
        );
        let output = shell(dir.path(), &command, &configured);
        assert!(output.status.success(), "{command}: {}", text(&output));
        let said = String::from_utf8_lossy(&output.stdout).replace('\n', "");
        assert!(said.contains(expected), "{command}: {said}");
    }

    // train-model's runbooks, with the data set given (the workflow's REQUEST_FILE
    // otherwise, read with yq).
    for (script, setting) in [
        ("ml-train", "ML_TRAIN_COMMAND"),
        ("ml-preprocess", "ML_PREPROCESS_COMMAND"),
    ] {
        let command = format!("sh platform/runbooks/{script}.sh churn s3://data/churn");
        let output = shell(dir.path(), &command, &[]);
        assert_eq!(output.status.code(), Some(78), "{}", text(&output));
        assert!(text(&output).contains(&format!("{setting} is not set")));
        let output = shell(dir.path(), &command, &[(setting, handed)]);
        assert!(output.status.success(), "{}", text(&output));
        assert!(
            String::from_utf8_lossy(&output.stdout)
                .contains("<--model><churn><--dataset><s3://data/churn>"),
            "{}",
            text(&output)
        );
        let output = shell(
            dir.path(),
            &format!("sh platform/runbooks/{script}.sh churn"),
            &[(setting, handed)],
        );
        assert_eq!(output.status.code(), Some(64), "{}", text(&output));
        assert!(text(&output).contains("no data set"), "{}", text(&output));
    }
    // Arguments that are not what they claim are refused before anything runs.
    for command in [
        "sh platform/runbooks/mock-data.sh 'dev-alice;reboot' orders-small",
        "sh platform/runbooks/duplicate-table.sh cart-prod/cart-db-admin 'cart;drop' cart-dev/x y",
        "sh platform/runbooks/run-dag.sh cart_daily prod '[1]'",
        "sh platform/runbooks/ml-train.sh churn 'not a url'",
    ] {
        let output = shell(
            dir.path(),
            command,
            &[
                ("MOCK_DATA_COMMAND", handed),
                ("TABLE_COPY_COMMAND", handed),
                ("ML_TRAIN_COMMAND", handed),
                ("AIRFLOW_URL", "http://airflow"),
                ("AIRFLOW_TOKEN", "t"),
            ],
        );
        assert_eq!(
            output.status.code(),
            Some(64),
            "{command}: {}",
            text(&output)
        );
        assert!(output.stdout.is_empty(), "{command}: {}", text(&output));
    }
}

// Notebooks.

#[test]
fn create_notebook() {
    let dir = check_new(
        "create-notebook",
        &[
            "--set",
            "name=churn-eda",
            "--set",
            "owner=dana@acme.io",
            "--set",
            "gpu=true",
        ],
    );
    commit(dir.path(), "notebook");
    // Three days by default: gc removes it then, and alice (2026-12-04) stays.
    let output = portolan()
        .args(["env", "gc", "--now", "2026-12-02T12:00:00Z"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(!dir.path().join("apps/dev-envs/churn-eda").exists());
    assert!(!dir.path().join("argocd/apps/dev-churn-eda.yaml").exists());
    assert!(!dir
        .path()
        .join("catalog/Environment/churn-eda.yaml")
        .exists());
    assert!(dir.path().join("catalog/Environment/alice.yaml").exists());
    assert_valid(dir.path(), "after gc");
}

#[test]
fn create_notebook_refuses_a_name_in_use() {
    let dir = scaffolded();
    write(
        dir.path(),
        "apps/dev-envs/zed/kustomization.yaml",
        b"resources: []\n",
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "zed"]);
    for (name, expected) in [
        ("alice", "the Environment `alice` already exists"),
        ("prod", "`prod` is one of the configured environments"),
        ("zed", "`zed` is taken"),
    ] {
        let output = new(
            dir.path(),
            &[
                "create-notebook",
                "--set",
                &format!("name={name}"),
                "--set",
                "owner=dana@acme.io",
            ],
        );
        refused(dir.path(), &output, 2, expected);
    }
}
