//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it: every rule with
//! its id and help, every finding with its region, paths relative to the Git top level.

use super::github::top_level_path;
use crate::diagnostic::{Diagnostic, Place, Severity};
use crate::rules;
use serde_json::{json, Value};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn location(place: &Place, prefix: &str, message: Option<&str>) -> Option<Value> {
    let file = place.file.as_deref().filter(|f| !f.starts_with('<'))?;
    let mut physical = json!({ "artifactLocation": { "uri": top_level_path(prefix, file), "uriBaseId": "%SRCROOT%" } });
    if let Some(p) = place.position {
        physical["region"] = json!({ "startLine": p.line, "startColumn": p.column });
    }
    let mut location = json!({ "physicalLocation": physical });
    if let Some(message) = message {
        location["message"] = json!({ "text": message });
    }
    Some(location)
}

/// The SARIF log, pretty-printed, with a final newline.
pub fn render(diagnostics: &[Diagnostic], prefix: &str) -> String {
    let rule_list: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.docs, "markdown": r.docs },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = json!({
                "ruleId": d.rule.id,
                "ruleIndex": rules::ALL.iter().position(|r| r.id == d.rule.id).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": text },
                "locations": location(&d.place, prefix, None).into_iter().collect::<Vec<_>>(),
            });
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let mut l = location(&r.place, prefix, Some(&r.message))?;
                    l["id"] = json!(i);
                    Some(l)
                })
                .collect();
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            if let Some(pointer) = d.pointer() {
                result["properties"] =
                    json!({ "pointer": pointer, "blueprint": d.blueprint, "entity": d.entity });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "portolan",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_list,
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}
