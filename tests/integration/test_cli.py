#!/usr/bin/env python3
"""The command line without a broker: `enrich`, `check-config`, `demo`."""

import base64
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import (BIN, ROOT, Skip, assert_valid, check, data_path, enrich, main, run, test)


def by_topic(events, topic):
    return [e for e in events if e["topic"] == topic]


@test
def seeds_jsonl_gives_two_enriched_events_without_furniture():
    events, _ = enrich(data_path("seeds/seeds.jsonl").read_bytes())
    assert_valid(events)
    enriched = by_topic(events, "articles.enriched")
    check(len(enriched) == 2, f"expected 2 enriched events, got {len(events)} events")
    check(len(events) == len(enriched) + len(by_topic(events, "claims")), "unexpected topics")
    ids = [e["value"]["id"] for e in enriched]
    check(ids == ["5ef9211fc8905507", "caa47b06f91fe0da"], f"ids/order: {ids}")
    for e in enriched:
        body = e["value"]["body"]
        check(e["key"] == e["value"]["id"], "key is the article id")
        for furniture in ("Leave a comment", "Your email address will not be published",
                          "Be the first to comment"):
            check(furniture not in body, f"furniture {furniture!r} left in {e['key']}")
        check(e["value"]["stats"]["tokens"] > 300, "tokens counted")
        check(e["value"]["stats"]["sentences"] > 10, "sentences counted")
    check(enriched[1]["value"]["body"].endswith("nuclear programme."),
          "trailing site name stripped: " + enriched[1]["value"]["body"][-40:])
    check(enriched[1]["value"]["source"] == "news.sky.com", "source carried through")


@test
def plain_text_seed_gives_one_event_titled_by_its_headline():
    events, _ = enrich(data_path("seeds/000_5ef9211fc8905507.txt").read_bytes())
    assert_valid(events)
    enriched = by_topic(events, "articles.enriched")
    check(len(enriched) == 1, f"one event, got {len(enriched)}")
    v = enriched[0]["value"]
    check(v["title"] == "Trump: Putin Says He Didn\u2019t Meddle in the US Election", v["title"])
    check(v["body"].startswith("Vladimir Putin and Donald J. Trump APEC Summit"), v["body"][:60])
    check(v["body"].endswith("it said."), v["body"][-60:])
    check(len(v["id"]) == 16, "derived id")


@test
def a_headline_repeated_as_the_first_line_is_flagged_and_counted_once():
    if not (ROOT / "models" / "ner.model").exists():
        raise Skip("models/ner.model not found")
    article = {"id": "repeat-1", "title": "Trump meets Putin in Helsinki",
               "body": "Trump meets Putin in Helsinki.\n\nPresident Donald Trump met Vladimir Putin in "
                       "Helsinki on Monday, and the two leaders spoke for two hours."}
    events, _ = enrich((json.dumps(article) + "\n").encode())
    assert_valid(events)
    v = by_topic(events, "articles.enriched")[0]["value"]
    helsinki = [e for e in v["entities"] if e["name"] == "Helsinki"]
    check(len(helsinki) == 1, f"one Helsinki: {v['entities']}")
    ms = helsinki[0]["mentions"]
    check([m.get("repeat", False) for m in ms] == [False, True, False] and ms[1]["start"] == 21
          and "field" not in ms[1], f"the line's mention flagged: {ms}")
    check(helsinki[0]["count"] == 2, f"counted once: {helsinki[0]['count']}")


