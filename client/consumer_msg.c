/*
 * client/consumer_msg.c - consumed messages: the ready queue (under mu),
 * events, consume, release and header access; see samsa/consumer.h and
 * consumer_int.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer_int.h"
#include "alloc.h"
#include "cgrp.h"
#include "record_batch.h"

/* ------------------------------------------------------------ queue */

void sc_cons_enqueue(sc_consumer *cons, sc_msg *head, sc_msg *tail, size_t n)
{
    if (!head)
        return;
    if (cons->qtail)
        cons->qtail->next = head;
    else
        cons->qhead = head;
    cons->qtail = tail;
    cons->qlen += n;
}

int sc_cons_event(sc_consumer *cons, sc_cpart *part, int err, int64_t offset,
                  const char *errstr)
{
    size_t tl = strlen(part ? part->topic : "") + 1, el = strlen(errstr) + 1;
    sc_msg *m = sp_calloc(cons->c->alloc, 1, sizeof *m + tl + el);

    char *text;

    if (!m)
        return SAMSA_ERR_NO_MEMORY;
    text = (char *)(m + 1); /* topic and errstr copies follow the struct */
    memcpy(text, part ? part->topic : "", tl);
    memcpy(text + tl, errstr, el);
    m->owner = cons;
    m->part = part;
    m->gen = part ? part->off.gen : 0;
    m->pub.err = err;
    m->pub.errstr = text + tl;
    m->pub.topic = text;
    m->pub.partition = part ? part->partition : -1;
    m->pub.offset = offset;
    m->pub.timestamp_ms = -1;
    m->pub.leader_epoch = -1;
    sc_prefetch_add(&cons->pf, sizeof *m + tl + el); /* see sc_msg_free */
    sc_cons_enqueue(cons, m, m, 1);
    sc_client_signal_locked(cons->c);
    return 0;
}

void sc_cons_enqueue_part(sc_consumer *cons, sc_cpart *part, sc_msg *head,
                          sc_msg *tail, size_t n)
{
    if (!head)
        return;
    if (!part->off.paused) {
        sc_cons_enqueue(cons, head, tail, n);
        return;
    }
    if (part->held_tail)
        part->held_tail->next = head;
    else
        part->held_head = head;
    part->held_tail = tail;
    part->nheld += n;
    cons->nheld += n;
    /* every held record is charged now, so used bounds them all */
    cons->held_bound = sc_prefetch_used(&cons->pf);
}

bool sc_cons_held_starves(const sc_consumer *cons)
{
    size_t used = sc_prefetch_used(&cons->pf);

    /* used may be below held_bound (held records were released since) */
    return cons->nheld > 0 && cons->qlen == 0 && used >= cons->pf.limit &&
           (used <= cons->held_bound ||
            used - cons->held_bound < cons->pf.limit);
}

/* Take part's messages out of the queue, in order, onto a list (head, tail). */
static size_t unlink_part(sc_consumer *cons, const sc_cpart *part,
                          sc_msg **head, sc_msg **tail)
{
    sc_msg **pp = &cons->qhead, *m, *last = NULL;
    size_t n = 0;

    *head = *tail = NULL;
    while ((m = *pp) != NULL) {
        if (part && m->part != part) {
            last = m;
            pp = &m->next;
            continue;
        }
        *pp = m->next;
        m->next = NULL;
        if (*tail)
            (*tail)->next = m;
        else
            *head = m;
        *tail = m;
        cons->qlen--;
        n++;
    }
    cons->qtail = last;
    return n;
}

void sc_cons_hold(sc_consumer *cons, sc_cpart *part)
{
    sc_msg *head, *tail, **pp, *m, *next;
    size_t n;

    n = unlink_part(cons, part, &head, &tail);
    /* events (errors, EOF) stay visible: only records are held */
    for (pp = &head, tail = NULL; (m = *pp) != NULL; m = next) {
        next = m->next;
        if (!m->buf) {
            *pp = next;
            m->next = NULL;
            sc_cons_enqueue(cons, m, m, 1);
            n--;
        } else {
            tail = m;
            pp = &m->next;
        }
    }
    if (head)
        sc_cons_enqueue_part(cons, part, head, tail, n);
}

