/* protocol/schema.c - the table-driven codec engine; see schema.h. */
#include <stdlib.h>
#include <string.h>

#include "schema.h"

/* ---------------------------------------------------------------- helpers */

static bool present(const sp_field *f, int16_t v)
{
    return v >= f->vmin && v <= f->vmax;
}

static bool nullable(const sp_field *f, int16_t v)
{
    return f->has_null && v >= f->nmin && v <= f->nmax;
}

static bool tagged(const sp_field *f, int16_t v)
{
    return f->has_tag && v >= f->tag_vmin;
}

static size_t elem_size(uint8_t type, const sp_struct_desc *sub)
{
    switch (type) {
    case SP_T_BOOL: return sizeof(bool);
    case SP_T_INT8: return 1;
    case SP_T_INT16: case SP_T_UINT16: return 2;
    case SP_T_INT32: case SP_T_UINT32: return 4;
    case SP_T_INT64: return 8;
    case SP_T_FLOAT64: return sizeof(double);
    case SP_T_UUID: return sizeof(sp_uuid);
    case SP_T_STRING: return sizeof(sp_str);
    case SP_T_BYTES: case SP_T_RECORDS: return sizeof(sp_bytes);
    case SP_T_STRUCT: return sub ? sub->size : 0;
    default: return 0;
    }
}

static size_t min_wire_size(uint8_t type, const sp_struct_desc *sub,
                            int16_t v, bool flex);

/* Smallest number of bytes one struct can occupy on the wire. */
static size_t struct_min_wire(const sp_struct_desc *sd, int16_t v, bool flex)
{
    size_t n = flex ? 1 : 0; /* tagged-field count */
    uint16_t i;

    for (i = 0; i < sd->nfields; i++) {
        const sp_field *f = &sd->fields[i];
        if (!present(f, v) || tagged(f, v))
            continue;
        if (f->type == SP_T_STRUCT && nullable(f, v))
            n += 1;
        else if (f->type == SP_T_ARRAY)
            n += flex ? 1 : 4;
        else
            n += min_wire_size(f->type, f->sub, v, flex);
    }
    return n ? n : 1;
}

static size_t min_wire_size(uint8_t type, const sp_struct_desc *sub,
                            int16_t v, bool flex)
{
    switch (type) {
    case SP_T_BOOL: case SP_T_INT8: return 1;
    case SP_T_INT16: case SP_T_UINT16: return 2;
    case SP_T_INT32: case SP_T_UINT32: return 4;
    case SP_T_INT64: case SP_T_FLOAT64: return 8;
    case SP_T_UUID: return 16;
    case SP_T_STRING: return flex ? 1 : 2;
    case SP_T_BYTES: case SP_T_RECORDS: return flex ? 1 : 4;
    case SP_T_ARRAY: return flex ? 1 : 4;
    case SP_T_STRUCT: return sub ? struct_min_wire(sub, v, flex) : 1;
    default: return 1;
    }
}

static int64_t def_int(const sp_field *f)
{
    return f->def ? strtoll(f->def, NULL, 0) : 0;
}

static bool def_is_null(const sp_field *f)
{
    return f->def && strcmp(f->def, "null") == 0;
}

