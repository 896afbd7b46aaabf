/*
 * samsa/consumer.h - consuming records: assigned partitions or a group.
 *
 * A client handle becomes a consumer on the first call below (like the
 * producer on the first samsa_produce()); one handle may do both. There
 * are two ways to say what to read:
 *
 *   samsa_assign(): the application names the partitions (no group; if
 *   group.id is set, it is used only to commit and read offsets).
 *
 *   samsa_subscribe(): the handle joins group.id and the group decides
 *   (partition.assignment.strategy; group.protocol=consumer for KIP-848).
 *   Changes are announced through the rebalance callback.
 *
 * Fetching runs on the loop (one Fetch in flight per broker, covering
 * that broker's fetchable partitions, with a KIP-227 incremental fetch
 * session) and fills a prefetch buffer bounded in bytes for the whole
 * consumer (fetch.buffer.max.bytes): when the application falls behind,
 * fetching pauses until it releases messages. samsa_consume() hands out
 * what is buffered, partition by partition in fetch order.
 *
 * OWNERSHIP. samsa_consume() returns a samsa_message whose topic, key,
 * value and headers point into the fetch buffer they arrived in (nothing
 * is copied). The message, and every pointer in it, is valid until
 * samsa_message_release(); each returned message must be released
 * exactly once. Releasing is cheap and may happen on any thread and in
 * any order; a fetch buffer (and the decompressed data of a compressed
 * batch) is freed when its last message is released, and only then
 * stops counting against fetch.buffer.max.bytes. Holding messages is
 * therefore what throttles fetching. Messages may outlive samsa_close()
 * but not samsa_client_destroy(): release them before destroying.
 * Arrays passed in (topic-partition lists, topic names) are copied
 * before the call returns; arrays passed to callbacks are valid only
 * during the call.
 *
 * THREADS. As samsa/client.h: embedded mode, one thread at a time (and
 * samsa_consume() runs the loop while it waits); background mode, any
 * thread. Callbacks run on the loop's thread. From inside a rebalance
 * callback the application may call samsa_seek*(), samsa_pause(),
 * samsa_resume(), samsa_position(), samsa_commit_async() and
 * samsa_commit_sync(); the last one does not block there: it queues the
 * commit and the group waits for that commit to finish (or fail) before
 * it rejoins, so offsets committed on revoke are stored before another
 * member can be given the partitions. samsa_consume() and samsa_close()
 * from a callback return SAMSA_ERR_REENTRANT (consume: NULL and errstr).
 *
 * OFFSETS. An offset is the next one to read. samsa_position() is the
 * offset after the last message samsa_consume() returned for a partition
 * (not what has been prefetched). Commits store what the application
 * says, or, with NULL lists, the positions (what consume returned), which
 * is also what enable.auto.commit commits every auto.commit.interval.ms.
 *
 * WHERE: client/consumer.c (assign, consume, release, headers, seek,
 * pause, positions, watermarks, lag, close) on top of consumer_fetch.c
 * and the building blocks fetch_buffer, fetch_parse, fetch_session and
 * offsets; the group calls (subscribe, commits, committed, rebalance
 * callback) are the group code's (client/cgrp*.c). docs/consumer.md says
 * what is implemented and tested.
 */
#ifndef SAMSA_CONSUMER_H
#define SAMSA_CONSUMER_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/client.h"
#include "samsa/conf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Logical offsets (Kafka's ListOffsets timestamps where they match). */
#define SAMSA_OFFSET_END (-1)       /* the high watermark (or the last
                                       stable offset with read_committed) */
#define SAMSA_OFFSET_BEGINNING (-2) /* the log start offset */
#define SAMSA_OFFSET_STORED (-1000) /* committed offset, else auto.offset.reset */
#define SAMSA_OFFSET_INVALID (-1001)/* "no offset" in results */

typedef enum samsa_timestamp_type {
    SAMSA_TIMESTAMP_NOT_AVAILABLE = 0, /* legacy magic 0 messages */
    SAMSA_TIMESTAMP_CREATE_TIME = 1,   /* set by the producer */
    SAMSA_TIMESTAMP_LOG_APPEND_TIME = 2 /* set by the broker */
} samsa_timestamp_type;

