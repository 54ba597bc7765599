//! Blueprints: entity types in Port's vocabulary (DESIGN.md §3).
//!
//! Reading a blueprint and checking its own shape are one step: the value is checked
//! against the blueprint meta-schema (`blueprint.schema.json`) and a few rules the
//! schema cannot say well (identifier characters, key names, `many` with `required`,
//! property schemas that compile, jq that compiles). What is readable is kept even when
//! something else is wrong, so one bad property does not turn every entity of the
//! blueprint into a flood of follow-on errors. Rules that need the other blueprints
//! (relation targets, mirror paths, duplicates) are in `checks::blueprints`.

use super::identifier::{self, Kind};
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::schema;
use crate::source::spans::{escape_segment, Target};
use jsonschema::Validator;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A property of a blueprint's schema, with its compiled validator.
pub struct Property {
    pub schema: Value,
    /// `None` when the property definition itself is invalid (already reported).
    pub validator: Option<Validator>,
}

/// A relation a blueprint declares.
#[derive(Debug, Clone)]
pub struct Relation {
    pub title: Option<String>,
    pub target: String,
    pub required: bool,
    pub many: bool,
}

/// A calculation property: jq over the entity JSON.
#[derive(Debug, Clone)]
pub struct Calculation {
    pub calculation: String,
    pub kind: String,
}

/// One blueprint, as read and compiled.
pub struct Blueprint {
    pub identifier: String,
    pub title: Option<String>,
    /// Path relative to the platform root, or `<builtin>/<Id>.json`.
    pub file: String,
    /// The document of the file it came from.
    pub document: usize,
    /// The pointer prefix inside the document (non-empty for a list of blueprints).
    pub prefix: String,
    pub builtin: bool,
    pub value: Value,
    pub properties: BTreeMap<String, Property>,
    pub required: Vec<String>,
    pub relations: BTreeMap<String, Relation>,
    pub mirrors: BTreeMap<String, String>,
    pub calculations: BTreeMap<String, Calculation>,
    pub aggregations: BTreeMap<String, Value>,
    /// The blueprint could not be read at all: its entities are loaded but not checked.
    pub broken: bool,
}

impl Blueprint {
    /// Whether its entities have derived values (mirror, calculation or aggregation
    /// properties), which only the whole catalog's graph can compute.
    pub fn has_derived(&self) -> bool {
        !self.mirrors.is_empty() || !self.calculations.is_empty() || !self.aggregations.is_empty()
    }
}

fn meta_validator() -> &'static Result<Validator, String> {
    static META: OnceLock<Result<Validator, String>> = OnceLock::new();
    META.get_or_init(|| {
        let schema: Value = serde_json::from_str(include_str!("blueprint.schema.json"))
            .map_err(|e| e.to_string())?;
        schema::compile(&schema)
    })
}

/// Where a blueprint is, for its findings.
pub struct Origin<'a> {
    pub file: &'a str,
    pub document: usize,
    pub prefix: String,
    pub builtin: bool,
    /// The identifier to use when the blueprint has none (the file stem).
    pub fallback_id: &'a str,
}

impl Origin<'_> {
    fn place(&self, pointer: &str, target: Target) -> Place {
        Place::pointer(
            self.file,
            self.document,
            format!("{}{pointer}", self.prefix),
            target,
        )
    }
}

impl Blueprint {
    /// Read a blueprint from its value; findings are `blueprint-invalid` and
    /// `blueprint-deprecated`.
    pub fn read(value: Value, origin: Origin) -> (Blueprint, Vec<Diagnostic>) {
        let mut findings = Vec::new();
        let identifier = value
            .get("identifier")
            .and_then(Value::as_str)
            .unwrap_or(origin.fallback_id)
            .to_owned();
        let mut report = |pointer: &str, target: Target, message: String, help: Option<&str>| {
            findings.push(
                Diagnostic::new(
                    &rules::BLUEPRINT_INVALID,
                    origin.place(pointer, target),
                    message,
                )
                .maybe_help(help.map(str::to_owned))
                .blueprint(identifier.clone()),
            );
        };

        let mut blueprint = Blueprint {
            identifier: identifier.clone(),
            title: value
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_owned),
            file: origin.file.to_owned(),
            document: origin.document,
            prefix: origin.prefix.clone(),
            builtin: origin.builtin,
            value: Value::Null,
            properties: BTreeMap::new(),
            required: Vec::new(),
            relations: BTreeMap::new(),
            mirrors: BTreeMap::new(),
            calculations: BTreeMap::new(),
            aggregations: BTreeMap::new(),
            broken: false,
        };
        let Some(map) = value.as_object() else {
            report(
                "",
                Target::Value,
                format!("a blueprint is a mapping, not {}", describe(&value)),
                Some("write one blueprint per file, as a mapping with an `identifier`"),
            );
            blueprint.broken = true;
            return (blueprint, findings);
        };

