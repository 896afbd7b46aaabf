/*
 * Record batch interop with the real broker and independent peers.
 *
 *   samsa -> broker -> Java: a batch encoded by samsa with each codec is
 *     produced (Produce v8; the broker itself decompresses and validates it),
 *     fetched back by samsa, and read by the Java client of the broker under
 *     test (test/integration/interop/SamsaInterop.java, compiled with javac).
 *   Java -> broker -> samsa: the Java producer writes a batch with each
 *     compression.type; samsa fetches (Fetch v11) and decodes it.
 *   kcat -> broker -> samsa: librdkafka (raw snappy, its own lz4 frames).
 *   A fetch cut at a byte limit ends with a partial batch: INCOMPLETE.
 *
 * Topics are hbatch-<what>-<codec>-<pid>. SAMSA_TEST_BATCH_CAPTURE_DIR keeps
 * the peers' batches as fuzz seeds. Needs SAMSA_TEST_BOOTSTRAP; the
 * Java parts need javac and SAMSA_TEST_KAFKA_LIBS, the kcat part kcat.
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_kafka.h"
#include "codec.h"
#include "msg_create_topics.h"
#include "msg_fetch.h"
#include "msg_produce.h"
#include "record_batch.h"

#define TIMEOUT_MS 15000
#define NREC 20
#define PRODUCE_V 8
#define FETCH_V 11

static const char *codec_names[] = { "none", "gzip", "snappy", "lz4", "zstd" };
static int g_fd = -1;
static const char *g_bootstrap;
static sp_api_versions_resp g_versions;
static st_call g_vcall;
static char g_javadir[256];

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static int setup(void **state)
{
    int16_t lo, hi;
    (void)state;

    g_bootstrap = st_env("SAMSA_TEST_BOOTSTRAP");
    if (!g_bootstrap)
        return 0;
    g_fd = st_tcp_connect(g_bootstrap, TIMEOUT_MS);
    if (g_fd < 0 || st_broker_versions(g_fd, &g_versions, &g_vcall) != 0)
        return -1;
    if (!st_common_versions(&g_versions, 0, &lo, &hi) || lo > PRODUCE_V || hi < PRODUCE_V ||
        !st_common_versions(&g_versions, 1, &lo, &hi) || lo > FETCH_V || hi < FETCH_V)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g_fd >= 0) {
        st_call_free(&g_vcall);
        close(g_fd);
    }
    if (g_javadir[0]) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_javadir);
        if (system(cmd) != 0)
            fprintf(stderr, "# could not remove %s\n", g_javadir);
    }
    return 0;
}

/* Compile the Java peer once; false (test skipped) when it cannot be. */
static bool java_ready(void)
{
    static int state; /* 0 unknown, 1 ready, -1 not available */
    const char *libs = st_env("SAMSA_TEST_KAFKA_LIBS");
    char cmd[1024];

    if (state)
        return state > 0;
    state = -1;
    if (!libs || access("test/integration/interop/SamsaInterop.java", R_OK) != 0 ||
        system("command -v javac >/dev/null 2>&1") != 0) {
        fprintf(stderr, "# no javac, SAMSA_TEST_KAFKA_LIBS or Java source: Java peer skipped\n");
        return false;
    }
    snprintf(g_javadir, sizeof g_javadir, "/tmp/samsa-hbatch-java-XXXXXX");
    if (!mkdtemp(g_javadir)) {
        g_javadir[0] = '\0';
        return false;
    }
    snprintf(cmd, sizeof cmd, "javac -cp '%s/*' -d '%s' test/integration/interop/SamsaInterop.java",
             libs, g_javadir);
    if (system(cmd) != 0)
        fail_msg("javac failed: %s", cmd);
    state = 1;
    return true;
}

static FILE *java_run(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "java -Xmx256m -cp '%s/*:%s' SamsaInterop %s 2>/dev/null",
             st_env("SAMSA_TEST_KAFKA_LIBS"), g_javadir, args);
    return popen(cmd, "r");
}

