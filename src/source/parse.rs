//! Text to documents: the one parser every file goes through.
//!
//! A file becomes a list of documents, each a `serde_json::Value` with the byte range
//! it came from, plus the parse errors of the documents that failed. YAML streams are
//! split at their document markers before parsing, so one broken document does not
//! hide its neighbours and positions can later be found per document (the locator reads
//! only the first document of a stream). Errors carry a byte offset and, where the
//! cause is a classic one (typographic quotes, tabs, repeated keys), a hint that names
//! the fix.

use super::strict::{Strict, DUPLICATE_KEY};
use super::text::LineIndex;
use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
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
        if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") {
            Some(Format::Yaml)
        } else if ext.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else {
            None
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
    parse_with(bytes, format, true)
}

/// As [`parse_bytes`], with every YAML document read by libyaml, as before the direct
/// reader ([`super::simple_yaml`]) existed: the reference the equivalence tests hold
/// it to, and a yardstick for the benchmark (`parse-floor --libyaml`) that does not
/// move when the direct reader gets faster.
pub fn parse_bytes_by_libyaml(bytes: Vec<u8>, format: Format) -> Parsed {
    parse_with(bytes, format, false)
}

fn parse_with(bytes: Vec<u8>, format: Format, direct: bool) -> Parsed {
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
        Err((error, before)) => {
            // The text before the offending byte gives the error its line and column.
            parsed.text = before;
            parsed.errors.push(error);
            return parsed;
        }
    };
    match format {
        Format::Json => parse_json(&text, &mut parsed),
        Format::Yaml => {
            for range in split_yaml_documents(&text) {
                parse_yaml_document(&text, range, direct, &mut parsed);
            }
        }
    }
    parsed.text = text;
    parsed
}

/// Bytes to text: refuses binary files and invalid UTF-8 at the first offending byte,
/// returning with the error the (valid) text before that byte, so that the error can
/// be given a line and column.
fn decode(mut bytes: Vec<u8>) -> Result<String, (ParseError, String)> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let nul = bytes.iter().position(|b| *b == 0);
    let (bytes, end) = match (String::from_utf8(bytes), nul) {
        (Ok(text), None) => return Ok(text),
        (Ok(text), Some(nul)) => (text.into_bytes(), nul),
        (Err(e), _) => {
            let invalid = e.utf8_error().valid_up_to();
            (e.into_bytes(), nul.map_or(invalid, |nul| nul.min(invalid)))
        }
    };
    let error = if nul.is_some() {
        ParseError {
            offset: end,
            message: "the file is binary (it contains a NUL byte), not YAML or JSON text".into(),
            help: Some("remove the file from the catalog, or give it another extension".into()),
        }
    } else {
        ParseError {
            offset: end,
            message: format!(
                "the file is not valid UTF-8 (byte 0x{:02X})",
                bytes.get(end).copied().unwrap_or_default()
            ),
            help: Some("save the file as UTF-8".into()),
        }
    };
    // `bytes[..end]` is valid UTF-8 (it ends at or before the first invalid byte).
    let before = String::from_utf8_lossy(bytes.get(..end).unwrap_or_default()).into_owned();
    Err((error, before))
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

