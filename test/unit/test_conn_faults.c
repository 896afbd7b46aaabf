/*
 * net/conn against a misbehaving in-test broker: a thread on 127.0.0.1
 * that answers the ApiVersions handshake and then, per scenario, sends
 * garbage, a huge or negative frame size, a wrong correlation id, nothing
 * at all, or closes mid-response / during the handshake. Plus a closed
 * port, destroy in every state (resolving, connecting, mid-request, from
 * inside a callback), no-response requests, the in-flight limit, and
 * allocation failure injected at every allocation of a full setup.
 * Each case: one clean error, each callback exactly once, no leak (ASan
 * and the counting allocator), no hang.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "api_versions.h"
#include "conn.h"
#include "header.h"
#include "loop.h"
#include "samsa/error.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the test server ---- */

enum scenario {
    S_ECHO,             /* answer everything properly */
    S_GARBAGE_BODY,     /* ApiVersions answer with the right id, junk body */
    S_GARBAGE_SHORT,    /* a 2-byte frame: no room for a correlation id */
    S_HTTP,             /* an HTTP reply: its first 4 bytes are a huge size */
    S_HUGE,             /* size 0x7fffffff */
    S_NEGATIVE,         /* size -16 */
    S_WRONG_CORR,       /* user request answered with another id */
    S_SILENT,           /* user request never answered */
    S_CLOSE_MID,        /* half a response, then close */
    S_STALL_MID,        /* half a response, then nothing (socket open) */
    S_CLOSE_HANDSHAKE,  /* close after reading ApiVersions */
    S_SILENT_HANDSHAKE, /* never answer ApiVersions */
    S_COUNT_INFLIGHT,   /* answer only after 2 requests are outstanding */
    S_TRICKLE,          /* a 24 KB answer in 7-byte pieces */
    S_SASL_REAUTH       /* SASL PLAIN with a 400 ms session (KIP-368) */
};

typedef struct server {
    int lfd, port;
    enum scenario sc;
    pthread_t th;
    atomic_bool stop;
    atomic_int conns;
    atomic_int max_outstanding;
    atomic_int handshakes;
} server;

static int slow_reads; /* 64 KB per read, 2 ms apart */
static uint32_t last_req_size;

static int read_full(int fd, void *buf, size_t len, int timeout_ms)
{
    size_t have = 0;

    while (have < len) {
        struct pollfd p = { fd, POLLIN, 0 };
        size_t want = len - have;
        ssize_t n;

        if (poll(&p, 1, timeout_ms) <= 0)
            return -1;
        if (slow_reads && want > 65536) {
            want = 65536;
            usleep(2000);
        }
        n = recv(fd, (char *)buf + have, want, 0);
        if (n <= 0)
            return -1;
        have += (size_t)n;
    }
    return 0;
}

/* One request frame: key, version, correlation id. */
static int read_request(int fd, int16_t *key, int16_t *ver, int32_t *corr)
{
    uint8_t hdr[4], *body;
    uint32_t size;

    if (read_full(fd, hdr, 4, 3000) != 0)
        return -1;
    size = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 | (uint32_t)hdr[2] << 8 | hdr[3];
    if (size < 8 || size > (16u << 20))
        return -1;
    last_req_size = size;
    body = malloc(size);
    if (read_full(fd, body, size, 3000) != 0) {
        free(body);
        return -1;
    }
    *key = (int16_t)(body[0] << 8 | body[1]);
    *ver = (int16_t)(body[2] << 8 | body[3]);
    *corr = (int32_t)((uint32_t)body[4] << 24 | (uint32_t)body[5] << 16 |
                      (uint32_t)body[6] << 8 | body[7]);
    free(body);
    return 0;
}

static void send_apiversions(int fd, int16_t ver, int32_t corr)
{
    static sp_api_version_range ranges[] = { { 18, 0, 4 }, { 3, 0, 13 },
                                              { 17, 0, 1 }, { 36, 0, 2 } };
    sp_api_versions_resp resp;
    sp_writer w;
    size_t f;

    memset(&resp, 0, sizeof resp);
    resp.api_keys.count = 4;
    resp.api_keys.items = ranges;
    resp.finalized_features_epoch = -1;
    sp_writer_init(&w, NULL, 1 << 16);
    f = sp_frame_begin(&w);
    sp_write_response_header(&w, 0, corr);
    sp_api_versions_resp_encode(&w, ver, &resp);
    sp_frame_end(&w, f);
    st_send_all(fd, w.buf, w.len);
    sp_writer_free(&w);
}

/* SaslHandshake v1 (PLAIN offered) or SaslAuthenticate v2 (empty token,
 * session lifetime 400 ms) answers */
