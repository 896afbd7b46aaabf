/*
 * Topic auto-creation by the client (auto.create.topics.method=
 * create_topics) against the real broker.
 *
 * The harness broker has auto.create.topics.enable=true, so a test has to
 * tell the client's CreateTopics apart from the broker's auto-create: the
 * producer asks for 3 partitions where the broker's num.partitions is 1,
 * and a consumer in the same mode (whose Metadata requests carry the flag
 * false) must leave an unknown topic uncreated, where the broker mode
 * creates it. The tests pass as well against a broker with auto-create off
 * (SAMSA_BROKER_PROPS="auto.create.topics.enable=false" test/broker/kafka.sh
 * start, on ports of its own). Errors (a replication factor the one-node broker cannot
 * give) come back as one report per record naming the cause.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_client.h"
#include "samsa.h"

typedef struct dstate {
    pthread_mutex_t mu;
    size_t reports, errors;
    int first_err;
    char first_errstr[300];
    int32_t seen_parts; /* bit per partition delivered to */
} dstate;

static void dcb(void *opaque, const samsa_delivery *d)
{
    dstate *s = opaque;

    pthread_mutex_lock(&s->mu);
    s->reports++;
    if (d->err) {
        if (!s->errors) {
            s->first_err = d->err;
            snprintf(s->first_errstr, sizeof s->first_errstr, "%s", d->errstr);
        }
        s->errors++;
    } else if (d->partition >= 0 && d->partition < 31) {
        s->seen_parts |= (int32_t)1 << d->partition;
    }
    pthread_mutex_unlock(&s->mu);
}

/* Partitions of topic (0 when it does not exist), asked of the broker. */
static int32_t partitions_of(samsa_client *c, const char *topic)
{
    const char *t[] = { topic };
    samsa_metadata *md = NULL;
    int32_t n = -1;

    assert_int_equal(samsa_metadata_get(c, t, 1, &md, 15000), 0);
    assert_int_equal(md->ntopics, 1);
    if (md->topics[0].err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION)
        n = 0;
    else if (md->topics[0].err == 0)
        n = (int32_t)md->topics[0].npartitions;
    samsa_metadata_free(md);
    return n;
}

static void produce_n(samsa_client *c, const char *topic, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        char key[16];
        samsa_record r;

        snprintf(key, sizeof key, "k%d", i);
        memset(&r, 0, sizeof r);
        r.topic = topic;
        r.partition = -1;
        r.key = key;
        r.key_len = strlen(key);
        r.value = "auto";
        r.value_len = 4;
        r.timestamp_ms = -1;
        assert_int_equal(samsa_produce(c, &r, NULL, 1000), 0);
    }
}

/* Records in topic: the sum of the partitions' latest offsets. */
static int64_t records_in(samsa_client *c, const char *topic, int32_t nparts)
{
    int64_t sum = 0, off;
    int32_t p;

    for (p = 0; p < nparts; p++) {
        assert_int_equal(samsa_list_offset(c, topic, p, -1, &off, NULL, 15000), 0);
        sum += off;
    }
    return sum;
}

/* Two producers meet the same new topic: one creates it, the other may
 * get TOPIC_ALREADY_EXISTS (success too); every record is delivered to a
 * topic with the partition count the client asked for. */
static void test_create_with_counts(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    enum { N = 60 };
    char topic[128];
    dstate s = { .mu = PTHREAD_MUTEX_INITIALIZER };
    samsa_client *c1, *c2;

    (void)state;
    st_unique_name(topic, sizeof topic, "hmeta", "counts");
    c1 = st_client(bs, dcb, &s, "auto.create.topics.method", "create_topics",
                   "auto.create.topics.num.partitions", "3",
                   "auto.create.topics.replication.factor", "1", NULL);
    c2 = st_client(bs, dcb, &s, "auto.create.topics.method", "create_topics",
                   "auto.create.topics.num.partitions", "3", NULL);
    produce_n(c1, topic, N);
    produce_n(c2, topic, N);
    assert_int_equal(samsa_flush(c1, 20000), 0);
    assert_int_equal(samsa_flush(c2, 20000), 0);
    if (s.errors)
        fail_msg("%zu errors, first %s: %s", s.errors,
                 samsa_err_name(s.first_err), s.first_errstr);
    assert_int_equal(s.reports, 2 * N);
    assert_int_equal(s.seen_parts, 7); /* keys spread over 0, 1 and 2 */
    assert_int_equal(partitions_of(c1, topic), 3); /* the broker's is 1 */
    assert_int_equal(records_in(c1, topic, 3), 2 * N);
    samsa_client_destroy(c1);
    samsa_client_destroy(c2);
}

