/*
 * bench/bench_samsa.c - the samsa column of the side-by-side benchmark:
 * the same workloads, settings and JSON line as peer_rdkafka.c, through
 * samsa's public API only (samsa.h, samsa/consumer.h). Also the harness's
 * admin helper (-w create-topic / delete-topic). Options: bench_util.h.
 *
 * Embedded mode by default (no thread: the program drives samsa_poll), -B
 * for background mode (one I/O thread). Settings: samsa's defaults plus
 * what the workload sets (acks, enable.idempotence, compression.type;
 * linger.ms=0 with -L) and -X extras.
 *
 * BENCH_SAMSA_LOG=1 in the environment prints samsa's log lines to stderr.
 *
 * While the consumer is not in the library yet, the consume, latency and
 * idle-consumer workloads print their JSON line with a "not yet" note: the
 * Makefile passes -DBENCH_HAVE_CONSUMER=1 once libsamsa.a defines
 * samsa_consume, and -DBENCH_HAVE_GROUP=1 (idle-consumer) once it defines
 * samsa_subscribe.
 */
#include "bench_util.h"

#include <poll.h>

#include "samsa.h"
#include "samsa/consumer.h"

#ifndef BENCH_HAVE_CONSUMER
#define BENCH_HAVE_CONSUMER 0
#endif
#ifndef BENCH_HAVE_GROUP
#define BENCH_HAVE_GROUP 0
#endif

static long g_ok, g_err;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "bench_samsa: %s: %s\n", what, detail ? detail : "");
    exit(1);
}

static void set(samsa_conf *cf, const char *k, const char *v)
{
    char eb[512];

    if (samsa_conf_set(cf, k, v, eb, sizeof eb) != 0)
        die(k, eb);
}

static void dr_cb(void *opaque, const samsa_delivery *d)
{
    (void)opaque;
    if (d->err) {
        if (!g_err)
            fprintf(stderr, "bench_samsa: delivery: %s: %s\n",
                    samsa_err_name(d->err), d->errstr);
        g_err++;
    } else {
        g_ok++;
    }
}

#if BENCH_HAVE_GROUP
static long g_assigned; /* partitions assigned by the group, net */

static void rebalance_cb(void *opaque, samsa_client *c,
                         samsa_rebalance_event ev,
                         const samsa_topic_partition *tps, size_t n)
{
    (void)opaque;
    (void)c;
    (void)tps;
    g_assigned += ev == SAMSA_REBALANCE_ASSIGNED ? (long)n : -(long)n;
}
#endif

static void log_cb(void *opaque, int level, const char *ctx, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "samsa %d %s: %s\n", level, ctx, msg);
}

/* What the run needs: producer settings (prod), a group (group). */
static samsa_client *client(const bu_opts *o, int prod, const char *group)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char kv[512], eb[512];
    int i;

    if (!cf)
        die("conf", "out of memory");
    set(cf, "bootstrap.servers", o->bootstrap);
    set(cf, "client.id", "hbench-samsa");
    if (getenv("BENCH_SAMSA_LOG")) /* e.g. -X debug=producer to see more */
        samsa_conf_set_log_cb(cf, log_cb, NULL);
    if (prod) {
        set(cf, "acks", o->acks);
        set(cf, "enable.idempotence", o->idempotence ? "true" : "false");
        set(cf, "compression.type", o->codec);
        if (o->lowlat)
            set(cf, "linger.ms", "0");
        samsa_conf_set_delivery_cb(cf, dr_cb, NULL);
    }
    if (group) {
        set(cf, "group.id", group);
        set(cf, "enable.auto.commit", "false");
        set(cf, "auto.offset.reset", "earliest");
#if BENCH_HAVE_GROUP
        samsa_conf_set_rebalance_cb(cf, rebalance_cb, NULL);
#endif
    }
    for (i = 0; i < o->nx; i++) {
        char *eq;

        snprintf(kv, sizeof kv, "%s", o->x[i]);
        eq = strchr(kv, '=');
        *eq = '\0';
        set(cf, kv, eq + 1);
    }
    c = samsa_client_new(cf, eb, sizeof eb);
    samsa_conf_destroy(cf);
    if (!c)
        die("samsa_client_new", eb);
    if (o->background && samsa_start(c) != 0)
        die("samsa_start", samsa_client_errstr(c));
    return c;
}

static int max_i(int a, int b) { return a > b ? a : b; }

static void produce_one(samsa_client *c, const bu_opts *o, const void *v)
{
    samsa_record rec;
    int rc;

    memset(&rec, 0, sizeof rec);
    rec.topic = o->topic;
    rec.partition = SAMSA_PARTITION_ANY;
    rec.value = v;
    rec.value_len = (size_t)o->size;
    rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
    rc = samsa_produce(c, &rec, NULL, 60000);
    if (rc != 0)
        die("samsa_produce", samsa_client_errstr(c));
}

