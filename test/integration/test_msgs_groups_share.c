/*
 * KIP-932 share groups against the real broker: per version step,
 * ShareGroupHeartbeat until the partition is assigned, FindCoordinator for
 * the share partition (key type 2), ShareFetch (opening the share session),
 * produce three records, ShareFetch them (acquired, delivery count 1),
 * ShareAcknowledge them as accepted, leave; every response decoded
 * exactly. Skipped on a broker without share-group APIs (3.x). Names are
 * prefixed "hgroups-".
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
#include "msg_produce.h"
#include "msg_share_group_heartbeat.h"
#include "msg_share_fetch.h"
#include "msg_share_acknowledge.h"
#include "record_batch.h"
#include "codec.h"

#define SHARE_TOPIC "hgroups-share"

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
    st_call_ok(fd, 78, v, &req, resp, call, true);
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
    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        bool assigned;

        req.member_epoch = epoch;
        st_call_ok(fd, 76, 1, &req, &resp, &call, true);
        if (st_retriable_coordinator_error(resp.error_code)) {
            st_call_free(&call);
            st_sleep_ms(200);
            continue;
        }
        assert_int_equal(resp.error_code, 0);
        assert_true(resp.error_message.len < 0);
        assert_true(st_str_is(resp.member_id, member));
        assert_true(resp.member_epoch >= 1);
        assert_true(resp.heartbeat_interval_ms > 0);
        epoch = resp.member_epoch;
        assigned = resp.assignment &&
                   st_has_partition0(topic_id, resp.assignment->topic_partitions.items,
                                     resp.assignment->topic_partitions.count,
                                     sizeof(sp_sgh_topic_partitions));
        st_call_free(&call);
        if (assigned)
            return epoch;
        req.subscribed_topic_names.count = -1; /* unchanged from now on */
        st_sleep_ms(200);
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
    st_call_ok(fd, 76, 1, &req, &resp, &call, false);
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
    st_conn c;
    (void)state;

    st_conn_open(&c, bootstrap);
    if (!st_common_versions(&c.versions, 76, &hlo, &hhi)) {
        /* share groups are GA from 4.1; older brokers do not list them */
        assert_true(st_kafka_3x());
        st_conn_close(&c);
        printf("# SKIP test_share_group: this broker has no share-group APIs\n");
        skip();
    }
    st_versions(&c, 78, &flo, &fhi);
    st_versions(&c, 79, &alo, &ahi);
    st_ensure_topic(c.fd, SHARE_TOPIC, &topic_id);
    steps = fhi - flo > ahi - alo ? fhi - flo + 1 : ahi - alo + 1;
    for (i = 0; i < steps; i++) {
        int16_t fv = st_vpick(flo, fhi, i), av = st_vpick(alo, ahi, i);
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
        st_random_member_id(member);
        share_join(c.fd, group, member, &topic_id, SHARE_TOPIC);
        {
            /* the share coordinator of this share partition (key type 2,
             * FindCoordinator v6+): "group:topic id:partition" */
            int16_t clo, chi;
            char tid[23], key[160], hp[256];
            const char *keys[1] = { key };

            st_versions(&c, 10, &clo, &chi);
            if (chi >= 6) {
                st_uuid_text(topic_id.b, tid);
                snprintf(key, sizeof key, "%s:%s:0", group, tid);
                st_find_coordinator(c.fd, chi, SP_COORDINATOR_SHARE, keys, 1, hp, sizeof hp);
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
        st_call_ok(c.fd, 79, av, &ar, &aresp, &call, true);
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
    st_conn_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_share_group),
    };
    return cmocka_run_group_tests_name("msgs share groups (broker)", tests, NULL, NULL);
}
