/*
 * samsa/client.h - the client handle: one connection pool, one event loop.
 *
 * A samsa_client talks to one Kafka cluster. It owns every socket, timer
 * and buffer it uses, all driven by one non-blocking event loop, in one of
 * two modes chosen by the application:
 *
 *   Embedded (default): no thread is started. The application calls
 *   samsa_poll(c, timeout_ms), or adds samsa_fd(c) (a pollable epoll fd)
 *   to its own poll/epoll loop and calls samsa_poll(c, 0) when it is
 *   readable or when samsa_next_timeout_ms(c) has passed.
 *
 *   Background: samsa_start(c) runs the loop on one I/O thread. Public
 *   calls from other threads are then safe (they reach the loop through a
 *   locked command queue); samsa_poll must not be called in this mode.
 *
 * Callbacks (log, delivery reports, rebalances) run on the loop's thread:
 * inside samsa_poll() in embedded mode, on the I/O thread in background
 * mode. They may call samsa_produce() and the consumer calls that say so;
 * samsa_poll(), samsa_flush(), samsa_close() and samsa_client_destroy()
 * from inside a callback return SAMSA_ERR_REENTRANT.
 *
 * Ownership: samsa_client_new() copies the conf (the caller still owns and
 * frees it) and returns a handle that samsa_client_destroy() frees with
 * everything it holds. Thread rules: embedded mode, one thread at a time;
 * background mode, any thread except as noted per call.
 */
#ifndef SAMSA_CLIENT_H
#define SAMSA_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "samsa/conf.h"
#include "samsa/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct samsa_client samsa_client;

/* Log levels, syslog-style numbers. */
typedef enum samsa_log_level {
    SAMSA_LOG_ERROR = 3,
    SAMSA_LOG_WARNING = 4,
    SAMSA_LOG_INFO = 6,
    SAMSA_LOG_DEBUG = 7
} samsa_log_level;

/* Log callback: `msg` is valid only during the call. Nothing is logged
 * unless one is set; DEBUG lines only for the contexts listed in the
 * `debug` property. Credentials never appear in log lines. */
typedef void samsa_log_cb(void *opaque, int level, const char *context,
                          const char *msg);
void samsa_conf_set_log_cb(samsa_conf *conf, samsa_log_cb *cb, void *opaque);

/* OAUTHBEARER token provider (sasl.mechanism=OAUTHBEARER): write a token
 * (a compact JWS, NUL-terminated) into buf[0..buflen) and return 0, or
 * return a samsa_err with a reason in errbuf (the connection then fails
 * with SAMSA_ERR_AUTHENTICATION). Called on the loop's thread each time a
 * connection authenticates; must not call back into samsa. Without it,
 * enable.sasl.oauthbearer.unsecure.jwt=true makes unsigned development
 * tokens from sasl.oauthbearer.config. */
typedef int samsa_oauthbearer_token_cb(void *opaque, char *buf, size_t buflen,
                                       char *errbuf, size_t errlen);
void samsa_conf_set_oauthbearer_token_cb(samsa_conf *conf,
                                         samsa_oauthbearer_token_cb *cb,
                                         void *opaque);

/*
 * Create a client from conf. Returns NULL on failure with a one-line
 * reason in errbuf (e.g. "bootstrap.servers is empty"). Connecting starts
 * at once and proceeds as the loop runs; nothing here blocks.
 */
samsa_client *samsa_client_new(const samsa_conf *conf, char *errbuf,
                               size_t errlen);

/*
 * Destroy the client now: open requests are abandoned, undelivered
 * messages get a delivery report with SAMSA_ERR_DESTROYED (on the calling
 * thread, inside this call; samsa_flush() first for a graceful end), a consumer in a
 * group does not leave it (use samsa_close() for a graceful end). Safe in
 * both modes (stops the I/O thread first). NULL is ignored.
 */
void samsa_client_destroy(samsa_client *c);

/* ---- embedded mode ---- */

/* The epoll fd that becomes readable when samsa_poll has work. */
int samsa_fd(const samsa_client *c);
/* Milliseconds until the next timer is due (0 = now), -1 = none pending. */
int samsa_next_timeout_ms(samsa_client *c);
/* Run what is due, waiting up to timeout_ms (-1 = until something
 * happens). Returns the number of callbacks served, or a negative error
 * (SAMSA_ERR_STATE in background mode, SAMSA_ERR_REENTRANT in a callback). */
int samsa_poll(samsa_client *c, int timeout_ms);

/* ---- background mode ---- */

/* Start the I/O thread. SAMSA_ERR_STATE when already started. */
int samsa_start(samsa_client *c);

/* The last error detail (a fixed buffer in the handle, empty if none):
 * for the calling thread's most recent failed call in embedded mode;
 * may be overwritten by the I/O thread in background mode. */
const char *samsa_client_errstr(const samsa_client *c);

#ifdef __cplusplus
}
#endif
#endif