/*
 * One partition in a list passed in or out. Which fields matter is said
 * per call; unused ones are ignored on input and left alone on output.
 * topic (and metadata) are the caller's on input and copied; on output
 * (callbacks) they are valid during the call only.
 */
typedef struct samsa_topic_partition {
    const char *topic;
    int32_t partition;
    int64_t offset;       /* an offset, or SAMSA_OFFSET_* */
    int32_t leader_epoch; /* -1 = unknown */
    const char *metadata; /* commit metadata string; NULL = none */
    int err;              /* per-partition result (0 = fine) */
} samsa_topic_partition;

/*
 * A consumed message, or a per-partition event when err != 0 (then
 * offset says where it happened and key/value are NULL):
 *   SAMSA_ERR_PARTITION_EOF      reached the high watermark (only when the
 *                                application asked for EOF events with
 *                                samsa_consumer_eof_events())
 *   SAMSA_ERR_OFFSET_OUT_OF_RANGE  and auto.offset.reset=error; seek to go on
 *   SAMSA_ERR_NO_OFFSET          no committed offset and reset=error
 *   SAMSA_ERR_LOG_TRUNCATED      the leader's log diverged below the
 *                                position (KIP-320) and reset=error; offset
 *                                is the first divergent one
 *   SAMSA_ERR_CRC_MISMATCH, SAMSA_ERR_MALFORMED, SAMSA_ERR_DECOMPRESS,
 *   SAMSA_ERR_TOO_LARGE           the batch at offset cannot be read; the
 *                                partition stops until the application seeks
 *   TOPIC_AUTHORIZATION_FAILED, UNKNOWN_TOPIC_OR_PARTITION (after
 *   metadata says the topic is gone), ... (broker errors that a retry
 *   cannot fix)
 * or a group event (subscribe): topic "", partition -1, offset
 * SAMSA_OFFSET_INVALID, err a fatal group error (FENCED_INSTANCE_ID,
 * UNRELEASED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL,
 * GROUP_AUTHORIZATION_FAILED, GROUP_MAX_SIZE_REACHED, ...), reported
 * once: the handle has left the group and samsa_subscribe() returns
 * SAMSA_ERR_STATE; close and create a new handle to join again.
 * errstr says more ("" when err is 0).
 */
typedef struct samsa_message {
    int err;
    const char *errstr;
    const char *topic;     /* NUL-terminated */
    int32_t partition;
    int64_t offset;
    const void *key;       /* NULL = null key */
    size_t key_len;
    const void *value;     /* NULL = null value (tombstone) */
    size_t value_len;
    size_t nheaders;       /* read with samsa_message_header() */
    int64_t timestamp_ms;  /* -1 when not available */
    samsa_timestamp_type timestamp_type;
    int32_t leader_epoch;  /* of the batch; -1 for legacy messages */
} samsa_message;

/* A record header of a consumed message: views into the fetch buffer,
 * valid until the message is released. The name is NOT NUL-terminated. */
typedef struct samsa_message_header {
    const char *name;
    size_t name_len;
    const void *value; /* NULL = null value */
    size_t value_len;
} samsa_message_header;

/* ---- what to read ---- */

/*
 * Replace the assignment with tps[0..n) (n == 0: unassign all). offset
 * per partition: an offset, SAMSA_OFFSET_BEGINNING / _END (resolved with
 * ListOffsets), or SAMSA_OFFSET_STORED (committed offset of group.id,
 * else auto.offset.reset). Returns at once; 0, SAMSA_ERR_STATE when
 * subscribed or after samsa_close(), INVALID_ARG, NO_MEMORY. Unknown topics are reported as
 * events once metadata says so.
 */
int samsa_assign(samsa_client *c, const samsa_topic_partition *tps, size_t n);

/* Join group.id and read the given topics (replacing an earlier
 * subscription). 0, SAMSA_ERR_CONFIG (no group.id), STATE (assigned
 * manually), INVALID_ARG, NO_MEMORY. */
