/*
 * The idempotent producer's sequencing against an in-test mock broker that
 * keeps Kafka's per-producer sequence rules (next expected sequence per
 * epoch; lower = DUPLICATE_SEQUENCE_NUMBER, higher = OUT_OF_ORDER) and
 * injects faults: retriable errors, a connection dropped after the write
 * (the response is lost), lost producer state (UNKNOWN_PRODUCER_ID), an
 * out-of-order answer at the expected sequence, a fatal fencing error and
 * a non-retriable per-batch error. With any_seq it follows current Kafka
 * for a producer it holds no state for (any sequence taken: a fresh
 * partition, or state forgotten mid-run). After each run the mock's log
 * must hold every acknowledged record exactly once, in produce order.
 *
 * Also: the accumulator's batch.size / batch.num.messages / linger.ms
 * decisions, checked through internal calls on a client with no broker.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "mock_broker.h"
#include "samsa.h"
#include "msg_init_producer_id.h"
#include "msg_metadata.h"
#include "msg_produce.h"
#include "producer_int.h"
#include "record_batch.h"
#include "schema.h"

#define NREC 400

/* ---------------------------------------------------------- mock broker */

typedef struct mock {
    st_mock mb;
    /* producer state for the one partition */
    int16_t cur_epoch;
    int32_t expect;
    int init_calls;
    int64_t init_pid_sent;   /* producer id in the last InitProducerId */
    int16_t init_epoch_sent;
    int produce_reqs;
    int dup_answers;
    /* the log: record values in offset order */
    char *log[4 * NREC];
    int nlog;
    int64_t seq_off[4 * NREC]; /* current epoch: sequence -> first offset */
    /* faults, by Produce request number (1-based; 0 = off) */
    int fail_req, fail_count, fail_err; /* answer fail_err, append nothing */
    int drop_req;      /* append, then close without answering */
    int lose_req;      /* forget the producer: UNKNOWN_PRODUCER_ID */
    int ooo_req;       /* answer OUT_OF_ORDER at the expected sequence */
    int fatal_req;     /* INVALID_PRODUCER_EPOCH */
    int reject_req;    /* MESSAGE_TOO_LARGE for that batch */
    int garbage_req;   /* append, then answer with an undecodable body */
    int leaderless_md; /* this many Metadata answers without a leader */
    int any_seq;       /* current Kafka rules: no state for the producer
                        * takes any sequence (not 0 only), a lower one
                        * not of a recent batch is OUT_OF_ORDER */
    int slow_req;      /* answer that request 100 ms late (the client
                        * pipelines the following ones meanwhile) */
    int ooo_answers;
    int forget_req;    /* forget the producer's state at that request */
    int empty_md;      /* this many with the topic still being created */
    int md_reqs;
} mock;

/* Apply one batch under Kafka's rules; returns the error code and sets
 * *base to the first offset. */
