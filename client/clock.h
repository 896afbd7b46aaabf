/*
 * client/clock.h - the clocks of client/ (any thread, no state).
 *
 * The one home for client/'s time reads. queue/ keeps its own
 * (sq_now_ms, sq_now_us, sq_wall_ms in queue/queue_pool.c): it may use only
 * the public API, and a clock is not worth a public samsa_ call. net/ has
 * the loop's cached time (sn_loop_now), which is what timers use.
 */
#ifndef SC_CLOCK_H
#define SC_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Monotonic and wall clock in ms. */
int64_t sc_mono_ms(void);
int64_t sc_wall_ms(void);

/* Monotonic ms at the kernel tick's resolution (a few ms; CLOCK_MONOTONIC
 * where the coarse clock is missing): enough for deadlines such as
 * delivery.timeout.ms and cheaper than sc_mono_ms on a hot path. */
int64_t sc_mono_coarse_ms(void);

/* The CLOCK_MONOTONIC time ms (>= 0) from now, as pthread_cond_timedwait
 * wants it for a condition variable set to the monotonic clock. */
struct timespec sc_mono_after(int64_t ms);

#endif
