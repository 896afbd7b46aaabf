/*
 * net/transport.h - byte transport under a broker connection: plain TCP or
 * TLS, behind one small ops table (so TLS compiles out with WITH_SSL=0).
 *
 * A transport wraps a connected non-blocking socket it does not own (the
 * connection closes the fd after transport free). All calls are
 * non-blocking and return:
 *   > 0   bytes moved (read/write)
 *   0     handshake finished (handshake) / peer closed cleanly (read)
 *   SN_WANT_READ / SN_WANT_WRITE  try again when the fd is readable/writable
 *   < 0 other: a samsa_err (SAMSA_ERR_TLS, SAMSA_ERR_TRANSPORT) with a
 *         human-readable cause in t->errstr.
 * read and write need len > 0. After SN_WANT_* from write, call write again
 * with the same bytes first (at least as many; the buffer may move): TLS
 * has already committed to them. Before waiting for readability, drain
 * pending(): TLS may hold decrypted bytes the fd will never signal.
 * Thread rules: used only from the loop thread that owns the connection.
 */
#ifndef SN_TRANSPORT_H
#define SN_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

#include "samsa/alloc.h"

#define SN_WANT_READ  (-1)
#define SN_WANT_WRITE (-2)

typedef struct sn_transport sn_transport;

typedef struct sn_transport_ops {
    const char *name; /* "plain", "tls" */
    int (*handshake)(sn_transport *t);
    ssize_t (*read)(sn_transport *t, void *buf, size_t len);
    ssize_t (*write)(sn_transport *t, const void *buf, size_t len);
    /* bytes already decrypted and buffered inside the transport (TLS) */
    size_t (*pending)(sn_transport *t);
    void (*free)(sn_transport *t);
} sn_transport_ops;

struct sn_transport {
    const sn_transport_ops *ops;
    int fd;
    const samsa_allocator *alloc;
    char errstr[256]; /* cause of the last failure; never holds secrets */
};

/*
 * TLS settings (names mirror the Java client's ssl.* properties). NULL or
 * "" strings mean unset; with neither ca_location nor ca_pem the system's
 * default CA paths are used. Start from SN_TLS_CONFIG_INIT, which turns
 * both checks on: a zeroed struct turns them OFF. The strings are only
 * read during sn_transport_tls_new().
 */
typedef struct sn_tls_config {
    const char *ca_location;       /* ssl.ca.location: file or directory */
    const char *ca_pem;            /* ssl.ca.pem: PEM text */
    const char *cert_location;     /* ssl.certificate.location */
    const char *cert_pem;          /* ssl.certificate.pem */
    const char *key_location;      /* ssl.key.location */
    const char *key_pem;           /* ssl.key.pem */
    const char *key_password;      /* ssl.key.password */
    int verify_hostname;           /* ssl.endpoint.identification.algorithm=https */
    int verify_peer;               /* 0 only for tests: skip chain verification */
    const char *min_protocol;      /* "TLSv1.2" (default) or "TLSv1.3" */
} sn_tls_config;

#define SN_TLS_CONFIG_INIT { .verify_hostname = 1, .verify_peer = 1 }

/* Plain TCP transport over fd. NULL on allocation failure. */
sn_transport *sn_transport_plain_new(const samsa_allocator *alloc, int fd);

/*
 * TLS client transport over fd for `host` (a DNS name, or an IP literal
 * without brackets: SNI is sent for names only, and the certificate must
 * match the name or the address). cfg NULL = SN_TLS_CONFIG_INIT. Returns
 * SAMSA_ERR_NOT_SUPPORTED in builds without WITH_SSL, SAMSA_ERR_TLS for
 * bad certificates/keys and SAMSA_ERR_CONFIG for inconsistent settings
 * (cause in errbuf), 0 with *out set otherwise. The handshake runs later,
 * through ops->handshake (or implicitly on the first read/write).
 */
int sn_transport_tls_new(const samsa_allocator *alloc, int fd,
                         const char *host, const sn_tls_config *cfg,
                         sn_transport **out, char *errbuf, size_t errlen);

static inline void sn_transport_free(sn_transport *t)
{
    if (t)
        t->ops->free(t);
}

#endif
