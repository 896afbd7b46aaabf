/* test/support/samsa_test_msgs.c - see samsa_test_msgs.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_msgs.h"
#include "crc32c.h"
#include "msg_consumer_group_heartbeat.h"
#include "msg_create_topics.h"
#include "msg_find_coordinator.h"
#include "msg_metadata.h"

void st_conn_open(st_conn *c, const char *bootstrap)
{
    c->fd = st_tcp_connect(bootstrap, ST_TIMEOUT_MS);
    assert_true(c->fd >= 0);
    assert_int_equal(st_broker_versions(c->fd, &c->versions, &c->vcall), 0);
    assert_int_equal(c->versions.error_code, 0);
}

void st_conn_close(st_conn *c)
{
    st_call_free(&c->vcall);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

void st_versions(const st_conn *c, int16_t key, int16_t *lo, int16_t *hi)
{
    if (!st_common_versions(&c->versions, key, lo, hi))
        fail_msg("broker and samsa share no version of API %d", key);
}

int16_t st_max_version(const st_conn *c, int16_t key)
{
    int16_t lo, hi;

    st_versions(c, key, &lo, &hi);
    return hi;
}

int st_walk_versions(const st_conn *c, const int16_t *keys, int n, int16_t *lo, int16_t *hi)
{
    int k, steps = 0;

    for (k = 0; k < n; k++) {
        int16_t key = keys[k];

        st_versions(c, key, &lo[key], &hi[key]);
        if (hi[key] - lo[key] + 1 > steps)
            steps = hi[key] - lo[key] + 1;
    }
    return steps;
}

int16_t st_vpick(int16_t lo, int16_t hi, int i)
{
    return (int16_t)(lo + i > hi ? hi : lo + i);
}

bool st_kafka_3x(void)
{
    const char *v = st_env("SAMSA_TEST_KAFKA_VERSION");

    return v && v[0] == '3' && v[1] == '.';
}

void st_call_ok(int fd, int16_t key, int16_t v, const void *req, void *resp,
                st_call *c, bool capture)
{
    int rc = st_kafka_call(fd, key, v, req, resp, c);

    if (rc != 0)
        fail_msg("API %d v%d: call failed: %s", key, v, samsa_err_name(rc));
    if (capture)
        st_capture_response(key, v, c);
}

bool st_str_is(sp_str s, const char *want)
{
    return s.len >= 0 && (size_t)s.len == strlen(want) &&
           memcmp(s.ptr, want, (size_t)s.len) == 0;
}

const char *st_cstr(sp_str s, char *buf, size_t len)
{
    assert_true(s.len >= 0 && (size_t)s.len < len);
    memcpy(buf, s.ptr, (size_t)s.len);
    buf[s.len] = 0;
    return buf;
}

bool st_uuid_eq(const sp_uuid *a, const sp_uuid *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

bool st_uuid_zero(const sp_uuid *a)
{
    static const sp_uuid z;

    return st_uuid_eq(a, &z);
}

void st_uuid_text(const uint8_t b16[16], char out[23])
{
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char b[18] = { 0 };
    int i;

    memcpy(b, b16, 16);
    for (i = 0; i < 22; i++) {
        int bit = i * 6, byte = bit / 8, sh = bit % 8;
        unsigned v = ((unsigned)b[byte] << 8 | b[byte + 1]) >> (10 - sh);
        out[i] = b64[v & 63];
    }
    out[22] = 0;
}

void st_random_member_id(char out[23])
{
    static unsigned seed;
    uint8_t b[16];
    int i;

    if (!seed)
        seed = (unsigned)time(NULL) ^ ((unsigned)getpid() << 16);
    for (i = 0; i < 16; i++)
        b[i] = (uint8_t)(rand_r(&seed) >> 7);
    st_uuid_text(b, out);
}

void st_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

int64_t st_be64(const uint8_t *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return (int64_t)v;
}

bool st_has_partition0(const sp_uuid *topic_id, const void *items, int32_t count,
                       size_t stride)
{
    int32_t i;

    for (i = 0; i < count; i++) {
        const sp_cgh_topic_partitions *tp =
            (const sp_cgh_topic_partitions *)((const char *)items + (size_t)i * stride);

        if (st_uuid_eq(&tp->topic_id, topic_id) && tp->partitions.count == 1 &&
            tp->partitions.items[0] == 0)
            return true;
    }
    return false;
}

bool st_retriable_coordinator_error(int16_t err)
{
    return err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           err == SAMSA_ERR_NOT_COORDINATOR;
}

bool st_retriable_txn_error(int16_t err)
{
    return st_retriable_coordinator_error(err) ||
           err == SAMSA_ERR_CONCURRENT_TRANSACTIONS;
}

/* Check one coordinator answer; false when it asks to try again. */
static bool coordinator_ok(int16_t err, sp_str msg, int32_t node, sp_str host, int32_t port,
                           char *hostport, size_t hplen)
{
    if (st_retriable_coordinator_error(err))
        return false;
    assert_int_equal(err, 0);
    assert_true(node >= 0 && port > 0 && host.len > 0);
    /* Kafka fills in its error's name for success too */
    assert_true(msg.len <= 0 || st_str_is(msg, "NONE"));
    if (hostport)
        snprintf(hostport, hplen, "%.*s:%d", (int)host.len, host.ptr, (int)port);
    return true;
}

