/* client/producer.c - staging drain, topics, metadata/connection hooks,
 * delivery reports, life cycle; see producer_int.h. The public calls are
 * in producer_api.c. */
#include <stdio.h>
#include <string.h>

#include "producer_int.h"
#include "alloc.h"
#include "brokers.h"
#include "codec.h"
#include "metadata_refresh.h"

static void fail_unsent(sc_producer *p, int err, const char *errstr);

/* ------------------------------------------------------------ reports */

static void account(sc_producer *p, size_t nrec, size_t bytes)
{
    samsa_client *c = p->c;

    pthread_mutex_lock(&c->mu);
    p->outstanding -= nrec;
    p->buffered -= bytes;
    sc_client_signal_locked(c);
    pthread_mutex_unlock(&c->mu);
}

static void deliver_one(sc_producer *p, const samsa_delivery *d, uint32_t flags)
{
    samsa_client *c = p->c;

    if (flags & SC_REC_SYNC) {
        sc_sync_ctx *x = d->opaque;
        pthread_mutex_lock(&c->mu);
        if (x->abandoned) {
            pthread_mutex_unlock(&c->mu);
            sp_free(c->alloc, x);
            return;
        }
        x->d = *d;
        snprintf(x->errstr, sizeof x->errstr, "%s", d->errstr);
        x->d.errstr = x->errstr;
        x->d.topic = NULL; /* the caller's own record has it */
        x->d.opaque = NULL;
        x->done = true;
        pthread_mutex_unlock(&c->mu);
        return;
    }
    if (c->cbs.delivery)
        SC_CALLBACK(c, c->cbs.delivery(c->cbs.delivery_opaque, d));
}

void sc_producer_report_batch(sc_producer *p, sc_batch *b, int err,
                              const char *errstr, int64_t base_offset,
                              int64_t log_append_ms)
{
    samsa_delivery d;
    size_t bytes = 0;
    int32_t i;

    d.err = err;
    d.errstr = errstr ? errstr : "";
    d.topic = b->pq->t->name;
    d.partition = b->pq->partition;
    for (i = 0; i < b->n; i++) {
        d.offset = err == 0 && base_offset >= 0 ? base_offset + i : -1;
        d.timestamp_ms = err == 0 && log_append_ms >= 0 ? log_append_ms
                                                         : b->recs[i].ts;
        d.opaque = b->recs[i].opaque;
        bytes += b->recs[i].acct;
        deliver_one(p, &d, b->recs[i].flags);
    }
    account(p, (size_t)b->n, bytes);
    sc_acc_batch_free(p, b);
}

void sc_producer_report_staged(sc_producer *p, const sc_staged *e,
                               const char *topic, int32_t partition, int err,
                               const char *errstr)
{
    samsa_delivery d;

    d.err = err;
    d.errstr = errstr ? errstr : "";
    d.topic = topic;
    d.partition = partition;
    d.offset = -1;
    d.timestamp_ms = e->ts;
    d.opaque = e->opaque;
    deliver_one(p, &d, e->flags);
    account(p, 1, e->acct);
}

void sc_producer_set_fatal(sc_producer *p, int err, const char *errstr)
{
    samsa_client *c = p->c;

    sc_log(&c->log, SAMSA_LOG_ERROR, "producer", "fatal: %s", errstr);
    pthread_mutex_lock(&c->mu);
    if (!p->fatal) {
        p->fatal = true;
        p->fatal_err = err;
        snprintf(p->fatal_str, sizeof p->fatal_str, "%s", errstr);
    }
    pthread_mutex_unlock(&c->mu);
    /* nothing more will be sent: fail what waits, at once */
    fail_unsent(p, SAMSA_ERR_FATAL, p->fatal_str);
    sc_producer_kick(p);
}

/* ------------------------------------------------------------ topics */

static const char *staged_topic(const sc_staged *e)
{
    return (const char *)(e + 1);
}

/* Report a staged entry; its topic is copied to a NUL-terminated buffer. */
static void fail_staged(sc_producer *p, const sc_staged *e, int err,
                        const char *errstr)
{
    char topic[256];
    size_t n = e->topic_len < sizeof topic - 1 ? e->topic_len : sizeof topic - 1;

    memcpy(topic, staged_topic(e), n);
    topic[n] = '\0';
    sc_producer_report_staged(p, e, topic, e->partition, err, errstr);
}

