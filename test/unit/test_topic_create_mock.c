/*
 * Producer topic auto-creation (auto.create.topics.method=create_topics)
 * against an in-test mock broker whose CreateTopics succeeds but whose
 * Metadata keeps saying UNKNOWN_TOPIC_OR_PARTITION for a while (the new
 * topic propagating). Checked: one CreateTopics for the topic however many
 * Metadata rounds see it unknown (each used to send one more).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "samsa_test.h"
#include "mock_broker.h"
#include "samsa_test_client.h"
#include "samsa.h"
#include "msg_create_topics.h"
#include "msg_metadata.h"

#define TOPIC "fresh"

typedef struct mock {
    st_mock mb;
    int metadata; /* Metadata requests answered */
    int unknown;  /* ... of them with the topic unknown */
    int creates;  /* CreateTopics requests */
    bool exists;  /* Metadata shows the topic */
} mock;

static void answer_create(mock *m, const st_mock_req *rq)
{
    sp_create_topics_req q;
    sp_create_topics_resp r;
    sp_create_topics_result t;

    st_mock_decode(rq, &sp_msg_create_topics_req, &q);
    assert_int_equal(q.topics.count, 1);
    m->creates++;
    memset(&r, 0, sizeof r);
    memset(&t, 0, sizeof t);
    t.name = q.topics.items[0].name;
    t.error_message.len = -1;
    t.num_partitions = -1;
    t.replication_factor = -1;
    t.configs.count = -1;
    r.topics.count = 1;
    r.topics.items = &t;
    st_mock_reply(rq, &sp_msg_create_topics_resp, &r);
}

static bool handle(void *opaque, const st_mock_req *rq)
{
    static const sp_api_version_range ranges[] = {
        { 3, 0, 12 }, { 18, 0, 3 }, { 19, 0, 7 },
    };
    mock *m = opaque;

    switch (rq->key) {
    case 18: /* ApiVersions */
        st_mock_reply_versions(rq, ranges, (int32_t)(sizeof ranges / sizeof ranges[0]));
        break;
    case SP_METADATA_KEY:
        m->metadata++;
        if (m->exists) {
            st_mock_reply_metadata(rq, &m->mb, TOPIC, 1, 0, 0);
        } else {
            m->unknown++;
            st_mock_reply_metadata(rq, &m->mb, TOPIC, 0,
                                   SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION, 0);
        }
        break;
    case SP_CREATE_TOPICS_KEY:
        answer_create(m, rq);
        break;
    default:
        return false;
    }
    return true;
}

static samsa_client *mk_producer(const mock *m)
{
    const char *kv[] = { "auto.create.topics.method", "create_topics",
                         "enable.idempotence", "false",
                         "retry.backoff.ms", "5",
                         "retry.backoff.max.ms", "20", NULL };
    char boot[64];

    snprintf(boot, sizeof boot, "127.0.0.1:%d", m->mb.port);
    return st_client_kv(boot, kv);
}

/* Poll until *count (a mock counter) has grown by more; exists: what the
 * mock's Metadata says of the topic from now on. */
static void await_more(samsa_client *c, mock *m, const int *count, int more,
                       bool exists)
{
    int target, seen;

    st_mock_lock(&m->mb);
    m->exists = exists;
    target = *count + more;
    st_mock_unlock(&m->mb);
    do {
        samsa_poll(c, 10);
        st_mock_lock(&m->mb);
        seen = *count;
        st_mock_unlock(&m->mb);
    } while (seen < target); /* the runner's timeout bounds a hang */
}

static void test_one_create_while_propagating(void **state)
{
    samsa_record r;
    samsa_client *c;
    mock m;

    (void)state;
    memset(&m, 0, sizeof m);
    st_mock_start(&m.mb, handle, &m);
    st_mock_run(&m.mb);
    c = mk_producer(&m);
    memset(&r, 0, sizeof r);
    r.topic = TOPIC;
    r.partition = SAMSA_PARTITION_ANY;
    r.value = "v";
    r.value_len = 1;
    assert_int_equal(samsa_produce(c, &r, NULL, 0), 0);
    await_more(c, &m, &m.unknown, 12, false);
    st_mock_lock(&m.mb);
    assert_int_equal(m.creates, 1);
    st_mock_unlock(&m.mb);
    await_more(c, &m, &m.metadata, 1, true); /* sc_tc_known drops its state */
    st_mock_lock(&m.mb);
    assert_int_equal(m.creates, 1);
    st_mock_unlock(&m.mb);
    samsa_client_destroy(c);
    st_mock_stop(&m.mb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_create_while_propagating),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
