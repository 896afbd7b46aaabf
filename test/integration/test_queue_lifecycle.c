/*
 * The queue layer against the real broker, life cycle: a second queue
 * consumer joins and leaves mid-run (nothing lost, nothing committed for
 * work not done); commit metadata lets a new owner skip work done above
 * the frontier (single-message and batch handler); queue.on.exhausted
 * block and stop; a late result for a revoked partition is dropped and
 * counted; a slow handler's chain completes and commits piece by piece.
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
#include "queue_test.h"

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
    int i = qt_value_index(samsa_queue_job_message(job, 0));

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

    assert_int_equal(samsa_queue_conf_set(qc, "bootstrap.servers", qt_bootstrap(), err, sizeof err), 0);
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

/* Value index of the message at (partition, offset): qt_make_topic writes
 * round-robin by key hash, so read the mapping back once. */
static int32_t *rb_index;

static void rb_map(rb_shared *sh)
{
    samsa_message *ms[1];
    samsa_client *c = qt_plain_client();
    samsa_topic_partition tps[RB_PARTS];
    int p, got = 0;
    int64_t t0 = st_now_ms();

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
    while (got < RB_N && st_now_ms() - t0 < 60000) {
        ms[0] = samsa_consume(c, 200);
        if (!ms[0])
            continue;
        if (!ms[0]->err && ms[0]->offset < RB_N) {
            rb_index[ms[0]->partition * RB_N + ms[0]->offset] = qt_value_index(ms[0]);
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

    samsa_conf_set(cf, "bootstrap.servers", qt_bootstrap(), err, sizeof err);
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

    qt_bootstrap();
    memset(&sh, 0, sizeof sh);
    qt_name_of(sh.topic, sizeof sh.topic, "rebal");
    snprintf(sh.group, sizeof sh.group, "%s-g", sh.topic);
    qt_make_topic(sh.topic, RB_PARTS, RB_N, 97);
    rb_map(&sh);
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.sh = b.sh = &sh;
    b.id = 1;
    rb_queue(&a);
    rb_queue(&b);
    assert_int_equal(pthread_create(&tm, NULL, rb_monitor, &sh), 0);
    assert_int_equal(pthread_create(&ta, NULL, rb_run, &a), 0);
    t0 = st_now_ms();
    while (atomic_load(&sh.total) < RB_N / 5 && st_now_ms() - t0 < 60000)
        usleep(10000);
    assert_int_equal(pthread_create(&tb, NULL, rb_run, &b), 0); /* joins */
    while (atomic_load(&sh.by[1]) < RB_N / 20 && st_now_ms() - t0 < 120000)
        usleep(10000);
    samsa_queue_stop(b.q); /* leaves mid-run */
    pthread_join(tb, NULL);
    t0 = st_now_ms();
    for (;;) {
        int missing = 0;

        for (i = 0; i < RB_N; i++)
            missing += !atomic_load(&sh.done[i]);
        if (!missing || st_now_ms() - t0 > 120000)
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
    qt_ctx a, b;
    int i, n = 50;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, batch ? "metab" : "meta");
    qt_make_topic(topic, 1, n, 5);
    setenv("HQ_SAME_GROUP", "1", 1);
    qt_ctx_init(&a, n);
    a.slow = 0;
    a.slow_us = 3000000; /* v0 is still running when A stops */
    qt_queue_new(&a, topic, kv_a);
    qt_target_ok = n - 1;
    qt_target_dlq = 0;
    qt_run_until(&a, qt_reached, 60000);
    for (i = 1; i < n; i++)
        assert_int_equal(atomic_load(&a.seen[i]), 1);
    samsa_queue_destroy(a.q);

    qt_ctx_init(&b, n);
    b.batch = batch;
    qt_queue_new(&b, topic, batch ? kv : kv_a);
    qt_target_ok = 1;
    qt_run_until(&b, qt_reached, 60000);
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
    qt_ctx_free(&a);
    qt_ctx_free(&b);
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
    qt_ctx x;
    int i, n = 60;
    int64_t t0;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "exh");
    qt_make_topic(topic, 2, n, 6);

    qt_ctx_init(&x, n);
    x.poison = 10;
    qt_queue_new(&x, topic, kv_block);
    assert_int_equal(pthread_create(&th, NULL, qt_run_thread, &x), 0);
    t0 = st_now_ms();
    do {
        usleep(50000);
        samsa_queue_stats_get(x.q, &st, NULL, 0);
    } while ((atomic_load(&x.attempts[10]) < 4 || st.blocked_lanes == 0) &&
             st_now_ms() - t0 < 30000);
    samsa_queue_stop(x.q);
    pthread_join(th, NULL);
    assert_int_equal(x.run_result, 0);
    assert_true(atomic_load(&x.attempts[10]) >= 4); /* still retrying */
    assert_true(st.blocked_lanes >= 1);
    assert_int_equal(st.dead_lettered, 0);
    assert_int_equal(atomic_load(&x.seen[10]), 0);
    samsa_queue_destroy(x.q);
    qt_ctx_free(&x);

    qt_ctx_init(&x, n);
    x.poison = 10;
    qt_queue_new(&x, topic, kv_stop);
    assert_int_equal(pthread_create(&th, NULL, qt_run_thread, &x), 0);
    t0 = st_now_ms();
    pthread_join(th, NULL); /* stops by itself */
    assert_int_equal(x.run_result, SAMSA_ERR_STOPPED);
    assert_non_null(strstr(samsa_queue_errstr(x.q), "poison pill"));
    assert_non_null(strstr(samsa_queue_errstr(x.q), "queue.on.exhausted=stop"));
    assert_non_null(strstr(samsa_queue_errstr(x.q), topic));
    assert_int_equal(atomic_load(&x.attempts[10]), 1); /* FAIL: no retries */
    samsa_queue_destroy(x.q);
    for (i = 0; i < n; i++)
        assert_true(atomic_load(&x.seen[i]) <= 1);
    qt_ctx_free(&x);
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
    qt_ctx a, b;
    int i, n = 20;
    int64_t t0;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "late");
    qt_make_topic(topic, 1, n, 1);
    setenv("HQ_SAME_GROUP", "1", 1);
    qt_ctx_init(&a, n);
    a.slow = 0;
    a.slow_us = 4000000;
    qt_queue_new(&a, topic, kv_a);
    qt_ctx_init(&b, n);
    qt_queue_new(&b, topic, kv_b);
    unsetenv("HQ_SAME_GROUP");
    assert_int_equal(pthread_create(&ta, NULL, qt_run_thread, &a), 0);
    t0 = st_now_ms();
    while (atomic_load(&a.attempts[0]) == 0 && st_now_ms() - t0 < 30000)
        usleep(10000);
    assert_int_equal(atomic_load(&a.attempts[0]), 1); /* A is inside v0 */
    assert_int_equal(pthread_create(&tb, NULL, qt_run_thread, &b), 0); /* rebalance */
    t0 = st_now_ms();
    for (;;) {
        int missing = 0;

        for (i = 0; i < n; i++)
            missing += atomic_load(&a.seen[i]) + atomic_load(&b.seen[i]) == 0;
        samsa_queue_stats_get(a.q, &st, NULL, 0);
        if ((!missing && st.dropped_late >= 1) || st_now_ms() - t0 > 60000)
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
    qt_ctx_free(&a);
    qt_ctx_free(&b);
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
    qt_ctx x;
    int n = 600, ok_at = -1;
    int64_t t0;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "slowchain");
    qt_make_topic(topic, 1, n, 1);
    qt_ctx_init(&x, n);
    x.sleep_us = 3000; /* the whole chain: 1.8 s or more */
    qt_queue_new(&x, topic, kv);
    assert_int_equal(pthread_create(&th, NULL, qt_run_thread, &x), 0);
    t0 = st_now_ms();
    while (st_now_ms() - t0 < 60000 && atomic_load(&x.ok_total) < n) {
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
    qt_ctx_free(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rebalance),
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
