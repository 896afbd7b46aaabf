/* client/admin.c - synchronous admin calls; see samsa/admin.h.
 *
 * A call builds an op (owning copies of its inputs), starts it on the loop
 * thread and waits for `done` (under c->mu). An op that finds no ready
 * broker (or no leader yet) waits in c->admin_ops and is retried on every
 * connection or metadata event (admin_part, installed when the first op
 * waits, so a program that makes no admin call does not link this file). A caller that times out marks its op
 * abandoned; whoever completes it then frees it. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "client_int.h"
#include "admin_req.h"
#include "samsa/admin.h"
#include "alloc.h"
#include "arena.h"
#include "brokers.h"
#include "metadata_refresh.h"
#include "msg_create_partitions.h"
#include "msg_create_topics.h"
#include "msg_delete_topics.h"
#include "msg_describe_cluster.h"
#include "msg_list_offsets.h"
#include "schema.h"

#define ADMIN_ARENA_MAX (16u << 20)
#define MAX_BROKERS_OUT 1024

enum { OP_CREATE, OP_DELETE, OP_PARTITIONS, OP_OFFSETS, OP_CLUSTER };

struct sc_admin_op {
    struct sc_admin_op *next;
    samsa_client *c;
    int kind;
    int16_t api_key;
    int16_t version;
    char *topic;
    int32_t partitions;
    int16_t rf;
    char **configs;
    size_t nconfigs;
    int32_t partition;
    int64_t when;
    int timeout_ms;
    int64_t deadline;
    /* results */
    int err;
    char errstr[256];
    int64_t offset, ts;
    samsa_cluster_info info;
    samsa_broker_info *brokers;
    size_t nbrokers;
    /* under mu */
    bool done;
    bool abandoned;
    bool topic_unknown; /* OP_OFFSETS waits on a topic Metadata calls unknown */
};

typedef struct sc_admin_op sc_admin_op;

static void op_free(sc_admin_op *op)
{
    const samsa_allocator *a = op->c->alloc;
    size_t i;

    for (i = 0; i < op->nconfigs * 2; i++)
        sp_free(a, op->configs[i]);
    sp_free(a, op->configs);
    sp_free(a, op->topic);
    sp_free(a, op->brokers);
    sp_free(a, op);
}

static void finish(sc_admin_op *op, int err, const char *fmt, ...) SC_PRINTF(3, 4);

static void finish(sc_admin_op *op, int err, const char *fmt, ...)
{
    samsa_client *c = op->c;
    va_list ap;
    bool free_it;

    op->err = err;
    va_start(ap, fmt);
    vsnprintf(op->errstr, sizeof op->errstr, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&c->mu);
    free_it = op->abandoned;
    op->done = true;
    sc_client_signal_locked(c);
    pthread_mutex_unlock(&c->mu);
    if (free_it)
        op_free(op);
}

/* Finish op with a broker's error code and message (a string view). */
static void finish_msg(sc_admin_op *op, int err, sp_str msg)
{
    finish(op, err, "%.*s", msg.len > 0 ? (int)msg.len : 0,
           msg.ptr ? msg.ptr : "");
}

/* The request timeout the broker is given: the caller's, else 30 s. */
static int32_t op_timeout(const sc_admin_op *op)
{
    return op->timeout_ms > 0 ? op->timeout_ms : 30000;
}

/* ---------------------------------------------------------- encoders */

