/*
 * client/admin_req.h - one request to one broker, waited for by the
 * calling thread: the plumbing under the describe calls (admin_metadata.c,
 * admin_groups.c).
 *
 * sc_areq_run() finds a READY connection (any broker, or node_id), sends
 * the request and waits for its answer up to timeout_ms, polling for a
 * connection every few milliseconds while none is ready (no timers, so
 * nothing is left armed when the client is destroyed). The decode
 * callback runs on the loop thread with c->mu held: it must only copy what
 * it needs into its own memory and return an error code; it must not call
 * into samsa.
 *
 * Ownership: encode_arg is read during the call only (the encoder runs
 * inside it). decode_arg belongs to the caller and is written only before
 * sc_areq_run() returns: a request abandoned on timeout never touches it
 * again. Thread rules: any thread except the I/O thread (SAMSA_ERR_REENTRANT
 * from a callback).
 */
#ifndef SC_ADMIN_REQ_H
#define SC_ADMIN_REQ_H

#include <stdint.h>

#include "client_int.h"

/* Decode a response body of the negotiated version; returns a samsa_err
 * (0 = fine); may write a detail into errbuf (errlen bytes). */
typedef int (*sc_areq_decode_fn)(void *arg, int16_t version,
                                 const uint8_t *body, size_t len,
                                 char *errbuf, size_t errlen);

typedef struct sc_areq {
    int16_t api_key;
    int16_t max_version;  /* cap on the negotiated version; -1 = none */
    int32_t node_id;      /* broker to ask; SC_AREQ_ANY = any ready one */
    sn_body_encode_fn encode;
    const void *encode_arg;
    sc_areq_decode_fn decode;
    void *decode_arg;
} sc_areq;

#define SC_AREQ_ANY INT32_MIN

/* 0, the decoder's error, SAMSA_ERR_TIMED_OUT, NOT_SUPPORTED (the broker
 * lacks the API), REENTRANT, NO_MEMORY, or a transport error once the
 * deadline passed. Details in samsa_client_errstr(c). */
int sc_areq_run(samsa_client *c, const sc_areq *req, int timeout_ms);

/* ---- one-allocation results ----
 * The describe calls return one block holding the result and everything it
 * points to: count the bytes first (sc_bump_need adds the worst-case
 * alignment), allocate once, then carve the pieces with sc_bump_take. */
#include <stddef.h>
#include <string.h>
#include "reader.h"

typedef struct sc_bump {
    char *p;
    char *end;
} sc_bump;

static inline size_t sc_bump_need(size_t n, size_t align)
{
    return n + align - 1;
}

/* n bytes aligned to align (a power of two), zeroed; the caller counted
 * them with sc_bump_need, so room is there. */
static inline void *sc_bump_take(sc_bump *b, size_t n, size_t align)
{
    uintptr_t a = ((uintptr_t)b->p + (align - 1)) & ~(uintptr_t)(align - 1);
    char *q = (char *)a;

    b->p = q + n;
    if (n)
        memset(q, 0, n);
    return q;
}

/* Copy a string view (null -> "" unless keep_null, then NULL); counted as
 * sc_bump_need(len + 1, 1). */
static inline const char *sc_bump_str(sc_bump *b, sp_str s, int keep_null)
{
    size_t n = s.len > 0 ? (size_t)s.len : 0;
    char *q;

    if (s.len < 0 && keep_null)
        return NULL;
    q = sc_bump_take(b, n + 1, 1);
    if (n)
        memcpy(q, s.ptr, n);
    q[n] = '\0';
    return q;
}

/* Copy a string view into a fixed buffer of cap (> 0) bytes, cut to fit,
 * always terminated (null -> ""). */
static inline void sc_copy_fixed(char *dst, size_t cap, sp_str s)
{
    size_t n = s.len > 0 ? (size_t)s.len : 0;

    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

static inline size_t sc_str_need(sp_str s)
{
    return (s.len > 0 ? (size_t)s.len : 0) + 1;
}

#endif
