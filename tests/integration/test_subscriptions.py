#!/usr/bin/env python3
"""The live watchlist and subscriptions (topics.subscriptions) on a real
Kafka broker: `newsenrich watch|subscriptions add|remove|list` write and
read the compacted topic, and every running instance follows it.

Asserts: a person added while articles flow raises alerts on both of two
instances within 5 s, with no SIGHUP; a removed subscription (one the
file has) stops receiving webhooks while another goes on; bad records on
the topic are logged, counted and skipped, never fatal; a restarted
instance has the topic's state before its first article; the command line
refuses a clear secret and a person not on the watchlist."""

import collections
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import jsonschema

from harness import (BIN, ROOT, Topics, broker, check, consume, create_topic, main, produce, stop_service, test,
                     unique_name)

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
WORDS = ("harbour tariff grain pipeline winter budget reform treaty border election pension railway bank "
         "wheat steel energy river school vaccine army tax coal port wage rent drought loan fleet bridge "
         "court census ferry forest canal mine clinic dam airport satellite").split()
WORK = Path(tempfile.mkdtemp(prefix="newsenrich-subs-it-"))
ENV = dict(os.environ, NEWSENRICH_WEBHOOK_SECRET=SECRET)
PUTIN = {"id": "vladimir-putin", "name": "Vladimir Putin"}
MERKEL = {"id": "angela-merkel", "name": "Angela Merkel"}

class Receiver:
    """webhook_receiver.py on a free port (as in test_notifier.py)."""

    def __init__(self):
        script = Path(__file__).resolve().parent / "webhook_receiver.py"
        self.proc = subprocess.Popen([sys.executable, str(script), "--port", "0", "--quiet"],
                                     stdout=subprocess.PIPE, env=ENV)
        line = self.proc.stdout.readline().decode()
        check(line.startswith("LISTENING"), f"receiver did not start: {line!r}")
        self.base = f"http://127.0.0.1:{int(line.split()[2])}"

    def url(self, path):
        return self.base + path

    def received(self, prefix=""):
        with urllib.request.urlopen(self.base + "/_received", timeout=30) as r:
            return [x for x in json.loads(r.read()) if x["path"].startswith(prefix)]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def statement_articles(tag, n, start=0, partitions=3):
    """n raw articles, each with one new statement by Vladimir Putin."""
    rng = random.Random(f"{tag}-{start}")
    recs = []
    for i in range(start, start + n):
        aid = f"{tag}-{i:05d}"
        body = (f"MOSCOW ({aid}) \u2014 Vladimir Putin spoke to reporters on Tuesday.\n\n"
                f"\u201cThe {' '.join(rng.sample(WORDS, 8))} plan number {i} will change everything,\u201d "
                f"Putin said.\n\nOthers were not convinced.")
        recs.append({"key": aid, "partition": i % partitions, "value": json.dumps({
            "id": aid, "title": f"Statement {i}", "body": body, "source": "wire",
            "url": f"https://news.example/{tag}/{i}", "published_at": "2026-11-20T10:00:00Z"})})
    return recs


def ok_deliveries(records):
    return collections.Counter(r["webhook_id"] for r in records if r["valid"] and 200 <= r["status"] < 300)


_RECEIVER = None


def receiver():
    global _RECEIVER
    if _RECEIVER is None:
        _RECEIVER = Receiver()
    return _RECEIVER


class Setup:
    """Fresh topics, a subscriptions topic of the test's own, a config."""

    def __init__(self, name, raw_partitions=2, watchlist=(), subscriptions=(), metrics_port=None):
        broker()
        self.name = name
        self.topics = Topics(raw_partitions=raw_partitions)
        self.subs_topic = unique_name("subs") + ".subscriptions"
        self.cfg = WORK / f"{name}.json"
        self.topics.config(self.cfg, shutdown_timeout_ms=5000)
        cfg = json.loads(self.cfg.read_text())
        cfg["topics"]["subscriptions"] = self.subs_topic
        cfg["topics"]["deliveries"] = self.subs_topic.replace(".subscriptions", ".deliveries")
        cfg["watchlist"] = {"people": list(watchlist)}
        cfg["webhooks"] = {"allow_private": True, "subscriptions": list(subscriptions)}
        if metrics_port:
            cfg["metrics"] = {"enabled": True, "listen": f"127.0.0.1:{metrics_port}"}
        self.cfg.write_text(json.dumps(cfg))
        self.procs = []

    def cli(self, *args, input=None, check_rc=0):
        p = subprocess.run([str(BIN), *args[:2], "-c", str(self.cfg), *args[2:]], input=input,
                           capture_output=True, timeout=120, env=ENV)
        if check_rc is not None:
            check(p.returncode == check_rc, f"newsenrich {' '.join(args)}: exit {p.returncode}, expected "
                  f"{check_rc}: {p.stderr.decode(errors='replace')[-1500:]}")
        return p

    def start(self, tag):
        log = WORK / f"{self.name}-{tag}.log"
        out = open(log, "ab")
        proc = subprocess.Popen([str(BIN), "run", "-c", str(self.cfg)], stdout=out, stderr=out, env=ENV)
        self.procs.append((proc, log))
        return proc, log

    def stop_all(self):
        for proc, _ in self.procs:
            if proc.poll() is None:
                stop_service(proc)


