#!/usr/bin/env python3
"""observe.py — the dashboard and the alert rules on a live newsenrich,
through Debian's Prometheus (/usr/bin/prometheus, package prometheus).

    BUILD=build /usr/bin/python3 scripts/observe.py [--steady-s 40] [--burst-s 40] [--bench-e2e]

Starts the tests' Kafka broker (tests/integration/harness.py), a webhook
receiver with one healthy and one failing (503) endpoint, `newsenrich run`
with metrics, and a Prometheus scraping it every second with the rules of
deploy/prometheus/rules.yml, their durations divided by 30 (10m -> 20s,
5m -> 10s; thresholds unchanged) so that a few minutes show what hours
would. Then:

1. steady: articles at a modest rate, then for 15 s one bad record for
   every few good ones (dead letters); prints every dashboard panel's query
   and its value;
2. the broker restarted mid-stream (the fault test's event), then a burst
   faster than the service consumes; prints the panels again mid-burst;
3. until the lag is drained; then the service killed (kill -9) for 15 s
   and started again; prints each alert's transitions (pending, firing,
   inactive) with their times.

With --bench-e2e, first `make bench-e2e` (its phases BENCH_E2E_PHASES,
default alo,eos: one service at a time, so that one metrics port serves
them all; BENCH_E2E_ARTICLES default 20000, so that a phase lasts longer
than the panels' 15 s rate window) with every `newsenrich run` it starts
serving metrics (NEWSENRICH_METRICS_* in the environment) to a Prometheus
of its own; prints every panel at the sample of highest throughput. Then
the run above on the tests' broker.

Around the broker restart it prints the notifier group's committed offsets
on the alerts topic against their ends, and the already-delivered count:
whether alerts re-read after the restart are those past the last commit.

Nothing is asserted: this prints figures for a person (and for issue notes).
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import harness  # noqa: E402
import webhook_receiver  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SCALE = 30   # rule durations divided by this


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scaled_rules(text):
    """rules.yml with every duration ("for: 10m", "[5m]") divided by SCALE."""
    def secs(n, unit):
        return int(n) * {"s": 1, "m": 60, "h": 3600}[unit] // SCALE
    text = re.sub(r"for: (\d+)([smh])", lambda m: f"for: {max(1, secs(*m.groups()))}s", text)
    return re.sub(r"\[(\d+)([smh])\]", lambda m: f"[{max(4, secs(*m.groups()))}s]", text)


def panel_queries():
    dash = json.loads((ROOT / "deploy" / "grafana" / "newsenrich.json").read_text())
    for p in dash["panels"]:
        for t in p.get("targets", []):
            expr = (t["expr"].replace("$__rate_interval", "15s")
                    .replace('"$job"', '".*"').replace('"$instance"', '".*"'))
            yield p["title"], t.get("legendFormat", ""), expr


class Prometheus:
    def __init__(self, work, target):
        work.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (work / "rules.yml").write_text(scaled_rules((ROOT / "deploy" / "prometheus" / "rules.yml").read_text()))
        (work / "prometheus.yml").write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            "rule_files:\n  - rules.yml\n"
            f"scrape_configs:\n  - job_name: newsenrich\n    static_configs:\n      - targets: ['{target}']\n")
        self.proc = subprocess.Popen(
            ["/usr/bin/prometheus", f"--config.file={work / 'prometheus.yml'}",
             f"--storage.tsdb.path={work / 'tsdb'}", f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=open(work / "prometheus.log", "wb"), stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("prometheus did not start; see " + str(work / "prometheus.log"))

    def api(self, path, **params):
        url = f"http://127.0.0.1:{self.port}/api/v1/{path}?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())["data"]

    def query(self, expr):
        return self.api("query", query=expr)["result"]

    def alerts(self):
        return self.api("alerts")["alerts"]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)


def fmt(v):
    x = float(v)
    if x != x:
        return "NaN"
    return f"{x:,.0f}" if abs(x) >= 100 or x == int(x) else f"{x:.3g}"


def panel_values(prom):
    """[(title, expr, "legend=value, ...")] for every panel query now."""
    out = []
    for title, legend, expr in panel_queries():
        res = prom.query(expr)
        vals = []
        for r in res:
            lab = legend
            for k, v in r["metric"].items():
                lab = lab.replace("{{" + k + "}}", v)
            vals.append(f"{lab or 'value'}={fmt(r['value'][1])}")
        out.append((title, expr, ", ".join(sorted(vals)) or "(no series)"))
    return out


def print_panels(prom, when, values=None):
    print(f"\n== dashboard panels, {when}")
    for title, expr, vals in values or panel_values(prom):
        print(f"- {title} | `{expr}` | {vals}")


def consumed_rate(prom):
    r = prom.query("sum(rate(newsenrich_records_consumed_total[15s]))")
    return float(r[0]["value"][1]) if r else 0.0


def bench_e2e(work, build):
    """`make bench-e2e` with its services scraped; prints the panels at the
    sample of highest consumption rate and the bench's own figures."""
    mport = free_port()
    prom = Prometheus(work / "bench-prometheus", f"127.0.0.1:{mport}")
    env = dict(os.environ, NEWSENRICH_METRICS_ENABLED="true", NEWSENRICH_METRICS_LISTEN=f"127.0.0.1:{mport}",
               BENCH_E2E_PHASES=os.environ.get("BENCH_E2E_PHASES", "alo,eos"),
               BENCH_E2E_ARTICLES=os.environ.get("BENCH_E2E_ARTICLES", "20000"))
    print(f"== make bench-e2e (phases {env['BENCH_E2E_PHASES']}, {env['BENCH_E2E_ARTICLES']} articles), "
          f"its services scraped by Prometheus at http://127.0.0.1:{prom.port}", flush=True)
    t0 = time.time()
    proc = subprocess.Popen(["make", "--no-print-directory", f"BUILD={build}", "bench-e2e"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    best, best_rate, best_t = None, 0.0, 0.0
    try:
        while proc.poll() is None:
            time.sleep(2)
            try:
                rate = consumed_rate(prom)
                if rate > best_rate:
                    best, best_rate, best_t = panel_values(prom), rate, time.time() - t0
            except OSError:
                pass
        reader.join(10)
    finally:
        prom.stop()
    print("".join(lines), end="")
    print(f"make bench-e2e exit {proc.returncode}, {time.time() - t0:.0f} s", flush=True)
    if best:
        print_panels(prom, f"make bench-e2e at its highest consumption rate, t={best_t:.0f}s "
                     f"({best_rate:,.0f} records/s)", best)
    else:
        print("(no sample with records consumed: were the services' metrics served?)")


def print_notifier_offsets(group, topic, ad_total, when):
    """The notifier group's committed offsets on the alerts topic against
    their ends, and the already-delivered count so far."""
    try:
        offs = harness.committed(group, topic, retry_s=60)
    except AssertionError as e:
        print(f"\n{when}: notifier offsets unavailable ({e})", flush=True)
        return
    behind = sum(o["high"] - (o["committed"] or 0) for o in offs)
    print(f"\n{when}: notifier group {group} on {topic}: "
          + ", ".join(f"p{o['partition']} committed {o['committed']} of {o['high']}" for o in offs)
          + f" ({behind} behind); already_delivered so far {ad_total()}", flush=True)


class AlertWatch(threading.Thread):
    """Samples the alerts every second and keeps each one's transitions."""

    def __init__(self, prom, t0):
        super().__init__(daemon=True)
        self.prom, self.t0 = prom, t0
        self.state = {}
        self.log = []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            try:
                now = {a["labels"]["alertname"]: a["state"] for a in self.prom.alerts()}
            except OSError:
                now = None
            if now is not None:
                for name in set(now) | set(self.state):
                    st = now.get(name, "inactive")
                    if self.state.get(name, "inactive") != st:
                        self.log.append((time.time() - self.t0, name, st))
                        self.state[name] = st
            self.halt.wait(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steady-s", type=float, default=40)
    ap.add_argument("--burst-s", type=float, default=40)
    ap.add_argument("--drain-timeout-s", type=float, default=240)
    ap.add_argument("--bench-e2e", action="store_true", help="first `make bench-e2e`, scraped")
    a = ap.parse_args()
    if not shutil.which("/usr/bin/prometheus"):
        raise SystemExit("needs Debian's prometheus package (scripts/install-deps.sh --test)")
    work = Path(tempfile.mkdtemp(prefix="newsenrich-observe-"))
    if a.bench_e2e:
        bench_e2e(work, os.environ.get("BUILD", "build"))
    b = harness.broker()
    topics = harness.Topics(raw_partitions=3)
    rcv = webhook_receiver.serve("127.0.0.1", 0, SECRET, rules={"/down": {"status": 503}}, quiet=True)
    mport = free_port()
    cfg_path = topics.config(work / "config.json")
    cfg = json.loads(cfg_path.read_text())
    cfg["kafka"]["statistics.interval.ms"] = "1000"
    cfg["metrics"] = {"enabled": True, "listen": f"127.0.0.1:{mport}"}
    # The stream is PolNeAR's 2016 political news (synthetic articles when the
    # shared data is absent, which quote harness._FIRST x _LAST): watch both.
    people = [{"id": "donald-trump", "name": "Donald Trump"}, {"id": "hillary-clinton", "name": "Hillary Clinton"},
              {"id": "barack-obama", "name": "Barack Obama"}]
    people += [{"id": f"p{i}", "name": f"{f} {l}"} for i, (f, l) in
               enumerate((f, l) for f in harness._FIRST[:3] for l in harness._LAST[:3])]
    cfg["watchlist"] = {"people": people}
    base = f"http://127.0.0.1:{rcv.server_port}"
    cfg["webhooks"] = {"allow_private": True, "subscriptions": [
        {"id": "ok", "url": base + "/ok", "secret": SECRET, "people": [p["id"] for p in people]},
        {"id": "down", "url": base + "/down", "secret": SECRET, "people": [p["id"] for p in people[:2]],
         "max_attempts": 3, "backoff_initial_ms": 200, "backoff_max_ms": 1000}]}
    cfg_path.write_text(json.dumps(cfg, indent=2))
    prom = Prometheus(work, f"127.0.0.1:{mport}")

    def ad_total():
        r = prom.query('sum(newsenrich_webhook_alerts_total{result="already_delivered"})')
        return fmt(r[0]["value"][1]) if r else "(no series)"

    proc = harness.start_service(cfg_path, work / "newsenrich.log")
    t0 = time.time()
    watch = AlertWatch(prom, t0)
    watch.start()
    print(f"work dir {work}; broker {b.kind} at {b.bootstrap}; Prometheus at http://127.0.0.1:{prom.port}",
          flush=True)
    try:
        stream = harness.StreamProducer(topics.raw, partitions=3, batch=200, seed=7, pause_s=0.5)
        stream.start()
        time.sleep(a.steady_s / 2)
        t_bad = time.time()
        k = 0
        while time.time() - t_bad < 15:      # ~40 bad records a second beside ~400 good ones
            k += 1
            harness.produce(topics.raw, [dict(r, key=f"{r['key']}-{k}", partition=k % 3)
                                         for r, _ in harness.bad_records(seed=k, too_large_bytes=2000)] * 5)
            time.sleep(0.5)
        print(f"\nbad records from t={t_bad - t0:.0f}s to t={time.time() - t0:.0f}s", flush=True)
        print_panels(prom, f"steady stream with bad records, t={time.time() - t0:.0f}s")
        time.sleep(max(0.0, a.steady_s / 2 - 15))

        print_notifier_offsets(f"{topics.group}-notifier", topics.alerts, ad_total, "before the broker restart")
        t_restart = time.time() - t0
        b.restart()
        print(f"\nbroker restarted at t={t_restart:.0f}s, back at t={time.time() - t0:.0f}s", flush=True)
        print_notifier_offsets(f"{topics.group}-notifier", topics.alerts, ad_total, "just after it")
        stream.stop()
        burst = harness.StreamProducer(topics.raw, partitions=3, batch=3000, seed=8, pause_s=0)
        burst.start()
        time.sleep(a.burst_s / 2)
        print_panels(prom, f"mid-burst after the restart, t={time.time() - t0:.0f}s")
        time.sleep(a.burst_s / 2)
        burst.stop()
        print(f"\nburst over at t={time.time() - t0:.0f}s", flush=True)
        deadline = time.time() + a.drain_timeout_s
        while time.time() < deadline:
            time.sleep(2)
            lag = prom.query("sum(newsenrich_consumer_lag)")
            if (lag and float(lag[0]["value"][1]) == 0
                    and all(s == "inactive" for n, s in watch.state.items() if n != "NewsenrichWebhookFailing"
                            and n != "NewsenrichWebhookBreakerOpen" and n != "NewsenrichWebhookDeadLetters")):
                break
        print_panels(prom, f"drained, t={time.time() - t0:.0f}s")
        print_notifier_offsets(f"{topics.group}-notifier", topics.alerts, ad_total, "drained")
        proc.kill()
        proc.wait()
        print(f"\nservice killed (kill -9) at t={time.time() - t0:.0f}s", flush=True)
        time.sleep(15)
        proc = harness.start_service(cfg_path, work / "newsenrich.log")
        print(f"service started again at t={time.time() - t0:.0f}s", flush=True)
        time.sleep(25)
    finally:
        watch.halt.set()
        watch.join(5)
        harness.stop_service(proc)
        prom.stop()
        rcv.shutdown()
        harness.kill_leftovers()
        b.stop()
    print("\n== alert transitions (rules' durations / %d; t in seconds from the service's start)" % SCALE)
    for t, name, st in watch.log:
        print(f"  t={t:6.1f}s  {name:32s} {st}")
    print("  still active at the end: " + (", ".join(f"{n} ({s})" for n, s in watch.state.items()
                                                     if s != "inactive") or "none"))


if __name__ == "__main__":
    main()
