/*
 * client/cgrp_commit.c - offsets of a group: OffsetCommit (sync, async,
 * auto-commit, in order, one in flight), OffsetFetch (samsa_committed and
 * the starting positions of newly assigned partitions); see cgrp_int.h
 * and samsa/consumer.h.
 *
 * OffsetCommit and OffsetFetch are sent at most at v9 (topics by name):
 * v10 names topics by id, which a commit for a topic whose id metadata
 * does not know yet could not express.
 */
#include <stdio.h>
#include <string.h>

#include "cgrp_int.h"
#include "alloc.h"
#include "arena.h"
#include "consumer_int.h"
#include "msg_offset_commit.h"
#include "msg_offset_fetch.h"
#include "offsets.h"

#define CG_OFF_VMAX 9
#define CG_ARENA_MAX (16u << 20)

enum { OP_COMMIT = 1, OP_FETCH = 2 };

/* A queued commit or committed-offsets lookup. Loop thread, except done,
 * abandoned and the results, which are "under mu" once a waiter exists. */
typedef struct sc_cg_commit {
    struct sc_cg_commit *next;
    int kind;
    samsa_topic_partition *tps; /* owned copies (strings in the same block) */
    size_t n;
    samsa_commit_cb *cb;
    void *opaque;
    bool sync;       /* an application thread waits for it */
    bool done;       /* under mu */
    bool abandoned;  /* under mu: the waiter gave up; the loop frees it */
    int err;
    int64_t deadline; /* monotonic ms */
    char *meta_out;   /* OP_FETCH: metadata strings of the answer */
} sc_cg_commit;

/* ------------------------------------------------------------ ops */

static sc_cg_commit *op_new(sc_cgrp *cg, int kind,
                            const samsa_topic_partition *src, size_t n)
{
    size_t bytes = sizeof(sc_cg_commit) + n * sizeof(samsa_topic_partition);
    sc_cg_commit *op;
    char *p;
    size_t i;

    for (i = 0; i < n; i++) {
        bytes += strlen(src[i].topic) + 1;
        if (kind == OP_COMMIT && src[i].metadata)
            bytes += strlen(src[i].metadata) + 1;
    }
    op = sp_calloc(cg->alloc, 1, bytes);
    if (!op)
        return NULL;
    op->kind = kind;
    op->tps = (samsa_topic_partition *)(void *)(op + 1);
    op->n = n;
    p = (char *)(op->tps + n);
    for (i = 0; i < n; i++) {
        size_t l = strlen(src[i].topic) + 1;

        op->tps[i] = src[i];
        op->tps[i].err = 0;
        memcpy(p, src[i].topic, l);
        op->tps[i].topic = p;
        p += l;
        op->tps[i].metadata = NULL; /* input only for commits */
        if (kind == OP_COMMIT && src[i].metadata) {
            l = strlen(src[i].metadata) + 1;
            memcpy(p, src[i].metadata, l);
            op->tps[i].metadata = p;
            p += l;
        }
    }
    return op;
}

static void op_free(sc_cgrp *cg, sc_cg_commit *op)
{
    if (op) {
        sp_free(cg->alloc, op->meta_out);
        sp_free(cg->alloc, op);
    }
}

static void op_queue(sc_cgrp *cg, sc_cg_commit *op)
{
    if (cg->cq_tail)
        cg->cq_tail->next = op;
    else
        cg->cq_head = op;
    cg->cq_tail = op;
}

/* Finish the head op: callback or waiter, then the next one. */
static void op_finish(sc_cgrp *cg, sc_cg_commit *op, int err)
{
    samsa_client *c = cg->c;
    bool free_it;
    size_t i;

    if (cg->cq_head == op) {
        cg->cq_head = op->next;
        if (!cg->cq_head)
            cg->cq_tail = NULL;
    }
    op->next = NULL;
    if (!err)
        for (i = 0; i < op->n && !err; i++)
            err = op->tps[i].err;
    op->err = err;
    if (op->kind == OP_COMMIT && err)
        sc_log(&c->log, SAMSA_LOG_WARNING, "cgrp", "group %s: commit failed: %s",
               cg->group_id, samsa_err_name(err));
    if (op->cb && !c->closing)
        SC_CALLBACK(c, op->cb(op->opaque, err, op->tps, op->n));
    if (!op->sync) {
        op_free(cg, op);
        return;
    }
    pthread_mutex_lock(&c->mu);
    op->done = true;
    free_it = op->abandoned;
    sc_client_signal_locked(c);
    pthread_mutex_unlock(&c->mu);
    if (free_it)
        op_free(cg, op);
}