int samsa_subscribe(samsa_client *c, const char *const *topics, size_t n);

/* Join group.id and read every topic whose whole name matches regex
 * (Java's subscribe(Pattern); POSIX extended syntax; internal topics
 * excluded), replacing an earlier subscription. The cluster's topics are
 * matched now and every metadata.max.age.ms, a change rejoins; with
 * group.protocol=consumer the broker matches the pattern (KIP-848
 * SubscribedTopicRegex, RE2 syntax). 0, SAMSA_ERR_INVALID_ARG (bad
 * pattern, errstr says why), CONFIG, STATE, NO_MEMORY. */
int samsa_subscribe_pattern(samsa_client *c, const char *regex);

/* Leave the group (revoked callback first, auto-commit if enabled) and
 * forget the subscription; buffered messages are dropped. */
int samsa_unsubscribe(samsa_client *c);

/*
 * Rebalance callback (group consumers). ASSIGNED and REVOKED carry only
 * the partitions that changed (with cooperative-sticky a rebalance moves
 * a few partitions and the rest keep being fetched); with the eager
 * assignors REVOKED lists all owned partitions before every rebalance.
 * LOST: the partitions were taken away without a graceful revoke
 * (session timeout, fencing): commits for them would fail, do not try.
 * The consumer applies the change itself; the callback may seek (e.g. to
 * offsets kept outside Kafka) in ASSIGNED and commit in REVOKED (see the
 * THREADS section). tps[i].offset is SAMSA_OFFSET_INVALID on input.
 */
typedef enum samsa_rebalance_event {
    SAMSA_REBALANCE_ASSIGNED = 1,
    SAMSA_REBALANCE_REVOKED = 2,
    SAMSA_REBALANCE_LOST = 3
} samsa_rebalance_event;

typedef void samsa_rebalance_cb(void *opaque, samsa_client *c,
                                samsa_rebalance_event ev,
                                const samsa_topic_partition *tps, size_t n);
void samsa_conf_set_rebalance_cb(samsa_conf *conf, samsa_rebalance_cb *cb,
                                 void *opaque);

/* ---- reading ---- */

/*
 * Next message or event, waiting up to timeout_ms (0 = only what is
 * buffered, -1 = forever). NULL on timeout, or on failure with the reason
 * in samsa_client_errstr(). Counts as a poll for max.poll.interval.ms.
 * The returned message must be released with samsa_message_release().
 */
samsa_message *samsa_consume(samsa_client *c, int timeout_ms);

/* Up to max messages into msgs[]; waits up to timeout_ms for the first
 * one only. Returns how many (0 on timeout), each to be released. */
size_t samsa_consume_batch(samsa_client *c, samsa_message **msgs, size_t max,
                           int timeout_ms);

/* Give a message back (any thread). NULL is ignored. */
void samsa_message_release(samsa_message *m);

/* Header i (0-based) of m. 0, or SAMSA_ERR_NOT_FOUND past the end. */
int samsa_message_header_get(const samsa_message *m, size_t i,
                             samsa_message_header *h);
/* The LAST header named name (Kafka's convention for lookups). 0 or
 * SAMSA_ERR_NOT_FOUND. */
int samsa_message_header_find(const samsa_message *m, const char *name,
                              const void **value, size_t *value_len);

/* Report SAMSA_ERR_PARTITION_EOF events (once each time a partition's
 * position reaches its high watermark). Off by default. */
int samsa_consumer_eof_events(samsa_client *c, int on);

/* ---- positions ---- */

/*
 * Move partition (topic, partition), which must be assigned, to offset:
 * an offset or SAMSA_OFFSET_BEGINNING / _END. Messages already buffered
 * for the partition are dropped; the next one consume returns for it is
 * at the new position. Asynchronous: returns at once. 0, NOT_FOUND (not
 * assigned), INVALID_ARG.
 */
int samsa_seek(samsa_client *c, const char *topic, int32_t partition,
               int64_t offset);
