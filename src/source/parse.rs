//! Text to documents: the one parser every file goes through.
//!
//! A file becomes a list of documents, each a `serde_json::Value` with the byte range
//! it came from, plus the parse errors of the documents that failed. YAML streams are
//! split at their document markers before parsing, so one broken document does not
//! hide its neighbours and positions can later be found per document (yamlpath reads
//! only the first document of a stream). Errors carry a byte offset and, where the
//! cause is a classic one (typographic quotes, tabs, repeated keys), a hint that names
//! the fix.

use super::strict::{Strict, DUPLICATE_KEY};
use super::text::LineIndex;
use serde::Deserialize;
use serde_json::Value;
use std::ops::Range;

/// Files larger than this are refused rather than parsed: no catalog file is that big,
/// and a bound keeps memory predictable on hostile input.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// How a file's bytes are parsed, chosen by its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// The format for a path, or `None` when the extension is not one portolan reads.
    pub fn of_path(path: &str) -> Option<Format> {
        let ext = path.rsplit_once('.')?.1;
        match ext.to_ascii_lowercase().as_str() {
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// One parsed document and where it sits in its file.
#[derive(Debug)]
pub struct Document {
    pub value: Value,
    pub range: Range<usize>,
}

/// A document that could not be parsed, located by byte offset into the file text.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
    pub help: Option<String>,
}

/// The outcome of parsing one file.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The file text when it was valid UTF-8 (without a byte-order mark).
    pub text: String,
    pub documents: Vec<Document>,
    pub errors: Vec<ParseError>,
}

/// Decode and parse a file's bytes.
pub fn parse_bytes(bytes: Vec<u8>, format: Format) -> Parsed {
    let mut parsed = Parsed::default();
    if bytes.len() > MAX_FILE_BYTES {
        parsed.errors.push(ParseError {
            offset: 0,
            message: format!(
                "the file is too large to be a catalog file ({} bytes; the limit is {MAX_FILE_BYTES})",
                bytes.len()
            ),
            help: Some("split it into smaller files, or move it out of the catalog".into()),
        });
        return parsed;
    }
    let text = match decode(bytes) {
        Ok(text) => text,
        Err(error) => {
            parsed.errors.push(error);
            return parsed;
        }
    };
    match format {
        Format::Json => parse_json(&text, &mut parsed),
        Format::Yaml => {
            for range in split_yaml_documents(&text) {
                parse_yaml_document(&text, range, &mut parsed);
            }
        }
    }
    parsed.text = text;
    parsed
}

/// Bytes to text: refuses binary files and invalid UTF-8 at the first offending byte.
fn decode(mut bytes: Vec<u8>) -> Result<String, ParseError> {
    if let Some(nul) = bytes.iter().position(|b| *b == 0) {
        return Err(ParseError {
            offset: nul,
            message: "the file is binary (it contains a NUL byte), not YAML or JSON text".into(),
            help: Some("remove the file from the catalog, or give it another extension".into()),
        });
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let byte = e.as_bytes()[at];
        ParseError {
            offset: at,
            message: format!("the file is not valid UTF-8 (byte 0x{byte:02X})"),
            help: Some("save the file as UTF-8".into()),
        }
    })
}

fn parse_json(text: &str, parsed: &mut Parsed) {
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Strict::deserialize(&mut de).and_then(|Strict(v)| de.end().map(|()| v));
    match result {
        Ok(value) => parsed.documents.push(Document {
            value,
            range: 0..text.len(),
        }),
        Err(e) => {
            let index = LineIndex::new(text);
            let offset = if e.line() == 0 {
                0
            } else {
                index.offset_of_byte_column(e.line(), e.column().max(1))
            };
            let message = strip_position(&e.to_string());
            parsed
                .errors
                .push(explain(text, 0..text.len(), offset, message));
        }
    }
}

fn parse_yaml_document(text: &str, range: Range<usize>, parsed: &mut Parsed) {
    let chunk = &text[range.clone()];
    match yaml_serde::from_str::<Strict>(chunk) {
        Ok(Strict(value)) => {
            if let Some(error) = typographic_scalar(text, range.clone(), &value) {
                parsed.errors.push(error);
            } else {
                parsed.documents.push(Document { value, range });
            }
        }
        Err(e) => {
            let offset = range.start + e.location().map_or(0, |l| l.index()).min(chunk.len());
            let message = strip_position(&e.to_string());
            parsed.errors.push(explain(text, range, offset, message));
        }
    }
}

/// Byte ranges of the documents of a YAML stream, skipping those with no content.
///
/// A line that starts with `---` (followed by a space or the line end) or `...` is a
/// document marker wherever it appears, block scalars included, so a line scan finds
/// the same boundaries the parser does.
pub fn split_yaml_documents(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let is_start = is_marker(line, "---");
        let is_end = is_marker(line, "...");
        if is_start && offset > start {
            ranges.push(start..offset);
            start = offset;
        }
        offset += line.len();
        if is_end {
            ranges.push(start..offset);
            start = offset;
        }
    }
    if offset > start {
        ranges.push(start..offset);
    }
    ranges.retain(|r| has_content(&text[r.clone()]));
    ranges
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

