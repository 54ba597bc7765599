//! Loading a platform repository: config, blueprints, entities, checks, positions.
//!
//! Files are read and parsed in parallel; each entity is checked against its
//! blueprint right after parsing, on the same thread, so the value is hot in cache.
//! Graph-wide rules run once the index is built. Positions are computed last, only for
//! files with findings.

use super::positions;
use crate::catalog::blueprint::{Blueprint, Origin};
use crate::catalog::derived::{blueprint_name, Located};
use crate::catalog::entity::file_stem;
use crate::catalog::{builtin, Blueprints, Catalog, Entity, Shadows, SourceFile};
use crate::checks::{self, entity::DocumentContext};
use crate::config::{self, Config};
use crate::diagnostic::{self, parse_findings, Diagnostic, Place};
use crate::rules;
use crate::source::parse::{parse_bytes, Format, Parsed};
use crate::source::{read_and_parse, Source};
use rayon::prelude::*;
use serde_json::Value;
use std::collections::HashSet;

/// A loaded catalog and every finding, sorted.
pub struct Loaded {
    pub catalog: Catalog,
    pub diagnostics: Vec<Diagnostic>,
    /// What [`super::recheck`] reuses, when the load was asked to keep it.
    pub(super) reuse: Option<Reuse>,
}

/// What a [`super::recheck`] of a load reuses, apart from its catalog: opaque.
pub struct Reusable(pub(super) Option<Reuse>);

impl Loaded {
    /// The catalog, the findings, and what a [`super::recheck`] of this load reuses —
    /// for a command that uses the catalog (plans a change on it) before checking the
    /// repository again with that change laid over it.
    pub fn split(self) -> (Catalog, Vec<Diagnostic>, Reusable) {
        (self.catalog, self.diagnostics, Reusable(self.reuse))
    }
}

/// Why a catalog could not be loaded at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("portolan.yaml is invalid")]
    Config(Vec<Diagnostic>, Vec<SourceFile>),
    #[error("cannot list {dir}: {error}")]
    Io { dir: String, error: std::io::Error },
}

/// What to keep of a loaded catalog.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep every entity's whole document (commands that show entities); `validate`
    /// keeps only what the graph checks need, so 100k entities fit in 300 MB.
    pub keep_values: bool,
    /// A manifest kind without a schema is an error, not a warning.
    pub strict: bool,
    /// Keep what a re-check with an overlay reuses ([`super::recheck`]): each entity
    /// file's own findings, once more. For `new` and `run`, which validate the
    /// repository as the change will leave it.
    pub reusable: bool,
}

/// A choice of entities made while the catalog loads. The documents a command will not
/// show are dropped as soon as they are checked, as `validate` drops every one, so a
/// large catalog is never held whole: at 100k entities, `list --where` kept 490 MB of
/// documents to print a sixth of them, and paid for that memory more than for jq.
pub trait Sieve: Sync {
    /// Whether entities can be judged one at a time under these blueprints; when not
    /// (their JSON has derived values, which need the whole graph), every document is
    /// kept and the command chooses once the catalog is loaded.
    fn applies(&self, blueprints: &Blueprints) -> bool;
    /// Whether to keep this entity's document; a dropped one is `value: None`.
    fn keep(&self, entity: &Located) -> bool;
}

/// Load and check the platform repository a source gives.
pub fn load(source: &dyn Source, options: LoadOptions) -> Result<Loaded, LoadError> {
    load_sieved(source, options, None)
}

/// [`load`], keeping the documents a [`Sieve`] keeps when it applies (else as
/// `options.keep_values` says).
pub fn load_sieved(
    source: &dyn Source,
    options: LoadOptions,
    sieve: Option<&dyn Sieve>,
) -> Result<Loaded, LoadError> {
    let prelude = prelude(source)?;
    let sieve = sieve.filter(|s| s.applies(&prelude.blueprints));
    let work = entity_paths(source, &prelude.config)?
        .into_iter()
        .map(|(root, path)| Work::Read { root, path })
        .collect();
    assemble(source, prelude, work, options, sieve)
}

/// What comes before the entities: the config and the blueprints in force, with their
/// files and findings.
pub(super) struct Prelude {
    pub config: Config,
    pub blueprints: Blueprints,
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub files_read: usize,
    /// The blueprint files read (a change to one changes every entity's checks).
    pub blueprint_paths: Vec<String>,
}

