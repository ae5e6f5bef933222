"""harness — what the integration tests share: the binaries, a Kafka broker
(real, from scripts/kafka-broker.sh, or librdkafka's mock cluster as a
fallback), ktool wrappers, the service as a subprocess, a test registry and
a runner that ends with "<suite>: N passed, N failed, N skipped".

A test is a function decorated with @test; raise Skip("why") to skip it.
"""

import base64
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("BUILD", "build")
BIN = BUILD / "newsenrich"
KTOOL = BUILD / "ktool"
DATA = Path(os.environ.get("NEWSENRICH_DATA_DIR", ROOT.parent / "shared" / "data"))
# Stream sizes of the broker tests scale down under the sanitizers, which
# run the service several times slower.
SCALE = float(os.environ.get("NEWSENRICH_TEST_SCALE", "0.1" if "asan" in BUILD.name else "1"))


def scaled(n, least=200):
    """n records at full scale, fewer (but at least `least`) when scaled."""
    return max(least, int(n * SCALE))

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validate_events  # noqa: E402


class Skip(Exception):
    pass


_TESTS = []


def test(fn):
    _TESTS.append(fn)
    return fn


def data_path(rel):
    p = DATA / rel
    if not p.exists():
        raise Skip(f"{p} not found (the shared data is not beside this checkout)")
    return p


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def run(args, input=None, timeout=300, check_rc=None, env=None):
    """Runs a command; returns CompletedProcess with bytes stdout/stderr."""
    p = subprocess.run([str(a) for a in args], input=input, capture_output=True,
                       timeout=timeout, env=env)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError(f"{args[0]} exited {p.returncode}, expected {check_rc}\n"
                             f"stderr: {p.stderr.decode(errors='replace')[-3000:]}")
    return p


def enrich(data: bytes, config=None, check_rc=0):
    """Runs `newsenrich enrich`; returns (events, stderr)."""
    args = [BIN, "enrich"] + (["-c", config] if config else [])
    p = run(args, input=data, check_rc=check_rc)
    events = [json.loads(line) for line in p.stdout.decode().splitlines() if line.strip()]
    return events, p.stderr.decode(errors="replace")


def assert_valid(records):
    """Every record (enrich output / ktool consume output) is schema-valid."""
    for r in records:
        probs = validate_events.check_record(r)
        if probs:
            raise AssertionError(f"invalid {r.get('topic')} event {r.get('key')}: {probs}")


# ---- broker ---------------------------------------------------------------

