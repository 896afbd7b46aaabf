/*
 * net/conn against the harness broker: every listener (PLAINTEXT, SSL,
 * SASL_PLAINTEXT with PLAIN / SCRAM-SHA-256 / SCRAM-SHA-512 / OAUTHBEARER,
 * SASL_SSL), in embedded and background mode; TLS with a wrong CA and a
 * wrong host name, a wrong password (one clear error per attempt, backoff
 * respected), and a broker of our own stopped mid-request and restarted
 * (SAMSA_TEST_CONN_RESTART=1; it starts a second broker, so it is opt-in).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "api_versions.h"
#include "conn.h"
#include "loop.h"
#include "oauth_unsecured.h"
#include "samsa/error.h"

#define WAIT_MS 20000

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct tctx {
    atomic_int up, down, auth_failed;
    atomic_int last_state_err;
    char errstr[256];
    atomic_int calls, err;
    atomic_size_t len;
} tctx;

static void state_cb(void *opaque, sn_conn *c, sn_conn_event ev, int err,
                     const char *errstr)
{
    tctx *t = opaque;

    (void)c;
    if (ev == SN_CONN_EV_UP)
        atomic_fetch_add(&t->up, 1);
    else if (ev == SN_CONN_EV_DOWN)
        atomic_fetch_add(&t->down, 1);
    else
        atomic_fetch_add(&t->auth_failed, 1);
    atomic_store(&t->last_state_err, err);
    snprintf(t->errstr, sizeof t->errstr, "%s", errstr);
    if (getenv("SAMSA_TEST_VERBOSE"))
        fprintf(stderr, "# state %d err %s: %s\n", (int)ev,
                samsa_err_name(err), errstr);
}

static void resp_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    tctx *t = opaque;

    (void)body;
    atomic_store(&t->err, err);
    atomic_store(&t->len, len);
    atomic_fetch_add(&t->calls, 1);
}

static int enc_apiversions(sp_writer *w, int16_t v, const void *arg)
{
    sp_api_versions_req req = { "samsa-test", "0.1.0", NULL, -1 };

    (void)arg;
    return sp_api_versions_req_encode(w, v, &req);
}

static sn_request apiversions_req(tctx *t, int16_t v)
{
    sn_request q;

    memset(&q, 0, sizeof q);
    q.api_key = SP_API_VERSIONS_KEY;
    q.api_version = v;
    q.encode = enc_apiversions;
    q.cb = resp_cb;
    q.opaque = t;
    return q;
}

static void split(const char *hostport, char *host, size_t hl, int *port)
{
    const char *colon = strrchr(hostport, ':');

    assert_non_null(colon);
    snprintf(host, hl, "%.*s", (int)(colon - hostport), hostport);
    *port = atoi(colon + 1);
}

static void poll_until(sn_loop *loop, atomic_int *v, int want, int ms)
{
    int64_t end = now_ms() + ms;

    while (atomic_load(v) < want && now_ms() < end)
        assert_true(sn_loop_poll(loop, 50) >= 0);
}

/* Embedded: connect, ApiVersions through the connection, check versions. */
static void round_trip_embedded(const char *hostport, const char *host_override,
                                const sn_conn_config *cfg)
{
    char host[128];
    int port;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cc = *cfg;
    tctx t;
    sn_request q;
    int16_t v;
    char eb[256];

    memset(&t, 0, sizeof t);
    split(hostport, host, sizeof host, &port);
    if (host_override)
        snprintf(host, sizeof host, "%s", host_override);
    cc.state_cb = state_cb;
    cc.state_opaque = &t;
    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_int_equal(sn_conn_new(loop, host, port, &cc, &c, eb, sizeof eb), 0);
    assert_int_equal(sn_conn_api_version(c, 18, &v), SAMSA_ERR_STATE);
    q = apiversions_req(&t, 3);
    assert_int_equal(sn_conn_send(c, &q), 0);
    assert_int_equal(atomic_load(&t.calls), 0); /* never inside send */
    poll_until(loop, &t.calls, 1, WAIT_MS);
    if (atomic_load(&t.err) != 0)
        fprintf(stderr, "# %s\n", sn_conn_errstr(c));
    assert_int_equal(atomic_load(&t.calls), 1);
    assert_int_equal(atomic_load(&t.err), 0);
    assert_true(atomic_load(&t.len) > 100);
    assert_int_equal(atomic_load(&t.up), 1);
    assert_int_equal(sn_conn_get_state(c), SN_CONN_READY);
    assert_int_equal(sn_conn_api_version(c, 18, &v), 0);
    assert_true(v >= 3);
    /* no common version: refused at once, nothing sent */
    q = apiversions_req(&t, 300);
    assert_int_equal(sn_conn_send(c, &q), SAMSA_ERR_NO_COMMON_VERSION);
    /* pipelined round trips */
    {
        int i;
        for (i = 0; i < 12; i++) {
            q = apiversions_req(&t, (int16_t)(i % 4));
            assert_int_equal(sn_conn_send(c, &q), 0);
        }
        poll_until(loop, &t.calls, 13, WAIT_MS);
        assert_int_equal(atomic_load(&t.calls), 13);
        assert_int_equal(atomic_load(&t.err), 0);
    }
    assert_int_equal(atomic_load(&t.down), 0);
    assert_int_equal(sn_conn_attempts(c), 1);
    sn_conn_destroy(c);
    sn_loop_free(loop);
}

