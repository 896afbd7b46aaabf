/* queue/queue_loop.c - the run thread: consume into lanes, hand ready
 * lanes to workers, act on results (complete, retry, route, stop), handle
 * rebalances and the graceful stop (see samsa/queue.h, queue_int.h). */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/error.h"

#define SQ_INTAKE_BATCH 4096
#define SQ_ROUTE_RETRY_MS 200

void sq_internal_error(samsa_queue *q, int err, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    q->internal_errors++;
    if (q->cb.on_internal_error)
        q->cb.on_internal_error(q->cb.opaque, err, buf);
}

static bool job_live(const sq_job *job)
{
    return job->gen == job->part->gen && job->part->owned && !job->part->revoking;
}

void sq_job_retire(samsa_queue *q, sq_job *job)
{
    if (job->waiting && job->part->waiting_retry)
        job->part->waiting_retry--;
    job->waiting = false;
    if (job->lane)
        sq_lanes_done(q->lanes, job->lane);
    job->lane = NULL;
    sq_job_free(job);
}

static void event_of(const sq_job *job, const sq_msgref *r, samsa_queue_event *ev)
{
    ev->topic = r->otopic;
    ev->partition = r->opart;
    ev->offset = r->ooff;
    ev->attempt = r->attempt;
    ev->result = (samsa_queue_result)r->result;
    ev->errstr = job->err[0] ? job->err : "";
}

static void mark_done(samsa_queue *q, sq_job *job, size_t i)
{
    sq_msgref *r = &job->msgs[i];

    r->state = SQ_M_DONE;
    if (job->gen == job->part->gen && job->part->owned) {
        if (sq_tracker_done(&job->part->tr, r->m->offset) == 0)
            q->completions++;
        q->processed++;
    }
    if (q->cb.on_success) {
        samsa_queue_event ev;

        event_of(job, r, &ev);
        q->cb.on_success(q->cb.opaque, &ev);
    }
}

/* Act on message i's result (not OK or OK without outputs). */
static void classify(samsa_queue *q, sq_job *job, size_t i)
{
    sq_msgref *r = &job->msgs[i];
    int act = sq_decide(&q->v, (samsa_queue_result)r->result, r->attempt, r->level);
    samsa_queue_event ev;

    if (act == SQ_ACT_DONE) {
        mark_done(q, job, i);
        return;
    }
    if (q->cb.on_error) {
        event_of(job, r, &ev);
        q->cb.on_error(q->cb.opaque, &ev);
    }
    switch (act) {
    case SQ_ACT_RETRY_IN_PLACE:
    case SQ_ACT_BLOCK:
        r->state = SQ_M_RETRY;
        q->retried++;
        break;
    case SQ_ACT_RETRY_TOPIC:
        r->state = SQ_M_ROUTE;
        r->to_dlq = false;
        break;
    case SQ_ACT_DLQ:
        r->state = SQ_M_ROUTE;
        r->to_dlq = true;
        break;
    default: /* STOP */
        r->state = SQ_M_RETRY;
        if (!q->fail_err) {
            q->fail_err = SAMSA_ERR_STOPPED;
            snprintf(q->errstr, sizeof q->errstr,
                     "message %s/%" PRId32 "@%" PRId64 " failed on attempt %" PRIu32
                     " (%s) and queue.on.exhausted=stop", r->otopic, r->opart, r->ooff,
                     r->attempt, job->err[0] ? job->err : "no error text");
        }
        break;
    }
}

/* Drop messages that are done (releasing them early) and prepare the
 * rest for another attempt. Returns the largest attempt count. */
static uint32_t compact_for_retry(samsa_queue *q, sq_job *job)
{
    size_t i, k = 0;
    uint32_t maxa = 1;

    for (i = 0; i < job->n; i++) {
        sq_msgref *r = &job->msgs[i];

        if (r->state == SQ_M_DONE) {
            samsa_message_release(r->m);
            if (r->otopic_owned)
                sp_free(q->alloc, r->otopic);
            continue;
        }
        if (r->state == SQ_M_RETRY) { /* not those a chain did not reach */
            if (r->attempt > maxa)
                maxa = r->attempt;
            r->attempt++;
        }
        r->state = SQ_M_HANDLE;
        r->result_set = false;
        r->ran = false;
        job->msgs[k] = *r;
        job->msgs[k].ack.idx = (int)k;
        k++;
    }
    job->n = k;
    job->vn = k;
    job->err[0] = '\0';
    /* what the last round added was produced (or dropped with a failed
     * attempt): the next round starts with none */
    sq_job_clear_added(job);
    return maxa;
}

