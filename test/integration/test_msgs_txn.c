/*
 * Transaction messages against the real broker: one transaction per
 * version step through InitProducerId (transactional and idempotent),
 * AddPartitionsToTxn (the v3 form and the v4+ batched form),
 * AddOffsetsToTxn, TxnOffsetCommit and EndTxn (commit and abort), every
 * response decoded exactly. Names are prefixed "hgroups-".
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
#include "msg_init_producer_id.h"
#include "msg_add_partitions_to_txn.h"
#include "msg_add_offsets_to_txn.h"
#include "msg_end_txn.h"
#include "msg_txn_offset_commit.h"

#define TXN_TOPIC "hgroups-txn"

typedef struct producer {
    int64_t id;
    int16_t epoch;
} producer;

/* InitProducerId at v; txn_id NULL for an idempotent producer id. */
static void init_producer_id(int fd, int16_t v, const char *txn_id, producer *p)
{
    sp_init_producer_id_req req;
    sp_init_producer_id_resp resp;
    st_call call;
    int attempt;

    memset(&req, 0, sizeof req);
    req.transactional_id = txn_id ? sp_str_of(txn_id) : (sp_str){ NULL, -1 };
    req.transaction_timeout_ms = 60000;
    req.producer_id = -1;
    req.producer_epoch = -1;
    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        st_call_ok(fd, 22, v, &req, &resp, &call, true);
        if (!st_retriable_txn_error(resp.error_code))
            break;
        st_call_free(&call);
        st_sleep_ms(200);
    }
    assert_int_equal(resp.error_code, 0);
    assert_true(resp.producer_id >= 0);
    assert_true(resp.producer_epoch >= 0);
    assert_int_equal(resp.ongoing_txn_producer_id, -1); /* v6 only */
    p->id = resp.producer_id;
    p->epoch = resp.producer_epoch;
    st_call_free(&call);
}

static void add_partitions_to_txn(int fd, int16_t v, const char *txn_id,
                                  const producer *p)
{
    sp_add_partitions_to_txn_req req;
    sp_add_partitions_to_txn_resp resp;
    sp_add_partitions_to_txn_topic topic;
    sp_add_partitions_to_txn_transaction txn;
    const sp_add_partitions_to_txn_topic_result *tr;
    int32_t part = 0;
    st_call call;
    int attempt;

    memset(&req, 0, sizeof req);
    topic.name = sp_str_of(TXN_TOPIC);
    topic.partitions.count = 1;
    topic.partitions.items = &part;
    if (v >= 4) {
        /* the batched form, as one transaction */
        txn.transactional_id = sp_str_of(txn_id);
        txn.producer_id = p->id;
        txn.producer_epoch = p->epoch;
        txn.verify_only = false;
        txn.topics.count = 1;
        txn.topics.items = &topic;
        req.transactions.count = 1;
        req.transactions.items = &txn;
    } else {
        req.v3_and_below_transactional_id = sp_str_of(txn_id);
        req.v3_and_below_producer_id = p->id;
        req.v3_and_below_producer_epoch = p->epoch;
        req.v3_and_below_topics.count = 1;
        req.v3_and_below_topics.items = &topic;
    }
    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        st_call_ok(fd, 24, v, &req, &resp, &call, true);
        if (v >= 4) {
            assert_int_equal(resp.error_code, 0);
            assert_int_equal(resp.results_by_transaction.count, 1);
            assert_true(st_str_is(resp.results_by_transaction.items[0].transactional_id, txn_id));
            assert_int_equal(resp.results_by_transaction.items[0].topic_results.count, 1);
            tr = &resp.results_by_transaction.items[0].topic_results.items[0];
            assert_int_equal(resp.results_by_topic_v3_and_below.count, 0);
        } else {
            assert_int_equal(resp.results_by_topic_v3_and_below.count, 1);
            tr = &resp.results_by_topic_v3_and_below.items[0];
            assert_int_equal(resp.results_by_transaction.count, 0);
        }
        assert_true(st_str_is(tr->name, TXN_TOPIC));
        assert_int_equal(tr->results_by_partition.count, 1);
        assert_int_equal(tr->results_by_partition.items[0].partition_index, 0);
        if (!st_retriable_txn_error(tr->results_by_partition.items[0].partition_error_code))
            break;
        st_call_free(&call);
        st_sleep_ms(200);
    }
    assert_int_equal(tr->results_by_partition.items[0].partition_error_code, 0);
    st_call_free(&call);
}

static void add_offsets_to_txn(int fd, int16_t v, const char *txn_id,
                               const producer *p, const char *group)
{
    sp_add_offsets_to_txn_req req = { sp_str_of(txn_id), p->id, p->epoch, sp_str_of(group) };
    sp_add_offsets_to_txn_resp resp;
    st_call call;
    int attempt;

    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        st_call_ok(fd, 25, v, &req, &resp, &call, true);
        if (!st_retriable_txn_error(resp.error_code))
            break;
        st_call_free(&call);
        st_sleep_ms(200);
    }
    assert_int_equal(resp.error_code, 0);
    st_call_free(&call);
}

