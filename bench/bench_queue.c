/*
 * bench_queue - the queue layer next to the raw consumer, same run.
 *
 *   bench_queue [broker] [messages] [partitions] [rounds]
 *
 * Defaults: $SAMSA_TEST_BOOTSTRAP, 1000000 100-byte messages, 4 partitions,
 * 5 rounds (a round of 200,000 lasts some 30 ms, six Fetch round trips,
 * and its rate moves with each one's timing). One topic is written once; each round reads all of it with the
 * raw consumer (assign, consume, release) and with a queue running a no-op
 * handler (4 workers, partition order, fresh group), alternating, and the
 * medians are printed with the queue's cost relative to the raw consumer.
 * Both are timed from the first message (the queue's first handler call),
 * so neither the group join nor the first fetch's latency is counted.
 * Then a 1 ms handler (key order over 1,000 keys, 2,000 messages) with 1,
 * 4 and 16 workers shows how the pool scales. Prints figures, not a test.
 * Each round also prints the process CPU time per message (all threads),
 * which moves less than msg/s on a shared machine.
 *
 * For instruction counts (valgrind --tool=callgrind), run one side alone
 * over a topic written before:
 *   BENCH_QUEUE_TOPIC=name   read this topic (at least `messages` in it)
 *                            instead of writing a new one
 *   BENCH_QUEUE_ONLY=raw|queue  only that side, no 1 ms part
 * The queue's own cost is then (Ir queue - Ir raw) / messages.
 *
 * On a small machine that also runs the broker, the queue's extra threads
 * take CPU the broker needs to serve the next Fetch, which shows as fetch
 * latency in both sides' figures. To measure the client apart from that,
 * keep the two on different CPUs:
 *   BENCH_QUEUE_CPUS=0       run this process (every thread) on these CPUs
 *                            (a comma list), e.g. with the broker moved to
 *                            CPU 1 by `taskset -apc 1 <broker pid>`
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "samsa.h"
#include "samsa/consumer.h"
#include "samsa/queue.h"

static const char *broker;

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of the whole process (every thread). */
static double cpu_s(void)
{
    struct rusage ru;

    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static samsa_client *client(void)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256];

    if (samsa_conf_set(cf, "bootstrap.servers", broker, err, sizeof err) ||
        samsa_conf_set(cf, "linger.ms", "10", err, sizeof err)) {
        fprintf(stderr, "conf: %s\n", err);
        exit(1);
    }
    c = samsa_client_new(cf, err, sizeof err);
    samsa_conf_destroy(cf);
    if (!c) {
        fprintf(stderr, "client: %s\n", err);
        exit(1);
    }
    return c;
}

static void fill(const char *topic, long n, int parts, int nkeys)
{
    samsa_client *c = client();
    char val[100];
    long i;
    int err = samsa_create_topic(c, topic, parts, 1, NULL, 0, 15000);

    if (err && err != SAMSA_ERR_TOPIC_ALREADY_EXISTS) {
        fprintf(stderr, "create %s: %s\n", topic, samsa_err_name(err));
        exit(1);
    }
    memset(val, 'x', sizeof val);
    for (i = 0; i < n; i++) {
        char key[24];
        samsa_record r;

        memset(&r, 0, sizeof r);
        snprintf(key, sizeof key, "k%ld", nkeys ? i % nkeys : i);
        r.topic = topic;
        r.partition = nkeys ? SAMSA_PARTITION_ANY : (int32_t)(i % parts);
        r.key = key;
        r.key_len = strlen(key);
        r.value = val;
        r.value_len = sizeof val;
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        if ((err = samsa_produce(c, &r, NULL, 10000)) != 0) {
            fprintf(stderr, "produce: %s\n", samsa_err_name(err));
            exit(1);
        }
    }
    samsa_flush(c, 120000);
    samsa_client_destroy(c);
}

static double raw_round(const char *topic, long n, int parts)
{
    samsa_client *c = client();
    samsa_topic_partition tps[64];
    samsa_message *ms[256];
    long got = 0;
    double t0;
    int p;

    memset(tps, 0, sizeof tps);
    for (p = 0; p < parts; p++) {
        tps[p].topic = topic;
        tps[p].partition = p;
        tps[p].offset = SAMSA_OFFSET_BEGINNING;
        tps[p].leader_epoch = -1;
    }
    t0 = 0;
    samsa_assign(c, tps, (size_t)parts);
    while (got < n) {
        size_t k, m = samsa_consume_batch(c, ms, 256, 1000);

        for (k = 0; k < m; k++) {
            if (!ms[k]->err && got++ == 0)
                t0 = now_s(); /* from the first message, as the queue */
            samsa_message_release(ms[k]);
        }
    }
    t0 = now_s() - t0;
    samsa_client_destroy(c);
    return (double)n / t0;
}

