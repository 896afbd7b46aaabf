/*
 * client/consumer_offsets.c - the consumer's offset lookups: ListOffsets
 * for resets and seeks by time, OffsetForLeaderEpoch to validate a
 * position after a leader change (KIP-320). One partition per request
 * (resets are rare). See consumer_int.h; loop thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consumer_int.h"
#include "alloc.h"
#include "metadata_refresh.h"
#include "msg_list_offsets.h"
#include "msg_offset_for_leader_epoch.h"

#define ARENA_MIN (64 * 1024)

static bool is_leadership_error(int err)
{
    return err == SAMSA_ERR_NOT_LEADER_OR_FOLLOWER ||
           err == SAMSA_ERR_LEADER_NOT_AVAILABLE ||
           err == SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION ||
           err == SAMSA_ERR_FENCED_LEADER_EPOCH ||
           err == SAMSA_ERR_UNKNOWN_LEADER_EPOCH ||
           err == SAMSA_ERR_OFFSET_NOT_AVAILABLE ||
           err == SAMSA_ERR_REPLICA_NOT_AVAILABLE ||
           err == SAMSA_ERR_KAFKA_STORAGE_ERROR;
}

typedef struct po_req {
    sc_consumer *cons;
    int16_t api_key, version;
    int32_t partition;
    uint32_t gen;
    int32_t current_epoch;
    int64_t ts;             /* ListOffsets timestamp */
    int32_t epoch;          /* OffsetForLeaderEpoch: the epoch asked */
    char topic[];
} po_req;

static int encode_po(sp_writer *w, int16_t v, const void *arg)
{
    const po_req *r = arg;
    sp_str name = sp_str_of(r->topic);

    if (r->api_key == SP_LIST_OFFSETS_KEY) {
        sp_list_offsets_req req;
        sp_list_offsets_req_topic t;
        sp_list_offsets_req_partition p;

        memset(&req, 0, sizeof req);
        memset(&t, 0, sizeof t);
        p.partition_index = r->partition;
        p.current_leader_epoch = r->current_epoch;
        p.timestamp = r->ts;
        t.name = name;
        t.partitions.count = 1;
        t.partitions.items = &p;
        req.replica_id = -1;
        req.isolation_level = r->cons->read_committed ? 1 : 0;
        req.topics.count = 1;
        req.topics.items = &t;
        req.timeout_ms = 30000;
        return sp_schema_encode(w, &sp_msg_list_offsets_req, v, &req);
    } else {
        sp_offset_for_leader_epoch_req req;
        sp_ofle_req_topic t;
        sp_ofle_req_partition p;

        memset(&req, 0, sizeof req);
        memset(&t, 0, sizeof t);
        p.partition = r->partition;
        p.current_leader_epoch = r->current_epoch;
        p.leader_epoch = r->epoch;
        t.topic = name;
        t.partitions.count = 1;
        t.partitions.items = &p;
        req.replica_id = -1;
        req.topics.count = 1;
        req.topics.items = &t;
        return sp_schema_encode(w, &sp_msg_offset_for_leader_epoch_req, v, &req);
    }
}

static void po_event(sc_consumer *cons, sc_cpart *p, int err, const char *what)
{
    char msg[160];

    snprintf(msg, sizeof msg, "%s for %s [%d] failed: %s", what, p->topic,
             (int)p->partition, samsa_err_str(err));
    sc_cons_event(cons, p, err, p->off.err_offset, msg);
}

/* Apply one partition answer (under mu). Returns the retry delay (-1 none). */
static int64_t po_apply(sc_consumer *cons, const po_req *r, sc_cpart *p,
                        int16_t ec, int64_t offset, int32_t epoch)
{
    sc_offsets *o = &p->off;

    if (ec && is_leadership_error(ec)) {
        sc_mdr_refresh(cons->c->mdr);
        return cons->retry_backoff_ms;
    }
    if (r->api_key == SP_LIST_OFFSETS_KEY) {
        if (ec) {
            if (o->gen == r->gen && o->state == SC_POS_RESET) {
                sc_off_fail(o, ec, -1);
                po_event(cons, p, ec, "ListOffsets");
            }
            return -1;
        }
        if (offset < 0 && o->gen == r->gen && o->state == SC_POS_RESET) {
            /* no message at or after the timestamp: the end */
            sc_off_seek_list(o, SC_LIST_LATEST);
            return 0;
        }
        sc_off_reset_done(o, r->gen, offset, epoch);
        return 0;
    }
    if (ec) {
        /* no truncation check possible here: take the position as is */
        if (o->gen == r->gen && o->state == SC_POS_VALIDATE)
            sc_off_epoch_end(o, r->gen, o->fetch_epoch, o->fetch_offset,
                             cons->policy);
        return 0;
    }
    if (sc_off_epoch_end(o, r->gen, epoch, offset, cons->policy) ==
        SC_ACT_REPORT) {
        char msg[160];

        snprintf(msg, sizeof msg, "%s [%d]: log truncated at %lld (KIP-320)",
                 p->topic, (int)p->partition, (long long)o->err_offset);
        sc_cons_event(cons, p, o->err, o->err_offset, msg);
    }
    return 0;
}

