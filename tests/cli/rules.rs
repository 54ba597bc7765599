//! Every rule of the diagnostics contract (DESIGN.md §5), each with a repository that
//! breaks it and the minimal fix that makes it clean; then hostile and malformed files,
//! positions inside multi-document files and nested values, and cascades (one cause,
//! one finding).

use crate::util::{findings, portolan, repo, repo_dir, validate_json, write};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// One rule: a repository that triggers it, every finding expected there, and the
/// minimal fix (files rewritten in that repository) after which it is clean.
struct Case {
    rule: &'static str,
    failing: &'static [(&'static str, &'static str)],
    /// Every finding, in report order: (rule, file, line, column).
    expected: &'static [(&'static str, &'static str, u64, u64)],
    /// A piece of the first finding's `help`, when there is one worth pinning.
    help: Option<&'static str>,
    fix: &'static [(&'static str, &'static str)],
    /// Symbolic links made in the failing repository: (path, target).
    links: &'static [(&'static str, &'static str)],
    /// Paths the fix removes before it writes.
    remove: &'static [&'static str],
}

/// The System blueprint requires a `domain`: most fixtures need one to exist.
const ORDERS: (&str, &str) = ("catalog/Domain/Orders.yaml", "identifier: Orders\n");

const SQUAD: &str = "identifier: Squad\ntitle: Squad\nschema:\n  properties:\n    size: { type: number, minimum: 1 }\n    name: { type: string }\n  required: [size]\n";

