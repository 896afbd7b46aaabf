/* queue/retry_backoff.c - see retry_backoff.h. */
#include "retry_backoff.h"
#include "samsa/error.h"

int sq_backoff_init(sq_backoff *b, int64_t initial_ms, double multiplier,
                    int64_t max_ms, double jitter, uint64_t seed)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ull;

    if (initial_ms < 0 || max_ms < initial_ms || !(multiplier >= 1.0) ||
        multiplier > 1e9 || !(jitter >= 0.0 && jitter <= 1.0))
        return SAMSA_ERR_INVALID_ARG;
    b->initial_ms = initial_ms;
    b->max_ms = max_ms;
    b->multiplier = multiplier;
    b->jitter = jitter;
    /* splitmix64 scrambles the seed so nearby seeds give unrelated runs */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    b->rng = z ? z : 0x2545f4914f6cdd1dull;
    return 0;
}

double sq_backoff_random(sq_backoff *b)
{
    uint64_t x = b->rng;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    b->rng = x;
    return (double)((x * 0x2545f4914f6cdd1dull) >> 11) * (1.0 / 9007199254740992.0);
}

int64_t sq_backoff_delay(sq_backoff *b, uint32_t attempt)
{
    double term = (double)b->initial_ms, base = b->multiplier, d;
    /* past this only a jitter factor under 1e-6 could bring it under max */
    double cap = ((double)b->max_ms + 1.0) * 1e6;

    /* initial * multiplier^attempt by squaring, stopping once over the cap
     * (no libm, no overflow) */
    while (attempt && term <= cap && term > 0.0) {
        if (attempt & 1)
            term *= base;
        attempt >>= 1;
        if (attempt)
            base = base * base > 1e300 ? 1e300 : base * base;
    }
    if (term > cap)
        term = cap;
    d = term;
    if (b->jitter > 0.0)
        d *= 1.0 - b->jitter + 2.0 * b->jitter * sq_backoff_random(b);
    if (d >= (double)b->max_ms)
        return b->max_ms;
    return d > 0.0 ? (int64_t)d : 0;
}
