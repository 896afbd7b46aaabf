/*
 * Consumer offset rules: starting from a committed offset or the reset
 * policy, stale answers after a seek, OFFSET_OUT_OF_RANGE with each
 * policy, error classification, KIP-320 validation and truncation, lag.
 */
#include "samsa_test.h"
#include "offsets.h"
#include "samsa/error.h"

static void test_start_committed_or_policy(void **state)
{
    sc_offsets o;
    (void)state;

    sc_off_init(&o);
    assert_int_equal(sc_off_start(&o, 42, -1, SC_RESET_ERROR), SC_POS_VALID);
    assert_int_equal(o.position, 42);
    assert_int_equal(o.fetch_offset, 42);
    assert_true(sc_off_fetchable(&o));
    o.paused = true;
    assert_false(sc_off_fetchable(&o));

    sc_off_init(&o);
    assert_int_equal(sc_off_start(&o, -1, -1, SC_RESET_EARLIEST), SC_POS_RESET);
    assert_int_equal(o.reset_ts, SC_LIST_EARLIEST);
    assert_false(sc_off_fetchable(&o));
    assert_false(sc_off_reset_done(&o, o.gen + 1, 7, 3)); /* stale */
    assert_true(sc_off_reset_done(&o, o.gen, 7, 3));
    assert_int_equal(o.fetch_offset, 7);
    assert_int_equal(o.fetch_epoch, 3);
    assert_false(sc_off_reset_done(&o, o.gen, 9, 3)); /* not resetting */

    sc_off_init(&o);
    assert_int_equal(sc_off_start(&o, -1, -1, SC_RESET_LATEST), SC_POS_RESET);
    assert_int_equal(o.reset_ts, SC_LIST_LATEST);

    sc_off_init(&o);
    assert_int_equal(sc_off_start(&o, -1, -1, SC_RESET_ERROR), SC_POS_FAILED);
    assert_int_equal(o.err, SAMSA_ERR_NO_OFFSET);

    /* a committed offset with an epoch, leader epoch known: validate */
    sc_off_init(&o);
    o.leader_epoch = 5;
    assert_int_equal(sc_off_start(&o, 100, 4, SC_RESET_LATEST), SC_POS_VALIDATE);
}

static void test_out_of_range_per_policy(void **state)
{
    sc_offsets o;
    uint32_t g;
    (void)state;

    sc_off_init(&o);
    sc_off_seek(&o, 500, -1);
    g = o.gen;
    /* stale: the fetch was for another offset, or before a seek */
    assert_int_equal(sc_off_fetch_error(&o, g, 400, SAMSA_ERR_OFFSET_OUT_OF_RANGE,
                                        SC_RESET_EARLIEST), SC_ACT_NONE);
    assert_int_equal(sc_off_fetch_error(&o, g - 1, 500, SAMSA_ERR_OFFSET_OUT_OF_RANGE,
                                        SC_RESET_EARLIEST), SC_ACT_NONE);
    assert_int_equal(o.state, SC_POS_VALID);
    assert_int_equal(sc_off_fetch_error(&o, g, 500, SAMSA_ERR_OFFSET_OUT_OF_RANGE,
                                        SC_RESET_EARLIEST), SC_ACT_RESET);
    assert_int_equal(o.state, SC_POS_RESET);
    assert_int_equal(o.reset_ts, SC_LIST_EARLIEST);
    assert_true(o.gen != g);

    sc_off_seek(&o, 500, -1);
    assert_int_equal(sc_off_fetch_error(&o, o.gen, 500, SAMSA_ERR_OFFSET_OUT_OF_RANGE,
                                        SC_RESET_LATEST), SC_ACT_RESET);
    assert_int_equal(o.reset_ts, SC_LIST_LATEST);

    sc_off_seek(&o, 500, -1);
    assert_int_equal(sc_off_fetch_error(&o, o.gen, 500, SAMSA_ERR_OFFSET_OUT_OF_RANGE,
                                        SC_RESET_ERROR), SC_ACT_REPORT);
    assert_int_equal(o.state, SC_POS_FAILED);
    assert_int_equal(o.err, SAMSA_ERR_OFFSET_OUT_OF_RANGE);
    assert_int_equal(o.err_offset, 500);
    /* the application seeks: fetchable again, error cleared */
    sc_off_seek(&o, 10, -1);
    assert_true(sc_off_fetchable(&o));
    assert_int_equal(o.err, 0);
}

