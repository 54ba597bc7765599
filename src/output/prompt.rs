//! Questions for missing template inputs, asked on a terminal only (inquire draws on
//! stderr, so stdout stays machine-readable).

use crate::template::inputs::{parse_answer, Prompter, Question, QuestionKind};
use serde_json::Value;
use std::io::IsTerminal;

/// Asks with inquire.
pub struct TerminalPrompter;

impl TerminalPrompter {
    /// A prompter when both ends are a terminal and this is not CI; `None` otherwise,
    /// so a hook or a pipeline never waits for an answer.
    pub fn when_interactive(no_input: bool) -> Option<TerminalPrompter> {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        (!no_input && !ci && interactive).then_some(TerminalPrompter)
    }
}

fn failed(e: inquire::InquireError) -> String {
    match e {
        inquire::InquireError::OperationCanceled | inquire::InquireError::OperationInterrupted => {
            "cancelled; nothing was written".to_owned()
        }
        other => format!("cannot ask for input: {other}"),
    }
}

impl Prompter for TerminalPrompter {
    fn ask(&self, q: &Question) -> Result<Option<Value>, String> {
        let help = q.help.as_deref();
        let default_text = q.default.as_ref().map(|d| match d {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        match &q.kind {
            QuestionKind::Confirm => {
                let mut prompt = inquire::Confirm::new(&q.message)
                    .with_default(q.default.as_ref().and_then(Value::as_bool).unwrap_or(false));
                if let Some(help) = help {
                    prompt = prompt.with_help_message(help);
                }
                prompt
                    .prompt()
                    .map(|b| Some(Value::Bool(b)))
                    .map_err(failed)
            }
            QuestionKind::Choose(options) if !options.is_empty() => {
                let start = default_text
                    .as_ref()
                    .and_then(|d| options.iter().position(|o| o == d))
                    .unwrap_or(0);
                let mut prompt =
                    inquire::Select::new(&q.message, options.clone()).with_starting_cursor(start);
                if let Some(help) = help {
                    prompt = prompt.with_help_message(help);
                }
                prompt
                    .prompt()
                    .map(|choice| Some(parse_answer(&choice, None)))
                    .map_err(failed)
            }
            QuestionKind::Choose(_) | QuestionKind::Text { .. } => {
                let schema_type = match &q.kind {
                    QuestionKind::Text { schema_type } => schema_type.as_deref(),
                    _ => None,
                };
                let answer = if q.secret {
                    let mut prompt = inquire::Password::new(&q.message).without_confirmation();
                    if let Some(help) = help {
                        prompt = prompt.with_help_message(help);
                    }
                    prompt.prompt().map_err(failed)?
                } else {
                    let mut prompt = inquire::Text::new(&q.message);
                    if let Some(default) = &default_text {
                        prompt = prompt.with_default(default);
                    }
                    if let Some(help) = help {
                        prompt = prompt.with_help_message(help);
                    }
                    prompt.prompt().map_err(failed)?
                };
                if answer.is_empty() && !q.required {
                    return Ok(None);
                }
                Ok(Some(parse_answer(&answer, schema_type)))
            }
        }
    }
}
