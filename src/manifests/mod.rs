//! Kubernetes and GitOps manifests: the other half of a platform repository.
//!
//! GitOps applies what the repository holds, so a broken Deployment merged at 5 pm is
//! an outage at 5:05. Manifests are discovered under the folders `portolan.yaml`
//! names, parsed with the same parser as the catalog, and checked against the schema
//! of their kind: the embedded bundle ([`bundle`]) for the kinds the platform writes,
//! and the custom resource definitions found in the repository itself ([`crd`]).

pub mod bundle;
pub mod crd;
pub mod discover;
pub mod registry;

use serde_json::Value;

/// One manifest: a YAML document with `apiVersion` and `kind` (or a Kustomize
/// `kustomization.yaml`, which may leave them out).
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Index of its file in [`crate::catalog::Catalog::files`].
    pub file: usize,
    /// Its document in the file.
    pub document: usize,
    /// `apps/v1`, `v1`, `argoproj.io/v1alpha1`…
    pub api_version: String,
    pub kind: String,
    pub value: Value,
}

impl Manifest {
    /// `metadata.name`, if it is a string.
    pub fn name(&self) -> Option<&str> {
        self.value.pointer("/metadata/name").and_then(Value::as_str)
    }

    /// `metadata.namespace`, if it is a string.
    pub fn namespace(&self) -> Option<&str> {
        self.value
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
    }

    /// The API group (`""` for the core group) and version.
    pub fn group_version(&self) -> (&str, &str) {
        split_api_version(&self.api_version)
    }
}

/// `apps/v1` → (`apps`, `v1`); `v1` → (`""`, `v1`).
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.rsplit_once('/').unwrap_or(("", api_version))
}
