//! Manifest rules: each manifest against the schema of its kind, names, namespaces,
//! the rules of a kind that its schema cannot express, and references that must
//! resolve inside the repository.
//!
//! Rules: `manifest-schema`, `manifest-unknown-kind`, `manifest-name`,
//! `manifest-namespace`, `manifest-invalid`, `manifest-reference`.

use crate::catalog::identifier::closest;
use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Place, Severity};
use crate::manifests::registry::{Lookup, Registry};
use crate::manifests::Manifest;
use crate::rules;
use crate::schema;
use crate::source::spans::{escape_segment, Target};
use crate::source::Source;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Check every manifest of the catalog; with `strict`, a kind without a schema is an
/// error rather than a warning.
pub fn check(
    catalog: &Catalog,
    manifests: &[Manifest],
    source: &dyn Source,
    registry: &Registry,
    strict: bool,
) -> Vec<Diagnostic> {
    let index = Index::new(catalog, manifests);
    let mut findings: Vec<Diagnostic> = manifests
        .par_iter()
        .flat_map_iter(|m| {
            let mut found = Vec::new();
            let at = |pointer: &str, target: Target| {
                Place::pointer(&catalog.files[m.file].path, m.document, pointer, target)
            };
            let patch = index.patches.contains(catalog.files[m.file].path.as_str());
            schema_findings(m, patch, registry, strict, &at, &mut found);
            name_findings(m, &at, &mut found);
            kind_findings(m, &catalog.files[m.file].path, &at, &mut found);
            reference_findings(catalog, source, &index, m, &at, &mut found);
            for d in &mut found {
                if d.entity.is_none() {
                    d.entity = Some(format!("{}/{}", m.kind, m.name().unwrap_or("?")));
                }
            }
            found
        })
        .collect();
    findings.extend(registry.problems().iter().cloned());
    findings
}

/// `null` members dropped, recursively: the API server prunes them for fields that are
/// not nullable, so `key:` with nothing after it means unset, not a wrong type.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn schema_findings(
    m: &Manifest,
    patch: bool,
    registry: &Registry,
    strict: bool,
    at: &impl Fn(&str, Target) -> Place,
    found: &mut Vec<Diagnostic>,
) {
    match registry.lookup(&m.api_version, &m.kind) {
        Lookup::Found(validator) => {
            // A Kustomize patch is a fragment: what it leaves out comes from the base.
            let violations = schema::violations(&validator, &without_nulls(&m.value));
            for v in violations
                .into_iter()
                .filter(|v| !(patch && v.keyword == "required"))
            {
                let message = match v.keyword.as_str() {
                    "additionalProperties" => format!(
                        "{} {}: {}",
                        m.api_version,
                        m.kind,
                        v.message.replace("unknown key", "unknown field")
                    ),
                    _ => format!(
                        "{} {} at `{}`: {}",
                        m.api_version,
                        m.kind,
                        display_pointer(&v.pointer),
                        v.message
                    ),
                };
                let help = match v.keyword.as_str() {
                    "additionalProperties" => Some("check the spelling and the indentation: the field may belong one level up or down".to_owned()),
                    "required" => v.missing.as_ref().map(|f| format!("add `{f}`")),
                    "type" => Some(type_hint(&v.message).to_owned()),
                    _ => None,
                };
                found.push(
                    Diagnostic::new(&rules::MANIFEST_SCHEMA, at(&v.pointer, v.target), message)
                        .maybe_help(help),
                );
            }
        }
        Lookup::Unchecked => {}
        Lookup::Unknown { hint } => {
            let severity = if strict {
                Severity::Error
            } else {
                Severity::Warning
            };
            let help = hint.unwrap_or_else(|| "add the CustomResourceDefinition to the repository, or its JSON Schema to the folder `manifests.schemas` names in portolan.yaml".into());
            found.push(
                Diagnostic::new(
                    &rules::MANIFEST_UNKNOWN_KIND,
                    at("/kind", Target::Value),
                    format!("no schema is known for {} {}", m.api_version, m.kind),
                )
                .help(help)
                .severity(severity),
            );
        }
    }
}