fn has_content(chunk: &str) -> bool {
    chunk.lines().any(|line| {
        let t = line.trim();
        let t = t.strip_prefix("---").map_or(t, str::trim_start);
        !(t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "...")
    })
}

/// Drop the " at line X column Y" suffix: positions are reported separately.
fn strip_position(message: &str) -> String {
    let cut = message.find(" at line ").unwrap_or(message.len());
    message[..cut].to_owned()
}

/// Typographic quotes a word processor puts where a straight quote belongs.
const TYPOGRAPHIC: [(char, &str, char); 6] = [
    ('\u{201C}', "LEFT DOUBLE QUOTATION MARK", '"'),
    ('\u{201D}', "RIGHT DOUBLE QUOTATION MARK", '"'),
    ('\u{201E}', "DOUBLE LOW-9 QUOTATION MARK", '"'),
    ('\u{2018}', "LEFT SINGLE QUOTATION MARK", '\''),
    ('\u{2019}', "RIGHT SINGLE QUOTATION MARK", '\''),
    ('\u{201A}', "SINGLE LOW-9 QUOTATION MARK", '\''),
];

fn typographic(c: char) -> Option<(&'static str, char)> {
    TYPOGRAPHIC
        .iter()
        .find(|(q, _, _)| *q == c)
        .map(|(_, name, straight)| (*name, *straight))
}

fn typographic_error(offset: usize, c: char) -> Option<ParseError> {
    let (name, straight) = typographic(c)?;
    Some(ParseError {
        offset,
        message: format!(
            "typographic quote `{c}` (U+{:04X} {name}) where a straight quote belongs",
            c as u32
        ),
        help: Some(format!(
            "replace every `{c}` and its partner with the straight quote `{straight}`; \
             text copied from a web page or word processor often has curly quotes"
        )),
    })
}

/// Turn a parser error into one that names the likely cause and its fix.
fn explain(text: &str, range: Range<usize>, offset: usize, message: String) -> ParseError {
    let index = LineIndex::new(text);
    let line_no = index.position(offset).line;
    let line_start = index.line_start(line_no);
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];

    // A typographic quote on the failing line (or, failing that, anywhere before it in
    // the document) is almost always the cause.
    let on_line = line
        .char_indices()
        .find(|(_, c)| typographic(*c).is_some())
        .map(|(i, c)| (line_start + i, c));
    let earlier = || {
        text[range.start..line_start]
            .char_indices()
            .find(|(_, c)| typographic(*c).is_some())
            .map(|(i, c)| (range.start + i, c))
    };
    if let Some((at, c)) = on_line.or_else(earlier) {
        if let Some(error) = typographic_error(at, c) {
            return error;
        }
    }
    if let Some(tab) = line.find('\t') {
        if line[..tab].trim().is_empty() || message.contains("tab") || message.contains("token") {
            return ParseError {
                offset: line_start + tab,
                message: format!("a tab character here: {message}"),
                help: Some("YAML does not allow tabs for indentation; indent with spaces".into()),
            };
        }
    }
    if let Some(at) = message.find(DUPLICATE_KEY) {
        let message = message[at..].to_owned();
        let key = message.split('`').nth(1).unwrap_or_default().to_owned();
        return ParseError {
            offset: locate_duplicate(text, range, offset, &key),
            message,
            help: Some("a mapping holds each key once; remove or rename one of the two".into()),
        };
    }
    let help = if message.contains("recursion limit") {
        Some("nesting is limited to 128 levels; flatten the document".into())
    } else if message.contains("repetition limit") {
        Some(
            "the document expands aliases too many times (an alias bomb?); write the values out"
                .into(),
        )
    } else {
        None
    };
    ParseError {
        offset,
        message,
        help,
    }
}

