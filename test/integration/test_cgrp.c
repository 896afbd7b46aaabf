/*
 * Consumer groups against the real broker (classic protocol and KIP-848):
 * 1, 2, then 3 samsa members on a 6-partition topic own every partition
 * exactly once after each join and leave; with commits on revoke no
 * offset is lost or read twice across graceful rebalances; a member
 * killed with SIGKILL loses its partitions to the others after
 * session.timeout.ms; a static member that restarts within the session
 * timeout causes no rebalance; cooperative-sticky keeps unaffected
 * partitions on their owners; kcat -G in the same group splits the
 * partitions with samsa and nothing is lost. Rebalance times are printed
 * ("rebalance: ...").
 *
 * All members of one test are embedded-mode handles driven round-robin by
 * the test thread (JoinGroup answers wait for every member, so each must
 * keep polling), except the killed one, a child process.
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
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa.h"
#include "samsa/consumer.h"

#define NPART 6
#define MAXOFF 4096
#define MAXM 4

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

static void log_cb(void *opaque, int level, const char *ctx, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "log %d %s: %s\n", level, ctx, msg);
}

static void name_of(char *buf, size_t len, const char *what)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(buf, len, "hgroup-%s-%d-%ld%03ld", what, (int)getpid(),
             (long)ts.tv_sec, ts.tv_nsec / 1000000);
}

/* ------------------------------------------------------------ members */

typedef struct member {
    samsa_client *c;
    int id;
    bool owned[NPART];
    int assigned_events, revoked_events, lost_events;
    int revoked_parts;
    bool commit_on_revoke;
    int64_t last_assigned_ms;
} member;

/* offsets seen, over all members: count per (partition, offset) */
static unsigned char seen[NPART][MAXOFF];
static const char *g_topic;

static void rebalance_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                         const samsa_topic_partition *tps, size_t n)
{
    member *m = opaque;
    size_t i;

    for (i = 0; i < n; i++) {
        assert_string_equal(tps[i].topic, g_topic);
        assert_true(tps[i].partition >= 0 && tps[i].partition < NPART);
        if (ev == SAMSA_REBALANCE_ASSIGNED) {
            assert_false(m->owned[tps[i].partition]);
            m->owned[tps[i].partition] = true;
        } else {
            assert_true(m->owned[tps[i].partition]);
            m->owned[tps[i].partition] = false;
        }
    }
    if (ev == SAMSA_REBALANCE_ASSIGNED) {
        m->assigned_events++;
        m->last_assigned_ms = now_ms();
    } else if (ev == SAMSA_REBALANCE_REVOKED) {
        m->revoked_events++;
        m->revoked_parts += (int)n;
        if (m->commit_on_revoke && n)
            assert_int_equal(samsa_commit_sync(c, NULL, 0, 10000), 0);
    } else {
        m->lost_events++;
    }
}

static samsa_client *client_new(const char *const *kv, member *m)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256];

    assert_non_null(cf);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", bootstrap(), err, sizeof err), 0);
    if (getenv("SAMSA_TEST_DEBUG")) {
        samsa_conf_set_log_cb(cf, log_cb, NULL);
        assert_int_equal(samsa_conf_set(cf, "debug", getenv("SAMSA_TEST_DEBUG"),
                                        err, sizeof err), 0);
    }
    for (; kv && kv[0]; kv += 2)
        if (samsa_conf_set(cf, kv[0], kv[1], err, sizeof err) != 0)
            fail_msg("conf %s: %s", kv[0], err);
    if (m)
        samsa_conf_set_rebalance_cb(cf, rebalance_cb, m);
    c = samsa_client_new(cf, err, sizeof err);
    if (!c)
        fail_msg("client: %s", err);
    samsa_conf_destroy(cf);
    return c;
}

static void member_start(member *m, int id, const char *const *kv)
{
    const char *topics[1] = { g_topic };

    memset(m, 0, sizeof *m);
    m->id = id;
    m->commit_on_revoke = true;
    m->c = client_new(kv, m);
    assert_int_equal(samsa_subscribe(m->c, topics, 1), 0);
}

static void member_stop(member *m)
{
    assert_int_equal(samsa_close(m->c, 10000), 0);
    samsa_client_destroy(m->c);
    m->c = NULL;
}

