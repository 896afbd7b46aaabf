/*
 * Classic consumer group messages against the real broker: FindCoordinator
 * (single and batched keys, groups and transactions) and one group per
 * version step through JoinGroup (with KIP-394's MEMBER_ID_REQUIRED round),
 * SyncGroup, Heartbeat, DescribeGroups, ListGroups and LeaveGroup, with the
 * consumer protocol payloads at v0-3. Every response is decoded exactly.
 * Names are prefixed "hgroups-".
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
#include "samsa_test_msgs.h"
#include "msg_find_coordinator.h"
#include "msg_join_group.h"
#include "msg_sync_group.h"
#include "msg_heartbeat.h"
#include "msg_leave_group.h"
#include "msg_describe_groups.h"
#include "msg_list_groups.h"
#include "msg_consumer_protocol.h"

#define SESSION_MS 10000

static void test_find_coordinator(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char g1[64], g2[64], t1[64], hp[256];
    int16_t v, lo, hi;
    st_conn c;
    (void)state;

    snprintf(g1, sizeof g1, "hgroups-%d-fc-a", (int)getpid());
    snprintf(g2, sizeof g2, "hgroups-%d-fc-b", (int)getpid());
    snprintf(t1, sizeof t1, "hgroups-%d-fc-txn", (int)getpid());
    st_conn_open(&c, bootstrap);
    st_versions(&c, 10, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        const char *groups[2] = { g1, g2 };
        const char *txns[1] = { t1 };

        /* the batched form (v4+) asks for two groups at once */
        st_find_coordinator(c.fd, v, SP_COORDINATOR_GROUP, groups, v >= 4 ? 2 : 1,
                            hp, sizeof hp);
        if (v >= 1)
            st_find_coordinator(c.fd, v, SP_COORDINATOR_TRANSACTION, txns, 1, hp, sizeof hp);
    }
    st_conn_close(&c);
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

/* Decode a consumer protocol payload that must be at version v. */
static void decode_payload(const sp_msg_desc *d, void *out, sp_bytes b, int16_t v,
                           sp_arena *arena)
{
    int16_t got;

    sp_arena_init(arena, NULL, 1 << 20);
    assert_int_equal(sp_consumer_protocol_decode(d, out, &got, arena, b.ptr, (size_t)b.len), 0);
    assert_int_equal(got, v);
}

static void check_subscription(sp_bytes b, int16_t v, const char *topic)
{
    sp_consumer_protocol_subscription sub;
    sp_arena arena;

    decode_payload(&sp_msg_consumer_protocol_subscription, &sub, b, v, &arena);
    assert_int_equal(sub.topics.count, 1);
    assert_true(st_str_is(sub.topics.items[0], topic));
    assert_int_equal(sub.user_data.len, 2);
    assert_int_equal(sub.owned_partitions.count, v >= 1 ? 1 : 0);
    assert_int_equal(sub.generation_id, v >= 2 ? 7 : -1);
    if (v >= 3)
        assert_true(st_str_is(sub.rack_id, "rack-a"));
    else
        assert_true(sub.rack_id.len < 0);
    sp_arena_free(&arena);
}

