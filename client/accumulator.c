/* client/accumulator.c - per-partition batch queues; see producer_int.h. */
#include <string.h>

#include "producer_int.h"
#include "alloc.h"

sc_pq *sc_acc_pq_new(sc_producer *p, sc_ptopic *t, int32_t partition)
{
    sc_pq *pq = sp_calloc(p->c->alloc, 1, sizeof *pq);

    if (pq) {
        pq->t = t;
        pq->partition = partition;
    }
    return pq;
}

/* Keep a batch's buffer for reuse when there is room, else free it. Kept
 * buffers and buffered records share buffer.memory (as the Java client's
 * pool does), so reuse never doubles what the producer may hold. */
static void pool_put(sc_producer *p, sp_writer *w)
{
    if (w->buf && !w->fixed && p->npool < SC_BUF_POOL &&
        p->pool_bytes + w->cap + p->buffered <= (size_t)p->buffer_memory) {
        p->pool[p->npool].buf = w->buf;
        p->pool[p->npool].cap = w->cap;
        p->npool++;
        p->pool_bytes += w->cap;
        w->buf = NULL;
        w->cap = 0;
        w->len = 0;
        return;
    }
    sp_writer_free(w);
}

/* The largest kept buffer (if it holds at least want bytes) into the
 * empty writer w: batches fill up to batch.size, so a big one is never
 * regrown. */
static void pool_get(sc_producer *p, sp_writer *w, size_t want)
{
    int i, best = -1;

    for (i = 0; i < p->npool; i++)
        if (p->pool[i].cap >= want && p->pool[i].cap <= w->max &&
            (best < 0 || p->pool[i].cap > p->pool[best].cap))
            best = i;
    if (best < 0)
        return;
    w->buf = p->pool[best].buf;
    w->cap = p->pool[best].cap;
    p->pool_bytes -= p->pool[best].cap;
    p->pool[best] = p->pool[--p->npool];
}

void sc_acc_pool_free(sc_producer *p)
{
    while (p->npool > 0)
        sp_free(p->c->alloc, p->pool[--p->npool].buf);
    p->pool_bytes = 0;
}

void sc_acc_batch_free(sc_producer *p, sc_batch *b)
{
    if (!b)
        return;
    pool_put(p, &b->w);
    sp_free(p->c->alloc, b->recs);
    sp_free(p->c->alloc, b);
}

void sc_acc_pq_free(sc_producer *p, sc_pq *pq)
{
    sc_batch *b, *next;

    if (!pq)
        return;
    for (b = pq->head; b; b = next) {
        next = b->next;
        sc_acc_batch_free(p, b);
    }
    sp_free(p->c->alloc, pq);
}

static sc_batch *batch_new(sc_producer *p, sc_pq *pq, int64_t now)
{
    sc_batch *b = sp_calloc(p->c->alloc, 1, sizeof *b);

    if (!b)
        return NULL;
    /* a single record may exceed batch.size up to message.max.bytes */
    sp_writer_init(&b->w, p->c->alloc, (size_t)p->msg_max);
    /* room for a full batch up front (bounded): appends then never
     * reallocate (and copy) in the common case. Pages not written to
     * cost no memory, so a large reservation is cheap. */
    {
        size_t want = (size_t)(p->batch_size < p->msg_max ? p->batch_size : p->msg_max) + 256;
        if (want > 4u << 20)
            want = 4u << 20;
        if (want > (size_t)p->msg_max)
            want = (size_t)p->msg_max;
        pool_get(p, &b->w, want);
        if (!b->w.buf)
            sp_writer_grow(&b->w, want);
        b->w.err = 0; /* a failed reservation is not an error: grow later */
    }
    if (sp_batch_builder_begin(&b->bb, &b->w, 0) != 0) {
        sp_writer_free(&b->w);
        sp_free(p->c->alloc, b);
        return NULL;
    }
    b->pq = pq;
    b->created_ms = now;
    b->deadline_ms = INT64_MAX;
    b->base_seq = -1;
    if (pq->tail)
        pq->tail->next = b;
    else
        pq->head = b;
    pq->tail = b;
    pq->open = b;
    return b;
}

