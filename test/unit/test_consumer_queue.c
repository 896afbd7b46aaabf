/*
 * The consumer's ready queue without a broker: events queued for several
 * partitions, purging one partition (head, middle, tail) keeps the queue
 * consistent (the tail pointer too: later enqueues land after the right
 * element), release brings the prefetch budget back to zero.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "samsa_test.h"
#include "consumer_int.h"
#include "samsa/error.h"

typedef struct fixture {
    struct samsa_client c;
    sc_consumer cons;
    sc_cpart parts[3];
    char names[3][4];
} fixture;

static void fx_init(fixture *fx)
{
    int i;

    memset(fx, 0, sizeof *fx);
    pthread_mutex_init(&fx->c.mu, NULL);
    pthread_cond_init(&fx->c.cv, NULL);
    fx->cons.c = &fx->c;
    sc_prefetch_init(&fx->cons.pf, 1 << 20, NULL, NULL);
    for (i = 0; i < 3; i++) {
        fx->names[i][0] = (char)('a' + i);
        fx->parts[i].topic = fx->names[i];
        fx->parts[i].partition = i;
        sc_off_init(&fx->parts[i].off);
    }
}

static void fx_free(fixture *fx)
{
    pthread_cond_destroy(&fx->c.cv);
    pthread_mutex_destroy(&fx->c.mu);
}

/* The queue as a string of partition letters, checking qlen and qtail. */
static void expect(fixture *fx, const char *want)
{
    char got[64];
    size_t n = 0;
    sc_msg *m, *last = NULL;

    for (m = fx->cons.qhead; m; m = m->next) {
        got[n++] = m->pub.topic[0];
        last = m;
    }
    got[n] = 0;
    assert_string_equal(got, want);
    assert_int_equal(fx->cons.qlen, n);
    assert_ptr_equal(fx->cons.qtail, last);
}

static void push(fixture *fx, const char *which)
{
    for (; *which; which++)
        assert_int_equal(sc_cons_event(&fx->cons, &fx->parts[*which - 'a'],
                                       SAMSA_ERR_PARTITION_EOF, 7, "eof"), 0);
}

static void test_purge_keeps_order_and_tail(void **state)
{
    fixture fx;
    sc_msg *dropped = NULL;
    (void)state;

    fx_init(&fx);
    push(&fx, "abcabc");
    expect(&fx, "abcabc");
    assert_true(sc_prefetch_used(&fx.cons.pf) > 0);
    assert_string_equal(fx.cons.qhead->pub.errstr, "eof");
    assert_int_equal(fx.cons.qhead->pub.offset, 7);

    sc_cons_purge(&fx.cons, &fx.parts[2], &dropped); /* middle and tail */
    expect(&fx, "abab");
    push(&fx, "c");
    expect(&fx, "ababc"); /* the tail was right */
    sc_cons_purge(&fx.cons, &fx.parts[0], &dropped); /* head */
    expect(&fx, "bbc");
    sc_cons_purge(&fx.cons, &fx.parts[1], &dropped);
    expect(&fx, "c");
    sc_cons_purge(&fx.cons, NULL, &dropped); /* everything */
    expect(&fx, "");
    push(&fx, "b");
    expect(&fx, "b");
    sc_cons_purge(&fx.cons, NULL, &dropped);
    sc_cons_release_list(dropped);
    assert_int_equal(sc_prefetch_used(&fx.cons.pf), 0);
    fx_free(&fx);
}

static void test_event_allocation_failure(void **state)
{
    fixture fx;
    st_fail_alloc fa;
    (void)state;

    fx_init(&fx);
    st_fail_alloc_init(&fa, 1);
    fx.c.alloc = &fa.alloc;
    assert_int_equal(sc_cons_event(&fx.cons, &fx.parts[0], SAMSA_ERR_NO_OFFSET,
                                   -1, "x"), SAMSA_ERR_NO_MEMORY);
    expect(&fx, "");
    assert_int_equal(sc_prefetch_used(&fx.cons.pf), 0);
    assert_int_equal(fa.live, 0);
    fx_free(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_purge_keeps_order_and_tail),
        cmocka_unit_test(test_event_allocation_failure),
    };
    return cmocka_run_group_tests_name("consumer_queue", tests, NULL, NULL);
}
