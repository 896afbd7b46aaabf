/*
 * Transports (net/transport_plain.c, net/transport_tls.c) over a
 * socketpair. The TLS tests make their PKI at start-up with OpenSSL's API
 * (CAs, server certificates valid, expired and for other names, a client
 * certificate with an encrypted key) in a temporary directory, and run an
 * OpenSSL server on the other end of the pair, pumped in the same thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa/error.h"
#include "transport.h"

static void pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
}

/* ---------------------------------------------------------------- plain */

static void test_plain_transport(void **state)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
    char buf[16];
    int sv[2];
    sn_transport *t;

    (void)state;
    pair(sv);
    t = sn_transport_plain_new(NULL, sv[0]);
    assert_non_null(t);
    assert_string_equal(t->ops->name, "plain");
    assert_int_equal(t->ops->handshake(t), 0);
    assert_int_equal(t->ops->read(t, buf, sizeof buf), SN_WANT_READ);
    assert_int_equal(t->ops->write(t, "ping", 4), 4);
    assert_int_equal(read(sv[1], buf, sizeof buf), 4);
    assert_int_equal(write(sv[1], "pong", 4), 4);
    assert_int_equal(t->ops->read(t, buf, sizeof buf), 4);
    assert_memory_equal(buf, "pong", 4);
    assert_int_equal(t->ops->pending(t), 0);
    /* fill the socket buffer until the transport asks to wait */
    {
        static char big[65536];
        long rc = 0;
        int i;

        for (i = 0; i < 1000 && (rc = t->ops->write(t, big, sizeof big)) > 0; i++)
            ;
        assert_int_equal(rc, SN_WANT_WRITE);
    }
    /* closing with our bytes unread resets the connection */
    close(sv[1]);
    assert_int_equal(t->ops->read(t, buf, sizeof buf), SAMSA_ERR_TRANSPORT);
    assert_string_equal(t->errstr, "recv: Connection reset by peer");
    sn_transport_free(t);
    close(sv[0]);

    /* a clean close reads as 0; a write then must not raise SIGPIPE
     * (default action restored to prove MSG_NOSIGNAL) */
    pair(sv);
    t = sn_transport_plain_new(NULL, sv[0]);
    close(sv[1]);
    assert_int_equal(t->ops->read(t, buf, sizeof buf), 0);
    sigaction(SIGPIPE, &dfl, &old);
    assert_int_equal(t->ops->write(t, "x", 1), SAMSA_ERR_TRANSPORT);
    sigaction(SIGPIPE, &old, NULL);
    assert_string_equal(t->errstr, "send: Broken pipe");
    sn_transport_free(t);
    close(sv[0]);
    sn_transport_free(NULL);
}

static void test_plain_fault_injection(void **state)
{
    st_fail_alloc fa;
    sn_transport *t;

    (void)state;
    st_fail_alloc_init(&fa, 1);
    assert_null(sn_transport_plain_new(&fa.alloc, 0));
    st_fail_alloc_init(&fa, 0);
    t = sn_transport_plain_new(&fa.alloc, 0);
    assert_non_null(t);
    sn_transport_free(t);
    assert_int_equal(fa.live, 0);
}

#if SAMSA_WITH_SSL
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define KEY_PASSWORD "hunter2-key-secret"

static int want(long rc)
{
    return rc == SN_WANT_READ || rc == SN_WANT_WRITE;
}

typedef struct pki {
    char dir[64];
    EVP_PKEY *ca_key, *other_key, *srv_key, *cli_key;
    X509 *ca, *other_ca, *srv, *srv_expired, *cli;
    char ca_file[128], other_ca_file[128], hashed_dir[128];
    char cli_cert_file[128], cli_key_file[128], plain_key_file[128];
    char *ca_pem, *cli_cert_pem, *cli_key_pem, *other_key_pem;
} pki;

static pki P;

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    assert_non_null(ext);
    assert_int_equal(X509_add_ext(x, ext, -1), 1);
    X509_EXTENSION_free(ext);
}