fn parse_yaml_document(text: &str, range: Range<usize>, direct: bool, parsed: &mut Parsed) {
    let chunk = &text[range.clone()];
    // Most documents are in the plain subset the direct reader knows: it gives the
    // value libyaml would, many times faster. What it declines (including every
    // document the guards below refuse) takes the libyaml path.
    if let Some(value) = direct.then(|| super::simple_yaml::parse(chunk)).flatten() {
        match typographic_scalar(text, range.clone(), &value) {
            Some(error) => parsed.errors.push(error),
            None => parsed.documents.push(Document { value, range }),
        }
        return;
    }
    // Hostile documents are refused before the parser sees them: both would make it
    // spend minutes or gigabytes before its own limits apply.
    if let Some(at) = too_deep(chunk) {
        parsed.errors.push(ParseError {
            offset: range.start + at,
            message: format!("the document nests more than {MAX_DEPTH} levels deep"),
            help: Some(NESTING_HELP.into()),
        });
        return;
    }
    if let Some(at) = trailing_tab(chunk) {
        parsed.errors.push(ParseError {
            offset: range.start + at,
            message: "a tab character at the end of a line".into(),
            help: Some("remove trailing tabs: YAML parsers of Kubernetes tools (kubectl, Argo CD, Flux) reject them".into()),
        });
        return;
    }
    if alias_bomb(chunk) {
        parsed.errors.push(ParseError {
            offset: range.start + first_alias(chunk).unwrap_or(0),
            message: "the aliases of this document expand to far more values than its text holds"
                .into(),
            help: Some(ALIAS_HELP.into()),
        });
        return;
    }
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

/// The offset of the first tab in the trailing blanks of a line that has content (not
/// a comment line). libyaml accepts it, the Go YAML parsers behind kubectl, Argo CD and
/// Flux do not, so a manifest with one fails to sync.
fn trailing_tab(chunk: &str) -> Option<usize> {
    let mut offset = 0;
    for line in chunk.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_end_matches([' ', '\t']);
        let is_comment = trimmed.trim_start().starts_with('#');
        if !trimmed.is_empty() && !is_comment && content[trimmed.len()..].contains('\t') {
            return content[trimmed.len()..]
                .find('\t')
                .map(|i| offset + trimmed.len() + i);
        }
        offset += line.len();
    }
    None
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

/// Nesting deeper than this is an error (yaml_serde's and serde_json's recursion limit).
const MAX_DEPTH: usize = 128;
const NESTING_HELP: &str = "nesting is limited to 128 levels; flatten the document";
const ALIAS_HELP: &str =
    "the document expands aliases too many times (an alias bomb?); write the values out";

/// The offset of the first flow collection (`[` or `{`) opened more than [`MAX_DEPTH`]
/// levels deep in a YAML document, found by a linear scan before parsing.
///
/// libyaml's scanner re-examines a pending "simple key" per open flow level at every
/// token, and the deserializer checks its recursion limit only once the whole
/// document is scanned, so `[[[[…` a few hundred thousand deep takes minutes to
/// refuse. This scan knows just enough YAML to skip brackets in comments, quoted
/// scalars, block scalars and plain text; it is a guard, not a parser, and whatever
/// it lets through still meets the parser's own limit.
fn too_deep(chunk: &str) -> Option<usize> {
    let bytes = chunk.as_bytes();
    let blank = |i: usize| {
        bytes
            .get(i)
            .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    };
    let mut depth = 0usize;
    // Whether a node may start here (so a quote or a bracket is an indicator).
    let mut node_start = true;
    let mut indent = 0;
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start {
            line_start = false;
            let spaces = bytes[i..].iter().take_while(|b| **b == b' ').count();
            indent = spaces;
            i += spaces;
            if depth == 0 {
                node_start = true;
            }
            if bytes[i..].starts_with(b"---") && blank(i + 3) {
                i += 3;
            }
            continue;
        }
        match bytes[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'#' if i == 0 || blank(i - 1) => {
                i += bytes[i..].iter().take_while(|b| **b != b'\n').count();
            }
            b'"' | b'\'' if node_start => {
                i = skip_quoted(bytes, i);
                node_start = false;
            }
            b'[' | b'{' if depth > 0 || node_start => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                node_start = true;
                i += 1;
            }
            b']' | b'}' if depth > 0 => {
                depth -= 1;
                node_start = false;
                i += 1;
            }
            b',' if depth > 0 => {
                node_start = true;
                i += 1;
            }
            b'|' | b'>' if depth == 0 && node_start => {
                // A block scalar: its header line, then every line indented deeper
                // than the line it starts on (or blank).
                i += bytes[i..].iter().take_while(|b| **b != b'\n').count();
                while i < bytes.len() {
                    let line = &bytes[i + 1..];
                    let len = line.iter().take_while(|b| **b != b'\n').count();
                    let content = &line[..len];
                    let spaces = content.iter().take_while(|b| **b == b' ').count();
                    let is_blank = content.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
                    if !(is_blank || spaces > indent) || i + 1 >= bytes.len() {
                        break;
                    }
                    i += 1 + len;
                }
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'-' | b'?' if node_start && blank(i + 1) => i += 1,
            b':' if depth > 0 || blank(i + 1) => {
                node_start = true;
                i += 1;
            }
            // An anchor or a tag comes before the node it names.
            b'&' | b'!' if node_start => {
                i += bytes[i..]
                    .iter()
                    .take_while(|b| !b.is_ascii_whitespace())
                    .count();
            }
            _ => {
                node_start = false;
                i += 1;
            }
        }
    }
    None
}

