//! Property values against the schemas their blueprint declares.
//!
//! Rules: `property-invalid`, `property-required`, `property-unknown`. Each property
//! has its own validator, compiled once per blueprint, so a finding names the property
//! and the schema's complaint; `null` means unset, as in Port.

use super::entity::DocumentContext;
use crate::catalog::identifier::closest;
use crate::catalog::{Blueprint, Entity};
use crate::diagnostic::Diagnostic;
use crate::rules;
use crate::schema;
use crate::source::spans::{escape_segment, Target};
use serde_json::Value;

pub fn check(
    ctx: &DocumentContext,
    blueprint: &Blueprint,
    entity: &Entity,
    findings: &mut Vec<Diagnostic>,
) {
    let bp = &blueprint.identifier;
    let id = &entity.identifier;
    let properties = entity.properties();
    let mut push = |d: Diagnostic| findings.push(d.blueprint(bp.clone()).entity(id.clone()));

    for (key, value) in properties.into_iter().flatten() {
        let pointer = format!("/properties/{}", escape_segment(key));
        let Some(property) = blueprint.properties.get(key) else {
            let derived = blueprint.mirrors.contains_key(key)
                || blueprint.calculations.contains_key(key)
                || blueprint.aggregations.contains_key(key);
            if derived {
                push(
                    Diagnostic::new(
                        &rules::PROPERTY_INVALID,
                        ctx.place(&pointer, Target::Key),
                        format!("`{key}` is a derived property of {bp}: it is computed, never set"),
                    )
                    .help("remove it; portolan computes it when you read the entity"),
                );
            } else {
                let help = closest(key, blueprint.properties.keys().map(String::as_str))
                    .map(|k| format!("did you mean `{k}`?"))
                    .unwrap_or_else(|| format!("declare `{key}` in the {bp} blueprint's `schema.properties`, or remove it"));
                push(
                    Diagnostic::new(
                        &rules::PROPERTY_UNKNOWN,
                        ctx.place(&pointer, Target::Key),
                        format!("{bp} has no property `{key}`"),
                    )
                    .help(help),
                );
            }
            continue;
        };
        if value.is_null() {
            continue;
        }
        let Some(validator) = &property.validator else {
            continue;
        };
        for violation in schema::violations(validator, value) {
            let help = enum_hint(&property.schema, value).or_else(|| format_hint(&property.schema));
            push(
                Diagnostic::new(
                    &rules::PROPERTY_INVALID,
                    ctx.place(&format!("{pointer}{}", violation.pointer), violation.target),
                    format!("property `{key}`: {}", violation.message),
                )
                .maybe_help(help),
            );
        }
    }

    for required in &blueprint.required {
        let set = properties
            .and_then(|p| p.get(required))
            .is_some_and(|v| !v.is_null());
        if !set {
            let pointer = if properties.is_some() {
                "/properties"
            } else {
                ""
            };
            push(
                Diagnostic::new(
                    &rules::PROPERTY_REQUIRED,
                    ctx.place(pointer, Target::Key),
                    format!("{bp} `{id}` does not set the required property `{required}`"),
                )
                .help(format!("add `{required}:` under `properties:`")),
            );
        }
    }
}

fn enum_hint(schema: &Value, value: &Value) -> Option<String> {
    let options: Vec<&str> = schema
        .get("enum")?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let given = value.as_str()?;
    if options.contains(&given) {
        return None;
    }
    Some(match closest(given, options.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("one of: {}", options.join(", ")),
    })
}

fn format_hint(schema: &Value) -> Option<String> {
    let example = match schema.get("format")?.as_str()? {
        "date-time" | "timer" => "an RFC 3339 date-time such as 2026-11-23T09:30:00Z",
        "url" => "a URL with a scheme, such as https://example.com",
        "email" | "user" => "an email address",
        "ipv4" => "an IPv4 address such as 10.0.0.1",
        "ipv6" => "an IPv6 address",
        "yaml" => "a string that parses as YAML",
        _ => return None,
    };
    Some(format!("expected {example}"))
}
