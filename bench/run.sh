#!/usr/bin/env bash
# The benchmark of DESIGN.md §8: `portolan validate` on synthetic catalogs of 1k, 10k
# and 100k entities, next to a single-threaded read-and-parse pass over the same files
# (the floor), with peak memory. Prints a Markdown table for the README.
#
#   bench/run.sh [SIZE...]            default sizes: 1000 10000 100000
#
# Environment:
#   INVALID=0.1   share of entities with one injected error each
#   SEED=1        generator seed
#   RUNS=10       timed runs per measurement (after 2 warm-up runs)
#   CORES=2       pin every run to this many cores (taskset), as the quality bar says
#   OUT=bench/out where the catalogs are written (git-ignored); regenerated each time
#
# Times are wall-clock medians of whole processes (start-up, walk, read, parse,
# checks, JSON output to /dev/null) with a warm page cache. Needs GNU time
# (/usr/bin/time) for memory; uses hyperfine when installed, else a shell loop.
set -euo pipefail
cd "$(dirname "$0")/.."

INVALID=${INVALID:-0.1}
SEED=${SEED:-1}
RUNS=${RUNS:-10}
CORES=${CORES:-2}
OUT=${OUT:-bench/out}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)

if [ ! -x /usr/bin/time ] || ! /usr/bin/time -f %M true >/dev/null 2>&1; then
    echo "bench: GNU time is missing: sudo apt-get install -y time" >&2
    exit 2
fi
if ! command -v hyperfine >/dev/null; then
    echo "bench: hyperfine not found (sudo apt-get install -y hyperfine); timing with a shell loop" >&2
fi

PIN=()
if command -v taskset >/dev/null && [ "$(nproc --all)" -gt "$CORES" ]; then
    PIN=(taskset -c "0-$((CORES - 1))")
fi

echo "bench: building (release)" >&2
cargo build --release --quiet --examples --bin portolan
PORTOLAN=target/release/portolan
GEN=target/release/examples/gen-catalog
FLOOR=target/release/examples/parse-floor

# median_ms CMD...: the median wall time of RUNS runs, in milliseconds (exit codes ignored).
median_ms() {
    if command -v hyperfine >/dev/null; then
        local csv
        csv=$(mktemp)
        hyperfine --style none --ignore-failure --warmup 2 --runs "$RUNS" \
            --export-csv "$csv" -- "$(printf '%q ' "$@")" >/dev/null 2>&1 || true
        # command,mean,stddev,median,user,system,min,max (seconds)
        awk -F, 'NR == 2 { printf "%.1f", $4 * 1000 }' "$csv" | grep . || echo "n/a"
        rm -f "$csv"
    else
        local i start end times=()
        for i in 1 2; do "$@" >/dev/null 2>&1 || true; done
        for ((i = 0; i < RUNS; i++)); do
            start=$(date +%s%N)
            "$@" >/dev/null 2>&1 || true
            end=$(date +%s%N)
            times+=($(((end - start) / 1000)))
        done
        printf '%s\n' "${times[@]}" | sort -n |
            awk '{ t[NR] = $1 } END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }'
    fi
}

# peak_mb CMD...: the largest maximum resident set size of 3 runs, in MB.
peak_mb() {
    local i kb max=0 report
    report=$(mktemp)
    for i in 1 2 3; do
        /usr/bin/time -f %M -o "$report" "$@" >/dev/null 2>&1 || true
        kb=$(tail -n 1 "$report")
        [ "$kb" -gt "$max" ] && max=$kb
    done
    rm -f "$report"
    awk -v kb="$max" 'BEGIN { printf "%.0f", kb / 1024 }'
}

rows=()
for n in "${SIZES[@]}"; do
    dir="$OUT/$n"
    rm -rf "$dir"
    echo "bench: generating $n entities ($INVALID invalid, seed $SEED) in $dir" >&2
    "$GEN" "$dir" "$n" --invalid "$INVALID" --seed "$SEED" >&2

    files=$(find "$dir/catalog" -type f | wc -l)
    mb=$(find "$dir/catalog" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
    injected=$(grep -c '"rule":' "$dir/injected.json" || true)
    errors=$("$PORTOLAN" validate "$dir" --format json | awk -F': ' '/"errors":/ { gsub(/,/, "", $2); print $2 }' || true)
    if [ "$errors" != "$injected" ]; then
        echo "bench: WARNING: $n entities: portolan reports $errors errors, $injected were injected" >&2
    fi

    echo "bench: timing portolan validate ($n)" >&2
    validate=$(median_ms "${PIN[@]}" "$PORTOLAN" validate "$dir" --format json)
    echo "bench: timing the read+parse floor ($n)" >&2
    floor=$(median_ms "${PIN[@]}" "$FLOOR" "$dir")
    rss=$(peak_mb "${PIN[@]}" "$PORTOLAN" validate "$dir" --format json)
    ratio=$(awk -v v="$validate" -v f="$floor" 'BEGIN { printf "%.2f", f / v }')
    rows+=("| $n | $files ($mb MB) | $errors | $validate ms | $floor ms | ${ratio}× | $rss MB |")
done

# Other processes competing for the CPU make the figures meaningless: say so.
if [ -r /proc/pressure/cpu ]; then
    pressure=$(awk '/^some/ { split($3, a, "="); print a[2]; exit }' /proc/pressure/cpu)
    if awk -v p="$pressure" 'BEGIN { exit !(p > 5) }'; then
        echo "bench: WARNING: CPU pressure ${pressure}% over the last minute: other processes were running; rerun on an idle machine" >&2
    fi
fi

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo
echo "\`bench/run.sh\` — $(git describe --always --dirty 2>/dev/null || echo '?'), ${CORES} cores ($cpu), release build, ${INVALID} invalid, seed ${SEED}, median of ${RUNS} runs, warm cache"
echo
echo "| entities | files | errors found | \`portolan validate\` | read + parse floor (1 thread) | floor ÷ validate | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
