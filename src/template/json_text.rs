//! Patch operations on a JSON file's text, so only the targeted value changes: the
//! user's key order, indentation and spacing stay, as they do for YAML. The caller
//! checks each result against the same operation applied to the parsed value and
//! falls back to re-serialising when they disagree, so this module only has to be
//! right for the shapes it recognises and may give up (`None`) on the rest.

use super::patch::Segment;
use serde_json::Value;
use std::ops::Range;
use yamlpath::{Component, Document, Route};

/// What one operation does, with its pointer resolved to concrete segments.
pub enum Edit<'a> {
    /// Replace the existing value at the path.
    Replace(&'a Value),
    /// Add a key to an object, or an item to an array (at an index or at the end).
    Add(&'a Value),
    Remove,
}

/// `text` with `edit` applied at `segments`, or `None` when the shape is not handled.
pub fn apply(text: &str, segments: &[Segment], edit: Edit<'_>) -> Option<String> {
    let document = Document::new(text).ok()?;
    let (last, parent) = segments.split_last()?;
    let parent_span = span(&document, parent)?;
    let existing = span(&document, segments);
    match (edit, last, existing) {
        (Edit::Add(value), Segment::Index(_), Some(at)) => {
            // Before the item now at that index, in the container's style.
            let inner = &text[parent_span.clone()];
            let separator = if inner.contains('\n') {
                format!(",\n{}", " ".repeat(indent_at(text, at.start)))
            } else {
                ", ".into()
            };
            let rendered = render(value, indent_at(text, at.start));
            Some(splice(
                text,
                at.start..at.start,
                &format!("{rendered}{separator}"),
            ))
        }
        (Edit::Replace(value) | Edit::Add(value), _, Some(at)) => {
            let rendered = render(value, indent_at(text, at.start));
            Some(splice(text, at, &rendered))
        }
        (Edit::Add(value), Segment::Key(key), None) => {
            let rendered = format!(
                "{}: {}",
                serde_json::to_string(key).ok()?,
                render(value, indent_at(text, parent_span.start) + 2)
            );
            insert_last(text, parent_span, &rendered, b'{')
        }
        (Edit::Add(value), Segment::Append, None) => {
            let rendered = render(value, indent_at(text, parent_span.start) + 2);
            insert_last(text, parent_span, &rendered, b'[')
        }
        (Edit::Remove, Segment::Key(key), Some(value_span)) => {
            let mut route = components(parent)?;
            route.push(Component::Key(key.as_str().into()));
            let key_span = byte_span(document.query_key_only(&Route::from(route)).ok()?);
            // Widen to the key's opening quote when the span starts inside it.
            let start = if text[..key_span.start].ends_with('"') {
                key_span.start - 1
            } else {
                key_span.start
            };
            remove_entry(text, start..value_span.end)
        }
        (Edit::Remove, Segment::Index(_), Some(at)) => remove_entry(text, at),
        _ => None,
    }
}

fn byte_span(feature: yamlpath::Feature<'_>) -> Range<usize> {
    let (start, end) = feature.location.byte_span;
    start..end
}

fn components(segments: &[Segment]) -> Option<Vec<Component<'_>>> {
    segments
        .iter()
        .map(|s| match s {
            Segment::Key(k) => Some(Component::Key(k.as_str().into())),
            Segment::Index(i) => Some(Component::Index(*i)),
            Segment::Append => None,
        })
        .collect()
}

/// The byte range of the node at `segments` (the whole document for none).
fn span(document: &Document, segments: &[Segment]) -> Option<Range<usize>> {
    if segments.is_empty() {
        let text = document.source();
        let start = text.find(|c: char| !c.is_whitespace())?;
        let end = text.trim_end().len();
        return Some(start..end);
    }
    let route = Route::from(components(segments)?);
    document.query_exact(&route).ok().flatten().map(byte_span)
}

fn splice(text: &str, range: Range<usize>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len());
    out.push_str(&text[..range.start]);
    out.push_str(with);
    out.push_str(&text[range.end..]);
    out
}

/// Indentation (in spaces) of the line holding byte `at`.
fn indent_at(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..].chars().take_while(|c| *c == ' ').count()
}

/// A value as JSON: scalars and empty containers compact, others pretty-printed and
/// indented to sit at `indent`.
fn render(value: &Value, indent: usize) -> String {
    let compact = matches!(value, Value::Array(a) if a.is_empty())
        || matches!(value, Value::Object(o) if o.is_empty())
        || !matches!(value, Value::Array(_) | Value::Object(_));
    if compact {
        return value.to_string();
    }
    let pretty = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    let pad = " ".repeat(indent);
    pretty.replace('\n', &format!("\n{pad}"))
}