bool sc_cg_commits_pending(const sc_cgrp *cg)
{
    return cg->cq_head != NULL;
}

void sc_cg_commit_free_last(sc_cgrp *cg)
{
    op_free(cg, cg->last_fetch);
    cg->last_fetch = NULL;
}

void sc_cg_commits_fail_all(sc_cgrp *cg, int err)
{
    while (cg->cq_head)
        op_finish(cg, cg->cq_head, err);
    cg->commit_inflight = false;
}

/* ------------------------------------------------------------ encoders */

/* Topic runs of tps (grouped by name, order of first appearance). */
typedef struct run {
    const char *topic;
    size_t first, count;
} run;

static size_t make_runs(const samsa_topic_partition *tps, size_t n, run *runs,
                        size_t *order)
{
    size_t nr = 0, i, j, k = 0;
    bool *used = (bool *)(order + n); /* caller gives room */

    memset(used, 0, n * sizeof *used);
    for (i = 0; i < n; i++) {
        if (used[i])
            continue;
        runs[nr].topic = tps[i].topic;
        runs[nr].first = k;
        runs[nr].count = 0;
        for (j = i; j < n; j++)
            if (!used[j] && strcmp(tps[j].topic, tps[i].topic) == 0) {
                used[j] = true;
                order[k++] = j;
                runs[nr].count++;
            }
        nr++;
    }
    return nr;
}

typedef struct enc_arg {
    const sc_cgrp *cg;
    const sc_cg_commit *op;
    const samsa_topic_partition *tps;
    size_t n;
    run *runs;
    size_t nruns;
    size_t *order;
} enc_arg;

static int enc_commit(sp_writer *w, int16_t v, const void *arg)
{
    const enc_arg *a = arg;
    const sc_cgrp *cg = a->cg;
    sp_offset_commit_req req;
    sp_offset_commit_req_topic *topics;
    sp_offset_commit_req_partition *parts;
    /* as a member of the current generation (commits on revoke go out
     * before the rejoin or the leave), else as a simple client */
    bool member = cg->generation >= 0 && cg->member_id[0] &&
                  cg->state != CG_IDLE && cg->state != CG_FATAL;
    size_t r, i;
    int rc;

    topics = sp_calloc(cg->alloc, a->nruns + 1, sizeof *topics);
    parts = sp_calloc(cg->alloc, a->n + 1, sizeof *parts);
    if (!topics || !parts) {
        sp_free(cg->alloc, topics);
        sp_free(cg->alloc, parts);
        return SAMSA_ERR_NO_MEMORY;
    }
    for (r = 0; r < a->nruns; r++) {
        topics[r].name = sp_str_of(a->runs[r].topic);
        topics[r].partitions.count = (int32_t)a->runs[r].count;
        topics[r].partitions.items = &parts[a->runs[r].first];
        for (i = 0; i < a->runs[r].count; i++) {
            const samsa_topic_partition *t = &a->tps[a->order[a->runs[r].first + i]];
            sp_offset_commit_req_partition *p = &parts[a->runs[r].first + i];

            p->partition_index = t->partition;
            p->committed_offset = t->offset;
            p->committed_leader_epoch = t->leader_epoch;
            p->committed_metadata = sp_str_of(t->metadata ? t->metadata : "");
        }
    }
    memset(&req, 0, sizeof req);
    req.group_id = sp_str_of(cg->group_id);
    req.generation_id_or_member_epoch = member ? cg->generation : -1;
    req.member_id = sp_str_of(member ? cg->member_id : "");
    req.group_instance_id = sp_str_of(member ? cg->instance_id : NULL);
    req.retention_time_ms = -1;
    req.topics.count = (int32_t)a->nruns;
    req.topics.items = topics;
    rc = sp_schema_encode(w, &sp_msg_offset_commit_req, v, &req);
    sp_free(cg->alloc, topics);
    sp_free(cg->alloc, parts);
    return rc;
}

