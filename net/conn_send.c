/*
 * net/conn_send.c - a connection's outgoing bytes: requests framed in turn
 * (in-flight window) and written from their own buffers. Loop thread only.
 * See conn.h for the contract.
 *
 * Each framed request is on the write queue (c->wq_head, linked by
 * r->wnext) until its last byte is written. Its wire form is its frame
 * buffer (size, request header) followed by its body: the encoded body it
 * owns, or the caller's segments (sn_request.segs), which are never
 * copied. Plain TCP writes the queue with one sendmsg() over up to
 * WQ_IOV pieces of several requests. Other transports (TLS) get each
 * request linearized into its frame buffer when framed (one copy) and are
 * written one buffer at a time, so a write retried after SN_WANT_* is the
 * same bytes at the same address.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "alloc.h"
#include "api.h"
#include "conn_internal.h"
#include "header.h"
#include "reader.h"
#include "samsa/error.h"

#define WQ_IOV 64

static bool gather_capable(const sn_conn *c)
{
    return c->tp && c->tp->ops->name && strcmp(c->tp->ops->name, "plain") == 0;
}

static void complete_written(sn_conn *c)
{
    sn_req *r;

    while (!c->dead && (r = c->noresp.head) && r->written) {
        sn_req_list_unlink(&c->noresp, r);
        sn_conn_complete(c, r, 0, NULL, 0);
    }
}

/* The body's pieces after the frame buffer: (ptr, len) of piece i, false
 * past the last. A linearized request has none. */
static bool body_piece(const sn_req *r, size_t i, const void **p, size_t *len)
{
    if (r->linear)
        return false;
    if (r->nsegs == 0) {
        if (i > 0 || !r->body)
            return false;
        *p = r->body;
        *len = r->body_len;
        return true;
    }
    if (i >= r->nsegs)
        return false;
    *p = r->segs[i].ptr;
    *len = r->segs[i].len;
    return true;
}

/* Fill iov with the unwritten pieces of the queue, from its head. */
static int gather(const sn_conn *c, struct iovec *iov, int max)
{
    const sn_req *r;
    int n = 0;

    for (r = c->wq_head; r && n < max; r = r->wnext) {
        size_t skip = r->wdone, i, len;
        const void *p;

        if (skip < r->frame_len) {
            iov[n].iov_base = r->frame + skip;
            iov[n].iov_len = r->frame_len - skip;
            n++;
            skip = 0;
        } else {
            skip -= r->frame_len;
        }
        for (i = 0; n < max && body_piece(r, i, &p, &len); i++) {
            if (skip >= len) {
                skip -= len;
                continue;
            }
            iov[n].iov_base = (uint8_t *)p + skip;
            iov[n].iov_len = len - skip;
            skip = 0;
            n++;
        }
    }
    return n;
}

/* n bytes were written: move the queue on; fully written requests leave
 * it (their buffers are freed; no-response ones complete later, in
 * complete_written, where callbacks may run). */
static void advance(sn_conn *c, size_t n)
{
    while (n > 0 && c->wq_head) {
        sn_req *r = c->wq_head;
        size_t left = r->wire_len - r->wdone;

        if (n < left) {
            r->wdone += n;
            return;
        }
        n -= left;
        r->wdone = r->wire_len;
        c->wq_head = r->wnext;
        if (!c->wq_head)
            c->wq_tail = NULL;
        r->wnext = NULL;
        r->in_wq = false;
        r->written = true;
        sp_free(c->alloc, r->frame);
        r->frame = NULL;
        sp_free(c->alloc, r->body);
        r->body = NULL;
        sp_free(c->alloc, r->segs);
        r->segs = NULL;
        r->nsegs = 0;
    }
}

/* One write: bytes moved (> 0), SN_WANT_* or an error (< 0). */
static ssize_t write_some(sn_conn *c)
{
    struct iovec iov[WQ_IOV];
    int n;

    if (!gather_capable(c)) {
        const sn_req *r = c->wq_head;
        /* linearized: the frame buffer is the whole request */
        return c->tp->ops->write(c->tp, r->frame + r->wdone,
                                 r->wire_len - r->wdone);
    }
    n = gather(c, iov, WQ_IOV);
    for (;;) {
        struct msghdr m;
        ssize_t w;

        memset(&m, 0, sizeof m);
        m.msg_iov = iov;
        m.msg_iovlen = (size_t)n;
        /* MSG_NOSIGNAL: a closed peer must give EPIPE, not kill us */
        w = sendmsg(c->tp->fd, &m, MSG_NOSIGNAL);
        if (w >= 0)
            return w;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return SN_WANT_WRITE;
        {
            char eb[96];
            snprintf(c->tp->errstr, sizeof c->tp->errstr, "sendmsg: %s",
                     strerror_r(errno, eb, sizeof eb));
        }
        return SAMSA_ERR_TRANSPORT;
    }
}

