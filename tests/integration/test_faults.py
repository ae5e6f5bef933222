#!/usr/bin/env python3
"""Fault tests on the real broker: a rebalance while records are in flight,
the broker restarted mid-stream, and the service killed with kill -9 again
and again. At least once nothing is lost; exactly once a read_committed
consumer sees every input exactly once."""

import collections
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import (scaled, Skip, Topics, bad_records, broker, check, committed, consume, good_articles,
                     ktool, main, produce, start_service, stop_service, StreamProducer, test,
                     wait_all_committed)

WORK = Path(tempfile.mkdtemp(prefix="newsenrich-faults-"))


def real_broker():
    if broker().kind == "mock":
        raise Skip("fault tests need the real broker")
    return broker()


def committed_total(topics):
    return sum(o["committed"] or 0 for o in committed(topics.group, topics.raw))


def wait_committed_at_least(topics, n, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if committed_total(topics) >= n:
            return True
        time.sleep(0.05)
    return False


def count_outputs(topics, read_committed=False):
    extra = ("--read-committed",) if read_committed else ()
    out = consume(topics.enriched, topics.dlq, extra=extra)
    return (collections.Counter(r["key"] for r in out if r["topic"] == topics.enriched),
            collections.Counter(r["key"] for r in out if r["topic"] == topics.dlq))


def finish(topics, cfg, log, timeout=240):
    """Runs one instance until everything is committed, then stops it."""
    proc = start_service(cfg, log)
    ok = wait_all_committed(topics.group, topics.raw, timeout=timeout, proc=proc)
    rc = stop_service(proc)
    check(ok, f"not all committed; log tail:\n{Path(log).read_text(errors='replace')[-3000:]}")
    check(rc == 0, f"service exit {rc}")


def assert_outcomes(name, topics, good, bad, exactly_once):
    enriched, dlq = count_outputs(topics, read_committed=exactly_once)
    want = {r["key"] for r in good}
    lost = want - set(enriched)
    lost_bad = {r["key"] for r, _ in bad} - set(dlq)
    dups = sum(n - 1 for n in enriched.values()) + sum(n - 1 for n in dlq.values())
    print(f"    {name}: {len(good) + len(bad)} inputs -> {sum(enriched.values())} enriched, "
          f"{sum(dlq.values())} dead letters; {len(lost) + len(lost_bad)} lost, {dups} duplicates",
          flush=True)
    check(not lost and not lost_bad, f"lost {sorted(lost)[:5]} {sorted(lost_bad)[:5]}")
    if exactly_once:
        check(dups == 0, f"{dups} duplicates under exactly_once")
    return dups


def make_stream(topics, n, seed):
    good = good_articles(n, seed=seed)
    bad = bad_records(seed=seed)
    records = good[: n // 2] + [r for r, _ in bad] + good[n // 2:]
    for i, r in enumerate(records):
        r["partition"] = i % 3
    produce(topics.raw, records)
    return good, bad


def consumed_by(log):
    """Records an instance consumed, from its last progress line."""
    counts = re.findall(r"progress: (\d+) consumed", Path(log).read_text(errors="replace"))
    return int(counts[-1]) if counts else 0


def rebalance(exactly_once):
    real_broker()
    topics = Topics(raw_partitions=3)
    good, bad = make_stream(topics, scaled(5000), seed=41 + exactly_once)
    # two worker threads whatever the machine: exactly_once commits leave
    # records on them, and a revoke must publish those before it commits
    mode = {"guarantee": "exactly_once", "threads": 2} if exactly_once else {}
    cfg_a = topics.config(WORK / f"reb-a-{exactly_once}.json", max_record_bytes=262144,
                          transactional_id=topics.group + "-a", **mode)
    cfg_b = topics.config(WORK / f"reb-b-{exactly_once}.json", max_record_bytes=262144,
                          transactional_id=topics.group + "-b", **mode)
    log_a = WORK / f"rebalance-{exactly_once}-a.log"
    log_b = WORK / f"rebalance-{exactly_once}-b.log"

    a = start_service(cfg_a, log_a)
    check(wait_committed_at_least(topics, 1), "instance A makes progress")
    # Records keep arriving for the whole join and leave, so both happen
    # with records in flight.
    stream = StreamProducer(topics.raw, seed=141 + exactly_once, batch=scaled(500, 100), pause_s=0.5)
    stream.start()
    b = start_service(cfg_b, log_b)        # joins: partitions move from A to B
    deadline = time.time() + 60
    while time.time() < deadline and not re.search(r'"assigned [1-9]', log_b.read_text(errors="replace")):
        time.sleep(0.1)
    time.sleep(random.uniform(1.0, 2.0))   # B works on its share for a moment
    rc_b = stop_service(b)                 # leaves: its partitions move back to A
    time.sleep(1.0)
    streamed = stream.stop()
    check(rc_b == 0, f"instance B exit {rc_b}")
    ok = wait_all_committed(topics.group, topics.raw, timeout=240, proc=a)
    rc_a = stop_service(a)
    check(ok and rc_a == 0, f"A finished (exit {rc_a}); log:\n{log_a.read_text(errors='replace')[-3000:]}")
    text_a, text_b = log_a.read_text(errors="replace"), log_b.read_text(errors="replace")
    check(re.search(r'"assigned [1-9]', text_b) and "revoking" in text_a,
          "partitions moved from A to B and back")
    check(consumed_by(log_b) > 0, "B processed records while it held partitions")
    print(f"    B consumed {consumed_by(log_b)} while it held partitions; "
          f"{len(streamed)} records streamed during the rebalances", flush=True)
    assert_outcomes("rebalance " + ("exactly_once" if exactly_once else "at_least_once"),
                    topics, good + streamed, bad, exactly_once)


@test
def rebalance_while_in_flight_loses_nothing_at_least_once():
    rebalance(exactly_once=False)


@test
def rebalance_while_in_flight_is_exactly_once_under_transactions():
    rebalance(exactly_once=True)


@test
def broker_restart_mid_stream_loses_nothing():
    b = real_broker()
    topics = Topics(raw_partitions=3)
    good, bad = make_stream(topics, scaled(20000), seed=43)
    cfg = topics.config(WORK / "restart.json", max_record_bytes=262144)
    log = WORK / "restart.log"
    proc = start_service(cfg, log)
    check(wait_committed_at_least(topics, 1), "progress before the restart")
    b.restart()                            # stop (SIGTERM) and start again: same ports, same data
    # More records after the restart: the service must pick up where it was.
    after = good_articles(scaled(5000), seed=44, prefix="after")
    for i, r in enumerate(after):
        r["partition"] = i % 3
    produce(topics.raw, after)
    ok = wait_all_committed(topics.group, topics.raw, timeout=240, proc=proc)
    rc = stop_service(proc)
    check(ok and rc == 0, f"service rode out the restart (exit {rc}); log:\n"
          f"{log.read_text(errors='replace')[-3000:]}")
    assert_outcomes("broker restart", topics, good + after, bad, exactly_once=False)


@test
def kill_9_twenty_times_loses_nothing():
    real_broker()
    topics = Topics(raw_partitions=3)
    good, bad = make_stream(topics, scaled(60000), seed=47)
    # Static membership: a restarted instance takes its partitions back at
    # once instead of waiting for the killed member's session to expire.
    cfg = topics.config(WORK / "kill-loop.json", max_record_bytes=262144)
    c = json.loads(Path(cfg).read_text())
    c["kafka"]["group.instance.id"] = "kill-loop-1"
    Path(cfg).write_text(json.dumps(c))
    log = WORK / "kill-loop.log"
    kills = 0
    rng = random.Random(7)
    extra = []
    for i in range(20):
        # Keep the stream ahead of the service, so every kill lands mid-stream.
        if committed_total(topics) > len(good) + len(extra) - scaled(10000):
            more = good_articles(scaled(20000), seed=48 + i, prefix=f"more{i}")
            for j, r in enumerate(more):
                r["partition"] = j % 3
            produce(topics.raw, more)
            extra += more
        proc = start_service(cfg, log)
        time.sleep(rng.uniform(0.3, 2.5))
        proc.kill()
        proc.wait()
        kills += 1
    total = len(good) + len(extra) + len(bad)
    mid = committed_total(topics)
    print(f"    {kills} kill -9 at random points; {mid} of {total} committed before the final run",
          flush=True)
    check(mid < total, "the last kill landed mid-stream")
    finish(topics, cfg, log)
    assert_outcomes("kill -9 x20", topics, good + extra, bad, exactly_once=False)
    # enrichers/dedup/DEDUP.md, "Redelivery: the guarantee": every re-delivered
    # article got the same decision, story and quotes' `new` each time
    import redelivery
    recs = consume(topics.enriched, topics.duplicates, idle_ms=2000, timeout_ms=300000)
    redelivered, diff = redelivery.differing(recs, topics)
    print(f"    {len(redelivered)} article ids re-delivered, {len(diff)} with other events", flush=True)
    check(not diff, f"{len(diff)} re-delivered ids got other events: " +
          "; ".join(redelivery.describe(a, diff[a]) for a in sorted(diff)[:5]))


def wait_keys(topics, keys, timeout):
    """Waits until every key has an output on enriched or duplicates;
    returns the keys that have one."""
    deadline = time.time() + timeout
    while True:
        got = {r["key"] for r in consume(topics.enriched, topics.duplicates, idle_ms=500,
                                         timeout_ms=20000)}
        if keys <= got or time.time() > deadline:
            return keys & got
        time.sleep(0.5)


@test
def redelivered_article_gets_the_same_events_after_kill_9():
    """enrichers/dedup/DEDUP.md, "Redelivery: the guarantee": at least once, an
    article's outputs become visible only after the changelog records
    produced before them (its own and the earlier articles') are
    acknowledged, so a re-delivery is decided against the state its first
    visible attempt saw. Phase 1 gives the service a changelog that refuses
    every record (max.message.bytes 64): as when kill -9 lands between the
    outputs' acknowledgement and the changelog record's, the records are
    lost; the service stops on the failure, and nothing of that attempt may
    be visible (before the gate its outputs were). Phase 2 (a sound
    changelog) is killed once every output is acknowledged and nothing is
    committed; phase 3 finishes. Every article id output more than once
    (all of them) must have had the same events each time. The stream: an
    original behind fillers on partition 0 and its near copy on partition
    1, so that the order of the two differs between runs."""
    real_broker()
    import redelivery
    topics = Topics(raw_partitions=2)
    refusing = topics.changelog + ".refusing"
    ktool("create-topic", refusing, "1", "compact", "max.message.bytes=64")
    fillers = good_articles(scaled(1000, 200), seed=91, prefix="fill")
    for r in fillers:
        r["partition"] = 0
    original = good_articles(1, seed=92, prefix="orig")[0]
    original["partition"] = 0
    copy = redelivery.near_copy(original, "copy-92")
    copy["partition"] = 1
    produce(topics.raw, fillers + [original, copy])

    def config(name, changelog, commit=False):
        cfg = topics.config(WORK / name, max_record_bytes=262144)
        c = json.loads(Path(cfg).read_text())
        # nothing is committed but by the last run: every attempt before it
        # is re-delivered
        c["kafka"]["group.instance.id"] = "redeliver-1"
        if not commit:
            c["kafka"]["auto.commit.interval.ms"] = "600000"
        c["topics"]["changelog"] = changelog
        Path(cfg).write_text(json.dumps(c))
        return cfg

    log = WORK / "redeliver.log"
    # phase 1: the changelog refuses every record; the service stops
    proc = start_service(config("redeliver-refusing.json", refusing), log)
    try:
        rc = proc.wait(90)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = proc.wait()
    check(rc != 0, f"the service stops when its changelog refuses a record (exit {rc})")
    leaked = consume(topics.enriched, topics.duplicates, topics.claims, idle_ms=1000)
    leaked_ids = sorted({r["key"] for r in leaked if r["topic"] != topics.claims})
    check(not leaked, f"{len(leaked)} outputs ({len(leaked_ids)} articles, e.g. "
          f"{leaked_ids[:3]}) visible though the changelog acknowledged none of their records")

    # phase 2: a sound changelog (the refusing one holds nothing: the
    # records were lost); kill -9 once every output is acknowledged
    cfg = config("redeliver.json", topics.changelog)
    proc = start_service(cfg, log)
    want = {r["key"] for r in fillers} | {original["key"], copy["key"]}
    got = wait_keys(topics, want, timeout=120)
    check(got == want, f"phase 2 output {len(got)} of {len(want)} articles")
    proc.kill()
    proc.wait()
    check(committed_total(topics) == 0, "nothing committed before the last run")

    # phase 3: everything is re-delivered once more, then committed
    finish(topics, config("redeliver-final.json", topics.changelog, commit=True), log)
    recs = consume(topics.enriched, topics.duplicates, topics.claims, idle_ms=2000)
    redelivered, diff = redelivery.differing(recs, topics)
    check(original["key"] in redelivered and copy["key"] in redelivered,
          "the original and its copy were re-delivered")
    check(not diff, f"{len(diff)} of {len(redelivered)} re-delivered ids got other events: " +
          "; ".join(redelivery.describe(a, diff[a]) for a in sorted(diff)[:5]))
    # the first visible attempt (phase 2) decided, whichever of the two came first
    dups = {r["key"]: r["json"] for r in recs if r["topic"] == topics.duplicates}
    pair = (dups.get(copy["key"], {}).get("duplicate_of") == original["key"] or
            dups.get(original["key"], {}).get("duplicate_of") == copy["key"])
    check(pair, f"the copy and the original are near duplicates: {dups.get(copy['key'])} "
          f"{dups.get(original['key'])}")
    print(f"    phase 1 (changelog refused, exit {rc}): nothing visible; {len(redelivered)} ids output twice "
          f"(a kill -9 after every output, then a last run), all with the same events", flush=True)


if __name__ == "__main__":
    sys.exit(main("faults"))
