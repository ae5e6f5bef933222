/* producer — the one idempotent Kafka producer of the service.
 *
 * Every event is produced with an opaque pointer the caller chooses; when
 * the broker acknowledges it (or delivery finally fails) the delivery
 * callback gets that pointer back with the result. The consumer's offset
 * tracker uses this to store an input offset only after everything the
 * record produced is acknowledged.
 *
 * librdkafka retries transient errors itself (idempotence keeps order and
 * avoids duplicates); a delivery error reaching the callback is final, and
 * a fatal idempotence error makes ne_producer_fatal() true.
 */
#ifndef NE_PRODUCER_H
#define NE_PRODUCER_H

#include <librdkafka/rdkafka.h>

#include "config/config.h"
#include "enrichers/pipeline/pipeline.h"

typedef struct ne_producer ne_producer;

/* Called from ne_producer_poll()/flush() on the polling thread. */
typedef void (*ne_delivery_cb)(void *ctx, void *opaque, rd_kafka_resp_err_t err,
                               const rd_kafka_message_t *msg);

/* Creates the producer from the kafka.* config with the service's
 * defaults for properties not set (enable.idempotence=true, linger.ms=20,
 * compression.type=lz4). `extra` (may be NULL) are properties applied last,
 * e.g. transactional.id. NULL and err filled on failure. */
ne_producer *ne_producer_new(const ne_config *cfg, ne_delivery_cb cb, void *ctx,
                             char *err, size_t errlen);

/* Produces one event to its configured topic, copying key, value and
 * headers. Waits (serving delivery reports) while the local queue is full.
 * Returns 0, or the librdkafka error that prevented enqueueing. */
rd_kafka_resp_err_t ne_producer_send(ne_producer *p, const ne_event *ev, void *opaque);

/* Serves delivery reports for up to timeout_ms. */
void ne_producer_poll(ne_producer *p, int timeout_ms);

/* Waits until every produced event is acknowledged or failed; returns
 * RD_KAFKA_RESP_ERR__TIMED_OUT if some are still outstanding. */
rd_kafka_resp_err_t ne_producer_flush(ne_producer *p, int timeout_ms);

/* Messages produced but not yet reported. */
int ne_producer_outstanding(ne_producer *p);

/* Non-zero once librdkafka raised a fatal error (the producer is unusable). */
int ne_producer_fatal(ne_producer *p, char *err, size_t errlen);

rd_kafka_t *ne_producer_handle(ne_producer *p);

/* ---- size limits -------------------------------------------------------
 *
 * The largest record (ne_event_record_bytes) each output topic takes: the
 * producer's message.max.bytes, lowered to the topic's max.message.bytes
 * where the broker tells it (ne_producer_read_topic_limits, at start-up)
 * or where the broker refused a record for its size
 * (ne_producer_note_refused). The service checks every event against it
 * before producing, so that an output too large becomes a dead letter
 * instead of a delivery failure that pins its partition. */
size_t ne_producer_max_record(const ne_producer *p, enum ne_topic t);

/* Asks the broker for the max.message.bytes of every topic this service
 * produces to (DescribeConfigs, up to timeout_ms) and lowers their limits
 * to it. A topic whose limit cannot be read (not created yet, no
 * permission, the mock cluster) keeps the producer's and is named in a
 * warning. Returns how many topics' limits were read. */
int ne_producer_read_topic_limits(ne_producer *p, int timeout_ms);

/* The broker refused a record of `topic` (its name, from a delivery
 * report) of record_bytes for its size: that topic's limit drops below
 * it, so the record is dead-lettered when it comes again. Returns the
 * role of the topic, or NE_TOPIC__COUNT when it is not an output. */
enum ne_topic ne_producer_note_refused(ne_producer *p, const char *topic, size_t record_bytes);

/* Whether a produce or delivery error means the record is too large for
 * the broker or the producer: retrying it can never succeed. */
int ne_producer_size_error(rd_kafka_resp_err_t err);

/* Destroys the producer without flushing (flush first). Accepts NULL. */
void ne_producer_free(ne_producer *p);

/* Routes librdkafka's own log lines into the JSON log. Shared with the
 * consumer and the notifier. */
void ne_kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf);

/* Properties of the shared kafka section that only a consumer reads, NULL
 * terminated: every producer's config leaves them out (librdkafka would
 * warn about each). */
extern const char *const ne_kafka_consumer_only[];

/* Sets a property only when the user's kafka.* config did not. */
int ne_kafka_conf_default(rd_kafka_conf_t *conf, const ne_config *cfg, const char *key,
                          const char *value, char *err, size_t errlen);

#endif
