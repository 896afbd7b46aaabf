/* net/loop_epoll.c - epoll backend of the event loop; see loop.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "loop.h"
#include "samsa/error.h"
#include "timer_heap.h"

#define SN_LOOP_BATCH 64

typedef struct sn_post {
    struct sn_post *next;
    sn_post_fn fn;
    void *arg;
} sn_post;

struct sn_loop {
    const samsa_allocator *alloc;
    int epfd;
    int evfd;
    int64_t now_ms;
    uint64_t seq;

    sn_timer_heap heap;
    sn_timer *due_head, *due_tail; /* timers being dispatched */

    struct epoll_event events[SN_LOOP_BATCH];
    int cur_n, cur_i; /* batch being dispatched */
    bool in_poll;

    pthread_mutex_t mu; /* guards posts and nothing else */
    sn_post *post_head, *post_tail;

    pthread_t tid;
    bool running;
    atomic_bool stop;

    struct sn_resolver *resolver;
    void (*resolver_dispatch)(struct sn_resolver *);
    void (*resolver_destroy)(struct sn_resolver *);
};

/* epoll data for the eventfd: a unique address that is not an sn_io */
static char wake_marker;

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sn_loop_new(const samsa_allocator *alloc, sn_loop **out)
{
    struct epoll_event ev;
    sn_loop *loop;

    *out = NULL;
    loop = sp_calloc(alloc, 1, sizeof *loop);
    if (!loop)
        return SAMSA_ERR_NO_MEMORY;
    loop->alloc = alloc;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    loop->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (loop->epfd < 0 || loop->evfd < 0)
        goto fail;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    ev.data.ptr = &wake_marker;
    if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->evfd, &ev) != 0)
        goto fail;
    if (pthread_mutex_init(&loop->mu, NULL) != 0)
        goto fail;
    sn_heap_init(&loop->heap, alloc);
    atomic_init(&loop->stop, false);
    loop->now_ms = mono_ms();
    *out = loop;
    return 0;
fail:
    if (loop->epfd >= 0)
        close(loop->epfd);
    if (loop->evfd >= 0)
        close(loop->evfd);
    sp_free(alloc, loop);
    return SAMSA_ERR_IO;
}

void sn_loop_free(sn_loop *loop)
{
    sn_post *p;

    if (!loop)
        return;
    sn_loop_stop(loop);
    if (loop->resolver && loop->resolver_destroy)
        loop->resolver_destroy(loop->resolver);
    p = loop->post_head;
    while (p) {
        sn_post *next = p->next;
        sp_free(loop->alloc, p);
        p = next;
    }
    pthread_mutex_destroy(&loop->mu);
    sn_heap_free(&loop->heap);
    close(loop->epfd);
    close(loop->evfd);
    sp_free(loop->alloc, loop);
}

int sn_loop_fd(const sn_loop *loop)
{
    return loop->epfd;
}

const samsa_allocator *sn_loop_allocator(const sn_loop *loop)
{
    return loop->alloc;
}

int64_t sn_loop_now(const sn_loop *loop)
{
    return loop->now_ms;
}

int64_t sn_loop_now_update(sn_loop *loop)
{
    loop->now_ms = mono_ms();
    return loop->now_ms;
}

int sn_loop_next_timeout_ms(sn_loop *loop)
{
    sn_timer *t;
    int64_t d;

    if (loop->due_head)
        return 0;
    t = sn_heap_top(&loop->heap);
    if (!t)
        return -1;
    d = t->deadline_ms - sn_loop_now_update(loop);
    if (d <= 0)
        return 0;
    return d > INT_MAX ? INT_MAX : (int)d;
}

void sn_loop_wake(sn_loop *loop)
{
    uint64_t one = 1;
    ssize_t n;

    do
        n = write(loop->evfd, &one, sizeof one);
    while (n < 0 && errno == EINTR);
    /* EAGAIN: the counter is already non-zero, the loop will wake */
}

int sn_loop_post(sn_loop *loop, sn_post_fn fn, void *arg)
{
    sn_post *p = sp_alloc(loop->alloc, sizeof *p);

    if (!p)
        return SAMSA_ERR_NO_MEMORY;
    p->next = NULL;
    p->fn = fn;
    p->arg = arg;
    pthread_mutex_lock(&loop->mu);
    if (loop->post_tail)
        loop->post_tail->next = p;
    else
        loop->post_head = p;
    loop->post_tail = p;
    pthread_mutex_unlock(&loop->mu);
    sn_loop_wake(loop);
    return 0;
}

