/*
 * client/consumer.c - the consumer's life cycle, its partitions (assign,
 * seek, pause, positions) and close; see samsa/consumer.h and
 * consumer_int.h. Messages and the ready queue are in consumer_msg.c,
 * fetching in consumer_fetch.c, offset lookups in consumer_offsets.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer_int.h"
#include "cgrp.h"
#include "alloc.h"
#include "metadata_refresh.h"

static void index_free(sc_consumer *cons);

/* ------------------------------------------------------------ creation */

static void resume_post(void *arg)
{
    samsa_client *c = arg;

    if (c->consumer && !c->closing)
        sc_cons_kick(c->consumer, 0);
}

/* The budget dropped below the limit (any thread): fetch again. */
static void pf_wake(void *opaque)
{
    samsa_client *c = opaque;

    sn_loop_post(c->loop, resume_post, c); /* on failure: the next kick */
}

static void kick_timer(sn_timer *t)
{
    sc_cons_run(t->data);
}

sc_consumer *sc_consumer_get(samsa_client *c)
{
    sc_consumer *cons = c->consumer;
    size_t limit;

    if (cons)
        return cons;
    cons = sp_calloc(c->alloc, 1, sizeof *cons);
    if (!cons) {
        sc_client_fail(c, SAMSA_ERR_NO_MEMORY, "out of memory");
        return NULL;
    }
    cons->c = c;
    limit = (size_t)sc_conf_int(c->conf, SC_FETCH_BUFFER_MAX_BYTES);
    sc_prefetch_init(&cons->pf, limit, pf_wake, c);
    sc_prefetch_keep_spare(&cons->pf); /* responses reuse mapped memory */
    sn_timer_init(&cons->kick, c->loop, kick_timer, cons);
    /* one batch's decompressed records never exceed the whole budget */
    sp_writer_init(&cons->scratch, c->alloc, limit);
    cons->read_committed = sc_conf_enum(c->conf, SC_ISOLATION_LEVEL) == 1;
    cons->check_crc = sc_conf_bool(c->conf, SC_CHECK_CRCS);
    cons->policy = (sc_reset_policy)sc_conf_enum(c->conf, SC_AUTO_OFFSET_RESET);
    cons->min_bytes = (int32_t)sc_conf_int(c->conf, SC_FETCH_MIN_BYTES);
    cons->max_wait_ms = (int32_t)sc_conf_int(c->conf, SC_FETCH_MAX_WAIT_MS);
    cons->max_bytes = (int32_t)sc_conf_int(c->conf, SC_FETCH_MAX_BYTES);
    cons->part_max_bytes = (int32_t)sc_conf_int(c->conf, SC_MAX_PARTITION_FETCH_BYTES);
    cons->retry_backoff_ms = (int)sc_conf_int(c->conf, SC_RETRY_BACKOFF_MS);
    sc_strmap_init(&cons->index, c->alloc);
    cons->indexed = true; /* nothing assigned */
    c->consumer = cons;
    sc_client_add_part(c, SC_PART_CONSUMER, &sc_consumer_part);
    return cons;
}

static void part_free(const samsa_allocator *a, sc_cpart *p)
{
    if (p) {
        sp_free(a, p->topic);
        sp_free(a, p);
    }
}

void sc_consumer_destroy(sc_consumer *cons)
{
    samsa_client *c;
    sc_msg *list;
    int32_t i;

    if (!cons)
        return;
    c = cons->c;
    sn_timer_stop(&cons->kick);
    cons->pf.wake = NULL; /* nothing to resume any more */
    list = NULL;
    sc_cons_purge(cons, NULL, &list); /* queued and held */
    sc_cons_release_list(list);
    for (i = 0; i < cons->nparts; i++)
        part_free(c->alloc, cons->parts[i]);
    sp_free(c->alloc, cons->parts);
    index_free(cons);
    sc_strmap_free(&cons->index);
    sc_cons_fetchers_free(cons);
    sp_writer_free(&cons->scratch);
    sc_prefetch_fini(&cons->pf);
    sp_free(c->alloc, cons);
}

