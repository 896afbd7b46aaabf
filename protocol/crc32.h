/*
 * protocol/crc32.h - CRC-32 (IEEE 802.3, the zlib one), as used by legacy
 * message sets (magic 0 and 1). Only old data needs it, so it is small
 * (a 16-entry table, half a byte per step) rather than fast.
 * sp_crc32_ieee(0, "123456789", 9) == 0xCBF43926. Reentrant.
 */
#ifndef SP_CRC32_H
#define SP_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t sp_crc32_ieee(uint32_t crc, const void *buf, size_t len);

#endif
