/*
 * The queue layer against the real broker: a poison pill lands alone in
 * the DLQ with the right headers and the original bytes while every other
 * message is processed once; a transient failure is retried in place and
 * succeeds; retry topics 1s,2s delay a failing message by at least their
 * levels and then dead-letter it without delaying the others; key order
 * holds with 8 workers over 1,000 keys and 100,000 messages, and a 1 ms
 * handler scales with workers (speedup printed).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa.h"
#include "samsa/consumer.h"
#include "samsa/queue.h"

static const char *bootstrap(void)
{
    return st_require_env("SAMSA_TEST_BOOTSTRAP");
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the queue's retry due times are wall-clock ms (they travel in headers),
 * so the handler's call times are measured on the same clock */
static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void name_of(char *buf, size_t len, const char *what)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(buf, len, "hqueue-%s-%d-%ld%03ld", what, (int)getpid(), (long)ts.tv_sec,
             ts.tv_nsec / 1000000);
}

static void log_cb(void *opaque, int level, const char *ctx, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "log %d %s: %s\n", level, ctx, msg);
}

static samsa_client *plain_client(void)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256];

    assert_non_null(cf);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", bootstrap(), err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "linger.ms", "5", err, sizeof err), 0);
    c = samsa_client_new(cf, err, sizeof err);
    if (!c)
        fail_msg("client: %s", err);
    samsa_conf_destroy(cf);
    return c;
}

/* Create topic with nparts and write n messages: key "k<i % nkeys>",
 * value "v<i>", header h1=v1. */
static void make_topic(const char *topic, int nparts, int n, int nkeys)
{
    samsa_client *c = plain_client();
    samsa_header h = { "h1", "v1", 2 };
    int i, err;

    err = samsa_create_topic(c, topic, nparts, 1, NULL, 0, 15000);
    if (err)
        fail_msg("create %s: %s (%s)", topic, samsa_err_name(err), samsa_client_errstr(c));
    for (i = 0; i < n; i++) {
        char key[32], val[32];
        samsa_record r;

        memset(&r, 0, sizeof r);
        snprintf(key, sizeof key, "k%d", i % nkeys);
        snprintf(val, sizeof val, "v%d", i);
        r.topic = topic;
        r.partition = SAMSA_PARTITION_ANY;
        r.key = key;
        r.key_len = strlen(key);
        r.value = val;
        r.value_len = strlen(val);
        r.headers = &h;
        r.nheaders = 1;
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        err = samsa_produce(c, &r, NULL, 10000);
        if (err)
            fail_msg("produce: %s", samsa_err_name(err));
    }
    err = samsa_flush(c, 120000);
    if (err)
        fail_msg("flush of %s: %s with %zu records outstanding (%s)", topic,
                 samsa_err_name(err), samsa_outstanding(c), samsa_client_errstr(c));
    samsa_client_destroy(c);
}

static int value_index(const samsa_message *m)
{
    char buf[32];

    if (!m->value || m->value_len == 0 || m->value_len >= sizeof buf)
        return -1;
    memcpy(buf, m->value, m->value_len);
    buf[m->value_len] = '\0';
    return buf[0] == 'v' ? atoi(buf + 1) : -1;
}

/* ---- a queue run on a thread ---- */

typedef struct ctx {
    int n;
    _Atomic int *seen;          /* per message index: times processed OK */
    _Atomic int *attempts;      /* per index: handler calls */
    _Atomic int64_t *last_ms;   /* per index: time of the last call */
    _Atomic int64_t *first_ms;
    int poison;                 /* index that FAILs (-1 none) */
    int transient;              /* index that RETRYs twice then OK */
    int always_retry;           /* index that always RETRYs */
    int sleep_us;
    int slow;                   /* index that sleeps slow_us (0 = none) */
    int slow_us;
    _Atomic int ok_total;
    _Atomic int dlq_events;
    _Atomic int order_errors;
    _Atomic int internal_errors;
    /* key order: last offset per (partition, key) */
    pthread_mutex_t mu;
    int64_t *last_off;          /* [nparts * nkeys] */
    int nkeys, nparts;
    samsa_queue *q;
    int run_result;
    bool batch;                 /* queue_new makes a batch-handler queue */
    _Atomic int batches;
} ctx;

static void ctx_init(ctx *x, int n)
{
    memset(x, 0, sizeof *x);
    x->n = n;
    x->seen = calloc((size_t)n, sizeof *x->seen);
    x->attempts = calloc((size_t)n, sizeof *x->attempts);
    x->last_ms = calloc((size_t)n, sizeof *x->last_ms);
    x->first_ms = calloc((size_t)n, sizeof *x->first_ms);
    assert_non_null(x->seen);
    assert_non_null(x->attempts);
    assert_non_null(x->last_ms);
    assert_non_null(x->first_ms);
    x->poison = x->transient = x->always_retry = -1;
    pthread_mutex_init(&x->mu, NULL);
}

static void ctx_free(ctx *x)
{
    free(x->seen);
    free(x->attempts);
    free(x->last_ms);
    free(x->first_ms);
    free(x->last_off);
    pthread_mutex_destroy(&x->mu);
}

