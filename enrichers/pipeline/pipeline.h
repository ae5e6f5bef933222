/* pipeline — one consumed record in, every event it produces out.
 *
 * The pipeline decodes a record, runs the enrichment chain over the
 * document and renders the events the contract publishes for it. It knows
 * nothing about Kafka: `newsenrich run` hands its events to the producer,
 * `newsenrich enrich` prints them, tests inspect them.
 *
 * Every record has exactly one outcome (CONTRACT.md): enriched (one
 * articles.enriched event, plus articles.duplicates for a near duplicate
 * and claims/alerts for its quotes), an exact duplicate (articles.duplicates
 * only) or rejected (one articles.dlq event carrying the original bytes).
 *
 * A stage is a pure function of (document, stage state): create() builds
 * its state from the configuration, process() annotates one document,
 * destroy() frees the state (accepts NULL).
 */
#ifndef NE_PIPELINE_H
#define NE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "enrichers/pipeline/decode.h"
#include "enrichers/pipeline/doc.h"

enum ne_topic {
    NE_TOPIC_ENRICHED = 0,
    NE_TOPIC_DUPLICATES,
    NE_TOPIC_CLAIMS,
    NE_TOPIC_ALERTS,
    NE_TOPIC_DLQ,
    NE_TOPIC_ALERTS_DLQ,
    NE_TOPIC_CHANGELOG,
    NE_TOPIC__COUNT
};

/* The configured topic name of a role. */
const char *ne_topic_name(const ne_config *cfg, enum ne_topic t);

#define NE_EVENT_MAX_HEADERS 8

typedef struct ne_header {
    const char *name;   /* static string */
    char       *value;  /* owned */
} ne_header;

/* One event to publish. Owns key, value and header values. */
typedef struct ne_event {
    enum ne_topic topic;
    char   *key;      size_t key_len;
    char   *value;    size_t value_len;
    int     raw;      /* value is the original record bytes (dead letter), not JSON */
    ne_header headers[NE_EVENT_MAX_HEADERS];
    size_t  nheaders;
} ne_event;

typedef struct ne_outbox {
    ne_event *ev;
    size_t    n, cap;
} ne_outbox;

void ne_outbox_clear(ne_outbox *ob);   /* frees the events, keeps the array */
void ne_event_free(ne_event *ev);      /* frees what one event owns, not the event */
void ne_outbox_free(ne_outbox *ob);    /* accepts NULL */

/* Where a record came from, for dead-letter headers and logs. A dead
 * letter keeps the record's own key (may be NULL). */
typedef struct ne_origin {
    const char *topic;
    int32_t     partition;
    int64_t     offset;
    const char *key;
    size_t      key_len;
} ne_origin;

enum ne_outcome { NE_OUTCOME_ENRICHED = 0, NE_OUTCOME_DUPLICATE, NE_OUTCOME_REJECTED, NE_OUTCOME__COUNT };

/* A row of the stage table (pipeline.c), written with designated
 * initializers. */
typedef struct ne_stage {
    const char *name;
    enum ne_ran ran;    /* its bit in doc->stats.ran (stats.stages) once it ran */
    void *(*create)(const ne_config *cfg, char *err, size_t errlen);
    int   (*process)(void *state, ne_doc *doc);  /* 0 on success */
    void  (*destroy)(void *state);
    /* Non-NULL: the stage works on the state of the stage of that name,
     * earlier in the table, instead of one of its own (create and destroy
     * are then unused): "dedup.claims" on "dedup"'s. */
    const char *shares;
    /* Non-zero: the stage reads or changes state shared across records
     * (dedup), so it runs on the pipeline's own thread, in record order.
     * Zero: process() depends on the document alone and may run on a
     * worker thread with a state of its own. An ordered stage may read
     * what the unordered stages wrote, never the other way round: that is
     * what lets a worker run them ahead of the ordered ones. */
    int   ordered;
    /* Optional, for an ordered stage: non-zero when the stage will
     * probably end doc's chain (an exact duplicate). A worker then leaves
     * the unordered stages after this one to the pipeline's thread, which
     * runs them only if the chain goes on. Called on worker threads with
     * the pipeline's state of the stage, while that thread works on it: it
     * may read only what is safe to read concurrently. */
    int   (*hint)(const void *state, const ne_doc *doc);
    /* Optional: the stage's state takes a new configuration whose
     * watchlist and subscriptions may differ (the rest is the same):
     * ne_pipeline_reconfigure. All or nothing: on failure (-1, err) the
     * state is unchanged and still reads the old configuration. A stage
     * without it reads nothing of those two sections from its own state. */
    int   (*reconfigure)(void *state, const ne_config *cfg, char *err, size_t errlen);
} ne_stage;