/* Store the schema default of f at p. */
static void set_default(const sp_field *f, uint8_t *p)
{
    switch (f->type) {
    case SP_T_BOOL:
        *(bool *)p = f->def && strcmp(f->def, "true") == 0;
        break;
    case SP_T_INT8: *(int8_t *)p = (int8_t)def_int(f); break;
    case SP_T_INT16: *(int16_t *)p = (int16_t)def_int(f); break;
    case SP_T_UINT16: *(uint16_t *)p = (uint16_t)def_int(f); break;
    case SP_T_INT32: *(int32_t *)p = (int32_t)def_int(f); break;
    case SP_T_UINT32: *(uint32_t *)p = (uint32_t)def_int(f); break;
    case SP_T_INT64: *(int64_t *)p = def_int(f); break;
    case SP_T_FLOAT64: *(double *)p = f->def ? strtod(f->def, NULL) : 0.0; break;
    case SP_T_UUID: memset(p, 0, sizeof(sp_uuid)); break;
    case SP_T_STRING: {
        sp_str s = { "", 0 };
        if (def_is_null(f))
            s.ptr = NULL, s.len = -1;
        else if (f->def)
            s.ptr = f->def, s.len = (int32_t)strlen(f->def);
        memcpy(p, &s, sizeof s);
        break;
    }
    case SP_T_BYTES: case SP_T_RECORDS: {
        sp_bytes b = { NULL, 0 };
        if (f->type == SP_T_RECORDS || def_is_null(f))
            b.len = -1;
        memcpy(p, &b, sizeof b);
        break;
    }
    case SP_T_STRUCT: {
        void *np = NULL;
        memcpy(p, &np, sizeof np);
        break;
    }
    case SP_T_ARRAY: {
        sp_array a = { def_is_null(f) ? -1 : 0, NULL };
        memcpy(p, &a, sizeof a);
        break;
    }
    }
}

/* True when the value at p equals the field's default (tagged fields). */
static bool is_default(const sp_field *f, const uint8_t *p)
{
    switch (f->type) {
    case SP_T_BOOL: return *(const bool *)p == (f->def && strcmp(f->def, "true") == 0);
    case SP_T_INT8: return *(const int8_t *)p == (int8_t)def_int(f);
    case SP_T_INT16: return *(const int16_t *)p == (int16_t)def_int(f);
    case SP_T_UINT16: return *(const uint16_t *)p == (uint16_t)def_int(f);
    case SP_T_INT32: return *(const int32_t *)p == (int32_t)def_int(f);
    case SP_T_UINT32: return *(const uint32_t *)p == (uint32_t)def_int(f);
    case SP_T_INT64: return *(const int64_t *)p == def_int(f);
    case SP_T_FLOAT64: return *(const double *)p == (f->def ? strtod(f->def, NULL) : 0.0);
    case SP_T_UUID: {
        static const uint8_t zero[16];
        return memcmp(p, zero, 16) == 0;
    }
    case SP_T_STRING: {
        sp_str s;
        memcpy(&s, p, sizeof s);
        if (def_is_null(f))
            return s.len < 0;
        if (s.len < 0)
            return false;
        return sp_str_eq(s, f->def ? f->def : "");
    }
    case SP_T_BYTES: case SP_T_RECORDS: {
        sp_bytes b;
        memcpy(&b, p, sizeof b);
        return def_is_null(f) || f->type == SP_T_RECORDS ? b.len < 0 : b.len == 0;
    }
    case SP_T_STRUCT: {
        void *sp;
        memcpy(&sp, p, sizeof sp);
        return sp == NULL;
    }
    case SP_T_ARRAY: {
        sp_array a;
        memcpy(&a, p, sizeof a);
        return def_is_null(f) ? a.count < 0 : a.count == 0;
    }
    }
    return true;
}

/* ---------------------------------------------------------------- encode */

static void encode_struct(sp_writer *w, const sp_struct_desc *sd, int16_t v,
                          bool flex, const uint8_t *obj);