static void create_topic(const char *name)
{
    sp_create_topics_topic t = { 0 };
    sp_create_topics_req req = { 0 };
    sp_create_topics_resp resp;
    st_call c;
    int16_t lo, hi;
    int16_t err;

    assert_true(st_common_versions(&g_versions, 19, &lo, &hi));
    t.name = sp_str_of(name);
    t.num_partitions = 1;
    t.replication_factor = 1;
    req.topics.count = 1;
    req.topics.items = &t;
    req.timeout_ms = TIMEOUT_MS;
    assert_int_equal(st_kafka_call(g_fd, 19, hi, &req, &resp, &c), 0);
    assert_int_equal(resp.topics.count, 1);
    err = resp.topics.items[0].error_code;
    if (err != 0 && err != SAMSA_ERR_TOPIC_ALREADY_EXISTS)
        fail_msg("create %s: %s", name, samsa_err_name(err));
    st_call_free(&c);
}

/* Produce one batch to partition 0; retries while the new topic settles. */
static int64_t produce(const char *topic, const uint8_t *batch, size_t len)
{
    int tries;

    for (tries = 0; tries < 100; tries++) {
        sp_produce_req_partition p = { 0 };
        sp_produce_req_topic t = { 0 };
        sp_produce_req req = { 0 };
        sp_produce_resp resp;
        st_call c;
        int16_t err;
        int64_t base;

        p.index = 0;
        p.records.ptr = batch;
        p.records.len = (int32_t)len;
        t.name = sp_str_of(topic);
        t.partition_data.count = 1;
        t.partition_data.items = &p;
        req.transactional_id.len = -1;
        req.acks = -1;
        req.timeout_ms = TIMEOUT_MS;
        req.topic_data.count = 1;
        req.topic_data.items = &t;
        assert_int_equal(st_kafka_call(g_fd, 0, PRODUCE_V, &req, &resp, &c), 0);
        err = resp.responses.items[0].partition_responses.items[0].error_code;
        base = resp.responses.items[0].partition_responses.items[0].base_offset;
        st_call_free(&c);
        if (err == 0)
            return base;
        if (err != SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION && err != SAMSA_ERR_NOT_LEADER_OR_FOLLOWER &&
            err != SAMSA_ERR_LEADER_NOT_AVAILABLE)
            fail_msg("produce to %s: %s", topic, samsa_err_name(err));
        sleep_ms(100);
    }
    fail_msg("produce to %s: topic never became ready", topic);
    return -1;
}

/* Fetch partition 0 from offset; the records field stays valid until
 * st_call_free(c). Retries until min_bytes of records are there. */
static sp_bytes fetch(const char *topic, int64_t offset, int32_t max_bytes, size_t min_bytes,
                      st_call *c)
{
    int tries;

    for (tries = 0; tries < 100; tries++) {
        sp_fetch_req_partition p = { 0 };
        sp_fetch_req_topic t = { 0 };
        sp_fetch_req req = { 0 };
        sp_fetch_resp resp;
        const sp_fetch_resp_partition *rp;

        p.partition = 0;
        p.current_leader_epoch = -1;
        p.fetch_offset = offset;
        p.last_fetched_epoch = -1;
        p.log_start_offset = -1;
        p.partition_max_bytes = max_bytes;
        t.topic = sp_str_of(topic);
        t.partitions.count = 1;
        t.partitions.items = &p;
        req.replica_id = -1;
        req.max_wait_ms = 500;
        req.min_bytes = 1;
        req.max_bytes = max_bytes;
        req.session_epoch = -1;
        req.topics.count = 1;
        req.topics.items = &t;
        req.rack_id = sp_str_of("");
        assert_int_equal(st_kafka_call(g_fd, 1, FETCH_V, &req, &resp, c), 0);
        assert_int_equal(resp.error_code, 0);
        assert_int_equal(resp.responses.count, 1);
        rp = &resp.responses.items[0].partitions.items[0];
        if (rp->error_code == 0 && rp->records.len >= 0 && (size_t)rp->records.len >= min_bytes)
            return rp->records;
        if (rp->error_code != 0 && rp->error_code != SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION &&
            rp->error_code != SAMSA_ERR_NOT_LEADER_OR_FOLLOWER)
            fail_msg("fetch %s: %s", topic, samsa_err_name(rp->error_code));
        st_call_free(c);
        sleep_ms(100);
    }
    fail_msg("fetch %s: no data", topic);
    return (sp_bytes){ NULL, -1 };
}

typedef struct expect {
    const char *value_prefix; /* value is <prefix><i>-<codec name> */
    int codec;             /* expected batch codec, -1: any */
    bool headers;
} expect;

