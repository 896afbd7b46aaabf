/* client/fetch_buffer.c - refcounted fetch buffers; see fetch_buffer.h. */
#include "fetch_buffer.h"

#include <stddef.h>

#include "alloc.h"

void sc_prefetch_init(sc_prefetch *pf, size_t limit, sc_prefetch_wake_fn wake,
                      void *wake_opaque)
{
    atomic_init(&pf->used, 0);
    pf->limit = limit;
    pf->wake = wake;
    pf->wake_opaque = wake_opaque;
    pf->keep_spare = false;
    atomic_init(&pf->spare, NULL);
}

void sc_prefetch_keep_spare(sc_prefetch *pf)
{
    pf->keep_spare = true;
}

void sc_prefetch_fini(sc_prefetch *pf)
{
    sc_fetch_buf *b = atomic_exchange(&pf->spare, NULL);

    if (b)
        sp_free(b->alloc, b);
}

size_t sc_prefetch_used(const sc_prefetch *pf)
{
    return atomic_load_explicit(&((sc_prefetch *)pf)->used,
                                memory_order_relaxed);
}

bool sc_prefetch_full(const sc_prefetch *pf)
{
    return sc_prefetch_used(pf) >= pf->limit;
}

size_t sc_prefetch_room(const sc_prefetch *pf)
{
    size_t used = sc_prefetch_used(pf);

    return used >= pf->limit ? 0 : pf->limit - used;
}

static void charge(sc_prefetch *pf, size_t n)
{
    if (pf && n)
        atomic_fetch_add_explicit(&pf->used, n, memory_order_relaxed);
}

static void discharge(sc_prefetch *pf, size_t n)
{
    size_t old;

    if (!pf || !n)
        return;
    old = atomic_fetch_sub_explicit(&pf->used, n, memory_order_acq_rel);
    /* wake exactly on the crossing, so one release wakes the loop once */
    if (old >= pf->limit && old - n < pf->limit && pf->wake)
        pf->wake(pf->wake_opaque);
}

void sc_prefetch_add(sc_prefetch *pf, size_t n)
{
    charge(pf, n);
}

void sc_prefetch_sub(sc_prefetch *pf, size_t n)
{
    discharge(pf, n);
}

sc_fetch_buf *sc_fetch_buf_new(const samsa_allocator *alloc, sc_prefetch *pf,
                               size_t len)
{
    size_t hdr = offsetof(sc_fetch_buf, inline_data);
    sc_fetch_buf *b = NULL;

    if (len > SIZE_MAX - hdr)
        return NULL;
    if (pf && pf->keep_spare && len >= SC_SPARE_MIN / 2 &&
        atomic_load_explicit(&pf->spare, memory_order_relaxed)) {
        b = atomic_exchange(&pf->spare, NULL);
        if (b && (b->cap < len || len < b->cap / 2 || b->alloc != alloc)) {
            sp_free(b->alloc, b); /* sizes moved on: let it go */
            b = NULL;
        }
    }
    if (!b) {
        b = sp_alloc(alloc, hdr + len);
        if (!b)
            return NULL;
        b->cap = len;
    }
    atomic_init(&b->refs, 1);
    b->alloc = alloc;
    b->pf = pf;
    b->parent = NULL;
    b->data = b->inline_data;
    b->len = len;
    b->charged = b->cap;
    b->adopted = false;
    charge(pf, b->cap);
    return b;
}

sc_fetch_buf *sc_fetch_buf_adopt(const samsa_allocator *alloc, sc_prefetch *pf,
                                 uint8_t *data, size_t len,
                                 sc_fetch_buf *parent)
{
    sc_fetch_buf *b = sp_alloc(alloc, sizeof *b);

    if (!b)
        return NULL;
    atomic_init(&b->refs, 1);
    b->alloc = alloc;
    b->pf = pf;
    b->parent = parent;
    b->data = data;
    b->len = len;
    b->cap = 0;
    b->charged = len;
    b->adopted = true;
    if (parent)
        sc_fetch_buf_ref(parent);
    charge(pf, len);
    return b;
}

void sc_fetch_buf_ref(sc_fetch_buf *b)
{
    atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
}

void sc_fetch_buf_ref_n(sc_fetch_buf *b, unsigned n)
{
    if (n)
        atomic_fetch_add_explicit(&b->refs, n, memory_order_relaxed);
}

void sc_fetch_buf_unref(sc_fetch_buf *b)
{
    while (b) {
        sc_fetch_buf *parent;
        sc_prefetch *pf;
        size_t charged;

        /* release/acquire so the freeing thread sees every reader's use */
        if (atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) != 1)
            return;
        pf = b->pf;
        charged = b->charged;
        parent = b->parent;
        if (b->adopted)
            sp_free(b->alloc, b->data);
        if (!b->adopted && pf && pf->keep_spare && b->cap >= SC_SPARE_MIN) {
            sc_fetch_buf *none = NULL;

            /* kept for the next response (sc_prefetch_keep_spare); b
             * may be reused at once by the loop thread */
            if (!atomic_compare_exchange_strong(&pf->spare, &none, b))
                sp_free(b->alloc, b);
        } else {
            sp_free(b->alloc, b);
        }
        discharge(pf, charged);
        b = parent; /* drop the child's reference on its parent */
    }
}
