/*
 * The queue layer against the real broker, delivery: a poison pill lands
 * alone in the DLQ with the right headers and the original bytes while
 * every other message is processed once; a transient failure is retried
 * in place and succeeds; retry topics 1s,2s delay a failing message by at
 * least their levels and then dead-letter it without delaying the others;
 * key order holds with 8 workers over 1,000 keys and 100,000 messages, and
 * a 1 ms handler scales with workers (speedup printed); a batch handler's
 * outputs and the tracing middleware carry traceparent through a
 * consume-process-produce pipeline. Life-cycle tests (rebalance, commit
 * metadata, block/stop, late results, slow chains) are in
 * test_queue_lifecycle.c.
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

/* ---- tests ---- */

static void test_poison_pill(void **state)
{
    const char *kv[] = { "queue.workers", "4", NULL };
    char topic[128], dlq[160], want[32];
    samsa_message *dm[4];
    samsa_client *rc;
    samsa_queue_stats st;
    qt_ctx x;
    int i, n = 300, got;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "poison");
    qt_make_topic(topic, 3, n, 10);
    qt_ctx_init(&x, n);
    x.poison = 137;
    qt_queue_new(&x, topic, kv);
    qt_target_ok = n - 1;
    qt_target_dlq = 1;
    qt_run_until(&x, qt_reached, 60000);
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
    got = qt_read_topic(dlq, 3, dm, 2, 5000, &rc);
    assert_int_equal(got, 1);
    assert_int_equal(dm[0]->value_len, 4);
    assert_memory_equal(dm[0]->value, "v137", 4);
    assert_int_equal(dm[0]->key_len, 2);
    assert_memory_equal(dm[0]->key, "k7", 2);
    assert_true(qt_header_is(dm[0], "h1", "v1"));
    assert_true(qt_header_is(dm[0], "dlq-error", "poison pill"));
    assert_true(qt_header_is(dm[0], "dlq-attempts", "1"));
    assert_true(qt_header_is(dm[0], "dlq-original-topic", topic));
    assert_true(qt_header_is(dm[0], "dlq-original-partition", "0") ||
                qt_header_is(dm[0], "dlq-original-partition", "1") ||
                qt_header_is(dm[0], "dlq-original-partition", "2"));
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
    qt_ctx_free(&x);
}

static void test_transient(void **state)
{
    const char *kv[] = { "queue.workers", "2", "queue.retry.initial.delay.ms", "50", NULL };
    char topic[128];
    samsa_queue_stats st;
    qt_ctx x;
    int i, n = 50;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "transient");
    qt_make_topic(topic, 1, n, 5);
    qt_ctx_init(&x, n);
    x.transient = 5;
    qt_queue_new(&x, topic, kv);
    qt_target_ok = n;
    qt_target_dlq = 0;
    qt_run_until(&x, qt_reached, 60000);
    for (i = 0; i < n; i++)
        assert_int_equal(atomic_load(&x.seen[i]), 1);
    assert_int_equal(atomic_load(&x.attempts[5]), 3);
    assert_int_equal(atomic_load(&x.order_errors), 0);
    assert_int_equal(samsa_queue_stats_get(x.q, &st, NULL, 0), 0);
    assert_int_equal(st.retried, 2);
    assert_int_equal(st.dead_lettered, 0);
    assert_int_equal(st.processed, (uint64_t)n);
    samsa_queue_destroy(x.q);
    qt_ctx_free(&x);
}

static void test_retry_topics(void **state)
{
    const char *kv[] = { "queue.workers", "4", "queue.retry.topics", "1s,2s", NULL };
    char topic[128], dlq[160];
    samsa_message *dm[2];
    samsa_client *rc;
    qt_ctx x;
    int i, n = 40, got;
    int64_t t_first, t_last, others_done = 0;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "rtopics");
    qt_make_topic(topic, 2, n, 4);
    qt_ctx_init(&x, n);
    x.always_retry = 3;
    qt_queue_new(&x, topic, kv);
    qt_target_ok = n - 1;
    qt_target_dlq = 1;
    qt_run_until(&x, qt_reached, 90000);
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
    got = qt_read_topic(dlq, 2, dm, 2, 5000, &rc);
    assert_int_equal(got, 1);
    assert_memory_equal(dm[0]->value, "v3", 2);
    assert_true(qt_header_is(dm[0], "dlq-attempts", "3"));
    assert_true(qt_header_is(dm[0], "dlq-error", "still failing"));
    assert_true(qt_header_is(dm[0], "dlq-original-topic", topic));
    assert_true(qt_header_is(dm[0], "h1", "v1"));
    samsa_message_release(dm[0]);
    samsa_client_destroy(rc);
    qt_ctx_free(&x);
}

