/* client/metadata_refresh.c - see metadata_refresh.h. */
#include <string.h>

#include "metadata_refresh.h"
#include "alloc.h"
#include "arena.h"
#include "brokers.h"
#include "msg_metadata.h"
#include "schema.h"
#include "topic_create.h"

#define MDR_ARENA_MAX (64u << 20)

/* want map values: may the client create the topic (the producer's)? */
#define WANT_READ ((void *)1)
#define WANT_CREATE ((void *)2)
/* auto.create.topics.method's values, in the conf table's order */
enum { MDR_METHOD_BROKER, MDR_METHOD_CREATE_TOPICS };

struct sc_mdr {
    samsa_client *c;
    sc_strmap want;     /* topic name -> WANT_READ or WANT_CREATE */
    sc_tc *tc;          /* NULL unless the client creates topics itself */
    sn_timer timer;     /* next refresh (periodic or asked) */
    bool in_flight;     /* a Metadata request is out */
    bool asked;         /* refresh once more when allowed */
    bool waiting_conn;  /* a refresh waits for a ready connection */
    int64_t last_ms;    /* when the last request was sent */
    unsigned generation;
    unsigned failures;  /* consecutive failed refreshes */
    unsigned streak;    /* back-to-back asked refreshes (KIP-580 backoff) */
};

static void mdr_send(sc_mdr *m);

static int64_t period_ms(const sc_mdr *m)
{
    int64_t age = sc_conf_int(m->c->conf, SC_METADATA_MAX_AGE_MS);
    int64_t topic = sc_conf_int(m->c->conf, SC_TOPIC_METADATA_REFRESH_INTERVAL_MS);

    if (topic >= 0 && topic < age)
        age = topic;
    return age > 0 ? age : 1;
}

static int64_t backoff_ms(const sc_mdr *m)
{
    int64_t b = sc_conf_int(m->c->conf, SC_RETRY_BACKOFF_MS);
    int64_t max = sc_conf_int(m->c->conf, SC_RETRY_BACKOFF_MAX_MS);
    unsigned f = m->failures + m->streak;

    if (f > 16)
        f = 16;
    b <<= f;
    return b > max ? max : b;
}

static void arm(sc_mdr *m, int64_t ms)
{
    if (ms < 0)
        ms = 0;
    /* only ever move the deadline earlier */
    if (sn_timer_active(&m->timer) &&
        m->timer.deadline_ms <= sn_loop_now(m->c->loop) + ms)
        return;
    sn_timer_start(&m->timer, ms);
}

static void timer_cb(sn_timer *t)
{
    sc_mdr *m = t->data;

    if (m->in_flight) {
        m->asked = true;
        return;
    }
    mdr_send(m);
}

static void schedule_next(sc_mdr *m)
{
    int64_t now = sn_loop_now(m->c->loop);
    int64_t wait;

    if (m->asked) {
        wait = m->last_ms + backoff_ms(m) - now;
        sn_timer_stop(&m->timer);
        arm(m, wait);
    } else {
        sn_timer_stop(&m->timer);
        arm(m, period_ms(m));
    }
}