static samsa_queue_result handler(void *opaque, samsa_queue_job *job)
{
    ctx *x = opaque;
    const samsa_message *m = samsa_queue_job_message(job, 0);
    int i = value_index(m);
    int a;

    assert_int_equal(samsa_queue_job_count(job), 1);
    if (i < 0 || i >= x->n)
        return SAMSA_QUEUE_FAIL;
    a = atomic_fetch_add(&x->attempts[i], 1) + 1;
    if ((uint32_t)a != samsa_queue_job_attempt(job, 0) && i != x->always_retry)
        atomic_fetch_add(&x->order_errors, 1000000); /* attempt count wrong */
    if (a == 1)
        atomic_store(&x->first_ms[i], wall_ms());
    atomic_store(&x->last_ms[i], wall_ms());
    if (x->sleep_us)
        usleep((useconds_t)x->sleep_us);
    if (x->slow_us && i == x->slow)
        usleep((useconds_t)x->slow_us);
    if (x->last_off && m->key) {
        char kb[16];
        size_t kl = m->key_len < sizeof kb - 1 ? m->key_len : sizeof kb - 1;
        int k;
        int64_t *slot;

        memcpy(kb, m->key, kl);
        kb[kl] = '\0';
        k = atoi(kb + 1);
        pthread_mutex_lock(&x->mu);
        slot = &x->last_off[m->partition * x->nkeys + k];
        if (*slot >= m->offset)
            x->order_errors++;
        *slot = m->offset;
        pthread_mutex_unlock(&x->mu);
    }
    if (i == x->poison) {
        samsa_queue_job_set_error(job, "poison pill");
        return SAMSA_QUEUE_FAIL;
    }
    if (i == x->always_retry) {
        samsa_queue_job_set_error(job, "still failing");
        return SAMSA_QUEUE_RETRY;
    }
    if (i == x->transient && a <= 2)
        return SAMSA_QUEUE_RETRY;
    atomic_fetch_add(&x->seen[i], 1);
    atomic_fetch_add(&x->ok_total, 1);
    return SAMSA_QUEUE_OK;
}

/* Batch handler: every message OK, counted as the single handler does. */
static samsa_queue_result batch_handler(void *opaque, samsa_queue_job *job)
{
    ctx *x = opaque;
    size_t k, n = samsa_queue_job_count(job);

    atomic_fetch_add(&x->batches, 1);
    for (k = 0; k < n; k++) {
        int i = value_index(samsa_queue_job_message(job, k));

        if (i < 0 || i >= x->n)
            return SAMSA_QUEUE_FAIL;
        atomic_fetch_add(&x->attempts[i], 1);
        atomic_fetch_add(&x->seen[i], 1);
        atomic_fetch_add(&x->ok_total, 1);
    }
    return SAMSA_QUEUE_OK;
}

static void on_dlq(void *opaque, const samsa_queue_event *ev)
{
    ctx *x = opaque;

    (void)ev;
    atomic_fetch_add(&x->dlq_events, 1);
}

static void on_internal(void *opaque, int err, const char *msg)
{
    ctx *x = opaque;

    atomic_fetch_add(&x->internal_errors, 1);
    if (getenv("HQ_DEBUG") || err != SAMSA_ERR_NOT_SUPPORTED)
        fprintf(stderr, "queue internal error %s: %s\n", samsa_err_name(err), msg);
}

static samsa_queue *queue_new(ctx *x, const char *topic, const char *const *kv)
{
    samsa_queue_conf *qc = samsa_queue_conf_new(NULL);
    samsa_queue_callbacks cb;
    samsa_queue *q;
    char err[256], group[200];

    assert_non_null(qc);
    static int groups;

    if (getenv("HQ_SAME_GROUP"))
        snprintf(group, sizeof group, "%s-g", topic);
    else
        snprintf(group, sizeof group, "%s-g%d", topic, ++groups);
    assert_int_equal(samsa_queue_conf_set(qc, "bootstrap.servers", bootstrap(), err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "group.id", group, err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "auto.offset.reset", "earliest", err, sizeof err), 0);
    if (getenv("SAMSA_TEST_DEBUG")) {
        samsa_conf_set_log_cb(samsa_queue_conf_client(qc), log_cb, NULL);
        (void)samsa_queue_conf_set(qc, "debug", getenv("SAMSA_TEST_DEBUG"), err, sizeof err);
    }
    for (; kv && kv[0]; kv += 2)
        if (samsa_queue_conf_set(qc, kv[0], kv[1], err, sizeof err) != 0)
            fail_msg("conf %s: %s", kv[0], err);
    q = x->batch ? samsa_queue_new(qc, NULL, batch_handler, x, err, sizeof err)
                 : samsa_queue_new(qc, handler, NULL, x, err, sizeof err);
    if (!q)
        fail_msg("queue: %s", err);
    samsa_queue_conf_destroy(qc);
    memset(&cb, 0, sizeof cb);
    cb.on_dead_letter = on_dlq;
    cb.on_internal_error = on_internal;
    cb.opaque = x;
    samsa_queue_set_callbacks(q, &cb);
    assert_int_equal(samsa_queue_subscribe(q, &topic, 1), 0);
    x->q = q;
    return q;
}

static void *run_thread(void *arg)
{
    ctx *x = arg;

    x->run_result = samsa_queue_run(x->q);
    return NULL;
}

/* Run until cond(x) holds or timeout; stop; join. Returns elapsed ms. */
static int64_t run_until(ctx *x, bool (*cond)(ctx *), int timeout_ms)
{
    pthread_t th;
    int64_t t0 = now_ms(), el;

    assert_int_equal(pthread_create(&th, NULL, run_thread, x), 0);
    while (!cond(x) && now_ms() - t0 < timeout_ms) {
        usleep(20000);
        if (getenv("HQ_DEBUG") && (now_ms() - t0) % 1000 < 20) {
            samsa_queue_stats st;
            samsa_queue_partition_stats ps[8];
            size_t i;

            samsa_queue_stats_get(x->q, &st, ps, 8);
            fprintf(stderr, "stats: ok %d processed %llu retried %llu dlq %llu late %llu parts %zu\n",
                    atomic_load(&x->ok_total), (unsigned long long)st.processed,
                    (unsigned long long)st.retried, (unsigned long long)st.dead_lettered,
                    (unsigned long long)st.dropped_late, st.npartitions);
            for (i = 0; i < st.npartitions && i < 8; i++)
                fprintf(stderr, "  %s/%d lag %lld committed %lld inflight %u wait %u paused %d\n",
                        ps[i].topic, (int)ps[i].partition, (long long)ps[i].lag,
                        (long long)ps[i].committed, ps[i].in_flight, ps[i].waiting_retry,
                        ps[i].paused);
        }
    }
    el = now_ms() - t0;
    samsa_queue_stop(x->q);
    pthread_join(th, NULL);
    if (x->run_result)
        fail_msg("run: %s: %s", samsa_err_name(x->run_result), samsa_queue_errstr(x->q));
    return el;
}

