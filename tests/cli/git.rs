//! Git-native checking, on real repositories in temporary directories: `--staged`,
//! `--rev`, `--since`, `hook install`, `diff`, and the CI formats.

use crate::util::{copy_dir, findings, git, orders_repo, portolan, repo_dir, validate_json, write};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn validate_args(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let output = portolan()
        .current_dir(dir)
        .arg("validate")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let report = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        output.status.code().unwrap(),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const CART: &str = "catalog/Component/CartService.yaml";

fn break_cart(dir: &Path) {
    let path = dir.join(CART);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("- cart-sql-sb", "- cart-sql-db");
    std::fs::write(path, text).unwrap();
}

#[test]
fn staged_sees_the_index_not_the_working_tree() {
    let repo = orders_repo();
    let dir = repo.path();
    // Staged valid, then edited into an invalid state: the commit is fine.
    break_cart(dir);
    let (code, report, _) = validate_args(dir, &["--staged"]);
    assert_eq!(code, 0, "{report}");
    let (code, _, _) = validate_args(dir, &[]);
    assert_eq!(code, 1, "the working tree is broken");
    // Staged invalid: the commit is refused.
    git(dir, &["add", CART]);
    let (code, report, _) = validate_args(dir, &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        vec![(
            "relation-dangling".to_owned(),
            CART.to_owned(),
            Some(11),
            Some(7)
        )]
    );
    // Untracked files are not part of the next commit.
    git(dir, &["checkout", "-q", "HEAD", "--", CART]);
    write(
        dir,
        "catalog/Component/untracked.yaml",
        b"identifier: Untracked\nrelations:\n  system: Nowhere\n",
    );
    let (code, report, _) = validate_args(dir, &["--staged"]);
    assert_eq!((code, report["summary"]["entities"].as_u64()), (0, Some(9)));
}

#[test]
fn staged_deletion_of_a_referenced_entity_fails_where_it_is_referenced() {
    let repo = orders_repo();
    let dir = repo.path();
    git(dir, &["rm", "-q", "catalog/Resource/cart-sql-sb.yaml"]);
    let (code, report, _) = validate_args(dir, &["--staged"]);
    assert_eq!(code, 1);
    let found = findings(&report);
    assert_eq!(
        found,
        vec![(
            "relation-dangling".to_owned(),
            CART.to_owned(),
            Some(11),
            Some(7)
        )]
    );
}

#[test]
fn a_renamed_file_is_the_same_entity() {
    let repo = orders_repo();
    let dir = repo.path();
    git(
        dir,
        &[
            "mv",
            "catalog/Resource/cart-sql-sb.yaml",
            "catalog/Resource/cart-db.yaml",
        ],
    );
    // The file name no longer matches, but the identifier key still does.
    let (code, report, _) = validate_args(dir, &["--staged"]);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn worktree_index_and_commit_agree_on_the_same_content() {
    let repo = orders_repo();
    let dir = repo.path();
    // A symbolic link in the catalog is not followed by any source.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        "../Resource/cart-sql-sb.yaml",
        dir.join("catalog/Component/link.yaml"),
    )
    .unwrap();
    write(
        dir,
        "catalog/System/broken.yaml",
        b"identifier: Broken\nrelations:\n  domain: Nowhere\n",
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "more"]);
    let worktree = validate_args(dir, &[]);
    let index = validate_args(dir, &["--staged"]);
    let commit = validate_args(dir, &["--rev", "HEAD"]);
    assert_eq!(worktree.1, index.1);
    assert_eq!(worktree.1, commit.1);
    assert_eq!(worktree.0, 1);
    assert_eq!(worktree.1["summary"]["entities"], 10);
}

#[test]
fn rev_validates_any_commit_without_checking_it_out() {
    let repo = orders_repo();
    let dir = repo.path();
    break_cart(dir);
    git(dir, &["commit", "-q", "-am", "break"]);
    git(dir, &["checkout", "-q", "HEAD~1", "--", "."]);
    assert_eq!(validate_args(dir, &["--rev", "HEAD"]).0, 1);
    assert_eq!(validate_args(dir, &["--rev", "HEAD~1"]).0, 0);
    assert_eq!(validate_args(dir, &["--rev", "main~1"]).0, 0);
    assert_eq!(
        validate_args(dir, &[]).0,
        0,
        "the working tree was left alone"
    );
}

