"""Self-tests of schemas/ and tests/integration/validate_events.py.

    /usr/bin/python3 -m unittest tests/integration/test_schemas.py

Needs python3-jsonschema (Debian 12: 4.10). Hand-written events, valid and
invalid, plus the contract's own example shapes taken verbatim.
"""

import base64
import contextlib
import copy
import io
import json
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import validate_events as ve  # noqa: E402

REPO = HERE.parents[1]
CONTRACT = REPO.parent / "shared" / "CONTRACT.md"

# ---------------------------------------------------------------- the contract's examples, verbatim

CONTRACT_ENRICHED = """\
{"id": "…", "title": "…", "url": "…", "source": "…", "published_at": "…",
 "body": "…cleaned text…",
 "dedup": {"status": "unique|near_duplicate", "duplicate_of": null, "similarity": 0.0, "story_id": "…"},
 "entities": [{"id": "donald-trump", "name": "Donald Trump", "type": "PERSON", "watched": true,
               "count": 9, "mentions": [{"start": 10, "end": 18, "text": "Mr Trump"}]}],
 "quotes": [{"id": "…", "kind": "direct|partial|indirect", "text": "…", "start": 0, "end": 0,
             "speaker": {"entity_id": "donald-trump", "name": "Donald Trump", "text": "the President"},
             "cue": "said", "about": ["vladimir-putin"], "claim_id": "…", "new": true}],
 "stats": {"bytes": 0, "tokens": 0, "sentences": 0, "elapsed_us": 0}}"""

CONTRACT_WEBHOOK = """\
{"type": "claim.new", "timestamp": "…",
 "data": {"person": {"id": "vladimir-putin", "name": "Vladimir Putin"}, "role": "speaker|subject",
          "claim_id": "…", "quote": "…", "kind": "direct", "speaker": {…},
          "article": {"id": "…", "title": "…", "url": "…", "source": "…", "published_at": "…"}}}"""


def first_alternative(text):
    """"a|b|c" placeholders of the contract -> "a"."""
    return re.sub(r'"([a-z_]+)(\|[a-z_]+)+"', r'"\1"', text)


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- hand-written events

BODY = ("President Vladimir Putin feels insulted by allegations of Russian interference, "
        "US President Donald Trump said.\n\n"
        "“He said he didn’t meddle,” Trump told reporters aboard Air Force One.\n\n"
        "A Kremlin spokesman said the talks were “constructive”.")
TITLE = "Trump: Putin Says He Didn’t Meddle in the US Election"


def span(text, needle, after=0):
    """Byte offsets [start, end) of needle in text (UTF-8), searching from byte `after`."""
    b = text.encode("utf-8")
    i = b.index(needle.encode("utf-8"), after)
    return i, i + len(needle.encode("utf-8"))


def mention(text, needle, after=0, field=None):
    s, e = span(text, needle, after)
    m = {"start": s, "end": e, "text": needle}
    if field:
        m["field"] = field
    return m


def make_quote():
    qs, qe = span(BODY, "“He said he didn’t meddle,”")
    ws, we = span(BODY, "He said he didn’t meddle")
    ss, se = span(BODY, "Trump", we)
    return {"id": "q-1", "kind": "direct", "text": "He said he didn’t meddle",
            "start": qs, "end": qe, "parts": [{"start": ws, "end": we}],
            "speaker": {"entity_id": "donald-trump", "name": "Donald Trump", "text": "Trump",
                        "start": ss, "end": se},
            "cue": "told", "about": ["vladimir-putin"], "claim_id": "c-1", "new": True}


