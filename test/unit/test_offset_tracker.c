/*
 * Contiguous commit tracker, checked exhaustively against a naive model:
 * random gaps, random completion orders, revokes. The invariant: the
 * committed offset never passes an unfinished message, and it advances as
 * far as it may.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "offset_tracker.h"
#include "samsa/error.h"

#define N 400

typedef struct model {
    int64_t off[N];
    bool done[N];
    int n;
    int64_t position;
} model;

/* Lowest handed-out offset not done; else max(position, last + 1). */
static int64_t model_commit(const model *m)
{
    int i;
    int64_t after = m->n ? m->off[m->n - 1] + 1 : -1;

    for (i = 0; i < m->n; i++)
        if (!m->done[i])
            return m->off[i];
    return m->position > after ? m->position : after;
}

static void test_random_orders_and_gaps(void **state)
{
    unsigned seed = 2024;
    int round;
    (void)state;

    for (round = 0; round < 300; round++) {
        sq_tracker t;
        model m;
        int order[N], i, j, cap = 1 + rand_r(&seed) % N;
        int64_t o = rand_r(&seed) % 1000;

        memset(&m, 0, sizeof m);
        m.position = -1;
        assert_int_equal(sq_tracker_init(&t, NULL, (uint32_t)cap), 0);
        assert_int_equal(sq_tracker_commit_offset(&t), -1);
        /* hand out up to cap offsets with random holes, completing some as we go */
        for (i = 0; i < cap; i++) {
            o += 1 + (rand_r(&seed) % 4 == 0 ? rand_r(&seed) % 50 : 0);
            assert_int_equal(sq_tracker_add(&t, o), 0);
            m.off[m.n++] = o;
            order[i] = i;
        }
        assert_int_equal(sq_tracker_add(&t, o + 1), SAMSA_ERR_QUEUE_FULL);
        for (i = cap - 1; i > 0; i--) { /* shuffle completion order */
            int k = rand_r(&seed) % (i + 1), tmp = order[i];
            order[i] = order[k];
            order[k] = tmp;
        }
        for (j = 0; j < cap; j++) {
            int64_t c;
            assert_int_equal(sq_tracker_done(&t, m.off[order[j]]), 0);
            m.done[order[j]] = true;
            if (rand_r(&seed) % 7 == 0) {
                int64_t pos = m.off[m.n - 1] + 1 + rand_r(&seed) % 5;
                if (pos > m.position)
                    m.position = pos; /* positions only move forward */
                sq_tracker_set_position(&t, pos);
            }
            c = sq_tracker_commit_offset(&t);
            assert_true(c == model_commit(&m));
            assert_int_equal(sq_tracker_inflight(&t), (uint32_t)(cap - 1 - j));
            /* never past an unfinished message */
            for (i = 0; i < m.n; i++)
                if (!m.done[i])
                    assert_true(c <= m.off[i]);
        }
        assert_int_equal(sq_tracker_inflight(&t), 0);
        assert_true(sq_tracker_commit_offset(&t) >= m.off[m.n - 1] + 1);
        sq_tracker_free(&t);
    }
}

static void test_interleaved_add_and_done_over_the_ring(void **state)
{
    unsigned seed = 77;
    sq_tracker t;
    int64_t next = 0, pending[8];
    int npending = 0, step;
    (void)state;

    assert_int_equal(sq_tracker_init(&t, NULL, 8), 0);
    for (step = 0; step < 20000; step++) {
        if (npending < 8 && (npending == 0 || rand_r(&seed) % 2)) {
            int64_t cand = next + 1 + rand_r(&seed) % 3;
            /* capacity counts everything from the frontier on, done or not */
            int rc = sq_tracker_add(&t, cand);
            assert_true(rc == 0 || rc == SAMSA_ERR_QUEUE_FULL);
            if (rc == 0)
                pending[npending++] = next = cand;
        } else {
            int k = rand_r(&seed) % npending;
            int64_t lowest = pending[0];
            int i;
            for (i = 1; i < npending; i++)
                if (pending[i] < lowest)
                    lowest = pending[i];
            (void)lowest;
            assert_int_equal(sq_tracker_done(&t, pending[k]), 0);
            pending[k] = pending[--npending];
            if (npending) {
                int64_t low2 = pending[0];
                for (i = 1; i < npending; i++)
                    if (pending[i] < low2)
                        low2 = pending[i];
                assert_true(sq_tracker_commit_offset(&t) == low2);
            } else {
                assert_true(sq_tracker_commit_offset(&t) == next + 1);
            }
        }
    }
    sq_tracker_free(&t);
}