static int target_ok;
static int target_dlq;

static bool reached(ctx *x)
{
    return atomic_load(&x->ok_total) >= target_ok && atomic_load(&x->dlq_events) >= target_dlq;
}

/* Read up to max messages from every partition of topic (from the start). */
static int read_topic(const char *topic, int nparts, samsa_message **out, int max,
                      int timeout_ms, samsa_client **cout)
{
    samsa_client *c = plain_client();
    samsa_topic_partition tps[16];
    int i, got = 0;
    int64_t t0 = now_ms();

    memset(tps, 0, sizeof tps);
    for (i = 0; i < nparts; i++) {
        tps[i].topic = topic;
        tps[i].partition = i;
        tps[i].offset = SAMSA_OFFSET_BEGINNING;
        tps[i].leader_epoch = -1;
    }
    assert_int_equal(samsa_assign(c, tps, (size_t)nparts), 0);
    while (got < max && now_ms() - t0 < timeout_ms) {
        samsa_message *m = samsa_consume(c, 200);

        if (!m)
            continue;
        if (m->err) {
            samsa_message_release(m);
            continue;
        }
        out[got++] = m;
    }
    *cout = c;
    return got;
}

static bool header_is(const samsa_message *m, const char *name, const char *want)
{
    const void *v;
    size_t len;

    if (samsa_message_header_find(m, name, &v, &len) != 0)
        return false;
    return len == strlen(want) && !memcmp(v, want, len);
}

/* ---- tests ---- */

static void test_poison_pill(void **state)
{
    const char *kv[] = { "queue.workers", "4", NULL };
    char topic[128], dlq[160], want[32];
    samsa_message *dm[4];
    samsa_client *rc;
    samsa_queue_stats st;
    ctx x;
    int i, n = 300, got;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "poison");
    make_topic(topic, 3, n, 10);
    ctx_init(&x, n);
    x.poison = 137;
    queue_new(&x, topic, kv);
    target_ok = n - 1;
    target_dlq = 1;
    run_until(&x, reached, 60000);
    for (i = 0; i < n; i++)
        if (i != 137 && atomic_load(&x.seen[i]) != 1)
            fail_msg("message %d processed %d times", i, atomic_load(&x.seen[i]));
    assert_int_equal(atomic_load(&x.seen[137]), 0);
    assert_int_equal(atomic_load(&x.attempts[137]), 1); /* FAIL: no retries */
    assert_int_equal(samsa_queue_stats_get(x.q, &st, NULL, 0), 0);
    assert_int_equal(st.dead_lettered, 1);
    assert_int_equal(st.processed, (uint64_t)n - 1);
    samsa_queue_destroy(x.q);

    snprintf(dlq, sizeof dlq, "%s.dlq", topic);
    got = read_topic(dlq, 3, dm, 2, 5000, &rc);
    assert_int_equal(got, 1);
    assert_int_equal(dm[0]->value_len, 4);
    assert_memory_equal(dm[0]->value, "v137", 4);
    assert_int_equal(dm[0]->key_len, 2);
    assert_memory_equal(dm[0]->key, "k7", 2);
    assert_true(header_is(dm[0], "h1", "v1"));
    assert_true(header_is(dm[0], "dlq-error", "poison pill"));
    assert_true(header_is(dm[0], "dlq-attempts", "1"));
    assert_true(header_is(dm[0], "dlq-original-topic", topic));
    assert_true(header_is(dm[0], "dlq-original-partition", "0") ||
                header_is(dm[0], "dlq-original-partition", "1") ||
                header_is(dm[0], "dlq-original-partition", "2"));
    {
        const void *v;
        size_t len;

        assert_int_equal(samsa_message_header_find(dm[0], "dlq-original-offset", &v, &len), 0);
        assert_true(len > 0 && len < sizeof want);
        assert_int_equal(samsa_message_header_find(dm[0], "dlq-timestamp", &v, &len), 0);
        assert_true(len >= 13);
    }
    samsa_message_release(dm[0]);
    samsa_client_destroy(rc);
    ctx_free(&x);
}

static void test_transient(void **state)
{
    const char *kv[] = { "queue.workers", "2", "queue.retry.initial.delay.ms", "50", NULL };
    char topic[128];
    samsa_queue_stats st;
    ctx x;
    int i, n = 50;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "transient");
    make_topic(topic, 1, n, 5);
    ctx_init(&x, n);
    x.transient = 5;
    queue_new(&x, topic, kv);
    target_ok = n;
    target_dlq = 0;
    run_until(&x, reached, 60000);
    for (i = 0; i < n; i++)
        assert_int_equal(atomic_load(&x.seen[i]), 1);
    assert_int_equal(atomic_load(&x.attempts[5]), 3);
    assert_int_equal(atomic_load(&x.order_errors), 0);
    assert_int_equal(samsa_queue_stats_get(x.q, &st, NULL, 0), 0);
    assert_int_equal(st.retried, 2);
    assert_int_equal(st.dead_lettered, 0);
    assert_int_equal(st.processed, (uint64_t)n);
    samsa_queue_destroy(x.q);
    ctx_free(&x);
}

