/*
 * client/client_int.h - the inside of a samsa_client, shared by the parts
 * of client/ (core, metadata refresh, broker pool, producer, admin).
 *
 * One samsa_client = one sn_loop. Everything here is touched only on the
 * loop thread (the thread inside samsa_poll in embedded mode, the I/O
 * thread in background mode), except what is marked "under mu": those
 * fields may be read or written from any thread holding c->mu.
 *
 * Parts and their owners:
 *   client.c            handle life cycle, embedded/background plumbing
 *   clock.c             the clocks (sc_mono_ms, sc_wall_ms)
 *   brokers.c           one sn_conn per broker node id, plus bootstrap
 *   metadata_refresh.c  Metadata requests -> sc_metadata cache, timers
 *   producer*.c, accumulator.c, sender.c, idempotence.c  the producer
 *   admin*.c            synchronous admin calls
 *   consumer*.c, cgrp*.c  the consumer and the consumer group
 *   client_consumer.c   the consumer side's hooks (sc_part_ops)
 * Parts are told about metadata changes through sc_client_md_changed()
 * and about connections through sc_client_conn_event(), which call each
 * part's hook. The producer is created with the client and called
 * directly; the consumer side and admin are reached only through the
 * sc_part_ops each installs on first use, so a program that only
 * produces does not link them (a static link stays small).
 */
#ifndef SC_CLIENT_INT_H
#define SC_CLIENT_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "samsa/client.h"
#include "samsa/producer.h"
#include "clock.h" /* sc_mono_ms, sc_wall_ms */
#include "conf.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "metadata.h"

struct sc_brokers;
struct sc_mdr;
struct sc_producer;
struct sc_consumer;
struct sc_cgrp;
struct sc_admin_op;

/* A part of the client that is created on first use and that the core
 * reaches only through this table (see sc_client_add_part). Every hook
 * runs on the loop thread and may be NULL. */
typedef struct sc_part_ops {
    /* after the metadata cache changed (see sc_client_md_changed) */
    void (*md_changed)(samsa_client *c, const char *topic, unsigned changed);
    /* a connection changed state (see sc_client_conn_event) */
    void (*conn_event)(samsa_client *c, int32_t node_id, sn_conn_event ev);
    /* samsa_client_destroy, after the broker pool is gone: finish what
     * waits and free the part */
    void (*destroy)(samsa_client *c);
} sc_part_ops;

typedef enum sc_part_id {
    SC_PART_CONSUMER, /* consumer and group: client_consumer.c */
    SC_PART_ADMIN,    /* admin calls waiting for a broker: admin.c */
    SC_PART_COUNT
} sc_part_id;

struct samsa_client {
    const samsa_allocator *alloc;
    samsa_conf *conf; /* the handle's own copy */
    sc_callbacks cbs;
    sc_logger log;
    sn_loop *loop;

    sc_metadata md;               /* cluster view */
    struct sc_brokers *brokers;   /* connections */
    struct sc_mdr *mdr;           /* metadata refresher */
    struct sc_producer *producer; /* created with the client */
    struct sc_consumer *consumer; /* consumer.c: NULL until first use */
    struct sc_cgrp *cgrp;         /* cgrp.c: NULL until subscribe/commit */
    struct sc_admin_op *admin_ops; /* admin calls waiting for a broker */
    const sc_part_ops *parts[SC_PART_COUNT]; /* installed on first use */

    pthread_mutex_t mu; /* guards the "under mu" fields of the parts */
    pthread_cond_t cv;  /* signalled by sc_client_signal() */

    int in_callback;  /* > 0 while a user callback runs */
    bool background;  /* samsa_start() called */
    bool closing;     /* destroy in progress: no new requests */
    char errstr[256]; /* last error detail */
};

/* Record a formatted error detail in c->errstr; returns err. */
int sc_client_fail(samsa_client *c, int err, const char *fmt, ...) SC_PRINTF(3, 4);

/* Run fn(arg) on the loop thread: directly in embedded mode (or when
 * already on the I/O thread), else posted, waiting for it to finish.
 * Returns fn's result, or SAMSA_ERR_NO_MEMORY when it could not be posted. */
int sc_client_call(samsa_client *c, int (*fn)(void *arg), void *arg);

/* Wait until done(arg) is true or timeout_ms passes (-1 = forever),
 * running the loop in embedded mode, or sleeping on c->cv in background
 * mode. done() is called with c->mu held in background mode, so it may
 * read only "under mu" state. 0, SAMSA_ERR_TIMED_OUT, or
 * SAMSA_ERR_REENTRANT (embedded mode, inside a callback). */
int sc_client_wait(samsa_client *c, bool (*done)(void *arg), void *arg,
                   int timeout_ms);
/* Wake sc_client_wait() callers (any thread; takes c->mu). */
void sc_client_signal(samsa_client *c);
/* Same, for a caller already holding c->mu. */
void sc_client_signal_locked(samsa_client *c);

/* True when the caller runs on the loop thread (or in embedded mode). */
bool sc_client_on_loop(const samsa_client *c);

/* Hooks called by the metadata refresher after the cache changed
 * (SC_MD_* mask for that topic, or 0 for an error or no change). */
void sc_client_md_changed(samsa_client *c, const char *topic,
                          unsigned changed);
/* Hook called by the broker pool on a connection's state change. */
void sc_client_conn_event(samsa_client *c, int32_t node_id, sn_conn_event ev,
                          int err, const char *errstr);

/* Install a part's hooks (loop thread, or under the caller's own
 * serialisation before the part is reachable); idempotent. The core calls
 * them from then on until samsa_client_destroy. */
void sc_client_add_part(samsa_client *c, sc_part_id id, const sc_part_ops *ops);

/* The consumer side's hooks (client_consumer.c): installed by the
 * consumer and the group when they are created. */
extern const sc_part_ops sc_consumer_part;

/* Guard user callbacks: in_callback++ / --. */
#define SC_CALLBACK(c, call)                                                   \
    do {                                                                       \
        (c)->in_callback++;                                                    \
        call;                                                                  \
        (c)->in_callback--;                                                    \
    } while (0)

#endif
