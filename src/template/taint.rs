//! `writeOnly` inputs are secrets: nothing portolan writes or shows may depend on
//! their value (DESIGN.md §8, "secret values never written to Git").
//!
//! Searching the plan for the value finds it only when the template copies it as it
//! is; `| lower`, `| reverse`, a slice, a length or a `when:` carry it just as well.
//! So the run is planned again, twice for each secret, with the value replaced by a
//! canary — text derived from the input's name, never from the value, the two of
//! different lengths and with no character in common at any position. Everything the
//! plan holds (each file's path and content, the answers record, request files, the
//! pull request's title, body, labels, key and reviewers, a precondition's message,
//! an error) must come out the same each time; what changes depends on the value, and
//! the run is refused, naming the input and where it would have gone, never the value.
//! The input's *name* may go anywhere: a reference to the secrets manager (an
//! ExternalSecret key) is made from the name.

use super::inputs::Inputs;
use super::plan::{Plan, PlanError};
use crate::changeset::ChangeError;
use serde_json::Value;

/// Refuse `real` when planning with other values of a `writeOnly` input (`replan`)
/// gives anything different.
pub fn refuse_dependence(
    inputs: &Inputs,
    real: &Result<Plan, PlanError>,
    replan: impl Fn(&Inputs) -> Result<Plan, PlanError>,
) -> Result<(), PlanError> {
    for name in &inputs.write_only {
        let Some(value) = inputs.values.get(name).filter(|v| worth_hiding(v)) else {
            continue;
        };
        for which in [Canary::Short, Canary::Long] {
            let mut other = inputs.clone();
            other
                .values
                .insert(name.clone(), canary(value, name, which));
            if let Some(place) = difference(real, &replan(&other)) {
                return Err(PlanError::Change(ChangeError {
                    message: format!(
                        "the writeOnly input `{name}` would reach {place}: it changes with the input's value, so the value (or something made from it) would be written or shown"
                    ),
                    hint: "a secret's value never goes into Git, a pull request or a message: use the input's name (an ExternalSecret key, a path in the secrets manager) and let the secrets manager hold the value; nothing was written".into(),
                }));
            }
        }
    }
    Ok(())
}

/// An empty string or `null` holds nothing to leak (and a canary would differ from it
/// in what every template tests first: whether it is empty).
fn worth_hiding(value: &Value) -> bool {
    !matches!(value, Value::Null) && value.as_str() != Some("")
}

#[derive(Clone, Copy)]
enum Canary {
    Short,
    Long,
}

/// A value of the same shape as `value`, made from the input's name only.
fn canary(value: &Value, name: &str, which: Canary) -> Value {
    match value {
        Value::String(_) => Value::String(canary_text(name, which)),
        Value::Number(_) => match which {
            Canary::Short => Value::from(2_718_281_u64),
            Canary::Long => Value::from(31_415_926_535_u64),
        },
        Value::Bool(_) => Value::Bool(matches!(which, Canary::Short)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| canary(item, &format!("{name}/{i}"), which))
            .collect(),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), canary(v, &format!("{name}/{k}"), which)))
                .collect(),
        ),
        Value::Null => Value::Null,
    }
}

/// 24 characters of `0-9a-f`, or 37 of `g-v`: the two differ in length and at every
/// position, in upper case too.
fn canary_text(name: &str, which: Canary) -> String {
    let (alphabet, len) = match which {
        Canary::Short => (b"0123456789abcdef", 24),
        Canary::Long => (b"ghijklmnopqrstuv", 37),
    };
    // FNV-1a of the name seeds a xorshift: random-looking, the same on every run.
    let mut state = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(alphabet[(state % 16) as usize])
        })
        .collect()
}

/// Where two outcomes of a run differ, said without showing either; `None` when they
/// are the same.
fn difference(real: &Result<Plan, PlanError>, other: &Result<Plan, PlanError>) -> Option<String> {
    match (real, other) {
        (Ok(real), Ok(other)) => plan_difference(real, other),
        (Err(real), Err(other)) => {
            (format!("{real:?}") != format!("{other:?}")).then(|| match real {
                PlanError::Precondition(_) => "the message of a precondition".to_owned(),
                PlanError::Step { step, kind, .. } => {
                    format!("the error of step {step} (`{kind}`)")
                }
                PlanError::Inputs(_) => "a message about the inputs".to_owned(),
                PlanError::Change(_) => "the error of the change".to_owned(),
            })
        }
        (Err(failed), Ok(_)) | (Ok(_), Err(failed)) => Some(match failed {
            PlanError::Precondition(_) => "whether a precondition holds".to_owned(),
            PlanError::Step { step, kind, .. } => {
                format!("whether step {step} (`{kind}`) succeeds")
            }
            _ => "whether the run succeeds".to_owned(),
        }),
    }
}

fn plan_difference(real: &Plan, other: &Plan) -> Option<String> {
    let paths = |plan: &Plan| {
        plan.changes
            .iter()
            .map(|(p, _)| p.to_owned())
            .collect::<Vec<_>>()
    };
    if paths(real) != paths(other) {
        return Some("which files the run writes (a path, or a `when:`, made from it)".into());
    }
    if let Some((path, _)) = real
        .changes
        .iter()
        .find(|(path, change)| other.changes.get(path) != Some(change))
    {
        return Some(format!("`{path}`"));
    }
    if real.done != other.done {
        return Some("the message of a `done` precondition (or whether it holds)".into());
    }
    let (a, b) = (&real.pr, &other.pr);
    let fields = [
        ("title", a.title != b.title),
        ("body", a.body != b.body),
        ("key", a.key != b.key),
        ("labels", a.labels != b.labels),
        ("reviewers", a.reviewers != b.reviewers),
        ("draft", a.draft != b.draft),
    ];
    fields
        .iter()
        .find(|(_, differs)| *differs)
        .map(|(field, _)| format!("the pull request's `pr.{field}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canaries_differ_everywhere_and_say_nothing_of_the_value() {
        let short = canary_text("token", Canary::Short);
        let long = canary_text("token", Canary::Long);
        assert_ne!(short.len(), long.len());
        for (a, b) in short.chars().zip(long.chars()) {
            assert_ne!(a, b);
            assert_ne!(a.to_ascii_uppercase(), b.to_ascii_uppercase());
        }
        assert_eq!(short, canary_text("token", Canary::Short));
        assert_ne!(short, canary_text("password", Canary::Short));
        assert_eq!(
            canary(&serde_json::json!({"a": ["x", 1]}), "t", Canary::Long),
            serde_json::json!({"a": [canary_text("t/a/0", Canary::Long), 31_415_926_535_u64]})
        );
    }
}
