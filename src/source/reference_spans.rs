//! The locator `spans` replaced: yamlpath, one query per pointer (a walk from the
//! start of every list it passes through). Kept for tests only, as the reference the
//! one-pass locator must agree with on every line and column.

use super::spans::{pointer_segments, Target, MAX_LOCATED_DOCUMENT};
use std::ops::Range;
use yamlpath::{Component, Document, Route};

/// A parsed document, ready to answer pointer queries.
pub struct DocumentSpans {
    document: Option<Document>,
    base: usize,
    len: usize,
}

impl DocumentSpans {
    /// Prepare a document that occupies `range` of `text`.
    pub fn new(text: &str, range: Range<usize>) -> Self {
        let chunk = text.get(range.clone()).unwrap_or_default();
        DocumentSpans {
            document: (chunk.len() <= MAX_LOCATED_DOCUMENT)
                .then(|| Document::new(chunk).ok())
                .flatten(),
            base: range.start,
            len: chunk.len(),
        }
    }

    /// The byte range in the file of what `pointer` names, or of its nearest ancestor.
    /// `value` tells whether the pointer names an array index or a key at each level,
    /// as the parsed value knows it.
    pub fn locate(
        &self,
        pointer: &str,
        target: Target,
        value: Option<&serde_json::Value>,
    ) -> Range<usize> {
        let start_of_document = self.base + self.first_content()..self.base + self.first_content();
        let Some(document) = &self.document else {
            return start_of_document;
        };
        let segments = pointer_segments(pointer);
        let components = to_components(&segments, value);
        for len in (0..=components.len()).rev() {
            let route = Route::from(components[..len].to_vec());
            let exact = len == components.len();
            let found = if exact
                && target == Target::Key
                && matches!(components.last(), Some(Component::Key(_)))
            {
                document.query_key_only(&route).ok()
            } else if len == 0 {
                None
            } else {
                match document.query_exact(&route) {
                    Ok(Some(feature)) => Some(feature),
                    // `key:` with no value: point at the key.
                    Ok(None) => document.query_key_only(&route).ok(),
                    Err(_) => None,
                }
            };
            if let Some(feature) = found {
                let (start, end) = feature.location.byte_span;
                return self.base + start..self.base + end.min(self.len);
            }
        }
        start_of_document
    }

    /// Offset of the first line that is not a comment, a directive or a marker.
    fn first_content(&self) -> usize {
        let Some(document) = &self.document else {
            return 0;
        };
        let mut offset = 0;
        for line in document.source().split_inclusive('\n') {
            let t = line.trim();
            if !(t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---") {
                return offset + (line.len() - line.trim_start().len());
            }
            offset += line.len();
        }
        0
    }
}

/// Pointer segments to yamlpath components: a segment is an index where the parsed
/// value has an array at that level.
fn to_components<'a>(
    segments: &'a [String],
    value: Option<&serde_json::Value>,
) -> Vec<Component<'a>> {
    let mut current = value;
    segments
        .iter()
        .map(|segment| {
            let component = match (current, segment.parse::<usize>()) {
                (Some(serde_json::Value::Array(_)), Ok(i)) => Component::Index(i),
                (None, Ok(i)) => Component::Index(i),
                _ => Component::Key(segment.as_str().into()),
            };
            current = current.and_then(|v| match v {
                serde_json::Value::Array(items) => {
                    segment.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                serde_json::Value::Object(map) => map.get(segment),
                _ => None,
            });
            component
        })
        .collect()
}
