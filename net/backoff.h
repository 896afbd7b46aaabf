/*
 * net/backoff.h - exponential backoff with jitter, as Java's
 * ExponentialBackoff: initial * 2^attempts (the exponent capped where the
 * term reaches max), times a random factor in [1-jitter, 1+jitter), then
 * capped at max. Pure; the caller owns the random state.
 */
#ifndef SN_BACKOFF_H
#define SN_BACKOFF_H

#include <stdint.h>

/* xorshift32 state; never 0 (a 0 seed is replaced). */
uint32_t sn_rand_next(uint32_t *state);

/* jitter_pct: 20 for +-20%. */
int64_t sn_backoff_ms(int64_t initial, int64_t max, unsigned attempts,
                      unsigned jitter_pct, uint32_t *rng);

#endif
