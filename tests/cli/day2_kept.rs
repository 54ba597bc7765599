//! What a user wrote survives the day-2 templates that write to the same structures —
//! an annotation beside the lock's, an item of `resources:` or `ignoreDifferences`
//! beside the rollout's, a variable of the container beside the one set, a key of a
//! flag beside its state — through the action, its undo or a second run; and a second
//! run adds nothing twice. Then locking twice, and unlocking what is not locked.

use crate::day2::{applied, assert_valid, run, scaffolded, NOW};
use crate::util::{git, portolan, text, write};
use std::path::Path;

/// One template (or a few) over a repository the user edited.
struct Case {
    name: &'static str,
    /// Runs before the user's edits, each committed.
    prepare: &'static [&'static [&'static str]],
    /// The user's edits: `(file, anchor, replacement)`, the anchor's first occurrence
    /// replaced (an empty anchor: the file is written whole).
    edits: &'static [(&'static str, &'static str, &'static str)],
    /// The runs, each committed: `run …`, `new …` or `env gc …`.
    steps: &'static [&'static [&'static str]],
    /// `(file, text)` of the user's that is there after every step.
    kept: &'static [(&'static str, &'static str)],
    /// `(file, text)` the template wrote that is there once after the last step.
    once: &'static [(&'static str, &'static str)],
    /// The last step brings every edited file back byte for byte.
    round_trip: bool,
}

const APPLICATION: &str = "argocd/apps/cart-prod.yaml";
const OVERLAY: &str = "apps/cart/envs/prod/kustomization.yaml";
const DEPLOYMENT: &str = "apps/cart/base/deployment.yaml";

/// A ConfigMap of the user's, listed in the prod overlay.
const EXTRA: (&str, &str, &str) = (
    "apps/cart/envs/prod/extra.yaml",
    "",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: \"1\"\n",
);
const EXTRA_LISTED: (&str, &str, &str) = (
    OVERLAY,
    "  - tables/cart.yaml\n",
    "  - tables/cart.yaml\n  - extra.yaml # ours\n",
);
/// A sync option and an ignoreDifferences entry of the user's.
const SYNC_OPTIONS: (&str, &str, &str) = (
    APPLICATION,
    "      - CreateNamespace=true\n",
    "      - CreateNamespace=true\n      - ServerSideApply=true # ours\n  ignoreDifferences:\n    - group: \"\"\n      kind: ConfigMap\n      name: extra # ours\n      jsonPointers: [/data]\n",
);
const USERS_VARIABLE: (&str, &str, &str) = (
    DEPLOYMENT,
    "            - name: PORT\n",
    "            - name: LOG_FORMAT # ours\n              value: json\n            - name: PORT\n",
);

