/*
 * Group, transaction, share-group and SASL messages against the real
 * broker: for every API of this set and every version samsa and the
 * broker have in common, a valid request is encoded from the schema
 * tables, sent, and its response decoded exactly (no leftover bytes), with
 * the error codes the request implies. Names are prefixed "hgroups-".
 *
 * With SAMSA_TEST_CAPTURE_DIR set, one response per API/version is written
 * there as a fuzz seed (st_capture_response).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_kafka.h"
#include "samsa/error.h"
#include "msg_sasl_handshake.h"
#include "msg_sasl_authenticate.h"
#include "msg_find_coordinator.h"
#include "msg_join_group.h"
#include "msg_sync_group.h"
#include "msg_heartbeat.h"
#include "msg_leave_group.h"
#include "msg_describe_groups.h"
#include "msg_list_groups.h"
#include "msg_consumer_protocol.h"
#include "msg_init_producer_id.h"
#include "msg_add_partitions_to_txn.h"
#include "msg_add_offsets_to_txn.h"
#include "msg_end_txn.h"
#include "msg_txn_offset_commit.h"
#include "msg_create_topics.h"
#include "msg_metadata.h"
#include "msg_produce.h"
#include "msg_consumer_group_heartbeat.h"
#include "msg_share_group_heartbeat.h"
#include "msg_share_fetch.h"
#include "msg_share_acknowledge.h"
#include "record_batch.h"
#include "codec.h"

#define TIMEOUT_MS 10000

/* ---------------------------------------------------------------- helpers */

/* A connection plus the broker's ApiVersions answer on it. */
typedef struct conn {
    int fd;
    sp_api_versions_resp versions;
    st_call vcall;
} conn;

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

/* Versions of key to walk on this broker; fails the test when none. */
static void common_versions(const conn *c, int16_t key, int16_t *lo, int16_t *hi)
{
    if (!st_common_versions(&c->versions, key, lo, hi))
        fail_msg("broker and samsa share no version of API %d", key);
}

/* i-th version to use in a walk over [lo, hi]: lo + i, held at hi. */
static int16_t vpick(int16_t lo, int16_t hi, int i)
{
    return (int16_t)(lo + i > hi ? hi : lo + i);
}

/* True when the harness says the broker under test is Kafka 3.x. */
static bool kafka_3x(void)
{
    const char *v = st_env("SAMSA_TEST_KAFKA_VERSION");
    return v && v[0] == '3' && v[1] == '.';
}

static bool str_is(sp_str s, const char *want)
{
    return s.len >= 0 && (size_t)s.len == strlen(want) &&
           memcmp(s.ptr, want, (size_t)s.len) == 0;
}

/* Call (key, v) and check it decoded; captures the response once. */
static void call_ok(int fd, int16_t key, int16_t v, const void *req, void *resp,
                    st_call *c)
{
    int rc = st_kafka_call(fd, key, v, req, resp, c);
    if (rc != 0)
        fail_msg("API %d v%d: call failed: %s", key, v, samsa_err_name(rc));
    st_capture_response(key, v, c);
}

/* Copy a view into buf as a C string (test names are short). */
static const char *cstr(sp_str s, char *buf, size_t len)
{
    assert_true(s.len >= 0 && (size_t)s.len < len);
    memcpy(buf, s.ptr, (size_t)s.len);
    buf[s.len] = 0;
    return buf;
}

/* Call (key, v) and check it decoded, without capturing: for calls whose
 * answer would be a poorer fuzz seed than an earlier one's. */
static void call_nocap(int fd, int16_t key, int16_t v, const void *req, void *resp,
                       st_call *c)
{
    int rc = st_kafka_call(fd, key, v, req, resp, c);
    if (rc != 0)
        fail_msg("API %d v%d: call failed: %s", key, v, samsa_err_name(rc));
}

/* ---------------------------------------------------------------- SASL */

static void test_sasl_handshake(void **state)
{
    const char *sasl = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    int16_t v, lo, hi;
    conn c;
    (void)state;

    conn_open(&c, sasl);
    common_versions(&c, 17, &lo, &hi);
    conn_close(&c);
    for (v = lo; v <= hi; v++) {
        sp_sasl_handshake_req req = { sp_str_of("PLAIN") };
        sp_sasl_handshake_resp resp;
        st_call call;
        int32_t i;
        bool plain = false;

        conn_open(&c, sasl);
        call_ok(c.fd, 17, v, &req, &resp, &call);
        assert_int_equal(resp.error_code, 0);
        for (i = 0; i < resp.mechanisms.count; i++)
            plain |= str_is(resp.mechanisms.items[i], "PLAIN");
        assert_true(plain);
        st_call_free(&call);
        conn_close(&c);

        /* a mechanism the broker does not offer: error 33, list given */
        conn_open(&c, sasl);
        req.mechanism = sp_str_of("HGROUPS-NOPE");
        assert_int_equal(st_kafka_call(c.fd, 17, v, &req, &resp, &call), 0);
        assert_int_equal(resp.error_code, SAMSA_ERR_UNSUPPORTED_SASL_MECHANISM);
        assert_true(resp.mechanisms.count >= 1);
        st_call_free(&call);
        conn_close(&c);
    }
}

/* Handshake v1 PLAIN on a fresh SASL connection, then SaslAuthenticate v. */
static void sasl_auth_once(const char *sasl, int16_t v, const char *user,
                           const char *pass, sp_sasl_authenticate_resp *resp,
                           st_call *call, conn *c)
{
    sp_sasl_handshake_req hs = { sp_str_of("PLAIN") };
    sp_sasl_handshake_resp hr;
    sp_sasl_authenticate_req req;
    st_call hc;
    char token[256];
    int n;

    conn_open(c, sasl);
    assert_int_equal(st_kafka_call(c->fd, 17, 1, &hs, &hr, &hc), 0);
    assert_int_equal(hr.error_code, 0);
    st_call_free(&hc);
    /* PLAIN: authzid NUL authcid NUL passwd (RFC 4616) */
    n = snprintf(token, sizeof token, "%c%s%c%s", 0, user, 0, pass);
    assert_true(n > 0 && (size_t)n < sizeof token);
    req.auth_bytes.ptr = (const uint8_t *)token;
    req.auth_bytes.len = n;
    assert_int_equal(st_kafka_call(c->fd, 36, v, &req, resp, call), 0);
}

