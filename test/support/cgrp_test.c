/* test/support/cgrp_test.c - see cgrp_test.h. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "cgrp_test.h"
#include "samsa_test_client.h"

const char *cgt_bootstrap(void)
{
    return st_require_env("SAMSA_TEST_BOOTSTRAP");
}

void cgt_name_of(char *buf, size_t len, const char *what)
{
    st_unique_name(buf, len, "hgroup", what);
}

/* kv = "group.id" group, then the name/value strings given after extra
 * (NULL-terminated), then extra's pairs (may be NULL), then NULL. */
void cgt_kv(const char **kv, size_t cap, const char *group,
            const char *const *extra, ...)
{
    const char *s;
    size_t k = 0;
    va_list ap;

    kv[k++] = "group.id";
    kv[k++] = group;
    va_start(ap, extra);
    while ((s = va_arg(ap, const char *)) != NULL) {
        assert_true(k + 1 < cap);
        kv[k++] = s;
    }
    va_end(ap);
    for (; extra && *extra; extra++) {
        assert_true(k + 1 < cap);
        kv[k++] = *extra;
    }
    kv[k] = NULL;
}

/* ------------------------------------------------------------ members */

unsigned char cgt_seen[CGT_NPART][CGT_MAXOFF];
const char *cgt_topic;

void cgt_rebalance_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                         const samsa_topic_partition *tps, size_t n)
{
    cgt_member *m = opaque;
    size_t i;

    for (i = 0; i < n; i++) {
        assert_string_equal(tps[i].topic, cgt_topic);
        assert_true(tps[i].partition >= 0 && tps[i].partition < CGT_NPART);
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
        m->last_assigned_ms = st_now_ms();
    } else if (ev == SAMSA_REBALANCE_REVOKED) {
        m->revoked_events++;
        m->revoked_parts += (int)n;
        if (m->commit_on_revoke && n)
            assert_int_equal(samsa_commit_sync(c, NULL, 0, 10000), 0);
    } else {
        m->lost_events++;
    }
}

samsa_client *cgt_client_new(const char *const *kv, cgt_member *m)
{
    samsa_conf *cf = st_conf_kv(cgt_bootstrap(), kv);

    if (m)
        samsa_conf_set_rebalance_cb(cf, cgt_rebalance_cb, m);
    return st_client_of(cf);
}

void cgt_member_start(cgt_member *m, int id, const char *const *kv)
{
    const char *topics[1] = { cgt_topic };

    memset(m, 0, sizeof *m);
    m->id = id;
    m->commit_on_revoke = true;
    m->c = cgt_client_new(kv, m);
    assert_int_equal(samsa_subscribe(m->c, topics, 1), 0);
}

void cgt_member_stop(cgt_member *m)
{
    assert_int_equal(samsa_close(m->c, 10000), 0);
    samsa_client_destroy(m->c);
    m->c = NULL;
}

/* Consume what is there (up to max messages); count offsets. */
int cgt_drain(cgt_member *m, int max)
{
    int got = 0;
    samsa_message *msg;

    while (got < max && (msg = samsa_consume(m->c, 0)) != NULL) {
        if (msg->err == 0) {
            assert_string_equal(msg->topic, cgt_topic);
            assert_true(msg->partition >= 0 && msg->partition < CGT_NPART);
            assert_true(msg->offset >= 0 && msg->offset < CGT_MAXOFF);
            assert_true(m->owned[msg->partition]);
            if (cgt_seen[msg->partition][msg->offset] < 255)
                cgt_seen[msg->partition][msg->offset]++;
            got++;
        }
        samsa_message_release(msg);
    }
    return got;
}

/* Every partition owned by exactly one live member, each live member
 * owning at least min_each. */
bool cgt_balanced(cgt_member *ms, int n, int min_each)
{
    int p, i, owners;

    for (p = 0; p < CGT_NPART; p++) {
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
        for (p = 0; p < CGT_NPART; p++)
            k += ms[i].owned[p];
        if (k < min_each)
            return false;
    }
    return true;
}

/* Drive every member until balanced (then a little longer, so that a
 * cooperative second round has settled). Returns ms it took. */
int64_t cgt_settle(cgt_member *ms, int n, int min_each, int consume_max,
                      int timeout_ms)
{
    int64_t start = st_now_ms(), done_at = -1;
    int i;

    for (;;) {
        for (i = 0; i < n; i++)
            if (ms[i].c) {
                samsa_poll(ms[i].c, 5);
                cgt_drain(&ms[i], consume_max);
            }
        if (cgt_balanced(ms, n, min_each)) {
            if (done_at < 0)
                done_at = st_now_ms();
            if (st_now_ms() - done_at > 1500)
                return done_at - start;
        } else {
            done_at = -1;
        }
        if (st_now_ms() - start > timeout_ms)
            fail_msg("group did not cgt_settle within %d ms", timeout_ms);
    }
}

void cgt_produce(samsa_client *c, const char *topic, int per_part, int base)
{
    int p, i;
    char val[64];

    for (p = 0; p < CGT_NPART; p++)
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

samsa_client *cgt_make_topic(char *topic, size_t len, const char *what)
{
    samsa_client *admin = cgt_client_new(NULL, NULL);

    cgt_name_of(topic, len, what);
    assert_int_equal(samsa_create_topic(admin, topic, CGT_NPART, 1, NULL, 0, 30000), 0);
    return admin;
}

/* Every offset below total per partition cgt_seen exactly once. */
void cgt_check_exactly_once(int per_part_total)
{
    int p, o, lost = 0, dup = 0;

    for (p = 0; p < CGT_NPART; p++)
        for (o = 0; o < per_part_total; o++) {
            if (cgt_seen[p][o] == 0) {
                if (lost++ < 5)
                    fprintf(stderr, "lost: partition %d offset %d\n", p, o);
            }
            else if (cgt_seen[p][o] > 1)
                dup++;
        }
    if (lost || dup)
        fail_msg("%d offsets lost, %d read more than once", lost, dup);
}

/* Drain until every partition has per_part_total offsets cgt_seen. */
void cgt_finish_reading(cgt_member *ms, int n, int per_part_total, int timeout_ms)
{
    int64_t start = st_now_ms();
    int p, o, i;
    bool all;

    do {
        for (i = 0; i < n; i++)
            if (ms[i].c) {
                samsa_poll(ms[i].c, 5);
                cgt_drain(&ms[i], 1000);
            }
        all = true;
        for (p = 0; p < CGT_NPART && all; p++)
            for (o = 0; o < per_part_total && all; o++)
                all = cgt_seen[p][o] > 0;
        if (st_now_ms() - start > timeout_ms)
            break;
    } while (!all);
}

