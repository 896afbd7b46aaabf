/* CRC32C: RFC 3720 known answers, hardware (three chains, both joins)
 * against table-driven on every short length and alignment and on large
 * random buffers. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "crc32c.h"

static void check_both(const void *buf, size_t len, uint32_t want)
{
    assert_int_equal(sp_crc32c_sw(0, buf, len), want);
    assert_int_equal(sp_crc32c(0, buf, len), want);
    if (sp_crc32c_hw_available()) {
        assert_int_equal(sp_crc32c_hw(0, buf, len), want);
        assert_int_equal(sp_crc32c_hw_noclmul(0, buf, len), want);
    }
}

/* Every hardware variant equals the table-driven CRC, from start crc. */
static void check_same(uint32_t crc, const uint8_t *p, size_t len)
{
    uint32_t want = sp_crc32c_sw(crc, p, len);

    assert_int_equal(sp_crc32c(crc, p, len), want);
    if (sp_crc32c_hw_available()) {
        assert_int_equal(sp_crc32c_hw(crc, p, len), want);
        assert_int_equal(sp_crc32c_hw_noclmul(crc, p, len), want);
    }
}

/* Lengths 0..4096 cover one chain, the sized three-chain pass with every
 * table entry up to 1360 bytes per chain, and every tail length; starts
 * 0..7 bytes past 8-byte alignment cover the head loop. */
static void test_every_length_and_alignment(void **state)
{
    static uint8_t data[4096 + 8] __attribute__((aligned(8)));
    unsigned seed = 11;
    size_t len, off;
    (void)state;

    for (len = 0; len < sizeof data; len++)
        data[len] = (uint8_t)rand_r(&seed);
    for (len = 0; len <= 4096; len++)
        for (off = 0; off < 8; off++)
            check_same(len ^ off ? 0x12345678u * (uint32_t)len : 0, data + off, len);
}

/* Large random buffers: several long-loop rounds (6 KiB each) plus a sized
 * pass, at random lengths, starts and split points. */
static void test_large_random(void **state)
{
    const size_t cap = 256 * 1024;
    uint8_t *data = malloc(cap);
    unsigned seed = 23;
    size_t i;
    int round;
    (void)state;

    assert_non_null(data);
    for (i = 0; i < cap; i++)
        data[i] = (uint8_t)rand_r(&seed);
    for (round = 0; round < 40; round++) {
        size_t off = (size_t)rand_r(&seed) % 64;
        size_t len = (size_t)rand_r(&seed) % (cap - off + 1);
        size_t split = (size_t)rand_r(&seed) % (len + 1);
        uint32_t whole = sp_crc32c_sw(0, data + off, len);

        check_same(0, data + off, len);
        assert_int_equal(sp_crc32c(sp_crc32c(0, data + off, split), data + off + split,
                                   len - split), whole);
    }
    check_same(0, data, cap);
    memset(data, 0, cap);
    check_same(0, data, cap);
    check_same(0xffffffffu, data, cap);
    free(data);
}

static void test_rfc3720_vectors(void **state)
{
    uint8_t buf[48];
    /* RFC 3720 B.4: an iSCSI read command PDU */
    static const uint8_t pdu[48] = {
        0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
        0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    };
    int i;
    (void)state;

    memset(buf, 0, 32);
    check_both(buf, 32, 0x8a9136aa);
    memset(buf, 0xff, 32);
    check_both(buf, 32, 0x62a8ab43);
    for (i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    check_both(buf, 32, 0x46dd794e);
    for (i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    check_both(buf, 32, 0x113fdb5c);
    check_both(pdu, 48, 0xd9963a56);
    check_both("123456789", 9, 0xe3069283);
    check_both("", 0, 0);
}

static void test_hw_matches_sw_random(void **state)
{
    static uint8_t data[1024 + 16];
    unsigned seed = 7;
    size_t len, off, split;
    (void)state;

    for (len = 0; len < sizeof data; len++)
        data[len] = (uint8_t)rand_r(&seed);
    for (len = 0; len <= 1024; len++) {
        off = (size_t)rand_r(&seed) % 16;
        split = len ? (size_t)rand_r(&seed) % (len + 1) : 0;
        {
            uint32_t one = sp_crc32c_sw(0, data + off, len);
            uint32_t two = sp_crc32c_sw(sp_crc32c_sw(0, data + off, split),
                                        data + off + split, len - split);
            assert_int_equal(one, two);
            assert_int_equal(sp_crc32c(0, data + off, len), one);
            if (sp_crc32c_hw_available()) {
                assert_int_equal(sp_crc32c_hw(0, data + off, len), one);
                assert_int_equal(sp_crc32c_hw(sp_crc32c_hw(0, data + off, split),
                                              data + off + split, len - split), one);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3720_vectors),
        cmocka_unit_test(test_hw_matches_sw_random),
        cmocka_unit_test(test_every_length_and_alignment),
        cmocka_unit_test(test_large_random),
    };
    return cmocka_run_group_tests_name("crc32c", tests, NULL, NULL);
}
