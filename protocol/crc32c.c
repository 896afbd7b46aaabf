/* protocol/crc32c.c - CRC32C, table-driven, and the choice of path; see
 * crc32c.h. The SSE4.2 path is in crc32c_hw.c. */
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

uint32_t sp_crc32c(uint32_t crc, const void *buf, size_t len)
{
    if (sp_crc32c_hw_available())
        return sp_crc32c_hw(crc, buf, len);
    return sp_crc32c_sw(crc, buf, len);
}
