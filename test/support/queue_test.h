/*
 * test/support/queue_test.h - shared setup of the queue layer's
 * integration tests (test/integration/test_queue*.c): topics written with
 * known keys and values, a queue run on a thread with a scriptable
 * single-message handler (poison, transient, always-retry and slow
 * messages, per-message counts, key-order check) or a batch handler, and
 * readers for what landed in retry and dead-letter topics.
 *
 * Topic names start with "hqueue-". Everything here fails the running
 * cmocka test on error. Thread rules: the qt_ctx counters are atomics
 * (workers update them); the rest is for the test thread.
 */
#ifndef QUEUE_TEST_H
#define QUEUE_TEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa.h"
#include "samsa/consumer.h"
#include "samsa/queue.h"

/* $SAMSA_TEST_BOOTSTRAP (the test is skipped without it). */
const char *qt_bootstrap(void);
/* Wall-clock ms: the queue's retry due times travel in headers as such,
 * so handler call times are taken on the same clock. */
int64_t qt_wall_ms(void);
/* A fresh name "hqueue-<what>-<pid>-<ms>". */
void qt_name_of(char *buf, size_t len, const char *what);
/* A plain client on the test broker (linger.ms=5); the caller destroys it. */
samsa_client *qt_plain_client(void);
/* Create topic with nparts and write n messages: key "k<i % nkeys>",
 * value "v<i>", header h1=v1. */
void qt_make_topic(const char *topic, int nparts, int n, int nkeys);
/* i of a value "v<i>", or -1. */
int qt_value_index(const samsa_message *m);

/* One queue under test and what its handler saw. */
typedef struct qt_ctx {
    int n;
    _Atomic int *seen;          /* per message index: times processed OK */
    _Atomic int *attempts;      /* per index: handler calls */
    _Atomic int64_t *last_ms;   /* per index: time of the last call */
    _Atomic int64_t *first_ms;
    int poison;                 /* index that FAILs (-1 none) */
    int transient;              /* index that RETRYs twice then OK */
    int always_retry;           /* index that always RETRYs */
    int sleep_us;
    int slow;                   /* index that sleeps slow_us (0 = none) */
    int slow_us;
    _Atomic int ok_total;
    _Atomic int dlq_events;
    _Atomic int order_errors;
    _Atomic int internal_errors;
    /* key order: last offset per (partition, key) */
    pthread_mutex_t mu;
    int64_t *last_off;          /* [nparts * nkeys] */
    int nkeys, nparts;
    samsa_queue *q;
    int run_result;
    bool batch;                 /* qt_queue_new makes a batch-handler queue */
    _Atomic int batches;
} qt_ctx;

/* Counters for n messages; poison, transient and always_retry off. */
void qt_ctx_init(qt_ctx *x, int n);
void qt_ctx_free(qt_ctx *x);
/* A queue subscribed to topic with a group of its own ($HQ_SAME_GROUP:
 * "<topic>-g", shared), the ctx's handler (batch: the batch handler) and
 * callbacks, and kv's queue.* / client properties (name, value, ...,
 * NULL); stored in x->q. */
samsa_queue *qt_queue_new(qt_ctx *x, const char *topic, const char *const *kv);
/* pthread body: samsa_queue_run(x->q) into x->run_result. */
void *qt_run_thread(void *arg);
/* Run until cond(x) holds or timeout; stop; join; fail on a run error.
 * Returns the elapsed ms. */
int64_t qt_run_until(qt_ctx *x, bool (*cond)(qt_ctx *), int timeout_ms);
/* qt_reached: ok_total >= qt_target_ok and dlq_events >= qt_target_dlq. */
extern int qt_target_ok;
extern int qt_target_dlq;
bool qt_reached(qt_ctx *x);
/* Read up to max messages of every partition of topic from the start
 * (events skipped); *cout is the reading client, destroyed by the caller
 * after the messages are released. */
int qt_read_topic(const char *topic, int nparts, samsa_message **out, int max,
                  int timeout_ms, samsa_client **cout);
/* Whether header name of m has the value want. */
bool qt_header_is(const samsa_message *m, const char *name, const char *want);

#endif
