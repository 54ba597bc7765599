//! portolan's own patch operations, which say what a file holds afterwards instead of
//! what to do to it: `set`, `include`, `unset` and `exclude`. Each is lowered here into
//! the RFC 6902 operations (`add`, `replace`, `remove`) that reach that state from the
//! file's current value — none when it is already there — so the comment-keeping edits
//! of [`super::patch`] do the writing, and a second run of a template changes nothing.
//!
//! They exist because a template edits structures its users also write to (annotations,
//! labels, `resources:` lists, `ignoreDifferences`, a container's `env`…): RFC 6902's
//! `add` at `/metadata/annotations/x` fails when `annotations` is absent, and adding the
//! whole mapping would replace the user's keys. The semantics are portolan's, not RFC
//! 6902's:
//!
//! - `set`: `path` holds `value`: a mapping that is there is changed key by key, and
//!   keys it has that `value` lacks are removed; anything else is replaced whole. Each
//!   missing segment on the way is created: a key as a
//!   mapping, `-` as a list (it ends a path), and `[key=value]` as a list holding an item
//!   `{key: value}` — appended to the list when the list exists and has no such item. A
//!   segment whose value is null (`annotations:` with nothing under it) is filled the
//!   same way. A list index that does not exist is an error, as is a path through a
//!   string or a number.
//! - `include`: the list at `path` has an item equal to `value`; appended when it has
//!   none, the list created as `set` creates it when absent (or null).
//! - `unset`: nothing is at `path`: removed when there, nothing done when any segment is
//!   missing. With `prune: true`, a parent mapping or list the removal leaves empty is
//!   removed too, and so on upwards (never the document itself).
//! - `exclude`: no item of the list at `path` equals `value`: each equal item removed,
//!   nothing done when the list is absent; `prune: true` as `unset`'s, for a list left
//!   empty.

use super::patch::{escape, find_item, lookup, raw_segments, selector, Op, Segment};
use serde_json::{Map, Value};

/// The RFC 6902 operations that bring `current` to the state `op` says; an RFC 6902
/// operation is itself.
pub fn lower(current: &Value, op: &Op) -> Result<Vec<Op>, String> {
    match op {
        Op::Add { .. } | Op::Replace { .. } | Op::Remove { .. } => Ok(vec![op.clone()]),
        Op::Set { path, value } => set(current, path, value),
        Op::Include { path, value } => {
            let raws = raw_segments(path)?;
            match walk(current, &raws)? {
                Walk::Found(_, Value::Array(items)) if items.contains(value) => Ok(Vec::new()),
                Walk::Found(at, Value::Array(_)) => Ok(vec![Op::Add {
                    path: format!("{}/-", pointer(&at)),
                    value: value.clone(),
                }]),
                Walk::Found(_, Value::Null) | Walk::Missing(..) => {
                    set(current, &format!("{path}/-"), value)
                }
                Walk::Found(at, other) => {
                    Err(format!("`{}` is {}, not a list", pointer(&at), kind(other)))
                }
            }
        }
        Op::Unset { path, prune } => {
            let raws = raw_segments(path)?;
            match walk(current, &raws)? {
                Walk::Found(at, _) => Ok(vec![removal(current, at, *prune)]),
                Walk::Missing(..) => Ok(Vec::new()),
            }
        }
        Op::Exclude { path, value, prune } => {
            let raws = raw_segments(path)?;
            let (at, items) = match walk(current, &raws)? {
                Walk::Found(at, Value::Array(items)) => (at, items),
                Walk::Found(_, Value::Null) | Walk::Missing(..) => return Ok(Vec::new()),
                Walk::Found(at, other) => {
                    return Err(format!("`{}` is {}, not a list", pointer(&at), kind(other)))
                }
            };
            let equal: Vec<usize> = (0..items.len()).filter(|&i| items[i] == *value).collect();
            if *prune && !equal.is_empty() && equal.len() == items.len() {
                return Ok(vec![removal(current, at, true)]);
            }
            // From the last, so each index still names its item.
            Ok(equal
                .into_iter()
                .rev()
                .map(|i| Op::Remove {
                    path: format!("{}/{i}", pointer(&at)),
                })
                .collect())
        }
    }
}

