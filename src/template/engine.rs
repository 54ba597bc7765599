//! The minijinja environment templates render with, and the context they see.
//!
//! Undefined values are errors when printed (a typo in a file must not become an empty
//! string in a manifest) and false when tested (`when:`, `{% if %}`, `is defined`):
//! minijinja's `SemiStrict` behaviour. Files are not HTML-escaped; trailing newlines
//! are kept, since files end with one.
//!
//! Text that something else reads is rendered with an [`Escape`]: each value `{{ }}`
//! prints becomes one shell word in a request's `run:`, inert Markdown in a pull
//! request body, one line in a title — while the template's own text, string literals
//! included ([`super::literals`]), stays as written. Every render is bounded
//! ([`super::limits`]).

use super::escape;
use super::limits::{self, Budget};
use super::literals;
use crate::catalog::Catalog;
use crate::source::Source;
use minijinja::value::{Enumerator, Kwargs, Object, ObjectRepr, Rest, Serde, Value, ValueOrKwargs};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, Output, State, UndefinedBehavior};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

/// A rendering failure: what went wrong, and on which line of the text when known.
#[derive(Debug, Clone)]
pub struct RenderError {
    pub message: String,
    pub line: Option<usize>,
    /// A limit of [`super::limits`] stopped it: never read as "false" or "absent".
    pub limit: bool,
}

impl RenderError {
    fn new(message: impl Into<String>) -> Self {
        RenderError {
            message: message.into(),
            line: None,
            limit: false,
        }
    }

    fn limit(message: String) -> Self {
        RenderError {
            limit: true,
            ..RenderError::new(message)
        }
    }
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{} (line {line})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl From<Error> for RenderError {
    fn from(e: Error) -> Self {
        let message = match (e.kind(), e.detail()) {
            (ErrorKind::OutOfFuel, _) => limits::out_of_fuel(),
            (ErrorKind::UndefinedError, _) => {
                "a variable used here is undefined (an input that was not given, or a misspelt name); test it with `is defined` or give it a `default`".to_owned()
            }
            (_, Some(detail)) => format!("{}: {detail}", e.kind()),
            (kind, None) => kind.to_string(),
        };
        RenderError {
            message,
            line: e.line(),
            limit: e.kind() == ErrorKind::OutOfFuel,
        }
    }
}

/// How the values that `{{ }}` prints are written into a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As they are: files, paths, keys.
    None,
    /// One `sh` word each ([`escape::shell_word`]): a request's `run:`.
    Shell,
    /// Inert Markdown ([`escape::markdown`]): a pull request body.
    Markdown,
    /// One line of plain text ([`escape::line`]): a pull request title.
    Line,
}

impl Escape {
    /// The name a text is rendered under: the formatter and filters read the mode
    /// from it.
    fn template_name(self) -> &'static str {
        match self {
            Escape::None => "<string>",
            Escape::Shell => "<shell>",
            Escape::Markdown => "<markdown>",
            Escape::Line => "<line>",
        }
    }

    fn of(state: &State) -> Escape {
        match state.name() {
            "<shell>" => Escape::Shell,
            "<markdown>" => Escape::Markdown,
            "<line>" => Escape::Line,
            _ => Escape::None,
        }
    }

    fn apply(self, text: &str) -> String {
        match self {
            Escape::None => text.to_owned(),
            Escape::Shell => escape::shell_word(text),
            Escape::Markdown => escape::markdown(text),
            Escape::Line => escape::line(text),
        }
    }
}

/// Which files exist, as a run sees them: the repository plus what earlier steps of
/// the same run planned.
#[derive(Clone)]
pub struct Files {
    source: Arc<dyn Source + Send + Sync>,
    /// Planned contents (`None`: deleted).
    planned: Arc<Mutex<BTreeMap<String, Option<Vec<u8>>>>>,
}

impl Files {
    pub fn new(source: Arc<dyn Source + Send + Sync>) -> Self {
        Files {
            source,
            planned: Arc::default(),
        }
    }

    /// Record a planned write (`Some(content)`) or delete (`None`).
    pub fn plan(&self, path: &str, content: Option<&[u8]>) {
        if let Ok(mut planned) = self.planned.lock() {
            planned.insert(path.to_owned(), content.map(<[u8]>::to_vec));
        }
    }