static void test_sasl_authenticate(void **state)
{
    const char *sasl = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    const char *user = st_require_env("SAMSA_TEST_SASL_USER");
    const char *pass = st_require_env("SAMSA_TEST_SASL_PASSWORD");
    int16_t v, lo, hi;
    conn c;
    (void)state;

    conn_open(&c, sasl);
    common_versions(&c, 36, &lo, &hi);
    conn_close(&c);
    for (v = lo; v <= hi; v++) {
        sp_sasl_authenticate_resp resp;
        st_call call;

        sasl_auth_once(sasl, v, user, pass, &resp, &call, &c);
        st_capture_response(36, v, &call);
        assert_int_equal(resp.error_code, 0);
        assert_true(resp.error_message.len <= 0);
        assert_true(resp.auth_bytes.len >= 0);
        assert_true(resp.session_lifetime_ms >= 0);
        st_call_free(&call);
        /* authenticated: a normal request now works on this connection */
        {
            sp_api_versions_resp av;
            st_call ac;
            assert_int_equal(st_broker_versions(c.fd, &av, &ac), 0);
            assert_int_equal(av.error_code, 0);
            st_call_free(&ac);
        }
        conn_close(&c);

        sasl_auth_once(sasl, v, user, "hgroups-wrong", &resp, &call, &c);
        assert_int_equal(resp.error_code, SAMSA_ERR_SASL_AUTHENTICATION_FAILED);
        assert_true(resp.error_message.len > 0);
        st_call_free(&call);
        conn_close(&c);
    }
}

/* ---------------------------------------------------------------- groups */

#define SESSION_MS 10000
#define RETRIES 100

static void nap_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static bool retriable_coordinator_error(int16_t err)
{
    return err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           err == SAMSA_ERR_NOT_COORDINATOR;
}

/*
 * FindCoordinator at version v for keys[0..n) (n == 1 below v4), retried
 * while the coordinator is still coming up. Checks every answer; leaves
 * "host:port" of the first one in hostport.
 */
static void find_coordinator(int fd, int16_t v, int8_t key_type,
                             const char *const *keys, int n,
                             char *hostport, size_t hplen)
{
    int attempt;

    for (attempt = 0; attempt < RETRIES; attempt++) {
        sp_find_coordinator_req req;
        sp_find_coordinator_resp resp;
        sp_str kv[4];
        st_call call;
        bool again = false;
        int i;

        memset(&req, 0, sizeof req);
        assert_true(n >= 1 && n <= 4);
        for (i = 0; i < n; i++)
            kv[i] = sp_str_of(keys[i]);
        req.key_type = key_type;
        if (v < 4) {
            assert_int_equal(n, 1);
            req.key = kv[0];
        } else {
            req.coordinator_keys.count = n;
            req.coordinator_keys.items = kv;
        }
        call_ok(fd, 10, v, &req, &resp, &call);
        if (v < 4) {
            if (retriable_coordinator_error(resp.error_code)) {
                again = true;
            } else {
                assert_int_equal(resp.error_code, 0);
                assert_true(resp.node_id >= 0 && resp.port > 0 && resp.host.len > 0);
                /* Kafka fills in its error's name for success too */
                assert_true(resp.error_message.len <= 0 ||
                            str_is(resp.error_message, "NONE"));
                snprintf(hostport, hplen, "%.*s:%d", (int)resp.host.len,
                         resp.host.ptr, (int)resp.port);
            }
        } else {
            assert_int_equal(resp.coordinators.count, n);
            for (i = 0; i < n; i++) {
                const sp_find_coordinator_coordinator *co = &resp.coordinators.items[i];
                assert_true(str_is(co->key, keys[i]));
                if (retriable_coordinator_error(co->error_code)) {
                    again = true;
                    continue;
                }
                assert_int_equal(co->error_code, 0);
                assert_true(co->node_id >= 0 && co->port > 0 && co->host.len > 0);
                assert_true(co->error_message.len <= 0 || str_is(co->error_message, "NONE"));
                if (i == 0)
                    snprintf(hostport, hplen, "%.*s:%d", (int)co->host.len,
                             co->host.ptr, (int)co->port);
            }
        }
        st_call_free(&call);
        if (!again)
            return;
        nap_ms(200);
    }
    fail_msg("FindCoordinator v%d: coordinator never became available", v);
}

static void test_find_coordinator(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char g1[64], g2[64], t1[64], hp[256];
    int16_t v, lo, hi;
    conn c;
    (void)state;

    snprintf(g1, sizeof g1, "hgroups-%d-fc-a", (int)getpid());
    snprintf(g2, sizeof g2, "hgroups-%d-fc-b", (int)getpid());
    snprintf(t1, sizeof t1, "hgroups-%d-fc-txn", (int)getpid());
    conn_open(&c, bootstrap);
    common_versions(&c, 10, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        const char *groups[2] = { g1, g2 };
        const char *txns[1] = { t1 };

        /* the batched form (v4+) asks for two groups at once */
        find_coordinator(c.fd, v, SP_COORDINATOR_GROUP, groups, v >= 4 ? 2 : 1,
                         hp, sizeof hp);
        if (v >= 1)
            find_coordinator(c.fd, v, SP_COORDINATOR_TRANSACTION, txns, 1, hp, sizeof hp);
    }
    conn_close(&c);
}

/* Consumer protocol payloads as a consumer would put them in JoinGroup. */
static void encode_subscription(sp_writer *w, int16_t v, const char *topic)
{
    sp_consumer_protocol_subscription sub;
    sp_consumer_protocol_topic_partitions owned;
    sp_str topics[1];
    int32_t parts[2] = { 0, 1 };

    memset(&sub, 0, sizeof sub);
    topics[0] = sp_str_of(topic);
    sub.topics.count = 1;
    sub.topics.items = topics;
    sub.user_data.ptr = (const uint8_t *)"ud";
    sub.user_data.len = 2;
    owned.topic = sp_str_of(topic);
    owned.partitions.count = 2;
    owned.partitions.items = parts;
    sub.owned_partitions.count = 1;
    sub.owned_partitions.items = &owned;
    sub.generation_id = 7;
    sub.rack_id = sp_str_of("rack-a");
    assert_int_equal(sp_consumer_protocol_encode(w, &sp_msg_consumer_protocol_subscription,
                                                 v, &sub), 0);
}

static void encode_assignment(sp_writer *w, int16_t v, const char *topic)
{
    sp_consumer_protocol_assignment asg;
    sp_consumer_protocol_topic_partitions tp;
    int32_t parts[3] = { 0, 1, 2 };

    memset(&asg, 0, sizeof asg);
    tp.topic = sp_str_of(topic);
    tp.partitions.count = 3;
    tp.partitions.items = parts;
    asg.assigned_partitions.count = 1;
    asg.assigned_partitions.items = &tp;
    asg.user_data.len = -1;
    assert_int_equal(sp_consumer_protocol_encode(w, &sp_msg_consumer_protocol_assignment,
                                                 v, &asg), 0);
}

