/*
 * protocol/writer.h - growable output buffer with a hard size cap.
 *
 * Two kinds: a growable writer owns a heap buffer obtained from its
 * allocator and grows it (doubling) up to `max` bytes; a fixed writer writes
 * into a caller-owned array and never allocates (for builds without malloc).
 * Errors are sticky like the reader's: the first failure is kept in w->err
 * (SAMSA_ERR_BUFFER_FULL past the cap, SAMSA_ERR_NO_MEMORY, or
 * SAMSA_ERR_INVALID_ARG for a value that cannot be encoded, such as a string
 * over 32767 bytes) and later writes do nothing. Encoders write straight
 * through and check w->err once.
 *
 * Ownership: sp_writer_free() releases a growable writer's buffer;
 * sp_writer_detach() hands it to the caller, who frees it with the same
 * allocator. Thread rules: one thread at a time.
 */
#ifndef SP_WRITER_H
#define SP_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "samsa/alloc.h"
#include "samsa/error.h"
#include "reader.h"

typedef struct sp_writer {
    uint8_t *buf;
    size_t len; /* bytes written */
    size_t cap; /* bytes allocated (or the fixed array's size) */
    size_t max; /* hard cap on len */
    int err;
    bool fixed; /* buf belongs to the caller */
    const samsa_allocator *alloc;
} sp_writer;

/* Growable writer; allocates nothing until the first write. */
void sp_writer_init(sp_writer *w, const samsa_allocator *alloc, size_t max);
/* Fixed writer over buf[0..cap). */
void sp_writer_init_fixed(sp_writer *w, void *buf, size_t cap);
/* Release a growable writer's buffer; a fixed writer is left alone. */
void sp_writer_free(sp_writer *w);
/* Forget the contents and the error, keep the buffer. */
void sp_writer_reset(sp_writer *w);
/* Take the buffer (growable writers only); the writer becomes empty. */
uint8_t *sp_writer_detach(sp_writer *w, size_t *len);

/* Grow so that n more bytes fit; false (and the sticky error) otherwise. */
bool sp_writer_grow(sp_writer *w, size_t n);

/* Reserve n bytes at the end and return where to write them, or NULL. */
static inline uint8_t *sp_writer_space(sp_writer *w, size_t n)
{
    uint8_t *p;
    if (w->err)
        return NULL;
    if (w->cap - w->len < n && !sp_writer_grow(w, n))
        return NULL;
    p = w->buf + w->len;
    w->len += n;
    return p;
}

static inline void sp_writer_fail(sp_writer *w, int err)
{
    if (w->err == 0)
        w->err = err;
}

static inline void sp_write_raw(sp_writer *w, const void *src, size_t n)
{
    uint8_t *p = sp_writer_space(w, n);
    if (p && n)
        memcpy(p, src, n);
}

static inline void sp_write_i8(sp_writer *w, int8_t v)
{
    uint8_t *p = sp_writer_space(w, 1);
    if (p)
        p[0] = (uint8_t)v;
}

static inline void sp_put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void sp_put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void sp_put_u64(uint8_t *p, uint64_t v)
{
    sp_put_u32(p, (uint32_t)(v >> 32));
    sp_put_u32(p + 4, (uint32_t)v);
}

static inline void sp_write_u16(sp_writer *w, uint16_t v)
{
    uint8_t *p = sp_writer_space(w, 2);
    if (p)
        sp_put_u16(p, v);
}

static inline void sp_write_i16(sp_writer *w, int16_t v)
{
    sp_write_u16(w, (uint16_t)v);
}

static inline void sp_write_u32(sp_writer *w, uint32_t v)
{
    uint8_t *p = sp_writer_space(w, 4);
    if (p)
        sp_put_u32(p, v);
}

static inline void sp_write_i32(sp_writer *w, int32_t v)
{
    sp_write_u32(w, (uint32_t)v);
}

static inline void sp_write_u64(sp_writer *w, uint64_t v)
{
    uint8_t *p = sp_writer_space(w, 8);
    if (p)
        sp_put_u64(p, v);
}

static inline void sp_write_i64(sp_writer *w, int64_t v)
{
    sp_write_u64(w, (uint64_t)v);
}

static inline void sp_write_bool(sp_writer *w, bool v)
{
    sp_write_i8(w, v ? 1 : 0);
}

static inline void sp_write_f64(sp_writer *w, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    sp_write_u64(w, bits);
}

/* Encode v as unsigned LEB128 into p (room for 10 bytes); returns length. */
static inline size_t sp_put_uvarlong(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

/* Bytes needed to encode v as an unsigned varint. */
static inline size_t sp_uvarlong_size(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static inline uint32_t sp_zigzag32(int32_t v)
{
    return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

static inline uint64_t sp_zigzag64(int64_t v)
{
    return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline void sp_write_uvarlong(sp_writer *w, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = sp_put_uvarlong(tmp, v);
    sp_write_raw(w, tmp, n);
}

static inline void sp_write_uvarint(sp_writer *w, uint32_t v)
{
    sp_write_uvarlong(w, v);
}

static inline void sp_write_varint(sp_writer *w, int32_t v)
{
    sp_write_uvarlong(w, sp_zigzag32(v));
}

static inline void sp_write_varlong(sp_writer *w, int64_t v)
{
    sp_write_uvarlong(w, sp_zigzag64(v));
}

static inline void sp_write_uuid(sp_writer *w, const sp_uuid *u)
{
    sp_write_raw(w, u->b, 16);
}

/*
 * Strings and bytes. A NULL pointer writes null where the form allows it
 * (n-variants); the non-nullable forms refuse NULL with INVALID_ARG.
 * len is the byte count (strings are not NUL-terminated on the wire).
 */
void sp_write_string(sp_writer *w, const char *s, size_t len);
void sp_write_nstring(sp_writer *w, const char *s, size_t len);
void sp_write_compact_string(sp_writer *w, const char *s, size_t len);
void sp_write_compact_nstring(sp_writer *w, const char *s, size_t len);
void sp_write_bytes(sp_writer *w, const void *b, size_t len);
void sp_write_nbytes(sp_writer *w, const void *b, size_t len);
void sp_write_compact_bytes(sp_writer *w, const void *b, size_t len);
void sp_write_compact_nbytes(sp_writer *w, const void *b, size_t len);

/* NUL-terminated convenience forms (NULL = null for the n-variants). */
void sp_write_str(sp_writer *w, const char *s);
void sp_write_nstr(sp_writer *w, const char *s);
void sp_write_compact_str(sp_writer *w, const char *s);
void sp_write_compact_nstr(sp_writer *w, const char *s);

/* Array counts; -1 writes a null array. */
void sp_write_array_len(sp_writer *w, int32_t n);
void sp_write_compact_array_len(sp_writer *w, int32_t n);

/* An empty tagged-field section (flexible versions). */
static inline void sp_write_empty_tags(sp_writer *w)
{
    sp_write_i8(w, 0);
}

/* Overwrite 4 bytes already written at offset off (length prefixes, CRCs). */
static inline void sp_writer_patch_u32(sp_writer *w, size_t off, uint32_t v)
{
    if (!w->err && off <= w->len && w->len - off >= 4)
        sp_put_u32(w->buf + off, v);
}

#endif