def make_enriched():
    trump_1 = mention(BODY, "Donald Trump")
    trump_2 = mention(BODY, "Trump", trump_1["end"])
    ks, ke = span(BODY, "the talks were “constructive”")
    return {
        "id": "5ef9211fc8905507", "title": TITLE, "url": None, "source": "example-news",
        "published_at": "2017-11-11T08:30:00Z", "body": BODY,
        "dedup": {"status": "unique", "duplicate_of": None, "similarity": 0.1234,
                  "story_id": "5ef9211fc8905507"},
        "entities": [
            {"id": "donald-trump", "name": "Donald Trump", "type": "PERSON", "watched": True,
             "count": 3, "mentions": [trump_1, trump_2, mention(TITLE, "Trump", field="title")]},
            {"id": "vladimir-putin", "name": "Vladimir Putin", "type": "PERSON", "watched": True,
             "count": 2, "mentions": [mention(BODY, "Vladimir Putin"),
                                      mention(TITLE, "Putin", field="title")]},
            {"id": "air-force-one", "name": "Air Force One", "type": "MISC", "watched": False,
             "count": 1, "mentions": [mention(BODY, "Air Force One")]},
            {"id": "kremlin", "name": "Kremlin", "type": "ORG", "watched": False,
             "count": 1, "mentions": [mention(BODY, "Kremlin")]},
        ],
        "quotes": [
            make_quote(),
            {"id": "q-2", "kind": "partial", "text": "constructive", "start": ks, "end": ke,
             "speaker": {"entity_id": None, "name": None, "text": "A Kremlin spokesman"},
             "cue": "said", "about": [], "claim_id": "c-2", "new": False},
        ],
        "stats": {"bytes": len(BODY.encode("utf-8")), "tokens": 48, "sentences": 3,
                  "elapsed_us": 812},
    }


def make_claim():
    return {"claim_id": "c-1", "article_id": "5ef9211fc8905507", "quote": make_quote(),
            "new": True,
            "first_seen": {"article_id": "5ef9211fc8905507", "at": "2017-11-11T08:31:02.125Z"}}


ARTICLE_REF = {"id": "5ef9211fc8905507", "title": TITLE, "url": None, "source": "example-news",
               "published_at": "2017-11-11T08:30:00Z"}


def make_alert(role="speaker"):
    person = ({"id": "donald-trump", "name": "Donald Trump"} if role == "speaker"
              else {"id": "vladimir-putin", "name": "Vladimir Putin"})
    return {"alert_id": "al-%s-c-1" % person["id"], "subscription_id": "sub-0", "person": person,
            "role": role, "claim_id": "c-1", "quote": make_quote(), "article": dict(ARTICLE_REF),
            "created_at": "2017-11-11T08:31:02Z"}


def make_webhook():
    q = make_quote()
    return {"type": "claim.new", "timestamp": "2017-11-11T08:31:02Z",
            "data": {"person": {"id": "vladimir-putin", "name": "Vladimir Putin"},
                     "role": "subject", "claim_id": "c-1", "quote": q["text"], "kind": q["kind"],
                     "speaker": q["speaker"], "article": dict(ARTICLE_REF)}}


def make_dlq_headers():
    return {"error.reason": "invalid_json", "error.detail": "parse error at byte 12",
            "source.topic": "articles.raw", "source.partition": "0", "source.offset": "42"}


def record(topic, key, value, headers=None):
    return {"topic": topic, "key": key, "headers": headers or {}, "value": value}


def dlq_record(raw=b'{"body": ', headers=None):
    return {"topic": "articles.dlq", "key": None, "headers": headers or make_dlq_headers(),
            "value_b64": base64.b64encode(raw).decode()}


# ---------------------------------------------------------------- tests

class SchemaFiles(unittest.TestCase):
    def test_every_schema_is_a_valid_2020_12_schema_with_its_file_name_as_id(self):
        files = sorted((REPO / "schemas").glob("*.schema.json"))
        self.assertGreaterEqual(len(files), 8)
        for f in files:
            with self.subTest(file=f.name):
                schema = json.loads(f.read_text(encoding="utf-8"))
                self.assertEqual(schema["$schema"], "https://json-schema.org/draft/2020-12/schema")
                ve.Draft202012Validator.check_schema(schema)
                self.assertTrue(schema["$id"].endswith("/" + f.name), schema["$id"])

    def test_unknown_role_is_an_error(self):
        with self.assertRaises(KeyError):
            ve.validate("articles.bogus", {})

    def test_role_aliases(self):
        ve.validate("articles.enriched", make_enriched())
        ve.validate("articles.dlq.headers", make_dlq_headers())
        ve.validate("claim.new", make_webhook())


