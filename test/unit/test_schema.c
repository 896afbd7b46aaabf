#define _DEFAULT_SOURCE
/*
 * The schema engine, checked against the hand-written ApiVersions codec:
 * both must produce the same bytes and decode to the same values for every
 * version, on seeded random contents.
 */
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "api.h"
#include "api_versions.h"
#include "msg_api_versions.h"

static char names[64][12];

static void random_resp(sp_api_versions_resp *r, sp_api_version_range *keys,
                        sp_feature_range *sup, sp_feature_range *fin,
                        unsigned *seed)
{
    int i;

    memset(r, 0, sizeof *r);
    r->error_code = (int16_t)(rand_r(seed) % 3 == 0 ? 0 : rand_r(seed) % 100);
    if (r->error_code == SAMSA_ERR_UNSUPPORTED_VERSION)
        r->error_code = 0;
    r->api_keys.count = rand_r(seed) % 20;
    r->api_keys.items = keys;
    for (i = 0; i < r->api_keys.count; i++) {
        keys[i].api_key = (int16_t)(rand_r(seed) % 100);
        keys[i].min_version = (int16_t)(rand_r(seed) % 5);
        keys[i].max_version = (int16_t)(rand_r(seed) % 20);
    }
    r->throttle_time_ms = rand_r(seed) % 1000;
    r->supported_features.count = rand_r(seed) % 4;
    r->supported_features.items = r->supported_features.count ? sup : NULL;
    r->finalized_features.count = rand_r(seed) % 4;
    r->finalized_features.items = r->finalized_features.count ? fin : NULL;
    for (i = 0; i < 4; i++) {
        snprintf(names[i], sizeof names[i], "feat.%d", rand_r(seed) % 1000);
        sup[i].name = sp_str_of(names[i]);
        sup[i].min_version = (int16_t)(rand_r(seed) % 3);
        sup[i].max_version = (int16_t)(rand_r(seed) % 30);
        fin[i] = sup[i];
    }
    r->finalized_features_epoch = rand_r(seed) % 2 ? -1 : rand_r(seed);
    r->zk_migration_ready = rand_r(seed) % 2;
}

static void same_resp(const sp_api_versions_resp *a, const sp_api_versions_resp *b)
{
    int i;

    assert_int_equal(a->error_code, b->error_code);
    assert_int_equal(a->api_keys.count, b->api_keys.count);
    for (i = 0; i < a->api_keys.count; i++)
        assert_memory_equal(&a->api_keys.items[i], &b->api_keys.items[i], sizeof a->api_keys.items[i]);
    assert_int_equal(a->throttle_time_ms, b->throttle_time_ms);
    assert_int_equal(a->supported_features.count, b->supported_features.count);
    assert_int_equal(a->finalized_features.count, b->finalized_features.count);
    for (i = 0; i < a->finalized_features.count; i++) {
        assert_true(a->finalized_features.items[i].name.len == b->finalized_features.items[i].name.len);
        assert_int_equal(a->finalized_features.items[i].min_version, b->finalized_features.items[i].min_version);
        assert_int_equal(a->finalized_features.items[i].max_version, b->finalized_features.items[i].max_version);
    }
    assert_true(a->finalized_features_epoch == b->finalized_features_epoch);
    assert_int_equal(a->zk_migration_ready, b->zk_migration_ready);
}

static void test_engine_matches_hand_written_response(void **state)
{
    unsigned seed = 12345;
    int iter;
    (void)state;

    for (iter = 0; iter < 500; iter++) {
        sp_api_version_range keys[20];
        sp_feature_range sup[4], fin[4];
        sp_api_versions_resp r, d1, d2;
        sp_writer w1, w2;
        sp_arena a1, a2;
        int16_t v = (int16_t)(iter % 6);

        random_resp(&r, keys, sup, fin, &seed);
        sp_writer_init(&w1, NULL, 1 << 20);
        sp_writer_init(&w2, NULL, 1 << 20);
        assert_int_equal(sp_api_versions_resp_encode(&w1, v, &r), 0);
        assert_int_equal(sp_schema_encode(&w2, &sp_msg_api_versions_resp, v, &r), 0);
        assert_int_equal(w1.len, w2.len);
        assert_memory_equal(w1.buf, w2.buf, w1.len);

        sp_arena_init(&a1, NULL, 1 << 20);
        sp_arena_init(&a2, NULL, 1 << 20);
        assert_int_equal(sp_api_versions_resp_decode(&d1, &a1, w1.buf, w1.len, v), 0);
        assert_int_equal(sp_schema_decode(&sp_msg_api_versions_resp, v, &d2, &a2, w1.buf, w1.len), 0);
        same_resp(&d1, &d2);
        sp_arena_free(&a1);
        sp_arena_free(&a2);
        sp_writer_free(&w1);
        sp_writer_free(&w2);
    }
}

static void test_engine_matches_hand_written_request(void **state)
{
    int16_t v;
    (void)state;

    for (v = 0; v <= 5; v++) {
        sp_api_versions_req req = { "samsa", "0.1.0", v == 5 ? "clu" : NULL, 7 };
        sp_api_versions_req_view view = {
            sp_str_of(req.client_software_name), sp_str_of(req.client_software_version),
            sp_str_of(req.cluster_id), req.node_id
        };
        sp_writer w1, w2;

        sp_writer_init(&w1, NULL, 4096);
        sp_writer_init(&w2, NULL, 4096);
        assert_int_equal(sp_api_versions_req_encode(&w1, v, &req), 0);
        assert_int_equal(sp_schema_encode(&w2, &sp_msg_api_versions_req, v, &view), 0);
        assert_int_equal(w1.len, w2.len);
        if (w1.len)
            assert_memory_equal(w1.buf, w2.buf, w1.len);
        sp_writer_free(&w1);
        sp_writer_free(&w2);
    }
}

