/*
 * W3C Trace Context: the spec's examples, every rule of the traceparent
 * and tracestate grammars both ways, future versions, the 32-member cap,
 * updates moving to the front; all parsing under guard pages.
 */
#include <string.h>

#include "samsa_test.h"
#include "trace.h"
#include "samsa/error.h"

#define TP "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

static int tp_parse(const char *s, sq_traceparent *tp)
{
    size_t n = strlen(s);
    const unsigned char *g = st_guard_copy(s, n);
    int err = sq_traceparent_parse((const char *)g, n, tp);
    st_guard_free(g, n);
    return err;
}

static const unsigned char *guard;
static size_t guard_len;

static int ts_parse(const char *s, sq_tracestate *ts)
{
    if (guard)
        st_guard_free(guard, guard_len);
    guard_len = strlen(s);
    guard = st_guard_copy(s, guard_len);
    return sq_tracestate_parse((const char *)guard, guard_len, ts);
}

static void test_traceparent_valid(void **state)
{
    static const uint8_t tid[16] = { 0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd,
                                     0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c };
    static const uint8_t pid[8] = { 0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31 };
    sq_traceparent tp;
    char out[SQ_TRACEPARENT_LEN + 1];
    (void)state;

    assert_int_equal(tp_parse(TP, &tp), 0);
    assert_int_equal(tp.version, 0);
    assert_memory_equal(tp.trace_id, tid, 16);
    assert_memory_equal(tp.parent_id, pid, 8);
    assert_int_equal(tp.flags, SQ_TRACE_FLAG_SAMPLED);
    assert_int_equal(sq_traceparent_format(&tp, out), 0);
    assert_string_equal(out, TP);
    /* higher versions: first 55 in the 00 layout, more only after a '-' */
    assert_int_equal(tp_parse("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", &tp), 0);
    assert_int_equal(tp.version, 0xcc);
    assert_int_equal(tp_parse("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-what-the-future", &tp), 0);
    assert_int_equal(sq_traceparent_format(&tp, out), 0);
    assert_string_equal(out, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
}

static void test_traceparent_invalid(void **state)
{
    static const char *bad[] = {
        "",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0",     /* 54 */
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-011",   /* 56 for 00 */
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-",   /* 00 with more */
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",   /* uppercase */
        "00-0af7651916cd43dd8448eb211c80319c-B7AD6B7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0A",
        "0A-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",   /* version ff */
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",   /* zero trace-id */
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",   /* zero parent-id */
        "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331_01",
        "00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333 -01",
        " 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01what", /* future, no '-' */
        "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
    };
    sq_traceparent tp, zero;
    char out[SQ_TRACEPARENT_LEN + 1];
    size_t i;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (tp_parse(bad[i], &tp) != SAMSA_ERR_MALFORMED)
            print_error("accepted: %s\n", bad[i]);
        assert_int_equal(tp_parse(bad[i], &tp), SAMSA_ERR_MALFORMED);
    }
    assert_int_equal(sq_traceparent_parse(NULL, 0, &tp), SAMSA_ERR_MALFORMED);
    memset(&zero, 0, sizeof zero);
    assert_int_equal(sq_traceparent_format(&zero, out), SAMSA_ERR_INVALID_ARG);
    zero.trace_id[15] = 1;
    assert_int_equal(sq_traceparent_format(&zero, out), SAMSA_ERR_INVALID_ARG);
    zero.parent_id[0] = 1;
    assert_int_equal(sq_traceparent_format(&zero, out), 0);
    assert_string_equal(out, "00-00000000000000000000000000000001-0100000000000000-00");
}

static void expect_member(const sq_tracestate *ts, size_t i, const char *k, const char *v)
{
    assert_true(i < ts->n);
    assert_int_equal(ts->m[i].keylen, strlen(k));
    assert_memory_equal(ts->m[i].key, k, strlen(k));
    assert_int_equal(ts->m[i].valuelen, strlen(v));
    assert_memory_equal(ts->m[i].value, v, strlen(v));
}