const CASES: &[Case] = &[
    Case {
        // Exit 2 and no report: checked through stderr (see `check_config_case`).
        rule: "config-invalid",
        failing: &[
            ("portolan.yaml", "version: 1\ncatalog:\n  rots: [catalog]\n"),
            ORDERS,
        ],
        expected: &[("config-invalid", "portolan.yaml", 3, 3)],
        help: Some("remove the key, or correct its spelling"),
        fix: &[("portolan.yaml", "version: 1\ncatalog:\n  roots: [catalog]\n")],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "parse-error",
        failing: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\ntitle: Orders: the domain\n",
        )],
        expected: &[("parse-error", "catalog/Domain/Orders.yaml", 2, 14)],
        help: None,
        fix: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\ntitle: \"Orders: the domain\"\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        // The link is made by the test (`links`): a file outside the catalog, linked in.
        rule: "symlink-ignored",
        failing: &[ORDERS, ("elsewhere/Cart.yaml", "identifier: Cart\nrelations: { domain: Orders }\n")],
        expected: &[("symlink-ignored", "catalog/System/Cart.yaml", 0, 0)],
        help: Some("replace the link with the file"),
        fix: &[("catalog/System/Cart.yaml", "identifier: Cart\nrelations: { domain: Orders }\n")],
        links: &[("catalog/System/Cart.yaml", "../../elsewhere/Cart.yaml")],
        remove: &["catalog/System/Cart.yaml"],
    },
    Case {
        // A folder with a `.git` of its own is another repository.
        rule: "submodule-ignored",
        failing: &[
            ORDERS,
            ("catalog/vendor/.git", "gitdir: ../../.git/modules/vendor\n"),
            ("catalog/vendor/Vendored.yaml", "identifier: Vendored\nblueprint: Domain\n"),
        ],
        expected: &[("submodule-ignored", "catalog/vendor", 0, 0)],
        help: Some("validate that repository itself"),
        fix: &[],
        links: &[],
        remove: &["catalog/vendor/.git"],
    },
    Case {
        rule: "blueprint-invalid",
        failing: &[(
            "blueprints/Squad.yaml",
            "identifier: Squad\ntitle: Squad\nrelations:\n  members:\n    target: _user\n    many: true\n    required: true\n",
        )],
        expected: &[("blueprint-invalid", "blueprints/Squad.yaml", 7, 15)],
        help: Some("make it `required: false`, or `many: false`"),
        fix: &[(
            "blueprints/Squad.yaml",
            "identifier: Squad\ntitle: Squad\nrelations:\n  members:\n    target: _user\n    many: true\n    required: false\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "blueprint-duplicate",
        failing: &[
            ("blueprints/Squad.yaml", "identifier: Squad\ntitle: Squad\n"),
            ("blueprints/Team.yaml", "identifier: Squad\ntitle: Team\n"),
        ],
        expected: &[("blueprint-duplicate", "blueprints/Team.yaml", 1, 13)],
        help: Some("keep one definition per blueprint"),
        fix: &[("blueprints/Team.yaml", "identifier: Team\ntitle: Team\n")],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "blueprint-deprecated",
        failing: &[(
            "blueprints/Squad.yaml",
            "identifier: Squad\ntitle: Squad\nformulaProperties:\n  label: { title: Label, formula: \"{{ $identifier }}\" }\n",
        )],
        expected: &[("blueprint-deprecated", "blueprints/Squad.yaml", 3, 1)],
        help: Some("calculationProperties"),
        fix: &[(
            "blueprints/Squad.yaml",
            "identifier: Squad\ntitle: Squad\nformulaProperties: {}\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "blueprint-unknown",
        failing: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\nblueprint: Domian\n",
        )],
        expected: &[("blueprint-unknown", "catalog/Domain/Orders.yaml", 2, 12)],
        help: Some("did you mean `Domain`?"),
        fix: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\nblueprint: Domain\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "entity-invalid",
        failing: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\ntittle: Orders\n",
        )],
        expected: &[("entity-invalid", "catalog/Domain/Orders.yaml", 2, 1)],
        help: Some("did you mean `title`?"),
        fix: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\ntitle: Orders\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "identifier-invalid",
        failing: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: \"Orders and billing\"\n",
        )],
        expected: &[("identifier-invalid", "catalog/Domain/Orders.yaml", 1, 13)],
        help: Some("replace spaces with `-`"),
        fix: &[(
            "catalog/Domain/Orders.yaml",
            "identifier: orders-and-billing\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "identifier-duplicate",
        failing: &[
            ("catalog/Domain/a.yaml", "identifier: Orders\n"),
            ("catalog/Domain/b.yaml", "identifier: Orders\n"),
        ],
        expected: &[("identifier-duplicate", "catalog/Domain/b.yaml", 1, 13)],
        help: Some("rename or remove one"),
        fix: &[("catalog/Domain/b.yaml", "identifier: Billing\n")],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "identifier-case-clash",
        failing: &[
            ("catalog/Domain/a.yaml", "identifier: Orders\n"),
            ("catalog/Domain/b.yaml", "identifier: orders\n"),
        ],
        expected: &[("identifier-case-clash", "catalog/Domain/b.yaml", 1, 13)],
        help: Some("rename one of them"),
        fix: &[("catalog/Domain/b.yaml", "identifier: Billing\n")],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "property-invalid",
        failing: &[(
            "catalog/Resource/cart-db.yaml",
            "identifier: cart-db\nproperties:\n  type: postgres\n",
        )],
        expected: &[("property-invalid", "catalog/Resource/cart-db.yaml", 3, 9)],
        help: Some("did you mean `postgress`?"),
        fix: &[(
            "catalog/Resource/cart-db.yaml",
            "identifier: cart-db\nproperties:\n  type: postgress\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "property-required",
        failing: &[
            ("blueprints/Squad.yaml", SQUAD),
            (
                "catalog/Squad/core.yaml",
                "identifier: core\nproperties:\n  name: Core\n",
            ),
        ],
        expected: &[("property-required", "catalog/Squad/core.yaml", 2, 1)],
        help: Some("add `size:` under `properties:`"),
        fix: &[(
            "catalog/Squad/core.yaml",
            "identifier: core\nproperties:\n  name: Core\n  size: 4\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "property-unknown",
        failing: &[(
            "catalog/Resource/cart-db.yaml",
            "identifier: cart-db\nproperties:\n  tipe: postgress\n",
        )],
        expected: &[("property-unknown", "catalog/Resource/cart-db.yaml", 3, 3)],
        help: Some("did you mean `type`?"),
        fix: &[(
            "catalog/Resource/cart-db.yaml",
            "identifier: cart-db\nproperties:\n  type: postgress\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "relation-unknown",
        failing: &[
            ORDERS,
            (
                "catalog/System/Cart.yaml",
                "identifier: Cart\nrelations:\n  domain: Orders\n  domian: Orders\n",
            ),
        ],
        expected: &[("relation-unknown", "catalog/System/Cart.yaml", 4, 3)],
        help: Some("did you mean `domain`?"),
        fix: &[(
            "catalog/System/Cart.yaml",
            "identifier: Cart\nrelations:\n  domain: Orders\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "relation-cardinality",
        failing: &[
            ORDERS,
            (
                "catalog/System/Cart.yaml",
                "identifier: Cart\nrelations:\n  domain: [Orders]\n",
            ),
        ],
        expected: &[("relation-cardinality", "catalog/System/Cart.yaml", 3, 11)],
        help: Some("write `domain: Orders`"),
        fix: &[(
            "catalog/System/Cart.yaml",
            "identifier: Cart\nrelations:\n  domain: Orders\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "relation-required",
        failing: &[
            ORDERS,
            (
                "catalog/System/Cart.yaml",
                "identifier: Cart\ntitle: Cart\nrelations: {}\n",
            ),
        ],
        expected: &[("relation-required", "catalog/System/Cart.yaml", 3, 1)],
        help: Some("add `domain: <Domain identifier>`"),
        fix: &[(
            "catalog/System/Cart.yaml",
            "identifier: Cart\ntitle: Cart\nrelations: { domain: Orders }\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "relation-dangling",
        failing: &[
            ORDERS,
            (
                "catalog/System/Cart.yaml",
                "identifier: Cart\nrelations:\n  domain: Order\n",
            ),
        ],
        expected: &[("relation-dangling", "catalog/System/Cart.yaml", 3, 11)],
        help: Some("did you mean `Orders`?"),
        fix: &[(
            "catalog/System/Cart.yaml",
            "identifier: Cart\nrelations:\n  domain: Orders\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "relation-cycle",
        failing: &[(
            "catalog/Component/libraries.yaml",
            "identifier: A\nrelations:\n  components: [B]\n---\nidentifier: B\nrelations:\n  components:\n    - A\n",
        )],
        expected: &[("relation-cycle", "catalog/Component/libraries.yaml", 3, 16)],
        help: Some("remove one relation of the cycle"),
        fix: &[(
            "catalog/Component/libraries.yaml",
            "identifier: A\nrelations:\n  components: [B]\n---\nidentifier: B\nrelations:\n  components: []\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "manifest-schema",
        failing: &[(
            "apps/demo/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndat:\n  a: b\n",
        )],
        expected: &[("manifest-schema", "apps/demo/config.yaml", 5, 1)],
        help: Some("check the spelling"),
        fix: &[(
            "apps/demo/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  a: b\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "manifest-unknown-kind",
        failing: &[(
            "apps/demo/widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: demo\n",
        )],
        expected: &[("manifest-unknown-kind", "apps/demo/widget.yaml", 2, 7)],
        help: Some("CustomResourceDefinition"),
        fix: &[(
            "apps/demo/widget.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "manifest-name",
        failing: &[(
            "apps/demo/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Demo_Config\n",
        )],
        expected: &[("manifest-name", "apps/demo/config.yaml", 4, 9)],
        help: Some("demo-config"),
        fix: &[(
            "apps/demo/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-config\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "manifest-namespace",
        failing: &[(
            "argocd/apps/demo-dev.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo-dev\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/platform\n    path: apps/demo\n    targetRevision: main\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n",
        )],
        expected: &[("manifest-namespace", "argocd/apps/demo-dev.yaml", 3, 1)],
        help: Some("namespace: argocd"),
        fix: &[(
            "argocd/apps/demo-dev.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo-dev\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/acme/platform\n    path: apps/demo\n    targetRevision: main\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "manifest-invalid",
        failing: &[("apps/demo/half.yaml", "apiVersion: v1\nmetadata:\n  name: demo\n")],
        expected: &[("manifest-invalid", "apps/demo/half.yaml", 1, 1)],
        help: Some("both `apiVersion` and `kind`"),
        fix: &[(
            "apps/demo/half.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n",
        )],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "manifest-reference",
        failing: &[
            ("apps/demo/kustomization.yaml", "resources:\n  - missing.yaml\n"),
            (
                "apps/demo/config.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n",
            ),
        ],
        expected: &[("manifest-reference", "apps/demo/kustomization.yaml", 2, 5)],
        help: Some("correct the path"),
        fix: &[("apps/demo/kustomization.yaml", "resources:\n  - config.yaml\n")],
        links: &[],
        remove: &[],
    },
    Case {
        rule: "template-invalid",
        failing: &[(
            "templates/hello/template.yaml",
            "name: hello\noperation: create\nsteps:\n  - write: { file: \"{{ inputs.name\", content: x }\n",
        )],
        expected: &[("template-invalid", "templates/hello/template.yaml", 4, 20)],
        help: Some("portolan explain template-invalid"),
        fix: &[(
            "templates/hello/template.yaml",
            "name: hello\noperation: create\nsteps:\n  - write: { file: \"{{ inputs.name }}\", content: x }\n",
        )],
        links: &[],
        remove: &[],
    },
];

fn severity_of(rule: &str) -> &'static str {
    match rule {
        "blueprint-deprecated"
        | "identifier-case-clash"
        | "relation-cycle"
        | "manifest-unknown-kind"
        | "symlink-ignored" => "warning",
        "submodule-ignored" => "note",
        _ => "error",
    }
}

fn owned(expected: &[(&str, &str, u64, u64)]) -> Vec<(String, String, Option<u64>, Option<u64>)> {
    expected
        .iter()
        // Line 0: a finding without a position (a whole file or folder).
        .map(|(r, f, l, c)| {
            let at = |n: u64| (n > 0).then_some(n);
            (r.to_string(), f.to_string(), at(*l), at(*c))
        })
        .collect()
}

/// `config-invalid` stops the run (exit 2): the JSON report still carries the
/// finding (for CI), and the human format renders it on stderr.
fn check_config_case(case: &Case, dir: &Path, problems: &mut Vec<String>) {
    let (code, report) = validate_json(dir);
    if code != 2 || findings(&report) != owned(case.expected) {
        problems.push(format!(
            "config-invalid: expected exit 2 and {:?}, got {code}: {report:#}",
            case.expected
        ));
    }
    let output = portolan().arg("validate").arg(dir).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (_, file, line, column) = case.expected[0];
    let place = format!(" --> {file}:{line}:{column}");
    if output.status.code() != Some(2)
        || !stderr.contains("error[config-invalid]")
        || !stderr.contains(&place)
        || !case.help.is_none_or(|h| stderr.contains(h))
    {
        problems.push(format!(
            "config-invalid: expected exit 2 and `{place}` on stderr, got {:?}:\n{stderr}",
            output.status.code()
        ));
    }
}

#[test]
fn every_rule_has_a_failing_and_a_passing_fixture() {
    let mut problems = Vec::new();
    for case in CASES {
        let dir = repo(case.failing);
        for (path, target) in case.links {
            let at = dir.path().join(path);
            std::fs::create_dir_all(at.parent().unwrap()).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(target, at).unwrap();
            #[cfg(not(unix))]
            let _ = (path, target);
        }
        if case.rule == "config-invalid" {
            check_config_case(case, dir.path(), &mut problems);
        } else {
            let (code, report) = validate_json(dir.path());
            let got = findings(&report);
            let want = owned(case.expected);
            if got != want {
                problems.push(format!(
                    "{}: expected {want:?}\n   got {got:?}\n{report:#}",
                    case.rule
                ));
            }
            let first = &report["diagnostics"][0];
            if first["severity"] != severity_of(case.rule) {
                problems.push(format!("{}: severity {}", case.rule, first["severity"]));
            }
            if let Some(help) = case.help {
                let got = first["help"].as_str().unwrap_or_default();
                if !got.contains(help) {
                    problems.push(format!("{}: help {got:?} lacks {help:?}", case.rule));
                }
            }
            let want_code = if severity_of(case.rule) == "error" {
                1
            } else {
                0
            };
            if code != want_code {
                problems.push(format!("{}: exit code {code}, not {want_code}", case.rule));
            }
        }

        for path in case.remove {
            std::fs::remove_file(dir.path().join(path)).unwrap();
        }
        for (path, content) in case.fix {
            write(dir.path(), path, content.as_bytes());
        }
        let (code, report) = validate_json(dir.path());
        if code != 0 || !findings(&report).is_empty() {
            problems.push(format!(
                "{} (fixed): expected a clean report with exit 0, got exit {code}:\n{report:#}",
                case.rule
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_fixtures_cover_every_rule_portolan_knows() {
    let output = portolan().args(["explain", "--list"]).output().unwrap();
    assert!(output.status.success());
    let known: BTreeSet<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    let covered: BTreeSet<String> = CASES.iter().map(|c| c.rule.to_owned()).collect();
    assert_eq!(
        covered, known,
        "a rule without fixtures, or fixtures for no rule"
    );
    for case in CASES {
        assert!(
            case.expected.iter().any(|f| f.0 == case.rule),
            "the {} fixture does not expect its own rule",
            case.rule
        );
    }
}

// ---------------------------------------------------------------------------------
// The seed's Resource blueprint, as the article prints it (typographic quotes).

fn seed_resource_blueprint() -> String {
    std::fs::read_to_string(repo_dir().join("tests/fixtures/seed-resource-blueprint.json")).unwrap()
}

/// The one diagnostic of a report, which must be the only one.
fn only(report: &Value) -> &Value {
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{report:#}");
    &diagnostics[0]
}

#[test]
fn the_seed_resource_blueprint_with_typographic_quotes_is_a_located_parse_error() {
    let text = seed_resource_blueprint();
    assert!(text.starts_with("{\n “identifier”: “Resource”,"), "{text}");
    let dir = repo(&[
        ("blueprints/Resource.json", &text),
        (
            "catalog/Resource/cart-sql-sb.yaml",
            "identifier: cart-sql-sb\nproperties:\n  type: postgress\n",
        ),
        (
            "catalog/Component/CartService.yaml",
            "identifier: CartService\nrelations:\n  resources: [cart-sql-sb]\n",
        ),
    ]);
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1);
    // One finding: the entities of the broken blueprint are not flooded with others.
    let d = only(&report);
    assert_eq!(d["rule"], "parse-error");
    assert_eq!(d["file"], "blueprints/Resource.json");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(2), Some(2))
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains('“') && message.contains("U+201C"),
        "{message}"
    );
    let help = d["help"].as_str().unwrap();
    assert!(help.contains("straight quote `\"`"), "{help}");

    // Straightened, it is the built-in Resource blueprint, and everything is clean.
    let straight = text.replace(['“', '”'], "\"");
    write(dir.path(), "blueprints/Resource.json", straight.as_bytes());
    let (code, report) = validate_json(dir.path());
    assert_eq!((code, findings(&report)), (0, vec![]), "{report:#}");
}

#[test]
fn typographic_quotes_at_the_start_of_a_yaml_scalar_get_the_same_hint() {
    for (text, line, column, code_point) in [
        ("identifier: cart\ntitle: “Cart”\n", 2, 8, "U+201C"),
        ("identifier: cart\nteam:\n  - ‘payments’\n", 3, 5, "U+2018"),
        (
            "identifier: cart\nproperties: { type: “service” }\n",
            2,
            21,
            "U+201C",
        ),
    ] {
        let dir = repo(&[("catalog/Component/cart.yaml", text)]);
        let (code, report) = validate_json(dir.path());
        assert_eq!(code, 1, "{text}");
        let d = only(&report);
        assert_eq!(d["rule"], "parse-error", "{text}");
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(line), Some(column)),
            "{text}"
        );
        assert!(d["message"].as_str().unwrap().contains(code_point), "{d}");
        assert!(
            d["help"].as_str().unwrap().contains("straight quote"),
            "{d}"
        );
    }
    // Inside a scalar, or inside straight quotes, a typographic quote is just text.
    let dir = repo(&[(
        "catalog/Component/cart.yaml",
        "identifier: cart\ntitle: It’s the “cart”\nicon: \"“quoted”\"\n",
    )]);
    let (code, report) = validate_json(dir.path());
    assert_eq!((code, findings(&report)), (0, vec![]), "{report:#}");
}

// ---------------------------------------------------------------------------------
// Malformed files of every kind: a located parse-error, never a panic or a hang.

/// Validate a repository with one file, and return its only finding after checking
/// that the run ended normally.
fn one_file_finding(path: &str, bytes: &[u8]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), path, bytes);
    let output = portolan()
        .args(["validate", "--format", "json"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{path}: {stderr}");
    assert!(!stderr.contains("overflow"), "{path}: {stderr}");
    assert_eq!(output.status.code(), Some(1), "{path}: {stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    only(&report).clone()
}

fn assert_at(d: &Value, rule: &str, line: u64, column: u64) {
    assert_eq!(d["rule"], rule, "{d:#}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line), Some(column)),
        "{d:#}"
    );
}

fn help(d: &Value) -> &str {
    d["help"].as_str().unwrap_or_default()
}

#[test]
fn tabs_used_for_indentation() {
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\nproperties:\n\tsize: 1\n",
    );
    assert_at(&d, "parse-error", 3, 1);
    assert!(help(&d).contains("indent with spaces"), "{d}");
}

#[test]
fn duplicate_keys_in_yaml_and_json() {
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\ntitle: Orders\nproperties: {}\ntitle: Billing\n",
    );
    assert_at(&d, "parse-error", 4, 1);
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("duplicate key `title`"));
    assert!(help(&d).contains("remove or rename one"), "{d}");

    let d = one_file_finding(
        "catalog/Domain/Orders.json",
        b"{\n  \"identifier\": \"Orders\",\n  \"title\": \"A\",\n  \"title\": \"B\"\n}\n",
    );
    assert_at(&d, "parse-error", 4, 3);
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("duplicate key `title`"));
}

#[test]
fn binary_bytes() {
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\ntitle: \x00\x01\x02\x89PNG\n",
    );
    assert_at(&d, "parse-error", 2, 8);
    assert!(d["message"].as_str().unwrap().contains("binary"), "{d}");
}

#[test]
fn text_that_is_not_utf8() {
    // Latin-1 "Café".
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\ntitle: Caf\xe9\n",
    );
    assert_at(&d, "parse-error", 2, 11);
    assert!(d["message"].as_str().unwrap().contains("0xE9"), "{d}");
    assert!(help(&d).contains("UTF-8"), "{d}");
}

#[test]
fn nesting_hundreds_of_thousands_deep() {
    // YAML flow collections: refused at the bracket past 128 levels.
    let yaml = format!("identifier: Orders\ntitle: {}\n", "[".repeat(300_000));
    let d = one_file_finding("catalog/Domain/Orders.yaml", yaml.as_bytes());
    assert_at(&d, "parse-error", 2, 8 + 128);
    assert!(help(&d).contains("128 levels"), "{d}");

    let yaml = format!("identifier: Orders\ntitle: {}\n", "{a: ".repeat(300_000));
    let d = one_file_finding("catalog/Domain/Orders.yaml", yaml.as_bytes());
    assert_at(&d, "parse-error", 2, 8 + 4 * 128);

    // JSON: serde_json's recursion limit counts the outer object too.
    let json = format!(
        "{{\"identifier\": \"Orders\", \"title\": {}\n",
        "[".repeat(300_000)
    );
    let d = one_file_finding("catalog/Domain/Orders.json", json.as_bytes());
    assert_eq!(d["rule"], "parse-error");
    assert_eq!(d["line"], 1);
    assert!(help(&d).contains("128 levels"), "{d}");

    // YAML block sequences on one line.
    let yaml = format!("identifier: Orders\ntitle:\n{}x\n", "- ".repeat(300_000));
    let d = one_file_finding("catalog/Domain/Orders.yaml", yaml.as_bytes());
    assert_eq!(d["rule"], "parse-error");
    assert_eq!(d["line"], 3);
    assert!(help(&d).contains("128 levels"), "{d}");
}

#[test]
fn alias_bombs() {
    // The classic: nine aliases of nine aliases, eight levels deep.
    let mut yaml = String::from("identifier: Orders\nproperties:\n  a: &a [x,x,x,x,x,x,x,x,x]\n");
    for (name, previous) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"), ("f", "e")] {
        let items = vec![format!("*{previous}"); 9].join(",");
        yaml.push_str(&format!("  {name}: &{name} [{items}]\n"));
    }
    yaml.push_str(&format!("  g: [{}]\n", ["*f"; 9].join(",")));
    let d = one_file_finding("catalog/Domain/Orders.yaml", yaml.as_bytes());
    assert_at(&d, "parse-error", 4, 10);
    assert!(help(&d).contains("alias bomb"), "{d}");

    // Wide: 15 kB that would expand to a billion values.
    let row = |item: &str| vec![item; 1000].join(",");
    let yaml = format!(
        "identifier: Orders\nproperties:\n  a: &a [{}]\n  b: &b [{}]\n  c: [{}]\n",
        row("xxxxxxxx"),
        row("*a"),
        row("*b")
    );
    let d = one_file_finding("catalog/Domain/Orders.yaml", yaml.as_bytes());
    assert_at(&d, "parse-error", 4, 10);
    assert!(help(&d).contains("alias bomb"), "{d}");
}

#[test]
fn a_top_level_list() {
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"- identifier: Orders\n- identifier: Billing\n",
    );
    assert_at(&d, "entity-invalid", 1, 1);
    assert!(d["message"].as_str().unwrap().contains("not a list"), "{d}");
    assert!(help(&d).contains("`---`"), "{d}");
    let d = one_file_finding(
        "catalog/Domain/Orders.json",
        b"[\n  { \"identifier\": \"Orders\" }\n]\n",
    );
    assert_at(&d, "entity-invalid", 1, 1);
    assert!(help(&d).contains("one file per entity"), "{d}");
}

#[test]
fn a_huge_file() {
    let mut text = String::from("identifier: Orders\ndescription_padding: |\n");
    let line = format!("  {}\n", "x".repeat(1022));
    while text.len() <= 8 * 1024 * 1024 {
        text.push_str(&line);
    }
    let d = one_file_finding("catalog/Domain/Orders.yaml", text.as_bytes());
    assert_at(&d, "parse-error", 1, 1);
    assert!(d["message"].as_str().unwrap().contains("too large"), "{d}");
}

#[test]
fn json_with_typographic_quotes() {
    let d = one_file_finding(
        "catalog/Domain/Orders.json",
        "{\n  \"identifier\": “Orders”\n}\n".as_bytes(),
    );
    assert_at(&d, "parse-error", 2, 17);
    assert!(d["message"].as_str().unwrap().contains("U+201C"), "{d}");
    assert!(help(&d).contains("straight quote"), "{d}");
}

#[test]
fn crlf_line_endings_keep_positions() {
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\r\ntitle: Orders\r\nrelations:\r\n  owner: payments\r\n",
    );
    assert_at(&d, "relation-unknown", 4, 3);
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\r\ntitle: Orders: the domain\r\n",
    );
    assert_at(&d, "parse-error", 2, 14);
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"identifier: Orders\r\ntitle: A\r\ntitle: B\r\n",
    );
    assert_at(&d, "parse-error", 3, 1);
}

#[test]
fn a_byte_order_mark_is_not_a_character() {
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        "\u{FEFF}identifier: Orders\nowner: payments\n".as_bytes(),
    );
    assert_at(&d, "entity-invalid", 2, 1);
    let d = one_file_finding(
        "catalog/Domain/Orders.json",
        "\u{FEFF}{\n  \"identifier\": \"Orders\",\n  \"owner\": \"payments\"\n}\n".as_bytes(),
    );
    assert_at(&d, "entity-invalid", 3, 3);
    let d = one_file_finding(
        "catalog/Domain/Orders.yaml",
        b"\xEF\xBB\xBFidentifier: Orders\ntitle: Caf\xe9\n",
    );
    assert_at(&d, "parse-error", 2, 11);
    // A clean file with a BOM is clean.
    let dir = repo(&[("catalog/Domain/Orders.yaml", "\u{FEFF}identifier: Orders\n")]);
    assert_eq!(validate_json(dir.path()).0, 0);
}

// ---------------------------------------------------------------------------------
// Positions inside multi-document files and nested values.

#[test]
fn errors_in_the_third_document_are_located_in_the_file() {
    let text =
        "identifier: A\n---\nidentifier: B\n---\n# the third\nidentifier: C\ntitle: C: the third\n";
    let dir = repo(&[("catalog/Domain/many.yaml", text)]);
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1);
    assert_at(only(&report), "parse-error", 7, 9);
    // The other documents are still loaded.
    assert_eq!(report["summary"]["entities"], 2);

    let text = "identifier: db-a\n---\nidentifier: db-b\n---\nidentifier: db-c\nproperties:\n  type: postgres\n  size: 3\n";
    let dir = repo(&[("catalog/Resource/databases.yaml", text)]);
    let (_, report) = validate_json(dir.path());
    let expected = vec![
        (
            "property-invalid".to_owned(),
            "catalog/Resource/databases.yaml".to_owned(),
            Some(7),
            Some(9),
        ),
        (
            "property-unknown".to_owned(),
            "catalog/Resource/databases.yaml".to_owned(),
            Some(8),
            Some(3),
        ),
    ];
    assert_eq!(findings(&report), expected, "{report:#}");
    assert_eq!(report["diagnostics"][0]["entity"], "db-c");
    assert_eq!(report["summary"]["entities"], 3);
}

const SERVICE: &str = "identifier: Service
title: Service
schema:
  properties:
    limits:
      type: object
      properties:
        cpu:
          type: object
          properties:
            cores: { type: number, minimum: 1 }
    ports:
      type: array
      items:
        type: object
        properties:
          port: { type: integer, maximum: 65535 }
          name: { type: string }
";

#[test]
fn values_deep_in_nested_properties_are_located() {
    let yaml = "identifier: cart
properties:
  limits:
    cpu:
      cores: 0
  ports:
    - name: http
      port: 80
    - name: big
      port: 70000
";
    let json = r#"{
  "identifier": "cart",
  "properties": {
    "limits": { "cpu": { "cores": "two" } },
    "ports": [
      { "name": "http", "port": 80 },
      { "name": "big", "port": 70000 }
    ]
  }
}
"#;
    for (path, text, first, second) in [
        ("catalog/Service/cart.yaml", yaml, (5, 14), (10, 13)),
        ("catalog/Service/cart.json", json, (4, 35), (7, 32)),
    ] {
        let dir = repo(&[("blueprints/Service.yaml", SERVICE), (path, text)]);
        let (code, report) = validate_json(dir.path());
        assert_eq!(code, 1);
        let expected = vec![
            (
                "property-invalid".to_owned(),
                path.to_owned(),
                Some(first.0),
                Some(first.1),
            ),
            (
                "property-invalid".to_owned(),
                path.to_owned(),
                Some(second.0),
                Some(second.1),
            ),
        ];
        assert_eq!(findings(&report), expected, "{report:#}");
        let pointers: Vec<&str> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["pointer"].as_str().unwrap())
            .collect();
        assert_eq!(
            pointers,
            ["/properties/limits/cpu/cores", "/properties/ports/1/port"]
        );
    }
}

#[test]
fn nested_values_in_a_later_document_are_located() {
    let text = "identifier: first\n---\nidentifier: cart\nproperties:\n  ports:\n    - { name: http, port: 80 }\n    - { name: big, port: 70000 }\n";
    let dir = repo(&[
        ("blueprints/Service.yaml", SERVICE),
        ("catalog/Service/services.yaml", text),
    ]);
    let (_, report) = validate_json(dir.path());
    assert_at(only(&report), "property-invalid", 7, 26);
}

#[test]
fn a_json_entity_file() {
    let text =
        "{\n  \"identifier\": \"Cart\",\n  \"relations\": {\n    \"domain\": \"Order\"\n  }\n}\n";
    let dir = repo(&[ORDERS, ("catalog/System/Cart.json", text)]);
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1);
    let d = only(&report);
    assert_at(d, "relation-dangling", 4, 15);
    assert_eq!(d["pointer"], "/relations/domain");
    assert_eq!(help(d), "did you mean `Orders`?");
}

// ---------------------------------------------------------------------------------
// Cascades: one cause, one finding.

#[test]
fn a_broken_file_that_others_reference_is_one_parse_error() {
    let dir = repo(&[
        (
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\ntitle: Orders: the domain\n",
        ),
        (
            "catalog/Domain/more.yaml",
            "identifier: Billing\n---\nidentifier: Shipping\ntitle: [Shipping\n",
        ),
        (
            "catalog/System/Cart.yaml",
            "identifier: Cart\nrelations:\n  domain: Orders\n",
        ),
        (
            "catalog/System/Products.yaml",
            "identifier: Products\nrelations:\n  domain: Orders\n",
        ),
        (
            "catalog/System/Delivery.yaml",
            "identifier: Delivery\nrelations:\n  domain: Shipping\n",
        ),
    ]);
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["parse-error", "parse-error"], "{report:#}");
}

#[test]
fn an_entity_of_an_unknown_blueprint_is_one_blueprint_unknown() {
    for orders in [
        (
            "catalog/Domain/Orders.yaml",
            "identifier: Orders\nblueprint: Domian\n",
        ),
        ("catalog/Domians/Orders.yaml", "identifier: Orders\n"),
    ] {
        let dir = repo(&[
            orders,
            (
                "catalog/System/Cart.yaml",
                "identifier: Cart\nrelations:\n  domain: Orders\n",
            ),
            (
                "catalog/System/Products.yaml",
                "identifier: Products\nrelations:\n  domain: Orders\n",
            ),
        ]);
        let (code, report) = validate_json(dir.path());
        assert_eq!(code, 1);
        assert_eq!(only(&report)["rule"], "blueprint-unknown", "{report:#}");
    }
}

#[test]
fn a_broken_blueprint_is_one_finding() {
    let dir = repo(&[
        (
            "blueprints/Domain.json",
            "{\n  \"identifier\": \"Domain\",\n  \"title\": \"Domain\",\n}\n",
        ),
        ORDERS,
        (
            "catalog/System/Cart.yaml",
            "identifier: Cart\nrelations:\n  domain: Orders\n",
        ),
    ]);
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1);
    let d = only(&report);
    assert_eq!(d["rule"], "parse-error");
    assert_eq!(d["file"], "blueprints/Domain.json");
}

// ---------------------------------------------------------------------------------
// portolan.yaml

#[test]
fn an_unknown_key_in_the_config_stops_the_run_with_its_position() {
    let dir = repo(&[
        (
            "portolan.yaml",
            "version: 1\nblueprints:\n  builtins: true\n  dirs: blueprints\n",
        ),
        ORDERS,
    ]);
    for format in ["human", "json"] {
        let output = portolan()
            .args(["validate", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}");
        // Human: the finding on stderr; JSON: in the report on stdout.
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let place = if format == "json" {
            "\"line\": 4,\n      \"column\": 3"
        } else {
            "portolan.yaml:4:3"
        };
        assert!(said.contains(place), "{format}: {said}");
        assert!(said.contains("`dirs`"), "{format}: {said}");
        assert!(!said.contains("panicked"), "{format}: {said}");
    }
    // A config that is not YAML at all.
    write(
        dir.path(),
        "portolan.yaml",
        b"version: 1\ncatalog: [roots\n",
    );
    let output = portolan().arg("validate").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("portolan.yaml:"), "{stderr}");
}

/// An Argo CD Application that syncs a folder of this repository (`github.repo`) must
/// point at a folder that exists; other repositories are not checked.
#[test]
fn an_application_path_in_this_repository_must_exist() {
    let app = |path: &str, repo: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: demo-dev\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/{repo}.git\n    path: {path}\n    targetRevision: main\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: demo\n"
        )
    };
    let config = ("portolan.yaml", "github:\n  repo: acme/platform\n");
    let config_map = (
        "apps/demo/config.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n",
    );
    let missing = app("apps/missing", "acme/platform");
    let dir = repo(&[config, config_map, ("argocd/apps/demo-dev.yaml", &missing)]);
    let (code, report) = validate_json(dir.path());
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report),
        vec![(
            "manifest-reference".to_owned(),
            "argocd/apps/demo-dev.yaml".to_owned(),
            Some(10),
            Some(11)
        )]
    );
    let present = app("apps/demo", "acme/platform");
    let elsewhere = app("apps/missing", "someone/else");
    for text in [present, elsewhere] {
        let dir = repo(&[config, config_map, ("argocd/apps/demo-dev.yaml", &text)]);
        let (code, report) = validate_json(dir.path());
        assert_eq!((code, findings(&report)), (0, vec![]), "{report:#}");
    }
}

/// Secrets that other controllers write (a cert-manager Certificate's `secretName`, a
/// Crossplane connection secret) count as produced in the repository.
#[test]
fn secrets_written_by_other_controllers_are_produced() {
    let store = ("platform/store.yaml", "apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: vault\nspec:\n  provider:\n    fake:\n      data: []\n");
    let external = ("apps/web/external.yaml", "apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: web-db\nspec:\n  secretStoreRef: {name: vault, kind: ClusterSecretStore}\n  target: {name: web-db}\n  data:\n    - secretKey: password\n      remoteRef: {key: web/db}\n");
    let certificate = ("apps/web/certificate.yaml", "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\nspec:\n  secretName: web-tls\n  dnsNames: [web.example.com]\n");
    let claim = ("apps/web/db.yaml", "apiVersion: platform.example.org/v1alpha1\nkind: PostgreSQLInstance\nmetadata:\n  name: web\nspec:\n  writeConnectionSecretToRef:\n    name: web-conn\n");
    let deployment = |secret: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n          envFrom:\n            - secretRef: {{name: web-db}}\n            - secretRef: {{name: {secret}}}\n")
    };
    for (secret, want) in [("web-tls", 0), ("web-conn", 0), ("web-nothing", 1)] {
        let text = deployment(secret);
        let dir = repo(&[
            store,
            external,
            certificate,
            claim,
            ("apps/web/deployment.yaml", &text),
        ]);
        let (code, report) = validate_json(dir.path());
        let references: Vec<_> = findings(&report)
            .into_iter()
            .filter(|f| f.0 == "manifest-reference")
            .collect();
        assert_eq!(
            (code, references.len()),
            (want, want as usize),
            "{secret}: {report:#}"
        );
    }
}
