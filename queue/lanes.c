/* queue/lanes.c - see lanes.h. */
#include <string.h>

#include "lanes.h"
#include "alloc.h"
#include "samsa/error.h"

typedef struct sq_node {
    void *item;
    struct sq_node *next;
} sq_node;

struct sq_lane {
    uint64_t hash;         /* key hash (0 when keyless) */
    uint32_t partition;
    uint32_t n;            /* items, the in-flight head included */
    uint32_t heap_idx;     /* position in the blocked heap, or NOT_BLOCKED */
    uint8_t keyed, used, in_flight, dropped; /* used: 1 alive, 2 being freed */
    int64_t until;         /* retry time while blocked */
    sq_node *head, *tail;
    sq_lane *chain;        /* hash bucket chain */
    sq_lane *next;         /* ready list or free list */
};

#define NOT_BLOCKED UINT32_MAX

struct sq_lanes {
    const samsa_allocator *alloc;
    int mode;
    uint32_t cap, nparts, part_cap;
    sq_node *nodes, *free_nodes;
    sq_lane *lanes, *free_lanes;
    sq_lane **buckets;
    uint32_t nbuckets;     /* power of two */
    sq_lane *ready_head, *ready_tail;
    sq_lane **heap;
    uint32_t nheap;
    uint32_t *part_count;
    uint32_t *part_blocked; /* lanes waiting for a retry time, per slot */
    uint32_t total, in_flight, nlanes;
};