static sc_ptopic *topic_get(sc_producer *p, const char *name, size_t len,
                            bool create)
{
    const samsa_allocator *a = p->c->alloc;
    sc_ptopic *t = p->last;

    /* records mostly come in runs for one topic: no hash per record */
    if (t && t->namelen == len && memcmp(t->name, name, len) == 0)
        return t;
    t = sc_strmap_get(&p->topics, name, len);
    if (t)
        p->last = t;
    if (t || !create)
        return t;
    if (p->ntopics == p->tcap) {
        size_t ncap = p->tcap ? p->tcap * 2 : 8;
        sc_ptopic **nv = sp_realloc(a, p->tlist, ncap * sizeof *nv);
        if (!nv)
            return NULL;
        p->tlist = nv;
        p->tcap = ncap;
    }
    t = sp_calloc(a, 1, sizeof *t);
    if (!t)
        return NULL;
    t->name = sp_alloc(a, len + 1);
    if (!t->name || sc_strmap_put(&p->topics, name, len, t) != 0) {
        sp_free(a, t->name);
        sp_free(a, t);
        return NULL;
    }
    memcpy(t->name, name, len);
    t->name[len] = '\0';
    t->namelen = len;
    sc_partitioner_init(&t->part, sc_conf_enum(p->c->conf, SC_PARTITIONER),
                        p->batch_size,
                        (uint64_t)sc_wall_ms() ^ ((uint64_t)(uintptr_t)t << 16));
    sp_writer_init(&t->pending, a, SIZE_MAX / 4);
    p->tlist[p->ntopics++] = t;
    sc_mdr_want_create(p->c->mdr, name, len); /* the producer may create */
    return t;
}

const sc_topic_md *sc_producer_md(sc_producer *p, sc_ptopic *t)
{
    samsa_client *c = p->c;
    unsigned gen = c->mdr ? sc_mdr_generation(c->mdr) : 0;

    /* the cache keeps a topic's sc_topic_md for the cache's life (an
     * update replaces its partitions in place); looked up again after
     * each refresh anyway, in case that ever changes */
    if (!t->md || t->md_gen != gen) {
        t->md = sc_md_topic(&c->md, t->name, t->namelen);
        t->md_gen = gen;
    }
    return t->md;
}

static int ensure_pqs(sc_producer *p, sc_ptopic *t, int32_t n)
{
    sc_pq **nv;
    int32_t i;

    if (n <= t->npqs)
        return 0;
    nv = sp_realloc(p->c->alloc, t->pqs, (size_t)n * sizeof *nv);
    if (!nv)
        return SAMSA_ERR_NO_MEMORY;
    t->pqs = nv;
    for (i = t->npqs; i < n; i++) {
        t->pqs[i] = sc_acc_pq_new(p, t, i);
        if (!t->pqs[i]) {
            t->npqs = i;
            return SAMSA_ERR_NO_MEMORY;
        }
    }
    t->npqs = n;
    return 0;
}

/* Put a staged record into its partition's batch (metadata known). */
static void place(sc_producer *p, sc_ptopic *t, const sc_staged *e)
{
    samsa_client *c = p->c;
    const sc_topic_md *tm = sc_producer_md(p, t);
    const uint8_t *key = (const uint8_t *)(e + 1) + e->topic_len;
    int32_t np = tm ? tm->npartitions : 0;
    int32_t part = e->partition;
    char msg[300];
    int rc;

    if (np <= 0) {
        fail_staged(p, e, SAMSA_ERR_UNKNOWN_TOPIC, "topic has no partitions");
        return;
    }
    if (part >= 0) {
        if (part >= np) {
            snprintf(msg, sizeof msg, "%s: partition %d does not exist (%d partitions)",
                     t->name, (int)part, (int)np);
            fail_staged(p, e, SAMSA_ERR_UNKNOWN_PARTITION, msg);
            return;
        }
    } else {
        part = -1;
        if (c->cbs.partitioner)
            part = c->cbs.partitioner(c->cbs.partitioner_opaque, t->name,
                                      e->key_len >= 0 ? key : NULL,
                                      e->key_len > 0 ? (size_t)e->key_len : 0,
                                      np);
        if (part < 0 || part >= np)
            part = sc_partition(&t->part, e->key_len >= 0 ? key : NULL,
                                e->key_len > 0 ? (size_t)e->key_len : 0,
                                e->acct, np, tm->available);
    }
    if (ensure_pqs(p, t, np) != 0) {
        fail_staged(p, e, SAMSA_ERR_NO_MEMORY, "out of memory");
        return;
    }
    rc = sc_acc_append(p, t->pqs[part], e);
    if (rc) {
        snprintf(msg, sizeof msg, "%s [%d]: %s", t->name, (int)part,
                 samsa_err_str(rc));
        {
            char topic[256];
            snprintf(topic, sizeof topic, "%s", t->name);
            sc_producer_report_staged(p, e, topic, part, rc, msg);
        }
    }
}

