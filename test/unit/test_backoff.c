/*
 * net/backoff: Java's ExponentialBackoff shape. reconnect.backoff 50 ms
 * doubling to 1000 ms with +-20% jitter, and the setup timeout 10 s to
 * 30 s, checked over many draws; the jitter really spreads.
 */
#include "samsa_test.h"
#include "backoff.h"

static void check_range(int64_t initial, int64_t max, unsigned attempts,
                        int64_t lo, int64_t hi)
{
    uint32_t rng = 12345;
    int64_t min_seen = INT64_MAX, max_seen = 0;
    int i;

    for (i = 0; i < 2000; i++) {
        int64_t v = sn_backoff_ms(initial, max, attempts, 20, &rng);

        assert_true(v >= lo);
        assert_true(v <= hi);
        if (v < min_seen)
            min_seen = v;
        if (v > max_seen)
            max_seen = v;
    }
    /* the draws cover most of the window */
    assert_true(max_seen - min_seen >= (hi - lo) / 2);
}

static void test_reconnect_backoff(void **state)
{
    (void)state;
    check_range(50, 1000, 0, 40, 60);
    check_range(50, 1000, 1, 80, 120);
    check_range(50, 1000, 2, 160, 240);
    check_range(50, 1000, 3, 320, 480);
    check_range(50, 1000, 4, 640, 960);
    /* at the cap: max * [0.8, 1.2) capped at max */
    check_range(50, 1000, 5, 800, 1000);
    check_range(50, 1000, 60, 800, 1000);
}

static void test_setup_timeout(void **state)
{
    (void)state;
    check_range(10000, 30000, 0, 8000, 12000);
    check_range(10000, 30000, 1, 16000, 24000);
    check_range(10000, 30000, 2, 24000, 30000);
}

static void test_edges(void **state)
{
    uint32_t rng = 0; /* a zero seed is replaced, not stuck */
    (void)state;

    assert_int_equal(sn_backoff_ms(0, 1000, 3, 20, &rng), 0);
    assert_true(sn_backoff_ms(100, 50, 0, 20, &rng) <= 100); /* max < initial */
    assert_int_equal(sn_backoff_ms(100, 1000, 0, 0, &rng), 100); /* no jitter */
    assert_true(rng != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reconnect_backoff),
        cmocka_unit_test(test_setup_timeout),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
