//! Synthetic catalogs (`portolan::synth`, the benchmark's generator): every injected
//! error is reported with the right rule on the right file, and nothing else is.

use crate::util::validate_json;
use portolan::synth::{generate, Generated, Spec, RULES};
use serde_json::Value;
use std::collections::BTreeMap;

/// (file, rule) → how many times, for comparing findings as multisets.
type Tally = BTreeMap<(String, String), usize>;

fn tally<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Tally {
    let mut tally = Tally::new();
    for (file, rule) in pairs {
        *tally.entry((file.to_owned(), rule.to_owned())).or_default() += 1;
    }
    tally
}

/// What is in `a` and not in `b`, counting repeats.
fn minus(a: &Tally, b: &Tally) -> Vec<String> {
    a.iter()
        .filter(|(key, n)| b.get(*key).copied().unwrap_or(0) < **n)
        .map(|((file, rule), n)| format!("{rule} on {file} (×{n})"))
        .collect()
}

fn generated(spec: Spec) -> (tempfile::TempDir, Generated) {
    let dir = tempfile::tempdir().unwrap();
    let generated = generate(dir.path(), &spec).unwrap();
    assert_eq!(generated.entities, spec.entities);
    (dir, generated)
}

/// Validate a generated catalog and check its report against the injected errors.
fn check(spec: Spec) -> Generated {
    let (dir, generated) = generated(spec);
    let (code, report) = validate_json(dir.path());
    let diagnostics = report["diagnostics"].as_array().unwrap();
    let found = tally(diagnostics.iter().map(|d| {
        (
            d["file"].as_str().unwrap_or("<none>"),
            d["rule"].as_str().unwrap_or("<none>"),
        )
    }));
    let injected = tally(generated.injected.iter().map(|i| (i.file.as_str(), i.rule)));
    let missed = minus(&injected, &found);
    let extra = minus(&found, &injected);
    let unexpected: Vec<String> = diagnostics
        .iter()
        .filter(|d| {
            let key = (
                d["file"].as_str().unwrap_or("<none>").to_owned(),
                d["rule"].as_str().unwrap_or("<none>").to_owned(),
            );
            !injected.contains_key(&key)
        })
        .map(|d| format!("{}:{}: {}", d["file"], d["line"], d["message"]))
        .collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{spec:?}:\nmissed {missed:#?}\nunexpected {extra:#?}\n{unexpected:#?}"
    );
    let expected_code = if generated.injected.is_empty() { 0 } else { 1 };
    assert_eq!(code, expected_code, "{spec:?}: exit code");
    assert_eq!(
        report["summary"]["errors"].as_u64(),
        Some(generated.injected.len() as u64)
    );
    assert_eq!(report["summary"]["warnings"].as_u64(), Some(0));
    assert_eq!(
        report["summary"]["files"].as_u64(),
        Some(generated.files as u64 + 1),
        "{spec:?}: every catalog file and portolan.yaml are read"
    );
    for d in diagnostics {
        assert!(d["line"].as_u64().is_some(), "no line: {d}");
    }
    generated
}

#[test]
fn every_injected_error_is_found_with_its_rule_and_nothing_else() {
    for seed in [1, 2, 3] {
        let generated = check(Spec {
            entities: 1_000,
            invalid_share: 0.15,
            seed,
        });
        assert_eq!(generated.injected.len(), 150);
        for rule in RULES {
            assert!(
                generated.injected.iter().any(|i| i.rule == *rule),
                "seed {seed}: no `{rule}` among the injected errors"
            );
        }
    }
}

#[test]
fn small_and_very_broken_catalogs_too() {
    for seed in 10..15 {
        for (entities, invalid_share) in [(1, 1.0), (7, 0.5), (60, 0.6), (300, 0.4)] {
            check(Spec {
                entities,
                invalid_share,
                seed,
            });
        }
    }
}

#[test]
fn a_valid_synthetic_catalog_has_no_findings() {
    let (dir, generated) = generated(Spec {
        entities: 1_000,
        invalid_share: 0.0,
        seed: 4,
    });
    assert!(generated.injected.is_empty());
    let (code, report) = validate_json(dir.path());
    assert_eq!(
        report["diagnostics"],
        Value::Array(Vec::new()),
        "{report:#}"
    );
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["entities"].as_u64(), Some(1_000));
    assert_eq!(
        report["summary"]["files"].as_u64(),
        Some(generated.files as u64 + 1)
    );
    // Realistic shape: multi-document files and JSON files are part of the mix.
    assert!(generated.files < generated.entities);
    let json = walk(&dir.path().join("catalog"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .count();
    assert!(json > 50, "{json} JSON files");
}

#[test]
fn generation_is_deterministic_and_never_mixes_catalogs() {
    let spec = Spec {
        entities: 300,
        invalid_share: 0.3,
        seed: 9,
    };
    let (a, first) = generated(spec);
    let (b, second) = generated(spec);
    assert_eq!(first, second);
    let files_a = walk(a.path());
    let files_b = walk(b.path());
    assert_eq!(files_a.len(), files_b.len());
    for (fa, fb) in files_a.iter().zip(&files_b) {
        assert_eq!(fa.strip_prefix(a.path()), fb.strip_prefix(b.path()));
        assert_eq!(std::fs::read(fa).unwrap(), std::fs::read(fb).unwrap());
    }
    let again = generate(a.path(), &spec).unwrap_err();
    assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists);
}

/// Every file under a folder, sorted.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
