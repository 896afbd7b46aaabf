/*
 * Unit tests for the group, transaction and share-group message tables
 * (no broker): known-answer request bytes, written out by hand from the
 * schemas, where a request changes shape between versions (FindCoordinator
 * v4 batching, LeaveGroup v3 members, AddPartitionsToTxn v4 transactions,
 * flexible nulls in ConsumerGroupHeartbeat); exact decoding of a
 * ConsumerGroupHeartbeat response with a nullable struct behind a guard
 * page (every truncation and a trailing byte refused); allocation failures.
 */
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "samsa_test_schema.h"
#include "samsa/error.h"
#include "api.h"
#include "msg_find_coordinator.h"
#include "msg_leave_group.h"
#include "msg_add_partitions_to_txn.h"
#include "msg_consumer_group_heartbeat.h"

static void test_find_coordinator_shapes(void **state)
{
    static const unsigned char v0[] = { 0x00, 0x01, 'g' };
    static const unsigned char v3[] = { 0x02, 'g', 0x00, 0x00 };
    static const unsigned char v4[] = { 0x01, 0x03, 0x02, 'g', 0x02, 'h', 0x00 };
    sp_str keys[2];
    sp_find_coordinator_req req;
    (void)state;

    memset(&req, 0, sizeof req);
    req.key = sp_str_of("g");
    st_expect_bytes(&sp_msg_find_coordinator_req, 0, &req, v0, sizeof v0);
    st_expect_bytes(&sp_msg_find_coordinator_req, 3, &req, v3, sizeof v3);
    /* v4+: the key moves into the batch; key_type applies to all */
    keys[0] = sp_str_of("g");
    keys[1] = sp_str_of("h");
    req.key_type = SP_COORDINATOR_TRANSACTION;
    req.coordinator_keys.count = 2;
    req.coordinator_keys.items = keys;
    st_expect_bytes(&sp_msg_find_coordinator_req, 4, &req, v4, sizeof v4);
}

static void test_leave_group_shapes(void **state)
{
    static const unsigned char v2[] = { 0x00, 0x01, 'g', 0x00, 0x01, 'm' };
    static const unsigned char v3[] = {
        0x00, 0x01, 'g',
        0x00, 0x00, 0x00, 0x01,       /* members */
        0x00, 0x01, 'm', 0xff, 0xff,  /* member id, null instance id */
    };
    static const unsigned char v5[] = {
        0x02, 'g',
        0x02,                         /* members, compact */
        0x02, 'm', 0x00, 0x02, 'r',   /* member id, null instance, reason */
        0x00,                         /* member tags */
        0x00,                         /* request tags */
    };
    sp_leave_group_member m;
    sp_leave_group_req req;
    (void)state;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of("g");
    req.member_id = sp_str_of("m");
    m.member_id = sp_str_of("m");
    m.group_instance_id.ptr = NULL;
    m.group_instance_id.len = -1;
    m.reason = sp_str_of("r");
    req.members.count = 1;
    req.members.items = &m;
    st_expect_bytes(&sp_msg_leave_group_req, 2, &req, v2, sizeof v2);
    st_expect_bytes(&sp_msg_leave_group_req, 3, &req, v3, sizeof v3);
    st_expect_bytes(&sp_msg_leave_group_req, 5, &req, v5, sizeof v5);
}

static void test_add_partitions_to_txn_shapes(void **state)
{
    static const unsigned char v3[] = {
        0x02, 't',
        0, 0, 0, 0, 0, 0, 0, 1,       /* producer id */
        0x00, 0x02,                   /* epoch */
        0x02, 0x02, 'x', 0x02, 0, 0, 0, 0, 0x00, /* topics [x [0]] */
        0x00,
    };
    static const unsigned char v4[] = {
        0x02,                         /* transactions */
        0x02, 't',
        0, 0, 0, 0, 0, 0, 0, 1,
        0x00, 0x02,
        0x00,                         /* verify only */
        0x02, 0x02, 'x', 0x02, 0, 0, 0, 0, 0x00,
        0x00,                         /* transaction tags */
        0x00,
    };
    sp_add_partitions_to_txn_topic topic;
    sp_add_partitions_to_txn_transaction txn;
    sp_add_partitions_to_txn_req req;
    int32_t p0 = 0;
    (void)state;

    topic.name = sp_str_of("x");
    topic.partitions.count = 1;
    topic.partitions.items = &p0;
    memset(&req, 0, sizeof req);
    req.v3_and_below_transactional_id = sp_str_of("t");
    req.v3_and_below_producer_id = 1;
    req.v3_and_below_producer_epoch = 2;
    req.v3_and_below_topics.count = 1;
    req.v3_and_below_topics.items = &topic;
    st_expect_bytes(&sp_msg_add_partitions_to_txn_req, 3, &req, v3, sizeof v3);
    memset(&req, 0, sizeof req);
    txn.transactional_id = sp_str_of("t");
    txn.producer_id = 1;
    txn.producer_epoch = 2;
    txn.verify_only = false;
    txn.topics.count = 1;
    txn.topics.items = &topic;
    req.transactions.count = 1;
    req.transactions.items = &txn;
    st_expect_bytes(&sp_msg_add_partitions_to_txn_req, 4, &req, v4, sizeof v4);
}

