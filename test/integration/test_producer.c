/*
 * The producer against the real broker, checked by an independent consumer
 * (Debian's kcat, librdkafka): every message exactly once, per-key order,
 * bytes identical, Java's murmur2 partition for each key; every codec;
 * embedded and background mode; produce_sync; flush with a timeout; admin
 * basics; error paths (unknown topic, too large, unreachable bootstrap,
 * SASL failure) each giving a report per message and no hang.
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

#define NBIG 100000
#define NKEYS 997

typedef struct rep {
    int err;
    int32_t partition;
    int64_t offset;
    int64_t ts;
    int count;
} rep;

typedef struct dstate {
    pthread_mutex_t mu;
    rep *r;
    size_t n;
    size_t reports;
    size_t errors;
    int first_err;
    char first_errstr[300];
} dstate;

static void dstate_init(dstate *s, size_t n)
{
    pthread_mutex_init(&s->mu, NULL);
    s->r = calloc(n ? n : 1, sizeof *s->r);
    s->n = n;
    s->reports = s->errors = 0;
    s->first_err = 0;
    s->first_errstr[0] = '\0';
}

static void dstate_free(dstate *s)
{
    free(s->r);
    pthread_mutex_destroy(&s->mu);
}

static void dcb(void *opaque, const samsa_delivery *d)
{
    dstate *s = opaque;
    size_t i = (size_t)(uintptr_t)d->opaque;

    pthread_mutex_lock(&s->mu);
    s->reports++;
    if (i < s->n) {
        s->r[i].err = d->err;
        s->r[i].partition = d->partition;
        s->r[i].offset = d->offset;
        s->r[i].ts = d->timestamp_ms;
        s->r[i].count++;
    }
    if (d->err) {
        if (!s->errors) {
            s->first_err = d->err;
            snprintf(s->first_errstr, sizeof s->first_errstr, "%s", d->errstr);
        }
        s->errors++;
    }
    pthread_mutex_unlock(&s->mu);
}

/* Java's Utils.murmur2, written again here from the algorithm so the test
 * does not trust the library's copy (which the unit tests check against
 * vectors from the Java client). */
static int32_t java_murmur2(const uint8_t *data, size_t length)
{
    const uint32_t seed = 0x9747b28c, m = 0x5bd1e995;
    const int r = 24;
    uint32_t h = seed ^ (uint32_t)length;
    size_t len4 = length / 4, i;

    for (i = 0; i < len4; i++) {
        uint32_t k = (uint32_t)data[i * 4] | (uint32_t)data[i * 4 + 1] << 8 |
                     (uint32_t)data[i * 4 + 2] << 16 |
                     (uint32_t)data[i * 4 + 3] << 24;
        k *= m;
        k ^= k >> r;
        k *= m;
        h *= m;
        h ^= k;
    }
    switch (length % 4) {
    case 3:
        h ^= (uint32_t)data[(length & ~3u) + 2] << 16;
        /* fall through */
    case 2:
        h ^= (uint32_t)data[(length & ~3u) + 1] << 8;
        /* fall through */
    case 1:
        h ^= data[length & ~3u];
        h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return (int32_t)h;
}

static int32_t java_partition(const char *key, int32_t nparts)
{
    return (java_murmur2((const uint8_t *)key, strlen(key)) & 0x7fffffff) % nparts;
}

static void test_murmur2_vectors(void **state)
{
    (void)state;
    /* computed with the Java client's Utils.murmur2 / BuiltInPartitioner */
    assert_int_equal(java_murmur2((const uint8_t *)"21", 2), -973932308);
    assert_int_equal(java_murmur2((const uint8_t *)"foobar", 6), -790332482);
    assert_int_equal(java_murmur2((const uint8_t *)"a-little-bit-long-string", 24),
                     -985981536);
    assert_int_equal(java_murmur2((const uint8_t *)"a-little-bit-longer-string", 26),
                     -1486304829);
    assert_int_equal(java_murmur2((const uint8_t *)"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", 48),
                     -58897971);
}

static void make_key(char *buf, size_t len, size_t i)
{
    snprintf(buf, len, "key-%04zu", i % NKEYS);
}

static void make_value(char *buf, size_t len, size_t i)
{
    /* printable, no spaces: kcat prints it verbatim */
    snprintf(buf, len, "v%07zu-%08zx%08zx-payload", i, i * 2654435761u, i ^ 0x5a5a5a5au);
}

/* ---------------------------------------------------------- kcat */

typedef struct kline {
    int32_t partition;
    int64_t offset;
    char key[64];
    char value[128];
    int64_t ts;
    char headers[256];
} kline;

/* Read the whole topic with kcat; returns the lines (caller frees). */
static kline *kcat_read(const char *topic, size_t expect, size_t *n)
{
    char cmd[512], line[1024];
    size_t cap = expect + 16, got = 0;
    kline *v = calloc(cap, sizeof *v);
    FILE *f;

    snprintf(cmd, sizeof cmd,
             "kcat -C -b %s -t %s -e -q -f '%%p %%o %%k %%s %%T %%h\\n' 2>&1",
             st_env("SAMSA_TEST_BOOTSTRAP"), topic);
    f = popen(cmd, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        kline k;
        memset(&k, 0, sizeof k);
        if (sscanf(line, "%d %ld %63s %127s %ld %255s", &k.partition,
                   (long *)&k.offset, k.key, k.value, (long *)&k.ts,
                   k.headers) < 5) {
            print_message("kcat: %s", line);
            continue;
        }
        if (got == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof *v);
        }
        v[got++] = k;
    }
    pclose(f);
    *n = got;
    return v;
}

