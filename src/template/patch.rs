//! `patch:` and `merge:` steps: RFC 6902 operations at JSON pointers, applied to a
//! YAML file so that only the targeted lines change — comments, key order and
//! indentation of the user's file stay (yamlpatch does the surgery).
//!
//! Pointers may select a list item by key: `/spec/containers/[name=app]/image` is the
//! `image` of the container named `app`. `document:` picks one document of a
//! multi-document file, by index or as `Kind/name`.
//!
//! Besides RFC 6902's `add`, `replace` and `remove`, which fail when the path (or its
//! parent) is not there, portolan has four operations of its own that say what the file
//! holds afterwards — `set`, `include`, `unset` and `exclude` ([`end_state`]) — so that
//! a template edits its own keys and items of a structure the user also writes to,
//! whether or not that structure exists yet, and a second run changes nothing.

use super::end_state;
use super::json_text;
use crate::source::parse::{parse_bytes, split_yaml_documents, Format};
use serde_json::Value;
use yamlpatch::{Op as YamlOp, Patch};
use yamlpath::{Component, Route};

/// One operation, rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Add {
        path: String,
        value: Value,
    },
    Replace {
        path: String,
        value: Value,
    },
    Remove {
        path: String,
    },
    /// `path` holds `value` afterwards: replaced when there, added when not, with the
    /// mappings, lists and `[key=value]` items on the way created (portolan's).
    Set {
        path: String,
        value: Value,
    },
    /// The list at `path` has an item equal to `value` afterwards: appended unless one
    /// is there, the list created (as `set` creates) when absent (portolan's).
    Include {
        path: String,
        value: Value,
    },
    /// Nothing is at `path` afterwards: removed when there, nothing when not; `prune`:
    /// each parent this leaves empty goes too (portolan's).
    Unset {
        path: String,
        prune: bool,
    },
    /// No item of the list at `path` equals `value` afterwards; `prune` as `unset`'s,
    /// for a list left empty (portolan's).
    Exclude {
        path: String,
        value: Value,
        prune: bool,
    },
}

impl Op {
    /// Read `{op, path, value}`.
    pub fn from_json(value: &Value) -> Result<Op, String> {
        let text = |k: &str| value.get(k).and_then(Value::as_str);
        let path = text("path")
            .ok_or("an operation needs a `path` (a JSON pointer)")?
            .to_owned();
        let value_of = || {
            value.get("value").cloned().ok_or_else(|| {
                format!("`{}` at `{path}` needs a `value`", text("op").unwrap_or(""))
            })
        };
        let prune = match value.get("prune") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err(format!("`prune` at `{path}` is true or false")),
        };
        let op = match text("op") {
            Some("add") => Op::Add {
                value: value_of()?,
                path: path.clone(),
            },
            Some("replace") => Op::Replace {
                value: value_of()?,
                path: path.clone(),
            },
            Some("remove") => Op::Remove { path: path.clone() },
            Some("set") => Op::Set {
                value: value_of()?,
                path: path.clone(),
            },
            Some("include") => Op::Include {
                value: value_of()?,
                path: path.clone(),
            },
            Some("unset") => Op::Unset {
                path: path.clone(),
                prune: prune.unwrap_or(false),
            },
            Some("exclude") => Op::Exclude {
                value: value_of()?,
                path: path.clone(),
                prune: prune.unwrap_or(false),
            },
            Some(other) => {
                return Err(format!(
                    "the operation `{other}` is not supported; use {OPERATIONS}"
                ))
            }
            None => return Err(format!("an operation needs `op` ({OPERATIONS})")),
        };
        if prune.is_some() && !matches!(op, Op::Unset { .. } | Op::Exclude { .. }) {
            return Err(format!(
                "`prune` at `{path}` belongs to `unset` and `exclude` only"
            ));
        }
        Ok(op)
    }

    pub(super) fn path(&self) -> &str {
        match self {
            Op::Add { path, .. }
            | Op::Replace { path, .. }
            | Op::Remove { path }
            | Op::Set { path, .. }
            | Op::Include { path, .. }
            | Op::Unset { path, .. }
            | Op::Exclude { path, .. } => path,
        }
    }

    /// One of RFC 6902's, which the file edits apply directly; the others are first
    /// turned into those ([`end_state::lower`]).
    pub(super) fn is_rfc6902(&self) -> bool {
        matches!(
            self,
            Op::Add { .. } | Op::Replace { .. } | Op::Remove { .. }
        )
    }
}

/// The operations a template may use, for messages.
const OPERATIONS: &str = "add, replace, remove, set, include, unset or exclude";

/// Which document of a file to patch.
#[derive(Debug, Clone, PartialEq)]
pub enum Select {
    /// The only document (an error when there are several).
    Only,
    Index(usize),
    /// `Kind/name` of a Kubernetes manifest.
    Named {
        kind: String,
        name: String,
    },
}

