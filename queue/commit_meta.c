/* queue/commit_meta.c - see commit_meta.h. */
#include <string.h>

#include "commit_meta.h"
#include "samsa/error.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ---------------------------------------------------------------- sizes */

static size_t uvarint_size(uint64_t v)
{
    size_t n = 1;

    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* Characters for a payload of p bytes, prefix included, NUL excluded. */
static size_t text_len(size_t p)
{
    return sizeof SQ_COMMIT_META_PREFIX - 1 + (p + 2) / 3 * 4;
}

/* ---------------------------------------------------------------- base64 writer */

typedef struct b64w {
    char *out;
    size_t n;
    uint8_t acc[3];
    int nacc;
} b64w;

static void put_byte(b64w *w, uint8_t b)
{
    w->acc[w->nacc++] = b;
    if (w->nacc == 3) {
        w->out[w->n++] = b64[w->acc[0] >> 2];
        w->out[w->n++] = b64[(w->acc[0] & 3) << 4 | w->acc[1] >> 4];
        w->out[w->n++] = b64[(w->acc[1] & 15) << 2 | w->acc[2] >> 6];
        w->out[w->n++] = b64[w->acc[2] & 63];
        w->nacc = 0;
    }
}

static void put_uvarint(b64w *w, uint64_t v)
{
    while (v >= 0x80) {
        put_byte(w, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    put_byte(w, (uint8_t)v);
}

static void finish(b64w *w)
{
    if (w->nacc) {
        uint8_t a = w->acc[0], b = w->nacc > 1 ? w->acc[1] : 0;
        w->out[w->n++] = b64[a >> 2];
        w->out[w->n++] = b64[(a & 3) << 4 | b >> 4];
        w->out[w->n++] = w->nacc > 1 ? b64[(b & 15) << 2] : '=';
        w->out[w->n++] = '=';
        w->nacc = 0;
    }
    w->out[w->n] = 0;
}

/* ---------------------------------------------------------------- encode */

/* Gap field of run i (already validated). */
static uint64_t gap_of(int64_t frontier, const sq_run *runs, size_t i)
{
    if (i == 0)
        return (uint64_t)(runs[0].first - frontier - 1);
    return (uint64_t)(runs[i].first - (runs[i - 1].first + (runs[i - 1].count - 1)) - 2);
}

int sq_commit_meta_encode(int64_t frontier, const sq_run *runs, size_t nruns,
                          bool prefix_only, char *out, size_t cap, size_t *outlen,
                          size_t *nencoded)
{
    size_t i, k, payload, fixed;
    int64_t floor_ = frontier; /* each run must start above floor_ + 1 */
    b64w w;

    *outlen = 0;
    *nencoded = 0;
    if (frontier < 0 || (nruns && !runs) || !out)
        return SAMSA_ERR_INVALID_ARG;
    for (i = 0; i < nruns; i++) {
        int64_t skip = i == 0 ? 1 : 2;
        if (floor_ > INT64_MAX - skip || runs[i].count < 1 ||
            runs[i].first < floor_ + skip || runs[i].count - 1 > INT64_MAX - runs[i].first)
            return SAMSA_ERR_INVALID_ARG;
        floor_ = runs[i].first + (runs[i].count - 1);
    }
    /* the most runs that fit: fixed part + nruns varint + the runs */
    fixed = 1 + uvarint_size((uint64_t)frontier);
    if (cap == 0 || cap > SQ_COMMIT_META_MAX_LEN + 1)
        cap = cap ? SQ_COMMIT_META_MAX_LEN + 1 : 0;
    if (text_len(fixed + 1) + 1 > cap)
        return SAMSA_ERR_BUFFER_FULL;
    payload = fixed;
    for (k = 0; k < nruns; k++) {
        size_t add = uvarint_size(gap_of(frontier, runs, k)) +
                     uvarint_size((uint64_t)(runs[k].count - 1));
        if (text_len(payload + add + uvarint_size(k + 1)) + 1 > cap)
            break;
        payload += add;
    }
    memset(&w, 0, sizeof w);
    w.out = out;
    memcpy(out, SQ_COMMIT_META_PREFIX, sizeof SQ_COMMIT_META_PREFIX - 1);
    w.n = sizeof SQ_COMMIT_META_PREFIX - 1;
    put_byte(&w, (uint8_t)(k < nruns || prefix_only ? 1 : 0));
    put_uvarint(&w, (uint64_t)frontier);
    put_uvarint(&w, k);
    for (i = 0; i < k; i++) {
        put_uvarint(&w, gap_of(frontier, runs, i));
        put_uvarint(&w, (uint64_t)(runs[i].count - 1));
    }
    finish(&w);
    *outlen = w.n;
    *nencoded = k;
    return 0;
}

/* ---------------------------------------------------------------- decode */

typedef struct b64r {
    const char *p, *end;
    uint8_t buf[3];
    int nbuf, pos;
    bool done; /* padding seen or input ended */
    int err;
} b64r;

static int b64_val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Refill from the next 4 characters: strict (padding only at the very
 * end, unused bits zero). */
static void refill(b64r *r)
{
    int v[4], i, pad = 0;

    r->nbuf = r->pos = 0;
    if (r->done || r->p == r->end) {
        r->done = true;
        return;
    }
    if (r->end - r->p < 4) {
        r->err = SAMSA_ERR_MALFORMED;
        return;
    }
    for (i = 0; i < 4; i++) {
        char c = r->p[i];
        if (c == '=' && i >= 2) {
            pad++;
            v[i] = 0;
            continue;
        }
        if (pad || (v[i] = b64_val(c)) < 0) {
            r->err = SAMSA_ERR_MALFORMED;
            return;
        }
    }
    r->p += 4;
    if (pad && r->p != r->end) {
        r->err = SAMSA_ERR_MALFORMED;
        return;
    }
    if ((pad == 2 && (v[1] & 15)) || (pad == 1 && (v[2] & 3))) {
        r->err = SAMSA_ERR_MALFORMED;
        return;
    }
    r->buf[0] = (uint8_t)(v[0] << 2 | v[1] >> 4);
    r->buf[1] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
    r->buf[2] = (uint8_t)((v[2] & 3) << 6 | v[3]);
    r->nbuf = 3 - pad;
    if (pad)
        r->done = true;
}

/* Next byte; -1 at the end or on error (r->err says which). */
static int get_byte(b64r *r)
{
    if (r->err)
        return -1;
    if (r->pos == r->nbuf) {
        refill(r);
        if (r->err || r->nbuf == 0)
            return -1;
    }
    return r->buf[r->pos++];
}

/* Canonical uvarint up to 63 bits: no redundant trailing zero groups. */
static int get_uvarint(b64r *r, uint64_t *out)
{
    uint64_t v = 0;
    int shift, b = 0;

    for (shift = 0; shift < 63; shift += 7) {
        b = get_byte(r);
        if (b < 0)
            return SAMSA_ERR_MALFORMED;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            break;
    }
    if (shift >= 63 || (shift && b == 0) || v > (uint64_t)INT64_MAX)
        return SAMSA_ERR_MALFORMED;
    *out = v;
    return 0;
}

int sq_commit_meta_decode(const char *s, size_t len, int64_t *frontier, sq_run *runs,
                          size_t max_runs, size_t *nruns, bool *truncated)
{
    size_t plen = sizeof SQ_COMMIT_META_PREFIX - 1, i;
    uint64_t f, n, gap, cm1;
    int64_t floor_;
    b64r r;
    int flags;

    *nruns = 0;
    *truncated = false;
    *frontier = -1;
    if (!s || len < plen || memcmp(s, SQ_COMMIT_META_PREFIX, plen) != 0)
        return SAMSA_ERR_NOT_FOUND;
    if (len > SQ_COMMIT_META_MAX_LEN)
        return SAMSA_ERR_LIMIT;
    memset(&r, 0, sizeof r);
    r.p = s + plen;
    r.end = s + len;
    flags = get_byte(&r);
    if (flags < 0 || (flags & ~1) || get_uvarint(&r, &f) || get_uvarint(&r, &n))
        return SAMSA_ERR_MALFORMED;
    if (n > max_runs)
        return SAMSA_ERR_LIMIT;
    floor_ = (int64_t)f;
    for (i = 0; i < n; i++) {
        int64_t first, skip = i == 0 ? 1 : 2;
        if (get_uvarint(&r, &gap) || get_uvarint(&r, &cm1))
            return SAMSA_ERR_MALFORMED;
        if ((uint64_t)(INT64_MAX - floor_) < gap + (uint64_t)skip)
            return SAMSA_ERR_MALFORMED;
        first = floor_ + skip + (int64_t)gap;
        if (cm1 > (uint64_t)(INT64_MAX - first))
            return SAMSA_ERR_MALFORMED;
        runs[i].first = first;
        runs[i].count = (int64_t)cm1 + 1;
        floor_ = first + (int64_t)cm1;
    }
    if (get_byte(&r) >= 0 || r.err)
        return SAMSA_ERR_MALFORMED; /* trailing bytes, or bad text after them */
    *frontier = (int64_t)f;
    *nruns = (size_t)n;
    *truncated = flags & 1;
    return 0;
}

/* ---------------------------------------------------------------- tracker */

void sq_commit_meta_runs(const sq_tracker *t, sq_run *runs, size_t max, size_t *n,
                         bool *more)
{
    uint32_t i;
    bool open = false;

    *n = 0;
    *more = false;
    for (i = 0; i < t->count; i++) {
        uint32_t s = (t->head + i) % t->cap;
        if (!t->done[s]) {
            open = false;
            continue;
        }
        if (open) {
            runs[*n - 1].count = t->offs[s] - runs[*n - 1].first + 1;
            continue;
        }
        if (*n == max) {
            *more = true;
            return;
        }
        runs[*n].first = t->offs[s];
        runs[*n].count = 1;
        (*n)++;
        open = true;
    }
}