pub(super) fn prelude(source: &dyn Source) -> Result<Prelude, LoadError> {
    let config = config::load(source).map_err(|mut findings| {
        let files = config_file(source).into_iter().collect::<Vec<_>>();
        positions::resolve(&files, &mut findings);
        LoadError::Config(findings, files)
    })?;
    let mut files: Vec<SourceFile> = Vec::new();
    let mut diagnostics = Vec::new();
    let mut files_read = usize::from(source.exists(config::CONFIG_FILE));
    let blueprint_paths = list(source, &config.blueprints.dir)?;
    files_read += blueprint_paths.len();
    let blueprints = load_blueprints(
        source,
        &config,
        &blueprint_paths,
        &mut files,
        &mut diagnostics,
    );
    diagnostics.extend(checks::blueprints::check(&blueprints));
    Ok(Prelude {
        config,
        blueprints,
        files,
        diagnostics,
        files_read,
        blueprint_paths,
    })
}

/// One entity file to load: read and checked, or taken as an earlier load left it.
pub(super) enum Work {
    Read { root: String, path: String },
    Reuse(FileOutcome),
}

/// The entity files of a load as [`super::recheck`] reuses them, in load order.
pub(super) struct Reuse {
    pub blueprint_paths: Vec<String>,
    /// Each entity file: its root, path, entity count, own findings and shadows.
    pub entity_files: Vec<Part>,
    /// The index of the first entity file in the catalog's files.
    pub first_entity_file: usize,
}

/// What one entity file contributed, apart from its entities and its text.
pub(super) struct Part {
    pub root: String,
    pub path: String,
    pub entities: usize,
    pub findings: Vec<Diagnostic>,
    pub shadows: Vec<(Option<String>, String)>,
}

