/*
 * client/producer_int.h - the producer's inside, shared by its files:
 *
 *   producer_api.c public calls: checks, buffer space, staging
 *   producer.c     staging drain, topics, metadata/connection hooks,
 *                  delivery reports, destroy
 *   accumulator.c  per-partition queues of record batches (batch.size,
 *                  linger.ms, batch.num.messages, compression)
 *   sender.c       drains ready batches per leader into Produce requests,
 *                  handles responses, retries, delivery.timeout.ms
 *   idempotence.c  InitProducerId, sequence numbers, epoch bumps (KIP-360)
 *
 * Path of a record: samsa_produce() (any thread) copies it into the
 * staging buffer under c->mu, no allocation per record; the loop thread
 * drains the buffer, picks a partition (once the topic's metadata is known;
 * until then records wait in the topic's pending buffer, in order) and
 * appends it to the partition's open batch. Ready batches go to the
 * partition leader, at most one batch per partition per request, at most
 * max.in.flight requests per broker connection.
 *
 * Ordering with idempotence: sequence numbers are given when a batch is
 * first sent and kept across retries. A failed batch goes back into its
 * partition queue at its first-send position and the partition "resyncs":
 * nothing more is sent for it until every batch in flight came back; then
 * the lowest one is sent alone, and pipelining resumes once it is
 * acknowledged. The same one-at-a-time rule holds until the first batch
 * of a partition is acknowledged in an epoch: a broker with no state for
 * the producer takes any sequence (KIP-360), so a later batch arriving
 * first would be written and the earlier one then refused as a duplicate.
 * A partition idle for SC_IDEM_FRESH_MS counts as fresh again (its state
 * may have expired at the broker). A gap (a sent batch failed for
 * good, the broker lost our state) bumps the epoch (KIP-360): once nothing
 * is in flight, InitProducerId with the current id and epoch, then every
 * partition restarts at sequence 0 with its queued batches renumbered.
 *
 * Thread rules: loop thread only, except fields marked "under mu".
 */
#ifndef SC_PRODUCER_INT_H
#define SC_PRODUCER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client_int.h"
#include "partitioner.h"
#include "record_batch.h"
#include "strmap.h"
#include "writer.h"

#define SC_REC_SYNC 1u /* opaque is a produce_sync context */
#define SC_IDEM_FRESH_MS 30000
#define SC_BUF_POOL 64 /* batch buffers kept (and at most buffer.memory) */

/* A staged record, followed by topic, key, value and headers
 * (u32 name length, i32 value length, name, value) and padding to 8. */
typedef struct sc_staged {
    uint32_t size;      /* whole entry, multiple of 8 */
    uint32_t flags;     /* SC_REC_* */
    int32_t partition;  /* SAMSA_PARTITION_ANY or explicit */
    uint32_t topic_len;
    int32_t key_len;    /* -1 null */
    int32_t value_len;  /* -1 null */
    uint32_t nheaders;
    uint32_t hdr_len;   /* bytes of the header section */
    int64_t ts;         /* record timestamp (wall ms) */
    int64_t enq_ms;     /* monotonic time of produce() */
    void *opaque;
    uint32_t acct;      /* bytes counted against buffer.memory */
    uint32_t pad;
} sc_staged;

typedef struct sc_rmeta {
    void *opaque;
    int64_t ts;
    uint32_t acct;
    uint32_t flags;
} sc_rmeta;

struct sc_pq;

typedef struct sc_batch {
    struct sc_batch *next;
    struct sc_pq *pq;
    sp_writer w;           /* the batch as on the wire */
    sp_batch_builder bb;
    sc_rmeta *recs;
    int32_t n, cap;
    int64_t created_ms;    /* first append (linger starts) */
    int64_t deadline_ms;   /* oldest record's produce() + delivery.timeout */
    int64_t retry_at_ms;
    int32_t base_seq;      /* -1 until first sent (idempotence) */
    uint64_t order;        /* send order in its partition, 0 = never sent */
    int attempts;
    bool closed;           /* finished: compressed, CRC computed */
    int last_err;          /* last retriable error, for timeout reports */
} sc_batch;

typedef struct sc_ptopic sc_ptopic;

