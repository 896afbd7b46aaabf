/*
 * net/conn.c - connection lifecycle: connect (resolve, every address),
 * failure and backoff, timers, accepting requests; see conn.h. Framing and
 * socket I/O are in conn_send.c and conn_recv.c, the handshakes in conn_setup.c.
 *
 * Reentrancy: every entry from the loop (fd, timers, resolver) holds
 * c->busy; user callbacks run with requests already unlinked, and after
 * each one the code checks c->dead (destroyed from the callback) before
 * touching the connection again.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "alloc.h"
#include "api.h"
#include "backoff.h"
#include "conn_internal.h"
#include "header.h"
#include "reader.h"
#include "samsa/error.h"


static void start_connect(sn_conn *c);

/* ---- small helpers ---- */

static void enter(sn_conn *c)
{
    c->busy++;
}

static void release_memory(sn_conn *c)
{
    sn_conn_config_release(c);
    sp_free(c->alloc, c->host);
    sp_free(c->alloc, c);
}

/* Leave a loop entry point; false when the connection is gone. */
static bool leave(sn_conn *c)
{
    if (--c->busy == 0 && c->dead) {
        release_memory(c);
        return false;
    }
    return !c->dead;
}

static void req_free(sn_conn *c, sn_req *r)
{
    sn_timer_stop(&r->timer);
    if (r->in_wq) /* partly written: the connection is going down */
        sn_conn_wq_unlink(c, r);
    sp_free(c->alloc, r->body);
    sp_free(c->alloc, r->segs);
    sp_free(c->alloc, r->frame);
    sp_free(c->alloc, r);
}

/* Unlinked request: call its callback once, then free it. */
void sn_conn_complete(sn_conn *c, sn_req *r, int err, const uint8_t *body,
                      size_t len)
{
    sn_response_cb cb = r->cb;
    void *opaque = r->opaque;

    req_free(c, r);
    if (cb)
        cb(opaque, err, err ? NULL : body, err ? 0 : len);
}

/* Fail every request of l with err. The list is taken first: requests
 * sent from these callbacks wait for the next connection, and a destroy
 * from a callback leaves the taken ones to this loop (each exactly once). */
static void fail_list(sn_conn *c, sn_req_list *l, int err)
{
    sn_req_list taken = *l;
    sn_req *r;

    l->head = l->tail = NULL;
    l->n = 0;
    while ((r = taken.head)) {
        sn_req_list_unlink(&taken, r);
        sn_conn_complete(c, r, err, NULL, 0);
    }
}

/* ---- tearing down ---- */

/* Close the socket and forget every per-connection state (no callbacks). */
static void close_socket(sn_conn *c)
{
    if (c->resolve) {
        sn_resolve_cancel(c->resolve);
        c->resolve = NULL;
    }
    sn_io_stop(&c->io);
    sn_transport_free(c->tp);
    c->tp = NULL;
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    sn_timer_stop(&c->setup_timer);
    sn_timer_stop(&c->reauth_timer);
    c->reauth = false;
    sp_writer_free(&c->out);
    c->out_off = 0;
    sn_conn_wq_clear(c);
    sn_conn_in_release(c);
    sp_free(c->alloc, c->versions);
    c->versions = NULL;
    c->nversions = 0;
    c->negotiated = false;
    sn_conn_setup_reset(c);
}