/// Where the second of two equal keys is written. YAML parsers report the start of
/// the mapping, JSON parsers the point just after the key: look forward for the second
/// occurrence in the first case, backward for the last one in the second.
fn locate_duplicate(text: &str, range: Range<usize>, offset: usize, key: &str) -> usize {
    let patterns = [format!("{key}:"), format!("\"{key}\""), format!("'{key}'")];
    let mut found: Vec<usize> = patterns
        .iter()
        .flat_map(|p| text[range.clone()].match_indices(p.as_str()))
        .map(|(i, _)| range.start + i)
        .filter(|&i| {
            let before = text[..i].chars().next_back();
            before.is_none_or(|c| c.is_whitespace() || matches!(c, '{' | ',' | '-' | '?'))
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    let after: Vec<usize> = found.iter().copied().filter(|&i| i >= offset).collect();
    if after.len() >= 2 {
        after[1]
    } else {
        found
            .iter()
            .copied()
            .rfind(|&i| i < offset)
            .unwrap_or(offset)
    }
}

/// A YAML scalar that starts with a typographic quote parses as plain text, so the
/// parser does not complain; the quote was meant to delimit a string all the same.
fn typographic_scalar(text: &str, range: Range<usize>, value: &Value) -> Option<ParseError> {
    if !has_typographic_start(value) {
        return None;
    }
    let chunk = &text[range.clone()];
    let mut offset = range.start;
    for line in chunk.split_inclusive('\n') {
        let mut previous = None;
        let mut in_quotes = None;
        for (i, c) in line.char_indices() {
            match (in_quotes, c) {
                (Some(q), c) if c == q => in_quotes = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if starts_scalar(previous) => in_quotes = Some(c),
                (None, '#') if previous.is_none_or(char::is_whitespace) => break,
                (None, c) if typographic(c).is_some() && starts_scalar(previous) => {
                    return typographic_error(offset + i, c);
                }
                _ => {}
            }
            if !c.is_whitespace() {
                previous = Some(c);
            } else if previous.is_some_and(|p| p != ':' && p != '-' && p != ',') {
                previous = Some(' ');
            }
        }
        offset += line.len();
    }
    None
}

/// Whether a scalar may start after this previous non-blank character.
fn starts_scalar(previous: Option<char>) -> bool {
    matches!(previous, None | Some(':' | '-' | '[' | '{' | ',' | '?'))
}

fn has_typographic_start(value: &Value) -> bool {
    let starts = |s: &str| s.chars().next().is_some_and(|c| typographic(c).is_some());
    match value {
        Value::String(s) => starts(s),
        Value::Array(items) => items.iter().any(has_typographic_start),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| starts(k) || has_typographic_start(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Parsed {
        parse_bytes(text.as_bytes().to_vec(), Format::Yaml)
    }

    fn error_position(p: &Parsed) -> (usize, usize) {
        let pos = LineIndex::new(&p.text).position(p.errors[0].offset);
        (pos.line, pos.column)
    }

    #[test]
    fn splits_documents() {
        let p = yaml("# c\n---\na: 1\n---\n# only a comment\n---\nb: 2\n");
        assert_eq!(p.documents.len(), 2);
        assert!(p.errors.is_empty());
        assert_eq!(&p.text[p.documents[1].range.clone()], "---\nb: 2\n");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let p = yaml("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(p.documents.len(), 0);
        assert!(
            p.errors[0].message.starts_with(DUPLICATE_KEY),
            "{:?}",
            p.errors
        );
        assert_eq!(error_position(&p).0, 4);
        let j = parse_bytes(br#"{"a": 1, "a": 2}"#.to_vec(), Format::Json);
        assert!(j.errors[0].message.starts_with(DUPLICATE_KEY));
        assert_eq!(j.errors[0].offset, 9);
    }

    #[test]
    fn errors_in_later_documents_are_located() {
        let p = yaml("a: 1\n---\nb: [1\n---\nc: 3\n");
        assert_eq!(p.documents.len(), 2);
        assert_eq!(p.errors.len(), 1);
        assert!(error_position(&p).0 >= 3, "{:?}", error_position(&p));
    }

    #[test]
    fn typographic_quotes_in_json() {
        let p = parse_bytes(
            "{\n “identifier”: “Resource”\n}\n".as_bytes().to_vec(),
            Format::Json,
        );
        assert_eq!(error_position(&p), (2, 2));
        assert!(p.errors[0].message.contains("U+201C"));
    }

    #[test]
    fn typographic_quotes_in_yaml() {
        let p = yaml("# “fine” in a comment\ntitle: “Cart”\n");
        assert_eq!(error_position(&p), (2, 8));
        let ok = yaml("title: It’s fine\nother: \"“quoted”\"\n");
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
    }

    #[test]
    fn tabs_get_a_hint() {
        let p = yaml("a:\n\tb: 1\n");
        assert_eq!(error_position(&p), (2, 1));
        assert!(p.errors[0].help.as_deref().unwrap().contains("tabs"));
    }

    #[test]
    fn hostile_inputs_are_errors() {
        let deep = "[".repeat(300_000);
        assert_eq!(yaml(&deep).errors.len(), 1);
        let deep_json = parse_bytes("[".repeat(300_000).into_bytes(), Format::Json);
        assert_eq!(deep_json.errors.len(), 1);
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
        assert_eq!(yaml(bomb).errors.len(), 1);
        let binary = parse_bytes(b"a: 1\n\0\0".to_vec(), Format::Yaml);
        assert!(binary.errors[0].message.contains("binary"));
        let latin1 = parse_bytes(b"a: caf\xe9\n".to_vec(), Format::Yaml);
        assert_eq!(latin1.errors[0].offset, 6);
    }
}