static int encode_op(sp_writer *w, int16_t v, const void *arg)
{
    const sc_admin_op *op = arg;
    sp_str name = { op->topic, op->topic ? (int32_t)strlen(op->topic) : -1 };

    switch (op->kind) {
    case OP_CREATE: {
        sp_create_topics_req req;
        sp_create_topics_topic t;
        sp_create_topics_config cfgs[64];
        size_t i;
        memset(&req, 0, sizeof req);
        memset(&t, 0, sizeof t);
        t.name = name;
        t.num_partitions = op->partitions;
        t.replication_factor = op->rf;
        for (i = 0; i < op->nconfigs && i < 64; i++) {
            cfgs[i].name = sp_str_of(op->configs[2 * i]);
            cfgs[i].value = sp_str_of(op->configs[2 * i + 1]);
        }
        t.configs.count = (int32_t)i;
        t.configs.items = cfgs;
        req.topics.count = 1;
        req.topics.items = &t;
        req.timeout_ms = op_timeout(op);
        return sp_schema_encode(w, &sp_msg_create_topics_req, v, &req);
    }
    case OP_DELETE: {
        sp_delete_topics_req req;
        sp_delete_topics_state st;
        memset(&req, 0, sizeof req);
        memset(&st, 0, sizeof st);
        st.name = name;
        req.topics.count = 1;
        req.topics.items = &st;
        req.topic_names.count = 1;
        req.topic_names.items = &name;
        req.timeout_ms = op_timeout(op);
        return sp_schema_encode(w, &sp_msg_delete_topics_req, v, &req);
    }
    case OP_PARTITIONS: {
        sp_create_partitions_req req;
        sp_create_partitions_topic t;
        memset(&req, 0, sizeof req);
        memset(&t, 0, sizeof t);
        t.name = name;
        t.count = op->partitions;
        t.assignments.count = -1;
        req.topics.count = 1;
        req.topics.items = &t;
        req.timeout_ms = op_timeout(op);
        return sp_schema_encode(w, &sp_msg_create_partitions_req, v, &req);
    }
    case OP_OFFSETS: {
        sp_list_offsets_req req;
        sp_list_offsets_req_topic t;
        sp_list_offsets_req_partition p;
        memset(&req, 0, sizeof req);
        memset(&t, 0, sizeof t);
        p.partition_index = op->partition;
        p.current_leader_epoch = -1;
        p.timestamp = op->when;
        t.name = name;
        t.partitions.count = 1;
        t.partitions.items = &p;
        req.replica_id = -1;
        req.topics.count = 1;
        req.topics.items = &t;
        req.timeout_ms = op_timeout(op);
        return sp_schema_encode(w, &sp_msg_list_offsets_req, v, &req);
    }
    default: {
        sp_describe_cluster_req req;
        memset(&req, 0, sizeof req);
        req.endpoint_type = 1;
        return sp_schema_encode(w, &sp_msg_describe_cluster_req, v, &req);
    }
    }
}

/* ---------------------------------------------------------- responses */

static void op_retry_later(sc_admin_op *op);
static void note_unknown(sc_admin_op *op, bool unknown);

