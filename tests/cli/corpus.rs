//! Real public catalogs from `../shared/corpus` (Port's own blueprints and example
//! entities). The corpus lives outside the repository: these tests say so and skip
//! when it is absent; CI always has it.

use crate::util::{findings, validate_json, write};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = crate::util::repo_dir().join("../shared/corpus/port-examples/ocean/integrations");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpus is absent");
        None
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// Each AWS example entity validates against its sibling blueprint (plus a stand-in
/// for the `awsAccount` blueprint and account their relations target). The one finding is real:
/// the S3 example sets a `region` its blueprint does not declare.
#[test]
fn port_aws_examples_validate_against_their_blueprints() {
    let Some(corpus) = corpus() else { return };
    let examples = corpus.join("aws-v3/examples");
    let mut checked = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let repo = tempfile::tempdir().unwrap();
        write(
            repo.path(),
            &format!("blueprints/{name}.json"),
            &read(&dir.join(format!("{name}-blueprint.json"))),
        );
        write(repo.path(), "blueprints/awsAccount.json", br#"{"identifier": "awsAccount", "title": "AWS account", "schema": {"properties": {}}}"#);
        let entity = read(&dir.join(format!("{name}-expected-output.json")));
        let value: serde_json::Value = serde_json::from_slice(&entity).unwrap();
        if let Some(account) = value.pointer("/relations/account").and_then(|a| a.as_str()) {
            let stub = serde_json::json!({"identifier": account, "blueprint": "awsAccount"});
            write(
                repo.path(),
                "catalog/account.json",
                stub.to_string().as_bytes(),
            );
        }
        write(repo.path(), &format!("catalog/{name}.json"), &entity);
        let (code, report) = validate_json(repo.path());
        let found = findings(&report);
        if name == "s3-bucket" {
            assert_eq!(code, 1);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, "property-unknown");
            assert_eq!(found[0].1, "catalog/s3-bucket.json");
            assert_eq!(found[0].2, Some(7));
        } else {
            assert_eq!((code, found.clone()), (0, vec![]), "{name}: {found:?}");
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} examples found");
}

/// Every integration's `blueprints.json` (a list of blueprints, as Port exports them)
/// loads; relation targets and mirror paths resolve. The one finding is real: the Argo
/// CD integration declares a property of type `enum`, which is not a Port type.
#[test]
fn port_integration_blueprints_load() {
    let Some(corpus) = corpus() else { return };
    let mut checked = 0;
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let file = entry
            .unwrap()
            .path()
            .join(".port/resources/blueprints.json");
        if !file.is_file() {
            continue;
        }
        let name = file
            .ancestors()
            .nth(3)
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let repo = tempfile::tempdir().unwrap();
        write(repo.path(), "blueprints/blueprints.json", &read(&file));
        let (code, report) = validate_json(repo.path());
        let found = findings(&report);
        if name == "argocd" {
            assert_eq!(code, 1);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, "blueprint-invalid");
            assert!(report["diagnostics"][0]["pointer"]
                .as_str()
                .unwrap()
                .ends_with("/schema/properties/status/type"));
        } else {
            assert_eq!((code, found.clone()), (0, vec![]), "{name}: {found:?}");
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} integrations found");
}

/// The GitOps examples (Argo CD, Flux, plain Kubernetes with Kustomize): every file is
/// loaded, and each finding is real — the file with trailing tabs, the misplaced and
/// misspelt fields of Argo CD's annotated ApplicationSet reference, and the Flux kinds
/// portolan has no schema for. Comment-only files are fine, and Kustomize patches are
/// fragments, not whole manifests.
#[test]
fn gitops_examples_have_exactly_their_real_problems() {
    let Some(integrations) = corpus() else { return };
    let gitops = integrations.join("../../../gitops-examples");
    let repo = tempfile::tempdir().unwrap();
    crate::util::copy_dir(&gitops, repo.path());
    write(
        repo.path(),
        "portolan.yaml",
        b"manifests:\n  dirs: [argo-cd, flux2-kustomize-helm-example, microservices-demo]\n",
    );
    let (code, report) = validate_json(repo.path());
    assert_eq!(code, 1);
    let set = "argo-cd/docs/operator-manual/applicationset.yaml";
    let mut expected: Vec<(String, String, Option<u64>, Option<u64>)> = vec![(
        "parse-error",
        "argo-cd/applicationset/examples/git-generator-files-discovery/apps/guestbook/guestbook-ui-svc.yaml",
        1,
        15,
    )]
    .into_iter()
    .chain(
        [(23, 15), (88, 11), (118, 7), (119, 7), (120, 7), (130, 7), (186, 9), (219, 7), (223, 7), (268, 11), (269, 9)]
            .into_iter()
            .map(|(l, c)| ("manifest-schema", set, l, c)),
    )
    .chain(
        [
            ("flux2-kustomize-helm-example/apps/base/podinfo/repository.yaml", 2),
            ("flux2-kustomize-helm-example/clusters/production/artifacts.yaml", 3),
            ("flux2-kustomize-helm-example/clusters/staging/artifacts.yaml", 3),
            ("flux2-kustomize-helm-example/infrastructure/configs/cluster-issuers.yaml", 3),
            ("flux2-kustomize-helm-example/infrastructure/configs/gateway.yaml", 3),
            ("flux2-kustomize-helm-example/infrastructure/configs/gateway.yaml", 10),
            ("flux2-kustomize-helm-example/infrastructure/controllers/cert-manager.yaml", 10),
            ("flux2-kustomize-helm-example/infrastructure/controllers/envoy-gateway.yaml", 10),
        ]
        .into_iter()
        .map(|(f, l)| ("manifest-unknown-kind", f, l, 7)),
    )
    .map(|(r, f, l, c)| (r.to_owned(), f.to_owned(), Some(l), Some(c)))
    .collect();
    let mut found = findings(&report);
    expected.sort();
    found.sort();
    assert_eq!(found, expected, "{report:#}");
    assert_eq!(report["summary"]["files"], 56);
    assert_eq!(report["summary"]["warnings"], 8);
}
