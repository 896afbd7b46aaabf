/* client/cgrp_tp.c - sorted topic-partition sets; see cgrp_tp.h. */
#include <string.h>

#include "cgrp_tp.h"
#include "alloc.h"
#include "samsa/error.h"

void sc_tpl_init(sc_tpl *l, const samsa_allocator *alloc)
{
    memset(l, 0, sizeof *l);
    l->alloc = alloc;
}

void sc_tpl_clear(sc_tpl *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        sp_free(l->alloc, l->v[i].topic);
    l->n = 0;
}

void sc_tpl_free(sc_tpl *l)
{
    sc_tpl_clear(l);
    sp_free(l->alloc, l->v);
    l->v = NULL;
    l->cap = 0;
}

/* <0, 0, >0 comparing entry e with (topic[0..len), partition). */
static int cmp(const sc_tp *e, const char *topic, size_t len, int32_t partition)
{
    size_t el = strlen(e->topic);
    size_t m = el < len ? el : len;
    int r = memcmp(e->topic, topic, m);

    if (r)
        return r;
    if (el != len)
        return el < len ? -1 : 1;
    return e->partition < partition ? -1 : e->partition > partition;
}

/* Index of the first entry not below the key; *found when equal. */
static size_t lower(const sc_tpl *l, const char *topic, size_t len,
                    int32_t partition, bool *found)
{
    size_t lo = 0, hi = l->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cmp(&l->v[mid], topic, len, partition) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < l->n && cmp(&l->v[lo], topic, len, partition) == 0;
    return lo;
}

int sc_tpl_add(sc_tpl *l, const char *topic, size_t len, int32_t partition)
{
    bool found;
    size_t at;
    char *t;

    if (!topic || len == 0 || partition < 0)
        return SAMSA_ERR_INVALID_ARG;
    at = lower(l, topic, len, partition, &found);
    if (found)
        return 0;
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        sc_tp *nv = sp_alloc(l->alloc, ncap * sizeof *nv);

        if (!nv)
            return SAMSA_ERR_NO_MEMORY;
        if (l->n)
            memcpy(nv, l->v, l->n * sizeof *nv);
        sp_free(l->alloc, l->v);
        l->v = nv;
        l->cap = ncap;
    }
    t = sp_alloc(l->alloc, len + 1);
    if (!t)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(t, topic, len);
    t[len] = '\0';
    memmove(&l->v[at + 1], &l->v[at], (l->n - at) * sizeof *l->v);
    l->v[at].topic = t;
    l->v[at].partition = partition;
    l->n++;
    return 0;
}

bool sc_tpl_has(const sc_tpl *l, const char *topic, size_t len,
                int32_t partition)
{
    bool found;

    lower(l, topic, len, partition, &found);
    return found;
}

void sc_tpl_del(sc_tpl *l, const char *topic, size_t len, int32_t partition)
{
    bool found;
    size_t at = lower(l, topic, len, partition, &found);

    if (!found)
        return;
    sp_free(l->alloc, l->v[at].topic);
    memmove(&l->v[at], &l->v[at + 1], (l->n - at - 1) * sizeof *l->v);
    l->n--;
}

int sc_tpl_minus(const sc_tpl *a, const sc_tpl *b, sc_tpl *out)
{
    size_t i;

    sc_tpl_clear(out);
    for (i = 0; i < a->n; i++) {
        const sc_tp *e = &a->v[i];

        if (!sc_tpl_has(b, e->topic, strlen(e->topic), e->partition) &&
            sc_tpl_add(out, e->topic, strlen(e->topic), e->partition) != 0)
            return SAMSA_ERR_NO_MEMORY;
    }
    return 0;
}

int sc_tpl_copy(sc_tpl *dst, const sc_tpl *src)
{
    size_t i;

    sc_tpl_clear(dst);
    for (i = 0; i < src->n; i++)
        if (sc_tpl_add(dst, src->v[i].topic, strlen(src->v[i].topic),
                       src->v[i].partition) != 0)
            return SAMSA_ERR_NO_MEMORY;
    return 0;
}

bool sc_tpl_equal(const sc_tpl *a, const sc_tpl *b)
{
    size_t i;

    if (a->n != b->n)
        return false;
    for (i = 0; i < a->n; i++)
        if (a->v[i].partition != b->v[i].partition ||
            strcmp(a->v[i].topic, b->v[i].topic) != 0)
            return false;
    return true;
}

void sc_tpl_view(const sc_tpl *l, samsa_topic_partition *out)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].topic = l->v[i].topic;
        out[i].partition = l->v[i].partition;
        out[i].offset = SAMSA_OFFSET_INVALID;
        out[i].leader_epoch = -1;
    }
}