/* ---------------------------------------------------------- tests */

static void produce_keyed(samsa_client *c, const char *topic, size_t n,
                          bool headers)
{
    char key[32], value[96], hidx[16];
    size_t i;

    for (i = 0; i < n; i++) {
        samsa_header h[2];
        samsa_record r;
        make_key(key, sizeof key, i);
        make_value(value, sizeof value, i);
        snprintf(hidx, sizeof hidx, "%zu", i);
        h[0].name = "idx";
        h[0].value = hidx;
        h[0].value_len = strlen(hidx);
        h[1].name = "kind";
        h[1].value = "test";
        h[1].value_len = 4;
        memset(&r, 0, sizeof r);
        r.topic = topic;
        r.partition = SAMSA_PARTITION_ANY;
        r.key = key;
        r.key_len = strlen(key);
        r.value = value;
        r.value_len = strlen(value);
        r.headers = headers ? h : NULL;
        r.nheaders = headers ? 2 : 0;
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        if (samsa_produce(c, &r, (void *)(uintptr_t)i, 30000) != 0)
            fail_msg("produce %zu: %s", i, samsa_client_errstr(c));
    }
}

/* Check kcat's view against what was produced and reported. */
static void verify_topic(const char *topic, size_t n, dstate *s, int32_t nparts,
                         bool headers)
{
    size_t got, i;
    kline *v = kcat_read(topic, n, &got);
    int *seen = calloc(n, sizeof *seen);
    long *last_idx = malloc(NKEYS * sizeof *last_idx);

    for (i = 0; i < NKEYS; i++)
        last_idx[i] = -1;
    assert_int_equal(got, n);
    for (i = 0; i < got; i++) {
        kline *k = &v[i];
        char want[128], hdr[64];
        size_t idx;
        long key_no;
        assert_int_equal(sscanf(k->value, "v%7zu-", &idx), 1);
        assert_true(idx < n);
        seen[idx]++;
        make_value(want, sizeof want, idx);
        assert_string_equal(k->value, want);
        make_key(want, sizeof want, idx);
        assert_string_equal(k->key, want);
        if (headers) {
            snprintf(hdr, sizeof hdr, "idx=%zu,kind=test", idx);
            assert_string_equal(k->headers, hdr);
        }
        assert_int_equal(k->partition, java_partition(k->key, nparts));
        assert_int_equal(k->partition, s->r[idx].partition);
        assert_int_equal(k->offset, s->r[idx].offset);
        assert_int_equal(k->ts, s->r[idx].ts);
        /* per key: kcat lists each partition in offset order */
        key_no = (long)(idx % NKEYS);
        assert_true((long)idx > last_idx[key_no]);
        last_idx[key_no] = (long)idx;
    }
    for (i = 0; i < n; i++)
        if (seen[i] != 1)
            fail_msg("message %zu seen %d times", i, seen[i]);
    free(seen);
    free(last_idx);
    free(v);
}

static void test_produce_100k_keyed(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128];
    dstate s;
    samsa_client *c;
    size_t i;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "big");
    dstate_init(&s, NBIG);
    c = st_client(bs, dcb, &s, NULL);
    assert_int_equal(samsa_create_topic(c, topic, 6, 1, NULL, 0, 30000), 0);
    produce_keyed(c, topic, NBIG, true);
    assert_int_equal(samsa_flush(c, 60000), 0);
    assert_int_equal(samsa_outstanding(c), 0);
    assert_int_equal(s.reports, NBIG);
    if (s.errors)
        fail_msg("%zu errors, first %s: %s", s.errors,
                 samsa_err_name(s.first_err), s.first_errstr);
    for (i = 0; i < NBIG; i++)
        assert_int_equal(s.r[i].count, 1);
    verify_topic(topic, NBIG, &s, 6, true);
    samsa_client_destroy(c);
    dstate_free(&s);
}

/* A record produced from a delivery callback while earlier records are
 * being placed (they waited for the topic's metadata) goes after them:
 * A (a partition that does not exist) fails during placing, its callback
 * produces C to partition 0, and B (produced before, partition 0) must
 * still come first. */
typedef struct order_ctx {
    samsa_client *c;
    const char *topic;
    int64_t off[3]; /* A, B, C */
    int err[3];
    int n;
} order_ctx;

static void order_cb(void *opaque, const samsa_delivery *d)
{
    order_ctx *x = opaque;
    int i = (int)(uintptr_t)d->opaque;

    x->off[i] = d->offset;
    x->err[i] = d->err;
    x->n++;
    if (i == 0) {
        samsa_record r = { .topic = x->topic, .partition = 0, .value = "C",
                           .value_len = 1, .timestamp_ms = -1 };
        assert_int_equal(samsa_produce(x->c, &r, (void *)(uintptr_t)2, 0), 0);
    }
}

