/*
 * Event loop: timer order, cancel and free from callbacks, fd removal
 * inside a batch, eventfd wake-up and posts from other threads, background
 * mode, embedding calls, and the resolver (literal, name, cancel).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "loop.h"
#include "resolve.h"
#include "samsa/error.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- timers ---- */

static int order[16];
static int norder;

static void record_cb(sn_timer *t)
{
    order[norder++] = (int)(intptr_t)t->data;
}

static void test_timer_order(void **state)
{
    sn_loop *loop;
    sn_timer t[5];
    int64_t start;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    norder = 0;
    start = now_ms();
    sn_timer_init(&t[0], loop, record_cb, (void *)(intptr_t)30);
    sn_timer_init(&t[1], loop, record_cb, (void *)(intptr_t)10);
    sn_timer_init(&t[2], loop, record_cb, (void *)(intptr_t)20);
    sn_timer_init(&t[3], loop, record_cb, (void *)(intptr_t)11);
    sn_timer_init(&t[4], loop, record_cb, (void *)(intptr_t)99);
    assert_int_equal(sn_timer_start(&t[0], 30), 0);
    assert_int_equal(sn_timer_start(&t[1], 10), 0);
    assert_int_equal(sn_timer_start(&t[2], 20), 0);
    assert_int_equal(sn_timer_start(&t[3], 10), 0); /* same deadline: FIFO */
    assert_int_equal(sn_timer_start(&t[4], 5), 0);
    sn_timer_stop(&t[4]);
    assert_false(sn_timer_active(&t[4]));
    while (norder < 4 && now_ms() - start < 2000)
        assert_true(sn_loop_poll(loop, -1) >= 0);
    assert_int_equal(norder, 4);
    assert_int_equal(order[0], 10);
    assert_int_equal(order[1], 11);
    assert_int_equal(order[2], 20);
    assert_int_equal(order[3], 30);
    assert_true(now_ms() - start >= 29); /* whole ms: at most 1 early */
    assert_int_equal(sn_loop_next_timeout_ms(loop), -1);
    sn_loop_free(loop);
}

typedef struct cancel_ctx {
    sn_timer *victim;
    sn_timer *self_heap; /* malloc'd: freed from its own callback */
    int fired_a, fired_b, fired_c, rearms;
} cancel_ctx;

static cancel_ctx cctx;

static void a_cb(sn_timer *t)
{
    (void)t;
    cctx.fired_a++;
    sn_timer_stop(cctx.victim); /* due in the same batch */
}

static void b_cb(sn_timer *t)
{
    (void)t;
    cctx.fired_b++;
}

static void c_cb(sn_timer *t)
{
    cctx.fired_c++;
    sn_timer_stop(t); /* stopping oneself while firing is harmless */
    free(t);          /* and so is freeing oneself */
}

static void rearm_cb(sn_timer *t)
{
    /* re-arming at 0 ms must not starve the loop: it fires next poll */
    if (++cctx.rearms < 3)
        sn_timer_start(t, 0);
}

static void test_timer_cancel_from_callback(void **state)
{
    sn_loop *loop;
    sn_timer a, b, r;
    sn_timer *c = malloc(sizeof *c);
    int i;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    memset(&cctx, 0, sizeof cctx);
    sn_timer_init(&a, loop, a_cb, NULL);
    sn_timer_init(&b, loop, b_cb, NULL);
    sn_timer_init(c, loop, c_cb, NULL);
    sn_timer_init(&r, loop, rearm_cb, NULL);
    cctx.victim = &b;
    assert_int_equal(sn_timer_start(&a, 0), 0);
    assert_int_equal(sn_timer_start(&b, 0), 0);
    assert_int_equal(sn_timer_start(c, 0), 0);
    assert_int_equal(sn_timer_start(&r, 0), 0);
    usleep(2000);
    assert_int_equal(sn_loop_poll(loop, 0), 3); /* a, c, r; b cancelled */
    assert_int_equal(cctx.fired_a, 1);
    assert_int_equal(cctx.fired_b, 0);
    assert_int_equal(cctx.fired_c, 1);
    assert_int_equal(cctx.rearms, 1);
    for (i = 0; i < 5; i++)
        sn_loop_poll(loop, 10);
    assert_int_equal(cctx.rearms, 3);
    assert_int_equal(cctx.fired_b, 0);
    sn_loop_free(loop);
}

