/* client/assignor.c - see assignor.h and assignor_internal.h. */
#include <string.h>

#include "assignor_internal.h"
#include "alloc.h"
#include "samsa/error.h"

/* ---------------------------------------------------------------- strings */

/* Next UTF-16 ordering key of a UTF-8 string: BMP below the surrogates as
 * is, supplementary characters as their (ordered) surrogate pairs, and
 * U+E000..U+FFFF above all of those. Invalid bytes read as U+FFFD, as the
 * Java client's UTF-8 decoding does. */
static uint32_t utf16_key(const unsigned char *s, size_t n, size_t *i)
{
    uint32_t c = s[*i], cp, min;
    size_t need, k;

    if (c < 0x80) {
        (*i)++;
        return c;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1, cp = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2, cp = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3, cp = c & 0x07, min = 0x10000;
    } else {
        (*i)++;
        return 0xfffd + 0x110000;
    }
    if (n - *i - 1 < need) {
        (*i)++;
        return 0xfffd + 0x110000;
    }
    for (k = 1; k <= need; k++) {
        uint32_t cc = s[*i + k];
        if ((cc & 0xc0) != 0x80) {
            (*i)++;
            return 0xfffd + 0x110000;
        }
        cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        (*i)++;
        return 0xfffd + 0x110000;
    }
    *i += need + 1;
    if (cp < 0xd800)
        return cp;
    if (cp >= 0x10000)
        return 0xd800 + (cp - 0x10000);
    return cp + 0x110000;
}

int sc_java_strcmp(sp_str a, sp_str b)
{
    const unsigned char *x = (const unsigned char *)a.ptr;
    const unsigned char *y = (const unsigned char *)b.ptr;
    size_t n = a.len > 0 ? (size_t)a.len : 0, m = b.len > 0 ? (size_t)b.len : 0;
    size_t i = 0, j = 0, k;
    int r;

    while (i < n && j < m) {
        uint32_t kx, ky;
        if (x[i] < 0x80 && y[j] < 0x80) { /* ASCII: keys are the bytes */
            if (x[i] != y[j])
                return x[i] < y[j] ? -1 : 1;
            i++, j++;
            continue;
        }
        kx = utf16_key(x, n, &i);
        ky = utf16_key(y, m, &j);
        if (kx != ky)
            return kx < ky ? -1 : 1;
    }
    if (i < n || j < m)
        return i < n ? 1 : -1;
    /* equal to Java (only possible with invalid UTF-8): order by bytes */
    k = n < m ? n : m;
    r = k ? memcmp(x, y, k) : 0;
    if (r)
        return r < 0 ? -1 : 1;
    return n < m ? -1 : n > m;
}

/* ---------------------------------------------------------------- sorting */

static void sift(uint32_t *a, size_t root, size_t n,
                 int (*cmp)(const void *, uint32_t, uint32_t), const void *ctx)
{
    for (;;) {
        size_t child = 2 * root + 1;
        uint32_t t;
        if (child >= n)
            return;
        if (child + 1 < n && cmp(ctx, a[child], a[child + 1]) < 0)
            child++;
        if (cmp(ctx, a[root], a[child]) >= 0)
            return;
        t = a[root], a[root] = a[child], a[child] = t;
        root = child;
    }
}

void sa_sort(uint32_t *a, size_t n,
             int (*cmp)(const void *ctx, uint32_t a, uint32_t b), const void *ctx)
{
    size_t i;

    if (n < 2)
        return;
    for (i = n / 2; i-- > 0;)
        sift(a, i, n, cmp, ctx);
    for (i = n - 1; i > 0; i--) {
        uint32_t t = a[0];
        a[0] = a[i], a[i] = t;
        sift(a, 0, i, cmp, ctx);
    }
}

static int cmp_u32(const void *ctx, uint32_t a, uint32_t b)
{
    (void)ctx;
    return a < b ? -1 : a > b;
}

/* Java's ConsumerProtocol MemberInfo order: static members first by
 * instance id, then dynamic ones by member id. */
static int cmp_member(const void *ctx, uint32_t a, uint32_t b)
{
    const sc_assign_member *m = ctx;
    const sc_assign_member *x = &m[a], *y = &m[b];
    bool sx = x->group_instance_id.len >= 0, sy = y->group_instance_id.len >= 0;
    int r;

    if (sx && sy) {
        r = sc_java_strcmp(x->group_instance_id, y->group_instance_id);
        if (r)
            return r;
    } else if (sx != sy) {
        return sx ? -1 : 1;
    }
    return sc_java_strcmp(x->member_id, y->member_id);
}

