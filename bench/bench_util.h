/*
 * bench/bench_util.h - what the side-by-side benchmark programs share
 * (bench_samsa.c and peer_rdkafka.c): the command line, payloads, clocks,
 * process figures (getrusage CPU, peak RSS, thread count) and the one JSON
 * line each run prints. Header-only and benchmark-only: never part of
 * libsamsa. Nothing here is thread-safe except the read-only helpers; the
 * programs call it from their main thread.
 *
 * Command line (identical for both programs, so bench/run.sh can swap them):
 *   -w workload  produce | consume | latency | idle-producer | idle-consumer
 *                | create-topic | delete-topic (samsa only: the harness's
 *                admin helper)
 *   -l label     name of the row in the JSON (default: the workload)
 *   -b host:port bootstrap (default $SAMSA_BENCH_BOOTSTRAP, then
 *                $SAMSA_TEST_BOOTSTRAP)
 *   -t topic     -n messages (2000000)   -s value bytes (100)
 *   -p partitions (6)   -a acks (1 | all)   -I idempotence on
 *   -z compression (none | gzip | snappy | lz4 | zstd)
 *   -r rate msgs/s (latency, 20000)   -d seconds (latency and idle, 30)
 *   -L low-latency setting (linger.ms=0)   -g group id (idle-consumer)
 *   -B background mode (samsa only; embedded otherwise)
 *   -X name=value  extra client property (repeatable)
 */
#ifndef SAMSA_BENCH_UTIL_H
#define SAMSA_BENCH_UTIL_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define BU_MAX_X 16

typedef struct bu_opts {
    const char *workload;
    const char *label;
    const char *bootstrap;
    const char *topic;
    long n;
    long size;
    int partitions;
    const char *acks;
    int idempotence;
    const char *codec;
    long rate;
    int seconds;
    int lowlat;
    const char *group;
    int background;
    const char *x[BU_MAX_X]; /* "name=value" */
    int nx;
} bu_opts;

static inline void bu_usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s -w produce|consume|latency|idle-producer|idle-consumer"
            "|create-topic|delete-topic\n"
            "          [-l label] [-b host:port] [-t topic] [-n msgs] [-s bytes]"
            " [-p partitions]\n"
            "          [-a 1|all] [-I] [-z codec] [-r rate] [-d seconds] [-L]"
            " [-g group] [-B]\n"
            "          [-X name=value]...\n",
            prog);
    exit(2);
}

static inline int bu_parse(int argc, char **argv, bu_opts *o)
{
    int ch;

    memset(o, 0, sizeof *o);
    o->n = 2000000;
    o->size = 100;
    o->partitions = 6;
    o->acks = "1";
    o->codec = "none";
    o->rate = 20000;
    o->seconds = 30;
    o->topic = "bench";
    o->bootstrap = getenv("SAMSA_BENCH_BOOTSTRAP");
    if (!o->bootstrap || !*o->bootstrap)
        o->bootstrap = getenv("SAMSA_TEST_BOOTSTRAP");
    while ((ch = getopt(argc, argv, "w:l:b:t:n:s:p:a:Iz:r:d:Lg:BX:")) != -1) {
        switch (ch) {
        case 'w': o->workload = optarg; break;
        case 'l': o->label = optarg; break;
        case 'b': o->bootstrap = optarg; break;
        case 't': o->topic = optarg; break;
        case 'n': o->n = atol(optarg); break;
        case 's': o->size = atol(optarg); break;
        case 'p': o->partitions = atoi(optarg); break;
        case 'a': o->acks = optarg; break;
        case 'I': o->idempotence = 1; break;
        case 'z': o->codec = optarg; break;
        case 'r': o->rate = atol(optarg); break;
        case 'd': o->seconds = atoi(optarg); break;
        case 'L': o->lowlat = 1; break;
        case 'g': o->group = optarg; break;
        case 'B': o->background = 1; break;
        case 'X':
            if (o->nx == BU_MAX_X || !strchr(optarg, '='))
                bu_usage(argv[0]);
            o->x[o->nx++] = optarg;
            break;
        default: bu_usage(argv[0]);
        }
    }
    if (!o->workload || !o->bootstrap || o->n <= 0 || o->size < 8 ||
        o->size > 1048576 || o->partitions <= 0 || o->rate <= 0 ||
        o->seconds <= 0)
        bu_usage(argv[0]);
    if (!o->label)
        o->label = o->workload;
    return 0;
}

