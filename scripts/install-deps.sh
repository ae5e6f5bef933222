#!/usr/bin/env bash
# Installs the Debian packages newsenrich needs, only those missing.
#
#   scripts/install-deps.sh           build + demo (make run)
#   scripts/install-deps.sh --test    also what the tests need (make test):
#                                     Java and Maven for the real Kafka broker,
#                                     python3-jsonschema for schema checks,
#                                     prometheus for promtool (alert rule tests)
#   scripts/install-deps.sh --fuzz    also clang and libFuzzer (make fuzz)
#
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

pkgs=(build-essential pkg-config librdkafka-dev libyajl-dev libcurl4-openssl-dev libssl-dev libmicrohttpd-dev
      libxml2-dev zlib1g-dev)
if [[ "${1:-}" == "--test" ]]; then
    pkgs+=(python3 python3-jsonschema default-jre-headless maven)
    # promtool for tests/integration/test_observability.py. On a host with
    # systemd the package also starts a Prometheus on :9090 (systemctl disable
    # --now prometheus if unwanted); bookworm has no promtool-only package.
    pkgs+=(prometheus)
fi
if [[ "${1:-}" == "--fuzz" ]]; then
    pkgs+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${pkgs[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
# Java and Maven may come from elsewhere (a JDK in /opt, say): accept them on PATH.
if [[ " ${missing[*]-} " == *" default-jre-headless "* ]] && command -v java >/dev/null; then
    missing=("${missing[@]/default-jre-headless}")
fi
if [[ " ${missing[*]-} " == *" maven "* ]] && command -v mvn >/dev/null; then
    missing=("${missing[@]/maven}")
fi
read -r -a missing <<<"${missing[*]-}"
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
    echo "newsenrich needs these Debian packages: ${missing[*]}" >&2
    echo "install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale or absent on a fresh machine: refresh once on failure.
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/newsenrich-apt.log 2>&1; then
    apt-get update >>/tmp/newsenrich-apt.log 2>&1 || true
    apt-get install -y --no-install-recommends "${missing[@]}" >>/tmp/newsenrich-apt.log 2>&1 || {
        tail -20 /tmp/newsenrich-apt.log >&2
        echo "apt-get install failed (full log: /tmp/newsenrich-apt.log)" >&2
        exit 1
    }
fi
