//! Findings as data: what is wrong, where, and what to do about it.
//!
//! A check never prints. It returns [`Diagnostic`]s that name a rule, a file and an
//! anchor in it (a byte offset, or a JSON pointer into one document); positions are
//! resolved afterwards, once per file and only for files that have a finding, and the
//! output formats render the same data.

use crate::rules::Rule;
use crate::source::spans::Target;
use crate::source::text::Position;
use std::ops::Range;

pub use crate::rules::Severity;

/// Where in a file a finding is, before positions are computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// A byte offset into the file text.
    Offset(usize),
    /// A JSON pointer into one document of the file.
    Pointer {
        document: usize,
        pointer: String,
        target: Target,
    },
}

/// A place in a file: the anchor checks give, the position output shows.
#[derive(Clone, Debug, Default)]
pub struct Place {
    pub file: Option<String>,
    pub anchor: Option<Anchor>,
    /// Filled by position resolution.
    pub span: Option<Range<usize>>,
    pub position: Option<Position>,
}

impl Place {
    pub fn file(file: &str) -> Self {
        Place {
            file: Some(file.to_owned()),
            ..Place::default()
        }
    }

    pub fn offset(file: &str, offset: usize) -> Self {
        Place {
            anchor: Some(Anchor::Offset(offset)),
            ..Place::file(file)
        }
    }

    pub fn pointer(
        file: &str,
        document: usize,
        pointer: impl Into<String>,
        target: Target,
    ) -> Self {
        Place {
            anchor: Some(Anchor::Pointer {
                document,
                pointer: pointer.into(),
                target,
            }),
            ..Place::file(file)
        }
    }
}

/// Another place that belongs to a finding (the first of two duplicates, a cycle).
#[derive(Clone, Debug)]
pub struct Related {
    pub place: Place,
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub place: Place,
    pub blueprint: Option<String>,
    pub entity: Option<String>,
    pub message: String,
    pub help: Option<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A finding of `rule` at `place`, with the rule's severity.
    pub fn new(rule: &'static Rule, place: Place, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: rule.severity,
            place,
            blueprint: None,
            entity: None,
            message: message.into(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn blueprint(mut self, blueprint: impl Into<String>) -> Self {
        self.blueprint = Some(blueprint.into());
        self
    }

    pub fn entity(mut self, entity: impl Into<String>) -> Self {
        self.entity = Some(entity.into());
        self
    }

    pub fn related(mut self, place: Place, message: impl Into<String>) -> Self {
        self.related.push(Related {
            place,
            message: message.into(),
        });
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The JSON pointer this finding names, if any.
    pub fn pointer(&self) -> Option<&str> {
        match &self.place.anchor {
            Some(Anchor::Pointer { pointer, .. }) => Some(pointer),
            _ => None,
        }
    }

    /// The order of DESIGN.md §5: file, line, column, rule (then message, for ties).
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.place.file.as_deref(),
            self.place.position.map(|p| (p.line, p.column)),
            self.rule.id,
            &self.message,
        )
    }
}

/// The `parse-error` findings of a parsed file.
pub fn parse_findings(path: &str, parsed: &crate::source::parse::Parsed) -> Vec<Diagnostic> {
    parsed
        .errors
        .iter()
        .map(|e| {
            Diagnostic::new(
                &crate::rules::PARSE_ERROR,
                Place::offset(path, e.offset),
                e.message.clone(),
            )
            .maybe_help(e.help.clone())
        })
        .collect()
}

/// Sort findings into their one stable order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Counts of findings by severity.
pub fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}