impl Select {
    pub fn from_json(value: Option<&Value>) -> Result<Select, String> {
        match value {
            None | Some(Value::Null) => Ok(Select::Only),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(|i| Select::Index(usize::try_from(i).unwrap_or(usize::MAX)))
                .ok_or_else(|| "`document` is an index (0, 1, …) or `Kind/name`".into()),
            Some(Value::String(s)) => match s.split_once('/') {
                Some((kind, name)) => Ok(Select::Named {
                    kind: kind.to_owned(),
                    name: name.to_owned(),
                }),
                None => s
                    .parse::<usize>()
                    .map(Select::Index)
                    .map_err(|_| format!("`document: {s}` is neither an index nor `Kind/name`")),
            },
            Some(other) => Err(format!(
                "`document: {other}` is neither an index nor `Kind/name`"
            )),
        }
    }
}

/// Apply operations to a JSON file's value (JSON keeps no comments to preserve).
pub fn apply_json(text: &str, ops: &[Op]) -> Result<String, String> {
    let mut value: Value =
        serde_json::from_str(text).map_err(|e| format!("the file is not valid JSON: {e}"))?;
    // The text, edited in place as long as each edit gives exactly the value the
    // operation gives; re-serialised (key order and layout lost) once one does not.
    let mut edited = Some(text.to_owned());
    for asked in ops {
        let lowered =
            end_state::lower(&value, asked).map_err(|e| format!("`{}`: {e}", asked.path()))?;
        for op in &lowered {
            let segments =
                resolve(&value, op.path()).map_err(|e| format!("`{}`: {e}", op.path()))?;
            apply_json_op(&mut value, op, &segments)?;
            edited = edited.and_then(|text| {
                let edit = match op {
                    Op::Replace { value, .. } => json_text::Edit::Replace(value),
                    Op::Add { value, .. } => json_text::Edit::Add(value),
                    _ => json_text::Edit::Remove,
                };
                json_text::apply(&text, &segments, edit)
                    .filter(|new| serde_json::from_str::<Value>(new).ok().as_ref() == Some(&value))
            });
        }
    }
    if let Some(text) = edited {
        return Ok(text);
    }
    let mut out = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    out.push('\n');
    Ok(out)
}

/// One operation on a parsed JSON value.
fn apply_json_op(value: &mut Value, op: &Op, segments: &[Segment]) -> Result<(), String> {
    {
        let (last, parent) = segments
            .split_last()
            .ok_or_else(|| "the whole document cannot be patched; point into it".to_owned())?;
        let exists = lookup(value, segments).is_some();
        let parent_value = lookup_mut(value, parent)
            .ok_or_else(|| format!("`{}`: the parent of the path does not exist", op.path()))?;
        match (op, parent_value, last) {
            (Op::Replace { .. } | Op::Remove { .. }, _, _) if !exists => {
                return Err(format!("`{}`: the path does not exist", op.path()))
            }
            (
                Op::Replace { value: v, .. } | Op::Add { value: v, .. },
                Value::Object(map),
                Segment::Key(k),
            ) => {
                map.insert(k.clone(), v.clone());
            }
            (Op::Remove { .. }, Value::Object(map), Segment::Key(k)) => {
                map.remove(k);
            }
            (Op::Replace { value: v, .. }, Value::Array(items), Segment::Index(i)) => {
                items[*i] = v.clone()
            }
            (Op::Add { value: v, .. }, Value::Array(items), Segment::Append) => {
                items.push(v.clone())
            }
            (Op::Add { value: v, .. }, Value::Array(items), Segment::Index(i))
                if *i <= items.len() =>
            {
                items.insert(*i, v.clone())
            }
            (Op::Remove { .. }, Value::Array(items), Segment::Index(i)) => {
                items.remove(*i);
            }
            _ if !op.is_rfc6902() => return Err(INTERNAL_OP.into()),
            _ => {
                return Err(format!(
                    "`{}`: the path does not fit the document",
                    op.path()
                ))
            }
        }
    }
    Ok(())
}

fn lookup_mut<'a>(value: &'a mut Value, segments: &[Segment]) -> Option<&'a mut Value> {
    segments.iter().try_fold(value, |v, s| match (v, s) {
        (Value::Object(map), Segment::Key(k)) => map.get_mut(k),
        (Value::Array(items), Segment::Index(i)) => items.get_mut(*i),
        _ => None,
    })
}

/// Apply operations to the YAML text of a file; the new text, or why not.
/// The byte range of the document `select` names in a YAML stream.
pub fn document_range(text: &str, select: &Select) -> Result<std::ops::Range<usize>, String> {
    let ranges = split_yaml_documents(text);
    let index = match select {
        Select::Only if ranges.len() <= 1 => 0,
        Select::Only => {
            return Err(format!(
                "the file has {} documents: say which with `document:` (an index or `Kind/name`)",
                ranges.len()
            ))
        }
        Select::Index(i) if *i < ranges.len().max(1) => *i,
        Select::Index(i) => {
            return Err(format!(
                "the file has no document {i} (it has {})",
                ranges.len()
            ))
        }
        Select::Named { kind, name } => ranges
            .iter()
            .position(|r| {
                let parsed = parse_bytes(text[r.clone()].as_bytes().to_vec(), Format::Yaml);
                parsed.documents.first().is_some_and(|d| {
                    d.value.get("kind").and_then(Value::as_str) == Some(kind)
                        && d.value.pointer("/metadata/name").and_then(Value::as_str) == Some(name)
                })
            })
            .ok_or_else(|| format!("no document of the file is the {kind} `{name}`"))?,
    };
    Ok(ranges.get(index).cloned().unwrap_or(0..text.len()))
}