        // Pointers the meta-schema already flagged: a property whose definition is
        // flagged is not reported a second time for failing to compile.
        let mut flagged: Vec<String> = Vec::new();
        match meta_validator() {
            Ok(meta) => {
                for v in schema::violations(meta, &value) {
                    flagged.push(v.pointer.clone());
                    let help = match v.keyword.as_str() {
                        "additionalProperties" => Some("remove the key or correct its spelling; `portolan explain blueprint-invalid` lists the keys"),
                        "enum" if v.pointer.ends_with("/format") => Some("Port's formats: date-time, url, email, ipv4, ipv6, timer, yaml, markdown, user, team, proto, entity"),
                        "enum" if v.pointer.ends_with("/type") => Some("property types are string, number, boolean, object and array"),
                        _ => None,
                    };
                    let message = if v.keyword == "additionalProperties" {
                        format!("{} in the blueprint", v.message)
                    } else {
                        format!("blueprint `{identifier}` at `{}`: {}", v.pointer, v.message)
                    };
                    report(&v.pointer, v.target, message, help);
                }
            }
            Err(e) => report(
                "",
                Target::Value,
                format!("internal: the blueprint meta-schema does not compile: {e}"),
                None,
            ),
        }

        match map.get("identifier") {
            Some(Value::String(id)) => {
                if let Some(problem) = identifier::problem(Kind::Blueprint, id) {
                    report(
                        "/identifier",
                        Target::Value,
                        problem,
                        Some(identifier::help(Kind::Blueprint)),
                    );
                }
            }
            Some(_) => {}
            None => {
                blueprint.broken = true;
            }
        }

