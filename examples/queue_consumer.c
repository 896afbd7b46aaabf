/*
 * examples/queue_consumer.c - Kafka as a work queue (samsa/queue.h): a
 * handler on a worker pool that fails some messages transiently (retried
 * in place with backoff) and some permanently (dead-lettered to
 * TOPIC.dlq with dlq-* headers), contiguous at-least-once commits, and
 * the queue's stats printed on exit.
 *
 *   queue_consumer BOOTSTRAP TOPIC GROUP [IDLE_SECONDS]
 *
 * The handler reads the "seq" number of the entity updates written by
 * entity_producer: seq % 10 == 3 fails on its first attempt (RETRY, then
 * OK), seq % 25 == 7 fails every time (FAIL: straight to the DLQ); the
 * rest succeed. The tracing middleware puts a W3C traceparent on the DLQ
 * copies. The program stops once nothing happened for IDLE_SECONDS
 * (default 3) and nothing is left to commit, or at Ctrl-C, then prints
 * "processed N retried N dead-lettered N" and the group's committed
 * offset per partition.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <samsa.h>
#include <samsa/queue.h>

#define MAX_PARTS 64

static samsa_queue *the_queue;

static void on_signal(int sig)
{
    (void)sig;
    samsa_queue_stop(the_queue); /* async-signal-safe */
}

/* The update's "seq" field, or -1. */
static long seq_of(const samsa_message *m)
{
    const char *v = m->value, *p;
    char buf[256];
    size_t n = m->value_len < sizeof buf - 1 ? m->value_len : sizeof buf - 1;

    if (!v)
        return -1;
    memcpy(buf, v, n);
    buf[n] = '\0';
    p = strstr(buf, "\"seq\":");
    return p ? strtol(p + 6, NULL, 10) : -1;
}

/* On a worker thread, several at once. */
static samsa_queue_result handle(void *opaque, samsa_queue_job *job)
{
    const samsa_message *m = samsa_queue_job_message(job, 0);
    long seq = seq_of(m);

    (void)opaque;
    if (seq >= 0 && seq % 25 == 7) {
        samsa_queue_job_set_error(job, "permanent: reading out of range");
        return SAMSA_QUEUE_FAIL;
    }
    if (seq >= 0 && seq % 10 == 3 && samsa_queue_job_attempt(job, 0) == 1) {
        samsa_queue_job_set_error(job, "transient: backend busy");
        return SAMSA_QUEUE_RETRY;
    }
    return SAMSA_QUEUE_OK;
}

/* On the run thread. */
static void on_dead_letter(void *opaque, const samsa_queue_event *ev)
{
    (void)opaque;
    printf("dead-lettered %s [%" PRId32 "] @%" PRId64 " after %u attempt%s: %s\n",
           ev->topic, ev->partition, ev->offset, ev->attempt,
           ev->attempt == 1 ? "" : "s", ev->errstr);
}

static void on_internal_error(void *opaque, int err, const char *errstr)
{
    (void)opaque;
    fprintf(stderr, "queue: %s: %s\n", samsa_err_name(err), errstr);
}

/* Stop once idle: no progress for idle_s seconds, no lag, nothing pending. */
typedef struct watcher {
    samsa_queue *q;
    int idle_s;
    volatile int done;
} watcher;

