/* Varint readers (reader.h) against a plain byte-by-byte reference: every
 * one- and two-byte input, random inputs of 0..12 bytes biased to long
 * varints, at both widths, each also cut short at every length. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "reader.h"

/* Reference: max bytes at most; returns error, sets *val and *used. */
static int ref_uvar(const uint8_t *p, size_t len, unsigned max, uint64_t *val, size_t *used)
{
    uint64_t v = 0;
    unsigned i;

    for (i = 0; i < max; i++) {
        if (i == len)
            return SAMSA_ERR_TRUNCATED;
        if (i == max - 1 && (p[i] & (max == 5 ? 0xF0 : 0xFE)))
            return SAMSA_ERR_VARINT_OVERFLOW;
        v |= (uint64_t)(p[i] & 0x7F) << (7 * i);
        if (!(p[i] & 0x80)) {
            *val = v;
            *used = i + 1;
            return 0;
        }
    }
    return SAMSA_ERR_VARINT_OVERFLOW;
}

static void check_one(const uint8_t *p, size_t len)
{
    unsigned max;

    for (max = 5; max <= 10; max += 5) {
        uint64_t want = 0, got = 0xdeadbeef;
        size_t used = 0;
        int rc = ref_uvar(p, len, max, &want, &used);
        const uint8_t *q = p;
        uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees over-reads */
        sp_reader r;
        uint64_t rv;

        assert_non_null(copy);
        memcpy(copy, p, len);
        q = copy;
        assert_int_equal(sp_get_uvar(&q, copy + len, max, &got), rc);
        if (rc == 0) {
            assert_int_equal(got, want);
            assert_int_equal(q - copy, used);
        } else {
            assert_ptr_equal(q, copy);
            assert_int_equal(got, 0xdeadbeef);
        }
        sp_reader_init(&r, copy, len);
        rv = max == 5 ? sp_read_uvarint(&r) : sp_read_uvarlong(&r);
        assert_int_equal(r.err, rc);
        assert_int_equal(rv, rc ? 0 : want);
        if (rc == 0)
            assert_int_equal(r.p - copy, used);
        free(copy);
    }
}

static void check_all_cuts(const uint8_t *p, size_t len)
{
    size_t n;

    for (n = 0; n <= len; n++)
        check_one(p, n);
}

static void test_short_exhaustive(void **state)
{
    uint8_t b[2];
    unsigned i;
    (void)state;

    for (i = 0; i < 65536; i++) {
        b[0] = (uint8_t)i;
        b[1] = (uint8_t)(i >> 8);
        check_all_cuts(b, 2);
    }
}

static void test_long_random(void **state)
{
    unsigned seed = 5, round;
    uint8_t b[12];
    (void)state;

    for (round = 0; round < 200000; round++) {
        size_t len = (size_t)rand_r(&seed) % 13, i;
        unsigned conts = (unsigned)rand_r(&seed) % 12; /* bytes with the high bit */

        for (i = 0; i < len; i++) {
            b[i] = (uint8_t)rand_r(&seed);
            if (rand_r(&seed) % 4 == 0)
                b[i] = (uint8_t)(b[i] & 0x03); /* small top bytes: edge of overflow */
            b[i] = i < conts ? (uint8_t)(b[i] | 0x80) : (uint8_t)(b[i] & 0x7F);
        }
        check_one(b, len);
    }
}

static void test_known_values(void **state)
{
    static const uint8_t max32[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F };
    static const uint8_t over32[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0x1F };
    static const uint8_t max64[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 };
    static const uint8_t neg1[] = { 0x01 }, big[] = { 0x80, 0x80, 0x01 };
    sp_reader r;
    (void)state;

    sp_reader_init(&r, max32, sizeof max32);
    assert_int_equal(sp_read_uvarint(&r), UINT32_MAX);
    sp_reader_init(&r, over32, sizeof over32);
    (void)sp_read_uvarint(&r);
    assert_int_equal(r.err, SAMSA_ERR_VARINT_OVERFLOW);
    sp_reader_init(&r, max64, sizeof max64);
    assert_true(sp_read_uvarlong(&r) == UINT64_MAX);
    sp_reader_init(&r, neg1, 1);
    assert_int_equal(sp_read_varint(&r), -1);
    sp_reader_init(&r, big, sizeof big);
    assert_int_equal(sp_read_varlong(&r), 8192);
    check_all_cuts(max64, sizeof max64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_exhaustive),
        cmocka_unit_test(test_long_random),
        cmocka_unit_test(test_known_values),
    };
    return cmocka_run_group_tests_name("varint", tests, NULL, NULL);
}
