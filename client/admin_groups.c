/* client/admin_groups.c - samsa_list_groups(), samsa_describe_group(),
 * samsa_group_offsets_get(); see samsa/describe.h.
 *
 * A group's calls go to its coordinator, found with FindCoordinator (and
 * found again when the answer is NOT_COORDINATOR or the coordinator is
 * loading). The group list asks every broker the metadata names. Results
 * are copied into one block each, sized from the decoded response. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_req.h"
#include "samsa/describe.h"
#include "alloc.h"
#include "arena.h"
#include "msg_consumer_protocol.h"
#include "msg_describe_groups.h"
#include "coord_find.h"
#include "msg_find_coordinator.h"
#include "msg_list_groups.h"
#include "msg_offset_fetch.h"
#include "schema.h"

#define GRP_ARENA_MAX (32u << 20)
#define GRP_RETRY_MS 100
#define GRP_MAX_LISTED 1000000

static bool never(void *arg)
{
    (void)arg;
    return false;
}

static void sleep_ms(samsa_client *c, int ms)
{
    sc_client_wait(c, never, NULL, ms);
}

static bool coordinator_moving(int err)
{
    return err == SAMSA_ERR_COORDINATOR_NOT_AVAILABLE ||
           err == SAMSA_ERR_COORDINATOR_LOAD_IN_PROGRESS ||
           err == SAMSA_ERR_NOT_COORDINATOR;
}

static int left_ms(int64_t deadline)
{
    int64_t l = deadline - sc_mono_ms();
    return l > 0 ? (int)(l > INT32_MAX / 2 ? INT32_MAX / 2 : l) : 0;
}

static void errcopy(char *errbuf, size_t errlen, sp_str s)
{
    if (s.len > 0)
        snprintf(errbuf, errlen, "%.*s", (int)s.len, s.ptr);
}

/* ------------------------------------------------------ FindCoordinator */

typedef struct fc_call {
    const samsa_allocator *alloc;
    const char *group;
    int32_t node;
} fc_call;

static int fc_decode(void *arg, int16_t v, const uint8_t *body, size_t len,
                     char *errbuf, size_t errlen)
{
    fc_call *fc = arg;
    int err = 0, rc;

    rc = sc_coord_find_decode(fc->alloc, v, body, len, &err, &fc->node,
                              errbuf, errlen);
    return rc ? rc : err;
}

/* The coordinator's node id, retrying while it moves or loads. */
static int find_coordinator(samsa_client *c, const char *group,
                            int64_t deadline, int32_t *node)
{
    fc_call fc = { c->alloc, group, -1 };
    sc_areq req;
    int rc;

    memset(&req, 0, sizeof req);
    req.api_key = SP_FIND_COORDINATOR_KEY;
    req.max_version = -1;
    req.node_id = SC_AREQ_ANY;
    req.encode = sc_coord_find_encode;
    req.encode_arg = group;
    req.decode = fc_decode;
    req.decode_arg = &fc;
    for (;;) {
        rc = sc_areq_run(c, &req, left_ms(deadline));
        if (!coordinator_moving(rc) || left_ms(deadline) <= GRP_RETRY_MS)
            break;
        sleep_ms(c, GRP_RETRY_MS);
    }
    *node = fc.node;
    return rc;
}

/* ------------------------------------------------------ DescribeGroups */

typedef struct dg_block {
    const samsa_allocator *alloc;
    samsa_group_description d;
} dg_block;

typedef struct dg_call {
    const samsa_allocator *alloc;
    const char *group;
    int32_t node;
    dg_block *out;
} dg_call;

static int dg_encode(sp_writer *w, int16_t v, const void *arg)
{
    const dg_call *dc = arg;
    sp_describe_groups_req req;
    sp_str g = sp_str_of(dc->group);

    memset(&req, 0, sizeof req);
    req.groups.count = 1;
    req.groups.items = &g;
    return sp_schema_encode(w, &sp_msg_describe_groups_req, v, &req);
}

static size_t count_of(int32_t n)
{
    return n > 0 ? (size_t)n : 0;
}

static size_t assigned_count(const sp_consumer_protocol_assignment *a)
{
    size_t j, n = 0;

    for (j = 0; j < count_of(a->assigned_partitions.count); j++)
        n += count_of(a->assigned_partitions.items[j].partitions.count);
    return n;
}

