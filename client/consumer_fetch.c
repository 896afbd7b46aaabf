/*
 * client/consumer_fetch.c - the consumer's fetching: one Fetch in flight
 * per broker (with its KIP-227 session), responses into the ready queue,
 * and the run that decides what to send (offset lookups are in
 * consumer_offsets.c). See consumer_int.h; loop thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer_int.h"
#include "cgrp.h"
#include "alloc.h"
#include "brokers.h"
#include "fetch_parse.h"
#include "metadata_refresh.h"
#include "msg_list_offsets.h"
#include "msg_offset_for_leader_epoch.h"

#define ARENA_MIN (64 * 1024)

/* ------------------------------------------------------------ helpers */

void sc_cons_kick(sc_consumer *cons, int64_t delay_ms)
{
    int64_t when = sn_loop_now(cons->c->loop) + delay_ms;

    if (cons->closed || cons->c->closing)
        return;
    if (sn_timer_active(&cons->kick) && cons->kick_at <= when)
        return;
    if (sn_timer_start(&cons->kick, delay_ms) == 0)
        cons->kick_at = when;
}

static sc_fetcher *fetcher_get(sc_consumer *cons, int32_t node)
{
    samsa_client *c = cons->c;
    sc_fetcher **n, *f;
    int32_t i;

    for (i = 0; i < cons->nfetchers; i++)
        if (cons->fetchers[i]->node_id == node)
            return cons->fetchers[i];
    n = sp_realloc(c->alloc, cons->fetchers,
                   (size_t)(cons->nfetchers + 1) * sizeof *n);
    if (!n)
        return NULL;
    cons->fetchers = n;
    f = sp_calloc(c->alloc, 1, sizeof *f);
    if (!f)
        return NULL;
    f->node_id = node;
    sc_fs_init(&f->fs, c->alloc);
    cons->fetchers[cons->nfetchers++] = f;
    return f;
}

void sc_cons_fetchers_free(sc_consumer *cons)
{
    int32_t i;

    for (i = 0; i < cons->nfetchers; i++) {
        sc_fs_free(&cons->fetchers[i]->fs);
        sp_free(cons->c->alloc, cons->fetchers[i]);
    }
    sp_free(cons->c->alloc, cons->fetchers);
    cons->fetchers = NULL;
    cons->nfetchers = 0;
}

sn_conn *sc_cons_ready_conn(sc_consumer *cons, int32_t node)
{
    sn_conn *conn = node >= 0 ? sc_brokers_conn(cons->c->brokers, node) : NULL;

    if (!conn)
        return NULL;
    if (sn_conn_get_state(conn) != SN_CONN_READY) {
        sn_conn_connect(conn);
        return NULL;
    }
    return conn;
}

/* ------------------------------------------------------------ Fetch */

/* What one Fetch asked for: every wanted partition (the session's view),
 * keyed by topic index, with the generation and offset at send time. */
typedef struct freq_part {
    int32_t topic;
    int32_t partition;
    int64_t fetch_offset;
    uint32_t gen;
} freq_part;

typedef struct freq {
    sc_consumer *cons;
    sc_fetcher *f;
    int16_t version;
    int32_t nparts, ntopics;
    freq_part *parts;
    size_t *name_off;  /* topic i's name at names + name_off[i] */
    char *names;       /* NUL-terminated names, back to back */
    size_t names_len;
    sc_fetch_buf *buf; /* the response frame, then the names; valid in
                          fetch_cb only when err is 0 (see frame_alloc) */
    size_t frame_len;
} freq;

static void freq_free(const samsa_allocator *a, freq *q)
{
    if (!q)
        return;
    sp_free(a, q->parts);
    sp_free(a, q->name_off);
    sp_free(a, q->names);
    sp_free(a, q);
}

/* The response is read into its fetch buffer (no copy): the frame, then
 * the request's topic names, which the messages point at. */
static uint8_t *fetch_frame_alloc(void *opaque, size_t size)
{
    freq *q = opaque;
    sc_fetch_buf *buf;

    if (size > SIZE_MAX - q->names_len)
        return NULL;
    buf = sc_fetch_buf_new(q->cons->c->alloc, &q->cons->pf,
                           size + q->names_len);
    if (!buf)
        return NULL;
    memcpy(buf->data + size, q->names, q->names_len);
    q->buf = buf;
    q->frame_len = size;
    return buf->data;
}

