/*
 * The classic group state machine against an in-test mock coordinator
 * that scripts faults: COORDINATOR_NOT_AVAILABLE from FindCoordinator,
 * MEMBER_ID_REQUIRED from the first JoinGroup, NOT_COORDINATOR from a
 * SyncGroup, REBALANCE_IN_PROGRESS and ILLEGAL_GENERATION from
 * heartbeats, FENCED_INSTANCE_ID for a static member, and
 * GROUP_AUTHORIZATION_FAILED from FindCoordinator. Checked: the
 * rebalance callback sequence (ASSIGNED / REVOKED / LOST), a commit made
 * inside REVOKED reaching the coordinator before the next JoinGroup, the
 * starting offsets taken from OffsetFetch, LeaveGroup on close (and none
 * for a static member), and that a fenced static member or an
 * unauthorized group stops with one group event from samsa_consume; a
 * handle that only commits (no subscribe) fails its commit at once with
 * GROUP_AUTHORIZATION_FAILED and the broker's message, and keeps looking
 * while the coordinator is not available.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "samsa_test.h"
#include "mock_broker.h"
#include "samsa.h"
#include "samsa/consumer.h"
#include "msg_find_coordinator.h"
#include "msg_heartbeat.h"
#include "msg_join_group.h"
#include "msg_leave_group.h"
#include "msg_metadata.h"
#include "msg_offset_commit.h"
#include "msg_offset_fetch.h"
#include "msg_sync_group.h"

#define NPARTS 2
#define MAXLOG 512

typedef struct mock {
    st_mock mb;
    int16_t log[MAXLOG]; /* api keys in arrival order */
    int nlog;
    int finds, joins, syncs, hbs, leaves, commits;
    int32_t generation;
    char member[64];
    char left_member[64];
    int64_t committed[NPARTS];
    /* faults */
    int find_fail_first;  /* first FindCoordinator: COORDINATOR_NOT_AVAILABLE */
    int16_t find_err;     /* every other FindCoordinator answers this */
    int sync_fail_no;     /* that SyncGroup: NOT_COORDINATOR */
    int hb_fail_no[4];    /* heartbeat numbers that fail ... */
    int16_t hb_fail_err[4]; /* ... with these */
    int fetch_unstable;   /* OffsetFetch answers with UNSTABLE_OFFSET_COMMIT first */
    int offset_fetches;
} mock;

static int16_t hb_error(mock *m)
{
    int i;

    for (i = 0; i < 4; i++)
        if (m->hb_fail_no[i] == m->hbs)
            return m->hb_fail_err[i];
    return 0;
}

static void answer_find_coordinator(mock *m, const st_mock_req *rq)
{
    sp_find_coordinator_resp fr;
    sp_find_coordinator_coordinator co;
    int16_t err = m->finds++ == 0 && m->find_fail_first ? SAMSA_ERR_COORDINATOR_NOT_AVAILABLE
                                                        : m->find_err;

    memset(&fr, 0, sizeof fr);
    memset(&co, 0, sizeof co);
    co.key = sp_str_of("g");
    co.node_id = err ? -1 : 1;
    co.host = sp_str_of(err ? "" : "127.0.0.1");
    co.port = err ? -1 : m->mb.port;
    co.error_code = err;
    co.error_message = err ? sp_str_of("mock says no") : (sp_str){ NULL, -1 };
    fr.error_code = err;
    fr.error_message = co.error_message;
    fr.node_id = co.node_id;
    fr.host = co.host;
    fr.port = co.port;
    fr.coordinators.count = 1;
    fr.coordinators.items = &co;
    st_mock_reply(rq, &sp_msg_find_coordinator_resp, &fr);
}