static void check_assignment(sp_bytes b, int16_t v, const char *topic)
{
    sp_consumer_protocol_assignment asg;
    sp_arena arena;

    decode_payload(&sp_msg_consumer_protocol_assignment, &asg, b, v, &arena);
    assert_int_equal(asg.assigned_partitions.count, 1);
    assert_true(st_str_is(asg.assigned_partitions.items[0].topic, topic));
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
    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        req.member_id = sp_str_of(m->id);
        st_call_ok(fd, 11, v, &req, &resp, &call, true);
        if (st_retriable_coordinator_error(resp.error_code)) {
            st_call_free(&call);
            st_sleep_ms(200);
            continue;
        }
        if (resp.error_code == SAMSA_ERR_MEMBER_ID_REQUIRED) {
            assert_true(v >= 4);
            assert_true(m->id[0] == 0);
            assert_true(resp.member_id.len > 0);
            st_cstr(resp.member_id, m->id, sizeof m->id);
            st_call_free(&call);
            continue;
        }
        break;
    }
    assert_int_equal(resp.error_code, 0);
    assert_true(resp.generation_id >= 1);
    assert_true(st_str_is(resp.protocol_name, "range"));
    if (v >= 7)
        assert_true(st_str_is(resp.protocol_type, "consumer"));
    assert_false(resp.skip_assignment);
    st_cstr(resp.member_id, m->id, sizeof m->id);
    assert_true(st_str_is(resp.leader, m->id)); /* alone, so the leader */
    assert_int_equal(resp.members.count, 1);
    assert_true(st_str_is(resp.members.items[0].member_id, m->id));
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
    st_call_ok(fd, 14, v, &req, &resp, &call, true);
    assert_int_equal(resp.error_code, 0);
    if (v >= 5) {
        assert_true(st_str_is(resp.protocol_type, "consumer"));
        assert_true(st_str_is(resp.protocol_name, "range"));
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

    st_call_ok(fd, 12, v, &req, &resp, &call, true);
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
    st_call_ok(fd, 15, v, &req, &resp, &call, true);
    assert_int_equal(resp.groups.count, 1);
    dg = &resp.groups.items[0];
    assert_int_equal(dg->error_code, 0);
    assert_true(dg->error_message.len < 0);
    assert_true(st_str_is(dg->group_id, group));
    assert_true(st_str_is(dg->group_state, state));
    if (m) {
        assert_true(st_str_is(dg->protocol_type, "consumer"));
        assert_true(st_str_is(dg->protocol_data, "range"));
        assert_int_equal(dg->members.count, 1);
        assert_true(st_str_is(dg->members.items[0].member_id, m->id));
        assert_true(st_str_is(dg->members.items[0].client_id, "samsa-test"));
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
    st_call_ok(fd, 16, v, &req, &resp, &call, true);
    assert_int_equal(resp.error_code, 0);
    for (i = 0; i < resp.groups.count; i++) {
        const sp_listed_group *lg = &resp.groups.items[i];
        if (!st_str_is(lg->group_id, group))
            continue;
        found = true;
        assert_true(st_str_is(lg->protocol_type, "consumer"));
        if (v >= 4)
            assert_true(st_str_is(lg->group_state, "Stable"));
        if (v >= 5)
            assert_true(st_str_is(lg->group_type, "classic"));
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
    st_call_ok(fd, 13, v, &req, &resp, &call, true);
    assert_int_equal(resp.error_code, 0);
    if (v >= 3) {
        assert_int_equal(resp.members.count, 1);
        assert_true(st_str_is(resp.members.items[0].member_id, m->id));
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
    int i, steps;
    st_conn c;
    (void)state;

    st_conn_open(&c, bootstrap);
    steps = st_walk_versions(&c, keys, (int)(sizeof keys / sizeof keys[0]), lo, hi);
    if (steps < SP_CONSUMER_PROTOCOL_VMAX + 1)
        steps = SP_CONSUMER_PROTOCOL_VMAX + 1;
    for (i = 0; i < steps; i++) {
        int16_t pv = (int16_t)(i > SP_CONSUMER_PROTOCOL_VMAX ? SP_CONSUMER_PROTOCOL_VMAX : i);
        int16_t hv = st_vpick(lo[12], hi[12], i);
        char group[96], topic[64], hp[256];
        const char *gk[1];
        classic_member m;
        st_conn co;

        snprintf(group, sizeof group, "hgroups-%d-classic-%d", (int)getpid(), i);
        snprintf(topic, sizeof topic, "hgroups-topic-%d", i);
        gk[0] = group;
        st_find_coordinator(c.fd, hi[10], SP_COORDINATOR_GROUP, gk, 1, hp, sizeof hp);
        st_conn_open(&co, hp);
        join_group(co.fd, st_vpick(lo[11], hi[11], i), group, pv, topic, &m);
        sync_group(co.fd, st_vpick(lo[14], hi[14], i), group, pv, topic, &m);
        heartbeat(co.fd, hv, group, &m, 0);
        describe_group(co.fd, st_vpick(lo[15], hi[15], i), group, pv, topic, &m, "Stable");
        list_groups(co.fd, st_vpick(lo[16], hi[16], i), group);
        leave_group(co.fd, st_vpick(lo[13], hi[13], i), group, &m);
        describe_group(co.fd, st_vpick(lo[15], hi[15], i), group, pv, topic, NULL, "Empty");
        /* gone: the coordinator no longer knows the member */
        heartbeat(co.fd, hv, group, &m, SAMSA_ERR_UNKNOWN_MEMBER_ID);
        st_conn_close(&co);
    }
    st_conn_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_coordinator),
        cmocka_unit_test(test_classic_group),
    };
    return cmocka_run_group_tests_name("msgs classic groups (broker)", tests, NULL, NULL);
}