/* Consume what is there (up to max messages); count offsets. */
static int drain(member *m, int max)
{
    int got = 0;
    samsa_message *msg;

    while (got < max && (msg = samsa_consume(m->c, 0)) != NULL) {
        if (msg->err == 0) {
            assert_string_equal(msg->topic, g_topic);
            assert_true(msg->partition >= 0 && msg->partition < NPART);
            assert_true(msg->offset >= 0 && msg->offset < MAXOFF);
            assert_true(m->owned[msg->partition]);
            if (seen[msg->partition][msg->offset] < 255)
                seen[msg->partition][msg->offset]++;
            got++;
        }
        samsa_message_release(msg);
    }
    return got;
}

/* Every partition owned by exactly one live member, each live member
 * owning at least min_each. */
static bool balanced(member *ms, int n, int min_each)
{
    int p, i, owners;

    for (p = 0; p < NPART; p++) {
        owners = 0;
        for (i = 0; i < n; i++)
            if (ms[i].c && ms[i].owned[p])
                owners++;
        if (owners != 1)
            return false;
    }
    for (i = 0; i < n; i++) {
        int k = 0;

        if (!ms[i].c)
            continue;
        for (p = 0; p < NPART; p++)
            k += ms[i].owned[p];
        if (k < min_each)
            return false;
    }
    return true;
}

/* Drive every member until balanced (then a little longer, so that a
 * cooperative second round has settled). Returns ms it took. */
static int64_t settle(member *ms, int n, int min_each, int consume_max,
                      int timeout_ms)
{
    int64_t start = now_ms(), done_at = -1;
    int i;

    for (;;) {
        for (i = 0; i < n; i++)
            if (ms[i].c) {
                samsa_poll(ms[i].c, 5);
                drain(&ms[i], consume_max);
            }
        if (balanced(ms, n, min_each)) {
            if (done_at < 0)
                done_at = now_ms();
            if (now_ms() - done_at > 1500)
                return done_at - start;
        } else {
            done_at = -1;
        }
        if (now_ms() - start > timeout_ms)
            fail_msg("group did not settle within %d ms", timeout_ms);
    }
}

static void produce(samsa_client *c, const char *topic, int per_part, int base)
{
    int p, i;
    char val[64];

    for (p = 0; p < NPART; p++)
        for (i = 0; i < per_part; i++) {
            samsa_record r;

            memset(&r, 0, sizeof r);
            /* not 0: that is an explicit 1970 timestamp, which the
             * broker's 7-day retention deletes at its next check */
            r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
            snprintf(val, sizeof val, "p%d-%d", p, base + i);
            r.topic = topic;
            r.partition = p;
            r.value = val;
            r.value_len = strlen(val);
            assert_int_equal(samsa_produce(c, &r, NULL, 10000), 0);
        }
    assert_int_equal(samsa_flush(c, 30000), 0);
}

static samsa_client *make_topic(char *topic, size_t len, const char *what)
{
    samsa_client *admin = client_new(NULL, NULL);

    name_of(topic, len, what);
    assert_int_equal(samsa_create_topic(admin, topic, NPART, 1, NULL, 0, 30000), 0);
    return admin;
}

/* Every offset below total per partition seen exactly once. */
static void check_exactly_once(int per_part_total)
{
    int p, o, lost = 0, dup = 0;

    for (p = 0; p < NPART; p++)
        for (o = 0; o < per_part_total; o++) {
            if (seen[p][o] == 0) {
                if (lost++ < 5)
                    fprintf(stderr, "lost: partition %d offset %d\n", p, o);
            }
            else if (seen[p][o] > 1)
                dup++;
        }
    if (lost || dup)
        fail_msg("%d offsets lost, %d read more than once", lost, dup);
}

/* Drain until every partition has per_part_total offsets seen. */
static void finish_reading(member *ms, int n, int per_part_total, int timeout_ms)
{
    int64_t start = now_ms();
    int p, o, i;
    bool all;

    do {
        for (i = 0; i < n; i++)
            if (ms[i].c) {
                samsa_poll(ms[i].c, 5);
                drain(&ms[i], 1000);
            }
        all = true;
        for (p = 0; p < NPART && all; p++)
            for (o = 0; o < per_part_total && all; o++)
                all = seen[p][o] > 0;
        if (now_ms() - start > timeout_ms)
            break;
    } while (!all);
}