class ContractExamples(unittest.TestCase):
    def test_examples_are_still_the_contracts(self):
        if not CONTRACT.is_file():
            self.skipTest("%s not found (shared/ is not beside this clone)" % CONTRACT)
        text = squash(CONTRACT.read_text(encoding="utf-8"))
        for name, example in (("enriched", CONTRACT_ENRICHED), ("webhook", CONTRACT_WEBHOOK)):
            with self.subTest(example=name):
                self.assertIn(squash(example), text,
                              "the contract's %s example changed: update the schemas and this test" % name)

    def test_enriched_example_fits_the_schema(self):
        ev = json.loads(first_alternative(CONTRACT_ENRICHED))
        self.assertEqual(ve.problems("enriched", ev, checks=False), [])

    def test_enriched_example_placeholders_fail_the_offset_checks(self):
        # The example's offsets are placeholders: "…cleaned text…"[10:18] is not "Mr Trump",
        # its count (9) is not the number of mentions it lists (1), its quote is empty and
        # it is about an entity it does not list.
        ev = json.loads(first_alternative(CONTRACT_ENRICHED))
        probs = ve.problems("enriched", ev)
        self.assertEqual(len(probs), 4, probs)
        self.assertIn("$.entities[0]: count 9 but 1 mentions", probs)
        self.assertTrue(any(p.startswith("$.entities[0].mentions[0]: body[10:18] is") for p in probs), probs)
        self.assertIn("$.quotes[0]: start 0 >= end 0", probs)
        self.assertIn('$.quotes[0].about[0]: "vladimir-putin" is not an entity of the article', probs)

    def test_enriched_example_alternatives_are_enums(self):
        ev = json.loads(CONTRACT_ENRICHED)  # "unique|near_duplicate" is not a status
        probs = ve.problems("enriched", ev, checks=False)
        self.assertEqual(len(probs), 2, probs)
        self.assertTrue(probs[0].startswith("$.dedup.status: expected one of"), probs)
        self.assertTrue(probs[1].startswith("$.quotes[0].kind: expected one of"), probs)

    def test_webhook_example_fits_the_schema(self):
        text = first_alternative(CONTRACT_WEBHOOK)
        text = text.replace('"timestamp": "…"', '"timestamp": "2017-11-11T08:31:02Z"')
        text = text.replace("{…}", '{"entity_id": "vladimir-putin", "name": "Vladimir Putin", '
                                   '"text": "Mr Putin"}')
        ve.validate("webhook", json.loads(text))

    def test_webhook_example_timestamp_must_be_rfc3339(self):
        text = first_alternative(CONTRACT_WEBHOOK).replace("{…}", "null")
        probs = ve.problems("webhook", json.loads(text), checks=False)
        self.assertEqual(probs, ['$.timestamp: expected a date-time, got "…"'])