/* Background: the loop runs on its I/O thread; everything reaches the
 * connection through sn_loop_post. */
typedef struct bg {
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    char host[128];
    int port;
    tctx t;
    atomic_int created;
    int send_rc;
} bg;

static void bg_create(void *arg)
{
    bg *b = arg;
    char eb[256];
    sn_request q;

    b->cfg.state_cb = state_cb;
    b->cfg.state_opaque = &b->t;
    if (sn_conn_new(b->loop, b->host, b->port, &b->cfg, &b->c, eb, sizeof eb) == 0) {
        q = apiversions_req(&b->t, 3);
        b->send_rc = sn_conn_send(b->c, &q);
    } else {
        b->send_rc = -1;
    }
    atomic_store(&b->created, 1);
}

static void bg_destroy(void *arg)
{
    bg *b = arg;

    sn_conn_destroy(b->c);
    b->c = NULL;
    atomic_store(&b->created, 2);
}

static void round_trip_background(const char *hostport, const sn_conn_config *cfg)
{
    bg *b = calloc(1, sizeof *b);
    int64_t end;

    split(hostport, b->host, sizeof b->host, &b->port);
    b->cfg = *cfg;
    assert_int_equal(sn_loop_new(NULL, &b->loop), 0);
    assert_int_equal(sn_loop_start(b->loop), 0);
    assert_int_equal(sn_loop_post(b->loop, bg_create, b), 0);
    end = now_ms() + WAIT_MS;
    while (atomic_load(&b->t.calls) < 1 && now_ms() < end)
        usleep(2000);
    assert_int_equal(b->send_rc, 0);
    assert_int_equal(atomic_load(&b->t.calls), 1);
    assert_int_equal(atomic_load(&b->t.err), 0);
    assert_int_equal(atomic_load(&b->t.up), 1);
    assert_int_equal(sn_loop_post(b->loop, bg_destroy, b), 0);
    while (atomic_load(&b->created) != 2 && now_ms() < end + 5000)
        usleep(1000);
    assert_int_equal(sn_loop_stop(b->loop), 0);
    sn_loop_free(b->loop);
    free(b);
}

static void both_modes(const char *hostport, const sn_conn_config *cfg)
{
    round_trip_embedded(hostport, NULL, cfg);
    round_trip_background(hostport, cfg);
}

/* ---- listeners ---- */

static void test_plaintext(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    sn_conn_config cfg;
    (void)state;

    sn_conn_config_init(&cfg);
    both_modes(bs, &cfg);
    /* by name: the resolver thread */
    {
        char host[128];
        int port;
        char hp[160];

        split(bs, host, sizeof host, &port);
        snprintf(hp, sizeof hp, "localhost:%d", port);
        round_trip_embedded(hp, NULL, &cfg);
    }
}

static void tls_cfg(sn_conn_config *cfg, sn_security sec, const char *ca)
{
    sn_conn_config_init(cfg);
    cfg->security = sec;
    cfg->tls.ca_location = ca;
}

static void test_ssl(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SSL_BOOTSTRAP");
    const char *ca = st_require_env("SAMSA_TEST_CA");
    sn_conn_config cfg;
    (void)state;

    tls_cfg(&cfg, SN_SEC_SSL, ca);
    both_modes(bs, &cfg);
    /* the SSL listener requests a client certificate: present one */
    if (st_env("SAMSA_TEST_CLIENT_CERT") && st_env("SAMSA_TEST_CLIENT_KEY")) {
        sn_conn_config m = cfg;

        m.tls.cert_location = st_env("SAMSA_TEST_CLIENT_CERT");
        m.tls.key_location = st_env("SAMSA_TEST_CLIENT_KEY");
        round_trip_embedded(bs, NULL, &m);
    }
    /* "localhost" is in the certificate too */
    {
        char host[128], hp[160];
        int port;

        split(bs, host, sizeof host, &port);
        snprintf(hp, sizeof hp, "localhost:%d", port);
        round_trip_embedded(hp, NULL, &cfg);
    }
}