/// The value of the document `select` names (what a merge patch merges into).
pub fn document_value(text: &str, select: &Select) -> Result<Value, String> {
    let range = document_range(text, select)?;
    let parsed = parse_bytes(text[range].as_bytes().to_vec(), Format::Yaml);
    if let Some(e) = parsed.errors.first() {
        return Err(format!("the file is not valid YAML: {}", e.message));
    }
    Ok(parsed
        .documents
        .into_iter()
        .next()
        .map(|d| d.value)
        .unwrap_or(Value::Null))
}

pub fn apply(text: &str, select: &Select, ops: &[Op]) -> Result<String, String> {
    let range = document_range(text, select)?;
    let mut document = text[range.clone()].to_owned();
    for asked in ops {
        let in_context = |e: String| format!("`{}`: {e}", asked.path());
        let lowered = if asked.is_rfc6902() {
            vec![asked.clone()]
        } else {
            end_state::lower(&yaml_value_of(&document).map_err(in_context)?, asked)
                .map_err(in_context)?
        };
        for op in &lowered {
            document = apply_one(&document, op).map_err(in_context)?;
        }
    }
    Ok(format!(
        "{}{document}{}",
        &text[..range.start],
        &text[range.end..]
    ))
}

/// The value of one YAML document's text.
fn yaml_value_of(document: &str) -> Result<Value, String> {
    let parsed = parse_bytes(document.as_bytes().to_vec(), Format::Yaml);
    if let Some(error) = parsed.errors.first() {
        return Err(format!("the file is not valid YAML: {}", error.message));
    }
    Ok(parsed
        .documents
        .into_iter()
        .next()
        .map_or(Value::Null, |d| d.value))
}

/// Strings that YAML 1.1 — what Kubernetes tools read (sigs.k8s.io/yaml) — takes for
/// booleans when they are written bare: `value: on` would be `true` there.
const YAML11_BOOLEANS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF", "true", "True", "TRUE", "false", "False", "FALSE",
];

/// One operation, with every string value YAML 1.1 would misread written quoted: the
/// edit is made with unique stand-ins, which are then replaced by the quoted strings,
/// and the result checked once more.
fn apply_one(document: &str, op: &Op) -> Result<String, String> {
    let mut stand_ins = Vec::new();
    let masked = match op {
        Op::Add { path, value } => Op::Add {
            path: path.clone(),
            value: mask_booleans(value, &mut stand_ins),
        },
        Op::Replace { path, value } => Op::Replace {
            path: path.clone(),
            value: mask_booleans(value, &mut stand_ins),
        },
        _ => op.clone(),
    };
    if stand_ins.is_empty() {
        return apply_plain(document, op);
    }
    let mut out = apply_plain(document, &masked)?;
    for (stand_in, original) in &stand_ins {
        out = out
            .replace(&format!("\"{stand_in}\""), &format!("\"{original}\""))
            .replace(&format!("'{stand_in}'"), &format!("'{original}'"))
            .replace(stand_in.as_str(), &format!("'{original}'"));
    }
    // The same check as every edit: the document says what the operation says.
    if says(&out, &expected_after(document, op)?) {
        Ok(out)
    } else {
        Err("portolan cannot make this edit without changing other values of the file".into())
    }
}

/// The value of `document` once `op` is applied, emptied collections as null (an
/// emptied block collection reads back as `key:`, which is the same).
fn expected_after(document: &str, op: &Op) -> Result<Value, String> {
    let current = parse_bytes(document.as_bytes().to_vec(), Format::Yaml)
        .documents
        .into_iter()
        .next()
        .map_or(Value::Null, |d| d.value);
    let segments = resolve(&current, op.path())?;
    let mut wanted = current;
    apply_json_op(&mut wanted, op, &segments)?;
    Ok(empty_as_null(wanted))
}

/// Whether `text` parses to `expected` (as [`expected_after`] gives it).
fn says(text: &str, expected: &Value) -> bool {
    let parsed = parse_bytes(text.as_bytes().to_vec(), Format::Yaml);
    parsed.errors.is_empty()
        && parsed
            .documents
            .into_iter()
            .next()
            .map(|d| empty_as_null(d.value))
            .as_ref()
            == Some(expected)
}