class ValidEvents(unittest.TestCase):
    def test_enriched(self):
        ve.validate("enriched", make_enriched())

    def test_enriched_near_duplicate_and_nulls(self):
        ev = make_enriched()
        ev.update(title=None, source=None, published_at=None)
        ev["entities"] = [e for e in ev["entities"] if e["id"] != "vladimir-putin"]
        for e in ev["entities"]:
            e["mentions"] = [m for m in e["mentions"] if m.get("field") != "title"]
            e["count"] = len(e["mentions"])
        ev["quotes"][0]["about"] = []
        ev["quotes"][0]["speaker"] = None
        ev["quotes"][0]["cue"] = None
        ev["dedup"] = {"status": "near_duplicate", "duplicate_of": "caa47b06f91fe0da",
                       "similarity": 0.91, "story_id": "caa47b06f91fe0da"}
        ev["language"] = "en"
        ve.validate("enriched", ev)

    def test_enriched_update(self):
        ev = make_enriched()
        ev["dedup"] = {"status": "update", "duplicate_of": None, "update_of": "caa47b06f91fe0da",
                       "similarity": 0.97, "story_id": "caa47b06f91fe0da"}
        ve.validate("enriched", ev)
        ev["dedup"]["update_of"] = ev["id"]       # a new version under the same id
        ve.validate("enriched", ev)

    def test_enriched_web_page(self):
        ev = make_enriched()
        ev["format"] = "html"
        ev["authors"] = ["Lois Lane", "Clark Kent"]
        ve.validate("enriched", ev)
        ev["format"] = "text"
        del ev["authors"]
        ve.validate("enriched", ev)

    def test_enriched_empty_article(self):
        ev = make_enriched()
        ev["entities"], ev["quotes"] = [], []
        ve.validate("enriched", ev)

    def test_duplicates(self):
        ve.validate("duplicates", {"id": "b", "duplicate_of": "a", "kind": "exact", "similarity": 1.0})
        ve.validate("duplicates", {"id": "b", "duplicate_of": "a", "kind": "near", "similarity": 0.87})
        ve.validate("duplicates", {"id": "b", "duplicate_of": "a", "kind": "update", "similarity": 0.97})
        ve.validate("duplicates", {"id": "a", "duplicate_of": "a", "kind": "update", "similarity": 0.4})

    def test_claims(self):
        ve.validate("claims", make_claim())
        c = make_claim()
        c["new"] = c["quote"]["new"] = False
        c["first_seen"]["article_id"] = "an-earlier-article"
        ve.validate("claims", c)

    def test_alerts(self):
        ve.validate("alerts", make_alert("speaker"))
        ve.validate("alerts", make_alert("subject"))

    def test_webhook(self):
        ve.validate("webhook", make_webhook())

    def test_dlq_headers(self):
        h = make_dlq_headers()
        h["traceparent"] = "00-abc-def-01"  # other headers may ride along
        ve.validate("dlq", h)

    def test_dlq_headers_of_a_truncated_output_too_large(self):
        h = make_dlq_headers()
        h.update({"error.reason": "output_too_large", "error.truncated": "true",
                  "error.original_bytes": "1200000", "error.sha256": "ab" * 32})
        ve.validate("dlq", h)

    def test_dlq_headers_no_article_text(self):
        h = make_dlq_headers()
        h["error.reason"] = "no_article_text"
        ve.validate("dlq", h)

    def test_raw_inputs(self):
        ve.validate("raw", {"html": "<!doctype html><p>Text.</p>", "id": "p"})
        ve.validate("raw", {"body": "Text."})
        ve.validate("raw", {"text": "Text.", "id": "x", "title": None, "extra": [1]})
        ve.validate("raw", {"body": "Text.", "published_at": "2017-11-11T08:30:00+07:00",
                            "language": "en", "url": "https://example.com/a"})