static int dg_decode(void *arg, int16_t v, const uint8_t *body, size_t len,
                     char *errbuf, size_t errlen)
{
    dg_call *dc = arg;
    sp_describe_groups_resp r;
    const sp_described_group *g;
    sp_consumer_protocol_assignment *as = NULL;
    sp_arena arena;
    dg_block *blk;
    samsa_group_description *d;
    samsa_group_member *ms;
    sc_bump b;
    size_t need, i, j, k, nm;
    int consumer, rc;

    sp_arena_init(&arena, dc->alloc, GRP_ARENA_MAX);
    rc = sp_schema_decode(&sp_msg_describe_groups_resp, v, &r, &arena, body, len);
    if (rc || r.groups.count < 1) {
        sp_arena_free(&arena);
        snprintf(errbuf, errlen, "malformed DescribeGroups response");
        return rc ? rc : SAMSA_ERR_PROTOCOL;
    }
    g = &r.groups.items[0];
    if (coordinator_moving(g->error_code)) {
        sp_arena_free(&arena);
        return g->error_code;
    }
    errcopy(errbuf, errlen, g->error_message);
    nm = count_of(g->members.count);
    consumer = g->protocol_type.len == 8 && !memcmp(g->protocol_type.ptr, "consumer", 8);
    if (consumer && nm) {
        as = sp_arena_array(&arena, nm, sizeof *as);
        if (!as) {
            sp_arena_free(&arena);
            return SAMSA_ERR_NO_MEMORY;
        }
        for (i = 0; i < nm; i++) {
            const sp_bytes *mb = &g->members.items[i].member_assignment;
            if (mb->len <= 0 ||
                sp_consumer_protocol_decode(&sp_msg_consumer_protocol_assignment,
                                            &as[i], NULL, &arena, mb->ptr,
                                            (size_t)mb->len) != 0)
                memset(&as[i], 0, sizeof as[i]); /* unreadable: no assignment */
        }
    }
    need = sizeof *blk + sc_str_need(g->group_id) + sc_str_need(g->group_state) +
           sc_str_need(g->protocol_type) + sc_str_need(g->protocol_data) +
           sc_bump_need(nm * sizeof *ms, _Alignof(samsa_group_member));
    for (i = 0; i < nm; i++) {
        const sp_described_group_member *m = &g->members.items[i];
        need += sc_str_need(m->member_id) + sc_str_need(m->group_instance_id) +
                sc_str_need(m->client_id) + sc_str_need(m->client_host);
        if (!as)
            continue;
        need += sc_bump_need(assigned_count(&as[i]) * sizeof(samsa_topic_partition),
                             _Alignof(samsa_topic_partition));
        for (j = 0; j < count_of(as[i].assigned_partitions.count); j++)
            need += sc_str_need(as[i].assigned_partitions.items[j].topic);
    }
    blk = sp_alloc(dc->alloc, need);
    if (!blk) {
        sp_arena_free(&arena);
        return SAMSA_ERR_NO_MEMORY;
    }
    memset(blk, 0, sizeof *blk);
    blk->alloc = dc->alloc;
    d = &blk->d;
    b.p = (char *)(blk + 1);
    b.end = (char *)blk + need;
    d->group_id = sc_bump_str(&b, g->group_id, 0);
    d->err = g->error_code;
    d->state = sc_bump_str(&b, g->group_state, 0);
    d->protocol_type = sc_bump_str(&b, g->protocol_type, 0);
    d->protocol = sc_bump_str(&b, g->protocol_data, 0);
    d->coordinator_id = dc->node;
    d->nmembers = nm;
    ms = sc_bump_take(&b, nm * sizeof *ms, _Alignof(samsa_group_member));
    for (i = 0; i < nm; i++) {
        const sp_described_group_member *m = &g->members.items[i];
        size_t total = 0;
        samsa_topic_partition *tps;
        ms[i].member_id = sc_bump_str(&b, m->member_id, 0);
        ms[i].group_instance_id = sc_bump_str(&b, m->group_instance_id, 1);
        ms[i].client_id = sc_bump_str(&b, m->client_id, 0);
        ms[i].client_host = sc_bump_str(&b, m->client_host, 0);
        if (!as)
            continue;
        total = assigned_count(&as[i]);
        tps = sc_bump_take(&b, total * sizeof *tps, _Alignof(samsa_topic_partition));
        ms[i].assigned = tps;
        ms[i].nassigned = total;
        for (j = 0; j < count_of(as[i].assigned_partitions.count); j++) {
            const sp_consumer_protocol_topic_partitions *tp =
                &as[i].assigned_partitions.items[j];
            const char *name = sc_bump_str(&b, tp->topic, 0);
            for (k = 0; k < count_of(tp->partitions.count); k++, tps++) {
                tps->topic = name;
                tps->partition = tp->partitions.items[k];
                tps->offset = SAMSA_OFFSET_INVALID;
                tps->leader_epoch = -1;
            }
        }
    }
    d->members = ms;
    sp_arena_free(&arena);
    dc->out = blk;
    return 0;
}

