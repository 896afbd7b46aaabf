/*
 * The simple consumer (assign, seek, consume, release) against the real
 * broker: 100,000 messages per codec written by an independent producer (Debian's kcat,
 * librdkafka) with every codec are read back exactly once, in offset
 * order per partition, bytes and keys intact; embedded and background
 * mode; seek by offset, to the end and by timestamp; positions, lag and
 * watermarks; the prefetch limit holds while the application does not
 * consume; pause stops a partition; errors for a missing topic.
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
#include "samsa/consumer.h"

static const char *bootstrap(void)
{
    return st_require_env("SAMSA_TEST_BOOTSTRAP");
}

/* Produce n messages "k<i>" -> "v<i>-<pad>" with kcat (random partitioner
 * by key hash), codec as kcat's -z. */
static void kcat_produce(const char *boot, const char *topic, int n,
                         const char *codec)
{
    char path[] = "/tmp/hcons-kcat-XXXXXX", cmd[512];
    FILE *f;
    int fd = mkstemp(path), i, rc;

    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    for (i = 0; i < n; i++)
        fprintf(f, "k%d:v%d-%.*s\n", i, i, i % 50, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "kcat -P -b %s -t %s -K: -z %s -X linger.ms=20 "
             "-X batch.num.messages=500 -l %s 2>&1",
             boot, topic, codec, path);
    rc = system(cmd);
    unlink(path);
    if (rc != 0)
        fail_msg("kcat -P failed (%d): %s", rc, cmd);
}

static bool have_kcat(void)
{
    return system("command -v kcat >/dev/null 2>&1") == 0;
}

/* Consume until n messages or timeout; checks each once, order per
 * partition, key/value consistency. Returns the count. */
static int read_all(samsa_client *c, int n, int nparts, int timeout_ms)
{
    uint8_t *seen = calloc((size_t)n, 1);
    int64_t *next = calloc((size_t)nparts, sizeof *next);
    int got = 0;
    struct timespec t0, t1;
    samsa_message *batch[256];

    assert_non_null(seen);
    assert_non_null(next);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (got < n) {
        size_t k, m;

        clock_gettime(CLOCK_MONOTONIC, &t1);
        if ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 > timeout_ms)
            break;
        m = samsa_consume_batch(c, batch, 256, 500);
        for (k = 0; k < m; k++) {
            samsa_message *msg = batch[k];
            char key[32], val[128];
            int i;

            if (msg->err)
                fail_msg("event %s at %s [%d] %lld: %s", samsa_err_name(msg->err),
                         msg->topic, (int)msg->partition, (long long)msg->offset,
                         msg->errstr);
            assert_true(msg->partition >= 0 && msg->partition < nparts);
            /* offsets within a partition: contiguous from 0 (no compaction) */
            assert_int_equal(msg->offset, next[msg->partition]);
            next[msg->partition]++;
            assert_non_null(msg->key);
            assert_true(msg->key_len < sizeof key);
            memcpy(key, msg->key, msg->key_len);
            key[msg->key_len] = 0;
            i = atoi(key + 1);
            assert_true(i >= 0 && i < n);
            assert_int_equal(seen[i], 0);
            seen[i] = 1;
            snprintf(val, sizeof val, "v%d-%.*s", i, i % 50,
                     "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
            assert_int_equal(msg->value_len, strlen(val));
            assert_memory_equal(msg->value, val, msg->value_len);
            assert_int_equal(msg->timestamp_type, SAMSA_TIMESTAMP_CREATE_TIME);
            assert_true(msg->timestamp_ms > 1600000000000LL);
            assert_true(msg->leader_epoch >= 0);
            got++;
            samsa_message_release(msg);
        }
    }
    free(seen);
    free(next);
    return got;
}

static void assign_all(samsa_client *c, const char *topic, int nparts,
                       int64_t offset)
{
    samsa_topic_partition tps[16];
    int i;

    memset(tps, 0, sizeof tps);
    for (i = 0; i < nparts; i++) {
        tps[i].topic = topic;
        tps[i].partition = i;
        tps[i].offset = offset;
        tps[i].leader_epoch = -1;
    }
    assert_int_equal(samsa_assign(c, tps, (size_t)nparts), 0);
}

