/* client/idempotence.c - producer id, epoch bumps (KIP-360) and sequence
 * resets; see producer_int.h. */
#include <stdio.h>
#include <string.h>

#include "producer_int.h"
#include "alloc.h"
#include "arena.h"
#include "brokers.h"
#include "msg_init_producer_id.h"
#include "schema.h"

#define INIT_PID_KEY 22

typedef struct pid_req {
    sc_producer *p;
    int16_t version;
} pid_req;

/* New id or epoch: every partition restarts at sequence 0. */
static void reset_sequences(sc_producer *p)
{
    size_t ti;
    int32_t i;

    for (ti = 0; ti < p->ntopics; ti++) {
        sc_ptopic *t = p->tlist[ti];
        for (i = 0; i < t->npqs; i++) {
            sc_pq *pq = t->pqs[i];
            sc_batch *b;
            if (!pq)
                continue;
            pq->next_seq = 0;
            pq->acked_next = 0;
            pq->acked_any = false;
            pq->resync = false;
            for (b = pq->head; b; b = b->next)
                b->base_seq = -1;
        }
    }
}

static void pid_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    pid_req *q = opaque;
    sc_producer *p = q->p;
    samsa_client *c = p->c;
    sp_init_producer_id_resp r;
    sp_arena arena;
    int16_t v = q->version;

    sp_free(c->alloc, q);
    p->pid_state = SC_PID_NONE;
    if (c->closing)
        return;
    if (err == 0) {
        sp_arena_init(&arena, c->alloc, 1u << 16);
        err = sp_schema_decode(&sp_msg_init_producer_id_resp, v, &r, &arena,
                               body, len);
        sp_arena_free(&arena);
        if (err == 0)
            err = r.error_code;
    }
    if (err == 0) {
        sc_debug(&c->log, SC_DBG_PRODUCER, "producer",
                 "producer id %lld epoch %d%s", (long long)r.producer_id,
                 (int)r.producer_epoch, p->bump_needed ? " (bumped)" : "");
        p->pid = r.producer_id;
        p->epoch = r.producer_epoch;
        p->pid_state = SC_PID_READY;
        p->bump_needed = false;
        p->pid_failures = 0;
        reset_sequences(p);
        sc_producer_kick(p);
        return;
    }
    if (err == SAMSA_ERR_CLUSTER_AUTHORIZATION_FAILED ||
        err == SAMSA_ERR_PRODUCER_FENCED ||
        err == SAMSA_ERR_INVALID_PRODUCER_EPOCH ||
        err == SAMSA_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED) {
        char msg[200];
        snprintf(msg, sizeof msg, "InitProducerId: %s", samsa_err_name(err));
        sc_producer_set_fatal(p, err, msg);
        return;
    }
    /* retriable (coordinator loading, connection lost, ...) */
    p->pid_failures++;
    {
        int64_t b = p->retry_backoff_ms << (p->pid_failures < 10 ? p->pid_failures - 1 : 9);
        if (b > p->retry_backoff_max_ms)
            b = p->retry_backoff_max_ms;
        p->pid_retry_at = sn_loop_now(c->loop) + b;
    }
    sc_debug(&c->log, SC_DBG_PRODUCER, "producer", "InitProducerId failed: %s",
             samsa_err_name(err));
    sc_producer_kick(p);
}

static void request_pid(sc_producer *p)
{
    samsa_client *c = p->c;
    sp_init_producer_id_req req;
    sn_request sr;
    sp_writer w;
    sn_conn *conn;
    pid_req *q;
    int16_t v;
    int rc;

    if (p->pid_retry_at > sn_loop_now(c->loop))
        return;
    conn = sc_brokers_any_ready(c->brokers);
    if (!conn)
        return; /* an UP event kicks the sender again */
    if (sn_conn_api_version(conn, INIT_PID_KEY, &v) != 0) {
        sc_producer_set_fatal(p, SAMSA_ERR_NO_COMMON_VERSION,
                              "the broker does not support InitProducerId "
                              "(set enable.idempotence=false)");
        return;
    }
    memset(&req, 0, sizeof req);
    req.transactional_id.len = -1;
    req.transaction_timeout_ms = (int32_t)sc_conf_int(c->conf, SC_TRANSACTION_TIMEOUT_MS);
    req.producer_id = -1;
    req.producer_epoch = -1;
    if (p->bump_needed && p->pid >= 0 && v >= 3) {
        req.producer_id = p->pid;
        req.producer_epoch = p->epoch;
    }
    q = sp_alloc(c->alloc, sizeof *q);
    if (!q)
        return;
    q->p = p;
    q->version = v;
    sp_writer_init(&w, c->alloc, 1u << 16);
    rc = sp_schema_encode(&w, &sp_msg_init_producer_id_req, v, &req);
    if (rc == 0 && w.err)
        rc = w.err;
    memset(&sr, 0, sizeof sr);
    sr.api_key = INIT_PID_KEY;
    sr.api_version = v;
    sr.body = w.buf;
    sr.body_len = w.len;
    sr.cb = pid_cb;
    sr.opaque = q;
    if (rc == 0)
        rc = sn_conn_send(conn, &sr);
    sp_writer_free(&w);
    if (rc) {
        sp_free(c->alloc, q);
        p->pid_failures++;
        p->pid_retry_at = sn_loop_now(c->loop) + p->retry_backoff_ms;
        return;
    }
    p->pid_state = SC_PID_REQUESTING;
}

bool sc_idem_ready(sc_producer *p)
{
    if (!p->idempotent)
        return true;
    if (p->pid_state == SC_PID_REQUESTING)
        return false;
    if (p->pid_state == SC_PID_READY && !p->bump_needed)
        return true;
    /* a bump waits until nothing is in flight */
    if (p->bump_needed && p->reqs_inflight > 0)
        return false;
    request_pid(p);
    return false;
}

void sc_idem_need_bump(sc_producer *p, const char *why)
{
    if (!p->bump_needed)
        sc_log(&p->c->log, SAMSA_LOG_WARNING, "producer",
               "bumping the producer epoch: %s", why);
    p->bump_needed = true;
}