/* Run a request to the group's coordinator, finding it (again) as needed. */
static int to_coordinator(samsa_client *c, const char *group, sc_areq *req,
                          int32_t *node, int64_t deadline)
{
    int rc;

    for (;;) {
        rc = find_coordinator(c, group, deadline, node);
        if (rc)
            return rc;
        req->node_id = *node;
        rc = sc_areq_run(c, req, left_ms(deadline));
        if (!coordinator_moving(rc) || left_ms(deadline) <= GRP_RETRY_MS)
            return rc;
        sleep_ms(c, GRP_RETRY_MS);
    }
}

int samsa_describe_group(samsa_client *c, const char *group,
                         samsa_group_description **out, int timeout_ms)
{
    dg_call dc;
    sc_areq req;
    int64_t deadline;
    int rc;

    if (!c || !group || !*group || !out)
        return SAMSA_ERR_INVALID_ARG;
    *out = NULL;
    deadline = sc_mono_ms() + (timeout_ms < 0 ? INT32_MAX / 2 : timeout_ms);
    memset(&dc, 0, sizeof dc);
    dc.alloc = c->alloc;
    dc.group = group;
    memset(&req, 0, sizeof req);
    req.api_key = SP_DESCRIBE_GROUPS_KEY;
    req.max_version = -1;
    req.encode = dg_encode;
    req.encode_arg = &dc;
    req.decode = dg_decode;
    req.decode_arg = &dc;
    /* dg_decode reads dc.node for coordinator_id: set before each send */
    rc = find_coordinator(c, group, deadline, &dc.node);
    while (rc == 0) {
        req.node_id = dc.node;
        rc = sc_areq_run(c, &req, left_ms(deadline));
        if (!coordinator_moving(rc) || left_ms(deadline) <= GRP_RETRY_MS)
            break;
        sleep_ms(c, GRP_RETRY_MS);
        rc = find_coordinator(c, group, deadline, &dc.node);
    }
    if (rc == 0)
        *out = &dc.out->d;
    return rc;
}

void samsa_group_description_free(samsa_group_description *d)
{
    dg_block *blk;

    if (!d)
        return;
    blk = (dg_block *)((char *)d - offsetof(dg_block, d));
    sp_free(blk->alloc, blk);
}

/* ------------------------------------------------------ OffsetFetch */

typedef struct of_block {
    const samsa_allocator *alloc;
    samsa_group_offsets o;
} of_block;

typedef struct of_call {
    const samsa_allocator *alloc;
    const char *group;
    of_block *out;
} of_call;

static int of_encode(sp_writer *w, int16_t v, const void *arg)
{
    const of_call *oc = arg;
    sp_offset_fetch_req req;
    sp_offset_fetch_req_group g;

    memset(&req, 0, sizeof req);
    memset(&g, 0, sizeof g);
    if (v >= 8) {
        g.group_id = sp_str_of(oc->group);
        g.member_id.len = -1;
        g.member_epoch = -1;
        g.topics.count = -1; /* all */
        req.groups.count = 1;
        req.groups.items = &g;
    } else {
        req.group_id = sp_str_of(oc->group);
        req.topics.count = -1; /* all (v2+) */
    }
    return sp_schema_encode(w, &sp_msg_offset_fetch_req, v, &req);
}