static void test_retry_topics(void **state)
{
    const char *kv[] = { "queue.workers", "4", "queue.retry.topics", "1s,2s", NULL };
    char topic[128], dlq[160];
    samsa_message *dm[2];
    samsa_client *rc;
    ctx x;
    int i, n = 40, got;
    int64_t t_first, t_last, others_done = 0;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "rtopics");
    make_topic(topic, 2, n, 4);
    ctx_init(&x, n);
    x.always_retry = 3;
    queue_new(&x, topic, kv);
    target_ok = n - 1;
    target_dlq = 1;
    run_until(&x, reached, 90000);
    assert_int_equal(atomic_load(&x.attempts[3]), 3); /* main, 1s, 2s */
    t_first = atomic_load(&x.first_ms[3]);
    t_last = atomic_load(&x.last_ms[3]);
    /* lower bounds only: at least 1 s + 2 s between the first and last try */
    assert_true(t_last - t_first >= 3000);
    for (i = 0; i < n; i++) {
        if (i == 3)
            continue;
        assert_int_equal(atomic_load(&x.seen[i]), 1);
        if (atomic_load(&x.last_ms[i]) > others_done)
            others_done = atomic_load(&x.last_ms[i]);
    }
    /* the others were not held behind the failing one */
    assert_true(others_done < t_last);
    samsa_queue_destroy(x.q);

    snprintf(dlq, sizeof dlq, "%s.dlq", topic);
    got = read_topic(dlq, 2, dm, 2, 5000, &rc);
    assert_int_equal(got, 1);
    assert_memory_equal(dm[0]->value, "v3", 2);
    assert_true(header_is(dm[0], "dlq-attempts", "3"));
    assert_true(header_is(dm[0], "dlq-error", "still failing"));
    assert_true(header_is(dm[0], "dlq-original-topic", topic));
    assert_true(header_is(dm[0], "h1", "v1"));
    samsa_message_release(dm[0]);
    samsa_client_destroy(rc);
    ctx_free(&x);
}

static void key_order_run(const char *topic, int n, int nkeys, int nparts, const char *workers,
                          int sleep_us, int64_t *elapsed)
{
    const char *kv[] = { "queue.workers", workers, "queue.ordering", "key", NULL };
    char group_topic[128];
    ctx x;
    int i;

    ctx_init(&x, n);
    x.nkeys = nkeys;
    x.nparts = nparts;
    x.sleep_us = sleep_us;
    x.last_off = malloc((size_t)nkeys * (size_t)nparts * sizeof *x.last_off);
    assert_non_null(x.last_off);
    for (i = 0; i < nkeys * nparts; i++)
        x.last_off[i] = -1;
    snprintf(group_topic, sizeof group_topic, "%s", topic);
    queue_new(&x, group_topic, kv);
    target_ok = n;
    target_dlq = 0;
    *elapsed = run_until(&x, reached, 600000);
    for (i = 0; i < n; i++)
        if (atomic_load(&x.seen[i]) != 1)
            fail_msg("message %d processed %d times", i, atomic_load(&x.seen[i]));
    assert_int_equal(x.order_errors, 0);
    assert_int_equal(atomic_load(&x.internal_errors), 0);
    samsa_queue_destroy(x.q);
    ctx_free(&x);
}

static void test_key_order(void **state)
{
    char topic[128];
    int64_t el;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "keys");
    make_topic(topic, 4, 100000, 1000);
    key_order_run(topic, 100000, 1000, 4, "8", 0, &el);
    fprintf(stderr, "queue key order: 100000 messages, 1000 keys, 8 workers, no-op: %lld ms\n",
            (long long)el);
}

static void test_key_scaling(void **state)
{
    char topic[128];
    int64_t el1, el8;
    int n = 2000;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "scale");
    make_topic(topic, 4, n, 1000);
    key_order_run(topic, n, 1000, 4, "1", 1000, &el1);
    key_order_run(topic, n, 1000, 4, "8", 1000, &el8);
    fprintf(stderr, "queue 1 ms handler, %d messages: 1 worker %lld ms, 8 workers %lld ms, "
            "speedup %.2fx\n", n, (long long)el1, (long long)el8, (double)el1 / (double)el8);
    assert_true(el8 * 2 < el1);
}


/* ---- rebalance mid-run ---- */

#define RB_PARTS 4
#define RB_N     20000

typedef struct rb_shared {
    _Atomic uint8_t done[RB_N];  /* by value index: handler finished OK */
    _Atomic int total;
    _Atomic int by[2];
    _Atomic int violations;
    _Atomic bool stop_monitor;
    char topic[128];
    char group[160];
} rb_shared;

typedef struct rb_member {
    rb_shared *sh;
    int id;
    samsa_queue *q;
    int rc;
} rb_member;

static samsa_queue_result rb_handler(void *opaque, samsa_queue_job *job)
{
    rb_member *mb = opaque;
    int i = value_index(samsa_queue_job_message(job, 0));

    usleep(1500);
    if (i < 0 || i >= RB_N)
        return SAMSA_QUEUE_FAIL;
    atomic_store(&mb->sh->done[i], 1);
    atomic_fetch_add(&mb->sh->total, 1);
    atomic_fetch_add(&mb->sh->by[mb->id], 1);
    return SAMSA_QUEUE_OK;
}

static void *rb_run(void *arg)
{
    rb_member *mb = arg;

    mb->rc = samsa_queue_run(mb->q);
    return NULL;
}