static int16_t apply_batch(mock *m, int req_no, const uint8_t *buf, size_t len,
                           int64_t *base)
{
    sp_batches it;
    sp_batch b;
    sp_records rs;
    sp_record rec;
    int16_t err = 0;

    *base = -1;
    sp_batches_init(&it, buf, len);
    if (sp_batches_next(&it, &b) != 0)
        return SAMSA_ERR_CORRUPT_MESSAGE;
    if (req_no == m->lose_req) {
        m->lose_req = 0;
        m->cur_epoch = -1;
        return SAMSA_ERR_UNKNOWN_PRODUCER_ID;
    }
    if (req_no == m->ooo_req) {
        m->ooo_req = 0;
        return SAMSA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER;
    }
    if (req_no == m->fatal_req)
        return SAMSA_ERR_INVALID_PRODUCER_EPOCH;
    if (req_no == m->reject_req) {
        m->reject_req = 0;
        return SAMSA_ERR_MESSAGE_TOO_LARGE;
    }
    if (b.producer_epoch < m->cur_epoch)
        return SAMSA_ERR_INVALID_PRODUCER_EPOCH;
    if (b.producer_epoch > m->cur_epoch || m->cur_epoch < 0) {
        if (b.base_sequence != 0 && !(m->any_seq && m->cur_epoch < 0)) {
            m->ooo_answers++;
            return m->cur_epoch < 0 ? SAMSA_ERR_UNKNOWN_PRODUCER_ID
                                    : SAMSA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER;
        }
        m->cur_epoch = b.producer_epoch;
        m->expect = b.base_sequence;
        for (int i = 0; i < 4 * NREC; i++)
            m->seq_off[i] = -1;
    }
    if (b.base_sequence < m->expect) {
        /* as Kafka: a duplicate of a recent batch gets its first offset */
        m->dup_answers++;
        if (b.base_sequence >= 0 && b.base_sequence < 4 * NREC &&
            m->seq_off[b.base_sequence] >= 0) {
            *base = m->seq_off[b.base_sequence];
            return 0;
        }
        if (m->any_seq) {
            m->ooo_answers++;
            return SAMSA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER;
        }
        return SAMSA_ERR_DUPLICATE_SEQUENCE_NUMBER;
    }
    if (b.base_sequence > m->expect) {
        m->ooo_answers++;
        return SAMSA_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER;
    }
    *base = m->nlog;
    if (b.base_sequence < 4 * NREC)
        m->seq_off[b.base_sequence] = m->nlog;
    assert_int_equal(sp_batch_records(&b, NULL, &rs), 0);
    while (sp_records_next(&rs, &rec) == 0) {
        char *v = malloc((size_t)rec.value.len + 1);
        memcpy(v, rec.value.ptr, (size_t)rec.value.len);
        v[rec.value.len] = '\0';
        if (m->nlog < 4 * NREC)
            m->log[m->nlog++] = v;
        else
            free(v);
    }
    m->expect += b.record_count;
    return err;
}

/* Metadata: the one partition of "t", or (scripted) none yet or no leader. */
static void answer_metadata(mock *m, const st_mock_req *rq)
{
    ++m->md_reqs;
    if (m->md_reqs <= m->empty_md)
        st_mock_reply_metadata(rq, &m->mb, "t", 0, SAMSA_ERR_LEADER_NOT_AVAILABLE, 0);
    else if (m->md_reqs <= m->leaderless_md)
        st_mock_reply_metadata(rq, &m->mb, "t", 1, 0, SAMSA_ERR_LEADER_NOT_AVAILABLE);
    else
        st_mock_reply_metadata(rq, &m->mb, "t", 1, 0, 0);
}

static void answer_init_producer_id(mock *m, const st_mock_req *rq)
{
    sp_init_producer_id_req q;
    sp_init_producer_id_resp pr;

    st_mock_decode(rq, &sp_msg_init_producer_id_req, &q);
    m->init_calls++;
    m->init_pid_sent = q.producer_id;
    m->init_epoch_sent = q.producer_epoch;
    memset(&pr, 0, sizeof pr);
    pr.producer_id = 4242;
    pr.producer_epoch = (int16_t)(m->init_calls - 1);
    pr.ongoing_txn_producer_id = -1;
    pr.ongoing_txn_producer_epoch = -1;
    st_mock_reply(rq, &sp_msg_init_producer_id_resp, &pr);
}

/* Produce: apply the batch (or a scripted fault); false to drop the
 * connection without an answer. */
static bool answer_produce(mock *m, const st_mock_req *rq)
{
    static const uint8_t junk[] = { 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4 };
    sp_produce_req q;
    sp_produce_resp pr;
    sp_produce_resp_topic rt;
    sp_produce_resp_partition rp;
    int req_no = ++m->produce_reqs;

    if (req_no == m->slow_req)
        usleep(100 * 1000);
    if (req_no == m->forget_req)
        m->cur_epoch = -1;
    st_mock_decode(rq, &sp_msg_produce_req, &q);
    assert_int_equal(q.topic_data.count, 1);
    assert_int_equal(q.topic_data.items[0].partition_data.count, 1);
    memset(&rp, 0, sizeof rp);
    rp.index = 0;
    rp.log_append_time_ms = -1;
    rp.log_start_offset = 0;
    if (m->fail_req && req_no >= m->fail_req && req_no < m->fail_req + m->fail_count) {
        rp.error_code = (int16_t)m->fail_err;
        rp.base_offset = -1;
    } else {
        const sp_bytes *rec = &q.topic_data.items[0].partition_data.items[0].records;
        rp.error_code = apply_batch(m, req_no, rec->ptr, (size_t)rec->len, &rp.base_offset);
    }
    if (req_no == m->drop_req)
        return false; /* written, answer lost */
    if (req_no == m->garbage_req) /* written, answer undecodable */
        return st_mock_reply_raw(rq, junk, sizeof junk);
    memset(&rt, 0, sizeof rt);
    rt.name = q.topic_data.items[0].name;
    rt.partition_responses.count = 1;
    rt.partition_responses.items = &rp;
    memset(&pr, 0, sizeof pr);
    pr.responses.count = 1;
    pr.responses.items = &rt;
    st_mock_reply(rq, &sp_msg_produce_resp, &pr);
    return true;
}