/* Certificate for key, signed by issuer (self-signed when NULL), valid
 * from now+nb to now+na seconds. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key, const char *san, long nb, long na)
{
    static long serial = 1;
    X509 *x = X509_new();
    X509_NAME *name = X509_get_subject_name(x);

    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), nb);
    X509_gmtime_adj(X509_getm_notAfter(x), na);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
                               -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    add_ext(x, issuer, NID_subject_key_identifier, "hash");
    if (!issuer) {
        add_ext(x, NULL, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, NULL, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
        add_ext(x, issuer, NID_basic_constraints, "critical,CA:FALSE");
        if (san)
            add_ext(x, issuer, NID_subject_alt_name, san);
    }
    assert_true(X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()) > 0);
    return x;
}

static char *bio_string(BIO *b)
{
    char *data, *s;
    long n = BIO_get_mem_data(b, &data);

    s = malloc((size_t)n + 1);
    memcpy(s, data, (size_t)n);
    s[n] = '\0';
    BIO_free(b);
    return s;
}

static char *cert_pem(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());

    PEM_write_bio_X509(b, x);
    return bio_string(b);
}

static char *key_pem(EVP_PKEY *k, const char *password)
{
    BIO *b = BIO_new(BIO_s_mem());

    PEM_write_bio_PKCS8PrivateKey(b, k, password ? EVP_aes_256_cbc() : NULL,
                                  password, password ? (int)strlen(password) : 0,
                                  NULL, NULL);
    return bio_string(b);
}

static void write_file(char *path, size_t cap, const char *dir,
                       const char *name, const char *text)
{
    FILE *f;

    snprintf(path, cap, "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int pki_setup(void **state)
{
    char *pem, name[32], path[192];

    (void)state;
    signal(SIGPIPE, SIG_IGN); /* the test server's socket BIO uses send() */
    snprintf(P.dir, sizeof P.dir, "/tmp/samsa-tls-XXXXXX");
    if (!mkdtemp(P.dir))
        return -1;
    P.ca_key = EVP_EC_gen("P-256");
    P.other_key = EVP_EC_gen("P-256");
    P.srv_key = EVP_EC_gen("P-256");
    P.cli_key = EVP_EC_gen("P-256");
    P.ca = make_cert("samsa test CA", P.ca_key, NULL, NULL, NULL, -3600, 86400);
    P.other_ca = make_cert("other CA", P.other_key, NULL, NULL, NULL, -3600, 86400);
    P.srv = make_cert("localhost", P.srv_key, P.ca, P.ca_key,
                      "DNS:localhost,DNS:*.kafka.test,IP:127.0.0.1", -3600, 86400);
    P.srv_expired = make_cert("localhost", P.srv_key, P.ca, P.ca_key,
                              "DNS:localhost", -7200, -3600);
    P.cli = make_cert("samsa client", P.cli_key, P.ca, P.ca_key, NULL, -3600,
                      86400);

    P.ca_pem = cert_pem(P.ca);
    write_file(P.ca_file, sizeof P.ca_file, P.dir, "ca.pem", P.ca_pem);
    pem = cert_pem(P.other_ca);
    write_file(P.other_ca_file, sizeof P.other_ca_file, P.dir, "other.pem", pem);
    free(pem);
    /* a c_rehash-style directory: <subject hash>.0 */
    snprintf(P.hashed_dir, sizeof P.hashed_dir, "%s/cadir", P.dir);
    mkdir(P.hashed_dir, 0700);
    snprintf(name, sizeof name, "%08lx.0", X509_subject_name_hash(P.ca));
    write_file(path, sizeof path, P.hashed_dir, name, P.ca_pem);
    P.cli_cert_pem = cert_pem(P.cli);
    write_file(P.cli_cert_file, sizeof P.cli_cert_file, P.dir, "client.pem",
               P.cli_cert_pem);
    P.cli_key_pem = key_pem(P.cli_key, KEY_PASSWORD);
    write_file(P.cli_key_file, sizeof P.cli_key_file, P.dir, "client.key",
               P.cli_key_pem);
    pem = key_pem(P.cli_key, NULL);
    write_file(P.plain_key_file, sizeof P.plain_key_file, P.dir, "plain.key", pem);
    free(pem);
    P.other_key_pem = key_pem(P.other_key, NULL);
    return 0;
}

static int pki_teardown(void **state)
{
    char path[192];

    (void)state;
    snprintf(path, sizeof path, "rm -rf '%s'", P.dir);
    if (system(path) != 0)
        return -1;
    EVP_PKEY_free(P.ca_key);
    EVP_PKEY_free(P.other_key);
    EVP_PKEY_free(P.srv_key);
    EVP_PKEY_free(P.cli_key);
    X509_free(P.ca);
    X509_free(P.other_ca);
    X509_free(P.srv);
    X509_free(P.srv_expired);
    X509_free(P.cli);
    free(P.ca_pem);
    free(P.cli_cert_pem);
    free(P.cli_key_pem);
    free(P.other_key_pem);
    return 0;
}

