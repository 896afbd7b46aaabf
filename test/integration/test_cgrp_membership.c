/*
 * Consumer groups against the real broker, membership: 1, 2, then 3
 * samsa members on a 6-partition topic own every partition exactly once
 * after each join and leave, with range, roundrobin, cooperative-sticky
 * and KIP-848 (uniform and range); with commits on revoke no offset is
 * lost or read twice across graceful rebalances (also in background mode,
 * and across unsubscribe / subscribe); cooperative-sticky and KIP-848 keep
 * unaffected partitions on their owners. Rebalance times are printed
 * ("rebalance: ..."). Shared setup: test/support/cgrp_test.h.
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

/* 1, 2, 3 members join, then leave one by one; graceful rebalances with
 * commits on revoke: every offset read exactly once. */
static void membership(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[24];
    cgt_member ms[3];
    samsa_client *admin;
    int64_t t;
    int i, per = 0;

    admin = cgt_make_topic(topic, sizeof topic, what);
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, what);
    memset(cgt_seen, 0, sizeof cgt_seen);
    cgt_kv(kv, sizeof kv / sizeof *kv, group, extra, "auto.offset.reset",
           "earliest", "enable.auto.commit", "false", NULL);

    cgt_produce(admin, topic, 50, 0);
    per += 50;
    cgt_member_start(&ms[0], 0, kv);
    t = cgt_settle(ms, 1, CGT_NPART, 20, 60000);
    printf("rebalance (%s): 1st member assigned in %lld ms\n", what, (long long)t);
    cgt_produce(admin, topic, 50, per);
    per += 50;

    cgt_member_start(&ms[1], 1, kv);
    t = cgt_settle(ms, 2, CGT_NPART / 2, 20, 60000);
    printf("rebalance (%s): 2nd member join settled in %lld ms\n", what, (long long)t);
    cgt_produce(admin, topic, 50, per);
    per += 50;

    cgt_member_start(&ms[2], 2, kv);
    t = cgt_settle(ms, 3, CGT_NPART / 3, 20, 60000);
    printf("rebalance (%s): 3rd member join settled in %lld ms\n", what, (long long)t);
    cgt_produce(admin, topic, 50, per);
    per += 50;
    for (i = 0; i < 3; i++)
        cgt_drain(&ms[i], 30);

    cgt_member_stop(&ms[2]);
    t = cgt_settle(ms, 3, CGT_NPART / 2, 20, 60000);
    printf("rebalance (%s): after a leave (3 -> 2) settled in %lld ms\n", what,
           (long long)t);
    cgt_produce(admin, topic, 50, per);
    per += 50;
    cgt_member_stop(&ms[1]);
    t = cgt_settle(ms, 3, CGT_NPART, 20, 60000);
    printf("rebalance (%s): after a leave (2 -> 1) settled in %lld ms\n", what,
           (long long)t);
    cgt_finish_reading(ms, 3, per, 30000);
    cgt_check_exactly_once(per);

    /* committed offsets are where the last member stands after a commit */
    assert_int_equal(samsa_commit_sync(ms[0].c, NULL, 0, 10000), 0);
    {
        samsa_topic_partition tp[CGT_NPART];

        memset(tp, 0, sizeof tp);
        for (i = 0; i < CGT_NPART; i++) {
            tp[i].topic = topic;
            tp[i].partition = i;
        }
        assert_int_equal(samsa_committed(ms[0].c, tp, CGT_NPART, 10000), 0);
        for (i = 0; i < CGT_NPART; i++)
            assert_int_equal(tp[i].offset, per);
    }
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_classic_range(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         NULL };

    (void)state;
    cgt_bootstrap();
    membership("range", extra);
}

static void test_classic_roundrobin(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy",
                                         "roundrobin", NULL };

    (void)state;
    cgt_bootstrap();
    membership("roundrobin", extra);
}

static void test_cooperative(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy",
                                         "cooperative-sticky", NULL };

    (void)state;
    cgt_bootstrap();
    membership("coop", extra);
}

static void test_kip848(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    cgt_bootstrap();
    membership("kip848", extra);
}

static void test_kip848_range(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer",
                                         "group.remote.assignor", "range", NULL };

    (void)state;
    cgt_bootstrap();
    membership("kip848-range", extra);
}

/* cooperative-sticky: the first member keeps 3 of its 6 partitions when a
 * second joins: it only ever revokes the 3 that move, never loses any. */