/* The mock's handler (mock_broker.h): false to close the connection. */
static bool handle(void *opaque, const st_mock_req *rq)
{
    static const sp_api_version_range ranges[] = {
        { 0, 3, 11 }, { 3, 0, 12 }, { 18, 0, 3 }, { 22, 0, 4 },
    };
    mock *m = opaque;

    switch (rq->key) {
    case 18: /* ApiVersions */
        st_mock_reply_versions(rq, ranges, (int32_t)(sizeof ranges / sizeof ranges[0]));
        return true;
    case SP_METADATA_KEY:
        answer_metadata(m, rq);
        return true;
    case SP_INIT_PRODUCER_ID_KEY:
        answer_init_producer_id(m, rq);
        return true;
    case SP_PRODUCE_KEY:
        return answer_produce(m, rq);
    default:
        return false;
    }
}

static void mock_start(mock *m)
{
    memset(m, 0, sizeof *m);
    m->cur_epoch = -1;
    st_mock_start(&m->mb, handle, m);
}

static void mock_run(mock *m)
{
    st_mock_run(&m->mb);
}

static void mock_stop(mock *m)
{
    int i;

    st_mock_stop(&m->mb);
    for (i = 0; i < m->nlog; i++)
        free(m->log[i]);
}

/* ---------------------------------------------------------- client side */

typedef struct reports {
    int err[NREC];
    int64_t off[NREC];
    int count[NREC];
    int n, failed;
} reports;

static void dcb(void *opaque, const samsa_delivery *d)
{
    reports *r = opaque;
    size_t i = (size_t)(uintptr_t)d->opaque;

    r->n++;
    if (d->err)
        r->failed++;
    if (i < NREC) {
        r->err[i] = d->err;
        r->off[i] = d->offset;
        r->count[i]++;
    }
}

static samsa_client *mk_client(mock *m, reports *rep)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    char bs[64], err[256];
    samsa_client *c;

    snprintf(bs, sizeof bs, "127.0.0.1:%d", m->mb.port);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", bs, err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "batch.size", "300", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "linger.ms", "1", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "retry.backoff.ms", "5", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "retry.backoff.max.ms", "20", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "reconnect.backoff.ms", "5", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "delivery.timeout.ms", "10000", err, sizeof err), 0);
    samsa_conf_set_delivery_cb(cf, dcb, rep);
    c = samsa_client_new(cf, err, sizeof err);
    samsa_conf_destroy(cf);
    assert_non_null(c);
    return c;
}

static void produce_all(samsa_client *c, int from, int to)
{
    char v[32];
    int i;

    for (i = from; i < to; i++) {
        samsa_record r;
        memset(&r, 0, sizeof r);
        snprintf(v, sizeof v, "rec-%05d-padding-padding", i);
        r.topic = "t";
        r.partition = 0;
        r.value = v;
        r.value_len = strlen(v);
        r.timestamp_ms = -1;
        assert_int_equal(samsa_produce(c, &r, (void *)(uintptr_t)i, 5000), 0);
        if (i % 7 == 0)
            samsa_poll(c, 0); /* let batches go out while producing */
    }
}

/* The log holds exactly the acknowledged records, in order, once each. */
static void check_log(mock *m, reports *rep)
{
    int i, k = 0;

    for (i = 0; i < NREC; i++) {
        char want[32];
        assert_int_equal(rep->count[i], 1);
        if (rep->err[i])
            continue;
        snprintf(want, sizeof want, "rec-%05d-padding-padding", i);
        if (k >= m->nlog)
            fail_msg("record %d acknowledged but not in the log", i);
        assert_string_equal(m->log[k], want);
        assert_int_equal(rep->off[i], k);
        k++;
    }
    assert_int_equal(k, m->nlog);
}