static samsa_queue *rb_queue(rb_member *mb)
{
    samsa_queue_conf *qc = samsa_queue_conf_new(NULL);
    const char *t = mb->sh->topic;
    samsa_queue *q;
    char err[256];

    assert_int_equal(samsa_queue_conf_set(qc, "bootstrap.servers", bootstrap(), err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "group.id", mb->sh->group, err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "auto.offset.reset", "earliest", err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "queue.workers", "4", err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "queue.commit.interval.ms", "200", err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "queue.topic.create", "false", err, sizeof err), 0);
    q = samsa_queue_new(qc, rb_handler, NULL, mb, err, sizeof err);
    if (!q)
        fail_msg("queue: %s", err);
    samsa_queue_conf_destroy(qc);
    assert_int_equal(samsa_queue_subscribe(q, &t, 1), 0);
    mb->q = q;
    return q;
}

/* Value index of the message at (partition, offset): make_topic writes
 * round-robin by key hash, so read the mapping back once. */
static int32_t *rb_index;

static void rb_map(rb_shared *sh)
{
    samsa_message *ms[1];
    samsa_client *c = plain_client();
    samsa_topic_partition tps[RB_PARTS];
    int p, got = 0;
    int64_t t0 = now_ms();

    rb_index = malloc((size_t)RB_PARTS * RB_N * sizeof *rb_index);
    assert_non_null(rb_index);
    memset(rb_index, 0xff, (size_t)RB_PARTS * RB_N * sizeof *rb_index);
    memset(tps, 0, sizeof tps);
    for (p = 0; p < RB_PARTS; p++) {
        tps[p].topic = sh->topic;
        tps[p].partition = p;
        tps[p].offset = SAMSA_OFFSET_BEGINNING;
        tps[p].leader_epoch = -1;
    }
    assert_int_equal(samsa_assign(c, tps, RB_PARTS), 0);
    while (got < RB_N && now_ms() - t0 < 60000) {
        ms[0] = samsa_consume(c, 200);
        if (!ms[0])
            continue;
        if (!ms[0]->err && ms[0]->offset < RB_N) {
            rb_index[ms[0]->partition * RB_N + ms[0]->offset] = value_index(ms[0]);
            got++;
        }
        samsa_message_release(ms[0]);
    }
    assert_int_equal(got, RB_N);
    samsa_client_destroy(c);
}

/* Every committed offset C of a partition: all offsets below C finished. */
static void *rb_monitor(void *arg)
{
    rb_shared *sh = arg;
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256];

    samsa_conf_set(cf, "bootstrap.servers", bootstrap(), err, sizeof err);
    samsa_conf_set(cf, "group.id", sh->group, err, sizeof err);
    c = samsa_client_new(cf, err, sizeof err);
    samsa_conf_destroy(cf);
    while (c && !atomic_load(&sh->stop_monitor)) {
        samsa_topic_partition tps[RB_PARTS];
        int p;

        memset(tps, 0, sizeof tps);
        for (p = 0; p < RB_PARTS; p++) {
            tps[p].topic = sh->topic;
            tps[p].partition = p;
            tps[p].leader_epoch = -1;
        }
        if (samsa_committed(c, tps, RB_PARTS, 5000) == 0)
            for (p = 0; p < RB_PARTS; p++) {
                int64_t o;

                for (o = 0; o < tps[p].offset && o < RB_N; o++) {
                    int32_t idx = rb_index[p * RB_N + o];

                    if (idx < 0 || !atomic_load(&sh->done[idx])) {
                        fprintf(stderr, "committed %d@%lld but offset %lld unfinished\n", p,
                                (long long)tps[p].offset, (long long)o);
                        atomic_fetch_add(&sh->violations, 1);
                        break;
                    }
                }
            }
        usleep(50000);
    }
    samsa_client_destroy(c);
    return NULL;
}

static void test_rebalance(void **state)
{
    static rb_shared sh;
    rb_member a, b;
    pthread_t ta, tb, tm;
    int64_t t0;
    int i;
    (void)state;

    bootstrap();
    memset(&sh, 0, sizeof sh);
    name_of(sh.topic, sizeof sh.topic, "rebal");
    snprintf(sh.group, sizeof sh.group, "%s-g", sh.topic);
    make_topic(sh.topic, RB_PARTS, RB_N, 97);
    rb_map(&sh);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.sh = b.sh = &sh;
    b.id = 1;
    rb_queue(&a);
    rb_queue(&b);
    assert_int_equal(pthread_create(&tm, NULL, rb_monitor, &sh), 0);
    assert_int_equal(pthread_create(&ta, NULL, rb_run, &a), 0);
    t0 = now_ms();
    while (atomic_load(&sh.total) < RB_N / 5 && now_ms() - t0 < 60000)
        usleep(10000);
    assert_int_equal(pthread_create(&tb, NULL, rb_run, &b), 0); /* joins */
    while (atomic_load(&sh.by[1]) < RB_N / 20 && now_ms() - t0 < 120000)
        usleep(10000);
    samsa_queue_stop(b.q); /* leaves mid-run */
    pthread_join(tb, NULL);
    t0 = now_ms();
    for (;;) {
        int missing = 0;

        for (i = 0; i < RB_N; i++)
            missing += !atomic_load(&sh.done[i]);
        if (!missing || now_ms() - t0 > 120000)
            break;
        usleep(100000);
    }
    samsa_queue_stop(a.q);
    pthread_join(ta, NULL);
    atomic_store(&sh.stop_monitor, true);
    pthread_join(tm, NULL);
    for (i = 0; i < RB_N; i++)
        if (!atomic_load(&sh.done[i]))
            fail_msg("message %d lost", i);
    fprintf(stderr, "rebalance: %d handled for %d messages (A %d, B %d), %d bad commits\n",
            atomic_load(&sh.total), RB_N, atomic_load(&sh.by[0]), atomic_load(&sh.by[1]),
            atomic_load(&sh.violations));
    assert_true(atomic_load(&sh.by[1]) > 0);
    assert_int_equal(atomic_load(&sh.violations), 0);
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    samsa_queue_destroy(a.q);
    samsa_queue_destroy(b.q);
    free(rb_index);
    rb_index = NULL;
}

