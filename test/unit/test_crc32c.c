/* CRC32C: RFC 3720 known answers, hardware against table-driven. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "crc32c.h"

static void check_both(const void *buf, size_t len, uint32_t want)
{
    assert_int_equal(sp_crc32c_sw(0, buf, len), want);
    assert_int_equal(sp_crc32c(0, buf, len), want);
    if (sp_crc32c_hw_available())
        assert_int_equal(sp_crc32c_hw(0, buf, len), want);
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
    };
    return cmocka_run_group_tests_name("crc32c", tests, NULL, NULL);
}
