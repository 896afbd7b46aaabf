/* queue/queue_commit.c - contiguous commits (group or offset store), the
 * store's starting offsets, and the stats snapshot (see queue_int.h). */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "commit_meta.h"
#include "queue_int.h"
#include "samsa/error.h"

#define SQ_META_CAP   1024
#define SQ_META_RUNS  64

static void commit_cb(void *opaque, int err, const samsa_topic_partition *tps,
                      size_t n)
{
    samsa_queue *q = opaque;
    size_t i;

    if (!q || q->dead)
        return;
    if (q->commits_in_flight)
        q->commits_in_flight--;
    for (i = 0; i < n; i++) {
        sq_part *p = sq_part_find(q, tps[i].topic, tps[i].partition);
        int e = tps[i].err ? tps[i].err : err;

        if (e) {
            sq_internal_error(q, e, "commit of %s/%" PRId32 "@%" PRId64 " failed: %s",
                              tps[i].topic, tps[i].partition, tps[i].offset,
                              samsa_err_str(e));
            if (p && p->commit_sent == tps[i].offset)
                p->commit_sent = -1; /* send it again next time */
        } else if (p && tps[i].offset > p->committed) {
            p->committed = tps[i].offset;
        }
    }
}

void sq_commit(samsa_queue *q, sq_part *only)
{
    samsa_topic_partition *tps;
    sq_offset_entry *ents = NULL;
    char *meta = NULL;
    size_t i, n = 0;
    int err;

    q->completions = 0;
    q->last_commit_ms = sq_now_ms();
    if (q->nparts == 0)
        return;
    tps = sp_calloc(q->alloc, q->nparts, sizeof *tps);
    if (q->v.commit_metadata && q->group)
        meta = sp_alloc(q->alloc, q->nparts * SQ_META_CAP);
    if (!q->group)
        ents = sp_calloc(q->alloc, q->nparts, sizeof *ents);
    if (!tps || (q->v.commit_metadata && q->group && !meta) || (!q->group && !ents)) {
        sq_internal_error(q, SAMSA_ERR_NO_MEMORY, "commit: out of memory");
        goto out;
    }
    for (i = 0; i < q->nparts; i++) {
        sq_part *p = q->parts[i];
        int64_t off;

        if ((only && p != only) || !p->owned)
            continue;
        off = sq_tracker_commit_offset(&p->tr);
        if (off < 0 || off == p->commit_sent)
            continue;
        tps[n].topic = p->topic;
        tps[n].partition = p->partition;
        tps[n].offset = off;
        tps[n].leader_epoch = -1;
        if (meta) {
            sq_run runs[SQ_META_RUNS];
            size_t nr = 0, nenc, len;
            bool more = false;
            char *m = meta + n * SQ_META_CAP;

            sq_commit_meta_runs(&p->tr, runs, SQ_META_RUNS, &nr, &more);
            if (nr && sq_commit_meta_encode(off, runs, nr, more, m, SQ_META_CAP, &len,
                                            &nenc) == 0)
                tps[n].metadata = m;
        }
        if (ents) {
            ents[n].topic = p->topic;
            ents[n].partition = p->partition;
            ents[n].offset = off;
        }
        p->commit_sent = off;
        n++;
    }
    if (n == 0)
        goto out;
    if (!q->group) {
        /* the store holds every partition: save them all, not only moved */
        size_t k = 0;

        for (i = 0; i < q->nparts; i++) {
            sq_part *p = q->parts[i];

            if (p->commit_sent < 0)
                continue;
            ents[k].topic = p->topic;
            ents[k].partition = p->partition;
            ents[k].offset = p->commit_sent;
            k++;
        }
        err = q->store.ops->save(q->store.self, ents, k);
        if (err) {
            sq_internal_error(q, err, "offset store: %s", q->store.ops->errstr(q->store.self));
        } else {
            for (i = 0; i < q->nparts; i++)
                if (q->parts[i]->commit_sent > q->parts[i]->committed)
                    q->parts[i]->committed = q->parts[i]->commit_sent;
            q->commits++;
        }
        goto out;
    }
    err = samsa_commit_async(q->c, tps, n, commit_cb, q);
    if (err) {
        sq_internal_error(q, err, "commit: %s", samsa_err_str(err));
        for (i = 0; i < q->nparts; i++)
            q->parts[i]->commit_sent = -1;
    } else {
        q->commits++;
        q->commits_in_flight++;
    }
out:
    sp_free(q->alloc, tps);
    sp_free(q->alloc, ents);
    sp_free(q->alloc, meta);
}

#define SQ_SKIP_RUNS 64

