/*
 * client/cgrp_int.h - the inside of a consumer group member, shared by
 * cgrp.c (life cycle, coordinator, assignment changes, callbacks),
 * cgrp_classic.c (JoinGroup/SyncGroup/Heartbeat/LeaveGroup),
 * cgrp_kip848.c (ConsumerGroupHeartbeat) and cgrp_commit.c (OffsetCommit,
 * OffsetFetch, auto-commit).
 *
 * One sc_cgrp per handle (c->cgrp), created by the first subscribe or
 * commit and freed by sc_cgrp_destroy() after the broker pool, so request
 * callbacks never see it freed. Everything is loop-thread only, except
 * the fields marked "under mu" (c->mu) and last_poll_ms (atomic).
 */
#ifndef SC_CGRP_INT_H
#define SC_CGRP_INT_H

#include <regex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "samsa/consumer.h"
#include "assignor.h"
#include "cgrp.h"
#include "cgrp_tp.h"
#include "client_int.h"

#define SC_CGRP_MAX_ASSIGNORS 8

typedef enum sc_cg_state {
    CG_IDLE = 0,   /* not subscribed (or left) */
    CG_WANT_JOIN,  /* join when commits drained and coordinator ready */
    CG_JOINING,    /* JoinGroup (or first ConsumerGroupHeartbeat) in flight */
    CG_ASSIGNING,  /* leader: waiting for topic metadata to assign */
    CG_SYNCING,    /* SyncGroup in flight */
    CG_STABLE,     /* member of a generation: heartbeating */
    CG_LEAVING,    /* LeaveGroup in flight */
    CG_FATAL       /* fenced static member or a config error: stopped */
} sc_cg_state;

struct sc_cg_commit;
struct sc_cgrp;

/* One request in flight: freed by its response callback. */
typedef struct sc_cg_req {
    struct sc_cgrp *cg;
    int16_t version;
    int16_t vmax;          /* cap on the version (0 = none) */
    uint32_t round;        /* cg->round when sent */
    void *arg;             /* per request (a commit, a fetch list) */
} sc_cg_req;