int sq_lanes_create(sq_lanes **out, const samsa_allocator *alloc,
                    const sq_lanes_config *cfg)
{
    sq_lanes *ls;
    uint32_t i;

    *out = NULL;
    if (!cfg || cfg->mode < SQ_ORDER_PARTITION || cfg->mode > SQ_ORDER_NONE ||
        cfg->capacity == 0 || cfg->capacity > SQ_LANES_MAX_CAPACITY ||
        cfg->partitions == 0 || cfg->partitions > SQ_LANES_MAX_PARTITIONS ||
        cfg->partition_capacity > cfg->capacity)
        return SAMSA_ERR_INVALID_ARG;
    ls = sp_calloc(alloc, 1, sizeof *ls);
    if (!ls)
        return SAMSA_ERR_NO_MEMORY;
    ls->alloc = alloc;
    ls->mode = cfg->mode;
    ls->cap = cfg->capacity;
    ls->nparts = cfg->partitions;
    ls->part_cap = cfg->partition_capacity ? cfg->partition_capacity : cfg->capacity;
    for (ls->nbuckets = 16; ls->nbuckets < ls->cap; ls->nbuckets <<= 1)
        ;
    ls->nodes = sp_calloc(alloc, ls->cap, sizeof *ls->nodes);
    ls->lanes = sp_calloc(alloc, ls->cap, sizeof *ls->lanes);
    ls->heap = sp_calloc(alloc, ls->cap, sizeof *ls->heap);
    ls->part_count = sp_calloc(alloc, ls->nparts, sizeof *ls->part_count);
    ls->part_blocked = sp_calloc(alloc, ls->nparts, sizeof *ls->part_blocked);
    if (ls->mode != SQ_ORDER_NONE)
        ls->buckets = sp_calloc(alloc, ls->nbuckets, sizeof *ls->buckets);
    if (!ls->nodes || !ls->lanes || !ls->heap || !ls->part_count || !ls->part_blocked ||
        (ls->mode != SQ_ORDER_NONE && !ls->buckets)) {
        sq_lanes_destroy(ls);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (i = ls->cap; i-- > 0;) {
        ls->nodes[i].next = ls->free_nodes;
        ls->free_nodes = &ls->nodes[i];
        ls->lanes[i].next = ls->free_lanes;
        ls->free_lanes = &ls->lanes[i];
    }
    *out = ls;
    return 0;
}

void sq_lanes_destroy(sq_lanes *ls)
{
    if (!ls)
        return;
    sp_free(ls->alloc, ls->nodes);
    sp_free(ls->alloc, ls->lanes);
    sp_free(ls->alloc, ls->heap);
    sp_free(ls->alloc, ls->part_count);
    sp_free(ls->alloc, ls->part_blocked);
    sp_free(ls->alloc, ls->buckets);
    sp_free(ls->alloc, ls);
}

/* ---------------------------------------------------------------- lookup */

static uint64_t key_hash(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h | 1; /* never 0, which marks keyless */
}

static uint32_t bucket_of(const sq_lanes *ls, uint32_t partition, uint64_t hash)
{
    uint64_t x = hash ^ ((uint64_t)partition * 0x9e3779b97f4a7c15ull);

    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (uint32_t)x & (ls->nbuckets - 1);
}

static void unhash(sq_lanes *ls, sq_lane *l)
{
    sq_lane **pp;

    if (!ls->buckets)
        return;
    for (pp = &ls->buckets[bucket_of(ls, l->partition, l->hash)]; *pp; pp = &(*pp)->chain)
        if (*pp == l) {
            *pp = l->chain;
            l->chain = NULL;
            return;
        }
}

static void ready_push(sq_lanes *ls, sq_lane *l)
{
    l->next = NULL;
    if (ls->ready_tail)
        ls->ready_tail->next = l;
    else
        ls->ready_head = l;
    ls->ready_tail = l;
}

static void lane_free(sq_lanes *ls, sq_lane *l)
{
    memset(l, 0, sizeof *l);
    l->heap_idx = NOT_BLOCKED;
    l->next = ls->free_lanes;
    ls->free_lanes = l;
    ls->nlanes--;
}

/* ---------------------------------------------------------------- blocked heap */

static bool earlier(const sq_lane *a, const sq_lane *b)
{
    return a->until != b->until ? a->until < b->until : a < b;
}

static void heap_set(sq_lanes *ls, uint32_t i, sq_lane *l)
{
    ls->heap[i] = l;
    l->heap_idx = i;
}

static void heap_up(sq_lanes *ls, uint32_t i)
{
    sq_lane *l = ls->heap[i];

    while (i > 0 && earlier(l, ls->heap[(i - 1) / 2])) {
        heap_set(ls, i, ls->heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(ls, i, l);
}

static void heap_down(sq_lanes *ls, uint32_t i)
{
    sq_lane *l = ls->heap[i];

    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= ls->nheap)
            break;
        if (c + 1 < ls->nheap && earlier(ls->heap[c + 1], ls->heap[c]))
            c++;
        if (!earlier(ls->heap[c], l))
            break;
        heap_set(ls, i, ls->heap[c]);
        i = c;
    }
    heap_set(ls, i, l);
}

static void heap_remove(sq_lanes *ls, sq_lane *l)
{
    uint32_t i = l->heap_idx;
    sq_lane *last = ls->heap[--ls->nheap];

    l->heap_idx = NOT_BLOCKED;
    ls->part_blocked[l->partition]--;
    if (last == l)
        return;
    heap_set(ls, i, last);
    heap_down(ls, i);
    heap_up(ls, last->heap_idx);
}

/* ---------------------------------------------------------------- operations */

int sq_lanes_push(sq_lanes *ls, uint32_t partition, const void *key, size_t keylen,
                  void *item)
{
    uint64_t hash = 0;
    uint8_t keyed = 0;
    sq_lane *l = NULL;
    sq_node *n;

    if (!item || partition >= ls->nparts)
        return SAMSA_ERR_INVALID_ARG;
    if (ls->total >= ls->cap || ls->part_count[partition] >= ls->part_cap)
        return SAMSA_ERR_QUEUE_FULL;
    if (ls->mode == SQ_ORDER_KEY && key) {
        hash = key_hash(key, keylen);
        keyed = 1;
    }
    if (ls->mode != SQ_ORDER_NONE)
        for (l = ls->buckets[bucket_of(ls, partition, hash)]; l; l = l->chain)
            if (l->partition == partition && l->hash == hash && l->keyed == keyed)
                break;
    if (!l) {
        l = ls->free_lanes; /* cannot be empty: lanes <= items < cap */
        ls->free_lanes = l->next;
        memset(l, 0, sizeof *l);
        l->used = 1;
        l->partition = partition;
        l->hash = hash;
        l->keyed = keyed;
        l->heap_idx = NOT_BLOCKED;
        ls->nlanes++;
        if (ls->buckets) {
            uint32_t b = bucket_of(ls, partition, hash);
            l->chain = ls->buckets[b];
            ls->buckets[b] = l;
        }
        ready_push(ls, l);
    }
    n = ls->free_nodes;
    ls->free_nodes = n->next;
    n->item = item;
    n->next = NULL;
    if (l->tail)
        l->tail->next = n;
    else
        l->head = n;
    l->tail = n;
    l->n++;
    ls->total++;
    ls->part_count[partition]++;
    return 0;
}

int sq_lanes_next(sq_lanes *ls, int64_t now_ms, void **item, sq_lane **lane)
{
    sq_lane *l;

    while (ls->nheap && ls->heap[0]->until <= now_ms) {
        l = ls->heap[0];
        heap_remove(ls, l);
        ready_push(ls, l);
    }
    l = ls->ready_head;
    if (!l)
        return SAMSA_ERR_NOT_FOUND;
    ls->ready_head = l->next;
    if (!ls->ready_head)
        ls->ready_tail = NULL;
    l->next = NULL;
    l->in_flight = 1;
    ls->in_flight++;
    *item = l->head->item;
    *lane = l;
    return 0;
}

static bool valid_lane(const sq_lanes *ls, const sq_lane *l)
{
    uintptr_t p = (uintptr_t)l, base = (uintptr_t)ls->lanes;

    return l && p >= base && p < base + (uintptr_t)ls->cap * sizeof *l &&
           (p - base) % sizeof *l == 0 && l->used && l->in_flight;
}

int sq_lanes_done(sq_lanes *ls, sq_lane *l)
{
    sq_node *n;

    if (!valid_lane(ls, l))
        return SAMSA_ERR_STATE;
    n = l->head;
    l->head = n->next;
    if (!l->head)
        l->tail = NULL;
    n->item = NULL;
    n->next = ls->free_nodes;
    ls->free_nodes = n;
    l->n--;
    ls->total--;
    ls->part_count[l->partition]--;
    l->in_flight = 0;
    ls->in_flight--;
    if (l->n && !l->dropped) {
        ready_push(ls, l);
        return 0;
    }
    if (!l->dropped)
        unhash(ls, l);
    lane_free(ls, l);
    return 0;
}

int sq_lanes_retry_at(sq_lanes *ls, sq_lane *l, int64_t until_ms)
{
    if (!valid_lane(ls, l) || l->dropped)
        return SAMSA_ERR_STATE;
    l->in_flight = 0;
    ls->in_flight--;
    l->until = until_ms;
    ls->part_blocked[l->partition]++;
    ls->nheap++;
    heap_set(ls, ls->nheap - 1, l);
    heap_up(ls, ls->nheap - 1);
    return 0;
}

int64_t sq_lanes_next_wake(const sq_lanes *ls)
{
    return ls->nheap ? ls->heap[0]->until : -1;
}

uint32_t sq_lanes_drop_partition(sq_lanes *ls, uint32_t partition,
                                 void (*drop)(void *ctx, void *item), void *ctx)
{
    uint32_t i, dropped = 0;
    sq_lane *l, *keep = NULL, *keep_tail = NULL;

    /* no lane of the slot is alive (a dropped in-flight head still
     * counts): nothing to scan the whole lane array for */
    if (partition >= ls->nparts || ls->part_count[partition] == 0)
        return 0;
    for (i = 0; i < ls->cap; i++) {
        sq_node *n, *next;

        l = &ls->lanes[i];
        if (!l->used || l->dropped || l->partition != partition)
            continue;
        /* everything not with a worker goes */
        n = l->in_flight ? l->head->next : l->head;
        for (; n; n = next) {
            next = n->next;
            if (drop)
                drop(ctx, n->item);
            n->item = NULL;
            n->next = ls->free_nodes;
            ls->free_nodes = n;
            l->n--;
            ls->total--;
            ls->part_count[partition]--;
            dropped++;
        }
        unhash(ls, l);
        if (l->heap_idx != NOT_BLOCKED)
            heap_remove(ls, l);
        if (l->in_flight) {
            l->head->next = NULL;
            l->tail = l->head;
            l->dropped = 1;
        } else {
            l->head = l->tail = NULL;
            l->used = 2; /* freed below, once off the ready list */
        }
    }
    /* rebuild the ready list without the lanes just emptied, then free them */
    l = ls->ready_head;
    while (l) {
        sq_lane *next = l->next;
        if (l->used == 1) {
            l->next = NULL;
            if (keep_tail)
                keep_tail->next = l;
            else
                keep = l;
            keep_tail = l;
        }
        l = next;
    }
    ls->ready_head = keep;
    ls->ready_tail = keep_tail;
    for (i = 0; i < ls->cap; i++)
        if (ls->lanes[i].used == 2)
            lane_free(ls, &ls->lanes[i]);
    return dropped;
}

uint32_t sq_lanes_partition_count(const sq_lanes *ls, uint32_t partition)
{
    return partition < ls->nparts ? ls->part_count[partition] : 0;
}

uint32_t sq_lanes_partition_blocked(const sq_lanes *ls, uint32_t partition)
{
    return partition < ls->nparts ? ls->part_blocked[partition] : 0;
}

void sq_lanes_get_stats(const sq_lanes *ls, sq_lanes_stats *st)
{
    st->in_flight = ls->in_flight;
    st->queued = ls->total - ls->in_flight;
    st->blocked = ls->nheap;
    st->lanes = ls->nlanes;
}