static void check_subscription(sp_bytes b, int16_t v, const char *topic)
{
    sp_consumer_protocol_subscription sub;
    sp_arena arena;
    int16_t got;

    sp_arena_init(&arena, NULL, 1 << 20);
    assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_subscription,
                                                 &sub, &got, &arena, b.ptr,
                                                 (size_t)b.len), 0);
    assert_int_equal(got, v);
    assert_int_equal(sub.topics.count, 1);
    assert_true(str_is(sub.topics.items[0], topic));
    assert_int_equal(sub.user_data.len, 2);
    assert_int_equal(sub.owned_partitions.count, v >= 1 ? 1 : 0);
    assert_int_equal(sub.generation_id, v >= 2 ? 7 : -1);
    if (v >= 3)
        assert_true(str_is(sub.rack_id, "rack-a"));
    else
        assert_true(sub.rack_id.len < 0);
    sp_arena_free(&arena);
}

static void check_assignment(sp_bytes b, int16_t v, const char *topic)
{
    sp_consumer_protocol_assignment asg;
    sp_arena arena;
    int16_t got;

    sp_arena_init(&arena, NULL, 1 << 20);
    assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_assignment,
                                                 &asg, &got, &arena, b.ptr,
                                                 (size_t)b.len), 0);
    assert_int_equal(got, v);
    assert_int_equal(asg.assigned_partitions.count, 1);
    assert_true(str_is(asg.assigned_partitions.items[0].topic, topic));
    assert_int_equal(asg.assigned_partitions.items[0].partitions.count, 3);
    assert_int_equal(asg.assigned_partitions.items[0].partitions.items[2], 2);
    assert_true(asg.user_data.len < 0);
    sp_arena_free(&arena);
}

typedef struct member {
    char id[256];
    int32_t generation;
} classic_member;

/* JoinGroup at v as a new consumer member; v4+ goes through the
 * MEMBER_ID_REQUIRED round first (KIP-394). */
static void join_group(int fd, int16_t v, const char *group, int16_t pv,
                       const char *topic, classic_member *m)
{
    sp_join_group_req req;
    sp_join_group_resp resp;
    sp_join_group_protocol proto;
    sp_writer meta;
    st_call call;
    int attempt;

    sp_writer_init(&meta, NULL, 1 << 16);
    encode_subscription(&meta, pv, topic);
    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(group);
    req.session_timeout_ms = SESSION_MS;
    req.rebalance_timeout_ms = SESSION_MS;
    req.member_id = sp_str_of("");
    req.group_instance_id.len = -1;
    req.protocol_type = sp_str_of("consumer");
    proto.name = sp_str_of("range");
    proto.metadata.ptr = meta.buf;
    proto.metadata.len = (int32_t)meta.len;
    req.protocols.count = 1;
    req.protocols.items = &proto;
    req.reason = v >= 8 ? sp_str_of("hgroups test") : (sp_str){ NULL, -1 };
    m->id[0] = 0;
    for (attempt = 0; attempt < RETRIES; attempt++) {
        req.member_id = sp_str_of(m->id);
        call_ok(fd, 11, v, &req, &resp, &call);
        if (retriable_coordinator_error(resp.error_code)) {
            st_call_free(&call);
            nap_ms(200);
            continue;
        }
        if (resp.error_code == SAMSA_ERR_MEMBER_ID_REQUIRED) {
            assert_true(v >= 4);
            assert_true(m->id[0] == 0);
            assert_true(resp.member_id.len > 0);
            cstr(resp.member_id, m->id, sizeof m->id);
            st_call_free(&call);
            continue;
        }
        break;
    }
    assert_int_equal(resp.error_code, 0);
    assert_true(resp.generation_id >= 1);
    assert_true(str_is(resp.protocol_name, "range"));
    if (v >= 7)
        assert_true(str_is(resp.protocol_type, "consumer"));
    assert_false(resp.skip_assignment);
    cstr(resp.member_id, m->id, sizeof m->id);
    assert_true(str_is(resp.leader, m->id)); /* alone, so the leader */
    assert_int_equal(resp.members.count, 1);
    assert_true(str_is(resp.members.items[0].member_id, m->id));
    assert_true(resp.members.items[0].group_instance_id.len < 0);
    check_subscription(resp.members.items[0].metadata, pv, topic);
    m->generation = resp.generation_id;
    st_call_free(&call);
    sp_writer_free(&meta);
}

static void sync_group(int fd, int16_t v, const char *group, int16_t pv,
                       const char *topic, const classic_member *m)
{
    sp_sync_group_req req;
    sp_sync_group_resp resp;
    sp_sync_group_assignment a;
    sp_writer asg;
    st_call call;

    sp_writer_init(&asg, NULL, 1 << 16);
    encode_assignment(&asg, pv, topic);
    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(group);
    req.generation_id = m->generation;
    req.member_id = sp_str_of(m->id);
    req.group_instance_id.len = -1;
    req.protocol_type = sp_str_of("consumer");
    req.protocol_name = sp_str_of("range");
    a.member_id = sp_str_of(m->id);
    a.assignment.ptr = asg.buf;
    a.assignment.len = (int32_t)asg.len;
    req.assignments.count = 1;
    req.assignments.items = &a;
    call_ok(fd, 14, v, &req, &resp, &call);
    assert_int_equal(resp.error_code, 0);
    if (v >= 5) {
        assert_true(str_is(resp.protocol_type, "consumer"));
        assert_true(str_is(resp.protocol_name, "range"));
    } else {
        assert_true(resp.protocol_type.len < 0 && resp.protocol_name.len < 0);
    }
    assert_int_equal(resp.assignment.len, (int32_t)asg.len);
    assert_memory_equal(resp.assignment.ptr, asg.buf, asg.len);
    check_assignment(resp.assignment, pv, topic);
    st_call_free(&call);
    sp_writer_free(&asg);
}

static void heartbeat(int fd, int16_t v, const char *group, const classic_member *m,
                      int16_t want)
{
    sp_heartbeat_req req = { sp_str_of(group), m->generation, sp_str_of(m->id),
                             { NULL, -1 } };
    sp_heartbeat_resp resp;
    st_call call;

    call_ok(fd, 12, v, &req, &resp, &call);
    assert_int_equal(resp.error_code, want);
    st_call_free(&call);
}

static void describe_group(int fd, int16_t v, const char *group, int16_t pv,
                           const char *topic, const classic_member *m, const char *state)
{
    sp_describe_groups_req req;
    sp_describe_groups_resp resp;
    sp_str g = sp_str_of(group);
    const sp_described_group *dg;
    st_call call;

    memset(&req, 0, sizeof req);
    req.groups.count = 1;
    req.groups.items = &g;
    req.include_authorized_operations = v >= 3;
    call_ok(fd, 15, v, &req, &resp, &call);
    assert_int_equal(resp.groups.count, 1);
    dg = &resp.groups.items[0];
    assert_int_equal(dg->error_code, 0);
    assert_true(dg->error_message.len < 0);
    assert_true(str_is(dg->group_id, group));
    assert_true(str_is(dg->group_state, state));
    if (m) {
        assert_true(str_is(dg->protocol_type, "consumer"));
        assert_true(str_is(dg->protocol_data, "range"));
        assert_int_equal(dg->members.count, 1);
        assert_true(str_is(dg->members.items[0].member_id, m->id));
        assert_true(str_is(dg->members.items[0].client_id, "samsa-test"));
        assert_true(dg->members.items[0].client_host.len > 0);
        check_subscription(dg->members.items[0].member_metadata, pv, topic);
        check_assignment(dg->members.items[0].member_assignment, pv, topic);
    } else {
        assert_int_equal(dg->members.count, 0);
    }
    /* asked for from v3: no ACLs here, so everything is allowed */
    if (v >= 3)
        assert_true(dg->authorized_operations != INT32_MIN);
    else
        assert_int_equal(dg->authorized_operations, INT32_MIN);
    st_call_free(&call);
}

