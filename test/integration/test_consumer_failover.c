/*
 * Consumer failover on the 3-node harness: a samsa consumer (background
 * mode) reads 3 partitions while a samsa producer writes about 1000
 * messages a second; the leader of partition 0 is stopped and started
 * again. Every acknowledged message is read exactly once, offsets per
 * partition strictly increase without gaps, and the consumer follows the
 * leader (new leader epoch, OffsetForLeaderEpoch validation) without an
 * error event.
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

#define NPART 3
#define MAXMSG 200000

typedef struct pstate {
    pthread_mutex_t mu;
    int64_t acked[NPART][MAXMSG / NPART + 1000]; /* offsets in ack order */
    size_t nacked[NPART];
    size_t errors;
} pstate;

static pstate ps;

static void dcb(void *opaque, const samsa_delivery *d)
{
    (void)opaque;
    pthread_mutex_lock(&ps.mu);
    if (d->err)
        ps.errors++;
    else if (d->partition >= 0 && d->partition < NPART &&
             ps.nacked[d->partition] < MAXMSG / NPART + 1000)
        ps.acked[d->partition][ps.nacked[d->partition]++] = d->offset;
    pthread_mutex_unlock(&ps.mu);
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
    char value[32];

    while (!p->stop && p->sent < MAXMSG - 100) {
        int i;
        for (i = 0; i < 10; i++) {
            samsa_record r;

            snprintf(value, sizeof value, "s%08zu", p->sent);
            memset(&r, 0, sizeof r);
            r.topic = p->topic;
            r.partition = (int32_t)(p->sent % NPART);
            r.value = value;
            r.value_len = strlen(value);
            r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
            p->err = samsa_produce(p->c, &r, NULL, 60000);
            if (p->err)
                return NULL;
            p->sent++;
        }
        usleep(10000);
    }
    return NULL;
}

typedef struct cons {
    samsa_client *c;
    volatile bool stop;
    int64_t next[NPART]; /* next expected offset */
    size_t got;
    int bad;             /* first problem seen */
    char why[256];
} cons;

static void *consume_loop(void *arg)
{
    cons *k = arg;
    samsa_message *ms[256];

    while (!k->stop) {
        size_t n = samsa_consume_batch(k->c, ms, 256, 200), i;

        for (i = 0; i < n; i++) {
            samsa_message *m = ms[i];

            if (!k->bad && m->err) {
                k->bad = m->err;
                snprintf(k->why, sizeof k->why, "event %s on [%d] at %lld: %s",
                         samsa_err_name(m->err), (int)m->partition,
                         (long long)m->offset, m->errstr);
            } else if (!k->bad && m->offset != k->next[m->partition]) {
                k->bad = -1;
                snprintf(k->why, sizeof k->why, "[%d]: offset %lld, expected %lld",
                         (int)m->partition, (long long)m->offset,
                         (long long)k->next[m->partition]);
            }
            if (!m->err) {
                k->next[m->partition] = m->offset + 1;
                k->got++;
            }
            samsa_message_release(m);
        }
    }
    return NULL;
}

static samsa_client *make(const char *bs, bool dr)
{
    samsa_client *c = st_client(bs, dr ? dcb : NULL, NULL, "request.timeout.ms", "5000", NULL);

    assert_int_equal(samsa_start(c), 0);
    return c;
}

static void test_consumer_failover(void **state)
{
    const char *bs = st_require_env("SAMSA_TEST_CLUSTER_BOOTSTRAP");
    char topic[128];
    samsa_client *pc, *cc;
    samsa_topic_partition tps[NPART];
    prod pr;
    cons k;
    pthread_t pth, cth;
    int leader, i;
    size_t acked = 0;
    time_t t0;
    (void)state;

    pthread_mutex_init(&ps.mu, NULL);
    st_unique_name(topic, sizeof topic, "hcons", "failover");
    pc = make(bs, true);
    assert_int_equal(samsa_create_topic(pc, topic, NPART, 3, NULL, 0, 30000), 0);
    leader = st_cluster_leader(bs, topic, 0);

    cc = make(bs, false);
    memset(tps, 0, sizeof tps);
    for (i = 0; i < NPART; i++) {
        tps[i].topic = topic;
        tps[i].partition = i;
        tps[i].offset = SAMSA_OFFSET_BEGINNING;
        tps[i].leader_epoch = -1;
    }
    assert_int_equal(samsa_assign(cc, tps, NPART), 0);
    memset(&k, 0, sizeof k);
    k.c = cc;
    assert_int_equal(pthread_create(&cth, NULL, consume_loop, &k), 0);

    memset(&pr, 0, sizeof pr);
    pr.c = pc;
    pr.topic = topic;
    assert_int_equal(pthread_create(&pth, NULL, produce_loop, &pr), 0);
    sleep(3);
    st_cluster_stop(leader, false);
    print_message("node %d stopped after %zu produced, %zu consumed\n", leader,
                  pr.sent, k.got);
    sleep(6);
    st_cluster_start(leader);
    print_message("node %d started after %zu produced, %zu consumed\n", leader,
                  pr.sent, k.got);
    sleep(4);
    pr.stop = true;
    pthread_join(pth, NULL);
    assert_int_equal(pr.err, 0);
    assert_int_equal(samsa_flush(pc, 120000), 0);
    for (i = 0; i < NPART; i++)
        acked += ps.nacked[i];
    print_message("%zu produced, %zu acknowledged, %zu failed\n", pr.sent,
                  acked, ps.errors);

    /* the consumer catches up with everything acknowledged */
    t0 = time(NULL);
    while (k.got < acked && time(NULL) - t0 < 60 && !k.bad)
        usleep(100000);
    k.stop = true;
    pthread_join(cth, NULL);
    print_message("consumed %zu of %zu%s%s\n", k.got, acked, k.bad ? ": " : "",
                  k.why);
    assert_int_equal(k.bad, 0);
    assert_int_equal(k.got, acked);
    for (i = 0; i < NPART; i++) {
        size_t j;
        int64_t most = -1;

        for (j = 0; j < ps.nacked[i]; j++)
            if (ps.acked[i][j] > most)
                most = ps.acked[i][j];
        /* read up to the last acknowledged offset, no gap, none twice */
        assert_int_equal(k.next[i], most + 1);
        assert_int_equal((size_t)(most + 1), ps.nacked[i]);
    }
    samsa_client_destroy(cc);
    samsa_client_destroy(pc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_consumer_failover),
    };
    return cmocka_run_group_tests_name("consumer_failover", tests, NULL, NULL);
}
