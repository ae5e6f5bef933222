#!/usr/bin/env python3
"""validate_events — check newsenrich events against the JSON Schemas in schemas/.

As a module:

    import validate_events as ve
    ve.validate("enriched", value)          # raises ve.EventInvalid with every problem
    ve.problems("claims", value)            # the same problems as a list of strings
    ve.check_record(record)                 # one line of `newsenrich enrich` output

Roles (and the names accepted for them): raw (articles.raw), enriched
(articles.enriched), duplicates (articles.duplicates), claims, alerts,
dlq (articles.dlq, articles.dlq.headers: the value is the *headers* of a
dead letter) and webhook (claim.new: the webhook POST body).

Besides the schema, events get the checks a schema cannot express:
  enriched   every mention/quote offset lies within the UTF-8 bytes of the
             body (the title for field "title"), start < end, on character
             boundaries; body[start:end] (bytes) equals a mention's text;
             a mention's title is written right before it (only white
             space between) and only a name has one; an entity's titles are the
             distinct titles of its mentions; count is the number of
             mentions; no two mentions of the article overlap;
             entity and quote ids are unique; a quote's speaker.entity_id and
             about ids name entities of the article; a near duplicate is not
             a duplicate of itself
  duplicates duplicate_of differs from id
  claims     quote.claim_id == claim_id, quote.new == new, a new claim was
             first seen in this article
  alerts     quote.claim_id == claim_id, quote.new is true, the person is the
             quote's speaker (role speaker) or among its about ids (subject)
  webhook    role speaker: speaker.entity_id is the person
and records (check_record) get: the key is the article id (enriched,
duplicates) or the claim id (claims); a dead letter has value_b64 (valid
base64), the others a value.

As a command:

    newsenrich enrich < articles.jsonl | validate_events.py
    validate_events.py [--topic-map JSON|FILE] [--schemas DIR] [--no-checks] [FILE|-]...

reads JSON lines {"topic", "key", "headers", "value" | "value_b64"}, prints
one line per invalid event and a summary "N valid, N invalid"; exits 1 if any
event is invalid, 2 on bad usage. --topic-map maps topic names to roles and
is merged over the defaults, e.g. '{"prod.enriched": "enriched"}'; a topic
with no role is reported as invalid.

Needs only the standard library and jsonschema (Debian: python3-jsonschema,
4.10; newer versions work too). No schema is ever fetched over the network.
"""

import argparse
import base64
import binascii
import datetime
import json
import re
import sys
from pathlib import Path

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

ROLE_FILES = {
    "raw": "articles.raw.schema.json",
    "enriched": "articles.enriched.schema.json",
    "duplicates": "articles.duplicates.schema.json",
    "claims": "claims.schema.json",
    "alerts": "alerts.schema.json",
    "dlq": "articles.dlq.headers.schema.json",
    "webhook": "webhook.schema.json",
}

ROLE_ALIASES = {
    "articles.raw": "raw",
    "articles.enriched": "enriched",
    "articles.duplicates": "duplicates",
    "articles.dlq": "dlq",
    "articles.dlq.headers": "dlq",
    "dlq.headers": "dlq",
    "claim.new": "webhook",
}

# Default topic names (config topics.*) -> role.
DEFAULT_TOPIC_MAP = {
    "articles.enriched": "enriched",
    "articles.duplicates": "duplicates",
    "claims": "claims",
    "alerts": "alerts",
    "articles.dlq": "dlq",
}


class EventInvalid(ValueError):
    """An event that breaks its schema or the offset/reference checks."""

    def __init__(self, role, problems):
        self.role = role
        self.problems = list(problems)
        super().__init__("%s: %s" % (role, "; ".join(self.problems)))


# ---------------------------------------------------------------- formats

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?"
    r"([Zz]|[+-](\d{2}):(\d{2}))$"
)


