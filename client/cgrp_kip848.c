/*
 * client/cgrp_kip848.c - the KIP-848 consumer group protocol
 * (group.protocol=consumer): one ConsumerGroupHeartbeat loop joins,
 * heartbeats, receives the broker-computed assignment and acknowledges
 * it; see cgrp_int.h. group.remote.assignor picks the broker's assignor
 * (sent with every full heartbeat); empty = the broker's default.
 *
 * Reconciling: the target assignment comes as topic ids; partitions no
 * longer in it are revoked (REVOKED callback, auto-commit first), the new
 * ones start at their committed offsets (OffsetFetch), and the next
 * heartbeat, sent at once, reports what is owned, which is the ack the
 * broker waits for before it gives revoked partitions to others.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgrp_int.h"
#include "alloc.h"
#include "arena.h"
#include "base64.h"
#include "metadata_refresh.h"
#include "msg_consumer_group_heartbeat.h"

#define CG_ARENA_MAX (16u << 20)

/* A random member id (22 characters of base64url, as Java's Uuid). */
static void new_member_id(sc_cgrp *cg)
{
    uint8_t b[16];
    char out[32];
    int fd = open("/dev/urandom", O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, b, sizeof b) : -1;
    size_t i;

    if (fd >= 0)
        close(fd);
    if (got != (ssize_t)sizeof b) {
        uint64_t x = (uint64_t)sc_wall_ms() ^ (uint64_t)(uintptr_t)cg;

        for (i = 0; i < sizeof b; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b[i] = (uint8_t)x;
        }
    }
    sn_base64url_encode(b, sizeof b, out);
    sc_cg_set_member_id(cg, out, strlen(out));
}

typedef struct hb_arg {
    const sc_cgrp *cg;
    int32_t epoch;
    bool full;             /* subscription and owned partitions included */
    sp_str *topics;
    sp_cgh_topic_partitions *owned;
    int32_t nowned;
} hb_arg;

static int enc_cgh(sp_writer *w, int16_t v, const void *arg)
{
    const hb_arg *a = arg;
    const sc_cgrp *cg = a->cg;
    sp_consumer_group_heartbeat_req req;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(cg->group_id);
    req.member_id = sp_str_of(v >= 1 || cg->member_id[0] ? cg->member_id : "");
    req.member_epoch = a->epoch;
    req.instance_id = sp_str_of(cg->instance_id);
    req.rack_id = sp_str_of(cg->rack);
    req.rebalance_timeout_ms = a->epoch >= 0 ? cg->max_poll_ms : -1;
    /* a pattern goes as itself (v1+), the broker matches it */
    req.subscribed_topic_regex = sp_str_of(a->full ? cg->pattern : NULL);
    req.server_assignor = sp_str_of(a->full ? cg->remote_assignor : NULL);
    if (a->full) {
        req.subscribed_topic_names.count = cg->pattern ? -1 : (int32_t)cg->ntopics;
        req.subscribed_topic_names.items = a->topics;
        req.topic_partitions.count = a->nowned;
        req.topic_partitions.items = a->owned;
    } else {
        req.subscribed_topic_names.count = -1;
        req.topic_partitions.count = -1;
    }
    return sp_schema_encode(w, &sp_msg_consumer_group_heartbeat_req, v, &req);
}

/* Topic name of a topic id from metadata (NULL when not known). */
static const char *topic_of_id(sc_cgrp *cg, const sp_uuid *id)
{
    size_t pos = 0;
    const char *key;
    const sc_topic_md *tm;

    while ((tm = sc_strmap_next(&cg->c->md.topics, &pos, &key)) != NULL)
        if (memcmp(tm->id.b, id->b, 16) == 0)
            return tm->name;
    return NULL;
}

