/* client/metadata.c - see metadata.h. */
#include <string.h>

#include "metadata.h"
#include "alloc.h"
#include "samsa/error.h"

static char *dup_str(const samsa_allocator *a, const char *s, size_t n)
{
    char *d = sp_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static void free_brokers(const samsa_allocator *a, sc_broker *b, int32_t n)
{
    int32_t i;

    for (i = 0; b && i < n; i++) {
        sp_free(a, b[i].host);
        sp_free(a, b[i].rack);
    }
    sp_free(a, b);
}

static void free_parts(const samsa_allocator *a, sc_partition_md *p, int32_t n)
{
    int32_t i;

    for (i = 0; p && i < n; i++) {
        sp_free(a, p[i].replicas);
        sp_free(a, p[i].isr);
    }
    sp_free(a, p);
}

static void free_topic(const samsa_allocator *a, sc_topic_md *t)
{
    if (!t)
        return;
    free_parts(a, t->parts, t->npartitions);
    sp_free(a, t->available);
    sp_free(a, t->name);
    sp_free(a, t->detail);
    sp_free(a, t);
}

void sc_md_init(sc_metadata *md, const samsa_allocator *alloc)
{
    memset(md, 0, sizeof *md);
    md->alloc = alloc;
    md->controller_id = -1;
    sc_strmap_init(&md->topics, alloc);
}

void sc_md_free(sc_metadata *md)
{
    size_t pos = 0;
    sc_topic_md *t;

    while ((t = sc_strmap_next(&md->topics, &pos, NULL)))
        free_topic(md->alloc, t);
    sc_strmap_free(&md->topics);
    free_brokers(md->alloc, md->brokers, md->nbrokers);
    sp_free(md->alloc, md->cluster_id);
    md->brokers = NULL;
    md->nbrokers = 0;
    md->cluster_id = NULL;
}

int sc_md_set_brokers(sc_metadata *md, const sc_broker *brokers, int32_t n,
                      const char *cluster_id, int32_t controller_id)
{
    sc_broker *nb = n > 0 ? sp_calloc(md->alloc, (size_t)n, sizeof *nb) : NULL;
    char *cid = NULL;
    int32_t i;

    if (n > 0 && !nb)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < n; i++) {
        nb[i].id = brokers[i].id;
        nb[i].port = brokers[i].port;
        nb[i].host = dup_str(md->alloc, brokers[i].host, strlen(brokers[i].host));
        nb[i].rack = brokers[i].rack
                         ? dup_str(md->alloc, brokers[i].rack, strlen(brokers[i].rack))
                         : NULL;
        if (!nb[i].host || (brokers[i].rack && !nb[i].rack))
            goto oom;
    }
    if (cluster_id && !(cid = dup_str(md->alloc, cluster_id, strlen(cluster_id))))
        goto oom;
    free_brokers(md->alloc, md->brokers, md->nbrokers);
    sp_free(md->alloc, md->cluster_id);
    md->brokers = nb;
    md->nbrokers = n;
    md->cluster_id = cid;
    md->controller_id = controller_id;
    return 0;
oom:
    free_brokers(md->alloc, nb, n);
    return SAMSA_ERR_NO_MEMORY;
}

static int copy_ids(const samsa_allocator *a, int32_t **dst, const int32_t *src,
                    int32_t n)
{
    *dst = NULL;
    if (n <= 0)
        return 0;
    *dst = sp_alloc(a, (size_t)n * sizeof **dst);
    if (!*dst)
        return SAMSA_ERR_NO_MEMORY;
    memcpy(*dst, src, (size_t)n * sizeof **dst);
    return 0;
}

