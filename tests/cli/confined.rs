//! Nothing a repository contains can make portolan read outside it, write into any
//! `.git`, or write a name a file system would take for another: symbolic links are
//! never followed (reads, listings, writes), `.git` is refused under every name Git
//! refuses, control characters and case collisions are refused, and submodules are not
//! part of the catalog — the same in the working tree, the index and a commit.

use crate::util::{copy_dir, git, orders_repo, portolan, repo_dir, text, write};
use serde_json::Value;
use std::path::Path;

#[cfg(unix)]
fn link(target: &Path, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

/// Add a repository template and commit it.
fn with_template(dir: &Path, name: &str, spec: &str) {
    write(
        dir,
        &format!("templates/{name}/template.yaml"),
        spec.as_bytes(),
    );
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", name]);
}

fn new(dir: &Path, args: &[&str]) -> std::process::Output {
    portolan()
        .current_dir(dir)
        .arg("new")
        .args(args)
        .args(["--no-input", "--now", "2026-12-01T00:00:00Z"])
        .env("GH_TOKEN", "ghp_canary_token_0123456789")
        .output()
        .unwrap()
}

fn validate(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let output = portolan()
        .current_dir(dir)
        .arg("validate")
        .args(extra)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), report)
}

/// (rule, severity, file) of every finding.
fn rules_of(report: &Value) -> Vec<(String, String, String)> {
    report["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|d| {
                    (
                        d["rule"].as_str().unwrap_or_default().to_owned(),
                        d["severity"].as_str().unwrap_or_default().to_owned(),
                        d["file"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `read_text`, `read_yaml` and `file_exists` see what writes see: no link on the
/// way (not to a file outside, not to the process's environment), never `.git`.
#[cfg(unix)]
#[test]
fn template_reads_never_follow_a_link_or_enter_git() {
    let repo = orders_repo();
    let dir = repo.path();
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.yaml",
        b"password: hunter2-outside\n",
    );
    link(
        &outside.path().join("secret.yaml"),
        &dir.join("secret.yaml"),
    );
    link(Path::new("/proc/self/environ"), &dir.join("environ"));
    link(outside.path(), &dir.join("out"));
    // A link that stays inside the repository is refused too: no link on the way.
    link(Path::new("catalog"), &dir.join("inside"));
    with_template(
        dir,
        "peek",
        r#"name: peek
operation: create
steps:
  - write:
      file: peek.txt
      content: |
        text={{ read_text('secret.yaml') }}
        yaml={{ read_yaml('secret.yaml') }}
        exists={{ file_exists('secret.yaml') }}
        env={{ read_text('environ') }}
        dir={{ read_text('out/secret.yaml') }} {{ file_exists('out/secret.yaml') }}
        inside={{ file_exists('inside/Domain/Orders.yaml') }} {{ read_text('inside/Domain/Orders.yaml') }}
        git={{ read_text('.git/config') }} {{ read_text('catalog/.git/../Domain/Orders.yaml') }} {{ file_exists('.git/HEAD') }}
        fine={{ file_exists('catalog/Domain/Orders.yaml') }}
"#,
    );
    let output = new(dir, &["peek", "--dry-run"]);
    let said = text(&output);
    assert!(output.status.success(), "{said}");
    for leak in ["hunter2", "ghp_canary", "[core]", "identifier: Orders"] {
        assert!(!said.contains(leak), "`{leak}` leaked:\n{said}");
    }
    assert!(said.contains("exists=False"), "{said}");
    assert!(said.contains("inside=False None"), "{said}");
    assert!(said.contains("fine=True"), "{said}");
}

/// A symbolic link under a root is passed over with a warning — a linked catalog
/// folder, a link among entities, a linked templates folder — and never read.
#[cfg(unix)]
#[test]
fn links_under_the_roots_are_reported_and_not_read() {
    let repo = orders_repo();
    let dir = repo.path();
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "Component/Evil.yaml",
        b"identifier: Evil\nproperties: { type: service }\nrelations: { system: Cart }\n",
    );
    write(
        outside.path(),
        "evil/template.yaml",
        b"name: evil\noperation: create\nsteps: []\n",
    );
    link(
        &outside.path().join("Component/Evil.yaml"),
        &dir.join("catalog/Component/Evil.yaml"),
    );
    link(outside.path(), &dir.join("catalog/Linked"));
    link(outside.path(), &dir.join("templates"));
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "links"]);

    for extra in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let (code, report) = validate(dir, extra);
        assert_eq!(code, 0, "{extra:?}: {report:#}");
        assert_eq!(
            report["summary"]["entities"], 9,
            "{extra:?}: nothing linked is read"
        );
        let found = rules_of(&report);
        for file in ["catalog/Component/Evil.yaml", "catalog/Linked", "templates"] {
            assert!(
                found.contains(&("symlink-ignored".into(), "warning".into(), file.into())),
                "{extra:?}: {file} not reported: {found:?}"
            );
        }
    }
    let output = portolan()
        .current_dir(dir)
        .args(["templates", "--format", "json"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains("\"evil\""));
    // A catalog root that is itself a link is not read either.
    let plain = tempfile::tempdir().unwrap();
    copy_dir(
        &repo_dir().join("examples/orders"),
        &outside.path().join("orders"),
    );
    write(plain.path(), "portolan.yaml", b"version: 1\n");
    link(
        &outside.path().join("orders/catalog"),
        &plain.path().join("catalog"),
    );
    let (_, report) = validate(plain.path(), &[]);
    assert_eq!(report["summary"]["entities"], 0, "{report:#}");
    assert!(rules_of(&report).contains(&(
        "symlink-ignored".into(),
        "warning".into(),
        "catalog".into()
    )));
}