def wait_log(log, pattern, timeout=60, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if re.search(pattern, log.read_text(errors="replace")):
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.2)
    return False


class Stream(threading.Thread):
    """Statements by Vladimir Putin, ~100 a second over every partition,
    until stop()."""

    def __init__(self, topic, tag, partitions):
        super().__init__(daemon=True)
        self.topic, self.tag, self.partitions = topic, tag, partitions
        self.n = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            produce(self.topic, statement_articles(self.tag, 20, start=self.n, partitions=self.partitions))
            self.n += 20
            self.halt.wait(0.2)

    def stop(self):
        self.halt.set()
        self.join(60)


def sub_entry(sid, url, people):
    return {"id": sid, "url": url, "secret": "env:NEWSENRICH_WEBHOOK_SECRET", "people": people}


# ---- tests -------------------------------------------------------------------

@test
def person_added_while_articles_flow_alerts_on_both_instances_within_5s():
    s = Setup("add", raw_partitions=2, watchlist=[MERKEL])
    # The subscription is on the topic before Putin is watched: instances
    # accept it (records come in any order) and send nothing about him.
    create_topic(s.subs_topic, 1, compact=True)
    produce(s.subs_topic, [{"key": "subscription:desk", "value": json.dumps(
                sub_entry("desk", receiver().url("/add/desk"), [PUTIN["id"], MERKEL["id"]]))}])
    (a, alog), (b, blog) = s.start("a"), s.start("b")
    stream = Stream(s.topics.raw, "add", 2)
    stream.start()
    try:
        for log, proc in ((alog, a), (blog, b)):
            check(wait_log(log, r"assigned \d+ partition", 90, proc),
                  f"each instance got one of the two partitions; log tail:\n{log.read_text()[-2000:]}")
        time.sleep(3)
        before = consume(s.topics.alerts, idle_ms=500)
        check(not before, f"no alert while Putin is not watched ({len(before)})")
        t0 = time.time()
        s.cli("watch", "add", json.dumps(PUTIN))
        first = {}
        deadline = t0 + 20
        while len(first) < 2 and time.time() < deadline:
            for r in consume(s.topics.alerts, idle_ms=200):
                part = int(r["json"]["article"]["id"].split("-")[-1]) % 2
                first.setdefault(part, r["timestamp"] / 1000 - t0)
                first[part] = min(first[part], r["timestamp"] / 1000 - t0)
            time.sleep(0.3)
    finally:
        stream.stop()
        s.stop_all()
    print(f"    first alert after `watch add`, per raw partition (one per instance): "
          f"{ {p: round(v, 2) for p, v in sorted(first.items())} } s", flush=True)
    check(sorted(first) == [0, 1], f"alerts came from both instances' partitions: {first}")
    check(max(first.values()) <= 5.0, f"within 5 s on both: {first}")
    for log in (alog, blog):
        check(re.search(r"service: watchlist and subscriptions in force: 2 people", log.read_text()),
              f"the instance applied the change; log tail:\n{log.read_text()[-2000:]}")
        check("SIGHUP" not in log.read_text(), "no SIGHUP")
    check(sum(ok_deliveries(receiver().received("/add/desk")).values()) > 0, "the subscriber was posted to")


