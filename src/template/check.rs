//! `template-invalid`: a repository's templates are validated with the catalog, so a
//! broken template fails review rather than the developer who later runs it.

use super::engine::{compiles, single_expression, RenderError};
use super::{parse_spec, repository_template_files, Operation, Spec, Step, TEMPLATE_FILE};
use crate::catalog::{Blueprints, SourceFile};
use crate::config::Config;
use crate::diagnostic::parse_findings;
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::source::read_and_parse;
use crate::source::spans::{escape_segment, Target};
use crate::source::Source;
use serde_json::Value;
use std::collections::BTreeMap;

/// Check every template of the repository: the files read (for positions) and the
/// findings.
pub fn check(
    source: &dyn Source,
    config: &Config,
    blueprints: &Blueprints,
) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut findings = Vec::new();
    let Ok(paths) = repository_template_files(source, config) else {
        return (files, findings);
    };
    for path in paths {
        let folder = path[..path.len() - TEMPLATE_FILE.len()].trim_end_matches('/');
        let (file, parsed) = read_and_parse(source, &path);
        findings.extend(parse_findings(&path, &parsed));
        let at = |pointer: &str| Place::pointer(&path, 0, pointer, Target::Value);
        if parsed.errors.is_empty() {
            if let Some(document) = parsed.documents.first() {
                match parse_spec(parsed.text.as_bytes()) {
                    Ok(spec) => {
                        for (pointer, message) in spec_problems(&spec, &document.value, blueprints)
                        {
                            findings.push(invalid(at(&pointer), message));
                        }
                        let template_files = template_files(source, folder);
                        for (pointer, from) in render_sources(&spec) {
                            let prefix =
                                format!("{}/", from.trim_start_matches("./").trim_end_matches('/'));
                            if !template_files
                                .keys()
                                .any(|f| f.starts_with(&prefix) || prefix == "/")
                            {
                                findings.push(
                                    invalid(
                                        at(&pointer),
                                        format!("`from: {from}` names no folder of the template"),
                                    )
                                    .help(format!("`from` is relative to `{folder}/`")),
                                );
                            }
                        }
                        for (relative, text) in &template_files {
                            if let Err((e, offset)) = check_file(relative, text) {
                                let file_path = format!("{folder}/{relative}");
                                findings.push(invalid(
                                    Place::offset(&file_path, offset),
                                    format!("the template file does not compile: {e}"),
                                ));
                                files.push(SourceFile {
                                    path: file_path,
                                    format: crate::source::parse::Format::Yaml,
                                    documents: std::iter::once(0..text.len()).collect(),
                                    text: text.clone(),
                                });
                            }
                        }
                    }
                    Err(problems) => {
                        for p in problems.into_iter().filter(|p| p.offset.is_none()) {
                            findings.push(invalid(at(&p.pointer), p.message));
                        }
                    }
                }
            }
        }
        files.push(SourceFile {
            text: parsed.text,
            ..file
        });
    }
    (files, findings)
}

fn invalid(place: Place, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&rules::TEMPLATE_INVALID, place, message)
        .help("see `portolan explain template-invalid`")
}

/// The `.jinja` text files of a template folder, by relative path (paths too are
/// templates, so every file is listed).
fn template_files(source: &dyn Source, folder: &str) -> BTreeMap<String, String> {
    source
        .all_files_under(folder)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|path| {
            let relative = path[folder.len()..].trim_start_matches('/').to_owned();
            if relative == TEMPLATE_FILE {
                return None;
            }
            let text = if relative.ends_with(".jinja") {
                String::from_utf8(source.read(&path).ok()?).unwrap_or_default()
            } else {
                String::new()
            };
            Some((relative, text))
        })
        .collect()
}

/// A template file's path and (for `.jinja`) its text compile; the error with the
/// byte offset of its line.
pub fn check_file(relative: &str, text: &str) -> Result<(), (RenderError, usize)> {
    compiles(relative).map_err(|e| (e, 0))?;
    if relative.ends_with(".jinja") {
        compiles(text).map_err(|e| {
            let offset = e.line.map_or(0, |line| {
                text.split_inclusive('\n')
                    .take(line.saturating_sub(1))
                    .map(str::len)
                    .sum()
            });
            (e, offset)
        })?;
    }
    Ok(())
}