/// The offset just after a quoted scalar that starts at `start` (or the end).
fn skip_quoted(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Values a YAML document may expand to through aliases beyond what its text holds
/// (a document without aliases never has more values than bytes).
const ALIAS_ALLOWANCE: usize = 10_000;

/// Whether a document's aliases expand it into more values than its text could hold
/// written out (or than yaml_serde's own repetition limit allows): an alias bomb. A
/// handful of bytes of anchors can otherwise expand to billions of values and take
/// all the memory there is. Counting values does not build them, and only documents
/// that could have aliases (an `&` and a `*`) pay for the extra pass.
fn alias_bomb(chunk: &str) -> bool {
    if !(chunk.contains('&') && chunk.contains('*')) {
        return false;
    }
    let seen = std::cell::Cell::new(0);
    let budget = chunk.len() + ALIAS_ALLOWANCE;
    let count = Count {
        seen: &seen,
        budget,
    };
    match count.deserialize(yaml_serde::Deserializer::from_str(chunk)) {
        Ok(()) => false,
        // Any other error is the parser's to report, with its own position.
        Err(e) => seen.get() > budget || e.to_string().contains("repetition limit"),
    }
}

/// The offset of the first alias (`*name` where a node may start), for locating an
/// alias bomb.
fn first_alias(chunk: &str) -> Option<usize> {
    chunk.match_indices('*').map(|(i, _)| i).find(|&i| {
        let before = chunk[..i].chars().next_back();
        let after = chunk[i + 1..].chars().next();
        before.is_none_or(|c| c.is_whitespace() || matches!(c, '[' | '{' | ',' | ':'))
            && after.is_some_and(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
    })
}

/// Counts the values of a document without building them, failing past a budget.
struct Count<'a> {
    seen: &'a std::cell::Cell<usize>,
    budget: usize,
}

impl Count<'_> {
    fn tick<E: serde::de::Error>(&self) -> Result<(), E> {
        let seen = self.seen.get() + 1;
        self.seen.set(seen);
        if seen > self.budget {
            return Err(E::custom("too many values"));
        }
        Ok(())
    }

    fn again(&self) -> Self {
        Count {
            seen: self.seen,
            budget: self.budget,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        self.tick()
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        self.tick()
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        self.tick()
    }
    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<(), E> {
        self.tick()
    }
    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<(), E> {
        self.tick()
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        self.tick()
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        self.tick()
    }
    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<(), E> {
        self.tick()
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<(), E> {
        self.tick()
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.tick()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.tick()?;
        while seq.next_element_seed(self.again())?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.tick()?;
        while map.next_key_seed(self.again())?.is_some() {
            map.next_value_seed(self.again())?;
        }
        Ok(())
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged node (`!tag value`): count its value.
        let ((), variant) = data.variant_seed(self.again())?;
        variant.newtype_variant_seed(self)
    }
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
        Some(NESTING_HELP.into())
    } else if message.contains("repetition limit") {
        Some(ALIAS_HELP.into())
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
    fn trailing_tabs_are_refused() {
        let p = yaml("apiVersion: v1\t\nkind: Service\n# a comment\t\n");
        assert_eq!(error_position(&p), (1, 15));
        assert!(yaml("a: 1  \n# c\t\n").errors.is_empty());
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

    #[test]
    fn undecodable_bytes_keep_the_text_before_them() {
        let binary = parse_bytes(b"a: 1\nb: \0\0".to_vec(), Format::Yaml);
        assert_eq!(error_position(&binary), (2, 4));
        let latin1 = parse_bytes(b"\xEF\xBB\xBFa: 1\nb: caf\xe9\n".to_vec(), Format::Yaml);
        assert_eq!(error_position(&latin1), (2, 7));
        assert!(latin1.errors[0].message.contains("0xE9"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let deep = format!("a: 1\nb: {}\n", "{x: ".repeat(300_000));
        let p = yaml(&deep);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(error_position(&p), (2, 4 + 4 * 128));
        assert!(p.errors[0].message.contains("128 levels"));
        // Brackets that open no collection do not count.
        let text = format!(
            "a: \"{0}\"\nb: '{0}'\n# {0}\nc: x{0}\nd: |\n  {0}\n\n  {0}\ne: [[1], {{f: [2]}}]\n",
            "[".repeat(200)
        );
        assert_eq!(too_deep(&text), None);
        assert!(yaml(&text).errors.is_empty(), "{:?}", yaml(&text).errors);
    }

    #[test]
    fn wide_alias_bombs_are_refused() {
        // 15 kB that would expand to a billion values: yaml_serde's repetition limit
        // (which counts alias jumps, not values) lets it run out of memory.
        let row = |item: &str| vec![item; 1000].join(",");
        let text = format!(
            "a: &a [{}]\nb: &b [{}]\nc: [{}]\n",
            row("xxxxxxxx"),
            row("*a"),
            row("*b")
        );
        let p = yaml(&text);
        assert_eq!(p.errors.len(), 1);
        assert_eq!(error_position(&p), (2, 8));
        assert!(p.errors[0].help.as_deref().unwrap().contains("alias bomb"));
        // Anchors used as intended are fine.
        let ok = yaml("base: &base {x: 1, y: [1, 2]}\ncopy: *base\nnote: a * b\n");
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
        assert_eq!(ok.documents[0].value["copy"]["y"][1], 2);
    }
}
