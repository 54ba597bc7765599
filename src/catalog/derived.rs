//! What the catalog answers on read: the relation graph both ways, each entity's JSON,
//! and its derived values (DESIGN.md §3).
//!
//! Derived values are never stored, so `list`, `show`, `graph` and `impact` compute
//! them here the way Port does: mirror properties follow a relation path, calculation
//! properties are jq over the entity JSON with the mirror values merged into
//! `.properties`, aggregation properties count or summarise related entities. What
//! Port computes from data a Git repository does not hold (creation times, its search
//! language) is a [`Problem`] with a null value — never a guessed number.
//!
//! The reverse index is built once per command ([`Graph::new`]): a query then walks
//! edges instead of scanning 100k entities per hop.

use super::{Blueprint, Blueprints, Catalog, Entity, FastMap};
use crate::jq;
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::ops::Range;

/// Entities per parallel task when the graph is built.
const CHUNK: usize = 4096;

/// One relation target an entity names, resolved when the target exists.
#[derive(Debug, Clone, Copy)]
pub struct Out<'a> {
    pub relation: &'a str,
    /// The target's blueprint, when the relation is declared and its target exists.
    pub blueprint: Option<usize>,
    pub target: &'a str,
    /// The target entity, when it exists.
    pub entity: Option<usize>,
}

/// An edge seen from its target: `source` names this entity through `relation`.
#[derive(Debug, Clone, Copy)]
pub struct In<'a> {
    pub source: usize,
    pub relation: &'a str,
}

/// The relation graph of a loaded catalog, forward and reverse, by entity index.
///
/// Both directions are stored flat (every edge in one list, each entity's a slice of
/// it) rather than as a list or map per entity: 100k entities would otherwise mean
/// 200k small allocations and a hash per edge, the better part of `impact`'s time.
pub struct Graph<'a> {
    pub catalog: &'a Catalog,
    /// Every relation target, entity by entity, each in document order (dangling ones
    /// included); entity `i`'s are `outgoing[out_start[i]..out_start[i + 1]]`.
    outgoing: Vec<Out<'a>>,
    out_start: Vec<usize>,
    /// The reverse index: the edges naming entity `i`, by source entity and document
    /// order, are `incoming[in_start[i]..in_start[i + 1]]`.
    incoming: Vec<In<'a>>,
    in_start: Vec<usize>,
}

impl<'a> Graph<'a> {
    /// Resolve every link once and index the edges by target.
    pub fn new(catalog: &'a Catalog) -> Self {
        // Per blueprint: relation key → target blueprint index.
        let targets: Vec<FastMap<&str, usize>> = catalog
            .blueprints
            .list
            .iter()
            .map(|b| {
                b.relations
                    .iter()
                    .filter_map(|(k, r)| {
                        Some((k.as_str(), catalog.blueprints.index_of(&r.target)?))
                    })
                    .collect()
            })
            .collect();
        let entities = catalog.entities.len();
        // Resolving a link is a lookup in a 100k-entry table, a cache miss or two:
        // entities are resolved in parallel, in chunks that are then put end to end.
        let chunks: Vec<(Vec<Out<'a>>, Vec<usize>)> = catalog
            .entities
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut outs = Vec::new();
                let mut starts = Vec::with_capacity(chunk.len());
                for entity in chunk {
                    starts.push(outs.len());
                    let relations = entity.blueprint.and_then(|b| targets.get(b));
                    outs.extend(entity.links.iter().map(|link| {
                        let blueprint = relations.and_then(|r| r.get(&*link.relation).copied());
                        Out {
                            relation: &link.relation,
                            blueprint,
                            target: &link.target,
                            entity: blueprint.and_then(|b| {
                                catalog.by_blueprint.get(b)?.get(&*link.target).copied()
                            }),
                        }
                    }));
                }
                (outs, starts)
            })
            .collect();
        let links = chunks.iter().map(|(outs, _)| outs.len()).sum();
        let mut outgoing = Vec::with_capacity(links);
        let mut out_start = Vec::with_capacity(entities + 1);
        for (outs, starts) in chunks {
            let base = outgoing.len();
            out_start.extend(starts.into_iter().map(|s| base + s));
            outgoing.extend(outs);
        }
        out_start.push(outgoing.len());
        // How many edges name each entity, for the reverse index's slices.
        let mut named = vec![0usize; entities + 1];
        for t in outgoing.iter().filter_map(|o| o.entity) {
            named[t] += 1;
        }
        // Prefix sums give each target's slice; sources are visited in order, so each
        // slice lists its edges by source entity, then document order.
        let mut in_start = Vec::with_capacity(entities + 1);
        let mut total = 0;
        for count in &named {
            in_start.push(total);
            total += count;
        }
        let mut fill = in_start.clone();
        let mut incoming = vec![
            In {
                source: 0,
                relation: ""
            };
            total
        ];
        for (source, window) in out_start.windows(2).enumerate() {
            for out in &outgoing[window[0]..window[1]] {
                if let Some(t) = out.entity {
                    incoming[fill[t]] = In {
                        source,
                        relation: out.relation,
                    };
                    fill[t] += 1;
                }
            }
        }
        Graph {
            catalog,
            outgoing,
            out_start,
            incoming,
            in_start,
        }
    }

    /// The relation targets entity `i` names, in document order.
    pub fn outgoing(&self, i: usize) -> &[Out<'a>] {
        &self.outgoing[self.out_start[i]..self.out_start[i + 1]]
    }

    /// The edges that name entity `i`.
    pub fn incoming(&self, i: usize) -> &[In<'a>] {
        &self.incoming[self.in_start[i]..self.in_start[i + 1]]
    }

    /// `BLUEPRINT/ID` of an entity.
    pub fn reference(&self, i: usize) -> String {
        reference(self.catalog, &self.catalog.entities[i])
    }

    /// The entity a resolved `(blueprint, id)` names.
    pub fn index_of(&self, blueprint: &str, id: &str) -> Option<usize> {
        let b = self.catalog.blueprints.index_of(blueprint)?;
        self.catalog.by_blueprint.get(b)?.get(id).copied()
    }
}