static void handle(sc_admin_op *op, const uint8_t *body, size_t len)
{
    samsa_client *c = op->c;
    sp_arena arena;
    int rc;

    sp_arena_init(&arena, c->alloc, ADMIN_ARENA_MAX);
    switch (op->kind) {
    case OP_CREATE: {
        sp_create_topics_resp r;
        rc = sp_schema_decode(&sp_msg_create_topics_resp, op->version, &r,
                              &arena, body, len);
        if (rc || r.topics.count < 1)
            finish(op, rc ? rc : SAMSA_ERR_PROTOCOL, "bad CreateTopics response");
        else
            finish_msg(op, r.topics.items[0].error_code,
                       r.topics.items[0].error_message);
        break;
    }
    case OP_DELETE: {
        sp_delete_topics_resp r;
        rc = sp_schema_decode(&sp_msg_delete_topics_resp, op->version, &r,
                              &arena, body, len);
        if (rc || r.responses.count < 1)
            finish(op, rc ? rc : SAMSA_ERR_PROTOCOL, "bad DeleteTopics response");
        else
            finish_msg(op, r.responses.items[0].error_code,
                       r.responses.items[0].error_message);
        break;
    }
    case OP_PARTITIONS: {
        sp_create_partitions_resp r;
        rc = sp_schema_decode(&sp_msg_create_partitions_resp, op->version, &r,
                              &arena, body, len);
        if (rc || r.results.count < 1)
            finish(op, rc ? rc : SAMSA_ERR_PROTOCOL, "bad CreatePartitions response");
        else
            finish_msg(op, r.results.items[0].error_code,
                       r.results.items[0].error_message);
        break;
    }
    case OP_OFFSETS: {
        sp_list_offsets_resp r;
        const sp_list_offsets_resp_partition *p;
        rc = sp_schema_decode(&sp_msg_list_offsets_resp, op->version, &r,
                              &arena, body, len);
        if (rc || r.topics.count < 1 || r.topics.items[0].partitions.count < 1) {
            finish(op, rc ? rc : SAMSA_ERR_PROTOCOL, "bad ListOffsets response");
            break;
        }
        p = &r.topics.items[0].partitions.items[0];
        if (p->error_code == SAMSA_ERR_NOT_LEADER_OR_FOLLOWER ||
            p->error_code == SAMSA_ERR_LEADER_NOT_AVAILABLE ||
            p->error_code == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION ||
            p->error_code == SAMSA_ERR_OFFSET_NOT_AVAILABLE ||
            p->error_code == SAMSA_ERR_FENCED_LEADER_EPOCH) {
            op->err = p->error_code;
            if (op->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION)
                note_unknown(op, true);
            sc_mdr_refresh(c->mdr);
            op_retry_later(op);
            break;
        }
        op->offset = p->offset;
        op->ts = p->timestamp;
        finish(op, p->error_code, "%s", "");
        break;
    }
    default: {
        sp_describe_cluster_resp r;
        int32_t i;
        rc = sp_schema_decode(&sp_msg_describe_cluster_resp, op->version, &r,
                              &arena, body, len);
        if (rc) {
            finish(op, rc, "bad DescribeCluster response");
            break;
        }
        if (r.error_code) {
            finish_msg(op, r.error_code, r.error_message);
            break;
        }
        sc_copy_fixed(op->info.cluster_id, sizeof op->info.cluster_id, r.cluster_id);
        op->info.controller_id = r.controller_id;
        op->info.nbrokers = r.brokers.count > 0 ? (size_t)r.brokers.count : 0;
        op->nbrokers = op->info.nbrokers < MAX_BROKERS_OUT ? op->info.nbrokers
                                                           : MAX_BROKERS_OUT;
        if (op->nbrokers) {
            op->brokers = sp_calloc(c->alloc, op->nbrokers, sizeof *op->brokers);
            if (!op->brokers) {
                finish(op, SAMSA_ERR_NO_MEMORY, "out of memory");
                break;
            }
        }
        for (i = 0; (size_t)i < op->nbrokers; i++) {
            const sp_describe_cluster_broker *b = &r.brokers.items[i];
            op->brokers[i].id = b->broker_id;
            op->brokers[i].port = b->port;
            sc_copy_fixed(op->brokers[i].host, sizeof op->brokers[i].host, b->host);
            sc_copy_fixed(op->brokers[i].rack, sizeof op->brokers[i].rack, b->rack);
        }
        finish(op, 0, "%s", "");
        break;
    }
    }
    sp_arena_free(&arena);
}

static bool sc_err_retriable_admin(int err)
{
    return err == SAMSA_ERR_TRANSPORT || err == SAMSA_ERR_CONNECT ||
           err == SAMSA_ERR_DESTROYED || /* its connection was replaced */
           err == SAMSA_ERR_RESOLVE || err == SAMSA_ERR_TIMED_OUT;
}

static void response_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    sc_admin_op *op = opaque;

    if (err == 0) {
        handle(op, body, len);
        return;
    }
    if (op->c->closing) {
        finish(op, SAMSA_ERR_DESTROYED, "client destroyed");
        return;
    }
    if (sc_err_retriable_admin(err)) {
        op->err = err;
        op_retry_later(op);
        return;
    }
    finish(op, err, "%s", samsa_err_str(err));
}

/* ---------------------------------------------------------- dispatch */

/* The error at the timeout of a lookup whose topic stayed unknown: the
 * cause, not a bare timeout (Java throws TimeoutException here). */
#define UNKNOWN_FMT                                                           \
    "topic %s: UNKNOWN_TOPIC_OR_PARTITION: not in the cluster's metadata "   \
    "after %d ms"

