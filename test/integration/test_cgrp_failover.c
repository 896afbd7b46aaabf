/*
 * Group coordinator failover on the 3-node harness: two members of a
 * group on a 6-partition topic (RF 3); the node that coordinates the group
 * is stopped. The members find the new coordinator (NOT_COORDINATOR /
 * COORDINATOR_NOT_AVAILABLE / connection loss: look it up again), keep or
 * regain every partition (one owner each), commits work again, and
 * nothing produced before or after is lost. Then the node comes back.
 *
 * Needs SAMSA_TEST_CLUSTER_BOOTSTRAP and the harness script (as
 * test_producer_failover.c): SAMSA_TEST_KAFKA_SH (default
 * test/broker/kafka.sh) run with the SAMSA_CLUSTER_PORT / SAMSA_CLUSTER_RUN
 * the cluster was started with.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa.h"
#include "samsa/consumer.h"
#include "cgrp_int.h" /* the coordinator's node id */

#define NPART 6
#define MAXOFF 2048

static unsigned char seen[NPART][MAXOFF];
static const char *g_topic;

typedef struct member {
    samsa_client *c;
    bool owned[NPART];
} member;

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void rb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
               const samsa_topic_partition *tps, size_t n)
{
    member *m = opaque;
    size_t i;

    for (i = 0; i < n; i++)
        m->owned[tps[i].partition] = ev == SAMSA_REBALANCE_ASSIGNED;
    if (ev == SAMSA_REBALANCE_REVOKED && n)
        samsa_commit_sync(c, NULL, 0, 10000); /* may fail mid-failover */
}

static void log_cb(void *opaque, int level, const char *ctx, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "log %d %s: %s\n", level, ctx, msg);
}

static samsa_client *client_new(const char *bs, const char *group, member *m)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256];
    static const char *const kv[] = {
        "auto.offset.reset", "earliest", "enable.auto.commit", "false",
        "session.timeout.ms", "10000", "heartbeat.interval.ms", "500",
        "partition.assignment.strategy", "range", "acks", "all", NULL
    };
    size_t i;

    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", bs, err, sizeof err), 0);
    if (group)
        assert_int_equal(samsa_conf_set(cf, "group.id", group, err, sizeof err), 0);
    for (i = 0; kv[i]; i += 2)
        assert_int_equal(samsa_conf_set(cf, kv[i], kv[i + 1], err, sizeof err), 0);
    if (m)
        samsa_conf_set_rebalance_cb(cf, rb, m);
    if (getenv("SAMSA_TEST_DEBUG")) {
        samsa_conf_set_log_cb(cf, log_cb, NULL);
        assert_int_equal(samsa_conf_set(cf, "debug", getenv("SAMSA_TEST_DEBUG"),
                                        err, sizeof err), 0);
    }
    c = samsa_client_new(cf, err, sizeof err);
    if (!c)
        fail_msg("client: %s", err);
    samsa_conf_destroy(cf);
    return c;
}

static int harness(const char *verb, int node)
{
    const char *sh = st_env("SAMSA_TEST_KAFKA_SH");
    char cmd[512];

    snprintf(cmd, sizeof cmd, "%s --cluster %s %d >&2",
             sh ? sh : "test/broker/kafka.sh", verb, node);
    return system(cmd);
}

static void produce(samsa_client *c, int per, int base)
{
    int p, i;
    char v[32];

    for (p = 0; p < NPART; p++)
        for (i = 0; i < per; i++) {
            samsa_record r;

            memset(&r, 0, sizeof r);
            snprintf(v, sizeof v, "%d-%d", p, base + i);
            r.topic = g_topic;
            r.partition = p;
            r.value = v;
            r.value_len = strlen(v);
            assert_int_equal(samsa_produce(c, &r, NULL, 30000), 0);
        }
    assert_int_equal(samsa_flush(c, 60000), 0);
}

static void drive(member *ms, int n)
{
    int i;
    samsa_message *m;

    for (i = 0; i < n; i++) {
        samsa_poll(ms[i].c, 5);
        while ((m = samsa_consume(ms[i].c, 0)) != NULL) {
            if (!m->err && m->offset < MAXOFF && seen[m->partition][m->offset] < 255)
                seen[m->partition][m->offset]++;
            samsa_message_release(m);
        }
    }
}