#[test]
fn since_reports_only_what_the_change_is_responsible_for() {
    let repo = orders_repo();
    let dir = repo.path();
    // An old problem, already on main.
    write(
        dir,
        "catalog/System/old.yaml",
        b"identifier: Old\nrelations:\n  domain: Gone\n",
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "old problem"]);
    git(dir, &["checkout", "-q", "-b", "feature"]);
    // The change removes an entity others still reference, and adds a new problem.
    git(dir, &["rm", "-q", "catalog/Resource/cart-sql-sb.yaml"]);
    write(
        dir,
        "catalog/System/new.yaml",
        b"identifier: New\nrelations:\n  domain: Missing\n",
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "change"]);
    let (code, report, _) = validate_args(dir, &["--since", "main"]);
    assert_eq!(code, 1);
    let mut files: Vec<String> = findings(&report).into_iter().map(|f| f.1).collect();
    files.sort();
    assert_eq!(
        files,
        vec![CART.to_owned(), "catalog/System/new.yaml".to_owned()]
    );
    // Without --since, the old problem is there too.
    let (_, all, _) = validate_args(dir, &[]);
    assert_eq!(findings(&all).len(), 3);
    // Against itself, nothing is new.
    let (code, report, _) = validate_args(dir, &["--since", "HEAD"]);
    assert_eq!((code, findings(&report).len()), (0, 0));
}

#[test]
fn git_options_fail_clearly_outside_git_or_with_a_bad_revision() {
    let plain = tempfile::tempdir().unwrap();
    copy_dir(&repo_dir().join("examples/orders"), plain.path());
    for args in [&["--staged"][..], &["--rev", "HEAD"], &["--since", "main"]] {
        let (code, _, stderr) = validate_args(plain.path(), args);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            stderr.contains("not inside a Git repository") && stderr.contains("hint:"),
            "{stderr}"
        );
    }
    let repo = orders_repo();
    for args in [&["--rev", "nosuch"][..], &["--since", "nosuch"]] {
        let (code, _, stderr) = validate_args(repo.path(), args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stderr.contains("`nosuch` does not exist"), "{stderr}");
    }
    // The working tree still works outside Git.
    assert_eq!(validate_json(plain.path()).0, 0);
}

/// PATH with the directory of the portolan binary first, for hooks to find it.
fn path_with_portolan() -> String {
    let binary = assert_cmd::cargo::cargo_bin("portolan");
    let dir = binary.parent().unwrap().to_path_buf();
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn commit_with_hook(dir: &Path, message: &str) -> std::process::Output {
    git_with_hooks(dir, &["commit", "-q", "-m", message])
}

/// Run git as a user would, with portolan on PATH for the hooks it runs.
fn git_with_hooks(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("PATH", path_with_portolan())
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap()
}

#[test]
fn hook_install_blocks_a_bad_commit_and_lets_a_good_one_through() {
    let repo = orders_repo();
    let dir = repo.path();
    git(dir, &["config", "core.hooksPath", "custom-hooks"]);
    portolan()
        .current_dir(dir)
        .args(["hook", "install"])
        .assert()
        .success();
    assert!(
        dir.join("custom-hooks/pre-commit").is_file(),
        "installed where core.hooksPath points"
    );
    break_cart(dir);
    git(dir, &["add", CART]);
    let blocked = commit_with_hook(dir, "broken");
    assert!(
        !blocked.status.success(),
        "the hook refuses an invalid catalog"
    );
    // Git sends a hook's output to its standard error.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(said.contains("relation-dangling"), "{said}");
    git(dir, &["checkout", "-q", "HEAD", "--", CART]);
    write(
        dir,
        "catalog/Domain/Billing.yaml",
        b"identifier: Billing\ntitle: Billing\n",
    );
    git(dir, &["add", "-A"]);
    let passed = commit_with_hook(dir, "billing");
    assert!(
        passed.status.success(),
        "{}",
        String::from_utf8_lossy(&passed.stderr)
    );
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).trim().to_owned()
}