class Broker:
    """A Kafka broker for one test run: the real one when it can start,
    else (unless NEWSENRICH_REQUIRE_BROKER is set) librdkafka's mock cluster,
    announced loudly."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="newsenrich-kafka-"))
        self.kind = None
        self.bootstrap = None
        self.mock = None

    def start(self):
        script = ROOT / "scripts" / "kafka-broker.sh"
        p = subprocess.run([str(script), "start", str(self.dir)], capture_output=True, timeout=600)
        if p.returncode == 0:
            for line in p.stdout.decode().splitlines():
                if line.startswith("BOOTSTRAP="):
                    self.bootstrap = line.split("=", 1)[1].strip()
            self.kind = "kafka"
            return self
        msg = (p.stderr.decode(errors="replace") + p.stdout.decode(errors="replace"))[-4000:]
        if os.environ.get("NEWSENRICH_REQUIRE_BROKER"):
            raise RuntimeError("the real Kafka broker did not start (NEWSENRICH_REQUIRE_BROKER is "
                               "set, so there is no fallback):\n" + msg)
        print("#" * 72 + "\n# WARNING: the real Kafka broker could not start; falling back to\n"
              "# librdkafka's mock cluster. Broker restarts are not tested.\n" + "#" * 72,
              file=sys.stderr)
        print(msg, file=sys.stderr)
        self.mock = subprocess.Popen([str(KTOOL), "mock-cluster"], stdout=subprocess.PIPE,
                                     stdin=subprocess.PIPE)
        line = self.mock.stdout.readline().decode()
        self.bootstrap = line.split("=", 1)[1].strip()
        self.kind = "mock"
        return self

    def _script(self, verb):
        subprocess.run([str(ROOT / "scripts" / "kafka-broker.sh"), verb, str(self.dir)],
                       capture_output=True, timeout=300, check=True)

    def stop(self):
        if self.kind == "kafka":
            subprocess.run([str(ROOT / "scripts" / "kafka-broker.sh"), "stop", str(self.dir)],
                           capture_output=True, timeout=120)
        elif self.mock:
            self.mock.stdin.close()
            self.mock.terminate()
            self.mock.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def restart(self):
        if self.kind != "kafka":
            raise Skip("the mock cluster cannot be restarted")
        self._script("restart")


_BROKER = None
_BROKER_ERROR = None


def broker():
    """The shared broker of this run, started on first use. A broker that
    failed to start fails every test that needs it, without retrying."""
    global _BROKER, _BROKER_ERROR
    if _BROKER_ERROR is not None:
        raise _BROKER_ERROR
    if _BROKER is None:
        try:
            _BROKER = Broker().start()
            ktool("wait-ready")
        except Exception as e:
            _BROKER_ERROR = e
            raise
    return _BROKER


def ktool(*args, input=None, timeout=120):
    b = _BROKER
    p = run([KTOOL, args[0], "-b", b.bootstrap] + list(args[1:]), input=input, timeout=timeout)
    if p.returncode != 0:
        raise AssertionError(f"ktool {' '.join(map(str, args))} failed ({p.returncode}): "
                             f"{p.stderr.decode(errors='replace')[-2000:]}")
    return p.stdout.decode()


def create_topic(name, partitions=1, compact=False):
    b = broker()
    if b.kind == "mock":
        # The mock cluster has no controller: ktool mock-cluster creates
        # topics on request through its stdin (compaction is not modelled).
        b.mock.stdin.write(f"create {name} {partitions}\n".encode())
        b.mock.stdin.flush()
        answer = b.mock.stdout.readline().decode().strip()
        if answer != "ok":
            raise AssertionError(f"mock cluster: create {name}: {answer}")
        return
    ktool("create-topic", name, str(partitions), *(["compact"] if compact else []))


def produce(topic, records):
    """records: dicts with key, value (str) or value_b64, optional partition."""
    lines = "".join(json.dumps(r) + "\n" for r in records).encode()
    ktool("produce", topic, input=lines, timeout=300)


def consume(*topics, idle_ms=3000, timeout_ms=60000, extra=()):
    out = ktool("consume", *topics, "--idle-ms", str(idle_ms), "--timeout-ms", str(timeout_ms),
                *extra, timeout=timeout_ms / 1000 + 60)
    return [json.loads(l) for l in out.splitlines() if l.strip()]


def committed(group, topic, retry_s=30):
    """Committed offsets and high watermarks per partition. Retries while
    the broker is not answering (just restarted, say)."""
    deadline = time.time() + retry_s
    while True:
        try:
            out = ktool("offsets", group, topic)
            return [json.loads(l) for l in out.splitlines() if l.strip()]
        except AssertionError:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


def wait_all_committed(group, topic, timeout=120, proc=None):
    """Waits until the group's committed offset reaches the high watermark
    on every partition. Returns True, or False on timeout / process exit."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        offs = committed(group, topic)
        # A partition that never held a record has nothing to commit.
        if offs and all((o["committed"] or 0) == o["high"] for o in offs):
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.5)
    return False


class StreamProducer(threading.Thread):
    """Keeps producing batches of good articles to a topic, round-robin
    over its partitions, until stop(): a stream that is guaranteed to be
    still flowing while a test does something to the service or broker.
    `records` holds everything it produced."""

    def __init__(self, topic, partitions=3, batch=1000, seed=1, pause_s=0.2):
        super().__init__(daemon=True)
        self.topic, self.partitions, self.batch, self.seed = topic, partitions, batch, seed
        self.pause_s = pause_s
        self.records = []
        self._halt = threading.Event()
        self.error = None

    def run(self):
        i = 0
        while not self._halt.is_set():
            recs = good_articles(self.batch, seed=self.seed, prefix=f"s{i}")
            for j, r in enumerate(recs):
                r["partition"] = j % self.partitions
            try:
                produce(self.topic, recs)
            except AssertionError as e:   # the broker is restarting: try again
                self.error = e
                time.sleep(0.5)
                continue
            self.records.extend(recs)
            i += 1
            self._halt.wait(self.pause_s)

    def stop(self):
        self._halt.set()
        self.join(120)
        return self.records


