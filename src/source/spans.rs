//! JSON pointers to source positions, computed only for files with a diagnostic.
//!
//! Checks speak in JSON pointers (`/relations/resources/0`) over the parsed value; this
//! module finds the text those pointers name in the syntax tree of one document (YAML
//! streams are split per document first). JSON is YAML's flow style, so the same tree
//! serves `.json` files. When the exact node is absent (a required key that is
//! missing), the nearest ancestor that exists is used.
//!
//! All the pointers of one document are answered from one parse, in time linear in
//! the document: each mapping and sequence the pointers pass through is indexed once
//! (key → entry, index → item), so the 40,000th item of a list costs what the first
//! does. The positions are those yamlpath gave when it answered one pointer at a time
//! — it walks a list from its start for every index, and finds a node's parent by
//! walking down from the root, which made 8,000 findings in one list take 19 s: the
//! same tree-sitter grammar, the same rules for keys, anchors and aliases, so the
//! lines and columns users and tests rely on do not move (a differential test holds
//! the two to the same answer).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use tree_sitter::{Node, Parser, Tree};

/// Which part of a mapping entry a diagnostic points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The key (an unknown or misplaced key).
    Key,
    /// The value (a wrong value).
    Value,
}

/// Decode a JSON pointer (RFC 6901) into its segments.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Encode one pointer segment.
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Documents larger than this are located coarsely (at their start): the span-aware
/// parse costs far more than the value parse on huge documents (an 8 MB list took
/// seconds and gigabytes), and no hand-written catalog document is that large. So is
/// a document in block style longer than 32,767 lines, whatever its size: the
/// grammar's scanner counts rows in 16 bits and reports an error past that line.
pub const MAX_LOCATED_DOCUMENT: usize = 1024 * 1024;

/// The byte range in `text` of what each `(pointer, target)` names in the document
/// that occupies `range` of `text`, or of its nearest ancestor that exists; the start
/// of the document's content when the document cannot be located (too large, not
/// parsed by the span-aware grammar). One parse of the document serves every query.
///
/// A segment that is a number names an item of a list; anywhere else it finds
/// nothing, and the pointer is located at its parent.
pub fn locate_all(
    text: &str,
    range: Range<usize>,
    queries: &[(&str, Target)],
) -> Vec<Range<usize>> {
    let chunk = text.get(range.clone()).unwrap_or_default();
    let base = range.start;
    let tree = (chunk.len() <= MAX_LOCATED_DOCUMENT)
        .then(|| parse(chunk))
        .flatten();
    let walker = tree.as_ref().and_then(|tree| Walker::new(tree, chunk));
    let Some(mut walker) = walker else {
        return vec![base..base; queries.len()];
    };
    let start = base + first_content(chunk);
    queries
        .iter()
        .map(|(pointer, target)| match walker.locate(pointer, *target) {
            Some(node) => base + node.start_byte()..base + node.end_byte().min(chunk.len()),
            None => start..start,
        })
        .collect()
}

/// The syntax tree of one YAML (or JSON) document, or `None` when the grammar finds
/// an error in it.
fn parse(chunk: &str) -> Option<Tree> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_yaml::LANGUAGE.into())
        .ok()?;
    parser
        .parse(chunk, None)
        .filter(|t| !t.root_node().has_error())
}

/// Offset of the first line that is not a comment, a directive or a marker.
fn first_content(chunk: &str) -> usize {
    let mut offset = 0;
    for line in chunk.split_inclusive('\n') {
        let t = line.trim();
        if !(t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---") {
            return offset + (line.len() - line.trim_start().len());
        }
        offset += line.len();
    }
    0
}

/// How the node a pointer names is reported.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The node itself (for a mapping entry: its value).
    Exact,
    /// The key of the mapping entry the pointer ends at.
    KeyOnly,
}

/// The entries of one mapping or the items of one sequence, indexed on first use.
enum Children<'t> {
    /// Key text → the entry's value (the entry itself when it has none) and the node
    /// its key is found from (the pair; the mapping for a bare key), first entry
    /// first; a mapping stops being searchable at an entry without a key, so the keys
    /// after one are absent.
    Mapping(HashMap<&'t str, (Node<'t>, Node<'t>)>),
    /// The items in order; `None` when an item has no content, which makes no index
    /// of that sequence resolve.
    Sequence(Option<Vec<Node<'t>>>),
}

/// Answers pointer queries over one tree, remembering every container it indexed.
struct Walker<'t> {
    source: &'t str,
    /// The document's top node (`None`: an empty document, where nothing resolves).
    top: Option<Node<'t>>,
    /// Anchor name → the anchored node, by the anchor's offset (a name may be
    /// defined again further down; an alias uses the last definition before it).
    anchors: HashMap<&'t str, BTreeMap<usize, Node<'t>>>,
    children: HashMap<usize, Children<'t>>,
}

