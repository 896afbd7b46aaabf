/*
 * Ordering lanes: partition, key and none modes; bounds; a retry blocking
 * only its lane; revoke with work in flight; and a random workload checked
 * against the rules (per-key order, one in flight per lane, nothing lost).
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "lanes.h"
#include "samsa/error.h"

static sq_lanes *make(int mode, uint32_t cap, uint32_t parts, uint32_t pcap)
{
    sq_lanes_config cfg = { mode, cap, parts, pcap };
    sq_lanes *ls;

    assert_int_equal(sq_lanes_create(&ls, NULL, &cfg), 0);
    return ls;
}

static int items[64];

static void *expect_next(sq_lanes *ls, int64_t now, sq_lane **lane)
{
    void *it = NULL;

    assert_int_equal(sq_lanes_next(ls, now, &it, lane), 0);
    return it;
}

static void expect_none(sq_lanes *ls, int64_t now)
{
    void *it;
    sq_lane *l;

    assert_int_equal(sq_lanes_next(ls, now, &it, &l), SAMSA_ERR_NOT_FOUND);
}

static void test_partition_mode(void **state)
{
    sq_lanes *ls = make(SQ_ORDER_PARTITION, 8, 2, 0);
    sq_lane *a, *b;
    (void)state;

    assert_int_equal(sq_lanes_push(ls, 0, "k1", 2, &items[0]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "k2", 2, &items[1]), 0);
    assert_int_equal(sq_lanes_push(ls, 1, NULL, 0, &items[2]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, NULL, 0, &items[3]), 0);
    assert_ptr_equal(expect_next(ls, 0, &a), &items[0]);
    assert_ptr_equal(expect_next(ls, 0, &b), &items[2]);
    expect_none(ls, 0); /* keys do not matter: one per partition */
    assert_int_equal(sq_lanes_done(ls, a), 0);
    assert_ptr_equal(expect_next(ls, 0, &a), &items[1]);
    assert_int_equal(sq_lanes_done(ls, a), 0);
    assert_ptr_equal(expect_next(ls, 0, &a), &items[3]);
    assert_int_equal(sq_lanes_done(ls, a), 0);
    assert_int_equal(sq_lanes_done(ls, a), SAMSA_ERR_STATE);
    assert_int_equal(sq_lanes_done(ls, b), 0);
    expect_none(ls, 0);
    {
        sq_lanes_stats st;
        sq_lanes_get_stats(ls, &st);
        assert_int_equal(st.lanes, 0);
        assert_int_equal(st.queued + st.in_flight + st.blocked, 0);
    }
    sq_lanes_destroy(ls);
}

static void test_key_mode(void **state)
{
    sq_lanes *ls = make(SQ_ORDER_KEY, 16, 2, 0);
    sq_lane *k1, *k2, *nk, *k1b, *e;
    (void)state;

    assert_int_equal(sq_lanes_push(ls, 0, "k1", 2, &items[0]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "k2", 2, &items[1]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "k1", 2, &items[2]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, NULL, 0, &items[3]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, NULL, 0, &items[4]), 0);
    assert_int_equal(sq_lanes_push(ls, 1, "k1", 2, &items[5]), 0); /* other partition */
    assert_int_equal(sq_lanes_push(ls, 0, "", 0, &items[6]), 0);   /* empty key is a key */
    assert_ptr_equal(expect_next(ls, 0, &k1), &items[0]);
    assert_ptr_equal(expect_next(ls, 0, &k2), &items[1]);
    assert_ptr_equal(expect_next(ls, 0, &nk), &items[3]);
    assert_ptr_equal(expect_next(ls, 0, &k1b), &items[5]);
    assert_ptr_equal(expect_next(ls, 0, &e), &items[6]);
    expect_none(ls, 0);
    assert_int_equal(sq_lanes_done(ls, nk), 0);
    assert_ptr_equal(expect_next(ls, 0, &nk), &items[4]);
    assert_int_equal(sq_lanes_done(ls, k1), 0);
    assert_ptr_equal(expect_next(ls, 0, &k1), &items[2]);
    assert_int_equal(sq_lanes_partition_count(ls, 0), 4);
    assert_int_equal(sq_lanes_partition_count(ls, 1), 1);
    assert_int_equal(sq_lanes_partition_count(ls, 2), 0);
    sq_lanes_destroy(ls);
}

static void test_none_mode(void **state)
{
    sq_lanes *ls = make(SQ_ORDER_NONE, 4, 1, 0);
    sq_lane *l[4];
    int i;
    (void)state;

    for (i = 0; i < 4; i++)
        assert_int_equal(sq_lanes_push(ls, 0, "same", 4, &items[i]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "same", 4, &items[4]), SAMSA_ERR_QUEUE_FULL);
    for (i = 0; i < 4; i++)
        assert_ptr_equal(expect_next(ls, 0, &l[i]), &items[i]);
    for (i = 3; i >= 0; i--)
        assert_int_equal(sq_lanes_done(ls, l[i]), 0);
    sq_lanes_destroy(ls);
}