@test
def input_language_is_carried_through_and_detected_when_absent():
    body = "The mayor said on Monday that the bridge would reopen in May."
    german = ("Der Bürgermeister sagte am Montag, die Brücke werde im Mai wieder geöffnet. "
              "Interne Dokumente zeigen, dass die Reparatur teurer wird als geplant.")
    lines = [json.dumps({"id": "with-lang", "language": "en-GB", "body": body}),
             json.dumps({"id": "without-lang", "body": body + " Again."}),
             json.dumps({"id": "german", "body": german})]
    events, _ = enrich(("\n".join(lines) + "\n").encode())
    assert_valid(events)
    got = {e["value"]["id"]: e["value"] for e in by_topic(events, "articles.enriched")}
    check(set(got) == {"with-lang", "without-lang", "german"}, f"enriched ids: {sorted(got)}")
    v = got["with-lang"]
    check(v.get("language") == "en-GB" and v.get("language_confidence") is None,
          f"language given: {v.get('language', '<absent>')!r} {v.get('language_confidence', '<absent>')!r}")
    check("entities.ner" in v["stats"]["stages"], f"stages: {v['stats']['stages']}")
    v = got["without-lang"]
    check(v.get("language") == "en" and v.get("language_confidence", 0) >= 0.5,
          f"language detected: {v.get('language', '<absent>')!r} {v.get('language_confidence', '<absent>')!r}")
    v = got["german"]
    check(v.get("language") == "de" and v.get("language_confidence", 0) >= 0.5,
          f"German detected: {v.get('language', '<absent>')!r} {v.get('language_confidence', '<absent>')!r}")
    check(v["stats"]["stages"] == ["text", "lang", "dedup", "entities", "quotes", "dedup.claims"],
          f"no English models on German: {v['stats']['stages']}")
    check(not v["entities"], f"no tagger guesses on German: {[e['name'] for e in v['entities']]}")


NEWS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Council approves new bridge | Harbour Post</title>
<meta property="og:site_name" content="Harbour Post">
<meta property="article:published_time" content="2022-03-01T09:30:00Z">
<link rel="canonical" href="https://harbour.example/bridge">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves new bridge",
 "author": {"@type": "Person", "name": "Maria Lopez"}}</script>
