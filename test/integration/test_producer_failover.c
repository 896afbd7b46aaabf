/*
 * Failover on the 3-node harness: produce continuously (acks=all,
 * idempotence on, background mode) while the leader of partition 0 is
 * stopped (cleanly, then by SIGKILL with writes in doubt) and started
 * again; then read everything back with kcat: zero
 * lost, zero duplicated, per-key order kept.
 *
 * Needs SAMSA_TEST_CLUSTER_BOOTSTRAP and the harness script to stop and
 * start nodes: SAMSA_TEST_KAFKA_SH (default test/broker/kafka.sh), run
 * with the same SAMSA_CLUSTER_PORT / SAMSA_CLUSTER_RUN the cluster was
 * started with (inherited from the environment).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_client.h"
#include "samsa_test_cluster.h"
#include "samsa.h"

#define NKEYS 30

typedef struct fstate {
    pthread_mutex_t mu;
    size_t reports, errors;
    int first_err;
    char first_errstr[300];
    int64_t *offset; /* by sequence number */
    size_t cap;
} fstate;

static void dcb(void *opaque, const samsa_delivery *d)
{
    fstate *s = opaque;
    size_t i = (size_t)(uintptr_t)d->opaque;

    pthread_mutex_lock(&s->mu);
    s->reports++;
    if (i < s->cap)
        s->offset[i] = d->err ? -2 : d->offset;
    if (d->err && s->errors++ == 0) {
        s->first_err = d->err;
        snprintf(s->first_errstr, sizeof s->first_errstr, "%s", d->errstr);
    }
    pthread_mutex_unlock(&s->mu);
}

typedef struct prod {
    samsa_client *c;
    const char *topic;
    volatile bool stop;
    size_t sent;
    int err;
} prod;

static void *produce_loop(void *arg)
{
    prod *p = arg;
    char key[16], value[32];

    while (!p->stop) {
        samsa_record r;
        int i;
        for (i = 0; i < 20; i++) {
            size_t n = p->sent;
            snprintf(key, sizeof key, "k%02zu", n % NKEYS);
            snprintf(value, sizeof value, "s%08zu", n);
            memset(&r, 0, sizeof r);
            r.topic = p->topic;
            r.partition = SAMSA_PARTITION_ANY;
            r.key = key;
            r.key_len = strlen(key);
            r.value = value;
            r.value_len = strlen(value);
            r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
            p->err = samsa_produce(p->c, &r, (void *)(uintptr_t)n, 60000);
            if (p->err)
                return NULL;
            p->sent++;
        }
        usleep(10000); /* about 2000 messages a second */
    }
    return NULL;
}

static void failover(bool hard)
{
    const char *bs = st_require_env("SAMSA_TEST_CLUSTER_BOOTSTRAP");
    char topic[128], cmd[512], line[256];
    fstate s;
    prod pr;
    pthread_t th;
    samsa_client *c;
    int leader;
    size_t i, got = 0;
    long *last;
    int *seen;
    FILE *f;

    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.mu, NULL);
    s.cap = 1000000;
    s.offset = malloc(s.cap * sizeof *s.offset);
    for (i = 0; i < s.cap; i++)
        s.offset[i] = -1;
    st_unique_name(topic, sizeof topic, "hclient", "failover");
    c = st_client(bs, dcb, &s, "request.timeout.ms", "5000", NULL);
    assert_int_equal(samsa_start(c), 0);
    assert_int_equal(samsa_create_topic(c, topic, 3, 3, NULL, 0, 30000), 0);
    leader = st_cluster_leader(bs, topic, 0);

    memset(&pr, 0, sizeof pr);
    pr.c = c;
    pr.topic = topic;
    assert_int_equal(pthread_create(&th, NULL, produce_loop, &pr), 0);
    sleep(3);
    st_cluster_stop(leader, hard);
    print_message("node %d %s after %zu messages\n", leader,
                  hard ? "killed (SIGKILL)" : "stopped", pr.sent);
    sleep(5);
    st_cluster_start(leader);
    print_message("node %d started again after %zu messages\n", leader, pr.sent);
    sleep(3);
    pr.stop = true;
    pthread_join(th, NULL);
    assert_int_equal(pr.err, 0);
    assert_int_equal(samsa_flush(c, 120000), 0);
    print_message("%zu produced, %zu reports, %zu errors %s %s\n", pr.sent,
                  s.reports, s.errors, samsa_err_name(s.first_err),
                  s.first_errstr);
    assert_int_equal(s.reports, pr.sent);
    assert_int_equal(s.errors, 0);
    samsa_client_destroy(c);

    /* the independent consumer's view */
    seen = calloc(pr.sent, sizeof *seen);
    last = malloc(NKEYS * sizeof *last);
    for (i = 0; i < NKEYS; i++)
        last[i] = -1;
    snprintf(cmd, sizeof cmd,
             "kcat -C -b %s -t %s -e -q -f '%%p %%o %%k %%s\\n' 2>&1", bs, topic);
    f = popen(cmd, "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        int part;
        long off;
        char key[32];
        size_t n;
        if (sscanf(line, "%d %ld %31s s%zu", &part, &off, key, &n) != 4)
            fail_msg("kcat: %s", line);
        assert_true(n < pr.sent);
        seen[n]++;
        assert_int_equal(off, s.offset[n]);
        assert_true((long)n > last[n % NKEYS]);
        last[n % NKEYS] = (long)n;
        got++;
    }
    pclose(f);
    for (i = 0; i < pr.sent; i++)
        if (seen[i] != 1)
            fail_msg("message %zu seen %d times", i, seen[i]);
    assert_int_equal(got, pr.sent);
    free(seen);
    free(last);
    free(s.offset);
}

static void test_failover(void **state)
{
    (void)state;
    failover(false);
}

static void test_failover_sigkill(void **state)
{
    (void)state;
    failover(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failover),
        cmocka_unit_test(test_failover_sigkill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