static int enc_fetch(sp_writer *w, int16_t v, const void *arg)
{
    const enc_arg *a = arg;
    const sc_cgrp *cg = a->cg;
    sp_offset_fetch_req req;
    sp_offset_fetch_req_topic *topics;
    sp_offset_fetch_req_group_topic *gtopics;
    sp_offset_fetch_req_group grp;
    int32_t *parts;
    size_t r, i;
    int rc;

    topics = sp_calloc(cg->alloc, a->nruns + 1, sizeof *topics);
    gtopics = sp_calloc(cg->alloc, a->nruns + 1, sizeof *gtopics);
    parts = sp_calloc(cg->alloc, a->n + 1, sizeof *parts);
    if (!topics || !gtopics || !parts) {
        rc = SAMSA_ERR_NO_MEMORY;
        goto out;
    }
    for (r = 0; r < a->nruns; r++) {
        for (i = 0; i < a->runs[r].count; i++)
            parts[a->runs[r].first + i] =
                a->tps[a->order[a->runs[r].first + i]].partition;
        topics[r].name = sp_str_of(a->runs[r].topic);
        topics[r].partition_indexes.count = (int32_t)a->runs[r].count;
        topics[r].partition_indexes.items = &parts[a->runs[r].first];
        gtopics[r].name = topics[r].name;
        gtopics[r].partition_indexes.count = topics[r].partition_indexes.count;
        gtopics[r].partition_indexes.items = topics[r].partition_indexes.items;
    }
    memset(&req, 0, sizeof req);
    memset(&grp, 0, sizeof grp);
    req.group_id = sp_str_of(cg->group_id);
    req.topics.count = (int32_t)a->nruns;
    req.topics.items = topics;
    grp.group_id = req.group_id;
    grp.member_id = sp_str_of(NULL);
    grp.member_epoch = -1;
    grp.topics.count = (int32_t)a->nruns;
    grp.topics.items = gtopics;
    req.groups.count = 1;
    req.groups.items = &grp;
    req.require_stable = true;
    rc = sp_schema_encode(w, &sp_msg_offset_fetch_req, v, &req);
out:
    sp_free(cg->alloc, topics);
    sp_free(cg->alloc, gtopics);
    sp_free(cg->alloc, parts);
    return rc;
}

/* Send an OffsetCommit or OffsetFetch for tps. 0 or an error. */
static int send_op(sc_cgrp *cg, sn_conn *conn, int kind,
                   const samsa_topic_partition *tps, size_t n,
                   sn_response_cb cb, sc_cg_req *req)
{
    enc_arg a;
    void *mem;
    int rc;

    mem = sp_alloc(cg->alloc, n * (sizeof(run) + sizeof(size_t) + sizeof(bool)) + 1);
    if (!mem)
        return SAMSA_ERR_NO_MEMORY;
    memset(&a, 0, sizeof a);
    a.cg = cg;
    a.tps = tps;
    a.n = n;
    a.runs = mem;
    a.order = (size_t *)(void *)(a.runs + n);
    a.nruns = make_runs(tps, n, a.runs, a.order);
    req->vmax = CG_OFF_VMAX;
    rc = sc_cg_send(cg, conn, kind == OP_COMMIT ? SP_OFFSET_COMMIT_KEY
                                                : SP_OFFSET_FETCH_KEY,
                    kind == OP_COMMIT ? enc_commit : enc_fetch, &a, 0, cb, req);
    sp_free(cg->alloc, mem);
    return rc;
}

/* ------------------------------------------------------------ answers */

static bool retriable(int err)
{
    return err < 0 || err == SAMSA_ERR_NOT_COORDINATOR ||
           err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           err == SAMSA_ERR_REQUEST_TIMED_OUT ||
           err == SAMSA_ERR_UNSTABLE_OFFSET_COMMIT;
}

static samsa_topic_partition *find_tp(samsa_topic_partition *tps, size_t n,
                                      sp_str topic, int32_t partition)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (tps[i].partition == partition && topic.len >= 0 &&
            strlen(tps[i].topic) == (size_t)topic.len &&
            memcmp(tps[i].topic, topic.ptr, (size_t)topic.len) == 0)
            return &tps[i];
    return NULL;
}

/* Committed offsets of a partition of the consumer (under mu). */
static void note_committed(sc_cgrp *cg, const samsa_topic_partition *t)
{
    sc_consumer *cons = cg->c->consumer;
    sc_cpart *p;

    if (!cons)
        return;
    p = sc_cons_find(cons, t->topic, strlen(t->topic), t->partition);
    if (p)
        p->off.committed = t->offset;
}