/// A template may name `.git` only as a folder it never writes: under every name
/// Git refuses, at any depth (a nested repository's `.git/config` runs its
/// `core.fsmonitor` on the next `git status`).
#[test]
fn writes_into_any_git_folder_are_refused_under_every_name() {
    let repo = orders_repo();
    let dir = repo.path();
    for (i, path) in [
        "vendor/lib/.git/config",
        ".git/hooks/pre-commit",
        "vendor/.GIT/config",
        "vendor/.git./config",
        "vendor/.git . /config",
        "vendor/git~1/config",
        "vendor/.git::$INDEX_ALLOCATION/config",
        "vendor/.g\u{200c}it/config",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("dotgit{i}");
        with_template(
            dir,
            &name,
            &format!(
                "name: {name}\noperation: create\nsteps:\n  - write: {{ file: {}, content: \"[core]\\n\\tfsmonitor = touch pwned\\n\" }}\n",
                serde_json::to_string(path).unwrap()
            ),
        );
        let output = new(dir, &[&name]);
        assert_eq!(output.status.code(), Some(2), "{path}: {}", text(&output));
        // Invisible characters are refused before the name is even read as `.git`.
        assert!(
            text(&output).contains("`.git` folder")
                || text(&output).contains("invisible character"),
            "{path}: {}",
            text(&output)
        );
        assert!(!dir.join("vendor").exists(), "{path}: nothing was written");
    }
}

/// Names from inputs cannot smuggle control characters into a path, nor a second
/// name that macOS and Windows would take for an existing one.
#[test]
fn control_characters_and_case_collisions_are_refused_at_any_level() {
    let repo = orders_repo();
    let dir = repo.path();
    write(dir, "apps/cart/README.md", b"# Cart\n");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "apps"]);
    with_template(
        dir,
        "note",
        "name: note\noperation: create\ninputs:\n  type: object\n  properties:\n    path: { type: string }\nsteps:\n  - write: { file: \"{{ inputs.path }}\", content: \"x\\n\" }\n",
    );
    for (path, says) in [
        ("notes/a\nb.txt", "control or invisible character"),
        ("notes/a\rb.txt", "control or invisible character"),
        ("notes/\u{1b}[31mred.txt", "control or invisible character"),
        (
            "notes/invoice\u{202e}fdp.exe",
            "control or invisible character",
        ),
        ("Apps/cart/x.yaml", "differ only by case"),
        ("apps/Cart/x.yaml", "differ only by case"),
        ("apps/cart/Readme.md", "differ only by case"),
    ] {
        let output = new(dir, &["note", "--set", &format!("path={path}")]);
        assert_eq!(output.status.code(), Some(2), "{path:?}: {}", text(&output));
        assert!(text(&output).contains(says), "{path:?}: {}", text(&output));
    }
    assert!(!dir.join("notes").exists() && !dir.join("Apps").exists());
    let fine = new(dir, &["note", "--set", "path=apps/cart/notes.md"]);
    assert!(fine.status.success(), "{}", text(&fine));
}

/// `delete: {file: lnk/}` on a link to a folder outside deletes nothing and names
/// nothing outside the repository.
#[cfg(unix)]
#[test]
fn a_delete_through_a_link_is_refused_naming_only_the_link() {
    let repo = orders_repo();
    let dir = repo.path();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "precious/data.txt", b"keep me\n");
    link(outside.path(), &dir.join("lnk"));
    with_template(
        dir,
        "wipe",
        "name: wipe\noperation: create\nsteps:\n  - delete: { file: lnk/ }\n",
    );
    let output = new(dir, &["wipe"]);
    let said = text(&output);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("`lnk`") && said.contains("symbolic link"),
        "{said}"
    );
    assert!(
        !said.contains("precious") && !said.contains(&outside.path().display().to_string()),
        "{said}"
    );
    assert!(outside.path().join("precious/data.txt").is_file());
}