static void encode_scalar(sp_writer *w, uint8_t type, const sp_struct_desc *sub,
                          bool nul, int16_t v, bool flex, const uint8_t *p)
{
    switch (type) {
    case SP_T_BOOL: sp_write_bool(w, *(const bool *)p); break;
    case SP_T_INT8: sp_write_i8(w, *(const int8_t *)p); break;
    case SP_T_INT16: sp_write_i16(w, *(const int16_t *)p); break;
    case SP_T_UINT16: sp_write_u16(w, *(const uint16_t *)p); break;
    case SP_T_INT32: sp_write_i32(w, *(const int32_t *)p); break;
    case SP_T_UINT32: sp_write_u32(w, *(const uint32_t *)p); break;
    case SP_T_INT64: sp_write_i64(w, *(const int64_t *)p); break;
    case SP_T_FLOAT64: sp_write_f64(w, *(const double *)p); break;
    case SP_T_UUID: sp_write_raw(w, p, 16); break;
    case SP_T_STRING: {
        sp_str s;
        memcpy(&s, p, sizeof s);
        if (s.len < 0 && !nul) {
            sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
            break;
        }
        if (flex)
            sp_write_compact_nstring(w, s.len < 0 ? NULL : (s.ptr ? s.ptr : ""), s.len < 0 ? 0 : (size_t)s.len);
        else
            sp_write_nstring(w, s.len < 0 ? NULL : (s.ptr ? s.ptr : ""), s.len < 0 ? 0 : (size_t)s.len);
        break;
    }
    case SP_T_BYTES: case SP_T_RECORDS: {
        sp_bytes b;
        memcpy(&b, p, sizeof b);
        if (b.len < 0 && !nul) {
            sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
            break;
        }
        if (flex)
            sp_write_compact_nbytes(w, b.len < 0 ? NULL : (b.ptr ? (const void *)b.ptr : ""), b.len < 0 ? 0 : (size_t)b.len);
        else
            sp_write_nbytes(w, b.len < 0 ? NULL : (b.ptr ? (const void *)b.ptr : ""), b.len < 0 ? 0 : (size_t)b.len);
        break;
    }
    case SP_T_STRUCT: {
        const uint8_t *sp;
        memcpy(&sp, p, sizeof sp);
        if (nul) {
            sp_write_i8(w, sp ? 1 : -1);
            if (!sp)
                break;
        } else if (!sp) {
            sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
            break;
        }
        encode_struct(w, sub, v, flex, sp);
        break;
    }
    default:
        sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
    }
}

static void encode_value(sp_writer *w, const sp_field *f, int16_t v, bool flex,
                         const uint8_t *p)
{
    sp_array a;
    size_t es;
    int32_t i;

    if (f->type != SP_T_ARRAY) {
        encode_scalar(w, f->type, f->sub, nullable(f, v), v, flex, p);
        return;
    }
    memcpy(&a, p, sizeof a);
    if (a.count < 0) {
        if (!nullable(f, v)) {
            sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
            return;
        }
        if (flex)
            sp_write_compact_array_len(w, -1);
        else
            sp_write_array_len(w, -1);
        return;
    }
    if (flex)
        sp_write_compact_array_len(w, a.count);
    else
        sp_write_array_len(w, a.count);
    es = elem_size(f->elem, f->sub);
    if (a.count > 0 && !a.items) {
        sp_writer_fail(w, SAMSA_ERR_INVALID_ARG);
        return;
    }
    for (i = 0; i < a.count && !w->err; i++) {
        const uint8_t *ep = (const uint8_t *)a.items + (size_t)i * es;
        if (f->elem == SP_T_STRUCT)
            encode_struct(w, f->sub, v, flex, ep);
        else
            encode_scalar(w, f->elem, NULL, false, v, flex, ep);
    }
}

