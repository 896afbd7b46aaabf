/* client/sender.c - Produce requests per leader, responses, retries and
 * delivery.timeout.ms; see producer_int.h. */
#include <stdio.h>
#include <string.h>

#include "producer_int.h"
#include "alloc.h"
#include "arena.h"
#include "brokers.h"
#include "metadata_refresh.h"
#include "msg_produce.h"
#include "produce_enc.h"
#include "schema.h"

#define PRODUCE_ARENA_MAX (16u << 20)
#define MAX_PER_REQ 256

typedef struct sc_preq {
    sc_producer *p;
    int32_t node;
    int16_t version;
    int n;
    sp_writer glue; /* the request's bytes around the batches (net/ reads
                     * them and the batches in place until produce_cb) */
    sc_batch *b[];
} sc_preq;

bool sc_err_retriable(int err)
{
    switch (err) {
    case SAMSA_ERR_DESTROYED: /* its connection went (broker moved) */
    case SAMSA_ERR_TRANSPORT:
    case SAMSA_ERR_TIMED_OUT:
    case SAMSA_ERR_RESOLVE:
    case SAMSA_ERR_CONNECT:
    case SAMSA_ERR_NO_COMMON_VERSION:
    case SAMSA_ERR_PROTOCOL: /* an answer we could not read: resend (the
                              * sequence makes a resend harmless) */
    case SAMSA_ERR_CORRUPT_MESSAGE:
    case SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION:
    case SAMSA_ERR_LEADER_NOT_AVAILABLE:
    case SAMSA_ERR_NOT_LEADER_OR_FOLLOWER:
    case SAMSA_ERR_REQUEST_TIMED_OUT:
    case SAMSA_ERR_BROKER_NOT_AVAILABLE:
    case SAMSA_ERR_REPLICA_NOT_AVAILABLE:
    case SAMSA_ERR_NETWORK_EXCEPTION:
    case SAMSA_ERR_NOT_ENOUGH_REPLICAS:
    case SAMSA_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case SAMSA_ERR_KAFKA_STORAGE_ERROR:
    case SAMSA_ERR_FENCED_LEADER_EPOCH:
    case SAMSA_ERR_UNKNOWN_LEADER_EPOCH:
    case SAMSA_ERR_THROTTLING_QUOTA_EXCEEDED:
    case SAMSA_ERR_CONCURRENT_TRANSACTIONS:
    case SAMSA_ERR_UNKNOWN_SERVER_ERROR:
    case SAMSA_ERR_UNKNOWN_TOPIC_ID:
    case SAMSA_ERR_INCONSISTENT_TOPIC_ID:
        return true;
    default:
        return false;
    }
}

static bool leader_err(int err)
{
    return err == SAMSA_ERR_NOT_LEADER_OR_FOLLOWER ||
           err == SAMSA_ERR_LEADER_NOT_AVAILABLE ||
           err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION ||
           err == SAMSA_ERR_UNKNOWN_TOPIC_ID ||
           err == SAMSA_ERR_INCONSISTENT_TOPIC_ID ||
           err == SAMSA_ERR_FENCED_LEADER_EPOCH ||
           err == SAMSA_ERR_UNKNOWN_LEADER_EPOCH ||
           err == SAMSA_ERR_KAFKA_STORAGE_ERROR ||
           err == SAMSA_ERR_TRANSPORT || err == SAMSA_ERR_CONNECT ||
           err == SAMSA_ERR_TIMED_OUT || err == SAMSA_ERR_NETWORK_EXCEPTION;
}

static sc_node_inflight *node_slot(sc_producer *p, int32_t node)
{
    size_t i;

    for (i = 0; i < p->nnodes; i++)
        if (p->nodes[i].node == node)
            return &p->nodes[i];
    if (p->nnodes == p->ncap) {
        size_t ncap = p->ncap ? p->ncap * 2 : 8;
        sc_node_inflight *nv = sp_realloc(p->c->alloc, p->nodes,
                                          ncap * sizeof *nv);
        if (!nv)
            return NULL;
        p->nodes = nv;
        p->ncap = ncap;
    }
    p->nodes[p->nnodes].node = node;
    p->nodes[p->nnodes].n = 0;
    return &p->nodes[p->nnodes++];
}

static int64_t backoff(const sc_producer *p, int attempts)
{
    int64_t b = p->retry_backoff_ms;
    int sh = attempts > 1 ? attempts - 1 : 0;

    if (sh > 20)
        sh = 20;
    b <<= sh;
    if (b > p->retry_backoff_max_ms)
        b = p->retry_backoff_max_ms;
    return b;
}

