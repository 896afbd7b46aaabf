/* queue/queue.c - samsa_queue life cycle: create, topics or partitions,
 * middleware and callbacks, stop, destroy (see samsa/queue.h). */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/error.h"

static char *dup_str(const samsa_allocator *a, const char *s)
{
    size_t n = strlen(s);
    char *d = sp_alloc(a, n + 1);

    if (d)
        memcpy(d, s, n + 1);
    return d;
}

static void err_out(char *errbuf, size_t errlen, const char *msg, const char *detail)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s%s%s", msg, detail && *detail ? ": " : "",
                 detail ? detail : "");
}

samsa_queue *samsa_queue_new(const samsa_queue_conf *qc,
                             samsa_queue_handler *handler,
                             samsa_queue_handler *batch_handler, void *opaque,
                             char *errbuf, size_t errlen)
{
    const samsa_allocator *a;
    samsa_queue *q;
    sq_lanes_config lc;
    char cerr[256] = "";
    int err;

    if (!qc || (!handler) == (!batch_handler)) {
        err_out(errbuf, errlen, "samsa_queue_new: a conf and exactly one handler", NULL);
        return NULL;
    }
    a = qc->alloc;
    q = sp_calloc(a, 1, sizeof *q);
    if (!q) {
        err_out(errbuf, errlen, "out of memory", NULL);
        return NULL;
    }
    q->alloc = a;
    q->v = qc->v;
    q->handler = handler ? handler : batch_handler;
    q->batch = batch_handler != NULL;
    q->opaque = opaque;
    q->pool.evfd = -1;
    pthread_mutex_init(&q->smu, NULL);
    pthread_mutex_init(&q->pool.mu, NULL);
    pthread_cond_init(&q->pool.cv, NULL);
    pthread_cond_init(&q->pool.done_cv, NULL);
    if (!q->batch)
        q->v.batch_max = 1;

    memset(&lc, 0, sizeof lc);
    lc.mode = q->batch ? SQ_ORDER_PARTITION : q->v.ordering;
    lc.capacity = (uint32_t)q->v.max_messages;
    lc.partitions = (uint32_t)q->v.max_partitions;
    lc.partition_capacity = (uint32_t)q->v.lane_capacity;
    err = sq_lanes_create(&q->lanes, a, &lc);
    if (err) {
        err_out(errbuf, errlen, "creating the lanes", samsa_err_str(err));
        goto fail;
    }
    sq_backoff_init(&q->bo, q->v.retry_initial_ms, q->v.retry_multiplier,
                    q->v.retry_max_ms < q->v.retry_initial_ms ? q->v.retry_initial_ms
                                                               : q->v.retry_max_ms,
                    q->v.retry_jitter, (uint64_t)(uintptr_t)q ^ (uint64_t)sq_now_us());
    q->pool.evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (q->pool.evfd < 0) {
        err_out(errbuf, errlen, "eventfd failed", NULL);
        goto fail;
    }
    q->cconf = samsa_conf_dup(qc->client);
    if (!q->cconf) {
        err_out(errbuf, errlen, "out of memory", NULL);
        goto fail;
    }
    /* the queue commits what is done; the consumer must not commit what
     * was merely handed out */
    (void)samsa_conf_set(q->cconf, "enable.auto.commit", "false", NULL, 0);
    samsa_conf_set_delivery_cb(q->cconf, sq_delivery_cb, q);
    if (q->v.store_path[0]) {
        err = sq_file_store_open(&q->store, a, q->v.store_path, cerr, sizeof cerr);
        if (err) {
            err_out(errbuf, errlen, "queue.offset.store.path", cerr);
            goto fail;
        }
    }
    q->pc = samsa_client_new(q->cconf, cerr, sizeof cerr);
    if (!q->pc) {
        err_out(errbuf, errlen, "producer client", cerr);
        goto fail;
    }
    samsa_conf_set_rebalance_cb(q->cconf, sq_rebalance_cb, q);
    q->c = samsa_client_new(q->cconf, cerr, sizeof cerr);
    if (!q->c) {
        err_out(errbuf, errlen, "client", cerr);
        goto fail;
    }
    return q;
fail:
    samsa_queue_destroy(q);
    return NULL;
}

int samsa_queue_subscribe(samsa_queue *q, const char *const *topics, size_t n)
{
    size_t i;
    char **t;

    if (!q || !topics || n == 0)
        return SAMSA_ERR_INVALID_ARG;
    if (q->running || q->ntopics || q->natps)
        return SAMSA_ERR_STATE;
    for (i = 0; i < n; i++)
        if (!topics[i] || !sq_topic_name_ok(topics[i]))
            return SAMSA_ERR_INVALID_ARG;
    t = sp_calloc(q->alloc, n, sizeof *t);
    if (!t)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < n; i++)
        if (!(t[i] = dup_str(q->alloc, topics[i]))) {
            while (i--)
                sp_free(q->alloc, t[i]);
            sp_free(q->alloc, t);
            return SAMSA_ERR_NO_MEMORY;
        }
    q->topics = t;
    q->ntopics = n;
    q->group = true;
    return 0;
}