static void test_produce_from_callback_keeps_order(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128];
    order_ctx x;
    samsa_conf *cf;
    samsa_client *admin;
    samsa_record r;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "cborder");
    admin = st_client(bs, NULL, NULL, NULL);
    assert_int_equal(samsa_create_topic(admin, topic, 1, 1, NULL, 0, 30000), 0);
    samsa_client_destroy(admin);
    memset(&x, 0, sizeof x);
    x.topic = topic;
    cf = st_conf_kv(bs, NULL);
    samsa_conf_set_delivery_cb(cf, order_cb, &x);
    x.c = st_client_of(cf);
    /* the topic is new to this client: both wait for its metadata */
    memset(&r, 0, sizeof r);
    r.topic = topic;
    r.partition = 5;
    r.value = "A";
    r.value_len = 1;
    r.timestamp_ms = -1;
    assert_int_equal(samsa_produce(x.c, &r, (void *)(uintptr_t)0, 0), 0);
    r.partition = 0;
    r.value = "B";
    assert_int_equal(samsa_produce(x.c, &r, (void *)(uintptr_t)1, 0), 0);
    assert_int_equal(samsa_flush(x.c, 30000), 0);
    assert_int_equal(x.n, 3);
    assert_int_equal(x.err[0], SAMSA_ERR_UNKNOWN_PARTITION);
    assert_int_equal(x.err[1], 0);
    assert_int_equal(x.err[2], 0);
    assert_true(x.off[1] < x.off[2]);
    samsa_client_destroy(x.c);
}

/* Large requests written through a small socket send buffer: the
 * batches go out by reference (no copy into the connection), resumed
 * after every partial write; kcat sees every record intact, in order. */
static void test_big_requests_partial_writes(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128];
    dstate s;
    samsa_client *c;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "partial");
    dstate_init(&s, NBIG);
    c = st_client(bs, dcb, &s, "batch.size", "1000000", "linger.ms", "20",
                  "socket.send.buffer.bytes", "4096", NULL);
    assert_int_equal(samsa_create_topic(c, topic, 6, 1, NULL, 0, 30000), 0);
    produce_keyed(c, topic, NBIG, true);
    assert_int_equal(samsa_flush(c, 60000), 0);
    assert_int_equal(s.reports, NBIG);
    if (s.errors)
        fail_msg("%zu errors, first %s: %s", s.errors,
                 samsa_err_name(s.first_err), s.first_errstr);
    verify_topic(topic, NBIG, &s, 6, true);
    samsa_client_destroy(c);
    dstate_free(&s);
}

static void test_codecs(void **state)
{
    static const char *const codecs[] = { "gzip", "snappy", "lz4", "zstd", "none" };
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    size_t k;

    (void)state;
    for (k = 0; k < sizeof codecs / sizeof codecs[0]; k++) {
        char topic[128];
        dstate s;
        samsa_client *c;
        st_unique_name(topic, sizeof topic, "hclient", codecs[k]);
        dstate_init(&s, 3000);
        c = st_client(bs, dcb, &s, "compression.type", codecs[k], "linger.ms", "20", NULL);
        assert_int_equal(samsa_create_topic(c, topic, 3, 1, NULL, 0, 30000), 0);
        produce_keyed(c, topic, 3000, k % 2 == 0);
        if (samsa_flush(c, 30000) != 0)
            fail_msg("%s: flush timed out, %zu outstanding, %zu reports",
                     codecs[k], samsa_outstanding(c), s.reports);
        if (s.errors)
            fail_msg("%s: %zu errors, first %s: %s", codecs[k], s.errors,
                     samsa_err_name(s.first_err), s.first_errstr);
        verify_topic(topic, 3000, &s, 3, k % 2 == 0);
        samsa_client_destroy(c);
        dstate_free(&s);
    }
}

typedef struct thr_arg {
    samsa_client *c;
    const char *topic;
    size_t from, n;
} thr_arg;

static void *producer_thread(void *arg)
{
    thr_arg *a = arg;
    char key[32], value[96];
    size_t i;

    for (i = a->from; i < a->from + a->n; i++) {
        samsa_record r;
        make_key(key, sizeof key, i);
        make_value(value, sizeof value, i);
        memset(&r, 0, sizeof r);
        r.topic = a->topic;
        r.partition = SAMSA_PARTITION_ANY;
        r.key = key;
        r.key_len = strlen(key);
        r.value = value;
        r.value_len = strlen(value);
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        if (samsa_produce(a->c, &r, (void *)(uintptr_t)i, 30000) != 0)
            return (void *)1;
    }
    return NULL;
}

static void test_background_threads(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    enum { NT = 4, PER = 5000 };
    pthread_t th[NT];
    thr_arg a[NT];
    char topic[128];
    samsa_delivery d;
    samsa_record r;
    dstate s;
    samsa_client *c;
    int i;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "bg");
    dstate_init(&s, NT * PER);
    c = st_client(bs, dcb, &s, NULL);
    assert_int_equal(samsa_start(c), 0);
    assert_int_equal(samsa_start(c), SAMSA_ERR_STATE);
    assert_int_equal(samsa_poll(c, 0), SAMSA_ERR_STATE);
    assert_int_equal(samsa_create_topic(c, topic, 4, 1, NULL, 0, 30000), 0);
    for (i = 0; i < NT; i++) {
        a[i].c = c;
        a[i].topic = topic;
        a[i].from = (size_t)i * PER;
        a[i].n = PER;
        assert_int_equal(pthread_create(&th[i], NULL, producer_thread, &a[i]), 0);
    }
    for (i = 0; i < NT; i++) {
        void *rv;
        pthread_join(th[i], &rv);
        assert_null(rv);
    }
    assert_int_equal(samsa_flush(c, 30000), 0);
    assert_int_equal(s.reports, NT * PER);
    assert_int_equal(s.errors, 0);
    /* produce_sync in background mode */
    memset(&r, 0, sizeof r);
    r.topic = topic;
    r.partition = 2;
    r.value = "sync";
    r.value_len = 4;
    r.timestamp_ms = 1700000000000;
    assert_int_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
    assert_int_equal(d.partition, 2);
    assert_true(d.offset >= 0);
    assert_int_equal(d.timestamp_ms, 1700000000000);
    /* a zeroed record's timestamp means "now", never 1970 */
    {
        struct timespec ts;
        int64_t now_ms;

        r.timestamp_ms = 0;
        assert_int_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
        clock_gettime(CLOCK_REALTIME, &ts);
        now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        assert_true(d.timestamp_ms > now_ms - 60000 && d.timestamp_ms <= now_ms);
    }
    samsa_client_destroy(c);
    assert_int_equal(s.reports, NT * PER); /* sync records never reach dcb */
    dstate_free(&s);
}

