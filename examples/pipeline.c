/*
 * examples/pipeline.c - consume, process, produce on the queue layer
 * (samsa/queue.h): read IN, upper-case each value, write it to OUT with
 * the same key, the incoming headers and two more (pipeline-source =
 * IN/partition/offset, pipeline-stage), and a W3C traceparent.
 *
 *   pipeline BOOTSTRAP IN OUT [IDLE_SECONDS [GROUP]]
 *
 * The handler (on 4 worker threads, in order per key) queues its output with
 * samsa_queue_job_produce(); the queue produces it after the handler
 * returns OK and completes (and so commits) the input only once the output
 * is acknowledged: at-least-once, nothing is committed before its output is
 * safely written. The shipped tracing middleware (samsa_queue_mw_tracing)
 * reads the input's traceparent (or starts a new trace when there is none),
 * makes a child span for the processing and writes that traceparent (and
 * any tracestate) onto the output record. The first few messages are
 * printed as "IN/P@OFFSET -> OUT traceparent ...".
 *
 * With GROUP the queue reads IN as that consumer group. Without GROUP it
 * reads every partition of IN from the beginning, keeping its offsets in a
 * temporary file store removed on exit. Stops after IDLE_SECONDS (default
 * 5) without progress, or at Ctrl-C, and prints "processed N failed N".
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <samsa.h>
#include <samsa/queue.h>

#define MAX_HEADERS 32
#define MAX_PARTS 256
#define SHOW 5

static samsa_queue *the_queue;
static const char *out_topic;
static atomic_int shown;

static void on_signal(int sig)
{
    (void)sig;
    samsa_queue_stop(the_queue); /* async-signal-safe */
}

/* On a worker thread, several at once: the processed form of the input
 * goes out through the job (headers and trace context attached). */
static samsa_queue_result handle(void *opaque, samsa_queue_job *job)
{
    const samsa_message *m = samsa_queue_job_message(job, 0);
    samsa_header hs[MAX_HEADERS];
    char names[MAX_HEADERS][64], source[300], *up = NULL;
    samsa_message_header h;
    samsa_record rec;
    size_t i, nh = 0;
    int rc;

    (void)opaque;
    if (m->value) {
        up = malloc(m->value_len + 1);
        if (!up) {
            samsa_queue_job_set_error(job, "out of memory");
            return SAMSA_QUEUE_RETRY;
        }
        for (i = 0; i < m->value_len; i++)
            up[i] = (char)toupper(((const unsigned char *)m->value)[i]);
    }
    /* incoming headers (names are not NUL-terminated, copy them); the
     * tracing middleware writes traceparent/tracestate itself */
    for (i = 0; i < m->nheaders && nh < MAX_HEADERS; i++) {
        if (samsa_message_header_get(m, i, &h) != 0 || h.name_len >= 64)
            continue;
        memcpy(names[nh], h.name, h.name_len);
        names[nh][h.name_len] = '\0';
        if (!strcmp(names[nh], "traceparent") || !strcmp(names[nh], "tracestate"))
            continue;
        hs[nh].name = names[nh];
        hs[nh].value = h.value;
        hs[nh].value_len = h.value_len;
        nh++;
    }
    snprintf(source, sizeof source, "%s/%" PRId32 "/%" PRId64, m->topic,
             m->partition, m->offset);
    /* added headers go on everything the job produces */
    rc = samsa_queue_job_add_header(job, "pipeline-source", source, strlen(source));
    if (!rc)
        rc = samsa_queue_job_add_header(job, "pipeline-stage", "uppercase", 9);
    memset(&rec, 0, sizeof rec);
    rec.topic = out_topic;
    rec.partition = SAMSA_PARTITION_ANY;
    rec.key = m->key;
    rec.key_len = m->key_len;
    rec.value = up;
    rec.value_len = m->value_len;
    rec.headers = hs;
    rec.nheaders = nh;
    rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
    if (!rc)
        rc = samsa_queue_job_produce(job, &rec); /* copies everything */
    free(up);
    if (rc) {
        samsa_queue_job_set_error(job, samsa_err_name(rc));
        return SAMSA_QUEUE_RETRY;
    }
    if (atomic_fetch_add(&shown, 1) < SHOW)
        printf("%s/%" PRId32 "@%" PRId64 " -> %s traceparent %s\n", m->topic,
               m->partition, m->offset, out_topic, samsa_queue_job_traceparent(job));
    return SAMSA_QUEUE_OK;
}

