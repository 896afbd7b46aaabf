/*
 * The KIP-848 consumer group protocol against the real broker: per
 * ConsumerGroupHeartbeat version, join (epoch 0; v0 lets the coordinator
 * pick the member id, v1 sends one), heartbeat until the topic's partition
 * is assigned, acknowledge it as owned, leave; every response decoded
 * exactly. Skipped (with the reason) on a 3.x broker where the protocol is
 * off. Names are prefixed "hgroups-".
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
#include "msg_consumer_group_heartbeat.h"

#define SESSION_MS 10000
#define CGH_TOPIC "hgroups-cgh"

/*
 * KIP-848 consumer group per version: join (epoch 0; v0 lets the
 * coordinator pick the member id, v1 sends one), heartbeat until the one
 * partition of CGH_TOPIC is assigned (acknowledging it as owned), leave
 * (epoch -1).
 */
static void test_consumer_group_heartbeat(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    int16_t v, lo, hi;
    sp_uuid topic_id;
    st_conn c;
    (void)state;

    st_conn_open(&c, bootstrap);
    st_versions(&c, 68, &lo, &hi);
    st_ensure_topic(c.fd, CGH_TOPIC, &topic_id);
    for (v = lo; v <= hi; v++) {
        sp_consumer_group_heartbeat_req req;
        sp_consumer_group_heartbeat_resp resp;
        sp_cgh_topic_partitions owned;
        sp_str topic = sp_str_of(CGH_TOPIC);
        int32_t part0 = 0;
        char group[96], member[256], gen[23];
        int32_t epoch;
        st_call call;
        int attempt;
        bool assigned = false;

        snprintf(group, sizeof group, "hgroups-%d-cgh-%d", (int)getpid(), v);
        st_random_member_id(gen);
        memset(&req, 0, sizeof req);
        req.group_id = sp_str_of(group);
        req.member_id = sp_str_of(v >= 1 ? gen : "");
        req.member_epoch = 0;
        req.instance_id.len = -1;
        req.rack_id.len = -1;
        req.rebalance_timeout_ms = SESSION_MS;
        req.subscribed_topic_names.count = 1;
        req.subscribed_topic_names.items = &topic;
        req.subscribed_topic_regex.len = -1;
        req.server_assignor.len = -1; /* the broker's default */
        req.topic_partitions.count = 0;
        for (attempt = 0; attempt < ST_RETRIES; attempt++) {
            st_call_ok(c.fd, 68, v, &req, &resp, &call, true);
            if (!st_retriable_coordinator_error(resp.error_code))
                break;
            st_call_free(&call);
            st_sleep_ms(200);
        }
        if (resp.error_code == SAMSA_ERR_UNSUPPORTED_VERSION && st_kafka_3x()) {
            /* 3.x lists the API but enables the protocol only with
             * group.coordinator.rebalance.protocols=classic,consumer */
            st_call_free(&call);
            st_conn_close(&c);
            printf("# SKIP test_consumer_group_heartbeat: the KIP-848 protocol is "
                   "off on this 3.x broker (the request and its error decoded)\n");
            skip();
        }
        assert_int_equal(resp.error_code, 0);
        assert_true(resp.error_message.len < 0);
        assert_true(resp.member_epoch >= 1);
        assert_true(resp.heartbeat_interval_ms > 0);
        if (v >= 1)
            assert_true(st_str_is(resp.member_id, gen));
        st_cstr(resp.member_id, member, sizeof member);
        epoch = resp.member_epoch;
        for (attempt = 0; attempt < ST_RETRIES; attempt++) {
            if (resp.assignment &&
                st_has_partition0(&topic_id, resp.assignment->topic_partitions.items,
                                  resp.assignment->topic_partitions.count,
                                  sizeof(sp_cgh_topic_partitions)))
                assigned = true;
            st_call_free(&call);
            if (assigned)
                break;
            st_sleep_ms(200);
            /* plain heartbeat: nothing changed, so the nullable fields are null */
            req.member_id = sp_str_of(member);
            req.member_epoch = epoch;
            req.rebalance_timeout_ms = -1;
            req.subscribed_topic_names.count = -1;
            req.topic_partitions.count = -1;
            st_call_ok(c.fd, 68, v, &req, &resp, &call, true);
            assert_int_equal(resp.error_code, 0);
            epoch = resp.member_epoch;
        }
        assert_true(assigned);
        /* acknowledge the assignment by reporting it as owned */
        owned.topic_id = topic_id;
        owned.partitions.count = 1;
        owned.partitions.items = &part0;
        req.member_id = sp_str_of(member);
        req.member_epoch = epoch;
        req.topic_partitions.count = 1;
        req.topic_partitions.items = &owned;
        st_call_ok(c.fd, 68, v, &req, &resp, &call, false);
        assert_int_equal(resp.error_code, 0);
        assert_int_equal(resp.member_epoch, epoch);
        st_call_free(&call);
        /* leave */
        req.member_epoch = -1;
        req.topic_partitions.count = -1;
        st_call_ok(c.fd, 68, v, &req, &resp, &call, false);
        assert_int_equal(resp.error_code, 0);
        assert_int_equal(resp.member_epoch, -1);
        st_call_free(&call);
    }
    st_conn_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consumer_group_heartbeat),
    };
    return cmocka_run_group_tests_name("msgs consumer groups (broker)", tests, NULL, NULL);
}