fn mask_booleans(value: &Value, stand_ins: &mut Vec<(String, String)>) -> Value {
    match value {
        Value::String(text) if YAML11_BOOLEANS.contains(&text.as_str()) => {
            let stand_in = format!(
                "portolan-stand-in-{}-{}-end",
                std::process::id(),
                stand_ins.len()
            );
            stand_ins.push((stand_in.clone(), text.clone()));
            Value::String(stand_in)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| mask_booleans(v, stand_ins)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), mask_booleans(v, stand_ins)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn apply_plain(document: &str, op: &Op) -> Result<String, String> {
    let parsed = parse_bytes(document.as_bytes().to_vec(), Format::Yaml);
    if let Some(error) = parsed.errors.first() {
        return Err(format!("the file is not valid YAML: {}", error.message));
    }
    let current = parsed
        .documents
        .first()
        .map(|d| d.value.clone())
        .unwrap_or(Value::Null);
    let segments = resolve(&current, op.path())?;
    let (parent, last) = match segments.split_last() {
        Some((last, parent)) => (parent.to_vec(), last.clone()),
        None => return Err("the whole document cannot be patched; point into it".into()),
    };
    let parent_value = lookup(&current, &parent).ok_or("the parent of the path does not exist")?;
    let exists = lookup(&current, &segments).is_some();
    if matches!(op, Op::Remove { .. }) && exists && !parent.is_empty() && len(parent_value) == 1 {
        return remove_last_entry(document, &current, op, &segments);
    }
    let yaml_value = |v: &Value| yaml_serde::to_value(v).map_err(|e| e.to_string());
    let (target, operation) = match op {
        Op::Replace { value, .. } => {
            if !exists {
                return Err("nothing to replace: the path does not exist (use `add`)".into());
            }
            (route(&segments), YamlOp::Replace(yaml_value(value)?))
        }
        Op::Remove { .. } => {
            if !exists {
                return Err("nothing to remove: the path does not exist".into());
            }
            (route(&segments), YamlOp::Remove)
        }
        Op::Add { value, .. } => match (parent_value, &last) {
            (Value::Object(_), Segment::Key(_)) if exists => {
                (route(&segments), YamlOp::Replace(yaml_value(value)?))
            }
            (Value::Object(_), Segment::Key(key)) => (
                route(&parent),
                YamlOp::Add {
                    key: key.clone(),
                    value: yaml_value(value)?,
                },
            ),
            (Value::Array(items), Segment::Append) | (Value::Array(items), Segment::Index(_))
                if matches!(last, Segment::Append)
                    || matches!(last, Segment::Index(i) if i == items.len()) =>
            {
                (
                    route(&parent),
                    YamlOp::Append {
                        value: yaml_value(value)?,
                    },
                )
            }
            (Value::Array(_), _) => {
                return Err("adding inside a list is supported at its end only (`/-`)".into())
            }
            _ => return Err("the parent of the path is not a mapping or a list".into()),
        },
        _ => return Err(INTERNAL_OP.into()),
    };
    // What the document must say afterwards; a surgical edit that says anything else
    // (yamlpatch leaves number-like strings unquoted inside flow mappings) is redone
    // by replacing the whole parent collection, and refused if that is wrong too.
    let mut wanted = current.clone();
    apply_json_op(&mut wanted, op, &segments)?;
    let expected = empty_as_null(wanted.clone());
    let says = |text: &str| says(text, &expected);
    // A new key holding a list or a mapping goes in block style, as the file around it
    // is written (yamlpatch would write it in flow style).
    if let (Op::Add { value, .. }, Segment::Key(key), false) = (op, &last, exists) {
        if let Some(added) = add_block_key(document, &parent, key, value).filter(|t| says(t)) {
            return Ok(added);
        }
    }
    // What fills a `key:` that held nothing, or a `key: []` or `key: {}` that gets its
    // first entry, goes under the key in block style too.
    let filling = match (op, lookup(&current, &segments)) {
        (Op::Replace { value, .. } | Op::Add { value, .. }, Some(Value::Null)) => {
            Some((segments.as_slice(), value.clone()))
        }
        (Op::Add { .. }, None) if len(parent_value) == 0 => {
            lookup(&wanted, &parent).map(|v| (parent.as_slice(), v.clone()))
        }
        _ => None,
    };
    if let Some((at, value)) = filling.filter(|(at, _)| matches!(at.last(), Some(Segment::Key(_))))
    {
        if let Some(filled) = fill_empty(document, at, &value).filter(|t| says(t)) {
            return Ok(filled);
        }
    }
    let first = yaml_patch(document, target, operation);
    if let Ok(patched) = &first {
        if says(patched) {
            return first;
        }
    }
    // Then the parent flow collection, then (a whole list or mapping replaced) the
    // node itself, rewritten as JSON flow.
    let mut rewrites = Vec::new();
    if !parent.is_empty() {
        rewrites.push((parent.as_slice(), true));
    }
    if exists {
        rewrites.push((segments.as_slice(), false));
    }
    for (at, only_flow) in rewrites {
        let rewritten = lookup(&wanted, at).and_then(|v| rewrite_node(document, at, v, only_flow));
        if let Some(whole) = rewritten.filter(|w| says(w)) {
            return Ok(whole);
        }
    }
    // Last, a new node: added with a plain placeholder, then rewritten.
    if let Op::Add { path, value } = op {
        if !value.is_string() {
            let placeholder = Op::Add {
                path: path.clone(),
                value: Value::String("portolan-placeholder".into()),
            };
            let mut at = segments.clone();
            if let (Some(last @ Segment::Append), Some(Value::Array(items))) =
                (at.last_mut(), lookup(&current, &parent))
            {
                *last = Segment::Index(items.len());
            }
            let rewritten = apply_one(document, &placeholder)
                .ok()
                .and_then(|added| rewrite_node(&added, &at, value, false));
            if let Some(whole) = rewritten.filter(|w| says(w)) {
                return Ok(whole);
            }
        }
    }
    first?;
    Err("portolan cannot make this edit without changing other values of the file (a flow-style `{…}` or `[…]` collection?)".into())
}

/// What an operation that is not RFC 6902's says when it reaches a file edit, which
/// only [`end_state::lower`]'s output should.
const INTERNAL_OP: &str =
    "internal: a set, include, unset or exclude reached the file unlowered (report this as a bug in portolan)";

/// The entries of a mapping or items of a list (1 for anything else).
fn len(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 1,
    }
}

/// Remove the only entry of a mapping or item of a list, leaving `{}` or `[]`: yamlpatch
/// leaves a bare `key:`, which reads as null — and a null is not always an empty
/// collection (Argo CD's `automated:` null turns automated sync off, `{}` keeps it on).
fn remove_last_entry(
    document: &str,
    current: &Value,
    op: &Op,
    segments: &[Segment],
) -> Result<String, String> {
    let parent = &segments[..segments.len().saturating_sub(1)];
    let mut wanted = current.clone();
    apply_json_op(&mut wanted, op, segments)?;
    let empty = lookup(&wanted, parent).cloned().unwrap_or(Value::Null);
    let holds = |text: &String| yaml_value_of(text).ok().as_ref() == Some(&wanted);
    let replaced = yaml_serde::to_value(&empty)
        .ok()
        .and_then(|v| yaml_patch(document, route(parent), YamlOp::Replace(v)).ok());
    replaced
        .filter(holds)
        .or_else(|| rewrite_node(document, parent, &empty, false).filter(holds))
        .ok_or_else(|| {
            "portolan cannot make this edit without changing other values of the file".into()
        })
}

fn empty_as_null(value: Value) -> Value {
    match value {
        Value::Object(map) if map.is_empty() => Value::Null,
        Value::Array(items) if items.is_empty() => Value::Null,
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, empty_as_null(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(empty_as_null).collect()),
        other => other,
    }
}

/// `key: value` added as the last entry of the block mapping at `parent`, the value
/// (a non-empty list or mapping) in block style, indented two more than the keys.
fn add_block_key(document: &str, parent: &[Segment], key: &str, value: &Value) -> Option<String> {
    let container = matches!(value, Value::Array(a) if !a.is_empty())
        || matches!(value, Value::Object(o) if !o.is_empty());
    if !container {
        return None;
    }
    let (start, end) = if parent.is_empty() {
        let start = document
            .split_inclusive('\n')
            .scan(0, |offset, line| {
                let at = *offset;
                *offset += line.len();
                Some((at, line))
            })
            .find(|(_, line)| {
                let t = line.trim();
                !(t.is_empty() || t.starts_with('#') || t.starts_with("---"))
            })
            .map(|(at, _)| at)?;
        (start, document.trim_end().len())
    } else {
        let doc = yamlpath::Document::new(document.to_owned()).ok()?;
        let feature = doc.query_exact(&route(parent)).ok().flatten()?;
        feature.location.byte_span
    };
    let node = document.get(start..end)?;
    if node.starts_with('{') || node.starts_with('[') || node.trim().is_empty() {
        return None;
    }
    let end = start + node.trim_end().len();
    let indent = key_column(document, start)?;
    let plain = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    let key_text = if plain {
        key.to_owned()
    } else {
        serde_json::to_string(key).ok()?
    };
    let body = block_body(value, indent + 2)?;
    // After the line the mapping ends on, so a comment at its end stays there.
    let insert_at = document[end..]
        .find('\n')
        .map_or(document.len(), |i| end + i);
    Some(format!(
        "{}\n{}{key_text}:{body}{}",
        &document[..insert_at],
        " ".repeat(indent),
        &document[insert_at..]
    ))
}

/// The column of a mapping key at byte `at`, when only indentation (or the `- ` of
/// the list item the mapping is) comes before it on its line.
fn key_column(document: &str, at: usize) -> Option<usize> {
    let line_start = document[..at].rfind('\n').map_or(0, |i| i + 1);
    document[line_start..at]
        .chars()
        .all(|c| c == ' ' || c == '-')
        .then_some(at - line_start)
}

/// A list or mapping in block style, each line on a line of its own indented by `pad`.
fn block_body(value: &Value, pad: usize) -> Option<String> {
    let block = yaml_serde::to_string(value).ok()?;
    let pad = " ".repeat(pad);
    Some(
        block
            .trim_end()
            .lines()
            .map(|line| format!("\n{pad}{line}"))
            .collect(),
    )
}

/// `key:` with nothing after it (null), or `key: []` or `key: {}`, given a non-empty
/// list or mapping in block style under the key.
fn fill_empty(document: &str, at: &[Segment], value: &Value) -> Option<String> {
    let container = matches!(value, Value::Array(a) if !a.is_empty())
        || matches!(value, Value::Object(o) if !o.is_empty());
    if !container {
        return None;
    }
    let doc = yamlpath::Document::new(document.to_owned()).ok()?;
    let key = doc.query_key_only(&route(at)).ok()?;
    let (start, end) = key.location.byte_span;
    let indent = key_column(document, start)?;
    let line_end = document[end..]
        .find('\n')
        .map_or(document.len(), |i| end + i);
    // Only `key:`, `[]` or `{}`, and perhaps a comment: a written `null` or `~` is left
    // to the other ways.
    let rest = document[end..line_end].trim_start_matches(['"', '\'']);
    let colon = line_end - rest.len();
    let after = rest.strip_prefix(':')?.trim_start();
    let comment = ["[]", "{}"]
        .iter()
        .find_map(|empty| after.strip_prefix(empty))
        .unwrap_or(after)
        .trim_start();
    if !(comment.is_empty() || comment.starts_with('#')) {
        return None;
    }
    let comment = if comment.is_empty() {
        String::new()
    } else {
        format!(" {comment}")
    };
    let body = block_body(value, indent + 2)?;
    Some(format!(
        "{}:{comment}{body}{}",
        &document[..colon],
        &document[line_end..]
    ))
}

/// The node at `at` rewritten whole as JSON — which is YAML flow style with every
/// string quoted, so no value changes type. `only_flow`: only a node already in flow
/// style (`{…}` or `[…]`).
fn rewrite_node(document: &str, at: &[Segment], value: &Value, only_flow: bool) -> Option<String> {
    let doc = yamlpath::Document::new(document.to_owned()).ok()?;
    let feature = doc.query_exact(&route(at)).ok().flatten()?;
    let (start, end) = feature.location.byte_span;
    let node = document.get(start..end)?;
    if only_flow && !(node.starts_with('{') || node.starts_with('[')) {
        return None;
    }
    let json = serde_json::to_string(value).ok()?;
    Some(format!("{}{json}{}", &document[..start], &document[end..]))
}

fn yaml_patch(document: &str, route: Route<'_>, operation: YamlOp<'_>) -> Result<String, String> {
    let doc = yamlpath::Document::new(document.to_owned()).map_err(|e| e.to_string())?;
    let patched = yamlpatch::apply_yaml_patches(&doc, &[Patch { route, operation }])
        .map_err(|e| e.to_string())?;
    Ok(patched.source().to_owned())
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Segment {
    Key(String),
    Index(usize),
    /// `-`: after the last item.
    Append,
}

/// Pointer segments against the current value: `[name=app]` becomes the index of the
/// item whose `name` is `app`; numbers index lists.
fn resolve(value: &Value, pointer: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    let mut current = Some(value);
    for raw in raw_segments(pointer)? {
        let segment = match current {
            Some(Value::Array(items)) => {
                if raw == "-" {
                    Segment::Append
                } else if let Some(selector) = selector(&raw) {
                    let (key, wanted) = selector?;
                    let index = find_item(items, key, wanted).ok_or_else(|| {
                        let names: Vec<String> = items
                            .iter()
                            .filter_map(|i| i.get(key))
                            .map(crate::template::plain_text)
                            .collect();
                        format!(
                            "no item has `{key}: {wanted}` (the items have: {})",
                            names.join(", ")
                        )
                    })?;
                    Segment::Index(index)
                } else {
                    Segment::Index(
                        raw.parse()
                            .map_err(|_| format!("`{raw}` is not a list index"))?,
                    )
                }
            }
            _ => Segment::Key(raw),
        };
        current = current.and_then(|v| step(v, &segment));
        out.push(segment);
    }
    Ok(out)
}

/// The segments of a JSON pointer, unescaped (`~1` is `/`, `~0` is `~`).
pub(super) fn raw_segments(pointer: &str) -> Result<Vec<String>, String> {
    let rest = pointer
        .strip_prefix('/')
        .ok_or("a JSON pointer starts with `/`")?;
    Ok(rest
        .split('/')
        .map(|raw| raw.replace("~1", "/").replace("~0", "~"))
        .collect())
}

/// A segment escaped for a JSON pointer.
pub(super) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// `[key=value]`, as `(key, value)`; `None` for a segment of another kind.
pub(super) fn selector(raw: &str) -> Option<Result<(&str, &str), String>> {
    let inner = raw.strip_prefix('[')?.strip_suffix(']')?;
    Some(
        inner
            .split_once('=')
            .ok_or_else(|| format!("`[{inner}]` is not `[key=value]`")),
    )
}

/// The index of the first item whose `key` is `wanted` (as a person types it).
pub(super) fn find_item(items: &[Value], key: &str, wanted: &str) -> Option<usize> {
    items
        .iter()
        .position(|item| item.get(key).map(crate::template::plain_text).as_deref() == Some(wanted))
}

fn step<'a>(value: &'a Value, segment: &Segment) -> Option<&'a Value> {
    match (value, segment) {
        (Value::Object(map), Segment::Key(k)) => map.get(k),
        (Value::Array(items), Segment::Index(i)) => items.get(*i),
        _ => None,
    }
}

