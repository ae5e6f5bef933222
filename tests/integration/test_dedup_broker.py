#!/usr/bin/env python3
"""Dedup state on a real Kafka broker: the state survives a restart through
the compacted changelog, and two instances of one group share it, so a copy
handled on another partition by another instance is still caught.

Needs the service wired with the changelog reader (consumer/changelog.h).
Uses PolNeAR texts when the shared data is there, synthetic ones otherwise.
"""

import json
import re
import sys
import tempfile
import time
from pathlib import Path

from harness import (Skip, Topics, broker, check, consume, exact_copy, good_articles, ktool, main,
                     near_copy, produce,
                     start_service, stop_service, test, validate_events, wait_all_committed)

WORK = Path(tempfile.mkdtemp(prefix="newsenrich-dedup-it-"))


def outputs(topics, read_committed=False):
    recs = consume(topics.enriched, topics.duplicates, topics.claims, topics.alerts,
                   extra=("--read-committed",) if read_committed else ())
    for r in recs:
        role = topics.topic_map().get(r["topic"])
        probs = validate_events.problems(role, r["json"])
        if probs:
            raise AssertionError(f"invalid {r['topic']} event {r.get('key')}: {probs}")
    return recs


def run_until_committed(topics, cfg, log, timeout=180):
    proc = start_service(cfg, log)
    ok = wait_all_committed(topics.group, topics.raw, timeout=timeout, proc=proc)
    rc = stop_service(proc)
    if not ok:
        raise AssertionError(f"offsets not committed in time (exit {proc.returncode}); log tail:\n"
                             f"{Path(log).read_text(errors='replace')[-3000:]}")
    check(rc == 0, f"service exit {rc}")


def duplicates(recs, topics):
    return {r["key"]: r["json"] for r in recs if r["topic"] == topics.duplicates}


@test
def restart_rebuilds_state_from_the_changelog():
    broker()
    topics = Topics(raw_partitions=3)
    originals = good_articles(30, seed=51, prefix="orig")
    for i, r in enumerate(originals):
        r["partition"] = i % 3
    produce(topics.raw, originals)
    cfg = topics.config(WORK / "restart.json")
    log = WORK / "restart.log"
    run_until_committed(topics, cfg, log)

    state = consume(topics.changelog, idle_ms=1000)
    arts = [r for r in state if (r.get("key") or "").startswith("a/")]
    # PolNeAR holds a few near-identical live blogs: a near duplicate is
    # linked to its first copy, not stored as an article of its own.
    stored = {r["key"][2:] for r in arts}
    near = {k for k, v in duplicates(outputs(topics), topics).items() if v["kind"] == "near"}
    missing = sorted({r["key"] for r in originals} - stored - near)
    check(not missing, f"one changelog record per stored article; missing {missing}: " + str(
        [(r["topic"], (r.get("json") or {}).get("dedup")) for r in outputs(topics) if r.get("key") in missing]))

    # After the restart: an exact copy and a trimmed copy of articles seen
    # before it, and one article seen before it re-delivered as it was.
    copies = [exact_copy(originals[3], "copy-exact-51"), near_copy(originals[7], "copy-near-51"),
              dict(originals[5])]
    for i, r in enumerate(copies):
        r["partition"] = (i + 1) % 3
    produce(topics.raw, copies)
    run_until_committed(topics, cfg, log)
    text = Path(log).read_text(errors="replace")
    # (the reader of topics.subscriptions logs a "caught up" line too)
    check(f"caught up with {topics.changelog}:" in text, "the service rebuilt its state from the changelog on start")

    dups = duplicates(outputs(topics), topics)
    ex = dups.get("copy-exact-51")
    check(ex and ex["kind"] == "exact" and ex["duplicate_of"] == originals[3]["key"],
          f"exact copy after restart: {ex}")
    nr = dups.get("copy-near-51")
    check(nr and nr["kind"] == "near" and nr["duplicate_of"] == originals[7]["key"],
          f"near copy after restart: {nr}")
    check(originals[5]["key"] not in dups, "a re-delivered article is not a duplicate of itself")
    print(f"    {len(arts)} article records in the changelog; after restart: exact "
          f"{ex['duplicate_of']}, near {nr['duplicate_of']} ({nr['similarity']:.2f})", flush=True)


NEW_PARAGRAPHS = {
    "We will not accept": "\u201cWe will not accept this outcome under any circumstances,\u201d Senator "
                          "Jane Holloway told reporters on Friday.",
    "The committee will": "\u201cThe committee will hear the first witnesses before the end of the "
                          "month,\u201d Representative Mark Ellison said in a statement.",
}


