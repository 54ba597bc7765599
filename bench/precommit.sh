#!/usr/bin/env bash
# The pre-commit benchmark of DESIGN.md §8: `portolan validate --staged` on a Git
# repository holding a 10k-entity catalog, with one staged change — what the hook
# installed by `portolan hook install` runs before every commit.
#
#   bench/precommit.sh [ENTITIES]      default 10000
#
# The repository is committed, packed (`git gc`, as a repository that has lived a
# while is), then one entity file is edited and staged. Times are wall-clock medians
# of whole processes with a warm page cache (hyperfine when installed).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
RUNS=${RUNS:-20}
OUT=${OUT:-bench/out/precommit-$N}

cargo build --release --quiet --bin portolan --example gen-catalog
rm -rf "$OUT"
target/release/examples/gen-catalog "$OUT" "$N" --invalid 0 >/dev/null
cd "$OUT"
git init -q
git add -A
git -c user.name=bench -c user.email=bench@example.com commit -qm catalog
git gc -q
files=$(git ls-files 'catalog/Component/*.yaml')
file=${files%%$'\n'*}
printf '# touched by the benchmark\n' >> "$file"
git add "$file"
portolan=$(cd - >/dev/null && pwd)/target/release/portolan
"$portolan" validate --staged >/dev/null && echo "the staged catalog is valid"
if command -v hyperfine >/dev/null; then
    hyperfine -N -w 3 -r "$RUNS" "$portolan validate --staged --format json" \
        "$portolan validate --format json"
else
    for cmd in "validate --staged" "validate"; do
        start=$(date +%s%N)
        for _ in $(seq "$RUNS"); do "$portolan" $cmd --format json >/dev/null; done
        echo "$cmd: $(( ($(date +%s%N) - start) / RUNS / 1000000 )) ms (mean of $RUNS)"
    done
fi