impl<'t> Walker<'t> {
    /// `None` when the document has an anchor on nothing, which the locator refuses
    /// as yamlpath did (the whole document is then located at its start).
    fn new(tree: &'t Tree, source: &'t str) -> Option<Self> {
        let root = tree.root_node();
        let top = named_child(root, |n| n.kind() == "document")
            .and_then(|d| named_child(d, |n| matches!(n.kind(), "block_node" | "flow_node")));
        let mut walker = Walker {
            source,
            top,
            anchors: HashMap::new(),
            children: HashMap::new(),
        };
        // No `&`, no anchor: most documents skip the walk over every node.
        if source.contains('&') {
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    if child.kind() == "anchor" {
                        let target =
                            named_child(node, |n| !matches!(n.kind(), "anchor" | "comment"))?;
                        let name = walker.text(child).get(1..).unwrap_or_default();
                        walker
                            .anchors
                            .entry(name)
                            .or_default()
                            .insert(child.start_byte(), target);
                    }
                    stack.push(child);
                }
            }
        }
        Some(walker)
    }

    /// The node `pointer` names for `target`, or its nearest ancestor that exists.
    fn locate(&mut self, pointer: &str, target: Target) -> Option<Node<'t>> {
        let segments = pointer_segments(pointer);
        let is_key = |s: Option<&String>| s.is_some_and(|s| s.parse::<usize>().is_err());
        for len in (1..=segments.len()).rev() {
            let route = &segments[..len];
            let ends_in_key = is_key(route.last());
            let found = if len == segments.len() && target == Target::Key && ends_in_key {
                self.query(route, Mode::KeyOnly)
            } else {
                match self.query(route, Mode::Exact) {
                    // `key:` with no value: point at the key.
                    Some(node) if is_pair(node) => ends_in_key
                        .then(|| self.query(route, Mode::KeyOnly))
                        .flatten(),
                    found => found,
                }
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// The node at the end of `route`, reported as `mode` says.
    fn query(&mut self, route: &[String], mode: Mode) -> Option<Node<'t>> {
        let mut focus = self.top?;
        // The container entry the last step went through: the node a key belongs to.
        let mut entry = None;
        for segment in route {
            (focus, entry) = self.descend(focus, segment)?;
        }
        let resolved = match focus.child(0) {
            Some(child) if child.kind() == "alias" => {
                let name = self.text(child).get(1..)?;
                self.anchor(name, child.start_byte())?
            }
            // `&x value`: the value, without its anchor.
            Some(child) if child.kind() == "anchor" => {
                named_child(focus, |n| n.kind() != "anchor").unwrap_or(focus)
            }
            _ => focus,
        };
        match mode {
            Mode::Exact => Some(resolved),
            Mode::KeyOnly => {
                let pair = if is_pair(focus) {
                    focus
                } else if focus.kind() == "block_scalar" {
                    focus.parent()?.parent()?
                } else {
                    entry?
                };
                if pair.kind() == "flow_mapping" {
                    // `{ key }`: an entry that is a bare key.
                    named_child(pair, |n| n.kind() == "flow_node")
                } else {
                    pair.child_by_field_name("key")
                }
            }
        }
    }

    /// One step down from a block or flow node: the value of a key or an item of a
    /// list, with the entry it belongs to (the pair, or the mapping of a bare key).
    fn descend(&mut self, node: Node<'t>, segment: &str) -> Option<(Node<'t>, Option<Node<'t>>)> {
        let mut container = named_child(node, |n| n.kind() != "anchor")?;
        if container.kind() == "alias" {
            let name = self.text(node).get(1..)?;
            container = self.anchor(name, node.start_byte())?;
        }
        let index = segment.parse::<usize>().ok();
        match (self.children(container)?, index) {
            (Children::Mapping(keys), None) => keys
                .get(segment)
                .map(|&(value, entry)| (value, Some(entry))),
            (Children::Sequence(Some(items)), Some(index)) => {
                let item = *items.get(index)?;
                // `[a: b]`: the pair's value, or the pair when it has none.
                let item = match item.kind() {
                    "flow_pair" => item.child_by_field_name("value").unwrap_or(item),
                    _ => item,
                };
                Some((item, None))
            }
            _ => None,
        }
    }

    /// The index of a mapping's entries or a sequence's items, built on first use;
    /// `None` for a scalar (or anything else that has neither).
    fn children(&mut self, container: Node<'t>) -> Option<&Children<'t>> {
        let is_container = matches!(
            container.kind(),
            "block_mapping" | "flow_mapping" | "block_sequence" | "flow_sequence"
        );
        let source = self.source;
        is_container.then(|| {
            &*self
                .children
                .entry(container.id())
                .or_insert_with(|| index(container, source))
        })
    }

    fn anchor(&self, name: &str, before: usize) -> Option<Node<'t>> {
        self.anchors
            .get(name)?
            .range(..before)
            .next_back()
            .map(|(_, node)| *node)
    }

    fn text(&self, node: Node<'t>) -> &'t str {
        node.utf8_text(self.source.as_bytes()).unwrap_or_default()
    }
}

/// Index the entries of a mapping or the items of a sequence (one pass over them).
fn index<'t>(container: Node<'t>, source: &'t str) -> Children<'t> {
    let text = |n: Node<'t>| n.utf8_text(source.as_bytes()).unwrap_or_default();
    let mut cursor = container.walk();
    if matches!(container.kind(), "block_sequence" | "flow_sequence") {
        let mut items = Vec::new();
        for child in container.named_children(&mut cursor) {
            let item = match child.kind() {
                "block_sequence_item" => {
                    match named_child(child, |n| matches!(n.kind(), "block_node" | "flow_node")) {
                        Some(content) => content,
                        None => return Children::Sequence(None),
                    }
                }
                "flow_node" | "flow_pair" => child,
                _ => continue,
            };
            items.push(item);
        }
        return Children::Sequence(Some(items));
    }
    let mut keys = HashMap::new();
    for child in container.named_children(&mut cursor) {
        let key = if is_pair(child) {
            match child.child_by_field_name("key") {
                Some(key) => key,
                None => break,
            }
        } else if child.kind() == "flow_node" {
            child
        } else {
            continue;
        };
        // The key's scalar (past an anchor), unquoted by dropping its quotes: escapes
        // are not decoded, so a key written with one is located at its parent.
        let name = match named_child(key, |n| n.kind() != "anchor") {
            Some(scalar)
                if matches!(scalar.kind(), "single_quote_scalar" | "double_quote_scalar") =>
            {
                let mut chars = text(scalar).chars();
                chars.next();
                chars.next_back();
                chars.as_str()
            }
            Some(scalar) => text(scalar),
            None => text(key),
        };
        let value = child.child_by_field_name("value").unwrap_or(child);
        let entry = if is_pair(child) { child } else { container };
        keys.entry(name).or_insert((value, entry));
    }
    Children::Mapping(keys)
}

fn named_child<'t>(node: Node<'t>, wanted: impl Fn(&Node<'t>) -> bool) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).find(|n| wanted(n));
    found
}

fn is_pair(node: Node<'_>) -> bool {
    matches!(node.kind(), "block_mapping_pair" | "flow_pair")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse::{parse_bytes, Format};
    use crate::source::reference_spans::DocumentSpans;
    use crate::source::text::LineIndex;
    use serde_json::Value;
    use std::path::Path;

    fn at(text: &str, format: Format, doc: usize, pointer: &str, target: Target) -> (usize, usize) {
        let parsed = parse_bytes(text.as_bytes().to_vec(), format);
        let range = parsed.documents[doc].range.clone();
        let span = locate_all(&parsed.text, range, &[(pointer, target)]).remove(0);
        let p = LineIndex::new(&parsed.text).position(span.start);
        (p.line, p.column)
    }

    #[test]
    fn yaml_positions_in_later_documents() {
        let text = "a: 1\n---\nidentifier: x\nrelations:\n  resources:\n    - one\n    - two\n";
        assert_eq!(
            at(
                text,
                Format::Yaml,
                1,
                "/relations/resources/1",
                Target::Value
            ),
            (7, 7)
        );
        assert_eq!(at(text, Format::Yaml, 1, "/relations", Target::Key), (4, 1));
        // A missing key falls back to its parent.
        assert_eq!(
            at(text, Format::Yaml, 1, "/relations/system", Target::Value),
            (5, 3)
        );
    }

    #[test]
    fn json_positions() {
        let text = "{\n  \"identifier\": \"x\",\n  \"relations\": {\n    \"resources\": [\"a\", \"b\"]\n  }\n}\n";
        assert_eq!(
            at(
                text,
                Format::Json,
                0,
                "/relations/resources/1",
                Target::Value
            ),
            (4, 24)
        );
        assert_eq!(
            at(text, Format::Json, 0, "/relations/resources", Target::Key),
            (4, 5)
        );
    }

    /// Every pointer into `value` (keys as keys and as values), and pointers that name
    /// nothing: a missing key, an index past the end, a number as a mapping key.
    fn pointers(value: &Value, prefix: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                out.push(format!("{prefix}/no-such-key"));
                out.push(format!("{prefix}/0"));
                for (key, item) in map {
                    let pointer = format!("{prefix}/{}", escape_segment(key));
                    out.push(pointer.clone());
                    pointers(item, &pointer, out);
                }
            }
            Value::Array(items) => {
                out.push(format!("{prefix}/{}", items.len()));
                out.push(format!("{prefix}/x"));
                for (i, item) in items.iter().enumerate() {
                    let pointer = format!("{prefix}/{i}");
                    out.push(pointer.clone());
                    pointers(item, &pointer, out);
                }
            }
            _ => out.push(format!("{prefix}/below-a-scalar")),
        }
    }

    /// The first (line, column) where the one-pass locator and yamlpath, one query at a
    /// time, disagree on a document of `text`, with the pointer; `None` when they agree
    /// on every pointer (at most `limit` per document, spread over it). Returns how
    /// many pointers were compared.
    fn disagreement(text: &str, format: Format, limit: usize) -> Result<usize, String> {
        let parsed = parse_bytes(text.as_bytes().to_vec(), format);
        let lines = LineIndex::new(&parsed.text);
        let mut compared = 0;
        for document in &parsed.documents {
            let mut all = vec![String::new()];
            pointers(&document.value, "", &mut all);
            let step = all.len().div_ceil(limit).max(1);
            let chosen: Vec<&String> = all.iter().step_by(step).collect();
            let queries: Vec<(&str, Target)> = chosen
                .iter()
                .flat_map(|p| [(p.as_str(), Target::Key), (p.as_str(), Target::Value)])
                .collect();
            let found = locate_all(&parsed.text, document.range.clone(), &queries);
            let reference = DocumentSpans::new(&parsed.text, document.range.clone());
            for ((pointer, target), span) in queries.iter().zip(found) {
                let expected = reference.locate(pointer, *target, None);
                let (new, old) = (lines.position(span.start), lines.position(expected.start));
                if new != old || span != expected {
                    return Err(format!(
                        "{pointer} ({target:?}): {}:{} (bytes {span:?}), yamlpath says {}:{} (bytes {expected:?})",
                        new.line, new.column, old.line, old.column
                    ));
                }
                compared += 1;
            }
        }
        Ok(compared)
    }

    /// Shapes where the rules for keys, anchors, aliases and odd entries matter.
    const TRICKY: &[(&str, Format)] = &[
        ("base: &b\n  x: 1\n  y: [1, 2]\nother:\n  <<: *b\n  z: *b\nlist: [&i 1, *i, &m {k: v}, *m]\n", Format::Yaml),
        ("a: &x 1\nb: &x 2\nc: *x\nd:\n  - *x\n  - &x 3\n  - *x\n", Format::Yaml),
        ("flow: { a, b: 1, 'c': 2, \"d\": 3, \"e\\\"f\": 4 }\npairs: [a: 1, b: , c]\n", Format::Yaml),
        ("items:\n  -\n  - two\nempty:\nnull_value: ~\n", Format::Yaml),
        ("tagged: !!str 12\nnumbers:\n  0: zero\n  01: one\n  +1: plus\nkey with spaces: 1\n\"quoted key\": 2\n'single': 3\n", Format::Yaml),
        ("# a comment\n%YAML 1.2\n---\nblock: |\n  text\n  more\nfolded: >-\n  a\n  b\nafter: 1\n", Format::Yaml),
        ("a:\r\n  b:\r\n    - c\r\n    - d: é\r\n", Format::Yaml),
        ("é: ü\nnested:\n  - - - deep\n    - [x, [y, {z: 1}]]\n", Format::Yaml),
        ("? complex\n: value\nplain: 1\n", Format::Yaml),
        ("? \n: x\nb: 1\n", Format::Yaml),
        ("anchored_map: &am\n  k: v\nuse: *am\nseq: &s\n  - 1\nuse_seq: *s\n", Format::Yaml),
        ("{\"a\": {\"b\": [1, {\"c\": null}, []], \"d\\u00e9\": 1}, \"e\": {}, \"f/g\": 2, \"h~i\": 3}", Format::Json),
        ("[{\"identifier\": \"x\"}, {\"identifier\": \"y\", \"relations\": {\"r\": [\"a\", \"b\"]}}]", Format::Json),
        ("---\n---\nidentifier: after-empty\n...\n", Format::Yaml),
    ];

    #[test]
    fn tricky_documents_are_located_as_yamlpath_located_them() {
        for (text, format) in TRICKY {
            match disagreement(text, *format, usize::MAX) {
                Ok(n) => assert!(n > 0, "{text:?} was not parsed"),
                Err(e) => panic!("{text:?}: {e}"),
            }
        }
    }

    /// Every YAML and JSON file under `dir`, recursively.
    fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                files_under(&path, out);
            } else if Format::of_path(&path.to_string_lossy()).is_some() {
                out.push(path);
            }
        }
    }

    /// The real catalogs and manifests of the shared corpus (beside the repository, or
    /// where `PORTOLAN_CORPUS` says), the repository's own YAML and JSON, and generated
    /// catalogs with injected errors: the one-pass locator gives every pointer the
    /// position yamlpath gave it.
    #[test]
    #[allow(clippy::print_stderr)] // a test says what it skipped and what it compared
    fn every_pointer_of_real_and_generated_documents_is_located_as_yamlpath_located_it() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = std::env::var_os("PORTOLAN_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| repo.join("../shared/corpus"));
        let mut files = Vec::new();
        if corpus.is_dir() {
            files_under(&corpus, &mut files);
        } else {
            eprintln!("the corpus is absent ({}): only the repository's files and generated catalogs are compared", corpus.display());
        }
        for dir in ["examples", "blueprints", "templates", "schemas", "tests"] {
            files_under(&repo.join(dir), &mut files);
        }
        let generated = tempfile::tempdir().unwrap();
        for seed in 1..=3 {
            let dir = generated.path().join(seed.to_string());
            let spec = crate::synth::Spec {
                entities: 400,
                invalid_share: 0.5,
                seed,
            };
            crate::synth::generate(&dir, &spec).unwrap();
            files_under(&dir, &mut files);
        }
        let mut compared = 0;
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let Some(format) = Format::of_path(&path.to_string_lossy()) else {
                continue;
            };
            match disagreement(&text, format, 400) {
                Ok(n) => compared += n,
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
        assert!(compared > 10_000, "only {compared} pointers compared");
        eprintln!("{compared} pointers in {} files agree", files.len());
    }

    /// The grammar loses track of block structure past line 32,767 (its scanner counts
    /// rows in 16 bits), so such a document is located at its start, as it was with
    /// yamlpath — at once, not after a walk per finding.
    #[test]
    fn block_documents_past_the_grammars_line_limit_are_located_at_their_start() {
        let mut yaml = String::from("# generated\nidentifier: big\nlist:\n");
        for i in 0..33_000 {
            yaml.push_str(&format!("  - item-{i}\n"));
        }
        let queries = [("/list/32999", Target::Value), ("/identifier", Target::Key)];
        assert_eq!(locate_all(&yaml, 0..yaml.len(), &queries), vec![0..0, 0..0]);
        // Below the limit, the same shape is located.
        let short: String = yaml
            .lines()
            .take(30_000)
            .map(|l| format!("{l}\n"))
            .collect();
        let found = locate_all(&short, 0..short.len(), &[("/list/29996", Target::Value)]);
        let item = short.find("item-29996").unwrap();
        assert_eq!(found, vec![item..item + "item-29996".len()]);
    }
}