        let schema_map = map.get("schema").and_then(Value::as_object);
        let props = schema_map
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object);
        for (key, def) in props.into_iter().flatten() {
            let pointer = format!("/schema/properties/{}", escape_segment(key));
            check_key(key, &pointer, &mut report);
            let already_flagged = flagged
                .iter()
                .any(|f| f.starts_with(&format!("{pointer}/")));
            let validator = property_validator(def).map_err(|e| {
                if already_flagged {
                    return;
                }
                report(
                    &pointer,
                    Target::Key,
                    format!("property `{key}` has a schema that does not compile: {e}"),
                    None,
                );
            });
            if let (Ok(validator), Some(default)) = (&validator, def.get("default")) {
                if !validator.is_valid(default) {
                    report(
                        &format!("{pointer}/default"),
                        Target::Value,
                        format!("the default of property `{key}` does not match its own schema"),
                        None,
                    );
                }
            }
            blueprint.properties.insert(
                key.clone(),
                Property {
                    schema: def.clone(),
                    validator: validator.ok(),
                },
            );
        }
        let required = schema_map
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array);
        for (i, name) in required.into_iter().flatten().enumerate() {
            if let Some(name) = name.as_str() {
                if !blueprint.properties.contains_key(name) {
                    report(
                        &format!("/schema/required/{i}"),
                        Target::Value,
                        format!(
                            "required property `{name}` is not declared in `schema.properties`"
                        ),
                        Some("declare the property, or remove it from `required`"),
                    );
                }
                blueprint.required.push(name.to_owned());
            }
        }

        for (key, def) in section(map, "relations") {
            let pointer = format!("/relations/{}", escape_segment(key));
            check_key(key, &pointer, &mut report);
            let Some(target) = def.get("target").and_then(Value::as_str) else {
                continue;
            };
            let flag = |name: &str| def.get(name).and_then(Value::as_bool).unwrap_or(false);
            let relation = Relation {
                title: def.get("title").and_then(Value::as_str).map(str::to_owned),
                target: target.to_owned(),
                required: flag("required"),
                many: flag("many"),
            };
            if relation.many && relation.required {
                report(
                    &format!("{pointer}/required"),
                    Target::Value,
                    format!(
                        "relation `{key}` is both `many` and `required`, which Port does not allow"
                    ),
                    Some("make it `required: false`, or `many: false`"),
                );
            }
            blueprint.relations.insert(key.clone(), relation);
        }
        for (key, def) in section(map, "mirrorProperties") {
            check_key(
                key,
                &format!("/mirrorProperties/{}", escape_segment(key)),
                &mut report,
            );
            if let Some(path) = def.get("path").and_then(Value::as_str) {
                blueprint.mirrors.insert(key.clone(), path.to_owned());
            }
        }
        for (key, def) in section(map, "calculationProperties") {
            let pointer = format!("/calculationProperties/{}", escape_segment(key));
            check_key(key, &pointer, &mut report);
            let Some(code) = def.get("calculation").and_then(Value::as_str) else {
                continue;
            };
            if let Err(e) = crate::jq::compile(code) {
                report(
                    &format!("{pointer}/calculation"),
                    Target::Value,
                    format!("calculation property `{key}` does not compile as jq: {e}"),
                    Some("check the expression with `jq` or `jaq`; portolan uses the jaq dialect"),
                );
            }
            blueprint.calculations.insert(
                key.clone(),
                Calculation {
                    calculation: code.to_owned(),
                    kind: def
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("string")
                        .to_owned(),
                },
            );
        }
        for (key, def) in section(map, "aggregationProperties") {
            check_key(
                key,
                &format!("/aggregationProperties/{}", escape_segment(key)),
                &mut report,
            );
            blueprint.aggregations.insert(key.clone(), def.clone());
        }
        check_key_collisions(&blueprint, &mut report);

        if map
            .get("formulaProperties")
            .and_then(Value::as_object)
            .is_some_and(|f| !f.is_empty())
        {
            findings.push(
                Diagnostic::new(&rules::BLUEPRINT_DEPRECATED, origin.place("/formulaProperties", Target::Key), format!("blueprint `{identifier}` uses `formulaProperties`, which Port deprecated; portolan does not compute them"))
                    .help("move each formula to `calculationProperties` (jq)")
                    .blueprint(identifier.clone()),
            );
        }
        blueprint.value = value;
        (blueprint, findings)
    }
}

fn section<'a>(
    map: &'a Map<String, Value>,
    name: &str,
) -> impl Iterator<Item = (&'a String, &'a Value)> {
    map.get(name)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

fn check_key(
    key: &str,
    pointer: &str,
    report: &mut impl FnMut(&str, Target, String, Option<&str>),
) {
    if !identifier::valid_key(key) {
        report(
            pointer,
            Target::Key,
            format!("the key `{key}` has characters Port does not allow"),
            Some("keys use letters, digits and `@ _ = -`"),
        );
    }
}

/// Properties, mirror, calculation and aggregation properties share one namespace
/// (they all appear under `.properties` of an entity).
fn check_key_collisions(
    blueprint: &Blueprint,
    report: &mut impl FnMut(&str, Target, String, Option<&str>),
) {
    let sections: [(&str, Vec<&String>); 3] = [
        ("mirrorProperties", blueprint.mirrors.keys().collect()),
        (
            "calculationProperties",
            blueprint.calculations.keys().collect(),
        ),
        (
            "aggregationProperties",
            blueprint.aggregations.keys().collect(),
        ),
    ];
    let mut seen: BTreeMap<&str, &str> = blueprint
        .properties
        .keys()
        .map(|k| (k.as_str(), "schema.properties"))
        .collect();
    for (name, keys) in sections {
        for key in keys {
            if let Some(first) = seen.insert(key, name) {
                report(
                    &format!("/{name}/{}", escape_segment(key)),
                    Target::Key,
                    format!("`{key}` is defined both in `{first}` and in `{name}`"),
                    Some("derived properties share one namespace with properties; rename one"),
                );
            }
        }
    }
}

/// The validator of one property: its definition is a JSON Schema already (Port's
/// display keys such as `icon` or `enumColors` are ignored by JSON Schema).
fn property_validator(def: &Value) -> Result<Validator, String> {
    schema::compile(def)
}

/// A short description of a value's kind, for messages.
pub fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}