static void test_revoke_drops_late_results(void **state)
{
    sq_tracker t;
    (void)state;

    assert_int_equal(sq_tracker_init(&t, NULL, 4), 0);
    assert_int_equal(sq_tracker_add(&t, 10), 0);
    assert_int_equal(sq_tracker_add(&t, 11), 0);
    assert_int_equal(sq_tracker_done(&t, 11), 0);
    assert_int_equal(sq_tracker_commit_offset(&t), 10);
    assert_int_equal(sq_tracker_done(&t, 11), SAMSA_ERR_NOT_FOUND); /* twice */
    assert_int_equal(sq_tracker_done(&t, 12), SAMSA_ERR_NOT_FOUND); /* never added */
    assert_int_equal(sq_tracker_add(&t, 11), SAMSA_ERR_INVALID_ARG); /* not increasing */
    sq_tracker_reset(&t);
    assert_int_equal(sq_tracker_done(&t, 10), SAMSA_ERR_NOT_FOUND); /* late result */
    assert_int_equal(sq_tracker_commit_offset(&t), -1);
    /* a new owner starts anew, possibly below the old offsets */
    assert_int_equal(sq_tracker_add(&t, 5), 0);
    assert_int_equal(sq_tracker_done(&t, 5), 0);
    sq_tracker_set_position(&t, 9); /* trailing hole (e.g. a commit marker) */
    assert_int_equal(sq_tracker_commit_offset(&t), 9);
    sq_tracker_free(&t);
}

/* done() looks first at the slot an offset would have without holes;
 * with holes there, and over the ring's wrap, it must still find the
 * right entry and refuse offsets that fall in a hole. */
static void test_holes_across_the_wrap(void **state)
{
    sq_tracker t;
    int64_t o;
    (void)state;

    assert_int_equal(sq_tracker_init(&t, NULL, 5), 0);
    for (o = 0; o < 3; o++) { /* move head to slot 3 */
        assert_int_equal(sq_tracker_add(&t, o), 0);
        assert_int_equal(sq_tracker_done(&t, o), 0);
    }
    /* 10, 11, 13, 20, 21: wraps after two entries */
    assert_int_equal(sq_tracker_add(&t, 10), 0);
    assert_int_equal(sq_tracker_add(&t, 11), 0);
    assert_int_equal(sq_tracker_add(&t, 13), 0);
    assert_int_equal(sq_tracker_add(&t, 20), 0);
    assert_int_equal(sq_tracker_add(&t, 21), 0);
    assert_int_equal(sq_tracker_inflight(&t), 5);
    assert_int_equal(sq_tracker_done(&t, 12), SAMSA_ERR_NOT_FOUND); /* hole */
    assert_int_equal(sq_tracker_done(&t, 14), SAMSA_ERR_NOT_FOUND); /* guess holds 21 */
    assert_int_equal(sq_tracker_done(&t, 9), SAMSA_ERR_NOT_FOUND);
    assert_int_equal(sq_tracker_done(&t, 22), SAMSA_ERR_NOT_FOUND);
    assert_int_equal(sq_tracker_done(&t, 21), 0);
    assert_int_equal(sq_tracker_done(&t, 13), 0);
    assert_int_equal(sq_tracker_inflight(&t), 3);
    assert_int_equal(sq_tracker_commit_offset(&t), 10);
    assert_int_equal(sq_tracker_done(&t, 10), 0);
    assert_int_equal(sq_tracker_done(&t, 11), 0);
    assert_int_equal(sq_tracker_commit_offset(&t), 20);
    assert_int_equal(sq_tracker_inflight(&t), 1);
    assert_int_equal(sq_tracker_done(&t, 20), 0);
    assert_int_equal(sq_tracker_inflight(&t), 0);
    assert_int_equal(sq_tracker_commit_offset(&t), 22);
    sq_tracker_free(&t);
}

