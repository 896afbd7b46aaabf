/* client/assignor_sticky.c - sticky and cooperative-sticky (KIP-429);
 * see assignor.h for the rules. */
#include <string.h>

#include "assignor_internal.h"
#include "alloc.h"
#include "samsa/error.h"

#define NO_HOLDER (-1)
#define CONTESTED (-2)

typedef struct sticky {
    const sa_ctx *c;
    int32_t *owner;   /* the plan: member rank per partition, -1 = none */
    int32_t *holder;  /* who holds it now: rank, NO_HOLDER or CONTESTED */
    int64_t *hgen;    /* generation of the holding claim */
    uint32_t *count;  /* partitions planned per member rank */
    uint32_t *heap;   /* scratch: member ranks */
    uint32_t *quota;  /* scratch: per member rank */
    uint32_t *torder; /* topic ranks, fewest subscribers first */
} sticky;

/* Resolve every claim: the highest generation wins, a tie between two
 * members at that generation leaves the partition contested. */
static void read_claims(sticky *s)
{
    const sa_ctx *c = s->c;
    uint32_t m, gp;

    for (gp = 0; gp < c->np; gp++) {
        s->holder[gp] = NO_HOLDER;
        s->hgen[gp] = INT64_MIN;
    }
    for (m = 0; m < c->nm; m++) {
        const sc_assign_member *mem = &c->in->members[c->mord[m]];
        int64_t gen = mem->generation;
        size_t j;

        for (j = 0; j < mem->nowned; j++) {
            const sc_assign_tp *tp = &mem->owned[j];
            uint32_t t;

            if (!sa_topic_rank(c, tp->topic, &t) || tp->partition < 0 ||
                (uint32_t)tp->partition >= c->tbase[t + 1] - c->tbase[t])
                continue; /* gone: nothing to keep or to wait for */
            gp = c->tbase[t] + (uint32_t)tp->partition;
            if (s->holder[gp] == NO_HOLDER || gen > s->hgen[gp]) {
                s->holder[gp] = (int32_t)m;
                s->hgen[gp] = gen;
            } else if (gen == s->hgen[gp] && s->holder[gp] != (int32_t)m) {
                s->holder[gp] = CONTESTED;
            }
        }
    }
}

/* Min-heap of member ranks by (planned count, rank). */
static bool heap_less(const sticky *s, uint32_t a, uint32_t b)
{
    return s->count[a] != s->count[b] ? s->count[a] < s->count[b] : a < b;
}

static void heap_down(sticky *s, uint32_t n, uint32_t i)
{
    uint32_t *h = s->heap;

    for (;;) {
        uint32_t l = 2 * i + 1, best = i, tmp;
        if (l < n && heap_less(s, h[l], h[best]))
            best = l;
        if (l + 1 < n && heap_less(s, h[l + 1], h[best]))
            best = l + 1;
        if (best == i)
            return;
        tmp = h[i], h[i] = h[best], h[best] = tmp;
        i = best;
    }
}

