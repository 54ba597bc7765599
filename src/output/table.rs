//! Cells and aligned columns for human output, capped in width.
//!
//! Everything in a cell comes from the repository, so one hostile value — a
//! 1000-character identifier, a megabyte title — must not pad every row of a table to
//! its width or flood a terminal. Every cell of human output goes through [`clip`]:
//! at most [`MAX_CELL_WIDTH`] columns, cut with `…`. The cap is fixed rather than
//! fitted to the terminal, so that the output is the same on a terminal, in a pipe and
//! in a test; 80 columns is one classic terminal line, wider than any ordinary
//! identifier, title or path, so only the unusual is cut. Machine formats (json, yaml,
//! ids) never come here and are never cut.
//!
//! Widths are display columns (`unicode-width`): a CJK character takes two, a
//! combining mark none. Control characters are shown escaped (`\n`, `\u{1b}`), so a
//! value cannot break a row in two or send escape sequences to the terminal.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The widest a cell of human output is, in display columns.
pub const MAX_CELL_WIDTH: usize = 80;

/// Which end of a cell that is too wide is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The start: `Component/a-very-long-na…`.
    Start,
    /// The end, for paths, whose file name and line matter most: `…/long-name.yaml:3`.
    End,
}

/// `cell` as human output shows it: control characters escaped, and at most
/// [`MAX_CELL_WIDTH`] columns wide, cut with `…` at the end `keep` does not keep.
pub fn clip(cell: &str, keep: Keep) -> Cow<'_, str> {
    clip_to(cell, keep, MAX_CELL_WIDTH)
}

fn clip_to(cell: &str, keep: Keep, max: usize) -> Cow<'_, str> {
    let cell = escape_controls(cell);
    if width(&cell) <= max {
        return cell;
    }
    // Room for the `…`, which is one column wide.
    let room = max.saturating_sub(1);
    let mut used = 0;
    let fits = |c: &char| {
        used += c.width().unwrap_or(0);
        used <= room
    };
    let clipped = match keep {
        Keep::Start => {
            let mut kept: String = cell.chars().take_while(fits).collect();
            kept.push('…');
            kept
        }
        Keep::End => {
            let mut kept: Vec<char> = cell.chars().rev().take_while(fits).collect();
            kept.push('…');
            kept.into_iter().rev().collect()
        }
    };
    Cow::Owned(clipped)
}

/// `cell` followed by blanks up to `columns` display columns (none when it is wider).
pub fn pad(cell: &str, columns: usize) -> String {
    format!("{cell}{}", " ".repeat(columns.saturating_sub(width(cell))))
}

/// The display width of a cell.
pub fn width(cell: &str) -> usize {
    cell.width()
}

fn escape_controls(cell: &str) -> Cow<'_, str> {
    if !cell.chars().any(char::is_control) {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(
        cell.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A table: a header row and rows of cells, each column cut as its [`Keep`] says and
/// padded to the widest (clipped) cell of its column. The last column is not padded,
/// and rows end without trailing blanks.
pub struct Table<'a> {
    columns: Vec<(&'a str, Keep)>,
    rows: Vec<Vec<String>>,
}

impl<'a> Table<'a> {
    /// A table with these column headers.
    pub fn new(columns: &[(&'a str, Keep)]) -> Self {
        Table {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Add a row (missing cells are empty, extra ones are dropped).
    pub fn row(&mut self, cells: impl IntoIterator<Item = String>) {
        let mut row: Vec<String> = cells
            .into_iter()
            .take(self.columns.len())
            .zip(&self.columns)
            .map(|(cell, (_, keep))| clip(&cell, *keep).into_owned())
            .collect();
        row.resize(self.columns.len(), String::new());
        self.rows.push(row);
    }

    /// The table as text, one line per row, the header in bold when `colored`.
    pub fn render(&self, colored: bool) -> String {
        let headers: Vec<String> = self.columns.iter().map(|(h, _)| (*h).to_owned()).collect();
        let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(cell));
            }
        }
        let line = |cells: &[String]| {
            let mut l = String::new();
            for (i, cell) in cells.iter().enumerate() {
                l.push_str(cell);
                if i + 1 < cells.len() {
                    l.push_str(&" ".repeat(widths[i] - width(cell) + 2));
                }
            }
            l.trim_end().to_owned()
        };
        let mut out = String::new();
        let header = line(&headers);
        if colored {
            let style = anstyle::Style::new().bold();
            out.push_str(&format!(
                "{}{header}{}\n",
                style.render(),
                style.render_reset()
            ));
        } else {
            out.push_str(&header);
            out.push('\n');
        }
        for row in &self.rows {
            out.push_str(&line(row));
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_cells_are_kept_whole() {
        assert_eq!(
            clip("Component/CartService", Keep::Start),
            "Component/CartService"
        );
        assert!(matches!(clip("x", Keep::End), Cow::Borrowed(_)));
    }

    #[test]
    fn long_cells_are_cut_to_the_cap_with_an_ellipsis() {
        let long = "a".repeat(1000);
        let start = clip(&long, Keep::Start);
        assert_eq!(start.chars().count(), MAX_CELL_WIDTH);
        assert!(start.ends_with('…') && start.starts_with("aaa"));
        let path = format!("catalog/{long}.yaml:3");
        let end = clip(&path, Keep::End);
        assert_eq!(end.chars().count(), MAX_CELL_WIDTH);
        assert!(end.starts_with('…') && end.ends_with("aaa.yaml:3"));
        // Exactly at the cap: not cut.
        assert_eq!(
            clip(&long[..MAX_CELL_WIDTH], Keep::Start),
            &long[..MAX_CELL_WIDTH]
        );
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let wide = "漢".repeat(100);
        let cut = clip(&wide, Keep::Start);
        assert!(width(&cut) <= MAX_CELL_WIDTH);
        // 39 characters of two columns and the ellipsis.
        assert_eq!(cut.chars().count(), 40);
        assert_eq!(clip_to("漢字漢字", Keep::Start, 4), "漢…");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(clip("a\nb\u{1b}[31m", Keep::Start), "a\\nb\\u{1b}[31m");
    }

    #[test]
    fn tables_align_on_display_width() {
        let mut table = Table::new(&[("NAME", Keep::Start), ("FILE", Keep::End)]);
        table.row(["漢字".to_owned(), "a.yaml".to_owned()]);
        table.row(["x".to_owned(), "b.yaml".to_owned()]);
        assert_eq!(
            table.render(false),
            "NAME  FILE\n漢字  a.yaml\nx     b.yaml\n"
        );
    }
}
