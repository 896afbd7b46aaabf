/*
 * Fuzz target: a broker connection fed arbitrary broker bytes. The input's
 * first byte picks the security mode (plaintext, SASL PLAIN, SASL
 * SCRAM-SHA-256); the rest is everything "the broker" sends, written to
 * the accepted socket of a loopback listener, then EOF. The connection
 * frames, matches correlation ids, decodes ApiVersions / SaslHandshake /
 * SaslAuthenticate answers and routes one user request. Checked: no
 * crash, the request's callback runs exactly once, nothing leaks.
 * Everything runs on this thread (the listener is in the same process).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../net/conn.h"
#include "api_versions.h"
#include "samsa/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lfd = -1, lport;

static int listener(void)
{
    struct sockaddr_in a;
    socklen_t al = sizeof a;

    if (lfd >= 0)
        return 0;
    lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 16) != 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &al) != 0) {
        close(lfd);
        lfd = -1;
        return -1;
    }
    lport = ntohs(a.sin_port);
    return 0;
}

static int calls, last_err;

static void resp_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    (void)opaque;
    if (err == 0 && len > 0 && !body)
        abort();
    if (err == 0 && len)
        (void)body[len - 1]; /* the whole body is readable */
    calls++;
    last_err = err;
}

static int enc(sp_writer *w, int16_t v, const void *arg)
{
    sp_api_versions_req req = { "fuzz", "0", NULL, -1 };
    (void)arg;
    return sp_api_versions_req_encode(w, v, &req);
}

static void drain(int fd)
{
    char buf[4096];

    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
        ;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *mechs[] = { NULL, "PLAIN", "SCRAM-SHA-256" };
    sn_conn_config cfg;
    sn_loop *loop;
    sn_conn *c;
    sn_request q;
    char eb[128];
    int afd = -1, i, mode;
    size_t off = 0;

    if (size < 1 || size > 65536 || listener() != 0)
        return 0;
    mode = data[0] % 3;
    data++;
    size--;
    sn_conn_config_init(&cfg);
    cfg.request_timeout_ms = 1000;
    cfg.setup_timeout_ms = cfg.setup_timeout_max_ms = 1000;
    cfg.receive_max_bytes = 1 << 16;
    if (mechs[mode]) {
        cfg.security = SN_SEC_SASL_PLAINTEXT;
        cfg.sasl.mechanism = mechs[mode];
        cfg.sasl.username = "user";
        cfg.sasl.password = "pencil";
    }
    if (sn_loop_new(NULL, &loop) != 0)
        return 0;
    if (sn_conn_new(loop, "127.0.0.1", lport, &cfg, &c, eb, sizeof eb) != 0) {
        sn_loop_free(loop);
        return 0;
    }
    memset(&q, 0, sizeof q);
    q.api_key = SP_API_VERSIONS_KEY;
    q.api_version = 0;
    q.encode = enc;
    q.cb = resp_cb;
    calls = 0;
    if (sn_conn_send(c, &q) != 0)
        abort();
    for (i = 0; i < 200 && afd < 0; i++) {
        sn_loop_poll(loop, 1);
        afd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    }
    /* feed the bytes as the client reads them, then EOF */
    for (i = 0; i < 2000 && calls == 0; i++) {
        if (afd >= 0 && off < size) {
            ssize_t n = send(afd, data + off, size - off, MSG_NOSIGNAL);
            if (n > 0)
                off += (size_t)n;
            if (off == size)
                shutdown(afd, SHUT_WR);
        } else if (afd >= 0 && off == size && size == 0) {
            shutdown(afd, SHUT_WR);
            off = 1;
        }
        sn_loop_poll(loop, 2);
        if (afd >= 0)
            drain(afd);
    }
    if (getenv("FUZZ_CONN_VERBOSE"))
        fprintf(stderr, "fuzz_conn: mode %d, %zu bytes: %s; %s\n", mode, size,
                calls ? samsa_err_name(last_err) : "no answer",
                sn_conn_errstr(c));
    sn_conn_destroy(c);
    if (calls != 1)
        abort(); /* exactly once, whatever happened */
    if (afd >= 0)
        close(afd);
    sn_loop_free(loop);
    return 0;
}
