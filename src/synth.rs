//! Synthetic platform repositories, for the benchmark and the end-to-end tests.
//!
//! [`generate`] writes a platform repository of N entities over the built-in blueprints
//! (Domain, System, Component, API, Resource): `portolan.yaml` and
//! `catalog/<Blueprint>/…`, mostly one entity per file, some multi-document YAML
//! files, some JSON files, some files in sub-folders, with relations that resolve. A
//! chosen share of the entities carries exactly one error each, from a mix of rules
//! (`relation-dangling`, `property-invalid`, `parse-error`, …); [`Generated::injected`]
//! names the file and the rule of each, so a test can check that `portolan validate`
//! finds every injected error with the right rule and flags nothing else.
//!
//! What keeps "one injected error, one finding" true:
//! - valid entities refer only to valid entities, so an error never spreads to the
//!   entities that refer to the broken one (an unknown blueprint or a file that does
//!   not parse would otherwise hide or add findings elsewhere);
//! - `components` relations point to earlier components only, so valid data has no
//!   relation cycle (a `relation-cycle` warning is a finding too);
//! - a duplicate identifier copies a valid entity that comes earlier in file order, so
//!   the duplicate, not the original, is the one reported;
//! - a dangling reference names an identifier that no entity and no file stem has.
//!
//! The output is deterministic: one [`Spec`] always gives the same bytes (a splitmix64
//! generator, no dependency).

use serde::Serialize;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// How many entities, over the five built-in blueprints.
    pub entities: usize,
    /// The share of entities that carry one injected error, from 0.0 to 1.0. The first
    /// entity of each blueprint always stays valid, so the others have something to
    /// refer to.
    pub invalid_share: f64,
    /// The seed of the generator: the same spec gives the same files.
    pub seed: u64,
}

impl Spec {
    /// `entities` valid entities, seed 1.
    pub fn new(entities: usize) -> Spec {
        Spec {
            entities,
            invalid_share: 0.0,
            seed: 1,
        }
    }
}

/// One injected error: the rule `portolan validate` must report on that file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Injected {
    /// The file, relative to the platform root, `/`-separated (as the JSON report
    /// writes it).
    pub file: String,
    /// The rule id (`relation-dangling`, …).
    pub rule: &'static str,
    /// The blueprint the entity was generated for.
    pub blueprint: &'static str,
    /// The identifier the entity was generated with (the broken entity may show
    /// another one, or none).
    pub entity: String,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Files written under `catalog/` (`portolan.yaml` not counted).
    pub files: usize,
    /// Entities written, valid or not.
    pub entities: usize,
    /// Every injected error, sorted by file and rule.
    pub injected: Vec<Injected>,
}

/// Rules an injected error can come from.
pub const RULES: &[&str] = &[
    RELATION_DANGLING,
    PROPERTY_INVALID,
    PROPERTY_UNKNOWN,
    RELATION_UNKNOWN,
    RELATION_CARDINALITY,
    RELATION_REQUIRED,
    IDENTIFIER_INVALID,
    BLUEPRINT_UNKNOWN,
    PARSE_ERROR,
    ENTITY_INVALID,
    IDENTIFIER_DUPLICATE,
];

const RELATION_DANGLING: &str = "relation-dangling";
const PROPERTY_INVALID: &str = "property-invalid";
const PROPERTY_UNKNOWN: &str = "property-unknown";
const RELATION_UNKNOWN: &str = "relation-unknown";
const RELATION_CARDINALITY: &str = "relation-cardinality";
const RELATION_REQUIRED: &str = "relation-required";
const IDENTIFIER_INVALID: &str = "identifier-invalid";
const BLUEPRINT_UNKNOWN: &str = "blueprint-unknown";
const PARSE_ERROR: &str = "parse-error";
const ENTITY_INVALID: &str = "entity-invalid";
const IDENTIFIER_DUPLICATE: &str = "identifier-duplicate";

/// Write a synthetic platform repository into `dir` (created if needed).
///
/// Refuses (`AlreadyExists`) when `dir/catalog` exists and is not empty, so stale
/// files never mix with a new catalog; refuses (`InvalidInput`) an `invalid_share`
/// outside 0..=1.
pub fn generate(dir: &Path, spec: &Spec) -> io::Result<Generated> {
    if !(0.0..=1.0).contains(&spec.invalid_share) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the invalid share must be between 0 and 1, not {}",
                spec.invalid_share
            ),
        ));
    }
    let catalog = dir.join("catalog");
    if catalog.is_dir() && std::fs::read_dir(&catalog)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} already holds files; generate into an empty folder",
                catalog.display()
            ),
        ));
    }
    let plan = Plan::new(spec);
    std::fs::create_dir_all(&catalog)?;
    std::fs::write(
        dir.join("portolan.yaml"),
        format!(
            "# A synthetic platform repository written by portolan's generator\n\
             # ({} entities, {}% invalid, seed {}).\n\
             version: 1\ncatalog:\n  roots: [catalog]\nenvironments: [dev, prod]\n",
            spec.entities,
            spec.invalid_share * 100.0,
            spec.seed
        ),
    )?;
    let mut folders: HashSet<String> = HashSet::new();
    for file in &plan.files {
        if let Some((folder, _)) = file.path.rsplit_once('/') {
            if folders.insert(folder.to_owned()) {
                std::fs::create_dir_all(dir.join(folder))?;
            }
        }
        std::fs::write(dir.join(&file.path), plan.render_file(file))?;
    }
    let mut injected: Vec<Injected> = plan
        .ents
        .iter()
        .filter_map(|e| {
            e.fault.map(|f| Injected {
                file: plan.files[e.file].path.clone(),
                rule: f.rule,
                blueprint: e.kind.name(),
                entity: e.id.clone(),
            })
        })
        .collect();
    injected.sort();
    Ok(Generated {
        files: plan.files.len(),
        entities: plan.ents.len(),
        injected,
    })
}

