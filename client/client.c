/* client/client.c - the handle: life cycle, embedded and background mode;
 * see samsa/client.h and client_int.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client_int.h"
#include "alloc.h"
#include "brokers.h"
#include "metadata_refresh.h"
#include "producer_int.h"

int sc_client_fail(samsa_client *c, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->errstr, sizeof c->errstr, fmt, ap);
    va_end(ap);
    return err;
}

bool sc_client_on_loop(const samsa_client *c)
{
    return !c->background || sn_loop_on_loop_thread(c->loop);
}

void sc_client_signal_locked(samsa_client *c)
{
    pthread_cond_broadcast(&c->cv);
}

void sc_client_signal(samsa_client *c)
{
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

typedef struct call_ctx {
    samsa_client *c;
    int (*fn)(void *);
    void *arg;
    int rc;
    bool done;
} call_ctx;

static void call_post(void *arg)
{
    call_ctx *x = arg;
    int rc = x->fn(x->arg);

    pthread_mutex_lock(&x->c->mu);
    x->rc = rc;
    x->done = true;
    pthread_cond_broadcast(&x->c->cv);
    pthread_mutex_unlock(&x->c->mu);
}

int sc_client_call(samsa_client *c, int (*fn)(void *arg), void *arg)
{
    call_ctx x = { c, fn, arg, 0, false };

    if (sc_client_on_loop(c))
        return fn(arg);
    if (sn_loop_post(c->loop, call_post, &x) != 0)
        return SAMSA_ERR_NO_MEMORY;
    pthread_mutex_lock(&c->mu);
    while (!x.done)
        pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
    return x.rc;
}

int sc_client_wait(samsa_client *c, bool (*done)(void *arg), void *arg,
                   int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? INT64_MAX : sc_mono_ms() + timeout_ms;

    if (!c->background) {
        for (;;) {
            int64_t now, left;
            int rc;
            if (done(arg))
                return 0;
            if (c->in_callback)
                return SAMSA_ERR_REENTRANT;
            now = sc_mono_ms();
            if (now >= deadline)
                return SAMSA_ERR_TIMED_OUT;
            left = deadline == INT64_MAX ? -1 : deadline - now;
            if (left > 1000 || left < 0)
                left = 1000;
            rc = sn_loop_poll(c->loop, (int)left);
            if (rc < 0 && rc != SAMSA_ERR_IO)
                return rc;
        }
    }
    if (sn_loop_on_loop_thread(c->loop))
        return done(arg) ? 0 : SAMSA_ERR_REENTRANT;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        struct timespec ts;
        int64_t now;
        if (done(arg))
            break;
        now = sc_mono_ms();
        if (now >= deadline) {
            pthread_mutex_unlock(&c->mu);
            return SAMSA_ERR_TIMED_OUT;
        }
        /* cv uses CLOCK_MONOTONIC (set at init) */
        ts = sc_mono_after(deadline - now > 1000 ? 1000 : deadline - now);
        pthread_cond_timedwait(&c->cv, &c->mu, &ts);
    }
    pthread_mutex_unlock(&c->mu);
    return 0;
}

void sc_client_add_part(samsa_client *c, sc_part_id id, const sc_part_ops *ops)
{
    c->parts[id] = ops;
}

void sc_client_md_changed(samsa_client *c, const char *topic, unsigned changed)
{
    int i;

    if (c->producer)
        sc_producer_md_changed(c->producer, topic, changed);
    for (i = 0; i < SC_PART_COUNT; i++)
        if (c->parts[i] && c->parts[i]->md_changed)
            c->parts[i]->md_changed(c, topic, changed);
}

void sc_client_conn_event(samsa_client *c, int32_t node_id, sn_conn_event ev,
                          int err, const char *errstr)
{
    int i;

    if (c->closing)
        return;
    if (c->mdr)
        sc_mdr_conn_event(c->mdr, ev);
    if (c->producer)
        sc_producer_conn_event(c->producer, node_id, ev, err, errstr);
    for (i = 0; i < SC_PART_COUNT; i++)
        if (c->parts[i] && c->parts[i]->conn_event)
            c->parts[i]->conn_event(c, node_id, ev);
}

static void part_destroy(samsa_client *c, sc_part_id id)
{
    if (c->parts[id] && c->parts[id]->destroy)
        c->parts[id]->destroy(c);
}