static void answer_join_group(mock *m, const st_mock_req *rq)
{
    sp_join_group_req q;
    sp_join_group_resp jr;
    sp_join_group_member mb;

    st_mock_decode(rq, &sp_msg_join_group_req, &q);
    assert_true(q.protocols.count >= 1);
    memset(&jr, 0, sizeof jr);
    m->joins++;
    jr.protocol_type = sp_str_of("consumer");
    jr.protocol_name = q.protocols.items[0].name;
    if (q.member_id.len == 0 && q.group_instance_id.len < 0) {
        jr.error_code = SAMSA_ERR_MEMBER_ID_REQUIRED;
        jr.member_id = sp_str_of("m-1");
        jr.generation_id = -1;
        jr.leader = sp_str_of("");
    } else {
        if (q.member_id.len > 0)
            snprintf(m->member, sizeof m->member, "%.*s", (int)q.member_id.len,
                     q.member_id.ptr);
        else
            snprintf(m->member, sizeof m->member, "%s", "static-1");
        jr.generation_id = ++m->generation;
        jr.member_id = sp_str_of(m->member);
        jr.leader = jr.member_id;
        memset(&mb, 0, sizeof mb);
        mb.member_id = jr.member_id;
        mb.group_instance_id = q.group_instance_id;
        mb.metadata = q.protocols.items[0].metadata;
        jr.members.count = 1;
        jr.members.items = &mb;
    }
    st_mock_reply(rq, &sp_msg_join_group_resp, &jr);
}

static void answer_sync_group(mock *m, const st_mock_req *rq)
{
    sp_sync_group_req q;
    sp_sync_group_resp sr;

    st_mock_decode(rq, &sp_msg_sync_group_req, &q);
    memset(&sr, 0, sizeof sr);
    sr.protocol_type = sp_str_of("consumer");
    sr.protocol_name = q.protocol_name;
    if (++m->syncs == m->sync_fail_no) {
        sr.error_code = SAMSA_ERR_NOT_COORDINATOR;
    } else {
        assert_int_equal(q.generation_id, m->generation);
        assert_int_equal(q.assignments.count, 1);
        sr.assignment = q.assignments.items[0].assignment;
    }
    st_mock_reply(rq, &sp_msg_sync_group_resp, &sr);
}

static void answer_leave_group(mock *m, const st_mock_req *rq)
{
    sp_leave_group_req q;
    sp_leave_group_resp lr;

    st_mock_decode(rq, &sp_msg_leave_group_req, &q);
    m->leaves++;
    if (rq->version >= 3 && q.members.count == 1)
        snprintf(m->left_member, sizeof m->left_member, "%.*s",
                 (int)q.members.items[0].member_id.len, q.members.items[0].member_id.ptr);
    memset(&lr, 0, sizeof lr);
    st_mock_reply(rq, &sp_msg_leave_group_resp, &lr);
}

static void answer_offset_commit(mock *m, const st_mock_req *rq)
{
    sp_offset_commit_req q;
    sp_offset_commit_resp cr;
    sp_offset_commit_resp_topic rt;
    sp_offset_commit_resp_partition rp[NPARTS];
    int32_t i;

    st_mock_decode(rq, &sp_msg_offset_commit_req, &q);
    m->commits++;
    assert_int_equal(q.topics.count, 1);
    assert_true(q.topics.items[0].partitions.count <= NPARTS);
    memset(&rt, 0, sizeof rt);
    memset(rp, 0, sizeof rp);
    for (i = 0; i < q.topics.items[0].partitions.count; i++) {
        const sp_offset_commit_req_partition *x = &q.topics.items[0].partitions.items[i];

        if (x->partition_index >= 0 && x->partition_index < NPARTS)
            m->committed[x->partition_index] = x->committed_offset;
        rp[i].partition_index = x->partition_index;
    }
    rt.name = q.topics.items[0].name;
    rt.partitions.count = q.topics.items[0].partitions.count;
    rt.partitions.items = rp;
    memset(&cr, 0, sizeof cr);
    cr.topics.count = 1;
    cr.topics.items = &rt;
    st_mock_reply(rq, &sp_msg_offset_commit_resp, &cr);
}