static int run_posts(sn_loop *loop)
{
    sn_post *p;
    int n = 0;

    pthread_mutex_lock(&loop->mu);
    p = loop->post_head;
    loop->post_head = loop->post_tail = NULL;
    pthread_mutex_unlock(&loop->mu);
    while (p) {
        sn_post *next = p->next;
        sn_post_fn fn = p->fn;
        void *arg = p->arg;

        sp_free(loop->alloc, p);
        fn(arg);
        n++;
        p = next;
    }
    return n;
}

static void drain_wake(sn_loop *loop)
{
    uint64_t v;

    while (read(loop->evfd, &v, sizeof v) < 0 && errno == EINTR)
        ;
}

/* ---- timers ---- */

void sn_timer_init(sn_timer *t, sn_loop *loop, sn_timer_cb cb, void *data)
{
    memset(t, 0, sizeof *t);
    t->loop = loop;
    t->cb = cb;
    t->data = data;
    t->heap_idx = SIZE_MAX;
}

static void due_unlink(sn_loop *loop, sn_timer *t)
{
    if (t->due_prev)
        t->due_prev->due_next = t->due_next;
    else
        loop->due_head = t->due_next;
    if (t->due_next)
        t->due_next->due_prev = t->due_prev;
    else
        loop->due_tail = t->due_prev;
    t->due_prev = t->due_next = NULL;
}

void sn_timer_stop(sn_timer *t)
{
    if (t->state == 1)
        sn_heap_remove(&t->loop->heap, t);
    else if (t->state == 2)
        due_unlink(t->loop, t);
    t->state = 0;
}

int sn_timer_start(sn_timer *t, int64_t ms)
{
    sn_loop *loop = t->loop;
    int rc;

    sn_timer_stop(t);
    if (ms < 0)
        ms = 0;
    t->deadline_ms = sn_loop_now_update(loop) + ms;
    t->seq = ++loop->seq;
    rc = sn_heap_push(&loop->heap, t);
    if (rc != 0)
        return rc;
    t->state = 1;
    return 0;
}

/* Move every timer due at `now` to the due list, then fire them one by
 * one; a timer armed or re-armed meanwhile waits for the next poll, so a
 * callback re-arming itself with 0 ms cannot starve the loop. */
static int run_timers(sn_loop *loop)
{
    int64_t now = loop->now_ms;
    sn_timer *t;
    int n = 0;

    while ((t = sn_heap_top(&loop->heap)) && t->deadline_ms <= now) {
        sn_heap_remove(&loop->heap, t);
        t->state = 2;
        t->due_next = NULL;
        t->due_prev = loop->due_tail;
        if (loop->due_tail)
            loop->due_tail->due_next = t;
        else
            loop->due_head = t;
        loop->due_tail = t;
    }
    while ((t = loop->due_head)) {
        due_unlink(loop, t);
        t->state = 0;
        t->cb(t);
        n++;
    }
    return n;
}

/* ---- fd watchers ---- */

void sn_io_init(sn_io *io, sn_loop *loop, int fd, sn_io_cb cb, void *data)
{
    memset(io, 0, sizeof *io);
    io->loop = loop;
    io->fd = fd;
    io->cb = cb;
    io->data = data;
}

/* Forget events for io still waiting in the batch being dispatched. */
static void forget_pending(sn_loop *loop, sn_io *io)
{
    int i;

    for (i = loop->cur_i + 1; i < loop->cur_n; i++)
        if (loop->events[i].data.ptr == io)
            loop->events[i].data.ptr = NULL;
}

