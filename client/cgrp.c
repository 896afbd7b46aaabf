/*
 * client/cgrp.c - group membership core: life cycle, coordinator
 * discovery, the run step, assignment changes and the rebalance callback;
 * see cgrp.h and cgrp_int.h. The protocols are in cgrp_classic.c and
 * cgrp_kip848.c, commits in cgrp_commit.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgrp_int.h"
#include "alloc.h"
#include "arena.h"
#include "brokers.h"
#include "consumer_int.h"
#include "metadata_refresh.h"
#include "msg_find_coordinator.h"
#include "coord_find.h"
#include "offsets.h"

#define CG_ARENA_MAX (8u << 20)
#define CG_COORD_DOWN_MS 1000 /* unreachable this long: look it up again */

/* ------------------------------------------------------------ helpers */

static char *dup_str(const samsa_allocator *a, const char *s, size_t len)
{
    char *d = sp_alloc(a, len + 1);

    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

void sc_cg_set_member_id(sc_cgrp *cg, const char *id, size_t len)
{
    char *d = dup_str(cg->alloc, id ? id : "", id ? len : 0);

    if (!d)
        return; /* keep the old one: the broker answers UNKNOWN_MEMBER_ID */
    sp_free(cg->alloc, cg->member_id);
    cg->member_id = d;
}

bool sc_cg_is_fencing(int err)
{
    return err == SAMSA_ERR_ILLEGAL_GENERATION ||
           err == SAMSA_ERR_UNKNOWN_MEMBER_ID ||
           err == SAMSA_ERR_FENCED_INSTANCE_ID ||
           err == SAMSA_ERR_FENCED_MEMBER_EPOCH ||
           err == SAMSA_ERR_STALE_MEMBER_EPOCH;
}

static void retry_timer(sn_timer *t)
{
    sc_cg_run(t->data);
}

void sc_cg_retry(sc_cgrp *cg, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    if (sn_timer_active(&cg->retry) &&
        cg->retry.deadline_ms <= sn_loop_now(cg->c->loop) + ms)
        return;
    sn_timer_start(&cg->retry, ms);
}

static void hb_timer(sn_timer *t);

static void ac_timer(sn_timer *t)
{
    sc_cgrp *cg = t->data;

    if (cg->state == CG_STABLE && cg->owned.n && !cg->closing)
        sc_cg_commit_positions(cg, NULL);
    sn_timer_start(&cg->ac, cg->auto_commit_ms > 0 ? cg->auto_commit_ms : 1000);
}

void sc_cg_autocommit_start(sc_cgrp *cg)
{
    if (cg->auto_commit && !sn_timer_active(&cg->ac))
        sn_timer_start(&cg->ac, cg->auto_commit_ms > 0 ? cg->auto_commit_ms : 1000);
}

/* ------------------------------------------------------------ life */

static int parse_assignors(sc_cgrp *cg)
{
    const char *list = sc_conf_str(cg->c->conf, SC_PARTITION_ASSIGNMENT_STRATEGY);
    const char *bad = NULL;
    size_t badlen = 0, i;
    int rc, both = SC_REBALANCE_EAGER | SC_REBALANCE_COOPERATIVE;

    rc = sc_assignor_parse_list(list, cg->assignors, SC_CGRP_MAX_ASSIGNORS,
                                &cg->nassignors, &bad, &badlen);
    if (rc)
        return sc_client_fail(cg->c, SAMSA_ERR_CONFIG,
                              "partition.assignment.strategy: %s", list);
    /* as Java: the protocol every listed assignor supports, cooperative
     * when all of them do */
    for (i = 0; i < cg->nassignors; i++)
        both &= cg->assignors[i]->protocols;
    cg->cooperative = (both & SC_REBALANCE_COOPERATIVE) != 0;
    return 0;
}

/* Set to something else than its default? (samsa_conf does not record
 * whether a property was set, so a value equal to the default counts as
 * not set.) */
static bool conf_changed(const samsa_conf *conf, sc_prop_id id)
{
    const char *def = NULL;

    if (!samsa_conf_property((size_t)id, &def, NULL) || !def)
        return false;
    if (id == SC_SESSION_TIMEOUT_MS || id == SC_HEARTBEAT_INTERVAL_MS)
        return sc_conf_int(conf, id) != strtoll(def, NULL, 10);
    return strcmp(sc_conf_str(conf, id), def) != 0;
}

/* As Java's ConsumerConfig: with group.protocol=consumer the broker owns
 * the session timeout (group.consumer.session.timeout.ms), the heartbeat
 * interval (group.consumer.heartbeat.interval.ms) and the assignor
 * (group.remote.assignor picks one of the broker's), so setting the
 * client's is refused; group.remote.assignor is refused with classic. */
static int check_protocol_conf(sc_cgrp *cg)
{
    static const sc_prop_id classic_only[] = {
        SC_PARTITION_ASSIGNMENT_STRATEGY, SC_SESSION_TIMEOUT_MS,
        SC_HEARTBEAT_INTERVAL_MS
    };
    const samsa_conf *conf = cg->c->conf;
    char names[160];
    size_t i, n = 0;

    names[0] = '\0';
    if (!cg->kip848) {
        if (!cg->remote_assignor)
            return 0;
        sc_log(&cg->c->log, SAMSA_LOG_ERROR, "cgrp",
               "group.remote.assignor cannot be set when group.protocol=classic");
        return sc_client_fail(cg->c, SAMSA_ERR_CONFIG, "group.remote.assignor "
                              "cannot be set when group.protocol=classic");
    }
    for (i = 0; i < sizeof classic_only / sizeof classic_only[0]; i++)
        if (conf_changed(conf, classic_only[i]))
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s",
                                  n ? ", " : "",
                                  samsa_conf_property((size_t)classic_only[i],
                                                      NULL, NULL));
    if (!n)
        return 0;
    sc_log(&cg->c->log, SAMSA_LOG_ERROR, "cgrp",
           "%s cannot be set when group.protocol=consumer (the broker's "
           "group.consumer.* settings apply; group.remote.assignor picks "
           "its assignor)", names);
    return sc_client_fail(cg->c, SAMSA_ERR_CONFIG,
                          "%s cannot be set when group.protocol=consumer",
                          names);
}

