#include "producer/transaction.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common/log.h"
#include "common/xalloc.h"

struct ne_txn {
    rd_kafka_t *producer, *consumer;
    int max_records, max_ms;
    int open;
    int records;
    struct timespec opened;
    /* per input partition, the offset after the last record added: what
     * the transaction commits for the consumer group */
    rd_kafka_topic_partition_list_t *offsets;
};

static long ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t0->tv_sec) * 1000L + (now.tv_nsec - t0->tv_nsec) / 1000000L;
}

ne_txn *ne_txn_new(rd_kafka_t *producer, int max_records, int max_ms, char *err, size_t errlen)
{
    rd_kafka_error_t *error = rd_kafka_init_transactions(producer, 30000);
    if (error) {
        snprintf(err, errlen, "init_transactions: %s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        return NULL;
    }
    ne_txn *t = ne_xcalloc(1, sizeof *t);
    t->producer = producer;
    t->max_records = max_records > 0 ? max_records : 1;
    t->max_ms = max_ms > 0 ? max_ms : 100;
    return t;
}

void ne_txn_attach_consumer(ne_txn *t, rd_kafka_t *consumer)
{
    t->consumer = consumer;
}

enum ne_txn_result ne_txn_begin(ne_txn *t)
{
    if (t->open) return NE_TXN_OK;
    rd_kafka_error_t *error = rd_kafka_begin_transaction(t->producer);
    if (error) {
        ne_log(NE_LOG_ERROR, "transaction", "begin_transaction: %s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        return NE_TXN_FATAL;
    }
    t->open = 1;
    t->records = 0;
    clock_gettime(CLOCK_MONOTONIC, &t->opened);
    if (t->offsets) rd_kafka_topic_partition_list_destroy(t->offsets);
    t->offsets = rd_kafka_topic_partition_list_new(4);
    return NE_TXN_OK;
}

void ne_txn_add_record(ne_txn *t, const char *topic, int32_t partition, int64_t offset)
{
    t->records++;
    rd_kafka_topic_partition_t *tp = rd_kafka_topic_partition_list_find(t->offsets, topic, partition);
    if (!tp) tp = rd_kafka_topic_partition_list_add(t->offsets, topic, partition);
    if (offset + 1 > tp->offset) tp->offset = offset + 1;
}

/* The transaction is over (committed or aborted). */
static void txn_closed(ne_txn *t)
{
    t->open = 0;
    if (t->offsets) rd_kafka_topic_partition_list_destroy(t->offsets);
    t->offsets = NULL;
}

int ne_txn_due(const ne_txn *t)
{
    return t->open && (t->records >= t->max_records || ms_since(&t->opened) >= t->max_ms);
}

int ne_txn_open(const ne_txn *t) { return t->open; }

/* Seeks every assigned partition back to its committed offset, so that
 * the records of an aborted transaction are consumed again. */
static void rewind_consumer(rd_kafka_t *consumer)
{
    rd_kafka_topic_partition_list_t *a = NULL;
    if (rd_kafka_assignment(consumer, &a) || !a) return;
    rd_kafka_resp_err_t err = rd_kafka_committed(consumer, a, 30000);
    if (err) ne_log(NE_LOG_ERROR, "transaction", "fetching committed offsets: %s", rd_kafka_err2str(err));
    for (int i = 0; i < a->cnt; i++)
        if (a->elems[i].offset < 0) a->elems[i].offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_error_t *error = rd_kafka_seek_partitions(consumer, a, 30000);
    if (error) {
        ne_log(NE_LOG_ERROR, "transaction", "rewind: %s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    }
    rd_kafka_topic_partition_list_destroy(a);
}

void ne_txn_abort(ne_txn *t)
{
    if (!t->open) return;
    rd_kafka_error_t *error = rd_kafka_abort_transaction(t->producer, 30000);
    if (error) {
        ne_log(NE_LOG_ERROR, "transaction", "abort_transaction: %s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    }
    txn_closed(t);
    rewind_consumer(t->consumer);
}

/* Classifies an error of send_offsets/commit: abort, retry or give up. */
static enum ne_txn_result handle_error(ne_txn *t, rd_kafka_error_t *error, const char *what, int *retry)
{
    *retry = 0;
    ne_log(NE_LOG_WARN, "transaction", "%s: %s", what, rd_kafka_error_string(error));
    if (rd_kafka_error_txn_requires_abort(error)) {
        rd_kafka_error_destroy(error);
        ne_log(NE_LOG_WARN, "transaction", "aborting the transaction (%d record(s)); they will be "
               "processed again", t->records);
        ne_txn_abort(t);
        return NE_TXN_ABORTED;
    }
    if (rd_kafka_error_is_retriable(error)) {
        rd_kafka_error_destroy(error);
        *retry = 1;
        return NE_TXN_OK;
    }
    rd_kafka_error_destroy(error);
    return NE_TXN_FATAL;
}

/* Adds the offsets after the transaction's records to it, retrying what
 * the broker says is retriable. Not the consumer's positions: records
 * consumed after those (on the worker threads, say) are not in this
 * transaction, and go in the next one. */
static enum ne_txn_result send_offsets(ne_txn *t)
{
    int retry;
    if (!t->offsets || t->offsets->cnt == 0) return NE_TXN_OK;
    for (int attempt = 0; attempt < 10; attempt++) {
        rd_kafka_consumer_group_metadata_t *cgmd = rd_kafka_consumer_group_metadata(t->consumer);
        rd_kafka_error_t *error = rd_kafka_send_offsets_to_transaction(t->producer, t->offsets, cgmd, 30000);
        rd_kafka_consumer_group_metadata_destroy(cgmd);
        if (!error) return NE_TXN_OK;
        enum ne_txn_result r = handle_error(t, error, "send_offsets_to_transaction", &retry);
        if (!retry) return r;
    }
    ne_txn_abort(t);
    return NE_TXN_ABORTED;
}

enum ne_txn_result ne_txn_commit(ne_txn *t)
{
    if (!t->open) return NE_TXN_OK;
    enum ne_txn_result r = send_offsets(t);
    if (r != NE_TXN_OK) return r;
    int retry;
    for (int attempt = 0; attempt < 10; attempt++) {
        rd_kafka_error_t *error = rd_kafka_commit_transaction(t->producer, 30000);
        if (!error) {
            txn_closed(t);
            return NE_TXN_OK;
        }
        r = handle_error(t, error, "commit_transaction", &retry);
        if (!retry) return r;
    }
    ne_log(NE_LOG_ERROR, "transaction", "commit still failing after retries; aborting");
    ne_txn_abort(t);
    return NE_TXN_ABORTED;
}

void ne_txn_free(ne_txn *t)
{
    if (!t) return;
    if (t->offsets) rd_kafka_topic_partition_list_destroy(t->offsets);
    free(t);
}