/// What to write instead, by the type the schema expects (the message ends with the
/// expected types, e.g. `"three" is not of types "null", "integer"`).
fn type_hint(message: &str) -> &'static str {
    let expected = message
        .rsplit_once("is not of type")
        .map_or(message, |(_, t)| t);
    let expects = |t: &str| expected.contains(&format!("\"{t}\""));
    if expects("string") {
        "quote the value: this field is text"
    } else if expects("integer") || expects("number") {
        "write a number without quotes"
    } else if expects("boolean") {
        "write true or false without quotes"
    } else if expects("array") {
        "write a list (`- item` lines, or `[a, b]`)"
    } else if expects("object") {
        "write a mapping of keys, indented under this one"
    } else {
        "the schema expects another type here"
    }
}

fn display_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        "/".into()
    } else {
        pointer.to_owned()
    }
}

/// Kinds whose `metadata.name` is a DNS-1123 label (at most 63, no dots).
const LABEL_NAMED: &[&str] = &["Namespace", "Service"];
/// Kinds that carry no Kubernetes metadata.
fn has_metadata(m: &Manifest) -> bool {
    !(m.kind == "Kustomization" && m.api_version.starts_with("kustomize.config.k8s.io"))
}

fn name_findings(m: &Manifest, at: &impl Fn(&str, Target) -> Place, found: &mut Vec<Diagnostic>) {
    if !has_metadata(m) {
        return;
    }
    let Some(metadata) = m.value.get("metadata").and_then(Value::as_object) else {
        found.push(
            Diagnostic::new(
                &rules::MANIFEST_NAME,
                at("", Target::Value),
                format!("{} has no `metadata`", m.kind),
            )
            .help("add `metadata: { name: <name> }`"),
        );
        return;
    };
    match metadata.get("name") {
        Some(Value::String(name)) => {
            let label = LABEL_NAMED.contains(&m.kind.as_str());
            if let Some(problem) = dns_problem(name, label) {
                found.push(
                    Diagnostic::new(
                        &rules::MANIFEST_NAME,
                        at("/metadata/name", Target::Value),
                        format!("{} name `{name}` {problem}", m.kind),
                    )
                    .help(format!(
                        "use lower-case letters, digits and `-`{}, e.g. `{}`",
                        if label { "" } else { " (and `.`)" },
                        suggest_name(name)
                    )),
                );
            }
        }
        Some(_) => {}
        None if metadata.contains_key("generateName") => {}
        None => found.push(
            Diagnostic::new(
                &rules::MANIFEST_NAME,
                at("/metadata", Target::Key),
                format!("{} has no `metadata.name`", m.kind),
            )
            .help("add `name:` under `metadata`"),
        ),
    }
    if let Some(Value::String(namespace)) = metadata.get("namespace") {
        if let Some(problem) = dns_problem(namespace, true) {
            found.push(
                Diagnostic::new(
                    &rules::MANIFEST_NAME,
                    at("/metadata/namespace", Target::Value),
                    format!("namespace `{namespace}` {problem}"),
                )
                .help("namespaces are DNS-1123 labels"),
            );
        }
    }
    for (pointer, labels) in label_maps(m) {
        for (key, value) in labels {
            if let Some(problem) = label_key_problem(key) {
                found.push(Diagnostic::new(&rules::MANIFEST_NAME, at(&format!("{pointer}/{}", escape_segment(key)), Target::Key), format!("label key `{key}` {problem}")).help("label keys are `[prefix/]name`: a DNS subdomain prefix, and a name of at most 63 letters, digits, `-`, `_`, `.`"));
            }
            match value {
                Value::String(v) => {
                    if let Some(problem) = label_value_problem(v) {
                        found.push(Diagnostic::new(&rules::MANIFEST_NAME, at(&format!("{pointer}/{}", escape_segment(key)), Target::Value), format!("label value `{v}` {problem}")).help("label values are at most 63 letters, digits, `-`, `_`, `.`, starting and ending with a letter or digit"));
                    }
                }
                Value::Null => {}
                _ => {} // a non-string value is the schema's to report
            }
        }
    }
}

/// The label maps of a manifest: its own and its pod template's.
fn label_maps(m: &Manifest) -> Vec<(&'static str, &serde_json::Map<String, Value>)> {
    [
        "/metadata/labels",
        "/spec/template/metadata/labels",
        "/spec/jobTemplate/spec/template/metadata/labels",
    ]
    .into_iter()
    .filter_map(|p| {
        m.value
            .pointer(p)
            .and_then(Value::as_object)
            .map(|l| (p, l))
    })
    .collect()
}

