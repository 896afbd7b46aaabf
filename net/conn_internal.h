/*
 * net/conn_internal.h - the sn_conn struct and what conn.c (lifecycle,
 * connect, requests), conn_send.c and conn_recv.c (framing, socket I/O), conn_setup.c
 * (TLS, ApiVersions, SASL) and conn_config.c share. Not a contract for
 * anything outside net/conn*.c.
 */
#ifndef SN_CONN_INTERNAL_H
#define SN_CONN_INTERNAL_H

#include "api_versions.h"
#include "conn.h"
#include "resolve.h"

#define SN_CONN_OUT_MAX ((size_t)1 << 31) /* hard cap on buffered output */
#define SN_CONN_OUT_KEEP ((size_t)1 << 20) /* keep a flushed buffer up to this */

typedef struct sn_req {
    struct sn_req *prev, *next;
    int16_t key, version;
    int32_t corr;
    unsigned flags;
    bool internal;        /* handshake request, sent before READY */
    sn_timer timer;       /* request timeout (not for internal requests) */
    struct sn_conn *conn;
    struct sn_req_list *where; /* the list it is in */
    size_t wire_end;      /* end offset in the out buffer (no-response) */
    sn_response_cb cb;
    void *opaque;
    sn_frame_alloc_fn frame_alloc; /* the response buffer's (conn.h) */
    sn_frame_free_fn frame_free;
    uint8_t *body;        /* owned encoded body (freed once written) */
    size_t body_len;      /* body bytes (owned or the segments' sum) */
    sn_seg *segs;         /* body by reference (the array is owned) */
    size_t nsegs;
    uint8_t *frame;       /* size + request header (+ body if linear) */
    size_t frame_len;
    size_t wire_len, wdone; /* whole frame, bytes written so far */
    struct sn_req *wnext; /* write queue (conn_send.c) */
    bool in_wq, linear, written;
} sn_req;

typedef struct sn_req_list {
    sn_req *head, *tail;
    size_t n;
} sn_req_list;

struct sn_conn {
    sn_loop *loop;
    const samsa_allocator *alloc;
    char *host;
    int port;
    sn_conn_config cfg; /* strings owned (conn_config.c) */

    sn_conn_state state;
    int fd;
    sn_io io;
    sn_transport *tp;
    sn_resolve *resolve;
    sn_addr addrs[SN_RESOLVE_MAX_ADDRS];
    size_t naddrs, addr_i; /* addr_i: tries so far in this attempt */
    size_t addr_base;      /* first address tried; moves on each failure */

    sn_timer setup_timer; /* setup timeout, or the end of a backoff */
    unsigned failures;    /* consecutive failed attempts */
    unsigned attempts;
    int64_t backoff_until;
    bool want_connect;    /* owner asked: connect after the backoff */
    uint32_t rng;

    sn_req_list queued, inflight, noresp;
    int32_t next_corr;

    sp_writer out;
    size_t out_off;
    sn_req *wq_head, *wq_tail; /* framed, not fully written (conn_send.c) */

    uint8_t in_hdr[4];
    size_t in_hdr_have;
    uint8_t *in_buf;
    size_t in_size, in_have;
    sn_frame_free_fn in_free; /* in_buf came from a request's frame_alloc */
    const sn_req *in_req;     /* ... of this request (compared only) */

    sp_api_version_range *versions; /* broker's ranges, after ApiVersions */
    size_t nversions;
    bool negotiated;
    int16_t apiver_version;

    sn_sasl *sasl;
    bool sasl_done; /* the mechanism finished; last answer pending */
    int64_t session_ms;   /* SaslAuthenticate session lifetime (KIP-368) */
    bool reauth;          /* re-authenticating a READY connection */
    sn_timer reauth_timer;

    int busy;   /* callbacks on the stack */
    bool dead;  /* destroyed; memory goes when busy drops to 0 */
    char errstr[256];
};

static inline void sn_req_list_push(sn_req_list *l, sn_req *r)
{
    r->where = l;
    r->next = NULL;
    r->prev = l->tail;
    if (l->tail)
        l->tail->next = r;
    else
        l->head = r;
    l->tail = r;
    l->n++;
}

static inline void sn_req_list_push_front(sn_req_list *l, sn_req *r)
{
    r->where = l;
    r->prev = NULL;
    r->next = l->head;
    if (l->head)
        l->head->prev = r;
    else
        l->tail = r;
    l->head = r;
    l->n++;
}

static inline void sn_req_list_unlink(sn_req_list *l, sn_req *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        l->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    else
        l->tail = r->prev;
    r->prev = r->next = NULL;
    r->where = NULL;
    l->n--;
}

/* conn_config.c */
int sn_conn_config_copy(sn_conn *c, const sn_conn_config *src);
void sn_conn_config_release(sn_conn *c);

/* conn.c, for conn_setup.c */
void sn_conn_fail(sn_conn *c, int err, sn_conn_event ev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Queue an internal handshake request at the front; false after failing
 * the connection (out of memory). */
bool sn_conn_send_internal(sn_conn *c, int16_t key, int16_t version,
                           sp_writer *body, sn_response_cb cb);
void sn_conn_set_ready(sn_conn *c);
int sn_conn_watch(sn_conn *c, unsigned events);

/* Unlinked request: its callback once, then freed (conn.c). */
void sn_conn_complete(sn_conn *c, sn_req *r, int err, const uint8_t *body,
                      size_t len);

/* conn_send.c, conn_recv.c: framing, writing, reading; the bool ones return false when
 * the connection failed (or was destroyed from a callback) meanwhile */
void sn_conn_transmit(sn_conn *c);      /* frame queued requests, write */
bool sn_conn_flush(sn_conn *c);         /* write what is buffered */
bool sn_conn_read_frames(sn_conn *c);   /* read and route responses */
void sn_conn_in_release(sn_conn *c);    /* drop a partly read response */
bool sn_conn_broker_supports(sn_conn *c, sn_req *r);
bool sn_conn_wq_pending(const sn_conn *c); /* bytes left to write */
void sn_conn_wq_clear(sn_conn *c);         /* socket gone: forget the queue */
void sn_conn_wq_unlink(sn_conn *c, sn_req *r); /* r freed while queued */

/* conn_setup.c */
void sn_conn_transport_ready(sn_conn *c); /* TCP connected */
void sn_conn_tls_step(sn_conn *c);         /* drive the TLS handshake */
void sn_conn_setup_reset(sn_conn *c);      /* free SASL state etc. */
void sn_conn_reauthenticate(sn_conn *c);   /* KIP-368: SASL again */

#endif
