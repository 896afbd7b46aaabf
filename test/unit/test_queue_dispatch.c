/*
 * queue/ dispatcher pieces that need no broker: the queue.* property table
 * and its parsing (retry levels, ranges, enums), the retry/DLQ policy
 * (sq_decide) over every mode, the middleware chain order and short-circuit
 * around the handler, per-message batch results, job accessors (added
 * headers, output records, limits), topic naming, and the life-cycle
 * calls that must refuse misuse before run().
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "samsa.h"
#include "samsa/queue.h"
#include "queue_int.h"

static void test_conf_table(void **state)
{
    const char *def, *doc, *name;
    sq_conf_vals v;
    size_t i;
    (void)state;

    for (i = 0; (name = samsa_queue_conf_property(i, &def, &doc)) != NULL; i++) {
        assert_int_equal(strncmp(name, "queue.", 6), 0);
        assert_non_null(def);
        assert_true(strlen(doc) > 10);
        /* every default parses */
        assert_int_equal(sq_conf_set(&v, name, def, NULL, 0), 0);
    }
    assert_true(i >= 20);
    sq_conf_defaults(&v);
    assert_int_equal(v.workers, 4);
    assert_int_equal(v.ordering, SQ_ORDER_PARTITION);
    assert_int_equal(v.retry_max_attempts, 5);
    assert_int_equal(v.commit_threshold, 100);
    assert_int_equal(v.commit_interval_ms, 5000);
    assert_int_equal(v.on_exhausted, SQ_EXH_DLQ);
    assert_int_equal(v.nlevels, 0);
    assert_true(v.topic_create);
    assert_false(v.commit_metadata);
}