/// `BLUEPRINT/ID` of an entity (its blueprint as written when it names none).
pub fn reference(catalog: &Catalog, entity: &Entity) -> String {
    reference_of(
        blueprint_name(&catalog.blueprints, entity),
        &entity.identifier,
    )
}

/// `BLUEPRINT/ID`, `?` standing for a blueprint the entity does not name.
fn reference_of(blueprint: Option<&str>, id: &str) -> String {
    format!("{}/{id}", blueprint.unwrap_or("?"))
}

/// The name of an entity's blueprint, as written when it names none.
pub(crate) fn blueprint_name<'e>(
    blueprints: &'e Blueprints,
    entity: &'e Entity,
) -> Option<&'e str> {
    entity
        .blueprint
        .map(|b| blueprints.list[b].identifier.as_str())
        .or(entity.unknown_blueprint.as_deref())
}

/// The 1-based line where an entity's document starts (its first line of content,
/// past `---`, comments and blank lines).
pub fn line_of(catalog: &Catalog, entity: &Entity) -> Option<usize> {
    Located::of(catalog, entity).line()
}

/// The 1-based line where the document at `range` of `text` starts (see [`line_of`]).
fn document_line(text: &str, range: Range<usize>) -> Option<usize> {
    let document = text.get(range.clone())?;
    let mut offset = range.start;
    for line in document.split_inclusive('\n') {
        let t = line.trim();
        let t = t.strip_prefix("---").map_or(t, str::trim_start);
        if !(t.is_empty() || t.starts_with('#') || t.starts_with('%')) {
            break;
        }
        offset += line.len();
    }
    let before = text.get(..offset.min(text.len()))?;
    Some(before.bytes().filter(|b| *b == b'\n').count() + 1)
}

/// An entity with what its JSON tells besides its document: its blueprint's name, its
/// file and line. Made from a loaded catalog ([`Located::of`]), or by the loader from
/// the file it is reading, so `list --where` can judge an entity before the catalog
/// exists (see [`crate::engine::Sieve`]).
pub struct Located<'e> {
    pub entity: &'e Entity,
    /// Its blueprint's name, as written when it names none.
    pub blueprint: Option<&'e str>,
    pub file: &'e str,
    /// The file's text and the document's range in it, for [`Located::line`]: counted
    /// only when the JSON is built, not for every entity a load looks at.
    pub text: &'e str,
    pub range: Option<Range<usize>>,
}

impl<'e> Located<'e> {
    pub fn of(catalog: &'e Catalog, entity: &'e Entity) -> Self {
        let file = catalog.files.get(entity.file);
        Located {
            entity,
            blueprint: blueprint_name(&catalog.blueprints, entity),
            file: catalog.file_of(entity),
            text: file.map_or("", |f| f.text.as_str()),
            range: file.and_then(|f| f.documents.get(entity.document)).cloned(),
        }
    }

    /// The line where the entity's document starts (see [`line_of`]).
    pub fn line(&self) -> Option<usize> {
        document_line(self.text, self.range.clone()?)
    }

    /// `BLUEPRINT/ID`, as [`reference`] says it.
    pub fn reference(&self) -> String {
        reference_of(self.blueprint, &self.entity.identifier)
    }
}

/// A derived value that could not be computed, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    pub property: String,
    /// `mirror`, `calculation` or `aggregation`.
    pub kind: &'static str,
    pub message: String,
    /// The calculation that was stopped on the way, when one was.
    #[serde(skip)]
    pub exceeded: Option<Box<Exceeded>>,
}