/* ---- the in-test server ---- */

typedef struct server {
    SSL_CTX *ctx;
    SSL *ssl;
    int done, failed;
} server;

static void server_start(server *s, int fd, X509 *cert, int require_client_cert,
                         int max_version)
{
    memset(s, 0, sizeof *s);
    s->ctx = SSL_CTX_new(TLS_server_method());
    assert_int_equal(SSL_CTX_use_certificate(s->ctx, cert), 1);
    assert_int_equal(SSL_CTX_use_PrivateKey(s->ctx, P.srv_key), 1);
    if (max_version)
        SSL_CTX_set_max_proto_version(s->ctx, max_version);
    if (require_client_cert) {
        X509_STORE_add_cert(SSL_CTX_get_cert_store(s->ctx), P.ca);
        SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER |
                                       SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    }
    s->ssl = SSL_new(s->ctx);
    SSL_set_fd(s->ssl, fd);
    SSL_set_accept_state(s->ssl);
}

static void server_stop(server *s)
{
    SSL_free(s->ssl);
    SSL_CTX_free(s->ctx);
    ERR_clear_error();
}

/* Pump client and server handshakes until the client finishes or fails. */
static int pump(sn_transport *t, server *s)
{
    int crc = SN_WANT_WRITE, i;

    for (i = 0; i < 1000; i++) {
        if (crc != 0) {
            crc = t->ops->handshake(t);
            if (crc < 0 && !want(crc))
                return crc;
        }
        if (!s->done && !s->failed) {
            int r = SSL_do_handshake(s->ssl), e;

            if (r == 1) {
                s->done = 1;
            } else {
                e = SSL_get_error(s->ssl, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                    s->failed = 1;
                ERR_clear_error();
            }
        }
        if (crc == 0 && (s->done || s->failed))
            return 0;
    }
    fail_msg("handshake did not finish");
    return -1;
}

typedef struct run {
    int sv[2];
    server srv;
    sn_transport *t;
    int rc;          /* sn_transport_tls_new */
    int hs;          /* pump */
    char err[256];
} run;

/* New transport for host with cfg against a server presenting cert. */
static void run_start(run *r, const char *host, const sn_tls_config *cfg,
                      X509 *cert, int require_client_cert)
{
    memset(r, 0, sizeof *r);
    pair(r->sv);
    r->rc = sn_transport_tls_new(NULL, r->sv[0], host, cfg, &r->t, r->err,
                                 sizeof r->err);
    server_start(&r->srv, r->sv[1], cert, require_client_cert, 0);
    r->hs = r->rc == 0 ? pump(r->t, &r->srv) : r->rc;
    if (r->hs != 0 && r->t)
        snprintf(r->err, sizeof r->err, "%s", r->t->errstr);
}

static void run_end(run *r)
{
    /* nothing of this connection may stay behind in the error queue (the
     * server's calls clear theirs) */
    assert_int_equal(ERR_peek_error(), 0);
    sn_transport_free(r->t);
    server_stop(&r->srv);
    close(r->sv[0]);
    close(r->sv[1]);
}

static sn_tls_config ca_cfg(void)
{
    sn_tls_config c = SN_TLS_CONFIG_INIT;

    c.ca_location = P.ca_file;
    return c;
}

static void expect_ok(const char *host, const sn_tls_config *cfg)
{
    run r;

    run_start(&r, host, cfg, P.srv, 0);
    if (r.hs != 0)
        fail_msg("host %s: %s", host, r.err);
    run_end(&r);
}

static void expect_fail(const char *host, const sn_tls_config *cfg, X509 *cert,
                        int rc, const char *why)
{
    run r;

    run_start(&r, host, cfg, cert, 0);
    assert_int_equal(r.hs, rc);
    if (!strstr(r.err, why))
        fail_msg("host %s: '%s' lacks '%s'", host, r.err, why);
    run_end(&r);
}

/* ---- tests ---- */

static void test_tls_round_trip(void **state)
{
    sn_tls_config cfg = ca_cfg();
    char buf[64];
    run r;
    size_t n;

    (void)state;
    run_start(&r, "localhost", &cfg, P.srv, 0);
    assert_int_equal(r.hs, 0);
    assert_string_equal(r.t->ops->name, "tls");
    assert_string_equal(SSL_get_servername(r.srv.ssl, TLSEXT_NAMETYPE_host_name),
                        "localhost");
    assert_int_equal(SSL_version(r.srv.ssl), TLS1_3_VERSION);
    assert_int_equal(r.t->ops->read(r.t, buf, sizeof buf), SN_WANT_READ);
    assert_int_equal(r.t->ops->write(r.t, "ping", 4), 4);
    assert_int_equal(SSL_read_ex(r.srv.ssl, buf, sizeof buf, &n), 1);
    assert_memory_equal(buf, "ping", 4);
    /* one 40-byte record: read 10, the rest is pending inside TLS */
    assert_int_equal(SSL_write_ex(r.srv.ssl, "0123456789012345678901234567890123456789",
                                  40, &n), 1);
    assert_int_equal(r.t->ops->read(r.t, buf, 10), 10);
    assert_int_equal(r.t->ops->pending(r.t), 30);
    assert_int_equal(r.t->ops->read(r.t, buf, sizeof buf), 30);
    assert_int_equal(r.t->ops->pending(r.t), 0);
    /* clean close_notify from the server reads as 0 */
    SSL_shutdown(r.srv.ssl);
    assert_int_equal(r.t->ops->read(r.t, buf, sizeof buf), 0);
    run_end(&r);
}

static void test_tls_close_without_notify(void **state)
{
    sn_tls_config cfg = ca_cfg();
    char buf[16];
    run r;

    (void)state;
    run_start(&r, "localhost", &cfg, P.srv, 0);
    assert_int_equal(r.hs, 0);
    shutdown(r.sv[1], SHUT_RDWR);
    /* the server's post-handshake tickets may come first, then EOF */
    if (r.t->ops->read(r.t, buf, sizeof buf) != 0)
        fail_msg("read: %s", r.t->errstr);
    assert_true(r.t->ops->write(r.t, "x", 1) < 0);
    run_end(&r);
}

static void test_tls_ca_sources(void **state)
{
    sn_tls_config cfg = SN_TLS_CONFIG_INIT;

    (void)state;
    cfg.ca_pem = P.ca_pem;
    expect_ok("localhost", &cfg);
    cfg.ca_pem = NULL;
    cfg.ca_location = P.hashed_dir;
    expect_ok("localhost", &cfg);
    cfg.ca_location = P.other_ca_file; /* both: either may vouch */
    cfg.ca_pem = P.ca_pem;
    expect_ok("localhost", &cfg);
}

static void test_tls_unknown_ca(void **state)
{
    sn_tls_config cfg = SN_TLS_CONFIG_INIT;

    (void)state;
    cfg.ca_location = P.other_ca_file;
    expect_fail("localhost", &cfg, P.srv, SAMSA_ERR_TLS,
                "certificate verify failed: unable to get local issuer "
                "certificate");
    /* the system's default CAs do not know the test CA either */
    expect_fail("localhost", NULL, P.srv, SAMSA_ERR_TLS,
                "unable to get local issuer certificate");
    /* unless verification is off (tests only) */
    cfg.verify_peer = 0;
    expect_ok("localhost", &cfg);
}

static void test_tls_host_name(void **state)
{
    sn_tls_config cfg = ca_cfg();
    run r;

    (void)state;
    expect_fail("broker.example", &cfg, P.srv, SAMSA_ERR_TLS,
                "certificate does not match host 'broker.example'");
    expect_ok("b1.kafka.test", &cfg); /* wildcard */
    expect_fail("a.b1.kafka.test", &cfg, P.srv, SAMSA_ERR_TLS,
                "does not match host");
    /* IP literals: matched against IP SANs, and no SNI */
    run_start(&r, "127.0.0.1", &cfg, P.srv, 0);
    assert_int_equal(r.hs, 0);
    assert_null(SSL_get_servername(r.srv.ssl, TLSEXT_NAMETYPE_host_name));
    run_end(&r);
    expect_fail("127.0.0.2", &cfg, P.srv, SAMSA_ERR_TLS,
                "certificate does not match host '127.0.0.2'");
    expect_fail("::1", &cfg, P.srv, SAMSA_ERR_TLS, "does not match host '::1'");
    /* ssl.endpoint.identification.algorithm=none */
    cfg.verify_hostname = 0;
    expect_ok("broker.example", &cfg);
}

static void test_tls_expired(void **state)
{
    sn_tls_config cfg = ca_cfg();

    (void)state;
    expect_fail("localhost", &cfg, P.srv_expired, SAMSA_ERR_TLS,
                "certificate verify failed: certificate has expired");
}

static void test_tls_protocol_floor(void **state)
{
    sn_tls_config cfg = ca_cfg();
    run r;

    (void)state;
    /* default floor TLS 1.2 talks to a 1.2-only server */
    memset(&r, 0, sizeof r);
    pair(r.sv);
    assert_int_equal(sn_transport_tls_new(NULL, r.sv[0], "localhost", &cfg,
                                          &r.t, r.err, sizeof r.err), 0);
    server_start(&r.srv, r.sv[1], P.srv, 0, TLS1_2_VERSION);
    assert_int_equal(pump(r.t, &r.srv), 0);
    run_end(&r);
    /* a TLSv1.3 floor refuses it */
    cfg.min_protocol = "TLSv1.3";
    memset(&r, 0, sizeof r);
    pair(r.sv);
    assert_int_equal(sn_transport_tls_new(NULL, r.sv[0], "localhost", &cfg,
                                          &r.t, r.err, sizeof r.err), 0);
    server_start(&r.srv, r.sv[1], P.srv, 0, TLS1_2_VERSION);
    assert_int_equal(pump(r.t, &r.srv), SAMSA_ERR_TLS);
    assert_non_null(strstr(r.t->errstr, "TLS handshake with 'localhost'"));
    run_end(&r);
}

static void test_tls_client_certificate(void **state)
{
    sn_tls_config cfg = ca_cfg();
    char buf[8];
    run r;

    (void)state;
    /* files, encrypted key */
    cfg.cert_location = P.cli_cert_file;
    cfg.key_location = P.cli_key_file;
    cfg.key_password = KEY_PASSWORD;
    run_start(&r, "localhost", &cfg, P.srv, 1);
    assert_int_equal(r.hs, 0);
    assert_int_equal(r.t->ops->write(r.t, "hi", 2), 2);
    assert_int_equal(SSL_read(r.srv.ssl, buf, sizeof buf), 2);
    assert_int_equal(r.srv.done, 1);
    run_end(&r);
    /* PEM strings */
    cfg.cert_location = cfg.key_location = NULL;
    cfg.cert_pem = P.cli_cert_pem;
    cfg.key_pem = P.cli_key_pem;
    run_start(&r, "localhost", &cfg, P.srv, 1);
    assert_int_equal(r.hs, 0);
    assert_int_equal(r.t->ops->write(r.t, "hi", 2), 2);
    assert_int_equal(SSL_read(r.srv.ssl, buf, sizeof buf), 2);
    run_end(&r);
    /* an unencrypted key needs no password, and ignores one */
    cfg.cert_pem = NULL;
    cfg.key_pem = NULL;
    cfg.cert_location = P.cli_cert_file;
    cfg.key_location = P.plain_key_file;
    run_start(&r, "localhost", &cfg, P.srv, 1);
    assert_int_equal(r.hs, 0);
    run_end(&r);
}

static void expect_new_fail(const sn_tls_config *cfg, int rc, const char *why)
{
    sn_transport *t = (sn_transport *)1;
    char err[256];

    assert_int_equal(sn_transport_tls_new(NULL, 0, "localhost", cfg, &t, err,
                                          sizeof err), rc);
    assert_null(t);
    if (!strstr(err, why))
        fail_msg("'%s' lacks '%s'", err, why);
    assert_null(strstr(err, KEY_PASSWORD));
    assert_null(strstr(err, "PRIVATE KEY"));
    assert_int_equal(ERR_peek_error(), 0);
}

static void test_tls_config_errors(void **state)
{
    sn_tls_config cfg = ca_cfg();
    sn_transport *t;
    char err[256];

    (void)state;
    cfg.key_location = P.cli_key_file;
    cfg.cert_location = P.cli_cert_file;
    cfg.key_password = "wrong";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "cannot decrypt the private key: wrong "
                                         "ssl.key.password");
    cfg.key_password = NULL;
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "the private key is encrypted and "
                                         "ssl.key.password is not set");
    cfg.key_location = NULL;
    cfg.key_pem = P.cli_key_pem;
    cfg.key_password = "wrong";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.key.pem: cannot decrypt");
    cfg.key_pem = P.other_key_pem;
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.key.pem does not match the "
                                         "client certificate");
    cfg.key_pem = "not a key";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.key.pem: no PEM private key");
    cfg.key_pem = NULL;
    expect_new_fail(&cfg, SAMSA_ERR_CONFIG, "ssl.certificate.* is set but");
    cfg.key_location = "/nonexistent/client.key";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.key.location "
                    "'/nonexistent/client.key': No such file or directory");
    cfg.key_location = P.plain_key_file;
    cfg.cert_location = "/nonexistent/client.pem";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "No such file or directory");
    cfg.cert_location = P.plain_key_file;
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.certificate.location");
    cfg.cert_location = NULL;
    cfg.cert_pem = "garbage";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.certificate.pem: ");

    cfg = ca_cfg();
    cfg.ca_location = "/nonexistent/ca.pem";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.ca.location '/nonexistent/ca.pem': "
                                         "No such file or directory");
    cfg.ca_location = P.plain_key_file;
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.ca.location");
    cfg.ca_location = NULL;
    cfg.ca_pem = "-----BEGIN NOTHING-----\n";
    expect_new_fail(&cfg, SAMSA_ERR_TLS, "ssl.ca.pem holds no PEM certificate");
    cfg = ca_cfg();
    cfg.min_protocol = "TLSv1.1";
    expect_new_fail(&cfg, SAMSA_ERR_CONFIG, "'TLSv1.1' is not TLSv1.2 or "
                                            "TLSv1.3");
    assert_int_equal(sn_transport_tls_new(NULL, 0, NULL, &cfg, &t, err,
                                          sizeof err), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sn_transport_tls_new(NULL, 0, "", &cfg, &t, err, sizeof err),
                     SAMSA_ERR_INVALID_ARG);
}

