/* Metadata cache: updates, leader epochs, topic errors, faults. */
#include <string.h>

#include "samsa_test.h"
#include "metadata.h"
#include "samsa/error.h"

static int32_t reps[3] = { 1, 2, 3 };

static sc_partition_md part(int32_t id, int32_t leader, int32_t epoch)
{
    sc_partition_md p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.leader = leader;
    p.leader_epoch = epoch;
    p.nreplicas = 3;
    p.replicas = reps;
    p.nisr = 2;
    p.isr = reps;
    return p;
}

static void test_topics_and_leader_epochs(void **state)
{
    sc_metadata md;
    sc_partition_md p[3];
    const sc_topic_md *t;
    unsigned ch;
    (void)state;

    sc_md_init(&md, NULL);
    p[0] = part(2, 1, 5); /* any order */
    p[1] = part(0, 2, 5);
    p[2] = part(1, -1, 5);
    assert_int_equal(sc_md_update_topic(&md, "orders", 6, NULL, 0, false, p, 3, 100, &ch), 0);
    assert_true(ch & SC_MD_NEW_TOPIC);
    t = sc_md_topic(&md, "orders", 6);
    assert_non_null(t);
    assert_int_equal(t->npartitions, 3);
    assert_int_equal(t->parts[0].leader, 2);
    assert_int_equal(t->parts[2].leader, 1);
    assert_int_equal(t->available[1], 0);
    assert_int_equal(t->parts[1].nisr, 2);

    /* an older epoch from a lagging broker does not move the leader back */
    p[0] = part(0, 3, 4);
    p[1] = part(1, 3, 6);
    p[2] = part(2, 1, 5);
    assert_int_equal(sc_md_update_topic(&md, "orders", 6, NULL, 0, false, p, 3, 200, &ch), 0);
    t = sc_md_topic(&md, "orders", 6);
    assert_int_equal(t->parts[0].leader, 2);
    assert_int_equal(t->parts[0].leader_epoch, 5);
    assert_int_equal(t->parts[1].leader, 3);
    assert_true(ch & SC_MD_LEADER_CHANGED);
    assert_int_equal(t->available[1], 1);

    /* a topic error keeps the partitions we knew */
    assert_int_equal(sc_md_update_topic(&md, "orders", 6, NULL, SAMSA_ERR_LEADER_NOT_AVAILABLE,
                                        false, NULL, 0, 300, &ch), 0);
    t = sc_md_topic(&md, "orders", 6);
    assert_int_equal(t->err, SAMSA_ERR_LEADER_NOT_AVAILABLE);
    assert_int_equal(t->npartitions, 3);

    /* more partitions */
    {
        sc_partition_md q[4] = { part(0, 1, 7), part(1, 1, 7), part(2, 1, 7), part(3, 1, 7) };
        assert_int_equal(sc_md_update_topic(&md, "orders", 6, NULL, 0, false, q, 4, 400, &ch), 0);
        assert_true(ch & SC_MD_PARTITIONS_ADDED);
        assert_int_equal(sc_md_topic(&md, "orders", 6)->npartitions, 4);
    }
    /* bad partition ids are refused and change nothing */
    p[0] = part(0, 1, 8);
    p[1] = part(0, 1, 8);
    assert_int_equal(sc_md_update_topic(&md, "orders", 6, NULL, 0, false, p, 2, 500, &ch),
                     SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sc_md_topic(&md, "orders", 6)->npartitions, 4);

    sc_md_remove_topic(&md, "orders", 6);
    assert_null(sc_md_topic(&md, "orders", 6));
    sc_md_free(&md);
}

static void test_brokers(void **state)
{
    sc_metadata md;
    sc_broker b[2] = { { 1, "h1", 9092, NULL }, { 2, "h2", 9093, "rack-a" } };
    (void)state;

    sc_md_init(&md, NULL);
    assert_int_equal(sc_md_set_brokers(&md, b, 2, "cid", 1), 0);
    assert_string_equal(sc_md_broker(&md, 2)->rack, "rack-a");
    assert_null(sc_md_broker(&md, 3));
    assert_int_equal(sc_md_set_brokers(&md, b, 1, NULL, -1), 0);
    assert_null(sc_md_broker(&md, 2));
    sc_md_free(&md);
}

static void test_allocation_failures(void **state)
{
    long n;
    (void)state;

    for (n = 1;; n++) {
        st_fail_alloc fa;
        sc_metadata md;
        sc_partition_md p[2] = { part(0, 1, 1), part(1, 2, 1) };
        sc_broker b[1] = { { 1, "h1", 9092, "r" } };
        unsigned ch;
        int rc1, rc2, rc3;

        st_fail_alloc_init(&fa, n);
        sc_md_init(&md, &fa.alloc);
        rc1 = sc_md_set_brokers(&md, b, 1, "c", 1);
        rc2 = sc_md_update_topic(&md, "t", 1, NULL, 0, false, p, 2, 1, &ch);
        rc3 = sc_md_update_topic(&md, "t", 1, NULL, 0, false, p, 2, 2, &ch);
        assert_true(rc1 == 0 || rc1 == SAMSA_ERR_NO_MEMORY);
        assert_true(rc2 == 0 || rc2 == SAMSA_ERR_NO_MEMORY);
        assert_true(rc3 == 0 || rc3 == SAMSA_ERR_NO_MEMORY);
        sc_md_free(&md);
        assert_int_equal(fa.live, 0);
        if (fa.calls < n)
            break;
    }
}

