/*
 * test/support/queue_test.c - shared setup of the queue layer's
 * integration tests; see queue_test.h.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_client.h"
#include "queue_test.h"

const char *qt_bootstrap(void)
{
    return st_require_env("SAMSA_TEST_BOOTSTRAP");
}

/* the queue's retry due times are wall-clock ms (they travel in headers),
 * so the handler's call times are measured on the same clock */
int64_t qt_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void qt_name_of(char *buf, size_t len, const char *what)
{
    st_unique_name(buf, len, "hqueue", what);
}

static void log_cb(void *opaque, int level, const char *ctx, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "log %d %s: %s\n", level, ctx, msg);
}

samsa_client *qt_plain_client(void)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256];

    assert_non_null(cf);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", qt_bootstrap(), err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "linger.ms", "5", err, sizeof err), 0);
    c = samsa_client_new(cf, err, sizeof err);
    if (!c)
        fail_msg("client: %s", err);
    samsa_conf_destroy(cf);
    return c;
}

/* Create topic with nparts and write n messages: key "k<i % nkeys>",
 * value "v<i>", header h1=v1. */
void qt_make_topic(const char *topic, int nparts, int n, int nkeys)
{
    samsa_client *c = qt_plain_client();
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

int qt_value_index(const samsa_message *m)
{
    char buf[32];

    if (!m->value || m->value_len == 0 || m->value_len >= sizeof buf)
        return -1;
    memcpy(buf, m->value, m->value_len);
    buf[m->value_len] = '\0';
    return buf[0] == 'v' ? atoi(buf + 1) : -1;
}


void qt_ctx_init(qt_ctx *x, int n)
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

void qt_ctx_free(qt_ctx *x)
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
    qt_ctx *x = opaque;
    const samsa_message *m = samsa_queue_job_message(job, 0);
    int i = qt_value_index(m);
    int a;

    assert_int_equal(samsa_queue_job_count(job), 1);
    if (i < 0 || i >= x->n)
        return SAMSA_QUEUE_FAIL;
    a = atomic_fetch_add(&x->attempts[i], 1) + 1;
    if ((uint32_t)a != samsa_queue_job_attempt(job, 0) && i != x->always_retry)
        atomic_fetch_add(&x->order_errors, 1000000); /* attempt count wrong */
    if (a == 1)
        atomic_store(&x->first_ms[i], qt_wall_ms());
    atomic_store(&x->last_ms[i], qt_wall_ms());
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
    qt_ctx *x = opaque;
    size_t k, n = samsa_queue_job_count(job);

    atomic_fetch_add(&x->batches, 1);
    for (k = 0; k < n; k++) {
        int i = qt_value_index(samsa_queue_job_message(job, k));

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
    qt_ctx *x = opaque;

    (void)ev;
    atomic_fetch_add(&x->dlq_events, 1);
}

static void on_internal(void *opaque, int err, const char *msg)
{
    qt_ctx *x = opaque;

    atomic_fetch_add(&x->internal_errors, 1);
    if (getenv("HQ_DEBUG") || err != SAMSA_ERR_NOT_SUPPORTED)
        fprintf(stderr, "queue internal error %s: %s\n", samsa_err_name(err), msg);
}

samsa_queue *qt_queue_new(qt_ctx *x, const char *topic, const char *const *kv)
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
    assert_int_equal(samsa_queue_conf_set(qc, "bootstrap.servers", qt_bootstrap(), err, sizeof err), 0);
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

void *qt_run_thread(void *arg)
{
    qt_ctx *x = arg;

    x->run_result = samsa_queue_run(x->q);
    return NULL;
}

/* Run until cond(x) holds or timeout; stop; join. Returns elapsed ms. */
int64_t qt_run_until(qt_ctx *x, bool (*cond)(qt_ctx *), int timeout_ms)
{
    pthread_t th;
    int64_t t0 = st_now_ms(), el;

    assert_int_equal(pthread_create(&th, NULL, qt_run_thread, x), 0);
    while (!cond(x) && st_now_ms() - t0 < timeout_ms) {
        usleep(20000);
        if (getenv("HQ_DEBUG") && (st_now_ms() - t0) % 1000 < 20) {
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
    el = st_now_ms() - t0;
    samsa_queue_stop(x->q);
    pthread_join(th, NULL);
    if (x->run_result)
        fail_msg("run: %s: %s", samsa_err_name(x->run_result), samsa_queue_errstr(x->q));
    return el;
}

int qt_target_ok;
int qt_target_dlq;

bool qt_reached(qt_ctx *x)
{
    return atomic_load(&x->ok_total) >= qt_target_ok && atomic_load(&x->dlq_events) >= qt_target_dlq;
}

/* Read up to max messages from every partition of topic (from the start). */
int qt_read_topic(const char *topic, int nparts, samsa_message **out, int max,
                  int timeout_ms, samsa_client **cout)
{
    samsa_client *c = qt_plain_client();
    samsa_topic_partition tps[16];
    int i, got = 0;
    int64_t t0 = st_now_ms();

    memset(tps, 0, sizeof tps);
    for (i = 0; i < nparts; i++) {
        tps[i].topic = topic;
        tps[i].partition = i;
        tps[i].offset = SAMSA_OFFSET_BEGINNING;
        tps[i].leader_epoch = -1;
    }
    assert_int_equal(samsa_assign(c, tps, (size_t)nparts), 0);
    while (got < max && st_now_ms() - t0 < timeout_ms) {
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

bool qt_header_is(const samsa_message *m, const char *name, const char *want)
{
    const void *v;
    size_t len;

    if (samsa_message_header_find(m, name, &v, &len) != 0)
        return false;
    return len == strlen(want) && !memcmp(v, want, len);
}