static void test_conf_values(void **state)
{
    sq_conf_vals v;
    char err[256];
    (void)state;

    sq_conf_defaults(&v);
    assert_int_equal(sq_conf_set(&v, "queue.workers", "16", err, sizeof err), 0);
    assert_int_equal(v.workers, 16);
    assert_int_equal(sq_conf_set(&v, "queue.workers", "0", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_non_null(strstr(err, "queue.workers"));
    assert_non_null(strstr(err, "1..1024"));
    assert_int_equal(sq_conf_set(&v, "queue.workers", "4x", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_int_equal(v.workers, 16);
    assert_int_equal(sq_conf_set(&v, "queue.ordering", "key", err, sizeof err), 0);
    assert_int_equal(v.ordering, SQ_ORDER_KEY);
    assert_int_equal(sq_conf_set(&v, "queue.ordering", "none", err, sizeof err), 0);
    assert_int_equal(v.ordering, SQ_ORDER_NONE);
    assert_int_equal(sq_conf_set(&v, "queue.ordering", "keys", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_non_null(strstr(err, "partition|key|none"));
    assert_int_equal(sq_conf_set(&v, "queue.on.exhausted", "stop", err, sizeof err), 0);
    assert_int_equal(v.on_exhausted, SQ_EXH_STOP);
    assert_int_equal(sq_conf_set(&v, "queue.retry.multiplier", "1.5", err, sizeof err), 0);
    assert_true(v.retry_multiplier == 1.5);
    assert_int_equal(sq_conf_set(&v, "queue.retry.multiplier", "0.5", err, sizeof err),
                     SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.retry.multiplier", "nan", err, sizeof err),
                     SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.commit.metadata", "true", err, sizeof err), 0);
    assert_true(v.commit_metadata);
    assert_int_equal(sq_conf_set(&v, "queue.commit.metadata", "yes", err, sizeof err),
                     SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.dlq.topic", "dead.letters", err, sizeof err), 0);
    assert_string_equal(v.dlq_topic, "dead.letters");
    assert_int_equal(sq_conf_set(&v, "queue.dlq.topic", "bad topic", err, sizeof err),
                     SAMSA_ERR_CONFIG);
    assert_string_equal(v.dlq_topic, "dead.letters");
    assert_int_equal(sq_conf_set(&v, "queue.nope", "1", err, sizeof err),
                     SAMSA_ERR_UNKNOWN_PROPERTY);
    assert_non_null(strstr(err, "queue.nope"));
}

static void test_conf_levels(void **state)
{
    sq_conf_vals v;
    char err[256];
    (void)state;

    sq_conf_defaults(&v);
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "10s,1m,5m", err, sizeof err), 0);
    assert_int_equal(v.nlevels, 3);
    assert_int_equal(v.level_ms[0], 10000);
    assert_int_equal(v.level_ms[1], 60000);
    assert_int_equal(v.level_ms[2], 300000);
    assert_string_equal(v.level_name[0], "10s");
    assert_string_equal(v.level_name[2], "5m");
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", " 250ms , 2h ,500", err, sizeof err), 0);
    assert_int_equal(v.nlevels, 3);
    assert_int_equal(v.level_ms[0], 250);
    assert_int_equal(v.level_ms[1], 7200000);
    assert_int_equal(v.level_ms[2], 500);
    assert_string_equal(v.level_name[1], "2h");
    /* refused values leave the old ones */
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "0s", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "10x", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "1s,,2s", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "-1s", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "1s,2s,3s,4s,5s,6s,7s,8s,9s", err,
                                 sizeof err), SAMSA_ERR_CONFIG);
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "99999999h", err, sizeof err),
                     SAMSA_ERR_CONFIG);
    assert_int_equal(v.nlevels, 3);
    assert_int_equal(sq_conf_set(&v, "queue.retry.topics", "", err, sizeof err), 0);
    assert_int_equal(v.nlevels, 0);
}

static void test_decide(void **state)
{
    sq_conf_vals v;
    (void)state;

    sq_conf_defaults(&v); /* 5 attempts in place, dlq */
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_OK, 1, -1), SQ_ACT_DONE);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_OK, 99, -1), SQ_ACT_DONE);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 1, -1), SQ_ACT_RETRY_IN_PLACE);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 4, -1), SQ_ACT_RETRY_IN_PLACE);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 5, -1), SQ_ACT_DLQ);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_FAIL, 1, -1), SQ_ACT_DLQ);
    assert_int_equal(sq_decide(&v, (samsa_queue_result)7, 1, -1), SQ_ACT_DLQ);
    v.on_exhausted = SQ_EXH_BLOCK;
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 5, -1), SQ_ACT_BLOCK);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_FAIL, 1, -1), SQ_ACT_BLOCK);
    v.on_exhausted = SQ_EXH_STOP;
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_FAIL, 1, -1), SQ_ACT_STOP);
    v.on_exhausted = SQ_EXH_DLQ;
    v.retry_max_attempts = 1; /* no retry at all */
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 1, -1), SQ_ACT_DLQ);
    /* retry topics: main -> level 0 -> level 1 -> exhausted */
    assert_int_equal(sq_conf_parse_levels("1s,2s", &v, NULL, 0), 0);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 1, -1), SQ_ACT_RETRY_TOPIC);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 2, 0), SQ_ACT_RETRY_TOPIC);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_RETRY, 3, 1), SQ_ACT_DLQ);
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_FAIL, 1, -1), SQ_ACT_DLQ); /* FAIL skips levels */
    assert_int_equal(sq_decide(&v, SAMSA_QUEUE_OK, 2, 0), SQ_ACT_DONE);
}

/* ---- middleware chain around the handler ---- */

static char trail[256];

static void note(const char *s)
{
    strncat(trail, s, sizeof trail - strlen(trail) - 1);
}

static samsa_queue_result h_ok(void *opaque, samsa_queue_job *job)
{
    (void)opaque;
    (void)job;
    note("H");
    return SAMSA_QUEUE_OK;
}