/* -1/-1: the broker's num.partitions and default.replication.factor. */
static void test_create_broker_defaults(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128], ref[128];
    dstate s = { .mu = PTHREAD_MUTEX_INITIALIZER };
    samsa_client *c;
    int32_t n;

    (void)state;
    st_unique_name(topic, sizeof topic, "hmeta", "defaults");
    c = st_client(bs, dcb, &s, "auto.create.topics.method", "create_topics", NULL);
    produce_n(c, topic, 10);
    assert_int_equal(samsa_flush(c, 20000), 0);
    if (s.errors)
        fail_msg("%zu errors, first %s: %s", s.errors,
                 samsa_err_name(s.first_err), s.first_errstr);
    assert_int_equal(s.reports, 10);
    /* what the broker gives a topic created with -1/-1 by the admin call */
    st_unique_name(ref, sizeof ref, "hmeta", "defaults-ref");
    assert_int_equal(samsa_create_topic(c, ref, -1, -1, NULL, 0, 15000), 0);
    n = partitions_of(c, ref);
    assert_true(n > 0);
    assert_int_equal(partitions_of(c, topic), n);
    assert_int_equal(records_in(c, topic, n), 10);
    samsa_client_destroy(c);
}

/* Read an unknown topic for a while; true when it exists afterwards. */
static bool consumer_creates(const char *bs, const char *method)
{
    char topic[128];
    samsa_topic_partition tp;
    samsa_client *c;
    time_t t0 = time(NULL);
    int32_t n;

    st_unique_name(topic, sizeof topic, "hmeta", "consumer");
    c = st_client(bs, NULL, NULL, "auto.create.topics.method", method, NULL);
    memset(&tp, 0, sizeof tp);
    tp.topic = topic;
    tp.partition = 0;
    tp.offset = SAMSA_OFFSET_BEGINNING;
    assert_int_equal(samsa_assign(c, &tp, 1), 0);
    while (time(NULL) - t0 < 2) {
        samsa_message *m = samsa_consume(c, 100);
        if (m)
            samsa_message_release(m);
    }
    n = partitions_of(c, topic);
    samsa_client_destroy(c);
    assert_true(n >= 0);
    return n > 0;
}

/* Consumers never create with create_topics (the Metadata flag is false),
 * where with broker they do, on a broker that auto-creates (the harness's:
 * so the check can fail). */
static void test_consumer_never_creates(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");

    (void)state;
    if (!consumer_creates(bs, "broker")) {
        print_message("this broker does not auto-create: nothing to tell apart\n");
        return;
    }
    assert_false(consumer_creates(bs, "create_topics"));
}

/* samsa_list_offset on an unknown topic from a consumer-only handle in
 * create_topics mode (it never creates): it waits as Java's
 * offsetsForTimes does, and at the timeout names the cause and the topic,
 * not a bare timeout. */
static void test_list_offset_unknown_topic(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    const char *kv[] = { "auto.create.topics.method", "create_topics", NULL };
    char topic[128];
    samsa_client *c;
    int64_t off = 0;

    (void)state;
    st_unique_name(topic, sizeof topic, "hmeta", "nolist");
    c = st_client_kv(bs, kv);
    assert_int_equal(samsa_list_offset(c, topic, 0, -1, &off, NULL, 1500),
                     SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    print_message("error: %s\n", samsa_client_errstr(c));
    assert_non_null(strstr(samsa_client_errstr(c), topic));
    assert_non_null(strstr(samsa_client_errstr(c), "UNKNOWN_TOPIC_OR_PARTITION"));
    assert_int_equal(partitions_of(c, topic), 0);
    samsa_client_destroy(c);
}

/* A replication factor the one-node broker cannot give: every record gets
 * INVALID_REPLICATION_FACTOR with the broker's reason, soon. */
static void test_create_error_reported(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128];
    dstate s = { .mu = PTHREAD_MUTEX_INITIALIZER };
    samsa_client *c;
    time_t t0 = time(NULL);

    (void)state;
    st_unique_name(topic, sizeof topic, "hmeta", "badrf");
    c = st_client(bs, dcb, &s, "auto.create.topics.method", "create_topics",
                  "auto.create.topics.replication.factor", "3", NULL);
    produce_n(c, topic, 10);
    assert_int_equal(samsa_flush(c, 20000), 0);
    assert_true(time(NULL) - t0 < 10);
    assert_int_equal(s.reports, 10);
    assert_int_equal(s.errors, 10);
    assert_int_equal(s.first_err, SAMSA_ERR_INVALID_REPLICATION_FACTOR);
    print_message("report: %s\n", s.first_errstr);
    assert_non_null(strstr(s.first_errstr, topic));
    assert_non_null(strstr(s.first_errstr, "CreateTopics"));
    assert_int_equal(partitions_of(c, topic), 0);
    /* later records try again (after retry.backoff.max.ms) and fail alike */
    produce_n(c, topic, 1);
    assert_int_equal(samsa_flush(c, 20000), 0);
    assert_int_equal(s.reports, 11);
    assert_int_equal(s.errors, 11);
    assert_true(time(NULL) - t0 < 15);
    samsa_client_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_with_counts),
        cmocka_unit_test(test_create_broker_defaults),
        cmocka_unit_test(test_consumer_never_creates),
        cmocka_unit_test(test_create_error_reported),
        cmocka_unit_test(test_list_offset_unknown_topic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
