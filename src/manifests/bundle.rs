//! The embedded schema bundle: a strict JSON Schema per (group, version, kind) for the
//! kinds the platform writes (core Kubernetes, Argo CD and Rollouts, Crossplane,
//! External Secrets, SchemaHero, Flux, Kustomize, KServe).
//!
//! `schemas/bundle.json.gz` is built by `schemas/build.py` from the upstream files
//! (sources and licenses in `schemas/NOTICE`) and compiled into the binary. Keys are
//! `<group>/<version>/<kind-lowercase>`, with `core` for the core group:
//! `apps/v1/deployment`, `core/v1/service`.
//!
//! Nothing is done before the first lookup, so a run without manifests never pays for
//! the bundle. The first lookup inflates it (about 1.6 MB of JSON) and finds where each
//! schema lies without parsing it; a schema is parsed when its kind is first asked for,
//! and its validator compiled on first use. Both are kept for the rest of the run.

use super::split_api_version;
use jsonschema::Validator;
use serde_json::Value;
use std::io::Read;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// The compressed bundle, as committed.
static BUNDLE_GZ: &[u8] = include_bytes!("../../schemas/bundle.json.gz");

/// The inflated bundle: its JSON text and the place of each schema in it.
#[derive(Default)]
struct Bundle {
    json: Vec<u8>,
    /// Sorted by key.
    entries: Vec<Entry>,
}

/// One bundled schema: where its text lies, and what was made of it so far.
struct Entry {
    key: String,
    span: Range<usize>,
    schema: OnceLock<Option<Value>>,
    title: OnceLock<Option<String>>,
    validator: OnceLock<Option<Arc<Validator>>>,
}

/// The bundle; empty if the embedded bytes cannot be read (which the tests rule out
/// for the committed file).
fn bundle() -> &'static Bundle {
    static BUNDLE: OnceLock<Bundle> = OnceLock::new();
    BUNDLE.get_or_init(|| decode(BUNDLE_GZ).unwrap_or_default())
}

fn decode(gz: &[u8]) -> Option<Bundle> {
    // The gzip trailer ends with the uncompressed size (mod 2^32): size the buffer once.
    let hint = gz
        .get(gz.len().saturating_sub(4)..)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, |b| u32::from_le_bytes(b) as usize);
    let mut json = Vec::with_capacity(hint.min(64 << 20));
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut json)
        .ok()?;
    let mut entries: Vec<Entry> = split_object(&json)?
        .into_iter()
        .map(|(key, span)| Entry {
            key,
            span,
            schema: OnceLock::new(),
            title: OnceLock::new(),
            validator: OnceLock::new(),
        })
        .collect();
    entries.sort_by(|a, b| a.key.cmp(&b.key));
    Some(Bundle { json, entries })
}

impl Bundle {
    fn find(&self, key: &str) -> Option<&Entry> {
        let i = self
            .entries
            .binary_search_by(|e| e.key.as_str().cmp(key))
            .ok()?;
        self.entries.get(i)
    }

    /// The parsed schema of an entry; `None` if its text is not a JSON object.
    fn schema<'a>(&'a self, entry: &'a Entry) -> Option<&'a Value> {
        entry
            .schema
            .get_or_init(|| {
                let text = self.json.get(entry.span.clone())?;
                serde_json::from_slice::<Value>(text)
                    .ok()
                    .filter(Value::is_object)
            })
            .as_ref()
    }

    /// The schema's `title` (build.py puts the kind, as spelt in manifests, there),
    /// read without parsing the schema.
    fn title<'a>(&'a self, entry: &'a Entry) -> Option<&'a str> {
        entry
            .title
            .get_or_init(|| {
                let text = self.json.get(entry.span.clone())?;
                let (_, span) = split_object(text)?
                    .into_iter()
                    .find(|(key, _)| key == "title")?;
                serde_json::from_slice::<String>(text.get(span)?).ok()
            })
            .as_deref()
    }
}