static void test_bounds(void **state)
{
    sq_lanes *ls = make(SQ_ORDER_KEY, 5, 2, 3);
    sq_lane *l;
    (void)state;

    assert_int_equal(sq_lanes_push(ls, 0, "a", 1, &items[0]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "b", 1, &items[1]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "c", 1, &items[2]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "d", 1, &items[3]), SAMSA_ERR_QUEUE_FULL);
    assert_int_equal(sq_lanes_push(ls, 1, "d", 1, &items[3]), 0);
    assert_int_equal(sq_lanes_push(ls, 1, "e", 1, &items[4]), 0);
    assert_int_equal(sq_lanes_push(ls, 1, "f", 1, &items[5]), SAMSA_ERR_QUEUE_FULL);
    assert_ptr_equal(expect_next(ls, 0, &l), &items[0]);
    assert_int_equal(sq_lanes_push(ls, 0, "d", 1, &items[6]), SAMSA_ERR_QUEUE_FULL);
    assert_int_equal(sq_lanes_done(ls, l), 0); /* in flight still counts until done */
    assert_int_equal(sq_lanes_push(ls, 0, "d", 1, &items[6]), 0);
    assert_int_equal(sq_lanes_push(ls, 2, "d", 1, &items[6]), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_lanes_push(ls, 0, "d", 1, NULL), SAMSA_ERR_INVALID_ARG);
    sq_lanes_destroy(ls);
}

static void test_retry_blocks_only_its_lane(void **state)
{
    sq_lanes *ls = make(SQ_ORDER_KEY, 8, 1, 0);
    sq_lane *a, *b, *a2;
    sq_lanes_stats st;
    (void)state;

    assert_int_equal(sq_lanes_push(ls, 0, "a", 1, &items[0]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "a", 1, &items[1]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "b", 1, &items[2]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "b", 1, &items[3]), 0);
    assert_ptr_equal(expect_next(ls, 0, &a), &items[0]);
    assert_int_equal(sq_lanes_next_wake(ls), -1);
    assert_int_equal(sq_lanes_retry_at(ls, a, 100), 0);
    assert_int_equal(sq_lanes_retry_at(ls, a, 100), SAMSA_ERR_STATE);
    assert_int_equal(sq_lanes_next_wake(ls), 100);
    assert_int_equal(sq_lanes_partition_blocked(ls, 0), 1);
    assert_int_equal(sq_lanes_partition_blocked(ls, 1), 0);
    sq_lanes_get_stats(ls, &st);
    assert_int_equal(st.blocked, 1);
    assert_int_equal(st.in_flight, 0);
    assert_int_equal(st.queued, 4);
    /* lane b flows while a waits */
    assert_ptr_equal(expect_next(ls, 50, &b), &items[2]);
    assert_int_equal(sq_lanes_done(ls, b), 0);
    assert_ptr_equal(expect_next(ls, 60, &b), &items[3]);
    assert_int_equal(sq_lanes_done(ls, b), 0);
    expect_none(ls, 99);
    /* due: the same head again, then the rest of its lane in order */
    assert_ptr_equal(expect_next(ls, 100, &a2), &items[0]);
    assert_ptr_equal(a2, a);
    assert_int_equal(sq_lanes_next_wake(ls), -1);
    assert_int_equal(sq_lanes_partition_blocked(ls, 0), 0);
    assert_int_equal(sq_lanes_done(ls, a), 0);
    assert_ptr_equal(expect_next(ls, 100, &a), &items[1]);
    assert_int_equal(sq_lanes_done(ls, a), 0);
    sq_lanes_destroy(ls);
}

/* Several blocked lanes wake in time order. */
static void test_wake_order(void **state)
{
    static const int64_t when[6] = { 50, 10, 40, 10, 30, 20 };
    sq_lanes *ls = make(SQ_ORDER_NONE, 8, 1, 0);
    sq_lane *l[6];
    int i;
    (void)state;

    for (i = 0; i < 6; i++)
        assert_int_equal(sq_lanes_push(ls, 0, NULL, 0, &items[i]), 0);
    for (i = 0; i < 6; i++)
        expect_next(ls, 0, &l[i]);
    for (i = 0; i < 6; i++)
        assert_int_equal(sq_lanes_retry_at(ls, l[i], when[i]), 0);
    {
        int64_t last = -1, last_when = -1;
        expect_none(ls, 9);
        for (i = 0; i < 6; i++) {
            int64_t w = sq_lanes_next_wake(ls);
            sq_lane *x;
            void *it;
            if (w >= 0) { /* -1: the last one already woke with its twin */
                assert_true(w >= last);
                last = w;
            }
            assert_int_equal(sq_lanes_next(ls, last, &it, &x), 0);
            assert_true(when[(int *)it - items] <= last);
            assert_true(when[(int *)it - items] >= last_when);
            last_when = when[(int *)it - items];
            assert_int_equal(sq_lanes_done(ls, x), 0);
        }
    }
    sq_lanes_destroy(ls);
}

