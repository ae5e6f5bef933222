#!/usr/bin/env python3
"""webhook_receiver — a Standard Webhooks receiver for tests and compose.

Verifies every request with the official Standard Webhooks library
(`standardwebhooks` on PyPI, the way a subscriber would: webhook-id,
webhook-timestamp within 5 minutes, webhook-signature v1,<base64 HMAC-SHA256
of "id.timestamp.body"> keyed by the base64 after "whsec_"), records it, and
answers as scripted per path. Needs `standardwebhooks` (1.1.0;
scripts/install-deps.sh --test installs it); the rest is the standard library.

    webhook_receiver.py [--host 127.0.0.1] [--port 8080] [--secret whsec_...]
                        [--log deliveries.jsonl] [--script '{"/path": RULE}']

The secret comes from --secret or NEWSENRICH_WEBHOOK_SECRET. --port 0 picks a
free port. On start it prints one line "LISTENING <host> <port>".

Every request is recorded (in memory, and as a JSON line in --log if given):
    {"t": unix time, "path": "/x", "webhook_id": "...", "timestamp": "...",
     "valid": true, "status": 204, "type": "claim.new", "body": {...}}
"valid" is what standardwebhooks' Webhook.verify says: false (with its
message in "error") when a header is missing, no signature matches, or the
timestamp is more than 5 minutes away from now. "verifier" names the library
and its version, so a test can tell that the library checked the request. By default a request
with an invalid signature gets 401, any other 204.

A RULE scripts the answers on a path (exact path, query ignored):
    {"status": 500}                       always 500
    {"status": 204, "delay_ms": 3000}     answer after 3 s (a slow endpoint,
                                          or a timeout if longer than the
                                          notifier's timeout_ms)
    {"status": 429, "retry_after": "2"}   adds a Retry-After header
    {"status": 503, "retry_after_in_s": 3}
                                          Retry-After as an HTTP-date 3 s ahead
    {"first": RULE, "then": RULE}         the first request of each webhook-id
                                          gets "first", later ones "then"
    {"sequence": [RULE, ...], "then": RULE}  successive requests on the path
    {"every": 4, "fail": RULE, "else": RULE} every 4th request on the path
                                          gets "fail" (the 1st, 5th, ...)
    {"random": 0.5, "fail": RULE, "else": RULE, "seed": 1}
                                          each request gets "fail" with
                                          probability 0.5, independently (a
                                          seeded generator per path: an
                                          endpoint that fails half its
                                          requests, failures in runs as chance
                                          makes them)
    {"drop": true}                        close the connection without an answer
("Connection refused" needs no rule: point the subscription at a closed port.)

Control endpoints (not recorded):
    GET  /_received            every record so far, as a JSON array
    POST /_script              body {"/path": RULE, ...}: adds or replaces rules
    POST /_reset               forgets records and rules
"""

import argparse
import json
import os
import random
import sys
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    from importlib.metadata import version as _dist_version

    from standardwebhooks.webhooks import Webhook, WebhookVerificationError
except ImportError as e:  # say how to get it rather than a bare traceback
    sys.exit(f"webhook_receiver: {e}: install the Standard Webhooks library with "
             "scripts/install-deps.sh --test (pip install standardwebhooks==1.1.0)")

VERIFIER = f"standardwebhooks {_dist_version('standardwebhooks')}"


def verify(webhook, body, headers):
    """(valid, error) as the library decides for this body and these
    headers. Malformed headers (a signature without "v1,", bad base64) make
    the library raise other errors than its own: they are invalid too."""
    try:
        webhook.verify(body, dict(headers), json_parse=False)
        return True, None
    except WebhookVerificationError as e:
        return False, str(e)
    except (ValueError, TypeError, UnicodeDecodeError) as e:
        return False, f"{type(e).__name__}: {e}"


