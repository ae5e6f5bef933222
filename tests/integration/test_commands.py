#!/usr/bin/env python3
"""The command line for people: `--help` on every command (with its exit
codes), and `newsenrich enrich`'s progress on stderr when, and only when,
stderr is a terminal (a pseudo-terminal here).

Run: run_unittest.py commands tests/integration/test_commands.py"""

import json
import os
import pty
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / os.environ.get("BUILD", "build") / "newsenrich"
COMMANDS = ("run", "notify", "enrich", "demo", "check-config")

ARTICLE = ("WASHINGTON \u2014 Senator Jane Roe said on Monday that the budget would pass. "
           "\u201cWe have the votes,\u201d Roe told reporters.")


def articles(n):
    return "".join(json.dumps({"id": f"a{i}", "title": f"Story {i}", "body": f"({i}) {ARTICLE}"}) + "\n"
                   for i in range(n))


def run_with_tty_stderr(args, stdin_path):
    """Runs args with stdin from a file, stdout discarded and stderr on a
    pseudo-terminal; returns (exit code, what reached the terminal)."""
    master, slave = pty.openpty()
    with open(stdin_path, "rb") as fin:
        proc = subprocess.Popen(args, stdin=fin, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:       # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return proc.wait(120), out.decode(errors="replace")


class CommandsTest(unittest.TestCase):

    def test_every_command_has_its_own_help_with_exit_codes(self):
        texts = {}
        for cmd in COMMANDS:
            p = subprocess.run([BIN, cmd, "--help"], capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 0, f"{cmd} --help exit")
            self.assertTrue(p.stdout.startswith(f"usage: newsenrich {cmd}"), f"{cmd}: {p.stdout[:80]!r}")
            self.assertIn("Exit codes:", p.stdout, cmd)
            self.assertIn("-c, --config CONFIG", p.stdout, cmd)
            texts[cmd] = p.stdout
        self.assertEqual(len(set(texts.values())), len(COMMANDS), "each command its own text")
        p = subprocess.run([BIN, "enrich", "-h"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.stdout, texts["enrich"], "-h is --help")
        p = subprocess.run([BIN, "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertIn("COMMAND --help", p.stdout)
        p = subprocess.run([BIN, "frobnicate", "--help"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2, "an unknown command is bad usage, --help or not")

    def test_enrich_shows_progress_with_eta_when_stderr_is_a_terminal(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write(articles(300))
        size = Path(f.name).stat().st_size
        rc, tty = run_with_tty_stderr([str(BIN), "enrich"], f.name)
        os.unlink(f.name)
        self.assertEqual(rc, 0)
        final = [line for line in tty.replace("\r\n", "\n").split("\r") if "records," in line][-1]
        self.assertIn("300 records,", final)
        kb = f"{size / 1000:.1f} kB"
        self.assertIn(f"{kb} of {kb} read (100%)", final)
        self.assertIn("\x1b[K", tty, "the line is redrawn in place")

    def test_enrich_shows_no_progress_when_stderr_is_piped(self):
        p = subprocess.run([BIN, "enrich"], input=articles(300), capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0)
        events = [json.loads(line) for line in p.stdout.splitlines()]
        self.assertEqual(sum(e["topic"] == "articles.enriched" for e in events), 300)
        self.assertNotIn("\r", p.stderr)
        self.assertNotIn("\x1b", p.stderr)
        self.assertNotIn("records,", p.stderr)
        for line in p.stderr.splitlines():
            json.loads(line)    # only the JSON log


if __name__ == "__main__":
    unittest.main(verbosity=2)