static int dropped_sum;
static void on_drop(void *ctx, void *item)
{
    (void)ctx;
    dropped_sum += *(int *)item;
}

static void test_drop_partition(void **state)
{
    sq_lanes *ls = make(SQ_ORDER_KEY, 16, 2, 0);
    sq_lane *a, *b, *c, *n;
    sq_lanes_stats st;
    int i;
    (void)state;

    for (i = 0; i < 16; i++)
        items[i] = 1 << i;
    assert_int_equal(sq_lanes_push(ls, 0, "a", 1, &items[0]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "a", 1, &items[1]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "b", 1, &items[2]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "b", 1, &items[3]), 0);
    assert_int_equal(sq_lanes_push(ls, 0, "c", 1, &items[4]), 0);
    assert_int_equal(sq_lanes_push(ls, 1, "a", 1, &items[5]), 0);
    assert_ptr_equal(expect_next(ls, 0, &a), &items[0]); /* in flight */
    assert_ptr_equal(expect_next(ls, 0, &b), &items[2]);
    assert_int_equal(sq_lanes_retry_at(ls, b, 500), 0);  /* blocked */
    assert_int_equal(sq_lanes_partition_blocked(ls, 0), 1);
    dropped_sum = 0;
    assert_int_equal(sq_lanes_drop_partition(ls, 0, on_drop, NULL), 4);
    assert_int_equal(dropped_sum, (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4));
    assert_int_equal(sq_lanes_partition_count(ls, 0), 1); /* the head with a worker */
    assert_int_equal(sq_lanes_partition_blocked(ls, 0), 0);
    assert_int_equal(sq_lanes_next_wake(ls), -1);
    assert_int_equal(sq_lanes_retry_at(ls, a, 10), SAMSA_ERR_STATE);
    /* partition 1 unaffected; new work for 0 starts a fresh lane at once */
    assert_int_equal(sq_lanes_push(ls, 0, "a", 1, &items[6]), 0);
    assert_ptr_equal(expect_next(ls, 0, &c), &items[5]);
    assert_ptr_equal(expect_next(ls, 0, &n), &items[6]);
    expect_none(ls, 1000);
    assert_int_equal(sq_lanes_done(ls, a), 0); /* late result: just released */
    expect_none(ls, 1000);
    assert_int_equal(sq_lanes_done(ls, c), 0);
    assert_int_equal(sq_lanes_done(ls, n), 0);
    sq_lanes_get_stats(ls, &st);
    assert_int_equal(st.lanes + st.queued + st.in_flight + st.blocked, 0);
    assert_int_equal(sq_lanes_drop_partition(ls, 7, NULL, NULL), 0);
    sq_lanes_destroy(ls);
}

static void test_bad_config_and_faults(void **state)
{
    sq_lanes_config bad[] = {
        { 3, 4, 1, 0 }, { -1, 4, 1, 0 }, { 0, 0, 1, 0 }, { 0, 4, 0, 0 },
        { 0, 4, 1, 5 }, { 0, SQ_LANES_MAX_CAPACITY + 1, 1, 0 },
        { 0, 4, SQ_LANES_MAX_PARTITIONS + 1, 0 },
    };
    sq_lanes_config good = { SQ_ORDER_KEY, 64, 4, 0 };
    sq_lanes *ls;
    size_t i;
    long n;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sq_lanes_create(&ls, NULL, &bad[i]), SAMSA_ERR_INVALID_ARG);
        assert_null(ls);
    }
    assert_int_equal(sq_lanes_create(&ls, NULL, NULL), SAMSA_ERR_INVALID_ARG);
    sq_lanes_destroy(NULL);
    for (n = 1;; n++) {
        st_fail_alloc fa;
        int err;
        st_fail_alloc_init(&fa, n);
        err = sq_lanes_create(&ls, &fa.alloc, &good);
        if (!err) {
            sq_lanes_destroy(ls);
            assert_int_equal(fa.live, 0);
            break;
        }
        assert_int_equal(err, SAMSA_ERR_NO_MEMORY);
        assert_int_equal(fa.live, 0);
    }
    assert_int_equal(n, 8);
}

/* Random workload in key mode against the rules. */
#define NMSG 3000
typedef struct msg {
    int part, key, seq; /* seq: order within (part, key) */
    int state;          /* 0 new, 1 queued, 2 with worker, 3 finished, 4 dropped */
} msg;

