//! Output: the only place that prints results.
//!
//! A [`Printer`] knows whether colour is wanted (`--color`, `NO_COLOR`, a terminal)
//! and writes results to stdout and status to stderr. Each format is one module that
//! turns findings into text.

pub mod changes;
pub mod github;
pub mod human;
pub mod json;
pub mod progress;
pub mod prompt;
pub mod sarif;
pub mod table;

use crate::cli::ColorChoice;
use std::io::{self, Write};

/// Counts that close a report.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub blueprints: usize,
    pub entities: usize,
    pub errors: usize,
    pub warnings: usize,
}

/// Where results and messages go, and whether they are coloured.
pub struct Printer {
    choice: anstream::ColorChoice,
}

impl Printer {
    pub fn new(color: ColorChoice) -> Self {
        let choice = match color {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        Printer { choice }
    }

    /// Whether results written to stdout will be coloured.
    pub fn stdout_colored(&self) -> bool {
        anstream::AutoStream::new(io::stdout(), self.choice).current_choice()
            != anstream::ColorChoice::Never
    }

    /// Whether messages written to stderr will be coloured.
    pub fn stderr_colored(&self) -> bool {
        anstream::AutoStream::new(io::stderr(), self.choice).current_choice()
            != anstream::ColorChoice::Never
    }

    /// Write a result to stdout (colour codes are stripped when colour is off).
    pub fn result(&self, text: &str) -> io::Result<()> {
        let mut out = anstream::AutoStream::new(io::stdout().lock(), self.choice);
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// Write a message (an error, a hint) to stderr.
    pub fn message(&self, text: &str) -> io::Result<()> {
        let mut err = anstream::AutoStream::new(io::stderr().lock(), self.choice);
        err.write_all(text.as_bytes())?;
        err.flush()
    }
}

/// A command that could not run, as the printer tells it: what the command line
/// hands over (the printer knows nothing of commands).
pub struct Failure<'a> {
    pub message: &'a str,
    pub hint: Option<&'a str>,
    /// Findings that explain the failure, with the files they point into.
    pub diagnostics: &'a [crate::diagnostic::Diagnostic],
    pub files: &'a [crate::source::SourceFile],
}

/// Report a command that could not run: its findings, then the error and its hint.
pub fn report_error(printer: &Printer, error: &Failure<'_>) {
    let colored = printer.stderr_colored();
    let mut text = String::new();
    if !error.diagnostics.is_empty() {
        text.push_str(&human::render_findings(
            error.diagnostics,
            error.files,
            colored,
        ));
    }
    let (red, bold, reset) = if colored {
        let red = anstyle::Style::new()
            .fg_color(Some(anstyle::AnsiColor::Red.into()))
            .bold();
        (
            red.render().to_string(),
            anstyle::Style::new().bold().render().to_string(),
            red.render_reset().to_string(),
        )
    } else {
        (String::new(), String::new(), String::new())
    };
    text.push_str(&format!("{red}error{reset}: {}\n", error.message));
    if let Some(hint) = error.hint {
        text.push_str(&format!("{bold}hint{reset}: {hint}\n"));
    }
    let _ = printer.message(&text);
}

/// Answer git's askpass prompt on stdout (git reads it; nothing else is printed).
pub fn askpass_reply(reply: &str) {
    let mut out = io::stdout().lock();
    let _ = writeln!(out, "{reply}");
    let _ = out.flush();
}
