//! The example platform repository `examples/orders` (the seed article's catalog) and
//! the tour the README gives of it.

use crate::util::{copy_dir, findings, portolan, repo_dir, validate_json, write};
use std::path::Path;

/// A copy of `examples/orders` in a temporary directory (not a Git repository).
fn orders() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_dir().join("examples/orders"), dir.path());
    dir
}

/// The README's deliberate mistake: the service points at a database that does not
/// exist.
fn break_cart_service(root: &Path) {
    let path = root.join("catalog/Component/CartService.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("- cart-sql-sb").count(), 1, "{text}");
    write(
        root,
        "catalog/Component/CartService.yaml",
        text.replace("- cart-sql-sb", "- cart-sql-db").as_bytes(),
    );
}

#[test]
fn the_example_validates_clean() {
    let dir = orders();
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["version"], 1);
    assert_eq!(findings(&report), vec![]);
    // portolan.yaml and seven catalog files; nine entities (two files hold two each);
    // the five seed blueprints plus `_team` and `_user`.
    let summary = &report["summary"];
    assert_eq!(summary["files"], 8, "{summary}");
    assert_eq!(summary["entities"], 9, "{summary}");
    assert_eq!(summary["blueprints"], 10, "{summary}");
    assert_eq!(
        (&summary["errors"], &summary["warnings"]),
        (&0.into(), &0.into())
    );
}

#[test]
fn the_readme_mistake_is_one_dangling_relation_with_a_hint() {
    let dir = orders();
    break_cart_service(dir.path());
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        vec![(
            "relation-dangling".to_owned(),
            "catalog/Component/CartService.yaml".to_owned(),
            Some(11),
            Some(7)
        )],
        "{report:#}"
    );
    let d = &report["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["blueprint"], "Component");
    assert_eq!(d["entity"], "CartService");
    assert_eq!(d["pointer"], "/relations/resources/0");
    assert_eq!(
        d["message"],
        "relation `resources` points to Resource `cart-sql-db`, which does not exist"
    );
    assert_eq!(d["help"], "did you mean `cart-sql-sb`?");
    assert_eq!(d["related"], serde_json::json!([]));
    assert_eq!(report["summary"]["errors"], 1);
}

#[test]
fn the_human_format_is_the_default() {
    let dir = orders();
    break_cart_service(dir.path());
    let output = portolan().arg("validate").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("error[relation-dangling]"), "{all}");
    assert!(
        all.contains(" --> catalog/Component/CartService.yaml:11:7"),
        "{all}"
    );
    assert!(
        all.contains("- cart-sql-db"),
        "the snippet shows the line: {all}"
    );
    assert!(all.contains("did you mean `cart-sql-sb`?"), "{all}");
    assert!(
        !all.contains('\u{1b}'),
        "NO_COLOR: no escape codes: {all:?}"
    );
}

#[test]
fn deny_warnings_makes_a_warning_fail() {
    let dir = orders();
    // A second Resource whose identifier differs only by case: a warning.
    write(
        dir.path(),
        "catalog/Resource/Cart-SQL-SB.yaml",
        b"identifier: Cart-SQL-SB\ntitle: Cart SQL database (again)\n",
    );
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 0, "warnings alone pass: {report:#}");
    assert_eq!(
        findings(&report),
        vec![(
            "identifier-case-clash".to_owned(),
            "catalog/Resource/cart-sql-sb.yaml".to_owned(),
            Some(1),
            Some(13)
        )],
        "{report:#}"
    );
    assert_eq!(report["summary"]["warnings"], 1);

    let output = portolan()
        .args(["validate", "--deny-warnings", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["warnings"], 1);
}

#[test]
fn explain_a_rule() {
    let output = portolan()
        .args(["explain", "relation-dangling"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("relation-dangling (error)"), "{text}");
    assert!(text.contains("does not exist"), "{text}");
    assert!(text.contains("Fix:"), "{text}");
}

#[test]
fn explain_an_unknown_rule_is_a_usage_error_with_a_hint() {
    let output = portolan().args(["explain", "nosuch"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no rule `nosuch`"), "{stderr}");
    assert!(stderr.contains("portolan explain --list"), "{stderr}");

    let output = portolan()
        .args(["explain", "relation-danglin"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did you mean `relation-dangling`?"),
        "{stderr}"
    );
}

#[test]
fn a_plain_directory_outside_git_works() {
    let dir = orders();
    assert!(!dir.path().join(".git").exists());
    // With the folder as an argument, and found from the current folder.
    let (code, _) = validate_json(dir.path());
    assert_eq!(code, 0);
    let output = portolan()
        .args(["validate", "--format", "json"])
        .current_dir(dir.path().join("catalog/Component"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["entities"], 9);

    // The file paths in findings stay relative to the platform root.
    break_cart_service(dir.path());
    let output = portolan()
        .args(["validate", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report["diagnostics"][0]["file"],
        "catalog/Component/CartService.yaml"
    );
}

/// Colour only when asked or on a terminal: never in a pipe, never with NO_COLOR.
#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_dir().join("examples/orders"), dir.path());
    let broken = dir.path().join("catalog/Component/CartService.yaml");
    let text = std::fs::read_to_string(&broken)
        .unwrap()
        .replace("- cart-sql-sb", "- cart-sql-db");
    std::fs::write(&broken, text).unwrap();
    let run = |args: &[&str], no_color: bool| {
        let mut cmd = portolan();
        if !no_color {
            cmd.env_remove("NO_COLOR");
        }
        let out = cmd
            .arg("validate")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run(&["--color", "always"], false).contains("\u{1b}["));
    assert!(
        !run(&[], false).contains("\u{1b}["),
        "a pipe is not a terminal"
    );
    assert!(!run(&["--color", "never"], false).contains("\u{1b}["));
    assert!(!run(&[], true).contains("\u{1b}["));
}
