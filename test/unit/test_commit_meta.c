/*
 * Commit metadata: a known vector, random round trips, truncation at every
 * cap, invalid runs refused, hostile strings refused under guard pages
 * (every single-character mutation of a valid string either fails cleanly
 * or re-encodes to itself), and runs read from a live tracker.
 */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "commit_meta.h"
#include "samsa/error.h"

static int decode_guarded(const char *s, size_t len, int64_t *f, sq_run *runs, size_t max,
                          size_t *n, bool *tr)
{
    const unsigned char *g = st_guard_copy(s, len);
    int err = sq_commit_meta_decode((const char *)g, len, f, runs, max, n, tr);
    st_guard_free(g, len);
    return err;
}

static void test_vector(void **state)
{
    sq_run runs[2] = { { 102, 3 }, { 110, 1 } }, back[4];
    char out[64];
    size_t len, k, n;
    int64_t f;
    bool tr;
    (void)state;

    assert_int_equal(sq_commit_meta_encode(100, runs, 2, false, out, sizeof out, &len, &k), 0);
    assert_string_equal(out, "sq1:AGQCAQIEAA==");
    assert_int_equal(len, 16);
    assert_int_equal(k, 2);
    assert_int_equal(decode_guarded(out, len, &f, back, 4, &n, &tr), 0);
    assert_int_equal(f, 100);
    assert_int_equal(n, 2);
    assert_false(tr);
    assert_memory_equal(back, runs, sizeof runs);
    /* nothing done above the frontier */
    assert_int_equal(sq_commit_meta_encode(0, NULL, 0, false, out, sizeof out, &len, &k), 0);
    assert_string_equal(out, "sq1:AAAA");
    assert_int_equal(sq_commit_meta_encode(0, NULL, 0, true, out, sizeof out, &len, &k), 0);
    assert_string_equal(out, "sq1:AQAA");
    assert_int_equal(decode_guarded(out, len, &f, NULL, 0, &n, &tr), 0);
    assert_true(tr);
    assert_int_equal(n, 0);
}

static size_t random_runs(unsigned *seed, int64_t *frontier, sq_run *runs, size_t max)
{
    size_t n = (size_t)rand_r(seed) % (max + 1), i;
    int64_t at;

    *frontier = rand_r(seed) % 4 == 0 ? INT64_MAX / 2 + rand_r(seed) : rand_r(seed) % 100000;
    at = *frontier + 1 + rand_r(seed) % 3;
    for (i = 0; i < n; i++) {
        runs[i].first = at;
        runs[i].count = 1 + (rand_r(seed) % 5 == 0 ? rand_r(seed) % 100000 : rand_r(seed) % 4);
        at = runs[i].first + runs[i].count + 1 + (rand_r(seed) % 3 == 0 ? rand_r(seed) % 1000 : 0);
    }
    return n;
}

static void test_random_round_trips(void **state)
{
    unsigned seed = 3;
    int round;
    (void)state;

    for (round = 0; round < 2000; round++) {
        sq_run runs[64], back[64];
        char out[2048];
        int64_t f, f2;
        size_t n = random_runs(&seed, &f, runs, 64), len, k, n2;
        bool tr;

        assert_int_equal(sq_commit_meta_encode(f, runs, n, false, out, sizeof out, &len, &k), 0);
        assert_int_equal(k, n);
        assert_int_equal(strlen(out), len);
        assert_int_equal(sq_commit_meta_decode(out, len, &f2, back, 64, &n2, &tr), 0);
        assert_int_equal(f2, f);
        assert_int_equal(n2, n);
        assert_false(tr);
        if (n)
            assert_memory_equal(back, runs, n * sizeof *runs);
        if (n) /* one run short of room */
            assert_int_equal(sq_commit_meta_decode(out, len, &f2, back, n - 1, &n2, &tr),
                             SAMSA_ERR_LIMIT);
    }
}