/* ------------------------------------------------------------ index */

static void index_free(sc_consumer *cons)
{
    size_t pos = 0;
    void *v;

    while ((v = sc_strmap_next(&cons->index, &pos, NULL)) != NULL)
        sp_free(cons->c->alloc, v);
    sc_strmap_free(&cons->index);
    sc_strmap_init(&cons->index, cons->c->alloc);
    cons->indexed = false;
}

static int part_cmp(const void *a, const void *b)
{
    const sc_cpart *x = *(const sc_cpart *const *)a;
    const sc_cpart *y = *(const sc_cpart *const *)b;
    int c = strcmp(x->topic, y->topic);

    if (c)
        return c;
    return (x->partition > y->partition) - (x->partition < y->partition);
}

/* Rebuild the topic index after the assignment changed (under mu). On
 * failure lookups fall back to a linear search. */
static void index_build(sc_consumer *cons)
{
    const samsa_allocator *a = cons->c->alloc;
    sc_cpart **sorted;
    int32_t i, j;

    index_free(cons);
    if (cons->nparts == 0) {
        cons->indexed = true;
        return;
    }
    sorted = sp_alloc(a, (size_t)cons->nparts * sizeof *sorted);
    if (!sorted)
        return;
    memcpy(sorted, cons->parts, (size_t)cons->nparts * sizeof *sorted);
    qsort(sorted, (size_t)cons->nparts, sizeof *sorted, part_cmp);
    for (i = 0; i < cons->nparts; i = j) {
        sc_ctopic *t;

        for (j = i; j < cons->nparts && strcmp(sorted[j]->topic, sorted[i]->topic) == 0; j++)
            ;
        t = sp_alloc(a, sizeof *t + (size_t)(j - i) * sizeof t->parts[0]);
        if (!t || sc_strmap_put(&cons->index, sorted[i]->topic,
                                strlen(sorted[i]->topic), t) != 0) {
            sp_free(a, t);
            sp_free(a, sorted);
            index_free(cons);
            return;
        }
        t->n = j - i;
        memcpy(t->parts, sorted + i, (size_t)(j - i) * sizeof t->parts[0]);
    }
    sp_free(a, sorted);
    cons->indexed = true;
}

sc_cpart *sc_cons_find(sc_consumer *cons, const char *topic, size_t len,
                       int32_t partition)
{
    int32_t i;

    if (cons->indexed) {
        const sc_ctopic *t = sc_strmap_get(&cons->index, topic, len);
        int32_t lo = 0, hi = t ? t->n : 0;

        while (lo < hi) {
            int32_t mid = lo + (hi - lo) / 2;

            if (t->parts[mid]->partition == partition)
                return t->parts[mid];
            if (t->parts[mid]->partition < partition)
                lo = mid + 1;
            else
                hi = mid;
        }
        return NULL;
    }
    for (i = 0; i < cons->nparts; i++) {
        sc_cpart *p = cons->parts[i];

        if (p->partition == partition && strlen(p->topic) == len &&
            memcmp(p->topic, topic, len) == 0)
            return p;
    }
    return NULL;
}

/* ------------------------------------------------------------ loop calls */

typedef struct call_arg {
    samsa_client *c;
    const samsa_topic_partition *tps;
    size_t n;
    const char *topic;
    int32_t partition;
    int64_t offset;
    int flag;
} call_arg;

static int get_fn(void *arg)
{
    call_arg *a = arg;

    return sc_consumer_get(a->c) ? 0 : SAMSA_ERR_NO_MEMORY;
}

sc_consumer *sc_consumer_of(samsa_client *c)
{
    call_arg a;

    if (c->consumer)
        return c->consumer;
    memset(&a, 0, sizeof a);
    a.c = c;
    if (sc_client_call(c, get_fn, &a) != 0)
        return NULL;
    return c->consumer;
}