class InvalidEvents(unittest.TestCase):
    def assertProblems(self, role, value, *expected):
        with self.assertRaises(ve.EventInvalid) as cm:
            ve.validate(role, value)
        msg = str(cm.exception)
        for e in expected:
            self.assertIn(e, msg)
        return cm.exception

    def test_entity_type_must_be_a_conll_class(self):
        ev = make_enriched()
        ev["entities"][0]["type"] = "PER"
        err = self.assertProblems("enriched", ev, "$.entities[0].type", '"PER"')
        self.assertEqual(len(err.problems), 1)
        self.assertEqual(err.role, "enriched")

    def test_absent_fields_are_null_not_missing(self):
        ev = make_enriched()
        del ev["url"]
        self.assertProblems("enriched", ev, "'url' is a required property")

    def test_no_unknown_top_level_fields(self):
        ev = make_enriched()
        ev["sentiment"] = 0.3
        self.assertProblems("enriched", ev, "'sentiment' was unexpected")
        c = make_claim()
        c["speaker"] = None
        self.assertProblems("claims", c, "'speaker' was unexpected")

    def test_format_is_text_or_html(self):
        ev = make_enriched()
        ev["format"] = "pdf"
        self.assertProblems("enriched", ev, "$.format", '"pdf"')

    def test_authors_are_non_empty_strings(self):
        ev = make_enriched()
        ev["authors"] = []
        self.assertProblems("enriched", ev, "$.authors")
        ev["authors"] = [""]
        self.assertProblems("enriched", ev, "$.authors[0]")

    def test_dlq_reason_enum(self):
        h = make_dlq_headers()
        h["error.reason"] = "no_text"
        self.assertProblems("dlq", h, "error.reason")

    def test_quote_alerts_is_only_false(self):
        ev = make_enriched()
        ev["quotes"][0]["alerts"] = False        # a speech verb's object: no alert
        ve.validate("enriched", ev)
        ev["quotes"][0]["alerts"] = True         # absent, not true, when it alerts
        self.assertProblems("enriched", ev, "$.quotes[0].alerts")

    def test_quote_kind_enum(self):
        ev = make_enriched()
        ev["quotes"][0]["kind"] = "reported"
        self.assertProblems("enriched", ev, "$.quotes[0].kind", '"reported"')

    def test_described_speaker_needs_its_description(self):
        ev = make_enriched()
        ev["quotes"][1]["speaker"] = {"entity_id": None, "name": None}
        self.assertProblems("enriched", ev, "$.quotes[1].speaker: 'text' is a required property")

    def test_named_speaker_needs_its_name(self):
        ev = make_enriched()
        ev["quotes"][0]["speaker"]["name"] = None
        self.assertProblems("enriched", ev, "$.quotes[0].speaker.name: expected type string")

    def test_quote_parts_are_its_words_and_make_its_text(self):
        ev = make_enriched()
        q = ev["quotes"][0]
        q["parts"] = [{"start": q["parts"][0]["start"], "end": q["parts"][0]["end"] - 1}]
        self.assertProblems("enriched", ev, "$.quotes[0].text:", "joined by")
        ev = make_enriched()
        ev["quotes"][0]["parts"] = []
        # jsonschema words minItems "[] is too short" (Debian's 4.10) or
        # "should be non-empty" (4.21+): the path is what matters
        self.assertProblems("enriched", ev, "$.quotes[0].parts: []")

    def test_speaker_span_is_the_speaker_text(self):
        ev = make_enriched()
        ev["quotes"][0]["speaker"]["start"] -= 1
        self.assertProblems("enriched", ev, "$.quotes[0].speaker: body[", "not the speaker text")

    def test_mention_field_is_only_title(self):
        ev = make_enriched()
        ev["entities"][0]["mentions"][0]["field"] = "body"
        self.assertProblems("enriched", ev, '$.entities[0].mentions[0].field: expected "title"')

    def with_coref(self):
        """The example with the coreference's fields: "US President Donald Trump" as the
        name "Donald Trump" with its title, "He" as a pronoun of Putin."""
        ev = make_enriched()
        t = ev["entities"][0]
        t["mentions"][0]["kind"] = "name"
        t["mentions"][0]["title"] = "President"
        t["titles"] = ["President"]
        p = ev["entities"][1]
        p["mentions"].insert(1, dict(mention(BODY, "He"), kind="pronoun"))
        p["count"] = 3
        return ev

    def test_mention_kind_title_and_entity_titles_are_valid(self):
        self.assertEqual(ve.problems("enriched", self.with_coref()), [])

    def test_mention_kind_enum(self):
        ev = self.with_coref()
        ev["entities"][1]["mentions"][1]["kind"] = "anaphor"
        self.assertProblems("enriched", ev, "$.entities[1].mentions[1].kind")

    def test_mention_title_must_be_written_before_the_name(self):
        ev = self.with_coref()
        ev["entities"][0]["mentions"][0]["title"] = "Mr"
        ev["entities"][0]["titles"] = ["Mr"]
        self.assertProblems("enriched", ev, '$.entities[0].mentions[0]: title "Mr" is not written right before')

    def test_only_a_name_has_a_title(self):
        ev = self.with_coref()
        ev["entities"][1]["mentions"][1]["title"] = "President"
        ev["entities"][1]["titles"] = ["President"]
        self.assertProblems("enriched", ev, "$.entities[1].mentions[1]: a pronoun mention has a title")

    def test_entity_titles_are_its_mentions_titles(self):
        ev = self.with_coref()
        ev["entities"][0]["titles"] = ["President", "CEO"]
        self.assertProblems("enriched", ev, "$.entities[0]: titles")
        ev = self.with_coref()
        del ev["entities"][0]["titles"]
        self.assertProblems("enriched", ev, "$.entities[0]: titles")
        ev = self.with_coref()
        ev["entities"][0]["titles"] = []
        self.assertProblems("enriched", ev, "$.entities[0].titles")

    def test_count_is_the_number_of_mentions(self):
        ev = self.with_coref()
        ev["entities"][1]["count"] = 2
        self.assertProblems("enriched", ev, "$.entities[1]: count 2 but 3 mentions")

    def test_a_repeated_headline_is_flagged_and_not_counted(self):
        # the body's first line repeats the title: its names are the title's
        # mentions again, flagged, and the count leaves them out
        ev = make_enriched()
        body = TITLE + ".\n\n" + BODY
        ev["body"] = body
        shift = len((TITLE + ".\n\n").encode("utf-8"))
        for e in ev["entities"]:
            for m in e["mentions"]:
                if m.get("field") != "title":
                    m["start"] += shift
                    m["end"] += shift
        for q in ev["quotes"]:
            for o in [q, q.get("speaker") or {}] + q.get("parts", []):
                if "start" in o:
                    o["start"] += shift
                    o["end"] += shift
        ev["stats"]["bytes"] = len(body.encode("utf-8"))
        trump = ev["entities"][0]
        rep = mention(body, "Trump", field=None)
        rep["repeat"] = True
        trump["mentions"].insert(0, rep)
        ve.validate("enriched", ev)   # valid: count 3 leaves the repeat out
        trump["count"] = 4
        self.assertProblems("enriched", ev, "$.entities[0]: count 4 but 3 mentions")
        trump["count"] = 3
        rep["field"] = "title"
        self.assertProblems("enriched", ev, "$.entities[0].mentions[0]: a repeat is a body mention")
        del rep["field"]
        rep["repeat"] = "yes"
        self.assertProblems("enriched", ev, "$.entities[0].mentions[0].repeat")

    def test_mentions_never_overlap(self):
        ev = self.with_coref()
        ev["entities"][3]["mentions"].append(dict(mention(BODY, "Trump", ev["entities"][0]["mentions"][1]["start"]),
                                                  kind="name"))
        ev["entities"][3]["count"] = 2
        self.assertProblems("enriched", ev, "overlaps")

    def test_dedup_status_and_duplicate_of_agree(self):
        ev = make_enriched()
        ev["dedup"]["status"] = "near_duplicate"
        self.assertProblems("enriched", ev, "$.dedup.duplicate_of: expected type string, got null")
        ev = make_enriched()
        ev["dedup"]["duplicate_of"] = "a"
        self.assertProblems("enriched", ev, "$.dedup.duplicate_of: expected type null")
        ev = make_enriched()
        ev["dedup"]["status"] = "exact"
        self.assertProblems("enriched", ev, "$.dedup.status")
        ev = make_enriched()
        ev["dedup"]["status"] = "update"            # an update names the version it updates
        self.assertProblems("enriched", ev, "update_of")
        ev["dedup"]["update_of"] = "a"
        ev["dedup"]["duplicate_of"] = "a"           # and is not a duplicate
        self.assertProblems("enriched", ev, "$.dedup.duplicate_of: expected type null")
        ev = make_enriched()
        ev["dedup"]["update_of"] = "a"              # only an update has one
        self.assertProblems("enriched", ev, "$.dedup")

    def test_offsets_are_non_negative_integers(self):
        ev = make_enriched()
        ev["quotes"][0]["start"] = -1
        ev["quotes"][0]["end"] = 3.5
        self.assertProblems("enriched", ev, "$.quotes[0].start: -1 is less than the minimum of 0",
                            "$.quotes[0].end: expected type integer, got 3.5")

    def test_stats_are_integers(self):
        ev = make_enriched()
        ev["stats"]["elapsed_us"] = "812"
        del ev["stats"]["tokens"]
        self.assertProblems("enriched", ev, "$.stats.elapsed_us", "'tokens' is a required property")

    def test_duplicates_kind_enum_and_self_reference(self):
        self.assertProblems("duplicates", {"id": "b", "duplicate_of": "a", "kind": "fuzzy",
                                           "similarity": 0.5}, "$.kind")
        self.assertProblems("duplicates", {"id": "b", "duplicate_of": None, "kind": "near",
                                           "similarity": 0.5}, "$.duplicate_of")
        self.assertProblems("duplicates", {"id": "a", "duplicate_of": "a", "kind": "exact",
                                           "similarity": 1}, "duplicate of itself")

    def test_claims_quote_agrees_with_the_claim(self):
        c = make_claim()
        c["quote"]["claim_id"] = "c-9"
        c["quote"]["new"] = False
        self.assertProblems("claims", c, "$.quote.claim_id", "$.quote.new")
        c = make_claim()
        c["first_seen"]["article_id"] = "elsewhere"
        self.assertProblems("claims", c, "a new claim must be first seen in this article")
        c = make_claim()
        c["first_seen"]["at"] = "11 Nov 2017"
        self.assertProblems("claims", c, "$.first_seen.at: expected a date-time")

    def test_alert_shape(self):
        a = make_alert()
        a["role"] = "author"
        del a["created_at"]
        a["article"]["title"] = 7
        self.assertProblems("alerts", a, "$.role", "'created_at' is a required property",
                            "$.article.title")

    def test_alert_role_matches_the_quote(self):
        a = make_alert("speaker")
        a["person"] = {"id": "vladimir-putin", "name": "Vladimir Putin"}
        self.assertProblems("alerts", a, "role is speaker but the speaker is")
        a = make_alert("subject")
        a["quote"]["about"] = []
        self.assertProblems("alerts", a, "is not in quote.about")
        a = make_alert("speaker")
        a["quote"]["new"] = False
        self.assertProblems("alerts", a, "alerts are only for new claims")

    def test_dlq_headers(self):
        h = make_dlq_headers()
        h["error.reason"] = "bad_json"
        h["source.partition"] = "-1"
        h["source.offset"] = 42  # header values are strings
        del h["error.detail"]
        self.assertProblems("dlq", h, '$["error.reason"]', '$["source.partition"]',
                            '$["source.offset"]: expected type string',
                            "'error.detail' is a required property")
        h = make_dlq_headers()
        h.update({"error.truncated": "true", "error.sha256": "AB" * 32})
        self.assertProblems("dlq", h, "'error.original_bytes' is a dependency of 'error.truncated'",
                            '$["error.sha256"]')

    def test_webhook_type_and_fields(self):
        w = make_webhook()
        w["type"] = "claim.updated"
        w["data"]["quote"] = make_quote()  # the body carries the words, not the object
        self.assertProblems("webhook", w, '$.type: expected "claim.new"', "$.data.quote")

    def test_raw_needs_a_body(self):
        self.assertProblems("raw", {"title": "t"}, "'body' is a required property")
        self.assertProblems("raw", {"body": "  \n "}, "$.body")
        self.assertProblems("raw", {"body": 3, "text": "x"}, "$.body: expected type string")
        self.assertProblems("raw", ["body"], "expected type object")


