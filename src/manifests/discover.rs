//! Finding and reading manifests: every YAML (or JSON) document with `apiVersion` and
//! `kind` under the manifest folders, plus Kustomize `kustomization.yaml` files.
//!
//! Files under the catalog roots and the blueprints folder are not manifests, and
//! neither are Helm charts (a folder with a `Chart.yaml` holds templates, which only
//! become manifests when rendered). Documents that are not manifests (a Helm values
//! file, say) are skipped silently; files that do not parse are reported.

use super::Manifest;
use crate::catalog::SourceFile;
use crate::config::Config;
use crate::diagnostic::parse_findings;
use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::source::parse::Format;
use crate::source::read_and_parse;
use crate::source::spans::Target;
use crate::source::Source;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::BTreeSet;

/// What discovery found.
#[derive(Default)]
pub struct Discovered {
    pub files: Vec<SourceFile>,
    pub manifests: Vec<Manifest>,
    pub findings: Vec<Diagnostic>,
}

/// The Kustomize file names, which may leave out `apiVersion` and `kind`.
const KUSTOMIZATION: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The manifest files of a source, sorted.
pub fn paths(source: &dyn Source, config: &Config) -> std::io::Result<Vec<String>> {
    let mut all = BTreeSet::new();
    for dir in &config.manifests.dirs {
        all.extend(source.files_under(dir.trim_end_matches('/'))?);
    }
    let under = |path: &str, dir: &str| {
        let dir = dir.trim_end_matches('/');
        path.strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    let charts: Vec<String> = all
        .iter()
        .filter(|p| file_name(p) == "Chart.yaml")
        .map(|p| {
            p.trim_end_matches("Chart.yaml")
                .trim_end_matches('/')
                .to_owned()
        })
        .collect();
    Ok(all
        .into_iter()
        .filter(|p| Format::of_path(p).is_some() || KUSTOMIZATION.contains(&file_name(p)))
        .filter(|p| !config.catalog.roots.iter().any(|r| under(p, r)))
        .filter(|p| !under(p, &config.blueprints.dir))
        .filter(|p| {
            config
                .manifests
                .schemas
                .as_deref()
                .is_none_or(|s| !under(p, s))
        })
        .filter(|p| !charts.iter().any(|c| under(p, c)))
        .collect())
}

/// Read and parse the manifest files; `first_file` is the index the first one gets
/// in the catalog's file list.
pub fn load(source: &dyn Source, paths: &[String], first_file: usize) -> Discovered {
    let outcomes: Vec<(SourceFile, Vec<Manifest>, Vec<Diagnostic>)> = paths
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            let (mut file, parsed) = read_and_parse(source, path);
            let mut findings = parse_findings(path, &parsed);
            let mut manifests = Vec::new();
            let kustomization = KUSTOMIZATION.contains(&file_name(path));
            for (document, doc) in parsed.documents.into_iter().enumerate() {
                match identify(doc.value, kustomization) {
                    Identified::Manifest(api_version, kind, value) => manifests.push(Manifest {
                        file: first_file + i,
                        document,
                        api_version,
                        kind,
                        value,
                    }),
                    Identified::Half(missing) => findings.push(
                        Diagnostic::new(
                            &rules::MANIFEST_INVALID,
                            Place::pointer(path, document, "", Target::Value),
                            format!(
                                "this document has {} but no `{missing}`",
                                if missing == "kind" {
                                    "`apiVersion`"
                                } else {
                                    "`kind`"
                                }
                            ),
                        )
                        .help("a manifest needs both `apiVersion` and `kind`"),
                    ),
                    Identified::Other => {}
                }
            }
            file.text = parsed.text;
            (file, manifests, findings)
        })
        .collect();
    let mut discovered = Discovered::default();
    for (file, manifests, findings) in outcomes {
        discovered.files.push(file);
        discovered.manifests.extend(manifests);
        discovered.findings.extend(findings);
    }
    discovered
}

enum Identified {
    Manifest(String, String, Value),
    /// A mapping with only one of `apiVersion` and `kind`: names the missing one.
    Half(&'static str),
    Other,
}

fn identify(value: Value, kustomization: bool) -> Identified {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    match (text("apiVersion"), text("kind")) {
        (Some(api_version), Some(kind)) => Identified::Manifest(api_version, kind, value),
        _ if kustomization && value.is_object() => Identified::Manifest(
            text("apiVersion").unwrap_or_else(|| "kustomize.config.k8s.io/v1beta1".into()),
            text("kind").unwrap_or_else(|| "Kustomization".into()),
            value,
        ),
        (Some(_), None) => Identified::Half("kind"),
        (None, Some(_)) => Identified::Half("apiVersion"),
        (None, None) => Identified::Other,
    }
}