static int commit_answer(sc_cgrp *cg, sc_cg_commit *op, int16_t v,
                         const uint8_t *body, size_t len)
{
    sp_offset_commit_resp r;
    sp_arena arena;
    int32_t t, q;
    int err;

    memset(&r, 0, sizeof r);
    sp_arena_init(&arena, cg->alloc, CG_ARENA_MAX);
    err = sp_schema_decode(&sp_msg_offset_commit_resp, v, &r, &arena, body, len);
    for (t = 0; !err && t < r.topics.count; t++)
        for (q = 0; q < r.topics.items[t].partitions.count; q++) {
            const sp_offset_commit_resp_partition *p = &r.topics.items[t].partitions.items[q];
            samsa_topic_partition *x = find_tp(op->tps, op->n, r.topics.items[t].name,
                                               p->partition_index);

            if (x)
                x->err = p->error_code;
        }
    sp_arena_free(&arena);
    if (err)
        return err;
    /* a coordinator move fails every partition alike: retry the whole */
    if (op->n && retriable(op->tps[0].err))
        return op->tps[0].err;
    pthread_mutex_lock(&cg->c->mu);
    for (t = 0; t < (int32_t)op->n; t++)
        if (!op->tps[t].err)
            note_committed(cg, &op->tps[t]);
    pthread_mutex_unlock(&cg->c->mu);
    return 0;
}

/* Parse an OffsetFetch answer into tps (offset, epoch, metadata, err).
 * Metadata strings are copied into *meta_out (one block). */
static int fetch_answer(sc_cgrp *cg, samsa_topic_partition *tps, size_t n,
                        int16_t v, const uint8_t *body, size_t len,
                        char **meta_out)
{
    sp_offset_fetch_resp r;
    sp_arena arena;
    int32_t t, q, ntopics;
    size_t i, mbytes = 0;
    char *mp = NULL;
    int err;

    for (i = 0; i < n; i++) {
        tps[i].offset = SAMSA_OFFSET_INVALID;
        tps[i].leader_epoch = -1;
        tps[i].metadata = NULL;
        tps[i].err = 0;
    }
    memset(&r, 0, sizeof r);
    sp_arena_init(&arena, cg->alloc, CG_ARENA_MAX);
    err = sp_schema_decode(&sp_msg_offset_fetch_resp, v, &r, &arena, body, len);
    if (!err && v >= 8) {
        if (r.groups.count < 1)
            err = SAMSA_ERR_MALFORMED;
        else
            err = r.groups.items[0].error_code;
    } else if (!err && v >= 2) {
        err = r.error_code;
    }
    ntopics = err ? 0 : v >= 8 ? r.groups.items[0].topics.count : r.topics.count;
    for (int pass = 0; pass < 2 && !err; pass++) {
        if (pass == 1 && mbytes) {
            mp = sp_alloc(cg->alloc, mbytes);
            if (!mp) {
                err = SAMSA_ERR_NO_MEMORY;
                break;
            }
            sp_free(cg->alloc, *meta_out); /* an earlier answer's, retried */
            *meta_out = mp;
        }
        for (t = 0; t < ntopics; t++) {
            sp_str name = v >= 8 ? r.groups.items[0].topics.items[t].name
                                 : r.topics.items[t].name;
            int32_t np = v >= 8 ? r.groups.items[0].topics.items[t].partitions.count
                                : r.topics.items[t].partitions.count;

            for (q = 0; q < np; q++) {
                const sp_offset_fetch_resp_partition *p =
                    v >= 8 ? &r.groups.items[0].topics.items[t].partitions.items[q]
                           : &r.topics.items[t].partitions.items[q];
                samsa_topic_partition *x = find_tp(tps, n, name, p->partition_index);
                size_t ml = p->metadata.len > 0 ? (size_t)p->metadata.len : 0;

                if (!x)
                    continue;
                if (pass == 0) {
                    mbytes += ml + 1;
                    continue;
                }
                x->err = p->error_code;
                x->offset = p->committed_offset >= 0 ? p->committed_offset
                                                     : SAMSA_OFFSET_INVALID;
                x->leader_epoch = p->committed_leader_epoch;
                if (mp && p->metadata.len >= 0) {
                    if (ml)
                        memcpy(mp, p->metadata.ptr, ml);
                    mp[ml] = '\0';
                    x->metadata = mp;
                    mp += ml + 1;
                }
            }
        }
    }
    sp_arena_free(&arena);
    for (i = 0; !err && i < n; i++)
        if (retriable(tps[i].err))
            err = tps[i].err;
    return err;
}

