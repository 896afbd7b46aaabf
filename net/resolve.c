/* net/resolve.c - resolver thread pool; see resolve.h. */
#define _GNU_SOURCE
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "resolve.h"
#include "samsa/error.h"

enum { J_QUEUED, J_RUNNING, J_DONE, J_DISPATCHING };

struct sn_resolve {
    struct sn_resolve *next;
    struct sn_resolver *res;
    int state;
    bool cancelled;
    char host[256];
    int port;
    sn_resolve_cb cb;
    void *opaque;
    int err;
    size_t naddrs;
    sn_addr addrs[SN_RESOLVE_MAX_ADDRS];
    char errstr[320];
};

typedef struct sn_resolver {
    sn_loop *loop;
    const samsa_allocator *alloc;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sn_resolve *queue, *queue_tail; /* waiting for a thread */
    sn_resolve *done, *done_tail;   /* waiting for the loop */
    pthread_t threads[SN_RESOLVE_THREADS];
    int nthreads, idle;
    bool stop;
} sn_resolver;

static void push(sn_resolve **head, sn_resolve **tail, sn_resolve *j)
{
    j->next = NULL;
    if (*tail)
        (*tail)->next = j;
    else
        *head = j;
    *tail = j;
}

static bool unlink_job(sn_resolve **head, sn_resolve **tail, sn_resolve *j)
{
    sn_resolve *prev = NULL, *p;

    for (p = *head; p; prev = p, p = p->next) {
        if (p != j)
            continue;
        if (prev)
            prev->next = p->next;
        else
            *head = p->next;
        if (*tail == p)
            *tail = prev;
        return true;
    }
    return false;
}

static void lookup(sn_resolve *j, int flags)
{
    struct addrinfo hints, *ai = NULL, *p;
    char port[16];
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags | AI_NUMERICSERV | AI_ADDRCONFIG;
    snprintf(port, sizeof port, "%d", j->port);
    rc = getaddrinfo(j->host, port, &hints, &ai);
    if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
        /* AI_ADDRCONFIG hides loopback-only setups: retry without it */
        hints.ai_flags &= ~AI_ADDRCONFIG;
        rc = getaddrinfo(j->host, port, &hints, &ai);
    }
    if (rc != 0) {
        j->err = SAMSA_ERR_RESOLVE;
        snprintf(j->errstr, sizeof j->errstr, "%s: %s", j->host,
                 gai_strerror(rc));
        return;
    }
    for (p = ai; p && j->naddrs < SN_RESOLVE_MAX_ADDRS; p = p->ai_next) {
        if (p->ai_addrlen > sizeof j->addrs[0].ss)
            continue;
        memcpy(&j->addrs[j->naddrs].ss, p->ai_addr, p->ai_addrlen);
        j->addrs[j->naddrs].len = p->ai_addrlen;
        j->naddrs++;
    }
    freeaddrinfo(ai);
    if (j->naddrs == 0) {
        j->err = SAMSA_ERR_RESOLVE;
        snprintf(j->errstr, sizeof j->errstr, "%s: no usable address",
                 j->host);
    }
}