/* Errors queued by someone else on this thread never show up in ours, and
 * ours never stay behind. */
static void test_tls_error_queue_isolation(void **state)
{
    sn_tls_config cfg = ca_cfg();
    run r;

    (void)state;
    ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_PACKET, "from another connection");
    run_start(&r, "localhost", &cfg, P.srv, 0);
    assert_int_equal(r.hs, 0);
    run_end(&r);
    ERR_raise_data(ERR_LIB_SSL, SSL_R_BAD_PACKET, "from another connection");
    cfg.ca_location = P.other_ca_file;
    run_start(&r, "localhost", &cfg, P.srv, 0);
    assert_int_equal(r.hs, SAMSA_ERR_TLS);
    assert_null(strstr(r.err, "bad packet"));
    run_end(&r);
}

static void test_tls_fault_injection(void **state)
{
    sn_tls_config cfg = ca_cfg();
    st_fail_alloc fa;
    sn_transport *t;
    char err[128];

    (void)state;
    st_fail_alloc_init(&fa, 1);
    assert_int_equal(sn_transport_tls_new(&fa.alloc, 0, "localhost", &cfg, &t,
                                          err, sizeof err), SAMSA_ERR_NO_MEMORY);
    assert_null(t);
    assert_int_equal(fa.live, 0);
    st_fail_alloc_init(&fa, 2); /* the transport is the only allocation */
    assert_int_equal(sn_transport_tls_new(&fa.alloc, 0, "localhost", &cfg, &t,
                                          err, sizeof err), 0);
    assert_int_equal(fa.calls, 1);
    sn_transport_free(t);
    assert_int_equal(fa.live, 0);
}