/* A small buffer.memory: producers block in samsa_produce until reports
 * free space (background: woken by the I/O thread; embedded: the wait
 * runs the loop). Nothing lost, no QUEUE_FULL with a generous block_ms. */
static void test_blocking_on_full_buffer(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    enum { NT = 3, PER = 4000 };
    char topic[128];
    int mode;

    (void)state;
    for (mode = 0; mode < 2; mode++) {
        pthread_t th[NT];
        thr_arg a[NT];
        dstate s;
        samsa_client *c;
        int i, nt = mode ? NT : 1;

        st_unique_name(topic, sizeof topic, "hclient", mode ? "block-bg" : "block-emb");
        dstate_init(&s, NT * PER);
        c = st_client(bs, dcb, &s, "buffer.memory", "20000", "batch.size", "4000", NULL);
        assert_int_equal(samsa_create_topic(c, topic, 2, 1, NULL, 0, 30000), 0);
        if (mode)
            assert_int_equal(samsa_start(c), 0);
        for (i = 0; i < nt; i++) {
            a[i].c = c;
            a[i].topic = topic;
            a[i].from = (size_t)i * PER;
            a[i].n = PER;
            if (mode)
                assert_int_equal(pthread_create(&th[i], NULL, producer_thread, &a[i]), 0);
            else
                assert_null(producer_thread(&a[i]));
        }
        for (i = 0; mode && i < nt; i++) {
            void *rv;
            pthread_join(th[i], &rv);
            assert_null(rv);
        }
        assert_int_equal(samsa_flush(c, 30000), 0);
        assert_int_equal(s.reports, (size_t)nt * PER);
        assert_int_equal(s.errors, 0);
        samsa_client_destroy(c);
        dstate_free(&s);
    }
}

static void test_sync_embedded_and_admin(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128];
    samsa_cluster_info info;
    samsa_broker_info br[8];
    samsa_delivery d1, d2;
    samsa_record r;
    int64_t off, ts;
    samsa_client *c;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "sync");
    c = st_client(bs, NULL, NULL, NULL);
    assert_int_equal(samsa_describe_cluster(c, &info, br, 8, 10000), 0);
    assert_true(info.nbrokers >= 1);
    assert_true(info.cluster_id[0] != '\0');
    assert_true(br[0].port > 0);
    assert_int_equal(samsa_create_topic(c, topic, 2, 1, NULL, 0, 30000), 0);
    assert_int_equal(samsa_create_topic(c, topic, 2, 1, NULL, 0, 30000),
                     SAMSA_ERR_TOPIC_ALREADY_EXISTS);
    memset(&r, 0, sizeof r);
    r.topic = topic;
    r.partition = 1;
    r.key = NULL;   /* null key */
    r.value = NULL; /* null value: a tombstone */
    r.timestamp_ms = 1600000000123;
    assert_int_equal(samsa_produce_sync(c, &r, &d1, 10000), 0);
    r.value = "x";
    r.value_len = 1;
    assert_int_equal(samsa_produce_sync(c, &r, &d2, 10000), 0);
    assert_int_equal(d1.partition, 1);
    assert_int_equal(d2.offset, d1.offset + 1);
    assert_int_equal(d1.timestamp_ms, 1600000000123);
    assert_int_equal(samsa_list_offset(c, topic, 1, SAMSA_OFFSET_LATEST, &off,
                                       NULL, 10000), 0);
    assert_int_equal(off, d2.offset + 1);
    assert_int_equal(samsa_list_offset(c, topic, 1, SAMSA_OFFSET_EARLIEST, &off,
                                       NULL, 10000), 0);
    assert_int_equal(off, 0);
    assert_int_equal(samsa_list_offset(c, topic, 1, 1600000000000, &off, &ts,
                                       10000), 0);
    assert_int_equal(off, d1.offset);
    assert_int_equal(ts, 1600000000123);
    assert_int_equal(samsa_list_offset(c, topic, 7, SAMSA_OFFSET_LATEST, &off,
                                       NULL, 10000), SAMSA_ERR_UNKNOWN_PARTITION);
    /* explicit partition out of range: a report with the error */
    r.partition = 5;
    assert_int_equal(samsa_produce_sync(c, &r, &d1, 10000),
                     SAMSA_ERR_UNKNOWN_PARTITION);
    assert_int_equal(samsa_create_partitions(c, topic, 4, 30000), 0);
    assert_int_equal(samsa_create_partitions(c, topic, 3, 30000),
                     SAMSA_ERR_INVALID_PARTITIONS);
    assert_int_equal(samsa_delete_topic(c, topic, 30000), 0);
    assert_int_equal(samsa_delete_topic(c, topic, 30000),
                     SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    samsa_client_destroy(c);
}