/* Unlink the (empty, open) tail batch again. */
static void batch_drop_tail(sc_producer *p, sc_pq *pq, sc_batch *b)
{
    sc_batch *x;

    if (pq->head == b) {
        pq->head = pq->tail = NULL;
    } else {
        for (x = pq->head; x->next != b; x = x->next)
            ;
        x->next = NULL;
        pq->tail = x;
    }
    if (pq->open == b)
        pq->open = NULL;
    sc_acc_batch_free(p, b);
}

int sc_acc_close(sc_producer *p, sc_pq *pq)
{
    sc_batch *b = pq->open;
    int rc;

    if (!b)
        return 0;
    pq->open = NULL;
    if (b->n == 0) {
        batch_drop_tail(p, pq, b);
        return 0;
    }
    b->bb.codec_ctx = &p->codec_ctx;
    rc = sp_batch_builder_finish(&b->bb, p->codec, p->level, -1, -1, -1,
                                 &p->scratch);
    if (rc) {
        /* unlink and fail its records */
        sc_batch *x;
        if (pq->head == b) {
            pq->head = b->next;
        } else {
            for (x = pq->head; x && x->next != b; x = x->next)
                ;
            if (x)
                x->next = b->next;
            if (pq->tail == b)
                pq->tail = x;
        }
        if (!pq->head)
            pq->tail = NULL;
        b->next = NULL;
        sc_producer_report_batch(p, b, rc, "could not finish the record batch",
                                 -1, -1);
        return rc;
    }
    b->closed = true;
    return 0;
}

static void staged_view(const sc_staged *e, const char **topic,
                        const uint8_t **key, const uint8_t **value,
                        const uint8_t **hdrs)
{
    const uint8_t *q = (const uint8_t *)(e + 1);

    *topic = (const char *)q;
    q += e->topic_len;
    *key = q;
    q += e->key_len > 0 ? (size_t)e->key_len : 0;
    *value = q;
    q += e->value_len > 0 ? (size_t)e->value_len : 0;
    *hdrs = q;
}

int sc_acc_append(sc_producer *p, sc_pq *pq, const sc_staged *e)
{
    sp_header_in hstack[16], *hs = hstack;
    const uint8_t *key, *value, *h;
    const char *topic;
    sp_record_in rec;
    uint32_t i;
    int rc;

    staged_view(e, &topic, &key, &value, &h);
    if (e->nheaders > 16) {
        hs = sp_alloc(p->c->alloc, e->nheaders * sizeof *hs);
        if (!hs)
            return SAMSA_ERR_NO_MEMORY;
    }
    for (i = 0; i < e->nheaders; i++) {
        uint32_t nl;
        int32_t vl;
        memcpy(&nl, h, 4);
        memcpy(&vl, h + 4, 4);
        hs[i].key = (const char *)h + 8;
        hs[i].key_len = nl;
        hs[i].value = vl >= 0 ? h + 8 + nl : NULL;
        hs[i].value_len = vl >= 0 ? (size_t)vl : 0;
        h += 8 + nl + (vl > 0 ? (size_t)vl : 0);
    }
    rec.timestamp = e->ts;
    rec.key = e->key_len >= 0 ? key : NULL;
    rec.key_len = e->key_len > 0 ? (size_t)e->key_len : 0;
    rec.value = e->value_len >= 0 ? value : NULL;
    rec.value_len = e->value_len > 0 ? (size_t)e->value_len : 0;
    rec.headers = hs;
    rec.header_count = e->nheaders;
    rc = sc_acc_append_rec(p, pq, e, &rec,
                           sc_rec_bound(rec.key_len, rec.value_len, e->hdr_len,
                                        e->nheaders));
    if (hs != hstack)
        sp_free(p->c->alloc, hs);
    return rc;
}

