//! The template's own text, told apart from values.
//!
//! Where what `{{ }}` prints is escaped (a request's `run:`, a pull request's title
//! and body), a string the template spells itself is markup like the text around
//! the tags: `{{ ' --reset' if inputs.reset }}` adds a flag, it is not a value to
//! quote. [`mark`] wraps every string literal inside `{{ }}` and `{% %}` tags as
//! `('…'|__literal)`, a filter that marks it safe; values stay unmarked, and the
//! escaping formatter writes what is safe as it is and escapes everything else.
//! Minijinja keeps the mark through what cannot mix in a value (`~` of two marked
//! strings, `if`/`else` between them, slices of one) and drops it otherwise.

/// The filter [`mark`] wraps literals with.
pub const FILTER: &str = "__literal";

/// The length of a `{% name %}` tag (with any whitespace control) at the start of
/// `text`.
fn block_tag(text: &str, name: &str) -> Option<usize> {
    let inner = text.strip_prefix("{%")?;
    let inner = inner.strip_prefix(['-', '+']).unwrap_or(inner);
    let inner = inner.trim_start().strip_prefix(name)?;
    let inner = inner.trim_start();
    let inner = inner.strip_prefix(['-', '+']).unwrap_or(inner);
    let rest = inner.strip_prefix("%}")?;
    Some(text.len() - rest.len())
}

/// The length of a `{% raw %}…{% endraw %}` block at the start of `text` (to its end
/// when never closed).
fn raw_block(text: &str) -> Option<usize> {
    let start = block_tag(text, "raw")?;
    let mut at = start;
    while let Some(found) = text[at..].find("{%") {
        let tag = at + found;
        if let Some(len) = block_tag(&text[tag..], "endraw") {
            return Some(tag + len);
        }
        at = tag + 2;
    }
    Some(text.len())
}

/// `source` with every string literal in its tags wrapped as `('…'|__literal)`.
/// Text outside tags, comments and `{% raw %}` blocks are left as they are.
pub fn mark(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + 32);
    let mut rest = source;
    while let Some(start) = tag_start(rest) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        if rest.starts_with("{#") {
            let end = rest.find("#}").map_or(rest.len(), |i| i + 2);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        if let Some(end) = raw_block(rest) {
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let close = if rest.starts_with("{{") { "}}" } else { "%}" };
        out.push_str(&rest[..2]);
        rest = &rest[2..];
        rest = mark_tag(rest, close, &mut out);
    }
    out.push_str(rest);
    out
}

/// Where the next `{{`, `{%` or `{#` starts.
fn tag_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .find(|&i| bytes[i] == b'{' && matches!(bytes[i + 1], b'{' | b'%' | b'#'))
}

/// Copy the inside of a tag up to and including `close`, wrapping its string literals;
/// returns what follows.
fn mark_tag<'a>(mut rest: &'a str, close: &str, out: &mut String) -> &'a str {
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix(close) {
            out.push_str(close);
            return after;
        }
        if c == '\'' || c == '"' {
            match literal_len(rest, c) {
                Some(len) => {
                    out.push('(');
                    out.push_str(&rest[..len]);
                    out.push('|');
                    out.push_str(FILTER);
                    out.push(')');
                    rest = &rest[len..];
                }
                // Never closed: minijinja reports the syntax error on the text as written.
                None => {
                    out.push_str(rest);
                    return "";
                }
            }
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    rest
}

/// The length of the string literal at the start of `text`, quotes included.
fn literal_len(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == quote {
            return Some(i + c.len_utf8());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_in_tags_are_marked_and_nothing_else() {
        assert_eq!(
            mark("sh x.sh {{ ' --reset' if inputs.reset }} 'text' {# 'c' #}"),
            "sh x.sh {{ (' --reset'|__literal) if inputs.reset }} 'text' {# 'c' #}"
        );
        assert_eq!(
            mark("{%- set a = \"}}\" ~ 'it\\'s' -%}{{ a }}"),
            "{%- set a = (\"}}\"|__literal) ~ ('it\\'s'|__literal) -%}{{ a }}"
        );
        assert_eq!(
            mark("{% raw %}{{ 'x' }}{% endraw %}{{ 'y' }}"),
            "{% raw %}{{ 'x' }}{% endraw %}{{ ('y'|__literal) }}"
        );
        assert_eq!(
            mark("{%- raw -%}'a'{%- endraw %}{{ 'b' }}"),
            "{%- raw -%}'a'{%- endraw %}{{ ('b'|__literal) }}"
        );
        assert_eq!(mark("{% rawx %}"), "{% rawx %}");
        assert_eq!(mark("{{ 'open }}"), "{{ 'open }}");
        assert_eq!(mark("no tags { here }"), "no tags { here }");
    }
}