void sc_cons_unhold(sc_consumer *cons, sc_cpart *part)
{
    sc_msg *head = part->held_head;

    if (!head)
        return;
    cons->nheld -= part->nheld;
    if (cons->nheld == 0)
        cons->held_bound = 0;
    sc_cons_enqueue(cons, head, part->held_tail, part->nheld);
    part->held_head = part->held_tail = NULL;
    part->nheld = 0;
    sc_client_signal_locked(cons->c);
}

static void drop_held(sc_consumer *cons, sc_cpart *part, sc_msg **dropped)
{
    if (!part->held_head)
        return;
    part->held_tail->next = *dropped;
    *dropped = part->held_head;
    cons->nheld -= part->nheld;
    if (cons->nheld == 0)
        cons->held_bound = 0;
    part->held_head = part->held_tail = NULL;
    part->nheld = 0;
}

void sc_cons_purge(sc_consumer *cons, sc_cpart *part, sc_msg **dropped)
{
    sc_msg *head, *tail;
    int32_t i;

    if (unlink_part(cons, part, &head, &tail)) {
        tail->next = *dropped;
        *dropped = head;
    }
    if (part)
        drop_held(cons, part, dropped);
    else
        for (i = 0; i < cons->nparts; i++)
            drop_held(cons, cons->parts[i], dropped);
}

void sc_msg_free(sc_msg *m)
{
    sc_consumer *cons;
    sc_fetch_buf *buf = m->buf;
    size_t charged;

    if (buf) {
        sc_mslab *slab = m->owner;

        /* m lives in the block: read everything before it may go */
        cons = slab->cons;
        if (atomic_fetch_sub_explicit(&slab->refs, 1, memory_order_acq_rel) == 1) {
            charged = slab->size;
            sp_free(cons->c->alloc, slab);
        } else {
            charged = 0;
        }
    } else {
        /* an event: the struct, then its topic and errstr copies */
        cons = m->owner;
        charged = sizeof *m + strlen(m->pub.topic) + 1 +
                  strlen(m->pub.errstr) + 1;
        sp_free(cons->c->alloc, m);
    }
    sc_fetch_buf_unref(buf);
    sc_prefetch_sub(&cons->pf, charged);
}

void sc_cons_release_list(sc_msg *list)
{
    while (list) {
        sc_msg *next = list->next;

        sc_msg_free(list);
        list = next;
    }
}

/* ------------------------------------------------------------ reading */

static bool queue_ready(void *arg)
{
    sc_consumer *cons = arg;

    return cons->qhead != NULL || cons->closed;
}

/* Pop up to max messages (stale ones dropped); positions move. */
static size_t pop_some(sc_consumer *cons, samsa_message **msgs, size_t max)
{
    samsa_client *c = cons->c;
    sc_msg *dropped = NULL;
    size_t n = 0;
    bool wake;

    pthread_mutex_lock(&c->mu);
    while (n < max && cons->qhead) {
        sc_msg *m = cons->qhead;

        cons->qhead = m->next;
        if (!cons->qhead)
            cons->qtail = NULL;
        cons->qlen--;
        m->next = NULL;
        if (m->buf && m->gen != m->part->off.gen) {
            m->next = dropped; /* fetched before a seek */
            dropped = m;
            continue;
        }
        if (m->buf)
            sc_off_consumed(&m->part->off, m->pub.offset, m->pub.leader_epoch);
        m->part = NULL; /* the partition may go once handed out */
        msgs[n++] = &m->pub;
    }
    /* the queue ran dry while paused partitions hold the full budget:
     * no release will cross the limit, so ask for the next batch */
    wake = n > 0 && cons->pf.wake && sc_cons_held_starves(cons);
    pthread_mutex_unlock(&c->mu);
    sc_cons_release_list(dropped);
    if (wake)
        cons->pf.wake(cons->pf.wake_opaque);
    return n;
}

