//! A direct reader for the plain subset of YAML that catalog files are written in.
//!
//! Nearly every catalog document is block mappings and sequences of one-line scalars,
//! with comments, the odd block scalar and `[a, b]` lists. libyaml spends most of a
//! large catalog's load time on such documents (event by event, character by
//! character); this reader builds the same `serde_json::Value` straight from the
//! lines. It answers only for documents it fully understands and returns `None` for
//! anything else — anchors, tags, flow mappings, multi-line plain or quoted scalars,
//! tabs, carriage returns, repeated keys, anything odd or invalid — so that the
//! libyaml path (with its error messages and positions) decides those. When it does
//! answer, its value is exactly the one `yaml_serde` gives through
//! [`Strict`](super::strict::Strict): plain scalars are resolved by the same rules
//! (YAML 1.2 core schema as yaml_serde implements it), which the differential tests
//! below and `tests/cli/parse_equivalence.rs` hold it to.

use serde_json::{Map, Number, Value};

/// Nesting deeper than this goes to libyaml (which applies the limit and its error).
const MAX_DEPTH: usize = 100;
/// libyaml refuses implicit keys longer than 1024 characters; longer lines go to it.
const MAX_KEY_LEN: usize = 1000;

/// The value of one YAML document (the text between its markers), or `None` when the
/// document is outside the subset this reader knows and libyaml must read it.
pub fn parse(chunk: &str) -> Option<Value> {
    if !plain_characters(chunk) {
        return None;
    }
    let mut reader = Reader {
        lines: lines(chunk)?,
        at: 0,
        depth: 0,
        newline_at_end: chunk.ends_with('\n'),
    };
    reader.skip_blank();
    let first = *reader.lines.get(reader.at)?;
    let value = reader.block(first.indent, Context::Root)?;
    reader.skip_blank();
    (reader.at == reader.lines.len()).then_some(value)
}

/// Whether every character is one this reader handles the way libyaml does: no tabs,
/// carriage returns or other control characters, and none of the characters YAML 1.1
/// treats as line breaks (NEL, LS, PS) or refuses (BOM inside the text, U+FFFE/F).
fn plain_characters(chunk: &str) -> bool {
    let bytes = chunk.as_bytes();
    if bytes
        .iter()
        .all(|b| (0x20..0x7F).contains(b) || *b == b'\n')
    {
        return true;
    }
    chunk.chars().all(|c| match c {
        '\n' | ' '..='~' => true,
        '\u{00A0}'..='\u{D7FF}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{E000}'..='\u{FFFD}' => c != '\u{FEFF}',
        '\u{10000}'..='\u{10FFFF}' => true,
        _ => false,
    })
}

/// One line of the document, without its line break.
#[derive(Clone, Copy)]
struct Line<'a> {
    /// Leading spaces.
    indent: usize,
    /// The line after its indentation.
    rest: &'a str,
    /// The whole line (for block scalars, whose indentation is their own).
    raw: &'a str,
}

impl Line<'_> {
    /// Blank or only a comment: no content for the structure.
    fn is_blank(&self) -> bool {
        self.rest.is_empty() || self.rest.starts_with('#')
    }
}

/// The document's lines after the optional `---` start marker (a marker with content
/// after it, a directive, or an end marker followed by more content goes to libyaml).
fn lines(chunk: &str) -> Option<Vec<Line<'_>>> {
    let mut out = Vec::new();
    let mut started = false;
    let mut ended = false;
    let body = chunk.strip_suffix('\n').unwrap_or(chunk);
    for raw in body.split('\n') {
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let rest = &raw[indent..];
        let line = Line { indent, rest, raw };
        if indent == 0 && is_marker(raw, "---") {
            let after = raw[3..].trim_start_matches(' ');
            if started || !out.iter().all(|l: &Line| l.is_blank()) {
                return None;
            }
            if !(after.is_empty() || after.starts_with('#') && raw[3..].starts_with(' ')) {
                return None;
            }
            started = true;
            out.push(Line { rest: "", ..line });
            continue;
        }
        if indent == 0 && is_marker(raw, "...") {
            ended = true;
            continue;
        }
        if (ended || indent == 0 && raw.starts_with('%')) && !line.is_blank() {
            return None;
        }
        if !ended {
            out.push(line);
        }
    }
    Some(out)
}

fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Where a node sits, which decides what may follow it on its line and below.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Root,
    MapValue,
    SeqItem,
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    /// The next line to read.
    at: usize,
    depth: usize,
    /// Whether the document's text ends with a line break.
    newline_at_end: bool,
}

impl<'a> Reader<'a> {
    fn skip_blank(&mut self) {
        while self.lines.get(self.at).is_some_and(Line::is_blank) {
            self.at += 1;
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// A block collection whose first entry starts at column `column` of the current
    /// line (after `- ` for a compact mapping in a sequence), inside a parent whose
    /// indentation is `parent`.
    fn block(&mut self, column: usize, context: Context) -> Option<Value> {
        let line = self.lines[self.at];
        let text = &line.raw[column..];
        if is_entry(text) {
            self.sequence(column, context)
        } else if key(text)?.is_some() {
            self.mapping(column)
        } else {
            // A scalar on a line of its own: rare in catalogs, libyaml's to read.
            None
        }
    }

    /// A block sequence whose entries start at `indent`.
    fn sequence(&mut self, indent: usize, context: Context) -> Option<Value> {
        self.enter()?;
        let mut items = Vec::new();
        // The first entry may follow a `- ` of an outer sequence on the same line.
        let mut column = indent;
        loop {
            let line = self.lines[self.at];
            let text = &line.raw[column..];
            if !is_entry(text) {
                return None;
            }
            items.push(self.node_after(line, column + 1, indent, Context::SeqItem)?);
            self.skip_blank();
            let Some(next) = self.lines.get(self.at) else {
                break;
            };
            if next.indent < indent
                || next.indent == indent && !is_entry(next.rest) && context == Context::MapValue
            {
                break;
            }
            if next.indent != indent {
                return None;
            }
            column = indent;
        }
        self.depth -= 1;
        Some(Value::Array(items))
    }

    /// A block mapping whose keys start at `indent` (the first one possibly inside the
    /// current line, after `- `).
    fn mapping(&mut self, indent: usize) -> Option<Value> {
        self.enter()?;
        let mut map = Map::new();
        let mut column = indent;
        loop {
            let line = self.lines[self.at];
            let (name, after) = key(&line.raw[column..])??;
            if map.contains_key(&name) {
                return None;
            }
            let value = self.node_after(line, column + after, indent, Context::MapValue)?;
            map.insert(name, value);
            self.skip_blank();
            let Some(next) = self.lines.get(self.at) else {
                break;
            };
            if next.indent < indent {
                break;
            }
            if next.indent != indent || is_entry(next.rest) {
                return None;
            }
            column = indent;
        }
        self.depth -= 1;
        Some(Value::Object(map))
    }

    /// The node after an indicator (`:` of a key or `-` of an entry) ending at byte
    /// `from` of `line`, in a collection indented by `indent`. Leaves `at` on the line
    /// after the node.
    fn node_after(
        &mut self,
        line: Line<'a>,
        from: usize,
        indent: usize,
        context: Context,
    ) -> Option<Value> {
        let after = &line.raw[from..];
        let text = after.trim_start_matches(' ');
        if !after.is_empty() && text.len() == after.len() {
            // An indicator must be followed by a space or the line end.
            return None;
        }
        let column = line.raw.len() - text.len();
        if text.is_empty() || text.starts_with('#') {
            self.at += 1;
            return self.node_below(indent, context);
        }
        let first = text.as_bytes()[0];
        match first {
            b'"' | b'\'' => {
                if context == Context::SeqItem {
                    if let Some(Some(_)) = key(text) {
                        return self.block(column, context);
                    }
                }
                let (value, len) = quoted(text)?;
                end_of_line(&text[len..])?;
                self.at += 1;
                Some(Value::String(value))
            }
            b'|' | b'>' => self.block_scalar(text, indent),
            b'[' | b'{' => {
                let (value, len) = flow(text)?;
                end_of_line(&text[len..])?;
                self.at += 1;
                Some(value)
            }
            b'-' if is_entry(text) => None,
            _ if !plain_start(text) => None,
            _ => match key(text)? {
                Some(_) if context == Context::SeqItem => self.block(column, context),
                Some(_) => None,
                None => {
                    let scalar = plain(text)?;
                    self.at += 1;
                    resolve(scalar)
                }
            },
        }
    }

    /// The node of an indicator with nothing after it on its line: a collection on the
    /// lines below, or null.
    fn node_below(&mut self, indent: usize, context: Context) -> Option<Value> {
        self.skip_blank();
        let Some(next) = self.lines.get(self.at).copied() else {
            return Some(Value::Null);
        };
        if next.indent > indent {
            return self.block(next.indent, context);
        }
        if next.indent == indent && context == Context::MapValue && is_entry(next.rest) {
            // A sequence may sit at its key's own indentation.
            return self.sequence(indent, Context::MapValue);
        }
        Some(Value::Null)
    }

    /// A literal (`|`) or folded (`>`) block scalar whose header is `header`, in a
    /// collection indented by `indent`.
    fn block_scalar(&mut self, header: &str, indent: usize) -> Option<Value> {
        let literal = header.starts_with('|');
        let chomp = match header.as_bytes().get(1) {
            Some(b'-') => Chomp::Strip,
            Some(b'+') => Chomp::Keep,
            _ => Chomp::Clip,
        };
        let indicators = 1 + usize::from(chomp != Chomp::Clip);
        end_of_line(&header[indicators..])?;
        self.at += 1;
        // Lines up to the first less indented non-blank one; trailing blank lines
        // belong to the scalar (for chomping) until then.
        let start = self.at;
        let mut end = start;
        let mut content_indent = None;
        while let Some(line) = self.lines.get(end) {
            let blank = line.rest.is_empty();
            if !blank {
                match content_indent {
                    None if line.indent <= indent => break,
                    None => content_indent = Some(line.indent),
                    Some(i) if line.indent < i => break,
                    Some(_) => {}
                }
            }
            end += 1;
        }
        let content_indent = content_indent?;
        let body = &self.lines[start..end];
        // Blank lines with more spaces than the content (kept by YAML as text) and
        // more indented lines of a folded scalar (kept verbatim) go to libyaml.
        if body
            .iter()
            .any(|l| l.rest.is_empty() && l.indent > content_indent)
            || !literal
                && body
                    .iter()
                    .any(|l| !l.rest.is_empty() && l.indent > content_indent)
        {
            return None;
        }
        let last = body.iter().rposition(|l| !l.rest.is_empty())?;
        if end == self.lines.len() && !self.newline_at_end {
            // The scalar's last line has no line break: chomping differs, libyaml's.
            return None;
        }
        let mut text = String::new();
        let mut blanks = 0;
        let mut first = true;
        for line in &body[..=last] {
            if line.rest.is_empty() {
                blanks += 1;
                continue;
            }
            if first {
                text.extend(std::iter::repeat_n('\n', blanks));
            } else if literal {
                text.extend(std::iter::repeat_n('\n', blanks + 1));
            } else if blanks == 0 {
                text.push(' ');
            } else {
                text.extend(std::iter::repeat_n('\n', blanks));
            }
            first = false;
            blanks = 0;
            text.push_str(&line.raw[content_indent..]);
        }
        match chomp {
            Chomp::Strip => {}
            Chomp::Clip => text.push('\n'),
            Chomp::Keep => {
                let trailing = body.len() - last;
                text.extend(std::iter::repeat_n('\n', trailing));
            }
        }
        // Trailing blank lines after the scalar are the structure's, not its text's,
        // except what `+` keeps; either way the reader moves past them.
        self.at = end;
        Some(Value::String(text))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// Whether `text` starts a block sequence entry (`-` then a space or the line end).
fn is_entry(text: &str) -> bool {
    text.strip_prefix('-')
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Nothing but spaces and a comment up to the line end.
fn end_of_line(rest: &str) -> Option<()> {
    let trimmed = rest.trim_start_matches(' ');
    let ok = trimmed.is_empty() || trimmed.starts_with('#') && trimmed.len() < rest.len();
    ok.then_some(())
}

/// Whether a plain scalar may start with `text`'s first character (not an indicator).
fn plain_start(text: &str) -> bool {
    let b = text.as_bytes();
    match b[0] {
        b'-' => b.len() > 1 && b[1] != b' ',
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => false,
        _ => true,
    }
}

/// The key at the start of `text` with the offset just after its `:`, `Some(None)` when
/// `text` holds no `key:` (a plain scalar), or `None` when the key is outside the
/// subset (a non-string plain key, a quoted key with an escape this reader lacks…).
fn key(text: &str) -> Option<Option<(String, usize)>> {
    if text.starts_with(['"', '\'']) {
        let (name, len) = quoted(text)?;
        if len > MAX_KEY_LEN {
            return None;
        }
        let rest = &text[len..];
        if is_indicator_colon(rest) {
            return Some(Some((name, len + 1)));
        }
        return Some(None);
    }
    if !plain_start(text) {
        return Some(None);
    }
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b':' if is_indicator_colon(&text[i..]) => {
                let name = text[..i].trim_end_matches(' ');
                if i > MAX_KEY_LEN || name == "<<" {
                    return None;
                }
                // A key must read as a string: `1:`, `true:` or `null:` go to libyaml.
                return match resolve(name)? {
                    Value::String(s) => Some(Some((s, i + 1))),
                    _ => None,
                };
            }
            b'#' if bytes[i - 1] == b' ' => return Some(None),
            _ => {}
        }
    }
    Some(None)
}

/// Whether `rest` starts with a mapping `:` (followed by a space or the line end).
fn is_indicator_colon(rest: &str) -> bool {
    rest.strip_prefix(':')
        .is_some_and(|after| after.is_empty() || after.starts_with(' '))
}

/// A one-line plain scalar in block context: up to a comment or the line end. `None`
/// when a `: ` inside makes it something else.
fn plain(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut end = bytes.len();
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b':' if is_indicator_colon(&text[i..]) => return None,
            b'#' if i > 0 && bytes[i - 1] == b' ' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    Some(text[..end].trim_end_matches(' '))
}

/// A one-line quoted scalar at the start of `text`: its value and length.
fn quoted(text: &str) -> Option<(String, usize)> {
    let quote = text.as_bytes()[0];
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if quote == b'\'' => {
                if text[i + 1..].starts_with('\'') {
                    chars.next();
                    value.push('\'');
                } else {
                    return Some((value, i + 1));
                }
            }
            '"' if quote == b'"' => return Some((value, i + 1)),
            '\\' if quote == b'"' => {
                let (_, e) = chars.next()?;
                let escaped = match e {
                    '\\' | '"' | '/' => e,
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' | 'x' => {
                        let digits = if e == 'u' { 4 } else { 2 };
                        let hex = text.get(i + 2..i + 2 + digits)?;
                        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                            return None;
                        }
                        for _ in 0..digits {
                            chars.next();
                        }
                        char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
                    }
                    _ => return None,
                };
                value.push(escaped);
            }
            _ => value.push(c),
        }
    }
    // No closing quote on this line: a multi-line scalar, for libyaml.
    None
}