/// splitmix64: tiny, fast, and good enough to shuffle test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64) / ((1u64 << 53) as f64) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let i = self.below(items.len());
        items.get(i)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Domain,
    System,
    Component,
    Api,
    Resource,
}

const KINDS: [Kind; 5] = [
    Kind::Domain,
    Kind::System,
    Kind::Component,
    Kind::Api,
    Kind::Resource,
];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Domain => "Domain",
            Kind::System => "System",
            Kind::Component => "Component",
            Kind::Api => "API",
            Kind::Resource => "Resource",
        }
    }

    fn icon(self) -> &'static str {
        match self {
            Kind::Domain => "Server",
            Kind::System | Kind::Resource => "DevopsTool",
            Kind::Component => "Cloud",
            Kind::Api => "Link",
        }
    }

    /// A misspelt `blueprint:` key.
    fn typo(self) -> &'static str {
        match self {
            Kind::Domain => "Domian",
            Kind::System => "Sytem",
            Kind::Component => "Compnent",
            Kind::Api => "Api",
            Kind::Resource => "Resouce",
        }
    }

    /// A folder that looks right and names no blueprint.
    fn plural(self) -> &'static str {
        match self {
            Kind::Domain => "Domains",
            Kind::System => "Systems",
            Kind::Component => "Components",
            Kind::Api => "APIs",
            Kind::Resource => "Resources",
        }
    }

    /// The rules an entity of this blueprint can be broken by.
    fn faults(self) -> &'static [&'static str] {
        const COMMON: [&str; 7] = [
            PROPERTY_UNKNOWN,
            RELATION_UNKNOWN,
            IDENTIFIER_INVALID,
            BLUEPRINT_UNKNOWN,
            PARSE_ERROR,
            ENTITY_INVALID,
            IDENTIFIER_DUPLICATE,
        ];
        match self {
            Kind::Domain => &COMMON,
            Kind::System => &[
                PROPERTY_UNKNOWN,
                RELATION_UNKNOWN,
                IDENTIFIER_INVALID,
                BLUEPRINT_UNKNOWN,
                PARSE_ERROR,
                ENTITY_INVALID,
                IDENTIFIER_DUPLICATE,
                RELATION_REQUIRED,
                RELATION_DANGLING,
                RELATION_CARDINALITY,
            ],
            Kind::Component => &[
                PROPERTY_UNKNOWN,
                RELATION_UNKNOWN,
                IDENTIFIER_INVALID,
                BLUEPRINT_UNKNOWN,
                PARSE_ERROR,
                ENTITY_INVALID,
                IDENTIFIER_DUPLICATE,
                PROPERTY_INVALID,
                RELATION_DANGLING,
                RELATION_CARDINALITY,
            ],
            Kind::Api => &[
                PROPERTY_UNKNOWN,
                RELATION_UNKNOWN,
                IDENTIFIER_INVALID,
                BLUEPRINT_UNKNOWN,
                PARSE_ERROR,
                ENTITY_INVALID,
                IDENTIFIER_DUPLICATE,
                PROPERTY_INVALID,
                RELATION_DANGLING,
                RELATION_CARDINALITY,
                RELATION_REQUIRED,
            ],
            Kind::Resource => &[
                PROPERTY_UNKNOWN,
                RELATION_UNKNOWN,
                IDENTIFIER_INVALID,
                BLUEPRINT_UNKNOWN,
                PARSE_ERROR,
                ENTITY_INVALID,
                IDENTIFIER_DUPLICATE,
                PROPERTY_INVALID,
            ],
        }
    }
}

const DOMAINS: &[&str] = &[
    "payments",
    "orders",
    "catalog",
    "identity",
    "shipping",
    "search",
    "billing",
    "marketing",
    "inventory",
    "analytics",
    "support",
    "platform",
    "risk",
    "loyalty",
    "pricing",
    "media",
];

const NOUNS: &[&str] = &[
    "cart",
    "checkout",
    "invoice",
    "ledger",
    "refund",
    "wallet",
    "profile",
    "session",
    "token",
    "basket",
    "product",
    "review",
    "stock",
    "warehouse",
    "courier",
    "label",
    "tracking",
    "coupon",
    "campaign",
    "email",
    "report",
    "metrics",
    "ticket",
    "chat",
    "rating",
    "quote",
    "tax",
    "fraud",
    "score",
    "asset",
    "image",
    "feed",
    "index",
    "query",
    "gateway",
    "notifier",
    "scheduler",
    "exporter",
    "importer",
    "sync",
];