static void read_codec(const char *codec, int n, bool background)
{
    const char *boot = bootstrap();
    char topic[128];
    samsa_client *c;
    samsa_topic_partition pos[3];
    int got, i;
    struct timespec t0, t1;
    double secs;

    if (!have_kcat())
        skip();
    c = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", codec);
    assert_int_equal(samsa_create_topic(c, topic, 3, 1, NULL, 0, 30000), 0);
    kcat_produce(boot, topic, n, codec);
    if (background)
        assert_int_equal(samsa_start(c), 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assign_all(c, topic, 3, SAMSA_OFFSET_BEGINNING);
    got = read_all(c, n, 3, 60000);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_int_equal(got, n);
    secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("%s: %d messages in %.2f s (%.0f msg/s, sanitizer build)\n",
                  codec, n, secs, n / secs);

    /* positions are at the end: lag 0, watermarks match */
    memset(pos, 0, sizeof pos);
    for (i = 0; i < 3; i++) {
        int64_t lag = -2, lo = -2, hi = -2;

        pos[i].topic = topic;
        pos[i].partition = i;
        assert_int_equal(samsa_watermarks(c, topic, i, &lo, &hi), 0);
        assert_int_equal(lo, 0);
        assert_int_equal(samsa_lag(c, topic, i, &lag), 0);
        assert_int_equal(lag, 0);
    }
    assert_int_equal(samsa_position(c, pos, 3), 0);
    {
        int64_t total = 0;
        for (i = 0; i < 3; i++) {
            assert_int_equal(pos[i].err, 0);
            total += pos[i].offset;
        }
        assert_int_equal(total, n);
    }
    /* nothing more comes */
    assert_null(samsa_consume(c, 300));
    assert_int_equal(samsa_close(c, 5000), 0);
    assert_int_equal(samsa_close(c, 5000), 0); /* twice is fine */
    assert_int_equal(samsa_assign(c, NULL, 0), SAMSA_ERR_STATE);
    assert_null(samsa_consume(c, 0));
    samsa_client_destroy(c);
}

static void test_read_none(void **state)
{
    (void)state;
    read_codec("none", 100000, false);
}

static void test_read_codecs(void **state)
{
    static const char *codecs[] = { "gzip", "snappy", "lz4", "zstd" };
    size_t i;
    (void)state;

    for (i = 0; i < 4; i++)
        read_codec(codecs[i], 100000, i % 2 == 1);
}

/* Big Fetch responses over TLS with SCRAM (SASL_SSL): partial TLS records
 * and large frames on the same path as plaintext. */
static void test_read_sasl_ssl(void **state)
{
    const char *boot = bootstrap();
    const char *sboot = st_require_env("SAMSA_TEST_SASL_SSL_BOOTSTRAP");
    const char *ca = st_require_env("SAMSA_TEST_CA");
    const char *user = st_require_env("SAMSA_TEST_SASL_USER");
    const char *pass = st_require_env("SAMSA_TEST_SASL_PASSWORD");
    const char *kv[] = { "security.protocol", "SASL_SSL",
                         "sasl.mechanism", "SCRAM-SHA-512",
                         "sasl.username", user, "sasl.password", pass,
                         "ssl.ca.location", ca, NULL };
    char topic[128];
    samsa_client *c;
    int got;
    (void)state;

    if (!have_kcat())
        skip();
    c = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "tls");
    assert_int_equal(samsa_create_topic(c, topic, 3, 1, NULL, 0, 30000), 0);
    samsa_client_destroy(c);
    kcat_produce(boot, topic, 50000, "none");
    c = st_client_kv(sboot, kv);
    assign_all(c, topic, 3, SAMSA_OFFSET_BEGINNING);
    got = read_all(c, 50000, 3, 60000);
    assert_int_equal(got, 50000);
    samsa_client_destroy(c);
}

/* Seek by offset, to the end, and by timestamp, on records with known
 * timestamps written by samsa's producer. */