    pub fn exists(&self, path: &str) -> bool {
        // Only inside the platform folder: `..`, absolute paths and `.git` are absent.
        let Ok(path) = crate::changeset::safe_path(path) else {
            return false;
        };
        let path = path.as_str();
        let planned = self
            .planned
            .lock()
            .ok()
            .and_then(|p| p.get(path).map(Option::is_some));
        planned.unwrap_or_else(|| self.source.exists(path))
    }

    /// A file's bytes as the run sees them.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        let path = crate::changeset::safe_path(path).ok()?;
        let path = path.as_str();
        if let Some(planned) = self.planned.lock().ok().and_then(|p| p.get(path).cloned()) {
            return planned;
        }
        self.source.read(path).ok()
    }
}

/// `catalog` in expressions: lookups into the loaded catalog.
struct CatalogObject(Arc<Catalog>);

impl std::fmt::Debug for CatalogObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("catalog")
    }
}

impl Object for CatalogObject {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::NonEnumerable
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        let catalog = &self.0;
        let text = |i: usize| -> Result<String, Error> {
            args.get(i)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidOperation,
                        format!("catalog.{method} takes a blueprint and an identifier, as strings"),
                    )
                })
        };
        match method {
            "exists" | "get" => {
                let (blueprint, id) = (text(0)?, text(1)?);
                let entity = catalog
                    .blueprints
                    .index_of(&blueprint)
                    .and_then(|b| catalog.entity(b, &id));
                if method == "exists" {
                    return Ok(Value::from(entity.is_some()));
                }
                Ok(entity.map_or(Value::from(()), |e| {
                    Value::from(Serde(entity_json(catalog, e)))
                }))
            }
            "list" => {
                let blueprint = args.first().and_then(Value::as_str).ok_or_else(|| {
                    Error::new(
                        ErrorKind::InvalidOperation,
                        "catalog.list takes a blueprint",
                    )
                })?;
                let ids: BTreeSet<&str> = catalog
                    .blueprints
                    .index_of(blueprint)
                    .and_then(|b| catalog.by_blueprint.get(b))
                    .map(|ids| ids.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                Ok(Value::from_iter(ids.into_iter().map(Value::from)))
            }
            _ => Err(Error::new(
                ErrorKind::UnknownMethod,
                format!("catalog has no `{method}`; use exists, get or list"),
            )),
        }
    }
}

/// An entity as expressions see it: its document, plus `blueprint`, `identifier` and
/// the `file` it lives in.
pub fn entity_json(catalog: &Catalog, entity: &crate::catalog::Entity) -> serde_json::Value {
    let mut value = entity
        .value
        .clone()
        .unwrap_or_else(|| serde_json::json!({}));
    if let Some(map) = value.as_object_mut() {
        map.insert("identifier".into(), entity.identifier.clone().into());
        let blueprint = entity
            .blueprint
            .and_then(|b| catalog.blueprints.list.get(b))
            .map(|b| b.identifier.clone());
        map.insert("blueprint".into(), blueprint.into());
        map.insert("file".into(), catalog.file_of(entity).into());
    }
    value
}

/// A configured environment plus the run's variables, and what its renders spent.
pub struct Engine {
    env: Environment<'static>,
    context: BTreeMap<String, Value>,
    budget: Budget,
}

