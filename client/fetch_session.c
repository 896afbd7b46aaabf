/* client/fetch_session.c - KIP-227 fetch sessions; see fetch_session.h. */
#include "fetch_session.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "samsa/error.h"

void sc_fs_init(sc_fetch_session *fs, const samsa_allocator *alloc)
{
    memset(fs, 0, sizeof *fs);
    fs->alloc = alloc;
}

static void free_parts(const samsa_allocator *a, sc_fs_part *parts, int32_t n)
{
    int32_t i;

    for (i = 0; i < n; i++)
        sp_free(a, (char *)parts[i].topic);
    sp_free(a, parts);
}

void sc_fs_free(sc_fetch_session *fs)
{
    free_parts(fs->alloc, fs->parts, fs->nparts);
    sp_free(fs->alloc, fs->want);
    memset(fs, 0, sizeof *fs);
}

void sc_fs_begin(sc_fetch_session *fs)
{
    fs->nwant = 0;
}

int sc_fs_want(sc_fetch_session *fs, const sc_fs_part *p)
{
    if (!p || !p->topic)
        return SAMSA_ERR_INVALID_ARG;
    if (fs->nwant == fs->capwant) {
        int32_t cap = fs->capwant ? fs->capwant * 2 : 16;
        sc_fs_part *n;

        if (cap > SP_SCHEMA_MAX_COUNT)
            return SAMSA_ERR_LIMIT;
        n = sp_realloc(fs->alloc, fs->want, (size_t)cap * sizeof *n);
        if (!n)
            return SAMSA_ERR_NO_MEMORY;
        fs->want = n;
        fs->capwant = cap;
    }
    fs->want[fs->nwant++] = *p;
    return 0;
}

static int part_cmp(const sc_fs_part *a, const sc_fs_part *b)
{
    int c = strcmp(a->topic, b->topic);

    if (c)
        return c;
    return (a->partition > b->partition) - (a->partition < b->partition);
}

static int part_qcmp(const void *a, const void *b)
{
    return part_cmp(a, b);
}

static bool uuid_zero(const sp_uuid *u)
{
    static const sp_uuid zero;
    return memcmp(u, &zero, sizeof zero) == 0;
}

static bool uuid_eq(const sp_uuid *a, const sp_uuid *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static bool same_params(const sc_fs_part *a, const sc_fs_part *b)
{
    return a->fetch_offset == b->fetch_offset &&
           a->log_start_offset == b->log_start_offset &&
           a->current_leader_epoch == b->current_leader_epoch &&
           a->last_fetched_epoch == b->last_fetched_epoch &&
           a->max_bytes == b->max_bytes;
}

static char *arena_str(sp_arena *arena, const char *s, int32_t *len)
{
    size_t n = strlen(s);
    char *d;

    if (n > INT16_MAX) /* Kafka strings are at most 32767 bytes */
        return NULL;
    d = sp_arena_alloc(arena, n + 1);
    if (d)
        memcpy(d, s, n + 1);
    *len = (int32_t)n;
    return d;
}

/* Group parts (sorted by topic; by id too when ids) into request topics. */
static int fill_topics(sp_fetch_req *req, sp_arena *arena,
                       const sc_fs_part *const *list, int32_t n)
{
    int32_t i, t = 0, ntopics = 0;
    sp_fetch_req_topic *topics;

    for (i = 0; i < n; i++)
        if (i == 0 || strcmp(list[i]->topic, list[i - 1]->topic) != 0 ||
            !uuid_eq(&list[i]->topic_id, &list[i - 1]->topic_id))
            ntopics++;
    req->topics.count = ntopics;
    req->topics.items = NULL;
    if (ntopics == 0)
        return 0;
    topics = sp_arena_array(arena, (size_t)ntopics, sizeof *topics);
    if (!topics)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < n; t++) {
        int32_t j = i, k;
        sp_fetch_req_topic *tp = &topics[t];

        while (j < n && strcmp(list[j]->topic, list[i]->topic) == 0 &&
               uuid_eq(&list[j]->topic_id, &list[i]->topic_id))
            j++;
        tp->topic.ptr = arena_str(arena, list[i]->topic, &tp->topic.len);
        tp->topic_id = list[i]->topic_id;
        tp->partitions.count = j - i;
        tp->partitions.items = sp_arena_array(arena, (size_t)(j - i),
                                              sizeof *tp->partitions.items);
        if (!tp->topic.ptr || !tp->partitions.items)
            return SAMSA_ERR_NO_MEMORY;
        for (k = i; k < j; k++) {
            sp_fetch_req_partition *rp = &tp->partitions.items[k - i];
            const sc_fs_part *p = list[k];

            rp->partition = p->partition;
            rp->current_leader_epoch = p->current_leader_epoch;
            rp->fetch_offset = p->fetch_offset;
            rp->last_fetched_epoch = p->last_fetched_epoch;
            rp->log_start_offset = p->log_start_offset;
            rp->partition_max_bytes = p->max_bytes;
            rp->high_watermark = INT64_MAX; /* schema default: not sent */
        }
        i = j;
    }
    req->topics.items = topics;
    return 0;
}

