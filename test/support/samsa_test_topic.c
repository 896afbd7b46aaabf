/* test/support/samsa_test_topic.c - see samsa_test_topic.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_topic.h"
#include "msg_create_topics.h"
#include "msg_delete_topics.h"
#include "msg_find_coordinator.h"
#include "msg_metadata.h"
#include "msg_produce.h"

st_fixture g_fx = { .conn = { .fd = -1 } };
const sp_uuid st_bogus_id = { { 0x68, 0x64, 0x61, 0x74, 0x61, 0x2d, 0x6e, 0x6f,
                                0x2d, 0x73, 0x75, 0x63, 0x68, 0x2d, 0x69, 0x64 } };

void st_fx_call(int16_t key, int16_t v, const void *req, void *resp, st_call *c,
                bool capture)
{
    st_call_ok(g_fx.conn.fd, key, v, req, resp, c, capture);
}

void st_fx_versions(int16_t key, int16_t *lo, int16_t *hi)
{
    st_versions(&g_fx.conn, key, lo, hi);
}

int16_t st_fx_max_version(int16_t key)
{
    return st_max_version(&g_fx.conn, key);
}

void st_fx_find_coordinator(const char *key, int8_t key_type)
{
    const char *keys[1] = { key };

    st_find_coordinator(g_fx.conn.fd, st_fx_max_version(SP_FIND_COORDINATOR_KEY), key_type,
                        keys, 1, NULL, 0);
}

void st_create_topic(const char *name, int32_t n, sp_uuid *id_out)
{
    sp_create_topics_topic t = { 0 };
    sp_create_topics_req req = { 0 };
    sp_create_topics_resp resp;
    st_call call;
    int16_t v = st_fx_max_version(SP_CREATE_TOPICS_KEY);

    t.name = sp_str_of(name);
    t.num_partitions = n;
    t.replication_factor = 1;
    req.topics.count = 1;
    req.topics.items = &t;
    req.timeout_ms = ST_TIMEOUT_MS;
    st_fx_call(SP_CREATE_TOPICS_KEY, v, &req, &resp, &call, false);
    assert_int_equal(resp.topics.count, 1);
    ST_CHECK_ERR(name, resp.topics.items[0].error_code, 0);
    if (id_out)
        *id_out = resp.topics.items[0].topic_id;
    st_call_free(&call);
}

void st_delete_topic(const char *name)
{
    sp_delete_topics_state t = { sp_str_of(name), { { 0 } } };
    sp_str n = sp_str_of(name);
    sp_delete_topics_req req = { 0 };
    sp_delete_topics_resp resp;
    st_call call;
    int16_t v = st_fx_max_version(SP_DELETE_TOPICS_KEY);

    if (v >= 6) {
        req.topics.count = 1;
        req.topics.items = &t;
    } else {
        req.topic_names.count = 1;
        req.topic_names.items = &n;
    }
    req.timeout_ms = ST_TIMEOUT_MS;
    st_fx_call(SP_DELETE_TOPICS_KEY, v, &req, &resp, &call, false);
    assert_int_equal(resp.responses.count, 1);
    ST_CHECK_ERR(name, resp.responses.items[0].error_code, 0);
    st_call_free(&call);
}

/* True when every partition of the one topic in resp has a leader; fills
 * the fixture when it is the fixture's topic. */
static bool topic_ready(const sp_metadata_resp *resp, const char *name, int32_t nparts)
{
    const sp_metadata_resp_topic *tp;
    int32_t i;

    if (resp->topics.count != 1 || resp->topics.items[0].error_code != 0 ||
        resp->topics.items[0].partitions.count != nparts)
        return false;
    tp = &resp->topics.items[0];
    for (i = 0; i < nparts; i++)
        if (tp->partitions.items[i].leader_id < 0)
            return false;
    if (strcmp(name, g_fx.topic) == 0) {
        g_fx.topic_id = tp->topic_id;
        for (i = 0; i < nparts; i++)
            if (tp->partitions.items[i].partition_index == 0)
                g_fx.leader_epoch = tp->partitions.items[i].leader_epoch;
        g_fx.node_id = resp->brokers.items[0].node_id;
    }
    return true;
}

