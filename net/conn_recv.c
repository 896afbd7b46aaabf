/*
 * net/conn_recv.c - a connection's incoming bytes: responses read
 * size-first into one buffer per frame (net's own, or the request's
 * frame_alloc: then the buffer goes to the response callback, no copy)
 * and routed in order to the oldest request in flight. Loop thread only.
 * See conn.h for the contract.
 */
#define _GNU_SOURCE
#include <string.h>

#include "alloc.h"
#include "api.h"
#include "conn_internal.h"
#include "header.h"
#include "reader.h"
#include "samsa/error.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void frame_free(sn_conn *c, uint8_t *buf, sn_frame_free_fn ff)
{
    if (ff)
        ff(buf);
    else
        sp_free(c->alloc, buf);
}

void sn_conn_in_release(sn_conn *c)
{
    if (c->in_buf)
        frame_free(c, c->in_buf, c->in_free);
    c->in_buf = NULL;
    c->in_free = NULL;
    c->in_req = NULL;
    c->in_hdr_have = c->in_size = c->in_have = 0;
}

/* A complete frame (ownership of buf taken; ff: its requester's free, or
 * NULL for net's own; owner: the request it was allocated for). */
static void handle_frame(sn_conn *c, uint8_t *buf, size_t size,
                         sn_frame_free_fn ff, const sn_req *owner)
{
    sn_req *r = c->inflight.head;
    sp_reader rd;
    int32_t corr;
    int hv;

    sp_reader_init(&rd, buf, size);
    corr = (int32_t)be32(buf);
    if (!r || r->corr != corr || (ff && owner != r)) {
        frame_free(c, buf, ff);
        if (r)
            sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                         "%s:%d: response correlation id %d does not match "
                         "the oldest request in flight (%d)",
                         c->host, c->port, corr, r->corr);
        else
            sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                         "%s:%d: response (correlation id %d) with no "
                         "request in flight", c->host, c->port, corr);
        return;
    }
    hv = sp_api_response_header_version(r->key, r->version);
    if (sp_read_response_header(&rd, hv, &corr) != 0) {
        frame_free(c, buf, ff);
        sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                     "%s:%d: malformed response header (correlation id %d)",
                     c->host, c->port, corr);
        return;
    }
    sn_req_list_unlink(&c->inflight, r);
    sn_conn_complete(c, r, 0, rd.p, sp_reader_left(&rd));
    if (!ff)
        sp_free(c->alloc, buf); /* else the callback's now */
}

/* Read what the transport has; false when the connection failed. */
bool sn_conn_read_frames(sn_conn *c)
{
    /* plain TCP: a short read drained the socket, so stop without the
     * read that would only say EAGAIN (the loop polls level-triggered;
     * TLS may hold bytes the fd does not signal, so it reads on) */
    bool plain = c->tp->ops->name[0] == 'p';

    for (;;) {
        ssize_t n;
        size_t want;

        if (c->in_hdr_have < 4) {
            want = 4 - c->in_hdr_have;
            n = c->tp->ops->read(c->tp, c->in_hdr + c->in_hdr_have, want);
        } else {
            want = c->in_size - c->in_have;
            n = c->tp->ops->read(c->tp, c->in_buf + c->in_have, want);
        }
        if (n == SN_WANT_READ || n == SN_WANT_WRITE)
            return true;
        if (n == 0) {
            sn_conn_fail(c, SAMSA_ERR_TRANSPORT, SN_CONN_EV_DOWN,
                         "%s:%d: connection closed by the broker%s",
                         c->host, c->port,
                         c->in_hdr_have || c->in_have ? " mid-response" : "");
            return false;
        }
        if (n < 0) {
            sn_conn_fail(c, (int)n == SAMSA_ERR_TLS ? SAMSA_ERR_TLS
                                                    : SAMSA_ERR_TRANSPORT,
                         SN_CONN_EV_DOWN, "%s:%d: read failed: %s", c->host,
                         c->port, c->tp->errstr);
            return false;
        }
        if (c->in_hdr_have < 4) {
            int32_t size;

            c->in_hdr_have += (size_t)n;
            if (c->in_hdr_have < 4) {
                if (plain)
                    return true;
                continue;
            }
            size = (int32_t)be32(c->in_hdr);
            if (size < 0 || size > c->cfg.receive_max_bytes) {
                sn_conn_fail(c, size < 0 ? SAMSA_ERR_PROTOCOL
                                         : SAMSA_ERR_FRAME_TOO_LARGE,
                             SN_CONN_EV_DOWN,
                             "%s:%d: response frame size %d is %s "
                             "(receive.message.max.bytes %d)",
                             c->host, c->port, size,
                             size < 0 ? "negative" : "over the limit",
                             (int)c->cfg.receive_max_bytes);
                return false;
            }
            if (size < 4) {
                sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                             "%s:%d: response frame of %d bytes has no "
                             "correlation id", c->host, c->port, size);
                return false;
            }
            {
                const sn_req *r = c->inflight.head;

                if (r && r->frame_alloc) {
                    c->in_buf = r->frame_alloc(r->opaque, (size_t)size);
                    c->in_free = r->frame_free;
                    c->in_req = r;
                } else {
                    c->in_buf = sp_alloc(c->alloc, (size_t)size);
                }
            }
            if (!c->in_buf) {
                sn_conn_fail(c, SAMSA_ERR_NO_MEMORY, SN_CONN_EV_DOWN,
                             "%s:%d: no memory for a %d-byte response",
                             c->host, c->port, size);
                return false;
            }
            c->in_size = (size_t)size;
            c->in_have = 0;
            continue;
        }
        c->in_have += (size_t)n;
        if (c->in_have == c->in_size) {
            uint8_t *buf = c->in_buf;
            size_t size = c->in_size;
            sn_frame_free_fn ff = c->in_free;
            const sn_req *owner = c->in_req;

            c->in_buf = NULL;
            c->in_free = NULL;
            c->in_req = NULL;
            c->in_hdr_have = c->in_size = c->in_have = 0;
            handle_frame(c, buf, size, ff, owner);
            if (c->dead || c->state == SN_CONN_DOWN)
                return false;
            sn_conn_transmit(c); /* an in-flight slot is free */
            if (c->dead || c->state == SN_CONN_DOWN)
                return false;
            continue;
        }
        if (plain && (size_t)n < want)
            return true;
    }
}