static int fill_forgotten(sp_fetch_req *req, sp_arena *arena,
                          const sc_fs_part *const *list, int32_t n)
{
    int32_t i, t = 0, ntopics = 0;
    sp_fetch_forgotten_topic *topics;

    for (i = 0; i < n; i++)
        if (i == 0 || strcmp(list[i]->topic, list[i - 1]->topic) != 0 ||
            !uuid_eq(&list[i]->topic_id, &list[i - 1]->topic_id))
            ntopics++;
    req->forgotten_topics_data.count = ntopics;
    req->forgotten_topics_data.items = NULL;
    if (ntopics == 0)
        return 0;
    topics = sp_arena_array(arena, (size_t)ntopics, sizeof *topics);
    if (!topics)
        return SAMSA_ERR_NO_MEMORY;
    for (i = 0; i < n; t++) {
        int32_t j = i, k;
        sp_fetch_forgotten_topic *ft = &topics[t];

        while (j < n && strcmp(list[j]->topic, list[i]->topic) == 0 &&
               uuid_eq(&list[j]->topic_id, &list[i]->topic_id))
            j++;
        ft->topic.ptr = arena_str(arena, list[i]->topic, &ft->topic.len);
        ft->topic_id = list[i]->topic_id;
        ft->partitions.count = j - i;
        ft->partitions.items = sp_arena_array(arena, (size_t)(j - i),
                                              sizeof(int32_t));
        if (!ft->topic.ptr || !ft->partitions.items)
            return SAMSA_ERR_NO_MEMORY;
        for (k = i; k < j; k++)
            ft->partitions.items[k - i] = list[k]->partition;
        i = j;
    }
    req->forgotten_topics_data.items = topics;
    return 0;
}

/* Pointer order for the forgotten list: by topic, id, partition. */
static int ptr_cmp(const void *a, const void *b)
{
    const sc_fs_part *pa = *(const sc_fs_part *const *)a;
    const sc_fs_part *pb = *(const sc_fs_part *const *)b;
    int c = strcmp(pa->topic, pb->topic);

    if (c)
        return c;
    c = memcmp(&pa->topic_id, &pb->topic_id, sizeof pa->topic_id);
    if (c)
        return c;
    return (pa->partition > pb->partition) - (pa->partition < pb->partition);
}