static void op_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    sc_cg_commit *op = req->arg;

    cg->commit_inflight = false;
    if (cg->c->closing) {
        sc_cg_req_free(req);
        return; /* sc_cgrp_destroy fails what is queued */
    }
    if (!err)
        err = op->kind == OP_COMMIT
                  ? commit_answer(cg, op, req->version, body, len)
                  : fetch_answer(cg, op->tps, op->n, req->version, body, len,
                                 &op->meta_out);
    sc_cg_req_free(req);
    if (retriable(err) && sc_mono_ms() < op->deadline) {
        sc_cg_coord_lost(cg, err);
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    op_finish(cg, op, err);
    sc_cg_run(cg); /* next op, or the rejoin that waited for it */
}

void sc_cg_commit_run(sc_cgrp *cg)
{
    sc_cg_commit *op;
    sn_conn *conn;
    sc_cg_req *req;
    int rc;

    while ((op = cg->cq_head) != NULL && !cg->commit_inflight) {
        if (sc_mono_ms() >= op->deadline) {
            op_finish(cg, op, SAMSA_ERR_TIMED_OUT);
            continue;
        }
        if (op->n == 0) {
            op_finish(cg, op, 0);
            continue;
        }
        conn = sc_cg_coord(cg);
        if (!conn)
            return;
        req = sc_cg_req_new(cg);
        if (!req) {
            sc_cg_retry(cg, cg->retry_ms);
            return;
        }
        req->arg = op;
        rc = send_op(cg, conn, op->kind, op->tps, op->n, op_cb, req);
        if (rc) {
            sc_cg_req_free(req);
            op_finish(cg, op, rc);
            continue;
        }
        cg->commit_inflight = true;
    }
}

/* ------------------------------------------------------------ positions */

/* Positions of the consumer's partitions (all moved ones, or those in
 * only) as a commit op. NULL with *err set, or an op (maybe n == 0). */
static sc_cg_commit *positions_op(sc_cgrp *cg, const sc_tpl *only, int *err)
{
    samsa_client *c = cg->c;
    sc_consumer *cons = c->consumer;
    samsa_topic_partition *tps = NULL;
    sc_cg_commit *op;
    size_t n = 0;
    int32_t i;

    *err = 0;
    if (!cons)
        return op_new(cg, OP_COMMIT, NULL, 0);
    pthread_mutex_lock(&c->mu);
    if (cons->nparts) {
        tps = sp_calloc(cg->alloc, (size_t)cons->nparts, sizeof *tps);
        if (!tps) {
            pthread_mutex_unlock(&c->mu);
            *err = SAMSA_ERR_NO_MEMORY;
            return NULL;
        }
    }
    for (i = 0; i < cons->nparts; i++) {
        const sc_cpart *p = cons->parts[i];

        if (p->off.position < 0 || p->off.position == p->off.committed)
            continue;
        if (only && !sc_tpl_has(only, p->topic, strlen(p->topic), p->partition))
            continue;
        tps[n].topic = p->topic;
        tps[n].partition = p->partition;
        tps[n].offset = p->off.position;
        tps[n].leader_epoch = p->off.position_epoch;
        n++;
    }
    op = op_new(cg, OP_COMMIT, tps, n); /* copies while under mu */
    pthread_mutex_unlock(&c->mu);
    sp_free(cg->alloc, tps);
    if (!op)
        *err = SAMSA_ERR_NO_MEMORY;
    return op;
}

int sc_cg_commit_positions(sc_cgrp *cg, const sc_tpl *l)
{
    int err;
    sc_cg_commit *op = positions_op(cg, l, &err);

    if (!op)
        return err;
    if (op->n == 0) {
        op_free(cg, op);
        return 0;
    }
    op->deadline = sc_mono_ms() + sc_conf_int(cg->c->conf, SC_REQUEST_TIMEOUT_MS);
    op_queue(cg, op);
    sc_cg_commit_run(cg);
    return 0;
}

/* ------------------------------------------------------------ assignment */

