/* Configuration: defaults, checks at set time, messages, secrets, faults. */
#include <string.h>

#include "samsa_test.h"
#include "conf.h"
#include "samsa/error.h"

static void test_defaults_follow_java(void **state)
{
    samsa_conf *c = samsa_conf_new(NULL);
    char buf[64];
    (void)state;

    assert_non_null(c);
    assert_int_equal(sc_conf_enum(c, SC_ACKS), 0); /* all */
    assert_true(sc_conf_bool(c, SC_ENABLE_IDEMPOTENCE));
    assert_int_equal(sc_conf_int(c, SC_LINGER_MS), 5);
    assert_int_equal(sc_conf_int(c, SC_BATCH_SIZE), 16384);
    assert_int_equal(sc_conf_int(c, SC_MAX_IN_FLIGHT), 5);
    assert_int_equal(sc_conf_int(c, SC_DELIVERY_TIMEOUT_MS), 120000);
    assert_int_equal(sc_conf_int(c, SC_REQUEST_TIMEOUT_MS), 30000);
    assert_int_equal(sc_conf_int(c, SC_RETRY_BACKOFF_MS), 100);
    assert_int_equal(sc_conf_int(c, SC_RETRY_BACKOFF_MAX_MS), 1000);
    assert_int_equal(sc_conf_int(c, SC_RETRIES), 2147483647);
    assert_int_equal(sc_conf_int(c, SC_SESSION_TIMEOUT_MS), 45000);
    assert_int_equal(sc_conf_int(c, SC_HEARTBEAT_INTERVAL_MS), 3000);
    assert_int_equal(sc_conf_int(c, SC_MAX_POLL_INTERVAL_MS), 300000);
    assert_int_equal(sc_conf_int(c, SC_RECONNECT_BACKOFF_MS), 50);
    assert_int_equal(sc_conf_int(c, SC_RECONNECT_BACKOFF_MAX_MS), 1000);
    assert_int_equal(samsa_conf_get(c, "auto.offset.reset", buf, sizeof buf), 0);
    assert_string_equal(buf, "latest");
    assert_int_equal(sc_conf_list_mask(c, SC_PARTITION_ASSIGNMENT_STRATEGY), 0x9); /* range, cooperative-sticky */
    samsa_conf_destroy(c);
}

static void test_refused_at_set_time_with_names(void **state)
{
    samsa_conf *c = samsa_conf_new(NULL);
    char err[256];
    (void)state;

    assert_int_equal(samsa_conf_set(c, "linger.msec", "5", err, sizeof err),
                     SAMSA_ERR_UNKNOWN_PROPERTY);
    assert_non_null(strstr(err, "linger.msec"));
    assert_int_equal(samsa_conf_set(c, "linger.ms", "900001", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_string_equal(err, "linger.ms: 900001 is out of range (0..900000)");
    assert_int_equal(samsa_conf_set(c, "linger.ms", "5x", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_non_null(strstr(err, "integer"));
    assert_int_equal(samsa_conf_set(c, "acks", "2", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_non_null(strstr(err, "acks"));
    assert_non_null(strstr(err, "all|-1|0|1"));
    assert_int_equal(samsa_conf_set(c, "enable.idempotence", "yes", err, sizeof err), SAMSA_ERR_CONFIG);
    assert_int_equal(samsa_conf_set(c, "partition.assignment.strategy", "range,stiky", err, sizeof err),
                     SAMSA_ERR_CONFIG);
    assert_non_null(strstr(err, "'stiky'"));
    /* a refused value leaves the old one */
    assert_int_equal(sc_conf_int(c, SC_LINGER_MS), 5);
    /* accepted forms */
    assert_int_equal(samsa_conf_set(c, "linger.ms", " 0 ", err, sizeof err), 0);
    assert_int_equal(sc_conf_int(c, SC_LINGER_MS), 0);
    assert_int_equal(samsa_conf_set(c, "compression.type", "LZ4", err, sizeof err), 0);
    assert_int_equal(sc_conf_enum(c, SC_COMPRESSION_TYPE), 3);
    assert_int_equal(samsa_conf_set(c, "security.protocol", "sasl_ssl", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(c, "partition.assignment.strategy", "cooperative-sticky , roundrobin", err, sizeof err), 0);
    assert_int_equal(sc_conf_list_mask(c, SC_PARTITION_ASSIGNMENT_STRATEGY), 0xA);
    /* the Java class names name the same assignors */
    assert_int_equal(samsa_conf_set(c, "partition.assignment.strategy",
                                    "org.apache.kafka.clients.consumer.StickyAssignor", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(c, "acks", "-1", NULL, 0), 0);
    assert_int_equal(samsa_conf_set(NULL, "acks", "1", err, sizeof err), SAMSA_ERR_INVALID_ARG);
    samsa_conf_destroy(c);
}

static void test_secrets_never_shown(void **state)
{
    samsa_conf *c = samsa_conf_new(NULL);
    char buf[64], err[256];
    (void)state;

    assert_int_equal(samsa_conf_set(c, "sasl.password", "hunter2", err, sizeof err), 0);
    assert_int_equal(samsa_conf_get(c, "sasl.password", buf, sizeof buf), 0);
    assert_string_equal(buf, "[hidden]");
    assert_string_equal(sc_conf_str(c, SC_SASL_PASSWORD), "hunter2");
    samsa_conf_destroy(c);
}

static void test_dup_and_table(void **state)
{
    samsa_conf *c = samsa_conf_new(NULL), *d;
    const char *name, *def, *doc, *type, *range;
    char buf[64];
    size_t i;
    (void)state;

    assert_int_equal(samsa_conf_set(c, "bootstrap.servers", "a:1,b:2", NULL, 0), 0);
    d = samsa_conf_dup(c);
    assert_non_null(d);
    assert_string_equal(sc_conf_str(d, SC_BOOTSTRAP_SERVERS), "a:1,b:2");
    samsa_conf_destroy(c);
    samsa_conf_destroy(d);
    for (i = 0; (name = samsa_conf_property(i, &def, &doc)); i++) {
        assert_true(strlen(doc) > 10);
        assert_int_equal(samsa_conf_property_info(i, &type, &range, buf, sizeof buf), 0);
    }
    assert_int_equal(i, SC_NPROPS);
}

static void test_allocation_failures(void **state)
{
    long n;
    (void)state;

    for (n = 1;; n++) {
        st_fail_alloc fa;
        samsa_conf *c, *d = NULL;
        int rc = 0;

        st_fail_alloc_init(&fa, n);
        c = samsa_conf_new(&fa.alloc);
        if (c) {
            rc = samsa_conf_set(c, "client.id", "x", NULL, 0);
            d = samsa_conf_dup(c);
            samsa_conf_destroy(d);
            samsa_conf_destroy(c);
        }
        assert_int_equal(fa.live, 0);
        if (c && d && rc == 0 && fa.calls < n)
            break;
        assert_true(!c || !d || rc == SAMSA_ERR_NO_MEMORY);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_follow_java),
        cmocka_unit_test(test_refused_at_set_time_with_names),
        cmocka_unit_test(test_secrets_never_shown),
        cmocka_unit_test(test_dup_and_table),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