static void test_error_classes(void **state)
{
    static const struct {
        int err;
        sc_fetch_action act;
    } cases[] = {
        { SAMSA_ERR_NOT_LEADER_OR_FOLLOWER, SC_ACT_METADATA },
        { SAMSA_ERR_FENCED_LEADER_EPOCH, SC_ACT_METADATA },
        { SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION, SC_ACT_METADATA },
        { SAMSA_ERR_UNKNOWN_TOPIC_ID, SC_ACT_METADATA },
        { SAMSA_ERR_KAFKA_STORAGE_ERROR, SC_ACT_METADATA },
        { SAMSA_ERR_UNKNOWN_LEADER_EPOCH, SC_ACT_RETRY },
        { SAMSA_ERR_UNKNOWN_SERVER_ERROR, SC_ACT_RETRY },
        { SAMSA_ERR_TOPIC_AUTHORIZATION_FAILED, SC_ACT_REPORT },
        { SAMSA_ERR_CORRUPT_MESSAGE, SC_ACT_REPORT },
        { SAMSA_ERR_CRC_MISMATCH, SC_ACT_REPORT },
        { SAMSA_ERR_DECOMPRESS, SC_ACT_REPORT },
        { 0, SC_ACT_NONE },
    };
    sc_offsets o;
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sc_off_init(&o);
        sc_off_seek(&o, 3, -1);
        assert_int_equal(sc_off_fetch_error(&o, o.gen, 3, cases[i].err,
                                            SC_RESET_LATEST), cases[i].act);
        if (cases[i].act == SC_ACT_REPORT) {
            assert_int_equal(o.state, SC_POS_FAILED);
            assert_int_equal(o.err, cases[i].err);
        } else {
            assert_int_equal(o.state, SC_POS_VALID);
        }
    }
}

static void test_fetch_and_consume_move_separately(void **state)
{
    sc_offsets o;
    uint32_t g;
    (void)state;

    sc_off_init(&o);
    sc_off_seek(&o, 0, -1);
    g = o.gen;
    assert_true(sc_off_fetched(&o, g, 100, 2));
    assert_int_equal(o.fetch_offset, 100);
    assert_int_equal(o.position, 0);
    sc_off_consumed(&o, 0, 2);
    sc_off_consumed(&o, 1, 2);
    assert_int_equal(o.position, 2);
    sc_off_marks(&o, 150, 140, 0);
    assert_int_equal(sc_off_lag(&o, false), 148);
    assert_int_equal(sc_off_lag(&o, true), 138);
    sc_off_marks(&o, -1, -1, -1); /* absent fields keep the old values */
    assert_int_equal(o.high_watermark, 150);

    /* a seek makes data fetched before it stale */
    sc_off_seek(&o, 20, -1);
    assert_false(sc_off_fetched(&o, g, 300, 2));
    assert_int_equal(o.fetch_offset, 20);
    sc_off_consumed(&o, 5, -1); /* an old message: the position stays */
    assert_int_equal(o.position, 20);

    /* rewind (pause): fetch again from the position, in-flight is stale */
    assert_true(sc_off_fetched(&o, o.gen, 60, 2));
    g = o.gen;
    sc_off_rewind(&o);
    assert_int_equal(o.fetch_offset, 20);
    assert_true(o.gen != g);
    assert_false(sc_off_fetched(&o, g, 80, 2));

    sc_off_init(&o);
    sc_off_rewind(&o); /* nothing known: no change */
    assert_int_equal(o.gen, 0);
    assert_int_equal(sc_off_lag(&o, false), -1);
    o.high_watermark = 5;
    o.position = 9;
    assert_int_equal(sc_off_lag(&o, false), 0);
}

