/* client/admin_req.c - see admin_req.h.
 *
 * The op lives on the heap: a caller that times out marks it abandoned
 * (under c->mu) and the response callback, which always comes (answer,
 * request timeout, or SAMSA_ERR_DESTROYED when the connections go), frees
 * it then. */
#include <stdio.h>
#include <string.h>

#include "admin_req.h"
#include "alloc.h"
#include "brokers.h"
#include "metadata_refresh.h"

#define AREQ_POLL_MS 20
#define AREQ_RESEND_MS 100

typedef struct areq_op {
    samsa_client *c;
    sc_areq req;
    int16_t version;
    int send_timeout_ms;
    /* under mu */
    bool done;
    bool abandoned;
    int err;
    char errstr[256];
} areq_op;

static void areq_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    areq_op *op = opaque;
    samsa_client *c = op->c;

    pthread_mutex_lock(&c->mu);
    if (op->abandoned) {
        pthread_mutex_unlock(&c->mu);
        sp_free(c->alloc, op);
        return;
    }
    op->errstr[0] = '\0';
    if (err == 0) {
        op->err = op->req.decode(op->req.decode_arg, op->version, body, len,
                                 op->errstr, sizeof op->errstr);
    } else {
        op->err = err;
        snprintf(op->errstr, sizeof op->errstr, "%s", samsa_err_str(err));
    }
    op->done = true;
    sc_client_signal_locked(c);
    pthread_mutex_unlock(&c->mu);
}

/* Loop thread: 0 sent, 1 no connection ready yet, < 0 failed. */
static int areq_try(void *arg)
{
    areq_op *op = arg;
    samsa_client *c = op->c;
    sn_conn *conn;
    sn_request sr;
    int rc;

    if (c->closing)
        return SAMSA_ERR_DESTROYED;
    if (op->req.node_id == SC_AREQ_ANY) {
        conn = sc_brokers_any_ready(c->brokers);
    } else {
        conn = sc_brokers_conn(c->brokers, op->req.node_id);
        if (!conn) {
            sc_mdr_refresh(c->mdr); /* learn the node's address */
            return 1;
        }
        if (sn_conn_get_state(conn) != SN_CONN_READY)
            conn = NULL;
    }
    if (!conn)
        return 1;
    rc = sn_conn_api_version(conn, op->req.api_key, &op->version);
    if (rc)
        return SAMSA_ERR_NOT_SUPPORTED;
    if (op->req.max_version >= 0 && op->version > op->req.max_version)
        op->version = op->req.max_version;
    memset(&sr, 0, sizeof sr);
    sr.api_key = op->req.api_key;
    sr.api_version = op->version;
    sr.encode = op->req.encode;
    sr.encode_arg = op->req.encode_arg;
    sr.timeout_ms = op->send_timeout_ms;
    sr.cb = areq_cb;
    sr.opaque = op;
    return sn_conn_send(conn, &sr);
}

static bool areq_done(void *arg)
{
    return ((areq_op *)arg)->done;
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

static bool transient(int err)
{
    return err == SAMSA_ERR_TRANSPORT || err == SAMSA_ERR_CONNECT ||
           err == SAMSA_ERR_RESOLVE || err == SAMSA_ERR_TIMED_OUT ||
           err == SAMSA_ERR_REQUEST_TIMED_OUT;
}

int sc_areq_run(samsa_client *c, const sc_areq *req, int timeout_ms)
{
    areq_op *op;
    int64_t deadline, left;
    int rc;

    if (!c || !req || !req->encode || !req->decode)
        return SAMSA_ERR_INVALID_ARG;
    if (c->in_callback && sc_client_on_loop(c))
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "admin call from inside a callback");
    if (timeout_ms < 0)
        timeout_ms = INT32_MAX / 2;
    op = sp_calloc(c->alloc, 1, sizeof *op);
    if (!op)
        return SAMSA_ERR_NO_MEMORY;
    op->c = c;
    op->req = *req;
    deadline = sc_mono_ms() + timeout_ms;
    for (;;) {
        left = deadline - sc_mono_ms();
        if (left <= 0) {
            const char *es = "";
            int le = sc_brokers_last_error(c->brokers, &es);
            sp_free(c->alloc, op);
            return sc_client_fail(c, SAMSA_ERR_TIMED_OUT,
                                  "no answer within %d ms%s%s", timeout_ms,
                                  le ? ": " : "", le ? es : "");
        }
        op->send_timeout_ms = left > 1 ? (int)left : 1;
        op->done = false;
        rc = sc_client_call(c, areq_try, op);
        if (rc < 0) {
            sp_free(c->alloc, op);
            return sc_client_fail(c, rc, "%s", rc == SAMSA_ERR_NOT_SUPPORTED
                                  ? "the broker does not support this request"
                                  : samsa_err_str(rc));
        }
        if (rc == 1) { /* no connection yet: let the loop work a little */
            rc = sc_client_wait(c, never, NULL, left < AREQ_POLL_MS ? (int)left
                                                                  : AREQ_POLL_MS);
            if (rc == SAMSA_ERR_REENTRANT) {
                sp_free(c->alloc, op);
                return sc_client_fail(c, rc, "admin call from inside a callback");
            }
            continue;
        }
        sc_client_wait(c, areq_done, op, (int)left);
        pthread_mutex_lock(&c->mu);
        if (!op->done) {
            op->abandoned = true; /* the callback frees it */
            pthread_mutex_unlock(&c->mu);
            return sc_client_fail(c, SAMSA_ERR_TIMED_OUT,
                                  "no answer within %d ms", timeout_ms);
        }
        pthread_mutex_unlock(&c->mu);
        if (transient(op->err) && deadline - sc_mono_ms() > AREQ_RESEND_MS) {
            sc_client_wait(c, never, NULL, AREQ_RESEND_MS);
            continue;
        }
        break;
    }
    rc = op->err;
    snprintf(c->errstr, sizeof c->errstr, "%s", op->errstr);
    sp_free(c->alloc, op);
    return rc;
}
