//! The shape of the code, kept true mechanically (DESIGN.md §4, §9): the `crate::`
//! edges between top-level modules of `src/` form no circle, the catalog — the model —
//! imports neither the checks, the manifests, the templates, the engine nor the command
//! line, and a source file over 600 lines is one the allow-list below names, with its
//! reason. Test modules (`#[cfg(test)]`) and comments do not count.

use crate::util::repo_dir;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Source files allowed over 600 lines, and why. An entry that is no longer over 600
/// lines fails the test too, so the list only shrinks.
const LONG_FILES: &[(&str, &str)] = &[
    ("src/source/simple_yaml.rs", "one parser: the YAML subset read without a full YAML library; a reader looks for one grammar"),
    ("src/source/parse.rs", "one job: text to documents with their spans, for every format; split pending (issue 16)"),
    ("src/catalog/derived.rs", "to split: mirror / calculation / aggregation (issue 16, item 5)"),
    ("src/checks/manifests.rs", "to split: one manifest rule per file (issue 16, item 7)"),
    ("src/commands/change.rs", "to split with the clap Args per verb (issue 16, item 7)"),
    ("src/commands/pull_request.rs", "to move out of commands/ into a library module (issue 16, item 7)"),
    ("src/engine/load.rs", "the pipeline in its order, 99 lines over; the prelude to split out (issue 16)"),
    ("src/manifests/bundle.rs", "to split by responsibility (issue 16, item 5)"),
    ("src/manifests/crd.rs", "to split: structural schema / defaulting / registry (issue 16, item 5)"),
    ("src/synth.rs", "to leave the product library for crates/synth (issue 16, item 4)"),
    ("src/template/end_state.rs", "to split (issue 16, item 5)"),
    ("src/template/engine.rs", "to split (issue 16, item 5)"),
    ("src/template/patch.rs", "to split, with the patch/json_text circle (issue 16, item 5)"),
    ("src/template/plan.rs", "to split: steps / safety / variables (issue 16, item 5)"),
];

/// Imports of the model not cut yet, each with the edge to cut; the list only shrinks.
const MODEL_IMPORTS_TO_CUT: &[(&str, &str)] = &[];

/// Import circles not broken yet, each the exact set of modules in it and the edge to
/// cut. A new circle fails the test; so does an entry that no longer exists.
const KNOWN_CIRCLES: &[(&[&str], &str)] = &[
    (
        &["config", "diagnostic", "forge", "git", "schema", "source"],
        "git/network.rs asks forge for askpass, TOKEN_VARS and scrub: the credential route belongs to git (issue 16, item 3)",
    ),
];

/// What the model may not import.
const CATALOG_MUST_NOT_IMPORT: &[&str] = &["checks", "commands", "engine", "manifests", "template"];

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The top-level module a file of `src/` belongs to (`None` for the crate roots).
fn module_of(relative: &str) -> Option<String> {
    let first = relative.split('/').next()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_owned())
}

/// The text of a file without its test module and its comments.
fn product_code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    out.push_str(rest);
    out.lines()
        .map(|line| match line.find("//") {
            // `//` inside a string literal is rare in `use` lines and paths; good enough.
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules a piece of code names through `crate::`.
fn imports(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a, b::c}`: the first segment of each item.
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = repo_dir().join("src");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in rust_files(&src) {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Some(module) = module_of(&relative) else {
            continue;
        };
        let code = product_code(&std::fs::read_to_string(&file).unwrap());
        let entry = edges.entry(module.clone()).or_default();
        for target in imports(&code) {
            if target != module {
                entry.insert(target);
            }
        }
    }
    edges
}

/// The circles of a graph: its strongly connected components of more than one module
/// (Tarjan's algorithm).
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        let targets: Vec<&'a str> = state
            .edges
            .get(node)
            .map(|t| t.iter().map(String::as_str).collect())
            .unwrap_or_default();
        for target in targets {
            if !state.edges.contains_key(target) {
                continue;
            }
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[node].min(state.low[target]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.low[node].min(state.index[target]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.out.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.out
}

#[test]
fn the_finder_of_circles_finds_them() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(circles(&edges), vec![vec!["a", "b", "c"]]);
    assert_eq!(
        imports("use crate::{catalog::Catalog, engine};\nlet x = crate::git::Repo::x();"),
        ["catalog", "engine", "git"].map(String::from).into()
    );
    assert!(!product_code(
        "// use crate::x;\nfn f() {}\n#[cfg(test)]\nmod tests { use crate::y; }"
    )
    .contains("crate::"));
}

#[test]
fn no_module_imports_in_a_circle() {
    let edges = graph();
    let found = circles(&edges);
    let known: Vec<Vec<String>> = KNOWN_CIRCLES
        .iter()
        .map(|(modules, _)| modules.iter().map(|m| (*m).to_owned()).collect())
        .collect();
    let new: Vec<&Vec<String>> = found.iter().filter(|c| !known.contains(c)).collect();
    assert!(
        new.is_empty(),
        "import circles between top-level modules of src/: {new:?}\n(edges: {edges:#?})"
    );
    let gone: Vec<&Vec<String>> = known.iter().filter(|c| !found.contains(c)).collect();
    assert!(
        gone.is_empty(),
        "these circles are broken now: take them off KNOWN_CIRCLES: {gone:?}"
    );
}

#[test]
fn the_catalog_is_the_model_only() {
    let edges = graph();
    let imported = edges.get("catalog").cloned().unwrap_or_default();
    let bad: Vec<&String> = imported
        .iter()
        .filter(|m| CATALOG_MUST_NOT_IMPORT.contains(&m.as_str()))
        .filter(|m| !MODEL_IMPORTS_TO_CUT.iter().any(|(k, _)| k == m))
        .collect();
    assert!(bad.is_empty(), "src/catalog imports {bad:?}");
    let stale: Vec<&str> = MODEL_IMPORTS_TO_CUT
        .iter()
        .map(|(m, _)| *m)
        .filter(|m| !imported.contains(*m))
        .collect();
    assert!(
        stale.is_empty(),
        "the catalog no longer imports {stale:?}: take them off MODEL_IMPORTS_TO_CUT"
    );
}

#[test]
fn long_files_are_the_ones_allowed() {
    let src = repo_dir().join("src");
    let mut long = Vec::new();
    for file in rust_files(&src) {
        let relative = file
            .strip_prefix(repo_dir())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        let allowed = LONG_FILES.iter().any(|(path, _)| *path == relative);
        if lines > 600 && !allowed {
            long.push(format!("{relative} ({lines} lines)"));
        }
    }
    assert!(
        long.is_empty(),
        "files over 600 lines: split them by responsibility, or add them to LONG_FILES with the reason: {long:?}"
    );
    let stale: Vec<&str> = LONG_FILES
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| {
            std::fs::read_to_string(repo_dir().join(path))
                .map_or(true, |text| text.lines().count() <= 600)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "no longer over 600 lines (or gone): take them off LONG_FILES: {stale:?}"
    );
}