static void assign_fetch_cb(void *opaque, int err, const uint8_t *body,
                            size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    sc_tpl *added = req->arg;
    samsa_topic_partition *tps = NULL;
    char *meta = NULL;
    size_t i;

    cg->fetch_inflight = false;
    if (cg->c->closing || req->round != cg->round || !cg->pending_set) {
        sc_tpl_free(added);
        sp_free(cg->alloc, added);
        sc_cg_req_free(req);
        if (!cg->c->closing)
            sc_cg_run(cg);
        return;
    }
    tps = sp_calloc(cg->alloc, added->n + 1, sizeof *tps);
    if (!tps)
        err = SAMSA_ERR_NO_MEMORY;
    if (tps)
        sc_tpl_view(added, tps);
    if (!err)
        err = fetch_answer(cg, tps, added->n, req->version, body, len, &meta);
    sc_cg_req_free(req);
    if (err && (retriable(err) || err == SAMSA_ERR_NO_MEMORY)) {
        if (err != SAMSA_ERR_UNSTABLE_OFFSET_COMMIT && err != SAMSA_ERR_NO_MEMORY)
            sc_cg_coord_lost(cg, err);
        sc_cg_retry(cg, cg->retry_ms); /* sc_cg_run fetches again */
        goto out;
    }
    if (err)
        sc_log(&cg->c->log, SAMSA_LOG_WARNING, "cgrp",
               "group %s: OffsetFetch failed (%s): starting per auto.offset.reset",
               cg->group_id, samsa_err_name(err));
    for (i = 0; i < added->n; i++) {
        if (!err && !tps[i].err && tps[i].offset >= 0)
            continue;
        tps[i].leader_epoch = -1;
        tps[i].offset = cg->reset_policy == SC_RESET_EARLIEST ? SAMSA_OFFSET_BEGINNING
                        : cg->reset_policy == SC_RESET_LATEST ? SAMSA_OFFSET_END
                                                              : SAMSA_OFFSET_STORED;
    }
    sc_cg_apply(cg, tps, added->n);
    sc_cg_run(cg);
out:
    sp_free(cg->alloc, meta);
    sp_free(cg->alloc, tps);
    sc_tpl_free(added);
    sp_free(cg->alloc, added);
}

void sc_cg_fetch_committed(sc_cgrp *cg)
{
    sc_tpl *added;
    samsa_topic_partition *tps;
    sc_cg_req *req;
    sn_conn *conn;
    int rc;

    if (!cg->pending_set || cg->fetch_inflight)
        return;
    added = sp_alloc(cg->alloc, sizeof *added);
    if (!added) {
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    sc_tpl_init(added, cg->alloc);
    if (sc_tpl_minus(&cg->pending, &cg->owned, added) != 0)
        goto fail;
    if (added->n == 0) {
        sc_tpl_free(added);
        sp_free(cg->alloc, added);
        sc_cg_apply(cg, NULL, 0);
        return;
    }
    conn = sc_cg_coord(cg);
    if (!conn) {
        sc_tpl_free(added);
        sp_free(cg->alloc, added);
        return;
    }
    tps = sp_calloc(cg->alloc, added->n, sizeof *tps);
    req = tps ? sc_cg_req_new(cg) : NULL;
    if (!req) {
        sp_free(cg->alloc, tps);
        goto fail;
    }
    sc_tpl_view(added, tps);
    req->arg = added;
    rc = send_op(cg, conn, OP_FETCH, tps, added->n, assign_fetch_cb, req);
    sp_free(cg->alloc, tps);
    if (rc) {
        sc_cg_req_free(req);
        goto fail;
    }
    cg->fetch_inflight = true;
    return;
fail:
    sc_tpl_free(added);
    sp_free(cg->alloc, added);
    sc_cg_retry(cg, cg->retry_ms);
}

/* ------------------------------------------------------------ public */

typedef struct pub_arg {
    samsa_client *c;
    sc_cg_commit *op;
    const samsa_topic_partition *tps;
    size_t n;
    int kind;
    int timeout_ms;
    samsa_commit_cb *cb;
    void *opaque;
    bool sync;
} pub_arg;

static int queue_fn(void *arg)
{
    pub_arg *a = arg;
    samsa_client *c = a->c;
    sc_cgrp *cg = sc_cg_get(c);
    sc_cg_commit *op;
    int err = 0;

    if (!cg)
        return strstr(c->errstr, "memory") ? SAMSA_ERR_NO_MEMORY : SAMSA_ERR_CONFIG;
    if (a->kind == OP_COMMIT && !a->tps)
        op = positions_op(cg, NULL, &err);
    else
        op = op_new(cg, a->kind, a->tps, a->n);
    if (!op)
        return err ? err : SAMSA_ERR_NO_MEMORY;
    op->cb = a->cb;
    op->opaque = a->opaque;
    /* inside a callback on the loop: queued, and the group waits for it */
    op->sync = a->sync && !(c->in_callback && sc_client_on_loop(c));
    op->deadline = sc_mono_ms() + (a->timeout_ms >= 0
                                       ? a->timeout_ms
                                       : sc_conf_int(c->conf, SC_REQUEST_TIMEOUT_MS));
    a->op = op;
    a->sync = op->sync; /* read here: a non-sync op may be freed soon */
    op_queue(cg, op);
    sc_cg_commit_run(cg);
    return 0;
}

static bool op_done(void *arg)
{
    return ((sc_cg_commit *)arg)->done;
}

/* Queue (and for sync, wait); copies results back for sync. */
static int run_op(pub_arg *a, samsa_topic_partition *out)
{
    samsa_client *c = a->c;
    sc_cg_commit *op;
    int rc;
    size_t i;

    rc = sc_client_call(c, queue_fn, a);
    if (rc || !a->sync)
        return rc;
    op = a->op;
    rc = sc_client_wait(c, op_done, op, a->timeout_ms);
    pthread_mutex_lock(&c->mu);
    if (!op->done) {
        op->abandoned = true; /* the loop frees it when it finishes */
        pthread_mutex_unlock(&c->mu);
        return rc ? rc : SAMSA_ERR_TIMED_OUT;
    }
    pthread_mutex_unlock(&c->mu);
    rc = op->err;
    if (out)
        for (i = 0; i < a->n && i < op->n; i++) {
            out[i].err = op->tps[i].err;
            if (a->kind == OP_FETCH) {
                out[i].offset = op->tps[i].offset;
                out[i].leader_epoch = op->tps[i].leader_epoch;
                out[i].metadata = op->tps[i].metadata;
            }
        }
    if (a->kind == OP_FETCH) {
        /* metadata strings live until the next samsa_committed */
        sc_cgrp *cg = c->cgrp;

        if (cg->last_fetch)
            op_free(cg, cg->last_fetch);
        cg->last_fetch = op;
    } else {
        op_free(c->cgrp, op);
    }
    return rc;
}

static int check_tps(const samsa_topic_partition *tps, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!tps[i].topic || !tps[i].topic[0] || tps[i].partition < 0)
            return SAMSA_ERR_INVALID_ARG;
    return 0;
}

