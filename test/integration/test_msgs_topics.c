/*
 * Topic and cluster admin messages against the real broker: Metadata,
 * CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs and
 * DescribeCluster. For every version samsa and the broker have in common,
 * a valid request is encoded from the schema tables, sent, and its
 * response decoded exactly (no leftover bytes), with the error codes the
 * request implies; most versions also get a request that must fail in a
 * known way (unknown topic name or id, shrinking, ...). Names are prefixed
 * "hdata-" and carry the process id; the topics are deleted at the end.
 * The fixture (samsa_test_topic.h) is a 3-partition topic with data.
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
#include "msg_metadata.h"
#include "msg_create_topics.h"
#include "msg_delete_topics.h"
#include "msg_create_partitions.h"
#include "msg_describe_configs.h"
#include "msg_describe_cluster.h"

static void test_metadata(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(3, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_metadata_req_topic t = { { { 0 } }, sp_str_of(g_fx.topic) };
        sp_metadata_req req = { 0 };
        sp_metadata_resp resp;
        const sp_metadata_resp_topic *tp;
        st_call c;
        int32_t i;

        req.topics.count = 1;
        req.topics.items = &t;
        req.allow_auto_topic_creation = false;
        st_fx_call(3, v, &req, &resp, &c, true);
        assert_true(resp.brokers.count >= 1);
        assert_true(resp.brokers.items[0].port > 0);
        assert_true(resp.brokers.items[0].host.len > 0);
        if (v >= 2)
            assert_true(resp.cluster_id.len > 0);
        if (v >= 1)
            assert_true(resp.controller_id >= 0);
        assert_int_equal(resp.topics.count, 1);
        tp = &resp.topics.items[0];
        ST_CHECK_ERR("metadata topic", tp->error_code, 0);
        assert_true(st_str_is(tp->name, g_fx.topic));
        assert_false(tp->is_internal);
        if (v >= 10)
            assert_true(st_uuid_eq(&tp->topic_id, &g_fx.topic_id));
        assert_int_equal(tp->partitions.count, ST_NPART);
        for (i = 0; i < ST_NPART; i++) {
            const sp_metadata_resp_partition *p = &tp->partitions.items[i];
            ST_CHECK_ERR("metadata partition", p->error_code, 0);
            assert_true(p->leader_id >= 0);
            assert_int_equal(p->replica_nodes.count, 1);
            assert_int_equal(p->isr_nodes.count, 1);
            assert_int_equal(p->leader_epoch, v >= 7 ? g_fx.leader_epoch : -1);
        }
        if (v >= 13)
            assert_int_equal(resp.error_code, 0);
        st_call_free(&c);

        /* an unknown name without auto-creation (v4+; v0-3 auto-create) */
        if (v >= 4) {
            char nope[64];
            snprintf(nope, sizeof nope, "hdata-nope-%ld", (long)getpid());
            t.name = sp_str_of(nope);
            st_fx_call(3, v, &req, &resp, &c, false);
            assert_int_equal(resp.topics.count, 1);
            ST_CHECK_ERR("metadata unknown topic", resp.topics.items[0].error_code,
                         SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
            st_call_free(&c);
        }
        /* by id: the real one, then a made-up one (v12+: by id only) */
        if (v >= 12) {
            t.name.ptr = NULL;
            t.name.len = -1;
            t.topic_id = g_fx.topic_id;
            st_fx_call(3, v, &req, &resp, &c, false);
            assert_int_equal(resp.topics.count, 1);
            ST_CHECK_ERR("metadata by id", resp.topics.items[0].error_code, 0);
            assert_true(st_str_is(resp.topics.items[0].name, g_fx.topic));
            st_call_free(&c);
            t.topic_id = st_bogus_id;
            st_fx_call(3, v, &req, &resp, &c, false);
            assert_int_equal(resp.topics.count, 1);
            ST_CHECK_ERR("metadata by unknown id", resp.topics.items[0].error_code,
                         SAMSA_ERR_UNKNOWN_TOPIC_ID);
            assert_int_equal(resp.topics.items[0].name.len, -1);
            st_call_free(&c);
        }
        /* null topics = all topics (v1+); ours must be among them */
        if (v >= 1) {
            bool found = false;
            req.topics.count = -1;
            req.topics.items = NULL;
            st_fx_call(3, v, &req, &resp, &c, false);
            for (i = 0; i < resp.topics.count; i++)
                found |= st_str_is(resp.topics.items[i].name, g_fx.topic);
            assert_true(found);
            st_call_free(&c);
        }
    }
}