static samsa_queue_result h_batch(void *opaque, samsa_queue_job *job)
{
    (void)opaque;
    note("B");
    samsa_queue_job_set_result(job, 1, SAMSA_QUEUE_FAIL);
    samsa_queue_job_set_result(job, 9, SAMSA_QUEUE_FAIL); /* ignored */
    return SAMSA_QUEUE_RETRY;
}

static samsa_queue_result b1(void *o, samsa_queue_job *j) { (void)o; (void)j; note("b1"); return SAMSA_QUEUE_OK; }
static samsa_queue_result b2(void *o, samsa_queue_job *j) { (void)j; note("b2"); return o ? SAMSA_QUEUE_FAIL : SAMSA_QUEUE_OK; }
static samsa_queue_result a1(void *o, samsa_queue_job *j, samsa_queue_result r)
{
    (void)o; (void)j;
    note(r == SAMSA_QUEUE_OK ? "a1ok" : "a1fail");
    return r;
}
static samsa_queue_result a2(void *o, samsa_queue_job *j, samsa_queue_result r)
{
    (void)j;
    note("a2");
    return o ? SAMSA_QUEUE_RETRY : r;
}

static samsa_queue *fake_queue(samsa_queue_handler *h)
{
    samsa_queue *q = calloc(1, sizeof *q);

    assert_non_null(q);
    q->handler = h;
    return q;
}

static sq_job *fake_job(samsa_queue *q, size_t n)
{
    sq_job *job = calloc(1, sizeof *job);

    assert_non_null(job);
    job->q = q;
    job->n = n;
    job->vn = n;
    job->msgs = calloc(n, sizeof *job->msgs);
    assert_non_null(job->msgs);
    return job;
}

static void test_middleware_chain(void **state)
{
    samsa_queue *q = fake_queue(h_ok);
    sq_job *job = fake_job(q, 1);
    samsa_queue_middleware m1 = { "m1", b1, a1, NULL };
    samsa_queue_middleware m2 = { "m2", b2, a2, NULL };
    (void)state;

    q->mw[0] = m1;
    q->mw[1] = m2;
    q->nmw = 2;
    trail[0] = '\0';
    sq_run_job(q, job);
    assert_string_equal(trail, "b1b2Ha2a1ok");
    assert_int_equal(job->result, SAMSA_QUEUE_OK);
    assert_int_equal(job->msgs[0].result, SAMSA_QUEUE_OK);
    assert_true(job->elapsed_us >= 0);

    /* a before hook that says FAIL skips the handler; afters still run
     * for the hooks that ran, innermost first */
    q->mw[1].opaque = q;
    trail[0] = '\0';
    sq_run_job(q, job);
    assert_string_equal(trail, "b1b2a2a1fail");
    assert_int_equal(job->msgs[0].result, SAMSA_QUEUE_RETRY); /* a2 changed it */
    free(job->msgs);
    free(job);
    free(q);
}

static void test_batch_results(void **state)
{
    samsa_queue *q = fake_queue(h_batch);
    sq_job *job = fake_job(q, 3);
    (void)state;

    trail[0] = '\0';
    sq_run_job(q, job);
    assert_string_equal(trail, "B");
    assert_int_equal(job->msgs[0].result, SAMSA_QUEUE_RETRY);
    assert_int_equal(job->msgs[1].result, SAMSA_QUEUE_FAIL);
    assert_int_equal(job->msgs[2].result, SAMSA_QUEUE_RETRY);
    assert_int_equal(samsa_queue_job_count(job), 3);
    free(job->msgs);
    free(job);
    free(q);
}