void sn_io_stop(sn_io *io)
{
    if (!io->loop)
        return;
    if (io->added) {
        epoll_ctl(io->loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
        io->added = false;
    }
    io->events = 0;
    forget_pending(io->loop, io);
}

int sn_io_set(sn_io *io, unsigned events)
{
    struct epoll_event ev;

    events &= SN_IO_READ | SN_IO_WRITE;
    if (events == 0) {
        sn_io_stop(io);
        return 0;
    }
    if (io->added && events == io->events)
        return 0;
    memset(&ev, 0, sizeof ev);
    ev.events = (events & SN_IO_READ ? EPOLLIN : 0u) |
                (events & SN_IO_WRITE ? EPOLLOUT : 0u);
    ev.data.ptr = io;
    if (epoll_ctl(io->loop->epfd, io->added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
                  io->fd, &ev) != 0)
        return SAMSA_ERR_IO;
    io->added = true;
    io->events = events;
    return 0;
}

/* ---- polling ---- */

static int run_events(sn_loop *loop, int n)
{
    int ran = 0, woke = 0;

    loop->cur_n = n;
    for (loop->cur_i = 0; loop->cur_i < loop->cur_n; loop->cur_i++) {
        struct epoll_event *e = &loop->events[loop->cur_i];
        sn_io *io = e->data.ptr;
        unsigned ev = 0;

        if (!io)
            continue; /* stopped by an earlier callback in this batch */
        if ((void *)io == (void *)&wake_marker) {
            woke = 1;
            continue;
        }
        if (e->events & (EPOLLERR | EPOLLHUP))
            ev |= SN_IO_ERROR | (io->events & (SN_IO_READ | SN_IO_WRITE));
        if (e->events & EPOLLIN)
            ev |= SN_IO_READ;
        if (e->events & EPOLLOUT)
            ev |= SN_IO_WRITE;
        ev &= io->events | SN_IO_ERROR;
        if (ev) {
            io->cb(io, ev);
            ran++;
        }
    }
    loop->cur_n = loop->cur_i = 0;
    if (woke) {
        drain_wake(loop);
        if (loop->resolver && loop->resolver_dispatch)
            loop->resolver_dispatch(loop->resolver);
        ran += run_posts(loop);
    }
    return ran;
}

static int poll_once(sn_loop *loop, int timeout_ms)
{
    int next, n, ran;

    next = sn_loop_next_timeout_ms(loop);
    if (timeout_ms < 0 || (next >= 0 && next < timeout_ms))
        timeout_ms = next;
    n = epoll_wait(loop->epfd, loop->events, SN_LOOP_BATCH, timeout_ms);
    if (n < 0) {
        if (errno != EINTR)
            return SAMSA_ERR_IO;
        n = 0;
    }
    sn_loop_now_update(loop);
    ran = run_events(loop, n);
    ran += run_timers(loop);
    return ran;
}

int sn_loop_poll(sn_loop *loop, int timeout_ms)
{
    int rc;

    /* the thread check first: in_poll belongs to the I/O thread then */
    if (loop->running && !pthread_equal(pthread_self(), loop->tid))
        return SAMSA_ERR_STATE;
    if (loop->in_poll)
        return SAMSA_ERR_REENTRANT;
    loop->in_poll = true;
    rc = poll_once(loop, timeout_ms);
    loop->in_poll = false;
    return rc;
}

/* ---- background mode ---- */

static void *io_thread(void *arg)
{
    sn_loop *loop = arg;

    while (!atomic_load(&loop->stop)) {
        loop->in_poll = true;
        (void)poll_once(loop, -1);
        loop->in_poll = false;
    }
    run_posts(loop);
    return NULL;
}

int sn_loop_start(sn_loop *loop)
{
    if (loop->running)
        return SAMSA_ERR_STATE;
    if (loop->in_poll)
        return SAMSA_ERR_REENTRANT;
    atomic_store(&loop->stop, false);
    loop->running = true; /* before the thread runs: poll checks it */
    if (pthread_create(&loop->tid, NULL, io_thread, loop) != 0) {
        loop->running = false;
        return SAMSA_ERR_IO;
    }
    return 0;
}

int sn_loop_stop(sn_loop *loop)
{
    if (!loop->running)
        return 0;
    if (pthread_equal(pthread_self(), loop->tid))
        return SAMSA_ERR_REENTRANT;
    atomic_store(&loop->stop, true);
    sn_loop_wake(loop);
    pthread_join(loop->tid, NULL);
    loop->running = false;
    return 0;
}

bool sn_loop_on_loop_thread(const sn_loop *loop)
{
    if (loop->running)
        return pthread_equal(pthread_self(), loop->tid) != 0;
    return true;
}

struct sn_resolver *sn_loop_resolver(sn_loop *loop)
{
    return loop->resolver;
}

void sn_loop_set_resolver(sn_loop *loop, struct sn_resolver *r,
                          void (*dispatch)(struct sn_resolver *),
                          void (*destroy)(struct sn_resolver *))
{
    loop->resolver = r;
    loop->resolver_dispatch = dispatch;
    loop->resolver_destroy = destroy;
}