static void send_sasl(int fd, int16_t key, int32_t corr)
{
    sp_writer w;
    size_t f;

    sp_writer_init(&w, NULL, 1 << 12);
    f = sp_frame_begin(&w);
    if (key == 17) {
        sp_write_response_header(&w, 0, corr);
        sp_write_i16(&w, 0);
        sp_write_array_len(&w, 1);
        sp_write_str(&w, "PLAIN");
    } else {
        sp_write_response_header(&w, 1, corr);
        sp_write_i16(&w, 0);
        sp_write_compact_nstr(&w, NULL);
        sp_write_compact_bytes(&w, "", 0);
        sp_write_i64(&w, 400);
        sp_write_empty_tags(&w);
    }
    sp_frame_end(&w, f);
    st_send_all(fd, w.buf, w.len);
    sp_writer_free(&w);
}

static void send_raw(int fd, const void *p, size_t n)
{
    st_send_all(fd, p, n);
}

static void serve_conn(server *s, int fd)
{
    int16_t key, ver;
    int32_t corr;
    int nreq = 0;
    int32_t pend[16];
    int16_t pver[16];
    int npend = 0;

    while (!atomic_load(&s->stop)) {
        if (read_request(fd, &key, &ver, &corr) != 0)
            return;
        nreq++;
        if (nreq == 1) { /* the handshake's ApiVersions */
            if (s->sc == S_CLOSE_HANDSHAKE)
                return;
            if (s->sc == S_SILENT_HANDSHAKE)
                continue;
            if (s->sc == S_GARBAGE_BODY) {
                uint8_t junk[] = { 0, 0, 0, 10, 0, 0, 0, 0, 0xff, 0xee,
                                   0xdd, 0xcc, 0xbb, 0xaa };
                junk[4] = (uint8_t)(corr >> 24);
                junk[5] = (uint8_t)(corr >> 16);
                junk[6] = (uint8_t)(corr >> 8);
                junk[7] = (uint8_t)corr;
                send_raw(fd, junk, sizeof junk);
                continue;
            }
            send_apiversions(fd, ver, corr);
            continue;
        }
        if (s->sc == S_SASL_REAUTH && (key == 17 || key == 36)) {
            if (key == 17)
                atomic_fetch_add(&s->handshakes, 1);
            send_sasl(fd, key, corr);
            continue;
        }
        switch (s->sc) {
        case S_GARBAGE_SHORT:
            send_raw(fd, "\0\0\0\2zz", 6);
            break;
        case S_HTTP:
            send_raw(fd, "HTTP/1.1 400 Bad Request\r\n\r\n", 28);
            break;
        case S_HUGE:
            send_raw(fd, "\x7f\xff\xff\xff\0\0\0\1", 8);
            break;
        case S_NEGATIVE:
            send_raw(fd, "\xff\xff\xff\xf0\0\0\0\1", 8);
            break;
        case S_WRONG_CORR:
            send_apiversions(fd, ver, corr + 1000);
            break;
        case S_SILENT:
            break;
        case S_CLOSE_MID:
            send_raw(fd, "\0\0\0\x64\0\0\0\2abcdef", 14);
            return;
        case S_STALL_MID:
            send_raw(fd, "\0\0\0\x64\0\0\0\2abcdef", 14);
            break;
        case S_TRICKLE: {
            enum { N = 4000 }; /* under SP_API_VERSIONS_MAX_ENTRIES */
            static sp_api_version_range big[N];
            sp_api_versions_resp resp;
            sp_writer w;
            size_t f, off;
            int i;

            for (i = 0; i < N; i++) {
                big[i].api_key = (int16_t)(1000 + i);
                big[i].min_version = 0;
                big[i].max_version = (int16_t)(i % 7);
            }
            memset(&resp, 0, sizeof resp);
            resp.api_keys.count = N;
            resp.api_keys.items = big;
            sp_writer_init(&w, NULL, 1 << 20);
            f = sp_frame_begin(&w);
            sp_write_response_header(&w, 0, corr);
            sp_api_versions_resp_encode(&w, ver, &resp);
            sp_frame_end(&w, f);
            for (off = 0; off < w.len; off += 7) {
                send_raw(fd, w.buf + off, w.len - off < 7 ? w.len - off : 7);
                if (off % 7000 == 0)
                    usleep(1000);
            }
            sp_writer_free(&w);
            break;
        }
        case S_COUNT_INFLIGHT:
            pend[npend] = corr;
            pver[npend] = ver;
            npend++;
            if (npend > atomic_load(&s->max_outstanding))
                atomic_store(&s->max_outstanding, npend);
            {
                /* answer everything once 2 are waiting or none follows */
                struct pollfd p = { fd, POLLIN, 0 };
                if (npend >= 2 || poll(&p, 1, 100) == 0) {
                    int i;
                    for (i = 0; i < npend; i++)
                        send_apiversions(fd, pver[i], pend[i]);
                    npend = 0;
                }
            }
            break;
        default:
            if (last_req_size > (1u << 20))
                break; /* the big no-response request of test_partial_writes */
            send_apiversions(fd, ver, corr);
            break;
        }
    }
}

