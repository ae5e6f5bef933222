#!/usr/bin/env bash
# Replays the seed corpus and the regression inputs through every fuzz
# target with the plain-main() drivers (no libFuzzer, no clang needed):
#   $BUILD/fuzz/<target>-regress  tests/fuzz/corpus/<target>  tests/fuzz/regressions/<target>
# Built by `make tools` (so by `make test`) into $BUILD, which is build-asan
# under SANITIZE=1: the replay then runs under ASan + UBSan.
# Closes with "fuzz-regress: N passed, N failed" (N = inputs replayed).
# Run from anywhere; it works from the repository root (fuzz_chain loads
# models/ner.model by that relative path).
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
TARGETS=${FUZZ_TARGETS:-fuzz_decode fuzz_config fuzz_chain fuzz_record fuzz_html}

pass=0 fail=0
for t in $TARGETS; do
    bin=$BUILD/fuzz/$t-regress
    if [[ ! -x $bin ]]; then
        echo "$t: $bin not built (make tools BUILD=$BUILD)"
        fail=$((fail + 1))
        continue
    fi
    out=$("$bin" -q "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t" 2>&1)
    echo "$out"
    line=$(grep -E "^$t: [0-9]+ passed, [0-9]+ failed$" <<<"$out" | tail -1)
    if [[ -z $line ]]; then
        echo "$t: driver died without a result line"
        fail=$((fail + 1))
        continue
    fi
    p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
    pass=$((pass + p)); fail=$((fail + f))
done
echo "fuzz-regress: $pass passed, $fail failed"
[[ $fail -eq 0 ]]
