"""redelivery — does a re-delivered article get the same events?

Shared by the broker test (test_faults.py) and the measuring script
(scripts/redelivery_kill_loop.py): a stream with exact copies, near copies
and repeated quotes spread over the partitions, and the comparison of every
article id that was output more than once (at least once re-delivers what
was not committed when the service died).

What is compared per article id, over all its outputs (enriched or
duplicates): the dedup decision (status, duplicate_of, similarity, story
id) and, per quote, its claim id and `new`; per claim id, `new` and
first_seen (article and time). Processing statistics (elapsed time) are
not decisions and are left out.
"""

import collections
import json
import random

from harness import exact_copy, good_articles, near_copy  # noqa: F401 (near_copy: test_faults)


def stream(n, seed, prefix, partitions=3):
    """n originals (PolNeAR texts first when the shared data is there, then
    synthetic articles, which repeat each other's quotes) and, for every
    third one, an exact or a near copy a few records later on another
    partition: copies and their originals are in flight together on
    different partitions. Records carry their partition."""
    rng = random.Random(seed)
    originals = good_articles(n, seed=seed, prefix=prefix)
    out = []
    pending = []   # (due index, record)
    for i, r in enumerate(originals):
        r = dict(r)
        r["partition"] = i % partitions
        out.append(r)
        if i % 3 == 0:
            make = exact_copy if rng.random() < 0.5 else near_copy
            c = make(r, f"{r['key']}-{'x' if make is exact_copy else 'n'}")
            c["partition"] = (r["partition"] + 1 + rng.randrange(partitions - 1)) % partitions
            pending.append((i + rng.randrange(1, 12), c))
        for due, c in [p for p in pending if p[0] <= i]:
            out.append(c)
        pending = [p for p in pending if p[0] > i]
    out.extend(c for _, c in pending)
    return out


def events_by_id(recs, topics):
    """{article id: [event, ...]} over enriched and duplicates, in the
    order read, and {claim id: [event, ...]}; an event is the comparable
    part of an output."""
    arts = collections.defaultdict(list)
    claims = collections.defaultdict(list)
    for r in recs:
        j = r.get("json")
        if j is None:
            continue
        if r["topic"] == topics.enriched:
            d = j.get("dedup") or {}
            status = {"near_duplicate": "near", "exact_duplicate": "exact"}.get(d.get("status"), d.get("status"))
            # an update names its version in update_of (duplicates: duplicate_of)
            of = d.get("update_of") if status == "update" else d.get("duplicate_of")
            arts[r["key"]].append(("enriched", status, of,
                                   round(d.get("similarity") or 0.0, 6), d.get("story_id"),
                                   tuple((q.get("claim_id"), q.get("new")) for q in j.get("quotes") or ())))
        elif r["topic"] == topics.duplicates:
            arts[r["key"]].append(("duplicate", j.get("kind"), j.get("duplicate_of"),
                                   round(j.get("similarity") or 0.0, 6)))
        elif r["topic"] == topics.claims:
            fs = j.get("first_seen") or {}
            # one claim id for the quotes of an article that repeat each
            # other: the quote's id tells them apart
            claims[(j.get("quote") or {}).get("id") or r["key"]].append((j.get("article_id"), j.get("new"), fs.get("article_id"),
                                     fs.get("at")))
    return arts, claims


def differing(recs, topics):
    """(re-delivered ids, ids whose re-delivery differs, {id: events} of
    those that differ). An id is re-delivered when it was output more than
    once on a topic (a near duplicate has one enriched and one duplicates
    event an attempt); it differs when its enriched events are not all
    equal, its decisions (status, duplicate_of, similarity) on enriched
    and duplicates are not all one, or one of its claims' events differ."""
    arts, claims = events_by_id(recs, topics)
    redelivered, diff = set(), {}
    for a, evs in arts.items():
        enr = [e for e in evs if e[0] == "enriched"]
        dup = [e for e in evs if e[0] == "duplicate"]
        if len(enr) > 1 or len(dup) > 1:
            redelivered.add(a)
        decisions = {e[1:4] for e in evs}
        if len(set(enr)) > 1 or len(decisions) > 1 or (enr and enr[0][1] == "unique" and dup):
            diff[a] = evs
    for cid, evs in claims.items():
        if len(evs) > 1:
            redelivered.add(evs[0][0])
        if len(set(evs)) > 1:
            aid = evs[0][0]
            diff.setdefault(aid, arts.get(aid, []) + [("claim", cid) + e[1:] for e in evs])
    return redelivered, diff


def describe(aid, evs, limit=6):
    """One line on how an id's outputs differ."""
    kinds = []
    for e in evs:
        if e[0] == "duplicate":
            kinds.append(f"dup {e[1]} of {e[2]} ({e[3]})")
        elif e[0] == "claim":
            kinds.append(f"claim {e[1]} new {e[2]} first {e[3]}")
        else:
            newq = sum(1 for _, n in e[5] if n)
            kinds.append(f"{e[1]} of {e[2]} story {e[4]} new {newq}/{len(e[5])}")
    return f"{aid}: " + " | ".join(kinds[:limit])
