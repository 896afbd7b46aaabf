/*
 * protocol/api_wire.c (versions only, what the connection layer uses)
 * against api.c (the same list with the schemas): for every API and every
 * version, the same support, version choice and header versions as the
 * schemas' own flexible-version data say.
 */
#include "samsa_test.h"
#include "api.h"

static void test_wire_matches_schemas(void **state)
{
    const sp_api *a;
    int16_t v, prev = -1;
    size_t i, n = 0;
    (void)state;

    for (i = 0; (a = sp_api_at(i)); i++, n++) {
        assert_true(a->key > prev);
        prev = a->key;
        assert_true(sp_api_known(a->key));
        assert_int_equal(sp_api_index(a->key), (int)i);
        assert_ptr_equal(sp_api_get(a->key), a);
        assert_int_equal(a->req->flex_min, a->resp->flex_min);
        v = -1;
        assert_int_equal(sp_api_pick_version(a->key, 0, SP_VMAX, &v), 0);
        assert_int_equal(v, a->vmax);
        assert_int_equal(sp_api_pick_version(a->key, a->vmin, a->vmin, &v), 0);
        assert_int_equal(v, a->vmin);
        assert_int_equal(sp_api_pick_version(a->key, (int16_t)(a->vmax + 1),
                                             SP_VMAX, &v),
                         SAMSA_ERR_NO_COMMON_VERSION);
        if (a->vmin > 0)
            assert_int_equal(sp_api_pick_version(a->key, 0,
                                                 (int16_t)(a->vmin - 1), &v),
                             SAMSA_ERR_NO_COMMON_VERSION);
        for (v = a->vmin; v <= a->vmax; v++) {
            assert_int_equal(sp_api_request_header_version(a->key, v),
                             v >= a->req->flex_min ? 2 : 1);
            assert_int_equal(sp_api_response_header_version(a->key, v),
                             a->key == 18 ? 0 : v >= a->resp->flex_min ? 1 : 0);
        }
    }
    assert_true(n > 30);
    /* keys between and beyond the implemented ones */
    for (v = -1; v < 200; v++)
        assert_int_equal(sp_api_known(v), sp_api_get(v) != NULL);
    assert_int_equal(sp_api_index(27), -1);
    assert_int_equal(sp_api_pick_version(27, 0, 9, &v), SAMSA_ERR_NOT_SUPPORTED);
    assert_int_equal(sp_api_request_header_version(27, 9), 1);
    assert_int_equal(sp_api_response_header_version(27, 9), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_matches_schemas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