def updated(rec, added, new_id=None, url_suffix=""):
    """A new version of an article: one paragraph with a new quote added
    (NEW_PARAGRAPHS[added]); under its own id, or under another id with the
    same canonical URL."""
    v = dict(json.loads(rec["value"]))
    v["body"] = v["body"].rstrip() + "\n\n" + NEW_PARAGRAPHS[added]
    if new_id:
        v["id"] = new_id
        v["url"] = v["url"].replace("https://", "https://www.") + url_suffix
    return {"key": new_id or rec["key"], "value": json.dumps(v)}


@test
def update_after_a_restart_is_still_recognised():
    """Issue 20: an update sent after a restart is recognised from the
    rebuilt state, by id and by canonical URL; its earlier claims are not
    new, the added quote is."""
    broker()
    topics = Topics(raw_partitions=2)
    originals = good_articles(2, seed=81, prefix="upd")
    for i, r in enumerate(originals):
        r["partition"] = i % 2
    produce(topics.raw, originals)
    cfg = topics.config(WORK / "update.json")
    log = WORK / "update.log"
    run_until_committed(topics, cfg, log)
    first_claims = [r["json"] for r in outputs(topics) if r["topic"] == topics.claims]

    same_id = updated(originals[0], "We will not accept")
    other_id = updated(originals[1], "The committee will", "upd-81-v2", "?utm_source=rss")
    same_id["partition"], other_id["partition"] = 1, 0
    produce(topics.raw, [same_id, other_id])
    run_until_committed(topics, cfg, log)
    check("caught up with" in Path(log).read_text(errors="replace"), "the service rebuilt its state")

    recs = outputs(topics)
    dups = duplicates(recs, topics)
    for upd, orig in ((same_id, originals[0]), (other_id, originals[1])):
        d = dups.get(upd["key"])
        check(d and d["kind"] == "update" and d["duplicate_of"] == orig["key"],
              f"update {upd['key']} after restart: {d}")
    enriched = [r["json"] for r in recs if r["topic"] == topics.enriched]
    later = enriched[len(originals):]
    check([e["dedup"]["status"] for e in later] == ["update", "update"]
          and sorted(e["dedup"]["update_of"] for e in later) == sorted(o["key"] for o in originals),
          f"both enriched as updates: {[e['dedup'] for e in later]}")
    claims = [r["json"] for r in recs if r["topic"] == topics.claims][len(first_claims):]
    seen_before = {c["claim_id"] for c in first_claims}
    for upd, words in ((same_id, "We will not accept"), (other_id, "The committee will")):
        mine = [c for c in claims if c["article_id"] == upd["key"]]
        added = [c for c in mine if words in c["quote"]["text"]]
        check(len(added) == 1 and added[0]["new"], f"{upd['key']}: the added quote is a new claim: {added}")
        old = [c for c in mine if c["claim_id"] in seen_before]
        check(old and not any(c["new"] for c in old),
              f"{upd['key']}: the earlier version's claims are not new: {[(c['new'], c['quote']['text'][:40]) for c in old]}")
    keys = {r["key"] for r in consume(topics.changelog, idle_ms=1000)}
    check("a/" + originals[0]["key"] in keys and any(k.startswith("a/" + originals[0]["key"] + "~") for k in keys),
          f"both versions under the same id have changelog records of their own: {sorted(keys)}")
    print(f"    after restart: {same_id['key']} (same id) and {other_id['key']} (same URL) are updates; "
          f"{sum(1 for c in claims if c['new'])} new claims of {len(claims)}", flush=True)


def assigned(log):
    """Partitions of the raw topic the instance holds now, from its log."""
    held = set()
    for line in Path(log).read_text(errors="replace").splitlines():
        try:
            msg = json.loads(line).get("msg", "")
        except ValueError:
            continue
        m = re.match(r"(assigned|revoked|revoking|lost) \d+ partition\(s\)(?: with .*)?: ?(.*)", msg)
        if not m:
            continue
        parts = {int(p) for p in re.findall(r"\[(\d+)\]", m.group(2))}
        if m.group(1) == "assigned":
            held |= parts
        else:
            held -= parts
    return held


