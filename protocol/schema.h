/*
 * protocol/schema.h - table-driven codec for Kafka request/response bodies.
 *
 * Each message is described by hand-written tables (one per struct) that
 * mirror Kafka's JSON schema: field name, type, the versions the field is
 * present in, the versions it is nullable in, its tag (for tagged fields)
 * and where it lives in a plain C struct. One engine encodes and decodes
 * every message from those tables, so the tables are the codec: the
 * conformance test (test/conformance/) compares them with Kafka's own JSON
 * schemas, and what it checks is exactly what goes on the wire.
 *
 * C representation of each schema type:
 *   bool -> bool, int8/16/32/64 -> int8_t..int64_t, uint16/32 -> uint16_t,
 *   uint32_t, float64 -> double, uuid -> sp_uuid, string -> sp_str,
 *   bytes and records -> sp_bytes, struct -> pointer to the struct (NULL =
 *   null or absent), []T -> SP_ARRAY(T) { int32_t count; T *items; } with
 *   count -1 for a null array.
 *
 * Decoding: strings, bytes and records are views into the input buffer;
 * structs and arrays are allocated from the caller's arena (one free for
 * the whole response). Array counts are capped by SP_SCHEMA_MAX_COUNT and
 * by the bytes left; nesting is bounded by the tables themselves. Fields
 * absent in the decoded version get their schema default. The whole input
 * must be used: leftover bytes are SAMSA_ERR_TRAILING_BYTES.
 *
 * Encoding: fields absent in the version are skipped; tagged fields are
 * written only when they differ from their default (as Kafka does);
 * a null value where the version does not allow null is INVALID_ARG.
 *
 * Thread rules: tables are const; the engine is reentrant.
 */
#ifndef SP_SCHEMA_H
#define SP_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "reader.h"
#include "writer.h"

#define SP_SCHEMA_MAX_COUNT (1 << 24)
#define SP_VMAX INT16_MAX /* open-ended version range ("3+") */

typedef enum sp_type {
    SP_T_BOOL = 1,
    SP_T_INT8,
    SP_T_INT16,
    SP_T_UINT16,
    SP_T_INT32,
    SP_T_UINT32,
    SP_T_INT64,
    SP_T_FLOAT64,
    SP_T_UUID,
    SP_T_STRING,
    SP_T_BYTES,
    SP_T_RECORDS,
    SP_T_STRUCT,
    SP_T_ARRAY
} sp_type;

#define SP_ARRAY(T)      \
    struct {             \
        int32_t count;   \
        T *items;        \
    }

typedef SP_ARRAY(void) sp_array;

struct sp_struct_desc;

typedef struct sp_field {
    const char *name;      /* Kafka's field name, e.g. "ErrorCode" */
    uint8_t type;          /* sp_type */
    uint8_t elem;          /* element sp_type for SP_T_ARRAY */
    int16_t vmin, vmax;    /* versions the field is present in */
    bool has_null;         /* nullable in versions nmin..nmax */
    bool has_tag;          /* tagged (number `tag`) from version tag_vmin */
    int16_t nmin, nmax;
    int16_t tag_vmin;
    int32_t tag;
    uint16_t offset;       /* offsetof the member in the C struct */
    const struct sp_struct_desc *sub; /* struct or struct-array element */
    const char *def;       /* default as in the schema ("-1", "true", "null") */
} sp_field;

typedef struct sp_struct_desc {
    const char *name; /* struct name in the schema ("Topic", ...) */
    uint16_t size;    /* sizeof the C struct */
    uint16_t nfields;
    const sp_field *fields;
} sp_struct_desc;

typedef struct sp_msg_desc {
    const char *name;  /* "FetchRequest" */
    int16_t api_key;
    int16_t vmin, vmax;  /* versions samsa implements */
    int16_t flex_min;    /* first flexible version, SP_VMAX if none */
    const sp_struct_desc *body;
} sp_msg_desc;

/*
 * Table-building helpers. A field entry is
 *   SP_F(CStruct, member, "KafkaName", SP_T_x, vmin, vmax [, modifiers])
 * with vmax = SP_VMAX for an open range ("3+") and optional modifiers:
 *   SP_NULL(n0, n1)   nullable in versions n0..n1
 *   SP_TAG(t, v0)     tagged field number t from version v0
 *   SP_ELEM(ty, sub)  array element type (and struct description or NULL)
 *   SP_SUB(sub)       struct description of a struct field
 *   SP_DEF("x")       schema default ("-1", "true", "null", ...)
 */
#define SP_F(ST, member, nm, ty, v0, v1, ...)                                 \
    { .name = nm, .type = ty, .vmin = v0, .vmax = v1,                        \
      .offset = (uint16_t)offsetof(ST, member), __VA_ARGS__ }
#define SP_NULL(n0, n1) .has_null = true, .nmin = n0, .nmax = n1
#define SP_TAG(t, v0) .has_tag = true, .tag = t, .tag_vmin = v0
#define SP_ELEM(ty, s) .elem = ty, .sub = s
#define SP_SUB(s) .sub = s
#define SP_DEF(d) .def = d
#define SP_STRUCT_DESC(var, nm, ST, fieldarr)                                 \
    const sp_struct_desc var = { nm, (uint16_t)sizeof(ST),                     \
        (uint16_t)(sizeof(fieldarr) / sizeof((fieldarr)[0])), fieldarr }

/* Encode obj (a struct described by d->body) as the body of version v. */
int sp_schema_encode(sp_writer *w, const sp_msg_desc *d, int16_t v,
                     const void *obj);

/* Decode buf[0..len) as the body of version v into obj (d->body->size
 * bytes, zeroed first). Arrays and structs come from arena. */
int sp_schema_decode(const sp_msg_desc *d, int16_t v, void *obj,
                     sp_arena *arena, const uint8_t *buf, size_t len);

/* Decode from a reader positioned at the body; leaves the reader after it
 * (no end-of-input check): for bodies embedded in other data. */
int sp_schema_decode_reader(const sp_msg_desc *d, int16_t v, void *obj,
                            sp_arena *arena, sp_reader *r);

/* True when version v of d is flexible (compact forms, tagged fields). */
static inline bool sp_schema_flexible(const sp_msg_desc *d, int16_t v)
{
    return v >= d->flex_min;
}

/* String view of a NUL-terminated C string (NULL -> null view). */
static inline sp_str sp_str_of(const char *s)
{
    sp_str v;
    v.ptr = s;
    v.len = s ? (int32_t)strlen(s) : -1;
    return v;
}

#endif
