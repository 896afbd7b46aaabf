/*
 * client/fetch_session.h - a KIP-227 incremental fetch session with one
 * broker (the client side of Kafka's FetchSessionHandler).
 *
 * Each Fetch to a broker names only what changed since the last one: the
 * broker keeps, per session, every partition's fetch offset, max bytes
 * and epochs, and answers for partitions absent from the request too.
 *
 *   sc_fs_begin(&fs);                     for each Fetch:
 *   sc_fs_want(&fs, &part) ...            every partition to fetch now
 *   sc_fs_build(&fs, version, &req, &arena)   fills session id/epoch,
 *                                         topics, forgotten topics
 *   (caller sets max_wait_ms, min_bytes, max_bytes, isolation_level,
 *    rack_id, ... and sends req)
 *   sc_fs_response(&fs, &resp, version)   or sc_fs_failed(&fs)
 *
 * Request kinds: a FULL request (epoch 0) lists every wanted partition and
 * asks for a new session (closing the old one, whose id it carries); an
 * INCREMENTAL one (epoch 1, 2, ...) lists only partitions that are new or
 * whose fetch offset, max bytes, current leader epoch, last fetched epoch
 * or log start offset changed, and forgets partitions no longer wanted.
 * Partitions missing from an incremental response are unchanged (no new
 * data, no error). Before v7 there are no sessions: every request is full
 * with epoch -1. From v13 topics travel by id: every wanted partition
 * needs its topic id there (INVALID_ARG otherwise: use v12); a topic id
 * change (topic recreated) forgets the old id and adds the new; a switch
 * between names and ids starts a new session.
 *
 * Back to full when: FETCH_SESSION_ID_NOT_FOUND (new session, id 0),
 * INVALID_FETCH_SESSION_EPOCH or any other top-level error, a response
 * naming partitions the session does not have (or, for a full request,
 * omitting some), a failed request (sc_fs_failed), or the broker answering
 * without a session id (sessionless: every request full).
 *
 * Ownership: sc_fs_want copies the partition but borrows its topic string
 * until sc_fs_build returns (the session keeps its own copies). The
 * request's arrays and strings live in the caller's arena: valid until it
 * is freed, independent of later session calls. Thread rules: loop thread
 * only; one request in flight per session.
 */
#ifndef SC_FETCH_SESSION_H
#define SC_FETCH_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "samsa/alloc.h"
#include "arena.h"
#include "msg_fetch.h"

typedef struct sc_fs_part {
    const char *topic;            /* NUL-terminated */
    sp_uuid topic_id;             /* all zero = unknown */
    int32_t partition;
    int64_t fetch_offset;
    int64_t log_start_offset;     /* -1 for consumers */
    int32_t current_leader_epoch; /* -1 = unknown */
    int32_t last_fetched_epoch;   /* -1 = unknown */
    int32_t max_bytes;            /* max.partition.fetch.bytes */
} sc_fs_part;

typedef struct sc_fetch_session {
    const samsa_allocator *alloc;
    int32_t id;        /* 0 = no session */
    int32_t epoch;     /* epoch of the next request: 0 = full */
    bool uses_ids;     /* the session was made with v13+ */
    bool in_flight;
    bool sent_full;    /* the request in flight is full */
    bool sessionless;  /* the in-flight request is epoch -1 (pre-v7) */
    sc_fs_part *parts; /* the broker's view, sorted; names owned */
    int32_t nparts;
    sc_fs_part *want;  /* next request, names borrowed */
    int32_t nwant, capwant;
    /* statistics */
    uint64_t full_requests, incremental_requests, resets;
} sc_fetch_session;

void sc_fs_init(sc_fetch_session *fs, const samsa_allocator *alloc);
void sc_fs_free(sc_fetch_session *fs);

/* Start listing the partitions of the next request. */
void sc_fs_begin(sc_fetch_session *fs);
/* Add one (copied; topic borrowed until sc_fs_build). 0, NO_MEMORY,
 * INVALID_ARG (no topic). */
int sc_fs_want(sc_fetch_session *fs, const sc_fs_part *p);

/*
 * Fill req's session_id, session_epoch, topics and forgotten_topics_data
 * for a request of the given version (other fields untouched). 0;
 * SAMSA_ERR_STATE (a request is in flight); INVALID_ARG (a partition
 * listed twice, or v13+ and a topic id missing); NO_MEMORY (session
 * unchanged). After 0 the request counts as in flight. An incremental
 * request may list no partitions at all (nothing changed): send it
 * anyway, it is how new data arrives.
 */
int sc_fs_build(sc_fetch_session *fs, int16_t version, sp_fetch_req *req,
                sp_arena *arena);

/*
 * Apply a response to the request in flight. 0: use its data. Otherwise
 * the session went back to full and the data must not be used: the
 * top-level error code (FETCH_SESSION_ID_NOT_FOUND, ...),
 * SAMSA_ERR_PROTOCOL (unexpected or missing partitions), or
 * THROTTLING_QUOTA_EXCEEDED (empty full response with a throttle time,
 * KIP-219: wait throttle_time_ms and fetch again).
 */
int sc_fs_response(sc_fetch_session *fs, const sp_fetch_resp *resp,
                   int16_t version);

/* The request in flight failed (connection lost, timeout): full next. */
void sc_fs_failed(sc_fetch_session *fs);

/* A request that closes the session (epoch -1, no partitions), e.g. on
 * shutdown; the session is forgotten. 0, or NOT_FOUND (no session). */
int sc_fs_build_close(sc_fetch_session *fs, sp_fetch_req *req);

/* Topic name for a topic id in this session (v13+ responses), or NULL. */
const char *sc_fs_topic_by_id(const sc_fetch_session *fs, const sp_uuid *id);

/* True when the next request will be full. */
bool sc_fs_next_is_full(const sc_fetch_session *fs);

#endif
