/* The one-topic CreateTopics request and answer (client/topic_create.c):
 * what sc_tc_encode writes reads back field for field at every version,
 * answers decode to the topic's error and message, faults are refused. */
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "arena.h"
#include "msg_create_topics.h"
#include "topic_create.h"
#include "writer.h"

static void test_encode_reads_back(void **state)
{
    const char *cfg[] = { "cleanup.policy", "compact", "retention.ms", "1000" };
    sc_tc_spec sp = { .name = "orders-and-more", .len = 6, .partitions = 3,
                      .rf = -1, .configs = cfg, .nconfigs = 2,
                      .timeout_ms = 1234 };
    int16_t v;
    (void)state;

    for (v = 2; v <= 7; v++) {
        sp_writer w;
        sp_arena arena;
        sp_create_topics_req r;
        const sp_create_topics_topic *t;

        sp_writer_init(&w, NULL, 1u << 16);
        assert_int_equal(sc_tc_encode(&w, v, &sp), 0);
        assert_int_equal(w.err, 0);
        sp_arena_init(&arena, NULL, 1u << 16);
        assert_int_equal(sp_schema_decode(&sp_msg_create_topics_req, v, &r,
                                          &arena, w.buf, w.len), 0);
        assert_int_equal(r.topics.count, 1);
        t = &r.topics.items[0];
        assert_int_equal(t->name.len, 6); /* len, not the C string */
        assert_memory_equal(t->name.ptr, "orders", 6);
        assert_int_equal(t->num_partitions, 3);
        assert_int_equal(t->replication_factor, -1);
        assert_int_equal(t->assignments.count, 0);
        assert_int_equal(t->configs.count, 2);
        assert_memory_equal(t->configs.items[1].name.ptr, "retention.ms", 12);
        assert_memory_equal(t->configs.items[1].value.ptr, "1000", 4);
        assert_int_equal(r.timeout_ms, 1234);
        assert_false(r.validate_only);
        sp_arena_free(&arena);
        sp_writer_free(&w);
    }
}

static void test_encode_refuses(void **state)
{
    sc_tc_spec sp = { .name = "t", .len = 1, .partitions = -1, .rf = -1,
                      .configs = NULL, .nconfigs = 1 };
    sp_writer w;
    (void)state;

    sp_writer_init(&w, NULL, 1u << 16);
    assert_int_equal(sc_tc_encode(&w, 7, &sp), SAMSA_ERR_INVALID_ARG);
    sp.configs = (const char *const[]){ "a", "b" };
    sp.nconfigs = SC_TC_MAX_CONFIGS + 1;
    assert_int_equal(sc_tc_encode(&w, 7, &sp), SAMSA_ERR_INVALID_ARG);
    sp_writer_free(&w);
}

/* An answer for one topic, encoded by the protocol layer. */
static void answer(sp_writer *w, int16_t v, int32_t ntopics, int16_t err,
                   const char *msg)
{
    sp_create_topics_resp r;
    sp_create_topics_result t;

    memset(&r, 0, sizeof r);
    memset(&t, 0, sizeof t);
    t.name = sp_str_of("orders");
    t.error_code = err;
    t.error_message.ptr = msg;
    t.error_message.len = msg ? (int32_t)strlen(msg) : -1;
    t.num_partitions = -1;
    t.replication_factor = -1;
    t.configs.count = -1;
    r.topics.count = ntopics;
    r.topics.items = &t;
    sp_writer_init(w, NULL, 1u << 16);
    assert_int_equal(sp_schema_encode(w, &sp_msg_create_topics_resp, v, &r), 0);
}

static void test_decode(void **state)
{
    char detail[16];
    sp_writer w;
    int err;
    int16_t v;
    (void)state;

    for (v = 2; v <= 7; v++) {
        answer(&w, v, 1, 0, NULL);
        assert_int_equal(sc_tc_decode(NULL, v, w.buf, w.len, &err, detail,
                                      sizeof detail), 0);
        assert_int_equal(err, 0);
        assert_string_equal(detail, "");
        sp_writer_free(&w);

        answer(&w, v, 1, SAMSA_ERR_POLICY_VIOLATION, "no topics on sundays");
        assert_int_equal(sc_tc_decode(NULL, v, w.buf, w.len, &err, detail,
                                      sizeof detail), 0);
        assert_int_equal(err, SAMSA_ERR_POLICY_VIOLATION);
        assert_string_equal(detail, "no topics on su"); /* cut to fit */
        /* every truncation is refused, never read past (ASan) */
        {
            size_t cut;
            for (cut = 0; cut < w.len; cut++) {
                uint8_t *copy = malloc(cut ? cut : 1);
                memcpy(copy, w.buf, cut);
                assert_int_not_equal(sc_tc_decode(NULL, v, copy, cut, &err,
                                                  detail, sizeof detail), 0);
                free(copy);
            }
        }
        sp_writer_free(&w);

        answer(&w, v, 0, 0, NULL);
        assert_int_equal(sc_tc_decode(NULL, v, w.buf, w.len, &err, detail,
                                      sizeof detail), SAMSA_ERR_PROTOCOL);
        sp_writer_free(&w);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_reads_back),
        cmocka_unit_test(test_encode_refuses),
        cmocka_unit_test(test_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