static void answer_offset_fetch(mock *m, const st_mock_req *rq)
{
    sp_offset_fetch_req q;
    sp_offset_fetch_resp fr;
    sp_offset_fetch_resp_group g;
    sp_offset_fetch_resp_group_topic gt;
    sp_offset_fetch_resp_topic t;
    sp_offset_fetch_resp_partition rp[NPARTS];
    int32_t i, n;
    const int32_t *idx;

    st_mock_decode(rq, &sp_msg_offset_fetch_req, &q);
    n = rq->version >= 8 ? q.groups.items[0].topics.items[0].partition_indexes.count
                         : q.topics.items[0].partition_indexes.count;
    idx = rq->version >= 8 ? q.groups.items[0].topics.items[0].partition_indexes.items
                           : q.topics.items[0].partition_indexes.items;
    assert_true(n <= NPARTS);
    memset(rp, 0, sizeof rp);
    for (i = 0; i < n; i++) {
        rp[i].partition_index = idx[i];
        rp[i].committed_offset = m->committed[idx[i]];
        rp[i].committed_leader_epoch = -1;
        rp[i].metadata = sp_str_of("");
        if (m->offset_fetches < m->fetch_unstable) {
            rp[i].committed_offset = -1;
            rp[i].error_code = SAMSA_ERR_UNSTABLE_OFFSET_COMMIT;
        }
    }
    m->offset_fetches++;
    memset(&fr, 0, sizeof fr);
    memset(&g, 0, sizeof g);
    memset(&gt, 0, sizeof gt);
    memset(&t, 0, sizeof t);
    t.name = sp_str_of("t");
    t.partitions.count = n;
    t.partitions.items = rp;
    gt.name = t.name;
    gt.partitions.count = n;
    gt.partitions.items = rp;
    g.group_id = sp_str_of("g");
    g.topics.count = 1;
    g.topics.items = &gt;
    fr.topics.count = 1;
    fr.topics.items = &t;
    fr.groups.count = 1;
    fr.groups.items = &g;
    st_mock_reply(rq, &sp_msg_offset_fetch_resp, &fr);
}

/* The mock's handler (mock_broker.h): logs the group calls in order and
 * answers them; Fetch and ListOffsets are not offered, so never sent. */
static bool handle(void *opaque, const st_mock_req *rq)
{
    static const sp_api_version_range ranges[] = {
        { 3, 0, 12 }, { 8, 2, 9 }, { 9, 0, 9 }, { 10, 0, 4 }, { 11, 0, 9 },
        { 12, 0, 4 }, { 13, 0, 5 }, { 14, 0, 5 }, { 18, 0, 3 },
    };
    mock *m = opaque;

    if (m->nlog < MAXLOG && rq->key != 18 && rq->key != SP_METADATA_KEY)
        m->log[m->nlog++] = rq->key;
    switch (rq->key) {
    case 18: /* ApiVersions */
        st_mock_reply_versions(rq, ranges, (int32_t)(sizeof ranges / sizeof ranges[0]));
        break;
    case SP_METADATA_KEY:
        st_mock_reply_metadata(rq, &m->mb, "t", NPARTS, 0, 0);
        break;
    case SP_FIND_COORDINATOR_KEY:
        answer_find_coordinator(m, rq);
        break;
    case SP_JOIN_GROUP_KEY:
        answer_join_group(m, rq);
        break;
    case SP_SYNC_GROUP_KEY:
        answer_sync_group(m, rq);
        break;
    case SP_HEARTBEAT_KEY: {
        sp_heartbeat_resp hr;

        m->hbs++;
        memset(&hr, 0, sizeof hr);
        hr.error_code = hb_error(m);
        st_mock_reply(rq, &sp_msg_heartbeat_resp, &hr);
        break;
    }
    case SP_LEAVE_GROUP_KEY:
        answer_leave_group(m, rq);
        break;
    case SP_OFFSET_COMMIT_KEY:
        answer_offset_commit(m, rq);
        break;
    case SP_OFFSET_FETCH_KEY:
        answer_offset_fetch(m, rq);
        break;
    default:
        return false;
    }
    return true;
}