/* A TLS failure: one clear error, the request fails once with TLS, and no
 * new attempt without new work. */
static void tls_failure(const char *hostport, const char *host_override,
                        const sn_conn_config *cfg, const char *want_in_err)
{
    char host[128];
    int port;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cc = *cfg;
    tctx t;
    sn_request q;
    char eb[256];

    memset(&t, 0, sizeof t);
    split(hostport, host, sizeof host, &port);
    if (host_override)
        snprintf(host, sizeof host, "%s", host_override);
    cc.state_cb = state_cb;
    cc.state_opaque = &t;
    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_int_equal(sn_conn_new(loop, host, port, &cc, &c, eb, sizeof eb), 0);
    q = apiversions_req(&t, 3);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_until(loop, &t.calls, 1, WAIT_MS);
    assert_int_equal(atomic_load(&t.calls), 1);
    assert_int_equal(atomic_load(&t.err), SAMSA_ERR_TLS);
    assert_int_equal(atomic_load(&t.auth_failed), 1);
    assert_int_equal(atomic_load(&t.last_state_err), SAMSA_ERR_TLS);
    fprintf(stderr, "# expected TLS failure: %s\n", t.errstr);
    assert_non_null(strstr(t.errstr, want_in_err));
    /* no retry storm: nothing happens for a second without new work */
    {
        int64_t end = now_ms() + 1000;
        while (now_ms() < end)
            sn_loop_poll(loop, 100);
    }
    assert_int_equal(sn_conn_attempts(c), 1);
    assert_int_equal(atomic_load(&t.calls), 1);
    assert_int_equal(sn_conn_get_state(c), SN_CONN_DOWN);
    sn_conn_destroy(c);
    sn_loop_free(loop);
}

static void test_ssl_wrong_ca(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SSL_BOOTSTRAP");
    const char *other = st_require_env("SAMSA_TEST_OTHER_CA");
    sn_conn_config cfg;
    (void)state;

    tls_cfg(&cfg, SN_SEC_SSL, other);
    tls_failure(bs, NULL, &cfg, "certificate");
}

static void test_ssl_wrong_hostname(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SSL_BOOTSTRAP");
    const char *ca = st_require_env("SAMSA_TEST_CA");
    sn_conn_config cfg;
    (void)state;

    /* the broker certificate names localhost and 127.0.0.1; /etc/hosts
     * maps "vm" to 127.0.0.1 as well */
    tls_cfg(&cfg, SN_SEC_SSL, ca);
    tls_failure(bs, "vm", &cfg, "vm");
}

static void sasl_cfg(sn_conn_config *cfg, sn_security sec, const char *mech)
{
    static sn_oauth_unsecured tok = { "alice", NULL, 3600 };

    sn_conn_config_init(cfg);
    cfg->security = sec;
    cfg->sasl.mechanism = mech;
    cfg->sasl.username = st_env("SAMSA_TEST_SASL_USER");
    cfg->sasl.password = st_env("SAMSA_TEST_SASL_PASSWORD");
    if (strcmp(mech, "OAUTHBEARER") == 0) {
        cfg->sasl.oauth_cb = sn_oauth_unsecured_cb;
        cfg->sasl.oauth_opaque = &tok;
    }
}

static void test_sasl_plaintext(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    static const char *mechs[] = { "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512",
                                   "OAUTHBEARER" };
    sn_conn_config cfg;
    size_t i;
    (void)state;

    st_require_env("SAMSA_TEST_SASL_USER");
    for (i = 0; i < sizeof mechs / sizeof mechs[0]; i++) {
        fprintf(stderr, "# SASL_PLAINTEXT %s\n", mechs[i]);
        sasl_cfg(&cfg, SN_SEC_SASL_PLAINTEXT, mechs[i]);
        both_modes(bs, &cfg);
    }
}

static void test_sasl_ssl(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SASL_SSL_BOOTSTRAP");
    const char *ca = st_require_env("SAMSA_TEST_CA");
    static const char *mechs[] = { "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512",
                                   "OAUTHBEARER" };
    sn_conn_config cfg;
    size_t i;
    (void)state;

    st_require_env("SAMSA_TEST_SASL_USER");
    for (i = 0; i < sizeof mechs / sizeof mechs[0]; i++) {
        fprintf(stderr, "# SASL_SSL %s\n", mechs[i]);
        sasl_cfg(&cfg, SN_SEC_SASL_SSL, mechs[i]);
        cfg.tls.ca_location = ca;
        both_modes(bs, &cfg);
    }
}

