#!/usr/bin/env bash
# Offline throughput of the enrichment chain on the PolNeAR articles, plus
# the same through the `newsenrich enrich` command (with JSON output).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
DATA=${NEWSENRICH_DATA_DIR:-../shared/data}
CACHE=${NEWSENRICH_CACHE:-.cache}
mkdir -p "$CACHE"
if [[ ! -f "$DATA/polnear/train.jsonl" ]]; then
    echo "bench: skipped: $DATA/polnear not found (the shared data is not beside this checkout)"
    exit 0
fi
corpus="$CACHE/polnear-corpus.jsonl"
/usr/bin/python3 - "$DATA/polnear" "$corpus" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
with open(dst, "w") as out:
    for split in ("train", "dev"):
        for line in open(f"{src}/{split}.jsonl", encoding="utf-8"):
            d = json.loads(line)
            out.write(json.dumps({"id": d["doc_id"], "title": d.get("title"),
                                  "source": d.get("publisher"), "body": d["text"]}) + "\n")
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "corpus: $corpus ($(wc -l <"$corpus") articles, $(du -h "$corpus" | cut -f1))"
"$BUILD/bench_chain" "$corpus" "${BENCH_SECONDS:-5}"
start=$(date +%s.%N)
"$BUILD/newsenrich" enrich <"$corpus" >/dev/null 2>&1
end=$(date +%s.%N)
/usr/bin/python3 -c "
n=$(wc -l <"$corpus"); mb=$(stat -c %s "$corpus")/1e6; t=$end-$start
print(f'newsenrich enrich (stdin -> JSON stdout): {n/t:.0f} articles/s, {mb/t:.1f} MB/s ({t:.2f} s)')"
