/* test/support/samsa_test_cluster.c - see samsa_test_cluster.h. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "samsa_test.h"
#include "samsa_test_cluster.h"

static const char *script(void)
{
    const char *sh = st_env("SAMSA_TEST_KAFKA_SH");

    return sh ? sh : "test/broker/kafka.sh";
}

/* What scan_pair reads: "partition P, leader L" (kcat -L) or "node N:
 * running, pid P" (kafka.sh --cluster status). */
enum scan_what { SCAN_LEADER, SCAN_PID };

/* Run cmd and return the second number of the last output line of that
 * kind whose first number is key; -1 when none. */
static int scan_pair(const char *cmd, enum scan_what what, int key)
{
    char line[512];
    int val = -1;
    FILE *f = popen(cmd, "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        int k, v, got = what == SCAN_LEADER
                            ? sscanf(line, " partition %d, leader %d", &k, &v)
                            : sscanf(line, "node %d: running, pid %d", &k, &v);
        if (got == 2 && k == key)
            val = v;
    }
    pclose(f);
    return val;
}

/* The leader kcat reports, or -1. */
static int leader_once(const char *bs, const char *topic, int32_t partition)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, "kcat -L -b %s -t %s 2>/dev/null", bs, topic);
    return scan_pair(cmd, SCAN_LEADER, partition);
}

int st_cluster_leader(const char *bs, const char *topic, int32_t partition)
{
    int leader = -1, i;

    for (i = 0; i < 60 && !(leader >= 1 && leader <= 3); i++) {
        usleep(250000);
        leader = leader_once(bs, topic, partition);
    }
    if (!(leader >= 1 && leader <= 3))
        fail_msg("%s [%d]: no leader (kcat says %d)", topic, (int)partition, leader);
    print_message("%s [%d] leader: node %d\n", topic, (int)partition, leader);
    return leader;
}

/* The pid `--cluster status` gives node, or -1. */
static int node_pid(int node)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, "%s --cluster status 2>/dev/null", script());
    return scan_pair(cmd, SCAN_PID, node);
}

static int harness(const char *verb, int node)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, "%s --cluster %s %d >&2", script(), verb, node);
    return system(cmd);
}

void st_cluster_stop(int node, bool hard)
{
    int pid;

    if (!hard) {
        assert_int_equal(harness("stop-node", node), 0);
        return;
    }
    pid = node_pid(node);
    if (pid <= 0)
        fail_msg("node %d: no pid from %s --cluster status", node, script());
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
}

void st_cluster_start(int node)
{
    assert_int_equal(harness("start-node", node), 0);
}
