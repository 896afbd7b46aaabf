/* queue/retry_backoff: exact values without jitter, bounds and spread with
 * it, seeds that replay, huge attempt numbers, bad arguments.
 * (test_backoff.c is net/backoff's.) */
#include <string.h>

#include "samsa_test.h"
#include "retry_backoff.h"
#include "samsa/error.h"

static void test_exact_without_jitter(void **state)
{
    static const int64_t want[] = { 100, 200, 400, 800, 1600, 3200, 6400, 10000, 10000 };
    sq_backoff b;
    uint32_t i;
    (void)state;

    assert_int_equal(sq_backoff_init(&b, 100, 2.0, 10000, 0.0, 1), 0);
    for (i = 0; i < sizeof want / sizeof want[0]; i++)
        assert_int_equal(sq_backoff_delay(&b, i), want[i]);
    assert_int_equal(sq_backoff_delay(&b, 63), 10000);
    assert_int_equal(sq_backoff_delay(&b, UINT32_MAX), 10000);
    assert_int_equal(sq_backoff_init(&b, 250, 1.0, 250, 0.0, 1), 0);
    assert_int_equal(sq_backoff_delay(&b, 0), 250);
    assert_int_equal(sq_backoff_delay(&b, UINT32_MAX), 250);
    assert_int_equal(sq_backoff_init(&b, 0, 3.0, 5, 0.5, 1), 0);
    assert_int_equal(sq_backoff_delay(&b, 40), 0);
    assert_int_equal(sq_backoff_init(&b, 1000, 1.5, INT64_MAX, 0.0, 1), 0);
    assert_int_equal(sq_backoff_delay(&b, 3), 3375);
    assert_int_equal(sq_backoff_delay(&b, UINT32_MAX), INT64_MAX);
}

static void test_jitter_bounds_and_spread(void **state)
{
    sq_backoff b;
    uint32_t attempt;
    (void)state;

    assert_int_equal(sq_backoff_init(&b, 100, 2.0, 5000, 0.2, 42), 0);
    for (attempt = 0; attempt < 8; attempt++) {
        double term = 100.0, sum = 0;
        int64_t lo = INT64_MAX, hi = 0;
        int i;
        for (i = 0; i < (int)attempt; i++)
            term *= 2.0;
        for (i = 0; i < 2000; i++) {
            int64_t d = sq_backoff_delay(&b, attempt);
            assert_true(d >= 0 && d <= 5000);
            if (term * 0.8 < 5000)
                assert_true((double)d >= term * 0.8 - 1);
            if (term * 1.2 < 5000)
                assert_true((double)d < term * 1.2);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
            sum += (double)d;
        }
        if (term * 1.2 < 5000) { /* spread over the window, centred */
            assert_true((double)(hi - lo) > term * 0.3);
            assert_true(sum / 2000 > term * 0.97 && sum / 2000 < term * 1.03);
        }
    }
}

static void test_seeds(void **state)
{
    sq_backoff a, b, c;
    int i, differ = 0;
    (void)state;

    assert_int_equal(sq_backoff_init(&a, 10, 2.0, 100000, 1.0, 7), 0);
    assert_int_equal(sq_backoff_init(&b, 10, 2.0, 100000, 1.0, 7), 0);
    assert_int_equal(sq_backoff_init(&c, 10, 2.0, 100000, 1.0, 8), 0);
    for (i = 0; i < 100; i++) {
        int64_t x = sq_backoff_delay(&a, 5), y = sq_backoff_delay(&b, 5);
        assert_int_equal(x, y);
        differ += x != sq_backoff_delay(&c, 5);
    }
    assert_true(differ > 90);
    assert_int_equal(sq_backoff_init(&a, 10, 2.0, 100, 0.5, 0), 0); /* seed 0 works */
    assert_true(a.rng != 0);
    for (i = 0; i < 1000; i++) {
        double r = sq_backoff_random(&a);
        assert_true(r >= 0.0 && r < 1.0);
    }
}

static void test_bad_args(void **state)
{
    sq_backoff b;
    (void)state;

    assert_int_equal(sq_backoff_init(&b, -1, 2.0, 10, 0, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_backoff_init(&b, 11, 2.0, 10, 0, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_backoff_init(&b, 1, 0.5, 10, 0, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_backoff_init(&b, 1, 0.0 / 0.0, 10, 0, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_backoff_init(&b, 1, 1e300 * 1e300, 10, 0, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_backoff_init(&b, 1, 2.0, 10, -0.1, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_backoff_init(&b, 1, 2.0, 10, 1.1, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_backoff_init(&b, 1, 2.0, 10, 0.0 / 0.0, 1), SAMSA_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_without_jitter),
        cmocka_unit_test(test_jitter_bounds_and_spread),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
