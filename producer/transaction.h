/* transaction — exactly-once output: Kafka transactions in the
 * consume–transform–produce pattern of librdkafka's examples/transactions.c.
 *
 * Every output of a batch of input records, and the input offsets after
 * them, are committed in one transaction: a read_committed reader sees
 * each input's outputs exactly once. The offsets are those of the records
 * added, not the consumer's positions, so records consumed and not yet
 * published (on worker threads) may be outstanding across a commit. A transaction is opened by the
 * first record after a commit and committed when it holds max_records
 * records or is max_ms old, on revoke and on shutdown. When the broker
 * says the transaction must be aborted, it is, and the consumer is rewound
 * to its last committed offsets so that the batch is processed again.
 *
 * The producer must have been created with a transactional.id (see
 * producer.h); the consumer must not auto-commit. Neither is owned.
 */
#ifndef NE_TRANSACTION_H
#define NE_TRANSACTION_H

#include <librdkafka/rdkafka.h>

typedef struct ne_txn ne_txn;

enum ne_txn_result {
    NE_TXN_OK = 0,       /* committed (or nothing was open) */
    NE_TXN_ABORTED,      /* aborted and rewound: the batch will be re-processed */
    NE_TXN_FATAL         /* the producer is fenced or broken: stop the service */
};

/* Initialises transactions on the producer. This fences any earlier
 * instance with the same transactional.id and makes the broker abort the
 * transaction it left open (after a kill -9), which until then holds back
 * the last stable offset of every partition it wrote: call it before
 * reading the changelog read_committed. NULL with err on failure. */
ne_txn *ne_txn_new(rd_kafka_t *producer, int max_records, int max_ms, char *err, size_t errlen);

/* Names the consumer whose group the transactions commit offsets for
 * (and rewind on abort); required before the first ne_txn_begin. */
void ne_txn_attach_consumer(ne_txn *t, rd_kafka_t *consumer);

/* Opens a transaction if none is open; call before producing a record's
 * outputs. Returns NE_TXN_OK or NE_TXN_FATAL. */
enum ne_txn_result ne_txn_begin(ne_txn *t);

/* Adds one input record to the open transaction: its outputs are being
 * produced in it, and its offset + 1 is committed with it. Records of a
 * partition are added in offset order. */
void ne_txn_add_record(ne_txn *t, const char *topic, int32_t partition, int64_t offset);

/* True when the open transaction should be committed now. */
int ne_txn_due(const ne_txn *t);

/* Commits the open transaction with the offsets after its records.
 * No-op when none is open. NE_TXN_ABORTED: the consumer was rewound to its
 * committed offsets, so every record consumed since, in the transaction or
 * not, will be consumed again (drop those still held). */
enum ne_txn_result ne_txn_commit(ne_txn *t);

/* Aborts the open transaction and rewinds the consumer to its committed
 * offsets (shutdown after a failure). */
void ne_txn_abort(ne_txn *t);

int ne_txn_open(const ne_txn *t);

/* Frees the state (does not commit). Accepts NULL. */
void ne_txn_free(ne_txn *t);

#endif