/* many timers with random deadlines and random cancels: heap stays right */
static void test_timer_heap_stress(void **state)
{
    enum { N = 300 };
    sn_loop *loop;
    static sn_timer t[N];
    int i, last;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    norder = 0;
    srand(7);
    for (i = 0; i < N; i++) {
        sn_timer_init(&t[i], loop, NULL, (void *)(intptr_t)i);
        assert_int_equal(sn_timer_start(&t[i], 1000 + rand() % 5000), 0);
    }
    for (i = 0; i < N; i += 3)
        sn_timer_stop(&t[i]);
    /* pop in heap order by walking the deadlines: each next >= previous */
    last = 0;
    for (;;) {
        int next = sn_loop_next_timeout_ms(loop);
        sn_timer *best = NULL;
        int j;

        if (next < 0)
            break;
        for (j = 0; j < N; j++)
            if (sn_timer_active(&t[j]) &&
                (!best || t[j].deadline_ms < best->deadline_ms))
                best = &t[j];
        assert_non_null(best);
        assert_true(best->deadline_ms >= last);
        /* the heap's top is the earliest active timer */
        assert_true(best->deadline_ms - sn_loop_now(loop) <= next + 1);
        assert_true(best->deadline_ms - sn_loop_now(loop) >= next - 1);
        last = (int)best->deadline_ms;
        sn_timer_stop(best);
    }
    for (i = 0; i < N; i++)
        assert_false(sn_timer_active(&t[i]));
    sn_loop_free(loop);
}

/* ---- fd watchers ---- */

typedef struct io_ctx {
    sn_io *ios[2];
    int fds[2][2];
    int calls[2];
} io_ctx;

static io_ctx ictx;

static void io_cb(sn_io *io, unsigned ev)
{
    int me = io == ictx.ios[0] ? 0 : 1;
    int other = 1 - me;

    assert_true(ev & SN_IO_READ);
    ictx.calls[me]++;
    /* remove and free the other watcher (its event is in this batch) and
     * ourselves */
    if (ictx.ios[other]) {
        sn_io_stop(ictx.ios[other]);
        free(ictx.ios[other]);
        ictx.ios[other] = NULL;
    }
    sn_io_stop(io);
    free(io);
    ictx.ios[me] = NULL;
}

static void test_io_remove_in_batch(void **state)
{
    sn_loop *loop;
    int i;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    memset(&ictx, 0, sizeof ictx);
    for (i = 0; i < 2; i++) {
        assert_int_equal(pipe(ictx.fds[i]), 0);
        ictx.ios[i] = malloc(sizeof(sn_io));
        sn_io_init(ictx.ios[i], loop, ictx.fds[i][0], io_cb, NULL);
        assert_int_equal(sn_io_set(ictx.ios[i], SN_IO_READ), 0);
        assert_int_equal(write(ictx.fds[i][1], "x", 1), 1);
    }
    assert_int_equal(sn_loop_poll(loop, 1000), 1);
    assert_int_equal(ictx.calls[0] + ictx.calls[1], 1);
    assert_int_equal(sn_loop_poll(loop, 0), 0);
    for (i = 0; i < 2; i++) {
        close(ictx.fds[i][0]);
        close(ictx.fds[i][1]);
    }
    sn_loop_free(loop);
}

static int reent_rc;
static void reent_cb(sn_timer *t)
{
    reent_rc = sn_loop_poll(t->loop, 0);
}

static void test_poll_reentrant_and_timeout(void **state)
{
    sn_loop *loop;
    sn_timer t;
    int64_t start;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_true(sn_loop_fd(loop) >= 0);
    assert_int_equal(sn_loop_next_timeout_ms(loop), -1);
    start = now_ms();
    assert_int_equal(sn_loop_poll(loop, 0), 0);
    assert_int_equal(sn_loop_poll(loop, 60), 0);
    assert_true(now_ms() - start >= 59);
    assert_true(now_ms() - start < 1000);
    sn_timer_init(&t, loop, reent_cb, NULL);
    assert_int_equal(sn_timer_start(&t, 100), 0);
    assert_true(sn_loop_next_timeout_ms(loop) > 50);
    assert_true(sn_loop_next_timeout_ms(loop) <= 100);
    /* asking for less than the timer waits only that long */
    start = now_ms();
    assert_int_equal(sn_loop_poll(loop, 20), 0);
    assert_true(now_ms() - start < 90);
    while (sn_timer_active(&t))
        sn_loop_poll(loop, -1);
    assert_int_equal(reent_rc, SAMSA_ERR_REENTRANT);
    sn_loop_free(loop);
}

/* ---- wake-up and posts from other threads ---- */

static void *waker(void *arg)
{
    usleep(50000);
    sn_loop_wake(arg);
    return NULL;
}

static void test_wake_from_thread(void **state)
{
    sn_loop *loop;
    pthread_t th;
    int64_t start;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_int_equal(pthread_create(&th, NULL, waker, loop), 0);
    start = now_ms();
    assert_int_equal(sn_loop_poll(loop, 5000), 0); /* woken, no callback */
    assert_true(now_ms() - start < 2000);
    pthread_join(th, NULL);
    sn_loop_free(loop);
}

static atomic_int posted;
static pthread_t loop_tid;
static atomic_int have_tid;
static atomic_int wrong_thread;

static void post_fn(void *arg)
{
    sn_loop *loop = arg;

    if (!pthread_equal(pthread_self(), loop_tid))
        atomic_fetch_add(&wrong_thread, 1);
    if (!sn_loop_on_loop_thread(loop))
        atomic_fetch_add(&wrong_thread, 1);
    atomic_fetch_add(&posted, 1);
}

static void tid_fn(void *arg)
{
    (void)arg;
    loop_tid = pthread_self();
    atomic_store(&have_tid, 1);
}

