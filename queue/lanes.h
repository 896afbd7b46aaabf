/*
 * queue/lanes.h - ordering lanes between the fetched messages and the
 * worker pool.
 *
 * A lane is a FIFO of messages of which at most one is with a worker at a
 * time; lanes run in parallel. What shares a lane depends on the mode:
 *   SQ_ORDER_PARTITION  one lane per partition (the default);
 *   SQ_ORDER_KEY        one lane per (partition, key): the same key in
 *                       offset order, different keys in parallel; keyless
 *                       messages share their partition's keyless lane.
 *                       Keys are told apart by a 64-bit hash: a collision
 *                       only makes two keys share a lane (still ordered);
 *   SQ_ORDER_NONE       every message is its own lane.
 * A retry waiting for its backoff blocks only its lane (sq_lanes_retry_at);
 * the lane's head comes back from sq_lanes_next() once the time passed.
 *
 * Bounded: the set holds at most `capacity` messages (queued plus with a
 * worker) and at most `partition_capacity` per partition slot; past either
 * sq_lanes_push() refuses with SAMSA_ERR_QUEUE_FULL and the caller pauses
 * the partition (and resumes it when sq_lanes_partition_count() drops).
 * All memory is allocated at create: push, next, done and retry never
 * allocate. Ready lanes are served first-come first-served.
 *
 * Items are caller pointers the set never dereferences or frees (except
 * through the drop callback). Partitions are caller slot numbers
 * 0..partitions-1 (the queue maps its topic-partitions onto them).
 * Thread rules: no threads inside and no locks: one thread (the queue's
 * loop) calls everything; workers get items through that thread.
 */
#ifndef SQ_LANES_H
#define SQ_LANES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"

enum sq_order_mode {
    SQ_ORDER_PARTITION = 0,
    SQ_ORDER_KEY = 1,
    SQ_ORDER_NONE = 2
};

#define SQ_LANES_MAX_CAPACITY   (1u << 24)
#define SQ_LANES_MAX_PARTITIONS (1u << 20)

typedef struct sq_lanes_config {
    int mode;                    /* enum sq_order_mode */
    uint32_t capacity;           /* messages in total, 1..SQ_LANES_MAX_CAPACITY */
    uint32_t partitions;         /* slots, 1..SQ_LANES_MAX_PARTITIONS */
    uint32_t partition_capacity; /* per slot; 0 = capacity */
} sq_lanes_config;

typedef struct sq_lanes sq_lanes; /* opaque */
typedef struct sq_lane sq_lane;   /* opaque; valid from next() until done() */

typedef struct sq_lanes_stats {
    uint32_t queued;    /* waiting, not with a worker (blocked ones included) */
    uint32_t in_flight; /* with a worker */
    uint32_t blocked;   /* lanes waiting for a retry time */
    uint32_t lanes;     /* lanes alive */
} sq_lanes_stats;

/* *out owns everything; free with sq_lanes_destroy. INVALID_ARG for a bad
 * config, NO_MEMORY. */
int sq_lanes_create(sq_lanes **out, const samsa_allocator *alloc,
                    const sq_lanes_config *cfg);
/* Forgets every item without touching it (drop them first if they own
 * memory). NULL is fine. */
void sq_lanes_destroy(sq_lanes *ls);

/* Queue item behind everything in its lane. key NULL = no key (a
 * zero-length non-NULL key is a key). 0, QUEUE_FULL, INVALID_ARG (slot out
 * of range, NULL item). */
int sq_lanes_push(sq_lanes *ls, uint32_t partition, const void *key, size_t keylen,
                  void *item);

/* Wake lanes whose retry time is <= now_ms, then hand out the head of the
 * longest-ready lane: 0 with *item and *lane set (the lane is now in
 * flight), or NOT_FOUND when no lane is ready. */
int sq_lanes_next(sq_lanes *ls, int64_t now_ms, void **item, sq_lane **lane);

/* The lane's head is finished (success, final failure, DLQ done): it
 * leaves the set and the lane's next message becomes ready. STATE when
 * the lane is not in flight. */
int sq_lanes_done(sq_lanes *ls, sq_lane *lane);

/* The lane's head failed and is retried at until_ms: it stays the head and
 * the lane is blocked until then. STATE when not in flight or when its
 * partition was dropped (then call done()). */
int sq_lanes_retry_at(sq_lanes *ls, sq_lane *lane, int64_t until_ms);

/* Earliest retry time of a blocked lane, or -1 when none is blocked (for
 * the loop's timer). */
int64_t sq_lanes_next_wake(const sq_lanes *ls);

/*
 * Partition revoked: every message of the slot not with a worker is
 * removed and passed to drop(ctx, item) (drop may be NULL); returns how
 * many. Heads with a worker stay until their done(), which then only
 * releases them. New pushes for the slot start fresh lanes.
 */
uint32_t sq_lanes_drop_partition(sq_lanes *ls, uint32_t partition,
                                 void (*drop)(void *ctx, void *item), void *ctx);

/* Messages held for the slot (queued plus in flight); 0 for a bad slot. */
uint32_t sq_lanes_partition_count(const sq_lanes *ls, uint32_t partition);
/* Lanes of the slot waiting for a retry time; 0 for a bad slot. */
uint32_t sq_lanes_partition_blocked(const sq_lanes *ls, uint32_t partition);

void sq_lanes_get_stats(const sq_lanes *ls, sq_lanes_stats *st);

#endif
