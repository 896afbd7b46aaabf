/*
 * Layout check of every schema table in the API table against its C
 * struct: the conformance test compares the tables with Kafka's JSON, but
 * only the compiler knows the C side. Here every field's C footprint (from
 * its schema type: int32 -> 4 bytes, string -> sp_str, struct -> pointer,
 * array -> SP_ARRAY) must lie inside its struct, be aligned for its type,
 * and not overlap another field of the same table, which catches a field
 * declared wider than its member (e.g. int64 over an int32_t). Two tables
 * may describe one C struct (OffsetFetch's partition forms), so overlaps
 * are checked per table.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "api.h"

static size_t type_size(uint8_t t, size_t *align)
{
    switch (t) {
    case SP_T_BOOL: *align = alignof(bool); return sizeof(bool);
    case SP_T_INT8: *align = 1; return 1;
    case SP_T_INT16: case SP_T_UINT16: *align = 2; return 2;
    case SP_T_INT32: case SP_T_UINT32: *align = 4; return 4;
    case SP_T_INT64: *align = alignof(int64_t); return 8;
    case SP_T_FLOAT64: *align = alignof(double); return sizeof(double);
    case SP_T_UUID: *align = alignof(sp_uuid); return sizeof(sp_uuid);
    case SP_T_STRING: *align = alignof(sp_str); return sizeof(sp_str);
    case SP_T_BYTES: case SP_T_RECORDS: *align = alignof(sp_bytes); return sizeof(sp_bytes);
    case SP_T_STRUCT: *align = alignof(void *); return sizeof(void *);
    case SP_T_ARRAY: *align = alignof(sp_array); return sizeof(sp_array);
    default: *align = 1; return 0;
    }
}

static int checked;

static void check_struct(const char *msg, const sp_struct_desc *sd, int depth)
{
    uint16_t i, j;

    assert_true(depth < 16);
    for (i = 0; i < sd->nfields; i++) {
        const sp_field *f = &sd->fields[i];
        size_t al, sz = type_size(f->type, &al);

        if (sz == 0 || f->offset + sz > sd->size || f->offset % al != 0)
            fail_msg("%s.%s.%s: type %d does not fit at offset %u of a %u-byte struct",
                     msg, sd->name, f->name, f->type, f->offset, sd->size);
        if (f->type == SP_T_ARRAY) {
            size_t eal;
            if (f->elem == SP_T_STRUCT ? f->sub == NULL : type_size(f->elem, &eal) == 0)
                fail_msg("%s.%s.%s: bad array element", msg, sd->name, f->name);
        }
        if (f->type == SP_T_STRUCT && f->sub == NULL)
            fail_msg("%s.%s.%s: struct without a description", msg, sd->name, f->name);
        for (j = 0; j < sd->nfields; j++) {
            const sp_field *g = &sd->fields[j];
            size_t gal, gsz = type_size(g->type, &gal);
            if (i != j && f->offset < g->offset + gsz && g->offset < f->offset + sz)
                fail_msg("%s.%s: %s and %s overlap", msg, sd->name, f->name, g->name);
        }
        if (f->sub)
            check_struct(msg, f->sub, depth + 1);
        checked++;
    }
}

static void test_every_table_fits_its_struct(void **state)
{
    const sp_api *a;
    size_t i;
    (void)state;

    for (i = 0; (a = sp_api_at(i)); i++) {
        assert_non_null(a->req);
        assert_non_null(a->resp);
        assert_int_equal(a->req->api_key, a->key);
        assert_int_equal(a->resp->api_key, a->key);
        /* the table's range is the descriptions' range */
        assert_int_equal(a->req->vmin, a->vmin);
        assert_int_equal(a->req->vmax, a->vmax);
        assert_int_equal(a->resp->vmin, a->vmin);
        assert_int_equal(a->resp->vmax, a->vmax);
        check_struct(a->req->name, a->req->body, 0);
        check_struct(a->resp->name, a->resp->body, 0);
    }
    assert_true(checked > 100);
}

/* The check itself must be able to fail: a table that puts an int64 over
 * an int32 member next to another member. */
typedef struct bad_struct {
    int32_t a;
    int32_t b;
} bad_struct;

static const sp_field bad_fields[] = {
    SP_F(bad_struct, a, "A", SP_T_INT64, 0, SP_VMAX, SP_DEF("0")),
    SP_F(bad_struct, b, "B", SP_T_INT32, 0, SP_VMAX, SP_DEF("0")),
};
static SP_STRUCT_DESC(bad_desc, "Bad", bad_struct, bad_fields);

static void test_overlap_is_caught(void **state)
{
    size_t al;
    (void)state;

    /* what check_struct would report, without failing this test */
    assert_true(bad_fields[0].offset + type_size(bad_fields[0].type, &al) >
                bad_fields[1].offset);
    assert_int_equal(bad_desc.nfields, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_table_fits_its_struct),
        cmocka_unit_test(test_overlap_is_caught),
    };
    return cmocka_run_group_tests_name("msgs layout", tests, NULL, NULL);
}