void sq_job_advance(samsa_queue *q, sq_job *job)
{
    size_t i;
    bool route = false, retry = false, left = false;
    int64_t delay;

    if (job->pending > 0)
        return;
    if (!job_live(job)) {
        for (i = 0; i < job->n; i++)
            if (job->msgs[i].state != SQ_M_DONE)
                q->dropped_late++;
        sq_job_retire(q, job);
        return;
    }
    if (job->out_wait) {
        job->out_wait = false;
        for (i = 0; i < job->n; i++) {
            if (!job->msgs[i].ran || job->msgs[i].state != SQ_M_HANDLE)
                continue;
            if (job->out_failed)
                job->msgs[i].result = SAMSA_QUEUE_RETRY;
            if (!job->out_failed)
                mark_done(q, job, i);
            else
                classify(q, job, i);
        }
        if (job->out_failed && !job->err[0])
            snprintf(job->err, sizeof job->err, "an output record was not delivered");
        job->out_failed = false;
    }
    if (q->stopping) {
        /* stopping: what finished counts; no new copies or retries */
        sq_job_retire(q, job);
        return;
    }
    for (i = 0; i < job->n; i++)
        if (job->msgs[i].state == SQ_M_ROUTE) {
            int err = sq_route_msg(q, job, i);

            if (err)
                sq_internal_error(q, err, "producing a %s copy of %s/%" PRId32 "@%" PRId64
                                  ": %s", job->msgs[i].to_dlq ? "DLQ" : "retry",
                                  job->msgs[i].otopic, job->msgs[i].opart,
                                  job->msgs[i].ooff, samsa_err_str(err));
        }
    if (job->pending > 0)
        return;
    for (i = 0; i < job->n; i++) {
        int st = job->msgs[i].state;

        route |= st == SQ_M_ROUTE;
        retry |= st == SQ_M_RETRY;
        left |= st != SQ_M_DONE;
    }
    if (!left) {
        sq_job_retire(q, job);
        return;
    }
    if (q->fail_err)
        return; /* stopping with an error: the lane stays as it is */
    if (route) {
        delay = SQ_ROUTE_RETRY_MS;
    } else {
        uint32_t maxa = compact_for_retry(q, job);

        /* only messages a chain did not reach: go on at once */
        delay = retry ? sq_backoff_delay(&q->bo, maxa - 1) : 0;
    }
    if (sq_lanes_retry_at(q->lanes, job->lane, sq_now_ms() + delay) != 0) {
        sq_job_retire(q, job);
        return;
    }
    job->waiting = true;
    job->part->waiting_retry++;
}

/* Marks all of job's messages done as one tracker run and counts them;
 * false (nothing done) when the tracker refuses the run. */
static bool done_run(samsa_queue *q, sq_job *job)
{
    size_t n = job->n;

    if (sq_tracker_done_run(&job->part->tr, sq_job_msg(job, 0)->offset,
                            sq_job_msg(job, n - 1)->offset, (uint32_t)n) != 0)
        return false;
    q->completions += (int64_t)n;
    q->processed += n;
    return true;
}

/* Every message of job ran and was OK, with no outputs: complete them as
 * one run in the tracker. false (nothing done) when that does not apply. */
static bool complete_all(samsa_queue *q, sq_job *job)
{
    size_t i, n = job->n;

    if (n == 0 || job->nouts)
        return false;
    for (i = 0; i < n; i++)
        if (!(job->all_ran || job->msgs[i].ran) || job->msgs[i].result != SAMSA_QUEUE_OK)
            return false;
    if (!done_run(q, job))
        return false;
    for (i = 0; q->cb.on_success && i < n; i++) {
        samsa_queue_event ev;

        event_of(job, &job->msgs[i], &ev);
        q->cb.on_success(q->cb.opaque, &ev);
    }
    return true; /* the caller retires the job: no state to mark */
}