int sc_fs_build(sc_fetch_session *fs, int16_t version, sp_fetch_req *req,
                sp_arena *arena)
{
    const bool ids = version >= 13;
    const bool sessions = version >= 7;
    const sc_fs_part **send = NULL, **forget = NULL;
    int32_t nsend = 0, nforget = 0, i, j, ncopied = 0;
    int32_t *match = NULL; /* want i -> session index, or -1 */
    sc_fs_part *np = NULL;
    bool full;
    int rc = SAMSA_ERR_NO_MEMORY;

    if (fs->in_flight)
        return SAMSA_ERR_STATE;
    if (fs->nwant > 1)
        qsort(fs->want, (size_t)fs->nwant, sizeof *fs->want, part_qcmp);
    for (i = 0; i < fs->nwant; i++) {
        if (i > 0 && part_cmp(&fs->want[i - 1], &fs->want[i]) == 0)
            return SAMSA_ERR_INVALID_ARG;
        if (ids && uuid_zero(&fs->want[i].topic_id))
            return SAMSA_ERR_INVALID_ARG;
    }
    full = !sessions || fs->epoch <= 0 || fs->uses_ids != ids;

    /* everything that can fail is allocated before the session changes */
    if (fs->nwant) {
        np = sp_calloc(fs->alloc, (size_t)fs->nwant, sizeof *np);
        match = sp_alloc(fs->alloc, (size_t)fs->nwant * sizeof *match);
        send = sp_arena_array(arena, (size_t)fs->nwant, sizeof *send);
        if (!np || !match || !send)
            goto fail;
    }
    if (fs->nparts + fs->nwant > 0) {
        forget = sp_arena_array(arena, (size_t)fs->nparts + (size_t)fs->nwant,
                                sizeof *forget);
        if (!forget)
            goto fail;
    }

    /* merge the sorted want list with the sorted session */
    i = j = 0;
    while (i < fs->nwant || j < fs->nparts) {
        int c = i == fs->nwant   ? 1
                : j == fs->nparts ? -1
                                  : part_cmp(&fs->want[i], &fs->parts[j]);

        if (c < 0) { /* new */
            match[i] = -1;
            send[nsend++] = &fs->want[i++];
        } else if (c > 0) { /* no longer wanted */
            if (!full)
                forget[nforget++] = &fs->parts[j];
            j++;
        } else {
            const sc_fs_part *w = &fs->want[i], *s = &fs->parts[j];

            match[i] = j;
            if (full) {
                send[nsend++] = w;
            } else if (ids && !uuid_eq(&w->topic_id, &s->topic_id)) {
                forget[nforget++] = s; /* topic recreated */
                send[nsend++] = w;
            } else if (!same_params(w, s)) {
                send[nsend++] = w;
            }
            i++;
            j++;
        }
    }
    if (nforget > 1)
        qsort(forget, (size_t)nforget, sizeof *forget, ptr_cmp);

    rc = fill_topics(req, arena, send, nsend);
    if (rc == 0)
        rc = fill_forgotten(req, arena, forget, nforget);
    if (rc)
        goto fail;

    /* new session state: names moved from matching entries or copied */
    for (ncopied = 0; ncopied < fs->nwant; ncopied++) {
        i = ncopied;
        np[i] = fs->want[i];
        np[i].topic = NULL; /* matched: taken below, once nothing can fail */
        if (match[i] < 0) {
            size_t n = strlen(fs->want[i].topic) + 1;
            char *s = sp_alloc(fs->alloc, n);

            if (!s) {
                rc = SAMSA_ERR_NO_MEMORY;
                goto fail;
            }
            memcpy(s, fs->want[i].topic, n);
            np[i].topic = s;
        }
    }
    for (i = 0; i < fs->nwant; i++)
        if (match[i] >= 0) {
            np[i].topic = fs->parts[match[i]].topic;
            fs->parts[match[i]].topic = NULL;
        }
    free_parts(fs->alloc, fs->parts, fs->nparts); /* unmatched names */
    fs->parts = np;
    fs->nparts = fs->nwant;
    sp_free(fs->alloc, match);

    if (!sessions) {
        req->session_id = 0;
        req->session_epoch = -1;
    } else {
        req->session_id = fs->id;
        req->session_epoch = full ? 0 : fs->epoch;
    }
    if (full)
        fs->full_requests++;
    else
        fs->incremental_requests++;
    fs->sent_full = full;
    fs->sessionless = !sessions;
    fs->uses_ids = ids;
    fs->in_flight = true;
    return 0;

fail:
    if (np) {
        for (i = 0; i < ncopied; i++) /* copies only; matched are NULL */
            sp_free(fs->alloc, (char *)np[i].topic);
        sp_free(fs->alloc, np);
    }
    sp_free(fs->alloc, match);
    return rc;
}

static int32_t next_epoch(int32_t e)
{
    if (e < 0)
        return -1;
    return e == INT32_MAX ? 1 : e + 1;
}