static void encode_struct(sp_writer *w, const sp_struct_desc *sd, int16_t v,
                          bool flex, const uint8_t *obj)
{
    uint16_t i;
    uint32_t ntags = 0;

    for (i = 0; i < sd->nfields && !w->err; i++) {
        const sp_field *f = &sd->fields[i];
        if (!present(f, v) || tagged(f, v))
            continue;
        encode_value(w, f, v, flex, obj + f->offset);
    }
    if (!flex || w->err)
        return;
    for (i = 0; i < sd->nfields; i++) {
        const sp_field *f = &sd->fields[i];
        if (present(f, v) && tagged(f, v) && !is_default(f, obj + f->offset))
            ntags++;
    }
    sp_write_uvarint(w, ntags);
    for (i = 0; i < sd->nfields && ntags && !w->err; i++) {
        const sp_field *f = &sd->fields[i];
        sp_writer tmp;

        if (!present(f, v) || !tagged(f, v) || is_default(f, obj + f->offset))
            continue;
        sp_writer_init(&tmp, w->alloc, w->max);
        encode_value(&tmp, f, v, flex, obj + f->offset);
        if (tmp.err) {
            sp_writer_fail(w, tmp.err);
        } else {
            sp_write_uvarint(w, (uint32_t)f->tag);
            sp_write_uvarint(w, (uint32_t)tmp.len);
            sp_write_raw(w, tmp.buf, tmp.len);
        }
        sp_writer_free(&tmp);
    }
}

int sp_schema_encode(sp_writer *w, const sp_msg_desc *d, int16_t v,
                     const void *obj)
{
    if (v < d->vmin || v > d->vmax)
        return SAMSA_ERR_INVALID_ARG;
    encode_struct(w, d->body, v, sp_schema_flexible(d, v),
                  (const uint8_t *)obj);
    return w->err;
}

/* ---------------------------------------------------------------- decode */

typedef struct dec {
    sp_arena *arena;
    int16_t v;
    bool flex;
} dec;

static void decode_struct(sp_reader *r, const dec *c, const sp_struct_desc *sd,
                          uint8_t *obj);

static void decode_scalar(sp_reader *r, const dec *c, uint8_t type,
                          const sp_struct_desc *sub, bool nul, uint8_t *p)
{
    switch (type) {
    case SP_T_BOOL: *(bool *)p = sp_read_bool(r); break;
    case SP_T_INT8: *(int8_t *)p = sp_read_i8(r); break;
    case SP_T_INT16: *(int16_t *)p = sp_read_i16(r); break;
    case SP_T_UINT16: *(uint16_t *)p = sp_read_u16(r); break;
    case SP_T_INT32: *(int32_t *)p = sp_read_i32(r); break;
    case SP_T_UINT32: *(uint32_t *)p = sp_read_u32(r); break;
    case SP_T_INT64: *(int64_t *)p = sp_read_i64(r); break;
    case SP_T_FLOAT64: *(double *)p = sp_read_f64(r); break;
    case SP_T_UUID: sp_read_uuid(r, (sp_uuid *)p); break;
    case SP_T_STRING: {
        sp_str s;
        if (c->flex)
            s = nul ? sp_read_compact_nstring(r) : sp_read_compact_string(r);
        else
            s = nul ? sp_read_nstring(r) : sp_read_string(r);
        memcpy(p, &s, sizeof s);
        break;
    }
    case SP_T_BYTES: case SP_T_RECORDS: {
        sp_bytes b;
        if (c->flex)
            b = nul ? sp_read_compact_nbytes(r) : sp_read_compact_bytes(r);
        else
            b = nul ? sp_read_nbytes(r) : sp_read_bytes(r);
        memcpy(p, &b, sizeof b);
        break;
    }
    case SP_T_STRUCT: {
        uint8_t *sp = NULL;
        if (nul) {
            int8_t marker = sp_read_i8(r);
            if (r->err || marker < 0) {
                memcpy(p, &sp, sizeof sp);
                break;
            }
        }
        sp = (uint8_t *)sp_arena_alloc(c->arena, sub->size);
        if (!sp) {
            sp_reader_fail(r, c->arena->err);
            break;
        }
        memcpy(p, &sp, sizeof sp);
        decode_struct(r, c, sub, sp);
        break;
    }
    default:
        sp_reader_fail(r, SAMSA_ERR_MALFORMED);
    }
}

