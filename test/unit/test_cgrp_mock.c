/*
 * The classic group state machine against an in-test mock coordinator
 * that scripts faults: COORDINATOR_NOT_AVAILABLE from FindCoordinator,
 * MEMBER_ID_REQUIRED from the first JoinGroup, NOT_COORDINATOR from a
 * SyncGroup, REBALANCE_IN_PROGRESS and ILLEGAL_GENERATION from
 * heartbeats, FENCED_INSTANCE_ID for a static member. Checked: the
 * rebalance callback sequence (ASSIGNED / REVOKED / LOST), a commit made
 * inside REVOKED reaching the coordinator before the next JoinGroup, the
 * starting offsets taken from OffsetFetch, LeaveGroup on close (and none
 * for a static member), and that a fenced static member stops.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa.h"
#include "samsa/consumer.h"
#include "api.h"
#include "api_versions.h"
#include "arena.h"
#include "header.h"
#include "msg_find_coordinator.h"
#include "msg_heartbeat.h"
#include "msg_join_group.h"
#include "msg_leave_group.h"
#include "msg_metadata.h"
#include "msg_offset_commit.h"
#include "msg_offset_fetch.h"
#include "msg_sync_group.h"
#include "schema.h"

#define NPARTS 2
#define MAXLOG 512

typedef struct mock {
    int lfd, port;
    pthread_t th;
    volatile int stop;
    pthread_mutex_t mu;
    int16_t log[MAXLOG]; /* api keys in arrival order */
    int nlog;
    int finds, joins, syncs, hbs, leaves, commits;
    int32_t generation;
    char member[64];
    char left_member[64];
    int64_t committed[NPARTS];
    /* faults */
    int find_fail_first;  /* first FindCoordinator: COORDINATOR_NOT_AVAILABLE */
    int sync_fail_no;     /* that SyncGroup: NOT_COORDINATOR */
    int hb_fail_no[4];    /* heartbeat numbers that fail ... */
    int16_t hb_fail_err[4]; /* ... with these */
} mock;