static void *server_main(void *arg)
{
    server *s = arg;

    while (!atomic_load(&s->stop)) {
        struct pollfd p = { s->lfd, POLLIN, 0 };
        int fd;

        if (poll(&p, 1, 20) <= 0)
            continue;
        fd = accept(s->lfd, NULL, NULL);
        if (fd < 0)
            continue;
        atomic_fetch_add(&s->conns, 1);
        serve_conn(s, fd);
        close(fd);
    }
    return NULL;
}

static server *server_start(enum scenario sc)
{
    server *s = malloc(sizeof *s);
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    int one = 1;

    memset(s, 0, sizeof *s);
    s->sc = sc;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->lfd >= 0);
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(s->lfd, 8), 0);
    getsockname(s->lfd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->th, NULL, server_main, s), 0);
    return s;
}

static void server_stop(server *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->th, NULL);
    close(s->lfd);
    free(s);
}

/* ---- client side ---- */

typedef struct tctx {
    int calls, err, up, down, auth, last_err;
    char errstr[256];
    sn_conn *destroy_me; /* destroyed from inside the response callback */
} tctx;

static void state_cb(void *opaque, sn_conn *c, sn_conn_event ev, int err,
                     const char *errstr)
{
    tctx *t = opaque;

    (void)c;
    if (ev == SN_CONN_EV_UP)
        t->up++;
    else if (ev == SN_CONN_EV_DOWN)
        t->down++;
    else
        t->auth++;
    t->last_err = err;
    snprintf(t->errstr, sizeof t->errstr, "%s", errstr);
}

static void resp_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    tctx *t = opaque;

    if (err == 0 && len > 0)
        assert_non_null(body);
    t->calls++;
    t->err = err;
    if (t->destroy_me) {
        sn_conn *c = t->destroy_me;
        t->destroy_me = NULL;
        sn_conn_destroy(c);
    }
}

static int enc_av(sp_writer *w, int16_t v, const void *arg)
{
    sp_api_versions_req req = { "samsa-test", "0", NULL, -1 };
    (void)arg;
    return sp_api_versions_req_encode(w, v, &req);
}

static sn_request av_req(tctx *t)
{
    sn_request q;

    memset(&q, 0, sizeof q);
    q.api_key = SP_API_VERSIONS_KEY;
    q.api_version = 0;
    q.encode = enc_av;
    q.cb = resp_cb;
    q.opaque = t;
    return q;
}

static void cfg_fast(sn_conn_config *cfg, tctx *t)
{
    sn_conn_config_init(cfg);
    cfg->request_timeout_ms = 400;
    cfg->setup_timeout_ms = 400;
    cfg->setup_timeout_max_ms = 400;
    cfg->receive_max_bytes = 1 << 20;
    cfg->state_cb = state_cb;
    cfg->state_opaque = t;
}

/* t zeroed, *cfg the fast configuration reporting to t, and a server
 * playing sc. */
static server *serve(enum scenario sc, tctx *t, sn_conn_config *cfg)
{
    memset(t, 0, sizeof *t);
    cfg_fast(cfg, t);
    return server_start(sc);
}

/* A loop on alloc (NULL: the default) with one connection to host:port. */
static sn_conn *connect_to(const samsa_allocator *alloc, const char *host, int port,
                           const sn_conn_config *cfg, sn_loop **loop)
{
    sn_conn *c;
    char eb[128];

    assert_int_equal(sn_loop_new(alloc, loop), 0);
    assert_int_equal(sn_conn_new(*loop, host, port, cfg, &c, eb, sizeof eb), 0);
    return c;
}

/* Destroy c, free its loop, stop the server. */
static void finish(sn_conn *c, sn_loop *loop, server *s)
{
    sn_conn_destroy(c);
    sn_loop_free(loop);
    server_stop(s);
}

static void poll_for(sn_loop *loop, int *v, int want, int ms)
{
    int64_t end = now_ms() + ms;

    while (*v < want && now_ms() < end)
        assert_true(sn_loop_poll(loop, 20) >= 0);
}