static void test_consumer_group_heartbeat_nulls(void **state)
{
    static const unsigned char join_v0[] = {
        0x02, 'g', 0x01,              /* group, member "" */
        0, 0, 0, 0,                   /* epoch 0 */
        0x00, 0x00,                   /* instance, rack: null */
        0xff, 0xff, 0xff, 0xff,       /* rebalance timeout -1 */
        0x00,                         /* subscribed topic names: null */
        0x00,                         /* server assignor: null */
        0x01,                         /* owned partitions: empty */
        0x00,
    };
    static const unsigned char hb_v1[] = {
        0x02, 'g', 0x02, 'x',
        0, 0, 0, 5,
        0x00, 0x00,
        0xff, 0xff, 0xff, 0xff,
        0x02, 0x02, 't',              /* subscribed ["t"] */
        0x00,                         /* regex (v1): null */
        0x00,
        0x00,                         /* owned partitions: null */
        0x00,
    };
    sp_consumer_group_heartbeat_req req;
    sp_str topic = sp_str_of("t");
    sp_writer w;
    (void)state;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of("g");
    req.member_id = sp_str_of("");
    req.instance_id.len = -1;
    req.rack_id.len = -1;
    req.rebalance_timeout_ms = -1;
    req.subscribed_topic_names.count = -1;
    req.subscribed_topic_regex.len = -1;
    req.server_assignor.len = -1;
    st_expect_bytes(&sp_msg_consumer_group_heartbeat_req, 0, &req, join_v0, sizeof join_v0);
    req.member_id = sp_str_of("x");
    req.member_epoch = 5;
    req.subscribed_topic_names.count = 1;
    req.subscribed_topic_names.items = &topic;
    req.topic_partitions.count = -1;
    st_expect_bytes(&sp_msg_consumer_group_heartbeat_req, 1, &req, hb_v1, sizeof hb_v1);
    /* a null where the schema allows none is refused (GroupId) */
    req.group_id.ptr = NULL;
    req.group_id.len = -1;
    sp_writer_init(&w, NULL, 1 << 16);
    assert_int_equal(sp_schema_encode(&w, &sp_msg_consumer_group_heartbeat_req, 1, &req),
                     SAMSA_ERR_INVALID_ARG);
    sp_writer_free(&w);
}

/* ConsumerGroupHeartbeat v1 response with an assignment (nullable struct
 * present): topic 01..10 partitions [0, 1]. */
static const unsigned char cgh_resp[] = {
    0, 0, 0, 0,                       /* throttle */
    0, 0,                             /* error */
    0x00,                             /* error message: null */
    0x02, 'x',                        /* member id */
    0, 0, 0, 3,                       /* epoch */
    0, 0, 0x13, 0x88,                 /* heartbeat interval 5000 */
    0x01,                             /* assignment: present */
    0x02,                             /* topic partitions: 1 */
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    0x03, 0, 0, 0, 0, 0, 0, 0, 1,     /* partitions [0, 1] */
    0x00,                             /* topic partitions tags */
    0x00,                             /* assignment tags */
    0x00,
};