/* Move to the first offset whose timestamp is >= timestamp_ms (ListOffsets;
 * past the last message: the end). Asynchronous like samsa_seek. */
int samsa_seek_timestamp(samsa_client *c, const char *topic,
                         int32_t partition, int64_t timestamp_ms);

/* Stop / restart fetching tps[0..n) (assignment is kept; a rebalance does
 * not resume them). Messages of a paused partition already buffered (or
 * arriving from a fetch in flight) are kept, as the Java consumer does, but
 * not returned while paused; resume returns them first, without fetching
 * them again. They stay charged to fetch.buffer.max.bytes: while they fill
 * it and nothing else is buffered, the other partitions are fetched one
 * batch at a time (unreleased messages the application keeps still stop
 * fetching). Events (errors, EOF) are not held. 0, or NOT_FOUND when
 * one was not assigned. */
int samsa_pause(samsa_client *c, const samsa_topic_partition *tps, size_t n);
int samsa_resume(samsa_client *c, const samsa_topic_partition *tps, size_t n);

/* Fill tps[i].offset with the position (SAMSA_OFFSET_INVALID when not yet
 * known) and tps[i].err (NOT_FOUND when not assigned). Returns 0. */
int samsa_position(samsa_client *c, samsa_topic_partition *tps, size_t n);

/* Fill tps[i].offset / .metadata / .leader_epoch with the committed
 * offsets (OffsetFetch to the group coordinator), waiting up to
 * timeout_ms. metadata strings stay valid until the next call of
 * samsa_committed on this handle. 0, TIMED_OUT, CONFIG (no group.id). */
int samsa_committed(samsa_client *c, samsa_topic_partition *tps, size_t n,
                    int timeout_ms);

/* Cached watermarks of an assigned partition, updated by every fetch:
 * *low = log start offset, *high = high watermark (-1 = not yet known). */
int samsa_watermarks(samsa_client *c, const char *topic, int32_t partition,
                     int64_t *low, int64_t *high);

/* Lag of an assigned partition: high watermark (last stable offset with
 * read_committed) minus the position; -1 while either is unknown. */
int samsa_lag(samsa_client *c, const char *topic, int32_t partition,
              int64_t *lag);

/* ---- commits ---- */

/*
 * Commit tps[0..n) (offset = the next offset to read, metadata optional),
 * or, with tps == NULL, the positions of all assigned partitions that
 * moved since their last commit. Sync: waits up to timeout_ms and fills
 * tps[i].err; returns the first error (or 0). Async: returns at once and
 * calls cb (which may be NULL) on the loop's thread with the outcome; a
 * later async commit never overtakes an earlier one. Fencing errors
 * (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID) are
 * reported, not retried; coordinator moves are retried until timeout.
 */
int samsa_commit_sync(samsa_client *c, samsa_topic_partition *tps, size_t n,
                      int timeout_ms);

typedef void samsa_commit_cb(void *opaque, int err,
                             const samsa_topic_partition *tps, size_t n);
int samsa_commit_async(samsa_client *c, const samsa_topic_partition *tps,
                       size_t n, samsa_commit_cb *cb, void *opaque);

/* Commit m->offset + 1 for m's partition (sync when timeout_ms != 0,
 * else async without a callback). */
int samsa_commit_message(samsa_client *c, const samsa_message *m,
                         int timeout_ms);

/* ---- end ---- */

/*
 * Stop consuming gracefully, waiting up to timeout_ms: stop fetching, drop
 * buffered messages, commit positions if enable.auto.commit, call the
 * revoked callback (which may commit), leave the group (a static member
 * does not leave: it keeps its partitions for session.timeout.ms), close
 * the fetch sessions. The handle may still produce; destroy it when done.
 * 0, TIMED_OUT (the rest is abandoned), REENTRANT.
 */
int samsa_close(samsa_client *c, int timeout_ms);

/* Bytes of fetched data not yet released by the application. */
size_t samsa_consumer_buffered_bytes(samsa_client *c);

#ifdef __cplusplus
}
#endif
#endif
