#!/usr/bin/env python3
"""The Grafana dashboard and the Prometheus alert rules (deploy/) against
Prometheus's own promtool and a live newsenrich.

Asserts: promtool accepts the rules (`check rules`); `promtool test rules`
passes with rules.test.yml, whose series make every alert of rules.yml fire
and clear (and the test file covers every alert both ways); every query of
the dashboard is valid PromQL (promtool checks it as a recording rule) and
the dashboard has the panels operators asked for; every metric named in the
dashboard or the rules, and every label value they select on, is in the
/metrics of a running `newsenrich run` (real broker, a webhook subscriber,
articles flowing).

promtool comes from Debian's prometheus package (scripts/install-deps.sh
--test installs it)."""

import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from harness import ROOT, Topics, bad_records, broker, check, main, produce, start_service, stop_service, test

import webhook_receiver

DEPLOY = ROOT / "deploy"
RULES = DEPLOY / "prometheus" / "rules.yml"
RULES_TEST = DEPLOY / "prometheus" / "rules.test.yml"
DASHBOARD = DEPLOY / "grafana" / "newsenrich.json"
WORK = Path(tempfile.mkdtemp(prefix="newsenrich-observability-it-"))
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

# Names PromQL gives that are no metric.
PROMQL_WORDS = {"sum", "by", "rate", "increase", "deriv", "histogram_quantile", "min", "max", "and", "or",
                "without", "on", "le", "clamp_min", "up"}


def promtool(*args):
    exe = shutil.which("promtool")
    if not exe:
        raise AssertionError("promtool not found: scripts/install-deps.sh --test installs Debian's prometheus")
    return subprocess.run([exe, *map(str, args)], capture_output=True, text=True, timeout=120)


# ---- what the dashboard and the rules name ----------------------------------

def dashboard_queries():
    """[(panel title, expr)] of every target of the dashboard."""
    dash = json.loads(DASHBOARD.read_text())
    return [(p["title"], t["expr"]) for p in dash["panels"] for t in p.get("targets", [])]


def rule_exprs():
    """The expr of every rule in rules.yml (a small reader: the file's own
    layout, `expr: |` blocks or one line)."""
    exprs, cur, indent = [], None, 0
    for line in RULES.read_text().splitlines():
        if cur is not None:
            if line.strip() and len(line) - len(line.lstrip()) > indent:
                cur.append(line.strip())
                continue
            exprs.append(" ".join(cur))
            cur = None
        m = re.match(r"^(\s*)expr:\s*(.*)$", line)
        if m:
            if m.group(2).strip() in ("|", ">", "|-", ">-"):
                cur, indent = [], len(m.group(1))
            else:
                exprs.append(m.group(2).strip())
    if cur is not None:
        exprs.append(" ".join(cur))
    return exprs


def alert_names(text):
    return re.findall(r"^\s*-?\s*alert:\s*(\S+)", text, re.M)


def concrete(expr):
    """A dashboard query with Grafana's variables replaced by values
    Prometheus accepts."""
    return (expr.replace("$__rate_interval", "1m").replace("$__interval", "1m")
            .replace('"$job"', '".*"').replace('"$instance"', '".*"'))