sc_cgrp *sc_cg_get(samsa_client *c)
{
    sc_cgrp *cg = c->cgrp;
    const char *s;

    if (cg)
        return cg;
    s = sc_conf_str(c->conf, SC_GROUP_ID);
    if (!s || !s[0]) {
        sc_client_fail(c, SAMSA_ERR_CONFIG, "group.id is not set");
        return NULL;
    }
    cg = sp_calloc(c->alloc, 1, sizeof *cg);
    if (!cg) {
        sc_client_fail(c, SAMSA_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    cg->c = c;
    cg->alloc = c->alloc;
    cg->coord_id = -1;
    cg->generation = -1;
    sc_tpl_init(&cg->owned, c->alloc);
    sc_tpl_init(&cg->pending, c->alloc);
    sc_tpl_init(&cg->stored_next, c->alloc);
    sc_tpl_init(&cg->stored_pending, c->alloc);
    sn_timer_init(&cg->retry, c->loop, retry_timer, cg);
    sn_timer_init(&cg->hb, c->loop, hb_timer, cg);
    sn_timer_init(&cg->ac, c->loop, ac_timer, cg);
    sc_cg_pattern_init(cg);
    cg->group_id = dup_str(c->alloc, s, strlen(s));
    cg->member_id = dup_str(c->alloc, "", 0);
    s = sc_conf_str(c->conf, SC_GROUP_INSTANCE_ID);
    if (s && s[0])
        cg->instance_id = dup_str(c->alloc, s, strlen(s));
    s = sc_conf_str(c->conf, SC_CLIENT_RACK);
    if (s && s[0])
        cg->rack = dup_str(c->alloc, s, strlen(s));
    s = sc_conf_str(c->conf, SC_GROUP_REMOTE_ASSIGNOR);
    if (s && s[0])
        cg->remote_assignor = dup_str(c->alloc, s, strlen(s));
    cg->kip848 = sc_conf_enum(c->conf, SC_GROUP_PROTOCOL) == 1;
    cg->session_ms = (int)sc_conf_int(c->conf, SC_SESSION_TIMEOUT_MS);
    cg->heartbeat_ms = (int)sc_conf_int(c->conf, SC_HEARTBEAT_INTERVAL_MS);
    cg->max_poll_ms = (int)sc_conf_int(c->conf, SC_MAX_POLL_INTERVAL_MS);
    cg->retry_ms = (int)sc_conf_int(c->conf, SC_RETRY_BACKOFF_MS);
    cg->auto_commit = sc_conf_bool(c->conf, SC_ENABLE_AUTO_COMMIT);
    cg->auto_commit_ms = (int)sc_conf_int(c->conf, SC_AUTO_COMMIT_INTERVAL_MS);
    cg->reset_policy = sc_conf_enum(c->conf, SC_AUTO_OFFSET_RESET);
    cg->kip848_hb_ms = cg->heartbeat_ms;
    atomic_store(&cg->last_poll_ms, sc_mono_ms());
    if (!cg->group_id || !cg->member_id ||
        (sc_conf_str(c->conf, SC_GROUP_INSTANCE_ID)[0] && !cg->instance_id) ||
        parse_assignors(cg) != 0 || check_protocol_conf(cg) != 0) {
        int err = cg->group_id && cg->member_id ? SAMSA_ERR_CONFIG
                                                : SAMSA_ERR_NO_MEMORY;
        c->cgrp = cg;
        sc_cgrp_destroy(c);
        if (err == SAMSA_ERR_NO_MEMORY)
            sc_client_fail(c, err, "out of memory");
        return NULL;
    }
    c->cgrp = cg;
    sc_client_add_part(c, SC_PART_CONSUMER, &sc_consumer_part);
    return cg;
}

static void topics_free(sc_cgrp *cg)
{
    size_t i;

    for (i = 0; i < cg->ntopics; i++)
        sp_free(cg->alloc, cg->topics[i]);
    sp_free(cg->alloc, cg->topics);
    cg->topics = NULL;
    cg->ntopics = 0;
}

void sc_cgrp_destroy(samsa_client *c)
{
    sc_cgrp *cg = c->cgrp;

    if (!cg)
        return;
    sn_timer_stop(&cg->retry);
    sn_timer_stop(&cg->hb);
    sn_timer_stop(&cg->ac);
    sc_cg_pattern_clear(cg);
    sc_cg_commits_fail_all(cg, SAMSA_ERR_DESTROYED);
    sc_cg_commit_free_last(cg);
    sc_cg_members_free(cg);
    topics_free(cg);
    sc_tpl_free(&cg->owned);
    sc_tpl_free(&cg->pending);
    sc_tpl_free(&cg->stored_next);
    sc_tpl_free(&cg->stored_pending);
    sp_free(cg->alloc, cg->group_id);
    sp_free(cg->alloc, cg->instance_id);
    sp_free(cg->alloc, cg->rack);
    sp_free(cg->alloc, cg->remote_assignor);
    sp_free(cg->alloc, cg->member_id);
    sp_free(cg->alloc, cg);
    c->cgrp = NULL;
}

bool sc_cgrp_subscribed(const samsa_client *c)
{
    return c->cgrp && (c->cgrp->ntopics > 0 || c->cgrp->pattern) &&
           !c->cgrp->applying;
}

void sc_cgrp_md_changed(samsa_client *c, const char *topic, unsigned changed)
{
    sc_cgrp *cg = c->cgrp;
    size_t i;

    if (!cg || !topic || cg->kip848 || !cg->is_leader || cg->state != CG_STABLE ||
        !(changed & (SC_MD_NEW_TOPIC | SC_MD_PARTITIONS_ADDED)))
        return;
    for (i = 0; i < cg->ntopics; i++)
        if (strcmp(cg->topics[i], topic) == 0) {
            sc_cg_rejoin(cg, "partitions of a subscribed topic changed");
            return;
        }
}

/* ------------------------------------------------------------ requests */

typedef struct send_ctx {
    sn_body_encode_fn enc;
    const void *arg;
} send_ctx;

int sc_cg_send(sc_cgrp *cg, sn_conn *conn, int16_t key, sn_body_encode_fn enc,
               const void *arg, int timeout_ms, sn_response_cb cb,
               sc_cg_req *req)
{
    sn_request sr;
    int rc;

    req->cg = cg;
    req->round = cg->round;
    rc = sn_conn_api_version(conn, key, &req->version);
    if (rc)
        return rc;
    if (req->vmax > 0 && req->version > req->vmax)
        req->version = req->vmax;
    memset(&sr, 0, sizeof sr);
    sr.api_key = key;
    sr.api_version = req->version;
    sr.encode = enc;
    sr.encode_arg = arg;
    sr.timeout_ms = timeout_ms;
    sr.cb = cb;
    sr.opaque = req;
    return sn_conn_send(conn, &sr);
}

sc_cg_req *sc_cg_req_new(sc_cgrp *cg)
{
    return sp_calloc(cg->alloc, 1, sizeof(sc_cg_req));
}

void sc_cg_req_free(sc_cg_req *req)
{
    if (req)
        sp_free(req->cg ? req->cg->alloc : NULL, req);
}

/* ------------------------------------------------------------ coordinator */

void sc_cg_coord_lost(sc_cgrp *cg, int err)
{
    if (cg->coord_id >= 0)
        sc_log(&cg->c->log, SAMSA_LOG_INFO, "cgrp",
               "group %s: coordinator %d lost (%s), looking it up again",
               cg->group_id, (int)cg->coord_id, samsa_err_name(err));
    cg->coord_id = -1;
    if (cg->find_not_before < sn_loop_now(cg->c->loop) + cg->retry_ms)
        cg->find_not_before = sn_loop_now(cg->c->loop) + cg->retry_ms;
}

/* FindCoordinator errors worth another lookup: local (transport, decode)
 * ones and the coordinator moving or loading. Any other broker error is
 * final, as in Java (GROUP_AUTHORIZATION_FAILED, INVALID_REQUEST, ...). */
static bool find_retriable(int err)
{
    return err < SAMSA_ERR_UNKNOWN_SERVER_ERROR ||
           err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           err == SAMSA_ERR_NOT_COORDINATOR ||
           err == SAMSA_ERR_REQUEST_TIMED_OUT ||
           err == SAMSA_ERR_NETWORK_EXCEPTION;
}

/* A final FindCoordinator error on a handle outside a subscription (one
 * that commits or reads offsets only): what waits on the coordinator fails
 * now with the broker's error and message instead of at its timeout. */
static void find_failed(sc_cgrp *cg, int err, const char *msg)
{
    samsa_client *c = cg->c;

    sc_log(&c->log, SAMSA_LOG_WARNING, "cgrp", "group %s: FindCoordinator: %s%s%s",
           cg->group_id, samsa_err_name(err), msg[0] ? ": " : "", msg);
    sc_client_fail(c, err, "group %s: FindCoordinator failed: %s (%s)%s%s",
                   cg->group_id, samsa_err_name(err), samsa_err_str(err),
                   msg[0] ? " " : "", msg);
    /* an op in flight answers first (its callback owns it) */
    if (!cg->commit_inflight)
        sc_cg_commits_fail_all(cg, err);
}

static void find_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_cg_req *req = opaque;
    sc_cgrp *cg = req->cg;
    samsa_client *c = cg->c;
    char msg[256] = "";
    int32_t node = -1;
    int ferr = 0;

    cg->find_inflight = false;
    if (c->closing) {
        sc_cg_req_free(req);
        return;
    }
    if (!err)
        err = sc_coord_find_decode(cg->alloc, req->version, body, len, &ferr,
                                   &node, msg, sizeof msg);
    if (!err)
        err = ferr;
    sc_cg_req_free(req);
    if ((err == SAMSA_ERR_GROUP_AUTHORIZATION_FAILED ||
         err == SAMSA_ERR_INVALID_GROUP_ID) &&
        cg->ntopics && cg->state != CG_FATAL) {
        sc_cg_fatal(cg, err, "FindCoordinator", msg); /* a retry cannot fix it */
        return;
    }
    if (!err && node >= 0 && sc_brokers_conn(c->brokers, node)) {
        cg->coord_id = node;
        sc_debug(&c->log, SC_DBG_CGRP, "cgrp", "group %s: coordinator is %d",
                 cg->group_id, (int)node);
    } else {
        if (!err)
            sc_mdr_refresh(c->mdr); /* a broker metadata does not know yet */
        cg->find_not_before = sn_loop_now(c->loop) + cg->retry_ms;
        sc_debug(&c->log, SC_DBG_CGRP, "cgrp", "group %s: FindCoordinator: %s",
                 cg->group_id, samsa_err_name(err));
        if (err && !find_retriable(err) && !cg->ntopics)
            find_failed(cg, err, msg);
    }
    sc_cg_run(cg);
}

sn_conn *sc_cg_coord(sc_cgrp *cg)
{
    samsa_client *c = cg->c;
    int64_t now = sn_loop_now(c->loop);
    sn_conn *conn;
    sc_cg_req *req;

    if (cg->coord_id >= 0) {
        conn = sc_brokers_conn(c->brokers, cg->coord_id);
        if (conn && sn_conn_get_state(conn) == SN_CONN_READY) {
            cg->coord_down_since = 0;
            return conn;
        }
        if (!cg->coord_down_since)
            cg->coord_down_since = now;
        /* a coordinator we cannot reach for a while: ask who it is now
         * (its node may be gone and the group moved) */
        if (conn && now - cg->coord_down_since < CG_COORD_DOWN_MS) {
            sn_conn_connect(conn);
            sc_cg_retry(cg, 20);
            return NULL;
        }
        sc_cg_coord_lost(cg, SAMSA_ERR_TRANSPORT);
        cg->coord_down_since = 0;
    }
    if (cg->find_inflight)
        return NULL;
    if (now < cg->find_not_before) {
        sc_cg_retry(cg, cg->find_not_before - now);
        return NULL;
    }
    conn = sc_brokers_any_ready(c->brokers);
    if (!conn) {
        sc_cg_retry(cg, 20);
        return NULL;
    }
    req = sc_cg_req_new(cg);
    if (!req || sc_cg_send(cg, conn, SP_FIND_COORDINATOR_KEY, sc_coord_find_encode,
                           cg->group_id, 0,
                           find_cb, req) != 0) {
        sc_cg_req_free(req);
        cg->find_not_before = now + cg->retry_ms;
        sc_cg_retry(cg, cg->retry_ms);
        return NULL;
    }
    cg->find_inflight = true;
    return NULL;
}

/* ------------------------------------------------------------ callbacks */

void sc_cg_rebalance_cb(sc_cgrp *cg, samsa_rebalance_event ev,
                        const sc_tpl *l)
{
    samsa_client *c = cg->c;
    samsa_topic_partition one, *tps = &one;

    sc_log(&c->log, SAMSA_LOG_INFO, "cgrp", "group %s: %s %zu partition(s)",
           cg->group_id,
           ev == SAMSA_REBALANCE_ASSIGNED  ? "assigned"
           : ev == SAMSA_REBALANCE_REVOKED ? "revoked"
                                           : "lost",
           l->n);
    if (!c->cbs.rebalance)
        return;
    if (l->n > 1) {
        tps = sp_alloc(cg->alloc, l->n * sizeof *tps);
        if (!tps)
            return; /* the change itself is applied; only the news is lost */
    }
    sc_tpl_view(l, tps);
    SC_CALLBACK(c, c->cbs.rebalance(c->cbs.rebalance_opaque, c, ev, tps, l->n));
    if (tps != &one)
        sp_free(cg->alloc, tps);
}

/* samsa_assign(owned) with offsets for added ones (NULL: kept only). */
static void consumer_apply(sc_cgrp *cg, const samsa_topic_partition *added,
                           size_t nadded)
{
    samsa_client *c = cg->c;
    samsa_topic_partition one, *tps = &one;
    size_t i, j;
    int rc;

    if (cg->owned.n > 1) {
        tps = sp_alloc(cg->alloc, cg->owned.n * sizeof *tps);
        if (!tps) {
            sc_log(&c->log, SAMSA_LOG_ERROR, "cgrp",
                   "group %s: out of memory applying the assignment",
                   cg->group_id);
            return;
        }
    }
    sc_tpl_view(&cg->owned, tps);
    for (i = 0; i < cg->owned.n; i++) {
        tps[i].offset = SAMSA_OFFSET_STORED;
        for (j = 0; j < nadded; j++)
            if (added[j].partition == tps[i].partition &&
                strcmp(added[j].topic, tps[i].topic) == 0) {
                tps[i].offset = added[j].offset;
                tps[i].leader_epoch = added[j].leader_epoch;
            }
    }
    cg->applying = true;
    rc = samsa_assign(c, cg->owned.n ? tps : NULL, cg->owned.n);
    cg->applying = false;
    if (rc)
        sc_log(&c->log, SAMSA_LOG_ERROR, "cgrp",
               "group %s: the consumer refused the assignment: %s",
               cg->group_id, samsa_err_name(rc));
    if (tps != &one)
        sp_free(cg->alloc, tps);
}

void sc_cg_revoke_all(sc_cgrp *cg)
{
    sc_tpl gone;

    if (!cg->owned.n)
        return;
    if (cg->auto_commit)
        sc_cg_commit_positions(cg, NULL);
    sc_cg_rebalance_cb(cg, SAMSA_REBALANCE_REVOKED, &cg->owned);
    gone = cg->owned;
    sc_tpl_init(&cg->owned, cg->alloc);
    consumer_apply(cg, NULL, 0);
    sc_tpl_free(&gone);
}

void sc_cg_lost(sc_cgrp *cg, const char *why)
{
    sc_tpl gone;

    sc_log(&cg->c->log, SAMSA_LOG_WARNING, "cgrp", "group %s: %s",
           cg->group_id, why);
    cg->pending_set = false;
    sc_tpl_clear(&cg->pending);
    if (!cg->owned.n)
        return;
    gone = cg->owned;
    sc_tpl_init(&cg->owned, cg->alloc);
    consumer_apply(cg, NULL, 0);
    sc_cg_rebalance_cb(cg, SAMSA_REBALANCE_LOST, &gone);
    sc_tpl_free(&gone);
}

void sc_cg_fatal(sc_cgrp *cg, int err, const char *what, const char *msg)
{
    samsa_client *c = cg->c;
    char text[640];

    snprintf(text, sizeof text, "group %s: %s failed: %s (%s)%s%s", cg->group_id,
             what, samsa_err_name(err), samsa_err_str(err),
             msg && msg[0] ? " " : "", msg ? msg : "");
    sc_log(&c->log, SAMSA_LOG_ERROR, "cgrp", "%s; the handle left the group",
           text);
    sc_cg_lost(cg, "fatal group error: partitions lost");
    sc_client_fail(c, err, "%s", text);
    cg->state = CG_FATAL;
    cg->fatal_err = err;
    cg->generation = -1;
    sn_timer_stop(&cg->hb);
    sn_timer_stop(&cg->ac);
    /* the application hears of it once, from samsa_consume (as Java's
     * poll() throws) */
    if (c->consumer && !c->closing && !cg->closing) {
        pthread_mutex_lock(&c->mu);
        if (sc_cons_event(c->consumer, NULL, err, SAMSA_OFFSET_INVALID, text))
            sc_log(&c->log, SAMSA_LOG_ERROR, "cgrp",
                   "group %s: out of memory for the fatal error event",
                   cg->group_id);
        pthread_mutex_unlock(&c->mu);
    }
    atomic_store(&cg->idle, true);
    sc_client_signal(c);
}

void sc_cg_assignment(sc_cgrp *cg, const sc_tpl *target)
{
    sc_tpl revoked;
    size_t i;

    sc_tpl_init(&revoked, cg->alloc);
    if (sc_tpl_minus(&cg->owned, target, &revoked) == 0 && revoked.n) {
        if (cg->auto_commit)
            sc_cg_commit_positions(cg, &revoked);
        sc_cg_rebalance_cb(cg, SAMSA_REBALANCE_REVOKED, &revoked);
        for (i = 0; i < revoked.n; i++)
            sc_tpl_del(&cg->owned, revoked.v[i].topic,
                       strlen(revoked.v[i].topic), revoked.v[i].partition);
        consumer_apply(cg, NULL, 0);
        if (!cg->kip848)
            cg->rejoin_asap = true; /* KIP-429: hand them over */
    }
    sc_tpl_free(&revoked);
    if (sc_tpl_copy(&cg->pending, target) != 0) {
        sc_log(&cg->c->log, SAMSA_LOG_ERROR, "cgrp",
               "group %s: out of memory for the assignment", cg->group_id);
        return;
    }
    cg->pending_set = true;
    sc_cg_fetch_committed(cg);
}

void sc_cg_apply(sc_cgrp *cg, const samsa_topic_partition *added,
                 size_t nadded)
{
    sc_tpl fresh;
    int64_t now = sn_loop_now(cg->c->loop);

    sc_tpl_init(&fresh, cg->alloc);
    if (sc_tpl_minus(&cg->pending, &cg->owned, &fresh) != 0 ||
        sc_tpl_copy(&cg->owned, &cg->pending) != 0) {
        sc_tpl_free(&fresh);
        sc_log(&cg->c->log, SAMSA_LOG_ERROR, "cgrp",
               "group %s: out of memory for the assignment", cg->group_id);
        return;
    }
    cg->pending_set = false;
    sc_tpl_clear(&cg->pending);
    consumer_apply(cg, added, nadded);
    cg->rebalances++;
    if (cg->join_started_ms) {
        cg->last_rebalance_ms = now - cg->join_started_ms;
        cg->join_started_ms = 0;
    }
    sc_log(&cg->c->log, SAMSA_LOG_INFO, "cgrp",
           "group %s: generation %d, %zu partition(s) owned (%zu new), "
           "rebalance took %lld ms",
           cg->group_id, (int)cg->generation, cg->owned.n, fresh.n,
           (long long)cg->last_rebalance_ms);
    sc_cg_rebalance_cb(cg, SAMSA_REBALANCE_ASSIGNED, &fresh);
    sc_tpl_free(&fresh);
    if (cg->kip848)
        cg->kip848_ack = true;
}

/* ------------------------------------------------------------ the step */

/* Start a (re)join: eager protocols revoke everything first. */
void sc_cg_rejoin(sc_cgrp *cg, const char *why)
{
    if (cg->state == CG_FATAL || cg->state == CG_LEAVING || cg->closing)
        return;
    sc_debug(&cg->c->log, SC_DBG_CGRP, "cgrp", "group %s: rejoin: %s",
             cg->group_id, why);
    if (!cg->kip848 && !cg->cooperative)
        sc_cg_revoke_all(cg);
    if (!cg->join_started_ms)
        cg->join_started_ms = sn_loop_now(cg->c->loop);
    cg->round++;
    cg->rejoin_asap = false;
    cg->state = CG_WANT_JOIN;
    sc_cg_retry(cg, 0);
}

void sc_cg_run(sc_cgrp *cg)
{
    samsa_client *c = cg->c;

    if (c->closing || cg->state == CG_FATAL)
        return;
    sc_cg_stored_run(cg);
    sc_cg_commit_run(cg);
    switch (cg->state) {
    case CG_WANT_JOIN:
        if (sc_cg_commits_pending(cg))
            return; /* commits on revoke land before the rejoin */
        if (cg->kip848)
            sc_cg_kip848_heartbeat(cg);
        else
            sc_cg_classic_join(cg);
        break;
    case CG_ASSIGNING:
        sc_cg_classic_assign(cg);
        break;
    case CG_STABLE:
        if (cg->pending_set && !cg->fetch_inflight)
            sc_cg_fetch_committed(cg);
        if (cg->kip848 && cg->kip848_ack && !cg->hb_inflight &&
            !sc_cg_commits_pending(cg))
            sc_cg_kip848_heartbeat(cg); /* ack: after the revoke commits */
        if (cg->rejoin_asap && !cg->pending_set && !sc_cg_commits_pending(cg))
            sc_cg_rejoin(cg, "cooperative: revoked partitions to hand over");
        break;
    case CG_LEAVING:
        if (cg->leave_inflight || sc_cg_commits_pending(cg))
            return;
        if (cg->kip848)
            sc_cg_kip848_leave(cg);
        else
            sc_cg_classic_leave(cg);
        break;
    default:
        break;
    }
}

/* Heartbeats, max.poll.interval.ms and session checks. */
static void hb_timer(sn_timer *t)
{
    sc_cgrp *cg = t->data;
    int64_t now = sn_loop_now(cg->c->loop);
    int64_t polled = sc_mono_ms() - atomic_load(&cg->last_poll_ms);
    int period = cg->kip848 ? cg->kip848_hb_ms : cg->heartbeat_ms;

    if (cg->state == CG_IDLE || cg->state == CG_FATAL)
        return;
    if (polled > cg->max_poll_ms && !cg->closing &&
        (cg->state == CG_STABLE || cg->state == CG_SYNCING)) {
        sc_log(&cg->c->log, SAMSA_LOG_WARNING, "cgrp",
               "group %s: the application did not consume for %lld ms "
               "(max.poll.interval.ms %d): leaving the group until the next "
               "consume", cg->group_id, (long long)polled, cg->max_poll_ms);
        sc_cg_lost(cg, "partitions dropped: max.poll.interval.ms exceeded");
        atomic_store(&cg->left_for_poll, true);
        cg->state = CG_LEAVING;
        sc_cg_run(cg);
        return;
    }
    if (cg->state == CG_STABLE && !cg->kip848 &&
        now - cg->last_hb_ok > cg->session_ms) {
        sc_cg_lost(cg, "no heartbeat answer within session.timeout.ms: "
                       "partitions lost");
        cg->generation = -1;
        sc_cg_rejoin(cg, "session timed out");
    } else if (cg->state == CG_STABLE && !cg->hb_inflight) {
        if (cg->md_missing && cg->is_leader)
            sc_mdr_refresh(cg->c->mdr); /* until the topic shows up */
        if (cg->kip848)
            sc_cg_kip848_heartbeat(cg);
        else
            sc_cg_classic_heartbeat(cg);
    }
    if (period <= 0)
        period = 1000;
    /* wake up in time for the max.poll.interval.ms check too */
    if (cg->max_poll_ms - polled + 1 < period)
        period = (int)(cg->max_poll_ms - polled + 1 > 10 ? cg->max_poll_ms - polled + 1
                                                         : 10);
    sn_timer_start(&cg->hb, period);
}

void sc_cg_hb_start(sc_cgrp *cg, int ms)
{
    sn_timer_start(&cg->hb, ms);
}

/* ------------------------------------------------------------ public */

typedef struct sub_arg {
    samsa_client *c;
    const char *const *topics;
    size_t n;
    const char *pattern;   /* samsa_subscribe_pattern */
    int timeout_ms;
} sub_arg;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int sc_cg_set_topics(sc_cgrp *cg, const char *const *topics, size_t nt)
{
    samsa_client *c = cg->c;
    char **t = NULL;
    size_t i, n = 0;
    bool changed;

    if (nt) {
        t = sp_calloc(cg->alloc, nt, sizeof *t);
        if (!t)
            return SAMSA_ERR_NO_MEMORY;
    }
    for (i = 0; i < nt; i++) {
        size_t j;
        bool dup = false;

        for (j = 0; j < n && !dup; j++)
            dup = strcmp(t[j], topics[i]) == 0;
        if (dup)
            continue;
        t[n] = dup_str(cg->alloc, topics[i], strlen(topics[i]));
        if (!t[n] || sc_mdr_want(c->mdr, t[n], strlen(t[n])) != 0) {
            sp_free(cg->alloc, t[n]);
            while (n)
                sp_free(cg->alloc, t[--n]);
            sp_free(cg->alloc, t);
            return SAMSA_ERR_NO_MEMORY;
        }
        n++;
    }
    if (n)
        qsort(t, n, sizeof *t, cmp_str);
    changed = n != cg->ntopics;
    for (i = 0; i < n && !changed; i++)
        changed = strcmp(t[i], cg->topics[i]) != 0;
    topics_free(cg);
    cg->topics = t;
    cg->ntopics = n;
    if (cg->state == CG_IDLE) {
        /* a classic pattern that matches nothing yet waits for a topic;
         * KIP-848 sends the pattern itself */
        if (n || (cg->pattern && cg->kip848))
            sc_cg_start(cg);
    } else if (changed) {
        if (cg->kip848)
            cg->kip848_send_full = true;
        else
            sc_cg_rejoin(cg, "subscription changed");
    }
    return 0;
}

void sc_cg_start(sc_cgrp *cg)
{
    samsa_client *c = cg->c;

    atomic_store(&cg->last_poll_ms, sc_mono_ms());
    cg->join_started_ms = sn_loop_now(c->loop);
    cg->round++;
    cg->state = CG_WANT_JOIN;
    cg->last_hb_ok = sn_loop_now(c->loop);
    sc_cg_hb_start(cg, cg->heartbeat_ms);
    sc_cg_autocommit_start(cg);
    sc_cg_retry(cg, 0);
}

static int subscribe_fn(void *arg)
{
    sub_arg *a = arg;
    samsa_client *c = a->c;
    sc_cgrp *cg;

    if (c->consumer && c->consumer->nparts > 0 && !sc_cgrp_subscribed(c))
        return sc_client_fail(c, SAMSA_ERR_STATE,
                              "subscribe: partitions are assigned manually");
    cg = sc_cg_get(c);
    if (!cg)
        return c->errstr[0] && strstr(c->errstr, "memory") ? SAMSA_ERR_NO_MEMORY
                                                           : SAMSA_ERR_CONFIG;
    if (cg->state == CG_FATAL)
        return sc_client_fail(c, SAMSA_ERR_STATE, "group %s: fatal error %s",
                              cg->group_id, samsa_err_name(cg->fatal_err));
    if (!sc_consumer_get(c))
        return SAMSA_ERR_NO_MEMORY;
    atomic_store(&cg->last_poll_ms, sc_mono_ms());
    if (a->pattern)
        return sc_cg_set_pattern(cg, a->pattern);
    sc_cg_pattern_clear(cg);
    return sc_cg_set_topics(cg, a->topics, a->n);
}

int samsa_subscribe(samsa_client *c, const char *const *topics, size_t n)
{
    sub_arg a;
    size_t i;

    if (!c || !topics || n == 0)
        return SAMSA_ERR_INVALID_ARG;
    for (i = 0; i < n; i++)
        if (!topics[i] || !topics[i][0] || strlen(topics[i]) > 249)
            return sc_client_fail(c, SAMSA_ERR_INVALID_ARG,
                                  "subscribe: bad topic name at %zu", i);
    memset(&a, 0, sizeof a);
    a.c = c;
    a.topics = topics;
    a.n = n;
    return sc_client_call(c, subscribe_fn, &a);
}

int samsa_subscribe_pattern(samsa_client *c, const char *regex)
{
    sub_arg a;
    int rc;

    if (!c || !regex || !regex[0])
        return SAMSA_ERR_INVALID_ARG;
    rc = sc_cg_pattern_check(c, regex);
    if (rc)
        return rc;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.pattern = regex;
    return sc_client_call(c, subscribe_fn, &a);
}

/* Begin leaving: final commit, REVOKED, then LeaveGroup (dynamic
 * members) once the commits landed. */
static int leave_fn(void *arg)
{
    sub_arg *a = arg;
    samsa_client *c = a->c;
    sc_cgrp *cg = c->cgrp;

    if (!cg || cg->state == CG_IDLE || cg->state == CG_FATAL) {
        if (cg) {
            topics_free(cg);
            sc_cg_pattern_clear(cg);
            atomic_store(&cg->idle, true);
        }
        return 0;
    }
    cg->closing = true;
    sn_timer_stop(&cg->ac);
    sc_cg_revoke_all(cg);
    cg->pending_set = false;
    sc_tpl_clear(&cg->pending);
    topics_free(cg);
    sc_cg_pattern_clear(cg);
    if (cg->member_id[0] && (cg->kip848 || !cg->instance_id)) {
        cg->state = CG_LEAVING;
        sc_cg_run(cg);
    } else {
        sc_cg_left(cg);
    }
    return 0;
}

static bool left_done(void *arg)
{
    sc_cgrp *cg = arg;

    return atomic_load(&cg->idle);
}

static int finish_fn(void *arg)
{
    sub_arg *a = arg;
    sc_cgrp *cg = a->c->cgrp;

    if (!cg)
        return 0;
    sn_timer_stop(&cg->hb);
    sn_timer_stop(&cg->retry);
    if (cg->state != CG_FATAL)
        cg->state = CG_IDLE;
    cg->closing = false;
    cg->generation = -1;
    if (!cg->instance_id || cg->kip848)
        sc_cg_set_member_id(cg, "", 0);
    atomic_store(&cg->idle, cg->state == CG_IDLE || cg->state == CG_FATAL);
    return 0;
}

static int leave_group(samsa_client *c, int timeout_ms)
{
    sub_arg a;
    int rc;

    memset(&a, 0, sizeof a);
    a.c = c;
    a.timeout_ms = timeout_ms;
    if (!c->cgrp)
        return 0;
    atomic_store(&c->cgrp->idle, false);
    rc = sc_client_call(c, leave_fn, &a);
    if (rc)
        return rc;
    rc = sc_client_wait(c, left_done, c->cgrp, timeout_ms);
    sc_client_call(c, finish_fn, &a);
    return rc;
}

int samsa_unsubscribe(samsa_client *c)
{
    if (!c)
        return SAMSA_ERR_INVALID_ARG;
    if (c->in_callback && sc_client_on_loop(c))
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "samsa_unsubscribe called from a callback");
    return leave_group(c, (int)sc_conf_int(c->conf, SC_REQUEST_TIMEOUT_MS));
}

