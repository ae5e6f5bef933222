/* fuzz_chain — the tokenizer and the whole enrichment pipeline on arbitrary
 * bytes: decode -> text -> whatever stages the chain has (entities, quotes,
 * dedup, …) -> rendered events. Run it from the repository root: the
 * default config names the NER model by the relative path models/ner.model.
 *
 * Per input:
 *  1. ne_text_analyze() on the raw bytes (text.h: any bytes are safe), with
 *     the layer invariants checked: tokens ordered, non-empty, inside the
 *     text, each in an existing paragraph; sentences partition the tokens
 *     of their paragraph and span their tokens' bytes; paragraphs cover the
 *     tokens in order.
 *  2. The input as one record through ne_pipeline_process(); then, when it
 *     holds the byte 0x1E (ASCII record separator), each of its first
 *     MAX_PARTS pieces as a record of its own, so that one input can feed
 *     the stateful stages (dedup) several related articles.
 *  Every result is checked against the contract: exactly one outcome; a
 *  rejection is one raw dead letter holding the original bytes and keyed
 *  like the record, with an error.reason header; otherwise the outcome's
 *  event comes first, and every JSON event (enriched, duplicates, claims,
 *  alerts) is valid UTF-8 and parses as one JSON object.
 *
 * The pipeline is built once (loading the model per input would be far
 * too slow), from ne_config_defaults() (or the config file named by
 * FUZZ_CHAIN_CONFIG, e.g. config/newsenrich.example.json, whose watchlist
 * reaches the watched-person paths), with dedup.max_entries lowered to
 * 5000 so that the dedup state cannot grow without bound over millions of
 * inputs. So the stateful stages see every earlier input of the run: a
 * crash that needs that history may not reproduce from its input alone
 * (the regression driver replays every file on a fresh pipeline). */
#include <string.h>

#include <yajl/yajl_parse.h>

#include "config/config.h"
#include "enrichers/pipeline/decode.h"
#include "enrichers/pipeline/doc.h"
#include "enrichers/pipeline/pipeline.h"
#include "enrichers/text/text.h"
#include "tests/fuzz/fuzz.h"

#define MAX_PARTS 8
#define RECORD_SEP 0x1E

static ne_config *cfg;
static ne_pipeline *pipe_;
static ne_outbox outbox;
static int64_t next_offset;

