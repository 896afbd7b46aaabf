/* protocol/reader.c - see reader.h. */
#include "reader.h"

void sp_read_uuid(sp_reader *r, sp_uuid *out)
{
    const uint8_t *p = sp_read_raw(r, 16);
    if (p)
        memcpy(out->b, p, 16);
    else
        memset(out->b, 0, 16);
}

static sp_str str_view(sp_reader *r, int64_t len, bool nullable)
{
    sp_str s = { NULL, -1 };
    const uint8_t *p;

    if (len < 0) {
        if (len != -1 || !nullable)
            sp_reader_fail(r, SAMSA_ERR_MALFORMED);
        return s;
    }
    p = sp_read_raw(r, (size_t)len);
    if (!p)
        return s;
    s.ptr = (const char *)p;
    s.len = (int32_t)len;
    return s;
}

static sp_bytes bytes_view(sp_reader *r, int64_t len, bool nullable)
{
    sp_str s = str_view(r, len, nullable);
    sp_bytes b = { (const uint8_t *)s.ptr, s.len };
    return b;
}

sp_str sp_read_string(sp_reader *r)
{
    return str_view(r, sp_read_i16(r), false);
}

sp_str sp_read_nstring(sp_reader *r)
{
    return str_view(r, sp_read_i16(r), true);
}

/* See reader.h. */
sp_uvar_res sp_get_uvar_slow(const uint8_t *p, const uint8_t *end, unsigned max)
{
    size_t avail = (size_t)(end - p);
    unsigned n = avail < max ? (unsigned)avail : max, i;
    sp_uvar_res r = { 0, SAMSA_ERR_TRUNCATED };

    for (i = 0; i < n; i++) {
        uint8_t b = p[i];
        r.v |= (uint64_t)(b & 0x7F) << (7 * i);
        if (b < 0x80) {
            if (i == max - 1 && b > (max == 5 ? 0x0F : 0x01))
                break; /* too wide: overflow below */
            r.n = (int)i + 1;
            return r;
        }
    }
    r.v = 0;
    r.n = n == max ? SAMSA_ERR_VARINT_OVERFLOW : SAMSA_ERR_TRUNCATED;
    return r;
}

/* Compact lengths are uvarint(N + 1); zero encodes null. */
static int64_t compact_len(sp_reader *r)
{
    return (int64_t)sp_read_uvarint(r) - 1;
}

sp_str sp_read_compact_string(sp_reader *r)
{
    int64_t n = compact_len(r);
    /* a string is at most 32767 bytes in every form */
    if (n > INT16_MAX)
        sp_reader_fail(r, SAMSA_ERR_MALFORMED);
    return str_view(r, n, false);
}

sp_str sp_read_compact_nstring(sp_reader *r)
{
    int64_t n = compact_len(r);
    if (n > INT16_MAX)
        sp_reader_fail(r, SAMSA_ERR_MALFORMED);
    return str_view(r, n, true);
}

sp_bytes sp_read_bytes(sp_reader *r)
{
    return bytes_view(r, sp_read_i32(r), false);
}

sp_bytes sp_read_nbytes(sp_reader *r)
{
    return bytes_view(r, sp_read_i32(r), true);
}

sp_bytes sp_read_compact_bytes(sp_reader *r)
{
    int64_t n = compact_len(r);
    if (n > INT32_MAX)
        sp_reader_fail(r, SAMSA_ERR_MALFORMED);
    return bytes_view(r, n, false);
}

sp_bytes sp_read_compact_nbytes(sp_reader *r)
{
    int64_t n = compact_len(r);
    if (n > INT32_MAX)
        sp_reader_fail(r, SAMSA_ERR_MALFORMED);
    return bytes_view(r, n, true);
}

static int32_t check_count(sp_reader *r, int64_t n, int32_t max)
{
    if (r->err)
        return 0;
    if (n == -1)
        return -1;
    if (n < -1) {
        sp_reader_fail(r, SAMSA_ERR_MALFORMED);
        return 0;
    }
    if (n > max) {
        sp_reader_fail(r, SAMSA_ERR_LIMIT);
        return 0;
    }
    if ((uint64_t)n > sp_reader_left(r)) {
        sp_reader_fail(r, SAMSA_ERR_TRUNCATED);
        return 0;
    }
    return (int32_t)n;
}

int32_t sp_read_array_len(sp_reader *r, int32_t max)
{
    return check_count(r, sp_read_i32(r), max);
}

int32_t sp_read_compact_array_len(sp_reader *r, int32_t max)
{
    return check_count(r, compact_len(r), max);
}

void sp_read_tagged_fields(sp_reader *r, sp_tag_fn fn, void *ctx)
{
    uint32_t count = sp_read_uvarint(r);
    uint32_t i;
    int64_t last_tag = -1;

    if (r->err)
        return;
    /* each field takes at least two bytes (tag, size) */
    if (count > sp_reader_left(r) / 2) {
        sp_reader_fail(r, SAMSA_ERR_TRUNCATED);
        return;
    }
    for (i = 0; i < count && !r->err; i++) {
        uint32_t tag = sp_read_uvarint(r);
        uint32_t size = sp_read_uvarint(r);
        const uint8_t *body;
        sp_reader field;
        int rc;

        if (r->err)
            return;
        if ((int64_t)tag <= last_tag) {
            sp_reader_fail(r, SAMSA_ERR_MALFORMED);
            return;
        }
        last_tag = tag;
        body = sp_read_raw(r, size);
        if (!body)
            return;
        if (!fn)
            continue;
        sp_reader_init(&field, body, size);
        rc = fn(ctx, tag, &field);
        if (rc == 1)
            continue;
        if (rc == 0)
            rc = sp_reader_finish(&field);
        if (rc != 0)
            sp_reader_fail(r, rc);
    }
}

bool sp_str_eq(sp_str s, const char *cstr)
{
    size_t n;

    if (s.len < 0 || !cstr)
        return s.len < 0 && !cstr;
    n = strlen(cstr);
    return n == (size_t)s.len && (n == 0 || memcmp(s.ptr, cstr, n) == 0);
}
