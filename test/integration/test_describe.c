/*
 * test/integration/test_describe.c - samsa/describe.h against the real
 * broker: metadata (all topics, named, unknown and not auto-created),
 * groups (list, describe, committed offsets), both modes, a dead address
 * timing out, and allocation failures (every result freed, nothing leaked).
 * Topics and groups are named hcli-<pid>-*.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa.h"

static char topic[128], group[128];
static const char *tp1 = topic;

static samsa_client *client_with(const char *bootstrap, const samsa_allocator *a,
                                 const char *group_id)
{
    char err[256];
    samsa_conf *conf = samsa_conf_new(a);
    samsa_client *c;

    assert_non_null(conf);
    assert_int_equal(samsa_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err), 0);
    if (group_id)
        assert_int_equal(samsa_conf_set(conf, "group.id", group_id, err, sizeof err), 0);
    c = samsa_client_new(conf, err, sizeof err);
    samsa_conf_destroy(conf);
    assert_non_null(c);
    return c;
}

static int setup(void **state)
{
    const char *b = getenv("SAMSA_TEST_BOOTSTRAP");
    samsa_client *c;
    int rc;

    (void)state;
    snprintf(topic, sizeof topic, "hcli-%d-describe", (int)getpid());
    snprintf(group, sizeof group, "hcli-%d-describe-group", (int)getpid());
    if (!b)
        return 0;
    c = client_with(b, NULL, NULL);
    rc = samsa_create_topic(c, topic, 4, 1, NULL, 0, 30000);
    samsa_client_destroy(c);
    return rc == 0 || rc == SAMSA_ERR_TOPIC_ALREADY_EXISTS ? 0 : -1;
}

static int teardown(void **state)
{
    const char *b = getenv("SAMSA_TEST_BOOTSTRAP");
    samsa_client *c;

    (void)state;
    if (!b)
        return 0;
    c = client_with(b, NULL, NULL);
    samsa_delete_topic(c, topic, 30000);
    samsa_client_destroy(c);
    return 0;
}

static const samsa_topic_metadata *find_topic(const samsa_metadata *md,
                                              const char *name)
{
    size_t i;

    for (i = 0; i < md->ntopics; i++)
        if (!strcmp(md->topics[i].name, name))
            return &md->topics[i];
    return NULL;
}

static void check_topic(const samsa_topic_metadata *t, const samsa_metadata *md)
{
    size_t i, j;

    assert_non_null(t);
    assert_int_equal(t->err, 0);
    assert_int_equal(t->internal, 0);
    assert_int_equal(t->npartitions, 4);
    for (i = 0; i < 4; i++) {
        const samsa_partition_metadata *p = &t->partitions[i];
        int known = 0;
        assert_int_equal(p->id, (int32_t)i); /* sorted */
        assert_int_equal(p->err, 0);
        assert_true(p->nreplicas >= 1 && p->nisr >= 1);
        for (j = 0; j < md->nbrokers; j++)
            known |= md->brokers[j].id == p->leader;
        assert_true(known);
        assert_int_equal(p->replicas[0], p->leader); /* single node: RF 1 */
    }
}