/* Runs (a queue job's consecutive messages) completed whole, in random
 * order, mixed with single done() calls; refusals change nothing. */
static void test_done_runs(void **state)
{
    unsigned seed = 99;
    int round;
    (void)state;

    for (round = 0; round < 300; round++) {
        sq_tracker t;
        model m;
        int start[N], len[N], nruns = 0, order[N], i, j, cap = 1 + rand_r(&seed) % N;
        int64_t o = rand_r(&seed) % 100;

        memset(&m, 0, sizeof m);
        m.position = -1;
        assert_int_equal(sq_tracker_init(&t, NULL, (uint32_t)cap), 0);
        for (i = 0; i < cap; i++) {
            o += 1 + (rand_r(&seed) % 5 == 0 ? rand_r(&seed) % 9 : 0);
            assert_int_equal(sq_tracker_add(&t, o), 0);
            m.off[m.n++] = o;
        }
        for (i = 0; i < cap; i += len[nruns++]) {
            start[nruns] = i;
            len[nruns] = 1 + rand_r(&seed) % 40;
            if (i + len[nruns] > cap)
                len[nruns] = cap - i;
        }
        for (i = 0; i < nruns; i++)
            order[i] = i;
        for (i = nruns - 1; i > 0; i--) {
            int k = rand_r(&seed) % (i + 1), tmp = order[i];
            order[i] = order[k];
            order[k] = tmp;
        }
        for (j = 0; j < nruns; j++) {
            int r = order[j], a = start[r], b = start[r] + len[r] - 1, k;
            int64_t before = sq_tracker_commit_offset(&t), c;
            uint32_t infl = sq_tracker_inflight(&t);

            /* wrong length or last offset: refused, nothing changed */
            if (len[r] > 1) {
                assert_int_equal(sq_tracker_done_run(&t, m.off[a], m.off[b], (uint32_t)len[r] - 1),
                                 SAMSA_ERR_NOT_FOUND);
                assert_int_equal(sq_tracker_done_run(&t, m.off[a], m.off[b] + 1, (uint32_t)len[r]),
                                 SAMSA_ERR_NOT_FOUND);
            }
            if (len[r] > 2 && rand_r(&seed) % 3 == 0) {
                /* one of the run done alone first: the run is refused */
                assert_int_equal(sq_tracker_done(&t, m.off[a + 1]), 0);
                m.done[a + 1] = true;
                assert_int_equal(sq_tracker_done_run(&t, m.off[a], m.off[b], (uint32_t)len[r]),
                                 SAMSA_ERR_NOT_FOUND);
                for (k = a; k <= b; k++)
                    if (!m.done[k]) {
                        assert_int_equal(sq_tracker_done(&t, m.off[k]), 0);
                        m.done[k] = true;
                    }
            } else {
                assert_int_equal(sq_tracker_commit_offset(&t), before);
                assert_int_equal(sq_tracker_inflight(&t), infl);
                assert_int_equal(sq_tracker_done_run(&t, m.off[a], m.off[b], (uint32_t)len[r]), 0);
                for (k = a; k <= b; k++)
                    m.done[k] = true;
                assert_int_equal(sq_tracker_done_run(&t, m.off[a], m.off[b], (uint32_t)len[r]),
                                 SAMSA_ERR_NOT_FOUND); /* twice */
            }
            c = sq_tracker_commit_offset(&t);
            assert_true(c == model_commit(&m));
            for (k = 0, infl = 0; k < m.n; k++)
                infl += !m.done[k];
            assert_int_equal(sq_tracker_inflight(&t), infl);
        }
        assert_int_equal(sq_tracker_inflight(&t), 0);
        assert_true(sq_tracker_commit_offset(&t) == m.off[m.n - 1] + 1);
        /* the ring is reused after runs skipped whole */
        assert_int_equal(sq_tracker_add(&t, o + 1), 0);
        assert_int_equal(sq_tracker_inflight(&t), 1);
        assert_int_equal(sq_tracker_done_run(&t, o + 1, o + 1, 1), 0);
        assert_true(sq_tracker_commit_offset(&t) == o + 2);
        sq_tracker_free(&t);
    }
}