class State:
    def __init__(self, webhook, log_path, rules):
        self.webhook = webhook
        self.lock = threading.Lock()
        self.records = []
        self.rules = dict(rules)
        self.seen = {}      # (path, webhook-id) -> requests so far
        self.path_count = {}
        self.path_rng = {}  # path -> random.Random of its "random" rule
        self.log = open(log_path, "a", buffering=1) if log_path else None

    def rule_for(self, path, msg_id):
        with self.lock:
            rule = self.rules.get(path, {})
            n_id = self.seen.get((path, msg_id), 0)
            self.seen[(path, msg_id)] = n_id + 1
            n_path = self.path_count.get(path, 0)
            self.path_count[path] = n_path + 1
            if "random" in rule:
                rng = self.path_rng.setdefault(path, random.Random(rule.get("seed", 1)))
                unlucky = rng.random() < rule["random"]
        if "first" in rule:
            return rule["first"] if n_id == 0 else rule.get("then", {})
        if "every" in rule:
            return rule.get("fail", {}) if n_path % rule["every"] == 0 else rule.get("else", {})
        if "random" in rule:
            return rule.get("fail", {}) if unlucky else rule.get("else", {})
        if "sequence" in rule:
            seq = rule["sequence"]
            return seq[n_path] if n_path < len(seq) else rule.get("then", {})
        return rule

    def record(self, rec):
        with self.lock:
            self.records.append(rec)
        if self.log:
            self.log.write(json.dumps(rec) + "\n")

    def reset(self):
        with self.lock:
            self.records.clear()
            self.rules.clear()
            self.seen.clear()
            self.path_count.clear()
            self.path_rng.clear()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "webhook-receiver/1"

    def log_message(self, fmt, *args):  # quiet; records say it all
        pass

    def _reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        st = self.server.state
        if self.path.split("?")[0] == "/_received":
            with st.lock:
                data = json.dumps(st.records).encode()
            return self._reply(200, data)
        return self._reply(404)

    def do_POST(self):
        st = self.server.state
        path = self.path.split("?")[0]
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if path == "/_script":
            with st.lock:
                st.rules.update(json.loads(body or b"{}"))
            return self._reply(204)
        if path == "/_reset":
            st.reset()
            return self._reply(204)

        msg_id = self.headers.get("webhook-id")
        ts = self.headers.get("webhook-timestamp")
        valid, error = verify(st.webhook, body, self.headers.items())
        rule = st.rule_for(path, msg_id)
        if rule.get("delay_ms"):
            time.sleep(rule["delay_ms"] / 1000.0)
        status = rule.get("status", 204) if valid else 401
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        rec = {"t": time.time(), "path": path, "webhook_id": msg_id, "timestamp": ts, "valid": valid,
               "verifier": VERIFIER, "error": error,
               "status": 0 if rule.get("drop") else status,
               "type": parsed.get("type") if isinstance(parsed, dict) else None,
               "user_agent": self.headers.get("User-Agent"), "body": parsed}
        st.record(rec)
        if not self.server.quiet:
            print(f"{'ok ' if valid else 'BAD'} {status} {path} {msg_id}", flush=True)
        if rule.get("drop"):
            self.close_connection = True
            return
        headers = []
        if rule.get("retry_after") is not None:
            headers.append(("Retry-After", str(rule["retry_after"])))
        if rule.get("retry_after_in_s") is not None:
            headers.append(("Retry-After", formatdate(time.time() + rule["retry_after_in_s"], usegmt=True)))
        try:
            self._reply(status, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up (its timeout); it is recorded anyway


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops SYNs under bursts: 1 s stalls

    def handle_error(self, request, client_address):
        # A sender that hangs up (its timeout, kill -9) is part of the tests.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def serve(host, port, secret, log_path=None, rules=None, quiet=False):
    """Starts the server on a background thread; returns it (server.server_port)."""
    srv = Server((host, port), Handler)
    srv.daemon_threads = True
    srv.state = State(Webhook(secret), log_path, rules or {})
    srv.quiet = quiet
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--secret", default=os.environ.get("NEWSENRICH_WEBHOOK_SECRET"))
    ap.add_argument("--log", help="append every delivery as a JSON line to this file")
    ap.add_argument("--script", default="{}", help='JSON object {"/path": RULE}')
    ap.add_argument("--quiet", action="store_true", help="no line per request on stdout")
    a = ap.parse_args(argv)
    if not a.secret:
        ap.error("no secret: pass --secret or set NEWSENRICH_WEBHOOK_SECRET")
    try:
        Webhook(a.secret)
    except Exception:  # binascii.Error, EmptyWebhookSecretError
        ap.error("the secret is not whsec_<base64>")
    srv = serve(a.host, a.port, a.secret, a.log, json.loads(a.script), a.quiet)
    print(f"LISTENING {a.host} {srv.server_port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
