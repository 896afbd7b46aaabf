/*
 * queue/offset_tracker.h - the contiguous-commit frontier of one partition.
 *
 * Offsets are added in the order they are handed to handlers (strictly
 * increasing, with any gaps: compaction and transaction markers leave
 * holes) and completed in any order. The commit offset is the lowest
 * offset handed out and not yet done, so a commit never passes an
 * unfinished message; with nothing outstanding it is the consumer's
 * position (set with sq_tracker_set_position), so holes never stall it.
 *
 * Memory is a ring of `capacity` entries allocated once: add() refuses with
 * SAMSA_ERR_QUEUE_FULL when it is full, and the queue pauses the partition.
 * Thread rules: one thread (the queue's loop thread) per tracker.
 */
#ifndef SQ_OFFSET_TRACKER_H
#define SQ_OFFSET_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "samsa/alloc.h"

typedef struct sq_tracker {
    const samsa_allocator *alloc;
    int64_t *offs;      /* ring of outstanding-or-done offsets, increasing */
    uint8_t *done;
    uint32_t cap, head, count;
    uint32_t ndone;     /* done entries in the ring (above the frontier) */
    int64_t last_added; /* -1 before the first add */
    int64_t position;   /* next offset the consumer will fetch, -1 unknown */
} sq_tracker;

int sq_tracker_init(sq_tracker *t, const samsa_allocator *alloc, uint32_t capacity);
void sq_tracker_free(sq_tracker *t);

/* Track a handed-out offset. INVALID_ARG unless offset > every earlier one;
 * QUEUE_FULL when capacity offsets are outstanding. */
int sq_tracker_add(sq_tracker *t, int64_t offset);

/* Track first, first + 1, ..., first + n - 1 (a run without holes, the
 * usual case): as n add() calls, in one loop. INVALID_ARG (first not above
 * every earlier offset, n == 0) or QUEUE_FULL (fewer than n free) with
 * nothing added. */
int sq_tracker_add_seq(sq_tracker *t, int64_t first, uint32_t n);

/* Mark offset done. NOT_FOUND when it is not tracked (never added, already
 * done, or dropped by a reset: a late result for a revoked partition). */
int sq_tracker_done(sq_tracker *t, int64_t offset);

/* Mark done n offsets added one after another (no other add between
 * them), first..last: one search and a tight loop instead of n done()
 * calls. 0, or NOT_FOUND when they are not n consecutive entries from
 * first to last or one of them is done already (nothing is changed then:
 * fall back to done() per offset). */
int sq_tracker_done_run(sq_tracker *t, int64_t first, int64_t last, uint32_t n);

/* The consumer's next fetch offset; lets the frontier pass trailing holes. */
void sq_tracker_set_position(sq_tracker *t, int64_t next_offset);

/* Offset to commit (Kafka commits the next offset to process), or -1 when
 * nothing is known yet. */
int64_t sq_tracker_commit_offset(const sq_tracker *t);

/* Outstanding (handed out, not done) offsets. */
uint32_t sq_tracker_inflight(const sq_tracker *t);

/* Forget everything (partition revoked); later done() calls get NOT_FOUND. */
void sq_tracker_reset(sq_tracker *t);

#endif