/* Write what is queued; false when the connection failed. */
bool sn_conn_flush(sn_conn *c)
{
    while (c->wq_head) {
        ssize_t n = write_some(c);

        if (n > 0) {
            advance(c, (size_t)n);
            continue;
        }
        if (n == SN_WANT_WRITE || n == SN_WANT_READ) {
            /* what is fully written completes now, not at the end of a
             * backlog that may never drain completely */
            complete_written(c);
            if (c->dead || c->state == SN_CONN_DOWN)
                return false;
            return sn_conn_watch(c, SN_IO_READ | SN_IO_WRITE) == 0;
        }
        sn_conn_fail(c, SAMSA_ERR_TRANSPORT, SN_CONN_EV_DOWN,
                     "%s:%d: write failed: %s", c->host, c->port,
                     c->tp->errstr);
        return false;
    }
    complete_written(c);
    if (c->dead || c->state == SN_CONN_DOWN)
        return false;
    return sn_conn_watch(c, SN_IO_READ) == 0;
}

bool sn_conn_wq_pending(const sn_conn *c)
{
    return c->wq_head != NULL;
}

void sn_conn_wq_clear(sn_conn *c)
{
    sn_req *r;

    while ((r = c->wq_head)) {
        c->wq_head = r->wnext;
        r->wnext = NULL;
        r->in_wq = false;
    }
    c->wq_tail = NULL;
}

void sn_conn_wq_unlink(sn_conn *c, sn_req *r)
{
    sn_req **pp = &c->wq_head, *prev = NULL;

    while (*pp && *pp != r) {
        prev = *pp;
        pp = &(*pp)->wnext;
    }
    if (*pp) {
        *pp = r->wnext;
        if (c->wq_tail == r)
            c->wq_tail = prev;
    }
    r->wnext = NULL;
    r->in_wq = false;
}

bool sn_conn_broker_supports(sn_conn *c, sn_req *r)
{
    size_t i;

    for (i = 0; i < c->nversions; i++)
        if (c->versions[i].api_key == r->key)
            return r->version >= c->versions[i].min_version &&
                   r->version <= c->versions[i].max_version;
    return false;
}

/* The frame buffer of r: size and request header, plus the whole body
 * when the transport writes one buffer at a time. 0 or an error. */
static int frame(sn_conn *c, sn_req *r, int hv, bool linear)
{
    sp_writer w;
    size_t total, i;

    sp_writer_init(&w, c->alloc, SN_CONN_OUT_MAX);
    sp_write_i32(&w, 0);
    sp_write_request_header(&w, hv, r->key, r->version, r->corr,
                            c->cfg.client_id);
    if (linear) {
        if (r->nsegs == 0 && r->body_len)
            sp_write_raw(&w, r->body, r->body_len);
        for (i = 0; i < r->nsegs; i++)
            if (r->segs[i].len)
                sp_write_raw(&w, r->segs[i].ptr, r->segs[i].len);
    }
    total = w.len + (linear ? 0 : r->body_len);
    if (!w.err && total - 4 > INT32_MAX)
        w.err = SAMSA_ERR_BUFFER_FULL;
    if (w.err) {
        int err = w.err;
        sp_writer_free(&w);
        return err;
    }
    sp_put_u32(w.buf, (uint32_t)(total - 4));
    r->frame = sp_writer_detach(&w, &r->frame_len);
    r->wire_len = total;
    r->wdone = 0;
    r->linear = linear;
    if (linear) {
        /* the bytes are in the frame now: let go of the body early */
        sp_free(c->alloc, r->body);
        r->body = NULL;
        sp_free(c->alloc, r->segs);
        r->segs = NULL;
        r->nsegs = 0;
    }
    return 0;
}

/* Frame queued requests up to the in-flight limit (requests awaiting an
 * answer plus no-response ones not yet written), then write. */
void sn_conn_transmit(sn_conn *c)
{
    bool wrote = false, linear;
    sn_req *r;

    if (c->state < SN_CONN_APIVERSIONS || !c->tp)
        return;
    linear = !gather_capable(c);
    while (!c->dead && (r = c->queued.head)) {
        bool resp = !(r->flags & SN_REQ_NO_RESPONSE);
        int hv, err;

        if (c->state != SN_CONN_READY && !r->internal)
            break;
        if ((int)(c->inflight.n + c->noresp.n) >= c->cfg.max_in_flight)
            break;
        sn_req_list_unlink(&c->queued, r);
        if (!r->internal && !sn_conn_broker_supports(c, r)) {
            sn_conn_complete(c, r, SAMSA_ERR_NO_COMMON_VERSION, NULL, 0);
            continue;
        }
        hv = r->key == SP_API_VERSIONS_KEY
                 ? (r->version >= 3 ? 2 : 1)
                 : sp_api_request_header_version(r->key, r->version);
        r->corr = c->next_corr;
        c->next_corr = c->next_corr == INT32_MAX ? 0 : c->next_corr + 1;
        err = frame(c, r, hv, linear);
        if (err) {
            sn_req_list_push_front(&c->queued, r);
            sn_conn_fail(c, err, SN_CONN_EV_DOWN,
                         "%s:%d: cannot buffer a request: %s", c->host,
                         c->port, samsa_err_str(err));
            return;
        }
        r->in_wq = true;
        r->wnext = NULL;
        if (c->wq_tail)
            c->wq_tail->wnext = r;
        else
            c->wq_head = r;
        c->wq_tail = r;
        sn_req_list_push(resp ? &c->inflight : &c->noresp, r);
        wrote = true;
    }
    if (wrote && !c->dead)
        sn_conn_flush(c);
}