static void run_produce(const bu_opts *o, bu_result *r)
{
    samsa_client *c = client(o, 1, NULL);
    int64_t t0 = bu_now_ns();
    long i;
    int rc;

    for (i = 0; i < o->n; i++) {
        produce_one(c, o, bu_payload(i));
        if (!o->background && (i & 1023) == 0)
            samsa_poll(c, 0);
        if ((i & 65535) == 0)
            r->threads = max_i(r->threads, bu_threads());
    }
    rc = samsa_flush(c, 300000);
    if (rc != 0)
        fprintf(stderr, "bench_samsa: flush: %s\n", samsa_err_name(rc));
    r->seconds = (double)(bu_now_ns() - t0) / 1e9;
    r->threads = max_i(r->threads, bu_threads());
    r->msgs = g_ok;
    r->errors = g_err + (o->n - g_ok - g_err);
    r->bytes = g_ok * o->size;
    r->cpu_s = bu_cpu_s();
    samsa_client_destroy(c);
}

#if BENCH_HAVE_CONSUMER
static void assign_all(samsa_client *c, const bu_opts *o)
{
    samsa_topic_partition tps[256];
    int p, n = o->partitions < 256 ? o->partitions : 256;

    memset(tps, 0, sizeof tps);
    for (p = 0; p < n; p++) {
        tps[p].topic = o->topic;
        tps[p].partition = p;
        tps[p].offset = SAMSA_OFFSET_BEGINNING;
        tps[p].leader_epoch = -1;
    }
    if (samsa_assign(c, tps, (size_t)n) != 0)
        die("samsa_assign", samsa_client_errstr(c));
}

static void run_consume(const bu_opts *o, bu_result *r)
{
    samsa_client *c;
    int64_t t0, last;
    int got = 0; /* a message since the last empty poll */

    c = client(o, 0, NULL);
    t0 = last = bu_now_ns();
    assign_all(c, o);
    while (r->msgs < o->n) {
        samsa_message *m = samsa_consume(c, 1000);

        if (!m) {
            /* the clock is read after an empty poll only, not per message:
             * the harness's own time is not the client's CPU */
            if (got) {
                last = bu_now_ns();
                got = 0;
            } else if (bu_now_ns() - last > 30 * 1000000000ll) {
                fprintf(stderr, "bench_samsa: no message for 30 s at %ld: %s\n",
                        r->msgs, samsa_client_errstr(c));
                break;
            }
            continue;
        }
        got = 1;
        if (m->err) {
            if (m->err != SAMSA_ERR_PARTITION_EOF)
                r->errors++;
        } else {
            r->msgs++;
            r->bytes += (long)m->value_len;
            if ((r->msgs & 65535) == 0)
                r->threads = max_i(r->threads, bu_threads());
        }
        samsa_message_release(m);
    }
    r->seconds = (double)(bu_now_ns() - t0) / 1e9;
    r->threads = max_i(r->threads, bu_threads());
    r->cpu_s = bu_cpu_s();
    samsa_close(c, 10000);
    samsa_client_destroy(c);
}

/* One received message of the latency run: its latency if past warm-up. */
static void lat_take(samsa_message *m, int64_t warm, uint32_t *lat,
                     long *nlat, long *got, long total, bu_result *r)
{
    if (!m->err && m->value_len >= 8) {
        int64_t ts, rnow = bu_now_ns();

        memcpy(&ts, m->value, sizeof ts);
        (*got)++;
        if (ts >= warm && *nlat < total)
            lat[(*nlat)++] = (uint32_t)((rnow - ts) / 1000);
        if ((*got & 16383) == 0)
            r->threads = max_i(r->threads, bu_threads());
    } else if (m->err && m->err != SAMSA_ERR_PARTITION_EOF) {
        r->errors++;
    }
    samsa_message_release(m);
}

/* Embedded mode with two handles in one thread: sleep on both handles'
 * fds at once (samsa_fd) until either has work, a timer of either is due
 * or max_ns passes (1 ms while sending, as the peer's
 * rd_kafka_consumer_poll(.., 1): both produce at the same cadence), then
 * serve both without blocking. Waiting inside one handle's call would
 * leave the other's sockets and timers (the producer's linger.ms)
 * unserved until that wait ends. */