static bool balanced(member *ms, int n)
{
    int p, i, k;

    for (p = 0; p < NPART; p++) {
        for (k = 0, i = 0; i < n; i++)
            k += ms[i].owned[p];
        if (k != 1)
            return false;
    }
    return true;
}

static void settle(member *ms, int n, int timeout_ms)
{
    int64_t t0 = now_ms(), ok = -1;

    for (;;) {
        drive(ms, n);
        if (balanced(ms, n)) {
            if (ok < 0)
                ok = now_ms();
            if (now_ms() - ok > 2000)
                return;
        } else {
            ok = -1;
        }
        if (now_ms() - t0 > timeout_ms)
            fail_msg("group did not settle");
    }
}

static void test_coordinator_failover(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_CLUSTER_BOOTSTRAP");
    char topic[96], group[128];
    const char *topics[1];
    member ms[2];
    samsa_client *admin;
    int32_t coord, coord2;
    int i, p, o, lost = 0, dup = 0;
    int64_t t0;
    bool all;

    (void)state;
    snprintf(topic, sizeof topic, "hgroup-failover-%d-%ld", (int)getpid(),
             (long)time(NULL));
    snprintf(group, sizeof group, "%s-g", topic);
    g_topic = topic;
    topics[0] = topic;
    memset(seen, 0, sizeof seen);
    admin = client_new(bs, NULL, NULL);
    assert_int_equal(samsa_create_topic(admin, topic, NPART, 3, NULL, 0, 60000), 0);
    produce(admin, 100, 0);
    memset(ms, 0, sizeof ms);
    for (i = 0; i < 2; i++) {
        ms[i].c = client_new(bs, group, &ms[i]);
        assert_int_equal(samsa_subscribe(ms[i].c, topics, 1), 0);
    }
    settle(ms, 2, 90000);
    coord = ms[0].c->cgrp->coord_id;
    assert_true(coord >= 1 && coord <= 3);
    assert_int_equal(samsa_commit_sync(ms[0].c, NULL, 0, 20000), 0);
    fprintf(stderr, "stopping the group coordinator, node %d\n", (int)coord);
    assert_int_equal(harness("stop-node", coord), 0);
    t0 = now_ms();
    produce(admin, 100, 100);
    /* both members must reach the new coordinator: commits work again */
    for (;;) {
        drive(ms, 2);
        coord2 = ms[0].c->cgrp->coord_id;
        if (coord2 >= 0 && coord2 != coord && ms[1].c->cgrp->coord_id == coord2 &&
            ms[0].c->cgrp->state == CG_STABLE && ms[1].c->cgrp->state == CG_STABLE)
            break;
        if (now_ms() - t0 > 90000)
            fail_msg("no new coordinator: %d/%d, states %d/%d", (int)coord2,
                     (int)ms[1].c->cgrp->coord_id, (int)ms[0].c->cgrp->state,
                     (int)ms[1].c->cgrp->state);
    }
    printf("failover: new coordinator %d after %lld ms\n", (int)coord2,
           (long long)(now_ms() - t0));
    settle(ms, 2, 90000);
    t0 = now_ms();
    do {
        drive(ms, 2);
        all = true;
        for (p = 0; p < NPART && all; p++)
            for (o = 0; o < 200 && all; o++)
                all = seen[p][o] > 0;
    } while (!all && now_ms() - t0 < 60000);
    for (i = 0; i < 2; i++)
        assert_int_equal(samsa_commit_sync(ms[i].c, NULL, 0, 20000), 0);
    for (p = 0; p < NPART; p++)
        for (o = 0; o < 200; o++) {
            if (seen[p][o] == 0 && (o == 0 || seen[p][o - 1]))
                fprintf(stderr, "lost from partition %d offset %d\n", p, o);
            lost += seen[p][o] == 0;
            dup += seen[p][o] > 1;
        }
    printf("failover: %d lost, %d read twice\n", lost, dup);
    assert_int_equal(lost, 0);
    assert_int_equal(harness("start-node", coord), 0);
    for (i = 0; i < 2; i++) {
        assert_int_equal(samsa_close(ms[i].c, 20000), 0);
        samsa_client_destroy(ms[i].c);
    }
    samsa_delete_topic(admin, topic, 60000);
    samsa_client_destroy(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coordinator_failover),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
