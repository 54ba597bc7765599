//! Writing a change is all or nothing, even across a crash, and one writing run at a
//! time: failures injected at each phase of the apply, a process killed between its
//! renames, and two runs at once. The failure and pause points exist in debug builds
//! only (src/faults.rs), which is what the tests run.

use crate::util::{copy_dir, git, portolan, repo_dir, text, write};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A repository template that creates a file in a new folder, edits one and deletes
/// one: every kind of change the apply makes.
const MIX: &str = r#"name: mix
operation: create
steps:
  - write: { file: notes/2026/new.txt, content: "new\n" }
  - patch:
      file: catalog/Domain/Orders.yaml
      ops: [{ op: replace, path: /title, value: Orders (renamed) }]
  - delete: { file: docs/old.md }
"#;

fn mix_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_dir().join("examples/orders"), dir.path());
    write(dir.path(), "templates/mix/template.yaml", MIX.as_bytes());
    write(dir.path(), "docs/old.md", b"# Old notes\n");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "mix"]);
    dir
}

/// Every file and folder of the working tree (not `.git`), with its bytes.
fn tree(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Option<Vec<u8>>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if rel == ".git" {
                continue;
            }
            if path.is_dir() {
                out.insert(rel, None);
                walk(root, &path, out);
            } else {
                out.insert(rel, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The tree after a clean run of `mix`, made in a copy.
fn tree_after() -> BTreeMap<String, Option<Vec<u8>>> {
    let repo = mix_repo();
    run_mix(repo.path(), &[]).assert().success();
    tree(repo.path())
}

fn run_mix(dir: &Path, env: &[(&str, &str)]) -> assert_cmd::Command {
    let mut cmd = portolan();
    cmd.current_dir(dir)
        .args(["new", "mix", "--no-input", "--now", "2026-12-01T00:00:00Z"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn journal(dir: &Path) -> PathBuf {
    dir.join(".git/portolan/journal.json")
}

#[test]
fn an_injected_failure_at_any_phase_leaves_the_tree_as_it_was() {
    let after = tree_after();
    for point in [
        "stage:1",
        "stage:2",
        "journal:1",
        "rename:1",
        "rename:2",
        "rename:3",
    ] {
        let repo = mix_repo();
        let before = tree(repo.path());
        let out = run_mix(repo.path(), &[("PORTOLAN_TEST_FAULT", point)])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{point}: {}", text(&out));
        let said = text(&out);
        assert!(
            said.contains(&format!("injected failure at {point}")),
            "{said}"
        );
        assert!(said.contains("nothing was changed"), "{said}");
        assert!(tree(repo.path()) == before, "{point}: the tree changed");
        assert!(!journal(repo.path()).exists(), "{point}: a journal is left");
        // The same run without the failure gives the whole change.
        run_mix(repo.path(), &[]).assert().success();
        assert!(tree(repo.path()) == after, "{point}: the rerun differs");
    }
}

/// Start `portolan new mix` paused at `point`, and wait until it is there.
fn paused(dir: &Path, point: &str) -> Child {
    let marker = dir.join(".git/paused-at");
    let child = Command::new(assert_cmd::cargo::cargo_bin("portolan"))
        .current_dir(dir)
        .args(["new", "mix", "--no-input", "--now", "2026-12-01T00:00:00Z"])
        .env("NO_COLOR", "1")
        .env("PORTOLAN_TEST_PAUSE", point)
        .env("PORTOLAN_TEST_PAUSE_FILE", &marker)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !marker.exists() {
        assert!(started.elapsed() < Duration::from_secs(60), "never paused");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn kill(mut child: Child) {
    child.kill().unwrap(); // SIGKILL: no destructor, no cleanup runs
    child.wait().unwrap();
}

#[test]
fn a_run_killed_between_its_renames_is_undone_by_the_next_writing_command() {
    let after = tree_after();
    let repo = mix_repo();
    let dir = repo.path();
    let before = tree(dir);
    kill(paused(dir, "rename:2"));
    let half = tree(dir);
    assert!(
        half != before && half != after,
        "the kill left a half-applied tree"
    );
    assert!(journal(dir).exists());

    // Read-only commands say so and change nothing.
    for args in [&["validate"][..], &["list", "Domain"]] {
        let out = portolan().current_dir(dir).args(args).output().unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("interrupted portolan run"),
            "{args:?}: {}",
            text(&out)
        );
        assert!(tree(dir) == half, "{args:?} changed the tree");
    }
    let dry = run_mix(dir, &[]).arg("--dry-run").output().unwrap();
    assert!(
        text(&dry).contains("interrupted portolan run"),
        "{}",
        text(&dry)
    );
    assert!(tree(dir) == half, "--dry-run changed the tree");

    // The next writing command undoes it first, whatever it then does.
    let out = portolan()
        .current_dir(dir)
        .args(["new", "no-such-template", "--no-input"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("was interrupted while writing its change; it was undone"),
        "{}",
        text(&out)
    );
    assert!(tree(dir) == before, "the tree is as before the killed run");
    assert!(!journal(dir).exists());
    run_mix(dir, &[]).assert().success();
    assert!(tree(dir) == after);
}

#[test]
fn a_run_killed_while_staging_leaves_only_temporary_files_which_the_next_run_removes() {
    let repo = mix_repo();
    let dir = repo.path();
    let before = tree(dir);
    kill(paused(dir, "stage:2"));
    let left = tree(dir);
    let temporaries: Vec<&String> = left.keys().filter(|p| p.contains(".portolan-")).collect();
    assert!(!temporaries.is_empty(), "staging wrote temporary files");
    let out = run_mix(dir, &[]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("interrupted before it changed any file"),
        "{}",
        text(&out)
    );
    assert!(
        !tree(dir).keys().any(|p| p.contains(".portolan-")),
        "no temporary file is left"
    );
    assert!(before.contains_key("docs/old.md") && !dir.join("docs/old.md").exists());
}

/// A user's edit made after a run was killed is never overwritten by the undo.
#[test]
fn undoing_an_interrupted_run_keeps_an_edit_made_since() {
    let repo = mix_repo();
    let dir = repo.path();
    kill(paused(dir, "rename:3"));
    // Files are renamed in path order: rename:1 edited the catalog, rename:2 deleted
    // docs/old.md, rename:3 (the new note) never ran. The user edits the catalog file.
    let orders = "catalog/Domain/Orders.yaml";
    let edited = format!(
        "{}# my note\n",
        std::fs::read_to_string(dir.join(orders)).unwrap()
    );
    write(dir, orders, edited.as_bytes());
    let out = portolan()
        .current_dir(dir)
        .args(["new", "no-such-template", "--no-input"])
        .output()
        .unwrap();
    assert!(text(&out).contains("left as they are"), "{}", text(&out));
    assert!(text(&out).contains(orders), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(dir.join(orders)).unwrap(), edited);
    assert_eq!(
        std::fs::read_to_string(dir.join("docs/old.md")).unwrap(),
        "# Old notes\n",
        "what the edit did not touch is put back"
    );
    assert!(
        !dir.join("notes").exists(),
        "the folders the run made are gone"
    );
}

#[test]
fn a_second_writing_run_waits_for_the_first_then_fails_clearly() {
    let repo = mix_repo();
    let dir = repo.path();
    let first = paused(dir, "rename:1");
    let started = Instant::now();
    let second = portolan()
        .current_dir(dir)
        .args(["run", "set-replicas", "Component/CartService", "--no-input"])
        .args(["--set", "env=dev", "--set", "replicas=2"])
        .env("PORTOLAN_TEST_LOCK_WAIT_MS", "400")
        .output()
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(400), "it waited");
    assert_eq!(second.status.code(), Some(2), "{}", text(&second));
    assert!(
        text(&second).contains("another portolan command is changing this repository"),
        "{}",
        text(&second)
    );
    kill(first);

    // A run that waits long enough goes through once the first is done.
    let repo = mix_repo();
    let dir = repo.path();
    let marker = dir.join(".git/paused-at");
    let mut first = Command::new(assert_cmd::cargo::cargo_bin("portolan"))
        .current_dir(dir)
        .args(["new", "mix", "--no-input", "--now", "2026-12-01T00:00:00Z"])
        .env("PORTOLAN_TEST_PAUSE", "rename:1")
        .env("PORTOLAN_TEST_PAUSE_FILE", &marker)
        .env("PORTOLAN_TEST_PAUSE_MS", "700")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while !marker.exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = run_mix(dir, &[]).output().unwrap();
    assert!(first.wait().unwrap().success());
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        text(&second).contains("nothing to change"),
        "the second run saw the first one's change: {}",
        text(&second)
    );
}