/// Why a name is not a DNS-1123 label (`label`) or subdomain, or `None`.
pub fn dns_problem(name: &str, label: bool) -> Option<String> {
    let max = if label { 63 } else { 253 };
    if name.is_empty() {
        return Some("is empty".into());
    }
    if name.len() > max {
        return Some(format!(
            "is {} characters long; the limit is {max}",
            name.len()
        ));
    }
    let ok_char =
        |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (!label && c == '.');
    if let Some(c) = name.chars().find(|c| !ok_char(*c)) {
        return Some(format!("has `{c}`, which a Kubernetes name cannot have"));
    }
    let parts: Vec<&str> = if label {
        vec![name]
    } else {
        name.split('.').collect()
    };
    for part in parts {
        let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if !alnum(part.chars().next()) || !alnum(part.chars().last()) {
            return Some("must start and end with a letter or digit".into());
        }
    }
    None
}

fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if value.len() > 63 {
        return Some(format!(
            "is {} characters long; the limit is 63",
            value.len()
        ));
    }
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if let Some(c) = value.chars().find(|c| !ok(*c)) {
        return Some(format!("has `{c}`, which a label value cannot have"));
    }
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !alnum(value.chars().next()) || !alnum(value.chars().last()) {
        return Some("must start and end with a letter or digit".into());
    }
    None
}

fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if let Some(problem) = dns_problem(p, false) {
            return Some(format!("has a prefix that {problem}"));
        }
    }
    if name.is_empty() {
        return Some("has an empty name".into());
    }
    label_value_problem(name)
}

/// A name with the illegal characters replaced, as an example in hints.
fn suggest_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').chars().take(63).collect()
}