/* Leader, epoch and topic id of p from the metadata cache (under mu). */
static void part_md(sc_consumer *cons, sc_cpart *p, const sc_topic_md *tm)
{
    if (!tm || p->partition >= tm->npartitions) {
        p->leader = -1;
        if (tm && tm->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION &&
            !p->unknown_reported && !sc_conf_bool(cons->c->conf,
                                                  SC_ALLOW_AUTO_CREATE_TOPICS)) {
            char msg[96];

            snprintf(msg, sizeof msg, "topic %s is not known to the cluster",
                     p->topic);
            p->unknown_reported = true;
            sc_cons_event(cons, p, SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION,
                          SC_OFFSET_INVALID, msg);
        }
        return;
    }
    p->topic_id = tm->id;
    p->leader = tm->parts[p->partition].leader;
    sc_off_leader_changed(&p->off, tm->parts[p->partition].leader_epoch);
}

void sc_consumer_md_changed(sc_consumer *cons, const char *topic,
                            unsigned changed)
{
    samsa_client *c = cons->c;
    int32_t i;

    (void)changed;
    if (topic) {
        const sc_topic_md *tm = sc_md_topic(&c->md, topic, strlen(topic));

        pthread_mutex_lock(&c->mu);
        for (i = 0; i < cons->nparts; i++)
            if (strcmp(cons->parts[i]->topic, topic) == 0)
                part_md(cons, cons->parts[i], tm);
        pthread_mutex_unlock(&c->mu);
    }
    sc_cons_kick(cons, 0);
}

void sc_consumer_conn_down(sc_consumer *cons, int32_t node_id)
{
    samsa_client *c = cons->c;
    bool led = false;
    int32_t i;

    if (node_id < 0 || cons->closed)
        return;
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < cons->nparts && !led; i++)
        led = cons->parts[i]->leader == node_id;
    pthread_mutex_unlock(&c->mu);
    if (!led)
        return;
    /* a fetch that was idle on it (no error seen) would otherwise retry
     * the stopped leader until the periodic refresh */
    sc_mdr_refresh(c->mdr);
    sc_cons_kick(cons, cons->retry_backoff_ms);
}

static void apply_offset(sc_cpart *p, int64_t offset, int32_t epoch)
{
    if (offset >= 0)
        sc_off_seek(&p->off, offset, epoch);
    else if (offset == SAMSA_OFFSET_BEGINNING)
        sc_off_seek_list(&p->off, SC_LIST_EARLIEST);
    else if (offset == SAMSA_OFFSET_END)
        sc_off_seek_list(&p->off, SC_LIST_LATEST);
    /* SAMSA_OFFSET_STORED: state NONE, resolved by sc_cons_run */
    p->eof_reported = false;
}

static bool valid_offset(int64_t o)
{
    return o >= 0 || o == SAMSA_OFFSET_BEGINNING || o == SAMSA_OFFSET_END ||
           o == SAMSA_OFFSET_STORED;
}