/* Take the connection down: state callback with err, then every pending
 * request fails with req_err. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 0)))
#endif
static void fail_v(sn_conn *c, int err, int req_err, sn_conn_event ev,
                   const char *fmt, va_list ap)
{
    sn_conn_state was = c->state;
    int64_t delay;

    if (c->dead || was == SN_CONN_DOWN)
        return;
    vsnprintf(c->errstr, sizeof c->errstr, fmt, ap);
    close_socket(c);
    c->state = SN_CONN_DOWN;
    if (was >= SN_CONN_CONNECTING)
        c->addr_base++;
    if (was == SN_CONN_READY)
        c->failures = 0; /* a working connection dropped: start over */
    delay = sn_backoff_ms(c->cfg.reconnect_backoff_ms,
                          c->cfg.reconnect_backoff_max_ms, c->failures, 20,
                          &c->rng);
    c->failures++;
    c->backoff_until = sn_loop_now_update(c->loop) + delay;
    c->want_connect = false;

    {
        /* take every pending request before any callback runs: requests
         * sent from the callbacks wait for the next connection instead of
         * failing with this drop, and a destroy from a callback leaves the
         * taken ones to this code (each still completes exactly once) */
        sn_req_list a = c->inflight, b = c->noresp, q = c->queued;

        memset(&c->inflight, 0, sizeof c->inflight);
        memset(&c->noresp, 0, sizeof c->noresp);
        memset(&c->queued, 0, sizeof c->queued);
        if (c->cfg.state_cb)
            c->cfg.state_cb(c->cfg.state_opaque, c, ev, err, c->errstr);
        fail_list(c, &a, req_err);
        fail_list(c, &b, req_err);
        fail_list(c, &q, req_err);
    }
    if (c->dead)
        return;
    /* work queued from the callbacks, or the owner asked: reconnect after
     * the backoff */
    if (c->queued.n > 0 || c->want_connect)
        sn_conn_connect(c);
}

void sn_conn_fail(sn_conn *c, int err, sn_conn_event ev, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_v(c, err, err, ev, fmt, ap);
    va_end(ap);
}

/* A request timed out in flight: it already failed with TIMED_OUT; the
 * others on the connection it takes down fail because of the drop. */
static void fail_timed_out(sn_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail_timed_out(sn_conn *c, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fail_v(c, SAMSA_ERR_TIMED_OUT, SAMSA_ERR_TRANSPORT, SN_CONN_EV_DOWN, fmt,
           ap);
    va_end(ap);
}

/* ---- timers ---- */

static void setup_timer_cb(sn_timer *t)
{
    sn_conn *c = t->data;

    enter(c);
    if (c->state == SN_CONN_DOWN) {
        /* end of a backoff */
        start_connect(c);
    } else if (c->state != SN_CONN_READY) {
        sn_conn_fail(c, SAMSA_ERR_TIMED_OUT, SN_CONN_EV_DOWN,
                     "%s:%d: connection setup timed out in state %s",
                     c->host, c->port, sn_conn_state_name(c->state));
    }
    leave(c);
}

/* A request's own timeout. Queued: it just fails. In flight: responses
 * come in order, so one lost answer takes the connection down. */
static void req_timeout_cb(sn_timer *t)
{
    sn_req *r = t->data;
    sn_conn *c = r->conn;
    sn_req_list *l = r->where;
    int16_t key = r->key;
    int32_t corr = r->corr;

    enter(c);
    if (l == &c->queued) {
        sn_req_list_unlink(l, r);
        sn_conn_complete(c, r, SAMSA_ERR_TIMED_OUT, NULL, 0);
    } else if (l == &c->inflight || l == &c->noresp) {
        sn_req_list_unlink(l, r);
        /* its response half read into the requester's buffer: that goes
         * back before the callback, as on a drop (conn.h, frame_alloc) */
        if (c->in_req == r)
            sn_conn_in_release(c);
        sn_conn_complete(c, r, SAMSA_ERR_TIMED_OUT, NULL, 0);
        if (!c->dead)
            fail_timed_out(c,
                           "%s:%d: request (api key %d, correlation id %d) "
                           "timed out; closing the connection",
                           c->host, c->port, key, corr);
    }
    leave(c);
}

/* ---- connecting ---- */

static void set_sockopts(sn_conn *c, int fd)
{
    int one = 1;

    if (c->cfg.nodelay)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (c->cfg.send_buffer_bytes > 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &c->cfg.send_buffer_bytes,
                   sizeof c->cfg.send_buffer_bytes);
    if (c->cfg.receive_buffer_bytes > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &c->cfg.receive_buffer_bytes,
                   sizeof c->cfg.receive_buffer_bytes);
}

static void io_cb(sn_io *io, unsigned events);

int sn_conn_watch(sn_conn *c, unsigned events)
{
    int rc = sn_io_set(&c->io, events);

    if (rc != 0)
        sn_conn_fail(c, rc, SN_CONN_EV_DOWN, "%s:%d: epoll_ctl failed",
                     c->host, c->port);
    return rc;
}

static void addr_str(const sn_addr *a, char *buf, size_t len)
{
    const void *p = NULL;

    if (a->ss.ss_family == AF_INET)
        p = &((const struct sockaddr_in *)&a->ss)->sin_addr;
    else if (a->ss.ss_family == AF_INET6)
        p = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
    if (!p || !inet_ntop(a->ss.ss_family, p, buf, (socklen_t)len))
        snprintf(buf, len, "?");
}

/* Try the addresses not tried yet in this attempt, starting at addr_base
 * (which moves on after every failed attempt, as Java's
 * ClusterConnectionStates does, so a black-holed first address cannot
 * hold the connection forever); after the last one the attempt fails. */
static void try_next_addr(sn_conn *c, int last_errno)
{
    char ip[64] = "";

    while (c->addr_i < c->naddrs) {
        const sn_addr *a = &c->addrs[(c->addr_base + c->addr_i) % c->naddrs];
        int fd;

        addr_str(a, ip, sizeof ip);
        fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            last_errno = errno;
            c->addr_i++;
            continue;
        }
        set_sockopts(c, fd);
        if (connect(fd, (const struct sockaddr *)&a->ss, a->len) == 0 ||
            errno == EINPROGRESS) {
            c->fd = fd;
            sn_io_init(&c->io, c->loop, fd, io_cb, c);
            c->state = SN_CONN_CONNECTING;
            sn_conn_watch(c, SN_IO_WRITE);
            return;
        }
        last_errno = errno;
        close(fd);
        c->addr_i++;
    }
    {
        char eb[96];
        sn_conn_fail(c, SAMSA_ERR_CONNECT, SN_CONN_EV_DOWN,
                     "connect to %s:%d%s%s%s failed: %s", c->host, c->port,
                     ip[0] ? " (" : "", ip, ip[0] ? ")" : "",
                     strerror_r(last_errno, eb, sizeof eb));
    }
}