static msg msgs[NMSG];

static void drop_msg(void *ctx, void *item)
{
    msg *m = item;
    (void)ctx;
    assert_int_equal(m->state, 1);
    m->state = 4;
}

static void test_random_workload(void **state)
{
    enum { PARTS = 3, KEYS = 5 };
    sq_lanes *ls = make(SQ_ORDER_KEY, 40, PARTS, 20);
    int next_seq[PARTS][KEYS + 1], done_seq[PARTS][KEYS + 1];
    sq_lane *flying[64];
    msg *fly_msg[64];
    int nfly = 0, pushed = 0, step;
    unsigned seed = 11;
    int64_t now = 0;
    (void)state;

    memset(next_seq, 0, sizeof next_seq);
    memset(done_seq, 0, sizeof done_seq);
    for (step = 0; step < 40000 && (pushed < NMSG || nfly); step++) {
        int op = rand_r(&seed) % 10;
        now += rand_r(&seed) % 3;
        if (op < 4 && pushed < NMSG) {
            msg *m = &msgs[pushed];
            char k = (char)('a' + rand_r(&seed) % (KEYS + 1));
            m->part = rand_r(&seed) % PARTS;
            m->key = k - 'a';
            m->seq = next_seq[m->part][m->key];
            if (sq_lanes_push(ls, (uint32_t)m->part, m->key == KEYS ? NULL : &k, 1, m) == 0) {
                next_seq[m->part][m->key]++;
                m->state = 1;
                pushed++;
            }
        } else if (op < 7) {
            void *it;
            sq_lane *l;
            if (sq_lanes_next(ls, now, &it, &l) == 0) {
                msg *m = it;
                int i;
                assert_int_equal(m->state, 1);
                /* in order within its key; nobody else of its key with a worker */
                assert_int_equal(m->seq, done_seq[m->part][m->key]);
                for (i = 0; i < nfly; i++)
                    assert_false(fly_msg[i]->part == m->part && fly_msg[i]->key == m->key);
                m->state = 2;
                flying[nfly] = l;
                fly_msg[nfly++] = m;
            }
        } else if (nfly) {
            int i = rand_r(&seed) % nfly;
            msg *m = fly_msg[i];
            if (op == 7) { /* retry a little later */
                m->state = 1;
                assert_int_equal(sq_lanes_retry_at(ls, flying[i], now + rand_r(&seed) % 20), 0);
            } else {
                m->state = 3;
                done_seq[m->part][m->key]++;
                assert_int_equal(sq_lanes_done(ls, flying[i]), 0);
            }
            flying[i] = flying[--nfly];
            fly_msg[i] = fly_msg[nfly];
        }
        if (step % 5000 == 4999) { /* a revoke now and then */
            int p = rand_r(&seed) % PARTS, k, j;
            sq_lanes_drop_partition(ls, (uint32_t)p, drop_msg, NULL);
            for (j = 0; j < nfly; j++) /* late results: only released */
                if (fly_msg[j]->part == p) {
                    assert_int_equal(sq_lanes_retry_at(ls, flying[j], now), SAMSA_ERR_STATE);
                    assert_int_equal(sq_lanes_done(ls, flying[j]), 0);
                    fly_msg[j]->state = 4;
                    flying[j] = flying[--nfly];
                    fly_msg[j--] = fly_msg[nfly];
                }
            assert_int_equal(sq_lanes_partition_count(ls, (uint32_t)p), 0);
            for (k = 0; k <= KEYS; k++) /* order starts over for p */
                next_seq[p][k] = done_seq[p][k] = step << 4;
        }
        {
            sq_lanes_stats st;
            sq_lanes_get_stats(ls, &st);
            assert_int_equal(st.in_flight, nfly);
            assert_int_equal(st.blocked, sq_lanes_partition_blocked(ls, 0) +
                                             sq_lanes_partition_blocked(ls, 1) +
                                             sq_lanes_partition_blocked(ls, 2));
        }
    }
    {
        int i, live = 0;
        for (i = 0; i < pushed; i++)
            live += msgs[i].state == 1;
        sq_lanes_stats st;
        sq_lanes_get_stats(ls, &st);
        assert_int_equal(st.queued, live);
        print_message("random workload: %d pushed, %d left queued\n", pushed, live);
    }
    sq_lanes_destroy(ls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partition_mode),
        cmocka_unit_test(test_key_mode),
        cmocka_unit_test(test_none_mode),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_retry_blocks_only_its_lane),
        cmocka_unit_test(test_wake_order),
        cmocka_unit_test(test_drop_partition),
        cmocka_unit_test(test_bad_config_and_faults),
        cmocka_unit_test(test_random_workload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