static void test_seek(void **state)
{
    const char *boot = bootstrap();
    char topic[128], val[32];
    samsa_client *c;
    samsa_message *m;
    samsa_topic_partition tp;
    static const char *const seek_cfg[] = { "retention.ms", "-1" };
    const int64_t base = 1700000000000LL;
    int i;
    (void)state;

    c = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "seek");
    /* the records are dated 2023: without retention.ms=-1 the broker's
     * retention check (every 5 min) may delete them mid-test, and
     * seek(BEGINNING) then lands on offset 200 */
    assert_int_equal(samsa_create_topic(c, topic, 1, 1, seek_cfg, 1, 30000), 0);
    for (i = 0; i < 200; i++) {
        samsa_record r;
        samsa_header h = { "n", val, 0 };

        memset(&r, 0, sizeof r);
        snprintf(val, sizeof val, "m%d", i);
        h.value_len = strlen(val);
        r.topic = topic;
        r.partition = 0;
        r.value = val;
        r.value_len = strlen(val);
        r.timestamp_ms = base + 10 * i;
        r.headers = &h;
        r.nheaders = 1;
        assert_int_equal(samsa_produce(c, &r, NULL, 10000), 0);
    }
    assert_int_equal(samsa_flush(c, 30000), 0);

    /* assign at an explicit offset */
    memset(&tp, 0, sizeof tp);
    tp.topic = topic;
    tp.partition = 0;
    tp.offset = 150;
    tp.leader_epoch = -1;
    assert_int_equal(samsa_assign(c, &tp, 1), 0);
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->err, 0);
    assert_int_equal(m->offset, 150);
    assert_int_equal(m->timestamp_ms, base + 1500);
    assert_int_equal(m->nheaders, 1);
    {
        samsa_message_header h;
        const void *v;
        size_t vl;

        assert_int_equal(samsa_message_header_get(m, 0, &h), 0);
        assert_int_equal(h.name_len, 1);
        assert_memory_equal(h.name, "n", 1);
        assert_int_equal(h.value_len, 4);
        assert_memory_equal(h.value, "m150", 4);
        assert_int_equal(samsa_message_header_get(m, 1, &h), SAMSA_ERR_NOT_FOUND);
        assert_int_equal(samsa_message_header_find(m, "n", &v, &vl), 0);
        assert_int_equal(vl, 4);
        assert_int_equal(samsa_message_header_find(m, "x", &v, &vl), SAMSA_ERR_NOT_FOUND);
    }
    samsa_message_release(m);

    /* seek back by offset: what was buffered is dropped */
    assert_int_equal(samsa_seek(c, topic, 0, 7), 0);
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->offset, 7);
    assert_int_equal(m->value_len, 2);
    assert_memory_equal(m->value, "m7", 2);
    samsa_message_release(m);

    /* by timestamp: the first record at or after base + 1234 is 124 */
    assert_int_equal(samsa_seek_timestamp(c, topic, 0, base + 1234), 0);
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->offset, 124);
    samsa_message_release(m);

    /* past the last timestamp: the end; the next record produced comes */
    assert_int_equal(samsa_seek_timestamp(c, topic, 0, base + 999999), 0);
    assert_null(samsa_consume(c, 1500));
    {
        samsa_record r;
        memset(&r, 0, sizeof r);
        r.topic = topic;
        r.partition = 0;
        r.value = "last";
        r.value_len = 4;
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        assert_int_equal(samsa_produce_sync(c, &r, NULL, 10000), 0);
    }
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->offset, 200);
    assert_memory_equal(m->value, "last", 4);
    samsa_message_release(m);

    /* seek to the beginning; then the end with EOF events */
    assert_int_equal(samsa_consumer_eof_events(c, 1), 0);
    assert_int_equal(samsa_seek(c, topic, 0, SAMSA_OFFSET_END), 0);
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->err, SAMSA_ERR_PARTITION_EOF);
    assert_int_equal(m->offset, 201);
    samsa_message_release(m);
    assert_int_equal(samsa_seek(c, topic, 0, SAMSA_OFFSET_BEGINNING), 0);
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->offset, 0);
    samsa_message_release(m);

    /* not assigned */
    assert_int_equal(samsa_seek(c, topic, 5, 0), SAMSA_ERR_NOT_FOUND);
    samsa_client_destroy(c);
}

/* With the application not consuming, buffered bytes stay near the limit;
 * consuming everything afterwards still sees every message once. */
static void test_prefetch_limit(void **state)
{
    static const char *kv[] = { "fetch.buffer.max.bytes", "262144",
                                "max.partition.fetch.bytes", "65536", NULL };
    const char *boot = bootstrap();
    char topic[128];
    samsa_client *c;
    size_t most = 0;
    int i, got;
    const int n = 60000;
    (void)state;

    if (!have_kcat())
        skip();
    c = st_client_kv(boot, kv);
    st_unique_name(topic, sizeof topic, "hcons", "prefetch");
    assert_int_equal(samsa_create_topic(c, topic, 2, 1, NULL, 0, 30000), 0);
    kcat_produce(boot, topic, n, "none"); /* about 2 MB */
    assert_int_equal(samsa_start(c), 0);
    assign_all(c, topic, 2, SAMSA_OFFSET_BEGINNING);
    for (i = 0; i < 30; i++) {
        size_t b = samsa_consumer_buffered_bytes(c);
        if (b > most)
            most = b;
        usleep(100000);
    }
    print_message("prefetch: at most %zu bytes buffered (limit 262144, "
                  "topic about 4 MB)\n", most);
    assert_true(most > 0);
    /* the limit, plus one response that started below it (2 partitions x
     * 64 KB) and its message structs (a few times the data for small
     * messages) */
    assert_true(most <= 262144 + 4 * 2 * 65536);
    got = read_all(c, n, 2, 60000);
    assert_int_equal(got, n);
    samsa_client_destroy(c);
}

/* The same with highly compressible data: 20 MB of values that lz4 makes
 * tiny on the wire must not decompress past the limit. */
