//! A planned change, shown: the file tree (`+` created, `~` modified, `-` deleted), a
//! unified diff for `--dry-run`, and the versioned JSON report of `new` and `init`.

use crate::changeset::{ChangeKind, FileChange};
use crate::diagnostic::Diagnostic;
use serde_json::{json, Map, Value};
use similar::TextDiff;

/// The version of the change report.
pub const VERSION: u32 = 1;

fn paint(text: &str, style: anstyle::Style, colored: bool) -> String {
    if colored {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_owned()
    }
}

fn style_of(kind: ChangeKind) -> (char, anstyle::Style) {
    let color = |c: anstyle::AnsiColor| anstyle::Style::new().fg_color(Some(c.into()));
    match kind {
        ChangeKind::Create => ('+', color(anstyle::AnsiColor::Green)),
        ChangeKind::Modify => ('~', color(anstyle::AnsiColor::Yellow)),
        ChangeKind::Delete => ('-', color(anstyle::AnsiColor::Red)),
    }
}

/// One line per file, sorted by path.
pub fn tree(changes: &[FileChange], colored: bool) -> String {
    let mut out = String::new();
    for change in changes {
        let (sign, style) = style_of(change.kind);
        out.push_str(&paint(&format!("  {sign} {}", change.path), style, colored));
        out.push('\n');
    }
    out
}

/// A unified diff of every file (binary files are named, not shown).
pub fn diff(changes: &[FileChange], colored: bool) -> String {
    let mut out = String::new();
    for change in changes {
        let old = change.old.as_deref().map(String::from_utf8_lossy);
        let new = change.new.as_deref().map(String::from_utf8_lossy);
        let is_binary = [&change.old, &change.new]
            .iter()
            .any(|c| c.as_ref().is_some_and(|b| b.contains(&0)));
        if is_binary {
            out.push_str(&format!(
                "Binary file {} {}\n",
                change.path,
                change.kind.as_str()
            ));
            continue;
        }
        let (a, b) = (
            if change.old.is_some() {
                format!("a/{}", change.path)
            } else {
                "/dev/null".into()
            },
            if change.new.is_some() {
                format!("b/{}", change.path)
            } else {
                "/dev/null".into()
            },
        );
        let old = old.unwrap_or_default();
        let new = new.unwrap_or_default();
        let text_diff = TextDiff::from_lines(old.as_ref(), new.as_ref());
        let unified = text_diff
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string();
        for line in unified.split_inclusive('\n') {
            let style = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => {
                    anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Green.into()))
                }
                Some(b'-') if !line.starts_with("---") => {
                    anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Red.into()))
                }
                Some(b'@') => anstyle::Style::new().fg_color(Some(anstyle::AnsiColor::Cyan.into())),
                _ => anstyle::Style::new().bold(),
            };
            let body = line.trim_end_matches('\n');
            out.push_str(&paint(body, style, colored && !body.starts_with(' ')));
            out.push('\n');
            if !line.ends_with('\n') {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// What a run did (or, with `dry_run`, would do).
pub struct Report<'a> {
    pub template: &'a str,
    pub dry_run: bool,
    pub run_key: &'a str,
    pub now: &'a str,
    pub inputs: &'a Map<String, Value>,
    pub changes: &'a [FileChange],
    /// Findings the change brings (warnings, when it was applied).
    pub diagnostics: &'a [Diagnostic],
    /// With `--pr`: `{branch, commit, pushed, number, url, created}`.
    pub pull: Option<Value>,
    /// Why the run had nothing to do (a `done` precondition of the template held).
    pub done: Option<&'a str>,
}

/// The JSON report: `{version, template, dry_run, run_key, now, inputs, files,
/// diagnostics}`, with `pull_request` (`--pr`) and `done` (why a run had nothing to do)
/// when they apply; `inputs` never holds a `writeOnly` input.
pub fn json(report: &Report<'_>) -> String {
    let files: Vec<Value> = report
        .changes
        .iter()
        .map(|c| json!({"path": c.path, "change": c.kind.as_str()}))
        .collect();
    let value = json!({
        "version": VERSION,
        "template": report.template,
        "dry_run": report.dry_run,
        "run_key": report.run_key,
        "now": report.now,
        "inputs": report.inputs,
        "files": files,
        "diagnostics": super::json::diagnostics_value(report.diagnostics),
    });
    let mut value = value;
    if let (Some(pull), Some(map)) = (&report.pull, value.as_object_mut()) {
        map.insert("pull_request".into(), pull.clone());
    }
    if let (Some(done), Some(map)) = (report.done, value.as_object_mut()) {
        map.insert("done".into(), done.into());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