static int assign_fn(void *arg)
{
    call_arg *a = arg;
    samsa_client *c = a->c;
    sc_consumer *cons = sc_consumer_get(c);
    sc_cpart **np = NULL;
    sc_cpart **gone = NULL;
    int32_t ngone = 0;
    sc_msg *dropped = NULL;
    size_t i, j;

    if (!cons)
        return SAMSA_ERR_NO_MEMORY;
    if (cons->closed)
        return sc_client_fail(c, SAMSA_ERR_STATE, "assign: the consumer is closed");
    if (sc_cgrp_subscribed(c))
        return sc_client_fail(c, SAMSA_ERR_STATE, "assign: subscribed to a group");
    for (i = 0; i < a->n; i++) {
        const samsa_topic_partition *t = &a->tps[i];

        if (!t->topic || !t->topic[0] || t->partition < 0 ||
            !valid_offset(t->offset))
            return sc_client_fail(c, SAMSA_ERR_INVALID_ARG,
                                  "assign: bad entry %zu", i);
        for (j = 0; j < i; j++)
            if (a->tps[j].partition == t->partition &&
                strcmp(a->tps[j].topic, t->topic) == 0)
                return sc_client_fail(c, SAMSA_ERR_INVALID_ARG,
                                      "assign: %s [%d] listed twice",
                                      t->topic, (int)t->partition);
    }
    if (a->n > (size_t)SP_SCHEMA_MAX_COUNT)
        return SAMSA_ERR_INVALID_ARG;
    if (a->n) {
        np = sp_calloc(c->alloc, a->n, sizeof *np);
        if (!np)
            return SAMSA_ERR_NO_MEMORY;
    }
    if (cons->nparts) {
        gone = sp_calloc(c->alloc, (size_t)cons->nparts, sizeof *gone);
        if (!gone) {
            sp_free(c->alloc, np);
            return SAMSA_ERR_NO_MEMORY;
        }
    }
    /* new partitions are made before anything changes */
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < a->n; i++) {
        const samsa_topic_partition *t = &a->tps[i];
        sc_cpart *p = sc_cons_find(cons, t->topic, strlen(t->topic),
                                   t->partition);

        if (p) {
            np[i] = p;
            continue;
        }
        p = sp_calloc(c->alloc, 1, sizeof *p);
        if (p) {
            size_t len = strlen(t->topic) + 1;

            p->topic = sp_alloc(c->alloc, len);
            if (p->topic)
                memcpy(p->topic, t->topic, len);
        }
        if (!p || !p->topic) {
            part_free(c->alloc, p);
            for (j = 0; j < i; j++)
                if (!sc_cons_find(cons, np[j]->topic, strlen(np[j]->topic),
                                  np[j]->partition))
                    part_free(c->alloc, np[j]);
            pthread_mutex_unlock(&c->mu);
            sp_free(c->alloc, np);
            sp_free(c->alloc, gone);
            return SAMSA_ERR_NO_MEMORY;
        }
        p->partition = t->partition;
        sc_off_init(&p->off);
        p->leader = -1;
        p->max_bytes = cons->part_max_bytes;
        np[i] = p;
    }
    /* partitions no longer assigned */
    for (i = 0; i < (size_t)cons->nparts; i++) {
        sc_cpart *p = cons->parts[i];
        bool keep = false;

        for (j = 0; j < a->n && !keep; j++)
            keep = np[j] == p;
        if (!keep) {
            sc_cons_purge(cons, p, &dropped);
            gone[ngone++] = p;
        }
    }
    for (i = 0; i < a->n; i++) {
        const samsa_topic_partition *t = &a->tps[i];
        bool fresh = np[i]->off.state == SC_POS_NONE && np[i]->off.gen == 0;

        if (t->offset != SAMSA_OFFSET_STORED || fresh) {
            if (!fresh)
                sc_cons_purge(cons, np[i], &dropped);
            apply_offset(np[i], t->offset, t->leader_epoch);
        }
    }
    sp_free(c->alloc, cons->parts);
    cons->parts = np;
    cons->nparts = (int32_t)a->n;
    cons->capparts = (int32_t)a->n;
    index_build(cons);
    for (i = 0; i < a->n; i++) {
        sc_cpart *p = np[i];

        part_md(cons, p, sc_md_topic(&c->md, p->topic, strlen(p->topic)));
    }
    pthread_mutex_unlock(&c->mu);

    for (i = 0; i < (size_t)ngone; i++)
        part_free(c->alloc, gone[i]);
    sp_free(c->alloc, gone);
    sc_cons_release_list(dropped);
    for (i = 0; i < a->n; i++)
        if (sc_mdr_want(c->mdr, np[i]->topic, strlen(np[i]->topic)) != 0)
            return SAMSA_ERR_NO_MEMORY;
    sc_cons_kick(cons, 0);
    return 0;
}

int samsa_assign(samsa_client *c, const samsa_topic_partition *tps, size_t n)
{
    call_arg a;

    if (!c || (n && !tps))
        return SAMSA_ERR_INVALID_ARG;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.tps = tps;
    a.n = n;
    return sc_client_call(c, assign_fn, &a);
}