/// Load the entity files (reading those to read), the manifests at the same time, then
/// everything that needs the whole catalog.
pub(super) fn assemble(
    source: &dyn Source,
    prelude: Prelude,
    work: Vec<Work>,
    options: LoadOptions,
    sieve: Option<&dyn Sieve>,
) -> Result<Loaded, LoadError> {
    let Prelude {
        config,
        blueprints,
        mut files,
        mut diagnostics,
        mut files_read,
        blueprint_paths,
    } = prelude;
    let manifest_paths =
        crate::manifests::discover::paths(source, &config).map_err(|error| LoadError::Io {
            dir: config.manifests.dirs.join(", "),
            error,
        })?;
    files_read += work.len() + manifest_paths.len();
    let first_file = files.len();
    let first_manifest_file = first_file + work.len();
    // The catalog and the manifests load at the same time.
    let (outcomes, discovered) = rayon::join(
        || {
            work.into_par_iter()
                .enumerate()
                .map(|(i, work)| {
                    let file = first_file + i;
                    match work {
                        Work::Read { root, path } => load_entity_file(
                            source,
                            &blueprints,
                            &root,
                            &path,
                            file,
                            options,
                            sieve,
                        ),
                        Work::Reuse(mut outcome) => {
                            for entity in &mut outcome.entities {
                                entity.file = file;
                            }
                            outcome
                        }
                    }
                })
                .collect::<Vec<FileOutcome>>()
        },
        || crate::manifests::discover::load(source, &manifest_paths, first_manifest_file),
    );

    // Sized once: growing a 100k-entity list step by step copies it several times.
    let mut entities = Vec::with_capacity(outcomes.iter().map(|o| o.entities.len()).sum());
    files.reserve(outcomes.len() + discovered.files.len());
    let mut shadows = Shadows::default();
    let mut parts = Vec::with_capacity(if options.reusable { outcomes.len() } else { 0 });
    for outcome in outcomes {
        if options.reusable {
            parts.push(Part {
                root: outcome.root.clone(),
                path: outcome.file.path.clone(),
                entities: outcome.entities.len(),
                findings: outcome.findings.clone(),
                shadows: outcome.shadows.clone(),
            });
        }
        files.push(outcome.file);
        entities.extend(outcome.entities);
        diagnostics.extend(outcome.findings);
        for (blueprint, id) in outcome.shadows {
            match blueprint {
                Some(b) => shadows.by_blueprint.entry(b).or_default().insert(id),
                None => shadows.any_blueprint.insert(id),
            };
        }
    }
    // An entity whose blueprint is unknown still exists for whoever refers to it.
    for entity in entities.iter().filter(|e| e.blueprint.is_none()) {
        shadows.any_blueprint.insert(entity.identifier.clone());
    }

    files.extend(discovered.files);
    diagnostics.extend(discovered.findings);
    let mut catalog = Catalog {
        config,
        files,
        blueprints,
        entities,
        by_blueprint: Vec::new(),
        shadows,
        files_read,
    };
    diagnostics.extend(checks::graph::index(&mut catalog));
    diagnostics.extend(checks::relations::check_targets(&catalog));
    diagnostics.extend(checks::graph::cycles(&catalog));
    // The manifests are checked here and not kept: the model is the catalog.
    let manifests = discovered.manifests;
    if !manifests.is_empty() {
        let registry = crate::manifests::registry::Registry::new(
            source,
            catalog.config.manifests.schemas.as_deref(),
            &manifests,
            &catalog.files,
        );
        diagnostics.extend(checks::manifests::check(
            &catalog,
            &manifests,
            source,
            &registry,
            options.strict,
        ));
    }

    let (template_files, template_findings) =
        crate::template::check::check(source, &catalog.config, &catalog.blueprints);
    catalog.files_read += template_files.len();
    catalog.files.extend(template_files);
    diagnostics.extend(template_findings);
    diagnostics.extend(passed_over(source));

    positions::resolve(&catalog.files, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    let reuse = options.reusable.then_some(Reuse {
        blueprint_paths,
        entity_files: parts,
        first_entity_file: first_file,
    });
    Ok(Loaded {
        catalog,
        diagnostics,
        reuse,
    })
}

/// What the listings passed over without reading: links (a warning: the content is
/// not checked) and submodules (a note: it belongs to another repository).
fn passed_over(source: &dyn Source) -> Vec<Diagnostic> {
    use crate::source::PassedKind;
    source
        .passed_over()
        .into_iter()
        .map(|passed| match passed.kind {
            PassedKind::Link => Diagnostic::new(
                &rules::SYMLINK_IGNORED,
                Place::file(&passed.path),
                format!(
                    "`{}` is a symbolic link: portolan does not follow links, so it is not read",
                    passed.path
                ),
            )
            .help("replace the link with the file or folder it points to"),
            PassedKind::Submodule => Diagnostic::new(
                &rules::SUBMODULE_IGNORED,
                Place::file(&passed.path),
                format!(
                    "`{}` is a Git submodule or a repository of its own: its files are not part of this catalog",
                    passed.path
                ),
            )
            .help("validate that repository itself to check its entities"),
        })
        .collect()
}

/// `portolan.yaml` as a source file, for the positions of its findings.
fn config_file(source: &dyn Source) -> Option<SourceFile> {
    let (file, parsed) = read_and_parse(source, config::CONFIG_FILE);
    Some(SourceFile {
        text: parsed.text,
        ..file
    })
}

fn list(source: &dyn Source, dir: &str) -> Result<Vec<String>, LoadError> {
    let files = source.files_under(dir).map_err(|error| LoadError::Io {
        dir: dir.to_owned(),
        error,
    })?;
    Ok(files
        .into_iter()
        .filter(|p| Format::of_path(p).is_some())
        .collect())
}

/// Every entity file with the root it was found under, excluded globs removed, each
/// file once even when roots overlap.
pub(super) fn entity_paths(
    source: &dyn Source,
    config: &Config,
) -> Result<Vec<(String, String)>, LoadError> {
    let mut exclude = globset::GlobSetBuilder::new();
    for glob in &config.catalog.exclude {
        // Globs were validated with the config.
        if let Ok(glob) = globset::Glob::new(glob) {
            exclude.add(glob);
        }
    }
    let exclude = exclude
        .build()
        .unwrap_or_else(|_| globset::GlobSet::empty());
    // Only overlapping roots can list a file twice, and only globs can exclude one:
    // a 100k-file catalog under one root skips both checks.
    let several_roots = config.catalog.roots.len() > 1;
    let excluding = !config.catalog.exclude.is_empty();
    let mut seen = HashSet::new();
    let mut paths = Vec::new();
    for root in &config.catalog.roots {
        let root = root.trim_end_matches('/');
        for path in list(source, root)? {
            if (excluding && exclude.is_match(&path)) || several_roots && !seen.insert(path.clone())
            {
                continue;
            }
            paths.push((root.to_owned(), path));
        }
    }
    Ok(paths)
}

fn load_blueprints(
    source: &dyn Source,
    config: &Config,
    paths: &[String],
    files: &mut Vec<SourceFile>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Blueprints {
    let mut builtins: Vec<Blueprint> = Vec::new();
    if config.blueprints.builtins {
        for (id, text) in builtin::BLUEPRINTS {
            let path = builtin::path(id);
            let parsed = parse_bytes(text.as_bytes().to_vec(), Format::Json);
            diagnostics.extend(parse_findings(&path, &parsed));
            for doc in parsed.documents {
                let (bp, findings) = Blueprint::read(
                    doc.value,
                    Origin {
                        file: &path,
                        document: 0,
                        prefix: String::new(),
                        builtin: true,
                        fallback_id: id,
                    },
                );
                diagnostics.extend(findings);
                builtins.push(bp);
            }
            files.push(SourceFile {
                path,
                format: Format::Json,
                text: (*text).to_owned(),
                documents: std::iter::once(0..text.len()).collect(),
            });
        }
    }

    let mut repo: Vec<Blueprint> = Vec::new();
    let read: Vec<(SourceFile, Parsed)> = paths
        .par_iter()
        .map(|p| read_and_parse(source, p))
        .collect();
    for (mut file, parsed) in read {
        diagnostics.extend(parse_findings(&file.path, &parsed));
        let stem = file_stem(&file.path).to_owned();
        if parsed.documents.is_empty() && !parsed.errors.is_empty() {
            // Unreadable: keep a placeholder so its entities are not all `blueprint-unknown`.
            let (mut bp, _) = Blueprint::read(
                Value::Null,
                Origin {
                    file: &file.path,
                    document: 0,
                    prefix: String::new(),
                    builtin: false,
                    fallback_id: &stem,
                },
            );
            bp.broken = true;
            repo.push(bp);
        }
        for (document, doc) in parsed.documents.into_iter().enumerate() {
            let items: Vec<(String, Value)> = match doc.value {
                Value::Array(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (format!("/{i}"), v))
                    .collect(),
                other => vec![(String::new(), other)],
            };
            for (prefix, value) in items {
                let (bp, findings) = Blueprint::read(
                    value,
                    Origin {
                        file: &file.path,
                        document,
                        prefix,
                        builtin: false,
                        fallback_id: &stem,
                    },
                );
                diagnostics.extend(findings);
                repo.push(bp);
            }
        }
        file.text = parsed.text;
        files.push(file);
    }

    let mut blueprints = Blueprints::default();
    let insert = |bp: Blueprint, blueprints: &mut Blueprints| {
        blueprints
            .by_id
            .insert(bp.identifier.clone(), blueprints.list.len());
        blueprints.list.push(bp);
    };
    // Repository blueprints first: a built-in with the same identifier is replaced.
    for bp in repo {
        let place = |b: &Blueprint| {
            let pointer = if b.value.get("identifier").is_some() {
                format!("{}/identifier", b.prefix)
            } else {
                b.prefix.clone()
            };
            Place::pointer(
                &b.file,
                b.document,
                pointer,
                crate::source::spans::Target::Value,
            )
        };
        let clash = blueprints
            .get(&bp.identifier)
            .map(|first| (first, "defined"))
            .or_else(|| {
                let lower = bp.identifier.to_lowercase();
                blueprints
                    .list
                    .iter()
                    .find(|b| b.identifier.to_lowercase() == lower)
                    .map(|b| (b, "differs only by case from"))
            });
        if let Some((first, how)) = clash {
            let message = if how == "defined" {
                format!("blueprint `{}` is defined twice", bp.identifier)
            } else {
                format!("blueprint `{}` {how} `{}`", bp.identifier, first.identifier)
            };
            diagnostics.push(
                Diagnostic::new(&rules::BLUEPRINT_DUPLICATE, place(&bp), message)
                    .help("keep one definition per blueprint; identifiers that differ only by case collide as folder names")
                    .blueprint(bp.identifier.clone())
                    .related(place(first), "first defined here"),
            );
            continue;
        }
        insert(bp, &mut blueprints);
    }
    for bp in builtins {
        if blueprints.get(&bp.identifier).is_none() {
            insert(bp, &mut blueprints);
        }
    }
    blueprints
}

pub(super) struct FileOutcome {
    pub root: String,
    pub file: SourceFile,
    pub entities: Vec<Entity>,
    pub findings: Vec<Diagnostic>,
    /// Identifiers that exist in a file that could not be fully read.
    pub shadows: Vec<(Option<String>, String)>,
}

fn load_entity_file(
    source: &dyn Source,
    blueprints: &Blueprints,
    root: &str,
    path: &str,
    file_index: usize,
    options: LoadOptions,
    sieve: Option<&dyn Sieve>,
) -> FileOutcome {
    let (mut file, parsed) = read_and_parse(source, path);
    let mut findings = parse_findings(path, &parsed);
    let mut shadows = Vec::new();
    let single = parsed.documents.len() + parsed.errors.len() == 1;
    if !parsed.errors.is_empty() {
        let folder = crate::catalog::entity::folder_under_root(root, path).map(str::to_owned);
        shadows = guess_identifiers(&parsed.text, path, single)
            .into_iter()
            .map(|id| (folder.clone(), id))
            .collect();
    }
    let mut entities = Vec::new();
    for (document, doc) in parsed.documents.into_iter().enumerate() {
        let range = doc.range.clone();
        let ctx = DocumentContext {
            blueprints,
            path,
            root,
            file: file_index,
            document,
            single,
        };
        let read = checks::entity::read(&ctx, doc.value);
        findings.extend(read.findings);
        if let Some(mut entity) = read.entity {
            if let Some(bp) = entity
                .blueprint
                .map(|i| &blueprints.list[i])
                .filter(|b| !b.broken)
            {
                checks::properties::check(&ctx, bp, &entity, &mut findings);
                checks::relations::check_shape(&ctx, bp, &entity, &mut findings);
            }
            let keep = match sieve {
                Some(sieve) => sieve.keep(&Located {
                    entity: &entity,
                    blueprint: blueprint_name(blueprints, &entity),
                    file: path,
                    text: &parsed.text,
                    range: Some(range),
                }),
                None => options.keep_values,
            };
            if !keep {
                entity.value = None;
            }
            entities.push(entity);
        }
    }
    file.text = parsed.text;
    FileOutcome {
        root: root.to_owned(),
        file,
        entities,
        findings,
        shadows,
    }
}

/// The identifiers a file that failed to parse probably defines: its `identifier:`
/// lines, and its stem when it is a single document. References to them are not
/// reported, so one broken file does not flood the report.
fn guess_identifiers(text: &str, path: &str, single: bool) -> Vec<String> {
    let mut ids: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let rest = line.trim_start().trim_start_matches(['"', '\'', '“', '‘']);
            let rest = rest.strip_prefix("identifier")?;
            let rest = rest
                .trim_start_matches(['"', '\'', '”', '’'])
                .trim_start()
                .strip_prefix(':')?;
            let value = rest
                .trim()
                .trim_end_matches(',')
                .trim_matches(['"', '\'', '“', '”', '‘', '’', ' ']);
            (!value.is_empty()).then(|| value.to_owned())
        })
        .collect();
    if single || ids.is_empty() {
        ids.push(file_stem(path).to_owned());
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Worktree;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Keeps the documents of entities whose identifier starts with `prefix`, when
    /// there is a `Domain` blueprint.
    struct Prefix {
        prefix: &'static str,
        asked: AtomicUsize,
    }

    impl Sieve for Prefix {
        fn applies(&self, blueprints: &Blueprints) -> bool {
            blueprints.get("Domain").is_some()
        }

        fn keep(&self, entity: &Located) -> bool {
            self.asked.fetch_add(1, Ordering::Relaxed);
            assert_eq!(entity.file, "catalog/things.yaml");
            entity.entity.identifier.starts_with(self.prefix)
        }
    }

    fn catalog(builtins: bool) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let config = format!("version: 1\nblueprints: {{builtins: {builtins}}}\n");
        std::fs::write(dir.path().join("portolan.yaml"), config).unwrap();
        std::fs::create_dir_all(dir.path().join("catalog")).unwrap();
        let things = "# two domains\nidentifier: Sales\nblueprint: Domain\n---\n\nidentifier: Support\nblueprint: Domain\n";
        std::fs::write(dir.path().join("catalog/things.yaml"), things).unwrap();
        dir
    }

    fn kept(dir: &tempfile::TempDir, sieve: &Prefix) -> Vec<(String, bool)> {
        let options = LoadOptions {
            keep_values: true,
            ..LoadOptions::default()
        };
        let loaded = load_sieved(&Worktree::new(dir.path()), options, Some(sieve)).unwrap();
        loaded
            .catalog
            .entities
            .iter()
            .map(|e| (e.identifier.clone(), e.value.is_some()))
            .collect()
    }

    #[test]
    fn a_sieve_keeps_the_documents_it_chooses_when_it_applies() {
        let sieve = Prefix {
            prefix: "Sa",
            asked: AtomicUsize::new(0),
        };
        let dir = catalog(true);
        let every = [("Sales".to_owned(), true), ("Support".to_owned(), false)];
        assert_eq!(kept(&dir, &sieve), every);
        assert_eq!(sieve.asked.load(Ordering::Relaxed), 2);
        // Without a `Domain` blueprint it does not apply: every document is kept.
        let dir = catalog(false);
        let sieve = Prefix {
            prefix: "Sa",
            asked: AtomicUsize::new(0),
        };
        let every = [("Sales".to_owned(), true), ("Support".to_owned(), true)];
        assert_eq!(kept(&dir, &sieve), every);
        assert_eq!(sieve.asked.load(Ordering::Relaxed), 0);
    }
}