static void fetch_frame_free(uint8_t *data)
{
    sc_fetch_buf_unref(sc_fetch_buf_of(data));
}

static int encode_fetch(sp_writer *w, int16_t v, const void *arg)
{
    return sp_schema_encode(w, &sp_msg_fetch_req, v, arg);
}

/* Emit context: messages of one partition, appended to the queue after. */
typedef struct emit_ctx {
    sc_consumer *cons;
    sc_cpart *part;
    const char *topic;
    sc_msg *head, *tail;
    size_t n;
    /* references are taken in bulk: one for the first record of each
     * buffer (which keeps it alive), the rest added when it changes */
    sc_fetch_buf *cur;
    unsigned pending;
    sc_mslab *slab;   /* block being filled */
    uint32_t slabs;   /* blocks made for this partition */
} emit_ctx;

/* The block being filled is done: its messages count as references. */
static void slab_close(emit_ctx *e)
{
    if (e->slab)
        atomic_fetch_add_explicit(&e->slab->refs, e->slab->used,
                                  memory_order_relaxed);
    e->slab = NULL;
}

static sc_msg *slab_next(emit_ctx *e)
{
    sc_consumer *cons = e->cons;

    if (!e->slab || e->slab->used == e->slab->cap) {
        uint32_t cap = e->slabs == 0 ? 8 : e->slabs == 1 ? 64 : 256;
        size_t size = sizeof(sc_mslab) + cap * sizeof(sc_msg);
        sc_mslab *s = sp_alloc(cons->c->alloc, size);

        if (!s)
            return NULL;
        slab_close(e);
        atomic_init(&s->refs, 0);
        s->cons = cons;
        s->size = size;
        s->cap = cap;
        s->used = 0;
        sc_prefetch_add(&cons->pf, size);
        e->slab = s;
        e->slabs++;
    }
    return &e->slab->msgs[e->slab->used++];
}

static void emit_flush(emit_ctx *e)
{
    if (e->cur)
        sc_fetch_buf_ref_n(e->cur, e->pending);
    e->cur = NULL;
    e->pending = 0;
}

static int on_record(void *opaque, const sc_fetch_rec *r)
{
    emit_ctx *e = opaque;
    sc_msg *m = slab_next(e);

    if (!m)
        return SAMSA_ERR_NO_MEMORY;
    m->pub.err = 0;
    m->pub.errstr = "";
    m->pub.topic = e->topic;
    m->pub.partition = e->part->partition;
    m->pub.offset = r->offset;
    m->pub.key = r->key.len >= 0 ? r->key.ptr : NULL;
    m->pub.key_len = r->key.len > 0 ? (size_t)r->key.len : 0;
    m->pub.value = r->value.len >= 0 ? r->value.ptr : NULL;
    m->pub.value_len = r->value.len > 0 ? (size_t)r->value.len : 0;
    m->pub.nheaders = r->header_count > 0 ? (size_t)r->header_count : 0;
    m->pub.timestamp_ms = r->timestamp;
    m->pub.timestamp_type = r->magic == 0 ? SAMSA_TIMESTAMP_NOT_AVAILABLE
                            : r->log_append_time ? SAMSA_TIMESTAMP_LOG_APPEND_TIME
                                                 : SAMSA_TIMESTAMP_CREATE_TIME;
    m->pub.leader_epoch = r->leader_epoch;
    m->next = NULL;
    m->buf = r->buf;
    m->owner = e->slab; /* the block is charged */
    m->part = e->part;
    m->gen = e->part->off.gen;
    m->headers = r->headers;
    m->headers_len = (uint32_t)r->headers_len;
    if (r->buf != e->cur) {
        emit_flush(e);
        sc_fetch_buf_ref(r->buf);
        e->cur = r->buf;
    } else {
        e->pending++;
    }
    if (e->tail)
        e->tail->next = m;
    else
        e->head = m;
    e->tail = m;
    e->n++;
    return 0;
}