/* A no-op handler should share nothing between workers: each worker
 * counts in its own cache line, the main thread sums them. */
#define QB_SLOTS 64
typedef struct qslot {
    atomic_long n;
    char pad[64 - sizeof(atomic_long)];
} qslot;

typedef struct qrun {
    qslot slot[QB_SLOTS];
    atomic_int nslots;
    atomic_bool started;
    _Atomic double first; /* time of the first handler call */
    _Atomic double last;  /* time of the call that made `target` */
    atomic_bool near_end; /* within a check interval of target: count on
                             every call, not every 64th */
    atomic_bool done;
    long target;          /* messages the round waits for */
    int sleep_us;
    samsa_queue *q;
} qrun;

static _Thread_local qslot *my_slot; /* workers are new threads per queue */

static long handled(qrun *r)
{
    long sum = 0;
    int i;

    for (i = 0; i < QB_SLOTS; i++)
        sum += atomic_load_explicit(&r->slot[i].n, memory_order_relaxed);
    return sum;
}

static samsa_queue_result h(void *opaque, samsa_queue_job *job)
{
    qrun *r = opaque;
    long mine;

    (void)job;
    if (r->sleep_us)
        usleep((useconds_t)r->sleep_us);
    if (!my_slot)
        my_slot = &r->slot[atomic_fetch_add(&r->nslots, 1) % QB_SLOTS];
    if (!atomic_load_explicit(&r->started, memory_order_relaxed) &&
        !atomic_exchange(&r->started, true))
        atomic_store(&r->first, now_s() - r->sleep_us / 1e6);
    /* one writer per slot (at most 16 workers here, 64 slots): a plain
     * load and store, not a locked add, which cost ~7% of a no-op run */
    mine = atomic_load_explicit(&my_slot->n, memory_order_relaxed) + 1;
    atomic_store_explicit(&my_slot->n, mine, memory_order_relaxed);
    /* the round ends at the handler call that makes the target, timed
     * here: each worker sums the slots every 64 of its own calls, and on
     * every call once the sum is within reach of the target */
    if ((mine & 63) == 0 || atomic_load_explicit(&r->near_end, memory_order_relaxed)) {
        long sum = handled(r);

        if (sum + 64L * atomic_load(&r->nslots) >= r->target)
            atomic_store(&r->near_end, true);
        if (sum >= r->target && !atomic_exchange(&r->done, true))
            atomic_store(&r->last, now_s());
    }
    return SAMSA_QUEUE_OK;
}

static void *runner(void *arg)
{
    qrun *r = arg;

    samsa_queue_run(r->q);
    return NULL;
}

