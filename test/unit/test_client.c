/*
 * The client handle without a broker: bootstrap parsing, the reentrancy
 * rules for calls from inside a delivery callback, every record reported
 * when nothing can be delivered, and allocation failures at every point
 * of create / produce / poll / destroy (no crash, no leak, every accepted
 * record reported exactly once).
 */
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "samsa.h"

static samsa_client *new_client(const samsa_allocator *a, const char *bs,
                                char *err, size_t errlen, ...)
{
    samsa_conf *cf = samsa_conf_new(a);
    samsa_client *c;
    const char *k;
    va_list ap;

    if (!cf)
        return NULL;
    if (samsa_conf_set(cf, "bootstrap.servers", bs, err, errlen) != 0) {
        samsa_conf_destroy(cf);
        return NULL;
    }
    va_start(ap, errlen);
    while ((k = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);
        if (samsa_conf_set(cf, k, v, err, errlen) != 0) {
            va_end(ap);
            samsa_conf_destroy(cf);
            return NULL;
        }
    }
    va_end(ap);
    c = samsa_client_new(cf, err, errlen);
    samsa_conf_destroy(cf);
    return c;
}

static void test_bootstrap_parsing(void **state)
{
    static const char *const bad[] = { "", " , ", "nohost", "h:", "h:0",
                                       "h:99999", "[::1]", "[::1]9092", ":9092",
                                       "h:12x" };
    char err[256];
    samsa_client *c;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        c = new_client(NULL, bad[i], err, sizeof err, NULL);
        if (c)
            fail_msg("'%s' accepted", bad[i]);
        assert_non_null(strstr(err, "bootstrap.servers"));
    }
    c = new_client(NULL, " [::1]:9092 , 127.0.0.1:9092,localhost:1", err,
                   sizeof err, NULL);
    assert_non_null(c);
    assert_true(samsa_fd(c) >= 0);
    assert_int_equal(samsa_outstanding(c), 0);
    assert_int_equal(samsa_flush(c, 0), 0);
    samsa_client_destroy(c);
}

typedef struct reent {
    samsa_client *c;
    int reports;
    int poll_rc, flush_rc, produce_rc;
    int errs[4];
} reent;

static void reent_cb(void *opaque, const samsa_delivery *d)
{
    reent *r = opaque;

    if (r->reports < 4)
        r->errs[r->reports] = d->err;
    if (r->reports++ == 0) {
        samsa_record rec = { .topic = "t", .partition = -1, .value = "again",
                             .value_len = 5, .timestamp_ms = -1 };
        r->poll_rc = samsa_poll(r->c, 0);
        r->flush_rc = samsa_flush(r->c, 10);
        samsa_client_destroy(r->c); /* refused: still usable after */
        r->produce_rc = samsa_produce(r->c, &rec, NULL, 0);
    }
}

static void test_callback_reentrancy(void **state)
{
    samsa_record rec = { .topic = "t", .partition = -1, .value = "v",
                         .value_len = 1, .timestamp_ms = -1 };
    samsa_conf *cf = samsa_conf_new(NULL);
    char err[256];
    reent r;
    int i;

    (void)state;
    memset(&r, 0, sizeof r);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", "127.0.0.1:1", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "delivery.timeout.ms", "200", err, sizeof err), 0);
    samsa_conf_set_delivery_cb(cf, reent_cb, &r);
    r.c = samsa_client_new(cf, err, sizeof err);
    samsa_conf_destroy(cf);
    assert_non_null(r.c);
    assert_int_equal(samsa_produce(r.c, &rec, NULL, 0), 0);
    for (i = 0; i < 100 && r.reports < 2; i++)
        samsa_poll(r.c, 50);
    assert_int_equal(r.reports, 2);
    assert_int_equal(r.poll_rc, SAMSA_ERR_REENTRANT);
    assert_int_equal(r.flush_rc, SAMSA_ERR_REENTRANT);
    assert_int_equal(r.produce_rc, 0);
    assert_int_equal(r.errs[0], SAMSA_ERR_MSG_TIMED_OUT);
    assert_int_equal(r.errs[1], SAMSA_ERR_MSG_TIMED_OUT);
    assert_int_equal(samsa_outstanding(r.c), 0);
    samsa_client_destroy(r.c);
}

