/* client/topic_create.c - see topic_create.h. */
#include <stdio.h>
#include <string.h>

#include "topic_create.h"
#include "alloc.h"
#include "arena.h"
#include "brokers.h"
#include "metadata_refresh.h"
#include "msg_create_topics.h"
#include "schema.h"

#define TC_ARENA_MAX (1u << 20)

/* per topic, while a request is out, after a failure, or after success
 * until Metadata shows the topic (sc_tc_known) */
typedef struct tc_topic {
    bool in_flight;
    int64_t not_before_ms; /* no new request before this */
} tc_topic;

struct sc_tc {
    samsa_client *c;
    sc_strmap topics; /* name -> tc_topic* */
    unsigned requests;
};

/* one request in flight; owns itself */
typedef struct tc_req {
    sc_tc *tc;
    int16_t version;
    sc_tc_spec spec; /* spec.name points at name */
    char name[];     /* spec.len bytes + NUL */
} tc_req;

int sc_tc_encode(sp_writer *w, int16_t v, const void *arg)
{
    const sc_tc_spec *sp = arg;
    sp_create_topics_req req;
    sp_create_topics_topic t;
    sp_create_topics_config cfgs[SC_TC_MAX_CONFIGS];
    size_t i;

    if (sp->nconfigs > SC_TC_MAX_CONFIGS || (sp->nconfigs && !sp->configs))
        return SAMSA_ERR_INVALID_ARG;
    memset(&req, 0, sizeof req);
    memset(&t, 0, sizeof t);
    t.name.ptr = sp->name;
    t.name.len = (int32_t)sp->len;
    t.num_partitions = sp->partitions;
    t.replication_factor = sp->rf;
    for (i = 0; i < sp->nconfigs; i++) {
        cfgs[i].name = sp_str_of(sp->configs[2 * i]);
        cfgs[i].value = sp_str_of(sp->configs[2 * i + 1]);
    }
    t.configs.count = (int32_t)sp->nconfigs;
    t.configs.items = cfgs;
    req.topics.count = 1;
    req.topics.items = &t;
    req.timeout_ms = sp->timeout_ms;
    return sp_schema_encode(w, &sp_msg_create_topics_req, v, &req);
}

int sc_tc_decode(const samsa_allocator *a, int16_t version,
                 const uint8_t *body, size_t len, int *err, char *detail,
                 size_t detail_len)
{
    sp_create_topics_resp r;
    sp_arena arena;
    int rc;

    *err = 0;
    if (detail_len)
        detail[0] = '\0';
    sp_arena_init(&arena, a, TC_ARENA_MAX);
    rc = sp_schema_decode(&sp_msg_create_topics_resp, version, &r, &arena,
                          body, len);
    if (rc == 0 && r.topics.count < 1)
        rc = SAMSA_ERR_PROTOCOL;
    if (rc == 0) {
        const sp_create_topics_result *t = &r.topics.items[0];
        *err = t->error_code;
        if (t->error_message.len > 0 && detail_len)
            snprintf(detail, detail_len, "%.*s", (int)t->error_message.len,
                     t->error_message.ptr);
    }
    sp_arena_free(&arena);
    return rc;
}

static bool transient(int err)
{
    return err < 0 || err == SAMSA_ERR_REQUEST_TIMED_OUT ||
           err == SAMSA_ERR_NOT_CONTROLLER ||
           err == SAMSA_ERR_THROTTLING_QUOTA_EXCEEDED;
}

/* The request for name ended with err (0 = created or already there). */
static void done(sc_tc *tc, const char *name, size_t len, int err,
                 const char *detail)
{
    samsa_client *c = tc->c;
    tc_topic *st = sc_strmap_get(&tc->topics, name, len);
    int64_t now = sn_loop_now(c->loop);
    char line[300];

    if (err == 0 || err == SAMSA_ERR_TOPIC_ALREADY_EXISTS) {
        /* it propagates to the brokers: Metadata may say UNKNOWN a while
         * yet; no new request until it appears or request.timeout.ms
         * passes (deleted meanwhile?) */
        if (st) {
            st->in_flight = false;
            st->not_before_ms = now + sc_conf_int(c->conf, SC_REQUEST_TIMEOUT_MS);
        }
        sc_debug(&c->log, SC_DBG_METADATA, "metadata", "topic %.*s %s",
                 (int)len, name, err ? "already exists" : "created");
        sc_mdr_refresh_soon(c->mdr);
        return;
    }
    if (st) {
        st->in_flight = false;
        st->not_before_ms =
            now + sc_conf_int(c->conf, transient(err) ? SC_RETRY_BACKOFF_MS
                                                      : SC_RETRY_BACKOFF_MAX_MS);
    }
    snprintf(line, sizeof line, " (auto-create by CreateTopics%s%s)",
             detail && *detail ? ": " : "", detail ? detail : "");
    if (transient(err)) {
        sc_debug(&c->log, SC_DBG_METADATA, "metadata", "topic %.*s: %s%s",
                 (int)len, name, samsa_err_name(err), line);
        return;
    }
    sc_log(&c->log, SAMSA_LOG_WARNING, "metadata", "topic %.*s: %s%s",
           (int)len, name, samsa_err_name(err), line);
    if (sc_md_set_topic_error(&c->md, name, len, (int16_t)err, line) == 0) {
        char nm[256];
        snprintf(nm, sizeof nm, "%.*s", (int)len, name);
        sc_client_md_changed(c, nm, 0);
    }
}

