/* client/producer_api.c - the public producer calls (samsa_produce,
 * samsa_produce_sync, samsa_flush, samsa_outstanding): checks, buffer
 * space, staging under c->mu; see samsa/producer.h and producer_int.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "producer_int.h"
#include "alloc.h"

#define STAGE_ALIGN 8u

typedef struct space_ctx {
    sc_producer *p;
    size_t need;
} space_ctx;

static bool space_done(void *arg)
{
    space_ctx *x = arg;

    return x->p->fatal ||
           x->p->buffered + x->need <= (size_t)x->p->buffer_memory;
}

/* On the loop thread: reserve buffer space and append straight to the
 * batch. SAMSA_ERR_STATE: not taken (stage it instead). */
static int produce_direct(samsa_client *c, sc_producer *p,
                          const samsa_record *rec, const sc_staged *e)
{
    bool lock = c->background; /* embedded mode: one thread at a time */
    size_t size = e->acct;

    if (lock)
        pthread_mutex_lock(&c->mu);
    if (p->fatal) {
        if (lock)
            pthread_mutex_unlock(&c->mu);
        return sc_client_fail(c, SAMSA_ERR_FATAL, "%s", p->fatal_str);
    }
    if (p->stage.len > 0 || p->buffered + size > (size_t)p->buffer_memory) {
        if (lock)
            pthread_mutex_unlock(&c->mu);
        return SAMSA_ERR_STATE; /* keep order behind staged records */
    }
    p->buffered += size;
    p->outstanding++;
    if (lock)
        pthread_mutex_unlock(&c->mu);
    if (sc_producer_append_direct(p, rec, e) == 0)
        return 0;
    pthread_mutex_lock(&c->mu);
    p->buffered -= size;
    p->outstanding--;
    pthread_mutex_unlock(&c->mu);
    return SAMSA_ERR_STATE;
}