int sc_producer_append_direct(sc_producer *p, const samsa_record *rec,
                              const sc_staged *e)
{
    sp_header_in hs[16];
    sp_record_in ri;
    const sc_topic_md *tm;
    sc_ptopic *t;
    int32_t np, part = e->partition;
    size_t i;

    if (p->c->cbs.partitioner || e->nheaders > 16 || p->placing)
        return SAMSA_ERR_STATE; /* callback runs inside samsa_poll only */
    t = topic_get(p, rec->topic, e->topic_len, false);
    if (!t || !t->known || t->pending.len > 0)
        return SAMSA_ERR_STATE;
    tm = sc_producer_md(p, t);
    np = tm ? tm->npartitions : 0;
    if (np <= 0 || part >= np || ensure_pqs(p, t, np) != 0)
        return SAMSA_ERR_STATE;
    if (part < 0)
        part = sc_partition(&t->part, e->key_len >= 0 ? rec->key : NULL,
                            e->key_len > 0 ? (size_t)e->key_len : 0, e->acct,
                            np, tm->available);
    for (i = 0; i < e->nheaders; i++) {
        const samsa_header *h = &rec->headers[i];
        hs[i].key = h->name;
        hs[i].key_len = strlen(h->name);
        hs[i].value = h->value;
        hs[i].value_len = h->value ? h->value_len : 0;
    }
    ri.timestamp = e->ts;
    ri.key = e->key_len >= 0 ? rec->key : NULL;
    ri.key_len = e->key_len > 0 ? (size_t)e->key_len : 0;
    ri.value = e->value_len >= 0 ? rec->value : NULL;
    ri.value_len = e->value_len > 0 ? (size_t)e->value_len : 0;
    ri.headers = hs;
    ri.header_count = e->nheaders;
    if (sc_acc_append_rec(p, t->pqs[part], e, &ri,
                          sc_rec_bound(ri.key_len, ri.value_len, e->hdr_len,
                                       e->nheaders)) != 0)
        return SAMSA_ERR_STATE;
    return 0;
}

static int pending_push(sc_ptopic *t, const sc_staged *e)
{
    uint8_t *dst = sp_writer_space(&t->pending, e->size);

    if (!dst)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(dst, e, e->size);
    return 0;
}

static void fail_pending(sc_producer *p, sc_ptopic *t, int err,
                         const char *errstr)
{
    size_t off = 0;

    while (off < t->pending.len) {
        sc_staged e;
        memcpy(&e, t->pending.buf + off, sizeof e);
        sc_producer_report_staged(p, (const sc_staged *)(t->pending.buf + off),
                                  t->name, e.partition, err, errstr);
        off += e.size;
    }
    sp_writer_reset(&t->pending);
}

static void place_pending(sc_producer *p, sc_ptopic *t)
{
    sp_writer w = t->pending;
    size_t off = 0;

    if (w.len == 0)
        return;
    /* new arrivals during callbacks go to a fresh buffer */
    sp_writer_init(&t->pending, p->c->alloc, SIZE_MAX / 4);
    p->placing++;
    while (off < w.len) {
        const sc_staged *e = (const sc_staged *)(w.buf + off);
        place(p, t, e);
        off += e->size;
    }
    p->placing--;
    sp_writer_free(&w);
}

