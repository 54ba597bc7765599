//! `--format json`: the versioned report of DESIGN.md §5. Tests and CI depend on it;
//! change it only with a new `version`.

use super::Summary;
use crate::diagnostic::{Diagnostic, Place};
use serde::Serialize;

/// The version of the JSON report.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    rule: &'static str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    blueprint: Option<&'a str>,
    entity: Option<&'a str>,
    pointer: Option<&'a str>,
    message: &'a str,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
}

fn line_column(place: &Place) -> (Option<usize>, Option<usize>) {
    (
        place.position.map(|p| p.line),
        place.position.map(|p| p.column),
    )
}

fn json_diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    let (line, column) = line_column(&d.place);
    JsonDiagnostic {
        severity: d.severity.as_str(),
        rule: d.rule.id,
        file: d.place.file.as_deref(),
        line,
        column,
        blueprint: d.blueprint.as_deref(),
        entity: d.entity.as_deref(),
        pointer: d.pointer(),
        message: &d.message,
        help: d.help.as_deref(),
        related: d
            .related
            .iter()
            .map(|r| {
                let (line, column) = line_column(&r.place);
                JsonRelated {
                    file: r.place.file.as_deref(),
                    line,
                    column,
                    message: &r.message,
                }
            })
            .collect(),
    }
}

/// Findings in the report's shape, for other JSON reports that carry them.
pub fn diagnostics_value(diagnostics: &[Diagnostic]) -> serde_json::Value {
    let list: Vec<JsonDiagnostic<'_>> = diagnostics.iter().map(json_diagnostic).collect();
    serde_json::to_value(list).unwrap_or_default()
}

/// Render the report as pretty JSON with a final newline.
pub fn render(diagnostics: &[Diagnostic], summary: Summary) -> String {
    let report = Report {
        version: VERSION,
        diagnostics: diagnostics.iter().map(json_diagnostic).collect(),
        summary,
    };
    // Serializing plain structs of strings and numbers cannot fail.
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
    text.push('\n');
    text
}
