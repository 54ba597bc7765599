//! Custom resources checked against the definitions the repository itself holds.
//!
//! A platform repository usually carries the APIs it serves next to their uses: the
//! CustomResourceDefinitions of its operators, the Crossplane CompositeResourceDefinitions
//! (XRDs) of its own platform APIs, and sometimes a folder of ready JSON Schemas. This
//! module turns all three into strict JSON Schemas keyed by (group, version, kind):
//!
//! - a `apiextensions.k8s.io/v1` CustomResourceDefinition gives one schema per version,
//!   converted from `spec.versions[].schema.openAPIV3Schema` by [`schema_from_openapi`];
//! - a Crossplane XRD (`apiextensions.crossplane.io/v1` or `/v2`) gives the schema of
//!   its composite resource (XR), and with `spec.claimNames` (v1, `LegacyCluster` scope)
//!   of its claim, with the fields Crossplane itself adds to them;
//! - a schema file from the folder `portolan.yaml` names is used as it is
//!   ([`CustomSchemas::add_file`]).
//!
//! In every schema built from a definition, `status` is left open (it is written by
//! controllers, and exported manifests carry whatever the cluster had): its fields keep
//! their types but unknown keys pass.

use super::{split_api_version, Manifest};
use rayon::prelude::*;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// A definition that cannot be used as it stands: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Index of the definition's file in [`crate::catalog::Catalog::files`].
    pub file: usize,
    /// Its document in the file.
    pub document: usize,
    /// JSON pointer into the definition (`/spec/versions/0/schema/openAPIV3Schema/…`).
    pub pointer: String,
    pub message: String,
}

/// Where a schema comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A `CustomResourceDefinition` manifest.
    CustomResourceDefinition { file: usize, document: usize },
    /// A Crossplane `CompositeResourceDefinition`; `claim` for the claim kind it offers.
    CompositeResourceDefinition {
        file: usize,
        document: usize,
        claim: bool,
    },
    /// A file of the extra schemas folder, by its path relative to that folder.
    SchemaFile { path: String },
}

/// One defined (group, version, kind).
#[derive(Debug, Clone)]
pub struct Definition {
    /// The API group; `""` for the core group.
    pub group: String,
    pub version: String,
    /// The kind as the definition spells it (lowercase for schema files, whose names
    /// are lowercase).
    pub kind: String,
    /// `spec.versions[].served`: the API server rejects resources of unserved versions.
    pub served: bool,
    /// From the definition's scope; `None` when it does not say (schema files).
    pub namespaced: Option<bool>,
    pub origin: Origin,
    /// The JSON Schema; `None` when the definition has no usable schema for this
    /// version (a [`Problem`] said why).
    pub schema: Option<Value>,
}

impl Definition {
    /// `group/version`, or `version` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// (group, version, kind in lowercase).
type Key = (String, String, String);

/// The schemas the repository defines for itself.
///
/// Kinds are matched case-insensitively, as in the bundle ([`super::bundle`]);
/// [`Definition::kind`] keeps the spelling of the definition. When two definitions in
/// the repository define the same (group, version, kind), the first (in manifest order)
/// is kept: multi-cluster repositories legitimately hold one CRD several times. A
/// definition in the repository takes precedence over a schema file, and a schema file
/// named with its group over a flat one.
#[derive(Debug, Clone, Default)]
pub struct CustomSchemas {
    /// From CustomResourceDefinitions and XRDs.
    defined: HashMap<Key, Definition>,
    /// From `<group>/<kind>_<version>.json` files.
    grouped_files: HashMap<Key, Definition>,
    /// From `<kind>_<version>.json` files: (version, kind in lowercase), any group.
    flat_files: HashMap<(String, String), Definition>,
}

impl CustomSchemas {
    /// Collect the CustomResourceDefinitions and Crossplane XRDs among `manifests`.
    /// Other manifests are ignored. Problems are reported per definition and per
    /// version; a version without a usable schema is still defined (so its resources
    /// are not reported as unknown kinds), with [`Definition::schema`] `None`.
    pub fn from_manifests<'a>(
        manifests: impl IntoIterator<Item = &'a Manifest>,
    ) -> (CustomSchemas, Vec<Problem>) {
        let candidates: Vec<&Manifest> = manifests
            .into_iter()
            .filter(|m| definition_kind(m).is_some())
            .collect();
        // Converting and checking large CRDs (Argo CD's ApplicationSet is 2 MB) is the
        // cost here; do it in parallel and keep the manifest order for "first wins".
        let read: Vec<(Vec<Definition>, Vec<Problem>)> =
            candidates.par_iter().map(|m| read_definition(m)).collect();
        let mut schemas = CustomSchemas::default();
        let mut problems = Vec::new();
        for (definitions, found) in read {
            problems.extend(found);
            for definition in definitions {
                let key = (
                    definition.group.clone(),
                    definition.version.clone(),
                    definition.kind.to_ascii_lowercase(),
                );
                schemas.defined.entry(key).or_insert(definition);
            }
        }
        (schemas, problems)
    }

    /// Add a ready JSON Schema from the extra schemas folder, stored as it is.
    ///
    /// `path` is relative to that folder, and names the kind and version the way
    /// kubeconform's schema locations do:
    ///
    /// - `<group>/<kind>_<version>.json`, the layout of the embedded bundle and of
    ///   CRDs-catalog (`argoproj.io/application_v1alpha1.json`; `core/` for the core
    ///   group: `core/service_v1.json`). The folder counts as a group when it is `core`,
    ///   contains a dot, or is a built-in group without one (`apps`, `batch`,
    ///   `policy`, `autoscaling`, `extensions`); deeper folders are only for order
    ///   (`vendor/argoproj.io/application_v1alpha1.json` works too);
    /// - `<kind>_<version>.json` (kubeconform's `{{.ResourceKind}}_{{.ResourceAPIVersion}}`,
    ///   what its `openapi2jsonschema.py` writes), which applies to that kind and
    ///   version in any group.
    ///
    /// The kind is matched case-insensitively; the version must look like a Kubernetes
    /// version (`v1`, `v2beta1`, `v1alpha4`). The error says why the file cannot be
    /// used: its name, a schema that is not JSON Schema, or a second file for the same
    /// key.
    pub fn add_file(&mut self, path: &str, schema: Value) -> Result<(), String> {
        let (group, version, kind) = file_key(path)?;
        if !schema.is_object() && !schema.is_boolean() {
            return Err("a schema file must hold a JSON Schema object".to_owned());
        }
        if let Err(error) = jsonschema::meta::validate(&schema) {
            let at = error.instance_path().as_str().to_owned();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            return Err(format!("not a valid JSON Schema (at `{at}`): {error}"));
        }
        let definition = Definition {
            group: group.clone().unwrap_or_default(),
            version: version.clone(),
            kind: kind.clone(),
            served: true,
            namespaced: None,
            origin: Origin::SchemaFile {
                path: path.to_owned(),
            },
            schema: Some(schema),
        };
        let first = match &group {
            Some(g) => self.grouped_files.get(&(
                g.clone(),
                definition.version.clone(),
                definition.kind.clone(),
            )),
            None => self
                .flat_files
                .get(&(definition.version.clone(), definition.kind.clone())),
        };
        if let Some(first) = first {
            return Err(already(&first.origin));
        }
        match group {
            Some(g) => self.grouped_files.insert((g, version, kind), definition),
            None => self.flat_files.insert((version, kind), definition),
        };
        Ok(())
    }