int sc_md_update_topic(sc_metadata *md, const char *name, size_t namelen,
                       const sp_uuid *id, int16_t err, bool internal,
                       const sc_partition_md *parts, int32_t nparts,
                       int64_t now_ms, unsigned *changed)
{
    sc_topic_md *old = sc_strmap_get(&md->topics, name, namelen), *t;
    sc_partition_md *np = NULL;
    uint8_t *avail = NULL;
    int32_t i;

    *changed = 0;
    if (nparts < 0)
        return SAMSA_ERR_INVALID_ARG;
    if (old) {
        sp_free(md->alloc, old->detail);
        old->detail = NULL;
    }
    if (err && old) {
        /* keep what we knew; callers retry on a topic-level error */
        old->err = err;
        old->updated_ms = now_ms;
        return 0;
    }
    if (nparts > 0) {
        np = sp_calloc(md->alloc, (size_t)nparts, sizeof *np);
        avail = sp_calloc(md->alloc, (size_t)nparts, 1);
        if (!np || !avail)
            goto oom;
        for (i = 0; i < nparts; i++)
            np[i].id = -1;
        for (i = 0; i < nparts; i++) {
            const sc_partition_md *in = &parts[i];
            sc_partition_md *out;
            if (in->id < 0 || in->id >= nparts || np[in->id].id != -1) {
                free_parts(md->alloc, np, nparts);
                sp_free(md->alloc, avail);
                return SAMSA_ERR_INVALID_ARG;
            }
            out = &np[in->id];
            *out = *in;
            out->replicas = out->isr = NULL;
            /* a lagging broker's older epoch must not move the leader back */
            if (old && in->id < old->npartitions) {
                const sc_partition_md *prev = &old->parts[in->id];
                if (in->leader_epoch >= 0 && prev->leader_epoch > in->leader_epoch) {
                    out->leader = prev->leader;
                    out->leader_epoch = prev->leader_epoch;
                } else if (prev->leader != out->leader) {
                    *changed |= SC_MD_LEADER_CHANGED;
                }
            }
            if (copy_ids(md->alloc, &out->replicas, in->replicas, in->nreplicas) ||
                copy_ids(md->alloc, &out->isr, in->isr, in->nisr))
                goto oom;
            avail[in->id] = out->leader >= 0;
        }
    }
    t = old;
    if (!t) {
        t = sp_calloc(md->alloc, 1, sizeof *t);
        if (!t || !(t->name = dup_str(md->alloc, name, namelen)) ||
            sc_strmap_put(&md->topics, name, namelen, t) != 0) {
            if (t)
                sp_free(md->alloc, t->name);
            sp_free(md->alloc, t);
            goto oom;
        }
        *changed |= SC_MD_NEW_TOPIC;
    } else {
        if (nparts > old->npartitions)
            *changed |= SC_MD_PARTITIONS_ADDED;
        free_parts(md->alloc, old->parts, old->npartitions);
        sp_free(md->alloc, old->available);
    }
    t->parts = np;
    t->available = avail;
    t->npartitions = nparts;
    if (id)
        t->id = *id;
    t->err = err;
    t->internal = internal;
    t->updated_ms = now_ms;
    return 0;
oom:
    free_parts(md->alloc, np, nparts);
    sp_free(md->alloc, avail);
    return SAMSA_ERR_NO_MEMORY;
}

void sc_md_remove_topic(sc_metadata *md, const char *name, size_t namelen)
{
    free_topic(md->alloc, sc_strmap_del(&md->topics, name, namelen));
}

int sc_md_set_topic_error(sc_metadata *md, const char *name, size_t namelen,
                          int16_t err, const char *detail)
{
    sc_topic_md *t = sc_strmap_get(&md->topics, name, namelen);
    char *d;

    if (!t || !err)
        return SAMSA_ERR_INVALID_ARG;
    d = dup_str(md->alloc, detail ? detail : "", detail ? strlen(detail) : 0);
    if (!d)
        return SAMSA_ERR_NO_MEMORY;
    sp_free(md->alloc, t->detail);
    t->detail = d;
    t->err = err;
    return 0;
}

const sc_topic_md *sc_md_topic(const sc_metadata *md, const char *name,
                               size_t namelen)
{
    return sc_strmap_get(&md->topics, name, namelen);
}

const sc_broker *sc_md_broker(const sc_metadata *md, int32_t id)
{
    int32_t i;

    for (i = 0; i < md->nbrokers; i++)
        if (md->brokers[i].id == id)
            return &md->brokers[i];
    return NULL;
}

bool sc_md_update_leader(sc_metadata *md, const char *name, size_t namelen,
                         int32_t partition, int32_t leader,
                         int32_t leader_epoch)
{
    sc_topic_md *t = sc_strmap_get(&md->topics, name, namelen);
    sc_partition_md *p;

    if (!t || partition < 0 || partition >= t->npartitions || leader < 0 ||
        leader_epoch < 0 || !sc_md_broker(md, leader))
        return false;
    p = &t->parts[partition];
    if (leader_epoch < p->leader_epoch ||
        (leader_epoch == p->leader_epoch && leader == p->leader))
        return false;
    p->leader_epoch = leader_epoch;
    if (p->leader == leader)
        return false;
    p->leader = leader;
    if (t->available)
        t->available[partition] = 1;
    return true;
}