/* Every record delivered, each exactly once in the log at its reported
 * offset (order not checked). */
static void check_log_once(mock *m, reports *rep)
{
    int i;

    assert_int_equal(m->nlog, NREC);
    for (i = 0; i < NREC; i++) {
        char want[32];
        assert_int_equal(rep->count[i], 1);
        assert_int_equal(rep->err[i], 0);
        assert_true(rep->off[i] >= 0 && rep->off[i] < m->nlog);
        snprintf(want, sizeof want, "rec-%05d-padding-padding", i);
        assert_string_equal(m->log[rep->off[i]], want);
    }
}

static void run_case(mock *m, reports *rep, int expect_failed)
{
    samsa_client *c;

    memset(rep, 0, sizeof *rep);
    mock_run(m);
    c = mk_client(m, rep);
    produce_all(c, 0, NREC);
    assert_int_equal(samsa_flush(c, 20000), 0);
    assert_int_equal(rep->n, NREC);
    if (expect_failed >= 0)
        assert_int_equal(rep->failed, expect_failed);
    samsa_client_destroy(c);
    st_mock_lock(&m->mb);
    check_log(m, rep);
    st_mock_unlock(&m->mb);
}

static void test_clean_run(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    run_case(&m, &rep, 0);
    assert_true(m.produce_reqs > 20); /* many batches, pipelined */
    assert_int_equal(m.init_calls, 1);
    mock_stop(&m);
}

static void test_retriable_errors_keep_order(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.fail_req = 5;
    m.fail_count = 3;
    m.fail_err = SAMSA_ERR_NOT_LEADER_OR_FOLLOWER;
    run_case(&m, &rep, 0);
    assert_int_equal(m.init_calls, 1);
    mock_stop(&m);
}

/* A fresh partition (no producer state at the broker yet, which then
 * takes any sequence) whose first batch meets NOT_LEADER_OR_FOLLOWER while
 * later ones are in flight: the broker must not take a later batch first
 * (the first one could then never be written: data loss). */
static void test_new_partition_not_leader_first(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.any_seq = 1;
    m.fail_req = 1;
    m.fail_count = 2;
    m.fail_err = SAMSA_ERR_NOT_LEADER_OR_FOLLOWER;
    m.slow_req = 1;
    run_case(&m, &rep, 0);
    assert_int_equal(m.init_calls, 1);
    mock_stop(&m);
}

/* NOT_LEADER_OR_FOLLOWER on one batch, the ones in flight behind it get
 * OUT_OF_ORDER (their predecessor is missing): those are retried behind
 * it with their sequences, no epoch bump, the retries one at a time. */
static void test_not_leader_then_out_of_order_behind(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.any_seq = 1;
    m.fail_req = 4;
    m.fail_count = 1;
    m.fail_err = SAMSA_ERR_NOT_LEADER_OR_FOLLOWER;
    m.slow_req = 4;
    run_case(&m, &rep, 0);
    assert_int_equal(m.init_calls, 1);
    assert_true(m.ooo_answers >= 1); /* the case happened */
    assert_true(m.ooo_answers <= 4); /* only the ones in flight then */
    mock_stop(&m);
}

/* The broker forgets our state while batches are in flight (state
 * expired, records deleted): the first one fails, later ones are written
 * with any sequence, the first one is then OUT_OF_ORDER below the acked
 * sequence for good: bump the epoch and renumber it, not lose it. */
static void test_out_of_order_below_acked_bumps(void **state)
{
    mock m;
    reports rep;
    samsa_client *c;

    (void)state;
    mock_start(&m);
    m.any_seq = 1;
    m.forget_req = 6;
    m.fail_req = 6;
    m.fail_count = 1;
    m.fail_err = SAMSA_ERR_NOT_LEADER_OR_FOLLOWER;
    m.slow_req = 6;
    memset(&rep, 0, sizeof rep);
    mock_run(&m);
    c = mk_client(&m, &rep);
    produce_all(c, 0, NREC);
    assert_int_equal(samsa_flush(c, 20000), 0);
    assert_int_equal(rep.n, NREC);
    assert_int_equal(rep.failed, 0);
    samsa_client_destroy(c);
    st_mock_lock(&m.mb);
    check_log_once(&m, &rep);
    st_mock_unlock(&m.mb);
    assert_int_equal(m.init_calls, 2);
    mock_stop(&m);
}

