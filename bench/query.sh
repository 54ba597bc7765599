#!/usr/bin/env bash
# The query benchmark of issue 8 (DESIGN.md §8): `portolan list --where` and
# `portolan impact` on a synthetic catalog of ENTITIES entities, next to
# `portolan validate` on the same catalog (the load both share), so a figure measured
# on a busy machine can still be read against the load alone.
#
#   bench/query.sh [ENTITIES]            default 100000
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-100000}
RUNS=${RUNS:-10}
OUT=${OUT:-bench/out/query}

command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install -y hyperfine)" >&2; exit 2; }
cargo build --release --quiet --bin portolan --example gen-catalog
portolan=$PWD/target/release/portolan
if [ ! -f "$OUT/portolan.yaml" ] || [ "$(cat "$OUT/.entities" 2>/dev/null)" != "$N" ]; then
    rm -rf "$OUT"
    target/release/examples/gen-catalog "$OUT" "$N" --invalid 0 >/dev/null
    echo "$N" > "$OUT/.entities"
fi
# The most depended-upon kind of entity: a Domain (systems, their components, their APIs).
domain=$("$portolan" list Domain --root "$OUT" --format ids | head -n 1)

hyperfine -N --warmup 2 --runs "$RUNS" \
    "$portolan validate $OUT" \
    "$portolan list --root $OUT --where '.properties.lifecycle == \"production\"' --format ids" \
    "$portolan list Component --root $OUT --where '.team | index(\"payments\")' --format json" \
    "$portolan impact --root $OUT $domain" \
    "$portolan impact --root $OUT $domain --format json"
