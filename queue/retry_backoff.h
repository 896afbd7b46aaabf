/*
 * queue/retry_backoff.h - exponential backoff with jitter for in-place retries.
 *
 * Delay before retry number `attempt` (0 = the first retry):
 *     initial * multiplier^attempt, times a factor drawn uniformly from
 *     [1 - jitter, 1 + jitter), capped at max
 * as the Java client's ExponentialBackoff computes it. The random state
 * lives in the sq_backoff (seeded by the caller), so two instances never
 * share state and a seed replays the same delays.
 * Thread rules: one thread at a time per sq_backoff; no allocation.
 */
#ifndef SQ_RETRY_BACKOFF_H
#define SQ_RETRY_BACKOFF_H

#include <stdint.h>

typedef struct sq_backoff {
    int64_t initial_ms;
    int64_t max_ms;
    double multiplier;
    double jitter;  /* 0..1 */
    uint64_t rng;   /* xorshift64* state, never 0 */
} sq_backoff;

/* INVALID_ARG unless 0 <= initial_ms <= max_ms, multiplier >= 1 (finite)
 * and 0 <= jitter <= 1. Any seed is fine (0 included). */
int sq_backoff_init(sq_backoff *b, int64_t initial_ms, double multiplier,
                    int64_t max_ms, double jitter, uint64_t seed);

/* Delay in ms before retry `attempt`; always within [0, max_ms]. */
int64_t sq_backoff_delay(sq_backoff *b, uint32_t attempt);

/* Uniform double in [0, 1) from the instance's generator. */
double sq_backoff_random(sq_backoff *b);

#endif