int samsa_commit_sync(samsa_client *c, samsa_topic_partition *tps, size_t n,
                      int timeout_ms)
{
    pub_arg a;

    if (!c || (n && !tps) || (tps && check_tps(tps, n)))
        return SAMSA_ERR_INVALID_ARG;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.tps = tps;
    a.n = tps ? n : 0;
    a.kind = OP_COMMIT;
    a.timeout_ms = timeout_ms;
    a.sync = true;
    return run_op(&a, tps);
}

int samsa_commit_async(samsa_client *c, const samsa_topic_partition *tps,
                       size_t n, samsa_commit_cb *cb, void *opaque)
{
    pub_arg a;

    if (!c || (n && !tps) || (tps && check_tps(tps, n)))
        return SAMSA_ERR_INVALID_ARG;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.tps = tps;
    a.n = tps ? n : 0;
    a.kind = OP_COMMIT;
    a.timeout_ms = -1;
    a.cb = cb;
    a.opaque = opaque;
    return run_op(&a, NULL);
}

int samsa_commit_message(samsa_client *c, const samsa_message *m,
                         int timeout_ms)
{
    samsa_topic_partition tp;

    if (!c || !m || m->err || !m->topic || m->offset < 0)
        return SAMSA_ERR_INVALID_ARG;
    memset(&tp, 0, sizeof tp);
    tp.topic = m->topic;
    tp.partition = m->partition;
    tp.offset = m->offset + 1;
    tp.leader_epoch = m->leader_epoch;
    if (timeout_ms != 0)
        return samsa_commit_sync(c, &tp, 1, timeout_ms);
    return samsa_commit_async(c, &tp, 1, NULL, NULL);
}

int samsa_committed(samsa_client *c, samsa_topic_partition *tps, size_t n,
                    int timeout_ms)
{
    pub_arg a;

    if (!c || (n && !tps) || check_tps(tps, n))
        return SAMSA_ERR_INVALID_ARG;
    if (n == 0)
        return 0;
    if (c->in_callback && sc_client_on_loop(c))
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "samsa_committed called from a callback");
    memset(&a, 0, sizeof a);
    a.c = c;
    a.tps = tps;
    a.n = n;
    a.kind = OP_FETCH;
    a.timeout_ms = timeout_ms;
    a.sync = true;
    return run_op(&a, tps);
}

