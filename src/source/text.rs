//! Byte offsets to 1-based line and column numbers.
//!
//! Positions are computed only for files that have a diagnostic, so this index is
//! built lazily and never on the hot path of a clean catalog. Columns count Unicode
//! characters (DESIGN.md §5), not bytes, so that an editor jumps to the right place.

/// Line starts of one text, for turning byte offsets into positions.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

/// A 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The position of a byte offset (clamped to the text, snapped to a character).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.snap(offset);
        let line = self.line_of(offset);
        Position {
            line: line + 1,
            column: self.text[self.starts[line]..offset].chars().count() + 1,
        }
    }

    /// The positions of many offsets, in their order, as [`position`](Self::position)
    /// gives them: one pass over the text in offset order, so thousands of offsets on
    /// one long line (minified JSON) do not each count that line from its start.
    pub fn positions(&self, offsets: &[usize]) -> Vec<Position> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut positions = vec![Position { line: 1, column: 1 }; offsets.len()];
        let mut previous: Option<(usize, Position)> = None;
        for i in order {
            let offset = self.snap(offsets[i]);
            let line = self.line_of(offset);
            let position = match previous {
                Some((at, p)) if p.line == line + 1 => Position {
                    line: p.line,
                    column: p.column + self.text[at..offset].chars().count(),
                },
                _ => Position {
                    line: line + 1,
                    column: self.text[self.starts[line]..offset].chars().count() + 1,
                },
            };
            previous = Some((offset, position));
            positions[i] = position;
        }
        positions
    }

    /// The 1-based line of a byte offset (clamped to the text).
    pub fn line(&self, offset: usize) -> usize {
        self.line_of(self.snap(offset)) + 1
    }

    /// The byte offset where a 1-based line ends: at its `\n`, or the end of the text.
    pub fn line_end(&self, line: usize) -> usize {
        self.starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1)
            .min(self.text.len())
    }

    /// An offset clamped to the text and moved back to the start of its character.
    fn snap(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The 0-based line of a (snapped) offset.
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte offset of a 1-based line and a 1-based byte column.
    pub fn offset_of_byte_column(&self, line: usize, byte_column: usize) -> usize {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        (start + byte_column.saturating_sub(1)).min(self.text.len())
    }

    /// The byte offset where a 1-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.offset_of_byte_column(line, 1)
    }

    /// The byte offset of a 1-based line and 1-based character column.
    pub fn offset_of_char_column(&self, line: usize, column: usize) -> usize {
        let start = self.line_start(line);
        let rest = &self.text[start..];
        let line_end = rest.find('\n').map_or(self.text.len(), |i| start + i);
        self.text[start..line_end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_end, |(i, _)| start + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "a: 1\nb: “x”\n";
        let index = LineIndex::new(text);
        let off = text.find('x').unwrap();
        assert_eq!(index.position(off), Position { line: 2, column: 5 });
        assert_eq!(index.offset_of_char_column(2, 5), off);
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
    }

    #[test]
    fn many_positions_agree_with_one_at_a_time() {
        let text = "{\"a\": [\"é\", \"“x”\", 3]}\nb: ü\n\nc: [1, 2]\n";
        // Every offset, in an order that is not sorted, with repeats and one past the end.
        let mut offsets: Vec<usize> = (0..=text.len() + 1).rev().collect();
        offsets.extend([3, 0, 17, 3]);
        let index = LineIndex::new(text);
        let each: Vec<Position> = offsets.iter().map(|&o| index.position(o)).collect();
        assert_eq!(index.positions(&offsets), each);
    }
}
