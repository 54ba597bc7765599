//! Identifier and key rules, as Port defines them (DESIGN.md §3).
//!
//! Port's identifier pattern is `^(?!\.{1,2}$)[\p{L}0-9@_.+:\\/-]+$`. The look-ahead
//! is checked in code (the `regex` crate has none) and the message names the first
//! offending character, which a pattern mismatch alone would not.

/// Longest blueprint identifier Port accepts.
pub const MAX_BLUEPRINT_ID: usize = 100;
/// Longest entity identifier Port accepts.
pub const MAX_ENTITY_ID: usize = 1000;

/// Which identifier rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Blueprint identifiers: Port's characters without `/`, which separates blueprint
    /// and id in references.
    Blueprint,
    /// Entity identifiers: Port's characters plus `=`.
    Entity,
}

fn allowed(kind: Kind, c: char) -> bool {
    c.is_alphabetic()
        || c.is_ascii_digit()
        || matches!(c, '@' | '_' | '.' | '+' | ':' | '\\' | '-')
        || (kind == Kind::Entity && matches!(c, '/' | '='))
}

/// Why an identifier is refused, or `None` when it is fine.
pub fn problem(kind: Kind, id: &str) -> Option<String> {
    let max = match kind {
        Kind::Blueprint => MAX_BLUEPRINT_ID,
        Kind::Entity => MAX_ENTITY_ID,
    };
    if id.is_empty() {
        return Some("the identifier is empty".into());
    }
    if id == "." || id == ".." {
        return Some(format!("`{id}` is not an identifier"));
    }
    let length = id.chars().count();
    if length > max {
        return Some(format!(
            "the identifier is {length} characters long; the limit is {max}"
        ));
    }
    id.chars().find(|c| !allowed(kind, *c)).map(|c| {
        let shown = if c.is_whitespace() || c.is_control() {
            format!("U+{:04X}", c as u32)
        } else {
            format!("`{c}`")
        };
        format!("the identifier `{id}` has the character {shown}, which is not allowed")
    })
}

/// The hint that goes with an identifier problem.
pub fn help(kind: Kind) -> &'static str {
    match kind {
        Kind::Blueprint => "use letters, digits and `@ _ . + : \\ -` (at most 100 characters)",
        Kind::Entity => "use letters, digits and `@ _ . + : \\ / - =` (at most 1000 characters); replace spaces with `-`",
    }
}

/// Whether a property, relation or derived-property key is valid: `^[A-Za-z0-9@_=\-]+$`.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '_' | '=' | '-'))
}

/// The closest of `candidates` to `word`, when one is close enough to be a likely typo:
/// equal ignoring case, or within an edit distance of a third of the word's length
/// (at most 3).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w_len = word.chars().count();
    let limit = (w_len / 3).clamp(1, 3);
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        // Byte length bounds character length from above; a cheap first filter.
        if candidate.len() + limit < w_len {
            continue;
        }
        let c_len = if candidate.is_ascii() {
            candidate.len()
        } else {
            candidate.chars().count()
        };
        if c_len.abs_diff(w_len) > limit {
            continue;
        }
        let same_ignoring_case = if candidate.is_ascii() && word.is_ascii() {
            candidate.eq_ignore_ascii_case(word)
        } else {
            candidate.to_lowercase() == lower
        };
        let distance = if same_ignoring_case {
            0
        } else {
            match bounded_distance(word, candidate, limit) {
                Some(d) => d,
                None => continue,
            }
        };
        if best.is_none_or(|(d, b)| distance < d || (distance == d && candidate < b)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Edit distance (insertions, deletions, substitutions and swaps of two neighbours,
/// so `tpye` is one edit from `type`) when it is at most `limit`; `None` otherwise.
/// ASCII words are compared as bytes without allocating, since a "did you mean" over a
/// big catalog compares one word against thousands of identifiers.
fn bounded_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        osa(a.as_bytes(), b.as_bytes(), limit)
    } else {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        osa(&a, &b, limit)
    }
}

/// Optimal-string-alignment distance with early exit once two consecutive rows exceed
/// the limit. The three rows live on the stack for words shorter than 64.
fn osa<T: PartialEq>(a: &[T], b: &[T], limit: usize) -> Option<usize> {
    let width = b.len() + 1;
    let mut stack = [0usize; 3 * 64];
    let mut heap = Vec::new();
    let cells: &mut [usize] = if 3 * width <= stack.len() {
        &mut stack[..3 * width]
    } else {
        heap.resize(3 * width, 0);
        &mut heap
    };
    // Rows rotate through the three thirds: `before` (i-2), `previous` (i-1), `current`.
    let (mut before, mut previous, mut current) = (0, width, 2 * width);
    for (j, cell) in cells[previous..previous + width].iter_mut().enumerate() {
        *cell = j;
    }
    let mut previous_min = 0;
    for i in 0..a.len() {
        cells[current] = i + 1;
        let mut row_min = i + 1;
        for j in 0..b.len() {
            let cost = usize::from(a[i] != b[j]);
            let mut d = (cells[previous + j] + cost)
                .min(cells[previous + j + 1] + 1)
                .min(cells[current + j] + 1);
            if i > 0 && j > 0 && a[i] == b[j - 1] && a[i - 1] == b[j] {
                d = d.min(cells[before + j - 1] + 1);
            }
            cells[current + j + 1] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit && previous_min > limit {
            return None;
        }
        previous_min = row_min;
        (before, previous, current) = (previous, current, before);
    }
    let d = cells[previous + b.len()];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(problem(Kind::Entity, "cart-sql-sb").is_none());
        assert!(problem(Kind::Entity, "a/b=c").is_none());
        assert!(problem(Kind::Blueprint, "a/b").is_some());
        assert!(problem(Kind::Entity, "..").is_some());
        assert!(problem(Kind::Entity, "has space")
            .unwrap()
            .contains("U+0020"));
        assert!(problem(Kind::Entity, "Überdienst").is_none());
        assert!(problem(Kind::Blueprint, &"x".repeat(101)).is_some());
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(
            closest("cart-sql-db", ["cart-sql-sb", "orders"]),
            Some("cart-sql-sb")
        );
        assert_eq!(closest("Compnent", ["Component", "API"]), Some("Component"));
        assert_eq!(closest("xyz", ["Component"]), None);
        assert_eq!(closest("cart", ["Cart"]), Some("Cart"));
        assert_eq!(closest("tpye", ["type", "title"]), Some("type"));
        assert_eq!(closest("titel", ["type", "title"]), Some("title"));
        let long = "a".repeat(80);
        let near = format!("{}b", "a".repeat(79));
        assert_eq!(closest(&long, [near.as_str()]), Some(near.as_str()));
        assert_eq!(closest("Überdinst", ["Überdienst"]), Some("Überdienst"));
        assert_eq!(bounded_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(bounded_distance("kitten", "sitting", 2), None);
    }
}