pub(super) fn lookup<'a>(value: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    segments.iter().try_fold(value, |v, s| step(v, s))
}

fn route(segments: &[Segment]) -> Route<'static> {
    Route::from(
        segments
            .iter()
            .filter_map(|s| match s {
                Segment::Key(k) => Some(Component::Key(k.clone().into())),
                Segment::Index(i) => Some(Component::Index(*i)),
                Segment::Append => None,
            })
            .collect::<Vec<_>>(),
    )
}

/// The operations of a merge patch: each leaf of `value` added or replaced; lists of
/// mappings with a `name` merge item by item (Kubernetes lists), other lists replace.
pub fn merge_ops(current: &Value, base: &str, value: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    merge_into(current, base, value, &mut ops);
    ops
}

fn merge_into(current: &Value, pointer: &str, value: &Value, ops: &mut Vec<Op>) {
    match (current, value) {
        (Value::Object(existing), Value::Object(updates)) => {
            for (key, update) in updates {
                let path = format!("{pointer}/{}", escape(key));
                match existing.get(key) {
                    Some(_) if update.is_null() => ops.push(Op::Remove { path }),
                    Some(old) => merge_into(old, &path, update, ops),
                    None if update.is_null() => {}
                    None => ops.push(Op::Add {
                        path,
                        value: without_nulls(update),
                    }),
                }
            }
        }
        // Items the update does not name (the user's, without a `name`, or named
        // otherwise) stay where they are.
        (Value::Array(existing), Value::Array(updates))
            if !updates.is_empty() && updates.iter().all(|u| u.get("name").is_some()) =>
        {
            for update in updates {
                let name = update
                    .get("name")
                    .map(crate::template::plain_text)
                    .unwrap_or_default();
                match existing.iter().find(|e| {
                    e.get("name").map(crate::template::plain_text).as_deref() == Some(name.as_str())
                }) {
                    Some(old) => merge_into(
                        old,
                        &format!("{pointer}/[name={}]", escape(&name)),
                        update,
                        ops,
                    ),
                    None => ops.push(Op::Add {
                        path: format!("{pointer}/-"),
                        value: without_nulls(update),
                    }),
                }
            }
        }
        (old, new) if old == new => {}
        _ => ops.push(Op::Replace {
            path: pointer.to_owned(),
            value: without_nulls(value),
        }),
    }
}