/// The minijinja environment every template renders with.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(limits::FUEL_PER_TEXT));
    // What is safe (the template's own literals, `shell_quote`'s words) is written as
    // it is; every other value is escaped for the text it goes into.
    env.set_formatter(|out: &mut Output, state: &mut State, value: &Value| {
        let mode = Escape::of(state);
        if mode == Escape::None || value.is_safe() {
            return minijinja::escape_formatter(out, state, value);
        }
        if value.is_undefined() {
            // The missing `else` of `{{ 'x' if c }}`: nothing, not an empty word.
            return Ok(());
        }
        out.write_str(&mode.apply(&value.to_string()))
            .map_err(Error::from)
    });
    env.add_filter(literals::FILTER, |text: String| {
        Value::from_safe_string(text)
    });
    // Where values are escaped, nothing a template calls on a value may mark it as
    // written already: `safe` keeps it a value, `escape` escapes for the text at hand,
    // `tojson` and `format` give plain text.
    env.add_filter("safe", |state: &State, value: Value| -> Value {
        match Escape::of(state) {
            Escape::None => Value::from_safe_string(value.to_string()),
            _ if value.is_safe() => value,
            _ => Value::from(value.to_string()),
        }
    });
    env.add_filter("escape", escape_filter);
    env.add_filter("e", escape_filter);
    env.add_filter(
        "tojson",
        |value: &Value, indent: Option<Value>, args: Kwargs| -> Result<Value, Error> {
            let json = minijinja::filters::tojson(value, indent, args)?;
            Ok(Value::from(json.as_str().unwrap_or_default()))
        },
    );
    env.add_filter("format", format_filter);
    // `{{ expiresAt | unix <= now | unix }}`: times compared as instants, whatever
    // their offsets.
    env.add_filter("unix", |time: String| -> Result<i64, Error> {
        crate::time::Instant::parse(&time)
            .map(|t| t.unix)
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
    });
    // `{{ now | add_days(5) }}`: an absolute time from the run's `now`.
    env.add_filter(
        "add_days",
        |time: String, days: i64| -> Result<String, Error> {
            crate::time::Instant::parse(&time)
                .map(|t| t.plus_days(days).rfc3339())
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e))
        },
    );
    // Text edits for files that are neither YAML nor JSON (requirements.txt,
    // Cargo.toml, go.mod): `read_text(path) | regex_replace(pattern, replacement)`,
    // with `regex_escape` for names that go into a pattern and `regex_search` to ask
    // first. Patterns are Rust regex syntax; `$1`/`${name}` in replacements.
    env.add_filter(
        "regex_replace",
        |text: String, pattern: String, replacement: String| -> Result<String, Error> {
            Ok(compile_regex(&pattern)?
                .replace_all(&text, replacement.as_str())
                .into_owned())
        },
    );
    env.add_filter(
        "regex_search",
        |text: String, pattern: String| -> Result<bool, Error> {
            Ok(compile_regex(&pattern)?.is_match(&text))
        },
    );
    env.add_filter("regex_escape", |text: String| regex::escape(&text));
    // `{{ value | shell_quote }}`: one word for `sh`, whatever the value holds. A
    // request's `run:` quotes every value by itself; this stays for templates that
    // wrote it, and quotes nothing twice.
    env.add_filter("shell_quote", |value: Value| -> Value {
        if value.is_safe() {
            value
        } else {
            Value::from_safe_string(escape::shell_word(&value.to_string()))
        }
    });
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env
}

/// `escape` (and `e`): HTML, as minijinja does, in files; the text's own escaping where
/// values are escaped.
fn escape_filter(state: &mut State, value: &Value) -> Result<Value, Error> {
    match Escape::of(state) {
        Escape::None => minijinja::filters::escape(state, value),
        _ if value.is_safe() => Ok(value.clone()),
        mode => Ok(Value::from_safe_string(mode.apply(&value.to_string()))),
    }
}

/// `format`: a safe format string would escape its arguments as HTML and mark the
/// result safe; where values are escaped, the result is a plain value instead.
fn format_filter(
    state: &mut State,
    format: &Value,
    args: Rest<ValueOrKwargs>,
) -> Result<Value, Error> {
    if Escape::of(state) == Escape::None {
        return minijinja::filters::format(state, format, args);
    }
    let plain = format.as_str().map_or_else(|| format.clone(), Value::from);
    let formatted = minijinja::filters::format(state, &plain, args)?;
    Ok(Value::from(formatted.to_string()))
}

fn compile_regex(pattern: &str) -> Result<regex::Regex, Error> {
    regex::Regex::new(pattern).map_err(|e| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("the regular expression `{pattern}` is invalid: {e}"),
        )
    })
}