static void teardown(void)
{
    ne_outbox_free(&outbox);
    ne_pipeline_free(pipe_);
    ne_config_free(cfg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[512] = "";
    (void)argc; (void)argv;
    setenv("NEWSENRICH_LOG_LEVEL", "error", 1);
    const char *path = getenv("FUZZ_CHAIN_CONFIG");
    if (path && *path) {
        /* e.g. config/newsenrich.example.json: a watchlist reaches the
         * watched-person and alert paths the defaults leave out. */
        setenv("NEWSENRICH_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 0);
        cfg = ne_config_load(path, err, sizeof err);
        if (!cfg) {
            fprintf(stderr, "fuzz_chain: %s: %s\n", path, err);
            exit(1);
        }
    } else {
        cfg = ne_config_defaults();
    }
    if (!cfg) abort();
    cfg->dedup.max_entries = 5000;
    pipe_ = ne_pipeline_new(cfg, err, sizeof err);
    if (!pipe_) {
        fprintf(stderr, "fuzz_chain: cannot build the pipeline: %s\n"
                        "(run from the repository root: the model path is relative)\n", err);
        exit(1);
    }
    atexit(teardown);
    return 0;
}

/* ---- text layers -------------------------------------------------------- */

static void check_text(const ne_text *t, size_t len)
{
    size_t covered = 0;
    FUZZ_CHECK(t->len == len, "len %zu, text %zu", t->len, len);
    for (size_t i = 0; i < t->ntoks; i++) {
        const ne_token *k = &t->toks[i];
        FUZZ_CHECK(k->start < k->end && k->end <= len, "token %zu [%u,%u) of %zu", i, k->start, k->end, len);
        FUZZ_CHECK(i == 0 || t->toks[i - 1].end <= k->start, "token %zu overlaps the previous", i);
        FUZZ_CHECK(k->kind >= NE_TOK_WORD && k->kind <= NE_TOK_SYMBOL, "token %zu kind %u", i, k->kind);
        FUZZ_CHECK((k->kind == NE_TOK_QUOTE) == (k->mark != NE_QM_NONE) && k->mark <= NE_QM_WHITE_CORNER_RIGHT,
                   "token %zu kind %u mark %u", i, k->kind, k->mark);
        FUZZ_CHECK(k->para < t->nparas, "token %zu in paragraph %u of %zu", i, k->para, t->nparas);
        FUZZ_CHECK(i == 0 || t->toks[i - 1].para <= k->para, "token %zu goes back a paragraph", i);
    }
    for (size_t p = 0; p < t->nparas; p++) {
        const ne_para *pa = &t->paras[p];
        FUZZ_CHECK(pa->start <= pa->end && pa->end <= len, "paragraph %zu [%u,%u)", p, pa->start, pa->end);
        if (pa->tok_end == 0) continue; /* no tokens */
        FUZZ_CHECK(pa->tok_start == covered && pa->tok_start < pa->tok_end && pa->tok_end <= t->ntoks,
                   "paragraph %zu tokens [%u,%u), expected from %zu", p, pa->tok_start, pa->tok_end, covered);
        for (size_t i = pa->tok_start; i < pa->tok_end; i++)
            FUZZ_CHECK(t->toks[i].para == p, "token %zu says paragraph %u, is in %zu", i, t->toks[i].para, p);
        covered = pa->tok_end;
    }
    FUZZ_CHECK(covered == t->ntoks, "paragraphs cover %zu of %zu tokens", covered, t->ntoks);
    covered = 0;
    for (size_t s = 0; s < t->nsents; s++) {
        const ne_sentence *se = &t->sents[s];
        FUZZ_CHECK(se->tok_start == covered && se->tok_start < se->tok_end && se->tok_end <= t->ntoks,
                   "sentence %zu tokens [%u,%u), expected from %zu", s, se->tok_start, se->tok_end, covered);
        FUZZ_CHECK(se->start == t->toks[se->tok_start].start && se->end == t->toks[se->tok_end - 1].end,
                   "sentence %zu bytes [%u,%u) do not match its tokens", s, se->start, se->end);
        FUZZ_CHECK(se->para < t->nparas && t->toks[se->tok_start].para == se->para &&
                   t->toks[se->tok_end - 1].para == se->para, "sentence %zu crosses a paragraph", s);
        FUZZ_CHECK(t->toks[se->tok_start].flags & NE_TF_SENT_START, "sentence %zu start not flagged", s);
        covered = se->tok_end;
    }
    FUZZ_CHECK(covered == t->ntoks, "sentences cover %zu of %zu tokens", covered, t->ntoks);
}

/* ---- events ------------------------------------------------------------- */

static int no_map_key(void *ctx, const unsigned char *k, size_t n) { (void)ctx; (void)k; (void)n; return 1; }
static int top_is_map(void *ctx) { int *depth = ctx; (*depth)++; return 1; }
static int end_map(void *ctx) { (void)ctx; return 1; }

/* True when v[0..n) is valid UTF-8 and one JSON object (strictly parsed). */
static int is_json_object(const char *v, size_t n)
{
    int maps = 0;
    yajl_callbacks cb = {.yajl_start_map = top_is_map, .yajl_map_key = no_map_key, .yajl_end_map = end_map};
    yajl_handle h;
    int ok;
    if (ne_utf8_invalid_at(v, n) != (size_t)-1) return 0;
    while (n && (v[n - 1] == '\n')) n--;
    if (n == 0 || v[0] != '{') return 0;
    h = yajl_alloc(&cb, NULL, &maps);
    if (!h) abort();
    ok = yajl_parse(h, (const unsigned char *)v, n) == yajl_status_ok &&
         yajl_complete_parse(h) == yajl_status_ok;
    yajl_free(h);
    return ok && maps >= 1;
}

static const ne_event *find_topic(const ne_outbox *ob, enum ne_topic t)
{
    for (size_t i = 0; i < ob->n; i++)
        if (ob->ev[i].topic == t) return &ob->ev[i];
    return NULL;
}

static void run_record(const char *bytes, size_t len, const char *key, size_t key_len)
{
    ne_origin src = {"articles.raw", 0, next_offset++, key, key_len};
    enum ne_outcome oc = ne_pipeline_process(pipe_, bytes, len, &src, &outbox);

    FUZZ_CHECK(outbox.n >= 1, "outcome %d with no event", (int)oc);
    for (size_t i = 0; i < outbox.n; i++) {
        const ne_event *ev = &outbox.ev[i];
        FUZZ_CHECK(ev->topic < NE_TOPIC__COUNT, "event %zu topic %d", i, (int)ev->topic);
        FUZZ_CHECK(ev->nheaders <= NE_EVENT_MAX_HEADERS, "event %zu has %zu headers", i, ev->nheaders);
        FUZZ_CHECK(ev->key != NULL && (ev->key_len == 0 || ev->key[ev->key_len] == '\0'),
                   "event %zu key not NUL-terminated", i);
        if (ev->raw) continue;
        if (ev->topic == NE_TOPIC_ENRICHED || ev->topic == NE_TOPIC_DUPLICATES ||
            ev->topic == NE_TOPIC_CLAIMS || ev->topic == NE_TOPIC_ALERTS)
            FUZZ_CHECK(ev->value && is_json_object(ev->value, ev->value_len),
                       "event %zu (%s) is not a JSON object: %.*s", i, ne_topic_name(cfg, ev->topic),
                       (int)(ev->value_len > 2000 ? 2000 : ev->value_len), ev->value ? ev->value : "");
    }
    switch (oc) {
    case NE_OUTCOME_REJECTED: {
        const ne_event *ev = &outbox.ev[0];
        FUZZ_CHECK(outbox.n == 1 && ev->topic == NE_TOPIC_DLQ && ev->raw,
                   "rejection: %zu events, first topic %d raw %d", outbox.n, (int)ev->topic, ev->raw);
        FUZZ_CHECK(ev->value_len == len && (len == 0 || memcmp(ev->value, bytes, len) == 0),
                   "dead letter does not hold the original bytes");
        FUZZ_CHECK(ev->key_len == key_len && (key_len == 0 || memcmp(ev->key, key, key_len) == 0),
                   "dead letter does not keep the record's key");
        FUZZ_CHECK(ev->nheaders >= 1 && strcmp(ev->headers[0].name, "error.reason") == 0 &&
                   ev->headers[0].value && *ev->headers[0].value, "dead letter without error.reason");
        break;
    }
    case NE_OUTCOME_DUPLICATE:
        FUZZ_CHECK(outbox.ev[0].topic == NE_TOPIC_DUPLICATES, "duplicate's first event is topic %d",
                   (int)outbox.ev[0].topic);
        FUZZ_CHECK(!find_topic(&outbox, NE_TOPIC_ENRICHED), "an exact duplicate was also enriched");
        FUZZ_CHECK(!find_topic(&outbox, NE_TOPIC_DLQ), "a duplicate was also dead-lettered");
        break;
    case NE_OUTCOME_ENRICHED:
        FUZZ_CHECK(outbox.ev[0].topic == NE_TOPIC_ENRICHED, "enriched's first event is topic %d",
                   (int)outbox.ev[0].topic);
        FUZZ_CHECK(!find_topic(&outbox, NE_TOPIC_DLQ), "an enriched record was also dead-lettered");
        break;
    default:
        FUZZ_CHECK(0, "outcome %d", (int)oc);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *bytes = (const char *)data;
    ne_text t;

    memset(&t, 0, sizeof t);
    FUZZ_CHECK(ne_text_analyze(&t, bytes, size) == 0, "ne_text_analyze failed on %zu bytes", size);
    check_text(&t, size);
    for (size_t i = 0; i < t.ntoks && i < 64; i++)
        (void)ne_text_is_abbrev(bytes + t.toks[i].start, t.toks[i].end - t.toks[i].start);
    ne_text_clear(&t);

    run_record(bytes, size, bytes, size < 8 ? size : 8);

    const char *sep = memchr(bytes, RECORD_SEP, size);
    if (sep) {
        size_t at = 0;
        for (int part = 0; part < MAX_PARTS && at <= size; part++) {
            const char *end = memchr(bytes + at, RECORD_SEP, size - at);
            size_t n = end ? (size_t)(end - (bytes + at)) : size - at;
            run_record(bytes + at, n, NULL, 0);
            if (!end) break;
            at += n + 1;
        }
    }
    return 0;
}
