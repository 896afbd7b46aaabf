/*
 * Fuzz target: the assignors (client/assignor.h) over groups built from the
 * input: members with any subscriptions, instance ids, claims (also on
 * partitions that do not exist, duplicated, from any generation). Every
 * answer must give each partition at most once and only to a subscriber;
 * range, roundrobin and sticky give every subscribed partition; sticky
 * leaves no partition movable to a member with two fewer; cooperative-sticky
 * never gives a partition to a member while another is its holder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../client/assignor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXM 12
#define MAXT 6
#define MAXP 16

typedef struct rd {
    const uint8_t *p;
    size_t n;
} rd;

static unsigned take(rd *r)
{
    if (!r->n)
        return 0;
    r->n--;
    return *r->p++;
}

static const char *const tnames[MAXT] = { "a", "b", "c", "d", "e", "f" };
static const char *const mnames[16] = { "m0", "m1", "M2", "m3", "\xc3\xa9", "\xee\x80\x80",
                                        "\xf0\x9d\x84\x9e", "z7", "", "m9", "ma", "mb",
                                        "mc", "md", "me", "mf" };

static int topic_of(sp_str s)
{
    int t;

    for (t = 0; t < MAXT; t++)
        if (s.len == 1 && s.ptr[0] == tnames[t][0])
            return t;
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sc_assign_member m[MAXM];
    static sp_str subs[MAXM][MAXT];
    static sc_assign_tp owned[MAXM][32];
    static sc_assign_topic topics[MAXT];
    static int owner[MAXT][MAXP], count[MAXM];
    int (*fns[4])(const samsa_allocator *, const sc_assign_input *, sc_assign_result *) = {
        sc_assign_range, sc_assign_roundrobin, sc_assign_sticky, sc_assign_cooperative_sticky
    };
    rd r = { data, size };
    sc_assign_input in;
    int nm, nt, i, t, k, f;
    unsigned used = 0;

    nm = (int)(take(&r) % MAXM) + 1;
    nt = (int)(take(&r) % MAXT) + 1;
    for (t = 0; t < nt; t++) {
        topics[t].name.ptr = tnames[t];
        topics[t].name.len = 1;
        topics[t].partitions = (int32_t)(take(&r) % (MAXP + 1));
    }
    for (i = 0; i < nm; i++) {
        unsigned id = take(&r), mask = take(&r), no = take(&r) % 32;
        while (used & (1u << (id % 16)))
            id++; /* member ids must be unique */
        used |= 1u << (id % 16);
        memset(&m[i], 0, sizeof m[i]);
        m[i].member_id.ptr = mnames[id % 16];
        m[i].member_id.len = (int32_t)strlen(mnames[id % 16]);
        m[i].group_instance_id.len = -1;
        if (id & 0x80) { /* static member: instance id from the same table */
            m[i].group_instance_id.ptr = mnames[(id >> 4) % 16];
            m[i].group_instance_id.len = (int32_t)strlen(mnames[(id >> 4) % 16]);
        }
        m[i].rack.len = -1;
        for (t = 0, k = 0; t < MAXT; t++) /* may name topics without metadata */
            if (mask & (1u << t)) {
                subs[i][k].ptr = tnames[t];
                subs[i][k++].len = 1;
            }
        m[i].topics = subs[i];
        m[i].ntopics = (size_t)k;
        for (k = 0; k < (int)no; k++) {
            unsigned x = take(&r);
            owned[i][k].topic.ptr = tnames[x % MAXT];
            owned[i][k].topic.len = 1;
            owned[i][k].partition = (int32_t)(x >> 3) - 2;
        }
        m[i].owned = owned[i];
        m[i].nowned = no;
        m[i].generation = (int32_t)(take(&r) % 4) - 1;
    }
    in.members = m;
    in.nmembers = (size_t)nm;
    in.topics = topics;
    in.ntopics = (size_t)nt;

    for (f = 0; f < 4; f++) {
        sc_assign_result res;
        size_t s, j;

        if (fns[f](NULL, &in, &res) != 0)
            abort();
        memset(owner, -1, sizeof owner);
        memset(count, 0, sizeof count);
        for (s = 0; s < res.nmembers; s++)
            for (j = 0; j < res.shares[s].nparts; j++) {
                const sc_assign_tp *tp = &res.shares[s].parts[j];
                bool sub = false;
                t = topic_of(tp->topic);
                if (t < 0 || t >= nt || tp->partition < 0 || tp->partition >= topics[t].partitions ||
                    owner[t][tp->partition] != -1)
                    abort();
                for (k = 0; k < (int)m[s].ntopics; k++)
                    sub |= topic_of(m[s].topics[k]) == t;
                if (!sub)
                    abort();
                owner[t][tp->partition] = (int)s;
                count[s]++;
            }
        for (t = 0; t < nt; t++)
            for (k = 0; k < topics[t].partitions; k++) {
                int a = owner[t][k], holder = -1, ntop = 0, b;
                int64_t best = INT64_MIN;
                bool any = false;
                for (i = 0; i < nm; i++) {
                    bool sub = false, claims = false;
                    for (j = 0; j < m[i].ntopics; j++)
                        sub |= topic_of(m[i].topics[j]) == t;
                    for (j = 0; j < m[i].nowned; j++)
                        claims |= topic_of(m[i].owned[j].topic) == t && m[i].owned[j].partition == k;
                    any |= sub;
                    if (claims && m[i].generation > best)
                        best = m[i].generation, holder = i, ntop = 1;
                    else if (claims && m[i].generation == best)
                        ntop++;
                    if (f == 2 && a >= 0 && sub && count[a] - count[i] > 1)
                        abort(); /* sticky: could move to a member with two fewer */
                }
                if (f < 3 && any != (a >= 0))
                    abort(); /* eager: every subscribed partition given */
                b = a;
                if (f == 3 && a >= 0 && holder >= 0 && (holder != b || ntop > 1))
                    abort(); /* cooperative: given while someone else holds it */
            }
        if (res.assigned + res.withheld < res.assigned || (f < 3 && res.withheld))
            abort();
        sc_assign_result_free(&res);
    }
    return 0;
}