static int cmp_fewest_subscribers(const void *ctx, uint32_t a, uint32_t b)
{
    const sa_ctx *c = ctx;
    uint32_t na = c->tsub_off[a + 1] - c->tsub_off[a];
    uint32_t nb = c->tsub_off[b + 1] - c->tsub_off[b];

    if (na != nb)
        return na < nb ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* Unplanned partitions to the least loaded subscriber, topics with the
 * fewest subscribers first (they have the fewest places to go). */
static void hand_out(sticky *s)
{
    const sa_ctx *c = s->c;
    uint32_t i, t, gp, k, n;

    for (i = 0; i < c->nt; i++)
        s->torder[i] = i;
    sa_sort(s->torder, c->nt, cmp_fewest_subscribers, c);
    for (i = 0; i < c->nt; i++) {
        t = s->torder[i];
        n = c->tsub_off[t + 1] - c->tsub_off[t];
        if (n == 0)
            continue;
        for (gp = c->tbase[t]; gp < c->tbase[t + 1] && s->owner[gp] >= 0; gp++)
            ;
        if (gp == c->tbase[t + 1])
            continue;
        for (k = 0; k < n; k++)
            s->heap[k] = c->tsub[c->tsub_off[t] + k];
        for (k = n / 2; k-- > 0;)
            heap_down(s, n, k);
        for (; gp < c->tbase[t + 1]; gp++) {
            if (s->owner[gp] >= 0)
                continue;
            s->owner[gp] = (int32_t)s->heap[0];
            s->count[s->heap[0]]++;
            heap_down(s, n, 0);
        }
    }
}

/* One partition of topic t to move off member a: one a did not hold
 * before this round if any (moving it costs nothing), else the highest. */
static uint32_t pick_victim(const sticky *s, uint32_t t, int32_t a)
{
    const sa_ctx *c = s->c;
    uint32_t gp, best = UINT32_MAX;

    for (gp = c->tbase[t + 1]; gp-- > c->tbase[t];) {
        if (s->owner[gp] != a)
            continue;
        if (s->holder[gp] != a)
            return gp;
        if (best == UINT32_MAX)
            best = gp;
    }
    return best;
}

/* Least loaded subscriber of topic t (ties: lowest rank). */
static uint32_t least_loaded(const sticky *s, uint32_t t)
{
    const sa_ctx *c = s->c;
    uint32_t k, b = c->tsub[c->tsub_off[t]];

    for (k = c->tsub_off[t] + 1; k < c->tsub_off[t + 1]; k++)
        if (s->count[c->tsub[k]] < s->count[b])
            b = c->tsub[k];
    return b;
}

static int cmp_most_loaded(const void *ctx, uint32_t a, uint32_t b)
{
    const sticky *s = ctx;

    if (s->count[a] != s->count[b])
        return s->count[a] > s->count[b] ? -1 : 1;
    return a < b ? -1 : a > b;
}

/*
 * Different subscriptions: move partitions one at a time from a member to
 * an eligible one with two fewer, the most loaded donors first, until no
 * such move exists. Each move lowers the sum of squared counts, so it ends.
 */
static void balance_general(sticky *s)
{
    const sa_ctx *c = s->c;
    bool moved;

    do {
        uint32_t i, k, low = UINT32_MAX;

        moved = false;
        for (i = 0; i < c->nm; i++) {
            s->heap[i] = i;
            low = s->count[i] < low ? s->count[i] : low;
        }
        sa_sort(s->heap, c->nm, cmp_most_loaded, s);
        for (i = 0; i < c->nm; i++) {
            uint32_t a = s->heap[i];
            if (s->count[a] < low + 2)
                break; /* nobody can take from a, nor from anyone after */
            for (k = s->c->sub_off[a]; k < s->c->sub_off[a + 1]; k++) {
                uint32_t t = c->sub[k], b = least_loaded(s, t), v;
                while (s->count[a] >= s->count[b] + 2 &&
                       (v = pick_victim(s, t, (int32_t)a)) != UINT32_MAX) {
                    s->owner[v] = (int32_t)b;
                    s->count[a]--, s->count[b]++;
                    moved = true;
                    b = least_loaded(s, t);
                }
            }
        }
    } while (moved);
}

/*
 * Equal subscriptions: the P partitions split P/N each with P%N members
 * at one more; the extra places go to the members that have the most, so
 * the fewest partitions move. Members over their quota release the
 * partitions they did not hold before this round first, then their
 * highest; hand_out() gives the released ones to whoever is short.
 */
static void balance_equal(sticky *s, uint32_t total)
{
    const sa_ctx *c = s->c;
    uint32_t i, gp, q = total / c->nm, r = total % c->nm;
    uint32_t *quota = s->quota;
    int pass;

    for (i = 0; i < c->nm; i++)
        s->heap[i] = i;
    sa_sort(s->heap, c->nm, cmp_most_loaded, s);
    for (i = 0; i < c->nm; i++)
        quota[s->heap[i]] = q + (i < r ? 1 : 0);
    for (pass = 0; pass < 2; pass++)
        for (gp = c->np; gp-- > 0;) {
            int32_t a = s->owner[gp];
            if (a < 0 || s->count[a] <= quota[a] || (pass == 0 && s->holder[gp] == a))
                continue;
            s->owner[gp] = -1;
            s->count[a]--;
        }
    memset(quota, 0, sizeof *quota * c->nm);
    hand_out(s);
}

/* Whether every member subscribes to the same topics; *total gets the
 * partition count of those topics. */
static bool equal_subscriptions(const sa_ctx *c, uint32_t *total)
{
    uint32_t m, n = c->sub_off[1], k;

    for (m = 1; m < c->nm; m++)
        if (c->sub_off[m + 1] - c->sub_off[m] != n ||
            memcmp(c->sub + c->sub_off[m], c->sub, n * sizeof *c->sub) != 0)
            return false;
    *total = 0;
    for (k = 0; k < n; k++)
        *total += c->tbase[c->sub[k] + 1] - c->tbase[c->sub[k]];
    return true;
}

static void sticky_free(sticky *s)
{
    const samsa_allocator *a = s->c->alloc;

    sp_free(a, s->holder);
    sp_free(a, s->hgen);
    sp_free(a, s->count);
    sp_free(a, s->heap);
    sp_free(a, s->quota);
    sp_free(a, s->torder);
}

static int plan_sticky(const sa_ctx *c, int32_t *owner, size_t *withheld,
                       bool cooperative)
{
    sticky s;
    uint32_t t, gp, total;

    memset(&s, 0, sizeof s);
    s.c = c;
    s.owner = owner;
    s.holder = sp_calloc(c->alloc, (size_t)c->np + 1, sizeof *s.holder);
    s.hgen = sp_calloc(c->alloc, (size_t)c->np + 1, sizeof *s.hgen);
    s.count = sp_calloc(c->alloc, (size_t)c->nm + 1, sizeof *s.count);
    s.heap = sp_calloc(c->alloc, (size_t)c->nm + 1, sizeof *s.heap);
    s.quota = sp_calloc(c->alloc, (size_t)c->nm + 1, sizeof *s.quota);
    s.torder = sp_calloc(c->alloc, (size_t)c->nt + 1, sizeof *s.torder);
    if (!s.holder || !s.hgen || !s.count || !s.heap || !s.quota || !s.torder) {
        sticky_free(&s);
        return SAMSA_ERR_NO_MEMORY;
    }
    read_claims(&s);
    /* keep every valid claim on a topic its holder still subscribes to */
    for (t = 0; t < c->nt; t++)
        for (gp = c->tbase[t]; gp < c->tbase[t + 1]; gp++) {
            int32_t h = s.holder[gp];
            if (h >= 0 && sa_subscribed(c, (uint32_t)h, t)) {
                owner[gp] = h;
                s.count[h]++;
            }
        }
    hand_out(&s);
    if (c->nm && equal_subscriptions(c, &total))
        balance_equal(&s, total);
    else if (c->nm)
        balance_general(&s);
    *withheld = 0;
    if (cooperative) {
        /* KIP-429: never give a partition away while someone else holds it */
        for (gp = 0; gp < c->np; gp++)
            if (owner[gp] >= 0 && s.holder[gp] != NO_HOLDER && s.holder[gp] != owner[gp]) {
                owner[gp] = -1;
                (*withheld)++;
            }
    }
    sticky_free(&s);
    return 0;
}

static int plan_eager(const sa_ctx *c, int32_t *owner, size_t *withheld)
{
    return plan_sticky(c, owner, withheld, false);
}

static int plan_cooperative(const sa_ctx *c, int32_t *owner, size_t *withheld)
{
    return plan_sticky(c, owner, withheld, true);
}

int sc_assign_sticky(const samsa_allocator *alloc, const sc_assign_input *in,
                     sc_assign_result *out)
{
    return sa_run(alloc, in, out, plan_eager);
}

int sc_assign_cooperative_sticky(const samsa_allocator *alloc,
                                 const sc_assign_input *in, sc_assign_result *out)
{
    return sa_run(alloc, in, out, plan_cooperative);
}