impl Engine {
    /// An engine whose expressions see `variables` (inputs, config, now…), `catalog`
    /// and `file_exists(path)`.
    pub fn new(
        variables: BTreeMap<String, serde_json::Value>,
        catalog: Arc<Catalog>,
        files: Files,
    ) -> Self {
        let mut env = environment();
        let reader = files.clone();
        let text_reader = files.clone();
        env.add_function("file_exists", move |path: String| files.exists(&path));
        // `read_yaml(path)`: the first document of a YAML or JSON file (none when the
        // file is missing or broken), to decide from what a file already says.
        env.add_function("read_yaml", move |path: String| -> Value {
            let format = crate::source::parse::Format::of_path(&path)
                .unwrap_or(crate::source::parse::Format::Yaml);
            reader
                .read(&path)
                .map(|bytes| crate::source::parse::parse_bytes(bytes, format))
                .and_then(|parsed| parsed.documents.into_iter().next())
                .map_or(Value::from(()), |d| Value::from(Serde(d.value)))
        });
        // `read_text(path)`: a file's text (none when it is missing or not UTF-8).
        env.add_function("read_text", move |path: String| -> Value {
            text_reader
                .read(&path)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map_or(Value::from(()), Value::from)
        });
        let mut context: BTreeMap<String, Value> = variables
            .into_iter()
            .map(|(k, v)| (k, Value::from(Serde(v))))
            .collect();
        context.insert("catalog".into(), Value::from_object(CatalogObject(catalog)));
        Engine {
            env,
            context,
            budget: Budget::default(),
        }
    }

    /// The fuel this engine's renders have spent (see [`super::limits`]).
    pub fn fuel_spent(&self) -> u64 {
        self.budget.spent()
    }

    /// Count a step run against the run's limit.
    pub fn charge_step(&self) -> Result<(), RenderError> {
        self.budget
            .spend(limits::FUEL_PER_STEP, 0)
            .map_err(RenderError::limit)
    }

    /// Set a variable (the item of a `for_each`), or remove it with `None`.
    pub fn set(&mut self, name: &str, value: Option<serde_json::Value>) {
        match value {
            Some(v) => {
                self.context.insert(name.to_owned(), Value::from(Serde(v)));
            }
            None => {
                self.context.remove(name);
            }
        }
    }

    fn context(&self) -> Value {
        Value::from(self.context.clone())
    }

    /// Render text (a file, a path): values as they are.
    pub fn render(&self, source: &str) -> Result<String, RenderError> {
        self.render_as(source, Escape::None)
    }

    /// Render text whose values are escaped for what reads it; the template's own
    /// text and string literals stay as written.
    pub fn render_as(&self, source: &str, escape: Escape) -> Result<String, RenderError> {
        let marked;
        let source = if escape == Escape::None {
            source
        } else {
            marked = literals::mark(source);
            marked.as_str()
        };
        let template = self
            .env
            .template_from_named_str(escape.template_name(), source)?;
        let captured = template.render_captured(self.context())?;
        let fuel = captured.state().fuel_levels().map_or(0, |(used, _)| used);
        let output = captured.output();
        self.budget
            .spend(fuel, output.len() as u64)
            .map_err(RenderError::limit)?;
        Ok(output.to_owned())
    }

    /// Evaluate one expression, counting its work: it runs as `{% set %}` in a
    /// template, whose state tells the fuel it used. The outer error is the run's
    /// limit; the inner one the expression's own failure.
    fn eval(&self, expression: &str) -> Result<Result<Value, Error>, RenderError> {
        const NAME: &str = "__portolan_value";
        let source = format!("{{% set {NAME} = ({expression}) %}}");
        let captured = match self
            .env
            .template_from_str(&source)
            .and_then(|t| t.render_captured(self.context()))
        {
            Ok(captured) => captured,
            Err(e) => return Ok(Err(e)),
        };
        let fuel = captured.state().fuel_levels().map_or(0, |(used, _)| used);
        self.budget.spend(fuel, 0).map_err(RenderError::limit)?;
        Ok(Ok(captured
            .state()
            .lookup(NAME)
            .unwrap_or(Value::UNDEFINED)))
    }

