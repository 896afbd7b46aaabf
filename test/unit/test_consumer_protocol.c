/*
 * The consumer protocol payloads (ConsumerProtocolSubscription and
 * ConsumerProtocolAssignment, v0-3): known-answer bytes written out by
 * hand from the schema, round trips at every version, the version prefix
 * rules (negative, newer than samsa knows, trailing bytes) and truncation
 * at every length behind a guard page.
 */
#include <string.h>

#include "samsa_test.h"
#include "samsa/error.h"
#include "msg_consumer_protocol.h"

/* v0 subscription: version 0, topics ["ab"], user data null */
static const unsigned char sub_v0[] = {
    0x00, 0x00,             /* version */
    0x00, 0x00, 0x00, 0x01, /* 1 topic */
    0x00, 0x02, 'a', 'b',
    0xff, 0xff, 0xff, 0xff, /* user data: null */
};

/* v3 subscription: topics ["ab"], user data "u", owned ab[5],
 * generation 9, rack "r1" */
static const unsigned char sub_v3[] = {
    0x00, 0x03,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 'a', 'b',
    0x00, 0x00, 0x00, 0x01, 'u',
    0x00, 0x00, 0x00, 0x01,             /* owned: 1 topic */
    0x00, 0x02, 'a', 'b',
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05,
    0x00, 0x00, 0x00, 0x09,             /* generation */
    0x00, 0x02, 'r', '1',               /* rack */
};

/* v1 assignment: ab[0, 2], user data empty */
static const unsigned char asg_v1[] = {
    0x00, 0x01,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 'a', 'b',
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x00,
};

static bool str_is(sp_str s, const char *want)
{
    return s.len >= 0 && (size_t)s.len == strlen(want) &&
           memcmp(s.ptr, want, (size_t)s.len) == 0;
}

static void fill_sub(sp_consumer_protocol_subscription *s, sp_str *topic,
                     sp_consumer_protocol_topic_partitions *owned, int32_t *part)
{
    memset(s, 0, sizeof *s);
    *topic = sp_str_of("ab");
    s->topics.count = 1;
    s->topics.items = topic;
    s->user_data.ptr = (const uint8_t *)"u";
    s->user_data.len = 1;
    *part = 5;
    owned->topic = sp_str_of("ab");
    owned->partitions.count = 1;
    owned->partitions.items = part;
    s->owned_partitions.count = 1;
    s->owned_partitions.items = owned;
    s->generation_id = 9;
    s->rack_id = sp_str_of("r1");
}

static void test_known_answers(void **state)
{
    sp_consumer_protocol_subscription s;
    sp_consumer_protocol_assignment a;
    sp_consumer_protocol_topic_partitions owned;
    sp_str topic;
    int32_t part;
    sp_writer w;
    sp_arena arena;
    int16_t v;
    (void)state;

    /* decode the hand-written bytes */
    sp_arena_init(&arena, NULL, 1 << 16);
    assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_subscription,
                                                 &s, &v, &arena, sub_v0, sizeof sub_v0), 0);
    assert_int_equal(v, 0);
    assert_int_equal(s.topics.count, 1);
    assert_true(str_is(s.topics.items[0], "ab"));
    assert_true(s.user_data.len < 0);
    assert_int_equal(s.owned_partitions.count, 0);
    assert_int_equal(s.generation_id, -1); /* schema default when absent */
    assert_true(s.rack_id.len < 0);
    assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_assignment,
                                                 &a, &v, &arena, asg_v1, sizeof asg_v1), 0);
    assert_int_equal(v, 1);
    assert_int_equal(a.assigned_partitions.count, 1);
    assert_true(str_is(a.assigned_partitions.items[0].topic, "ab"));
    assert_int_equal(a.assigned_partitions.items[0].partitions.count, 2);
    assert_int_equal(a.assigned_partitions.items[0].partitions.items[1], 2);
    assert_int_equal(a.user_data.len, 0);
    sp_arena_free(&arena);

    /* and encode the same values back to the same bytes */
    fill_sub(&s, &topic, &owned, &part);
    sp_writer_init(&w, NULL, 1 << 16);
    assert_int_equal(sp_consumer_protocol_encode(&w, &sp_msg_consumer_protocol_subscription,
                                                 3, &s), 0);
    assert_int_equal(w.len, sizeof sub_v3);
    assert_memory_equal(w.buf, sub_v3, sizeof sub_v3);
    sp_writer_reset(&w);
    s.user_data.len = -1;
    assert_int_equal(sp_consumer_protocol_encode(&w, &sp_msg_consumer_protocol_subscription,
                                                 0, &s), 0);
    assert_int_equal(w.len, sizeof sub_v0);
    assert_memory_equal(w.buf, sub_v0, sizeof sub_v0);
    sp_writer_free(&w);
}