static int cmp_tp(const void *a, const void *b)
{
    const samsa_topic_partition *x = a, *y = b;
    int d = strcmp(x->topic, y->topic);

    if (d)
        return d;
    return (x->partition > y->partition) - (x->partition < y->partition);
}

/* The topics of the response, whichever version shape it has. */
typedef struct of_topic_view {
    sp_str name;
    const sp_offset_fetch_resp_partition *parts;
    int32_t nparts;
} of_topic_view;

static int of_decode(void *arg, int16_t v, const uint8_t *body, size_t len,
                     char *errbuf, size_t errlen)
{
    of_call *oc = arg;
    sp_offset_fetch_resp r;
    sp_arena arena;
    of_topic_view *tv = NULL;
    size_t nt = 0, i, j, n = 0, need;
    of_block *blk;
    samsa_topic_partition *tps;
    sc_bump b;
    int rc;

    (void)errbuf;
    (void)errlen;
    sp_arena_init(&arena, oc->alloc, GRP_ARENA_MAX);
    rc = sp_schema_decode(&sp_msg_offset_fetch_resp, v, &r, &arena, body, len);
    if (rc) {
        sp_arena_free(&arena);
        return rc;
    }
    if (v >= 8) {
        if (r.groups.count < 1) {
            sp_arena_free(&arena);
            return SAMSA_ERR_PROTOCOL;
        }
        rc = r.groups.items[0].error_code;
        nt = count_of(r.groups.items[0].topics.count);
    } else {
        rc = r.error_code;
        nt = count_of(r.topics.count);
    }
    if (rc) {
        sp_arena_free(&arena);
        return rc;
    }
    if (nt) {
        tv = sp_arena_array(&arena, nt, sizeof *tv);
        if (!tv) {
            sp_arena_free(&arena);
            return SAMSA_ERR_NO_MEMORY;
        }
    }
    for (i = 0; i < nt; i++) {
        if (v >= 8) {
            const sp_offset_fetch_resp_group_topic *t = &r.groups.items[0].topics.items[i];
            tv[i].name = t->name;
            tv[i].parts = t->partitions.items;
            tv[i].nparts = t->partitions.count;
        } else {
            const sp_offset_fetch_resp_topic *t = &r.topics.items[i];
            tv[i].name = t->name;
            tv[i].parts = t->partitions.items;
            tv[i].nparts = t->partitions.count;
        }
    }
    need = sizeof *blk;
    for (i = 0; i < nt; i++) {
        need += sc_str_need(tv[i].name);
        n += count_of(tv[i].nparts);
        for (j = 0; j < count_of(tv[i].nparts); j++)
            need += sc_str_need(tv[i].parts[j].metadata);
    }
    need += sc_bump_need(n * sizeof *tps, _Alignof(samsa_topic_partition));
    blk = sp_alloc(oc->alloc, need);
    if (!blk) {
        sp_arena_free(&arena);
        return SAMSA_ERR_NO_MEMORY;
    }
    memset(blk, 0, sizeof *blk);
    blk->alloc = oc->alloc;
    b.p = (char *)(blk + 1);
    b.end = (char *)blk + need;
    tps = sc_bump_take(&b, n * sizeof *tps, _Alignof(samsa_topic_partition));
    blk->o.tps = tps;
    blk->o.n = n;
    for (i = 0; i < nt; i++) {
        const char *name = sc_bump_str(&b, tv[i].name, 0);
        for (j = 0; j < count_of(tv[i].nparts); j++, tps++) {
            const sp_offset_fetch_resp_partition *p = &tv[i].parts[j];
            tps->topic = name;
            tps->partition = p->partition_index;
            tps->offset = p->committed_offset >= 0 ? p->committed_offset
                                                   : SAMSA_OFFSET_INVALID;
            tps->leader_epoch = p->committed_leader_epoch;
            tps->metadata = sc_bump_str(&b, p->metadata, 0);
            tps->err = p->error_code;
        }
    }
    qsort((void *)blk->o.tps, n, sizeof *tps, cmp_tp);
    sp_arena_free(&arena);
    oc->out = blk;
    return 0;
}