/* ------------------------------------------------------------ tests */

/* 1, 2, 3 members join, then leave one by one; graceful rebalances with
 * commits on revoke: every offset read exactly once. */
static void membership(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[24];
    member ms[3];
    samsa_client *admin;
    int64_t t;
    int i, k = 0, per = 0;

    admin = make_topic(topic, sizeof topic, what);
    g_topic = topic;
    name_of(group, sizeof group, what);
    memset(seen, 0, sizeof seen);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "auto.offset.reset";
    kv[k++] = "earliest";
    kv[k++] = "enable.auto.commit";
    kv[k++] = "false";
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;

    produce(admin, topic, 50, 0);
    per += 50;
    member_start(&ms[0], 0, kv);
    t = settle(ms, 1, NPART, 20, 60000);
    printf("rebalance (%s): 1st member assigned in %lld ms\n", what, (long long)t);
    produce(admin, topic, 50, per);
    per += 50;

    member_start(&ms[1], 1, kv);
    t = settle(ms, 2, NPART / 2, 20, 60000);
    printf("rebalance (%s): 2nd member join settled in %lld ms\n", what, (long long)t);
    produce(admin, topic, 50, per);
    per += 50;

    member_start(&ms[2], 2, kv);
    t = settle(ms, 3, NPART / 3, 20, 60000);
    printf("rebalance (%s): 3rd member join settled in %lld ms\n", what, (long long)t);
    produce(admin, topic, 50, per);
    per += 50;
    for (i = 0; i < 3; i++)
        drain(&ms[i], 30);

    member_stop(&ms[2]);
    t = settle(ms, 3, NPART / 2, 20, 60000);
    printf("rebalance (%s): after a leave (3 -> 2) settled in %lld ms\n", what,
           (long long)t);
    produce(admin, topic, 50, per);
    per += 50;
    member_stop(&ms[1]);
    t = settle(ms, 3, NPART, 20, 60000);
    printf("rebalance (%s): after a leave (2 -> 1) settled in %lld ms\n", what,
           (long long)t);
    finish_reading(ms, 3, per, 30000);
    check_exactly_once(per);

    /* committed offsets are where the last member stands after a commit */
    assert_int_equal(samsa_commit_sync(ms[0].c, NULL, 0, 10000), 0);
    {
        samsa_topic_partition tp[NPART];

        memset(tp, 0, sizeof tp);
        for (i = 0; i < NPART; i++) {
            tp[i].topic = topic;
            tp[i].partition = i;
        }
        assert_int_equal(samsa_committed(ms[0].c, tp, NPART, 10000), 0);
        for (i = 0; i < NPART; i++)
            assert_int_equal(tp[i].offset, per);
    }
    member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_classic_range(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         NULL };

    (void)state;
    bootstrap();
    membership("range", extra);
}

static void test_classic_roundrobin(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy",
                                         "roundrobin", NULL };

    (void)state;
    bootstrap();
    membership("roundrobin", extra);
}

static void test_cooperative(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy",
                                         "cooperative-sticky", NULL };

    (void)state;
    bootstrap();
    membership("coop", extra);
}

static void test_kip848(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    bootstrap();
    membership("kip848", extra);
}

static void test_kip848_range(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer",
                                         "group.remote.assignor", "range", NULL };

    (void)state;
    bootstrap();
    membership("kip848-range", extra);
}

/* cooperative-sticky: the first member keeps 3 of its 6 partitions when a
 * second joins: it only ever revokes the 3 that move, never loses any. */