fn install_hooks(dir: &Path) {
    portolan()
        .current_dir(dir)
        .args(["hook", "install"])
        .assert()
        .success();
}

fn refused_by_hook(output: &std::process::Output, rule: &str) {
    let said = crate::util::text(output);
    assert!(!output.status.success(), "the hook lets it through: {said}");
    assert!(said.contains(rule), "{said}");
}

/// `git commit -a` and `git commit PATH` hand the hook a temporary index in
/// `GIT_INDEX_FILE`; the hook must check that one, not `.git/index`.
#[test]
fn the_hook_checks_the_index_git_commits_with_commit_a_and_commit_path() {
    let repo = orders_repo();
    let dir = repo.path();
    install_hooks(dir);
    let before = head(dir);
    break_cart(dir);

    let all = git_with_hooks(dir, &["commit", "-q", "-a", "-m", "broken"]);
    refused_by_hook(&all, "relation-dangling");
    assert_eq!(head(dir), before, "HEAD did not move");

    let path = git_with_hooks(dir, &["commit", "-q", "-m", "broken", "--", CART]);
    refused_by_hook(&path, "relation-dangling");
    assert_eq!(head(dir), before, "HEAD did not move");

    // The same, valid, goes through both ways.
    git(dir, &["checkout", "-q", "HEAD", "--", CART]);
    write(
        dir,
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\ntitle: Orders (renamed)\n",
    );
    let ok = git_with_hooks(dir, &["commit", "-q", "-a", "-m", "rename"]);
    assert!(ok.status.success(), "{}", crate::util::text(&ok));
    assert_ne!(head(dir), before);
}

/// Two branches, each valid, merge into a dangling reference: one removes a library,
/// the other adds a service that uses it. `pre-merge-commit` stops the merge commit.
#[test]
fn the_hook_stops_a_merge_of_valid_branches_into_a_dangling_reference() {
    let repo = orders_repo();
    let dir = repo.path();
    install_hooks(dir);
    assert!(dir.join(".git/hooks/pre-merge-commit").is_file());
    git(dir, &["checkout", "-q", "-b", "remove-kafka"]);
    let libraries = std::fs::read_to_string(dir.join("catalog/Component/libraries.yaml")).unwrap();
    let (_, payment) = libraries.split_once("---\n").unwrap();
    write(dir, "catalog/Component/libraries.yaml", payment.as_bytes());
    let cart = std::fs::read_to_string(dir.join(CART)).unwrap();
    write(
        dir,
        CART,
        cart.replace("    - CoreKafkaLibrary\n", "").as_bytes(),
    );
    let removed = git_with_hooks(dir, &["commit", "-q", "-a", "-m", "no kafka"]);
    assert!(removed.status.success(), "{}", crate::util::text(&removed));

    git(dir, &["checkout", "-q", "main"]);
    write(
        dir,
        "catalog/Component/Events.yaml",
        b"identifier: Events\nproperties:\n  type: service\nrelations:\n  system: Cart\n  components: [CoreKafkaLibrary]\n",
    );
    git(dir, &["add", "-A"]);
    let added = git_with_hooks(dir, &["commit", "-q", "-m", "events"]);
    assert!(added.status.success(), "{}", crate::util::text(&added));
    let before = head(dir);

    let merged = git_with_hooks(
        dir,
        &["merge", "--no-ff", "-q", "-m", "merge", "remove-kafka"],
    );
    refused_by_hook(&merged, "relation-dangling");
    assert_eq!(head(dir), before, "no merge commit was made");
}

/// A platform kept in `platform/` of a larger repository: the hook installed from the
/// top level validates that folder, and `validate --staged` finds it from anywhere.
#[test]
fn the_hook_validates_a_platform_kept_in_a_sub_folder() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    copy_dir(&repo_dir().join("examples/orders"), &top.join("platform"));
    write(top, "README.md", b"# A monorepo\n");
    git(top, &["init", "-q", "-b", "main"]);
    git(top, &["add", "-A"]);
    git(top, &["commit", "-q", "-m", "platform"]);

    for cwd in [top.to_path_buf(), top.join("platform/catalog/Component")] {
        let (code, report, stderr) = validate_args(&cwd, &["--staged"]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(report["summary"]["entities"], 9, "from {}", cwd.display());
    }

    install_hooks(top);
    let hook = std::fs::read_to_string(top.join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("'platform'"), "{hook}");
    let before = head(top);
    break_cart(&top.join("platform"));
    let refused = git_with_hooks(top, &["commit", "-q", "-a", "-m", "broken"]);
    refused_by_hook(&refused, "relation-dangling");
    assert_eq!(head(top), before);
}