    /// The definition of a kind at an apiVersion, served or not.
    pub fn lookup(&self, api_version: &str, kind: &str) -> Option<&Definition> {
        let (group, version) = split_api_version(api_version);
        let kind = kind.to_ascii_lowercase();
        let key = (group.to_owned(), version.to_owned(), kind);
        self.defined
            .get(&key)
            .or_else(|| self.grouped_files.get(&key))
            .or_else(|| {
                let (_, version, kind) = key;
                self.flat_files.get(&(version, kind))
            })
    }

    /// The JSON Schema of a served kind; `None` when the repository does not define it,
    /// does not serve that version, or its definition has no usable schema.
    pub fn schema(&self, api_version: &str, kind: &str) -> Option<&Value> {
        self.lookup(api_version, kind)
            .filter(|d| d.served)
            .and_then(|d| d.schema.as_ref())
    }

    /// Whether the repository defines and serves this kind at this apiVersion (even
    /// without a usable schema, which was reported on the definition).
    pub fn defines(&self, api_version: &str, kind: &str) -> bool {
        self.lookup(api_version, kind).is_some_and(|d| d.served)
    }

    /// The served versions of a (group, kind), sorted: for the hint on a resource whose
    /// version the definition does not serve. Flat schema files, which fit any group,
    /// are left out.
    pub fn served_versions(&self, group: &str, kind: &str) -> Vec<&str> {
        let mut versions: Vec<&str> = self
            .defined
            .values()
            .chain(self.grouped_files.values())
            .filter(|d| d.served && d.group == group && d.kind.eq_ignore_ascii_case(kind))
            .map(|d| d.version.as_str())
            .collect();
        versions.sort_unstable();
        versions.dedup();
        versions
    }

    /// Every defined (group, kind), sorted, with the spelling of its definition: for
    /// "did you mean" hints. Flat schema files are left out.
    pub fn kinds(&self) -> Vec<(&str, &str)> {
        let mut kinds: Vec<(&str, &str)> = self
            .defined
            .values()
            .chain(self.grouped_files.values())
            .map(|d| (d.group.as_str(), d.kind.as_str()))
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        kinds
    }

    /// Every definition, in no particular order.
    pub fn definitions(&self) -> impl Iterator<Item = &Definition> {
        self.defined
            .values()
            .chain(self.grouped_files.values())
            .chain(self.flat_files.values())
    }

    /// Number of defined (group, version, kind)s, schema files included.
    pub fn len(&self) -> usize {
        self.defined.len() + self.grouped_files.len() + self.flat_files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn already(origin: &Origin) -> String {
    match origin {
        Origin::SchemaFile { path } => {
            format!("the same kind and version already have a schema in `{path}`, which is used")
        }
        _ => "the same kind and version already have a schema".to_owned(),
    }
}

/// Groups of Kubernetes itself whose names have no dot.
const DOTLESS_GROUPS: &[&str] = &["apps", "batch", "policy", "autoscaling", "extensions"];

/// (group or `None` for a flat name, version, kind in lowercase) from a schema file path.
fn file_key(path: &str) -> Result<(Option<String>, String, String), String> {
    let mut parts = path.rsplit(['/', '\\']);
    let file = parts.next().unwrap_or(path);
    let parent = parts.next();
    let bad = || {
        format!(
            "cannot tell the kind and version from the name `{file}`: \
             expected `<kind>_<version>.json`, like `application_v1alpha1.json`"
        )
    };
    let stem = file
        .strip_suffix(".json")
        .or_else(|| file.strip_suffix(".JSON"))
        .ok_or_else(bad)?;
    let (kind, version) = stem.rsplit_once('_').ok_or_else(bad)?;
    if kind.is_empty()
        || !kind.chars().all(|c| c.is_ascii_alphanumeric())
        || !is_kube_version(version)
    {
        return Err(bad());
    }
    let group = parent
        .filter(|p| *p == "core" || p.contains('.') || DOTLESS_GROUPS.contains(p))
        .map(|p| {
            if p == "core" {
                String::new()
            } else {
                p.to_owned()
            }
        });
    Ok((group, version.to_owned(), kind.to_ascii_lowercase()))
}

/// `v1`, `v2beta1`, `v1alpha4`.
fn is_kube_version(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    if rest.is_empty() {
        return true;
    }
    let Some(number) = rest
        .strip_prefix("alpha")
        .or_else(|| rest.strip_prefix("beta"))
    else {
        return false;
    };
    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
}

// ----------------------------------------------------------------------------------
// Definitions

/// The definitions this module reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DefinitionKind {
    Crd,
    /// Crossplane XRD, `apiextensions.crossplane.io/v1` (`v2 == false`) or `/v2`.
    Xrd {
        v2: bool,
    },
}

fn definition_kind(m: &Manifest) -> Option<DefinitionKind> {
    match (m.api_version.as_str(), m.kind.as_str()) {
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition") => Some(DefinitionKind::Crd),
        ("apiextensions.crossplane.io/v1", "CompositeResourceDefinition") => {
            Some(DefinitionKind::Xrd { v2: false })
        }
        ("apiextensions.crossplane.io/v2", "CompositeResourceDefinition") => {
            Some(DefinitionKind::Xrd { v2: true })
        }
        _ => None,
    }
}

/// Collects the problems of one definition manifest.
struct Report<'m> {
    manifest: &'m Manifest,
    problems: Vec<Problem>,
}

impl Report<'_> {
    fn add(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.manifest.file,
            document: self.manifest.document,
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    fn string(&mut self, pointer: &str, what: &str) -> Option<String> {
        match self.manifest.value.pointer(pointer) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => {
                self.add(
                    pointer,
                    format!("the definition has no {what}, so its resources cannot be checked"),
                );
                None
            }
        }
    }
}

fn read_definition(m: &Manifest) -> (Vec<Definition>, Vec<Problem>) {
    let mut report = Report {
        manifest: m,
        problems: Vec::new(),
    };
    let definitions = match definition_kind(m) {
        Some(DefinitionKind::Crd) => read_crd(&mut report),
        Some(DefinitionKind::Xrd { v2 }) => read_xrd(&mut report, v2),
        None => Vec::new(),
    };
    (definitions, report.problems)
}

fn read_crd(report: &mut Report) -> Vec<Definition> {
    let m = report.manifest;
    let (Some(group), Some(kind)) = (
        report.string("/spec/group", "`spec.group`"),
        report.string("/spec/names/kind", "`spec.names.kind`"),
    ) else {
        return Vec::new();
    };
    let namespaced = m
        .value
        .pointer("/spec/scope")
        .and_then(Value::as_str)
        .map(|s| s == "Namespaced");
    let origin = Origin::CustomResourceDefinition {
        file: m.file,
        document: m.document,
    };
    let mut definitions = Vec::new();
    for (i, version, served, openapi) in versions(report) {
        let Some(version) = version else {
            report.add(format!("/spec/versions/{i}"), "a version without a `name`");
            continue;
        };
        let schema = match openapi {
            None => {
                report.add(
                    format!("/spec/versions/{i}"),
                    format!(
                        "version {version} has no `schema.openAPIV3Schema`, so {kind} \
                         resources of {group}/{version} cannot be checked"
                    ),
                );
                None
            }
            Some(openapi) => usable(
                report,
                &format!("/spec/versions/{i}/schema/openAPIV3Schema"),
                openapi,
                resource_schema(openapi),
            ),
        };
        definitions.push(Definition {
            group: group.clone(),
            version,
            kind: kind.clone(),
            served,
            namespaced,
            origin: origin.clone(),
            schema,
        });
    }
    definitions
}