static void sticky_join(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[16];
    member ms[2];
    samsa_client *admin;
    bool before[NPART];
    int i, k = 0, kept = 0;

    admin = make_topic(topic, sizeof topic, what);
    g_topic = topic;
    name_of(group, sizeof group, what);
    memset(seen, 0, sizeof seen);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "auto.offset.reset";
    kv[k++] = "earliest";
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;
    member_start(&ms[0], 0, kv);
    settle(ms, 1, NPART, 10, 60000);
    memcpy(before, ms[0].owned, sizeof before);
    member_start(&ms[1], 1, kv);
    settle(ms, 2, NPART / 2, 10, 60000);
    for (i = 0; i < NPART; i++)
        kept += before[i] && ms[0].owned[i];
    assert_int_equal(kept, NPART / 2);
    assert_int_equal(ms[0].revoked_parts, NPART / 2);
    assert_int_equal(ms[0].lost_events, 0);
    member_stop(&ms[1]);
    member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_cooperative_sticky_keeps(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy",
                                         "cooperative-sticky", NULL };

    (void)state;
    bootstrap();
    sticky_join("sticky", extra);
}

static void test_kip848_keeps(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    bootstrap();
    sticky_join("kip848-sticky", extra);
}

/* A member in a child process killed with SIGKILL: its partitions move to
 * the survivor after session.timeout.ms. */