/* acks=0 and acks=1 (idempotence off), and the TLS / SASL_SSL listeners. */
static void test_acks_and_security(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    const char *ssl = st_env("SAMSA_TEST_SSL_BOOTSTRAP");
    const char *sasl_ssl = st_env("SAMSA_TEST_SASL_SSL_BOOTSTRAP");
    const char *ca = st_env("SAMSA_TEST_CA");
    char topic[128];
    samsa_delivery d;
    samsa_record r;
    dstate s;
    samsa_client *c;
    int64_t off;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "acks");
    memset(&r, 0, sizeof r);
    r.topic = topic;
    r.partition = 0;
    r.value = "a";
    r.value_len = 1;
    r.timestamp_ms = -1;
    /* acks=1 */
    c = st_client(bs, NULL, NULL, "acks", "1", "enable.idempotence", "false", NULL);
    assert_int_equal(samsa_create_topic(c, topic, 1, 1, NULL, 0, 30000), 0);
    assert_int_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
    assert_int_equal(d.offset, 0);
    samsa_client_destroy(c);
    /* acks=0: reports come once written, without offsets */
    dstate_init(&s, 100);
    c = st_client(bs, dcb, &s, "acks", "0", "enable.idempotence", "false", NULL);
    produce_keyed(c, topic, 100, false);
    assert_int_equal(samsa_flush(c, 10000), 0);
    assert_int_equal(s.reports, 100);
    assert_int_equal(s.errors, 0);
    assert_int_equal(s.r[0].offset, -1);
    samsa_client_destroy(c);
    dstate_free(&s);
    /* idempotence needs acks=all: refused at creation */
    {
        samsa_conf *cf = samsa_conf_new(NULL);
        char err[256];
        assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", bs, err, sizeof err), 0);
        assert_int_equal(samsa_conf_set(cf, "acks", "1", err, sizeof err), 0);
        assert_null(samsa_client_new(cf, err, sizeof err));
        assert_non_null(strstr(err, "enable.idempotence"));
        samsa_conf_destroy(cf);
    }
    /* everything arrived (acks=0 included, given time to land) */
    c = st_client(bs, NULL, NULL, NULL);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(samsa_list_offset(c, topic, 0, SAMSA_OFFSET_LATEST,
                                           &off, NULL, 10000), 0);
        if (off == 101)
            break;
        usleep(100000);
    }
    assert_int_equal(off, 101);
    samsa_client_destroy(c);

    if (ssl && ca) {
        c = st_client(ssl, NULL, NULL, "security.protocol", "SSL", "ssl.ca.location", ca, NULL);
        assert_int_equal(samsa_produce_sync(c, &r, &d, 20000), 0);
        assert_int_equal(d.offset, 101);
        samsa_client_destroy(c);
    }
    if (sasl_ssl && ca) {
        c = st_client(sasl_ssl, NULL, NULL, "security.protocol", "SASL_SSL",
                      "ssl.ca.location", ca, "sasl.mechanism", "SCRAM-SHA-512",
                      "sasl.username", st_env("SAMSA_TEST_SASL_USER"),
                      "sasl.password", st_env("SAMSA_TEST_SASL_PASSWORD"), NULL);
        assert_int_equal(samsa_produce_sync(c, &r, &d, 20000), 0);
        assert_true(d.offset >= 101);
        samsa_client_destroy(c);
    }
}

static int32_t len_partitioner(void *opaque, const char *topic, const void *key,
                               size_t key_len, int32_t npartitions)
{
    (void)opaque;
    (void)topic;
    (void)key;
    return (int32_t)(key_len % (size_t)npartitions);
}

/* consistent_random puts each key where librdkafka (kcat) does; a custom
 * partitioner is obeyed; LogAppendTime comes back in the report. */
