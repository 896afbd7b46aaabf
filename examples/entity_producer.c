/*
 * examples/entity_producer.c - publish entity updates keyed by entity name
 * at a fixed rate, logging every delivery report.
 *
 *   entity_producer BOOTSTRAP TOPIC [RATE_PER_S [SECONDS [ENTITIES]]]
 *
 * The key is the entity name ("sensor-3"), so every update of one entity
 * lands in the same partition, in order. Embedded mode: the program runs
 * samsa's loop itself (samsa_poll) while it waits for the next tick, and
 * the delivery callback runs inside that call. Ends with a summary line
 * "produced N delivered N failed N" and exit status 0 when all arrived.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <samsa.h>

typedef struct stats {
    long produced, delivered, failed;
    int quiet;
} stats;

/* One report per produced record, on the loop's thread (here: inside
 * samsa_poll/samsa_flush). d->opaque is what we passed to samsa_produce. */
static void on_delivery(void *opaque, const samsa_delivery *d)
{
    stats *st = opaque;
    long seq = (long)(intptr_t)d->opaque;

    if (d->err) {
        st->failed++;
        fprintf(stderr, "update %ld failed: %s (%s)\n", seq,
                samsa_err_name(d->err), d->errstr);
        return;
    }
    st->delivered++;
    if (!st->quiet)
        printf("delivered update %ld to %s [%" PRId32 "] at offset %" PRId64 "\n",
               seq, d->topic, d->partition, d->offset);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    const char *topic;
    double rate;
    int seconds, entities;
    stats st = { 0, 0, 0, 0 };
    char err[256], key[32], value[128];
    samsa_conf *conf;
    samsa_client *c;
    int64_t start, next, end;

    if (argc < 3) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC [RATE_PER_S [SECONDS [ENTITIES]]]\n",
                argv[0]);
        return 2;
    }
    topic = argv[2];
    rate = argc > 3 ? atof(argv[3]) : 10;
    seconds = argc > 4 ? atoi(argv[4]) : 5;
    entities = argc > 5 ? atoi(argv[5]) : 5;
    if (rate <= 0 || seconds <= 0 || entities <= 0) {
        fprintf(stderr, "rate, seconds and entities must be > 0\n");
        return 2;
    }
    st.quiet = getenv("QUIET") != NULL;

    conf = samsa_conf_new(NULL);
    if (!conf ||
        samsa_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) ||
        samsa_conf_set(conf, "client.id", "entity-producer", err, sizeof err) ||
        samsa_conf_set(conf, "linger.ms", "10", err, sizeof err)) {
        fprintf(stderr, "config: %s\n", conf ? err : "out of memory");
        samsa_conf_destroy(conf);
        return 1;
    }
    samsa_conf_set_delivery_cb(conf, on_delivery, &st);
    c = samsa_client_new(conf, err, sizeof err);
    samsa_conf_destroy(conf);
    if (!c) {
        fprintf(stderr, "client: %s\n", err);
        return 1;
    }

    start = next = now_ms();
    end = start + (int64_t)seconds * 1000;
    while (next < end) {
        samsa_record rec;
        int64_t wait = next - now_ms();
        int rc;
        if (wait > 0) { /* the loop runs while we wait for the tick */
            samsa_poll(c, (int)wait);
            continue;
        }
        snprintf(key, sizeof key, "sensor-%ld", st.produced % entities);
        snprintf(value, sizeof value,
                 "{\"entity\":\"%s\",\"seq\":%ld,\"reading\":%ld}", key,
                 st.produced, (st.produced * 7919) % 1000);
        memset(&rec, 0, sizeof rec);
        rec.topic = topic;
        rec.partition = SAMSA_PARTITION_ANY;
        rec.key = key;
        rec.key_len = strlen(key);
        rec.value = value;
        rec.value_len = strlen(value);
        rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        rc = samsa_produce(c, &rec, (void *)(intptr_t)st.produced, 1000);
        if (rc) {
            fprintf(stderr, "produce: %s\n", samsa_err_name(rc));
            break;
        }
        st.produced++;
        next = start + (int64_t)((double)st.produced * 1000.0 / rate);
    }
    if (samsa_flush(c, 30000) != 0)
        fprintf(stderr, "flush: %zu still unacknowledged\n", samsa_outstanding(c));
    samsa_client_destroy(c); /* anything left is reported as DESTROYED */
    printf("produced %ld delivered %ld failed %ld\n", st.produced, st.delivered,
           st.failed);
    return st.failed || st.delivered != st.produced;
}
