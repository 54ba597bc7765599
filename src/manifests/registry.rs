//! Where the schema of a manifest comes from: the repository's own definitions first
//! (CustomResourceDefinitions, Crossplane XRDs, the extra schemas folder), then the
//! embedded bundle. Validators are compiled once per (apiVersion, kind) and shared.

use super::crd::CustomSchemas;
use super::{bundle, split_api_version, Manifest};
use crate::catalog::SourceFile;
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::source::parse::{parse_bytes, Format};
use crate::source::spans::Target;
use crate::source::Source;
use jsonschema::Validator;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The outcome of a schema lookup.
pub enum Lookup {
    Found(Arc<Validator>),
    /// Defined in the repository, but its schema cannot be used (already reported).
    Unchecked,
    /// No schema; the hint names a close known apiVersion, if any.
    Unknown {
        hint: Option<String>,
    },
}

/// Compiled validators by (apiVersion, lower-case kind); `None` when there is no schema.
type Compiled = HashMap<(String, String), Option<Arc<Validator>>>;

/// The schemas in force for one repository.
pub struct Registry {
    custom: CustomSchemas,
    compiled: Mutex<Compiled>,
    problems: Vec<Diagnostic>,
}

impl Registry {
    /// Collect the repository's definitions and extra schema files.
    pub fn new(
        source: &dyn Source,
        schemas_dir: Option<&str>,
        manifests: &[Manifest],
        files: &[SourceFile],
    ) -> Registry {
        let (mut custom, problems) = CustomSchemas::from_manifests(manifests.iter());
        let mut findings: Vec<Diagnostic> = problems
            .into_iter()
            .map(|p| {
                let path = files.get(p.file).map_or("", |f| f.path.as_str());
                Diagnostic::new(
                    &rules::MANIFEST_INVALID,
                    Place::pointer(path, p.document, p.pointer, Target::Value),
                    p.message,
                )
            })
            .collect();
        if let Some(dir) = schemas_dir {
            for path in source.files_under(dir).unwrap_or_default() {
                if Format::of_path(&path) != Some(Format::Json) {
                    continue;
                }
                let parsed = match source.read(&path) {
                    Ok(bytes) => parse_bytes(bytes, Format::Json),
                    Err(e) => {
                        findings.push(Diagnostic::new(
                            &rules::PARSE_ERROR,
                            Place::file(&path),
                            format!("cannot read the schema: {e}"),
                        ));
                        continue;
                    }
                };
                if let Some(error) = parsed.errors.first() {
                    findings.push(
                        Diagnostic::new(
                            &rules::PARSE_ERROR,
                            Place::offset(&path, error.offset),
                            error.message.clone(),
                        )
                        .maybe_help(error.help.clone()),
                    );
                    continue;
                }
                let relative = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .trim_start_matches('/');
                for doc in parsed.documents {
                    if let Err(message) = custom.add_file(relative, doc.value) {
                        findings.push(Diagnostic::new(&rules::MANIFEST_INVALID, Place::file(&path), message).help("name schema files `<kind>_<version>.json` or `<group>/<kind>_<version>.json`, as kubeconform does"));
                    }
                }
            }
        }
        Registry {
            custom,
            compiled: Mutex::new(HashMap::new()),
            problems: findings,
        }
    }

    /// Findings about the definitions themselves.
    pub fn problems(&self) -> &[Diagnostic] {
        &self.problems
    }

    /// The validator for a manifest kind.
    pub fn lookup(&self, api_version: &str, kind: &str) -> Lookup {
        // A CustomResourceDefinition is read field by field where its custom resources
        // are checked (`crd`), which reports what cannot be used; it is a known kind.
        if api_version == "apiextensions.k8s.io/v1" && kind == "CustomResourceDefinition" {
            return Lookup::Unchecked;
        }
        if self.custom.defines(api_version, kind) && self.custom.schema(api_version, kind).is_none()
        {
            return Lookup::Unchecked;
        }
        let key = (api_version.to_owned(), kind.to_lowercase());
        if let Some(cached) = self.compiled.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return cached.map_or_else(
                || Lookup::Unknown {
                    hint: self.hint(api_version, kind),
                },
                Lookup::Found,
            );
        }
        let validator = match self.custom.schema(api_version, kind) {
            Some(schema) => crate::schema::compile(schema).ok().map(Arc::new),
            None => bundle::validator(api_version, kind),
        };
        if let Ok(mut cache) = self.compiled.lock() {
            cache.insert(key, validator.clone());
        }
        validator.map_or_else(
            || Lookup::Unknown {
                hint: self.hint(api_version, kind),
            },
            Lookup::Found,
        )
    }

    /// A known apiVersion for the same kind (`apps/v1beta1` Deployment → `apps/v1`).
    fn hint(&self, api_version: &str, kind: &str) -> Option<String> {
        let (group, _) = split_api_version(api_version);
        let served = self.custom.served_versions(group, kind);
        if !served.is_empty() {
            return Some(format!(
                "the repository defines {kind} in {group} with the versions {}",
                served.join(", ")
            ));
        }
        let known = bundle::api_versions_of(kind);
        let same_group = known.iter().find(|v| split_api_version(v).0 == group);
        same_group
            .or(known.first())
            .map(|v| format!("portolan knows {kind} as `apiVersion: {v}`"))
    }
}