    /// A value: a string that is exactly one `{{ expression }}` keeps the expression's
    /// type (a number, a list, `none` → `None`); any other string is rendered.
    pub fn value(&self, source: &str) -> Result<Option<serde_json::Value>, RenderError> {
        if let Some(expression) = single_expression(source) {
            let value = self.eval(expression)??;
            if value.is_undefined() || value.is_none() {
                return Ok(None);
            }
            return serde_json::to_value(&value).map(Some).map_err(|e| {
                RenderError::new(format!("the value cannot be written as data: {e}"))
            });
        }
        Ok(Some(serde_json::Value::String(self.render(source)?)))
    }

    /// A condition (`when:`, `that:`): undefined values are false.
    pub fn truthy(&self, source: &str) -> Result<bool, RenderError> {
        if let Some(expression) = single_expression(source) {
            return match self.eval(expression)? {
                Ok(value) => Ok(value.is_true()),
                Err(e) if e.kind() == ErrorKind::UndefinedError => Ok(false),
                Err(e) => Err(e.into()),
            };
        }
        let text = match self.render(source) {
            Ok(text) => text,
            Err(e) if e.limit => return Err(e),
            Err(_) if source.contains("{{") => return Ok(false),
            Err(e) => return Err(e),
        };
        Ok(!matches!(
            text.trim().to_ascii_lowercase().as_str(),
            "" | "false" | "no" | "0" | "none" | "null"
        ))
    }

    /// A list to repeat a step over (`for_each:`).
    pub fn list(&self, source: &str) -> Result<Vec<serde_json::Value>, RenderError> {
        match self.value(source)? {
            None => Ok(Vec::new()),
            Some(serde_json::Value::Array(items)) => Ok(items),
            Some(other) => Err(RenderError::new(format!(
                "`for_each` must give a list, and gives {other}"
            ))),
        }
    }
}

/// The expression of a string that is exactly `{{ expression }}`.
pub fn single_expression(source: &str) -> Option<&str> {
    let inner = source.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") || inner.contains("{%") {
        return None;
    }
    Some(inner.trim_start_matches('-').trim_end_matches('-').trim())
}