static void key_order_run(const char *topic, int n, int nkeys, int nparts, const char *workers,
                          int sleep_us, int64_t *elapsed)
{
    const char *kv[] = { "queue.workers", workers, "queue.ordering", "key", NULL };
    char group_topic[128];
    qt_ctx x;
    int i;

    qt_ctx_init(&x, n);
    x.nkeys = nkeys;
    x.nparts = nparts;
    x.sleep_us = sleep_us;
    x.last_off = malloc((size_t)nkeys * (size_t)nparts * sizeof *x.last_off);
    assert_non_null(x.last_off);
    for (i = 0; i < nkeys * nparts; i++)
        x.last_off[i] = -1;
    snprintf(group_topic, sizeof group_topic, "%s", topic);
    qt_queue_new(&x, group_topic, kv);
    qt_target_ok = n;
    qt_target_dlq = 0;
    *elapsed = qt_run_until(&x, qt_reached, 600000);
    for (i = 0; i < n; i++)
        if (atomic_load(&x.seen[i]) != 1)
            fail_msg("message %d processed %d times", i, atomic_load(&x.seen[i]));
    assert_int_equal(x.order_errors, 0);
    assert_int_equal(atomic_load(&x.internal_errors), 0);
    samsa_queue_destroy(x.q);
    qt_ctx_free(&x);
}

static void test_key_order(void **state)
{
    char topic[128];
    int64_t el;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "keys");
    qt_make_topic(topic, 4, 100000, 1000);
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

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "scale");
    qt_make_topic(topic, 4, n, 1000);
    key_order_run(topic, n, 1000, 4, "1", 1000, &el1);
    key_order_run(topic, n, 1000, 4, "8", 1000, &el8);
    fprintf(stderr, "queue 1 ms handler, %d messages: 1 worker %lld ms, 8 workers %lld ms, "
            "speedup %.2fx\n", n, (long long)el1, (long long)el8, (double)el1 / (double)el8);
    assert_true(el8 * 2 < el1);
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
        int idx = qt_value_index(m);

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
    qt_ctx dummy;
    int i, got, outputs = 0;
    int64_t t0;
    (void)state;

    qt_bootstrap();
    qt_name_of(topic, sizeof topic, "pipe");
    snprintf(out_topic, sizeof out_topic, "%s-out", topic);
    snprintf(dlq, sizeof dlq, "%s.dlq", topic);
    snprintf(group, sizeof group, "%s-g", topic);
    c = qt_plain_client();
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
    assert_int_equal(samsa_queue_conf_set(qc, "bootstrap.servers", qt_bootstrap(), err, sizeof err), 0);
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
    assert_int_equal(pthread_create(&th, NULL, qt_run_thread, &dummy), 0);
    t0 = st_now_ms();
    for (;;) {
        samsa_queue_stats st;

        samsa_queue_stats_get(dummy.q, &st, NULL, 0);
        if ((st.processed >= PL_N - 1 && st.dead_lettered == 1) || st_now_ms() - t0 > 60000)
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
    got = qt_read_topic(dlq, 1, ms, 2, 5000, &c);
    assert_int_equal(got, 1);
    assert_memory_equal(ms[0]->value, "v7", 2);
    assert_true(trace_of(ms[0], tid));
    assert_string_equal(tid, "0af7651916cd43dd8448eb211c80319c");
    assert_false(qt_header_is(ms[0], "traceparent", tp));
    assert_true(qt_header_is(ms[0], "stage", "2"));
    samsa_message_release(ms[0]);
    samsa_client_destroy(c);

    /* outputs: produced for batches whose messages were all OK, traced */
    got = qt_read_topic(out_topic, 1, ms, PL_N + 8, 3000, &c);
    for (i = 0; i < got; i++) {
        assert_true(trace_of(ms[i], tid));
        assert_string_equal(tid, "0af7651916cd43dd8448eb211c80319c");
        assert_true(qt_header_is(ms[i], "stage", "2"));
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
        cmocka_unit_test(test_batch_pipeline_tracing),
    };

    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