/// Insert `entry` as the last item of the container spanning `container` (which opens
/// with `open`).
fn insert_last(text: &str, container: Range<usize>, entry: &str, open: u8) -> Option<String> {
    let body = text.get(container.clone())?;
    let close_byte = if open == b'{' { b'}' } else { b']' };
    if body.as_bytes().first() != Some(&open) || body.as_bytes().last() != Some(&close_byte) {
        return None;
    }
    let close = container.end.checked_sub(1)?;
    let inner = &text[container.start + 1..close];
    if inner.trim().is_empty() {
        // A container value opens the empty one onto lines of its own.
        let filled = if entry.contains('\n') {
            let indent = indent_at(text, container.start);
            format!(
                "\n{}{entry}\n{}",
                " ".repeat(indent + 2),
                " ".repeat(indent)
            )
        } else {
            format!(" {entry} ")
        };
        return Some(splice(text, container.start + 1..close, &filled));
    }
    // After the last item, in the style of the items before it.
    let last = container.start + 1 + inner.trim_end().len();
    let multi_line = inner.contains('\n');
    let separator = if multi_line {
        let first_item = container.start + 1 + (inner.len() - inner.trim_start().len());
        format!(",\n{}", " ".repeat(indent_at(text, first_item)))
    } else {
        ", ".into()
    };
    Some(splice(text, last..last, &format!("{separator}{entry}")))
}

/// Remove one entry (`"key": value` or an item) and one comma next to it.
fn remove_entry(text: &str, entry: Range<usize>) -> Option<String> {
    let after = &text[entry.end..];
    let trailing = after.len() - after.trim_start().len();
    if after.trim_start().starts_with(',') {
        // Not the last: take the comma after it and the space up to the next entry.
        let rest = &after[trailing + 1..];
        let space = rest.len() - rest.trim_start().len();
        let start = line_start_if_alone(text, entry.start);
        let end = if start < entry.start {
            // A line of its own: remove the whole line.
            entry.end + trailing + 1 + rest[..space].find('\n').map_or(space, |i| i + 1)
        } else {
            entry.end + trailing + 1 + space
        };
        return Some(splice(text, start..end, ""));
    }
    // The last entry: take the comma before it.
    let before = &text[..entry.start];
    let comma = before.trim_end();
    if comma.ends_with(',') {
        return Some(splice(text, comma.len() - 1..entry.end, ""));
    }
    // The only entry.
    Some(splice(text, before.trim_end().len()..entry.end, ""))
}

/// The start of the line when `at` begins it (after indentation), else `at`.
fn line_start_if_alone(text: &str, at: usize) -> usize {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..at].trim().is_empty() {
        line_start
    } else {
        at
    }
}

#[cfg(test)]
mod tests {
    use crate::template::patch::{apply_json, Op};
    use serde_json::json;

    const FLAGS: &str = "{\n  \"name\": \"cart\",\n  \"flags\": {\n    \"@acme/new-ui\": \"off\",\n    \"beta\": true\n  },\n  \"dev\": { \"jest\": \"29.0.0\" },\n  \"list\": [1, 2]\n}\n";

    fn edit(op: Op) -> String {
        apply_json(FLAGS, &[op]).unwrap()
    }

    fn add(path: &str, value: serde_json::Value) -> Op {
        Op::Add {
            path: path.into(),
            value,
        }
    }

    #[test]
    fn a_replaced_value_changes_alone() {
        let out = edit(Op::Replace {
            path: "/flags/@acme~1new-ui".into(),
            value: json!("on"),
        });
        assert_eq!(out, FLAGS.replace("\"off\"", "\"on\""));
        let out = edit(Op::Replace {
            path: "/list/1".into(),
            value: json!({"a": 1}),
        });
        assert_eq!(out, FLAGS.replace("[1, 2]", "[1, {\n    \"a\": 1\n  }]"));
    }

    #[test]
    fn added_keys_and_items_follow_the_style_around_them() {
        let out = edit(add("/flags/gamma", json!(false)));
        assert_eq!(
            out,
            FLAGS.replace(
                "\"beta\": true\n",
                "\"beta\": true,\n    \"gamma\": false\n"
            )
        );
        let out = edit(add("/dev/lint", json!("9")));
        assert_eq!(
            out,
            FLAGS.replace(
                "{ \"jest\": \"29.0.0\" }",
                "{ \"jest\": \"29.0.0\", \"lint\": \"9\" }"
            )
        );
        let out = edit(add("/list/-", json!(3)));
        assert_eq!(out, FLAGS.replace("[1, 2]", "[1, 2, 3]"));
        let out = edit(add("/list/0", json!(0)));
        assert_eq!(out, FLAGS.replace("[1, 2]", "[0, 1, 2]"));
        let out = apply_json("{\"a\": {}}\n", &[add("/a/b", json!(1))]).unwrap();
        assert_eq!(out, "{\"a\": { \"b\": 1 }}\n");
    }

    #[test]
    fn removed_entries_take_one_comma_with_them() {
        let out = edit(Op::Remove {
            path: "/flags/@acme~1new-ui".into(),
        });
        assert_eq!(out, FLAGS.replace("    \"@acme/new-ui\": \"off\",\n", ""));
        let out = edit(Op::Remove {
            path: "/flags/beta".into(),
        });
        assert_eq!(out, FLAGS.replace(",\n    \"beta\": true", ""));
        let out = edit(Op::Remove {
            path: "/list/0".into(),
        });
        assert_eq!(out, FLAGS.replace("[1, 2]", "[2]"));
        let out = edit(Op::Remove {
            path: "/dev/jest".into(),
        });
        assert_eq!(out, FLAGS.replace("{ \"jest\": \"29.0.0\" }", "{ }"));
    }
}
