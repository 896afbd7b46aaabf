/*
 * Data-path and admin messages against the real broker: Metadata, Produce,
 * Fetch (incl. KIP-227 sessions, read_committed, topic ids), ListOffsets,
 * CreateTopics, DeleteTopics, OffsetCommit, OffsetFetch (single- and
 * multi-group forms), OffsetForLeaderEpoch, CreatePartitions,
 * DeleteRecords, DescribeConfigs and DescribeCluster. For every API and
 * every version samsa and the broker have in common, a valid request is
 * encoded from the schema tables, sent, and its response decoded exactly
 * (no leftover bytes), with the error codes the request implies; most
 * versions also get a request that must fail in a known way (unknown topic
 * name or id, stale epoch, ...). Topic and group names are prefixed
 * "hdata-" and carry the process id, so runs do not collide; the topics are
 * deleted at the end.
 *
 * With SAMSA_TEST_CAPTURE_DIR set, one response per API/version is written
 * there as a fuzz seed (st_capture_response).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_kafka.h"
#include "samsa/error.h"
#include "crc32c.h"
#include "msg_metadata.h"
#include "msg_produce.h"
#include "msg_fetch.h"
#include "msg_list_offsets.h"
#include "msg_create_topics.h"
#include "msg_delete_topics.h"
#include "msg_offset_commit.h"
#include "msg_offset_fetch.h"
#include "msg_find_coordinator.h"
#include "msg_init_producer_id.h"
#include "msg_add_partitions_to_txn.h"
#include "msg_end_txn.h"
#include "msg_offset_for_leader_epoch.h"
#include "msg_create_partitions.h"
#include "msg_delete_records.h"
#include "msg_describe_configs.h"
#include "msg_describe_cluster.h"

#define TIMEOUT_MS 10000
#define NPART 3

/* ---------------------------------------------------------------- helpers */

typedef struct conn {
    int fd;
    sp_api_versions_resp versions;
    st_call vcall;
} conn;

static const char *g_bootstrap;
static conn g_conn;
static char g_topic[64];      /* hdata-main-<pid>, NPART partitions */
static sp_uuid g_topic_id;
static int32_t g_leader_epoch; /* of partition 0 */
static int32_t g_node_id;
static const sp_uuid k_bogus_id = { { 0x68, 0x64, 0x61, 0x74, 0x61, 0x2d, 0x6e, 0x6f,
                                      0x2d, 0x73, 0x75, 0x63, 0x68, 0x2d, 0x69, 0x64 } };

static void conn_open(conn *c, const char *bootstrap)
{
    c->fd = st_tcp_connect(bootstrap, TIMEOUT_MS);
    assert_true(c->fd >= 0);
    assert_int_equal(st_broker_versions(c->fd, &c->versions, &c->vcall), 0);
    assert_int_equal(c->versions.error_code, 0);
}

