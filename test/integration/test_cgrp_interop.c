/*
 * Consumer group interop against the real broker: kcat -G (librdkafka,
 * range) and a samsa member in one group split the partitions, and
 * together read every offset exactly once. Skipped without kcat.
 * Shared setup: test/support/cgrp_test.h.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "samsa_test.h"
#include "cgrp_test.h"

/* kcat -G (librdkafka, range) and samsa in one group: both get partitions,
 * and together they read every offset. */
static void test_kcat_interop(void **state)
{
    char topic[128], group[128], out[] = "/tmp/hgroup-kcat-XXXXXX", cmd[1024];
    const char *kv[10];
    cgt_member ms[1];
    samsa_client *admin;
    int fd, p, o, k = 0, kcat_parts = 0;
    bool kcat_had[CGT_NPART] = { false };
    pid_t pid;
    FILE *f;
    int64_t start;
    bool all;

    (void)state;
    cgt_bootstrap();
    if (system("command -v kcat >/dev/null 2>&1") != 0)
        skip();
    admin = cgt_make_topic(topic, sizeof topic, "kcat");
    cgt_topic = topic;
    cgt_name_of(group, sizeof group, "kcat");
    memset(cgt_seen, 0, sizeof cgt_seen);
    cgt_produce(admin, topic, 100, 0);
    kv[k++] = "group.id";
    kv[k++] = group;
    kv[k++] = "auto.offset.reset";
    kv[k++] = "earliest";
    kv[k++] = "partition.assignment.strategy";
    kv[k++] = "range";
    kv[k] = NULL;
    fd = mkstemp(out);
    assert_true(fd >= 0);
    close(fd);
    snprintf(cmd, sizeof cmd,
             "exec kcat -q -b %s -G %s -X partition.assignment.strategy=range "
             "-X auto.offset.reset=earliest -X enable.auto.commit=true "
             "-X auto.commit.interval.ms=200 -f '%%p %%o\\n' %s > %s 2>/dev/null",
             cgt_bootstrap(), group, topic, out);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    sleep(3); /* kcat joins first and reads the first 100 of each */
    cgt_member_start(&ms[0], 0, kv);
    start = st_now_ms();
    do {
        int any = 0;

        samsa_poll(ms[0].c, 10);
        cgt_drain(&ms[0], 1000);
        for (p = 0; p < CGT_NPART; p++)
            any += ms[0].owned[p];
        all = any > 0 && any < CGT_NPART;
    } while (!all && st_now_ms() - start < 60000);
    assert_true(all);
    /* more data: both read their share of it */
    cgt_produce(admin, topic, 100, 100);
    start = st_now_ms();
    do {
        samsa_poll(ms[0].c, 10);
        cgt_drain(&ms[0], 1000);
        all = true;
        for (p = 0; p < CGT_NPART && all; p++)
            for (o = 100; o < 200 && all; o++)
                all = cgt_seen[p][o] > 0 || !ms[0].owned[p];
    } while (!all && st_now_ms() - start < 60000);
    assert_true(all);
    start = st_now_ms();
    while (st_now_ms() - start < 3000) { /* let kcat read and commit */
        samsa_poll(ms[0].c, 10);
        cgt_drain(&ms[0], 1000);
    }
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    f = fopen(out, "r");
    assert_non_null(f);
    while (fscanf(f, "%d %d", &p, &o) == 2)
        if (p >= 0 && p < CGT_NPART && o >= 0 && o < CGT_MAXOFF) {
            if (o >= 100)
                kcat_had[p] = true; /* after the split */
            cgt_seen[p][o]++;
        }
    fclose(f);
    unlink(out);
    for (p = 0; p < CGT_NPART; p++) {
        kcat_parts += kcat_had[p];
        if (kcat_had[p])
            assert_false(ms[0].owned[p]); /* split, not shared */
    }
    assert_true(kcat_parts > 0);
    printf("interop: kcat read %d partition(s), samsa the others\n", kcat_parts);
    cgt_check_exactly_once(200);
    cgt_member_stop(&ms[0]);
    samsa_delete_topic(admin, topic, 30000);
    samsa_client_destroy(admin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kcat_interop),
    };

    setvbuf(stdout, NULL, _IONBF, 0);
    if (getenv("SAMSA_TEST_FILTER"))
        cmocka_set_test_filter(getenv("SAMSA_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