static void test_partitioners_and_log_append_time(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    const char *cfg[] = { "message.timestamp.type", "LogAppendTime" };
    char topic[128], topic2[128], cmd[512], line[256];
    int32_t kcat_part[40];
    samsa_conf *cf;
    samsa_delivery d;
    samsa_record r;
    samsa_client *c;
    FILE *f;
    int i, n = 0;
    int64_t before;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "crc");
    c = st_client(bs, NULL, NULL, "partitioner", "consistent_random", NULL);
    assert_int_equal(samsa_create_topic(c, topic, 5, 1, NULL, 0, 30000), 0);
    /* kcat (librdkafka) writes 40 keys with its consistent_random */
    snprintf(cmd, sizeof cmd,
             "for i in $(seq 0 39); do echo \"ck$i:x\"; done | "
             "kcat -P -b %s -t %s -K: -X partitioner=consistent_random 2>&1",
             bs, topic);
    assert_int_equal(system(cmd), 0);
    for (i = 0; i < 40; i++)
        kcat_part[i] = -1;
    snprintf(cmd, sizeof cmd, "kcat -C -b %s -t %s -e -q -f '%%p %%k\\n' 2>&1",
             bs, topic);
    f = popen(cmd, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        int p, k;
        if (sscanf(line, "%d ck%d", &p, &k) == 2 && k >= 0 && k < 40) {
            kcat_part[k] = p;
            n++;
        }
    }
    pclose(f);
    assert_int_equal(n, 40);
    for (i = 0; i < 40; i++) {
        char key[16];
        snprintf(key, sizeof key, "ck%d", i);
        memset(&r, 0, sizeof r);
        r.topic = topic;
        r.partition = SAMSA_PARTITION_ANY;
        r.key = key;
        r.key_len = strlen(key);
        r.value = "y";
        r.value_len = 1;
        r.timestamp_ms = -1;
        assert_int_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
        assert_int_equal(d.partition, kcat_part[i]);
    }
    samsa_client_destroy(c);

    /* custom partitioner + LogAppendTime */
    st_unique_name(topic2, sizeof topic2, "hclient", "custom");
    cf = st_conf_kv(bs, NULL);
    samsa_conf_set_partitioner_cb(cf, len_partitioner, NULL);
    c = st_client_of(cf);
    assert_int_equal(samsa_create_topic(c, topic2, 3, 1, cfg, 1, 30000), 0);
    before = (int64_t)time(NULL) * 1000 - 5000;
    for (i = 1; i <= 6; i++) {
        static const char k[] = "abcdef";
        memset(&r, 0, sizeof r);
        r.topic = topic2;
        r.partition = SAMSA_PARTITION_ANY;
        r.key = k;
        r.key_len = (size_t)i;
        r.value = "z";
        r.value_len = 1;
        r.timestamp_ms = 1000; /* replaced by the broker's append time */
        assert_int_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
        assert_int_equal(d.partition, i % 3);
        assert_true(d.timestamp_ms > before);
    }
    samsa_client_destroy(c);
}

/* Partitions added while producing are used once metadata shows them. */
static void test_partitions_added(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128];
    samsa_delivery d;
    samsa_record r;
    samsa_client *c;
    int i, high = 0;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "grow");
    c = st_client(bs, NULL, NULL, "metadata.max.age.ms", "500", "partitioner", "round_robin", NULL);
    assert_int_equal(samsa_create_topic(c, topic, 2, 1, NULL, 0, 30000), 0);
    memset(&r, 0, sizeof r);
    r.topic = topic;
    r.partition = SAMSA_PARTITION_ANY;
    r.value = "g";
    r.value_len = 1;
    r.timestamp_ms = -1;
    for (i = 0; i < 4; i++) {
        assert_int_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
        assert_true(d.partition < 2);
    }
    assert_int_equal(samsa_create_partitions(c, topic, 4, 30000), 0);
    for (i = 0; i < 100 && high == 0; i++) {
        assert_int_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
        if (d.partition >= 2)
            high++;
        else
            usleep(50000);
    }
    assert_true(high > 0);
    samsa_client_destroy(c);
}

static void test_unknown_topic_no_autocreate(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128];
    dstate s;
    samsa_client *c;
    time_t t0 = time(NULL);
    size_t i;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "nope");
    dstate_init(&s, 10);
    c = st_client(bs, dcb, &s, "allow.auto.create.topics", "false", NULL);
    for (i = 0; i < 10; i++) {
        samsa_record r = { .topic = topic, .partition = -1, .value = "v",
                           .value_len = 1, .timestamp_ms = -1 };
        assert_int_equal(samsa_produce(c, &r, (void *)(uintptr_t)i, 0), 0);
    }
    assert_int_equal(samsa_flush(c, 20000), 0);
    assert_true(time(NULL) - t0 < 15);
    assert_int_equal(s.reports, 10);
    assert_int_equal(s.errors, 10);
    for (i = 0; i < 10; i++)
        assert_int_equal(s.r[i].err, SAMSA_ERR_UNKNOWN_TOPIC);
    assert_non_null(strstr(s.first_errstr, topic));
    samsa_client_destroy(c);
    dstate_free(&s);
}

static void test_too_large(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    const char *cfg[] = { "max.message.bytes", "3000" };
    static char big[20000];
    char topic[128];
    samsa_delivery d;
    samsa_record r;
    dstate s;
    samsa_client *c;

    (void)state;
    memset(big, 'b', sizeof big);
    st_unique_name(topic, sizeof topic, "hclient", "large");
    dstate_init(&s, 4);
    c = st_client(bs, dcb, &s, "message.max.bytes", "10000", NULL);
    memset(&r, 0, sizeof r);
    r.topic = topic;
    r.partition = -1;
    r.value = big;
    r.value_len = sizeof big;
    r.timestamp_ms = -1;
    /* over message.max.bytes: refused locally, no report */
    assert_int_equal(samsa_produce(c, &r, NULL, 0), SAMSA_ERR_MSG_TOO_LARGE);
    assert_non_null(strstr(samsa_client_errstr(c), "message.max.bytes"));
    /* under ours, over the topic's: the broker refuses that record only */
    assert_int_equal(samsa_create_topic(c, topic, 1, 1, cfg, 1, 30000), 0);
    r.value_len = 5000;
    assert_int_equal(samsa_produce_sync(c, &r, &d, 15000),
                     SAMSA_ERR_MESSAGE_TOO_LARGE);
    /* the idempotent producer carries on (epoch bumped over the gap) */
    r.value_len = 100;
    assert_int_equal(samsa_produce_sync(c, &r, &d, 15000), 0);
    assert_int_equal(d.offset, 0);
    assert_int_equal(samsa_produce_sync(c, &r, &d, 15000), 0);
    assert_int_equal(d.offset, 1);
    samsa_client_destroy(c);
    dstate_free(&s);
}