static void test_leader_from_produce(void **state)
{
    sc_metadata md;
    sc_partition_md p[2];
    sc_broker b[2] = { { 1, "h1", 9092, NULL }, { 2, "h2", 9092, NULL } };
    const sc_topic_md *t;
    unsigned ch;
    (void)state;

    sc_md_init(&md, NULL);
    assert_int_equal(sc_md_set_brokers(&md, b, 2, "cid", 1), 0);
    p[0] = part(0, 1, 5);
    p[1] = part(1, -1, 5);
    assert_int_equal(sc_md_update_topic(&md, "t", 1, NULL, 0, false, p, 2, 1, &ch), 0);
    /* newer epoch, known broker: applied */
    assert_true(sc_md_update_leader(&md, "t", 1, 0, 2, 6));
    t = sc_md_topic(&md, "t", 1);
    assert_int_equal(t->parts[0].leader, 2);
    assert_int_equal(t->parts[0].leader_epoch, 6);
    /* older epoch, unknown broker, unknown topic/partition: ignored */
    assert_false(sc_md_update_leader(&md, "t", 1, 0, 1, 5));
    assert_false(sc_md_update_leader(&md, "t", 1, 0, 9, 7));
    assert_false(sc_md_update_leader(&md, "u", 1, 0, 1, 7));
    assert_false(sc_md_update_leader(&md, "t", 1, 2, 1, 7));
    assert_int_equal(t->parts[0].leader, 2);
    /* a leaderless partition becomes available */
    assert_int_equal(t->available[1], 0);
    assert_true(sc_md_update_leader(&md, "t", 1, 1, 1, 5));
    assert_int_equal(t->available[1], 1);
    sc_md_free(&md);
}

/* A creation failure: a final error with a detail, until the next answer. */
static void test_topic_error_detail(void **state)
{
    sc_metadata md;
    sc_partition_md p[1];
    const sc_topic_md *t;
    unsigned ch;
    (void)state;

    sc_md_init(&md, NULL);
    assert_int_equal(sc_md_set_topic_error(&md, "new", 3, SAMSA_ERR_POLICY_VIOLATION,
                                           "x"), SAMSA_ERR_INVALID_ARG); /* not cached */
    assert_int_equal(sc_md_update_topic(&md, "new", 3, NULL,
                                        SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION, false,
                                        NULL, 0, 1, &ch), 0);
    t = sc_md_topic(&md, "new", 3);
    assert_null(t->detail);
    assert_int_equal(sc_md_set_topic_error(&md, "new", 3, 0, "x"), SAMSA_ERR_INVALID_ARG);
    assert_int_equal(sc_md_set_topic_error(&md, "new", 3, SAMSA_ERR_POLICY_VIOLATION,
                                           " (no)"), 0);
    assert_int_equal(t->err, SAMSA_ERR_POLICY_VIOLATION);
    assert_string_equal(t->detail, " (no)");
    assert_int_equal(sc_md_set_topic_error(&md, "new", 3, SAMSA_ERR_POLICY_VIOLATION,
                                           " (again)"), 0);
    assert_string_equal(t->detail, " (again)");
    /* the next answer (still unknown) clears it */
    assert_int_equal(sc_md_update_topic(&md, "new", 3, NULL,
                                        SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION, false,
                                        NULL, 0, 2, &ch), 0);
    assert_null(t->detail);
    assert_int_equal(t->err, SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
    /* and so does a created topic's */
    assert_int_equal(sc_md_set_topic_error(&md, "new", 3, SAMSA_ERR_POLICY_VIOLATION,
                                           NULL), 0);
    assert_string_equal(t->detail, "");
    p[0] = part(0, 1, 0);
    assert_int_equal(sc_md_update_topic(&md, "new", 3, NULL, 0, false, p, 1, 3, &ch), 0);
    t = sc_md_topic(&md, "new", 3);
    assert_null(t->detail);
    assert_int_equal(t->err, 0);
    /* freed with the cache (ASan checks) */
    assert_int_equal(sc_md_set_topic_error(&md, "new", 3, SAMSA_ERR_POLICY_VIOLATION,
                                           "left"), 0);
    sc_md_free(&md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topics_and_leader_epochs),
        cmocka_unit_test(test_brokers),
        cmocka_unit_test(test_leader_from_produce),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_topic_error_detail),
    };
    return cmocka_run_group_tests_name("metadata", tests, NULL, NULL);
}