void st_find_coordinator(int fd, int16_t v, int8_t key_type, const char *const *keys,
                         int n, char *hostport, size_t hplen)
{
    int attempt;

    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        sp_find_coordinator_req req;
        sp_find_coordinator_resp resp;
        sp_str kv[4];
        st_call call;
        bool again = false;
        int i;

        memset(&req, 0, sizeof req);
        assert_true(n >= 1 && n <= 4);
        for (i = 0; i < n; i++)
            kv[i] = sp_str_of(keys[i]);
        req.key_type = key_type;
        if (v < 4) {
            assert_int_equal(n, 1);
            req.key = kv[0];
        } else {
            req.coordinator_keys.count = n;
            req.coordinator_keys.items = kv;
        }
        st_call_ok(fd, SP_FIND_COORDINATOR_KEY, v, &req, &resp, &call, true);
        if (v < 4) {
            again = !coordinator_ok(resp.error_code, resp.error_message, resp.node_id,
                                    resp.host, resp.port, hostport, hplen);
        } else {
            assert_int_equal(resp.coordinators.count, n);
            for (i = 0; i < n; i++) {
                const sp_find_coordinator_coordinator *co = &resp.coordinators.items[i];

                assert_true(st_str_is(co->key, keys[i]));
                if (!coordinator_ok(co->error_code, co->error_message, co->node_id, co->host,
                                    co->port, i == 0 ? hostport : NULL, hplen))
                    again = true;
            }
        }
        st_call_free(&call);
        if (!again)
            return;
        st_sleep_ms(200);
    }
    fail_msg("FindCoordinator v%d: coordinator never became available", v);
}

void st_ensure_topic(int fd, const char *name, sp_uuid *id)
{
    sp_create_topics_req creq;
    sp_create_topics_resp cresp;
    sp_create_topics_topic ct;
    st_call call;
    int attempt;

    memset(&creq, 0, sizeof creq);
    memset(&ct, 0, sizeof ct);
    ct.name = sp_str_of(name);
    ct.num_partitions = 1;
    ct.replication_factor = 1;
    creq.topics.count = 1;
    creq.topics.items = &ct;
    creq.timeout_ms = 30000;
    assert_int_equal(st_kafka_call(fd, SP_CREATE_TOPICS_KEY, 7, &creq, &cresp, &call), 0);
    assert_int_equal(cresp.topics.count, 1);
    assert_true(cresp.topics.items[0].error_code == 0 ||
                cresp.topics.items[0].error_code == SAMSA_ERR_TOPIC_ALREADY_EXISTS);
    st_call_free(&call);
    /* its id, once the metadata has it */
    for (attempt = 0; attempt < ST_RETRIES; attempt++) {
        sp_metadata_req mreq;
        sp_metadata_resp mresp;
        sp_metadata_req_topic mt;
        const sp_metadata_resp_topic *tp;

        memset(&mreq, 0, sizeof mreq);
        memset(&mt, 0, sizeof mt);
        mt.name = sp_str_of(name);
        mreq.topics.count = 1;
        mreq.topics.items = &mt;
        assert_int_equal(st_kafka_call(fd, SP_METADATA_KEY, 12, &mreq, &mresp, &call), 0);
        assert_int_equal(mresp.topics.count, 1);
        tp = &mresp.topics.items[0];
        if (tp->error_code == 0 && !st_uuid_zero(&tp->topic_id) &&
            tp->partitions.count == 1 && tp->partitions.items[0].leader_id >= 0) {
            *id = tp->topic_id;
            st_call_free(&call);
            return;
        }
        st_call_free(&call);
        st_sleep_ms(200);
    }
    fail_msg("topic %s never became ready", name);
}

size_t st_make_batch(int n, int16_t attrs, int64_t pid, int16_t epoch, int32_t seq,
                     uint8_t **out)
{
    sp_writer w;
    int64_t now = (int64_t)time(NULL) * 1000;
    size_t len;
    uint8_t *buf;
    int i;

    sp_writer_init(&w, NULL, 1 << 16);
    sp_write_i64(&w, 0);  /* base offset */
    sp_write_i32(&w, 0);  /* batch length, below */
    sp_write_i32(&w, -1); /* partition leader epoch */
    sp_write_i8(&w, 2);   /* magic */
    sp_write_u32(&w, 0);  /* crc, below */
    sp_write_i16(&w, attrs);
    sp_write_i32(&w, n - 1);
    sp_write_i64(&w, now);
    sp_write_i64(&w, now);
    sp_write_i64(&w, pid);
    sp_write_i16(&w, epoch);
    sp_write_i32(&w, seq);
    sp_write_i32(&w, n);
    for (i = 0; i < n; i++) {
        char val[32];
        int vl = snprintf(val, sizeof val, "hdata-%d", i);
        /* body: attrs(1) ts delta(1) offset delta(1) key -1(1) value len(1) value headers(1) */
        sp_write_varint(&w, 5 + vl + 1);
        sp_write_i8(&w, 0);
        sp_write_varlong(&w, 0);
        sp_write_varint(&w, i);
        sp_write_varint(&w, -1);
        sp_write_varint(&w, vl);
        sp_write_raw(&w, val, (size_t)vl);
        sp_write_varint(&w, 0);
    }
    assert_int_equal(w.err, 0);
    buf = sp_writer_detach(&w, &len);
    assert_non_null(buf);
    sp_put_u32(buf + 8, (uint32_t)(len - 12));
    sp_put_u32(buf + 17, sp_crc32c(0, buf + 21, len - 21));
    *out = buf;
    return len;
}