fn kind_findings(
    m: &Manifest,
    path: &str,
    at: &impl Fn(&str, Target) -> Place,
    found: &mut Vec<Diagnostic>,
) {
    let (group, _) = m.group_version();
    let spec = m.value.get("spec");
    let has = |key: &str| spec.and_then(|s| s.get(key)).is_some_and(|v| !v.is_null());
    match (group, m.kind.as_str()) {
        // The platform layout keeps Argo CD's objects under `argocd/` (DESIGN.md §2).
        ("argoproj.io", "Application" | "ApplicationSet" | "AppProject")
            if path.starts_with("argocd/") && m.namespace().is_none() =>
        {
            found.push(Diagnostic::new(&rules::MANIFEST_NAMESPACE, at("/metadata", Target::Key), format!("Argo CD {} `{}` has no `metadata.namespace`", m.kind, m.name().unwrap_or("?"))).help("Argo CD reads them from its own namespace: add `namespace: argocd` under `metadata`"));
        }
        ("argoproj.io", "Rollout")
            if !(has("workloadRef") || has("selector") && has("template")) =>
        {
            let missing = if has("template") {
                "selector"
            } else {
                "template"
            };
            found.push(Diagnostic::new(&rules::MANIFEST_INVALID, at("/spec", Target::Key), format!("Rollout `{}` has no `spec.{missing}` and no `spec.workloadRef`", m.name().unwrap_or("?"))).help("a Rollout needs a pod `template` with a `selector`, or a `workloadRef` to a Deployment"));
        }
        ("helm.toolkit.fluxcd.io", "HelmRelease") => {
            let chart = has("chart");
            let chart_ref = has("chartRef");
            if chart == chart_ref {
                let message = if chart {
                    "has both `spec.chart` and `spec.chartRef`"
                } else {
                    "has neither `spec.chart` nor `spec.chartRef`"
                };
                found.push(Diagnostic::new(&rules::MANIFEST_INVALID, at("/spec", Target::Key), format!("HelmRelease `{}` {message}", m.name().unwrap_or("?"))).help("give exactly one: `chart` (a chart from a HelmRepository) or `chartRef` (an OCIRepository or HelmChart)"));
            }
        }
        ("apiextensions.crossplane.io", "CompositeResourceDefinition") => {
            let xrd_group = spec
                .and_then(|s| s.get("group"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let plural = spec
                .and_then(|s| s.pointer("/names/plural"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let expected = format!("{plural}.{xrd_group}");
            if let Some(name) = m.name() {
                if !plural.is_empty() && name != expected {
                    found.push(Diagnostic::new(&rules::MANIFEST_INVALID, at("/metadata/name", Target::Value), format!("an XRD's name must be `<plural>.<group>`: `{expected}`, not `{name}`")).help(format!("rename it `{expected}`")));
                }
            }
            let versions = spec
                .and_then(|s| s.get("versions"))
                .and_then(Value::as_array);
            let referenceable = versions.map_or(0, |v| {
                v.iter()
                    .filter(|v| v.get("referenceable").and_then(Value::as_bool) == Some(true))
                    .count()
            });
            if referenceable != 1 {
                found.push(Diagnostic::new(&rules::MANIFEST_INVALID, at("/spec/versions", Target::Key), format!("an XRD needs exactly one referenceable version; `{}` has {referenceable}", m.name().unwrap_or("?"))).help("set `referenceable: true` on exactly one entry of `spec.versions`"));
            }
        }
        _ => {}
    }
}

/// What other manifests provide, for reference checks.
struct Index<'a> {
    /// `(kind, name)` of every manifest.
    named: HashSet<(&'a str, &'a str)>,
    /// Secrets produced in the repository: Secret manifests and ExternalSecret targets.
    secrets: HashSet<&'a str>,
    /// Pod-template labels of workloads, by folder.
    workloads: BTreeMap<&'a str, Vec<&'a serde_json::Map<String, Value>>>,
    /// Whether any ExternalSecret exists (then secrets are expected to come from one).
    external_secrets: bool,
    /// Files that Kustomizations use as patches (fragments, not whole manifests).
    patches: HashSet<String>,
}

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Rollout",
    "Job",
    "ReplicaSet",
];

fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

impl<'a> Index<'a> {
    fn new(catalog: &'a Catalog, manifests: &'a [Manifest]) -> Self {
        let mut index = Index {
            named: HashSet::new(),
            secrets: HashSet::new(),
            workloads: BTreeMap::new(),
            external_secrets: false,
            patches: HashSet::new(),
        };
        for m in manifests {
            if let Some(name) = m.name() {
                index.named.insert((m.kind.as_str(), name));
            }
            match m.kind.as_str() {
                "Secret" | "SealedSecret" => index.secrets.extend(m.name()),
                _ if m
                    .value
                    .pointer("/spec/writeConnectionSecretToRef/name")
                    .is_some()
                    || m.kind == "Certificate" =>
                {
                    // Crossplane connection secrets and cert-manager certificates.
                    let produced = m
                        .value
                        .pointer("/spec/writeConnectionSecretToRef/name")
                        .or_else(|| m.value.pointer("/spec/secretName"));
                    index.secrets.extend(produced.and_then(Value::as_str));
                }
                "ExternalSecret" => {
                    index.external_secrets = true;
                    let target = m
                        .value
                        .pointer("/spec/target/name")
                        .and_then(Value::as_str)
                        .or(m.name());
                    index.secrets.extend(target);
                }
                "Kustomization" if m.api_version.starts_with("kustomize.config.k8s.io") => {
                    let dir = folder(&catalog.files[m.file].path);
                    let items = ["patches", "patchesStrategicMerge", "patchesJson6902"]
                        .into_iter()
                        .flat_map(|k| {
                            m.value
                                .get(k)
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                        });
                    for item in items {
                        let path = item
                            .as_str()
                            .or_else(|| item.get("path").and_then(Value::as_str));
                        if let Some(target) = path
                            .filter(|p| !p.contains('\n'))
                            .and_then(|p| join(dir, p))
                        {
                            index.patches.insert(target);
                        }
                    }
                }
                kind if WORKLOADS.contains(&kind) => {
                    if let Some(labels) = m
                        .value
                        .pointer("/spec/template/metadata/labels")
                        .and_then(Value::as_object)
                    {
                        index
                            .workloads
                            .entry(folder(&catalog.files[m.file].path))
                            .or_default()
                            .push(labels);
                    }
                }
                _ => {}
            }
        }
        index
    }
}

fn is_remote(reference: &str) -> bool {
    reference.contains("://")
        || reference.starts_with("github.com/")
        || reference.starts_with("git@")
}

/// Normalize `a/b/../c` style paths relative to the platform root.
fn join(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn reference_findings(
    catalog: &Catalog,
    source: &dyn Source,
    index: &Index,
    m: &Manifest,
    at: &impl Fn(&str, Target) -> Place,
    found: &mut Vec<Diagnostic>,
) {
    let path = &catalog.files[m.file].path;
    match m.kind.as_str() {
        "Kustomization" if m.api_version.starts_with("kustomize.config.k8s.io") => {
            for key in ["resources", "components"] {
                for (i, item) in m
                    .value
                    .get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let Some(reference) = item.as_str() else {
                        continue;
                    };
                    if is_remote(reference) {
                        continue;
                    }
                    let Some(target) = join(folder(path), reference) else {
                        found.push(Diagnostic::new(&rules::MANIFEST_REFERENCE, at(&format!("/{key}/{i}"), Target::Value), format!("`{reference}` leaves the repository")).help("Kustomize resources must be inside the repository, or a remote URL"));
                        continue;
                    };
                    let exists = source.exists(&target)
                        || ["kustomization.yaml", "kustomization.yml", "Kustomization"]
                            .iter()
                            .any(|k| source.exists(&format!("{target}/{k}")));
                    if !exists {
                        found.push(Diagnostic::new(&rules::MANIFEST_REFERENCE, at(&format!("/{key}/{i}"), Target::Value), format!("Kustomization {key} `{reference}` does not exist (looked for `{target}`)")).help("correct the path (relative to the kustomization's folder), or add the file; a folder needs its own kustomization.yaml"));
                    }
                }
            }
        }
        "Application" if m.api_version.starts_with("argoproj.io/") => {
            let Some(repo) = catalog.config.github.repo.as_deref() else {
                return;
            };
            let sources = m
                .value
                .pointer("/spec/source")
                .map(|s| ("/spec/source".to_owned(), s))
                .into_iter()
                .chain(
                    m.value
                        .pointer("/spec/sources")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                        .map(|(i, s)| (format!("/spec/sources/{i}"), s)),
                );
            for (pointer, spec) in sources {
                let url = spec
                    .get("repoURL")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let Some(path) = spec.get("path").and_then(Value::as_str) else {
                    continue;
                };
                if !same_repository(url, repo) || path.contains("{{") {
                    continue;
                }
                let dir = path.trim_start_matches("./").trim_end_matches('/');
                let exists = dir.is_empty()
                    || dir == "."
                    || source.files_under(dir).is_ok_and(|files| !files.is_empty());
                if !exists {
                    found.push(Diagnostic::new(&rules::MANIFEST_REFERENCE, at(&format!("{pointer}/path"), Target::Value), format!("Application `{}` syncs `{path}` from this repository, and that folder does not exist", m.name().unwrap_or("?"))).help("correct `path` (relative to the repository root), or add the folder"));
                }
            }
        }
        "ExternalSecret" => {
            let store = m.value.pointer("/spec/secretStoreRef");
            let name = store.and_then(|s| s.get("name")).and_then(Value::as_str);
            let kind = store
                .and_then(|s| s.get("kind"))
                .and_then(Value::as_str)
                .unwrap_or("SecretStore");
            if let Some(name) = name {
                if !index.named.contains(&(kind, name)) {
                    let others: Vec<&str> = index
                        .named
                        .iter()
                        .filter(|(k, _)| *k == kind)
                        .map(|(_, n)| *n)
                        .collect();
                    let help = closest(name, others.iter().copied()).map(|n| format!("did you mean `{n}`?")).unwrap_or_else(|| format!("define the {kind} `{name}` in the repository, or correct `secretStoreRef`"));
                    found.push(Diagnostic::new(&rules::MANIFEST_REFERENCE, at("/spec/secretStoreRef/name", Target::Value), format!("ExternalSecret `{}` uses the {kind} `{name}`, which the repository does not define", m.name().unwrap_or("?"))).help(help));
                }
            }
        }
        "Service" => {
            let Some(selector) = m.value.pointer("/spec/selector").and_then(Value::as_object)
            else {
                return;
            };
            if selector.is_empty() {
                return;
            }
            if let Some(workloads) = index.workloads.get(folder(path)) {
                let matches = |labels: &&serde_json::Map<String, Value>| {
                    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
                };
                if !workloads.iter().any(matches) {
                    found.push(Diagnostic::new(&rules::MANIFEST_REFERENCE, at("/spec/selector", Target::Value), format!("Service `{}` selects no pods: no workload in `{}/` has the labels {}", m.name().unwrap_or("?"), folder(path), Value::Object(selector.clone()))).help("make the selector match the pod template labels of the workload it serves"));
                }
            }
        }
        "Ingress" => {
            let mut backends: Vec<(String, &str)> = Vec::new();
            if let Some(name) = m
                .value
                .pointer("/spec/defaultBackend/service/name")
                .and_then(Value::as_str)
            {
                backends.push(("/spec/defaultBackend/service/name".into(), name));
            }
            for (r, rule) in m
                .value
                .pointer("/spec/rules")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (p, route) in rule
                    .pointer("/http/paths")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if let Some(name) = route
                        .pointer("/backend/service/name")
                        .and_then(Value::as_str)
                    {
                        backends.push((
                            format!("/spec/rules/{r}/http/paths/{p}/backend/service/name"),
                            name,
                        ));
                    }
                }
            }
            for (pointer, name) in backends {
                if !index.named.contains(&("Service", name)) {
                    found.push(Diagnostic::new(&rules::MANIFEST_REFERENCE, at(&pointer, Target::Value), format!("Ingress `{}` routes to the Service `{name}`, which the repository does not define", m.name().unwrap_or("?"))).help("correct the service name, or add the Service"));
                }
            }
        }
        kind if WORKLOADS.contains(&kind) || kind == "CronJob" => {
            if !index.external_secrets {
                return;
            }
            let template = if kind == "CronJob" {
                "/spec/jobTemplate/spec/template/spec"
            } else {
                "/spec/template/spec"
            };
            let Some(pod) = m.value.pointer(template) else {
                return;
            };
            for list in ["containers", "initContainers"] {
                for (c, container) in pod
                    .get(list)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let base = format!("{template}/{list}/{c}");
                    for (e, env) in container
                        .get("env")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        if let Some(secret) = env
                            .pointer("/valueFrom/secretKeyRef/name")
                            .and_then(Value::as_str)
                        {
                            let optional = env
                                .pointer("/valueFrom/secretKeyRef/optional")
                                .and_then(Value::as_bool)
                                == Some(true);
                            if !optional && !index.secrets.contains(secret) {
                                found.push(missing_secret(
                                    at(
                                        &format!("{base}/env/{e}/valueFrom/secretKeyRef/name"),
                                        Target::Value,
                                    ),
                                    secret,
                                ));
                            }
                        }
                    }
                    for (e, from) in container
                        .get("envFrom")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .enumerate()
                    {
                        if let Some(secret) =
                            from.pointer("/secretRef/name").and_then(Value::as_str)
                        {
                            let optional =
                                from.pointer("/secretRef/optional").and_then(Value::as_bool)
                                    == Some(true);
                            if !optional && !index.secrets.contains(secret) {
                                found.push(missing_secret(
                                    at(
                                        &format!("{base}/envFrom/{e}/secretRef/name"),
                                        Target::Value,
                                    ),
                                    secret,
                                ));
                            }
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// Whether an Argo CD `repoURL` names this repository (`github.repo` in portolan.yaml):
/// `https://github.com/acme/platform(.git)` or `git@github.com:acme/platform.git`.
fn same_repository(url: &str, repo: &str) -> bool {
    let url = url
        .trim_end_matches('/')
        .trim_end_matches(".git")
        .to_lowercase();
    let repo = repo.to_lowercase();
    url.ends_with(&format!("/{repo}")) || url.ends_with(&format!(":{repo}"))
}

fn missing_secret(place: Place, secret: &str) -> Diagnostic {
    Diagnostic::new(&rules::MANIFEST_REFERENCE, place, format!("the Secret `{secret}` is not produced by any ExternalSecret (or Secret) in the repository"))
        .help("add an ExternalSecret whose `spec.target.name` is this secret (portolan never stores secret values), or correct the name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(dns_problem("cart-service", true).is_none());
        assert!(dns_problem("cart.example.com", false).is_none());
        assert!(dns_problem("Cart_Service", false).is_some());
        assert!(dns_problem("cart.example", true).is_some());
        assert!(dns_problem("-cart", true).is_some());
        assert_eq!(suggest_name("Cart_Service"), "cart-service");
        assert!(label_key_problem("app.kubernetes.io/name").is_none());
        assert!(label_value_problem("go 1.15").is_some());
        assert_eq!(
            join("apps/cart/envs/dev", "../../base").as_deref(),
            Some("apps/cart/base")
        );
        assert_eq!(join("apps", "../../x"), None);
        assert!(same_repository(
            "https://github.com/Acme/platform.git",
            "acme/platform"
        ));
        assert!(same_repository(
            "git@github.com:acme/platform.git",
            "acme/platform"
        ));
        assert!(!same_repository(
            "https://github.com/acme/platform-docs",
            "acme/platform"
        ));
    }
}
