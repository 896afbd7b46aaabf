/*
 * bench/bench_idle.c - CPU used by an idle loop holding a READY broker
 * connection: getrusage() user+system seconds over N seconds (default 10)
 * of doing nothing, in embedded mode (sn_loop_poll(-1) in this thread)
 * and in background mode (the loop's I/O thread while main sleeps).
 *
 *   bench_idle [host:port] [seconds]   (default $SAMSA_TEST_BOOTSTRAP, 10)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "api_versions.h"
#include "conn.h"
#include "loop.h"

static int done, failed;

static double cpu_seconds(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void resp_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    (void)opaque;
    (void)body;
    (void)len;
    if (err)
        failed = err;
    done = 1;
}

static int enc(sp_writer *w, int16_t v, const void *arg)
{
    sp_api_versions_req req = { "samsa-bench", "0", NULL, -1 };
    (void)arg;
    return sp_api_versions_req_encode(w, v, &req);
}

int main(int argc, char **argv)
{
    const char *hp = argc > 1 ? argv[1] : getenv("SAMSA_TEST_BOOTSTRAP");
    int secs = argc > 2 ? atoi(argv[2]) : 10;
    char host[128], eb[256];
    const char *colon;
    sn_loop *loop;
    sn_conn *c;
    sn_request q;
    double c0, c1;
    int64_t end;
    long wakeups = 0;
    int port;

    if (!hp || !(colon = strrchr(hp, ':'))) {
        fprintf(stderr, "usage: bench_idle host:port [seconds] "
                        "(or set SAMSA_TEST_BOOTSTRAP)\n");
        return 2;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - hp), hp);
    port = atoi(colon + 1);
    if (sn_loop_new(NULL, &loop) != 0 ||
        sn_conn_new(loop, host, port, NULL, &c, eb, sizeof eb) != 0) {
        fprintf(stderr, "bench_idle: setup failed %s\n", eb);
        return 1;
    }
    memset(&q, 0, sizeof q);
    q.api_key = SP_API_VERSIONS_KEY;
    q.api_version = 3;
    q.encode = enc;
    q.cb = resp_cb;
    sn_conn_send(c, &q);
    end = now_ms() + 20000;
    while (!done && now_ms() < end)
        sn_loop_poll(loop, 100);
    if (!done || failed || sn_conn_get_state(c) != SN_CONN_READY) {
        fprintf(stderr, "bench_idle: no ready connection to %s: %s\n", hp,
                sn_conn_errstr(c));
        return 1;
    }

    /* embedded: this thread sleeps in sn_loop_poll until the deadline */
    c0 = cpu_seconds();
    end = now_ms() + secs * 1000;
    while (now_ms() < end) {
        int rc = sn_loop_poll(loop, (int)(end - now_ms()));
        if (rc > 0)
            wakeups += rc;
    }
    c1 = cpu_seconds();
    printf("idle embedded:   %d s with a READY connection: %.4f CPU s, "
           "%ld callbacks\n", secs, c1 - c0, wakeups);

    /* background: the I/O thread owns the loop; main just sleeps */
    if (sn_loop_start(loop) != 0)
        return 1;
    c0 = cpu_seconds();
    sleep((unsigned)secs);
    c1 = cpu_seconds();
    sn_loop_stop(loop);
    printf("idle background: %d s with a READY connection: %.4f CPU s\n",
           secs, c1 - c0);
    printf("connection still %s\n", sn_conn_state_name(sn_conn_get_state(c)));
    sn_conn_destroy(c);
    sn_loop_free(loop);
    return 0;
}