def metric_names(expr):
    """Metric names of a query: identifiers followed by { or a space/bracket
    that are not PromQL functions, keywords or label names."""
    expr = re.sub(r'"[^"]*"', '""', expr)                 # no words inside strings
    expr = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\{[^}]*\}", "{}", expr)
    expr = re.sub(r"\[[^\]]*\]", "[]", expr)
    names = set(re.findall(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", expr))
    return {n for n in names - PROMQL_WORDS if not re.fullmatch(r"\d+\w*", n)}


def label_matchers(expr):
    """[(metric, label, value)] of every equality or inequality matcher
    with a literal value (Grafana variables and regexes left out)."""
    out = []
    for m in re.finditer(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}", expr):
        for lm in re.finditer(r'(\w+)\s*(=|!=)\s*"([^"$]*)"', m.group(2)):
            out.append((m.group(1), lm.group(1), lm.group(3)))
    return out


def base_metric(name):
    return re.sub(r"_(bucket|sum|count)$", "", name)


def parse_exposition(text):
    """{metric family name: [labels dict, ...]} of a /metrics page."""
    fams = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            fams.setdefault(line.split()[2], [])
        elif line and not line.startswith("#"):
            m = re.match(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s", line)
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(3) or ""))
            labels["__value__"] = float(line.split()[-1])
            name = m.group(1)
            fam = name if name in fams else base_metric(name)
            fams.setdefault(fam, []).append(labels)
    return fams


# ---- promtool ---------------------------------------------------------------

@test
def promtool_accepts_the_alert_rules():
    p = promtool("check", "rules", RULES)
    check(p.returncode == 0, f"promtool check rules:\n{p.stdout}{p.stderr}")
    n = len(alert_names(RULES.read_text()))
    check(f"SUCCESS: {n} rules found" in p.stdout, f"{n} rules expected:\n{p.stdout}")
    print(f"    {n} alert rules", flush=True)


@test
def promtool_rule_tests_fire_and_clear_every_alert():
    alerts = set(alert_names(RULES.read_text()))
    for want in ("NewsenrichLagGrowing", "NewsenrichDeadLetterRate", "NewsenrichWebhookFailing",
                 "NewsenrichWebhookBreakerOpen", "NewsenrichNotReady", "NewsenrichNotConsuming"):
        check(want in alerts, f"no {want} alert in rules.yml")
    # Every alert is expected firing at one evaluation and silent at a later one.
    text = RULES_TEST.read_text()
    fired, cleared = {}, {}
    for m in re.finditer(r"- eval_time: (\d+)m[^\n]*\n\s*alertname: (\w+)\n\s*exp_alerts:( \[\])?", text):
        t, name, empty = int(m.group(1)), m.group(2), m.group(3)
        (cleared if empty else fired).setdefault(name, []).append(t)
    for a in sorted(alerts):
        check(a in fired, f"rules.test.yml never expects {a} to fire")
        check(any(c > min(fired[a]) for c in cleared.get(a, [])), f"rules.test.yml never expects {a} to clear")
    p = promtool("test", "rules", RULES_TEST)
    check(p.returncode == 0 and "SUCCESS" in p.stdout, f"promtool test rules:\n{p.stdout}{p.stderr}")
    print(f"    {len(alerts)} alerts, each fired and cleared by promtool test rules", flush=True)


@test
def promtool_rule_tests_catch_a_wrong_threshold():
    # The rule tests can fail: with the lag floor raised past what the
    # test's series reach, the expected firing does not happen.
    work = WORK / "broken"
    work.mkdir(exist_ok=True)
    rules = RULES.read_text().replace("(newsenrich_consumer_lag) > 1000", "(newsenrich_consumer_lag) > 100000")
    check(rules != RULES.read_text(), "the lag threshold as written in rules.yml")
    (work / "rules.yml").write_text(rules)
    (work / "rules.test.yml").write_text(RULES_TEST.read_text())
    p = promtool("test", "rules", work / "rules.test.yml")
    check(p.returncode != 0 and "NewsenrichLagGrowing" in p.stdout + p.stderr,
          f"promtool should fail on the broken rule:\n{p.stdout}{p.stderr}")


@test
def every_dashboard_query_is_valid_promql():
    queries = dashboard_queries()
    check(len(queries) >= 10, f"{len(queries)} queries")
    rules = ["groups:", "  - name: dashboard", "    rules:"]
    for i, (_, expr) in enumerate(queries):
        rules += [f"      - record: dashboard:query{i}", f"        expr: {json.dumps(concrete(expr))}"]
    path = WORK / "dashboard-queries.yml"
    path.write_text("\n".join(rules) + "\n")
    p = promtool("check", "rules", path)
    check(p.returncode == 0, f"a dashboard query is not valid PromQL:\n{p.stdout}{p.stderr}")


@test
def dashboard_has_the_panels_operators_need():
    dash = json.loads(DASHBOARD.read_text())
    titles = {p["title"]: " ".join(t["expr"] for t in p.get("targets", [])) for p in dash["panels"]}
    want = {"Throughput by outcome": "newsenrich_records_total",
            "Lag per partition": "newsenrich_consumer_lag",
            "Dead letters by reason": "newsenrich_dead_lettered_total",
            "Stage latency (p99)": "newsenrich_stage_duration_us_bucket",
            "Webhook attempts by status class": "newsenrich_webhook_retries_total",
            "State sizes": "newsenrich_state_entries"}
    for title, metric in want.items():
        check(title in titles, f"no panel {title!r}")
        check(metric in titles[title], f"{title}: does not query {metric}")
    check(dash["uid"] == "newsenrich", "the provisioned dashboard's uid")
    ids = [p["id"] for p in dash["panels"]]
    check(len(ids) == len(set(ids)), "panel ids are unique")


@test
def compose_runs_prometheus_with_the_rules_and_grafana_with_the_dashboard():
    import yaml  # python3-yaml (scripts/install-deps.sh --test)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    svc = compose["services"]

    def mounts(name):
        """{container path: host path} of a service's bind mounts; each host path exists."""
        out = {}
        for v in svc[name].get("volumes", []):
            host, container = v.split(":")[:2]
            if host.startswith("."):
                check((ROOT / host).exists(), f"{name}: {host} does not exist")
                out[container] = (ROOT / host).resolve()
        return out

    prom = mounts("prometheus")
    cfg = prom["/etc/prometheus/prometheus.yml"]
    check(cfg == (DEPLOY / "prometheus" / "prometheus.yml").resolve(), "prometheus.yml mounted")
    check(prom["/etc/prometheus/rules.yml"] == RULES.resolve(), "rules.yml beside it")
    p = promtool("check", "config", cfg)
    check(p.returncode == 0, f"promtool check config:\n{p.stdout}{p.stderr}")
    check("SUCCESS: 1 rule files found" in p.stdout, f"the rules are loaded:\n{p.stdout}")
    scrape = yaml.safe_load(cfg.read_text())["scrape_configs"]
    targets = [t for job in scrape if job["job_name"] == "newsenrich"
               for sc in job["static_configs"] for t in sc["targets"]]
    listen = json.loads((ROOT / "config" / "docker.json").read_text())["metrics"]["listen"]
    check(targets == [f"newsenrich:{listen.rsplit(':', 1)[1]}"], f"scrapes {targets}, newsenrich listens on {listen}")

    graf = mounts("grafana")
    check(DASHBOARD.resolve() in graf.values(), "the dashboard is mounted into Grafana")
    dash_dir = next(c for c, h in graf.items() if h == DASHBOARD.resolve()).rsplit("/", 1)[0]
    prov = graf["/etc/grafana/provisioning"]
    providers = yaml.safe_load((prov / "dashboards" / "newsenrich.yml").read_text())["providers"]
    check(any(pr["options"]["path"] == dash_dir for pr in providers), f"a provider reads {dash_dir}")
    sources = yaml.safe_load((prov / "datasources" / "prometheus.yml").read_text())["datasources"]
    check(any(d["type"] == "prometheus" and d["url"] == "http://prometheus:9090" for d in sources),
          "Grafana's data source is the compose Prometheus")


# ---- a live /metrics ----------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def statement_articles(n):
    out = []
    for i in range(n):
        aid = f"obs-{i:04d}"
        body = (f"MOSCOW ({aid}) \u2014 Vladimir Putin spoke to reporters on Tuesday.\n\n"
                f"\u201cThe grain corridor number {i} will stay open all winter,\u201d Putin said.\n\n"
                "Others were not convinced.")
        out.append({"key": aid, "partition": i % 2, "value": json.dumps({
            "id": aid, "title": f"Statement {i}", "body": body, "source": "wire",
            "url": f"https://news.example/obs/{i}", "published_at": "2026-11-20T10:00:00Z"})})
    return out


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        return r.read().decode()


@test
def every_metric_of_dashboard_and_rules_is_in_a_live_metrics_page():
    broker()
    topics = Topics(raw_partitions=2)
    rcv = webhook_receiver.serve("127.0.0.1", 0, SECRET, rules={"/down": {"status": 503}}, quiet=True)
    port = free_port()
    cfg_path = topics.config(WORK / "live.json")
    cfg = json.loads(cfg_path.read_text())
    cfg["kafka"]["statistics.interval.ms"] = "1000"   # lag gauges within a second
    cfg["metrics"] = {"enabled": True, "listen": f"127.0.0.1:{port}"}
    cfg["watchlist"] = {"people": [{"id": "vladimir-putin", "name": "Vladimir Putin"}]}
    base = f"http://127.0.0.1:{rcv.server_port}"
    cfg["webhooks"] = {"allow_private": True, "subscriptions": [
        {"id": "ok", "url": base + "/ok", "secret": SECRET, "people": ["vladimir-putin"]},
        {"id": "down", "url": base + "/down", "secret": SECRET, "people": ["vladimir-putin"],
         "max_attempts": 2, "backoff_initial_ms": 50, "backoff_max_ms": 100}]}
    cfg_path.write_text(json.dumps(cfg, indent=2))
    produce(topics.raw, statement_articles(40) + [dict(r, partition=0) for r, _ in bad_records()[:3]])
    log = WORK / "live.log"
    proc = start_service(cfg_path, log)
    try:
        want = set()
        for _, expr in dashboard_queries():
            want |= {base_metric(n) for n in metric_names(concrete(expr))}
        for expr in rule_exprs():
            want |= {base_metric(n) for n in metric_names(expr)}
        check("newsenrich_consumer_lag" in want and "newsenrich_webhook_breakers_open" in want,
              f"metric names read from the queries: {sorted(want)}")
        deadline = time.time() + 90
        fams, missing = {}, want
        while time.time() < deadline:
            check(proc.poll() is None, f"newsenrich exited {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                fams = parse_exposition(scrape(port))
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
                continue
            missing = {n for n in want if n not in fams or not fams[n]}
            samples = fams.get("newsenrich_webhook_alerts_total", [])
            entries = [s["__value__"] for s in fams.get("newsenrich_state_entries", []) if s.get("kind") == "articles"]
            if (not missing and {"delivered", "dead_lettered"} <= {s.get("result") for s in samples if s["__value__"]}
                    and entries and entries[0] > 0):
                break
            time.sleep(0.5)
        check(not missing, f"named in the dashboard or the rules, absent from /metrics: {sorted(missing)}")
        # The label values the queries select on exist too.
        for _, expr in dashboard_queries() + [("rule", e) for e in rule_exprs()]:
            for metric, label, val in label_matchers(concrete(expr)):
                if metric == "up":
                    continue
                values = {s.get(label) for s in fams[base_metric(metric)]}
                check(val in values, f"{metric}{{{label}={val!r}}}: /metrics has {label} in {sorted(values, key=str)}")

        def value(name, **lab):
            return sum(s["__value__"] for s in fams[name] if all(s.get(k) == v for k, v in lab.items()))
        check(len(fams["newsenrich_ready"]) == 1 and value("newsenrich_ready") == 1, "ready, one sample")
        check(value("newsenrich_state_entries", kind="articles") == 40, "the 40 good articles are in the dedup state")
        check(value("newsenrich_state_bytes") > 0, "the state's memory")
        check(value("newsenrich_dead_lettered_total") == 3, "the 3 bad records dead-lettered")
        check(value("newsenrich_webhook_attempts_total", **{"class": "5xx"}) >= 1, "the 503 endpoint's attempts")
        check(value("newsenrich_webhook_breakers_open") >= 0, "breakers gauge")
        print("    " + "; ".join(f"{k} {v}" for k, v in (
            ("state articles", value("newsenrich_state_entries", kind="articles")),
            ("claims", value("newsenrich_state_entries", kind="claims")),
            ("state bytes", value("newsenrich_state_bytes")),
            ("breakers open", value("newsenrich_webhook_breakers_open")),
            ("attempts 5xx", value("newsenrich_webhook_attempts_total", **{"class": "5xx"})))), flush=True)
        print(f"    {len(want)} metric names, all on a live /metrics: {', '.join(sorted(want))}", flush=True)
    finally:
        rc = stop_service(proc)
        rcv.shutdown()
    check(rc == 0, f"newsenrich exit {rc}")


if __name__ == "__main__":
    sys.exit(main("observability"))
