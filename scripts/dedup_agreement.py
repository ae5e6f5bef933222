#!/usr/bin/env python3
"""dedup_agreement — do two builds make the same dedup decisions?

  dedup_agreement.py BASE_BIN NEW_BIN [--records N] [--corpus DIR] [--synthetic N]
                     [--config FILE]

Runs `BIN enrich` of each build (one process per input, so the state grows
as in the service) over the bench corpus (scripts/bench_corpus.py, `make
bench` writes it into .cache/bench/): the 924 PolNeAR originals, the first N
records of polnear-varied.jsonl (default 20,000) and, with --synthetic N, the
first N synthetic articles; --config passes a configuration to both (`enrich
-c FILE`: a small dedup.max_entries, say, so the state rotates and grows
within the corpus). For every article it compares what dedup decided:
the status (unique / near / exact), duplicate_of, the similarity and the
story id, and for every claim whether it is new and where it was first seen
(first_seen.at is a wall-clock time and not compared). Prints the counts of
articles and claims that differ, and the first differences.

There is no story ground truth: this is the regression check of a change that
should not move decisions (a cheaper state, say). Exit status 0 when nothing
differs, 1 otherwise. Reads only the corpus; writes nothing.
"""
import json
import subprocess
import sys
from itertools import islice
from pathlib import Path


def decisions(binary, lines, config=None):
    """Article id -> dedup decision, claim id -> novelty, from `enrich`."""
    cmd = [binary, "enrich"] + (["-c", config] if config else [])
    proc = subprocess.run(cmd, input="".join(lines).encode(),
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    arts, claims = {}, {}
    for line in proc.stdout.decode().splitlines():
        ev = json.loads(line)
        topic, v = ev["topic"], ev["value"]
        if topic == "articles.enriched":
            d = v["dedup"]
            arts[v["id"]] = (d["status"], d["duplicate_of"], round(d["similarity"], 4), d["story_id"])
        elif topic == "articles.duplicates" and v.get("kind") == "exact" and v["id"] not in arts:
            # an exact duplicate ends the chain: this event is all there is
            arts[v["id"]] = ("exact", v["duplicate_of"], round(v["similarity"], 4), None)
        elif topic == "claims":
            claims[(v["article_id"], v["claim_id"])] = (v["new"], v["first_seen"]["article_id"])
    return arts, claims


def compare(name, base, new, out):
    ba, bc = base
    na, nc = new
    ids = sorted(set(ba) | set(na))
    diff_art = [i for i in ids if ba.get(i) != na.get(i)]
    kinds = {"status": 0, "duplicate_of": 0, "similarity": 0, "story_id": 0, "missing": 0}
    for i in diff_art:
        b, n = ba.get(i), na.get(i)
        if b is None or n is None:
            kinds["missing"] += 1
            continue
        for k, (x, y) in zip(("status", "duplicate_of", "similarity", "story_id"), zip(b, n)):
            kinds[k] += x != y
    cids = set(bc) | set(nc)
    diff_claims = [c for c in cids if bc.get(c) != nc.get(c)]
    joined_b = sum(1 for i in ba if ba[i][0] == "unique" and ba[i][3] != i)
    joined_n = sum(1 for i in na if na[i][0] == "unique" and na[i][3] != i)
    out.append(f"{name}: {len(ids)} articles, {len(diff_art)} differ "
               f"(status {kinds['status']}, duplicate_of {kinds['duplicate_of']}, "
               f"similarity {kinds['similarity']}, story_id {kinds['story_id']}, "
               f"missing {kinds['missing']}); unique articles joined to another's story: "
               f"{joined_b} -> {joined_n}; {len(cids)} claims, {len(diff_claims)} differ")
    for i in diff_art[:10]:
        out.append(f"  {i}: {ba.get(i)} -> {na.get(i)}")
    return len(diff_art) + len(diff_claims)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    base_bin, new_bin = args[0], args[1]
    records, synthetic, corpus, config = 20000, 0, Path(".cache/bench"), None
    if "--records" in args:
        records = int(args[args.index("--records") + 1])
    if "--synthetic" in args:
        synthetic = int(args[args.index("--synthetic") + 1])
    if "--config" in args:
        config = args[args.index("--config") + 1]
    if "--corpus" in args:
        corpus = Path(args[args.index("--corpus") + 1])
    if not (corpus / "polnear-varied.jsonl").exists():
        print(f"dedup_agreement: {corpus}/polnear-varied.jsonl not found (make bench writes it, "
              f"or scripts/bench_corpus.py ../shared/data/polnear {corpus})", file=sys.stderr)
        return 2
    inputs = [("polnear-originals (924)", corpus / "polnear-originals.jsonl", None),
              (f"polnear-varied (first {records})", corpus / "polnear-varied.jsonl", records)]
    if synthetic:
        inputs.append((f"synthetic (first {synthetic})", corpus / "synthetic.jsonl", synthetic))
    out, differ = [], 0
    for name, path, n in inputs:
        if not path.exists():
            out.append(f"{name}: {path} not found, skipped")
            continue
        with open(path, encoding="utf-8") as f:
            lines = list(islice(f, n)) if n else f.readlines()
        differ += compare(name, decisions(base_bin, lines, config), decisions(new_bin, lines, config), out)
    print("\n".join(out))
    print("dedup_agreement: " + ("identical decisions" if differ == 0 else f"{differ} decisions differ"))
    return 0 if differ == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