static int cmp_member_id(const void *ctx, uint32_t a, uint32_t b)
{
    const sc_assign_member *m = ctx;
    return sc_java_strcmp(m[a].member_id, m[b].member_id);
}

static int cmp_topic(const void *ctx, uint32_t a, uint32_t b)
{
    const sc_assign_topic *t = ctx;
    return sc_java_strcmp(t[a].name, t[b].name);
}

/* ---------------------------------------------------------------- context */

static void ctx_free(sa_ctx *c)
{
    sp_free(c->alloc, c->mord);
    sp_free(c->alloc, c->tord);
    sp_free(c->alloc, c->tbase);
    sp_free(c->alloc, c->sub_off);
    sp_free(c->alloc, c->sub);
    sp_free(c->alloc, c->tsub_off);
    sp_free(c->alloc, c->tsub);
    sp_free(c->alloc, c->thash);
    memset(c, 0, sizeof *c);
}

static uint32_t name_hash(sp_str s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    int32_t i;

    for (i = 0; i < s.len; i++) {
        h ^= (uint8_t)s.ptr[i];
        h *= 16777619u;
    }
    return h;
}

bool sa_topic_rank(const sa_ctx *c, sp_str name, uint32_t *rank)
{
    uint32_t h;

    if (name.len < 0 || !c->thash)
        return false;
    /* names are equal only when their bytes are (sc_java_strcmp agrees) */
    for (h = name_hash(name) & c->hmask; c->thash[h]; h = (h + 1) & c->hmask) {
        sp_str t = c->in->topics[c->tord[c->thash[h] - 1]].name;
        if (t.len == name.len && (name.len == 0 || memcmp(t.ptr, name.ptr, (size_t)name.len) == 0)) {
            *rank = c->thash[h] - 1;
            return true;
        }
    }
    return false;
}

