/* queue/queue_mw.c - the shipped middleware: timing, logging, tracing
 * (see samsa/queue.h). They run on worker threads; their state is atomic
 * or per job. */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/error.h"
#include "trace.h"

/* ---- timing ---- */

static samsa_queue_result timing_after(void *opaque, samsa_queue_job *job,
                                       samsa_queue_result r)
{
    samsa_queue *q = opaque;
    uint_fast64_t us = job->elapsed_us > 0 ? (uint_fast64_t)job->elapsed_us : 0;
    uint_fast64_t cur = atomic_load(&q->handler_us_max);

    atomic_fetch_add(&q->handler_us_total, us);
    while (us > cur && !atomic_compare_exchange_weak(&q->handler_us_max, &cur, us))
        ;
    return r;
}

samsa_queue_middleware samsa_queue_mw_timing(samsa_queue *q)
{
    samsa_queue_middleware mw = { "timing", NULL, timing_after, q };

    return mw;
}

/* ---- logging ---- */

static samsa_queue_result logging_after(void *opaque, samsa_queue_job *job,
                                        samsa_queue_result r)
{
    samsa_queue *q = opaque;
    const sq_msgref *m = &job->msgs[0];
    char line[512];

    if (!q->log_cb || (r == SAMSA_QUEUE_OK && !q->log_verbose))
        return r;
    snprintf(line, sizeof line, "%s/%" PRId32 "@%" PRId64 " (%zu message%s) attempt %"
             PRIu32 ": %s in %" PRId64 " us%s%s", m->otopic, m->opart, m->ooff, job->n,
             job->n == 1 ? "" : "s", m->attempt,
             r == SAMSA_QUEUE_OK ? "OK" : r == SAMSA_QUEUE_RETRY ? "RETRY" : "FAIL",
             job->elapsed_us, job->err[0] ? ": " : "", job->err);
    q->log_cb(q->log_opaque, r == SAMSA_QUEUE_OK ? SAMSA_LOG_DEBUG : SAMSA_LOG_WARNING,
              "queue", line);
    return r;
}

samsa_queue_middleware samsa_queue_mw_logging(samsa_queue *q, samsa_log_cb *cb,
                                              void *opaque, int verbose)
{
    samsa_queue_middleware mw = { "logging", NULL, logging_after, q };

    if (q) {
        q->log_cb = cb;
        q->log_opaque = opaque;
        q->log_verbose = verbose;
    }
    return mw;
}

/* ---- tracing ---- */

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void random_bytes(samsa_queue *q, uint8_t *out, size_t n)
{
    while (n) {
        uint64_t r = mix64(atomic_fetch_add(&q->trace_seq, 1) ^
                           ((uint64_t)sq_now_us() << 20) ^ (uint64_t)(uintptr_t)q);
        size_t k = n < 8 ? n : 8;

        memcpy(out, &r, k);
        out += k;
        n -= k;
    }
}

static bool all_zero(const uint8_t *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (b[i])
            return false;
    return true;
}

static samsa_queue_result tracing_before(void *opaque, samsa_queue_job *job)
{
    samsa_queue *q = opaque;
    const void *v;
    size_t len;
    sq_traceparent tp;
    bool have = false;

    if (samsa_message_header_find(job->msgs[0].m, "traceparent", &v, &len) == 0 && v &&
        sq_traceparent_parse(v, len, &tp) == 0)
        have = true;
    if (!have) {
        memset(&tp, 0, sizeof tp);
        do
            random_bytes(q, tp.trace_id, sizeof tp.trace_id);
        while (all_zero(tp.trace_id, sizeof tp.trace_id));
        tp.flags = 0;
    } else if (samsa_message_header_find(job->msgs[0].m, "tracestate", &v, &len) == 0 &&
               v && len > 0 && len <= SQ_TRACESTATE_MAX_LEN) {
        sq_tracestate ts;

        /* kept only when valid, as the spec says */
        if (sq_tracestate_parse(v, len, &ts) == 0) {
            char *copy = sp_alloc(q->alloc, len + 1);

            if (copy) {
                memcpy(copy, v, len);
                copy[len] = '\0';
                sp_free(q->alloc, job->tracestate);
                job->tracestate = copy;
            }
        }
    }
    do
        random_bytes(q, tp.parent_id, sizeof tp.parent_id); /* this span */
    while (all_zero(tp.parent_id, sizeof tp.parent_id));
    if (sq_traceparent_format(&tp, job->traceparent) != 0)
        job->traceparent[0] = '\0';
    return SAMSA_QUEUE_OK;
}

samsa_queue_middleware samsa_queue_mw_tracing(samsa_queue *q)
{
    samsa_queue_middleware mw = { "tracing", tracing_before, NULL, q };

    return mw;
}
