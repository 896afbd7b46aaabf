/*
 * net/loop.h - the one internal event loop contract (backend: loop_epoll.c).
 *
 * A loop owns one epoll fd, a millisecond timer heap on CLOCK_MONOTONIC,
 * an eventfd for wake-ups and a locked queue of posted functions. Every
 * socket and timer of one client handle lives on one loop.
 *
 * Two ways to drive it:
 *  - Embedded: the owner calls sn_loop_poll(loop, timeout_ms), or adds
 *    sn_loop_fd() (the epoll fd, readable when something is ready) to its
 *    own poll()/epoll and calls sn_loop_poll(loop, 0) when it is readable
 *    or when sn_loop_next_timeout_ms() has passed. No I/O thread is
 *    started (host name lookups use the resolver's threads, resolve.h).
 *  - Background: sn_loop_start() runs the loop on one I/O thread until
 *    sn_loop_stop(), which joins it. Other threads reach the loop only
 *    through sn_loop_post() (and sn_loop_wake()).
 *
 * Watchers (sn_io) and timers (sn_timer) are owned by the caller, usually
 * embedded in a bigger object, and must stay valid while active. A
 * callback may stop or re-arm its own watcher or timer and any other one,
 * also while the loop dispatches a batch of events: an fd event still in
 * the batch for a watcher stopped meanwhile is dropped, never delivered.
 * After sn_io_stop()/sn_timer_stop() returns, the memory may be freed
 * (also from inside the callback itself).
 *
 * Idle: with no fd activity and no timers the loop sleeps in epoll_wait
 * without a time limit; it never wakes up periodically.
 *
 * Thread rules: everything except sn_loop_post(), sn_loop_wake() and
 * sn_loop_stop() is called on the loop's thread (the thread calling
 * sn_loop_poll, or the I/O thread in background mode; before start and
 * after stop, the owner's thread). sn_loop_poll is not reentrant: calling
 * it from a callback returns SAMSA_ERR_REENTRANT.
 */
#ifndef SN_LOOP_H
#define SN_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "samsa/alloc.h"

typedef struct sn_loop sn_loop;
typedef struct sn_io sn_io;
typedef struct sn_timer sn_timer;

#define SN_IO_READ  1u
#define SN_IO_WRITE 2u
#define SN_IO_ERROR 4u /* reported only: EPOLLERR/EPOLLHUP */

/* events: SN_IO_* bits that are ready. */
typedef void (*sn_io_cb)(sn_io *io, unsigned events);
typedef void (*sn_timer_cb)(sn_timer *t);
typedef void (*sn_post_fn)(void *arg);

/* An fd watcher. Fill fd/cb/data with sn_io_init; fields are private. */
struct sn_io {
    sn_loop *loop;
    int fd;
    unsigned events; /* registered SN_IO_READ|SN_IO_WRITE; 0 = stopped */
    bool added;      /* registered with epoll */
    sn_io_cb cb;
    void *data;      /* owner's pointer */
};

/* A one-shot timer (re-arm it from the callback for periodic use). */
struct sn_timer {
    sn_loop *loop;
    int64_t deadline_ms; /* monotonic */
    uint64_t seq;        /* start order: equal deadlines fire FIFO */
    size_t heap_idx;     /* position in the heap; SIZE_MAX when not there */
    sn_timer *due_prev, *due_next; /* in the current due batch */
    int state;           /* private: 0 idle, 1 in heap, 2 due */
    sn_timer_cb cb;
    void *data;
};

/* Create a loop (epoll fd + eventfd). 0, SAMSA_ERR_NO_MEMORY or
 * SAMSA_ERR_IO. alloc NULL = libc; kept for the loop's whole life. */
int sn_loop_new(const samsa_allocator *alloc, sn_loop **out);

/*
 * Free the loop. Call with no watcher or timer active (their owners are
 * destroyed first) and the I/O thread stopped. Functions posted and not
 * yet run are dropped without being called: owners that post must be
 * gone first (the resolver, which the loop owns, is joined here).
 */
void sn_loop_free(sn_loop *loop);

/* The epoll fd: readable when sn_loop_poll(loop, 0) has work to do. */
int sn_loop_fd(const sn_loop *loop);

/* Milliseconds until the next timer is due: 0 = due now, -1 = no timer. */
int sn_loop_next_timeout_ms(sn_loop *loop);

/*
 * Wait up to timeout_ms (-1 = until something happens, 0 = do not wait)
 * and run what is due: fd events, due timers, posted functions. Returns
 * the number of callbacks run (>= 0), or SAMSA_ERR_REENTRANT /
 * SAMSA_ERR_STATE (called while the I/O thread runs) / SAMSA_ERR_IO.
 * Never blocks longer than asked (a signal interrupting the wait returns
 * early with 0).
 */
int sn_loop_poll(sn_loop *loop, int timeout_ms);

/* Cached monotonic time in ms (refreshed at each poll and by now_update). */
int64_t sn_loop_now(const sn_loop *loop);
int64_t sn_loop_now_update(sn_loop *loop);

/* Thread-safe: make a sleeping poll return. */
void sn_loop_wake(sn_loop *loop);

/*
 * Thread-safe: run fn(arg) on the loop thread, in posting order, at the
 * next poll. 0 or SAMSA_ERR_NO_MEMORY. From the loop thread itself the
 * function runs at the next poll too, never inside this call.
 */
int sn_loop_post(sn_loop *loop, sn_post_fn fn, void *arg);

/*
 * Background mode. sn_loop_start: start the I/O thread (SAMSA_ERR_STATE if
 * running, SAMSA_ERR_IO if the thread cannot start). sn_loop_stop: ask it
 * to finish its current iteration and join it; posted functions already
 * queued run first. Must not be called from the I/O thread
 * (SAMSA_ERR_REENTRANT). Returns 0 when the thread was not running.
 */
int sn_loop_start(sn_loop *loop);
int sn_loop_stop(sn_loop *loop);
/* True on the I/O thread (or, in embedded mode, inside sn_loop_poll). */
bool sn_loop_on_loop_thread(const sn_loop *loop);

const samsa_allocator *sn_loop_allocator(const sn_loop *loop);

/* ---- fd watchers ---- */

void sn_io_init(sn_io *io, sn_loop *loop, int fd, sn_io_cb cb, void *data);
/* Watch for events (SN_IO_READ|SN_IO_WRITE), replacing the previous set;
 * 0 events = stop. 0 or SAMSA_ERR_IO (epoll_ctl failed). */
int sn_io_set(sn_io *io, unsigned events);
/* Stop watching (idempotent; safe from any callback). */
void sn_io_stop(sn_io *io);

/* ---- timers ---- */

void sn_timer_init(sn_timer *t, sn_loop *loop, sn_timer_cb cb, void *data);
/* (Re)arm to fire once after ms (>= 0) milliseconds from sn_loop_now().
 * 0 or SAMSA_ERR_NO_MEMORY (heap growth). */
int sn_timer_start(sn_timer *t, int64_t ms);
/* Disarm (idempotent; safe from any callback, including its own). */
void sn_timer_stop(sn_timer *t);
static inline bool sn_timer_active(const sn_timer *t)
{
    return t->state != 0;
}

/* ---- internal hook for the resolver (net/resolve.c) ---- */
struct sn_resolver;
struct sn_resolver *sn_loop_resolver(sn_loop *loop);
void sn_loop_set_resolver(sn_loop *loop, struct sn_resolver *r,
                          void (*dispatch)(struct sn_resolver *),
                          void (*destroy)(struct sn_resolver *));

#endif