static void response_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    tc_req *q = opaque;
    samsa_client *c = q->tc->c;
    char detail[256] = "";

    if (c->closing) {
        sp_free(c->alloc, q);
        return;
    }
    if (err == 0) {
        int terr;
        err = sc_tc_decode(c->alloc, q->version, body, len, &terr, detail,
                           sizeof detail);
        if (err == 0)
            err = terr;
    } else {
        snprintf(detail, sizeof detail, "%s", samsa_err_str(err));
    }
    done(q->tc, q->name, q->spec.len, err, detail);
    sp_free(c->alloc, q);
}

static sn_conn *pick_conn(samsa_client *c)
{
    sn_conn *conn = NULL;

    if (c->md.controller_id >= 0)
        conn = sc_brokers_conn(c->brokers, c->md.controller_id);
    if (conn && sn_conn_get_state(conn) == SN_CONN_READY)
        return conn;
    return sc_brokers_any_ready(c->brokers);
}

void sc_tc_unknown(sc_tc *tc, const char *topic, size_t len)
{
    samsa_client *c = tc->c;
    int64_t now = sn_loop_now(c->loop);
    tc_topic *st = sc_strmap_get(&tc->topics, topic, len);
    sn_conn *conn;
    sn_request sr;
    tc_req *q;
    int16_t v;
    int rc;

    if (c->closing || (st && (st->in_flight || now < st->not_before_ms)))
        return;
    conn = pick_conn(c);
    if (!conn)
        return; /* the next Metadata answer comes through a ready one */
    if (!st) {
        st = sp_calloc(c->alloc, 1, sizeof *st);
        if (!st)
            return;
        if (sc_strmap_put(&tc->topics, topic, len, st) != 0) {
            sp_free(c->alloc, st);
            return;
        }
    }
    q = sp_alloc(c->alloc, sizeof *q + len + 1);
    if (!q)
        return;
    memset(q, 0, sizeof *q);
    q->tc = tc;
    memcpy(q->name, topic, len);
    q->name[len] = '\0';
    q->spec.name = q->name;
    q->spec.len = len;
    q->spec.partitions = (int32_t)sc_conf_int(c->conf, SC_AUTO_CREATE_TOPICS_NUM_PARTITIONS);
    q->spec.rf = (int16_t)sc_conf_int(c->conf, SC_AUTO_CREATE_TOPICS_REPLICATION_FACTOR);
    q->spec.timeout_ms = (int32_t)sc_conf_int(c->conf, SC_REQUEST_TIMEOUT_MS);
    st->in_flight = true;
    rc = sn_conn_api_version(conn, SP_CREATE_TOPICS_KEY, &v);
    if (rc == 0 && v < 4 && (q->spec.partitions < 0 || q->spec.rf < 0)) {
        /* broker defaults (-1) came with KIP-464 */
        sp_free(c->alloc, q);
        done(tc, topic, len, SAMSA_ERR_UNSUPPORTED_VERSION,
             "the broker's CreateTopics is older than v4 (Kafka 2.4): set "
             "auto.create.topics.num.partitions and "
             "auto.create.topics.replication.factor");
        return;
    }
    if (rc) {
        sp_free(c->alloc, q);
        done(tc, topic, len, SAMSA_ERR_UNSUPPORTED_VERSION,
             "the broker does not support CreateTopics");
        return;
    }
    q->version = v;
    memset(&sr, 0, sizeof sr);
    sr.api_key = SP_CREATE_TOPICS_KEY;
    sr.api_version = v;
    sr.encode = sc_tc_encode;
    sr.encode_arg = &q->spec;
    sr.timeout_ms = q->spec.timeout_ms + 1000; /* the broker answers by then */
    sr.cb = response_cb;
    sr.opaque = q;
    rc = sn_conn_send(conn, &sr);
    if (rc) {
        sp_free(c->alloc, q);
        done(tc, topic, len, rc, samsa_err_str(rc));
        return;
    }
    tc->requests++;
    sc_debug(&c->log, SC_DBG_METADATA, "metadata",
             "CreateTopics v%d for %.*s (%d partitions, rf %d)", (int)v,
             (int)len, topic, (int)q->spec.partitions, (int)q->spec.rf);
}

void sc_tc_known(sc_tc *tc, const char *topic, size_t len)
{
    tc_topic *st;

    if (!tc || !tc->topics.count)
        return;
    st = sc_strmap_get(&tc->topics, topic, len);
    if (st && !st->in_flight) /* in flight: its answer keeps it a while */
        sp_free(tc->c->alloc, sc_strmap_del(&tc->topics, topic, len));
}

int sc_tc_new(samsa_client *c, sc_tc **out)
{
    sc_tc *tc = sp_calloc(c->alloc, 1, sizeof *tc);

    *out = tc;
    if (!tc)
        return SAMSA_ERR_NO_MEMORY;
    tc->c = c;
    sc_strmap_init(&tc->topics, c->alloc);
    return 0;
}

void sc_tc_free(sc_tc *tc)
{
    size_t pos = 0;
    tc_topic *st;

    if (!tc)
        return;
    while ((st = sc_strmap_next(&tc->topics, &pos, NULL)))
        sp_free(tc->c->alloc, st);
    sc_strmap_free(&tc->topics);
    sp_free(tc->c->alloc, tc);
}

unsigned sc_tc_requests(const sc_tc *tc)
{
    return tc ? tc->requests : 0;
}