static void test_topic_deleted_mid_run(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    enum { N = 200 };
    char topic[128];
    dstate s;
    samsa_client *c;
    time_t t0;
    size_t i, ok = 0;

    (void)state;
    st_unique_name(topic, sizeof topic, "hclient", "deleted");
    dstate_init(&s, 2 * N);
    c = st_client(bs, dcb, &s, "allow.auto.create.topics", "false",
                  "delivery.timeout.ms", "3000", "metadata.max.age.ms", "500", NULL);
    assert_int_equal(samsa_create_topic(c, topic, 2, 1, NULL, 0, 30000), 0);
    produce_keyed(c, topic, N, false);
    assert_int_equal(samsa_flush(c, 20000), 0);
    assert_int_equal(s.errors, 0);
    assert_int_equal(samsa_delete_topic(c, topic, 30000), 0);
    t0 = time(NULL);
    for (i = N; i < 2 * N; i++) {
        samsa_record r = { .topic = topic, .partition = -1, .value = "after",
                           .value_len = 5, .timestamp_ms = -1 };
        assert_int_equal(samsa_produce(c, &r, (void *)(uintptr_t)i, 1000), 0);
    }
    assert_int_equal(samsa_flush(c, 20000), 0);
    assert_true(time(NULL) - t0 <= 8);
    assert_int_equal(s.reports, 2 * N);
    for (i = N; i < 2 * N; i++) {
        assert_int_equal(s.r[i].count, 1);
        if (s.r[i].err == 0)
            ok++;
    }
    print_message("after delete: %zu delivered, first error %s: %s\n", ok,
                  samsa_err_name(s.first_err), s.first_errstr);
    assert_int_equal(ok, 0);
    assert_true(s.first_err == SAMSA_ERR_MSG_TIMED_OUT ||
                s.first_err == SAMSA_ERR_UNKNOWN_TOPIC);
    samsa_client_destroy(c);
    dstate_free(&s);
}

static void test_unreachable_bootstrap(void **state)
{
    enum { N = 50 };
    dstate s;
    samsa_client *c;
    time_t t0;
    size_t i;

    (void)state;
    dstate_init(&s, N);
    c = st_client("127.0.0.1:1", dcb, &s, "delivery.timeout.ms", "1500",
                  "reconnect.backoff.ms", "20", NULL);
    t0 = time(NULL);
    for (i = 0; i < N; i++) {
        samsa_record r = { .topic = "hclient-unreachable", .partition = -1,
                           .value = "v", .value_len = 1, .timestamp_ms = -1 };
        assert_int_equal(samsa_produce(c, &r, (void *)(uintptr_t)i, 0), 0);
    }
    /* a short flush times out with everything still outstanding */
    assert_int_equal(samsa_flush(c, 100), SAMSA_ERR_TIMED_OUT);
    assert_int_equal(samsa_outstanding(c), N);
    assert_int_equal(samsa_flush(c, 10000), 0);
    assert_true(time(NULL) - t0 <= 5);
    assert_int_equal(s.reports, N);
    for (i = 0; i < N; i++) {
        assert_int_equal(s.r[i].err, SAMSA_ERR_MSG_TIMED_OUT);
        assert_int_equal(s.r[i].count, 1);
    }
    assert_non_null(strstr(s.first_errstr, "127.0.0.1:1"));
    samsa_client_destroy(c);
    dstate_free(&s);
}

static void test_destroy_reports_undelivered(void **state)
{
    enum { N = 20 };
    dstate s;
    samsa_client *c;
    size_t i;

    (void)state;
    dstate_init(&s, N);
    c = st_client("127.0.0.1:1", dcb, &s, NULL);
    for (i = 0; i < N; i++) {
        samsa_record r = { .topic = "hclient-destroy", .partition = -1,
                           .value = "v", .value_len = 1, .timestamp_ms = -1 };
        assert_int_equal(samsa_produce(c, &r, (void *)(uintptr_t)i, 0), 0);
    }
    samsa_poll(c, 50);
    samsa_client_destroy(c);
    assert_int_equal(s.reports, N);
    for (i = 0; i < N; i++)
        assert_int_equal(s.r[i].err, SAMSA_ERR_DESTROYED);
    dstate_free(&s);
}

static void test_queue_full(void **state)
{
    static char v[4000];
    dstate s;
    samsa_client *c;
    int rc = 0, i;

    (void)state;
    dstate_init(&s, 0);
    c = st_client("127.0.0.1:1", dcb, &s, "buffer.memory", "20000", NULL);
    for (i = 0; i < 100 && rc == 0; i++) {
        samsa_record r = { .topic = "hclient-full", .partition = -1,
                           .value = v, .value_len = sizeof v, .timestamp_ms = -1 };
        rc = samsa_produce(c, &r, NULL, 0);
    }
    assert_int_equal(rc, SAMSA_ERR_QUEUE_FULL);
    assert_true(i > 2 && i < 10);
    {
        /* blocking waits up to block_ms, then gives up */
        samsa_record r = { .topic = "hclient-full", .partition = -1,
                           .value = v, .value_len = sizeof v, .timestamp_ms = -1 };
        time_t t0 = time(NULL);
        assert_int_equal(samsa_produce(c, &r, NULL, 300), SAMSA_ERR_QUEUE_FULL);
        assert_true(time(NULL) - t0 <= 2);
    }
    samsa_client_destroy(c);
    assert_int_equal(s.reports, (size_t)(i - 1));
    dstate_free(&s);
}

