/*
 * net/resolve.h - host name resolution that never blocks the loop.
 *
 * Approach: a small pool of resolver threads (at most SN_RESOLVE_THREADS,
 * started on the first name that is not an IP literal, joined when the loop
 * is freed) runs getaddrinfo(); results come back to the loop thread through
 * the loop's eventfd. IP literals are parsed inline (no thread) but still
 * reported through the loop, never inside sn_resolve_start(). Chosen over
 * getaddrinfo_a() because that one signals completion with a signal or a
 * thread of its own per call, and cannot be cancelled once running; here a
 * cancelled request is simply dropped when its lookup returns.
 *
 * Ownership: the request belongs to the resolver. The callback runs once on
 * the loop thread unless the request was cancelled first; the request is
 * freed right after the callback returns (do not cancel it from inside its
 * own callback: it is already gone). sn_resolve_cancel() may be called any
 * time before the callback runs and guarantees the callback never runs.
 * Thread rules: start and cancel on the loop thread.
 */
#ifndef SN_RESOLVE_H
#define SN_RESOLVE_H

#include <sys/socket.h>

#include "loop.h"

#define SN_RESOLVE_THREADS 2
#define SN_RESOLVE_MAX_ADDRS 16

typedef struct sn_addr {
    struct sockaddr_storage ss;
    socklen_t len;
} sn_addr;

typedef struct sn_resolve sn_resolve;

/* err 0: addrs[0..n) valid during the call. Otherwise SAMSA_ERR_RESOLVE
 * with the cause in errstr (e.g. "kafka.example: Name or service not
 * known"). */
typedef void (*sn_resolve_cb)(void *opaque, int err, const sn_addr *addrs,
                              size_t n, const char *errstr);

/* 0, SAMSA_ERR_NO_MEMORY, SAMSA_ERR_INVALID_ARG (host empty or over 255
 * bytes) or SAMSA_ERR_IO (no resolver thread could start). */
int sn_resolve_start(sn_loop *loop, const char *host, int port,
                     sn_resolve_cb cb, void *opaque, sn_resolve **out);
void sn_resolve_cancel(sn_resolve *r);

#endif