static void send_resp(int fd, int16_t key, int16_t ver, int32_t corr,
                      const sp_msg_desc *d, const void *obj,
                      const sp_api_versions_resp *av)
{
    sp_writer w;
    size_t fr, off = 0;

    sp_writer_init(&w, NULL, 1 << 20);
    fr = sp_frame_begin(&w);
    sp_write_response_header(&w, sp_api_response_header_version(key, ver), corr);
    if (av)
        assert_int_equal(sp_api_versions_resp_encode(&w, ver, av), 0);
    else
        assert_int_equal(sp_schema_encode(&w, d, ver, obj), 0);
    sp_frame_end(&w, fr);
    assert_int_equal(w.err, 0);
    while (off < w.len) {
        ssize_t n = send(fd, w.buf + off, w.len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    sp_writer_free(&w);
}

static void metadata(mock *m, int fd, int16_t ver, int32_t corr)
{
    sp_metadata_resp mr;
    sp_metadata_resp_broker br;
    sp_metadata_resp_topic tp;
    sp_metadata_resp_partition pp[NPARTS];
    static int32_t one = 1;
    int i;

    memset(&mr, 0, sizeof mr);
    memset(&br, 0, sizeof br);
    memset(&tp, 0, sizeof tp);
    memset(pp, 0, sizeof pp);
    br.node_id = 1;
    br.host = sp_str_of("127.0.0.1");
    br.port = m->port;
    br.rack.len = -1;
    for (i = 0; i < NPARTS; i++) {
        pp[i].partition_index = i;
        pp[i].leader_id = 1;
        pp[i].replica_nodes.count = 1;
        pp[i].replica_nodes.items = &one;
        pp[i].isr_nodes.count = 1;
        pp[i].isr_nodes.items = &one;
    }
    tp.name = sp_str_of("t");
    tp.topic_id.b[0] = 7;
    tp.partitions.count = NPARTS;
    tp.partitions.items = pp;
    tp.topic_authorized_operations = INT32_MIN;
    mr.brokers.count = 1;
    mr.brokers.items = &br;
    mr.cluster_id = sp_str_of("mock");
    mr.controller_id = 1;
    mr.topics.count = 1;
    mr.topics.items = &tp;
    mr.cluster_authorized_operations = INT32_MIN;
    send_resp(fd, SP_METADATA_KEY, ver, corr, &sp_msg_metadata_resp, &mr, NULL);
}

static int16_t hb_error(mock *m)
{
    int i;

    for (i = 0; i < 4; i++)
        if (m->hb_fail_no[i] == m->hbs)
            return m->hb_fail_err[i];
    return 0;
}

static bool handle(mock *m, int fd, const uint8_t *body, size_t len)
{
    sp_reader r;
    sp_request_header h;
    sp_arena arena;
    int16_t key, ver;
    const uint8_t *p;
    size_t plen;
    bool keep = true;

    if (len < 4)
        return false;
    key = (int16_t)(body[0] << 8 | body[1]);
    ver = (int16_t)(body[2] << 8 | body[3]);
    sp_reader_init(&r, body, len);
    if (sp_read_request_header(&r, sp_api_request_header_version(key, ver), &h))
        return false;
    p = r.p;
    plen = (size_t)(r.end - r.p);
    sp_arena_init(&arena, NULL, 1 << 24);
    pthread_mutex_lock(&m->mu);
    if (m->nlog < MAXLOG && key != 18 && key != SP_METADATA_KEY)
        m->log[m->nlog++] = key;
    if (key == 18) {
        static const sp_api_version_range ranges[] = {
            { 3, 0, 12 }, { 8, 2, 9 }, { 9, 0, 9 }, { 10, 0, 4 }, { 11, 0, 9 },
            { 12, 0, 4 }, { 13, 0, 5 }, { 14, 0, 5 }, { 18, 0, 3 },
        };
        sp_api_versions_resp av;

        memset(&av, 0, sizeof av);
        av.api_keys.count = (int32_t)(sizeof ranges / sizeof ranges[0]);
        av.api_keys.items = (sp_api_version_range *)ranges;
        av.finalized_features_epoch = -1;
        send_resp(fd, key, ver, h.correlation_id, NULL, NULL, &av);
    } else if (key == SP_METADATA_KEY) {
        metadata(m, fd, ver, h.correlation_id);
    } else if (key == SP_FIND_COORDINATOR_KEY) {
        sp_find_coordinator_resp fr;
        sp_find_coordinator_coordinator co;
        int16_t err = m->finds++ == 0 && m->find_fail_first
                          ? SAMSA_ERR_COORDINATOR_NOT_AVAILABLE : 0;

        memset(&fr, 0, sizeof fr);
        memset(&co, 0, sizeof co);
        co.key = sp_str_of("g");
        co.node_id = err ? -1 : 1;
        co.host = sp_str_of(err ? "" : "127.0.0.1");
        co.port = err ? -1 : m->port;
        co.error_code = err;
        co.error_message.len = -1;
        fr.error_code = err;
        fr.error_message.len = -1;
        fr.node_id = co.node_id;
        fr.host = co.host;
        fr.port = co.port;
        fr.coordinators.count = 1;
        fr.coordinators.items = &co;
        send_resp(fd, key, ver, h.correlation_id, &sp_msg_find_coordinator_resp,
                  &fr, NULL);
    } else if (key == SP_JOIN_GROUP_KEY) {
        sp_join_group_req q;
        sp_join_group_resp jr;
        sp_join_group_member mb;

        assert_int_equal(sp_schema_decode(&sp_msg_join_group_req, ver, &q, &arena,
                                          p, plen), 0);
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
            const char *id = q.member_id.len > 0 ? m->member : "static-1";

            if (q.member_id.len > 0)
                snprintf(m->member, sizeof m->member, "%.*s", (int)q.member_id.len,
                         q.member_id.ptr);
            else
                snprintf(m->member, sizeof m->member, "%s", id);
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
        send_resp(fd, key, ver, h.correlation_id, &sp_msg_join_group_resp, &jr, NULL);
    } else if (key == SP_SYNC_GROUP_KEY) {
        sp_sync_group_req q;
        sp_sync_group_resp sr;

        assert_int_equal(sp_schema_decode(&sp_msg_sync_group_req, ver, &q, &arena,
                                          p, plen), 0);
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
        send_resp(fd, key, ver, h.correlation_id, &sp_msg_sync_group_resp, &sr, NULL);
    } else if (key == SP_HEARTBEAT_KEY) {
        sp_heartbeat_resp hr;

        m->hbs++;
        memset(&hr, 0, sizeof hr);
        hr.error_code = hb_error(m);
        send_resp(fd, key, ver, h.correlation_id, &sp_msg_heartbeat_resp, &hr, NULL);
    } else if (key == SP_LEAVE_GROUP_KEY) {
        sp_leave_group_req q;
        sp_leave_group_resp lr;

        assert_int_equal(sp_schema_decode(&sp_msg_leave_group_req, ver, &q, &arena,
                                          p, plen), 0);
        m->leaves++;
        if (ver >= 3 && q.members.count == 1)
            snprintf(m->left_member, sizeof m->left_member, "%.*s",
                     (int)q.members.items[0].member_id.len,
                     q.members.items[0].member_id.ptr);
        memset(&lr, 0, sizeof lr);
        send_resp(fd, key, ver, h.correlation_id, &sp_msg_leave_group_resp, &lr, NULL);
    } else if (key == SP_OFFSET_COMMIT_KEY) {
        sp_offset_commit_req q;
        sp_offset_commit_resp cr;
        sp_offset_commit_resp_topic rt;
        sp_offset_commit_resp_partition rp[NPARTS];
        int32_t i;

        assert_int_equal(sp_schema_decode(&sp_msg_offset_commit_req, ver, &q, &arena,
                                          p, plen), 0);
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
        send_resp(fd, key, ver, h.correlation_id, &sp_msg_offset_commit_resp, &cr, NULL);
    } else if (key == SP_OFFSET_FETCH_KEY) {
        sp_offset_fetch_req q;
        sp_offset_fetch_resp fr;
        sp_offset_fetch_resp_group g;
        sp_offset_fetch_resp_group_topic gt;
        sp_offset_fetch_resp_topic t;
        sp_offset_fetch_resp_partition rp[NPARTS];
        int32_t i, n;
        const int32_t *idx;

        assert_int_equal(sp_schema_decode(&sp_msg_offset_fetch_req, ver, &q, &arena,
                                          p, plen), 0);
        n = ver >= 8 ? q.groups.items[0].topics.items[0].partition_indexes.count
                     : q.topics.items[0].partition_indexes.count;
        idx = ver >= 8 ? q.groups.items[0].topics.items[0].partition_indexes.items
                       : q.topics.items[0].partition_indexes.items;
        assert_true(n <= NPARTS);
        memset(rp, 0, sizeof rp);
        for (i = 0; i < n; i++) {
            rp[i].partition_index = idx[i];
            rp[i].committed_offset = m->committed[idx[i]];
            rp[i].committed_leader_epoch = -1;
            rp[i].metadata = sp_str_of("");
        }
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
        send_resp(fd, key, ver, h.correlation_id, &sp_msg_offset_fetch_resp, &fr, NULL);
    } else {
        keep = false; /* Fetch, ListOffsets: not offered, never sent */
    }
    pthread_mutex_unlock(&m->mu);
    sp_arena_free(&arena);
    return keep;
}

typedef struct mconn {
    int fd;
    uint8_t *buf;
    size_t len, cap;
} mconn;

static void *mock_main(void *arg)
{
    mock *m = arg;
    mconn cs[8];
    int nc = 0, i;

    while (!m->stop) {
        struct pollfd pf[9];

        pf[0].fd = m->lfd;
        pf[0].events = POLLIN;
        for (i = 0; i < nc; i++) {
            pf[i + 1].fd = cs[i].fd;
            pf[i + 1].events = POLLIN;
        }
        if (poll(pf, (nfds_t)nc + 1, 20) <= 0)
            continue;
        if ((pf[0].revents & POLLIN) && nc < 8) {
            int fd = accept(m->lfd, NULL, NULL);

            if (fd >= 0) {
                memset(&cs[nc], 0, sizeof cs[nc]);
                cs[nc++].fd = fd;
                pf[nc].revents = 0;
            }
        }
        for (i = 0; i < nc; i++) {
            mconn *cn = &cs[i];
            bool alive = true;
            ssize_t n;

            if (!(pf[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (cn->cap - cn->len < 65536) {
                cn->cap = cn->cap ? cn->cap * 2 : 131072;
                cn->buf = realloc(cn->buf, cn->cap);
            }
            n = recv(cn->fd, cn->buf + cn->len, cn->cap - cn->len, 0);
            if (n <= 0) {
                alive = false;
            } else {
                cn->len += (size_t)n;
                for (;;) {
                    uint32_t sz;

                    if (cn->len < 4)
                        break;
                    sz = (uint32_t)cn->buf[0] << 24 | (uint32_t)cn->buf[1] << 16 |
                         (uint32_t)cn->buf[2] << 8 | cn->buf[3];
                    if (cn->len - 4 < sz)
                        break;
                    if (!handle(m, cn->fd, cn->buf + 4, sz)) {
                        alive = false;
                        break;
                    }
                    memmove(cn->buf, cn->buf + 4 + sz, cn->len - 4 - sz);
                    cn->len -= 4 + sz;
                }
            }
            if (!alive) {
                close(cn->fd);
                free(cn->buf);
                cs[i] = cs[--nc];
                break;
            }
        }
    }
    for (i = 0; i < nc; i++) {
        close(cs[i].fd);
        free(cs[i].buf);
    }
    return NULL;
}

static void mock_start(mock *m)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int one = 1, i;

    memset(m, 0, sizeof *m);
    pthread_mutex_init(&m->mu, NULL);
    for (i = 0; i < NPARTS; i++)
        m->committed[i] = -1;
    m->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(m->lfd >= 0);
    setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(m->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(m->lfd, 8), 0);
    assert_int_equal(getsockname(m->lfd, (struct sockaddr *)&a, &al), 0);
    m->port = ntohs(a.sin_port);
}

static void mock_run(mock *m)
{
    assert_int_equal(pthread_create(&m->th, NULL, mock_main, m), 0);
}

static void mock_stop(mock *m)
{
    m->stop = 1;
    pthread_join(m->th, NULL);
    close(m->lfd);
    pthread_mutex_destroy(&m->mu);
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

    snprintf(boot, sizeof boot, "127.0.0.1:%d", m->port);
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
        pthread_mutex_lock(&m->mu);
        done = m->hbs >= hbs;
        pthread_mutex_unlock(&m->mu);
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
    pthread_mutex_lock(&m.mu);
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
    pthread_mutex_unlock(&m.mu);
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
    pthread_mutex_lock(&m.mu);
    assert_int_equal(m.leaves, 1);
    assert_string_equal(m.left_member, "m-1");
    pthread_mutex_unlock(&m.mu);
    samsa_client_destroy(c);
    mock_stop(&m);
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
    pthread_mutex_lock(&m.mu);
    joins = m.joins;
    assert_int_equal(joins, 1);
    assert_int_equal(m.hbs, 3); /* stopped */
    pthread_mutex_unlock(&m.mu);
    assert_non_null(strstr(samsa_client_errstr(c), "FENCED_INSTANCE_ID"));
    assert_int_equal(samsa_subscribe(c, topics, 1), SAMSA_ERR_STATE);
    assert_int_equal(samsa_close(c, 5000), 0);
    pthread_mutex_lock(&m.mu);
    assert_int_equal(m.leaves, 0);
    pthread_mutex_unlock(&m.mu);
    samsa_client_destroy(c);
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_static_fenced),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