static void test_tracestate_valid(void **state)
{
    sq_tracestate ts;
    char out[600], k[300], v[300];
    size_t len;
    (void)state;

    assert_int_equal(ts_parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", &ts), 0);
    assert_int_equal(ts.n, 2);
    expect_member(&ts, 0, "rojo", "00f067aa0ba902b7");
    expect_member(&ts, 1, "congo", "t61rcWkgMzE");
    assert_int_equal(sq_tracestate_format(&ts, out, sizeof out, &len), 0);
    assert_string_equal(out, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    assert_int_equal(len, strlen(out));

    assert_int_equal(ts_parse(" \trojo=1 ,, \tcongo=a b ,", &ts), 0);
    assert_int_equal(ts.n, 2);
    expect_member(&ts, 1, "congo", "a b");
    assert_int_equal(ts_parse("", &ts), 0);
    assert_int_equal(ts.n, 0);
    assert_int_equal(ts_parse(" , ,", &ts), 0);
    assert_int_equal(ts.n, 0);
    assert_int_equal(ts_parse("fw529a3039@dt=x,0tenant@s_y-s*/=v,a*/_-9=~!", &ts), 0);
    assert_int_equal(ts.n, 3);
    expect_member(&ts, 0, "fw529a3039@dt", "x");
    assert_int_equal(ts_parse("k= leading", &ts), 0);
    expect_member(&ts, 0, "k", " leading");
    /* limits exactly */
    memset(k, 'a', 256);
    k[256] = 0;
    memset(v, 'v', 256);
    v[256] = 0;
    snprintf(out, sizeof out, "%s=%s", k, v);
    assert_int_equal(ts_parse(out, &ts), 0);
    memset(k, 't', 241);
    strcpy(k + 241, "@abcdefghijklmn");
    snprintf(out, sizeof out, "%s=1", k);
    assert_int_equal(ts_parse(out, &ts), 0);
}

static void test_tracestate_invalid(void **state)
{
    static const char *bad[] = {
        "Rojo=1", "1abc=1", "=1", "k", "k=", "k=a=b", "k=a,b", "a@B=1", "@s=1", "t@=1",
        "t@1s=1", "_t@s=1", "k=\x7f", "k=caf\xc3\xa9", "k=a\tb", "k=1,k=2", "k=1, k=2",
        "k =1", "k= ", "ké=1", "t@abcdefghijklmno=1",
    };
    sq_tracestate ts;
    char buf[9000], k[300];
    size_t i, n;
    (void)state;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int err = ts_parse(bad[i], &ts);
        if (err != SAMSA_ERR_MALFORMED)
            print_error("accepted: %s\n", bad[i]);
        assert_int_equal(err, SAMSA_ERR_MALFORMED);
        assert_int_equal(ts.n, 0);
    }
    memset(k, 'a', 257); /* key one too long */
    k[257] = 0;
    snprintf(buf, sizeof buf, "%s=1", k);
    assert_int_equal(ts_parse(buf, &ts), SAMSA_ERR_MALFORMED);
    snprintf(buf, sizeof buf, "k=%s", k); /* value one too long */
    assert_int_equal(ts_parse(buf, &ts), SAMSA_ERR_MALFORMED);
    memset(k, 't', 242); /* tenant one too long */
    strcpy(k + 242, "@s");
    snprintf(buf, sizeof buf, "%s=1", k);
    assert_int_equal(ts_parse(buf, &ts), SAMSA_ERR_MALFORMED);
    /* 32 members fine, 33 over */
    for (i = 0, n = 0; i < 33; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%sk%zu=%zu", i ? "," : "", i, i);
    assert_int_equal(ts_parse(buf, &ts), SAMSA_ERR_LIMIT);
    assert_int_equal(ts.n, 0);
    *strrchr(buf, ',') = 0;
    assert_int_equal(ts_parse(buf, &ts), 0);
    assert_int_equal(ts.n, 32);
    memset(buf, ' ', SQ_TRACESTATE_MAX_LEN + 1);
    buf[SQ_TRACESTATE_MAX_LEN + 1] = 0;
    assert_int_equal(ts_parse(buf, &ts), SAMSA_ERR_LIMIT);
    buf[SQ_TRACESTATE_MAX_LEN] = 0;
    assert_int_equal(ts_parse(buf, &ts), 0);
    assert_int_equal(sq_tracestate_parse(NULL, 1, &ts), SAMSA_ERR_MALFORMED);
}

static void test_tracestate_put_and_format(void **state)
{
    sq_tracestate ts;
    char out[64], many[600];
    size_t len, i, n;
    (void)state;

    assert_int_equal(ts_parse("rojo=1,congo=2,blue=3", &ts), 0);
    assert_int_equal(sq_tracestate_put(&ts, "congo", 5, "9", 1), 0);
    assert_int_equal(sq_tracestate_format(&ts, out, sizeof out, &len), 0);
    assert_string_equal(out, "congo=9,rojo=1,blue=3");
    assert_int_equal(sq_tracestate_put(&ts, "samsa", 5, "x", 1), 0);
    assert_int_equal(sq_tracestate_format(&ts, out, sizeof out, &len), 0);
    assert_string_equal(out, "samsa=x,congo=9,rojo=1,blue=3");
    assert_int_equal(sq_tracestate_put(&ts, "Bad", 3, "x", 1), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_tracestate_put(&ts, "ok", 2, "a,b", 3), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sq_tracestate_put(&ts, NULL, 0, "x", 1), SAMSA_ERR_INVALID_ARG);
    /* exact fit and one short */
    assert_int_equal(sq_tracestate_format(&ts, out, len + 1, &len), 0);
    assert_int_equal(sq_tracestate_format(&ts, out, len, &len), SAMSA_ERR_BUFFER_FULL);
    assert_string_equal(out, "");
    assert_int_equal(sq_tracestate_format(&ts, out, 0, &len), SAMSA_ERR_BUFFER_FULL);
    /* full list: a new key pushes out the rightmost */
    for (i = 0, n = 0; i < 32; i++)
        n += (size_t)snprintf(many + n, sizeof many - n, "%sk%zu=%zu", i ? "," : "", i, i);
    assert_int_equal(ts_parse(many, &ts), 0);
    assert_int_equal(sq_tracestate_put(&ts, "new", 3, "1", 1), 0);
    assert_int_equal(ts.n, 32);
    expect_member(&ts, 0, "new", "1");
    expect_member(&ts, 31, "k30", "30");
    assert_int_equal(sq_tracestate_put(&ts, "k5", 2, "x", 1), 0); /* update when full */
    assert_int_equal(ts.n, 32);
    expect_member(&ts, 0, "k5", "x");
    expect_member(&ts, 1, "new", "1");
    expect_member(&ts, 31, "k30", "30");
}

static int cleanup(void **state)
{
    (void)state;
    if (guard)
        st_guard_free(guard, guard_len);
    guard = NULL;
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_traceparent_valid),
        cmocka_unit_test(test_traceparent_invalid),
        cmocka_unit_test(test_tracestate_valid),
        cmocka_unit_test(test_tracestate_invalid),
        cmocka_unit_test(test_tracestate_put_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, cleanup);
}