typedef struct sc_cgrp {
    samsa_client *c;
    const samsa_allocator *alloc;

    /* configuration, read once */
    char *group_id;
    char *instance_id;            /* NULL = dynamic member */
    char *rack;                   /* NULL = none */
    char *remote_assignor;        /* group.remote.assignor; NULL = default */
    bool kip848;                  /* group.protocol=consumer */
    const sc_assignor *assignors[SC_CGRP_MAX_ASSIGNORS];
    size_t nassignors;
    int session_ms, heartbeat_ms, max_poll_ms, retry_ms;
    bool auto_commit;
    int auto_commit_ms;
    int reset_policy;             /* sc_reset_policy */

    /* subscription: sorted topic names, owned */
    char **topics;
    size_t ntopics;

    /* pattern subscription (cgrp_regex.c): topics is what matched */
    char *pattern;                /* NULL = subscribed by names */
    regex_t re;                   /* "^(pattern)$", valid when re_set */
    bool re_set;
    bool list_inflight;           /* Metadata for all topics in flight */
    sn_timer list;                /* next listing (metadata.max.age.ms) */

    /* coordinator */
    int32_t coord_id;             /* -1 = unknown */
    int64_t coord_down_since;     /* its connection not READY since (0 = is) */
    bool find_inflight;
    int64_t find_not_before;

    /* membership */
    sc_cg_state state;
    char *member_id;              /* "" until the broker gives one */
    int32_t generation;           /* classic generation / KIP-848 epoch */
    const sc_assignor *chosen;    /* from the JoinGroup answer */
    bool cooperative;             /* every listed assignor is cooperative */
    bool is_leader;               /* classic: this member assigns */
    bool md_missing;              /* leader assigned without some topics */
    bool hb_inflight;
    bool leave_inflight;
    bool rejoin_asap;             /* cooperative: rejoin after revoking */
    bool closing;                 /* leaving (close or unsubscribe) */
    bool applying;                /* inside our own samsa_assign() */
    _Atomic bool left_for_poll;   /* left for max.poll.interval.ms */
    _Atomic bool rejoin_posted;   /* one rejoin_post in the loop's queue */
    _Atomic bool idle;            /* leaving finished (waiters read it) */
    int fatal_err;
    int64_t last_hb_ok;           /* monotonic ms of the last good heartbeat */
    uint32_t round;               /* bumped by every join: stale answers */
    int64_t join_started_ms;      /* for the rebalance-time log line */
    int64_t last_rebalance_ms;    /* join start to assigned, last round */

    /* leader data kept between JoinGroup and SyncGroup */
    struct sc_cg_member *members; /* copied from the JoinGroup answer */
    int32_t nmembers;
    int64_t assign_wait_since;    /* leader waiting for topic metadata */

    /* assignment */
    sc_tpl owned;                 /* applied to the consumer */
    sc_tpl pending;               /* target waiting for OffsetFetch */
    bool pending_set;
    bool fetch_inflight;

    /* KIP-848 */
    int kip848_hb_ms;             /* interval the broker asked for */
    bool kip848_send_full;        /* send subscription/owned next time */
    bool kip848_ack;              /* owned changed: report it */

    /* commits (in order, one in flight) */
    struct sc_cg_commit *cq_head, *cq_tail;
    bool commit_inflight;
    struct sc_cg_commit *last_fetch; /* samsa_committed results (metadata) */
    sc_tpl stored_next;           /* samsa_assign(STORED): to look up */
    sc_tpl stored_pending;        /* ... looked up now */

    /* timers */
    sn_timer retry;               /* runs sc_cg_run */
    sn_timer hb;                  /* heartbeat / poll / session checks */
    sn_timer ac;                  /* auto-commit */

    _Atomic int64_t last_poll_ms; /* any thread */
    int64_t rebalances;           /* completed (statistics, tests) */
} sc_cgrp;

/* ---- cgrp.c ---- */
sc_cgrp *sc_cg_get(samsa_client *c);       /* create on first use */
void sc_cg_run(sc_cgrp *cg);               /* advance the state machine */
void sc_cg_retry(sc_cgrp *cg, int64_t ms); /* sc_cg_run after ms */
/* READY coordinator connection, or NULL (discovery or connecting started,
 * sc_cg_run will be called again). */
sn_conn *sc_cg_coord(sc_cgrp *cg);
/* The coordinator moved or failed (err decides the log line). */
void sc_cg_coord_lost(sc_cgrp *cg, int err);
/* New target assignment from the group (SyncGroup or KIP-848). Revokes
 * what it lacks, fetches committed offsets for what it adds. */
void sc_cg_assignment(sc_cgrp *cg, const sc_tpl *target);
/* Partitions taken away without a revoke: LOST callback, consumer
 * cleared. */
void sc_cg_lost(sc_cgrp *cg, const char *why);
/* A non-retriable group error: ERROR log, LOST, errstr, state FATAL
 * (the group stops; subscribe returns STATE) and one group event (err,
 * "group G: what failed: NAME (text) msg") queued for samsa_consume.
 * what names the request, msg is the broker's error message or NULL. */
void sc_cg_fatal(sc_cgrp *cg, int err, const char *what, const char *msg);
/* Eager: revoke everything (auto-commit, REVOKED callback) before a join. */
void sc_cg_revoke_all(sc_cgrp *cg);
void sc_cg_rebalance_cb(sc_cgrp *cg, samsa_rebalance_event ev,
                        const sc_tpl *l);
bool sc_cg_is_fencing(int err);
void sc_cg_set_member_id(sc_cgrp *cg, const char *id, size_t len);
/* Send key (version picked for conn) with req as the callback's opaque
 * (req->cg, version, round filled). 0 or the send error (req not used). */
