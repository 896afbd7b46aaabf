/*
 * samsa/queue.h - Kafka as a reliable work queue: handler dispatch on a
 * worker pool, ordering lanes, retries in place or through retry topics,
 * dead-letter routing and contiguous (at-least-once) commits.
 *
 * A samsa_queue owns one samsa_client (created from the client properties
 * of its conf) in embedded mode and drives it from the thread that calls
 * samsa_queue_run(): that thread consumes, hands messages to the worker
 * threads (queue.workers) through ordering lanes, takes their results back
 * through a completion queue, retries, produces retry/DLQ copies and
 * commits. docs/queue.md has the semantics and every queue.* property.
 *
 * Delivery: at-least-once. The committed offset of a partition is the
 * lowest offset whose message is not finished (success, or its final
 * failure acknowledged by the DLQ); completions above a gap wait.
 *
 * OWNERSHIP. samsa_queue_conf_new() returns a conf the caller frees with
 * samsa_queue_conf_destroy(); samsa_queue_new() copies it. A job (and the
 * messages and strings it points to) is valid only during the handler or
 * middleware call that receives it. Strings and records passed in are
 * copied before the call returns.
 *
 * THREADS. samsa_queue_run() runs on one application thread until the
 * queue stops; rebalance handling, commits, retries and callbacks other
 * than the handler and middleware run there. Handlers and middleware run
 * on worker threads, several at once (they must be thread-safe with each
 * other). samsa_queue_stop() and samsa_queue_stats() may be called from
 * any thread, including a handler. samsa_queue_destroy() only after run()
 * returned (or was never called).
 */
#ifndef SAMSA_QUEUE_H
#define SAMSA_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/client.h"
#include "samsa/conf.h"
#include "samsa/consumer.h"
#include "samsa/producer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct samsa_queue samsa_queue;
typedef struct samsa_queue_conf samsa_queue_conf;
typedef struct samsa_queue_job samsa_queue_job;

/* ---- configuration ---- */

/* NULL allocator = libc. NULL when out of memory. */
samsa_queue_conf *samsa_queue_conf_new(const samsa_allocator *alloc);
void samsa_queue_conf_destroy(samsa_queue_conf *qc);

/*
 * Set a property: names starting with "queue." are the queue's own (see
 * samsa_queue_conf_property()), every other name is a client property
 * passed to samsa_conf_set(). 0, SAMSA_ERR_UNKNOWN_PROPERTY or
 * SAMSA_ERR_CONFIG with a one-line reason in errbuf (may be NULL).
 */
int samsa_queue_conf_set(samsa_queue_conf *qc, const char *name,
                         const char *value, char *errbuf, size_t errlen);
/* The embedded client conf (to set callbacks such as a log callback; the
 * queue sets its own rebalance and delivery callbacks over any set here). */
samsa_conf *samsa_queue_conf_client(samsa_queue_conf *qc);

/* The queue.* property table: name, default and doc of the i-th, NULL
 * past the end. Static strings. */
const char *samsa_queue_conf_property(size_t i, const char **default_value,
                                      const char **doc);

/* ---- handler ---- */

typedef enum samsa_queue_result {
    SAMSA_QUEUE_OK = 0,    /* done: the offset may be committed */
    SAMSA_QUEUE_RETRY = 1, /* transient: try again (in place or retry topic) */
    SAMSA_QUEUE_FAIL = 2   /* permanent: no more tries, queue.on.exhausted */
} samsa_queue_result;

/*
 * What a handler gets. Messages of a job are from one partition in offset
 * order (one message unless queue.batch.max.messages > 1 and a batch
 * handler is used). Accessors below read it; all are valid during the
 * handler (and middleware) call only.
 */

/* Number of messages in the job and the i-th (NULL past the end). For a
 * message from a retry topic, topic/partition/offset are the retry
 * topic's; samsa_queue_job_origin() gives the original ones. */
size_t samsa_queue_job_count(const samsa_queue_job *job);
const samsa_message *samsa_queue_job_message(const samsa_queue_job *job,
                                             size_t i);
