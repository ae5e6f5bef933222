#!/usr/bin/env bash
# Runs every test suite and closes with the total "N passed, N failed".
# BUILD names the build directory (build, or build-asan for SANITIZE=1).
# NEWSENRICH_SUITES="unit cli ..." runs only the suites named.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD

total_pass=0 total_fail=0 total_skip=0 suites_failed=0

# run_suite NAME CMD... : runs a suite, adds the counts from its closing line.
run_suite() {
    local name=$1; shift
    if [[ -n "${NEWSENRICH_SUITES:-}" && " $NEWSENRICH_SUITES " != *" $name "* ]]; then
        return
    fi
    echo "=== $name"
    local out rc line
    out=$(mktemp)
    "$@" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
    if [[ -z "$line" ]]; then
        echo "$name: no result line (exit $rc)"
        total_fail=$((total_fail + 1))
    else
        local p f s
        p=$(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$line")
        f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
        s=$(grep -oE '[0-9]+ skipped' <<<"$line" | grep -oE '[0-9]+' || echo 0)
        total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
        [[ $rc -ne 0 && $f -eq 0 ]] && total_fail=$((total_fail + 1)) && echo "$name: exit $rc"
    fi
    [[ $rc -ne 0 ]] && suites_failed=$((suites_failed + 1))
    rm -f "$out"
}

run_suite unit "$BUILD/unit_tests"
run_suite fuzz-regress tests/fuzz/regress.sh
run_suite schemas /usr/bin/python3 tests/integration/run_unittest.py schemas tests/integration/test_schemas.py
run_suite cli /usr/bin/python3 tests/integration/test_cli.py
run_suite commands /usr/bin/python3 tests/integration/run_unittest.py commands tests/integration/test_commands.py
run_suite dockerfile /usr/bin/python3 tests/integration/run_unittest.py dockerfile tests/integration/test_dockerfile.py
run_suite broker /usr/bin/python3 tests/integration/test_broker.py
run_suite faults /usr/bin/python3 tests/integration/test_faults.py
run_suite notifier /usr/bin/python3 tests/integration/test_notifier.py
run_suite dedup /usr/bin/python3 tests/integration/test_dedup_broker.py
run_suite observability /usr/bin/python3 tests/integration/test_observability.py
run_suite subscriptions /usr/bin/python3 tests/integration/test_subscriptions.py

echo
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[[ $total_fail -eq 0 && $suites_failed -eq 0 ]]