static void test_create_topics(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(19, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        char name[64];
        sp_create_topics_config cfg = { sp_str_of("cleanup.policy"), sp_str_of("delete") };
        sp_create_topics_topic t = { 0 };
        sp_create_topics_req req = { 0 };
        sp_create_topics_resp resp;
        const sp_create_topics_result *r;
        st_call c;

        snprintf(name, sizeof name, "hdata-ct-%ld-v%d", (long)getpid(), v);
        t.name = sp_str_of(name);
        t.num_partitions = 1;
        t.replication_factor = 1;
        t.configs.count = 1;
        t.configs.items = &cfg;
        req.topics.count = 1;
        req.topics.items = &t;
        req.timeout_ms = ST_TIMEOUT_MS;
        st_fx_call(19, v, &req, &resp, &c, true);
        assert_int_equal(resp.topics.count, 1);
        r = &resp.topics.items[0];
        assert_true(st_str_is(r->name, name));
        ST_CHECK_ERR("create topic", r->error_code, 0);
        assert_int_equal(r->error_message.len, -1);
        if (v >= 5) {
            int32_t i;
            bool seen = false;
            assert_int_equal(r->num_partitions, 1);
            assert_int_equal(r->replication_factor, 1);
            assert_true(r->configs.count > 0);
            for (i = 0; i < r->configs.count; i++)
                if (st_str_is(r->configs.items[i].name, "cleanup.policy")) {
                    seen = true;
                    assert_true(st_str_is(r->configs.items[i].value, "delete"));
                }
            assert_true(seen);
        }
        if (v >= 7)
            assert_false(st_uuid_zero(&r->topic_id));
        st_call_free(&c);

        /* again: exists; and a validate-only creation of a bad one */
        st_fx_call(19, v, &req, &resp, &c, false);
        ST_CHECK_ERR("create again", resp.topics.items[0].error_code,
                     SAMSA_ERR_TOPIC_ALREADY_EXISTS);
        assert_true(resp.topics.items[0].error_message.len > 0);
        st_call_free(&c);
        snprintf(name, sizeof name, "hdata-ct-%ld-v%d-x", (long)getpid(), v);
        t.name = sp_str_of(name);
        t.num_partitions = 0;
        req.validate_only = true;
        st_fx_call(19, v, &req, &resp, &c, false);
        ST_CHECK_ERR("create 0 partitions", resp.topics.items[0].error_code,
                     SAMSA_ERR_INVALID_PARTITIONS);
        st_call_free(&c);

        snprintf(name, sizeof name, "hdata-ct-%ld-v%d", (long)getpid(), v);
        st_delete_topic(name);
    }
}