bool sa_subscribed(const sa_ctx *c, uint32_t m, uint32_t t)
{
    uint32_t lo = c->sub_off[m], hi = c->sub_off[m + 1];

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->sub[mid] == t)
            return true;
        if (c->sub[mid] < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static int check_input(const sc_assign_input *in)
{
    size_t i;

    if (!in || (in->nmembers && !in->members) || (in->ntopics && !in->topics))
        return SAMSA_ERR_INVALID_ARG;
    if (in->nmembers > SC_ASSIGN_MAX_MEMBERS || in->ntopics > SC_ASSIGN_MAX_TOPICS)
        return SAMSA_ERR_LIMIT;
    for (i = 0; i < in->nmembers; i++) {
        const sc_assign_member *m = &in->members[i];
        if (m->member_id.len < 0 || (m->member_id.len && !m->member_id.ptr))
            return SAMSA_ERR_INVALID_ARG;
        if (m->group_instance_id.len > 0 && !m->group_instance_id.ptr)
            return SAMSA_ERR_INVALID_ARG;
        if ((m->ntopics && !m->topics) || (m->nowned && !m->owned))
            return SAMSA_ERR_INVALID_ARG;
        if (m->ntopics > SC_ASSIGN_MAX_LIST || m->nowned > SC_ASSIGN_MAX_LIST)
            return SAMSA_ERR_LIMIT;
    }
    for (i = 0; i < in->ntopics; i++) {
        const sp_str *n = &in->topics[i].name;
        if (n->len < 0 || (n->len && !n->ptr) || in->topics[i].partitions < 0)
            return SAMSA_ERR_INVALID_ARG;
    }
    return 0;
}

static int ctx_init(sa_ctx *c, const samsa_allocator *alloc, const sc_assign_input *in)
{
    const samsa_allocator *a = alloc;
    uint32_t i, t, nm, nt, *stamp;
    uint64_t total = 0, nsub = 0;
    int err;

    memset(c, 0, sizeof *c);
    c->alloc = alloc;
    c->in = in;
    if ((err = check_input(in)) != 0)
        return err;
    nm = c->nm = (uint32_t)in->nmembers;
    nt = c->nt = (uint32_t)in->ntopics;
    for (i = 0; i < nt; i++)
        total += (uint64_t)in->topics[i].partitions;
    if (total > SC_ASSIGN_MAX_PARTITIONS)
        return SAMSA_ERR_LIMIT;
    c->np = (uint32_t)total;

    c->mord = sp_calloc(a, nm + 1, sizeof *c->mord);
    c->tord = sp_calloc(a, nt + 1, sizeof *c->tord);
    c->tbase = sp_calloc(a, nt + 1, sizeof *c->tbase);
    c->sub_off = sp_calloc(a, nm + 1, sizeof *c->sub_off);
    c->tsub_off = sp_calloc(a, nt + 2, sizeof *c->tsub_off);
    if (!c->mord || !c->tord || !c->tbase || !c->sub_off || !c->tsub_off)
        return SAMSA_ERR_NO_MEMORY;

    /* members: unique ids, then Java order */
    for (i = 0; i < nm; i++)
        c->mord[i] = i;
    sa_sort(c->mord, nm, cmp_member_id, in->members);
    for (i = 1; i < nm; i++)
        if (cmp_member_id(in->members, c->mord[i - 1], c->mord[i]) == 0)
            return SAMSA_ERR_INVALID_ARG;
    sa_sort(c->mord, nm, cmp_member, in->members);

    /* topics: unique names in order, partitions numbered in that order */
    for (i = 0; i < nt; i++)
        c->tord[i] = i;
    sa_sort(c->tord, nt, cmp_topic, in->topics);
    for (i = 1; i < nt; i++)
        if (cmp_topic(in->topics, c->tord[i - 1], c->tord[i]) == 0)
            return SAMSA_ERR_INVALID_ARG;
    for (t = 0; t < nt; t++)
        c->tbase[t + 1] = c->tbase[t] + (uint32_t)in->topics[c->tord[t]].partitions;
    for (c->hmask = 15; c->hmask < 2 * nt; c->hmask = c->hmask * 2 + 1)
        ;
    c->thash = sp_calloc(a, (size_t)c->hmask + 1, sizeof *c->thash);
    if (!c->thash)
        return SAMSA_ERR_NO_MEMORY;
    for (t = 0; t < nt; t++) {
        uint32_t h = name_hash(in->topics[c->tord[t]].name) & c->hmask;
        while (c->thash[h])
            h = (h + 1) & c->hmask;
        c->thash[h] = t + 1;
    }

    /* subscriptions: known topics only, as sorted unique topic ranks */
    for (i = 0; i < nm; i++)
        nsub += in->members[c->mord[i]].ntopics;
    if (nsub > UINT32_MAX / 2)
        return SAMSA_ERR_LIMIT;
    c->sub = sp_calloc(a, (size_t)nsub + 1, sizeof *c->sub);
    if (!c->sub)
        return SAMSA_ERR_NO_MEMORY;
    stamp = sp_calloc(a, nt + 1, sizeof *stamp);
    if (!stamp)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < nm; i++) {
        const sc_assign_member *m = &in->members[c->mord[i]];
        uint32_t start = c->sub_off[i], n = start, k;
        size_t j;
        for (j = 0; j < m->ntopics; j++)
            if (sa_topic_rank(c, m->topics[j], &t) && stamp[t] != i + 1) {
                stamp[t] = i + 1; /* once per member */
                c->sub[n++] = t;
            }
        k = n - start;
        if ((uint64_t)k * 16 > nt) /* many: reading the marks in order is cheaper */
            for (t = 0, n = start; t < nt; t++) {
                if (stamp[t] == i + 1)
                    c->sub[n++] = t;
            }
        else
            sa_sort(c->sub + start, k, cmp_u32, NULL);
        c->sub_off[i + 1] = n;
    }
    sp_free(a, stamp);

    /* and the reverse: members per topic, ascending rank */
    for (i = 0; i < c->sub_off[nm]; i++)
        c->tsub_off[c->sub[i] + 2]++;
    for (t = 0; t < nt; t++)
        c->tsub_off[t + 2] += c->tsub_off[t + 1];
    c->tsub = sp_calloc(a, (size_t)c->sub_off[nm] + 1, sizeof *c->tsub);
    if (!c->tsub)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < nm; i++)
        for (t = c->sub_off[i]; t < c->sub_off[i + 1]; t++)
            c->tsub[c->tsub_off[c->sub[t] + 1]++] = i;
    return 0;
}

/* ---------------------------------------------------------------- result */

void sc_assign_result_free(sc_assign_result *r)
{
    if (!r)
        return;
    sp_free(r->alloc, r->shares);
    sp_free(r->alloc, r->storage);
    memset(r, 0, sizeof *r);
}