static void cgh_error(sc_cgrp *cg, int err, const char *msg)
{
    samsa_client *c = cg->c;

    sc_debug(&c->log, SC_DBG_CGRP, "cgrp", "group %s: ConsumerGroupHeartbeat: %s %s",
             cg->group_id, samsa_err_name(err), msg ? msg : "");
    if (err == SAMSA_ERR_UNKNOWN_MEMBER_ID || err == SAMSA_ERR_FENCED_MEMBER_EPOCH) {
        sc_cg_lost(cg, "fenced by the coordinator: partitions lost");
        cg->generation = 0;
        if (err == SAMSA_ERR_UNKNOWN_MEMBER_ID)
            new_member_id(cg);
        cg->round++;
        cg->state = CG_WANT_JOIN;
        sc_cg_retry(cg, 0);
        return;
    }
    if (err < 0 || err == SAMSA_ERR_NOT_COORDINATOR ||
        err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
        err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
        err == SAMSA_ERR_REQUEST_TIMED_OUT) {
        sc_cg_coord_lost(cg, err);
        if (cg->state == CG_JOINING)
            cg->state = CG_WANT_JOIN;
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    /* the rest (UNRELEASED_INSTANCE_ID: another handle uses our
     * group.instance.id; FENCED_INSTANCE_ID, GROUP_AUTHORIZATION_FAILED,
     * GROUP_MAX_SIZE_REACHED, UNSUPPORTED_ASSIGNOR, INVALID_REQUEST, ...)
     * is fatal, as in Java */
    sc_cg_fatal(cg, err, "ConsumerGroupHeartbeat", msg);
}

static void cgh_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    samsa_client *c = cg->c;
    sp_consumer_group_heartbeat_resp r;
    sp_arena arena;
    bool leaving = req->arg != NULL;
    char msg[160];
    int32_t t, q;

    cg->hb_inflight = false;
    if (c->closing) {
        sc_cg_req_free(req);
        return;
    }
    if (leaving) {
        sc_cg_req_free(req);
        cg->generation = 0;
        if (!cg->instance_id)
            new_member_id(cg);
        sc_cg_left(cg);
        return;
    }
    if (req->round != cg->round ||
        (cg->state != CG_JOINING && cg->state != CG_STABLE)) {
        sc_cg_req_free(req);
        return;
    }
    memset(&r, 0, sizeof r);
    msg[0] = '\0';
    sp_arena_init(&arena, cg->alloc, CG_ARENA_MAX);
    if (!err)
        err = sp_schema_decode(&sp_msg_consumer_group_heartbeat_resp,
                               req->version, &r, &arena, body, len);
    if (!err) {
        err = r.error_code;
        if (r.error_message.len > 0)
            snprintf(msg, sizeof msg, "(%.*s)", (int)r.error_message.len,
                     r.error_message.ptr);
    }
    sc_cg_req_free(req);
    if (err) {
        sp_arena_free(&arena);
        cgh_error(cg, err, msg);
        return;
    }
    if (r.member_id.len > 0)
        sc_cg_set_member_id(cg, r.member_id.ptr, (size_t)r.member_id.len);
    cg->generation = r.member_epoch;
    if (r.heartbeat_interval_ms > 0)
        cg->kip848_hb_ms = r.heartbeat_interval_ms;
    cg->last_hb_ok = sn_loop_now(c->loop);
    if (cg->state == CG_JOINING) {
        cg->state = CG_STABLE;
        sc_cg_hb_start(cg, cg->kip848_hb_ms);
    }
    if (r.assignment) {
        sc_tpl target;
        bool unknown = false;

        sc_tpl_init(&target, cg->alloc);
        for (t = 0; t < r.assignment->topic_partitions.count; t++) {
            const sp_cgh_topic_partitions *tp = &r.assignment->topic_partitions.items[t];
            const char *name = topic_of_id(cg, &tp->topic_id);

            if (!name) {
                unknown = true;
                continue;
            }
            for (q = 0; q < tp->partitions.count; q++)
                sc_tpl_add(&target, name, strlen(name), tp->partitions.items[q]);
        }
        sc_debug(&c->log, SC_DBG_CGRP, "cgrp",
                 "group %s: epoch %d, assignment of %d topic(s), %zu partition(s)%s",
                 cg->group_id, (int)cg->generation,
                 (int)r.assignment->topic_partitions.count, target.n,
                 unknown ? ", some topic ids unknown" : "");
        if (unknown) {
            /* metadata does not name a topic id yet: ask again soon with
             * an empty ack so the broker resends the assignment */
            sc_mdr_refresh(c->mdr);
            sc_cg_pattern_list(cg); /* a topic the pattern matched */
            cg->kip848_send_full = true;
            sc_cg_hb_start(cg, cg->retry_ms * 2);
        }
        if (unknown || sc_tpl_equal(&target, cg->pending_set ? &cg->pending
                                                              : &cg->owned))
            ; /* nothing new (or not all of it known yet) */
        else
            sc_cg_assignment(cg, &target);
        sc_tpl_free(&target);
    }
    sp_arena_free(&arena);
    sc_cg_run(cg);
}