/// A calculation property stopped by a limit of its jq budget ([`jq::Limit`]). Unlike
/// the other problems this is not about the entity's data but about a filter that
/// cannot be run, which `list` and `show` report as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceeded {
    pub blueprint: String,
    pub property: String,
    /// The filter, as the blueprint has it.
    pub calculation: String,
    /// `BLUEPRINT/ID` of the entity it was stopped on.
    pub entity: String,
    pub limit: jq::Limit,
}

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "the calculation property `{}` of blueprint `{}` ({}) was stopped on {}: {}",
            self.property,
            self.blueprint,
            jq::quoted(&self.calculation),
            self.entity,
            self.limit
        )
    }
}

/// Why a derived value was not computed: the message of its [`Problem`].
#[derive(Debug, Clone, PartialEq)]
struct Why {
    message: String,
    exceeded: Option<Box<Exceeded>>,
}

impl Why {
    /// This reason, as the reason of a value that depends on the one it was given for.
    fn within(self, what: String) -> Self {
        Why {
            message: format!("{what}: {}", self.message),
            ..self
        }
    }
}

impl From<String> for Why {
    fn from(message: String) -> Self {
        Why {
            message,
            exceeded: None,
        }
    }
}

impl From<&str> for Why {
    fn from(message: &str) -> Self {
        message.to_owned().into()
    }
}

/// An entity's derived values: every derived key (null when not computed) and the
/// problems of those that could not be.
#[derive(Debug, Default)]
pub struct Derived {
    pub values: Map<String, Value>,
    /// Derived key → its kind, for display.
    pub kinds: BTreeMap<String, &'static str>,
    pub problems: Vec<Problem>,
}

impl Derived {
    /// The first calculation stopped by its jq budget, if one was.
    pub fn exceeded(&self) -> Option<&Exceeded> {
        self.problems.iter().find_map(|p| p.exceeded.as_deref())
    }
}

/// How deep derived values may refer to other derived values (a mirror of a mirror of
/// a calculation…) before the chain is taken for a cycle.
const MAX_DEPTH: usize = 8;

/// Computes derived values; holds each blueprint's compiled calculations.
pub struct Deriver<'g, 'a> {
    graph: &'g Graph<'a>,
    /// Per blueprint: calculation key → compiled filter (or why it does not compile).
    calculations: Vec<BTreeMap<&'a str, Result<jq::Filter, String>>>,
}

impl<'g, 'a> Deriver<'g, 'a> {
    pub fn new(graph: &'g Graph<'a>) -> Self {
        let calculations = graph
            .catalog
            .blueprints
            .list
            .iter()
            .map(|b| {
                b.calculations
                    .iter()
                    .map(|(k, c)| (k.as_str(), jq::compile(&c.calculation)))
                    .collect()
            })
            .collect();
        Deriver {
            graph,
            calculations,
        }
    }

    /// Whether any blueprint has derived properties at all (a fast path for big
    /// catalogs over the built-ins, which have none).
    pub fn any(&self) -> bool {
        self.graph
            .catalog
            .blueprints
            .list
            .iter()
            .any(Blueprint::has_derived)
    }