static void sticky_join(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[16];
    cgt_member ms[2];
    samsa_client *admin;
    bool before[CGT_NPART];
    int i, kept = 0;

    admin = cgt_make_topic(topic, sizeof topic, what);
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, what);
    memset(cgt_seen, 0, sizeof cgt_seen);
    cgt_kv(kv, sizeof kv / sizeof *kv, group, extra, "auto.offset.reset",
           "earliest", NULL);
    cgt_member_start(&ms[0], 0, kv);
    cgt_settle(ms, 1, CGT_NPART, 10, 60000);
    memcpy(before, ms[0].owned, sizeof before);
    cgt_member_start(&ms[1], 1, kv);
    cgt_settle(ms, 2, CGT_NPART / 2, 10, 60000);
    for (i = 0; i < CGT_NPART; i++)
        kept += before[i] && ms[0].owned[i];
    assert_int_equal(kept, CGT_NPART / 2);
    assert_int_equal(ms[0].revoked_parts, CGT_NPART / 2);
    assert_int_equal(ms[0].lost_events, 0);
    cgt_member_stop(&ms[1]);
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_cooperative_sticky_keeps(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy",
                                         "cooperative-sticky", NULL };

    (void)state;
    cgt_bootstrap();
    sticky_join("sticky", extra);
}

static void test_kip848_keeps(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    cgt_bootstrap();
    sticky_join("kip848-sticky", extra);
}

/* Background mode: three handles with their I/O threads, each consumed by
 * an application thread; members join and leave while data flows; every
 * offset is read exactly once (commit on revoke from the loop thread). */
typedef struct bg_member {
    cgt_member m;
    pthread_t th;
    _Atomic int stop;
    pthread_mutex_t *mu;
} bg_member;

static pthread_mutex_t bg_mu = PTHREAD_MUTEX_INITIALIZER;

static void bg_rebalance_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                            const samsa_topic_partition *tps, size_t n)
{
    pthread_mutex_lock(&bg_mu);
    cgt_rebalance_cb(opaque, c, ev, tps, n);
    pthread_mutex_unlock(&bg_mu);
}

static void *bg_consume(void *arg)
{
    bg_member *b = arg;

    while (!atomic_load(&b->stop)) {
        samsa_message *msg = samsa_consume(b->m.c, 100);

        if (!msg)
            continue;
        if (msg->err == 0 && msg->offset >= 0 && msg->offset < CGT_MAXOFF &&
            msg->partition >= 0 && msg->partition < CGT_NPART) {
            pthread_mutex_lock(&bg_mu);
            cgt_seen[msg->partition][msg->offset]++;
            pthread_mutex_unlock(&bg_mu);
        }
        samsa_message_release(msg);
    }
    return NULL;
}

static void bg_start(bg_member *b, int id, const char *const *kv)
{
    const char *topics[1] = { cgt_topic };
    samsa_conf *cf = samsa_conf_new(NULL);
    char err[256];

    memset(b, 0, sizeof *b);
    b->m.id = id;
    b->m.commit_on_revoke = true;
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", cgt_bootstrap(), err, sizeof err), 0);
    for (; kv && kv[0]; kv += 2)
        assert_int_equal(samsa_conf_set(cf, kv[0], kv[1], err, sizeof err), 0);
    samsa_conf_set_rebalance_cb(cf, bg_rebalance_cb, &b->m);
    b->m.c = samsa_client_new(cf, err, sizeof err);
    assert_non_null(b->m.c);
    samsa_conf_destroy(cf);
    assert_int_equal(samsa_start(b->m.c), 0);
    assert_int_equal(samsa_subscribe(b->m.c, topics, 1), 0);
    assert_int_equal(pthread_create(&b->th, NULL, bg_consume, b), 0);
}

static void bg_stop(bg_member *b)
{
    atomic_store(&b->stop, 1);
    pthread_join(b->th, NULL);
    assert_int_equal(samsa_close(b->m.c, 10000), 0);
    samsa_client_destroy(b->m.c);
    pthread_mutex_lock(&bg_mu);
    b->m.c = NULL;
    pthread_mutex_unlock(&bg_mu);
}