/* One partition of a Fetch response (under mu). */
static void handle_partition(sc_consumer *cons, const freq *q,
                             const freq_part *snap, const char *topic,
                             const sp_fetch_resp_partition *rp,
                             sc_fetch_buf *buf, bool *emitted)
{
    samsa_client *c = cons->c;
    sc_fetch_parse_cfg cfg;
    sc_fetch_result res;
    emit_ctx e;
    sc_cpart *p = sc_cons_find(cons, topic, strlen(topic), rp->partition_index);
    sc_offsets *o;
    sc_fetch_action act;
    int rc;

    (void)q;
    if (!p || p->off.gen != snap->gen || p->off.state != SC_POS_VALID ||
        p->off.fetch_offset != snap->fetch_offset)
        return; /* seek, pause or unassign since the request: stale */
    o = &p->off;
    memset(&cfg, 0, sizeof cfg);
    cfg.alloc = c->alloc;
    cfg.pf = &cons->pf;
    cfg.read_committed = cons->read_committed;
    cfg.check_crc = cons->check_crc;
    cfg.stop_when_full = true;
    /* nothing queued and nothing from this response yet: one batch at
     * least, or the consumer would wait for a release that cannot come */
    cfg.must_progress = cons->qlen == 0 && !*emitted;
    memset(&e, 0, sizeof e);
    e.cons = cons;
    e.part = p;
    e.topic = topic;
    rc = sc_fetch_parse(&cfg, rp, snap->fetch_offset, buf, &cons->scratch,
                        on_record, &e, &res);
    emit_flush(&e);
    slab_close(&e);
    sc_off_marks(o, rp->high_watermark, rp->last_stable_offset,
                 rp->log_start_offset);
    sc_off_fetched(o, snap->gen, res.next_offset, res.last_epoch);
    sc_cons_enqueue_part(cons, p, e.head, e.tail, e.n);
    if (e.n) {
        p->eof_reported = false;
        *emitted = true;
    }
    if (rc)
        sc_log(&c->log, SAMSA_LOG_WARNING, "fetch",
               "%s [%d]: records dropped: %s", topic, (int)p->partition,
               samsa_err_name(rc));
    if (res.err) {
        act = sc_off_fetch_error(o, snap->gen, res.next_offset, res.err,
                                 cons->policy);
        sc_debug(&c->log, SC_DBG_FETCH, "fetch", "%s [%d] at %lld: %s -> %d",
                 topic, (int)p->partition, (long long)res.next_offset,
                 samsa_err_name(res.err), (int)act);
        if (act == SC_ACT_REPORT)
            sc_cons_event(cons, p, o->err, o->err_offset,
                          res.errmsg[0] ? res.errmsg : samsa_err_str(res.err));
        else if (act == SC_ACT_METADATA)
            sc_mdr_refresh(c->mdr);
        if (act == SC_ACT_METADATA || act == SC_ACT_RETRY)
            /* not again at once from the same broker */
            p->not_before_ms = sn_loop_now(c->loop) + cons->retry_backoff_ms;
    }
    if (rp->diverging_epoch && rp->diverging_epoch->epoch >= 0 &&
        rp->diverging_epoch->end_offset >= 0) {
        act = sc_off_epoch_end(o, o->gen, rp->diverging_epoch->epoch,
                               rp->diverging_epoch->end_offset, cons->policy);
        if (act == SC_ACT_REPORT)
            sc_cons_event(cons, p, o->err, o->err_offset,
                          "leader log diverged (KIP-320)");
    }
    if (res.too_large) {
        int64_t want = (int64_t)p->max_bytes * 2;

        if ((int64_t)res.first_batch_size > want)
            want = (int64_t)res.first_batch_size;
        p->max_bytes = want > INT32_MAX ? INT32_MAX : (int32_t)want;
    }
}

/* EOF event once the fetch position reaches the high watermark; checked
 * for every partition of a request, since an incremental response leaves
 * out partitions without news (under mu). */