/* One scenario: a request fails once with want_err, the state callback
 * reports it, nothing retries without work, nothing leaks. */
static void run_fault(enum scenario sc, int want_err, const char *want_text)
{
    server *s;
    st_fail_alloc fa;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t;
    sn_request q;
    int64_t start;

    st_fail_alloc_init(&fa, 0);
    s = serve(sc, &t, &cfg);
    c = connect_to(&fa.alloc, "127.0.0.1", s->port, &cfg, &loop);
    q = av_req(&t);
    start = now_ms();
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_for(loop, &t.calls, 1, 3000);
    assert_int_equal(t.calls, 1);
    fprintf(stderr, "# scenario %d -> %s: %s\n", (int)sc,
            samsa_err_name(t.err), t.errstr);
    assert_int_equal(t.err, want_err);
    assert_true(now_ms() - start < 2000);
    assert_int_equal(t.down, 1);
    assert_int_equal(t.last_err, want_err);
    assert_non_null(strstr(t.errstr, want_text));
    /* nothing allocated anywhere near a bogus frame size */
    assert_true(fa.bytes < (1u << 20));
    /* a quiet period: no reconnect without work, callback not repeated */
    {
        int64_t end = now_ms() + 300;
        while (now_ms() < end)
            sn_loop_poll(loop, 20);
    }
    assert_int_equal(t.calls, 1);
    assert_int_equal(sn_conn_attempts(c), 1);
    assert_int_equal(sn_conn_pending(c), 0);
    sn_conn_destroy(c);
    assert_int_equal(t.calls, 1);
    sn_loop_free(loop);
    assert_int_equal(fa.live, 0);
    server_stop(s);
}

static void test_garbage_body(void **state) { (void)state; run_fault(S_GARBAGE_BODY, SAMSA_ERR_PROTOCOL, "ApiVersions"); }
static void test_garbage_short(void **state) { (void)state; run_fault(S_GARBAGE_SHORT, SAMSA_ERR_PROTOCOL, "no correlation id"); }
static void test_http_reply(void **state) { (void)state; run_fault(S_HTTP, SAMSA_ERR_FRAME_TOO_LARGE, "over the limit"); }
static void test_huge_frame(void **state) { (void)state; run_fault(S_HUGE, SAMSA_ERR_FRAME_TOO_LARGE, "2147483647"); }
static void test_negative_frame(void **state) { (void)state; run_fault(S_NEGATIVE, SAMSA_ERR_PROTOCOL, "negative"); }
static void test_wrong_corr(void **state) { (void)state; run_fault(S_WRONG_CORR, SAMSA_ERR_PROTOCOL, "does not match"); }
static void test_close_mid_response(void **state) { (void)state; run_fault(S_CLOSE_MID, SAMSA_ERR_TRANSPORT, "mid-response"); }
static void test_close_in_handshake(void **state) { (void)state; run_fault(S_CLOSE_HANDSHAKE, SAMSA_ERR_TRANSPORT, "closed by the broker"); }
static void test_silent_handshake(void **state) { (void)state; run_fault(S_SILENT_HANDSHAKE, SAMSA_ERR_TIMED_OUT, "setup timed out"); }

/* silent broker: the request times out (TIMED_OUT), the connection closes */
static void test_request_timeout(void **state)
{
    server *s;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t, t2;
    sn_request q;
    int64_t start;
    (void)state;

    memset(&t2, 0, sizeof t2);
    s = serve(S_SILENT, &t, &cfg);
    c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    q = av_req(&t);
    q.timeout_ms = 250;
    assert_int_equal(sn_conn_send(c, &q), 0);
    q = av_req(&t2); /* a second one in flight fails with the drop */
    q.timeout_ms = 5000;
    assert_int_equal(sn_conn_send(c, &q), 0);
    start = now_ms();
    poll_for(loop, &t2.calls, 1, 3000);
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.err, SAMSA_ERR_TIMED_OUT);
    assert_int_equal(t2.calls, 1);
    assert_int_equal(t2.err, SAMSA_ERR_TRANSPORT);
    assert_true(now_ms() - start >= 150);
    assert_true(now_ms() - start < 1500);
    assert_non_null(strstr(t.errstr, "timed out"));
    finish(c, loop, s);
}