static void po_cb(void *opaque, int err, const uint8_t *body, size_t len)
{
    po_req *r = opaque;
    sc_consumer *cons = r->cons;
    samsa_client *c = cons->c;
    int64_t retry = cons->retry_backoff_ms;
    sp_arena arena;
    sc_cpart *p;
    int16_t ec = 0;
    int64_t offset = -1;
    int32_t epoch = -1;
    bool answered = false;

    if (c->closing || cons->closed) {
        sp_free(c->alloc, r);
        return;
    }
    if (err == SAMSA_ERR_DESTROYED) /* its connection was replaced (broker moved) */
        err = SAMSA_ERR_TRANSPORT; /* so: retry like a drop, never stay busy */
    sp_arena_init(&arena, c->alloc, ARENA_MIN + 16 * len);
    if (err == 0 && r->api_key == SP_LIST_OFFSETS_KEY) {
        sp_list_offsets_resp resp;

        if (sp_schema_decode(&sp_msg_list_offsets_resp, r->version, &resp,
                             &arena, body, len) == 0 &&
            resp.topics.count == 1 && resp.topics.items[0].partitions.count == 1) {
            const sp_list_offsets_resp_partition *rp =
                &resp.topics.items[0].partitions.items[0];
            ec = rp->error_code;
            offset = rp->offset;
            epoch = rp->leader_epoch;
            answered = true;
        }
    } else if (err == 0) {
        sp_offset_for_leader_epoch_resp resp;

        if (sp_schema_decode(&sp_msg_offset_for_leader_epoch_resp, r->version,
                             &resp, &arena, body, len) == 0 &&
            resp.topics.count == 1 && resp.topics.items[0].partitions.count == 1) {
            const sp_ofle_resp_partition *rp =
                &resp.topics.items[0].partitions.items[0];
            ec = rp->error_code;
            offset = rp->end_offset;
            epoch = rp->leader_epoch;
            answered = true;
        }
    }
    sp_arena_free(&arena);

    pthread_mutex_lock(&c->mu);
    p = sc_cons_find(cons, r->topic, strlen(r->topic), r->partition);
    if (p) {
        if (r->api_key == SP_LIST_OFFSETS_KEY)
            p->list_inflight = false;
        else
            p->validate_inflight = false;
        if (answered)
            retry = po_apply(cons, r, p, ec, offset, epoch);
    }
    pthread_mutex_unlock(&c->mu);
    sp_free(c->alloc, r);
    if (err == SAMSA_ERR_TRANSPORT || err == SAMSA_ERR_TIMED_OUT)
        sc_mdr_refresh(c->mdr); /* the leader may be gone: sent again below */
    if (retry >= 0)
        sc_cons_kick(cons, retry);
}

/* See consumer_int.h. */
bool sc_cons_po_send(sc_consumer *cons, sc_cpart *p, int16_t api_key)
{
    samsa_client *c = cons->c;
    sn_conn *conn = sc_cons_ready_conn(cons, p->leader);
    size_t tl = strlen(p->topic) + 1;
    sn_request sr;
    po_req *r;
    int16_t v;
    int rc;

    if (!conn)
        return false;
    if (sn_conn_api_version(conn, api_key, &v) != 0) {
        if (api_key == SP_OFFSET_FOR_LEADER_EPOCH_KEY) {
            /* cannot validate with this broker: accept the position */
            sc_off_epoch_end(&p->off, p->off.gen, p->off.fetch_epoch,
                             p->off.fetch_offset, cons->policy);
            return true;
        }
        sc_off_fail(&p->off, SAMSA_ERR_UNSUPPORTED_VERSION, -1);
        po_event(cons, p, SAMSA_ERR_UNSUPPORTED_VERSION, "ListOffsets");
        return true;
    }
    r = sp_calloc(c->alloc, 1, sizeof *r + tl);
    if (!r)
        return false;
    r->cons = cons;
    r->api_key = api_key;
    r->version = v;
    r->partition = p->partition;
    r->gen = p->off.gen;
    r->current_epoch = p->off.leader_epoch;
    r->ts = p->off.reset_ts;
    r->epoch = p->off.fetch_epoch;
    memcpy(r->topic, p->topic, tl);
    memset(&sr, 0, sizeof sr);
    sr.api_key = api_key;
    sr.api_version = v;
    sr.encode = encode_po;
    sr.encode_arg = r;
    sr.cb = po_cb;
    sr.opaque = r;
    rc = sn_conn_send(conn, &sr);
    if (rc) {
        sp_free(c->alloc, r);
        return false;
    }
    if (api_key == SP_LIST_OFFSETS_KEY)
        p->list_inflight = true;
    else
        p->validate_inflight = true;
    return true;
}