static void check_eof(sc_consumer *cons, sc_cpart *p)
{
    sc_offsets *o = &p->off;

    if (cons->eof_events && !p->eof_reported && o->state == SC_POS_VALID &&
        o->high_watermark >= 0 && o->fetch_offset >= o->high_watermark) {
        p->eof_reported = true;
        sc_cons_event(cons, p, SAMSA_ERR_PARTITION_EOF, o->fetch_offset,
                      "reached the end of the partition");
    }
}

static int32_t topic_index(const freq *q, const char *name, int32_t len)
{
    int32_t i;

    if (!name || len < 0)
        return -1;
    for (i = 0; i < q->ntopics; i++) {
        const char *t = q->names + q->name_off[i];

        if (strlen(t) == (size_t)len && memcmp(t, name, (size_t)len) == 0)
            return i;
    }
    return -1;
}

/* The request's entry for (topic index, partition): q->parts is sorted. */
static const freq_part *snap_find(const freq *q, int32_t ti, int32_t partition)
{
    int32_t lo = 0, hi = q->nparts;

    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        const freq_part *p = &q->parts[mid];
        int c = p->topic != ti ? (p->topic < ti ? -1 : 1)
                : p->partition != partition ? (p->partition < partition ? -1 : 1)
                                            : 0;

        if (c == 0)
            return p;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void fetch_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    freq *q = opaque;
    sc_consumer *cons = q->cons;
    samsa_client *c = cons->c;
    sc_fetcher *f = q->f;
    sc_fetch_buf *buf = NULL;
    sp_fetch_resp resp;
    sp_arena arena;
    int64_t next = 0;
    int32_t t, k;
    bool emitted = false;
    int rc;

    f->in_flight = false;
    if (!err)
        buf = q->buf; /* ours now (net/conn.h) */
    if (c->closing || cons->closed) {
        sc_fetch_buf_unref(buf);
        freq_free(c->alloc, q);
        return;
    }
    if (err == SAMSA_ERR_DESTROYED) /* its connection was replaced (broker moved) */
        err = SAMSA_ERR_TRANSPORT; /* so: retry like a drop, never stay busy */
    sp_arena_init(&arena, c->alloc, ARENA_MIN + 16 * len);
    if (err) {
        rc = err;
        goto failed;
    }
    /* body lies in buf, the topic names after the frame */
    rc = sp_schema_decode(&sp_msg_fetch_resp, q->version, &resp, &arena,
                          body, len);
    if (rc)
        goto failed;
    if (resp.throttle_time_ms > 0)
        f->not_before_ms = sn_loop_now(c->loop) + resp.throttle_time_ms;
    sc_debug(&c->log, SC_DBG_FETCH, "fetch", "broker %d: response %zu bytes, error %d, session %d, %d topics",
             (int)f->node_id, len, (int)resp.error_code, (int)resp.session_id, (int)resp.responses.count);
    rc = sc_fs_response(&f->fs, &resp, q->version);
    if (rc) {
        sc_debug(&c->log, SC_DBG_FETCH, "fetch", "broker %d: session: %s",
                 (int)f->node_id, samsa_err_name(rc));
        next = rc == SAMSA_ERR_THROTTLING_QUOTA_EXCEEDED ? resp.throttle_time_ms
               : rc == SAMSA_ERR_PROTOCOL ? cons->retry_backoff_ms : 0;
        goto done;
    }
    pthread_mutex_lock(&c->mu);
    for (t = 0; t < resp.responses.count; t++) {
        const sp_fetch_resp_topic *rt = &resp.responses.items[t];
        const char *name;
        int32_t ti, nlen;

        if (q->version >= 13) {
            name = sc_fs_topic_by_id(&f->fs, &rt->topic_id);
            nlen = name ? (int32_t)strlen(name) : -1;
        } else {
            name = rt->topic.ptr;
            nlen = rt->topic.len;
        }
        ti = topic_index(q, name, nlen);
        if (ti < 0)
            continue;
        for (k = 0; k < rt->partitions.count; k++) {
            const sp_fetch_resp_partition *rp = &rt->partitions.items[k];
            const freq_part *snap = snap_find(q, ti, rp->partition_index);
            if (snap)
                handle_partition(cons, q, snap,
                                 (const char *)buf->data + q->frame_len +
                                     q->name_off[ti],
                                 rp, buf, &emitted);
        }
    }
    for (k = 0; k < q->nparts; k++) {
        const freq_part *snap = &q->parts[k];
        const char *name = q->names + q->name_off[snap->topic];
        sc_cpart *p = sc_cons_find(cons, name, strlen(name), snap->partition);

        if (p && p->off.gen == snap->gen)
            check_eof(cons, p);
    }
    sc_client_signal_locked(c);
    pthread_mutex_unlock(&c->mu);
    goto done;

failed:
    sc_fs_failed(&f->fs);
    sc_debug(&c->log, SC_DBG_FETCH, "fetch", "broker %d: fetch failed: %s",
             (int)f->node_id, samsa_err_name(rc));
    if (rc == SAMSA_ERR_NO_MEMORY || rc == SAMSA_ERR_PROTOCOL ||
        samsa_err_is_local(rc))
        next = cons->retry_backoff_ms;
    f->not_before_ms = sn_loop_now(c->loop) + next;
    if (rc == SAMSA_ERR_TRANSPORT || rc == SAMSA_ERR_TIMED_OUT)
        sc_mdr_refresh(c->mdr);
done:
    sc_fetch_buf_unref(buf); /* the messages keep what they need */
    sp_arena_free(&arena);
    freq_free(c->alloc, q);
    sc_cons_kick(cons, next);
}