def is_rfc3339(value):
    """True for an RFC 3339 date-time (section 5.6), leap second allowed."""
    if not isinstance(value, str):
        return True  # format only constrains strings
    m = _RFC3339.match(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    if hour > 23 or minute > 59 or second > 60:
        return False
    if m.group(9) is not None and (int(m.group(9)) > 23 or int(m.group(10)) > 59):
        return False
    return True


def _format_checker():
    # Only the formats we check ourselves: jsonschema's own date-time check
    # depends on an optional package and is silently skipped without it.
    checker = FormatChecker(formats=())
    checker.checks("date-time")(is_rfc3339)
    return checker


# ---------------------------------------------------------------- schemas

def _no_remote(uri):
    raise jsonschema.exceptions.RefResolutionError(
        "refusing to fetch %s: every schema must be in the schemas/ folder" % uri)


class Schemas:
    """The schema files of one folder, with cross-file $refs resolved locally."""

    def __init__(self, schema_dir=None):
        self.dir = Path(schema_dir) if schema_dir else SCHEMA_DIR
        self.by_id = {}
        self.by_file = {}
        for path in sorted(self.dir.glob("*.schema.json")):
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            Draft202012Validator.check_schema(schema)
            sid = schema.get("$id")
            if not sid:
                raise ValueError("%s has no $id" % path)
            self.by_id[sid] = schema
            self.by_file[path.name] = schema
        missing = [f for f in ROLE_FILES.values() if f not in self.by_file]
        if missing:
            raise FileNotFoundError("missing schema files in %s: %s" % (self.dir, ", ".join(missing)))
        self._checker = _format_checker()
        self._registry = self._make_registry()
        self._validators = {}

    def _make_registry(self):
        try:  # jsonschema >= 4.18
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:
            return None
        return Registry().with_resources(
            (sid, Resource.from_contents(s, default_specification=DRAFT202012))
            for sid, s in self.by_id.items())

    def validator(self, role):
        role = resolve_role(role)
        v = self._validators.get(role)
        if v is None:
            schema = self.by_file[ROLE_FILES[role]]
            if self._registry is not None:
                v = Draft202012Validator(schema, registry=self._registry,
                                         format_checker=self._checker)
            else:  # jsonschema 4.10 (Debian 12)
                resolver = jsonschema.RefResolver(
                    base_uri=schema["$id"], referrer=schema, store=dict(self.by_id),
                    handlers={"http": _no_remote, "https": _no_remote})
                v = Draft202012Validator(schema, resolver=resolver,
                                         format_checker=self._checker)
            self._validators[role] = v
        return v


_default_schemas = None


def default_schemas():
    global _default_schemas
    if _default_schemas is None:
        _default_schemas = Schemas()
    return _default_schemas


def resolve_role(role):
    r = ROLE_ALIASES.get(role, role)
    if r not in ROLE_FILES:
        raise KeyError("unknown role %r (one of: %s)" % (role, ", ".join(sorted(ROLE_FILES))))
    return r


# ---------------------------------------------------------------- messages

def json_path(parts):
    s = "$"
    for p in parts:
        if isinstance(p, int):
            s += "[%d]" % p
        elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", p):
            s += "." + p
        else:
            s += "[%s]" % json.dumps(p)
    return s


def _short(value, limit=60):
    s = json.dumps(value, ensure_ascii=False)
    return s if len(s) <= limit else s[:limit - 1] + "…"


def _reword(where, error):
    inst = _short(error.instance)
    v = error.validator
    if v == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return "%s: expected type %s, got %s" % (where, want, inst)
    if v == "enum":
        return "%s: expected one of %s, got %s" % (
            where, ", ".join(json.dumps(x) for x in error.validator_value), inst)
    if v == "const":
        return "%s: expected %s, got %s" % (where, json.dumps(error.validator_value), inst)
    if v == "format":
        return "%s: expected a %s, got %s" % (where, error.validator_value, inst)
    if v == "pattern":
        return "%s: %s does not match %s" % (where, inst, error.validator_value)
    return "%s: %s" % (where, error.message)


def _describe(error, prefix=()):
    """Readable messages for one error; for anyOf/oneOf, why the alternative
    that fits the instance's type failed, not "is not valid under any"."""
    path = list(prefix) + list(error.relative_path if prefix else error.absolute_path)
    if error.validator in ("anyOf", "oneOf") and error.context:
        branches = {}
        for c in error.context:
            branches.setdefault(c.schema_path[0], []).append(c)
        # Drop alternatives rejected for their type alone (e.g. the null of "null or object").
        fitting = [errs for errs in branches.values()
                   if not any(c.validator == "type" and not c.relative_path for c in errs)]
        if len(fitting) == 1:
            out = []
            for c in fitting[0]:
                out += _describe(c, path)
            return out
        if not fitting:
            wanted = []
            for errs in branches.values():
                for c in errs:
                    if c.validator == "type" and not c.relative_path:
                        t = c.validator_value
                        wanted += t if isinstance(t, list) else [t]
            return ["%s: expected type %s, got %s" % (json_path(path), " or ".join(wanted),
                                                       _short(error.instance))]
        best = jsonschema.exceptions.best_match(error.context)
        return _describe(best, path)
    return [_reword(json_path(path), error)]


def schema_problems(role, value, schemas=None):
    v = (schemas or default_schemas()).validator(role)
    errors = sorted(v.iter_errors(value), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    out = []
    for e in errors:
        for msg in _describe(e):
            if msg not in out:
                out.append(msg)
    return out


# ---------------------------------------------------------------- checks

def _is_cont(b):
    return (b & 0xC0) == 0x80


def _span_problems(where, start, end, data, what):
    if not (isinstance(start, int) and isinstance(end, int)):
        return []
    if start >= end:
        return ["%s: start %d >= end %d" % (where, start, end)]
    if end > len(data):
        return ["%s: end %d is past the %d UTF-8 bytes of the %s" % (where, end, len(data), what)]
    out = []
    if _is_cont(data[start]):
        out.append("%s: start %d is inside a UTF-8 character of the %s" % (where, start, what))
    if end < len(data) and _is_cont(data[end]):
        out.append("%s: end %d is inside a UTF-8 character of the %s" % (where, end, what))
    return out


def _enriched_checks(ev):
    out = []
    body = ev.get("body")
    body_b = body.encode("utf-8") if isinstance(body, str) else b""
    title = ev.get("title")
    title_b = title.encode("utf-8") if isinstance(title, str) else None

    ents = ev.get("entities") if isinstance(ev.get("entities"), list) else []
    ids = [e.get("id") for e in ents if isinstance(e, dict)]
    seen = set()
    for i in ids:
        if i in seen:
            out.append("$.entities: id %s appears more than once" % _short(i))
        seen.add(i)

    spans = []   # (field, start, end, where) of every mention, for overlaps
    for ei, ent in enumerate(ents):
        if not isinstance(ent, dict) or not isinstance(ent.get("mentions"), list):
            continue
        # a repeated headline's mentions are the title's again: not counted
        counted = [m for m in ent["mentions"] if not (isinstance(m, dict) and m.get("repeat"))]
        if isinstance(ent.get("count"), int) and ent["count"] != len(counted):
            out.append("$.entities[%d]: count %d but %d mentions" % (ei, ent["count"], len(counted)))
        for mi, m in enumerate(ent["mentions"]):
            if isinstance(m, dict) and m.get("repeat") and m.get("field") == "title":
                out.append("$.entities[%d].mentions[%d]: a repeat is a body mention" % (ei, mi))
        if ent["mentions"] and not counted:
            out.append("$.entities[%d]: only repeats" % ei)
        mtitles = []
        for m in ent["mentions"]:
            t = m.get("title") if isinstance(m, dict) else None
            if isinstance(t, str) and t.lower().rstrip(".") not in [x.lower().rstrip(".") for x in mtitles]:
                mtitles.append(t)
        titles = ent.get("titles")
        if titles is not None or mtitles:
            if not isinstance(titles, list) or [x.lower().rstrip(".") for x in titles if isinstance(x, str)] != \
                    [x.lower().rstrip(".") for x in mtitles]:
                out.append("$.entities[%d]: titles %s are not the distinct titles of its mentions %s" % (
                    ei, _short(json.dumps(titles)), _short(json.dumps(mtitles))))
        for mi, m in enumerate(ent["mentions"]):
            if not isinstance(m, dict):
                continue
            where = "$.entities[%d].mentions[%d]" % (ei, mi)
            if m.get("field") == "title":
                if title_b is None:
                    out.append("%s: field is \"title\" but the event has no title" % where)
                    continue
                data, what = title_b, "title"
            else:
                data, what = body_b, "body"
            start, end = m.get("start"), m.get("end")
            span = _span_problems(where, start, end, data, what)
            out += span
            if not span and isinstance(start, int) and isinstance(end, int) \
                    and isinstance(m.get("text"), str):
                got = data[start:end]
                if got != m["text"].encode("utf-8"):
                    out.append("%s: %s[%d:%d] is %s, not the mention text %s" % (
                        where, what, start, end,
                        _short(got.decode("utf-8", "replace")), _short(m["text"])))
                spans.append((what, start, end, where))
                t = m.get("title")
                if isinstance(t, str):
                    if m.get("kind", "name") != "name":
                        out.append("%s: a %s mention has a title" % (where, m.get("kind")))
                    elif not data[:start].decode("utf-8", "replace").rstrip().endswith(t):
                        out.append("%s: title %s is not written right before %s" % (
                            where, _short(t), _short(m["text"])))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if a[0] == b[0] and b[1] < a[2]:
            out.append("%s overlaps %s" % (b[3], a[3]))

    quotes = ev.get("quotes") if isinstance(ev.get("quotes"), list) else []
    qseen = set()
    for qi, q in enumerate(quotes):
        if not isinstance(q, dict):
            continue
        where = "$.quotes[%d]" % qi
        if q.get("id") in qseen:
            out.append("%s: id %s appears more than once" % (where, _short(q.get("id"))))
        qseen.add(q.get("id"))
        out += _span_problems(where, q.get("start"), q.get("end"), body_b, "body")
        parts = q.get("parts") if isinstance(q.get("parts"), list) else []
        texts, prev_end = [], None
        for pi, part in enumerate(parts):
            if not isinstance(part, dict):
                continue
            pw = "%s.parts[%d]" % (where, pi)
            ps, pe = part.get("start"), part.get("end")
            probs = _span_problems(pw, ps, pe, body_b, "body")
            out += probs
            if probs or not isinstance(ps, int) or not isinstance(pe, int):
                continue
            if prev_end is not None and ps < prev_end:
                out.append("%s: starts at %d, before the previous part's end %d" % (pw, ps, prev_end))
            if isinstance(q.get("start"), int) and isinstance(q.get("end"), int) \
                    and (ps < q["start"] or pe > q["end"]):
                out.append("%s: [%d, %d) is outside the quote's [%d, %d)" % (pw, ps, pe, q["start"], q["end"]))
            prev_end = pe
            texts.append(body_b[ps:pe].decode("utf-8", "replace"))
        if texts and isinstance(q.get("text"), str) and " … ".join(texts) != q["text"]:
            out.append("%s.text: %s is not its parts joined by \" … \" (%s)"
                       % (where, _short(q["text"]), _short(" … ".join(texts))))
        sp = q.get("speaker")
        if isinstance(sp, dict) and isinstance(sp.get("start"), int) and isinstance(sp.get("end"), int):
            probs = _span_problems(where + ".speaker", sp["start"], sp["end"], body_b, "body")
            out += probs
            if not probs and isinstance(sp.get("text"), str) \
                    and body_b[sp["start"]:sp["end"]] != sp["text"].encode("utf-8"):
                out.append("%s.speaker: body[%d:%d] is %s, not the speaker text %s" % (
                    where, sp["start"], sp["end"],
                    _short(body_b[sp["start"]:sp["end"]].decode("utf-8", "replace")), _short(sp["text"])))
        if isinstance(sp, dict) and isinstance(sp.get("entity_id"), str) \
                and sp["entity_id"] not in seen:
            out.append("%s.speaker.entity_id: %s is not an entity of the article"
                       % (where, _short(sp["entity_id"])))
        for ai, a in enumerate(q.get("about") if isinstance(q.get("about"), list) else []):
            if isinstance(a, str) and a not in seen:
                out.append("%s.about[%d]: %s is not an entity of the article" % (where, ai, _short(a)))

    d = ev.get("dedup")
    if isinstance(d, dict) and d.get("duplicate_of") is not None \
            and d.get("duplicate_of") == ev.get("id"):
        out.append("$.dedup.duplicate_of: the article is marked a duplicate of itself")
    return out


def _duplicates_checks(ev):
    # an update may follow a version under the same id
    if ev.get("id") is not None and ev.get("id") == ev.get("duplicate_of") and ev.get("kind") != "update":
        return ["$.duplicate_of: the article is marked a duplicate of itself"]
    return []


def _claims_checks(ev):
    out = []
    q = ev.get("quote") if isinstance(ev.get("quote"), dict) else {}
    if "claim_id" in q and q.get("claim_id") != ev.get("claim_id"):
        out.append("$.quote.claim_id: %s differs from claim_id %s"
                   % (_short(q.get("claim_id")), _short(ev.get("claim_id"))))
    if "new" in q and q.get("new") != ev.get("new"):
        out.append("$.quote.new: %s differs from new %s" % (_short(q.get("new")), _short(ev.get("new"))))
    fs = ev.get("first_seen")
    if ev.get("new") is True and isinstance(fs, dict) and "article_id" in fs \
            and fs.get("article_id") != ev.get("article_id"):
        out.append("$.first_seen.article_id: a new claim must be first seen in this article (%s), not %s"
                   % (_short(ev.get("article_id")), _short(fs.get("article_id"))))
    return out


def _role_checks(where, role, person, speaker, about):
    pid = person.get("id") if isinstance(person, dict) else None
    if pid is None:
        return []
    if role == "speaker":
        sid = speaker.get("entity_id") if isinstance(speaker, dict) else None
        if sid != pid:
            return ["%s: role is speaker but the speaker is %s, not %s"
                    % (where, _short(sid), _short(pid))]
    elif role == "subject" and about is not None and pid not in about:
        return ["%s: role is subject but %s is not in quote.about" % (where, _short(pid))]
    return []


def _alerts_checks(ev):
    out = []
    q = ev.get("quote") if isinstance(ev.get("quote"), dict) else {}
    if "claim_id" in q and q.get("claim_id") != ev.get("claim_id"):
        out.append("$.quote.claim_id: %s differs from claim_id %s"
                   % (_short(q.get("claim_id")), _short(ev.get("claim_id"))))
    if q.get("new") is False:
        out.append("$.quote.new: alerts are only for new claims")
    about = q.get("about") if isinstance(q.get("about"), list) else None
    out += _role_checks("$.role", ev.get("role"), ev.get("person"), q.get("speaker"), about)
    return out


def _webhook_checks(ev):
    d = ev.get("data") if isinstance(ev.get("data"), dict) else {}
    if d.get("role") == "speaker":
        return _role_checks("$.data.role", "speaker", d.get("person"), d.get("speaker"), None)
    return []


_CHECKS = {
    "enriched": _enriched_checks,
    "duplicates": _duplicates_checks,
    "claims": _claims_checks,
    "alerts": _alerts_checks,
    "webhook": _webhook_checks,
}


def check_problems(role, value):
    """The checks a schema cannot express (offsets, references); [] if none apply."""
    fn = _CHECKS.get(resolve_role(role))
    if fn is None or not isinstance(value, dict):
        return []
    return fn(value)


def check_offsets(enriched_value):
    """Offset and reference problems of an articles.enriched value."""
    return _enriched_checks(enriched_value) if isinstance(enriched_value, dict) else []


# ---------------------------------------------------------------- API

def problems(topic_role, value, checks=True, schemas=None):
    """Every problem of `value` as the event of `topic_role`; [] when valid."""
    role = resolve_role(topic_role)
    out = schema_problems(role, value, schemas)
    if checks:
        out += [p for p in check_problems(role, value) if p not in out]
    return out


def validate(topic_role, value, checks=True, schemas=None):
    """Raises EventInvalid, listing every problem, unless `value` is valid."""
    p = problems(topic_role, value, checks, schemas)
    if p:
        raise EventInvalid(resolve_role(topic_role), p)


def check_record(record, topic_map=None, checks=True, schemas=None):
    """Problems of one `newsenrich enrich` output record; [] when valid."""
    if not isinstance(record, dict):
        return ["record is not a JSON object"]
    tmap = DEFAULT_TOPIC_MAP if topic_map is None else topic_map
    topic = record.get("topic")
    if not isinstance(topic, str):
        return ["record has no topic"]
    role = tmap.get(topic)
    if role is None:
        return ["no schema for topic %r (map it with --topic-map)" % topic]
    role = resolve_role(role)
    out = []
    key = record.get("key")
    if key is not None and not isinstance(key, str):
        out.append("key: expected a string or null, got %s" % _short(key))
    headers = record.get("headers", {})
    if headers is not None and not isinstance(headers, dict):
        out.append("headers: expected an object, got %s" % _short(headers))
        headers = {}

    if role == "dlq":
        if "value_b64" not in record:
            out.append("a dead letter carries value_b64 (the original bytes)")
        elif not isinstance(record["value_b64"], str):
            out.append("value_b64: expected a base64 string")
        else:
            try:
                base64.b64decode(record["value_b64"], validate=True)
            except (binascii.Error, ValueError) as e:
                out.append("value_b64: not valid base64 (%s)" % e)
        out += ["headers " + p for p in problems(role, headers or {}, checks, schemas)]
        return out

    if "value" not in record:
        out.append("record has no value")
        return out
    value = record["value"]
    out += problems(role, value, checks, schemas)
    if isinstance(value, dict):
        want = {"enriched": "id", "duplicates": "id", "claims": "claim_id"}.get(role)
        if want and "key" in record and key != value.get(want):
            out.append("key %s is not the value's %s %s" % (_short(key), want, _short(value.get(want))))
    return out


# ---------------------------------------------------------------- CLI

def _load_topic_map(arg):
    text = arg
    if not arg.lstrip().startswith("{"):
        with open(arg, encoding="utf-8") as f:
            text = f.read()
    m = json.loads(text)
    if not isinstance(m, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in m.items()):
        raise ValueError("--topic-map must be a JSON object of topic name -> role")
    out = dict(DEFAULT_TOPIC_MAP)
    for topic, role in m.items():
        try:
            out[topic] = resolve_role(role)
        except KeyError as e:
            raise ValueError("--topic-map: %s" % e.args[0]) from None
    return out


def run(lines, out, topic_map=None, checks=True, schemas=None, source="-"):
    """Validates JSON lines; writes a line per invalid event and the summary.
    Returns (valid, invalid)."""
    valid = invalid = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            invalid += 1
            out.write("%s:%d: not JSON: %s\n" % (source, n, e))
            continue
        probs = check_record(rec, topic_map, checks, schemas)
        if probs:
            invalid += 1
            label = rec.get("topic") if isinstance(rec, dict) else None
            key = rec.get("key") if isinstance(rec, dict) else None
            out.write("%s:%d: %s key=%s: %s\n" % (source, n, label, _short(key), "; ".join(probs)))
        else:
            valid += 1
    return valid, invalid


def main(argv=None, stdin=None, stdout=None):
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    ap = argparse.ArgumentParser(
        prog="validate_events.py",
        description="Validate newsenrich events (JSON lines of `newsenrich enrich`) against schemas/.")
    ap.add_argument("files", nargs="*", metavar="FILE", help="JSON lines files ('-' or none: stdin)")
    ap.add_argument("--topic-map", metavar="JSON|FILE",
                    help="topic name -> role (%s), merged over the defaults %s"
                    % ("|".join(ROLE_FILES), json.dumps(DEFAULT_TOPIC_MAP)))
    ap.add_argument("--schemas", metavar="DIR", help="schema folder (default: %s)" % SCHEMA_DIR)
    ap.add_argument("--no-checks", action="store_true",
                    help="schemas only: skip the offset and reference checks")
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 2
    try:
        topic_map = _load_topic_map(args.topic_map) if args.topic_map else dict(DEFAULT_TOPIC_MAP)
        schemas = Schemas(args.schemas) if args.schemas else default_schemas()
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        sys.stderr.write("validate_events: %s\n" % e)
        return 2

    total_valid = total_invalid = 0
    for name in args.files or ["-"]:
        if name == "-":
            v, i = run(stdin, stdout, topic_map, not args.no_checks, schemas, "<stdin>")
        else:
            try:
                with open(name, encoding="utf-8") as f:
                    v, i = run(f, stdout, topic_map, not args.no_checks, schemas, name)
            except OSError as e:
                sys.stderr.write("validate_events: %s\n" % e)
                return 2
        total_valid += v
        total_invalid += i
    stdout.write("%d valid, %d invalid\n" % (total_valid, total_invalid))
    return 1 if total_invalid else 0


if __name__ == "__main__":
    sys.exit(main())