static uint32_t debug_mask(const samsa_conf *conf)
{
    return sc_conf_list_mask(conf, SC_DEBUG);
}

samsa_client *samsa_client_new(const samsa_conf *conf, char *errbuf,
                               size_t errlen)
{
    const samsa_allocator *a;
    samsa_client *c;
    pthread_condattr_t ca;
    char eb[256] = "";
    int rc;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!conf) {
        if (errbuf)
            snprintf(errbuf, errlen, "conf is NULL");
        return NULL;
    }
    a = sc_conf_allocator(conf);
    c = sp_calloc(a, 1, sizeof *c);
    if (!c)
        goto oom;
    c->alloc = a;
    c->conf = samsa_conf_dup(conf);
    if (!c->conf) {
        sp_free(a, c);
        goto oom;
    }
    c->cbs = *sc_conf_callbacks_const(conf);
    sc_logger_init(&c->log, c->cbs.log, c->cbs.log_opaque, debug_mask(conf));
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->cv, &ca);
    pthread_condattr_destroy(&ca);
    sc_md_init(&c->md, a);
    rc = sn_loop_new(a, &c->loop);
    if (rc) {
        snprintf(eb, sizeof eb, "event loop: %s", samsa_err_str(rc));
        goto fail;
    }
    rc = sc_brokers_new(c, &c->brokers, eb, sizeof eb);
    if (rc)
        goto fail;
    rc = sc_producer_new(c, &c->producer, eb, sizeof eb);
    if (rc)
        goto fail;
    rc = sc_mdr_new(c, &c->mdr);
    if (rc) {
        snprintf(eb, sizeof eb, "%s", samsa_err_str(rc));
        goto fail;
    }
    return c;
fail:
    if (errbuf)
        snprintf(errbuf, errlen, "%s", eb[0] ? eb : samsa_err_str(rc));
    samsa_client_destroy(c);
    return NULL;
oom:
    if (errbuf)
        snprintf(errbuf, errlen, "out of memory");
    return NULL;
}

void samsa_client_destroy(samsa_client *c)
{
    if (!c)
        return;
    if (c->in_callback && sc_client_on_loop(c)) {
        /* documented: not from a callback; refuse rather than corrupt */
        sc_client_fail(c, SAMSA_ERR_REENTRANT,
                       "samsa_client_destroy called from a callback");
        return;
    }
    if (c->background && c->loop)
        sn_loop_stop(c->loop);
    c->background = false;
    c->closing = true;
    /* connections first: their pending callbacks see `closing` */
    sc_brokers_free(c->brokers);
    c->brokers = NULL;
    part_destroy(c, SC_PART_ADMIN);
    sc_producer_destroy(c->producer);
    c->producer = NULL;
    part_destroy(c, SC_PART_CONSUMER);
    sc_mdr_free(c->mdr);
    c->mdr = NULL;
    if (c->loop)
        sn_loop_free(c->loop);
    sc_md_free(&c->md);
    pthread_cond_destroy(&c->cv);
    pthread_mutex_destroy(&c->mu);
    samsa_conf_destroy(c->conf);
    sp_free(c->alloc, c);
}

int samsa_fd(const samsa_client *c)
{
    return c ? sn_loop_fd(c->loop) : -1;
}

int samsa_next_timeout_ms(samsa_client *c)
{
    return c ? sn_loop_next_timeout_ms(c->loop) : -1;
}

int samsa_poll(samsa_client *c, int timeout_ms)
{
    if (!c)
        return SAMSA_ERR_INVALID_ARG;
    if (c->background)
        return sc_client_fail(c, SAMSA_ERR_STATE,
                              "samsa_poll in background mode");
    if (c->in_callback)
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "samsa_poll called from a callback");
    return sn_loop_poll(c->loop, timeout_ms);
}

int samsa_start(samsa_client *c)
{
    int rc;

    if (!c)
        return SAMSA_ERR_INVALID_ARG;
    if (c->background)
        return sc_client_fail(c, SAMSA_ERR_STATE, "already started");
    if (c->in_callback)
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "samsa_start called from a callback");
    c->background = true;
    rc = sn_loop_start(c->loop);
    if (rc) {
        c->background = false;
        return sc_client_fail(c, rc, "cannot start the I/O thread: %s",
                              samsa_err_str(rc));
    }
    return 0;
}

const char *samsa_client_errstr(const samsa_client *c)
{
    return c ? c->errstr : "";
}
