//! JSON Schema, compiled once, with Port's string formats and findings as pointers.
//!
//! Config files, blueprint properties and (later) templates and manifests are all
//! checked with `jsonschema`; this module is the one place that knows how to build a
//! validator with portolan's formats and how to turn its errors into a JSON pointer
//! (at the offending value, or at the unexpected key) and a sentence.

use crate::source::spans::{escape_segment, Target};
use jsonschema::error::ValidationErrorKind;
use jsonschema::Validator;
use serde_json::Value;

/// Compile a schema with portolan's format checks; the error is the compiler's message.
pub fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .with_format("url", is_url)
        .with_format("timer", is_date_time)
        .with_format("yaml", |s: &str| {
            yaml_serde::from_str::<crate::source::strict::Strict>(s).is_ok()
        })
        .with_format("markdown", |_: &str| true)
        .with_format("proto", |_: &str| true)
        .with_format("team", |s: &str| !s.is_empty())
        .with_format("entity", |s: &str| !s.is_empty())
        .with_format("user", is_email)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// One schema violation: where, and what.
#[derive(Debug, Clone)]
pub struct Violation {
    /// JSON pointer into the checked value.
    pub pointer: String,
    pub target: Target,
    pub message: String,
    /// The keyword that failed (`required`, `enum`, `type`, …).
    pub keyword: String,
    /// For `required`: the missing property.
    pub missing: Option<String>,
}

/// Every violation of `value`, or none; cheap when the value is valid.
pub fn violations(validator: &Validator, value: &Value) -> Vec<Violation> {
    if validator.is_valid(value) {
        return Vec::new();
    }
    validator
        .iter_errors(value)
        .flat_map(|error| {
            let base = error.instance_path().as_str().to_owned();
            let keyword = error.kind().keyword().to_owned();
            match error.kind() {
                ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
                    .iter()
                    .map(|key| Violation {
                        pointer: format!("{base}/{}", escape_segment(key)),
                        target: Target::Key,
                        message: format!("unknown key `{key}`"),
                        keyword: keyword.clone(),
                        missing: None,
                    })
                    .collect::<Vec<_>>(),
                ValidationErrorKind::Required { property } => vec![Violation {
                    pointer: base,
                    target: Target::Value,
                    message: error.to_string(),
                    keyword,
                    missing: property.as_str().map(str::to_owned),
                }],
                _ => vec![Violation {
                    pointer: base,
                    target: Target::Value,
                    message: error.to_string(),
                    keyword,
                    missing: None,
                }],
            }
        })
        .collect()
}

/// `scheme://rest`, as Port's `url` format expects.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !rest.chars().any(char::is_whitespace)
}

/// A plain `local@domain` check, the shape Port's `email` and `user` formats take.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(char::is_whitespace)
}

/// RFC 3339 date-time (`2026-11-23T19:27:13Z`, fractional seconds and offsets allowed).
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() < 20
        || !digits(0..4)
        || b[4] != b'-'
        || !digits(5..7)
        || b[7] != b'-'
        || !digits(8..10)
    {
        return false;
    }
    if !matches!(b[10], b'T' | b't' | b' ')
        || !digits(11..13)
        || b[13] != b':'
        || !digits(14..16)
        || b[16] != b':'
        || !digits(17..19)
    {
        return false;
    }
    let number = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if !(1..=12).contains(&number(5..7))
        || !(1..=31).contains(&number(8..10))
        || number(11..13) > 23
        || number(14..16) > 59
        || number(17..19) > 60
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let n = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    match rest {
        "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && matches!(o[0], b'+' | b'-')
                && o[1..3].iter().all(u8::is_ascii_digit)
                && o[3] == b':'
                && o[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats() {
        assert!(is_url("https://example.com/x"));
        assert!(!is_url("example.com"));
        assert!(is_email("a@b.io"));
        assert!(!is_email("a@b"));
        assert!(is_date_time("2026-11-23T19:27:13Z"));
        assert!(is_date_time("2026-11-23T19:27:13.5+01:00"));
        assert!(!is_date_time("2026-13-23T19:27:13Z"));
        assert!(!is_date_time("tomorrow"));
    }

    #[test]
    fn violations_name_keys_and_values() {
        let v = compile(&json!({"type": "object", "additionalProperties": false,
            "properties": {"a": {"type": "string", "format": "url"}}, "required": ["b"]}))
        .unwrap();
        let found = violations(&v, &json!({"a": "nope", "c": 1}));
        let pointers: Vec<_> = found
            .iter()
            .map(|v| (v.pointer.as_str(), v.keyword.as_str()))
            .collect();
        assert!(pointers.contains(&("/a", "format")), "{pointers:?}");
        assert!(
            pointers.contains(&("/c", "additionalProperties")),
            "{pointers:?}"
        );
        assert!(found.iter().any(|v| v.missing.as_deref() == Some("b")));
    }
}
