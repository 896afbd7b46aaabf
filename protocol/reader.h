/*
 * protocol/reader.h - bounded reader over const bytes (Kafka wire primitives).
 *
 * A reader is a cursor over a caller-owned buffer. Every fetch checks the
 * remaining length by subtraction (end - p >= n) before touching a byte.
 * Errors are sticky: the first failure is kept in r->err, the cursor stops
 * moving, and every later read returns a zero value. Decoders therefore read
 * all fields straight through and check r->err once at the end.
 *
 * Strings and bytes are returned as views (pointer + length) into the input;
 * they stay valid as long as the caller's buffer does. Nothing here allocates.
 *
 * Error codes set: SAMSA_ERR_TRUNCATED (input ended inside a field),
 * SAMSA_ERR_MALFORMED (impossible length, bad tag order, bad UTF-8 is NOT
 * checked), SAMSA_ERR_VARINT_OVERFLOW, SAMSA_ERR_LIMIT (count over the
 * caller's cap). Thread rules: a reader is used by one thread at a time.
 */
#ifndef SP_READER_H
#define SP_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "samsa/error.h"

typedef struct sp_reader {
    const uint8_t *p;   /* next unread byte */
    const uint8_t *end; /* one past the last byte */
    int err;            /* first error (samsa_err), 0 while all is well */
} sp_reader;

/* A string view; len == -1 means null. Not NUL-terminated. */
typedef struct sp_str {
    const char *ptr;
    int32_t len;
} sp_str;

/* A bytes view; len == -1 means null. */
typedef struct sp_bytes {
    const uint8_t *ptr;
    int32_t len;
} sp_bytes;

typedef struct sp_uuid {
    uint8_t b[16];
} sp_uuid;

static inline void sp_reader_init(sp_reader *r, const void *buf, size_t len)
{
    r->p = (const uint8_t *)buf;
    r->end = r->p + len;
    r->err = 0;
}

static inline size_t sp_reader_left(const sp_reader *r)
{
    return (size_t)(r->end - r->p);
}

/* Record err unless an earlier error is already recorded; returns r->err. */
static inline int sp_reader_fail(sp_reader *r, int err)
{
    if (r->err == 0)
        r->err = err;
    r->p = r->end; /* nothing more will be read */
    return r->err;
}

/* True when n more bytes can be read; otherwise records TRUNCATED. */
static inline bool sp_reader_need(sp_reader *r, size_t n)
{
    if (r->err)
        return false;
    if ((size_t)(r->end - r->p) >= n)
        return true;
    sp_reader_fail(r, SAMSA_ERR_TRUNCATED);
    return false;
}

/* The sticky error, or TRAILING_BYTES when the input was not used up. */
static inline int sp_reader_finish(sp_reader *r)
{
    if (r->err)
        return r->err;
    if (r->p != r->end)
        return sp_reader_fail(r, SAMSA_ERR_TRAILING_BYTES);
    return 0;
}

static inline int8_t sp_read_i8(sp_reader *r)
{
    if (!sp_reader_need(r, 1))
        return 0;
    return (int8_t)*r->p++;
}

static inline uint16_t sp_read_u16(sp_reader *r)
{
    uint16_t v;
    if (!sp_reader_need(r, 2))
        return 0;
    v = (uint16_t)((uint16_t)r->p[0] << 8 | r->p[1]);
    r->p += 2;
    return v;
}

static inline int16_t sp_read_i16(sp_reader *r)
{
    return (int16_t)sp_read_u16(r);
}

static inline uint32_t sp_read_u32(sp_reader *r)
{
    uint32_t v;
    if (!sp_reader_need(r, 4))
        return 0;
    v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
        (uint32_t)r->p[2] << 8 | (uint32_t)r->p[3];
    r->p += 4;
    return v;
}

static inline int32_t sp_read_i32(sp_reader *r)
{
    return (int32_t)sp_read_u32(r);
}

static inline uint64_t sp_read_u64(sp_reader *r)
{
    uint64_t v = 0;
    int i;
    if (!sp_reader_need(r, 8))
        return 0;
    for (i = 0; i < 8; i++)
        v = v << 8 | r->p[i];
    r->p += 8;
    return v;
}

static inline int64_t sp_read_i64(sp_reader *r)
{
    return (int64_t)sp_read_u64(r);
}

/* Kafka booleans are one byte; any non-zero value reads as true. */
static inline bool sp_read_bool(sp_reader *r)
{
    return sp_read_i8(r) != 0;
}

