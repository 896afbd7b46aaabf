/*
 * bench/peer_rdkafka.c - the librdkafka column of the side-by-side
 * benchmark: the same workloads, settings and JSON line as bench_samsa.c,
 * written against librdkafka's public C API (Debian librdkafka-dev).
 * Benchmark-only; never linked into libsamsa. Options: bench/bench_util.h.
 *
 * Settings: librdkafka's defaults plus what the workload sets (acks,
 * enable.idempotence, compression.type; linger.ms=0 with -L) and -X extras.
 * Consume assigns every partition at the beginning (no group), so no
 * rebalance is timed; idle-consumer joins a group and waits for its
 * assignment before it starts the clock.
 */
#include "bench_util.h"

#include <librdkafka/rdkafka.h>

static long g_ok, g_err;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "peer_rdkafka: %s: %s\n", what, detail ? detail : "");
    exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v)
{
    char eb[512];

    if (rd_kafka_conf_set(conf, k, v, eb, sizeof eb) != RD_KAFKA_CONF_OK)
        die(k, eb);
}

static rd_kafka_conf_t *base_conf(const bu_opts *o)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    char kv[512];
    int i;

    set(conf, "bootstrap.servers", o->bootstrap);
    set(conf, "client.id", "hbench-rdkafka");
    for (i = 0; i < o->nx; i++) {
        char *eq;

        snprintf(kv, sizeof kv, "%s", o->x[i]);
        eq = strchr(kv, '=');
        *eq = '\0';
        set(conf, kv, eq + 1);
    }
    return conf;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) {
        if (!g_err)
            fprintf(stderr, "peer_rdkafka: delivery: %s\n",
                    rd_kafka_err2str(m->err));
        g_err++;
    } else {
        g_ok++;
    }
}

static rd_kafka_t *producer(const bu_opts *o)
{
    rd_kafka_conf_t *conf = base_conf(o);
    rd_kafka_t *rk;
    char eb[512];

    set(conf, "acks", o->acks);
    set(conf, "enable.idempotence", o->idempotence ? "true" : "false");
    set(conf, "compression.type", o->codec);
    if (o->lowlat)
        set(conf, "linger.ms", "0");
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, eb, sizeof eb);
    if (!rk)
        die("rd_kafka_new", eb);
    return rk;
}

static rd_kafka_t *consumer(const bu_opts *o, const char *group)
{
    rd_kafka_conf_t *conf = base_conf(o);
    rd_kafka_t *rk;
    char eb[512];

    set(conf, "group.id", group);
    set(conf, "enable.auto.commit", "false");
    set(conf, "auto.offset.reset", "earliest");
    rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, eb, sizeof eb);
    if (!rk)
        die("rd_kafka_new", eb);
    rd_kafka_poll_set_consumer(rk);
    return rk;
}

static void assign_all(rd_kafka_t *rk, const bu_opts *o)
{
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new(o->partitions);
    rd_kafka_resp_err_t e;
    int p;

    for (p = 0; p < o->partitions; p++)
        rd_kafka_topic_partition_list_add(l, o->topic, p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
    e = rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e)
        die("assign", rd_kafka_err2str(e));
}

static int max_i(int a, int b) { return a > b ? a : b; }

static void produce_one(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const void *v,
                        size_t len)
{
    while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                            (void *)v, len, NULL, 0, NULL) != 0) {
        if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL)
            die("produce", rd_kafka_err2str(rd_kafka_last_error()));
        rd_kafka_poll(rk, 1);
    }
}

static void run_produce(const bu_opts *o, bu_result *r)
{
    rd_kafka_t *rk = producer(o);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
    int64_t t0 = bu_now_ns();
    long i;

    for (i = 0; i < o->n; i++) {
        produce_one(rk, rkt, bu_payload(i), (size_t)o->size);
        if ((i & 1023) == 0)
            rd_kafka_poll(rk, 0);
        if ((i & 65535) == 0)
            r->threads = max_i(r->threads, bu_threads());
    }
    if (rd_kafka_flush(rk, 300000) != RD_KAFKA_RESP_ERR_NO_ERROR)
        fprintf(stderr, "peer_rdkafka: flush timed out\n");
    r->seconds = (double)(bu_now_ns() - t0) / 1e9;
    r->threads = max_i(r->threads, bu_threads());
    r->msgs = g_ok;
    r->errors = g_err + (o->n - g_ok - g_err);
    r->bytes = g_ok * o->size;
    r->cpu_s = bu_cpu_s();
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
}

static void run_consume(const bu_opts *o, bu_result *r)
{
    char group[64];
    rd_kafka_t *rk;
    int64_t t0, last;
    int got = 0; /* a message since the last empty poll */

    snprintf(group, sizeof group, "hbench-rd-%d", (int)getpid());
    rk = consumer(o, group);
    t0 = last = bu_now_ns();
    assign_all(rk, o);
    while (r->msgs < o->n) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);

        if (!m) {
            /* the clock is read after an empty poll only, not per message:
             * the harness's own time is not the client's CPU */
            if (got) {
                last = bu_now_ns();
                got = 0;
            } else if (bu_now_ns() - last > 30 * 1000000000ll) {
                fprintf(stderr, "peer_rdkafka: no message for 30 s at %ld\n",
                        r->msgs);
                break;
            }
            continue;
        }
        got = 1;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                r->errors++;
        } else {
            r->msgs++;
            r->bytes += (long)m->len;
            if ((r->msgs & 65535) == 0)
                r->threads = max_i(r->threads, bu_threads());
        }
        rd_kafka_message_destroy(m);
    }
    r->seconds = (double)(bu_now_ns() - t0) / 1e9;
    r->threads = max_i(r->threads, bu_threads());
    r->cpu_s = bu_cpu_s();
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

