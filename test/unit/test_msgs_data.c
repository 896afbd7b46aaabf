/*
 * Unit tests for the data-path message tables (no broker): version
 * negotiation for Produce's 4.x quirk, known-answer encodings of requests
 * (null arrays, version-gated fields, tagged fields only when not default),
 * exact decoding of a hand-made Fetch response behind a guard page
 * (truncated and trailing input refused), tagged structs round-tripping in
 * Produce, and allocation failures during decoding.
 */
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "samsa_test_schema.h"
#include "samsa/error.h"
#include "api.h"
#include "msg_metadata.h"
#include "msg_produce.h"
#include "msg_fetch.h"
#include "msg_offset_fetch.h"

/* Kafka 4.x lists Produce v0+ in ApiVersions but rejects v0-2
 * (KAFKA-18659): samsa's range starts at 3, so negotiation never picks
 * them and refuses a broker that only offers them. */
static void test_produce_version_quirk(void **state)
{
    int16_t v = -1, bmax;
    (void)state;

    assert_int_equal(sp_api_get(0)->vmin, 3);
    assert_int_equal(sp_api_pick_version(0, 0, 13, &v), 0);
    assert_int_equal(v, 13);
    for (bmax = 3; bmax <= 13; bmax++) {
        assert_int_equal(sp_api_pick_version(0, 0, bmax, &v), 0);
        assert_int_equal(v, bmax);
    }
    v = -1;
    assert_int_equal(sp_api_pick_version(0, 0, 2, &v), SAMSA_ERR_NO_COMMON_VERSION);
    assert_int_equal(v, -1);
    /* a newer broker than samsa: samsa's max */
    assert_int_equal(sp_api_pick_version(0, 3, 20, &v), 0);
    assert_int_equal(v, 13);
    /* 4.x Fetch starts at 4, ListOffsets at 1 */
    assert_int_equal(sp_api_pick_version(1, 0, 3, &v), SAMSA_ERR_NO_COMMON_VERSION);
    assert_int_equal(sp_api_pick_version(2, 0, 0, &v), SAMSA_ERR_NO_COMMON_VERSION);
}

static void encode(const sp_msg_desc *d, int16_t v, const void *obj, sp_writer *w)
{
    sp_writer_init(w, NULL, 1 << 16);
    assert_int_equal(sp_schema_encode(w, d, v, obj), 0);
}

static void test_metadata_request_bytes(void **state)
{
    sp_metadata_req_topic t = { { { 0 } }, sp_str_of("t") };
    sp_metadata_req req = { { 1, &t }, true, false, false };
    static const uint8_t v0[] = { 0, 0, 0, 1, 0, 1, 't' };
    static const uint8_t v1_null[] = { 0xff, 0xff, 0xff, 0xff };
    static const uint8_t v4_null[] = { 0xff, 0xff, 0xff, 0xff, 1 };
    /* compact null array, allow auto-create, cluster ops (8-10), topic ops, no tags */
    static const uint8_t v9_null[] = { 0, 1, 0, 0, 0 };
    static const uint8_t v11_null[] = { 0, 1, 0, 0 };
    sp_writer w;
    (void)state;

    st_expect_bytes(&sp_msg_metadata_req, 0, &req, v0, sizeof v0);

    req.topics.count = -1; /* all topics: v1+ only */
    req.topics.items = NULL;
    sp_writer_init(&w, NULL, 1 << 16);
    assert_int_equal(sp_schema_encode(&w, &sp_msg_metadata_req, 0, &req), SAMSA_ERR_INVALID_ARG);
    sp_writer_free(&w);
    st_expect_bytes(&sp_msg_metadata_req, 1, &req, v1_null, sizeof v1_null);
    st_expect_bytes(&sp_msg_metadata_req, 4, &req, v4_null, sizeof v4_null);
    st_expect_bytes(&sp_msg_metadata_req, 9, &req, v9_null, sizeof v9_null);
    st_expect_bytes(&sp_msg_metadata_req, 11, &req, v11_null, sizeof v11_null);
}