/* A new owner skips what the previous one finished above its frontier. */
/* The first owner stops while v0 is still running with v1..v49 done; the
 * next owner (single-message or batch handler) runs only v0. */
static void commit_metadata_run(bool batch)
{
    const char *kv[] = { "queue.workers", "4", "queue.ordering", "none",
                         "queue.commit.metadata", "true", "queue.commit.interval.ms", "100",
                         "queue.shutdown.timeout.ms", "300", "queue.batch.max.messages", "50",
                         NULL };
    const char *kv_a[] = { "queue.workers", "4", "queue.ordering", "none",
                           "queue.commit.metadata", "true", "queue.commit.interval.ms", "100",
                           "queue.shutdown.timeout.ms", "300", NULL };
    char topic[128];
    ctx a, b;
    int i, n = 50;

    bootstrap();
    name_of(topic, sizeof topic, batch ? "metab" : "meta");
    make_topic(topic, 1, n, 5);
    setenv("HQ_SAME_GROUP", "1", 1);
    ctx_init(&a, n);
    a.slow = 0;
    a.slow_us = 3000000; /* v0 is still running when A stops */
    queue_new(&a, topic, kv_a);
    target_ok = n - 1;
    target_dlq = 0;
    run_until(&a, reached, 60000);
    for (i = 1; i < n; i++)
        assert_int_equal(atomic_load(&a.seen[i]), 1);
    samsa_queue_destroy(a.q);

    ctx_init(&b, n);
    b.batch = batch;
    queue_new(&b, topic, batch ? kv : kv_a);
    target_ok = 1;
    run_until(&b, reached, 60000);
    usleep(200000);
    unsetenv("HQ_SAME_GROUP");
    assert_int_equal(atomic_load(&b.seen[0]), 1);
    for (i = 1; i < n; i++)
        if (atomic_load(&b.attempts[i]))
            fail_msg("v%d was done by the first owner but handled again%s", i,
                     batch ? " (batch handler)" : "");
    if (batch)
        assert_true(atomic_load(&b.batches) >= 1);
    samsa_queue_destroy(b.q);
    ctx_free(&a);
    ctx_free(&b);
}

static void test_commit_metadata(void **state)
{
    (void)state;
    commit_metadata_run(false);
}

static void test_commit_metadata_batch(void **state)
{
    (void)state;
    commit_metadata_run(true);
}

/* queue.on.exhausted=block keeps the lane blocked (visible in the stats)
 * while other partitions flow; =stop ends run() with SAMSA_ERR_STOPPED and
 * a message naming the failed offset. */
static void test_exhausted_block_stop(void **state)
{
    const char *kv_block[] = { "queue.workers", "2", "queue.on.exhausted", "block",
                               "queue.retry.initial.delay.ms", "300",
                               "queue.retry.max.delay.ms", "300",
                               "queue.retry.jitter", "0", NULL };
    const char *kv_stop[] = { "queue.workers", "2", "queue.on.exhausted", "stop",
                              "queue.retry.max.attempts", "2",
                              "queue.retry.initial.delay.ms", "10", NULL };
    char topic[128];
    samsa_queue_stats st;
    pthread_t th;
    ctx x;
    int i, n = 60;
    int64_t t0;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "exh");
    make_topic(topic, 2, n, 6);

    ctx_init(&x, n);
    x.poison = 10;
    queue_new(&x, topic, kv_block);
    assert_int_equal(pthread_create(&th, NULL, run_thread, &x), 0);
    t0 = now_ms();
    do {
        usleep(50000);
        samsa_queue_stats_get(x.q, &st, NULL, 0);
    } while ((atomic_load(&x.attempts[10]) < 4 || st.blocked_lanes == 0) &&
             now_ms() - t0 < 30000);
    samsa_queue_stop(x.q);
    pthread_join(th, NULL);
    assert_int_equal(x.run_result, 0);
    assert_true(atomic_load(&x.attempts[10]) >= 4); /* still retrying */
    assert_true(st.blocked_lanes >= 1);
    assert_int_equal(st.dead_lettered, 0);
    assert_int_equal(atomic_load(&x.seen[10]), 0);
    samsa_queue_destroy(x.q);
    ctx_free(&x);

    ctx_init(&x, n);
    x.poison = 10;
    queue_new(&x, topic, kv_stop);
    assert_int_equal(pthread_create(&th, NULL, run_thread, &x), 0);
    t0 = now_ms();
    pthread_join(th, NULL); /* stops by itself */
    assert_int_equal(x.run_result, SAMSA_ERR_STOPPED);
    assert_non_null(strstr(samsa_queue_errstr(x.q), "poison pill"));
    assert_non_null(strstr(samsa_queue_errstr(x.q), "queue.on.exhausted=stop"));
    assert_non_null(strstr(samsa_queue_errstr(x.q), topic));
    assert_int_equal(atomic_load(&x.attempts[10]), 1); /* FAIL: no retries */
    samsa_queue_destroy(x.q);
    for (i = 0; i < n; i++)
        assert_true(atomic_load(&x.seen[i]) <= 1);
    ctx_free(&x);
}

/* A result that comes back after its partition was revoked (past
 * queue.revoke.timeout.ms) is dropped and counted, and the message is
 * processed again by the partition's next owner: nothing lost. */