/* Owned partitions as topic-id runs. */
static int owned_runs(sc_cgrp *cg, sp_cgh_topic_partitions **out, int32_t **parts,
                      int32_t *nout)
{
    sp_cgh_topic_partitions *tp;
    int32_t *p;
    size_t i;
    int32_t nt = 0;

    *out = NULL;
    *parts = NULL;
    *nout = 0;
    if (!cg->owned.n)
        return 0;
    tp = sp_calloc(cg->alloc, cg->owned.n, sizeof *tp);
    p = sp_calloc(cg->alloc, cg->owned.n, sizeof *p);
    if (!tp || !p) {
        sp_free(cg->alloc, tp);
        sp_free(cg->alloc, p);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (i = 0; i < cg->owned.n; i++) {
        const char *name = cg->owned.v[i].topic;

        if (i == 0 || strcmp(name, cg->owned.v[i - 1].topic) != 0) {
            const sc_topic_md *tm = sc_md_topic(&cg->c->md, name, strlen(name));

            if (tm)
                tp[nt].topic_id = tm->id;
            tp[nt].partitions.items = &p[i];
            nt++;
        }
        p[i] = cg->owned.v[i].partition;
        tp[nt - 1].partitions.count++;
    }
    *out = tp;
    *parts = p;
    *nout = nt;
    return 0;
}

static void send_cgh(sc_cgrp *cg, int32_t epoch, bool leaving)
{
    sn_conn *conn = sc_cg_coord(cg);
    hb_arg a;
    int32_t *parts = NULL;
    sc_cg_req *req;
    size_t i;
    int rc;

    if (!conn)
        return;
    memset(&a, 0, sizeof a);
    a.cg = cg;
    a.epoch = epoch;
    /* as Java: the full state when joining, after a change of the
     * subscription or the owned partitions; the broker answers a full
     * request with the assignment again */
    a.full = epoch >= 0 && (epoch == 0 || cg->kip848_send_full ||
                            (cg->kip848_ack && !sc_cg_commits_pending(cg)));
    /* (the ack waits until commits made on revoke are stored, so the
     * next owner reads them) */
    a.topics = sp_calloc(cg->alloc, cg->ntopics + 1, sizeof *a.topics);
    if (!a.topics || owned_runs(cg, &a.owned, &parts, &a.nowned) != 0) {
        sp_free(cg->alloc, a.topics);
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    for (i = 0; i < cg->ntopics; i++)
        a.topics[i] = sp_str_of(cg->topics[i]);
    req = sc_cg_req_new(cg);
    if (req && leaving)
        req->arg = cg; /* marks a leave */
    rc = req ? sc_cg_send(cg, conn, SP_CONSUMER_GROUP_HEARTBEAT_KEY, enc_cgh, &a,
                          0, cgh_cb, req)
             : SAMSA_ERR_NO_MEMORY;
    sp_free(cg->alloc, a.topics);
    sp_free(cg->alloc, a.owned);
    sp_free(cg->alloc, parts);
    if (rc) {
        sc_cg_req_free(req);
        if (rc == SAMSA_ERR_NO_COMMON_VERSION || rc == SAMSA_ERR_NOT_SUPPORTED) {
            cgh_error(cg, rc, "(the broker does not offer KIP-848 groups)");
            return;
        }
        if (leaving)
            sc_cg_left(cg);
        else
            sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    cg->hb_inflight = true;
    if (a.full) {
        cg->kip848_ack = false;
        cg->kip848_send_full = false;
    }
}

void sc_cg_kip848_heartbeat(sc_cgrp *cg)
{
    if (cg->hb_inflight)
        return;
    if (cg->state == CG_WANT_JOIN) {
        if (!cg->member_id[0])
            new_member_id(cg);
        if (cg->generation < 0)
            cg->generation = 0;
        send_cgh(cg, cg->generation, false);
        if (cg->hb_inflight)
            cg->state = CG_JOINING;
        return;
    }
    send_cgh(cg, cg->generation, false);
}

void sc_cg_kip848_leave(sc_cgrp *cg)
{
    if (cg->leave_inflight)
        return;
    if (!cg->member_id[0] || cg->generation <= 0) {
        sc_cg_left(cg);
        return;
    }
    cg->round++;
    cg->hb_inflight = false;
    send_cgh(cg, cg->instance_id ? -2 : -1, true);
    if (cg->hb_inflight)
        cg->leave_inflight = true;
}
