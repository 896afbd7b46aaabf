/*
 * Fatal group errors against the real broker: the handle leaves the
 * group, its partitions are reported LOST, and samsa_consume returns one
 * group event (err set, topic "", partition -1) naming the error, as
 * Java's poll() throws; samsa_subscribe then answers SAMSA_ERR_STATE.
 *   - classic: a second static member with the same group.instance.id
 *     takes the place; the first is fenced (FENCED_INSTANCE_ID).
 *   - KIP-848: a second static member with the same group.instance.id
 *     while the first is active is refused (UNRELEASED_INSTANCE_ID); the
 *     first keeps its partitions.
 *   - classic: a member offering only an assignor the group does not use
 *     is refused (INCONSISTENT_GROUP_PROTOCOL); the group is undisturbed.
 * Shared setup: test/support/cgrp_test.h.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "cgrp_test.h"

/* Consume everything buffered for m; returns the group events seen, each
 * checked to be err and to name it. */
static int group_events(cgt_member *m, int err)
{
    samsa_message *msg;
    int n = 0;

    while ((msg = samsa_consume(m->c, 0)) != NULL) {
        if (msg->err && msg->partition == -1) {
            assert_int_equal(msg->err, err);
            assert_string_equal(msg->topic, "");
            assert_int_equal(msg->offset, SAMSA_OFFSET_INVALID);
            assert_non_null(strstr(msg->errstr, samsa_err_name(err)));
            printf("group event: %s\n", msg->errstr);
            n++;
        }
        samsa_message_release(msg);
    }
    return n;
}

static int owned_count(const cgt_member *m)
{
    int p, n = 0;

    for (p = 0; p < CGT_NPART; p++)
        n += m->owned[p];
    return n;
}

/* Drive ms[0..2) for ms milliseconds (or until done says so), counting
 * the group events of ms[victim]. */
static int run_both(cgt_member *ms, int victim, int err, int ms_max,
                    bool (*done)(cgt_member *ms, int events))
{
    int64_t t0 = st_now_ms();
    int events = 0, i;

    while (st_now_ms() - t0 < ms_max) {
        for (i = 0; i < 2; i++) {
            samsa_poll(ms[i].c, 5);
            if (i == victim)
                events += group_events(&ms[i], err);
            else
                cgt_drain(&ms[i], 100);
        }
        if (done && done(ms, events))
            break;
    }
    return events;
}

static bool fenced_done(cgt_member *ms, int events)
{
    return events > 0 && owned_count(&ms[1]) == CGT_NPART;
}

static void test_static_fenced(void **state)
{
    char topic[128], group[128], inst[160], err[64];
    const char *kv[16], *topics[1];
    cgt_member ms[2];
    samsa_client *admin;
    int events;

    (void)state;
    cgt_bootstrap();
    admin = cgt_make_topic(topic, sizeof topic, "fenced");
    cgt_topic = topic;
    topics[0] = topic;
    cgt_name_of(group, sizeof group, "fenced");
    snprintf(inst, sizeof inst, "%s-static", group);
    cgt_kv(kv, sizeof kv / sizeof *kv, group, NULL, "group.instance.id", inst,
           "partition.assignment.strategy", "range", "session.timeout.ms", "10000",
           "heartbeat.interval.ms", "300", NULL);
    cgt_member_start(&ms[0], 0, kv);
    cgt_settle(ms, 1, CGT_NPART, 10, 60000);
    cgt_member_start(&ms[1], 1, kv); /* same instance id: takes the place */
    events = run_both(ms, 0, SAMSA_ERR_FENCED_INSTANCE_ID, 30000, fenced_done);
    /* a little longer: the event came once */
    events += run_both(ms, 0, SAMSA_ERR_FENCED_INSTANCE_ID, 1500, NULL);
    assert_int_equal(events, 1);
    assert_int_equal(ms[0].lost_events, 1);
    assert_int_equal(owned_count(&ms[0]), 0);
    assert_int_equal(owned_count(&ms[1]), CGT_NPART);
    assert_non_null(strstr(samsa_client_errstr(ms[0].c), "FENCED_INSTANCE_ID"));
    assert_int_equal(samsa_subscribe(ms[0].c, topics, 1), SAMSA_ERR_STATE);
    snprintf(err, sizeof err, "%s", samsa_err_name(SAMSA_ERR_FENCED_INSTANCE_ID));
    assert_non_null(strstr(samsa_client_errstr(ms[0].c), err));
    cgt_member_stop(&ms[0]);
    cgt_member_stop(&ms[1]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static bool refused_done(cgt_member *ms, int events)
{
    (void)ms;
    return events > 0;
}

/* ms[1] is refused with err; ms[0] keeps everything, sees no callback. */
static void refused(const char *what, const char *const *kv0,
                    const char *const *kv1, int err)
{
    char topic[128];
    const char *topics[1];
    cgt_member ms[2];
    samsa_client *admin;
    int events, before;

    admin = cgt_make_topic(topic, sizeof topic, what);
    cgt_topic = topic;
    topics[0] = topic;
    cgt_member_start(&ms[0], 0, kv0);
    cgt_settle(ms, 1, CGT_NPART, 10, 60000);
    before = ms[0].assigned_events + ms[0].revoked_events + ms[0].lost_events;
    cgt_member_start(&ms[1], 1, kv1);
    events = run_both(ms, 1, err, 30000, refused_done);
    events += run_both(ms, 1, err, 1500, NULL);
    assert_int_equal(events, 1);
    assert_int_equal(owned_count(&ms[0]), CGT_NPART);
    assert_int_equal(owned_count(&ms[1]), 0);
    assert_int_equal(ms[1].assigned_events + ms[1].lost_events, 0);
    assert_int_equal(ms[0].assigned_events + ms[0].revoked_events +
                         ms[0].lost_events, before);
    assert_non_null(strstr(samsa_client_errstr(ms[1].c), samsa_err_name(err)));
    assert_int_equal(samsa_subscribe(ms[1].c, topics, 1), SAMSA_ERR_STATE);
    cgt_member_stop(&ms[1]);
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

static void test_kip848_unreleased_instance(void **state)
{
    char group[128], inst[160];
    const char *kv[8];

    (void)state;
    cgt_bootstrap();
    cgt_name_of(group, sizeof group, "unreleased");
    snprintf(inst, sizeof inst, "%s-static", group);
    cgt_kv(kv, sizeof kv / sizeof *kv, group, NULL, "group.instance.id", inst,
           "group.protocol", "consumer", NULL);
    refused("unreleased", kv, kv, SAMSA_ERR_UNRELEASED_INSTANCE_ID);
}

static void test_inconsistent_protocol(void **state)
{
    char group[128];
    const char *kv0[6], *kv1[6];

    (void)state;
    cgt_bootstrap();
    cgt_name_of(group, sizeof group, "inconsistent");
    cgt_kv(kv0, sizeof kv0 / sizeof *kv0, group, NULL,
           "partition.assignment.strategy", "range", NULL);
    cgt_kv(kv1, sizeof kv1 / sizeof *kv1, group, NULL,
           "partition.assignment.strategy", "roundrobin", NULL);
    refused("inconsistent", kv0, kv1, SAMSA_ERR_INCONSISTENT_GROUP_PROTOCOL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_fenced),
        cmocka_unit_test(test_kip848_unreleased_instance),
        cmocka_unit_test(test_inconsistent_protocol),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