/// `cart` → `Cart`.
fn capital(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

/// One injected error: its rule and which of its forms.
#[derive(Clone, Copy, Debug)]
struct Fault {
    rule: &'static str,
    variant: usize,
}

/// A relation value.
#[derive(Clone, Debug)]
enum Rel {
    One(String),
    Many(Vec<String>),
}

/// One planned entity.
struct Ent {
    kind: Kind,
    /// Index among the entities of its blueprint.
    k: usize,
    /// The (valid) identifier it is generated with; also the stem of its own file.
    id: String,
    title: String,
    noun: &'static str,
    domain: &'static str,
    /// A Component that is a library rather than a service.
    library: bool,
    fault: Option<Fault>,
    /// Relations in blueprint order, targets valid entities only.
    relations: Vec<(&'static str, Rel)>,
    /// For a duplicate: the identifier it copies.
    copies: Option<String>,
    file: usize,
    doc: usize,
}

/// One planned file.
struct FilePlan {
    path: String,
    json: bool,
    /// Its entities, in document order.
    members: Vec<usize>,
}

/// A value of the document model, rendered as YAML or JSON.
enum Val {
    Str(String),
    Int(i64),
    Null,
    /// Written as is (a typographic quote that must not be escaped).
    Raw(String),
    List(Vec<String>),
    Map(Vec<(String, Val)>),
}

struct Plan {
    ents: Vec<Ent>,
    files: Vec<FilePlan>,
    /// Every identifier and file stem in the catalog: dangling references avoid them.
    taken: HashSet<String>,
    seed: u64,
}

impl Plan {
    fn new(spec: &Spec) -> Plan {
        let mut rng = Rng(spec.seed ^ 0x5EED_CA7A_1065_u64);
        let mut plan = Plan {
            ents: Vec::with_capacity(spec.entities),
            files: Vec::new(),
            taken: HashSet::new(),
            seed: spec.seed,
        };
        plan.entities(spec.entities, &mut rng);
        plan.faults(spec.invalid_share, &mut rng);
        plan.relations(&mut rng);
        plan.layout(&mut rng);
        plan.duplicates(&mut rng);
        plan.dangling(&mut rng);
        plan
    }

    /// Identifiers and titles, blueprint by blueprint.
    fn entities(&mut self, n: usize, rng: &mut Rng) {
        let domains = (n / 40).max(1).min(n);
        let mut rest = n - domains;
        let systems = (n / 12).max(1).min(rest);
        rest -= systems;
        let mut components = rest * 55 / 100;
        if rest > 0 {
            components = components.max(1);
        }
        let apis = if components == 0 { 0 } else { rest * 20 / 100 };
        let resources = rest - components - apis;
        let counts = [domains, systems, components, apis, resources];
        for (kind, count) in KINDS.into_iter().zip(counts) {
            for k in 0..count {
                let domain = DOMAINS[rng.below(DOMAINS.len())];
                let noun = NOUNS[rng.below(NOUNS.len())];
                let library = kind == Kind::Component && rng.chance(0.3);
                let (id, title) = match kind {
                    Kind::Domain => {
                        let word = DOMAINS[k % DOMAINS.len()];
                        match k / DOMAINS.len() {
                            0 => (word.to_owned(), capital(word)),
                            r => (format!("{word}-{r}"), format!("{} {r}", capital(word))),
                        }
                    }
                    Kind::System => (
                        format!("{}{k}", capital(noun)),
                        format!("{} {k}", capital(noun)),
                    ),
                    Kind::Component if library => (
                        format!("Core{}Library{k}", capital(noun)),
                        format!("Core {} Library {k}", capital(noun)),
                    ),
                    Kind::Component => (
                        format!("{}Service{k}", capital(noun)),
                        format!("{} Service {k}", capital(noun)),
                    ),
                    Kind::Api => (
                        format!("{}API{k}", capital(noun)),
                        format!("{} API {k}", capital(noun)),
                    ),
                    Kind::Resource => {
                        let (suffix, what) = match rng.below(4) {
                            0 => ("sql", "SQL database"),
                            1 => ("topic", "Kafka topic"),
                            2 => ("queue", "queue"),
                            _ => ("bucket", "bucket"),
                        };
                        (
                            format!("{noun}-{suffix}-{k}"),
                            format!("{} {what} {k}", capital(noun)),
                        )
                    }
                };
                self.taken.insert(id.clone());
                self.ents.push(Ent {
                    kind,
                    k,
                    id,
                    title,
                    noun,
                    domain: if kind == Kind::Domain {
                        DOMAINS[k % DOMAINS.len()]
                    } else {
                        domain
                    },
                    library,
                    fault: None,
                    relations: Vec::new(),
                    copies: None,
                    file: 0,
                    doc: 0,
                });
            }
        }
    }

    /// Choose the broken entities (never the first of a blueprint) and their errors.
    fn faults(&mut self, share: f64, rng: &mut Rng) {
        let mut candidates: Vec<usize> = (0..self.ents.len())
            .filter(|&i| self.ents[i].k > 0)
            .collect();
        let wanted = ((self.ents.len() as f64) * share).round() as usize;
        let wanted = wanted.min(candidates.len());
        for i in 0..wanted {
            let j = i + rng.below(candidates.len() - i);
            candidates.swap(i, j);
        }
        for &e in &candidates[..wanted] {
            let rules = self.ents[e].kind.faults();
            let rule = rules[rng.below(rules.len())];
            self.ents[e].fault = Some(Fault {
                rule,
                variant: rng.below(4),
            });
        }
    }

    /// Valid entities of a blueprint, in order.
    fn pool(&self, kind: Kind) -> Vec<usize> {
        self.ents
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == kind && e.fault.is_none())
            .map(|(i, _)| i)
            .collect()
    }

    /// Up to `max` distinct identifiers from a pool.
    fn some_of(&self, pool: &[usize], max: usize, rng: &mut Rng) -> Vec<String> {
        let want = rng.below(max + 1).min(pool.len());
        let mut chosen: Vec<usize> = Vec::with_capacity(want);
        for _ in 0..want * 2 {
            if chosen.len() == want {
                break;
            }
            if let Some(&e) = rng.pick(pool) {
                if !chosen.contains(&e) {
                    chosen.push(e);
                }
            }
        }
        chosen
            .into_iter()
            .map(|e| self.ents[e].id.clone())
            .collect()
    }

    /// Relations that resolve: every target is a valid entity.
    fn relations(&mut self, rng: &mut Rng) {
        let domains = self.pool(Kind::Domain);
        let systems = self.pool(Kind::System);
        let components = self.pool(Kind::Component);
        let services: Vec<usize> = components
            .iter()
            .copied()
            .filter(|&c| !self.ents[c].library)
            .collect();
        let libraries: Vec<usize> = components
            .iter()
            .copied()
            .filter(|&c| self.ents[c].library)
            .collect();
        let apis = self.pool(Kind::Api);
        let resources = self.pool(Kind::Resource);
        let mut provides: Vec<Option<String>> = vec![None; self.ents.len()];

        for e in 0..self.ents.len() {
            let kind = self.ents[e].kind;
            let relations = match kind {
                Kind::Domain | Kind::Resource => Vec::new(),
                Kind::System => match rng.pick(&domains) {
                    Some(&d) => vec![("domain", Rel::One(self.ents[d].id.clone()))],
                    None => Vec::new(),
                },
                Kind::Api => {
                    let from = if services.is_empty() {
                        &components
                    } else {
                        &services
                    };
                    match rng.pick(from) {
                        Some(&c) => {
                            if self.ents[e].fault.is_none() && provides[c].is_none() {
                                provides[c] = Some(self.ents[e].id.clone());
                            }
                            vec![("provider", Rel::One(self.ents[c].id.clone()))]
                        }
                        None => Vec::new(),
                    }
                }
                Kind::Component => {
                    let mut r = Vec::new();
                    if rng.chance(0.9) {
                        if let Some(&s) = rng.pick(&systems) {
                            r.push(("system", Rel::One(self.ents[s].id.clone())));
                        }
                    }
                    if !self.ents[e].library {
                        let res = self.some_of(&resources, 3, rng);
                        if !res.is_empty() || rng.chance(0.3) {
                            r.push(("resources", Rel::Many(res)));
                        }
                        let uses = self.some_of(&apis, 2, rng);
                        if !uses.is_empty() || rng.chance(0.3) {
                            r.push(("consumesApi", Rel::Many(uses)));
                        }
                    }
                    // Earlier components only: no cycle.
                    let k = self.ents[e].k;
                    let earlier = |pool: &[usize]| {
                        let end = pool.partition_point(|&c| self.ents[c].k < k);
                        pool[..end].to_vec()
                    };
                    let mut uses = earlier(&libraries);
                    if uses.is_empty() {
                        uses = earlier(&components);
                    }
                    let uses = self.some_of(&uses, 2, rng);
                    if !uses.is_empty() {
                        r.push(("components", Rel::Many(uses)));
                    }
                    r
                }
            };
            self.ents[e].relations = relations;
        }
        for (e, api) in provides.into_iter().enumerate() {
            if let Some(api) = api {
                self.ents[e].relations.push(("providesApi", Rel::One(api)));
            }
        }
    }

    /// Files: single documents (YAML or JSON), multi-document YAML files, sub-folders.
    fn layout(&mut self, rng: &mut Rng) {
        let mut groups = 0usize;
        for kind in KINDS {
            let members: Vec<usize> = (0..self.ents.len())
                .filter(|&e| self.ents[e].kind == kind)
                .collect();
            let (group_chance, json_chance, sub_chance) = match kind {
                Kind::Domain => (0.0, 0.1, 0.0),
                Kind::System => (0.25, 0.08, 0.0),
                Kind::Component => (0.12, 0.08, 0.5),
                Kind::Api => (0.0, 0.6, 0.3),
                Kind::Resource => (0.3, 0.05, 0.5),
            };
            let mut i = 0;
            while i < members.len() {
                let e = members[i];
                let ent = &self.ents[e];
                // An unknown blueprint by folder: a file of its own in a folder that
                // names no blueprint.
                if ent
                    .fault
                    .is_some_and(|f| f.rule == BLUEPRINT_UNKNOWN && f.variant % 2 == 1)
                {
                    let path = format!("catalog/{}/{}.yaml", kind.plural(), ent.id);
                    self.push_file(path, false, vec![e]);
                    i += 1;
                    continue;
                }
                let folder = if rng.chance(sub_chance) {
                    format!("catalog/{}/{}", kind.name(), ent.domain)
                } else {
                    format!("catalog/{}", kind.name())
                };
                if rng.chance(group_chance) {
                    let size = 2 + rng.below(4);
                    let mut group = vec![e];
                    while group.len() < size && i + group.len() < members.len() {
                        let next = members[i + group.len()];
                        let special = self.ents[next]
                            .fault
                            .is_some_and(|f| f.rule == BLUEPRINT_UNKNOWN && f.variant % 2 == 1);
                        if special {
                            break;
                        }
                        group.push(next);
                    }
                    i += group.len();
                    let stem = format!(
                        "{}-{}-{groups}",
                        ent.domain,
                        kind.plural().to_ascii_lowercase()
                    );
                    groups += 1;
                    self.taken.insert(stem.clone());
                    self.push_file(format!("{folder}/{stem}.yaml"), false, group);
                } else {
                    let json = rng.chance(json_chance);
                    let ext = if json { "json" } else { "yaml" };
                    let path = format!("{folder}/{}.{ext}", ent.id);
                    self.push_file(path, json, vec![e]);
                    i += 1;
                }
            }
        }
    }

    fn push_file(&mut self, path: String, json: bool, members: Vec<usize>) {
        let file = self.files.len();
        for (doc, &e) in members.iter().enumerate() {
            self.ents[e].file = file;
            self.ents[e].doc = doc;
        }
        self.files.push(FilePlan {
            path,
            json,
            members,
        });
    }

    /// Each duplicate copies the identifier of a valid entity of its blueprint that
    /// comes earlier in file order; without one, the fault becomes an unknown key.
    fn duplicates(&mut self, rng: &mut Rng) {
        for kind in KINDS {
            let mut order: Vec<usize> = (0..self.ents.len())
                .filter(|&e| self.ents[e].kind == kind)
                .collect();
            order.sort_by(|&a, &b| {
                let (ea, eb) = (&self.ents[a], &self.ents[b]);
                (self.files[ea.file].path.as_str(), ea.doc)
                    .cmp(&(self.files[eb.file].path.as_str(), eb.doc))
            });
            for (position, &e) in order.iter().enumerate() {
                if self.ents[e]
                    .fault
                    .is_none_or(|f| f.rule != IDENTIFIER_DUPLICATE)
                {
                    continue;
                }
                let valid = |c: usize| self.ents[c].fault.is_none();
                let mut original = None;
                for _ in 0..8 {
                    let c = order[rng.below(position)];
                    if position > 0 && valid(c) {
                        original = Some(c);
                        break;
                    }
                }
                if original.is_none() {
                    original = order[..position].iter().rev().copied().find(|&c| valid(c));
                }
                match original {
                    Some(c) => self.ents[e].copies = Some(self.ents[c].id.clone()),
                    None => {
                        self.ents[e].fault = Some(Fault {
                            rule: ENTITY_INVALID,
                            variant: 0,
                        });
                    }
                }
            }
        }
    }

    /// A dangling reference: a near miss of a real target, which exists nowhere.
    fn near_miss(&mut self, id: &str, rng: &mut Rng) -> String {
        let chars: Vec<char> = id.chars().collect();
        let letters: Vec<usize> = (0..chars.len())
            .filter(|&i| chars[i].is_ascii_alphabetic())
            .collect();
        for _ in 0..4 {
            let Some(&at) = rng.pick(&letters) else { break };
            let mut typo = chars.clone();
            typo.remove(at);
            let typo: String = typo.into_iter().collect();
            if !typo.is_empty() && !self.taken.contains(&typo) {
                self.taken.insert(typo.clone());
                return typo;
            }
        }
        let mut n = 1;
        loop {
            let typo = format!("{id}-v{n}");
            if self.taken.insert(typo.clone()) {
                return typo;
            }
            n += 1;
        }
    }

    /// Break one reference of each `relation-dangling` entity.
    fn dangling(&mut self, rng: &mut Rng) {
        for e in 0..self.ents.len() {
            if self.ents[e]
                .fault
                .is_none_or(|f| f.rule != RELATION_DANGLING)
            {
                continue;
            }
            let mut slots: Vec<(usize, Option<usize>)> = Vec::new();
            for (r, (_, rel)) in self.ents[e].relations.iter().enumerate() {
                match rel {
                    Rel::One(_) => slots.push((r, None)),
                    Rel::Many(items) => slots.extend((0..items.len()).map(|i| (r, Some(i)))),
                }
            }
            let Some(&(r, item)) = rng.pick(&slots) else {
                // A Component without relations: refer to a component that is not there.
                let missing = self.near_miss("CoreLibrary", rng);
                self.ents[e]
                    .relations
                    .push(("components", Rel::Many(vec![missing])));
                continue;
            };
            let target = match (&self.ents[e].relations[r].1, item) {
                (Rel::One(t), _) => t.clone(),
                (Rel::Many(items), Some(i)) => items[i].clone(),
                (Rel::Many(_), None) => continue,
            };
            let missing = self.near_miss(&target, rng);
            match (&mut self.ents[e].relations[r].1, item) {
                (Rel::One(t), _) => *t = missing,
                (Rel::Many(items), Some(i)) => items[i] = missing,
                (Rel::Many(_), None) => {}
            }
        }
    }

    /// The document of one entity, its injected error applied (except the textual
    /// ones, which [`Plan::render_file`] applies).
    fn document(&self, e: usize, multi: bool) -> (Option<String>, Vec<(String, Val)>) {
        let ent = &self.ents[e];
        let fault = ent.fault.map(|f| (f.rule, f.variant));
        let s = |v: &str| Val::Str(v.to_owned());
        let mut fields: Vec<(String, Val)> = Vec::new();
        let comment = match ent.kind {
            Kind::Domain => format!("The {} domain.", ent.domain),
            Kind::System => format!("{}: a system of the {} domain.", ent.title, ent.domain),
            Kind::Component => format!(
                "{}: owned by the {} team; on call in #{}-oncall.",
                ent.title, ent.domain, ent.domain
            ),
            Kind::Api => format!("{}: served by its provider, versioned in Git.", ent.title),
            Kind::Resource => format!("{}: provisioned by Crossplane.", ent.title),
        };
        let comment = (!multi || ent.kind == Kind::Component).then_some(comment);

        let identifier = match (fault, &ent.copies) {
            (_, Some(original)) => Some(s(original)),
            (Some((IDENTIFIER_INVALID, v)), _) => {
                // The title as identifier: it has spaces.
                let spaced = if ent.title.contains(' ') {
                    ent.title.clone()
                } else {
                    format!("{} {}", ent.title, ent.kind.name().to_ascii_lowercase())
                };
                match v % 3 {
                    1 => Some(Val::Int(10_000 + ent.k as i64)),
                    2 if multi => None,
                    _ => Some(Val::Str(spaced)),
                }
            }
            _ => Some(s(&ent.id)),
        };
        if let Some(identifier) = identifier {
            fields.push(("identifier".into(), identifier));
        }
        match fault {
            Some((ENTITY_INVALID, v)) if v % 4 == 1 => {
                fields.push(("title".into(), Val::Int(2000 + ent.k as i64)));
            }
            Some((PARSE_ERROR, v)) if v % 3 == 2 => {
                fields.push(("title".into(), Val::Raw(format!("“{}”", ent.title))));
            }
            _ => fields.push(("title".into(), s(&ent.title))),
        }
        if matches!(fault, Some((PARSE_ERROR, v)) if v % 3 == 1) {
            fields.push(("title".into(), s(&format!("{} (old)", ent.title))));
        }
        match fault {
            Some((BLUEPRINT_UNKNOWN, v)) if v % 2 == 0 => {
                fields.push(("blueprint".into(), s(ent.kind.typo())));
            }
            Some((BLUEPRINT_UNKNOWN, _)) => {}
            _ if (ent.k + self.seed as usize).is_multiple_of(3) => {
                fields.push(("blueprint".into(), s(ent.kind.name())));
            }
            _ => {}
        }
        fields.push(("icon".into(), s(ent.kind.icon())));
        let mut teams = vec![ent.domain.to_owned()];
        if ent.k % 4 == 1 {
            teams.push("sre".to_owned());
        }
        fields.push(("team".into(), Val::List(teams)));
        // Port's meta keys, as an export from Port writes them: accepted and ignored.
        if (ent.k + self.seed as usize) % 5 < 2 {
            let at = |hour: usize| {
                format!(
                    "2025-{:02}-{:02}T{hour:02}:{:02}:{:02}.{:03}Z",
                    ent.k % 12 + 1,
                    ent.k % 28 + 1,
                    ent.k % 60,
                    (ent.k / 60) % 60,
                    ent.k % 1000
                )
            };
            fields.push(("createdAt".into(), s(&at(9))));
            fields.push((
                "createdBy".into(),
                s(&format!("{}-bot@acme.example", ent.domain)),
            ));
            fields.push(("updatedAt".into(), s(&at(17))));
            fields.push(("updatedBy".into(), s("jane.doe@acme.example")));
        }
        match fault {
            Some((ENTITY_INVALID, v)) if v % 4 == 0 => fields.push((
                "description".into(),
                s(&format!("{} of the {} domain", ent.title, ent.domain)),
            )),
            Some((ENTITY_INVALID, v)) if v % 4 == 3 => {
                fields.push(("owner".into(), s(&format!("{}-team", ent.domain))));
            }
            _ => {}
        }

        let mut properties: Vec<(String, Val)> = Vec::new();
        match ent.kind {
            Kind::Domain | Kind::System => {}
            Kind::Component => {
                let app = format!("{}-{}", ent.noun, ent.k);
                properties.push((
                    "type".into(),
                    s(if ent.library { "library" } else { "service" }),
                ));
                if !ent.library {
                    properties.push(("app".into(), s(&app)));
                }
                properties.push((
                    "repository".into(),
                    s(&format!("https://github.com/acme/{app}")),
                ));
                let lifecycle = ["production", "experimental", "deprecated"][ent.k % 3];
                properties.push(("lifecycle".into(), s(lifecycle)));
            }
            Kind::Api => {
                properties.push(("type".into(), s(["Open API", "grpc"][ent.k % 2])));
            }
            Kind::Resource => {
                let kind = if ent.id.contains("-sql-") {
                    "postgress"
                } else if ent.id.contains("-topic-") {
                    "kafka-topic"
                } else if ent.id.contains("-queue-") {
                    "rabbit-queue"
                } else {
                    "s3-bucket"
                };
                properties.push(("type".into(), s(kind)));
            }
        }
        match fault {
            Some((PROPERTY_INVALID, v)) => {
                let (key, bad) = match (ent.kind, v % 3) {
                    (Kind::Component, 0) => ("type", if ent.library { "libary" } else { "servce" }),
                    (Kind::Component, 1) => ("lifecycle", "prod"),
                    (Kind::Component, _) => ("app", "Cart_Service"),
                    (Kind::Api, 0) => ("type", "OpenAPI"),
                    (Kind::Api, _) => ("type", "rest"),
                    (_, 0) => ("type", "postgres"),
                    _ => ("type", "kafka"),
                };
                let bad = if key == "app" {
                    format!("{}_{}", capital(ent.noun), ent.k)
                } else {
                    bad.to_owned()
                };
                match properties.iter_mut().find(|(k, _)| k == key) {
                    Some((_, value)) => *value = Val::Str(bad),
                    None => properties.push((key.to_owned(), Val::Str(bad))),
                }
            }
            Some((PROPERTY_UNKNOWN, _)) => {
                let (key, value) = match ent.kind {
                    Kind::Domain => ("owner", format!("{}-team", ent.domain)),
                    Kind::System => ("tier", "gold".to_owned()),
                    Kind::Component => ("language", "go".to_owned()),
                    Kind::Api => ("version", "v2".to_owned()),
                    Kind::Resource => ("size", "20Gi".to_owned()),
                };
                properties.push((key.into(), Val::Str(value)));
            }
            _ => {}
        }
        if !properties.is_empty() {
            let key = match fault {
                Some((ENTITY_INVALID, v)) if v % 4 == 2 => "propeties",
                _ => "properties",
            };
            fields.push((key.into(), Val::Map(properties)));
        } else if matches!(fault, Some((ENTITY_INVALID, v)) if v % 4 == 2) {
            fields.push((
                "description".into(),
                s(&format!("{} of the {} domain", ent.title, ent.domain)),
            ));
        }

        let mut relations: Vec<(String, Val)> = ent
            .relations
            .iter()
            .map(|(key, rel)| {
                let value = match rel {
                    Rel::One(t) => Val::Str(t.clone()),
                    Rel::Many(items) => Val::List(items.clone()),
                };
                ((*key).to_owned(), value)
            })
            .collect();
        match fault {
            Some((RELATION_UNKNOWN, _)) => {
                let (key, value) = match ent.kind {
                    Kind::Domain => ("parent", s(&self.ents[0].id)),
                    Kind::System => ("owner", s(&format!("{}-team", ent.domain))),
                    Kind::Component => ("dependsOn", Val::List(Vec::new())),
                    Kind::Api => ("consumers", Val::List(Vec::new())),
                    Kind::Resource => ("system", s(&capital(ent.noun))),
                };
                relations.push((key.into(), value));
            }
            Some((RELATION_CARDINALITY, v)) => {
                // A single relation written as a list, or a many relation as a scalar.
                let position = relations
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, value))| match value {
                        Val::Str(_) => true,
                        Val::List(items) => !items.is_empty(),
                        _ => false,
                    })
                    .map(|(i, _)| i)
                    .collect::<Vec<_>>();
                if let Some(&i) = position.get(v % position.len().max(1)) {
                    let value = std::mem::replace(&mut relations[i].1, Val::Null);
                    relations[i].1 = match value {
                        Val::Str(t) => Val::List(vec![t]),
                        Val::List(mut items) => Val::Str(items.swap_remove(0)),
                        other => other,
                    };
                } else {
                    // A Component that refers to nothing: a list where one system goes.
                    let system = self.ents.iter().find(|e| e.kind == Kind::System);
                    let domain = self.ents.iter().find(|e| e.kind == Kind::Domain);
                    let target = system.or(domain).map(|e| e.id.clone()).unwrap_or_default();
                    relations.push(("system".into(), Val::List(vec![target])));
                }
            }
            Some((RELATION_REQUIRED, v)) => {
                let required = if ent.kind == Kind::Api {
                    "provider"
                } else {
                    "domain"
                };
                if v % 2 == 0 {
                    relations.retain(|(k, _)| k != required);
                } else if let Some((_, value)) = relations.iter_mut().find(|(k, _)| k == required) {
                    *value = Val::Null;
                }
            }
            _ => {}
        }
        if !relations.is_empty() {
            fields.push(("relations".into(), Val::Map(relations)));
        }
        (comment, fields)
    }

    /// The text of one file.
    fn render_file(&self, file: &FilePlan) -> String {
        let mut out = String::with_capacity(600 * file.members.len());
        let multi = file.members.len() > 1;
        if multi {
            let _ = writeln!(
                out,
                "# {} of the {} team, one per document.",
                self.ents[file.members[0]].kind.plural(),
                self.ents[file.members[0]].domain
            );
        }
        for (doc, &e) in file.members.iter().enumerate() {
            let (comment, fields) = self.document(e, multi);
            let start = out.len();
            if doc > 0 {
                out.push_str("---\n");
            }
            if file.json {
                write_json(&mut out, &fields);
            } else {
                if let Some(comment) = comment {
                    let _ = writeln!(out, "# {comment}");
                }
                write_yaml_fields(&mut out, 0, &fields);
            }
            let fault = self.ents[e].fault;
            if let Some(Fault {
                rule: PARSE_ERROR,
                variant,
            }) = fault
            {
                if variant % 3 == 0 {
                    break_text(&mut out, start, file.json);
                }
            }
        }
        out
    }
}