static void test_prefetch_compressed(void **state)
{
    static const char *kv[] = { "fetch.buffer.max.bytes", "262144", NULL };
    const char *boot = bootstrap();
    char topic[128], path[] = "/tmp/hcons-zip-XXXXXX", cmd[512];
    samsa_client *c;
    size_t most = 0;
    int i, fd, got = 0;
    FILE *f;
    samsa_message *m;
    const int n = 20000;
    (void)state;

    if (!have_kcat())
        skip();
    c = st_client_kv(boot, kv);
    st_unique_name(topic, sizeof topic, "hcons", "zip");
    assert_int_equal(samsa_create_topic(c, topic, 2, 1, NULL, 0, 30000), 0);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    for (i = 0; i < n; i++)
        fprintf(f, "%07d%01000d\n", i, 0);
    fclose(f);
    snprintf(cmd, sizeof cmd, "kcat -P -b %s -t %s -z lz4 -X linger.ms=20 "
             "-X batch.num.messages=100 -l %s 2>&1", boot, topic, path);
    assert_int_equal(system(cmd), 0);
    unlink(path);
    assert_int_equal(samsa_start(c), 0);
    assign_all(c, topic, 2, SAMSA_OFFSET_BEGINNING);
    for (i = 0; i < 30; i++) {
        size_t b = samsa_consumer_buffered_bytes(c);
        if (b > most)
            most = b;
        usleep(100000);
    }
    print_message("compressed prefetch: at most %zu bytes buffered (limit "
                  "262144, 20 MB decompressed waiting)\n", most);
    assert_true(most > 0);
    /* the limit, one response and one decompressed batch (100 KB) with
     * its message structs */
    assert_true(most <= 262144 + 1024 * 1024);
    while (got < n && (m = samsa_consume(c, 10000)) != NULL) {
        assert_int_equal(m->err, 0);
        assert_int_equal(m->value_len, 1007);
        got++;
        samsa_message_release(m);
    }
    assert_int_equal(got, n);
    samsa_client_destroy(c);
}

/* Produce n records of size bytes to topic/partition (value: "<i>" then
 * padding), flushed. */
static void produce_n(samsa_client *c, const char *topic, int32_t partition,
                      int n, size_t size)
{
    char *v = malloc(size);
    int i;

    assert_non_null(v);
    for (i = 0; i < n; i++) {
        samsa_record r;

        memset(v, 'p', size);
        snprintf(v, size, "%d", i);
        memset(&r, 0, sizeof r);
        r.topic = topic;
        r.partition = partition;
        r.value = v;
        r.value_len = size;
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        assert_int_equal(samsa_produce(c, &r, NULL, 10000), 0);
    }
    assert_int_equal(samsa_flush(c, 30000), 0);
    free(v);
}

/* Assign partitions 0..n-1 of topic from the beginning; tps[n] gets them. */
static void assign_from_start(samsa_client *c, const char *topic,
                              samsa_topic_partition *tps, int n)
{
    int i;

    memset(tps, 0, (size_t)n * sizeof *tps);
    for (i = 0; i < n; i++) {
        tps[i].topic = topic;
        tps[i].partition = i;
        tps[i].offset = SAMSA_OFFSET_BEGINNING;
        tps[i].leader_epoch = -1;
    }
    assert_int_equal(samsa_assign(c, tps, (size_t)n), 0);
}

/* Pausing a partition stops its messages; resuming brings them back. The
 * buffered ones are kept while paused (Java's behaviour): the first
 * consume after resume returns the next one at once, with no fetch. */
static void test_pause_resume(void **state)
{
    const char *boot = bootstrap();
    char topic[128];
    samsa_client *c;
    samsa_topic_partition tp;
    samsa_message *m;
    int got = 0;
    (void)state;

    c = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "pause");
    assert_int_equal(samsa_create_topic(c, topic, 1, 1, NULL, 0, 30000), 0);
    produce_n(c, topic, 0, 10, 8);
    assign_from_start(c, topic, &tp, 1);
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->offset, 0);
    samsa_message_release(m);
    assert_int_equal(samsa_pause(c, &tp, 1), 0);
    assert_null(samsa_consume(c, 1000));
    /* the other 9 (one batch, one response) are still held */
    assert_true(samsa_consumer_buffered_bytes(c) > 0);
    {
        samsa_topic_partition pos = tp;

        assert_int_equal(samsa_position(c, &pos, 1), 0);
        assert_int_equal(pos.offset, 1);
    }
    assert_int_equal(samsa_resume(c, &tp, 1), 0);
    /* timeout 0: one loop pass at most, too little for a fetch round trip */
    m = samsa_consume(c, 0);
    assert_non_null(m);
    assert_int_equal(m->offset, 1);
    samsa_message_release(m);
    got = 1;
    while ((m = samsa_consume(c, 3000)) != NULL) {
        assert_int_equal(m->offset, 1 + got);
        got++;
        samsa_message_release(m);
    }
    assert_int_equal(got, 9);
    samsa_client_destroy(c);
}

/* A paused partition whose held records fill fetch.buffer.max.bytes does
 * not stop the others: they are fetched one batch at a time while the
 * queue is empty. Resume then returns the held records in order, and the
 * rest of the partition after them. */
