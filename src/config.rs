//! `portolan.yaml`: the platform repository's settings (DESIGN.md §2.1).
//!
//! Every key is optional. The file is checked against a strict schema before it is
//! read, so an unknown key or a bad value is a located `config-invalid` finding (exit
//! 2) instead of a silent fallback to a default.

use crate::diagnostic::{Diagnostic, Place};
use crate::rules;
use crate::schema;
use crate::source::parse::{parse_bytes, Format};
use crate::source::spans::Target;
use crate::source::Source;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Where the settings live, relative to the platform root.
pub const CONFIG_FILE: &str = "portolan.yaml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Config {
    pub version: u32,
    pub catalog: CatalogConfig,
    pub blueprints: BlueprintsConfig,
    pub templates: TemplatesConfig,
    pub environments: Vec<String>,
    pub git: GitConfig,
    pub github: GithubConfig,
    pub manifests: ManifestsConfig,
}

/// Where Kubernetes and GitOps manifests live, and extra schemas for them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct ManifestsConfig {
    /// Folders searched for manifests (missing ones are skipped).
    pub dirs: Vec<String>,
    /// A folder of extra JSON Schemas, named `<kind>_<version>.json` or
    /// `<group>/<kind>_<version>.json` as kubeconform names them.
    pub schemas: Option<String>,
}