/// A merge patch's value where nothing was: its `null`s say "absent" (RFC 7386), so
/// they are dropped rather than written.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DEPLOYMENT: &str = "# the cart service\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart # keep me\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          image: cart:1 # pinned\n          env:\n            - name: A\n              value: \"1\"\n";

    /// A whole list replaced, and a list added then appended to: yamlpatch fails or
    /// writes flow style; the result still says exactly what the operations say.
    #[test]
    fn whole_lists_are_replaced_and_new_lists_grow() {
        let text = "# args\nspec:\n  args: # keep\n    - --a\n    - --b\n  name: x\n";
        let op = Op::Replace {
            path: "/spec/args".into(),
            value: json!(["--c", "1"]),
        };
        let out = apply(text, &Select::Only, &[op]).unwrap();
        let parsed = parse_bytes(out.as_bytes().to_vec(), Format::Yaml);
        assert_eq!(
            parsed.documents[0].value,
            json!({"spec": {"args": ["--c", "1"], "name": "x"}}),
            "{out}"
        );
        assert!(
            out.contains("# keep") && out.starts_with("# args\n"),
            "{out}"
        );

        let add = Op::Add {
            path: "/spec/ports".into(),
            value: json!(["80"]),
        };
        let append = Op::Add {
            path: "/spec/ports/-".into(),
            value: json!("443"),
        };
        let out = apply(text, &Select::Only, &[add, append]).unwrap();
        let parsed = parse_bytes(out.as_bytes().to_vec(), Format::Yaml);
        assert_eq!(
            parsed.documents[0].value["spec"]["ports"],
            json!(["80", "443"]),
            "{out}"
        );
        assert!(
            out.ends_with("  name: x\n  ports:\n    - '80'\n    - '443'\n"),
            "{out}"
        );
        let deep = Op::Add {
            path: "/spec/env".into(),
            value: json!({"A": "1", "list": [{"k": true}]}),
        };
        let out = apply(text, &Select::Only, &[deep]).unwrap();
        assert!(
            out.ends_with("  name: x\n  env:\n    A: '1'\n    list:\n    - k: true\n"),
            "{out}"
        );
        let top = Op::Add {
            path: "/extra".into(),
            value: json!(["a"]),
        };
        let out = apply("a: 1 # c\n", &Select::Only, &[top]).unwrap();
        assert_eq!(out, "a: 1 # c\nextra:\n  - a\n");
    }

    /// Kubernetes tools read YAML 1.1, where a bare `on` or `yes` is a boolean: such
    /// strings are written quoted, wherever the edit puts them.
    #[test]
    fn yaml11_booleans_are_written_quoted() {
        let text = "env: # vars\n  - name: A\n    value: x\n";
        let ops = [
            Op::Add {
                path: "/env/-".into(),
                value: json!({"name": "B", "value": "on"}),
            },
            Op::Replace {
                path: "/env/0/value".into(),
                value: json!("yes"),
            },
            Op::Add {
                path: "/flags".into(),
                value: json!(["off", "Y"]),
            },
        ];
        let out = apply(text, &Select::Only, &ops).unwrap();
        assert!(
            out.contains("value: 'yes'") && out.contains("value: 'on'"),
            "{out}"
        );
        assert!(out.contains("- 'off'") && out.contains("- 'Y'"), "{out}");
        assert!(out.contains("# vars") && !out.contains("stand-in"), "{out}");
    }

    /// Inside a flow mapping yamlpatch writes `b: 250` for the string "250": the
    /// check against the expected value catches it and the collection is rewritten.
    #[test]
    fn strings_that_look_like_numbers_stay_strings_in_flow_collections() {
        let text = "# tenant settings\nconfig: { a: \"1\" } # flow\nname: x\n";
        for (op, expected) in [
            (
                Op::Add {
                    path: "/config/b".into(),
                    value: json!("250"),
                },
                json!({"config": {"a": "1", "b": "250"}, "name": "x"}),
            ),
            (
                Op::Replace {
                    path: "/config/a".into(),
                    value: json!("2"),
                },
                json!({"config": {"a": "2"}, "name": "x"}),
            ),
        ] {
            let out = apply(text, &Select::Only, std::slice::from_ref(&op)).unwrap();
            let parsed = parse_bytes(out.as_bytes().to_vec(), Format::Yaml);
            assert_eq!(parsed.documents[0].value, expected, "{out}");
            assert!(out.starts_with("# tenant settings\n"), "{out}");
            assert!(out.contains("name: x"), "{out}");
        }
    }

    #[test]
    fn only_the_targeted_lines_change() {
        let ops = [
            Op::Replace {
                path: "/spec/replicas".into(),
                value: json!(3),
            },
            Op::Replace {
                path: "/spec/template/spec/containers/[name=app]/image".into(),
                value: json!("cart:2"),
            },
            Op::Add {
                path: "/spec/template/spec/containers/[name=app]/env/-".into(),
                value: json!({"name": "B", "value": "2"}),
            },
        ];
        let out = apply(DEPLOYMENT, &Select::Only, &ops).unwrap();
        assert!(out.starts_with("# the cart service\n"), "{out}");
        assert!(out.contains("name: cart # keep me"), "{out}");
        assert!(out.contains("replicas: 3"), "{out}");
        assert!(out.contains("image: cart:2"), "{out}");
        assert!(out.contains("name: B"), "{out}");
        let before: Vec<&str> = DEPLOYMENT.lines().collect();
        let after: Vec<&str> = out.lines().collect();
        assert_eq!(before[..6], after[..6]);
    }

    #[test]
    fn missing_paths_and_documents_are_errors() {
        let missing = [Op::Replace {
            path: "/spec/nope".into(),
            value: json!(1),
        }];
        assert!(apply(DEPLOYMENT, &Select::Only, &missing)
            .unwrap_err()
            .contains("does not exist"));
        let wrong_item = [Op::Remove {
            path: "/spec/template/spec/containers/[name=web]".into(),
        }];
        assert!(apply(DEPLOYMENT, &Select::Only, &wrong_item)
            .unwrap_err()
            .contains("app"));
        let two = format!("{DEPLOYMENT}---\nkind: Service\nmetadata:\n  name: cart\n");
        let op = [Op::Add {
            path: "/metadata/labels".into(),
            value: json!({"a": "b"}),
        }];
        assert!(apply(&two, &Select::Only, &op).is_err());
        let out = apply(
            &two,
            &Select::Named {
                kind: "Service".into(),
                name: "cart".into(),
            },
            &op,
        )
        .unwrap();
        assert!(out.starts_with(DEPLOYMENT), "{out}");
        assert!(out.contains("labels"), "{out}");
    }

    #[test]
    fn merge_patches_merge_named_lists_by_name() {
        let current = json!({"spec": {"containers": [{"name": "app", "env": [{"name": "A", "value": "1"}]}]}});
        let ops = merge_ops(
            &current,
            "",
            &json!({"spec": {"containers": [{"name": "app", "env": [{"name": "A", "value": "9"}, {"name": "B", "value": "2"}]}]}}),
        );
        assert_eq!(
            ops,
            vec![
                Op::Replace {
                    path: "/spec/containers/[name=app]/env/[name=A]/value".into(),
                    value: json!("9")
                },
                Op::Add {
                    path: "/spec/containers/[name=app]/env/-".into(),
                    value: json!({"name": "B", "value": "2"})
                },
            ]
        );
    }
}
