/*
 * Produce and Fetch messages against the real broker: Produce at every
 * version (bad partition, unknown topic name or id), Fetch (unknown topic,
 * fenced and future leader epochs), KIP-227 fetch sessions, and an aborted
 * transaction (InitProducerId, AddPartitionsToTxn, a transactional
 * Produce, EndTxn) seen by read_committed and read_uncommitted Fetch. For
 * every version samsa and the broker have in common, the request is
 * encoded from the schema tables and its response decoded exactly. Names
 * are prefixed "hdata-" and carry the process id. The fixture
 * (samsa_test_topic.h) is a 3-partition topic with 3 records in
 * partitions 0 and 2.
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
#include "samsa_test_topic.h"
#include "msg_produce.h"
#include "msg_fetch.h"
#include "msg_find_coordinator.h"
#include "msg_init_producer_id.h"
#include "msg_add_partitions_to_txn.h"
#include "msg_end_txn.h"

static void test_produce(void **state)
{
    int16_t v, lo, hi;
    int64_t base, prev = -1;
    char nope[64];
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(0, &lo, &hi);
    assert_true(lo >= 3); /* 4.x rejects v0-2 although it lists them */
    snprintf(nope, sizeof nope, "hdata-nope-%ld", (long)getpid());
    for (v = lo; v <= hi; v++) {
        ST_CHECK_ERR("produce", st_produce(v, &g_fx.topic_id, g_fx.topic, 0, 1, &base, true), 0);
        assert_true(base >= 3);
        if (prev >= 0)
            assert_int_equal(base, prev + 1);
        prev = base;
        /* a partition that does not exist, then a topic that does not */
        ST_CHECK_ERR("produce bad partition",
                     st_produce(v, &g_fx.topic_id, g_fx.topic, 99, 1, NULL, false),
                     SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        if (v >= 13)
            ST_CHECK_ERR("produce unknown id",
                         st_produce(v, &st_bogus_id, g_fx.topic, 0, 1, NULL, false),
                         SAMSA_ERR_UNKNOWN_TOPIC_ID);
        else
            ST_CHECK_ERR("produce unknown topic",
                         st_produce(v, &g_fx.topic_id, nope, 0, 1, NULL, false),
                         SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    }
}

static void fetch_req_init(sp_fetch_req *req, int16_t v, sp_fetch_req_topic *t,
                           sp_fetch_req_partition *p, int64_t offset)
{
    memset(req, 0, sizeof *req);
    memset(t, 0, sizeof *t);
    memset(p, 0, sizeof *p);
    p->partition = 0;
    p->current_leader_epoch = v >= 9 ? g_fx.leader_epoch : -1;
    p->fetch_offset = offset;
    p->last_fetched_epoch = -1;
    p->log_start_offset = -1;
    p->partition_max_bytes = 1 << 20;
    p->high_watermark = INT64_MAX;
    t->topic = sp_str_of(g_fx.topic);
    t->topic_id = g_fx.topic_id;
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
    st_fx_versions(1, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_fetch_req_partition p;
        sp_fetch_req_topic t;
        sp_fetch_req req;
        sp_fetch_resp resp;
        const sp_fetch_resp_partition *rp;
        st_call c;

        fetch_req_init(&req, v, &t, &p, 1);
        st_fx_call(1, v, &req, &resp, &c, false);
        if (v >= 7) {
            ST_CHECK_ERR("fetch", resp.error_code, 0);
            assert_int_equal(resp.session_id, 0);
        }
        assert_int_equal(resp.responses.count, 1);
        if (v >= 13)
            assert_true(st_uuid_eq(&resp.responses.items[0].topic_id, &g_fx.topic_id));
        else
            assert_true(st_str_is(resp.responses.items[0].topic, g_fx.topic));
        assert_int_equal(resp.responses.items[0].partitions.count, 1);
        rp = &resp.responses.items[0].partitions.items[0];
        ST_CHECK_ERR("fetch partition", rp->error_code, 0);
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
        assert_int_equal(st_be64(rp->records.ptr), 0);
        assert_int_equal(rp->records.ptr[16], 2);
        st_call_free(&c);

        /* a made-up topic id (v13+), or a partition the topic lacks */
        if (v >= 13)
            t.topic_id = st_bogus_id;
        else
            p.partition = 99;
        st_fx_call(1, v, &req, &resp, &c, false);
        assert_int_equal(resp.responses.count, 1);
        assert_int_equal(resp.responses.items[0].partitions.count, 1);
        ST_CHECK_ERR("fetch unknown", resp.responses.items[0].partitions.items[0].error_code,
                     v >= 13 ? SAMSA_ERR_UNKNOWN_TOPIC_ID : SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        st_call_free(&c);

        /* a stale leader epoch is fenced (v9+) */
        if (v >= 9 && g_fx.leader_epoch > 0) {
            fetch_req_init(&req, v, &t, &p, 0);
            p.current_leader_epoch = g_fx.leader_epoch - 1;
            st_fx_call(1, v, &req, &resp, &c, false);
            ST_CHECK_ERR("fetch fenced", resp.responses.items[0].partitions.items[0].error_code,
                         SAMSA_ERR_FENCED_LEADER_EPOCH);
            st_call_free(&c);
        }
        if (v >= 9) {
            fetch_req_init(&req, v, &t, &p, 0);
            p.current_leader_epoch = g_fx.leader_epoch + 1;
            st_fx_call(1, v, &req, &resp, &c, false);
            ST_CHECK_ERR("fetch future epoch",
                         resp.responses.items[0].partitions.items[0].error_code,
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
    st_fx_versions(1, &lo, &hi);
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
        st_fx_call(1, v, &req, &resp, &c, false);
        ST_CHECK_ERR("session open", resp.error_code, 0);
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
        st_fx_call(1, v, &req, &resp, &c, false);
        ST_CHECK_ERR("session update", resp.error_code, 0);
        assert_int_equal(resp.session_id, sid);
        st_call_free(&c);

        /* incremental: nothing added, nothing changed, nothing to say */
        req.session_epoch = 2;
        req.topics.count = 0;
        st_fx_call(1, v, &req, &resp, &c, false);
        ST_CHECK_ERR("session incremental", resp.error_code, 0);
        assert_int_equal(resp.session_id, sid);
        assert_int_equal(resp.responses.count, 0);
        st_call_free(&c);

        /* a wrong epoch */
        req.session_epoch = 7;
        st_fx_call(1, v, &req, &resp, &c, false);
        ST_CHECK_ERR("session bad epoch", resp.error_code, SAMSA_ERR_INVALID_FETCH_SESSION_EPOCH);
        st_call_free(&c);

        /* forget partition 0: the session is empty and the broker drops it */
        f.topic = sp_str_of(g_fx.topic);
        f.topic_id = g_fx.topic_id;
        f.partitions.count = 1;
        f.partitions.items = &zero;
        req.session_epoch = 3;
        req.forgotten_topics_data.count = 1;
        req.forgotten_topics_data.items = &f;
        st_fx_call(1, v, &req, &resp, &c, false);
        ST_CHECK_ERR("session forget", resp.error_code, 0);
        assert_int_equal(resp.session_id, 0);
        assert_int_equal(resp.responses.count, 0);
        st_call_free(&c);

        /* close (epoch -1) with a sessionless full fetch */
        fetch_req_init(&req, v, &t, &p, 0);
        req.session_id = sid;
        req.session_epoch = -1;
        st_fx_call(1, v, &req, &resp, &c, false);
        ST_CHECK_ERR("session close", resp.error_code, 0);
        assert_int_equal(resp.session_id, 0);
        st_call_free(&c);
    }
}

/* The error of a transactional answer, for txn_call. */
typedef int16_t (*txn_err_fn)(const void *resp);

static int16_t init_pid_err(const void *resp)
{
    return ((const sp_init_producer_id_resp *)resp)->error_code;
}

static int16_t add_partitions_err(const void *resp)
{
    const sp_add_partitions_to_txn_resp *r = resp;

    assert_int_equal(r->results_by_topic_v3_and_below.count, 1);
    return r->results_by_topic_v3_and_below.items[0].results_by_partition.items[0]
        .partition_error_code;
}

static int16_t end_txn_err(const void *resp)
{
    return ((const sp_end_txn_resp *)resp)->error_code;
}

/* Call key at its newest version (at most vmax), again while the
 * transaction coordinator settles; returns err_of's error with the last
 * answer in resp (the caller frees c). */
static int16_t txn_call(int16_t key, int16_t vmax, const void *req, void *resp, st_call *c,
                        txn_err_fn err_of)
{
    int16_t v = st_fx_max_version(key), err = 0;
    int tries;

    if (v > vmax)
        v = vmax;
    for (tries = 0; tries < ST_RETRIES; tries++) {
        st_fx_call(key, v, req, resp, c, false);
        err = err_of(resp);
        if (!st_retriable_txn_error(err))
            break;
        st_call_free(c);
        st_sleep_ms(100);
    }
    return err;
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
    st_fx_find_coordinator(txn, SP_COORDINATOR_TRANSACTION);
    {
        sp_init_producer_id_req req = { sp_str_of(txn), 60000, -1, -1, false, false };
        sp_init_producer_id_resp resp;
        st_call c;

        err = txn_call(SP_INIT_PRODUCER_ID_KEY, INT16_MAX, &req, &resp, &c, init_pid_err);
        ST_CHECK_ERR("init producer id", err, 0);
        pid = resp.producer_id;
        epoch = resp.producer_epoch;
        st_call_free(&c);
    }
    {
        int32_t part = 1;
        sp_add_partitions_to_txn_topic t = { sp_str_of(g_fx.topic), { 1, &part } };
        sp_add_partitions_to_txn_req req = { 0 };
        sp_add_partitions_to_txn_resp resp;
        st_call c;

        req.v3_and_below_transactional_id = sp_str_of(txn);
        req.v3_and_below_producer_id = pid;
        req.v3_and_below_producer_epoch = epoch;
        req.v3_and_below_topics.count = 1;
        req.v3_and_below_topics.items = &t;
        /* v4+ is the broker-to-broker batched form */
        err = txn_call(SP_ADD_PARTITIONS_TO_TXN_KEY, 3, &req, &resp, &c, add_partitions_err);
        ST_CHECK_ERR("add partitions to txn", err, 0);
        st_call_free(&c);
    }
    {
        uint8_t *batch;
        size_t blen = st_make_batch(2, 0x10 /* transactional */, pid, epoch, 0, &batch);
        int64_t base = -1;

        err = st_produce_batch(st_fx_max_version(SP_PRODUCE_KEY), &g_fx.topic_id, g_fx.topic,
                               1, txn, batch, blen, &base, false);
        free(batch);
        ST_CHECK_ERR("transactional produce", err, 0);
        assert_int_equal(base, 0);
    }
    {
        sp_end_txn_req req = { sp_str_of(txn), pid, epoch, false };
        sp_end_txn_resp resp;
        st_call c;

        err = txn_call(SP_END_TXN_KEY, INT16_MAX, &req, &resp, &c, end_txn_err);
        ST_CHECK_ERR("end txn (abort)", err, 0);
        st_call_free(&c);
    }

    st_fx_versions(1, &lo, &hi);
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
                st_fx_call(1, v, &req, &resp, &c, iso == 1);
                rp = &resp.responses.items[0].partitions.items[0];
                ST_CHECK_ERR("fetch aborted", rp->error_code, 0);
                /* the abort marker makes the transaction's end stable */
                if (rp->last_stable_offset >= 3 || iso == 0)
                    break;
                st_call_free(&c);
                st_sleep_ms(100);
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
            assert_int_equal(st_be64(rp->records.ptr), 0);
            assert_int_equal(rp->records.ptr[22] & 0x10, 0x10);
            st_call_free(&c);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_produce),
        cmocka_unit_test(test_fetch),
        cmocka_unit_test(test_fetch_session),
        cmocka_unit_test(test_fetch_aborted),
    };
    return cmocka_run_group_tests_name("msgs produce/fetch (broker)", tests, st_fixture_setup,
                                       st_fixture_teardown);
}