/* a comes before b in sequence space (sequences wrap at INT32_MAX) */
static bool seq_before(int32_t a, int32_t b)
{
    int64_t d = ((int64_t)b - a + INT32_MAX + 1) % ((int64_t)INT32_MAX + 1);

    return d > 0 && d < ((int64_t)1 << 30);
}

/* A sent batch failed (err != 0) or succeeded: decide its fate. */
static void batch_done(sc_producer *p, sc_batch *b, int err,
                       const char *errmsg, int64_t base_offset,
                       int64_t log_append_ms)
{
    samsa_client *c = p->c;
    sc_pq *pq = b->pq;
    int64_t now = sn_loop_now(c->loop);
    char why[256];

    pq->inflight--;
    if (err == 0 || err == SAMSA_ERR_DUPLICATE_SEQUENCE_NUMBER) {
        if (p->idempotent && b->base_seq >= 0) {
            pq->acked_next = sc_seq_add(b->base_seq, b->n);
            pq->acked_any = true;
            pq->acked_ms = now;
            pq->resync = false; /* in order again: pipeline */
        }
        sc_producer_report_batch(p, b, 0, "", base_offset, log_append_ms);
        return;
    }
    if (p->fatal) {
        sc_producer_report_batch(p, b, SAMSA_ERR_FATAL, p->fatal_str, -1, -1);
        return;
    }
    if (c->closing) {
        sc_producer_report_batch(p, b, SAMSA_ERR_DESTROYED,
                                 "client destroyed before delivery", -1, -1);
        return;
    }
    snprintf(why, sizeof why, "%s [%d]: %s%s%s", pq->t->name,
             (int)pq->partition, samsa_err_name(err),
             errmsg && *errmsg ? ": " : "", errmsg ? errmsg : "");
    if (err == SAMSA_ERR_INVALID_PRODUCER_EPOCH ||
        err == SAMSA_ERR_PRODUCER_FENCED ||
        err == SAMSA_ERR_CLUSTER_AUTHORIZATION_FAILED ||
        err == SAMSA_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED) {
        sc_producer_set_fatal(p, err, why);
        sc_producer_report_batch(p, b, SAMSA_ERR_FATAL, why, -1, -1);
        return;
    }
    if (p->idempotent && (err == SAMSA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER ||
                          err == SAMSA_ERR_UNKNOWN_PRODUCER_ID)) {
        /* an earlier batch of this partition failed too: just retry;
         * at the expected sequence: the broker lost our state: bump;
         * before it: a later batch was written first (a broker that
         * lost our state takes any sequence), so this one never can be
         * with its sequence: bump (renumbered, not lost) */
        if (err == SAMSA_ERR_UNKNOWN_PRODUCER_ID || b->base_seq == pq->acked_next ||
            (b->base_seq >= 0 && seq_before(b->base_seq, pq->acked_next)))
            sc_idem_need_bump(p, why);
        err = SAMSA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER; /* retriable here */
    } else if (!sc_err_retriable(err)) {
        if (p->idempotent && b->base_seq >= 0)
            sc_idem_need_bump(p, why); /* the sequence now has a gap */
        sc_producer_report_batch(p, b, err, why, -1, -1);
        return;
    }
    b->attempts++;
    b->last_err = err;
    if (now >= b->deadline_ms || b->attempts > p->retries) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s after %d attempt(s); last error %s",
                 now >= b->deadline_ms ? "delivery.timeout.ms passed"
                                       : "retries exhausted",
                 b->attempts, why);
        if (p->idempotent && b->base_seq >= 0)
            sc_idem_need_bump(p, msg);
        sc_producer_report_batch(p, b,
                                 now >= b->deadline_ms ? SAMSA_ERR_MSG_TIMED_OUT : err,
                                 msg, -1, -1);
        return;
    }
    sc_debug(&c->log, SC_DBG_PRODUCER, "producer", "retry %d: %s",
             b->attempts, why);
    b->retry_at_ms = now + backoff(p, b->attempts);
    sc_acc_requeue(pq, b);
    if (p->idempotent)
        pq->resync = true;
    if (leader_err(err))
        sc_mdr_refresh(c->mdr);
}

