//! Positions for findings: anchors (offsets, pointers) to lines and columns.
//!
//! Runs after every check, once per file that has a finding, so a clean file never
//! pays for the span-aware parse (DESIGN.md §8).

use super::{FastMap, SourceFile};
use crate::diagnostic::{Anchor, Diagnostic, Place};
use crate::source::spans::DocumentSpans;
use crate::source::text::LineIndex;
use rayon::prelude::*;
use std::collections::HashMap;

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

fn resolve_file(file: &SourceFile, places: Vec<&mut Place>) {
    let lines = LineIndex::new(&file.text);
    let mut documents: HashMap<usize, DocumentSpans> = HashMap::new();
    for place in places {
        let span = match &place.anchor {
            Some(Anchor::Offset(offset)) => *offset..token_end(&file.text, *offset),
            Some(Anchor::Pointer {
                document,
                pointer,
                target,
            }) => {
                let Some(range) = file.documents.get(*document) else {
                    continue;
                };
                let spans = documents
                    .entry(*document)
                    .or_insert_with(|| DocumentSpans::new(&file.text, range.clone()));
                spans.locate(pointer, *target, None)
            }
            None => continue,
        };
        place.position = Some(lines.position(span.start));
        place.span = Some(span);
    }
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