int samsa_group_offsets_get(samsa_client *c, const char *group,
                            samsa_group_offsets **out, int timeout_ms)
{
    of_call oc;
    sc_areq req;
    int32_t node;
    int rc;

    if (!c || !group || !*group || !out)
        return SAMSA_ERR_INVALID_ARG;
    *out = NULL;
    memset(&oc, 0, sizeof oc);
    oc.alloc = c->alloc;
    oc.group = group;
    memset(&req, 0, sizeof req);
    req.api_key = SP_OFFSET_FETCH_KEY;
    req.max_version = 9; /* v10 names topics by id only */
    req.encode = of_encode;
    req.encode_arg = &oc;
    req.decode = of_decode;
    req.decode_arg = &oc;
    rc = to_coordinator(c, group, &req, &node,
                        sc_mono_ms() + (timeout_ms < 0 ? INT32_MAX / 2 : timeout_ms));
    if (rc == 0)
        *out = &oc.out->o;
    return rc;
}

void samsa_group_offsets_free(samsa_group_offsets *o)
{
    of_block *blk;

    if (!o)
        return;
    blk = (of_block *)((char *)o - offsetof(of_block, o));
    sp_free(blk->alloc, blk);
}

/* ------------------------------------------------------ ListGroups */

typedef struct lg_block {
    const samsa_allocator *alloc;
    samsa_group_list l;
} lg_block;

/* Groups gathered from every broker before they are packed. */
typedef struct lg_call {
    const samsa_allocator *alloc;
    int32_t node;
    char **strs;            /* 4 strings per group */
    int32_t *coord;
    size_t n, cap;
} lg_call;

static int lg_encode(sp_writer *w, int16_t v, const void *arg)
{
    sp_list_groups_req req;

    (void)arg;
    memset(&req, 0, sizeof req);
    return sp_schema_encode(w, &sp_msg_list_groups_req, v, &req);
}

static char *dup_str(const samsa_allocator *a, sp_str s)
{
    size_t n = s.len > 0 ? (size_t)s.len : 0;
    char *d = sp_alloc(a, n + 1);

    if (d) {
        if (n)
            memcpy(d, s.ptr, n);
        d[n] = '\0';
    }
    return d;
}

static int lg_decode(void *arg, int16_t v, const uint8_t *body, size_t len,
                     char *errbuf, size_t errlen)
{
    lg_call *lc = arg;
    sp_list_groups_resp r;
    sp_arena arena;
    size_t i, k;
    int rc;

    (void)errbuf;
    (void)errlen;
    sp_arena_init(&arena, lc->alloc, GRP_ARENA_MAX);
    rc = sp_schema_decode(&sp_msg_list_groups_resp, v, &r, &arena, body, len);
    if (rc == 0)
        rc = r.error_code;
    for (i = 0; rc == 0 && i < count_of(r.groups.count); i++) {
        const sp_listed_group *g = &r.groups.items[i];
        if (lc->n == lc->cap) {
            size_t nc = lc->cap ? lc->cap * 2 : 16;
            char **ns;
            int32_t *nco;
            if (nc > GRP_MAX_LISTED) {
                rc = SAMSA_ERR_LIMIT;
                break;
            }
            ns = sp_realloc(lc->alloc, lc->strs, nc * 4 * sizeof *ns);
            if (!ns) {
                rc = SAMSA_ERR_NO_MEMORY;
                break;
            }
            lc->strs = ns;
            nco = sp_realloc(lc->alloc, lc->coord, nc * sizeof *nco);
            if (!nco) {
                rc = SAMSA_ERR_NO_MEMORY;
                break;
            }
            lc->coord = nco;
            lc->cap = nc;
        }
        lc->strs[lc->n * 4] = dup_str(lc->alloc, g->group_id);
        lc->strs[lc->n * 4 + 1] = dup_str(lc->alloc, g->protocol_type);
        lc->strs[lc->n * 4 + 2] = dup_str(lc->alloc, g->group_state);
        lc->strs[lc->n * 4 + 3] = dup_str(lc->alloc, g->group_type);
        lc->coord[lc->n] = lc->node;
        lc->n++;
        for (k = 0; k < 4; k++)
            if (!lc->strs[(lc->n - 1) * 4 + k])
                rc = SAMSA_ERR_NO_MEMORY;
    }
    sp_arena_free(&arena);
    return rc;
}

