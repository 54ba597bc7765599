//! `--format human`: rustc-style snippets that point at the offending text.

use super::Summary;
use crate::catalog::SourceFile;
use crate::diagnostic::{Diagnostic, Place, Severity};
use crate::source::text::LineIndex;
use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Renderer, Snippet};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;
use std::ops::Range;

/// How many lines of a multi-line span are shown.
const MAX_LINES: usize = 4;

/// Render findings and a closing summary line.
pub fn render(
    diagnostics: &[Diagnostic],
    files: &[SourceFile],
    summary: Summary,
    colored: bool,
) -> String {
    let mut out = render_findings(diagnostics, files, colored);
    let _ = writeln!(out, "{}", summary_line(summary, colored));
    out
}

/// Render findings, each a snippet with its hint.
pub fn render_findings(diagnostics: &[Diagnostic], files: &[SourceFile], colored: bool) -> String {
    let renderer = if colored {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let by_path: HashMap<&str, &SourceFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    // Line indexes only of the files findings are in.
    let mut texts: HashMap<&str, (&str, LineIndex)> = HashMap::new();
    for d in diagnostics {
        for place in std::iter::once(&d.place).chain(d.related.iter().map(|r| &r.place)) {
            let Some(file) = place.file.as_deref().and_then(|p| by_path.get(p)) else {
                continue;
            };
            texts
                .entry(file.path.as_str())
                .or_insert_with(|| (file.text.as_str(), LineIndex::new(&file.text)));
        }
    }
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut fixes = Vec::new();
        let (first, fix) = snippet(&texts, &d.place, AnnotationKind::Primary, "");
        fixes.extend(fix);
        let mut group = level
            .primary_title(d.message.as_str())
            .id(d.rule.id)
            .element(first);
        for related in &d.related {
            let (more, fix) = snippet(
                &texts,
                &related.place,
                AnnotationKind::Context,
                &related.message,
            );
            fixes.extend(fix);
            group = group.element(more);
        }
        let mut report = vec![group];
        if let Some(help) = &d.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let _ = writeln!(out, "{}\n", relocate(renderer.render(&report), &fixes));
    }
    out
}

/// A snippet of the lines a place spans, or just its file name when it has no span.
/// Lines are found through the file's line index, and a line too long to show whole
/// (minified JSON) is shown around the span only: laying out a megabyte line for each
/// of thousands of findings on it took hours. annotate-snippets counts the column of
/// its `-->` location in the part it is given, so such a snippet comes with the
/// [`Relocation`] that puts the real column back.
fn snippet<'a>(
    files: &HashMap<&str, (&'a str, LineIndex<'a>)>,
    place: &'a Place,
    kind: AnnotationKind,
    label: &'a str,
) -> (Snippet<'a, Annotation<'a>>, Option<Relocation>) {
    let path = place.file.as_deref().unwrap_or("<unknown>");
    let (Some((text, lines)), Some(span), Some(position)) =
        (files.get(path), place.span.clone(), place.position)
    else {
        return (Snippet::source("").path(path).line_numbering(false), None);
    };
    let start = span.start.min(text.len());
    let line_start = lines.line_start(position.line).min(start);
    // Keep long spans (a whole mapping) to their first lines.
    let first_line_end = lines.line_end(position.line).max(start);
    let (source, start, end, relocation) = if first_line_end - line_start > MAX_LINE_BYTES {
        let end = span.end.clamp(start, first_line_end);
        let (source, start, end) = window(text, line_start..first_line_end, start..end);
        let at = |column: usize| format!("{path}:{}:{column}", position.line);
        let shown = source[..start].chars().count() + 1;
        let relocation = Relocation {
            shown: at(shown),
            real: at(position.column),
        };
        (source, start, end, Some(relocation))
    } else {
        // Keep long spans (a whole mapping) to their first lines, and to the lines
        // before one too long to show.
        let last_line = lines
            .line(span.end.max(start))
            .min(position.line + MAX_LINES - 1);
        let mut line_end = first_line_end;
        for line in position.line + 1..=last_line {
            if lines.line_end(line) - lines.line_start(line) > MAX_LINE_BYTES {
                break;
            }
            line_end = lines.line_end(line);
        }
        let end = span.end.clamp(start, line_end);
        let source = Cow::Borrowed(&text[line_start..line_end]);
        (source, start - line_start, end - line_start, None)
    };
    // An empty span (a missing key) still needs a caret.
    let end = if end == start {
        (start + source[start..].chars().next().map_or(0, char::len_utf8)).min(source.len())
    } else {
        end
    };
    let snippet = Snippet::source(source)
        .line_start(position.line)
        .path(path)
        .fold(false)
        .annotation(kind.span(start..end).label(label));
    (snippet, relocation)
}