static void list_groups(int fd, int16_t v, const char *group)
{
    sp_list_groups_req req;
    sp_list_groups_resp resp;
    sp_str state = sp_str_of("Stable"), type = sp_str_of("classic");
    st_call call;
    int32_t i;
    bool found = false;

    memset(&req, 0, sizeof req);
    req.states_filter.count = 1;
    req.states_filter.items = &state;
    req.types_filter.count = 1;
    req.types_filter.items = &type;
    call_ok(fd, 16, v, &req, &resp, &call);
    assert_int_equal(resp.error_code, 0);
    for (i = 0; i < resp.groups.count; i++) {
        const sp_listed_group *lg = &resp.groups.items[i];
        if (!str_is(lg->group_id, group))
            continue;
        found = true;
        assert_true(str_is(lg->protocol_type, "consumer"));
        if (v >= 4)
            assert_true(str_is(lg->group_state, "Stable"));
        if (v >= 5)
            assert_true(str_is(lg->group_type, "classic"));
    }
    assert_true(found);
    st_call_free(&call);
}

static void leave_group(int fd, int16_t v, const char *group, const classic_member *m)
{
    sp_leave_group_req req;
    sp_leave_group_resp resp;
    sp_leave_group_member lm;
    st_call call;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(group);
    req.member_id = sp_str_of(m->id);
    lm.member_id = sp_str_of(m->id);
    lm.group_instance_id.ptr = NULL;
    lm.group_instance_id.len = -1;
    lm.reason = sp_str_of("hgroups test done");
    req.members.count = 1;
    req.members.items = &lm;
    call_ok(fd, 13, v, &req, &resp, &call);
    assert_int_equal(resp.error_code, 0);
    if (v >= 3) {
        assert_int_equal(resp.members.count, 1);
        assert_true(str_is(resp.members.items[0].member_id, m->id));
        assert_true(resp.members.items[0].group_instance_id.len < 0);
        assert_int_equal(resp.members.items[0].error_code, 0);
    } else {
        assert_int_equal(resp.members.count, 0);
    }
    st_call_free(&call);
}

/*
 * One classic consumer group per step i: FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, DescribeGroups, ListGroups, LeaveGroup, each at
 * its (lo + i)-th version (held at its max), until every version of every
 * one of them has been used. The consumer protocol payloads walk v0-3.
 */
static void test_classic_group(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    int16_t lo[17], hi[17];
    static const int16_t keys[] = { 10, 11, 12, 13, 14, 15, 16 };
    int i, k, steps = 0;
    conn c;
    (void)state;

    conn_open(&c, bootstrap);
    for (k = 0; k < (int)(sizeof keys / sizeof keys[0]); k++) {
        int16_t key = keys[k];
        common_versions(&c, key, &lo[key], &hi[key]);
        if (hi[key] - lo[key] + 1 > steps)
            steps = hi[key] - lo[key] + 1;
    }
    if (steps < SP_CONSUMER_PROTOCOL_VMAX + 1)
        steps = SP_CONSUMER_PROTOCOL_VMAX + 1;
    for (i = 0; i < steps; i++) {
        int16_t pv = (int16_t)(i > SP_CONSUMER_PROTOCOL_VMAX ? SP_CONSUMER_PROTOCOL_VMAX : i);
        int16_t hv = vpick(lo[12], hi[12], i);
        char group[96], topic[64], hp[256];
        const char *gk[1];
        classic_member m;
        conn co;

        snprintf(group, sizeof group, "hgroups-%d-classic-%d", (int)getpid(), i);
        snprintf(topic, sizeof topic, "hgroups-topic-%d", i);
        gk[0] = group;
        find_coordinator(c.fd, hi[10], SP_COORDINATOR_GROUP, gk, 1, hp, sizeof hp);
        conn_open(&co, hp);
        join_group(co.fd, vpick(lo[11], hi[11], i), group, pv, topic, &m);
        sync_group(co.fd, vpick(lo[14], hi[14], i), group, pv, topic, &m);
        heartbeat(co.fd, hv, group, &m, 0);
        describe_group(co.fd, vpick(lo[15], hi[15], i), group, pv, topic, &m, "Stable");
        list_groups(co.fd, vpick(lo[16], hi[16], i), group);
        leave_group(co.fd, vpick(lo[13], hi[13], i), group, &m);
        describe_group(co.fd, vpick(lo[15], hi[15], i), group, pv, topic, NULL, "Empty");
        /* gone: the coordinator no longer knows the member */
        heartbeat(co.fd, hv, group, &m, SAMSA_ERR_UNKNOWN_MEMBER_ID);
        conn_close(&co);
    }
    conn_close(&c);
}

/* ---------------------------------------------------------------- transactions */

#define TXN_TOPIC "hgroups-txn"

/* Create topic `name` (1 partition) if needed and return its topic id. */
static void ensure_topic(int fd, const char *name, sp_uuid *id)
{
    sp_create_topics_req creq;
    sp_create_topics_resp cresp;
    sp_create_topics_topic ct;
    sp_metadata_req mreq;
    sp_metadata_resp mresp;
    sp_metadata_req_topic mt;
    static const sp_uuid zero;
    st_call call;
    int attempt;

    memset(&creq, 0, sizeof creq);
    memset(&ct, 0, sizeof ct);
    ct.name = sp_str_of(name);
    ct.num_partitions = 1;
    ct.replication_factor = 1;
    creq.topics.count = 1;
    creq.topics.items = &ct;
    creq.timeout_ms = 30000;
    assert_int_equal(st_kafka_call(fd, 19, 7, &creq, &cresp, &call), 0);
    assert_int_equal(cresp.topics.count, 1);
    assert_true(cresp.topics.items[0].error_code == 0 ||
                cresp.topics.items[0].error_code == SAMSA_ERR_TOPIC_ALREADY_EXISTS);
    st_call_free(&call);
    /* its id, once the metadata has it */
    for (attempt = 0; attempt < RETRIES; attempt++) {
        memset(&mreq, 0, sizeof mreq);
        memset(&mt, 0, sizeof mt);
        mt.name = sp_str_of(name);
        mreq.topics.count = 1;
        mreq.topics.items = &mt;
        assert_int_equal(st_kafka_call(fd, 3, 12, &mreq, &mresp, &call), 0);
        assert_int_equal(mresp.topics.count, 1);
        if (mresp.topics.items[0].error_code == 0 &&
            memcmp(&mresp.topics.items[0].topic_id, &zero, sizeof zero) != 0 &&
            mresp.topics.items[0].partitions.count == 1 &&
            mresp.topics.items[0].partitions.items[0].leader_id >= 0) {
            *id = mresp.topics.items[0].topic_id;
            st_call_free(&call);
            return;
        }
        st_call_free(&call);
        nap_ms(200);
    }
    fail_msg("topic %s never became ready", name);
}

