/* test/support/samsa_test_schema.c - see samsa_test_schema.h. */
#include <stdio.h>

#include "samsa_test.h"
#include "samsa_test_schema.h"
#include "samsa/error.h"
#include "arena.h"

void st_expect_bytes(const sp_msg_desc *d, int16_t v, const void *obj, const uint8_t *want,
                     size_t len)
{
    sp_writer w;

    sp_writer_init(&w, NULL, 1 << 16);
    assert_int_equal(sp_schema_encode(&w, d, v, obj), 0);
    if (w.len != len)
        fail_msg("%s v%d: %zu bytes, want %zu", d->name, v, w.len, len);
    assert_memory_equal(w.buf, want, len);
    sp_writer_free(&w);
}

void st_decode_alloc_failures(const sp_msg_desc *d, int16_t v, void *out, const uint8_t *buf,
                              size_t len)
{
    long n;

    for (n = 1;; n++) {
        st_fail_alloc fa;
        sp_arena a;
        int rc;

        st_fail_alloc_init(&fa, n);
        sp_arena_init(&a, &fa.alloc, 1 << 20);
        rc = sp_schema_decode(d, v, out, &a, buf, len);
        sp_arena_free(&a);
        assert_int_equal(fa.live, 0);
        if (fa.calls < n) {
            assert_int_equal(rc, 0);
            return;
        }
        assert_int_equal(rc, SAMSA_ERR_NO_MEMORY);
    }
}