/// How far a pointer leads in a value.
enum Walk<'a> {
    /// Every segment exists: the concrete segments and the value there.
    Found(Vec<Segment>, &'a Value),
    /// The deepest value that exists (its segments and itself), and how many of the
    /// pointer's segments lead to it.
    Missing(Vec<Segment>, &'a Value, usize),
}

fn walk<'a>(value: &'a Value, raws: &[String]) -> Result<Walk<'a>, String> {
    let mut at = Vec::with_capacity(raws.len());
    let mut node = value;
    for (used, raw) in raws.iter().enumerate() {
        let next = match node {
            Value::Object(map) => map.get(raw).map(|v| (Segment::Key(raw.clone()), v)),
            Value::Array(_) if raw == "-" => None,
            Value::Array(items) => match selector(raw) {
                Some(parsed) => {
                    let (key, wanted) = parsed?;
                    find_item(items, key, wanted).map(|i| (Segment::Index(i), &items[i]))
                }
                None => {
                    let index: usize = raw
                        .parse()
                        .map_err(|_| format!("`{raw}` is not a list index"))?;
                    items.get(index).map(|v| (Segment::Index(index), v))
                }
            },
            _ => None,
        };
        match next {
            Some((segment, child)) => {
                at.push(segment);
                node = child;
            }
            None => return Ok(Walk::Missing(at, node, used)),
        }
    }
    Ok(Walk::Found(at, node))
}

fn set(current: &Value, path: &str, value: &Value) -> Result<Vec<Op>, String> {
    let raws = raw_segments(path)?;
    let (at, node, used) = match walk(current, &raws)? {
        Walk::Found(at, old) => {
            let mut ops = Vec::new();
            differences(old, value, &pointer(&at), &mut ops);
            return Ok(ops);
        }
        Walk::Missing(at, node, used) => (at, node, used),
    };
    let rest = &raws[used..];
    let here = pointer(&at);
    match node {
        Value::Object(_) => Ok(vec![Op::Add {
            path: format!("{here}/{}", escape(&rest[0])),
            value: build(&rest[1..], value)?,
        }]),
        Value::Array(items) => {
            let first = &rest[0];
            if first == "-" {
                if rest.len() > 1 {
                    return Err("`-` (after the last item) ends a path".into());
                }
                return Ok(vec![Op::Add {
                    path: format!("{here}/-"),
                    value: value.clone(),
                }]);
            }
            if selector(first).is_some() {
                let mut item = build(rest, value)?;
                let item = match &mut item {
                    Value::Array(new) => new.pop().unwrap_or(Value::Null),
                    _ => item,
                };
                return Ok(vec![Op::Add {
                    path: format!("{here}/-"),
                    value: item,
                }]);
            }
            Err(format!(
                "`{here}` has no item {first} (it has {})",
                items.len()
            ))
        }
        Value::Null if !at.is_empty() => Ok(vec![Op::Replace {
            path: here,
            value: build(rest, value)?,
        }]),
        Value::Null => Err("the document is empty".into()),
        other => Err(format!(
            "`{}` is {}, not a mapping or a list",
            if here.is_empty() { "/" } else { &here },
            kind(other)
        )),
    }
}

/// The operations that turn `old` into `new` at `at`: a mapping key by key (so the
/// lines of the keys that stay as they were keep their comments), anything else whole.
fn differences(old: &Value, new: &Value, at: &str, ops: &mut Vec<Op>) {
    match (old, new) {
        _ if old == new => {}
        (Value::Object(old), Value::Object(new)) => {
            for (key, value) in new {
                let path = format!("{at}/{}", escape(key));
                match old.get(key) {
                    Some(before) => differences(before, value, &path, ops),
                    None => ops.push(Op::Add {
                        path,
                        value: value.clone(),
                    }),
                }
            }
            for key in old.keys().filter(|k| !new.contains_key(*k)) {
                ops.push(Op::Remove {
                    path: format!("{at}/{}", escape(key)),
                });
            }
        }
        _ => ops.push(Op::Replace {
            path: at.to_owned(),
            value: new.clone(),
        }),
    }
}

