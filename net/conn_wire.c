/*
 * net/conn_wire.c - a connection's bytes: requests framed into one output
 * buffer (in-flight window, compaction under load), partial writes, and
 * responses read size-first into one buffer per frame and routed in order
 * to the oldest request in flight. See conn.h for the contract.
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

/* ---- writing ---- */

static void complete_written(sn_conn *c)
{
    sn_req *r;

    while (!c->dead && (r = c->noresp.head) && r->wire_end <= c->out_off) {
        sn_req_list_unlink(&c->noresp, r);
        sn_conn_complete(c, r, 0, NULL, 0);
    }
}

/* Write what is queued; false when the connection failed. */
bool sn_conn_flush(sn_conn *c)
{
    while (c->out_off < c->out.len) {
        ssize_t n = c->tp->ops->write(c->tp, c->out.buf + c->out_off,
                                      c->out.len - c->out_off);
        if (n > 0) {
            c->out_off += (size_t)n;
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
    if (c->out.cap > SN_CONN_OUT_KEEP)
        sp_writer_free(&c->out);
    else
        sp_writer_reset(&c->out);
    c->out_off = 0;
    return sn_conn_watch(c, SN_IO_READ) == 0;
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

/* Drop the written prefix of the out buffer once it is at least half of
 * it, so a backlog under steady load does not grow the buffer for ever.
 * The unwritten bytes keep their content (TLS retries them, moved). */
static void compact(sn_conn *c)
{
    size_t off = c->out_off;
    sn_req *r;

    if (off == 0 || off < c->out.len - off)
        return;
    memmove(c->out.buf, c->out.buf + off, c->out.len - off);
    c->out.len -= off;
    c->out_off = 0;
    for (r = c->noresp.head; r; r = r->next)
        r->wire_end = r->wire_end > off ? r->wire_end - off : 0;
}

/* Frame queued requests into the out buffer up to the in-flight limit
 * (requests awaiting an answer plus no-response ones not yet written). */
void sn_conn_transmit(sn_conn *c)
{
    bool wrote = false;
    sn_req *r;

    if (c->state < SN_CONN_APIVERSIONS || !c->tp)
        return;
    compact(c);
    while (!c->dead && (r = c->queued.head)) {
        bool resp = !(r->flags & SN_REQ_NO_RESPONSE);
        size_t frame;
        int hv;

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
        frame = sp_frame_begin(&c->out);
        sp_write_request_header(&c->out, hv, r->key, r->version, r->corr,
                                c->cfg.client_id);
        sp_write_raw(&c->out, r->body, r->body_len);
        sp_frame_end(&c->out, frame);
        if (c->out.err) {
            int err = c->out.err;

            sn_req_list_push_front(&c->queued, r);
            sn_conn_fail(c, err, SN_CONN_EV_DOWN,
                         "%s:%d: cannot buffer a request: %s", c->host,
                         c->port, samsa_err_str(err));
            return;
        }
        sp_free(c->alloc, r->body);
        r->body = NULL;
        r->body_len = 0;
        r->wire_end = c->out.len;
        sn_req_list_push(resp ? &c->inflight : &c->noresp, r);
        wrote = true;
    }
    if (wrote && !c->dead)
        sn_conn_flush(c);
}

/* ---- reading ---- */

/* A complete frame (ownership of buf taken). */
static void handle_frame(sn_conn *c, uint8_t *buf, size_t size)
{
    sn_req *r = c->inflight.head;
    sp_reader rd;
    int32_t corr;
    int hv;

    sp_reader_init(&rd, buf, size);
    corr = (int32_t)be32(buf);
    if (!r || r->corr != corr) {
        sp_free(c->alloc, buf);
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
        sp_free(c->alloc, buf);
        sn_conn_fail(c, SAMSA_ERR_PROTOCOL, SN_CONN_EV_DOWN,
                     "%s:%d: malformed response header (correlation id %d)",
                     c->host, c->port, corr);
        return;
    }
    sn_req_list_unlink(&c->inflight, r);
    sn_conn_complete(c, r, 0, rd.p, sp_reader_left(&rd));
    sp_free(c->alloc, buf);
}

/* Read what the transport has; false when the connection failed. */
bool sn_conn_read_frames(sn_conn *c)
{
    for (;;) {
        ssize_t n;

        if (c->in_hdr_have < 4) {
            n = c->tp->ops->read(c->tp, c->in_hdr + c->in_hdr_have,
                                 4 - c->in_hdr_have);
        } else {
            n = c->tp->ops->read(c->tp, c->in_buf + c->in_have,
                                 c->in_size - c->in_have);
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
            if (c->in_hdr_have < 4)
                continue;
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
            c->in_buf = sp_alloc(c->alloc, (size_t)size);
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

            c->in_buf = NULL;
            c->in_hdr_have = c->in_size = c->in_have = 0;
            handle_frame(c, buf, size);
            if (c->dead || c->state == SN_CONN_DOWN)
                return false;
            sn_conn_transmit(c); /* an in-flight slot is free */
            if (c->dead || c->state == SN_CONN_DOWN)
                return false;
        }
    }
}