/* Decode every batch of a fetch and check NREC records k<i>/<value>/h=<i>. */
static void check_records(sp_bytes recs, const expect *e, const char *codec_name, int n)
{
    sp_writer scratch;
    sp_batches it;
    sp_batch b;
    int got = 0, rc, batches = 0;

    sp_writer_init(&scratch, NULL, 1 << 24);
    sp_batches_init(&it, recs.ptr, (size_t)recs.len);
    while ((rc = sp_batches_next(&it, &b)) == 0) {
        sp_records rs;
        sp_record rec;

        batches++;
        assert_int_equal(b.magic, 2);
        if (e->codec >= 0 && b.codec != e->codec)
            fail_msg("%s: batch codec %d, want %d", codec_name, b.codec, e->codec);
        assert_int_equal(sp_batch_records(&b, &scratch, &rs), 0);
        while ((rc = sp_records_next(&rs, &rec)) == 0) {
            char key[32], value[64];
            int kl = snprintf(key, sizeof key, "k%d", got);
            int vl = snprintf(value, sizeof value, "%s%d-%s", e->value_prefix, got, codec_name);

            assert_int_equal(rec.offset, got);
            assert_int_equal(rec.key.len, kl);
            assert_memory_equal(rec.key.ptr, key, (size_t)kl);
            if (rec.value.len != vl || memcmp(rec.value.ptr, value, (size_t)vl) != 0)
                fail_msg("%s: record %d value '%.*s', want '%s'", codec_name, got,
                         rec.value.len, (const char *)rec.value.ptr, value);
            if (e->headers) {
                sp_header_iter hi;
                sp_str hk;
                sp_bytes hv;
                char num[16];
                int nl = snprintf(num, sizeof num, "%d", got);
                assert_int_equal(rec.header_count, 1);
                sp_header_iter_init(&hi, &rec);
                assert_true(sp_header_next(&hi, &hk, &hv));
                assert_true(sp_str_eq(hk, "h"));
                assert_int_equal(hv.len, nl);
                assert_memory_equal(hv.ptr, num, (size_t)nl);
            }
            got++;
        }
        assert_int_equal(rc, SP_RECORDS_END);
    }
    if (rc != SP_BATCHES_END)
        fail_msg("%s: batches ended with %d (%s)", codec_name, rc, it.errmsg);
    assert_int_equal(got, n);
    assert_true(batches >= 1);
    sp_writer_free(&scratch);
}

/* With SAMSA_TEST_BATCH_CAPTURE_DIR set, keep a peer's batches as a seed for
 * fuzz/corpus/fuzz_record_batch (first byte 1: check CRCs). */
static void capture(const char *peer, int codec, sp_bytes recs)
{
    const char *dir = st_env("SAMSA_TEST_BATCH_CAPTURE_DIR");
    char path[512];
    FILE *f;

    if (!dir || recs.len <= 0)
        return;
    snprintf(path, sizeof path, "%s/%s_%s", dir, peer, codec_names[codec]);
    f = fopen(path, "wb");
    if (!f)
        return;
    fputc(1, f);
    if (fwrite(recs.ptr, 1, (size_t)recs.len, f) != (size_t)recs.len)
        fprintf(stderr, "# short write to %s\n", path);
    fclose(f);
}

static void topic_name(char *buf, size_t n, const char *what, int codec)
{
    snprintf(buf, n, "hbatch-%s-%s-%ld", what, codec_names[codec], (long)getpid());
}