/// The members of the JSON object `json`: each key, and the byte range of its value,
/// found by scanning, without parsing the values. `None` if `json` is not an object
/// (a malformed value is only noticed when it is parsed).
fn split_object(json: &[u8]) -> Option<Vec<(String, Range<usize>)>> {
    let mut members = Vec::new();
    let mut i = skip_space(json, 0);
    if json.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(json, i + 1);
    if json.get(i) == Some(&b'}') {
        return (skip_space(json, i + 1) == json.len()).then_some(members);
    }
    loop {
        if json.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = string_end(json, i)?;
        let key: String = serde_json::from_slice(json.get(i..key_end)?).ok()?;
        i = skip_space(json, key_end);
        if json.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_space(json, i + 1);
        let end = value_end(json, start)?;
        members.push((key, start..end));
        i = skip_space(json, end);
        match json.get(i) {
            Some(b',') => i = skip_space(json, i + 1),
            Some(b'}') => break,
            _ => return None,
        }
    }
    (skip_space(json, i + 1) == json.len()).then_some(members)
}

fn skip_space(json: &[u8], mut i: usize) -> usize {
    while json
        .get(i)
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        i += 1;
    }
    i
}

/// The index just past the string that starts (with its quote) at `start`.
fn string_end(json: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match json.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The index just past the value that starts at `start`.
fn value_end(json: &[u8], start: usize) -> Option<usize> {
    match json.get(start)? {
        b'"' => string_end(json, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match json.get(i)? {
                    b'"' => {
                        i = string_end(json, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = start;
            while json
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
            {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

/// `apps/v1` + `Deployment` → `apps/v1/deployment`; `v1` + `Service` →
/// `core/v1/service`. `None` for an apiVersion that is not `[group/]version`.
pub fn key(api_version: &str, kind: &str) -> Option<String> {
    let (group, version) = split_api_version(api_version);
    if version.is_empty()
        || kind.is_empty()
        || (group.is_empty() && api_version.contains('/'))
        || group.contains('/')
    {
        return None;
    }
    let group = if group.is_empty() { "core" } else { group };
    Some(format!("{group}/{version}/{}", kind.to_lowercase()))
}

fn entry(api_version: &str, kind: &str) -> Option<&'static Entry> {
    bundle().find(&key(api_version, kind)?)
}

/// The bundled schema of a kind; the kind is compared case-insensitively.
pub fn schema(api_version: &str, kind: &str) -> Option<&'static Value> {
    bundle().schema(entry(api_version, kind)?)
}

/// The validator of a bundled kind, compiled on first use and shared afterwards.
/// Concurrent first uses of one kind compile it once; different kinds compile in
/// parallel. `None` for a kind the bundle lacks (or, which the tests rule out, a
/// bundled schema that does not compile).
pub fn validator(api_version: &str, kind: &str) -> Option<Arc<Validator>> {
    let entry = entry(api_version, kind)?;
    entry
        .validator
        .get_or_init(|| {
            let schema = bundle().schema(entry)?;
            crate::schema::compile(schema).ok().map(Arc::new)
        })
        .clone()
}

/// Every bundle key (`apps/v1/deployment`, …), sorted.
pub fn keys() -> impl Iterator<Item = &'static str> {
    bundle().entries.iter().map(|e| e.key.as_str())
}

/// A bundled kind, as users write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The bundle key, `apps/v1/deployment`.
    pub key: &'static str,
    /// The API group; `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    /// The kind as spelt in manifests (`Deployment`), from the schema's `title`.
    pub kind: &'static str,
}

impl Kind {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_owned()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// Every bundled kind, sorted by key: for `explain`, documentation and hints.
pub fn kinds() -> impl Iterator<Item = Kind> {
    let bundle = bundle();
    bundle.entries.iter().filter_map(move |e| {
        let mut parts = e.key.splitn(3, '/');
        let (group, version, lower) = (parts.next()?, parts.next()?, parts.next()?);
        let kind = bundle
            .title(e)
            .filter(|t| t.eq_ignore_ascii_case(lower))
            .unwrap_or(lower);
        Some(Kind {
            key: e.key.as_str(),
            group: if group == "core" { "" } else { group },
            version,
            kind,
        })
    })
}

/// The apiVersions under which the bundle has `kind` (case-insensitive), e.g.
/// `["apps/v1"]` for `Deployment`: the "did you mean" for `apps/v1beta1`.
pub fn api_versions_of(kind: &str) -> Vec<String> {
    kinds()
        .filter(|k| k.kind.eq_ignore_ascii_case(kind))
        .map(|k| k.api_version())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The kinds of issue 4, as users write them.
    const ISSUE_KINDS: &[(&str, &str)] = &[
        ("v1", "Namespace"),
        ("v1", "ConfigMap"),
        ("v1", "Secret"),
        ("v1", "Service"),
        ("v1", "ServiceAccount"),
        ("apps/v1", "Deployment"),
        ("apps/v1", "StatefulSet"),
        ("batch/v1", "Job"),
        ("batch/v1", "CronJob"),
        ("networking.k8s.io/v1", "Ingress"),
        ("autoscaling/v2", "HorizontalPodAutoscaler"),
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("rbac.authorization.k8s.io/v1", "RoleBinding"),
        ("networking.k8s.io/v1", "NetworkPolicy"),
        ("policy/v1", "PodDisruptionBudget"),
        ("argoproj.io/v1alpha1", "Application"),
        ("argoproj.io/v1alpha1", "AppProject"),
        ("argoproj.io/v1alpha1", "ApplicationSet"),
        ("argoproj.io/v1alpha1", "Rollout"),
        ("argoproj.io/v1alpha1", "AnalysisTemplate"),
        (
            "apiextensions.crossplane.io/v1",
            "CompositeResourceDefinition",
        ),
        (
            "apiextensions.crossplane.io/v2",
            "CompositeResourceDefinition",
        ),
        ("apiextensions.crossplane.io/v1", "Composition"),
        ("external-secrets.io/v1", "ExternalSecret"),
        ("external-secrets.io/v1", "SecretStore"),
        ("external-secrets.io/v1", "ClusterSecretStore"),
        ("generators.external-secrets.io/v1alpha1", "Password"),
        ("databases.schemahero.io/v1alpha4", "Database"),
        ("schemas.schemahero.io/v1alpha4", "Table"),
        ("source.toolkit.fluxcd.io/v1", "GitRepository"),
        ("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
        ("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
        ("kustomize.config.k8s.io/v1beta1", "Kustomization"),
        ("serving.kserve.io/v1beta1", "InferenceService"),
    ];

    #[test]
    fn every_kind_of_the_issue_resolves() {
        for (api_version, kind) in ISSUE_KINDS {
            assert!(
                schema(api_version, kind).is_some(),
                "{api_version} {kind} is not bundled"
            );
        }
        assert_eq!(
            keys().count(),
            ISSUE_KINDS.len(),
            "{:?}",
            keys().collect::<Vec<_>>()
        );
        let spelt: Vec<(String, &str)> = kinds().map(|k| (k.api_version(), k.kind)).collect();
        for (api_version, kind) in ISSUE_KINDS {
            assert!(
                spelt.contains(&(api_version.to_string(), kind)),
                "{api_version} {kind} not in {spelt:?}"
            );
        }
    }

    #[test]
    fn keys_follow_the_file_layout() {
        assert_eq!(
            key("apps/v1", "Deployment").as_deref(),
            Some("apps/v1/deployment")
        );
        assert_eq!(key("v1", "Service").as_deref(), Some("core/v1/service"));
        assert_eq!(key("/v1", "Service"), None);
        assert_eq!(key("apps/", "Deployment"), None);
        assert_eq!(key("a/b/v1", "Deployment"), None);
        assert_eq!(key("v1", ""), None);
        assert!(keys().any(|k| k == "argoproj.io/v1alpha1/application"));
        assert!(keys().any(|k| k == "kustomize.config.k8s.io/v1beta1/kustomization"));
        let sorted: Vec<_> = keys().collect();
        assert!(sorted.windows(2).all(|w| w[0] < w[1]));
        // Case-insensitive kind, exact apiVersion.
        assert!(schema("apps/v1", "deployment").is_some());
        assert!(schema("apps/v1", "DEPLOYMENT").is_some());
        assert!(schema("Apps/v1", "Deployment").is_none());
        assert!(schema("apps/v1beta1", "Deployment").is_none());
        assert!(schema("v1", "Deployment").is_none());
        assert!(schema("example.com/v1", "Widget").is_none());
    }

    #[test]
    fn hints_name_the_bundled_api_version() {
        assert_eq!(api_versions_of("Deployment"), ["apps/v1"]);
        assert_eq!(api_versions_of("service"), ["v1"]);
        assert_eq!(
            api_versions_of("CompositeResourceDefinition"),
            [
                "apiextensions.crossplane.io/v1",
                "apiextensions.crossplane.io/v2"
            ]
        );
        assert_eq!(
            api_versions_of("Kustomization"),
            [
                "kustomize.config.k8s.io/v1beta1",
                "kustomize.toolkit.fluxcd.io/v1"
            ]
        );
        assert!(api_versions_of("Widget").is_empty());
    }

    #[test]
    fn descriptions_are_stripped_but_description_fields_stay() {
        let project = schema("argoproj.io/v1alpha1", "AppProject").unwrap();
        assert!(project
            .pointer("/properties/spec/properties/description")
            .is_some());
        let text = serde_json::to_string(project).unwrap();
        assert!(!text.contains("x-kubernetes-"));
        let deployment = schema("apps/v1", "Deployment").unwrap();
        assert!(deployment.get("description").is_none());
        assert!(deployment
            .pointer("/properties/spec/properties/replicas/description")
            .is_none());
    }

    #[test]
    fn every_bundled_validator_compiles() {
        for kind in kinds() {
            let schema = schema(&kind.api_version(), kind.kind).unwrap();
            if let Err(e) = crate::schema::compile(schema) {
                panic!("{}: {e}", kind.key);
            }
            assert!(
                validator(&kind.api_version(), kind.kind).is_some(),
                "{}",
                kind.key
            );
        }
        // Cached: the same validator on the second call.
        let a = validator("v1", "ConfigMap").unwrap();
        let b = validator("v1", "configmap").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{
                        "name": "web",
                        "image": "nginx:1.27",
                        "ports": [{"containerPort": 80}],
                        "resources": {"limits": {"cpu": "500m", "memory": 128}}
                    }]}
                }
            }
        })
    }

    #[test]
    fn a_deployment_is_checked_strictly() {
        let v = validator("apps/v1", "Deployment").unwrap();
        assert!(
            crate::schema::violations(&v, &deployment()).is_empty(),
            "{:?}",
            crate::schema::violations(&v, &deployment())
        );

        let mut misspelt = deployment();
        misspelt["spec"]["replica"] = json!(2);
        let found = crate::schema::violations(&v, &misspelt);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pointer, "/spec/replica");
        assert_eq!(found[0].keyword, "additionalProperties");

        let mut wrong_type = deployment();
        wrong_type["spec"]["replicas"] = json!("two");
        let found = crate::schema::violations(&v, &wrong_type);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pointer, "/spec/replicas");
        assert_eq!(found[0].keyword, "type");

        let mut deep = deployment();
        deep["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = json!(3);
        deep["spec"]["template"]["spec"]["containers"][0]["port"] = json!(80);
        let found = crate::schema::violations(&v, &deep);
        let pointers: Vec<&str> = found.iter().map(|f| f.pointer.as_str()).collect();
        assert!(
            pointers.contains(&"/spec/template/spec/containers/0/imagePullPolicy"),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&"/spec/template/spec/containers/0/port"),
            "{pointers:?}"
        );

        let mut wrong_kind = deployment();
        wrong_kind["kind"] = json!("deployment");
        assert!(!v.is_valid(&wrong_kind));
    }

    #[test]
    fn crd_schemas_are_open_at_the_root_and_strict_below() {
        let v = validator("argoproj.io/v1alpha1", "Application").unwrap();
        let app = json!({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": "web"},
            "spec": {
                "project": "default",
                "source": {"repoURL": "https://example.com/repo.git", "path": "web"},
                "destination": {"server": "https://kubernetes.default.svc", "namespace": "web"}
            }
        });
        assert!(crate::schema::violations(&v, &app).is_empty());
        let mut typo = app.clone();
        typo["spec"]["destination"]["namspace"] = json!("web");
        let found = crate::schema::violations(&v, &typo);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pointer, "/spec/destination/namspace");
    }

    #[test]
    fn members_are_found_without_parsing() {
        let text = br#" { "a" : {"b": "}\\\"{", "c": [1, {"d": "]"}]},
            "e\"f":"x" ,"g":-1.5e3, "h": [] ,"i":null}  "#;
        let members = split_object(text).unwrap();
        let got: Vec<(&str, &str)> = members
            .iter()
            .map(|(k, r)| (k.as_str(), std::str::from_utf8(&text[r.clone()]).unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", r#"{"b": "}\\\"{", "c": [1, {"d": "]"}]}"#),
                ("e\"f", r#""x""#),
                ("g", "-1.5e3"),
                ("h", "[]"),
                ("i", "null"),
            ]
        );
        for (_, span) in &members {
            assert!(serde_json::from_slice::<Value>(&text[span.clone()]).is_ok());
        }
        assert_eq!(split_object(b"{}").map(|m| m.len()), Some(0));
        assert_eq!(split_object(b" { } ").map(|m| m.len()), Some(0));
        for bad in [
            &b""[..],
            b"[]",
            b"{",
            b"{\"a\"}",
            b"{\"a\":}",
            b"{\"a\":1,}",
            b"{\"a\":1} x",
            b"{\"a\":{\"b\":1}",
            b"{\"a\":\"unterminated}",
            b"{a:1}",
        ] {
            assert!(
                split_object(bad).is_none(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn a_broken_bundle_is_an_empty_one() {
        assert!(decode(b"").is_none());
        assert!(decode(b"not gzip at all").is_none());
        assert!(decode(&BUNDLE_GZ[..BUNDLE_GZ.len() / 2]).is_none());
        let mut gz = Vec::new();
        {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::default());
            e.write_all(b"[1, 2]").unwrap();
            e.finish().unwrap();
        }
        assert!(decode(&gz).is_none());
        assert_eq!(
            decode(BUNDLE_GZ).map(|b| b.entries.len()),
            Some(keys().count())
        );
    }

    /// Rebuild the bundle from `../shared/k8s-schemas` when it is there, and compare
    /// with the committed files. The JSON inside the gzip is compared, not the gzip
    /// bytes: those depend on the zlib build Python links, not on the content.
    #[test]
    #[allow(clippy::print_stderr)] // says why it was skipped
    fn bundle_is_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let src = root.join("../shared/k8s-schemas");
        if !src.join("SOURCES.md").is_file() {
            eprintln!("skipped: {} is not there", src.display());
            return;
        }
        let out = tempfile::tempdir().unwrap();
        let run = std::process::Command::new("python3")
            .arg(root.join("schemas/build.py"))
            .arg(&src)
            .arg("--out")
            .arg(out.path())
            .output();
        let run = match run {
            Ok(run) => run,
            Err(e) => {
                eprintln!("skipped: cannot run python3: {e}");
                return;
            }
        };
        assert!(
            run.status.success(),
            "build.py failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let inflate = |bytes: &[u8]| {
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut json)
                .unwrap();
            json
        };
        let built = std::fs::read(out.path().join("bundle.json.gz")).unwrap();
        assert!(
            inflate(&built) == inflate(BUNDLE_GZ),
            "schemas/bundle.json.gz is stale: run `python3 schemas/build.py` and commit"
        );
        for name in ["NOTICE", "README.md"] {
            let built = std::fs::read_to_string(out.path().join(name)).unwrap();
            let committed = std::fs::read_to_string(root.join("schemas").join(name)).unwrap();
            assert!(
                built == committed,
                "schemas/{name} is stale: run `python3 schemas/build.py` and commit"
            );
        }
    }
}