/* One staged entry from the drain. */
static void dispatch(sc_producer *p, const sc_staged *e)
{
    sc_ptopic *t = topic_get(p, staged_topic(e), e->topic_len, true);

    if (!t) {
        fail_staged(p, e, SAMSA_ERR_NO_MEMORY, "out of memory");
        return;
    }
    if (p->fatal) {
        fail_staged(p, e, SAMSA_ERR_FATAL, p->fatal_str);
        return;
    }
    if (!t->known || t->pending.len > 0) {
        if (pending_push(t, e) != 0)
            fail_staged(p, e, SAMSA_ERR_NO_MEMORY, "out of memory");
        return;
    }
    place(p, t, e);
}

void sc_producer_drain(sc_producer *p)
{
    samsa_client *c = p->c;
    sp_writer tmp;
    size_t off = 0;

    pthread_mutex_lock(&c->mu);
    tmp = p->stage;
    p->stage = p->stage_spare;
    p->stage_spare = tmp;
    p->drain_posted = false;
    pthread_mutex_unlock(&c->mu);
    p->placing++;
    while (off < p->stage_spare.len) {
        const sc_staged *e = (const sc_staged *)(p->stage_spare.buf + off);
        off += e->size;
        dispatch(p, e);
    }
    p->placing--;
    sp_writer_reset(&p->stage_spare);
    sc_producer_kick(p);
}

void sc_producer_drain_post(void *arg)
{
    sc_producer *p = arg;

    if (!p->c->closing)
        sc_producer_drain(p);
}

void sc_producer_expire_pending(sc_producer *p, int64_t now, int64_t *wake)
{
    size_t ti;

    for (ti = 0; ti < p->ntopics; ti++) {
        sc_ptopic *t = p->tlist[ti];
        size_t off = 0;
        char msg[300];

        if (t->pending.len == 0)
            continue;
        while (off < t->pending.len) {
            sc_staged e;
            memcpy(&e, t->pending.buf + off, sizeof e);
            if (e.enq_ms + p->delivery_timeout_ms > now) {
                if (e.enq_ms + p->delivery_timeout_ms < *wake)
                    *wake = e.enq_ms + p->delivery_timeout_ms;
                break;
            }
            off += e.size;
        }
        if (off == 0)
            continue;
        {
            const char *last = "";
            int lerr = sc_brokers_last_error(p->c->brokers, &last);
            if (t->err)
                snprintf(msg, sizeof msg,
                         "%s: no metadata within delivery.timeout.ms (topic error %s)",
                         t->name, samsa_err_name(t->err));
            else
                snprintf(msg, sizeof msg,
                         "%s: no metadata within delivery.timeout.ms%s%s",
                         t->name, lerr ? "; last broker error: " : "",
                         lerr ? last : "");
        }
        {
            /* report the expired prefix, keep the rest in order */
            sp_writer w = t->pending;
            size_t o = 0;
            sp_writer_init(&t->pending, p->c->alloc, SIZE_MAX / 4);
            while (o < off) {
                const sc_staged *e = (const sc_staged *)(w.buf + o);
                o += e->size;
                sc_producer_report_staged(p, e, t->name, e->partition,
                                          SAMSA_ERR_MSG_TIMED_OUT, msg);
            }
            if (w.len > off) {
                uint8_t *dst = sp_writer_space(&t->pending, w.len - off);
                if (dst)
                    memcpy(dst, w.buf + off, w.len - off);
                else
                    fail_pending(p, t, SAMSA_ERR_NO_MEMORY, "out of memory");
            }
            sp_writer_free(&w);
        }
    }
}

/* ------------------------------------------------------------ hooks */

static void timer_cb(sn_timer *tm)
{
    sc_sender_run(tm->data);
}

void sc_producer_kick(sc_producer *p)
{
    if (p->kick || p->c->closing)
        return;
    p->kick = true;
    sn_timer_stop(&p->timer);
    sn_timer_start(&p->timer, 0);
}

