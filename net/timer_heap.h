/*
 * net/timer_heap.h - binary min-heap of sn_timer pointers, ordered by
 * (deadline_ms, seq). Each timer keeps its index (heap_idx) so removal is
 * O(log n). Internal to the loop; owned by it; loop thread only.
 */
#ifndef SN_TIMER_HEAP_H
#define SN_TIMER_HEAP_H

#include <stddef.h>

#include "loop.h"

typedef struct sn_timer_heap {
    sn_timer **v;
    size_t n, cap;
    const samsa_allocator *alloc;
} sn_timer_heap;

void sn_heap_init(sn_timer_heap *h, const samsa_allocator *alloc);
void sn_heap_free(sn_timer_heap *h);
/* 0 or SAMSA_ERR_NO_MEMORY (the timer is then not in the heap). */
int sn_heap_push(sn_timer_heap *h, sn_timer *t);
void sn_heap_remove(sn_timer_heap *h, sn_timer *t);
static inline sn_timer *sn_heap_top(const sn_timer_heap *h)
{
    return h->n ? h->v[0] : NULL;
}

#endif
