/*
 * Refcounted fetch buffers and the prefetch budget: charging, the wake on
 * crossing below the limit (once), parent references of decompressed
 * buffers, release from another thread, allocation failures, the spare
 * buffer kept for the next big response.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "fetch_buffer.h"
#include "samsa/error.h"

static int wakes;
static void on_wake(void *opaque)
{
    (void)opaque;
    wakes++;
}

static void test_charge_and_wake_once(void **state)
{
    sc_prefetch pf;
    sc_fetch_buf *a, *b, *c;
    (void)state;

    wakes = 0;
    sc_prefetch_init(&pf, 1000, on_wake, NULL);
    assert_false(sc_prefetch_full(&pf));
    a = sc_fetch_buf_new(NULL, &pf, 600);
    assert_non_null(a);
    assert_int_equal(a->len, 600);
    memset(a->data, 0xab, a->len); /* writable, ASan checks the size */
    assert_int_equal(sc_prefetch_room(&pf), 400);
    b = sc_fetch_buf_new(NULL, &pf, 600); /* overshoot is allowed */
    assert_non_null(b);
    assert_true(sc_prefetch_full(&pf));
    assert_int_equal(sc_prefetch_room(&pf), 0);
    c = sc_fetch_buf_new(NULL, &pf, 0);
    assert_non_null(c);
    sc_fetch_buf_unref(c);
    assert_int_equal(wakes, 0);

    sc_fetch_buf_ref_n(a, 2); /* in bulk, as the consumer takes them */
    sc_fetch_buf_ref_n(a, 0);
    sc_fetch_buf_unref(a);
    sc_fetch_buf_unref(a);
    sc_fetch_buf_ref(a);
    sc_fetch_buf_unref(a); /* still referenced once */
    assert_int_equal(sc_prefetch_used(&pf), 1200);
    sc_fetch_buf_unref(a); /* 1200 -> 600: crosses below 1000 */
    assert_int_equal(wakes, 1);
    assert_int_equal(sc_prefetch_used(&pf), 600);
    sc_fetch_buf_unref(b); /* already below: no second wake */
    assert_int_equal(wakes, 1);
    assert_int_equal(sc_prefetch_used(&pf), 0);
    sc_fetch_buf_unref(NULL);
}

static void test_adopted_child_holds_parent(void **state)
{
    sc_prefetch pf;
    sc_fetch_buf *parent, *child;
    uint8_t *data;
    (void)state;

    sc_prefetch_init(&pf, 1 << 20, NULL, NULL);
    parent = sc_fetch_buf_new(NULL, &pf, 100);
    data = malloc(5000);
    assert_non_null(data);
    child = sc_fetch_buf_adopt(NULL, &pf, data, 5000, parent);
    assert_non_null(child);
    assert_int_equal(sc_prefetch_used(&pf), 5100);
    sc_fetch_buf_unref(parent); /* the child still holds it */
    assert_int_equal(sc_prefetch_used(&pf), 5100);
    sc_fetch_buf_ref(child);
    sc_fetch_buf_unref(child);
    sc_fetch_buf_unref(child); /* frees data, then the parent */
    assert_int_equal(sc_prefetch_used(&pf), 0);
}

#define NTHREADS 4
#define PER_THREAD 2000

typedef struct rel_arg {
    sc_fetch_buf **bufs;
    int n;
} rel_arg;

static void *releaser(void *arg)
{
    rel_arg *ra = arg;
    int i;

    for (i = 0; i < ra->n; i++)
        sc_fetch_buf_unref(ra->bufs[i]);
    return NULL;
}

/* Many references dropped from several threads at once: freed exactly
 * once (ASan would see a double free or a leak), budget back to zero. */
