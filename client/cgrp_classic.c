/*
 * client/cgrp_classic.c - the classic group protocol for a consumer:
 * JoinGroup (with the MEMBER_ID_REQUIRED retry), the leader's assignment,
 * SyncGroup, Heartbeat and LeaveGroup; see cgrp_int.h.
 */
#include <stdio.h>
#include <string.h>

#include "cgrp_int.h"
#include "alloc.h"
#include "arena.h"
#include "metadata_refresh.h"
#include "msg_consumer_protocol.h"
#include "msg_heartbeat.h"
#include "msg_join_group.h"
#include "msg_leave_group.h"
#include "msg_sync_group.h"

#define CG_ARENA_MAX (64u << 20)
#define CG_META_MAX (16u << 20)
#define CG_WAIT (-100000) /* local: try again shortly */
#define CG_MD_WAIT_MS 5000 /* leader waits this long for topic metadata */

/* ------------------------------------------------------------ members */

void sc_cg_members_free(sc_cgrp *cg)
{
    int32_t i;

    for (i = 0; i < cg->nmembers; i++) {
        sp_free(cg->alloc, cg->members[i].member_id);
        sp_free(cg->alloc, cg->members[i].instance_id);
        sp_free(cg->alloc, cg->members[i].meta);
    }
    sp_free(cg->alloc, cg->members);
    cg->members = NULL;
    cg->nmembers = 0;
}

static char *copy_str(const samsa_allocator *a, sp_str s)
{
    size_t n = s.len > 0 ? (size_t)s.len : 0;
    char *d = sp_alloc(a, n + 1);

    if (d) {
        if (n)
            memcpy(d, s.ptr, n);
        d[n] = '\0';
    }
    return d;
}

static int members_copy(sc_cgrp *cg, const sp_join_group_resp *r)
{
    int32_t i;

    sc_cg_members_free(cg);
    if (r->members.count <= 0)
        return 0;
    cg->members = sp_calloc(cg->alloc, (size_t)r->members.count,
                            sizeof *cg->members);
    if (!cg->members)
        return SAMSA_ERR_NO_MEMORY;
    cg->nmembers = r->members.count;
    for (i = 0; i < r->members.count; i++) {
        const sp_join_group_member *m = &r->members.items[i];
        sc_cg_member *d = &cg->members[i];

        d->member_id = copy_str(cg->alloc, m->member_id);
        if (m->group_instance_id.len >= 0)
            d->instance_id = copy_str(cg->alloc, m->group_instance_id);
        d->meta_len = m->metadata.len > 0 ? m->metadata.len : 0;
        d->meta = sp_alloc(cg->alloc, (size_t)d->meta_len + 1);
        if (!d->member_id || !d->meta ||
            (m->group_instance_id.len >= 0 && !d->instance_id))
            return SAMSA_ERR_NO_MEMORY;
        if (d->meta_len)
            memcpy(d->meta, m->metadata.ptr, (size_t)d->meta_len);
    }
    return 0;
}

/* ------------------------------------------------------------ errors */

static void go_fatal(sc_cgrp *cg, int err, const char *what)
{
    sc_cg_fatal(cg, err, what, NULL);
}

static bool coord_error(int err)
{
    return err < 0 || err == SAMSA_ERR_NOT_COORDINATOR ||
           err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           err == SAMSA_ERR_REQUEST_TIMED_OUT;
}