/// The value that `rest` of a path (all missing) holding `value` makes: mappings for
/// keys, a list for `-`, a list of one `{key: value}` item for `[key=value]`.
fn build(rest: &[String], value: &Value) -> Result<Value, String> {
    let Some((first, after)) = rest.split_first() else {
        return Ok(value.clone());
    };
    if first == "-" {
        if !after.is_empty() {
            return Err("`-` (after the last item) ends a path".into());
        }
        return Ok(Value::Array(vec![value.clone()]));
    }
    if let Some(parsed) = selector(first) {
        let (key, wanted) = parsed?;
        let mut item = match build(after, value)? {
            Value::Object(map) => map,
            _ if !after.is_empty() => {
                return Err(format!(
                    "`{first}` selects a mapping, and the path goes on with a list"
                ))
            }
            _ => return Err(format!("`{first}` selects a mapping: the value is not one")),
        };
        match item.get(key) {
            Some(given) if crate::template::plain_text(given) != wanted => {
                return Err(format!(
                    "the value's `{key}` is not `{wanted}`, which `{first}` selects"
                ))
            }
            Some(_) => {}
            None => {
                item.insert(key.to_owned(), Value::String(wanted.to_owned()));
            }
        }
        return Ok(Value::Array(vec![Value::Object(item)]));
    }
    let mut map = Map::new();
    map.insert(first.clone(), build(after, value)?);
    Ok(Value::Object(map))
}

/// The removal of what is at `at`; with `prune`, of the highest parent it leaves empty.
fn removal(current: &Value, mut at: Vec<Segment>, prune: bool) -> Op {
    while prune && at.len() > 1 {
        let parent = lookup(current, &at[..at.len() - 1]);
        let only_child = match parent {
            Some(Value::Object(map)) => map.len() == 1,
            Some(Value::Array(items)) => items.len() == 1,
            _ => false,
        };
        if !only_child {
            break;
        }
        at.pop();
    }
    Op::Remove { path: pointer(&at) }
}