/* Wait until the live members own every partition once. */
static void bg_settle(bg_member *bs, int n, int min_each)
{
    cgt_member ms[3];
    int64_t start = st_now_ms(), ok_since = -1;
    int i;

    for (;;) {
        pthread_mutex_lock(&bg_mu);
        for (i = 0; i < n; i++)
            ms[i] = bs[i].m;
        pthread_mutex_unlock(&bg_mu);
        if (cgt_balanced(ms, n, min_each)) {
            if (ok_since < 0)
                ok_since = st_now_ms();
            if (st_now_ms() - ok_since > 1500)
                return;
        } else {
            ok_since = -1;
        }
        if (st_now_ms() - start > 60000)
            fail_msg("background group did not cgt_settle");
        usleep(20000);
    }
}

static void test_background(void **state)
{
    char topic[128], group[128];
    const char *kv[8];
    bg_member bs[3];
    samsa_client *admin;
    int64_t start;
    int p, o;
    bool all;

    (void)state;
    cgt_bootstrap();
    admin = cgt_make_topic(topic, sizeof topic, "bg");
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, "bg");
    memset(cgt_seen, 0, sizeof cgt_seen);
    kv[0] = "group.id";
    kv[1] = group;
    kv[2] = "auto.offset.reset";
    kv[3] = "earliest";
    kv[4] = "enable.auto.commit";
    kv[5] = "false";
    kv[6] = NULL;
    cgt_produce(admin, topic, 100, 0);
    bg_start(&bs[0], 0, kv);
    bg_settle(bs, 1, CGT_NPART);
    bg_start(&bs[1], 1, kv);
    cgt_produce(admin, topic, 100, 100);
    bg_settle(bs, 2, CGT_NPART / 2);
    bg_start(&bs[2], 2, kv);
    cgt_produce(admin, topic, 100, 200);
    bg_settle(bs, 3, CGT_NPART / 3);
    bg_stop(&bs[2]);
    cgt_produce(admin, topic, 100, 300);
    bg_settle(bs, 3, CGT_NPART / 2);
    bg_stop(&bs[1]);
    bg_settle(bs, 3, CGT_NPART);
    start = st_now_ms();
    do {
        usleep(50000);
        pthread_mutex_lock(&bg_mu);
        all = true;
        for (p = 0; p < CGT_NPART && all; p++)
            for (o = 0; o < 400 && all; o++)
                all = cgt_seen[p][o] > 0;
        pthread_mutex_unlock(&bg_mu);
    } while (!all && st_now_ms() - start < 30000);
    bg_stop(&bs[0]);
    cgt_check_exactly_once(400);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

/* unsubscribe revokes everything and leaves; subscribing again rejoins */
static void test_resubscribe(void **state)
{
    char topic[128], group[128];
    const char *kv[6], *topics[1];
    cgt_member ms[2];
    samsa_client *admin;
    int p, n = 0;

    (void)state;
    cgt_bootstrap();
    admin = cgt_make_topic(topic, sizeof topic, "resub");
    cgt_topic = topic;
    topics[0] = topic;
    cgt_name_of(group, sizeof group, "resub");
    kv[0] = "group.id";
    kv[1] = group;
    kv[2] = NULL;
    cgt_member_start(&ms[0], 0, kv);
    cgt_member_start(&ms[1], 1, kv);
    cgt_settle(ms, 2, CGT_NPART / 2, 10, 60000);
    assert_int_equal(samsa_unsubscribe(ms[1].c), 0);
    for (p = 0; p < CGT_NPART; p++)
        n += ms[1].owned[p];
    assert_int_equal(n, 0); /* REVOKED with all of them */
    /* the other member takes everything */
    {
        cgt_member one[1];
        int64_t t0 = st_now_ms();

        for (;;) {
            samsa_poll(ms[0].c, 5);
            samsa_poll(ms[1].c, 5);
            cgt_drain(&ms[0], 10);
            one[0] = ms[0];
            if (cgt_balanced(one, 1, CGT_NPART))
                break;
            if (st_now_ms() - t0 > 60000)
                fail_msg("the remaining member did not get every partition");
        }
    }
    assert_int_equal(samsa_subscribe(ms[1].c, topics, 1), 0);
    cgt_settle(ms, 2, CGT_NPART / 2, 10, 60000);
    cgt_member_stop(&ms[1]);
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classic_range),
        cmocka_unit_test(test_background),
        cmocka_unit_test(test_classic_roundrobin),
        cmocka_unit_test(test_cooperative),
        cmocka_unit_test(test_cooperative_sticky_keeps),
        cmocka_unit_test(test_resubscribe),
        cmocka_unit_test(test_kip848),
        cmocka_unit_test(test_kip848_keeps),
        cmocka_unit_test(test_kip848_range),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