static void killed(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[20];
    member ms[2];
    samsa_client *admin;
    int i, k = 0, pfd[2], status;
    pid_t pid;
    int64_t t0, t;
    char b;

    admin = make_topic(topic, sizeof topic, what);
    g_topic = topic;
    name_of(group, sizeof group, what);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "session.timeout.ms";
    kv[k++] = "6000";
    kv[k++] = "heartbeat.interval.ms";
    kv[k++] = "500";
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;
    member_start(&ms[0], 0, kv);
    settle(ms, 1, NPART, 10, 60000);
    assert_int_equal(pipe(pfd), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the child: join, say when it owns something, then keep going */
        member cm;
        bool told = false;

        close(pfd[0]);
        member_start(&cm, 9, kv);
        for (;;) {
            int p, n = 0;

            samsa_poll(cm.c, 10);
            drain(&cm, 100);
            for (p = 0; p < NPART; p++)
                n += cm.owned[p];
            if (n && !told) {
                told = write(pfd[1], "x", 1) == 1;
            }
        }
    }
    close(pfd[1]);
    /* drive the parent's member until the child says it owns partitions */
    for (;;) {
        struct timeval tv = { 0, 0 };
        fd_set rs;

        samsa_poll(ms[0].c, 10);
        drain(&ms[0], 100);
        FD_ZERO(&rs);
        FD_SET(pfd[0], &rs);
        if (select(pfd[0] + 1, &rs, NULL, NULL, &tv) == 1)
            break;
    }
    assert_int_equal(read(pfd[0], &b, 1), 1);
    for (t0 = now_ms();;) { /* until the parent holds half */
        int p, n = 0;

        samsa_poll(ms[0].c, 10);
        drain(&ms[0], 100);
        for (p = 0; p < NPART; p++)
            n += ms[0].owned[p];
        if (n == NPART / 2)
            break;
        if (now_ms() - t0 > 60000)
            fail_msg("the parent never got half of the partitions");
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    t0 = now_ms();
    t = settle(ms, 1, NPART, 10, 60000);
    printf("rebalance (%s): a killed member's partitions moved after %lld ms "
           "(session.timeout.ms 6000)\n", what, (long long)t);
    assert_true(t >= 3000); /* not before the session ran out */
    close(pfd[0]);
    member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_killed_member(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         NULL };

    (void)state;
    bootstrap();
    killed("killed", extra);
}

static void test_kip848_killed_member(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    bootstrap();
    killed("kip848-killed", extra);
}

/* A static member closing and coming back within session.timeout.ms: the
 * other member sees no rebalance, the static one gets its partitions back. */
static void static_restart(const char *what, const char *const *extra)
{
    char topic[128], group[128], inst[160];
    const char *kv[20], *kvs[24];
    member ms[2];
    samsa_client *admin;
    bool before[NPART];
    int i, k = 0, events;

    admin = make_topic(topic, sizeof topic, what);
    g_topic = topic;
    name_of(group, sizeof group, what);
    snprintf(inst, sizeof inst, "%s-static", group);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "session.timeout.ms";
    kv[k++] = "20000";
    kv[k++] = "heartbeat.interval.ms";
    kv[k++] = "500";
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;
    memcpy(kvs, kv, sizeof(kv[0]) * (size_t)k);
    kvs[k] = "group.instance.id";
    kvs[k + 1] = inst;
    kvs[k + 2] = NULL;
    member_start(&ms[0], 0, kv);
    member_start(&ms[1], 1, kvs);
    settle(ms, 2, NPART / 2, 10, 60000);
    memcpy(before, ms[1].owned, sizeof before);
    events = ms[0].assigned_events + ms[0].revoked_events + ms[0].lost_events;
    member_stop(&ms[1]); /* static: no LeaveGroup */
    for (i = 0; i < 100; i++)
        samsa_poll(ms[0].c, 10);
    member_start(&ms[1], 1, kvs);
    settle(ms, 2, NPART / 2, 10, 60000);
    assert_memory_equal(before, ms[1].owned, sizeof before);
    assert_int_equal(ms[0].assigned_events + ms[0].revoked_events +
                         ms[0].lost_events, events);
    member_stop(&ms[1]);
    member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_static_member(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         NULL };

    (void)state;
    bootstrap();
    static_restart("static", extra);
}

static void test_kip848_static_member(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    bootstrap();
    static_restart("kip848-static", extra);
}

/* kcat -G (librdkafka, range) and samsa in one group: both get partitions,
 * and together they read every offset. */
static void test_kcat_interop(void **state)
{
    char topic[128], group[128], out[] = "/tmp/hgroup-kcat-XXXXXX", cmd[1024];
    const char *kv[10];
    member ms[1];
    samsa_client *admin;
    int fd, p, o, k = 0, kcat_parts = 0;
    bool kcat_had[NPART] = { false };
    pid_t pid;
    FILE *f;
    int64_t start;
    bool all;

    (void)state;
    bootstrap();
    if (system("command -v kcat >/dev/null 2>&1") != 0)
        skip();
    admin = make_topic(topic, sizeof topic, "kcat");
    g_topic = topic;
    name_of(group, sizeof group, "kcat");
    memset(seen, 0, sizeof seen);
    produce(admin, topic, 100, 0);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "auto.offset.reset";
    kv[k++] = "earliest";
    kv[k++] = "partition.assignment.strategy";
    kv[k++] = "range";
    kv[k] = NULL;
    fd = mkstemp(out);
    assert_true(fd >= 0);
    close(fd);
    snprintf(cmd, sizeof cmd,
             "exec kcat -q -b %s -G %s -X partition.assignment.strategy=range "
             "-X auto.offset.reset=earliest -X enable.auto.commit=true "
             "-X auto.commit.interval.ms=200 -f '%%p %%o\\n' %s > %s 2>/dev/null",
             bootstrap(), group, topic, out);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    sleep(3); /* kcat joins first and reads the first 100 of each */
    member_start(&ms[0], 0, kv);
    start = now_ms();
    do {
        int any = 0;

        samsa_poll(ms[0].c, 10);
        drain(&ms[0], 1000);
        for (p = 0; p < NPART; p++)
            any += ms[0].owned[p];
        all = any > 0 && any < NPART;
    } while (!all && now_ms() - start < 60000);
    assert_true(all);
    /* more data: both read their share of it */
    produce(admin, topic, 100, 100);
    start = now_ms();
    do {
        samsa_poll(ms[0].c, 10);
        drain(&ms[0], 1000);
        all = true;
        for (p = 0; p < NPART && all; p++)
            for (o = 100; o < 200 && all; o++)
                all = seen[p][o] > 0 || !ms[0].owned[p];
    } while (!all && now_ms() - start < 60000);
    assert_true(all);
    start = now_ms();
    while (now_ms() - start < 3000) { /* let kcat read and commit */
        samsa_poll(ms[0].c, 10);
        drain(&ms[0], 1000);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    f = fopen(out, "r");
    assert_non_null(f);
    while (fscanf(f, "%d %d", &p, &o) == 2)
        if (p >= 0 && p < NPART && o >= 0 && o < MAXOFF) {
            if (o >= 100)
                kcat_had[p] = true; /* after the split */
            seen[p][o]++;
        }
    fclose(f);
    unlink(out);
    for (p = 0; p < NPART; p++) {
        kcat_parts += kcat_had[p];
        if (kcat_had[p])
            assert_false(ms[0].owned[p]); /* split, not shared */
    }
    assert_true(kcat_parts > 0);
    printf("interop: kcat read %d partition(s), samsa the others\n", kcat_parts);
    check_exactly_once(200);
    member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

/* Explicit commits with metadata, read back with samsa_committed, and a
 * group consumer starting from them. */
static void test_commit_explicit(void **state)
{
    char topic[128], group[128];
    samsa_client *admin, *c;
    samsa_topic_partition tp[2];
    const char *kv[6];

    (void)state;
    bootstrap();
    admin = make_topic(topic, sizeof topic, "commit");
    name_of(group, sizeof group, "commit");
    kv[0] = "group.id";
    kv[1] = group;
    kv[2] = NULL;
    c = client_new(kv, NULL);
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
        samsa_client *a = client_new(kv, NULL);
        samsa_message *m = NULL;
        int64_t t0 = now_ms();
        int i;

        for (i = 0; i < 50; i++) {
            samsa_record r;
            char v[16];

            memset(&r, 0, sizeof r);
            r.timestamp_ms = SAMSA_TIMESTAMP_NOW; /* see produce() */
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
        while (!m && now_ms() - t0 < 20000)
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

/* A member that stops consuming for max.poll.interval.ms leaves (its
 * partitions go to the other) and rejoins when it consumes again. */
static void poll_timeout(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[20];
    member ms[2];
    samsa_client *admin;
    int64_t t0;
    int i, k = 0, p, n;

    admin = make_topic(topic, sizeof topic, what);
    g_topic = topic;
    name_of(group, sizeof group, what);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "max.poll.interval.ms";
    kv[k++] = "4000";
    kv[k++] = "heartbeat.interval.ms";
    kv[k++] = "500";
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;
    member_start(&ms[0], 0, kv);
    member_start(&ms[1], 1, kv);
    settle(ms, 2, NPART / 2, 10, 60000);
    /* member 1 keeps its loop running but does not consume */
    t0 = now_ms();
    for (;;) {
        samsa_poll(ms[0].c, 5);
        drain(&ms[0], 100);
        samsa_poll(ms[1].c, 5);
        for (n = 0, p = 0; p < NPART; p++)
            n += ms[0].owned[p] && !ms[1].owned[p];
        if (n == NPART)
            break;
        if (now_ms() - t0 > 60000)
            fail_msg("the idle member kept its partitions");
    }
    printf("rebalance (%s): an idle member left after %lld ms "
           "(max.poll.interval.ms 4000)\n", what, (long long)(now_ms() - t0));
    assert_true(now_ms() - t0 >= 3500);
    assert_int_equal(ms[1].lost_events, 1);
    /* consuming again: it rejoins */
    settle(ms, 2, NPART / 2, 10, 60000);
    member_stop(&ms[1]);
    member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_poll_timeout(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         NULL };

    (void)state;
    bootstrap();
    poll_timeout("poll", extra);
}

static void test_kip848_poll_timeout(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    bootstrap();
    poll_timeout("kip848-poll", extra);
}

/* enable.auto.commit commits what consume returned, every interval and
 * at close. */
static void test_auto_commit(void **state)
{
    char topic[128], group[128];
    const char *kv[12];
    member ms[1];
    samsa_client *admin, *c;
    samsa_topic_partition tp[NPART], pos[NPART];
    int64_t t0;
    int i, got = 0;

    (void)state;
    bootstrap();
    admin = make_topic(topic, sizeof topic, "autocommit");
    g_topic = topic;
    name_of(group, sizeof group, "autocommit");
    memset(seen, 0, sizeof seen);
    produce(admin, topic, 40, 0);
    kv[0] = "group.id";
    kv[1] = group;
    kv[2] = "auto.offset.reset";
    kv[3] = "earliest";
    kv[4] = "auto.commit.interval.ms";
    kv[5] = "300";
    kv[6] = NULL;
    member_start(&ms[0], 0, kv);
    ms[0].commit_on_revoke = false;
    settle(ms, 1, NPART, 0, 60000); /* consume nothing yet */
    t0 = now_ms();
    while (got < 100 && now_ms() - t0 < 30000) {
        samsa_poll(ms[0].c, 5);
        got += drain(&ms[0], 100 - got);
    }
    assert_int_equal(got, 100);
    t0 = now_ms();
    while (now_ms() - t0 < 1500) /* a few intervals, nothing consumed */
        samsa_poll(ms[0].c, 10);
    memset(tp, 0, sizeof tp);
    for (i = 0; i < NPART; i++) {
        tp[i].topic = topic;
        tp[i].partition = i;
        pos[i] = tp[i];
    }
    assert_int_equal(samsa_position(ms[0].c, pos, NPART), 0);
    assert_int_equal(samsa_committed(ms[0].c, tp, NPART, 10000), 0);
    got = 0;
    for (i = 0; i < NPART; i++) {
        if (pos[i].offset >= 0)
            assert_int_equal(tp[i].offset, pos[i].offset);
        else
            assert_int_equal(tp[i].offset, SAMSA_OFFSET_INVALID);
        got += tp[i].offset > 0 ? (int)tp[i].offset : 0;
    }
    assert_int_equal(got, 100);
    /* read the rest, close: the final commit covers all 240 */
    finish_reading(ms, 1, 40, 30000);
    member_stop(&ms[0]);
    c = client_new(kv, NULL);
    assert_int_equal(samsa_committed(c, tp, NPART, 10000), 0);
    for (i = 0; i < NPART; i++)
        assert_int_equal(tp[i].offset, 40);
    samsa_client_destroy(c);
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
    bootstrap();
    admin = make_topic(topic, sizeof topic, "async");
    name_of(group, sizeof group, "async");
    kv[0] = "group.id";
    kv[1] = group;
    kv[2] = NULL;
    c = client_new(kv, NULL);
    order_n = 0;
    for (i = 0; i < 8; i++) {
        memset(&tp, 0, sizeof tp);
        tp.topic = topic;
        tp.partition = 0;
        tp.offset = 10 * (i + 1);
        tp.leader_epoch = -1;
        assert_int_equal(samsa_commit_async(c, &tp, 1, commit_cb, (void *)(intptr_t)i), 0);
    }
    t0 = now_ms();
    while (order_n < 8 && now_ms() - t0 < 20000)
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

/* Background mode: three handles with their I/O threads, each consumed by
 * an application thread; members join and leave while data flows; every
 * offset is read exactly once (commit on revoke from the loop thread). */
typedef struct bg_member {
    member m;
    pthread_t th;
    _Atomic int stop;
    pthread_mutex_t *mu;
} bg_member;

static pthread_mutex_t bg_mu = PTHREAD_MUTEX_INITIALIZER;

static void bg_rebalance_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                            const samsa_topic_partition *tps, size_t n)
{
    pthread_mutex_lock(&bg_mu);
    rebalance_cb(opaque, c, ev, tps, n);
    pthread_mutex_unlock(&bg_mu);
}

static void *bg_consume(void *arg)
{
    bg_member *b = arg;

    while (!atomic_load(&b->stop)) {
        samsa_message *msg = samsa_consume(b->m.c, 100);

        if (!msg)
            continue;
        if (msg->err == 0 && msg->offset >= 0 && msg->offset < MAXOFF &&
            msg->partition >= 0 && msg->partition < NPART) {
            pthread_mutex_lock(&bg_mu);
            seen[msg->partition][msg->offset]++;
            pthread_mutex_unlock(&bg_mu);
        }
        samsa_message_release(msg);
    }
    return NULL;
}

static void bg_start(bg_member *b, int id, const char *const *kv)
{
    const char *topics[1] = { g_topic };
    samsa_conf *cf = samsa_conf_new(NULL);
    char err[256];

    memset(b, 0, sizeof *b);
    b->m.id = id;
    b->m.commit_on_revoke = true;
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", bootstrap(), err, sizeof err), 0);
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
    member ms[3];
    int64_t start = now_ms(), ok_since = -1;
    int i;

    for (;;) {
        pthread_mutex_lock(&bg_mu);
        for (i = 0; i < n; i++)
            ms[i] = bs[i].m;
        pthread_mutex_unlock(&bg_mu);
        if (balanced(ms, n, min_each)) {
            if (ok_since < 0)
                ok_since = now_ms();
            if (now_ms() - ok_since > 1500)
                return;
        } else {
            ok_since = -1;
        }
        if (now_ms() - start > 60000)
            fail_msg("background group did not settle");
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
    bootstrap();
    admin = make_topic(topic, sizeof topic, "bg");
    g_topic = topic;
    name_of(group, sizeof group, "bg");
    memset(seen, 0, sizeof seen);
    kv[0] = "group.id";
    kv[1] = group;
    kv[2] = "auto.offset.reset";
    kv[3] = "earliest";
    kv[4] = "enable.auto.commit";
    kv[5] = "false";
    kv[6] = NULL;
    produce(admin, topic, 100, 0);
    bg_start(&bs[0], 0, kv);
    bg_settle(bs, 1, NPART);
    bg_start(&bs[1], 1, kv);
    produce(admin, topic, 100, 100);
    bg_settle(bs, 2, NPART / 2);
    bg_start(&bs[2], 2, kv);
    produce(admin, topic, 100, 200);
    bg_settle(bs, 3, NPART / 3);
    bg_stop(&bs[2]);
    produce(admin, topic, 100, 300);
    bg_settle(bs, 3, NPART / 2);
    bg_stop(&bs[1]);
    bg_settle(bs, 3, NPART);
    start = now_ms();
    do {
        usleep(50000);
        pthread_mutex_lock(&bg_mu);
        all = true;
        for (p = 0; p < NPART && all; p++)
            for (o = 0; o < 400 && all; o++)
                all = seen[p][o] > 0;
        pthread_mutex_unlock(&bg_mu);
    } while (!all && now_ms() - start < 30000);
    bg_stop(&bs[0]);
    check_exactly_once(400);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

/* unsubscribe revokes everything and leaves; subscribing again rejoins */
static void test_resubscribe(void **state)
{
    char topic[128], group[128];
    const char *kv[6], *topics[1];
    member ms[2];
    samsa_client *admin;
    int p, n = 0;

    (void)state;
    bootstrap();
    admin = make_topic(topic, sizeof topic, "resub");
    g_topic = topic;
    topics[0] = topic;
    name_of(group, sizeof group, "resub");
    kv[0] = "group.id";
    kv[1] = group;
    kv[2] = NULL;
    member_start(&ms[0], 0, kv);
    member_start(&ms[1], 1, kv);
    settle(ms, 2, NPART / 2, 10, 60000);
    assert_int_equal(samsa_unsubscribe(ms[1].c), 0);
    for (p = 0; p < NPART; p++)
        n += ms[1].owned[p];
    assert_int_equal(n, 0); /* REVOKED with all of them */
    /* the other member takes everything */
    {
        member one[1];
        int64_t t0 = now_ms();

        for (;;) {
            samsa_poll(ms[0].c, 5);
            samsa_poll(ms[1].c, 5);
            drain(&ms[0], 10);
            one[0] = ms[0];
            if (balanced(one, 1, NPART))
                break;
            if (now_ms() - t0 > 60000)
                fail_msg("the remaining member did not get every partition");
        }
    }
    assert_int_equal(samsa_subscribe(ms[1].c, topics, 1), 0);
    settle(ms, 2, NPART / 2, 10, 60000);
    member_stop(&ms[1]);
    member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commit_explicit),
        cmocka_unit_test(test_commit_async_order),
        cmocka_unit_test(test_auto_commit),
        cmocka_unit_test(test_poll_timeout),
        cmocka_unit_test(test_kip848_poll_timeout),
        cmocka_unit_test(test_classic_range),
        cmocka_unit_test(test_background),
        cmocka_unit_test(test_classic_roundrobin),
        cmocka_unit_test(test_cooperative),
        cmocka_unit_test(test_cooperative_sticky_keeps),
        cmocka_unit_test(test_static_member),
        cmocka_unit_test(test_resubscribe),
        cmocka_unit_test(test_killed_member),
        cmocka_unit_test(test_kcat_interop),
        cmocka_unit_test(test_kip848),
        cmocka_unit_test(test_kip848_keeps),
        cmocka_unit_test(test_kip848_range),
        cmocka_unit_test(test_kip848_static_member),
        cmocka_unit_test(test_kip848_killed_member),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