static void apply(sc_mdr *m, const sp_metadata_resp *r)
{
    samsa_client *c = m->c;
    const samsa_allocator *a = c->alloc;
    int64_t now = sn_loop_now(c->loop);
    int32_t i, j;

    if (r->brokers.count > 0) {
        sc_broker *bl = sp_calloc(a, (size_t)r->brokers.count, sizeof *bl);
        char **strs = sp_calloc(a, (size_t)r->brokers.count * 2, sizeof *strs);
        char *cid = NULL;
        bool ok = bl && strs;

        for (i = 0; ok && i < r->brokers.count; i++) {
            const sp_metadata_resp_broker *rb = &r->brokers.items[i];
            size_t hl = rb->host.len > 0 ? (size_t)rb->host.len : 0;
            strs[2 * i] = sp_alloc(a, hl + 1);
            if (!strs[2 * i]) {
                ok = false;
                break;
            }
            memcpy(strs[2 * i], rb->host.ptr ? rb->host.ptr : "", hl);
            strs[2 * i][hl] = '\0';
            if (rb->rack.len >= 0) {
                strs[2 * i + 1] = sp_alloc(a, (size_t)rb->rack.len + 1);
                if (!strs[2 * i + 1]) {
                    ok = false;
                    break;
                }
                memcpy(strs[2 * i + 1], rb->rack.ptr, (size_t)rb->rack.len);
                strs[2 * i + 1][rb->rack.len] = '\0';
            }
            bl[i].id = rb->node_id;
            bl[i].host = strs[2 * i];
            bl[i].port = rb->port;
            bl[i].rack = strs[2 * i + 1];
        }
        if (ok && r->cluster_id.len >= 0) {
            cid = sp_alloc(a, (size_t)r->cluster_id.len + 1);
            if (cid) {
                memcpy(cid, r->cluster_id.ptr, (size_t)r->cluster_id.len);
                cid[r->cluster_id.len] = '\0';
            }
        }
        if (ok)
            sc_md_set_brokers(&c->md, bl, r->brokers.count, cid,
                              r->controller_id);
        for (i = 0; strs && i < r->brokers.count * 2; i++)
            sp_free(a, strs[i]);
        sp_free(a, strs);
        sp_free(a, bl);
        sp_free(a, cid);
        sc_brokers_sync(c->brokers);
    }

    for (i = 0; i < r->topics.count; i++) {
        const sp_metadata_resp_topic *t = &r->topics.items[i];
        sc_partition_md *parts = NULL;
        unsigned changed = 0;
        char name[256];
        int rc;

        if (t->name.len <= 0 || t->name.len >= (int32_t)sizeof name)
            continue;
        if (t->partitions.count > 0) {
            parts = sp_calloc(a, (size_t)t->partitions.count, sizeof *parts);
            if (!parts)
                continue;
            for (j = 0; j < t->partitions.count; j++) {
                const sp_metadata_resp_partition *p = &t->partitions.items[j];
                parts[j].id = p->partition_index;
                parts[j].err = p->error_code;
                parts[j].leader = p->leader_id;
                parts[j].leader_epoch = p->leader_epoch;
                parts[j].nreplicas = p->replica_nodes.count > 0 ? p->replica_nodes.count : 0;
                parts[j].replicas = p->replica_nodes.items;
                parts[j].nisr = p->isr_nodes.count > 0 ? p->isr_nodes.count : 0;
                parts[j].isr = p->isr_nodes.items;
            }
        }
        rc = sc_md_update_topic(&c->md, t->name.ptr, (size_t)t->name.len,
                                &t->topic_id, t->error_code, t->is_internal,
                                parts, t->partitions.count > 0 ? t->partitions.count : 0,
                                now, &changed);
        sp_free(a, parts);
        if (rc)
            continue;
        memcpy(name, t->name.ptr, (size_t)t->name.len);
        name[t->name.len] = '\0';
        sc_debug(&c->log, SC_DBG_METADATA, "metadata",
                 "topic %s: %s, %d partitions, changed 0x%x", name,
                 samsa_err_name(t->error_code), (int)t->partitions.count,
                 changed);
        sc_client_md_changed(c, name, changed);
        if (t->error_code == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION && m->tc &&
            sc_strmap_get(&m->want, t->name.ptr, (size_t)t->name.len) == WANT_CREATE)
            sc_tc_unknown(m->tc, t->name.ptr, (size_t)t->name.len);
        else if (t->error_code == 0)
            sc_tc_known(m->tc, t->name.ptr, (size_t)t->name.len);
    }
}

/* The version is needed to decode, so each request carries its own. */
typedef struct mdr_req {
    sc_mdr *m;
    int16_t version;
} mdr_req;

static void response_v_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    mdr_req *q = opaque;
    sc_mdr *m = q->m;
    samsa_client *c = m->c;
    int16_t version = q->version;
    sp_metadata_resp r;
    sp_arena arena;

    sp_free(c->alloc, q);
    m->in_flight = false;
    if (c->closing)
        return;
    if (err == 0) {
        sp_arena_init(&arena, c->alloc, MDR_ARENA_MAX);
        err = sp_schema_decode(&sp_msg_metadata_resp, version, &r, &arena,
                               body, len);
        if (err == 0 && r.error_code)
            err = r.error_code;
        if (err == 0) {
            m->failures = 0;
            m->generation++;
            apply(m, &r);
        }
        sp_arena_free(&arena);
    }
    if (err) {
        m->failures++;
        m->asked = true;
        sc_debug(&c->log, SC_DBG_METADATA, "metadata", "refresh failed: %s",
                 samsa_err_name(err));
        sc_client_md_changed(c, NULL, 0);
    }
    schedule_next(m);
}

