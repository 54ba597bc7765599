#!/usr/bin/env bash
# The scaffolding benchmark of DESIGN.md §8: `portolan new service` (plan, render,
# validate the catalog and manifests with the change overlaid, write atomically) in
# a Git repository holding examples/orders, and in one holding a synthetic catalog of
# ENTITIES entities. Each timed run starts from a clean checkout (hyperfine --prepare).
#
#   bench/new.sh [ENTITIES]            default 10000
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
RUNS=${RUNS:-20}
OUT=${OUT:-bench/out/new}

command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
cargo build --release --quiet --bin portolan --example gen-catalog
portolan=$PWD/target/release/portolan
rm -rf "$OUT"
mkdir -p "$OUT"

commit() {
    git -C "$1" init -q
    git -C "$1" add -A
    git -C "$1" -c user.name=bench -c user.email=bench@example.com commit -qm base
}

cp -r examples/orders "$OUT/orders"
commit "$OUT/orders"

target/release/examples/gen-catalog "$OUT/synthetic" "$N" --invalid 0 >/dev/null
printf 'github: { repo: acme/platform }\n' >> "$OUT/synthetic/portolan.yaml"
commit "$OUT/synthetic"
# The first System of the synthetic catalog, for the service to belong to.
system=$(grep -rh '^identifier: ' "$OUT/synthetic/catalog/System" | sed -n '1s/^identifier: *//p')

run() { # DIR SYSTEM LANGUAGE
    echo "$1 ($3)"
    hyperfine -N --warmup 3 --runs "$RUNS" \
        --prepare "git -C $1 clean -fdq" \
        "$portolan new service --root $1 --no-input --set name=checkout --set system=$2 --set language=$3"
}
run "$OUT/orders" Cart python
run "$OUT/orders" Cart rust
run "$OUT/synthetic" "$system" python