/* Wrong password: each attempt gives one AUTH_FAILED; resending from the
 * callback keeps it trying, paced by reconnect.backoff (50 ms doubling to
 * 1000 ms, +-20%): over 3 s that is at most ~8 attempts, never a storm. */
typedef struct retry_ctx {
    tctx t;
    sn_conn *c;
    int fails;
} retry_ctx;

static void retry_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    retry_ctx *r = opaque;
    sn_request q;

    (void)body;
    (void)len;
    if (err != SAMSA_ERR_AUTHENTICATION)
        return;
    r->fails++;
    q = apiversions_req(&r->t, 3);
    q.cb = retry_cb;
    q.opaque = r;
    assert_int_equal(sn_conn_send(r->c, &q), 0);
}

static void test_sasl_wrong_password(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_SASL_BOOTSTRAP");
    char host[128], eb[256];
    int port;
    sn_conn_config cfg;
    sn_loop *loop;
    retry_ctx r;
    sn_request q;
    int64_t end;
    unsigned attempts;
    (void)state;

    st_require_env("SAMSA_TEST_SASL_USER");
    memset(&r, 0, sizeof r);
    split(bs, host, sizeof host, &port);
    sasl_cfg(&cfg, SN_SEC_SASL_PLAINTEXT, "SCRAM-SHA-256");
    cfg.sasl.password = "not-the-password";
    cfg.state_cb = state_cb;
    cfg.state_opaque = &r.t;
    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_int_equal(sn_conn_new(loop, host, port, &cfg, &r.c, eb, sizeof eb), 0);
    q = apiversions_req(&r.t, 3);
    q.cb = retry_cb;
    q.opaque = &r;
    assert_int_equal(sn_conn_send(r.c, &q), 0);
    end = now_ms() + 3000;
    while (now_ms() < end)
        sn_loop_poll(loop, 50);
    attempts = sn_conn_attempts(r.c);
    fprintf(stderr, "# wrong password: %u attempts in 3 s; last error: %s\n",
            attempts, r.t.errstr);
    assert_non_null(strstr(r.t.errstr, "authentication failed"));
    assert_null(strstr(r.t.errstr, "not-the-password"));
    assert_int_equal(atomic_load(&r.t.last_state_err), SAMSA_ERR_AUTHENTICATION);
    assert_true(attempts >= 2); /* loaded machines: slow handshakes */
    assert_true(attempts <= 9);
    /* one AUTH_FAILED and one failed request per completed attempt */
    assert_true(atomic_load(&r.t.auth_failed) >= (int)attempts - 1);
    assert_true(atomic_load(&r.t.auth_failed) <= (int)attempts);
    assert_int_equal(atomic_load(&r.t.auth_failed), r.fails);
    assert_int_equal(atomic_load(&r.t.up), 0);
    sn_conn_destroy(r.c);
    sn_loop_free(loop);
}

/* Many requests at once: all answered, in order, through the in-flight
 * window; prints the rate. */
static int order_next, order_bad;
static void ordered_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    int idx = (int)(intptr_t)opaque;

    (void)body;
    (void)len;
    if (err || idx != order_next)
        order_bad++;
    order_next++;
}

static void test_pipelining(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_BOOTSTRAP");
    enum { N = 2000 };
    char host[128], eb[256];
    int port, i;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t;
    sn_request q;
    int64_t start, ms;
    (void)state;

    memset(&t, 0, sizeof t);
    split(bs, host, sizeof host, &port);
    sn_conn_config_init(&cfg);
    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_int_equal(sn_conn_new(loop, host, port, &cfg, &c, eb, sizeof eb), 0);
    q = apiversions_req(&t, 3);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_until(loop, &t.calls, 1, WAIT_MS);
    assert_int_equal(atomic_load(&t.err), 0);
    order_next = order_bad = 0;
    start = now_ms();
    for (i = 0; i < N; i++) {
        q = apiversions_req(&t, 3);
        q.cb = ordered_cb;
        q.opaque = (void *)(intptr_t)i;
        assert_int_equal(sn_conn_send(c, &q), 0);
    }
    while (order_next < N && now_ms() - start < 60000)
        sn_loop_poll(loop, 100);
    ms = now_ms() - start;
    assert_int_equal(order_next, N);
    assert_int_equal(order_bad, 0);
    fprintf(stderr, "# %d pipelined ApiVersions round trips in %lld ms "
                    "(max.in.flight 5)\n", N, (long long)ms);
    assert_int_equal(sn_conn_attempts(c), 1);
    sn_conn_destroy(c);
    sn_loop_free(loop);
}