/// Without a `portolan.yaml`, the folder with the catalog is the platform: a hook
/// installed from inside it records it.
#[test]
fn the_hook_records_a_platform_folder_without_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path();
    copy_dir(&repo_dir().join("examples/orders"), &top.join("platform"));
    std::fs::remove_file(top.join("platform/portolan.yaml")).unwrap();
    git(top, &["init", "-q", "-b", "main"]);
    git(top, &["add", "-A"]);
    git(top, &["commit", "-q", "-m", "platform"]);
    install_hooks(&top.join("platform/catalog"));
    let hook = std::fs::read_to_string(top.join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("'platform'"), "{hook}");
    break_cart(&top.join("platform"));
    let refused = git_with_hooks(top, &["commit", "-q", "-a", "-m", "broken"]);
    refused_by_hook(&refused, "relation-dangling");
}

#[test]
fn hook_install_never_replaces_a_hook_silently() {
    let repo = orders_repo();
    let dir = repo.path();
    let hook = dir.join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(
        &hook,
        "#!/bin/sh\necho mine > \"$(git rev-parse --show-toplevel)/ran-mine\"\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let refused = portolan()
        .current_dir(dir)
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(
        std::fs::read_to_string(&hook)
            .unwrap()
            .contains("echo mine"),
        "untouched"
    );
    portolan()
        .current_dir(dir)
        .args(["hook", "install", "--force"])
        .assert()
        .success();
    assert!(dir.join(".git/hooks/pre-commit.local").is_file());
    // Installing again updates portolan's hook in place.
    portolan()
        .current_dir(dir)
        .args(["hook", "install"])
        .assert()
        .success();
    write(dir, "catalog/Domain/Billing.yaml", b"identifier: Billing\n");
    git(dir, &["add", "-A"]);
    let out = commit_with_hook(dir, "billing");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("ran-mine").is_file(), "the chained hook ran");
}

#[test]
fn hook_install_in_a_linked_worktree_uses_the_common_hooks() {
    let repo = orders_repo();
    let dir = repo.path();
    let linked = dir.join("../linked-worktree-for-test");
    let _ = std::fs::remove_dir_all(&linked);
    git(
        dir,
        &[
            "worktree",
            "add",
            "-q",
            linked.to_str().unwrap(),
            "-b",
            "side",
        ],
    );
    portolan()
        .current_dir(&linked)
        .args(["hook", "install"])
        .assert()
        .success();
    assert!(dir.join(".git/hooks/pre-commit").is_file());
    std::fs::remove_dir_all(&linked).unwrap();
}

#[test]
fn github_format_annotates_with_top_level_paths() {
    // The platform repository is a sub-folder of the Git repository.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_dir().join("examples/orders"),
        &dir.path().join("platform"),
    );
    git(dir.path(), &["init", "-q"]);
    break_cart(&dir.path().join("platform"));
    let summary = dir.path().join("summary.md");
    let output = portolan()
        .args(["validate", "platform", "--format", "github"])
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("::error file=platform/catalog/Component/CartService.yaml,line=11,col=7,title=portolan relation-dangling::relation `resources`"),
        "{stdout}"
    );
    assert!(stdout.contains("%0Ahelp: did you mean `cart-sql-sb`?"));
    let table = std::fs::read_to_string(summary).unwrap();
    assert!(
        table.contains(
            "| error | `relation-dangling` | `platform/catalog/Component/CartService.yaml:11:7` |"
        ),
        "{table}"
    );
}

