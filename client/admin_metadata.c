/* client/admin_metadata.c - samsa_metadata_get(); see samsa/describe.h.
 *
 * One Metadata request (all topics, or the named ones, never creating
 * them) to any ready broker; the decoded response is copied into one
 * block sized from the response itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_req.h"
#include "samsa/describe.h"
#include "alloc.h"
#include "arena.h"
#include "msg_metadata.h"
#include "schema.h"

#define MD_ARENA_MAX (64u << 20)
#define MD_MAX_TOPICS_IN 100000

typedef struct md_block {
    const samsa_allocator *alloc;
    samsa_metadata md;
} md_block;

typedef struct md_call {
    const samsa_allocator *alloc;
    const char *const *topics;
    size_t ntopics;
    md_block *out;
} md_call;

static int md_encode(sp_writer *w, int16_t v, const void *arg)
{
    const md_call *mc = arg;
    sp_metadata_req req;
    sp_metadata_req_topic *ts = NULL;
    size_t i;
    int rc;

    memset(&req, 0, sizeof req);
    req.allow_auto_topic_creation = false;
    if (!mc->topics) {
        req.topics.count = -1;
    } else {
        if (mc->ntopics) {
            ts = sp_calloc(mc->alloc, mc->ntopics, sizeof *ts);
            if (!ts)
                return SAMSA_ERR_NO_MEMORY;
        }
        for (i = 0; i < mc->ntopics; i++)
            ts[i].name = sp_str_of(mc->topics[i]);
        req.topics.count = (int32_t)mc->ntopics;
        req.topics.items = ts;
    }
    rc = sp_schema_encode(w, &sp_msg_metadata_req, v, &req);
    sp_free(mc->alloc, ts);
    return rc;
}

static int cmp_broker(const void *a, const void *b)
{
    int32_t x = ((const samsa_broker_info *)a)->id;
    int32_t y = ((const samsa_broker_info *)b)->id;
    return (x > y) - (x < y);
}

static int cmp_topic(const void *a, const void *b)
{
    return strcmp(((const samsa_topic_metadata *)a)->name,
                  ((const samsa_topic_metadata *)b)->name);
}

static int cmp_part(const void *a, const void *b)
{
    int32_t x = ((const samsa_partition_metadata *)a)->id;
    int32_t y = ((const samsa_partition_metadata *)b)->id;
    return (x > y) - (x < y);
}

static size_t count_of(int32_t n)
{
    return n > 0 ? (size_t)n : 0;
}

static const int32_t *copy_ids(sc_bump *b, const int32_t *src, int32_t n)
{
    size_t k = count_of(n);
    int32_t *d = sc_bump_take(b, k * sizeof *d, _Alignof(int32_t));

    if (k)
        memcpy(d, src, k * sizeof *d);
    return d;
}

static size_t block_size(const sp_metadata_resp *r)
{
    size_t need = sizeof(md_block), t, p;

    need += sc_str_need(r->cluster_id);
    need += sc_bump_need(count_of(r->brokers.count) * sizeof(samsa_broker_info),
                         _Alignof(samsa_broker_info));
    need += sc_bump_need(count_of(r->topics.count) * sizeof(samsa_topic_metadata),
                         _Alignof(samsa_topic_metadata));
    for (t = 0; t < count_of(r->topics.count); t++) {
        const sp_metadata_resp_topic *tp = &r->topics.items[t];
        need += sc_str_need(tp->name);
        need += sc_bump_need(count_of(tp->partitions.count) *
                             sizeof(samsa_partition_metadata),
                             _Alignof(samsa_partition_metadata));
        for (p = 0; p < count_of(tp->partitions.count); p++) {
            const sp_metadata_resp_partition *pp = &tp->partitions.items[p];
            need += sc_bump_need(count_of(pp->replica_nodes.count) * 4, 4);
            need += sc_bump_need(count_of(pp->isr_nodes.count) * 4, 4);
            need += sc_bump_need(count_of(pp->offline_replicas.count) * 4, 4);
        }
    }
    return need;
}

static int md_decode(void *arg, int16_t v, const uint8_t *body, size_t len,
                     char *errbuf, size_t errlen)
{
    md_call *mc = arg;
    sp_metadata_resp r;
    sp_arena arena;
    md_block *blk;
    samsa_metadata *md;
    samsa_broker_info *bs;
    samsa_topic_metadata *ts;
    sc_bump b;
    size_t i, j, need, nt = 0;
    int rc;

    sp_arena_init(&arena, mc->alloc, MD_ARENA_MAX);
    rc = sp_schema_decode(&sp_msg_metadata_resp, v, &r, &arena, body, len);
    if (rc) {
        snprintf(errbuf, errlen, "malformed Metadata response");
        sp_arena_free(&arena);
        return rc;
    }
    if (r.error_code) {
        sp_arena_free(&arena);
        return r.error_code;
    }
    need = block_size(&r);
    blk = sp_alloc(mc->alloc, need);
    if (!blk) {
        sp_arena_free(&arena);
        return SAMSA_ERR_NO_MEMORY;
    }
    memset(blk, 0, sizeof *blk);
    blk->alloc = mc->alloc;
    md = &blk->md;
    b.p = (char *)(blk + 1);
    b.end = (char *)blk + need;
    md->cluster_id = sc_bump_str(&b, r.cluster_id, 0);
    md->controller_id = r.controller_id;
    md->nbrokers = count_of(r.brokers.count);
    bs = sc_bump_take(&b, md->nbrokers * sizeof *bs, _Alignof(samsa_broker_info));
    for (i = 0; i < md->nbrokers; i++) {
        const sp_metadata_resp_broker *rb = &r.brokers.items[i];
        bs[i].id = rb->node_id;
        bs[i].port = rb->port;
        sc_copy_fixed(bs[i].host, sizeof bs[i].host, rb->host);
        sc_copy_fixed(bs[i].rack, sizeof bs[i].rack, rb->rack);
    }
    qsort(bs, md->nbrokers, sizeof *bs, cmp_broker);
    md->brokers = bs;
    ts = sc_bump_take(&b, count_of(r.topics.count) * sizeof *ts,
                      _Alignof(samsa_topic_metadata));
    for (i = 0; i < count_of(r.topics.count); i++) {
        const sp_metadata_resp_topic *rt = &r.topics.items[i];
        samsa_topic_metadata *t;
        samsa_partition_metadata *ps;
        if (rt->name.len < 0)
            continue; /* named by an id we did not ask for */
        t = &ts[nt++];
        t->name = sc_bump_str(&b, rt->name, 0);
        t->err = rt->error_code;
        t->internal = rt->is_internal;
        t->npartitions = count_of(rt->partitions.count);
        ps = sc_bump_take(&b, t->npartitions * sizeof *ps,
                          _Alignof(samsa_partition_metadata));
        for (j = 0; j < t->npartitions; j++) {
            const sp_metadata_resp_partition *rp = &rt->partitions.items[j];
            ps[j].id = rp->partition_index;
            ps[j].err = rp->error_code;
            ps[j].leader = rp->leader_id;
            ps[j].leader_epoch = rp->leader_epoch;
            ps[j].nreplicas = count_of(rp->replica_nodes.count);
            ps[j].replicas = copy_ids(&b, rp->replica_nodes.items,
                                      rp->replica_nodes.count);
            ps[j].nisr = count_of(rp->isr_nodes.count);
            ps[j].isr = copy_ids(&b, rp->isr_nodes.items, rp->isr_nodes.count);
            ps[j].noffline = count_of(rp->offline_replicas.count);
            ps[j].offline = copy_ids(&b, rp->offline_replicas.items,
                                     rp->offline_replicas.count);
        }
        qsort(ps, t->npartitions, sizeof *ps, cmp_part);
        t->partitions = ps;
    }
    qsort(ts, nt, sizeof *ts, cmp_topic);
    md->ntopics = nt;
    md->topics = ts;
    sp_arena_free(&arena);
    mc->out = blk;
    return 0;
}