static void test_lost_response_is_deduplicated(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.drop_req = 6; /* appended, then the connection drops */
    run_case(&m, &rep, 0);
    assert_true(m.dup_answers >= 1);
    assert_int_equal(m.init_calls, 1);
    mock_stop(&m);
}

static void test_garbage_answer_is_retried(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.garbage_req = 5; /* appended, answer unreadable: resent, deduplicated */
    run_case(&m, &rep, 0);
    assert_true(m.dup_answers >= 1);
    mock_stop(&m);
}

static void test_leaderless_partition_waits_for_metadata(void **state)
{
    mock m;
    reports rep;
    time_t t0 = time(NULL);

    (void)state;
    mock_start(&m);
    m.leaderless_md = 4; /* e.g. right after creation or an election */
    run_case(&m, &rep, 0);
    assert_true(m.md_reqs > 4);
    assert_true(time(NULL) - t0 < 5); /* not the 5-minute periodic refresh */
    mock_stop(&m);
}

static void test_topic_being_created_waits_for_metadata(void **state)
{
    mock m;
    reports rep;
    time_t t0 = time(NULL);

    (void)state;
    mock_start(&m);
    m.empty_md = 4; /* LEADER_NOT_AVAILABLE, no partitions yet */
    run_case(&m, &rep, 0);
    assert_true(m.md_reqs > 4);
    assert_true(time(NULL) - t0 < 5);
    mock_stop(&m);
}

static void test_unknown_producer_id_bumps_epoch(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.lose_req = 8;
    run_case(&m, &rep, 0);
    assert_int_equal(m.init_calls, 2);
    assert_int_equal(m.init_pid_sent, 4242); /* KIP-360: same id, its epoch */
    assert_int_equal(m.init_epoch_sent, 0);
    assert_int_equal(m.cur_epoch, 1);
    mock_stop(&m);
}

static void test_out_of_order_at_expected_bumps(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.ooo_req = 4;
    run_case(&m, &rep, 0);
    assert_int_equal(m.init_calls, 2);
    mock_stop(&m);
}

static void test_rejected_batch_reported_rest_delivered(void **state)
{
    mock m;
    reports rep;

    (void)state;
    mock_start(&m);
    m.reject_req = 3;
    run_case(&m, &rep, -1);
    assert_true(rep.failed >= 1 && rep.failed < 20);
    {
        int i;
        for (i = 0; i < NREC; i++)
            if (rep.err[i])
                assert_int_equal(rep.err[i], SAMSA_ERR_MESSAGE_TOO_LARGE);
    }
    assert_int_equal(m.init_calls, 2); /* the gap needs a new epoch */
    mock_stop(&m);
}

static void test_fenced_is_fatal(void **state)
{
    mock m;
    reports rep;
    samsa_client *c;
    samsa_record r;
    int i;

    (void)state;
    mock_start(&m);
    m.fatal_req = 2;
    memset(&rep, 0, sizeof rep);
    mock_run(&m);
    c = mk_client(&m, &rep);
    produce_all(c, 0, 50);
    samsa_flush(c, 10000);
    assert_true(rep.failed >= 1);
    for (i = 0; i < 50; i++)
        if (rep.err[i])
            assert_int_equal(rep.err[i], SAMSA_ERR_FATAL);
    memset(&r, 0, sizeof r);
    r.topic = "t";
    r.partition = -1;
    r.value = "x";
    r.value_len = 1;
    r.timestamp_ms = -1;
    assert_int_equal(samsa_produce(c, &r, NULL, 0), SAMSA_ERR_FATAL);
    samsa_client_destroy(c);
    assert_int_equal(rep.n, 50);
    mock_stop(&m);
}

/* ---------------------------------------------------------- accumulator */

