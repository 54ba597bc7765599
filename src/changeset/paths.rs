//! Which paths portolan may write or read for a template: relative, inside the
//! repository, never Git's own files under any name a file system reads as `.git`,
//! never a control character.
//!
//! Git itself refuses to check out such paths (`verify_path` in git's `read-cache.c`,
//! with `is_ntfs_dotgit` and `is_hfs_dotgit`): Windows trims trailing dots and spaces
//! and knows `.git` by its short name `GIT~1` and its stream `.git::$INDEX_ALLOCATION`;
//! macOS ignores some invisible Unicode characters in names and folds case. A write
//! into a nested repository's `.git` (`vendor/lib/.git/config`) would let its
//! `core.fsmonitor` run a command on the next `git status`, so `.git` is refused as
//! any segment, not only the first.

use super::ChangeError;

/// A path a template may write or read: relative, `/`-separated, inside the
/// repository, not in any `.git`. Returned normalized (`./a//b` → `a/b`).
pub fn safe_path(raw: &str) -> Result<String, ChangeError> {
    let hint = "a template writes only inside the repository: use a relative path without `..`";
    if let Some(c) = raw
        .chars()
        .find(|c| c.is_control() || is_invisible(*c) || *c == '\\')
    {
        return Err(ChangeError::new(
            format!("`{}` is not a usable path", raw.escape_debug()),
            if c == '\\' {
                "use `/` to separate folders".to_owned()
            } else {
                format!(
                    "it holds the control or invisible character {}; paths have printable characters only",
                    c.escape_unicode()
                )
            },
        ));
    }
    if raw.starts_with('/') || raw.get(1..2) == Some(":") {
        return Err(ChangeError::new(
            format!("`{raw}` is an absolute path"),
            hint,
        ));
    }
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(ChangeError::new(
                    format!("`{raw}` leaves the repository"),
                    hint,
                ))
            }
            p if is_dotgit(p) => return Err(ChangeError::new(
                format!("`{raw}` is inside a `.git` folder (`{}`)", p.escape_debug()),
                "templates never write or read Git's own files, in this repository or a nested one",
            )),
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(ChangeError::new(
            format!("`{raw}` names no file"),
            "a path that renders empty skips a file in `render:`; in `write:` give a file name",
        ));
    }
    Ok(parts.join("/"))
}

/// Characters that show nothing, or turn the text around them (bidirectional
/// overrides, line and paragraph separators): a path holding one can look like another
/// in a file list, a diff or a pull request.
fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0xad | 0x061c
            | 0x180e
            | 0x200b..=0x200f
            | 0x2028..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
    )
}

/// Whether a file system may read this one name as `.git`.
pub fn is_dotgit(name: &str) -> bool {
    is_ntfs_dotgit(name) || is_hfs_dotgit(name)
}

/// `.git` as Windows reads names: any case, trailing dots and spaces trimmed, the
/// short name `git~1`, any alternate data stream (`.git::$INDEX_ALLOCATION`).
fn is_ntfs_dotgit(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let rest = match lower.strip_prefix(".git") {
        Some(rest) => rest,
        None => match lower.strip_prefix("git~1") {
            Some(rest) => rest,
            None => return false,
        },
    };
    let stream = rest.find(':').unwrap_or(rest.len());
    rest[..stream].chars().all(|c| c == '.' || c == ' ')
}

/// `.git` as macOS reads names: the characters HFS+ ignores removed, case folded.
fn is_hfs_dotgit(name: &str) -> bool {
    let visible: String = name
        .chars()
        .filter(|c| {
            !matches!(
                *c as u32,
                0x200c..=0x200f | 0x202a..=0x202e | 0x206a..=0x206f | 0xfeff
            )
        })
        .collect();
    visible.eq_ignore_ascii_case(".git")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_git_reads_as_dotgit_is_refused_at_any_depth() {
        for bad in [
            ".git/config",
            "vendor/lib/.git/config",
            "a/.GIT/hooks/x",
            "a/.git./config",
            "a/.git . ./config",
            "a/.git  /x",
            "a/GIT~1/config",
            "a/git~1/config",
            "a/.git::$INDEX_ALLOCATION/config",
            "a/.git:stream",
            "a/.g\u{200c}it/config",
            "a/\u{feff}.git/config",
            "a/.gi\u{202e}t/x",
        ] {
            assert!(safe_path(bad).is_err(), "{}", bad.escape_debug());
        }
        for fine in [
            ".gitignore",
            "a/.github/workflows/x.yaml",
            "a/git/x",
            "a/.gitx",
            "a/git~2",
        ] {
            assert!(safe_path(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        for bad in [
            "a\nb",
            "a\rb",
            "a\u{1b}[31mb",
            "a\tb",
            "a\u{7f}",
            "a\u{85}b",
            "a\0b",
            "invoice\u{202e}fdp.exe",
            "a\u{2028}b",
            "a\u{200b}b",
        ] {
            let error = safe_path(bad).unwrap_err();
            assert!(error.message.contains("not a usable path"), "{error:?}");
        }
    }

    #[test]
    fn refuses_paths_that_leave_the_repository() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "C:/x", "", "a\\b"] {
            assert!(safe_path(bad).is_err(), "{bad}");
        }
        assert_eq!(safe_path("./a//b/").unwrap(), "a/b");
    }
}
