//! What one evaluation of a jq filter may spend, so that no filter can crash, hang or
//! exhaust the machine.
//!
//! Filters come from the repository (calculation properties) and from the command line,
//! and jq can loop (`def f: f; f`), recurse (`def f: [f]; f`) and grow (`[range(1e8)]`,
//! `"x" * 1e12`) without end. A watchdog cannot stop a Rust thread, and a child process
//! per evaluation would cost more than the evaluation, so the evaluation stops itself:
//! jaq (vendored, `vendor/jaq-core`) asks a [`Budget`] before each piece of work through
//! its `Meter` trait, and once the budget says no, the evaluation ends at once with an
//! error no `try` can catch. Nothing runs on after that, which a long-running process
//! (an editor server) needs as much as a command does.
//!
//! Three limits:
//! - **work** ([`WORK`] units): a step is one unit (a filter applied, a value yielded by
//!   a path or a built-in), and a value built, copied, compared or read whole by a
//!   built-in costs its size (a unit per value and per byte of string). Time is about
//!   proportional to the units, and so is memory: what an evaluation keeps was charged
//!   for when it was built, and what a built-in makes at once (`explode`, `tojson`) is
//!   within a small multiple of the input it was charged for. A built-in given a long
//!   input and a long argument is charged their product, which is what searching one
//!   for the other can cost (`indices`, a regular expression).
//! - **native stack** ([`STACK`] bytes below where the evaluation started): measured,
//!   not counted, because a frame's size differs between filters and between debug and
//!   release builds.
//! - **nesting** of the values built ([`NESTING`] levels): dropping, printing and
//!   comparing a value recurse over its depth, on the same stack.

use jaq_core::ops::Math;
use jaq_json::Val;
use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

/// Units of work one evaluation may spend.
///
/// Measured (`cargo test --lib jq::tests::the_limits -- --nocapture`): the calculations
/// of the corpus's Port blueprints, those of the test fixtures and the `--where`
/// filters of `bench/query.sh` spend 22 to 687 units on a catalog entity, filters that
/// read all of it (`walk`, `paths`, `to_entries`) 1,100 to 3,200. The limit is hundreds
/// of times that. A filter that runs into it is stopped after about 0.13 s (`def f: f;
/// f`, release build), having held at most some 40 MB (`[range(1e8)]`).
pub const WORK: u64 = 2_000_000;

/// Bytes of native stack one evaluation may use below the frame that started it.
///
/// Evaluations run on rayon's workers (2 MiB of stack each) and on the main thread (8
/// MiB), and must stop at the same place on both; 1 MiB leaves room for the frames
/// above the evaluation and for the last steps before the check. It holds about 250
/// levels of recursion of a jq definition, or `walk` over a value nested 200 levels
/// deep, in a release build (a debug build's frames are about ten times larger).
pub const STACK: usize = 1 << 20;

/// How deep the values an evaluation builds may nest: twice what a catalog document
/// may (the loader refuses more than 128 levels).
pub const NESTING: usize = 256;

/// Which limit an evaluation ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Work,
    Stack,
    Nesting,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Limit::Work => write!(
                f,
                "it went beyond the {WORK} units of work one evaluation may spend (a unit per step and per value or byte it builds or reads); does it loop without end?"
            ),
            Limit::Stack => write!(
                f,
                "it recursed deeper than the {} KiB of stack one evaluation may use; does a definition call itself without end?",
                STACK >> 10
            ),
            Limit::Nesting => write!(f, "it built a value nested more than {NESTING} levels deep"),
        }
    }
}

/// The budget of one evaluation: made fresh for each, so nothing carries over from
/// one entity to the next.
pub struct Budget {
    work: Cell<u64>,
    /// The lowest stack address the evaluation may reach (the stack grows down on every
    /// platform portolan builds for).
    floor: usize,
    spent: Cell<Option<Limit>>,
}

impl Budget {
    /// A full budget, its stack measured from the caller's frame.
    pub fn new() -> Self {
        Budget {
            work: Cell::new(WORK),
            floor: stack_position().saturating_sub(STACK),
            spent: Cell::new(None),
        }
    }

    /// The limit the evaluation ran into, if it did.
    pub fn spent(&self) -> Option<Limit> {
        self.spent.get()
    }

    /// The units of work spent so far (all of them once stopped).
    pub fn used(&self) -> u64 {
        WORK - self.work.get()
    }

    /// Spend what `cost` says, given what is left (every cost is at least a unit, so
    /// nothing is allowed once the budget is stopped).
    fn spend(&self, cost: impl FnOnce(u64) -> Result<u64, Limit>) -> bool {
        let left = self.work.get();
        match cost(left) {
            Ok(units) if units <= left => {
                self.work.set(left - units);
                true
            }
            Ok(_) => self.stop(Limit::Work),
            Err(limit) => self.stop(limit),
        }
    }