static void test_pause_holds_budget(void **state)
{
    static const char *kv[] = { "fetch.buffer.max.bytes", "262144", NULL };
    const char *boot = bootstrap();
    const int n0 = 1000, n1 = 50;
    char topic[128];
    samsa_client *c, *prod;
    samsa_topic_partition tps[2];
    samsa_message *m;
    int64_t next0;
    int i, got1 = 0;
    (void)state;

    c = st_client_kv(boot, kv);
    prod = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "pausebudget");
    assert_int_equal(samsa_create_topic(prod, topic, 2, 1, NULL, 0, 30000), 0);
    produce_n(prod, topic, 0, n0, 1024); /* 1 MB: four times the budget */
    assign_from_start(c, topic, tps, 2);
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->partition, 0);
    assert_int_equal(m->offset, 0);
    samsa_message_release(m);
    assert_int_equal(samsa_pause(c, &tps[0], 1), 0);
    /* let the fetch in flight land: the budget fills with held records */
    for (i = 0; i < 5; i++)
        assert_null(samsa_consume(c, 200));
    print_message("paused: %zu bytes held (limit 262144)\n",
                  samsa_consumer_buffered_bytes(c));
    /* partition 1 gets data only now */
    produce_n(prod, topic, 1, n1, 100);
    while (got1 < n1 && (m = samsa_consume(c, 10000)) != NULL) {
        assert_int_equal(m->err, 0);
        assert_int_equal(m->partition, 1); /* nothing of the paused one */
        assert_int_equal(m->offset, got1);
        got1++;
        samsa_message_release(m);
    }
    assert_int_equal(got1, n1);
    assert_true(samsa_consumer_buffered_bytes(c) > 0);
    assert_int_equal(samsa_resume(c, &tps[0], 1), 0);
    next0 = 1;
    while (next0 < n0 && (m = samsa_consume(c, 10000)) != NULL) {
        assert_int_equal(m->err, 0);
        assert_int_equal(m->partition, 0);
        assert_int_equal(m->offset, next0);
        next0++;
        samsa_message_release(m);
    }
    assert_int_equal(next0, n0);
    samsa_client_destroy(c);
    samsa_client_destroy(prod);
}

/* The one-batch rule for paused partitions must not lift the budget for
 * what the application consumed and keeps: with a partition paused (its
 * records held), consuming the other one without releasing stops once
 * the budget is full, as it does without pause (the rule once fetched
 * one batch per emptied queue for ever). */
static void test_pause_keeps_backpressure(void **state)
{
    static const char *kv[] = { "fetch.buffer.max.bytes", "262144", NULL };
    enum { N = 2500 };
    const char *boot = bootstrap();
    char topic[128];
    samsa_client *c, *prod;
    samsa_topic_partition tps[2];
    samsa_message *m, **kept;
    int32_t paused;
    size_t nkept = 0, i, peak = 0;
    int64_t next;
    (void)state;

    c = st_client_kv(boot, kv);
    prod = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "pauseback");
    assert_int_equal(samsa_create_topic(prod, topic, 2, 1, NULL, 0, 30000), 0);
    produce_n(prod, topic, 0, N, 1024);
    produce_n(prod, topic, 1, N, 1024);
    assign_from_start(c, topic, tps, 2);
    /* the first message's partition is paused with its records held */
    m = samsa_consume(c, 10000);
    assert_non_null(m);
    assert_int_equal(m->offset, 0);
    paused = m->partition;
    samsa_message_release(m);
    assert_int_equal(samsa_pause(c, &tps[paused], 1), 0);
    kept = calloc(N, sizeof *kept);
    assert_non_null(kept);
    while (nkept < N && (m = samsa_consume(c, 1500)) != NULL) {
        size_t b = samsa_consumer_buffered_bytes(c);

        assert_int_equal(m->err, 0);
        assert_int_not_equal(m->partition, paused);
        kept[nkept++] = m; /* not released */
        if (b > peak)
            peak = b;
    }
    print_message("consumed and kept %zu (of %d), peak %zu bytes buffered "
                  "(limit 262144)\n", nkept, (int)N, peak);
    /* stopped by the budget: held (< ~300 KB) + kept (~limit) + a batch */
    assert_true(nkept < 1000);
    assert_true(peak < 4 * 262144);
    for (i = 0; i < nkept; i++)
        samsa_message_release(kept[i]);
    free(kept);
    /* released: the paused partition's records come back in order */
    assert_int_equal(samsa_resume(c, &tps[paused], 1), 0);
    next = 1;
    while ((m = samsa_consume(c, 3000)) != NULL) {
        assert_int_equal(m->err, 0);
        if (m->partition == paused) {
            assert_int_equal(m->offset, next);
            next++;
        }
        samsa_message_release(m);
    }
    assert_int_equal(next, N);
    samsa_client_destroy(c);
    samsa_client_destroy(prod);
}