    /// Every derived value of entity `i`.
    pub fn derive(&self, i: usize) -> Derived {
        let mut derived = Derived::default();
        let catalog = self.graph.catalog;
        let Some(bp) = catalog.entities[i].blueprint else {
            return derived;
        };
        let blueprint = &catalog.blueprints.list[bp];
        let mut put = |key: &str, kind: &'static str, result: Result<Value, Why>| {
            derived.kinds.insert(key.to_owned(), kind);
            match result {
                Ok(v) => {
                    derived.values.insert(key.to_owned(), v);
                }
                Err(why) => {
                    derived.values.insert(key.to_owned(), Value::Null);
                    derived.problems.push(Problem {
                        property: key.to_owned(),
                        kind,
                        message: why.message,
                        exceeded: why.exceeded,
                    });
                }
            }
        };
        let mirrors = self.mirrors(i, 0);
        for (key, result) in &mirrors {
            put(key, "mirror", result.clone());
        }
        for key in blueprint.aggregations.keys() {
            put(key, "aggregation", self.aggregation(i, key, 0));
        }
        for key in blueprint.calculations.keys() {
            put(key, "calculation", self.calculation(i, key, &mirrors));
        }
        derived
    }

    /// The mirror values of entity `i`, by key.
    fn mirrors(&self, i: usize, depth: usize) -> Vec<(String, Result<Value, Why>)> {
        let catalog = self.graph.catalog;
        let Some(bp) = catalog.entities[i].blueprint else {
            return Vec::new();
        };
        catalog.blueprints.list[bp]
            .mirrors
            .iter()
            .map(|(key, path)| (key.clone(), self.mirror(i, path, depth)))
            .collect()
    }

    /// One derived value of entity `i` by key (for a mirror path or an aggregation
    /// that ends at a derived property of another entity).
    fn derived_value(&self, i: usize, key: &str, depth: usize) -> Option<Result<Value, Why>> {
        let catalog = self.graph.catalog;
        let blueprint = &catalog.blueprints.list[catalog.entities[i].blueprint?];
        if depth > MAX_DEPTH {
            return Some(Err(format!(
                "derived properties refer to each other more than {MAX_DEPTH} levels deep (a cycle?)"
            )
            .into()));
        }
        if let Some(path) = blueprint.mirrors.get(key) {
            return Some(self.mirror(i, path, depth + 1));
        }
        if blueprint.aggregations.contains_key(key) {
            return Some(self.aggregation(i, key, depth + 1));
        }
        if blueprint.calculations.contains_key(key) {
            let mirrors = self.mirrors(i, depth + 1);
            return Some(self.calculation(i, key, &mirrors));
        }
        None
    }

    /// Follow a mirror path (`relation.relation.property`) from entity `i`. Through a
    /// `many` relation the value is a list, one item per related entity.
    fn mirror(&self, i: usize, path: &str, depth: usize) -> Result<Value, Why> {
        let catalog = self.graph.catalog;
        let segments: Vec<&str> = path.split('.').collect();
        let Some((last, relations)) = segments.split_last() else {
            return Ok(Value::Null);
        };
        let mut current = vec![i];
        let mut many = false;
        for segment in relations {
            let mut next = Vec::new();
            for &e in &current {
                if let Some(relation) = catalog.entities[e]
                    .blueprint
                    .and_then(|b| catalog.blueprints.list[b].relations.get(*segment))
                {
                    many |= relation.many;
                }
                next.extend(
                    self.graph
                        .outgoing(e)
                        .iter()
                        .filter(|o| o.relation == *segment)
                        .filter_map(|o| o.entity),
                );
            }
            current = next;
        }
        let mut values = Vec::with_capacity(current.len());
        for e in current {
            values.push(self.field(e, last, depth)?);
        }
        Ok(if many {
            Value::Array(values)
        } else {
            values.into_iter().next().unwrap_or(Value::Null)
        })
    }

    /// A property, meta property (`$title`…) or relation of entity `e`.
    fn field(&self, e: usize, name: &str, depth: usize) -> Result<Value, Why> {
        let catalog = self.graph.catalog;
        let entity = &catalog.entities[e];
        let document = |key: &str| entity.value.as_ref().and_then(|v| v.get(key)).cloned();
        Ok(match name {
            "$identifier" => Value::String(entity.identifier.clone()),
            "$title" => document("title").unwrap_or(Value::Null),
            "$icon" => document("icon").unwrap_or(Value::Null),
            "$team" => document("team").unwrap_or(Value::Null),
            "$blueprint" => entity
                .blueprint
                .map(|b| Value::String(catalog.blueprints.list[b].identifier.clone()))
                .unwrap_or(Value::Null),
            "$createdAt" | "$updatedAt" => {
                let key = &name[1..];
                document(key).ok_or_else(|| {
                    Why::from(format!(
                        "`{name}` of {} is Port's own record, and its file does not say it",
                        reference(catalog, entity)
                    ))
                })?
            }
            _ => {
                if let Some(v) = entity.properties().and_then(|p| p.get(name)) {
                    v.clone()
                } else if let Some(result) = self.derived_value(e, name, depth) {
                    result.map_err(|why| {
                        why.within(format!("`{name}` of {}", reference(catalog, entity)))
                    })?
                } else if let Some(v) = entity.relations().and_then(|r| r.get(name)) {
                    v.clone()
                } else {
                    Value::Null
                }
            }
        })
    }

    /// Run a calculation property's jq over the entity JSON, mirrors merged in.
    fn calculation(
        &self,
        i: usize,
        key: &str,
        mirrors: &[(String, Result<Value, Why>)],
    ) -> Result<Value, Why> {
        let catalog = self.graph.catalog;
        let entity = &catalog.entities[i];
        let Some(bp) = entity.blueprint else {
            return Ok(Value::Null);
        };
        let filter = match self.calculations[bp].get(key) {
            Some(Ok(filter)) => filter,
            Some(Err(e)) => return Err(format!("the jq does not compile: {e}").into()),
            None => return Ok(Value::Null),
        };
        let mirrored = mirrors
            .iter()
            .map(|(k, v)| (k, v.clone().unwrap_or(Value::Null)));
        let input = fields_val(port_fields(
            blueprint_name(&catalog.blueprints, entity),
            entity,
            mirrored,
        ));
        let definition = &catalog.blueprints.list[bp].calculations[key];
        let value = match filter.run_val(input) {
            Ok(values) => values.into_iter().next().unwrap_or(Value::Null),
            Err(jq::Failure::Error(e)) => return Err(format!("the jq failed: {e}").into()),
            Err(jq::Failure::Exceeded(limit)) => {
                let exceeded = Exceeded {
                    blueprint: catalog.blueprints.list[bp].identifier.clone(),
                    property: key.to_owned(),
                    calculation: definition.calculation.clone(),
                    entity: reference(catalog, entity),
                    limit,
                };
                return Err(Why {
                    message: format!("the jq was stopped: {limit}"),
                    exceeded: Some(Box::new(exceeded)),
                });
            }
        };
        let declared = &definition.kind;
        let fits = match declared.as_str() {
            "string" => value.is_string(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            _ => true,
        };
        if value.is_null() || fits {
            Ok(value)
        } else {
            Err(format!(
                "the jq produced {}, but the property is declared `{declared}`",
                super::blueprint::describe(&value)
            )
            .into())
        }
    }

    /// Compute an aggregation property of entity `i`.
    fn aggregation(&self, i: usize, key: &str, depth: usize) -> Result<Value, Why> {
        let catalog = self.graph.catalog;
        let Some(bp) = catalog.entities[i].blueprint else {
            return Ok(Value::Null);
        };
        let Some(def) = catalog.blueprints.list[bp].aggregations.get(key) else {
            return Ok(Value::Null);
        };
        let spec = def.get("calculationSpec").cloned().unwrap_or(Value::Null);
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let func = text(&spec, "func").unwrap_or_default();
        let by = text(&spec, "calculationBy").unwrap_or_else(|| "entities".into());
        if def
            .get("query")
            .is_some_and(|q| !q.is_null() && q.as_object().is_none_or(|o| !o.is_empty()))
        {
            return Err("its `query` is a Port search-rule query, which is evaluated by Port's search service; it is not computed offline".into());
        }
        let Some(target) = def
            .get("target")
            .and_then(Value::as_str)
            .and_then(|t| catalog.blueprints.index_of(t))
        else {
            return Err("its `target` names no blueprint".into());
        };
        let related = match def
            .get("pathFilter")
            .and_then(Value::as_array)
            .filter(|p| !p.is_empty())
        {
            Some(filters) => self.along_paths(i, bp, target, filters)?,
            None => self.related(i, target),
        };
        let time_based = |averaged: &str| {
            let over = text(&spec, "measureTimeBy").unwrap_or_else(|| "$createdAt".into());
            let per = text(&spec, "averageOf").unwrap_or_else(|| "day".into());
            format!(
                "it averages {averaged} per {per} of `{over}`, a time Port records and a Git repository does not; it is not computed offline"
            )
        };
        match (by.as_str(), func.as_str()) {
            ("entities", "count") => Ok(json!(related.len())),
            ("entities", "average") => Err(time_based("the number of related entities").into()),
            ("property", "sum" | "min" | "max" | "median" | "average") => {
                let Some(property) = text(&spec, "property") else {
                    return Err("`calculationSpec.property` is missing".into());
                };
                if func == "average"
                    && text(&spec, "averageOf").is_some_and(|a| a != "total")
                {
                    return Err(time_based(&format!("`{property}`")).into());
                }
                let mut numbers = Vec::with_capacity(related.len());
                for e in related {
                    match self.field(e, &property, depth)? {
                        Value::Number(n) => numbers.extend(n.as_f64()),
                        Value::Null => {}
                        other => {
                            return Err(format!(
                                "`{property}` of {} is {}, not a number",
                                reference(catalog, &catalog.entities[e]),
                                super::blueprint::describe(&other)
                            )
                            .into())
                        }
                    }
                }
                Ok(summarise(&func, &mut numbers))
            }
            (by, func) => Err(format!(
                "`{func}` by `{by}` is not one of Port's aggregations (count or average of entities; sum, min, max, average or median of a property)"
            )
            .into()),
        }
    }

    /// The entities of blueprint `target` that Port's `pathFilter` keeps: reached from
    /// `i` (blueprint `bp`) along each `path` of relation identifiers followed forwards,
    /// or — with `fromBlueprint` the target — entities whose `path` leads to `i`, found
    /// by following it backwards. Each once, in the order found.
    fn along_paths(
        &self,
        i: usize,
        bp: usize,
        target: usize,
        filters: &[Value],
    ) -> Result<Vec<usize>, String> {
        let catalog = self.graph.catalog;
        let mut found = Vec::new();
        let mut counted = HashSet::new();
        for filter in filters {
            let path: Vec<&str> = filter
                .get("path")
                .and_then(Value::as_array)
                .and_then(|p| p.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
                .filter(|p| !p.is_empty())
                .ok_or("each `pathFilter` item needs `path`, a list of relation identifiers")?;
            let from = filter.get("fromBlueprint").and_then(Value::as_str);
            let forwards = match from {
                None => true,
                Some(b) if catalog.blueprints.index_of(b) == Some(bp) && bp != target => true,
                Some(b) if catalog.blueprints.index_of(b) == Some(target) => false,
                Some(b) => return Err(format!("its `pathFilter` starts from `{b}`, which is neither this blueprint nor the target")),
            };
            let mut frontier = vec![i];
            let steps: Box<dyn Iterator<Item = &&str>> = if forwards {
                Box::new(path.iter())
            } else {
                Box::new(path.iter().rev())
            };
            for relation in steps {
                let mut next = Vec::new();
                let mut seen = HashSet::new();
                for &e in &frontier {
                    let reached: Vec<usize> = if forwards {
                        self.graph
                            .outgoing(e)
                            .iter()
                            .filter(|o| o.relation == *relation)
                            .filter_map(|o| o.entity)
                            .collect()
                    } else {
                        self.graph
                            .incoming(e)
                            .iter()
                            .filter(|n| n.relation == *relation)
                            .map(|n| n.source)
                            .collect()
                    };
                    next.extend(reached.into_iter().filter(|n| seen.insert(*n)));
                }
                frontier = next;
            }
            for e in frontier {
                if catalog.entities[e].blueprint == Some(target) && e != i && counted.insert(e) {
                    found.push(e);
                }
            }
        }
        Ok(found)
    }

    /// The entities of blueprint `target` related to `i` in any direction, as Port's
    /// aggregations see them: reachable following relations forward (downstream), or
    /// backward (upstream), along every path; each once, `i` excluded.
    pub fn related(&self, i: usize, target: usize) -> Vec<usize> {
        let catalog = self.graph.catalog;
        let mut found: Vec<usize> = Vec::new();
        let mut counted = HashSet::new();
        for forward in [true, false] {
            let mut seen = HashSet::from([i]);
            let mut queue = VecDeque::from([i]);
            while let Some(e) = queue.pop_front() {
                let next: Vec<usize> = if forward {
                    self.graph
                        .outgoing(e)
                        .iter()
                        .filter_map(|o| o.entity)
                        .collect()
                } else {
                    self.graph.incoming(e).iter().map(|n| n.source).collect()
                };
                for n in next {
                    if seen.insert(n) {
                        if catalog.entities[n].blueprint == Some(target) && counted.insert(n) {
                            found.push(n);
                        }
                        queue.push_back(n);
                    }
                }
            }
        }
        found.retain(|&n| n != i);
        found
    }
}

/// sum, min, max, average or median of numbers; null for an empty set except `sum`.
fn summarise(func: &str, numbers: &mut [f64]) -> Value {
    if numbers.is_empty() {
        return if func == "sum" { json!(0) } else { Value::Null };
    }
    numbers.sort_by(f64::total_cmp);
    let n = numbers.len();
    let value = match func {
        "sum" => numbers.iter().sum(),
        "min" => numbers[0],
        "max" => numbers[n - 1],
        "average" => numbers.iter().sum::<f64>() / n as f64,
        _ if n % 2 == 1 => numbers[n / 2],
        _ => (numbers[n / 2 - 1] + numbers[n / 2]) / 2.0,
    };
    number(value)
}

/// A number as JSON: an integer when it is one, so `3` is not printed `3.0`.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// The fields of an entity's JSON in Port's shape (DESIGN.md §3) — identifier, title,
/// blueprint, icon, team, properties, relations — in key order, borrowing from the
/// document what it can. `extra_properties` are merged into `.properties` (mirror or
/// derived values). [`port_json`] and [`entity_json`] copy them into JSON, and
/// [`entity_val`] straight into a jq value, so both shapes stay one.
fn port_fields<'e>(
    blueprint: Option<&str>,
    entity: &'e Entity,
    extra_properties: impl Iterator<Item = (&'e String, Value)>,
) -> Vec<(&'static str, Cow<'e, Value>)> {
    let document = entity.value.as_ref();
    let mut fields: Vec<(&'static str, Cow<'e, Value>)> = Vec::with_capacity(9);
    fields.push(("identifier", Cow::Owned(json!(entity.identifier))));
    fields.push((
        "title",
        Cow::Owned(entity.title().map_or(Value::Null, |t| json!(t))),
    ));
    fields.push((
        "blueprint",
        Cow::Owned(blueprint.map_or(Value::Null, |b| json!(b))),
    ));
    for key in ["icon", "team"] {
        if let Some(v) = document.and_then(|d| d.get(key)).filter(|v| !v.is_null()) {
            fields.push((key, Cow::Borrowed(v)));
        }
    }
    let mut extra = extra_properties.peekable();
    let properties = match (document.and_then(|d| d.get("properties")), extra.peek()) {
        (Some(p @ Value::Object(_)), None) => Cow::Borrowed(p),
        (p, _) => {
            let mut map = p.and_then(Value::as_object).cloned().unwrap_or_default();
            map.extend(extra.map(|(k, v)| (k.clone(), v)));
            Cow::Owned(Value::Object(map))
        }
    };
    fields.push(("properties", properties));
    fields.push((
        "relations",
        match document.and_then(|d| d.get("relations")) {
            Some(r @ Value::Object(_)) => Cow::Borrowed(r),
            _ => Cow::Owned(Value::Object(Map::new())),
        },
    ));
    fields
}

/// An entity in Port's JSON shape (DESIGN.md §3), without derived values.
pub fn port_json(catalog: &Catalog, entity: &Entity) -> Value {
    to_json(port_fields(
        blueprint_name(&catalog.blueprints, entity),
        entity,
        std::iter::empty(),
    ))
}

fn to_json(fields: Vec<(&'static str, Cow<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_owned()))
            .collect(),
    )
}

/// The fields of `list` and `show`: Port's shape with the derived values merged into
/// `.properties`, plus the file and line where the entity is defined.
fn entity_fields<'e>(
    located: &Located<'e>,
    derived: Option<&'e Derived>,
) -> Vec<(&'static str, Cow<'e, Value>)> {
    let extra = derived
        .into_iter()
        .flat_map(|d| d.values.iter().map(|(k, v)| (k, v.clone())));
    let mut fields = port_fields(located.blueprint, located.entity, extra);
    fields.push(("file", Cow::Owned(json!(located.file))));
    fields.push(("line", Cow::Owned(json!(located.line()))));
    fields
}

