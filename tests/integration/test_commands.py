#!/usr/bin/env python3
"""The command line for people: `--help` on every command (with its exit
codes), `newsenrich enrich`'s progress on stderr when, and only when,
stderr is a terminal (a pseudo-terminal here), log lines that clear that
progress line, and `enrich --summary`: the demo's account for a person.

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


# A news story as a crawler sends it: a watched person quoted by name, a
# copy of it under another id (an exact duplicate), and a broken record.
HARBOUR = ("OSLO \u2014 The harbour authority will close the old ferry terminal in March, its chair said "
           "on Tuesday.\n\n\u201cThe terminal has served the city for sixty years, but it can no longer be "
           "repaired,\u201d Ingrid Vass told reporters after the board meeting.\n\n"
           "The Transport Ministry said it would fund a new terminal in Bergen.")
HARBOUR_INPUT = "".join(json.dumps({"id": i, "title": "Oslo to close its old ferry terminal", "body": HARBOUR}) + "\n"
                        for i in ("harbour-1", "harbour-1-copy")) + "{not json\n"
WATCH_CONFIG = {"watchlist": {"people": [{"id": "ingrid-vass", "name": "Ingrid Vass"}]},
                "webhooks": {"subscriptions": [{"id": "desk", "url": "https://hooks.example/desk",
                                                "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                                "people": ["ingrid-vass"]}]}}


def run_with_tty_stderr(args, stdin_path, env=None):
    """Runs args with stdin from a file, stdout discarded and stderr on a
    pseudo-terminal; returns (exit code, what reached the terminal)."""
    master, slave = pty.openpty()
    with open(stdin_path, "rb") as fin:
        proc = subprocess.Popen(args, stdin=fin, stdout=subprocess.DEVNULL, stderr=slave, env=env)
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

    def test_a_log_line_clears_the_progress_line_first(self):
        # A broken record in the middle: its dead-letter log line is written
        # while the progress line is on the terminal.
        text = articles(150) + "{broken\n" + articles(150)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
            f.write(text)
        rc, tty = run_with_tty_stderr([str(BIN), "enrich"], f.name,
                                      env=dict(os.environ, NEWSENRICH_LOG_LEVEL="info"))
        os.unlink(f.name)
        self.assertEqual(rc, 0)
        at = tty.index('{"ts"')
        self.assertIn("dead-lettered: invalid_json", tty[at:].split("\n")[0])
        self.assertTrue(tty[:at].endswith("\r\x1b[K"), f"before the log line: {tty[max(0, at - 40):at]!r}")

    def _summary(self, *extra):
        with tempfile.TemporaryDirectory() as d:
            cfg = Path(d) / "config.json"
            cfg.write_text(json.dumps(WATCH_CONFIG))
            p = subprocess.run([BIN, "enrich", "-c", cfg, *extra], input=HARBOUR_INPUT, capture_output=True,
                               text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def test_enrich_summary_shows_entities_the_quote_with_its_speaker_and_the_alert(self):
        out = self._summary("--summary")
        self.assertIn("entities: Oslo (LOC), Ingrid Vass (PERSON, watched), Transport Ministry (ORG)", out)
        self.assertRegex(out, r'direct +Ingrid Vass +"The terminal has served the city for sixty years')
        self.assertRegex(out, r"\n  alerts\n +desk +for Ingrid Vass: [0-9a-f]{16} \(speaker\)\n")
        self.assertIn("harbour-1-copy   exact duplicate of harbour-1", out)
        self.assertRegex(out, r"\n  articles\.dlq\n +invalid_json +JSON parse error")
        self.assertTrue(out.endswith("3 record(s): 1 enriched, 1 exact duplicate(s), 1 dead-lettered; "
                                     "3 claim(s), 1 alert(s).\n"), out[-200:])
        self.assertNotIn('{"topic"', out, "the summary replaces the JSON lines")

    def test_enrich_summary_tells_of_the_same_events_as_the_json_lines(self):
        events = [json.loads(line) for line in self._summary().splitlines()]
        alert = [e["value"] for e in events if e["topic"] == "alerts"]
        self.assertEqual(len(alert), 1)
        self.assertIn(f"for Ingrid Vass: {alert[0]['claim_id']} (speaker)", self._summary("--summary"))

    def test_summary_is_an_option_of_enrich_only_and_documented(self):
        p = subprocess.run([BIN, "enrich", "--help"], capture_output=True, text=True, timeout=30)
        self.assertIn("--summary", p.stdout)
        p = subprocess.run([BIN, "demo", "--summary"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2, "an option of another command is bad usage")


if __name__ == "__main__":
    unittest.main(verbosity=2)
