/*
 * Consumer groups against the real broker, liveness (classic and
 * KIP-848): a member killed with SIGKILL (a child process) loses its
 * partitions to the survivor after the session timeout; a static member
 * that restarts within the session timeout causes no rebalance; a member
 * that stops consuming for max.poll.interval.ms leaves and rejoins when
 * it consumes again. KIP-848 members leave the timeouts to the broker
 * (group.consumer.session.timeout.ms, 45 s): the client refuses
 * session.timeout.ms and heartbeat.interval.ms with group.protocol=consumer.
 * Shared setup: test/support/cgrp_test.h.
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

/* A member in a child process killed with SIGKILL: its partitions move to
 * the survivor after session.timeout.ms. */
static void killed(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[20];
    cgt_member ms[2];
    samsa_client *admin;
    int i, k = 0, pfd[2], status;
    pid_t pid;
    int64_t t0, t;
    char b;

    admin = cgt_make_topic(topic, sizeof topic, what);
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, what);
    kv[k++] = "group.id";
    kv[k++] = group;
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;
    cgt_member_start(&ms[0], 0, kv);
    cgt_settle(ms, 1, CGT_NPART, 10, 60000);
    assert_int_equal(pipe(pfd), 0);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* the child: join, say when it owns something, then keep going */
        cgt_member cm;
        bool told = false;

        close(pfd[0]);
        cgt_member_start(&cm, 9, kv);
        for (;;) {
            int p, n = 0;

            samsa_poll(cm.c, 10);
            cgt_drain(&cm, 100);
            for (p = 0; p < CGT_NPART; p++)
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
        cgt_drain(&ms[0], 100);
        FD_ZERO(&rs);
        FD_SET(pfd[0], &rs);
        if (select(pfd[0] + 1, &rs, NULL, NULL, &tv) == 1)
            break;
    }
    assert_int_equal(read(pfd[0], &b, 1), 1);
    for (t0 = st_now_ms();;) { /* until the parent holds half */
        int p, n = 0;

        samsa_poll(ms[0].c, 10);
        cgt_drain(&ms[0], 100);
        for (p = 0; p < CGT_NPART; p++)
            n += ms[0].owned[p];
        if (n == CGT_NPART / 2)
            break;
        if (st_now_ms() - t0 > 60000)
            fail_msg("the parent never got half of the partitions");
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    t0 = st_now_ms();
    t = cgt_settle(ms, 1, CGT_NPART, 10, 60000);
    printf("rebalance (%s): a killed member's partitions moved after %lld ms "
           "(classic: session.timeout.ms 6000; KIP-848: the broker's)\n",
           what, (long long)t);
    assert_true(t >= 3000); /* not before the session ran out */
    close(pfd[0]);
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_killed_member(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         "session.timeout.ms", "6000",
                                         "heartbeat.interval.ms", "500", NULL };

    (void)state;
    cgt_bootstrap();
    killed("killed", extra);
}

static void test_kip848_killed_member(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    cgt_bootstrap();
    killed("kip848-killed", extra);
}

/* A static member closing and coming back within session.timeout.ms: the
 * other member sees no rebalance, the static one gets its partitions back. */
static void static_restart(const char *what, const char *const *extra)
{
    char topic[128], group[128], inst[160];
    const char *kv[20], *kvs[24];
    cgt_member ms[2];
    samsa_client *admin;
    bool before[CGT_NPART];
    int i, k = 0, events;

    admin = cgt_make_topic(topic, sizeof topic, what);
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, what);
    snprintf(inst, sizeof inst, "%s-static", group);
    kv[k++] = "group.id";
    kv[k++] = group;
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;
    memcpy(kvs, kv, sizeof(kv[0]) * (size_t)k);
    kvs[k] = "group.instance.id";
    kvs[k + 1] = inst;
    kvs[k + 2] = NULL;
    cgt_member_start(&ms[0], 0, kv);
    cgt_member_start(&ms[1], 1, kvs);
    cgt_settle(ms, 2, CGT_NPART / 2, 10, 60000);
    memcpy(before, ms[1].owned, sizeof before);
    events = ms[0].assigned_events + ms[0].revoked_events + ms[0].lost_events;
    cgt_member_stop(&ms[1]); /* static: no LeaveGroup */
    for (i = 0; i < 100; i++)
        samsa_poll(ms[0].c, 10);
    cgt_member_start(&ms[1], 1, kvs);
    cgt_settle(ms, 2, CGT_NPART / 2, 10, 60000);
    assert_memory_equal(before, ms[1].owned, sizeof before);
    assert_int_equal(ms[0].assigned_events + ms[0].revoked_events +
                         ms[0].lost_events, events);
    cgt_member_stop(&ms[1]);
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_static_member(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         "session.timeout.ms", "20000",
                                         "heartbeat.interval.ms", "500", NULL };

    (void)state;
    cgt_bootstrap();
    static_restart("static", extra);
}

static void test_kip848_static_member(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    cgt_bootstrap();
    static_restart("kip848-static", extra);
}

/* A member that stops consuming for max.poll.interval.ms leaves (its
 * partitions go to the other) and rejoins when it consumes again. */
static void poll_timeout(const char *what, const char *const *extra)
{
    char topic[128], group[128];
    const char *kv[20];
    cgt_member ms[2];
    samsa_client *admin;
    int64_t t0;
    int i, k = 0, p, n;

    admin = cgt_make_topic(topic, sizeof topic, what);
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, what);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "max.poll.interval.ms";
    kv[k++] = "4000";
    for (i = 0; extra && extra[i]; i++)
        kv[k++] = extra[i];
    kv[k] = NULL;
    cgt_member_start(&ms[0], 0, kv);
    cgt_member_start(&ms[1], 1, kv);
    cgt_settle(ms, 2, CGT_NPART / 2, 10, 60000);
    /* member 1 keeps its loop running but does not consume */
    t0 = st_now_ms();
    for (;;) {
        samsa_poll(ms[0].c, 5);
        cgt_drain(&ms[0], 100);
        samsa_poll(ms[1].c, 5);
        for (n = 0, p = 0; p < CGT_NPART; p++)
            n += ms[0].owned[p] && !ms[1].owned[p];
        if (n == CGT_NPART)
            break;
        if (st_now_ms() - t0 > 60000)
            fail_msg("the idle member kept its partitions");
    }
    printf("rebalance (%s): an idle member left after %lld ms "
           "(max.poll.interval.ms 4000)\n", what, (long long)(st_now_ms() - t0));
    assert_true(st_now_ms() - t0 >= 3500);
    assert_int_equal(ms[1].lost_events, 1);
    /* consuming again: it rejoins */
    cgt_settle(ms, 2, CGT_NPART / 2, 10, 60000);
    cgt_member_stop(&ms[1]);
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_poll_timeout(void **state)
{
    static const char *const extra[] = { "partition.assignment.strategy", "range",
                                         "heartbeat.interval.ms", "500", NULL };

    (void)state;
    cgt_bootstrap();
    poll_timeout("poll", extra);
}

static void test_kip848_poll_timeout(void **state)
{
    static const char *const extra[] = { "group.protocol", "consumer", NULL };

    (void)state;
    cgt_bootstrap();
    poll_timeout("kip848-poll", extra);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_poll_timeout),
        cmocka_unit_test(test_kip848_poll_timeout),
        cmocka_unit_test(test_static_member),
        cmocka_unit_test(test_kip848_static_member),
        cmocka_unit_test(test_killed_member),
        cmocka_unit_test(test_kip848_killed_member),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
