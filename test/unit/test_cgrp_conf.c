/*
 * Group configuration checks made by the first group call (no broker
 * needed): as Java's ConsumerConfig, group.protocol=consumer refuses
 * session.timeout.ms, heartbeat.interval.ms and
 * partition.assignment.strategy (the broker owns them; group.remote.assignor
 * picks its assignor), and group.protocol=classic refuses
 * group.remote.assignor. samsa_subscribe answers SAMSA_ERR_CONFIG and
 * samsa_client_errstr names the properties. Values equal to the default
 * count as not set (samsa_conf does not record what was set). A bad
 * samsa_subscribe_pattern regex is refused with INVALID_ARG.
 */
#include <stdio.h>
#include <string.h>

#include "samsa_test.h"
#include "samsa.h"
#include "samsa/consumer.h"

/* subscribe with kv (NULL-terminated pairs) on top of group.id; the
 * result, and errstr copied to err. */
static int subscribe_with(const char *const *kv, char *err, size_t len)
{
    const char *topics[] = { "t" };
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char e[256];
    int rc;

    assert_non_null(cf);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", "127.0.0.1:1", e, sizeof e), 0);
    assert_int_equal(samsa_conf_set(cf, "group.id", "g", e, sizeof e), 0);
    for (; kv && kv[0]; kv += 2)
        if (samsa_conf_set(cf, kv[0], kv[1], e, sizeof e) != 0)
            fail_msg("conf %s: %s", kv[0], e);
    c = samsa_client_new(cf, e, sizeof e);
    assert_non_null(c);
    samsa_conf_destroy(cf);
    rc = samsa_subscribe(c, topics, 1);
    snprintf(err, len, "%s", samsa_client_errstr(c));
    samsa_client_destroy(c);
    return rc;
}

static void test_kip848_refuses_client_timeouts(void **state)
{
    static const char *const one[] = { "group.protocol", "consumer",
                                       "session.timeout.ms", "10000", NULL };
    static const char *const all[] = { "group.protocol", "consumer",
                                       "heartbeat.interval.ms", "500",
                                       "partition.assignment.strategy", "roundrobin",
                                       "session.timeout.ms", "6000", NULL };
    char err[256];

    (void)state;
    assert_int_equal(subscribe_with(one, err, sizeof err), SAMSA_ERR_CONFIG);
    assert_string_equal(err, "session.timeout.ms cannot be set when "
                             "group.protocol=consumer");
    assert_int_equal(subscribe_with(all, err, sizeof err), SAMSA_ERR_CONFIG);
    assert_string_equal(err, "partition.assignment.strategy, session.timeout.ms, "
                             "heartbeat.interval.ms cannot be set when "
                             "group.protocol=consumer");
}

static void test_kip848_defaults_and_remote_assignor_ok(void **state)
{
    static const char *const ok[] = { "group.protocol", "consumer",
                                      "group.remote.assignor", "range",
                                      "session.timeout.ms", "45000", NULL };
    char err[256];

    (void)state;
    assert_int_equal(subscribe_with(ok, err, sizeof err), 0);
}

static void test_classic_refuses_remote_assignor(void **state)
{
    static const char *const bad[] = { "group.remote.assignor", "uniform", NULL };
    static const char *const ok[] = { "session.timeout.ms", "6000",
                                      "heartbeat.interval.ms", "500",
                                      "partition.assignment.strategy", "roundrobin",
                                      NULL };
    char err[256];

    (void)state;
    assert_int_equal(subscribe_with(bad, err, sizeof err), SAMSA_ERR_CONFIG);
    assert_string_equal(err, "group.remote.assignor cannot be set when "
                             "group.protocol=classic");
    assert_int_equal(subscribe_with(ok, err, sizeof err), 0);
}

static void test_bad_pattern(void **state)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char e[256];

    (void)state;
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", "127.0.0.1:1", e, sizeof e), 0);
    assert_int_equal(samsa_conf_set(cf, "group.id", "g", e, sizeof e), 0);
    c = samsa_client_new(cf, e, sizeof e);
    assert_non_null(c);
    samsa_conf_destroy(cf);
    assert_int_equal(samsa_subscribe_pattern(c, "orders-(["), SAMSA_ERR_INVALID_ARG);
    assert_non_null(strstr(samsa_client_errstr(c), "bad pattern orders-(["));
    assert_int_equal(samsa_subscribe_pattern(c, ""), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(samsa_subscribe_pattern(c, "orders-.*"), 0);
    /* subscribed: manual assignment refused */
    {
        samsa_topic_partition tp;

        memset(&tp, 0, sizeof tp);
        tp.topic = "t";
        tp.offset = SAMSA_OFFSET_BEGINNING;
        assert_int_equal(samsa_assign(c, &tp, 1), SAMSA_ERR_STATE);
    }
    assert_int_equal(samsa_unsubscribe(c), 0);
    samsa_client_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kip848_refuses_client_timeouts),
        cmocka_unit_test(test_kip848_defaults_and_remote_assignor_ok),
        cmocka_unit_test(test_classic_refuses_remote_assignor),
        cmocka_unit_test(test_bad_pattern),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