static void *worker(void *arg)
{
    sn_resolver *r = arg;

    pthread_mutex_lock(&r->mu);
    for (;;) {
        sn_resolve *j;

        while (!r->queue && !r->stop) {
            r->idle++;
            pthread_cond_wait(&r->cv, &r->mu);
            r->idle--;
        }
        if (r->stop)
            break;
        j = r->queue;
        r->queue = j->next;
        if (!r->queue)
            r->queue_tail = NULL;
        j->state = J_RUNNING;
        pthread_mutex_unlock(&r->mu);
        lookup(j, 0);
        pthread_mutex_lock(&r->mu);
        j->state = J_DONE;
        push(&r->done, &r->done_tail, j);
        sn_loop_wake(r->loop);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static void dispatch(sn_resolver *r)
{
    sn_resolve *list, *j;

    pthread_mutex_lock(&r->mu);
    list = r->done;
    r->done = r->done_tail = NULL;
    for (j = list; j; j = j->next)
        j->state = J_DISPATCHING;
    pthread_mutex_unlock(&r->mu);
    while ((j = list)) {
        list = j->next;
        if (!j->cancelled)
            j->cb(j->opaque, j->err, j->addrs, j->naddrs, j->errstr);
        sp_free(r->alloc, j);
    }
}

static void destroy(sn_resolver *r)
{
    sn_resolve *j;
    int i;

    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    for (i = 0; i < r->nthreads; i++)
        pthread_join(r->threads[i], NULL);
    while ((j = r->queue)) {
        r->queue = j->next;
        sp_free(r->alloc, j);
    }
    while ((j = r->done)) {
        r->done = j->next;
        sp_free(r->alloc, j);
    }
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    sp_free(r->alloc, r);
}

static sn_resolver *get_resolver(sn_loop *loop)
{
    sn_resolver *r = sn_loop_resolver(loop);

    if (r)
        return r;
    r = sp_calloc(sn_loop_allocator(loop), 1, sizeof *r);
    if (!r)
        return NULL;
    r->loop = loop;
    r->alloc = sn_loop_allocator(loop);
    if (pthread_mutex_init(&r->mu, NULL) != 0) {
        sp_free(r->alloc, r);
        return NULL;
    }
    if (pthread_cond_init(&r->cv, NULL) != 0) {
        pthread_mutex_destroy(&r->mu);
        sp_free(r->alloc, r);
        return NULL;
    }
    sn_loop_set_resolver(loop, r, dispatch, destroy);
    return r;
}

/* Start another thread if none is idle and the pool is not full; called
 * with the mutex held. Fails only when no thread runs at all. */
static int ensure_thread(sn_resolver *r)
{
    sigset_t all, old;
    int rc;

    if (r->idle > 0 || r->nthreads >= SN_RESOLVE_THREADS)
        return 0;
    /* resolver threads take no signals: the application's handlers run
     * on its own threads */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&r->threads[r->nthreads], NULL, worker, r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0)
        r->nthreads++;
    return r->nthreads > 0 ? 0 : SAMSA_ERR_IO;
}

int sn_resolve_start(sn_loop *loop, const char *host, int port,
                     sn_resolve_cb cb, void *opaque, sn_resolve **out)
{
    sn_resolver *r;
    sn_resolve *j;
    size_t hl = host ? strlen(host) : 0;
    int rc = 0;

    *out = NULL;
    if (hl == 0 || hl >= sizeof j->host || port <= 0 || port > 65535)
        return SAMSA_ERR_INVALID_ARG;
    r = get_resolver(loop);
    if (!r)
        return SAMSA_ERR_NO_MEMORY;
    j = sp_calloc(r->alloc, 1, sizeof *j);
    if (!j)
        return SAMSA_ERR_NO_MEMORY;
    j->res = r;
    memcpy(j->host, host, hl + 1);
    j->port = port;
    j->cb = cb;
    j->opaque = opaque;
    /* IP literals need no thread */
    lookup(j, AI_NUMERICHOST);
    pthread_mutex_lock(&r->mu);
    if (j->err == 0) {
        j->state = J_DONE;
        push(&r->done, &r->done_tail, j);
        sn_loop_wake(loop);
    } else {
        j->err = 0;
        j->errstr[0] = '\0';
        rc = ensure_thread(r);
        if (rc == 0) {
            j->state = J_QUEUED;
            push(&r->queue, &r->queue_tail, j);
            pthread_cond_signal(&r->cv);
        }
    }
    pthread_mutex_unlock(&r->mu);
    if (rc != 0) {
        sp_free(r->alloc, j);
        return rc;
    }
    *out = j;
    return 0;
}

void sn_resolve_cancel(sn_resolve *j)
{
    sn_resolver *r;
    bool drop = false;

    if (!j)
        return;
    r = j->res;
    pthread_mutex_lock(&r->mu);
    if (j->state == J_QUEUED)
        drop = unlink_job(&r->queue, &r->queue_tail, j);
    else if (j->state == J_DONE)
        drop = unlink_job(&r->done, &r->done_tail, j);
    if (!drop)
        j->cancelled = true; /* running or being dispatched: dropped later */
    pthread_mutex_unlock(&r->mu);
    if (drop)
        sp_free(r->alloc, j);
}