static int cmp_listing(const void *a, const void *b)
{
    return strcmp(((const samsa_group_listing *)a)->group_id,
                  ((const samsa_group_listing *)b)->group_id);
}

static void lg_clear(lg_call *lc)
{
    size_t i;

    for (i = 0; i < lc->n * 4; i++)
        sp_free(lc->alloc, lc->strs[i]);
    sp_free(lc->alloc, lc->strs);
    sp_free(lc->alloc, lc->coord);
}

int samsa_list_groups(samsa_client *c, samsa_group_list **out, int timeout_ms)
{
    static const char *const no_topics[1] = { NULL };
    samsa_metadata *md = NULL;
    lg_call lc;
    sc_areq req;
    lg_block *blk;
    samsa_group_listing *gs;
    sc_bump b;
    int64_t deadline;
    size_t i, k, need;
    int rc, first_err = 0;

    if (!c || !out)
        return SAMSA_ERR_INVALID_ARG;
    *out = NULL;
    deadline = sc_mono_ms() + (timeout_ms < 0 ? INT32_MAX / 2 : timeout_ms);
    rc = samsa_metadata_get(c, no_topics, 0, &md, timeout_ms);
    if (rc)
        return rc;
    memset(&lc, 0, sizeof lc);
    lc.alloc = c->alloc;
    memset(&req, 0, sizeof req);
    req.api_key = SP_LIST_GROUPS_KEY;
    req.max_version = -1;
    req.encode = lg_encode;
    req.encode_arg = &lc;
    req.decode = lg_decode;
    req.decode_arg = &lc;
    for (i = 0; i < md->nbrokers; i++) {
        size_t before = lc.n;
        lc.node = md->brokers[i].id;
        req.node_id = lc.node;
        rc = sc_areq_run(c, &req, left_ms(deadline));
        if (rc == SAMSA_ERR_NO_MEMORY || rc == SAMSA_ERR_LIMIT ||
            rc == SAMSA_ERR_REENTRANT) {
            samsa_metadata_free(md);
            lg_clear(&lc);
            return rc;
        }
        if (rc) {
            /* drop a partial answer from that broker; keep the others */
            for (k = before * 4; k < lc.n * 4; k++)
                sp_free(lc.alloc, lc.strs[k]);
            lc.n = before;
            if (!first_err)
                first_err = rc;
        }
    }
    samsa_metadata_free(md);
    if (first_err && lc.n == 0) {
        lg_clear(&lc);
        return first_err;
    }
    need = sizeof *blk + sc_bump_need(lc.n * sizeof *gs, _Alignof(samsa_group_listing));
    for (i = 0; i < lc.n * 4; i++)
        need += strlen(lc.strs[i]) + 1;
    blk = sp_alloc(c->alloc, need);
    if (!blk) {
        lg_clear(&lc);
        return SAMSA_ERR_NO_MEMORY;
    }
    memset(blk, 0, sizeof *blk);
    blk->alloc = c->alloc;
    b.p = (char *)(blk + 1);
    b.end = (char *)blk + need;
    gs = sc_bump_take(&b, lc.n * sizeof *gs, _Alignof(samsa_group_listing));
    for (i = 0; i < lc.n; i++) {
        const char **f[4] = { &gs[i].group_id, &gs[i].protocol_type,
                              &gs[i].state, &gs[i].type };
        for (k = 0; k < 4; k++) {
            size_t n = strlen(lc.strs[i * 4 + k]) + 1;
            char *q = sc_bump_take(&b, n, 1);
            memcpy(q, lc.strs[i * 4 + k], n);
            *f[k] = q;
        }
        gs[i].coordinator_id = lc.coord[i];
    }
    qsort(gs, lc.n, sizeof *gs, cmp_listing);
    blk->l.groups = gs;
    blk->l.ngroups = lc.n;
    blk->l.err = first_err;
    lg_clear(&lc);
    *out = &blk->l;
    return 0;
}

void samsa_group_list_free(samsa_group_list *l)
{
    lg_block *blk;

    if (!l)
        return;
    blk = (lg_block *)((char *)l - offsetof(lg_block, l));
    sp_free(blk->alloc, blk);
}