/* An error answer to JoinGroup / SyncGroup / Heartbeat. */
static void group_error(sc_cgrp *cg, int err, const char *what)
{
    sc_debug(&cg->c->log, SC_DBG_CGRP, "cgrp", "group %s: %s: %s",
             cg->group_id, what, samsa_err_name(err));
    if (err == SAMSA_ERR_FENCED_INSTANCE_ID) {
        go_fatal(cg, err, what);
        return;
    }
    if (err == SAMSA_ERR_UNKNOWN_MEMBER_ID || err == SAMSA_ERR_ILLEGAL_GENERATION) {
        char why[160];

        snprintf(why, sizeof why, "%s: %s: partitions lost", what,
                 samsa_err_name(err));
        sc_cg_lost(cg, why);
        cg->generation = -1;
        if (err == SAMSA_ERR_UNKNOWN_MEMBER_ID)
            sc_cg_set_member_id(cg, "", 0);
        sc_cg_rejoin(cg, samsa_err_name(err));
        return;
    }
    if (err == SAMSA_ERR_REBALANCE_IN_PROGRESS) {
        sc_cg_rejoin(cg, "rebalance in progress");
        return;
    }
    if (coord_error(err)) {
        sc_cg_coord_lost(cg, err);
        if (cg->state != CG_STABLE) {
            cg->state = CG_WANT_JOIN;
            sc_cg_retry(cg, cg->retry_ms);
        }
        return;
    }
    if (err == SAMSA_ERR_UNKNOWN_SERVER_ERROR) {
        cg->state = CG_WANT_JOIN;
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    go_fatal(cg, err, what);
}

/* ------------------------------------------------------------ JoinGroup */

typedef struct join_arg {
    const sc_cgrp *cg;
    sp_join_group_protocol protos[SC_CGRP_MAX_ASSIGNORS];
    size_t nprotos;
} join_arg;

static int enc_join(sp_writer *w, int16_t v, const void *arg)
{
    const join_arg *j = arg;
    const sc_cgrp *cg = j->cg;
    sp_join_group_req req;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(cg->group_id);
    req.session_timeout_ms = cg->session_ms;
    req.rebalance_timeout_ms = cg->max_poll_ms;
    req.member_id = sp_str_of(cg->member_id);
    req.group_instance_id = sp_str_of(cg->instance_id);
    req.protocol_type = sp_str_of("consumer");
    req.protocols.count = (int32_t)j->nprotos;
    req.protocols.items = (sp_join_group_protocol *)j->protos;
    req.reason = sp_str_of(NULL);
    return sp_schema_encode(w, &sp_msg_join_group_req, v, &req);
}

/* ConsumerProtocolSubscription v3: topics, owned partitions, generation. */
static int encode_subscription(sc_cgrp *cg, sp_writer *w)
{
    sp_consumer_protocol_subscription sub;
    sp_consumer_protocol_topic_partitions *tp = NULL;
    sp_str *topics;
    int32_t *parts = NULL;
    size_t i, nt = 0;
    int rc;

    memset(&sub, 0, sizeof sub);
    topics = sp_calloc(cg->alloc, cg->ntopics + 1, sizeof *topics);
    if (cg->owned.n) {
        tp = sp_calloc(cg->alloc, cg->owned.n, sizeof *tp);
        parts = sp_calloc(cg->alloc, cg->owned.n, sizeof *parts);
    }
    if (!topics || (cg->owned.n && (!tp || !parts))) {
        rc = SAMSA_ERR_NO_MEMORY;
        goto out;
    }
    for (i = 0; i < cg->ntopics; i++)
        topics[i] = sp_str_of(cg->topics[i]);
    sub.topics.count = (int32_t)cg->ntopics;
    sub.topics.items = topics;
    sub.user_data.len = -1;
    /* owned is sorted by topic: one entry per topic run */
    for (i = 0; i < cg->owned.n; i++) {
        if (nt == 0 || strcmp(cg->owned.v[i].topic, tp[nt - 1].topic.ptr) != 0) {
            tp[nt].topic = sp_str_of(cg->owned.v[i].topic);
            tp[nt].partitions.items = &parts[i];
            nt++;
        }
        parts[i] = cg->owned.v[i].partition;
        tp[nt - 1].partitions.count++;
    }
    sub.owned_partitions.count = (int32_t)nt;
    sub.owned_partitions.items = tp;
    sub.generation_id = cg->generation;
    sub.rack_id = sp_str_of(cg->rack);
    rc = sp_consumer_protocol_encode(w, &sp_msg_consumer_protocol_subscription,
                                     3, &sub);
out:
    sp_free(cg->alloc, topics);
    sp_free(cg->alloc, tp);
    sp_free(cg->alloc, parts);
    return rc;
}

static void join_cb(void *opaque, int err, const uint8_t *body, size_t len);

void sc_cg_classic_join(sc_cgrp *cg)
{
    sn_conn *conn = sc_cg_coord(cg);
    sp_writer w;
    join_arg j;
    sc_cg_req *req;
    size_t i;
    int rc;

    if (!conn)
        return;
    sp_writer_init(&w, cg->alloc, CG_META_MAX);
    rc = encode_subscription(cg, &w);
    if (rc) {
        sp_writer_free(&w);
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    memset(&j, 0, sizeof j);
    j.cg = cg;
    for (i = 0; i < cg->nassignors; i++) {
        j.protos[i].name = sp_str_of(cg->assignors[i]->name);
        j.protos[i].metadata.ptr = w.buf;
        j.protos[i].metadata.len = (int32_t)w.len;
    }
    j.nprotos = cg->nassignors;
    req = sc_cg_req_new(cg);
    rc = req ? sc_cg_send(cg, conn, SP_JOIN_GROUP_KEY, enc_join, &j,
                          cg->max_poll_ms + 5000, join_cb, req)
             : SAMSA_ERR_NO_MEMORY;
    sp_writer_free(&w);
    if (rc) {
        sc_cg_req_free(req);
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    cg->state = CG_JOINING;
    sc_debug(&cg->c->log, SC_DBG_CGRP, "cgrp", "group %s: JoinGroup v%d as '%s'",
             cg->group_id, (int)req->version, cg->member_id);
}

static void join_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    samsa_client *c = cg->c;
    sp_join_group_resp r;
    sp_arena arena;
    bool stale = req->round != cg->round || cg->state != CG_JOINING;
    size_t i;

    if (c->closing || stale) {
        sc_cg_req_free(req);
        return;
    }
    memset(&r, 0, sizeof r);
    sp_arena_init(&arena, cg->alloc, CG_ARENA_MAX);
    if (!err)
        err = sp_schema_decode(&sp_msg_join_group_resp, req->version, &r,
                               &arena, body, len);
    if (!err)
        err = r.error_code;
    if (err == SAMSA_ERR_MEMBER_ID_REQUIRED) {
        sc_cg_set_member_id(cg, r.member_id.ptr, (size_t)(r.member_id.len > 0 ? r.member_id.len : 0));
        cg->state = CG_WANT_JOIN;
        sc_cg_retry(cg, 0);
        goto out;
    }
    if (err) {
        group_error(cg, err, "JoinGroup");
        goto out;
    }
    sc_cg_set_member_id(cg, r.member_id.ptr,
                        (size_t)(r.member_id.len > 0 ? r.member_id.len : 0));
    cg->generation = r.generation_id;
    cg->chosen = NULL;
    for (i = 0; i < cg->nassignors; i++)
        if (r.protocol_name.len >= 0 &&
            strlen(cg->assignors[i]->name) == (size_t)r.protocol_name.len &&
            memcmp(cg->assignors[i]->name, r.protocol_name.ptr,
                   (size_t)r.protocol_name.len) == 0)
            cg->chosen = cg->assignors[i];
    if (!cg->chosen && req->version >= 7) {
        go_fatal(cg, SAMSA_ERR_INCONSISTENT_GROUP_PROTOCOL, "JoinGroup");
        goto out;
    }
    if (!cg->chosen)
        cg->chosen = cg->assignors[0]; /* v0-6 do not name it to members */
    sc_debug(&c->log, SC_DBG_CGRP, "cgrp",
             "group %s: joined generation %d as %s (%s, leader %.*s)",
             cg->group_id, (int)cg->generation, cg->member_id, cg->chosen->name,
             (int)(r.leader.len > 0 ? r.leader.len : 0), r.leader.ptr);
    if (r.leader.len == (int32_t)strlen(cg->member_id) &&
        memcmp(r.leader.ptr, cg->member_id, (size_t)r.leader.len) == 0 &&
        !r.skip_assignment) {
        if (members_copy(cg, &r) != 0) {
            cg->state = CG_WANT_JOIN;
            sc_cg_retry(cg, cg->retry_ms);
            goto out;
        }
        cg->state = CG_ASSIGNING;
        cg->is_leader = true;
        cg->assign_wait_since = sn_loop_now(c->loop);
        sc_cg_classic_assign(cg);
    } else {
        sc_cg_members_free(cg);
        cg->is_leader = false;
        cg->state = CG_ASSIGNING;
        cg->assign_wait_since = 0; /* follower: SyncGroup at once */
        sc_cg_classic_assign(cg);
    }
out:
    sp_arena_free(&arena);
    sc_cg_req_free(req);
}

/* ------------------------------------------------------------ assign */

typedef struct sync_arg {
    const sc_cgrp *cg;
    sp_sync_group_assignment *as;
    int32_t nas;
} sync_arg;

static int enc_sync(sp_writer *w, int16_t v, const void *arg)
{
    const sync_arg *s = arg;
    const sc_cgrp *cg = s->cg;
    sp_sync_group_req req;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(cg->group_id);
    req.generation_id = cg->generation;
    req.member_id = sp_str_of(cg->member_id);
    req.group_instance_id = sp_str_of(cg->instance_id);
    req.protocol_type = sp_str_of("consumer");
    req.protocol_name = sp_str_of(cg->chosen ? cg->chosen->name : NULL);
    req.assignments.count = s->nas;
    req.assignments.items = s->as;
    return sp_schema_encode(w, &sp_msg_sync_group_req, v, &req);
}

static void sync_cb(void *opaque, int err, const uint8_t *body, size_t len);

/* Encode one member's share (topic runs) as an assignment of version v. */
static int encode_share(sc_cgrp *cg, const sc_assign_share *sh, int16_t v,
                        sp_writer *w)
{
    sp_consumer_protocol_assignment a;
    sp_consumer_protocol_topic_partitions *tp = NULL;
    int32_t *parts = NULL;
    size_t i, nt = 0;
    int rc;

    memset(&a, 0, sizeof a);
    if (sh->nparts) {
        tp = sp_calloc(cg->alloc, sh->nparts, sizeof *tp);
        parts = sp_calloc(cg->alloc, sh->nparts, sizeof *parts);
        if (!tp || !parts) {
            sp_free(cg->alloc, tp);
            sp_free(cg->alloc, parts);
            return SAMSA_ERR_NO_MEMORY;
        }
    }
    for (i = 0; i < sh->nparts; i++) {
        const sc_assign_tp *p = &sh->parts[i];

        if (nt == 0 || tp[nt - 1].topic.len != p->topic.len ||
            memcmp(tp[nt - 1].topic.ptr, p->topic.ptr, (size_t)p->topic.len) != 0) {
            tp[nt].topic = p->topic;
            tp[nt].partitions.items = &parts[i];
            nt++;
        }
        parts[i] = p->partition;
        tp[nt - 1].partitions.count++;
    }
    a.assigned_partitions.count = (int32_t)nt;
    a.assigned_partitions.items = tp;
    a.user_data.len = -1;
    rc = sp_consumer_protocol_encode(w, &sp_msg_consumer_protocol_assignment,
                                     v, &a);
    sp_free(cg->alloc, tp);
    sp_free(cg->alloc, parts);
    return rc;
}

/* Leader: run the assignor. *as/writers filled per member. Returns 0,
 * CG_WAIT (metadata missing, wait) or an error. */
static int leader_assign(sc_cgrp *cg, sp_arena *arena, sp_writer *ws,
                         sp_sync_group_assignment *as)
{
    samsa_client *c = cg->c;
    sp_consumer_protocol_subscription *subs;
    int16_t *vers;
    sc_assign_member *ms;
    sc_assign_topic *topics = NULL;
    sc_assign_tp **owned;
    sc_assign_input in;
    sc_assign_result res;
    size_t ntopics = 0, cap = 0, k;
    int32_t m;
    bool missing = false;
    int rc = 0;

    subs = sp_arena_array(arena, (size_t)cg->nmembers, sizeof *subs);
    vers = sp_arena_array(arena, (size_t)cg->nmembers, sizeof *vers);
    ms = sp_arena_array(arena, (size_t)cg->nmembers, sizeof *ms);
    owned = sp_arena_array(arena, (size_t)cg->nmembers, sizeof *owned);
    if (!subs || !vers || !ms || !owned)
        return SAMSA_ERR_NO_MEMORY;
    for (m = 0; m < cg->nmembers; m++) {
        const sc_cg_member *mb = &cg->members[m];
        sp_consumer_protocol_subscription *s = &subs[m];
        size_t no = 0;
        int32_t t;

        rc = sp_consumer_protocol_decode(&sp_msg_consumer_protocol_subscription,
                                         s, &vers[m], arena, mb->meta,
                                         (size_t)mb->meta_len);
        if (rc) {
            sc_log(&c->log, SAMSA_LOG_WARNING, "cgrp",
                   "group %s: member %s sent an unreadable subscription",
                   cg->group_id, mb->member_id);
            memset(s, 0, sizeof *s);
            vers[m] = 0;
            rc = 0;
        }
        ms[m].member_id = sp_str_of(mb->member_id);
        ms[m].group_instance_id = sp_str_of(mb->instance_id);
        ms[m].rack = s->rack_id.ptr ? s->rack_id : sp_str_of(NULL);
        ms[m].topics = s->topics.items;
        ms[m].ntopics = (size_t)s->topics.count;
        ms[m].generation = vers[m] >= 2 ? s->generation_id
                                        : SC_ASSIGN_NO_GENERATION;
        for (t = 0; t < s->owned_partitions.count; t++)
            no += (size_t)s->owned_partitions.items[t].partitions.count;
        if (no) {
            sc_assign_tp *o = sp_arena_array(arena, no, sizeof *o);
            size_t x = 0;
            int32_t q;

            if (!o)
                return SAMSA_ERR_NO_MEMORY;
            for (t = 0; t < s->owned_partitions.count; t++)
                for (q = 0; q < s->owned_partitions.items[t].partitions.count; q++) {
                    o[x].topic = s->owned_partitions.items[t].topic;
                    o[x].partition = s->owned_partitions.items[t].partitions.items[q];
                    x++;
                }
            ms[m].owned = o;
            ms[m].nowned = no;
        }
        /* the topics every member wants, with partition counts */
        for (t = 0; t < s->topics.count; t++) {
            sp_str name = s->topics.items[t];
            const sc_topic_md *tm;
            bool seen = false;

            for (k = 0; k < ntopics && !seen; k++)
                seen = topics[k].name.len == name.len &&
                       memcmp(topics[k].name.ptr, name.ptr, (size_t)name.len) == 0;
            if (seen || name.len <= 0)
                continue;
            if (ntopics == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                sc_assign_topic *nt = sp_arena_array(arena, ncap, sizeof *nt);

                if (!nt)
                    return SAMSA_ERR_NO_MEMORY;
                if (ntopics)
                    memcpy(nt, topics, ntopics * sizeof *nt);
                topics = nt;
                cap = ncap;
            }
            topics[ntopics].name = name;
            tm = sc_md_topic(&c->md, name.ptr, (size_t)name.len);
            topics[ntopics].partitions = tm && !tm->err ? tm->npartitions : 0;
            if (!tm || tm->err || tm->npartitions <= 0) {
                /* not known yet (a new topic): wait a little; a topic
                 * that appears later makes the leader rejoin */
                char nm[256];

                snprintf(nm, sizeof nm, "%.*s", (int)name.len, name.ptr);
                sc_mdr_want(c->mdr, nm, strlen(nm));
                missing = true;
            }
            ntopics++;
        }
    }
    cg->md_missing = missing; /* the heartbeat timer keeps asking */
    if (missing) {
        sc_mdr_refresh(c->mdr); /* rate-limited by retry.backoff.ms */
        if (sn_loop_now(c->loop) - cg->assign_wait_since < CG_MD_WAIT_MS)
            return CG_WAIT;
    }
    memset(&in, 0, sizeof in);
    in.members = ms;
    in.nmembers = (size_t)cg->nmembers;
    in.topics = topics;
    in.ntopics = ntopics;
    rc = cg->chosen->assign(cg->alloc, &in, &res);
    if (rc) {
        sc_assign_result_free(&res);
        return rc;
    }
    for (m = 0; m < cg->nmembers && !rc; m++) {
        int16_t v = vers[m] > SP_CONSUMER_PROTOCOL_VMAX ? SP_CONSUMER_PROTOCOL_VMAX
                                                        : vers[m];

        rc = encode_share(cg, &res.shares[m], v, &ws[m]);
        as[m].member_id = sp_str_of(cg->members[m].member_id);
        as[m].assignment.ptr = ws[m].buf;
        as[m].assignment.len = (int32_t)ws[m].len;
    }
    sc_debug(&c->log, SC_DBG_CGRP, "cgrp",
             "group %s: %s assigned %zu partition(s) to %d member(s), %zu withheld",
             cg->group_id, cg->chosen->name, res.assigned, (int)cg->nmembers,
             res.withheld);
    sc_assign_result_free(&res);
    return rc;
}

void sc_cg_classic_assign(sc_cgrp *cg)
{
    sn_conn *conn = sc_cg_coord(cg);
    sp_arena arena;
    sp_writer *ws = NULL;
    sync_arg s;
    sc_cg_req *req = NULL;
    int32_t m;
    int rc = 0;

    if (!conn)
        return;
    memset(&s, 0, sizeof s);
    s.cg = cg;
    sp_arena_init(&arena, cg->alloc, CG_ARENA_MAX);
    if (cg->nmembers) {
        ws = sp_calloc(cg->alloc, (size_t)cg->nmembers, sizeof *ws);
        s.as = sp_calloc(cg->alloc, (size_t)cg->nmembers, sizeof *s.as);
        if (!ws || !s.as)
            rc = SAMSA_ERR_NO_MEMORY;
        for (m = 0; ws && m < cg->nmembers; m++)
            sp_writer_init(&ws[m], cg->alloc, CG_META_MAX);
        if (!rc)
            rc = leader_assign(cg, &arena, ws, s.as);
        s.nas = cg->nmembers;
    }
    if (rc == CG_WAIT) {
        sc_cg_retry(cg, 100);
        goto out;
    }
    if (!rc) {
        req = sc_cg_req_new(cg);
        rc = req ? sc_cg_send(cg, conn, SP_SYNC_GROUP_KEY, enc_sync, &s,
                              cg->max_poll_ms + 5000, sync_cb, req)
                 : SAMSA_ERR_NO_MEMORY;
    }
    if (rc) {
        sc_log(&cg->c->log, SAMSA_LOG_WARNING, "cgrp",
               "group %s: could not assign or send SyncGroup: %s", cg->group_id,
               samsa_err_name(rc));
        sc_cg_req_free(req);
        cg->state = CG_WANT_JOIN;
        sc_cg_retry(cg, cg->retry_ms);
        goto out;
    }
    cg->state = CG_SYNCING;
out:
    for (m = 0; ws && m < cg->nmembers; m++)
        sp_writer_free(&ws[m]);
    sp_free(cg->alloc, ws);
    sp_free(cg->alloc, s.as);
    sp_arena_free(&arena);
}

/* ------------------------------------------------------------ SyncGroup */

static int parse_assignment(sc_cgrp *cg, sp_bytes b, sc_tpl *out)
{
    sp_consumer_protocol_assignment a;
    sp_arena arena;
    int16_t v;
    int32_t t, q;
    int rc = 0;

    if (b.len <= 0)
        return 0; /* nothing assigned */
    sp_arena_init(&arena, cg->alloc, CG_ARENA_MAX);
    memset(&a, 0, sizeof a);
    rc = sp_consumer_protocol_decode(&sp_msg_consumer_protocol_assignment, &a,
                                     &v, &arena, b.ptr, (size_t)b.len);
    for (t = 0; !rc && t < a.assigned_partitions.count; t++) {
        const sp_consumer_protocol_topic_partitions *tp = &a.assigned_partitions.items[t];

        if (tp->topic.len <= 0)
            continue;
        for (q = 0; !rc && q < tp->partitions.count; q++)
            if (tp->partitions.items[q] >= 0)
                rc = sc_tpl_add(out, tp->topic.ptr, (size_t)tp->topic.len,
                                tp->partitions.items[q]);
    }
    sp_arena_free(&arena);
    return rc;
}

static void sync_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    samsa_client *c = cg->c;
    sp_sync_group_resp r;
    sp_arena arena;
    sc_tpl target;

    if (c->closing || req->round != cg->round || cg->state != CG_SYNCING) {
        sc_cg_req_free(req);
        return;
    }
    memset(&r, 0, sizeof r);
    sc_tpl_init(&target, cg->alloc);
    sp_arena_init(&arena, cg->alloc, CG_ARENA_MAX);
    if (!err)
        err = sp_schema_decode(&sp_msg_sync_group_resp, req->version, &r,
                               &arena, body, len);
    if (!err)
        err = r.error_code;
    if (!err && parse_assignment(cg, r.assignment, &target) != 0) {
        sc_log(&c->log, SAMSA_LOG_WARNING, "cgrp",
               "group %s: unreadable assignment from the leader", cg->group_id);
        err = SAMSA_ERR_MALFORMED;
    }
    sc_cg_members_free(cg);
    if (err == SAMSA_ERR_MALFORMED) {
        cg->state = CG_WANT_JOIN;
        sc_cg_retry(cg, cg->retry_ms);
    } else if (err) {
        group_error(cg, err, "SyncGroup");
    } else {
        cg->state = CG_STABLE;
        cg->last_hb_ok = sn_loop_now(c->loop);
        sc_cg_hb_start(cg, cg->heartbeat_ms);
        sc_cg_assignment(cg, &target);
        sc_cg_run(cg);
    }
    sc_tpl_free(&target);
    sp_arena_free(&arena);
    sc_cg_req_free(req);
}

/* ------------------------------------------------------------ Heartbeat */

static int enc_hb(sp_writer *w, int16_t v, const void *arg)
{
    const sc_cgrp *cg = arg;
    sp_heartbeat_req req;

    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(cg->group_id);
    req.generation_id = cg->generation;
    req.member_id = sp_str_of(cg->member_id);
    req.group_instance_id = sp_str_of(cg->instance_id);
    return sp_schema_encode(w, &sp_msg_heartbeat_req, v, &req);
}

static void hb_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    sp_heartbeat_resp r;
    sp_arena arena;

    cg->hb_inflight = false;
    if (cg->c->closing || req->round != cg->round || cg->state != CG_STABLE) {
        sc_cg_req_free(req);
        return;
    }
    memset(&r, 0, sizeof r);
    sp_arena_init(&arena, cg->alloc, 1u << 16);
    if (!err)
        err = sp_schema_decode(&sp_msg_heartbeat_resp, req->version, &r, &arena,
                               body, len);
    if (!err)
        err = r.error_code;
    sp_arena_free(&arena);
    sc_cg_req_free(req);
    if (!err)
        cg->last_hb_ok = sn_loop_now(cg->c->loop);
    else
        group_error(cg, err, "Heartbeat");
}