static void test_closed_port(void **state)
{
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t;
    sn_request q;
    int port, fd;
    struct sockaddr_in a;
    socklen_t al = sizeof a;
    (void)state;

    /* a port that was just free */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &al);
    port = ntohs(a.sin_port);
    close(fd);

    memset(&t, 0, sizeof t);
    cfg_fast(&cfg, &t);
    c = connect_to(NULL, "127.0.0.1", port, &cfg, &loop);
    q = av_req(&t);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_for(loop, &t.calls, 1, 3000);
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.err, SAMSA_ERR_CONNECT);
    assert_non_null(strstr(t.errstr, "refused"));
    /* owner asks again: waits out the backoff, then one more attempt */
    assert_int_equal(sn_conn_connect(c), 0);
    assert_int_equal(sn_conn_attempts(c), 1);
    poll_for(loop, &t.down, 2, 3000);
    assert_int_equal(sn_conn_attempts(c), 2);
    assert_int_equal(t.calls, 1);
    sn_conn_destroy(c);
    sn_loop_free(loop);
}

/* destroy in every state: callbacks once with DESTROYED, no leak */
static void test_destroy_states(void **state)
{
    static const struct { const char *host; enum scenario sc; int polls; } cases[] = {
        { "127.0.0.1", S_ECHO, 0 },   /* DOWN with a queued request */
        { "localhost", S_ECHO, 1 },   /* resolving on the resolver thread */
        { "10.255.255.1", S_ECHO, 2 }, /* connecting (or already failed) */
        { "127.0.0.1", S_SILENT_HANDSHAKE, 3 }, /* handshaking */
        { "127.0.0.1", S_SILENT, 8 }, /* mid-request */
    };
    size_t i;
    (void)state;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        server *s;
        st_fail_alloc fa;
        sn_loop *loop;
        sn_conn *c;
        sn_conn_config cfg;
        tctx t;
        sn_request q;
        int k;

        st_fail_alloc_init(&fa, 0);
        s = serve(cases[i].sc, &t, &cfg);
        cfg.request_timeout_ms = 5000;
        cfg.setup_timeout_ms = cfg.setup_timeout_max_ms = 5000;
        c = connect_to(&fa.alloc, cases[i].host, s->port, &cfg, &loop);
        q = av_req(&t);
        assert_int_equal(sn_conn_send(c, &q), 0);
        for (k = 0; k < cases[i].polls; k++)
            sn_loop_poll(loop, 20);
        fprintf(stderr, "# destroy in state %s\n",
                sn_conn_state_name(sn_conn_get_state(c)));
        sn_conn_destroy(c);
        assert_int_equal(t.calls, 1);
        if (t.down == 0) /* an unroutable address may fail at once */
            assert_int_equal(t.err, SAMSA_ERR_DESTROYED);
        sn_loop_poll(loop, 50);
        assert_int_equal(t.calls, 1);
        sn_loop_free(loop);
        assert_int_equal(fa.live, 0);
        server_stop(s);
    }
}

/* destroy from inside a response callback, with more requests pending */
static void test_destroy_from_callback(void **state)
{
    server *s;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t, t2;
    sn_request q;
    (void)state;

    memset(&t2, 0, sizeof t2);
    s = serve(S_ECHO, &t, &cfg);
    cfg.max_in_flight = 1;
    c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    t.destroy_me = c;
    q = av_req(&t);
    assert_int_equal(sn_conn_send(c, &q), 0);
    q = av_req(&t2);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_for(loop, &t2.calls, 1, 3000);
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.err, 0);
    assert_int_equal(t2.calls, 1);
    assert_int_equal(t2.err, SAMSA_ERR_DESTROYED);
    sn_loop_poll(loop, 20);
    sn_loop_free(loop);
    server_stop(s);
}

/* no-response requests complete once written; in-flight limit holds */
static void test_noresp_and_inflight_limit(void **state)
{
    server *s;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t, tn;
    sn_request q;
    int i;
    (void)state;

    memset(&tn, 0, sizeof tn);
    s = serve(S_COUNT_INFLIGHT, &t, &cfg);
    cfg.max_in_flight = 2;
    cfg.request_timeout_ms = 3000;
    c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    for (i = 0; i < 6; i++) {
        q = av_req(&t);
        assert_int_equal(sn_conn_send(c, &q), 0);
    }
    poll_for(loop, &t.calls, 6, 5000);
    assert_int_equal(t.calls, 6);
    assert_int_equal(t.err, 0);
    assert_int_equal(atomic_load(&s->max_outstanding), 2);
    /* a request without a response completes when written */
    q = av_req(&tn);
    q.flags = SN_REQ_NO_RESPONSE;
    assert_int_equal(sn_conn_send(c, &q), 0);
    assert_int_equal(tn.calls, 0);
    poll_for(loop, &tn.calls, 1, 2000);
    assert_int_equal(tn.calls, 1);
    assert_int_equal(tn.err, 0);
    /* refused at once: unknown API, bad version, no common version */
    q = av_req(&t);
    q.api_key = 9999;
    assert_int_equal(sn_conn_send(c, &q), SAMSA_ERR_NOT_SUPPORTED);
    q = av_req(&t);
    q.api_version = 7; /* the server offers 0-4 */
    assert_int_equal(sn_conn_send(c, &q), SAMSA_ERR_NO_COMMON_VERSION);
    {
        int16_t v;
        assert_int_equal(sn_conn_api_version(c, 18, &v), 0);
        assert_int_equal(v, 4);
        assert_int_equal(sn_conn_api_version(c, 1, &v), SAMSA_ERR_NO_COMMON_VERSION);
    }
    finish(c, loop, s);
}

