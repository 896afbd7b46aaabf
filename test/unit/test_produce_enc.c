/* test/unit/test_produce_enc.c - the Produce body as pieces
 * (client/produce_enc.c) is byte for byte what the schema encoder writes,
 * in every version, and the batches are referenced, never copied. */
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "msg_produce.h"
#include "produce_enc.h"
#include "schema.h"

static uint8_t b0[300], b1[7], b2[1000];

static void fill(void)
{
    size_t i;

    for (i = 0; i < sizeof b0; i++)
        b0[i] = (uint8_t)(i * 7 + 1);
    for (i = 0; i < sizeof b1; i++)
        b1[i] = (uint8_t)(0xA0 + i);
    for (i = 0; i < sizeof b2; i++)
        b2[i] = (uint8_t)(i ^ 0x5a);
}

static void check_version(int16_t v)
{
    static const char t1[] = "alpha", t2[] = "a-much-longer-topic-name.x";
    sp_uuid id1, id2;
    sc_produce_part parts[3];
    sc_piece pieces[SC_PRODUCE_PIECES(3)];
    sp_produce_req_partition rp[3];
    sp_produce_req_topic rt[2];
    sp_produce_req req;
    sp_writer glue, want, got;
    size_t np = 0, i;

    memset(&id1, 0x11, sizeof id1);
    memset(&id2, 0x22, sizeof id2);
    /* topic 1: partitions 4 and 0; topic 2: partition 2 */
    parts[0] = (sc_produce_part){ t1, strlen(t1), &id1, 4, b0, sizeof b0 };
    parts[1] = (sc_produce_part){ t1, strlen(t1), &id1, 0, b1, sizeof b1 };
    parts[2] = (sc_produce_part){ t2, strlen(t2), &id2, 2, b2, sizeof b2 };
    sp_writer_init(&glue, NULL, 1 << 20);
    assert_int_equal(sc_produce_encode(&glue, pieces, &np, v, -1, 30000,
                                       parts, 3), 0);
    assert_true(np <= SC_PRODUCE_PIECES(3));

    memset(&req, 0, sizeof req);
    req.transactional_id.len = -1;
    req.acks = -1;
    req.timeout_ms = 30000;
    memset(rt, 0, sizeof rt);
    rt[0].name.ptr = t1;
    rt[0].name.len = (int32_t)strlen(t1);
    rt[0].topic_id = id1;
    rt[0].partition_data.items = &rp[0];
    rt[0].partition_data.count = 2;
    rt[1].name.ptr = t2;
    rt[1].name.len = (int32_t)strlen(t2);
    rt[1].topic_id = id2;
    rt[1].partition_data.items = &rp[2];
    rt[1].partition_data.count = 1;
    for (i = 0; i < 3; i++) {
        rp[i].index = parts[i].partition;
        rp[i].records.ptr = parts[i].records;
        rp[i].records.len = (int32_t)parts[i].len;
    }
    req.topic_data.items = rt;
    req.topic_data.count = 2;
    sp_writer_init(&want, NULL, 1 << 20);
    assert_int_equal(sp_schema_encode(&want, &sp_msg_produce_req, v, &req), 0);

    sp_writer_init(&got, NULL, 1 << 20);
    for (i = 0; i < np; i++) {
        const uint8_t *p = pieces[i].ptr ? pieces[i].ptr
                                         : glue.buf + pieces[i].off;
        if (pieces[i].ptr) /* batches by reference, not copies */
            assert_true(p == b0 || p == b1 || p == b2);
        sp_write_raw(&got, p, pieces[i].len);
    }
    assert_int_equal(got.err, 0);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.buf, want.buf, want.len);
    sp_writer_free(&glue);
    sp_writer_free(&want);
    sp_writer_free(&got);
}

static void test_every_version(void **state)
{
    int16_t v;

    (void)state;
    fill();
    for (v = 3; v <= 13; v++)
        check_version(v);
}

static void test_bad_version(void **state)
{
    sc_piece pieces[1];
    sp_writer glue;
    size_t np = 0;

    (void)state;
    sp_writer_init(&glue, NULL, 1024);
    assert_int_equal(sc_produce_encode(&glue, pieces, &np, 2, 1, 1, NULL, 0),
                     SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sc_produce_encode(&glue, pieces, &np, 14, 1, 1, NULL, 0),
                     SAMSA_ERR_INVALID_ARG);
    sp_writer_free(&glue);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_version),
        cmocka_unit_test(test_bad_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