static void lat_wait(samsa_client *c, samsa_client *cc, int64_t max_ns)
{
    struct pollfd pfd[2];
    struct timespec ts;
    int64_t wait = max_ns;
    int t, i, n = 0;

    for (i = 0; i < 2; i++) {
        samsa_client *h = i ? cc : c;

        if (i && cc == c)
            break;
        t = samsa_next_timeout_ms(h);
        if (t >= 0 && (int64_t)t * 1000000 < wait)
            wait = (int64_t)t * 1000000;
        pfd[n].fd = samsa_fd(h);
        pfd[n].events = POLLIN;
        pfd[n].revents = 0;
        n++;
    }
    if (wait <= 0)
        return;
    ts.tv_sec = (time_t)(wait / 1000000000);
    ts.tv_nsec = (long)(wait % 1000000000);
    (void)ppoll(pfd, (nfds_t)n, &ts, NULL);
}

/* As peer_rdkafka.c: produce at o->rate with the send time in the first 8
 * bytes and consume in the same thread; the first second (a quarter of a
 * shorter run) is warm-up. Two handles, as librdkafka (and Java) need: one
 * handle that produces and fetches shares a connection, and the broker
 * answers a connection's requests in order, so a Produce waits behind a
 * long-polling Fetch (up to fetch.max.wait.ms). BENCH_SAMSA_ONE_HANDLE=1
 * measures that case. Embedded mode waits on both handles (lat_wait);
 * BENCH_SAMSA_LAT_SIMPLE=1 (or -B) waits inside samsa_consume(cc, 1)
 * instead, as a program unaware of samsa_fd would. */
static void run_latency(const bu_opts *o, bu_result *r)
{
    long total = o->rate * o->seconds, sent = 0, got = 0, nlat = 0;
    uint32_t *lat;
    unsigned char *buf;
    samsa_client *c, *cc;
    int64_t t0, warm, end, interval = 1000000000ll / o->rate, drain;
    int fair = !o->background && !getenv("BENCH_SAMSA_LAT_SIMPLE");

    lat = malloc(sizeof *lat * (size_t)total);
    buf = malloc((size_t)o->size);
    if (!lat || !buf)
        die("latency", "out of memory");
    c = client(o, 1, NULL);
    cc = getenv("BENCH_SAMSA_ONE_HANDLE") ? c : client(o, 0, NULL);
    assign_all(cc, o);
    memcpy(buf, bu_payload(0), (size_t)o->size);
    t0 = bu_now_ns();
    warm = t0 + (o->seconds >= 4 ? 1000000000ll : o->seconds * 250000000ll);
    end = t0 + (int64_t)o->seconds * 1000000000ll;
    drain = end + 10 * 1000000000ll;
    while (got < total && bu_now_ns() < drain) {
        int64_t now = bu_now_ns();
        samsa_message *m;

        while (sent < total && now >= t0 + sent * interval) {
            memcpy(buf, &now, sizeof now);
            produce_one(c, o, buf);
            sent++;
        }
        if (fair) {
            if (cc != c)
                samsa_poll(c, 0);
            while ((m = samsa_consume(cc, 0)) != NULL)
                lat_take(m, warm, lat, &nlat, &got, total, r);
            lat_wait(c, cc, sent < total ? 1000000 : 100000000);
            continue;
        }
        if (cc != c && !o->background)
            samsa_poll(c, 0);
        m = samsa_consume(cc, sent < total ? 1 : 100);
        if (m)
            lat_take(m, warm, lat, &nlat, &got, total, r);
    }
    r->seconds = (double)(bu_now_ns() - t0) / 1e9;
    r->threads = max_i(r->threads, bu_threads());
    r->msgs = got;
    r->bytes = got * o->size;
    r->errors += total - got;
    r->cpu_s = bu_cpu_s();
    bu_percentiles(lat, nlat, r);
    samsa_flush(c, 10000);
    samsa_close(cc, 10000);
    if (cc != c)
        samsa_client_destroy(cc);
    samsa_client_destroy(c);
    free(lat);
    free(buf);
}

#if BENCH_HAVE_GROUP
static void run_idle_consumer(const bu_opts *o, bu_result *r)
{
    char group[64];
    const char *topics[1];
    samsa_client *c;
    samsa_message *m;
    double c0;

    if (o->group)
        snprintf(group, sizeof group, "%s", o->group);
    else
        snprintf(group, sizeof group, "hbench-samsa-idle-%d", (int)getpid());
    c = client(o, 0, group);
    topics[0] = o->topic;
    if (samsa_subscribe(c, topics, 1) != 0)
        die("samsa_subscribe", samsa_client_errstr(c));
    /* until the rebalance callback reports an assignment (as the peer
     * waits for rd_kafka_assignment), polling consume as users do */
    {
        int64_t give_up = bu_now_ns() + 60 * 1000000000ll;

        while (g_assigned == 0) {
            if ((m = samsa_consume(c, 100)) != NULL)
                samsa_message_release(m);
            if (bu_now_ns() > give_up)
                die("idle-consumer", "no assignment after 60 s");
        }
    }
    c0 = bu_cpu_s();
    {
        int64_t end = bu_now_ns() + (int64_t)o->seconds * 1000000000ll, now;

        while ((now = bu_now_ns()) < end) {
            int ms = (int)((end - now) / 1000000) + 1;

            if ((m = samsa_consume(c, ms > 1000 ? 1000 : ms)) != NULL)
                samsa_message_release(m);
        }
    }
    r->cpu_s = bu_cpu_s() - c0;
    r->seconds = o->seconds;
    r->threads = bu_threads();
    samsa_close(c, 10000);
    samsa_client_destroy(c);
}

