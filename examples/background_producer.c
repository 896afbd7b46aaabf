/*
 * examples/background_producer.c - background mode: samsa runs its loop
 * on one I/O thread (samsa_start) and the application's threads produce
 * concurrently.
 *
 *   background_producer BOOTSTRAP TOPIC [MESSAGES_PER_THREAD [THREADS]]
 *
 * Delivery reports run on samsa's I/O thread, so the counters they touch
 * are atomics. The program never calls samsa_poll (not allowed in this
 * mode); samsa_flush waits for the last reports. Prints
 * "produced N delivered N failed N" and exits 0 when everything arrived.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <samsa.h>

static atomic_long delivered, failed;

static void on_delivery(void *opaque, const samsa_delivery *d)
{
    (void)opaque;
    if (d->err)
        atomic_fetch_add(&failed, 1);
    else
        atomic_fetch_add(&delivered, 1);
}

typedef struct worker {
    pthread_t tid;
    samsa_client *c;
    const char *topic;
    int id;
    long n, produced;
} worker;

static void *produce_loop(void *arg)
{
    worker *w = arg;
    char key[32], value[64];
    long i;

    for (i = 0; i < w->n; i++) {
        samsa_record rec;
        snprintf(key, sizeof key, "worker-%d", w->id);
        snprintf(value, sizeof value, "message %ld from worker %d", i, w->id);
        memset(&rec, 0, sizeof rec);
        rec.topic = w->topic;
        rec.partition = SAMSA_PARTITION_ANY;
        rec.key = key;
        rec.key_len = strlen(key);
        rec.value = value;
        rec.value_len = strlen(value);
        rec.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        /* thread-safe in background mode; waits up to 5 s for buffer space */
        if (samsa_produce(w->c, &rec, NULL, 5000) != 0)
            break;
        w->produced++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    char err[256];
    samsa_conf *conf;
    samsa_client *c;
    worker ws[16];
    long per = argc > 3 ? atol(argv[3]) : 10000, produced = 0;
    int nthreads = argc > 4 ? atoi(argv[4]) : 2, i, rc;

    if (argc < 3 || per <= 0 || nthreads < 1 || nthreads > 16) {
        fprintf(stderr, "usage: %s BOOTSTRAP TOPIC [MESSAGES_PER_THREAD [THREADS (1-16)]]\n",
                argv[0]);
        return 2;
    }
    conf = samsa_conf_new(NULL);
    if (!conf || samsa_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err)) {
        fprintf(stderr, "config: %s\n", conf ? err : "out of memory");
        samsa_conf_destroy(conf);
        return 1;
    }
    samsa_conf_set_delivery_cb(conf, on_delivery, NULL);
    c = samsa_client_new(conf, err, sizeof err);
    samsa_conf_destroy(conf);
    if (!c) {
        fprintf(stderr, "client: %s\n", err);
        return 1;
    }
    rc = samsa_start(c); /* from here on the I/O thread runs the loop */
    if (rc) {
        fprintf(stderr, "start: %s\n", samsa_err_name(rc));
        samsa_client_destroy(c);
        return 1;
    }
    for (i = 0; i < nthreads; i++) {
        ws[i] = (worker){ 0, c, argv[2], i, per, 0 };
        pthread_create(&ws[i].tid, NULL, produce_loop, &ws[i]);
    }
    for (i = 0; i < nthreads; i++) {
        pthread_join(ws[i].tid, NULL);
        produced += ws[i].produced;
    }
    if (samsa_flush(c, 60000) != 0)
        fprintf(stderr, "flush: %zu still unacknowledged\n", samsa_outstanding(c));
    samsa_client_destroy(c); /* stops the I/O thread first */
    printf("produced %ld delivered %ld failed %ld\n", produced,
           atomic_load(&delivered), atomic_load(&failed));
    return atomic_load(&delivered) != produced;
}