/// Concrete segments as a JSON pointer (`""` for the document).
fn pointer(at: &[Segment]) -> String {
    at.iter()
        .map(|s| match s {
            Segment::Key(k) => format!("/{}", escape(k)),
            Segment::Index(i) => format!("/{i}"),
            Segment::Append => "/-".to_owned(),
        })
        .collect()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use crate::template::patch::{apply, apply_json, merge_ops, Op, Select};
    use serde_json::json;

    /// An Argo CD Application as `new service` writes it, with a label of the user's.
    const APP: &str = "# cart in prod\nmetadata:\n  name: cart-prod\n  labels:\n    team: payments # ours\nspec:\n  syncPolicy:\n    automated:\n      prune: true\n      selfHeal: true\n    syncOptions:\n      - CreateNamespace=true\n";

    fn edit(text: &str, ops: &[Op]) -> String {
        apply(text, &Select::Only, ops).unwrap()
    }

    fn set(path: &str, value: serde_json::Value) -> Op {
        Op::Set {
            path: path.into(),
            value,
        }
    }

    fn include(path: &str, value: serde_json::Value) -> Op {
        Op::Include {
            path: path.into(),
            value,
        }
    }

    fn unset(path: &str, prune: bool) -> Op {
        Op::Unset {
            path: path.into(),
            prune,
        }
    }

    #[test]
    fn set_creates_the_missing_mapping_and_adds_only_its_keys() {
        let locked = edit(
            APP,
            &[
                set("/metadata/annotations/portolan.dev~1locked", json!("now")),
                set(
                    "/metadata/annotations/portolan.dev~1lock-reason",
                    json!("42"),
                ),
                set("/spec/syncPolicy/automated/enabled", json!(false)),
            ],
        );
        assert_eq!(
            locked,
            APP.replace(
                "    team: payments # ours\n",
                "    team: payments # ours\n  annotations:\n    portolan.dev/locked: now\n    portolan.dev/lock-reason: '42'\n"
            )
            .replace("selfHeal: true\n", "selfHeal: true\n      enabled: false\n")
        );
        // The same state again changes nothing; a changed value changes only itself.
        let again = edit(
            &locked,
            &[set(
                "/metadata/annotations/portolan.dev~1locked",
                json!("now"),
            )],
        );
        assert_eq!(again, locked);
        let later = edit(
            &locked,
            &[set(
                "/metadata/annotations/portolan.dev~1locked",
                json!("later"),
            )],
        );
        assert_eq!(later, locked.replace("locked: now", "locked: later"));
    }

    #[test]
    fn set_fills_a_null_value_and_refuses_to_go_through_a_scalar() {
        let text = "metadata:\n  name: x\n  annotations:\n";
        assert_eq!(
            edit(text, &[set("/metadata/annotations/a", json!("b"))]),
            "metadata:\n  name: x\n  annotations:\n    a: b\n"
        );
        let error = apply(text, &Select::Only, &[set("/metadata/name/a", json!(1))]).unwrap_err();
        assert!(error.contains("`/metadata/name` is a string"), "{error}");
        let error = apply(
            "list:\n  - a\n",
            &Select::Only,
            &[set("/list/3/x", json!(1))],
        )
        .unwrap_err();
        assert!(error.contains("has no item 3"), "{error}");
    }

    /// A mapping set onto a mapping changes key by key: the lines that stay keep their
    /// comments, and keys the value lacks go.
    #[test]
    fn set_changes_a_mapping_key_by_key() {
        let text = "data:\n  - secretKey: A\n    remoteRef:\n      key: a # where\n      property: value\n      version: \"2\"\n";
        assert_eq!(
            edit(
                text,
                &[set(
                    "/data/[secretKey=A]/remoteRef",
                    json!({"key": "a", "property": "token"})
                )]
            ),
            "data:\n  - secretKey: A\n    remoteRef:\n      key: a # where\n      property: token\n"
        );
    }

    /// `[name=KEY]` on the way: the item is found, appended, or its list created.
    #[test]
    fn set_upserts_keyed_items() {
        let deployment = "spec:\n  containers:\n    - name: app # main\n      image: app:1\n";
        let with_env = edit(
            deployment,
            &[set(
                "/spec/containers/[name=app]/env/[name=MODE]/value",
                json!("fast"),
            )],
        );
        assert_eq!(
            with_env,
            format!("{deployment}      env:\n        - name: MODE\n          value: fast\n")
        );
        let users = with_env.replace(
            "          value: fast\n",
            "          value: fast\n        - name: OURS\n          value: \"1\"\n",
        );
        let two = edit(
            &users,
            &[
                set(
                    "/spec/containers/[name=app]/env/[name=MODE]/value",
                    json!("slow"),
                ),
                set(
                    "/spec/containers/[name=app]/env/[name=LEVEL]/value",
                    json!("debug"),
                ),
            ],
        );
        assert_eq!(
            two,
            users.replace("value: fast", "value: slow")
                + "        - name: LEVEL\n          value: debug\n"
        );
        let error = apply(
            deployment,
            &Select::Only,
            &[set("/spec/containers/[name=web]", json!({"name": "api"}))],
        )
        .unwrap_err();
        assert!(error.contains("is not `web`"), "{error}");
    }

    /// `key: []` and `key: {}` get their first entry in block style, as `key:` does.
    #[test]
    fn empty_collections_grow_in_block_style() {
        let text = "spec:\n  grants: [] # none yet\n  labels: {}\nname: x\n";
        assert_eq!(
            edit(
                text,
                &[
                    include("/spec/grants", json!({"name": "g"})),
                    set("/spec/labels/team", json!("web")),
                ]
            ),
            "spec:\n  grants: # none yet\n    - name: g\n  labels:\n    team: web\nname: x\n"
        );
    }

    #[test]
    fn include_appends_once_and_creates_the_list() {
        let text = "resources: # what\n  - ../../base\n";
        let once = edit(text, &[include("/resources", json!("hpa.yaml"))]);
        assert_eq!(once, format!("{text}  - hpa.yaml\n"));
        assert_eq!(
            edit(&once, &[include("/resources", json!("hpa.yaml"))]),
            once
        );
        let created = edit(text, &[include("/configurations", json!("t.yaml"))]);
        assert_eq!(created, format!("{text}configurations:\n  - t.yaml\n"));
        let deep = edit(
            APP,
            &[include(
                "/spec/ignoreDifferences",
                json!({"kind": "Deployment", "jsonPointers": ["/spec/replicas"]}),
            )],
        );
        assert!(
            deep.ends_with("  ignoreDifferences:\n    - jsonPointers:\n      - /spec/replicas\n      kind: Deployment\n"),
            "{deep}"
        );
        let error =
            apply(APP, &Select::Only, &[include("/metadata/name", json!("x"))]).unwrap_err();
        assert!(error.contains("is a string, not a list"), "{error}");
    }

    #[test]
    fn unset_removes_what_is_there_and_prunes_only_what_it_empties() {
        let locked = edit(
            APP,
            &[set(
                "/metadata/annotations/portolan.dev~1locked",
                json!("now"),
            )],
        );
        // Absent: nothing.
        assert_eq!(edit(APP, &[unset("/metadata/annotations/x", true)]), APP);
        // The only key, pruned: no `annotations:` left behind.
        assert_eq!(
            edit(
                &locked,
                &[unset("/metadata/annotations/portolan.dev~1locked", true)]
            ),
            APP
        );
        // Beside a key of the user's: that key stays.
        let users = edit(&locked, &[set("/metadata/annotations/mine", json!("keep"))]);
        let unlocked = edit(
            &users,
            &[unset("/metadata/annotations/portolan.dev~1locked", true)],
        );
        assert_eq!(
            unlocked,
            users.replace("    portolan.dev/locked: now\n", "")
        );
    }

    /// A removal that empties a mapping leaves `{}`: `automated:` alone would read as
    /// null, which turns Argo CD's automated sync off.
    #[test]
    fn an_emptied_mapping_stays_a_mapping() {
        let text = "spec:\n  syncPolicy:\n    automated:\n      enabled: false\n    retry: 1\n";
        let out = edit(text, &[unset("/spec/syncPolicy/automated/enabled", false)]);
        let value = crate::source::parse::parse_bytes(
            out.as_bytes().to_vec(),
            crate::source::parse::Format::Yaml,
        )
        .documents
        .remove(0)
        .value;
        assert_eq!(
            value,
            json!({"spec": {"syncPolicy": {"automated": {}, "retry": 1}}}),
            "{out}"
        );
        let out = edit(
            "list:\n  - a\nname: x\n",
            &[Op::Remove {
                path: "/list/0".into(),
            }],
        );
        assert!(out.contains("list: []"), "{out}");
    }

    #[test]
    fn exclude_removes_equal_items() {
        let text = "resources:\n  - a.yaml\n  - b.yaml # theirs\n  - a.yaml\nname: x\n";
        let exclude = |value: &str, prune: bool| Op::Exclude {
            path: "/resources".into(),
            value: json!(value),
            prune,
        };
        assert_eq!(
            edit(text, &[exclude("a.yaml", false)]),
            "resources:\n  - b.yaml # theirs\nname: x\n"
        );
        assert_eq!(edit(text, &[exclude("c.yaml", true)]), text);
        assert_eq!(
            edit(
                "resources:\n  - a.yaml\nname: x\n",
                &[exclude("a.yaml", true)]
            ),
            "name: x\n"
        );
        assert_eq!(edit("name: x\n", &[exclude("a.yaml", true)]), "name: x\n");
    }

    #[test]
    fn json_files_get_the_same_operations() {
        let text = "{\n  \"name\": \"cart\",\n  \"flags\": {\n    \"beta\": { \"state\": \"ENABLED\" }\n  }\n}\n";
        let out = apply_json(
            text,
            &[
                set("/flags/beta/defaultVariant", json!("on")),
                set("/meta/owner", json!("payments")),
                include("/tags", json!("web")),
                include("/tags", json!("web")),
            ],
        )
        .unwrap();
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value,
            json!({"name": "cart", "flags": {"beta": {"state": "ENABLED", "defaultVariant": "on"}}, "meta": {"owner": "payments"}, "tags": ["web"]})
        );
        assert!(out.starts_with("{\n  \"name\": \"cart\",\n"), "{out}");
        let back = apply_json(
            &out,
            &[unset("/meta/owner", true), unset("/nothing/here", true)],
        )
        .unwrap();
        assert!(!back.contains("meta"), "{back}");
    }

    #[test]
    fn operations_are_read_with_their_options() {
        let read = |v: serde_json::Value| Op::from_json(&v);
        assert_eq!(
            read(json!({"op": "unset", "path": "/a", "prune": true})),
            Ok(unset("/a", true))
        );
        assert!(read(json!({"op": "set", "path": "/a"}))
            .unwrap_err()
            .contains("needs a `value`"));
        assert!(
            read(json!({"op": "add", "path": "/a", "value": 1, "prune": true}))
                .unwrap_err()
                .contains("`prune`")
        );
        assert!(read(json!({"op": "move", "path": "/a"}))
            .unwrap_err()
            .contains("include, unset or exclude"));
    }

    /// A merge patch's nulls say "absent": never written into a new mapping; items the
    /// update does not name stay.
    #[test]
    fn merges_write_no_nulls_and_keep_unnamed_items() {
        let ops = merge_ops(
            &json!({"metadata": {"name": "m"}, "grants": [{"kind": "theirs"}]}),
            "",
            &json!({"metadata": {"annotations": {"v": "2", "candidate": null}}, "grants": [{"name": "g", "access": "read"}]}),
        );
        assert_eq!(
            ops,
            vec![
                Op::Add {
                    path: "/grants/-".into(),
                    value: json!({"name": "g", "access": "read"})
                },
                Op::Add {
                    path: "/metadata/annotations".into(),
                    value: json!({"v": "2"})
                },
            ]
        );
    }
}