typedef struct producer {
    int64_t id;
    int16_t epoch;
} producer;

static bool retriable_txn_error(int16_t err)
{
    return retriable_coordinator_error(err) ||
           err == SAMSA_ERR_CONCURRENT_TRANSACTIONS;
}

/* InitProducerId at v; txn_id NULL for an idempotent producer id. */
static void init_producer_id(int fd, int16_t v, const char *txn_id, producer *p)
{
    sp_init_producer_id_req req;
    sp_init_producer_id_resp resp;
    st_call call;
    int attempt;

    memset(&req, 0, sizeof req);
    req.transactional_id = txn_id ? sp_str_of(txn_id) : (sp_str){ NULL, -1 };
    req.transaction_timeout_ms = 60000;
    req.producer_id = -1;
    req.producer_epoch = -1;
    for (attempt = 0; attempt < RETRIES; attempt++) {
        call_ok(fd, 22, v, &req, &resp, &call);
        if (!retriable_txn_error(resp.error_code))
            break;
        st_call_free(&call);
        nap_ms(200);
    }
    assert_int_equal(resp.error_code, 0);
    assert_true(resp.producer_id >= 0);
    assert_true(resp.producer_epoch >= 0);
    assert_int_equal(resp.ongoing_txn_producer_id, -1); /* v6 only */
    p->id = resp.producer_id;
    p->epoch = resp.producer_epoch;
    st_call_free(&call);
}

static void add_partitions_to_txn(int fd, int16_t v, const char *txn_id,
                                  const producer *p)
{
    sp_add_partitions_to_txn_req req;
    sp_add_partitions_to_txn_resp resp;
    sp_add_partitions_to_txn_topic topic;
    sp_add_partitions_to_txn_transaction txn;
    const sp_add_partitions_to_txn_topic_result *tr;
    int32_t part = 0;
    st_call call;
    int attempt;

    memset(&req, 0, sizeof req);
    topic.name = sp_str_of(TXN_TOPIC);
    topic.partitions.count = 1;
    topic.partitions.items = &part;
    if (v >= 4) {
        /* the batched form, as one transaction */
        txn.transactional_id = sp_str_of(txn_id);
        txn.producer_id = p->id;
        txn.producer_epoch = p->epoch;
        txn.verify_only = false;
        txn.topics.count = 1;
        txn.topics.items = &topic;
        req.transactions.count = 1;
        req.transactions.items = &txn;
    } else {
        req.v3_and_below_transactional_id = sp_str_of(txn_id);
        req.v3_and_below_producer_id = p->id;
        req.v3_and_below_producer_epoch = p->epoch;
        req.v3_and_below_topics.count = 1;
        req.v3_and_below_topics.items = &topic;
    }
    for (attempt = 0; attempt < RETRIES; attempt++) {
        call_ok(fd, 24, v, &req, &resp, &call);
        if (v >= 4) {
            assert_int_equal(resp.error_code, 0);
            assert_int_equal(resp.results_by_transaction.count, 1);
            assert_true(str_is(resp.results_by_transaction.items[0].transactional_id, txn_id));
            assert_int_equal(resp.results_by_transaction.items[0].topic_results.count, 1);
            tr = &resp.results_by_transaction.items[0].topic_results.items[0];
            assert_int_equal(resp.results_by_topic_v3_and_below.count, 0);
        } else {
            assert_int_equal(resp.results_by_topic_v3_and_below.count, 1);
            tr = &resp.results_by_topic_v3_and_below.items[0];
            assert_int_equal(resp.results_by_transaction.count, 0);
        }
        assert_true(str_is(tr->name, TXN_TOPIC));
        assert_int_equal(tr->results_by_partition.count, 1);
        assert_int_equal(tr->results_by_partition.items[0].partition_index, 0);
        if (!retriable_txn_error(tr->results_by_partition.items[0].partition_error_code))
            break;
        st_call_free(&call);
        nap_ms(200);
    }
    assert_int_equal(tr->results_by_partition.items[0].partition_error_code, 0);
    st_call_free(&call);
}

static void add_offsets_to_txn(int fd, int16_t v, const char *txn_id,
                               const producer *p, const char *group)
{
    sp_add_offsets_to_txn_req req = { sp_str_of(txn_id), p->id, p->epoch, sp_str_of(group) };
    sp_add_offsets_to_txn_resp resp;
    st_call call;
    int attempt;

    for (attempt = 0; attempt < RETRIES; attempt++) {
        call_ok(fd, 25, v, &req, &resp, &call);
        if (!retriable_txn_error(resp.error_code))
            break;
        st_call_free(&call);
        nap_ms(200);
    }
    assert_int_equal(resp.error_code, 0);
    st_call_free(&call);
}

static void txn_offset_commit(int fd, int16_t v, const char *txn_id,
                              const producer *p, const char *group,
                              const sp_uuid *topic_id)
{
    sp_txn_offset_commit_req req;
    sp_txn_offset_commit_resp resp;
    sp_txn_offset_commit_req_topic topic;
    sp_txn_offset_commit_req_partition part;
    const sp_txn_offset_commit_resp_topic *rt;
    st_call call;
    int attempt;

    memset(&req, 0, sizeof req);
    memset(&topic, 0, sizeof topic);
    req.transactional_id = sp_str_of(txn_id);
    req.group_id = sp_str_of(group);
    req.producer_id = p->id;
    req.producer_epoch = p->epoch;
    req.generation_id_or_member_epoch = -1; /* not a group member */
    req.member_id = sp_str_of("");
    req.group_instance_id.len = -1;
    topic.name = sp_str_of(TXN_TOPIC);
    topic.topic_id = *topic_id;
    part.partition_index = 0;
    part.committed_offset = 0;
    part.committed_leader_epoch = -1;
    part.committed_metadata = sp_str_of("hgroups");
    topic.partitions.count = 1;
    topic.partitions.items = &part;
    req.topics.count = 1;
    req.topics.items = &topic;
    for (attempt = 0; attempt < RETRIES; attempt++) {
        call_ok(fd, 28, v, &req, &resp, &call);
        assert_int_equal(resp.topics.count, 1);
        rt = &resp.topics.items[0];
        if (v >= 6)
            assert_memory_equal(&rt->topic_id, topic_id, sizeof *topic_id);
        else
            assert_true(str_is(rt->name, TXN_TOPIC));
        assert_int_equal(rt->partitions.count, 1);
        if (!retriable_txn_error(rt->partitions.items[0].error_code))
            break;
        st_call_free(&call);
        nap_ms(200);
    }
    assert_int_equal(rt->partitions.items[0].error_code, 0);
    st_call_free(&call);
}