/// The textual parse errors: a tab for indentation (YAML), a trailing comma (JSON).
fn break_text(out: &mut String, start: usize, json: bool) {
    if json {
        if let Some(at) = out.rfind("\n}") {
            out.insert(at, ',');
        }
        return;
    }
    if let Some(at) = out[start..].find("\n  ") {
        let at = start + at + 1;
        out.replace_range(at..at + 2, "\t");
    }
}

/// Whether a string can be written as a plain YAML scalar and read back as itself.
fn plain(s: &str) -> bool {
    let first_ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    first_ok
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || " _.:/@+-#()".contains(c))
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with([':', ' '])
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        )
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn yaml_scalar(out: &mut String, s: &str) {
    if plain(s) {
        out.push_str(s);
    } else {
        json_string(out, s);
    }
}

fn write_yaml_fields(out: &mut String, indent: usize, fields: &[(String, Val)]) {
    for (key, value) in fields {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str(key);
        out.push(':');
        match value {
            Val::Str(s) => {
                out.push(' ');
                yaml_scalar(out, s);
                out.push('\n');
            }
            Val::Int(i) => {
                let _ = writeln!(out, " {i}");
            }
            Val::Null => out.push_str(" null\n"),
            Val::Raw(raw) => {
                let _ = writeln!(out, " {raw}");
            }
            Val::List(items) if items.is_empty() => out.push_str(" []\n"),
            Val::List(items) => {
                out.push('\n');
                for item in items {
                    out.extend(std::iter::repeat_n(' ', indent + 2));
                    out.push_str("- ");
                    yaml_scalar(out, item);
                    out.push('\n');
                }
            }
            Val::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
            Val::Map(entries) => {
                out.push('\n');
                write_yaml_fields(out, indent + 2, entries);
            }
        }
    }
}