/* A topic that does not exist is reported as an event, not a hang. */
static void test_unknown_topic(void **state)
{
    static const char *kv[] = { "allow.auto.create.topics", "false", NULL };
    const char *boot = bootstrap();
    samsa_client *c;
    samsa_topic_partition tp;
    samsa_message *m;
    char topic[128];
    (void)state;

    c = st_client_kv(boot, kv);
    st_unique_name(topic, sizeof topic, "hcons", "missing");
    memset(&tp, 0, sizeof tp);
    tp.topic = topic;
    tp.partition = 0;
    tp.offset = SAMSA_OFFSET_BEGINNING;
    assert_int_equal(samsa_assign(c, &tp, 1), 0);
    m = samsa_consume(c, 15000);
    assert_non_null(m);
    assert_int_equal(m->err, SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    assert_string_equal(m->topic, topic);
    samsa_message_release(m);
    /* unassign everything */
    assert_int_equal(samsa_assign(c, NULL, 0), 0);
    samsa_client_destroy(c);
}

/* An offset past the end gets OFFSET_OUT_OF_RANGE from the broker; what
 * happens next is auto.offset.reset's: earliest, latest, or an event. */
static void test_out_of_range(void **state)
{
    static const char *policies[] = { "earliest", "latest", "error" };
    const char *boot = bootstrap();
    char topic[128];
    samsa_client *c;
    samsa_message *m;
    int i;
    (void)state;

    c = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "oor");
    assert_int_equal(samsa_create_topic(c, topic, 1, 1, NULL, 0, 30000), 0);
    produce_n(c, topic, 0, 5, 8);
    samsa_client_destroy(c);

    for (i = 0; i < 3; i++) {
        const char *kv[] = { "auto.offset.reset", policies[i], NULL };
        samsa_topic_partition tp;

        c = st_client_kv(boot, kv);
        memset(&tp, 0, sizeof tp);
        tp.topic = topic;
        tp.partition = 0;
        tp.offset = 1000;
        tp.leader_epoch = -1;
        assert_int_equal(samsa_consumer_eof_events(c, 1), 0);
        assert_int_equal(samsa_assign(c, &tp, 1), 0);
        m = samsa_consume(c, 10000);
        assert_non_null(m);
        if (i == 0) { /* from the start */
            assert_int_equal(m->err, 0);
            assert_int_equal(m->offset, 0);
        } else if (i == 1) { /* at the end: nothing but EOF */
            assert_int_equal(m->err, SAMSA_ERR_PARTITION_EOF);
            assert_int_equal(m->offset, 5);
        } else {
            assert_int_equal(m->err, SAMSA_ERR_OFFSET_OUT_OF_RANGE);
            assert_int_equal(m->offset, 1000);
        }
        samsa_message_release(m);
        if (i == 2) { /* stopped until the application seeks */
            assert_null(samsa_consume(c, 1000));
            assert_int_equal(samsa_seek(c, topic, 0, 3), 0);
            m = samsa_consume(c, 10000);
            assert_non_null(m);
            assert_int_equal(m->offset, 3);
            samsa_message_release(m);
        }
        samsa_client_destroy(c);
    }
}

/* Two topics in one assignment, listed interleaved: every partition is
 * read from its own topic, in order, and positions end where they should. */
static void test_two_topics(void **state)
{
    const char *boot = bootstrap();
    char ta[128], tb[128], val[32];
    const char *names[2];
    const int nparts[2] = { 4, 2 };
    samsa_client *c;
    samsa_topic_partition tps[6];
    int64_t next[2][4];
    int t, p, i, k = 0, got = 0;
    samsa_message *m;
    (void)state;

    c = st_client_kv(boot, NULL);
    st_unique_name(ta, sizeof ta, "hcons", "two-a");
    st_unique_name(tb, sizeof tb, "hcons", "two-b");
    names[0] = ta;
    names[1] = tb;
    for (t = 0; t < 2; t++)
        assert_int_equal(samsa_create_topic(c, names[t], nparts[t], 1, NULL, 0, 30000), 0);
    for (t = 0; t < 2; t++)
        for (p = 0; p < nparts[t]; p++)
            for (i = 0; i < 50 + 10 * p; i++) {
                samsa_record r;

                memset(&r, 0, sizeof r);
                snprintf(val, sizeof val, "%d/%d/%d", t, p, i);
                r.topic = names[t];
                r.partition = p;
                r.value = val;
                r.value_len = strlen(val);
                r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
                assert_int_equal(samsa_produce(c, &r, NULL, 10000), 0);
            }
    assert_int_equal(samsa_flush(c, 30000), 0);
    memset(tps, 0, sizeof tps);
    for (p = 0; p < 4; p++)
        for (t = 1; t >= 0; t--)
            if (p < nparts[t]) {
                tps[k].topic = names[t];
                tps[k].partition = p;
                tps[k].offset = SAMSA_OFFSET_BEGINNING;
                tps[k].leader_epoch = -1;
                k++;
            }
    assert_int_equal(k, 6);
    assert_int_equal(samsa_assign(c, tps, 6), 0);
    memset(next, 0, sizeof next);
    while (got < 4 * 50 + 60 + 2 * 50 + 10 && (m = samsa_consume(c, 10000)) != NULL) {
        int vt, vp, vi;

        assert_int_equal(m->err, 0);
        assert_int_equal(sscanf((const char *)m->value, "%d/%d/%d", &vt, &vp, &vi), 3);
        assert_string_equal(m->topic, names[vt]);
        assert_int_equal(m->partition, vp);
        assert_int_equal(m->offset, vi);
        assert_int_equal(m->offset, next[vt][vp]);
        next[vt][vp]++;
        got++;
        samsa_message_release(m);
    }
    for (t = 0; t < 2; t++)
        for (p = 0; p < nparts[t]; p++)
            assert_int_equal(next[t][p], 50 + 10 * p);
    assert_int_equal(samsa_position(c, tps, 6), 0);
    for (k = 0; k < 6; k++) {
        assert_int_equal(tps[k].err, 0);
        assert_int_equal(tps[k].offset, 50 + 10 * tps[k].partition);
    }
    /* shrink the assignment to one partition; the others stop */
    assert_int_equal(samsa_assign(c, &tps[1], 1), 0);
    assert_int_equal(samsa_position(c, tps, 2), 0);
    assert_int_equal(tps[0].err, SAMSA_ERR_NOT_FOUND);
    assert_int_equal(tps[1].err, 0);
    assert_int_equal(tps[1].offset, 50);
    samsa_client_destroy(c);
}