static void decode_value(sp_reader *r, const dec *c, const sp_field *f,
                         uint8_t *p)
{
    sp_array a = { 0, NULL };
    size_t es, minw;
    int32_t n, i;

    if (f->type != SP_T_ARRAY) {
        decode_scalar(r, c, f->type, f->sub, nullable(f, c->v), p);
        return;
    }
    n = c->flex ? sp_read_compact_array_len(r, SP_SCHEMA_MAX_COUNT)
                : sp_read_array_len(r, SP_SCHEMA_MAX_COUNT);
    if (r->err)
        return;
    if (n < 0) {
        if (!nullable(f, c->v))
            sp_reader_fail(r, SAMSA_ERR_MALFORMED);
        a.count = -1;
        memcpy(p, &a, sizeof a);
        return;
    }
    /* every element needs at least minw bytes: a count the input cannot
     * hold is refused before anything is allocated for it */
    minw = min_wire_size(f->elem, f->sub, c->v, c->flex);
    if ((uint64_t)n * minw > sp_reader_left(r)) {
        sp_reader_fail(r, SAMSA_ERR_TRUNCATED);
        return;
    }
    es = elem_size(f->elem, f->sub);
    if (n > 0) {
        a.items = sp_arena_array(c->arena, (size_t)n, es);
        if (!a.items) {
            sp_reader_fail(r, c->arena->err);
            return;
        }
    }
    a.count = n;
    memcpy(p, &a, sizeof a);
    for (i = 0; i < n && !r->err; i++) {
        uint8_t *ep = (uint8_t *)a.items + (size_t)i * es;
        if (f->elem == SP_T_STRUCT)
            decode_struct(r, c, f->sub, ep);
        else
            decode_scalar(r, c, f->elem, NULL, false, ep);
    }
}

typedef struct tag_ctx {
    const dec *c;
    const sp_struct_desc *sd;
    uint8_t *obj;
} tag_ctx;

static int on_tag(void *vctx, uint32_t tag, sp_reader *field)
{
    tag_ctx *t = (tag_ctx *)vctx;
    uint16_t i;

    for (i = 0; i < t->sd->nfields; i++) {
        const sp_field *f = &t->sd->fields[i];
        if (f->has_tag && f->tag == (int32_t)tag && present(f, t->c->v) &&
            tagged(f, t->c->v)) {
            decode_value(field, t->c, f, t->obj + f->offset);
            return field->err;
        }
    }
    return 1; /* unknown tag: skipped */
}

static void decode_struct(sp_reader *r, const dec *c, const sp_struct_desc *sd,
                          uint8_t *obj)
{
    uint16_t i;

    for (i = 0; i < sd->nfields; i++) {
        const sp_field *f = &sd->fields[i];
        if (!present(f, c->v) || tagged(f, c->v))
            set_default(f, obj + f->offset);
    }
    for (i = 0; i < sd->nfields && !r->err; i++) {
        const sp_field *f = &sd->fields[i];
        if (present(f, c->v) && !tagged(f, c->v))
            decode_value(r, c, f, obj + f->offset);
    }
    if (c->flex && !r->err) {
        tag_ctx t = { c, sd, obj };
        sp_read_tagged_fields(r, on_tag, &t);
    }
}

int sp_schema_decode_reader(const sp_msg_desc *d, int16_t v, void *obj,
                            sp_arena *arena, sp_reader *r)
{
    dec c;

    memset(obj, 0, d->body->size);
    if (v < d->vmin || v > d->vmax)
        return sp_reader_fail(r, SAMSA_ERR_INVALID_ARG);
    c.arena = arena;
    c.v = v;
    c.flex = sp_schema_flexible(d, v);
    decode_struct(r, &c, d->body, (uint8_t *)obj);
    return r->err;
}

int sp_schema_decode(const sp_msg_desc *d, int16_t v, void *obj,
                     sp_arena *arena, const uint8_t *buf, size_t len)
{
    sp_reader r;

    sp_reader_init(&r, buf, len);
    if (sp_schema_decode_reader(d, v, obj, arena, &r) != 0)
        return r.err;
    return sp_reader_finish(&r);
}
