//! Positions for findings: anchors (offsets, pointers) to lines and columns.
//!
//! Runs after every check, once per file that has a finding, so a clean file never
//! pays for the span-aware parse (DESIGN.md §8).

use crate::catalog::{FastMap, SourceFile};
use crate::diagnostic::{Anchor, Diagnostic, Place};
use crate::source::spans::{locate_all, Target};
use crate::source::text::LineIndex;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Fill `span` and `position` of every place that has an anchor.
pub fn resolve(files: &[SourceFile], diagnostics: &mut [Diagnostic]) {
    let anchored = |p: &Place| p.file.is_some() && p.anchor.is_some();
    if !diagnostics
        .iter()
        .any(|d| anchored(&d.place) || d.related.iter().any(|r| anchored(&r.place)))
    {
        // A clean catalog of 100k files does not pay for indexing them by path.
        return;
    }
    let by_path: FastMap<&str, &SourceFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut groups: HashMap<&str, Vec<&mut Place>> = HashMap::new();
    for diagnostic in diagnostics.iter_mut() {
        let Diagnostic { place, related, .. } = diagnostic;
        for place in std::iter::once(place).chain(related.iter_mut().map(|r| &mut r.place)) {
            if let (Some(file), Some(_)) = (place.file.as_deref(), &place.anchor) {
                if let Some(source) = by_path.get(file) {
                    // The key borrows from the file list, not from the place we mutate.
                    groups.entry(source.path.as_str()).or_default().push(place);
                }
            }
        }
    }
    groups.into_par_iter().for_each(|(path, places)| {
        let Some(file) = by_path.get(path) else {
            return;
        };
        resolve_file(file, places);
    });
}

/// Locate the places of one file: the pointers of each document in one pass over
/// its syntax tree, then every position in one pass over the text, so a file with
/// 40,000 findings costs what 40,000 files with one each do.
fn resolve_file(file: &SourceFile, mut places: Vec<&mut Place>) {
    let mut spans: Vec<Option<Range<usize>>> = vec![None; places.len()];
    let mut by_document: BTreeMap<usize, Queries> = BTreeMap::new();
    for (i, place) in places.iter().enumerate() {
        match &place.anchor {
            Some(Anchor::Offset(offset)) => {
                spans[i] = Some(*offset..token_end(&file.text, *offset));
            }
            Some(Anchor::Pointer {
                document,
                pointer,
                target,
            }) => {
                let asked = by_document.entry(*document).or_default();
                asked.places.push(i);
                asked.queries.push((pointer.as_str(), *target));
            }
            None => {}
        }
    }
    for (document, asked) in by_document {
        let Some(range) = file.documents.get(document) else {
            continue;
        };
        let found = locate_all(&file.text, range.clone(), &asked.queries);
        for (i, span) in asked.places.into_iter().zip(found) {
            spans[i] = Some(span);
        }
    }
    let starts: Vec<usize> = spans.iter().flatten().map(|s| s.start).collect();
    let mut positions = LineIndex::new(&file.text).positions(&starts).into_iter();
    for (place, span) in places.iter_mut().zip(spans) {
        if let (Some(span), Some(position)) = (span, positions.next()) {
            place.position = Some(position);
            place.span = Some(span);
        }
    }
}

/// The pointer places of one document: their indexes among the file's places, and
/// what each asks for.
#[derive(Default)]
struct Queries<'a> {
    places: Vec<usize>,
    queries: Vec<(&'a str, Target)>,
}