static void note_unknown(sc_admin_op *op, bool unknown)
{
    op->err = unknown ? SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION : op->err;
    pthread_mutex_lock(&op->c->mu);
    op->topic_unknown = unknown;
    pthread_mutex_unlock(&op->c->mu);
}

/* Try to send op now. true when sent or finished; false to wait. */
static bool op_try(sc_admin_op *op)
{
    samsa_client *c = op->c;
    sn_conn *conn;
    sn_request sr;
    int rc;

    if (sc_mono_ms() >= op->deadline) {
        const char *es = "";
        int le = sc_brokers_last_error(c->brokers, &es);

        if (op->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION) {
            finish(op, op->err, UNKNOWN_FMT, op->topic, op->timeout_ms);
            return true;
        }
        finish(op, SAMSA_ERR_TIMED_OUT, "no answer within the timeout%s%s%s%s",
               op->err ? " (last error " : "", op->err ? samsa_err_name(op->err) : "",
               op->err ? ")" : "", le && !op->err ? es : "");
        return true;
    }
    if (op->kind == OP_OFFSETS) {
        const sc_topic_md *tm = sc_md_topic(&c->md, op->topic, strlen(op->topic));
        if (!tm || tm->npartitions == 0) {
            sc_mdr_want(c->mdr, op->topic, strlen(op->topic));
            if (tm && tm->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION &&
                !sc_conf_bool(c->conf, SC_ALLOW_AUTO_CREATE_TOPICS)) {
                finish(op, tm->err, "topic %s does not exist", op->topic);
                return true;
            }
            /* it may yet be created (by the broker, another client, our
             * producer): wait as Java does, and say why at the timeout */
            if (tm && tm->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION)
                note_unknown(op, true);
            return false;
        }
        if (op->topic_unknown) /* the loop thread writes it: no lock to read */
            note_unknown(op, false);
        if (op->err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION)
            op->err = 0;
        if (op->partition < 0 || op->partition >= tm->npartitions) {
            finish(op, SAMSA_ERR_UNKNOWN_PARTITION, "%s has %d partitions",
                   op->topic, (int)tm->npartitions);
            return true;
        }
        if (tm->parts[op->partition].leader < 0)
            return false;
        conn = sc_brokers_conn(c->brokers, tm->parts[op->partition].leader);
        if (!conn || sn_conn_get_state(conn) != SN_CONN_READY)
            return false;
    } else {
        conn = sc_brokers_any_ready(c->brokers);
        if (!conn)
            return false;
    }
    rc = sn_conn_api_version(conn, op->api_key, &op->version);
    if (rc) {
        finish(op, rc, "the broker does not support this request");
        return true;
    }
    memset(&sr, 0, sizeof sr);
    sr.api_key = op->api_key;
    sr.api_version = op->version;
    sr.encode = encode_op;
    sr.encode_arg = op;
    sr.timeout_ms = op->timeout_ms > 0 ? op->timeout_ms + 1000 : 0;
    sr.cb = response_cb;
    sr.opaque = op;
    rc = sn_conn_send(conn, &sr);
    if (rc)
        finish(op, rc, "could not send: %s", samsa_err_str(rc));
    return true;
}

static void admin_retry(samsa_client *c);
static void admin_md_changed(samsa_client *c, const char *topic,
                             unsigned changed);
static void admin_conn_event(samsa_client *c, int32_t node_id,
                             sn_conn_event ev);
static void admin_destroy(samsa_client *c);

static const sc_part_ops admin_part = {
    admin_md_changed,
    admin_conn_event,
    admin_destroy,
};

static void op_retry_later(sc_admin_op *op)
{
    samsa_client *c = op->c;

    sc_client_add_part(c, SC_PART_ADMIN, &admin_part);
    op->next = c->admin_ops;
    c->admin_ops = op;
}

static void admin_md_changed(samsa_client *c, const char *topic,
                             unsigned changed)
{
    (void)topic;
    (void)changed;
    admin_retry(c);
}

static void admin_conn_event(samsa_client *c, int32_t node_id,
                             sn_conn_event ev)
{
    (void)node_id;
    (void)ev;
    admin_retry(c);
}

