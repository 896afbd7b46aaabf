/*
 * samsa/producer.h - producing records, with a delivery report for each.
 *
 * samsa_produce() queues a record and returns at once; the record is
 * batched per partition (batch.size, linger.ms, batch.num.messages,
 * compression.type) and sent to the partition leader. Every accepted
 * record gets exactly one delivery report: success with its offset, or an
 * error once retries are exhausted, delivery.timeout.ms passed, or the
 * client was closed or destroyed first. Idempotence is on by default
 * (enable.idempotence=true): retries never duplicate or reorder a
 * partition's records.
 *
 * Ownership: samsa_produce() copies topic, key, value and headers before it
 * returns (the caller's buffers may be reused at once). The samsa_delivery
 * passed to the report callback, and everything it points to, is valid
 * only during the call. Thread rules: see samsa/client.h; delivery
 * callbacks run on the loop's thread and may call samsa_produce().
 */
#ifndef SAMSA_PRODUCER_H
#define SAMSA_PRODUCER_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/client.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SAMSA_PARTITION_ANY (-1) /* let the partitioner choose */
/* create time = when produce() is called; 0 (a zeroed samsa_record) means
 * the same, as in librdkafka, so a forgotten field never dates a record to
 * 1970 (which retention would delete at once) */
#define SAMSA_TIMESTAMP_NOW (-1)

typedef struct samsa_header {
    const char *name;  /* NUL-terminated */
    const void *value; /* NULL = null value */
    size_t value_len;
} samsa_header;

typedef struct samsa_record {
    const char *topic;
    int32_t partition;           /* SAMSA_PARTITION_ANY or an explicit one */
    const void *key;             /* NULL = null key */
    size_t key_len;
    const void *value;           /* NULL = null value (a tombstone) */
    size_t value_len;
    const samsa_header *headers; /* may be NULL when nheaders == 0 */
    size_t nheaders;
    int64_t timestamp_ms;        /* ms since the epoch; <= 0 = now */
} samsa_record;

typedef struct samsa_delivery {
    int err;            /* 0 = acknowledged; else a samsa_err */
    const char *errstr; /* detail for err, "" on success */
    const char *topic;
    int32_t partition;  /* -1 when no partition was chosen */
    int64_t offset;     /* -1 unless acknowledged (and acks != 0) */
    int64_t timestamp_ms; /* create time, or the broker's log-append time */
    void *opaque;       /* the caller's pointer from samsa_produce() */
} samsa_delivery;

typedef void samsa_delivery_cb(void *cb_opaque, const samsa_delivery *d);
void samsa_conf_set_delivery_cb(samsa_conf *conf, samsa_delivery_cb *cb,
                                void *cb_opaque);

/* Custom partitioner (used instead of `partitioner` once set): return a
 * partition in [0, npartitions), or -1 to let the configured one choose.
 * Called on the loop's thread (inside samsa_poll in embedded mode, on the
 * I/O thread in background mode) once the topic's partition count is
 * known, not inside samsa_produce(); must not call back into samsa. */
typedef int32_t samsa_partitioner_cb(void *opaque, const char *topic,
                                     const void *key, size_t key_len,
                                     int32_t npartitions);
void samsa_conf_set_partitioner_cb(samsa_conf *conf, samsa_partitioner_cb *cb,
                                   void *opaque);

/*
 * Queue a record. Returns 0 (a delivery report will follow) or an error
 * with no report: SAMSA_ERR_MSG_TOO_LARGE (over message.max.bytes),
 * SAMSA_ERR_QUEUE_FULL (buffer.memory used up and block_ms is 0 or ran
 * out), SAMSA_ERR_FATAL (the idempotent producer hit a fatal error),
 * SAMSA_ERR_STATE (being destroyed), INVALID_ARG. Partition choice and
 * topic checks happen later, on the loop thread, once metadata is known:
 * an explicit partition out of range, or a topic that does not exist with
 * allow.auto.create.topics=false, come back as a delivery report
 * (SAMSA_ERR_UNKNOWN_PARTITION / SAMSA_ERR_UNKNOWN_TOPIC).
 * block_ms: how long to wait for buffer space (0 = do not wait; in
 * embedded mode the loop runs meanwhile).
 */
int samsa_produce(samsa_client *c, const samsa_record *rec, void *opaque,
                  int block_ms);

/*
 * Produce one record and wait for its acknowledgement (or failure) up to
 * timeout_ms; works in both modes (in embedded mode it runs the loop).
 * Fills *out (may be NULL) like a delivery report (topic = rec->topic,
 * errstr valid until the next call on the handle); returns its err, or
 * SAMSA_ERR_TIMED_OUT (the record may still be delivered later). Its
 * report goes to *out only, never to the delivery callback.
 */
int samsa_produce_sync(samsa_client *c, const samsa_record *rec,
                       samsa_delivery *out, int timeout_ms);

/* Send everything queued now (ignore linger.ms) and wait up to timeout_ms
 * for every report. 0, or SAMSA_ERR_TIMED_OUT with records still out. */
int samsa_flush(samsa_client *c, int timeout_ms);

/* Records queued or in flight (not yet reported). */
size_t samsa_outstanding(const samsa_client *c);

#ifdef __cplusplus
}
#endif
#endif
