/*
 * net/transport_tls.c - TLS client transport on OpenSSL 3; see transport.h.
 * Without WITH_SSL only the NOT_SUPPORTED stub is compiled.
 *
 * Each transport owns one SSL_CTX (CA store, client certificate) for now;
 * the client layer may later share one per handle, loaded once. OpenSSL
 * allocates through its own CRYPTO_malloc, not the handle's allocator; only
 * the transport object itself comes from `alloc`. Every entry point clears
 * the thread's OpenSSL error queue first and last, so a cause read here
 * always belongs to this connection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"
#include "transport.h"

static void set_err(char *buf, size_t len, const char *msg)
{
    if (buf && len)
        snprintf(buf, len, "%s", msg);
}

#if SAMSA_WITH_SSL
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

typedef struct tls_transport {
    sn_transport base;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO_METHOD *bio_meth;
    int verify_peer;
    int sys_errno; /* errno of the last failed send/recv */
    int eof;       /* recv saw the end of the stream */
    char host[256];
} tls_transport;

static int fail(sn_transport *t, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(sn_transport *t, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(t->errstr, sizeof t->errstr, fmt, ap);
    va_end(ap);
    return err;
}

/* The oldest queued OpenSSL error (usually the root cause) as text. */
static const char *ossl_reason(char *buf, size_t len)
{
    unsigned long e = ERR_peek_error();
    const char *r;

    if (e == 0)
        return "no detail from OpenSSL";
    r = ERR_reason_error_string(e);
    if (r)
        return r;
    ERR_error_string_n(e, buf, len);
    return buf;
}

/* ---- socket BIO: send() with MSG_NOSIGNAL, so a closed peer gives EPIPE
 * instead of SIGPIPE (OpenSSL's own socket BIO uses plain send). ---- */

static int bio_write(BIO *b, const char *buf, int len)
{
    tls_transport *t = BIO_get_data(b);

    BIO_clear_retry_flags(b);
    for (;;) {
        ssize_t n = send(t->base.fd, buf, (size_t)len, MSG_NOSIGNAL);

        if (n >= 0)
            return (int)n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_write(b);
        else
            t->sys_errno = errno;
        return -1;
    }
}

static int bio_read(BIO *b, char *buf, int len)
{
    tls_transport *t = BIO_get_data(b);

    BIO_clear_retry_flags(b);
    for (;;) {
        ssize_t n = recv(t->base.fd, buf, (size_t)len, 0);

        if (n == 0)
            t->eof = 1;
        if (n >= 0)
            return (int)n;
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            BIO_set_retry_read(b);
        else
            t->sys_errno = errno;
        return -1;
    }
}

/* OpenSSL asks BIO_CTRL_EOF before treating a 0 read as the peer's close */
static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    tls_transport *t = BIO_get_data(b);

    (void)num;
    (void)ptr;
    if (cmd == BIO_CTRL_FLUSH)
        return 1;
    if (cmd == BIO_CTRL_EOF)
        return t->eof;
    return 0;
}

/* ---- context: protocol floor, CA store, client certificate ---- */

static int min_version(tls_transport *t, const char *v, int *out)
{
    if (!v || !*v || strcmp(v, "TLSv1.2") == 0)
        *out = TLS1_2_VERSION;
    else if (strcmp(v, "TLSv1.3") == 0)
        *out = TLS1_3_VERSION;
    else
        return fail(&t->base, SAMSA_ERR_CONFIG, "TLS minimum protocol '%.40s' "
                    "is not TLSv1.2 or TLSv1.3", v);
    return 0;
}

static int check_path(tls_transport *t, const char *prop, const char *path,
                      int *is_dir)
{
    struct stat st;
    char eb[128];

    if (stat(path, &st) != 0)
        return fail(&t->base, SAMSA_ERR_TLS, "%s '%.120s': %s", prop, path,
                    strerror_r(errno, eb, sizeof eb));
    if (is_dir)
        *is_dir = S_ISDIR(st.st_mode);
    else if (S_ISDIR(st.st_mode))
        return fail(&t->base, SAMSA_ERR_TLS, "%s '%.120s' is a directory, not a "
                    "PEM file", prop, path);
    return 0;
}

