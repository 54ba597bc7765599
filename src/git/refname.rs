//! Branch names and object ids that portolan hands to `git`, checked first.
//!
//! A branch name reaches git from places portolan does not control: the command line
//! (`portolan pr BRANCH`), `portolan.yaml` (`git.base`, `git.branch_prefix`), a
//! template's name, and the remote itself (its default branch, from `ls-remote`). In a
//! refspec, a `:` would change where a fetch writes or a push goes; a leading `-`
//! could be read as an option. So every name passes git's own rules first — those of
//! `git check-ref-format --branch` (`check_refname_component` in git's `refs.c`, and
//! `check_branch_ref`: no leading `-`, not `HEAD`) — written out here so the check
//! needs no process and says which rule failed.

/// Why `name` cannot be a branch, or `None` when it can. The rules are git's, for
/// `refs/heads/<name>`.
pub fn branch_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("it is empty");
    }
    if name.starts_with('-') {
        return Some("it starts with `-`");
    }
    if name == "HEAD" {
        return Some("`HEAD` is not a branch");
    }
    if name == "@" {
        return Some("`@` alone is not a branch");
    }
    if name.ends_with('/') {
        return Some("it ends with `/`");
    }
    if name.ends_with('.') {
        return Some("it ends with `.`");
    }
    name.split('/').find_map(component_problem)
}

/// One `/`-separated component, by `check_refname_component`'s rules.
fn component_problem(component: &str) -> Option<&'static str> {
    if component.is_empty() {
        return Some("it has an empty component (`//`, or a leading `/`)");
    }
    if component.starts_with('.') {
        return Some("a component starts with `.`");
    }
    if component.ends_with(".lock") {
        return Some("a component ends with `.lock`");
    }
    if component.contains("..") {
        return Some("it contains `..`");
    }
    if component.contains("@{") {
        return Some("it contains `@{`");
    }
    component.chars().find_map(|c| match c {
        c if c.is_ascii_control() => Some("it contains a control character"),
        ' ' => Some("it contains a space"),
        ':' => Some("it contains `:`"),
        '?' | '*' | '[' => Some("it contains a glob character (`?`, `*` or `[`)"),
        '\\' => Some("it contains `\\`"),
        '^' | '~' => Some("it contains `^` or `~`"),
        _ => None,
    })
}

/// Whether `text` is a full object id as git prints it (40 or 64 lowercase hex digits).
pub fn is_object_id(text: &str) -> bool {
    matches!(text.len(), 40 | 64) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &[&str] = &[
        "main",
        "feature/x",
        "portolan/service/component/checkout-1a2b3c4d",
        "a.b",
        "foo@bar",
        "x-",
        "release/v1.2",
        "ünïcode",
        "foo./bar",
        "a{b}",
    ];

    const INVALID: &[&str] = &[
        "",
        "-x",
        "--upload-pack=touch /tmp/x",
        "HEAD",
        "@",
        "a/",
        "/a",
        "a//b",
        "a.",
        ".a",
        "a/.b",
        "a.lock",
        "a.lock/b",
        "a..b",
        "a@{b",
        "a b",
        "a\tb",
        "a\u{7f}b",
        "main:refs/heads/evil",
        "a?b",
        "a*b",
        "a[b",
        "a\\b",
        "a^b",
        "a~1",
    ];

    #[test]
    fn branch_names_follow_git() {
        for name in VALID {
            assert_eq!(branch_name_problem(name), None, "{name:?}");
        }
        for name in INVALID {
            assert!(branch_name_problem(name).is_some(), "{name:?}");
        }
    }

    /// The same verdicts as `git check-ref-format --branch`, on the same names (but
    /// `@`, which git reads there as a shorthand for HEAD).
    #[test]
    fn branch_names_agree_with_git_itself() {
        let outside = tempfile::tempdir().unwrap();
        for name in VALID.iter().chain(INVALID).filter(|n| **n != "@") {
            let Ok(output) = std::process::Command::new("git")
                .args(["check-ref-format", "--branch", name])
                .current_dir(outside.path())
                .output()
            else {
                return; // no git on this machine: the table above still holds
            };
            assert_eq!(
                output.status.success(),
                branch_name_problem(name).is_none(),
                "{name:?}: git says {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    #[test]
    fn object_ids() {
        assert!(is_object_id("bb299f2a5bbd07e17a30c3120a67ac6642bc4572"));
        assert!(!is_object_id("bb299f2a"));
        assert!(!is_object_id(
            "--upload-pack=touch-/tmp/x-00000000000000000"
        ));
        assert!(!is_object_id("BB299F2A5BBD07E17A30C3120A67AC6642BC4572"));
    }
}
