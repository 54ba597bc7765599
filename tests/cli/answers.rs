//! Answers records (`.portolan/answers/<Blueprint>/<id>/<template>.yaml`): one per
//! entity and template, runs added and never replaced, gone with their entity, and
//! records of the first layout moved in the first writing run.

use crate::util::{git, portolan, text, write};
use std::path::Path;

const NOW: &str = "2026-12-01T00:00:00Z";

fn portolan_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = portolan();
    cmd.args(args).arg("--no-input");
    if args[0] != "init" {
        cmd.args(["--now", NOW]);
    }
    cmd.current_dir(dir).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    succeeds(portolan_in(dir, args))
}

/// What a successful run said.
fn succeeds(output: std::process::Output) -> String {
    assert!(output.status.success(), "{}", text(&output));
    text(&output)
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `run set-replicas Component/orders` in one environment.
fn replicas(dir: &Path, env: &str, count: u32) -> std::process::Output {
    let (env, count) = (format!("env={env}"), format!("replicas={count}"));
    portolan_in(
        dir,
        &[
            "run",
            "set-replicas",
            "Component/orders",
            "--set",
            &env,
            "--set",
            &count,
        ],
    )
}

/// init, then the service `orders`.
fn platform() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    ok(dir.path(), &["init", "--set", "repo=acme/platform"]);
    ok(dir.path(), &["new", "service", "--set", "name=orders"]);
    commit(dir.path(), "orders");
    dir
}

/// A customer and a service of one name, a dev environment and a service of one name:
/// each keeps its own record.
#[test]
fn records_of_entities_that_share_a_name_never_overwrite_each_other() {
    let repo = platform();
    let dir = repo.path();
    let service = read(dir, ".portolan/answers/Component/orders/service.yaml");
    ok(
        dir,
        &[
            "new",
            "create-customer",
            "--set",
            "name=orders",
            "--set",
            "tier=team",
        ],
    );
    assert_eq!(
        read(dir, ".portolan/answers/Component/orders/service.yaml"),
        service
    );
    let customer = read(
        dir,
        ".portolan/answers/Customer/orders/create-customer.yaml",
    );
    assert!(customer.contains("tier: team"), "{customer}");
    commit(dir, "customer");

    ok(dir, &["new", "service", "--set", "name=alice"]);
    let alice = read(dir, ".portolan/answers/Component/alice/service.yaml");
    ok(
        dir,
        &[
            "new",
            "create-dev-env",
            "--set",
            "name=alice",
            "--set",
            "owner=alice@acme.io",
        ],
    );
    assert_eq!(
        read(dir, ".portolan/answers/Component/alice/service.yaml"),
        alice
    );
    assert!(dir
        .join(".portolan/answers/Environment/alice/create-dev-env.yaml")
        .is_file());
}

/// Day-2 runs are recorded too, each run added; the same run again changes nothing.
#[test]
fn runs_are_added_to_the_record_and_a_repeated_run_changes_nothing() {
    let repo = platform();
    let dir = repo.path();
    let record = ".portolan/answers/Component/orders/set-replicas.yaml";
    succeeds(replicas(dir, "dev", 3));
    commit(dir, "dev");
    succeeds(replicas(dir, "prod", 5));
    commit(dir, "prod");
    let text = read(dir, record);
    assert_eq!(text.matches("run_key:").count(), 2, "{text}");
    assert!(
        text.contains("replicas: 3") && text.contains("replicas: 5"),
        "{text}"
    );

    let again = succeeds(replicas(dir, "prod", 5));
    assert!(again.contains("nothing to change"), "{again}");
    assert_eq!(read(dir, record), text);
    assert!(git(dir, &["status", "--porcelain"]).is_empty());
}

/// A record that is not one portolan can read is never replaced.
#[test]
fn a_record_portolan_cannot_read_is_never_overwritten() {
    let repo = platform();
    let dir = repo.path();
    let record = ".portolan/answers/Component/orders/set-replicas.yaml";
    write(dir, record, b"my notes: [unfinished\n");
    commit(dir, "notes");
    let output = replicas(dir, "dev", 3);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("not an answers record"),
        "{}",
        text(&output)
    );
    assert_eq!(read(dir, record), "my notes: [unfinished\n");
}

