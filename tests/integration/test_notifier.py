#!/usr/bin/env python3
"""`newsenrich notify` against a real Kafka broker and a real HTTP receiver
(webhook_receiver.py, which verifies every request with the official
Standard Webhooks library, `standardwebhooks` from PyPI, and answers with
scripted faults). Alerts shaped per schemas/alerts.schema.json are produced
straight to the alerts topic.

Asserts: every alert delivered at least once and, deduplicated by
webhook-id, exactly once; dead endpoints' alerts dead-lettered after the
attempts with the last status and error; a fast endpoint unaffected by a
slow one; Retry-After honoured; 410 disables the subscription; the address
guard; SIGHUP reload; kill -9 mid-delivery loses nothing; credentials in
subscription urls reach neither the log nor the dead letters."""

import collections
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import (BIN, Topics, broker, check, committed, consume, create_topic, main, produce, test,
                     validate_events, wait_all_committed)

# Words for statements that are all new claims (claim novelty would
# silence a repeated one, and with it its alert).
WORDS = ("harbour tariff grain pipeline winter budget reform treaty border election pension railway bank "
         "wheat steel energy river school vaccine army tax coal port wage rent drought loan fleet bridge "
         "court census ferry forest canal mine clinic dam airport satellite").split()

WORK = Path(tempfile.mkdtemp(prefix="newsenrich-notifier-it-"))
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
ENV = dict(os.environ, NEWSENRICH_WEBHOOK_SECRET=SECRET)
PEOPLE = [{"id": "vladimir-putin", "name": "Vladimir Putin"},
          {"id": "angela-merkel", "name": "Angela Merkel"}]
USER_AGENT = "newsenrich-it/1 (+webhooks)"


# ---- the receiver ---------------------------------------------------------