/// A one-line flow collection at the start of `text`: `{}`, or `[…]` of scalars.
fn flow(text: &str) -> Option<(Value, usize)> {
    if text.starts_with('{') {
        return text
            .starts_with("{}")
            .then(|| (Value::Object(Map::new()), 2));
    }
    let mut items = Vec::new();
    let mut at = 1;
    loop {
        let rest = &text[at..];
        let item = rest.trim_start_matches(' ');
        at += rest.len() - item.len();
        if item.starts_with(']') && items.is_empty() {
            return Some((Value::Array(items), at + 1));
        }
        let (value, len) = if item.starts_with(['"', '\'']) {
            let (s, len) = quoted(item)?;
            (Value::String(s), len)
        } else {
            let len = item
                .find([',', '[', ']', '{', '}', '#', ':', '"', '\''])
                .unwrap_or(item.len());
            let scalar = item[..len].trim_end_matches(' ');
            if scalar.is_empty() || !plain_start(scalar) {
                return None;
            }
            (resolve(scalar)?, len)
        };
        items.push(value);
        at += len;
        let rest = &text[at..];
        let next = rest.trim_start_matches(' ');
        at += rest.len() - next.len();
        match next.as_bytes().first() {
            Some(b',') if !next[1..].trim_start_matches(' ').starts_with(']') => at += 1,
            Some(b']') => return Some((Value::Array(items), at + 1)),
            _ => return None,
        }
    }
}