static void end_txn(int fd, int16_t v, const char *txn_id, const producer *p,
                    bool commit)
{
    sp_end_txn_req req = { sp_str_of(txn_id), p->id, p->epoch, commit };
    sp_end_txn_resp resp;
    st_call call;
    int attempt;

    for (attempt = 0; attempt < RETRIES; attempt++) {
        call_ok(fd, 26, v, &req, &resp, &call);
        if (!retriable_txn_error(resp.error_code))
            break;
        st_call_free(&call);
        nap_ms(200);
    }
    assert_int_equal(resp.error_code, 0);
    if (v >= 5) {
        /* transactions v2: same id, epoch bumped for the next one */
        assert_true(resp.producer_id == p->id);
        assert_true(resp.producer_epoch > p->epoch);
    } else {
        assert_true(resp.producer_id == -1 && resp.producer_epoch == -1);
    }
    st_call_free(&call);
}

/*
 * One transaction per step i: InitProducerId (transactional, and an
 * idempotent one), AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit,
 * EndTxn (commit on even steps, abort on odd ones), each at its (lo + i)-th
 * version held at its max. One broker: it coordinates groups and
 * transactions alike.
 */
static void test_transactions(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    static const int16_t keys[] = { 22, 24, 25, 26, 28 };
    int16_t lo[29], hi[29];
    sp_uuid topic_id;
    int i, k, steps = 0;
    conn c;
    (void)state;

    conn_open(&c, bootstrap);
    for (k = 0; k < (int)(sizeof keys / sizeof keys[0]); k++) {
        int16_t key = keys[k];
        common_versions(&c, key, &lo[key], &hi[key]);
        if (hi[key] - lo[key] + 1 > steps)
            steps = hi[key] - lo[key] + 1;
    }
    ensure_topic(c.fd, TXN_TOPIC, &topic_id);
    for (i = 0; i < steps; i++) {
        char txn_id[96], group[96];
        producer p, idem;

        snprintf(txn_id, sizeof txn_id, "hgroups-%d-txn-%d", (int)getpid(), i);
        snprintf(group, sizeof group, "hgroups-%d-txg-%d", (int)getpid(), i);
        init_producer_id(c.fd, vpick(lo[22], hi[22], i), NULL, &idem);
        init_producer_id(c.fd, vpick(lo[22], hi[22], i), txn_id, &p);
        assert_true(p.id != idem.id);
        add_partitions_to_txn(c.fd, vpick(lo[24], hi[24], i), txn_id, &p);
        add_offsets_to_txn(c.fd, vpick(lo[25], hi[25], i), txn_id, &p, group);
        txn_offset_commit(c.fd, vpick(lo[28], hi[28], i), txn_id, &p, group, &topic_id);
        end_txn(c.fd, vpick(lo[26], hi[26], i), txn_id, &p, i % 2 == 0);
    }
    conn_close(&c);
}

/* ---------------------------------------------------------------- KIP-848 / KIP-932 */

#define CGH_TOPIC "hgroups-cgh"
#define SHARE_TOPIC "hgroups-share"

/* Kafka's text form of a UUID (Uuid.toString): unpadded base64url. */
static void uuid_text(const uint8_t b16[16], char out[23])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char b[18] = { 0 };
    int i;

    memcpy(b, b16, 16);
    for (i = 0; i < 22; i++) {
        int bit = i * 6, byte = bit / 8, sh = bit % 8;
        unsigned v = ((unsigned)b[byte] << 8 | b[byte + 1]) >> (10 - sh);
        out[i] = b64[v & 63];
    }
    out[22] = 0;
}

/* A client-generated member id: a random UUID in text form, as Kafka's
 * Java clients make them. */
static void random_member_id(char out[23])
{
    static unsigned seed;
    uint8_t b[16];
    int i;

    if (!seed)
        seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
    for (i = 0; i < 16; i++)
        b[i] = (uint8_t)(rand_r(&seed) >> 7);
    uuid_text(b, out);
}

static bool has_partition0(const sp_uuid *topic_id, const void *items, int32_t count,
                           size_t stride)
{
    int32_t i;

    /* both heartbeat flavours lay out {sp_uuid, SP_ARRAY(int32_t)} */
    for (i = 0; i < count; i++) {
        const sp_cgh_topic_partitions *tp =
            (const sp_cgh_topic_partitions *)((const char *)items + (size_t)i * stride);
        if (memcmp(&tp->topic_id, topic_id, sizeof *topic_id) == 0 &&
            tp->partitions.count == 1 && tp->partitions.items[0] == 0)
            return true;
    }
    return false;
}

/*
 * KIP-848 consumer group per version: join (epoch 0; v0 lets the
 * coordinator pick the member id, v1 sends one), heartbeat until the one
 * partition of CGH_TOPIC is assigned (acknowledging it as owned), leave
 * (epoch -1).
 */