void sq_load_meta(samsa_queue *q)
{
    samsa_topic_partition *tps;
    sq_part **ps;
    uint32_t *gens;
    size_t i, n = 0;

    for (i = 0; i < q->nparts; i++)
        n += q->parts[i]->need_meta;
    if (n == 0)
        return;
    tps = sp_calloc(q->alloc, n, sizeof *tps);
    ps = sp_calloc(q->alloc, n, sizeof *ps);
    gens = sp_calloc(q->alloc, n, sizeof *gens);
    n = 0;
    for (i = 0; tps && ps && gens && i < q->nparts; i++) {
        sq_part *p = q->parts[i];

        if (!p->need_meta)
            continue;
        p->need_meta = false;
        tps[n].topic = p->topic;
        tps[n].partition = p->partition;
        tps[n].leader_epoch = -1;
        ps[n] = p;
        gens[n] = p->gen;
        n++;
    }
    /* callbacks may run while this waits: gens tell what changed */
    if (n && samsa_committed(q->c, tps, n, 5000) == 0) {
        for (i = 0; i < n; i++) {
            sq_part *p = ps[i];
            sq_run runs[SQ_SKIP_RUNS];
            size_t nr = 0;
            int64_t frontier;
            bool trunc;

            if (p->gen != gens[i] || !p->owned || tps[i].err || !tps[i].metadata ||
                sq_commit_meta_decode(tps[i].metadata, strlen(tps[i].metadata), &frontier,
                                      runs, SQ_SKIP_RUNS, &nr, &trunc) != 0 ||
                frontier != tps[i].offset || nr == 0)
                continue;
            sp_free(q->alloc, p->skip);
            p->skip = sp_calloc(q->alloc, nr, sizeof *p->skip);
            if (p->skip) {
                memcpy(p->skip, runs, nr * sizeof *runs);
                p->nskip = nr;
            }
        }
    }
    for (i = 0; ps && i < n; i++)
        if (ps[i]->held_head && ps[i]->gen == gens[i])
            sq_part_drain_held(q, ps[i]);
    sp_free(q->alloc, tps);
    sp_free(q->alloc, ps);
    sp_free(q->alloc, gens);
}

int sq_store_load(samsa_queue *q, samsa_topic_partition *tps, size_t n)
{
    char reset[32] = "latest";
    size_t i;

    (void)samsa_conf_get(q->cconf, "auto.offset.reset", reset, sizeof reset);
    for (i = 0; i < n; i++) {
        int64_t off;
        int err = q->store.ops->load(q->store.self, tps[i].topic, tps[i].partition, &off);

        if (err == 0) {
            sq_part *p = sq_part_find(q, tps[i].topic, tps[i].partition);

            tps[i].offset = off;
            if (p)
                p->committed = p->commit_sent = off;
        } else if (err == SAMSA_ERR_NOT_FOUND) {
            tps[i].offset = strcmp(reset, "earliest") ? SAMSA_OFFSET_END
                                                      : SAMSA_OFFSET_BEGINNING;
        } else {
            snprintf(q->errstr, sizeof q->errstr, "offset store: %s",
                     q->store.ops->errstr(q->store.self));
            return err;
        }
    }
    return 0;
}

void sq_stats_refresh(samsa_queue *q)
{
    samsa_queue_partition_stats *ps = NULL;
    sq_lanes_stats ls;
    size_t i, k = 0;

    q->last_stats_ms = sq_now_ms();
    if (q->nparts)
        ps = sp_calloc(q->alloc, q->nparts, sizeof *ps);
    for (i = 0; ps && i < q->nparts; i++) {
        sq_part *p = q->parts[i];
        samsa_queue_partition_stats *s = &ps[k];

        if (!p->owned)
            continue;
        snprintf(s->topic, sizeof s->topic, "%s", p->topic);
        s->partition = p->partition;
        s->lag = -1;
        if (!q->stopping || !q->dead)
            (void)samsa_lag(q->c, p->topic, p->partition, &s->lag);
        s->committed = p->committed;
        s->in_flight = sq_tracker_inflight(&p->tr);
        s->waiting_retry = p->waiting_retry;
        s->dead_lettered = p->dead_lettered;
        s->blocked_lanes = p->waiting_retry;
        s->paused = p->paused;
        k++;
    }
    sq_lanes_get_stats(q->lanes, &ls);
    pthread_mutex_lock(&q->smu);
    q->snap.processed = q->processed;
    q->snap.retried = q->retried;
    q->snap.dead_lettered = q->dead_lettered;
    q->snap.dropped_late = q->dropped_late;
    q->snap.commits = q->commits;
    q->snap.pauses = q->pauses;
    q->snap.internal_errors = q->internal_errors;
    q->snap.blocked_lanes = ls.blocked;
    q->snap.npartitions = k;
    if (ps || q->nparts == 0) {
        sp_free(q->alloc, q->psnap);
        q->psnap = ps;
        q->npsnap = k;
    }
    pthread_mutex_unlock(&q->smu);
}

int samsa_queue_stats_get(samsa_queue *q, samsa_queue_stats *st,
                          samsa_queue_partition_stats *parts, size_t max)
{
    size_t i;

    if (!q || !st)
        return SAMSA_ERR_INVALID_ARG;
    pthread_mutex_lock(&q->smu);
    *st = q->snap;
    for (i = 0; parts && i < max && i < q->npsnap; i++)
        parts[i] = q->psnap[i];
    pthread_mutex_unlock(&q->smu);
    st->handler_us_total = atomic_load(&q->handler_us_total);
    st->handler_us_max = atomic_load(&q->handler_us_max);
    return 0;
}
