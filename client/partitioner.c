/* client/partitioner.c - see partitioner.h. */
#include "partitioner.h"

int32_t sc_murmur2(const void *key, size_t len)
{
    const uint8_t *d = (const uint8_t *)key;
    const uint32_t m = 0x5bd1e995u;
    uint32_t h = 0x9747b28cu ^ (uint32_t)len;
    size_t i, n4 = len / 4;

    for (i = 0; i < n4; i++) {
        uint32_t k = (uint32_t)d[4 * i] | (uint32_t)d[4 * i + 1] << 8 |
                     (uint32_t)d[4 * i + 2] << 16 | (uint32_t)d[4 * i + 3] << 24;
        k *= m;
        k ^= k >> 24;
        k *= m;
        h *= m;
        h ^= k;
    }
    switch (len & 3) {
    case 3:
        h ^= (uint32_t)d[(len & ~(size_t)3) + 2] << 16;
        /* fall through */
    case 2:
        h ^= (uint32_t)d[(len & ~(size_t)3) + 1] << 8;
        /* fall through */
    case 1:
        h ^= d[len & ~(size_t)3];
        h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return (int32_t)h;
}

uint32_t sc_crc32(const void *key, size_t len)
{
    const uint8_t *p = (const uint8_t *)key;
    uint32_t c = 0xFFFFFFFFu;
    int k;

    /* bitwise: keys are short, and a 1 KiB table is not worth it here */
    while (len--) {
        c ^= *p++;
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

static uint32_t next_random(sc_partitioner *p)
{
    uint64_t x = p->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p->rng = x;
    return (uint32_t)(x >> 32);
}

void sc_partitioner_init(sc_partitioner *p, int kind, int64_t batch_size,
                         uint64_t seed)
{
    p->kind = kind;
    p->sticky = -1;
    p->sticky_bytes = 0;
    p->batch_size = batch_size > 0 ? batch_size : 16384;
    p->rr = 0;
    p->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
}

/* A random partition, preferring available ones. */
static int32_t pick_random(sc_partitioner *p, int32_t nparts,
                           const uint8_t *available)
{
    int32_t i, navail = 0, want;

    if (available) {
        for (i = 0; i < nparts; i++)
            navail += available[i] != 0;
        if (navail > 0 && navail < nparts) {
            want = (int32_t)(next_random(p) % (uint32_t)navail);
            for (i = 0; i < nparts; i++)
                if (available[i] && want-- == 0)
                    return i;
        }
    }
    return (int32_t)(next_random(p) % (uint32_t)nparts);
}

static int32_t sticky(sc_partitioner *p, size_t size, int32_t nparts,
                      const uint8_t *available)
{
    if (p->sticky < 0 || p->sticky >= nparts || p->sticky_bytes >= p->batch_size ||
        (available && !available[p->sticky])) {
        int32_t prev = p->sticky, next = pick_random(p, nparts, available);
        /* move on to a different partition when there is a choice */
        if (nparts > 1 && next == prev)
            next = (next + 1 + (int32_t)(next_random(p) % (uint32_t)(nparts - 1))) % nparts;
        if (available && !available[next])
            next = pick_random(p, nparts, available);
        p->sticky = next;
        p->sticky_bytes = 0;
    }
    p->sticky_bytes += (int64_t)size;
    return p->sticky;
}

int32_t sc_partition(sc_partitioner *p, const void *key, size_t keylen,
                     size_t size, int32_t nparts, const uint8_t *available)
{
    if (nparts <= 1)
        return 0;
    switch (p->kind) {
    case SC_PART_DEFAULT:
        if (key)
            return (int32_t)((uint32_t)sc_murmur2(key, keylen) & 0x7fffffffu) % nparts;
        return sticky(p, size, nparts, available);
    case SC_PART_CONSISTENT_RANDOM:
        if (key)
            return (int32_t)(sc_crc32(key, keylen) % (uint32_t)nparts);
        return pick_random(p, nparts, available);
    case SC_PART_ROUND_ROBIN: {
        int32_t i;
        for (i = 0; i < nparts; i++) {
            int32_t c = (int32_t)(p->rr++ % (uint32_t)nparts);
            if (!available || available[c])
                return c;
        }
        return (int32_t)(p->rr++ % (uint32_t)nparts);
    }
    default:
        return pick_random(p, nparts, available);
    }
}
