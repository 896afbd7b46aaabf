/* String map against a naive model: puts, gets, deletes, growth, tombstones. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "strmap.h"
#include "samsa/error.h"

#define KEYS 3000

static void test_model(void **state)
{
    static char keys[KEYS][16];
    static int present[KEYS];
    static int vals[KEYS];
    sc_strmap m;
    unsigned seed = 5;
    int i, step;
    size_t pos = 0, n = 0;
    const char *k;
    (void)state;

    sc_strmap_init(&m, NULL);
    assert_null(sc_strmap_get(&m, "x", 1));
    for (i = 0; i < KEYS; i++)
        snprintf(keys[i], sizeof keys[i], "topic-%d", i);
    for (step = 0; step < 100000; step++) {
        int j = rand_r(&seed) % KEYS, op = rand_r(&seed) % 3;
        size_t len = strlen(keys[j]);
        if (op == 0) {
            assert_int_equal(sc_strmap_put(&m, keys[j], len, &vals[j]), 0);
            present[j] = 1;
        } else if (op == 1) {
            void *v = sc_strmap_del(&m, keys[j], len);
            assert_ptr_equal(v, present[j] ? &vals[j] : NULL);
            present[j] = 0;
        } else {
            assert_ptr_equal(sc_strmap_get(&m, keys[j], len), present[j] ? &vals[j] : NULL);
        }
    }
    for (i = 0; i < KEYS; i++)
        n += (size_t)present[i];
    assert_int_equal(m.count, n);
    i = 0;
    while (sc_strmap_next(&m, &pos, &k))
        i++;
    assert_int_equal((size_t)i, n);
    /* a prefix of a key is a different key */
    assert_int_equal(sc_strmap_put(&m, "topic-1", 7, &vals[0]), 0);
    assert_null(sc_strmap_get(&m, "topic-", 6));
    sc_strmap_free(&m);
}

static void test_allocation_failures(void **state)
{
    long n;
    (void)state;

    for (n = 1; n < 200; n++) {
        st_fail_alloc fa;
        sc_strmap m;
        int i, rc = 0;
        char key[16];

        st_fail_alloc_init(&fa, n);
        sc_strmap_init(&m, &fa.alloc);
        for (i = 0; i < 40 && rc == 0; i++) {
            snprintf(key, sizeof key, "k%d", i);
            rc = sc_strmap_put(&m, key, strlen(key), &m);
        }
        assert_true(rc == 0 || rc == SAMSA_ERR_NO_MEMORY);
        if (rc == 0)
            assert_int_equal(m.count, 40);
        sc_strmap_free(&m);
        assert_int_equal(fa.live, 0);
        if (fa.calls < n)
            break;
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests_name("strmap", tests, NULL, NULL);
}