static void test_consumer_group_heartbeat_response(void **state)
{
    sp_consumer_group_heartbeat_resp resp;
    const unsigned char *g;
    unsigned char *more;
    sp_writer w;
    sp_arena a;
    size_t n;
    (void)state;

    g = st_guard_copy(cgh_resp, sizeof cgh_resp);
    sp_arena_init(&a, NULL, 1 << 16);
    assert_int_equal(sp_schema_decode(&sp_msg_consumer_group_heartbeat_resp, 1, &resp, &a,
                                      g, sizeof cgh_resp), 0);
    assert_int_equal(resp.error_code, 0);
    assert_true(resp.error_message.len < 0);
    assert_int_equal(resp.member_epoch, 3);
    assert_int_equal(resp.heartbeat_interval_ms, 5000);
    assert_non_null(resp.assignment);
    assert_int_equal(resp.assignment->topic_partitions.count, 1);
    assert_int_equal(resp.assignment->topic_partitions.items[0].topic_id.b[15], 16);
    assert_int_equal(resp.assignment->topic_partitions.items[0].partitions.count, 2);
    assert_int_equal(resp.assignment->topic_partitions.items[0].partitions.items[1], 1);
    /* re-encodes to the same bytes */
    sp_writer_init(&w, NULL, 1 << 16);
    assert_int_equal(sp_schema_encode(&w, &sp_msg_consumer_group_heartbeat_resp, 1, &resp), 0);
    assert_int_equal(w.len, sizeof cgh_resp);
    assert_memory_equal(w.buf, cgh_resp, sizeof cgh_resp);
    /* null assignment: marker -1 and no body */
    resp.assignment = NULL;
    sp_writer_reset(&w);
    assert_int_equal(sp_schema_encode(&w, &sp_msg_consumer_group_heartbeat_resp, 1, &resp), 0);
    assert_int_equal(w.len, 19);
    assert_int_equal(w.buf[17], 0xff);
    sp_writer_free(&w);
    sp_arena_free(&a);
    st_guard_free(g, sizeof cgh_resp);

    for (n = 0; n < sizeof cgh_resp; n++) {
        int rc;
        g = st_guard_copy(cgh_resp, n);
        sp_arena_init(&a, NULL, 1 << 16);
        rc = sp_schema_decode(&sp_msg_consumer_group_heartbeat_resp, 1, &resp, &a, g, n);
        assert_true(rc == SAMSA_ERR_TRUNCATED || rc == SAMSA_ERR_MALFORMED);
        sp_arena_free(&a);
        st_guard_free(g, n);
    }
    more = malloc(sizeof cgh_resp + 1);
    assert_non_null(more);
    memcpy(more, cgh_resp, sizeof cgh_resp);
    more[sizeof cgh_resp] = 0;
    sp_arena_init(&a, NULL, 1 << 16);
    assert_int_equal(sp_schema_decode(&sp_msg_consumer_group_heartbeat_resp, 1, &resp, &a,
                                      more, sizeof cgh_resp + 1), SAMSA_ERR_TRAILING_BYTES);
    sp_arena_free(&a);
    free(more);
}

/* Make the Nth arena allocation fail for N = 1, 2, ... until none does. */
static void test_consumer_group_heartbeat_alloc_failures(void **state)
{
    sp_consumer_group_heartbeat_resp resp;
    (void)state;

    st_decode_alloc_failures(&sp_msg_consumer_group_heartbeat_resp, 1, &resp, cgh_resp,
                             sizeof cgh_resp);
}

/* Share APIs exist from v1 only (v0 was 4.0's early access): a broker
 * offering just v0 has nothing in common with samsa. */
static void test_share_versions(void **state)
{
    int16_t v = -1;
    (void)state;

    assert_int_equal(sp_api_pick_version(78, 0, 0, &v), SAMSA_ERR_NO_COMMON_VERSION);
    assert_int_equal(sp_api_pick_version(78, 0, 2, &v), 0);
    assert_int_equal(v, 2);
    assert_int_equal(sp_api_pick_version(76, 0, 1, &v), 0);
    assert_int_equal(v, 1);
    /* and InitProducerId stops at 5 even where a broker offers 6 */
    assert_int_equal(sp_api_pick_version(22, 0, 6, &v), 0);
    assert_int_equal(v, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_coordinator_shapes),
        cmocka_unit_test(test_leave_group_shapes),
        cmocka_unit_test(test_add_partitions_to_txn_shapes),
        cmocka_unit_test(test_consumer_group_heartbeat_nulls),
        cmocka_unit_test(test_consumer_group_heartbeat_response),
        cmocka_unit_test(test_consumer_group_heartbeat_alloc_failures),
        cmocka_unit_test(test_share_versions),
    };
    return cmocka_run_group_tests_name("group/txn/share message tables", tests, NULL, NULL);
}
