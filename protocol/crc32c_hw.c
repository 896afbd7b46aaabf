/*
 * protocol/crc32c_hw.c - CRC32C with the SSE4.2 crc32 instruction; see
 * crc32c.h.
 *
 * One chain of crc32 instructions is bound by their latency (3 cycles per
 * 8 bytes on current x86) although the CPU can start one per cycle. Above
 * SMALL_MAX bytes the input is cut into three adjacent blocks of L bytes,
 * each gets its own chain (the first continues the caller's CRC, the others
 * start from zero), and the three are joined by linearity:
 *     crc(A B C) = a * x^(16L) + b * x^(8L) + c   (mod P)
 * Multiplying by x^(8L) mod P is a carry-less multiply by a constant from
 * crc32c_shift.h followed by one crc32 of the 64-bit product, which does the
 * reduction (scripts/gen-crc32c-shift.py derives the constants). The
 * multiply is PCLMULQDQ when the CPU has it, a 32-step shift-and-xor
 * otherwise; both are chosen once at run time.
 */
#include <string.h>

#include "crc32c.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <nmmintrin.h>
#include <wmmintrin.h>

#include "crc32c_shift.h"

/* Bytes per chain in the long loop (the largest L the table holds). */
#define LONG_BLOCK (8 * CRC32C_SHIFT_N)
/* Below this many bytes one chain wins over the join's cost (measured:
 * PCLMULQDQ pays from about 150 bytes, the shift-and-xor from about 600). */
#define SMALL_MAX 192
#define SMALL_MAX_SOFT 768

typedef uint64_t (*clmul_fn)(uint32_t a, uint32_t b);

static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Carry-less 32 x 32 -> 63-bit product without PCLMULQDQ. */
static uint64_t clmul_soft(uint32_t a, uint32_t b)
{
    uint64_t r = 0;
    int i;

    for (i = 0; i < 32; i++)
        r ^= ((uint64_t)b << i) & (0 - (uint64_t)((a >> i) & 1));
    return r;
}

__attribute__((target("sse4.2,pclmul")))
static inline uint64_t clmul_hw(uint32_t a, uint32_t b)
{
    __m128i p = _mm_clmulepi64_si128(_mm_cvtsi32_si128((int)a), _mm_cvtsi32_si128((int)b), 0);
    return (uint64_t)_mm_cvtsi128_si64(p);
}

/* Three chains over p[0, 3L), L a multiple of 8 in 8 .. LONG_BLOCK. */
__attribute__((target("sse4.2"), always_inline))
static inline uint64_t three_chains(uint64_t c, const uint8_t *p, size_t l, clmul_fn mul)
{
    const uint32_t *k = crc32c_shift[l / 8 - 1];
    uint64_t b = 0, d = 0;
    size_t i;

    for (i = 0; i < l; i += 8) {
        c = _mm_crc32_u64(c, load64(p + i));
        b = _mm_crc32_u64(b, load64(p + l + i));
        d = _mm_crc32_u64(d, load64(p + 2 * l + i));
    }
    return _mm_crc32_u64(0, mul((uint32_t)c, k[0]) ^ mul((uint32_t)b, k[1])) ^ d;
}

__attribute__((target("sse4.2"), always_inline))
static inline uint32_t crc_body(uint32_t crc, const void *buf, size_t len, clmul_fn mul,
                                size_t small)
{
    const uint8_t *p = (const uint8_t *)buf;
    uint64_t c = ~crc;

    while (len && ((uintptr_t)p & 7)) {
        c = _mm_crc32_u8((uint32_t)c, *p++);
        len--;
    }
    while (len >= 3 * (size_t)LONG_BLOCK) {
        c = three_chains(c, p, LONG_BLOCK, mul);
        p += 3 * LONG_BLOCK;
        len -= 3 * LONG_BLOCK;
    }
    if (len >= small) {
        size_t l = len / 3 & ~(size_t)7;
        c = three_chains(c, p, l, mul);
        p += 3 * l;
        len -= 3 * l;
    }
    while (len >= 8) {
        c = _mm_crc32_u64(c, load64(p));
        p += 8;
        len -= 8;
    }
    while (len--)
        c = _mm_crc32_u8((uint32_t)c, *p++);
    return ~(uint32_t)c;
}

__attribute__((target("sse4.2,pclmul")))
static uint32_t crc_pclmul(uint32_t crc, const void *buf, size_t len)
{
    return crc_body(crc, buf, len, clmul_hw, SMALL_MAX);
}

__attribute__((target("sse4.2")))
uint32_t sp_crc32c_hw_noclmul(uint32_t crc, const void *buf, size_t len)
{
    return crc_body(crc, buf, len, clmul_soft, SMALL_MAX_SOFT);
}

/* 0 unknown, 1 none, 2 SSE4.2, 3 SSE4.2 and PCLMULQDQ. Cached; a race only
 * repeats the same cpuid, so no lock is needed. */
static int cpu_level(void)
{
    static volatile int cached;
    unsigned a, b, c, d;
    int level = cached;

    if (level == 0) {
        level = 1;
        if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2))
            level = (c & bit_PCLMUL) ? 3 : 2;
        cached = level;
    }
    return level;
}

uint32_t sp_crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
    if (cpu_level() == 3)
        return crc_pclmul(crc, buf, len);
    return sp_crc32c_hw_noclmul(crc, buf, len);
}

int sp_crc32c_hw_available(void)
{
    return cpu_level() >= 2;
}
#else
uint32_t sp_crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
    return sp_crc32c_sw(crc, buf, len);
}

uint32_t sp_crc32c_hw_noclmul(uint32_t crc, const void *buf, size_t len)
{
    return sp_crc32c_sw(crc, buf, len);
}

int sp_crc32c_hw_available(void)
{
    return 0;
}
#endif
