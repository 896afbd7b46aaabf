/* net/timer_heap.c - timer min-heap; see timer_heap.h. */
#include <stdint.h>

#include "alloc.h"
#include "samsa/error.h"
#include "timer_heap.h"

void sn_heap_init(sn_timer_heap *h, const samsa_allocator *alloc)
{
    h->v = NULL;
    h->n = h->cap = 0;
    h->alloc = alloc;
}

void sn_heap_free(sn_timer_heap *h)
{
    sp_free(h->alloc, h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

static int before(const sn_timer *a, const sn_timer *b)
{
    if (a->deadline_ms != b->deadline_ms)
        return a->deadline_ms < b->deadline_ms;
    return a->seq < b->seq;
}

static void put(sn_timer_heap *h, size_t i, sn_timer *t)
{
    h->v[i] = t;
    t->heap_idx = i;
}

static void sift_up(sn_timer_heap *h, size_t i)
{
    sn_timer *t = h->v[i];

    while (i > 0) {
        size_t parent = (i - 1) / 2;

        if (!before(t, h->v[parent]))
            break;
        put(h, i, h->v[parent]);
        i = parent;
    }
    put(h, i, t);
}

static void sift_down(sn_timer_heap *h, size_t i)
{
    sn_timer *t = h->v[i];

    for (;;) {
        size_t l = 2 * i + 1, m = i;
        sn_timer *best = t;

        if (l < h->n && before(h->v[l], best)) {
            m = l;
            best = h->v[l];
        }
        if (l + 1 < h->n && before(h->v[l + 1], best))
            m = l + 1;
        if (m == i)
            break;
        put(h, i, h->v[m]);
        i = m;
    }
    put(h, i, t);
}

int sn_heap_push(sn_timer_heap *h, sn_timer *t)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        sn_timer **v;

        if (cap > SIZE_MAX / sizeof *v)
            return SAMSA_ERR_NO_MEMORY;
        v = sp_realloc(h->alloc, h->v, cap * sizeof *v);
        if (!v)
            return SAMSA_ERR_NO_MEMORY;
        h->v = v;
        h->cap = cap;
    }
    put(h, h->n++, t);
    sift_up(h, h->n - 1);
    return 0;
}

void sn_heap_remove(sn_timer_heap *h, sn_timer *t)
{
    size_t i = t->heap_idx;

    if (i >= h->n || h->v[i] != t)
        return;
    t->heap_idx = SIZE_MAX;
    h->n--;
    if (i == h->n)
        return;
    put(h, i, h->v[h->n]);
    if (i > 0 && before(h->v[i], h->v[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}
