/*
 * Group, transaction, share-group and SASL messages against the real
 * broker: for every API of this set and every version samsa and the
 * broker have in common, a valid request is encoded from the schema
 * tables, sent, and its response decoded exactly (no leftover bytes), with
 * the error codes the request implies. Names are prefixed "hgroups-".
 *
 * With SAMSA_TEST_CAPTURE_DIR set, one response per API/version is written
 * there as a fuzz seed (st_capture_response).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_kafka.h"
#include "samsa/error.h"
#include "msg_sasl_handshake.h"
#include "msg_sasl_authenticate.h"

#define TIMEOUT_MS 10000

/* ---------------------------------------------------------------- helpers */

/* A connection plus the broker's ApiVersions answer on it. */
typedef struct conn {
    int fd;
    sp_api_versions_resp versions;
    st_call vcall;
} conn;

static void conn_open(conn *c, const char *bootstrap)
{
    c->fd = st_tcp_connect(bootstrap, TIMEOUT_MS);
    assert_true(c->fd >= 0);
    assert_int_equal(st_broker_versions(c->fd, &c->versions, &c->vcall), 0);
    assert_int_equal(c->versions.error_code, 0);
}

static void conn_close(conn *c)
{
    st_call_free(&c->vcall);
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Versions of key to walk on this broker; fails the test when none. */
static void common_versions(const conn *c, int16_t key, int16_t *lo, int16_t *hi)
{
    if (!st_common_versions(&c->versions, key, lo, hi))
        fail_msg("broker and samsa share no version of API %d", key);
}

static bool str_is(sp_str s, const char *want)
{
    return s.len >= 0 && (size_t)s.len == strlen(want) &&
           memcmp(s.ptr, want, (size_t)s.len) == 0;
}

/* Call (key, v) and check it decoded; captures the response once. */
static void call_ok(int fd, int16_t key, int16_t v, const void *req, void *resp,
                    st_call *c)
{
    int rc = st_kafka_call(fd, key, v, req, resp, c);
    if (rc != 0)
        fail_msg("API %d v%d: call failed: %s", key, v, samsa_err_name(rc));
    st_capture_response(key, v, c);
}

/* ---------------------------------------------------------------- SASL */

static void test_sasl_handshake(void **state)
{
    const char *sasl = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    int16_t v, lo, hi;
    conn c;
    (void)state;

    conn_open(&c, sasl);
    common_versions(&c, 17, &lo, &hi);
    conn_close(&c);
    for (v = lo; v <= hi; v++) {
        sp_sasl_handshake_req req = { sp_str_of("PLAIN") };
        sp_sasl_handshake_resp resp;
        st_call call;
        int32_t i;
        bool plain = false;

        conn_open(&c, sasl);
        call_ok(c.fd, 17, v, &req, &resp, &call);
        assert_int_equal(resp.error_code, 0);
        for (i = 0; i < resp.mechanisms.count; i++)
            plain |= str_is(resp.mechanisms.items[i], "PLAIN");
        assert_true(plain);
        st_call_free(&call);
        conn_close(&c);

        /* a mechanism the broker does not offer: error 33, list given */
        conn_open(&c, sasl);
        req.mechanism = sp_str_of("HGROUPS-NOPE");
        assert_int_equal(st_kafka_call(c.fd, 17, v, &req, &resp, &call), 0);
        assert_int_equal(resp.error_code, SAMSA_ERR_UNSUPPORTED_SASL_MECHANISM);
        assert_true(resp.mechanisms.count >= 1);
        st_call_free(&call);
        conn_close(&c);
    }
}

/* Handshake v1 PLAIN on a fresh SASL connection, then SaslAuthenticate v. */
static void sasl_auth_once(const char *sasl, int16_t v, const char *user,
                           const char *pass, sp_sasl_authenticate_resp *resp,
                           st_call *call, conn *c)
{
    sp_sasl_handshake_req hs = { sp_str_of("PLAIN") };
    sp_sasl_handshake_resp hr;
    sp_sasl_authenticate_req req;
    st_call hc;
    char token[256];
    int n;

    conn_open(c, sasl);
    assert_int_equal(st_kafka_call(c->fd, 17, 1, &hs, &hr, &hc), 0);
    assert_int_equal(hr.error_code, 0);
    st_call_free(&hc);
    /* PLAIN: authzid NUL authcid NUL passwd (RFC 4616) */
    n = snprintf(token, sizeof token, "%c%s%c%s", 0, user, 0, pass);
    assert_true(n > 0 && (size_t)n < sizeof token);
    req.auth_bytes.ptr = (const uint8_t *)token;
    req.auth_bytes.len = n;
    assert_int_equal(st_kafka_call(c->fd, 36, v, &req, resp, call), 0);
}

static void test_sasl_authenticate(void **state)
{
    const char *sasl = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    const char *user = st_require_env("SAMSA_TEST_SASL_USER");
    const char *pass = st_require_env("SAMSA_TEST_SASL_PASSWORD");
    int16_t v, lo, hi;
    conn c;
    (void)state;

    conn_open(&c, sasl);
    common_versions(&c, 36, &lo, &hi);
    conn_close(&c);
    for (v = lo; v <= hi; v++) {
        sp_sasl_authenticate_resp resp;
        st_call call;

        sasl_auth_once(sasl, v, user, pass, &resp, &call, &c);
        st_capture_response(36, v, &call);
        assert_int_equal(resp.error_code, 0);
        assert_true(resp.error_message.len <= 0);
        assert_true(resp.auth_bytes.len >= 0);
        assert_true(resp.session_lifetime_ms >= 0);
        st_call_free(&call);
        /* authenticated: a normal request now works on this connection */
        {
            sp_api_versions_resp av;
            st_call ac;
            assert_int_equal(st_broker_versions(c.fd, &av, &ac), 0);
            assert_int_equal(av.error_code, 0);
            st_call_free(&ac);
        }
        conn_close(&c);

        sasl_auth_once(sasl, v, user, "hgroups-wrong", &resp, &call, &c);
        assert_int_equal(resp.error_code, SAMSA_ERR_SASL_AUTHENTICATION_FAILED);
        assert_true(resp.error_message.len > 0);
        st_call_free(&call);
        conn_close(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sasl_handshake),
        cmocka_unit_test(test_sasl_authenticate),
    };
    return cmocka_run_group_tests_name("msgs hgroups (broker)", tests, NULL, NULL);
}