/* Attempt number of message i, 1 on the first try. */
uint32_t samsa_queue_job_attempt(const samsa_queue_job *job, size_t i);
/* Idempotency key of message i: the original topic, partition and offset
 * (stable across in-place retries, retry topics and redeliveries). */
void samsa_queue_job_origin(const samsa_queue_job *job, size_t i,
                            const char **topic, int32_t *partition,
                            int64_t *offset);
/* The same as "<topic>_<partition>_<offset>" into buf (NUL-terminated,
 * truncated to len); returns the full length. */
size_t samsa_queue_job_key(const samsa_queue_job *job, size_t i, char *buf,
                           size_t len);
/* The last header `name` of message i (views into the message). 0 or
 * SAMSA_ERR_NOT_FOUND. */
int samsa_queue_job_header(const samsa_queue_job *job, size_t i,
                           const char *name, const void **value,
                           size_t *value_len);
/* Add a header that every record this job produces carries (outputs,
 * retry and DLQ copies): the produce side of a pipeline. Copied.
 * 0, NO_MEMORY, LIMIT (over 64 added headers). */
int samsa_queue_job_add_header(samsa_queue_job *job, const char *name,
                               const void *value, size_t value_len);
/* Queue an output record: produced by the queue after the handler returns
 * OK; the job's messages complete only once every output is acknowledged
 * (a failed output makes the job RETRY). Added headers and the trace
 * context are attached. Copied. 0, NO_MEMORY, LIMIT (over 1024). */
int samsa_queue_job_produce(samsa_queue_job *job, const samsa_record *rec);
/* Error text for the DLQ (dlq-error) and callbacks; copied, 255 bytes
 * kept. Without one the queue writes the result name. */
void samsa_queue_job_set_error(samsa_queue_job *job, const char *errstr);
/* Per-message results for a batch handler (default: the return value for
 * every message). */
void samsa_queue_job_set_result(samsa_queue_job *job, size_t i,
                                samsa_queue_result r);
/* Microseconds the handler took (set after it returns, for after-hooks;
 * 0 when no middleware is installed: the clock is not read then). */
int64_t samsa_queue_job_elapsed_us(const samsa_queue_job *job);
/* W3C trace context of the job: the traceparent the tracing middleware
 * made for this processing span ("" when tracing is off). */
const char *samsa_queue_job_traceparent(const samsa_queue_job *job);

/* The handler, on a worker thread. */
typedef samsa_queue_result samsa_queue_handler(void *opaque,
                                               samsa_queue_job *job);

/* ---- middleware ---- */

/*
 * Around every handler call, in the order added: before hooks first to
 * last, after hooks last to first (with the result, which they may
 * change). A before hook returning other than OK skips the handler (and
 * the later hooks) with that result. Hooks run on worker threads.
 */
typedef struct samsa_queue_middleware {
    const char *name;
    samsa_queue_result (*before)(void *opaque, samsa_queue_job *job);
    samsa_queue_result (*after)(void *opaque, samsa_queue_job *job,
                                samsa_queue_result r);
    void *opaque;
} samsa_queue_middleware;

/* Add a middleware (copied; at most 16). 0, LIMIT, STATE (running). */
int samsa_queue_use(samsa_queue *q, const samsa_queue_middleware *mw);

/* Shipped middleware. Timing: keeps per-queue totals of handler time,
 * read with samsa_queue_stats (handler_us_total, handler_us_max). */
samsa_queue_middleware samsa_queue_mw_timing(samsa_queue *q);
/* Logging: one line per failed attempt (WARNING, context "queue") and,
 * when verbose, per success (DEBUG) through cb (called on worker
 * threads: it must be thread-safe). */
samsa_queue_middleware samsa_queue_mw_logging(samsa_queue *q, samsa_log_cb *cb,
                                              void *opaque, int verbose);
/* Tracing: extracts traceparent/tracestate from each message (starting a
 * new trace when absent or invalid), makes a child span id for the job,
 * and injects traceparent/tracestate into everything the job produces
 * (outputs, retry and DLQ copies). */
samsa_queue_middleware samsa_queue_mw_tracing(samsa_queue *q);

/* ---- callbacks (on the run thread) ---- */