static int load_ca_pem(tls_transport *t, const char *pem)
{
    X509_STORE *store = SSL_CTX_get_cert_store(t->ctx);
    BIO *b = BIO_new_mem_buf(pem, -1);
    X509 *x;
    int n = 0, ok = 1;
    char eb[128];

    if (!b)
        return fail(&t->base, SAMSA_ERR_NO_MEMORY, "ssl.ca.pem: out of memory");
    while (ok && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        ok = X509_STORE_add_cert(store, x) == 1;
        X509_free(x);
        n++;
    }
    BIO_free(b);
    if (!ok)
        return fail(&t->base, SAMSA_ERR_TLS, "ssl.ca.pem: %s",
                    ossl_reason(eb, sizeof eb));
    if (n == 0)
        return fail(&t->base, SAMSA_ERR_TLS, "ssl.ca.pem holds no PEM "
                    "certificate");
    ERR_clear_error(); /* the end-of-input "no start line" */
    return 0;
}

static int load_ca(tls_transport *t, const sn_tls_config *cfg)
{
    const char *loc = cfg->ca_location, *pem = cfg->ca_pem;
    char eb[128];
    int rc, dir = 0;

    if ((!loc || !*loc) && (!pem || !*pem)) {
        if (SSL_CTX_set_default_verify_paths(t->ctx) != 1)
            return fail(&t->base, SAMSA_ERR_TLS, "cannot load the system's "
                        "default CA certificates: %s",
                        ossl_reason(eb, sizeof eb));
        return 0;
    }
    if (pem && *pem && (rc = load_ca_pem(t, pem)) != 0)
        return rc;
    if (!loc || !*loc)
        return 0;
    if ((rc = check_path(t, "ssl.ca.location", loc, &dir)) != 0)
        return rc;
    if ((dir ? SSL_CTX_load_verify_dir(t->ctx, loc)
             : SSL_CTX_load_verify_file(t->ctx, loc)) != 1)
        return fail(&t->base, SAMSA_ERR_TLS, "ssl.ca.location '%.120s': cannot "
                    "load CA certificates (%s)", loc, ossl_reason(eb, sizeof eb));
    return 0;
}

static int load_cert(tls_transport *t, const sn_tls_config *cfg)
{
    const char *loc = cfg->cert_location, *pem = cfg->cert_pem;
    char eb[128];
    X509 *x;
    BIO *b;
    int rc;

    if (loc && *loc) {
        if ((rc = check_path(t, "ssl.certificate.location", loc, NULL)) != 0)
            return rc;
        if (SSL_CTX_use_certificate_chain_file(t->ctx, loc) != 1)
            return fail(&t->base, SAMSA_ERR_TLS, "ssl.certificate.location "
                        "'%.120s': cannot load the certificate (%s)", loc,
                        ossl_reason(eb, sizeof eb));
        return 0;
    }
    b = BIO_new_mem_buf(pem, -1);
    if (!b)
        return fail(&t->base, SAMSA_ERR_NO_MEMORY, "ssl.certificate.pem: out "
                    "of memory");
    x = PEM_read_bio_X509(b, NULL, NULL, NULL);
    rc = x && SSL_CTX_use_certificate(t->ctx, x) == 1;
    X509_free(x);
    /* the rest of the PEM is the chain up to (not including) the CA */
    while (rc && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
        rc = SSL_CTX_add0_chain_cert(t->ctx, x) == 1;
        if (!rc)
            X509_free(x);
    }
    BIO_free(b);
    if (!rc)
        return fail(&t->base, SAMSA_ERR_TLS, "ssl.certificate.pem: cannot load "
                    "the certificate (%s)", ossl_reason(eb, sizeof eb));
    ERR_clear_error();
    return 0;
}

typedef struct pw_ctx {
    const char *password;
    int asked;
} pw_ctx;

static int pw_cb(char *buf, int size, int rwflag, void *u)
{
    pw_ctx *pw = u;
    size_t n;

    (void)rwflag;
    pw->asked = 1;
    if (!pw->password)
        return -1;
    n = strlen(pw->password);
    if (n > (size_t)size)
        return -1;
    memcpy(buf, pw->password, n);
    return (int)n;
}