class Receiver:
    """webhook_receiver.py as a subprocess on a free port, shared by the
    tests; each test uses its own path prefix."""

    def __init__(self):
        script = Path(__file__).resolve().parent / "webhook_receiver.py"
        self.proc = subprocess.Popen([sys.executable, str(script), "--port", "0", "--quiet"],
                                     stdout=subprocess.PIPE, env=ENV)
        line = self.proc.stdout.readline().decode()
        check(line.startswith("LISTENING"), f"receiver did not start: {line!r}")
        self.port = int(line.split()[2])
        self.base = f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base + path

    def script(self, rules):
        req = urllib.request.Request(self.base + "/_script", data=json.dumps(rules).encode(), method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def received(self, prefix=""):
        """The requests received on paths under prefix; every one of them
        was verified by the standardwebhooks library (checked here, so every
        test that reads its deliveries checks that)."""
        with urllib.request.urlopen(self.base + "/_received", timeout=30) as r:
            recs = [x for x in json.loads(r.read()) if x["path"].startswith(prefix)]
        for x in recs:
            check(x["verifier"].startswith("standardwebhooks "), f"verified by {x['verifier']!r}")
        return recs

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


_RECEIVER = None


def receiver():
    global _RECEIVER
    if _RECEIVER is None:
        _RECEIVER = Receiver()
    return _RECEIVER


def closed_port():
    """A port nobody listens on: connection refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- alerts, config, the notifier -------------------------------------------

def make_alert(tag, i, sub, person=PEOPLE[0], role="speaker"):
    cid = f"claim-{tag}-{i}"
    speaker = ({"entity_id": person["id"], "name": person["name"], "text": person["name"].split()[-1]}
               if role == "speaker" else
               {"entity_id": None, "name": None, "text": "a ministry spokesman"})
    return {
        "alert_id": f"al-{tag}-{i:05d}-{sub}", "subscription_id": sub,
        "person": person, "role": role, "claim_id": cid,
        "quote": {"id": f"q-{tag}-{i}", "kind": "direct", "text": f"Statement number {i} \u201cquoted\u201d.",
                  "start": 10, "end": 40, "speaker": speaker, "cue": "said",
                  "about": [] if role == "speaker" else [person["id"]], "claim_id": cid, "new": True},
        "article": {"id": f"art-{tag}-{i}", "title": f"Story {i}", "url": f"https://news.example/{tag}/{i}",
                    "source": "wire", "published_at": "2026-11-20T10:00:00Z"},
        "created_at": "2026-11-20T10:00:01Z",
    }


class Setup:
    """Fresh topics (alerts with 3 partitions) and a config for one test."""

    def __init__(self, name, subs, partitions=3, **webhooks):
        broker()
        self.name = name
        self.topics = Topics(raw_partitions=1)
        self.alerts = self.topics.alerts + ".p"
        create_topic(self.alerts, partitions)
        self.partitions = partitions
        self.group = self.topics.group + "-notifier"
        self.cfg = WORK / f"{name}.json"
        self.log = WORK / f"{name}.log"
        self.write_config(subs, **webhooks)

    def write_config(self, subs, **webhooks):
        self.topics.config(self.cfg, shutdown_timeout_ms=5000)
        cfg = json.loads(self.cfg.read_text())
        cfg["topics"]["alerts"] = self.alerts
        cfg["watchlist"] = {"people": PEOPLE}
        wh = {"allow_private": True, "user_agent": USER_AGENT}
        wh.update(webhooks)
        wh["subscriptions"] = [dict({"secret": "env:NEWSENRICH_WEBHOOK_SECRET",
                                     "people": [p["id"] for p in PEOPLE]}, **s) for s in subs]
        cfg["webhooks"] = wh
        self.cfg.write_text(json.dumps(cfg, indent=2))

    def produce(self, alerts, start=0):
        for a in alerts:
            probs = validate_events.problems("alerts", a)
            check(not probs, f"test alert {a['alert_id']} is not schema-valid: {probs}")
        produce(self.alerts, [{"key": a["alert_id"], "value": json.dumps(a),
                               "partition": (start + k) % self.partitions} for k, a in enumerate(alerts)])

    def start(self, env=ENV):
        log = open(self.log, "ab")
        proc = subprocess.Popen([str(BIN), "notify", "-c", str(self.cfg)], stdout=log, stderr=log, env=env)
        self.wait_log("assigned", proc)
        return proc

    def wait_log(self, text, proc=None, timeout=60, count=1):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.log.exists() and self.log.read_text(errors="replace").count(text) >= count:
                return
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"notify exited {proc.returncode}; log:\n{self.tail()}")
            time.sleep(0.1)
        raise AssertionError(f"no {text!r} in the notifier log after {timeout}s:\n{self.tail()}")

    def tail(self, n=4000):
        return self.log.read_text(errors="replace")[-n:] if self.log.exists() else ""

    def wait_committed(self, proc, timeout=120):
        if not wait_all_committed(self.group, self.alerts, timeout=timeout, proc=proc):
            raise AssertionError(f"alert offsets not committed in time; log tail:\n{self.tail()}")

    def stop(self, proc):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        rc = proc.wait(60)
        check(rc == 0, f"notify exit {rc} after SIGTERM; log tail:\n{self.tail()}")

    def dead_letters(self):
        return consume(self.topics.alerts_dlq, idle_ms=1500, timeout_ms=30000)


def statement_articles(tag, n, start=0, partitions=3):
    """n raw articles, each with one new statement by Vladimir Putin: an
    alert each for a subscription that wants him."""
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
    """webhook-id -> number of 2xx answers (valid signatures only)."""
    return collections.Counter(r["webhook_id"] for r in records if r["valid"] and 200 <= r["status"] < 300)


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p))] if v else float("nan")


# ---- tests ------------------------------------------------------------------

@test
def receiver_accepts_only_what_standardwebhooks_verifies():
    # No broker: requests signed by the library itself (as another sender
    # would), then altered. The receiver must answer 204 to the genuine one
    # and 401 to every forgery, so that "valid" in the other tests means
    # the library accepted newsenrich's signature.
    from datetime import datetime, timezone
    from standardwebhooks.webhooks import Webhook
    rcv = receiver()
    p = "/t0"
    body = json.dumps({"type": "claim.new", "data": {"n": 1}}, separators=(",", ":"))
    now = datetime.now(tz=timezone.utc)
    good = {"webhook-id": "msg_t0_good", "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(SECRET).sign("msg_t0_good", now, body)}
    other_key = Webhook("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY")
    stale = datetime.fromtimestamp(now.timestamp() - 600, tz=timezone.utc)
    cases = {
        "good": (good, body, 204),
        "tampered": (good, body.replace("1", "2"), 401),
        "other-secret": (dict(good, **{"webhook-signature": other_key.sign("msg_t0_good", now, body)}), body, 401),
        "other-id": (dict(good, **{"webhook-id": "msg_t0_other"}), body, 401),
        "stale": (dict(good, **{"webhook-timestamp": str(int(stale.timestamp())),
                                "webhook-signature": Webhook(SECRET).sign("msg_t0_good", stale, body)}), body, 401),
        "no-signature": ({k: v for k, v in good.items() if k != "webhook-signature"}, body, 401),
        "rotated": (dict(good, **{"webhook-signature": other_key.sign("msg_t0_good", now, body) + " "
                                  + good["webhook-signature"]}), body, 204),
    }
    for name, (headers, data, want) in cases.items():
        req = urllib.request.Request(rcv.url(f"{p}/{name}"), data=data.encode(), method="POST",
                                     headers=dict(headers, **{"Content-Type": "application/json"}))
        try:
            status = urllib.request.urlopen(req, timeout=10).status
        except urllib.error.HTTPError as e:
            status = e.code
        check(status == want, f"{name}: {status}, want {want}")
    recs = {r["path"].rsplit("/", 1)[1]: r for r in rcv.received(p)}
    check(set(recs) == set(cases), f"recorded {sorted(recs)}")
    check(recs["stale"]["error"] and "old" in recs["stale"]["error"].lower(), f"stale: {recs['stale']['error']!r}")
    check(recs["good"]["valid"] and not recs["tampered"]["valid"], "valid flags")


@test
def every_alert_delivered_once_per_webhook_id_despite_faults():
    rcv = receiver()
    p = "/t1"
    rcv.script({f"{p}/flaky": {"every": 4, "fail": {"status": 503}},
                f"{p}/dropper": {"every": 5, "fail": {"drop": True}}})
    subs = [{"id": "fast", "url": rcv.url(f"{p}/fast")},
            {"id": "flaky", "url": rcv.url(f"{p}/flaky"), "backoff_initial_ms": 200, "backoff_max_ms": 1000},
            {"id": "dropper", "url": rcv.url(f"{p}/dropper"), "backoff_initial_ms": 200, "backoff_max_ms": 1000}]
    s = Setup("exactly-once", subs)
    with socket.socket() as so:              # the metrics endpoint, on a free port
        so.bind(("127.0.0.1", 0))
        port = so.getsockname()[1]
    cfg = json.loads(s.cfg.read_text())
    cfg["metrics"] = {"enabled": True, "listen": f"127.0.0.1:{port}"}
    s.cfg.write_text(json.dumps(cfg))
    alerts = [make_alert("t1", i, ("fast", "flaky", "dropper")[i % 3], PEOPLE[i % 2],
                         "speaker" if i % 4 else "subject") for i in range(300)]
    s.produce(alerts)
    proc = s.start()
    s.wait_committed(proc)
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        metrics = r.read().decode()
    s.stop(proc)

    def metric(name):
        for line in metrics.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return 0.0
    check(metric('newsenrich_webhook_alerts_total{result="delivered"}') == 300, "delivered metric")
    check(metric('newsenrich_webhook_attempts_total{class="2xx"}') >= 300, "2xx attempts metric")
    check(metric('newsenrich_webhook_attempts_total{class="5xx"}') >= 1, "5xx attempts metric")
    check(metric('newsenrich_webhook_retries_total') >= 1, "retries metric")

    recs = rcv.received(p)
    oks = ok_deliveries(recs)
    want = {a["alert_id"] for a in alerts}
    check(all(r["valid"] for r in recs), "every request carries a valid signature")
    check(set(oks) == want, f"missing {sorted(want - set(oks))[:5]}")
    check(all(n == 1 for n in oks.values()), f"an alert answered 2xx twice: {[k for k, n in oks.items() if n > 1][:5]}")
    failed = [r for r in recs if not 200 <= r["status"] < 300]
    check(len(failed) > 0, "the scripted faults happened (so retries were exercised)")
    # Retries of one alert carry the same webhook-id; bodies follow the schema.
    by_id = {a["alert_id"]: a for a in alerts}
    for r in recs:
        check(r["user_agent"] == USER_AGENT, f"User-Agent {r['user_agent']!r}")
        probs = validate_events.problems("webhook", r["body"])
        check(not probs, f"webhook body of {r['webhook_id']} invalid: {probs}")
        a = by_id[r["webhook_id"]]
        d = r["body"]["data"]
        check(d["quote"] == a["quote"]["text"] and d["kind"] == a["quote"]["kind"]
              and d["speaker"] == a["quote"]["speaker"] and d["person"] == a["person"]
              and d["article"] == a["article"] and r["body"]["timestamp"] == a["created_at"],
              f"body of {r['webhook_id']} maps the alert")
    check(not s.dead_letters(), "no dead letters")
    print(f"    {len(alerts)} alerts, {len(recs)} requests ({len(failed)} answered with a fault or dropped), "
          f"{len(oks)} distinct webhook-ids delivered, each exactly once", flush=True)


@test
def dead_endpoints_are_dead_lettered_after_the_attempts():
    rcv = receiver()
    p = "/t2"
    rcv.script({f"{p}/e500": {"status": 500}, f"{p}/slow": {"delay_ms": 3000}, f"{p}/e400": {"status": 400}})
    policy = {"max_attempts": 3, "backoff_initial_ms": 100, "backoff_max_ms": 400}
    subs = [dict(policy, id="refused", url=f"http://127.0.0.1:{closed_port()}/x"),
            dict(policy, id="e500", url=rcv.url(f"{p}/e500")),
            dict(policy, id="timeout", url=rcv.url(f"{p}/slow"), timeout_ms=500),
            dict(policy, id="e400", url=rcv.url(f"{p}/e400")),
            # Never called even with allow_private: the cloud metadata address.
            dict(policy, id="metadata", url="http://169.254.169.254/latest/meta-data/"),
            dict(policy, id="good", url=rcv.url(f"{p}/good"))]
    s = Setup("dead", subs)
    names = [x["id"] for x in subs]
    alerts = [make_alert("t2", i, names[i % len(names)]) for i in range(60)]
    s.produce(alerts)
    t0 = time.time()
    proc = s.start()
    s.wait_committed(proc)
    took = time.time() - t0
    s.stop(proc)

    dlq = s.dead_letters()
    by_sub = collections.defaultdict(list)
    for r in dlq:
        by_sub[r["headers"]["subscription.id"]].append(r)
    want = {n: {a["alert_id"] for a in alerts if a["subscription_id"] == n} for n in names}
    for n in ("refused", "e500", "timeout", "e400", "metadata"):
        check({r["key"] for r in by_sub[n]} == want[n], f"{n}: every alert dead-lettered once "
              f"({len(by_sub[n])} of {len(want[n])})")
        check(len(by_sub[n]) == len(want[n]), f"{n}: no alert dead-lettered twice")
    check(not by_sub["good"], "nothing of the good endpoint dead-lettered")
    expect = {"refused": ("attempts_exhausted", "3", "0", "connect"),
              "e500": ("attempts_exhausted", "3", "500", "500"),
              "timeout": ("attempts_exhausted", "3", "0", "imeout"),
              "e400": ("rejected", "1", "400", "HTTP 400"),
              "metadata": ("forbidden_address", "1", "0", "metadata")}
    for n, (reason, attempts, status, detail) in expect.items():
        for r in by_sub[n]:
            h = r["headers"]
            check(h["error.reason"] == reason and h["error.attempts"] == attempts and h["error.status"] == status,
                  f"{n}: headers {h}")
            check(detail in h["error.detail"] or "circuit breaker" in h["error.detail"],
                  f"{n}: error.detail {h['error.detail']!r}")
            check(h["webhook.id"] == r["key"] and h["source.topic"] == s.alerts, f"{n}: provenance {h}")
            check(json.loads(r["value"]) in alerts, f"{n}: the original alert is the value")
    recs = rcv.received(p)
    per_id = collections.Counter(r["webhook_id"] for r in recs)
    check(all(per_id[i] == 3 for i in want["e500"]), f"max_attempts real requests per alert (breaker refusals "
          f"are no attempts): {[per_id[i] for i in want['e500']]}")
    check(all(per_id[i] == 1 for i in want["e400"]), "a 400 is not retried")
    check(set(ok_deliveries(rcv.received(f"{p}/good"))) == want["good"], "the good endpoint got everything")
    print(f"    {len(alerts)} alerts over {len(subs)} endpoints: {len(dlq)} dead letters "
          f"({', '.join(f'{n} {len(by_sub[n])}' for n in names[:-1])}), good delivered "
          f"{len(want['good'])}; all settled in {took:.1f}s; e500 got {sum(per_id[i] for i in want['e500'])} "
          f"requests for {len(want['e500'])} alerts", flush=True)


@test
def fast_endpoint_is_unaffected_by_a_slow_one():
    rcv = receiver()
    p = "/t3"
    slow_ms = 2000
    rcv.script({f"{p}/slow": {"delay_ms": slow_ms}})
    subs = [{"id": "slow", "url": rcv.url(f"{p}/slow")}, {"id": "fast", "url": rcv.url(f"{p}/fast")}]
    s = Setup("slow-fast", subs, partitions=1, per_endpoint_in_flight=4)
    # The slow endpoint's alerts come first in the log, interleaved.
    alerts = [make_alert("t3", i, "slow" if i % 10 == 0 else "fast") for i in range(240)]
    fast = {a["alert_id"] for a in alerts if a["subscription_id"] == "fast"}
    slow = {a["alert_id"] for a in alerts if a["subscription_id"] == "slow"}
    proc = s.start()
    s.produce(alerts)
    deadline = time.time() + 30
    while time.time() < deadline and not fast <= set(ok_deliveries(rcv.received(f"{p}/fast"))):
        time.sleep(0.1)
    recs = rcv.received(p)
    fast_t = {r["webhook_id"]: r["t"] for r in recs if r["path"].endswith("/fast") and r["status"] == 204}
    slow_done = [r for r in recs if r["path"].endswith("/slow")]
    check(fast <= set(fast_t), f"fast endpoint: {len(set(fast_t) & fast)} of {len(fast)} delivered in 30 s")
    # Latency from the alert's Kafka timestamp (CreateTime, set when ktool
    # produced it) to its delivery.
    produced_at = {r["key"]: r["timestamp"] / 1000.0 for r in consume(s.alerts, idle_ms=500)}
    lat = [fast_t[i] - produced_at[i] for i in fast]
    # Once a fast alert has been produced, its delivery must not wait for a slow response.
    check(max(lat) < slow_ms / 1000.0, f"fast delivery waited for the slow endpoint: max {max(lat):.2f}s")
    check(len(slow_done) <= 8, f"the slow endpoint was still busy ({len(slow_done)} of {len(slow)} answered)")
    s.wait_committed(proc, timeout=60)
    s.stop(proc)
    check(set(ok_deliveries(rcv.received(f"{p}/slow"))) == slow, "the slow endpoint got everything in the end")
    print(f"    {len(fast)} fast + {len(slow)} slow ({slow_ms} ms each, 4 in flight): fast latency from "
          f"alert produced to delivered p50 {pct(lat, .5) * 1000:.0f} ms, p99 {pct(lat, .99) * 1000:.0f} ms, "
          f"max {max(lat) * 1000:.0f} ms, with {len(slow_done)} slow answered by then", flush=True)


def readme_block(lang):
    """The first ```lang block of README.md's "Receiving webhooks" section."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text.split("## Receiving webhooks", 1)[1].split("\n## ", 1)[0]
    return section.split(f"```{lang}\n", 1)[1].split("```", 1)[0]


def start_readme_receiver(lang, port):
    """The README's receiver in `lang` on `port` (its 8080 replaced), or
    None when that language's runtime or library is not installed."""
    code = readme_block(lang).replace("8080", str(port))
    if lang == "python":
        path = WORK / "readme_receiver.py"
        path.write_text(code)
        cmd = [sys.executable, "-u", str(path)]
    else:
        modules = Path(__file__).resolve().parents[2] / ".cache" / "npm" / "node_modules"
        if not shutil.which("node") or not (modules / "standardwebhooks").is_dir():
            return None
        d = WORK / "readme-js"
        d.mkdir(exist_ok=True)
        if not (d / "node_modules").exists():
            (d / "node_modules").symlink_to(modules)
        (d / "receiver.mjs").write_text(code)
        cmd = ["node", str(d / "receiver.mjs")]
    out = open(WORK / f"readme-{lang}.out", "wb")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=ENV)
    deadline = time.time() + 15
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return proc
        except OSError:
            check(proc.poll() is None, f"the README's {lang} receiver exited: "
                  f"{(WORK / f'readme-{lang}.out').read_text()}")
            time.sleep(0.1)
    raise AssertionError(f"the README's {lang} receiver did not listen on {port}")


@test
def readme_receivers_verify_newsenrich_deliveries():
    # The README's Python and JavaScript receivers, run as written (port
    # aside), verify real deliveries of `newsenrich notify` with the
    # Standard Webhooks libraries and print each webhook-id. A receiver
    # with the wrong secret refuses them all (401), which dead-letters them.
    ports = {lang: closed_port() for lang in ("python", "js", "wrong")}
    procs = {"python": start_readme_receiver("python", ports["python"]),
             "js": start_readme_receiver("js", ports["js"])}
    code = readme_block("python").replace("8080", str(ports["wrong"]))
    (WORK / "readme_wrong.py").write_text(code)
    wrong_env = dict(ENV, NEWSENRICH_WEBHOOK_SECRET="whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY")
    procs["wrong"] = subprocess.Popen([sys.executable, "-u", str(WORK / "readme_wrong.py")],
                                      stdout=open(WORK / "readme-wrong.out", "wb"), stderr=subprocess.STDOUT,
                                      env=wrong_env)
    try:
        langs = [lang for lang, pr in procs.items() if pr is not None]
        time.sleep(1)
        policy = {"max_attempts": 2, "backoff_initial_ms": 50, "backoff_max_ms": 100}
        subs = [dict(policy, id=lang, url=f"http://127.0.0.1:{ports[lang]}/hook") for lang in langs]
        s = Setup("readme-receivers", subs)
        alerts = [make_alert("t0r", i, langs[i % len(langs)]) for i in range(6 * len(langs))]
        s.produce(alerts)
        proc = s.start()
        s.wait_committed(proc)
        s.stop(proc)
    finally:
        for pr in procs.values():
            if pr is not None:
                pr.terminate()
                pr.wait(10)
    dead = {r["key"] for r in s.dead_letters()}
    for lang in langs:
        out = (WORK / f"readme-{lang}.out").read_text(errors="replace")
        want = {a["alert_id"] for a in alerts if a["subscription_id"] == lang}
        printed = {line.split()[0] for line in out.splitlines() if line.strip() and " claim.new " in line}
        if lang == "wrong":
            check(not printed and dead >= want, f"the wrong secret accepted something: {out[-500:]}")
        else:
            check(printed == want, f"{lang}: printed {sorted(printed)}, want {sorted(want)}; output:\n{out[-800:]}")
            check(not (dead & want), f"{lang}: dead-lettered {sorted(dead & want)}")
    if procs["js"] is None:
        print("    the JavaScript receiver was not run: node or .cache/npm/node_modules/standardwebhooks "
              "missing (scripts/install-deps.sh --test installs it)", flush=True)
    print(f"    README receivers ({', '.join(langs)}): each verified and printed its deliveries; "
          f"the wrong secret refused all", flush=True)


@test
def retry_after_is_honoured():
    rcv = receiver()
    p = "/t4"
    rcv.script({f"{p}/secs": {"first": {"status": 429, "retry_after": "2"}},
                f"{p}/date": {"first": {"status": 503, "retry_after_in_s": 3}}})
    policy = {"max_attempts": 8, "backoff_initial_ms": 50, "backoff_max_ms": 10000}
    subs = [dict(policy, id="secs", url=rcv.url(f"{p}/secs")), dict(policy, id="date", url=rcv.url(f"{p}/date"))]
    s = Setup("retry-after", subs)
    alerts = [make_alert("t4", i, ("secs", "date")[i % 2]) for i in range(20)]
    s.produce(alerts)
    proc = s.start()
    s.wait_committed(proc)
    s.stop(proc)
    gaps = {"secs": [], "date": []}
    recs = rcv.received(p)
    for a in alerts:
        times = sorted(r["t"] for r in recs if r["webhook_id"] == a["alert_id"])
        check(len(times) >= 2, f"{a['alert_id']}: retried ({len(times)} requests)")
        gaps[a["subscription_id"]].append(times[1] - times[0])
    check(set(ok_deliveries(recs)) == {a["alert_id"] for a in alerts}, "all delivered in the end")
    check(min(gaps["secs"]) >= 1.95, f"Retry-After: 2 honoured (min gap {min(gaps['secs']):.2f}s)")
    check(max(gaps["secs"]) < 6, f"and not much later (max gap {max(gaps['secs']):.2f}s)")
    # An HTTP-date 3 s ahead, whole seconds: at least 2 s.
    check(min(gaps["date"]) >= 1.95, f"Retry-After HTTP-date honoured (min gap {min(gaps['date']):.2f}s)")
    print(f"    429 Retry-After: 2 -> retry after {min(gaps['secs']):.2f}-{max(gaps['secs']):.2f}s; "
          f"503 Retry-After: <date +3s> -> {min(gaps['date']):.2f}-{max(gaps['date']):.2f}s "
          f"(backoff alone would be <= 0.05s)", flush=True)


@test
def gone_410_disables_the_subscription():
    rcv = receiver()
    p = "/t5"
    rcv.script({f"{p}/gone": {"status": 410}})
    subs = [{"id": "gone", "url": rcv.url(f"{p}/gone")}, {"id": "alive", "url": rcv.url(f"{p}/alive")}]
    s = Setup("gone", subs, per_endpoint_in_flight=2)
    alerts = [make_alert("t5", i, ("gone", "alive")[i % 2]) for i in range(40)]
    s.produce(alerts)
    proc = s.start()
    s.wait_committed(proc)
    s.wait_log("SUBSCRIPTION DISABLED", proc)
    before = len(rcv.received(f"{p}/gone"))
    later = [make_alert("t5", i, "gone") for i in range(100, 105)]
    s.produce(later, start=len(alerts))
    s.wait_committed(proc)
    s.stop(proc)
    gone = {a["alert_id"] for a in alerts + later if a["subscription_id"] == "gone"}
    dlq = s.dead_letters()
    reasons = collections.Counter(r["headers"]["error.reason"] for r in dlq)
    check({r["key"] for r in dlq} == gone and len(dlq) == len(gone), "every alert of the 410 endpoint dead-lettered once")
    check(set(reasons) <= {"gone", "subscription_disabled"}, f"reasons {dict(reasons)}")
    check(all(r["headers"]["error.status"] == "410" for r in dlq), "last status 410")
    check(before <= 2, f"at most per_endpoint_in_flight requests before disabling ({before})")
    check(len(rcv.received(f"{p}/gone")) == before, "no request after it was disabled")
    alive = {a["alert_id"] for a in alerts if a["subscription_id"] == "alive"}
    check(set(ok_deliveries(rcv.received(f"{p}/alive"))) == alive, "the other subscription is unaffected")
    check(s.tail(1 << 20).count("SUBSCRIPTION DISABLED") == 1, "logged loudly, once")
    print(f"    410 after {before} request(s): {len(dlq)} alerts dead-lettered {dict(reasons)}, "
          f"{len(alive)} alerts of the other subscription delivered", flush=True)


@test
def private_addresses_are_refused_unless_allowed():
    rcv = receiver()
    p = "/t6"
    subs = [{"id": "loopback", "url": rcv.url(f"{p}/x")},
            {"id": "v6", "url": f"http://[::1]:{rcv.port}/x"},
            {"id": "byname", "url": f"http://localhost:{rcv.port}{p}/x"}]
    s = Setup("ssrf", subs, allow_private=False)
    alerts = [make_alert("t6", i, ("loopback", "v6", "byname")[i % 3]) for i in range(9)]
    s.produce(alerts)
    proc = s.start()
    s.wait_committed(proc)
    s.stop(proc)
    dlq = s.dead_letters()
    check({r["key"] for r in dlq} == {a["alert_id"] for a in alerts}, "all refused and dead-lettered")
    check(all(r["headers"]["error.reason"] == "forbidden_address" for r in dlq),
          f"reasons {collections.Counter(r['headers']['error.reason'] for r in dlq)}")
    check(not rcv.received(p), "the receiver saw nothing")
    print(f"    {len(dlq)} alerts to 127.0.0.1, [::1] and localhost refused: "
          f"{dlq[0]['headers']['error.detail']!r}", flush=True)


@test
def sighup_reloads_subscriptions_without_restart():
    rcv = receiver()
    p = "/t7"
    s = Setup("reload", [{"id": "s", "url": rcv.url(f"{p}/v1")}, {"id": "old", "url": rcv.url(f"{p}/old")}])
    proc = s.start()
    s.produce([make_alert("t7", i, "s") for i in range(5)])
    s.wait_committed(proc)
    s.write_config([{"id": "s", "url": rcv.url(f"{p}/v2"), "people": ["vladimir-putin"]}])
    proc.send_signal(signal.SIGHUP)
    s.wait_log("reloaded", proc)
    batch2 = ([make_alert("t7", i, "s") for i in range(5, 10)] +
              [make_alert("t7", 10, "s", PEOPLE[1])] +       # no longer wanted: filtered
              [make_alert("t7", 11, "old")])                 # removed: dead-lettered
    s.produce(batch2)
    s.wait_committed(proc)
    check(proc.poll() is None, "still the same process")
    s.stop(proc)
    v1 = set(ok_deliveries(rcv.received(f"{p}/v1")))
    v2 = set(ok_deliveries(rcv.received(f"{p}/v2")))
    check(v1 == {f"al-t7-{i:05d}-s" for i in range(5)}, f"before the reload: v1 {sorted(v1)}")
    check(v2 == {f"al-t7-{i:05d}-s" for i in range(5, 10)}, f"after the reload: v2 {sorted(v2)}")
    dlq = s.dead_letters()
    check([r["headers"]["error.reason"] for r in dlq] == ["unknown_subscription"], f"dlq {dlq}")
    print(f"    5 alerts to v1, SIGHUP, 5 to v2; 1 filtered (person dropped), 1 dead-lettered "
          f"(subscription removed)", flush=True)


@test
def url_credentials_never_reach_the_log_or_the_dead_letters():
    """Subscription urls with a password and a token, driven through a 410
    (disabled), retries, a refused connection and a reload that changes the
    url: neither planted string may appear in any log line (debug level) or
    dead-letter header."""
    pw, tok = "PLANTED-pw-4711", "PLANTED-tok-4711"
    rcv = receiver()
    p = "/t13"
    rcv.script({f"{p}/gone": {"status": 410}, f"{p}/flaky": {"first": {"status": 503}}})

    def secret_url(path, port=rcv.port):
        return f"http://user:{pw}@127.0.0.1:{port}{path}?token={tok}"
    policy = {"max_attempts": 3, "backoff_initial_ms": 100, "backoff_max_ms": 400}
    subs = [dict(policy, id="gone", url=secret_url(f"{p}/gone")),
            dict(policy, id="flaky", url=secret_url(f"{p}/flaky")),
            dict(policy, id="refused", url=secret_url("/x", closed_port()))]
    s = Setup("masking", subs, per_endpoint_in_flight=1)
    alerts = [make_alert("t13", i, ("gone", "flaky", "refused")[i % 3]) for i in range(12)]
    s.produce(alerts)
    proc = s.start(env=dict(ENV, NEWSENRICH_LOG_LEVEL="debug"))
    s.wait_committed(proc)
    s.wait_log("SUBSCRIPTION DISABLED", proc)
    subs[0]["url"] = secret_url(f"{p}/gone-v2")
    s.write_config(subs, per_endpoint_in_flight=1)
    proc.send_signal(signal.SIGHUP)
    s.wait_log("re-enabled after its 410", proc)
    s.produce([make_alert("t13", 100, "gone")], start=len(alerts))
    s.wait_committed(proc)
    s.stop(proc)

    log = s.tail(1 << 22)
    dlq = s.dead_letters()
    flaky = {a["alert_id"] for a in alerts if a["subscription_id"] == "flaky"}
    check(flaky <= set(ok_deliveries(rcv.received(f"{p}/flaky"))), "the flaky endpoint got everything")
    check(ok_deliveries(rcv.received(f"{p}/gone-v2")), "the new url of the reloaded subscription was used")
    lines = log.splitlines() + [json.dumps(r["headers"]) for r in dlq]
    leaks = [l for l in lines if pw in l or tok in l]
    check(not leaks, f"{len(leaks)} of {len(lines)} lines carry a planted credential, e.g.:\n" + "\n".join(leaks[:5]))
    # The lines that print a url or a transfer error were written, masked.
    for line in (f"(http://user:***@127.0.0.1:{rcv.port}{p}/gone?token=***) answered 410 Gone",
                 f"url changed to http://user:***@127.0.0.1:{rcv.port}{p}/gone-v2?token=***",
                 "request failed (HTTP 503", "request failed (Couldn't connect"):
        check(line in log, f"no {line!r} in the log:\n{log[-4000:]}")
    check({r["headers"]["subscription.id"] for r in dlq} == {"gone", "refused"}, f"dead letters {dlq}")
    print(f"    {len(log.splitlines())} log lines at debug level and {len(dlq)} dead letters: "
          f"no password, no token", flush=True)


@test
def pending_is_bounded_and_a_dead_endpoint_cannot_stall_the_rest():
    rcv = receiver()
    p = "/t9"
    rcv.script({f"{p}/slowish": {"delay_ms": 50}})
    # A dead endpoint whose retries would take minutes, a slowish one and a
    # window of 20 unfinished alerts.
    subs = [{"id": "dead", "url": f"http://127.0.0.1:{closed_port()}/x", "max_attempts": 50,
             "backoff_initial_ms": 2000, "backoff_max_ms": 5000},
            {"id": "slowish", "url": rcv.url(f"{p}/slowish")}]
    s = Setup("bounded", subs, partitions=1, max_pending=20, per_endpoint_in_flight=2)
    alerts = [make_alert("t9", i, ("dead", "slowish")[i % 2]) for i in range(200)]
    s.produce(alerts)
    t0 = time.time()
    proc = s.start()
    live = {a["alert_id"] for a in alerts if a["subscription_id"] == "slowish"}
    deadline = time.time() + 60
    while time.time() < deadline and not live <= set(ok_deliveries(rcv.received(p))):
        time.sleep(0.2)
    took = time.time() - t0
    s.stop(proc)
    check(live <= set(ok_deliveries(rcv.received(p))), "the live endpoint got all its alerts")
    log = s.tail(1 << 22)
    check("paused consumption" in log, "consumption paused at max_pending")
    shed = [r for r in s.dead_letters() if r["headers"]["error.reason"] == "shed"]
    check(len(shed) >= 80, f"the dead endpoint's backlog is capped at a quarter of the window ({len(shed)} shed)")
    print(f"    max_pending 20: {len(live)} alerts to a 50 ms endpoint delivered in {took:.1f}s beside a dead "
          f"endpoint (retries of minutes); {len(shed)} of its 100 alerts dead-lettered as shed, "
          f"paused {log.count('paused consumption')} time(s)", flush=True)


@test
def half_failing_endpoint_dead_letters_at_the_rate_of_six_real_tries():
    # Each request fails with probability 1/2, so runs of 5 failures keep
    # opening the breaker. Only real requests may count: an alert should be
    # dead-lettered with probability (1/2)^6 = 1.6 %, after 6 requests.
    rcv = receiver()
    p = "/t10"
    tries, n = 6, 1500
    rcv.script({f"{p}/half": {"random": 0.5, "seed": 16, "fail": {"status": 503}}})
    s = Setup("half", [{"id": "half", "url": rcv.url(f"{p}/half"), "max_attempts": tries,
                        "backoff_initial_ms": 50, "backoff_max_ms": 200}])
    alerts = [make_alert("t10", i, "half") for i in range(n)]
    s.produce(alerts)
    t0 = time.time()
    proc = s.start()
    s.wait_committed(proc, timeout=90)
    took = time.time() - t0
    s.stop(proc)
    dlq = s.dead_letters()
    recs = rcv.received(p)
    requests = collections.Counter(r["webhook_id"] for r in recs)
    oks = ok_deliveries(recs)
    dead = {r["key"] for r in dlq}
    short = [r for r in dlq if requests[r["key"]] < tries]
    rate = len(dlq) / n
    print(f"    {n} alerts to an endpoint failing 1/2 of {len(recs)} requests: {len(dlq)} dead-lettered "
          f"({100 * rate:.2f} %, expected (1/2)^{tries} = {100 / 2 ** tries:.2f} %), {len(short)} of them "
          f"after fewer than {tries} real requests; settled in {took:.1f}s", flush=True)
    check(set(oks) | dead == {a["alert_id"] for a in alerts} and not set(oks) & dead,
          "every alert delivered or dead-lettered, not both")
    check(not short, f"{len(short)} alerts dead-lettered after fewer than {tries} real requests, e.g. "
          f"{[(r['key'], requests[r['key']], r['headers']['error.detail']) for r in short[:3]]}")
    for r in dlq:
        h = r["headers"]
        check(h["error.reason"] == "attempts_exhausted" and h["error.attempts"] == str(requests[r["key"]]),
              f"error.attempts counts the real requests ({requests[r['key']]}): {h}")
    check(rate < 0.05, f"dead-letter rate {100 * rate:.2f} % is not that of {tries} real tries "
          f"({100 / 2 ** tries:.2f} %)")


@test
def endpoint_behind_an_open_breaker_is_dead_lettered_at_max_age():
    # A dead endpoint keeps its breaker open, so most tries are refusals.
    # They are no attempts: the alerts wait, and max_age_ms ends them with
    # error.attempts = the requests the endpoint really got.
    rcv = receiver()
    p = "/t11"
    rcv.script({f"{p}/e500": {"status": 500}})
    max_age = 3000
    s = Setup("max-age", [{"id": "e500", "url": rcv.url(f"{p}/e500"), "max_attempts": 1000,
                           "max_age_ms": max_age, "backoff_initial_ms": 100, "backoff_max_ms": 400}])
    alerts = [make_alert("t11", i, "e500") for i in range(30)]
    s.produce(alerts)
    t0 = time.time()
    proc = s.start()
    s.wait_committed(proc, timeout=30)
    took = time.time() - t0
    s.stop(proc)
    dlq = s.dead_letters()
    requests = collections.Counter(r["webhook_id"] for r in rcv.received(p))
    check({r["key"] for r in dlq} == {a["alert_id"] for a in alerts} and len(dlq) == len(alerts),
          f"every alert dead-lettered once ({len(dlq)} of {len(alerts)})")
    for r in dlq:
        h = r["headers"]
        check(h["error.reason"] == "max_age_exceeded", f"reason: {h}")
        check(h["error.attempts"] == str(requests[r["key"]]), f"error.attempts = real requests "
              f"({requests[r['key']]}): {h}")
        check("max_age_ms (3000)" in h["error.detail"] and h["error.status"] == "500", f"detail: {h}")
    print(f"    {len(alerts)} alerts to a dead endpoint (max_attempts 1000, max_age_ms {max_age}): all "
          f"dead-lettered max_age_exceeded after {min(requests[a['alert_id']] for a in alerts)}-"
          f"{max(requests[a['alert_id']] for a in alerts)} real requests each, {sum(requests.values())} in all; "
          f"settled in {took:.1f}s", flush=True)


@test
def kill_9_mid_delivery_loses_nothing():
    rcv = receiver()
    p = "/t8"
    rcv.script({f"{p}/hook": {"every": 50, "fail": {"status": 503}, "else": {"delay_ms": 10}}})
    s = Setup("kill9", [{"id": "k", "url": rcv.url(f"{p}/hook"), "backoff_initial_ms": 200,
                          "backoff_max_ms": 1000}])
    alerts = [make_alert("t8", i, "k") for i in range(6000)]
    s.produce(alerts)
    proc = s.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        if sum(o["committed"] or 0 for o in committed(s.group, s.alerts)) >= 1000:
            break
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    delivered_before = len(ok_deliveries(rcv.received(p)))
    saved = sum(o["committed"] or 0 for o in committed(s.group, s.alerts))
    check(0 < delivered_before < len(alerts), f"the kill must land mid-delivery ({delivered_before} delivered)")

    proc = s.start()
    s.wait_committed(proc)
    s.stop(proc)
    oks = ok_deliveries(rcv.received(p))
    want = {a["alert_id"] for a in alerts}
    lost = want - set(oks)
    dups = sum(n - 1 for n in oks.values())
    print(f"    {len(alerts)} alerts, killed after {delivered_before} delivered with {saved} offsets committed; "
          f"after restart {len(oks)} distinct delivered, {len(lost)} lost, {dups} re-delivered "
          f"(same webhook-id, receivers deduplicate)", flush=True)
    check(not lost, f"lost {len(lost)} alerts, e.g. {sorted(lost)[:5]}")
    check(dups <= len(alerts) - saved, "committed alerts are not delivered again")
    check(not s.dead_letters(), "no dead letters")


@test
def run_killed_5_times_posts_each_alert_at_most_twice():
    # The scenario of issue 16: `newsenrich run` (enricher and notifier in
    # one process) with one healthy subscriber, statements flowing, kill -9
    # five times. Each restart re-reads what followed the last commit, on
    # both sides; the record of delivered webhook-ids must keep each alert
    # to at most two posts (the second only for one delivered in the last
    # instants before a kill), and lose none.
    rcv = receiver()
    p = "/t12"
    broker()
    topics = Topics(raw_partitions=3)
    cfg_path = topics.config(WORK / "kill5.json")
    cfg = json.loads(cfg_path.read_text())
    del cfg["kafka"]["auto.commit.interval.ms"]   # the default commit interval, 5 s, as in the issue
    # Static membership: a restarted run takes its partitions back at once.
    cfg["kafka"]["group.instance.id"] = topics.group + "-1"
    cfg["watchlist"] = {"people": PEOPLE}
    cfg["webhooks"] = {"allow_private": True, "subscriptions": [
        {"id": "healthy", "url": rcv.url(f"{p}/hook"), "secret": "env:NEWSENRICH_WEBHOOK_SECRET",
         "people": [PEOPLE[0]["id"]]}]}
    cfg_path.write_text(json.dumps(cfg))
    log = WORK / "kill5.log"
    rng = random.Random(16)
    produced = [0]
    halt = threading.Event()

    def stream():
        """Statements keep arriving, ~200 a second, so every kill lands
        with alerts in flight on both sides."""
        while not halt.is_set():
            produce(topics.raw, statement_articles("k5", 50, start=produced[0]))
            produced[0] += 50
            halt.wait(0.25)

    def start():
        out = open(log, "ab")
        return subprocess.Popen([str(BIN), "run", "-c", str(cfg_path)], stdout=out, stderr=out, env=ENV)

    t0 = time.time()
    streamer = threading.Thread(target=stream, daemon=True)
    streamer.start()
    for k in range(5):
        proc = start()
        time.sleep(rng.uniform(2.0, 4.0))
        proc.kill()
        proc.wait()
        print(f"    kill {k + 1}: {produced[0]} articles produced, {len(ok_deliveries(rcv.received(p)))} "
              f"distinct alerts delivered so far", flush=True)
    halt.set()
    streamer.join(60)
    produced = produced[0]
    proc = start()
    ok = (wait_all_committed(topics.group, topics.raw, timeout=120, proc=proc) and
          wait_all_committed(topics.group + "-notifier", topics.alerts, timeout=120, proc=proc))
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    rc = proc.wait(60)
    tail = log.read_text(errors="replace")[-3000:]
    check(ok, f"the last run finished everything; log tail:\n{tail}")
    check(rc == 0, f"the last run stopped cleanly (exit {rc}); log tail:\n{tail}")

    want = {r["key"] for r in consume(topics.alerts, idle_ms=1500)}
    oks = ok_deliveries(rcv.received(p))
    lost = want - set(oks)
    posts = [oks[i] for i in want if i in oks]
    hist = collections.Counter(posts)
    print(f"    {produced} articles -> {len(want)} distinct alerts; after 5 kill -9 each reached the "
          f"subscriber max {max(posts, default=0)}, mean {sum(posts) / max(1, len(posts)):.3f} times "
          f"(posts per alert: {dict(sorted(hist.items()))}); {len(lost)} lost; {time.time() - t0:.0f}s",
          flush=True)
    check(len(want) >= produced * 0.9, f"the articles made alerts ({len(want)} of {produced})")
    check(not lost, f"lost {len(lost)} alerts, e.g. {sorted(lost)[:3]}")
    check(max(posts) <= 2, f"an alert was posted {max(posts)} times ({dict(sorted(hist.items()))})")


if __name__ == "__main__":
    try:
        rc = main("notifier")
    finally:
        if _RECEIVER is not None:
            _RECEIVER.stop()
    sys.exit(rc)