@test
def removed_subscription_stops_receiving():
    rcv = receiver()
    s = Setup("remove", raw_partitions=1, watchlist=[PUTIN],
              subscriptions=[sub_entry("keep", rcv.url("/rm/keep"), [PUTIN["id"]]),
                             sub_entry("drop", rcv.url("/rm/drop"), [PUTIN["id"]])])
    proc, log = s.start("one")
    stream = Stream(s.topics.raw, "rm", 1)
    stream.start()
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not (rcv.received("/rm/keep") and rcv.received("/rm/drop")):
            time.sleep(0.5)
        check(rcv.received("/rm/drop"), "both subscriptions receive at first")
        # "drop" is the file's: the tombstone removes it all the same
        t0 = time.time()
        s.cli("subscriptions", "remove", "drop")
        time.sleep(8)
        keep_before = len(rcv.received("/rm/keep"))
        time.sleep(5)
        listed = [json.loads(l) for l in s.cli("subscriptions", "list").stdout.decode().splitlines()]
    finally:
        stream.stop()
        s.stop_all()
    late = [r for r in rcv.received("/rm/drop") if r["t"] > t0 + 5]
    print(f"    'drop': {len(rcv.received('/rm/drop'))} posts, {len(late)} more than 5 s after the "
          f"removal; 'keep': {len(rcv.received('/rm/keep'))} posts", flush=True)
    check(not late, f"the removed subscription received nothing 5 s after removal ({len(late)})")
    check(len(rcv.received("/rm/keep")) > keep_before, "the other subscription goes on receiving")
    check([e["key"] for e in listed] == ["subscription:keep"], f"list shows what is in force: {listed}")
    check(listed[0]["source"] == "file" and listed[0]["value"]["secret"] == "***", f"masked: {listed}")
    check(proc.returncode == 0, f"clean stop (exit {proc.returncode})")
    check(re.search(r'"component":"notifier","msg":"topics.subscriptions changed: 1 subscription', log.read_text()),
          f"the notifier applied it without SIGHUP; log tail:\n{log.read_text()[-2000:]}")


@test
def bad_records_on_the_topic_are_logged_and_skipped_never_fatal():
    port = 19464 + os.getpid() % 400
    s = Setup("bad", raw_partitions=1, watchlist=[PUTIN], metrics_port=port)
    proc, log = s.start("one")
    check(wait_log(log, r"assigned \d+ partition", 90, proc), f"started; log:\n{log.read_text()[-2000:]}")
    bad = [
        {"key": "nonsense", "value": json.dumps(PUTIN)},                                   # no kind
        {"key": "person:boris-johnson", "value": "{\"id\": \"boris-johnson\", "},          # not JSON
        {"key": "person:boris-johnson", "value": json.dumps({"id": "boris-johnson"})},    # no name
        {"key": "person:x", "value": json.dumps({"id": "y", "name": "Y"})},                 # id differs
        {"key": "subscription:leak", "value": json.dumps(                                    # clear secret
            dict(sub_entry("leak", "http://127.0.0.1:9/x", [PUTIN["id"]]), secret=SECRET))},
        {"key": "subscription:unset", "value": json.dumps(                                   # unresolvable
            dict(sub_entry("unset", "http://127.0.0.1:9/x", [PUTIN["id"]]), secret="env:NE_IT_NOT_SET"))},
    ]
    produce(s.subs_topic, bad + [{"key": "person:angela-merkel", "value": json.dumps(MERKEL)}])
    ok = wait_log(log, r"watchlist and subscriptions in force: 2 people", 30, proc)
    time.sleep(1)
    text = log.read_text()
    refused = [l for l in text.splitlines() if "refused and skipped" in l and "service:" in l]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        metrics = r.read().decode()
    listed = [json.loads(l)["key"] for l in s.cli("watch", "list").stdout.decode().splitlines()]
    p = s.cli("watch", "list")
    alive = proc.poll() is None
    s.stop_all()
    check(ok and alive, f"the good record after the bad ones was applied and the service runs on; log tail:\n"
          f"{text[-3000:]}")
    check(len(refused) == len(bad), f"each bad record logged once with its reason: {len(refused)} of {len(bad)}:\n"
          + "\n".join(refused))
    check(SECRET[6:] not in text, "the clear secret never reaches the log")
    check(re.search(r'newsenrich_subscription_records_total\{reader="service",result="refused"\} 6', metrics),
          "counted in the metric:\n" + "\n".join(l for l in metrics.splitlines() if "subscription" in l))
    check(listed == ["person:vladimir-putin", "person:angela-merkel"], f"watch list: {listed}")
    check(b"6 record(s)" in p.stderr, f"list says records were refused: {p.stderr.decode()[-500:]}")
    check(proc.returncode == 0, f"clean stop (exit {proc.returncode})")