static void test_job_accessors(void **state)
{
    samsa_queue *q = fake_queue(h_ok);
    sq_job *job = fake_job(q, 1);
    samsa_header h = { "x-out", "1", 1 };
    samsa_record rec;
    char key[64], big[300];
    int i;
    (void)state;

    q->alloc = NULL;
    job->msgs[0].otopic = strdup("orders");
    job->msgs[0].otopic_owned = true;
    job->msgs[0].opart = 3;
    job->msgs[0].ooff = 42;
    job->msgs[0].attempt = 2;
    assert_int_equal(samsa_queue_job_key(job, 0, key, sizeof key), strlen("orders_3_42"));
    assert_string_equal(key, "orders_3_42");
    assert_int_equal(samsa_queue_job_key(job, 0, key, 4), strlen("orders_3_42"));
    assert_string_equal(key, "ord");
    assert_int_equal(samsa_queue_job_attempt(job, 0), 2);
    assert_int_equal(samsa_queue_job_attempt(job, 1), 0);
    assert_null(samsa_queue_job_message(job, 1));

    for (i = 0; i < SQ_MAX_ADDED_HDRS; i++)
        assert_int_equal(samsa_queue_job_add_header(job, "k", "v", 1), 0);
    assert_int_equal(samsa_queue_job_add_header(job, "k", "v", 1), SAMSA_ERR_LIMIT);
    assert_int_equal(samsa_queue_job_add_header(job, NULL, "v", 1), SAMSA_ERR_INVALID_ARG);

    memset(&rec, 0, sizeof rec);
    rec.topic = "out";
    rec.value = "payload";
    rec.value_len = 7;
    rec.headers = &h;
    rec.nheaders = 1;
    assert_int_equal(samsa_queue_job_produce(job, &rec), 0);
    assert_int_equal(job->nouts, 1);
    assert_string_equal(job->outs->rec.topic, "out");
    assert_true(job->outs->rec.value != rec.value); /* copied */
    assert_memory_equal(job->outs->rec.value, "payload", 7);
    assert_string_equal(job->outs->rec.headers[0].name, "x-out");
    rec.topic = NULL;
    assert_int_equal(samsa_queue_job_produce(job, &rec), SAMSA_ERR_INVALID_ARG);

    memset(big, 'e', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    samsa_queue_job_set_error(job, big);
    assert_int_equal(strlen(job->err), sizeof job->err - 1);

    /* sq_job_free releases everything (no messages attached here) */
    job->msgs[0].m = NULL;
    sq_job_free(job);
    free(q);
}

/* ---- a chain (queue.ordering=partition) that produces outputs ---- */

static samsa_queue_result h_one_out(void *opaque, samsa_queue_job *job)
{
    samsa_record rec;
    (void)opaque;

    memset(&rec, 0, sizeof rec);
    rec.topic = "out";
    rec.value = "v";
    rec.value_len = 1;
    if (samsa_queue_job_produce(job, &rec) != 0 ||
        samsa_queue_job_add_header(job, "x-added", "1", 1) != 0)
        return SAMSA_QUEUE_FAIL;
    note("H");
    return SAMSA_QUEUE_OK;
}

/* Each message of a chain produces one output and adds one header: the
 * chain stops after each, and when the job goes on with the rest, the
 * outputs and headers of the message before are gone (they were produced
 * once); they must not be produced again with the next message's. */
static void test_chain_outputs_per_message(void **state)
{
    samsa_queue *q = fake_queue(h_one_out);
    sq_job *job = fake_job(q, 3);
    sq_lanes_config lc = { SQ_ORDER_PARTITION, 16, 1, 0 };
    sq_part part;
    void *item;
    sq_lane *lane;
    size_t round;
    (void)state;

    memset(&part, 0, sizeof part);
    part.owned = true;
    q->alloc = NULL;
    assert_int_equal(sq_lanes_create(&q->lanes, NULL, &lc), 0);
    assert_int_equal(sq_backoff_init(&q->bo, 0, 1.0, 0, 0.0, 1), 0);
    job->part = &part;
    job->chain = true;
    assert_int_equal(sq_lanes_push(q->lanes, 0, NULL, 0, job), 0);
    trail[0] = '\0';
    for (round = 0; round < 3; round++) {
        assert_int_equal(sq_lanes_next(q->lanes, sq_now_ms() + 1, &item, &lane), 0);
        assert_ptr_equal(item, job);
        job->lane = lane;
        sq_run_job(q, job);
        assert_int_equal(job->result, SAMSA_QUEUE_OK);
        /* the chain stopped after the first message: its output only */
        assert_true(job->msgs[0].ran);
        assert_int_equal(job->n, 3 - round);
        if (job->n > 1)
            assert_false(job->msgs[1].ran);
        assert_int_equal(job->nouts, 1);
        assert_int_equal(job->nhdrs, 1);
        assert_non_null(job->outs);
        assert_null(job->outs->next);
        /* as if its output was acknowledged and the message completed */
        job->msgs[0].state = SQ_M_DONE;
        if (round == 2)
            break;
        sq_job_advance(q, job);
        assert_int_equal(job->n, 2 - round);
        assert_int_equal(job->nouts, 0);
        assert_null(job->outs);
        assert_int_equal(job->nhdrs, 0);
    }
    assert_string_equal(trail, "HHH");
    assert_int_equal(part.waiting_retry, 2);
    job->lane = NULL;
    sq_job_free(job);
    sq_lanes_destroy(q->lanes);
    free(q);
}

/* A lazy chain (main topic, no middleware): the handler sees each
 * message through job->cur; offset 12 retries, offset 21 gets FAIL set
 * while the handler returns OK. */
static int64_t lazy_seen[8];
static size_t nlazy_seen;

static samsa_queue_result h_lazy(void *opaque, samsa_queue_job *job)
{
    const samsa_message *m = samsa_queue_job_message(job, 0);
    const char *topic = NULL;
    int32_t part = -1;
    int64_t off = -1;
    (void)opaque;

    assert_int_equal(samsa_queue_job_count(job), 1);
    assert_null(samsa_queue_job_message(job, 1));
    assert_int_equal(samsa_queue_job_attempt(job, 0), 1);
    samsa_queue_job_origin(job, 0, &topic, &part, &off);
    assert_string_equal(topic, "lazy");
    assert_int_equal(part, 3);
    assert_int_equal(off, m->offset);
    lazy_seen[nlazy_seen++] = m->offset;
    if (m->offset == 12) {
        samsa_queue_job_set_error(job, "twelve");
        return SAMSA_QUEUE_RETRY;
    }
    if (m->offset == 21)
        samsa_queue_job_set_result(job, 0, SAMSA_QUEUE_FAIL);
    return SAMSA_QUEUE_OK;
}

static void lazy_run(samsa_queue *q, sq_job *job, samsa_message *ms, int64_t first)
{
    size_t i;

    for (i = 0; i < job->n; i++) {
        memset(&ms[i], 0, sizeof ms[i]);
        ms[i].topic = "lazy";
        ms[i].partition = 3;
        ms[i].offset = first + (int64_t)i;
        sq_job_lm(job)[i] = &ms[i]; /* nothing else: as sq_job_new leaves it */
    }
    job->lazy = true;
    job->chain = true;
    nlazy_seen = 0;
    sq_run_job(q, job);
}

/* A lazy job keeps packed message pointers; expanding it rewrites the
 * same memory into full entries from the end: every entry must get its own
 * message, whatever the length (entry i covers pointers 11i..11i+10). */
static void test_lazy_expand_in_place(void **state)
{
    static const size_t sizes[] = { 1, 2, 11, 12, 100, 4096 };
    samsa_queue *q = fake_queue(h_ok);
    size_t s, i;
    (void)state;

    for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        sq_job *job = fake_job(q, n);
        samsa_message *ms = calloc(n, sizeof *ms);

        assert_non_null(ms);
        for (i = 0; i < n; i++) {
            ms[i].topic = "t";
            ms[i].partition = 1;
            ms[i].offset = 1000 + (int64_t)i;
            sq_job_lm(job)[i] = &ms[i];
        }
        job->lazy = true;
        job->nran = n / 2;
        assert_ptr_equal(sq_job_msg(job, n - 1), &ms[n - 1]);
        sq_job_expand(job);
        assert_false(job->lazy);
        for (i = 0; i < n; i++) {
            assert_ptr_equal(job->msgs[i].m, &ms[i]);
            assert_ptr_equal(sq_job_msg(job, i), &ms[i]);
            assert_int_equal(job->msgs[i].ooff, 1000 + (int64_t)i);
            assert_int_equal(job->msgs[i].ack.idx, (int)i);
            assert_int_equal(job->msgs[i].ran, i < n / 2);
        }
        free(job->msgs);
        free(job);
        free(ms);
    }
    free(q);
}