/* ------------------------------------------------------------ assign */

/* Starting offsets of partitions assigned with SAMSA_OFFSET_STORED. Only
 * an answer that there is no committed offset starts a partition per
 * auto.offset.reset: a lookup that failed for a passing reason is asked
 * again, and a final error (GROUP_AUTHORIZATION_FAILED, ...) stops the
 * partition with an event, as Java's poll() throws; starting per the
 * policy instead would reprocess or skip what the group committed. */
static void stored_cb(void *opaque, int err, const samsa_topic_partition *tps,
                      size_t n)
{
    sc_cgrp *cg = opaque;
    samsa_client *c = cg->c;
    sc_consumer *cons = c->consumer;
    bool again = false;
    size_t i;

    if (!cons)
        return;
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < n; i++) {
        sc_cpart *p = sc_cons_find(cons, tps[i].topic, strlen(tps[i].topic),
                                   tps[i].partition);
        int e = err ? err : tps[i].err;

        sc_tpl_del(&cg->stored_pending, tps[i].topic, strlen(tps[i].topic),
                   tps[i].partition);
        if (!p || p->off.state != SC_POS_NONE)
            continue; /* unassigned or moved meanwhile */
        if (e && retriable(e)) {
            again = true; /* still NONE: sc_cons_run asks again */
            continue;
        }
        if (e) {
            char why[300];

            snprintf(why, sizeof why, "group %s: committed offset lookup failed: %s (%s)",
                     cg->group_id, samsa_err_name(e), samsa_err_str(e));
            sc_off_fail(&p->off, e, -1);
            sc_cons_event(cons, p, e, -1, why);
            continue;
        }
        if (sc_off_start(&p->off, tps[i].offset >= 0 ? tps[i].offset : -1,
                         tps[i].offset >= 0 ? tps[i].leader_epoch : -1,
                         (sc_reset_policy)cg->reset_policy) == SC_POS_FAILED)
            sc_cons_event(cons, p, p->off.err, -1,
                          "no committed offset and auto.offset.reset=error");
    }
    pthread_mutex_unlock(&c->mu);
    sc_cons_kick(cons, again ? cons->retry_backoff_ms : 0);
}

void sc_cg_stored_run(sc_cgrp *cg)
{
    samsa_topic_partition *tps;
    sc_cg_commit *op;
    size_t i;

    if (!cg->stored_next.n)
        return;
    tps = sp_calloc(cg->alloc, cg->stored_next.n, sizeof *tps);
    if (!tps) {
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    sc_tpl_view(&cg->stored_next, tps);
    op = op_new(cg, OP_FETCH, tps, cg->stored_next.n);
    sp_free(cg->alloc, tps);
    if (!op) {
        sc_cg_retry(cg, cg->retry_ms);
        return;
    }
    for (i = 0; i < cg->stored_next.n; i++)
        if (sc_tpl_add(&cg->stored_pending, cg->stored_next.v[i].topic,
                       strlen(cg->stored_next.v[i].topic),
                       cg->stored_next.v[i].partition) != 0)
            break; /* a duplicate lookup later at worst */
    sc_tpl_clear(&cg->stored_next);
    op->cb = stored_cb;
    op->opaque = cg;
    op->deadline = sc_mono_ms() + sc_conf_int(cg->c->conf, SC_REQUEST_TIMEOUT_MS);
    op_queue(cg, op);
}

bool sc_cgrp_stored_offset(samsa_client *c, struct sc_cpart *p)
{
    const char *g = sc_conf_str(c->conf, SC_GROUP_ID);
    sc_cgrp *cg;
    size_t len = strlen(p->topic);

    if (!g || !g[0])
        return false;
    cg = sc_cg_get(c);
    if (!cg)
        return false;
    if (sc_tpl_has(&cg->stored_pending, p->topic, len, p->partition) ||
        sc_tpl_has(&cg->stored_next, p->topic, len, p->partition))
        return true;
    if (sc_tpl_add(&cg->stored_next, p->topic, len, p->partition) != 0)
        return false;
    sc_cg_retry(cg, 0); /* one lookup for every partition of this run */
    return true;
}
