/*
 * net/conn.h - one connection to one broker (host, port), on an sn_loop.
 *
 * The client layer owns one sn_conn per known broker plus its bootstrap
 * connections, all on the handle's one loop. A connection goes through
 *
 *   DOWN -> RESOLVING -> CONNECTING -> TLS -> APIVERSIONS -> SASL -> READY
 *
 * (TLS only for ssl/sasl_ssl, SASL only for sasl_*; a SASL session with
 * a lifetime, KIP-368, is renewed in place: READY -> SASL -> READY without
 * state callbacks, new requests waiting meanwhile). ApiVersions comes
 * before SASL, as in the Java client, so SaslHandshake/SaslAuthenticate use
 * negotiated versions (brokers answer ApiVersions before authentication,
 * KIP-35/KIP-43). ApiVersions is sent at v3 and retried at the broker's
 * advertised maximum (or v0) on UNSUPPORTED_VERSION. Resolution runs on the
 * loop's resolver threads; connect is non-blocking and tries every address
 * in turn; the whole setup is bounded by socket.connection.setup.timeout.ms
 * growing per failed attempt up to .max.ms (x2, +-20% jitter, as Java).
 *
 * Requests: sn_conn_send() queues a request (its body copied or encoded at
 * once); it is framed with a client-side correlation id and the header
 * version from protocol/api.h when the connection is READY, pipelined up to
 * max_in_flight requests (awaiting an answer, or, for SN_REQ_NO_RESPONSE,
 * not yet fully written), and answered in order. A
 * response whose correlation id is not the oldest in flight, a frame size
 * that is negative, below 4 or over receive_max_bytes (checked before any
 * allocation), or garbage in a response header closes the connection with
 * SAMSA_ERR_PROTOCOL / SAMSA_ERR_FRAME_TOO_LARGE. An in-flight request past
 * its timeout fails with SAMSA_ERR_TIMED_OUT and closes the connection
 * (later responses could no longer be matched, as in Java); a queued one
 * just fails.
 *
 * Drops: when the connection fails or drops, every pending request
 * (queued or in flight) has its callback called exactly once with the
 * cause (SAMSA_ERR_TRANSPORT for a drop, or RESOLVE / CONNECT / TLS /
 * AUTHENTICATION / TIMED_OUT / PROTOCOL / FRAME_TOO_LARGE), then the
 * connection waits reconnect.backoff.ms x2^failures (+-20%, capped at
 * .max.ms). It reconnects by itself after the backoff only if there is work
 * (a request sent meanwhile, including from those callbacks) or the owner
 * called sn_conn_connect(); otherwise it stays DOWN, so a bad certificate
 * or password never causes a retry storm.
 *
 * Callbacks (response and state) run on the loop thread, never inside
 * sn_conn_send()/sn_conn_connect(). Inside them any sn_conn_* call is
 * allowed on any connection, including sn_conn_destroy() of the very
 * connection (the memory is released when the callback returns).
 *
 * Destroy: sn_conn_destroy() works in every state (resolving, connecting,
 * handshaking, mid-request): it cancels the lookup, closes the socket and
 * calls every pending callback once with SAMSA_ERR_DESTROYED before
 * returning (no state callback). Nothing is leaked.
 *
 * Ownership: the config and its strings are copied in sn_conn_new (secrets
 * are wiped on destroy); the OAUTHBEARER callback/opaque must outlive the
 * connection. Thread rules: every call on the loop's thread (in background
 * mode, from functions run with sn_loop_post()).
 */
#ifndef SN_CONN_H
#define SN_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "sasl.h"
#include "transport.h"
#include "writer.h"

typedef struct sn_conn sn_conn;

typedef enum sn_security {
    SN_SEC_PLAINTEXT,
    SN_SEC_SSL,
    SN_SEC_SASL_PLAINTEXT,
    SN_SEC_SASL_SSL
} sn_security;

typedef enum sn_conn_state {
    SN_CONN_DOWN,        /* no socket; maybe waiting out a backoff */
    SN_CONN_RESOLVING,
    SN_CONN_CONNECTING,
    SN_CONN_TLS,
    SN_CONN_APIVERSIONS,
    SN_CONN_SASL,
    SN_CONN_READY
} sn_conn_state;

typedef enum sn_conn_event {
    SN_CONN_EV_UP,          /* READY: versions negotiated, authenticated */
    SN_CONN_EV_DOWN,        /* attempt failed or connection dropped */
    SN_CONN_EV_AUTH_FAILED  /* TLS verification or SASL failed (err says) */
} sn_conn_event;

/* errstr: human-readable cause (never credentials); valid during the call. */
typedef void (*sn_conn_state_cb)(void *opaque, sn_conn *c, sn_conn_event ev,
                                 int err, const char *errstr);

/*
 * Response callback, called exactly once per accepted request. err 0:
 * body[0..len) is the response body after the response header (valid only
 * during the call; NULL/0 for SN_REQ_NO_RESPONSE requests, which complete
 * once written to the socket). err != 0: body is NULL.
 */
typedef void (*sn_response_cb)(void *opaque, int err, const uint8_t *body,
                               size_t len);

/*
 * Optional response buffer from the requester (zero copy for big
 * responses). frame_alloc(opaque, size) is called once the response's
 * size is known and returns size bytes for the whole frame (correlation id,
 * response header, body), or NULL (the connection fails with
 * SAMSA_ERR_NO_MEMORY). When the response callback then gets err 0, body
 * points into that buffer and the buffer is the callback's (the
 * requester frees it its own way; frame_alloc's caller knows it). In every
 * other case (the connection fails mid-response, a bad header) net
 * releases it with frame_free(buf) before the callback runs with an error,
 * so a callback with err != 0 never owns a frame. Loop thread.
 */