static void test_late_result_dropped(void **state)
{
    const char *kv_a[] = { "queue.workers", "2", "queue.revoke.timeout.ms", "200", NULL };
    const char *kv_b[] = { "queue.workers", "2", NULL };
    char topic[128];
    samsa_queue_stats st;
    pthread_t ta, tb;
    ctx a, b;
    int i, n = 20;
    int64_t t0;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "late");
    make_topic(topic, 1, n, 1);
    setenv("HQ_SAME_GROUP", "1", 1);
    ctx_init(&a, n);
    a.slow = 0;
    a.slow_us = 4000000;
    queue_new(&a, topic, kv_a);
    ctx_init(&b, n);
    queue_new(&b, topic, kv_b);
    unsetenv("HQ_SAME_GROUP");
    assert_int_equal(pthread_create(&ta, NULL, run_thread, &a), 0);
    t0 = now_ms();
    while (atomic_load(&a.attempts[0]) == 0 && now_ms() - t0 < 30000)
        usleep(10000);
    assert_int_equal(atomic_load(&a.attempts[0]), 1); /* A is inside v0 */
    assert_int_equal(pthread_create(&tb, NULL, run_thread, &b), 0); /* rebalance */
    t0 = now_ms();
    for (;;) {
        int missing = 0;

        for (i = 0; i < n; i++)
            missing += atomic_load(&a.seen[i]) + atomic_load(&b.seen[i]) == 0;
        samsa_queue_stats_get(a.q, &st, NULL, 0);
        if ((!missing && st.dropped_late >= 1) || now_ms() - t0 > 60000)
            break;
        usleep(50000);
    }
    samsa_queue_stop(a.q);
    samsa_queue_stop(b.q);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    samsa_queue_stats_get(a.q, &st, NULL, 0);
    assert_true(st.dropped_late >= 1);
    for (i = 0; i < n; i++)
        if (atomic_load(&a.seen[i]) + atomic_load(&b.seen[i]) == 0)
            fail_msg("v%d lost", i);
    /* v0 ran to its end once on A (dropped) and again on its next owner */
    assert_true(atomic_load(&a.attempts[0]) + atomic_load(&b.attempts[0]) >= 2);
    samsa_queue_destroy(a.q);
    samsa_queue_destroy(b.q);
    ctx_free(&a);
    ctx_free(&b);
}

/* A slow handler in partition order: a worker's turn over a long chain
 * ends after SQ_CHAIN_MS, so what ran completes and is committed while
 * the rest of the chain is still to come (one fetch brings all 600
 * messages of the partition: without the bound they are one chain, and
 * nothing is committed before the last of them ran). */
static void test_slow_chain_commits(void **state)
{
    const char *kv[] = { "queue.workers", "1", "queue.commit.threshold", "10", NULL };
    char topic[128];
    samsa_queue_partition_stats ps[2];
    samsa_queue_stats st;
    pthread_t th;
    ctx x;
    int n = 600, ok_at = -1;
    int64_t t0;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "slowchain");
    make_topic(topic, 1, n, 1);
    ctx_init(&x, n);
    x.sleep_us = 3000; /* the whole chain: 1.8 s or more */
    queue_new(&x, topic, kv);
    assert_int_equal(pthread_create(&th, NULL, run_thread, &x), 0);
    t0 = now_ms();
    while (now_ms() - t0 < 60000 && atomic_load(&x.ok_total) < n) {
        int ok = atomic_load(&x.ok_total);

        samsa_queue_stats_get(x.q, &st, ps, 2);
        if (st.npartitions == 1 && ps[0].committed > 0) {
            ok_at = ok;
            break;
        }
        usleep(10000);
    }
    samsa_queue_stop(x.q);
    pthread_join(th, NULL);
    assert_int_equal(x.run_result, 0);
    if (ok_at < 0)
        fail_msg("nothing committed while %d of %d messages ran", atomic_load(&x.ok_total), n);
    /* committed with at least 100 of the chain still to run */
    assert_true(ok_at <= n - 100);
    /* and never past what ran */
    samsa_queue_stats_get(x.q, &st, ps, 2);
    assert_true(ps[0].committed <= atomic_load(&x.ok_total));
    assert_int_equal(atomic_load(&x.order_errors), 0);
    samsa_queue_destroy(x.q);
    ctx_free(&x);
}

/* ---- batch handler, outputs, tracing ---- */

#define PL_N 200

typedef struct pl_ctx {
    const char *out_topic;
    _Atomic int seen;
    _Atomic int batches;
    _Atomic int max_batch;
} pl_ctx;

static samsa_queue_result pl_batch(void *opaque, samsa_queue_job *job)
{
    pl_ctx *x = opaque;
    size_t i, n = samsa_queue_job_count(job);
    int cur = atomic_load(&x->max_batch);

    atomic_fetch_add(&x->batches, 1);
    while ((int)n > cur && !atomic_compare_exchange_weak(&x->max_batch, &cur, (int)n))
        ;
    for (i = 0; i < n; i++) {
        const samsa_message *m = samsa_queue_job_message(job, i);
        int idx = value_index(m);

        if (i > 0)
            assert_true(m->offset > samsa_queue_job_message(job, i - 1)->offset);
        if (idx == 7) {
            samsa_queue_job_set_result(job, i, SAMSA_QUEUE_FAIL);
            continue;
        }
        atomic_fetch_add(&x->seen, 1);
    }
    if (n > 0) {
        samsa_record out;

        memset(&out, 0, sizeof out);
        out.topic = x->out_topic;
        out.partition = SAMSA_PARTITION_ANY;
        out.value = "derived";
        out.value_len = 7;
        out.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        assert_int_equal(samsa_queue_job_produce(job, &out), 0);
        assert_int_equal(samsa_queue_job_add_header(job, "stage", "2", 1), 0);
    }
    return SAMSA_QUEUE_OK;
}

