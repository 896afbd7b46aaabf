/* client/assignor_roundrobin.c - Java RoundRobinAssignor; see assignor.h. */
#include "assignor_internal.h"

/* Every partition of every subscribed topic in (topic, partition) order
 * goes to the next member in the circle that subscribes to its topic; the
 * cursor moves on past the member that took it. */
/* First member of topic t at or after rank `from`, wrapping around (what
 * stepping the circle one member at a time would find). */
static uint32_t next_subscriber(const sa_ctx *c, uint32_t t, uint32_t from)
{
    uint32_t lo = c->tsub_off[t], hi = c->tsub_off[t + 1], first = lo;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->tsub[mid] < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->tsub_off[t + 1] ? c->tsub[lo] : c->tsub[first];
}

static int plan_roundrobin(const sa_ctx *c, int32_t *owner, size_t *withheld)
{
    uint32_t t, gp, cursor = 0;

    *withheld = 0;
    for (t = 0; t < c->nt; t++) {
        if (c->tsub_off[t + 1] == c->tsub_off[t])
            continue; /* nobody subscribes: the search below would not end */
        for (gp = c->tbase[t]; gp < c->tbase[t + 1]; gp++) {
            cursor = next_subscriber(c, t, cursor);
            owner[gp] = (int32_t)cursor;
            cursor = (cursor + 1) % c->nm;
        }
    }
    return 0;
}

int sc_assign_roundrobin(const samsa_allocator *alloc, const sc_assign_input *in,
                         sc_assign_result *out)
{
    return sa_run(alloc, in, out, plan_roundrobin);
}