static const sp_produce_resp_partition *
find_part(const sp_produce_resp *r, const sc_batch *b, int16_t version)
{
    int32_t i, j;

    for (i = 0; i < r->responses.count; i++) {
        const sp_produce_resp_topic *t = &r->responses.items[i];
        bool match = version >= 13
            ? memcmp(t->topic_id.b, b->pq->t->id.b, 16) == 0
            : (t->name.len == (int32_t)b->pq->t->namelen &&
               memcmp(t->name.ptr, b->pq->t->name, b->pq->t->namelen) == 0);
        if (!match)
            continue;
        for (j = 0; j < t->partition_responses.count; j++)
            if (t->partition_responses.items[j].index == b->pq->partition)
                return &t->partition_responses.items[j];
    }
    return NULL;
}

static void produce_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_preq *q = opaque;
    sc_producer *p = q->p;
    samsa_client *c = p->c;
    sc_node_inflight *ni = node_slot(p, q->node);
    sp_produce_resp r;
    sp_arena arena;
    int i;

    if (ni && ni->n > 0)
        ni->n--;
    p->reqs_inflight--;
    sp_arena_init(&arena, c->alloc, PRODUCE_ARENA_MAX);
    if (err == 0 && p->acks != 0) {
        err = sp_schema_decode(&sp_msg_produce_resp, q->version, &r, &arena,
                               body, len);
        if (err)
            err = SAMSA_ERR_PROTOCOL;
    }
    for (i = 0; i < q->n; i++) {
        sc_batch *b = q->b[i];
        if (err) {
            const char *es = "";
            if (err != SAMSA_ERR_DESTROYED)
                sc_brokers_last_error(c->brokers, &es);
            batch_done(p, b, err, es, -1, -1);
        } else if (p->acks == 0) {
            batch_done(p, b, 0, NULL, -1, -1);
        } else {
            const sp_produce_resp_partition *rp = find_part(&r, b, q->version);
            char em[200] = "";
            if (!rp) {
                batch_done(p, b, SAMSA_ERR_PROTOCOL,
                           "partition missing from the Produce response", -1, -1);
                continue;
            }
            if (rp->error_message.len > 0)
                snprintf(em, sizeof em, "%.*s", (int)rp->error_message.len,
                         rp->error_message.ptr);
            if (rp->error_code && rp->current_leader &&
                sc_md_update_leader(&c->md, b->pq->t->name, b->pq->t->namelen,
                                    b->pq->partition,
                                    rp->current_leader->leader_id,
                                    rp->current_leader->leader_epoch))
                sc_debug(&c->log, SC_DBG_PRODUCER, "producer",
                         "%s [%d]: new leader %d from the Produce answer",
                         b->pq->t->name, (int)b->pq->partition,
                         (int)rp->current_leader->leader_id);
            batch_done(p, b, rp->error_code, em, rp->base_offset,
                       rp->log_append_time_ms);
        }
    }
    sp_arena_free(&arena);
    sp_writer_free(&q->glue);
    sp_free(c->alloc, q);
    if (!c->closing)
        sc_producer_kick(p);
}