static size_t trickle_len;
static void trickle_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    tctx *t = opaque;
    sp_api_versions_resp resp;
    sp_arena arena;

    t->calls++;
    t->err = err;
    trickle_len = len;
    if (err)
        return;
    sp_arena_init(&arena, NULL, 1 << 20);
    assert_int_equal(sp_api_versions_resp_decode(&resp, &arena, body, len, 0), 0);
    assert_int_equal(resp.api_keys.count, 4000);
    assert_int_equal(resp.api_keys.items[3999].api_key, 4999);
    sp_arena_free(&arena);
}

/* a response arriving in tiny pieces (size prefix split too) */
static void test_partial_reads(void **state)
{
    server *s;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t;
    sn_request q;
    (void)state;

    s = serve(S_TRICKLE, &t, &cfg);
    cfg.request_timeout_ms = 10000;
    c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    q = av_req(&t);
    q.cb = trickle_cb;
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_for(loop, &t.calls, 1, 10000);
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.err, 0);
    assert_int_equal(trickle_len, 2 + 4 + 4000 * 6);
    finish(c, loop, s);
}

/* A requester-supplied response buffer (sn_request.frame_alloc): the
 * callback gets the body inside it and owns it on success; net frees it
 * with frame_free when the connection drops mid-response. */
static int frame_allocs, frame_frees;
static uint8_t *frame_buf;
static size_t frame_size;

static uint8_t *frame_alloc_fn(void *opaque, size_t size)
{
    (void)opaque;
    frame_allocs++;
    frame_buf = malloc(size);
    frame_size = size;
    return frame_buf;
}

static void frame_free_fn(uint8_t *buf)
{
    assert_ptr_equal(buf, frame_buf);
    frame_frees++;
    free(buf);
}

static void frame_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    tctx *t = opaque;

    t->calls++;
    t->err = err;
    if (err) {
        /* net released a partly read frame before this callback */
        assert_int_equal(frame_frees, frame_allocs);
        return;
    }
    /* body lies inside the frame, after correlation id and header */
    assert_true(body >= frame_buf + 4);
    assert_true(body + len == frame_buf + frame_size);
    free(frame_buf); /* ours now */
}

static void run_frame(enum scenario sc, int want_err, int want_frees,
                      int timeout_ms)
{
    server *s;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t;
    sn_request q;

    frame_allocs = frame_frees = 0;
    s = serve(sc, &t, &cfg);
    cfg.request_timeout_ms = 10000;
    c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    q = av_req(&t);
    q.cb = frame_cb;
    q.frame_alloc = frame_alloc_fn;
    assert_int_equal(sn_conn_send(c, &q), SAMSA_ERR_INVALID_ARG); /* no free */
    q.frame_free = frame_free_fn;
    q.timeout_ms = timeout_ms;
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_for(loop, &t.calls, 1, 10000);
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.err, want_err);
    assert_int_equal(frame_allocs, 1);
    assert_int_equal(frame_frees, want_frees);
    finish(c, loop, s);
}

static void test_frame_alloc_ok(void **state) { (void)state; run_frame(S_TRICKLE, 0, 0, 0); }
static void test_frame_alloc_drop(void **state) { (void)state; run_frame(S_CLOSE_MID, SAMSA_ERR_TRANSPORT, 1, 0); }
/* the request times out with its frame half read: the frame is freed
 * before the TIMED_OUT callback, as on a drop (the timeout path once
 * called back first and freed the frame when closing the connection) */
static void test_frame_alloc_timeout(void **state) { (void)state; run_frame(S_STALL_MID, SAMSA_ERR_TIMED_OUT, 1, 300); }

/* State callback that sends a new request (first drop) or destroys the
 * connection (second drop). */
typedef struct drop_ctx {
    tctx first, second;
    int downs;
    sn_conn *c;
} drop_ctx;