/* Tagged fields go out only when they differ from the schema default. */
static void test_fetch_request_tags(void **state)
{
    sp_fetch_req_partition p = { 0 };
    sp_fetch_req_topic t = { 0 };
    sp_fetch_req req = { 0 };
    static const uint8_t cluster_tag[] = { 1, 0, 2, 2, 'c' };
    sp_writer w;
    size_t plain;
    (void)state;

    p.current_leader_epoch = -1;
    p.last_fetched_epoch = -1;
    p.log_start_offset = -1;
    p.high_watermark = INT64_MAX;
    t.topic = sp_str_of("t");
    t.partitions.count = 1;
    t.partitions.items = &p;
    req.cluster_id.len = -1;
    req.replica_id = -1;
    req.session_epoch = -1;
    req.topics.count = 1;
    req.topics.items = &t;
    req.rack_id = sp_str_of("");

    encode(&sp_msg_fetch_req, 12, &req, &w);
    plain = w.len;
    assert_int_equal(w.buf[w.len - 1], 0); /* no top-level tags */
    sp_writer_free(&w);

    req.cluster_id = sp_str_of("c");
    encode(&sp_msg_fetch_req, 12, &req, &w);
    assert_int_equal(w.len, plain + sizeof cluster_tag - 1);
    assert_memory_equal(w.buf + w.len - sizeof cluster_tag, cluster_tag, sizeof cluster_tag);
    sp_writer_free(&w);

    /* v18: HighWatermark (tag 1 of the partition) at its default is left out */
    req.cluster_id.ptr = NULL;
    req.cluster_id.len = -1;
    encode(&sp_msg_fetch_req, 18, &req, &w);
    plain = w.len;
    sp_writer_free(&w);
    p.high_watermark = 5;
    encode(&sp_msg_fetch_req, 18, &req, &w);
    assert_int_equal(w.len, plain + 10); /* tag 1, size 8, int64 */
    sp_writer_free(&w);

    /* the same struct at v11 (not flexible) has no tags at all, and a
     * v13 request carries topic ids instead of names */
    encode(&sp_msg_fetch_req, 11, &req, &w);
    sp_writer_free(&w);
    encode(&sp_msg_fetch_req, 13, &req, &w);
    sp_writer_free(&w);
}

/* Fetch v4: throttle, one topic "t", partition 0, hw 10, lso 9, one
 * aborted transaction (pid 7 from offset 3), records "abcd". */
static const uint8_t fetch_v4[] = {
    0, 0, 0, 0,
    0, 0, 0, 1, 0, 1, 't',
    0, 0, 0, 1,
    0, 0, 0, 0,
    0, 0,
    0, 0, 0, 0, 0, 0, 0, 10,
    0, 0, 0, 0, 0, 0, 0, 9,
    0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 3,
    0, 0, 0, 4, 'a', 'b', 'c', 'd',
};

static void test_fetch_response_exact(void **state)
{
    const unsigned char *g;
    sp_fetch_resp resp;
    const sp_fetch_resp_partition *p;
    sp_arena a;
    uint8_t *more;
    size_t n = sizeof fetch_v4;
    (void)state;

    g = st_guard_copy(fetch_v4, n);
    sp_arena_init(&a, NULL, 1 << 20);
    assert_int_equal(sp_schema_decode(&sp_msg_fetch_resp, 4, &resp, &a, g, n), 0);
    assert_int_equal(resp.responses.count, 1);
    assert_int_equal(resp.session_id, 0);
    p = &resp.responses.items[0].partitions.items[0];
    assert_int_equal(p->high_watermark, 10);
    assert_int_equal(p->last_stable_offset, 9);
    assert_int_equal(p->log_start_offset, -1);       /* v5+: default */
    assert_int_equal(p->preferred_read_replica, -1); /* v11+: default */
    assert_null(p->current_leader);
    assert_int_equal(p->aborted_transactions.count, 1);
    assert_int_equal(p->aborted_transactions.items[0].producer_id, 7);
    assert_int_equal(p->aborted_transactions.items[0].first_offset, 3);
    assert_int_equal(p->records.len, 4);
    assert_memory_equal(p->records.ptr, "abcd", 4);
    sp_arena_free(&a);
    st_guard_free(g, n);

    /* every shorter prefix is refused, without reading past it */
    for (; n > 0; n--) {
        g = st_guard_copy(fetch_v4, n - 1);
        sp_arena_init(&a, NULL, 1 << 20);
        assert_int_not_equal(sp_schema_decode(&sp_msg_fetch_resp, 4, &resp, &a, g, n - 1), 0);
        sp_arena_free(&a);
        st_guard_free(g, n - 1);
    }
    /* one byte too many */
    n = sizeof fetch_v4;
    more = malloc(n + 1);
    assert_non_null(more);
    memcpy(more, fetch_v4, n);
    more[n] = 0;
    sp_arena_init(&a, NULL, 1 << 20);
    assert_int_equal(sp_schema_decode(&sp_msg_fetch_resp, 4, &resp, &a, more, n + 1),
                     SAMSA_ERR_TRAILING_BYTES);
    sp_arena_free(&a);
    /* a null aborted-transactions array */
    memcpy(more, fetch_v4, 37);
    memset(more + 37, 0xff, 4);
    memcpy(more + 41, fetch_v4 + 57, 8);
    sp_arena_init(&a, NULL, 1 << 20);
    assert_int_equal(sp_schema_decode(&sp_msg_fetch_resp, 4, &resp, &a, more, 49), 0);
    assert_int_equal(resp.responses.items[0].partitions.items[0].aborted_transactions.count, -1);
    sp_arena_free(&a);
    free(more);
}