    /// Refuse this and everything after; the first limit reached is the one reported.
    fn stop(&self, limit: Limit) -> bool {
        if self.spent.get().is_none() {
            self.spent.set(Some(limit));
        }
        self.work.set(0);
        false
    }
}

impl Default for Budget {
    fn default() -> Self {
        Self::new()
    }
}

impl jaq_core::Meter<Val> for Budget {
    fn step(&self) -> bool {
        let left = self.work.get();
        if left == 0 {
            return self.stop(Limit::Work);
        }
        if stack_position() < self.floor {
            return self.stop(Limit::Stack);
        }
        self.work.set(left - 1);
        true
    }

    fn value(&self, v: &Val) -> bool {
        self.spend(|most| weigh(v, most))
    }

    fn copy(&self, v: &Val) -> bool {
        self.spend(|_| Ok(copy_cost(v)))
    }

    fn math(&self, l: &Val, op: Math, r: &Val) -> bool {
        self.spend(|most| math_cost(l, op, r, most))
    }

    fn compare(&self, l: &Val, r: &Val) -> bool {
        // Comparing stops at the smaller value's end at the latest: weigh the one that
        // looks smaller first, and the other only as far (`. == null` costs one unit,
        // however large `.` is).
        let containers = |v: &Val| matches!(v, Val::Arr(_) | Val::Obj(_));
        if !(containers(l) && containers(r)) {
            return self.spend(|_| Ok(leaf(l).min(leaf(r))));
        }
        let (small, large) = if shallow(l) <= shallow(r) {
            (l, r)
        } else {
            (r, l)
        };
        self.spend(|most| {
            let first = weigh(small, most)?;
            Ok(first.min(weigh(large, first)?))
        })
    }

    fn native(&self, input: &Val, args: &mut dyn Iterator<Item = &Val>) -> bool {
        self.spend(|most| {
            let read = weigh(input, most)?;
            let mut given = 0u64;
            for arg in args {
                given = given.saturating_add(weigh(arg, most)?);
            }
            // Searching a long text for a long needle or pattern (`indices`, `test`)
            // takes time in proportion to both.
            let searched = if read > SEARCHED_FROM && given > SEARCHED_FROM {
                read.saturating_mul(given)
            } else {
                0
            };
            Ok(read.saturating_add(given).saturating_add(searched))
        })
    }
}

/// The size from which a built-in's input and arguments are charged their product as
/// well as their sum: below it, the product is within this multiple of the sum.
const SEARCHED_FROM: u64 = 64;

/// An address in the current stack frame.
fn stack_position() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The units of a value that holds no other: one, and one per byte of text.
fn leaf(v: &Val) -> u64 {
    match v {
        Val::Str(s) | Val::Num(s) => 1 + s.len() as u64,
        _ => 1,
    }
}

/// The units of `v`, counted until they pass `most` (then `most + 1` is as good as the
/// rest). Shared parts count each time they are reached: that is what printing or
/// comparing them costs. This recurses, at most [`NESTING`] levels (a few KiB).
fn weigh(v: &Val, most: u64) -> Result<u64, Limit> {
    let mut units = 0;
    add_weight(v, 0, most, &mut units)?;
    Ok(units)
}

/// Add the units of `v`, nested `depth` levels deep, to `units`, stopping once they
/// pass `most`.
fn add_weight(v: &Val, depth: usize, most: u64, units: &mut u64) -> Result<(), Limit> {
    match v {
        Val::Arr(_) | Val::Obj(_) if depth >= NESTING => return Err(Limit::Nesting),
        Val::Arr(items) => {
            *units += 1;
            for item in items.iter() {
                if *units > most {
                    break;
                }
                add_weight(item, depth + 1, most, units)?;
            }
        }
        Val::Obj(fields) => {
            *units += 1;
            for (key, value) in fields.iter() {
                if *units > most {
                    break;
                }
                *units += key.len() as u64;
                add_weight(value, depth + 1, most, units)?;
            }
        }
        other => *units += leaf(other),
    }
    Ok(())
}

/// The units of a value's own level: its bytes, items or fields.
fn shallow(v: &Val) -> u64 {
    match v {
        Val::Arr(items) => 1 + items.len() as u64,
        Val::Obj(fields) => 1 + fields.len() as u64,
        other => leaf(other),
    }
}