/* samsa encodes; the broker accepts; samsa and Java read it back. */
static void test_samsa_to_broker_to_java(void **state)
{
    static const expect e_any = { "samsa-", -1, true };
    char topics[5][96], args[1024];
    int codec, ntopics = 0, codec_of[5];
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    snprintf(args, sizeof args, "consume %s %d", g_bootstrap, NREC);
    for (codec = 0; codec <= 4; codec++) {
        sp_writer w, scratch;
        sp_batch_builder bb;
        st_call c;
        sp_bytes recs;
        expect e = e_any;
        int i;

        if (!sp_codec_available(codec)) {
            fprintf(stderr, "# codec %s not in this build\n", codec_names[codec]);
            continue;
        }
        topic_name(topics[ntopics], sizeof topics[0], "s2j", codec);
        create_topic(topics[ntopics]);
        sp_writer_init(&w, NULL, 1 << 20);
        sp_writer_init(&scratch, NULL, 1 << 20);
        assert_int_equal(sp_batch_builder_begin(&bb, &w, 0), 0);
        for (i = 0; i < NREC; i++) {
            char key[16], val[64], hv[16];
            sp_header_in h = { "h", 1, hv, 0 };
            sp_record_in r = { 0 };
            r.timestamp = (int64_t)time(NULL) * 1000 + i;
            r.key = key;
            r.key_len = (size_t)snprintf(key, sizeof key, "k%d", i);
            r.value = val;
            r.value_len = (size_t)snprintf(val, sizeof val, "samsa-%d-%s", i, codec_names[codec]);
            h.value_len = (size_t)snprintf(hv, sizeof hv, "%d", i);
            r.headers = &h;
            r.header_count = 1;
            assert_int_equal(sp_batch_append(&bb, &r), 0);
        }
        assert_int_equal(sp_batch_builder_finish(&bb, codec, SP_CODEC_LEVEL_DEFAULT, -1, -1, -1,
                                                 &scratch), 0);
        assert_int_equal(produce(topics[ntopics], w.buf, w.len), 0);
        recs = fetch(topics[ntopics], 0, 1 << 20, 1, &c);
        e.codec = codec; /* the broker keeps the producer's compression */
        check_records(recs, &e, codec_names[codec], NREC);
        st_call_free(&c);
        sp_writer_free(&w);
        sp_writer_free(&scratch);
        strncat(args, " ", sizeof args - strlen(args) - 1);
        strncat(args, topics[ntopics], sizeof args - strlen(args) - 1);
        codec_of[ntopics++] = codec;
    }
    if (!java_ready())
        skip();
    {
        FILE *f = java_run(args);
        char line[512];
        int seen[5] = { 0 }, t, done = 0;

        assert_non_null(f);
        while (fgets(line, sizeof line, f)) {
            char want[512];
            line[strcspn(line, "\n")] = '\0';
            if (strcmp(line, "done") == 0) {
                done = 1;
                continue;
            }
            for (t = 0; t < ntopics; t++) {
                size_t tl = strlen(topics[t]);
                if (strncmp(line, topics[t], tl) == 0 && line[tl] == '\t') {
                    int n = seen[t];
                    /* topic TAB offset TAB key TAB value TAB header */
                    snprintf(want, sizeof want, "%s\t%d\tk%d\tsamsa-%d-%s\t%d", topics[t], n, n,
                             n, codec_names[codec_of[t]], n);
                    if (strcmp(line, want) != 0)
                        fail_msg("java read '%s', want '%s'", line, want);
                    seen[t]++;
                }
            }
        }
        assert_int_equal(pclose(f), 0);
        assert_true(done);
        for (t = 0; t < ntopics; t++)
            if (seen[t] != NREC)
                fail_msg("java read %d records of %s, want %d", seen[t], topics[t], NREC);
        fprintf(stderr, "# Java consumer read samsa's batches in %d codecs\n", ntopics);
    }
}

/* The Java producer writes each codec; samsa decodes. */
static void test_java_to_broker_to_samsa(void **state)
{
    static const expect e_java = { "v", 0, true };
    char topics[5][96], args[1024];
    int codec;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    if (!java_ready())
        skip();
    snprintf(args, sizeof args, "produce %s %d", g_bootstrap, NREC);
    for (codec = 0; codec <= 4; codec++) {
        topic_name(topics[codec], sizeof topics[0], "j2s", codec);
        create_topic(topics[codec]);
        snprintf(args + strlen(args), sizeof args - strlen(args), " %s=%s", topics[codec],
                 codec_names[codec]);
    }
    {
        FILE *f = java_run(args);
        char line[256];
        int done = 0;
        assert_non_null(f);
        while (fgets(line, sizeof line, f))
            done |= strncmp(line, "done", 4) == 0;
        assert_int_equal(pclose(f), 0);
        assert_true(done);
    }
    for (codec = 0; codec <= 4; codec++) {
        st_call c;
        sp_bytes recs;
        expect e = e_java;

        if (!sp_codec_available(codec)) {
            fprintf(stderr, "# codec %s not in this build: not decoded\n", codec_names[codec]);
            continue;
        }
        recs = fetch(topics[codec], 0, 1 << 20, 1, &c);
        e.codec = codec;
        check_records(recs, &e, codec_names[codec], NREC);
        capture("java", codec, recs);
        st_call_free(&c);
    }
    fprintf(stderr, "# samsa decoded the Java producer's batches in every codec\n");
}

