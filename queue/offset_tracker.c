/* queue/offset_tracker.c - see offset_tracker.h. */
#include <stdint.h>
#include <string.h>

#include "offset_tracker.h"
#include "alloc.h"
#include "samsa/error.h"

int sq_tracker_init(sq_tracker *t, const samsa_allocator *alloc, uint32_t capacity)
{
    memset(t, 0, sizeof *t);
    t->alloc = alloc;
    t->last_added = -1;
    t->position = -1;
    if (capacity == 0)
        return SAMSA_ERR_INVALID_ARG;
    t->offs = sp_calloc(alloc, capacity, sizeof *t->offs);
    t->done = sp_calloc(alloc, capacity, 1);
    if (!t->offs || !t->done) {
        sq_tracker_free(t);
        return SAMSA_ERR_NO_MEMORY;
    }
    t->cap = capacity;
    return 0;
}

void sq_tracker_free(sq_tracker *t)
{
    sp_free(t->alloc, t->offs);
    sp_free(t->alloc, t->done);
    t->offs = NULL;
    t->done = NULL;
    t->cap = t->count = t->head = t->ndone = 0;
}

/* i < cap and head < cap: one compare instead of a division */
static uint32_t slot(const sq_tracker *t, uint32_t i)
{
    uint32_t s = t->head + i;

    return s >= t->cap ? s - t->cap : s;
}

int sq_tracker_add(sq_tracker *t, int64_t offset)
{
    uint32_t s;

    if (offset < 0 || offset <= t->last_added)
        return SAMSA_ERR_INVALID_ARG;
    if (t->count == t->cap)
        return SAMSA_ERR_QUEUE_FULL;
    s = slot(t, t->count);
    t->offs[s] = offset;
    t->done[s] = 0;
    t->count++;
    t->last_added = offset;
    return 0;
}

int sq_tracker_add_seq(sq_tracker *t, int64_t first, uint32_t n)
{
    uint32_t k, s, m;

    if (first < 0 || first <= t->last_added || n == 0 || first > INT64_MAX - n)
        return SAMSA_ERR_INVALID_ARG;
    if (n > t->cap - t->count)
        return SAMSA_ERR_QUEUE_FULL;
    /* in two straight pieces (up to the ring's end, then from 0): loops
     * without a wrap test per entry, which the compiler vectorises */
    s = slot(t, t->count);
    m = t->cap - s < n ? t->cap - s : n;
    for (k = 0; k < m; k++)
        t->offs[s + k] = first + k;
    memset(t->done + s, 0, m);
    for (k = m; k < n; k++)
        t->offs[k - m] = first + k;
    memset(t->done, 0, n - m);
    t->count += n;
    t->last_added = first + n - 1;
    return 0;
}

/* Move the frontier past the done prefix: each entry is passed once, so
 * O(1) amortised. */
static void advance(sq_tracker *t)
{
    while (t->count && t->done[t->head]) {
        t->head = t->head + 1 == t->cap ? 0 : t->head + 1;
        t->count--;
        t->ndone--;
    }
}

/* Ring index (0 = head) of offset, or -1 when it is not tracked. */
static int64_t find(const sq_tracker *t, int64_t offset)
{
    uint32_t lo = 0, hi = t->count;
    int64_t first;

    if (!t->count || offset < (first = t->offs[t->head]) || offset > t->last_added)
        return -1;
    /* offsets without holes (the usual case) sit at offset - first */
    if ((uint64_t)(offset - first) < t->count &&
        t->offs[slot(t, (uint32_t)(offset - first))] == offset)
        return offset - first;
    /* holes (compaction, transaction markers): the ring is increasing */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t o = t->offs[slot(t, mid)];

        if (o == offset)
            return mid;
        if (o < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int sq_tracker_done(sq_tracker *t, int64_t offset)
{
    int64_t i = find(t, offset);
    uint32_t s;

    if (i < 0)
        return SAMSA_ERR_NOT_FOUND;
    s = slot(t, (uint32_t)i);
    if (t->done[s])
        return SAMSA_ERR_NOT_FOUND;
    t->done[s] = 1;
    t->ndone++;
    advance(t);
    return 0;
}

int sq_tracker_done_run(sq_tracker *t, int64_t first, int64_t last, uint32_t n)
{
    int64_t i = find(t, first);
    uint32_t k, s;

    if (i < 0 || n == 0 || n > t->count - (uint32_t)i ||
        t->offs[slot(t, (uint32_t)i + n - 1)] != last)
        return SAMSA_ERR_NOT_FOUND;
    /* none is done when nothing above the frontier is (in-order
     * completion, the usual case): no per-entry look */
    for (k = 0, s = slot(t, (uint32_t)i); t->ndone && k < n;
         k++, s = s + 1 == t->cap ? 0 : s + 1)
        if (t->done[s])
            return SAMSA_ERR_NOT_FOUND;
    if (i == 0) {
        /* the frontier's own run (in-order completion): skip it whole */
        t->head = slot(t, n - 1) + 1 == t->cap ? 0 : slot(t, n - 1) + 1;
        t->count -= n;
    } else {
        s = slot(t, (uint32_t)i);
        k = t->cap - s < n ? t->cap - s : n;
        memset(t->done + s, 1, k);
        memset(t->done, 1, n - k);
        t->ndone += n;
    }
    advance(t);
    return 0;
}

void sq_tracker_set_position(sq_tracker *t, int64_t next_offset)
{
    if (next_offset > t->position)
        t->position = next_offset;
}

int64_t sq_tracker_commit_offset(const sq_tracker *t)
{
    int64_t after_last;

    if (t->count)
        return t->offs[t->head];
    after_last = t->last_added >= 0 ? t->last_added + 1 : -1;
    return t->position > after_last ? t->position : after_last;
}

uint32_t sq_tracker_inflight(const sq_tracker *t)
{
    return t->count - t->ndone;
}

void sq_tracker_reset(sq_tracker *t)
{
    t->head = t->count = t->ndone = 0;
    t->last_added = -1;
    t->position = -1;
}