int samsa_metadata_get(samsa_client *c, const char *const *topics,
                       size_t ntopics, samsa_metadata **out, int timeout_ms)
{
    md_call mc;
    sc_areq req;
    size_t i;
    int rc;

    if (!c || !out || (ntopics && !topics) || ntopics > MD_MAX_TOPICS_IN)
        return SAMSA_ERR_INVALID_ARG;
    for (i = 0; i < ntopics; i++)
        if (!topics[i] || !*topics[i])
            return SAMSA_ERR_INVALID_ARG;
    *out = NULL;
    memset(&mc, 0, sizeof mc);
    mc.alloc = c->alloc;
    mc.topics = topics;
    mc.ntopics = ntopics;
    memset(&req, 0, sizeof req);
    req.api_key = SP_METADATA_KEY;
    req.max_version = -1;
    req.node_id = SC_AREQ_ANY;
    req.encode = md_encode;
    req.encode_arg = &mc;
    req.decode = md_decode;
    req.decode_arg = &mc;
    rc = sc_areq_run(c, &req, timeout_ms);
    if (rc == 0)
        *out = &mc.out->md;
    return rc;
}

void samsa_metadata_free(samsa_metadata *md)
{
    md_block *blk;

    if (!md)
        return;
    blk = (md_block *)((char *)md - offsetof(md_block, md));
    sp_free(blk->alloc, blk);
}
