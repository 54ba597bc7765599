//! Templates end to end: `portolan new`, `init` and `templates` on real repositories,
//! the generated services' own tests, and every way a run must fail without writing.

use crate::util::{git, orders_repo, portolan, repo_dir, text, validate_json, write};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` (but `.git`) with its bytes: to prove a run wrote nothing.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn new(dir: &Path, args: &[&str]) -> std::process::Output {
    portolan()
        .arg("new")
        .args(args)
        .args(["--no-input", "--now", "2026-11-29T12:00:00Z"])
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `validate --strict --format json` finds no errors (warnings are listed on failure).
fn assert_valid(dir: &Path) {
    let output = portolan()
        .args(["validate", "--strict", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert_eq!(output.status.code(), Some(0), "{report:#}");
}

#[test]
fn new_python_service_in_orders_validates_and_passes_its_own_tests() {
    let dir = orders_repo();
    let output = new(
        dir.path(),
        &["service", "--set", "name=checkout", "--set", "system=Cart"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_valid(dir.path());
    for file in [
        "services/checkout/Dockerfile",
        ".github/workflows/checkout.yaml",
        "apps/checkout/base/kustomization.yaml",
        "apps/checkout/envs/dev/kustomization.yaml",
        "apps/checkout/envs/prod/kustomization.yaml",
        "argocd/apps/checkout-dev.yaml",
        "argocd/apps/checkout-prod.yaml",
        "catalog/Component/checkout.yaml",
        ".portolan/answers/Component/checkout/service.yaml",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} is missing");
    }
    let workflow =
        std::fs::read_to_string(dir.path().join(".github/workflows/checkout.yaml")).unwrap();
    assert!(workflow.contains("services/checkout/**"), "{workflow}");
    assert!(
        workflow.contains("${{"),
        "GitHub expressions stay verbatim: {workflow}"
    );
    let entity =
        std::fs::read_to_string(dir.path().join("catalog/Component/checkout.yaml")).unwrap();
    assert!(
        entity.contains("app: checkout") && entity.contains("system: Cart"),
        "{entity}"
    );
    let answers = std::fs::read_to_string(
        dir.path()
            .join(".portolan/answers/Component/checkout/service.yaml"),
    )
    .unwrap();
    assert!(answers.contains("now: 2026-11-29T12:00:00Z"), "{answers}");
    assert!(answers.contains("entity: Component/checkout"), "{answers}");

    // The service's own tests, which start it and request /healthz over HTTP.
    let tests = std::process::Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests", "-v"])
        .current_dir(dir.path().join("services/checkout"))
        .output()
        .expect("python3 runs");
    assert!(
        tests.status.success(),
        "{}",
        String::from_utf8_lossy(&tests.stderr)
    );
    assert!(String::from_utf8_lossy(&tests.stderr).contains("healthz"));

    // The same run again is refused: the service exists.
    let again = new(
        dir.path(),
        &["service", "--set", "name=checkout", "--set", "system=Cart"],
    );
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(text(&again).contains("already exists"), "{}", text(&again));
}

#[test]
fn new_rust_service_in_orders_validates_and_passes_its_own_tests() {
    let dir = orders_repo();
    let output = new(
        dir.path(),
        &[
            "service",
            "--set",
            "name=checkout",
            "--set",
            "system=Cart",
            "--set",
            "language=rust",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_valid(dir.path());
    let target = tempfile::tempdir().unwrap();
    let tests = std::process::Command::new(env!("CARGO"))
        .args(["test", "--offline", "--quiet"])
        .current_dir(dir.path().join("services/checkout"))
        .env("CARGO_TARGET_DIR", target.path())
        .output()
        .expect("cargo runs");
    assert!(
        tests.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&tests.stdout),
        String::from_utf8_lossy(&tests.stderr)
    );
}

#[test]
fn init_then_new_service_with_api_and_database_validates_clean() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let init = portolan()
        .args(["init", "--no-input", "--set", "repo=acme/platform"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(init.status.code(), Some(0), "{}", text(&init));
    assert_valid(dir.path());
    let config = std::fs::read_to_string(dir.path().join("portolan.yaml")).unwrap();
    assert!(config.contains("builtins: false"), "{config}");
    assert!(dir.path().join("blueprints/Component.json").is_file());
    assert!(dir.path().join("argocd/root.yaml").is_file());
    assert!(dir
        .path()
        .join(".github/workflows/portolan-requests.yaml")
        .is_file());
    assert!(dir.path().join("platform/runbooks/restart.sh").is_file());

    let output = new(
        dir.path(),
        &[
            "service",
            "--set",
            "name=orders",
            "--set",
            "api=true",
            "--set",
            "database=true",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_valid(dir.path());
    for file in [
        "apps/orders/envs/dev/externalsecret.yaml",
        "catalog/API/orders-api.yaml",
        "catalog/Resource/orders-db.yaml",
    ] {
        assert!(dir.path().join(file).is_file(), "{file} is missing");
    }
    // References only: no credential values anywhere in what was written.
    let secret =
        std::fs::read_to_string(dir.path().join("apps/orders/envs/dev/externalsecret.yaml"))
            .unwrap();
    assert!(secret.contains("remoteRef"), "{secret}");
    assert!(!secret.to_lowercase().contains("password:"), "{secret}");
}

#[test]
fn init_makes_a_new_folder_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("platform");
    let output = portolan()
        .args([
            "init",
            "--no-input",
            "--set",
            "repo=acme/platform",
            "--set",
            "environments=dev,staging,prod",
        ])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(target.join(".git").is_dir());
    assert_valid(&target);
    let config = std::fs::read_to_string(target.join("portolan.yaml")).unwrap();
    assert!(config.contains("staging"), "{config}");

    // A second init refuses to overwrite what the first wrote.
    let again = portolan()
        .args(["init", "--no-input", "--set", "repo=acme/platform"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(
        text(&again).contains("already has a portolan.yaml"),
        "{}",
        text(&again)
    );
}

#[test]
fn dry_run_shows_the_tree_and_diff_and_writes_nothing() {
    let dir = orders_repo();
    let before = snapshot(dir.path());
    let output = new(
        dir.path(),
        &[
            "service",
            "--set",
            "name=checkout",
            "--set",
            "system=Cart",
            "--dry-run",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("+ services/checkout/Dockerfile"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+++ b/catalog/Component/checkout.yaml"),
        "{stdout}"
    );
    assert_eq!(snapshot(dir.path()), before);

    let json = new(
        dir.path(),
        &[
            "service",
            "--set",
            "name=checkout",
            "--set",
            "system=Cart",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["inputs"]["name"], "checkout");
    assert!(report["files"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "catalog/Component/checkout.yaml" && f["change"] == "create"));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn bad_inputs_are_named_and_nothing_is_written() {
    let dir = orders_repo();
    let before = snapshot(dir.path());
    for (args, expected) in [
        (
            vec!["service", "--set", "system=Cart"],
            "the input `name` is missing",
        ),
        (
            vec!["service", "--set", "name=Check_Out", "--set", "system=Cart"],
            "input `name`",
        ),
        (
            vec!["service", "--set", "name=checkout", "--set", "system=Crat"],
            "did you mean `Cart`?",
        ),
        (
            vec![
                "service",
                "--set",
                "name=checkout",
                "--set",
                "system=Cart",
                "--set",
                "langauge=rust",
            ],
            "did you mean `language`?",
        ),
        (
            vec![
                "service",
                "--set",
                "name=checkout",
                "--set",
                "system=Cart",
                "--set",
                "port=eighty",
            ],
            "input `port`",
        ),
        (
            vec!["servise", "--set", "name=checkout"],
            "did you mean `service`?",
        ),
    ] {
        let output = new(dir.path(), &args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", text(&output));
        assert!(
            text(&output).contains(expected),
            "{args:?}: {}",
            text(&output)
        );
    }
    let output = portolan()
        .args([
            "new",
            "service",
            "--no-input",
            "--now",
            "yesterday",
            "--set",
            "name=a",
            "--set",
            "system=Cart",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn values_file_gives_inputs_and_set_wins() {
    let dir = orders_repo();
    let values = dir
        .path()
        .join("..")
        .join(format!("values-{}.yaml", std::process::id()));
    std::fs::write(&values, "name: billing\nsystem: Cart\nlanguage: rust\n").unwrap();
    let output = new(
        dir.path(),
        &[
            "service",
            "--values",
            values.to_str().unwrap(),
            "--set",
            "language=python",
            "--dry-run",
            "--format",
            "json",
        ],
    );
    std::fs::remove_file(&values).unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["inputs"]["name"], "billing");
    assert_eq!(report["inputs"]["language"], "python");
}

/// A repository template: `templates/<name>/template.yaml` plus files.
fn with_template(dir: &Path, name: &str, spec: &str, files: &[(&str, &str)]) {
    write(
        dir,
        &format!("templates/{name}/template.yaml"),
        spec.as_bytes(),
    );
    for (path, content) in files {
        write(dir, &format!("templates/{name}/{path}"), content.as_bytes());
    }
}

#[test]
fn an_invalid_result_is_reported_and_nothing_is_written() {
    let dir = orders_repo();
    with_template(
        dir.path(),
        "broken-entity",
        "name: broken-entity\noperation: create\nsteps:\n  - entity:\n      upsert: { identifier: x, blueprint: Component, relations: { system: Nowhere } }\n  - write: { file: notes/x.txt, content: hello }\n",
        &[],
    );
    let before = snapshot(dir.path());
    let output = new(dir.path(), &["broken-entity"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("relation-dangling"),
        "{}",
        text(&output)
    );
    assert!(
        text(&output).contains("nothing was written"),
        "{}",
        text(&output)
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn hostile_templates_write_nothing() {
    let outside = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, String)> = vec![
        (
            "dotdot",
            "- write: { file: ../escape.txt, content: x }".into(),
        ),
        (
            "absolute",
            format!(
                "- write: {{ file: \"{}/abs.txt\", content: x }}",
                outside.path().display()
            ),
        ),
        (
            "rendered-dotdot",
            "- write: { file: \"{{ '..' }}/escape.txt\", content: x }".into(),
        ),
        (
            "git-dir",
            "- write: { file: .git/hooks/pre-commit, content: x }".into(),
        ),
        (
            "symlink",
            "- write: { file: out/escape.txt, content: x }".into(),
        ),
        (
            "case",
            "- write: { file: catalog/System/SYSTEMS.yaml, content: x }".into(),
        ),
        (
            "twice",
            "- write: { file: a.txt, content: x }\n  - write: { file: a.txt, content: y }".into(),
        ),
        (
            "overwrite",
            "- write: { file: catalog/Domain/Orders.yaml, content: x }".into(),
        ),
        (
            "undefined",
            "- write: { file: a.txt, content: \"{{ inputs.nothing }}\" }".into(),
        ),
    ];
    for (name, step) in cases {
        let dir = orders_repo();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), dir.path().join("out")).unwrap();
        with_template(
            dir.path(),
            name,
            &format!("name: {name}\noperation: create\nsteps:\n  {step}\n"),
            &[],
        );
        let before = snapshot(dir.path());
        let output = new(dir.path(), &[name]);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", text(&output));
        assert_eq!(snapshot(dir.path()), before, "{name} wrote something");
        assert!(
            std::fs::read_dir(outside.path()).unwrap().next().is_none(),
            "{name} wrote outside"
        );
        assert!(!dir.path().join("../escape.txt").exists(), "{name} escaped");
    }
}

#[test]
fn uncommitted_edits_stop_a_run_that_would_touch_them() {
    let dir = orders_repo();
    with_template(
        dir.path(),
        "retitle",
        "name: retitle\noperation: create\nsteps:\n  - write: { file: catalog/Domain/Orders.yaml, content: \"identifier: Orders\\ntitle: Renamed\\n\", overwrite: true }\n",
        &[],
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "template"]);
    write(
        dir.path(),
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\ntitle: My edit\n",
    );
    let output = new(dir.path(), &["retitle"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("catalog/Domain/Orders.yaml"),
        "{}",
        text(&output)
    );
    let kept = std::fs::read_to_string(dir.path().join("catalog/Domain/Orders.yaml")).unwrap();
    assert!(kept.contains("My edit"));

    // Once committed, the template may overwrite it, as it says.
    git(dir.path(), &["commit", "-qam", "edit"]);
    let output = new(dir.path(), &["retitle"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let written = std::fs::read_to_string(dir.path().join("catalog/Domain/Orders.yaml")).unwrap();
    assert!(written.contains("Renamed"));
}

#[test]
fn write_only_inputs_are_never_recorded_or_written() {
    let dir = orders_repo();
    with_template(
        dir.path(),
        "token",
        "name: token\noperation: create\ninputs:\n  type: object\n  required: [name, token]\n  properties:\n    name: { type: string }\n    token: { type: string, writeOnly: true }\nsteps:\n  - write: { file: \"notes/{{ inputs.name }}.txt\", content: \"{{ inputs.name }} uses a token: {{ inputs.token is defined }}\\n\" }\n  - entity: { upsert: { identifier: \"{{ inputs.name }}\", blueprint: Domain } }\n",
        &[],
    );
    let output = new(
        dir.path(),
        &[
            "token",
            "--set",
            "name=x",
            "--set",
            "token=s3cr3t-value",
            "--format",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(!text(&output).contains("s3cr3t-value"));
    let answers =
        std::fs::read_to_string(dir.path().join(".portolan/answers/Domain/x/token.yaml")).unwrap();
    assert!(
        !answers.contains("s3cr3t") && !answers.contains("  token:"),
        "{answers}"
    );

    with_template(
        dir.path(),
        "leak",
        "name: leak\noperation: create\ninputs:\n  type: object\n  properties:\n    token: { type: string, writeOnly: true }\nsteps:\n  - write: { file: leak.txt, content: \"{{ inputs.token }}\" }\n",
        &[],
    );
    let before = snapshot(dir.path());
    let output = new(dir.path(), &["leak", "--set", "token=s3cr3t-value"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("writeOnly"), "{}", text(&output));
    assert!(!text(&output).contains("s3cr3t-value"));
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn templates_lists_built_ins_and_repository_templates() {
    let dir = orders_repo();
    with_template(
        dir.path(),
        "service",
        "name: service\ntitle: Our own service\noperation: create\nsteps:\n  - write: { file: a.txt, content: x }\n",
        &[],
    );
    let output = portolan()
        .args(["templates", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: Vec<&str> = report["templates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "sorted by name");
    for name in [
        "platform",
        "register",
        "service",
        "set-replicas",
        "create-dev-env",
    ] {
        assert!(names.contains(&name), "{names:?}");
    }
    let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
    let service = &report["templates"][at("service")];
    assert_eq!(
        service["title"], "Our own service",
        "the repository's template overrides the built-in"
    );
    assert_eq!(service["origin"], "templates/service");
    let builtin = &report["templates"][at("register")];
    assert_eq!(builtin["origin"], "built-in");
    assert!(builtin["inputs"]["properties"]["name"].is_object());

    let human = portolan()
        .arg("templates")
        .current_dir(repo_dir().join("examples/orders"))
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains("portolan new service")
            && human.contains("--set name=<string> (required)")
            && human.contains("--set system=<System id>"),
        "{human}"
    );
}

#[test]
fn validate_reports_broken_repository_templates_where_they_break() {
    let dir = orders_repo();
    with_template(
        dir.path(),
        "broken",
        "name: broken\noperation: create\nsteps:\n  - write: { file: \"{{ inputs.name\", content: x }\n  - render: { from: files/, to: out/ }\n  - copy: { file: x }\n",
        &[("files/a.txt.jinja", "line one\n{% if %}\n")],
    );
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1, "{report:#}");
    let found = files_and_lines(&report);
    assert!(
        found
            .iter()
            .all(|(f, _)| f.starts_with("templates/broken/")),
        "{report:#}"
    );
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["rule"] == "template-invalid"),
        "{report:#}"
    );
    assert!(
        found.contains(&("templates/broken/template.yaml".into(), 6)),
        "the unknown step kind: {report:#}"
    );

    // Fix the schema problem: the expression and the file are reported next.
    with_template(
        dir.path(),
        "broken",
        "name: broken\noperation: create\nsteps:\n  - write: { file: \"{{ inputs.name\", content: x }\n  - render: { from: files/, to: out/ }\n",
        &[("files/a.txt.jinja", "line one\n{% if %}\n")],
    );
    let (_, report) = validate_json(dir.path());
    let found = files_and_lines(&report);
    assert!(
        found.contains(&("templates/broken/template.yaml".into(), 4)),
        "{report:#}"
    );
    assert!(
        found.contains(&("templates/broken/files/a.txt.jinja".into(), 2)),
        "{report:#}"
    );
}

#[test]
fn register_writes_the_entity_of_an_existing_service() {
    let dir = orders_repo();
    let output = new(
        dir.path(),
        &[
            "register",
            "--set",
            "name=LegacyBilling",
            "--set",
            "app=billing",
            "--set",
            "system=Cart",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let entity =
        std::fs::read_to_string(dir.path().join("catalog/Component/LegacyBilling.yaml")).unwrap();
    assert!(entity.contains("app: billing"), "{entity}");
    assert_valid(dir.path());
}

#[test]
fn on_a_terminal_missing_inputs_are_asked_for() {
    let dir = orders_repo();
    let before = snapshot(dir.path());
    let output = std::process::Command::new("python3")
        .arg(repo_dir().join("tests/fixtures/answer_prompts.py"))
        .arg(dir.path())
        .args(["Name=checkout", "--"])
        .arg(assert_cmd::cargo::cargo_bin("portolan"))
        .args(["new", "service", "--dry-run", "--format", "json"])
        .output()
        .expect("python3 runs");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{shown}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Asked for the name, then the System with a picker (Enter takes the first: Cart).
    assert!(shown.contains("\"name\": \"checkout\""), "{shown}");
    assert!(shown.contains("\"system\": \"Cart\""), "{shown}");
    assert_eq!(snapshot(dir.path()), before, "--dry-run writes nothing");

    // Without a terminal nothing is asked: the missing input is an error.
    let output = portolan()
        .args(["new", "service"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("the input `name` is missing"),
        "{}",
        text(&output)
    );
}

#[test]
fn entity_steps_edit_one_document_and_keep_the_rest() {
    let dir = orders_repo();
    with_template(
        dir.path(),
        "retitle-system",
        "name: retitle-system\noperation: create\ninputs:\n  type: object\n  required: [title, env]\n  properties:\n    title: { type: string }\n    env: { type: string, x-portolan-enum-from: environments }\nsteps:\n  - entity:\n      upsert: { identifier: Products, blueprint: System, title: \"{{ inputs.title }} ({{ inputs.env }})\", relations: { domain: Orders } }\n",
        &[],
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "template"]);
    let original = std::fs::read_to_string(dir.path().join("catalog/System/systems.yaml")).unwrap();

    let output = new(
        dir.path(),
        &[
            "retitle-system",
            "--set",
            "title=Catalogue",
            "--set",
            "env=staging",
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("`staging` is not an environment"),
        "{}",
        text(&output)
    );

    let output = new(
        dir.path(),
        &[
            "retitle-system",
            "--set",
            "title=Catalogue",
            "--set",
            "env=prod",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let edited = std::fs::read_to_string(dir.path().join("catalog/System/systems.yaml")).unwrap();
    let (head, _) = original.split_once("---\nidentifier: Products").unwrap();
    assert!(
        edited.starts_with(head),
        "the first document and its comment are kept:\n{edited}"
    );
    assert!(edited.contains("title: Catalogue (prod)"), "{edited}");
    assert_valid(dir.path());

    with_template(
        dir.path(),
        "drop-library",
        "name: drop-library\noperation: create\nsteps:\n  - entity: { delete: Component/CoreKafkaLibrary }\n",
        &[],
    );
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "edits"]);
    // CartService still uses the library: deleting it would leave a dangling relation.
    let output = new(dir.path(), &["drop-library"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("relation-dangling"),
        "{}",
        text(&output)
    );
}

/// The (file, line) of every finding of a JSON report.
fn files_and_lines(report: &Value) -> Vec<(String, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}