int sc_cgrp_close(samsa_client *c, int timeout_ms)
{
    if (!c->cgrp)
        return 0;
    return leave_group(c, timeout_ms);
}

/* Called when the group is idle again after leaving. */
void sc_cg_left(sc_cgrp *cg)
{
    cg->leave_inflight = false;
    cg->state = CG_IDLE;
    atomic_store(&cg->idle, true);
    sc_client_signal(cg->c);
}

static void rejoin_post(void *arg)
{
    samsa_client *c = arg;
    sc_cgrp *cg = c->cgrp;

    if (cg)
        atomic_store(&cg->rejoin_posted, false);
    if (!cg || c->closing || cg->closing || (!cg->ntopics && !cg->pattern))
        return;
    if (cg->state == CG_IDLE && atomic_exchange(&cg->left_for_poll, false))
        sc_cg_start(cg);
}

void sc_cgrp_polled(samsa_client *c)
{
    sc_cgrp *cg = c->cgrp;

    if (!cg)
        return;
    /* every samsa_consume call: the coarse clock and relaxed order are
     * plenty for max.poll.interval.ms, and cost a fraction of the precise
     * clock and a full fence */
    atomic_store_explicit(&cg->last_poll_ms, sc_mono_coarse_ms(), memory_order_relaxed);
    if (atomic_load_explicit(&cg->left_for_poll, memory_order_relaxed) &&
        !atomic_exchange(&cg->rejoin_posted, true) &&
        sn_loop_post(c->loop, rejoin_post, c) != 0)
        atomic_store(&cg->rejoin_posted, false);
}

void samsa_conf_set_rebalance_cb(samsa_conf *conf, samsa_rebalance_cb *cb,
                                 void *opaque)
{
    sc_callbacks *cbs = sc_conf_callbacks(conf);

    cbs->rebalance = cb;
    cbs->rebalance_opaque = opaque;
}