/* Build and send one Fetch to f's broker for parts[0..n) (under mu).
 * false when it must wait (connection not ready). */
static bool send_fetch(sc_consumer *cons, sc_fetcher *f, sc_cpart **parts,
                       int32_t n, size_t room)
{
    samsa_client *c = cons->c;
    const samsa_allocator *a = c->alloc;
    sn_conn *conn = sc_cons_ready_conn(cons, f->node_id);
    sp_fetch_req req;
    sp_arena arena;
    sn_request sr;
    freq *q;
    int16_t v;
    int32_t i;
    bool ids = true;
    size_t names_len = 0;
    int rc;

    if (!conn)
        return false;
    if (sn_conn_api_version(conn, SP_FETCH_KEY, &v) != 0)
        return false;
    q = sp_calloc(a, 1, sizeof *q);
    if (!q)
        return false;
    q->cons = cons;
    q->f = f;
    q->parts = sp_calloc(a, (size_t)n, sizeof *q->parts);
    q->name_off = sp_calloc(a, (size_t)n, sizeof *q->name_off);
    if (!q->parts || !q->name_off)
        goto oom;
    for (i = 0; i < n; i++) {
        static const sp_uuid zero;
        int32_t ti = -1;

        if (memcmp(&parts[i]->topic_id, &zero, sizeof zero) == 0)
            ids = false;
        /* parts come sorted by topic: a topic's partitions are adjacent */
        if (i > 0 && strcmp(parts[i - 1]->topic, parts[i]->topic) == 0)
            ti = q->parts[i - 1].topic;
        if (ti < 0) {
            ti = q->ntopics++;
            q->name_off[ti] = names_len;
            names_len += strlen(parts[i]->topic) + 1;
        }
        q->parts[i].topic = ti;
        q->parts[i].partition = parts[i]->partition;
        q->parts[i].fetch_offset = parts[i]->off.fetch_offset;
        q->parts[i].gen = parts[i]->off.gen;
    }
    q->nparts = n;
    q->names = sp_alloc(a, names_len);
    if (!q->names)
        goto oom;
    q->names_len = names_len;
    for (i = 0; i < n; i++) {
        size_t l = strlen(parts[i]->topic) + 1;

        memcpy(q->names + q->name_off[q->parts[i].topic], parts[i]->topic, l);
    }
    /* q->parts is now in (topic, partition) order: fetch_cb bsearches */
    if (v >= 13 && !ids)
        v = 12; /* topic ids not known yet: use names */
    q->version = v;

    sc_fs_begin(&f->fs);
    for (i = 0; i < n; i++) {
        sc_fs_part fp;

        fp.topic = parts[i]->topic;
        fp.topic_id = parts[i]->topic_id;
        fp.partition = parts[i]->partition;
        fp.fetch_offset = parts[i]->off.fetch_offset;
        fp.log_start_offset = -1;
        fp.current_leader_epoch = parts[i]->off.leader_epoch;
        fp.last_fetched_epoch = v >= 12 ? parts[i]->off.fetch_epoch : -1;
        fp.max_bytes = parts[i]->max_bytes;
        if (sc_fs_want(&f->fs, &fp) != 0)
            goto oom;
    }
    sp_arena_init(&arena, a, ARENA_MIN + (size_t)n * 512);
    memset(&req, 0, sizeof req);
    rc = sc_fs_build(&f->fs, v, &req, &arena);
    if (rc) {
        sp_arena_free(&arena);
        sc_log(&c->log, SAMSA_LOG_WARNING, "fetch", "cannot build a Fetch: %s",
               samsa_err_name(rc));
        goto oom;
    }
    req.cluster_id.ptr = NULL;
    req.cluster_id.len = -1;
    req.replica_id = -1;
    req.max_wait_ms = cons->max_wait_ms;
    req.min_bytes = cons->min_bytes;
    req.max_bytes = (size_t)cons->max_bytes < room ? cons->max_bytes
                                                   : (int32_t)room;
    if (req.max_bytes < 1)
        req.max_bytes = 1; /* the broker still returns one whole batch */
    req.isolation_level = cons->read_committed ? 1 : 0;
    req.rack_id = sp_str_of("");
    memset(&sr, 0, sizeof sr);
    sr.api_key = SP_FETCH_KEY;
    sr.api_version = v;
    sr.encode = encode_fetch;
    sr.encode_arg = &req;
    sr.timeout_ms = (int)sc_conf_int(c->conf, SC_REQUEST_TIMEOUT_MS) +
                    cons->max_wait_ms;
    sr.cb = fetch_cb;
    sr.opaque = q;
    sr.frame_alloc = fetch_frame_alloc;
    sr.frame_free = fetch_frame_free;
    rc = sn_conn_send(conn, &sr);
    sp_arena_free(&arena);
    if (rc) {
        sc_fs_failed(&f->fs);
        freq_free(a, q);
        return false;
    }
    f->in_flight = true;
    sc_debug(&c->log, SC_DBG_FETCH, "fetch", "broker %d: Fetch v%d, %d partitions, session %d epoch %d",
             (int)f->node_id, (int)v, (int)n, (int)req.session_id, (int)req.session_epoch);
    return true;
oom:
    freq_free(a, q);
    return false;
}