static void on_connected(sn_conn *c)
{
    int soerr = 0;
    socklen_t sl = sizeof soerr;

    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
        soerr = errno;
    if (soerr != 0) {
        sn_io_stop(&c->io);
        close(c->fd);
        c->fd = -1;
        c->addr_i++;
        try_next_addr(c, soerr);
        return;
    }
    sn_conn_transport_ready(c);
}

static void resolve_cb(void *opaque, int err, const sn_addr *addrs, size_t n,
                       const char *errstr)
{
    sn_conn *c = opaque;

    enter(c);
    c->resolve = NULL;
    if (err) {
        sn_conn_fail(c, err, SN_CONN_EV_DOWN, "resolve %s failed: %s",
                     c->host, errstr);
    } else {
        memcpy(c->addrs, addrs, n * sizeof *addrs);
        c->naddrs = n;
        c->addr_i = 0;
        try_next_addr(c, ECONNREFUSED);
    }
    leave(c);
}

static void start_connect(sn_conn *c)
{
    int64_t timeout;
    int rc;

    c->attempts++;
    c->state = SN_CONN_RESOLVING;
    c->errstr[0] = '\0';
    sp_writer_init(&c->out, c->alloc, SN_CONN_OUT_MAX);
    timeout = sn_backoff_ms(c->cfg.setup_timeout_ms,
                            c->cfg.setup_timeout_max_ms,
                            c->failures, 20, &c->rng);
    if (sn_timer_start(&c->setup_timer, timeout) != 0) {
        sn_conn_fail(c, SAMSA_ERR_NO_MEMORY, SN_CONN_EV_DOWN,
                     "%s:%d: out of memory arming the setup timer",
                     c->host, c->port);
        return;
    }
    rc = sn_resolve_start(c->loop, c->host, c->port, resolve_cb, c,
                          &c->resolve);
    if (rc != 0)
        sn_conn_fail(c, rc == SAMSA_ERR_INVALID_ARG ? SAMSA_ERR_RESOLVE : rc,
                     SN_CONN_EV_DOWN, "resolve %s: %s", c->host,
                     samsa_err_str(rc));
}

int sn_conn_connect(sn_conn *c)
{
    int64_t now;

    if (c->dead)
        return SAMSA_ERR_DESTROYED;
    if (c->state != SN_CONN_DOWN)
        return 0;
    c->want_connect = true;
    if (sn_timer_active(&c->setup_timer))
        return 0; /* backoff running: it connects when it ends */
    now = sn_loop_now_update(c->loop);
    /* never connect from inside the caller's call: a timer (0 ms when no
     * backoff is due) keeps callbacks out of sn_conn_send/connect */
    if (sn_timer_start(&c->setup_timer,
                       c->backoff_until > now ? c->backoff_until - now : 0) != 0)
        return SAMSA_ERR_NO_MEMORY;
    return 0;
}