/// A submodule under the catalog root is another repository: not part of the catalog,
/// with a note — from the working tree, the index and a commit alike.
#[test]
fn a_submodule_under_the_catalog_is_a_note_everywhere() {
    let other = tempfile::tempdir().unwrap();
    write(
        other.path(),
        "Component/Vendored.yaml",
        b"identifier: Vendored\nproperties: { type: library }\nrelations: { system: Nowhere }\n",
    );
    git(other.path(), &["init", "-q", "-b", "main"]);
    git(other.path(), &["add", "-A"]);
    git(other.path(), &["commit", "-q", "-m", "vendored"]);
    let repo = orders_repo();
    let dir = repo.path();
    git(
        dir,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            other.path().to_str().unwrap(),
            "catalog/vendor",
        ],
    );
    git(dir, &["commit", "-q", "-m", "submodule"]);
    for extra in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let (code, report) = validate(dir, extra);
        assert_eq!(code, 0, "{extra:?}: {report:#}");
        assert_eq!(report["summary"]["entities"], 9, "{extra:?}: {report:#}");
        assert_eq!(
            rules_of(&report),
            vec![(
                "submodule-ignored".into(),
                "note".into(),
                "catalog/vendor".into()
            )],
            "{extra:?}"
        );
    }
    // A note is not a warning: --deny-warnings passes.
    let (code, _) = validate(dir, &["--deny-warnings"]);
    assert_eq!(code, 0);
}

/// A change never writes into a submodule or a nested repository: its files belong to
/// another repository, and Git's status there says nothing about uncommitted edits.
#[test]
fn writes_into_a_nested_repository_are_refused() {
    let repo = orders_repo();
    let dir = repo.path();
    write(dir, "apps/vendored/values.yaml", b"mine: true\n");
    git(&dir.join("apps/vendored"), &["init", "-q"]);
    write(dir, ".gitignore", b"apps/vendored/\n");
    with_template(
        dir,
        "into",
        "name: into\noperation: create\nsteps:\n  - write: { file: apps/vendored/values.yaml, content: \"theirs: true\\n\", overwrite: true }\n",
    );
    let output = new(dir, &["into"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("a repository of its own"),
        "{}",
        text(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("apps/vendored/values.yaml")).unwrap(),
        "mine: true\n"
    );
}

/// A platform folder reached through a link the repository holds is refused; the
/// working tree's listing ignores `.ignore` files (Git commits what they name) and
/// never reads a linked `.gitignore`.
#[cfg(unix)]
#[test]
fn linked_platform_folders_and_ignore_files_cannot_hide_or_reach_anything() {
    let repo = orders_repo();
    let dir = repo.path();
    let outside = tempfile::tempdir().unwrap();
    copy_dir(&repo_dir().join("examples/orders"), outside.path());
    link(outside.path(), &dir.join("platform"));
    let output = portolan()
        .current_dir(dir)
        .args(["validate", "platform"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("symbolic link"), "{}", text(&output));
    std::fs::remove_file(dir.join("platform")).unwrap();

    // `.ignore` names every entity: they are checked all the same.
    write(dir, "catalog/.ignore", b"*\n");
    let cart = std::fs::read_to_string(dir.join("catalog/Component/CartService.yaml")).unwrap();
    write(
        dir,
        "catalog/Component/CartService.yaml",
        cart.replace("- cart-sql-sb", "- cart-sql-db").as_bytes(),
    );
    let (code, report) = validate(dir, &[]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(report["summary"]["entities"], 9);

    // A `.gitignore` that is a link is not read, and its folder is not walked.
    std::fs::remove_file(dir.join("catalog/.ignore")).unwrap();
    link(
        Path::new("/dev/zero"),
        &dir.join("catalog/System/.gitignore"),
    );
    let (_, report) = validate(dir, &[]);
    assert!(
        rules_of(&report).contains(&(
            "symlink-ignored".into(),
            "warning".into(),
            "catalog/System/.gitignore".into()
        )),
        "{report:#}"
    );
}

/// Names that already differ only by case are not the plan's doing, and a rename by
/// case (delete one, write the other) is not a collision; an ignored file holds work
/// Git keeps nowhere else, so it is never overwritten.
#[test]
fn case_collisions_are_the_plans_own_and_ignored_files_are_kept() {
    let repo = orders_repo();
    let dir = repo.path();
    write(dir, "docs/README.md", b"# Docs\n");
    write(dir, "docs/readme.txt", b"plain\n");
    write(dir, "docs/Notes.md", b"notes\n");
    write(dir, "docs/notes.MD", b"more notes\n");
    write(dir, ".gitignore", b"local.yaml\n");
    write(dir, "local.yaml", b"only here: true\n");
    with_template(
        dir,
        "docs",
        "name: docs\noperation: create\nsteps:\n  - write: { file: docs/extra.md, content: \"x\\n\" }\n  - delete: { file: docs/README.md }\n  - write: { file: docs/Readme.md, content: \"# Docs\\n\" }\n",
    );
    let output = new(dir, &["docs"]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(dir.join("docs/Readme.md").is_file() && dir.join("docs/extra.md").is_file());

    with_template(
        dir,
        "local",
        "name: local\noperation: create\nsteps:\n  - write: { file: local.yaml, content: \"theirs: true\\n\", overwrite: true }\n",
    );
    let output = new(dir, &["local"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("uncommitted changes"),
        "{}",
        text(&output)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("local.yaml")).unwrap(),
        "only here: true\n"
    );
}
