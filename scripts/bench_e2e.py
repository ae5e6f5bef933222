#!/usr/bin/env python3
"""bench_e2e — `make bench-e2e`: newsenrich end to end on a real Kafka broker.

One run, one broker (scripts/kafka-broker.sh), the same N records
(BENCH_E2E_ARTICLES, default 3000, from the varied PolNeAR corpus that
scripts/bench_corpus.py writes) through each of:

  offline     tools/bench_offline on the same records (the chain alone), on
              one thread and on one per core (--threads), the two references
  enrich      `newsenrich run`, at_least_once, backlog of N records, the
              default configuration (processing.threads: one per core)
  enrich, 1 thread   the same with processing.threads 1 (phase alo1)
  passthrough tools/bench_passthrough: consume + produce unchanged, the
              service's client settings (the Kafka I/O ceiling)
  latency     the same service fed at half of the enrich rate by a paced
              producer, from the moment it is assigned its partition:
              CreateTime of the input (when the feeding producer was called)
              vs LogAppendTime of the enriched record (when the broker wrote
              it, so the service's batching counts), p50/p99, leaving out
              the records of the first five seconds (warm-up: a new process
              starts with empty caches and state, and its first records wait
              for the metadata of the output topics)
  exactly_once  `newsenrich run` with transactions, backlog of N
  2 instances   two `newsenrich run` in one group, input with 2 partitions
  pinned      the offline chain and the at_least_once service again, each
              confined to core 0 (all of the service's threads: its
              librdkafka threads too) while the broker is confined to core
              1: the cost of Kafka I/O inside the service, without the
              broker's CPU, which production runs on other machines
              (needs two cores and taskset; skipped otherwise)
  memory      tools/bench_dedup --state at 10k..1M stored articles: the
              whole dedup state (articles, story features, claims) per
              article, and peak RSS

Throughput of a Kafka run = (records - 1) / (last - first output timestamp):
group join and start-up are left out, the same way for every run. One
service run before the measured ones warms the broker up (not counted).
Skips (exit 0, message) without ../shared/data or java. Each phase is
bounded; the whole run takes a few minutes. Results also go to
.cache/bench/e2e.json.

BENCH_E2E_PHASES picks phases (comma-separated, default all): offline,
passthrough, alo, alo1, latency, eos, scale, pinned, memory. Without alo, the latency
phase feeds BENCH_E2E_LATENCY_RATE articles/s (default 300).
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / os.environ.get("BUILD", "build")
BIN, KTOOL = BUILD / "newsenrich", BUILD / "ktool"
OFFLINE, PASS = BUILD / "tools" / "bench_offline", BUILD / "tools" / "bench_passthrough"
BENCH_DEDUP = BUILD / "tools" / "bench_dedup"
DATA = Path(os.environ.get("NEWSENRICH_DATA_DIR", ROOT.parent / "shared" / "data"))
CACHE = Path(os.environ.get("NEWSENRICH_CACHE", ROOT / ".cache"))
N = int(os.environ.get("BENCH_E2E_ARTICLES", "3000"))
LAT_SECONDS = float(os.environ.get("BENCH_E2E_LATENCY_S", "20"))
PHASES = set(os.environ.get("BENCH_E2E_PHASES", "offline,passthrough,alo,alo1,latency,eos,scale,pinned,memory")
             .split(","))
WARMUP_S = 5.0
LAT_RATE = float(os.environ.get("BENCH_E2E_LATENCY_RATE", "300"))
MEM_SIZES = [int(x) for x in os.environ.get("BENCH_MEM_SIZES", "10000,100000,1000000").split(",")]


def log(msg):
    print(msg, flush=True)


def run(args, **kw):
    return subprocess.run([str(a) for a in args], capture_output=True, **kw)


class Broker:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="newsenrich-bench-kafka-"))
        p = run([ROOT / "scripts" / "kafka-broker.sh", "start", self.dir], timeout=600)
        if p.returncode:
            raise RuntimeError("broker did not start: " + p.stderr.decode(errors="replace")[-2000:])
        self.bootstrap = next(l.split("=", 1)[1].strip() for l in p.stdout.decode().splitlines()
                              if l.startswith("BOOTSTRAP="))
        self.ktool("wait-ready")

    def ktool(self, *args, input=None, timeout=300):
        p = run([KTOOL, args[0], "-b", self.bootstrap] + list(args[1:]), input=input, timeout=timeout)
        if p.returncode:
            raise RuntimeError(f"ktool {args}: {p.stderr.decode(errors='replace')[-1000:]}")
        return p.stdout.decode()

    def stop(self):
        run([ROOT / "scripts" / "kafka-broker.sh", "stop", self.dir], timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)


class Topics:
    n = 0

    def __init__(self, b, raw_partitions=1, append_time=False):
        Topics.n += 1
        tag = f"bench{int(time.time()) % 100000}-{Topics.n}"
        self.b, self.tag = b, tag
        self.raw, self.enriched = f"{tag}.articles.raw", f"{tag}.articles.enriched"
        self.others = {k: f"{tag}.{k}" for k in ("duplicates", "claims", "alerts", "dlq",
                                                   "alerts_dlq")}
        self.changelog = f"{tag}.state"
        self.group = f"{tag}-group"
        b.ktool("create-topic", self.raw, str(raw_partitions))
        # append_time: enriched records carry the time the broker appended
        # them (after the service's producer batched and sent them), not
        # the time the service called produce
        b.ktool("create-topic", self.enriched, "1",
                *(["message.timestamp.type=LogAppendTime"] if append_time else []))
        for t in self.others.values():
            b.ktool("create-topic", t, "1")
        b.ktool("create-topic", self.changelog, "1", "compact")

    def config(self, path, **processing):
        topics = {"raw": self.raw, "enriched": self.enriched, "changelog": self.changelog}
        topics.update(self.others)
        cfg = {"kafka": {"bootstrap.servers": self.b.bootstrap, "group.id": self.group},
               "topics": topics, "processing": processing}
        Path(path).write_text(json.dumps(cfg))
        return path


def keyed_lines(records):
    return "".join(f"{json.loads(r)['id']}\t{r}\n" for r in records).encode()


def produce(b, topic, records):
    b.ktool("produce", topic, "-k", input=keyed_lines(records), timeout=600)


def consume(b, topic, extra=()):
    out = b.ktool("consume", topic, "--idle-ms", "2000", "--timeout-ms", "240000", *extra,
                  timeout=300)
    recs = []
    for l in out.splitlines():
        if l.strip():
            d = json.loads(l)
            d.pop("value", None), d.pop("value_b64", None), d.pop("json", None)
            recs.append(d)
    return recs


def rate_of(recs):
    ts = sorted(r["timestamp"] for r in recs)
    if len(ts) < 2 or ts[-1] == ts[0]:
        return 0.0
    return (len(ts) - 1) / ((ts[-1] - ts[0]) / 1000.0)


def wait_done(b, group, topic, total, procs, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = b.ktool("offsets", group, topic)
        done = sum((json.loads(l)["committed"] or 0) for l in out.splitlines() if l.strip())
        if done >= total:
            return True
        if any(p.poll() is not None for p in procs):
            return False
        time.sleep(1)
    return False


STARTED = []   # every service this run started: none may outlive it
PIN = []       # command prefix confining the chain and the services (pinned phase)


def start_service(cfg, logf):
    p = subprocess.Popen(PIN + [str(BIN), "run", "-c", str(cfg)], cwd=ROOT,
                         stdout=open(logf, "ab"), stderr=subprocess.STDOUT)
    STARTED.append(p)
    return p


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()


def service_run(b, records, work, name, partitions=1, instances=1, read_committed=False, **proc):
    t = Topics(b, partitions)
    produce(b, t.raw, records)
    cfg = t.config(work / f"{name}.json", **proc)
    procs = [start_service(cfg, work / f"{name}-{i}.log") for i in range(instances)]
    ok = wait_done(b, t.group, t.raw, len(records), procs, 600)
    stop(procs)
    if not ok:
        raise RuntimeError(f"{name}: the service did not finish; see {work}/{name}-*.log")
    out = consume(b, t.enriched, ("--read-committed",) if read_committed else ())
    return rate_of(out), len(out), t


def percentile(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


def latency_run(b, t, records, rate, work):
    """Feeds records at `rate`/s into t.raw while the service runs; returns
    the produce-to-enriched latencies in ms."""
    cfg = work / "latency.json"
    t.config(cfg, guarantee="at_least_once")
    procs = [start_service(cfg, work / "latency.log")]
    # Start-up (state rebuild, group join) is not part of the latency: feed
    # records only once the partition is assigned, and count none sent in
    # the first WARMUP_S seconds (the process's first articles fault its
    # model and caches in).
    deadline = time.time() + 120
    while "assigned 1 partition" not in (work / "latency.log").read_text(errors="replace"):
        if time.time() > deadline or procs[0].poll() is not None:
            stop(procs)
            raise RuntimeError(f"latency: the service was not assigned its partition; see {work}")
        time.sleep(0.2)
    kt = subprocess.Popen([str(KTOOL), "produce", "-b", b.bootstrap, t.raw, "-k"],
                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    t0 = time.time()
    for i, r in enumerate(records):
        wait = t0 + i / rate - time.time()
        if wait > 0:
            time.sleep(wait)
        kt.stdin.write(keyed_lines([r]))
        kt.stdin.flush()
    kt.stdin.close()
    kt.wait(120)
    raw_total = int(json.loads(b.ktool("offsets", t.group, t.raw).splitlines()[0])["high"])
    wait_done(b, t.group, t.raw, raw_total, procs, 300)
    stop(procs)
    sent = {r["key"]: r["timestamp"] for r in consume(b, t.raw)}
    want = {json.loads(r)["id"] for r in records}
    got = sorted((sent[r["key"]], r["timestamp"] - sent[r["key"]]) for r in consume(b, t.enriched)
                 if r["key"] in want and r["key"] in sent)
    got = [(ts, ms) for ts, ms in got if ts - got[0][0] >= WARMUP_S * 1000] if got else got
    if os.environ.get("BENCH_E2E_LATENCY_TRACE"):
        per_s = {}
        for ts, ms in got:
            per_s.setdefault((ts - got[0][0]) // 1000, []).append(ms)
        log("  latency per second of the run (max ms): " +
            " ".join(str(max(v)) for _, v in sorted(per_s.items())))
    slow = [(ts - got[0][0], ms) for ts, ms in got if ms > 100]
    if slow:
        log(f"  latency: {len(slow)} records over 100 ms, sent between {slow[0][0] / 1000:.2f} s and "
            f"{slow[-1][0] / 1000:.2f} s into the run")
    return [ms for _, ms in got]


def memory(work):
    """tools/bench_dedup --state at each size: the whole dedup state
    (article index, story features, claims) per stored article, by the
    state's own accounting, and the process's peak RSS."""
    rows = []
    if not BENCH_DEDUP.exists():
        return rows
    for n in MEM_SIZES:
        p = run(["/usr/bin/time", "-f", "MAXRSS %M", BENCH_DEDUP, "--state", n], timeout=900)
        text = p.stdout.decode() + p.stderr.decode()
        rss = next((int(l.split()[1]) for l in text.splitlines() if l.startswith("MAXRSS")), 0)
        parts = next((l.strip() for l in text.splitlines() if "| total" in l), "")
        rows.append({"stored": n, "peak_rss_kb": rss, "state": parts})
        log(f"  memory: {n} stored: peak RSS {rss / 1024:.1f} MiB; {parts}")
    return rows


def main():
    corpus = CACHE / "bench" / "polnear-varied.jsonl"
    if not (DATA / "polnear" / "train.jsonl").exists():
        log(f"bench-e2e: skipped: {DATA}/polnear not found (the shared data is not beside this checkout)")
        return 0
    if not shutil.which(os.environ.get("JAVA", "java")):
        log("bench-e2e: skipped: java not found (the broker needs a JRE)")
        return 0
    if not corpus.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "bench_corpus.py"),
                        str(DATA / "polnear"), str(CACHE / "bench")], check=True)
    with open(corpus, encoding="utf-8") as f:
        lines = [next(f).rstrip("\n") for _ in range(2 * N + 4000)]
    backlog, spare = lines[:N], lines[N:]
    work = Path(tempfile.mkdtemp(prefix="newsenrich-bench-"))
    recfile = work / "records.jsonl"
    recfile.write_text("\n".join(backlog) + "\n")
    res = {"articles": N, "load_avg": os.getloadavg()[0]}
    log(f"bench-e2e: {N} records, {os.cpu_count()} cores, load average {res['load_avg']:.1f} at start")

    b = Broker()
    try:
        if "offline" in PHASES:
            offline_phase(res, recfile)
        if "passthrough" in PHASES:
            passthrough_phase(res, b, backlog)
        t_alo = None
        if PHASES & {"alo", "alo1", "latency", "eos", "scale"}:
            # A freshly started broker is slow until its JIT has compiled
            # the produce path: the first service run on it went at half
            # the speed of the next ones. Warm it up, and count nothing.
            rate, _, _ = service_run(b, backlog, work, "warmup", guarantee="at_least_once")
            log(f"  warm-up run (not counted): {rate:.0f} articles/s")
        if "alo" in PHASES:
            rate, n_out, t_alo = service_run(b, backlog, work, "alo", guarantee="at_least_once")
            res["enrich_alo"], res["enrich_alo_out"] = rate, n_out
            log(f"  enrich at_least_once: {rate:.0f} articles/s ({n_out} enriched)")
        if "alo1" in PHASES:
            rate, n_out, _ = service_run(b, backlog, work, "alo1", guarantee="at_least_once", threads=1)
            res["enrich_alo1"] = rate
            log(f"  enrich at_least_once, 1 thread: {rate:.0f} articles/s ({n_out} enriched)")
        if "latency" in PHASES:
            # at half of the measured load (or the rate given)
            half = max(1.0, res["enrich_alo"] / 2) if "enrich_alo" in res else LAT_RATE
            m = min(len(spare), max(50, int(half * LAT_SECONDS)))
            lat = latency_run(b, Topics(b, append_time=True), spare[:m], half, work)
            res.update(lat_rate=half, lat_n=len(lat), lat_p50=percentile(lat, 0.5),
                       lat_p99=percentile(lat, 0.99), lat_max=max(lat) if lat else None)
            log(f"  latency at {half:.0f} articles/s ({len(lat)} records): p50 {res['lat_p50']} ms, "
                f"p99 {res['lat_p99']} ms, max {res['lat_max']} ms")
        if "eos" in PHASES:
            rate, n_out, _ = service_run(b, backlog, work, "eos", read_committed=True,
                                         guarantee="exactly_once", transactional_id="bench-eos")
            res["enrich_eos"] = rate
            log(f"  enrich exactly_once: {rate:.0f} articles/s ({n_out} enriched)")
        if "scale" in PHASES:
            # two instances, one group, two partitions (and one instance on the same layout)
            rate1, _, _ = service_run(b, backlog, work, "p2x1", partitions=2,
                                      guarantee="at_least_once")
            rate2, n_out, _ = service_run(b, backlog, work, "p2x2", partitions=2, instances=2,
                                          guarantee="at_least_once")
            res["scale_1"], res["scale_2"] = rate1, rate2
            log(f"  2 partitions: 1 instance {rate1:.0f}/s, 2 instances {rate2:.0f}/s")
        if "pinned" in PHASES:
            pinned_phase(res, b, backlog, recfile, work)
    finally:
        stop([p for p in STARTED if p.poll() is None])
        b.stop()

    res["memory"] = memory(work) if "memory" in PHASES else []
    res["load_avg_end"] = os.getloadavg()[0]
    (CACHE / "bench").mkdir(parents=True, exist_ok=True)
    (CACHE / "bench" / "e2e.json").write_text(json.dumps(res, indent=1))
    print_table(res)
    return 0


def offline_phase(res, recfile):
    """The offline chain on the same records, in the same run: on one
    thread, and (unpinned) on one per core, as the service runs by default."""
    pre = "pinned_" if PIN else ""
    for threads in [1] if PIN else [1, os.cpu_count() or 1]:
        if threads == 1 and pre + "offline_wall" in res:
            continue
        p = run(PIN + [OFFLINE, "--max-seconds", "600", "--label", "same-records", "--threads",
                       str(threads), recfile], cwd=ROOT, timeout=900)
        off = json.loads(next(l for l in p.stdout.decode().splitlines() if l.startswith("BENCH "))[6:])
        key = pre + ("offline" if threads == 1 else "offline_threads")
        res[key + "_wall"] = off["articles"] / off["wall_s"]
        res[key + "_cpu"] = off["articles"] / off["cpu_s"]
        log(f"  offline chain (same records, {threads} thread(s){', core 0' if PIN else ''}): "
            f"{res[key + '_wall']:.0f} articles/s wall, {res[key + '_cpu']:.0f} per CPU second")


def pinned_phase(res, b, backlog, recfile, work):
    """The chain and the service on core 0, the broker on core 1."""
    global PIN
    if (os.cpu_count() or 1) < 2 or not shutil.which("taskset"):
        log("  pinned: skipped (needs two cores and taskset)")
        return
    bpid = (b.dir / "pid").read_text().strip()
    all_cores = f"0-{os.cpu_count() - 1}"
    run(["taskset", "-a", "-p", "-c", "1", bpid], check=True)
    PIN = ["taskset", "-c", "0"]
    try:
        offline_phase(res, recfile)
        rate, n_out, _ = service_run(b, backlog, work, "pinned", guarantee="at_least_once", threads=1)
        res["pinned_alo"] = rate
        log(f"  enrich at_least_once, core 0 (broker on core 1): {rate:.0f} articles/s ({n_out} enriched)")
    finally:
        PIN = []
        run(["taskset", "-a", "-p", "-c", all_cores, bpid])


def passthrough_phase(res, b, backlog):
    """A plain consume + produce loop with the service's client settings:
    the I/O ceiling."""
    t = Topics(b)
    produce(b, t.raw, backlog)
    out_topic = f"{t.tag}.passthrough"
    b.ktool("create-topic", out_topic, "1")
    p = run([PASS, "-b", b.bootstrap, "-g", t.group + "-pt", "--in", t.raw, "--out", out_topic,
             "--count", len(backlog)], timeout=600)
    if p.returncode:
        raise RuntimeError("passthrough: " + p.stderr.decode()[-1000:])
    res["passthrough"] = rate_of(consume(b, out_topic))
    log(f"  passthrough (I/O ceiling): {res['passthrough']:.0f} records/s")


def print_table(res):
    """The markdown table of what was measured (BENCHMARKS.md)."""
    off = res.get("offline_wall")
    log("")
    log(f"| end to end ({res['articles']} PolNeAR-like records, load avg {res['load_avg']:.1f}) "
        f"| articles/s | ratio |")
    log("|---|---|---|")
    if off:
        log(f"| offline chain, same records (wall) | {off:.0f} | 1.00 |")
    if off and "passthrough" in res:
        log(f"| passthrough consume+produce (I/O ceiling) | {res['passthrough']:.0f} | "
            f"{res['passthrough'] / off:.2f} |")
    offt = res.get("offline_threads_wall")
    if offt:
        log(f"| offline chain, same records, {os.cpu_count()} threads (wall) | {offt:.0f} | "
            f"{offt / off:.2f} |")
    if "enrich_alo" in res:
        ratios = [f"{res['enrich_alo'] / offt:.2f} of offline at {os.cpu_count()} threads" if offt else "",
                  f"{res['enrich_alo'] / off:.2f} of offline" if off else "",
                  f"{res['enrich_alo'] / res['passthrough']:.3f} of passthrough"
                  if "passthrough" in res else ""]
        log(f"| newsenrich run, at_least_once (threads: one per core) | {res['enrich_alo']:.0f} | "
            f"{', '.join(r for r in ratios if r)} |")
    if "enrich_alo1" in res:
        ratio = f"{res['enrich_alo1'] / off:.2f} of offline" if off else ""
        log(f"| newsenrich run, at_least_once, 1 thread | {res['enrich_alo1']:.0f} | {ratio} |")
    if "enrich_eos" in res:
        ratio = f"{res['enrich_eos'] / res['enrich_alo']:.2f} of at_least_once" \
            if "enrich_alo" in res else ""
        log(f"| newsenrich run, exactly_once | {res['enrich_eos']:.0f} | {ratio} |")
    if "scale_1" in res:
        log(f"| 2 partitions, 1 instance / 2 instances | {res['scale_1']:.0f} / "
            f"{res['scale_2']:.0f} | {res['scale_2'] / max(res['scale_1'], 1e-9):.2f} |")
    if "pinned_alo" in res:
        log(f"| pinned: offline chain on core 0 / newsenrich run, at_least_once, 1 thread, on core 0, broker on "
            f"core 1 | {res['pinned_offline_wall']:.0f} / {res['pinned_alo']:.0f} | "
            f"{res['pinned_alo'] / res['pinned_offline_wall']:.2f} of offline |")
    if "lat_rate" in res:
        log(f"| latency at {res['lat_rate']:.0f}/s: p50 / p99 / max ms | {res['lat_p50']} / "
            f"{res['lat_p99']} / {res['lat_max']} | |")
    for r in res["memory"]:
        log(f"| memory at {r['stored']} stored: peak RSS | {r['peak_rss_kb'] / 1024:.1f} MiB | "
            f"{r['peak_rss_kb'] * 1024 / r['stored']:.0f} B/article |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