static void txn_offset_commit(int fd, int16_t v, const char *txn_id,
                              const producer *p, const char *group,
                              const sp_uuid *topic_id)
{
    sp_txn_offset_commit_req req;
    sp_txn_offset_commit_resp resp;
    sp_txn_offset_commit_req_topic topic;
    sp_txn_offset_commit_req_partition part;
    const sp_txn_offset_commit_resp_topic *rt;
    st_call call;
    int attempt;

    memset(&req, 0, sizeof req);
    memset(&topic, 0, sizeof topic);
    req.transactional_id = sp_str_of(txn_id);
    req.group_id = sp_str_of(group);
    req.producer_id = p->id;
    req.producer_epoch = p->epoch;
    req.generation_id_or_member_epoch = -1; /* not a group member */
    req.member_id = sp_str_of("");
    req.group_instance_id.len = -1;
    topic.name = sp_str_of(TXN_TOPIC);
    topic.topic_id = *topic_id;
    part.partition_index = 0;
    part.committed_offset = 0;
    part.committed_leader_epoch = -1;
    part.committed_metadata = sp_str_of("hgroups");
    topic.partitions.count = 1;
    topic.partitions.items = &part;
    req.topics.count = 1;
    req.topics.items = &topic;
    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        st_call_ok(fd, 28, v, &req, &resp, &call, true);
        assert_int_equal(resp.topics.count, 1);
        rt = &resp.topics.items[0];
        if (v >= 6)
            assert_memory_equal(&rt->topic_id, topic_id, sizeof *topic_id);
        else
            assert_true(st_str_is(rt->name, TXN_TOPIC));
        assert_int_equal(rt->partitions.count, 1);
        if (!st_retriable_txn_error(rt->partitions.items[0].error_code))
            break;
        st_call_free(&call);
        st_sleep_ms(200);
    }
    assert_int_equal(rt->partitions.items[0].error_code, 0);
    st_call_free(&call);
}

static void end_txn(int fd, int16_t v, const char *txn_id, const producer *p,
                    bool commit)
{
    sp_end_txn_req req = { sp_str_of(txn_id), p->id, p->epoch, commit };
    sp_end_txn_resp resp;
    st_call call;
    int attempt;

    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        st_call_ok(fd, 26, v, &req, &resp, &call, true);
        if (!st_retriable_txn_error(resp.error_code))
            break;
        st_call_free(&call);
        st_sleep_ms(200);
    }
    assert_int_equal(resp.error_code, 0);
    if (v >= 5) {
        /* transactions v2: same id, epoch bumped for the next one */
        assert_true(resp.producer_id == p->id);
        assert_true(resp.producer_epoch > p->epoch);
    } else {
        assert_true(resp.producer_id == -1 && resp.producer_epoch == -1);
    }
    st_call_free(&call);
}

/*
 * One transaction per step i: InitProducerId (transactional, and an
 * idempotent one), AddPartitionsToTxn, AddOffsetsToTxn, TxnOffsetCommit,
 * EndTxn (commit on even steps, abort on odd ones), each at its (lo + i)-th
 * version held at its max. One broker: it coordinates groups and
 * transactions alike.
 */
static void test_transactions(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    static const int16_t keys[] = { 22, 24, 25, 26, 28 };
    int16_t lo[29], hi[29];
    sp_uuid topic_id;
    int i, steps;
    st_conn c;
    (void)state;

    st_conn_open(&c, bootstrap);
    steps = st_walk_versions(&c, keys, (int)(sizeof keys / sizeof keys[0]), lo, hi);
    st_ensure_topic(c.fd, TXN_TOPIC, &topic_id);
    for (i = 0; i < steps; i++) {
        char txn_id[96], group[96];
        producer p, idem;

        snprintf(txn_id, sizeof txn_id, "hgroups-%d-txn-%d", (int)getpid(), i);
        snprintf(group, sizeof group, "hgroups-%d-txg-%d", (int)getpid(), i);
        init_producer_id(c.fd, st_vpick(lo[22], hi[22], i), NULL, &idem);
        init_producer_id(c.fd, st_vpick(lo[22], hi[22], i), txn_id, &p);
        assert_true(p.id != idem.id);
        add_partitions_to_txn(c.fd, st_vpick(lo[24], hi[24], i), txn_id, &p);
        add_offsets_to_txn(c.fd, st_vpick(lo[25], hi[25], i), txn_id, &p, group);
        txn_offset_commit(c.fd, st_vpick(lo[28], hi[28], i), txn_id, &p, group, &topic_id);
        end_txn(c.fd, st_vpick(lo[26], hi[26], i), txn_id, &p, i % 2 == 0);
    }
    st_conn_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_transactions),
    };
    return cmocka_run_group_tests_name("msgs transactions (broker)", tests, NULL, NULL);
}