/* Send batches b[0..n) (grouped by topic) to node. */
static void send_node(sc_producer *p, int32_t node, sn_conn *conn,
                      sc_batch **b, int n)
{
    samsa_client *c = p->c;
    sc_node_inflight *ni = node_slot(p, node);
    sc_produce_part parts[MAX_PER_REQ];
    sc_piece pieces[SC_PRODUCE_PIECES(MAX_PER_REQ)];
    sn_seg segs[SC_PRODUCE_PIECES(MAX_PER_REQ)];
    size_t npieces = 0, k;
    sn_request sr;
    sc_preq *q;
    int16_t v;
    int i, rc;

    if (sn_conn_api_version(conn, SP_PRODUCE_KEY, &v) != 0)
        v = -1;
    q = sp_alloc(c->alloc, sizeof *q + (size_t)n * sizeof(sc_batch *));
    if (!q || v < 0 || !ni) {
        rc = v < 0 ? SAMSA_ERR_NO_COMMON_VERSION : SAMSA_ERR_NO_MEMORY;
        if (q)
            sp_writer_init(&q->glue, c->alloc, 1);
        goto fail;
    }
    q->p = p;
    q->node = node;
    q->version = v;
    q->n = n;
    sp_writer_init(&q->glue, c->alloc, (size_t)64 << 20);
    for (i = 0; i < n; i++) {
        sc_batch *x = b[i];
        if (x->order == 0)
            x->order = ++x->pq->next_order;
        if (p->idempotent) {
            if (x->base_seq < 0) {
                x->base_seq = x->pq->next_seq;
                x->pq->next_seq = sc_seq_add(x->pq->next_seq, x->n);
            }
            sp_batch_restamp(x->w.buf, x->w.len, p->pid, p->epoch,
                             x->base_seq);
        }
        q->b[i] = x;
        /* batches arrive grouped by topic (see collect order) */
        parts[i].topic = x->pq->t->name;
        parts[i].topic_len = x->pq->t->namelen;
        parts[i].topic_id = &x->pq->t->id;
        parts[i].partition = x->pq->partition;
        parts[i].records = x->w.buf;
        parts[i].len = x->w.len;
    }
    rc = sc_produce_encode(&q->glue, pieces, &npieces, v, p->acks,
                           (int32_t)p->request_timeout_ms, parts, (size_t)n);
    if (rc)
        goto fail;
    for (k = 0; k < npieces; k++) {
        segs[k].ptr = pieces[k].ptr ? pieces[k].ptr
                                    : q->glue.buf + pieces[k].off;
        segs[k].len = pieces[k].len;
    }
    memset(&sr, 0, sizeof sr);
    sr.api_key = SP_PRODUCE_KEY;
    sr.api_version = v;
    sr.segs = segs;
    sr.nsegs = npieces;
    sr.flags = p->acks == 0 ? SN_REQ_NO_RESPONSE : 0;
    sr.cb = produce_cb;
    sr.opaque = q;
    rc = sn_conn_send(conn, &sr);
    if (rc)
        goto fail;
    ni->n++;
    p->reqs_inflight++;
    sc_debug(&c->log, SC_DBG_PRODUCER, "producer",
             "Produce v%d to node %d: %d batch(es)", (int)v, (int)node, n);
    return;
fail:
    if (q)
        sp_writer_free(&q->glue);
    sp_free(c->alloc, q);
    for (i = 0; i < n; i++) /* not sent (inflight was counted): a failed attempt */
        batch_done(p, b[i], rc, "could not queue the Produce request", -1, -1);
}

/* Fail queued batches past their deadline. */
static void expire(sc_producer *p, int64_t now, int64_t *wake)
{
    size_t ti;
    int32_t i;

    for (ti = 0; ti < p->ntopics; ti++) {
        sc_ptopic *t = p->tlist[ti];
        for (i = 0; i < t->npqs; i++) {
            sc_pq *pq = t->pqs[i];
            sc_batch **pp = &pq->head, *b;
            if (!pq)
                continue;
            while ((b = *pp) != NULL) {
                if (b->deadline_ms <= now) {
                    char msg[300];
                    *pp = b->next;
                    if (pq->open == b)
                        pq->open = NULL;
                    if (pq->tail == b) {
                        sc_batch *x = pq->head;
                        while (x && x->next)
                            x = x->next;
                        pq->tail = x;
                    }
                    b->next = NULL;
                    snprintf(msg, sizeof msg,
                             "%s [%d]: not delivered within delivery.timeout.ms"
                             " (%d attempt(s)%s%s)", t->name, (int)i,
                             b->attempts, b->last_err ? ", last error " : "",
                             b->last_err ? samsa_err_name(b->last_err) : "");
                    if (p->idempotent && b->base_seq >= 0)
                        sc_idem_need_bump(p, msg);
                    sc_producer_report_batch(p, b, SAMSA_ERR_MSG_TIMED_OUT,
                                             msg, -1, -1);
                    continue;
                }
                if (b->deadline_ms < *wake)
                    *wake = b->deadline_ms;
                pp = &b->next;
            }
        }
    }
}

/* May pq send its head now (in-flight and resync rules)? */
static bool pq_may_send(const sc_producer *p, const sc_pq *pq, int64_t now)
{
    if (p->idempotent) {
        /* one at a time while retrying or before the first ack (see
         * producer_int.h); up to 5 otherwise */
        bool fresh = !pq->acked_any || now - pq->acked_ms > SC_IDEM_FRESH_MS;
        if ((pq->resync || fresh) && pq->inflight > 0)
            return false;
        return pq->inflight < 5;
    }
    return pq->inflight < p->max_inflight;
}

/* The READY connection of node with room for one more request, or NULL. */
static sn_conn *node_conn(sc_producer *p, int32_t node, bool *need_md)
{
    sc_node_inflight *ni = node_slot(p, node);
    sn_conn *conn = sc_brokers_conn(p->c->brokers, node);

    if (!conn)
        *need_md = true; /* leader not in the broker list */
    if (!ni || !conn || sn_conn_get_state(conn) != SN_CONN_READY ||
        ni->n >= p->max_inflight)
        return NULL; /* an UP event or a response kicks the sender again */
    return conn;
}