static void *watch(void *arg)
{
    watcher *w = arg;
    samsa_queue_stats st;
    samsa_queue_partition_stats ps[MAX_PARTS];
    uint64_t last = (uint64_t)-1;
    int idle_ticks = 0;
    struct timespec tick = { 0, 100 * 1000 * 1000 };

    while (!w->done) {
        uint64_t now;
        size_t i, n;
        int busy = 0;
        nanosleep(&tick, NULL);
        if (samsa_queue_stats_get(w->q, &st, ps, MAX_PARTS) != 0)
            continue;
        now = st.processed + st.retried + st.dead_lettered;
        n = st.npartitions < MAX_PARTS ? st.npartitions : MAX_PARTS;
        for (i = 0; i < n; i++)
            busy |= ps[i].lag != 0 || ps[i].in_flight || ps[i].waiting_retry;
        if (now != last || busy || n == 0) {
            last = now;
            idle_ticks = 0;
            continue;
        }
        if (++idle_ticks >= w->idle_s * 10) {
            samsa_queue_stop(w->q);
            break;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    samsa_queue_conf *qc;
    samsa_queue_callbacks cbs;
    samsa_queue_stats st;
    samsa_queue_partition_stats ps[MAX_PARTS];
    samsa_queue_middleware mw;
    samsa_group_offsets *offs;
    struct sigaction sa;
    watcher w;
    pthread_t tid;
    const char *topic;
    char err[256];
    size_t i;
    int rc;

    if (argc < 4) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC GROUP [IDLE_SECONDS]\n", argv[0]);
        return 2;
    }
    topic = argv[2];
    qc = samsa_queue_conf_new(NULL);
    if (!qc ||
        samsa_queue_conf_set(qc, "bootstrap.servers", argv[1], err, sizeof err) ||
        samsa_queue_conf_set(qc, "group.id", argv[3], err, sizeof err) ||
        samsa_queue_conf_set(qc, "auto.offset.reset", "earliest", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.workers", "4", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.retry.max.attempts", "3", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.retry.initial.delay.ms", "50", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.on.exhausted", "dlq", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.commit.interval.ms", "500", err, sizeof err)) {
        fprintf(stderr, "config: %s\n", qc ? err : "out of memory");
        samsa_queue_conf_destroy(qc);
        return 1;
    }
    the_queue = samsa_queue_new(qc, handle, NULL, NULL, err, sizeof err);
    samsa_queue_conf_destroy(qc);
    if (!the_queue) {
        fprintf(stderr, "queue: %s\n", err);
        return 1;
    }
    memset(&cbs, 0, sizeof cbs);
    cbs.on_dead_letter = on_dead_letter;
    cbs.on_internal_error = on_internal_error;
    samsa_queue_set_callbacks(the_queue, &cbs);
    mw = samsa_queue_mw_tracing(the_queue);
    samsa_queue_use(the_queue, &mw);
    mw = samsa_queue_mw_timing(the_queue);
    samsa_queue_use(the_queue, &mw);
    rc = samsa_queue_subscribe(the_queue, &topic, 1);
    if (rc) {
        fprintf(stderr, "subscribe: %s %s\n", samsa_err_name(rc),
                samsa_queue_errstr(the_queue));
        samsa_queue_destroy(the_queue);
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    w.q = the_queue;
    w.idle_s = argc > 4 ? atoi(argv[4]) : 3;
    w.done = 0;
    pthread_create(&tid, NULL, watch, &w);
    rc = samsa_queue_run(the_queue); /* this thread drives the queue */
    w.done = 1;
    pthread_join(tid, NULL);

    samsa_queue_stats_get(the_queue, &st, ps, MAX_PARTS);
    printf("processed %" PRIu64 " retried %" PRIu64 " dead-lettered %" PRIu64
           " commits %" PRIu64 " handler time %" PRIu64 " us (max %" PRIu64 ")\n",
           st.processed, st.retried, st.dead_lettered, st.commits,
           st.handler_us_total, st.handler_us_max);
    /* the run thread may use the queue's client once run() returned */
    if (samsa_group_offsets_get(samsa_queue_client(the_queue), argv[3], &offs,
                                5000) == 0) {
        for (i = 0; i < offs->n; i++)
            printf("  %s [%" PRId32 "] committed %" PRId64 "\n", offs->tps[i].topic,
                   offs->tps[i].partition, offs->tps[i].offset);
        samsa_group_offsets_free(offs);
    }
    if (rc)
        fprintf(stderr, "run: %s %s\n", samsa_err_name(rc), samsa_queue_errstr(the_queue));
    samsa_queue_destroy(the_queue);
    return rc != 0;
}