#else

static void test_tls_not_supported(void **state)
{
    sn_transport *t = (sn_transport *)1;
    char err[128];

    (void)state;
    assert_int_equal(sn_transport_tls_new(NULL, 0, "localhost", NULL, &t, err,
                                          sizeof err), SAMSA_ERR_NOT_SUPPORTED);
    assert_null(t);
    assert_non_null(strstr(err, "WITH_SSL"));
}

#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_transport),
        cmocka_unit_test(test_plain_fault_injection),
#if SAMSA_WITH_SSL
        cmocka_unit_test(test_tls_round_trip),
        cmocka_unit_test(test_tls_close_without_notify),
        cmocka_unit_test(test_tls_ca_sources),
        cmocka_unit_test(test_tls_unknown_ca),
        cmocka_unit_test(test_tls_host_name),
        cmocka_unit_test(test_tls_expired),
        cmocka_unit_test(test_tls_protocol_floor),
        cmocka_unit_test(test_tls_client_certificate),
        cmocka_unit_test(test_tls_config_errors),
        cmocka_unit_test(test_tls_error_queue_isolation),
        cmocka_unit_test(test_tls_fault_injection),
    };
    return cmocka_run_group_tests_name("tls", tests, pki_setup, pki_teardown);
#else
        cmocka_unit_test(test_tls_not_supported),
    };
    return cmocka_run_group_tests_name("tls", tests, NULL, NULL);
#endif
}