fn write_json(out: &mut String, fields: &[(String, Val)]) {
    write_json_map(out, 0, fields);
    out.push('\n');
}

fn write_json_map(out: &mut String, indent: usize, fields: &[(String, Val)]) {
    if fields.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (i, (key, value)) in fields.iter().enumerate() {
        out.extend(std::iter::repeat_n(' ', indent + 2));
        json_string(out, key);
        out.push_str(": ");
        match value {
            Val::Str(s) => json_string(out, s),
            Val::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Val::Null => out.push_str("null"),
            Val::Raw(raw) => out.push_str(raw),
            Val::List(items) => {
                out.push('[');
                for (j, item) in items.iter().enumerate() {
                    if j > 0 {
                        out.push_str(", ");
                    }
                    json_string(out, item);
                }
                out.push(']');
            }
            Val::Map(entries) => write_json_map(out, indent + 2, entries),
        }
        if i + 1 < fields.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.extend(std::iter::repeat_n(' ', indent));
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_spec_same_plan() {
        let spec = Spec {
            entities: 500,
            invalid_share: 0.2,
            seed: 7,
        };
        let (a, b) = (Plan::new(&spec), Plan::new(&spec));
        assert_eq!(a.files.len(), b.files.len());
        for (fa, fb) in a.files.iter().zip(&b.files) {
            assert_eq!(fa.path, fb.path);
            assert_eq!(a.render_file(fa), b.render_file(fb));
        }
        let invalid = a.ents.iter().filter(|e| e.fault.is_some()).count();
        assert_eq!(invalid, 100);
    }

    #[test]
    fn valid_entities_refer_to_valid_entities_only() {
        let spec = Spec {
            entities: 2000,
            invalid_share: 0.3,
            seed: 3,
        };
        let plan = Plan::new(&spec);
        let invalid: HashSet<&str> = plan
            .ents
            .iter()
            .filter(|e| e.fault.is_some())
            .map(|e| e.id.as_str())
            .collect();
        for ent in &plan.ents {
            for (_, rel) in &ent.relations {
                let targets = match rel {
                    Rel::One(t) => vec![t.as_str()],
                    Rel::Many(items) => items.iter().map(String::as_str).collect(),
                };
                for t in targets {
                    assert!(!invalid.contains(t), "{} refers to the broken {t}", ent.id);
                }
            }
        }
    }

    #[test]
    fn plain_scalars() {
        assert!(plain("CartService12"));
        assert!(plain("https://github.com/acme/cart-1"));
        assert!(plain("Open API"));
        assert!(!plain("yes"));
        assert!(!plain("12"));
        assert!(!plain("a: b"));
    }
}
