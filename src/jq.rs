//! jq filters in the jaq dialect: compiled once, run over entity JSON.
//!
//! Calculation properties (DESIGN.md §3) and `list --where` are jq. Compiling is the
//! expensive part, so a filter is compiled once per blueprint or command and then run
//! over every entity. Filters are untrusted (they come from the repository), so each
//! evaluation runs on a [`Budget`], compiling runs on a thread with a stack deep enough
//! for any filter portolan takes ([`MAX_FILTER_BYTES`]), and the built-ins that reach
//! outside the evaluation fail (`natives`).

mod budget;

pub use budget::{Budget, Limit};

use jaq_core::box_iter::box_once;
use jaq_core::compile::Lut;
use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Cv, Error, Exn, Meter, Native, RcIter, ValXs};
pub use jaq_json::Val;
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

/// The longest filter portolan compiles. jaq's parser and compiler recurse once per
/// level of a filter's syntax, up to one level per byte (`- - - 1`), about 10 KiB of
/// stack a level in a debug build: the compiling thread's stack (`COMPILE_STACK`) holds
/// this many levels with room to spare. Real calculation properties are one line (the longest in the corpus of
/// public Port blueprints has 250 bytes).
pub const MAX_FILTER_BYTES: usize = 4096;

/// The stack of the thread that compiles a filter (reserved, not used, until a deep
/// filter needs it).
const COMPILE_STACK: usize = 64 << 20;

/// A compiled jq filter.
pub struct Filter(jaq_core::Filter<Native<Val>>);

/// Why a filter gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The filter failed (`error`, a type error…), with jaq's message.
    Error(String),
    /// The evaluation ran into one of its budget's limits and was stopped.
    Exceeded(Limit),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Failure::Error(message) => f.write_str(message),
            Failure::Exceeded(limit) => write!(f, "stopped: {limit}"),
        }
    }
}

/// Compile `code`; the error says why it does not compile.
pub fn compile(code: &str) -> Result<Filter, String> {
    if code.len() > MAX_FILTER_BYTES {
        return Err(format!(
            "the filter is {} bytes long; portolan compiles filters up to {MAX_FILTER_BYTES} bytes",
            code.len()
        ));
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("jq-compile".into())
            .stack_size(COMPILE_STACK)
            .spawn_scoped(scope, || compile_here(code))
            .map_err(|e| format!("could not start a thread to compile it: {e}"))?
            .join()
            .unwrap_or_else(|_| Err("compiling it failed".into()))
    })
}