size_t samsa_consume_batch(samsa_client *c, samsa_message **msgs, size_t max,
                           int timeout_ms)
{
    sc_consumer *cons;
    size_t n;

    if (!c || !msgs || max == 0)
        return 0;
    if (c->in_callback && sc_client_on_loop(c)) {
        sc_client_fail(c, SAMSA_ERR_REENTRANT,
                       "samsa_consume called from a callback");
        return 0;
    }
    sc_cgrp_polled(c); /* max.poll.interval.ms */
    cons = sc_consumer_of(c);
    if (!cons)
        return 0;
    n = pop_some(cons, msgs, max);
    /* embedded mode: buffered messages go out without a loop pass; the
     * loop runs (timeout 0) when the batch is not full from the buffer,
     * or once per tick of the coarse clock (1-4 ms; cheaper per call than
     * the precise one), so responses are read, the next Fetch goes out
     * and heartbeats and timers stay on time while the application works
     * through what is buffered */
    if (!c->background) {
        int64_t now = sc_mono_coarse_ms();

        if (n < max || now != atomic_load_explicit(&cons->last_pass_ms,
                                                   memory_order_relaxed)) {
            atomic_store_explicit(&cons->last_pass_ms, now,
                                  memory_order_relaxed);
            sn_loop_poll(c->loop, 0);
            if (n < max)
                n += pop_some(cons, msgs + n, max - n);
        }
    }
    if (n || timeout_ms == 0)
        return n;
    if (sc_client_wait(c, queue_ready, cons, timeout_ms) != 0) {
        return 0;
    }
    return pop_some(cons, msgs, max);
}

samsa_message *samsa_consume(samsa_client *c, int timeout_ms)
{
    samsa_message *m = NULL;

    return samsa_consume_batch(c, &m, 1, timeout_ms) ? m : NULL;
}

void samsa_message_release(samsa_message *m)
{
    if (m)
        sc_msg_free((sc_msg *)(void *)((char *)m - offsetof(sc_msg, pub)));
}

static const sc_msg *msg_of(const samsa_message *m)
{
    return (const sc_msg *)(const void *)((const char *)m - offsetof(sc_msg, pub));
}

static void header_iter(const samsa_message *m, sp_header_iter *hi)
{
    const sc_msg *x = msg_of(m);

    sp_reader_init(&hi->r, x->headers, m->nheaders ? x->headers_len : 0);
    hi->left = (int32_t)m->nheaders;
}

static void header_out(sp_str k, sp_bytes v, samsa_message_header *h)
{
    h->name = k.ptr;
    h->name_len = k.len > 0 ? (size_t)k.len : 0;
    h->value = v.len >= 0 ? v.ptr : NULL;
    h->value_len = v.len > 0 ? (size_t)v.len : 0;
}

int samsa_message_header_get(const samsa_message *m, size_t i,
                             samsa_message_header *h)
{
    sp_header_iter hi;
    sp_str k;
    sp_bytes v;
    size_t n = 0;

    if (!m || !h)
        return SAMSA_ERR_INVALID_ARG;
    if (i >= m->nheaders)
        return SAMSA_ERR_NOT_FOUND;
    header_iter(m, &hi);
    while (sp_header_next(&hi, &k, &v))
        if (n++ == i) {
            header_out(k, v, h);
            return 0;
        }
    return SAMSA_ERR_NOT_FOUND;
}

int samsa_message_header_find(const samsa_message *m, const char *name,
                              const void **value, size_t *value_len)
{
    sp_header_iter hi;
    sp_str k;
    sp_bytes v;
    samsa_message_header h;
    bool found = false;
    size_t len;

    if (!m || !name)
        return SAMSA_ERR_INVALID_ARG;
    len = strlen(name);
    header_iter(m, &hi);
    while (sp_header_next(&hi, &k, &v))
        if ((size_t)k.len == len && memcmp(k.ptr, name, len) == 0) {
            header_out(k, v, &h);
            found = true;
        }
    if (!found)
        return SAMSA_ERR_NOT_FOUND;
    if (value)
        *value = h.value;
    if (value_len)
        *value_len = h.value_len;
    return 0;
}