static void mock_start(mock *m)
{
    int i;

    memset(m, 0, sizeof *m);
    for (i = 0; i < NPARTS; i++)
        m->committed[i] = -1;
    st_mock_start(&m->mb, handle, m);
}

static void mock_run(mock *m)
{
    st_mock_run(&m->mb);
}

static void mock_stop(mock *m)
{
    st_mock_stop(&m->mb);
}

/* ---------------------------------------------------------- client side */

typedef struct events {
    char seq[64]; /* A, R, L per callback */
    int n;
    int owned;
    mock *m;
    int commits_at_revoke;
} events;

static void rb_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                  const samsa_topic_partition *tps, size_t n)
{
    events *e = opaque;

    if (e->n < 63)
        e->seq[e->n++] = ev == SAMSA_REBALANCE_ASSIGNED   ? 'A'
                         : ev == SAMSA_REBALANCE_REVOKED ? 'R'
                                                         : 'L';
    if (ev == SAMSA_REBALANCE_ASSIGNED) {
        e->owned += (int)n;
    } else {
        e->owned -= (int)n;
    }
    if (ev == SAMSA_REBALANCE_REVOKED && n) {
        samsa_topic_partition tp;

        memset(&tp, 0, sizeof tp);
        tp.topic = tps[0].topic;
        tp.partition = 0;
        tp.offset = 100 + e->n;
        tp.leader_epoch = -1;
        /* queued: the rejoin waits for it */
        assert_int_equal(samsa_commit_sync(c, &tp, 1, 5000), 0);
        e->commits_at_revoke++;
    }
}

static samsa_client *mk_client(mock *m, events *e, const char *instance)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256], boot[64];

    snprintf(boot, sizeof boot, "127.0.0.1:%d", m->mb.port);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", boot, err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "group.id", "g", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "heartbeat.interval.ms", "50", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "retry.backoff.ms", "20", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "enable.auto.commit", "false", err, sizeof err), 0);
    if (instance)
        assert_int_equal(samsa_conf_set(cf, "group.instance.id", instance, err,
                                        sizeof err), 0);
    samsa_conf_set_rebalance_cb(cf, rb_cb, e);
    c = samsa_client_new(cf, err, sizeof err);
    assert_non_null(c);
    samsa_conf_destroy(cf);
    return c;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void run_until(samsa_client *c, mock *m, int hbs, int timeout_ms)
{
    int64_t start = now_ms();
    int done;

    do {
        samsa_poll(c, 10);
        st_mock_lock(&m->mb);
        done = m->hbs >= hbs;
        st_mock_unlock(&m->mb);
    } while (!done && now_ms() - start < timeout_ms);
    assert_true(done);
}

static int index_of(const mock *m, int16_t key, int from)
{
    int i;

    for (i = from; i < m->nlog; i++)
        if (m->log[i] == key)
            return i;
    return -1;
}