static void close_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    (void)opaque;
    (void)err;
    (void)body;
    (void)len;
}

void sc_cons_close_sessions(sc_consumer *cons)
{
    int32_t i;

    for (i = 0; i < cons->nfetchers; i++) {
        sc_fetcher *f = cons->fetchers[i];
        sn_conn *conn = sc_cons_ready_conn(cons, f->node_id);
        sp_fetch_req req;
        sn_request sr;
        int16_t v;

        memset(&req, 0, sizeof req);
        if (!conn || sn_conn_api_version(conn, SP_FETCH_KEY, &v) != 0 ||
            v < 7 || sc_fs_build_close(&f->fs, &req) != 0)
            continue;
        req.cluster_id.ptr = NULL;
        req.cluster_id.len = -1;
        req.replica_id = -1;
        req.max_wait_ms = 0;
        req.min_bytes = 0;
        req.max_bytes = 1;
        req.isolation_level = cons->read_committed ? 1 : 0;
        req.rack_id = sp_str_of("");
        memset(&sr, 0, sizeof sr);
        sr.api_key = SP_FETCH_KEY;
        sr.api_version = v;
        sr.encode = encode_fetch;
        sr.encode_arg = &req;
        sr.cb = close_cb;
        sn_conn_send(conn, &sr); /* best effort: sessions also expire */
        f->in_flight = false;
    }
}

/* ------------------------------------------------------------ the run */

static int leader_cmp(const void *a, const void *b)
{
    const sc_cpart *x = *(const sc_cpart *const *)a;
    const sc_cpart *y = *(const sc_cpart *const *)b;
    int c;

    if (x->leader != y->leader)
        return x->leader < y->leader ? -1 : 1;
    c = strcmp(x->topic, y->topic);
    if (c)
        return c;
    return (x->partition > y->partition) - (x->partition < y->partition);
}