/// (index, name, served, `schema.openAPIV3Schema`) of each version, in order.
fn versions<'m>(report: &mut Report<'m>) -> Vec<(usize, Option<String>, bool, Option<&'m Value>)> {
    let Some(list) = report
        .manifest
        .value
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
    else {
        report.add(
            "/spec/versions",
            "the definition has no `spec.versions`, so its resources cannot be checked",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        let served = v.get("served").and_then(Value::as_bool).unwrap_or(true);
        out.push((i, name, served, v.pointer("/schema/openAPIV3Schema")));
    }
    out
}

/// The converted schema if it is JSON Schema; else a problem at the offending node.
fn usable(report: &mut Report, at: &str, openapi: &Value, converted: Value) -> Option<Value> {
    if !openapi.is_object() {
        report.add(at, "`openAPIV3Schema` must be an object (a schema)");
        return None;
    }
    match jsonschema::meta::validate(&converted) {
        Ok(()) => Some(converted),
        Err(error) => {
            let inner = error.instance_path().as_str().to_owned();
            report.add(
                format!("{at}{inner}"),
                format!("this schema is not valid, so its resources cannot be checked: {error}"),
            );
            None
        }
    }
}

// ----------------------------------------------------------------------------------
// Crossplane

/// How an XR's Crossplane fields are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum XrScope {
    /// v1 XRDs (the default there): cluster-scoped, machinery directly under `spec`,
    /// claims possible.
    LegacyCluster,
    /// v2 (`Namespaced` is the default there, `Cluster` the alternative): machinery
    /// under `spec.crossplane`, no claims.
    Namespaced,
    Cluster,
}

fn read_xrd(report: &mut Report, v2: bool) -> Vec<Definition> {
    let m = report.manifest;
    let (Some(group), Some(kind)) = (
        report.string("/spec/group", "`spec.group`"),
        report.string("/spec/names/kind", "`spec.names.kind`"),
    ) else {
        return Vec::new();
    };
    let scope = match m.value.pointer("/spec/scope").and_then(Value::as_str) {
        Some("Namespaced") => XrScope::Namespaced,
        Some("Cluster") => XrScope::Cluster,
        Some("LegacyCluster") if !v2 => XrScope::LegacyCluster,
        Some(other) => {
            let allowed = if v2 {
                "`Namespaced` or `Cluster`"
            } else {
                "`LegacyCluster`, `Namespaced` or `Cluster`"
            };
            report.add(
                "/spec/scope",
                format!(
                    "unknown scope `{other}`: {allowed}; the default is used to check resources"
                ),
            );
            default_scope(v2)
        }
        None => default_scope(v2),
    };
    let claim_kind = match m
        .value
        .pointer("/spec/claimNames/kind")
        .and_then(Value::as_str)
    {
        None => None,
        Some(_) if v2 => {
            report.add(
                "/spec/claimNames",
                "claims aren't supported in apiextensions.crossplane.io/v2 (only v1 XRDs of \
                 scope `LegacyCluster` offer them); claims of this XRD are not checked",
            );
            None
        }
        Some(_) if scope != XrScope::LegacyCluster => {
            report.add(
                "/spec/claimNames",
                "only `LegacyCluster` composite resources can offer claims; \
                 claims of this XRD are not checked",
            );
            None
        }
        Some(claim) => Some(claim.to_owned()),
    };
    let mut definitions = Vec::new();
    for (i, version, served, openapi) in versions(report) {
        let Some(version) = version else {
            report.add(format!("/spec/versions/{i}"), "a version without a `name`");
            continue;
        };
        let at = format!("/spec/versions/{i}/schema/openAPIV3Schema");
        let (xr, claim) = match openapi {
            None => {
                report.add(
                    format!("/spec/versions/{i}"),
                    format!(
                        "version {version} has no `schema.openAPIV3Schema`, which Crossplane \
                         requires; {kind} resources of {group}/{version} cannot be checked"
                    ),
                );
                (None, None)
            }
            Some(openapi) => {
                let xr = usable(
                    report,
                    &at,
                    openapi,
                    composite_schema(openapi, composite_machinery(scope)),
                );
                // The claim schema differs from the XR's only by the Crossplane fields,
                // so a problem in the user's part has been reported once, above.
                let claim = claim_kind.as_ref().and_then(|_| {
                    xr.as_ref()
                        .map(|_| composite_schema(openapi, claim_machinery()))
                });
                (xr, claim)
            }
        };
        definitions.push(Definition {
            group: group.clone(),
            version: version.clone(),
            kind: kind.clone(),
            served,
            namespaced: Some(scope == XrScope::Namespaced),
            origin: Origin::CompositeResourceDefinition {
                file: m.file,
                document: m.document,
                claim: false,
            },
            schema: xr,
        });
        if let Some(claim_kind) = &claim_kind {
            definitions.push(Definition {
                group: group.clone(),
                version,
                kind: claim_kind.clone(),
                served,
                namespaced: Some(true),
                origin: Origin::CompositeResourceDefinition {
                    file: m.file,
                    document: m.document,
                    claim: true,
                },
                schema: claim,
            });
        }
    }
    definitions
}

fn default_scope(v2: bool) -> XrScope {
    if v2 {
        XrScope::Namespaced
    } else {
        XrScope::LegacyCluster
    }
}

/// The schema Crossplane generates for an XR or claim from the XRD's schema: its
/// base (`spec` required; `apiVersion`, `kind`, `metadata`), the user's `spec` and
/// `status`, and the Crossplane `machinery` fields added to `spec` where the user's
/// schema does not define them (Crossplane lets the user's definition win).
///
/// The machinery is added after the conversion, so it stays open: a field a newer
/// Crossplane adds to it does not make a valid resource fail here.
fn composite_schema(openapi: &Value, machinery: Map<String, Value>) -> Value {
    let part = |name: &str, keep: &[&str]| {
        let user = openapi.pointer(&format!("/properties/{name}"));
        let mut part = Map::new();
        part.insert("type".into(), json!("object"));
        part.insert(
            "properties".into(),
            user.and_then(|u| u.get("properties"))
                .filter(|p| p.is_object())
                .cloned()
                .unwrap_or_else(|| json!({})),
        );
        for key in keep {
            if let Some(value) = user.and_then(|u| u.get(*key)) {
                part.insert((*key).to_owned(), value.clone());
            }
        }
        Value::Object(part)
    };
    let base = json!({
        "type": "object",
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": part("spec", &["required", "oneOf", "x-kubernetes-preserve-unknown-fields"]),
            "status": part("status", &["required", "oneOf"]),
        },
    });
    let mut schema = resource_schema(&base);
    if let Some(Value::Object(properties)) = schema.pointer_mut("/properties/spec/properties") {
        for (name, field) in machinery {
            properties.entry(name).or_insert(field);
        }
    }
    schema
}

fn object_ref(required: &[&str], fields: &[&str]) -> Value {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|f| ((*f).to_owned(), json!({"type": "string"})))
        .collect();
    json!({"type": "object", "required": required, "properties": properties})
}