static inline int64_t bu_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline double bu_cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Process user and system CPU seconds so far (printed beside cpu_s: the
 * kernel's part, socket copies, page faults and wake-ups, is most of a
 * 1 KiB row's CPU). */
static inline void bu_cpu_split(double *user, double *sys)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    *user = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
    *sys = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static inline long bu_peak_rss_kb(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss; /* kilobytes on Linux */
}

/* Threads of this process now (/proc/self/status), 0 if unreadable. */
static inline int bu_threads(void)
{
    char line[256];
    int n = 0;
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}

/* A pool of uppercase letters (as the Java perf tool's random payload), so
 * the codecs see the same compressibility in every client. Message i takes
 * `size` bytes at a moving offset. */
#define BU_POOL (1 << 16)
static unsigned char bu_pool[BU_POOL + 1048576];

static inline void bu_payload_init(void)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;
    size_t i;

    for (i = 0; i < sizeof bu_pool; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bu_pool[i] = (unsigned char)('A' + x % 26);
    }
}

static inline unsigned char *bu_payload(long i)
{
    return bu_pool + ((unsigned long)i * 7919u) % BU_POOL;
}

typedef struct bu_result {
    const char *label;
    const char *client;
    long msgs;      /* messages done (acknowledged or consumed) */
    long errors;    /* failed deliveries / error events */
    double seconds; /* wall time of the measured part */
    double cpu_s;   /* process user+sys over the measured part */
    long bytes;     /* value bytes */
    int threads;    /* highest thread count seen */
    int lat;        /* latency fields valid */
    double p50_us, p99_us, p999_us;
    long lat_samples;
    const char *note;
} bu_result;

static inline int bu_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

/* Sort v[0..n) and fill the percentiles (nearest rank). */
static inline void bu_percentiles(uint32_t *v, long n, bu_result *r)
{
    if (n <= 0)
        return;
    qsort(v, (size_t)n, sizeof *v, bu_cmp_u32);
    r->lat = 1;
    r->lat_samples = n;
    r->p50_us = v[(long)(0.50 * (double)(n - 1))];
    r->p99_us = v[(long)(0.99 * (double)(n - 1))];
    r->p999_us = v[(long)(0.999 * (double)(n - 1))];
}

static inline void bu_print(const bu_result *r)
{
    double secs = r->seconds > 0 ? r->seconds : 1e-9, user, sys;

    printf("{\"workload\":\"%s\",\"client\":\"%s\",\"msgs\":%ld,\"errors\":%ld,"
           "\"seconds\":%.3f,\"msgs_per_s\":%.0f,\"mb_per_s\":%.2f,"
           "\"cpu_s\":%.3f,\"cpu_s_per_million\":%.3f,\"cpu_pct\":%.3f,"
           "\"peak_rss_kb\":%ld,\"threads\":%d",
           r->label, r->client, r->msgs, r->errors, r->seconds,
           (double)r->msgs / secs, (double)r->bytes / secs / 1e6, r->cpu_s,
           r->msgs ? r->cpu_s * 1e6 / (double)r->msgs : 0.0,
           100.0 * r->cpu_s / secs, bu_peak_rss_kb(), r->threads);
    bu_cpu_split(&user, &sys);
    printf(",\"proc_user_s\":%.3f,\"proc_sys_s\":%.3f", user, sys);
    if (r->lat)
        printf(",\"p50_us\":%.0f,\"p99_us\":%.0f,\"p999_us\":%.0f,"
               "\"lat_samples\":%ld",
               r->p50_us, r->p99_us, r->p999_us, r->lat_samples);
    if (r->note)
        printf(",\"note\":\"%s\"", r->note);
    printf("}\n");
    fflush(stdout);
}

#endif