/// A plain scalar's value by yaml_serde's rules: null, booleans, integers (decimal,
/// `0x`, `0o`, `0b`), finite floats, else a string. `None` for what the JSON tree cannot
/// hold (integers beyond 64 bits, infinities, NaN), which libyaml's path refuses with
/// its own message.
fn resolve(scalar: &str) -> Option<Value> {
    match scalar {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let first = scalar.as_bytes()[0];
    // Only these can start a number; everything else is text.
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return Some(Value::String(scalar.to_owned()));
    }
    // Integers beyond 64 bits are numbers JSON cannot hold: libyaml's path refuses them.
    if let Some(int) = unsigned_int(scalar) {
        return u64::try_from(int).ok().map(|i| Value::Number(i.into()));
    }
    if let Some(int) = negative_int(scalar) {
        return i64::try_from(int).ok().map(|i| Value::Number(i.into()));
    }
    if !digits_but_not_number(scalar) {
        if let Some(float) = float(scalar) {
            return Number::from_f64(float).map(Value::Number);
        }
    }
    Some(Value::String(scalar.to_owned()))
}

/// yaml_serde's unsigned integer: optional `+`, then `0x`/`0o`/`0b` digits or decimal
/// digits without a leading zero.
fn unsigned_int(scalar: &str) -> Option<u128> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = u128::from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    unpositive.parse::<u128>().ok()
}