int sc_cg_send(sc_cgrp *cg, sn_conn *conn, int16_t key, sn_body_encode_fn enc,
               const void *arg, int timeout_ms, sn_response_cb cb,
               sc_cg_req *req);
sc_cg_req *sc_cg_req_new(sc_cgrp *cg);
void sc_cg_req_free(sc_cg_req *req);
/* Apply cg->pending: the consumer gets it (added[] carries the starting
 * offsets of new partitions), ASSIGNED callback with what is new. */
void sc_cg_apply(sc_cgrp *cg, const samsa_topic_partition *added,
                 size_t nadded);
/* Replace the subscription by these names (copied, deduplicated,
 * sorted, wanted in metadata): the first one starts joining, a change
 * rejoins (classic) or is sent with the next heartbeat (KIP-848). 0 or
 * NO_MEMORY. */
int sc_cg_set_topics(sc_cgrp *cg, const char *const *topics, size_t n);
/* IDLE -> WANT_JOIN with the timers started. */
void sc_cg_start(sc_cgrp *cg);
/* (Re)join: eager revokes all first; state WANT_JOIN. */
void sc_cg_rejoin(sc_cgrp *cg, const char *why);
/* Leaving finished: IDLE, waiters woken. */
void sc_cg_left(sc_cgrp *cg);
void sc_cg_hb_start(sc_cgrp *cg, int ms);

/* ---- cgrp_classic.c / cgrp_kip848.c ---- */
typedef struct sc_cg_member {
    char *member_id;
    char *instance_id;     /* NULL = dynamic */
    uint8_t *meta;         /* ConsumerProtocolSubscription bytes */
    int32_t meta_len;
} sc_cg_member;

void sc_cg_classic_join(sc_cgrp *cg);      /* send JoinGroup */
void sc_cg_classic_assign(sc_cgrp *cg);    /* leader: assign, SyncGroup */
void sc_cg_classic_heartbeat(sc_cgrp *cg);
void sc_cg_classic_leave(sc_cgrp *cg);     /* LeaveGroup (fire and wait) */
void sc_cg_kip848_heartbeat(sc_cgrp *cg);  /* join, heartbeat, ack */
void sc_cg_kip848_leave(sc_cgrp *cg);
void sc_cg_members_free(sc_cgrp *cg);

/* ---- cgrp_regex.c ---- */
void sc_cg_pattern_init(sc_cgrp *cg);
/* Compile-check regex (any thread): 0 or INVALID_ARG with errstr. */
int sc_cg_pattern_check(samsa_client *c, const char *regex);
/* Subscribe by pattern: replaces names or an earlier pattern, lists the
 * cluster's topics now and every metadata.max.age.ms. 0, NO_MEMORY. */
int sc_cg_set_pattern(sc_cgrp *cg, const char *regex);
/* Forget the pattern (timer stopped); no-op without one. */
void sc_cg_pattern_clear(sc_cgrp *cg);
/* List the cluster's topics now (KIP-848: an assigned topic id we cannot
 * name yet). */
void sc_cg_pattern_list(sc_cgrp *cg);

/* ---- cgrp_commit.c ---- */
/* Send the next queued commit if the coordinator is ready. */
void sc_cg_commit_run(sc_cgrp *cg);
bool sc_cg_commits_pending(const sc_cgrp *cg);
/* Queue an async commit of positions (l NULL = all owned that moved). */
int sc_cg_commit_positions(sc_cgrp *cg, const sc_tpl *l);
/* Fetch committed offsets for cg->pending, then apply it. */
void sc_cg_fetch_committed(sc_cgrp *cg);
void sc_cg_commits_fail_all(sc_cgrp *cg, int err);
void sc_cg_commit_free_last(sc_cgrp *cg);
/* Queue one OffsetFetch for cg->stored_next (assign with STORED). */
void sc_cg_stored_run(sc_cgrp *cg);
void sc_cg_autocommit_start(sc_cgrp *cg);

#endif