typedef struct samsa_queue_event {
    const char *topic;   /* original topic, partition, offset */
    int32_t partition;
    int64_t offset;
    uint32_t attempt;
    samsa_queue_result result;
    const char *errstr;  /* handler's error text or the queue's */
} samsa_queue_event;

typedef struct samsa_queue_callbacks {
    void (*on_success)(void *opaque, const samsa_queue_event *ev);
    void (*on_error)(void *opaque, const samsa_queue_event *ev); /* each failed attempt */
    void (*on_dead_letter)(void *opaque, const samsa_queue_event *ev);
    /* client-level problems: a failed commit, DLQ produce, topic creation */
    void (*on_internal_error)(void *opaque, int err, const char *errstr);
    void *opaque;
} samsa_queue_callbacks;

void samsa_queue_set_callbacks(samsa_queue *q, const samsa_queue_callbacks *cb);

/* ---- life cycle ---- */

/*
 * Create a queue: handler for single messages, or batch_handler (exactly
 * one of the two non-NULL) which gets up to queue.batch.max.messages
 * consecutive messages of one partition. NULL on failure with a reason in
 * errbuf.
 */
samsa_queue *samsa_queue_new(const samsa_queue_conf *qc,
                             samsa_queue_handler *handler,
                             samsa_queue_handler *batch_handler, void *opaque,
                             char *errbuf, size_t errlen);

/* Read these topics as group.id (plus their retry topics when
 * queue.retry.topics is set, created if missing). Before run(). */
int samsa_queue_subscribe(samsa_queue *q, const char *const *topics, size_t n);

/* Or: read these partitions without a group (tps[i].offset ignored),
 * committing to the file offset store queue.offset.store.path (required);
 * where nothing is stored, auto.offset.reset decides. Before run(). */
int samsa_queue_assign(samsa_queue *q, const samsa_topic_partition *tps,
                       size_t n);

/*
 * Run until stopped: returns 0 after a graceful stop (samsa_queue_stop),
 * SAMSA_ERR_STOPPED when queue.on.exhausted=stop stopped it (samsa_queue_errstr
 * names the message), or another error when the client failed fatally.
 * On the way out: stop fetching, drop what no worker started, wait for
 * in-flight work up to queue.shutdown.timeout.ms (unfinished work is not
 * committed), commit, leave the group.
 */
int samsa_queue_run(samsa_queue *q);

/* Ask run() to stop (any thread, async-signal-safe). */
void samsa_queue_stop(samsa_queue *q);

/* The client (for produce or admin calls from the run thread's callbacks
 * only: it is in embedded mode). */
samsa_client *samsa_queue_client(samsa_queue *q);

/* Last error detail ("" when none). */
const char *samsa_queue_errstr(const samsa_queue *q);

void samsa_queue_destroy(samsa_queue *q);

/* ---- stats ---- */

typedef struct samsa_queue_partition_stats {
    char topic[250];
    int32_t partition;
    int64_t lag;            /* -1 = unknown */
    int64_t committed;      /* last committed offset, -1 = none yet */
    uint32_t in_flight;     /* handed out, not finished */
    uint32_t waiting_retry; /* in-place retries waiting for their time */
    uint64_t dead_lettered;
    uint32_t blocked_lanes;
    int paused;
} samsa_queue_partition_stats;

typedef struct samsa_queue_stats {
    uint64_t processed;     /* messages finished OK */
    uint64_t retried;       /* failed attempts retried (in place or topic) */
    uint64_t dead_lettered;
    uint64_t dropped_late;  /* results for partitions no longer owned */
    uint64_t commits;       /* commits sent */
    uint64_t pauses;        /* partitions paused for lack of room */
    uint64_t internal_errors;
    uint64_t handler_us_total, handler_us_max; /* timing middleware */
    uint32_t blocked_lanes;
    size_t npartitions;     /* partitions owned (may exceed max) */
} samsa_queue_stats;

/* Totals into *st and up to max partitions into parts (may be NULL). The
 * snapshot is refreshed by the run thread at least every 100 ms. */
int samsa_queue_stats_get(samsa_queue *q, samsa_queue_stats *st,
                          samsa_queue_partition_stats *parts, size_t max);

#ifdef __cplusplus
}
#endif
#endif