/* complete_all for a lazy job: its entries hold only the messages. */
static bool complete_all_lazy(samsa_queue *q, sq_job *job)
{
    size_t i, n = job->n;

    if (n == 0 || !job->all_ran || job->nouts)
        return false;
    if (!done_run(q, job))
        return false;
    for (i = 0; q->cb.on_success && i < n; i++) {
        const samsa_message *m = sq_job_lm(job)[i];
        samsa_queue_event ev = {
            .topic = m->topic, .partition = m->partition, .offset = m->offset,
            .attempt = 1, .result = SAMSA_QUEUE_OK, .errstr = job->err[0] ? job->err : "",
        };

        q->cb.on_success(q->cb.opaque, &ev);
    }
    return true;
}

static void process_one(samsa_queue *q, sq_job *job)
{
    size_t i, ndone = 0;
    bool all_ok = true;

    if (job->part->worker_jobs)
        job->part->worker_jobs--;
    if (job->lazy) {
        /* the usual end: a whole chain OK, no entry read or written */
        if (job_live(job) && complete_all_lazy(q, job)) {
            sq_job_retire(q, job);
            return;
        }
        sq_job_expand(job);
    }
    if (job_live(job) && complete_all(q, job)) {
        sq_job_retire(q, job);
        return;
    }
    if (job->all_ran) { /* what follows reads the per-message flags */
        for (i = 0; i < job->n; i++)
            job->msgs[i].ran = true;
        job->all_ran = false;
    }
    if (!job_live(job)) {
        /* revoked meanwhile: OK results of a revoking partition still
         * count (its commit waits for them); nothing else is acted on */
        if (job->gen == job->part->gen && job->part->owned && job->part->revoking) {
            for (i = 0; i < job->n; i++)
                if (job->msgs[i].ran && job->msgs[i].result == SAMSA_QUEUE_OK &&
                    job->nouts == 0)
                    mark_done(q, job, i);
        } else {
            q->dropped_late += job->n;
        }
        sq_job_retire(q, job);
        return;
    }
    if (job->nouts) {
        for (i = 0; i < job->n; i++)
            if (job->msgs[i].ran && job->msgs[i].result != SAMSA_QUEUE_OK)
                all_ok = false;
        if (all_ok) {
            job->out_wait = true;
            sq_produce_outputs(q, job);
            if (job->pending == 0)
                sq_job_advance(q, job);
            return;
        }
    }
    for (i = 0; i < job->n; i++) {
        if (!job->msgs[i].ran)
            continue;
        if (job->msgs[i].result == SAMSA_QUEUE_OK) { /* sq_decide: DONE */
            mark_done(q, job, i);
            ndone++;
        } else {
            classify(q, job, i);
        }
    }
    if (ndone == job->n) {
        /* everything finished: what sq_job_advance would come to */
        sq_job_retire(q, job);
        return;
    }
    sq_job_advance(q, job);
}

void sq_process_done(samsa_queue *q, sq_job *list)
{
    while (list) {
        sq_job *next = list->next;

        list->next = NULL;
        process_one(q, list);
        list = next;
    }
}

static void dispatch(samsa_queue *q)
{
    int64_t now = sq_now_ms();
    sq_job *head = NULL, *tail = NULL;
    int n = 0;
    void *item;
    sq_lane *lane;

    while (!q->fail_err && sq_lanes_next(q->lanes, now, &item, &lane) == 0) {
        sq_job *job = item;
        size_t i;
        bool route = false;

        job->lane = lane;
        if (job->waiting) {
            job->waiting = false;
            if (job->part->waiting_retry)
                job->part->waiting_retry--;
        }
        for (i = 0; !job->lazy && i < job->n; i++) /* lazy: not run yet */
            route |= job->msgs[i].state == SQ_M_ROUTE;
        if (route) {
            sq_job_advance(q, job);
            continue;
        }
        job->next = NULL;
        if (tail)
            tail->next = job;
        else
            head = job;
        tail = job;
        /* hand over in batches: workers start while the rest is sorted */
        if (++n == 64) {
            sq_pool_submit_list(q, head, tail, n);
            head = tail = NULL;
            n = 0;
        }
    }
    sq_pool_submit_list(q, head, tail, n);
}

