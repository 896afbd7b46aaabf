/*
 * The first real round trip: ApiVersions v0-v4 encoded by protocol/ over a
 * plain blocking TCP socket to the harness broker, decoded, and checked.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samsa_test.h"
#include "api_versions.h"
#include "header.h"

#define TIMEOUT_MS 10000

/* Send ApiVersions at `version`, decode the answer into *resp. */
static int round_trip(const char *bootstrap, int16_t version,
                      sp_api_versions_resp *resp, sp_arena *arena,
                      unsigned char **body_out)
{
    sp_writer w;
    sp_reader r;
    sp_api_versions_req req = { "samsa-test", "0.1.0", NULL, -1 };
    unsigned char *body;
    long n;
    int32_t corr;
    size_t frame;
    int fd, rc;

    fd = st_tcp_connect(bootstrap, TIMEOUT_MS);
    assert_true(fd >= 0);
    sp_writer_init(&w, NULL, 1 << 20);
    frame = sp_frame_begin(&w);
    sp_write_request_header(&w, version >= 3 ? 2 : 1, SP_API_VERSIONS_KEY,
                            version, 1000 + version, "samsa-test");
    assert_int_equal(sp_api_versions_req_encode(&w, version, &req), 0);
    sp_frame_end(&w, frame);
    assert_int_equal(w.err, 0);
    assert_int_equal(st_send_all(fd, w.buf, w.len), 0);
    sp_writer_free(&w);

    n = st_recv_frame(fd, &body, TIMEOUT_MS);
    close(fd);
    assert_true(n > 0);
    /* ApiVersions responses always use response header v0 */
    sp_reader_init(&r, body, (size_t)n);
    assert_int_equal(sp_read_response_header(&r, 0, &corr), 0);
    assert_int_equal(corr, 1000 + version);
    rc = sp_api_versions_resp_decode(resp, arena, r.p, sp_reader_left(&r), version);
    *body_out = body;
    return rc;
}

static void check_range(const sp_api_versions_resp *resp, int16_t key,
                        int16_t want_min_at_most, int16_t want_max_at_least)
{
    const sp_api_version_range *v = sp_api_versions_find(resp, key);

    assert_non_null(v);
    assert_true(v->min_version >= 0);
    assert_true(v->min_version <= v->max_version);
    assert_true(v->min_version <= want_min_at_most);
    assert_true(v->max_version >= want_max_at_least);
}

static void test_api_versions_v3_round_trip(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    sp_api_versions_resp resp;
    sp_arena arena;
    unsigned char *body;
    (void)state;

    sp_arena_init(&arena, NULL, 1 << 20);
    assert_int_equal(round_trip(bootstrap, 3, &resp, &arena, &body), 0);
    assert_int_equal(resp.error_code, 0);
    assert_true(resp.api_keys.count >= 20);
    check_range(&resp, 0, 3, 9);   /* Produce: v3 is the 4.x floor */
    check_range(&resp, 1, 4, 12);  /* Fetch */
    check_range(&resp, 3, 1, 12);  /* Metadata */
    check_range(&resp, 11, 2, 7);  /* JoinGroup */
    check_range(&resp, 17, 1, 1);  /* SaslHandshake */
    check_range(&resp, 18, 0, 3);  /* ApiVersions itself */
    /* KRaft brokers report finalized features such as metadata.version */
    assert_true(resp.finalized_features_epoch >= 0);
    assert_true(resp.finalized_features.count >= 1);
    free(body);
    sp_arena_free(&arena);
}

static void test_api_versions_every_version(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    sp_api_versions_resp first;
    sp_arena first_arena;
    unsigned char *first_body;
    int16_t v, broker_max;
    (void)state;

    /* walk every version both sides know: 0 .. min(5, broker's max) */
    sp_arena_init(&first_arena, NULL, 1 << 20);
    assert_int_equal(round_trip(bootstrap, 0, &first, &first_arena, &first_body), 0);
    assert_non_null(sp_api_versions_find(&first, 18));
    broker_max = sp_api_versions_find(&first, 18)->max_version;
    free(first_body);
    sp_arena_free(&first_arena);
    assert_true(broker_max >= 3);
    for (v = 0; v <= broker_max && v <= 5; v++) {
        sp_api_versions_resp resp;
        sp_arena arena;
        unsigned char *body;

        sp_arena_init(&arena, NULL, 1 << 20);
        assert_int_equal(round_trip(bootstrap, v, &resp, &arena, &body), 0);
        assert_int_equal(resp.error_code, 0);
        assert_non_null(sp_api_versions_find(&resp, 18));
        free(body);
        sp_arena_free(&arena);
    }
}

/* A version the broker does not know gets a v0 body with error 35. */
static void test_api_versions_unsupported_version(void **state)
{
    const char *bootstrap = st_require_env("SAMSA_TEST_BOOTSTRAP");
    sp_api_versions_resp resp;
    sp_arena arena;
    unsigned char *body;
    sp_writer w;
    sp_reader r;
    long n;
    int32_t corr;
    size_t frame;
    int fd;
    (void)state;

    fd = st_tcp_connect(bootstrap, TIMEOUT_MS);
    assert_true(fd >= 0);
    sp_writer_init(&w, NULL, 4096);
    frame = sp_frame_begin(&w);
    sp_write_request_header(&w, 2, SP_API_VERSIONS_KEY, 99, 7, "samsa-test");
    sp_write_compact_str(&w, "samsa-test");
    sp_write_compact_str(&w, "0.1.0");
    sp_write_empty_tags(&w);
    sp_frame_end(&w, frame);
    assert_int_equal(st_send_all(fd, w.buf, w.len), 0);
    sp_writer_free(&w);
    n = st_recv_frame(fd, &body, TIMEOUT_MS);
    close(fd);
    assert_true(n > 0);
    sp_reader_init(&r, body, (size_t)n);
    assert_int_equal(sp_read_response_header(&r, 0, &corr), 0);
    assert_int_equal(corr, 7);
    sp_arena_init(&arena, NULL, 1 << 20);
    assert_int_equal(sp_api_versions_resp_decode(&resp, &arena, r.p,
                                                 sp_reader_left(&r), 4), 0);
    assert_int_equal(resp.error_code, SAMSA_ERR_UNSUPPORTED_VERSION);
    assert_non_null(sp_api_versions_find(&resp, 18));
    free(body);
    sp_arena_free(&arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_api_versions_v3_round_trip),
        cmocka_unit_test(test_api_versions_every_version),
        cmocka_unit_test(test_api_versions_unsupported_version),
    };
    return cmocka_run_group_tests_name("api_versions (broker)", tests, NULL, NULL);
}