/// The entity JSON of `list` and `show` (see [`entity_fields`]).
pub fn entity_json(catalog: &Catalog, entity: &Entity, derived: Option<&Derived>) -> Value {
    to_json(entity_fields(&Located::of(catalog, entity), derived))
}

/// [`entity_json`] as a jq value, built without copying the document first: what
/// `list --where` runs its filter on, 100k times on a large catalog.
pub fn entity_val(located: &Located, derived: Option<&Derived>) -> jq::Val {
    fields_val(entity_fields(located, derived))
}

/// Fields as a jq object, in the key order of a JSON object (the order jq would see
/// had they gone through [`to_json`]).
fn fields_val(mut fields: Vec<(&'static str, Cow<Value>)>) -> jq::Val {
    fields.sort_by_key(|(k, _)| *k);
    jq::object(fields.iter().map(|(k, v)| (*k, &**v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{load, LoadOptions};
    use crate::source::Worktree;

    fn write(root: &std::path::Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// A catalog over the built-ins, with derived properties added to them.
    fn catalog(blueprints: &[(&str, &str)], entities: &[(&str, &str)]) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "portolan.yaml", "version: 1\n");
        for (path, text) in blueprints.iter().chain(entities) {
            write(dir.path(), path, text);
        }
        let loaded = load(
            &Worktree::new(dir.path()),
            LoadOptions {
                keep_values: true,
                ..LoadOptions::default()
            },
        )
        .unwrap();
        loaded.catalog
    }

    fn derived(catalog: &Catalog, blueprint: &str, id: &str) -> Derived {
        let graph = Graph::new(catalog);
        let i = graph.index_of(blueprint, id).unwrap();
        Deriver::new(&graph).derive(i)
    }

    const RESOURCE: &str = r#"{"identifier": "Resource", "schema": {"properties": {"type": {"type": "string"}, "cost": {"type": "number"}}},
        "relations": {}, "calculationProperties": {"label": {"type": "string", "calculation": ".title + \" (\" + .properties.type + \")\""}}}"#;
    const COMPONENT: &str = r#"{"identifier": "Component", "schema": {"properties": {"type": {"type": "string"}}},
        "relations": {"system": {"target": "System", "many": false}, "resources": {"target": "Resource", "many": true}},
        "mirrorProperties": {"systemTitle": {"path": "system.$title"}, "domainName": {"path": "system.domain.$identifier"}, "resourceTypes": {"path": "resources.type"}},
        "calculationProperties": {"summary": {"type": "string", "calculation": ".properties.systemTitle + \"/\" + .identifier"}},
        "aggregationProperties": {
          "resourceCount": {"target": "Resource", "calculationSpec": {"calculationBy": "entities", "func": "count"}},
          "cost": {"target": "Resource", "calculationSpec": {"calculationBy": "property", "func": "sum", "property": "cost"}},
          "medianCost": {"target": "Resource", "calculationSpec": {"calculationBy": "property", "func": "median", "property": "cost"}},
          "weekly": {"target": "Resource", "calculationSpec": {"calculationBy": "entities", "func": "average", "averageOf": "week", "measureTimeBy": "$createdAt"}},
          "queried": {"target": "Resource", "query": {"combinator": "and", "rules": [{"property": "type", "operator": "=", "value": "s3"}]}, "calculationSpec": {"calculationBy": "entities", "func": "count"}}}}"#;
    const SYSTEM: &str = r#"{"identifier": "System", "relations": {"domain": {"target": "Domain", "many": false}},
        "aggregationProperties": {"components": {"target": "Component", "calculationSpec": {"func": "count", "calculationBy": "entities"}},
          "maxCost": {"target": "Resource", "calculationSpec": {"calculationBy": "property", "func": "max", "property": "cost"}}}}"#;

    fn fixture() -> Catalog {
        catalog(
            &[
                ("blueprints/Resource.json", RESOURCE),
                ("blueprints/Component.json", COMPONENT),
                ("blueprints/System.json", SYSTEM),
            ],
            &[
                ("catalog/Domain/Orders.yaml", "title: Orders\n"),
                (
                    "catalog/System/Cart.yaml",
                    "title: Cart\nrelations: {domain: Orders}\n",
                ),
                (
                    "catalog/Component/cart.yaml",
                    "# the cart\n---\nidentifier: cart\nrelations:\n  system: Cart\n  resources: [db, topic, bucket]\n",
                ),
                (
                    "catalog/Resource/all.yaml",
                    "identifier: db\ntitle: DB\nproperties: {type: postgres, cost: 10}\n---\nidentifier: topic\ntitle: Topic\nproperties: {type: kafka, cost: 3}\n---\nidentifier: bucket\ntitle: Bucket\nproperties: {type: s3, cost: 4.5}\n",
                ),
            ],
        )
    }

    #[test]
    fn mirrors_follow_relation_paths() {
        let c = fixture();
        let d = derived(&c, "Component", "cart");
        assert_eq!(d.values["systemTitle"], json!("Cart"));
        assert_eq!(d.values["domainName"], json!("Orders"));
        assert_eq!(
            d.values["resourceTypes"],
            json!(["postgres", "kafka", "s3"])
        );
        assert_eq!(d.kinds["systemTitle"], "mirror");
    }

    #[test]
    fn calculations_see_mirrors_in_properties() {
        let c = fixture();
        assert_eq!(
            derived(&c, "Component", "cart").values["summary"],
            json!("Cart/cart")
        );
        assert_eq!(
            derived(&c, "Resource", "db").values["label"],
            json!("DB (postgres)")
        );
    }

    #[test]
    fn aggregations_over_related_entities() {
        let c = fixture();
        let d = derived(&c, "Component", "cart");
        assert_eq!(d.values["resourceCount"], json!(3));
        assert_eq!(d.values["cost"], json!(17.5));
        assert_eq!(d.values["medianCost"], json!(4.5));
        let s = derived(&c, "System", "Cart");
        assert_eq!(s.values["components"], json!(1));
        // Two hops downstream: System ← Component → Resource is not a path; upstream
        // then downstream is a sibling, so nothing is counted.
        assert_eq!(s.values["maxCost"], Value::Null);
    }

    #[test]
    fn what_cannot_be_computed_offline_is_a_problem_not_a_value() {
        let c = fixture();
        let d = derived(&c, "Component", "cart");
        assert_eq!(d.values["weekly"], Value::Null);
        assert_eq!(d.values["queried"], Value::Null);
        let problems: Vec<&str> = d.problems.iter().map(|p| p.property.as_str()).collect();
        assert_eq!(problems, ["queried", "weekly"]);
        assert!(d.problems[1].message.contains("$createdAt"));
        assert!(d.problems[0].message.contains("search-rule"));
    }

    #[test]
    fn a_calculation_stopped_by_its_budget_says_so_through_the_mirrors_that_read_it() {
        let c = catalog(
            &[
                (
                    "blueprints/System.json",
                    r#"{"identifier": "System", "relations": {},
                    "calculationProperties": {"runaway": {"type": "number", "calculation": "def f: [f]; f"}}}"#,
                ),
                (
                    "blueprints/Component.json",
                    r#"{"identifier": "Component",
                    "relations": {"system": {"target": "System", "many": false}},
                    "mirrorProperties": {"systemRunaway": {"path": "system.runaway"}}}"#,
                ),
            ],
            &[
                ("catalog/System/Cart.yaml", "title: Cart\n"),
                ("catalog/Component/cart.yaml", "relations: {system: Cart}\n"),
            ],
        );
        let d = derived(&c, "Component", "cart");
        assert_eq!(d.values["systemRunaway"], Value::Null);
        assert_eq!(d.problems[0].property, "systemRunaway");
        assert!(
            d.problems[0]
                .message
                .starts_with("`runaway` of System/Cart: the jq was stopped: it recursed"),
            "{:?}",
            d.problems
        );
        let exceeded = d.exceeded().unwrap();
        assert_eq!(
            (&*exceeded.blueprint, &*exceeded.property, &*exceeded.entity),
            ("System", "runaway", "System/Cart")
        );
        assert_eq!(exceeded.limit, jq::Limit::Stack);
        assert_eq!(derived(&c, "System", "Cart").exceeded(), Some(exceeded));
        // Other problems are not stops.
        assert_eq!(derived(&fixture(), "Component", "cart").exceeded(), None);
    }

    #[test]
    fn summaries() {
        assert_eq!(summarise("median", &mut [4.0, 1.0, 3.0, 2.0]), json!(2.5));
        assert_eq!(summarise("min", &mut [4.0, 1.0]), json!(1));
        assert_eq!(summarise("average", &mut [1.0, 2.0]), json!(1.5));
        assert_eq!(summarise("sum", &mut []), json!(0));
        assert_eq!(summarise("max", &mut []), Value::Null);
    }

    #[test]
    fn lines_skip_markers_and_comments() {
        let c = fixture();
        let graph = Graph::new(&c);
        let i = graph.index_of("Component", "cart").unwrap();
        assert_eq!(line_of(&c, &c.entities[i]), Some(3));
        let topic = graph.index_of("Resource", "topic").unwrap();
        assert_eq!(line_of(&c, &c.entities[topic]), Some(5));
        assert_eq!(graph.incoming(i).len(), 0);
        let db = graph.index_of("Resource", "db").unwrap();
        assert_eq!(graph.incoming(db)[0].relation, "resources");
    }
}
