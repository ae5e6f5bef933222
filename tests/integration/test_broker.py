#!/usr/bin/env python3
"""`newsenrich run` against a real Kafka broker: every input gets exactly
one outcome, offsets are committed, and a kill -9 loses nothing."""

import base64
import collections
import hashlib
import json
import os
import random
import socket
import urllib.error
import urllib.request
import sys
import tempfile
import time
from pathlib import Path

from harness import (BIN, ktool, run, scaled, Skip, Topics, unique_name, assert_valid, bad_records, broker, check, consume, good_articles,
                     committed, main, produce, start_service, stop_service, test, validate_events,
                     wait_all_committed)

WORK = Path(tempfile.mkdtemp(prefix="newsenrich-it-"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def outcomes(topics, records, validate=True):
    """Maps each input to its outcomes: enriched and dead-letter counts by
    key. With validate, every event (claims included) is checked against
    its schema; the big streams skip that, the first test covers it."""
    out = consume(topics.enriched, topics.duplicates, topics.dlq,
                  *((topics.claims,) if validate else ()))
    for r in out if validate else ():
        role = topics.topic_map().get(r["topic"])
        if role == "dlq":
            probs = validate_events.problems("dlq", r["headers"])
        else:
            probs = validate_events.problems(role, r["json"])
        if probs:
            raise AssertionError(f"invalid {r['topic']} event {r.get('key')}: {probs}")
    enriched = collections.Counter(r["key"] for r in out if r["topic"] == topics.enriched)
    dlq = collections.Counter(r["headers"].get("error.reason") for r in out if r["topic"] == topics.dlq)
    dlq_keys = collections.Counter(r["key"] for r in out if r["topic"] == topics.dlq)
    return out, enriched, dlq, dlq_keys


def run_until_committed(topics, cfg, log, timeout=180):
    proc = start_service(cfg, log)
    ok = wait_all_committed(topics.group, topics.raw, timeout=timeout, proc=proc)
    rc = stop_service(proc)
    if not ok:
        raise AssertionError(f"offsets not committed in time (service exit {proc.returncode}); "
                             f"log tail:\n{Path(log).read_text(errors='replace')[-3000:]}")
    return rc


def check_exactly_one_outcome(name, **processing):
    """Good and bad records on three partitions: every good one enriched
    once, every bad one dead-lettered once with its bytes and origin, all
    offsets committed."""
    broker()
    topics = Topics(raw_partitions=3)
    good = good_articles(300, seed=11)
    bad = bad_records(seed=11)
    records = good[:100] + [r for r, _ in bad] + good[100:]
    for i, r in enumerate(records):
        r["partition"] = i % 3
    produce(topics.raw, records)

    cfg = topics.config(WORK / f"{name}.json", max_record_bytes=262144, **processing)
    rc = run_until_committed(topics, cfg, WORK / f"{name}.log")
    check(rc == 0, f"service exit {rc} after SIGTERM")

    out, enriched, dlq, dlq_keys = outcomes(topics, records)
    want_ids = {r["key"] for r in good}
    check(set(enriched) == want_ids, f"missing {sorted(want_ids - set(enriched))[:5]}, "
          f"extra {sorted(set(enriched) - want_ids)[:5]}")
    check(all(n == 1 for n in enriched.values()), "no article enriched twice in a clean run")
    want_dlq = collections.Counter(reason for _, reason in bad)
    check(dlq == want_dlq, f"dead letters by reason {dict(dlq)} != {dict(want_dlq)}")
    check(all(dlq_keys[r["key"]] == 1 for r, _ in bad), "each bad record dead-lettered once")
    # The dead letter carries the original bytes and where they came from.
    for r in out:
        if r["topic"] != topics.dlq:
            continue
        src = next(x for x, _ in bad if x["key"] == r["key"])
        orig = base64.b64decode(src["value_b64"]) if "value_b64" in src else src["value"].encode()
        check(base64.b64decode(r["value_b64"]) == orig, f"original bytes of {r['key']}")
        check(r["headers"]["source.topic"] == topics.raw, "source.topic header")
        check(int(r["headers"]["source.partition"]) in (0, 1, 2), "source.partition header")
    print(f"    {len(records)} inputs: {sum(enriched.values())} enriched, "
          f"{sum(dlq.values())} dead letters", flush=True)


@test
def every_input_has_exactly_one_outcome_and_offsets_are_committed():
    # the default: the per-article stages on a worker thread per core
    check_exactly_one_outcome("exactly-one")


@test
def every_input_has_exactly_one_outcome_on_one_thread():
    # processing.threads 1: the whole chain on the consuming thread
    check_exactly_one_outcome("exactly-one-1t", threads=1)


@test
def kill_9_mid_stream_loses_nothing():
    if broker().kind == "mock":
        # The mock keeps only the last 5 MB of each partition's log, so a
        # stream this long loses its head there whatever the service does.
        raise Skip("fault tests need the real broker (the mock cluster prunes its log)")
    topics = Topics(raw_partitions=3)
    records = good_articles(scaled(40000), seed=23)
    for i, r in enumerate(records):
        r["partition"] = i % 3
    produce(topics.raw, records)
    cfg = topics.config(WORK / "kill9.json")
    log = WORK / "kill9.log"

    proc = start_service(cfg, log)
    # Let it get going: kill it without warning as soon as some of its
    # progress has been committed, so that the restart must resume mid-stream.
    deadline = time.time() + 60
    while time.time() < deadline and not sum(o["committed"] or 0
                                             for o in committed(topics.group, topics.raw)):
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    killed_at = len(consume(topics.enriched, idle_ms=500, timeout_ms=10000))
    saved = sum(o["committed"] or 0 for o in committed(topics.group, topics.raw))
    check(0 < killed_at < len(records), f"the kill must land mid-stream ({killed_at} enriched)")

    rc = run_until_committed(topics, cfg, log)
    check(rc == 0, f"restarted service exit {rc}")
    _, enriched, dlq, _ = outcomes(topics, records, validate=False)
    want = {r["key"] for r in records}
    lost = want - set(enriched)
    dups = sum(n - 1 for n in enriched.values())
    print(f"    {len(records)} inputs, killed after {killed_at} enriched with {saved} offsets "
          f"committed; after restart "
          f"{len(enriched)} distinct enriched, {len(lost)} lost, {dups} re-delivered duplicates",
          flush=True)
    check(not lost, f"lost {len(lost)} articles, e.g. {sorted(lost)[:5]}")
    check(dups <= killed_at - saved, "committed progress is not re-processed after the restart")
    check(not dlq, "no dead letters for good input")



def exactly_once_outputs(topics):
    """Enriched keys as a read_committed consumer sees them."""
    out = consume(topics.enriched, topics.dlq, extra=("--read-committed",))
    return (collections.Counter(r["key"] for r in out if r["topic"] == topics.enriched),
            collections.Counter(r["key"] for r in out if r["topic"] == topics.dlq))


@test
def exactly_once_survives_kill_9_without_duplicates():
    if broker().kind == "mock":
        raise Skip("transactions need the real broker (the mock cluster fakes them)")
    topics = Topics(raw_partitions=3)
    good = good_articles(scaled(20000), seed=31)
    bad = bad_records(seed=31)
    records = good[:50] + [r for r, _ in bad] + good[50:]
    for i, r in enumerate(records):
        r["partition"] = i % 3
    produce(topics.raw, records)
    # two worker threads whatever the machine: records stay on them across
    # the transactions' commits, which carry only the published records'
    # offsets
    cfg = topics.config(WORK / "eos.json", guarantee="exactly_once", max_record_bytes=262144,
                        transactional_id=topics.group + "-tx", threads=2)
    log = WORK / "eos.log"

    proc = start_service(cfg, log)
    deadline = time.time() + 60
    while time.time() < deadline and not sum(o["committed"] or 0
                                             for o in committed(topics.group, topics.raw)):
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    # A kill between sending the offsets to the transaction and committing
    # it leaves them pending until the broker aborts the transaction
    # (transaction.timeout.ms, 60 s): wait that long for an answer.
    saved = sum(o["committed"] or 0 for o in committed(topics.group, topics.raw, retry_s=90))
    check(0 < saved < len(records), f"the kill must land mid-stream ({saved} committed)")

    rc = run_until_committed(topics, cfg, log)
    check(rc == 0, f"restarted service exit {rc}")
    enriched, dlq = exactly_once_outputs(topics)
    want = {r["key"] for r in good}
    lost = want - set(enriched)
    dups = sum(n - 1 for n in enriched.values()) + sum(n - 1 for n in dlq.values())
    print(f"    exactly_once: {len(records)} inputs, killed with {saved} committed; read_committed "
          f"sees {sum(enriched.values())} enriched + {sum(dlq.values())} dead letters, "
          f"{len(lost)} lost, {dups} duplicates", flush=True)
    check(not lost, f"lost {len(lost)}")
    check(dups == 0, f"{dups} duplicates under exactly_once")
    check(set(enriched) == want and sum(dlq.values()) == len(bad), "exactly the inputs")


def http_get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def metric(text, name, labels=""):
    """The value of one series in Prometheus text, or None."""
    want = name + ("{" + labels + "}" if labels else "")
    for line in text.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return None


@test
def metrics_and_readiness_move_during_a_run():
    broker()
    topics = Topics(raw_partitions=3)
    port = free_port()
    cfg = topics.config(WORK / "metrics.json", max_record_bytes=262144)
    c = json.loads(Path(cfg).read_text())
    c["metrics"] = {"enabled": True, "listen": f"127.0.0.1:{port}"}
    c["kafka"]["statistics.interval.ms"] = "1000"
    Path(cfg).write_text(json.dumps(c))
    log = WORK / "metrics.log"
    proc = start_service(cfg, log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    status = None
    while time.time() < deadline:
        try:
            status, _ = http_get(base + "/healthz")
            break
        except OSError:
            time.sleep(0.1)
    check(status == 200, "/healthz answers while the service runs")
    # Nothing assigned at first: not ready. Then partitions arrive.
    seen_unready = http_get(base + "/readyz")[0] == 503
    deadline = time.time() + 30
    while time.time() < deadline and http_get(base + "/readyz")[0] != 200:
        time.sleep(0.2)
    check(http_get(base + "/readyz")[0] == 200, "/readyz turns ready once partitions are assigned")

    good = good_articles(2000, seed=51)
    bad = bad_records(seed=51)
    produce(topics.raw, good + [r for r, _ in bad])
    ok = wait_all_committed(topics.group, topics.raw, timeout=120, proc=proc)
    time.sleep(1.5)  # one more statistics interval, for the lag
    _, text = http_get(base + "/metrics")
    stop_service(proc)
    check(ok, "all committed")
    n = len(good) + len(bad)
    check(metric(text, "newsenrich_records_consumed_total") == n, "consumed counter")
    check(metric(text, "newsenrich_records_total", 'outcome="enriched"') == len(good), "enriched")
    check(metric(text, "newsenrich_records_total", 'outcome="rejected"') == len(bad), "rejected")
    check(metric(text, "newsenrich_dead_lettered_total", 'reason="invalid_json"') == 2, "by reason")
    check(metric(text, "newsenrich_events_produced_total", f'topic="{topics.enriched}"') == len(good),
          "events by topic")
    check(metric(text, "newsenrich_rebalances_total") >= 1, "rebalances")
    check(metric(text, "newsenrich_assigned_partitions") == 3, "assigned partitions")
    check(metric(text, "newsenrich_stage_duration_us_count", 'stage="text"') == len(good),
          "stage latency histogram")
    lags = [metric(text, "newsenrich_consumer_lag", f'partition="{p}"') for p in range(3)]
    check(all(l is not None for l in lags), f"lag per partition {lags}")
    print(f"    metrics: {n} consumed, lag {lags}, readiness was 503 before assignment: "
          f"{seen_unready}", flush=True)


class SizedTopics(Topics):
    """Topics whose max.message.bytes is set: `limits` maps a role
    (enriched, dlq, ...) to its limit, `default` applies to the others."""

    def __init__(self, default, **limits):
        tag = unique_name("t")
        for role in ("raw", "enriched", "duplicates", "claims", "alerts", "dlq", "alerts_dlq"):
            name = f"{tag}.{role}"
            setattr(self, role, name)
            ktool("create-topic", name, "1", f"max.message.bytes={limits.get(role, default)}")
        self.changelog = f"{tag}.state"
        ktool("create-topic", self.changelog, "1", "compact", f"max.message.bytes={default}")
        self.group = f"{tag}-group"


def article_record(key, body):
    return {"key": key, "value": json.dumps({"id": key, "title": f"Story {key}", "body": body},
                                            ensure_ascii=False)}


def dense_quotes_body(nbytes):
    """A body of quotes whose enriched event runs ~5x its size."""
    names = ["Anna Keller", "Boris Novak", "Carla Okafor", "David Petrov", "Elena Quinn"]
    parts, size, i = [], 0, 0
    while size < nbytes:
        s = f"\u201cWe will build bridge number {i} this year,\u201d {names[i % 5]} said in Riga. "
        parts.append(s)
        size += len(s.encode())
        i += 1
    return "".join(parts)


def outputs_too_large_never_stop_the_partition(guarantee):
    b = broker()
    if b.kind == "mock":
        raise Skip("topic size limits need the real broker")
    topics = SizedTopics(10485760)          # the topics accept 10 MB; the producer 1,000,000 B
    extra = {"transactional_id": unique_name("big-txn")} if guarantee == "exactly_once" else {}
    cfg = topics.config(WORK / f"big-{guarantee}.json", guarantee=guarantee, **extra)
    log = WORK / f"big-{guarantee}.log"
    filler = "The council met again on Tuesday to discuss the harbour. "
    big = article_record("big-1200k", filler * (1200000 // len(filler)))        # over max_record_bytes
    near = article_record("art-1030k", filler * (1030000 // len(filler)))       # the old default's edge
    dense = article_record("dense-250k", dense_quotes_body(235000))             # fits, its event does not
    good = [r for r in good_articles(3, seed=81)]
    records = [big, good[0], near, good[1], dense, good[2]]
    lines = "".join(json.dumps(r) + "\n" for r in records).encode()
    ktool("produce", topics.raw, "-X", "message.max.bytes=20000000", input=lines, timeout=300)
    proc = start_service(cfg, log)
    ok = wait_all_committed(topics.group, topics.raw, timeout=120, proc=proc)
    alive = proc.poll() is None
    rc = stop_service(proc)
    tail = log.read_text(errors="replace")[-3000:]
    check(alive, f"{guarantee}: the service stopped (exit {proc.returncode}); log:\n{tail}")
    check(ok, f"{guarantee}: not every offset committed; log:\n{tail}")
    check(rc == 0, f"{guarantee}: exit {rc} on SIGTERM")
    out = consume(topics.enriched, topics.dlq, *(("--read-committed",) if extra else ()))
    enriched = {r["key"] for r in out if r["topic"] == topics.enriched}
    dlq = {r["key"]: r for r in out if r["topic"] == topics.dlq}
    check(enriched == {r["key"] for r in good}, f"{guarantee}: enriched {sorted(enriched)}")
    check(set(dlq) == {"big-1200k", "art-1030k", "dense-250k"}, f"{guarantee}: dead letters {sorted(dlq)}")
    reasons = {k: r["headers"].get("error.reason") for k, r in dlq.items()}
    check(reasons == {"big-1200k": "too_large", "art-1030k": "too_large", "dense-250k": "output_too_large"},
          f"{guarantee}: reasons {reasons}")
    for rec in (big, near):
        d = dlq[rec["key"]]
        original = rec["value"].encode()
        value = base64.b64decode(d["value_b64"]) if "value_b64" in d else d["value"].encode()
        h = d["headers"]
        check(h.get("error.truncated") == "true" and h.get("error.original_bytes") == str(len(original))
              and h.get("error.sha256") == hashlib.sha256(original).hexdigest(),
              f"{rec['key']}: truncation headers {dict((k, v) for k, v in h.items() if k != 'error.detail')}")
        check(0 < len(value) < 1000000 and original.startswith(value), f"{rec['key']}: cut value of {len(value)} B")
        probs = validate_events.problems("dlq", h)
        check(not probs, f"{rec['key']}: dlq headers {probs}")
    d = dlq["dense-250k"]
    value = base64.b64decode(d["value_b64"]) if "value_b64" in d else d["value"].encode()
    check(value == dense["value"].encode() and "error.truncated" not in d["headers"],
          "the output_too_large dead letter carries the whole original")
    print(f"    {guarantee}: a 1.2 MB record, a 1.03 MB article and a 235 kB article with a 1.2 MB event, "
          f"each followed by a good article: 3 dead letters ({', '.join(sorted(set(reasons.values())))}), "
          f"3 enriched, every offset committed, still running", flush=True)


@test
def outputs_too_large_are_dead_lettered_and_the_partition_goes_on_at_least_once():
    outputs_too_large_never_stop_the_partition("at_least_once")


@test
def outputs_too_large_are_dead_lettered_and_the_partition_goes_on_exactly_once():
    outputs_too_large_never_stop_the_partition("exactly_once")


@test
def a_dead_letter_topic_smaller_than_max_record_bytes_stops_the_start_with_exit_2():
    b = broker()
    if b.kind == "mock":
        raise Skip("topic size limits need the real broker")
    topics = SizedTopics(1048588, dlq=200000)
    cfg = topics.config(WORK / "small-dlq.json")
    p = run([BIN, "run", "-c", cfg], timeout=60)
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 2, f"exit {p.returncode}, expected 2; stderr: {err[-1500:]}")
    check("processing.max_record_bytes" in err and f"topic {topics.dlq}'s max.message.bytes (200000)" in err,
          f"the message names the key and the limit: {err[-1500:]}")


def wait_status(url, want, timeout):
    """Polls url until it answers `want`; returns the seconds it took, or None."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            if http_get(url)[0] == want:
                return time.time() - t0
        except OSError:
            pass
        time.sleep(0.2)
    return None


def readiness_follows_the_broker(guarantee):
    b = broker()
    if b.kind == "mock":
        raise Skip("stopping the broker needs the real one")
    topics = Topics(raw_partitions=3)
    port = free_port()
    extra = {"transactional_id": unique_name("ready-txn")} if guarantee == "exactly_once" else {}
    cfg = topics.config(WORK / f"ready-{guarantee}.json", guarantee=guarantee, **extra)
    c = json.loads(Path(cfg).read_text())
    c["metrics"] = {"enabled": True, "listen": f"127.0.0.1:{port}"}
    Path(cfg).write_text(json.dumps(c))   # statistics.interval.ms: the default
    log = WORK / f"ready-{guarantee}.log"
    # A backlog that keeps the service busy through the outage: exactly
    # once, a transaction is then open when the broker dies.
    records = good_articles(scaled(40000, 4000), seed=71)
    for i, r in enumerate(records):
        r["partition"] = i % 3
    produce(topics.raw, records)
    proc = start_service(cfg, log)
    url = f"http://127.0.0.1:{port}/readyz"
    try:
        check(wait_status(url, 200, 60) is not None, "/readyz turns 200 once running")
        deadline = time.time() + 60
        while time.time() < deadline and sum(o["committed"] or 0 for o in
                                             committed(topics.group, topics.raw)) < 500:
            time.sleep(0.2)
        b._script("kill")                      # the broker is gone, at once
        try:
            down = wait_status(url, 503, 30)
        finally:
            b._script("restart")               # same ports, same data: the next tests need it
        up = wait_status(url, 200, 120)
    finally:
        if proc.poll() is None:
            stop_service(proc, timeout=120)
    print(f"    {guarantee}: /readyz 503 {down if down is None else round(down, 1)} s after the broker "
          f"died, 200 again {up if up is None else round(up, 1)} s after its restart", flush=True)
    check(down is not None and down <= 10, f"{guarantee}: /readyz not 503 within 10 s of the outage")
    check(up is not None, f"{guarantee}: /readyz not 200 again after the broker came back")


@test
def readyz_turns_503_within_10_s_of_a_broker_outage_at_least_once():
    readiness_follows_the_broker("at_least_once")


@test
def readyz_turns_503_within_10_s_of_a_broker_outage_exactly_once():
    readiness_follows_the_broker("exactly_once")


class OkReceiver:
    """A webhook endpoint that answers 204 to everything, on a thread."""

    def __init__(self):
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()


def error_lines(log_text):
    out = []
    for line in log_text.splitlines():
        try:
            if json.loads(line).get("level") == "error":
                out.append(line)
        except ValueError:
            pass
    return out


@test
def sigterm_with_a_webhook_subscription_exits_0_every_time():
    """The notifier thread may finish on SIGTERM before the main loop sees
    the flag; that orderly stop must not read as a failure (exit 1)."""
    broker()
    topics = Topics(raw_partitions=3)
    hook = OkReceiver()
    cfg = topics.config(WORK / "sigterm.json")
    c = json.loads(Path(cfg).read_text())
    c["watchlist"] = {"people": [{"id": "anna-keller", "name": "Anna Keller"}]}
    c["webhooks"] = {"allow_private": True, "subscriptions": [
        {"id": "sub-stop", "url": hook.url, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
         "people": ["anna-keller"]}]}
    Path(cfg).write_text(json.dumps(c))
    produce(topics.raw, good_articles(scaled(300, 30), seed=61))
    stops = scaled(50, 5)
    rng = random.Random(61)
    bad = []
    try:
        for i in range(stops):
            log = WORK / f"sigterm-{i}.log"
            proc = start_service(cfg, log)
            time.sleep(rng.uniform(0.3, 2.5))
            rc = stop_service(proc)
            errors = error_lines(log.read_text(errors="replace"))
            if rc != 0 or errors:
                bad.append((i, rc, errors[:3]))
    finally:
        hook.stop()
    print(f"    {stops} SIGTERM stops: {stops - len(bad)} clean (exit 0, no error line)", flush=True)
    check(not bad, f"{len(bad)} of {stops} stops were not clean: {bad[:3]}")


if __name__ == "__main__":
    sys.exit(main("broker"))
