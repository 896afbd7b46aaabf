/* Topic-partition sets of the group code (client/cgrp_tp.c): order,
 * duplicates, set difference (what a rebalance revokes and adds), views,
 * and allocation failures at every point without leaks. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "cgrp_tp.h"
#include "samsa/error.h"

static void add(sc_tpl *l, const char *t, int32_t p)
{
    assert_int_equal(sc_tpl_add(l, t, strlen(t), p), 0);
}

static void test_order_and_dups(void **state)
{
    sc_tpl l;
    samsa_topic_partition v[8];

    (void)state;
    sc_tpl_init(&l, NULL);
    add(&l, "b", 1);
    add(&l, "a", 10);
    add(&l, "a", 2);
    add(&l, "ab", 0);
    add(&l, "b", 1); /* duplicate */
    add(&l, "a", 2);
    assert_int_equal(l.n, 4);
    sc_tpl_view(&l, v);
    assert_string_equal(v[0].topic, "a");
    assert_int_equal(v[0].partition, 2);
    assert_string_equal(v[1].topic, "a");
    assert_int_equal(v[1].partition, 10);
    assert_string_equal(v[2].topic, "ab"); /* "a" < "ab" < "b" */
    assert_string_equal(v[3].topic, "b");
    assert_int_equal(v[3].offset, SAMSA_OFFSET_INVALID);
    assert_int_equal(v[3].leader_epoch, -1);
    assert_true(sc_tpl_has(&l, "ab", 2, 0));
    assert_false(sc_tpl_has(&l, "ab", 2, 1));
    assert_false(sc_tpl_has(&l, "a", 1, 1));
    /* a topic given by length, not NUL */
    assert_true(sc_tpl_has(&l, "abc", 2, 0));
    sc_tpl_del(&l, "a", 1, 10);
    sc_tpl_del(&l, "zz", 2, 0); /* absent: no-op */
    assert_int_equal(l.n, 3);
    assert_false(sc_tpl_has(&l, "a", 1, 10));
    assert_int_equal(sc_tpl_add(&l, "x", 1, -1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sc_tpl_add(&l, "", 0, 1), SAMSA_ERR_INVALID_ARG);
    sc_tpl_free(&l);
}

/* owned {t0..t5}, target {t3..t8}: revoke t0..t2, add t6..t8 */
static void test_minus(void **state)
{
    sc_tpl owned, target, revoked, added, copy;
    int32_t p;

    (void)state;
    sc_tpl_init(&owned, NULL);
    sc_tpl_init(&target, NULL);
    sc_tpl_init(&revoked, NULL);
    sc_tpl_init(&added, NULL);
    sc_tpl_init(&copy, NULL);
    for (p = 0; p < 6; p++)
        add(&owned, "t", p);
    for (p = 3; p < 9; p++)
        add(&target, "t", p);
    add(&owned, "other", 0);
    assert_int_equal(sc_tpl_minus(&owned, &target, &revoked), 0);
    assert_int_equal(sc_tpl_minus(&target, &owned, &added), 0);
    assert_int_equal(revoked.n, 4);
    assert_true(sc_tpl_has(&revoked, "other", 5, 0));
    for (p = 0; p < 3; p++)
        assert_true(sc_tpl_has(&revoked, "t", 1, p));
    assert_int_equal(added.n, 3);
    for (p = 6; p < 9; p++)
        assert_true(sc_tpl_has(&added, "t", 1, p));
    assert_int_equal(sc_tpl_copy(&copy, &target), 0);
    assert_true(sc_tpl_equal(&copy, &target));
    assert_false(sc_tpl_equal(&copy, &owned));
    sc_tpl_del(&copy, "t", 1, 8);
    add(&copy, "t", 9);
    assert_false(sc_tpl_equal(&copy, &target));
    /* minus of equal sets is empty, and clears what out held */
    assert_int_equal(sc_tpl_minus(&target, &target, &added), 0);
    assert_int_equal(added.n, 0);
    sc_tpl_free(&owned);
    sc_tpl_free(&target);
    sc_tpl_free(&revoked);
    sc_tpl_free(&added);
    sc_tpl_free(&copy);
}

/* Growth past the first capacity keeps order (sorted inserts at random). */
static void test_growth(void **state)
{
    sc_tpl l;
    unsigned seed = 3;
    int i;
    char t[16];

    (void)state;
    sc_tpl_init(&l, NULL);
    for (i = 0; i < 2000; i++) {
        snprintf(t, sizeof t, "topic-%d", rand_r(&seed) % 50);
        assert_int_equal(sc_tpl_add(&l, t, strlen(t), rand_r(&seed) % 64), 0);
    }
    for (i = 1; i < (int)l.n; i++) {
        int c = strcmp(l.v[i - 1].topic, l.v[i].topic);

        assert_true(c < 0 || (c == 0 && l.v[i - 1].partition < l.v[i].partition));
    }
    sc_tpl_free(&l);
}

static void test_alloc_faults(void **state)
{
    long n;

    (void)state;
    for (n = 1;; n++) {
        st_fail_alloc fa;
        sc_tpl a, b, out;
        int rc = 0, p;

        st_fail_alloc_init(&fa, n);
        sc_tpl_init(&a, &fa.alloc);
        sc_tpl_init(&b, &fa.alloc);
        sc_tpl_init(&out, &fa.alloc);
        for (p = 0; p < 20 && !rc; p++)
            rc = sc_tpl_add(&a, "topic", 5, p);
        if (!rc)
            rc = sc_tpl_copy(&b, &a);
        if (!rc) {
            sc_tpl_del(&b, "topic", 5, 3);
            rc = sc_tpl_minus(&a, &b, &out);
        }
        if (!rc)
            assert_int_equal(out.n, 1);
        else
            assert_int_equal(rc, SAMSA_ERR_NO_MEMORY);
        sc_tpl_free(&a);
        sc_tpl_free(&b);
        sc_tpl_free(&out);
        assert_int_equal(fa.live, 0);
        if (fa.calls < n)
            break; /* nothing failed: every point was tried */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_dups),
        cmocka_unit_test(test_minus),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_alloc_faults),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
