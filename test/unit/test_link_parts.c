/*
 * What a program that only produces links from libsamsa.a: not the
 * consumer, the group, the assignors or admin (the client core reaches
 * them only through the sc_part_ops they install on first use), and not
 * the schemas of messages it never sends (net/ asks api_wire.c, which
 * names none). Keeps the minimal static producer small (bench/
 * static_size.sh, issue 9).
 *
 * A weak reference does not pull an archive member into the link, so each
 * symbol below is NULL unless something the producer path uses linked its
 * object. Meaningful only when this test is linked against the static
 * archive (as the Makefile does); the producer calls below are what pulls
 * the producer path in.
 */
#include <string.h>

#include "samsa_test.h"
#include "samsa.h"
#include "api.h"
#include "msg_fetch.h"
#include "msg_join_group.h"

#pragma weak samsa_assign
#pragma weak samsa_consume
#pragma weak samsa_subscribe
#pragma weak samsa_commit_sync
#pragma weak samsa_create_topic
#pragma weak samsa_describe_cluster
#pragma weak samsa_list_groups
#pragma weak sp_api_get
#pragma weak sp_msg_fetch_resp
#pragma weak sp_msg_join_group_resp
#pragma weak samsa_produce /* linked: the control */

static void produce_one(void)
{
    char eb[256];
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    samsa_record rec;

    assert_non_null(cf);
    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", "127.0.0.1:1",
                                    eb, sizeof eb), 0);
    c = samsa_client_new(cf, eb, sizeof eb);
    samsa_conf_destroy(cf);
    assert_non_null(c);
    memset(&rec, 0, sizeof rec);
    rec.topic = "hsize-link";
    rec.partition = SAMSA_PARTITION_ANY;
    rec.value = "x";
    rec.value_len = 1;
    (void)samsa_produce(c, &rec, NULL, 0);
    (void)samsa_flush(c, 0);
    samsa_client_destroy(c);
}

#define NOT_LINKED(sym)                                                        \
    do {                                                                       \
        if (&(sym) != NULL)                                                    \
            fail_msg("%s is linked into a producer-only program", #sym);       \
    } while (0)

static void test_producer_links_no_consumer_side(void **state)
{
    (void)state;
    produce_one();
    assert_true(&samsa_produce != NULL); /* the weak test itself works */
    NOT_LINKED(samsa_assign);
    NOT_LINKED(samsa_consume);
    NOT_LINKED(samsa_subscribe);
    NOT_LINKED(samsa_commit_sync);
    NOT_LINKED(samsa_create_topic);
    NOT_LINKED(samsa_describe_cluster);
    NOT_LINKED(samsa_list_groups);
    NOT_LINKED(sp_api_get);
    NOT_LINKED(sp_msg_fetch_resp);
    NOT_LINKED(sp_msg_join_group_resp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_producer_links_no_consumer_side),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