static void test_faults(void **state)
{
    const char *topics[] = { "t" };
    samsa_client *c;
    events e;
    mock m;
    int r;

    (void)state;
    mock_start(&m);
    m.find_fail_first = 1;
    m.sync_fail_no = 1;
    m.hb_fail_no[0] = 4;
    m.hb_fail_err[0] = SAMSA_ERR_REBALANCE_IN_PROGRESS;
    m.hb_fail_no[1] = 8;
    m.hb_fail_err[1] = SAMSA_ERR_ILLEGAL_GENERATION;
    m.committed[1] = 42; /* partition 1 starts there */
    mock_run(&m);
    memset(&e, 0, sizeof e);
    c = mk_client(&m, &e, NULL);
    assert_int_equal(samsa_subscribe(c, topics, 1), 0);
    run_until(c, &m, 12, 10000);
    /* A (join), R A (rebalance in progress: eager revoke, rejoin),
     * L A (illegal generation: lost, rejoin) */
    e.seq[e.n] = '\0';
    assert_string_equal(e.seq, "ARALA");
    assert_int_equal(e.owned, NPARTS);
    st_mock_lock(&m.mb);
    assert_true(m.finds >= 3); /* the failed one, then after NOT_COORDINATOR */
    assert_int_equal(m.generation, 4); /* + the join after NOT_COORDINATOR */
    assert_string_equal(m.member, "m-1");
    /* the commit from REVOKED reached the coordinator before the rejoin */
    {
        int i, hb = 0, after = -1, join;

        for (i = 0; i < m.nlog && after < 0; i++)
            if (m.log[i] == SP_HEARTBEAT_KEY && ++hb == 4)
                after = i; /* the REBALANCE_IN_PROGRESS answer */
        assert_true(after >= 0);
        r = index_of(&m, SP_OFFSET_COMMIT_KEY, after);
        join = index_of(&m, SP_JOIN_GROUP_KEY, after);
        assert_true(r > after);
        assert_true(join > r);
    }
    st_mock_unlock(&m.mb);
    {
        samsa_topic_partition tp[2];

        memset(tp, 0, sizeof tp);
        tp[0].topic = "t";
        tp[0].partition = 1;
        tp[1].topic = "t";
        tp[1].partition = 0;
        assert_int_equal(samsa_committed(c, tp, 2, 5000), 0);
        assert_int_equal(tp[0].offset, 42);
        assert_int_equal(tp[1].offset, 100 + 2); /* from the REVOKED callback */
    }
    assert_int_equal(samsa_close(c, 5000), 0);
    st_mock_lock(&m.mb);
    assert_int_equal(m.leaves, 1);
    assert_string_equal(m.left_member, "m-1");
    st_mock_unlock(&m.mb);
    samsa_client_destroy(c);
    mock_stop(&m);
}

/* Consume for ms: the fatal group event must come exactly once. */
static void expect_group_event(samsa_client *c, int err, int ms)
{
    int64_t t0 = now_ms();
    int got = 0;

    while (now_ms() - t0 < ms) {
        samsa_message *msg = samsa_consume(c, 10);

        if (!msg)
            continue;
        assert_int_equal(msg->err, err);
        assert_string_equal(msg->topic, "");
        assert_int_equal(msg->partition, -1);
        assert_int_equal(msg->offset, SAMSA_OFFSET_INVALID);
        assert_non_null(strstr(msg->errstr, samsa_err_name(err)));
        assert_non_null(strstr(msg->errstr, "group g"));
        got++;
        samsa_message_release(msg);
    }
    assert_int_equal(got, 1);
}

static void test_static_fenced(void **state)
{
    const char *topics[] = { "t" };
    samsa_client *c;
    events e;
    mock m;
    int joins;

    (void)state;
    mock_start(&m);
    m.hb_fail_no[0] = 3;
    m.hb_fail_err[0] = SAMSA_ERR_FENCED_INSTANCE_ID;
    mock_run(&m);
    memset(&e, 0, sizeof e);
    c = mk_client(&m, &e, "inst-1");
    assert_int_equal(samsa_subscribe(c, topics, 1), 0);
    run_until(c, &m, 3, 10000);
    {
        int64_t t0 = now_ms();

        while (now_ms() - t0 < 500)
            samsa_poll(c, 10);
    }
    e.seq[e.n] = '\0';
    assert_string_equal(e.seq, "AL"); /* no MEMBER_ID_REQUIRED for static */
    st_mock_lock(&m.mb);
    joins = m.joins;
    assert_int_equal(joins, 1);
    assert_int_equal(m.hbs, 3); /* stopped */
    st_mock_unlock(&m.mb);
    assert_non_null(strstr(samsa_client_errstr(c), "FENCED_INSTANCE_ID"));
    expect_group_event(c, SAMSA_ERR_FENCED_INSTANCE_ID, 300);
    assert_int_equal(samsa_subscribe(c, topics, 1), SAMSA_ERR_STATE);
    assert_int_equal(samsa_close(c, 5000), 0);
    st_mock_lock(&m.mb);
    assert_int_equal(m.leaves, 0);
    st_mock_unlock(&m.mb);
    samsa_client_destroy(c);
    mock_stop(&m);
}

