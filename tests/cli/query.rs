//! Asking the catalog: `list`, `show`, `graph` and `impact` on `examples/orders`, and
//! derived values on the seed's blueprints extended with mirror, calculation and
//! aggregation properties.

use crate::util::{copy_dir, portolan, repo_dir, write};
use serde_json::{json, Value};
use std::path::Path;

/// A copy of `examples/orders`.
fn orders() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_dir().join("examples/orders"), dir.path());
    dir
}

/// Run portolan in `root` and return (exit code, stdout, stderr).
fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = portolan()
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn json_of(root: &Path, args: &[&str]) -> Value {
    let (code, stdout, stderr) = run(root, args);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// A seed blueprint (the built-in file) with derived properties added.
fn extend(root: &Path, id: &str, extra: Value) {
    let text = std::fs::read_to_string(repo_dir().join(format!("blueprints/{id}.json"))).unwrap();
    let mut blueprint: Value = serde_json::from_str(&text).unwrap();
    for (key, value) in extra.as_object().unwrap() {
        match (blueprint.get_mut(key), value) {
            (Some(Value::Object(existing)), Value::Object(more)) => {
                existing.extend(more.clone());
            }
            _ => {
                blueprint[key] = value.clone();
            }
        }
    }
    write(
        root,
        &format!("blueprints/{id}.json"),
        serde_json::to_string_pretty(&blueprint).unwrap().as_bytes(),
    );
}

/// `examples/orders` over the seed's five blueprints, each with one mirror (where it
/// has a relation to mirror through), one calculation and one aggregation property.
fn derived_fixture() -> tempfile::TempDir {
    let dir = orders();
    let root = dir.path();
    let count = |target: &str| json!({"target": target, "calculationSpec": {"calculationBy": "entities", "func": "count"}});
    extend(
        root,
        "Domain",
        json!({
            "calculationProperties": {"slug": {"type": "string", "calculation": ".identifier | ascii_downcase"}},
            "aggregationProperties": {
                "systems": count("System"),
                "componentsBySystem": {"target": "Component", "pathFilter": [{"path": ["system", "domain"], "fromBlueprint": "Component"}],
                    "calculationSpec": {"calculationBy": "entities", "func": "count"}},
                "paymentSystems": {"target": "System", "query": {"combinator": "and", "rules": [{"property": "$title", "operator": "contains", "value": "Pay"}]},
                    "calculationSpec": {"calculationBy": "entities", "func": "count"}}
            }
        }),
    );
    extend(
        root,
        "System",
        json!({
            "mirrorProperties": {"domainTitle": {"path": "domain.$title"}},
            "calculationProperties": {"label": {"type": "string", "calculation": "\"\\(.title) (\\(.properties.domainTitle))\""}},
            "aggregationProperties": {
                "components": count("Component"),
                "ownComponents": {"target": "Component", "pathFilter": [{"path": ["system"], "fromBlueprint": "Component"}],
                    "calculationSpec": {"calculationBy": "entities", "func": "count"}}
            }
        }),
    );
    extend(
        root,
        "Component",
        json!({
            "mirrorProperties": {"domain": {"path": "system.domain.$identifier"}},
            "calculationProperties": {"summary": {"type": "string", "calculation": ".properties.domain + \"/\" + .identifier"}},
            "aggregationProperties": {
                "monthlyCost": {"target": "Resource", "calculationSpec": {"calculationBy": "property", "func": "sum", "property": "cost"}},
                "ownCost": {"target": "Resource", "pathFilter": [{"path": ["resources"]}],
                    "calculationSpec": {"calculationBy": "property", "func": "sum", "property": "cost"}}
            }
        }),
    );
    extend(
        root,
        "API",
        json!({
            "mirrorProperties": {"providerApp": {"path": "provider.app"}},
            "calculationProperties": {"isOpen": {"type": "boolean", "calculation": ".properties.type == \"Open API\""}},
            "aggregationProperties": {"callersPerWeek": {"target": "Component", "calculationSpec": {"calculationBy": "entities", "func": "average", "averageOf": "week", "measureTimeBy": "$createdAt"}}}
        }),
    );
    extend(
        root,
        "Resource",
        json!({
            "schema": {"properties": {"type": {"type": "string"}, "cost": {"type": "number"}}, "required": []},
            "calculationProperties": {"label": {"type": "string", "calculation": ".title + \" (\" + .properties.type + \")\""}},
            "aggregationProperties": {"users": count("Component")}
        }),
    );
    write(
        root,
        "catalog/Resource/cart-sql-sb.yaml",
        b"identifier: cart-sql-sb\ntitle: Cart SQL database\nicon: GPU\nproperties:\n  type: postgress\n  cost: 25\nrelations: {}\n",
    );
    dir
}

fn properties(root: &Path, reference: &str) -> Value {
    json_of(root, &["show", reference, "--format", "json"])["entity"]["properties"].clone()
}

#[test]
fn the_extended_fixture_validates_clean() {
    let dir = derived_fixture();
    let (code, report) = crate::util::validate_json(dir.path());
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn mirror_properties_follow_relation_paths() {
    let dir = derived_fixture();
    let root = dir.path();
    assert_eq!(properties(root, "System/Cart")["domainTitle"], "Orders");
    assert_eq!(
        properties(root, "Component/CoreKafkaLibrary")["domain"],
        "Orders"
    );
    assert_eq!(properties(root, "API/CartAPI")["providerApp"], "cart");
}

#[test]
fn calculation_properties_see_mirrors_in_properties() {
    let dir = derived_fixture();
    let root = dir.path();
    assert_eq!(properties(root, "Domain/Orders")["slug"], "orders");
    assert_eq!(properties(root, "System/Cart")["label"], "Cart (Orders)");
    assert_eq!(
        properties(root, "Component/CartService")["summary"],
        "Orders/CartService"
    );
    assert_eq!(properties(root, "API/CartAPI")["isOpen"], true);
    assert_eq!(
        properties(root, "Resource/cart-sql-sb")["label"],
        "Cart SQL database (postgress)"
    );
}

#[test]
fn aggregation_properties_summarise_related_entities() {
    let dir = derived_fixture();
    let root = dir.path();
    assert_eq!(properties(root, "Domain/Orders")["systems"], 2);
    // Upstream of Cart: its service and two libraries, and ProductsService, which
    // consumes the API that CartService provides (Port counts every path).
    assert_eq!(properties(root, "System/Cart")["components"], 4);
    assert_eq!(properties(root, "System/Products")["components"], 1);
    // Downstream: the database, directly or through the API's provider.
    assert_eq!(properties(root, "Component/CartService")["monthlyCost"], 25);
    assert_eq!(
        properties(root, "Component/ProductsService")["monthlyCost"],
        25
    );
    assert_eq!(
        properties(root, "Component/CoreKafkaLibrary")["monthlyCost"],
        0
    );
    assert_eq!(properties(root, "Resource/cart-sql-sb")["users"], 2);
}

/// `pathFilter` keeps only what one relation path reaches: forwards from the entity,
/// or (with `fromBlueprint` the target) backwards, hop by hop.
#[test]
fn aggregation_path_filters_follow_only_their_path() {
    let dir = derived_fixture();
    let root = dir.path();
    // Not ProductsService, which reaches Cart only through the API it consumes.
    assert_eq!(properties(root, "System/Cart")["ownComponents"], 3);
    assert_eq!(properties(root, "System/Products")["ownComponents"], 1);
    // Two hops: components whose system belongs to the domain.
    assert_eq!(properties(root, "Domain/Orders")["componentsBySystem"], 4);
    // Forwards: the database the service names itself, not the one behind an API.
    assert_eq!(properties(root, "Component/CartService")["ownCost"], 25);
    assert_eq!(properties(root, "Component/ProductsService")["ownCost"], 0);
}

#[test]
fn what_cannot_be_computed_offline_says_so() {
    let dir = derived_fixture();
    let root = dir.path();
    let show = json_of(root, &["show", "API/CartAPI", "--format", "json"]);
    assert_eq!(show["entity"]["properties"]["callersPerWeek"], Value::Null);
    let problems = show["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0]["property"], "callersPerWeek");
    assert_eq!(problems[0]["kind"], "aggregation");
    assert!(problems[0]["message"]
        .as_str()
        .unwrap()
        .contains("$createdAt"));

    let show = json_of(root, &["show", "Domain/Orders", "--format", "json"]);
    assert_eq!(show["problems"][0]["property"], "paymentSystems");
    assert!(show["problems"][0]["message"]
        .as_str()
        .unwrap()
        .contains("search-rule"));

    let (code, stdout, _) = run(root, &["show", "API/CartAPI"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("callersPerWeek (aggregation): not computed:"),
        "{stdout}"
    );
    // A listing shows null and says so on stderr.
    let (code, _, stderr) = run(root, &["list", "API", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("1 derived value was not computed offline"),
        "{stderr}"
    );
}

#[test]
fn list_filters_with_jq_and_prints_ids_table_json_and_yaml() {
    let dir = orders();
    let root = dir.path();
    let (code, stdout, _) = run(
        root,
        &[
            "list",
            "Component",
            "--where",
            ".properties.type == \"library\"",
            "--format",
            "ids",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "Component/CoreKafkaLibrary\nComponent/CorePaymentLibrary\n"
    );

    let listing = json_of(root, &["list", "--format", "json"]);
    assert_eq!(listing["version"], 1);
    assert_eq!(listing["entities"].as_array().unwrap().len(), 9);
    let cart = json_of(
        root,
        &[
            "list",
            "--where",
            ".identifier == \"CartService\"",
            "--format",
            "json",
        ],
    )["entities"][0]
        .clone();
    assert_eq!(
        cart,
        json!({
            "identifier": "CartService",
            "title": "Cart Service",
            "blueprint": "Component",
            "icon": "Cloud",
            "properties": {"type": "service", "app": "cart"},
            "relations": {"system": "Cart", "resources": ["cart-sql-sb"], "consumesApi": [],
                "components": ["CorePaymentLibrary", "CoreKafkaLibrary"], "providesApi": "CartAPI"},
            "file": "catalog/Component/CartService.yaml",
            "line": 1
        })
    );
    // The second document of a file, past its `---`.
    let payment = json_of(
        root,
        &[
            "list",
            "--where",
            ".identifier == \"CorePaymentLibrary\"",
            "--format",
            "json",
        ],
    );
    assert_eq!(payment["entities"][0]["line"], 9);

    let (code, yaml, _) = run(root, &["list", "System", "--format", "yaml"]);
    assert_eq!(code, 0);
    let yaml: Value = yaml_serde::from_str(&yaml).unwrap();
    assert_eq!(yaml["entities"][1]["identifier"], "Products");

    let (code, table, _) = run(root, &["list", "System"]);
    assert_eq!(code, 0);
    let expected = [
        "ENTITY           TITLE     TEAM  FILE",
        "System/Cart      Cart            catalog/System/systems.yaml:2",
        "System/Products  Products        catalog/System/systems.yaml:7",
    ];
    assert_eq!(table.lines().collect::<Vec<_>>(), expected, "{table}");

    let (code, _, stderr) = run(root, &["list", "--where", ".properties |"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--where"), "{stderr}");
}

/// `list --where` judges each entity as it loads when its blueprints have no derived
/// values (`examples/orders`), and over the graph when they have (the extended
/// fixture): both see the same JSON and stop at the first entity the filter fails on.
#[test]
fn list_where_sees_derived_values_and_names_the_entity_it_fails_on() {
    let plain = orders();
    let derived = derived_fixture();
    for root in [plain.path(), derived.path()] {
        let (code, stdout, stderr) = run(
            root,
            &[
                "list",
                "--where",
                ".line > 1 and .file != null",
                "--format",
                "ids",
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            stdout,
            "Component/CoreKafkaLibrary\nComponent/CorePaymentLibrary\nSystem/Cart\nSystem/Products\n",
            "{}",
            root.display()
        );
        // `.properties.app` is a string on Component/CartService, the first in catalog
        // order to have one (API/CartAPI has none: null + 1 is 1).
        let (code, stdout, stderr) = run(root, &["list", "--where", ".properties.app + 1"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(
            stderr.contains("--where failed on Component/CartService"),
            "{stderr}"
        );
    }
    // Derived values are in `.properties` for the filter, as in the listing.
    let (code, stdout, stderr) = run(
        derived.path(),
        &[
            "list",
            "System",
            "--where",
            ".properties.label == \"Products (Orders)\"",
            "--format",
            "ids",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "System/Products\n");
}

#[test]
fn show_has_relations_out_and_in_and_where_it_is_defined() {
    let dir = orders();
    let root = dir.path();
    let show = json_of(root, &["show", "CartService", "--format", "json"]);
    assert_eq!(show["version"], 1);
    let out: Vec<String> = show["relations"]["out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            format!("{} {}/{}", o["relation"], o["blueprint"], o["identifier"]).replace('"', "")
        })
        .collect();
    assert!(
        out.contains(&"resources Resource/cart-sql-sb".to_owned()),
        "{out:?}"
    );
    assert_eq!(out.len(), 5, "{out:?}");
    assert_eq!(
        show["relations"]["in"],
        json!([{"relation": "provider", "blueprint": "API", "identifier": "CartAPI", "file": "catalog/API/CartAPI.json", "line": 1}])
    );
    let (code, human, _) = run(root, &["show", "Resource/cart-sql-sb"]);
    assert_eq!(code, 0);
    assert!(human.starts_with("Resource/cart-sql-sb  Cart SQL database\n  defined at catalog/Resource/cart-sql-sb.yaml:1\n"), "{human}");
    assert!(
        human.contains("relations in\n  Component/CartService via resources\n"),
        "{human}"
    );
}

#[test]
fn unknown_references_get_a_did_you_mean() {
    let dir = orders();
    let root = dir.path();
    let (code, _, stderr) = run(root, &["show", "Component/CartServise"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `Component/CartService`?"),
        "{stderr}"
    );
    let (code, _, stderr) = run(root, &["impact", "cart-sql-db"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `cart-sql-sb`?"), "{stderr}");
    let (code, _, stderr) = run(root, &["graph", "Sytem/Cart"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `System/Cart`?"), "{stderr}");
    let (code, _, stderr) = run(root, &["list", "Componnt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `Component`?"), "{stderr}");
}

#[test]
fn impact_follows_relations_backwards_with_their_paths() {
    let dir = orders();
    let root = dir.path();
    let (code, stdout, _) = run(root, &["impact", "Resource/cart-sql-sb"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "3 entities depend on Resource/cart-sql-sb:\n\
         \x20 Component/CartService --resources--> Resource/cart-sql-sb\n\
         \x20 API/CartAPI --provider--> Component/CartService --resources--> Resource/cart-sql-sb\n\
         \x20 Component/ProductsService --consumesApi--> API/CartAPI --provider--> Component/CartService --resources--> Resource/cart-sql-sb\n"
    );
    let report = json_of(root, &["impact", "cart-sql-sb", "--format", "json"]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["entity"], "Resource/cart-sql-sb");
    assert_eq!(
        report["dependents"][1],
        json!({"entity": "API/CartAPI", "blueprint": "API", "identifier": "CartAPI", "distance": 2,
            "path": [{"from": "API/CartAPI", "relation": "provider", "to": "Component/CartService"},
                     {"from": "Component/CartService", "relation": "resources", "to": "Resource/cart-sql-sb"}]})
    );
    let (code, stdout, _) = run(root, &["impact", "Component/ProductsService"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "nothing depends on Component/ProductsService\n");
}

#[test]
fn graph_in_mermaid_dot_and_json() {
    let dir = orders();
    let root = dir.path();
    let (code, mermaid, _) = run(root, &["graph", "System/Products"]);
    assert_eq!(code, 0);
    assert_eq!(
        mermaid,
        "flowchart LR\n  n0[\"Component/ProductsService\"]\n  n1[\"Domain/Orders\"]\n  n2[\"System/Products\"]\n  \
         n0 -->|system| n2\n  n2 -->|domain| n1\n  style n2 stroke-width:3px\n"
    );
    let (code, dot, _) = run(
        root,
        &["graph", "Products", "--depth", "2", "--format", "dot"],
    );
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph catalog {\n"), "{dot}");
    assert!(
        dot.contains("  \"System/Products\" [penwidth=3];\n"),
        "{dot}"
    );
    assert!(
        dot.contains(
            "  \"Component/ProductsService\" -> \"API/CartAPI\" [label=\"consumesApi\"];\n"
        ),
        "{dot}"
    );
    assert!(
        dot.contains("\"System/Cart\" -> \"Domain/Orders\""),
        "{dot}"
    );

    let whole = json_of(root, &["graph", "--format", "json"]);
    assert_eq!(whole["version"], 1);
    assert_eq!(whole["root"], Value::Null);
    assert_eq!(whole["nodes"].as_array().unwrap().len(), 9);
    assert_eq!(whole["edges"].as_array().unwrap().len(), 12);
    assert_eq!(
        whole["edges"][0],
        json!({"from": "API/CartAPI", "relation": "provider", "to": "Component/CartService"})
    );
    // The same catalog draws the same text.
    let again = json_of(root, &["graph", "--format", "json"]);
    assert_eq!(whole, again);
}

#[test]
fn a_catalog_with_errors_still_answers_with_a_warning() {
    let dir = orders();
    let root = dir.path();
    let path = root.join("catalog/Component/CartService.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("- cart-sql-sb", "- cart-sql-db")).unwrap();
    let (code, stdout, stderr) = run(root, &["list", "--format", "ids"]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 9);
    assert!(stderr.contains("the catalog has 1 error"), "{stderr}");
    assert!(stderr.contains("portolan validate"), "{stderr}");
    let (code, stdout, _) = run(root, &["show", "CartService"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("resources → Resource/cart-sql-db (missing)"),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------------
// Filters that recurse, loop or grow without end: a clear error, never a crash (exit
// 134, a stack overflow) or a hang.

/// A filter that overflowed the stack, one that never ended, one that took gigabytes.
const RUNAWAYS: [&str; 3] = ["def f: [f]; f", "def f: f; f", "[range(1e8)] | length"];

/// Run portolan in `root` as [`run`] does, but killed (and the test failed) if it takes
/// more than a minute: what a hang looks like to a test.
fn run_within(root: &Path, args: &[&str]) -> (i32, String, String) {
    let output = portolan()
        .args(args)
        .arg("--root")
        .arg(root)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap_or_else(|e| panic!("portolan {args:?} did not finish: {e}"));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("overflow"), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        stderr,
    )
}

/// `examples/orders` with a Domain calculation property `runaway` of `calculation`.
fn with_calculation(calculation: &str) -> tempfile::TempDir {
    let dir = orders();
    extend(
        dir.path(),
        "Domain",
        json!({"calculationProperties": {"runaway": {"type": "number", "calculation": calculation}}}),
    );
    dir
}

#[test]
fn a_calculation_that_recurses_loops_or_grows_without_end_stops_list_and_show_with_an_error() {
    for calculation in RUNAWAYS {
        let dir = with_calculation(calculation);
        let root = dir.path();
        for args in [
            &["show", "Domain/Orders", "--format", "json"][..],
            &["show", "Domain/Orders"],
            &["list", "--format", "json"],
            &["list", "Domain", "--format", "ids"],
            &["list", "--where", ".identifier == \"Orders\""],
        ] {
            let (code, stdout, stderr) = run_within(root, args);
            assert_eq!(code, 2, "{calculation}: {args:?}: {stderr}");
            assert!(stdout.is_empty(), "{stdout}");
            assert!(
                stderr.contains(&format!(
                    "the calculation property `runaway` of blueprint `Domain` (`{calculation}`) was stopped on Domain/Orders:"
                )),
                "{calculation}: {args:?}: {stderr}"
            );
            assert!(
                stderr.contains(
                    "hint: fix `calculationProperties.runaway.calculation` of blueprint `Domain`"
                ),
                "{stderr}"
            );
        }
    }
    // What it ran into, in words.
    let (_, _, stderr) = run_within(
        with_calculation(RUNAWAYS[0]).path(),
        &["show", "Domain/Orders"],
    );
    assert!(stderr.contains("it recursed deeper than"), "{stderr}");
    let (_, _, stderr) = run_within(
        with_calculation(RUNAWAYS[1]).path(),
        &["show", "Domain/Orders"],
    );
    assert!(stderr.contains("units of work"), "{stderr}");
    let (_, _, stderr) = run_within(
        with_calculation("reduce range(100000) as $i (null; [.]) | tojson | length").path(),
        &["show", "Domain/Orders"],
    );
    assert!(
        stderr.contains("nested more than 256 levels deep"),
        "{stderr}"
    );
}

/// Each entity's calculation runs on its own budget: one entity running away says which
/// it is, and the others still compute.
#[test]
fn a_calculation_that_runs_away_on_one_entity_names_it_and_the_others_still_compute() {
    let dir = orders();
    let root = dir.path();
    extend(
        root,
        "Component",
        json!({"calculationProperties": {"slug": {"type": "string",
            "calculation": "if .identifier == \"CoreKafkaLibrary\" then def f: f; f else .identifier | ascii_downcase end"}}}),
    );
    let (code, _, stderr) = run_within(root, &["list", "Component", "--format", "ids"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("was stopped on Component/CoreKafkaLibrary:"),
        "{stderr}"
    );
    for (entity, slug) in [
        ("Component/CartService", "cartservice"),
        ("Component/CorePaymentLibrary", "corepaymentlibrary"),
        ("Component/ProductsService", "productsservice"),
    ] {
        assert_eq!(properties(root, entity)["slug"], slug);
    }
    let (code, _, _) = run_within(root, &["show", "Component/CoreKafkaLibrary"]);
    assert_eq!(code, 2);
}

/// `--where` is judged as the catalog loads (`examples/orders`) or over the graph (the
/// extended fixture): both stop with an error naming the filter and the first entity.
#[test]
fn a_where_filter_that_recurses_loops_or_grows_without_end_stops_list_with_an_error() {
    let plain = orders();
    let derived = derived_fixture();
    for root in [plain.path(), derived.path()] {
        for filter in RUNAWAYS {
            let (code, stdout, stderr) = run_within(root, &["list", "--where", filter]);
            assert_eq!(code, 2, "{filter}: {stderr}");
            assert!(stdout.is_empty(), "{stdout}");
            assert!(
                stderr.contains(&format!("--where `{filter}` was stopped on API/CartAPI:")),
                "{filter}: {stderr}"
            );
            assert!(
                stderr.contains("hint: a filter is run on each entity"),
                "{stderr}"
            );
        }
        // Stopped on one entity only: the first in catalog order is named.
        let filter = "if .identifier == \"CartService\" or .identifier == \"Products\" then def f: [f]; f else true end";
        let (code, _, stderr) = run_within(root, &["list", "--where", filter, "--format", "ids"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("was stopped on Component/CartService:"),
            "{stderr}"
        );
    }
}