static int load_key(tls_transport *t, const sn_tls_config *cfg)
{
    const char *loc = cfg->key_location, *pem = cfg->key_pem;
    pw_ctx pw = { cfg->key_password && *cfg->key_password
                      ? cfg->key_password : NULL, 0 };
    char src[160], eb[128];
    EVP_PKEY *key;
    BIO *b;
    int rc;

    if (loc && *loc) {
        snprintf(src, sizeof src, "ssl.key.location '%.120s'", loc);
        if ((rc = check_path(t, "ssl.key.location", loc, NULL)) != 0)
            return rc;
        b = BIO_new_file(loc, "r");
    } else {
        snprintf(src, sizeof src, "ssl.key.pem");
        b = BIO_new_mem_buf(pem, -1);
    }
    if (!b)
        return fail(&t->base, SAMSA_ERR_TLS, "%s: %s", src,
                    ossl_reason(eb, sizeof eb));
    key = PEM_read_bio_PrivateKey(b, NULL, pw_cb, &pw);
    BIO_free(b);
    if (!key && pw.asked && !pw.password)
        return fail(&t->base, SAMSA_ERR_TLS, "%s: the private key is encrypted "
                    "and ssl.key.password is not set", src);
    if (!key && pw.asked)
        return fail(&t->base, SAMSA_ERR_TLS, "%s: cannot decrypt the private "
                    "key: wrong ssl.key.password", src);
    if (!key)
        return fail(&t->base, SAMSA_ERR_TLS, "%s: no PEM private key (%s)", src,
                    ossl_reason(eb, sizeof eb));
    /* use_PrivateKey already refuses a key that does not fit the cert */
    rc = SSL_CTX_use_PrivateKey(t->ctx, key) == 1 &&
         SSL_CTX_check_private_key(t->ctx) == 1;
    EVP_PKEY_free(key);
    if (!rc)
        return fail(&t->base, SAMSA_ERR_TLS, "%s does not match the client "
                    "certificate (%s)", src, ossl_reason(eb, sizeof eb));
    ERR_clear_error();
    return 0;
}

static int build_ctx(tls_transport *t, const sn_tls_config *cfg)
{
    int has_cert = (cfg->cert_location && *cfg->cert_location) ||
                   (cfg->cert_pem && *cfg->cert_pem);
    int has_key = (cfg->key_location && *cfg->key_location) ||
                  (cfg->key_pem && *cfg->key_pem);
    char eb[128];
    int rc, minv;

    if ((rc = min_version(t, cfg->min_protocol, &minv)) != 0)
        return rc;
    if (has_cert != has_key)
        return fail(&t->base, SAMSA_ERR_CONFIG, "%s is set but %s is not",
                    has_cert ? "ssl.certificate.*" : "ssl.key.*",
                    has_cert ? "ssl.key.location or ssl.key.pem"
                             : "ssl.certificate.location or .pem");
    t->ctx = SSL_CTX_new(TLS_client_method());
    if (!t->ctx || SSL_CTX_set_min_proto_version(t->ctx, minv) != 1)
        return fail(&t->base, SAMSA_ERR_TLS, "cannot create the TLS context: "
                    "%s", ossl_reason(eb, sizeof eb));
    /* Kafka frames carry their own lengths, so a peer closing without
     * close_notify (brokers do) cannot truncate data unnoticed. */
    SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF |
                                    SSL_OP_NO_RENEGOTIATION);
    /* the connection retries a write with the same bytes, maybe moved */
    SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
                                 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(t->ctx, t->verify_peer ? SSL_VERIFY_PEER
                                              : SSL_VERIFY_NONE, NULL);
    if (t->verify_peer && (rc = load_ca(t, cfg)) != 0)
        return rc;
    if (has_cert && ((rc = load_cert(t, cfg)) != 0 || (rc = load_key(t, cfg)) != 0))
        return rc;
    return 0;
}