static bool trace_of(const samsa_message *m, char *trace_id)
{
    const void *v;
    size_t len;

    if (samsa_message_header_find(m, "traceparent", &v, &len) != 0 || len != 55)
        return false;
    memcpy(trace_id, (const char *)v + 3, 32);
    trace_id[32] = '\0';
    return true;
}

static void test_batch_pipeline_tracing(void **state)
{
    static const char tp[] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    char topic[128], out_topic[160], dlq[160], group[200], err[256], tid[33];
    samsa_client *c;
    samsa_queue_conf *qc;
    samsa_queue_middleware mw;
    samsa_message *ms[PL_N + 8];
    pl_ctx x;
    pthread_t th;
    ctx dummy;
    int i, got, outputs = 0;
    int64_t t0;
    (void)state;

    bootstrap();
    name_of(topic, sizeof topic, "pipe");
    snprintf(out_topic, sizeof out_topic, "%s-out", topic);
    snprintf(dlq, sizeof dlq, "%s.dlq", topic);
    snprintf(group, sizeof group, "%s-g", topic);
    c = plain_client();
    assert_int_equal(samsa_create_topic(c, topic, 1, 1, NULL, 0, 15000), 0);
    assert_int_equal(samsa_create_topic(c, out_topic, 1, 1, NULL, 0, 15000), 0);
    for (i = 0; i < PL_N; i++) {
        samsa_header h = { "traceparent", tp, 55 };
        char v[16];
        samsa_record r;

        memset(&r, 0, sizeof r);
        snprintf(v, sizeof v, "v%d", i);
        r.topic = topic;
        r.partition = 0;
        r.value = v;
        r.value_len = strlen(v);
        r.headers = &h;
        r.nheaders = 1;
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        assert_int_equal(samsa_produce(c, &r, NULL, 10000), 0);
    }
    assert_int_equal(samsa_flush(c, 30000), 0);
    samsa_client_destroy(c);

    memset(&x, 0, sizeof x);
    x.out_topic = out_topic;
    qc = samsa_queue_conf_new(NULL);
    assert_int_equal(samsa_queue_conf_set(qc, "bootstrap.servers", bootstrap(), err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "group.id", group, err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "auto.offset.reset", "earliest", err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "queue.batch.max.messages", "50", err, sizeof err), 0);
    memset(&dummy, 0, sizeof dummy);
    dummy.q = samsa_queue_new(qc, NULL, pl_batch, &x, err, sizeof err);
    assert_non_null(dummy.q);
    samsa_queue_conf_destroy(qc);
    mw = samsa_queue_mw_tracing(dummy.q);
    assert_int_equal(samsa_queue_use(dummy.q, &mw), 0);
    mw = samsa_queue_mw_timing(dummy.q);
    assert_int_equal(samsa_queue_use(dummy.q, &mw), 0);
    {
        const char *t = topic;

        assert_int_equal(samsa_queue_subscribe(dummy.q, &t, 1), 0);
    }
    assert_int_equal(pthread_create(&th, NULL, run_thread, &dummy), 0);
    t0 = now_ms();
    for (;;) {
        samsa_queue_stats st;

        samsa_queue_stats_get(dummy.q, &st, NULL, 0);
        if ((st.processed >= PL_N - 1 && st.dead_lettered == 1) || now_ms() - t0 > 60000)
            break;
        usleep(20000);
    }
    samsa_queue_stop(dummy.q);
    pthread_join(th, NULL);
    assert_int_equal(dummy.run_result, 0);
    {
        samsa_queue_stats st;

        assert_int_equal(samsa_queue_stats_get(dummy.q, &st, NULL, 0), 0);
        assert_int_equal(st.dead_lettered, 1);
        assert_int_equal(st.processed, PL_N - 1);
        assert_true(st.handler_us_total > 0);
    }
    samsa_queue_destroy(dummy.q);
    assert_true(atomic_load(&x.max_batch) > 1); /* batches happened */
    assert_true(atomic_load(&x.max_batch) <= 50);

    /* the DLQ copy of v7 keeps the trace id, with a new parent span */
    got = read_topic(dlq, 1, ms, 2, 5000, &c);
    assert_int_equal(got, 1);
    assert_memory_equal(ms[0]->value, "v7", 2);
    assert_true(trace_of(ms[0], tid));
    assert_string_equal(tid, "0af7651916cd43dd8448eb211c80319c");
    assert_false(header_is(ms[0], "traceparent", tp));
    assert_true(header_is(ms[0], "stage", "2"));
    samsa_message_release(ms[0]);
    samsa_client_destroy(c);

    /* outputs: produced for batches whose messages were all OK, traced */
    got = read_topic(out_topic, 1, ms, PL_N + 8, 3000, &c);
    for (i = 0; i < got; i++) {
        assert_true(trace_of(ms[i], tid));
        assert_string_equal(tid, "0af7651916cd43dd8448eb211c80319c");
        assert_true(header_is(ms[i], "stage", "2"));
        outputs++;
        samsa_message_release(ms[i]);
    }
    samsa_client_destroy(c);
    assert_true(outputs >= 1);
    fprintf(stderr, "pipeline: %d batches (max %d), %d outputs\n", atomic_load(&x.batches),
            atomic_load(&x.max_batch), outputs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poison_pill),
        cmocka_unit_test(test_transient),
        cmocka_unit_test(test_retry_topics),
        cmocka_unit_test(test_key_scaling),
        cmocka_unit_test(test_key_order),
        cmocka_unit_test(test_rebalance),
        cmocka_unit_test(test_batch_pipeline_tracing),
        cmocka_unit_test(test_commit_metadata),
        cmocka_unit_test(test_commit_metadata_batch),
        cmocka_unit_test(test_exhausted_block_stop),
        cmocka_unit_test(test_late_result_dropped),
        cmocka_unit_test(test_slow_chain_commits),
    };

    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