static void test_invalid_records(void **state)
{
    char err[256];
    samsa_client *c = new_client(NULL, "127.0.0.1:1", err, sizeof err, NULL);
    samsa_header h = { NULL, "v", 1 };
    samsa_record r;

    (void)state;
    assert_non_null(c);
    memset(&r, 0, sizeof r);
    assert_int_equal(samsa_produce(c, &r, NULL, 0), SAMSA_ERR_INVALID_ARG);
    r.topic = "";
    assert_int_equal(samsa_produce(c, &r, NULL, 0), SAMSA_ERR_INVALID_ARG);
    r.topic = "t";
    r.partition = -2;
    assert_int_equal(samsa_produce(c, &r, NULL, 0), SAMSA_ERR_INVALID_ARG);
    r.partition = -1;
    r.key_len = 3; /* with a NULL key */
    assert_int_equal(samsa_produce(c, &r, NULL, 0), SAMSA_ERR_INVALID_ARG);
    r.key_len = 0;
    r.headers = &h;
    r.nheaders = 1; /* header without a name */
    assert_int_equal(samsa_produce(c, &r, NULL, 0), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(samsa_outstanding(c), 0);
    assert_int_equal(samsa_produce(NULL, &r, NULL, 0), SAMSA_ERR_INVALID_ARG);
    samsa_client_destroy(c);
    samsa_client_destroy(NULL);
}

typedef struct counts {
    int reports;
    int per[8];
} counts;

static void count_cb(void *opaque, const samsa_delivery *d)
{
    counts *k = opaque;
    size_t i = (size_t)(uintptr_t)d->opaque;

    k->reports++;
    if (i < 8)
        k->per[i]++;
}

static void test_alloc_faults(void **state)
{
    long n;

    (void)state;
    for (n = 1; n < 100000; n++) {
        st_fail_alloc fa;
        samsa_conf *cf;
        samsa_client *c;
        counts k;
        char err[256];
        int accepted[8] = { 0 };
        int i;

        st_fail_alloc_init(&fa, n);
        memset(&k, 0, sizeof k);
        cf = samsa_conf_new(&fa.alloc);
        if (!cf) {
            assert_int_equal(fa.live, 0);
            continue;
        }
        if (samsa_conf_set(cf, "bootstrap.servers", "127.0.0.1:1", err, sizeof err) ||
            samsa_conf_set(cf, "delivery.timeout.ms", "30", err, sizeof err)) {
            samsa_conf_destroy(cf);
            assert_int_equal(fa.live, 0);
            continue;
        }
        samsa_conf_set_delivery_cb(cf, count_cb, &k);
        c = samsa_client_new(cf, err, sizeof err);
        samsa_conf_destroy(cf);
        if (!c) {
            assert_int_equal(fa.live, 0);
            continue;
        }
        for (i = 0; i < 8; i++) {
            samsa_record r = { .topic = i % 2 ? "a" : "b", .partition = -1,
                               .value = "v", .value_len = 1, .timestamp_ms = -1 };
            accepted[i] = samsa_produce(c, &r, (void *)(uintptr_t)i, 0) == 0;
        }
        for (i = 0; i < 4; i++)
            samsa_poll(c, 20);
        samsa_client_destroy(c);
        for (i = 0; i < 8; i++)
            if (k.per[i] != accepted[i])
                fail_msg("fail_at %ld: record %d accepted %d reported %d", n,
                         i, accepted[i], k.per[i]);
        if (fa.live != 0)
            fail_msg("fail_at %ld: %ld allocations leaked", n, fa.live);
        if (fa.calls < n)
            break; /* the whole run passed without reaching fail_at */
    }
    print_message("allocation faults: %ld points checked\n", n);
    assert_true(n > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bootstrap_parsing),
        cmocka_unit_test(test_callback_reentrancy),
        cmocka_unit_test(test_invalid_records),
        cmocka_unit_test(test_alloc_faults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