static void test_truncation_at_every_cap(void **state)
{
    sq_run runs[40], back[40];
    char full[1024], out[1024];
    size_t n = 40, i, flen, len, k, n2, last_k = 0;
    int64_t f2;
    bool tr;
    size_t cap;
    (void)state;

    for (i = 0; i < n; i++) {
        runs[i].first = 1000 + (int64_t)i * 300;
        runs[i].count = 1 + (int64_t)i * 7;
    }
    assert_int_equal(sq_commit_meta_encode(999, runs, n, false, full, sizeof full, &flen, &k), 0);
    for (cap = 0; cap <= flen + 1; cap++) {
        memset(out, 'x', sizeof out);
        int err = sq_commit_meta_encode(999, runs, n, false, out, cap, &len, &k);
        if (err == SAMSA_ERR_BUFFER_FULL) { /* below the minimum: never after a success */
            assert_int_equal(last_k, 0);
            assert_true(cap < 16);
            assert_int_equal(out[0], 'x');
            continue;
        }
        assert_int_equal(err, 0);
        assert_true(len < cap);
        assert_int_equal(out[len], 0);
        assert_int_equal(out[len + 1], 'x'); /* nothing written past the NUL */
        assert_true(k >= last_k);
        last_k = k;
        assert_int_equal(sq_commit_meta_decode(out, len, &f2, back, 40, &n2, &tr), 0);
        assert_int_equal(n2, k);
        assert_int_equal(tr, k < n);
        if (k)
            assert_memory_equal(back, runs, k * sizeof *runs);
    }
    assert_int_equal(last_k, n);
    assert_string_equal(out, full);
}

static void test_invalid_runs(void **state)
{
    sq_run bad[][2] = {
        { { 10, 1 }, { 20, 1 } },  /* first run includes the frontier (10) */
        { { 12, 2 }, { 14, 1 } },  /* touching: should be one run */
        { { 12, 3 }, { 13, 1 } },  /* overlapping */
        { { 14, 1 }, { 12, 1 } },  /* unsorted */
        { { 12, 0 }, { 20, 1 } },  /* empty */
        { { 12, INT64_MAX }, { 20, 1 } }, /* overflow */
        { { INT64_MAX - 1, 2 }, { 20, 1 } }, /* last = INT64_MAX, then another */
    };
    sq_run fine = { INT64_MAX, 1 };
    char out[128];
    size_t i, len, k;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sq_commit_meta_encode(10, bad[i], 2, false, out, sizeof out, &len, &k),
                         SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_commit_meta_encode(-1, NULL, 0, false, out, sizeof out, &len, &k),
                     SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_commit_meta_encode(INT64_MAX, &fine, 1, false, out, sizeof out, &len, &k),
                     SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_commit_meta_encode(INT64_MAX - 1, &fine, 1, false, out, sizeof out, &len,
                                           &k), 0);
    assert_int_equal(sq_commit_meta_encode(1, NULL, 1, false, out, sizeof out, &len, &k),
                     SAMSA_ERR_INVALID_ARG);
}

static void test_hostile_strings(void **state)
{
    static const char *notours[] = { "", "sq1", "hello", "SQ1:AAAA", "{\"json\":1}" };
    static const char *bad[] = {
        "sq1:", "sq1:A", "sq1:AAA", "sq1:AAAAA", "sq1:AA=A", "sq1:A===", "sq1:AAA=AAAA",
        "sq1:AAA\n", "sq1:AgAA",          /* flag bit 1 */
        "sq1:AACAAA==",                   /* frontier 0x80 0x00: not canonical */
        "sq1:AAAAAA==",                   /* trailing byte */
        "sq1:AAB=",                       /* unused bits set */
        "sq1:AP////////////fwA=",         /* frontier over 63 bits */
        "sq1:AAEAAA==",                   /* one run announced, none given */
        "sq1:AP7///////////8/AQD/////////////AQ==", /* run past INT64_MAX */
    };
    sq_run runs[8];
    int64_t f;
    size_t i, n;
    bool tr;
    (void)state;

    for (i = 0; i < sizeof notours / sizeof notours[0]; i++)
        assert_int_equal(decode_guarded(notours[i], strlen(notours[i]), &f, runs, 8, &n, &tr),
                         SAMSA_ERR_NOT_FOUND);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int err = decode_guarded(bad[i], strlen(bad[i]), &f, runs, 8, &n, &tr);
        if (err != SAMSA_ERR_MALFORMED)
            print_error("case %zu (%s) gave %d\n", i, bad[i], err);
        assert_int_equal(err, SAMSA_ERR_MALFORMED);
        assert_int_equal(n, 0);
    }
    {
        char big[SQ_COMMIT_META_MAX_LEN + 8];
        memset(big, 'A', sizeof big);
        memcpy(big, "sq1:", 4);
        assert_int_equal(sq_commit_meta_decode(big, sizeof big, &f, runs, 8, &n, &tr),
                         SAMSA_ERR_LIMIT);
    }
}