int samsa_queue_assign(samsa_queue *q, const samsa_topic_partition *tps, size_t n)
{
    size_t i;

    if (!q || !tps || n == 0)
        return SAMSA_ERR_INVALID_ARG;
    if (q->running || q->ntopics || q->natps)
        return SAMSA_ERR_STATE;
    if (!q->store.ops) {
        snprintf(q->errstr, sizeof q->errstr,
                 "samsa_queue_assign needs queue.offset.store.path");
        return SAMSA_ERR_CONFIG;
    }
    for (i = 0; i < n; i++)
        if (!tps[i].topic || !sq_topic_name_ok(tps[i].topic) || tps[i].partition < 0)
            return SAMSA_ERR_INVALID_ARG;
    q->atps = sp_calloc(q->alloc, n, sizeof *q->atps);
    if (!q->atps)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < n; i++) {
        q->atps[i].topic = dup_str(q->alloc, tps[i].topic);
        q->atps[i].partition = tps[i].partition;
        q->atps[i].leader_epoch = -1;
        q->atps[i].offset = SAMSA_OFFSET_STORED;
        q->natps = i + 1;
        if (!q->atps[i].topic)
            return SAMSA_ERR_NO_MEMORY;
    }
    q->group = false;
    return 0;
}

int samsa_queue_use(samsa_queue *q, const samsa_queue_middleware *mw)
{
    if (!q || !mw)
        return SAMSA_ERR_INVALID_ARG;
    if (q->running)
        return SAMSA_ERR_STATE;
    if (q->nmw == SQ_MAX_MW)
        return SAMSA_ERR_LIMIT;
    q->mw[q->nmw++] = *mw;
    return 0;
}

void samsa_queue_set_callbacks(samsa_queue *q, const samsa_queue_callbacks *cb)
{
    if (!q)
        return;
    if (cb)
        q->cb = *cb;
    else
        memset(&q->cb, 0, sizeof q->cb);
}

void samsa_queue_stop(samsa_queue *q)
{
    uint64_t one = 1;

    if (!q)
        return;
    atomic_store(&q->stop_req, 1);
    if (q->pool.evfd >= 0) {
        ssize_t w = write(q->pool.evfd, &one, sizeof one);

        (void)w;
    }
}

samsa_client *samsa_queue_client(samsa_queue *q)
{
    return q ? q->c : NULL;
}

const char *samsa_queue_errstr(const samsa_queue *q)
{
    return q ? q->errstr : "";
}

void samsa_queue_destroy(samsa_queue *q)
{
    const samsa_allocator *a;
    sq_job *j;
    size_t i;

    if (!q)
        return;
    a = q->alloc;
    q->dead = true; /* delivery reports from here on are ignored */
    /* messages must go back before the client that owns their buffers */
    for (j = q->all_jobs; j; j = j->all_next)
        for (i = 0; i < j->n; i++) {
            samsa_message_release(sq_job_msg(j, i));
            if (j->lazy)
                sq_job_lm(j)[i] = NULL;
            else
                j->msgs[i].m = NULL;
        }
    samsa_client_destroy(q->c);
    samsa_client_destroy(q->pc);
    while (q->all_jobs)
        sq_job_free(q->all_jobs);
    while (q->nspare)
        sp_free(a, q->spare_msgs[--q->nspare]);
    sq_lanes_destroy(q->lanes);
    for (i = 0; i < q->nparts; i++) {
        sq_tracker_free(&q->parts[i]->tr);
        sp_free(a, q->parts[i]->skip);
        sp_free(a, q->parts[i]->topic);
        sp_free(a, q->parts[i]);
    }
    sp_free(a, q->parts);
    for (i = 0; i < q->ntopics; i++)
        sp_free(a, q->topics[i]);
    sp_free(a, q->topics);
    for (i = 0; i < q->natps; i++)
        sp_free(a, (void *)q->atps[i].topic);
    sp_free(a, q->atps);
    if (q->store.ops)
        q->store.ops->close(q->store.self);
    samsa_conf_destroy(q->cconf);
    if (q->pool.evfd >= 0)
        close(q->pool.evfd);
    sp_free(a, q->psnap);
    pthread_mutex_destroy(&q->smu);
    pthread_mutex_destroy(&q->pool.mu);
    pthread_cond_destroy(&q->pool.cv);
    pthread_cond_destroy(&q->pool.done_cv);
    sp_free(a, q);
}