static void mdr_send(sc_mdr *m)
{
    samsa_client *c = m->c;
    sp_metadata_req req;
    sp_metadata_req_topic *topics = NULL;
    sn_request sr;
    sn_conn *conn;
    mdr_req *q;
    int16_t v;
    size_t pos = 0, n = 0;
    const char *key;
    int rc;

    if (c->closing || m->in_flight)
        return;
    conn = sc_brokers_any_ready(c->brokers);
    if (!conn) {
        m->waiting_conn = true;
        m->asked = true;
        return;
    }
    m->waiting_conn = false;
    if (sn_conn_api_version(conn, SP_METADATA_KEY, &v) != 0) {
        m->failures++;
        m->asked = true;
        schedule_next(m);
        return;
    }
    memset(&req, 0, sizeof req);
    if (m->want.count) {
        topics = sp_calloc(c->alloc, m->want.count, sizeof *topics);
        if (!topics) {
            m->asked = true;
            schedule_next(m);
            return;
        }
        while (sc_strmap_next(&m->want, &pos, &key) && n < m->want.count) {
            topics[n].name.ptr = key;
            topics[n].name.len = (int32_t)strlen(key);
            n++;
        }
    }
    req.topics.count = (int32_t)n;
    req.topics.items = topics;
    /* with create_topics the producer creates; nobody else does */
    req.allow_auto_topic_creation = sc_conf_bool(c->conf, SC_ALLOW_AUTO_CREATE_TOPICS) &&
                                    !m->tc;
    q = sp_alloc(c->alloc, sizeof *q);
    if (!q) {
        sp_free(c->alloc, topics);
        m->asked = true;
        schedule_next(m);
        return;
    }
    q->m = m;
    q->version = v;
    memset(&sr, 0, sizeof sr);
    sr.api_key = SP_METADATA_KEY;
    sr.api_version = v;
    {
        sp_writer w;
        sp_writer_init(&w, c->alloc, 16u << 20);
        rc = sp_schema_encode(&w, &sp_msg_metadata_req, v, &req);
        if (rc == 0 && w.err)
            rc = w.err;
        sr.body = w.buf;
        sr.body_len = w.len;
        sr.cb = response_v_cb;
        sr.opaque = q;
        if (rc == 0)
            rc = sn_conn_send(conn, &sr);
        sp_writer_free(&w);
    }
    sp_free(c->alloc, topics);
    if (rc) {
        sp_free(c->alloc, q);
        m->failures++;
        m->asked = true;
        schedule_next(m);
        return;
    }
    {
        /* asked again right after the last one: back off exponentially,
         * up to retry.backoff.max.ms, until the asks stop (KIP-580) */
        int64_t now = sn_loop_now(c->loop);
        if (now - m->last_ms < 2 * backoff_ms(m) + 50)
            m->streak++;
        else
            m->streak = 0;
        m->last_ms = now;
    }
    m->in_flight = true;
    m->asked = false;
    sc_debug(&c->log, SC_DBG_METADATA, "metadata",
             "Metadata v%d for %zu topic(s)", (int)v, n);
}

int sc_mdr_new(samsa_client *c, sc_mdr **out)
{
    sc_mdr *m = sp_calloc(c->alloc, 1, sizeof *m);

    *out = NULL;
    if (!m)
        return SAMSA_ERR_NO_MEMORY;
    m->c = c;
    sc_strmap_init(&m->want, c->alloc);
    if (sc_conf_bool(c->conf, SC_ALLOW_AUTO_CREATE_TOPICS) &&
        sc_conf_enum(c->conf, SC_AUTO_CREATE_TOPICS_METHOD) == MDR_METHOD_CREATE_TOPICS &&
        sc_tc_new(c, &m->tc) != 0) {
        sc_strmap_free(&m->want);
        sp_free(c->alloc, m);
        return SAMSA_ERR_NO_MEMORY;
    }
    sn_timer_init(&m->timer, c->loop, timer_cb, m);
    m->asked = true;
    m->last_ms = -1000000;
    arm(m, 0); /* bootstrap */
    *out = m;
    return 0;
}

void sc_mdr_free(sc_mdr *m)
{
    if (!m)
        return;
    sn_timer_stop(&m->timer);
    sc_tc_free(m->tc);
    sc_strmap_free(&m->want);
    sp_free(m->c->alloc, m);
}

static int want(sc_mdr *m, const char *topic, size_t len, void *how)
{
    void *had = sc_strmap_get(&m->want, topic, len);
    int rc;

    if (had == how || had == WANT_CREATE)
        return 0;
    rc = sc_strmap_put(&m->want, topic, len, how);
    if (rc || had)
        return rc; /* a known topic now creatable: the next answer decides */
    sc_mdr_refresh_soon(m); /* a new topic is wanted soon */
    return 0;
}

int sc_mdr_want(sc_mdr *m, const char *topic, size_t len)
{
    return want(m, topic, len, WANT_READ);
}

int sc_mdr_want_create(sc_mdr *m, const char *topic, size_t len)
{
    return want(m, topic, len, WANT_CREATE);
}

void sc_mdr_unwant(sc_mdr *m, const char *topic, size_t len)
{
    sc_strmap_del(&m->want, topic, len);
}

void sc_mdr_refresh(sc_mdr *m)
{
    int64_t now = sn_loop_now(m->c->loop);

    m->asked = true;
    if (m->in_flight || m->waiting_conn)
        return;
    arm(m, m->last_ms + backoff_ms(m) - now);
}

void sc_mdr_refresh_soon(sc_mdr *m)
{
    m->streak = 0;
    sc_mdr_refresh(m);
}

void sc_mdr_conn_event(sc_mdr *m, sn_conn_event ev)
{
    if (ev == SN_CONN_EV_UP && m->waiting_conn && !m->in_flight) {
        mdr_send(m);
    } else if (ev != SN_CONN_EV_UP && m->waiting_conn) {
        /* try another candidate (the failed one backs off by itself) */
        m->waiting_conn = false;
        m->failures++;
        sn_timer_stop(&m->timer);
        arm(m, backoff_ms(m));
    }
}

unsigned sc_mdr_generation(const sc_mdr *m)
{
    return m->generation;
}