def unique_name(prefix):
    return f"{prefix}-{int(time.time() * 1000) % 10**9}-{random.randrange(10**6)}"


class Topics:
    """A fresh set of topic names for one test, so tests never see each
    other's records."""

    def __init__(self, raw_partitions=3):
        tag = unique_name("t")
        self.raw = f"{tag}.articles.raw"
        self.enriched = f"{tag}.articles.enriched"
        self.duplicates = f"{tag}.articles.duplicates"
        self.claims = f"{tag}.claims"
        self.alerts = f"{tag}.alerts"
        self.dlq = f"{tag}.articles.dlq"
        self.alerts_dlq = f"{tag}.alerts.dlq"
        self.changelog = f"{tag}.state"
        self.group = f"{tag}-group"
        create_topic(self.raw, raw_partitions)
        for t in (self.enriched, self.duplicates, self.claims, self.alerts, self.dlq,
                  self.alerts_dlq):
            create_topic(t, 1)
        create_topic(self.changelog, 1, compact=True)

    def config(self, path, **processing):
        cfg = {
            # A short session lets a restarted (new) member take over the
            # partitions of a killed one in seconds instead of 45 s.
            "kafka": {"bootstrap.servers": broker().bootstrap, "group.id": self.group,
                      "auto.commit.interval.ms": "500", "session.timeout.ms": "6000"},
            "topics": {"raw": self.raw, "enriched": self.enriched, "duplicates": self.duplicates,
                       "claims": self.claims, "alerts": self.alerts, "dlq": self.dlq,
                       "alerts_dlq": self.alerts_dlq, "changelog": self.changelog},
            "processing": processing,
        }
        Path(path).write_text(json.dumps(cfg, indent=2))
        return path

    def topic_map(self):
        return {self.enriched: "enriched", self.duplicates: "duplicates", self.claims: "claims",
                self.alerts: "alerts", self.dlq: "dlq"}


_PROCS = []


def start_service(config, log_path):
    log = open(log_path, "ab")
    proc = subprocess.Popen([str(BIN), "run", "-c", str(config)], stdout=log, stderr=log)
    _PROCS.append(proc)
    return proc


def kill_leftovers():
    """Kills every service a failed test left running."""
    for p in _PROCS:
        if p.poll() is None:
            p.kill()
            p.wait()


def stop_service(proc, timeout=60):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout)


# ---- corpora --------------------------------------------------------------