static void message_event(samsa_queue *q, samsa_message *m)
{
    if (m->err != SAMSA_ERR_PARTITION_EOF)
        sq_internal_error(q, m->err, "%s/%" PRId32 "@%" PRId64 ": %s",
                          m->topic ? m->topic : "?", m->partition, m->offset,
                          m->errstr ? m->errstr : samsa_err_str(m->err));
    samsa_message_release(m);
}

/* Consume what is buffered into jobs. Returns messages taken. */
static size_t intake(samsa_queue *q)
{
    samsa_message *ms[SQ_INTAKE_BATCH];
    sq_lanes_stats st;
    size_t n, i, j;

    sq_lanes_get_stats(q->lanes, &st);
    if ((int64_t)(st.queued + st.in_flight) >= q->v.max_messages ||
        sq_parts_backlogged(q, sq_now_ms()))
        return 0;
    n = samsa_consume_batch(q->c, ms, SQ_INTAKE_BATCH, 0);
    for (i = 0; i < n; i = j) {
        sq_part *p;
        sq_job *job;
        size_t run = 1;

        j = i + 1;
        if (ms[i]->err) {
            message_event(q, ms[i]);
            continue;
        }
        p = sq_part_get(q, ms[i]->topic, ms[i]->partition);
        if (!p) {
            sq_internal_error(q, SAMSA_ERR_LIMIT, "%s/%" PRId32 ": over queue.max.partitions "
                              "or out of memory; message dropped", ms[i]->topic,
                              ms[i]->partition);
            samsa_message_release(ms[i]);
            continue;
        }
        if (p->level < 0 && (q->batch || q->v.ordering == SQ_ORDER_PARTITION) &&
            (q->batch || (!p->need_meta && p->nskip == 0))) {
            size_t lim = n - i, cap = q->batch ? (size_t)q->v.batch_max : SQ_CHAIN_MAX;
            const char *topic = ms[i]->topic;
            int32_t part = p->partition;

            if (lim > cap)
                lim = cap;
            while (run < lim) {
                const samsa_message *mj = ms[i + run];

                if (mj->err || mj->partition != part ||
                    (mj->topic != topic && strcmp(mj->topic, p->topic)))
                    break;
                run++;
            }
            j = i + run;
        }
        if (!p->owned && !q->group) {
            p->owned = true; /* assign mode: every partition given is ours */
        }
        job = sq_job_new(q, p, &ms[i], run);
        if (!job) {
            sq_internal_error(q, SAMSA_ERR_NO_MEMORY, "out of memory taking a message");
            continue;
        }
        job->chain = !q->batch && run > 1;
        sq_part_intake(q, p, job);
    }
    return n;
}

/* ---- rebalance ---- */

static void wait_revoking(samsa_queue *q)
{
    int64_t deadline = sq_now_ms() + q->v.revoke_timeout_ms;

    for (;;) {
        size_t i;
        bool busy = false;
        int64_t left;

        for (i = 0; i < q->nparts; i++)
            if (q->parts[i]->revoking && q->parts[i]->worker_jobs)
                busy = true;
        left = deadline - sq_now_ms();
        if (!busy || left <= 0)
            return;
        sq_process_done(q, sq_pool_take_done(q, left > 50 ? 50 : (int)left));
    }
}