fn selector() -> Value {
    json!({
        "type": "object",
        "required": ["matchLabels"],
        "properties": {
            "matchLabels": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    })
}

/// The composition fields XRs and claims share.
fn composition_fields() -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("compositionRef".into(), object_ref(&["name"], &["name"]));
    fields.insert("compositionSelector".into(), selector());
    fields.insert(
        "compositionRevisionRef".into(),
        object_ref(&["name"], &["name"]),
    );
    fields.insert("compositionRevisionSelector".into(), selector());
    fields.insert(
        "compositionUpdatePolicy".into(),
        json!({"type": "string", "enum": ["Automatic", "Manual"]}),
    );
    fields
}

/// Crossplane 1.x connection publishing, kept for v1 XRDs.
fn publish_connection_details_to() -> Value {
    json!({
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "configRef": {"type": "object", "properties": {"name": {"type": "string"}}},
            "metadata": {"type": "object"},
        },
    })
}

/// The fields Crossplane adds to an XR's `spec` (its `xcrd.CompositeResourceSpecProps`).
fn composite_machinery(scope: XrScope) -> Map<String, Value> {
    let mut fields = composition_fields();
    fields.insert(
        "resourceRefs".into(),
        json!({
            "type": "array",
            "items": object_ref(&["apiVersion", "kind"], &["apiVersion", "kind", "name", "namespace"]),
        }),
    );
    match scope {
        XrScope::LegacyCluster => {
            fields.insert(
                "claimRef".into(),
                object_ref(
                    &["apiVersion", "kind", "namespace", "name"],
                    &["apiVersion", "kind", "namespace", "name"],
                ),
            );
            fields.insert(
                "writeConnectionSecretToRef".into(),
                object_ref(&["name", "namespace"], &["name", "namespace"]),
            );
            // Crossplane 1.x fields, gone in 2.x: a repository may still target 1.x.
            fields.insert(
                "publishConnectionDetailsTo".into(),
                publish_connection_details_to(),
            );
            fields.insert(
                "environmentConfigRefs".into(),
                json!({"type": "array", "items": {"type": "object"}}),
            );
            fields
        }
        XrScope::Namespaced | XrScope::Cluster => {
            let mut crossplane = Map::new();
            crossplane.insert(
                "crossplane".into(),
                json!({"type": "object", "properties": fields}),
            );
            crossplane
        }
    }
}

/// The fields Crossplane adds to a claim's `spec` (`xcrd.CompositeResourceClaimSpecProps`).
fn claim_machinery() -> Map<String, Value> {
    let mut fields = composition_fields();
    fields.insert(
        "compositeDeletePolicy".into(),
        json!({"type": "string", "enum": ["Background", "Foreground"]}),
    );
    fields.insert(
        "resourceRef".into(),
        object_ref(
            &["apiVersion", "kind", "name"],
            &["apiVersion", "kind", "name"],
        ),
    );
    fields.insert(
        "writeConnectionSecretToRef".into(),
        object_ref(&["name"], &["name"]),
    );
    fields.insert(
        "publishConnectionDetailsTo".into(),
        publish_connection_details_to(),
    );
    fields
}

// ----------------------------------------------------------------------------------
// OpenAPI v3 → JSON Schema

/// How strict a schema node is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The resource root: left open; `metadata` becomes `{type: object}`; `status`
    /// strict unless `open_status`.
    Root { open_status: bool },
    /// Objects with `properties` are closed.
    Strict,
    /// Nothing is closed: `status` of resources, and the branches of `allOf`, `anyOf`,
    /// `oneOf` and `not`, which Kubernetes treats as value checks (closing a branch
    /// would reject fields the enclosing object declares).
    Open,
}

/// Turn a CRD's `openAPIV3Schema` into a strict JSON Schema, with the rules of
/// kubeconform's `openapi2jsonschema.py` (the ones CRDs-catalog uses):
///
/// - the root stays open: unknown top-level keys pass (the API server checks
///   `apiVersion`, `kind` and `metadata` itself), and `metadata` is only
///   `{type: object}`;
/// - every nested object with `properties` gets `additionalProperties: false`, unless
///   it says otherwise or has `x-kubernetes-preserve-unknown-fields: true`;
/// - `format: int-or-string` and `x-kubernetes-int-or-string: true` become
///   `oneOf: [{type: string}, {type: integer}]`.
///
/// Beyond kubeconform, so that valid resources pass and the result compiles as JSON
/// Schema 2020-12:
///
/// - `nullable: true` allows `null`;
/// - OpenAPI's boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers;
/// - `description`s are dropped (the schema keyword, not a property of that name);
/// - branches of `allOf`/`anyOf`/`oneOf`/`not` are not closed (kubeconform closes
///   them, which can reject valid objects);
/// - `format: duration` is dropped (Kubernetes durations are Go's `1h30m`, the JSON
///   Schema format is ISO 8601's `PT1H30M`);
/// - objects with `x-kubernetes-embedded-resource: true` accept `apiVersion`, `kind`
///   and `metadata`, as the API server does.
///
/// `x-kubernetes-*` keys stay, as inert annotations; CEL rules
/// (`x-kubernetes-validations`) are not checked.
pub fn schema_from_openapi(openapi: &Value) -> Value {
    convert(openapi, Mode::Root { open_status: false })
}

/// [`schema_from_openapi`] with `status` left open, for the schemas of resources.
fn resource_schema(openapi: &Value) -> Value {
    convert(openapi, Mode::Root { open_status: true })
}

