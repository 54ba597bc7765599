//! `--format human`: rustc-style snippets that point at the offending text.

use super::Summary;
use crate::catalog::SourceFile;
use crate::diagnostic::{Diagnostic, Place, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::collections::HashMap;
use std::fmt::Write;

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
    let texts: HashMap<&str, &str> = files
        .iter()
        .map(|f| (f.path.as_str(), f.text.as_str()))
        .collect();
    let mut out = String::new();
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let mut group = level
            .primary_title(d.message.as_str())
            .id(d.rule.id)
            .element(snippet(&texts, &d.place, AnnotationKind::Primary, ""));
        for related in &d.related {
            group = group.element(snippet(
                &texts,
                &related.place,
                AnnotationKind::Context,
                &related.message,
            ));
        }
        let mut report = vec![group];
        if let Some(help) = &d.help {
            report.push(Group::with_title(
                Level::HELP.secondary_title(help.as_str()),
            ));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&report));
    }
    out
}

/// A snippet of the lines a place spans, or just its file name when it has no span.
fn snippet<'a>(
    texts: &HashMap<&str, &'a str>,
    place: &'a Place,
    kind: AnnotationKind,
    label: &'a str,
) -> Snippet<'a, annotate_snippets::Annotation<'a>> {
    let path = place.file.as_deref().unwrap_or("<unknown>");
    let (Some(text), Some(span), Some(position)) =
        (texts.get(path), place.span.clone(), place.position)
    else {
        return Snippet::source("").path(path).line_numbering(false);
    };
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut end = span.end.max(span.start).min(text.len());
    let mut line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    // Keep long spans (a whole mapping) to their first lines.
    if let Some((cut, _)) = text[line_start..line_end]
        .match_indices('\n')
        .nth(MAX_LINES - 1)
    {
        line_end = line_start + cut;
        end = end.min(line_end);
    }
    let source = &text[line_start..line_end];
    let start = span.start - line_start;
    let end = (end - line_start).max(start);
    // An empty span (a missing key) still needs a caret.
    let end = if end == start {
        (start + source[start..].chars().next().map_or(0, char::len_utf8)).min(source.len())
    } else {
        end
    };
    Snippet::source(source)
        .line_start(position.line)
        .path(path)
        .fold(false)
        .annotation(kind.span(start..end).label(label))
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