/* A started mock whose FindCoordinator answers find_err (after one
 * COORDINATOR_NOT_AVAILABLE with fail_first), and a handle on it. */
static samsa_client *mock_and_client(mock *m, events *e, int16_t find_err,
                                     int fail_first)
{
    mock_start(m);
    m->find_err = find_err;
    m->find_fail_first = fail_first;
    mock_run(m);
    memset(e, 0, sizeof *e);
    return mk_client(m, e, NULL);
}

static void close_all(samsa_client *c, mock *m)
{
    assert_int_equal(samsa_close(c, 5000), 0);
    samsa_client_destroy(c);
    mock_stop(m);
}

/* FindCoordinator says GROUP_AUTHORIZATION_FAILED: no retry, one event. */
static void test_group_unauthorized(void **state)
{
    const char *topics[] = { "t" };
    samsa_client *c;
    events e;
    mock m;

    (void)state;
    c = mock_and_client(&m, &e, SAMSA_ERR_GROUP_AUTHORIZATION_FAILED, 0);
    assert_int_equal(samsa_subscribe(c, topics, 1), 0);
    expect_group_event(c, SAMSA_ERR_GROUP_AUTHORIZATION_FAILED, 1000);
    st_mock_lock(&m.mb);
    assert_int_equal(m.finds, 1);
    assert_int_equal(m.joins, 0);
    st_mock_unlock(&m.mb);
    assert_int_equal(e.n, 0); /* never had partitions: no callback */
    assert_int_equal(samsa_subscribe(c, topics, 1), SAMSA_ERR_STATE);
    close_all(c, &m);
}

/* assign() t [0] at the group's committed offset (tp stays the caller's,
 * for samsa_position later). */
static void assign_stored(samsa_client *c, samsa_topic_partition *tp)
{
    memset(tp, 0, sizeof *tp);
    tp->topic = "t";
    tp->offset = SAMSA_OFFSET_STORED;
    tp->leader_epoch = -1;
    assert_int_equal(samsa_assign(c, tp, 1), 0);
}

/* assign() with group.id, starting at the committed offsets, and
 * FindCoordinator says GROUP_AUTHORIZATION_FAILED: samsa_consume reports
 * it (as Java's poll throws) instead of the lookup going on forever. */
static void test_assign_unauthorized(void **state)
{
    samsa_topic_partition tp;
    samsa_client *c;
    events e;
    mock m;
    int64_t t0;
    int got = 0, other = 0;

    (void)state;
    c = mock_and_client(&m, &e, SAMSA_ERR_GROUP_AUTHORIZATION_FAILED, 0);
    assign_stored(c, &tp);
    t0 = now_ms();
    while (now_ms() - t0 < 1500) {
        samsa_message *msg = samsa_consume(c, 10);

        if (!msg)
            continue;
        if (msg->err == SAMSA_ERR_GROUP_AUTHORIZATION_FAILED) {
            assert_string_equal(msg->topic, "t");
            assert_int_equal(msg->partition, 0);
            assert_non_null(strstr(msg->errstr, "committed offset"));
            got++;
        } else {
            other++; /* e.g. a ListOffsets of a fallback to the policy */
        }
        samsa_message_release(msg);
    }
    assert_int_equal(got, 1);
    assert_int_equal(other, 0);
    st_mock_lock(&m.mb);
    assert_int_equal(m.finds, 1); /* a final error: not looked up again */
    st_mock_unlock(&m.mb);
    close_all(c, &m);
}