static int produce_impl(samsa_client *c, const samsa_record *rec, void *opaque,
                        uint32_t flags, int block_ms)
{
    sc_producer *p;
    size_t topic_len, size, hdr_len = 0, bound, i, klen, vlen;
    int64_t enq, deadline;
    sc_staged e;
    uint8_t *dst;
    bool post;

    if (!c || !rec || !rec->topic)
        return SAMSA_ERR_INVALID_ARG;
    p = c->producer;
    if (c->closing || !p)
        return sc_client_fail(c, SAMSA_ERR_STATE, "client is being destroyed");
    topic_len = strlen(rec->topic);
    if (topic_len == 0 || topic_len > 249)
        return sc_client_fail(c, SAMSA_ERR_INVALID_ARG,
                              "topic name must be 1-249 characters");
    if (rec->partition < SAMSA_PARTITION_ANY ||
        (rec->nheaders && !rec->headers) || (rec->key_len && !rec->key) ||
        (rec->value_len && !rec->value) || rec->key_len > INT32_MAX ||
        rec->value_len > INT32_MAX || rec->nheaders > 100000)
        return sc_client_fail(c, SAMSA_ERR_INVALID_ARG, "invalid record");
    for (i = 0; i < rec->nheaders; i++) {
        if (!rec->headers[i].name ||
            (rec->headers[i].value_len && !rec->headers[i].value))
            return sc_client_fail(c, SAMSA_ERR_INVALID_ARG,
                                  "header %zu has no name or value", i);
        hdr_len += 8 + strlen(rec->headers[i].name) +
                   (rec->headers[i].value ? rec->headers[i].value_len : 0);
    }
    klen = rec->key ? rec->key_len : 0;
    vlen = rec->value ? rec->value_len : 0;
    /* local size check, as the broker would see the batch */
    bound = sc_rec_bound(klen, vlen, hdr_len, rec->nheaders) +
            SP_BATCH_HEADER_SIZE;
    if (bound > (size_t)p->msg_max)
        return sc_client_fail(c, SAMSA_ERR_MSG_TOO_LARGE,
                              "record of about %zu bytes is larger than "
                              "message.max.bytes (%lld)",
                              bound, (long long)p->msg_max);
    size = sizeof e + topic_len + klen + vlen + hdr_len;
    size = (size + STAGE_ALIGN - 1) & ~(size_t)(STAGE_ALIGN - 1);
    if (size > (size_t)p->buffer_memory)
        return sc_client_fail(c, SAMSA_ERR_MSG_TOO_LARGE,
                              "record larger than buffer.memory");

    enq = sc_mono_coarse_ms();
    e.size = (uint32_t)size;
    e.flags = flags;
    e.partition = rec->partition;
    e.topic_len = (uint32_t)topic_len;
    e.key_len = rec->key ? (int32_t)rec->key_len : -1;
    e.value_len = rec->value ? (int32_t)rec->value_len : -1;
    e.nheaders = (uint32_t)rec->nheaders;
    e.hdr_len = (uint32_t)hdr_len;
    /* 0 (a zeroed record) and negatives mean "now", as in librdkafka */
    e.ts = rec->timestamp_ms <= 0 ? sc_wall_ms() : rec->timestamp_ms;
    e.enq_ms = enq;
    e.opaque = opaque;
    e.acct = (uint32_t)size;
    e.pad = 0;

    if (sc_client_on_loop(c)) {
        int rc = produce_direct(c, p, rec, &e);
        if (rc != SAMSA_ERR_STATE)
            return rc;
    }
    deadline = block_ms > 0 ? enq + block_ms : enq;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        space_ctx sx = { p, size };
        int left, rc;
        if (p->fatal) {
            pthread_mutex_unlock(&c->mu);
            return sc_client_fail(c, SAMSA_ERR_FATAL, "%s", p->fatal_str);
        }
        if (space_done(&sx))
            break;
        left = (int)(deadline - sc_mono_coarse_ms());
        if (left <= 0) {
            pthread_mutex_unlock(&c->mu);
            return sc_client_fail(c, SAMSA_ERR_QUEUE_FULL,
                                  "buffer.memory (%lld bytes) is full",
                                  (long long)p->buffer_memory);
        }
        pthread_mutex_unlock(&c->mu);
        rc = sc_client_wait(c, space_done, &sx, left);
        pthread_mutex_lock(&c->mu);
        if (rc && rc != SAMSA_ERR_TIMED_OUT) {
            pthread_mutex_unlock(&c->mu);
            return sc_client_fail(c, SAMSA_ERR_QUEUE_FULL,
                                  "buffer.memory is full");
        }
    }
    dst = sp_writer_space(&p->stage, size);
    if (!dst) {
        p->stage.err = 0;
        pthread_mutex_unlock(&c->mu);
        return sc_client_fail(c, SAMSA_ERR_NO_MEMORY, "out of memory");
    }
    memcpy(dst, &e, sizeof e);
    dst += sizeof e;
    memcpy(dst, rec->topic, topic_len);
    dst += topic_len;
    if (rec->key && rec->key_len) {
        memcpy(dst, rec->key, rec->key_len);
        dst += rec->key_len;
    }
    if (rec->value && rec->value_len) {
        memcpy(dst, rec->value, rec->value_len);
        dst += rec->value_len;
    }
    for (i = 0; i < rec->nheaders; i++) {
        const samsa_header *h = &rec->headers[i];
        uint32_t nl = (uint32_t)strlen(h->name);
        int32_t vl = h->value ? (int32_t)h->value_len : -1;
        memcpy(dst, &nl, 4);
        memcpy(dst + 4, &vl, 4);
        memcpy(dst + 8, h->name, nl);
        dst += 8 + nl;
        if (vl > 0) {
            memcpy(dst, h->value, (size_t)vl);
            dst += vl;
        }
    }
    p->buffered += size;
    p->outstanding++;
    post = !p->drain_posted;
    p->drain_posted = true;
    pthread_mutex_unlock(&c->mu);
    if (post && sn_loop_post(c->loop, sc_producer_drain_post, p) != 0) {
        /* staged anyway; the next produce or flush drains it */
        pthread_mutex_lock(&c->mu);
        p->drain_posted = false;
        pthread_mutex_unlock(&c->mu);
    }
    return 0;
}