static void test_sasl_wrong_password(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    enum { N = 10 };
    dstate s;
    samsa_client *c;
    time_t t0;
    size_t i;

    (void)state;
    dstate_init(&s, N);
    c = st_client(bs, dcb, &s, "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism",
                  "PLAIN", "sasl.username", "alice", "sasl.password", "wrong",
                  "delivery.timeout.ms", "20000", NULL);
    t0 = time(NULL);
    for (i = 0; i < N; i++) {
        samsa_record r = { .topic = "hclient-sasl", .partition = -1,
                           .value = "v", .value_len = 1, .timestamp_ms = -1 };
        assert_int_equal(samsa_produce(c, &r, (void *)(uintptr_t)i, 0), 0);
    }
    assert_int_equal(samsa_flush(c, 15000), 0);
    assert_true(time(NULL) - t0 < 10);
    assert_int_equal(s.reports, N);
    for (i = 0; i < N; i++) {
        assert_int_not_equal(s.r[i].err, 0);
        assert_int_equal(s.r[i].count, 1);
    }
    print_message("sasl failure report: %s: %s\n", samsa_err_name(s.first_err),
                  s.first_errstr);
    assert_true(s.first_err == SAMSA_ERR_AUTHENTICATION ||
                s.first_err == SAMSA_ERR_SASL_AUTHENTICATION_FAILED);
    samsa_client_destroy(c);
    dstate_free(&s);

    /* and the right password works */
    dstate_init(&s, 1);
    c = st_client(bs, dcb, &s, "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism",
                  "PLAIN", "sasl.username", st_env("SAMSA_TEST_SASL_USER"),
                  "sasl.password", st_env("SAMSA_TEST_SASL_PASSWORD"), NULL);
    {
        samsa_record r = { .topic = "hclient-sasl-ok", .partition = -1,
                           .value = "v", .value_len = 1, .timestamp_ms = -1 };
        samsa_delivery d;
        assert_int_equal(samsa_produce_sync(c, &r, &d, 20000), 0);
    }
    samsa_client_destroy(c);
    dstate_free(&s);
}

static int failing_token_cb(void *opaque, char *buf, size_t buflen,
                            char *errbuf, size_t errlen)
{
    (void)opaque;
    (void)buf;
    (void)buflen;
    snprintf(errbuf, errlen, "no token today");
    return SAMSA_ERR_AUTHENTICATION;
}

/* OAUTHBEARER: unsecured development tokens work; a token callback that
 * fails gives a clear report per message; a missing provider is refused. */
static void test_oauthbearer(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    samsa_record r = { .topic = "hclient-oauth", .partition = -1,
                       .value = "v", .value_len = 1, .timestamp_ms = -1 };
    samsa_delivery d;
    samsa_client *c;
    samsa_conf *cf;
    char err[256];

    (void)state;
    c = st_client(bs, NULL, NULL, "security.protocol", "SASL_PLAINTEXT",
                  "sasl.mechanism", "OAUTHBEARER",
                  "enable.sasl.oauthbearer.unsecure.jwt", "true",
                  "sasl.oauthbearer.config", "principal=alice lifeSeconds=600", NULL);
    assert_int_equal(samsa_produce_sync(c, &r, &d, 20000), 0);
    samsa_client_destroy(c);

    cf = samsa_conf_new(NULL);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", bs, err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "security.protocol", "SASL_PLAINTEXT", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "sasl.mechanism", "OAUTHBEARER", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "delivery.timeout.ms", "15000", err, sizeof err), 0);
    assert_null(samsa_client_new(cf, err, sizeof err));
    assert_non_null(strstr(err, "OAUTHBEARER"));
    samsa_conf_set_oauthbearer_token_cb(cf, failing_token_cb, NULL);
    c = samsa_client_new(cf, err, sizeof err);
    samsa_conf_destroy(cf);
    assert_non_null(c);
    assert_int_not_equal(samsa_produce_sync(c, &r, &d, 10000), 0);
    print_message("token callback failure: %s: %s\n", samsa_err_name(d.err), d.errstr);
    assert_int_equal(d.err, SAMSA_ERR_AUTHENTICATION);
    assert_non_null(strstr(d.errstr, "no token today"));
    samsa_client_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_murmur2_vectors),
        cmocka_unit_test(test_sync_embedded_and_admin),
        cmocka_unit_test(test_produce_100k_keyed),
        cmocka_unit_test(test_big_requests_partial_writes),
        cmocka_unit_test(test_produce_from_callback_keeps_order),
        cmocka_unit_test(test_codecs),
        cmocka_unit_test(test_background_threads),
        cmocka_unit_test(test_blocking_on_full_buffer),
        cmocka_unit_test(test_acks_and_security),
        cmocka_unit_test(test_partitioners_and_log_append_time),
        cmocka_unit_test(test_partitions_added),
        cmocka_unit_test(test_unknown_topic_no_autocreate),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_topic_deleted_mid_run),
        cmocka_unit_test(test_unreachable_bootstrap),
        cmocka_unit_test(test_destroy_reports_undelivered),
        cmocka_unit_test(test_queue_full),
        cmocka_unit_test(test_sasl_wrong_password),
        cmocka_unit_test(test_oauthbearer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
