/* client/assignor_range.c - Java RangeAssignor; see assignor.h. */
#include "assignor_internal.h"

/* Per topic: the n subscribed members in order; member i gets
 * parts/n partitions, plus one more while i < parts % n. */
static int plan_range(const sa_ctx *c, int32_t *owner, size_t *withheld)
{
    uint32_t t;

    *withheld = 0;
    for (t = 0; t < c->nt; t++) {
        uint32_t first = c->tsub_off[t], n = c->tsub_off[t + 1] - first;
        uint32_t parts = c->tbase[t + 1] - c->tbase[t], per, extra, i, gp;

        if (n == 0)
            continue;
        per = parts / n;
        extra = parts % n;
        gp = c->tbase[t];
        for (i = 0; i < n; i++) {
            uint32_t len = per + (i < extra ? 1 : 0), k;
            for (k = 0; k < len; k++)
                owner[gp++] = (int32_t)c->tsub[first + i];
        }
    }
    return 0;
}

int sc_assign_range(const samsa_allocator *alloc, const sc_assign_input *in,
                    sc_assign_result *out)
{
    return sa_run(alloc, in, out, plan_range);
}
