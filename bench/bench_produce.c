/*
 * bench_produce - producer throughput and client CPU per million messages.
 *
 *   bench_produce [broker] [messages] [value bytes] [partitions] [embedded|background]
 *
 * Defaults: $SAMSA_TEST_BOOTSTRAP, 1000000 messages, 100-byte values,
 * 6 partitions, embedded mode; acks=all, idempotence on (the defaults), no
 * compression, keyless records (sticky partitioner). A fresh topic is
 * created per run. CPU is getrusage(RUSAGE_SELF): every thread of this
 * process (the broker is another process). Prints figures, not a test.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "samsa.h"

static size_t ok_reports, bad_reports;
static int first_err;

static void dcb(void *opaque, const samsa_delivery *d)
{
    (void)opaque;
    if (d->err) {
        if (!bad_reports++)
            first_err = d->err;
    } else {
        ok_reports++;
    }
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    const char *broker = argc > 1 && argv[1][0] ? argv[1] : getenv("SAMSA_TEST_BOOTSTRAP");
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    long vsize = argc > 3 ? atol(argv[3]) : 100;
    int parts = argc > 4 ? atoi(argv[4]) : 6;
    int background = argc > 5 && strcmp(argv[5], "background") == 0;
    char err[256], topic[128];
    samsa_conf *cf;
    samsa_client *c;
    char *value;
    double t0, t1, c0, c1;
    long i;
    int rc;

    if (!broker || n <= 0 || vsize < 0 || parts < 1) {
        fprintf(stderr, "usage: bench_produce [broker] [messages] [value bytes] "
                        "[partitions] [embedded|background]\n");
        return 2;
    }
    value = malloc((size_t)vsize + 1);
    memset(value, 'v', (size_t)vsize);
    snprintf(topic, sizeof topic, "bench-produce-%d-%ld", (int)getpid(),
             (long)time(NULL));
    cf = samsa_conf_new(NULL);
    if (samsa_conf_set(cf, "bootstrap.servers", broker, err, sizeof err) ||
        samsa_conf_set(cf, "acks", "all", err, sizeof err) ||
        samsa_conf_set(cf, "compression.type", "none", err, sizeof err)) {
        fprintf(stderr, "conf: %s\n", err);
        return 1;
    }
    samsa_conf_set_delivery_cb(cf, dcb, NULL);
    c = samsa_client_new(cf, err, sizeof err);
    samsa_conf_destroy(cf);
    if (!c) {
        fprintf(stderr, "client: %s\n", err);
        return 1;
    }
    if (background && samsa_start(c) != 0) {
        fprintf(stderr, "start: %s\n", samsa_client_errstr(c));
        return 1;
    }
    rc = samsa_create_topic(c, topic, parts, 1, NULL, 0, 30000);
    if (rc) {
        fprintf(stderr, "create topic: %s %s\n", samsa_err_name(rc),
                samsa_client_errstr(c));
        return 1;
    }
    /* warm up: metadata, producer id, connections */
    {
        samsa_record r = { .topic = topic, .partition = 0, .value = value,
                           .value_len = (size_t)vsize, .timestamp_ms = -1 };
        samsa_delivery d;
        rc = samsa_produce_sync(c, &r, &d, 30000);
        if (rc) {
            fprintf(stderr, "warm-up: %s %s\n", samsa_err_name(rc), d.errstr);
            return 1;
        }
    }
    t0 = now_s();
    c0 = cpu_s();
    for (i = 0; i < n; i++) {
        samsa_record r = { .topic = topic, .partition = SAMSA_PARTITION_ANY,
                           .value = value, .value_len = (size_t)vsize,
                           .timestamp_ms = SAMSA_TIMESTAMP_NOW };
        rc = samsa_produce(c, &r, NULL, 60000);
        if (rc) {
            fprintf(stderr, "produce %ld: %s %s\n", i, samsa_err_name(rc),
                    samsa_client_errstr(c));
            return 1;
        }
        if (!background && (i & 1023) == 0)
            samsa_poll(c, 0);
    }
    rc = samsa_flush(c, 300000);
    t1 = now_s();
    c1 = cpu_s();
    printf("bench-produce: %ld x %ld-byte messages, %d partitions, acks=all, "
           "idempotent, no compression, %s mode\n",
           n, vsize, parts, background ? "background" : "embedded");
    printf("  %.0f msgs/s, %.1f MB/s (values), %.2f s wall\n",
           (double)n / (t1 - t0), (double)n * (double)vsize / (t1 - t0) / 1e6,
           t1 - t0);
    printf("  client CPU %.2f s = %.2f CPU s per million messages\n", c1 - c0,
           (c1 - c0) / ((double)n / 1e6));
    printf("  reports: %zu ok, %zu failed%s%s; flush %s\n", ok_reports,
           bad_reports, bad_reports ? " first " : "",
           bad_reports ? samsa_err_name(first_err) : "", samsa_err_name(rc));
    samsa_delete_topic(c, topic, 30000);
    samsa_client_destroy(c);
    free(value);
    return ok_reports == (size_t)n ? 0 : 1;
}