static void drop_state_cb(void *opaque, sn_conn *c, sn_conn_event ev, int err,
                          const char *errstr)
{
    drop_ctx *d = opaque;
    sn_request q;

    (void)ev;
    (void)err;
    (void)errstr;
    d->downs++;
    if (d->downs == 1) {
        q = av_req(&d->second);
        assert_int_equal(sn_conn_send(c, &q), 0);
    } else {
        sn_conn_destroy(c);
        d->c = NULL;
    }
}

static void test_calls_from_state_callback(void **state)
{
    server *s;
    sn_loop *loop;
    sn_conn_config cfg;
    drop_ctx d;
    sn_request q;
    (void)state;

    memset(&d, 0, sizeof d);
    s = server_start(S_CLOSE_HANDSHAKE);
    cfg_fast(&cfg, NULL);
    cfg.state_cb = drop_state_cb;
    cfg.state_opaque = &d;
    d.c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    q = av_req(&d.first);
    assert_int_equal(sn_conn_send(d.c, &q), 0);
    poll_for(loop, &d.second.calls, 1, 3000);
    /* the request sent from the first drop's callback went to a second
     * connection, which dropped too; the destroy from that callback still
     * completed it exactly once, with the drop's error */
    assert_int_equal(d.downs, 2);
    assert_null(d.c);
    assert_int_equal(d.first.calls, 1);
    assert_int_equal(d.first.err, SAMSA_ERR_TRANSPORT);
    assert_int_equal(d.second.calls, 1);
    assert_int_equal(d.second.err, SAMSA_ERR_TRANSPORT);
    sn_loop_poll(loop, 50);
    assert_int_equal(d.second.calls, 1);
    sn_loop_free(loop);
    server_stop(s);
}

/* KIP-368: a 400 ms session is renewed on the same connection, silently
 * (one UP), while requests keep working */
static void test_sasl_reauthentication(void **state)
{
    server *s;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t, t2;
    sn_request q;
    int64_t end;
    (void)state;

    memset(&t2, 0, sizeof t2);
    s = serve(S_SASL_REAUTH, &t, &cfg);
    cfg.request_timeout_ms = 2000;
    cfg.security = SN_SEC_SASL_PLAINTEXT;
    cfg.sasl.mechanism = "PLAIN";
    cfg.sasl.username = "u";
    cfg.sasl.password = "p";
    c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    q = av_req(&t);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_for(loop, &t.calls, 1, 3000);
    assert_int_equal(t.err, 0);
    end = now_ms() + 1300;
    while (now_ms() < end) {
        sn_loop_poll(loop, 20);
        if (t2.calls == 0 || t2.calls < 20) { /* keep traffic going */
            if (t2.calls == 0 || sn_conn_pending(c) == 0) {
                q = av_req(&t2);
                assert_int_equal(sn_conn_send(c, &q), 0);
            }
        }
    }
    poll_for(loop, &t2.calls, 1, 2000);
    fprintf(stderr, "# %d SaslHandshakes on %d connection(s) in ~1.3 s\n",
            atomic_load(&s->handshakes), atomic_load(&s->conns));
    assert_int_equal(atomic_load(&s->conns), 1);
    assert_true(atomic_load(&s->handshakes) >= 3); /* first + 2 renewals */
    assert_int_equal(t.up, 1);
    assert_int_equal(t.down, 0);
    assert_int_equal(t2.err, 0);
    assert_int_equal(sn_conn_get_state(c), SN_CONN_READY);
    finish(c, loop, s);
}

/* requests much larger than the socket buffers: partial writes, EPOLLOUT,
 * no-response requests completing only once fully written */