int samsa_produce(samsa_client *c, const samsa_record *rec, void *opaque,
                  int block_ms)
{
    return produce_impl(c, rec, opaque, 0, block_ms);
}

static bool sync_done(void *arg)
{
    return ((sc_sync_ctx *)arg)->done;
}

int samsa_produce_sync(samsa_client *c, const samsa_record *rec,
                       samsa_delivery *out, int timeout_ms)
{
    int64_t start = sc_mono_ms();
    sc_sync_ctx *x;
    int rc, left;

    if (!c || !rec)
        return SAMSA_ERR_INVALID_ARG;
    x = sp_calloc(c->alloc, 1, sizeof *x);
    if (!x)
        return SAMSA_ERR_NO_MEMORY;
    rc = produce_impl(c, rec, x, SC_REC_SYNC, timeout_ms < 0 ? INT32_MAX : timeout_ms);
    if (rc) {
        sp_free(c->alloc, x);
        if (out) {
            memset(out, 0, sizeof *out);
            out->err = rc;
            out->errstr = c->errstr;
            out->topic = rec->topic;
            out->partition = -1;
            out->offset = -1;
        }
        return rc;
    }
    left = timeout_ms < 0 ? -1 : (int)(start + timeout_ms - sc_mono_ms());
    if (left < 0 && timeout_ms >= 0)
        left = 0;
    rc = sc_client_wait(c, sync_done, x, left);
    pthread_mutex_lock(&c->mu);
    if (!x->done) {
        x->abandoned = true; /* the report frees it */
        pthread_mutex_unlock(&c->mu);
        if (out) {
            memset(out, 0, sizeof *out);
            out->err = rc ? rc : SAMSA_ERR_TIMED_OUT;
            out->errstr = "no acknowledgement within the timeout (a delivery "
                          "report still follows internally)";
            out->topic = rec->topic;
            out->partition = -1;
            out->offset = -1;
        }
        return rc ? rc : SAMSA_ERR_TIMED_OUT;
    }
    pthread_mutex_unlock(&c->mu);
    rc = x->d.err;
    if (out) {
        *out = x->d;
        out->topic = rec->topic;
        /* errstr: copy into the handle's buffer (x is freed now) */
        snprintf(c->errstr, sizeof c->errstr, "%s", x->errstr);
        out->errstr = c->errstr;
    }
    sp_free(c->alloc, x);
    return rc;
}

static int flush_begin(void *arg)
{
    sc_producer *p = arg;

    p->flushing++;
    sc_producer_drain(p);
    sc_producer_kick(p);
    return 0;
}

static int flush_end(void *arg)
{
    sc_producer *p = arg;

    p->flushing--;
    return 0;
}

static bool flushed(void *arg)
{
    return ((sc_producer *)arg)->outstanding == 0;
}

int samsa_flush(samsa_client *c, int timeout_ms)
{
    int rc;

    if (!c || !c->producer)
        return SAMSA_ERR_INVALID_ARG;
    if (c->in_callback && sc_client_on_loop(c))
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "samsa_flush called from a callback");
    rc = sc_client_call(c, flush_begin, c->producer);
    if (rc)
        return rc;
    rc = sc_client_wait(c, flushed, c->producer, timeout_ms);
    sc_client_call(c, flush_end, c->producer);
    if (rc == SAMSA_ERR_TIMED_OUT)
        return sc_client_fail(c, rc, "%zu record(s) still outstanding",
                              samsa_outstanding(c));
    return rc;
}

size_t samsa_outstanding(const samsa_client *c)
{
    size_t n;

    if (!c || !c->producer)
        return 0;
    pthread_mutex_lock((pthread_mutex_t *)&c->mu);
    n = c->producer->outstanding;
    pthread_mutex_unlock((pthread_mutex_t *)&c->mu);
    return n;
}
