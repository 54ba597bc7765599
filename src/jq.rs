//! jq filters in the jaq dialect: compiled once, run over entity JSON.
//!
//! Calculation properties (DESIGN.md §3) and `list --where` are jq. Compiling is the
//! expensive part, so a filter is compiled once per blueprint or command and then run
//! over every entity.

use crate::catalog::FastMap;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Native, RcIter};
pub use jaq_json::Val;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// A compiled jq filter.
pub struct Filter(jaq_core::Filter<Native<Val>>);

/// Compile `code`; the error says why it does not compile.
pub fn compile(code: &str) -> Result<Filter, String> {
    let arena = Arena::default();
    let loader = Loader::new(jaq_std::defs().chain(jaq_json::defs()));
    let modules = loader
        .load(&arena, File { code, path: () })
        .map_err(|errors| describe(errors.len(), "syntax error"))?;
    Compiler::default()
        .with_funs(jaq_std::funs().chain(jaq_json::funs()))
        .compile(modules)
        .map(Filter)
        .map_err(|errors| {
            let names: Vec<String> = errors
                .into_iter()
                .flat_map(|(_, errs)| errs.into_iter().map(|(name, _)| format!("`{name}`")))
                .collect();
            format!("undefined name {}", names.join(", "))
        })
}

/// Run `f` with `code` compiled, compiling it once per thread and keeping it for the
/// next call with the same code. jaq filters cannot move between threads, and compiling
/// loads jq's standard library (about a millisecond), so a parallel pass over 100k
/// entities must neither share one filter nor compile one per entity. `f` must not
/// call this function again.
pub fn with_compiled<R>(code: &str, f: impl FnOnce(Result<&Filter, &str>) -> R) -> R {
    thread_local! {
        static COMPILED: RefCell<Option<(String, Result<Filter, String>)>> =
            const { RefCell::new(None) };
    }
    COMPILED.with(|cell| {
        if cell.borrow().as_ref().is_none_or(|(c, _)| c != code) {
            *cell.borrow_mut() = Some((code.to_owned(), compile(code)));
        }
        let compiled = cell.borrow();
        match compiled.as_ref().map(|(_, filter)| filter) {
            Some(Ok(filter)) => f(Ok(filter)),
            Some(Err(e)) => f(Err(e)),
            None => f(Err("the filter was not compiled")),
        }
    })
}

fn describe(count: usize, what: &str) -> String {
    if count > 1 {
        format!("{count} {what}s")
    } else {
        what.to_owned()
    }
}

impl Filter {
    /// Run the filter over one input: every output, or the first runtime error.
    pub fn run(&self, input: &Value) -> Result<Vec<Value>, String> {
        self.run_val(val(input))
    }

    /// As [`Filter::run`], over a jq value built by the caller ([`val`], [`object`]).
    pub fn run_val(&self, input: Val) -> Result<Vec<Value>, String> {
        let inputs = RcIter::new(core::iter::empty());
        self.0
            .run((Ctx::new([], &inputs), input))
            .map(|out| out.map(Value::from).map_err(|e| e.to_string()))
            .collect()
    }

    /// Whether the filter holds for `input`, as jq's `select` has it: some output is
    /// neither null nor false (`nan` and infinities hold, as in jq; as JSON they would
    /// have become null). Every output is still computed, so a runtime error anywhere is
    /// reported, as [`Filter::run_val`] would; none is converted to JSON.
    pub fn holds(&self, input: Val) -> Result<bool, String> {
        let inputs = RcIter::new(core::iter::empty());
        let mut holds = false;
        for out in self.0.run((Ctx::new([], &inputs), input)) {
            let out = out.map_err(|e| e.to_string())?;
            holds |= !matches!(out, Val::Null | Val::Bool(false));
        }
        Ok(holds)
    }
}