static void test_post_background(void **state)
{
    sn_loop *loop;
    int i;
    int64_t start;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    atomic_store(&posted, 0);
    atomic_store(&wrong_thread, 0);
    assert_int_equal(sn_loop_start(loop), 0);
    assert_int_equal(sn_loop_start(loop), SAMSA_ERR_STATE);
    assert_int_equal(sn_loop_poll(loop, 0), SAMSA_ERR_STATE);
    assert_int_equal(sn_loop_post(loop, tid_fn, NULL), 0);
    start = now_ms();
    while (!atomic_load(&have_tid) && now_ms() - start < 2000)
        usleep(1000);
    assert_false(pthread_equal(loop_tid, pthread_self()));
    for (i = 0; i < 200; i++)
        assert_int_equal(sn_loop_post(loop, post_fn, loop), 0);
    while (atomic_load(&posted) < 200 && now_ms() - start < 5000)
        usleep(1000);
    assert_int_equal(atomic_load(&posted), 200);
    /* posts queued right before stop still run */
    for (i = 0; i < 10; i++)
        assert_int_equal(sn_loop_post(loop, post_fn, loop), 0);
    assert_int_equal(sn_loop_stop(loop), 0);
    assert_int_equal(atomic_load(&posted), 210);
    assert_int_equal(atomic_load(&wrong_thread), 0);
    assert_int_equal(sn_loop_stop(loop), 0);
    /* embedded again after stop */
    assert_int_equal(sn_loop_poll(loop, 0), 0);
    sn_loop_free(loop);
}

static int emb_posted;
static void emb_fn(void *arg)
{
    (void)arg;
    emb_posted++;
}

/* embedded: a post from the loop thread runs at the next poll, and the
 * epoll fd becomes readable for the application's own poll() */
static void test_post_embedded_fd_readable(void **state)
{
    sn_loop *loop;
    struct timespec ts = { 0, 0 };
    fd_set rd;
    struct timeval tv = { 1, 0 };
    (void)state;
    (void)ts;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    emb_posted = 0;
    assert_int_equal(sn_loop_post(loop, emb_fn, NULL), 0);
    assert_int_equal(emb_posted, 0);
    FD_ZERO(&rd);
    FD_SET(sn_loop_fd(loop), &rd);
    assert_int_equal(select(sn_loop_fd(loop) + 1, &rd, NULL, NULL, &tv), 1);
    assert_int_equal(sn_loop_poll(loop, 0), 1);
    assert_int_equal(emb_posted, 1);
    sn_loop_free(loop);
}

/* ---- resolver ---- */

typedef struct res_ctx {
    int calls, err;
    size_t n;
    int family;
} res_ctx;

static void res_cb(void *opaque, int err, const sn_addr *addrs, size_t n,
                   const char *errstr)
{
    res_ctx *c = opaque;

    (void)errstr;
    c->calls++;
    c->err = err;
    c->n = n;
    c->family = n ? addrs[0].ss.ss_family : -1;
}

static void test_resolve(void **state)
{
    sn_loop *loop;
    sn_resolve *r1, *r2, *r3;
    res_ctx c1 = { 0 }, c2 = { 0 }, c3 = { 0 };
    int64_t start;
    (void)state;

    assert_int_equal(sn_loop_new(NULL, &loop), 0);
    assert_int_equal(sn_resolve_start(loop, "127.0.0.1", 9092, res_cb, &c1, &r1), 0);
    assert_int_equal(c1.calls, 0); /* never inside start */
    assert_int_equal(sn_resolve_start(loop, "localhost", 9092, res_cb, &c2, &r2), 0);
    assert_int_equal(sn_resolve_start(loop, "localhost", 9092, res_cb, &c3, &r3), 0);
    sn_resolve_cancel(r3);
    assert_int_equal(sn_resolve_start(loop, "", 9092, res_cb, &c3, &r3), SAMSA_ERR_INVALID_ARG);
    start = now_ms();
    while ((c1.calls == 0 || c2.calls == 0) && now_ms() - start < 5000)
        sn_loop_poll(loop, 100);
    assert_int_equal(c1.calls, 1);
    assert_int_equal(c1.err, 0);
    assert_int_equal(c1.family, AF_INET);
    assert_int_equal(c2.calls, 1);
    assert_int_equal(c2.err, 0);
    assert_true(c2.n >= 1);
    sn_loop_poll(loop, 50);
    assert_int_equal(c3.calls, 0);
    /* a request still running when the loop is freed is dropped */
    assert_int_equal(sn_resolve_start(loop, "localhost", 9092, res_cb, &c3, &r3), 0);
    sn_loop_free(loop);
    assert_int_equal(c3.calls, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timer_order),
        cmocka_unit_test(test_timer_cancel_from_callback),
        cmocka_unit_test(test_timer_heap_stress),
        cmocka_unit_test(test_io_remove_in_batch),
        cmocka_unit_test(test_poll_reentrant_and_timeout),
        cmocka_unit_test(test_wake_from_thread),
        cmocka_unit_test(test_post_background),
        cmocka_unit_test(test_post_embedded_fd_readable),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
