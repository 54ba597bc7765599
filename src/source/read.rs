//! A file read and parsed, kept for positions and snippets.

use super::parse::{parse_bytes, Format, ParseError, Parsed};
use super::Source;
use std::ops::Range;

/// A file that was read, kept for positions and snippets.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the platform root, `/`-separated; `<builtin>/…` for built-ins.
    pub path: String,
    pub format: Format,
    pub text: String,
    /// Byte ranges of its documents, in order (parsed or not).
    pub documents: Vec<Range<usize>>,
}

/// Read and parse one file, in the format its name says (YAML when it says none); a
/// read failure is a parse error at its start. The file's text is in the parse
/// result; the [`SourceFile`] gets it once its documents have been used.
pub fn read_and_parse(source: &dyn Source, path: &str) -> (SourceFile, Parsed) {
    let format = Format::of_path(path).unwrap_or(Format::Yaml);
    let parsed = match source.read(path) {
        Ok(bytes) => parse_bytes(bytes, format),
        Err(e) => Parsed {
            errors: vec![ParseError {
                offset: 0,
                message: format!("cannot read the file: {e}"),
                help: None,
            }],
            ..Parsed::default()
        },
    };
    let mut documents: Vec<_> = parsed.documents.iter().map(|d| d.range.clone()).collect();
    if documents.is_empty() && !parsed.text.is_empty() {
        documents.push(0..parsed.text.len());
    }
    let file = SourceFile {
        path: path.to_owned(),
        format,
        text: String::new(),
        documents,
    };
    (file, parsed)
}