/// The jq value of a JSON value — the one jaq's own conversion makes of it, numbers
/// included — read from a borrowed value, so nothing is copied twice.
pub fn val(value: &Value) -> Val {
    match value {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        // jaq reads the number's text as an integer, else keeps the text: an i64 is
        // exactly such an integer (isize is 64 bits wide where portolan builds).
        Value::Number(n) => match n.as_i64().and_then(|i| isize::try_from(i).ok()) {
            Some(i) => Val::Int(i),
            None => n
                .to_string()
                .parse()
                .map_or_else(|_| Val::Num(Rc::new(n.to_string())), Val::Int),
        },
        Value::String(s) => Val::from(s.clone()),
        Value::Array(items) => items.iter().map(val).collect(),
        Value::Object(map) => object(map.iter().map(|(k, v)| (k.as_str(), v))),
    }
}

/// A jq object of `fields`, in their order.
pub fn object<'a>(fields: impl Iterator<Item = (&'a str, &'a Value)>) -> Val {
    Val::obj(fields.map(|(k, v)| (key(k), val(v))).collect())
}

/// How many object keys a thread remembers.
const KEYS_REMEMBERED: usize = 4096;

/// An object key as jaq holds it, shared with every earlier object of this thread that
/// has the same key. The entities of a catalog repeat the same few dozen keys, and a
/// fresh key costs two allocations (the string and its counted box): a third of
/// building the jq value of an entity. Once the thread knows `KEYS_REMEMBERED` keys,
/// new ones are no longer remembered.
fn key(k: &str) -> Rc<String> {
    thread_local! {
        static KEYS: RefCell<FastMap<Box<str>, Rc<String>>> = RefCell::default();
    }
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some(shared) = keys.get(k) {
            return Rc::clone(shared);
        }
        let fresh = Rc::new(k.to_owned());
        if keys.len() < KEYS_REMEMBERED {
            keys.insert(k.into(), Rc::clone(&fresh));
        }
        fresh
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compiles_and_runs() {
        let f = compile(".properties.a + 1").unwrap();
        assert_eq!(f.run(&json!({"properties": {"a": 1}})).unwrap(), [json!(2)]);
        assert!(compile(".a +").is_err());
        assert!(compile("nosuchfunction(1)")
            .err()
            .unwrap()
            .contains("nosuchfunction"));
    }

    #[test]
    fn values_are_those_jaq_makes_of_json() {
        let json = json!({"n": [0, -7, 9_223_372_036_854_775_807_i64, 18_446_744_073_709_551_615_u64, 1.5, 1e300],
            "s": "x", "b": true, "z": null, "o": {"n": 1}});
        // Debug tells an integer from a number kept as text, which `==` does not.
        let debug = |v: Val| format!("{v:?}");
        assert_eq!(debug(val(&json)), debug(Val::from(json.clone())));
        // Keys are shared, values are not: building twice gives equal values.
        assert_eq!(val(&json), val(&json));
        let f = compile(".o.n == 1 and .s == \"x\"").unwrap();
        assert_eq!(f.holds(val(&json)), Ok(true));
        assert_eq!(compile(".z").unwrap().holds(val(&json)), Ok(false));
        assert_eq!(compile("null, 1").unwrap().holds(val(&json)), Ok(true));
        assert_eq!(compile("nan").unwrap().holds(val(&json)), Ok(true));
        assert_eq!(compile("1 / 0").unwrap().holds(val(&json)), Ok(true));
        assert!(compile("true, error(\"no\")")
            .unwrap()
            .holds(val(&json))
            .is_err());
    }

    #[test]
    fn compiled_once_per_thread_and_code() {
        let run = |code: &str| {
            with_compiled(code, |f| {
                f.map_err(str::to_owned)
                    .and_then(|f| f.run(&json!({"a": 2})))
            })
        };
        assert_eq!(run(".a * 3"), Ok(vec![json!(6)]));
        assert_eq!(run(".a * 3"), Ok(vec![json!(6)]));
        // Another filter on the same thread replaces the first.
        assert_eq!(run(".a + 1"), Ok(vec![json!(3)]));
        assert!(run(".a +").unwrap_err().contains("syntax"));
        let other = std::thread::spawn(move || {
            with_compiled(".a", |f| f.map(|f| f.run(&json!({"a": 5}))).is_ok())
        });
        assert!(other.join().unwrap());
    }
}