class OffsetChecks(unittest.TestCase):
    def test_character_offsets_are_caught(self):
        # Offsets counted in characters instead of bytes drift after the first “ or ’.
        ev = make_enriched()
        m = ev["entities"][0]["mentions"][1]  # "Trump" after the curly quotes
        chars = BODY.index("Trump", BODY.index("meddle"))
        self.assertNotEqual(chars, m["start"])
        m["start"], m["end"] = chars, chars + len("Trump")
        probs = ve.check_offsets(ev)
        self.assertEqual(len(probs), 1, probs)
        self.assertIn("$.entities[0].mentions[1]: body[", probs[0])

    def test_title_mentions_are_checked_against_the_title(self):
        ev = make_enriched()
        m = ev["entities"][0]["mentions"][2]
        del m["field"]  # same offsets, but now read in the body
        self.assertTrue(ve.check_offsets(ev))
        ev = make_enriched()
        ev["title"] = None
        self.assertIn('field is "title" but the event has no title', " ".join(ve.check_offsets(ev)))

    def test_offsets_past_the_end_and_inside_characters(self):
        ev = make_enriched()
        n = len(BODY.encode("utf-8"))
        ev["quotes"][1]["end"] = n + 1
        qs = ev["quotes"][0]["start"]  # on the 3-byte “
        ev["quotes"][0]["start"] = qs + 1
        probs = ve.check_offsets(ev)
        self.assertIn("$.quotes[1]: end %d is past the %d UTF-8 bytes of the body" % (n + 1, n), probs)
        self.assertIn("$.quotes[0]: start %d is inside a UTF-8 character of the body" % (qs + 1), probs)

    def test_references_and_unique_ids(self):
        ev = make_enriched()
        ev["quotes"][0]["speaker"]["entity_id"] = "nobody"
        ev["quotes"][1]["id"] = ev["quotes"][0]["id"]
        ev["entities"].append(copy.deepcopy(ev["entities"][3]))
        probs = " | ".join(ve.check_offsets(ev))
        self.assertIn('speaker.entity_id: "nobody" is not an entity', probs)
        self.assertIn('$.quotes[1]: id "q-1" appears more than once', probs)
        self.assertIn('$.entities: id "kremlin" appears more than once', probs)

    def test_checks_can_be_skipped(self):
        ev = make_enriched()
        ev["entities"][0]["mentions"][0]["start"] += 1
        self.assertTrue(ve.problems("enriched", ev))
        self.assertEqual(ve.problems("enriched", ev, checks=False), [])