/* assign() with group.id at the committed offsets while the group has a
 * transaction's offsets pending (UNSTABLE_OFFSET_COMMIT, twice): asked
 * again until the answer comes, then started there, never per
 * auto.offset.reset meanwhile (and the retried answers' metadata blocks
 * are not leaked). */
static void test_assign_offset_unstable(void **state)
{
    samsa_topic_partition tp;
    samsa_client *c;
    events e;
    mock m;
    int64_t t0;

    (void)state;
    mock_start(&m);
    m.fetch_unstable = 2;
    m.committed[0] = 5;
    mock_run(&m);
    memset(&e, 0, sizeof e);
    c = mk_client(&m, &e, NULL);
    assign_stored(c, &tp);
    t0 = now_ms();
    for (;;) {
        samsa_message *msg = samsa_consume(c, 10);

        if (msg) {
            fail_msg("unexpected event %s: %s", samsa_err_name(msg->err), msg->errstr);
            samsa_message_release(msg);
        }
        tp.offset = -1;
        assert_int_equal(samsa_position(c, &tp, 1), 0);
        if (tp.offset == 5 || now_ms() - t0 > 5000)
            break;
    }
    assert_int_equal(tp.offset, 5);
    st_mock_lock(&m.mb);
    assert_int_equal(m.offset_fetches, 3);
    st_mock_unlock(&m.mb);
    close_all(c, &m);
}

static void commit_one(samsa_topic_partition *tp)
{
    memset(tp, 0, sizeof *tp);
    tp->topic = "t";
    tp->offset = 7;
    tp->leader_epoch = -1;
}

/* Commit-only handle, FindCoordinator GROUP_AUTHORIZATION_FAILED: the
 * commit fails on the first answer (a retry would run to the timeout and
 * return TIMED_OUT), with the broker's message in the errstr. */
static void test_commit_only_unauthorized(void **state)
{
    samsa_topic_partition tp;
    samsa_client *c;
    events e;
    mock m;

    (void)state;
    c = mock_and_client(&m, &e, SAMSA_ERR_GROUP_AUTHORIZATION_FAILED, 0);
    commit_one(&tp);
    assert_int_equal(samsa_commit_sync(c, &tp, 1, 60000),
                     SAMSA_ERR_GROUP_AUTHORIZATION_FAILED);
    assert_non_null(strstr(samsa_client_errstr(c), "GROUP_AUTHORIZATION_FAILED"));
    assert_non_null(strstr(samsa_client_errstr(c), "mock says no"));
    tp.offset = -1;
    assert_int_equal(samsa_committed(c, &tp, 1, 60000),
                     SAMSA_ERR_GROUP_AUTHORIZATION_FAILED);
    st_mock_lock(&m.mb);
    assert_int_equal(m.finds, 2); /* one per call */
    assert_int_equal(m.commits, 0);
    st_mock_unlock(&m.mb);
    close_all(c, &m);
}

/* Commit-only handle, COORDINATOR_NOT_AVAILABLE (retriable) from the
 * first FindCoordinator: found on the next lookup, the commit lands. */
static void test_commit_only_coordinator_late(void **state)
{
    samsa_topic_partition tp;
    samsa_client *c;
    events e;
    mock m;

    (void)state;
    c = mock_and_client(&m, &e, 0, 1);
    commit_one(&tp);
    assert_int_equal(samsa_commit_sync(c, &tp, 1, 60000), 0);
    st_mock_lock(&m.mb);
    assert_int_equal(m.finds, 2);
    assert_int_equal(m.commits, 1);
    assert_int_equal(m.committed[0], 7);
    st_mock_unlock(&m.mb);
    close_all(c, &m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_static_fenced),
        cmocka_unit_test(test_group_unauthorized),
        cmocka_unit_test(test_commit_only_unauthorized),
        cmocka_unit_test(test_assign_unauthorized),
        cmocka_unit_test(test_assign_offset_unstable),
        cmocka_unit_test(test_commit_only_coordinator_late),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