/* ---- broker stopped mid-request, then restarted (own broker) ---- */

static int kafka_sh(const char *run, int port, const char *cmd)
{
    char line[1024];

    snprintf(line, sizeof line,
             "SAMSA_BROKER_PORT=%d SAMSA_RUN=%s %s %s >&2", port, run,
             st_env("SAMSA_TEST_KAFKA_SH") ? st_env("SAMSA_TEST_KAFKA_SH")
                                           : "test/broker/kafka.sh",
             cmd);
    return system(line);
}

static long broker_pid(const char *run)
{
    char path[512];
    long pid = -1;
    FILE *f;

    snprintf(path, sizeof path, "%s/node1.pid", run);
    f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = -1;
        fclose(f);
    }
    return pid;
}

static void test_broker_restart(void **state)
{
    const char *home = getenv("HOME");
    char run[400], eb[256];
    int port = 39192;
    long pid;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t, t2, t3;
    sn_request q;
    (void)state;

    if (!st_env("SAMSA_TEST_CONN_RESTART")) {
        /* starts and kills a second JVM broker: opt-in on shared machines */
        fprintf(stderr, "# test_broker_restart starts its own broker; set "
                        "SAMSA_TEST_CONN_RESTART=1 to run it\n");
        st_require_env("SAMSA_TEST_CONN_RESTART");
        return;
    }
    if (st_env("SAMSA_TEST_RESTART_PORT"))
        port = atoi(st_env("SAMSA_TEST_RESTART_PORT"));
    snprintf(run, sizeof run, "%s/.cache/samsa/run-hnet-restart",
             home ? home : "/tmp");
    assert_int_equal(kafka_sh(run, port, "start"), 0);

    memset(&t, 0, sizeof t);
    memset(&t2, 0, sizeof t2);
    memset(&t3, 0, sizeof t3);
    sn_conn_config_init(&cfg);
    cfg.state_cb = state_cb;
    cfg.state_opaque = &t;
    cfg.request_timeout_ms = 60000;
    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_int_equal(sn_conn_new(loop, "127.0.0.1", port, &cfg, &c, eb, sizeof eb), 0);
    q = apiversions_req(&t, 3);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_until(loop, &t.calls, 1, WAIT_MS);
    assert_int_equal(atomic_load(&t.err), 0);

    /* freeze the broker so the next request is surely in flight, then
     * kill it: the kernel closes its sockets */
    pid = broker_pid(run);
    assert_true(pid > 0);
    assert_int_equal(kill((pid_t)pid, SIGSTOP), 0);
    q = apiversions_req(&t2, 3);
    assert_int_equal(sn_conn_send(c, &q), 0);
    {
        int64_t end = now_ms() + 300;
        while (now_ms() < end)
            sn_loop_poll(loop, 20);
    }
    assert_int_equal(atomic_load(&t2.calls), 0);
    assert_int_equal(sn_conn_pending(c), 1);
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
    poll_until(loop, &t2.calls, 1, WAIT_MS);
    assert_int_equal(atomic_load(&t2.calls), 1);
    assert_int_equal(atomic_load(&t2.err), SAMSA_ERR_TRANSPORT);
    fprintf(stderr, "# pending request failed: %s\n", sn_conn_errstr(c));
    assert_int_equal(atomic_load(&t.down), 1);
    {
        int64_t end = now_ms() + 500;
        while (now_ms() < end)
            sn_loop_poll(loop, 50);
    }
    assert_int_equal(atomic_load(&t2.calls), 1); /* exactly once */
    assert_int_equal(sn_conn_attempts(c), 1);    /* no work, no retries */

    assert_int_equal(kafka_sh(run, port, "start"), 0);
    q = apiversions_req(&t3, 3);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_until(loop, &t3.calls, 1, WAIT_MS);
    assert_int_equal(atomic_load(&t3.calls), 1);
    assert_int_equal(atomic_load(&t3.err), 0);
    assert_int_equal(atomic_load(&t.up), 2);
    assert_int_equal(sn_conn_attempts(c), 2);
    sn_conn_destroy(c);
    sn_loop_free(loop);
    assert_int_equal(kafka_sh(run, port, "stop"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plaintext),
        cmocka_unit_test(test_ssl),
        cmocka_unit_test(test_ssl_wrong_ca),
        cmocka_unit_test(test_ssl_wrong_hostname),
        cmocka_unit_test(test_sasl_plaintext),
        cmocka_unit_test(test_sasl_ssl),
        cmocka_unit_test(test_sasl_wrong_password),
        cmocka_unit_test(test_pipelining),
        cmocka_unit_test(test_broker_restart),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