static void test_lazy_chain(void **state)
{
    samsa_queue *q = fake_queue(h_lazy);
    sq_job *job = fake_job(q, 4);
    samsa_message ms[4];
    (void)state;

    /* every message OK: nothing but the count comes back */
    lazy_run(q, job, ms, 0);
    assert_int_equal(nlazy_seen, 4);
    assert_int_equal(lazy_seen[3], 3);
    assert_true(job->all_ran);
    assert_int_equal(job->nran, 4);
    assert_true(job->lazy);

    /* offset 12 retries: the chain stops there, 13 not run */
    lazy_run(q, job, ms, 10);
    assert_int_equal(nlazy_seen, 3);
    assert_false(job->all_ran);
    assert_int_equal(job->nran, 3);
    assert_int_equal(job->result, SAMSA_QUEUE_RETRY);
    assert_string_equal(job->err, "twelve");
    sq_job_expand(job);
    assert_false(job->lazy);
    assert_true(job->msgs[0].ran && job->msgs[1].ran && job->msgs[2].ran);
    assert_false(job->msgs[3].ran);
    assert_int_equal(job->msgs[1].result, SAMSA_QUEUE_OK);
    assert_int_equal(job->msgs[2].result, SAMSA_QUEUE_RETRY);
    assert_int_equal(job->msgs[2].state, SQ_M_HANDLE);
    assert_int_equal(job->msgs[2].attempt, 1);
    assert_int_equal(job->msgs[2].level, -1);
    assert_int_equal(job->msgs[2].ooff, 12);
    assert_ptr_equal(job->msgs[3].m, &ms[3]);
    assert_ptr_equal(job->msgs[3].ack.job, job);
    assert_int_equal(job->msgs[3].ack.idx, 3);

    /* a result set by the handler stops the chain like a returned one */
    lazy_run(q, job, ms, 20);
    assert_int_equal(nlazy_seen, 2);
    assert_int_equal(job->nran, 2);
    assert_int_equal(job->result, SAMSA_QUEUE_OK);
    sq_job_expand(job);
    assert_int_equal(job->msgs[0].result, SAMSA_QUEUE_OK);
    assert_int_equal(job->msgs[1].result, SAMSA_QUEUE_FAIL);
    assert_true(job->msgs[1].result_set);
    assert_false(job->msgs[2].ran);
    sq_job_expand(job); /* not lazy any more: nothing */
    assert_int_equal(job->msgs[1].result, SAMSA_QUEUE_FAIL);
    free(job->msgs);
    free(job);
    free(q);
}