/// The SARIF 2.1.0 schema, from the `serde-sarif` crate (a dev-dependency, so Cargo has
/// unpacked it in its registry).
fn sarif_schema() -> Value {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
    let registry = home.join("registry/src");
    for index in std::fs::read_dir(&registry).unwrap() {
        let index = index.unwrap().path();
        for package in std::fs::read_dir(&index).unwrap() {
            let package = package.unwrap().path();
            let name = package.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("serde-sarif-") && package.join("src/schema.json").is_file() {
                return serde_json::from_slice(
                    &std::fs::read(package.join("src/schema.json")).unwrap(),
                )
                .unwrap();
            }
        }
    }
    panic!(
        "the SARIF schema of the serde-sarif crate was not found under {}",
        registry.display()
    );
}

fn fix_language_patterns(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "pattern" && v.as_str().is_some_and(|p| p.ends_with("]?$")) {
                    *v = Value::from("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$");
                } else {
                    fix_language_patterns(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fix_language_patterns),
        _ => {}
    }
}

#[test]
fn sarif_output_validates_against_the_sarif_schema() {
    let repo = orders_repo();
    let dir = repo.path();
    break_cart(dir);
    write(dir, "catalog/Component/cycle.yaml", b"identifier: A\nrelations:\n  components: [B]\n---\nidentifier: B\nrelations:\n  components: [A]\n");
    let output = portolan()
        .current_dir(dir)
        .args(["validate", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut schema = sarif_schema();
    // The published schema's `language` patterns are not valid ECMA regexes (an
    // unmatched `]`), which a strict meta-schema check refuses; use what they mean.
    fix_language_patterns(&mut schema);
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let dangling = results
        .iter()
        .find(|r| r["ruleId"] == "relation-dangling")
        .unwrap();
    assert_eq!(
        dangling["locations"][0]["physicalLocation"]["region"]["startLine"],
        11
    );
    assert_eq!(
        dangling["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        CART
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), portolan::rules::ALL.len());
    assert!(rules
        .iter()
        .all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty())));
}

#[test]
fn diff_lists_added_removed_and_changed_entities() {
    let repo = orders_repo();
    let dir = repo.path();
    git(dir, &["rm", "-q", "catalog/Resource/cart-sql-sb.yaml"]);
    write(dir, "catalog/Domain/Billing.yaml", b"identifier: Billing\n");
    let path = dir.join("catalog/Component/ProductsService.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("type: service", "type: library");
    std::fs::write(&path, text).unwrap();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "change"]);
    let output = portolan()
        .current_dir(dir)
        .args(["diff", "HEAD~1", "HEAD", "--format", "json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["added"][0]["identifier"], "Billing");
    assert_eq!(report["removed"][0]["identifier"], "cart-sql-sb");
    assert_eq!(report["changed"][0]["identifier"], "ProductsService");
    assert_eq!(
        report["changed"][0]["changes"][0]["field"],
        "properties.type"
    );
    assert_eq!(report["changed"][0]["changes"][0]["before"], "service");
    assert_eq!(
        report["summary"],
        serde_json::json!({"added": 1, "removed": 1, "changed": 1})
    );
    let human = portolan()
        .current_dir(dir)
        .args(["diff", "HEAD~1", "HEAD"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("+ Domain/Billing") && text.contains("- Resource/cart-sql-sb"),
        "{text}"
    );
    assert!(
        text.contains("properties.type: service → library"),
        "{text}"
    );
    // To the working tree, by default.
    let same = portolan()
        .current_dir(dir)
        .args(["diff", "HEAD"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&same.stdout).starts_with("No catalog changes"));
}

/// A hook that is a symbolic link (a tracked hooks folder can hold one) is never
/// written through.
#[cfg(unix)]
#[test]
fn hook_install_never_writes_through_a_link() {
    let repo = orders_repo();
    let dir = repo.path();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("bashrc");
    std::fs::write(&target, "alias ll='ls -l'\n").unwrap();
    std::fs::create_dir_all(dir.join(".husky")).unwrap();
    std::os::unix::fs::symlink(&target, dir.join(".husky/pre-commit")).unwrap();
    git(dir, &["config", "core.hooksPath", ".husky"]);
    for force in [false, true] {
        let mut cmd = portolan();
        cmd.current_dir(dir).args(["hook", "install"]);
        if force {
            cmd.arg("--force");
        }
        let output = cmd.output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{}",
            crate::util::text(&output)
        );
        assert!(crate::util::text(&output).contains("symbolic link"));
    }
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "alias ll='ls -l'\n"
    );
}