/// [`compile`] on the current thread, however deep its syntax nests.
fn compile_here(code: &str) -> Result<Filter, String> {
    let arena = Arena::default();
    let loader = Loader::new(jaq_std::defs().chain(jaq_json::defs()));
    let modules = loader
        .load(&arena, File { code, path: () })
        .map_err(|errors| describe(errors.len(), "syntax error"))?;
    Compiler::default()
        .with_funs(natives())
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

/// The built-ins of jaq's standard library, less those that reach outside the
/// evaluation, which fail instead: `halt` and `halt_error` would end portolan,
/// `env` would hand the filter portolan's environment (a token, say). `fromjson` is
/// portolan's: jaq's parser recurses once per level of nesting of the text it reads.
fn natives() -> impl Iterator<Item = jaq_std::Filter<Native<Val>>> {
    let unavailable: jaq_core::RunPtr<Val> = |_, _| {
        box_once(Err(Exn::from(Error::str(
            "`halt`, `halt_error` and `env` are not available: a filter sees only its input",
        ))))
    };
    jaq_std::funs()
        .chain(jaq_json::funs())
        .map(move |(name, arity, native)| match name {
            "halt" | "halt_error" | "env" => (name, arity, Native::new(unavailable)),
            "fromjson" => (name, arity, Native::new(fromjson)),
            _ => (name, arity, native),
        })
}

/// `fromjson` as jaq-json has it, but for text nested deeper than [`MAX_JSON_NESTING`],
/// which it refuses before its reader's recursion could exhaust the stack.
fn fromjson<'a>(_: &'a Lut<Native<Val>>, cv: Cv<'a, Val>) -> ValXs<'a, Val> {
    use hifijson::token::Lex;
    let parsed = match &cv.1 {
        Val::Str(text) if nesting(text) > MAX_JSON_NESTING => Err(Error::str(format_args!(
            "cannot parse the string as JSON: it nests more than {MAX_JSON_NESTING} levels deep"
        ))),
        Val::Str(text) => hifijson::SliceLexer::new(text.as_bytes())
            .exactly_one(Val::parse)
            .map_err(|e| {
                Error::str(format_args!(
                    "cannot parse {} as JSON: {e}",
                    truncated(text)
                ))
            }),
        other => Err(Error::str(format_args!(
            "cannot parse {} as JSON: it is not a string",
            truncated(&other.to_string())
        ))),
    };
    box_once(parsed.map_err(Exn::from))
}

/// How deep `fromjson` may find JSON text to nest: as deep as a catalog document may.
const MAX_JSON_NESTING: usize = 128;

/// How deep brackets and braces nest in `text`, outside its strings (an upper bound
/// for text that is not JSON).
fn nesting(text: &str) -> usize {
    let (mut depth, mut most) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            _ if in_string => {}
            b'[' | b'{' => {
                depth += 1;
                most = most.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    most
}

/// The longest runtime error message kept: a filter's error can quote a whole value.
const MAX_MESSAGE_CHARS: usize = 300;

/// `text`, cut after [`MAX_MESSAGE_CHARS`] characters.
fn truncated(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// A filter's source as a message quotes it: on one line, and cut when long.
pub fn quoted(code: &str) -> String {
    const MAX: usize = 80;
    let line = code.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(MAX) {
        Some((end, _)) => format!("`{}…`", &line[..end]),
        None => format!("`{line}`"),
    }
}

impl Filter {
    /// Run the filter over one input: every output, or the first runtime error.
    pub fn run(&self, input: &Value) -> Result<Vec<Value>, Failure> {
        self.run_val(val(input))
    }

    /// As [`Filter::run`], over a jq value built by the caller ([`val`], [`object`]).
    pub fn run_val(&self, input: Val) -> Result<Vec<Value>, Failure> {
        let mut values = Vec::new();
        self.each(&Budget::new(), input, |budget, out| {
            // Converting reads the whole value, which may share parts many times over.
            if budget.value(&out) {
                values.push(Value::from(out));
            }
        })?;
        Ok(values)
    }

    /// Whether the filter holds for `input`, as jq's `select` has it: some output is
    /// neither null nor false (`nan` and infinities hold, as in jq; as JSON they would
    /// have become null). Every output is still computed, so a runtime error anywhere is
    /// reported, as [`Filter::run_val`] would; none is converted to JSON.
    pub fn holds(&self, input: Val) -> Result<bool, Failure> {
        let mut holds = false;
        self.each(&Budget::new(), input, |_, out| {
            holds |= !matches!(out, Val::Null | Val::Bool(false));
        })?;
        Ok(holds)
    }

    /// Run the filter over `input` on `budget` (a fresh one for each evaluation),
    /// handing `f` each output until the first error or the end of the budget.
    fn each(
        &self,
        budget: &Budget,
        input: Val,
        mut f: impl FnMut(&Budget, Val),
    ) -> Result<(), Failure> {
        let inputs = RcIter::new(core::iter::empty());
        let ctx = Ctx::new([], &inputs).with_meter(budget);
        for out in self.0.run((ctx, input)) {
            match (out, budget.spent()) {
                (_, Some(limit)) => return Err(Failure::Exceeded(limit)),
                (Ok(out), None) => f(budget, out),
                (Err(e), None) => return Err(Failure::Error(truncated(&e.to_string()))),
            }
        }
        budget
            .spent()
            .map_or(Ok(()), |limit| Err(Failure::Exceeded(limit)))
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

/// Keys seen on this thread, hashed with foldhash like the catalog's maps (the
/// catalog's alias is not imported: the catalog depends on jq, not the reverse).
type KeyMap = std::collections::HashMap<Box<str>, Rc<String>, foldhash::fast::RandomState>;

/// An object key as jaq holds it, shared with every earlier object of this thread that
/// has the same key. The entities of a catalog repeat the same few dozen keys, and a
/// fresh key costs two allocations (the string and its counted box): a third of
/// building the jq value of an entity. Once the thread knows `KEYS_REMEMBERED` keys,
/// new ones are no longer remembered.
fn key(k: &str) -> Rc<String> {
    thread_local! {
        static KEYS: RefCell<KeyMap> = RefCell::default();
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

    /// Run `f` on a thread with the stack of a rayon worker (2 MiB), where `list`
    /// evaluates its filters.
    fn on_worker<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn_scoped(scope, f)
                .unwrap()
                .join()
                .unwrap()
        })
    }

    /// An entity's JSON, as `list` and `show` see it.
    fn entity() -> Value {
        json!({"identifier": "cart", "title": "Cart", "blueprint": "Component", "team": ["payments"],
            "properties": {"lifecycle": "production", "type": "service", "createdAt": "2024-03-01T10:00:00Z",
                "resolutionDate": "2024-03-04T10:00:00.000+0000", "created": "2024-03-01T10:00:00.000+0000",
                "domainTitle": "Orders", "domain": "Orders", "tags": ["a", "b", "c"]},
            "relations": {"system": "Cart", "resources": ["db", "topic"], "consumesApi": []}})
    }

    fn stopped(code: &str) -> Option<Limit> {
        match compile(code).unwrap().run(&entity()) {
            Err(Failure::Exceeded(limit)) => Some(limit),
            _ => None,
        }
    }

    #[test]
    fn filters_that_recurse_loop_or_grow_without_end_are_stopped() {
        on_worker(|| {
            for (code, limit) in [
                ("def f: [f]; f", Limit::Stack),
                ("def f: f; f", Limit::Work),
                ("[range(1e8)] | length", Limit::Work),
                ("last(range(1e9))", Limit::Work),
                ("[limit(100000000; repeat(1))] | length", Limit::Work),
                (
                    "reduce range(100000) as $i (null; [.]) | tojson",
                    Limit::Nesting,
                ),
                (
                    "reduce range(100000) as $i (null; {a: .}) | length",
                    Limit::Nesting,
                ),
                // Doubling: a string, a shared tree, a tree built by updates.
                (
                    "reduce range(40) as $i (\"a\"; . + .) | length",
                    Limit::Work,
                ),
                ("reduce range(60) as $i (0; [., .]) | tojson", Limit::Work),
                (
                    "reduce range(60) as $i ({}; .a = . | .b = .a) | . == .",
                    Limit::Work,
                ),
                ("\"x\" * 1000000000000 | length", Limit::Work),
                ("[range(1e6) | \"x\" * 1000] | length", Limit::Work),
                // Searching a long text for a long needle, again and again.
                ("(\"a\" * 100000) as $t | $t[:1000] as $n | [range(100) | $t | indices($n)] | length", Limit::Work),
                ("(\"a\" * 100000) as $t | $t[:1000] as $n | [range(100) | $t | test($n)] | length", Limit::Work),
                // Neither `try` nor `?` can swallow the stop and carry on.
                ("try (def f: f; f) catch \"caught\"", Limit::Work),
                ("def f: try f catch f; f", Limit::Stack),
                ("def r: (r)?; r", Limit::Stack),
            ] {
                assert_eq!(stopped(code), Some(limit), "{code}");
            }
        });
    }

    #[test]
    fn deep_syntax_and_deep_text_neither_crash_compiling_nor_running() {
        on_worker(|| {
            // Every byte a level: the compile thread has the stack for it, and running
            // it either answers or is stopped.
            for code in ["-".repeat(4000) + "1", "[".repeat(2000) + &"]".repeat(2000)] {
                let filter = compile(&code).unwrap();
                let run = filter.run(&json!(null));
                assert!(
                    matches!(run, Ok(_) | Err(Failure::Exceeded(Limit::Stack))),
                    "{run:?}"
                );
            }
            let long = "1 + ".repeat(MAX_FILTER_BYTES / 4) + "1";
            assert!(compile(&long).err().unwrap().contains("4096 bytes"));
            // jaq's `fromjson` recursed once per level of the text.
            let deep = compile("\"[\" * 100000 | fromjson")
                .unwrap()
                .run(&json!(null));
            assert!(
                matches!(&deep, Err(Failure::Error(e)) if e.contains("more than 128 levels")),
                "{deep:?}"
            );
            assert_eq!(nesting(r#"[{"a": "]]}[[[\"", "b": [1]}]"#), 3);
            // As jaq-json reads it: a number too long for 64 bits keeps its digits.
            let big = compile("\"[123456789012345678901234567890]\" | fromjson | tojson").unwrap();
            assert_eq!(
                big.run(&json!(null)),
                Ok(vec![json!("[123456789012345678901234567890]")])
            );
            let parsed = compile("\"{\\\"a\\\": [1, 2.5, \\\"x\\\"]}\" | fromjson").unwrap();
            assert_eq!(
                parsed.run(&json!(null)),
                Ok(vec![json!({"a": [1, 2.5, "x"]})])
            );
        });
    }

    #[test]
    fn built_ins_that_reach_outside_the_evaluation_fail() {
        for code in [
            "halt",
            "\"bye\" | halt_error",
            "\"bye\" | halt_error(1)",
            "env",
            "env.HOME",
        ] {
            let run = compile(code).unwrap().run(&json!(null));
            assert!(
                matches!(&run, Err(Failure::Error(e)) if e.contains("not available")),
                "{code}: {run:?}"
            );
        }
    }

    #[test]
    fn each_evaluation_has_a_fresh_budget_and_a_stopped_one_leaves_nothing_behind() {
        on_worker(|| {
            let filter = compile("[range(.n)] | length").unwrap();
            let budget = Budget::new();
            let n = 100_000;
            filter
                .each(&budget, val(&json!({"n": n})), |_, _| {})
                .unwrap();
            // Enough items for more than half the budget: a second run fits only if
            // nothing carried over from the first.
            let n = n * (budget::WORK / 2 / budget.used() + 1);
            for _ in 0..2 {
                assert_eq!(filter.run(&json!({"n": n})), Ok(vec![json!(n)]));
            }
            // After a stop, the same thread and the same cached filter answer again.
            let answer = |code: &str, input: Value| with_compiled(code, |f| f.unwrap().run(&input));
            for _ in 0..3 {
                assert!(matches!(
                    answer(
                        "if .loop then def f: [f]; f else .n end",
                        json!({"loop": true})
                    ),
                    Err(Failure::Exceeded(Limit::Stack))
                ));
                assert_eq!(
                    answer("if .loop then def f: [f]; f else .n end", json!({"n": 7})),
                    Ok(vec![json!(7)])
                );
                assert!(matches!(
                    answer(
                        "if .loop then def f: f; f else .n end",
                        json!({"loop": true})
                    ),
                    Err(Failure::Exceeded(Limit::Work))
                ));
                assert_eq!(
                    answer("if .loop then def f: f; f else .n end", json!({"n": 8})),
                    Ok(vec![json!(8)])
                );
            }
        });
    }

    /// What real filters spend on one entity, against [`budget::WORK`]: the
    /// calculations of the corpus's Port blueprints, those of the test fixtures, the
    /// `--where` filters of `bench/query.sh`, and a few that read the whole entity.
    #[test]
    #[allow(clippy::print_stderr)] // the figures for the budget's documentation (`--nocapture`)
    fn the_limits_leave_room_for_real_filters() {
        let filters = [
            "(now / 86400) - (.properties.createdAt | capture(\"(?<date>\\\\d{4}-\\\\d{2}-\\\\d{2})\") | .date | strptime(\"%Y-%m-%d\") | mktime / 86400) | floor",
            "if (.properties.resolutionDate != null and .properties.created != null) then ((.properties.resolutionDate[0:19] + \"Z\" | fromdateiso8601) - (.properties.created[0:19] + \"Z\" | fromdateiso8601)) / 86400 else null end",
            ".identifier | ascii_downcase",
            "\"\\(.title) (\\(.properties.domainTitle))\"",
            ".properties.domain + \"/\" + .identifier",
            ".properties.lifecycle == \"production\"",
            ".team | index(\"payments\")",
            "[.relations[] | arrays | length] | add",
            ".properties | to_entries | map(select(.value != null)) | from_entries | keys | join(\",\")",
            "[paths] | length",
            "walk(if type == \"string\" then ascii_downcase else . end) | tojson | length",
        ];
        on_worker(|| {
            for code in filters {
                let budget = Budget::new();
                let filter = compile(code).unwrap();
                // jaq's `strptime` wants a time of day; the work up to the error counts.
                let run = filter.each(&budget, val(&entity()), |_, _| {});
                assert!(!matches!(run, Err(Failure::Exceeded(_))), "{code}: {run:?}");
                eprintln!("{:>6} units  {code}", budget.used());
                assert!(
                    budget.used() < budget::WORK / 100,
                    "{code}: {}",
                    budget.used()
                );
            }
        });
    }

    #[test]
    fn compiled_once_per_thread_and_code() {
        let run = |code: &str| {
            with_compiled(code, |f| {
                f.map_err(str::to_owned)
                    .and_then(|f| f.run(&json!({"a": 2})).map_err(|e| e.to_string()))
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