typedef uint8_t *(*sn_frame_alloc_fn)(void *opaque, size_t size);
typedef void (*sn_frame_free_fn)(uint8_t *buf);

/* Body encoder, called once inside sn_conn_send(). 0 or a samsa_err. */
typedef int (*sn_body_encode_fn)(sp_writer *w, int16_t version,
                                 const void *arg);

#define SN_REQ_NO_RESPONSE 1u /* acks=0 produce: nothing comes back */

/* A piece of a request body held by the caller (sn_request.segs). */
typedef struct sn_seg {
    const void *ptr;
    size_t len;
} sn_seg;

typedef struct sn_request {
    int16_t api_key;
    int16_t api_version;          /* >= 0: see sn_conn_api_version() */
    const uint8_t *body;          /* pre-encoded body (copied), or ... */
    size_t body_len;
    sn_body_encode_fn encode;     /* ... an encoder (used when non-NULL) */
    const void *encode_arg;
    const sn_seg *segs;           /* ... or the body as these pieces, in
                                   * order (used when nsegs > 0): the array
                                   * is copied, the bytes are not; they must
                                   * stay valid and unchanged until cb runs */
    size_t nsegs;
    unsigned flags;               /* SN_REQ_* */
    int timeout_ms;               /* 0 = request_timeout_ms */
    sn_response_cb cb;
    void *opaque;
    sn_frame_alloc_fn frame_alloc; /* NULL: net's own buffer (see above) */
    sn_frame_free_fn frame_free;   /* required with frame_alloc */
} sn_request;

typedef struct sn_conn_config {
    sn_security security;          /* security.protocol */
    sn_tls_config tls;             /* ssl.* (for SSL and SASL_SSL) */
    sn_sasl_config sasl;           /* sasl.* (for SASL_*) */
    const char *client_id;         /* client.id ("samsa") */
    const char *software_name;     /* client.software.name ("samsa") */
    const char *software_version;  /* client.software.version */
    int request_timeout_ms;        /* request.timeout.ms (30000) */
    int setup_timeout_ms;          /* socket.connection.setup.timeout.ms (10000) */
    int setup_timeout_max_ms;      /* socket.connection.setup.timeout.max.ms (30000) */
    int max_in_flight;             /* max.in.flight.requests.per.connection (5) */
    int reconnect_backoff_ms;      /* reconnect.backoff.ms (50) */
    int reconnect_backoff_max_ms;  /* reconnect.backoff.max.ms (1000) */
    int32_t receive_max_bytes;     /* receive.message.max.bytes (100000000) */
    int send_buffer_bytes;         /* send.buffer.bytes (-1: OS default) */
    int receive_buffer_bytes;      /* receive.buffer.bytes (-1: OS default) */
    bool nodelay;                  /* TCP_NODELAY (on) */
    sn_conn_state_cb state_cb;     /* may be NULL */
    void *state_opaque;
} sn_conn_config;

/* Fill *cfg with the defaults above (plaintext, TLS checks on). */
void sn_conn_config_init(sn_conn_config *cfg);

/*
 * New connection (DOWN; nothing happens until sn_conn_connect() or the
 * first sn_conn_send()). cfg NULL = defaults. 0, SAMSA_ERR_NO_MEMORY or
 * SAMSA_ERR_CONFIG / SAMSA_ERR_INVALID_ARG (cause in errbuf).
 */
int sn_conn_new(sn_loop *loop, const char *host, int port,
                const sn_conn_config *cfg, sn_conn **out, char *errbuf,
                size_t errlen);

/* See "Destroy" above. NULL is ignored. */
void sn_conn_destroy(sn_conn *c);

/* Connect now if DOWN (after the backoff, if one is running); otherwise
 * nothing. 0 or SAMSA_ERR_DESTROYED. */
int sn_conn_connect(sn_conn *c);

/*
 * Queue a request (and connect if DOWN). 0: accepted, req->cb will be
 * called exactly once later. Otherwise nothing was queued and the callback
 * is never called: SAMSA_ERR_NO_COMMON_VERSION (READY and the broker does
 * not take this api_key/version; nothing sent), SAMSA_ERR_NOT_SUPPORTED
 * (samsa does not know the API), SAMSA_ERR_INVALID_ARG, SAMSA_ERR_NO_MEMORY,
 * SAMSA_ERR_DESTROYED, or the encoder's error.
 */
int sn_conn_send(sn_conn *c, const sn_request *req);

/*
 * Highest version of `key` both sides support, once ApiVersions is done:
 * 0 and *v, SAMSA_ERR_STATE (not negotiated yet), SAMSA_ERR_NO_COMMON_VERSION
 * or SAMSA_ERR_NOT_SUPPORTED (see sp_api_pick_version).
 */
int sn_conn_api_version(const sn_conn *c, int16_t key, int16_t *v);

sn_conn_state sn_conn_get_state(const sn_conn *c);
const char *sn_conn_state_name(sn_conn_state s);
/* Cause of the last failure ("" if none). */
const char *sn_conn_errstr(const sn_conn *c);
const char *sn_conn_host(const sn_conn *c);
int sn_conn_port(const sn_conn *c);
/* Requests accepted and not yet completed. */
size_t sn_conn_pending(const sn_conn *c);
/* Connection attempts started so far (for tests and statistics). */
unsigned sn_conn_attempts(const sn_conn *c);

#endif