typedef struct ne_pipeline ne_pipeline;

/* Builds the chain of enabled stages. The config must outlive the
 * pipeline, or its use by the pipeline: until ne_pipeline_reconfigure
 * gives it another. NULL with a message in err when a stage cannot start
 * (a missing model file, say). */
ne_pipeline *ne_pipeline_new(const ne_config *cfg, char *err, size_t errlen);
void ne_pipeline_free(ne_pipeline *p);

/* A live change of the watchlist and subscriptions (topics.subscriptions):
 * every stage with a reconfigure hook takes `cfg` (the entities stage
 * rebuilds its watchlist matching), and the pipeline renders alerts from
 * it. `cfg` must differ from the current one in those two sections only.
 * Only between records, when no worker holds one (ne_workers_reconfigure
 * does the workers' states the same way): no thread may read the old
 * state while it is swapped. Ownership: cfg is borrowed and must outlive
 * the pipeline or the next reconfigure; the previous config is no longer
 * read once this returns 0 (the caller may free it then, once the workers
 * were reconfigured too). On -1 (err) the stages that took the new config
 * keep it and the others the old: the caller keeps both alive. */
int ne_pipeline_reconfigure(ne_pipeline *p, const ne_config *cfg, char *err, size_t errlen);

/* Processes one record. `out` is cleared first and receives the events in
 * the order they should be published. A stage that fails is logged and its
 * annotations are left empty: the record itself decoded, so it is still
 * enriched rather than dead-lettered. (Out of memory aborts: xalloc.h.) */
enum ne_outcome ne_pipeline_process(ne_pipeline *p, const char *bytes, size_t len,
                                    const ne_origin *src, ne_outbox *out);

/* ---- on several threads ---------------------------------------------
 *
 * A record's work splits in two halves. The first, ne_pipeline_prepare
 * (decode and the unordered stages: text, entities, quotes), depends on
 * the record alone and runs on any thread, each with a worker of its own.
 * The second, ne_pipeline_finish (the ordered stages: dedup and
 * dedup.claims, then rendering the events), reads and changes the dedup
 * state, so it runs on the pipeline's thread in the records' order. The
 * events are the same as ne_pipeline_process's, which does both halves on
 * one thread and skips entities and quotes for an exact duplicate. A
 * worker cannot know that in advance; it leaves them to the second half
 * when the dedup stage's hint says the record is probably an exact copy
 * (ne_stage.hint), and the second half runs them if it is not. */

/* A record between its two halves. Reused from record to record. */
typedef struct ne_prepared ne_prepared;

ne_prepared *ne_prepared_new(void);
void ne_prepared_free(ne_prepared *r);     /* accepts NULL */

/* A worker's own state of every unordered stage, built from the
 * pipeline's configuration (a model file is loaded again). Used by one
 * thread at a time. NULL with err when a stage cannot start. */
typedef struct ne_pipeline_worker ne_pipeline_worker;

ne_pipeline_worker *ne_pipeline_worker_new(const ne_pipeline *p, char *err, size_t errlen);
void ne_pipeline_worker_free(ne_pipeline_worker *w);   /* accepts NULL */

/* ne_pipeline_reconfigure for a worker's states; its thread must be idle. */
int ne_pipeline_worker_reconfigure(ne_pipeline_worker *w, const ne_config *cfg, char *err, size_t errlen);