static void test_metadata(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");
    samsa_client *c = client_with(b, NULL, NULL);
    const char *names[2];
    char unknown[160];
    samsa_metadata *md;
    const samsa_topic_metadata *t;
    size_t i;

    (void)state;
    assert_int_equal(samsa_metadata_get(c, NULL, 0, &md, 10000), 0);
    assert_true(md->nbrokers >= 1);
    assert_true(md->cluster_id[0] != '\0');
    for (i = 1; i < md->nbrokers; i++)
        assert_true(md->brokers[i - 1].id < md->brokers[i].id);
    for (i = 1; i < md->ntopics; i++)
        assert_true(strcmp(md->topics[i - 1].name, md->topics[i].name) < 0);
    check_topic(find_topic(md, topic), md);
    t = find_topic(md, "__consumer_offsets");
    assert_non_null(t);
    assert_int_equal(t->internal, 1);
    samsa_metadata_free(md);

    /* named: the one asked for and an unknown one, which is not created */
    snprintf(unknown, sizeof unknown, "hcli-%d-never-created", (int)getpid());
    names[0] = topic;
    names[1] = unknown;
    for (i = 0; i < 2; i++) {
        assert_int_equal(samsa_metadata_get(c, names, 2, &md, 10000), 0);
        assert_int_equal(md->ntopics, 2);
        check_topic(find_topic(md, topic), md);
        t = find_topic(md, unknown);
        assert_non_null(t);
        assert_int_equal(t->err, SAMSA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        assert_int_equal(t->npartitions, 0);
        samsa_metadata_free(md);
    }
    /* no topics: brokers only */
    assert_int_equal(samsa_metadata_get(c, names, 0, &md, 10000), 0);
    assert_int_equal(md->ntopics, 0);
    assert_true(md->nbrokers >= 1);
    samsa_metadata_free(md);

    assert_int_equal(samsa_metadata_get(c, NULL, 0, NULL, 1000), SAMSA_ERR_INVALID_ARG);
    names[1] = "";
    assert_int_equal(samsa_metadata_get(c, names, 2, &md, 1000), SAMSA_ERR_INVALID_ARG);
    samsa_metadata_free(NULL);
    samsa_client_destroy(c);
}

static void test_groups(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");
    samsa_client *c = client_with(b, NULL, group);
    samsa_topic_partition tps[4];
    samsa_group_offsets *offs;
    samsa_group_description *d;
    samsa_group_list *l;
    char missing[160];
    size_t i;
    int found = 0;

    (void)state;
    /* commit offsets 10, 11, 12, 13 for the 4 partitions */
    memset(tps, 0, sizeof tps);
    for (i = 0; i < 4; i++) {
        tps[i].topic = topic;
        tps[i].partition = (int32_t)i;
        tps[i].offset = 10 + (int64_t)i;
        tps[i].leader_epoch = -1;
        tps[i].metadata = i == 2 ? "note" : NULL;
    }
    assert_int_equal(samsa_commit_sync(c, tps, 4, 20000), 0);

    assert_int_equal(samsa_group_offsets_get(c, group, &offs, 10000), 0);
    assert_int_equal(offs->n, 4);
    for (i = 0; i < 4; i++) {
        assert_string_equal(offs->tps[i].topic, topic);
        assert_int_equal(offs->tps[i].partition, (int32_t)i);
        assert_int_equal(offs->tps[i].offset, 10 + (int64_t)i);
        assert_int_equal(offs->tps[i].err, 0);
    }
    assert_string_equal(offs->tps[2].metadata, "note");
    samsa_group_offsets_free(offs);

    assert_int_equal(samsa_describe_group(c, group, &d, 10000), 0);
    assert_string_equal(d->group_id, group);
    assert_int_equal(d->err, 0);
    assert_string_equal(d->state, "Empty");
    assert_int_equal(d->nmembers, 0);
    assert_true(d->coordinator_id >= 0);
    samsa_group_description_free(d);

    assert_int_equal(samsa_list_groups(c, &l, 10000), 0);
    assert_int_equal(l->err, 0);
    for (i = 0; i < l->ngroups; i++) {
        if (i)
            assert_true(strcmp(l->groups[i - 1].group_id, l->groups[i].group_id) <= 0);
        if (!strcmp(l->groups[i].group_id, group)) {
            found = 1;
            assert_true(l->groups[i].coordinator_id >= 0);
        }
    }
    assert_true(found);
    samsa_group_list_free(l);

    /* a group that does not exist */
    snprintf(missing, sizeof missing, "hcli-%d-no-such-group", (int)getpid());
    assert_int_equal(samsa_describe_group(c, missing, &d, 10000), 0);
    assert_true(d->err == SAMSA_ERR_GROUP_ID_NOT_FOUND || !strcmp(d->state, "Dead"));
    samsa_group_description_free(d);
    assert_int_equal(samsa_group_offsets_get(c, missing, &offs, 10000), 0);
    assert_int_equal(offs->n, 0);
    samsa_group_offsets_free(offs);

    assert_int_equal(samsa_describe_group(c, "", &d, 1000), SAMSA_ERR_INVALID_ARG);
    samsa_client_destroy(c);
}

static void test_background_mode(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");
    samsa_client *c = client_with(b, NULL, NULL);
    samsa_metadata *md;

    (void)state;
    assert_int_equal(samsa_start(c), 0);
    assert_int_equal(samsa_metadata_get(c, &tp1, 1, &md, 10000), 0);
    check_topic(find_topic(md, topic), md);
    samsa_metadata_free(md);
    samsa_client_destroy(c);
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_dead_address_times_out(void **state)
{
    samsa_client *c = client_with("127.0.0.1:1", NULL, NULL);
    samsa_metadata *md = (samsa_metadata *)1;
    samsa_group_list *l;
    int64_t t0 = mono_ms();

    (void)state;
    assert_int_equal(samsa_metadata_get(c, NULL, 0, &md, 700), SAMSA_ERR_TIMED_OUT);
    assert_null(md);
    assert_true(mono_ms() - t0 < 3000);
    assert_true(strlen(samsa_client_errstr(c)) > 0);
    assert_int_equal(samsa_list_groups(c, &l, 300), SAMSA_ERR_TIMED_OUT);
    samsa_client_destroy(c);
}

/* Fail the Nth allocation after the client is up, N = 1, 2, ... until a
 * call runs without a fault firing: each call returns 0 or an error, and
 * once the client is destroyed nothing is left allocated. */
static void test_allocation_failures(void **state)
{
    const char *b = st_require_env("SAMSA_TEST_BOOTSTRAP");
    long n;

    (void)state;
    for (n = 1; n < 200; n++) {
        st_fail_alloc fa;
        samsa_client *c;
        samsa_metadata *md = NULL;
        samsa_group_description *d = NULL;
        samsa_group_offsets *o = NULL;
        long base;
        int rc1, rc2, rc3;

        st_fail_alloc_init(&fa, 0);
        c = client_with(b, &fa.alloc, NULL);
        /* connected and idle first, so the faults hit the calls */
        assert_int_equal(samsa_metadata_get(c, &tp1, 1, &md, 10000), 0);
        samsa_metadata_free(md);
        md = NULL;
        base = fa.calls;
        fa.fail_at = base + n;
        rc1 = samsa_metadata_get(c, &tp1, 1, &md, 3000);
        rc2 = samsa_describe_group(c, group, &d, 3000);
        rc3 = samsa_group_offsets_get(c, group, &o, 3000);
        if (rc1 == 0)
            check_topic(find_topic(md, topic), md);
        else
            assert_null(md);
        if (rc2 != 0)
            assert_null(d);
        if (rc3 != 0)
            assert_null(o);
        samsa_metadata_free(md);
        samsa_group_description_free(d);
        samsa_group_offsets_free(o);
        samsa_client_destroy(c);
        assert_int_equal(fa.live, 0);
        if (fa.calls < fa.fail_at) { /* nothing failed: every path seen */
            assert_int_equal(rc1, 0);
            assert_int_equal(rc2, 0);
            assert_int_equal(rc3, 0);
            break;
        }
    }
    if (getenv("SAMSA_TEST_VERBOSE"))
        fprintf(stderr, "allocation faults: %ld positions\n", n - 1);
    assert_true(n > 3);
    assert_true(n < 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_groups),
        cmocka_unit_test(test_background_mode),
        cmocka_unit_test(test_dead_address_times_out),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