typedef struct sc_pq {
    sc_ptopic *t;
    int32_t partition;
    sc_batch *head, *tail; /* queued, lowest sequence first */
    sc_batch *open;        /* tail while it accepts records */
    int inflight;          /* batches in flight */
    int32_t next_seq;      /* next sequence to give */
    int32_t acked_next;    /* sequence after the last acknowledged batch */
    uint64_t next_order;   /* last sc_batch.order given */
    bool resync;           /* a batch failed: one in flight until an ack */
    bool acked_any;        /* a batch was acknowledged in this epoch */
    int64_t acked_ms;      /* when (the broker may forget an idle producer) */
} sc_pq;

struct sc_ptopic {
    char *name;
    size_t namelen;
    sp_uuid id;
    sc_partitioner part;
    sc_pq **pqs;
    int32_t npqs;
    bool known;        /* partitions known from metadata */
    sp_writer pending; /* staged entries waiting for metadata, in order */
    int err;           /* last topic error from metadata */
    const sc_topic_md *md; /* cached sc_md_topic() (see sc_producer_md) */
    unsigned md_gen;       /* metadata generation it was looked up in */
};

typedef struct sc_node_inflight {
    int32_t node;
    int n;
} sc_node_inflight;

enum { SC_PID_NONE, SC_PID_REQUESTING, SC_PID_READY };

struct sc_producer {
    samsa_client *c;
    /* settings */
    int16_t acks;
    bool idempotent;
    int64_t linger_ms, batch_size, batch_num, delivery_timeout_ms;
    int64_t request_timeout_ms, retry_backoff_ms, retry_backoff_max_ms;
    int64_t retries, msg_max, buffer_memory;
    int codec, level, max_inflight;
    bool auto_create;

    sc_strmap topics; /* name -> sc_ptopic* */
    sc_ptopic *last;  /* topic of the previous record (lookup cache) */
    int placing;      /* > 0 while staged or pending records are placed:
                       * a record produced from a callback then must not
                       * overtake them (no direct append) */
    sc_ptopic **tlist;
    size_t ntopics, tcap;
    sn_timer timer;   /* sender wake-up */
    bool kick;        /* sender run requested */
    sp_writer scratch; /* compression scratch */
    sp_codec_ctx codec_ctx; /* compression state reused batch after batch
                       * (zstd's context, made at the first zstd batch);
                       * loop thread only, freed by sc_producer_destroy */
    struct { uint8_t *buf; size_t cap; } pool[SC_BUF_POOL]; /* freed batch
                       * buffers kept for the next batches (no page faults,
                       * no regrowth): sc_acc_pool_* */
    int npool;
    size_t pool_bytes;
    int flushing;     /* > 0: ignore linger.ms */
    sc_node_inflight *nodes;
    size_t nnodes, ncap;
    int reqs_inflight; /* Produce requests out */

    /* idempotence */
    int64_t pid;
    int16_t epoch;
    int pid_state;
    bool bump_needed;
    int pid_failures;
    int64_t pid_retry_at;

    /* under mu */
    sp_writer stage;
    sp_writer stage_spare;
    bool drain_posted;
    size_t buffered;    /* bytes against buffer.memory */
    size_t outstanding; /* records accepted, not reported */
    bool fatal;
    int fatal_err;
    char fatal_str[200];
};

typedef struct sc_producer sc_producer;

/* Upper bound of a record's encoded size in a batch, length prefix
 * included, in O(1): widest varints (5 for lengths and counts, 10 for the
 * timestamp delta) around the bytes; hdr_len counts 8 + name + value per
 * header (the staged layout), which covers their two varints (<= 10) with
 * 2 more per header. Exact sizes are computed once, by sp_batch_append. */
static inline size_t sc_rec_bound(size_t key_len, size_t value_len,
                                  size_t hdr_len, size_t nheaders)
{
    return 36 + key_len + value_len + hdr_len + 2 * nheaders;
}

/* Kafka sequences wrap from INT32_MAX to 0. */
static inline int32_t sc_seq_add(int32_t seq, int32_t n)
{
    return (int32_t)(((int64_t)seq + n) % ((int64_t)INT32_MAX + 1));
}

/* A produce_sync waiter: the record's opaque (flag SC_REC_SYNC); the
 * report fills it under c->mu, or frees it when the waiter gave up. */
typedef struct sc_sync_ctx {
    bool done;
    bool abandoned;
    samsa_delivery d;
    char errstr[256];
} sc_sync_ctx;

