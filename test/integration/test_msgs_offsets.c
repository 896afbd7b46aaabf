/*
 * Offset messages against the real broker: ListOffsets (earliest, latest,
 * unknown partition), OffsetCommit and OffsetFetch (single- and
 * multi-group forms, null topics), OffsetForLeaderEpoch (future epoch) and
 * DeleteRecords (past the high watermark). For every version samsa and the
 * broker have in common, the request is encoded from the schema tables and
 * its response decoded exactly. Names are prefixed "hdata-" and carry the
 * process id. The fixture (samsa_test_topic.h) is a 3-partition topic with
 * 3 records in partitions 0 and 2.
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
#include "msg_list_offsets.h"
#include "msg_offset_commit.h"
#include "msg_offset_fetch.h"
#include "msg_find_coordinator.h"
#include "msg_offset_for_leader_epoch.h"
#include "msg_delete_records.h"

static void test_list_offsets(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(2, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        static const int64_t ts[2] = { -2, -1 }; /* earliest, latest */
        int k;

        for (k = 0; k < 2; k++) {
            sp_list_offsets_req_partition p = { 0, -1, ts[k] };
            sp_list_offsets_req_topic t = { sp_str_of(g_fx.topic), { 1, &p } };
            sp_list_offsets_req req = { -1, 0, { 1, &t }, ST_TIMEOUT_MS };
            sp_list_offsets_resp resp;
            const sp_list_offsets_resp_partition *rp;
            st_call c;

            if (v >= 4)
                p.current_leader_epoch = g_fx.leader_epoch;
            st_fx_call(2, v, &req, &resp, &c, k == 1);
            assert_int_equal(resp.topics.count, 1);
            assert_true(st_str_is(resp.topics.items[0].name, g_fx.topic));
            assert_int_equal(resp.topics.items[0].partitions.count, 1);
            rp = &resp.topics.items[0].partitions.items[0];
            ST_CHECK_ERR("list offsets", rp->error_code, 0);
            if (k == 0)
                assert_int_equal(rp->offset, 0);
            else
                assert_true(rp->offset >= 3);
            if (v >= 4)
                assert_int_equal(rp->leader_epoch, g_fx.leader_epoch);
            st_call_free(&c);

            /* an unknown partition */
            p.partition_index = 99;
            st_fx_call(2, v, &req, &resp, &c, false);
            ST_CHECK_ERR("list offsets unknown",
                         resp.topics.items[0].partitions.items[0].error_code,
                         SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
            st_call_free(&c);
        }
    }
}