const CASES: &[Case] = &[
    Case {
        name: "lock-deployments, then unlock-deployments",
        prepare: &[],
        edits: &[
            (
                APPLICATION,
                "  labels:\n",
                "  annotations:\n    notifications.argoproj.io/subscribe.on-sync-failed.slack: payments # ours\n  labels:\n",
            ),
            (APPLICATION, "      selfHeal: true\n", "      selfHeal: true\n      allowEmpty: true\n"),
        ],
        steps: &[
            &["run", "lock-deployments", "cart", "--set", "env=prod", "--set", "reason=incident 42", "--set", "requested_by=alice"],
            &["run", "unlock-deployments", "cart", "--set", "env=prod"],
        ],
        kept: &[
            (APPLICATION, "notifications.argoproj.io/subscribe.on-sync-failed.slack: payments # ours"),
            (APPLICATION, "      allowEmpty: true\n"),
            (APPLICATION, "      prune: true\n      selfHeal: true\n"),
        ],
        once: &[],
        round_trip: true,
    },
    Case {
        name: "canary, blue-green, canary",
        prepare: &[],
        edits: &[EXTRA, EXTRA_LISTED, SYNC_OPTIONS],
        steps: &[
            &["run", "canary", "cart", "--set", "env=prod"],
            &["run", "blue-green", "cart", "--set", "env=prod"],
            &["run", "canary", "cart", "--set", "env=prod", "--set", "weights=10,50"],
        ],
        kept: &[
            (OVERLAY, "  - extra.yaml # ours\n"),
            (APPLICATION, "      - ServerSideApply=true # ours\n"),
            (APPLICATION, "      name: extra # ours\n"),
        ],
        once: &[
            (OVERLAY, "- rollout.yaml"),
            (OVERLAY, "rollout-transform.yaml"),
            (APPLICATION, "kind: Deployment"),
            (APPLICATION, "RespectIgnoreDifferences=true"),
        ],
        round_trip: false,
    },
    Case {
        name: "set-autoscaling, twice",
        prepare: &[],
        edits: &[EXTRA, EXTRA_LISTED, SYNC_OPTIONS],
        steps: &[
            &["run", "set-autoscaling", "cart", "--set", "env=prod", "--set", "min=2", "--set", "max=6"],
            &["run", "set-autoscaling", "cart", "--set", "env=prod", "--set", "min=3", "--set", "max=8"],
        ],
        kept: &[
            (OVERLAY, "  - extra.yaml # ours\n"),
            (APPLICATION, "      - ServerSideApply=true # ours\n"),
            (APPLICATION, "      name: extra # ours\n"),
        ],
        once: &[
            (OVERLAY, "- hpa.yaml"),
            (APPLICATION, "kind: Deployment"),
            (APPLICATION, "RespectIgnoreDifferences=true"),
        ],
        round_trip: false,
    },
    Case {
        name: "add-env-var, then the same variable with another value",
        prepare: &[],
        edits: &[USERS_VARIABLE],
        steps: &[
            &["run", "add-env-var", "cart", "--set", "key=MODE", "--set", "value=fast"],
            &["run", "add-env-var", "cart", "--set", "key=MODE", "--set", "value=slow"],
        ],
        kept: &[
            (DEPLOYMENT, "            - name: LOG_FORMAT # ours\n              value: json\n"),
            (DEPLOYMENT, "name: DATABASE_URL"),
        ],
        once: &[(DEPLOYMENT, "name: MODE"), (DEPLOYMENT, "value: slow")],
        round_trip: false,
    },
    Case {
        name: "add-secret, then the same secret again",
        prepare: &[],
        edits: &[USERS_VARIABLE, EXTRA, EXTRA_LISTED],
        steps: &[
            &["run", "add-secret", "cart", "--set", "name=STRIPE_KEY"],
            &["run", "add-secret", "cart", "--set", "name=STRIPE_KEY", "--set", "property=key"],
        ],
        kept: &[
            (DEPLOYMENT, "            - name: LOG_FORMAT # ours\n              value: json\n"),
            (OVERLAY, "  - extra.yaml # ours\n"),
        ],
        once: &[
            (DEPLOYMENT, "name: STRIPE_KEY"),
            (OVERLAY, "- secrets.yaml"),
            ("apps/cart/envs/prod/secrets.yaml", "secretKey: STRIPE_KEY"),
            ("apps/cart/envs/prod/secrets.yaml", "property: key"),
        ],
        round_trip: false,
    },
    Case {
        name: "grant-access, env gc of every grant, grant-access",
        prepare: &[&[
            "run", "grant-access", "Resource/cart-db", "--set", "env=prod", "--set", "user=bob@acme.io", "--set", "reason=debugging",
        ]],
        edits: &[(
            "platform/access/grants.yaml",
            "  name: temporary-access\n",
            "  name: temporary-access\n  labels:\n    team: platform # ours\n",
        )],
        steps: &[
            &["env", "gc", "--now", "2027-01-01T00:00:00Z"],
            &["run", "grant-access", "Resource/cart-db", "--set", "env=prod", "--set", "user=carol@acme.io", "--set", "reason=audit"],
        ],
        kept: &[("platform/access/grants.yaml", "    team: platform # ours\n")],
        once: &[("platform/access/grants.yaml", "name: carol@acme.io")],
        round_trip: false,
    },
    Case {
        name: "set-feature-flag off, then on",
        prepare: &[&["run", "set-feature-flag", "cart", "--set", "flag=new-checkout", "--set", "state=on"]],
        edits: &[
            (
                "apps/cart/flags.json",
                "      \"state\": \"ENABLED\",\n",
                "      \"state\": \"ENABLED\",\n      \"targeting\": { \"if\": [{ \"ends_with\": [{ \"var\": \"email\" }, \"@acme.io\"] }, \"on\", \"off\"] },\n",
            ),
            (
                "apps/cart/flags.json",
                "  \"flags\": {\n",
                "  \"flags\": {\n    \"dark-mode\": { \"state\": \"DISABLED\", \"variants\": { \"on\": true, \"off\": false }, \"defaultVariant\": \"off\" },\n",
            ),
        ],
        steps: &[
            &["run", "set-feature-flag", "cart", "--set", "flag=new-checkout", "--set", "state=off"],
            &["run", "set-feature-flag", "cart", "--set", "flag=new-checkout", "--set", "state=on"],
        ],
        kept: &[
            ("apps/cart/flags.json", "\"targeting\": { \"if\": [{ \"ends_with\""),
            ("apps/cart/flags.json", "\"dark-mode\": { \"state\": \"DISABLED\""),
        ],
        once: &[],
        round_trip: true,
    },
    Case {
        name: "add-resource in prod, then in dev",
        prepare: &[],
        edits: &[
            EXTRA,
            EXTRA_LISTED,
            ("catalog/Component/cart.yaml", "title: Cart\n", "title: Cart # ours\n"),
        ],
        steps: &[
            &["run", "add-resource", "cart", "--set", "env=prod", "--set", "type=s3-bucket", "--set", "name=cart-uploads"],
            &["run", "add-resource", "cart", "--set", "env=dev", "--set", "type=s3-bucket", "--set", "name=cart-uploads"],
        ],
        kept: &[
            (OVERLAY, "  - extra.yaml # ours\n"),
            ("catalog/Component/cart.yaml", "title: Cart # ours\n"),
            ("catalog/Component/cart.yaml", "- cart-db"),
        ],
        once: &[("catalog/Component/cart.yaml", "- cart-uploads")],
        round_trip: false,
    },
    Case {
        name: "create-resource owned by a service without resources",
        prepare: &[&["new", "service", "--set", "name=web"]],
        edits: &[("catalog/Component/web.yaml", "title: Web\n", "title: Web # ours\n")],
        steps: &[&["new", "create-resource", "--set", "name=web-cache", "--set", "type=s3-bucket", "--set", "owner=web"]],
        kept: &[("catalog/Component/web.yaml", "title: Web # ours\n")],
        once: &[("catalog/Component/web.yaml", "- web-cache")],
        round_trip: false,
    },
    Case {
        name: "invite-developer, twice",
        prepare: &[],
        edits: &[
            (
                "apps/dev-envs/alice/quota.yaml",
                "",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: quota\ndata:\n  pods: \"10\"\n",
            ),
            ("apps/dev-envs/alice/kustomization.yaml", "resources:\n", "resources:\n  - quota.yaml # ours\n"),
        ],
        steps: &[
            &["run", "invite-developer", "Environment/alice", "--set", "user=bob@acme.io"],
            &["run", "invite-developer", "Environment/alice", "--set", "user=carol@acme.io"],
        ],
        kept: &[("apps/dev-envs/alice/kustomization.yaml", "  - quota.yaml # ours\n")],
        once: &[("apps/dev-envs/alice/kustomization.yaml", "invite-bob-at-acme-io.yaml")],
        round_trip: false,
    },
    Case {
        name: "split-model-traffic, then deploy-model",
        prepare: &[],
        edits: &[(
            "apps/churn/inferenceservice.yaml",
            "  annotations:\n",
            "  annotations:\n    serving.kserve.io/autoscalerClass: hpa # ours\n",
        )],
        steps: &[
            &["run", "split-model-traffic", "Model/churn", "--set", "version=v2", "--set", "storage_uri=s3://models/churn/v2", "--set", "percent=10"],
            &["run", "deploy-model", "Model/churn", "--set", "version=v2", "--set", "storage_uri=s3://models/churn/v2"],
        ],
        kept: &[("apps/churn/inferenceservice.yaml", "    serving.kserve.io/autoscalerClass: hpa # ours\n")],
        once: &[("apps/churn/inferenceservice.yaml", "portolan.dev/version: v2")],
        round_trip: false,
    },
    Case {
        name: "set-customer-config, then set-customer-tier",
        prepare: &[],
        edits: &[("apps/customers/initech/config.yaml", "\ndata:\n", "\ndata:\n  THEME: dark # ours\n")],
        steps: &[
            &["run", "set-customer-config", "Customer/initech", "--set", "key=region", "--set", "value=eu"],
            &["run", "set-customer-tier", "Customer/initech", "--set", "tier=business"],
        ],
        kept: &[("apps/customers/initech/config.yaml", "  THEME: dark # ours\n")],
        once: &[("apps/customers/initech/config.yaml", "CONFIG_REGION: eu")],
        round_trip: false,
    },
];