/* Make the Nth arena allocation fail for N = 1, 2, ... until none does. */
static void test_fetch_response_alloc_failures(void **state)
{
    sp_fetch_resp resp;
    (void)state;

    st_decode_alloc_failures(&sp_msg_fetch_resp, 4, &resp, fetch_v4, sizeof fetch_v4);
}

/* Produce v10+: CurrentLeader (tagged struct) and NodeEndpoints (tagged
 * array) survive encode/decode; below v10 they do not exist. */
static void test_produce_response_tags(void **state)
{
    sp_produce_leader leader = { 5, 7 };
    sp_produce_resp_partition p = { 0 };
    sp_produce_resp_topic t = { 0 };
    sp_produce_node_endpoint ne = { 5, sp_str_of("h"), 9092, { NULL, -1 } };
    sp_produce_resp resp = { 0 }, out;
    const sp_produce_resp_partition *op;
    sp_writer w;
    sp_arena a;
    int16_t v;
    (void)state;

    p.index = 1;
    p.error_code = SAMSA_ERR_NOT_LEADER_OR_FOLLOWER;
    p.base_offset = -1;
    p.log_append_time_ms = -1;
    p.log_start_offset = -1;
    p.error_message.len = -1;
    p.current_leader = &leader;
    t.name = sp_str_of("t");
    t.partition_responses.count = 1;
    t.partition_responses.items = &p;
    resp.responses.count = 1;
    resp.responses.items = &t;
    resp.node_endpoints.count = 1;
    resp.node_endpoints.items = &ne;

    for (v = 9; v <= 13; v++) {
        encode(&sp_msg_produce_resp, v, &resp, &w);
        sp_arena_init(&a, NULL, 1 << 20);
        assert_int_equal(sp_schema_decode(&sp_msg_produce_resp, v, &out, &a, w.buf, w.len), 0);
        op = &out.responses.items[0].partition_responses.items[0];
        assert_int_equal(op->error_code, SAMSA_ERR_NOT_LEADER_OR_FOLLOWER);
        if (v >= 10) {
            assert_non_null(op->current_leader);
            assert_int_equal(op->current_leader->leader_id, 5);
            assert_int_equal(op->current_leader->leader_epoch, 7);
            assert_int_equal(out.node_endpoints.count, 1);
            assert_int_equal(out.node_endpoints.items[0].port, 9092);
            assert_int_equal(out.node_endpoints.items[0].rack.len, -1);
        } else {
            assert_null(op->current_leader);
            assert_int_equal(out.node_endpoints.count, 0);
        }
        sp_arena_free(&a);
        sp_writer_free(&w);
    }
}

/* OffsetFetch: the v1-7 and v8+ forms are different fields of one struct. */
static void test_offset_fetch_forms(void **state)
{
    int32_t part = 0;
    sp_offset_fetch_req_topic t = { sp_str_of("t"), { 1, &part } };
    sp_offset_fetch_req_group_topic gt = { sp_str_of("t"), { { 0 } }, { 1, &part } };
    sp_offset_fetch_req_group g = { sp_str_of("g"), { NULL, -1 }, -1, { 1, &gt } };
    sp_offset_fetch_req req = { sp_str_of("g"), { 1, &t }, { 1, &g }, false };
    /* v1: group "g", one topic "t" with partition 0 */
    static const uint8_t v1[] = { 0, 1, 'g', 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 0 };
    /* v8: compact groups [ "g", topics [ "t", [0] ] ], require_stable, tags */
    static const uint8_t v8[] = { 2, 2, 'g', 2, 2, 't', 2, 0, 0, 0, 0, 0, 0, 0, 0 };
    sp_writer w;
    (void)state;

    encode(&sp_msg_offset_fetch_req, 1, &req, &w);
    assert_int_equal(w.len, sizeof v1);
    assert_memory_equal(w.buf, v1, sizeof v1);
    sp_writer_free(&w);
    encode(&sp_msg_offset_fetch_req, 8, &req, &w);
    assert_int_equal(w.len, sizeof v8);
    assert_memory_equal(w.buf, v8, sizeof v8);
    sp_writer_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_produce_version_quirk),
        cmocka_unit_test(test_metadata_request_bytes),
        cmocka_unit_test(test_fetch_request_tags),
        cmocka_unit_test(test_fetch_response_exact),
        cmocka_unit_test(test_fetch_response_alloc_failures),
        cmocka_unit_test(test_produce_response_tags),
        cmocka_unit_test(test_offset_fetch_forms),
    };
    return cmocka_run_group_tests_name("msgs data", tests, NULL, NULL);
}
