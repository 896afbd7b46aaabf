/* samsa_err_name / samsa_err_str tables. */
#include <string.h>

#include "samsa_test.h"
#include "samsa/error.h"

static void test_names_keep_kafka_numbers(void **state)
{
    (void)state;
    assert_string_equal(samsa_err_name(0), "OK");
    assert_string_equal(samsa_err_name(6), "NOT_LEADER_OR_FOLLOWER");
    assert_string_equal(samsa_err_name(-1), "UNKNOWN_SERVER_ERROR");
    assert_string_equal(samsa_err_name(35), "UNSUPPORTED_VERSION");
    assert_string_equal(samsa_err_name(79), "MEMBER_ID_REQUIRED");
    assert_int_equal(SAMSA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, 45);
    assert_int_equal(SAMSA_ERR_UNKNOWN_PRODUCER_ID, 59);
}

static void test_local_errors_are_negative_and_named(void **state)
{
    (void)state;
    assert_true(SAMSA_ERR_TRUNCATED <= -100);
    assert_true(samsa_err_is_local(SAMSA_ERR_TRUNCATED));
    assert_false(samsa_err_is_local(SAMSA_ERR_UNKNOWN_SERVER_ERROR));
    assert_string_equal(samsa_err_name(SAMSA_ERR_CRC_MISMATCH), "CRC_MISMATCH");
    assert_string_equal(samsa_err_name(12345), "UNKNOWN");
    assert_non_null(samsa_err_str(12345));
}

#define CHECK_UNIQUE(name, code, msg) {code, #name},
static void test_codes_are_unique(void **state)
{
    static const struct { int code; const char *name; } all[] = {
        SAMSA_LOCAL_ERRORS(CHECK_UNIQUE) SAMSA_BROKER_ERRORS(CHECK_UNIQUE)
    };
    size_t i, j, n = sizeof all / sizeof all[0];
    (void)state;
    for (i = 0; i < n; i++) {
        assert_true(strlen(samsa_err_str(all[i].code)) > 0);
        assert_string_equal(samsa_err_name(all[i].code), all[i].name);
        for (j = i + 1; j < n; j++)
            assert_int_not_equal(all[i].code, all[j].code);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_keep_kafka_numbers),
        cmocka_unit_test(test_local_errors_are_negative_and_named),
        cmocka_unit_test(test_codes_are_unique),
    };
    return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
