//! Bounds on what a run may render, so that no template — `{{ 'x' * 5000000000 }}`,
//! nested `range(100000)` loops, a `for_each` over a hundred thousand items — hangs
//! portolan or takes the machine's memory (DESIGN.md §8).
//!
//! The bound is minijinja's fuel: a unit of work per instruction and per 64 bytes of
//! data a template creates, counted the same on every machine, so a template that
//! passes once passes everywhere. Each text (a file, a path, a `when:`) gets at most
//! [`FUEL_PER_TEXT`]; a run spends at most [`FUEL_PER_RUN`] over all its texts, plus
//! [`FUEL_PER_STEP`] for each step it runs (a step is more than its texts: a patch, a
//! file in the plan). The bytes rendered are bounded too, per text and per run.
//!
//! The built-in templates stay far below: the heaviest, `service` with an API and a
//! database, spends about 3,600 fuel (step charges included), under a thousandth of
//! [`FUEL_PER_RUN`]; `platform` (what `portolan init` writes) about 700. A test of the
//! plan keeps them under a hundredth.

use std::sync::atomic::{AtomicU64, Ordering};

/// Work one text may take: about a million instructions, or 64 MB of data it creates.
pub const FUEL_PER_TEXT: u64 = 1_000_000;
/// Work one run may take over all its texts (and [`FUEL_PER_STEP`] per step run: at
/// most 40,000 of them).
pub const FUEL_PER_RUN: u64 = 4_000_000;
/// What each step run costs besides its texts.
pub const FUEL_PER_STEP: u64 = 100;
/// The largest text one render may give.
pub const BYTES_PER_TEXT: u64 = 16 << 20;
/// All the text one run may render.
pub const BYTES_PER_RUN: u64 = 64 << 20;

/// What a run has spent so far.
#[derive(Debug, Default)]
pub struct Budget {
    fuel: AtomicU64,
    bytes: AtomicU64,
}

impl Budget {
    /// Count a rendered text (or an evaluated expression, with `bytes` 0); the error
    /// says which limit it passed.
    pub fn spend(&self, fuel: u64, bytes: u64) -> Result<(), String> {
        if bytes > BYTES_PER_TEXT {
            return Err(format!(
                "the text is {} MB, above portolan's limit of {} MB for one rendered text",
                bytes >> 20,
                BYTES_PER_TEXT >> 20
            ));
        }
        let spent = self.fuel.fetch_add(fuel, Ordering::Relaxed) + fuel;
        if spent > FUEL_PER_RUN {
            return Err(format!(
                "the run renders more than portolan's limit of {FUEL_PER_RUN} units of work (fuel) in all"
            ));
        }
        let rendered = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if rendered > BYTES_PER_RUN {
            return Err(format!(
                "the run renders more than portolan's limit of {} MB of text in all",
                BYTES_PER_RUN >> 20
            ));
        }
        Ok(())
    }

    /// The fuel spent so far.
    pub fn spent(&self) -> u64 {
        self.fuel.load(Ordering::Relaxed)
    }
}

/// The message for a text that ran out of its own fuel.
pub fn out_of_fuel() -> String {
    format!(
        "rendering stopped at portolan's limit of {FUEL_PER_TEXT} units of work (fuel) for one text: a loop that runs too long, or a string too large?"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_refuses_past_each_limit() {
        let budget = Budget::default();
        assert!(budget.spend(FUEL_PER_RUN - 1, 10).is_ok());
        assert!(budget.spend(2, 0).unwrap_err().contains("fuel"));
        let budget = Budget::default();
        assert!(budget
            .spend(0, BYTES_PER_TEXT + 1)
            .unwrap_err()
            .contains("one rendered text"));
        for _ in 0..4 {
            assert!(budget.spend(0, BYTES_PER_TEXT).is_ok());
        }
        assert!(budget.spend(0, 1).unwrap_err().contains("in all"));
    }
}