_FIRST = ["Anna", "Boris", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas"]
_LAST = ["Keller", "Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka", "Varga", "Weber"]
_PLACES = ["Lisbon", "Nairobi", "Oslo", "Quito", "Riga", "Seoul", "Tunis", "Utrecht", "Vienna"]
_ORGS = ["the Harbour Authority", "the Central Bank", "the Transport Ministry", "Nordwind AG",
         "the University of Riga", "the City Council"]
_VERBS = ["said", "told reporters", "added", "warned", "insisted"]


def synthetic_article(rng, i):
    """A deterministic news-like article with quotes, people, places."""
    p1 = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    p2 = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    place, org = rng.choice(_PLACES), rng.choice(_ORGS)
    paras = [
        f"{org.capitalize()} in {place} announced on Tuesday a plan worth {rng.randint(2, 900)} "
        f"million euros, the {i}th such plan this year.",
        f"\u201cWe have waited long enough for this,\u201d {p1} {rng.choice(_VERBS)}. "
        f"\u201cIt will not fix everything, but it is a start.\u201d",
        f"Critics were not convinced. {p2}, who chairs a residents' group, said the money "
        f"would arrive too late. \"Nobody asked us,\" {p2.split()[1]} said.",
        f"Officials in {place} expect a decision by {rng.choice(['March', 'June', 'Sept.', 'Dec.'])} "
        f"{rng.randint(1, 28)}, according to a statement from {org}.",
    ]
    rng.shuffle(paras[2:])
    return "\n\n".join(paras)


def polnear_texts(limit=None):
    """PolNeAR article texts when the shared data is there, else []."""
    p = DATA / "polnear" / "dev.jsonl"
    if not p.exists():
        return []
    out = []
    with open(p, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out.append((d.get("title"), d["text"]))
            if limit and len(out) >= limit:
                break
    return out


def good_articles(n, seed=1, prefix="a"):
    """n JSON article records (dicts with key and value), PolNeAR texts
    first when available, then synthetic ones."""
    rng = random.Random(seed)
    texts = polnear_texts()
    recs = []
    for i in range(n):
        if i < len(texts):
            title, body = texts[i]
        else:
            title, body = f"Synthetic story {i}", synthetic_article(rng, i)
        aid = f"{prefix}-{seed}-{i:05d}"
        # A dateline with the id keeps every body distinct, so dedup never
        # takes a test article for an exact copy of another.
        body = f"BRUSSELS ({aid}) \u2014 {body}"
        recs.append({"key": aid, "value": json.dumps({
            "id": aid, "title": title, "body": body, "source": "test",
            "url": f"https://news.example/{prefix}/{seed}/{i}",
            "published_at": "2026-11-20T10:00:00Z"})})
    return recs


def exact_copy(rec, new_id):
    """The same article re-published elsewhere: new id and url (with
    tracking parameters), quote marks and spacing changed (normalised
    words equal)."""
    v = dict(json.loads(rec["value"]))
    v["id"] = new_id
    v["url"] = "http://www.mirror.example/copy/" + new_id + "?utm_source=feed"
    v["body"] = v["body"].replace("\u201c", '"').replace("\u201d", '"').replace("  ", " ")
    return {"key": new_id, "value": json.dumps(v)}


def near_copy(rec, new_id):
    """A trimmed re-print: the last paragraph dropped, a line added."""
    v = dict(json.loads(rec["value"]))
    paras = [p for p in v["body"].split("\n") if p.strip()]
    keep = paras[:-1] if len(paras) > 4 else paras
    v["body"] = "\n\n".join(keep + ["This story was first published by a partner outlet."])
    v["id"] = new_id
    v["url"] = "https://reprints.example/" + new_id
    return {"key": new_id, "value": json.dumps(v)}


def bad_records(seed=1, too_large_bytes=300_000):
    """One record of every kind of bad input, each with the reason it must
    be dead-lettered for. Values that are not text use value_b64."""
    b64 = lambda b: base64.b64encode(b).decode()
    big = json.dumps({"id": f"big-{seed}", "body": "word " * (too_large_bytes // 5 + 10)})
    return [
        ({"key": f"bad-json-{seed}", "value": '{"id": "x", "body": "no end'}, "invalid_json"),
        ({"key": f"bad-utf8-{seed}", "value_b64": b64(b'{"id": "u", "body": "caf\xc3 \xff"}')},
         "invalid_utf8"),
        ({"key": f"bad-utf8-plain-{seed}", "value_b64": b64(b"Title\n\nbody \xed\xa0\x80 here")},
         "invalid_utf8"),
        ({"key": f"no-body-{seed}", "value": '{"id": "nb", "title": "only a title"}'}, "missing_body"),
        ({"key": f"empty-body-{seed}", "value": '{"id": "eb", "body": "   "}'}, "empty"),
        ({"key": f"empty-{seed}", "value": ""}, "empty"),
        ({"key": f"too-large-{seed}", "value": big}, "too_large"),
        ({"key": f"nul-{seed}", "value_b64": b64(b'{"id": "n", "body": "a\x00b"}')}, "invalid_json"),
    ]


# ---- runner ---------------------------------------------------------------

def main(suite):
    only = sys.argv[1:]
    passed = failed = skipped = 0
    try:
        for fn in _TESTS:
            if only and not any(o in fn.__name__ for o in only):
                continue
            t0 = time.time()
            try:
                fn()
            except Skip as e:
                skipped += 1
                print(f"skip {fn.__name__} ({e})", flush=True)
            except Exception:
                failed += 1
                print(f"FAIL {fn.__name__}\n" + "".join("    " + l for l in
                      traceback.format_exc().splitlines(True)), flush=True)
            else:
                passed += 1
                print(f"ok   {fn.__name__} ({time.time() - t0:.1f}s)", flush=True)
            kill_leftovers()
    finally:
        kill_leftovers()
        if _BROKER is not None:
            _BROKER.stop()
    print(f"{suite}: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    return 1 if failed else 0
