//! `portolan explain RULE`: what a rule means and how to fix it.

use super::{CommandError, Outcome};
use crate::catalog::identifier::closest;
use crate::cli::ExplainArgs;
use crate::output::Printer;
use crate::rules;
use std::fmt::Write;

pub fn run(args: ExplainArgs, printer: &Printer) -> Result<Outcome, CommandError> {
    if args.list {
        let mut text = String::new();
        for rule in rules::ALL {
            let _ = writeln!(
                text,
                "{:<24} {:<8} {}",
                rule.id,
                rule.severity.as_str(),
                rule.summary
            );
        }
        printer.result(&text)?;
        return Ok(Outcome::Success);
    }
    let id = args.rule.unwrap_or_default();
    let Some(rule) = rules::find(&id) else {
        let hint = closest(&id, rules::ALL.iter().map(|r| r.id))
            .map(|r| format!("did you mean `{r}`? `portolan explain --list` shows every rule"))
            .unwrap_or_else(|| "`portolan explain --list` shows every rule".into());
        return Err(CommandError::new(format!("there is no rule `{id}`")).hint(hint));
    };
    printer.result(&format!(
        "{} ({})\n\n{}\n\n{}\n",
        rule.id,
        rule.severity.as_str(),
        rule.summary,
        rule.docs
    ))?;
    Ok(Outcome::Success)
}
