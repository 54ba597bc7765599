//! Generated files kept current: shell completions in `completions/` and the man page
//! in `man/`. Run with `PORTOLAN_UPDATE_GENERATED=1` to rewrite them after a CLI change.

use crate::util::{portolan, repo_dir};

fn check(path: &str, expected: &str) {
    let file = repo_dir().join(path);
    if std::env::var_os("PORTOLAN_UPDATE_GENERATED").is_some() {
        std::fs::write(&file, expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        actual == expected,
        "{path} is out of date: run `PORTOLAN_UPDATE_GENERATED=1 cargo test --test cli generated` and commit the result"
    );
}

#[test]
fn completions_are_current() {
    for (shell, file) in [
        ("bash", "completions/portolan.bash"),
        ("zsh", "completions/_portolan"),
        ("fish", "completions/portolan.fish"),
        ("powershell", "completions/_portolan.ps1"),
    ] {
        let output = portolan().args(["completions", shell]).output().unwrap();
        assert!(output.status.success());
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(
            script.contains("validate"),
            "{shell} completion names the commands"
        );
        check(file, &script);
    }
}

#[test]
fn man_page_is_current() {
    let page = portolan::commands::completions::man_page().unwrap();
    assert!(page.contains(".TH portolan"));
    check("man/portolan.1", &page);
}

#[test]
fn help_has_examples() {
    let output = portolan().args(["validate", "--help"]).output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(
        help.contains("Examples:") && help.contains("--format"),
        "{help}"
    );
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string(repo_dir().join("README.md")).unwrap();
    for rule in portolan::rules::ALL {
        let row = format!(
            "| `{}` | {} | {} |",
            rule.id,
            rule.severity.as_str(),
            rule.summary.replace('|', "\\|")
        );
        assert!(
            readme.contains(&row),
            "README.md's rule table lacks or misstates:\n{row}"
        );
    }
}
