/* protocol/crc32c.c - CRC32C, table-driven and SSE4.2; see crc32c.h. */
#include <string.h>

#include "crc32c.h"
#include "crc32c_table.h"

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Slicing-by-8: eight table lookups per 8 input bytes. */
uint32_t sp_crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;

    crc = ~crc;
    while (len && ((uintptr_t)p & 7)) {
        crc = crc32c_table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
        len--;
    }
    while (len >= 8) {
        uint32_t lo = load_le32(p) ^ crc;
        uint32_t hi = load_le32(p + 4);
        crc = crc32c_table[7][lo & 0xFF] ^ crc32c_table[6][(lo >> 8) & 0xFF] ^
              crc32c_table[5][(lo >> 16) & 0xFF] ^ crc32c_table[4][lo >> 24] ^
              crc32c_table[3][hi & 0xFF] ^ crc32c_table[2][(hi >> 8) & 0xFF] ^
              crc32c_table[1][(hi >> 16) & 0xFF] ^ crc32c_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = crc32c_table[0][(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
uint32_t sp_crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;
    uint64_t c = ~crc;

    while (len && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        len--;
    }
    /* three independent streams would hide the instruction's latency;
     * one stream already runs near memory speed for Kafka batch sizes */
    while (len >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        len -= 8;
    }
    while (len--)
        c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}

int sp_crc32c_hw_available(void)
{
    /* cached; a race only repeats the same cpuid, so no lock is needed */
    static volatile int cached = -1;
    unsigned a, b, c, d;

    if (cached < 0)
        cached = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2) ? 1 : 0;
    return cached;
}
#else
uint32_t sp_crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
    return sp_crc32c_sw(crc, buf, len);
}

int sp_crc32c_hw_available(void)
{
    return 0;
}
#endif

uint32_t sp_crc32c(uint32_t crc, const void *buf, size_t len)
{
    if (sp_crc32c_hw_available())
        return sp_crc32c_hw(crc, buf, len);
    return sp_crc32c_sw(crc, buf, len);
}