static void io_cb(sn_io *io, unsigned events)
{
    sn_conn *c = io->data;

    enter(c);
    if (c->state == SN_CONN_CONNECTING) {
        on_connected(c);
    } else if (c->state == SN_CONN_TLS) {
        sn_conn_tls_step(c);
    } else if (c->tp) {
        bool ok = true;

        if (events & (SN_IO_WRITE | SN_IO_ERROR) && sn_conn_wq_pending(c))
            ok = sn_conn_flush(c);
        if (ok && !c->dead && c->state != SN_CONN_DOWN &&
            events & (SN_IO_READ | SN_IO_ERROR))
            ok = sn_conn_read_frames(c);
        if (ok && !c->dead && c->state != SN_CONN_DOWN)
            sn_conn_transmit(c);
    }
    /* nothing left to write: stop asking for writability */
    if (!c->dead && c->tp && c->state >= SN_CONN_APIVERSIONS &&
        !sn_conn_wq_pending(c))
        sn_conn_watch(c, SN_IO_READ);
    leave(c);
}

/* ---- requests ---- */

static sn_req *req_new(sn_conn *c, int16_t key, int16_t version,
                       unsigned flags, int timeout_ms, sn_response_cb cb,
                       void *opaque)
{
    sn_req *r = sp_calloc(c->alloc, 1, sizeof *r);

    if (!r)
        return NULL;
    r->key = key;
    r->version = version;
    r->flags = flags;
    r->cb = cb;
    r->opaque = opaque;
    r->conn = c;
    sn_timer_init(&r->timer, c->loop, req_timeout_cb, r);
    /* a timer per request: O(log n) in the loop's heap */
    if (timeout_ms >= 0 &&
        sn_timer_start(&r->timer, timeout_ms > 0 ? timeout_ms
                                                 : c->cfg.request_timeout_ms) != 0) {
        sp_free(c->alloc, r);
        return NULL;
    }
    return r;
}

int sn_conn_send(sn_conn *c, const sn_request *q)
{
    sn_req *r;
    int rc;

    if (!c || !q || !q->cb || q->api_version < 0)
        return SAMSA_ERR_INVALID_ARG;
    if (c->dead)
        return SAMSA_ERR_DESTROYED;
    if (!sp_api_known(q->api_key))
        return SAMSA_ERR_NOT_SUPPORTED;
    if (c->negotiated) {
        int16_t v;

        rc = sn_conn_api_version(c, q->api_key, &v);
        if (rc != 0)
            return rc;
        if (!sn_conn_broker_supports(c, &(sn_req){ .key = q->api_key,
                                           .version = q->api_version }))
            return SAMSA_ERR_NO_COMMON_VERSION;
    }
    if (q->frame_alloc && !q->frame_free)
        return SAMSA_ERR_INVALID_ARG;
    r = req_new(c, q->api_key, q->api_version, q->flags, q->timeout_ms,
                q->cb, q->opaque);
    if (!r)
        return SAMSA_ERR_NO_MEMORY;
    r->frame_alloc = q->frame_alloc;
    r->frame_free = q->frame_free;
    if (q->encode) {
        sp_writer w;

        sp_writer_init(&w, c->alloc, SN_CONN_OUT_MAX);
        rc = q->encode(&w, q->api_version, q->encode_arg);
        if (rc == 0)
            rc = w.err;
        if (rc != 0) {
            sp_writer_free(&w);
            req_free(c, r);
            return rc;
        }
        r->body = sp_writer_detach(&w, &r->body_len);
    } else if (q->nsegs > 0) {
        size_t i, sum = 0;

        for (i = 0; i < q->nsegs; i++) {
            if ((!q->segs[i].ptr && q->segs[i].len) ||
                q->segs[i].len > SN_CONN_OUT_MAX - sum)
                return req_free(c, r), SAMSA_ERR_INVALID_ARG;
            sum += q->segs[i].len;
        }
        r->segs = sp_alloc(c->alloc, q->nsegs * sizeof *r->segs);
        if (!r->segs) {
            req_free(c, r);
            return SAMSA_ERR_NO_MEMORY;
        }
        memcpy(r->segs, q->segs, q->nsegs * sizeof *r->segs);
        r->nsegs = q->nsegs;
        r->body_len = sum;
    } else if (q->body_len > 0) {
        if (!q->body)
            return req_free(c, r), SAMSA_ERR_INVALID_ARG;
        r->body = sp_alloc(c->alloc, q->body_len);
        if (!r->body) {
            req_free(c, r);
            return SAMSA_ERR_NO_MEMORY;
        }
        memcpy(r->body, q->body, q->body_len);
        r->body_len = q->body_len;
    }
    if (c->state == SN_CONN_DOWN && sn_conn_connect(c) != 0) {
        req_free(c, r);
        return SAMSA_ERR_NO_MEMORY;
    }
    sn_req_list_push(&c->queued, r);
    /* written by the loop on the next poll (EPOLLOUT), never from here */
    if (c->state == SN_CONN_READY)
        (void)sn_io_set(&c->io, SN_IO_READ | SN_IO_WRITE); /* on failure the
            request waits for the next event; failing here would run
            callbacks inside this call */
    return 0;
}