static void test_accumulator_limits(void **state)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    char err[256];
    samsa_client *c;
    sc_producer *p;
    sc_ptopic t;
    sc_pq *pq;
    sc_batch *b;
    int64_t now, wake;
    union { sc_staged e; uint8_t raw[256]; } u;
    int i;

    (void)state;
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", "127.0.0.1:1", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "batch.size", "1000", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "batch.num.messages", "5", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "linger.ms", "50", err, sizeof err), 0);
    c = samsa_client_new(cf, err, sizeof err);
    samsa_conf_destroy(cf);
    assert_non_null(c);
    p = c->producer;
    memset(&t, 0, sizeof t);
    t.name = "acc";
    t.namelen = 3;
    pq = sc_acc_pq_new(p, &t, 0);
    assert_non_null(pq);
    memset(&u, 0, sizeof u);
    u.e.topic_len = 3;
    memcpy(u.raw + sizeof u.e, "acc", 3);
    u.e.key_len = -1;
    u.e.value_len = 10;
    memcpy(u.raw + sizeof u.e + 3, "0123456789", 10);
    u.e.size = (uint32_t)((sizeof u.e + 13 + 7) & ~7u);
    u.e.ts = 1;
    u.e.enq_ms = sn_loop_now(c->loop);
    /* 4 records: open batch, not ready before linger.ms */
    for (i = 0; i < 4; i++)
        assert_int_equal(sc_acc_append(p, pq, &u.e), 0);
    now = sn_loop_now(c->loop);
    wake = INT64_MAX;
    assert_null(sc_acc_ready(p, pq, now, &wake));
    assert_true(wake >= now + 49 && wake <= now + 50);
    /* ready once linger.ms has passed */
    wake = INT64_MAX;
    b = sc_acc_ready(p, pq, now + 50, &wake);
    assert_non_null(b);
    assert_true(b->closed);
    assert_int_equal(b->n, 4);
    /* batch.num.messages closes the 5th-record batch at once */
    for (i = 0; i < 5; i++)
        assert_int_equal(sc_acc_append(p, pq, &u.e), 0);
    assert_non_null(pq->head->next);
    assert_true(pq->head->next->closed);
    assert_int_equal(pq->head->next->n, 5);
    /* a sequence-ordered requeue goes before unsent batches */
    b = sc_acc_pop(pq);
    b->order = 1;
    {
        /* the second one "sent" after it fails first: order still kept */
        sc_batch *b2 = sc_acc_pop(pq);
        b2->order = 2;
        sc_acc_requeue(pq, b2);
        sc_acc_requeue(pq, b);
        assert_ptr_equal(pq->head, b);
        assert_ptr_equal(pq->head->next, b2);
    }
    /* the batch on the wire decodes with its records */
    {
        sp_batches it;
        sp_batch bt;
        assert_int_equal(sp_batch_restamp(b->w.buf, b->w.len, 7, 1, 0), 0);
        sp_batches_init(&it, b->w.buf, b->w.len);
        assert_int_equal(sp_batches_next(&it, &bt), 0);
        assert_int_equal(bt.record_count, 4);
        assert_int_equal(bt.producer_id, 7);
    }
    /* the queued batches hold buffer accounting of 0 here (acct 0); free */
    while ((b = sc_acc_pop(pq)) != NULL)
        sc_acc_batch_free(p, b);
    sc_acc_pq_free(p, pq);
    samsa_client_destroy(c);
}

static void test_sequence_wrap(void **state)
{
    (void)state;
    assert_int_equal(sc_seq_add(5, 10), 15);
    assert_int_equal(sc_seq_add(INT32_MAX - 2, 3), 0);
    assert_int_equal(sc_seq_add(INT32_MAX, 1), 0);
    assert_int_equal(sc_seq_add(INT32_MAX - 1, 5), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accumulator_limits),
        cmocka_unit_test(test_sequence_wrap),
        cmocka_unit_test(test_clean_run),
        cmocka_unit_test(test_retriable_errors_keep_order),
        cmocka_unit_test(test_new_partition_not_leader_first),
        cmocka_unit_test(test_not_leader_then_out_of_order_behind),
        cmocka_unit_test(test_out_of_order_below_acked_bumps),
        cmocka_unit_test(test_lost_response_is_deduplicated),
        cmocka_unit_test(test_garbage_answer_is_retried),
        cmocka_unit_test(test_leaderless_partition_waits_for_metadata),
        cmocka_unit_test(test_topic_being_created_waits_for_metadata),
        cmocka_unit_test(test_unknown_producer_id_bumps_epoch),
        cmocka_unit_test(test_out_of_order_at_expected_bumps),
        cmocka_unit_test(test_rejected_batch_reported_rest_delivered),
        cmocka_unit_test(test_fenced_is_fatal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