static double queue_round(const char *topic, long n, const char *workers,
                          const char *ordering, int sleep_us)
{
    static int gen;
    samsa_queue_conf *qc = samsa_queue_conf_new(NULL);
    char err[256], group[300];
    qrun r;
    pthread_t th;
    double t0;

    memset(&r, 0, sizeof r);
    r.sleep_us = sleep_us;
    r.target = n;
    snprintf(group, sizeof group, "%s-bench-%d-%d", topic, (int)getpid(), ++gen);
    if (samsa_queue_conf_set(qc, "bootstrap.servers", broker, err, sizeof err) ||
        samsa_queue_conf_set(qc, "group.id", group, err, sizeof err) ||
        samsa_queue_conf_set(qc, "auto.offset.reset", "earliest", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.workers", workers, err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.ordering", ordering, err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.topic.create", "false", err, sizeof err)) {
        fprintf(stderr, "queue conf: %s\n", err);
        exit(1);
    }
    /* BENCH_QUEUE_CONF="name=value,name=value" for experiments */
    if (getenv("BENCH_QUEUE_CONF")) {
        char buf[512], *save = NULL, *kv;

        snprintf(buf, sizeof buf, "%s", getenv("BENCH_QUEUE_CONF"));
        for (kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(kv, '=');

            if (eq) {
                *eq = '\0';
                if (samsa_queue_conf_set(qc, kv, eq + 1, err, sizeof err) != 0) {
                    fprintf(stderr, "queue conf: %s\n", err);
                    exit(1);
                }
            }
        }
    }
    if (0) {
        fprintf(stderr, "queue conf: %s\n", err);
        exit(1);
    }
    r.q = samsa_queue_new(qc, h, NULL, &r, err, sizeof err);
    samsa_queue_conf_destroy(qc);
    if (!r.q || samsa_queue_subscribe(r.q, &topic, 1) != 0) {
        fprintf(stderr, "queue: %s\n", err);
        exit(1);
    }
    t0 = now_s();
    pthread_create(&th, NULL, runner, &r);
    while (!atomic_load(&r.done))
        usleep(1000);
    /* from the first message: group join time is not the queue's cost */
    t0 = atomic_load(&r.last) - atomic_load(&r.first);
    samsa_queue_stop(r.q);
    pthread_join(th, NULL);
    if (getenv("BENCH_QUEUE_STATS")) {
        samsa_queue_stats st;

        samsa_queue_stats_get(r.q, &st, NULL, 0);
        fprintf(stderr, "  (processed %llu, commits %llu, pauses %llu)\n",
                (unsigned long long)st.processed, (unsigned long long)st.commits,
                (unsigned long long)st.pauses);
    }
    samsa_queue_destroy(r.q);
    return (double)n / t0;
}

/* BENCH_QUEUE_CPUS: pin the process before any thread starts (threads
 * inherit the mask). */
static void pin_cpus(const char *list)
{
    cpu_set_t set;
    char buf[256], *save = NULL, *tok;

    CPU_ZERO(&set);
    snprintf(buf, sizeof buf, "%s", list);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int cpu = atoi(tok);

        if (cpu < 0 || cpu >= CPU_SETSIZE) {
            fprintf(stderr, "BENCH_QUEUE_CPUS: no CPU %s\n", tok);
            exit(2);
        }
        CPU_SET(cpu, &set);
    }
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        perror("BENCH_QUEUE_CPUS");
        exit(2);
    }
    printf("pinned to CPUs %s\n", list);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    int parts = argc > 3 ? atoi(argv[3]) : 4, rounds = argc > 4 ? atoi(argv[4]) : 5, i;
    double raw[16], qu[16], rawcpu[16], qucpu[16], rm, qm, c0;
    const char *only = getenv("BENCH_QUEUE_ONLY");
    bool do_raw = !only || !strcmp(only, "raw"), do_queue = !only || !strcmp(only, "queue");
    char topic[200], ktopic[220];
    static const char *const workers[] = { "1", "4", "16" };
    double w1 = 0;

    broker = argc > 1 && argv[1][0] ? argv[1] : getenv("SAMSA_TEST_BOOTSTRAP");
    if (!broker || n <= 0 || parts < 1 || parts > 64 || rounds < 1 || rounds > 16) {
        fprintf(stderr, "usage: bench_queue [broker] [messages] [partitions<=64] [rounds<=16]\n");
        return 2;
    }
    if (getenv("BENCH_QUEUE_CPUS") && *getenv("BENCH_QUEUE_CPUS"))
        pin_cpus(getenv("BENCH_QUEUE_CPUS"));
    if (getenv("BENCH_QUEUE_TOPIC")) {
        snprintf(topic, sizeof topic, "%s", getenv("BENCH_QUEUE_TOPIC"));
    } else {
        snprintf(topic, sizeof topic, "hqueue-bench-%d-%ld", (int)getpid(), (long)time(NULL));
        fill(topic, n, parts, 0);
        printf("topic %s\n", topic);
    }
    for (i = 0; i < rounds; i++) {
        raw[i] = qu[i] = rawcpu[i] = qucpu[i] = 0;
        if (do_raw) {
            c0 = cpu_s();
            raw[i] = raw_round(topic, n, parts);
            rawcpu[i] = (cpu_s() - c0) * 1e6 / (double)n;
        }
        if (do_queue) {
            c0 = cpu_s();
            qu[i] = queue_round(topic, n, "4", "partition", 0);
            qucpu[i] = (cpu_s() - c0) * 1e6 / (double)n;
        }
        printf("round %d: raw consumer %.0f msg/s (%.3f CPU us/msg), queue (no-op, 4 workers) "
               "%.0f msg/s (%.3f CPU us/msg)\n", i + 1, raw[i], rawcpu[i], qu[i], qucpu[i]);
        fflush(stdout);
    }
    if (only)
        return 0;
    rm = median(raw, rounds);
    qm = median(qu, rounds);
    printf("median over %d rounds, %ld messages x 100 B, %d partitions: raw %.0f msg/s, "
           "queue %.0f msg/s, queue cost %.1f%%\n", rounds, n, parts, rm, qm,
           100.0 * (1.0 - qm / rm));
    rm = median(rawcpu, rounds);
    qm = median(qucpu, rounds);
    printf("CPU per message (medians): raw %.3f us, queue %.3f us, queue's own %.3f us "
           "(%.0f%% of the queue's CPU)\n", rm, qm, qm - rm, qm > 0 ? 100.0 * (qm - rm) / qm : 0);

    snprintf(ktopic, sizeof ktopic, "%s-1ms", topic);
    fill(ktopic, 2000, parts, 1000);
    for (i = 0; i < 3; i++) {
        double r = queue_round(ktopic, 2000, workers[i], "key", 1000);

        if (i == 0)
            w1 = r;
        printf("1 ms handler, key order, %s worker%s: %.0f msg/s (x%.2f)\n", workers[i],
               i ? "s" : "", r, r / w1);
    }
    return 0;
}