/* Fetch this partition now? (under mu) */
static bool ready_now(const sc_cpart *p, int64_t now)
{
    return sc_off_fetchable(&p->off) && p->leader >= 0 &&
           p->not_before_ms <= now;
}

void sc_cons_run(sc_consumer *cons)
{
    samsa_client *c = cons->c;
    int64_t now = sn_loop_now(c->loop), retry = -1;
    sc_cpart **batch = NULL;
    size_t room;
    int32_t i, j, nb;
    bool want_md = false;

    if (cons->closed || c->closing)
        return;
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < cons->nparts; i++) {
        sc_cpart *p = cons->parts[i];
        sc_offsets *o = &p->off;

        if (o->state != SC_POS_VALID)
            sc_debug(&c->log, SC_DBG_CONSUMER, "consumer",
                     "%s [%d]: state %d leader %d fetch %lld position %lld",
                     p->topic, (int)p->partition, (int)o->state,
                     (int)p->leader, (long long)o->fetch_offset,
                     (long long)o->position);
        if (o->state == SC_POS_NONE && !sc_cgrp_stored_offset(c, p)) {
            /* no committed offsets without a group here: the policy */
            if (sc_off_start(o, -1, -1, cons->policy) == SC_POS_FAILED)
                sc_cons_event(cons, p, o->err, -1,
                              "no committed offset and auto.offset.reset=error");
        }
        if ((o->state == SC_POS_RESET && !p->list_inflight) ||
            (o->state == SC_POS_VALIDATE && !p->validate_inflight)) {
            if (p->leader < 0)
                want_md = true;
            else if (!sc_cons_po_send(cons, p, o->state == SC_POS_RESET
                                           ? SP_LIST_OFFSETS_KEY
                                           : SP_OFFSET_FOR_LEADER_EPOCH_KEY))
                retry = cons->retry_backoff_ms;
        }
        if (sc_off_fetchable(o) && p->leader < 0)
            want_md = true;
        if (sc_off_fetchable(o) && p->not_before_ms > now &&
            (retry < 0 || p->not_before_ms - now < retry))
            retry = p->not_before_ms - now;
    }

    room = sc_prefetch_room(&cons->pf);
    if (room == 0 && sc_cons_held_starves(cons))
        /* paused partitions hold the budget and nothing else is ready:
         * one batch at a time (max_bytes 1), as the queue empties, so the
         * other partitions go on; held bytes are bounded by what was
         * buffered when they paused. Not when the application keeps
         * what it consumed: that must stop fetching as without pause */
        room = 1;
    if (room > 0 && cons->nparts > 0)
        batch = sp_alloc(c->alloc, (size_t)cons->nparts * sizeof *batch);
    nb = 0;
    for (i = 0; batch && i < cons->nparts; i++)
        if (ready_now(cons->parts[i], now))
            batch[nb++] = cons->parts[i];
    if (nb > 1) {
        /* by leader, then topic and partition: one run per Fetch */
        size_t nleaders = 1;

        qsort(batch, (size_t)nb, sizeof *batch, leader_cmp);
        for (i = 1; i < nb; i++)
            nleaders += batch[i]->leader != batch[i - 1]->leader;
        /* the room is shared by the brokers fetched from now */
        room /= nleaders;
    }
    for (i = 0; i < nb; i = j) {
        sc_fetcher *f;

        for (j = i; j < nb && batch[j]->leader == batch[i]->leader; j++)
            ;
        f = fetcher_get(cons, batch[i]->leader);
        if (!f || f->in_flight)
            continue;
        if (f->not_before_ms > now) {
            int64_t d = f->not_before_ms - now;

            if (retry < 0 || d < retry)
                retry = d;
            continue;
        }
        if (!send_fetch(cons, f, batch + i, j - i, room))
            retry = cons->retry_backoff_ms;
    }
    pthread_mutex_unlock(&c->mu);
    sp_free(c->alloc, batch);
    if (want_md) {
        sc_mdr_refresh(c->mdr);
        if (retry < 0)
            retry = cons->retry_backoff_ms;
    }
    if (retry >= 0)
        sc_cons_kick(cons, retry);
}