void sq_rebalance_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                     const samsa_topic_partition *tps, size_t n)
{
    samsa_queue *q = opaque;
    size_t i;

    (void)c;
    if (ev == SAMSA_REBALANCE_ASSIGNED) {
        for (i = 0; i < n; i++) {
            sq_part *p = sq_part_get(q, tps[i].topic, tps[i].partition);

            if (!p) {
                sq_internal_error(q, SAMSA_ERR_LIMIT, "%s/%" PRId32 ": cannot track "
                                  "(queue.max.partitions)", tps[i].topic, tps[i].partition);
                continue;
            }
            sq_part_drop(q, p, true);
            p->gen++;
            p->owned = true;
            p->revoking = false;
            p->committed = p->commit_sent = -1;
            p->paused = true; /* force a resume: a pause may survive a rebalance */
            sq_part_pause(q, p, false);
            p->need_meta = q->v.commit_metadata && q->group;
        }
        return;
    }
    for (i = 0; i < n; i++) {
        sq_part *p = sq_part_find(q, tps[i].topic, tps[i].partition);

        if (!p || !p->owned)
            continue;
        sq_part_drop(q, p, false);
        if (ev == SAMSA_REBALANCE_REVOKED)
            p->revoking = true;
        else
            p->owned = false;
    }
    if (ev == SAMSA_REBALANCE_REVOKED) {
        wait_revoking(q);
        for (i = 0; i < q->nparts; i++)
            if (q->parts[i]->revoking)
                sq_commit(q, q->parts[i]);
    }
    for (i = 0; i < n; i++) {
        sq_part *p = sq_part_find(q, tps[i].topic, tps[i].partition);

        if (!p)
            continue;
        p->owned = false;
        p->revoking = false;
        p->gen++;
        sq_tracker_reset(&p->tr);
        p->paused = false;
    }
}

/* ---- run ---- */

static int poll_timeout(samsa_queue *q)
{
    int64_t now = sq_now_ms(), t = 100, w;
    int ct = samsa_next_timeout_ms(q->c);
    int pt = samsa_next_timeout_ms(q->pc);
    size_t i;

    if (ct >= 0 && ct < t)
        t = ct;
    if (pt >= 0 && pt < t)
        t = pt;
    w = sq_lanes_next_wake(q->lanes);
    if (w >= 0 && w - now < t)
        t = w - now;
    w = q->last_commit_ms + q->v.commit_interval_ms - now;
    if (q->completions > 0 && w < t)
        t = w;
    for (i = 0; i < q->nparts; i++)
        if (q->parts[i]->due_wall > 0) {
            w = q->parts[i]->due_wall - sq_wall_ms();
            if (w < t)
                t = w;
        }
    return t < 0 ? 0 : (int)t;
}

static size_t step(samsa_queue *q, int timeout)
{
    struct pollfd pfd[3];
    size_t i, got;
    sq_job *done;

    pfd[0].fd = samsa_fd(q->c);
    pfd[0].events = POLLIN;
    pfd[1].fd = q->pool.evfd;
    pfd[1].events = POLLIN;
    pfd[2].fd = samsa_fd(q->pc);
    pfd[2].events = POLLIN;
    if (timeout > 0)
        (void)poll(pfd, 3, timeout); /* readiness only: the work follows */
    if (q->stopping) {
        /* samsa_queue_stop's wakeup is not one the pool consumes */
        uint64_t cnt;
        ssize_t rd = read(q->pool.evfd, &cnt, sizeof cnt);

        (void)rd;
    }
    (void)samsa_poll(q->c, 0);
    (void)samsa_poll(q->pc, 0);
    done = sq_pool_take_done(q, 0);
    sq_process_done(q, done);
    if (!q->stopping)
        sq_load_meta(q);
    /* held messages first: intake waits while a backlog drains */
    for (i = 0; i < q->nparts; i++) {
        sq_part *p = q->parts[i];

        if (p->held_head && (p->due_wall == 0 || p->due_wall <= sq_wall_ms()))
            sq_part_drain_held(q, p);
    }
    got = q->stopping ? 0 : intake(q);
    if (!q->stopping)
        dispatch(q);
    /* one threshold commit at a time: what completes meanwhile goes with
     * the next (a commit per pass was ~500 per 200,000 no-op messages) */
    if ((q->completions >= q->v.commit_threshold && q->commits_in_flight == 0) ||
        (q->completions > 0 && sq_now_ms() - q->last_commit_ms >= q->v.commit_interval_ms))
        sq_commit(q, NULL);
    if (sq_now_ms() - q->last_stats_ms >= 100)
        sq_stats_refresh(q);
    return got;
}

static bool has_ready_work(samsa_queue *q)
{
    bool r;

    pthread_mutex_lock(&q->pool.mu);
    r = q->pool.done_head != NULL;
    pthread_mutex_unlock(&q->pool.mu);
    return r;
}

