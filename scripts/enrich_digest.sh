#!/usr/bin/env bash
# enrich_digest.sh BIN FILE... — what `BIN enrich` prints for each file,
# with its timing fields (stats.elapsed_us, first_seen.at, created_at)
# blanked, as one SHA-256 and a line count per file: equal digests mean
# byte-identical events. For refactorings that must not change behaviour.
set -euo pipefail
bin=$1; shift
for f in "$@"; do
    "$bin" enrich <"$f" 2>/dev/null |
        sed -E 's/"elapsed_us":[0-9]+/"elapsed_us":0/g; s/"(at|created_at)":"[0-9]{4}-[0-9:TZ.-]+"/"\1":"T"/g' |
        tee >(wc -l >/tmp/enrich_digest.$$) | sha256sum | cut -c1-16 | tr -d '\n'
    sleep 0.2
    echo "  $(cat /tmp/enrich_digest.$$) lines  $f"
    rm -f /tmp/enrich_digest.$$
done