static void admin_retry(samsa_client *c)
{
    sc_admin_op *list = c->admin_ops, *op, *next, *keep = NULL;

    c->admin_ops = NULL;
    for (op = list; op; op = next) {
        next = op->next;
        op->next = NULL;
        if (c->closing) {
            finish(op, SAMSA_ERR_DESTROYED, "client destroyed");
            continue;
        }
        if (!op_try(op)) {
            op->next = keep;
            keep = op;
        }
    }
    /* ops re-queued by op_try's callbacks are already on c->admin_ops */
    while (keep) {
        op = keep;
        keep = keep->next;
        op->next = c->admin_ops;
        c->admin_ops = op;
    }
}

static void admin_destroy(samsa_client *c)
{
    sc_admin_op *op, *next;

    for (op = c->admin_ops; op; op = next) {
        next = op->next;
        finish(op, SAMSA_ERR_DESTROYED, "client destroyed");
    }
    c->admin_ops = NULL;
}

static int op_start(void *arg)
{
    sc_admin_op *op = arg;

    if (!op_try(op)) {
        op_retry_later(op);
        /* waiting for a broker: make sure something will happen */
        if (op->kind == OP_OFFSETS)
            sc_mdr_refresh(op->c->mdr);
    }
    return 0;
}

/* The timer-free deadline check: a waiting op is retried on events; the
 * caller's wait itself is bounded, so an op left waiting is abandoned. */
static bool op_done(void *arg)
{
    return ((sc_admin_op *)arg)->done;
}

/* Start op and wait. *opp becomes NULL when the op was abandoned (timed
 * out: whoever completes it frees it); else the caller frees it. */
static int run_op(samsa_client *c, sc_admin_op **opp, int timeout_ms)
{
    sc_admin_op *op = *opp;
    int rc;

    if (c->in_callback && sc_client_on_loop(c)) {
        op_free(op);
        *opp = NULL;
        return sc_client_fail(c, SAMSA_ERR_REENTRANT,
                              "admin call from inside a callback");
    }
    if (timeout_ms < 0)
        timeout_ms = INT32_MAX / 2;
    op->timeout_ms = timeout_ms;
    op->deadline = sc_mono_ms() + timeout_ms;
    rc = sc_client_call(c, op_start, op);
    if (rc) {
        op_free(op);
        *opp = NULL;
        return rc;
    }
    rc = sc_client_wait(c, op_done, op, timeout_ms);
    pthread_mutex_lock(&c->mu);
    if (!op->done) {
        bool unknown = op->topic_unknown;
        char topic[256];

        snprintf(topic, sizeof topic, "%s", op->topic ? op->topic : "");
        op->abandoned = true; /* op may be freed once mu is released */
        pthread_mutex_unlock(&c->mu);
        *opp = NULL;
        if (unknown)
            return sc_client_fail(c, SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION,
                                  UNKNOWN_FMT, topic, timeout_ms);
        return sc_client_fail(c, SAMSA_ERR_TIMED_OUT,
                              "no answer within %d ms", timeout_ms);
    }
    pthread_mutex_unlock(&c->mu);
    (void)rc;
    rc = op->err;
    snprintf(c->errstr, sizeof c->errstr, "%s", op->errstr);
    return rc;
}

static int run_simple(samsa_client *c, sc_admin_op *op, int timeout_ms)
{
    int rc = run_op(c, &op, timeout_ms);

    if (op)
        op_free(op);
    return rc;
}

static sc_admin_op *op_new(samsa_client *c, int kind, int16_t key,
                           const char *topic)
{
    sc_admin_op *op = sp_calloc(c->alloc, 1, sizeof *op);

    if (!op)
        return NULL;
    op->c = c;
    op->kind = kind;
    op->api_key = key;
    if (topic) {
        size_t n = strlen(topic);
        op->topic = sp_alloc(c->alloc, n + 1);
        if (!op->topic) {
            sp_free(c->alloc, op);
            return NULL;
        }
        memcpy(op->topic, topic, n + 1);
    }
    return op;
}