static const sc_fs_part *find(const sc_fetch_session *fs, const char *topic,
                              int32_t len, int32_t partition, int32_t *idx)
{
    int32_t lo = 0, hi = fs->nparts;

    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        const sc_fs_part *p = &fs->parts[mid];
        size_t plen = strlen(p->topic);
        int c = memcmp(p->topic, topic, plen < (size_t)len ? plen : (size_t)len);

        if (c == 0)
            c = (plen > (size_t)len) - (plen < (size_t)len);
        if (c == 0)
            c = (p->partition > partition) - (p->partition < partition);
        if (c == 0) {
            *idx = mid;
            return p;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *sc_fs_topic_by_id(const sc_fetch_session *fs, const sp_uuid *id)
{
    int32_t i;

    for (i = 0; i < fs->nparts; i++)
        if (uuid_eq(&fs->parts[i].topic_id, id))
            return fs->parts[i].topic;
    return NULL;
}

/* Every response partition is in the session (and, for a full request,
 * every session partition is in the response exactly once). */
static int verify(const sc_fetch_session *fs, const sp_fetch_resp *resp,
                  int16_t version, bool full)
{
    uint8_t *seen = NULL;
    int32_t t, k, nseen = 0;
    int rc = 0;

    if (full && fs->nparts) {
        seen = sp_calloc(fs->alloc, (size_t)fs->nparts, 1);
        if (!seen)
            return SAMSA_ERR_NO_MEMORY;
    }
    for (t = 0; t < resp->responses.count && !rc; t++) {
        const sp_fetch_resp_topic *rt = &resp->responses.items[t];
        const char *name;
        int32_t len;

        if (version >= 13) {
            name = sc_fs_topic_by_id(fs, &rt->topic_id);
            len = name ? (int32_t)strlen(name) : 0;
        } else {
            name = rt->topic.ptr;
            len = rt->topic.len;
        }
        if (!name || len < 0) {
            rc = SAMSA_ERR_PROTOCOL;
            break;
        }
        for (k = 0; k < rt->partitions.count; k++) {
            int32_t idx;

            if (!find(fs, name, len, rt->partitions.items[k].partition_index,
                      &idx)) {
                rc = SAMSA_ERR_PROTOCOL;
                break;
            }
            if (seen) {
                if (seen[idx]) {
                    rc = SAMSA_ERR_PROTOCOL;
                    break;
                }
                seen[idx] = 1;
                nseen++;
            }
        }
    }
    if (!rc && full && nseen != fs->nparts)
        rc = SAMSA_ERR_PROTOCOL;
    sp_free(fs->alloc, seen);
    return rc;
}

int sc_fs_response(sc_fetch_session *fs, const sp_fetch_resp *resp,
                   int16_t version)
{
    int rc;

    if (!fs->in_flight)
        return SAMSA_ERR_STATE;
    fs->in_flight = false;
    if (fs->sessionless)
        return resp->error_code ? resp->error_code : 0;
    if (resp->error_code) {
        if (resp->error_code == SAMSA_ERR_FETCH_SESSION_ID_NOT_FOUND)
            fs->id = 0;
        fs->epoch = 0; /* full next, closing the old session if any */
        fs->resets++;
        return resp->error_code;
    }
    if (fs->sent_full) {
        if (resp->responses.count == 0 && resp->throttle_time_ms > 0 &&
            fs->nparts > 0) {
            fs->id = 0;
            fs->epoch = 0;
            return SAMSA_ERR_THROTTLING_QUOTA_EXCEEDED;
        }
        rc = verify(fs, resp, version, true);
        if (rc) {
            fs->id = 0;
            fs->epoch = 0;
            fs->resets++;
            return rc;
        }
        fs->id = resp->session_id;
        fs->epoch = resp->session_id ? 1 : 0;
        return 0;
    }
    rc = verify(fs, resp, version, false);
    if (!rc && resp->session_id != 0 && resp->session_id != fs->id)
        rc = SAMSA_ERR_PROTOCOL;
    if (rc) {
        fs->epoch = 0;
        fs->resets++;
        return rc;
    }
    if (resp->session_id == 0) { /* the broker dropped the session */
        fs->id = 0;
        fs->epoch = 0;
    } else {
        fs->epoch = next_epoch(fs->epoch);
    }
    return 0;
}

void sc_fs_failed(sc_fetch_session *fs)
{
    if (!fs->in_flight)
        return;
    fs->in_flight = false;
    fs->epoch = 0;
    fs->resets++;
}

int sc_fs_build_close(sc_fetch_session *fs, sp_fetch_req *req)
{
    if (fs->id == 0)
        return SAMSA_ERR_NOT_FOUND;
    req->session_id = fs->id;
    req->session_epoch = -1;
    req->topics.count = 0;
    req->topics.items = NULL;
    req->forgotten_topics_data.count = 0;
    req->forgotten_topics_data.items = NULL;
    free_parts(fs->alloc, fs->parts, fs->nparts);
    fs->parts = NULL;
    fs->nparts = 0;
    fs->id = 0;
    fs->epoch = 0;
    fs->in_flight = false;
    return 0;
}

bool sc_fs_next_is_full(const sc_fetch_session *fs)
{
    return fs->epoch <= 0;
}