static void test_consumer_group_heartbeat(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    int16_t v, lo, hi;
    sp_uuid topic_id;
    conn c;
    (void)state;

    conn_open(&c, bootstrap);
    common_versions(&c, 68, &lo, &hi);
    ensure_topic(c.fd, CGH_TOPIC, &topic_id);
    for (v = lo; v <= hi; v++) {
        sp_consumer_group_heartbeat_req req;
        sp_consumer_group_heartbeat_resp resp;
        sp_cgh_topic_partitions owned;
        sp_str topic = sp_str_of(CGH_TOPIC);
        int32_t part0 = 0;
        char group[96], member[256], gen[23];
        int32_t epoch;
        st_call call;
        int attempt;
        bool assigned = false;

        snprintf(group, sizeof group, "hgroups-%d-cgh-%d", (int)getpid(), v);
        random_member_id(gen);
        memset(&req, 0, sizeof req);
        req.group_id = sp_str_of(group);
        req.member_id = sp_str_of(v >= 1 ? gen : "");
        req.member_epoch = 0;
        req.instance_id.len = -1;
        req.rack_id.len = -1;
        req.rebalance_timeout_ms = SESSION_MS;
        req.subscribed_topic_names.count = 1;
        req.subscribed_topic_names.items = &topic;
        req.subscribed_topic_regex.len = -1;
        req.server_assignor.len = -1; /* the broker's default */
        req.topic_partitions.count = 0;
        for (attempt = 0; attempt < RETRIES; attempt++) {
            call_ok(c.fd, 68, v, &req, &resp, &call);
            if (!retriable_coordinator_error(resp.error_code))
                break;
            st_call_free(&call);
            nap_ms(200);
        }
        if (resp.error_code == SAMSA_ERR_UNSUPPORTED_VERSION && kafka_3x()) {
            /* 3.x lists the API but enables the protocol only with
             * group.coordinator.rebalance.protocols=classic,consumer */
            st_call_free(&call);
            conn_close(&c);
            printf("# SKIP test_consumer_group_heartbeat: the KIP-848 protocol is "
                   "off on this 3.x broker (the request and its error decoded)\n");
            skip();
        }
        assert_int_equal(resp.error_code, 0);
        assert_true(resp.error_message.len < 0);
        assert_true(resp.member_epoch >= 1);
        assert_true(resp.heartbeat_interval_ms > 0);
        if (v >= 1)
            assert_true(str_is(resp.member_id, gen));
        cstr(resp.member_id, member, sizeof member);
        epoch = resp.member_epoch;
        for (attempt = 0; attempt < RETRIES; attempt++) {
            if (resp.assignment &&
                has_partition0(&topic_id, resp.assignment->topic_partitions.items,
                               resp.assignment->topic_partitions.count,
                               sizeof(sp_cgh_topic_partitions)))
                assigned = true;
            st_call_free(&call);
            if (assigned)
                break;
            nap_ms(200);
            /* plain heartbeat: nothing changed, so the nullable fields are null */
            req.member_id = sp_str_of(member);
            req.member_epoch = epoch;
            req.rebalance_timeout_ms = -1;
            req.subscribed_topic_names.count = -1;
            req.topic_partitions.count = -1;
            call_ok(c.fd, 68, v, &req, &resp, &call);
            assert_int_equal(resp.error_code, 0);
            epoch = resp.member_epoch;
        }
        assert_true(assigned);
        /* acknowledge the assignment by reporting it as owned */
        owned.topic_id = topic_id;
        owned.partitions.count = 1;
        owned.partitions.items = &part0;
        req.member_id = sp_str_of(member);
        req.member_epoch = epoch;
        req.topic_partitions.count = 1;
        req.topic_partitions.items = &owned;
        call_nocap(c.fd, 68, v, &req, &resp, &call);
        assert_int_equal(resp.error_code, 0);
        assert_int_equal(resp.member_epoch, epoch);
        st_call_free(&call);
        /* leave */
        req.member_epoch = -1;
        req.topic_partitions.count = -1;
        call_nocap(c.fd, 68, v, &req, &resp, &call);
        assert_int_equal(resp.error_code, 0);
        assert_int_equal(resp.member_epoch, -1);
        st_call_free(&call);
    }
    conn_close(&c);
}

/* Produce n small records to partition 0 of topic (by name). */
static void produce_records(int fd, const char *topic, int n)
{
    sp_produce_req req;
    sp_produce_resp resp;
    sp_produce_req_topic t;
    sp_produce_req_partition p;
    sp_batch_builder bb;
    sp_writer w, scratch;
    st_call call;
    int i;

    sp_writer_init(&w, NULL, 1 << 20);
    sp_writer_init(&scratch, NULL, 1 << 20);
    assert_int_equal(sp_batch_builder_begin(&bb, &w, 0), 0);
    for (i = 0; i < n; i++) {
        char val[32];
        sp_record_in rec;
        memset(&rec, 0, sizeof rec);
        rec.timestamp = (int64_t)time(NULL) * 1000;
        snprintf(val, sizeof val, "hgroups-%d", i);
        rec.value = val;
        rec.value_len = strlen(val);
        assert_int_equal(sp_batch_append(&bb, &rec), 0);
    }
    assert_int_equal(sp_batch_builder_finish(&bb, SP_CODEC_NONE, 0, -1, -1, -1, &scratch), 0);
    memset(&req, 0, sizeof req);
    req.transactional_id.len = -1;
    req.acks = -1;
    req.timeout_ms = 30000;
    p.index = 0;
    p.records.ptr = w.buf;
    p.records.len = (int32_t)w.len;
    memset(&t, 0, sizeof t);
    t.name = sp_str_of(topic);
    t.partition_data.count = 1;
    t.partition_data.items = &p;
    req.topic_data.count = 1;
    req.topic_data.items = &t;
    assert_int_equal(st_kafka_call(fd, 0, 9, &req, &resp, &call), 0);
    assert_int_equal(resp.responses.count, 1);
    assert_int_equal(resp.responses.items[0].partition_responses.count, 1);
    assert_int_equal(resp.responses.items[0].partition_responses.items[0].error_code, 0);
    st_call_free(&call);
    sp_writer_free(&w);
    sp_writer_free(&scratch);
}

/* ShareFetch at v on partition 0 of topic_id with session `epoch`. */
static void share_fetch(int fd, int16_t v, const char *group, const char *member,
                        const sp_uuid *topic_id, int32_t epoch, int32_t wait_ms,
                        sp_share_fetch_resp *resp, st_call *call)
{
    sp_share_fetch_req req;
    sp_share_fetch_topic t;
    sp_share_fetch_partition p;
    const sp_share_fetch_partition_data *pd;

    memset(&req, 0, sizeof req);
    memset(&p, 0, sizeof p);
    req.group_id = sp_str_of(group);
    req.member_id = sp_str_of(member);
    req.share_session_epoch = epoch;
    req.max_wait_ms = wait_ms;
    req.min_bytes = 1;
    req.max_bytes = 1 << 20;
    req.max_records = 500;
    req.batch_size = 500;
    t.topic_id = *topic_id;
    t.partitions.count = 1;
    t.partitions.items = &p;
    req.topics.count = 1;
    req.topics.items = &t;
    call_ok(fd, 78, v, &req, resp, call);
    assert_int_equal(resp->error_code, 0);
    assert_true(resp->error_message.len < 0);
    assert_true(resp->acquisition_lock_timeout_ms > 0);
    assert_int_equal(resp->responses.count, 1);
    assert_memory_equal(&resp->responses.items[0].topic_id, topic_id, sizeof *topic_id);
    assert_int_equal(resp->responses.items[0].partitions.count, 1);
    pd = &resp->responses.items[0].partitions.items[0];
    assert_int_equal(pd->partition_index, 0);
    assert_int_equal(pd->error_code, 0);
    assert_int_equal(pd->acknowledge_error_code, 0);
    assert_non_null(pd->current_leader);
}