/// What changing `v` in place costs: its own level is copied first unless nothing else
/// holds it (what `Rc::make_mut` does).
fn copy_cost(v: &Val) -> u64 {
    let shared = match v {
        Val::Str(s) => Rc::strong_count(s) > 1,
        Val::Arr(items) => Rc::strong_count(items) > 1,
        Val::Obj(fields) => Rc::strong_count(fields) > 1,
        _ => false,
    };
    if shared {
        shallow(v)
    } else {
        1
    }
}

/// What `l op r` costs, as jaq-json computes it, reckoned before it is computed.
fn math_cost(l: &Val, op: Math, r: &Val, most: u64) -> Result<u64, Limit> {
    use Val::{Arr, Int, Num, Obj, Str};
    Ok(match (op, l, r) {
        // Appending copies the left side unless it is not shared, then the right side.
        (Math::Add, Str(_), Str(_)) | (Math::Add, Arr(_), Arr(_)) | (Math::Add, Obj(_), Obj(_)) => {
            copy_cost(l) + shallow(r)
        }
        // Repeating a string: refused before the bytes are asked for.
        (Math::Mul, Str(s), n) | (Math::Mul, n, Str(s)) => {
            let times = match n {
                Int(i) => u64::try_from(*i).unwrap_or(0),
                // A number as text becomes an integer only if it fits one.
                Num(text) => text.parse::<u64>().unwrap_or(0),
                _ => 0,
            };
            1 + (s.len() as u64).saturating_mul(times)
        }
        // A deep merge, and a difference that compares every item with every other.
        (Math::Mul, Obj(_), Obj(_)) | (Math::Sub, Arr(_), Arr(_)) => {
            let left = weigh(l, most)?;
            left.saturating_add(weigh(r, most)?)
        }
        // Splitting a string: the text, and up to one new string per byte of it.
        (Math::Div, Str(text), Str(separator)) => {
            1 + 2 * text.len() as u64 + separator.len() as u64
        }
        _ => 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jaq_core::Meter;

    fn json(value: serde_json::Value) -> Val {
        crate::jq::val(&value)
    }

    #[test]
    fn weights_count_values_and_bytes_and_refuse_deep_nesting() {
        assert_eq!(weigh(&json(serde_json::json!(1)), u64::MAX), Ok(1));
        assert_eq!(weigh(&json(serde_json::json!("abc")), u64::MAX), Ok(4));
        // [, 1, "ab" (3), {, key "k" (1) + 1]
        let v = json(serde_json::json!([1, "ab", {"k": 1}]));
        assert_eq!(weigh(&v, u64::MAX), Ok(1 + 1 + 3 + 1 + 1 + 1));
        // Counting stops soon after the most it may spend.
        assert!(weigh(&v, 2).unwrap() <= 5);
        let mut deep = Val::Null;
        for _ in 0..NESTING {
            deep = [deep].into_iter().collect();
        }
        assert!(weigh(&deep, u64::MAX).is_ok());
        let deeper: Val = [deep].into_iter().collect();
        assert_eq!(weigh(&deeper, u64::MAX), Err(Limit::Nesting));
    }

    #[test]
    fn a_copy_costs_only_when_the_value_is_shared() {
        let v = json(serde_json::json!([1, 2, 3]));
        assert_eq!(copy_cost(&v), 1);
        let shared = v.clone();
        assert_eq!(copy_cost(&v), 4);
        drop(shared);
        let s = json(serde_json::json!("abcdef"));
        let budget = Budget::new();
        assert!(budget.math(&s, Math::Add, &s.clone()));
        assert_eq!(budget.work.get(), WORK - 7 - 7);
    }

    #[test]
    fn a_long_search_for_a_long_needle_costs_their_product() {
        let text = json(serde_json::json!("a".repeat(2_000)));
        let needle = json(serde_json::json!("a".repeat(500)));
        let budget = Budget::new();
        assert!(budget.native(&text, &mut [&needle].into_iter()));
        assert_eq!(budget.used(), 2_001 + 501 + 2_001 * 501);
        let budget = Budget::new();
        let short = json(serde_json::json!("a"));
        assert!(budget.native(&text, &mut [&short].into_iter()));
        assert_eq!(budget.used(), 2_001 + 2);
    }

    #[test]
    fn repeating_a_string_is_refused_before_it_is_tried() {
        let budget = Budget::new();
        let s = json(serde_json::json!("x"));
        assert!(!budget.math(&s, Math::Mul, &Val::Int(isize::MAX)));
        assert_eq!(budget.spent(), Some(Limit::Work));
        // Once spent, always spent: nothing more is allowed.
        assert!(!budget.step());
        assert!(!budget.value(&Val::Null));
    }
}