<script>var quotes = ["\u201cnot a quote,\u201d"]; window.ImageRendition = {};</script>
<style>.x { color: red }</style></head>
<body><nav class="menu"><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council approves new bridge</h1>
<p class="byline">By Maria Lopez</p>
<p>The city council approved the new harbour bridge on Monday by a vote of seven to two,
ending a debate that had lasted for more than a decade.</p>
<figure><img src="b.jpg"><figcaption>The old bridge. Photo: Harbour Post</figcaption></figure>
<p>“This is a great day for the city,” the mayor, Tom Baker, said after the vote.</p>
<div class="share-tools"><a href="#">Share on Facebook</a></div>
</article>
<aside class="related"><ul><li><a href="/x">Bridge costs rise again, say engineers</a></li></ul></aside>
<footer>© Harbour Post</footer></body></html>
"""


@test
def web_pages_are_extracted_and_say_format_html():
    index = ("<!doctype html><html><body><ul><li><a href='/1'>A headline about the budget"
             "</a></li><li><a href='/2'>Another headline about the vote</a></li></ul></body></html>")
    lines = [json.dumps({"id": "page-field", "html": NEWS_PAGE}),
             # another version of the page (the same body would be an exact duplicate)
             json.dumps({"id": "page-body", "title": "Given title",
                         "body": NEWS_PAGE.replace("seven to two", "eight to one")}),
             json.dumps({"id": "text", "body": "The mayor said on Monday that the bridge would open."}),
             json.dumps({"id": "index", "html": index})]
    events, _ = enrich(("\n".join(lines) + "\n").encode(), check_rc=0)
    assert_valid(events)
    got = {e["key"]: e["value"] for e in by_topic(events, "articles.enriched")}
    check(set(got) == {"page-field", "page-body", "text"}, f"enriched: {sorted(got)}")
    v = got["page-field"]
    check(v["format"] == "html", f"format {v.get('format')!r}")
    check(v["title"] == "Council approves new bridge", v["title"])
    check(v["url"] == "https://harbour.example/bridge", v["url"])
    check(v["language"] == "en" and v["published_at"] == "2022-03-01T09:30:00Z",
          f"{v['language']!r} {v['published_at']!r}")
    check(v.get("authors") == ["Maria Lopez"], f"authors {v.get('authors')!r}")
    check(v["body"].startswith("The city council approved") and
          v["body"].endswith("the mayor, Tom Baker, said after the vote."), v["body"])
    for junk in ("Home", "ImageRendition", "Photo:", "Share on", "Bridge costs", "Maria Lopez",
                 "color: red", "<"):
        check(junk not in v["body"], f"{junk!r} left in the body")
    check(all(q["text"] != "not a quote," for q in v["quotes"]), "a script's string became a quote")
    check(any("great day" in q["text"] for q in v["quotes"]), f"quotes {v['quotes']}")
    check(got["page-body"]["format"] == "html" and got["page-body"]["title"] == "Given title",
          "a body that is a page is read as one; the record's title wins")
    check(got["text"]["format"] == "text" and "authors" not in got["text"], "plain text")
    dlq = by_topic(events, "articles.dlq")
    check([d["headers"]["error.reason"] for d in dlq] == ["no_article_text"],
          f"dlq {[d['headers'] for d in dlq]}")
    check(dlq[0]["key"] == "index" or dlq[0]["headers"]["source.offset"] == "3", "the index page")

    # A page on stdin (not JSON) is one article too.
    events, _ = enrich(NEWS_PAGE.encode())
    assert_valid(events)
    enriched = by_topic(events, "articles.enriched")
    check(len(enriched) == 1 and enriched[0]["value"]["format"] == "html", "page on stdin")
    check(enriched[0]["value"]["title"] == "Council approves new bridge",
          enriched[0]["value"]["title"])


@test
def a_web_page_larger_than_max_record_bytes_is_extracted_a_text_record_is_not():
    """max_record_bytes (256 KiB) bounds article text; a page, with its
    markup and scripts, is bounded by max_page_bytes (10 MiB)."""
    para = "<p>" + "The council met again on Tuesday to discuss the harbour and its future. " * 6 + "</p>\n"
    page = ("<!doctype html><html><head><title>Harbour plan</title><script>" + "var x=1;" * 40000 +
            "</script></head><body><article><h1>Harbour plan</h1>" + para * 10 + "</article></body></html>")
    records = [json.dumps({"id": "big-page", "html": page}),
               json.dumps({"id": "big-text", "body": "The council met. " * 20000})]
    check(all(len(r) > 262144 for r in records), "both records are over max_record_bytes")
    events, _ = enrich(("\n".join(records) + "\n").encode())
    assert_valid(events)
    enriched = by_topic(events, "articles.enriched")
    check([e["value"]["id"] for e in enriched] == ["big-page"], f"enriched: {[e['key'] for e in enriched]}")
    check(enriched[0]["value"]["format"] == "html", "the page is read as a page")
    dlq = by_topic(events, "articles.dlq")
    check(len(dlq) == 1 and dlq[0]["headers"]["error.reason"] == "too_large",
          f"the text record is too_large: {[d['headers'] for d in dlq]}")


def bad_input_stream():
    good = lambda i: json.dumps({"id": f"good-{i}", "title": f"Story {i}",
                                 "body": f"The mayor said on Monday that plan {i} would go ahead."})
    lines = [
        (good(1).encode(), None),
        (b'{"id": "broken", "body": "missing quote}', "invalid_json"),
        (good(2).encode(), None),
        (b'{"id": "utf8", "body": "caf\xc3\x28 au lait"}', "invalid_utf8"),
        (b'{"id": "nobody", "title": "A title only"}', "missing_body"),
        (b'{"id": "emptybody", "body": ""}', "empty"),
        (b'{"id": "furniture-only", "body": "Leave a comment\\n\\nYour email address will not be published."}', "empty"),
        (json.dumps({"id": "huge", "body": "x" * (3 * 1024 * 1024)}).encode(), "too_large"),
        (b'{"id": "nul", "body": "a\\u0000b"}', "invalid_json"),  # a NUL cannot be article text
        (good(3).encode(), None),
    ]
    return lines


@test
def bad_input_stream_dead_letters_each_bad_record_and_enriches_the_rest():
    lines = bad_input_stream()
    events, _ = enrich(b"\n".join(l for l, _ in lines) + b"\n", check_rc=0)
    assert_valid(events)
    dlq = by_topic(events, "articles.dlq")
    enriched = by_topic(events, "articles.enriched")
    want_reasons = [r for _, r in lines if r]
    check([d["headers"]["error.reason"] for d in dlq] == want_reasons,
          f"reasons {[d['headers']['error.reason'] for d in dlq]} != {want_reasons}")
    check([e["key"] for e in enriched] == ["good-1", "good-2", "good-3"],
          f"enriched {[e['key'] for e in enriched]}")
    bad_lines = [(i, l) for i, (l, r) in enumerate(lines) if r]
    for d, (lineno, original) in zip(dlq, bad_lines):
        check(base64.b64decode(d["value_b64"]) == original, "dead letter carries the original bytes")
        check(d["headers"]["source.offset"] == str(lineno), f"offset {d['headers']['source.offset']} != {lineno}")
        check(d["headers"]["source.topic"] == "stdin", "source topic")
        check(d["headers"]["error.detail"], "a detail names the problem")
    huge = dlq[want_reasons.index("too_large")]
    check("limit" in huge["headers"]["error.detail"], huge["headers"]["error.detail"])


@test
def every_output_line_is_valid_json_in_input_order():
    recs = [json.dumps({"id": f"o{i}", "body": f"Paragraph {i}. \u201cQuote {i},\u201d she said."})
            for i in range(50)]
    events, _ = enrich(("\n".join(recs) + "\n").encode())
    check([e["key"] for e in events if e["topic"] == "articles.enriched"] ==
          [f"o{i}" for i in range(50)], "input order")


@test
def check_config_rejects_unknown_key_naming_it():
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"processing": {"max_in_flite": 10}}, f)
    p = run([BIN, "check-config", "-c", f.name])
    os.unlink(f.name)
    check(p.returncode == 2, f"exit {p.returncode}")
    check(b"processing.max_in_flite" in p.stderr, p.stderr.decode())


@test
def check_config_rejects_bad_kafka_property():
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"kafka": {"acks": "banana"}}, f)
    p = run([BIN, "check-config", "-c", f.name])
    os.unlink(f.name)
    check(p.returncode == 2, f"exit {p.returncode}")
    check(b"kafka.acks" in p.stderr, p.stderr.decode())


@test
def check_config_prints_effective_config_with_secrets_masked():
    env = dict(os.environ, NEWSENRICH_WEBHOOK_SECRET="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
               NEWSENRICH_PROCESSING_MAX_IN_FLIGHT="77")
    p = run([BIN, "check-config", "-c", ROOT / "config" / "newsenrich.example.json"], env=env)
    check(p.returncode == 0, p.stderr.decode())
    out = json.loads(p.stdout)
    check(out["processing"]["max_in_flight"] == 77, "env override applied")
    check(b"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" not in p.stdout, "secret masked")


PLANTED_PW, PLANTED_TOK = "PLANTED-pw-4711", "PLANTED-tok-4711"


@test
def check_config_masks_webhook_url_credentials():
    """Userinfo and a token in the query of a webhook url are printed as
    ***, in the effective config and in an error about the url."""
    url = f"https://user:{PLANTED_PW}@host/hook?token={PLANTED_TOK}"
    cfg = {"watchlist": {"people": [{"id": "a-b", "name": "A B"}]},
           "kafka": {"ssl.keystore.password": PLANTED_PW},
           "webhooks": {"subscriptions": [{"id": "s", "url": url, "secret": "env:NEWSENRICH_WEBHOOK_SECRET",
                                           "people": ["a-b"]}]}}
    env = dict(os.environ, NEWSENRICH_WEBHOOK_SECRET="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    with tempfile.TemporaryDirectory() as d:
        good = Path(d) / "good.json"
        good.write_text(json.dumps(cfg))
        p = run([BIN, "check-config", "-c", good], env=env)
        check(p.returncode == 0, p.stderr.decode())
        printed = json.loads(p.stdout)["webhooks"]["subscriptions"][0]["url"]
        check(printed == "https://user:***@host/hook?token=***", f"printed url {printed!r}")
        cfg["webhooks"]["subscriptions"][0]["url"] = "ftp" + url[5:]       # refused: the error quotes it
        bad = Path(d) / "bad.json"
        bad.write_text(json.dumps(cfg))
        q = run([BIN, "check-config", "-c", bad], env=env)
        check(q.returncode == 2 and b"webhooks.subscriptions[0].url" in q.stderr, q.stderr.decode())
    for out in (p.stdout, p.stderr, q.stdout, q.stderr):
        for planted in (PLANTED_PW, PLANTED_TOK):
            check(planted.encode() not in out, f"{planted} printed: {out.decode()[:2000]}")


@test
def unknown_command_and_missing_config_exit_2():
    check(run([BIN, "frobnicate"]).returncode == 2, "unknown command")
    check(run([BIN, "run"]).returncode == 2, "run without -c")


@test
def demo_runs_the_pipeline_on_the_mock_cluster():
    p = run([BIN, "demo"], timeout=120)
    out = p.stdout.decode()
    check(p.returncode == 0, f"demo exit {p.returncode}: {p.stderr.decode()[-2000:]}")
    check("Every record has exactly one outcome" in out, out)
    check("invalid_json" in out and "invalid_utf8" in out and "missing_body" in out, out)
    check("exact duplicate of demo-harbour-1" in out, "the syndicated copy is an exact duplicate")
    check("near duplicate of demo-harbour-1" in out, "the other outlet's version is a near duplicate")
    check("a web page: its article text" in out and "by Petra Lind" in out and
          "Ferry service to resume in spring" in out, "the web page is extracted, titled and credited")
    check("format html, a web page" in out, "the web page's event says format html")

    # The enriched article blocks: an id line at 4 spaces, details at 6.
    blocks = {}
    section = out.split("\n  articles.enriched\n", 1)[-1].split("\n  articles.duplicates\n", 1)[0]
    for line in section.splitlines():
        if line.startswith("    ") and not line.startswith("      "):
            key = line.split()[0]
            blocks.setdefault(key, []).append([])
        if blocks:
            blocks[key][-1].append(line)
    # The hard-wrapped wire story: the minister's name across a line end is
    # one watched person, and both her quotations crossing line ends are hers.
    wire = "\n".join(blocks.get("demo-wire-1", [[]])[0])
    check("hard-wrapped" in wire, f"the wire story is shown as hard-wrapped:\n{wire}")
    check("Anika Solberg (PERSON, watched)" in wire and "Solberg (PERSON)" not in wire
          and "Anika (" not in wire, f"one watched person across the line end:\n{wire}")
    direct = [l for l in wire.splitlines() if l.strip().startswith("direct")]
    check(len(direct) == 2 and all("Anika Solberg" in l for l in direct)
          and any("The barriers protect forty thousand homes, and we cannot wai" in l for l in direct)
          and any("Every week we lose now is a week of risk" in l for l in direct),
          f"both quotations across line ends, by the minister:\n{wire}")
    # The updated story: enriched again as an update of its first version;
    # its earlier quotes are claims already seen, the added one is new.
    versions = blocks.get("demo-summit-1", [])
    check(len(versions) == 2 and "dedup: unique" in "\n".join(versions[0])
          and "dedup: update of demo-summit-1" in "\n".join(versions[1]),
          f"the story and its update:\n{versions}")
    check("demo-summit-1    update of demo-summit-1" in out, "the update is announced on articles.duplicates")
    summit_claims = [l.split(None, 2)[1:] for l in out.split("\n  claims\n", 1)[-1].split("\n  alerts\n")[0]
                     .splitlines() if l.strip().startswith("demo-summit-1 ")]
    added = [c[0] for c in summit_claims if c[1].startswith("If the other states")]
    check([c[0] for c in summit_claims].count("seen") == 3 and added == ["new"],
          f"the update: its 3 earlier statements seen, the new quote new: {summit_claims}")
    m = re.search(r"Every record has exactly one outcome: (\d+) in", out)
    check(m and m.group(1) == "12", "12 records: the samples, their copy and update, the text, page, wire story "
          "and 3 broken ones")
    m = re.search(r"Webhooks: (\d+) delivered .* (\d+) valid, (\d+) invalid", out)
    check(m and int(m.group(1)) >= 1 and m.group(1) == m.group(2) and m.group(3) == "0",
          "alerts arrive at the local receiver with verified signatures")


if __name__ == "__main__":
    sys.exit(main("cli"))