impl Default for ManifestsConfig {
    fn default() -> Self {
        ManifestsConfig {
            dirs: vec!["apps".into(), "argocd".into(), "platform".into()],
            schemas: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct CatalogConfig {
    pub roots: Vec<String>,
    pub exclude: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct BlueprintsConfig {
    pub dir: String,
    pub builtins: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct TemplatesConfig {
    pub dir: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct GitConfig {
    pub base: Option<String>,
    pub branch_prefix: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct GithubConfig {
    pub api_url: String,
    pub repo: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            version: 1,
            catalog: CatalogConfig::default(),
            blueprints: BlueprintsConfig::default(),
            templates: TemplatesConfig::default(),
            environments: vec!["dev".into(), "prod".into()],
            git: GitConfig::default(),
            github: GithubConfig::default(),
            manifests: ManifestsConfig::default(),
        }
    }
}

impl Default for CatalogConfig {
    fn default() -> Self {
        CatalogConfig {
            roots: vec!["catalog".into()],
            exclude: Vec::new(),
        }
    }
}

impl Default for BlueprintsConfig {
    fn default() -> Self {
        BlueprintsConfig {
            dir: "blueprints".into(),
            builtins: true,
        }
    }
}

impl Default for TemplatesConfig {
    fn default() -> Self {
        TemplatesConfig {
            dir: "templates".into(),
        }
    }
}

impl Default for GitConfig {
    fn default() -> Self {
        GitConfig {
            base: None,
            branch_prefix: "portolan".into(),
        }
    }
}

impl Default for GithubConfig {
    fn default() -> Self {
        GithubConfig {
            api_url: "https://api.github.com".into(),
            repo: None,
        }
    }
}

/// The shape `portolan.yaml` must have.
fn config_schema() -> Value {
    let dir = json!({"type": "string", "minLength": 1, "pattern": "^(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\\\]+$"});
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "version": {"const": 1},
            "catalog": {"type": "object", "additionalProperties": false, "properties": {
                "roots": {"type": "array", "minItems": 1, "items": dir},
                "exclude": {"type": "array", "items": {"type": "string", "minLength": 1}}
            }},
            "blueprints": {"type": "object", "additionalProperties": false, "properties": {
                "dir": dir, "builtins": {"type": "boolean"}
            }},
            "templates": {"type": "object", "additionalProperties": false, "properties": {"dir": dir}},
            "environments": {"type": "array", "uniqueItems": true, "items": {
                "type": "string", "maxLength": 63, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}},
            "git": {"type": "object", "additionalProperties": false, "properties": {
                "base": {"type": "string", "minLength": 1},
                "branch_prefix": {"type": "string", "pattern": "^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$"}
            }},
            "github": {"type": "object", "additionalProperties": false, "properties": {
                "api_url": {"type": "string", "format": "url"},
                "repo": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"}
            }},
            "manifests": {"type": "object", "additionalProperties": false, "properties": {
                "dirs": {"type": "array", "items": dir},
                "schemas": dir
            }}
        }
    })
}

/// Read `portolan.yaml` from the source; absent means defaults. Findings are
/// `config-invalid` (or `parse-error`) and mean the run cannot go on.
pub fn load(source: &dyn Source) -> Result<Config, Vec<Diagnostic>> {
    if !source.exists(CONFIG_FILE) {
        return Ok(Config::default());
    }
    let bytes = source.read(CONFIG_FILE).map_err(|e| {
        vec![Diagnostic::new(
            &rules::CONFIG_INVALID,
            Place::file(CONFIG_FILE),
            format!("cannot read {CONFIG_FILE}: {e}"),
        )]
    })?;
    let parsed = parse_bytes(bytes, Format::Yaml);
    if let Some(error) = parsed.errors.first() {
        return Err(vec![Diagnostic::new(
            &rules::CONFIG_INVALID,
            Place::offset(CONFIG_FILE, error.offset),
            format!("{CONFIG_FILE} is not valid YAML: {}", error.message),
        )
        .maybe_help(error.help.clone())]);
    }
    let value = match parsed.documents.as_slice() {
        [] => return Ok(Config::default()),
        [doc] => doc.value.clone(),
        [_, second, ..] => {
            return Err(vec![Diagnostic::new(
                &rules::CONFIG_INVALID,
                Place::offset(CONFIG_FILE, second.range.start),
                format!("{CONFIG_FILE} must hold one YAML document"),
            )
            .help("merge the documents into one mapping")])
        }
    };
    from_value(value)
}

/// Check and read a configuration value (the document of `portolan.yaml`).
pub fn from_value(value: Value) -> Result<Config, Vec<Diagnostic>> {
    let value = if value.is_null() { json!({}) } else { value };
    let validator = schema::compile(&config_schema()).map_err(|e| {
        vec![Diagnostic::new(
            &rules::CONFIG_INVALID,
            Place::file(CONFIG_FILE),
            e,
        )]
    })?;
    let mut findings: Vec<Diagnostic> = schema::violations(&validator, &value)
        .into_iter()
        .map(|v| {
            let help = match v.keyword.as_str() {
                "additionalProperties" => "remove the key, or correct its spelling; `portolan explain config-invalid` shows every key",
                "pattern" => "paths are relative to the platform root, without `..`; environments are DNS labels",
                _ => "`portolan explain config-invalid` shows the accepted shape",
            };
            Diagnostic::new(
                &rules::CONFIG_INVALID,
                Place::pointer(CONFIG_FILE, 0, v.pointer.clone(), v.target),
                format!("{CONFIG_FILE}: {}", v.message),
            )
            .help(help)
        })
        .collect();
    if let Some(excludes) = value.pointer("/catalog/exclude").and_then(Value::as_array) {
        for (i, glob) in excludes.iter().enumerate() {
            if let Some(Err(e)) = glob.as_str().map(globset::Glob::new) {
                findings.push(Diagnostic::new(
                    &rules::CONFIG_INVALID,
                    Place::pointer(
                        CONFIG_FILE,
                        0,
                        format!("/catalog/exclude/{i}"),
                        Target::Value,
                    ),
                    format!("{CONFIG_FILE}: `catalog.exclude` has a bad glob: {e}"),
                ));
            }
        }
    }
    if !findings.is_empty() {
        return Err(findings);
    }
    serde_json::from_value(value).map_err(|e| {
        vec![Diagnostic::new(
            &rules::CONFIG_INVALID,
            Place::file(CONFIG_FILE),
            format!("{CONFIG_FILE}: {e}"),
        )]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_errors() {
        let c = from_value(json!({"catalog": {"roots": ["cat"]}})).unwrap();
        assert_eq!(c.catalog.roots, ["cat"]);
        assert!(c.blueprints.builtins);
        let e =
            from_value(json!({"catalog": {"rots": ["x"]}, "environments": ["Prod"]})).unwrap_err();
        let pointers: Vec<_> = e
            .iter()
            .filter_map(|d| d.pointer().map(str::to_owned))
            .collect();
        assert!(
            pointers.contains(&"/catalog/rots".to_owned()),
            "{pointers:?}"
        );
        assert!(
            pointers.contains(&"/environments/0".to_owned()),
            "{pointers:?}"
        );
        assert!(from_value(json!({"catalog": {"roots": ["../up"]}})).is_err());
        assert!(from_value(json!({"catalog": {"exclude": ["a{"]}})).is_err());
    }
}