void sc_producer_md_changed(sc_producer *p, const char *topic, unsigned changed)
{
    samsa_client *c = p->c;
    const sc_topic_md *tm;
    sc_ptopic *t;
    char msg[300];

    (void)changed;
    if (!topic)
        return;
    t = topic_get(p, topic, strlen(topic), false);
    if (!t)
        return;
    tm = sc_md_topic(&c->md, topic, strlen(topic));
    if (!tm)
        return;
    t->err = tm->err;
    if (tm->err) {
        bool final = (tm->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION &&
                      !p->auto_create) ||
                     tm->err == SAMSA_ERR_TOPIC_AUTHORIZATION_FAILED ||
                     tm->err == SAMSA_ERR_INVALID_TOPIC_EXCEPTION || tm->detail;
        if (final) {
            int ferr = tm->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION
                           ? SAMSA_ERR_UNKNOWN_TOPIC : tm->err;
            int32_t i;
            snprintf(msg, sizeof msg, "%s: %s%s", t->name,
                     samsa_err_str(tm->err),
                     tm->detail ? tm->detail : tm->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION
                         ? " (allow.auto.create.topics is false)" : "");
            /* gone (or never there): fail what waits; batches in flight
             * come back with errors and expire */
            t->known = false;
            fail_pending(p, t, ferr, msg);
            for (i = 0; i < t->npqs; i++) {
                sc_batch *b;
                while (t->pqs[i] && (b = sc_acc_pop(t->pqs[i])) != NULL) {
                    if (p->idempotent && b->base_seq >= 0)
                        sc_idem_need_bump(p, msg);
                    sc_producer_report_batch(p, b, ferr, msg, -1, -1);
                }
            }
            return;
        }
        sc_mdr_refresh(c->mdr);
        if (!t->known)
            return;
    }
    if (tm->npartitions > 0) {
        t->id = tm->id;
        t->known = true;
        if (ensure_pqs(p, t, tm->npartitions) == 0)
            place_pending(p, t);
    }
    sc_producer_kick(p);
}

static void fail_unsent(sc_producer *p, int err, const char *errstr)
{
    size_t ti;
    int32_t i;

    for (ti = 0; ti < p->ntopics; ti++) {
        sc_ptopic *t = p->tlist[ti];
        fail_pending(p, t, err, errstr);
        for (i = 0; i < t->npqs; i++) {
            sc_pq *pq = t->pqs[i];
            sc_batch *b;
            while (pq && (b = sc_acc_pop(pq)) != NULL) {
                if (p->idempotent && b->base_seq >= 0)
                    sc_idem_need_bump(p, errstr);
                sc_producer_report_batch(p, b, err, errstr, -1, -1);
            }
        }
    }
}

void sc_producer_conn_event(sc_producer *p, int32_t node_id, sn_conn_event ev,
                            int err, const char *errstr)
{
    if (ev == SN_CONN_EV_DOWN && node_id >= 0 && p->ntopics > 0)
        sc_mdr_refresh(p->c->mdr); /* the leader may have moved */
    if (ev == SN_CONN_EV_AUTH_FAILED) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s", errstr && *errstr ? errstr
                                                         : samsa_err_str(err));
        fail_unsent(p, err ? err : SAMSA_ERR_AUTHENTICATION, msg);
    }
    sc_producer_kick(p);
}

/* ------------------------------------------------------------ life */