int sc_acc_append_rec(sc_producer *p, sc_pq *pq, const sc_staged *e,
                      const sp_record_in *rec, size_t bound)
{
    sc_batch *b = pq->open;
    int rc;

    if (b && b->n > 0 &&
        (b->n >= p->batch_num ||
         sp_batch_builder_size(&b->bb) + bound > (size_t)p->batch_size)) {
        sc_acc_close(p, pq);
        b = NULL;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!b) {
            /* the sender arms linger.ms for it (this also reads the
             * clock, so the batch's creation time is current) */
            sc_producer_kick(p);
            b = batch_new(p, pq, sn_loop_now(p->c->loop));
            if (!b)
                return SAMSA_ERR_NO_MEMORY;
        }
        if (b->n == b->cap) {
            int32_t ncap = b->cap ? b->cap * 2 : 64;
            sc_rmeta *nr = sp_realloc(p->c->alloc, b->recs,
                                      (size_t)ncap * sizeof *nr);
            if (!nr) {
                rc = SAMSA_ERR_NO_MEMORY;
                break;
            }
            b->recs = nr;
            b->cap = ncap;
        }
        rc = sp_batch_append(&b->bb, rec);
        if (rc == SAMSA_ERR_BUFFER_FULL && b->n > 0) {
            sc_acc_close(p, pq);
            b = NULL;
            continue;
        }
        if (rc == SAMSA_ERR_BUFFER_FULL)
            rc = SAMSA_ERR_MSG_TOO_LARGE;
        break;
    }
    if (rc) {
        if (b && b->n == 0)
            batch_drop_tail(p, pq, b);
        return rc;
    }
    b->recs[b->n].opaque = e->opaque;
    b->recs[b->n].ts = e->ts;
    b->recs[b->n].acct = e->acct;
    b->recs[b->n].flags = e->flags;
    b->n++;
    if (e->enq_ms + p->delivery_timeout_ms < b->deadline_ms)
        b->deadline_ms = e->enq_ms + p->delivery_timeout_ms;
    if (sp_batch_builder_size(&b->bb) >= (size_t)p->batch_size ||
        b->n >= p->batch_num) {
        sc_acc_close(p, pq);
        sc_producer_kick(p);
    }
    return 0;
}

sc_batch *sc_acc_ready(sc_producer *p, sc_pq *pq, int64_t now, int64_t *wake)
{
    sc_batch *b = pq->head;

    if (!b)
        return NULL;
    if (b->retry_at_ms > now) {
        if (b->retry_at_ms < *wake)
            *wake = b->retry_at_ms;
        return NULL;
    }
    if (!b->closed) {
        bool due = p->flushing > 0 || b->next ||
                   now >= b->created_ms + p->linger_ms;
        if (!due) {
            if (b->created_ms + p->linger_ms < *wake)
                *wake = b->created_ms + p->linger_ms;
            return NULL;
        }
        if (sc_acc_close(p, pq) != 0)
            return NULL;
        b = pq->head;
        if (!b || !b->closed)
            return NULL;
    }
    return b;
}

sc_batch *sc_acc_pop(sc_pq *pq)
{
    sc_batch *b = pq->head;

    if (!b)
        return NULL;
    pq->head = b->next;
    if (!pq->head)
        pq->tail = NULL;
    if (pq->open == b)
        pq->open = NULL;
    b->next = NULL;
    return b;
}

void sc_acc_requeue(sc_pq *pq, sc_batch *b)
{
    sc_batch **pp = &pq->head;

    /* after the batches first sent before it, so retries never reorder
     * (also without idempotence, and after an epoch bump renumbered) */
    while (*pp && (*pp)->order != 0 && (*pp)->order < b->order)
        pp = &(*pp)->next;
    b->next = *pp;
    *pp = b;
    if (!b->next)
        pq->tail = b;
}