static void shutdown_queue(samsa_queue *q)
{
    int64_t deadline = sq_now_ms() + q->v.shutdown_timeout_ms;
    size_t i;

    q->stopping = true;
    for (i = 0; i < q->nparts; i++) {
        sq_part *p = q->parts[i];

        if (p->owned) {
            sq_part_drop(q, p, false);
            sq_part_pause(q, p, true);
        }
    }
    for (;;) {
        bool busy = false;
        sq_job *j;

        for (i = 0; i < q->nparts; i++)
            if (q->parts[i]->worker_jobs)
                busy = true;
        for (j = q->all_jobs; j && !busy; j = j->all_next)
            if (j->pending)
                busy = true;
        if (!busy || sq_now_ms() >= deadline)
            break;
        step(q, 10);
    }
    sq_commit(q, NULL);
    /* what finishes from here on (workers are joined below) came too late:
     * it is dropped and counted, and the revoke in samsa_close commits
     * nothing more */
    for (i = 0; i < q->nparts; i++) {
        q->parts[i]->owned = false;
        q->parts[i]->gen++;
    }
    sq_pool_stop(q);
    /* jobs no worker started, or finished after the deadline */
    sq_process_done(q, sq_pool_take_done(q, 0));
    while (q->pool.ready_head) {
        sq_job *j = q->pool.ready_head;

        q->pool.ready_head = j->next;
        sq_job_retire(q, j);
    }
    q->pool.ready_tail = NULL;
    {
        int64_t left = deadline - sq_now_ms();

        (void)samsa_flush(q->pc, left > 1000 ? (int)left : 1000);
        if (q->group) {
            left = deadline - sq_now_ms();
            (void)samsa_close(q->c, left > 2000 ? (int)left : 2000);
        }
    }
    sq_stats_refresh(q);
}

int samsa_queue_run(samsa_queue *q)
{
    int err;

    if (!q)
        return SAMSA_ERR_INVALID_ARG;
    if (q->running)
        return SAMSA_ERR_STATE;
    if (!q->group && q->natps == 0)
        return SAMSA_ERR_STATE;
    q->running = true;
    err = sq_pool_start(q);
    if (err) {
        q->running = false;
        return err;
    }
    q->last_commit_ms = q->last_stats_ms = sq_now_ms();
    if (q->group) {
        size_t nt = q->ntopics * (size_t)(1 + q->v.nlevels), k = 0, t;
        char **names = sp_calloc(q->alloc, nt, sizeof *names);
        int l;

        err = names ? sq_ensure_topics(q) : SAMSA_ERR_NO_MEMORY;
        for (t = 0; !err && t < q->ntopics; t++) {
            names[k++] = q->topics[t];
            for (l = 0; l < q->v.nlevels && !err; l++) {
                names[k] = sp_alloc(q->alloc, SQ_TOPIC_MAX + 1);
                if (!names[k])
                    err = SAMSA_ERR_NO_MEMORY;
                else
                    err = sq_retry_topic_name(q, q->topics[t], l, names[k++], SQ_TOPIC_MAX + 1);
            }
        }
        if (!err)
            err = samsa_subscribe(q->c, (const char *const *)names, k);
        for (t = 0; names && t < k; t++)
            if (names[t] && sq_topic_level(q, names[t], NULL) >= 0)
                sp_free(q->alloc, names[t]);
        sp_free(q->alloc, names);
    } else {
        size_t i;

        for (i = 0; i < q->natps; i++) {
            sq_part *p = sq_part_get(q, q->atps[i].topic, q->atps[i].partition);

            if (!p) {
                err = SAMSA_ERR_NO_MEMORY;
                break;
            }
            p->owned = true;
            p->gen++;
        }
        if (!err)
            err = sq_store_load(q, q->atps, q->natps);
        if (!err)
            err = samsa_assign(q->c, q->atps, q->natps);
    }
    if (err) {
        snprintf(q->errstr, sizeof q->errstr, "starting: %s (%s)", samsa_err_str(err),
                 samsa_client_errstr(q->c));
        sq_pool_stop(q);
        q->running = false;
        return err;
    }
    {
        size_t got = 0;

        while (!atomic_load(&q->stop_req) && !q->fail_err)
            got = step(q, got == SQ_INTAKE_BATCH || has_ready_work(q) ? 0 : poll_timeout(q));
    }
    shutdown_queue(q);
    q->running = false;
    return q->fail_err;
}
