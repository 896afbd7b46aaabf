/*
 * protocol/crc32c.h - CRC32C (Castagnoli), as used by record batches v2.
 *
 * sp_crc32c() picks the SSE4.2 crc32 instruction when the CPU has it
 * (checked once with cpuid) and the portable table-driven version
 * (slicing-by-8) otherwise. Both are exposed for tests and benchmarks. The
 * hardware path runs three independent crc32 chains over inputs of 192
 * bytes and more and joins them with a carry-less multiply (PCLMULQDQ when
 * present; crc32c_hw.c explains the math). `crc` is the value
 * returned by a previous call over the preceding bytes, 0 to start:
 * sp_crc32c(0, "123456789", 9) == 0xE3069283.
 *
 * Thread rules: reentrant; the one-time CPU check is race-free (idempotent).
 */
#ifndef SP_CRC32C_H
#define SP_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t sp_crc32c(uint32_t crc, const void *buf, size_t len);
uint32_t sp_crc32c_sw(uint32_t crc, const void *buf, size_t len);
/* Hardware path; only call when sp_crc32c_hw_available() is true. */
uint32_t sp_crc32c_hw(uint32_t crc, const void *buf, size_t len);
/* The hardware path joining the chains without PCLMULQDQ, as on a CPU that
 * lacks it (tests); same condition. Elsewhere both equal sp_crc32c_sw. */
uint32_t sp_crc32c_hw_noclmul(uint32_t crc, const void *buf, size_t len);
int sp_crc32c_hw_available(void);

#endif