/// An entity's records go when it goes: `delete-*` templates and `env gc`.
#[test]
fn deleting_an_entity_removes_its_records() {
    let repo = platform();
    let dir = repo.path();
    ok(
        dir,
        &[
            "new",
            "create-dev-env",
            "--set",
            "name=bob",
            "--set",
            "owner=bob@acme.io",
            "--set",
            "days=1",
        ],
    );
    ok(
        dir,
        &[
            "new",
            "create-dev-env",
            "--set",
            "name=carol",
            "--set",
            "owner=carol@acme.io",
        ],
    );
    commit(dir, "envs");
    ok(
        dir,
        &[
            "run",
            "extend-dev-env",
            "Environment/carol",
            "--set",
            "days=3",
        ],
    );
    commit(dir, "envs");
    assert!(dir
        .join(".portolan/answers/Environment/carol/extend-dev-env.yaml")
        .is_file());

    ok(dir, &["run", "delete-dev-env", "Environment/carol"]);
    assert!(!dir.join(".portolan/answers/Environment/carol").exists());
    commit(dir, "carol gone");

    let output = portolan()
        .args(["env", "gc", "--now", "2030-01-01T00:00:00Z"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(!dir.join(".portolan/answers/Environment/bob").exists());
    assert!(dir
        .join(".portolan/answers/Component/orders/service.yaml")
        .is_file());
}

/// Records of the first layout (`.portolan/answers/<name>.yaml`) move under their
/// entity in the first writing run, in the same change.
#[test]
fn records_of_the_first_layout_move_in_the_next_writing_run() {
    let repo = platform();
    let dir = repo.path();
    let now = read(dir, ".portolan/answers/Component/orders/service.yaml");
    std::fs::remove_dir_all(dir.join(".portolan/answers")).unwrap();
    write(
        dir,
        ".portolan/answers/orders.yaml",
        b"# Written by `portolan new service`: how this was made, for later updates.\ntemplate: service\nversion: 1\nnow: 2026-11-01T00:00:00Z\ninputs:\n  name: orders\n",
    );
    write(
        dir,
        ".portolan/answers/ghost.yaml",
        b"template: service\nversion: 1\ninputs:\n  name: ghost\n",
    );
    commit(dir, "old layout");
    assert!(now.contains("runs:"));

    let said = succeeds(replicas(dir, "dev", 2));
    assert!(
        !dir.join(".portolan/answers/orders.yaml").exists(),
        "{said}"
    );
    let moved = read(dir, ".portolan/answers/Component/orders/service.yaml");
    assert!(
        moved.contains("now: 2026-11-01T00:00:00Z") && moved.contains("name: orders"),
        "{moved}"
    );
    // No entity `ghost`: kept aside, never dropped.
    assert!(dir.join(".portolan/answers/_unkeyed/ghost.yaml").is_file());
    assert!(dir
        .join(".portolan/answers/Component/orders/set-replicas.yaml")
        .is_file());
}

/// Portolan's own uncommitted edits are not a user's work in progress: runs in a row
/// need no commit between them, but a file a person touched since is never overwritten.
#[test]
fn runs_in_a_row_may_change_portolans_own_edits_never_a_users() {
    let repo = platform();
    let dir = repo.path();
    let overlay = "apps/orders/envs/dev/kustomization.yaml";
    for count in [3, 4] {
        succeeds(replicas(dir, "dev", count));
    }
    assert!(
        read(dir, overlay).contains("count: 4"),
        "{}",
        read(dir, overlay)
    );
    assert_eq!(
        read(dir, ".portolan/answers/Component/orders/set-replicas.yaml")
            .matches("run_key:")
            .count(),
        2
    );

    let edited = format!("{}# scaled by hand\n", read(dir, overlay));
    write(dir, overlay, edited.as_bytes());
    let output = replicas(dir, "dev", 5);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("uncommitted changes"),
        "{}",
        text(&output)
    );
    assert_eq!(read(dir, overlay), edited);
}
