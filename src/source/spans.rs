//! JSON pointers to source positions, computed only for files with a diagnostic.
//!
//! Checks speak in JSON pointers (`/relations/resources/0`) over the parsed value; this
//! module finds the text those pointers name with yamlpath, one document at a time
//! (yamlpath reads only the first document of a stream). JSON is YAML's flow style, so
//! the same lookup serves `.json` files. When the exact node is absent (a required key
//! that is missing), the nearest ancestor that exists is used.

use std::ops::Range;
use yamlpath::{Component, Document, Route};

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
/// seconds and gigabytes), and no hand-written catalog document is that large.
pub const MAX_LOCATED_DOCUMENT: usize = 1024 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse::{parse_bytes, Format};
    use crate::source::text::LineIndex;

    fn at(text: &str, format: Format, doc: usize, pointer: &str, target: Target) -> (usize, usize) {
        let parsed = parse_bytes(text.as_bytes().to_vec(), format);
        let d = &parsed.documents[doc];
        let spans = DocumentSpans::new(&parsed.text, d.range.clone());
        let range = spans.locate(pointer, target, Some(&d.value));
        let p = LineIndex::new(&parsed.text).position(range.start);
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
}
