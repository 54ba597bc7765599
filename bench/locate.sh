#!/usr/bin/env bash
# The locating benchmark of issue 15 (item 14): `portolan validate` on N dangling
# relation items in ONE document (one Component whose `resources` list names N
# Resources that do not exist) against the same N findings spread over N files (one
# dangling item each). All report N `relation-dangling` errors, each with a line and
# a column; locating them must cost the same per finding wherever they are, so the
# one-document time must stay within 3x of the spread time.
#
# The one document is written twice: as a block list (`- item` a line, the usual
# shape) and as a flow list (`[item,` a line). The span-aware grammar loses block
# structure past line 32,767, so a block list longer than that is located at the
# document's start (flagged "not located" below); the flow list is located at any N.
#
#   bench/locate.sh [N...]            default: 8000 16000 40000
#
# Environment:
#   RUNS=5        timed runs per measurement (after 1 warm-up run)
#   CORES=2       pin every run to this many cores (taskset)
#   OUT=bench/out/locate   where the catalogs are written (git-ignored)
#   PORTOLAN=path  time this binary instead of building one (e.g. an older release)
#
# Times are wall-clock medians of whole processes, JSON output to /dev/null, with a
# warm page cache; hyperfine when installed, else a shell loop.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
CORES=${CORES:-2}
OUT=${OUT:-bench/out/locate}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(8000 16000 40000)
TARGET=${CARGO_TARGET_DIR:-target}

PIN=()
if command -v taskset >/dev/null && [ "$(nproc --all)" -gt "$CORES" ]; then
    PIN=(taskset -c "0-$((CORES - 1))")
fi

if [ -z "${PORTOLAN:-}" ]; then
    echo "bench: building (release)" >&2
    cargo build --release --quiet --bin portolan
    PORTOLAN=$TARGET/release/portolan
fi

# median_ms CMD...: the median wall time of RUNS runs, in milliseconds (exit codes ignored).
median_ms() {
    if command -v hyperfine >/dev/null; then
        local csv
        csv=$(mktemp)
        hyperfine --style none --ignore-failure --warmup 1 --runs "$RUNS" \
            --export-csv "$csv" -- "$(printf '%q ' "$@")" >/dev/null 2>&1 || true
        awk -F, 'NR == 2 { printf "%.0f", $4 * 1000 }' "$csv" | grep . || echo "n/a"
        rm -f "$csv"
    else
        local i start end times=()
        "$@" >/dev/null 2>&1 || true
        for ((i = 0; i < RUNS; i++)); do
            start=$(date +%s%N)
            "$@" >/dev/null 2>&1 || true
            end=$(date +%s%N)
            times+=($(((end - start) / 1000000)))
        done
        printf '%s\n' "${times[@]}" | sort -n |
            awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.0f", m }'
    fi
}

# block DIR N: one Component whose `resources` list holds N identifiers no entity has.
block() {
    mkdir -p "$1/catalog/Component"
    {
        printf 'identifier: big\ntitle: Big\nrelations:\n  resources:\n'
        seq -f '    - missing-%06g' 1 "$2"
    } > "$1/catalog/Component/big.yaml"
}

# flow DIR N: the same Component with its list in flow style, one item a line.
flow() {
    mkdir -p "$1/catalog/Component"
    {
        printf 'identifier: big\ntitle: Big\nrelations:\n  resources: [\n'
        seq -f '    missing-%06g,' 1 "$2"
        printf '    ]\n'
    } > "$1/catalog/Component/big.yaml"
}

# spread DIR N: N Components, one file each, each with one dangling `resources` item.
spread() {
    mkdir -p "$1/catalog/Component"
    seq -f '%06g' 1 "$2" | awk -v dir="$1/catalog/Component" '{
        file = dir "/c-" $1 ".yaml"
        printf "identifier: c-%s\nrelations:\n  resources:\n    - missing-%s\n", $1, $1 > file
        close(file)
    }'
}

# errors DIR: the error count of the JSON report.
errors() {
    "$PORTOLAN" validate "$1" --format json | awk -F': ' '/"errors":/ { gsub(/,/, "", $2); print $2 }' || true
}

# located DIR: whether the first finding has a line past the document's first.
located() {
    "$PORTOLAN" validate "$1" --format json | awk -F': ' '/"line":/ { gsub(/,/, "", $2); print ($2 > 1) ? "yes" : "no"; exit }' || true
}

rows=()
for n in "${SIZES[@]}"; do
    for shape in block flow spread; do
        dir="$OUT/$shape-$n"
        rm -rf "$dir"
        "$shape" "$dir" "$n"
        found=$(errors "$dir")
        if [ "$found" != "$n" ]; then
            echo "bench: WARNING: $shape-$n: portolan reports $found errors, expected $n" >&2
        fi
    done
    echo "bench: timing $n findings over $n files" >&2
    t_spread=$(median_ms "${PIN[@]}" "$PORTOLAN" validate "$OUT/spread-$n" --format json)
    cells=()
    for shape in block flow; do
        echo "bench: timing $n findings in one document ($shape)" >&2
        t=$(median_ms "${PIN[@]}" "$PORTOLAN" validate "$OUT/$shape-$n" --format json)
        ratio=$(awk -v a="$t" -v b="$t_spread" 'BEGIN { printf "%.2f", a / b }')
        note=""
        [ "$(located "$OUT/$shape-$n")" = yes ] || note=" (not located)"
        cells+=("$t ms (${ratio}×)$note")
    done
    rows+=("| $n | ${cells[0]} | ${cells[1]} | $t_spread ms |")
done

if [ -r /proc/pressure/cpu ]; then
    pressure=$(awk '/^some/ { split($3, a, "="); print a[2]; exit }' /proc/pressure/cpu)
    if awk -v p="$pressure" 'BEGIN { exit !(p > 5) }'; then
        echo "bench: WARNING: CPU pressure ${pressure}% over the last minute: other processes were running; rerun on an idle machine" >&2
    fi
fi

echo
echo "\`bench/locate.sh\` — $(git describe --always --dirty 2>/dev/null || echo '?'), ${CORES} cores, release build, median of ${RUNS} runs"
echo
echo "| findings | one document, block list (÷ spread) | one document, flow list (÷ spread) | over as many files |"
echo "|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