/// Every problem of a parsed spec: expressions that do not compile, an inputs schema
/// that does not compile, a day-2 template without a blueprint, an entity upsert
/// naming a blueprint that does not exist.
pub fn spec_problems(
    spec: &Spec,
    document: &Value,
    blueprints: &Blueprints,
) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for key in ["preconditions", "steps", "pr"] {
        if let Some(value) = document.get(key) {
            strings(value, &format!("/{key}"), &mut |pointer, text| {
                if let Err(e) = compiles(text) {
                    problems.push((
                        pointer.to_owned(),
                        format!("the expression does not compile: {e}"),
                    ));
                }
            });
        }
    }
    if let Some(inputs) = &spec.inputs {
        if let Err(e) = crate::schema::compile(inputs) {
            problems.push((
                "/inputs".into(),
                format!("the inputs schema does not compile: {e}"),
            ));
        }
    }
    if spec.operation != Operation::Create && spec.blueprint.is_none() {
        problems.push((
            "/operation".into(),
            format!(
                "a {} template needs `blueprint:`, the blueprint it runs on",
                spec.operation.as_str()
            ),
        ));
    }
    for (i, step) in spec.steps.iter().enumerate() {
        if let Step::Entity {
            upsert: Some(value),
            ..
        } = step
        {
            if let Some(blueprint) = value.get("blueprint").and_then(Value::as_str) {
                if !blueprint.contains("{{") && blueprints.get(blueprint).is_none() {
                    problems.push((
                        format!("/steps/{i}/entity/upsert/blueprint"),
                        format!("the blueprint `{blueprint}` does not exist"),
                    ));
                }
            } else {
                problems.push((
                    format!("/steps/{i}/entity/upsert"),
                    "`entity: upsert` needs a `blueprint` key".into(),
                ));
            }
        }
    }
    problems
}

/// `render: from` of each step, with its pointer.
fn render_sources(spec: &Spec) -> Vec<(String, String)> {
    spec.steps
        .iter()
        .enumerate()
        .filter_map(|(i, step)| match step {
            Step::Render { from, .. } => Some((format!("/steps/{i}/render/from"), from.clone())),
            _ => None,
        })
        .collect()
}

fn strings(value: &Value, pointer: &str, visit: &mut impl FnMut(&str, &str)) {
    match value {
        Value::String(text)
            if text.contains("{{") || text.contains("{%") || single_expression(text).is_some() =>
        {
            visit(pointer, text);
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, &format!("{pointer}/{i}"), visit);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                strings(item, &format!("{pointer}/{}", escape_segment(key)), visit);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::builtin;

    /// The built-in templates pass the checks a repository's templates get.
    #[test]
    fn built_in_templates_are_valid() {
        let dir = tempfile::tempdir().unwrap();
        let source = crate::source::Worktree::new(dir.path());
        let loaded = crate::engine::load(&source, Default::default()).unwrap();
        let templates = crate::template::all(&source, &loaded.catalog.config).unwrap();
        let names: Vec<&str> = templates.iter().map(|t| t.spec.name.as_str()).collect();
        for name in [
            "platform",
            "register",
            "service",
            "set-replicas",
            "run-runbook",
        ] {
            assert!(names.contains(&name), "{names:?}");
        }
        for template in &templates {
            let text = super::super::BUILTIN
                .get_file(format!("{}/{TEMPLATE_FILE}", template.spec.name))
                .unwrap()
                .contents();
            let parsed = crate::source::parse::parse_bytes(
                text.to_vec(),
                crate::source::parse::Format::Yaml,
            );
            let problems = spec_problems(
                &template.spec,
                &parsed.documents[0].value,
                &loaded.catalog.blueprints,
            );
            assert!(problems.is_empty(), "{}: {problems:?}", template.spec.name);
            let files = template.files(&source).unwrap();
            for (path, bytes) in &files {
                let text = String::from_utf8_lossy(bytes);
                check_file(path, &text)
                    .unwrap_or_else(|(e, _)| panic!("{}/{path}: {e}", template.spec.name));
            }
            for (_, from) in render_sources(&template.spec) {
                let prefix = format!("{}/", from.trim_end_matches('/'));
                assert!(
                    files.keys().any(|f| f.starts_with(&prefix)),
                    "{}: {from}",
                    template.spec.name
                );
            }
        }
        assert!(builtin::BLUEPRINTS.iter().any(|(id, _)| *id == "Component"));
    }
}