static inline double sp_read_f64(sp_reader *r)
{
    uint64_t bits = sp_read_u64(r);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/*
 * Pointer-level unsigned LEB128 varint of at most max bytes (5: 32 bits,
 * the 5th byte carrying only the 4 remaining bits; 10: 64 bits, the 10th
 * byte 0 or 1) from [*pp, end), for hot decoders that keep their cursor in
 * a local. Returns 0 with *out set and *pp moved past the varint, or
 * SAMSA_ERR_TRUNCATED (input ends inside it) or SAMSA_ERR_VARINT_OVERFLOW
 * (longer or wider than max allows), leaving *pp and *out alone. At most
 * min(max, end - *pp) bytes are looked at: one bound for the whole varint.
 */
/* The general case of sp_get_uvar, out of line: n > 0 bytes used and the
 * value v, or n < 0 the error. Returned by value so that callers' cursors
 * never have their address taken and stay in registers. */
typedef struct sp_uvar_res {
    uint64_t v;
    int n;
} sp_uvar_res;
sp_uvar_res sp_get_uvar_slow(const uint8_t *p, const uint8_t *end, unsigned max);

static inline int sp_get_uvar(const uint8_t **pp, const uint8_t *end, unsigned max,
                              uint64_t *out)
{
    const uint8_t *p = *pp;
    sp_uvar_res r;

    /* one and two bytes inline (lengths, deltas, counts below 16384) */
    if (p != end && p[0] < 0x80) {
        *out = p[0];
        *pp = p + 1;
        return 0;
    }
    if (end - p >= 2 && p[1] < 0x80) {
        *out = (uint64_t)(p[0] & 0x7F) | (uint64_t)p[1] << 7;
        *pp = p + 2;
        return 0;
    }
    r = sp_get_uvar_slow(p, end, max);
    if (r.n < 0)
        return r.n;
    *out = r.v;
    *pp = p + r.n;
    return 0;
}

/* Zigzag decodings of what sp_get_uvar read. */
static inline int32_t sp_unzigzag32(uint32_t u)
{
    return (int32_t)(u >> 1) ^ -(int32_t)(u & 1);
}

static inline int64_t sp_unzigzag64(uint64_t u)
{
    return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* Unsigned varint of at most 32 bits (5 bytes, see sp_get_uvar). */
static inline uint32_t sp_read_uvarint(sp_reader *r)
{
    uint64_t v;
    int rc;

    if (r->err)
        return 0;
    rc = sp_get_uvar(&r->p, r->end, 5, &v);
    if (rc) {
        sp_reader_fail(r, rc);
        return 0;
    }
    return (uint32_t)v;
}

/* Unsigned varint of at most 64 bits (10 bytes, see sp_get_uvar). */
static inline uint64_t sp_read_uvarlong(sp_reader *r)
{
    uint64_t v;
    int rc;

    if (r->err)
        return 0;
    rc = sp_get_uvar(&r->p, r->end, 10, &v);
    if (rc) {
        sp_reader_fail(r, rc);
        return 0;
    }
    return v;
}

/* Signed (zigzag) varint, 32 bits. */
static inline int32_t sp_read_varint(sp_reader *r)
{
    return sp_unzigzag32(sp_read_uvarint(r));
}

/* Signed (zigzag) varlong, 64 bits. */
static inline int64_t sp_read_varlong(sp_reader *r)
{
    return sp_unzigzag64(sp_read_uvarlong(r));
}

/* View of the next n bytes, or NULL (and TRUNCATED) when fewer remain. */
static inline const uint8_t *sp_read_raw(sp_reader *r, size_t n)
{
    const uint8_t *p;
    if (!sp_reader_need(r, n))
        return NULL;
    p = r->p;
    r->p += n;
    return p;
}

static inline void sp_read_skip(sp_reader *r, size_t n)
{
    (void)sp_read_raw(r, n);
}

void sp_read_uuid(sp_reader *r, sp_uuid *out);

/* Classic strings: int16 length. sp_read_string refuses null (-1). */
sp_str sp_read_string(sp_reader *r);
sp_str sp_read_nstring(sp_reader *r);
/* Compact strings: uvarint length + 1; 0 means null. */
sp_str sp_read_compact_string(sp_reader *r);
sp_str sp_read_compact_nstring(sp_reader *r);

/* Classic bytes: int32 length. Compact bytes: uvarint length + 1. */
sp_bytes sp_read_bytes(sp_reader *r);
sp_bytes sp_read_nbytes(sp_reader *r);
sp_bytes sp_read_compact_bytes(sp_reader *r);
sp_bytes sp_read_compact_nbytes(sp_reader *r);

/*
 * Array element counts. Return the count, or -1 for a null array (classic
 * int32 -1, compact 0). Any other negative count, a count over max, or a
 * count larger than the bytes left (every element takes at least one byte)
 * is an error and returns 0. So an allocation of count elements is always
 * justified by bytes already received.
 */
int32_t sp_read_array_len(sp_reader *r, int32_t max);
int32_t sp_read_compact_array_len(sp_reader *r, int32_t max);

/*
 * Tagged fields (flexible versions). For each field, fn is called with the
 * tag and a sub-reader over exactly the field's bytes; fn returns 0 when it
 * decoded the field (the sub-reader must then be used up exactly), 1 when
 * the tag is unknown to it (the field is skipped), or an error. fn may be
 * NULL to skip every field. Tags must be strictly increasing.
 */
typedef int (*sp_tag_fn)(void *ctx, uint32_t tag, sp_reader *field);
void sp_read_tagged_fields(sp_reader *r, sp_tag_fn fn, void *ctx);

/* Helpers for views. */
static inline bool sp_str_is_null(sp_str s) { return s.len < 0; }
/* Compare a view with a NUL-terminated string; null equals only NULL. */
bool sp_str_eq(sp_str s, const char *cstr);

#endif