/* producer.c */
int sc_producer_new(samsa_client *c, sc_producer **out, char *errbuf,
                    size_t errlen);
void sc_producer_destroy(sc_producer *p);
void sc_producer_md_changed(sc_producer *p, const char *topic,
                            unsigned changed);
void sc_producer_conn_event(sc_producer *p, int32_t node_id, sn_conn_event ev,
                            int err, const char *errstr);
/* Report every record of b (then free b). err 0: base_offset and
 * log_append_ms (-1 = create time) from the broker. */
void sc_producer_report_batch(sc_producer *p, sc_batch *b, int err,
                              const char *errstr, int64_t base_offset,
                              int64_t log_append_ms);
/* Topic t's metadata (cached, looked up again after a refresh), or NULL. */
const sc_topic_md *sc_producer_md(sc_producer *p, sc_ptopic *t);
/* Fast path of samsa_produce on the loop thread: append rec straight to
 * its partition's open batch (one copy). e carries the record's metadata
 * (no trailing bytes). 0: appended; SAMSA_ERR_STATE: declined (topic not
 * known yet, records staged or pending before it, custom partitioner,
 * bad partition, no memory, too large...): the caller stages it as usual
 * and the drain reports any error. Never calls a user callback except a
 * batch that fails to finish (compression error). */
int sc_producer_append_direct(sc_producer *p, const samsa_record *rec,
                              const sc_staged *e);
/* Report one staged record that never reached a batch. */
void sc_producer_report_staged(sc_producer *p, const sc_staged *e,
                               const char *topic, int32_t partition, int err,
                               const char *errstr);
/* Mark the producer failed for good (SAMSA_ERR_FATAL from now on). */
void sc_producer_set_fatal(sc_producer *p, int err, const char *errstr);
/* Move staged records into topics/batches (loop thread). */
void sc_producer_drain(sc_producer *p);
/* sn_loop_post target: sc_producer_drain unless closing. */
void sc_producer_drain_post(void *arg);
/* Ask the sender to run soon (coalesced). */
void sc_producer_kick(sc_producer *p);
/* Fail records waiting for metadata past delivery.timeout.ms; lowers
 * *wake to the next such deadline. */
void sc_producer_expire_pending(sc_producer *p, int64_t now, int64_t *wake);

/* accumulator.c */
/* Append a staged record to pq. 0, or an error for this record alone
 * (MSG_TOO_LARGE, NO_MEMORY): the caller reports it. */
int sc_acc_append(sc_producer *p, sc_pq *pq, const sc_staged *e);
/* Same, from a record view: e gives opaque, ts, acct, flags and enq_ms
 * (its trailing bytes are not read); bound: sc_rec_bound() of rec. */
int sc_acc_append_rec(sc_producer *p, sc_pq *pq, const sc_staged *e,
                      const sp_record_in *rec, size_t bound);
/* Close pq's open batch (finish: compress, CRC). 0 or an error, in which
 * case the batch's records were reported failed. */
int sc_acc_close(sc_producer *p, sc_pq *pq);
/* Head batch of pq if it may be sent now (closing it if needed), else
 * NULL; *wake is lowered to when it will be. */
sc_batch *sc_acc_ready(sc_producer *p, sc_pq *pq, int64_t now, int64_t *wake);
/* Put a failed batch back at its first-send position (before every batch
 * sent after it and every batch never sent). */
void sc_acc_requeue(sc_pq *pq, sc_batch *b);
/* Remove the head batch (being sent). */
sc_batch *sc_acc_pop(sc_pq *pq);
void sc_acc_batch_free(sc_producer *p, sc_batch *b);
sc_pq *sc_acc_pq_new(sc_producer *p, sc_ptopic *t, int32_t partition);
void sc_acc_pq_free(sc_producer *p, sc_pq *pq);
/* Free the kept batch buffers (destroy). */
void sc_acc_pool_free(sc_producer *p);

/* sender.c */
/* Expire, then send what is ready; re-arms the timer. */
void sc_sender_run(sc_producer *p);
bool sc_err_retriable(int err);

/* idempotence.c */
/* Get (or bump) the producer id when needed; true when batches may be
 * sent (not idempotent, or id ready and no bump pending). */
bool sc_idem_ready(sc_producer *p);
/* Sequence trouble on a sent batch: bump the epoch before more sends. */
void sc_idem_need_bump(sc_producer *p, const char *why);

#endif