int sc_producer_new(samsa_client *c, sc_producer **out, char *errbuf,
                    size_t errlen)
{
    const samsa_conf *cf = c->conf;
    sc_producer *p = sp_calloc(c->alloc, 1, sizeof *p);
    static const int codecs[] = { SP_CODEC_NONE, SP_CODEC_GZIP, SP_CODEC_SNAPPY,
                                  SP_CODEC_LZ4, SP_CODEC_ZSTD };
    int acks_idx;

    *out = NULL;
    if (!p)
        return SAMSA_ERR_NO_MEMORY;
    p->c = c;
    acks_idx = sc_conf_enum(cf, SC_ACKS); /* all|-1|0|1 */
    p->acks = acks_idx <= 1 ? -1 : acks_idx == 2 ? 0 : 1;
    p->idempotent = sc_conf_bool(cf, SC_ENABLE_IDEMPOTENCE);
    p->linger_ms = sc_conf_int(cf, SC_LINGER_MS);
    p->batch_size = sc_conf_int(cf, SC_BATCH_SIZE);
    p->batch_num = sc_conf_int(cf, SC_BATCH_NUM_MESSAGES);
    p->delivery_timeout_ms = sc_conf_int(cf, SC_DELIVERY_TIMEOUT_MS);
    p->request_timeout_ms = sc_conf_int(cf, SC_REQUEST_TIMEOUT_MS);
    p->retry_backoff_ms = sc_conf_int(cf, SC_RETRY_BACKOFF_MS);
    p->retry_backoff_max_ms = sc_conf_int(cf, SC_RETRY_BACKOFF_MAX_MS);
    if (p->retry_backoff_max_ms < p->retry_backoff_ms)
        p->retry_backoff_max_ms = p->retry_backoff_ms;
    p->retries = sc_conf_int(cf, SC_RETRIES);
    p->msg_max = sc_conf_int(cf, SC_MESSAGE_MAX_BYTES);
    p->buffer_memory = sc_conf_int(cf, SC_BUFFER_MEMORY);
    p->codec = codecs[sc_conf_enum(cf, SC_COMPRESSION_TYPE)];
    p->level = (int)sc_conf_int(cf, SC_COMPRESSION_LEVEL);
    if (p->level == -1)
        p->level = SP_CODEC_LEVEL_DEFAULT;
    p->max_inflight = (int)sc_conf_int(cf, SC_MAX_IN_FLIGHT);
    p->auto_create = sc_conf_bool(cf, SC_ALLOW_AUTO_CREATE_TOPICS);
    p->pid = -1;
    p->epoch = -1;
    if (p->idempotent && (p->acks != -1 || p->max_inflight > 5 || p->retries == 0)) {
        if (errbuf)
            snprintf(errbuf, errlen,
                     "enable.idempotence=true needs acks=all, "
                     "max.in.flight.requests.per.connection <= 5 and retries > 0 "
                     "(or set enable.idempotence=false)");
        sp_free(c->alloc, p);
        return SAMSA_ERR_CONFIG;
    }
    if (!sp_codec_available(p->codec)) {
        if (errbuf)
            snprintf(errbuf, errlen, "compression.type=%s is not in this build",
                     sc_conf_str(cf, SC_COMPRESSION_TYPE));
        sp_free(c->alloc, p);
        return SAMSA_ERR_CONFIG;
    }
    sc_strmap_init(&p->topics, c->alloc);
    sn_timer_init(&p->timer, c->loop, timer_cb, p);
    sp_writer_init(&p->scratch, c->alloc, (size_t)p->msg_max * 2 + 4096);
    sp_codec_ctx_init(&p->codec_ctx);
    sp_writer_init(&p->stage, c->alloc, SIZE_MAX / 4);
    sp_writer_init(&p->stage_spare, c->alloc, SIZE_MAX / 4);
    *out = p;
    return 0;
}

void sc_producer_destroy(sc_producer *p)
{
    const char *why = "client destroyed before delivery";
    size_t ti, off;
    int32_t i;

    if (!p)
        return;
    sn_timer_stop(&p->timer);
    /* staged records, in order */
    for (int k = 0; k < 2; k++) {
        sp_writer *w = k == 0 ? &p->stage_spare : &p->stage;
        off = 0;
        while (off < w->len) {
            const sc_staged *e = (const sc_staged *)(w->buf + off);
            off += e->size;
            fail_staged(p, e, SAMSA_ERR_DESTROYED, why);
        }
        sp_writer_reset(w);
    }
    fail_unsent(p, SAMSA_ERR_DESTROYED, why);
    for (ti = 0; ti < p->ntopics; ti++) {
        sc_ptopic *t = p->tlist[ti];
        for (i = 0; i < t->npqs; i++)
            sc_acc_pq_free(p, t->pqs[i]);
        sp_free(p->c->alloc, t->pqs);
        sp_writer_free(&t->pending);
        sp_free(p->c->alloc, t->name);
        sp_free(p->c->alloc, t);
    }
    sp_free(p->c->alloc, p->tlist);
    sp_free(p->c->alloc, p->nodes);
    sc_strmap_free(&p->topics);
    sc_acc_pool_free(p);
    sp_writer_free(&p->scratch);
    sp_codec_ctx_free(&p->codec_ctx);
    sp_writer_free(&p->stage);
    sp_writer_free(&p->stage_spare);
    sp_free(p->c->alloc, p);
}