static void test_validation_and_truncation(void **state)
{
    sc_offsets o;
    int32_t cur, ep;
    uint32_t g;
    (void)state;

    sc_off_init(&o);
    o.leader_epoch = 3;
    sc_off_seek(&o, 0, -1);
    assert_false(sc_off_validation_request(&o, &cur, &ep));
    /* nothing fetched yet: a new leader needs no validation */
    assert_false(sc_off_leader_changed(&o, 4));
    assert_true(sc_off_fetched(&o, o.gen, 100, 4));
    sc_off_consumed(&o, 89, 4);
    assert_false(sc_off_leader_changed(&o, 4)); /* not newer */
    assert_true(sc_off_leader_changed(&o, 5));
    assert_int_equal(o.state, SC_POS_VALIDATE);
    assert_false(sc_off_fetchable(&o));
    assert_true(sc_off_validation_request(&o, &cur, &ep));
    assert_int_equal(cur, 5);
    assert_int_equal(ep, 4);
    g = o.gen;

    /* no truncation: end offset of epoch 4 is at or past the fetch offset */
    assert_int_equal(sc_off_epoch_end(&o, g, 4, 100, SC_RESET_ERROR), SC_ACT_NONE);
    assert_int_equal(o.state, SC_POS_VALID);
    assert_int_equal(o.fetch_offset, 100);
    assert_int_equal(o.gen, g);

    /* truncated to 95: the application is at 90, so refetch from 90 */
    assert_true(sc_off_leader_changed(&o, 6));
    assert_int_equal(sc_off_epoch_end(&o, o.gen, 4, 95, SC_RESET_LATEST), SC_ACT_NONE);
    assert_int_equal(o.state, SC_POS_VALID);
    assert_int_equal(o.fetch_offset, 90);
    assert_int_equal(o.position, 90);
    assert_true(o.gen != g);

    /* truncated below the application's position: move back to it */
    assert_true(sc_off_fetched(&o, o.gen, 120, 6));
    sc_off_consumed(&o, 119, 6);
    assert_true(sc_off_leader_changed(&o, 7));
    assert_int_equal(sc_off_epoch_end(&o, o.gen, 6, 110, SC_RESET_LATEST), SC_ACT_NONE);
    assert_int_equal(o.position, 110);
    assert_int_equal(o.fetch_offset, 110);
    assert_int_equal(o.fetch_epoch, 6);

    /* with reset=error the application is told where the log diverged */
    assert_true(sc_off_fetched(&o, o.gen, 130, 7));
    assert_true(sc_off_leader_changed(&o, 8));
    g = o.gen;
    assert_int_equal(sc_off_epoch_end(&o, g - 1, 7, 3, SC_RESET_ERROR), SC_ACT_NONE);
    assert_int_equal(sc_off_epoch_end(&o, g, 7, 125, SC_RESET_ERROR), SC_ACT_REPORT);
    assert_int_equal(o.state, SC_POS_FAILED);
    assert_int_equal(o.err, SAMSA_ERR_LOG_TRUNCATED);
    assert_int_equal(o.err_offset, 125);

    /* an undefined answer resets by policy */
    sc_off_seek(&o, 50, 7);
    assert_int_equal(o.state, SC_POS_VALIDATE); /* seek with an epoch */
    assert_int_equal(sc_off_epoch_end(&o, o.gen, -1, -1, SC_RESET_EARLIEST), SC_ACT_RESET);
    assert_int_equal(o.reset_ts, SC_LIST_EARLIEST);

    /* a Fetch diverging_epoch while VALID works the same way */
    sc_off_seek(&o, 0, -1);
    assert_true(sc_off_fetched(&o, o.gen, 40, 8));
    assert_int_equal(sc_off_epoch_end(&o, o.gen, 7, 30, SC_RESET_EARLIEST), SC_ACT_NONE);
    /* the application is still at 0: refetch from there */
    assert_int_equal(o.fetch_offset, 0);
    assert_int_equal(o.state, SC_POS_VALID);
}

static void test_seek_by_time(void **state)
{
    sc_offsets o;
    (void)state;

    sc_off_init(&o);
    sc_off_seek_list(&o, 1700000000000LL);
    assert_int_equal(o.state, SC_POS_RESET);
    assert_int_equal(o.reset_ts, 1700000000000LL);
    assert_int_equal(o.position, SC_OFFSET_INVALID);
    sc_off_fail(&o, SAMSA_ERR_TOPIC_AUTHORIZATION_FAILED, -1);
    assert_int_equal(o.state, SC_POS_FAILED);
    assert_false(sc_off_reset_done(&o, o.gen, 1, -1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_committed_or_policy),
        cmocka_unit_test(test_out_of_range_per_policy),
        cmocka_unit_test(test_error_classes),
        cmocka_unit_test(test_fetch_and_consume_move_separately),
        cmocka_unit_test(test_validation_and_truncation),
        cmocka_unit_test(test_seek_by_time),
    };
    return cmocka_run_group_tests_name("offsets", tests, NULL, NULL);
}