void st_wait_topic(const char *name, int32_t nparts)
{
    sp_metadata_req_topic t = { { { 0 } }, sp_str_of(name) };
    sp_metadata_req req = { 0 };
    int16_t v = st_fx_max_version(SP_METADATA_KEY);
    int tries;

    req.topics.count = 1;
    req.topics.items = &t;
    req.allow_auto_topic_creation = false;
    for (tries = 0; tries < ST_RETRIES; tries++) {
        sp_metadata_resp resp;
        st_call call;
        bool ready;

        st_fx_call(SP_METADATA_KEY, v, &req, &resp, &call, false);
        ready = topic_ready(&resp, name, nparts);
        st_call_free(&call);
        if (ready)
            return;
        st_sleep_ms(100);
    }
    fail_msg("topic %s never got leaders", name);
}

int16_t st_produce(int16_t v, const sp_uuid *id, const char *name, int32_t partition, int n,
                   int64_t *base, bool capture)
{
    uint8_t *batch;
    size_t blen = st_make_batch(n, 0, -1, -1, -1, &batch);
    int16_t err = st_produce_batch(v, id, name, partition, NULL, batch, blen, base, capture);

    free(batch);
    return err;
}

int16_t st_produce_batch(int16_t v, const sp_uuid *id, const char *name, int32_t partition,
                         const char *txn_id, const uint8_t *batch, size_t blen, int64_t *base,
                         bool capture)
{
    sp_produce_req_partition p = { 0 };
    sp_produce_req_topic t = { 0 };
    sp_produce_req req = { 0 };
    sp_produce_resp resp;
    const sp_produce_resp_partition *pr;
    st_call call;
    int16_t err;

    p.index = partition;
    p.records.ptr = batch;
    p.records.len = (int32_t)blen;
    t.name = sp_str_of(name);
    t.topic_id = *id;
    t.partition_data.count = 1;
    t.partition_data.items = &p;
    req.transactional_id = txn_id ? sp_str_of(txn_id) : (sp_str){ NULL, -1 };
    req.acks = -1;
    req.timeout_ms = ST_TIMEOUT_MS;
    req.topic_data.count = 1;
    req.topic_data.items = &t;
    st_fx_call(SP_PRODUCE_KEY, v, &req, &resp, &call, capture);
    assert_int_equal(resp.responses.count, 1);
    if (v >= 13)
        assert_true(st_uuid_eq(&resp.responses.items[0].topic_id, id));
    else
        assert_true(st_str_is(resp.responses.items[0].name, name));
    assert_int_equal(resp.responses.items[0].partition_responses.count, 1);
    pr = &resp.responses.items[0].partition_responses.items[0];
    err = pr->error_code;
    if (base)
        *base = pr->base_offset;
    if (err == 0) {
        assert_int_equal(pr->index, partition);
        assert_int_equal(pr->log_append_time_ms, -1); /* CreateTime topic */
        if (v >= 5)
            assert_true(pr->log_start_offset >= 0);
        if (v >= 8) {
            assert_int_equal(pr->record_errors.count, 0);
            assert_int_equal(pr->error_message.len, -1);
        }
    }
    st_call_free(&call);
    return err;
}

int st_fixture_setup(void **state)
{
    int64_t base;
    int32_t p;

    (void)state;
    g_fx.bootstrap = st_env("SAMSA_TEST_BOOTSTRAP");
    if (!g_fx.bootstrap)
        return 0; /* each test skips */
    snprintf(g_fx.topic, sizeof g_fx.topic, "hdata-main-%ld", (long)getpid());
    st_conn_open(&g_fx.conn, g_fx.bootstrap);
    st_create_topic(g_fx.topic, ST_NPART, NULL);
    st_wait_topic(g_fx.topic, ST_NPART);
    /* data for Fetch, ListOffsets, OffsetForLeaderEpoch, DeleteRecords;
     * the new leader may not know it leads yet: retry briefly */
    for (p = 0; p < ST_NPART; p += 2) {
        int16_t err;
        int tries = 0;

        while ((err = st_produce(st_fx_max_version(SP_PRODUCE_KEY), &g_fx.topic_id, g_fx.topic,
                                 p, 3, &base, false)) ==
               SAMSA_ERR_NOT_LEADER_OR_FOLLOWER &&
               ++tries < ST_RETRIES)
            st_sleep_ms(100);
        ST_CHECK_ERR("setup produce", err, 0);
        assert_int_equal(base, 0);
    }
    return 0;
}

int st_fixture_teardown(void **state)
{
    (void)state;
    if (!g_fx.bootstrap)
        return 0;
    st_delete_topic(g_fx.topic);
    st_conn_close(&g_fx.conn);
    return 0;
}