class Records(unittest.TestCase):
    def lines(self, *records):
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)

    def good_records(self):
        ev = make_enriched()
        return [
            record("articles.enriched", ev["id"], ev),
            record("articles.duplicates", "b", {"id": "b", "duplicate_of": "a", "kind": "exact",
                                                 "similarity": 1.0}),
            record("claims", "c-1", make_claim()),
            record("alerts", "al-1", make_alert()),
            dlq_record(),
        ]

    def run_cli(self, text, *args):
        out = io.StringIO()
        code = ve.main(list(args), stdin=io.StringIO(text), stdout=out)
        return code, out.getvalue().splitlines()

    def test_all_valid(self):
        code, out = self.run_cli(self.lines(*self.good_records()))
        self.assertEqual(out, ["5 valid, 0 invalid"])
        self.assertEqual(code, 0)

    def test_invalid_lines_are_reported_one_each(self):
        bad_ev = make_enriched()
        bad_ev["entities"][0]["type"] = "PER"
        recs = self.good_records() + [
            record("articles.enriched", "wrong-key", make_enriched()),
            record("articles.enriched", bad_ev["id"], bad_ev),
            dlq_record(headers={"error.reason": "nope"}),
            {"topic": "articles.dlq", "key": None, "headers": make_dlq_headers(),
             "value_b64": "not base64!"},
            {"topic": "claims", "key": "c-1"},
            record("unknown.topic", "k", {}),
        ]
        text = self.lines(*recs) + "\n{not json\n"
        code, out = self.run_cli(text)
        self.assertEqual(code, 1)
        self.assertEqual(out[-1], "5 valid, 7 invalid")
        self.assertEqual(len(out), 8)
        self.assertIn("key \"wrong-key\" is not the value's id", out[0])
        self.assertIn("<stdin>:6:", out[0])
        self.assertIn("$.entities[0].type", out[1])
        self.assertIn('headers $["error.reason"]', out[2])
        self.assertIn("value_b64: not valid base64", out[3])
        self.assertIn("record has no value", out[4])
        self.assertIn("no schema for topic 'unknown.topic'", out[5])
        self.assertIn("<stdin>:13: not JSON", out[6])

    def test_topic_map(self):
        recs = [record("prod.enriched", "5ef9211fc8905507", make_enriched()),
                record("prod.claims", "c-1", make_claim())]
        code, out = self.run_cli(self.lines(*recs))
        self.assertEqual((code, out[-1]), (1, "0 valid, 2 invalid"))
        tmap = json.dumps({"prod.enriched": "articles.enriched", "prod.claims": "claims"})
        code, out = self.run_cli(self.lines(*recs), "--topic-map", tmap)
        self.assertEqual((code, out), (0, ["2 valid, 0 invalid"]))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code, _ = self.run_cli("", "--topic-map", '{"x": "nonsense"}')
        self.assertEqual(code, 2)
        self.assertIn("unknown role 'nonsense'", err.getvalue())

    def test_command_line_on_a_file(self):
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
            f.write(self.lines(*self.good_records()))
        try:
            p = subprocess.run([sys.executable, str(HERE / "validate_events.py"), f.name],
                               capture_output=True, text=True, timeout=60)
        finally:
            Path(f.name).unlink()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stdout.strip(), "5 valid, 0 invalid")


if __name__ == "__main__":
    unittest.main()
