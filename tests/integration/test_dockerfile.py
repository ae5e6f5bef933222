#!/usr/bin/env python3
"""The container image builds and runs, checked without Docker.

`docker compose up --build` once failed at the compile step because the
Dockerfile's build stage lacked a -dev package the Makefile links, and
nothing here runs Docker. These tests read the Dockerfile instead:

- its build stage installs every build package of scripts/install-deps.sh
  (the packages a developer machine compiles with);
- its runtime stage provides, through the packages it installs (with their
  dependencies) or the base image's required packages, the library of
  every NEEDED entry of the binary the build made (objdump -p), each
  soname mapped to its Debian package with dpkg -S;
- every package it names exists in Debian (apt-cache), so a typo fails here
  and not in `docker build`.

The checks are generic: a package added to install-deps.sh (a language
detection library, say) must appear in the build stage, and a library the
binary starts linking must be provided by the runtime stage, whatever they
are. They hold when the host is the Dockerfile's Debian release (bookworm),
whose package names the image uses; elsewhere they skip.

Run: run_unittest.py dockerfile tests/integration/test_dockerfile.py
(BUILD names the build directory; default build)."""

import os
import re
import shlex
import shutil
import subprocess
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / os.environ.get("BUILD", "build") / "newsenrich"
DOCKERFILE = ROOT / "Dockerfile"
INSTALL_DEPS = ROOT / "scripts" / "install-deps.sh"


# ---- reading the Dockerfile -------------------------------------------------

def logical_lines(text):
    """Dockerfile instructions: comments dropped, backslash continuations joined."""
    out, cur = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not cur and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):          # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        out.append(cur + line)
        cur = ""
    if cur:
        out.append(cur)
    return out


def apt_packages(command):
    """Packages named by every `apt-get install` in a shell command line."""
    pkgs = []
    for part in re.split(r"&&|;|\|\|", command):
        words = shlex.split(part)
        for i in range(len(words) - 1):
            if words[i] in ("apt-get", "apt") and "install" in words[i + 1:]:
                rest = words[words.index("install", i) + 1:]
                pkgs += [w.split("=")[0] for w in rest if not w.startswith("-")]
                break
    return pkgs


def stages(text):
    """[(base image, name or None, [packages installed by apt-get])] in order."""
    out = []
    for line in logical_lines(text):
        op, _, arg = line.partition(" ")
        if op.upper() == "FROM":
            words = arg.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            out.append((words[0], name, []))
        elif op.upper() == "RUN" and out:
            out[-1][2].extend(apt_packages(arg))
    return out


# ---- reading install-deps.sh --------------------------------------------------

def build_packages(script):
    """The packages install-deps.sh installs without options: every
    `pkgs=(...)` / `pkgs+=(...)` outside an `if` block (if/fi counted as
    words, one-line ifs included; comments and quoted strings skipped)."""
    pkgs, depth = [], 0
    text = re.sub(r"#[^\n]*", "", script)
    text = re.sub(r'"[^"\n]*"', '""', text)
    for m in re.finditer(r"\b(if|fi)\b|^[ \t]*pkgs\+?=\(([^)]*)\)", text, re.M):
        if m.group(1) == "if":
            depth += 1
        elif m.group(1) == "fi":
            depth -= 1
        elif depth == 0:
            pkgs += m.group(2).split()
    return pkgs


# ---- Debian: which package holds a library, what a package brings ------------

def run(*args):
    return subprocess.run(args, capture_output=True, text=True)


def needed(binary):
    out = run("objdump", "-p", str(binary)).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, re.M)


def multiarch():
    """The host's multiarch directory name (x86_64-linux-gnu), or ""."""
    for cmd in (("dpkg-architecture", "-qDEB_HOST_MULTIARCH"), ("gcc", "-print-multiarch")):
        try:
            out = run(*cmd).stdout.strip()
        except OSError:
            continue
        if out:
            return out
    return ""


def package_of(soname):
    """The Debian package holding the library file named soname (in a lib
    directory), or None. Several may (libc6 and libc6-i386 both hold a
    libm.so.6): the one in the host's own multiarch directory wins, the
    one the binary loads."""
    r = run("dpkg", "-S", "*/" + soname)
    found = []
    for line in r.stdout.splitlines():
        pkg, _, path = line.partition(": ")
        if re.search(r"/lib(/|64/|32/)?([^/]+/)?" + re.escape(soname) + "$", path.strip()):
            found.append((pkg.split(":")[0].split(",")[0].strip(), path.strip()))
    arch = multiarch()
    for pkg, path in found:
        if arch and f"/{arch}/" in path:
            return pkg
    return found[0][0] if found else None


# The sanitizer runtimes of a `make SANITIZE=1` build (the suite runs on
# that build too): the image is never built so, and they are no library
# the runtime stage must carry.
SANITIZER_RUNTIMES = re.compile(r"^lib(asan|ubsan|lsan|tsan)\.so")


_SHOW = {}


def show(pkg):
    """apt-cache's record of pkg ("" when apt does not know it), cached:
    the closure below asks for a few hundred."""
    if pkg not in _SHOW:
        r = run("apt-cache", "show", "--no-all-versions", pkg)
        _SHOW[pkg] = r.stdout if r.returncode == 0 else ""
    return _SHOW[pkg]