static void on_internal_error(void *opaque, int err, const char *errstr)
{
    (void)opaque;
    fprintf(stderr, "queue: %s: %s\n", samsa_err_name(err), errstr);
}

static void on_dead_letter(void *opaque, const samsa_queue_event *ev)
{
    (void)opaque;
    fprintf(stderr, "gave up on %s [%" PRId32 "] @%" PRId64 ": %s\n", ev->topic,
            ev->partition, ev->offset, ev->errstr);
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
    static samsa_queue_partition_stats ps[MAX_PARTS];
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

/* Every partition of topic, for samsa_queue_assign (before run()). */
static int assign_all(samsa_queue *q, const char *topic)
{
    samsa_metadata *md;
    samsa_topic_partition tps[MAX_PARTS];
    size_t i, n;
    int rc = samsa_metadata_get(samsa_queue_client(q), &topic, 1, &md, 10000);

    if (rc)
        return rc;
    if (md->ntopics != 1 || md->topics[0].err) {
        rc = md->ntopics == 1 ? md->topics[0].err : SAMSA_ERR_UNKNOWN_TOPIC;
        samsa_metadata_free(md);
        return rc;
    }
    n = md->topics[0].npartitions < MAX_PARTS ? md->topics[0].npartitions : MAX_PARTS;
    memset(tps, 0, sizeof tps);
    for (i = 0; i < n; i++) {
        tps[i].topic = topic;
        tps[i].partition = md->topics[0].partitions[i].id;
        tps[i].offset = SAMSA_OFFSET_BEGINNING;
        tps[i].leader_epoch = -1;
    }
    samsa_metadata_free(md);
    return samsa_queue_assign(q, tps, n);
}

int main(int argc, char **argv)
{
    const char *in, *group;
    samsa_queue_conf *qc;
    samsa_queue_callbacks cbs;
    samsa_queue_stats st;
    samsa_queue_middleware mw;
    struct sigaction sa;
    watcher w;
    pthread_t tid;
    char err[256], store[256], store_tmp[300];
    uint64_t failed;
    int rc;

    if (argc < 4) {
        fprintf(stderr, "usage: %s BOOTSTRAP IN OUT [IDLE_SECONDS [GROUP]]\n", argv[0]);
        return 2;
    }
    in = argv[2];
    out_topic = argv[3];
    group = argc > 5 ? argv[5] : NULL;
    snprintf(store, sizeof store, "%s/samsa-pipeline-%ld.offsets",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    snprintf(store_tmp, sizeof store_tmp, "%s.tmp", store);

    qc = samsa_queue_conf_new(NULL);
    if (!qc ||
        samsa_queue_conf_set(qc, "bootstrap.servers", argv[1], err, sizeof err) ||
        samsa_queue_conf_set(qc, "auto.offset.reset", "earliest", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.workers", "4", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.ordering", "key", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.retry.max.attempts", "5", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.commit.interval.ms", "500", err, sizeof err) ||
        (group && samsa_queue_conf_set(qc, "group.id", group, err, sizeof err)) ||
        (!group && samsa_queue_conf_set(qc, "queue.offset.store.path", store, err,
                                        sizeof err))) {
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
    rc = group ? samsa_queue_subscribe(the_queue, &in, 1) : assign_all(the_queue, in);
    if (rc) {
        fprintf(stderr, "reading %s: %s %s\n", in, samsa_err_name(rc),
                samsa_queue_errstr(the_queue));
        samsa_queue_destroy(the_queue);
        return 1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    w.q = the_queue;
    w.idle_s = argc > 4 ? atoi(argv[4]) : 5;
    w.done = 0;
    pthread_create(&tid, NULL, watch, &w);
    rc = samsa_queue_run(the_queue); /* this thread drives the queue */
    w.done = 1;
    pthread_join(tid, NULL);

    samsa_queue_stats_get(the_queue, &st, NULL, 0);
    if (rc)
        fprintf(stderr, "run: %s %s\n", samsa_err_name(rc), samsa_queue_errstr(the_queue));
    samsa_queue_destroy(the_queue);
    if (!group) {
        remove(store);
        remove(store_tmp);
    }
    failed = st.dead_lettered + st.internal_errors;
    printf("processed %" PRIu64 " failed %" PRIu64 "\n", st.processed, failed);
    return rc != 0 || failed != 0;
}