/* Seek (flag 0: offset or logical; flag 1: by timestamp). */
static int seek_fn(void *arg)
{
    call_arg *a = arg;
    samsa_client *c = a->c;
    sc_consumer *cons = c->consumer;
    sc_msg *dropped = NULL;
    sc_cpart *p;

    if (!cons)
        return SAMSA_ERR_NOT_FOUND;
    pthread_mutex_lock(&c->mu);
    p = sc_cons_find(cons, a->topic, strlen(a->topic), a->partition);
    if (!p) {
        pthread_mutex_unlock(&c->mu);
        return sc_client_fail(c, SAMSA_ERR_NOT_FOUND, "%s [%d] is not assigned",
                              a->topic, (int)a->partition);
    }
    sc_cons_purge(cons, p, &dropped);
    if (a->flag)
        sc_off_seek_list(&p->off, a->offset);
    else
        apply_offset(p, a->offset, -1);
    p->eof_reported = false;
    pthread_mutex_unlock(&c->mu);
    sc_cons_release_list(dropped);
    sc_cons_kick(cons, 0);
    return 0;
}

int samsa_seek(samsa_client *c, const char *topic, int32_t partition,
               int64_t offset)
{
    call_arg a;

    if (!c || !topic || partition < 0 ||
        !(offset >= 0 || offset == SAMSA_OFFSET_BEGINNING ||
          offset == SAMSA_OFFSET_END))
        return SAMSA_ERR_INVALID_ARG;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.topic = topic;
    a.partition = partition;
    a.offset = offset;
    return sc_client_call(c, seek_fn, &a);
}

int samsa_seek_timestamp(samsa_client *c, const char *topic,
                         int32_t partition, int64_t timestamp_ms)
{
    call_arg a;

    if (!c || !topic || partition < 0 || timestamp_ms < 0)
        return SAMSA_ERR_INVALID_ARG;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.topic = topic;
    a.partition = partition;
    a.offset = timestamp_ms;
    a.flag = 1;
    return sc_client_call(c, seek_fn, &a);
}

static int pause_fn(void *arg)
{
    call_arg *a = arg;
    samsa_client *c = a->c;
    sc_consumer *cons = c->consumer;
    int rc = 0;
    size_t i;

    if (!cons)
        return SAMSA_ERR_NOT_FOUND;
    pthread_mutex_lock(&c->mu);
    for (i = 0; i < a->n; i++) {
        const samsa_topic_partition *t = &a->tps[i];
        sc_cpart *p = t->topic ? sc_cons_find(cons, t->topic, strlen(t->topic),
                                              t->partition)
                               : NULL;

        if (!p) {
            rc = SAMSA_ERR_NOT_FOUND;
            continue;
        }
        if (a->flag && !p->off.paused) {
            /* buffered records are kept, hidden until resume (Java) */
            p->off.paused = true;
            sc_cons_hold(cons, p);
        } else if (!a->flag && p->off.paused) {
            p->off.paused = false;
            sc_cons_unhold(cons, p);
        }
    }
    pthread_mutex_unlock(&c->mu);
    sc_cons_kick(cons, 0);
    return rc;
}

int samsa_pause(samsa_client *c, const samsa_topic_partition *tps, size_t n)
{
    call_arg a;

    if (!c || (n && !tps))
        return SAMSA_ERR_INVALID_ARG;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.tps = tps;
    a.n = n;
    a.flag = 1;
    return sc_client_call(c, pause_fn, &a);
}

int samsa_resume(samsa_client *c, const samsa_topic_partition *tps, size_t n)
{
    call_arg a;

    if (!c || (n && !tps))
        return SAMSA_ERR_INVALID_ARG;
    memset(&a, 0, sizeof a);
    a.c = c;
    a.tps = tps;
    a.n = n;
    return sc_client_call(c, pause_fn, &a);
}

int samsa_consumer_eof_events(samsa_client *c, int on)
{
    sc_consumer *cons;

    if (!c)
        return SAMSA_ERR_INVALID_ARG;
    cons = sc_consumer_of(c);
    if (!cons)
        return SAMSA_ERR_NO_MEMORY;
    pthread_mutex_lock(&c->mu);
    cons->eof_events = on != 0;
    pthread_mutex_unlock(&c->mu);
    return 0;
}