/// yaml_serde's negative integer: `-0x`, `-0o`, `-0b` or decimal.
fn negative_int(scalar: &str) -> Option<i128> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix) {
            if let Ok(int) = i128::from_str_radix(&format!("-{rest}"), radix) {
                return Some(int);
            }
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    scalar.parse::<i128>().ok()
}

/// yaml_serde's float: Rust's parse of the text without a leading `+`, finite only
/// (`.inf` and `.nan` are numbers JSON cannot hold: `None` from [`resolve`]).
fn float(scalar: &str) -> Option<f64> {
    let unpositive = match scalar.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => scalar,
    };
    let special = unpositive.trim_start_matches('-');
    if matches!(special, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zeros followed by digits (`0123`): a string in YAML 1.2.
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::source::parse::{parse_bytes, parse_bytes_by_libyaml, Format, Parsed};
    use crate::source::strict::Strict;
    use serde_json::{json, Value};

    /// What the libyaml path gives for a document, `None` for an error.
    fn libyaml(chunk: &str) -> Option<Value> {
        yaml_serde::from_str::<Strict>(chunk)
            .ok()
            .map(|Strict(v)| v)
    }

    /// The direct reader either declines or agrees with libyaml.
    fn agrees(chunk: &str) -> bool {
        match parse(chunk) {
            None => false,
            Some(value) => {
                assert_eq!(Some(&value), libyaml(chunk).as_ref(), "for:\n{chunk}");
                true
            }
        }
    }

    #[test]
    fn reads_catalog_documents_as_libyaml_does() {
        let accepted = [
            "identifier: cart\ntitle: Cart # the cart\nteam:\n  - payments\n  - sre\nproperties:\n  replicas: 3\n  ratio: 0.5\n  on: true\n  empty:\n  none: ~\nrelations: {}\n",
            "# a comment\n---\nkey: value\n...\n",
            "--- # marker comment\na: 1\n",
            "a:\n- x\n- y\nb:\n  - c\n",
            "list:\n- name: a\n  value: 1\n-   name: b\n    value: 2\n-\n  name: c\n- \n-\n",
            "a: 'it''s'\nb: \"tab\\tquote\\\" \\u00e9 \\x41 \\/\"\n'quoted key': 1\n\"k\": [a, 'b', \"c\", 1, true, ~]\n",
            "text: |\n  line one\n\n  line two\n    indented\nnext: 1\n",
            "keep: |+\n  a\n\n\nstrip: |-\n  a\n  b\n\nfold: >\n  a\n  b\n\n  c\nfold2: >-\n  x\n",
            "seq:\n  - |\n    block in a sequence\n  - >\n    folded\n    text\n",
            "urls: http://example.com:8080/x\nhash: a#b\ncolon: a:b\nstar: a * b\namp: a & b\nbang: a!\n",
            "nums: [0, -0, 007, 0x1F, 0o17, 0b101, +12, -12, 1.5, 1e3, -1.5e-3, 1_000, .5, 5.]\n",
            "strings: [inf, nan, Infinity, -inf, yes, no, on, off, y, n, '1', 0x, 1.2.3, 2024-01-01]\n",
            "  indented: root\n  second: 2\n",
            "- a\n- b: 1\n  c: 2\n-   d\n",
            "é: ünïcödé — “quoted” words\nemoji: 🚀 launch\n",
            "a:\n  b:\n    c:\n      d: deep\n  e: back\nf: top\n",
            "a: # comment after the indicator\n  b: 1\n# comment at column 0\n  c: 2\n",
            "key with spaces  : value with  spaces   \n",
        ];
        for chunk in accepted {
            assert!(agrees(chunk), "declined:\n{chunk}");
        }
        let value = parse("a: 1\nb: [x, 2]\nc: |\n  t\n").unwrap();
        assert_eq!(value, json!({"a": 1, "b": ["x", 2], "c": "t\n"}));
    }

    #[test]
    fn declines_what_it_does_not_know() {
        let declined = [
            "a: &x 1\nb: *x\n",
            "a: !tag 1\n",
            "a: {b: 1}\n",
            "a: b\n  continued\n",
            "a: 'multi\n  line'\n",
            "a:\tb\n",
            "a: 1\r\nb: 2\r\n",
            "a: 1\na: 2\n",
            "1: one\n",
            "true: yes\n",
            "null: x\n",
            "<<: {a: 1}\n",
            "a: .inf\n",
            "a: .nan\n",
            "a: 18446744073709551616\n",
            "a: -9223372036854775809\n",
            "a: b: c\n",
            "a: - b\n",
            "? complex\n: key\n",
            "%YAML 1.2\n---\na: 1\n",
            "--- a\n",
            "just a scalar\n",
            "[a, b]\n",
            "a: |2\n   x\n",
            "a: >\n  x\n    more\n",
            "a: |\n",
            "a:\n  scalar on its own line\n",
            "a: [a, [b]]\n",
            "a: [a,]\n",
            "a: \"\\q\"\n",
            "a: 1\n b: 2\n",
            "a:\n    b: 1\n  c: 2\n",
            "- a\nb: 1\n",
            "a: 1\n- b\n",
            "- - nested entry\n",
            "a: \u{85}\n",
            "a: x\u{2028}y\n",
            "a: |\n  x",
        ];
        for chunk in declined {
            assert_eq!(parse(chunk), None, "accepted:\n{chunk}");
        }
    }

    /// A small deterministic generator (xorshift), so the test needs no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const SCALARS: &[&str] = &[
        "",
        "~",
        "null",
        "Null",
        "NULL",
        "true",
        "True",
        "FALSE",
        "yes",
        "on",
        "n",
        "0",
        "-0",
        "+0",
        "007",
        "-007",
        "0x1F",
        "0x",
        "-0x1f",
        "0o17",
        "0b101",
        "+12",
        "-12",
        "+-1",
        "1.5",
        "-1.5",
        "1e3",
        "1E-3",
        ".5",
        "5.",
        "+.5",
        ".inf",
        "-.Inf",
        "+.inf",
        ".NaN",
        "-.nan",
        "inf",
        "-inf",
        "nan",
        "1_000",
        "1.2.3",
        "2024-01-01",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "0x8000000000000000",
        "a",
        "a b",
        "a  b",
        "a:b",
        "a: b",
        "a:",
        "a #b",
        "a#b",
        "a # b: c",
        "http://x:1/y",
        "'q'",
        "'it''s'",
        "'a' b",
        "\"d\"",
        "\"d\\n\\t\\\\\"",
        "\"\\u00e9\\x41\"",
        "\"\\q\"",
        "\"unclosed",
        "'unclosed",
        "[]",
        "[a, b]",
        "[ a , 'b' ]",
        "[a,]",
        "[a, [b]]",
        "[a: 1]",
        "[1, 0x10, ~, true]",
        "{}",
        "{ }",
        "{a: 1}",
        "&x a",
        "*x",
        "!t a",
        "!!str 1",
        "- x",
        "-x",
        "-",
        "?x",
        "? x",
        ":x",
        "é",
        "“x”",
        "%x",
        "@x",
        "`x",
        ",x",
        "x,",
        "x]",
        "]",
        "#c",
        "a\tb",
        "|",
        "|-",
        "|+",
        ">",
        ">-",
        ">+",
        "|2",
        "| # c",
        "|x",
        "<<",
        "'<<'",
        "a'b",
        "a\"b",
        "-- x",
        "--- x",
        "... x",
    ];
    /// Scalars as catalogs write them, to keep most generated documents in the subset.
    const COMMON: &[&str] = &[
        "cart",
        "Cart Service",
        "3",
        "0.5",
        "true",
        "",
        "payments-team",
        "https://x.example/a",
        "'quoted'",
        "\"double\"",
        "[a, b]",
        "[]",
        "2025-01-01T09:00:00Z",
        "v1.2.3",
    ];

    fn scalar(rng: &mut Rng) -> &'static str {
        if rng.below(5) == 0 {
            rng.pick(SCALARS)
        } else {
            rng.pick(COMMON)
        }
    }

    const KEYS: &[&str] = &[
        "a",
        "b",
        "key",
        "two words",
        "k-1",
        "é",
        "'q'",
        "\"d\"",
        "\"e\\n\"",
        "1",
        "true",
        "~",
        "<<",
        "a:b",
        "a#b",
        "-a",
        "?a",
        "[a]",
        "a b ",
        "'a' ",
        "x",
    ];
    const COMMON_KEYS: &[&str] = &[
        "identifier",
        "title",
        "team",
        "properties",
        "relations",
        "name",
        "value",
        "port",
        "image",
        "env",
        "labels",
    ];

    fn key(rng: &mut Rng) -> &'static str {
        if rng.below(6) == 0 {
            rng.pick(KEYS)
        } else {
            rng.pick(COMMON_KEYS)
        }
    }

    /// A random block node at `indent`, in the shapes catalog files have, with the odd
    /// mistake or exotic construct mixed in.
    fn node(rng: &mut Rng, indent: usize, depth: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        let entries = 1 + rng.below(4);
        let sequence = rng.below(3) == 0;
        for _ in 0..entries {
            match rng.below(12) {
                0 => out.push('\n'),
                1 => out.push_str(&format!("{}# {}\n", " ".repeat(rng.below(6)), scalar(rng))),
                _ => {}
            }
            let lead = if sequence {
                format!("{pad}-{}", " ".repeat(1 + rng.below(2)))
            } else {
                let separator = rng.pick(&[": ", ": ", ": ", ": ", ": ", ":", " : ", ":  "]);
                format!("{pad}{}{separator}", key(rng))
            };
            out.push_str(&lead);
            let child = indent + 1 + rng.below(3);
            match rng.below(10) {
                0..=4 => {
                    out.push_str(scalar(rng));
                    if rng.below(5) == 0 {
                        out.push_str(rng.pick(&[" # c", "  #c", "#c", " "]));
                    }
                    out.push('\n');
                }
                5 if sequence && depth < 4 => {
                    // A compact mapping: `- key: value` and its siblings below.
                    let column = lead.len();
                    out.push_str(&format!("{}: {}\n", key(rng), scalar(rng)));
                    for _ in 0..rng.below(3) {
                        let shift = rng.pick(&["", "", "", " ", "-"]);
                        out.push_str(&format!(
                            "{}{shift}{}: {}\n",
                            " ".repeat(column),
                            key(rng),
                            scalar(rng)
                        ));
                    }
                }
                6 => {
                    out.push_str(rng.pick(&["|", "|-", "|+", ">", ">-", ">+", "|2"]));
                    out.push('\n');
                    let body = child.max(indent + 1);
                    for _ in 0..rng.below(4) {
                        match rng.below(5) {
                            0 => out.push('\n'),
                            1 => out.push_str(&format!("{}\n", " ".repeat(body + rng.below(3)))),
                            2 => out.push_str(&format!(
                                "{}  more {}\n",
                                " ".repeat(body),
                                scalar(rng)
                            )),
                            _ => out.push_str(&format!("{}{}\n", " ".repeat(body), scalar(rng))),
                        }
                    }
                }
                _ if depth < 4 => {
                    out.push_str(rng.pick(&["", "", " # c", " "]));
                    out.push('\n');
                    // Nested below, sometimes at the key's own indentation.
                    let at = if !sequence && rng.below(4) == 0 {
                        indent
                    } else {
                        child
                    };
                    node(rng, at, depth + 1, out);
                }
                _ => out.push('\n'),
            }
        }
    }

    #[test]
    fn random_documents_agree_with_libyaml() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut accepted, total) = (0, 20_000);
        for _ in 0..total {
            let mut doc = String::new();
            if rng.below(6) == 0 {
                doc.push_str(rng.pick(&["---\n", "# c\n---\n", "--- # c\n", "--- x\n"]));
            }
            let indent = if rng.below(8) == 0 { 2 } else { 0 };
            node(&mut rng, indent, 0, &mut doc);
            if rng.below(4) == 0 {
                // A random slip: a character dropped, doubled or replaced.
                let at = rng.below(doc.len().max(1));
                if at < doc.len() && doc.is_char_boundary(at) && doc.is_char_boundary(at + 1) {
                    let replacement = rng.pick(&["", " ", "  ", ":", "-", "#", "\n", "'", "\""]);
                    doc.replace_range(at..at + 1, replacement);
                }
            }
            if rng.below(10) == 0 {
                doc.push_str(rng.pick(&["...\n", "x", "  trailing: 1", "\n\n"]));
            }
            if agrees(&doc) {
                accepted += 1;
            }
        }
        // The generator mostly writes the subset: the comparison must have had work.
        assert!(
            accepted > total / 5,
            "only {accepted} of {total} read directly"
        );
    }

    /// Every YAML file under `dir`, recursively.
    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(path);
            }
        }
    }

    /// The real files portolan meets: its own examples, built-ins and templates, and the
    /// public catalogs and GitOps repositories of `../shared/corpus` (skipped, with a
    /// note, when the corpus is absent; CI always has it).
    #[test]
    #[allow(clippy::print_stderr)] // a test says what it skipped and what it compared
    fn real_files_agree_with_libyaml() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let corpus = root.join("../shared/corpus");
        if !corpus.is_dir() {
            eprintln!("../shared/corpus is absent: only the repository's own files are compared");
        }
        let mut files = Vec::new();
        for dir in ["examples", "blueprints", "templates", "tests"] {
            yaml_files(&root.join(dir), &mut files);
        }
        yaml_files(&corpus, &mut files);
        let (mut documents, mut accepted) = (0, 0);
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            // Whole files too: the same documents, ranges and errors either way.
            let summary = |p: Parsed| {
                let documents: Vec<_> = p
                    .documents
                    .into_iter()
                    .map(|d| (d.value, d.range))
                    .collect();
                let errors: Vec<_> = p
                    .errors
                    .into_iter()
                    .map(|e| (e.offset, e.message, e.help))
                    .collect();
                (documents, errors)
            };
            assert_eq!(
                summary(parse_bytes(text.clone().into_bytes(), Format::Yaml)),
                summary(parse_bytes_by_libyaml(
                    text.clone().into_bytes(),
                    Format::Yaml
                )),
                "{}",
                file.display()
            );
            for range in crate::source::parse::split_yaml_documents(&text) {
                documents += 1;
                if agrees(&text[range]) {
                    accepted += 1;
                }
            }
        }
        eprintln!("{accepted} of {documents} documents read directly");
        assert!(accepted * 2 > documents, "{accepted} of {documents}");
    }
}