static int build_result(const sa_ctx *c, const int32_t *owner, size_t withheld,
                        sc_assign_result *out)
{
    uint32_t *cur, gp, t, i, total = 0;

    cur = sp_calloc(c->alloc, c->nm + 1, sizeof *cur);
    out->shares = sp_calloc(c->alloc, c->nm + 1, sizeof *out->shares);
    if (!cur || !out->shares) {
        sp_free(c->alloc, cur);
        return SAMSA_ERR_NO_MEMORY;
    }
    out->nmembers = c->nm;
    for (gp = 0; gp < c->np; gp++)
        if (owner[gp] >= 0) {
            cur[owner[gp]]++;
            total++;
        }
    if (total) {
        out->storage = sp_calloc(c->alloc, total, sizeof *out->storage);
        if (!out->storage) {
            sp_free(c->alloc, cur);
            return SAMSA_ERR_NO_MEMORY;
        }
    }
    /* counts -> start offsets, shares in input order */
    for (i = 0, total = 0; i < c->nm; i++) {
        uint32_t n = cur[i];
        out->shares[c->mord[i]].parts = n ? out->storage + total : NULL;
        out->shares[c->mord[i]].nparts = n;
        cur[i] = total;
        total += n;
    }
    for (t = 0; t < c->nt; t++) {
        sp_str name = c->in->topics[c->tord[t]].name;
        for (gp = c->tbase[t]; gp < c->tbase[t + 1]; gp++) {
            sc_assign_tp *tp;
            if (owner[gp] < 0)
                continue;
            tp = &out->storage[cur[owner[gp]]++];
            tp->topic = name;
            tp->partition = (int32_t)(gp - c->tbase[t]);
        }
    }
    out->assigned = total;
    out->withheld = withheld;
    sp_free(c->alloc, cur);
    return 0;
}

int sa_run(const samsa_allocator *alloc, const sc_assign_input *in,
           sc_assign_result *out, sa_plan_fn plan)
{
    sa_ctx c;
    int32_t *owner = NULL;
    size_t withheld = 0;
    uint32_t gp;
    int err;

    if (!out)
        return SAMSA_ERR_INVALID_ARG;
    memset(out, 0, sizeof *out);
    out->alloc = alloc;
    err = ctx_init(&c, alloc, in);
    if (!err) {
        owner = sp_calloc(alloc, (size_t)c.np + 1, sizeof *owner);
        if (!owner)
            err = SAMSA_ERR_NO_MEMORY;
    }
    if (!err) {
        for (gp = 0; gp < c.np; gp++)
            owner[gp] = -1;
        err = plan(&c, owner, &withheld);
    }
    if (!err)
        err = build_result(&c, owner, withheld, out);
    sp_free(alloc, owner);
    ctx_free(&c);
    if (err)
        sc_assign_result_free(out);
    out->alloc = alloc;
    return err;
}

/* ---------------------------------------------------------------- lookup */

static const sc_assignor assignors[] = {
    { "range", "org.apache.kafka.clients.consumer.RangeAssignor",
      SC_REBALANCE_EAGER, sc_assign_range },
    { "roundrobin", "org.apache.kafka.clients.consumer.RoundRobinAssignor",
      SC_REBALANCE_EAGER, sc_assign_roundrobin },
    { "sticky", "org.apache.kafka.clients.consumer.StickyAssignor",
      SC_REBALANCE_EAGER, sc_assign_sticky },
    { "cooperative-sticky", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
      SC_REBALANCE_COOPERATIVE | SC_REBALANCE_EAGER, sc_assign_cooperative_sticky },
};

static bool name_is(const char *s, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(s, name, len) == 0;
}

const sc_assignor *sc_assignor_find(const char *name, size_t len)
{
    size_t i;

    if (!name)
        return NULL;
    for (i = 0; i < sizeof assignors / sizeof assignors[0]; i++)
        if (name_is(name, len, assignors[i].name) ||
            name_is(name, len, assignors[i].java_class))
            return &assignors[i];
    return NULL;
}

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

int sc_assignor_parse_list(const char *list, const sc_assignor **out, size_t max,
                           size_t *n, const char **bad, size_t *badlen)
{
    const char *p = list;

    *n = 0;
    if (bad)
        *bad = NULL;
    if (badlen)
        *badlen = 0;
    if (!list)
        return SAMSA_ERR_INVALID_ARG;
    while (*p) {
        const char *s, *e;
        const sc_assignor *as;
        size_t k;
        bool dup = false;

        while (*p && (blank(*p) || *p == ','))
            p++;
        if (!*p)
            break;
        s = p;
        while (*p && *p != ',')
            p++;
        e = p;
        while (e > s && blank(e[-1]))
            e--;
        as = sc_assignor_find(s, (size_t)(e - s));
        if (!as) {
            if (bad)
                *bad = s;
            if (badlen)
                *badlen = (size_t)(e - s);
            return SAMSA_ERR_NOT_FOUND;
        }
        for (k = 0; k < *n; k++)
            dup |= out[k] == as;
        if (dup)
            continue;
        if (*n == max)
            return SAMSA_ERR_LIMIT;
        out[(*n)++] = as;
    }
    return *n ? 0 : SAMSA_ERR_INVALID_ARG;
}