fn convert(node: &Value, mode: Mode) -> Value {
    let Value::Object(map) = node else {
        return node.clone();
    };
    let child = match mode {
        Mode::Open => Mode::Open,
        Mode::Root { .. } | Mode::Strict => Mode::Strict,
    };
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match (key.as_str(), value) {
            ("description", _) => continue,
            ("properties", Value::Object(properties)) => Value::Object(
                properties
                    .iter()
                    .map(|(name, schema)| {
                        let schema = match (mode, name.as_str()) {
                            (Mode::Root { .. }, "metadata") => json!({"type": "object"}),
                            (Mode::Root { open_status: true }, "status") => {
                                convert(schema, Mode::Open)
                            }
                            _ => convert(schema, child),
                        };
                        (name.clone(), schema)
                    })
                    .collect(),
            ),
            (
                "patternProperties" | "definitions" | "$defs" | "dependentSchemas",
                Value::Object(schemas),
            ) => Value::Object(
                schemas
                    .iter()
                    .map(|(name, schema)| (name.clone(), convert(schema, child)))
                    .collect(),
            ),
            (
                "items"
                | "additionalProperties"
                | "additionalItems"
                | "prefixItems"
                | "contains"
                | "propertyNames"
                | "unevaluatedProperties"
                | "unevaluatedItems",
                _,
            ) => convert_schema_or_list(value, child),
            ("allOf" | "anyOf" | "oneOf" | "not" | "if" | "then" | "else", _) => {
                convert_schema_or_list(value, Mode::Open)
            }
            ("dependencies", Value::Object(dependencies)) => Value::Object(
                dependencies
                    .iter()
                    .map(|(name, d)| (name.clone(), convert(d, Mode::Open)))
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    finish(out, mode)
}

fn convert_schema_or_list(value: &Value, mode: Mode) -> Value {
    match value {
        Value::Array(list) => Value::Array(list.iter().map(|s| convert(s, mode)).collect()),
        other => convert(other, mode),
    }
}

fn is_true(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key) == Some(&Value::Bool(true))
}

fn has_str(map: &Map<String, Value>, key: &str, value: &str) -> bool {
    map.get(key).and_then(Value::as_str) == Some(value)
}

/// `anyOf: [{type: integer}, {type: string}]`, as controller-gen writes next to
/// `x-kubernetes-int-or-string`.
fn is_int_or_string_pair(value: Option<&Value>) -> bool {
    value.and_then(Value::as_array).is_some_and(|list| {
        !list.is_empty()
            && list.iter().all(|alt| {
                alt.as_object().is_some_and(|o| {
                    o.keys().all(|k| k == "type")
                        && (has_str(o, "type", "integer") || has_str(o, "type", "string"))
                })
            })
    })
}

/// The per-node rules, on a node whose children are converted.
fn finish(mut out: Map<String, Value>, mode: Mode) -> Value {
    let int_or_string =
        has_str(&out, "format", "int-or-string") || is_true(&out, "x-kubernetes-int-or-string");
    let mut own_one_of = false;
    if int_or_string {
        out.remove("type");
        if has_str(&out, "format", "int-or-string") {
            out.remove("format");
        }
        if is_int_or_string_pair(out.get("anyOf")) {
            out.remove("anyOf");
        }
        let alternatives = json!([{"type": "string"}, {"type": "integer"}]);
        if out.contains_key("oneOf") {
            let all_of = out.entry("allOf").or_insert_with(|| json!([]));
            if let Value::Array(list) = all_of {
                list.push(json!({ "oneOf": alternatives }));
            }
        } else {
            out.insert("oneOf".into(), alternatives);
            own_one_of = true;
        }
    }
    for (flag, bound) in [
        ("exclusiveMaximum", "maximum"),
        ("exclusiveMinimum", "minimum"),
    ] {
        match out.get(flag) {
            Some(Value::Bool(true)) => match out.remove(bound) {
                Some(limit) => {
                    out.insert(flag.into(), limit);
                }
                None => {
                    out.remove(flag);
                }
            },
            Some(Value::Bool(false)) => {
                out.remove(flag);
            }
            _ => {}
        }
    }
    if has_str(&out, "format", "duration") {
        out.remove("format");
    }
    if is_true(&out, "x-kubernetes-embedded-resource") {
        if let Some(Value::Object(properties)) = out.get_mut("properties") {
            for (name, kind) in [
                ("apiVersion", "string"),
                ("kind", "string"),
                ("metadata", "object"),
            ] {
                properties
                    .entry(name)
                    .or_insert_with(|| json!({ "type": kind }));
            }
        }
    }
    if mode == Mode::Strict
        && out.get("properties").is_some_and(Value::is_object)
        && !out.contains_key("additionalProperties")
        && !is_true(&out, "x-kubernetes-preserve-unknown-fields")
    {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    if is_true(&out, "nullable") {
        return allow_null(out, own_one_of);
    }
    Value::Object(out)
}

/// OpenAPI `nullable: true`: `null` passes too.
fn allow_null(mut out: Map<String, Value>, own_one_of: bool) -> Value {
    let combined = ["allOf", "anyOf", "not"]
        .iter()
        .any(|k| out.contains_key(*k))
        || (out.contains_key("oneOf") && !own_one_of);
    if combined {
        // The branches may reject null (or, for `oneOf`, all accept it): let null
        // through beside the whole node.
        return json!({"anyOf": [{"type": "null"}, Value::Object(out)]});
    }
    if own_one_of {
        if let Some(Value::Array(alternatives)) = out.get_mut("oneOf") {
            alternatives.push(json!({"type": "null"}));
        }
    }
    match out.get_mut("type") {
        Some(Value::String(t)) if t != "null" => {
            let t = std::mem::take(t);
            out.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) if !types.contains(&json!("null")) => types.push(json!("null")),
        _ => {}
    }
    if let Some(Value::Array(values)) = out.get_mut("enum") {
        if !values.contains(&Value::Null) {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(yaml: &str) -> Value {
        yaml_serde::from_str::<Value>(yaml).unwrap()
    }

    fn manifest(file: usize, yaml: &str) -> Manifest {
        let value = value(yaml);
        Manifest {
            file,
            document: 0,
            api_version: value["apiVersion"].as_str().unwrap_or_default().to_owned(),
            kind: value["kind"].as_str().unwrap_or_default().to_owned(),
            value,
        }
    }

    fn schemas(yamls: &[&str]) -> (CustomSchemas, Vec<Problem>) {
        let manifests: Vec<Manifest> = yamls
            .iter()
            .enumerate()
            .map(|(i, y)| manifest(i, y))
            .collect();
        CustomSchemas::from_manifests(manifests.iter())
    }

    fn valid(schemas: &CustomSchemas, yaml: &str) -> bool {
        let resource = value(yaml);
        let schema = schemas
            .schema(
                resource["apiVersion"].as_str().unwrap(),
                resource["kind"].as_str().unwrap(),
            )
            .expect("a schema for the resource");
        crate::schema::compile(schema).unwrap().is_valid(&resource)
    }

    /// Validate `instance` (YAML) against `openapi` (YAML) converted for a resource.
    fn check(openapi: &str, instance: &str) -> bool {
        let schema = resource_schema(&value(openapi));
        crate::schema::compile(&schema)
            .unwrap()
            .is_valid(&value(instance))
    }

    const WIDGET_CRD: &str = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A widget.
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata:
              type: object
              properties:
                name: {type: string, maxLength: 10}
            spec:
              type: object
              required: [size]
              properties:
                size: {type: integer, minimum: 1}
                color: {type: string, enum: [red, blue]}
                description: {type: string, description: "A property named description."}
                port:
                  x-kubernetes-int-or-string: true
                  anyOf: [{type: integer}, {type: string}]
                labels:
                  type: object
                  additionalProperties: {type: string}
                template:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
                  properties:
                    image: {type: string}
            status:
              type: object
              properties:
                ready: {type: boolean}
    - name: v1beta1
      served: false
      storage: false
      schema:
        openAPIV3Schema: {type: object}
"#;

    #[test]
    fn crd_resources_are_checked_strictly_below_the_root() {
        let (schemas, problems) = schemas(&[WIDGET_CRD]);
        assert!(problems.is_empty(), "{problems:?}");
        let ok = r#"
apiVersion: example.com/v1
kind: Widget
metadata: {name: a-rather-long-name, labels: {team: core}}
spec:
  size: 3
  color: red
  description: small
  port: http
  labels: {a: b}
  template: {image: nginx, anything: [1, 2]}
status: {ready: true, observedGeneration: 2}
unknownTopLevel: passes
"#;
        assert!(valid(&schemas, ok));
        for bad in [
            "spec: {size: 3, colour: red}",            // misspelt field
            "spec: {size: three}",                     // wrong type
            "spec: {color: red}",                      // missing required field
            "spec: {size: 0}",                         // below the minimum
            "spec: {size: 1, color: green}",           // not in the enum
            "spec: {size: 1, port: 1.5}",              // neither string nor integer
            "spec: {size: 1, labels: {a: 1}}",         // map of strings
            "spec: {size: 1, description: {a: b}}",    // the property kept its type
            "status: {ready: maybe}\nspec: {size: 1}", // open status keeps types
        ] {
            let resource = format!("apiVersion: example.com/v1\nkind: Widget\n{bad}");
            assert!(!valid(&schemas, &resource), "should fail: {bad}");
        }
        let w = schemas.lookup("example.com/v1", "Widget").unwrap();
        assert_eq!(w.namespaced, Some(true));
        assert_eq!(
            w.origin,
            Origin::CustomResourceDefinition {
                file: 0,
                document: 0
            }
        );
        assert_eq!(w.api_version(), "example.com/v1");
    }

    #[test]
    fn unserved_versions_are_not_defined_and_hints_name_the_served_ones() {
        let (schemas, _) = schemas(&[WIDGET_CRD]);
        assert!(schemas.defines("example.com/v1", "Widget"));
        assert!(
            schemas.defines("example.com/v1", "widget"),
            "kinds match case-insensitively"
        );
        assert_eq!(
            schemas.lookup("example.com/v1", "widget").unwrap().kind,
            "Widget"
        );
        assert!(!schemas.defines("example.com/v1beta1", "Widget"));
        assert!(schemas.schema("example.com/v1beta1", "Widget").is_none());
        assert!(
            !schemas
                .lookup("example.com/v1beta1", "Widget")
                .unwrap()
                .served
        );
        assert!(!schemas.defines("example.com/v2", "Widget"));
        assert!(!schemas.defines("other.com/v1", "Widget"));
        assert_eq!(schemas.served_versions("example.com", "Widget"), vec!["v1"]);
        assert_eq!(schemas.kinds(), vec![("example.com", "Widget")]);
        assert_eq!(schemas.len(), 2);
    }

    #[test]
    fn the_conversion_follows_kubeconform() {
        let schema = schema_from_openapi(&value(
            r#"
type: object
description: root
properties:
  metadata: {type: object, properties: {name: {type: string}}}
  spec:
    type: object
    description: spec
    properties:
      port: {type: string, format: int-or-string, description: port}
      description: {type: string}
      open: {type: object, additionalProperties: true, properties: {a: {type: string}}}
  status: {type: object, properties: {phase: {type: string}}}
"#,
        ));
        assert_eq!(
            schema,
            json!({
                "type": "object",
                "properties": {
                    "metadata": {"type": "object"},
                    "spec": {
                        "type": "object",
                        "properties": {
                            "port": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                            "description": {"type": "string"},
                            "open": {"type": "object", "additionalProperties": true, "properties": {"a": {"type": "string"}}},
                        },
                        "additionalProperties": false,
                    },
                    "status": {"type": "object", "properties": {"phase": {"type": "string"}}, "additionalProperties": false},
                },
            })
        );
    }

    #[test]
    fn int_or_string_both_spellings() {
        for field in [
            "{type: string, format: int-or-string}",
            "{x-kubernetes-int-or-string: true}",
            "{x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}",
        ] {
            let openapi = format!(
                "type: object\nproperties:\n  spec: {{type: object, properties: {{p: {field}}}}}"
            );
            for (p, ok) in [
                ("8080", true),
                ("'50%'", true),
                ("1.5", false),
                ("true", false),
                ("null", false),
                ("[1]", false),
            ] {
                assert_eq!(
                    check(&openapi, &format!("spec: {{p: {p}}}")),
                    ok,
                    "{field} with {p}"
                );
            }
        }
    }

    #[test]
    fn nullable_allows_null() {
        let openapi = r#"
type: object
properties:
  spec:
    type: object
    properties:
      s: {type: string, nullable: true}
      e: {type: string, enum: [a, b], nullable: true}
      n: {x-kubernetes-int-or-string: true, nullable: true}
      o: {type: object, nullable: true, properties: {a: {type: string}}}
      v: {type: object, nullable: true, properties: {a: {type: string}, b: {type: string}}, oneOf: [{required: [a]}, {required: [b]}]}
      plain: {type: string}
"#;
        for (spec, ok) in [
            ("{s: null, e: null, n: null, o: null, v: null}", true),
            ("{s: x, e: a, n: 3, o: {a: x}, v: {a: x}}", true),
            ("{e: c}", false),
            ("{n: 1.5}", false),
            ("{o: {b: x}}", false),
            ("{v: {a: x, b: y}}", false),
            ("{v: {c: x}}", false),
            ("{plain: null}", false),
        ] {
            assert_eq!(check(openapi, &format!("spec: {spec}")), ok, "{spec}");
        }
    }

    #[test]
    fn preserve_unknown_fields_and_embedded_resources() {
        let openapi = r#"
type: object
properties:
  spec:
    type: object
    properties:
      values: {type: object, x-kubernetes-preserve-unknown-fields: true}
      config:
        type: object
        x-kubernetes-preserve-unknown-fields: true
        properties: {replicas: {type: integer}}
      object:
        type: object
        x-kubernetes-embedded-resource: true
        properties: {spec: {type: object}}
"#;
        assert!(check(
            openapi,
            "spec: {values: {any: {thing: 1}}, config: {replicas: 2, extra: x}}"
        ));
        assert!(!check(openapi, "spec: {config: {replicas: two}}"));
        assert!(check(
            openapi,
            "spec: {object: {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, spec: {}}}"
        ));
        assert!(!check(openapi, "spec: {object: {data: {}}}"));
    }

    #[test]
    fn combinator_branches_stay_open_and_exclusive_bounds_are_numbers() {
        let openapi = r#"
type: object
properties:
  spec:
    type: object
    properties:
      a: {type: string}
      b: {type: string}
      ratio: {type: number, maximum: 1, exclusiveMaximum: true, minimum: 0, exclusiveMinimum: false}
    anyOf:
      - properties: {a: {type: string}}
        required: [a]
      - required: [b]
"#;
        assert!(check(openapi, "spec: {a: x, b: y}"));
        assert!(!check(openapi, "spec: {}"));
        assert!(check(openapi, "spec: {a: x, ratio: 0}"));
        assert!(!check(openapi, "spec: {a: x, ratio: 1}"));
    }

    const XRD_V2: &str = r#"
apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: xdatabases.platform.example.org
spec:
  group: platform.example.org
  names: {kind: XDatabase, plural: xdatabases}
  versions:
    - name: v1alpha1
      served: true
      referenceable: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [parameters]
              properties:
                parameters:
                  type: object
                  required: [storageGB]
                  properties:
                    storageGB: {type: integer}
                    engine: {type: string, enum: [postgres, mysql]}
            status:
              type: object
              properties:
                address: {type: string}
"#;

    #[test]
    fn xrd_v2_composite_resources() {
        let (schemas, problems) = schemas(&[XRD_V2]);
        assert!(problems.is_empty(), "{problems:?}");
        let ok = r#"
apiVersion: platform.example.org/v1alpha1
kind: XDatabase
metadata: {name: orders, namespace: shop}
spec:
  parameters: {storageGB: 20, engine: postgres}
  crossplane:
    compositionRef: {name: xdatabases-aws}
    compositionUpdatePolicy: Manual
    resourceRefs: [{apiVersion: s3.aws.m.upbound.io/v1beta1, kind: Bucket, name: b}]
status: {address: db.example.org, conditions: [{type: Ready, status: "True"}]}
"#;
        assert!(valid(&schemas, ok));
        for bad in [
            "spec: {parameters: {storageGB: 20, engnie: postgres}}",
            "spec: {parameters: {storageGB: twenty}}",
            "spec: {parameters: {engine: postgres}}",
            "spec: {parameters: {storageGB: 20}, compositionRef: {name: legacy-place}}",
            "spec: {parameters: {storageGB: 20}, crossplane: {compositionRef: {}}}",
            "spec: {parameters: {storageGB: 20}, crossplane: {compositionUpdatePolicy: Sometimes}}",
            "metadata: {name: no-spec}",
        ] {
            let resource =
                format!("apiVersion: platform.example.org/v1alpha1\nkind: XDatabase\n{bad}");
            assert!(!valid(&schemas, &resource), "should fail: {bad}");
        }
        let xr = schemas
            .lookup("platform.example.org/v1alpha1", "XDatabase")
            .unwrap();
        assert_eq!(xr.namespaced, Some(true));
        assert!(matches!(
            xr.origin,
            Origin::CompositeResourceDefinition { claim: false, .. }
        ));
    }

    const XRD_V1: &str = r#"
apiVersion: apiextensions.crossplane.io/v1
kind: CompositeResourceDefinition
metadata:
  name: xpostgresqlinstances.database.example.org
spec:
  group: database.example.org
  names: {kind: XPostgreSQLInstance, plural: xpostgresqlinstances}
  claimNames: {kind: PostgreSQLInstance, plural: postgresqlinstances}
  connectionSecretKeys: [username, password]
  versions:
    - name: v1alpha1
      served: true
      referenceable: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                parameters:
                  type: object
                  properties:
                    storageGB: {type: integer}
                  required: [storageGB]
              required: [parameters]
"#;

    #[test]
    fn xrd_v1_composite_resources_and_claims() {
        let (schemas, problems) = schemas(&[XRD_V1]);
        assert!(problems.is_empty(), "{problems:?}");
        let claim = r#"
apiVersion: database.example.org/v1alpha1
kind: PostgreSQLInstance
metadata: {name: my-db, namespace: default}
spec:
  parameters: {storageGB: 20}
  compositionSelector: {matchLabels: {provider: aws}}
  compositeDeletePolicy: Foreground
  writeConnectionSecretToRef: {name: db-conn}
"#;
        assert!(valid(&schemas, claim));
        assert!(!valid(
            &schemas,
            &claim.replace("storageGB: 20", "storageGb: 20")
        ));
        assert!(!valid(&schemas, &claim.replace("Foreground", "Later")));
        let xr = r#"
apiVersion: database.example.org/v1alpha1
kind: XPostgreSQLInstance
metadata: {name: my-db-x7f2k}
spec:
  parameters: {storageGB: 20}
  compositionRef: {name: production}
  compositionRevisionSelector: {matchLabels: {channel: stable}}
  claimRef: {apiVersion: database.example.org/v1alpha1, kind: PostgreSQLInstance, name: my-db, namespace: default}
  resourceRefs: [{apiVersion: rds.aws.upbound.io/v1beta1, kind: Instance, name: x}]
  writeConnectionSecretToRef: {name: db-conn, namespace: crossplane-system}
  publishConnectionDetailsTo: {name: db-conn, configRef: {name: vault}}
  environmentConfigRefs: [{apiVersion: apiextensions.crossplane.io/v1alpha1, kind: EnvironmentConfig, name: env}]
"#;
        assert!(valid(&schemas, xr));
        assert!(!valid(
            &schemas,
            &xr.replace("compositionRef", "compositonRef")
        ));
        // XRs do not have the claim's fields, nor v2's `spec.crossplane`.
        assert!(!valid(
            &schemas,
            &format!("{xr}  compositeDeletePolicy: Background\n")
        ));
        assert!(!valid(&schemas, &format!("{xr}  crossplane: {{}}\n")));
        let c = schemas
            .lookup("database.example.org/v1alpha1", "PostgreSQLInstance")
            .unwrap();
        assert!(matches!(
            c.origin,
            Origin::CompositeResourceDefinition { claim: true, .. }
        ));
        assert_eq!(c.namespaced, Some(true));
        assert_eq!(
            schemas
                .lookup("database.example.org/v1alpha1", "XPostgreSQLInstance")
                .unwrap()
                .namespaced,
            Some(false)
        );
        assert_eq!(
            schemas.kinds(),
            vec![
                ("database.example.org", "PostgreSQLInstance"),
                ("database.example.org", "XPostgreSQLInstance")
            ]
        );
    }

    #[test]
    fn user_schema_wins_over_crossplane_fields() {
        let xrd = XRD_V1.replace(
            "                parameters:\n",
            "                compositionRef: {type: string}\n                parameters:\n",
        );
        let (schemas, _) = schemas(&[&xrd]);
        let xr = "apiVersion: database.example.org/v1alpha1\nkind: XPostgreSQLInstance\nspec: {parameters: {storageGB: 1}, compositionRef: by-name}";
        assert!(valid(&schemas, xr));
    }

    #[test]
    fn claims_need_a_legacy_cluster_scope() {
        let v2 = XRD_V2.replace(
            "  names:",
            "  claimNames: {kind: Database, plural: databases}\n  names:",
        );
        let v1 = XRD_V1.replace("  group:", "  scope: Namespaced\n  group:");
        let (schemas, problems) = schemas(&[&v2, &v1]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.pointer == "/spec/claimNames"));
        assert!(problems[0].message.contains("v2"));
        assert!(schemas.defines("platform.example.org/v1alpha1", "XDatabase"));
        assert!(!schemas.defines("platform.example.org/v1alpha1", "Database"));
        assert!(!schemas.defines("database.example.org/v1alpha1", "PostgreSQLInstance"));
        // A v1 XRD of scope Namespaced has v2's layout.
        let xr = "apiVersion: database.example.org/v1alpha1\nkind: XPostgreSQLInstance\nspec: {parameters: {storageGB: 1}, crossplane: {compositionRef: {name: a}}}";
        assert!(valid(&schemas, xr));
    }

    #[test]
    fn unusable_definitions_are_problems() {
        let no_schema = r#"
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  group: example.com
  names: {kind: Gadget}
  versions:
    - {name: v1, served: true}
    - name: v2
      served: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: obect}
    - {served: true}
"#;
        let no_group = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: {names: {kind: Thing}, versions: [{name: v1}]}";
        let xrd_no_versions = "apiVersion: apiextensions.crossplane.io/v2\nkind: CompositeResourceDefinition\nspec: {group: a.b, names: {kind: XThing}}";
        let (schemas, problems) = schemas(&[no_schema, no_group, xrd_no_versions]);
        let found: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.file, p.pointer.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (0, "/spec/versions/0"),
                (
                    0,
                    "/spec/versions/1/schema/openAPIV3Schema/properties/spec/type"
                ),
                (0, "/spec/versions/2"),
                (1, "/spec/group"),
                (2, "/spec/versions"),
            ],
            "{problems:#?}"
        );
        assert!(problems[0].message.contains("no `schema.openAPIV3Schema`"));
        // Defined, so its resources are not unknown kinds, but without a schema.
        assert!(schemas.defines("example.com/v1", "Gadget"));
        assert!(schemas.defines("example.com/v2", "Gadget"));
        assert!(schemas.schema("example.com/v1", "Gadget").is_none());
        assert!(schemas.schema("example.com/v2", "Gadget").is_none());
        assert!(!schemas.defines("a.b/v1", "XThing"));
    }

    #[test]
    fn the_first_definition_wins() {
        let other = WIDGET_CRD.replace("size: {type: integer, minimum: 1}", "size: {type: string}");
        let (schemas, problems) = schemas(&[WIDGET_CRD, &other]);
        assert!(problems.is_empty());
        assert!(valid(
            &schemas,
            "apiVersion: example.com/v1\nkind: Widget\nspec: {size: 1}"
        ));
        assert_eq!(
            schemas.lookup("example.com/v1", "Widget").unwrap().origin,
            Origin::CustomResourceDefinition {
                file: 0,
                document: 0
            }
        );
    }

    #[test]
    fn schema_files_are_keyed_by_their_names() {
        let mut schemas = CustomSchemas::default();
        let strict = |t: &str| json!({"type": "object", "properties": {"spec": {"type": t}}});
        schemas
            .add_file("argoproj.io/application_v1alpha1.json", strict("object"))
            .unwrap();
        schemas
            .add_file("vendor/apps/deployment_v1.json", strict("object"))
            .unwrap();
        schemas
            .add_file("core/service_v1.json", strict("object"))
            .unwrap();
        schemas
            .add_file("trainingjob_v1.json", strict("string"))
            .unwrap();
        schemas
            .add_file("misc/Widget_v2beta1.json", strict("string"))
            .unwrap();
        assert!(schemas.defines("argoproj.io/v1alpha1", "Application"));
        assert!(!schemas.defines("argoproj.io/v1beta1", "Application"));
        assert!(schemas.defines("apps/v1", "Deployment"));
        assert!(schemas.defines("v1", "Service"));
        assert!(!schemas.defines("core/v1", "Service"));
        assert!(schemas.defines("sagemaker.aws.amazon.com/v1", "TrainingJob"));
        assert!(schemas.defines("anything.io/v1", "trainingjob"));
        assert!(
            schemas.defines("example.com/v2beta1", "Widget"),
            "`misc` is no group"
        );
        let d = schemas
            .lookup("argoproj.io/v1alpha1", "Application")
            .unwrap();
        assert_eq!(
            d.origin,
            Origin::SchemaFile {
                path: "argoproj.io/application_v1alpha1.json".into()
            }
        );
        assert_eq!(
            schemas.served_versions("argoproj.io", "Application"),
            vec!["v1alpha1"]
        );

        for bad in [
            "application.json",
            "application_latest.json",
            "application_v1.yaml",
            "_v1.json",
            "my-app_v1.json",
            "app_v1beta.json",
        ] {
            let error = schemas.add_file(bad, json!({})).unwrap_err();
            assert!(error.contains("<kind>_<version>.json"), "{bad}: {error}");
        }
        let error = schemas
            .add_file("core/service_v1.json", json!({}))
            .unwrap_err();
        assert!(error.contains("core/service_v1.json"), "{error}");
        let error = schemas
            .add_file("x_v1.json", json!({"type": "obect"}))
            .unwrap_err();
        assert!(error.contains("/type"), "{error}");
        assert!(schemas.add_file("y_v1.json", json!([])).is_err());
    }

    #[test]
    fn repository_definitions_take_precedence_over_files() {
        let (mut schemas, _) = schemas(&[WIDGET_CRD]);
        schemas
            .add_file("example.com/widget_v1.json", json!({"type": "string"}))
            .unwrap();
        schemas
            .add_file("widget_v1.json", json!({"type": "string"}))
            .unwrap();
        schemas
            .add_file("widget_v9.json", json!({"type": "string"}))
            .unwrap();
        assert!(valid(
            &schemas,
            "apiVersion: example.com/v1\nkind: Widget\nspec: {size: 1}"
        ));
        assert!(matches!(
            schemas.lookup("example.com/v9", "Widget").unwrap().origin,
            Origin::SchemaFile { .. }
        ));
        assert_eq!(schemas.len(), 5);
    }

    /// Remove string `description`s (the keyword; a property named `description` has
    /// an object as value) and kubeconform's one quirk: it closes a `properties` map
    /// that holds a property named `properties`, by adding a property named
    /// `additionalProperties` with schema `false` (harmless under a closed object).
    fn normalise(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if matches!(map.get("description"), Some(Value::String(_))) {
                    map.remove("description");
                }
                if let Some(Value::Object(properties)) = map.get_mut("properties") {
                    if properties.contains_key("properties")
                        && properties.get("additionalProperties") == Some(&Value::Bool(false))
                    {
                        properties.remove("additionalProperties");
                    }
                }
                map.values_mut().for_each(normalise);
            }
            Value::Array(list) => list.iter_mut().for_each(normalise),
            _ => {}
        }
    }

    /// `../shared/k8s-schemas` beside the repository (absent on a fresh clone: the tests
    /// that read it skip).
    fn shared_schemas() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/k8s-schemas")
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn schemahero_crds_convert_as_kubeconform_does() {
        let root = shared_schemas();
        let root = root.as_path();
        if !root.exists() {
            eprintln!("skipped: {} is absent", root.display());
            return;
        }
        for (crd, expected) in [
            (
                "crds/schemahero/schemas.schemahero.io_tables.yaml",
                "schemas.schemahero.io/table_v1alpha4.json",
            ),
            (
                "crds/schemahero/databases.schemahero.io_databases.yaml",
                "databases.schemahero.io/database_v1alpha4.json",
            ),
        ] {
            let text = std::fs::read_to_string(root.join(crd)).unwrap();
            let definition = value(text.trim_start_matches("---\n"));
            let openapi = definition
                .pointer("/spec/versions/0/schema/openAPIV3Schema")
                .unwrap();
            let mut converted = schema_from_openapi(openapi);
            let mut expected: Value =
                serde_json::from_str(&std::fs::read_to_string(root.join(expected)).unwrap())
                    .unwrap();
            normalise(&mut converted);
            normalise(&mut expected);
            assert!(converted == expected, "{crd} converts differently");

            // And through from_manifests: the same, with `status` open.
            let m = Manifest {
                file: 0,
                document: 0,
                api_version: "apiextensions.k8s.io/v1".into(),
                kind: "CustomResourceDefinition".into(),
                value: definition.clone(),
            };
            let (schemas, problems) = CustomSchemas::from_manifests([&m]);
            assert!(problems.is_empty(), "{problems:?}");
            let group = definition["spec"]["group"].as_str().unwrap();
            let kind = definition["spec"]["names"]["kind"].as_str().unwrap();
            let schema = schemas.schema(&format!("{group}/v1alpha4"), kind).unwrap();
            crate::schema::compile(schema).unwrap();
            assert_eq!(
                schema.pointer("/properties/status/additionalProperties"),
                None
            );
        }
        let (schemas, _) = CustomSchemas::from_manifests([]);
        assert!(schemas.is_empty());
    }

    #[test]
    #[allow(clippy::print_stderr)]
    fn schemahero_table_resources_validate() {
        let path = shared_schemas().join("crds/schemahero/schemas.schemahero.io_tables.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("skipped: {} is absent", path.display());
            return;
        };
        let (schemas, _) = schemas(&[text.trim_start_matches("---\n")]);
        let table = r#"
apiVersion: schemas.schemahero.io/v1alpha4
kind: Table
metadata: {name: users, namespace: shop}
spec:
  database: shop
  name: users
  schema:
    postgres:
      primaryKey: [id]
      columns:
        - {name: id, type: integer}
        - {name: email, type: "varchar(255)", constraints: {notNull: true}}
"#;
        assert!(valid(&schemas, table));
        assert!(!valid(&schemas, &table.replace("notNull", "notnull")));
    }
}