/* ------------------------------------------------------------ positions */

int samsa_position(samsa_client *c, samsa_topic_partition *tps, size_t n)
{
    sc_consumer *cons;
    size_t i;

    if (!c || (n && !tps))
        return SAMSA_ERR_INVALID_ARG;
    cons = c->consumer;
    if (cons)
        pthread_mutex_lock(&c->mu);
    for (i = 0; i < n; i++) {
        sc_cpart *p = cons && tps[i].topic
                          ? sc_cons_find(cons, tps[i].topic,
                                         strlen(tps[i].topic), tps[i].partition)
                          : NULL;

        tps[i].offset = SAMSA_OFFSET_INVALID;
        tps[i].leader_epoch = -1;
        tps[i].err = p ? 0 : SAMSA_ERR_NOT_FOUND;
        if (p && p->off.position >= 0) {
            tps[i].offset = p->off.position;
            tps[i].leader_epoch = p->off.position_epoch;
        }
    }
    if (cons)
        pthread_mutex_unlock(&c->mu);
    return 0;
}

/* Read one assigned partition's offsets under mu. */
static int with_part(samsa_client *c, const char *topic, int32_t partition,
                     sc_offsets *out)
{
    sc_consumer *cons;
    sc_cpart *p;

    if (!c || !topic)
        return SAMSA_ERR_INVALID_ARG;
    cons = c->consumer;
    if (!cons)
        return SAMSA_ERR_NOT_FOUND;
    pthread_mutex_lock(&c->mu);
    p = sc_cons_find(cons, topic, strlen(topic), partition);
    if (p)
        *out = p->off;
    pthread_mutex_unlock(&c->mu);
    return p ? 0 : SAMSA_ERR_NOT_FOUND;
}

int samsa_watermarks(samsa_client *c, const char *topic, int32_t partition,
                     int64_t *low, int64_t *high)
{
    sc_offsets o;
    int rc = with_part(c, topic, partition, &o);

    if (rc)
        return rc;
    if (low)
        *low = o.log_start_offset;
    if (high)
        *high = o.high_watermark;
    return 0;
}

int samsa_lag(samsa_client *c, const char *topic, int32_t partition,
              int64_t *lag)
{
    sc_offsets o;
    int rc = with_part(c, topic, partition, &o);

    if (rc)
        return rc;
    if (lag)
        *lag = sc_off_lag(&o, c->consumer->read_committed);
    return 0;
}

size_t samsa_consumer_buffered_bytes(samsa_client *c)
{
    return c && c->consumer ? sc_prefetch_used(&c->consumer->pf) : 0;
}

/* ------------------------------------------------------------ close */

static int close_fn(void *arg)
{
    call_arg *a = arg;
    samsa_client *c = a->c;
    sc_consumer *cons = c->consumer;
    sc_msg *dropped = NULL;

    if (!cons)
        return 0;
    sn_timer_stop(&cons->kick);
    pthread_mutex_lock(&c->mu);
    cons->closed = true;
    sc_cons_purge(cons, NULL, &dropped);
    sc_client_signal_locked(c);
    pthread_mutex_unlock(&c->mu);
    sc_cons_release_list(dropped);
    sc_cons_close_sessions(cons);
    return 0;
}

int samsa_close(samsa_client *c, int timeout_ms)
{
    call_arg a;
    int rc;

    (void)timeout_ms;
    if (!c)
        return SAMSA_ERR_INVALID_ARG;
    if (c->in_callback && sc_client_on_loop(c))
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "samsa_close called from a callback");
    memset(&a, 0, sizeof a);
    a.c = c;
    rc = sc_cgrp_close(c, timeout_ms); /* commit, revoke, leave the group */
    return sc_client_call(c, close_fn, &a) ? SAMSA_ERR_NO_MEMORY : rc;
}