void sc_cg_classic_heartbeat(sc_cgrp *cg)
{
    sn_conn *conn = sc_cg_coord(cg);
    sc_cg_req *req;

    if (!conn)
        return;
    req = sc_cg_req_new(cg);
    if (!req)
        return;
    if (sc_cg_send(cg, conn, SP_HEARTBEAT_KEY, enc_hb, cg, 0, hb_cb, req) != 0) {
        sc_cg_req_free(req);
        return;
    }
    cg->hb_inflight = true;
}

/* ------------------------------------------------------------ LeaveGroup */

static int enc_leave(sp_writer *w, int16_t v, const void *arg)
{
    const sc_cgrp *cg = arg;
    sp_leave_group_req req;
    sp_leave_group_member m;

    memset(&req, 0, sizeof req);
    memset(&m, 0, sizeof m);
    req.group_id = sp_str_of(cg->group_id);
    req.member_id = sp_str_of(cg->member_id);
    m.member_id = sp_str_of(cg->member_id);
    m.group_instance_id = sp_str_of(cg->instance_id);
    m.reason = sp_str_of(cg->closing ? "the consumer is closing"
                                     : "max.poll.interval.ms exceeded");
    req.members.count = 1;
    req.members.items = &m;
    return sp_schema_encode(w, &sp_msg_leave_group_req, v, &req);
}

static void leave_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;

    (void)body;
    (void)len;
    sc_cg_req_free(req);
    if (cg->c->closing)
        return;
    sc_debug(&cg->c->log, SC_DBG_CGRP, "cgrp", "group %s: LeaveGroup: %s",
             cg->group_id, samsa_err_name(err));
    cg->generation = -1;
    sc_cg_set_member_id(cg, "", 0);
    if (cg->state == CG_LEAVING)
        sc_cg_left(cg);
}

void sc_cg_classic_leave(sc_cgrp *cg)
{
    sn_conn *conn;
    sc_cg_req *req;

    if (cg->instance_id || !cg->member_id[0]) {
        sc_cg_left(cg); /* static members keep their place */
        return;
    }
    conn = sc_cg_coord(cg);
    if (!conn)
        return;
    req = sc_cg_req_new(cg);
    if (!req || sc_cg_send(cg, conn, SP_LEAVE_GROUP_KEY, enc_leave, cg, 0,
                           leave_cb, req) != 0) {
        sc_cg_req_free(req);
        sc_cg_left(cg);
        return;
    }
    cg->round++; /* answers to anything else are stale now */
    cg->state = CG_LEAVING;
    cg->leave_inflight = true;
}