/* add_seq is n add() calls: across the wrap, with refusals that add nothing. */
static void test_add_seq(void **state)
{
    sq_tracker t;
    int64_t o;
    (void)state;

    assert_int_equal(sq_tracker_init(&t, NULL, 6), 0);
    assert_int_equal(sq_tracker_add_seq(&t, 0, 0), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_tracker_add_seq(&t, -1, 2), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_tracker_add_seq(&t, 10, 4), 0); /* 10..13 */
    assert_int_equal(sq_tracker_add_seq(&t, 13, 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_tracker_add_seq(&t, 20, 3), SAMSA_ERR_QUEUE_FULL);
    assert_int_equal(sq_tracker_inflight(&t), 4);
    assert_int_equal(sq_tracker_done_run(&t, 10, 12, 3), 0);
    assert_int_equal(sq_tracker_commit_offset(&t), 13);
    assert_int_equal(sq_tracker_add_seq(&t, 20, 6), SAMSA_ERR_QUEUE_FULL); /* 1 + 6 > 6 */
    assert_int_equal(sq_tracker_add_seq(&t, 20, 4), 0); /* wraps: slots 4, 5, 0, 1 */
    assert_int_equal(sq_tracker_add(&t, 24), 0);
    assert_int_equal(sq_tracker_add(&t, 25), SAMSA_ERR_QUEUE_FULL);
    assert_int_equal(sq_tracker_done(&t, 19), SAMSA_ERR_NOT_FOUND); /* hole */
    for (o = 24; o >= 20; o--)
        assert_int_equal(sq_tracker_done(&t, o), 0);
    assert_int_equal(sq_tracker_commit_offset(&t), 13);
    assert_int_equal(sq_tracker_inflight(&t), 1);
    assert_int_equal(sq_tracker_done(&t, 13), 0);
    assert_int_equal(sq_tracker_commit_offset(&t), 25);
    assert_int_equal(sq_tracker_inflight(&t), 0);
    sq_tracker_free(&t);
}

static void test_allocation_failure(void **state)
{
    st_fail_alloc fa;
    sq_tracker t;
    long n;
    (void)state;

    for (n = 1; n <= 2; n++) {
        st_fail_alloc_init(&fa, n);
        assert_int_equal(sq_tracker_init(&t, &fa.alloc, 16), SAMSA_ERR_NO_MEMORY);
        assert_int_equal(fa.live, 0);
    }
    assert_int_equal(sq_tracker_init(&t, NULL, 0), SAMSA_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_orders_and_gaps),
        cmocka_unit_test(test_interleaved_add_and_done_over_the_ring),
        cmocka_unit_test(test_revoke_drops_late_results),
        cmocka_unit_test(test_holes_across_the_wrap),
        cmocka_unit_test(test_done_runs),
        cmocka_unit_test(test_add_seq),
        cmocka_unit_test(test_allocation_failure),
    };
    return cmocka_run_group_tests_name("offset_tracker", tests, NULL, NULL);
}