def closure(pkgs):
    """pkgs and everything apt installs with them (Depends, Pre-Depends,
    recursively; virtual packages appear with their providers)."""
    if not pkgs:
        return set()
    r = run("apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
            "--no-breaks", "--no-replaces", "--no-enhances", *pkgs)
    return {line.strip().strip("<>").split(":")[0] for line in r.stdout.splitlines()
            if line and not line.startswith(" ")} | set(pkgs)


def in_base_image(pkg):
    """debian:*-slim carries every package of Priority required (libc6,
    libgcc-s1...), installed or not here."""
    return bool(re.search(r"^(Priority: required|Essential: yes)$", show(pkg), re.M))


def known_to_apt(pkg):
    return "Package:" in show(pkg)


def missing_build_packages(dockerfile_text, script_text):
    """install-deps.sh's build packages the Dockerfile's first stage lacks."""
    build = set(stages(dockerfile_text)[0][2])
    return [p for p in build_packages(script_text) if p not in build]


def missing_runtime_libraries(dockerfile_text, binary):
    """[(soname, package)] of the binary's NEEDED libraries that the
    Dockerfile's final stage does not provide."""
    runtime = stages(dockerfile_text)[-1][2]
    provided = closure(runtime)
    missing = []
    for so in needed(binary):
        if SANITIZER_RUNTIMES.match(so):
            continue
        pkg = package_of(so)
        if pkg is None:
            missing.append((so, "no Debian package holds it"))
        elif pkg not in provided and not in_base_image(pkg):
            missing.append((so, pkg))
    return missing


def host_is_bookworm():
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return False
    return "VERSION_CODENAME=bookworm" in text


# ---- tests ------------------------------------------------------------------------

class DockerfileTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.text = DOCKERFILE.read_text()
        cls.stages = stages(cls.text)

    def require_debian_tools(self):
        for tool in ("dpkg", "apt-cache", "objdump"):
            if not shutil.which(tool):
                self.skipTest(f"{tool} not found (a Debian host with binutils is needed)")
        if not host_is_bookworm():
            self.skipTest("the host is not Debian bookworm, the image's release: package names may differ")
        if not known_to_apt("libc6"):
            self.skipTest("apt has no package lists (run apt-get update)")

    def test_the_image_has_a_build_stage_and_a_bookworm_runtime_stage(self):
        self.assertGreaterEqual(len(self.stages), 2, "a build stage and a runtime stage")
        for image, _, _ in self.stages:
            self.assertIn("bookworm", image, f"{image}: the packages checked here are bookworm's")
        self.assertIn("build/newsenrich", self.text, "the runtime stage carries the binary")

    def test_build_stage_installs_every_build_package_of_install_deps(self):
        self.assertIn("libmicrohttpd-dev", build_packages(INSTALL_DEPS.read_text()),
                      "install-deps.sh read as expected")
        missing = missing_build_packages(self.text, INSTALL_DEPS.read_text())
        self.assertEqual(missing, [], f"install-deps.sh's build packages missing from the Dockerfile's "
                                      f"build stage: {missing}")

    def test_runtime_stage_provides_every_library_the_binary_needs(self):
        self.require_debian_tools()
        if not BIN.exists():
            self.skipTest(f"{BIN} not built")
        sonames = needed(BIN)
        self.assertIn("libmicrohttpd.so.12", sonames, "objdump -p read as expected")
        missing = missing_runtime_libraries(self.text, BIN)
        self.assertEqual(missing, [], f"libraries of {BIN.name} the runtime stage does not install: {missing}")

    def test_a_runtime_stage_without_microhttpd_is_caught(self):
        # The check fails when it should: the bug this file was written for.
        self.require_debian_tools()
        if not BIN.exists():
            self.skipTest(f"{BIN} not built")
        broken = re.sub(r"\blibmicrohttpd12\b", "", self.text)
        self.assertNotEqual(broken, self.text)
        missing = missing_runtime_libraries(broken, BIN)
        self.assertIn(("libmicrohttpd.so.12", "libmicrohttpd12"), missing)

    def test_a_build_stage_without_a_dev_package_is_caught(self):
        script = INSTALL_DEPS.read_text()
        broken = re.sub(r"\blibmicrohttpd-dev\b", "", self.text)
        self.assertEqual(missing_build_packages(broken, script), ["libmicrohttpd-dev"])
        # and a package another change adds to install-deps.sh alone
        grown = script.replace("zlib1g-dev", "zlib1g-dev libexttextcat-dev", 1)
        self.assertEqual(missing_build_packages(self.text, grown), ["libexttextcat-dev"])

    def test_every_package_the_dockerfile_names_exists_in_debian(self):
        self.require_debian_tools()
        unknown = [p for _, _, pkgs in self.stages for p in pkgs if not known_to_apt(p)]
        self.assertEqual(unknown, [], f"not in Debian: {unknown}")

    def test_install_deps_options_are_not_build_packages(self):
        # Packages only for --test or --fuzz (Java, clang) stay out of the image.
        script = INSTALL_DEPS.read_text()
        pkgs = build_packages(script)
        self.assertNotIn("maven", pkgs)
        self.assertNotIn("clang", pkgs)


if __name__ == "__main__":
    unittest.main(verbosity=2)