static int is_ip_literal(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];

    return inet_pton(AF_INET, host, addr) == 1 ||
           inet_pton(AF_INET6, host, addr) == 1;
}

static int build_ssl(tls_transport *t, const sn_tls_config *cfg)
{
    int ip = is_ip_literal(t->host);
    char eb[128];
    BIO *bio;

    t->bio_meth = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "samsa socket");
    if (!t->bio_meth || !BIO_meth_set_write(t->bio_meth, bio_write) ||
        !BIO_meth_set_read(t->bio_meth, bio_read) ||
        !BIO_meth_set_ctrl(t->bio_meth, bio_ctrl))
        return fail(&t->base, SAMSA_ERR_TLS, "cannot create the socket BIO: "
                    "%s", ossl_reason(eb, sizeof eb));
    t->ssl = SSL_new(t->ctx);
    if (!t->ssl)
        return fail(&t->base, SAMSA_ERR_TLS, "SSL_new: %s",
                    ossl_reason(eb, sizeof eb));
    bio = BIO_new(t->bio_meth);
    if (!bio)
        return fail(&t->base, SAMSA_ERR_TLS, "BIO_new: %s",
                    ossl_reason(eb, sizeof eb));
    BIO_set_data(bio, t);
    BIO_set_init(bio, 1);
    SSL_set_bio(t->ssl, bio, bio); /* the SSL owns the BIO now */
    /* RFC 6066: SNI carries DNS names only, never address literals */
    if (!ip && SSL_set_tlsext_host_name(t->ssl, t->host) != 1)
        return fail(&t->base, SAMSA_ERR_TLS, "SNI '%s': %s", t->host,
                    ossl_reason(eb, sizeof eb));
    if (t->verify_peer && cfg->verify_hostname) {
        X509_VERIFY_PARAM *vp = SSL_get0_param(t->ssl);

        X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if ((ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, t->host)
                : X509_VERIFY_PARAM_set1_host(vp, t->host, 0)) != 1)
            return fail(&t->base, SAMSA_ERR_TLS, "cannot verify host '%s': %s",
                        t->host, ossl_reason(eb, sizeof eb));
    }
    SSL_set_connect_state(t->ssl);
    return 0;
}

/* ---- I/O ---- */

/* Map a failed SSL_* call to SN_WANT_*, 0 (clean close) or an error. */
static int io_error(tls_transport *t, int ret, const char *what)
{
    int e = SSL_get_error(t->ssl, ret), rc;
    char eb[128];

    switch (e) {
    case SSL_ERROR_WANT_READ:
        rc = SN_WANT_READ;
        break;
    case SSL_ERROR_WANT_WRITE:
        rc = SN_WANT_WRITE;
        break;
    case SSL_ERROR_ZERO_RETURN:
        rc = fail(&t->base, SAMSA_ERR_TRANSPORT, "%s with '%s': the broker "
                  "closed the connection", what, t->host);
        break;
    case SSL_ERROR_SYSCALL:
        rc = fail(&t->base, SAMSA_ERR_TRANSPORT, "%s with '%s': %s", what,
                  t->host, t->sys_errno ? strerror_r(t->sys_errno, eb, sizeof eb)
                                        : "the broker closed the connection");
        break;
    default: {
        long v = SSL_get_verify_result(t->ssl);
        unsigned long err = ERR_peek_error();

        if (ERR_GET_LIB(err) == ERR_LIB_SSL &&
            ERR_GET_REASON(err) == SSL_R_CERTIFICATE_VERIFY_FAILED &&
            v != X509_V_OK) {
            if (v == X509_V_ERR_HOSTNAME_MISMATCH ||
                v == X509_V_ERR_IP_ADDRESS_MISMATCH)
                rc = fail(&t->base, SAMSA_ERR_TLS, "%s: certificate does not "
                          "match host '%s'", what, t->host);
            else
                rc = fail(&t->base, SAMSA_ERR_TLS, "%s with '%s': certificate "
                          "verify failed: %s", what, t->host,
                          X509_verify_cert_error_string(v));
        } else {
            rc = fail(&t->base, SAMSA_ERR_TLS, "%s with '%s': %s", what,
                      t->host, ossl_reason(eb, sizeof eb));
        }
        break;
    }
    }
    ERR_clear_error();
    t->sys_errno = 0;
    return rc;
}

