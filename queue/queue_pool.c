/* queue/queue_pool.c - the worker pool and its completion queue (see
 * queue_int.h). Workers take jobs from the ready list, run the middleware
 * chain and the handler, and put the job on the done list, waking the run
 * thread through an eventfd. */
#define _GNU_SOURCE /* clock_gettime, eventfd */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "queue_int.h"
#include "samsa/error.h"

int64_t sq_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sq_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t sq_coarse_ms(void)
{
    struct timespec ts;

#ifdef CLOCK_MONOTONIC_COARSE
    if (clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
#endif
        return sq_now_ms();
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether a chain that started at t0 has had its turn: checked every
 * SQ_CHAIN_CHECK messages (k counts from 0), so a turn ends within
 * SQ_CHAIN_MS plus that many handler calls. */
static bool turn_over(size_t k, int64_t t0)
{
    return (k + 1) % SQ_CHAIN_CHECK == 0 && sq_coarse_ms() - t0 >= SQ_CHAIN_MS;
}

int64_t sq_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One handler call (with the middleware) over the current view. */
static samsa_queue_result run_once(samsa_queue *q, sq_job *job)
{
    samsa_queue_result r = SAMSA_QUEUE_OK;
    size_t ran = 0, i;

    for (i = 0; i < q->nmw; i++) {
        ran = i + 1;
        if (q->mw[i].before) {
            r = q->mw[i].before(q->mw[i].opaque, job);
            if (r != SAMSA_QUEUE_OK)
                break;
        }
    }
    if (r == SAMSA_QUEUE_OK) {
        /* the clock only for after-hooks (the only readers of elapsed) */
        int64_t t0 = q->nmw ? sq_now_us() : 0;

        r = q->handler(q->opaque, job);
        job->elapsed_us = q->nmw ? sq_now_us() - t0 : 0;
        if (r != SAMSA_QUEUE_OK && r != SAMSA_QUEUE_RETRY && r != SAMSA_QUEUE_FAIL)
            r = SAMSA_QUEUE_FAIL;
    }
    for (i = ran; i > 0; i--)
        if (q->mw[i - 1].after)
            r = q->mw[i - 1].after(q->mw[i - 1].opaque, job, r);
    for (i = 0; i < job->vn; i++) {
        sq_msgref *m = &job->msgs[job->vbase + i];

        m->ran = true;
        if (!m->result_set)
            m->result = r;
    }
    return r;
}

/* A lazy chain without middleware (see sq_run_job): the handler sees
 * job->cur, of which only the message and its result flag are rewritten
 * (the accessors read a lazy entry's origin from the message itself, so
 * the worker loads nothing of a message the handler does not look at).
 * Returns the messages run; job->result as in sq_run_job. */
static size_t run_lazy(samsa_queue *q, sq_job *job)
{
    sq_msgref *c = &job->cur;
    size_t k, n = job->n;
    int64_t t0 = sq_coarse_ms();

    sq_job_lazy_cur(job, 0);
    job->vbase = 0;
    job->vn = 1;
    for (k = 0; k < n; k++) {
        samsa_queue_result r;

        if (k) {
            c->m = sq_job_lm(job)[k];
            c->result_set = false; /* result is OK: the chain went on */
        }
        job->err[0] = '\0';
        r = q->handler(q->opaque, job);
        if (r != SAMSA_QUEUE_OK) {
            if (r != SAMSA_QUEUE_RETRY && r != SAMSA_QUEUE_FAIL)
                r = SAMSA_QUEUE_FAIL;
            if (!c->result_set)
                c->result = r;
            job->result = r;
            return k + 1;
        }
        if (c->result != SAMSA_QUEUE_OK || job->nouts || job->nhdrs)
            return k + 1; /* a result set, or what it added is its own */
        if (turn_over(k, t0))
            return k + 1; /* the rest goes on in the next turn */
    }
    return n;
}

/* A chain with filled entries: each message's entry is written only when
 * its result changes (see sq_run_job). Returns the messages run. */
static size_t run_chain(samsa_queue *q, sq_job *job)
{
    size_t k;
    int64_t t0 = sq_coarse_ms();

    for (k = 0; k < job->n; k++) {
        sq_msgref *m = &job->msgs[k];
        samsa_queue_result r;

        job->vbase = k;
        job->vn = 1;
        job->err[0] = '\0';
        if (q->nmw == 0) {
            r = q->handler(q->opaque, job);
            if (r != SAMSA_QUEUE_OK && r != SAMSA_QUEUE_RETRY && r != SAMSA_QUEUE_FAIL)
                r = SAMSA_QUEUE_FAIL;
            if (!m->result_set && m->result != (int)r)
                m->result = r;
        } else {
            r = run_once(q, job);
        }
        if (m->result != SAMSA_QUEUE_OK || r != SAMSA_QUEUE_OK) {
            job->result = r;
            return k + 1;
        }
        if (job->nouts || job->nhdrs || turn_over(k, t0))
            return k + 1;
    }
    return job->n;
}

void sq_run_job(samsa_queue *q, sq_job *job)
{
    size_t k, ran;

    job->result = SAMSA_QUEUE_OK;
    job->all_ran = false;
    if (!job->chain) {
        job->vbase = 0;
        job->vn = job->n;
        job->result = run_once(q, job);
        return;
    }
    /* A chain: consecutive messages of one lane, each its own handler
     * call, in order. It stops at the first one that is not OK (the rest
     * wait for its retry or routing, order kept), after one that added
     * headers or outputs (those belong to it alone) and once the turn has
     * lasted SQ_CHAIN_MS (the rest is handed out again at once, so what
     * ran completes and commits meanwhile). Without middleware
     * the handler is called directly and a message's entry is written
     * only when its result changes: the run thread made those entries and
     * reads them next, so a write here would move the cache line twice.
     * A lazy chain has no entries to write at all. */
    if (job->lazy && q->nmw)
        sq_job_expand(job); /* middleware reads the entries */
    ran = job->lazy ? run_lazy(q, job) : run_chain(q, job);
    job->nran = ran;
    if (ran == job->n && job->result == SAMSA_QUEUE_OK && !job->nouts && !job->nhdrs) {
        job->all_ran = true;
        return;
    }
    if (job->lazy)
        return; /* sq_job_expand marks what ran */
    for (k = 0; k < ran; k++)
        job->msgs[k].ran = true;
}

static void *worker_main(void *arg)
{
    samsa_queue *q = arg;
    sq_pool *pl = &q->pool;

    pthread_mutex_lock(&pl->mu);
    for (;;) {
        sq_job *job;
        uint64_t one = 1;
        ssize_t wr;

        while (!pl->ready_head && !pl->quit) {
            pl->idle++;
            pthread_cond_wait(&pl->cv, &pl->mu);
            pl->idle--;
        }
        if (pl->quit)
            break;
        job = pl->ready_head;
        pl->ready_head = job->next;
        if (!pl->ready_head)
            pl->ready_tail = NULL;
        job->next = NULL;
        pthread_mutex_unlock(&pl->mu);

        sq_run_job(q, job);

        pthread_mutex_lock(&pl->mu);
        if (pl->done_tail)
            pl->done_tail->next = job;
        else
            pl->done_head = job;
        pl->done_tail = job;
        if (pl->done_waiters)
            pthread_cond_broadcast(&pl->done_cv);
        if (!pl->notified) {
            /* one wakeup per batch of results: the loop takes the list */
            pl->notified = true;
            wr = write(pl->evfd, &one, sizeof one);
            (void)wr; /* a full counter already wakes the loop */
        }
    }
    pthread_mutex_unlock(&pl->mu);
    return NULL;
}

int sq_pool_start(samsa_queue *q)
{
    sq_pool *pl = &q->pool;
    int i;

    pl->threads = sp_calloc(q->alloc, (size_t)q->v.workers, sizeof *pl->threads);
    if (!pl->threads)
        return SAMSA_ERR_NO_MEMORY;
    pl->quit = false;
    for (i = 0; i < q->v.workers; i++) {
        char name[16];

        if (pthread_create(&pl->threads[i], NULL, worker_main, q) != 0) {
            sq_pool_stop(q);
            return SAMSA_ERR_NO_MEMORY;
        }
        /* "samsa-qw3" in top -H and perf; a failure only loses the name */
        snprintf(name, sizeof name, "samsa-qw%d", i % 1000);
        (void)pthread_setname_np(pl->threads[i], name);
        pl->nthreads = i + 1;
    }
    return 0;
}

void sq_pool_submit(samsa_queue *q, sq_job *job)
{
    job->next = NULL;
    sq_pool_submit_list(q, job, job, 1);
}

void sq_pool_submit_list(samsa_queue *q, sq_job *head, sq_job *tail, int n)
{
    sq_pool *pl = &q->pool;
    sq_job *j;
    int i;

    if (!head)
        return;
    for (j = head; j; j = j->next)
        j->part->worker_jobs++;
    pthread_mutex_lock(&pl->mu);
    if (pl->ready_tail)
        pl->ready_tail->next = head;
    else
        pl->ready_head = head;
    pl->ready_tail = tail;
    /* wake one idle worker per job, no more: each wakeup is a context
     * switch (and on a VM an IPI), and a worker woken for nothing costs
     * as much as one woken for work */
    for (i = 0; i < n && i < pl->idle; i++)
        pthread_cond_signal(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
}

sq_job *sq_pool_take_done(samsa_queue *q, int timeout_ms)
{
    sq_pool *pl = &q->pool;
    sq_job *list;
    uint64_t cnt;
    ssize_t rd;

    pthread_mutex_lock(&pl->mu);
    if (!pl->done_head && timeout_ms > 0) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += timeout_ms / 1000;
        ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pl->done_waiters++;
        pthread_cond_timedwait(&pl->done_cv, &pl->mu, &ts);
        pl->done_waiters--;
    }
    list = pl->done_head;
    pl->done_head = pl->done_tail = NULL;
    if (pl->notified) {
        /* workers write the eventfd under mu, so this read consumes
         * exactly the wakeup for the list just taken */
        rd = read(pl->evfd, &cnt, sizeof cnt);
        (void)rd;
        pl->notified = false;
    }
    pthread_mutex_unlock(&pl->mu);
    return list;
}

void sq_pool_stop(samsa_queue *q)
{
    sq_pool *pl = &q->pool;
    int i;

    pthread_mutex_lock(&pl->mu);
    pl->quit = true;
    pthread_cond_broadcast(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    for (i = 0; i < pl->nthreads; i++)
        pthread_join(pl->threads[i], NULL);
    pl->nthreads = 0;
    sp_free(q->alloc, pl->threads);
    pl->threads = NULL;
}
