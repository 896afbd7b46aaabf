/*
 * test/support/samsa_test_cluster.h - the 3-node harness cluster seen from
 * the failover tests (test_producer_failover.c, test_consumer_failover.c):
 * who leads a partition, and stopping and starting a node.
 *
 * Nodes are stopped and started through the harness script,
 * SAMSA_TEST_KAFKA_SH (default test/broker/kafka.sh), which must see the
 * same SAMSA_CLUSTER_PORT / SAMSA_CLUSTER_RUN the cluster was started with
 * (inherited from the environment). Leaders come from `kcat -L`. Every call
 * fails the calling cmocka test on error; test thread only.
 */
#ifndef SAMSA_TEST_CLUSTER_H
#define SAMSA_TEST_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

/* The node id (1..3) leading partition of topic on the cluster at bs,
 * waiting up to 15 s for a new topic to get one; printed. */
int st_cluster_leader(const char *bs, const char *topic, int32_t partition);

/* Stop node: cleanly, or by SIGKILL when hard (in-flight writes are then
 * in doubt). */
void st_cluster_stop(int node, bool hard);

/* Start node again (returns once the script says it runs). */
void st_cluster_start(int node);

#endif
