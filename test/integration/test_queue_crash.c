/*
 * Queue crash safety against the real broker: a queue consumer process
 * (assign mode, file offset store) is killed with SIGKILL at a random
 * point five times over 100,000 messages and restarted each time. Every
 * message must appear in the sink file (at-least-once), and a message
 * processed twice must have been in the uncommitted window of the run that
 * was killed: its offset at or above what the store held after that kill.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa.h"
#include "samsa/consumer.h"
#include "samsa/queue.h"
#include "offset_store.h"

#define NPARTS 2
#define NMSG   100000
#define KILLS  5

typedef struct sink_rec {
    int32_t run;
    int32_t partition;
    int64_t offset;
} sink_rec;

static int sink_fd = -1;
static int32_t cur_run;

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static samsa_queue_result sink_handler(void *opaque, samsa_queue_job *job)
{
    const samsa_message *m = samsa_queue_job_message(job, 0);
    sink_rec r = { cur_run, m->partition, m->offset };

    (void)opaque;
    if (write(sink_fd, &r, sizeof r) != (ssize_t)sizeof r)
        return SAMSA_QUEUE_RETRY;
    return SAMSA_QUEUE_OK;
}

static void child_main(const char *boot, const char *topic, const char *store,
                       const char *sink)
{
    samsa_queue_conf *qc = samsa_queue_conf_new(NULL);
    samsa_topic_partition tps[NPARTS];
    samsa_queue *q;
    char err[256];
    int i;

    sink_fd = open(sink, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (!qc || sink_fd < 0 ||
        samsa_queue_conf_set(qc, "bootstrap.servers", boot, err, sizeof err) ||
        samsa_queue_conf_set(qc, "auto.offset.reset", "earliest", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.workers", "4", err, sizeof err) ||
        samsa_queue_conf_set(qc, "queue.offset.store.path", store, err, sizeof err))
        _exit(2);
    q = samsa_queue_new(qc, sink_handler, NULL, NULL, err, sizeof err);
    if (!q) {
        fprintf(stderr, "child: %s\n", err);
        _exit(3);
    }
    memset(tps, 0, sizeof tps);
    for (i = 0; i < NPARTS; i++) {
        tps[i].topic = topic;
        tps[i].partition = i;
        tps[i].leader_epoch = -1;
    }
    if (samsa_queue_assign(q, tps, NPARTS) != 0)
        _exit(4);
    i = samsa_queue_run(q);
    fprintf(stderr, "child: run returned %d: %s\n", i, samsa_queue_errstr(q));
    _exit(5);
}

static off_t sink_count(const char *sink)
{
    struct stat st;

    if (stat(sink, &st) != 0)
        return 0;
    return st.st_size / (off_t)sizeof(sink_rec);
}

static void produce_all(const char *boot, const char *topic)
{
    samsa_conf *cf = samsa_conf_new(NULL);
    samsa_client *c;
    char err[256];
    int i;

    assert_int_equal(samsa_conf_set(cf, "bootstrap.servers", boot, err, sizeof err), 0);
    assert_int_equal(samsa_conf_set(cf, "linger.ms", "10", err, sizeof err), 0);
    c = samsa_client_new(cf, err, sizeof err);
    assert_non_null(c);
    samsa_conf_destroy(cf);
    assert_int_equal(samsa_create_topic(c, topic, NPARTS, 1, NULL, 0, 15000), 0);
    for (i = 0; i < NMSG; i++) {
        char v[16];
        samsa_record r;

        memset(&r, 0, sizeof r);
        snprintf(v, sizeof v, "v%d", i);
        r.topic = topic;
        r.partition = i % NPARTS;
        r.value = v;
        r.value_len = strlen(v);
        r.timestamp_ms = SAMSA_TIMESTAMP_NOW;
        assert_int_equal(samsa_produce(c, &r, NULL, 10000), 0);
    }
    assert_int_equal(samsa_flush(c, 60000), 0);
    samsa_client_destroy(c);
}

static void load_store(const char *store, const char *topic, int64_t *out)
{
    sq_offset_store s;
    char err[256];
    int p;

    assert_int_equal(sq_file_store_open(&s, NULL, store, err, sizeof err), 0);
    for (p = 0; p < NPARTS; p++)
        if (s.ops->load(s.self, topic, p, &out[p]) != 0)
            out[p] = 0;
    s.ops->close(s.self);
}

static void test_crash_restart(void **state)
{
    const char *boot = st_require_env("SAMSA_TEST_BOOTSTRAP");
    char topic[128], dir[] = "/tmp/hqueue-crash-XXXXXX", store[256], sink[256];
    int64_t stored[KILLS + 1][NPARTS];
    int32_t run;
    sink_rec *recs;
    uint8_t *seen[NPARTS];
    off_t n, i;
    long dups = 0;
    int p;
    (void)state;

    snprintf(topic, sizeof topic, "hqueue-crash-%d-%lld", (int)getpid(), (long long)now_ms());
    assert_non_null(mkdtemp(dir));
    snprintf(store, sizeof store, "%s/offsets", dir);
    snprintf(sink, sizeof sink, "%s/sink", dir);
    produce_all(boot, topic);
    srand((unsigned)getpid());

    for (run = 0; run <= KILLS; run++) {
        off_t before = sink_count(sink), goal;
        int64_t t0 = now_ms();
        pid_t pid;
        int status;

        cur_run = run;
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            child_main(boot, topic, store, sink);
        if (run < KILLS)
            goal = before + 2000 + rand() % 15000; /* a random point */
        else
            goal = -1;
        for (;;) {
            off_t have = sink_count(sink);

            if (goal >= 0 && have >= goal)
                break;
            if (waitpid(pid, &status, WNOHANG) == pid)
                fail_msg("child exited early (%d)", status);
            if (goal < 0) {
                /* last run: until every offset was seen (checked below) */
                static uint8_t done;

                if (have - before >= 0 && now_ms() - t0 > 2000) {
                    sink_rec *all = NULL;
                    int fd = open(sink, O_RDONLY);
                    off_t k, cnt = have;
                    uint8_t *s2 = calloc(NMSG, 1);
                    long distinct = 0;

                    all = malloc((size_t)cnt * sizeof *all + 1);
                    if (fd >= 0 && all && s2 &&
                        read(fd, all, (size_t)cnt * sizeof *all) == (ssize_t)(cnt * (off_t)sizeof *all)) {
                        for (k = 0; k < cnt; k++) {
                            int64_t idx = all[k].offset * NPARTS + all[k].partition;

                            if (idx >= 0 && idx < NMSG && !s2[idx]) {
                                s2[idx] = 1;
                                distinct++;
                            }
                        }
                    }
                    if (fd >= 0)
                        close(fd);
                    free(all);
                    free(s2);
                    done = distinct == NMSG;
                }
                if (done || now_ms() - t0 > 180000)
                    break;
                usleep(200000);
                continue;
            }
            if (now_ms() - t0 > 120000)
                fail_msg("run %d made no progress", (int)run);
            usleep(1000);
        }
        kill(pid, SIGKILL);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        load_store(store, topic, stored[run]);
        fprintf(stderr, "run %d killed after %lld records; store %lld/%lld\n", (int)run,
                (long long)(sink_count(sink) - before), (long long)stored[run][0],
                (long long)stored[run][1]);
    }

    n = sink_count(sink);
    recs = malloc((size_t)n * sizeof *recs);
    assert_non_null(recs);
    {
        int fd = open(sink, O_RDONLY);

        assert_true(fd >= 0);
        assert_int_equal(read(fd, recs, (size_t)n * sizeof *recs), (ssize_t)(n * (off_t)sizeof *recs));
        close(fd);
    }
    for (p = 0; p < NPARTS; p++) {
        seen[p] = calloc(NMSG / NPARTS, 1);
        assert_non_null(seen[p]);
    }
    /* duplicates: the earlier sighting must be in a killed run's
     * uncommitted window (at or above what the store held after it) */
    {
        int8_t *first_run[NPARTS];

        for (p = 0; p < NPARTS; p++) {
            first_run[p] = malloc(NMSG / NPARTS);
            assert_non_null(first_run[p]);
            memset(first_run[p], -1, NMSG / NPARTS);
        }
        for (i = 0; i < n; i++) {
            sink_rec *r = &recs[i];

            assert_true(r->partition >= 0 && r->partition < NPARTS);
            assert_true(r->offset >= 0 && r->offset < NMSG / NPARTS);
            if (first_run[r->partition][r->offset] < 0) {
                first_run[r->partition][r->offset] = (int8_t)r->run;
            } else {
                int fr = first_run[r->partition][r->offset];

                dups++;
                if (r->offset < stored[fr][r->partition])
                    fail_msg("%d@%lld processed again in run %d though run %d committed %lld",
                             (int)r->partition, (long long)r->offset, (int)r->run, fr,
                             (long long)stored[fr][r->partition]);
            }
            seen[r->partition][r->offset] = 1;
        }
        for (p = 0; p < NPARTS; p++)
            free(first_run[p]);
    }
    for (p = 0; p < NPARTS; p++) {
        for (i = 0; i < NMSG / NPARTS; i++)
            if (!seen[p][i])
                fail_msg("lost: partition %d offset %lld", p, (long long)i);
        free(seen[p]);
    }
    fprintf(stderr, "crash test: %lld records for %d messages, %ld duplicates over %d kills\n",
            (long long)n, NMSG, dups, KILLS);
    free(recs);
    unlink(sink);
    unlink(store);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash_restart),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