static void conn_close(conn *c)
{
    st_call_free(&c->vcall);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

static void common_versions(int16_t key, int16_t *lo, int16_t *hi)
{
    if (!st_common_versions(&g_conn.versions, key, lo, hi))
        fail_msg("broker and samsa share no version of API %d", key);
}

static int16_t max_version(int16_t key)
{
    int16_t lo, hi;
    common_versions(key, &lo, &hi);
    return hi;
}

static bool str_is(sp_str s, const char *want)
{
    return s.len >= 0 && (size_t)s.len == strlen(want) &&
           memcmp(s.ptr, want, (size_t)s.len) == 0;
}

static bool uuid_eq(const sp_uuid *a, const sp_uuid *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

static bool uuid_zero(const sp_uuid *a)
{
    static const sp_uuid z;
    return uuid_eq(a, &z);
}

/* Call (key, v); the call must decode exactly. capture: keep as a seed. */
static void call(int16_t key, int16_t v, const void *req, void *resp,
                 st_call *c, bool capture)
{
    int rc = st_kafka_call(g_conn.fd, key, v, req, resp, c);
    if (rc != 0)
        fail_msg("API %d v%d: call failed: %s", key, v, samsa_err_name(rc));
    if (capture)
        st_capture_response(key, v, c);
}

#define CHECK_ERR(what, got, want)                                           \
    do {                                                                     \
        if ((got) != (want))                                                 \
            fail_msg("%s: error %d (%s), want %d (%s)", what, (int)(got),    \
                     samsa_err_name(got), (int)(want), samsa_err_name(want)); \
    } while (0)

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* A magic-2 record batch of n uncompressed records, values "hdata-<i>",
 * written by hand (not with protocol/record_batch) so this test depends
 * only on the message tables. The caller frees *out. */
static size_t make_batch_ex(int n, int16_t attrs, int64_t pid, int16_t epoch,
                            int32_t seq, uint8_t **out)
{
    sp_writer w;
    int64_t now = (int64_t)time(NULL) * 1000;
    size_t len;
    uint8_t *buf;
    int i;

    sp_writer_init(&w, NULL, 1 << 16);
    sp_write_i64(&w, 0);  /* base offset */
    sp_write_i32(&w, 0);  /* batch length, below */
    sp_write_i32(&w, -1); /* partition leader epoch */
    sp_write_i8(&w, 2);   /* magic */
    sp_write_u32(&w, 0);  /* crc, below */
    sp_write_i16(&w, attrs);
    sp_write_i32(&w, n - 1);
    sp_write_i64(&w, now);
    sp_write_i64(&w, now);
    sp_write_i64(&w, pid);
    sp_write_i16(&w, epoch);
    sp_write_i32(&w, seq);
    sp_write_i32(&w, n);
    for (i = 0; i < n; i++) {
        char val[32];
        int vl = snprintf(val, sizeof val, "hdata-%d", i);
        /* body: attrs(1) ts delta(1) offset delta(1) key -1(1) value len(1) value headers(1) */
        sp_write_varint(&w, 5 + vl + 1);
        sp_write_i8(&w, 0);
        sp_write_varlong(&w, 0);
        sp_write_varint(&w, i);
        sp_write_varint(&w, -1);
        sp_write_varint(&w, vl);
        sp_write_raw(&w, val, (size_t)vl);
        sp_write_varint(&w, 0);
    }
    assert_int_equal(w.err, 0);
    buf = sp_writer_detach(&w, &len);
    assert_non_null(buf);
    sp_put_u32(buf + 8, (uint32_t)(len - 12));
    sp_put_u32(buf + 17, sp_crc32c(0, buf + 21, len - 21));
    *out = buf;
    return len;
}

static size_t make_batch(int n, uint8_t **out)
{
    return make_batch_ex(n, 0, -1, -1, -1, out);
}

static int64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

/* Create `name` with n partitions at the broker's newest CreateTopics. */
static void create_topic(const char *name, int32_t n, sp_uuid *id_out)
{
    sp_create_topics_topic t = { 0 };
    sp_create_topics_req req = { 0 };
    sp_create_topics_resp resp;
    st_call c;
    int16_t v = max_version(19);

    t.name = sp_str_of(name);
    t.num_partitions = n;
    t.replication_factor = 1;
    req.topics.count = 1;
    req.topics.items = &t;
    req.timeout_ms = TIMEOUT_MS;
    call(19, v, &req, &resp, &c, false);
    assert_int_equal(resp.topics.count, 1);
    CHECK_ERR(name, resp.topics.items[0].error_code, 0);
    if (id_out)
        *id_out = resp.topics.items[0].topic_id;
    st_call_free(&c);
}

static void delete_topic(const char *name)
{
    sp_delete_topics_state t = { sp_str_of(name), { { 0 } } };
    sp_str n = sp_str_of(name);
    sp_delete_topics_req req = { 0 };
    sp_delete_topics_resp resp;
    st_call c;
    int16_t v = max_version(20);

    if (v >= 6) {
        req.topics.count = 1;
        req.topics.items = &t;
    } else {
        req.topic_names.count = 1;
        req.topic_names.items = &n;
    }
    req.timeout_ms = TIMEOUT_MS;
    call(20, v, &req, &resp, &c, false);
    assert_int_equal(resp.responses.count, 1);
    CHECK_ERR(name, resp.responses.items[0].error_code, 0);
    st_call_free(&c);
}

/* Poll Metadata until every partition of `name` has a leader. */
static void wait_topic(const char *name, int32_t nparts)
{
    sp_metadata_req_topic t = { { { 0 } }, sp_str_of(name) };
    sp_metadata_req req = { 0 };
    int16_t v = max_version(3);
    int tries;

    req.topics.count = 1;
    req.topics.items = &t;
    req.allow_auto_topic_creation = false;
    for (tries = 0; tries < 100; tries++) {
        sp_metadata_resp resp;
        st_call c;
        bool ready = false;

        call(3, v, &req, &resp, &c, false);
        if (resp.topics.count == 1 && resp.topics.items[0].error_code == 0 &&
            resp.topics.items[0].partitions.count == nparts) {
            const sp_metadata_resp_topic *tp = &resp.topics.items[0];
            int32_t i;
            ready = true;
            for (i = 0; i < nparts; i++)
                ready &= tp->partitions.items[i].leader_id >= 0;
            if (ready && strcmp(name, g_topic) == 0) {
                g_topic_id = tp->topic_id;
                for (i = 0; i < nparts; i++)
                    if (tp->partitions.items[i].partition_index == 0)
                        g_leader_epoch = tp->partitions.items[i].leader_epoch;
                g_node_id = resp.brokers.items[0].node_id;
            }
        }
        st_call_free(&c);
        if (ready)
            return;
        sleep_ms(100);
    }
    fail_msg("topic %s never got leaders", name);
}

/* Produce one batch of n records to the main topic at version v. Returns
 * the partition's response error; *base gets the base offset. */
static int16_t produce(int16_t v, const sp_uuid *id, const char *name,
                       int32_t partition, int n, int64_t *base, bool capture)
{
    sp_produce_req_partition p = { 0 };
    sp_produce_req_topic t = { 0 };
    sp_produce_req req = { 0 };
    sp_produce_resp resp;
    st_call c;
    uint8_t *batch;
    size_t blen = make_batch(n, &batch);
    int16_t err;

    p.index = partition;
    p.records.ptr = batch;
    p.records.len = (int32_t)blen;
    t.name = sp_str_of(name);
    t.topic_id = *id;
    t.partition_data.count = 1;
    t.partition_data.items = &p;
    req.transactional_id.ptr = NULL;
    req.transactional_id.len = -1;
    req.acks = -1;
    req.timeout_ms = TIMEOUT_MS;
    req.topic_data.count = 1;
    req.topic_data.items = &t;
    call(0, v, &req, &resp, &c, capture);
    free(batch);
    assert_int_equal(resp.responses.count, 1);
    if (v >= 13)
        assert_true(uuid_eq(&resp.responses.items[0].topic_id, id));
    else
        assert_true(str_is(resp.responses.items[0].name, name));
    assert_int_equal(resp.responses.items[0].partition_responses.count, 1);
    err = resp.responses.items[0].partition_responses.items[0].error_code;
    if (base)
        *base = resp.responses.items[0].partition_responses.items[0].base_offset;
    if (err == 0) {
        const sp_produce_resp_partition *pr = &resp.responses.items[0].partition_responses.items[0];
        assert_int_equal(pr->index, partition);
        assert_int_equal(pr->log_append_time_ms, -1); /* CreateTime topic */
        if (v >= 5)
            assert_true(pr->log_start_offset >= 0);
        if (v >= 8) {
            assert_int_equal(pr->record_errors.count, 0);
            assert_int_equal(pr->error_message.len, -1);
        }
    }
    st_call_free(&c);
    return err;
}

/* ---------------------------------------------------------------- setup */

static int group_setup(void **state)
{
    int64_t base;
    int32_t p;
    (void)state;

    g_bootstrap = st_env("SAMSA_TEST_BOOTSTRAP");
    if (!g_bootstrap)
        return 0; /* each test skips */
    snprintf(g_topic, sizeof g_topic, "hdata-main-%ld", (long)getpid());
    conn_open(&g_conn, g_bootstrap);
    create_topic(g_topic, NPART, NULL);
    wait_topic(g_topic, NPART);
    /* data for Fetch, ListOffsets, OffsetForLeaderEpoch, DeleteRecords;
     * the new leader may not know it leads yet: retry briefly */
    for (p = 0; p < NPART; p += 2) {
        int16_t err;
        int tries = 0;
        while ((err = produce(max_version(0), &g_topic_id, g_topic, p, 3, &base, false)) ==
                   SAMSA_ERR_NOT_LEADER_OR_FOLLOWER && ++tries < 100)
            sleep_ms(100);
        CHECK_ERR("setup produce", err, 0);
        assert_int_equal(base, 0);
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (!g_bootstrap)
        return 0;
    delete_topic(g_topic);
    conn_close(&g_conn);
    return 0;
}

/* ---------------------------------------------------------------- Metadata */

static void test_metadata(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(3, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_metadata_req_topic t = { { { 0 } }, sp_str_of(g_topic) };
        sp_metadata_req req = { 0 };
        sp_metadata_resp resp;
        const sp_metadata_resp_topic *tp;
        st_call c;
        int32_t i;

        req.topics.count = 1;
        req.topics.items = &t;
        req.allow_auto_topic_creation = false;
        call(3, v, &req, &resp, &c, true);
        assert_true(resp.brokers.count >= 1);
        assert_true(resp.brokers.items[0].port > 0);
        assert_true(resp.brokers.items[0].host.len > 0);
        if (v >= 2)
            assert_true(resp.cluster_id.len > 0);
        if (v >= 1)
            assert_true(resp.controller_id >= 0);
        assert_int_equal(resp.topics.count, 1);
        tp = &resp.topics.items[0];
        CHECK_ERR("metadata topic", tp->error_code, 0);
        assert_true(str_is(tp->name, g_topic));
        assert_false(tp->is_internal);
        if (v >= 10)
            assert_true(uuid_eq(&tp->topic_id, &g_topic_id));
        assert_int_equal(tp->partitions.count, NPART);
        for (i = 0; i < NPART; i++) {
            const sp_metadata_resp_partition *p = &tp->partitions.items[i];
            CHECK_ERR("metadata partition", p->error_code, 0);
            assert_true(p->leader_id >= 0);
            assert_int_equal(p->replica_nodes.count, 1);
            assert_int_equal(p->isr_nodes.count, 1);
            assert_int_equal(p->leader_epoch, v >= 7 ? g_leader_epoch : -1);
        }
        if (v >= 13)
            assert_int_equal(resp.error_code, 0);
        st_call_free(&c);

        /* an unknown name without auto-creation (v4+; v0-3 auto-create) */
        if (v >= 4) {
            char nope[64];
            snprintf(nope, sizeof nope, "hdata-nope-%ld", (long)getpid());
            t.name = sp_str_of(nope);
            call(3, v, &req, &resp, &c, false);
            assert_int_equal(resp.topics.count, 1);
            CHECK_ERR("metadata unknown topic", resp.topics.items[0].error_code,
                      SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
            st_call_free(&c);
        }
        /* by id: the real one, then a made-up one (v12+: by id only) */
        if (v >= 12) {
            t.name.ptr = NULL;
            t.name.len = -1;
            t.topic_id = g_topic_id;
            call(3, v, &req, &resp, &c, false);
            assert_int_equal(resp.topics.count, 1);
            CHECK_ERR("metadata by id", resp.topics.items[0].error_code, 0);
            assert_true(str_is(resp.topics.items[0].name, g_topic));
            st_call_free(&c);
            t.topic_id = k_bogus_id;
            call(3, v, &req, &resp, &c, false);
            assert_int_equal(resp.topics.count, 1);
            CHECK_ERR("metadata by unknown id", resp.topics.items[0].error_code,
                      SAMSA_ERR_UNKNOWN_TOPIC_ID);
            assert_int_equal(resp.topics.items[0].name.len, -1);
            st_call_free(&c);
        }
        /* null topics = all topics (v1+); ours must be among them */
        if (v >= 1) {
            bool found = false;
            req.topics.count = -1;
            req.topics.items = NULL;
            call(3, v, &req, &resp, &c, false);
            for (i = 0; i < resp.topics.count; i++)
                found |= str_is(resp.topics.items[i].name, g_topic);
            assert_true(found);
            st_call_free(&c);
        }
    }
}

/* ---------------------------------------------------------------- Produce */

static void test_produce(void **state)
{
    int16_t v, lo, hi;
    int64_t base, prev = -1;
    char nope[64];
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(0, &lo, &hi);
    assert_true(lo >= 3); /* 4.x rejects v0-2 although it lists them */
    snprintf(nope, sizeof nope, "hdata-nope-%ld", (long)getpid());
    for (v = lo; v <= hi; v++) {
        CHECK_ERR("produce", produce(v, &g_topic_id, g_topic, 0, 1, &base, true), 0);
        assert_true(base >= 3);
        if (prev >= 0)
            assert_int_equal(base, prev + 1);
        prev = base;
        /* a partition that does not exist, then a topic that does not */
        CHECK_ERR("produce bad partition", produce(v, &g_topic_id, g_topic, 99, 1, NULL, false),
                  SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        if (v >= 13)
            CHECK_ERR("produce unknown id", produce(v, &k_bogus_id, g_topic, 0, 1, NULL, false),
                      SAMSA_ERR_UNKNOWN_TOPIC_ID);
        else
            CHECK_ERR("produce unknown topic", produce(v, &g_topic_id, nope, 0, 1, NULL, false),
                      SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    }
}

/* ---------------------------------------------------------------- Fetch */

static void fetch_req_init(sp_fetch_req *req, int16_t v, sp_fetch_req_topic *t,
                           sp_fetch_req_partition *p, int64_t offset)
{
    memset(req, 0, sizeof *req);
    memset(t, 0, sizeof *t);
    memset(p, 0, sizeof *p);
    p->partition = 0;
    p->current_leader_epoch = v >= 9 ? g_leader_epoch : -1;
    p->fetch_offset = offset;
    p->last_fetched_epoch = -1;
    p->log_start_offset = -1;
    p->partition_max_bytes = 1 << 20;
    p->high_watermark = INT64_MAX;
    t->topic = sp_str_of(g_topic);
    t->topic_id = g_topic_id;
    t->partitions.count = 1;
    t->partitions.items = p;
    req->cluster_id.ptr = NULL;
    req->cluster_id.len = -1;
    req->replica_id = -1;
    req->max_wait_ms = 10;
    req->min_bytes = 1;
    req->max_bytes = 1 << 20;
    req->isolation_level = 1; /* read_committed: aborted list is present */
    req->session_id = 0;
    req->session_epoch = -1; /* no session */
    req->topics.count = 1;
    req->topics.items = t;
    req->rack_id = sp_str_of("");
}

static void test_fetch(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(1, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_fetch_req_partition p;
        sp_fetch_req_topic t;
        sp_fetch_req req;
        sp_fetch_resp resp;
        const sp_fetch_resp_partition *rp;
        st_call c;

        fetch_req_init(&req, v, &t, &p, 1);
        call(1, v, &req, &resp, &c, false);
        if (v >= 7) {
            CHECK_ERR("fetch", resp.error_code, 0);
            assert_int_equal(resp.session_id, 0);
        }
        assert_int_equal(resp.responses.count, 1);
        if (v >= 13)
            assert_true(uuid_eq(&resp.responses.items[0].topic_id, &g_topic_id));
        else
            assert_true(str_is(resp.responses.items[0].topic, g_topic));
        assert_int_equal(resp.responses.items[0].partitions.count, 1);
        rp = &resp.responses.items[0].partitions.items[0];
        CHECK_ERR("fetch partition", rp->error_code, 0);
        assert_int_equal(rp->partition_index, 0);
        assert_true(rp->high_watermark >= 3);
        assert_int_equal(rp->last_stable_offset, rp->high_watermark);
        if (v >= 5)
            assert_int_equal(rp->log_start_offset, 0);
        if (v >= 11)
            assert_int_equal(rp->preferred_read_replica, -1);
        assert_true(rp->aborted_transactions.count <= 0);
        /* the first batch (offsets 0-2) holds offset 1: magic 2, base 0 */
        assert_true(rp->records.len >= 61);
        assert_int_equal(be64(rp->records.ptr), 0);
        assert_int_equal(rp->records.ptr[16], 2);
        st_call_free(&c);

        /* a made-up topic id (v13+), or a partition the topic lacks */
        if (v >= 13)
            t.topic_id = k_bogus_id;
        else
            p.partition = 99;
        call(1, v, &req, &resp, &c, false);
        assert_int_equal(resp.responses.count, 1);
        assert_int_equal(resp.responses.items[0].partitions.count, 1);
        CHECK_ERR("fetch unknown", resp.responses.items[0].partitions.items[0].error_code,
                  v >= 13 ? SAMSA_ERR_UNKNOWN_TOPIC_ID : SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        st_call_free(&c);

        /* a stale leader epoch is fenced (v9+) */
        if (v >= 9 && g_leader_epoch > 0) {
            fetch_req_init(&req, v, &t, &p, 0);
            p.current_leader_epoch = g_leader_epoch - 1;
            call(1, v, &req, &resp, &c, false);
            CHECK_ERR("fetch fenced", resp.responses.items[0].partitions.items[0].error_code,
                      SAMSA_ERR_FENCED_LEADER_EPOCH);
            st_call_free(&c);
        }
        if (v >= 9) {
            fetch_req_init(&req, v, &t, &p, 0);
            p.current_leader_epoch = g_leader_epoch + 1;
            call(1, v, &req, &resp, &c, false);
            CHECK_ERR("fetch future epoch", resp.responses.items[0].partitions.items[0].error_code,
                      SAMSA_ERR_UNKNOWN_LEADER_EPOCH);
            st_call_free(&c);
        }
    }
}

/* KIP-227: open a session, fetch incrementally, forget a partition, use a
 * wrong epoch, close it. */
static void test_fetch_session(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(1, &lo, &hi);
    if (lo < 7)
        lo = 7;
    for (v = lo; v <= hi; v++) {
        sp_fetch_req_partition p;
        sp_fetch_req_topic t;
        sp_fetch_forgotten_topic f = { 0 };
        int32_t zero = 0;
        sp_fetch_req req;
        sp_fetch_resp resp;
        st_call c;
        int32_t sid;
        int64_t hw;

        fetch_req_init(&req, v, &t, &p, 0);
        req.session_epoch = 0; /* full fetch that creates a session */
        call(1, v, &req, &resp, &c, false);
        CHECK_ERR("session open", resp.error_code, 0);
        sid = resp.session_id;
        assert_true(sid != 0);
        assert_int_equal(resp.responses.count, 1);
        hw = resp.responses.items[0].partitions.items[0].high_watermark;
        assert_true(hw >= 3);
        st_call_free(&c);

        /* incremental: move partition 0 to the end of its log */
        req.session_id = sid;
        req.session_epoch = 1;
        p.fetch_offset = hw;
        call(1, v, &req, &resp, &c, false);
        CHECK_ERR("session update", resp.error_code, 0);
        assert_int_equal(resp.session_id, sid);
        st_call_free(&c);

        /* incremental: nothing added, nothing changed, nothing to say */
        req.session_epoch = 2;
        req.topics.count = 0;
        call(1, v, &req, &resp, &c, false);
        CHECK_ERR("session incremental", resp.error_code, 0);
        assert_int_equal(resp.session_id, sid);
        assert_int_equal(resp.responses.count, 0);
        st_call_free(&c);

        /* a wrong epoch */
        req.session_epoch = 7;
        call(1, v, &req, &resp, &c, false);
        CHECK_ERR("session bad epoch", resp.error_code, SAMSA_ERR_INVALID_FETCH_SESSION_EPOCH);
        st_call_free(&c);

        /* forget partition 0: the session is empty and the broker drops it */
        f.topic = sp_str_of(g_topic);
        f.topic_id = g_topic_id;
        f.partitions.count = 1;
        f.partitions.items = &zero;
        req.session_epoch = 3;
        req.forgotten_topics_data.count = 1;
        req.forgotten_topics_data.items = &f;
        call(1, v, &req, &resp, &c, false);
        CHECK_ERR("session forget", resp.error_code, 0);
        assert_int_equal(resp.session_id, 0);
        assert_int_equal(resp.responses.count, 0);
        st_call_free(&c);

        /* close (epoch -1) with a sessionless full fetch */
        fetch_req_init(&req, v, &t, &p, 0);
        req.session_id = sid;
        req.session_epoch = -1;
        call(1, v, &req, &resp, &c, false);
        CHECK_ERR("session close", resp.error_code, 0);
        assert_int_equal(resp.session_id, 0);
        st_call_free(&c);
    }
}

/* ---------------------------------------------------------------- ListOffsets */

static void test_list_offsets(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(2, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        static const int64_t ts[2] = { -2, -1 }; /* earliest, latest */
        int k;

        for (k = 0; k < 2; k++) {
            sp_list_offsets_req_partition p = { 0, -1, ts[k] };
            sp_list_offsets_req_topic t = { sp_str_of(g_topic), { 1, &p } };
            sp_list_offsets_req req = { -1, 0, { 1, &t }, TIMEOUT_MS };
            sp_list_offsets_resp resp;
            const sp_list_offsets_resp_partition *rp;
            st_call c;

            if (v >= 4)
                p.current_leader_epoch = g_leader_epoch;
            call(2, v, &req, &resp, &c, k == 1);
            assert_int_equal(resp.topics.count, 1);
            assert_true(str_is(resp.topics.items[0].name, g_topic));
            assert_int_equal(resp.topics.items[0].partitions.count, 1);
            rp = &resp.topics.items[0].partitions.items[0];
            CHECK_ERR("list offsets", rp->error_code, 0);
            if (k == 0)
                assert_int_equal(rp->offset, 0);
            else
                assert_true(rp->offset >= 3);
            if (v >= 4)
                assert_int_equal(rp->leader_epoch, g_leader_epoch);
            st_call_free(&c);

            /* an unknown partition */
            p.partition_index = 99;
            call(2, v, &req, &resp, &c, false);
            CHECK_ERR("list offsets unknown",
                      resp.topics.items[0].partitions.items[0].error_code,
                      SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
            st_call_free(&c);
        }
    }
}

/* ---------------------------------------------------------------- topics */

static void test_create_topics(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(19, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        char name[64];
        sp_create_topics_config cfg = { sp_str_of("cleanup.policy"), sp_str_of("delete") };
        sp_create_topics_topic t = { 0 };
        sp_create_topics_req req = { 0 };
        sp_create_topics_resp resp;
        const sp_create_topics_result *r;
        st_call c;

        snprintf(name, sizeof name, "hdata-ct-%ld-v%d", (long)getpid(), v);
        t.name = sp_str_of(name);
        t.num_partitions = 1;
        t.replication_factor = 1;
        t.configs.count = 1;
        t.configs.items = &cfg;
        req.topics.count = 1;
        req.topics.items = &t;
        req.timeout_ms = TIMEOUT_MS;
        call(19, v, &req, &resp, &c, true);
        assert_int_equal(resp.topics.count, 1);
        r = &resp.topics.items[0];
        assert_true(str_is(r->name, name));
        CHECK_ERR("create topic", r->error_code, 0);
        assert_int_equal(r->error_message.len, -1);
        if (v >= 5) {
            int32_t i;
            bool seen = false;
            assert_int_equal(r->num_partitions, 1);
            assert_int_equal(r->replication_factor, 1);
            assert_true(r->configs.count > 0);
            for (i = 0; i < r->configs.count; i++)
                if (str_is(r->configs.items[i].name, "cleanup.policy")) {
                    seen = true;
                    assert_true(str_is(r->configs.items[i].value, "delete"));
                }
            assert_true(seen);
        }
        if (v >= 7)
            assert_false(uuid_zero(&r->topic_id));
        st_call_free(&c);

        /* again: exists; and a validate-only creation of a bad one */
        call(19, v, &req, &resp, &c, false);
        CHECK_ERR("create again", resp.topics.items[0].error_code, SAMSA_ERR_TOPIC_ALREADY_EXISTS);
        assert_true(resp.topics.items[0].error_message.len > 0);
        st_call_free(&c);
        snprintf(name, sizeof name, "hdata-ct-%ld-v%d-x", (long)getpid(), v);
        t.name = sp_str_of(name);
        t.num_partitions = 0;
        req.validate_only = true;
        call(19, v, &req, &resp, &c, false);
        CHECK_ERR("create 0 partitions", resp.topics.items[0].error_code,
                  SAMSA_ERR_INVALID_PARTITIONS);
        st_call_free(&c);

        snprintf(name, sizeof name, "hdata-ct-%ld-v%d", (long)getpid(), v);
        delete_topic(name);
    }
}

static void test_delete_topics(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(20, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        char name[64];
        sp_uuid id;
        sp_delete_topics_state st = { { NULL, -1 }, { { 0 } } };
        sp_str n;
        sp_delete_topics_req req = { 0 };
        sp_delete_topics_resp resp;
        st_call c;

        snprintf(name, sizeof name, "hdata-dt-%ld-v%d", (long)getpid(), v);
        create_topic(name, 1, &id);
        n = sp_str_of(name);
        if (v >= 6) {
            assert_false(uuid_zero(&id));
            st.topic_id = id; /* by id, name null */
            req.topics.count = 1;
            req.topics.items = &st;
        } else {
            req.topic_names.count = 1;
            req.topic_names.items = &n;
        }
        req.timeout_ms = TIMEOUT_MS;
        call(20, v, &req, &resp, &c, true);
        assert_int_equal(resp.responses.count, 1);
        CHECK_ERR("delete topic", resp.responses.items[0].error_code, 0);
        if (v >= 6)
            assert_true(uuid_eq(&resp.responses.items[0].topic_id, &id));
        else
            assert_true(str_is(resp.responses.items[0].name, name));
        st_call_free(&c);

        /* gone now */
        if (v >= 6)
            st.topic_id = k_bogus_id;
        call(20, v, &req, &resp, &c, false);
        CHECK_ERR("delete unknown", resp.responses.items[0].error_code,
                  v >= 6 ? SAMSA_ERR_UNKNOWN_TOPIC_ID : SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        if (v >= 5)
            assert_true(resp.responses.items[0].error_message.len > 0);
        st_call_free(&c);
    }
}

static void test_create_partitions(void **state)
{
    int16_t v, lo, hi;
    int32_t count = 1;
    char name[64];
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(37, &lo, &hi);
    snprintf(name, sizeof name, "hdata-cp-%ld", (long)getpid());
    create_topic(name, 1, NULL);
    for (v = lo; v <= hi; v++) {
        sp_create_partitions_topic t = { sp_str_of(name), ++count, { -1, NULL } };
        sp_create_partitions_req req = { { 1, &t }, TIMEOUT_MS, false };
        sp_create_partitions_resp resp;
        st_call c;

        call(37, v, &req, &resp, &c, true);
        assert_int_equal(resp.results.count, 1);
        assert_true(str_is(resp.results.items[0].name, name));
        CHECK_ERR("create partitions", resp.results.items[0].error_code, 0);
        assert_int_equal(resp.results.items[0].error_message.len, -1);
        st_call_free(&c);

        /* shrinking is refused */
        t.count = 1;
        req.validate_only = true;
        call(37, v, &req, &resp, &c, false);
        CHECK_ERR("shrink partitions", resp.results.items[0].error_code,
                  SAMSA_ERR_INVALID_PARTITIONS);
        assert_true(resp.results.items[0].error_message.len > 0);
        st_call_free(&c);
    }
    wait_topic(name, count);
    delete_topic(name);
}

/* ---------------------------------------------------------------- offsets */

/* FindCoordinator for a group or transactional id until it answers (a
 * broker creates __consumer_offsets / __transaction_state on the first such
 * request); with one broker the coordinator is that broker. */
static void find_coordinator(const char *name, int8_t key_type)
{
    sp_str key = sp_str_of(name);
    sp_find_coordinator_req req = { key, key_type, { 1, &key } };
    int16_t v = max_version(SP_FIND_COORDINATOR_KEY);
    int tries;

    for (tries = 0; tries < 100; tries++) {
        sp_find_coordinator_resp resp;
        st_call c;
        int16_t err;

        call(SP_FIND_COORDINATOR_KEY, v, &req, &resp, &c, false);
        if (v >= 4) {
            assert_int_equal(resp.coordinators.count, 1);
            err = resp.coordinators.items[0].error_code;
        } else {
            err = resp.error_code;
        }
        st_call_free(&c);
        if (err == 0)
            return;
        CHECK_ERR("find coordinator", err, SAMSA_ERR_COORDINATOR_NOT_AVAILABLE);
        sleep_ms(100);
    }
    fail_msg("group coordinator never became available");
}

/* OffsetCommit to a new group, retrying while its coordinator loads. */
static void commit(int16_t v, const char *group, int64_t offset, bool capture)
{
    int tries;

    for (tries = 0; tries < 100; tries++) {
        sp_offset_commit_req_partition p = { 0, offset, g_leader_epoch, sp_str_of("hdata-meta") };
        sp_offset_commit_req_topic t = { sp_str_of(g_topic), g_topic_id, { 1, &p } };
        sp_offset_commit_req req = { 0 };
        sp_offset_commit_resp resp;
        st_call c;
        int16_t err;

        req.group_id = sp_str_of(group);
        req.generation_id_or_member_epoch = -1;
        req.member_id = sp_str_of("");
        req.group_instance_id.ptr = NULL;
        req.group_instance_id.len = -1;
        req.retention_time_ms = -1;
        req.topics.count = 1;
        req.topics.items = &t;
        call(8, v, &req, &resp, &c, capture);
        assert_int_equal(resp.topics.count, 1);
        if (v >= 10)
            assert_true(uuid_eq(&resp.topics.items[0].topic_id, &g_topic_id));
        else
            assert_true(str_is(resp.topics.items[0].name, g_topic));
        assert_int_equal(resp.topics.items[0].partitions.count, 1);
        err = resp.topics.items[0].partitions.items[0].error_code;
        st_call_free(&c);
        /* a fresh broker creates and loads __consumer_offsets first; with
         * one broker the coordinator is always this one once it is loaded */
        if (err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
            err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
            err == SAMSA_ERR_NOT_COORDINATOR) {
            sleep_ms(100);
            continue;
        }
        CHECK_ERR("offset commit", err, 0);
        return;
    }
    fail_msg("group coordinator never became available");
}

static void test_offset_commit_fetch(void **state)
{
    int16_t v, lo, hi, flo, fhi;
    char group[64], other[64];
    int64_t last = -1;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    snprintf(group, sizeof group, "hdata-g-%ld", (long)getpid());
    snprintf(other, sizeof other, "hdata-g-none-%ld", (long)getpid());
    find_coordinator(group, SP_COORDINATOR_GROUP);
    common_versions(8, &lo, &hi);
    for (v = lo; v <= hi; v++)
        commit(v, group, last = 100 + v, true);

    common_versions(9, &flo, &fhi);
    for (v = flo; v <= fhi; v++) {
        int32_t part0 = 0;
        sp_offset_fetch_req req = { 0 };
        sp_offset_fetch_resp resp;
        st_call c;

        req.require_stable = true;
        if (v <= 7) {
            sp_offset_fetch_req_topic t = { sp_str_of(g_topic), { 1, &part0 } };
            const sp_offset_fetch_resp_partition *p;
            int k;

            req.group_id = sp_str_of(group);
            /* named topics, then (v2+) null = every topic of the group */
            for (k = 0; k < (v >= 2 ? 2 : 1); k++) {
                req.topics.count = k ? -1 : 1;
                req.topics.items = k ? NULL : &t;
                call(9, v, &req, &resp, &c, k == 0);
                if (v >= 2)
                    CHECK_ERR("offset fetch", resp.error_code, 0);
                assert_int_equal(resp.topics.count, 1);
                assert_true(str_is(resp.topics.items[0].name, g_topic));
                assert_int_equal(resp.topics.items[0].partitions.count, 1);
                p = &resp.topics.items[0].partitions.items[0];
                CHECK_ERR("offset fetch partition", p->error_code, 0);
                assert_int_equal(p->committed_offset, last);
                assert_true(str_is(p->metadata, "hdata-meta"));
                if (v >= 5)
                    assert_int_equal(p->committed_leader_epoch, g_leader_epoch);
                st_call_free(&c);
            }
        } else {
            /* multi-group: ours, and one that never committed */
            sp_offset_fetch_req_group_topic gt = { sp_str_of(g_topic), g_topic_id, { 1, &part0 } };
            sp_offset_fetch_req_group g[2];
            int32_t i;

            memset(g, 0, sizeof g);
            for (i = 0; i < 2; i++) {
                g[i].group_id = sp_str_of(i ? other : group);
                g[i].member_id.ptr = NULL;
                g[i].member_id.len = -1;
                g[i].member_epoch = -1;
                g[i].topics.count = 1;
                g[i].topics.items = &gt;
            }
            req.groups.count = 2;
            req.groups.items = g;
            call(9, v, &req, &resp, &c, true);
            assert_int_equal(resp.groups.count, 2);
            for (i = 0; i < 2; i++) {
                const sp_offset_fetch_resp_group *rg = &resp.groups.items[i];
                const sp_offset_fetch_resp_partition *p;
                bool ours = str_is(rg->group_id, group);

                assert_true(ours || str_is(rg->group_id, other));
                CHECK_ERR("offset fetch group", rg->error_code, 0);
                assert_int_equal(rg->topics.count, 1);
                if (v >= 10)
                    assert_true(uuid_eq(&rg->topics.items[0].topic_id, &g_topic_id));
                else
                    assert_true(str_is(rg->topics.items[0].name, g_topic));
                assert_int_equal(rg->topics.items[0].partitions.count, 1);
                p = &rg->topics.items[0].partitions.items[0];
                CHECK_ERR("offset fetch partition", p->error_code, 0);
                assert_int_equal(p->committed_offset, ours ? last : -1);
                assert_int_equal(p->committed_leader_epoch, ours ? g_leader_epoch : -1);
                if (ours)
                    assert_true(str_is(p->metadata, "hdata-meta"));
            }
            st_call_free(&c);

            /* null topics: every committed topic of the group */
            g[0].topics.count = -1;
            g[0].topics.items = NULL;
            req.groups.count = 1;
            call(9, v, &req, &resp, &c, false);
            assert_int_equal(resp.groups.count, 1);
            CHECK_ERR("offset fetch all", resp.groups.items[0].error_code, 0);
            assert_int_equal(resp.groups.items[0].topics.count, 1);
            st_call_free(&c);
        }
    }
}

/* Retry a transactional call while the coordinator settles. */
static bool txn_retry(int16_t err)
{
    if (err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
        err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
        err == SAMSA_ERR_NOT_COORDINATOR ||
        err == SAMSA_ERR_CONCURRENT_TRANSACTIONS) {
        sleep_ms(100);
        return true;
    }
    return false;
}

/* An aborted transaction on partition 1 (InitProducerId, AddPartitionsToTxn,
 * a transactional Produce, EndTxn abort), then Fetch at every version:
 * read_committed lists it in AbortedTransactions, read_uncommitted does
 * not (null list). */
static void test_fetch_aborted(void **state)
{
    char txn[64];
    int64_t pid = -1;
    int16_t epoch = -1, err, v, lo, hi;
    int tries;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    snprintf(txn, sizeof txn, "hdata-txn-%ld", (long)getpid());
    find_coordinator(txn, SP_COORDINATOR_TRANSACTION);
    for (tries = 0; tries < 100; tries++) {
        sp_init_producer_id_req req = { sp_str_of(txn), 60000, -1, -1, false, false };
        sp_init_producer_id_resp resp;
        st_call c;

        call(SP_INIT_PRODUCER_ID_KEY, max_version(SP_INIT_PRODUCER_ID_KEY), &req, &resp, &c, false);
        err = resp.error_code;
        pid = resp.producer_id;
        epoch = resp.producer_epoch;
        st_call_free(&c);
        if (!txn_retry(err))
            break;
    }
    CHECK_ERR("init producer id", err, 0);
    for (tries = 0; tries < 100; tries++) {
        int32_t part = 1;
        sp_add_partitions_to_txn_topic t = { sp_str_of(g_topic), { 1, &part } };
        sp_add_partitions_to_txn_req req = { 0 };
        sp_add_partitions_to_txn_resp resp;
        st_call c;
        int16_t av = max_version(SP_ADD_PARTITIONS_TO_TXN_KEY);

        if (av > 3)
            av = 3; /* v4+ is the broker-to-broker batched form */
        req.v3_and_below_transactional_id = sp_str_of(txn);
        req.v3_and_below_producer_id = pid;
        req.v3_and_below_producer_epoch = epoch;
        req.v3_and_below_topics.count = 1;
        req.v3_and_below_topics.items = &t;
        call(SP_ADD_PARTITIONS_TO_TXN_KEY, av, &req, &resp, &c, false);
        assert_int_equal(resp.results_by_topic_v3_and_below.count, 1);
        err = resp.results_by_topic_v3_and_below.items[0].results_by_partition.items[0]
                  .partition_error_code;
        st_call_free(&c);
        if (!txn_retry(err))
            break;
    }
    CHECK_ERR("add partitions to txn", err, 0);
    {
        sp_produce_req_partition p = { 0 };
        sp_produce_req_topic t = { 0 };
        sp_produce_req req = { 0 };
        sp_produce_resp resp;
        st_call c;
        uint8_t *batch;
        size_t blen = make_batch_ex(2, 0x10 /* transactional */, pid, epoch, 0, &batch);

        p.index = 1;
        p.records.ptr = batch;
        p.records.len = (int32_t)blen;
        t.name = sp_str_of(g_topic);
        t.topic_id = g_topic_id;
        t.partition_data.count = 1;
        t.partition_data.items = &p;
        req.transactional_id = sp_str_of(txn);
        req.acks = -1;
        req.timeout_ms = TIMEOUT_MS;
        req.topic_data.count = 1;
        req.topic_data.items = &t;
        call(0, max_version(0), &req, &resp, &c, false);
        free(batch);
        CHECK_ERR("transactional produce",
                  resp.responses.items[0].partition_responses.items[0].error_code, 0);
        assert_int_equal(resp.responses.items[0].partition_responses.items[0].base_offset, 0);
        st_call_free(&c);
    }
    for (tries = 0; tries < 100; tries++) {
        sp_end_txn_req req = { sp_str_of(txn), pid, epoch, false };
        sp_end_txn_resp resp;
        st_call c;

        call(SP_END_TXN_KEY, max_version(SP_END_TXN_KEY), &req, &resp, &c, false);
        err = resp.error_code;
        st_call_free(&c);
        if (!txn_retry(err))
            break;
    }
    CHECK_ERR("end txn (abort)", err, 0);

    common_versions(1, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        int8_t iso;

        for (iso = 1; iso >= 0; iso--) {
            sp_fetch_req_partition p;
            sp_fetch_req_topic t;
            sp_fetch_req req;
            sp_fetch_resp resp;
            const sp_fetch_resp_partition *rp;
            st_call c;

            for (tries = 0; tries < 100; tries++) {
                fetch_req_init(&req, v, &t, &p, 0);
                p.partition = 1;
                req.isolation_level = iso;
                /* the seed: records, an aborted transaction */
                call(1, v, &req, &resp, &c, iso == 1);
                rp = &resp.responses.items[0].partitions.items[0];
                CHECK_ERR("fetch aborted", rp->error_code, 0);
                /* the abort marker makes the transaction's end stable */
                if (rp->last_stable_offset >= 3 || iso == 0)
                    break;
                st_call_free(&c);
                sleep_ms(100);
            }
            if (tries == 100)
                fail_msg("the aborted transaction never became stable");
            assert_int_equal(rp->high_watermark, 3); /* 2 records + marker */
            assert_int_equal(rp->last_stable_offset, 3);
            if (iso) {
                assert_int_equal(rp->aborted_transactions.count, 1);
                assert_int_equal(rp->aborted_transactions.items[0].producer_id, pid);
                assert_int_equal(rp->aborted_transactions.items[0].first_offset, 0);
            } else {
                assert_int_equal(rp->aborted_transactions.count, -1);
            }
            /* the data batch (transactional bit set) is still returned */
            assert_true(rp->records.len >= 61);
            assert_int_equal(be64(rp->records.ptr), 0);
            assert_int_equal(rp->records.ptr[22] & 0x10, 0x10);
            st_call_free(&c);
        }
    }
}

static void test_offset_for_leader_epoch(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(23, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_ofle_req_partition p = { 0, g_leader_epoch, g_leader_epoch };
        sp_ofle_req_topic t = { sp_str_of(g_topic), { 1, &p } };
        sp_offset_for_leader_epoch_req req = { -1, { 1, &t } };
        sp_offset_for_leader_epoch_resp resp;
        const sp_ofle_resp_partition *rp;
        st_call c;

        call(23, v, &req, &resp, &c, true);
        assert_int_equal(resp.topics.count, 1);
        assert_true(str_is(resp.topics.items[0].topic, g_topic));
        assert_int_equal(resp.topics.items[0].partitions.count, 1);
        rp = &resp.topics.items[0].partitions.items[0];
        CHECK_ERR("offset for leader epoch", rp->error_code, 0);
        assert_int_equal(rp->partition, 0);
        assert_int_equal(rp->leader_epoch, g_leader_epoch);
        assert_true(rp->end_offset >= 3);
        st_call_free(&c);

        p.current_leader_epoch = g_leader_epoch + 1;
        call(23, v, &req, &resp, &c, false);
        CHECK_ERR("offset for leader epoch, future epoch",
                  resp.topics.items[0].partitions.items[0].error_code,
                  SAMSA_ERR_UNKNOWN_LEADER_EPOCH);
        st_call_free(&c);
    }
}

static void test_delete_records(void **state)
{
    int16_t v, lo, hi;
    int64_t upto = 0;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(21, &lo, &hi);
    assert_true(hi - lo + 1 <= 3); /* partition 2 holds 3 records */
    for (v = lo; v <= hi; v++) {
        sp_delete_records_req_partition p = { 2, ++upto };
        sp_delete_records_req_topic t = { sp_str_of(g_topic), { 1, &p } };
        sp_delete_records_req req = { { 1, &t }, TIMEOUT_MS };
        sp_delete_records_resp resp;
        const sp_delete_records_resp_partition *rp;
        st_call c;

        call(21, v, &req, &resp, &c, true);
        assert_int_equal(resp.topics.count, 1);
        assert_true(str_is(resp.topics.items[0].name, g_topic));
        rp = &resp.topics.items[0].partitions.items[0];
        CHECK_ERR("delete records", rp->error_code, 0);
        assert_int_equal(rp->partition_index, 2);
        assert_int_equal(rp->low_watermark, upto);
        st_call_free(&c);

        p.offset = 1000; /* past the high watermark */
        call(21, v, &req, &resp, &c, false);
        CHECK_ERR("delete records past hw", resp.topics.items[0].partitions.items[0].error_code,
                  SAMSA_ERR_OFFSET_OUT_OF_RANGE);
        st_call_free(&c);
    }
}

/* ---------------------------------------------------------------- cluster */

static void test_describe_configs(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(32, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        char node[16], nope[64];
        sp_str key = sp_str_of("log.retention.hours");
        sp_describe_configs_resource res[3];
        sp_describe_configs_req req = { { 3, res }, true, true };
        sp_describe_configs_resp resp;
        st_call c;
        int32_t i, j;

        snprintf(node, sizeof node, "%d", (int)g_node_id);
        snprintf(nope, sizeof nope, "hdata-nope-%ld", (long)getpid());
        res[0] = (sp_describe_configs_resource){ 2, sp_str_of(g_topic), { -1, NULL } };
        res[1] = (sp_describe_configs_resource){ 4, sp_str_of(node), { 1, &key } };
        res[2] = (sp_describe_configs_resource){ 2, sp_str_of(nope), { -1, NULL } };
        call(32, v, &req, &resp, &c, true);
        assert_int_equal(resp.results.count, 3);
        for (i = 0; i < 3; i++) {
            const sp_describe_configs_result *r = &resp.results.items[i];
            bool seen = false;

            if (r->resource_type == 2 && str_is(r->resource_name, nope)) {
                CHECK_ERR("describe unknown topic", r->error_code,
                          SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
                continue;
            }
            CHECK_ERR("describe configs", r->error_code, 0);
            for (j = 0; j < r->configs.count; j++) {
                const sp_describe_configs_entry *e = &r->configs.items[j];
                if (str_is(e->name, r->resource_type == 2 ? "cleanup.policy"
                                                          : "log.retention.hours")) {
                    seen = true;
                    assert_true(e->value.len > 0);
                    assert_true(e->config_source >= 1);
                    assert_true(e->synonyms.count >= 1);
                    if (v >= 3) {
                        assert_true(e->config_type > 0);
                        assert_true(e->documentation.len > 0);
                    }
                }
            }
            assert_true(seen);
            if (r->resource_type == 4)
                assert_int_equal(r->configs.count, 1);
        }
        st_call_free(&c);
    }
}

static void test_describe_cluster(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    common_versions(60, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_describe_cluster_req req = { true, 1, true };
        sp_describe_cluster_resp resp;
        st_call c;
        int32_t i;
        bool seen = false;

        call(60, v, &req, &resp, &c, true);
        CHECK_ERR("describe cluster", resp.error_code, 0);
        assert_int_equal(resp.error_message.len, -1);
        assert_int_equal(resp.endpoint_type, 1);
        assert_true(resp.cluster_id.len > 0);
        assert_true(resp.controller_id >= 0);
        assert_true(resp.brokers.count >= 1);
        for (i = 0; i < resp.brokers.count; i++) {
            assert_true(resp.brokers.items[i].port > 0);
            assert_false(resp.brokers.items[i].is_fenced);
            seen |= resp.brokers.items[i].broker_id == g_node_id;
        }
        assert_true(seen);
        st_call_free(&c);

        /* controllers are described only by a controller listener */
        if (v >= 1) {
            req.endpoint_type = 2;
            call(60, v, &req, &resp, &c, false);
            CHECK_ERR("describe controllers via broker", resp.error_code,
                      SAMSA_ERR_MISMATCHED_ENDPOINT_TYPE);
            st_call_free(&c);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_produce),
        cmocka_unit_test(test_fetch),
        cmocka_unit_test(test_fetch_session),
        cmocka_unit_test(test_list_offsets),
        cmocka_unit_test(test_create_topics),
        cmocka_unit_test(test_delete_topics),
        cmocka_unit_test(test_create_partitions),
        cmocka_unit_test(test_offset_commit_fetch),
        cmocka_unit_test(test_fetch_aborted),
        cmocka_unit_test(test_offset_for_leader_epoch),
        cmocka_unit_test(test_delete_records),
        cmocka_unit_test(test_describe_configs),
        cmocka_unit_test(test_describe_cluster),
    };
    return cmocka_run_group_tests_name("msgs hdata (broker)", tests, group_setup,
                                       group_teardown);
}