/* OffsetCommit to a new group, retrying while its coordinator loads. */
static void commit(int16_t v, const char *group, int64_t offset, bool capture)
{
    int tries;

    for (tries = 0; tries < 100; tries++) {
        sp_offset_commit_req_partition p = { 0, offset, g_fx.leader_epoch,
                                              sp_str_of("hdata-meta") };
        sp_offset_commit_req_topic t = { sp_str_of(g_fx.topic), g_fx.topic_id, { 1, &p } };
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
        st_fx_call(8, v, &req, &resp, &c, capture);
        assert_int_equal(resp.topics.count, 1);
        if (v >= 10)
            assert_true(st_uuid_eq(&resp.topics.items[0].topic_id, &g_fx.topic_id));
        else
            assert_true(st_str_is(resp.topics.items[0].name, g_fx.topic));
        assert_int_equal(resp.topics.items[0].partitions.count, 1);
        err = resp.topics.items[0].partitions.items[0].error_code;
        st_call_free(&c);
        /* a fresh broker creates and loads __consumer_offsets first; with
         * one broker the coordinator is always this one once it is loaded */
        if (err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
            err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
            err == SAMSA_ERR_NOT_COORDINATOR) {
            st_sleep_ms(100);
            continue;
        }
        ST_CHECK_ERR("offset commit", err, 0);
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
    st_fx_find_coordinator(group, SP_COORDINATOR_GROUP);
    st_fx_versions(8, &lo, &hi);
    for (v = lo; v <= hi; v++)
        commit(v, group, last = 100 + v, true);

    st_fx_versions(9, &flo, &fhi);
    for (v = flo; v <= fhi; v++) {
        int32_t part0 = 0;
        sp_offset_fetch_req req = { 0 };
        sp_offset_fetch_resp resp;
        st_call c;

        req.require_stable = true;
        if (v <= 7) {
            sp_offset_fetch_req_topic t = { sp_str_of(g_fx.topic), { 1, &part0 } };
            const sp_offset_fetch_resp_partition *p;
            int k;

            req.group_id = sp_str_of(group);
            /* named topics, then (v2+) null = every topic of the group */
            for (k = 0; k < (v >= 2 ? 2 : 1); k++) {
                req.topics.count = k ? -1 : 1;
                req.topics.items = k ? NULL : &t;
                st_fx_call(9, v, &req, &resp, &c, k == 0);
                if (v >= 2)
                    ST_CHECK_ERR("offset fetch", resp.error_code, 0);
                assert_int_equal(resp.topics.count, 1);
                assert_true(st_str_is(resp.topics.items[0].name, g_fx.topic));
                assert_int_equal(resp.topics.items[0].partitions.count, 1);
                p = &resp.topics.items[0].partitions.items[0];
                ST_CHECK_ERR("offset fetch partition", p->error_code, 0);
                assert_int_equal(p->committed_offset, last);
                assert_true(st_str_is(p->metadata, "hdata-meta"));
                if (v >= 5)
                    assert_int_equal(p->committed_leader_epoch, g_fx.leader_epoch);
                st_call_free(&c);
            }
        } else {
            /* multi-group: ours, and one that never committed */
            sp_offset_fetch_req_group_topic gt = { sp_str_of(g_fx.topic), g_fx.topic_id,
                                                   { 1, &part0 } };
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
            st_fx_call(9, v, &req, &resp, &c, true);
            assert_int_equal(resp.groups.count, 2);
            for (i = 0; i < 2; i++) {
                const sp_offset_fetch_resp_group *rg = &resp.groups.items[i];
                const sp_offset_fetch_resp_partition *p;
                bool ours = st_str_is(rg->group_id, group);

                assert_true(ours || st_str_is(rg->group_id, other));
                ST_CHECK_ERR("offset fetch group", rg->error_code, 0);
                assert_int_equal(rg->topics.count, 1);
                if (v >= 10)
                    assert_true(st_uuid_eq(&rg->topics.items[0].topic_id, &g_fx.topic_id));
                else
                    assert_true(st_str_is(rg->topics.items[0].name, g_fx.topic));
                assert_int_equal(rg->topics.items[0].partitions.count, 1);
                p = &rg->topics.items[0].partitions.items[0];
                ST_CHECK_ERR("offset fetch partition", p->error_code, 0);
                assert_int_equal(p->committed_offset, ours ? last : -1);
                assert_int_equal(p->committed_leader_epoch, ours ? g_fx.leader_epoch : -1);
                if (ours)
                    assert_true(st_str_is(p->metadata, "hdata-meta"));
            }
            st_call_free(&c);

            /* null topics: every committed topic of the group */
            g[0].topics.count = -1;
            g[0].topics.items = NULL;
            req.groups.count = 1;
            st_fx_call(9, v, &req, &resp, &c, false);
            assert_int_equal(resp.groups.count, 1);
            ST_CHECK_ERR("offset fetch all", resp.groups.items[0].error_code, 0);
            assert_int_equal(resp.groups.items[0].topics.count, 1);
            st_call_free(&c);
        }
    }
}

static void test_offset_for_leader_epoch(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(23, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_ofle_req_partition p = { 0, g_fx.leader_epoch, g_fx.leader_epoch };
        sp_ofle_req_topic t = { sp_str_of(g_fx.topic), { 1, &p } };
        sp_offset_for_leader_epoch_req req = { -1, { 1, &t } };
        sp_offset_for_leader_epoch_resp resp;
        const sp_ofle_resp_partition *rp;
        st_call c;

        st_fx_call(23, v, &req, &resp, &c, true);
        assert_int_equal(resp.topics.count, 1);
        assert_true(st_str_is(resp.topics.items[0].topic, g_fx.topic));
        assert_int_equal(resp.topics.items[0].partitions.count, 1);
        rp = &resp.topics.items[0].partitions.items[0];
        ST_CHECK_ERR("offset for leader epoch", rp->error_code, 0);
        assert_int_equal(rp->partition, 0);
        assert_int_equal(rp->leader_epoch, g_fx.leader_epoch);
        assert_true(rp->end_offset >= 3);
        st_call_free(&c);

        p.current_leader_epoch = g_fx.leader_epoch + 1;
        st_fx_call(23, v, &req, &resp, &c, false);
        ST_CHECK_ERR("offset for leader epoch, future epoch",
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
    st_fx_versions(21, &lo, &hi);
    assert_true(hi - lo + 1 <= 3); /* partition 2 holds 3 records */
    for (v = lo; v <= hi; v++) {
        sp_delete_records_req_partition p = { 2, ++upto };
        sp_delete_records_req_topic t = { sp_str_of(g_fx.topic), { 1, &p } };
        sp_delete_records_req req = { { 1, &t }, ST_TIMEOUT_MS };
        sp_delete_records_resp resp;
        const sp_delete_records_resp_partition *rp;
        st_call c;

        st_fx_call(21, v, &req, &resp, &c, true);
        assert_int_equal(resp.topics.count, 1);
        assert_true(st_str_is(resp.topics.items[0].name, g_fx.topic));
        rp = &resp.topics.items[0].partitions.items[0];
        ST_CHECK_ERR("delete records", rp->error_code, 0);
        assert_int_equal(rp->partition_index, 2);
        assert_int_equal(rp->low_watermark, upto);
        st_call_free(&c);

        p.offset = 1000; /* past the high watermark */
        st_fx_call(21, v, &req, &resp, &c, false);
        ST_CHECK_ERR("delete records past hw", resp.topics.items[0].partitions.items[0].error_code,
                     SAMSA_ERR_OFFSET_OUT_OF_RANGE);
        st_call_free(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_offsets),
        cmocka_unit_test(test_offset_commit_fetch),
        cmocka_unit_test(test_offset_for_leader_epoch),
        cmocka_unit_test(test_delete_records),
    };
    return cmocka_run_group_tests_name("msgs offsets (broker)", tests, st_fixture_setup,
                                       st_fixture_teardown);
}
