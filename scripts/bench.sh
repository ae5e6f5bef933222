#!/usr/bin/env bash
# make bench, offline part: the whole chain (decode, every stage, rendering
# of the events) on one core, one pass, on
#   - the PolNeAR articles (train + dev) repeated and varied to 50,000
#     records (scripts/bench_corpus.py: own id, dateline and light word
#     substitutions per copy, so no copy is an exact duplicate), and
#   - 20,000 synthetic articles (same script), for scale;
# then `newsenrich enrich` (stdin -> JSON stdout) on the 924 originals, and
# the restart's rebuild of the dedup state from their changelog records
# (bench_offline --rebuild).
# Each run stops at BENCH_SECONDS (default 120) of wall time if the corpus
# is not done by then; the figures say how many articles were processed.
# `make bench` runs `make bench-e2e` (scripts/bench_e2e.py) afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DATA=${NEWSENRICH_DATA_DIR:-../shared/data}
CACHE=${NEWSENRICH_CACHE:-.cache}
SECONDS_MAX=${BENCH_SECONDS:-120}
if [[ ! -f "$DATA/polnear/train.jsonl" ]]; then
    echo "bench: skipped: $DATA/polnear not found (the shared data is not beside this checkout)"
    exit 0
fi
mkdir -p "$CACHE/bench"
/usr/bin/python3 scripts/bench_corpus.py "$DATA/polnear" "$CACHE/bench" \
    --articles "${BENCH_ARTICLES:-50000}" --synthetic "${BENCH_SYNTHETIC:-20000}"
originals="$CACHE/bench/polnear-originals.jsonl"
head -n 924 "$CACHE/bench/polnear-varied.jsonl" >"$originals"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
out="$CACHE/bench/offline.txt"
: >"$out"
for c in polnear-varied synthetic; do
    "$BUILD/tools/bench_offline" --max-seconds "$SECONDS_MAX" --label "$c" "$CACHE/bench/$c.jsonl" | tee -a "$out"
done
start=$(date +%s.%N)
"$BUILD/newsenrich" enrich <"$originals" >/dev/null 2>&1
end=$(date +%s.%N)

/usr/bin/python3 - "$out" "$originals" "$start" "$end" <<'PY'
import json, os, sys
rows = [json.loads(l[6:]) for l in open(sys.argv[1]) if l.startswith("BENCH ")]
n = sum(1 for _ in open(sys.argv[2])); mb = os.path.getsize(sys.argv[2]) / 1e6
t = float(sys.argv[4]) - float(sys.argv[3])
print()
print("| corpus | stage | articles/s (CPU) | MB/s (CPU) | share of chain |")
print("|---|---|---|---|---|")
for r in rows:
    mb_r = r["bytes"] / 1e6
    print(f"| {r['label']} ({r['articles']} articles, {mb_r:.0f} MB) | **whole chain** | "
          f"**{r['articles'] / r['cpu_s']:.0f}** ({r['articles'] / r['wall_s']:.0f} wall) | "
          f"{mb_r / r['cpu_s']:.1f} | {r['tokens'] / r['cpu_s'] / 1e3:.0f} k tokens/s |")
    tot = sum(r["stages"].values())
    for name, s in r["stages"].items():
        print(f"| | {name} | {r['articles'] / s:.0f} | {mb_r / s:.1f} | {100 * s / tot:.1f} % |")
print(f"| originals ({n}) | `newsenrich enrich` stdin -> JSON stdout (wall) | {n / t:.0f} | {mb / t:.1f} | |")
PY

echo
echo "restart: the dedup state rebuilt from the changelog records of the $(wc -l <"$originals") originals"
"$BUILD/tools/bench_offline" --rebuild --label rebuild "$originals" | grep -E '^(rebuild|  state)'