/*
 * One pass: the first partition with a ready head and a usable leader
 * picks the node; then every other ready head led by that node joins, at
 * most one batch per partition, within message.max.bytes. Returns the
 * number collected into coll (0: nothing more to send this run).
 */
static int collect(sc_producer *p, int64_t now, int64_t *wake, bool *need_md,
                   sc_batch **coll, int32_t *node_out, sn_conn **conn_out)
{
    samsa_client *c = p->c;
    int32_t node = -1, i;
    size_t ti, bytes = 0;
    int n = 0;

    for (ti = 0; ti < p->ntopics; ti++) {
        sc_ptopic *t = p->tlist[ti];
        const sc_topic_md *tm;
        if (!t->known || t->npqs == 0)
            continue;
        tm = sc_md_topic(&c->md, t->name, t->namelen);
        if (!tm)
            continue;
        for (i = 0; i < t->npqs && i < tm->npartitions; i++) {
            sc_pq *pq = t->pqs[i];
            int32_t leader = tm->parts[i].leader;
            sc_batch *b;
            if (!pq || !pq->head)
                continue;
            if (leader < 0) {
                *need_md = true; /* no leader yet: the refresher paces it */
                continue;
            }
            if ((node >= 0 && leader != node) || !pq_may_send(p, pq, now))
                continue;
            b = sc_acc_ready(p, pq, now, wake);
            if (!b)
                continue;
            if (node < 0) {
                *conn_out = node_conn(p, leader, need_md);
                if (!*conn_out)
                    continue;
                node = leader;
            }
            if (n == MAX_PER_REQ ||
                (n > 0 && bytes + b->w.len > (size_t)p->msg_max))
                continue;
            sc_acc_pop(pq);
            pq->inflight++;
            coll[n++] = b;
            bytes += b->w.len;
        }
    }
    *node_out = node;
    return n;
}

/* Earliest linger or retry deadline of a partition head; notes topics
 * whose records wait for metadata. A head whose linger has passed and
 * that this pass did not send waits for what kicks the sender (a
 * response freeing an in-flight slot, a connection coming up, metadata),
 * as a full batch does: counting its past deadline would run the sender
 * again at once, over and over, until then. */
static int64_t next_wake(sc_producer *p, int64_t now, int64_t wake,
                         bool *need_md)
{
    size_t ti;
    int32_t i;

    for (ti = 0; ti < p->ntopics; ti++) {
        sc_ptopic *t = p->tlist[ti];
        if (!t->known && t->pending.len > 0)
            *need_md = true;
        for (i = 0; i < t->npqs; i++) {
            const sc_batch *h = t->pqs[i] ? t->pqs[i]->head : NULL;
            if (!h)
                continue;
            if (!h->closed && h->created_ms + p->linger_ms > now &&
                h->created_ms + p->linger_ms < wake)
                wake = h->created_ms + p->linger_ms;
            if (h->retry_at_ms > now && h->retry_at_ms < wake)
                wake = h->retry_at_ms;
        }
    }
    return wake;
}

void sc_sender_run(sc_producer *p)
{
    samsa_client *c = p->c;
    int64_t now = sn_loop_now_update(c->loop);
    int64_t wake = INT64_MAX;
    sc_batch *coll[MAX_PER_REQ];
    bool need_md = false;
    int k;

    p->kick = false;
    if (c->closing)
        return;
    expire(p, now, &wake);
    sc_producer_expire_pending(p, now, &wake);
    if (!p->fatal && sc_idem_ready(p)) {
        /* one request per pass; each pass sends at least one batch */
        for (k = 0; k < 1000; k++) {
            int32_t node;
            sn_conn *conn = NULL;
            int n = collect(p, now, &wake, &need_md, coll, &node, &conn);
            if (n == 0)
                break;
            send_node(p, node, conn, coll, n);
        }
    }
    if (p->pid_retry_at > now && p->pid_retry_at < wake)
        wake = p->pid_retry_at;
    wake = next_wake(p, now, wake, &need_md);
    if (need_md)
        sc_mdr_refresh(c->mdr);
    sn_timer_stop(&p->timer);
    if (p->kick) /* kicked while running: run again at once */
        sn_timer_start(&p->timer, 0);
    else if (wake != INT64_MAX)
        sn_timer_start(&p->timer, wake > now ? wake - now : 0);
}
