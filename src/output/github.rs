//! `--format github`: GitHub Actions workflow commands, one annotation per finding,
//! plus a summary table for `$GITHUB_STEP_SUMMARY` (GitHub shows only the first
//! annotations of a step, so the table lists them all).

use super::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use std::fmt::Write;

/// A path as GitHub wants it: relative to the repository's top level.
pub fn top_level_path(prefix: &str, file: &str) -> String {
    if prefix.is_empty() || file.starts_with('<') {
        file.to_owned()
    } else {
        format!("{prefix}/{file}")
    }
}

/// Escape workflow-command data (`%`, CR, LF) and, for properties, `:` and `,`.
fn escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// One `::error …::message` line per finding.
pub fn render(diagnostics: &[Diagnostic], prefix: &str) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(file) = d.place.file.as_deref().filter(|f| !f.starts_with('<')) {
            properties.push(format!(
                "file={}",
                escape(&top_level_path(prefix, file), true)
            ));
            if let Some(p) = d.place.position {
                properties.push(format!("line={}", p.line));
                properties.push(format!("col={}", p.column));
            }
        }
        properties.push(format!(
            "title={}",
            escape(&format!("portolan {}", d.rule.id), true)
        ));
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape(&message, false)
        );
    }
    out
}

/// A Markdown summary for `$GITHUB_STEP_SUMMARY`.
pub fn step_summary(diagnostics: &[Diagnostic], summary: Summary, prefix: &str) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = String::from("## portolan validate\n\n");
    let _ = writeln!(
        out,
        "{} error(s), {} warning(s) in {} files ({} entities, {} blueprints).\n",
        summary.errors, summary.warnings, summary.files, summary.entities, summary.blueprints
    );
    if diagnostics.is_empty() {
        out.push_str("The catalog is valid.\n");
        return out;
    }
    out.push_str("| severity | rule | location | message |\n|---|---|---|---|\n");
    for d in diagnostics {
        let location = match (&d.place.file, d.place.position) {
            (Some(f), Some(p)) => {
                format!("`{}:{}:{}`", top_level_path(prefix, f), p.line, p.column)
            }
            (Some(f), None) => format!("`{}`", top_level_path(prefix, f)),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {location} | {} |",
            d.severity.as_str(),
            d.rule.id,
            cell(&d.message)
        );
    }
    out
}