@test
def restart_keeps_the_topic_state():
    s = Setup("restart", raw_partitions=1, watchlist=[MERKEL])
    s.cli("watch", "add", input=json.dumps(PUTIN).encode())          # from stdin
    s.cli("subscriptions", "add", json.dumps(sub_entry("desk", receiver().url("/rs/desk"), [PUTIN["id"]])))
    proc, log = s.start("first")
    check(wait_log(log, r"assigned \d+ partition", 90, proc), "started")
    stop_service(proc)
    proc, log = s.start("second")
    # Articles only now: each must meet the watchlist read at start-up.
    produce(s.topics.raw, statement_articles("rs", 40, partitions=1))
    deadline = time.time() + 60
    alerts = []
    while time.time() < deadline and len(alerts) < 40:
        alerts = consume(s.topics.alerts, idle_ms=500)
        time.sleep(0.5)
    s.stop_all()
    check(len({a["key"] for a in alerts}) == 40, f"every article after the restart raised its alert "
          f"({len(alerts)} of 40); log tail:\n{log.read_text()[-2000:]}")
    check(all(a["json"]["subscription_id"] == "desk" for a in alerts), "for the topic's subscription")


@test
def cli_refuses_a_clear_secret_and_an_unknown_person():
    s = Setup("cli", raw_partitions=1, watchlist=[MERKEL])
    p = s.cli("subscriptions", "add", json.dumps(dict(sub_entry("x", "https://h.example/x", [MERKEL["id"]]),
                                                        secret=SECRET)), check_rc=2)
    err = p.stderr.decode()
    check("subscription.secret: only a reference" in err and SECRET[6:] not in err, err)
    p = s.cli("subscriptions", "add", json.dumps(sub_entry("x", "https://h.example/x", [PUTIN["id"]])), check_rc=2)
    check('unknown person "vladimir-putin"' in p.stderr.decode(), p.stderr.decode())
    p = s.cli("watch", "add", json.dumps({"id": "Bad Id", "name": "X"}), check_rc=2)
    check("person.id" in p.stderr.decode(), p.stderr.decode())
    s.cli("watch", "remove", "nobody", check_rc=2)
    # the file's person can be removed, and the list shows it gone
    s.cli("watch", "remove", MERKEL["id"])
    check(s.cli("watch", "list").stdout == b"", "the file's person is gone from the view")
    recs = consume(s.subs_topic, idle_ms=500)
    check([(r["key"], r.get("value")) for r in recs] == [("person:angela-merkel", None)],
          f"only the tombstone was written: {recs}")
    # what add writes fits schemas/subscriptions.schema.json, as given
    s.cli("watch", "add", json.dumps(PUTIN))
    entry = dict(sub_entry("x", "https://h.example/x", [PUTIN["id"]]), roles=["speaker"])
    s.cli("subscriptions", "add", json.dumps(entry))
    recs = [r for r in consume(s.subs_topic, idle_ms=500) if r.get("value")]
    check([r["key"] for r in recs] == ["person:vladimir-putin", "subscription:x"], f"written: {recs}")
    check(recs[1]["json"] == entry and recs[1]["json"]["secret"] == "env:NEWSENRICH_WEBHOOK_SECRET",
          f"the reference is written, not the secret: {recs[1]}")
    schema = json.loads((ROOT / "schemas" / "subscriptions.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for r in recs:
        errors = [e.message for e in validator.iter_errors(r["json"])]
        check(not errors, f"{r['key']}: {errors}")
    check(list(validator.iter_errors(dict(entry, secret=SECRET))), "a clear secret does not fit the schema")
    # usage errors
    for args in (["watch"], ["watch", "rename"], ["subscriptions", "list", "extra"]):
        p = subprocess.run([str(BIN), *args, "-c", str(s.cfg)], capture_output=True, timeout=60, env=ENV)
        check(p.returncode == 2, f"newsenrich {' '.join(args)}: exit {p.returncode}")


if __name__ == "__main__":
    try:
        rc = main("subscriptions")
    finally:
        if _RECEIVER is not None:
            _RECEIVER.stop()
    sys.exit(rc)