bool sn_conn_send_internal(sn_conn *c, int16_t key, int16_t version,
                           sp_writer *body, sn_response_cb cb)
{
    sn_req *r;

    if (body->err) {
        sn_conn_fail(c, body->err, SN_CONN_EV_DOWN,
                     "%s:%d: cannot encode a handshake request: %s", c->host,
                     c->port, samsa_err_str(body->err));
        sp_writer_free(body);
        return false;
    }
    /* no timer of its own: bounded by the setup timeout */
    r = req_new(c, key, version, 0, -1, cb, c);
    if (!r) {
        sp_writer_free(body);
        sn_conn_fail(c, SAMSA_ERR_NO_MEMORY, SN_CONN_EV_DOWN,
                     "%s:%d: out of memory in the handshake", c->host, c->port);
        return false;
    }
    r->internal = true;
    r->body = sp_writer_detach(body, &r->body_len);
    sn_req_list_push_front(&c->queued, r);
    sn_conn_transmit(c);
    return !c->dead && c->state != SN_CONN_DOWN;
}

static void reauth_timer_cb(sn_timer *t)
{
    sn_conn *c = t->data;

    enter(c);
    if (c->state == SN_CONN_READY)
        sn_conn_reauthenticate(c);
    leave(c);
}

void sn_conn_set_ready(sn_conn *c)
{
    bool again = c->reauth;

    c->state = SN_CONN_READY;
    c->reauth = false;
    c->failures = 0;
    c->want_connect = false;
    sn_timer_stop(&c->setup_timer);
    if (c->session_ms > 0) {
        /* as Java: at 85-95% of the session lifetime (a lifetime from the
         * wire is capped at ~35 years first, so the product cannot
         * overflow) */
        int64_t life = c->session_ms < (INT64_C(1) << 40) ? c->session_ms
                                                          : INT64_C(1) << 40;
        int64_t at = life * (850 + (int64_t)(sn_rand_next(&c->rng) % 100)) / 1000;

        (void)sn_timer_start(&c->reauth_timer, at); /* on failure the
            broker closes the connection at expiry; we reconnect then */
    }
    if (again) {
        sn_conn_transmit(c); /* the owner saw no DOWN, so no second UP */
        return;
    }
    if (c->cfg.state_cb) {
        c->cfg.state_cb(c->cfg.state_opaque, c, SN_CONN_EV_UP, 0, "");
        if (c->dead || c->state != SN_CONN_READY)
            return;
    }
    sn_conn_transmit(c);
}

/* ---- lifecycle ---- */