/* Gives r the record it is to hold (src may be NULL). bytes and src (its
 * strings included) are not copied: they must stay valid until
 * ne_pipeline_finish has taken r. */
void ne_prepared_set(ne_prepared *r, const char *bytes, size_t len, const ne_origin *src);

/* The first half of r's record, into r. */
void ne_pipeline_prepare(ne_pipeline_worker *w, ne_prepared *r);

/* The second half: runs the ordered stages on the prepared record and
 * renders its events into `out` (cleared first), as ne_pipeline_process
 * would. Records must be finished in the order they were consumed. */
enum ne_outcome ne_pipeline_finish(ne_pipeline *p, ne_prepared *r, ne_outbox *out);

/* ---- outputs too large to publish -------------------------------------
 *
 * Kafka refuses a record larger than the producer's message.max.bytes or
 * the topic's max.message.bytes. A record whose output is refused cannot
 * be retried into success, so it must not stop its partition: the service
 * checks every event against its topic's limit before producing it, and a
 * record with an event over it gets the one outcome left, a dead letter
 * (output_too_large). A dead letter that is itself too large (a too_large
 * input is dead-lettered whole) is cut to fit, and says so. */

/* Bytes the record counts for against those limits: key, value, headers
 * and Kafka's per-record and batch framing (rounded up, so that an event
 * this function says fits is never refused for its own size). */
size_t ne_event_record_bytes(const ne_event *ev);

/* Cuts a dead letter (ev->raw) whose record is over max_bytes: its value
 * keeps the original's first bytes, and the headers error.truncated
 * ("true"), error.original_bytes (decimal) and error.sha256 (hex, of the
 * whole original value) say what was cut and let an operator find the
 * original (the source.* headers name its offset). Returns 1 when it cut,
 * 0 when the record fitted. */
int ne_dead_letter_fit(ne_event *ev, size_t max_bytes);

/* The record's `bytes` (as consumed) had an output the broker cannot
 * take: its events in `out` are replaced by its dead letter, reason
 * output_too_large with `detail`, and the counters move from `was` to
 * rejected. Returns NE_OUTCOME_REJECTED. */
enum ne_outcome ne_pipeline_reject_output(ne_pipeline *p, enum ne_outcome was, const char *bytes,
                                          size_t len, const ne_origin *src, const char *detail,
                                          ne_outbox *out);

/* The state of the stage called `name` ("dedup"), or NULL when the chain
 * has no such stage. For the service: the changelog reader applies records
 * to the dedup state (ne_dedup_apply, dedup.h). */
void *ne_pipeline_stage_state(ne_pipeline *p, const char *name);

/* The header naming the process that wrote a changelog record. */
#define NE_CHANGELOG_ORIGIN_HEADER "newsenrich.origin"

/* Whether events for the dedup changelog topic (NE_TOPIC_CHANGELOG) are
 * put in the outbox after each enriched article: with origin non-NULL
 * they are, each with the header NE_CHANGELOG_ORIGIN_HEADER = origin (an
 * id of this process, copied), so that its own changelog reader can pass
 * over what this state already holds. NULL (the default) turns them off:
 * `enrich` prints only the contract's topics; `run` turns them on so its
 * state survives restarts and reaches the other instances. */
void ne_pipeline_set_changelog(ne_pipeline *p, const char *origin);

/* Counters since creation, for summaries and benchmarks. */
typedef struct ne_pipeline_stats {
    uint64_t records, enriched, duplicates, rejected, bytes, tokens;
    uint64_t rejected_by_reason[NE_REJECT__COUNT];   /* indexed by enum ne_reject */
    uint64_t elapsed_us;              /* records' time through the chain, both halves */
    uint64_t hinted;                  /* records a worker left to the second half as probable exact copies */
    uint64_t hinted_not_exact;        /* of them, those that were not: the second half ran their stages */
    uint64_t stage_us[8];             /* time per stage, in chain order */
    const char *stage_names[8];
    size_t   nstages;
} ne_pipeline_stats;

void ne_pipeline_get_stats(const ne_pipeline *p, ne_pipeline_stats *st);

#endif