/* Background mode with the application's threads: one consumes, one
 * releases (in another order than consumed, batches at a time), one reads
 * positions, lag and watermarks and seeks now and then. Every message is
 * released exactly once and the budget returns to zero. (Also run under
 * ThreadSanitizer during development: clean.) */
#define RING 4096
typedef struct ring {
    pthread_mutex_t mu;
    samsa_message *m[RING];
    int head, tail;
    int done;
} ring;

static void *releaser(void *arg)
{
    ring *r = arg;

    for (;;) {
        samsa_message *batch[64];
        int n = 0, i, done;

        pthread_mutex_lock(&r->mu);
        while (r->tail != r->head && n < 64)
            batch[n++] = r->m[r->tail++ % RING];
        done = r->done;
        pthread_mutex_unlock(&r->mu);
        for (i = n - 1; i >= 0; i--) /* newest first */
            samsa_message_release(batch[i]);
        if (!n && done)
            return NULL;
        if (!n)
            usleep(200);
    }
}

typedef struct watch {
    samsa_client *c;
    const char *topic;
    int seeks;
    volatile int stop;
} watch;

static void *watcher(void *arg)
{
    watch *w = arg;
    int i;

    for (i = 0; !w->stop; i++) {
        samsa_topic_partition tp;
        int64_t lag, lo, hi;

        memset(&tp, 0, sizeof tp);
        tp.topic = w->topic;
        tp.partition = i % 3;
        assert_int_equal(samsa_position(w->c, &tp, 1), 0);
        samsa_lag(w->c, w->topic, tp.partition, &lag);
        samsa_watermarks(w->c, w->topic, tp.partition, &lo, &hi);
        (void)samsa_consumer_buffered_bytes(w->c);
        if (i % 40 == 39 && w->seeks < 3) {
            assert_int_equal(samsa_seek(w->c, w->topic, tp.partition,
                                        SAMSA_OFFSET_BEGINNING), 0);
            w->seeks++;
        }
        usleep(2000);
    }
    return NULL;
}

static void test_threads(void **state)
{
    static const char *kv[] = { "fetch.buffer.max.bytes", "1000000", NULL };
    const char *boot = bootstrap();
    char topic[128];
    samsa_client *c;
    ring r;
    watch w;
    pthread_t rt, wt;
    int got = 0;
    const int n = 30000;
    (void)state;

    if (!have_kcat())
        skip();
    c = st_client_kv(boot, kv);
    st_unique_name(topic, sizeof topic, "hcons", "threads");
    assert_int_equal(samsa_create_topic(c, topic, 3, 1, NULL, 0, 30000), 0);
    kcat_produce(boot, topic, n, "lz4");
    assert_int_equal(samsa_start(c), 0);
    memset(&r, 0, sizeof r);
    pthread_mutex_init(&r.mu, NULL);
    memset(&w, 0, sizeof w);
    w.c = c;
    w.topic = topic;
    assign_all(c, topic, 3, SAMSA_OFFSET_BEGINNING);
    assert_int_equal(pthread_create(&rt, NULL, releaser, &r), 0);
    assert_int_equal(pthread_create(&wt, NULL, watcher, &w), 0);
    for (;;) {
        samsa_message *m = samsa_consume(c, 3000);

        if (!m)
            break;
        assert_int_equal(m->err, 0);
        got++;
        for (;;) {
            pthread_mutex_lock(&r.mu);
            if (r.head - r.tail < RING) {
                r.m[r.head++ % RING] = m;
                pthread_mutex_unlock(&r.mu);
                break;
            }
            pthread_mutex_unlock(&r.mu);
            usleep(200);
        }
    }
    w.stop = 1;
    pthread_join(wt, NULL);
    pthread_mutex_lock(&r.mu);
    r.done = 1;
    pthread_mutex_unlock(&r.mu);
    pthread_join(rt, NULL);
    print_message("threads: %d messages with %d seeks back to the start\n", got, w.seeks);
    assert_true(got >= n); /* seeks re-read some */
    assert_int_equal(samsa_consumer_buffered_bytes(c), 0);
    samsa_client_destroy(c);
}