int sn_conn_new(sn_loop *loop, const char *host, int port,
                const sn_conn_config *cfg, sn_conn **out, char *errbuf,
                size_t errlen)
{
    sn_conn_config defaults;
    const samsa_allocator *alloc = sn_loop_allocator(loop);
    sn_conn *c;
    size_t hl;

    *out = NULL;
    if (errlen)
        errbuf[0] = '\0';
    if (!host || !*host || port <= 0 || port > 65535) {
        snprintf(errbuf, errlen, "invalid broker address %s:%d",
                 host ? host : "(null)", port);
        return SAMSA_ERR_INVALID_ARG;
    }
    if (!cfg) {
        sn_conn_config_init(&defaults);
        cfg = &defaults;
    }
    if (cfg->security > SN_SEC_SASL_SSL) {
        snprintf(errbuf, errlen, "unknown security.protocol %d",
                 (int)cfg->security);
        return SAMSA_ERR_CONFIG;
    }
    if ((cfg->security == SN_SEC_SASL_PLAINTEXT ||
         cfg->security == SN_SEC_SASL_SSL) &&
        (!cfg->sasl.mechanism || !*cfg->sasl.mechanism)) {
        snprintf(errbuf, errlen, "sasl.mechanism is not set");
        return SAMSA_ERR_CONFIG;
    }
    c = sp_calloc(alloc, 1, sizeof *c);
    if (!c)
        return SAMSA_ERR_NO_MEMORY;
    c->loop = loop;
    c->alloc = alloc;
    c->fd = -1;
    c->port = port;
    c->next_corr = 1;
    c->rng = (uint32_t)(uintptr_t)c ^ (uint32_t)sn_loop_now_update(loop);
    sn_io_init(&c->io, loop, -1, io_cb, c);
    sn_timer_init(&c->setup_timer, loop, setup_timer_cb, c);
    sn_timer_init(&c->reauth_timer, loop, reauth_timer_cb, c);
    sp_writer_init(&c->out, alloc, SN_CONN_OUT_MAX);
    hl = strlen(host);
    c->host = sp_alloc(alloc, hl + 1);
    if (!c->host || sn_conn_config_copy(c, cfg) != 0) {
        release_memory(c);
        return SAMSA_ERR_NO_MEMORY;
    }
    memcpy(c->host, host, hl + 1);
    *out = c;
    return 0;
}

void sn_conn_destroy(sn_conn *c)
{
    if (!c || c->dead)
        return;
    c->dead = true;
    enter(c);
    close_socket(c);
    c->state = SN_CONN_DOWN;
    /* callbacks may call sn_conn_* on this connection: they see it dead */
    for (;;) {
        sn_req_list *l = c->inflight.head  ? &c->inflight
                         : c->noresp.head ? &c->noresp
                         : c->queued.head ? &c->queued
                                          : NULL;
        sn_req *r;

        if (!l)
            break;
        r = l->head;
        sn_req_list_unlink(l, r);
        sn_conn_complete(c, r, SAMSA_ERR_DESTROYED, NULL, 0);
    }
    leave(c);
}

/* ---- queries ---- */

int sn_conn_api_version(const sn_conn *c, int16_t key, int16_t *v)
{
    size_t i;

    if (!c->negotiated)
        return SAMSA_ERR_STATE;
    for (i = 0; i < c->nversions; i++)
        if (c->versions[i].api_key == key)
            return sp_api_pick_version(key, c->versions[i].min_version,
                                       c->versions[i].max_version, v);
    return sp_api_known(key) ? SAMSA_ERR_NO_COMMON_VERSION
                           : SAMSA_ERR_NOT_SUPPORTED;
}

sn_conn_state sn_conn_get_state(const sn_conn *c)
{
    return c->state;
}

const char *sn_conn_state_name(sn_conn_state s)
{
    switch (s) {
    case SN_CONN_DOWN: return "DOWN";
    case SN_CONN_RESOLVING: return "RESOLVING";
    case SN_CONN_CONNECTING: return "CONNECTING";
    case SN_CONN_TLS: return "TLS";
    case SN_CONN_APIVERSIONS: return "APIVERSIONS";
    case SN_CONN_SASL: return "SASL";
    case SN_CONN_READY: return "READY";
    }
    return "?";
}

const char *sn_conn_errstr(const sn_conn *c)
{
    return c->errstr;
}

const char *sn_conn_host(const sn_conn *c)
{
    return c->host;
}

int sn_conn_port(const sn_conn *c)
{
    return c->port;
}

size_t sn_conn_pending(const sn_conn *c)
{
    return c->queued.n + c->inflight.n + c->noresp.n;
}

unsigned sn_conn_attempts(const sn_conn *c)
{
    return c->attempts;
}