/// The location annotate-snippets writes for a snippet cut from a long line, and the
/// one it stands for.
struct Relocation {
    shown: String,
    real: String,
}

/// `rendered` with each relocated location (in the order the snippets come) written
/// with its real column.
fn relocate(mut rendered: String, relocations: &[Relocation]) -> String {
    let mut from = 0;
    for r in relocations {
        if let Some(at) = rendered[from..].find(&r.shown).map(|i| from + i) {
            rendered.replace_range(at..at + r.shown.len(), &r.real);
            from = at + r.real.len();
        }
    }
    rendered
}

/// A line longer than this many bytes is shown around its span only (the first line
/// of a span), or not at all (a line after it).
const MAX_LINE_BYTES: usize = 512;

/// Bytes of a long line shown before the span, after it, and at most of the span:
/// what is shown fits annotate-snippets' width (140), which would cut it again.
const CONTEXT_BYTES: usize = 30;
const SPAN_BYTES: usize = 60;

/// Part of one long `line` of `text` around `span` (cut to that line and to
/// [`SPAN_BYTES`]), with `…` where the line goes on: the source to show and the span
/// within it.
fn window(text: &str, line: Range<usize>, span: Range<usize>) -> (Cow<'_, str>, usize, usize) {
    let floor = |mut at: usize| {
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let from = floor(span.start.saturating_sub(CONTEXT_BYTES).max(line.start));
    let end = floor(span.end.min(span.start + SPAN_BYTES).min(line.end)).max(span.start);
    let to = floor((end + CONTEXT_BYTES).min(line.end));
    let before = if from > line.start { "…" } else { "" };
    let after = if to < line.end { "…" } else { "" };
    let source = format!("{before}{}{after}", &text[from..to]);
    let shift = before.len();
    (
        Cow::Owned(source),
        span.start - from + shift,
        end - from + shift,
    )
}

fn summary_line(s: Summary, colored: bool) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let counts = format!(
        "{} read: {}, {}",
        plural(s.files, "file"),
        plural(s.entities, "entity").replace("entitys", "entities"),
        plural(s.blueprints, "blueprint")
    );
    let (style, head) = match (s.errors, s.warnings) {
        (0, 0) => (anstyle::AnsiColor::Green, "valid".to_owned()),
        (0, w) => (
            anstyle::AnsiColor::Yellow,
            format!("valid with {}", plural(w, "warning")),
        ),
        (e, w) => (
            anstyle::AnsiColor::Red,
            format!("{} and {}", plural(e, "error"), plural(w, "warning")),
        ),
    };
    if colored {
        let style = anstyle::Style::new().fg_color(Some(style.into())).bold();
        format!("{style}{head}{style:#} ({counts})")
    } else {
        format!("{head} ({counts})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::positions;
    use crate::source::parse::Format;

    /// The snippet of one finding at `offset`..`end` of a file holding `text`.
    fn rendered(text: &str, offset: usize, end: usize) -> String {
        let file = SourceFile {
            path: "catalog/x.yaml".into(),
            format: Format::Yaml,
            text: text.into(),
            documents: std::iter::once(0..text.len()).collect(),
        };
        let mut d = Diagnostic::new(
            &crate::rules::ENTITY_INVALID,
            Place::offset(&file.path, offset),
            "m",
        );
        let files = [file];
        positions::resolve(&files, std::slice::from_mut(&mut d));
        d.place.span = Some(offset..end);
        render_findings(&[d], &files, false)
    }

    #[test]
    fn a_span_over_lines_stops_before_a_line_too_long_to_show() {
        let long = "x".repeat(2 * MAX_LINE_BYTES);
        let text = format!("a:\n  b: 1\n  c: {long}\n  d: 2\n");
        let out = rendered(&text, 0, text.len() - 1);
        assert!(out.contains("1 | / a:\n2 | |   b: 1\n"), "{out}");
        assert!(!out.contains("xxx") && !out.contains("d: 2"), "{out}");
    }

    #[test]
    fn a_long_first_line_is_shown_around_the_span_under_its_real_column() {
        let text = format!("a: [{}target, more]\n", "y, ".repeat(400));
        let at = text.find("target").unwrap_or_default();
        let out = rendered(&text, at, at + "target".len());
        assert!(
            out.contains(&format!("--> catalog/x.yaml:1:{}", at + 1)),
            "{out}"
        );
        assert!(
            out.contains("1 | …y, y, ") && out.contains("y, target, more]\n"),
            "{out}"
        );
        assert!(out.lines().all(|l| l.chars().count() < 120), "{out}");
    }
}