/* Truncating a valid body at every byte gives an error, never a crash,
 * and the arena's cap holds. Inputs sit before a guard page. */
static void test_engine_truncation_and_guard_page(void **state)
{
    sp_api_version_range keys[20];
    sp_feature_range sup[4], fin[4];
    sp_api_versions_resp r, d;
    unsigned seed = 99;
    sp_writer w;
    size_t cut;
    (void)state;

    random_resp(&r, keys, sup, fin, &seed);
    r.api_keys.count = 7;
    r.supported_features.count = 2;
    r.supported_features.items = sup;
    sp_writer_init(&w, NULL, 1 << 20);
    assert_int_equal(sp_schema_encode(&w, &sp_msg_api_versions_resp, 3, &r), 0);
    for (cut = 0; cut <= w.len; cut++) {
        const unsigned char *g = st_guard_copy(w.buf, cut);
        sp_arena a;
        int rc;

        sp_arena_init(&a, NULL, 1 << 16);
        rc = sp_schema_decode(&sp_msg_api_versions_resp, 3, &d, &a, g, cut);
        if (cut == w.len)
            assert_int_equal(rc, 0);
        else
            assert_int_not_equal(rc, 0);
        sp_arena_free(&a);
        st_guard_free(g, cut);
    }
    sp_writer_free(&w);
}

/* A huge array count is refused before any allocation is attempted. */
static void test_engine_count_needs_bytes(void **state)
{
    static const uint8_t body[] = { 0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 1, 0, 0, 0, 0 };
    st_fail_alloc fa;
    sp_api_versions_resp d;
    sp_arena a;
    (void)state;

    st_fail_alloc_init(&fa, 0);
    sp_arena_init(&a, &fa.alloc, 1 << 30);
    assert_int_equal(sp_schema_decode(&sp_msg_api_versions_resp, 0, &d, &a, body, sizeof body),
                     SAMSA_ERR_LIMIT);
    assert_int_equal(fa.calls, 0);
    sp_arena_free(&a);
}

static void test_engine_rejects_trailing_bytes_and_bad_nulls(void **state)
{
    /* v0: error 0, one entry, plus a stray byte */
    static const uint8_t body[] = { 0, 0, 0, 0, 0, 1, 0, 18, 0, 0, 0, 3, 9 };
    static const uint8_t null_array[] = { 0, 0, 0xff, 0xff, 0xff, 0xff };
    sp_api_versions_resp d;
    sp_arena a;
    sp_writer w;
    sp_api_versions_req_view bad = { { NULL, -1 }, sp_str_of("x"), { NULL, -1 }, -1 };
    (void)state;

    sp_arena_init(&a, NULL, 1 << 16);
    assert_int_equal(sp_schema_decode(&sp_msg_api_versions_resp, 0, &d, &a, body, sizeof body),
                     SAMSA_ERR_TRAILING_BYTES);
    assert_int_equal(sp_schema_decode(&sp_msg_api_versions_resp, 0, &d, &a, body, sizeof body - 1), 0);
    assert_int_equal(d.api_keys.items[0].max_version, 3);
    /* ApiKeys is not nullable */
    assert_int_equal(sp_schema_decode(&sp_msg_api_versions_resp, 0, &d, &a, null_array,
                                      sizeof null_array), SAMSA_ERR_MALFORMED);
    sp_arena_free(&a);
    /* a null where the version allows none is refused on encode */
    sp_writer_init(&w, NULL, 4096);
    assert_int_equal(sp_schema_encode(&w, &sp_msg_api_versions_req, 3, &bad), SAMSA_ERR_INVALID_ARG);
    sp_writer_free(&w);
}

static void test_api_table_and_negotiation(void **state)
{
    const sp_api *a;
    int16_t v = -1;
    size_t i;
    (void)state;

    for (i = 0; (a = sp_api_at(i)); i++) {
        if (i > 0)
            assert_true(sp_api_at(i - 1)->key < a->key);
        assert_ptr_equal(sp_api_get(a->key), a);
        assert_true(a->vmin <= a->vmax);
        assert_int_equal(a->req->api_key, a->key);
        assert_int_equal(a->resp->api_key, a->key);
    }
    assert_null(sp_api_get(9999));
    assert_int_equal(sp_api_pick_version(18, 0, 3, &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(sp_api_pick_version(18, 0, 99, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(sp_api_pick_version(18, 6, 9, &v), SAMSA_ERR_NO_COMMON_VERSION);
    assert_int_equal(sp_api_pick_version(9999, 0, 9, &v), SAMSA_ERR_NOT_SUPPORTED);
    assert_int_equal(sp_api_response_header_version(18, 4), 0);
    assert_int_equal(sp_api_request_header_version(18, 3), 2);
    assert_int_equal(sp_api_request_header_version(18, 2), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_matches_hand_written_response),
        cmocka_unit_test(test_engine_matches_hand_written_request),
        cmocka_unit_test(test_engine_truncation_and_guard_page),
        cmocka_unit_test(test_engine_count_needs_bytes),
        cmocka_unit_test(test_engine_rejects_trailing_bytes_and_bad_nulls),
        cmocka_unit_test(test_api_table_and_negotiation),
    };
    return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}
