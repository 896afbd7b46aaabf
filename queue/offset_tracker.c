/* queue/offset_tracker.c - see offset_tracker.h. */
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
    t->cap = t->count = t->head = 0;
}

static uint32_t slot(const sq_tracker *t, uint32_t i)
{
    return (t->head + i) % t->cap;
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

int sq_tracker_done(sq_tracker *t, int64_t offset)
{
    uint32_t lo = 0, hi = t->count;

    /* offsets in the ring are increasing: binary search */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t o = t->offs[slot(t, mid)];
        if (o == offset) {
            uint32_t s = slot(t, mid);
            if (t->done[s])
                return SAMSA_ERR_NOT_FOUND;
            t->done[s] = 1;
            /* advance past the done prefix: that is the frontier moving */
            while (t->count && t->done[t->head]) {
                t->head = (t->head + 1) % t->cap;
                t->count--;
            }
            return 0;
        }
        if (o < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SAMSA_ERR_NOT_FOUND;
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
    uint32_t i, n = 0;

    for (i = 0; i < t->count; i++)
        n += !t->done[slot(t, i)];
    return n;
}

void sq_tracker_reset(sq_tracker *t)
{
    t->head = t->count = 0;
    t->last_added = -1;
    t->position = -1;
}