/* ---------------------------------------------------------- transactions */

static char g_javadir[256];

/* Compile the Java peer once; false (test skipped) when it cannot be. */
static bool java_ready(void)
{
    static int state; /* 0 unknown, 1 ready, -1 not available */
    const char *libs = st_env("SAMSA_TEST_KAFKA_LIBS");
    char cmd[1024];

    if (state)
        return state > 0;
    state = -1;
    if (!libs || access("test/integration/interop/TxnProducer.java", R_OK) != 0 ||
        system("command -v javac >/dev/null 2>&1") != 0) {
        fprintf(stderr, "# no javac, SAMSA_TEST_KAFKA_LIBS or Java source: "
                        "transactions test skipped\n");
        return false;
    }
    snprintf(g_javadir, sizeof g_javadir, "/tmp/samsa-hcons-java-XXXXXX");
    if (!mkdtemp(g_javadir))
        return false;
    snprintf(cmd, sizeof cmd, "javac -cp '%s/*' -d '%s' "
             "test/integration/interop/TxnProducer.java", libs, g_javadir);
    if (system(cmd) != 0)
        fail_msg("javac failed: %s", cmd);
    state = 1;
    return true;
}

/* Read partition 0 from the start with the given isolation level until
 * the end; the values, space-separated, into out. */
static void read_values(const char *boot, const char *topic,
                        const char *isolation, char *out, size_t outlen)
{
    const char *kv[] = { "isolation.level", isolation, NULL };
    samsa_client *c = st_client_kv(boot, kv);
    samsa_topic_partition tp;
    samsa_message *m;
    size_t used = 0;

    out[0] = 0;
    memset(&tp, 0, sizeof tp);
    tp.topic = topic;
    tp.partition = 0;
    tp.offset = SAMSA_OFFSET_BEGINNING;
    tp.leader_epoch = -1;
    assert_int_equal(samsa_consumer_eof_events(c, 1), 0);
    assert_int_equal(samsa_assign(c, &tp, 1), 0);
    while ((m = samsa_consume(c, 10000)) != NULL) {
        if (m->err == SAMSA_ERR_PARTITION_EOF) {
            samsa_message_release(m);
            break;
        }
        assert_int_equal(m->err, 0);
        used += (size_t)snprintf(out + used, outlen - used, "%s%.*s",
                                 used ? " " : "", (int)m->value_len,
                                 (const char *)m->value);
        assert_true(used < outlen);
        samsa_message_release(m);
    }
    assert_non_null(m);
    samsa_client_destroy(c);
}

/* A Java transactional producer commits and aborts, interleaved;
 * read_committed shows exactly the committed records, read_uncommitted
 * all data records; transaction markers never show. */
static void test_read_committed(void **state)
{
    const char *boot = bootstrap();
    char topic[128], cmd[2048], line[64], got[1024];
    samsa_client *c;
    FILE *f;
    bool done = false;
    (void)state;

    if (!java_ready())
        skip();
    c = st_client_kv(boot, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "txn");
    assert_int_equal(samsa_create_topic(c, topic, 1, 1, NULL, 0, 30000), 0);
    samsa_client_destroy(c);
    snprintf(cmd, sizeof cmd, "java -Xmx256m -cp '%s/*:%s' TxnProducer %s %s 2>/dev/null",
             st_env("SAMSA_TEST_KAFKA_LIBS"), g_javadir, boot, topic);
    f = popen(cmd, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "done", 4) == 0)
            done = true;
    pclose(f);
    assert_true(done);

    read_values(boot, topic, "read_committed", got, sizeof got);
    assert_string_equal(got, "c0 c1 c2 c3 c4 c5 c6 c7 c8 c9");
    read_values(boot, topic, "read_uncommitted", got, sizeof got);
    assert_string_equal(got, "c0 c1 c2 c3 c4 a0 a1 a2 a3 a4 c5 c6 c7 a5 a6 a7 c8 c9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_none),
        cmocka_unit_test(test_read_codecs),
        cmocka_unit_test(test_read_sasl_ssl),
        cmocka_unit_test(test_seek),
        cmocka_unit_test(test_prefetch_limit),
        cmocka_unit_test(test_prefetch_compressed),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_pause_holds_budget),
        cmocka_unit_test(test_pause_keeps_backpressure),
        cmocka_unit_test(test_unknown_topic),
        cmocka_unit_test(test_out_of_range),
        cmocka_unit_test(test_two_topics),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_read_committed),
    };
    return cmocka_run_group_tests_name("consumer", tests, NULL, NULL);
}