/* Every single-character change: a clean error, or a string that
 * re-encodes to exactly itself. */
static void test_mutations(void **state)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \x80";
    sq_run runs[3] = { { 5, 2 }, { 300, 1 }, { 100000, 70000 } }, back[8];
    char good[128], m[128], again[256];
    size_t len, k, i, j, n, alen, ok = 0;
    int64_t f;
    bool tr;
    (void)state;

    assert_int_equal(sq_commit_meta_encode(3, runs, 3, false, good, sizeof good, &len, &k), 0);
    for (i = 0; i < len; i++)
        for (j = 0; j < sizeof alphabet - 1; j++) {
            int err;
            memcpy(m, good, len);
            m[i] = alphabet[j];
            err = decode_guarded(m, len, &f, back, 8, &n, &tr);
            if (err) {
                assert_true(err == SAMSA_ERR_MALFORMED || err == SAMSA_ERR_NOT_FOUND ||
                            err == SAMSA_ERR_LIMIT);
                continue;
            }
            assert_int_equal(sq_commit_meta_encode(f, back, n, tr, again, sizeof again, &alen,
                                                   &k), 0);
            assert_int_equal(alen, len);
            assert_memory_equal(again, m, len);
            ok++;
        }
    print_message("mutations: %zu of %zu decoded (and re-encoded to themselves)\n", ok,
                  len * (sizeof alphabet - 1));
}

static void test_from_tracker(void **state)
{
    sq_tracker t;
    sq_run runs[8];
    size_t n;
    bool more;
    int64_t o;
    (void)state;

    assert_int_equal(sq_tracker_init(&t, NULL, 64), 0);
    /* offsets 10..20 then 30..34 (a compaction hole in between) */
    for (o = 10; o <= 20; o++)
        assert_int_equal(sq_tracker_add(&t, o), 0);
    for (o = 30; o <= 34; o++)
        assert_int_equal(sq_tracker_add(&t, o), 0);
    sq_commit_meta_runs(&t, runs, 8, &n, &more);
    assert_int_equal(n, 0);
    /* done: 10 (frontier moves to 11), 13, 14, 16, 19, 20, 30, 33 */
    assert_int_equal(sq_tracker_done(&t, 10), 0);
    assert_int_equal(sq_tracker_done(&t, 13), 0);
    assert_int_equal(sq_tracker_done(&t, 14), 0);
    assert_int_equal(sq_tracker_done(&t, 16), 0);
    assert_int_equal(sq_tracker_done(&t, 19), 0);
    assert_int_equal(sq_tracker_done(&t, 20), 0);
    assert_int_equal(sq_tracker_done(&t, 30), 0);
    assert_int_equal(sq_tracker_done(&t, 33), 0);
    assert_int_equal(sq_tracker_commit_offset(&t), 11);
    sq_commit_meta_runs(&t, runs, 8, &n, &more);
    assert_int_equal(n, 4);
    assert_false(more);
    assert_int_equal(runs[0].first, 13);
    assert_int_equal(runs[0].count, 2);
    assert_int_equal(runs[1].first, 16);
    assert_int_equal(runs[1].count, 1);
    assert_int_equal(runs[2].first, 19); /* 19, 20, hole 21..29, 30 */
    assert_int_equal(runs[2].count, 12);
    assert_int_equal(runs[3].first, 33);
    assert_int_equal(runs[3].count, 1);
    {
        char out[128];
        size_t len, k;
        assert_int_equal(sq_commit_meta_encode(sq_tracker_commit_offset(&t), runs, n, more, out,
                                               sizeof out, &len, &k), 0);
        assert_int_equal(k, 4);
    }
    sq_commit_meta_runs(&t, runs, 2, &n, &more);
    assert_int_equal(n, 2);
    assert_true(more);
    sq_tracker_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector),
        cmocka_unit_test(test_random_round_trips),
        cmocka_unit_test(test_truncation_at_every_cap),
        cmocka_unit_test(test_invalid_runs),
        cmocka_unit_test(test_hostile_strings),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_from_tracker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