static void test_partial_writes(void **state)
{
    enum { BIG = 6 << 20 };
    server *s;
    sn_loop *loop;
    sn_conn *c;
    sn_conn_config cfg;
    tctx t, tn, t2;
    sn_request q;
    uint8_t *body = calloc(1, BIG);
    (void)state;

    memset(&tn, 0, sizeof tn);
    memset(&t2, 0, sizeof t2);
    slow_reads = 1;
    s = serve(S_ECHO, &t, &cfg);
    cfg.request_timeout_ms = 20000;
    cfg.send_buffer_bytes = 65536;
    c = connect_to(NULL, "127.0.0.1", s->port, &cfg, &loop);
    q = av_req(&t);
    assert_int_equal(sn_conn_send(c, &q), 0);
    poll_for(loop, &t.calls, 1, 3000);
    assert_int_equal(t.err, 0);
    /* a big no-response request, then a normal one behind it */
    memset(&q, 0, sizeof q);
    q.api_key = SP_API_VERSIONS_KEY;
    q.api_version = 0;
    q.body = body;
    q.body_len = BIG;
    q.flags = SN_REQ_NO_RESPONSE;
    q.cb = resp_cb;
    q.opaque = &tn;
    assert_int_equal(sn_conn_send(c, &q), 0);
    q = av_req(&t2);
    assert_int_equal(sn_conn_send(c, &q), 0);
    sn_loop_poll(loop, 20);
    sn_loop_poll(loop, 20);
    assert_int_equal(tn.calls, 0); /* still being written */
    poll_for(loop, &t2.calls, 1, 15000);
    assert_int_equal(tn.calls, 1);
    assert_int_equal(tn.err, 0);
    assert_int_equal(t2.calls, 1);
    assert_int_equal(t2.err, 0);
    /* a steady stream of big no-response requests (acks=0 style) drains
     * through the in-flight window and the compacting buffer */
    {
        tctx tm;
        int i;

        memset(&tm, 0, sizeof tm);
        for (i = 0; i < 30; i++) {
            memset(&q, 0, sizeof q);
            q.api_key = SP_API_VERSIONS_KEY;
            q.api_version = 0;
            q.body = body;
            q.body_len = (1 << 20) + 1000; /* over the server's 1 MB mark */
            q.flags = SN_REQ_NO_RESPONSE;
            q.cb = resp_cb;
            q.opaque = &tm;
            assert_int_equal(sn_conn_send(c, &q), 0);
        }
        poll_for(loop, &tm.calls, 30, 20000);
        assert_int_equal(tm.calls, 30);
        assert_int_equal(tm.err, 0);
        assert_int_equal(sn_conn_pending(c), 0);
    }
    assert_int_equal(t.down, 0);
    finish(c, loop, s);
    slow_reads = 0;
    free(body);
}

/* every allocation of a full setup + round trip fails once in turn */
static void test_alloc_faults(void **state)
{
    server *s;
    long n;
    int clean_runs = 0;
    (void)state;

    s = server_start(S_ECHO);
    for (n = 1; n < 400; n++) {
        st_fail_alloc fa;
        sn_loop *loop = NULL;
        sn_conn *c = NULL;
        sn_conn_config cfg;
        tctx t;
        sn_request q;
        char eb[128];
        int rc;

        memset(&t, 0, sizeof t);
        st_fail_alloc_init(&fa, n);
        cfg_fast(&cfg, &t);
        rc = sn_loop_new(&fa.alloc, &loop);
        if (rc == 0)
            rc = sn_conn_new(loop, "127.0.0.1", s->port, &cfg, &c, eb, sizeof eb);
        if (rc == 0) {
            q = av_req(&t);
            rc = sn_conn_send(c, &q);
            if (rc == 0) {
                poll_for(loop, &t.calls, 1, 3000);
                assert_int_equal(t.calls, 1);
            } else {
                assert_int_equal(rc, SAMSA_ERR_NO_MEMORY);
            }
        } else {
            assert_int_equal(rc, SAMSA_ERR_NO_MEMORY);
        }
        sn_conn_destroy(c);
        if (loop)
            sn_loop_free(loop);
        assert_int_equal(fa.live, 0);
        if (fa.calls < n) { /* the failure point was never reached */
            assert_int_equal(t.err, 0);
            if (++clean_runs == 2)
                break;
        }
    }
    fprintf(stderr, "# allocation failure injected at points 1..%ld\n", n);
    assert_true(n > 5);
    assert_true(n < 400);
    server_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_garbage_body),
        cmocka_unit_test(test_garbage_short),
        cmocka_unit_test(test_http_reply),
        cmocka_unit_test(test_huge_frame),
        cmocka_unit_test(test_negative_frame),
        cmocka_unit_test(test_wrong_corr),
        cmocka_unit_test(test_close_mid_response),
        cmocka_unit_test(test_close_in_handshake),
        cmocka_unit_test(test_silent_handshake),
        cmocka_unit_test(test_request_timeout),
        cmocka_unit_test(test_closed_port),
        cmocka_unit_test(test_destroy_states),
        cmocka_unit_test(test_destroy_from_callback),
        cmocka_unit_test(test_noresp_and_inflight_limit),
        cmocka_unit_test(test_partial_reads),
        cmocka_unit_test(test_frame_alloc_ok),
        cmocka_unit_test(test_frame_alloc_drop),
        cmocka_unit_test(test_frame_alloc_timeout),
        cmocka_unit_test(test_calls_from_state_callback),
        cmocka_unit_test(test_sasl_reauthentication),
        cmocka_unit_test(test_partial_writes),
        cmocka_unit_test(test_alloc_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