static void test_round_trip_every_version(void **state)
{
    sp_consumer_protocol_subscription s, d;
    sp_consumer_protocol_topic_partitions owned;
    sp_str topic;
    int32_t part;
    int16_t v, got;
    (void)state;

    fill_sub(&s, &topic, &owned, &part);
    for (v = 0; v <= SP_CONSUMER_PROTOCOL_VMAX; v++) {
        sp_writer w;
        sp_arena arena;

        sp_writer_init(&w, NULL, 1 << 16);
        sp_arena_init(&arena, NULL, 1 << 16);
        assert_int_equal(sp_consumer_protocol_encode(&w, &sp_msg_consumer_protocol_subscription,
                                                     v, &s), 0);
        assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_subscription,
                                                     &d, &got, &arena, w.buf, w.len), 0);
        assert_int_equal(got, v);
        assert_true(str_is(d.topics.items[0], "ab"));
        assert_int_equal(d.user_data.len, 1);
        assert_int_equal(d.owned_partitions.count, v >= 1 ? 1 : 0);
        if (v >= 1)
            assert_int_equal(d.owned_partitions.items[0].partitions.items[0], 5);
        assert_int_equal(d.generation_id, v >= 2 ? 9 : -1);
        assert_true(v >= 3 ? str_is(d.rack_id, "r1") : d.rack_id.len < 0);
        sp_arena_free(&arena);
        sp_writer_free(&w);
    }
}

static void test_version_prefix_rules(void **state)
{
    sp_consumer_protocol_subscription s;
    sp_arena arena;
    unsigned char buf[sizeof sub_v3 + 3];
    sp_writer w;
    int16_t v;
    (void)state;

    sp_arena_init(&arena, NULL, 1 << 16);
    /* a newer writer (v4) appended a field: read as v3, rest ignored */
    memcpy(buf, sub_v3, sizeof sub_v3);
    buf[1] = 4;
    buf[sizeof sub_v3] = 0x00;
    buf[sizeof sub_v3 + 1] = 0x01;
    buf[sizeof sub_v3 + 2] = 0x7f;
    assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_subscription,
                                                 &s, &v, &arena, buf, sizeof buf), 0);
    assert_int_equal(v, 4);
    assert_true(str_is(s.rack_id, "r1"));
    /* a known version must be used up exactly */
    buf[1] = 3;
    assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_subscription,
                                                 &s, &v, &arena, buf, sizeof buf),
                     SAMSA_ERR_TRAILING_BYTES);
    /* negative versions are malformed */
    buf[0] = 0xff;
    buf[1] = 0xff;
    assert_int_equal(sp_consumer_protocol_decode(&sp_msg_consumer_protocol_subscription,
                                                 &s, &v, &arena, buf, sizeof buf),
                     SAMSA_ERR_MALFORMED);
    sp_arena_free(&arena);
    /* samsa does not write versions it does not know */
    memset(&s, 0, sizeof s);
    s.user_data.len = -1;
    s.rack_id.len = -1;
    sp_writer_init(&w, NULL, 1 << 16);
    assert_int_equal(sp_consumer_protocol_encode(&w, &sp_msg_consumer_protocol_subscription,
                                                 4, &s), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(w.len, 0);
    sp_writer_free(&w);
}

/* Every proper prefix fails cleanly, read right up to a guard page. */
static void truncations(const sp_msg_desc *d, const unsigned char *msg, size_t len,
                        size_t objsize)
{
    size_t n;

    for (n = 0; n < len; n++) {
        const unsigned char *g = st_guard_copy(msg, n);
        unsigned char obj[256];
        sp_arena arena;
        int rc;

        assert_true(objsize <= sizeof obj);
        sp_arena_init(&arena, NULL, 1 << 16);
        rc = sp_consumer_protocol_decode(d, obj, NULL, &arena, g, n);
        assert_true(rc == SAMSA_ERR_TRUNCATED || rc == SAMSA_ERR_MALFORMED);
        sp_arena_free(&arena);
        st_guard_free(g, n);
    }
}

static void test_truncated(void **state)
{
    (void)state;
    truncations(&sp_msg_consumer_protocol_subscription, sub_v0, sizeof sub_v0,
                sizeof(sp_consumer_protocol_subscription));
    truncations(&sp_msg_consumer_protocol_subscription, sub_v3, sizeof sub_v3,
                sizeof(sp_consumer_protocol_subscription));
    truncations(&sp_msg_consumer_protocol_assignment, asg_v1, sizeof asg_v1,
                sizeof(sp_consumer_protocol_assignment));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_round_trip_every_version),
        cmocka_unit_test(test_version_prefix_rules),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests_name("consumer protocol payloads", tests, NULL, NULL);
}