static samsa_queue_conf *conf_offline(void)
{
    samsa_queue_conf *qc = samsa_queue_conf_new(NULL);
    char err[256];

    assert_non_null(qc);
    assert_int_equal(samsa_queue_conf_set(qc, "bootstrap.servers", "127.0.0.1:1", err, sizeof err), 0);
    return qc;
}

static void test_life_cycle_refusals(void **state)
{
    samsa_queue_conf *qc = conf_offline();
    samsa_queue_middleware mw;
    samsa_queue_stats st;
    samsa_queue *q;
    samsa_topic_partition tp;
    const char *bad = "bad topic", *good = "hqueue-unit";
    char err[256], name[300];
    int i;
    (void)state;

    assert_int_equal(samsa_queue_conf_set(qc, "no.such.property", "1", err, sizeof err),
                     SAMSA_ERR_UNKNOWN_PROPERTY);
    assert_int_equal(samsa_queue_conf_set(qc, "queue.workers", "x", err, sizeof err),
                     SAMSA_ERR_CONFIG);
    assert_null(samsa_queue_new(qc, NULL, NULL, NULL, err, sizeof err));
    assert_null(samsa_queue_new(qc, h_ok, h_ok, NULL, err, sizeof err));
    q = samsa_queue_new(qc, h_ok, NULL, NULL, err, sizeof err);
    assert_non_null(q);
    memset(&tp, 0, sizeof tp);
    tp.topic = good;
    assert_int_equal(samsa_queue_assign(q, &tp, 1), SAMSA_ERR_CONFIG); /* no store */
    assert_int_equal(samsa_queue_run(q), SAMSA_ERR_STATE);             /* nothing to read */
    assert_int_equal(samsa_queue_subscribe(q, &bad, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(samsa_queue_subscribe(q, &good, 1), 0);
    assert_int_equal(samsa_queue_subscribe(q, &good, 1), SAMSA_ERR_STATE);
    mw = samsa_queue_mw_timing(q);
    for (i = 0; i < SQ_MAX_MW; i++)
        assert_int_equal(samsa_queue_use(q, &mw), 0);
    assert_int_equal(samsa_queue_use(q, &mw), SAMSA_ERR_LIMIT);
    assert_int_equal(samsa_queue_stats_get(q, &st, NULL, 0), 0);
    assert_int_equal(st.processed, 0);
    samsa_queue_stop(q); /* before run: run returns at once */
    assert_int_equal(sq_retry_topic_name(q, "orders", 0, name, sizeof name), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_dlq_topic_name(q, "orders", name, sizeof name), 0);
    assert_string_equal(name, "orders.dlq");
    memset(name, 'a', 246);
    name[246] = '\0';
    {
        char out[300];

        assert_int_equal(sq_dlq_topic_name(q, name, out, sizeof out), SAMSA_ERR_LIMIT);
    }
    samsa_queue_destroy(q);

    assert_int_equal(samsa_queue_conf_set(qc, "queue.retry.topics", "10s,1m", err, sizeof err), 0);
    assert_int_equal(samsa_queue_conf_set(qc, "queue.dlq.topic", "all.dead", err, sizeof err), 0);
    q = samsa_queue_new(qc, NULL, h_ok, NULL, err, sizeof err);
    assert_non_null(q);
    assert_int_equal(sq_retry_topic_name(q, "orders", 1, name, sizeof name), 0);
    assert_string_equal(name, "orders.retry.1m");
    assert_int_equal(sq_dlq_topic_name(q, "orders", name, sizeof name), 0);
    assert_string_equal(name, "all.dead");
    assert_int_equal(samsa_queue_subscribe(q, &good, 1), 0);
    assert_int_equal(sq_topic_level(q, "hqueue-unit.retry.10s", NULL), 0);
    assert_int_equal(sq_topic_level(q, "hqueue-unit.retry.1m", NULL), 1);
    assert_int_equal(sq_topic_level(q, "hqueue-unit", NULL), -1);
    assert_int_equal(sq_topic_level(q, "other.retry.1m", NULL), -1);
    samsa_queue_destroy(q);
    samsa_queue_conf_destroy(qc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conf_table),
        cmocka_unit_test(test_conf_values),
        cmocka_unit_test(test_conf_levels),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_middleware_chain),
        cmocka_unit_test(test_batch_results),
        cmocka_unit_test(test_job_accessors),
        cmocka_unit_test(test_chain_outputs_per_message),
        cmocka_unit_test(test_lazy_chain),
        cmocka_unit_test(test_lazy_expand_in_place),
        cmocka_unit_test(test_life_cycle_refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
