#!/usr/bin/env python3
"""redelivery_kill_loop — how many re-delivered articles get other events?

Runs `newsenrich run` on a real Kafka broker (scripts/kafka-broker.sh, jars
from $NEWSENRICH_CACHE) over a stream with exact copies, near copies and
repeated quotes spread over 3 partitions (tests/integration/redelivery.py),
kills it with SIGKILL --kills times at random moments (restarting it each
time, static membership so it takes its partitions back at once), lets a
last run finish, then reads articles.enriched, duplicates and claims (not
read_committed: at least once) and, for every article id output more than
once, compares its events. Prints the counts and the first differing ids.

  BUILD=build NEWSENRICH_CACHE=/work/main/.cache scripts/redelivery_kill_loop.py \\
      [--kills 20] [--records 30000] [--seed 7] [--threads N] [--show 15]
"""

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration"))

import harness  # noqa: E402
from harness import Topics, broker, committed, consume, produce, start_service, stop_service  # noqa: E402
import redelivery  # noqa: E402


def committed_total(topics):
    return sum(o["committed"] or 0 for o in committed(topics.group, topics.raw))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--records", type=int, default=30000, help="originals to start with")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threads", type=int, default=None, help="processing.threads (default: the config's)")
    ap.add_argument("--show", type=int, default=15)
    ap.add_argument("--dump", help="write the outputs read (JSON lines) here, for redelivery.py")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="newsenrich-redelivery-"))
    try:
        broker()
        topics = Topics(raw_partitions=3)
        produced = redelivery.stream(args.records, args.seed, "k0")
        produce(topics.raw, produced)
        extra = {} if args.threads is None else {"threads": args.threads}
        cfg = topics.config(work / "loop.json", max_record_bytes=262144, **extra)
        c = json.loads(Path(cfg).read_text())
        c["kafka"]["group.instance.id"] = "redelivery-loop-1"
        Path(cfg).write_text(json.dumps(c))
        log = work / "loop.log"
        rng = random.Random(args.seed)
        for i in range(args.kills):
            if committed_total(topics) > len(produced) - 8000:
                more = redelivery.stream(10000, args.seed + 1 + i, f"k{i + 1}")
                produce(topics.raw, more)
                produced += more
            proc = start_service(cfg, log)
            time.sleep(rng.uniform(0.3, 2.5))
            proc.kill()
            proc.wait()
        mid = committed_total(topics)
        proc = start_service(cfg, log)
        ok = harness.wait_all_committed(topics.group, topics.raw, timeout=600, proc=proc)
        rc = stop_service(proc)
        if not ok or rc != 0:
            print(f"last run did not finish (exit {rc}); log tail:\n"
                  f"{log.read_text(errors='replace')[-3000:]}", file=sys.stderr)
            return 2
        recs = consume(topics.enriched, topics.duplicates, topics.claims, idle_ms=3000,
                       timeout_ms=300000)
        if args.dump:
            # the changelog too (keys, origins, offsets; values dropped): which
            # attempt's record of an article reached the broker
            state = consume(topics.changelog, idle_ms=3000, timeout_ms=300000)
            with open(args.dump, "w") as f:
                f.write(json.dumps({"topics": [topics.enriched, topics.duplicates, topics.claims,
                                               topics.changelog]}) + "\n")
                for r in recs:
                    f.write(json.dumps(r) + "\n")
                for r in state:
                    r.pop("value", None)
                    r.pop("json", None)
                    r.pop("value_b64", None)
                    f.write(json.dumps(r) + "\n")
        redelivered, diff = redelivery.differing(recs, topics)
        print(f"{args.kills} kill -9; {mid} of {len(produced)} records committed before the last run; "
              f"{len(redelivered)} article ids output more than once; "
              f"{len(diff)} of them with other events")
        for aid in sorted(diff)[: args.show]:
            print("  " + redelivery.describe(aid, diff[aid]))
        return 0
    finally:
        harness.kill_leftovers()
        if harness._BROKER is not None:
            harness._BROKER.stop()


if __name__ == "__main__":
    sys.exit(main())