static char *dup_cstr(const samsa_allocator *a, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *d = sp_alloc(a, n + 1);

    if (d) {
        if (n)
            memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

int samsa_create_topic(samsa_client *c, const char *name, int32_t partitions,
                       int16_t replication_factor, const char *const *configs,
                       size_t nconfigs, int timeout_ms)
{
    sc_admin_op *op;
    size_t i;

    if (!c || !name || !*name || (nconfigs && !configs) || nconfigs > 64)
        return SAMSA_ERR_INVALID_ARG;
    op = op_new(c, OP_CREATE, SP_CREATE_TOPICS_KEY, name);
    if (!op)
        return SAMSA_ERR_NO_MEMORY;
    op->partitions = partitions;
    op->rf = replication_factor;
    if (nconfigs) {
        op->configs = sp_calloc(c->alloc, nconfigs * 2, sizeof *op->configs);
        if (!op->configs) {
            op_free(op);
            return SAMSA_ERR_NO_MEMORY;
        }
        op->nconfigs = nconfigs;
        for (i = 0; i < nconfigs * 2; i++)
            if (!(op->configs[i] = dup_cstr(c->alloc, configs[i]))) {
                op_free(op);
                return SAMSA_ERR_NO_MEMORY;
            }
    }
    return run_simple(c, op, timeout_ms);
}

int samsa_delete_topic(samsa_client *c, const char *name, int timeout_ms)
{
    sc_admin_op *op;

    if (!c || !name || !*name)
        return SAMSA_ERR_INVALID_ARG;
    op = op_new(c, OP_DELETE, SP_DELETE_TOPICS_KEY, name);
    if (!op)
        return SAMSA_ERR_NO_MEMORY;
    return run_simple(c, op, timeout_ms);
}

int samsa_create_partitions(samsa_client *c, const char *topic,
                            int32_t total_partitions, int timeout_ms)
{
    sc_admin_op *op;

    if (!c || !topic || !*topic || total_partitions < 1)
        return SAMSA_ERR_INVALID_ARG;
    op = op_new(c, OP_PARTITIONS, SP_CREATE_PARTITIONS_KEY, topic);
    if (!op)
        return SAMSA_ERR_NO_MEMORY;
    op->partitions = total_partitions;
    return run_simple(c, op, timeout_ms);
}

int samsa_list_offset(samsa_client *c, const char *topic, int32_t partition,
                      int64_t when, int64_t *offset, int64_t *timestamp_ms,
                      int timeout_ms)
{
    sc_admin_op *op;
    int rc;

    if (!c || !topic || !*topic || !offset || when < -2)
        return SAMSA_ERR_INVALID_ARG;
    op = op_new(c, OP_OFFSETS, SP_LIST_OFFSETS_KEY, topic);
    if (!op)
        return SAMSA_ERR_NO_MEMORY;
    op->partition = partition;
    op->when = when;
    op->offset = -1;
    op->ts = -1;
    rc = run_op(c, &op, timeout_ms);
    if (!op)
        return rc; /* abandoned: freed by whoever completes it */
    *offset = op->offset;
    if (timestamp_ms)
        *timestamp_ms = op->ts;
    op_free(op);
    return rc;
}

int samsa_describe_cluster(samsa_client *c, samsa_cluster_info *info,
                           samsa_broker_info *brokers, size_t max,
                           int timeout_ms)
{
    sc_admin_op *op;
    int rc;

    if (!c || !info || (max && !brokers))
        return SAMSA_ERR_INVALID_ARG;
    op = op_new(c, OP_CLUSTER, SP_DESCRIBE_CLUSTER_KEY, NULL);
    if (!op)
        return SAMSA_ERR_NO_MEMORY;
    rc = run_op(c, &op, timeout_ms);
    if (!op)
        return rc;
    if (rc == 0) {
        *info = op->info;
        if (max > op->nbrokers)
            max = op->nbrokers;
        if (max)
            memcpy(brokers, op->brokers, max * sizeof *brokers);
    }
    op_free(op);
    return rc;
}