/// The end of the word at `offset` (up to a blank, a delimiter or the line end), so a
/// parse error underlines the key or character it is about.
fn token_end(text: &str, offset: usize) -> usize {
    let Some(rest) = text.get(offset..) else {
        return offset;
    };
    let len = rest
        .char_indices()
        .find(|&(i, c)| i > 0 && (c.is_whitespace() || matches!(c, ':' | ',' | ']' | '}' | '"')))
        .map_or(rest.len(), |(i, _)| i);
    offset + len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{load, LoadOptions};
    use crate::source::reference_spans::DocumentSpans;
    use crate::source::Worktree;
    use std::path::{Path, PathBuf};

    /// Every pointer finding of the catalog at `root` against yamlpath's answer, one
    /// query at a time: how many were compared.
    fn compare_findings(root: &Path) -> usize {
        let Ok(loaded) = load(&Worktree::new(root), LoadOptions::default()) else {
            return 0;
        };
        let files: HashMap<&str, &SourceFile> = loaded
            .catalog
            .files
            .iter()
            .map(|f| (f.path.as_str(), f))
            .collect();
        let mut compared = 0;
        for d in &loaded.diagnostics {
            for place in std::iter::once(&d.place).chain(d.related.iter().map(|r| &r.place)) {
                let (
                    Some(path),
                    Some(Anchor::Pointer {
                        document,
                        pointer,
                        target,
                    }),
                ) = (place.file.as_deref(), &place.anchor)
                else {
                    continue;
                };
                let Some(file) = files.get(path) else {
                    continue;
                };
                let range = file.documents[*document].clone();
                let expected = DocumentSpans::new(&file.text, range).locate(pointer, *target, None);
                let position = LineIndex::new(&file.text).position(expected.start);
                assert_eq!(
                    (place.span.clone(), place.position),
                    (Some(expected), Some(position)),
                    "{}: {path} {pointer} ({target:?}): {}",
                    root.display(),
                    d.message
                );
                compared += 1;
            }
        }
        compared
    }

    /// A catalog whose files hold many findings each, in the shapes where locating
    /// differs: several documents, flow lists, anchors and aliases, JSON, a key
    /// without a value, numbers as keys.
    const CROWDED: &[(&str, &str)] = &[
        (
            "catalog/Component/many.yaml",
            "# two documents\nidentifier: one\nrelations:\n  resources: [gone-1, gone-2, &g gone-3]\n  system: *g\nproperties:\n  type: nope\n  extra: 1\n  \"2024\": x\n---\nidentifier: two\ntitle:\nrelations:\n  resources:\n    - gone-4\n    - gone-5\n  nope: [a]\n",
        ),
        (
            "catalog/Component/many.json",
            "{\"identifier\": \"three\", \"relations\": {\"resources\": [\"gone-6\", \"gone-7\"], \"system\": [\"x\"]},\n \"properties\": {\"type\": 3, \"lifecycle\": \"old\", \"unknown\": {\"a\": [1]}}}\n",
        ),
        (
            "catalog/System/s.yaml",
            "identifier: s\nrelations:\n  domain: missing-domain\n",
        ),
    ];

    /// Every finding of real repositories (the shared corpus, beside the repository or
    /// where `PORTOLAN_CORPUS` says), generated catalogs with injected errors, the
    /// example platform and a crowded fixture is located where yamlpath located it.
    #[test]
    #[allow(clippy::print_stderr)] // a test says what it skipped and what it compared
    fn every_finding_is_located_where_yamlpath_located_it() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = std::env::var_os("PORTOLAN_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo.join("../shared/corpus"));
        let mut roots = vec![repo.join("examples/orders")];
        for group in [
            "real-repos",
            "gitops-examples",
            "backstage-examples",
            "backstage-demo",
        ] {
            if let Ok(entries) = std::fs::read_dir(corpus.join(group)) {
                let mut dirs: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .collect();
                dirs.sort();
                roots.extend(dirs);
            }
        }
        if !corpus.is_dir() {
            eprintln!("the corpus is absent ({}): only generated catalogs and the repository's own are compared", corpus.display());
        }
        let scratch = tempfile::tempdir().unwrap();
        for seed in 1..=4 {
            let dir = scratch.path().join(format!("generated-{seed}"));
            let spec = crate::synth::Spec {
                entities: 500,
                invalid_share: 0.6,
                seed,
            };
            crate::synth::generate(&dir, &spec).unwrap();
            roots.push(dir);
        }
        let crowded = scratch.path().join("crowded");
        for (path, text) in CROWDED {
            let file = crowded.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        assert!(
            compare_findings(&crowded) >= 15,
            "the crowded fixture lost findings"
        );
        roots.push(crowded);
        let compared: usize = roots.iter().map(|r| compare_findings(r)).sum();
        assert!(compared > 500, "only {compared} findings compared");
        eprintln!("{compared} findings in {} repositories agree", roots.len());
    }
}