/// One run of a case: `run` and `new` at `NOW`, `env gc` as written.
fn step(dir: &Path, args: &[&str]) -> std::process::Output {
    match args[0] {
        "run" => run(dir, &args[1..]),
        _ => {
            let mut command = portolan();
            command.args(args);
            if args[0] == "new" {
                command.args(["--no-input", "--now", NOW]);
            }
            command.current_dir(dir).output().unwrap()
        }
    }
}

fn commit(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message, "--allow-empty"]);
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_default()
}

/// What went wrong in one case (empty: nothing).
fn failures(dir: &Path, case: &Case) -> Vec<String> {
    let mut failed = Vec::new();
    for args in case.prepare {
        let output = step(dir, args);
        assert!(
            output.status.success(),
            "{}: {args:?}: {}",
            case.name,
            text(&output)
        );
        commit(dir, "prepare");
    }
    for (file, anchor, replacement) in case.edits {
        let content = if anchor.is_empty() {
            (*replacement).to_owned()
        } else {
            let old = read(dir, file);
            assert!(
                old.contains(anchor),
                "{}: `{anchor}` is not in {file}:\n{old}",
                case.name
            );
            old.replacen(anchor, replacement, 1)
        };
        write(dir, file, content.as_bytes());
    }
    commit(dir, "the user's edits");
    let edited: Vec<(&str, String)> = case
        .edits
        .iter()
        .map(|(file, ..)| (*file, read(dir, file)))
        .collect();
    for args in case.steps {
        let output = step(dir, args);
        if !output.status.success() {
            failed.push(format!("{args:?} failed: {}", text(&output)));
            return failed;
        }
        commit(dir, args[1]);
        for (file, kept) in case.kept {
            let now = read(dir, file);
            if !now.contains(kept) {
                failed.push(format!(
                    "after {args:?}, `{kept}` is gone from {file}:\n{now}"
                ));
            }
        }
    }
    for (file, once) in case.once {
        let n = read(dir, file).matches(once).count();
        if n != 1 {
            failed.push(format!(
                "`{once}` is {n} times in {file}:\n{}",
                read(dir, file)
            ));
        }
    }
    if case.round_trip {
        for (file, before) in &edited {
            let after = read(dir, file);
            if &after != before {
                failed.push(format!(
                    "{file} is not what it was:\n{after}\nbefore:\n{before}"
                ));
            }
        }
    }
    let validate = portolan()
        .args(["validate", "--strict", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    if !validate.status.success() {
        failed.push(format!("the result does not validate: {}", text(&validate)));
    }
    failed
}

/// Every case on one scaffolded repository, put back between cases; every failure is
/// reported at once.
#[test]
fn the_users_keys_and_items_survive_actions_and_their_undo() {
    let dir = scaffolded();
    let path = dir.path();
    let base = git(path, &["rev-parse", "HEAD"]);
    let mut report = Vec::new();
    for case in CASES {
        git(path, &["reset", "-q", "--hard", base.trim()]);
        git(path, &["clean", "-qfd"]);
        for failure in failures(path, case) {
            report.push(format!("{}: {failure}", case.name));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n\n"));
}

fn lock(dir: &Path, reason: &str, by: &str) -> std::process::Output {
    run(
        dir,
        &[
            "lock-deployments",
            "cart",
            "--set",
            "env=prod",
            "--set",
            &format!("reason={reason}"),
            "--set",
            &format!("requested_by={by}"),
        ],
    )
}

/// A run that did nothing: exit 0, `expected` said, nothing written.
fn did_nothing(dir: &Path, output: &std::process::Output, expected: &str) {
    assert_eq!(output.status.code(), Some(0), "{}", text(output));
    assert!(
        text(output).contains(expected),
        "expected `{expected}` in {}",
        text(output)
    );
    assert!(
        !text(output).contains("nothing to change"),
        "{}",
        text(output)
    );
    let status = git(dir, &["status", "--porcelain"]);
    assert!(status.is_empty(), "nothing written, and: {status}");
}

/// Locking with the same inputs again does nothing; with another reason it is refused,
/// naming the lock in force; unlocking what is not locked does nothing.
#[test]
fn locking_twice_and_unlocking_what_is_not_locked() {
    let dir = scaffolded();
    let path = dir.path();
    applied(
        path,
        &[
            "lock-deployments",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "reason=incident 42",
            "--set",
            "requested_by=alice",
        ],
    );

    let again = lock(path, "incident 42", "alice");
    did_nothing(
        path,
        &again,
        "`cart` is already locked in prod, since 2026-11-29T12:00:00Z by alice: incident 42",
    );
    let json = run(
        path,
        &[
            "lock-deployments",
            "cart",
            "--set",
            "env=prod",
            "--set",
            "reason=incident 42",
            "--set",
            "requested_by=alice",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.status.code(), Some(0), "{}", text(&json));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["files"], serde_json::json!([]));
    assert!(
        report["done"].as_str().unwrap().contains("already locked"),
        "{report}"
    );

    let other = lock(path, "release freeze", "bob");
    assert_eq!(other.status.code(), Some(2), "{}", text(&other));
    let message = text(&other);
    for expected in [
        "`cart` is already locked in prod: since 2026-11-29T12:00:00Z, by alice, because: incident 42",
        "Unlock it first (`portolan run unlock-deployments cart --set env=prod`)",
    ] {
        assert!(message.contains(expected), "expected `{expected}` in {message}");
    }
    assert!(!message.contains("nothing to remove"), "{message}");
    assert!(git(path, &["status", "--porcelain"]).is_empty());

    applied(path, &["unlock-deployments", "cart", "--set", "env=prod"]);
    let unlock = run(path, &["unlock-deployments", "cart", "--set", "env=prod"]);
    did_nothing(path, &unlock, "`cart` is not locked in prod");
    // Unlocked, the other lock goes through.
    let other = lock(path, "release freeze", "bob");
    assert!(other.status.success(), "{}", text(&other));
    assert_valid(path, "locked again");
}

/// An Application without automated sync is not deployed by merges: nothing to lock.
/// One locked by lock-deployments version 1 (which removed `automated`) unlocks to
/// `automated` as `new service` writes it.
#[test]
fn locks_of_applications_without_automated_sync() {
    let dir = scaffolded();
    let path = dir.path();
    let original = read(path, APPLICATION);
    let manual = original.replace(
        "    automated:\n      prune: true\n      selfHeal: true\n",
        "",
    );
    assert_ne!(manual, original);
    write(path, APPLICATION, manual.as_bytes());
    commit(path, "manual sync");
    let output = lock(path, "incident 42", "alice");
    did_nothing(
        path,
        &output,
        "`cart` does not deploy automatically in prod",
    );
    let output = run(path, &["unlock-deployments", "cart", "--set", "env=prod"]);
    did_nothing(
        path,
        &output,
        "it does not sync automatically, but not because of a lock",
    );

    let locked_by_v1 = manual.replace(
        "  labels:\n",
        "  annotations:\n    portolan.dev/lock-reason: incident 7\n    portolan.dev/locked: 2026-11-01T00:00:00Z\n  labels:\n",
    );
    write(path, APPLICATION, locked_by_v1.as_bytes());
    commit(path, "locked by version 1");
    applied(path, &["unlock-deployments", "cart", "--set", "env=prod"]);
    let unlocked = read(path, APPLICATION);
    assert!(
        unlocked.contains("    automated:\n      prune: true\n      selfHeal: true\n")
            && !unlocked.contains("annotations"),
        "{unlocked}"
    );
    assert_valid(path, "unlocked from version 1");
}

/// A precondition is a `that` or a `done`, never both; a repository's template with a
/// `done` that holds ends its run with its message.
#[test]
fn a_precondition_is_that_or_done() {
    let dir = scaffolded();
    let path = dir.path();
    let template = |preconditions: &str| {
        format!(
            "name: ping\noperation: day-2\nblueprint: Component\npreconditions:\n{preconditions}steps:\n  - write: {{ file: ping.txt, content: pong }}\n"
        )
    };
    write(
        path,
        "templates/ping/template.yaml",
        template("  - that: \"{{ true }}\"\n    done: \"{{ true }}\"\n    message: both\n")
            .as_bytes(),
    );
    let validate = portolan()
        .args(["validate", "--format", "json"])
        .current_dir(path)
        .output()
        .unwrap();
    assert_eq!(validate.status.code(), Some(1), "{}", text(&validate));
    assert!(
        text(&validate).contains("template-invalid"),
        "{}",
        text(&validate)
    );

    write(
        path,
        "templates/ping/template.yaml",
        template("  - done: \"{{ file_exists('ping.txt') }}\"\n    message: \"{{ entity.identifier }} was pinged\"\n").as_bytes(),
    );
    commit(path, "ping");
    applied(path, &["ping", "cart"]);
    let again = run(path, &["ping", "cart"]);
    did_nothing(path, &again, "`ping`: cart was pinged");
}