#endif /* BENCH_HAVE_GROUP */
#endif /* BENCH_HAVE_CONSUMER */

#if !BENCH_HAVE_CONSUMER
static void no_consumer(const bu_opts *o, bu_result *r)
{
    (void)o;
    r->note = "not yet: the consumer is not in this libsamsa";
    r->errors = 1;
}
#define run_consume no_consumer
#define run_latency no_consumer
#endif
#if !BENCH_HAVE_CONSUMER || !BENCH_HAVE_GROUP
static void no_group(const bu_opts *o, bu_result *r)
{
    (void)o;
    r->note = "not yet: samsa_subscribe is not in this libsamsa";
    r->errors = 1;
}
#define run_idle_consumer no_group
#endif

static void idle_wait(samsa_client *c, const bu_opts *o, int64_t end)
{
    int64_t now;

    while ((now = bu_now_ns()) < end) {
        int ms = (int)((end - now) / 1000000) + 1;

        if (o->background)
            usleep(ms > 1000 ? 1000000 : (useconds_t)ms * 1000);
        else
            samsa_poll(c, ms);
    }
}

static void run_idle_producer(const bu_opts *o, bu_result *r)
{
    samsa_client *c = client(o, 1, NULL);
    double c0;

    produce_one(c, o, bu_payload(0));
    if (samsa_flush(c, 30000) != 0 || g_ok != 1)
        die("idle-producer", "the first message was not acknowledged");
    c0 = bu_cpu_s();
    idle_wait(c, o, bu_now_ns() + (int64_t)o->seconds * 1000000000ll);
    r->cpu_s = bu_cpu_s() - c0;
    r->seconds = o->seconds;
    r->threads = bu_threads();
    samsa_client_destroy(c);
}

/* Admin helper for bench/run.sh: create (replication 1) or delete. */
static int run_admin(const bu_opts *o, int create)
{
    samsa_client *c = client(o, 0, NULL);
    int rc, p;

    if (create)
        rc = samsa_create_topic(c, o->topic, o->partitions, -1, NULL, 0,
                                30000);
    else
        rc = samsa_delete_topic(c, o->topic, 30000);
    if (rc == SAMSA_ERR_TOPIC_ALREADY_EXISTS ||
        (!create && rc == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION))
        rc = 0;
    /* a run measures steady state: wait until every partition's leader
     * answers (right after creation, Produce gets NOT_LEADER_OR_FOLLOWER) */
    for (p = 0; create && rc == 0 && p < o->partitions; p++) {
        int64_t off, give_up = bu_now_ns() + 30 * 1000000000ll;
        int lr;

        while ((lr = samsa_list_offset(c, o->topic, p, SAMSA_OFFSET_LATEST,
                                       &off, NULL, 5000)) != 0 &&
               bu_now_ns() < give_up)
            usleep(50000);
        if (lr != 0)
            fprintf(stderr, "bench_samsa: %s [%d] has no leader: %s\n",
                    o->topic, p, samsa_err_name(lr));
    }
    if (rc != 0)
        fprintf(stderr, "bench_samsa: %s %s: %s: %s\n",
                create ? "create" : "delete", o->topic, samsa_err_name(rc),
                samsa_client_errstr(c));
    samsa_client_destroy(c);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    bu_opts o;
    bu_result r;

    bu_parse(argc, argv, &o);
    if (!strcmp(o.workload, "create-topic"))
        return run_admin(&o, 1);
    if (!strcmp(o.workload, "delete-topic"))
        return run_admin(&o, 0);
    bu_payload_init();
    memset(&r, 0, sizeof r);
    r.label = o.label;
    r.client = o.background ? "samsa-bg" : "samsa";
    if (!strcmp(o.workload, "produce"))
        run_produce(&o, &r);
    else if (!strcmp(o.workload, "consume"))
        run_consume(&o, &r);
    else if (!strcmp(o.workload, "latency"))
        run_latency(&o, &r);
    else if (!strcmp(o.workload, "idle-producer"))
        run_idle_producer(&o, &r);
    else if (!strcmp(o.workload, "idle-consumer"))
        run_idle_consumer(&o, &r);
    else
        bu_usage(argv[0]);
    bu_print(&r);
    return r.errors ? 1 : 0;
}