static void test_delete_topics(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(20, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        char name[64];
        sp_uuid id;
        sp_delete_topics_state st = { { NULL, -1 }, { { 0 } } };
        sp_str n;
        sp_delete_topics_req req = { 0 };
        sp_delete_topics_resp resp;
        st_call c;

        snprintf(name, sizeof name, "hdata-dt-%ld-v%d", (long)getpid(), v);
        st_create_topic(name, 1, &id);
        n = sp_str_of(name);
        if (v >= 6) {
            assert_false(st_uuid_zero(&id));
            st.topic_id = id; /* by id, name null */
            req.topics.count = 1;
            req.topics.items = &st;
        } else {
            req.topic_names.count = 1;
            req.topic_names.items = &n;
        }
        req.timeout_ms = ST_TIMEOUT_MS;
        st_fx_call(20, v, &req, &resp, &c, true);
        assert_int_equal(resp.responses.count, 1);
        ST_CHECK_ERR("delete topic", resp.responses.items[0].error_code, 0);
        if (v >= 6)
            assert_true(st_uuid_eq(&resp.responses.items[0].topic_id, &id));
        else
            assert_true(st_str_is(resp.responses.items[0].name, name));
        st_call_free(&c);

        /* gone now */
        if (v >= 6)
            st.topic_id = st_bogus_id;
        st_fx_call(20, v, &req, &resp, &c, false);
        ST_CHECK_ERR("delete unknown", resp.responses.items[0].error_code,
                     v >= 6 ? SAMSA_ERR_UNKNOWN_TOPIC_ID : SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        if (v >= 5)
            assert_true(resp.responses.items[0].error_message.len > 0);
        st_call_free(&c);
    }
}

static void test_create_partitions(void **state)
{
    int16_t v, lo, hi;
    int32_t count = 1;
    char name[64];
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(37, &lo, &hi);
    snprintf(name, sizeof name, "hdata-cp-%ld", (long)getpid());
    st_create_topic(name, 1, NULL);
    for (v = lo; v <= hi; v++) {
        sp_create_partitions_topic t = { sp_str_of(name), ++count, { -1, NULL } };
        sp_create_partitions_req req = { { 1, &t }, ST_TIMEOUT_MS, false };
        sp_create_partitions_resp resp;
        st_call c;

        st_fx_call(37, v, &req, &resp, &c, true);
        assert_int_equal(resp.results.count, 1);
        assert_true(st_str_is(resp.results.items[0].name, name));
        ST_CHECK_ERR("create partitions", resp.results.items[0].error_code, 0);
        assert_int_equal(resp.results.items[0].error_message.len, -1);
        st_call_free(&c);

        /* shrinking is refused */
        t.count = 1;
        req.validate_only = true;
        st_fx_call(37, v, &req, &resp, &c, false);
        ST_CHECK_ERR("shrink partitions", resp.results.items[0].error_code,
                     SAMSA_ERR_INVALID_PARTITIONS);
        assert_true(resp.results.items[0].error_message.len > 0);
        st_call_free(&c);
    }
    st_wait_topic(name, count);
    st_delete_topic(name);
}

static void test_describe_configs(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(32, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        char node[16], nope[64];
        sp_str key = sp_str_of("log.retention.hours");
        sp_describe_configs_resource res[3];
        sp_describe_configs_req req = { { 3, res }, true, true };
        sp_describe_configs_resp resp;
        st_call c;
        int32_t i, j;

        snprintf(node, sizeof node, "%d", (int)g_fx.node_id);
        snprintf(nope, sizeof nope, "hdata-nope-%ld", (long)getpid());
        res[0] = (sp_describe_configs_resource){ 2, sp_str_of(g_fx.topic), { -1, NULL } };
        res[1] = (sp_describe_configs_resource){ 4, sp_str_of(node), { 1, &key } };
        res[2] = (sp_describe_configs_resource){ 2, sp_str_of(nope), { -1, NULL } };
        st_fx_call(32, v, &req, &resp, &c, true);
        assert_int_equal(resp.results.count, 3);
        for (i = 0; i < 3; i++) {
            const sp_describe_configs_result *r = &resp.results.items[i];
            bool seen = false;

            if (r->resource_type == 2 && st_str_is(r->resource_name, nope)) {
                ST_CHECK_ERR("describe unknown topic", r->error_code,
                             SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
                continue;
            }
            ST_CHECK_ERR("describe configs", r->error_code, 0);
            for (j = 0; j < r->configs.count; j++) {
                const sp_describe_configs_entry *e = &r->configs.items[j];
                if (st_str_is(e->name, r->resource_type == 2 ? "cleanup.policy"
                                                             : "log.retention.hours")) {
                    seen = true;
                    assert_true(e->value.len > 0);
                    assert_true(e->config_source >= 1);
                    assert_true(e->synonyms.count >= 1);
                    if (v >= 3) {
                        assert_true(e->config_type > 0);
                        assert_true(e->documentation.len > 0);
                    }
                }
            }
            assert_true(seen);
            if (r->resource_type == 4)
                assert_int_equal(r->configs.count, 1);
        }
        st_call_free(&c);
    }
}

static void test_describe_cluster(void **state)
{
    int16_t v, lo, hi;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    st_fx_versions(60, &lo, &hi);
    for (v = lo; v <= hi; v++) {
        sp_describe_cluster_req req = { true, 1, true };
        sp_describe_cluster_resp resp;
        st_call c;
        int32_t i;
        bool seen = false;

        st_fx_call(60, v, &req, &resp, &c, true);
        ST_CHECK_ERR("describe cluster", resp.error_code, 0);
        assert_int_equal(resp.error_message.len, -1);
        assert_int_equal(resp.endpoint_type, 1);
        assert_true(resp.cluster_id.len > 0);
        assert_true(resp.controller_id >= 0);
        assert_true(resp.brokers.count >= 1);
        for (i = 0; i < resp.brokers.count; i++) {
            assert_true(resp.brokers.items[i].port > 0);
            assert_false(resp.brokers.items[i].is_fenced);
            seen |= resp.brokers.items[i].broker_id == g_fx.node_id;
        }
        assert_true(seen);
        st_call_free(&c);

        /* controllers are described only by a controller listener */
        if (v >= 1) {
            req.endpoint_type = 2;
            st_fx_call(60, v, &req, &resp, &c, false);
            ST_CHECK_ERR("describe controllers via broker", resp.error_code,
                         SAMSA_ERR_MISMATCHED_ENDPOINT_TYPE);
            st_call_free(&c);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_create_topics),
        cmocka_unit_test(test_delete_topics),
        cmocka_unit_test(test_create_partitions),
        cmocka_unit_test(test_describe_configs),
        cmocka_unit_test(test_describe_cluster),
    };
    return cmocka_run_group_tests_name("msgs topics (broker)", tests, st_fixture_setup,
                                       st_fixture_teardown);
}