/// Whether text compiles as a template (for `portolan validate`).
pub fn compiles(source: &str) -> Result<(), RenderError> {
    let env = environment();
    if let Some(expression) = single_expression(source) {
        env.compile_expression(expression)?;
        return Ok(());
    }
    env.template_from_str(source)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn engine(vars: serde_json::Value) -> Engine {
        let dir = tempfile::tempdir().unwrap();
        let source: Arc<dyn Source + Send + Sync> =
            Arc::new(crate::source::Worktree::new(dir.path()));
        let catalog = crate::engine::load(source.as_ref(), Default::default())
            .unwrap()
            .catalog;
        let variables = vars
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Engine::new(variables, Arc::new(catalog), Files::new(source))
    }

    #[test]
    fn shell_quote_makes_one_word_and_paths_stay_inside() {
        let e = engine(json!({"v": "a b'; rm -rf /", "w": "ns/secret-1"}));
        assert_eq!(
            e.render("{{ v | shell_quote }}").unwrap(),
            "'a b'\\''; rm -rf /'"
        );
        assert_eq!(e.render("{{ w | shell_quote }}").unwrap(), "ns/secret-1");
        assert_eq!(e.render("{{ '' | shell_quote }}").unwrap(), "''");
        assert_eq!(
            e.render("{{ read_text('../etc/passwd') is none }}")
                .unwrap(),
            "True"
        );
        assert_eq!(
            e.render("{{ file_exists('/etc/passwd') }}").unwrap(),
            "False"
        );
    }

    #[test]
    fn a_run_line_makes_each_value_one_word_and_keeps_its_own_text() {
        let e = engine(
            json!({"v": "a b'; rm -rf /", "w": "ns/secret-1", "n": 3, "on": true, "off": false}),
        );
        let shell = |s: &str| e.render_as(s, Escape::Shell).unwrap();
        assert_eq!(shell("sh x.sh {{ v }}"), "sh x.sh 'a b'\\''; rm -rf /'");
        // `shell_quote` quotes once, as before.
        assert_eq!(shell("{{ v | shell_quote }}"), shell("{{ v }}"));
        assert_eq!(shell("{{ w }} {{ n }}"), "ns/secret-1 3");
        // The template's own strings are its text: flags, separators.
        assert_eq!(shell("x{{ ' --on' if on }}{{ ' --off' if off }}"), "x --on");
        assert_eq!(
            shell("x{{- ' ' ~ (v | shell_quote) if on }}"),
            shell("x {{ v }}")
        );
        // A string made of a value and text is one word.
        assert_eq!(shell("{{ 'pre-' ~ v }}"), "'pre-a b'\\''; rm -rf /'");
        // Nothing a template calls on a value makes it code.
        for call in [
            "v | safe",
            "v | e",
            "v | escape",
            "'%s' | format(v)",
            "v | tojson",
        ] {
            let text = shell(&format!("{{{{ {call} }}}}"));
            assert_eq!(
                crate::template::escape::shell_words(&text).map(|w| w.len()),
                Ok(1),
                "{call}: {text}"
            );
        }
        assert_eq!(shell("{{ '' }}{{ v[:0] }}"), "''");
        // Files are as they were.
        assert_eq!(
            e.render("{{ v }} {{ 'a' ~ w }}").unwrap(),
            "a b'; rm -rf / ans/secret-1"
        );
        assert_eq!(e.render("{{ '<' | e }}").unwrap(), "&lt;");
    }

    #[test]
    fn pull_request_text_escapes_values_and_keeps_its_own_markup() {
        let e = engine(json!({"v": "| <!-- x --> @octocat\n"}));
        let body = e
            .render_as(
                "| `{{ 'a|b' }}` | {{ v }} | <b>{{ v | e }}</b>",
                Escape::Markdown,
            )
            .unwrap();
        let value = "&#124; &#60;!-- x --&#62; @\u{2060}octocat<br>";
        assert_eq!(body, format!("| `a|b` | {value} | <b>{value}</b>"));
        let title = e.render_as("Add {{ v }}", Escape::Line).unwrap();
        assert!(
            !title.contains('\n') && !title.contains("@octocat"),
            "{title}"
        );
    }

    #[test]
    fn rendering_is_bounded() {
        let e = engine(json!({}));
        assert_eq!(e.render("{{ 1 }}").unwrap(), "1");
        for source in [
            "{{ 'x' * 5000000000 }}",
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
            "{{ 'x' * 99999999 }}",
        ] {
            let error = e.render(source).unwrap_err();
            assert!(
                error.message.contains("limit") || error.message.contains("too large"),
                "{source}: {error}"
            );
        }
        let error = e.render("{{ 'x' * 20000000 }}").unwrap_err();
        assert!(
            error.limit && error.message.contains("one rendered text"),
            "{error}"
        );
        assert!(e.truthy("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{{ true }}").is_err());
        assert!(e
            .value("{{ range(100000) | map('string') | join * 1000 }}")
            .is_err());
        assert!(e.fuel_spent() > 0);
    }

    #[test]
    fn strict_in_text_lenient_in_tests() {
        let e = engine(json!({"inputs": {"name": "cart", "n": 3, "api": false}}));
        assert_eq!(e.render("{{ inputs.name }}\n").unwrap(), "cart\n");
        assert!(e.render("{{ inputs.nmae }}").is_err());
        assert_eq!(e.render("{% if inputs.nope %}x{% endif %}y").unwrap(), "y");
        assert!(!e.truthy("{{ inputs.nope }}").unwrap());
        assert!(!e.truthy("{{ inputs.nope.deeper }}").unwrap());
        assert!(e.truthy("{{ inputs.n > 2 }}").unwrap());
        assert_eq!(e.value("{{ inputs.n }}").unwrap(), Some(json!(3)));
        assert_eq!(
            e.value("{{ inputs.name ~ '-api' if inputs.api }}").unwrap(),
            None
        );
        assert_eq!(e.value("n={{ inputs.n }}").unwrap(), Some(json!("n=3")));
        assert_eq!(
            e.render("{{ '${{' }} github.sha }}").unwrap(),
            "${{ github.sha }}"
        );
        assert!(!e.truthy("{{ catalog.exists('System', 'Cart') }}").unwrap());
        assert!(!e.truthy("{{ file_exists('nope.txt') }}").unwrap());
    }
}
