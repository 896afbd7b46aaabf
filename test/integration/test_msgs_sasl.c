/*
 * SASL messages against the real broker's SASL_PLAINTEXT listener:
 * SaslHandshake (PLAIN offered; an unknown mechanism refused with the list)
 * and SaslAuthenticate (PLAIN right and wrong password; a normal request
 * works after success) at every version samsa and the broker have in
 * common, each response decoded exactly.
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
#include "msg_sasl_handshake.h"
#include "msg_sasl_authenticate.h"

static void test_sasl_handshake(void **state)
{
    const char *sasl = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    int16_t v, lo, hi;
    st_conn c;
    (void)state;

    st_conn_open(&c, sasl);
    st_versions(&c, 17, &lo, &hi);
    st_conn_close(&c);
    for (v = lo; v <= hi; v++) {
        sp_sasl_handshake_req req = { sp_str_of("PLAIN") };
        sp_sasl_handshake_resp resp;
        st_call call;
        int32_t i;
        bool plain = false;

        st_conn_open(&c, sasl);
        st_call_ok(c.fd, 17, v, &req, &resp, &call, true);
        assert_int_equal(resp.error_code, 0);
        for (i = 0; i < resp.mechanisms.count; i++)
            plain |= st_str_is(resp.mechanisms.items[i], "PLAIN");
        assert_true(plain);
        st_call_free(&call);
        st_conn_close(&c);

        /* a mechanism the broker does not offer: error 33, list given */
        st_conn_open(&c, sasl);
        req.mechanism = sp_str_of("HGROUPS-NOPE");
        assert_int_equal(st_kafka_call(c.fd, 17, v, &req, &resp, &call), 0);
        assert_int_equal(resp.error_code, SAMSA_ERR_UNSUPPORTED_SASL_MECHANISM);
        assert_true(resp.mechanisms.count >= 1);
        st_call_free(&call);
        st_conn_close(&c);
    }
}

/* Handshake v1 PLAIN on a fresh SASL connection, then SaslAuthenticate v. */
static void sasl_auth_once(const char *sasl, int16_t v, const char *user,
                           const char *pass, sp_sasl_authenticate_resp *resp,
                           st_call *call, st_conn *c)
{
    sp_sasl_handshake_req hs = { sp_str_of("PLAIN") };
    sp_sasl_handshake_resp hr;
    sp_sasl_authenticate_req req;
    st_call hc;
    char token[256];
    int n;

    st_conn_open(c, sasl);
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
    st_conn c;
    (void)state;

    st_conn_open(&c, sasl);
    st_versions(&c, 36, &lo, &hi);
    st_conn_close(&c);
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
        st_conn_close(&c);

        sasl_auth_once(sasl, v, user, "hgroups-wrong", &resp, &call, &c);
        assert_int_equal(resp.error_code, SAMSA_ERR_SASL_AUTHENTICATION_FAILED);
        assert_true(resp.error_message.len > 0);
        st_call_free(&call);
        st_conn_close(&c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sasl_handshake),
        cmocka_unit_test(test_sasl_authenticate),
    };
    return cmocka_run_group_tests_name("msgs sasl (broker)", tests, NULL, NULL);
}
