/*
 * Partitioners. The murmur2 vectors were computed with the Java client's
 * own org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients 4.4.0,
 * from the harness jars), so keyed records land where Java producers put them.
 */
#include <string.h>

#include "samsa_test.h"
#include "partitioner.h"

static const struct {
    const char *key;
    int32_t murmur2;
    int p6, p7;
} java[] = {
    { "", 275646681, 3, 2 },
    { "a", -1563381124, 4, 5 },
    { "ab", 316155434, 2, 0 },
    { "abc", 479470107, 3, 4 },
    { "abcd", -1323649548, 2, 5 },
    { "abcde", 461995741, 1, 4 },
    { "key-0", 29210041, 1, 0 },
    { "key-1", 193331640, 0, 5 },
    { "key-42", -187086521, 3, 3 },
    { "entity-999", 2025949713, 3, 4 },
    { "0123456789abcdef", 1438427052, 0, 6 },
    { "\xc3\xa9t\xc3\xa9", -2101193575, 1, 4 },
    { "The quick brown fox jumps over the lazy dog", 495243318, 0, 3 },
};

static void test_murmur2_matches_java(void **state)
{
    sc_partitioner p;
    size_t i;
    (void)state;

    sc_partitioner_init(&p, SC_PART_DEFAULT, 16384, 1);
    for (i = 0; i < sizeof java / sizeof java[0]; i++) {
        size_t n = strlen(java[i].key);
        assert_int_equal(sc_murmur2(java[i].key, n), java[i].murmur2);
        assert_int_equal(sc_partition(&p, java[i].key, n, 10, 6, NULL), java[i].p6);
        assert_int_equal(sc_partition(&p, java[i].key, n, 10, 7, NULL), java[i].p7);
    }
}

static void test_crc32_known_answer(void **state)
{
    (void)state;
    assert_int_equal(sc_crc32("123456789", 9), 0xCBF43926u);
    assert_int_equal(sc_crc32("", 0), 0);
}

static void test_sticky_switches_after_batch_size(void **state)
{
    sc_partitioner p;
    int32_t first, cur;
    int i, switches = 0, counts[6] = { 0 };
    (void)state;

    sc_partitioner_init(&p, SC_PART_DEFAULT, 1000, 42);
    first = sc_partition(&p, NULL, 0, 100, 6, NULL);
    for (i = 1; i < 10; i++) /* 10 x 100 bytes fill one batch */
        assert_int_equal(sc_partition(&p, NULL, 0, 100, 6, NULL), first);
    cur = sc_partition(&p, NULL, 0, 100, 6, NULL);
    assert_int_not_equal(cur, first);
    for (i = 0; i < 60000; i++) {
        int32_t n = sc_partition(&p, NULL, 0, 100, 6, NULL);
        switches += n != cur;
        cur = n;
        counts[n]++;
    }
    assert_true(switches >= 5900 && switches <= 6000);
    for (i = 0; i < 6; i++) /* roughly uniform */
        assert_true(counts[i] > 7000 && counts[i] < 13000);
}

static void test_keyless_avoids_unavailable(void **state)
{
    const uint8_t avail[4] = { 0, 1, 0, 1 };
    sc_partitioner p;
    int i, kind;
    (void)state;

    for (kind = SC_PART_DEFAULT; kind <= SC_PART_ROUND_ROBIN; kind++) {
        sc_partitioner_init(&p, kind, 500, 9);
        for (i = 0; i < 1000; i++) {
            int32_t n = sc_partition(&p, NULL, 0, 100, 4, avail);
            assert_true(n == 1 || n == 3);
        }
    }
    /* a keyed record keeps its partition even when it has no leader */
    sc_partitioner_init(&p, SC_PART_DEFAULT, 500, 9);
    assert_int_equal(sc_partition(&p, "key-0", 5, 10, 6, (const uint8_t[6]){ 0 }), 1);
}

static void test_round_robin_and_single_partition(void **state)
{
    sc_partitioner p;
    int i;
    (void)state;

    sc_partitioner_init(&p, SC_PART_ROUND_ROBIN, 0, 0);
    for (i = 0; i < 12; i++)
        assert_int_equal(sc_partition(&p, "k", 1, 1, 4, NULL), i % 4);
    sc_partitioner_init(&p, SC_PART_RANDOM, 0, 0);
    for (i = 0; i < 100; i++)
        assert_int_equal(sc_partition(&p, NULL, 0, 1, 1, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_murmur2_matches_java),
        cmocka_unit_test(test_crc32_known_answer),
        cmocka_unit_test(test_sticky_switches_after_batch_size),
        cmocka_unit_test(test_keyless_avoids_unavailable),
        cmocka_unit_test(test_round_robin_and_single_partition),
    };
    return cmocka_run_group_tests_name("partitioner", tests, NULL, NULL);
}
