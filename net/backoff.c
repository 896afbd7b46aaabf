/* net/backoff.c - exponential backoff with jitter; see backoff.h. */
#include "backoff.h"

uint32_t sn_rand_next(uint32_t *state)
{
    uint32_t x = *state ? *state : 0x9e3779b9u;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

int64_t sn_backoff_ms(int64_t initial, int64_t max, unsigned attempts,
                      unsigned jitter_pct, uint32_t *rng)
{
    int64_t term = initial;
    int64_t span, r;
    unsigned i;

    if (initial <= 0)
        return 0;
    if (max < initial)
        max = initial;
    for (i = 0; i < attempts && term < max; i++)
        term *= 2;
    if (term > max)
        term = max; /* Java caps the exponent where the term reaches max */
    /* random factor in [1 - j, 1 + j) in thousandths */
    span = (int64_t)jitter_pct * 20; /* 2j in thousandths */
    if (span > 0) {
        r = (int64_t)(sn_rand_next(rng) % (uint32_t)span);
        term = term * (1000 - (int64_t)jitter_pct * 10 + r) / 1000;
    }
    return term > max ? max : term;
}