@test
def two_instances_catch_a_copy_split_across_partitions():
    broker()
    topics = Topics(raw_partitions=2)
    cfg = topics.config(WORK / "pair.json")
    logs = [WORK / "pair-a.log", WORK / "pair-b.log"]
    procs = [start_service(cfg, logs[0])]
    time.sleep(3)
    procs.append(start_service(cfg, logs[1]))
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            a, b = assigned(logs[0]), assigned(logs[1])
            if len(a) == 1 and len(b) == 1 and a != b:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"partitions not split between the instances: {assigned(logs[0])} "
                                 f"{assigned(logs[1])}")
        pa, pb = next(iter(assigned(logs[0]))), next(iter(assigned(logs[1])))
        src = good_articles(3, seed=61, prefix="pair")
        original, other = dict(src[0]), dict(src[1])
        original["partition"] = pa
        other["partition"] = pb
        produce(topics.raw, [original, other])
        deadline = time.time() + 60
        while time.time() < deadline:
            got = {r["key"] for r in consume(topics.enriched, idle_ms=300, timeout_ms=5000)}
            if original["key"] in got:
                break
        # The race window (enrichers/dedup/DEDUP.md): instance B learns of the
        # original when it polls the changelog after A's record is written.
        time.sleep(2)
        copy = exact_copy(original, "pair-copy-61")
        copy["partition"] = pb
        trimmed = near_copy(original, "pair-near-61")
        trimmed["partition"] = pb
        produce(topics.raw, [copy, trimmed])
        check(wait_all_committed(topics.group, topics.raw, timeout=120), "offsets committed")
    finally:
        rcs = [stop_service(p) for p in procs]
    check(rcs == [0, 0], f"exit codes {rcs}")
    dups = duplicates(outputs(topics), topics)
    ex = dups.get("pair-copy-61")
    check(ex and ex["kind"] == "exact" and ex["duplicate_of"] == original["key"],
          f"copy on the other instance's partition: {ex}")
    nr = dups.get("pair-near-61")
    check(nr and nr["kind"] == "near" and nr["duplicate_of"] == original["key"],
          f"near copy on the other instance's partition: {nr}")
    handled_b = Path(logs[1]).read_text(errors="replace")
    check(f"caught up with {topics.changelog}:" in handled_b, "instance B read the changelog")
    print(f"    original on partition {pa} (instance A), copies on partition {pb} (instance B): "
          f"exact and near caught", flush=True)


def write_in_transaction(topic, rec, ending, txid):
    """Writes one consumed record again, in a transaction of its own that
    ends as `ending` says: commit, abort, or open (left open by a producer
    that dies, as a killed exactly_once instance leaves its transaction)."""
    line = json.dumps({"key": rec["key"], "value_b64": rec["value_b64"]}) + "\n"
    ktool("produce", topic, "--transaction", ending, "-X", f"transactional.id={txid}",
          input=line.encode())


@test
def exactly_once_rebuild_reads_only_committed_changelog_records():
    if broker().kind == "mock":
        raise Skip("the mock cluster has no real transactions")
    # Real changelog records of three articles, from a scratch instance.
    scratch = Topics(raw_partitions=1)
    arts = good_articles(3, seed=71, prefix="eos")
    produce(scratch.raw, arts)
    run_until_committed(scratch, scratch.config(WORK / "eos-scratch.json"), WORK / "eos-scratch.log")
    recs = {r["key"]: r for r in consume(scratch.changelog, idle_ms=1000)}
    missing = [a["key"] for a in arts if "a/" + a["key"] not in recs]
    check(not missing, f"scratch instance wrote article records for {missing}")
    aborted, left_open, committed = (recs["a/" + a["key"]] for a in arts)

    # The changelog the instance will rebuild from: one article in an
    # aborted transaction, one in a transaction its own predecessor (same
    # transactional id) left open when it died, and one committed after
    # that open transaction began, so a read_committed reader sees it only
    # once the open one is ended (the new instance fences and aborts it).
    topics = Topics(raw_partitions=1)
    tid = topics.group + "-instance"
    write_in_transaction(topics.changelog, aborted, "abort", tid + "-aborting")
    write_in_transaction(topics.changelog, left_open, "open", tid)
    write_in_transaction(topics.changelog, committed, "commit", tid + "-committing")
    produce(topics.raw, [exact_copy(a, f"eos-copy-{i}") for i, a in enumerate(arts)])

    cfg = topics.config(WORK / "eos.json", guarantee="exactly_once", transactional_id=tid)
    log = WORK / "eos.log"
    run_until_committed(topics, cfg, log)
    m = re.search(r"caught up with " + re.escape(topics.changelog) + r": (\d+) records applied in ([\d.]+) s",
                  Path(log).read_text(errors="replace"))
    check(m, "the instance logged its rebuild")
    applied, secs = int(m.group(1)), float(m.group(2))
    check(applied == 1, f"only the committed record is applied on rebuild, not {applied}")
    # 60 s is the dead producer's transaction timeout, after which the
    # broker would have aborted its transaction anyway.
    check(secs < 30, f"rebuild took {secs} s: it waited on the open transaction")
    dups = duplicates(outputs(topics, read_committed=True), topics)
    check(dups.get("eos-copy-2", {}).get("duplicate_of") == arts[2]["key"],
          f"a copy of the committed article is caught: {dups.get('eos-copy-2')}")
    check("eos-copy-0" not in dups and "eos-copy-1" not in dups,
          f"copies of articles whose records were aborted are not duplicates: {sorted(dups)}")
    print(f"    rebuild applied {applied} of 3 changelog records (1 aborted, 1 left open by a dead "
          f"predecessor) in {secs:.1f} s; the committed article's copy caught", flush=True)


if __name__ == "__main__":
    sys.exit(main("dedup-broker"))
