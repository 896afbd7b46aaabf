/*
 * Consumer group offsets against the real broker: explicit commits with
 * metadata read back with samsa_committed() and used by samsa_assign()
 * with SAMSA_OFFSET_STORED; async commits complete in order;
 * enable.auto.commit commits what consume returned, every interval and at
 * close. Shared setup: test/support/cgrp_test.h.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "cgrp_test.h"

/* Explicit commits with metadata, read back with samsa_committed, and a
 * group consumer starting from them. */
static void test_commit_explicit(void **state)
{
    char topic[128], group[128];
    samsa_client *admin, *c;
    samsa_topic_partition tp[2];
    const char *kv[6];

    (void)state;
    cgt_bootstrap();
    admin = cgt_make_topic(topic, sizeof topic, "commit");
    cgt_name_of(group, sizeof group, "commit");
    cgt_kv(kv, sizeof kv / sizeof *kv, group, NULL, NULL);
    c = cgt_client_new(kv, NULL);
    memset(tp, 0, sizeof tp);
    tp[0].topic = topic;
    tp[0].partition = 1;
    tp[0].offset = 42;
    tp[0].leader_epoch = -1;
    tp[0].metadata = "hgroup-meta";
    tp[1].topic = topic;
    tp[1].partition = 4;
    tp[1].offset = 7;
    tp[1].leader_epoch = -1;
    assert_int_equal(samsa_commit_sync(c, tp, 2, 10000), 0);
    assert_int_equal(tp[0].err, 0);
    memset(tp, 0, sizeof tp);
    tp[0].topic = topic;
    tp[0].partition = 1;
    tp[1].topic = topic;
    tp[1].partition = 2;
    assert_int_equal(samsa_committed(c, tp, 2, 10000), 0);
    assert_int_equal(tp[0].offset, 42);
    assert_non_null(tp[0].metadata);
    assert_string_equal(tp[0].metadata, "hgroup-meta");
    assert_int_equal(tp[1].offset, SAMSA_OFFSET_INVALID);
    samsa_client_destroy(c);

    /* assign with SAMSA_OFFSET_STORED starts at the committed offset */
    {
        samsa_client *a = cgt_client_new(kv, NULL);
        samsa_message *m = NULL;
        int64_t t0 = st_now_ms();
        int i;

        for (i = 0; i < 50; i++) {
            samsa_record r;
            char v[16];

            memset(&r, 0, sizeof r);
            r.timestamp_ms = SAMSA_TIMESTAMP_NOW; /* see cgt_produce() */
            snprintf(v, sizeof v, "m%d", i);
            r.topic = topic;
            r.partition = 1;
            r.value = v;
            r.value_len = strlen(v);
            assert_int_equal(samsa_produce(admin, &r, NULL, 10000), 0);
        }
        assert_int_equal(samsa_flush(admin, 30000), 0);
        memset(tp, 0, sizeof tp);
        tp[0].topic = topic;
        tp[0].partition = 1;
        tp[0].offset = SAMSA_OFFSET_STORED;
        tp[0].leader_epoch = -1;
        assert_int_equal(samsa_assign(a, tp, 1), 0);
        while (!m && st_now_ms() - t0 < 20000)
            m = samsa_consume(a, 100);
        assert_non_null(m);
        assert_int_equal(m->err, 0);
        assert_int_equal(m->offset, 42);
        samsa_message_release(m);
        samsa_client_destroy(a);
    }
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

/* Async commits complete in order, each with its callback. */
static int order_seen[8], order_n;

static void commit_cb(void *opaque, int err, const samsa_topic_partition *tps,
                      size_t n)
{
    assert_int_equal(err, 0);
    assert_int_equal(n, 1);
    assert_int_equal(tps[0].err, 0);
    order_seen[order_n++] = (int)(intptr_t)opaque;
}

static void test_commit_async_order(void **state)
{
    char topic[128], group[128];
    samsa_client *admin, *c;
    samsa_topic_partition tp;
    const char *kv[4];
    int i;
    int64_t t0;

    (void)state;
    cgt_bootstrap();
    admin = cgt_make_topic(topic, sizeof topic, "async");
    cgt_name_of(group, sizeof group, "async");
    cgt_kv(kv, sizeof kv / sizeof *kv, group, NULL, NULL);
    c = cgt_client_new(kv, NULL);
    order_n = 0;
    for (i = 0; i < 8; i++) {
        memset(&tp, 0, sizeof tp);
        tp.topic = topic;
        tp.partition = 0;
        tp.offset = 10 * (i + 1);
        tp.leader_epoch = -1;
        assert_int_equal(samsa_commit_async(c, &tp, 1, commit_cb, (void *)(intptr_t)i), 0);
    }
    t0 = st_now_ms();
    while (order_n < 8 && st_now_ms() - t0 < 20000)
        samsa_poll(c, 10);
    assert_int_equal(order_n, 8);
    for (i = 0; i < 8; i++)
        assert_int_equal(order_seen[i], i);
    memset(&tp, 0, sizeof tp);
    tp.topic = topic;
    tp.partition = 0;
    assert_int_equal(samsa_committed(c, &tp, 1, 10000), 0);
    assert_int_equal(tp.offset, 80);
    samsa_client_destroy(c);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

/* enable.auto.commit commits what consume returned, every interval and
 * at close. */
static void test_auto_commit(void **state)
{
    char topic[128], group[128];
    const char *kv[12];
    cgt_member ms[1];
    samsa_client *admin, *c;
    samsa_topic_partition tp[CGT_NPART], pos[CGT_NPART];
    int64_t t0;
    int i, got = 0;

    (void)state;
    cgt_bootstrap();
    admin = cgt_make_topic(topic, sizeof topic, "autocommit");
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, "autocommit");
    memset(cgt_seen, 0, sizeof cgt_seen);
    cgt_produce(admin, topic, 40, 0);
    cgt_kv(kv, sizeof kv / sizeof *kv, group, NULL, "auto.offset.reset", "earliest",
           "auto.commit.interval.ms", "300", NULL);
    cgt_member_start(&ms[0], 0, kv);
    ms[0].commit_on_revoke = false;
    cgt_settle(ms, 1, CGT_NPART, 0, 60000); /* consume nothing yet */
    t0 = st_now_ms();
    while (got < 100 && st_now_ms() - t0 < 30000) {
        samsa_poll(ms[0].c, 5);
        got += cgt_drain(&ms[0], 100 - got);
    }
    assert_int_equal(got, 100);
    t0 = st_now_ms();
    while (st_now_ms() - t0 < 1500) /* a few intervals, nothing consumed */
        samsa_poll(ms[0].c, 10);
    memset(tp, 0, sizeof tp);
    for (i = 0; i < CGT_NPART; i++) {
        tp[i].topic = topic;
        tp[i].partition = i;
        pos[i] = tp[i];
    }
    assert_int_equal(samsa_position(ms[0].c, pos, CGT_NPART), 0);
    assert_int_equal(samsa_committed(ms[0].c, tp, CGT_NPART, 10000), 0);
    got = 0;
    for (i = 0; i < CGT_NPART; i++) {
        if (pos[i].offset >= 0)
            assert_int_equal(tp[i].offset, pos[i].offset);
        else
            assert_int_equal(tp[i].offset, SAMSA_OFFSET_INVALID);
        got += tp[i].offset > 0 ? (int)tp[i].offset : 0;
    }
    assert_int_equal(got, 100);
    /* read the rest, close: the final commit covers all 240 */
    cgt_finish_reading(ms, 1, 40, 30000);
    cgt_member_stop(&ms[0]);
    c = cgt_client_new(kv, NULL);
    assert_int_equal(samsa_committed(c, tp, CGT_NPART, 10000), 0);
    for (i = 0; i < CGT_NPART; i++)
        assert_int_equal(tp[i].offset, 40);
    samsa_client_destroy(c);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_explicit),
        cmocka_unit_test(test_commit_async_order),
        cmocka_unit_test(test_auto_commit),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