static int tls_handshake(sn_transport *bt)
{
    tls_transport *t = (tls_transport *)bt;
    int r;

    ERR_clear_error();
    r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        ERR_clear_error();
        return 0;
    }
    return io_error(t, r, "TLS handshake");
}

static ssize_t tls_read(sn_transport *bt, void *buf, size_t len)
{
    tls_transport *t = (tls_transport *)bt;
    size_t n = 0;

    ERR_clear_error();
    if (SSL_read_ex(t->ssl, buf, len, &n) == 1) {
        ERR_clear_error();
        return (ssize_t)n;
    }
    if (SSL_get_error(t->ssl, 0) == SSL_ERROR_ZERO_RETURN) {
        ERR_clear_error();
        return 0;
    }
    return io_error(t, 0, "TLS read");
}

static ssize_t tls_write(sn_transport *bt, const void *buf, size_t len)
{
    tls_transport *t = (tls_transport *)bt;
    size_t n = 0;

    ERR_clear_error();
    if (SSL_write_ex(t->ssl, buf, len, &n) == 1) {
        ERR_clear_error();
        return (ssize_t)n;
    }
    return io_error(t, 0, "TLS write");
}

static size_t tls_pending(sn_transport *bt)
{
    tls_transport *t = (tls_transport *)bt;
    int n = SSL_pending(t->ssl);

    return n > 0 ? (size_t)n : 0;
}

static void tls_free(sn_transport *bt)
{
    tls_transport *t = (tls_transport *)bt;

    /* no close_notify: the connection closes the fd right after, and Kafka
     * does not need one (see SSL_OP_IGNORE_UNEXPECTED_EOF) */
    SSL_free(t->ssl);
    SSL_CTX_free(t->ctx);
    BIO_meth_free(t->bio_meth);
    ERR_clear_error();
    sp_free(t->base.alloc, t);
}

static const sn_transport_ops tls_ops = {
    "tls", tls_handshake, tls_read, tls_write, tls_pending, tls_free,
};

int sn_transport_tls_new(const samsa_allocator *alloc, int fd,
                         const char *host, const sn_tls_config *cfg,
                         sn_transport **out, char *errbuf, size_t errlen)
{
    static const sn_tls_config defaults = SN_TLS_CONFIG_INIT;
    tls_transport *t;
    int rc;

    *out = NULL;
    set_err(errbuf, errlen, "");
    if (!cfg)
        cfg = &defaults;
    if (!host || !*host || strlen(host) >= sizeof t->host) {
        set_err(errbuf, errlen, "TLS needs the broker's host name (under 256 "
                "bytes)");
        return SAMSA_ERR_INVALID_ARG;
    }
    t = sp_calloc(alloc, 1, sizeof *t);
    if (!t) {
        set_err(errbuf, errlen, "out of memory");
        return SAMSA_ERR_NO_MEMORY;
    }
    t->base.ops = &tls_ops;
    t->base.fd = fd;
    t->base.alloc = alloc;
    t->verify_peer = cfg->verify_peer;
    memcpy(t->host, host, strlen(host) + 1);
    ERR_clear_error();
    rc = build_ctx(t, cfg);
    if (rc == 0)
        rc = build_ssl(t, cfg);
    ERR_clear_error();
    if (rc != 0) {
        set_err(errbuf, errlen, t->base.errstr);
        tls_free(&t->base);
        return rc;
    }
    *out = &t->base;
    return 0;
}

#else /* !SAMSA_WITH_SSL */

int sn_transport_tls_new(const samsa_allocator *alloc, int fd,
                         const char *host, const sn_tls_config *cfg,
                         sn_transport **out, char *errbuf, size_t errlen)
{
    (void)alloc;
    (void)fd;
    (void)host;
    (void)cfg;
    *out = NULL;
    set_err(errbuf, errlen, "TLS needs a build with WITH_SSL=1 (OpenSSL)");
    return SAMSA_ERR_NOT_SUPPORTED;
}

#endif