/* Produce at o->rate for o->seconds with the send time in the first 8
 * bytes, consume in the same process, latency = receive - send. The first
 * second (a quarter of a shorter run) is warm-up and not counted. */
static void run_latency(const bu_opts *o, bu_result *r)
{
    long total = o->rate * o->seconds, sent = 0, got = 0, nlat = 0;
    uint32_t *lat = malloc(sizeof *lat * (size_t)total);
    unsigned char *buf = malloc((size_t)o->size);
    char group[64];
    rd_kafka_t *prk, *crk;
    rd_kafka_topic_t *rkt;
    int64_t t0, warm, end, interval = 1000000000ll / o->rate, drain;

    if (!lat || !buf)
        die("latency", "out of memory");
    snprintf(group, sizeof group, "hbench-rd-lat-%d", (int)getpid());
    prk = producer(o);
    rkt = rd_kafka_topic_new(prk, o->topic, NULL);
    crk = consumer(o, group);
    assign_all(crk, o);
    memcpy(buf, bu_payload(0), (size_t)o->size);
    t0 = bu_now_ns();
    warm = t0 + (o->seconds >= 4 ? 1000000000ll : o->seconds * 250000000ll);
    end = t0 + (int64_t)o->seconds * 1000000000ll;
    drain = end + 10 * 1000000000ll;
    while (got < total && bu_now_ns() < drain) {
        int64_t now = bu_now_ns();
        rd_kafka_message_t *m;

        while (sent < total && now >= t0 + sent * interval) {
            memcpy(buf, &now, sizeof now);
            produce_one(prk, rkt, buf, (size_t)o->size);
            sent++;
        }
        rd_kafka_poll(prk, 0);
        m = rd_kafka_consumer_poll(crk, sent < total ? 1 : 100);
        if (!m)
            continue;
        if (!m->err && m->len >= 8) {
            int64_t ts, rnow = bu_now_ns();

            memcpy(&ts, m->payload, sizeof ts);
            got++;
            if (ts >= warm && nlat < total)
                lat[nlat++] = (uint32_t)((rnow - ts) / 1000);
            if ((got & 16383) == 0)
                r->threads = max_i(r->threads,
                                   bu_threads());
        } else if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            r->errors++;
        }
        rd_kafka_message_destroy(m);
    }
    r->seconds = (double)(bu_now_ns() - t0) / 1e9;
    r->threads = max_i(r->threads, bu_threads());
    r->msgs = got;
    r->bytes = got * o->size;
    r->errors += total - got;
    r->cpu_s = bu_cpu_s();
    bu_percentiles(lat, nlat, r);
    rd_kafka_flush(prk, 10000);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(prk);
    rd_kafka_consumer_close(crk);
    rd_kafka_destroy(crk);
    free(lat);
    free(buf);
}

static void run_idle_producer(const bu_opts *o, bu_result *r)
{
    rd_kafka_t *rk = producer(o);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, o->topic, NULL);
    int64_t end;
    double c0;

    produce_one(rk, rkt, bu_payload(0), (size_t)o->size);
    if (rd_kafka_flush(rk, 30000) != 0 || g_ok != 1)
        die("idle-producer", "the first message was not acknowledged");
    c0 = bu_cpu_s();
    end = bu_now_ns() + (int64_t)o->seconds * 1000000000ll;
    while (bu_now_ns() < end)
        rd_kafka_poll(rk, 1000);
    r->cpu_s = bu_cpu_s() - c0;
    r->seconds = o->seconds;
    r->threads = bu_threads();
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
}

static void run_idle_consumer(const bu_opts *o, bu_result *r)
{
    char group[64];
    rd_kafka_t *rk;
    rd_kafka_topic_partition_list_t *sub, *asg = NULL;
    int64_t end, give_up = bu_now_ns() + 60 * 1000000000ll;
    double c0;

    if (o->group)
        snprintf(group, sizeof group, "%s", o->group);
    else
        snprintf(group, sizeof group, "hbench-rd-idle-%d", (int)getpid());
    rk = consumer(o, group);
    sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, o->topic, RD_KAFKA_PARTITION_UA);
    if (rd_kafka_subscribe(rk, sub) != 0)
        die("subscribe", o->topic);
    rd_kafka_topic_partition_list_destroy(sub);
    for (;;) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);

        if (m)
            rd_kafka_message_destroy(m);
        if (rd_kafka_assignment(rk, &asg) == 0 && asg->cnt > 0)
            break;
        if (asg)
            rd_kafka_topic_partition_list_destroy(asg);
        asg = NULL;
        if (bu_now_ns() > give_up)
            die("idle-consumer", "no assignment after 60 s");
    }
    rd_kafka_topic_partition_list_destroy(asg);
    c0 = bu_cpu_s();
    end = bu_now_ns() + (int64_t)o->seconds * 1000000000ll;
    while (bu_now_ns() < end) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);

        if (m)
            rd_kafka_message_destroy(m);
    }
    r->cpu_s = bu_cpu_s() - c0;
    r->seconds = o->seconds;
    r->threads = bu_threads();
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
}

int main(int argc, char **argv)
{
    bu_opts o;
    bu_result r;

    bu_parse(argc, argv, &o);
    bu_payload_init();
    memset(&r, 0, sizeof r);
    r.label = o.label;
    r.client = "librdkafka";
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