static void test_release_from_threads(void **state)
{
    sc_prefetch pf;
    sc_fetch_buf *buf, **refs;
    pthread_t th[NTHREADS];
    rel_arg ra[NTHREADS];
    int i;
    (void)state;

    sc_prefetch_init(&pf, 64, on_wake, NULL);
    wakes = 0;
    buf = sc_fetch_buf_new(NULL, &pf, 128);
    refs = calloc(NTHREADS * PER_THREAD, sizeof *refs);
    assert_non_null(refs);
    for (i = 0; i < NTHREADS * PER_THREAD; i++) {
        sc_fetch_buf_ref(buf);
        refs[i] = buf;
    }
    sc_fetch_buf_unref(buf);
    for (i = 0; i < NTHREADS; i++) {
        ra[i].bufs = refs + i * PER_THREAD;
        ra[i].n = PER_THREAD;
        assert_int_equal(pthread_create(&th[i], NULL, releaser, &ra[i]), 0);
    }
    for (i = 0; i < NTHREADS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(sc_prefetch_used(&pf), 0);
    assert_int_equal(wakes, 1);
    free(refs);
}

/* A released big buffer is reused by the next one that fits (no new
 * allocation), charged by its capacity; a small or too big request does
 * not take it; fini frees it (ASan and the counting allocator see no
 * leak). */
static void test_spare(void **state)
{
    st_fail_alloc fa;
    sc_prefetch pf;
    sc_fetch_buf *a, *b, *c;
    size_t big = SC_SPARE_MIN * 4;
    uint8_t *mem;
    (void)state;

    st_fail_alloc_init(&fa, 0);
    sc_prefetch_init(&pf, big * 4, NULL, NULL);
    sc_prefetch_keep_spare(&pf);
    a = sc_fetch_buf_new(&fa.alloc, &pf, big);
    assert_non_null(a);
    mem = a->data;
    memset(a->data, 1, big);
    sc_fetch_buf_unref(a);
    assert_int_equal(sc_prefetch_used(&pf), 0);
    assert_int_equal(fa.live, 1); /* kept */
    /* too small for it: a new one, the spare stays */
    c = sc_fetch_buf_new(&fa.alloc, &pf, 100);
    assert_non_null(c);
    assert_int_equal(fa.live, 2);
    sc_fetch_buf_unref(c);
    /* fits: the same memory, charged by its capacity */
    b = sc_fetch_buf_new(&fa.alloc, &pf, big - 10);
    assert_non_null(b);
    assert_ptr_equal(b->data, mem);
    assert_int_equal(b->len, big - 10);
    assert_int_equal(sc_prefetch_used(&pf), big);
    assert_int_equal(fa.live, 1);
    /* a second big one while b lives: newly allocated; both released, one
     * is kept and the other freed */
    c = sc_fetch_buf_new(&fa.alloc, &pf, big);
    assert_non_null(c);
    assert_int_equal(fa.live, 2);
    sc_fetch_buf_unref(b);
    sc_fetch_buf_unref(c);
    assert_int_equal(fa.live, 1);
    assert_int_equal(sc_prefetch_used(&pf), 0);
    /* bigger than the spare: the spare goes, a new one comes */
    c = sc_fetch_buf_new(&fa.alloc, &pf, big * 2);
    assert_non_null(c);
    assert_int_equal(fa.live, 1);
    sc_fetch_buf_unref(c);
    sc_prefetch_fini(&pf);
    assert_int_equal(fa.live, 0);
}

static void test_allocation_failure(void **state)
{
    st_fail_alloc fa;
    sc_prefetch pf;
    uint8_t *data;
    sc_fetch_buf *p;
    (void)state;

    sc_prefetch_init(&pf, 100, NULL, NULL);
    st_fail_alloc_init(&fa, 1);
    assert_null(sc_fetch_buf_new(&fa.alloc, &pf, 10));
    assert_null(sc_fetch_buf_new(NULL, &pf, SIZE_MAX - 8));
    assert_int_equal(sc_prefetch_used(&pf), 0);

    st_fail_alloc_init(&fa, 0);
    p = sc_fetch_buf_new(&fa.alloc, &pf, 10);
    assert_non_null(p);
    data = fa.alloc.alloc(fa.alloc.ctx, 20);
    fa.fail_at = fa.calls + 1;
    assert_null(sc_fetch_buf_adopt(&fa.alloc, &pf, data, 20, p));
    assert_int_equal(sc_prefetch_used(&pf), 10); /* nothing charged */
    fa.alloc.free(fa.alloc.ctx, data);            /* still ours */
    sc_fetch_buf_unref(p);
    assert_int_equal(fa.live, 0);
    assert_int_equal(sc_prefetch_used(&pf), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_charge_and_wake_once),
        cmocka_unit_test(test_adopted_child_holds_parent),
        cmocka_unit_test(test_release_from_threads),
        cmocka_unit_test(test_allocation_failure),
        cmocka_unit_test(test_spare),
    };
    return cmocka_run_group_tests_name("fetch_buffer", tests, NULL, NULL);
}
