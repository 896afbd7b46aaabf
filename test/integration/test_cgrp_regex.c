/*
 * Pattern subscription against the real broker (samsa_subscribe_pattern,
 * Java's subscribe(Pattern)), classic and KIP-848: a member subscribed to
 * "hgroup-rx[abc]-<pid>-[0-9]+" gets every partition of the two matching
 * topics and none of a topic that does not match (the callback fails on
 * it), reads what was produced, and picks up a matching topic created
 * later (classic: the next listing, metadata.max.age.ms 1000 here;
 * KIP-848: the broker's regex refresh). Shared setup:
 * test/support/cgrp_test.h.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "samsa_test.h"
#include "cgrp_test.h"

#define NT 3 /* matching topics: a, b at the start, c created later */

static char names[NT + 1][128]; /* [NT]: the one that does not match */

typedef struct rx_member {
    samsa_client *c;
    bool owned[NT][CGT_NPART];
    int lost;
} rx_member;

static int topic_index(const char *t)
{
    int i;

    for (i = 0; i < NT; i++)
        if (strcmp(names[i], t) == 0)
            return i;
    return -1;
}

static void rx_cb(void *opaque, samsa_client *c, samsa_rebalance_event ev,
                  const samsa_topic_partition *tps, size_t n)
{
    rx_member *m = opaque;
    size_t i;

    (void)c;
    for (i = 0; i < n; i++) {
        int t = topic_index(tps[i].topic);

        if (t < 0)
            fail_msg("assigned a topic the pattern does not match: %s",
                     tps[i].topic);
        assert_true(tps[i].partition >= 0 && tps[i].partition < CGT_NPART);
        if (ev == SAMSA_REBALANCE_ASSIGNED) {
            assert_false(m->owned[t][tps[i].partition]);
            m->owned[t][tps[i].partition] = true;
        } else {
            assert_true(m->owned[t][tps[i].partition]);
            m->owned[t][tps[i].partition] = false;
        }
    }
    if (ev == SAMSA_REBALANCE_LOST)
        m->lost++;
}

static int owned_in(const rx_member *m, int t)
{
    int p, n = 0;

    for (p = 0; p < CGT_NPART; p++)
        n += m->owned[t][p];
    return n;
}

/* Drive m until it owns every partition of topics [0, upto); records of
 * names[0] counted into *read. ms it took. */
static int64_t wait_owned(rx_member *m, int upto, int *read, int timeout_ms)
{
    int64_t t0 = st_now_ms();
    samsa_message *msg;
    int t;
    bool all;

    for (;;) {
        samsa_poll(m->c, 5);
        while ((msg = samsa_consume(m->c, 0)) != NULL) {
            assert_int_equal(msg->err, 0);
            if (strcmp(msg->topic, names[0]) == 0)
                (*read)++;
            samsa_message_release(msg);
        }
        for (all = true, t = 0; t < upto; t++)
            all = all && owned_in(m, t) == CGT_NPART;
        if (all)
            return st_now_ms() - t0;
        if (st_now_ms() - t0 > timeout_ms)
            fail_msg("the pattern's topics were not all assigned in %d ms",
                     timeout_ms);
    }
}

static void pattern_run(const char *what, const char *extra_k,
                        const char *extra_v)
{
    char group[128], pat[128], err[256];
    rx_member m;
    samsa_client *admin;
    samsa_conf *cf;
    int read = 0, i;
    int64_t t;

    admin = cgt_make_topic(names[0], sizeof names[0], "rxa");
    cgt_name_of(names[1], sizeof names[1], "rxb");
    cgt_name_of(names[NT], sizeof names[NT], "rxz");
    assert_int_equal(samsa_create_topic(admin, names[1], CGT_NPART, 1, NULL, 0, 30000), 0);
    assert_int_equal(samsa_create_topic(admin, names[NT], CGT_NPART, 1, NULL, 0, 30000), 0);
    names[2][0] = '\0';
    cgt_produce(admin, names[0], 5, 0);
    cgt_name_of(group, sizeof group, what);
    snprintf(pat, sizeof pat, "hgroup-rx[abc]-%d-[0-9]+", (int)getpid());

    memset(&m, 0, sizeof m);
    cf = samsa_conf_new(NULL);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", cgt_bootstrap(), err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "group.id", group, err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "auto.offset.reset", "earliest", err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "metadata.max.age.ms", "1000", err, sizeof err), 0);
    if (extra_k)
        assert_int_equal(samsa_conf_set(cf, extra_k, extra_v, err, sizeof err), 0);
    samsa_conf_set_rebalance_cb(cf, rx_cb, &m);
    m.c = samsa_client_new(cf, err, sizeof err);
    assert_non_null(m.c);
    samsa_conf_destroy(cf);
    assert_int_equal(samsa_subscribe_pattern(m.c, pat), 0);

    t = wait_owned(&m, 2, &read, 60000);
    printf("pattern (%s): 2 matching topics assigned in %lld ms\n", what,
           (long long)t);
    while (read < 5 * CGT_NPART) {
        int before = read;

        wait_owned(&m, 2, &read, 20000);
        if (read == before)
            samsa_poll(m.c, 10);
    }
    assert_int_equal(read, 5 * CGT_NPART);

    /* a matching topic created now joins the subscription */
    cgt_name_of(names[2], sizeof names[2], "rxc");
    assert_int_equal(samsa_create_topic(admin, names[2], CGT_NPART, 1, NULL, 0, 30000), 0);
    t = wait_owned(&m, 3, &read, 90000);
    printf("pattern (%s): a new matching topic assigned after %lld ms\n", what,
           (long long)t);
    assert_int_equal(m.lost, 0);
    assert_int_equal(samsa_close(m.c, 10000), 0);
    samsa_client_destroy(m.c);
    for (i = 0; i <= NT; i++)
        if (names[i][0])
            samsa_delete_topic(admin, names[i], 30000);
    samsa_client_destroy(admin);
}

static void test_pattern_classic(void **state)
{
    (void)state;
    cgt_bootstrap();
    pattern_run("rx-classic", "partition.assignment.strategy", "range");
}

static void test_pattern_kip848(void **state)
{
    (void)state;
    cgt_bootstrap();
    pattern_run("rx-kip848", "group.protocol", "consumer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_classic),
        cmocka_unit_test(test_pattern_kip848),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