/* Heartbeat a share member until it owns partition 0 of topic_id. */
static int32_t share_join(int fd, const char *group, const char *member,
                          const sp_uuid *topic_id, const char *topic)
{
    sp_share_group_heartbeat_req req;
    sp_share_group_heartbeat_resp resp;
    sp_str tn = sp_str_of(topic);
    st_call call;
    int32_t epoch = 0;
    int attempt;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(group);
    req.member_id = sp_str_of(member);
    req.rack_id.len = -1;
    req.subscribed_topic_names.count = 1;
    req.subscribed_topic_names.items = &tn;
    for (attempt = 0; attempt < RETRIES; attempt++) {
        bool assigned;

        req.member_epoch = epoch;
        call_ok(fd, 76, 1, &req, &resp, &call);
        if (retriable_coordinator_error(resp.error_code)) {
            st_call_free(&call);
            nap_ms(200);
            continue;
        }
        assert_int_equal(resp.error_code, 0);
        assert_true(resp.error_message.len < 0);
        assert_true(str_is(resp.member_id, member));
        assert_true(resp.member_epoch >= 1);
        assert_true(resp.heartbeat_interval_ms > 0);
        epoch = resp.member_epoch;
        assigned = resp.assignment &&
                   has_partition0(topic_id, resp.assignment->topic_partitions.items,
                                  resp.assignment->topic_partitions.count,
                                  sizeof(sp_sgh_topic_partitions));
        st_call_free(&call);
        if (assigned)
            return epoch;
        req.subscribed_topic_names.count = -1; /* unchanged from now on */
        nap_ms(200);
    }
    fail_msg("share member never got partition 0");
    return -1;
}

static void share_leave(int fd, const char *group, const char *member)
{
    sp_share_group_heartbeat_req req;
    sp_share_group_heartbeat_resp resp;
    st_call call;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(group);
    req.member_id = sp_str_of(member);
    req.member_epoch = -1;
    req.rack_id.len = -1;
    req.subscribed_topic_names.count = -1;
    call_nocap(fd, 76, 1, &req, &resp, &call);
    assert_int_equal(resp.error_code, 0);
    assert_int_equal(resp.member_epoch, -1);
    st_call_free(&call);
}

/*
 * KIP-932 share group per step: ShareGroupHeartbeat until partition 0 of
 * SHARE_TOPIC is assigned, ShareFetch to open the share session (which
 * also initialises the share partition at the log end), produce three
 * records, ShareFetch them (acquired, delivery count 1), ShareAcknowledge
 * them as accepted, leave.
 */
static void test_share_group(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    int16_t flo, fhi, alo, ahi, hlo, hhi;
    sp_uuid topic_id;
    int i, steps;
    conn c;
    (void)state;

    conn_open(&c, bootstrap);
    if (!st_common_versions(&c.versions, 76, &hlo, &hhi)) {
        /* share groups are GA from 4.1; older brokers do not list them */
        assert_true(kafka_3x());
        conn_close(&c);
        printf("# SKIP test_share_group: this broker has no share-group APIs\n");
        skip();
    }
    common_versions(&c, 78, &flo, &fhi);
    common_versions(&c, 79, &alo, &ahi);
    ensure_topic(c.fd, SHARE_TOPIC, &topic_id);
    steps = fhi - flo > ahi - alo ? fhi - flo + 1 : ahi - alo + 1;
    for (i = 0; i < steps; i++) {
        int16_t fv = vpick(flo, fhi, i), av = vpick(alo, ahi, i);
        sp_share_fetch_resp fr;
        sp_share_acknowledge_req ar;
        sp_share_acknowledge_resp aresp;
        sp_share_ack_topic at;
        sp_share_ack_partition ap;
        sp_share_ack_batch ab;
        int8_t accept = 1;
        char group[96], member[23];
        int64_t first = -1, last = -1;
        int32_t session = 0;
        st_call call;
        int attempt;

        snprintf(group, sizeof group, "hgroups-%d-share-%d", (int)getpid(), i);
        random_member_id(member);
        share_join(c.fd, group, member, &topic_id, SHARE_TOPIC);
        {
            /* the share coordinator of this share partition (key type 2,
             * FindCoordinator v6+): "group:topic id:partition" */
            int16_t clo, chi;
            char tid[23], key[160], hp[256];
            const char *keys[1] = { key };

            common_versions(&c, 10, &clo, &chi);
            if (chi >= 6) {
                uuid_text(topic_id.b, tid);
                snprintf(key, sizeof key, "%s:%s:0", group, tid);
                find_coordinator(c.fd, chi, SP_COORDINATOR_SHARE, keys, 1, hp, sizeof hp);
            }
        }
        /* open the session; nothing to get yet */
        share_fetch(c.fd, fv, group, member, &topic_id, session++, 100, &fr, &call);
        st_call_free(&call);
        produce_records(c.fd, SHARE_TOPIC, 3);
        for (attempt = 0; attempt < 20 && first < 0; attempt++) {
            const sp_share_fetch_partition_data *pd;
            share_fetch(c.fd, fv, group, member, &topic_id, session++, 1000, &fr, &call);
            pd = &fr.responses.items[0].partitions.items[0];
            if (pd->acquired_records.count > 0) {
                int32_t k;
                assert_true(pd->records.len > 0);
                first = pd->acquired_records.items[0].first_offset;
                last = pd->acquired_records.items[pd->acquired_records.count - 1].last_offset;
                for (k = 0; k < pd->acquired_records.count; k++)
                    assert_int_equal(pd->acquired_records.items[k].delivery_count, 1);
            }
            st_call_free(&call);
        }
        assert_true(first >= 0);
        assert_int_equal(last - first + 1, 3);
        /* accept all three */
        memset(&ar, 0, sizeof ar);
        ab.first_offset = first;
        ab.last_offset = last;
        ab.acknowledge_types.count = 1;
        ab.acknowledge_types.items = &accept;
        ap.partition_index = 0;
        ap.acknowledgement_batches.count = 1;
        ap.acknowledgement_batches.items = &ab;
        at.topic_id = topic_id;
        at.partitions.count = 1;
        at.partitions.items = &ap;
        ar.group_id = sp_str_of(group);
        ar.member_id = sp_str_of(member);
        ar.share_session_epoch = session++;
        ar.topics.count = 1;
        ar.topics.items = &at;
        call_ok(c.fd, 79, av, &ar, &aresp, &call);
        assert_int_equal(aresp.error_code, 0);
        assert_int_equal(aresp.responses.count, 1);
        assert_int_equal(aresp.responses.items[0].partitions.count, 1);
        assert_int_equal(aresp.responses.items[0].partitions.items[0].error_code, 0);
        assert_non_null(aresp.responses.items[0].partitions.items[0].current_leader);
        if (av >= 2)
            assert_true(aresp.acquisition_lock_timeout_ms > 0);
        st_call_free(&call);
        share_leave(c.fd, group, member);
    }
    (void)hlo;
    (void)hhi;
    conn_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sasl_handshake),
        cmocka_unit_test(test_sasl_authenticate),
        cmocka_unit_test(test_find_coordinator),
        cmocka_unit_test(test_classic_group),
        cmocka_unit_test(test_transactions),
        cmocka_unit_test(test_consumer_group_heartbeat),
        cmocka_unit_test(test_share_group),
    };
    return cmocka_run_group_tests_name("msgs hgroups (broker)", tests, NULL, NULL);
}