/* librdkafka (kcat) writes raw snappy and its own frames; samsa decodes. */
static void test_kcat_to_broker_to_samsa(void **state)
{
    static const expect e_kcat = { "v", 0, false };
    int codec;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    if (system("command -v kcat >/dev/null 2>&1") != 0) {
        fprintf(stderr, "# kcat not installed\n");
        skip();
    }
    for (codec = 1; codec <= 4; codec++) {
        char topic[96], cmd[512];
        FILE *f;
        st_call c;
        sp_bytes recs;
        expect e = e_kcat;
        int i;

        if (!sp_codec_available(codec))
            continue;
        topic_name(topic, sizeof topic, "kcat", codec);
        create_topic(topic);
        snprintf(cmd, sizeof cmd,
                 "kcat -P -b %s -t %s -p 0 -K: -z %s -X linger.ms=500 2>/dev/null", g_bootstrap,
                 topic, codec_names[codec]);
        f = popen(cmd, "w");
        assert_non_null(f);
        for (i = 0; i < NREC; i++)
            fprintf(f, "k%d:v%d-%s\n", i, i, codec_names[codec]);
        assert_int_equal(pclose(f), 0);
        recs = fetch(topic, 0, 1 << 20, 1, &c);
        e.codec = codec;
        check_records(recs, &e, codec_names[codec], NREC);
        capture("kcat", codec, recs);
        st_call_free(&c);
    }
}

/* A fetch limited to fewer bytes than its batches ends in a partial batch. */
static void test_partial_fetch(void **state)
{
    char topic[96];
    size_t one = 0;
    int k;
    st_call c;
    sp_bytes recs;
    sp_batches it;
    sp_batch b;
    (void)state;

    st_require_env("SAMSA_TEST_BOOTSTRAP");
    topic_name(topic, sizeof topic, "partial", 0);
    create_topic(topic);
    for (k = 0; k < 3; k++) {
        sp_writer w;
        sp_batch_builder bb;
        uint8_t val[300];
        sp_record_in r = { 0 };
        int i;

        memset(val, 'a' + k, sizeof val);
        r.value = val;
        r.value_len = sizeof val;
        sp_writer_init(&w, NULL, 1 << 20);
        assert_int_equal(sp_batch_builder_begin(&bb, &w, 0), 0);
        for (i = 0; i < 5; i++) {
            r.timestamp = (int64_t)time(NULL) * 1000;
            assert_int_equal(sp_batch_append(&bb, &r), 0);
        }
        assert_int_equal(sp_batch_builder_finish(&bb, 0, 0, -1, -1, -1, NULL), 0);
        one = w.len;
        assert_int_equal(produce(topic, w.buf, w.len), k * 5);
        sp_writer_free(&w);
    }
    /* room for one batch and a bit of the next */
    recs = fetch(topic, 0, (int32_t)(one + 100), one, &c);
    fprintf(stderr, "# fetch of %zu bytes (batch %zu) returned %d bytes\n", one + 100, one,
            recs.len);
    sp_batches_init(&it, recs.ptr, (size_t)recs.len);
    assert_int_equal(sp_batches_next(&it, &b), 0);
    assert_int_equal(b.base_offset, 0);
    assert_int_equal(b.record_count, 5);
    if ((size_t)recs.len > one) {
        assert_int_equal(sp_batches_next(&it, &b), SP_BATCHES_INCOMPLETE);
        assert_int_equal(it.incomplete_len, (size_t)recs.len - one);
    } else {
        /* the broker may also trim to whole batches */
        assert_int_equal(sp_batches_next(&it, &b), SP_BATCHES_END);
    }
    st_call_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samsa_to_broker_to_java),
        cmocka_unit_test(test_java_to_broker_to_samsa),
        cmocka_unit_test(test_kcat_to_broker_to_samsa),
        cmocka_unit_test(test_partial_fetch),
    };
    return cmocka_run_group_tests_name("batch_interop", tests, setup, teardown);
}
