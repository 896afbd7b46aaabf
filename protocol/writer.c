/* protocol/writer.c - see writer.h. */
#include "writer.h"
#include "alloc.h"

void sp_writer_init(sp_writer *w, const samsa_allocator *alloc, size_t max)
{
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    w->max = max;
    w->err = 0;
    w->fixed = false;
    w->alloc = alloc;
}

void sp_writer_init_fixed(sp_writer *w, void *buf, size_t cap)
{
    w->buf = (uint8_t *)buf;
    w->len = 0;
    w->cap = cap;
    w->max = cap;
    w->err = 0;
    w->fixed = true;
    w->alloc = NULL;
}

void sp_writer_free(sp_writer *w)
{
    if (!w->fixed)
        sp_free(w->alloc, w->buf);
    if (!w->fixed) {
        w->buf = NULL;
        w->cap = 0;
    }
    w->len = 0;
}

void sp_writer_reset(sp_writer *w)
{
    w->len = 0;
    w->err = 0;
}

uint8_t *sp_writer_detach(sp_writer *w, size_t *len)
{
    uint8_t *buf;

    if (w->fixed || w->err)
        return NULL;
    buf = w->buf;
    if (len)
        *len = w->len;
    w->buf = NULL;
    w->len = 0;
    w->cap = 0;
    return buf;
}

bool sp_writer_grow(sp_writer *w, size_t n)
{
    size_t need, cap;
    uint8_t *nb;

    if (w->err)
        return false;
    if (w->max - w->len < n || w->fixed) {
        if (w->cap - w->len >= n)
            return true;
        sp_writer_fail(w, SAMSA_ERR_BUFFER_FULL);
        return false;
    }
    need = w->len + n;
    if (need <= w->cap)
        return true;
    cap = w->cap ? w->cap : 256;
    while (cap < need)
        cap = cap > w->max / 2 ? w->max : cap * 2;
    if (cap > w->max)
        cap = w->max;
    nb = (uint8_t *)sp_realloc(w->alloc, w->buf, cap);
    if (!nb) {
        sp_writer_fail(w, SAMSA_ERR_NO_MEMORY);
        return false;
    }
    w->buf = nb;
    w->cap = cap;
    return true;
}

static void put_string(sp_writer *w, const char *s, size_t len, bool compact,
                       bool nullable)
{
    if (!s) {
        if (!nullable)
            sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        else if (compact)
            sp_write_uvarint(w, 0);
        else
            sp_write_i16(w, -1);
        return;
    }
    if (len > INT16_MAX) {
        sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        return;
    }
    if (compact)
        sp_write_uvarint(w, (uint32_t)len + 1);
    else
        sp_write_i16(w, (int16_t)len);
    sp_write_raw(w, s, len);
}

static void put_bytes(sp_writer *w, const void *b, size_t len, bool compact,
                      bool nullable)
{
    if (!b) {
        if (!nullable)
            sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        else if (compact)
            sp_write_uvarint(w, 0);
        else
            sp_write_i32(w, -1);
        return;
    }
    if (len > (size_t)INT32_MAX - 1) {
        sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        return;
    }
    if (compact)
        sp_write_uvarint(w, (uint32_t)len + 1);
    else
        sp_write_i32(w, (int32_t)len);
    sp_write_raw(w, b, len);
}

void sp_write_string(sp_writer *w, const char *s, size_t len)
{
    put_string(w, s, len, false, false);
}

void sp_write_nstring(sp_writer *w, const char *s, size_t len)
{
    put_string(w, s, len, false, true);
}

void sp_write_compact_string(sp_writer *w, const char *s, size_t len)
{
    put_string(w, s, len, true, false);
}

void sp_write_compact_nstring(sp_writer *w, const char *s, size_t len)
{
    put_string(w, s, len, true, true);
}

void sp_write_bytes(sp_writer *w, const void *b, size_t len)
{
    put_bytes(w, b, len, false, false);
}

void sp_write_nbytes(sp_writer *w, const void *b, size_t len)
{
    put_bytes(w, b, len, false, true);
}

void sp_write_compact_bytes(sp_writer *w, const void *b, size_t len)
{
    put_bytes(w, b, len, true, false);
}

void sp_write_compact_nbytes(sp_writer *w, const void *b, size_t len)
{
    put_bytes(w, b, len, true, true);
}

void sp_write_str(sp_writer *w, const char *s)
{
    put_string(w, s, s ? strlen(s) : 0, false, false);
}

void sp_write_nstr(sp_writer *w, const char *s)
{
    put_string(w, s, s ? strlen(s) : 0, false, true);
}

void sp_write_compact_str(sp_writer *w, const char *s)
{
    put_string(w, s, s ? strlen(s) : 0, true, false);
}

void sp_write_compact_nstr(sp_writer *w, const char *s)
{
    put_string(w, s, s ? strlen(s) : 0, true, true);
}

void sp_write_array_len(sp_writer *w, int32_t n)
{
    if (n < -1) {
        sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        return;
    }
    sp_write_i32(w, n);
}

void sp_write_compact_array_len(sp_writer *w, int32_t n)
{
    if (n < -1) {
        sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        return;
    }
    sp_write_uvarint(w, (uint32_t)(n + 1));
}
